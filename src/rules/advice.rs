//! A finding as a unit's checklist tells it to the coordinator: what to decide or whom to
//! tell, in the policy's words, without the data's file, keys or rule ids (those are for
//! whoever keeps the data, in `cutover check`'s report).

use super::status::{self, Status};
use super::{Analysis, Index, groups};
use crate::finding::{Finding, Rule};
use crate::model::{Decision, Group, GroupKind};

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// `70001 moves`, `70001 and 70002 move`.
fn verb(items: &[String], one: &str, many: &str) -> String {
    let verb = if items.len() == 1 { one } else { many };
    format!("{} {verb}", and_list(items))
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// What the checklist says of `f`; `group` is the group it is about, if it is about one.
pub fn for_coordinator(
    f: &Finding,
    index: &Index,
    analysis: &Analysis,
    group: Option<&Group>,
) -> String {
    let policy = &index.model.policy;
    let (from, to) = (&policy.from, &policy.to);
    let line = f
        .exts
        .first()
        .and_then(|ext| index.by_ext.get(ext.as_str()).copied());
    let ext = f.exts.first().map(String::as_str).unwrap_or_default();
    let tranche = f.tranche.unwrap_or_default();
    let group_id = f.group.as_deref().unwrap_or_default();
    match (f.rule, line) {
        (
            Rule::SeparateTeams | Rule::SharedLine | Rule::CriticalLine | Rule::ContactCentre,
            Some(id),
        ) => {
            let (unit, l) = (index.unit(id), index.line(id));
            let reason = status::blocks(unit, l)
                .into_iter()
                .find(|b| b.rule() == f.rule)
                .map_or("", |b| b.reason());
            let fate = if policy.stay {
                format!("It stays on the upgraded {from}")
            } else {
                "It needs its own arrangement: agree on one with the project".to_string()
            };
            if l.decision == Some(Decision::Move) {
                format!(
                    "Extension {ext} was marked to move to {to}, but it cannot: {reason}. {fate}; \
                     tell the project, and tell its users."
                )
            } else {
                format!("Extension {ext} cannot move to {to}: {reason}. {fate}; tell its users.")
            }
        }
        (Rule::FeaturesLost, Some(id)) => {
            let lost: Vec<String> = index
                .line(id)
                .uses
                .iter()
                .filter_map(|u| policy.feature(u))
                .filter(|f| f.lost)
                .map(|f| f.label.clone())
                .collect();
            format!(
                "Extension {ext} stays on {from}, so its holder loses {}: check that they \
                 accept that, or decide to move the line.",
                and_list(&lost)
            )
        }
        (Rule::Undecided, _) => {
            let why = match &policy.flag {
                Some(flag) => format!("is flagged in the {flag} but "),
                None => String::new(),
            };
            format!(
                "Extension {ext} {why}has no decision yet: decide whether it moves to {to} or \
                 stays on {from}, and tell the project."
            )
        }
        (Rule::UnflaggedMove, _) => {
            let flag = policy.flag.as_deref().unwrap_or_default();
            format!(
                "Extension {ext} moves to {to} but is not flagged in the {flag}: the project \
                 needs to arrange a {to} licence for it."
            )
        }
        (Rule::PickupGroupLoss, _) => format!(
            "Extension {ext} moves, so it leaves pickup group `{group_id}`: tell the group's \
             members they can no longer pick up each other's calls."
        ),
        (Rule::HuntGroupSplit | Rule::ExecutiveSplit | Rule::GroupUndecided, _) => {
            group_advice(f, index, analysis, group)
        }
        (Rule::DelegationNoWhitelist, _) => format!(
            "Executive group `{group_id}` moves to {to}, whose delegation has no white list: \
             calls will no longer go straight to the manager, so tell the manager and their \
             delegates."
        ),
        (Rule::LateRequest, _) => format!(
            "Extension {ext} asked to move after the response deadline: it moves in the late \
             tranche {tranche}; tell its holder."
        ),
        (Rule::GroupTrancheAligned, _) => format!(
            "Extension {ext} moves in tranche {tranche}, with the rest of its group \
             `{group_id}`, so that the group moves together; tell its holder."
        ),
        (Rule::TrancheOverrideConflict, Some(id)) => {
            let asked = index.line(id).tranche.unwrap_or_default();
            format!(
                "Extension {ext} was asked to move in tranche {asked}, but its group \
                 `{group_id}` moves together, in tranche {tranche}: tell the project whether \
                 the whole group should move in tranche {asked}, or {ext} with the group."
            )
        }
        (Rule::UnitNotResponded, _) => "The response deadline has passed and the project has \
                                         no answer from you yet: send it your decisions."
            .to_string(),
        (Rule::RespondedInFuture, _) => {
            "The date of your answer is recorded as later than today: tell the project the day \
             you answered."
                .to_string()
        }
        _ => capitalised(&f.message),
    }
}

/// A hunt or executive group split or partly undecided, by its members' statuses.
fn group_advice(f: &Finding, index: &Index, analysis: &Analysis, group: Option<&Group>) -> String {
    let Some(group) = group else {
        return capitalised(&f.message);
    };
    let what = match group.kind {
        GroupKind::Executive => "Executive group",
        _ => "Hunt group",
    };
    let stay = index.model.policy.stay;
    let members = groups::members(index, group);
    let with = |want: &[Status]| -> Vec<String> {
        members
            .iter()
            .filter(|m| want.contains(&analysis.status_of(**m)))
            .map(|m| index.line(*m).ext.clone())
            .collect()
    };
    let (moving, id) = (with(&[Status::Moving]), &group.id);
    if f.rule == Rule::GroupUndecided {
        let undecided = with(&[Status::Undecided]);
        return format!(
            "{what} `{id}` moves as one, but only some of its members are decided: {}, and \
             {} no decision yet. Decide for the rest, and tell the project.",
            verb(&moving, "moves", "move"),
            verb(&undecided, "has", "have")
        );
    }
    if stay {
        let apart = with(&[Status::Staying, Status::Blocked]);
        format!(
            "{what} `{id}` moves or stays as one, but {} and {}. Decide together whether \
             the whole group moves or stays, and tell the project.",
            verb(&moving, "moves", "move"),
            verb(&apart, "stays or cannot move", "stay or cannot move")
        )
    } else {
        let apart = with(&[Status::Blocked]);
        format!(
            "{what} `{id}` moves as one, but {} cannot move. Agree the group's move with \
             the project.",
            and_list(&apart)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_read_as_english() {
        let one = vec!["70001".to_string()];
        let two = vec!["70001".to_string(), "70002".to_string()];
        assert_eq!(verb(&one, "moves", "move"), "70001 moves");
        assert_eq!(verb(&two, "moves", "move"), "70001 and 70002 move");
        assert_eq!(capitalised("hunt"), "Hunt");
    }
}
