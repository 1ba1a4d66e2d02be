//! The list of units with when each one's lines move, for audiences with `unit_dates`:
//! unit names, cohorts, dates and counts only, never a name, email or extension.

use std::collections::BTreeMap;

use super::context::{Ctx, day_date};
use super::views::{UnitDates, UnitMove};
use crate::rules::Status;

pub(super) fn unit_dates(ctx: &Ctx) -> Vec<UnitDates> {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let policy = &model.policy;
    let dates: BTreeMap<u32, _> = model.tranches.iter().map(|t| (t.number, t.date)).collect();
    let mut units: Vec<UnitDates> = model
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| {
            let mut moves: BTreeMap<u32, usize> = BTreeMap::new();
            let (mut staying, mut undecided, mut blocked, mut unplaced) = (0, 0, 0, 0);
            for (l, status) in analysis.status[u].iter().enumerate() {
                match (status, analysis.placed[u][l]) {
                    (Status::Moving, Some(t)) => *moves.entry(t).or_default() += 1,
                    (Status::Moving, None) => unplaced += 1,
                    (Status::Staying, _) => staying += 1,
                    (Status::Undecided, _) => undecided += 1,
                    (Status::Blocked, _) => blocked += 1,
                }
            }
            let (from, to) = (&policy.from, &policy.to);
            let mut notes = Vec::new();
            if unit.separate_teams {
                notes.push(if policy.stay {
                    format!("The unit has its own Teams instance: its lines stay on {from}.")
                } else {
                    format!(
                        "The unit has its own Teams instance: its lines do not move to {to} with \
                         the others; it has its own arrangement with the project."
                    )
                });
            } else {
                let lines = |n: usize| match n {
                    1 => "1 line".to_string(),
                    n => format!("{n} lines"),
                };
                if staying > 0 {
                    notes.push(format!("{} stay on {from}.", lines(staying)));
                }
                if blocked > 0 {
                    notes.push(if policy.stay {
                        format!("{} cannot move and stay on {from}.", lines(blocked))
                    } else {
                        format!(
                            "{} cannot move with the others: the project arranges {} with the \
                             unit.",
                            lines(blocked),
                            if blocked == 1 { "it" } else { "them" }
                        )
                    });
                }
                if undecided > 0 {
                    notes.push(format!("{} not decided yet.", lines(undecided)));
                }
                if unplaced > 0 {
                    notes.push(format!(
                        "{} move on a date still to be set.",
                        lines(unplaced)
                    ));
                }
            }
            UnitDates {
                name: unit.name.clone(),
                cohort: unit
                    .cohort
                    .as_deref()
                    .map(|c| ctx.cohort_name(c))
                    .unwrap_or_default(),
                moves: moves
                    .into_iter()
                    .filter_map(|(tranche, lines)| {
                        let date = *dates.get(&tranche)?;
                        Some(UnitMove {
                            tranche,
                            date: day_date(ctx.dates(), date),
                            datetime: date.to_string(),
                            lines,
                        })
                    })
                    .collect(),
                notes,
            }
        })
        .collect();
    units.sort_by(|a, b| a.name.cmp(&b.name));
    units
}
