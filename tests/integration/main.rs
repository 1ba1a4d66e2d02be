//! The integration tests: the `cutover` binary run over fixture sites in `tests/fixtures/`.

mod answers;
mod build;
mod check;
mod documented;
mod example;
mod exports;
mod incremental;
#[cfg(unix)]
mod inputs;
mod invalid_data;
mod lines_from;
mod output;
mod policy_pages;
mod policy_rules;
mod privacy;
mod scale;
mod serve;
mod workbooks;
mod workflow;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The date every test builds and checks as of, so that outputs are stable.
pub const TODAY: &str = "2022-04-20";

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// The repository root: the bundled guide.
pub fn bundled() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Runs `cutover ARGS`.
pub fn cutover(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(args)
        .output()
        .expect("the cutover binary runs")
}

/// `cutover build --root ROOT --out OUT --today TODAY`.
pub fn build(root: &Path, out: &Path) -> Output {
    build_with(root, out, &[])
}

/// `cutover build --root ROOT --out OUT --today TODAY MORE...`.
pub fn build_with(root: &Path, out: &Path, more: &[&str]) -> Output {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--today",
        TODAY,
    ];
    args.extend_from_slice(more);
    cutover(&args)
}

/// `cutover check --root ROOT --today TODAY --format json`: the run and its report.
pub fn check_json(root: &Path) -> (Output, serde_json::Value) {
    let out = cutover(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--today",
        TODAY,
        "--format",
        "json",
    ]);
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (out, report)
}

/// That `rendered` (a site rendered in memory) failed with invalid data, one problem of
/// which is `wanted`.
pub fn assert_invalid(
    rendered: Result<cutover::Rendered, cutover::BuildError>,
    wanted: impl Fn(&cutover::finding::Finding) -> bool,
) {
    match rendered {
        Err(cutover::BuildError::Invalid(problems)) => {
            assert!(problems.iter().any(wanted), "{problems:#?}")
        }
        Err(e) => panic!("expected invalid data, got {e}"),
        Ok(_) => panic!("expected invalid data, the site rendered"),
    }
}

/// The rows of `unit`'s `checklist.csv` in a coordinators' audience built into `out`, each
/// by column name.
pub fn checklist_rows(out: &Path, unit: &str) -> Vec<std::collections::HashMap<String, String>> {
    let csv = out.join(format!("coordinators/units/{unit}/checklist.csv"));
    let mut reader = csv::Reader::from_path(csv).unwrap();
    reader.deserialize().map(Result::unwrap).collect()
}

pub fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Copies a folder tree (files and folders only).
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let target = to.join(entry.path().strip_prefix(from).unwrap());
        if entry.file_type().is_dir() {
            fs::create_dir_all(&target).unwrap();
        } else {
            fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// A copy of a fixture site in a temporary folder, so tests can build and edit freely.
pub fn site_copy(name: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&fixtures().join("sites").join(name), dir.path());
    dir
}

/// Every file under `dir`, as (`/`-separated relative path, bytes), sorted.
pub fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e
                .path()
                .strip_prefix(dir)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    files.sort();
    files
}
