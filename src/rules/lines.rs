//! Rules about single lines: the reasons a line cannot move, lost features, undecided
//! flagged lines and moves that need a licence.

use super::Index;
use super::status::{self, Status};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{Decision, Line, Unit};

fn finding(unit: &Unit, line: &Line, rule: Rule, severity: Severity, message: String) -> Finding {
    Finding::new(rule, severity, &unit.file, Some(line.line), message)
        .unit(&unit.id)
        .exts([&line.ext])
}

pub fn check(index: &Index, statuses: &[Vec<Status>], out: &mut Vec<Finding>) {
    for id in index.all() {
        let (unit, line) = (index.unit(id), index.line(id));
        let status = statuses[id.0][id.1];
        let ext = &line.ext;
        for block in status::blocks(unit, line) {
            let (severity, message) = if line.decision == Some(Decision::Move) {
                (
                    Severity::Error,
                    format!(
                        "extension {ext} is marked to move, but {}: it stays on the upgraded \
                            Chorus, so change `decision` to `stay`",
                        block.reason()
                    ),
                )
            } else if line.ms_teams {
                (
                    Severity::Warning,
                    format!(
                        "extension {ext} is flagged in the MS Teams column, but {}: it stays on \
                            the upgraded Chorus; tell its users",
                        block.reason()
                    ),
                )
            } else {
                continue;
            };
            out.push(finding(unit, line, block.rule(), severity, message));
        }
        if status == Status::Staying && !line.uses.is_empty() {
            let uses: Vec<&str> = line.uses.iter().map(|u| u.describe()).collect();
            out.push(finding(unit, line, Rule::FeaturesLost, Severity::Warning, format!(
                "extension {ext} stays on Chorus but uses {}, which the upgrade removes: confirm \
                    the holder accepts losing it, or move the line",
                uses.join(", ")
            )));
        }
        if status == Status::Undecided && line.ms_teams {
            out.push(finding(
                unit,
                line,
                Rule::Undecided,
                Severity::Warning,
                format!(
                    "extension {ext} is flagged in the MS Teams column but has no decision: add \
                    `decision: move` or `decision: stay`"
                ),
            ));
        }
        if status == Status::Moving && !line.ms_teams {
            out.push(finding(
                unit,
                line,
                Rule::UnflaggedMove,
                Severity::Info,
                format!(
                    "extension {ext} moves but is not flagged in the MS Teams column: it needs a \
                    Telephony over Teams licence"
                ),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::status::tests::{line, unit};
    use super::*;
    use crate::model::{Model, Use};

    type Expected = (&'static str, Severity);
    /// separate_teams, shared, critical, contact centre, ms_teams, decision -> findings
    type BlockCase = (
        bool,
        bool,
        bool,
        bool,
        bool,
        Option<Decision>,
        Vec<Expected>,
    );
    /// ms_teams, uses, decision -> findings
    type OpenCase = (bool, Vec<Use>, Option<Decision>, Vec<Expected>);

    fn rules_for(separate: bool, edit: impl Fn(&mut Line)) -> Vec<(&'static str, Severity)> {
        let mut u = unit();
        u.separate_teams = separate;
        let mut l = line("70001");
        edit(&mut l);
        u.lines.push(l);
        let model = Model {
            units: vec![u],
            ..Model::default()
        };
        let index = Index::new(&model);
        let statuses = vec![vec![status::of(&model.units[0], &model.units[0].lines[0])]];
        let mut out = Vec::new();
        check(&index, &statuses, &mut out);
        out.iter().map(|f| (f.rule.id(), f.severity)).collect()
    }

    #[test]
    fn blocked_lines() {
        use Severity::*;
        let mv = Some(Decision::Move);
        // (separate_teams, shared, critical, contact centre, ms_teams, decision) -> findings
        let cases: Vec<BlockCase> = vec![
            (
                true,
                false,
                false,
                false,
                false,
                mv,
                vec![("separate-teams", Error)],
            ),
            (
                true,
                false,
                false,
                false,
                true,
                None,
                vec![("separate-teams", Warning)],
            ),
            (true, false, false, false, false, None, vec![]),
            (
                false,
                true,
                false,
                false,
                true,
                None,
                vec![("shared-line", Warning)],
            ),
            (
                false,
                false,
                true,
                false,
                false,
                mv,
                vec![("critical-line", Error)],
            ),
            (
                false,
                false,
                false,
                true,
                true,
                Some(Decision::Stay),
                vec![("contact-centre", Warning)],
            ),
            (
                false,
                true,
                true,
                false,
                false,
                mv,
                vec![("shared-line", Error), ("critical-line", Error)],
            ),
        ];
        for (separate, shared, critical, cc, ms, decision, want) in cases {
            let got = rules_for(separate, |l| {
                if shared {
                    l.holder = None;
                }
                l.critical = critical;
                l.contact_centre = cc;
                l.ms_teams = ms;
                l.decision = decision;
            });
            assert_eq!(
                got, want,
                "{separate} {shared} {critical} {cc} {ms} {decision:?}"
            );
        }
    }

    #[test]
    fn open_lines() {
        use Severity::*;
        let cases: Vec<OpenCase> = vec![
            (
                false,
                vec![Use::Softphone],
                Some(Decision::Stay),
                vec![("features-lost", Warning)],
            ),
            (false, vec![], Some(Decision::Stay), vec![]),
            (true, vec![], None, vec![("undecided", Warning)]),
            (false, vec![], None, vec![]),
            (
                false,
                vec![],
                Some(Decision::Move),
                vec![("unflagged-move", Info)],
            ),
            (true, vec![Use::MobileApp], Some(Decision::Move), vec![]),
        ];
        for (ms, uses, decision, want) in cases {
            let got = rules_for(false, |l| {
                l.ms_teams = ms;
                l.uses = uses.clone();
                l.decision = decision;
            });
            assert_eq!(got, want, "{ms} {uses:?} {decision:?}");
        }
        // A blocked line that uses features does not get features-lost.
        let got = rules_for(false, |l| {
            l.critical = true;
            l.uses = vec![Use::Softphone];
            l.decision = Some(Decision::Stay);
        });
        assert_eq!(got, vec![]);
    }
}
