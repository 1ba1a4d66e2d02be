//! Findings: what the rules and the loader have to say about the data.
//!
//! A finding is a value, not an error: rules collect all of them and the caller decides
//! what they mean (a failed `check`, a warning on a checklist, ...).

use std::fmt;

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

/// What a finding is about. Beside [`Severity`] because every finding has one, from the
/// rules, the loader (`invalid-data`) and the link check (`broken-link`) alike: a
/// typo in a rule's name is then a compile error, not a checklist step that never shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Rule {
    InvalidData,
    BrokenLink,
    SeparateTeams,
    SharedLine,
    CriticalLine,
    ContactCentre,
    HuntGroupSplit,
    ExecutiveSplit,
    GroupUndecided,
    PickupGroupLoss,
    DelegationNoWhitelist,
    FeaturesLost,
    Undecided,
    UnitNotResponded,
    RespondedInFuture,
    UnflaggedMove,
    LateRequest,
    GroupTrancheAligned,
    TrancheOverrideConflict,
    TrancheOverCapacity,
    ExportDiffers,
    AnswerDiffers,
}

impl Rule {
    pub const ALL: [Rule; 22] = [
        Rule::InvalidData,
        Rule::BrokenLink,
        Rule::SeparateTeams,
        Rule::SharedLine,
        Rule::CriticalLine,
        Rule::ContactCentre,
        Rule::HuntGroupSplit,
        Rule::ExecutiveSplit,
        Rule::GroupUndecided,
        Rule::PickupGroupLoss,
        Rule::DelegationNoWhitelist,
        Rule::FeaturesLost,
        Rule::Undecided,
        Rule::UnitNotResponded,
        Rule::RespondedInFuture,
        Rule::UnflaggedMove,
        Rule::LateRequest,
        Rule::GroupTrancheAligned,
        Rule::TrancheOverrideConflict,
        Rule::TrancheOverCapacity,
        Rule::ExportDiffers,
        Rule::AnswerDiffers,
    ];

    /// The id reports, CSV files and SPEC §4 name the rule by.
    pub fn id(self) -> &'static str {
        match self {
            Rule::InvalidData => "invalid-data",
            Rule::BrokenLink => "broken-link",
            Rule::SeparateTeams => "separate-teams",
            Rule::SharedLine => "shared-line",
            Rule::CriticalLine => "critical-line",
            Rule::ContactCentre => "contact-centre",
            Rule::HuntGroupSplit => "hunt-group-split",
            Rule::ExecutiveSplit => "executive-split",
            Rule::GroupUndecided => "group-undecided",
            Rule::PickupGroupLoss => "pickup-group-loss",
            Rule::DelegationNoWhitelist => "delegation-no-whitelist",
            Rule::FeaturesLost => "features-lost",
            Rule::Undecided => "undecided",
            Rule::UnitNotResponded => "unit-not-responded",
            Rule::RespondedInFuture => "responded-in-future",
            Rule::UnflaggedMove => "unflagged-move",
            Rule::LateRequest => "late-request",
            Rule::GroupTrancheAligned => "group-tranche-aligned",
            Rule::TrancheOverrideConflict => "tranche-override-conflict",
            Rule::TrancheOverCapacity => "tranche-over-capacity",
            Rule::ExportDiffers => "export-differs",
            Rule::AnswerDiffers => "answer-differs",
        }
    }

    /// The rule with this id, if there is one.
    pub fn from_id(id: &str) -> Option<Rule> {
        Rule::ALL.into_iter().find(|rule| rule.id() == id)
    }

    /// The severity SPEC §4 gives the rule's findings. `None` for the four rules that
    /// block a line, whose severity depends on the line: an error if it is to move, else
    /// a warning if it is flagged `ms_teams` (see [`crate::rules::status`]).
    pub fn default_severity(self) -> Option<Severity> {
        use Severity::*;
        match self {
            Rule::SeparateTeams | Rule::SharedLine | Rule::CriticalLine | Rule::ContactCentre => {
                None
            }
            Rule::InvalidData
            | Rule::BrokenLink
            | Rule::HuntGroupSplit
            | Rule::ExecutiveSplit
            | Rule::TrancheOverrideConflict
            | Rule::TrancheOverCapacity => Some(Error),
            Rule::GroupUndecided
            | Rule::PickupGroupLoss
            | Rule::FeaturesLost
            | Rule::Undecided
            | Rule::UnitNotResponded
            | Rule::RespondedInFuture
            | Rule::ExportDiffers
            | Rule::AnswerDiffers => Some(Warning),
            Rule::DelegationNoWhitelist
            | Rule::UnflaggedMove
            | Rule::LateRequest
            | Rule::GroupTrancheAligned => Some(Info),
        }
    }

    /// Whether the rule's findings are about a whole group (not one of its lines).
    pub fn is_about_group(self) -> bool {
        matches!(
            self,
            Rule::HuntGroupSplit
                | Rule::ExecutiveSplit
                | Rule::GroupUndecided
                | Rule::DelegationNoWhitelist
        )
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// As its id, so that reports read as they always have.
impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Finding {
    pub rule: Rule,
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
        rule: Rule,
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
        let mut f = Finding::new(Rule::InvalidData, Severity::Error, file, line, message);
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
    // By id, as reports always have: the order of [`Rule`]'s variants is no order of theirs.
    (&a.file, a.line, a.rule.id(), &a.message).cmp(&(&b.file, b.line, b.rule.id(), &b.message))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_id_round_trips_and_is_unique() {
        let mut ids = std::collections::HashSet::new();
        for rule in Rule::ALL {
            assert_eq!(Rule::from_id(rule.id()), Some(rule));
            assert!(ids.insert(rule.id()), "{} twice", rule.id());
            assert_eq!(
                serde_json::to_string(&rule).unwrap(),
                format!("\"{}\"", rule.id())
            );
            assert_eq!(rule.to_string(), rule.id());
        }
        assert_eq!(Rule::from_id("hunt-group-spilt"), None);
    }

    #[test]
    fn default_severities_are_those_of_spec_section_4() {
        use Severity::*;
        let spec = [
            ("separate-teams", None),
            ("shared-line", None),
            ("critical-line", None),
            ("contact-centre", None),
            ("hunt-group-split", Some(Error)),
            ("executive-split", Some(Error)),
            ("group-undecided", Some(Warning)),
            ("pickup-group-loss", Some(Warning)),
            ("delegation-no-whitelist", Some(Info)),
            ("features-lost", Some(Warning)),
            ("undecided", Some(Warning)),
            ("unit-not-responded", Some(Warning)),
            ("unflagged-move", Some(Info)),
            ("late-request", Some(Info)),
            ("group-tranche-aligned", Some(Info)),
            ("tranche-override-conflict", Some(Error)),
            ("tranche-over-capacity", Some(Error)),
            ("invalid-data", Some(Error)),
            ("broken-link", Some(Error)),
            ("responded-in-future", Some(Warning)),
            // SPEC §10.
            ("export-differs", Some(Warning)),
            ("answer-differs", Some(Warning)),
        ];
        assert_eq!(spec.len(), Rule::ALL.len());
        for (id, severity) in spec {
            let rule = Rule::from_id(id).unwrap_or_else(|| panic!("no rule {id}"));
            assert_eq!(rule.default_severity(), severity, "{id}");
        }
    }
}
