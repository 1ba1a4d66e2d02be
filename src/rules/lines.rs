//! Rules about single lines: the reasons a line cannot move, lost features, undecided
//! flagged lines and moves that need a licence.

use super::Index;
use super::status::{self, Status};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{Decision, Line, Unit};

/// A finding about `line` of `unit`, where the line is written.
pub(super) fn finding(
    unit: &Unit,
    line: &Line,
    rule: Rule,
    severity: Severity,
    message: String,
) -> Finding {
    Finding::new(
        rule,
        severity,
        line.file(&unit.file),
        Some(line.line),
        message,
    )
    .unit(&unit.id)
    .exts([&line.ext])
}

pub fn check(index: &Index, statuses: &[Vec<Status>], out: &mut Vec<Finding>) {
    let policy = &index.model.policy;
    let (from, to) = (&policy.from, &policy.to);
    // Where no one may stay, a line that cannot move is the project's to arrange.
    let (fate, change) = if policy.stay {
        (
            format!("it stays on the upgraded {from}"),
            "change `decision` to `stay`",
        )
    } else {
        (
            format!("it needs its own arrangement with the project, apart from the move to {to}"),
            "remove `decision: move`",
        )
    };
    for id in index.all() {
        let (unit, line) = (index.unit(id), index.line(id));
        let status = statuses[id.0][id.1];
        let ext = &line.ext;
        for block in status::blocks(unit, line) {
            let reason = block.reason();
            let (severity, message) = if line.decision == Some(Decision::Move) {
                (
                    Severity::Error,
                    format!("extension {ext} is marked to move, but {reason}: {fate}, so {change}"),
                )
            } else if let Some(flag) = policy.flag.as_ref().filter(|_| line.ms_teams) {
                (
                    Severity::Warning,
                    format!(
                        "extension {ext} is flagged in the {flag}, but {reason}: {fate}; tell \
                            its users"
                    ),
                )
            } else {
                // Not flagged, not asked to move: nothing to correct (SPEC §4). Its checklist
                // row says why it cannot move and what becomes of it.
                continue;
            };
            out.push(finding(unit, line, block.rule(), severity, message));
        }
        let lost: Vec<&str> = line
            .uses
            .iter()
            .filter_map(|u| policy.feature(u))
            .filter(|f| f.lost)
            .map(|f| f.label.as_str())
            .collect();
        if status == Status::Staying && !lost.is_empty() {
            out.push(finding(unit, line, Rule::FeaturesLost, Severity::Warning, format!(
                "extension {ext} stays on {from} but uses {}, which the upgrade removes: confirm \
                    the holder accepts losing it, or move the line",
                lost.join(", ")
            )));
        }
        if status == Status::Undecided {
            let message = match &policy.flag {
                Some(flag) if line.ms_teams => format!(
                    "extension {ext} is flagged in the {flag} but has no decision: add \
                    `decision: move` or `decision: stay`"
                ),
                Some(_) => String::new(),
                None => format!(
                    "extension {ext} has no decision: add `decision: move` or `decision: stay`"
                ),
            };
            if !message.is_empty() {
                out.push(finding(
                    unit,
                    line,
                    Rule::Undecided,
                    Severity::Warning,
                    message,
                ));
            }
        }
        if let Some(flag) = &policy.flag
            && status == Status::Moving
            && !line.ms_teams
        {
            out.push(finding(
                unit,
                line,
                Rule::UnflaggedMove,
                Severity::Info,
                format!(
                    "extension {ext} moves but is not flagged in the {flag}: it needs a \
                    {to} licence"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::status::tests::{line, unit};
    use super::*;
    use crate::model::{Model, Policy};

    type Expected = (&'static str, Severity);
    /// separate_teams, shared, critical, contact centre, ms_teams, decision -> findings
    type BlockCase = (
        bool,
        bool,
        bool,
        bool,
        bool,
        Option<Decision>,
        Vec<Expected>,
    );
    /// ms_teams, uses, decision -> findings
    /// A change to the line -> findings.
    type EditCase = (fn(&mut Line), Vec<Expected>);
    type OpenCase = (bool, Vec<&'static str>, Option<Decision>, Vec<Expected>);

    fn rules_for(separate: bool, edit: impl Fn(&mut Line)) -> Vec<(&'static str, Severity)> {
        rules_under(&Policy::default(), separate, edit)
    }

    fn rules_under(
        policy: &Policy,
        separate: bool,
        edit: impl Fn(&mut Line),
    ) -> Vec<(&'static str, Severity)> {
        let mut u = unit();
        u.separate_teams = separate;
        let mut l = line("70001");
        edit(&mut l);
        u.lines.push(l);
        let model = Model {
            units: vec![u],
            policy: policy.clone(),
            ..Model::default()
        };
        let index = Index::new(&model);
        let statuses = status::all(&model);
        let mut out = Vec::new();
        check(&index, &statuses, &mut out);
        out.iter().map(|f| (f.rule.id(), f.severity)).collect()
    }

    #[test]
    fn blocked_lines() {
        use Severity::*;
        let mv = Some(Decision::Move);
        // (separate_teams, shared, critical, contact centre, ms_teams, decision) -> findings
        let cases: Vec<BlockCase> = vec![
            (
                true,
                false,
                false,
                false,
                false,
                mv,
                vec![("separate-teams", Error)],
            ),
            (
                true,
                false,
                false,
                false,
                true,
                None,
                vec![("separate-teams", Warning)],
            ),
            (true, false, false, false, false, None, vec![]),
            (
                false,
                true,
                false,
                false,
                true,
                None,
                vec![("shared-line", Warning)],
            ),
            (
                false,
                false,
                true,
                false,
                false,
                mv,
                vec![("critical-line", Error)],
            ),
            (
                false,
                false,
                false,
                true,
                true,
                Some(Decision::Stay),
                vec![("contact-centre", Warning)],
            ),
            (
                false,
                true,
                true,
                false,
                false,
                mv,
                vec![("shared-line", Error), ("critical-line", Error)],
            ),
        ];
        for (separate, shared, critical, cc, ms, decision, want) in cases {
            let got = rules_for(separate, |l| {
                if shared {
                    l.holder = None;
                }
                l.critical = critical;
                l.contact_centre = cc;
                l.ms_teams = ms;
                l.decision = decision;
            });
            assert_eq!(
                got, want,
                "{separate} {shared} {critical} {cc} {ms} {decision:?}"
            );
        }
    }

    #[test]
    fn open_lines() {
        use Severity::*;
        let cases: Vec<OpenCase> = vec![
            (
                false,
                vec!["softphone"],
                Some(Decision::Stay),
                vec![("features-lost", Warning)],
            ),
            (false, vec![], Some(Decision::Stay), vec![]),
            (true, vec![], None, vec![("undecided", Warning)]),
            (false, vec![], None, vec![]),
            (
                false,
                vec![],
                Some(Decision::Move),
                vec![("unflagged-move", Info)],
            ),
            (true, vec!["mobile-app"], Some(Decision::Move), vec![]),
        ];
        for (ms, uses, decision, want) in cases {
            let got = rules_for(false, |l| {
                l.ms_teams = ms;
                l.uses = uses.iter().map(|u| u.to_string()).collect();
                l.decision = decision;
            });
            assert_eq!(got, want, "{ms} {uses:?} {decision:?}");
        }
        // A blocked line that uses features does not get features-lost.
        let got = rules_for(false, |l| {
            l.critical = true;
            l.uses = vec!["softphone".into()];
            l.decision = Some(Decision::Stay);
        });
        assert_eq!(got, vec![]);
    }

    /// SPEC §9: with the policy's features, no pre-flag, or no one staying.
    #[test]
    fn the_policy_decides_which_rules_speak() {
        use Severity::*;
        let mut policy = Policy::default();
        // Only features marked lost are lost.
        policy.features[0].lost = false;
        let stay = |l: &mut Line| {
            l.uses = vec!["softphone".into(), "mobile-app".into()];
            l.decision = Some(Decision::Stay);
        };
        assert_eq!(
            rules_under(&policy, false, stay),
            vec![("features-lost", Warning)]
        );
        policy.features.iter_mut().for_each(|f| f.lost = false);
        assert_eq!(rules_under(&policy, false, stay), vec![]);

        // No pre-flag: every undecided line is undecided; no move is unflagged.
        let unflagged = Policy {
            flag: None,
            ..Policy::default()
        };
        // (edit, findings)
        let cases: Vec<EditCase> = vec![
            (|_| {}, vec![("undecided", Warning)]),
            (|l| l.decision = Some(Decision::Move), vec![]),
            (|l| l.decision = Some(Decision::Stay), vec![]),
            (|l| l.critical = true, vec![]),
        ];
        for (i, (edit, want)) in cases.into_iter().enumerate() {
            assert_eq!(rules_under(&unflagged, false, edit), want, "case {i}");
        }

        // No one stays: no undecided, no features lost; a blocked line is a finding only
        // when it is marked to move (nothing else in the data can be corrected).
        let mut everyone = unflagged.clone();
        everyone.stay = false;
        let cases: Vec<EditCase> = vec![
            (|_| {}, vec![]),
            (|l| l.uses = vec!["softphone".into()], vec![]),
            (|l| l.critical = true, vec![]),
            (
                |l| {
                    l.critical = true;
                    l.decision = Some(Decision::Move);
                },
                vec![("critical-line", Error)],
            ),
        ];
        for (i, (edit, want)) in cases.into_iter().enumerate() {
            assert_eq!(rules_under(&everyone, false, edit), want, "case {i}");
        }
    }

    #[test]
    fn messages_name_the_policys_systems_and_flag() {
        let policy = Policy {
            from: "Webex Calling".into(),
            to: "Teams Phone".into(),
            flag: Some("Teams-ready column".into()),
            ..Policy::default()
        };
        let mut u = unit();
        let mut moving = line("70001");
        moving.decision = Some(Decision::Move);
        let mut flagged = line("70002");
        flagged.ms_teams = true;
        flagged.critical = true;
        u.lines = vec![moving, flagged];
        let model = Model {
            units: vec![u],
            policy: policy.clone(),
            ..Model::default()
        };
        let mut out = Vec::new();
        check(&Index::new(&model), &status::all(&model), &mut out);
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "extension 70001 moves but is not flagged in the Teams-ready column: it needs a \
                    Teams Phone licence",
                "extension 70002 is flagged in the Teams-ready column, but it is a critical \
                    line: it stays on the upgraded Webex Calling; tell its users",
            ]
        );
        let mut everyone = model;
        everyone.policy.stay = false;
        everyone.units[0].lines.remove(0);
        let mut out = Vec::new();
        check(&Index::new(&everyone), &status::all(&everyone), &mut out);
        assert_eq!(
            out[0].message,
            "extension 70002 is flagged in the Teams-ready column, but it is a critical line: it \
                needs its own arrangement with the project, apart from the move to Teams Phone; \
                tell its users"
        );
    }
}
