//! The migration rules: pure functions from the model to statuses, tranche placements and
//! findings. One file per rule family; [`analyse`] runs them all.

pub mod advice;
pub mod emails;
pub mod groups;
pub mod lines;
pub mod placement;
pub mod status;
pub mod units;

use std::collections::HashMap;

use chrono::NaiveDate;

pub use status::{Counts, Status};

use crate::finding::{self, Finding};
use crate::model::{Line, Model, Policy, Unit};

/// Where a line is: `(unit index, line index)` in the model.
pub type LineId = (usize, usize);

/// Lines by extension, built once so that groups resolve without scanning.
pub struct Index<'m> {
    pub model: &'m Model,
    /// Fx, not SipHash: the keys are the data's own extensions, and at 100,000s of lines
    /// the hashing shows.
    pub by_ext: rustc_hash::FxHashMap<&'m str, LineId>,
}

impl<'m> Index<'m> {
    pub fn new(model: &'m Model) -> Self {
        let lines = model.units.iter().map(|u| u.lines.len()).sum();
        let mut by_ext = rustc_hash::FxHashMap::with_capacity_and_hasher(lines, Default::default());
        for (u, unit) in model.units.iter().enumerate() {
            for (l, line) in unit.lines.iter().enumerate() {
                by_ext.entry(line.ext.as_str()).or_insert((u, l));
            }
        }
        Index { model, by_ext }
    }

    pub fn unit(&self, id: LineId) -> &'m Unit {
        &self.model.units[id.0]
    }

    pub fn line(&self, id: LineId) -> &'m Line {
        &self.model.units[id.0].lines[id.1]
    }

    /// Every line, in model order.
    pub fn all(&self) -> impl Iterator<Item = LineId> + 'm {
        self.model
            .units
            .iter()
            .enumerate()
            .flat_map(|(u, unit)| (0..unit.lines.len()).map(move |l| (u, l)))
    }
}

/// What the rules worked out.
#[derive(Debug, Default)]
pub struct Analysis {
    /// `status[unit][line]`
    pub status: Vec<Vec<Status>>,
    /// `placed[unit][line]`: the tranche number a moving line is placed in.
    pub placed: Vec<Vec<Option<u32>>>,
    /// Per tranche, in the order of `model.tranches`.
    pub loads: Vec<placement::Load>,
    /// Sorted by file, line, rule.
    pub findings: Vec<Finding>,
}

impl Analysis {
    /// For each extension, the ids of the rules of the findings that name it, sorted, each
    /// once.
    pub fn rules_by_ext(&self) -> rustc_hash::FxHashMap<&str, Vec<&'static str>> {
        let mut by_ext: rustc_hash::FxHashMap<&str, Vec<&'static str>> = Default::default();
        for f in &self.findings {
            for ext in &f.exts {
                by_ext.entry(ext.as_str()).or_default().push(f.rule.id());
            }
        }
        for rules in by_ext.values_mut() {
            rules.sort_unstable();
            rules.dedup();
        }
        by_ext
    }

    pub fn status_of(&self, id: LineId) -> Status {
        self.status[id.0][id.1]
    }

    pub fn placed_of(&self, id: LineId) -> Option<u32> {
        self.placed[id.0][id.1]
    }
}

/// Applies every rule. `today` decides whether the response deadline has passed.
pub fn analyse(model: &Model, today: NaiveDate) -> Analysis {
    let index = Index::new(model);
    let status = status::all(model);
    let deadline = model.site.as_ref().and_then(|s| s.response_deadline);
    // The rules about lines, about groups and about placement each read only the
    // statuses: they run side by side, each with its own findings.
    let ((mut findings, group_findings), (placed, mut placement_findings)) = rayon::join(
        || {
            rayon::join(
                || {
                    let mut findings = Vec::new();
                    lines::check(&index, &status, &mut findings);
                    findings
                },
                || {
                    let mut findings = Vec::new();
                    groups::check(&index, &status, &mut findings);
                    findings
                },
            )
        },
        || {
            let mut findings = Vec::new();
            let placed = placement::place(&index, &status, deadline, &mut findings);
            (placed, findings)
        },
    );
    findings.extend(group_findings);
    if let Some(deadline) = deadline {
        units::check(model, deadline, today, &mut findings);
    }
    units::future_responses(model, today, &mut findings);
    findings.append(&mut placement_findings);
    let loads = placement::loads(&index, &placed, &mut findings);
    findings.extend(model.export_differs.iter().cloned());
    findings.extend(model.answer_differs.iter().cloned());
    overrule(&model.policy, &mut findings);
    finding::par_sort(&mut findings);
    Analysis {
        status,
        placed,
        loads,
        findings,
    }
}

/// The policy's `rules:` applied where the findings are made, so that the report, the exit
/// status and the checklists all see the same severity; a rule turned `off` says nothing.
fn overrule(policy: &Policy, findings: &mut Vec<Finding>) {
    if policy.rules.is_empty() {
        return;
    }
    findings.retain_mut(|f| match policy.rules.get(&f.rule) {
        None => true,
        Some(None) => false,
        Some(&Some(severity)) => {
            f.severity = severity;
            true
        }
    });
}

/// Leaves out the rule findings about a line whose entry holds an invalid value: with
/// `decision: maybe` the line reads as undecided, and saying so would be wrong advice.
pub fn set_aside_echoes(model: &Model, problems: &[Finding], findings: &mut Vec<Finding>) {
    if problems.is_empty() {
        return;
    }
    let mut bad_lines: HashMap<&str, Vec<u32>> = HashMap::new();
    for p in problems {
        if let Some(line) = p.line {
            bad_lines.entry(p.file.as_str()).or_default().push(line);
        }
    }
    let mut tainted: std::collections::HashSet<&str> = std::collections::HashSet::new();
    for unit in &model.units {
        for line in &unit.lines {
            let Some(bad) = bad_lines.get(line.file(&unit.file)) else {
                continue;
            };
            if bad.iter().any(|&b| b >= line.line && b <= line.end_line) {
                tainted.insert(&line.ext);
            }
        }
    }
    findings.retain(|f| !f.exts.iter().any(|e| tainted.contains(e.as_str())));
}
/// `n` things in words: "1 line", "2 lines".
pub fn counted<N: std::fmt::Display + PartialEq + From<u8>>(n: N, one: &str, many: &str) -> String {
    if n == N::from(1) {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}
