//! `cutover check`: the reports and the exit codes.

use crate::{TODAY, bundled, check_json, cutover, fixtures, stderr, stdout};

fn small() -> String {
    fixtures().join("sites/small").display().to_string()
}

#[test]
fn json_report_matches_snapshot() {
    let (out, _) = check_json(&fixtures().join("sites/small"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    insta::assert_snapshot!("small_json_report", stdout(&out));
}

#[test]
fn text_report_matches_snapshot() {
    let out = cutover(&["check", "--root", &small(), "--today", TODAY]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!("small_text_report", stdout(&out));
}

#[test]
fn json_report_has_the_spec_shape() {
    let (_, report) = check_json(&fixtures().join("sites/small"));
    assert_eq!(report["version"], 1);
    assert_eq!(report["today"], TODAY);
    for key in [
        "units",
        "lines",
        "moving",
        "staying",
        "blocked",
        "undecided",
        "errors",
        "warnings",
        "infos",
    ] {
        assert!(report["summary"][key].is_u64(), "summary.{key}");
    }
    let t1 = &report["tranches"][0];
    assert_eq!(
        t1["emails"],
        serde_json::json!(["2022-05-09", "2022-05-23", "2022-05-27"])
    );
    assert_eq!(t1["capacity"], 1);
    assert_eq!(
        report["tranches"][1]["capacity"],
        serde_json::json!({"college": 5, "uas": 5})
    );
    // Lines sorted numerically by extension; tranche and date only where placed.
    let exts: Vec<u64> = report["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["ext"].as_str().unwrap().parse().unwrap())
        .collect();
    assert!(exts.windows(2).all(|w| w[0] < w[1]), "{exts:?}");
    let line = |ext: &str| {
        report["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["ext"] == ext)
            .unwrap()
            .clone()
    };
    assert_eq!(line("71001")["status"], "moving");
    assert_eq!(line("71001")["tranche"], 3);
    assert_eq!(line("71001")["date"], "2022-06-20");
    assert!(line("71002").get("tranche").is_none());
    // Findings sorted by file, line, rule.
    let findings = report["findings"].as_array().unwrap();
    let keys: Vec<(String, u64, String)> = findings
        .iter()
        .map(|f| {
            (
                f["file"].as_str().unwrap().into(),
                f["line"].as_u64().unwrap_or(0),
                f["rule"].as_str().unwrap().into(),
            )
        })
        .collect();
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted);
    let split = findings
        .iter()
        .find(|f| f["rule"] == "hunt-group-split")
        .unwrap();
    assert_eq!(split["group"], "physics-office");
    assert_eq!(split["exts"], serde_json::json!(["71001", "71002"]));
    assert_eq!(split["line"], 48);
}

#[test]
fn github_format_annotates() {
    let out = cutover(&[
        "check",
        "--root",
        &small(),
        "--today",
        TODAY,
        "--format",
        "github",
    ]);
    let text = stdout(&out);
    assert!(text.contains(
        "::error file=data/units/physics.yaml,line=48,title=hunt-group-split::hunt group"
    ));
    assert!(
        text.contains("::warning file=data/units/balliol-example.yaml,title=unit-not-responded::")
    );
    assert!(
        text.contains("::notice file=data/units/balliol-example.yaml,line=10,title=late-request::")
    );
    assert!(text.lines().all(|l| l.starts_with("::")));
}

#[test]
fn exit_codes() {
    let skeleton = tempfile::tempdir().unwrap();
    let dir = skeleton.path().join("site");
    let dir = dir.to_str().unwrap();
    assert_eq!(cutover(&["new", dir]).status.code(), Some(0));
    // Clean data: 0, also with --strict.
    assert_eq!(cutover(&["check", "--root", dir]).status.code(), Some(0));
    assert_eq!(
        cutover(&["check", "--root", dir, "--strict"]).status.code(),
        Some(0)
    );
    // Errors: 1.
    assert_eq!(
        cutover(&["check", "--root", &small(), "--today", TODAY])
            .status
            .code(),
        Some(1)
    );
    // Usage and IO: 2, without a panic.
    for args in [
        vec!["check", "--root", &small(), "--today", "20-04-2022"],
        vec!["check", "--format", "xml"],
        vec!["frobnicate"],
        vec!["check", "--root", "/nonexistent/site"],
        vec!["new", &small()],
    ] {
        let out = cutover(&args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}");
    }
}

#[test]
fn strict_fails_on_warnings() {
    let site = crate::site_copy("small");
    let root = site.path().to_str().unwrap();
    // Take out every error, leaving warnings.
    let physics = site.path().join("data/units/physics.yaml");
    let text = std::fs::read_to_string(&physics).unwrap();
    std::fs::write(
        &physics,
        text.replace(
            "    decision: stay\n    uses: [mobile-app]",
            "    decision: move\n    uses: [mobile-app]",
        )
        .replace("    tranche: 2\n", ""),
    )
    .unwrap();
    std::fs::remove_file(site.path().join("data/units/own-teams.yaml")).unwrap();
    let tranches = site.path().join("data/tranches.yaml");
    std::fs::write(
        &tranches,
        std::fs::read_to_string(&tranches)
            .unwrap()
            .replace("capacity: 1\n", "capacity: 10\n"),
    )
    .unwrap();
    let out = cutover(&["check", "--root", root, "--today", TODAY]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(stdout(&out).contains("warning["));
    assert_eq!(
        cutover(&["check", "--root", root, "--today", TODAY, "--strict"])
            .status
            .code(),
        Some(1)
    );
}

/// The bundled guide's sample data was written to show every rule.
#[test]
fn bundled_data_shows_every_rule() {
    let (_, report) = check_json(&bundled());
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for rule in [
        "separate-teams",
        "shared-line",
        "critical-line",
        "contact-centre",
        "hunt-group-split",
        "executive-split",
        "group-undecided",
        "pickup-group-loss",
        "delegation-no-whitelist",
        "features-lost",
        "undecided",
        "unit-not-responded",
        "unflagged-move",
        "late-request",
        "group-tranche-aligned",
        "tranche-override-conflict",
        "tranche-over-capacity",
    ] {
        assert!(rules.contains(&rule), "the bundled data shows no {rule}");
    }
    assert!(!rules.contains(&"invalid-data"), "{rules:?}");
    assert!(report["summary"]["units"].as_u64().unwrap() >= 15);
}

/// Every rule the bundled data shows gives its findings the severity its [`Rule`] says
/// (SPEC §4), where that does not depend on the line: the table and the rules agree.
///
/// [`Rule`]: cutover::finding::Rule
#[test]
fn findings_have_their_rules_default_severity() {
    let (_, report) = check_json(&bundled());
    let findings = report["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        let id = f["rule"].as_str().unwrap();
        let rule = cutover::finding::Rule::from_id(id).unwrap_or_else(|| panic!("no rule {id}"));
        if let Some(severity) = rule.default_severity() {
            assert_eq!(f["severity"], severity.as_str(), "{f:#}");
        }
    }
}

/// A line with an invalid value gets no rule findings: they would read the bad value as
/// missing and give wrong advice ("add a decision" for `decision: maybe`).
#[test]
fn invalid_values_do_not_echo_as_rule_findings() {
    let site = crate::site_copy("small");
    let physics = site.path().join("data/units/physics.yaml");
    let text = std::fs::read_to_string(&physics).unwrap();
    std::fs::write(
        &physics,
        text.replace("    decision: stay\n", "    decision: maybe\n"),
    )
    .unwrap();
    let (out, report) = check_json(site.path());
    assert_eq!(out.status.code(), Some(1));
    let findings = report["findings"].as_array().unwrap();
    assert!(
        findings
            .iter()
            .any(|f| f["rule"] == "invalid-data" && f["line"] == 21)
    );
    let about = |ext: &str| {
        findings
            .iter()
            .filter(|f| {
                f["rule"] != "invalid-data"
                    && f["exts"]
                        .as_array()
                        .is_some_and(|e| e.iter().any(|x| x == ext))
            })
            .count()
    };
    assert_eq!(about("71002"), 0, "{findings:#?}");
    // Other lines keep theirs.
    assert!(about("71003") > 0);
}

/// `responded:` after `--today` cannot be right: a warning at that line, in every format.
#[test]
fn a_response_dated_after_today_is_warned_of() {
    let site = crate::site_copy("small");
    let root = site.path().to_str().unwrap();
    let physics = site.path().join("data/units/physics.yaml");
    let text = std::fs::read_to_string(&physics).unwrap();
    std::fs::write(
        &physics,
        text.replace("responded: 2022-04-08", "responded: 2022-05-08"),
    )
    .unwrap();
    let (_, report) = check_json(site.path());
    let found: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "responded-in-future")
        .collect();
    assert_eq!(found.len(), 1, "{found:?}");
    let f = found[0];
    assert_eq!(
        (&f["severity"], &f["file"], &f["line"], &f["unit"]),
        (
            &serde_json::json!("warning"),
            &serde_json::json!("data/units/physics.yaml"),
            &serde_json::json!(4),
            &serde_json::json!("physics")
        )
    );
    let text = stdout(&cutover(&["check", "--root", root, "--today", TODAY]));
    assert!(
        text.contains(
            "warning[responded-in-future]: data/units/physics.yaml:4: `responded: \
            2022-05-08` is after today, 2022-04-20: correct the date"
        ),
        "{text}"
    );
    // On or before today, nothing to say.
    assert!(
        !stdout(&cutover(&["check", "--root", &small(), "--today", TODAY]))
            .contains("responded-in-future")
    );
}
