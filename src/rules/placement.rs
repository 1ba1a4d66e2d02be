//! Placing moving lines in tranches: each line's own tranche, hunt and executive groups
//! moved together to the latest of their members' tranches, and capacity.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;
use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::status::Status;
use super::{Index, LineId, groups};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{Capacity, Line, Tranche, Unit};

/// How a line's own tranche was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reason {
    Manual,
    Pilot,
    Late,
    Cohort,
    CatchAll,
}

/// Rule 1: the tranche a moving line would take on its own.
pub fn own_tranche(
    tranches: &[Tranche],
    unit: &Unit,
    line: &Line,
    deadline: Option<NaiveDate>,
) -> Option<(usize, Reason)> {
    let find = |pred: &dyn Fn(&Tranche) -> bool| tranches.iter().position(pred);
    if let Some(n) = line.tranche {
        return find(&|t| t.number == n).map(|i| (i, Reason::Manual));
    }
    if line.pilot
        && let Some(i) = find(&|t| t.pilot)
    {
        return Some((i, Reason::Pilot));
    }
    let late = matches!((line.requested, deadline), (Some(r), Some(d)) if r > d);
    if late && let Some(i) = find(&|t| t.late) {
        return Some((i, Reason::Late));
    }
    if let Some(cohort) = &unit.cohort
        && let Some(i) = find(&|t| t.names_cohort(cohort))
    {
        return Some((i, Reason::Cohort));
    }
    find(&|t| t.is_catch_all()).map(|i| (i, Reason::CatchAll))
}

/// A union-find over line positions, to join groups that share members.
struct Components(Vec<usize>);

impl Components {
    fn find(&mut self, mut x: usize) -> usize {
        while self.0[x] != x {
            self.0[x] = self.0[self.0[x]];
            x = self.0[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        if ra != rb {
            self.0[ra] = rb;
        }
    }
}

/// Places every moving line: rules 1 and 2. Returns `placed[unit][line]` (tranche numbers).
pub fn place(
    index: &Index,
    statuses: &[Vec<Status>],
    deadline: Option<NaiveDate>,
    out: &mut Vec<Finding>,
) -> Vec<Vec<Option<u32>>> {
    let model = index.model;
    let tranches = &model.tranches;
    let ids: Vec<LineId> = index.all().collect();
    // A line's position among all lines: its unit's first position, plus its own index.
    let mut first = Vec::with_capacity(model.units.len());
    let mut next = 0;
    for unit in &model.units {
        first.push(next);
        next += unit.lines.len();
    }
    let position = |id: &LineId| first[id.0] + id.1;
    let moving = |id: &LineId| statuses[id.0][id.1] == Status::Moving;

    // Each line's own tranche depends on that line alone: worked out on both cores.
    let own: Vec<Option<(usize, Reason)>> = ids
        .par_iter()
        .map(|id| {
            moving(id)
                .then(|| own_tranche(tranches, index.unit(*id), index.line(*id), deadline))
                .flatten()
        })
        .collect();

    // Rule 2: hunt and executive groups, joined through shared members.
    let mut components = Components((0..ids.len()).collect());
    let mut group_of: FxHashMap<usize, Vec<&str>> = FxHashMap::default();
    for unit in &model.units {
        for group in unit.groups.iter().filter(|g| g.kind.moves_together()) {
            let members: Vec<usize> = groups::members(index, group).iter().map(position).collect();
            for &m in &members {
                group_of.entry(m).or_default().push(&group.id);
            }
            for pair in members.windows(2) {
                components.union(pair[0], pair[1]);
            }
        }
    }
    let order = |i: usize| (tranches[i].date, tranches[i].number);
    // Per group component, by its root: its latest tranche, and the first line that takes
    // it there. Every moving line is a component, most of them alone: kept by position,
    // not hashed.
    let mut latest: Vec<Option<(usize, usize)>> = vec![None; ids.len()];
    for (pos, own) in own.iter().enumerate() {
        if let Some((t, _)) = own {
            let entry = latest[components.find(pos)].get_or_insert((*t, pos));
            if order(*t) > order(entry.0) {
                *entry = (*t, pos);
            }
        }
    }

    let mut placed: Vec<Vec<Option<u32>>> = model
        .units
        .iter()
        .map(|u| vec![None; u.lines.len()])
        .collect();
    // Per group component, its placed lines: made at the first conflict, which most
    // sites never have.
    let mut lines_of: Option<HashMap<usize, Vec<usize>>> = None;
    for (pos, id) in ids.iter().enumerate() {
        let Some((own_t, reason)) = own[pos] else {
            continue;
        };
        let Some((target, leader)) = latest[components.find(pos)] else {
            continue;
        };
        let (unit, line) = (index.unit(*id), index.line(*id));
        placed[id.0][id.1] = Some(tranches[target].number);
        let finding = |rule, severity, message| {
            let f = super::lines::finding(unit, line, rule, severity, message)
                .tranche(tranches[target].number);
            match group_of.get(&pos).and_then(|g| g.first()) {
                Some(g) => f.group(g),
                None => f,
            }
        };
        // The line's groups, as findings name them: only a finding needs them.
        let groups = || group_of.get(&pos).map(|g| code_list(g)).unwrap_or_default();
        let leader_ext = &index.line(ids[leader]).ext;
        if target != own_t && reason == Reason::Manual {
            let lines_of = lines_of.get_or_insert_with(|| {
                let mut by_root: HashMap<usize, Vec<usize>> = HashMap::new();
                for (p, own) in own.iter().enumerate() {
                    if own.is_some() {
                        by_root.entry(components.find(p)).or_default().push(p);
                    }
                }
                by_root
            });
            let together = &lines_of[&components.find(pos)];
            let mut others: Vec<usize> = together.iter().copied().filter(|&p| p != pos).collect();
            // As reports list lines: by extension, numerically.
            others.sort_by_key(|&p| {
                let ext = &index.line(ids[p]).ext;
                (ext.len(), ext.clone())
            });
            let manual = tranches[own_t].number;
            let other_exts: Vec<&str> = others
                .iter()
                .map(|&p| index.line(ids[p]).ext.as_str())
                .collect();
            let mut joined: Vec<&str> = Vec::new();
            for p in &others {
                for g in group_of.get(p).into_iter().flatten() {
                    let mine = group_of.get(&pos).is_some_and(|m| m.contains(g));
                    if !joined.contains(g) && !mine {
                        joined.push(g);
                    }
                }
            }
            let groups = if joined.is_empty() {
                groups()
            } else {
                format!(
                    "{}, joined by a shared member to {}",
                    groups(),
                    code_list(&joined)
                )
            };
            let mut conflict = finding(
                Rule::TrancheOverrideConflict,
                Severity::Error,
                format!(
                    "extension {} has `tranche: {manual}`, but its group ({groups}) \
                        moves \
                        together, in tranche {}: set `tranche: {manual}` on {} too to move the \
                            whole group in tranche {manual}, or remove `tranche: {manual}` from {} \
                                to move it with the group",
                    line.ext,
                    tranches[target].number,
                    and_list(&other_exts),
                    line.ext
                ),
            );
            conflict
                .exts
                .extend(others.iter().map(|&p| index.line(ids[p]).ext.clone()));
            out.push(conflict);
        } else if target != own_t {
            out.push(finding(
                Rule::GroupTrancheAligned,
                Severity::Info,
                format!(
                    "extension {} moves in tranche {} instead of {}, with {leader_ext}, so \
                    that its \
                    group ({}) moves together",
                    line.ext,
                    tranches[target].number,
                    tranches[own_t].number,
                    groups()
                ),
            ));
        }
        if reason == Reason::Late {
            let mut late = finding(
                Rule::LateRequest,
                Severity::Info,
                format!(
                    "extension {} asked to move on {}, after the response deadline: it \
                        goes in the \
                        late tranche {}",
                    line.ext,
                    line.requested.map(|d| d.to_string()).unwrap_or_default(),
                    tranches[own_t].number
                ),
            );
            // It is about the request, not a group.
            late.group = None;
            out.push(late);
        }
    }
    placed
}

/// Ids as `` `a`, `b` ``.
fn code_list(ids: &[&str]) -> String {
    ids.iter()
        .map(|id| format!("`{id}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// `a`, `a and b`, `a, b and c`.
fn and_list(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// How full a tranche is.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Load {
    pub placed: u32,
    /// Lines per cohort of their unit (units without a cohort are not counted here).
    pub per_cohort: BTreeMap<String, u32>,
}

/// Rule 3: counts the lines placed in each tranche and reports those over capacity.
pub fn loads(index: &Index, placed: &[Vec<Option<u32>>], out: &mut Vec<Finding>) -> Vec<Load> {
    let tranches = &index.model.tranches;
    let slot: HashMap<u32, usize> = tranches
        .iter()
        .enumerate()
        .map(|(i, t)| (t.number, i))
        .collect();
    let mut loads = vec![Load::default(); tranches.len()];
    // A unit's lines counted per tranche, then added to its cohort's count once.
    let mut of_unit = vec![0; tranches.len()];
    for (unit, placed) in index.model.units.iter().zip(placed) {
        of_unit.fill(0);
        for number in placed.iter().flatten() {
            of_unit[slot[number]] += 1;
        }
        for (load, &count) in loads.iter_mut().zip(&of_unit) {
            load.placed += count;
            if let Some(cohort) = unit.cohort.as_ref().filter(|_| count > 0) {
                *load.per_cohort.entry(cohort.clone()).or_default() += count;
            }
        }
    }
    for (t, load) in tranches.iter().zip(&loads) {
        let over = |what: String, count: u32, cap: u32| {
            Finding::new(
                Rule::TrancheOverCapacity,
                Severity::Error,
                "data/tranches.yaml",
                Some(t.line),
                format!(
                    "tranche {} has {count} {what} placed for {}: raise its capacity or move {} \
                     to another tranche",
                    t.number,
                    super::counted(cap, "place", "places"),
                    super::counted(count - cap, "line", "lines"),
                ),
            )
            .tranche(t.number)
        };
        match &t.capacity {
            Some(Capacity::Total(cap)) if load.placed > *cap => {
                out.push(over("lines".into(), load.placed, *cap))
            }
            Some(Capacity::PerCohort(map)) => {
                for (cohort, cap) in map {
                    let count = load.per_cohort.get(cohort).copied().unwrap_or(0);
                    if count > *cap {
                        out.push(
                            over(
                                format!(
                                    "{cohort} \
                            lines"
                                ),
                                count,
                                *cap,
                            )
                            .cohort(cohort),
                        );
                    }
                }
            }
            _ => {}
        }
    }
    loads
}

#[cfg(test)]
mod tests {
    use super::super::status::{
        self,
        tests::{line, unit},
    };
    use super::*;
    use crate::model::{Decision, Group, GroupKind, Model};

    fn tranche(
        number: u32,
        day: u32,
        pilot: bool,
        late: bool,
        capacity: Option<Capacity>,
    ) -> Tranche {
        Tranche {
            number,
            date: NaiveDate::from_ymd_opt(2022, 6, day).unwrap(),
            label: None,
            pilot,
            late,
            capacity,
            line: number,
        }
    }

    fn cohorts(list: &[(&str, u32)]) -> Option<Capacity> {
        Some(Capacity::PerCohort(
            list.iter().map(|(c, n)| (c.to_string(), *n)).collect(),
        ))
    }

    fn tranches() -> Vec<Tranche> {
        vec![
            tranche(1, 1, true, false, Some(Capacity::Total(1))),
            tranche(2, 13, false, false, cohorts(&[("college", 1), ("uas", 5)])),
            tranche(3, 20, false, false, cohorts(&[("department", 5)])),
            tranche(4, 27, false, true, None),
        ]
    }

    fn date(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn own_tranches() {
        let ts = tranches();
        let deadline = Some(date("2022-04-14"));
        // (cohort, pilot, requested, manual) -> (tranche number, reason)
        let cases = [
            ("department", false, None, None, Some((3, Reason::Cohort))),
            ("college", false, None, None, Some((2, Reason::Cohort))),
            ("college", true, None, None, Some((1, Reason::Pilot))),
            (
                "college",
                false,
                Some("2022-04-20"),
                None,
                Some((4, Reason::Late)),
            ),
            (
                "college",
                false,
                Some("2022-04-14"),
                None,
                Some((2, Reason::Cohort)),
            ),
            (
                "college",
                true,
                Some("2022-04-20"),
                Some(3),
                Some((3, Reason::Manual)),
            ),
            ("other", false, None, None, None),
        ];
        for (cohort, pilot, requested, manual, want) in cases {
            let mut u = unit();
            u.cohort = Some(cohort.into());
            let mut l = line("70001");
            l.pilot = pilot;
            l.requested = requested.map(date);
            l.tranche = manual;
            let got = own_tranche(&ts, &u, &l, deadline).map(|(i, r)| (ts[i].number, r));
            assert_eq!(got, want, "{cohort} {pilot} {requested:?} {manual:?}");
        }
        // A catch-all tranche takes cohorts nobody names.
        let ts = vec![
            tranche(1, 1, true, false, None),
            tranche(2, 13, false, false, Some(Capacity::Total(9))),
        ];
        let mut u = unit();
        u.cohort = Some("anything".into());
        assert_eq!(
            own_tranche(&ts, &u, &line("70001"), deadline).map(|(i, r)| (ts[i].number, r)),
            Some((2, Reason::CatchAll))
        );
    }

    struct Run {
        placed: Vec<Option<u32>>,
        rules: Vec<(&'static str, String)>,
        loads: Vec<Load>,
    }

    /// One unit per line: (cohort, manual tranche, requested); all moving. Groups by member index.
    fn run(lines: &[(&str, Option<u32>, Option<&str>)], groups: &[(GroupKind, &[usize])]) -> Run {
        run_findings(lines, groups, &mut Vec::new())
    }

    /// [`run`], keeping the findings whole in `out`.
    fn run_findings(
        lines: &[(&str, Option<u32>, Option<&str>)],
        groups: &[(GroupKind, &[usize])],
        out: &mut Vec<Finding>,
    ) -> Run {
        let mut model = Model {
            tranches: tranches(),
            ..Model::default()
        };
        for (i, (cohort, manual, requested)) in lines.iter().enumerate() {
            let mut u = unit();
            u.id = format!("u{i}");
            u.cohort = Some(cohort.to_string());
            let mut l = line(&format!("7000{i}"));
            l.decision = Some(Decision::Move);
            l.ms_teams = true;
            l.tranche = *manual;
            l.requested = requested.map(date);
            u.lines.push(l);
            model.units.push(u);
        }
        for (g, (kind, members)) in groups.iter().enumerate() {
            model.units[0].groups.push(Group {
                id: format!("g{g}"),
                kind: *kind,
                members: members.iter().map(|i| format!("7000{i}")).collect(),
                member_lines: vec![],
                manager: None,
                manager_line: 50,
                line: 50,
            });
        }
        let index = Index::new(&model);
        let statuses = status::all(&model);
        let placed = place(&index, &statuses, Some(date("2022-04-14")), out);
        let loads = loads(&index, &placed, out);
        Run {
            placed: placed.into_iter().map(|p| p[0]).collect(),
            rules: out
                .iter()
                .map(|f| (f.rule.id(), f.exts.join(" ")))
                .collect(),
            loads,
        }
    }

    #[test]
    fn groups_move_to_their_latest_tranche() {
        let r = run(
            &[("college", None, None), ("department", None, None)],
            &[(GroupKind::Hunt, &[0, 1])],
        );
        assert_eq!(r.placed, vec![Some(3), Some(3)]);
        assert_eq!(
            r.rules,
            vec![("group-tranche-aligned", "70000".to_string())]
        );

        // Pickup groups do not hold together.
        let r = run(
            &[("college", None, None), ("department", None, None)],
            &[(GroupKind::Pickup, &[0, 1])],
        );
        assert_eq!(r.placed, vec![Some(2), Some(3)]);
        assert!(r.rules.is_empty());

        // Transitively, through a shared member.
        let r = run(
            &[
                ("college", None, None),
                ("uas", None, None),
                ("department", None, None),
            ],
            &[(GroupKind::Executive, &[0, 1]), (GroupKind::Hunt, &[1, 2])],
        );
        assert_eq!(r.placed, vec![Some(3), Some(3), Some(3)]);
        assert_eq!(
            r.rules
                .iter()
                .filter(|(rule, _)| *rule == "group-tranche-aligned")
                .count(),
            2
        );
    }

    #[test]
    fn manual_tranche_that_splits_a_group_conflicts() {
        let r = run(
            &[("department", Some(2), None), ("department", None, None)],
            &[(GroupKind::Hunt, &[0, 1])],
        );
        assert_eq!(r.placed, vec![Some(3), Some(3)]);
        assert_eq!(
            r.rules,
            vec![("tranche-override-conflict", "70000 70001".to_string())]
        );
        // A manual tranche later than the group's pulls the group along instead.
        let r = run(
            &[("department", Some(4), None), ("department", None, None)],
            &[(GroupKind::Hunt, &[0, 1])],
        );
        assert_eq!(r.placed, vec![Some(4), Some(4)]);
        assert_eq!(
            r.rules,
            vec![("group-tranche-aligned", "70001".to_string())]
        );
    }

    #[test]
    fn a_conflict_names_every_member_and_what_to_set() {
        let messages = |groups: &[(GroupKind, &[usize])],
                        lines: &[(&str, Option<u32>, Option<&str>)]| {
            let mut out = Vec::new();
            run_findings(lines, groups, &mut out);
            out.into_iter()
                .filter(|f| f.rule == Rule::TrancheOverrideConflict)
                .map(|f| (f.exts.join(" "), f.message))
                .collect::<Vec<_>>()
        };
        let got = messages(
            &[(GroupKind::Hunt, &[0, 1, 2])],
            &[
                ("department", Some(2), None),
                ("department", None, None),
                ("department", None, None),
            ],
        );
        assert_eq!(
            got,
            vec![(
                "70000 70001 70002".to_string(),
                "extension 70000 has `tranche: 2`, but its group (`g0`) moves \
                    together, in tranche \
                    3: set `tranche: 2` on 70001 and 70002 too to move the whole group in tranche \
                        2, or remove `tranche: 2` from 70000 to move it with the group"
                    .to_string()
            )]
        );
        // Joined through a shared member: the other group's lines move with it too.
        let got = messages(
            &[(GroupKind::Hunt, &[0, 1]), (GroupKind::Executive, &[1, 2])],
            &[
                ("department", Some(2), None),
                ("college", None, None),
                ("department", None, None),
            ],
        );
        assert_eq!(
            got,
            vec![(
                "70000 70001 70002".to_string(),
                "extension 70000 has `tranche: 2`, but its group (`g0`, joined by a \
                    shared member \
                    to `g1`) moves together, in tranche 3: set `tranche: 2` on 70001 and 70002 too \
                        to move the whole group in tranche 2, or remove `tranche: 2` from 70000 to \
                            move it with the group"
                    .to_string()
            )]
        );
    }

    #[test]
    fn late_requests_go_to_the_late_tranche() {
        let r = run(&[("college", None, Some("2022-05-01"))], &[]);
        assert_eq!(r.placed, vec![Some(4)]);
        assert_eq!(r.rules, vec![("late-request", "70000".to_string())]);
    }

    #[test]
    fn capacity_counts_lines_and_cohorts() {
        let r = run(&[("college", Some(1), None), ("uas", Some(1), None)], &[]);
        assert_eq!(r.loads[0].placed, 2);
        assert_eq!(r.rules, vec![("tranche-over-capacity", String::new())]);
        let r = run(
            &[
                ("college", None, None),
                ("college", None, None),
                ("uas", None, None),
            ],
            &[],
        );
        assert_eq!(r.loads[1].per_cohort.get("college"), Some(&2));
        assert_eq!(r.rules, vec![("tranche-over-capacity", String::new())]);
        let r = run(&[("college", None, None), ("uas", None, None)], &[]);
        assert!(r.rules.is_empty());
    }
}
