//! Privacy: audiences without `personal_data` carry no holder, email or extension in any
//! file, only `unit_checklists` audiences get checklists (`unit_dates` ones, the list
//! of units with when each moves), and only `exports` ones (which have personal data) the
//! exports. Run over every fixture site, one with exports, and the bundled guide.
//! Workbooks (`.xlsx`, zipped) are scanned unzipped.

use std::path::Path;

use crate::{TODAY, bundled, fixtures, tree};

/// Whether `needle` occurs in `text` as a whole token: for digits, not inside a longer number.
fn contains_token(text: &str, needle: &str) -> bool {
    let digits = needle.bytes().all(|b| b.is_ascii_digit());
    text.match_indices(needle).any(|(at, _)| {
        if !digits {
            return true;
        }
        let before = text[..at].bytes().last();
        let after = text[at + needle.len()..].bytes().next();
        !before.is_some_and(|b| b.is_ascii_digit()) && !after.is_some_and(|b| b.is_ascii_digit())
    })
}

/// A file's text as the scan reads it: a workbook's, unzipped, every part of it.
fn text_of(path: &str, bytes: &[u8]) -> String {
    if !path.ends_with(".xlsx") {
        return String::from_utf8_lossy(bytes).into_owned();
    }
    let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .unwrap_or_else(|e| panic!("{path} is not a zip: {e}"));
    let mut text = String::new();
    for i in 0..zip.len() {
        let mut part = zip.by_index(i).unwrap();
        std::io::Read::read_to_string(&mut part, &mut text).unwrap();
    }
    text
}

fn check_site(root: &Path) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = crate::build(root, &out);
    assert_eq!(run.status.code(), Some(0), "{}", crate::stderr(&run));

    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let checked = cutover::check(root, today).unwrap();
    let site = checked.model.site.as_ref().unwrap();
    let mut secrets: Vec<String> = Vec::new();
    for unit in &checked.model.units {
        if let Some(c) = &unit.coordinator {
            secrets.push(c.name.clone());
            secrets.extend(c.email.clone());
        }
        for line in &unit.lines {
            secrets.push(line.ext.clone());
            secrets.extend(line.holder.clone());
            secrets.extend(line.email.clone());
        }
    }
    assert!(!secrets.is_empty());

    for audience in &site.audiences {
        let files = tree(&out.join(&audience.id));
        assert!(!files.is_empty());
        if !audience.unit_checklists {
            // The list of units with their dates is the only page there, for those
            // with `unit_dates`.
            let allowed = |p: &str| audience.unit_dates && p == "units/index.html";
            assert!(
                files
                    .iter()
                    .all(|(p, _)| !p.starts_with("units/") || allowed(p)),
                "{} has checklists",
                audience.id
            );
            assert_eq!(
                files.iter().any(|(p, _)| p == "units/index.html"),
                audience.unit_dates,
                "{}: the list of units with their dates",
                audience.id
            );
        }
        assert_eq!(
            files.iter().any(|(p, _)| p.starts_with("exports/")),
            audience.exports,
            "{}: the exports",
            audience.id
        );
        assert!(!audience.exports || audience.personal_data);
        let workbooks = files.iter().filter(|(p, _)| p.ends_with(".xlsx")).count();
        assert!(
            audience.personal_data || workbooks == 0,
            "{} has workbooks",
            audience.id
        );
        let text: Vec<(String, String)> = files
            .into_iter()
            .map(|(p, b)| {
                let text = text_of(&p, &b);
                (p, text)
            })
            .collect();
        let leaks: Vec<String> = secrets
            .iter()
            .flat_map(|s| {
                text.iter()
                    .filter(|(_, t)| contains_token(t, s))
                    .map(move |(p, _)| format!("{s} in {p}"))
            })
            .collect();
        if audience.personal_data {
            // The scan finds what is there: the personal audience does show them.
            assert!(
                !leaks.is_empty(),
                "{}: the scan found nothing at all",
                audience.id
            );
            // And reads the workbooks: the checklist's lines are in them.
            assert!(
                workbooks == 0 || leaks.iter().any(|l| l.ends_with(".xlsx")),
                "{}: the scan found nothing in the workbooks",
                audience.id
            );
        } else {
            assert!(
                leaks.is_empty(),
                "{} leaks personal data: {leaks:?}",
                audience.id
            );
        }
    }
    // The files at the top (the landing page, the manifest) are for everyone.
    let top: Vec<(String, Vec<u8>)> = tree(&out)
        .into_iter()
        .filter(|(p, _)| {
            !site
                .audiences
                .iter()
                .any(|a| p.starts_with(&format!("{}/", a.id)))
        })
        .collect();
    assert!(top.iter().any(|(p, _)| p == "manifest.json"));
    for (path, bytes) in top {
        let text = String::from_utf8_lossy(&bytes);
        let leaks: Vec<&String> = secrets
            .iter()
            .filter(|s| contains_token(&text, s))
            .collect();
        assert!(leaks.is_empty(), "{path} leaks {leaks:?}");
    }
}

#[test]
fn no_personal_data_outside_personal_audiences() {
    check_site(&fixtures().join("sites/small"));
    // Its `staff` have the list of units with their dates.
    check_site(&fixtures().join("sites/policy"));
    check_site(&bundled());
    // Its coordinators with the exports.
    let exporting = crate::site_copy("small");
    let yaml = exporting.path().join("data/site.yaml");
    let text = std::fs::read_to_string(&yaml).unwrap().replace(
        "    unit_checklists: true\n",
        "    unit_checklists: true\n    exports: true\n",
    );
    assert!(text.contains("exports: true"));
    std::fs::write(&yaml, text).unwrap();
    check_site(exporting.path());
}

#[test]
fn tokens() {
    assert!(contains_token("ext 71001.", "71001"));
    assert!(!contains_token("20220710012", "71001"));
    assert!(contains_token("Ada Sample", "Ada Sample"));
}
