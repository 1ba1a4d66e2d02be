//! `cutover new DIR`: a small site that builds and checks clean, to start from: data (with
//! a `migration.yaml` using every key of the policy, in neutral words),
//! two pages, and a copy of the default theme to change.

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use chrono::{Datelike, Days, NaiveDate, Weekday};

const FILES: &[(&str, &str)] = &[
    ("data/site.yaml", include_str!("skeleton/site.yaml")),
    ("data/tranches.yaml", include_str!("skeleton/tranches.yaml")),
    ("data/timeline.yaml", include_str!("skeleton/timeline.yaml")),
    (
        "data/migration.yaml",
        include_str!("skeleton/migration.yaml"),
    ),
    (
        "data/units/example-department.yaml",
        include_str!("skeleton/example-department.yaml"),
    ),
    ("content/index.md", include_str!("skeleton/index.md")),
    (
        "content/what-changes.md",
        include_str!("skeleton/what-changes.md"),
    ),
    (".gitignore", "/public/\n"),
];

/// The skeleton's dates, counted from `today` so that a new site starts in the future:
/// an answer due in four weeks, moves on Mondays eight and eleven weeks away.
fn dates(today: NaiveDate) -> Vec<(&'static str, String)> {
    let day = |d: NaiveDate| d.format("%Y-%m-%d").to_string();
    let month = |d: NaiveDate| d.format("%Y-%m").to_string();
    let mut first = today + Days::new(56);
    while first.weekday() != Weekday::Mon {
        first = first + Days::new(1);
    }
    let second = first + Days::new(21);
    vec![
        ("@TODAY@", day(today)),
        ("@BRIEFING@", day(today + Days::new(7))),
        ("@DEADLINE@", day(today + Days::new(28))),
        ("@TRANCHE1@", day(first)),
        ("@TRANCHE2@", day(second)),
        // The Friday before the second move, to show emails skipping a holiday.
        ("@HOLIDAY@", day(second - Days::new(3))),
        ("@EMAILS_MONTH@", month(first - Days::new(21))),
        ("@MOVES_MONTH@", month(first)),
    ]
}

pub fn write(dir: &Path, today: NaiveDate) -> Result<()> {
    if dir.exists() && !crate::write::is_empty(dir)? {
        bail!(
            "{} already exists and is not empty: choose a new folder",
            dir.display()
        );
    }
    let theme =
        crate::render::builtin_files().map(|(rel, body)| (format!("themes/default/{rel}"), body));
    let dates = dates(today);
    let own = FILES.iter().map(|(rel, body)| {
        let body = dates.iter().fold(body.to_string(), |text, (mark, date)| {
            text.replace(mark, date)
        });
        (rel.to_string(), body)
    });
    let theme = theme.map(|(rel, body)| (rel, body.to_string()));
    for (rel, body) in own.chain(theme) {
        let path = dir.join(&rel);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        fs::write(&path, body).with_context(|| format!("writing {}", path.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_lie_ahead_and_moves_are_on_mondays() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 26).unwrap();
        let d: std::collections::HashMap<&str, String> = dates(today).into_iter().collect();
        assert_eq!(d["@DEADLINE@"], "2026-12-24");
        assert_eq!(d["@TRANCHE1@"], "2027-01-25");
        assert_eq!(d["@TRANCHE2@"], "2027-02-15");
        assert_eq!(d["@HOLIDAY@"], "2027-02-12");
        // Every mark in the files is one that gets a date.
        for (file, text) in FILES {
            let filled = dates(today)
                .iter()
                .fold(text.to_string(), |t, (mark, date)| t.replace(mark, date));
            let left = filled.split('@').skip(1).any(|rest| {
                let word: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_uppercase() || *c == '_')
                    .collect();
                !word.is_empty() && rest[word.len()..].starts_with('@')
            });
            assert!(!left, "{file} has a mark with no date");
        }
    }
}
