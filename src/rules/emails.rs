//! Countdown emails: the policy's list (SPEC §9), each some days before a move or on the
//! last working day before it, and never on a weekend or a holiday.

use chrono::{Datelike, Days, NaiveDate, Weekday};

use crate::model::EmailWhen;

pub fn is_working_day(day: NaiveDate, holidays: &[NaiveDate]) -> bool {
    !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) && !holidays.contains(&day)
}

/// The last working day strictly before `day`.
pub fn last_working_day_before(day: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    let mut d = day;
    loop {
        d = d.pred_opt().unwrap_or(d);
        if is_working_day(d, holidays) || d == NaiveDate::MIN {
            return d;
        }
    }
}

/// A countdown email of one move.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email {
    pub date: NaiveDate,
    /// What it is, as pages show it: "3 weeks before", "last working day".
    pub label: String,
}

/// The policy's emails, earliest first. More days before is never later (a date off work
/// moves back), and the last working day is never earlier than one day before.
fn in_order(when: &[EmailWhen]) -> Vec<EmailWhen> {
    let mut when = when.to_vec();
    when.sort_by_key(|w| match *w {
        EmailWhen::DaysBefore(n) => std::cmp::Reverse(u64::from(n) + 1),
        EmailWhen::LastWorkingDay => std::cmp::Reverse(0),
    });
    when.dedup();
    when
}

/// The day of the email `when` for a move on `day`: a day off work moves back to the
/// working day before.
fn date_of(when: EmailWhen, day: NaiveDate, holidays: &[NaiveDate]) -> NaiveDate {
    match when {
        EmailWhen::DaysBefore(n) => {
            let back = day.checked_sub_days(Days::new(n.into())).unwrap_or(day);
            if is_working_day(back, holidays) {
                back
            } else {
                last_working_day_before(back, holidays)
            }
        }
        EmailWhen::LastWorkingDay => last_working_day_before(day, holidays),
    }
}

pub fn label(when: EmailWhen) -> String {
    match when {
        EmailWhen::DaysBefore(n) if n % 7 == 0 => match n / 7 {
            1 => "1 week before".to_string(),
            weeks => format!("{weeks} weeks before"),
        },
        EmailWhen::DaysBefore(1) => "1 day before".to_string(),
        EmailWhen::DaysBefore(n) => format!("{n} days before"),
        EmailWhen::LastWorkingDay => "last working day".to_string(),
    }
}

/// The emails for a move on `day`, earliest first; two landing on one day are one email
/// (with the first one's label).
pub fn countdown(day: NaiveDate, holidays: &[NaiveDate], when: &[EmailWhen]) -> Vec<Email> {
    let mut emails: Vec<Email> = in_order(when)
        .into_iter()
        .map(|w| Email {
            date: date_of(w, day, holidays),
            label: label(w),
        })
        .collect();
    emails.dedup_by_key(|e| e.date);
    emails
}

/// Each of the policy's emails, earliest first, as a CSV column name with its date for a
/// move on `day` (two on one day keep a column each, so that every row has the same
/// columns).
pub fn columns(day: NaiveDate, holidays: &[NaiveDate], when: &[EmailWhen]) -> Vec<NaiveDate> {
    in_order(when)
        .into_iter()
        .map(|w| date_of(w, day, holidays))
        .collect()
}

/// The CSV column names of the policy's emails, in the order of [`columns`]: the bundled
/// guide's are `email_3_weeks`, `email_1_week` and `email_last_day`.
pub fn column_names(when: &[EmailWhen]) -> Vec<String> {
    in_order(when)
        .into_iter()
        .map(|w| match w {
            EmailWhen::LastWorkingDay => "email_last_day".to_string(),
            w => format!(
                "email_{}",
                label(w).trim_end_matches(" before").replace(' ', "_")
            ),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const BUNDLED: [EmailWhen; 3] = [
        EmailWhen::DaysBefore(21),
        EmailWhen::DaysBefore(7),
        EmailWhen::LastWorkingDay,
    ];

    #[test]
    fn countdowns() {
        let jubilee = [d("2022-06-02"), d("2022-06-03")];
        // (move day, holidays, expected)
        let cases: [(&str, &[NaiveDate], [&str; 3]); 5] = [
            (
                "2022-05-30",
                &[],
                ["2022-05-09", "2022-05-23", "2022-05-27"],
            ),
            (
                "2022-06-13",
                &jubilee,
                ["2022-05-23", "2022-06-06", "2022-06-10"],
            ),
            (
                "2022-06-08",
                &[],
                ["2022-05-18", "2022-06-01", "2022-06-07"],
            ),
            // Holidays push the last day back over the weekend.
            (
                "2022-06-06",
                &jubilee,
                ["2022-05-16", "2022-05-30", "2022-06-01"],
            ),
            (
                "2022-06-06",
                &[],
                ["2022-05-16", "2022-05-30", "2022-06-03"],
            ),
        ];
        for (day, holidays, want) in cases {
            let got: Vec<NaiveDate> = countdown(d(day), holidays, &BUNDLED)
                .iter()
                .map(|e| e.date)
                .collect();
            assert_eq!(got, want.map(d), "{day}");
        }
        let labels: Vec<String> = countdown(d("2022-05-30"), &[], &BUNDLED)
            .into_iter()
            .map(|e| e.label)
            .collect();
        assert_eq!(
            labels,
            ["3 weeks before", "1 week before", "last working day"]
        );
        assert_eq!(
            column_names(&BUNDLED),
            ["email_3_weeks", "email_1_week", "email_last_day"]
        );
    }

    #[test]
    fn any_email_off_work_moves_back_and_one_day_sends_one() {
        let jubilee = [d("2022-06-02"), d("2022-06-03")];
        use EmailWhen::*;
        // (move day, emails, holidays, expected (date, label))
        type Case<'a> = (
            &'a str,
            &'a [EmailWhen],
            &'a [NaiveDate],
            &'a [(&'a str, &'a str)],
        );
        let cases: [Case; 4] = [
            // Written in any order, shown earliest first; D-9 is a Saturday.
            (
                "2022-06-20",
                &[LastWorkingDay, DaysBefore(9), DaysBefore(14)],
                &[],
                &[
                    ("2022-06-06", "2 weeks before"),
                    ("2022-06-10", "9 days before"),
                    ("2022-06-17", "last working day"),
                ],
            ),
            // D-4 and D-3 are the Jubilee holidays, so they land on D-5: one email.
            (
                "2022-06-06",
                &[DaysBefore(4), DaysBefore(3), DaysBefore(5)],
                &jubilee,
                &[("2022-06-01", "5 days before")],
            ),
            // The day before a Monday is the Friday, the last working day.
            (
                "2022-06-13",
                &[DaysBefore(1), LastWorkingDay],
                &[],
                &[("2022-06-10", "1 day before")],
            ),
            ("2022-06-13", &[], &[], &[]),
        ];
        for (day, when, holidays, want) in cases {
            let got: Vec<(String, String)> = countdown(d(day), holidays, when)
                .into_iter()
                .map(|e| (e.date.to_string(), e.label))
                .collect();
            let want: Vec<(String, String)> = want
                .iter()
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .collect();
            assert_eq!(got, want, "{day} {when:?}");
        }
        assert_eq!(
            column_names(&[DaysBefore(10), LastWorkingDay, DaysBefore(14)]),
            ["email_2_weeks", "email_10_days", "email_last_day"]
        );
    }
}
