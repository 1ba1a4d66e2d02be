//! The data files: `site.yaml`, `tranches.yaml`, `timeline.yaml` and `units/*.yaml`.
//!
//! Each file is parsed into raw serde types (unknown keys refused), then converted into the
//! model value by value, so that every bad date, id or extension in a file is reported, not
//! only the first.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::Deserialize;

use super::yaml::{Spot, entry_line, line_of, meant_key, parse};
use crate::finding::Finding;
use crate::model::{
    Audience, Capacity, Coordinator, Decision, Event, EventDate, Group, GroupKind, Line, Site,
    Tranche, Unit, Use,
};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: Option<String>,
    organisation: Option<String>,
    response_deadline: Option<Spot<String>>,
    contact: Option<String>,
    theme: Option<Spot<String>>,
    #[serde(default)]
    holidays: Vec<Spot<String>>,
    audiences: Option<Vec<Spot<RawAudience>>>,
    #[serde(default)]
    raw_html: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    id: Option<Spot<String>>,
    title: Option<String>,
    #[serde(default)]
    personal_data: bool,
    #[serde(default)]
    unit_checklists: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTranche {
    number: Option<u32>,
    date: Option<Spot<String>>,
    label: Option<String>,
    #[serde(default)]
    pilot: bool,
    #[serde(default)]
    late: bool,
    capacity: Option<Spot<RawCapacity>>,
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
    date: Option<Spot<String>>,
    title: Option<String>,
    audiences: Option<Vec<Spot<String>>>,
}

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
    #[serde(default)]
    pub(super) ms_teams: bool,
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

/// Collects the bad values of one file while it is converted.
pub struct Values<'a> {
    pub file: &'a str,
    pub problems: &'a mut Vec<Finding>,
    text: &'a str,
    /// The keys that misspelt keys of the file were meant to be, with the line of the
    /// entry each was written in.
    misspelt: Vec<(u32, String)>,
}

impl<'a> Values<'a> {
    /// For `file`, whose text is `text`, after its parse added its problems to `problems`.
    pub fn new(file: &'a str, text: &'a str, problems: &'a mut Vec<Finding>) -> Self {
        let misspelt = problems
            .iter()
            .filter(|p| p.file == file)
            .filter_map(|p| {
                let meant = meant_key(p)?.to_string();
                Some((entry_line(text, p.line?), meant))
            })
            .collect();
        Values {
            file,
            problems,
            text,
            misspelt,
        }
    }

    fn bad(&mut self, line: Option<u32>, message: String) {
        self.problems
            .push(Finding::invalid("bad value", self.file, line, message));
    }

    /// Whether the entry on `line` lacks `key` because it is misspelt there: the unknown
    /// key's finding says so already, with the spelling to use.
    fn is_misspelt(&self, line: Option<u32>, key: &str) -> bool {
        let Some(line) = line.filter(|_| !self.misspelt.is_empty()) else {
            return false;
        };
        let entry = entry_line(self.text, line);
        self.misspelt.iter().any(|(at, k)| *at == entry && k == key)
    }

    /// A required key: reports it missing at `line` (the entry that lacks it), unless it
    /// is there but misspelt.
    pub fn required<T>(
        &mut self,
        value: Option<T>,
        line: Option<u32>,
        key: &str,
        what: &str,
        example: &str,
    ) -> Option<T> {
        if value.is_none() && !self.is_misspelt(line, key) {
            self.problems.push(Finding::invalid(
                "missing key",
                self.file,
                line,
                format!("{what} has no `{key}`: add one, like `{example}`"),
            ));
        }
        value
    }

    /// A required text: blank counts as missing.
    pub fn required_text(
        &mut self,
        value: Option<String>,
        line: Option<u32>,
        key: &str,
        what: &str,
        example: &str,
    ) -> Option<String> {
        self.required(
            value.filter(|t| !t.trim().is_empty()),
            line,
            key,
            what,
            example,
        )
    }

    pub fn date(&mut self, value: &Spot<String>, key: &str) -> Option<NaiveDate> {
        let parsed = parse_date(&value.value);
        if parsed.is_none() {
            let fix = if !in_range(&value.value) {
                DATE_RANGE
            } else if is_date_shaped(&value.value) {
                "there is no such day, so correct it"
            } else {
                "write it as YYYY-MM-DD, like 2022-04-14"
            };
            self.bad(
                line_of(value),
                format!("`{key}: {}` is not a date: {fix}", value.value),
            );
        }
        parsed
    }

    pub fn id(&mut self, value: &Spot<String>, key: &str) -> Option<String> {
        if is_id(&value.value) {
            return Some(value.value.clone());
        }
        self.bad(
            line_of(value),
            format!(
                "`{key}: {}` is not a valid id: use lowercase letters, digits and hyphens, \
                    starting with a letter or digit",
                value.value
            ),
        );
        None
    }

    pub fn ext(&mut self, value: &Spot<String>, key: &str) -> Option<String> {
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
        value: &Spot<String>,
        key: &str,
        options: &[(&str, T)],
    ) -> Option<T> {
        if let Some((_, v)) = options.iter().find(|(name, _)| *name == value.value) {
            return Some(*v);
        }
        let names: Vec<&str> = options.iter().map(|(n, _)| *n).collect();
        let fix = match crate::suggest::nearest(&value.value, names.iter().copied()) {
            Some(near) => format!("did you mean `{near}`?"),
            None => format!("use one of {}", names.join(", ")),
        };
        self.bad(
            line_of(value),
            format!("`{key}: {}` is not allowed: {fix}", value.value),
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

/// Whether `s` has the shape `YYYY-MM-DD` (a day or not).
fn is_date_shaped(s: &str) -> bool {
    s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        })
}

/// The years a date may fall in. A migration is planned for years around today; a year
/// outside these is a typo, and past 9999 a calendar file cannot even write it.
const YEARS: std::ops::RangeInclusive<i32> = 1970..=2199;

/// What to change about a date outside [`YEARS`].
const DATE_RANGE: &str = "dates must fall between the years 1970 and 2199, so correct the year";

/// Whether `s`, if it starts with a four-digit year, has one of [`YEARS`].
fn in_range(s: &str) -> bool {
    match s.get(..4) {
        Some(year) if year.bytes().all(|b| b.is_ascii_digit()) => {
            YEARS.contains(&year.parse().unwrap_or(0))
        }
        _ => true,
    }
}

/// Strict `YYYY-MM-DD`: four-digit year in [`YEARS`], two-digit month and day, a real day.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    if !is_date_shaped(s) || !in_range(s) {
        return None;
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()
}

fn parse_event_date(s: &str) -> Option<EventDate> {
    if let Some(day) = parse_date(s) {
        return Some(EventDate::Day(day));
    }
    let (y, m) = s.split_once('-')?;
    let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
    if !digits(y, 4) || !digits(m, 2) || !in_range(s) {
        return None;
    }
    let (year, month) = (y.parse().ok()?, m.parse().ok()?);
    NaiveDate::from_ymd_opt(year, month, 1)?;
    Some(EventDate::Month { year, month })
}

/// Parses a whole file, reporting its problems; `None` if it could not be read at all.
fn parse_or_report<T: serde::de::DeserializeOwned>(
    file: &str,
    text: &str,
    what: &str,
    problems: &mut Vec<Finding>,
) -> Option<T> {
    let (value, found) = parse(file, text, what);
    problems.extend(found);
    value
}

pub fn site(
    file: &str,
    text: &str,
    problems: &mut Vec<Finding>,
    complete: &mut super::Complete,
) -> Option<Site> {
    let Some(raw) = parse_or_report::<RawSite>(file, text, "site.yaml", problems) else {
        complete.audiences = false;
        return None;
    };
    let mut v = Values::new(file, text, problems);
    let top = Some(1);
    let title = v.required_text(
        raw.title,
        top,
        "title",
        "site.yaml",
        "title: Moving to Telephony over Teams",
    );
    let organisation = v.required_text(
        raw.organisation,
        top,
        "organisation",
        "site.yaml",
        "organisation: University of Oxford",
    );
    let deadline = v
        .required(
            raw.response_deadline,
            top,
            "response_deadline",
            "site.yaml",
            "response_deadline: 2022-04-14",
        )
        .and_then(|d| v.date(&d, "response_deadline"));
    let holidays = raw
        .holidays
        .iter()
        .filter_map(|h| v.date(h, "holidays"))
        .collect();
    let theme = match &raw.theme {
        Some(t) => v.id(t, "theme").unwrap_or_else(|| "default".to_string()),
        None => "default".to_string(),
    };
    let raw_audiences = v.required(
        raw.audiences.filter(|list| !list.is_empty()),
        top,
        "audiences",
        "site.yaml",
        "audiences: [{id: coordinators, title: Coordinators}]",
    );
    let mut audiences: Vec<Audience> = Vec::new();
    for a in raw_audiences.iter().flatten() {
        let line = line_of(a);
        let id = v
            .required(
                a.value.id.as_ref(),
                line,
                "id",
                "this audience",
                "id: coordinators",
            )
            .and_then(|id| v.id(id, "id"));
        let title = v.required_text(
            a.value.title.clone(),
            line,
            "title",
            "this audience",
            "title: Telephone coordinators",
        );
        let (Some(id), Some(title)) = (id, title) else {
            complete.audiences = false;
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
                    "audience `{id}` has `unit_checklists: true` but not `personal_data: true`: \
                        checklists show names and extensions, so add `personal_data: true` or \
                            remove `unit_checklists`"
                ),
            ));
        }
        audiences.push(Audience {
            id,
            title,
            personal_data: a.value.personal_data,
            unit_checklists: a.value.unit_checklists && a.value.personal_data,
        });
    }
    Some(Site {
        title: title.unwrap_or_default(),
        organisation: organisation.unwrap_or_default(),
        response_deadline: deadline,
        contact: raw.contact,
        theme,
        theme_line: raw.theme.as_ref().and_then(line_of),
        holidays,
        audiences,
        raw_html: raw.raw_html,
    })
}

/// Parses `tranches.yaml`; `None` if the file itself could not be read as tranches.
pub fn tranches(file: &str, text: &str, problems: &mut Vec<Finding>) -> Option<Vec<Tranche>> {
    let raw: Vec<Spot<RawTranche>> = parse_or_report(file, text, "tranches.yaml", problems)?;
    let mut v = Values::new(file, text, problems);
    let mut out: Vec<Tranche> = Vec::new();
    for t in &raw {
        let line = line_of(t);
        let number = v.required(t.value.number, line, "number", "this tranche", "number: 1");
        let date = v
            .required(
                t.value.date.as_ref(),
                line,
                "date",
                "this tranche",
                "date: 2022-05-30",
            )
            .and_then(|d| v.date(d, "date"));
        let (Some(number), Some(date)) = (number, date) else {
            continue;
        };
        let capacity = t.value.capacity.as_ref().map(|c| match &c.value {
            RawCapacity::Total(n) => Capacity::Total(*n),
            RawCapacity::PerCohort(map) => {
                for cohort in map.keys().filter(|c| !is_id(c)) {
                    v.bad(
                        line_of(c),
                        format!(
                            "cohort `{cohort}` in `capacity` is not a valid id: \
                        use lowercase letters, digits and hyphens"
                        ),
                    );
                }
                Capacity::PerCohort(map.clone())
            }
        });
        out.push(Tranche {
            number,
            date,
            label: t.value.label.clone(),
            pilot: t.value.pilot,
            late: t.value.late,
            capacity,
            line: line.unwrap_or(0),
        });
    }
    check_tranches(file, &out, problems);
    Some(out)
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
                    "tranche number {} is used twice (also on line {}): give each tranche its own \
                        number",
                    t.number, first.line
                ),
            );
        }
        // Against every tranche, wherever it is written.
        if let Some(prev) = tranches
            .iter()
            .find(|o| o.number < t.number && o.date >= t.date)
        {
            bad(
                t.line,
                "bad value",
                format!(
                    "tranche {} on {} is not after tranche {} on {}: dates must rise with tranche \
                        numbers",
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
                        "tranche {} is marked `{key}` but tranche {n} already is: only one tranche \
                            may be",
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
                        "tranches {n} and {} both take every cohort not named elsewhere: give one \
                            of them a cohort map, like capacity: {{department: 550}}",
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
                            "cohort `{cohort}` is named by tranches {n} and {}: name it in one \
                                tranche only",
                            t.number
                        ),
                    );
                }
            }
        }
    }
}

pub fn timeline(file: &str, text: &str, problems: &mut Vec<Finding>) -> Vec<Event> {
    let Some(raw) = parse_or_report::<Vec<Spot<RawEvent>>>(file, text, "timeline.yaml", problems)
    else {
        return Vec::new();
    };
    let mut v = Values::new(file, text, problems);
    let mut out = Vec::new();
    for e in &raw {
        let line = line_of(e);
        let title = v.required_text(
            e.value.title.clone(),
            line,
            "title",
            "this event",
            "title: Briefing for coordinators",
        );
        let Some(raw_date) = v.required(
            e.value.date.as_ref(),
            line,
            "date",
            "this event",
            "date: 2022-02-16",
        ) else {
            continue;
        };
        let Some(date) = parse_event_date(&raw_date.value) else {
            let fix = if in_range(&raw_date.value) {
                "write YYYY-MM-DD for a day or YYYY-MM for a month"
            } else {
                DATE_RANGE
            };
            v.bad(
                line_of(raw_date),
                format!("`date: {}` is not a date: {fix}", raw_date.value),
            );
            continue;
        };
        let audiences = e
            .value
            .audiences
            .as_ref()
            .map(|list| list.iter().filter_map(|a| v.id(a, "audiences")).collect());
        let audiences_line = e
            .value
            .audiences
            .as_ref()
            .and_then(|l| l.first())
            .and_then(line_of);
        let Some(title) = title else { continue };
        out.push(Event {
            date,
            title,
            audiences,
            line: line.unwrap_or(0),
            audiences_line: audiences_line.or(line).unwrap_or(0),
        });
    }
    out
}

pub fn unit(
    id: &str,
    file: &str,
    text: &str,
    problems: &mut Vec<Finding>,
    complete: &mut super::Complete,
) -> Option<Unit> {
    // The fast reader reads a unit file of the usual shape; serde-saphyr reads the others,
    // and any file with a problem, so that every problem is told the one way.
    if let Some(raw) = super::fast::unit(text) {
        let (mut found, mut fast_complete) = (Vec::new(), *complete);
        let unit = unit_from_raw(id, file, text, raw, &mut found, &mut fast_complete);
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
    unit_from_raw(id, file, text, raw, problems, complete)
}

/// A unit from what its file holds, with every bad value reported.
fn unit_from_raw(
    id: &str,
    file: &str,
    text: &str,
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
        .filter_map(|l| line(&mut v, l, &source))
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
        lines,
        groups,
    })
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

fn line(v: &mut Values, raw: &Spot<RawLine>, source: &[&str]) -> Option<Line> {
    let l = &raw.value;
    let at = line_of(raw);
    let column = raw.column;
    let ext = v
        .required(l.ext.as_ref(), at, "ext", "this line", "ext: \"70123\"")
        .and_then(|e| v.ext(e, "ext"));
    let options = Use::ALL.map(|u| (u.id(), u));
    let uses = l
        .uses
        .iter()
        .filter_map(|u| v.choice(u, "uses", &options))
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
        // A blank holder is no holder: the line is shared.
        holder: l.holder.clone().filter(|h| !h.trim().is_empty()),
        email: l.email.clone().filter(|e| !e.trim().is_empty()),
        ms_teams: l.ms_teams,
        uses,
        pilot: l.pilot,
        critical: l.critical,
        contact_centre: l.contact_centre,
        decision,
        requested,
        tranche: l.tranche.as_ref().map(|t| t.value),
        line: at.unwrap_or(0),
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
            ("+022-04-14", false),
            (" 2022-4-14", false),
            ("2022-04-14", true),
            ("2022-4-14", false),
            ("2022-02-30", false),
            ("14/04/2022", false),
            ("9999-12-31", false),
            ("1969-12-31", false),
            ("1970-01-01", true),
            ("2199-12-31", true),
            ("2200-01-01", false),
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
        assert_eq!(parse_event_date("9999-12"), None);
        assert!(!in_range("0000-01") && in_range("2022-1") && in_range("x") && in_range("+022"));
        assert_eq!(parse_event_date("2022-+1"), None);
    }

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

    /// What each file's problems come to: (line, first words of the message).
    fn problems_of(file: &str, text: &str) -> Vec<(Option<u32>, String)> {
        let mut problems = Vec::new();
        let mut complete = super::super::Complete::all();
        match file {
            "data/site.yaml" => drop(site(file, text, &mut problems, &mut complete)),
            "data/tranches.yaml" => drop(tranches(file, text, &mut problems)),
            _ => drop(unit("x", file, text, &mut problems, &mut complete)),
        }
        problems.into_iter().map(|p| (p.line, p.message)).collect()
    }

    #[test]
    fn a_misspelt_required_key_is_one_problem() {
        let site = "title: T\norganisation: O\nrespons_deadline: 2022-04-14\naudiences: [{id: a, \
            title: A}]\n";
        assert_eq!(
            problems_of("data/site.yaml", site),
            vec![(
                Some(3),
                "unknown key `respons_deadline` in site.yaml: did you mean `response_deadline`?"
                    .into()
            )]
        );
        let unit = "name: X\ncohrot: department\nlines:\n  - etx: \"70001\"\n    holder: A\n";
        assert_eq!(
            problems_of("data/units/x.yaml", unit),
            vec![
                (
                    Some(2),
                    "unknown key `cohrot` in the unit file: did you mean `cohort`?".into()
                ),
                (
                    Some(4),
                    "unknown key `etx` in the unit file: did you mean `ext`?".into()
                )
            ]
        );
        // The misspelt key meant another one: the missing key is a problem of its own.
        let site = "organisation: O\nresponse_deadline: 2022-04-14\ncontacts: x\naudiences: [{id: \
            a, title: A}]\n";
        assert_eq!(
            problems_of("data/site.yaml", site),
            vec![
                (
                    Some(3),
                    "unknown key `contacts` in site.yaml: did you mean `contact`?".into()
                ),
                (
                    Some(1),
                    "site.yaml has no `title`: add one, like `title: Moving to Telephony \
                    over Teams`"
                        .into()
                )
            ]
        );
        // Each tranche answers for its own keys.
        let tranches = "- number: 1\n  capacity: 5\n- number: 2\n  dat: 2022-06-01\n";
        assert_eq!(
            problems_of("data/tranches.yaml", tranches),
            vec![
                (
                    Some(4),
                    "unknown key `dat` in tranches.yaml: did you mean `date`?".into()
                ),
                (
                    Some(1),
                    "this tranche has no `date`: add one, like `date: 2022-05-30`".into()
                )
            ]
        );
    }

    #[test]
    fn a_misspelt_choice_gets_the_nearest_one() {
        let unit = "name: X\ncohort: d\nlines:\n  - ext: \"70001\"\n    decision: mvoe\n    uses: \
            [sofphone, fax]\n";
        let messages: Vec<String> = problems_of("data/units/x.yaml", unit)
            .into_iter()
            .map(|(_, m)| m)
            .collect();
        assert_eq!(
            messages,
            vec![
                "`uses: sofphone` is not allowed: did you mean `softphone`?",
                "`uses: fax` is not allowed: use one of softphone, mobile-app, web-portal, \
                    external-away",
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
        unit("x", "data/units/x.yaml", yaml, &mut problems, &mut complete);
        assert!(!complete.extensions, "a line's extension could not be read");
        let lines: Vec<_> = problems.iter().map(|p| p.line.unwrap()).collect();
        assert_eq!(lines, vec![2, 4, 7, 6, 8]);
    }
}
