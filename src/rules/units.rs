//! Rules about units: coordinators who have not answered the project, and answers dated
//! after today.

use chrono::NaiveDate;

use super::status;
use crate::finding::{Finding, Rule, Severity};
use crate::model::Model;

pub fn check(model: &Model, deadline: NaiveDate, today: NaiveDate, out: &mut Vec<Finding>) {
    if today <= deadline {
        return;
    }
    let flag = model.policy.flag.as_ref();
    for unit in &model.units {
        // With a pre-flag, the lines it flags await an answer; without, every line that
        // can move does.
        let awaiting = unit
            .lines
            .iter()
            .filter(|l| match flag {
                Some(_) => l.ms_teams,
                None => status::blocks(unit, l).is_empty(),
            })
            .count();
        if unit.responded.is_none() && unit.answered_in.is_none() && awaiting > 0 {
            let days = (today - deadline).num_days();
            let which = match flag {
                Some(flag) => format!("flagged in the {flag}"),
                None => "that can move".to_string(),
            };
            out.push(
                Finding::new(
                    Rule::UnitNotResponded,
                    Severity::Warning,
                    &unit.file,
                    None,
                    format!(
                        "{} has {} {which} and has not answered the project, {} after the \
                        {deadline} deadline: put the coordinator's answer in data/answers/ or \
                        add `responded:` once they have replied",
                        unit.name,
                        super::counted(awaiting, "line", "lines"),
                        super::counted(days, "day", "days"),
                    ),
                )
                .unit(&unit.id),
            );
        }
    }
}

/// A `responded:` after `today` is a typo (or `--today` is wrong): the unit counts as
/// answered all the same, so it is worth a look.
pub fn future_responses(model: &Model, today: NaiveDate, out: &mut Vec<Finding>) {
    for unit in &model.units {
        if let Some(responded) = unit.responded.filter(|&r| r > today) {
            out.push(
                Finding::new(
                    Rule::RespondedInFuture,
                    Severity::Warning,
                    &unit.file,
                    Some(unit.responded_line),
                    format!(
                        "`responded: {responded}` is after today, {today}: correct the date the \
                        coordinator answered, or remove it until they have"
                    ),
                )
                .unit(&unit.id),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::status::tests::{line, unit};
    use super::*;

    #[test]
    fn a_response_dated_after_today_is_a_mistake() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (responded, today) -> finding?
        let cases = [
            (Some("2022-04-21"), "2022-04-20", true),
            (Some("2022-04-20"), "2022-04-20", false),
            (Some("2022-04-08"), "2022-04-20", false),
            (None, "2022-04-20", false),
        ];
        for (responded, today, want) in cases {
            let mut u = unit();
            u.responded = responded.map(d);
            u.responded_line = 4;
            let model = Model {
                units: vec![u],
                ..Model::default()
            };
            let mut out = Vec::new();
            future_responses(&model, d(today), &mut out);
            let found: Vec<_> = out
                .iter()
                .map(|f| {
                    (
                        f.rule.id(),
                        f.severity,
                        f.file.as_str(),
                        f.line,
                        f.message.as_str(),
                    )
                })
                .collect();
            let expected = vec![(
                "responded-in-future",
                Severity::Warning,
                "data/units/u.yaml",
                Some(4),
                "`responded: 2022-04-21` is after today, 2022-04-20: correct the date the \
                    coordinator answered, or remove it until they have",
            )];
            assert_eq!(
                found,
                if want { expected } else { vec![] },
                "{responded:?} {today}"
            );
        }
    }

    #[test]
    fn not_responded_after_the_deadline() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (flagged, responded, today) -> finding?
        let cases = [
            (true, None, "2022-04-15", true),
            (true, None, "2022-04-14", false),
            (true, Some("2022-04-10"), "2022-04-20", false),
            (false, None, "2022-04-20", false),
        ];
        for (flagged, responded, today, want) in cases {
            let mut u = unit();
            let mut l = line("70001");
            l.ms_teams = flagged;
            u.lines.push(l);
            u.responded = responded.map(d);
            let model = Model {
                units: vec![u],
                ..Model::default()
            };
            let mut out = Vec::new();
            check(&model, d("2022-04-14"), d(today), &mut out);
            assert_eq!(out.len() == 1, want, "{flagged} {responded:?} {today}");
            assert!(
                out.iter()
                    .all(|f| f.rule == Rule::UnitNotResponded && f.line.is_none())
            );
        }
    }

    #[test]
    fn without_a_pre_flag_every_line_that_can_move_awaits_an_answer() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // (critical) -> finding?
        for (critical, want) in [(false, true), (true, false)] {
            let mut u = unit();
            let mut l = line("70001");
            l.critical = critical;
            u.lines.push(l);
            let mut model = Model {
                units: vec![u],
                ..Model::default()
            };
            model.policy.flag = None;
            let mut out = Vec::new();
            check(&model, d("2022-04-14"), d("2022-04-20"), &mut out);
            assert_eq!(out.len() == 1, want, "{critical}");
            if want {
                assert_eq!(
                    out[0].message,
                    "U has 1 line that can move and has not answered the project, 6 days after \
                        the 2022-04-14 deadline: put the coordinator's answer in data/answers/ \
                        or add `responded:` once they have replied"
                );
            }
        }
    }
}
