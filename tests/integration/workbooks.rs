//! The checklist workbooks (SPEC §10, "Downloads"): `checklist.xlsx` beside every
//! `checklist.csv`, in the audiences with checklists only, linked from the checklist page
//! with its real size; `check`, which keeps nothing, makes none. What is inside them is
//! checked with openpyxl and LibreOffice by tests/spreadsheet/check.sh.

use std::path::Path;

use cutover::pipeline::{self, Output};
use cutover::render::Theme;

use crate::{TODAY, fixtures, tree};

#[test]
fn every_checklist_has_its_workbook_linked_with_its_size() {
    let root = fixtures().join("sites/small");
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = crate::build(&root, &out);
    assert_eq!(run.status.code(), Some(0), "{}", crate::stderr(&run));
    let files = tree(&out);
    let find = |path: &str| files.iter().find(|(p, _)| p == path).map(|(_, b)| b);
    let csvs: Vec<&str> = files
        .iter()
        .map(|(p, _)| p.as_str())
        .filter(|p| p.ends_with("/checklist.csv"))
        .collect();
    assert!(!csvs.is_empty());
    for csv in &csvs {
        let folder = csv.strip_suffix("checklist.csv").unwrap();
        let xlsx = find(&format!("{folder}checklist.xlsx"))
            .unwrap_or_else(|| panic!("no workbook beside {csv}"));
        assert!(
            xlsx.starts_with(b"PK"),
            "{folder}checklist.xlsx is not a zip"
        );
        let page = String::from_utf8_lossy(find(&format!("{folder}index.html")).unwrap());
        let link = format!(
            "<a href=\"checklist.xlsx\" download>spreadsheet (XLSX, {})</a>",
            cutover::plan::file_size(xlsx.len())
        );
        assert!(page.contains(&link), "{folder}index.html lacks {link}");
        let csv_link = format!(
            "<a href=\"checklist.csv\" download>CSV ({})</a>",
            cutover::plan::file_size(find(csv).unwrap().len())
        );
        assert!(
            page.contains(&csv_link),
            "{folder}index.html lacks {csv_link}"
        );
    }
    // None elsewhere: one workbook for each checklist.
    let workbooks = files.iter().filter(|(p, _)| p.ends_with(".xlsx")).count();
    assert_eq!(workbooks, csvs.len());
}

#[test]
fn check_makes_neither_workbooks_nor_built_in_unit_pages() {
    let root = fixtures().join("sites/small");
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let checked = cutover::check(&root, today).unwrap();
    let theme = Theme::load(&root, checked.model.site.as_ref()).unwrap();
    let made = |output| {
        pipeline::run(&checked, &theme, Path::new(&root), None, output, None)
            .unwrap_or_else(|_| panic!("the small site builds"))
    };
    let kept = made(Output::Memory);
    let workbooks = kept
        .files
        .iter()
        .filter(|f| f.path.ends_with(".xlsx"))
        .inspect(|f| assert!(f.bytes.as_ref().is_some_and(|b| b.starts_with(b"PK"))))
        .count();
    let csvs = kept
        .files
        .iter()
        .filter(|f| f.path.ends_with(".csv"))
        .count();
    // Unit checklist pages of the built-in theme, whose links are known good.
    let unit_pages = kept
        .files
        .iter()
        .filter(|f| f.path.contains("/units/") && f.path.ends_with("/index.html"))
        .filter(|f| f.path.matches('/').count() == 3)
        .count();
    assert!(workbooks > 0 && unit_pages == workbooks);
    // As `check` makes the site: every file but the downloads, which it would drop, and
    // the unit pages, whose links it need not read.
    let discarded = made(Output::Discard);
    assert_eq!(discarded.fresh, kept.fresh - workbooks - csvs - unit_pages);
}

#[test]
fn a_build_needs_no_system_temporary_folder_for_its_workbooks() {
    // The worksheets stream through files beside the site being written: a build whose
    // system temporary folder is missing makes the same workbooks, byte for byte (were
    // they made without temporary files, their strings would be stored otherwise).
    let root = fixtures().join("sites/small");
    let dir = tempfile::tempdir().unwrap();
    let built = |name: &str, tmpdir: &Path| {
        let out = dir.path().join(name);
        let run = std::process::Command::new(env!("CARGO_BIN_EXE_cutover"))
            .args(["build", "--root", root.to_str().unwrap()])
            .args(["--out", out.to_str().unwrap(), "--today", TODAY])
            .env("TMPDIR", tmpdir)
            .output()
            .unwrap();
        assert_eq!(run.status.code(), Some(0), "{}", crate::stderr(&run));
        tree(&out)
            .into_iter()
            .filter(|(path, _)| path.ends_with(".xlsx"))
            .collect::<Vec<_>>()
    };
    let usual = built("usual", &std::env::temp_dir());
    let missing = built("missing", &dir.path().join("no such folder"));
    assert!(!usual.is_empty());
    assert!(
        usual == missing,
        "the workbooks differ without a temporary folder"
    );
}
