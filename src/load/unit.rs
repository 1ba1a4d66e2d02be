//! `data/units/*.yaml`: one unit a file, with its lines and groups.
//!
//! A unit file of the usual shape is read by [`super::fast`] into the same raw types that
//! serde-saphyr reads the others into; both go through one conversion.

use serde::Deserialize;

use super::values::Values;
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::Finding;
use crate::model::{Coordinator, Decision, Group, GroupKind, Line, Policy, Unit};

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawUnit {
    pub(super) name: Option<String>,
    pub(super) cohort: Option<Spot<String>>,
    #[serde(default)]
    pub(super) separate_teams: bool,
    pub(super) coordinator: Option<RawCoordinator>,
    pub(super) responded: Option<Spot<String>>,
    #[serde(default)]
    pub(super) lines: Vec<Spot<RawLine>>,
    #[serde(default)]
    pub(super) groups: Vec<Spot<RawGroup>>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawCoordinator {
    pub(super) name: Option<String>,
    pub(super) email: Option<String>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLine {
    pub(super) ext: Option<Spot<String>>,
    pub(super) holder: Option<String>,
    pub(super) email: Option<String>,
    /// Where it was written, so that it can be refused where the policy has no pre-flag.
    pub(super) ms_teams: Option<Spot<bool>>,
    #[serde(default)]
    pub(super) uses: Vec<Spot<String>>,
    #[serde(default)]
    pub(super) pilot: bool,
    #[serde(default)]
    pub(super) critical: bool,
    #[serde(default)]
    pub(super) contact_centre: bool,
    pub(super) decision: Option<Spot<String>>,
    pub(super) requested: Option<Spot<String>>,
    pub(super) tranche: Option<Spot<u32>>,
}

#[derive(Debug, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawGroup {
    pub(super) id: Option<Spot<String>>,
    pub(super) kind: Option<Spot<String>>,
    pub(super) members: Option<Vec<Spot<String>>>,
    pub(super) manager: Option<Spot<String>>,
}

/// Parses the unit file `file` of unit `id`, read against `policy` (its features, its
/// pre-flag, whether people may stay); `None` if it could not be read as a unit (its
/// extensions are then unknown).
pub fn unit(
    id: &str,
    file: &str,
    text: &str,
    policy: &Policy,
    problems: &mut Vec<Finding>,
    complete: &mut super::Complete,
) -> Option<Unit> {
    // The fast reader reads a unit file of the usual shape; serde-saphyr reads the others,
    // and any file with a problem, so that every problem is told the one way.
    if let Some(raw) = super::fast::unit(text) {
        let (mut found, mut fast_complete) = (Vec::new(), *complete);
        let unit = unit_from_raw(
            (id, file, text),
            policy,
            raw,
            &mut found,
            &mut fast_complete,
        );
        if found.is_empty() {
            *complete = fast_complete;
            return unit;
        }
    }
    let Some(raw) = parse_or_report::<RawUnit>(file, text, "the unit file", problems) else {
        // Its extensions are unknown, so references to them cannot be judged.
        complete.extensions = false;
        return None;
    };
    unit_from_raw((id, file, text), policy, raw, problems, complete)
}

/// A unit from what its file holds, with every bad value reported.
fn unit_from_raw(
    (id, file, text): (&str, &str, &str),
    policy: &Policy,
    raw: RawUnit,
    problems: &mut Vec<Finding>,
    complete: &mut super::Complete,
) -> Option<Unit> {
    let mut v = Values::new(file, text, problems);
    let name = v.required_text(
        raw.name,
        Some(1),
        "name",
        "the unit",
        "name: Department of Physics",
    );
    let cohort = raw.cohort.as_ref().and_then(|c| v.id(c, "cohort"));
    if raw.cohort.is_none() && !raw.separate_teams && !v.is_misspelt(Some(1), "cohort") {
        v.problems.push(Finding::invalid(
            "missing key",
            file,
            Some(1),
            "the unit has no `cohort`: add one (like `cohort: department`), or `separate_teams: \
                true` if it has its own Teams instance"
                .to_string(),
        ));
    }
    let coordinator = raw.coordinator.and_then(|c| {
        let name = v.required_text(
            c.name,
            Some(1),
            "name",
            "the coordinator",
            "coordinator: {name: Pat Example, email: pat@example.ac.uk}",
        )?;
        Some(Coordinator {
            name,
            email: c.email,
        })
    });
    let responded = raw.responded.as_ref().and_then(|d| v.date(d, "responded"));
    let source: Vec<&str> = text.lines().collect();
    let lines: Vec<Line> = raw
        .lines
        .iter()
        .filter_map(|l| line(&mut v, l, &source, policy))
        .collect();
    if lines.len() < raw.lines.len() {
        complete.extensions = false;
    }
    let groups = raw.groups.iter().filter_map(|g| group(&mut v, g)).collect();
    Some(Unit {
        id: id.to_string(),
        file: file.to_string(),
        name: name.unwrap_or_else(|| id.to_string()),
        cohort,
        cohort_line: raw.cohort.as_ref().and_then(line_of).unwrap_or(1),
        separate_teams: raw.separate_teams,
        coordinator,
        responded,
        responded_line: raw.responded.as_ref().and_then(line_of).unwrap_or(1),
        answered_in: None,
        lines,
        groups,
    })
}

/// The id of one of the policy's features, or `None` with the ids it has (and the one
/// most likely meant).
fn feature(v: &mut Values, value: &Spot<String>, policy: &Policy) -> Option<String> {
    if policy.feature(&value.value).is_some() {
        return Some(value.value.clone());
    }
    let ids = policy.features.iter().map(|f| f.id.as_str());
    let known = ids.clone().collect::<Vec<_>>().join(", ");
    let fix = match crate::suggest::nearest(&value.value, ids) {
        Some(near) => {
            format!("did you mean `{near}`? (the features of data/migration.yaml: {known})")
        }
        None if known.is_empty() => "data/migration.yaml names no `features`".to_string(),
        None => format!("use one of {known} (the features of data/migration.yaml)"),
    };
    v.bad(
        line_of(value),
        format!("`uses: {}` is not allowed: {fix}", value.value),
    );
    None
}

/// The last line of the entry that starts on `start` (1-based) with its first key at
/// `column` (1-based): the entry runs while lines are blank or indented to the key.
fn entry_end(source: &[&str], start: u32, column: u32) -> u32 {
    let mut end = start;
    for (i, text) in source.iter().enumerate().skip(start as usize) {
        let indent = (text.len() - text.trim_start().len()) as u32;
        if !text.trim().is_empty() {
            if indent + 1 < column {
                break;
            }
            end = i as u32 + 1;
        }
    }
    end
}

fn line(v: &mut Values, raw: &Spot<RawLine>, source: &[&str], policy: &Policy) -> Option<Line> {
    let l = &raw.value;
    let at = line_of(raw);
    let column = raw.column;
    let ext = v
        .required(l.ext.as_ref(), at, "ext", "this line", "ext: \"70123\"")
        .and_then(|e| v.ext(e, "ext"));
    if policy.flag.is_none()
        && let Some(flag) = &l.ms_teams
    {
        v.problems.push(Finding::invalid(
            "unknown key",
            v.file,
            line_of(flag).or(at),
            "unknown key `ms_teams` in the unit file: this migration has no pre-flag (`flag: \
                false` in data/migration.yaml), so remove it"
                .to_string(),
        ));
    }
    let uses = l
        .uses
        .iter()
        .filter_map(|u| feature(v, u, policy))
        .collect();
    let decision = l.decision.as_ref().and_then(|d| {
        let decision = v.choice(d, "decision", &Decision::ALL.map(|d| (d.id(), d)))?;
        if decision == Decision::Stay && !policy.stay {
            v.bad(
                line_of(d),
                format!(
                    "`decision: stay` is not allowed: everyone moves to {} (`stay: false` in \
                        data/migration.yaml), so remove it or write `decision: move`",
                    policy.to
                ),
            );
            return None;
        }
        Some(decision)
    });
    let requested = l.requested.as_ref().and_then(|d| v.date(d, "requested"));
    Some(Line {
        ext: ext?,
        // A blank holder is no holder: the line is shared.
        holder: l.holder.clone().filter(|h| !h.trim().is_empty()),
        email: l.email.clone().filter(|e| !e.trim().is_empty()),
        ms_teams: policy.flag.is_some() && l.ms_teams.as_ref().is_some_and(|f| f.value),
        uses,
        pilot: l.pilot,
        critical: l.critical,
        contact_centre: l.contact_centre,
        decision,
        requested,
        tranche: l.tranche.as_ref().map(|t| t.value),
        line: at.unwrap_or(0),
        exported_in: None,
        tranche_line: l.tranche.as_ref().and_then(line_of).or(at).unwrap_or(0),
        end_line: at
            .map(|start| entry_end(source, start, column))
            .unwrap_or(0),
    })
}

fn group(v: &mut Values, raw: &Spot<RawGroup>) -> Option<Group> {
    let g = &raw.value;
    let at = line_of(raw);
    let id = v
        .required(
            g.id.as_ref(),
            at,
            "id",
            "this group",
            "id: physics-reception",
        )
        .and_then(|id| v.id(id, "id"));
    let kind = v
        .required(g.kind.as_ref(), at, "kind", "this group", "kind: hunt")
        .and_then(|k| {
            v.choice(
                k,
                "kind",
                &[
                    ("hunt", GroupKind::Hunt),
                    ("pickup", GroupKind::Pickup),
                    ("executive", GroupKind::Executive),
                ],
            )
        });
    let raw_members = v.required(
        g.members.as_ref(),
        at,
        "members",
        "this group",
        "members: [\"70123\", \"70124\"]",
    );
    let (mut members, mut member_lines) = (Vec::new(), Vec::new());
    for m in raw_members.into_iter().flatten() {
        if let Some(ext) = v.ext(m, "members") {
            members.push(ext);
            member_lines.push(line_of(m).or(at).unwrap_or(0));
        }
    }
    let manager = g.manager.as_ref().and_then(|m| v.ext(m, "manager"));
    Some(Group {
        id: id?,
        kind: kind?,
        members,
        member_lines,
        manager,
        manager_line: g.manager.as_ref().and_then(line_of).or(at).unwrap_or(0),
        line: at.unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_end_where_their_indent_does() {
        let source = [
            "lines:",
            "  - ext: 1",
            "    holder: A",
            "",
            "    ms_teams: true",
            "  - ext: 2",
            "responded: x",
        ];
        assert_eq!(entry_end(&source, 2, 5), 5);
        assert_eq!(entry_end(&source, 6, 5), 6);
    }

    #[test]
    fn a_misspelt_choice_gets_the_nearest_one() {
        let yaml = "name: X\ncohort: d\nlines:\n  - ext: \"70001\"\n    decision: mvoe\n    uses: \
            [sofphone, fax]\n";
        let mut problems = Vec::new();
        let mut complete = super::super::Complete::all();
        unit(
            "x",
            "data/units/x.yaml",
            yaml,
            &Policy::default(),
            &mut problems,
            &mut complete,
        );
        let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
        assert_eq!(
            messages,
            vec![
                "`uses: sofphone` is not allowed: did you mean `softphone`? (the features of \
                data/migration.yaml: softphone, mobile-app, web-portal, external-away)",
                "`uses: fax` is not allowed: use one of softphone, mobile-app, web-portal, \
                    external-away (the features of data/migration.yaml)",
                "`decision: mvoe` is not allowed: did you mean `move`?",
            ]
        );
    }

    #[test]
    fn every_bad_value_in_a_file_is_reported() {
        let yaml = "name: X\ncohort: Dept\nlines:\n  - ext: 7a\n  - ext: \"70001\"\n    decision: \
            maybe\n    uses: [fax]\n    requested: 2022-13-01\n";
        let mut problems = Vec::new();
        let mut complete = super::super::Complete {
            site: true,
            tranches: true,
            audiences: true,
            extensions: true,
        };
        unit(
            "x",
            "data/units/x.yaml",
            yaml,
            &Policy::default(),
            &mut problems,
            &mut complete,
        );
        assert!(!complete.extensions, "a line's extension could not be read");
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 4, 7, 6, 8]);
    }

    /// (policy edit, unit file) -> problems: the unit file read against the policy.
    #[test]
    fn the_policy_sets_what_a_line_may_say() {
        let lines = "name: X\ncohort: d\nlines:\n  - ext: \"70001\"\n    ms_teams: true\n    \
            decision: stay\n    uses: [desk]\n";
        type Case = (fn(&mut Policy), &'static [(Option<u32>, &'static str)]);
        let cases: [Case; 3] = [
            (
                |p| p.flag = None,
                &[(
                    Some(5),
                    "unknown key `ms_teams` in the unit file: this migration has no pre-flag",
                )],
            ),
            (
                |p| p.stay = false,
                &[(Some(6), "`decision: stay` is not allowed: everyone moves")],
            ),
            (
                |p| {
                    p.features = vec![crate::model::Feature {
                        id: "desk".into(),
                        label: "Desk".into(),
                        lost: false,
                    }]
                },
                &[],
            ),
        ];
        for (i, (edit, want)) in cases.into_iter().enumerate() {
            let mut policy = Policy::default();
            policy.features.push(crate::model::Feature {
                id: "desk".into(),
                label: "Desk".into(),
                lost: true,
            });
            edit(&mut policy);
            let mut problems = Vec::new();
            let mut complete = super::super::Complete::all();
            let unit = unit(
                "x",
                "data/units/x.yaml",
                lines,
                &policy,
                &mut problems,
                &mut complete,
            );
            let got: Vec<(Option<u32>, &str)> = problems
                .iter()
                .map(|p| (p.line, p.message.as_str()))
                .collect();
            assert_eq!(got.len(), want.len(), "case {i}: {got:?}");
            for ((line, message), (want_line, start)) in got.iter().zip(want.iter()) {
                assert_eq!(line, want_line, "case {i}");
                assert!(message.starts_with(start), "case {i}: {message}");
            }
            if i == 0 {
                // Without a pre-flag, no line is flagged.
                assert!(!unit.unwrap().lines[0].ms_teams);
            }
        }
    }
}
