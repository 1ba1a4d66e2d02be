//! The data files: `site.yaml`, `tranches.yaml`, `timeline.yaml` and `units/*.yaml`.
//!
//! Each file is parsed into raw serde types (unknown keys refused), then converted into the
//! model value by value, so that every bad date, id or extension in a file is reported, not
//! only the first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;
use serde_saphyr::Spanned;

use super::yaml::{line_of, parse};
use crate::finding::Finding;
use crate::model::{
    Audience, Capacity, Coordinator, Decision, Event, EventDate, Group, GroupKind, Line, Site,
    Tranche, Unit, Use,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: String,
    organisation: String,
    response_deadline: Spanned<String>,
    contact: Option<String>,
    theme: Option<Spanned<String>>,
    #[serde(default)]
    holidays: Vec<Spanned<String>>,
    audiences: Vec<Spanned<RawAudience>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    id: Spanned<String>,
    title: String,
    #[serde(default)]
    personal_data: bool,
    #[serde(default)]
    unit_checklists: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranche {
    number: u32,
    date: Spanned<String>,
    label: Option<String>,
    #[serde(default)]
    pilot: bool,
    #[serde(default)]
    late: bool,
    capacity: Option<Spanned<RawCapacity>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawCapacity {
    Total(u32),
    PerCohort(BTreeMap<String, u32>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Spanned<String>,
    title: String,
    audiences: Option<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawUnit {
    name: String,
    cohort: Option<Spanned<String>>,
    #[serde(default)]
    separate_teams: bool,
    coordinator: Option<RawCoordinator>,
    responded: Option<Spanned<String>>,
    #[serde(default)]
    lines: Vec<Spanned<RawLine>>,
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoordinator {
    name: String,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLine {
    ext: Spanned<String>,
    holder: Option<String>,
    email: Option<String>,
    #[serde(default)]
    ms_teams: bool,
    #[serde(default)]
    uses: Vec<Spanned<String>>,
    #[serde(default)]
    pilot: bool,
    #[serde(default)]
    critical: bool,
    #[serde(default)]
    contact_centre: bool,
    decision: Option<Spanned<String>>,
    requested: Option<Spanned<String>>,
    tranche: Option<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Spanned<String>,
    kind: Spanned<String>,
    members: Vec<Spanned<String>>,
    manager: Option<Spanned<String>>,
}

/// Collects the bad values of one file while it is converted.
pub struct Values<'a> {
    pub file: &'a str,
    pub problems: &'a mut Vec<Finding>,
}

impl Values<'_> {
    fn bad(&mut self, line: Option<u32>, message: String) {
        self.problems
            .push(Finding::invalid("bad value", self.file, line, message));
    }

    pub fn date(&mut self, value: &Spanned<String>, key: &str) -> Option<NaiveDate> {
        let parsed = parse_date(&value.value);
        if parsed.is_none() {
            self.bad(
                line_of(value),
                format!(
                    "`{key}: {}` is not a date: write it as YYYY-MM-DD, like 2022-04-14",
                    value.value
                ),
            );
        }
        parsed
    }

    pub fn id(&mut self, value: &Spanned<String>, key: &str) -> Option<String> {
        if is_id(&value.value) {
            return Some(value.value.clone());
        }
        self.bad(
            line_of(value),
            format!(
                "`{key}: {}` is not a valid id: use lowercase letters, digits and hyphens, starting with a letter or digit",
                value.value
            ),
        );
        None
    }

    pub fn ext(&mut self, value: &Spanned<String>, key: &str) -> Option<String> {
        let ext = value.value.trim();
        if !ext.is_empty() && ext.bytes().all(|b| b.is_ascii_digit()) {
            return Some(ext.to_string());
        }
        self.bad(
            line_of(value),
            format!(
                "`{key}: {}` is not an extension: write digits only, like \"70123\"",
                value.value
            ),
        );
        None
    }

    fn choice<T: Copy>(
        &mut self,
        value: &Spanned<String>,
        key: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == value.value) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        self.bad(
            line_of(value),
            format!(
                "`{key}: {}` is not allowed: use one of {}",
                value.value,
                names.join(", ")
            ),
        );
        None
    }
}

/// `[a-z0-9][a-z0-9-]*`
pub fn is_id(s: &str) -> bool {
    let mut bytes = s.bytes();
    matches!(bytes.next(), Some(b'a'..=b'z' | b'0'..=b'9'))
        && bytes.all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-'))
}

/// Strict `YYYY-MM-DD`.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn parse_event_date(s: &str) -> Option<EventDate> {
    if let Some(day) = parse_date(s) {
        return Some(EventDate::Day(day));
    }
    let (y, m) = s.split_once('-')?;
    if y.len() != 4 || m.len() != 2 {
        return None;
    }
    let (year, month) = (y.parse().ok()?, m.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(EventDate::Month { year, month })
}

pub fn site(file: &str, text: &str, problems: &mut Vec<Finding>) -> Option<Site> {
    let raw: RawSite = match parse(file, text, "site.yaml") {
        Ok(raw) => raw,
        Err(f) => {
            problems.push(f);
            return None;
        }
    };
    let mut v = Values { file, problems };
    let deadline = v.date(&raw.response_deadline, "response_deadline");
    let holidays = raw
        .holidays
        .iter()
        .filter_map(|h| v.date(h, "holidays"))
        .collect();
    let theme = match &raw.theme {
        Some(t) => v.id(t, "theme").unwrap_or_else(|| "default".to_string()),
        None => "default".to_string(),
    };
    let mut audiences: Vec<Audience> = Vec::new();
    for a in &raw.audiences {
        let line = line_of(a);
        let Some(id) = v.id(&a.value.id, "id") else {
            continue;
        };
        if audiences.iter().any(|seen| seen.id == id) {
            v.bad(line, format!("audience `{id}` is listed twice: keep one"));
            continue;
        }
        if a.value.unit_checklists && !a.value.personal_data {
            v.problems.push(Finding::invalid(
                "unit_checklists without personal_data",
                file,
                line,
                format!(
                    "audience `{id}` has `unit_checklists: true` but not `personal_data: true`: checklists show names and extensions, so add `personal_data: true` or remove `unit_checklists`"
                ),
            ));
        }
        audiences.push(Audience {
            id,
            title: a.value.title.clone(),
            personal_data: a.value.personal_data,
            unit_checklists: a.value.unit_checklists && a.value.personal_data,
        });
    }
    Some(Site {
        title: raw.title,
        organisation: raw.organisation,
        response_deadline: deadline?,
        contact: raw.contact,
        theme,
        holidays,
        audiences,
    })
}

pub fn tranches(file: &str, text: &str, problems: &mut Vec<Finding>) -> Vec<Tranche> {
    let raw: Vec<Spanned<RawTranche>> = match parse(file, text, "tranches.yaml") {
        Ok(raw) => raw,
        Err(f) => {
            problems.push(f);
            return Vec::new();
        }
    };
    let mut v = Values { file, problems };
    let mut out: Vec<Tranche> = Vec::new();
    for t in &raw {
        let line = line_of(t).unwrap_or(0);
        let Some(date) = v.date(&t.value.date, "date") else {
            continue;
        };
        let capacity = t.value.capacity.as_ref().map(|c| match &c.value {
            RawCapacity::Total(n) => Capacity::Total(*n),
            RawCapacity::PerCohort(map) => {
                for cohort in map.keys() {
                    if !is_id(cohort) {
                        let line = line_of(c);
                        v.bad(line, format!("cohort `{cohort}` in `capacity` is not a valid id: use lowercase letters, digits and hyphens"));
                    }
                }
                Capacity::PerCohort(map.clone())
            }
        });
        out.push(Tranche {
            number: t.value.number,
            date,
            label: t.value.label.clone(),
            pilot: t.value.pilot,
            late: t.value.late,
            capacity,
            line,
        });
    }
    check_tranches(file, &out, problems);
    out
}

/// The rules between tranches: unique numbers, rising dates, one pilot, one late, one
/// catch-all, each cohort named once.
fn check_tranches(file: &str, tranches: &[Tranche], problems: &mut Vec<Finding>) {
    let mut bad = |line: u32, detail: &str, message: String| {
        problems.push(Finding::invalid(detail, file, Some(line), message));
    };
    let mut cohorts: BTreeMap<&str, u32> = BTreeMap::new();
    let (mut pilot, mut late, mut catch_all) = (None, None, None);
    for (i, t) in tranches.iter().enumerate() {
        if let Some(first) = tranches[..i].iter().find(|o| o.number == t.number) {
            bad(
                t.line,
                "duplicate tranche number",
                format!(
                    "tranche number {} is used twice (also on line {}): give each tranche its own number",
                    t.number, first.line
                ),
            );
        }
        if let Some(prev) = tranches[..i]
            .iter()
            .find(|o| o.number < t.number && o.date >= t.date)
        {
            bad(
                t.line,
                "bad value",
                format!(
                    "tranche {} on {} is not after tranche {} on {}: dates must rise with tranche numbers",
                    t.number, t.date, prev.number, prev.date
                ),
            );
        }
        for (slot, flag, key) in [(&mut pilot, t.pilot, "pilot"), (&mut late, t.late, "late")] {
            if !flag {
                continue;
            }
            match slot {
                Some(n) => bad(
                    t.line,
                    "bad value",
                    format!(
                        "tranche {} is marked `{key}` but tranche {n} already is: only one tranche may be",
                        t.number
                    ),
                ),
                None => *slot = Some(t.number),
            }
        }
        if t.pilot && t.late {
            bad(
                t.line,
                "bad value",
                format!(
                    "tranche {} is both `pilot` and `late`: choose one",
                    t.number
                ),
            );
        }
        if t.is_catch_all() {
            match catch_all {
                Some(n) => bad(
                    t.line,
                    "bad value",
                    format!(
                        "tranches {n} and {} both take every cohort not named elsewhere: give one of them a cohort map, like capacity: {{department: 550}}",
                        t.number
                    ),
                ),
                None => catch_all = Some(t.number),
            }
        }
        if let Some(Capacity::PerCohort(map)) = &t.capacity {
            for cohort in map.keys() {
                if let Some(n) = cohorts.insert(cohort, t.number) {
                    bad(
                        t.line,
                        "bad value",
                        format!(
                            "cohort `{cohort}` is named by tranches {n} and {}: name it in one tranche only",
                            t.number
                        ),
                    );
                }
            }
        }
    }
}

pub fn timeline(file: &str, text: &str, problems: &mut Vec<Finding>) -> Vec<Event> {
    let raw: Vec<Spanned<RawEvent>> = match parse(file, text, "timeline.yaml") {
        Ok(raw) => raw,
        Err(f) => {
            problems.push(f);
            return Vec::new();
        }
    };
    let mut v = Values { file, problems };
    let mut out = Vec::new();
    for e in &raw {
        let Some(date) = parse_event_date(&e.value.date.value) else {
            v.bad(
                line_of(&e.value.date),
                format!(
                    "`date: {}` is not a date: write YYYY-MM-DD for a day or YYYY-MM for a month",
                    e.value.date.value
                ),
            );
            continue;
        };
        let audiences = e
            .value
            .audiences
            .as_ref()
            .map(|list| list.iter().filter_map(|a| v.id(a, "audiences")).collect());
        out.push(Event {
            date,
            title: e.value.title.clone(),
            audiences,
            line: line_of(e).unwrap_or(0),
        });
    }
    out
}

pub fn unit(id: &str, file: &str, text: &str, problems: &mut Vec<Finding>) -> Option<Unit> {
    let raw: RawUnit = match parse(file, text, "the unit file") {
        Ok(raw) => raw,
        Err(f) => {
            problems.push(f);
            return None;
        }
    };
    let mut v = Values { file, problems };
    let cohort = raw.cohort.as_ref().and_then(|c| v.id(c, "cohort"));
    if raw.cohort.is_none() && !raw.separate_teams {
        v.problems.push(Finding::invalid(
            "missing key",
            file,
            Some(1),
            "the unit has no `cohort`: add one (like `cohort: department`), or `separate_teams: true` if it has its own Teams instance".to_string(),
        ));
    }
    let responded = raw.responded.as_ref().and_then(|d| v.date(d, "responded"));
    let lines = raw.lines.iter().filter_map(|l| line(&mut v, l)).collect();
    let groups = raw.groups.iter().filter_map(|g| group(&mut v, g)).collect();
    Some(Unit {
        id: id.to_string(),
        file: file.to_string(),
        name: raw.name,
        cohort,
        cohort_line: raw.cohort.as_ref().and_then(line_of).unwrap_or(1),
        separate_teams: raw.separate_teams,
        coordinator: raw.coordinator.map(|c| Coordinator {
            name: c.name,
            email: c.email,
        }),
        responded,
        lines,
        groups,
    })
}

fn line(v: &mut Values, raw: &Spanned<RawLine>) -> Option<Line> {
    let l = &raw.value;
    let ext = v.ext(&l.ext, "ext");
    let uses = l
        .uses
        .iter()
        .filter_map(|u| {
            let options: Vec<(&str, Use)> = Use::ALL.iter().map(|u| (u.id(), *u)).collect();
            v.choice(u, "uses", &options)
        })
        .collect();
    let decision = l.decision.as_ref().and_then(|d| {
        v.choice(
            d,
            "decision",
            &[("move", Decision::Move), ("stay", Decision::Stay)],
        )
    });
    let requested = l.requested.as_ref().and_then(|d| v.date(d, "requested"));
    Some(Line {
        ext: ext?,
        holder: l.holder.clone(),
        email: l.email.clone(),
        ms_teams: l.ms_teams,
        uses,
        pilot: l.pilot,
        critical: l.critical,
        contact_centre: l.contact_centre,
        decision,
        requested,
        tranche: l.tranche,
        line: line_of(raw).unwrap_or(0),
    })
}

fn group(v: &mut Values, raw: &Spanned<RawGroup>) -> Option<Group> {
    let g = &raw.value;
    let id = v.id(&g.id, "id");
    let kind = v.choice(
        &g.kind,
        "kind",
        &[
            ("hunt", GroupKind::Hunt),
            ("pickup", GroupKind::Pickup),
            ("executive", GroupKind::Executive),
        ],
    );
    let members = g
        .members
        .iter()
        .filter_map(|m| v.ext(m, "members"))
        .collect();
    let manager = g.manager.as_ref().and_then(|m| v.ext(m, "manager"));
    Some(Group {
        id: id?,
        kind: kind?,
        members,
        manager,
        line: line_of(raw).unwrap_or(0),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_dates() {
        for (s, ok) in [
            ("physics", true),
            ("a-1", true),
            ("9x", true),
            ("-a", false),
            ("Phys", false),
            ("", false),
            ("a_b", false),
        ] {
            assert_eq!(is_id(s), ok, "{s}");
        }
        for (s, ok) in [
            ("2022-04-14", true),
            ("2022-4-14", false),
            ("2022-02-30", false),
            ("14/04/2022", false),
        ] {
            assert_eq!(parse_date(s).is_some(), ok, "{s}");
        }
        assert_eq!(
            parse_event_date("2022-05"),
            Some(EventDate::Month {
                year: 2022,
                month: 5
            })
        );
        assert_eq!(parse_event_date("2022-13"), None);
    }

    #[test]
    fn every_bad_value_in_a_file_is_reported() {
        let yaml = "name: X\ncohort: Dept\nlines:\n  - ext: 7a\n  - ext: \"70001\"\n    decision: maybe\n    uses: [fax]\n    requested: 2022-13-01\n";
        let mut problems = Vec::new();
        unit("x", "data/units/x.yaml", yaml, &mut problems);
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 4, 7, 6, 8]);
    }
}
