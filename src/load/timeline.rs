//! `data/timeline.yaml`: the dated events of the migration, each for some audiences or all.

use serde::Deserialize;

use super::values::{DATE_RANGE, Values, in_range, parse_event_date};
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::Finding;
use crate::model::Event;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    date: Option<Spot<String>>,
    title: Option<String>,
    audiences: Option<Vec<Spot<String>>>,
}

/// Parses `timeline.yaml`: its events, without those that have a problem.
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
