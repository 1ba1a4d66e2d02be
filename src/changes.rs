//! What changed since the last build, for CI to tell just the coordinators concerned.
//!
//! Every build leaves `manifest.json` at the top of its output: a hash of every file and a
//! digest of every unit's lines (status, tranche, findings). It holds no names, emails or
//! extensions. The next build compares with it; for a unit whose digest changed, the lines
//! before are read back from the previous checklist CSV, which only a personal-data
//! audience has.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::Path;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::Checked;

pub const MANIFEST: &str = "manifest.json";

#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: u32,
    /// Every file of the output but the manifest, by path: a hash of its bytes.
    pub pages: BTreeMap<String, String>,
    /// Every unit by id: a digest of its lines' status, tranche and findings.
    pub units: BTreeMap<String, String>,
}

/// A line as the change report compares it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineState {
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tranche: Option<u32>,
    pub findings: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct UnitState {
    pub id: String,
    /// By extension.
    pub lines: BTreeMap<String, LineState>,
    /// A hash of the unit's names and emails. Mixed into the unit's digest, it keeps the
    /// digest from being worked back to extensions by trying them all.
    pub private: blake3::Hash,
}

fn hash(bytes: &[u8]) -> String {
    short(&blake3::hash(bytes))
}

/// A digest as the manifest writes it: enough of it to tell files apart.
fn short(digest: &blake3::Hash) -> String {
    digest.to_hex()[..16].to_string()
}

/// Every unit's lines as the report compares them.
pub fn unit_states(checked: &Checked) -> Vec<UnitState> {
    let rules = checked.analysis.rules_by_ext();
    checked
        .model
        .units
        .par_iter()
        .enumerate()
        .map(|(u, unit)| UnitState {
            private: {
                let mut h = blake3::Hasher::new();
                if let Some(c) = &unit.coordinator {
                    h.update(c.name.as_bytes());
                    h.update(c.email.as_deref().unwrap_or_default().as_bytes());
                }
                for line in &unit.lines {
                    h.update(line.holder.as_deref().unwrap_or_default().as_bytes());
                    h.update(b"\0");
                    h.update(line.email.as_deref().unwrap_or_default().as_bytes());
                    h.update(b"\0");
                }
                h.finalize()
            },
            id: unit.id.clone(),
            lines: unit
                .lines
                .iter()
                .enumerate()
                .map(|(l, line)| {
                    let state = LineState {
                        status: checked.analysis.status[u][l].as_str().to_string(),
                        tranche: checked.analysis.placed[u][l],
                        findings: rules
                            .get(line.ext.as_str())
                            .map(|r| r.iter().map(|s| s.to_string()).collect())
                            .unwrap_or_default(),
                    };
                    (line.ext.clone(), state)
                })
                .collect(),
        })
        .collect()
}

/// The manifest of a build: `files` are every file's path and blake3 hash.
pub fn manifest(
    files: impl Iterator<Item = (String, blake3::Hash)>,
    units: &[UnitState],
) -> Manifest {
    let pages = files.map(|(path, digest)| (path, short(&digest))).collect();
    let units = units
        .par_iter()
        .map(|u| {
            let mut text = u.private.to_hex().to_string();
            for (ext, line) in &u.lines {
                let _ = writeln!(
                    text,
                    "{ext}\t{}\t{:?}\t{}",
                    line.status,
                    line.tranche,
                    line.findings.join(",")
                );
            }
            (u.id.clone(), hash(text.as_bytes()))
        })
        .collect();
    Manifest {
        version: 1,
        pages,
        units,
    }
}

/// The manifest the previous build left in `out`: `Ok(None)` when there is none, and a
/// warning saying why when there is one that cannot be read (which is not the same as no
/// previous build, and is said so).
pub fn read_manifest(out: &Path) -> Result<Option<Manifest>, String> {
    let path = out.join(MANIFEST);
    let text = match fs::read_to_string(&path) {
        Ok(text) => text,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(&path, &e, "every file")),
    };
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|e| unreadable(&path, &e, "every file"))
}

fn unreadable(path: &Path, err: &dyn std::fmt::Display, treated: &str) -> String {
    format!(
        "warning: {} cannot be read ({err}): the change report treats {treated} as new",
        path.display()
    )
}

/// A unit's lines as the previous build's checklist CSV gave them: none when there is no
/// CSV, and a warning saying why when there is one that cannot be read.
pub fn read_lines(
    out: &Path,
    audience: &str,
    unit: &str,
) -> Result<BTreeMap<String, LineState>, String> {
    let path = out
        .join(audience)
        .join("units")
        .join(unit)
        .join("checklist.csv");
    let file = match fs::File::open(&path) {
        Ok(file) => file,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(unreadable(&path, &e, "its lines")),
    };
    let mut reader = csv::Reader::from_reader(io::BufReader::new(file));
    let headers = reader
        .headers()
        .cloned()
        .map_err(|e| unreadable(&path, &e, "its lines"))?;
    let column = |name: &str| headers.iter().position(|h| h == name);
    let (Some(ext), Some(status)) = (column("ext"), column("status")) else {
        return Err(unreadable(
            &path,
            &"it has no `ext` and `status` columns",
            "its lines",
        ));
    };
    let (tranche, findings) = (column("tranche"), column("findings"));
    reader
        .records()
        .map(|r| {
            let r = r.map_err(|e| unreadable(&path, &e, "its lines"))?;
            let get = |i: Option<usize>| i.and_then(|i| r.get(i)).unwrap_or_default();
            let state = LineState {
                status: get(Some(status)).to_string(),
                tranche: get(tranche).parse().ok(),
                findings: get(findings)
                    .split("; ")
                    .filter(|s| !s.is_empty())
                    .map(str::to_string)
                    .collect(),
            };
            Ok((get(Some(ext)).to_string(), state))
        })
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LineChange {
    pub ext: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub before: Option<LineState>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub after: Option<LineState>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitChange {
    pub unit: String,
    /// added, removed or changed.
    pub change: &'static str,
    /// Every line that changed, came or went (a removed unit's lines as the previous
    /// build's checklists show them).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub lines: Vec<LineChange>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PageChanges {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub changed: Vec<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Report {
    pub version: u32,
    /// There was no previous build to compare with.
    pub first_build: bool,
    pub units: Vec<UnitChange>,
    /// By audience (`""` for the files at the top).
    pub pages: BTreeMap<String, PageChanges>,
}

/// Compares with the previous build. `before` reads a changed unit's previous lines.
pub fn compare(
    old: Option<&Manifest>,
    new: &Manifest,
    units: &[UnitState],
    mut before: impl FnMut(&str) -> BTreeMap<String, LineState>,
) -> Report {
    let Some(old) = old else {
        return Report {
            version: 1,
            first_build: true,
            ..Report::default()
        };
    };
    let mut report = Report {
        version: 1,
        ..Report::default()
    };
    let now: BTreeMap<&str, &UnitState> = units.iter().map(|u| (u.id.as_str(), u)).collect();
    let ids: BTreeSet<&str> = old
        .units
        .keys()
        .chain(new.units.keys())
        .map(String::as_str)
        .collect();
    for id in ids {
        let change = match (old.units.get(id), new.units.get(id)) {
            (None, Some(_)) => "added",
            (Some(_), None) => "removed",
            (Some(a), Some(b)) if a != b => "changed",
            _ => continue,
        };
        let lines = match (change, now.get(id)) {
            ("changed", Some(unit)) => line_changes(&before(id), &unit.lines),
            ("added", Some(unit)) => line_changes(&BTreeMap::new(), &unit.lines),
            ("removed", _) => line_changes(&before(id), &BTreeMap::new()),
            _ => Vec::new(),
        };
        report.units.push(UnitChange {
            unit: id.to_string(),
            change,
            lines,
        });
    }
    let paths: BTreeSet<&str> = old
        .pages
        .keys()
        .chain(new.pages.keys())
        .map(String::as_str)
        .collect();
    for path in paths {
        let audience = path
            .split_once('/')
            .map(|(a, _)| a)
            .unwrap_or("")
            .to_string();
        let pages = report.pages.entry(audience).or_default();
        match (old.pages.get(path), new.pages.get(path)) {
            (None, Some(_)) => pages.added.push(path.to_string()),
            (Some(_), None) => pages.removed.push(path.to_string()),
            (Some(a), Some(b)) if a != b => pages.changed.push(path.to_string()),
            _ => {}
        }
    }
    report
        .pages
        .retain(|_, p| !(p.added.is_empty() && p.removed.is_empty() && p.changed.is_empty()));
    report
}

fn line_changes(
    before: &BTreeMap<String, LineState>,
    after: &BTreeMap<String, LineState>,
) -> Vec<LineChange> {
    let exts: BTreeSet<&String> = before.keys().chain(after.keys()).collect();
    let mut changes: Vec<LineChange> = exts
        .into_iter()
        .filter(|ext| before.get(*ext) != after.get(*ext))
        .map(|ext| LineChange {
            ext: ext.clone(),
            before: before.get(ext).cloned(),
            after: after.get(ext).cloned(),
        })
        .collect();
    changes.sort_by(|a, b| crate::report::ext_order(&a.ext, &b.ext));
    changes
}

fn describe(state: Option<&LineState>) -> String {
    match state {
        None => "none".to_string(),
        Some(s) => {
            let tranche = s
                .tranche
                .map(|t| format!(", tranche {t}"))
                .unwrap_or_default();
            let findings = if s.findings.is_empty() {
                String::new()
            } else {
                format!(" [{}]", s.findings.join(", "))
            };
            format!("{}{tranche}{findings}", s.status)
        }
    }
}

impl Report {
    /// The report as the command line prints it.
    pub fn text(&self) -> String {
        if self.first_build {
            return "no previous build to compare with\n".to_string();
        }
        if self.units.is_empty() && self.pages.is_empty() {
            return "no changes since the last build\n".to_string();
        }
        let mut out = String::from("changes since the last build:\n");
        for u in &self.units {
            let _ = writeln!(out, "  unit {}: {}", u.unit, u.change);
            for l in &u.lines {
                let _ = writeln!(
                    out,
                    "    {}: {} -> {}",
                    l.ext,
                    describe(l.before.as_ref()),
                    describe(l.after.as_ref())
                );
            }
        }
        for (audience, p) in &self.pages {
            let name = if audience.is_empty() {
                "the top folder"
            } else {
                audience
            };
            let _ = writeln!(out, "  files of {name}:");
            for (what, paths) in [
                ("added", &p.added),
                ("removed", &p.removed),
                ("changed", &p.changed),
            ] {
                if paths.is_empty() {
                    continue;
                }
                let prefix = if audience.is_empty() {
                    String::new()
                } else {
                    format!("{audience}/")
                };
                let mut shown: Vec<&str> = paths
                    .iter()
                    .take(8)
                    .map(|p| p.strip_prefix(&prefix).unwrap_or(p))
                    .collect();
                if paths.len() > shown.len() {
                    shown.push("...");
                }
                let _ = writeln!(out, "    {what} ({}): {}", paths.len(), shown.join(", "));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(status: &str, tranche: Option<u32>, findings: &[&str]) -> LineState {
        LineState {
            status: status.into(),
            tranche,
            findings: findings.iter().map(|s| s.to_string()).collect(),
        }
    }

    fn unit(id: &str, lines: &[(&str, LineState)]) -> UnitState {
        UnitState {
            id: id.into(),
            lines: lines
                .iter()
                .map(|(e, s)| (e.to_string(), s.clone()))
                .collect(),
            private: blake3::hash(id.as_bytes()),
        }
    }

    #[test]
    fn reports_units_lines_and_pages() {
        let before_units = [
            unit(
                "a",
                &[
                    ("1", state("moving", Some(2), &[])),
                    ("2", state("staying", None, &["features-lost"])),
                ],
            ),
            unit("gone", &[]),
        ];
        let old = manifest(
            [
                ("x/index.html".into(), blake3::hash(b"1")),
                ("x/old.html".into(), blake3::hash(b"1")),
            ]
            .into_iter(),
            &before_units,
        );
        let after_units = [
            unit(
                "a",
                &[
                    ("1", state("moving", Some(3), &[])),
                    ("2", state("staying", None, &["features-lost"])),
                ],
            ),
            unit("new", &[]),
        ];
        let new = manifest(
            [
                ("x/index.html".into(), blake3::hash(b"2")),
                ("y/index.html".into(), blake3::hash(b"1")),
            ]
            .into_iter(),
            &after_units,
        );
        let report = compare(Some(&old), &new, &after_units, |id| match id {
            "a" => before_units[0].lines.clone(),
            "gone" => BTreeMap::new(),
            other => panic!("{other} was not there before"),
        });
        let kinds: Vec<(&str, &str)> = report
            .units
            .iter()
            .map(|u| (u.unit.as_str(), u.change))
            .collect();
        assert_eq!(
            kinds,
            vec![("a", "changed"), ("gone", "removed"), ("new", "added")]
        );
        assert_eq!(report.units[0].lines.len(), 1);
        assert_eq!(report.units[0].lines[0].ext, "1");
        assert_eq!(
            report.pages["x"],
            PageChanges {
                added: vec![],
                removed: vec!["x/old.html".into()],
                changed: vec!["x/index.html".into()]
            }
        );
        assert_eq!(report.pages["y"].added, vec!["y/index.html".to_string()]);
        assert!(
            report
                .text()
                .contains("    1: moving, tranche 2 -> moving, tranche 3")
        );

        let same = compare(Some(&new), &new, &after_units, |_| BTreeMap::new());
        assert_eq!(same.text(), "no changes since the last build\n");
        assert!(compare(None, &new, &after_units, |_| BTreeMap::new()).first_build);
    }

    #[test]
    fn lines_that_come_and_go() {
        let before: BTreeMap<String, LineState> = [
            ("1".to_string(), state("undecided", None, &[])),
            ("2".to_string(), state("staying", None, &[])),
        ]
        .into();
        let after: BTreeMap<String, LineState> = [
            ("2".to_string(), state("staying", None, &[])),
            ("3".to_string(), state("moving", Some(4), &["late-request"])),
        ]
        .into();
        let changes = line_changes(&before, &after);
        let shape: Vec<(&str, bool, bool)> = changes
            .iter()
            .map(|c| (c.ext.as_str(), c.before.is_some(), c.after.is_some()))
            .collect();
        assert_eq!(shape, vec![("1", true, false), ("3", false, true)]);
        let report = Report {
            version: 1,
            units: vec![UnitChange {
                unit: "u".into(),
                change: "changed",
                lines: changes,
            }],
            ..Report::default()
        };
        let text = report.text();
        assert!(text.contains("1: undecided -> none"), "{text}");
        assert!(
            text.contains("3: none -> moving, tranche 4 [late-request]"),
            "{text}"
        );
    }

    #[test]
    fn the_manifest_names_no_extension() {
        let units = [unit(
            "a",
            &[("71001", state("moving", Some(2), &["unflagged-move"]))],
        )];
        let text = serde_json::to_string(&manifest(std::iter::empty(), &units)).unwrap();
        assert!(!text.contains("71001"));
    }
}
