//! The second bundled example, `examples/webex-to-teams/`: it builds, checks clean with
//! `--strict`, names nothing of the bundled guide's, and its pages say what its policy says.

use std::fs;
use std::path::{Path, PathBuf};

use crate::{cutover, stdout, tree};

/// The day the example is built and checked as of, everywhere (README, browser suite):
/// the Monday after the checklists were due, with every unit's answer in.
const TODAY: &str = "2027-03-01";

fn example() -> PathBuf {
    crate::bundled().join("examples/webex-to-teams")
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A YAML file of the example, as JSON values.
fn yaml(path: &str) -> serde_json::Value {
    serde_saphyr::from_str(&read(&example().join(path))).unwrap()
}

/// The example built into a temporary folder (never into the example itself).
fn built() -> tempfile::TempDir {
    let out = tempfile::tempdir().unwrap();
    let run = cutover(&[
        "build",
        "--root",
        example().to_str().unwrap(),
        "--out",
        out.path().to_str().unwrap(),
        "--today",
        TODAY,
    ]);
    assert!(run.status.success(), "{}", crate::stderr(&run));
    out
}

fn check(format: &str) -> std::process::Output {
    cutover(&[
        "check",
        "--root",
        example().to_str().unwrap(),
        "--strict",
        "--today",
        TODAY,
        "--format",
        format,
    ])
}

/// The text between `start` and the next `end` after it.
fn between<'a>(text: &'a str, start: &str, end: &str) -> &'a str {
    let from = text
        .find(start)
        .unwrap_or_else(|| panic!("no {start:?} in {text}"))
        + start.len();
    let len = text[from..].find(end).unwrap();
    &text[from..from + len]
}

/// `Tuesday, July 6, 2027`, the en-US style the example's pages use.
fn en_us(date: &str) -> String {
    chrono::NaiveDate::parse_from_str(date, "%Y-%m-%d")
        .unwrap()
        .format("%A, %B %-d, %Y")
        .to_string()
}

/// Text as the pages escape it.
fn escaped(text: &str) -> String {
    text.replace('&', "&amp;").replace('\'', "&#39;")
}

#[test]
fn the_example_checks_clean_with_strict_and_keeps_its_information() {
    let run = check("text");
    assert!(run.status.success(), "{}", stdout(&run));
    let run = check("json");
    assert!(run.status.success(), "{}", stdout(&run));
    let report: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    assert_eq!(report["summary"]["errors"], 0, "{report:#}");
    assert_eq!(report["summary"]["warnings"], 0, "{report:#}");
    assert_eq!(report["summary"]["staying"], 0, "{report:#}");
    assert_eq!(report["summary"]["undecided"], 0, "{report:#}");
    // Still a migration with something to say: these are information, not mistakes.
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "group-tranche-aligned",
        "delegation-no-whitelist",
        "late-request",
    ] {
        assert!(rules.contains(&rule), "no {rule} in {rules:?}");
    }
    // The lines that cannot move were never asked to: nothing to correct (SPEC §4).
    for rule in [
        "shared-line",
        "critical-line",
        "contact-centre",
        "separate-teams",
    ] {
        assert!(!rules.contains(&rule), "{rule} in {rules:?}");
    }
    assert_eq!(report["summary"]["blocked"], 14, "{report:#}");
}

#[test]
fn nothing_the_example_writes_or_reports_names_the_bundled_guides_words() {
    let words = [
        "chorus",
        "telephony over teams",
        "openscape",
        "phoneman",
        "ms teams",
        "oxford",
    ];
    let out = built();
    let mut texts: Vec<(String, String)> = tree(out.path())
        .into_iter()
        .map(|(path, bytes)| (path, String::from_utf8_lossy(&bytes).to_lowercase()))
        .collect();
    assert!(texts.len() > 40, "{} files", texts.len());
    for format in ["text", "json"] {
        texts.push((
            format!("check --format {format}"),
            stdout(&check(format)).to_lowercase(),
        ));
    }
    for (path, text) in &texts {
        for word in words {
            assert!(!text.contains(word), "{path} holds {word:?}");
        }
    }
}

#[test]
fn the_staff_unit_page_gives_every_unit_its_cohort_and_move_day_and_no_personal_data() {
    let out = built();
    let page = read(&out.path().join("staff/units/index.html"));
    let cohorts = yaml("data/migration.yaml")["cohorts"].clone();
    // Each cohort's own wave: the tranche whose capacity names it.
    let tranches = yaml("data/tranches.yaml");
    let wave_of = |cohort: &str| -> String {
        let tranche = tranches
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["capacity"].get(cohort).is_some())
            .unwrap_or_else(|| panic!("no tranche for {cohort}"));
        tranche["date"].as_str().unwrap().to_string()
    };
    let mut units = fs::read_dir(example().join("data/units"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect::<Vec<_>>();
    units.sort();
    assert_eq!(units.len(), 11);
    for file in &units {
        let unit: serde_json::Value = serde_saphyr::from_str(&read(file)).unwrap();
        let name = unit["name"].as_str().unwrap();
        let row = between(
            &page,
            &format!(
                "<th scope=\"row\" data-label=\"Unit\">{}</th>",
                escaped(name)
            ),
            "</tr>",
        );
        match unit["cohort"].as_str() {
            Some(cohort) => {
                let cohort_name = cohorts[cohort].as_str().unwrap();
                assert!(
                    row.contains(&format!(
                        "<td data-label=\"Cohort\">{}</td>",
                        escaped(cohort_name)
                    )),
                    "{name}: {row}"
                );
                let date = wave_of(cohort);
                assert!(
                    row.contains(&format!(
                        "<time datetime=\"{date}\">{}</time>",
                        en_us(&date)
                    )),
                    "{name}: {row}"
                );
            }
            // The clinic, on the hospital's own Teams: nothing moves with the others.
            None => assert!(row.contains("None with the others"), "{name}: {row}"),
        }
        for line in unit["lines"].as_array().unwrap() {
            let ext = line["ext"].as_str().unwrap();
            assert!(!page.contains(ext), "{name}: extension {ext} on the page");
            for key in ["holder", "email"] {
                if let Some(value) = line[key].as_str() {
                    assert!(!page.contains(value), "{name}: {value} on the page");
                }
            }
        }
        for key in ["name", "email"] {
            let value = unit["coordinator"][key].as_str().unwrap();
            assert!(!page.contains(value), "{name}: {value} on the page");
        }
    }
    // Every date on the page reads en-US style.
    for piece in page.split("<time datetime=\"").skip(1) {
        let (date, rest) = piece.split_once("\">").unwrap();
        let shown = rest.split_once("</time>").unwrap().0;
        assert_eq!(shown, en_us(date), "{piece}");
    }
    assert!(page.contains("as of March 1, 2027"), "{page}");
}

/// The countdown email cell of extension `ext` on a checklist.
/// The countdown emails of line `ext` on a checklist page: its tranche's, which the page
/// gives once for each tranche the unit's lines move in.
fn emails(page: &str, ext: &str) -> Vec<String> {
    let row = between(
        page,
        &format!("<th scope=\"row\" data-label=\"Extension\">{ext}</th>"),
        "</tr>",
    );
    let tranche = between(row, "<td data-label=\"Tranche\">", "</td>");
    let tranche_row = between(
        page,
        &format!("<th scope=\"row\" data-label=\"Tranche\">{tranche}</th>"),
        "</tr>",
    );
    between(tranche_row, "<td data-label=\"Countdown emails\">", "</td>")
        .split("<li>")
        .skip(1)
        .map(|li| li.split_once("</li>").unwrap().0.to_string())
        .collect()
}

#[test]
fn a_checklist_has_the_examples_steps_in_order_and_its_email_dates() {
    let out = built();
    let site = out.path().join("coordinators/units");
    let biology = read(&site.join("biology/index.html"));
    let steps: Vec<&str> = biology
        .split("<span class=\"task-name\">")
        .skip(1)
        .map(|s| s.split_once("</span>").unwrap().0)
        .collect();
    assert_eq!(
        steps,
        [
            "Resolve group conflicts",
            "Confirm each phone&#39;s emergency (E911) location",
            "Answer the project by February 26, 2027",
            "Book Teams Phone training",
            "Return Webex desk phones to collection points",
        ]
    );
    // Checked by hand against the 2027 calendar: waves move on Tuesdays, so "3 days
    // before" is a Saturday and goes out on the Friday; Juneteenth (Friday, June 18)
    // moves wave 2's to the Thursday; Independence Day (Monday, July 5) moves wave 3's
    // last working day to Friday, July 2, the day of its 3-day email: one email.
    let wave = |dates: [&str; 3]| {
        let labels = ["2 weeks before", "3 days before", "last working day"];
        dates
            .iter()
            .zip(labels)
            .filter(|(d, _)| !d.is_empty())
            .map(|(d, l)| format!("{d} ({l})"))
            .collect::<Vec<_>>()
    };
    let facilities = read(&site.join("facilities/index.html"));
    let cases = [
        // The pilot, wave 1 (Tuesday, June 8).
        (
            &facilities,
            "43101",
            wave(["May 25, 2027", "June 4, 2027", "June 7, 2027"]),
        ),
        // Wave 2 (Tuesday, June 22).
        (
            &facilities,
            "43103",
            wave(["June 8, 2027", "June 17, 2027", "June 21, 2027"]),
        ),
        // Wave 3 (Tuesday, July 6).
        (
            &biology,
            "52101",
            wave(["June 22, 2027", "July 2, 2027", ""]),
        ),
        // Wave 4 (Tuesday, July 20), where Biology's research core moves with Nursing.
        (
            &biology,
            "52103",
            wave(["July 6, 2027", "July 16, 2027", "July 19, 2027"]),
        ),
        // Wave 5, the late additions (Tuesday, August 3).
        (
            &facilities,
            "43106",
            wave(["July 20, 2027", "July 30, 2027", "August 2, 2027"]),
        ),
    ];
    for (page, ext, expected) in cases {
        assert_eq!(emails(page, ext), expected, "extension {ext}");
    }
}
