//! Findings as a report: text (rustc style), JSON (version 1, whose shape README.md
//! describes under `check`) or GitHub annotations.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use crate::finding::{Finding, Severity};
use crate::load::input::shown;
use crate::model::{Capacity, EmailWhen, Policy, StepSpec};
use crate::rules::emails;
use crate::{BuildError, Checked};

#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    Text,
    Json,
    Github,
}

pub fn render(checked: &Checked, format: Format) -> String {
    match format {
        Format::Text => text(checked),
        Format::Json => {
            let mut s = serde_json::to_string_pretty(&json(checked)).unwrap_or_default();
            s.push('\n');
            s
        }
        Format::Github => github(checked),
    }
}

/// `file:line` or just `file`.
pub fn location(f: &Finding) -> String {
    match f.line {
        Some(line) => format!("{}:{line}", f.file),
        None => f.file.clone(),
    }
}

/// A failed build as `build` and `serve` show it: each problem of invalid data on a line of
/// its own ([`text_line`]), then what failed, with its causes.
pub fn error(err: &BuildError) -> String {
    let mut lines: Vec<String> = Vec::new();
    match err {
        BuildError::Invalid(problems) => {
            lines.extend(problems.iter().map(text_line));
            lines.push(format!("error: {err}"));
        }
        BuildError::Other(err) => {
            lines.push(format!("error: {err}"));
            lines.extend(
                err.chain()
                    .skip(1)
                    .map(|cause| format!("  Caused by: {cause}")),
            );
        }
    }
    lines.join("\n")
}

/// One finding a line, rustc style: `error[rule]: file:line: message`. Control characters
/// (line ends included) are escaped: a value from the data must not start a line of its own
/// or move the terminal's cursor, and so fake another finding.
pub fn text_line(f: &Finding) -> String {
    shown(&format!(
        "{}[{}]: {}: {}",
        f.severity.as_str(),
        f.rule.id(),
        location(f),
        f.message
    ))
}

fn text(checked: &Checked) -> String {
    let findings = checked.findings();
    let mut out = String::new();
    for f in &findings {
        out.push_str(&text_line(f));
        out.push('\n');
    }
    let s = Summary::of(checked, &findings);
    let _ = writeln!(
        out,
        "{} units, {} lines: {} moving, {} staying, {} blocked, {} undecided; {} error(s), {} \
            warning(s), {} info(s)",
        s.units,
        s.lines,
        s.moving,
        s.staying,
        s.blocked,
        s.undecided,
        s.errors,
        s.warnings,
        s.infos
    );
    out
}

/// GitHub Actions workflow commands: escape data and property values as the runner expects.
fn escape_data(s: &str) -> String {
    let escaped = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    shown(&escaped)
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn github(checked: &Checked) -> String {
    let mut out = String::new();
    for f in checked.findings() {
        let command = match f.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "notice",
        };
        let _ = write!(out, "::{command} file={}", escape_property(&f.file));
        if let Some(line) = f.line {
            let _ = write!(out, ",line={line}");
        }
        let _ = writeln!(
            out,
            ",title={}::{}",
            escape_property(f.rule.id()),
            escape_data(&f.message)
        );
    }
    out
}

#[derive(Debug, Serialize, Default)]
pub struct Summary {
    pub units: usize,
    pub lines: usize,
    pub moving: usize,
    pub staying: usize,
    pub blocked: usize,
    pub undecided: usize,
    pub errors: usize,
    pub warnings: usize,
    pub infos: usize,
}

impl Summary {
    pub fn of(checked: &Checked, findings: &[Finding]) -> Summary {
        let c = crate::rules::Counts::of(checked.analysis.status.iter().flatten());
        let mut s = Summary {
            units: checked.model.units.len(),
            lines: c.lines,
            moving: c.moving,
            staying: c.staying,
            blocked: c.blocked,
            undecided: c.undecided,
            ..Summary::default()
        };
        for f in findings {
            match f.severity {
                Severity::Error => s.errors += 1,
                Severity::Warning => s.warnings += 1,
                Severity::Info => s.infos += 1,
            }
        }
        s
    }
}

/// Orders extensions numerically (as digit strings of any length).
pub fn ext_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (ta, tb) = (a.trim_start_matches('0'), b.trim_start_matches('0'));
    (ta.len(), ta, a).cmp(&(tb.len(), tb, b))
}

/// The policy in force (SPEC §9), as data/migration.yaml would write it: `flag` is the
/// pre-flag's name or `false`, a rule turned off is `"off"`.
fn policy(policy: &Policy) -> Value {
    let features: serde_json::Map<String, Value> = policy
        .features
        .iter()
        .map(|f| {
            (
                f.id.clone(),
                serde_json::json!({"label": f.label, "lost": f.lost}),
            )
        })
        .collect();
    let emails: Vec<Value> = policy
        .emails
        .iter()
        .map(|e| match e {
            EmailWhen::DaysBefore(n) => (*n).into(),
            EmailWhen::LastWorkingDay => "last-working-day".into(),
        })
        .collect();
    let rules: serde_json::Map<String, Value> = policy
        .rules
        .iter()
        .map(|(rule, severity)| {
            let set = severity.map_or("off", |s| s.as_str());
            (rule.id().to_string(), set.into())
        })
        .collect();
    let steps: Vec<Value> = policy
        .steps
        .iter()
        .map(|step| match step {
            StepSpec::Builtin(b) => b.id().into(),
            StepSpec::Own { title, text, .. } => serde_json::json!({"title": title, "text": text}),
        })
        .collect();
    serde_json::json!({
        "from": policy.from,
        "to": policy.to,
        "stay": policy.stay,
        "flag": policy.flag.as_ref().map_or(Value::Bool(false), |f| f.as_str().into()),
        "features": features,
        "emails": emails,
        "rules": rules,
        "cohorts": policy.cohorts,
        "dates": policy.dates.id(),
        "steps": steps,
    })
}

pub fn json(checked: &Checked) -> Value {
    let model = &checked.model;
    let findings = checked.findings();
    let holidays = model
        .site
        .as_ref()
        .map(|s| s.holidays.as_slice())
        .unwrap_or(&[]);
    let tranches: Vec<Value> = model
        .tranches
        .iter()
        .zip(&checked.analysis.loads)
        .map(|(t, load)| {
            let mut v = serde_json::json!({
                "number": t.number,
                "date": t.date.to_string(),
                "emails": emails::countdown(t.date, holidays, &model.policy.emails)
                    .iter()
                    .map(|e| e.date.to_string())
                    .collect::<Vec<_>>(),
                "placed": load.placed,
            });
            match &t.capacity {
                Some(Capacity::Total(n)) => v["capacity"] = (*n).into(),
                Some(Capacity::PerCohort(map)) => v["capacity"] = serde_json::json!(map),
                None => {}
            }
            if !load.per_cohort.is_empty() {
                v["per_cohort"] = serde_json::json!(load.per_cohort);
            }
            if let Some(label) = &t.label {
                v["label"] = label.as_str().into();
            }
            if t.pilot {
                v["pilot"] = true.into();
            }
            if t.late {
                v["late"] = true.into();
            }
            v
        })
        .collect();
    let mut lines: Vec<(&str, Value)> = Vec::new();
    for (u, unit) in model.units.iter().enumerate() {
        for (l, line) in unit.lines.iter().enumerate() {
            let mut v = serde_json::json!({
                "ext": line.ext,
                "unit": unit.id,
                "status": checked.analysis.status[u][l].as_str(),
            });
            if let Some(n) = checked.analysis.placed[u][l] {
                v["tranche"] = n.into();
                if let Some(t) = model.tranches.iter().find(|t| t.number == n) {
                    v["date"] = t.date.to_string().into();
                }
            }
            lines.push((&line.ext, v));
        }
    }
    lines.sort_by(|a, b| ext_order(a.0, b.0));
    serde_json::json!({
        "version": 1,
        "today": checked.today.to_string(),
        "policy": policy(&model.policy),
        "summary": Summary::of(checked, &findings),
        "tranches": tranches,
        "lines": lines.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        "findings": findings,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extensions_sort_numerically() {
        let mut exts = vec!["9", "70123", "100", "0099", "8000"];
        exts.sort_by(|a, b| ext_order(a, b));
        assert_eq!(exts, vec!["9", "0099", "100", "8000", "70123"]);
    }

    #[test]
    fn github_escapes() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_data("50%\nnext"), "50%25%0Anext");
        assert_eq!(escape_data("a\u{1b}[2J"), "a\\u{1b}[2J");
    }

    #[test]
    fn a_text_line_is_one_line_without_terminal_controls() {
        let mut f = Finding::invalid(
            "x",
            "data/units/a.yaml",
            Some(3),
            "name `A\u{1b}[2J\nerror[fake]: x`",
        );
        f.message.push('\t');
        assert_eq!(
            text_line(&f),
            "error[invalid-data]: data/units/a.yaml:3: name `A\\u{1b}[2J\\u{a}error[fake]: x`\t"
        );
    }

    #[test]
    fn a_failed_build_prints_its_problems_or_its_causes() {
        let invalid = BuildError::Invalid(vec![
            Finding::invalid("x", "data/units/a.yaml", Some(3), "name missing"),
            Finding::invalid("y", "data/site.yaml", None, "title missing"),
        ]);
        assert_eq!(
            error(&invalid),
            "error[invalid-data]: data/units/a.yaml:3: name missing\n\
             error[invalid-data]: data/site.yaml: title missing\n\
             error: the data has 2 problem(s); nothing was built"
        );
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "no such file");
        let other = BuildError::from(anyhow::Error::new(io).context("reading data/site.yaml"));
        assert_eq!(
            error(&other),
            "error: reading data/site.yaml\n  Caused by: no such file"
        );
    }
}
