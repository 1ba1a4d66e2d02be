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
    assert!(page.contains("tag--error\">error</strong> extension 71002"), "{page}");
    let csv = read(&unit.join("checklist.csv"));
    assert!(!csv.contains("hunt-group-split"), "{csv}");
}
