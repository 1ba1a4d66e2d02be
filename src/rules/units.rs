//! Rules about units: coordinators who have not answered the project.

use chrono::NaiveDate;

use crate::finding::{Finding, Severity};
use crate::model::Model;

pub fn check(model: &Model, deadline: NaiveDate, today: NaiveDate, out: &mut Vec<Finding>) {
    if today <= deadline {
        return;
    }
    for unit in &model.units {
        let flagged = unit.lines.iter().filter(|l| l.ms_teams).count();
        if unit.responded.is_none() && flagged > 0 {
            let days = (today - deadline).num_days();
            out.push(
                Finding::new("unit-not-responded", Severity::Warning, &unit.file, None, format!(
                    "{} has {flagged} line(s) flagged in the MS Teams column and has not answered the project, {days} day(s) after the {deadline} deadline: add `responded:` once the coordinator has replied",
                    unit.name
                ))
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
                    .all(|f| f.rule == "unit-not-responded" && f.line.is_none())
            );
        }
    }
}
