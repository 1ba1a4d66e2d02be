//! Answers (SPEC §10): coordinators' returned checklists in data/answers/, applied to the
//! units' lines. The XLSX answer is the small site's own checklist.xlsx filled in by
//! openpyxl (tests/fixtures/answers/fill.py): the round trip a coordinator makes.

use std::collections::HashMap;
use std::fs;
use std::io::Cursor;
use std::path::Path;

use calamine::{Data, Reader as _, Xlsx};
use chrono::NaiveDate;
use cutover::{Caches, render_site, render_site_cached};
use serde_json::Value;

use crate::{TODAY, build, build_with, check_json, checklist_rows, fixtures, site_copy, stderr};

/// The small site with `files` (name, bytes) in data/answers/.
fn answered(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let site = site_copy("small");
    let dir = site.path().join("data/answers");
    for (name, bytes) in files {
        let path = dir.join(name);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, bytes).unwrap();
    }
    site
}

fn xlsx() -> Vec<u8> {
    fs::read(fixtures().join("answers/balliol-example-answered.xlsx")).unwrap()
}

fn findings<'a>(report: &'a Value, rule: &str) -> Vec<&'a Value> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn row<'a>(rows: &'a [HashMap<String, String>], ext: &str) -> &'a HashMap<String, String> {
    rows.iter()
        .find(|r| r["ext"] == ext)
        .unwrap_or_else(|| panic!("no row for {ext}"))
}

#[test]
fn a_filled_in_checklist_xlsx_is_an_answer() {
    // Without the answer: 81006 is undecided and the unit has not responded.
    let plain = site_copy("small");
    let (_, report) = check_json(plain.path());
    assert!(
        findings(&report, "unit-not-responded")
            .iter()
            .any(|f| f["unit"] == "balliol-example")
    );

    let site = answered(&[("balliol-example.xlsx", &xlsx())]);
    let (_, report) = check_json(site.path());
    assert!(findings(&report, "invalid-data").is_empty(), "{report:#}");
    // The file is an answer, without a date: the unit has responded.
    assert!(
        !findings(&report, "unit-not-responded")
            .iter()
            .any(|f| f["unit"] == "balliol-example"),
        "{report:#}"
    );
    // Where the unit file gives a decision or a requested date, it wins, with a warning
    // naming both places.
    let differs = findings(&report, "answer-differs");
    assert_eq!(differs.len(), 2, "{differs:#?}");
    let decision = differs.iter().find(|f| f["exts"][0] == "81001").unwrap();
    assert_eq!(decision["severity"], "warning");
    assert_eq!(decision["file"], "data/units/balliol-example.yaml");
    assert_eq!(decision["line"], 5);
    let message = decision["message"].as_str().unwrap();
    assert!(
        message.contains(
            "`decision` is move here and stay in data/answers/balliol-example.xlsx sheet \
                `Lines`, row 2, column `decision`"
        ),
        "{message}"
    );
    let requested = differs.iter().find(|f| f["exts"][0] == "81002").unwrap();
    let message = requested["message"].as_str().unwrap();
    assert!(
        message.contains("`requested` is 2022-04-20 here and 2022-05-02 in"),
        "{message}"
    );

    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), out.path());
    assert!(run.status.success(), "{}", stderr(&run));
    let rows = checklist_rows(out.path(), "balliol-example");
    // The answer's decision applies where the unit file gives none.
    assert_eq!(row(&rows, "81006")["decision"], "move");
    assert_eq!(row(&rows, "81001")["decision"], "move");
    let page = fs::read_to_string(
        out.path()
            .join("coordinators/units/balliol-example/index.html"),
    )
    .unwrap();
    assert!(
        page.contains(
            "<dt>Answer to the project</dt><dd><strong class=\"tag tag--completed\">Answered</strong>"
        ),
        "the page shows the unit answered, undated"
    );
    // And its requested date, as the rebuilt workbook shows it.
    let bytes = fs::read(
        out.path()
            .join("coordinators/units/balliol-example/checklist.xlsx"),
    )
    .unwrap();
    let mut book = Xlsx::new(Cursor::new(bytes)).unwrap();
    let lines = book.worksheet_range("Lines").unwrap();
    let requested = lines
        .rows()
        .find(|r| r[1] == Data::String("81006".into()))
        .map(|r| r[10].clone())
        .unwrap();
    let date = match requested {
        Data::DateTime(d) => d.as_datetime().unwrap().date(),
        other => panic!("requested is {other:?}"),
    };
    assert_eq!(date, NaiveDate::from_ymd_opt(2022, 6, 1).unwrap());
}

/// Balliol's answer in `root` is taken: the unit has responded, on `answered_on` as its
/// page says, and 81006 moves.
fn answer_taken(root: &Path, answered_on: &str) {
    let (_, report) = check_json(root);
    assert!(
        !findings(&report, "unit-not-responded")
            .iter()
            .any(|f| f["unit"] == "balliol-example")
    );
    let out = tempfile::tempdir().unwrap();
    let run = build(root, out.path());
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        row(&checklist_rows(out.path(), "balliol-example"), "81006")["decision"],
        "move"
    );
    let page = fs::read_to_string(
        out.path()
            .join("coordinators/units/balliol-example/index.html"),
    )
    .unwrap();
    assert!(
        page.contains(&format!("Answered on {answered_on}")),
        "the page shows the date"
    );
}

/// A CSV answer as Excel saves it where `;` separates: a BOM, CRLF, and an `answered`
/// column giving the date the unit responded.
const CSV: &str = "\u{feff}unit;ext;holder;decision;requested;answered\r\n\
    balliol-example;81006;Oli Sample;Move;2022-06-01;2022-04-12\r\n\
    balliol-example;81005;Ned Sample;move;;2022-04-12\r\n";

#[test]
fn a_csv_answer_as_excel_saves_it_gives_the_response_date() {
    let site = answered(&[("college/balliol.csv", CSV.as_bytes())]);
    let (_, report) = check_json(site.path());
    assert!(findings(&report, "invalid-data").is_empty(), "{report:#}");
    assert!(findings(&report, "answer-differs").is_empty(), "{report:#}");
    answer_taken(site.path(), "12 April 2022");
}

/// A workbook typed by hand (by openpyxl) naming its unit and answer date once, in cells
/// above its header, with only the columns an answer needs.
#[test]
fn a_workbook_may_name_its_unit_and_date_once_above_the_header() {
    let bytes = fs::read(fixtures().join("answers/balliol-example-named-once.xlsx")).unwrap();
    let site = answered(&[("balliol.xlsx", &bytes)]);
    let (_, report) = check_json(site.path());
    assert!(findings(&report, "invalid-data").is_empty(), "{report:#}");
    answer_taken(site.path(), "11 April 2022");
}

/// The downloaded checklist.csv, a decision filled in and saved back, is an answer file
/// as it stands: no column to add, none to remove.
#[test]
fn a_downloaded_checklist_csv_filled_in_is_an_answer() {
    let site = site_copy("small");
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), out.path());
    assert!(run.status.success(), "{}", stderr(&run));
    let rows = checklist_rows(out.path(), "balliol-example");
    assert_eq!(row(&rows, "81006")["decision"], "");
    let csv = out
        .path()
        .join("coordinators/units/balliol-example/checklist.csv");
    let mut reader = csv::Reader::from_path(&csv).unwrap();
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let mut writer = csv::Writer::from_writer(Vec::new());
    writer.write_record(&header).unwrap();
    for record in reader.records() {
        let mut cells: Vec<String> = record.unwrap().iter().map(str::to_string).collect();
        if cells[at("ext")] == "81006" {
            cells[at("decision")] = "stay".into();
        }
        writer.write_record(&cells).unwrap();
    }
    fs::create_dir_all(site.path().join("data/answers")).unwrap();
    fs::write(
        site.path().join("data/answers/balliol-example.csv"),
        writer.into_inner().unwrap(),
    )
    .unwrap();

    let (_, report) = check_json(site.path());
    assert!(findings(&report, "invalid-data").is_empty(), "{report:#}");
    assert!(
        !findings(&report, "unit-not-responded")
            .iter()
            .any(|f| f["unit"] == "balliol-example"),
        "the unit has responded"
    );
    let again = tempfile::tempdir().unwrap();
    let run = build(site.path(), again.path());
    assert!(run.status.success(), "{}", stderr(&run));
    assert_eq!(
        row(&checklist_rows(again.path(), "balliol-example"), "81006")["decision"],
        "stay"
    );
}

#[test]
fn two_answer_files_disagreeing_on_a_line_are_invalid_data() {
    let other = CSV.replace("Move;2022-06-01", "stay;");
    let site = answered(&[("a.csv", CSV.as_bytes()), ("b.csv", other.as_bytes())]);
    let (_, report) = check_json(site.path());
    let invalid = findings(&report, "invalid-data");
    assert_eq!(invalid.len(), 1, "{invalid:#?}");
    assert_eq!(invalid[0]["file"], "data/answers/b.csv");
    assert_eq!(invalid[0]["line"], 2);
    let message = invalid[0]["message"].as_str().unwrap();
    assert!(message.contains("data/answers/a.csv row 2"), "{message}");
}

/// A new answer file is data like any other: the change report names the lines it changed.
#[test]
fn a_new_answer_file_shows_in_the_change_report() {
    let site = site_copy("small");
    let out = tempfile::tempdir().unwrap();
    let report = out.path().join("changes.json");
    let site_out = out.path().join("site");
    let args = ["--changes", report.to_str().unwrap()];
    let run = build_with(site.path(), &site_out, &args);
    assert!(run.status.success(), "{}", stderr(&run));
    let answers = site.path().join("data/answers");
    fs::create_dir_all(&answers).unwrap();
    fs::write(
        answers.join("b.csv"),
        "unit,ext,decision\nballiol-example,81006,stay\n",
    )
    .unwrap();
    let run = build_with(site.path(), &site_out, &args);
    assert!(run.status.success(), "{}", stderr(&run));
    let changes: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    let unit = changes["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit"] == "balliol-example")
        .unwrap_or_else(|| panic!("{changes:#}"));
    let line = unit["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ext"] == "81006")
        .unwrap_or_else(|| panic!("{unit:#}"));
    assert_eq!(line["before"]["status"], "undecided");
    assert_eq!(line["after"]["status"], "staying");
}

/// As `serve` rebuilds: a changed answer file is read again.
#[test]
fn a_cached_rebuild_reads_an_answer_file_again_when_it_changes() {
    let site = answered(&[("balliol.csv", CSV.as_bytes())]);
    let root = site.path();
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut caches = Caches::default();
    let page = "coordinators/units/balliol-example/checklist.csv";
    let of = |site: &cutover::Rendered| {
        site.files
            .iter()
            .find(|(p, _)| p == page)
            .map(|(_, b)| String::from_utf8_lossy(b).into_owned())
            .unwrap()
    };
    let first = render_site_cached(root, today, None, &mut caches).unwrap();
    assert!(of(&first).contains(
        "Oli Sample,oli.sample@example.ac.uk,true,MS Teams,,college-lodge (hunt),moving,move"
    ));

    fs::write(
        root.join("data/answers/balliol.csv"),
        CSV.replace("Move;", ";"),
    )
    .unwrap();
    let cached = render_site_cached(root, today, None, &mut caches).unwrap();
    let full = render_site(root, today, None).unwrap();
    assert!(of(&cached).contains("undecided"), "{}", of(&cached));
    assert_eq!(of(&cached), of(&full));

    fs::write(
        root.join("data/answers/balliol.csv"),
        CSV.replace("81006", "81099"),
    )
    .unwrap();
    crate::assert_invalid(render_site_cached(root, today, None, &mut caches), |p| {
        p.file == "data/answers/balliol.csv" && p.line == Some(2)
    });
}
