//! Findings: what the rules and the loader have to say about the data.
//!
//! A finding is a value, not an error: rules collect all of them and the caller decides
//! what they mean (a failed `check`, a warning on a checklist, ...).

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
    Info,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

/// The rule id of every invalid-data problem.
pub const INVALID_DATA: &str = "invalid-data";

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    pub rule: &'static str,
    pub severity: Severity,
    /// Relative to the site root, `/` separated.
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub exts: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tranche: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cohort: Option<String>,
    /// For `invalid-data`: which case it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    pub message: String,
}

impl Finding {
    pub fn new(
        rule: &'static str,
        severity: Severity,
        file: impl Into<String>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        Finding {
            rule,
            severity,
            file: file.into(),
            line,
            unit: None,
            group: None,
            exts: Vec::new(),
            tranche: None,
            cohort: None,
            detail: None,
            message: message.into(),
        }
    }

    /// An invalid-data problem: `detail` names the case, `message` says what to change.
    pub fn invalid(
        detail: &str,
        file: impl Into<String>,
        line: Option<u32>,
        message: impl Into<String>,
    ) -> Self {
        let mut f = Finding::new(INVALID_DATA, Severity::Error, file, line, message);
        f.detail = Some(detail.to_string());
        f
    }

    pub fn unit(mut self, unit: &str) -> Self {
        self.unit = Some(unit.to_string());
        self
    }

    pub fn group(mut self, group: &str) -> Self {
        self.group = Some(group.to_string());
        self
    }

    pub fn exts<S: AsRef<str>>(mut self, exts: impl IntoIterator<Item = S>) -> Self {
        self.exts = exts.into_iter().map(|s| s.as_ref().to_string()).collect();
        self
    }

    pub fn tranche(mut self, number: u32) -> Self {
        self.tranche = Some(number);
        self
    }

    pub fn cohort(mut self, cohort: &str) -> Self {
        self.cohort = Some(cohort.to_string());
        self
    }
}

/// Sorts findings as reports show them: by file, line, rule (then message, for ties).
pub fn sort(findings: &mut [Finding]) {
    findings.sort_by(order);
}

/// [`sort`] on every core, for the many findings of a large site.
pub fn par_sort(findings: &mut [Finding]) {
    use rayon::prelude::*;
    findings.par_sort_by(order);
}

fn order(a: &Finding, b: &Finding) -> std::cmp::Ordering {
    (&a.file, a.line, a.rule, &a.message).cmp(&(&b.file, b.line, b.rule, &b.message))
}
