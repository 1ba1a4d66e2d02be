//! `lines_from:` (SPEC §10): the phone database's export, as CSV and as an XLSX workbook
//! written by openpyxl (tests/fixtures/exports/make.py), merged with the unit files.
//! Each row problem is an invalid-data fixture (`tests/fixtures/invalid/export-*`).

use std::collections::HashMap;
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use cutover::{Caches, render_site, render_site_cached};
use serde_json::Value;

use crate::{TODAY, build, check_json, fixtures, site_copy, stderr};

/// The small site with `lines_from` (the YAML under it) added to its site.yaml.
fn with_export(lines_from: &str) -> tempfile::TempDir {
    let site = site_copy("small");
    let path = site.path().join("data/site.yaml");
    let mut text = fs::read_to_string(&path).unwrap();
    text.push_str("lines_from:\n");
    text.push_str(lines_from);
    fs::write(&path, text).unwrap();
    site
}

const XLSX: &str = "  file: phone-export.xlsx
  sheet: Extensions
  columns: {ext: Extension, unit: Department, holder: Name, email: Email, ms_teams: MS Teams, uses: Features}
  units: {Department of Physics: physics}
";

const CSV: &str = "  file: phone.csv
  columns: {ext: Extension, unit: Department, holder: Name, email: Email, ms_teams: MS Teams, uses: Features}
  units: {Department of Physics: physics}
";

/// The CSV twin of the XLSX fixture, as Excel saves it where `;` separates: a BOM, CRLF.
const CSV_TEXT: &str = "\u{feff}Extension;Department;Name;Email;MS Teams;Features;Room\r\n\
    71008;Department of Physics;Mo Other;mo.sample@example.ac.uk;yes;;R1\r\n\
    71060;physics;Nia Export;nia.export@example.ac.uk;x;softphone, mobile-app;R2\r\n\
    71061;Department of Physics;;;;;R3\r\n";

fn xlsx_site() -> tempfile::TempDir {
    let site = with_export(XLSX);
    fs::copy(
        fixtures().join("exports/phone-export.xlsx"),
        site.path().join("data/phone-export.xlsx"),
    )
    .unwrap();
    site
}

fn csv_site() -> tempfile::TempDir {
    let site = with_export(CSV);
    fs::write(site.path().join("data/phone.csv"), CSV_TEXT).unwrap();
    site
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

/// The physics checklist's rows, each by column name.
fn physics_rows(root: &Path) -> Vec<HashMap<String, String>> {
    let out = tempfile::tempdir().unwrap();
    let run = build(root, out.path());
    assert!(run.status.success(), "{}", stderr(&run));
    crate::checklist_rows(out.path(), "physics")
}

fn row<'a>(rows: &'a [HashMap<String, String>], ext: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["ext"] == ext)
        .unwrap_or_else(|| panic!("no line {ext} on the physics checklist: {rows:?}"))
}

/// The cells of `columns` of a checklist row.
fn cells<'a>(row: &'a HashMap<String, String>, columns: &[&str]) -> Vec<&'a str> {
    columns.iter().map(|c| row[*c].as_str()).collect()
}

#[test]
fn an_export_merges_with_the_unit_files_as_csv_and_as_xlsx() {
    for (kind, site) in [("xlsx", xlsx_site()), ("csv", csv_site())] {
        let (run, report) = check_json(site.path());
        assert_eq!(
            findings(&report, "invalid-data"),
            Vec::<&Value>::new(),
            "{kind}"
        );
        assert!(
            run.status.code() == Some(1),
            "{kind}: other errors are the small site's"
        );
        let rows = physics_rows(site.path());
        // Only in the export: its keys, and the unit file's for the rest (none: undecided).
        let nia = row(&rows, "71060");
        assert_eq!(
            cells(nia, &["holder", "email", "ms_teams"]),
            ["Nia Export", "nia.export@example.ac.uk", "true"],
            "{kind}"
        );
        assert_eq!(
            nia["uses"], "Chorus softphone; OpenScape Mobile app",
            "{kind}"
        );
        assert_eq!(nia["status"], "undecided", "{kind}");
        // A blank holder is a shared line, as in a unit file; a blank flag is no.
        let shared = row(&rows, "71061");
        assert_eq!(
            cells(shared, &["holder", "email", "ms_teams"]),
            ["", "", "false"],
            "{kind}"
        );
        // In both: the unit file's holder and decision win.
        let mo = row(&rows, "71008");
        assert_eq!(mo["holder"], "Mo Sample", "{kind}");
        assert_eq!(mo["decision"], "move", "{kind}");
        // Lines of the unit file the export does not list stay.
        row(&rows, "71002");
        let lines = report["lines"].as_array().unwrap();
        assert!(
            lines
                .iter()
                .any(|l| l["ext"] == "71060" && l["unit"] == "physics")
        );
    }
}

#[test]
fn findings_about_a_line_only_the_export_lists_name_its_row() {
    for (kind, site, file) in [
        ("xlsx", xlsx_site(), "data/phone-export.xlsx"),
        ("csv", csv_site(), "data/phone.csv"),
    ] {
        let (_, report) = check_json(site.path());
        let about = |ext: &str| -> Vec<(String, u64)> {
            report["findings"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| {
                    f["exts"]
                        .as_array()
                        .is_some_and(|e| e.iter().any(|e| e == ext))
                })
                .map(|f| {
                    (
                        f["file"].as_str().unwrap().to_string(),
                        f["line"].as_u64().unwrap(),
                    )
                })
                .collect()
        };
        // 71060 is flagged and undecided, on row 3 of the export and in no unit file.
        let nia = about("71060");
        assert!(!nia.is_empty(), "{kind}: no finding about 71060");
        assert!(
            nia.iter().all(|(f, l)| f == file && *l == 3),
            "{kind}: {nia:?}"
        );
        // 71008 is in the unit file too: its findings point there, where it is decided.
        let mo = about("71008");
        assert!(
            mo.iter().all(|(f, _)| f == "data/units/physics.yaml"),
            "{kind}: {mo:?}"
        );
    }
}

#[test]
fn a_key_both_give_differently_warns_export_differs_naming_both_places() {
    let site = xlsx_site();
    let (_, report) = check_json(site.path());
    let differs = findings(&report, "export-differs");
    assert_eq!(differs.len(), 1, "{differs:#?}");
    let f = differs[0];
    assert_eq!(f["severity"], "warning");
    assert_eq!(f["file"], "data/units/physics.yaml");
    assert_eq!(f["line"], 6);
    assert_eq!(f["exts"][0], "71008");
    let message = f["message"].as_str().unwrap();
    assert!(
        message.contains("`holder` is `Mo Sample` here and `Mo Other` in data/phone-export.xlsx (sheet `Extensions`) row 2"),
        "{message}"
    );

    // The policy's `rules:` can turn it off, as any rule.
    fs::write(
        site.path().join("data/migration.yaml"),
        "rules:\n  export-differs: off\n",
    )
    .unwrap();
    let (_, report) = check_json(site.path());
    assert!(findings(&report, "export-differs").is_empty());
    assert!(findings(&report, "invalid-data").is_empty());
}

#[test]
fn every_bad_row_is_reported_in_one_run_and_nothing_is_built() {
    let site = with_export(
        "  file: phone-export.xlsx\n  columns: {ext: Extension, unit: Department, holder: Name, \
            ms_teams: MS Teams}\n",
    );
    fs::copy(
        fixtures().join("invalid/export-xlsx-rows/data/phone-export.xlsx"),
        site.path().join("data/phone-export.xlsx"),
    )
    .unwrap();
    let (_, report) = check_json(site.path());
    let rows: Vec<u64> = findings(&report, "invalid-data")
        .iter()
        .filter(|f| f["file"] == "data/phone-export.xlsx")
        .map(|f| f["line"].as_u64().unwrap())
        .collect();
    assert_eq!(rows, [2, 3, 4, 6, 7, 8, 9]);
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("site"));
    assert!(!run.status.success());
    assert!(!out.path().join("site").exists(), "nothing written");
}

/// As `serve` rebuilds: a changed export is read again, an unchanged one is not needed to
/// be, and the rebuild equals a full build.
#[test]
fn a_cached_rebuild_reads_the_export_again_when_it_changes() {
    let site = csv_site();
    let root = site.path();
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut caches = Caches::default();
    let page = "coordinators/units/physics/checklist.csv";
    let first = render_site_cached(root, today, None, &mut caches).unwrap();
    let before = first
        .files
        .iter()
        .find(|(p, _)| p == page)
        .unwrap()
        .1
        .to_vec();
    assert!(String::from_utf8_lossy(&before).contains("Nia Export"));

    fs::write(
        root.join("data/phone.csv"),
        CSV_TEXT.replace("Nia Export", "Nia Renamed"),
    )
    .unwrap();
    let cached = render_site_cached(root, today, None, &mut caches).unwrap();
    let full = render_site(root, today, None).unwrap();
    let of = |site: &cutover::Rendered| {
        site.files
            .iter()
            .find(|(p, _)| p == page)
            .map(|(_, b)| b.to_vec())
            .unwrap()
    };
    let after = of(&cached);
    assert!(String::from_utf8_lossy(&after).contains("Nia Renamed"));
    assert_eq!(after, of(&full));

    // A row problem appears, then goes, with the file.
    fs::write(
        root.join("data/phone.csv"),
        CSV_TEXT.replace("71061", "71O61"),
    )
    .unwrap();
    crate::assert_invalid(render_site_cached(root, today, None, &mut caches), |p| {
        p.file == "data/phone.csv" && p.line == Some(4)
    });
    fs::write(root.join("data/phone.csv"), CSV_TEXT).unwrap();
    assert!(render_site_cached(root, today, None, &mut caches).is_ok());
}

/// The bundled guide is the worked example of the round trip: its lines come from
/// data/phone-export.xlsx (the unit files keep only what an export does not carry), and
/// chemistry's and physics's decisions from their answers in data/answers/.
#[test]
fn bundled_guide_reads_its_export_and_answers() {
    let root = crate::bundled();
    for entry in fs::read_dir(root.join("data/units")).unwrap() {
        let path = entry.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        for key in ["holder:", "email: ", "ms_teams:", "uses:"] {
            let lines = text.lines().filter(|l| l.trim_start().starts_with("- "));
            assert!(
                lines.clone().all(|l| !l.contains(key)),
                "{}: `{key}` is the export's",
                path.display()
            );
        }
    }
    for unit in ["chemistry", "physics"] {
        let text = fs::read_to_string(root.join(format!("data/units/{unit}.yaml"))).unwrap();
        assert!(
            !text.contains("decision:"),
            "{unit}'s decisions are its answer's"
        );
    }
    assert!(root.join("data/answers/chemistry.xlsx").is_file());
    assert!(root.join("data/answers/physics.csv").is_file());

    let (out, report) = check_json(&root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let status = |ext: &str| {
        let line = report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["ext"] == ext);
        line.map(|l| (l["unit"].clone(), l["status"].clone()))
    };
    // Only in the export: a holder with no unit-file entry.
    assert_eq!(status("80107"), Some(("law".into(), "undecided".into())));
    // Decisions from chemistry.xlsx and physics.csv.
    assert_eq!(
        status("75202"),
        Some(("chemistry".into(), "staying".into()))
    );
    assert_eq!(status("73409"), Some(("physics".into(), "staying".into())));
    assert_eq!(status("73403"), Some(("physics".into(), "moving".into())));
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["rule"].as_str())
        .collect();
    assert!(!rules.contains(&"export-differs"), "{rules:?}");
    assert!(!rules.contains(&"answer-differs"), "{rules:?}");
    // physics.csv's `answered` date stands for the `responded:` its unit file lost.
    let not_responded = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "unit-not-responded");
    assert!(not_responded.clone().all(|f| f["unit"] != "physics"));
    assert!(not_responded.clone().any(|f| f["unit"] == "law"));
}
