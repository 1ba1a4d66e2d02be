//! The exports, for audiences with `exports`: per tranche, who moves in it, and per day,
//! whom the countdown emails go to, as CSV files a mail merge or a spreadsheet reads.

use std::collections::BTreeMap;

use chrono::NaiveDate;

use super::checklist::cell;
use super::context::{Ctx, long_date};
use super::views::ExportFile;
use crate::rules::Status;

/// A CSV file of plain columns: its header is written even above no rows, so that a
/// spreadsheet opens every export with its columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    pub header: &'static [&'static str],
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The file's bytes. The plan makes them (render only hands them on), because the
    /// index shows each file's size.
    pub fn csv(&self) -> Result<Vec<u8>, csv::Error> {
        let mut writer = csv::Writer::from_writer(Vec::new());
        writer.write_record(self.header)?;
        for row in &self.rows {
            writer.write_record(row)?;
        }
        writer
            .into_inner()
            .map_err(|e| csv::Error::from(e.into_error()))
    }
}

pub const TRANCHE_COLUMNS: &[&str] = &["ext", "holder", "email", "unit", "cohort", "date"];
pub const EMAIL_COLUMNS: &[&str] = &["email", "holder", "ext", "unit", "move_date", "which"];

/// One export: its file name, its table, and what it holds in words.
pub(super) struct Export {
    pub(super) name: String,
    pub(super) table: Table,
    pub(super) holds: String,
}

/// A moving line as the exports show it, its cells guarded as a checklist's are.
struct Mover {
    ext: String,
    holder: String,
    email: String,
    unit: String,
    cohort: String,
}

/// Every export: a file per tranche (even one nobody moves in, so that each tranche has
/// its list), then a file per day some countdown email goes to someone, earliest first.
pub(super) fn exports(ctx: &Ctx) -> Vec<Export> {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let style = ctx.dates();
    // Moving lines by tranche, in the order of the unit files.
    let mut movers: BTreeMap<u32, Vec<Mover>> = BTreeMap::new();
    for (u, unit) in model.units.iter().enumerate() {
        for (l, line) in unit.lines.iter().enumerate() {
            if let (Status::Moving, Some(t)) = (analysis.status[u][l], analysis.placed[u][l]) {
                movers.entry(t).or_default().push(Mover {
                    ext: cell(&line.ext),
                    holder: cell(line.holder.as_deref().unwrap_or_default()),
                    email: cell(line.email.as_deref().unwrap_or_default()),
                    unit: cell(&unit.id),
                    cohort: cell(unit.cohort.as_deref().unwrap_or_default()),
                });
            }
        }
    }
    let mut tranches = Vec::new();
    // Per day: its rows, and which tranches' emails they are, in words.
    let mut days: BTreeMap<NaiveDate, (Vec<Vec<String>>, Vec<String>)> = BTreeMap::new();
    for tranche in &model.tranches {
        let Some((date, emails)) = ctx.dates_of(tranche.number) else {
            continue;
        };
        let iso = date.to_string();
        let lines = movers.get(&tranche.number).map_or(&[][..], Vec::as_slice);
        tranches.push(Export {
            name: format!("tranche-{}.csv", tranche.number),
            table: Table {
                header: TRANCHE_COLUMNS,
                rows: lines
                    .iter()
                    .map(|m| {
                        vec![
                            m.ext.clone(),
                            m.holder.clone(),
                            m.email.clone(),
                            m.unit.clone(),
                            m.cohort.clone(),
                            iso.clone(),
                        ]
                    })
                    .collect(),
            },
            holds: format!(
                "Every line moving in tranche {}, on {}.",
                tranche.number,
                long_date(style, *date)
            ),
        });
        if lines.is_empty() {
            continue;
        }
        for email in emails {
            let (rows, what) = days.entry(email.date).or_default();
            rows.extend(lines.iter().map(|m| {
                vec![
                    m.email.clone(),
                    m.holder.clone(),
                    m.ext.clone(),
                    m.unit.clone(),
                    iso.clone(),
                    cell(&email.label),
                ]
            }));
            what.push(format!(
                "tranche {} ({}; moving on {})",
                tranche.number,
                email.label,
                long_date(style, *date)
            ));
        }
    }
    let days = days.into_iter().map(|(day, (rows, what))| Export {
        name: format!("emails-{day}.csv"),
        table: Table {
            header: EMAIL_COLUMNS,
            rows,
        },
        holds: format!(
            "Everyone to email on {}: {}.",
            long_date(style, day),
            what.join("; ")
        ),
    });
    tranches.into_iter().chain(days).collect()
}

/// An export as its index lists it.
pub(super) fn listed(export: &Export) -> ExportFile {
    let bytes = export.table.csv().map_or(0, |b| b.len());
    ExportFile {
        name: export.name.clone(),
        holds: export.holds.clone(),
        rows: export.table.rows.len(),
        bytes,
        size: super::file_size(bytes),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::EmailWhen;
    use crate::plan::testing::small;

    #[test]
    fn every_tranche_has_its_file_and_each_email_day_one() {
        let checked = small("2022-04-20");
        let site = checked.model.site.as_ref().unwrap();
        let ctx = Ctx::new(&checked, site);
        let made = exports(&ctx);
        let tranches = made
            .iter()
            .filter(|e| e.name.starts_with("tranche-"))
            .count();
        assert_eq!(tranches, checked.model.tranches.len());
        for e in &made {
            let header = if e.name.starts_with("tranche-") {
                TRANCHE_COLUMNS
            } else {
                assert!(!e.table.rows.is_empty(), "{}", e.name);
                EMAIL_COLUMNS
            };
            assert_eq!(e.table.header, header);
            assert!(e.table.rows.iter().all(|r| r.len() == header.len()));
            let text = String::from_utf8(e.table.csv().unwrap()).unwrap();
            assert_eq!(text.lines().count(), e.table.rows.len() + 1, "{}", e.name);
            assert_eq!(listed(e).bytes, text.len());
        }
    }

    #[test]
    fn two_emails_of_a_tranche_on_one_day_are_one() {
        let mut checked = small("2022-04-20");
        // Tranche 1 moves on Monday 30 May 2022: a day before is a Sunday, which moves
        // back to the Friday, its last working day.
        checked.model.policy.emails = vec![EmailWhen::DaysBefore(1), EmailWhen::LastWorkingDay];
        let site = checked.model.site.as_ref().unwrap();
        let ctx = Ctx::new(&checked, site);
        let made = exports(&ctx);
        let movers = made.iter().find(|e| e.name == "tranche-1.csv").unwrap();
        let friday = made
            .iter()
            .find(|e| e.name == "emails-2022-05-27.csv")
            .unwrap();
        assert!(!movers.table.rows.is_empty());
        assert_eq!(friday.table.rows.len(), movers.table.rows.len());
        assert!(friday.table.rows.iter().all(|r| r[5] == "1 day before"));
        assert!(made.iter().all(|e| e.name != "emails-2022-05-29.csv"));
    }

    #[test]
    fn a_cell_that_could_be_a_formula_is_kept_as_text() {
        let mut checked = small("2022-04-20");
        let line = checked
            .model
            .units
            .iter_mut()
            .flat_map(|u| u.lines.iter_mut())
            .next()
            .unwrap();
        line.holder = Some("=HYPERLINK(\"x\")".into());
        line.email = Some("@evil".into());
        let site = checked.model.site.as_ref().unwrap();
        let ctx = Ctx::new(&checked, site);
        let cells: Vec<String> = exports(&ctx)
            .into_iter()
            .flat_map(|e| e.table.rows.into_iter().flatten())
            .collect();
        assert!(cells.iter().any(|c| c == "'=HYPERLINK(\"x\")"));
        assert!(cells.iter().any(|c| c == "'@evil"));
        assert!(!cells.iter().any(|c| c.starts_with(['=', '@'])));
    }
}
