//! The data `{{ ... }}` insertions show: an audience's tranches, events, counts and
//! units that cannot move.

use std::collections::BTreeMap;

use super::context::{Ctx, day_date, email_labels, long_date};
use super::events::events_for;
use super::views::{Insertions, TrancheRow};
use crate::finding::Rule;
use crate::model::{Audience, Capacity};
use crate::rules::Counts;

pub(super) fn insertions(ctx: &Ctx, audience: &Audience) -> Insertions {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let tranches = model
        .tranches
        .iter()
        .zip(&analysis.loads)
        .map(|(t, load)| {
            let who = match (&t.capacity, t.pilot, t.late) {
                (_, true, _) => "People in the pilot".to_string(),
                // Where everyone moves, nobody asks to: a late line is one added late.
                (_, _, true) if !model.policy.stay => "Lines added after the deadline".to_string(),
                (_, _, true) => "People who asked to move after the deadline".to_string(),
                (Some(Capacity::PerCohort(map)), _, _) => {
                    let names: Vec<String> = map.keys().map(|c| ctx.cohort_name(c)).collect();
                    names.join(", ")
                }
                _ => "Everyone else".to_string(),
            };
            let capacity = match &t.capacity {
                Some(Capacity::Total(n)) => format!("{} of {n}", load.placed),
                Some(Capacity::PerCohort(map)) => map
                    .iter()
                    .map(|(c, n)| {
                        format!(
                            "{}: {} of {n}",
                            ctx.cohort_name(c),
                            load.per_cohort.get(c).copied().unwrap_or(0)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                None => format!("{} (no limit)", load.placed),
            };
            let over = analysis
                .findings
                .iter()
                .any(|f| f.rule == Rule::TrancheOverCapacity && f.tranche == Some(t.number));
            TrancheRow {
                number: t.number,
                label: t
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("Tranche {}", t.number)),
                date: day_date(ctx.dates(), t.date),
                datetime: t.date.to_string(),
                who,
                emails: ctx
                    .dates_of(t.number)
                    .map(|(_, e)| email_labels(ctx.dates(), e))
                    .unwrap_or_default(),
                placed: load.placed,
                capacity,
                over,
            }
        })
        .collect();
    let events = events_for(ctx, &audience.id);
    Insertions {
        audience: audience.clone(),
        migration: ctx.migration_view(),
        statuses: Counts::of(analysis.status.iter().flatten()),
        units: model.units.len(),
        tranches,
        events,
        cannot_move: model
            .units
            .iter()
            .filter(|u| u.separate_teams)
            .map(|u| u.name.clone())
            .collect(),
        deadline: long_date(ctx.dates(), ctx.deadline),
        contact: ctx.site.contact.clone(),
    }
}

/// A cohort as pages name it: its name in the policy's `cohorts`, else its id
/// capitalised with dashes as spaces (`medical-sciences` → `Medical sciences`).
pub(super) fn cohort_name(names: &BTreeMap<String, String>, cohort: &str) -> String {
    if let Some(name) = names.get(cohort) {
        return name.clone();
    }
    let mut c = cohort.replace('-', " ");
    if let Some(first) = c.get_mut(..1) {
        first.make_ascii_uppercase();
    }
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cohorts_have_names() {
        let names = crate::model::Policy::default().cohorts;
        for (id, name) in [
            ("uas", "UAS"),
            ("college", "Colleges"),
            ("department", "Departments"),
            ("medical-sciences", "Medical sciences"),
            ("x", "X"),
            ("9a", "9a"),
        ] {
            assert_eq!(cohort_name(&names, id), name, "{id}");
        }
    }

    #[test]
    fn the_policy_names_cohorts() {
        let names: BTreeMap<String, String> = [("college".into(), "Halls of residence".into())]
            .into_iter()
            .collect();
        for (id, name) in [
            ("college", "Halls of residence"),
            ("uas", "Uas"),
            ("medical-sciences", "Medical sciences"),
        ] {
            assert_eq!(cohort_name(&names, id), name, "{id}");
        }
    }
}
