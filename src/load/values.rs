//! The values written in the data files: ids, dates and extensions, each checked on its
//! own, and [`Values`], which reports a file's bad values while it is converted.
//!
//! Every file kind ([`super::site`], [`super::tranches`], [`super::timeline`],
//! [`super::unit`]) converts its raw serde types through these, so that every bad date, id
//! or extension in a file is reported, not only the first, and in the same words.

use chrono::NaiveDate;

use super::yaml::{Spot, entry_line, line_of, meant_key};
use crate::finding::Finding;
use crate::model::EventDate;

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

    pub(super) fn bad(&mut self, line: Option<u32>, message: String) {
        self.problems
            .push(Finding::invalid("bad value", self.file, line, message));
    }

    /// Whether the entry on `line` lacks `key` because it is misspelt there: the unknown
    /// key's finding says so already, with the spelling to use.
    pub(super) fn is_misspelt(&self, line: Option<u32>, key: &str) -> bool {
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

    pub(super) fn choice<T: Copy>(
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
pub(super) const DATE_RANGE: &str =
    "dates must fall between the years 1970 and 2199, so correct the year";

/// Whether `s`, if it starts with a four-digit year, has one of [`YEARS`].
pub(super) fn in_range(s: &str) -> bool {
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

/// A timeline date: a day (`YYYY-MM-DD`) or a month (`YYYY-MM`).
pub(super) fn parse_event_date(s: &str) -> Option<EventDate> {
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

#[cfg(test)]
mod tests {
    use super::super::{site::site, tranches::tranches, unit::unit};
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

    /// What each file's problems come to: (line, first words of the message).
    fn problems_of(file: &str, text: &str) -> Vec<(Option<u32>, String)> {
        let mut problems = Vec::new();
        let mut complete = super::super::Complete::all();
        match file {
            "data/site.yaml" => drop(site(file, text, &mut problems, &mut complete)),
            "data/tranches.yaml" => drop(tranches(file, text, &mut problems)),
            _ => drop(unit(
                "x",
                file,
                text,
                &crate::model::Policy::default(),
                &mut problems,
                &mut complete,
            )),
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
                    "site.yaml has no `title`: add one, like `title: Moving to our new \
                    phone system`"
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
}
