//! Line status: blocked, moving, staying or undecided.

use serde::Serialize;

use crate::finding::Rule;
use crate::model::{Decision, Line, Model, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Status {
    Moving,
    Staying,
    Blocked,
    Undecided,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Moving => "moving",
            Status::Staying => "staying",
            Status::Blocked => "blocked",
            Status::Undecided => "undecided",
        }
    }
}

/// How many lines have each status.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    pub lines: usize,
    pub moving: usize,
    pub staying: usize,
    pub blocked: usize,
    pub undecided: usize,
}

impl Counts {
    pub fn of<'a>(statuses: impl IntoIterator<Item = &'a Status>) -> Counts {
        let mut c = Counts::default();
        for status in statuses {
            c.lines += 1;
            match status {
                Status::Moving => c.moving += 1,
                Status::Staying => c.staying += 1,
                Status::Blocked => c.blocked += 1,
                Status::Undecided => c.undecided += 1,
            }
        }
        c
    }
}

/// Why a line cannot move, each with the rule that reports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Block {
    SeparateTeams,
    Shared,
    Critical,
    ContactCentre,
}

impl Block {
    pub fn rule(self) -> Rule {
        match self {
            Block::SeparateTeams => Rule::SeparateTeams,
            Block::Shared => Rule::SharedLine,
            Block::Critical => Rule::CriticalLine,
            Block::ContactCentre => Rule::ContactCentre,
        }
    }

    /// Why, as the checklist and messages say it.
    pub fn reason(self) -> &'static str {
        match self {
            Block::SeparateTeams => "the unit has its own Teams instance",
            Block::Shared => "the line is not assigned to a single person",
            Block::Critical => "it is a critical line",
            Block::ContactCentre => "it is a contact centre line",
        }
    }
}

/// Every reason the line cannot move; empty if it can.
pub fn blocks(unit: &Unit, line: &Line) -> Vec<Block> {
    [
        (unit.separate_teams, Block::SeparateTeams),
        (line.holder.is_none(), Block::Shared),
        (line.critical, Block::Critical),
        (line.contact_centre, Block::ContactCentre),
    ]
    .into_iter()
    .filter_map(|(applies, block)| applies.then_some(block))
    .collect()
}

/// Every line's status, by unit and line position, worked out on every core.
pub fn all(model: &Model) -> Vec<Vec<Status>> {
    use rayon::prelude::*;
    model
        .units
        .par_iter()
        .map(|unit| {
            unit.lines
                .iter()
                .map(|line| of(unit, line, model.policy.stay))
                .collect()
        })
        .collect()
}

/// A line's status; where no one may stay (`stay`, the policy's), every line that can
/// move moves, decided or not.
pub fn of(unit: &Unit, line: &Line, stay: bool) -> Status {
    if !blocks(unit, line).is_empty() {
        return Status::Blocked;
    }
    if !stay {
        return Status::Moving;
    }
    match line.decision {
        Some(Decision::Move) => Status::Moving,
        Some(Decision::Stay) => Status::Staying,
        None => Status::Undecided,
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    pub fn unit() -> Unit {
        Unit {
            id: "u".into(),
            file: "data/units/u.yaml".into(),
            name: "U".into(),
            cohort: Some("department".into()),
            cohort_line: 2,
            separate_teams: false,
            coordinator: None,
            responded: None,
            responded_line: 1,
            answered_in: None,
            lines: vec![],
            groups: vec![],
        }
    }

    pub fn line(ext: &str) -> Line {
        Line {
            ext: ext.into(),
            holder: Some(format!("Holder {ext}")),
            email: None,
            ms_teams: false,
            uses: vec![],
            pilot: false,
            critical: false,
            contact_centre: false,
            decision: None,
            requested: None,
            tranche: None,
            line: 1,
            exported_in: None,
            tranche_line: 1,
            end_line: 1,
        }
    }

    #[test]
    fn statuses() {
        let mv = Some(Decision::Move);
        let st = Some(Decision::Stay);
        // (separate_teams, holder, critical, contact_centre, decision) -> status
        let cases = [
            (false, true, false, false, mv, Status::Moving),
            (false, true, false, false, st, Status::Staying),
            (false, true, false, false, None, Status::Undecided),
            (true, true, false, false, mv, Status::Blocked),
            (false, false, false, false, mv, Status::Blocked),
            (false, true, true, false, mv, Status::Blocked),
            (false, true, false, true, st, Status::Blocked),
            (false, true, false, true, None, Status::Blocked),
        ];
        for (separate, holder, critical, cc, decision, want) in cases {
            let mut u = unit();
            u.separate_teams = separate;
            let mut l = line("70000");
            if !holder {
                l.holder = None;
            }
            l.critical = critical;
            l.contact_centre = cc;
            l.decision = decision;
            assert_eq!(
                of(&u, &l, true),
                want,
                "{separate} {holder} {critical} {cc} {decision:?}"
            );
            // Where no one may stay, a line that can move moves.
            let everyone = if want == Status::Blocked {
                Status::Blocked
            } else {
                Status::Moving
            };
            assert_eq!(of(&u, &l, false), everyone, "{decision:?}");
        }
    }
}
