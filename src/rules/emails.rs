//! Countdown emails: three weeks before a move, one week before, and on the last working
//! day before it.

use chrono::{Datelike, Days, NaiveDate, Weekday};

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

/// The three email dates for a move on `day`: `D-21`, `D-7` and the last working day.
pub fn countdown(day: NaiveDate, holidays: &[NaiveDate]) -> [NaiveDate; 3] {
    let back = |n| day.checked_sub_days(Days::new(n)).unwrap_or(day);
    [back(21), back(7), last_working_day_before(day, holidays)]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

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
            assert_eq!(countdown(d(day), holidays), want.map(d), "{day}");
        }
    }
}
