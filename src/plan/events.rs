//! The timeline: each audience's events, as the pages' steps and as a calendar.

use super::context::{Ctx, long_date, month_date};
use super::views::{IcsCalendar, IcsEvent, Step};
use crate::model::{Audience, Event, EventDate};

/// The audience's events, by date.
fn events_of<'a>(ctx: &Ctx<'a>, audience: &str) -> Vec<&'a Event> {
    let mut events: Vec<&Event> = ctx
        .checked
        .model
        .timeline
        .iter()
        .filter(|e| e.is_for(audience))
        .collect();
    events.sort_by_key(|e| (e.date.start(), e.line));
    events
}

pub(super) fn events_for(ctx: &Ctx, audience: &str) -> Vec<Step> {
    let today = ctx.checked.today;
    events_of(ctx, audience)
        .into_iter()
        .map(|e| {
            let state = if e.date.end_exclusive() <= today {
                "past"
            } else if e.date.start() <= today {
                "current"
            } else {
                "upcoming"
            };
            let (date, datetime) = match e.date {
                EventDate::Day(d) => (long_date(ctx.dates(), d), d.to_string()),
                EventDate::Month { .. } => {
                    let d = e.date.start();
                    (month_date(ctx.dates(), d), d.format("%Y-%m").to_string())
                }
            };
            Step {
                date,
                datetime,
                title: e.title.clone(),
                state,
            }
        })
        .collect()
}

pub(super) fn calendar(ctx: &Ctx, audience: &Audience) -> IcsCalendar {
    let events = events_of(ctx, &audience.id);
    IcsCalendar {
        name: format!("{}: {}", ctx.site.title, audience.title),
        stamp: ctx.checked.today,
        events: events
            .into_iter()
            .map(|e| IcsEvent {
                // The entry's line tells apart two events of one day and title.
                uid: format!(
                    "{}-{}-{}-{}@cutover",
                    e.date.start().format("%Y%m%d"),
                    crate::markup::slugify(&e.title),
                    e.line,
                    audience.id
                ),
                start: e.date.start(),
                end: e.date.end_exclusive(),
                title: e.title.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::testing::small;

    #[test]
    fn events_are_past_current_or_upcoming_against_today() {
        // The fixture's events: 2022-02-16, 2022-04-14, May 2022, June 2022.
        for (today, states) in [
            ("2022-04-20", ["past", "past", "upcoming", "upcoming"]),
            ("2022-04-14", ["past", "current", "upcoming", "upcoming"]),
            ("2022-05-31", ["past", "past", "current", "upcoming"]),
            ("2022-06-01", ["past", "past", "past", "current"]),
            (
                "2022-02-15",
                ["upcoming", "upcoming", "upcoming", "upcoming"],
            ),
        ] {
            let checked = small(today);
            let site = checked.model.site.as_ref().unwrap();
            let ctx = Ctx::new(&checked, site);
            let steps = events_for(&ctx, "coordinators");
            let found: Vec<&str> = steps.iter().map(|s| s.state).collect();
            assert_eq!(found, states, "today {today}");
            assert_eq!(steps[2].date, "May 2022");
            assert_eq!(steps[2].datetime, "2022-05");
        }
    }
}
