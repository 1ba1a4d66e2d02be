//! `data/migration.yaml`: the migration's own policy (SPEC §9) — the systems' names,
//! whether people may stay, the pre-flag, the features, the countdown emails, rule
//! severities, cohort names, how dates read, and the checklist's steps. Every key is
//! optional: one left out keeps the bundled guide's value ([`Policy::default`]), which is
//! read from the bundled guide's own `data/migration.yaml`, built into cutover.

use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::LazyLock;

use serde::Deserialize;
use serde::de::{MapAccess, Visitor};

use super::values::Values;
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{BuiltinStep, DateStyle, EmailWhen, Feature, Policy, StepSpec};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMigration {
    from: Option<Spot<String>>,
    to: Option<Spot<String>>,
    stay: Option<bool>,
    flag: Option<Spot<RawFlag>>,
    features: Option<Ordered<Spot<String>, Spot<RawFeature>>>,
    emails: Option<Vec<Spot<RawEmail>>>,
    rules: Option<Ordered<Spot<String>, Spot<String>>>,
    cohorts: Option<Ordered<Spot<String>, Spot<String>>>,
    dates: Option<Spot<String>>,
    steps: Option<Vec<Spot<RawStep>>>,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawFlag {
    Column(String),
    Switch(bool),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFeature {
    label: Option<String>,
    #[serde(default)]
    lost: bool,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawEmail {
    Days(i64),
    Word(String),
}

/// A built-in step's id, or a step of the organisation's own. Not `untagged`: serde would
/// then report a mistake in an own step as matching no variant, hiding the unknown key
/// and the keys allowed.
enum RawStep {
    Builtin(String),
    Own(RawOwnStep),
}

impl<'de> Deserialize<'de> for RawStep {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Step;
        impl<'de> Visitor<'de> for Step {
            type Value = RawStep;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a built-in step's id or {title: ..., text: ...}")
            }
            fn visit_str<E: serde::de::Error>(self, id: &str) -> Result<RawStep, E> {
                Ok(RawStep::Builtin(id.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<RawStep, A::Error> {
                RawOwnStep::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawStep::Own)
            }
        }
        deserializer.deserialize_any(Step)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOwnStep {
    title: Option<String>,
    text: Option<String>,
}

/// A YAML mapping with its entries in the order written (features and cohorts are shown
/// in that order).
struct Ordered<K, V>(Vec<(K, V)>);

impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Deserialize<'de> for Ordered<K, V> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Entries<K, V>(PhantomData<(K, V)>);
        impl<'de, K: Deserialize<'de>, V: Deserialize<'de>> Visitor<'de> for Entries<K, V> {
            type Value = Ordered<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a mapping")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut entries = Vec::new();
                while let Some(entry) = map.next_entry()? {
                    entries.push(entry);
                }
                Ok(Ordered(entries))
            }
        }
        deserializer.deserialize_map(Entries(PhantomData))
    }
}

/// The bundled guide's policy: the defaults of every key.
const BUNDLED: &str = include_str!("../../data/migration.yaml");

static DEFAULT: LazyLock<Policy> = LazyLock::new(|| {
    let mut problems = Vec::new();
    let policy = read(
        "data/migration.yaml",
        BUNDLED,
        &mut problems,
        Policy {
            from: String::new(),
            to: String::new(),
            stay: true,
            flag: None,
            features: Vec::new(),
            emails: Vec::new(),
            rules: BTreeMap::new(),
            cohorts: BTreeMap::new(),
            dates: DateStyle::Iso,
            steps: Vec::new(),
            written: false,
        },
    );
    // A test holds the bundled file to having no problems (`the_bundled_policy_is_whole`).
    debug_assert!(problems.is_empty(), "{problems:?}");
    Policy {
        written: false,
        ..policy
    }
});

impl Default for Policy {
    /// The bundled guide's policy: the University's move, as its `data/migration.yaml`
    /// says it.
    fn default() -> Policy {
        DEFAULT.clone()
    }
}

/// What `rules:` may set a rule to.
const SEVERITIES: [(&str, Option<Severity>); 4] = [
    ("error", Some(Severity::Error)),
    ("warning", Some(Severity::Warning)),
    ("info", Some(Severity::Info)),
    ("off", None),
];

/// Reads `data/migration.yaml`. Every problem is reported; a value with a problem keeps
/// its default, so that the rest of the data is still checked against a whole policy.
pub fn migration(file: &str, text: &str, problems: &mut Vec<Finding>) -> Policy {
    let defaults = Policy {
        written: true,
        ..Policy::default()
    };
    read(file, text, problems, defaults)
}

/// `text` read over `policy`: each key written replaces its value there.
fn read(file: &str, text: &str, problems: &mut Vec<Finding>, mut policy: Policy) -> Policy {
    let Some(raw) = parse_or_report::<RawMigration>(file, text, "migration.yaml", problems) else {
        return policy;
    };
    let mut v = Values::new(file, text, problems);
    if let Some(from) = raw
        .from
        .as_ref()
        .and_then(|t| text_of(&mut v, t, "from", "the old system's name"))
    {
        policy.from = from;
    }
    if let Some(to) = raw
        .to
        .as_ref()
        .and_then(|t| text_of(&mut v, t, "to", "the new system's name"))
    {
        policy.to = to;
    }
    if let Some(stay) = raw.stay {
        policy.stay = stay;
    }
    if let Some(flag) = &raw.flag {
        match &flag.value {
            RawFlag::Switch(false) => policy.flag = None,
            RawFlag::Column(name) if !name.trim().is_empty() => {
                policy.flag = Some(name.trim().to_string());
            }
            RawFlag::Switch(true) | RawFlag::Column(_) => v.bad(
                line_of(flag),
                "`flag:` names the phone database's pre-flag column, like `flag: Teams-ready \
                 column`, or is `false` when there is none"
                    .to_string(),
            ),
        }
    }
    if let Some(features) = raw.features {
        policy.features = read_features(&mut v, features);
    }
    if let Some(emails) = raw.emails {
        policy.emails = read_emails(&mut v, &emails);
    }
    if let Some(rules) = raw.rules {
        policy.rules = read_rules(&mut v, rules);
    }
    if let Some(cohorts) = raw.cohorts {
        policy.cohorts = read_cohorts(&mut v, cohorts);
    }
    if let Some(dates) = &raw.dates
        && let Some(style) = v.choice(dates, "dates", &DateStyle::ALL)
    {
        policy.dates = style;
    }
    if let Some(steps) = raw.steps {
        policy.steps = read_steps(&mut v, &steps, policy.flag.is_some(), &raw.flag);
    }
    policy
}

/// A text that must not be blank; `what` is what to write there.
fn text_of(v: &mut Values, value: &Spot<String>, key: &str, what: &str) -> Option<String> {
    let text = value.value.trim();
    if text.is_empty() {
        v.bad(
            line_of(value),
            format!("`{key}:` is empty: write {what}, or leave the key out"),
        );
        return None;
    }
    Some(text.to_string())
}

fn read_features(v: &mut Values, raw: Ordered<Spot<String>, Spot<RawFeature>>) -> Vec<Feature> {
    let mut features: Vec<Feature> = Vec::new();
    for (id, feature) in raw.0 {
        let line = line_of(&id);
        let Some(id) = v.id(&id, "features") else {
            continue;
        };
        let at = line_of(&feature).or(line);
        let label = v.required_text(
            feature.value.label,
            at,
            "label",
            &format!("feature `{id}`"),
            "label: Webex desktop app",
        );
        if features.iter().any(|seen| seen.id == id) {
            v.bad(line, format!("feature `{id}` is listed twice: keep one"));
            continue;
        }
        if let Some(label) = label {
            features.push(Feature {
                id,
                label: label.trim().to_string(),
                lost: feature.value.lost,
            });
        }
    }
    features
}

fn read_emails(v: &mut Values, raw: &[Spot<RawEmail>]) -> Vec<EmailWhen> {
    let mut emails = Vec::new();
    for entry in raw {
        let when = match &entry.value {
            RawEmail::Days(days) => u32::try_from(*days)
                .ok()
                .filter(|&d| (1..=366).contains(&d))
                .map(EmailWhen::DaysBefore),
            RawEmail::Word(word) if word == "last-working-day" => Some(EmailWhen::LastWorkingDay),
            RawEmail::Word(_) => None,
        };
        let Some(when) = when else {
            let written = match &entry.value {
                RawEmail::Days(days) => days.to_string(),
                RawEmail::Word(word) => word.clone(),
            };
            v.bad(
                line_of(entry),
                format!(
                    "`{written}` in `emails:` is not a countdown email: write a number of days \
                     before the move (1 to 366), or `last-working-day`"
                ),
            );
            continue;
        };
        if emails.contains(&when) {
            v.bad(
                line_of(entry),
                "this email is listed twice in `emails:`: keep one".to_string(),
            );
            continue;
        }
        emails.push(when);
    }
    emails
}

fn read_rules(
    v: &mut Values,
    raw: Ordered<Spot<String>, Spot<String>>,
) -> BTreeMap<Rule, Option<Severity>> {
    let mut rules = BTreeMap::new();
    for (id, severity) in raw.0 {
        let Some(rule) = Rule::from_id(&id.value) else {
            let ids = Rule::ALL.iter().map(|r| r.id());
            let fix = match crate::suggest::nearest(&id.value, ids.clone()) {
                Some(near) => format!("did you mean `{near}`?"),
                None => format!("the rules are {}", ids.collect::<Vec<_>>().join(", ")),
            };
            v.bad(
                line_of(&id),
                format!("`{}` in `rules:` is not a rule: {fix}", id.value),
            );
            continue;
        };
        if matches!(rule, Rule::InvalidData | Rule::BrokenLink) {
            v.bad(
                line_of(&id),
                format!(
                    "`{}` cannot be changed: invalid data and broken links always stop a \
                     build; remove it from `rules:`",
                    id.value
                ),
            );
            continue;
        }
        let key = format!("rules: {}", id.value);
        let Some(severity) = v.choice(&severity, &key, &SEVERITIES) else {
            continue;
        };
        if rules.insert(rule, severity).is_some() {
            v.bad(
                line_of(&id),
                format!("`{}` is listed twice in `rules:`: keep one", id.value),
            );
        }
    }
    rules
}

fn read_cohorts(
    v: &mut Values,
    raw: Ordered<Spot<String>, Spot<String>>,
) -> BTreeMap<String, String> {
    let mut cohorts = BTreeMap::new();
    for (id, name) in raw.0 {
        let Some(id) = v.id(&id, "cohorts") else {
            continue;
        };
        let Some(name) = text_of(v, &name, &format!("cohorts: {id}"), "the name pages show") else {
            continue;
        };
        cohorts.insert(id, name);
    }
    cohorts
}

fn read_steps(
    v: &mut Values,
    raw: &[Spot<RawStep>],
    flagged: bool,
    flag: &Option<Spot<RawFlag>>,
) -> Vec<StepSpec> {
    let mut steps = Vec::new();
    for step in raw {
        let line = line_of(step);
        match &step.value {
            RawStep::Builtin(id) => {
                let Some(builtin) = BuiltinStep::ALL.into_iter().find(|b| b.id() == id) else {
                    let ids = BuiltinStep::ALL.map(BuiltinStep::id);
                    let fix = match crate::suggest::nearest(id, ids) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!(
                            "the built-in steps are {}; a step of your own is \
                             `{{title: ..., text: ...}}`",
                            ids.join(", ")
                        ),
                    };
                    v.bad(line, format!("`{id}` in `steps:` is not a step: {fix}"));
                    continue;
                };
                if builtin == BuiltinStep::ReviewFlagged && !flagged {
                    let at = flag.as_ref().and_then(line_of);
                    v.bad(
                        line,
                        format!(
                            "step `review-flagged` needs a pre-flag, but `flag: false`{}: \
                             remove the step or name the flag",
                            at.map(|l| format!(" (line {l})")).unwrap_or_default()
                        ),
                    );
                    continue;
                }
                if steps.contains(&StepSpec::Builtin(builtin)) {
                    v.bad(
                        line,
                        format!("step `{id}` is listed twice in `steps:`: keep one"),
                    );
                    continue;
                }
                steps.push(StepSpec::Builtin(builtin));
            }
            RawStep::Own(own) => {
                let title = v.required_text(
                    own.title.clone(),
                    line,
                    "title",
                    "this step",
                    "title: Book Teams Phone training",
                );
                let text = v.required_text(
                    own.text.clone(),
                    line,
                    "text",
                    "this step",
                    "text: Every member of staff books a session.",
                );
                if let (Some(title), Some(text)) = (title, text) {
                    steps.push(StepSpec::Own {
                        title: title.trim().to_string(),
                        text,
                        line: line.unwrap_or(1),
                    });
                }
            }
        }
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> (Policy, Vec<(Option<u32>, String)>) {
        let mut problems = Vec::new();
        let policy = migration("data/migration.yaml", text, &mut problems);
        let found = problems.into_iter().map(|f| (f.line, f.message)).collect();
        (policy, found)
    }

    #[test]
    fn the_bundled_policy_is_whole() {
        let mut problems = Vec::new();
        let policy = super::read(
            "data/migration.yaml",
            BUNDLED,
            &mut problems,
            DEFAULT.clone(),
        );
        assert_eq!(problems, vec![]);
        assert_eq!(policy, Policy::default());
        // Every key is written there: none keeps the placeholder `DEFAULT` starts from.
        for key in [
            "from:",
            "to:",
            "stay:",
            "flag:",
            "features:",
            "emails:",
            "rules:",
            "cohorts:",
            "dates:",
            "steps:",
        ] {
            assert!(
                BUNDLED.lines().any(|line| line.starts_with(key)),
                "{key} is not in data/migration.yaml"
            );
        }
        // The names read are the ones the file writes.
        let from = BUNDLED.lines().find_map(|l| l.strip_prefix("from: "));
        assert_eq!(Some(policy.from.as_str()), from);
        assert_eq!(policy.features.len(), 4);
        assert_eq!(policy.dates, DateStyle::EnGb);
        assert_eq!(policy.steps.len(), 6);
    }

    #[test]
    fn another_migration_reads_in_full() {
        let (policy, problems) = read(
            "from: Webex Calling\nto: Teams Phone\nstay: false\nflag: false\n\
             features:\n  webex-app: {label: Webex app}\n  call-queue: {label: Call queue agent, lost: true}\n\
             emails: [14, 3, last-working-day]\n\
             rules: {pickup-group-loss: off, late-request: warning}\n\
             cohorts: {arts-sciences: College of Arts & Sciences}\n\
             dates: en-US\n\
             steps:\n  - groups\n  - title: Book training\n    text: Everyone books a *session*.\n  - answer\n",
        );
        assert_eq!(problems, vec![]);
        assert_eq!(policy.from, "Webex Calling");
        assert_eq!(policy.to, "Teams Phone");
        assert!(!policy.stay);
        assert_eq!(policy.flag, None);
        let features: Vec<(&str, &str, bool)> = policy
            .features
            .iter()
            .map(|f| (f.id.as_str(), f.label.as_str(), f.lost))
            .collect();
        assert_eq!(
            features,
            [
                ("webex-app", "Webex app", false),
                ("call-queue", "Call queue agent", true)
            ]
        );
        assert_eq!(
            policy.emails,
            [
                EmailWhen::DaysBefore(14),
                EmailWhen::DaysBefore(3),
                EmailWhen::LastWorkingDay
            ]
        );
        assert_eq!(
            policy.rules,
            [
                (Rule::PickupGroupLoss, None),
                (Rule::LateRequest, Some(Severity::Warning))
            ]
            .into()
        );
        assert_eq!(
            policy.cohorts["arts-sciences"],
            "College of Arts & Sciences"
        );
        assert_eq!(policy.dates, DateStyle::EnUs);
        assert_eq!(
            policy.steps,
            [
                StepSpec::Builtin(BuiltinStep::Groups),
                StepSpec::Own {
                    title: "Book training".into(),
                    text: "Everyone books a *session*.".into(),
                    line: 14
                },
                StepSpec::Builtin(BuiltinStep::Answer),
            ]
        );
    }

    #[test]
    fn every_bad_value_is_reported_with_its_line() {
        let (_, problems) = read(
            "from: ''\nflag: true\nfeatures:\n  Soft Phone: {label: x}\n  app: {}\n\
             emails: [0, 7, 7, tomorrow]\n\
             rules: {broken-link: off, undecidd: info, shared-line: loud}\n\
             cohorts: {uas: ''}\n\
             dates: en-AU\n\
             steps: [review-flagged, answr, {title: Training}]\n",
        );
        let expect: &[(u32, &str)] = &[
            (1, "`from:` is empty"),
            (2, "`flag:` names the phone database's pre-flag column"),
            (4, "`features: Soft Phone` is not a valid id"),
            (5, "feature `app` has no `label`"),
            (6, "`0` in `emails:` is not a countdown email"),
            (6, "this email is listed twice"),
            (6, "`tomorrow` in `emails:` is not a countdown email"),
            (7, "`broken-link` cannot be changed"),
            (
                7,
                "`undecidd` in `rules:` is not a rule: did you mean `undecided`?",
            ),
            (7, "`rules: shared-line: loud` is not allowed"),
            (8, "`cohorts: uas:` is empty"),
            (
                9,
                "`dates: en-AU` is not allowed: use one of en-GB, en-US, iso",
            ),
            (
                10,
                "`answr` in `steps:` is not a step: did you mean `answer`?",
            ),
            (10, "this step has no `text`"),
        ];
        for (line, message) in expect {
            assert!(
                problems
                    .iter()
                    .any(|(l, m)| *l == Some(*line) && m.contains(message)),
                "no problem at line {line} saying {message:?}: {problems:#?}"
            );
        }
        // `review-flagged` is fine while the flag is (`flag: true` kept the default).
        assert_eq!(problems.len(), expect.len(), "{problems:#?}");
    }

    #[test]
    fn a_mistake_in_an_own_step_names_the_key_and_the_keys_allowed() {
        let (_, problems) = read("steps:\n  - answer\n  - {title: Training, txet: Book it.}\n");
        assert_eq!(
            problems,
            [(
                Some(3),
                "unknown key `txet` in migration.yaml: did you mean `text`?".to_string()
            )]
        );
        let (_, problems) = read("steps: [answer, 3]\n");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert!(problems[0].1.contains("expected a built-in step's id"));
    }

    #[test]
    fn review_flagged_needs_a_flag() {
        let (_, problems) = read("flag: false\nsteps: [review-flagged, answer]\n");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].0, Some(2));
        assert!(
            problems[0].1.contains("`flag: false` (line 1)"),
            "{problems:#?}"
        );
    }
}
