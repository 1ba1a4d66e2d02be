//! The example GitHub Actions workflow: valid YAML, the triggers and official actions it
//! promises, `cutover` called only with flags that exist, and only audiences without
//! personal data published.

use std::fs;

use serde_json::Value;

use crate::{TODAY, bundled, cutover, stdout};

fn workflow() -> Value {
    let text = fs::read_to_string(bundled().join(".github/workflows/publish.yml")).unwrap();
    serde_saphyr::from_str(&text).expect("the workflow is valid YAML")
}

fn steps(workflow: &Value) -> Vec<&Value> {
    workflow["jobs"]
        .as_object()
        .unwrap()
        .values()
        .flat_map(|job| job["steps"].as_array().unwrap())
        .collect()
}

/// Every `cutover ...` command in the workflow's scripts, as its words.
fn cutover_commands(workflow: &Value) -> Vec<Vec<String>> {
    steps(workflow)
        .iter()
        .filter_map(|step| step["run"].as_str())
        .flat_map(|script| script.lines())
        .filter_map(|line| {
            let at = line.find("cutover ")?;
            let words = line[at + "cutover ".len()..]
                .split_whitespace()
                .take_while(|w| {
                    !["||", "|", "&&", ";"].contains(w)
                        && !w.starts_with("2>")
                        && !w.starts_with('>')
                })
                .map(str::to_string)
                .collect();
            Some(words)
        })
        .collect()
}

#[test]
fn runs_on_changes_to_the_guide() {
    let workflow = workflow();
    for event in ["push", "pull_request"] {
        let paths: Vec<&str> = workflow["on"][event]["paths"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap())
            .collect();
        for input in ["data/**", "content/**", "themes/**", "static/**"] {
            assert!(paths.contains(&input), "{event} misses {input}");
        }
    }
    assert!(
        workflow["on"]["schedule"].is_array(),
        "a daily build keeps deadlines current"
    );
    let uses: Vec<&str> = steps(&workflow)
        .iter()
        .filter_map(|s| s["uses"].as_str())
        .collect();
    for action in [
        "actions/checkout@",
        "actions/upload-pages-artifact@",
        "actions/deploy-pages@",
        "actions/cache/restore@",
    ] {
        assert!(uses.iter().any(|u| u.starts_with(action)), "no {action}");
    }
}

#[test]
fn calls_cutover_with_flags_that_exist() {
    let commands = cutover_commands(&workflow());
    let subcommands: Vec<&str> = commands.iter().map(|c| c[0].as_str()).collect();
    assert!(
        subcommands.contains(&"check") && subcommands.contains(&"build"),
        "{subcommands:?}"
    );
    for words in &commands {
        let help = stdout(&cutover(&[&words[0], "--help"]));
        assert!(
            help.starts_with("Usage:") || help.contains("Usage:"),
            "`cutover {}` is no command",
            words[0]
        );
        for flag in words.iter().filter(|w| w.starts_with("--")) {
            assert!(
                help.contains(&format!("{flag} ")),
                "`cutover {}` has no {flag}",
                words[0]
            );
        }
    }
    let check = commands.iter().find(|c| c[0] == "check").unwrap();
    assert!(check.windows(2).any(|w| w == ["--format", "github"]));
}

#[test]
fn publishes_only_audiences_without_personal_data() {
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let checked = cutover::check(&bundled(), today).unwrap();
    let site = checked.model.site.unwrap();
    let workflow = workflow();
    let commands = cutover_commands(&workflow);
    // The build whose folder is uploaded to Pages.
    let uploaded = steps(&workflow)
        .iter()
        .find(|s| {
            s["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("actions/upload-pages-artifact@"))
        })
        .and_then(|s| s["with"]["path"].as_str())
        .unwrap()
        .to_string();
    let public = commands
        .iter()
        .find(|c| c[0] == "build" && c.windows(2).any(|w| w[0] == "--out" && w[1] == uploaded))
        .expect("a build writes the uploaded folder");
    let published: Vec<&str> = public
        .windows(2)
        .filter(|w| w[0] == "--audience")
        .map(|w| w[1].as_str())
        .collect();
    assert!(
        !published.is_empty(),
        "the public build names its audiences"
    );
    for id in published {
        let audience = site
            .audience(id)
            .unwrap_or_else(|| panic!("{id} is not an audience"));
        assert!(
            !audience.personal_data,
            "{id} has personal data and would be published"
        );
    }
}
