//! docs/data.md documents every key the loaders accept. The keys are not listed here: each
//! loader is given a file with an unknown key at one level, and the keys it allows there
//! are read from its finding, so a key added to a loader and not to docs/data.md fails.
//! The same for rule ids, which `rules:` in migration.yaml names.

use std::fs;
use std::path::Path;

/// A key no loader allows, and too unlike any key for a "did you mean" guess (the finding
/// then lists the keys allowed).
const UNKNOWN: &str = "zzqqxxyy";

/// Each level of the data: its heading in docs/data.md, the file given to cutover, and
/// that file's text with `UNKNOWN` at that level.
const LEVELS: &[(&str, &str, &str)] = &[
    ("## site.yaml", "data/site.yaml", "title: T\nzzqqxxyy: 1\n"),
    (
        "### An audience",
        "data/site.yaml",
        "title: T\naudiences:\n  - id: a\n    zzqqxxyy: 1\n",
    ),
    (
        "### The phone database's export",
        "data/site.yaml",
        "title: T\nlines_from:\n  file: a.csv\n  zzqqxxyy: 1\n",
    ),
    (
        "### The export's columns",
        "data/site.yaml",
        "title: T\nlines_from:\n  file: a.csv\n  columns:\n    ext: E\n    zzqqxxyy: 1\n",
    ),
    (
        "## tranches.yaml",
        "data/tranches.yaml",
        "- number: 1\n  zzqqxxyy: 1\n",
    ),
    (
        "## timeline.yaml",
        "data/timeline.yaml",
        "- date: 2022-05-01\n  zzqqxxyy: 1\n",
    ),
    (
        "## units/ID.yaml",
        "data/units/x.yaml",
        "name: X\nzzqqxxyy: 1\n",
    ),
    (
        "### The coordinator",
        "data/units/x.yaml",
        "name: X\ncoordinator:\n  name: Pat\n  zzqqxxyy: 1\n",
    ),
    (
        "### A line",
        "data/units/x.yaml",
        "name: X\nlines:\n  - ext: \"70001\"\n    zzqqxxyy: 1\n",
    ),
    (
        "### A group",
        "data/units/x.yaml",
        "name: X\ngroups:\n  - id: g\n    zzqqxxyy: 1\n",
    ),
    (
        "## migration.yaml",
        "data/migration.yaml",
        "from: A\nzzqqxxyy: 1\n",
    ),
    (
        "### A feature",
        "data/migration.yaml",
        "features:\n  app:\n    label: App\n    zzqqxxyy: 1\n",
    ),
    (
        "### A step of your own",
        "data/migration.yaml",
        "steps:\n  - title: Training\n    zzqqxxyy: 1\n",
    ),
    (
        "### Front matter",
        "content/page.md",
        "---\ntitle: T\nzzqqxxyy: 1\n---\nText.\n",
    ),
];

/// The keys the loader allows where `UNKNOWN` is written in `text`, from its finding.
pub fn allowed_keys(file: &str, text: &str) -> Vec<String> {
    let site = crate::site_copy("small");
    let path = site.path().join(file);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(&path, text).unwrap();
    let (_, report) = crate::check_json(site.path());
    let unknown = format!("unknown key `{UNKNOWN}`");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    let message = findings
        .iter()
        .filter(|f| f["file"] == file)
        .filter_map(|f| f["message"].as_str())
        .find(|m| m.contains(&unknown))
        .unwrap_or_else(|| panic!("no unknown-key finding for {file}: {findings:#?}"));
    let list = message
        .split_once("(allowed keys: ")
        .and_then(|(_, rest)| rest.strip_suffix(')'))
        .unwrap_or_else(|| panic!("{file}: no list of allowed keys in {message:?}"));
    list.split(", ")
        .map(|k| k.trim_matches('`').to_string())
        .collect()
}

/// The text of docs/data.md under `heading`, to the next heading of its level or above.
fn section<'a>(doc: &'a str, heading: &str) -> &'a str {
    let start = doc
        .lines()
        .position(|l| l == heading || l.starts_with(&format!("{heading} ")))
        .unwrap_or_else(|| panic!("docs/data.md has no heading `{heading}`"));
    let level = heading.split(' ').next().unwrap().len();
    let lines: Vec<&str> = doc.lines().collect();
    let end = lines[start + 1..]
        .iter()
        .position(|l| {
            let hashes = l.len() - l.trim_start_matches('#').len();
            hashes > 0 && hashes <= level && l[hashes..].starts_with(' ')
        })
        .map_or(lines.len(), |n| start + 1 + n);
    let from = lines[..start].iter().map(|l| l.len() + 1).sum::<usize>();
    let to = lines[..end].iter().map(|l| l.len() + 1).sum::<usize>();
    &doc[from..to.min(doc.len())]
}

#[test]
fn every_key_the_loaders_accept_is_in_docs_data_md() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data.md"))
        .expect("docs/data.md exists");
    let mut missing = Vec::new();
    for (heading, file, text) in LEVELS {
        let keys = allowed_keys(file, text);
        assert!(keys.len() >= 2, "{heading}: {keys:?}");
        let part = section(&doc, heading);
        for key in keys {
            // A row of the level's table, not a mention in passing.
            if !part.contains(&format!("| `{key}` |")) {
                missing.push(format!("{heading}: `{key}`"));
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys the loaders accept that docs/data.md does not document (a row `| `key` |` in \
         the level's table):\n{}",
        missing.join("\n")
    );
}

/// `rules:` in migration.yaml names rules by id: each has its row in the Rules table.
#[test]
fn every_rule_is_in_docs_data_md() {
    let doc = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/data.md"))
        .expect("docs/data.md exists");
    let part = section(&doc, "## Rules");
    let missing: Vec<&str> = cutover::finding::Rule::ALL
        .iter()
        .map(|r| r.id())
        .filter(|id| !part.contains(&format!("| `{id}` |")))
        .collect();
    assert!(missing.is_empty(), "rules not in docs/data.md: {missing:?}");
}
