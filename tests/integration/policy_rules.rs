//! The migration's own policy (`data/migration.yaml`, SPEC §9) as the rules, the report and
//! the checklists read it.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::{build, check_json, site_copy, stderr};

/// A copy of the small site with `policy` as its `data/migration.yaml`.
fn small_with(policy: &str) -> tempfile::TempDir {
    let site = site_copy("small");
    fs::write(site.path().join("data/migration.yaml"), policy).unwrap();
    site
}

/// (rule, severity) of every finding of the report.
fn rules(report: &Value) -> Vec<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn rule_overrides_change_severity_and_exit_status() {
    // Every error of the small site made a warning or less: the check passes.
    let site = small_with(
        "rules:\n  tranche-over-capacity: warning\n  tranche-override-conflict: info\n  \
         hunt-group-split: off\n  separate-teams: warning\n",
    );
    let (out, report) = check_json(site.path());
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let found = rules(&report);
    assert!(found.iter().all(|(_, s)| s != "error"), "{found:?}");
    assert!(found.contains(&("tranche-over-capacity".into(), "warning".into())));
    assert!(found.contains(&("tranche-override-conflict".into(), "info".into())));
    assert!(!found.iter().any(|(r, _)| r == "hunt-group-split"));
    assert_eq!(report["summary"]["errors"], 0);

    // A warning made an error fails it.
    let site = small_with(
        "rules:\n  tranche-over-capacity: warning\n  tranche-override-conflict: info\n  \
         hunt-group-split: off\n  separate-teams: warning\n  features-lost: error\n",
    );
    let (out, report) = check_json(site.path());
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(rules(&report).contains(&("features-lost".into(), "error".into())));
}

#[test]
fn a_rule_turned_off_leaves_the_checklists() {
    let site = small_with("rules: {hunt-group-split: off, features-lost: error}\n");
    let out_dir = tempfile::tempdir().unwrap();
    let out = build(site.path(), out_dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let unit = out_dir.path().join("coordinators/units/physics");
    let page = read(&unit.join("index.html"));
    assert!(!page.contains("hunt-group-split"), "{page}");
    assert!(!page.contains("is split"), "{page}");
    assert!(
        page.contains("tag--error\">error</strong> Extension 71002"),
        "{page}"
    );
    let csv = read(&unit.join("checklist.csv"));
    assert!(!csv.contains("hunt-group-split"), "{csv}");
}

#[test]
fn checklists_show_the_policys_feature_labels() {
    let site = small_with(
        "features:\n  softphone: {label: Desk softphone, lost: true}\n  \
         external-away: {label: Calls away, lost: false}\n  \
         mobile-app: {label: Pocket app, lost: false}\n",
    );
    let out_dir = tempfile::tempdir().unwrap();
    let out = build(site.path(), out_dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let csv = read(
        &out_dir
            .path()
            .join("coordinators/units/physics/checklist.csv"),
    );
    assert!(csv.contains("Desk softphone; Calls away"), "{csv}");
    assert!(csv.contains("Pocket app"), "{csv}");
    // 71002 stays using only a feature not lost: nothing to warn of.
    let (_, report) = check_json(site.path());
    assert!(!rules(&report).iter().any(|(r, _)| r == "features-lost"));
}

#[test]
fn unit_files_are_read_again_when_the_policy_changes() {
    let site = site_copy("small");
    let root = site.path();
    let today = chrono::NaiveDate::parse_from_str(crate::TODAY, "%Y-%m-%d").unwrap();
    let mut caches = cutover::Caches::default();
    assert!(cutover::render_site_cached(root, today, None, &mut caches).is_ok());
    // The same unit files, now naming features the policy does not have.
    fs::write(
        root.join("data/migration.yaml"),
        "features:\n  desk-phone: {label: Desk phone, lost: true}\n",
    )
    .unwrap();
    crate::assert_invalid(
        cutover::render_site_cached(root, today, None, &mut caches),
        |p| p.message.starts_with("`uses: softphone` is not allowed"),
    );
    fs::remove_file(root.join("data/migration.yaml")).unwrap();
    assert!(cutover::render_site_cached(root, today, None, &mut caches).is_ok());
}

#[test]
fn without_a_pre_flag_or_anyone_staying() {
    // The small site without its flags and its stays.
    let site = small_with("flag: false\nstay: false\nsteps: [groups, others, answer]\n");
    for unit in ["physics", "balliol-example", "own-teams"] {
        let path = site.path().join(format!("data/units/{unit}.yaml"));
        let text = read(&path)
            .replace("    ms_teams: true\n", "")
            .replace(", ms_teams: true", "")
            .replace("    decision: stay\n", "");
        fs::write(&path, text).unwrap();
    }
    let (out, report) = check_json(site.path());
    assert!(out.status.code().is_some(), "{}", stderr(&out));
    let found = rules(&report);
    for never in [
        "unflagged-move",
        "undecided",
        "features-lost",
        "group-undecided",
        "invalid-data",
    ] {
        assert!(!found.iter().any(|(r, _)| r == never), "{never}: {found:?}");
    }
    assert_eq!(report["summary"]["staying"], 0);
    assert_eq!(report["summary"]["undecided"], 0);
    // A line that cannot move, never asked to, has nothing to correct (SPEC §4) ...
    assert!(
        !found.iter().any(|(r, _)| r == "critical-line"),
        "{found:?}"
    );
    // ... but marked to move, it is told it needs its own arrangement.
    let physics = site.path().join("data/units/physics.yaml");
    let text = read(&physics).replace(
        "  - ext: \"71004\"\n    critical: true\n",
        "  - ext: \"71004\"\n    critical: true\n    decision: move\n",
    );
    fs::write(&physics, text).unwrap();
    let (_, report) = check_json(site.path());
    let critical = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "critical-line")
        .expect("critical-line");
    assert_eq!(critical["severity"], "error", "{critical}");
    assert!(
        critical["message"]
            .as_str()
            .unwrap()
            .contains("needs its own arrangement with the project"),
        "{critical}"
    );
}

#[test]
fn the_json_report_holds_the_policy_in_force() {
    let (_, report) = check_json(&crate::fixtures().join("sites/small"));
    let policy = &report["policy"];
    assert_eq!(policy["from"], "Chorus");
    assert_eq!(policy["to"], "Telephony over Teams");
    assert_eq!(policy["stay"], true);
    assert_eq!(policy["flag"], "MS Teams column");
    assert_eq!(policy["features"]["softphone"]["label"], "Chorus softphone");
    assert_eq!(policy["features"]["softphone"]["lost"], true);
    assert_eq!(
        policy["emails"],
        serde_json::json!([21, 7, "last-working-day"])
    );
    assert_eq!(policy["rules"], serde_json::json!({}));
    assert_eq!(policy["dates"], "en-GB");

    let site = small_with(
        "from: Webex Calling\nto: Teams Phone\nflag: false\nstay: false\n\
         steps: [groups, others, answer]\nrules: {hunt-group-split: off, late-request: warning}\n",
    );
    let (_, report) = check_json(site.path());
    let policy = &report["policy"];
    assert_eq!(policy["from"], "Webex Calling");
    assert_eq!(policy["flag"], false);
    assert_eq!(policy["stay"], false);
    assert_eq!(
        policy["rules"],
        serde_json::json!({"hunt-group-split": "off", "late-request": "warning"})
    );
    assert_eq!(
        policy["steps"],
        serde_json::json!(["groups", "others", "answer"])
    );
}

#[test]
fn the_policys_emails_everywhere_they_are_shown() {
    // Tranche 2 moves on Monday 13 June 2022: 10 days before is the Friday of the Jubilee
    // (a holiday, as is the Thursday), so it goes out on Wednesday 1 June; 3 days before is
    // Friday 10 June, the last working day too: one email.
    let site = small_with("emails: [last-working-day, 3, 10]\n");
    let out_dir = tempfile::tempdir().unwrap();
    let out = build(site.path(), out_dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let schedule = read(&out_dir.path().join("coordinators/schedule/index.html"));
    assert!(
        schedule.contains("1 June 2022 (10 days before)"),
        "{schedule}"
    );
    assert!(
        schedule.contains("10 June 2022 (3 days before)"),
        "{schedule}"
    );
    assert!(!schedule.contains("last working day"), "{schedule}");
    assert!(!schedule.contains("3 weeks before"), "{schedule}");
    let checklist = read(&out_dir.path().join("coordinators/units/physics/index.html"));
    assert!(
        checklist.contains("10 June 2022 (10 days before)"),
        "{checklist}"
    );
    assert!(
        checklist.contains("17 June 2022 (3 days before)"),
        "{checklist}"
    );
    let csv = read(
        &out_dir
            .path()
            .join("coordinators/units/physics/checklist.csv"),
    );
    assert!(
        csv.starts_with(
            "unit,ext,holder,email,ms_teams,flags,uses,groups,status,decision,requested,tranche,\
             move_date,email_10_days,email_3_days,email_last_day,findings\n"
        ),
        "{csv}"
    );
    assert!(
        csv.contains(",3,2022-06-20,2022-06-10,2022-06-17,2022-06-17,"),
        "{csv}"
    );
    let (_, report) = check_json(site.path());
    assert_eq!(
        report["tranches"][1]["emails"],
        serde_json::json!(["2022-06-01", "2022-06-10"])
    );
}

/// SPEC §9: with other systems named, none of the bundled guide's names reach `check`'s
/// report or the checklists.
#[test]
fn the_report_and_checklists_name_the_policys_systems() {
    let site = small_with(
        "from: Webex Calling\nto: Teams Phone\nflag: Teams-ready column\nfeatures:\n  \
         softphone: {label: Webex app, lost: true}\n  \
         external-away: {label: Single number reach, lost: true}\n  \
         mobile-app: {label: Webex mobile, lost: true}\n",
    );
    let (_, report) = check_json(site.path());
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    let all = messages.join("\n");
    for old in ["Chorus", "Telephony over Teams", "OpenScape", "MS Teams"] {
        assert!(!all.contains(old), "{old} in:\n{all}");
    }
    assert!(all.contains("flagged in the Teams-ready column"), "{all}");
    assert!(all.contains("it needs a Teams Phone licence"), "{all}");
    assert!(
        all.contains("stays on Webex Calling but uses Webex mobile"),
        "{all}"
    );
    let out_dir = tempfile::tempdir().unwrap();
    let out = build(site.path(), out_dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let unit = out_dir.path().join("coordinators/units/physics");
    let csv = read(&unit.join("checklist.csv"));
    assert!(csv.contains(",true,Teams-ready,"), "{csv}");
    let page = read(&unit.join("index.html"));
    assert!(
        page.contains("<td data-label=\"Flags\">Teams-ready</td>"),
        "{page}"
    );
}

/// The checklists speak to coordinators: what to decide or tell, without the data's
/// files, keys or rule ids (those are in `check`'s report), and without "line(s)".
#[test]
fn checklist_findings_speak_to_coordinators() {
    let out_dir = tempfile::tempdir().unwrap();
    let out = build(&crate::bundled(), out_dir.path());
    assert!(out.status.success(), "{}", stderr(&out));
    let units = out_dir.path().join("coordinators/units");
    let mut rows = 0;
    for entry in fs::read_dir(&units).unwrap() {
        let page = entry.unwrap().path().join("index.html");
        let Ok(html) = fs::read_to_string(&page) else {
            continue;
        };
        for slip in ["Tell 1 people", "and 1 have no decision"] {
            assert!(!html.contains(slip), "{slip} in {}", page.display());
        }
        for row in html.lines().filter(|l| l.contains("<li class=\"finding")) {
            rows += 1;
            for slip in [
                "data/units/",
                ".yaml",
                "(s)",
                "decision: ",
                "responded:",
                "tranche: ",
            ] {
                assert!(!row.contains(slip), "{slip} in {}: {row}", page.display());
            }
            for rule in cutover::finding::Rule::ALL {
                assert!(
                    !row.contains(rule.id()),
                    "{rule} in {}: {row}",
                    page.display()
                );
            }
        }
    }
    assert!(rows > 20, "only {rows} finding rows");
}
