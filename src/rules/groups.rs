//! Rules about groups: hunt and executive groups hold together, pickup groups are lost,
//! and Teams delegation has no white list.

use super::status::Status;
use super::{Index, LineId};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{Group, GroupKind, Unit};

/// The members of a group that resolve to lines, with their ids.
pub fn members(index: &Index, group: &Group) -> Vec<LineId> {
    group
        .members
        .iter()
        .filter_map(|ext| index.by_ext.get(ext.as_str()).copied())
        .collect()
}

fn group_finding(
    unit: &Unit,
    group: &Group,
    rule: Rule,
    severity: Severity,
    message: String,
) -> Finding {
    Finding::new(rule, severity, &unit.file, Some(group.line), message)
        .unit(&unit.id)
        .group(&group.id)
        .exts(&group.members)
}

pub fn check(index: &Index, statuses: &[Vec<Status>], out: &mut Vec<Finding>) {
    let stay = index.model.policy.stay;
    for unit in &index.model.units {
        for group in &unit.groups {
            let members = members(index, group);
            let status = |id: &LineId| statuses[id.0][id.1];
            let count =
                |want: &[Status]| members.iter().filter(|m| want.contains(&status(m))).count();
            let moving = count(&[Status::Moving]);
            // The members with one of these statuses, as `70123, 70124`; with `files`, each
            // member of another unit with the file it is written in, where its decision is
            // made (not its line: this unit's checklist would change whenever lines move in
            // that file).
            let exts = |want: &[Status], files: bool| {
                members
                    .iter()
                    .filter(|m| want.contains(&status(m)))
                    .map(|m| {
                        let (owner, line) = (index.unit(*m), index.line(*m));
                        if files && owner.file != unit.file {
                            format!("{} in {}", line.ext, owner.file)
                        } else {
                            line.ext.clone()
                        }
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let id = &group.id;
            match group.kind {
                GroupKind::Pickup => {
                    for m in members.iter().filter(|m| status(m) == Status::Moving) {
                        let (owner, line) = (index.unit(*m), index.line(*m));
                        out.push(
                            Finding::new(
                                Rule::PickupGroupLoss,
                                Severity::Warning,
                                line.file(&owner.file),
                                Some(line.line),
                                format!(
                                    "extension {} moves, so it leaves pickup group `{id}`: \
                                    tell its \
                                    members they can no longer pick up each other's calls",
                                    line.ext
                                ),
                            )
                            .unit(&owner.id)
                            .group(id)
                            .exts([&line.ext]),
                        );
                    }
                }
                GroupKind::Hunt | GroupKind::Executive => {
                    let (split_rule, what) = match group.kind {
                        GroupKind::Hunt => (Rule::HuntGroupSplit, "hunt group"),
                        _ => (Rule::ExecutiveSplit, "executive group"),
                    };
                    let apart = exts(&[Status::Staying, Status::Blocked], true);
                    if moving > 0 && !apart.is_empty() {
                        out.push(group_finding(
                            unit,
                            group,
                            split_rule,
                            Severity::Error,
                            if stay {
                                format!(
                                    "{what} `{id}` is split (moving: {}; staying or unable \
                                    to move: {apart}): the whole group moves or stays, so align \
                                    the decisions",
                                    exts(&[Status::Moving], false)
                                )
                            } else {
                                // No one stays: the members that cannot move are the
                                // project's to arrange.
                                format!(
                                    "{what} `{id}` is split (moving: {}; unable to move: \
                                    {apart}): the whole group moves as one, so arrange its move \
                                    with the project",
                                    exts(&[Status::Moving], false)
                                )
                            },
                        ));
                    }
                    let undecided = exts(&[Status::Undecided], true);
                    if moving > 0 && !undecided.is_empty() {
                        out.push(group_finding(
                            unit,
                            group,
                            Rule::GroupUndecided,
                            Severity::Warning,
                            format!(
                                "{what} `{id}` is partly undecided (moving: {}; \
                                    undecided: \
                                {undecided}): decide the rest, the group moves as one",
                                exts(&[Status::Moving], false)
                            ),
                        ));
                    }
                    if group.kind == GroupKind::Executive
                        && !members.is_empty()
                        && moving == members.len()
                    {
                        out.push(group_finding(
                            unit,
                            group,
                            Rule::DelegationNoWhitelist,
                            Severity::Info,
                            format!(
                                "executive group `{id}` moves: {} delegation has no white list, \
                                 so calls no longer go straight to the manager",
                                index.model.policy.to
                            ),
                        ));
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::status::{
        self,
        tests::{line, unit},
    };
    use super::*;
    use crate::model::{Decision, Model};

    /// A member's decision; `None` for a shared line.
    type Member = Option<Option<Decision>>;
    /// Rule, severity and how many extensions the finding names.
    type Expected = (&'static str, Severity, usize);

    /// Members are given as decisions; `None` in the outer option means a shared line.
    fn rules_for(kind: GroupKind, members: &[Member]) -> Vec<Expected> {
        let mut u = unit();
        let mut exts = Vec::new();
        for (i, m) in members.iter().enumerate() {
            let mut l = line(&format!("7000{i}"));
            match m {
                Some(d) => l.decision = *d,
                None => l.holder = None,
            }
            exts.push(l.ext.clone());
            u.lines.push(l);
        }
        u.groups.push(Group {
            id: "g".into(),
            kind,
            members: exts,
            member_lines: vec![],
            manager: None,
            manager_line: 9,
            line: 9,
        });
        let model = Model {
            units: vec![u],
            ..Model::default()
        };
        let index = Index::new(&model);
        let statuses = status::all(&model);
        let mut out = Vec::new();
        check(&index, &statuses, &mut out);
        out.iter()
            .map(|f| (f.rule.id(), f.severity, f.exts.len()))
            .collect()
    }

    #[test]
    fn members_in_other_units_are_named_with_their_file() {
        let mut here = unit();
        let mut mover = line("70001");
        mover.decision = Some(Decision::Move);
        here.lines.push(line("70002"));
        here.lines.push(mover);
        let mut there = unit();
        there.id = "law".into();
        there.file = "data/units/law.yaml".into();
        let mut undecided = line("80001");
        undecided.line = 12;
        there.lines.push(undecided);
        let mut stayer = line("80002");
        stayer.decision = Some(Decision::Stay);
        stayer.line = 17;
        there.lines.push(stayer);
        here.groups.push(Group {
            id: "g".into(),
            kind: GroupKind::Hunt,
            members: vec![
                "70001".into(),
                "70002".into(),
                "80001".into(),
                "80002".into(),
            ],
            member_lines: vec![],
            manager: None,
            manager_line: 9,
            line: 9,
        });
        let model = Model {
            units: vec![here, there],
            ..Model::default()
        };
        let index = Index::new(&model);
        let statuses = status::all(&model);
        let mut out = Vec::new();
        check(&index, &statuses, &mut out);
        let messages: Vec<&str> = out.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(
            messages,
            vec![
                "hunt group `g` is split (moving: 70001; staying or unable to move: \
                    80002 in \
                    data/units/law.yaml): the whole group moves or stays, so align the decisions",
                "hunt group `g` is partly undecided (moving: 70001; undecided: 70002, \
                    80001 in \
                    data/units/law.yaml): decide the rest, the group moves as one",
            ]
        );
    }

    #[test]
    fn group_rules() {
        use Severity::*;
        let mv = Some(Some(Decision::Move));
        let st = Some(Some(Decision::Stay));
        let und = Some(None);
        let shared = None;
        let cases: Vec<(GroupKind, Vec<Member>, Vec<Expected>)> = vec![
            (GroupKind::Hunt, vec![mv, mv], vec![]),
            (GroupKind::Hunt, vec![st, st], vec![]),
            (
                GroupKind::Hunt,
                vec![mv, st],
                vec![("hunt-group-split", Error, 2)],
            ),
            (
                GroupKind::Hunt,
                vec![mv, shared, mv],
                vec![("hunt-group-split", Error, 3)],
            ),
            (
                GroupKind::Hunt,
                vec![mv, und],
                vec![("group-undecided", Warning, 2)],
            ),
            (GroupKind::Hunt, vec![st, und], vec![]),
            (
                GroupKind::Executive,
                vec![mv, st],
                vec![("executive-split", Error, 2)],
            ),
            (
                GroupKind::Executive,
                vec![mv, und],
                vec![("group-undecided", Warning, 2)],
            ),
            (
                GroupKind::Executive,
                vec![mv, mv],
                vec![("delegation-no-whitelist", Info, 2)],
            ),
            (GroupKind::Executive, vec![st, st], vec![]),
            (
                GroupKind::Pickup,
                vec![mv, st, mv],
                vec![
                    ("pickup-group-loss", Warning, 1),
                    ("pickup-group-loss", Warning, 1),
                ],
            ),
            (GroupKind::Pickup, vec![st, und], vec![]),
        ];
        for (kind, members, want) in cases {
            assert_eq!(rules_for(kind, &members), want, "{kind:?} {members:?}");
        }
    }

    /// SPEC §9, `stay: false`: every member that can move moves, so a group is split only
    /// by members that cannot, and is never partly undecided.
    #[test]
    fn where_no_one_stays() {
        let mut u = unit();
        let mut shared = line("70001");
        shared.holder = None;
        u.lines = vec![line("70000"), shared, line("70002")];
        u.groups.push(Group {
            id: "g".into(),
            kind: GroupKind::Hunt,
            members: vec!["70000".into(), "70001".into(), "70002".into()],
            member_lines: vec![],
            manager: None,
            manager_line: 9,
            line: 9,
        });
        let mut model = Model {
            units: vec![u],
            ..Model::default()
        };
        model.policy.stay = false;
        let mut out = Vec::new();
        check(&Index::new(&model), &status::all(&model), &mut out);
        let found: Vec<(&str, &str)> = out
            .iter()
            .map(|f| (f.rule.id(), f.message.as_str()))
            .collect();
        assert_eq!(
            found,
            [(
                "hunt-group-split",
                "hunt group `g` is split (moving: 70000, 70002; unable to move: 70001): the \
                    whole group moves as one, so arrange its move with the project"
            )]
        );
    }
}
