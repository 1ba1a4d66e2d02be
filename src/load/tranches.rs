//! `data/tranches.yaml`: the tranches lines move in, each with its date and capacity, and
//! the rules between them.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::values::{Values, is_id};
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::Finding;
use crate::model::{Capacity, Tranche};

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
