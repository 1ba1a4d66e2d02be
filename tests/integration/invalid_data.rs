//! Invalid data (the mistakes that stop `build` and fail `check`): one fixture per case,
//! each asserting file, line and message.
//!
//! A case is a folder `tests/fixtures/invalid/CASE/` holding only what differs from the
//! valid base site `tests/fixtures/sites/small/`, so each fixture shows its mistake at a
//! glance:
//!
//! - files that replace or add to the base, at the same relative paths;
//! - `delete.txt` (optional): relative paths to remove from the base, one a line;
//! - `expect.txt`: one expected finding a line, `FILE:LINE: SUBSTRING`, where `LINE` is `-`
//!   for a finding without a line and `SUBSTRING` is part of its message.
//!
//! All cases run before anything is asserted, so one broken case does not hide the others.

use std::fs;
use std::path::Path;

use serde_json::Value;

use crate::{TODAY, copy_dir, cutover, fixtures, stderr, stdout};

/// Fewer case folders than this means fixtures went missing: the test must not pass on
/// nothing.
const MIN_CASES: usize = 20;

/// One line of `expect.txt`.
struct Expected {
    file: String,
    line: Option<u64>,
    text: String,
}

impl Expected {
    fn parse(case: &str, spec: &str) -> Expected {
        let parsed = spec.split_once(": ").and_then(|(location, text)| {
            let (file, line) = location.rsplit_once(':')?;
            let line = match line {
                "-" => None,
                n => Some(n.parse().ok()?),
            };
            Some(Expected {
                file: file.to_string(),
                line,
                text: text.to_string(),
            })
        });
        parsed.unwrap_or_else(|| {
            panic!("{case}/expect.txt: `{spec}` is not `FILE:LINE: SUBSTRING` (LINE a number or -)")
        })
    }

    /// As `report::location` writes it, which is how `build` names the place on stderr.
    fn location(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.file),
            None => self.file.clone(),
        }
    }

    fn matches(&self, finding: &Value) -> bool {
        finding["file"] == self.file.as_str()
            && finding.get("line").and_then(Value::as_u64) == self.line
            && finding["message"]
                .as_str()
                .is_some_and(|m| m.contains(&self.text))
    }
}

#[test]
fn every_invalid_data_case_is_reported_with_file_line_and_message() {
    let root = fixtures().join("invalid");
    let mut cases: Vec<_> = fs::read_dir(&root)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    cases.sort();
    assert!(
        cases.len() >= MIN_CASES,
        "only {} case folders in {}: fixtures are missing",
        cases.len(),
        root.display()
    );

    let failures: Vec<String> = cases.iter().filter_map(|case| run_case(case)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} invalid-data cases failed:\n\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n\n")
    );
}

/// Runs `check` and `build` over one case; `Some` describes what went wrong.
fn run_case(case: &Path) -> Option<String> {
    let name = case.file_name().unwrap().to_string_lossy().into_owned();
    let expected: Vec<Expected> = fs::read_to_string(case.join("expect.txt"))
        .unwrap_or_else(|e| panic!("{name}: reading expect.txt: {e}"))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| Expected::parse(&name, l))
        .collect();
    assert!(!expected.is_empty(), "{name}: expect.txt expects nothing");

    let site = site_for(case);
    let root = site.path().to_str().unwrap();
    let mut problems = Vec::new();

    let out = cutover(&[
        "check", "--root", root, "--format", "json", "--today", TODAY,
    ]);
    if out.status.code() != Some(1) {
        problems.push(format!("check exited with {:?}, not 1", out.status.code()));
    }
    let findings: Vec<Value> = match serde_json::from_str::<Value>(&stdout(&out)) {
        Ok(report) => report["findings"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .into_iter()
            .filter(|f| f["rule"] == "invalid-data")
            .collect(),
        Err(e) => {
            problems.push(format!(
                "check printed no JSON report ({e}):\n{}{}",
                stdout(&out),
                stderr(&out)
            ));
            Vec::new()
        }
    };
    for exp in &expected {
        if !findings.iter().any(|f| exp.matches(f)) {
            problems.push(format!("missing: {}: {}", exp.location(), exp.text));
        }
    }
    // A finding nobody expected is a false alarm or a cascade from the real mistake: the
    // user would have to wade through it, so it fails the case too.
    for f in &findings {
        if !expected.iter().any(|exp| exp.matches(f)) {
            problems.push(format!("unexpected: {}", describe(f)));
        }
    }
    for f in &findings {
        if f["severity"] != "error" {
            problems.push(format!("not an error: {}", describe(f)));
        }
        if f["detail"].as_str().is_none_or(|d| d.trim().is_empty()) {
            problems.push(format!("no detail naming the case: {}", describe(f)));
        }
    }

    let public = site.path().join("public");
    let out = crate::build(site.path(), &public);
    let err = stderr(&out);
    if out.status.code() != Some(1) {
        problems.push(format!("build exited with {:?}, not 1", out.status.code()));
    }
    for exp in &expected {
        let prefix = format!("error[invalid-data]: {}: ", exp.location());
        if !err
            .lines()
            .any(|l| l.starts_with(&prefix) && l.contains(&exp.text))
        {
            problems.push(format!(
                "build's stderr lacks: {}: {}",
                exp.location(),
                exp.text
            ));
        }
    }
    if public.exists() {
        problems.push("build wrote the output folder despite invalid data".to_string());
    }

    if problems.is_empty() {
        return None;
    }
    let reported: Vec<String> = findings.iter().map(describe).collect();
    Some(format!(
        "case {name}:\n  {}\n  invalid-data findings of check:\n    {}\n  stderr of build:\n    {}",
        problems.join("\n  "),
        reported.join("\n    "),
        err.trim_end().replace('\n', "\n    ")
    ))
}

/// A copy of the base site with the case laid over it.
fn site_for(case: &Path) -> tempfile::TempDir {
    let site = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("sites/small"), site.path());
    copy_dir(case, site.path());
    // The case's own files came along with the overlay; they are not part of the site.
    for own in ["expect.txt", "delete.txt"] {
        let _ = fs::remove_file(site.path().join(own));
    }
    if let Ok(list) = fs::read_to_string(case.join("delete.txt")) {
        for rel in list.lines().map(str::trim).filter(|l| !l.is_empty()) {
            let path = site.path().join(rel);
            let removed = if path.is_dir() {
                fs::remove_dir_all(&path)
            } else {
                fs::remove_file(&path)
            };
            removed.unwrap_or_else(|e| panic!("{}: delete.txt: {rel}: {e}", case.display()));
        }
    }
    site
}

/// A finding as `FILE:LINE: [detail] message`, the shape of `expect.txt` lines.
fn describe(f: &Value) -> String {
    let line = f.get("line").map_or("-".to_string(), Value::to_string);
    format!(
        "{}:{line}: [{}] {}",
        f["file"].as_str().unwrap_or("?"),
        f["detail"].as_str().unwrap_or(""),
        f["message"].as_str().unwrap_or("")
    )
}
