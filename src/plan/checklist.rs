//! A unit's checklist: the coordinator's steps, its lines, its groups and findings.

use std::collections::BTreeMap;
use std::collections::hash_map::DefaultHasher;
use std::hash::{Hash, Hasher};

use super::views::{
    Cell, Checklist, CsvRow, FindingRow, GroupRow, LINE_COLUMNS, LineRow, Task, UnitTranche,
    Workbook,
};
use super::{Ctx, long_date};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{BuiltinStep, Decision, GroupKind, StepSpec, Unit};
use crate::rules::{self, Counts, Status, groups, status};

/// Task states, as CSS classes and words.
fn task(title: String, hint: String, state: &'static str, label: impl Into<String>) -> Task {
    Task {
        title,
        hint,
        text_html: String::new(),
        state,
        state_label: label.into(),
    }
}

/// A step done once the unit has answered the project.
fn answered(unit: &Unit) -> (&'static str, String) {
    if unit.responded.is_some() || unit.answered_in.is_some() {
        ("completed", "Completed".to_string())
    } else {
        ("to-do", "To do".to_string())
    }
}

fn progress(total: usize, done: usize) -> (&'static str, String) {
    match (total, done) {
        (0, _) => ("not-needed", "Not needed".into()),
        (t, d) if d == t => ("completed", "Completed".into()),
        (_, 0) => ("not-started", "Not started".into()),
        (t, d) => ("in-progress", format!("{d} of {t} done")),
    }
}

fn answer_state(ctx: &Ctx, unit: &Unit) -> (&'static str, String) {
    let deadline = ctx.deadline;
    match unit.responded {
        Some(d) => (
            "completed",
            format!("Answered on {}", long_date(ctx.dates(), d)),
        ),
        None if unit.answered_in.is_some() => ("completed", "Answered".to_string()),
        None => {
            let days = (deadline - ctx.checked.today).num_days();
            match days {
                d if d > 1 => ("to-do", format!("Due in {d} days")),
                1 => ("to-do", "Due tomorrow".into()),
                0 => ("to-do", "Due today".into()),
                -1 => ("overdue", "Overdue by 1 day".into()),
                d => ("overdue", format!("Overdue by {} days", -d)),
            }
        }
    }
}

/// One unit's checklist, worked out part by part.
struct UnitChecklist<'c, 'a> {
    ctx: &'c Ctx<'a>,
    u: usize,
    unit: &'a Unit,
    /// The groups with lines of this unit, with their defining unit.
    involved: Vec<(&'a Unit, &'a crate::model::Group)>,
    /// The findings about the unit's lines and its groups.
    findings: Vec<&'a Finding>,
    /// The pre-flag as a line's flags name it: the policy's `flag` without a trailing
    /// " column" (a "Red column" flags a line "Red").
    flag: Option<String>,
}

impl UnitChecklist<'_, '_> {
    /// Each line with its flags, groups, status, tranche and dates.
    fn lines(&self) -> Vec<LineRow> {
        let (ctx, u, unit) = (self.ctx, self.u, self.unit);
        let analysis = &ctx.checked.analysis;
        let st = |l: usize| analysis.status[u][l];
        let mut groups_of_line: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (_, g) in &self.involved {
            for m in groups::members(&ctx.index, g)
                .into_iter()
                .filter(|m| m.0 == u)
            {
                groups_of_line
                    .entry(m.1)
                    .or_default()
                    .push(format!("{} ({})", g.id, g.kind.id()));
            }
        }
        unit.lines
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let placed = analysis.placed[u][l];
                let dates = placed.and_then(|n| ctx.date_labels(n));
                let mut flags = Vec::new();
                if line.ms_teams
                    && let Some(flag) = &self.flag
                {
                    flags.push(flag.clone());
                }
                for (on, flag) in [
                    (line.pilot, "Pilot"),
                    (line.holder.is_none(), "Shared"),
                    (line.critical, "Critical"),
                    (line.contact_centre, "Contact centre"),
                ] {
                    if on {
                        flags.push(flag.to_string());
                    }
                }
                let why = status::blocks(unit, line)
                    .iter()
                    .map(|b| b.reason())
                    .collect::<Vec<_>>()
                    .join("; ");
                LineRow {
                    ext: line.ext.clone(),
                    holder: line.holder.clone().unwrap_or_default(),
                    email: line.email.clone().unwrap_or_default(),
                    flagged: line.ms_teams,
                    flags,
                    uses: line
                        .uses
                        .iter()
                        .map(|u| ctx.checked.model.policy.label(u).to_string())
                        .collect(),
                    groups: groups_of_line.remove(&l).unwrap_or_default(),
                    status: st(l).as_str(),
                    decision: decision_str(line.decision),
                    why,
                    tranche: placed,
                    move_date: dates.map(|d| d.move_date.clone()).unwrap_or_default(),
                    rules: ctx
                        .rules_by_ext
                        .get(line.ext.as_str())
                        .map(|r| r.to_vec())
                        .unwrap_or_default(),
                    iso_dates: dates.map(|d| d.iso.clone()).unwrap_or_default(),
                }
            })
            .collect()
    }

    /// What the checklist tells the coordinator of `f` (see [`rules::advice`]).
    fn advice(&self, f: &Finding) -> String {
        let group = f
            .group
            .as_deref()
            .and_then(|id| self.involved.iter().find(|(_, g)| g.id == id))
            .map(|(_, g)| *g);
        rules::advice::for_coordinator(f, &self.ctx.index, &self.ctx.checked.analysis, group)
    }

    /// Each group with lines of the unit, and whether it holds together.
    fn groups(&self) -> Vec<GroupRow> {
        let analysis = &self.ctx.checked.analysis;
        let index = &self.ctx.index;
        let findings = &self.findings;
        self.involved
            .iter()
            .map(|(_, g)| {
                let problems: Vec<&&Finding> = findings
                    .iter()
                    .filter(|f| {
                        f.group.as_deref() == Some(g.id.as_str()) && f.severity != Severity::Info
                    })
                    .collect();
                let members = g
                    .members
                    .iter()
                    .map(|ext| {
                        let status = index
                            .by_ext
                            .get(ext.as_str())
                            .map(|id| analysis.status_of(*id).as_str())
                            .unwrap_or("unknown");
                        format!("{ext} ({status})")
                    })
                    .collect();
                let rule_of = |rule: Rule| problems.iter().find(|f| f.rule == rule);
                let placed = groups::members(index, g)
                    .iter()
                    .find_map(|m| analysis.placed_of(*m));
                let (holds, verdict) = if g.kind == GroupKind::Pickup {
                    match problems.first() {
                        Some(_) => ("no", "Members who move leave the pickup group.".to_string()),
                        None => (
                            "yes",
                            "No member moves: the pickup group stays as it is.".to_string(),
                        ),
                    }
                } else if let Some(f) =
                    rule_of(Rule::HuntGroupSplit).or(rule_of(Rule::ExecutiveSplit))
                {
                    ("no", self.advice(f))
                } else if let Some(f) = rule_of(Rule::GroupUndecided) {
                    ("not-yet", self.advice(f))
                } else if let Some(f) = rule_of(Rule::TrancheOverrideConflict) {
                    (
                        "yes",
                        format!(
                            "It moves together in tranche {}. {}",
                            placed.unwrap_or_default(),
                            self.advice(f)
                        ),
                    )
                } else {
                    let undecided = groups::members(index, g)
                        .iter()
                        .filter(|m| analysis.status_of(**m) == Status::Undecided)
                        .count();
                    match (placed, undecided) {
                        (Some(t), _) => ("yes", format!("It moves together in tranche {t}.")),
                        (None, 0) => (
                            "yes",
                            format!(
                                "It stays together on {}.",
                                self.ctx.checked.model.policy.from
                            ),
                        ),
                        (None, 1) => (
                            "not-yet",
                            "No member moves so far, and 1 has no decision: the group moves or \
                             stays as one."
                                .to_string(),
                        ),
                        (None, n) => (
                            "not-yet",
                            format!(
                                "No member moves so far, and {n} have no decision: the group moves \
                            or stays as one."
                            ),
                        ),
                    }
                };
                GroupRow {
                    id: g.id.clone(),
                    kind: g.kind.id(),
                    members,
                    holds,
                    verdict_html: crate::escape::code_spans(&verdict),
                }
            })
            .collect()
    }

    /// The coordinator's steps, GOV.UK task-list style.
    fn steps(&self, answer_state: &'static str, answer: &str) -> Vec<Task> {
        let (ctx, u, unit) = (self.ctx, self.u, self.unit);
        let analysis = &ctx.checked.analysis;
        let st = |l: usize| analysis.status[u][l];
        let (findings, involved) = (&self.findings, &self.involved);
        // Every flagged line needs a look: one that cannot move is done when it is not
        // marked to move, the others when they have a decision.
        let review: Vec<usize> = (0..unit.lines.len())
            .filter(|&l| unit.lines[l].ms_teams)
            .collect();
        let cannot = review.iter().filter(|&&l| st(l) == Status::Blocked).count();
        let decided = |ls: &[usize]| {
            ls.iter()
                .filter(|&&l| match st(l) {
                    Status::Blocked => unit.lines[l].decision != Some(Decision::Move),
                    _ => unit.lines[l].decision.is_some(),
                })
                .count()
        };
        let losing: Vec<usize> = (0..unit.lines.len())
            .filter(|&l| !unit.lines[l].uses.is_empty() && st(l) != Status::Blocked)
            .collect();
        let conflicts = findings
            .iter()
            .filter(|f| {
                matches!(
                    f.rule,
                    Rule::HuntGroupSplit
                        | Rule::ExecutiveSplit
                        | Rule::GroupUndecided
                        | Rule::TrancheOverrideConflict
                )
            })
            .count();
        let moving_groups = involved.iter().any(|(_, g)| g.kind.moves_together());
        let pickup = findings
            .iter()
            .filter(|f| {
                f.rule == Rule::PickupGroupLoss && f.unit.as_deref() == Some(unit.id.as_str())
            })
            .count();
        let deadline = &ctx.deadline_label;
        let policy = &ctx.checked.model.policy;
        let (from, to) = (&policy.from, &policy.to);

        let mut steps = Vec::new();
        let mut own = ctx.own_steps.iter();
        for spec in &policy.steps {
            let step = match spec {
                StepSpec::Own { title, .. } => {
                    // Nothing in the data ticks it off: the unit's answer to the project
                    // is taken to cover it, as it covers `others`.
                    let (s, label) = answered(unit);
                    let mut t = task(title.clone(), String::new(), s, label);
                    t.text_html = own.next().cloned().unwrap_or_default();
                    t
                }
                // No pre-flag, nothing flagged to review (`steps:` refuses it then; the
                // default steps keep it).
                StepSpec::Builtin(BuiltinStep::ReviewFlagged) => {
                    let Some(flag) = &policy.flag else { continue };
                    let (s, label) = progress(review.len(), decided(&review));
                    let fate = if policy.stay {
                        format!("stay on {from}")
                    } else {
                        "need their own arrangement with the project".to_string()
                    };
                    task(
                        format!("Review the lines flagged in the {flag}"),
                        match cannot {
                            0 => format!(
                                "{} flagged; check with each person whether they want to move.",
                                rules::counted(review.len(), "line", "lines")
                            ),
                            n => format!(
                                "{} flagged, {n} of which cannot move and {fate}; check with \
                                 each person and tell those who cannot move.",
                                rules::counted(review.len(), "line", "lines")
                            ),
                        },
                        s,
                        label,
                    )
                }
                // Nobody stays, so nobody loses a feature by staying: nothing to decide.
                StepSpec::Builtin(BuiltinStep::Features) if !policy.stay => continue,
                StepSpec::Builtin(BuiltinStep::Features) => {
                    let (s, label) = progress(losing.len(), decided(&losing));
                    task(
                        "Record a move or stay decision for each line that uses a feature being \
                         removed"
                            .into(),
                        format!(
                            "{} {} a feature that staying on {from} removes ({}).",
                            rules::counted(losing.len(), "line", "lines"),
                            if losing.len() == 1 { "uses" } else { "use" },
                            lost_features(policy)
                        ),
                        s,
                        label,
                    )
                }
                StepSpec::Builtin(BuiltinStep::Groups) => {
                    let (s, label) = match (moving_groups, conflicts) {
                        (false, _) => ("not-needed", "Not needed".to_string()),
                        (true, 0) => ("completed", "Completed".to_string()),
                        (true, n) => ("action-needed", format!("{n} to resolve")),
                    };
                    let hint = if policy.stay {
                        "Hunt groups and executive–assistant pairs move together or stay together."
                    } else {
                        "Hunt groups and executive–assistant pairs move together."
                    };
                    task("Resolve group conflicts".into(), hint.into(), s, label)
                }
                StepSpec::Builtin(BuiltinStep::Pickup) => {
                    let (s, label) = match pickup {
                        0 => ("not-needed", "Not needed".to_string()),
                        1 => ("to-do", "Tell 1 person".to_string()),
                        n => ("to-do", format!("Tell {n} people")),
                    };
                    let (title, hint) = if policy.stay {
                        (
                            "Tell pickup group members who are moving".to_string(),
                            format!("People who move to {to} leave their {from} pickup group."),
                        )
                    } else {
                        (
                            "Tell pickup group members that their group ends".to_string(),
                            format!("Everyone moves to {to}; {from} pickup groups do not move."),
                        )
                    };
                    task(title, hint, s, label)
                }
                StepSpec::Builtin(BuiltinStep::Others) => {
                    let (s, label) = answered(unit);
                    // Where everyone moves, "anyone else" is anyone the data has missed.
                    let (title, hint) = if policy.stay {
                        (
                            format!("Ask whether anyone else urgently needs {to}"),
                            "Include them in your answer to the project.",
                        )
                    } else {
                        (
                            "Check that no one is missing from these lines".to_string(),
                            "Tell the project of anyone whose line is not listed.",
                        )
                    };
                    task(title, hint.into(), s, label)
                }
                StepSpec::Builtin(BuiltinStep::Answer) => task(
                    format!("Answer the project by {deadline}"),
                    if policy.stay {
                        "Email the project with the list of people who should move.".into()
                    } else {
                        "Email the project with what your checks found, and with the lines that \
                         need their own arrangement."
                            .into()
                    },
                    answer_state,
                    answer,
                ),
            };
            steps.push(step);
        }
        steps
    }
}

/// A digest of everything a unit's checklist is made from: the unit, its lines' status,
/// tranche and findings, the groups it is in with their members' status and tranche, and
/// the site's dates. Equal digests, equal checklists.
pub(super) fn fingerprint(ctx: &Ctx, u: usize, unit: &Unit) -> u64 {
    let analysis = &ctx.checked.analysis;
    let mut h = DefaultHasher::new();
    ctx.global.hash(&mut h);
    // The workbook tells where to send it.
    ctx.site.contact.hash(&mut h);
    unit.hash(&mut h);
    analysis.status[u].hash(&mut h);
    analysis.placed[u].hash(&mut h);
    for &(du, gi) in &ctx.involved[u] {
        let group = &ctx.checked.model.units[du].groups[gi];
        group.hash(&mut h);
        for m in groups::members(&ctx.index, group) {
            (analysis.status_of(m), analysis.placed_of(m)).hash(&mut h);
        }
    }
    for &fi in &ctx.findings_of[u] {
        analysis.findings[fi].hash(&mut h);
    }
    for line in &unit.lines {
        ctx.rules_by_ext.get(line.ext.as_str()).hash(&mut h);
    }
    h.finish()
}

pub(super) fn checklist(ctx: &Ctx, u: usize, unit: &Unit) -> Checklist {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let parts = UnitChecklist {
        ctx,
        u,
        unit,
        involved: ctx.involved[u]
            .iter()
            .map(|&(du, gi)| (&model.units[du], &model.units[du].groups[gi]))
            .collect(),
        findings: ctx.findings_of[u]
            .iter()
            .map(|&fi| &analysis.findings[fi])
            .collect(),
        flag: model.policy.flag.as_deref().map(|f| {
            f.strip_suffix(" column")
                .filter(|short| !short.trim().is_empty())
                .unwrap_or(f)
                .to_string()
        }),
    };
    let (answer_state, answer) = answer_state(ctx, unit);
    let steps = parts.steps(answer_state, &answer);
    let steps_total = steps.iter().filter(|t| t.state != "not-needed").count();
    let steps_done = steps.iter().filter(|t| t.state == "completed").count();

    let counts = Counts::of(&analysis.status[u]);
    let lines = parts.lines();
    let mut placed: BTreeMap<u32, usize> = BTreeMap::new();
    for number in lines.iter().filter_map(|l| l.tranche) {
        *placed.entry(number).or_default() += 1;
    }
    let tranches = placed
        .into_iter()
        .map(|(number, count)| {
            let dates = ctx.date_labels(number);
            UnitTranche {
                number,
                lines: count,
                move_date: dates.map(|d| d.move_date.clone()).unwrap_or_default(),
                emails: dates.map(|d| d.emails.clone()).unwrap_or_default(),
            }
        })
        .collect();
    Checklist {
        id: unit.id.clone(),
        name: unit.name.clone(),
        cohort: unit
            .cohort
            .as_deref()
            .map(|c| ctx.cohort_name(c))
            .unwrap_or_else(|| "Own Teams instance".into()),
        separate_teams: unit.separate_teams,
        coordinator: unit.coordinator.as_ref().map(|c| c.name.clone()),
        coordinator_email: unit.coordinator.as_ref().and_then(|c| c.email.clone()),
        answer,
        answer_state,
        steps,
        steps_done,
        steps_total,
        lines,
        tranches,
        groups: parts.groups(),
        findings: parts
            .findings
            .iter()
            .map(|f| FindingRow {
                severity: f.severity,
                rule: f.rule,
                message_html: crate::escape::code_spans(&parts.advice(f)),
                location: crate::report::location(f),
            })
            .collect(),
        counts,
    }
}

pub(super) fn csv_rows(c: &Checklist, unit: &Unit, email_columns: &[String]) -> Vec<CsvRow> {
    c.lines
        .iter()
        .zip(&unit.lines)
        .map(|(l, line)| {
            let date = |i: usize| l.iso_dates.get(i).cloned().unwrap_or_default();
            CsvRow {
                unit: unit.id.clone(),
                ext: l.ext.clone(),
                holder: cell(&l.holder),
                email: cell(&l.email),
                ms_teams: l.flagged,
                flags: l.flags.join("; "),
                uses: l.uses.join("; "),
                groups: l.groups.join("; "),
                status: l.status,
                decision: l.decision,
                requested: line.requested.map(|d| d.to_string()).unwrap_or_default(),
                tranche: l.tranche.map(|t| t.to_string()).unwrap_or_default(),
                move_date: date(0),
                emails: email_columns
                    .iter()
                    .enumerate()
                    .map(|(i, name)| (name.clone(), date(i + 1)))
                    .collect(),
                findings: l.rules.join("; "),
            }
        })
        .collect()
}

/// The checklist as a workbook: the CSV's columns (dates as dates, text as text, never
/// guarded with an apostrophe: a text cell is never run), `unit` first so that each row
/// names its unit when the file comes back as an answer.
pub(super) fn workbook(ctx: &Ctx, c: &Checklist, unit: &Unit) -> Workbook {
    let policy = &ctx.checked.model.policy;
    let mut header: Vec<String> = LINE_COLUMNS.iter().map(|name| name.to_string()).collect();
    header.extend(ctx.email_columns.iter().cloned());
    header.push("findings".into());
    let rows = c
        .lines
        .iter()
        .zip(&unit.lines)
        .map(|(l, line)| {
            let date = |i: usize| {
                l.iso_dates.get(i).map_or(Cell::Blank, |iso| {
                    match iso.parse::<chrono::NaiveDate>() {
                        Ok(d) => Cell::Date(d),
                        Err(_) => text(iso),
                    }
                })
            };
            let mut row = vec![
                text(&unit.id),
                text(&l.ext),
                text(&l.holder),
                text(&l.email),
                Cell::Bool(l.flagged),
                text(&l.flags.join("; ")),
                text(&l.uses.join("; ")),
                text(&l.groups.join("; ")),
                text(l.status),
                text(l.decision),
                line.requested.map_or(Cell::Blank, Cell::Date),
                l.tranche.map_or(Cell::Blank, Cell::Number),
                date(0),
            ];
            row.extend((0..ctx.email_columns.len()).map(|i| date(i + 1)));
            row.push(text(&l.rules.join("; ")));
            row
        })
        .collect();
    let (from, to) = (&policy.from, &policy.to);
    let fill_in = if policy.stay {
        format!(
            "For each line, choose move (to {to}) or stay (on {from}) in the decision column. \
             Where someone needs to move by a date, give it in the requested column. The other \
             columns are locked."
        )
    } else {
        format!(
            "Everyone moves from {from} to {to}: for each line you have checked, choose move in \
             the decision column. Where someone needs to move by a date, give it in the \
             requested column. The other columns are locked."
        )
    };
    let mut guide = vec![
        ("Unit".to_string(), text(&unit.id)),
        ("Name".to_string(), text(&unit.name)),
        ("Answer by".to_string(), Cell::Date(ctx.deadline)),
        ("What to do".to_string(), Cell::Text(fill_in)),
    ];
    guide.extend(c.steps.iter().enumerate().map(|(i, step)| {
        let hint = if step.hint.is_empty() {
            step.title.clone()
        } else {
            format!("{}: {}", step.title, step.hint)
        };
        (format!("Step {}", i + 1), Cell::Text(hint))
    }));
    guide.push((
        "Send it to".to_string(),
        match &ctx.site.contact {
            Some(contact) => text(contact),
            None => Cell::Text("the project, as you were asked to".into()),
        },
    ));
    guide.push((
        "How".to_string(),
        Cell::Text(
            "Save this file as it is, filled in, and send it back: it is read as your answer."
                .into(),
        ),
    ));
    let column = |name: &str| header.iter().position(|h| h == name).unwrap_or_default();
    Workbook {
        decision_column: column("decision"),
        requested_column: column("requested"),
        header,
        rows,
        decisions: Decision::allowed(policy).map(Decision::id).collect(),
        guide,
    }
}

/// Text as a workbook cell: blank when empty.
fn text(s: &str) -> Cell {
    if s.is_empty() {
        Cell::Blank
    } else {
        Cell::Text(s.to_string())
    }
}

/// Text from the data as a spreadsheet cell: one that a spreadsheet could run as a formula
/// is kept as text with a leading apostrophe. That is one starting with `=`, `+`, `-` or
/// `@`, also after blanks (which spreadsheets skip) or in their full-width forms (which
/// some read as the same), and, as OWASP advises, any starting with a TAB, CR or LF.
pub(super) fn cell(text: &str) -> String {
    let signs = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];
    let risky = text.starts_with(['\t', '\r', '\n'])
        || text
            .trim_start_matches(|c: char| c.is_whitespace() || c.is_control())
            .starts_with(signs);
    if risky {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn decision_str(d: Option<Decision>) -> &'static str {
    d.map_or("", Decision::id)
}

/// The labels of the features people lose by staying, as a list in a sentence.
fn lost_features(policy: &crate::model::Policy) -> String {
    let labels: Vec<&str> = policy
        .features
        .iter()
        .filter(|f| f.lost)
        .map(|f| f.label.as_str())
        .collect();
    match labels.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} or {last}", rest.join(", ")),
        Some((last, _)) => (*last).to_string(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_cells_never_run_as_formulas() {
        for (text, want) in [
            ("Ada", "Ada"),
            ("Ada Lovelace-King", "Ada Lovelace-King"),
            ("a=b@c.example", "a=b@c.example"),
            ("", ""),
            ("   ", "   "),
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+44", "'+44"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            // Spreadsheets skip leading blanks before a formula.
            (" =1+1", "' =1+1"),
            ("  +1", "'  +1"),
            ("\u{a0}-1", "'\u{a0}-1"),
            ("\u{3000}@a", "'\u{3000}@a"),
            // A leading TAB, CR or LF, whatever follows (OWASP's list).
            ("\t=1+1", "'\t=1+1"),
            ("\tAda", "'\tAda"),
            ("\r=1+1", "'\r=1+1"),
            ("\rAda", "'\rAda"),
            ("\n=1+1", "'\n=1+1"),
            // Full-width signs, which some spreadsheets read as their ASCII twins.
            ("＝1+1", "'＝1+1"),
            ("＋44", "'＋44"),
            ("－1", "'－1"),
            ("＠a", "'＠a"),
            (" ＝1+1", "' ＝1+1"),
        ] {
            assert_eq!(cell(text), want, "{text:?}");
        }
    }

    #[test]
    fn the_workbook_offers_the_decisions_the_policy_allows_and_names_its_unit() {
        for (stay, want) in [(true, vec!["move", "stay"]), (false, vec!["move"])] {
            let mut checked = crate::plan::testing::small("2022-04-20");
            checked.model.policy.stay = stay;
            let site = checked.model.site.as_ref().unwrap();
            let ctx = Ctx::new(&checked, site);
            let unit = &checked.model.units[0];
            let book = workbook(&ctx, &checklist(&ctx, 0, unit), unit);
            assert_eq!(book.decisions, want);
            assert_eq!(book.header[book.decision_column], "decision");
            assert_eq!(book.header[book.requested_column], "requested");
            assert_eq!(book.rows.len(), unit.lines.len());
            let id = Cell::Text(unit.id.clone());
            assert!(book.rows.iter().all(|row| row[0] == id));
            assert!(book.rows.iter().all(|row| row.len() == book.header.len()));
            assert_eq!(book.guide[0], ("Unit".to_string(), id));
            assert_eq!(
                book.guide[2],
                ("Answer by".to_string(), Cell::Date(ctx.deadline))
            );
        }
    }

    #[test]
    fn task_progress() {
        assert_eq!(progress(0, 0).0, "not-needed");
        assert_eq!(progress(3, 3).0, "completed");
        assert_eq!(progress(3, 0).0, "not-started");
        assert_eq!(progress(3, 1), ("in-progress", "1 of 3 done".to_string()));
    }
}
