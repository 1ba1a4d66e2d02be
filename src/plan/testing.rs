//! The fixture site the plan's unit tests work on.

use chrono::NaiveDate;

use crate::Checked;

/// The small fixture site, checked as of `today`.
pub(super) fn small(today: &str) -> Checked {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/small");
    let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
    let checked = crate::check(&root, today).unwrap();
    assert!(checked.is_valid(), "{:#?}", checked.problems);
    checked
}
