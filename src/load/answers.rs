//! Coordinators' answers (`data/answers/**/*.{csv,xlsx,ods}`): returned checklists, read
//! into rows ([`read`]) through the export's reader, then applied to the units' lines
//! ([`apply`]). A unit with an answer file has responded.

use std::collections::HashMap;

use chrono::NaiveDate;

use super::export::{self, Cell, Table};
use crate::finding::{Finding, Rule, Severity};
use crate::model::{Decision, Policy, Unit};

/// One row of an answer file.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// As the spreadsheet numbers it: the header is row 1.
    pub row: u32,
    pub unit: String,
    pub ext: String,
    pub decision: Option<Decision>,
    pub requested: Option<NaiveDate>,
    pub answered: Option<NaiveDate>,
}

/// What one answer file holds.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Answers {
    pub sheet: Option<String>,
    pub rows: Vec<Row>,
}

/// Whether `name` is an answer file, by its extension.
pub fn is_answer_file(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".csv", ".xlsx", ".ods"].iter().any(|e| lower.ends_with(e))
}

/// Whether `name` is a spreadsheet in a format answers are not read from, which would
/// otherwise be passed over unsaid.
pub fn is_unread_spreadsheet(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".xls", ".xlsm", ".xlsb", ".numbers", ".tsv"]
        .iter()
        .any(|e| lower.ends_with(e))
}

/// Reads the answer file `file` (its path from the root), whose bytes are `bytes`: the
/// first sheet of a workbook (the checklist's `Lines`), or the CSV file.
pub fn read(file: &str, bytes: &[u8], problems: &mut Vec<Finding>) -> Answers {
    let lower = file.to_ascii_lowercase();
    let table = if lower.ends_with(".csv") {
        export::csv_table(file, bytes)
    } else {
        export::workbook_table(file, bytes, None, lower.ends_with(".ods"))
    };
    match table {
        Ok(table) => Answers {
            rows: rows(file, &table, problems),
            sheet: table.sheet,
        },
        Err(problem) => {
            problems.push(problem);
            Answers::default()
        }
    }
}

/// What rows above the header give once for every row: the unit (and the cell's name,
/// `B1`) and the answer's date.
#[derive(Default)]
struct Above {
    unit: Option<(String, String)>,
    answered: Option<NaiveDate>,
}

/// The header row's index in `table` (the first row with an `ext` cell; else the first),
/// and what the rows above it give: a label (`unit`, `answered`) in a row's first cell
/// that is not empty, and its value in the next. Their problems go to `problems`.
fn above_header(file: &str, table: &Table, problems: &mut Vec<Finding>) -> (usize, Above) {
    let says = |cell: &Cell, word: &str| cell.text().is_some_and(|t| t.eq_ignore_ascii_case(word));
    let at = table
        .rows
        .iter()
        .position(|row| row.iter().any(|c| says(c, "ext")))
        .unwrap_or(0);
    let mut above = Above::default();
    for (i, cells) in table.rows[..at].iter().enumerate() {
        let number = table.first + i as u32;
        let Some(label) = cells.iter().position(|c| !c.is_empty()) else {
            continue;
        };
        let Some(value) = cells.get(label + 1) else {
            continue;
        };
        let name = rust_xlsxwriter::utility::row_col_to_cell(number - 1, (label + 1) as u16);
        let mut bad = |word: &str, message: String| {
            let sheet = match &table.sheet {
                Some(sheet) => format!("sheet `{sheet}`, "),
                None => String::new(),
            };
            problems.push(Finding::invalid(
                "bad value",
                file,
                Some(number),
                format!("{sheet}cell {name} (`{word}`): {message}"),
            ));
        };
        if says(&cells[label], "unit") {
            match value.text() {
                Some(unit) if !unit.is_empty() => above.unit = Some((unit, name.clone())),
                _ => bad(
                    "unit",
                    format!("{} is not a unit id: write it", shown(value)),
                ),
            }
        } else if says(&cells[label], "answered") {
            match date_in(value) {
                Ok(date) => above.answered = date,
                Err(message) => bad("answered", message),
            }
        }
    }
    (at, above)
}

/// A cell's date: `None` when it is empty; what to say when it is not a date.
fn date_in(cell: &Cell) -> Result<Option<NaiveDate>, String> {
    let written = match cell {
        Cell::Empty => return Ok(None),
        // A date cell, as calamine shows it: the day, then any time of day.
        Cell::Date(iso) => iso.get(..10).unwrap_or(iso).to_string(),
        Cell::Merged(range) => return Err(export::merged(range)),
        cell => match cell.text() {
            Some(t) if t.is_empty() => return Ok(None),
            Some(t) => t,
            None => return Err(format!("{} cannot be read: write the date", shown(cell))),
        },
    };
    super::values::parse_date(&written)
        .map(Some)
        .ok_or_else(|| format!("`{written}` is not a date: write it as 2022-05-31"))
}

fn rows(file: &str, table: &Table, problems: &mut Vec<Finding>) -> Vec<Row> {
    let (header_at, above) = above_header(file, table, problems);
    let header_row = table.first + header_at as u32;
    let Some(header) = table.rows.get(header_at) else {
        problems.push(Finding::invalid(
            "missing column",
            file,
            None,
            format!(
                "{file} is empty: an answer file is a checklist as downloaded, with its header \
                    row (unit, ext, decision, ...) and a row per line"
            ),
        ));
        return Vec::new();
    };
    let headers: Vec<String> = header
        .iter()
        .map(|c| c.text().unwrap_or_default().to_ascii_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let missing: Vec<&str> = ["unit", "ext", "decision"]
        .into_iter()
        .filter(|name| column(name).is_none() && !(*name == "unit" && above.unit.is_some()))
        .collect();
    if !missing.is_empty() {
        let sheet = table
            .sheet
            .as_ref()
            .map(|s| format!(" (sheet `{s}`)"))
            .unwrap_or_default();
        // Both downloads have one; a file typed by hand may not.
        let add_unit = if missing.contains(&"unit") {
            " (add a `unit` column naming the unit on every row, or a `unit` cell above the \
                header with the unit beside it)"
        } else {
            ""
        };
        problems.push(Finding::invalid(
            "missing column",
            file,
            Some(header_row),
            format!(
                "the header row of {file}{sheet} has no column {}: an answer file is a \
                    checklist as downloaded, whose header names unit, ext and decision{add_unit}",
                missing
                    .iter()
                    .map(|m| format!("`{m}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ));
        return Vec::new();
    }
    let at = |name: &'static str| column(name).map(|i| (i, name));
    let (unit_at, ext_at, decision_at) = (at("unit"), at("ext"), at("decision"));
    let (requested_at, answered_at) = (at("requested"), at("answered"));
    let empty = Cell::Empty;
    let mut out = Vec::new();
    for (i, cells) in table.rows.iter().enumerate().skip(header_at + 1) {
        let number = table.first + i as u32;
        if cells.iter().all(Cell::is_empty) {
            continue;
        }
        // Each cell's problem, by column header: a row with any is not applied.
        let mut wrong: Vec<(&str, String)> = Vec::new();
        let mut text = |column: Option<(usize, &'static str)>| -> Option<String> {
            let (i, header) = column?;
            let cell = cells.get(i).unwrap_or(&empty);
            let text = cell.text();
            if let Cell::Merged(range) = cell {
                wrong.push((header, export::merged(range)));
            } else if text.is_none() {
                wrong.push((
                    header,
                    format!("{} cannot be read: write it as text", shown(cell)),
                ));
            }
            text
        };
        let unit = text(unit_at);
        let ext = text(ext_at);
        let decision = text(decision_at);
        let mut date = |column: Option<(usize, &'static str)>| -> Option<NaiveDate> {
            let (i, header) = column?;
            date_in(cells.get(i).unwrap_or(&empty)).unwrap_or_else(|message| {
                wrong.push((header, message));
                None
            })
        };
        let requested = date(requested_at);
        let answered = date(answered_at).or(above.answered);
        // The row's own unit, where it gives one, must be the one named above the header.
        let unit = match (unit, &above.unit) {
            (Some(own), Some((given, name))) if !own.is_empty() && own != *given => {
                wrong.push((
                    "unit",
                    format!(
                        "`{own}` here, but cell {name} names unit `{given}`: correct one of them"
                    ),
                ));
                None
            }
            (Some(own), _) if !own.is_empty() => Some(own),
            (_, Some((given, _))) => Some(given.clone()),
            (own, None) => own,
        };
        if unit.as_deref() == Some("") {
            wrong.push((
                "unit",
                "no unit: the row must name its unit, as downloaded".into(),
            ));
        }
        match ext.as_deref() {
            Some("") => wrong.push((
                "ext",
                "no extension: the row must give it, as downloaded".into(),
            )),
            Some(ext) if !ext.bytes().all(|b| b.is_ascii_digit()) => wrong.push((
                "ext",
                format!("`{ext}` is not an extension: write digits only, as downloaded"),
            )),
            _ => {}
        }
        let decision = match decision.unwrap_or_default().to_ascii_lowercase().as_str() {
            "" => None,
            word if let Some(d) = Decision::ALL.into_iter().find(|d| d.id() == word) => Some(d),
            other => {
                wrong.push((
                    "decision",
                    format!("`{other}` is not a decision: choose move or stay, or leave it empty"),
                ));
                None
            }
        };
        for (header, message) in &wrong {
            problems.push(Finding::invalid(
                "bad value",
                file,
                Some(number),
                format!("{}: {message}", export::place(table, header)),
            ));
        }
        if let (true, Some(unit), Some(ext)) = (wrong.is_empty(), unit, ext) {
            out.push(Row {
                row: number,
                unit,
                ext,
                decision,
                requested,
                answered,
            });
        }
    }
    out
}

/// A cell that is not text, as a message shows it.
fn shown(cell: &Cell) -> String {
    match cell {
        Cell::Date(d) => format!("the date `{d}`"),
        Cell::Error(e) => format!("the error {e}"),
        Cell::Formula(f) => format!("the formula `={f}`"),
        _ => "the cell".into(),
    }
}

/// A line's first answer: its decision, its requested date, and where it was given.
type Given = (Option<Decision>, Option<NaiveDate>, String);

/// Applies the answer `files` (path and what it holds, in path order) to `units`. A row's
/// decision and requested date apply to its line unless the unit file gives one; if the
/// unit file's differs, it wins and `differs` gets a warning. Rows naming an unknown unit,
/// an extension not in the unit or a decision the policy does not allow, and two files
/// disagreeing on a line, are invalid data in `problems`.
pub fn apply(
    files: &[(String, &Answers)],
    policy: &Policy,
    units: &mut [Unit],
    problems: &mut Vec<Finding>,
    differs: &mut Vec<Finding>,
) {
    let index = super::unit_index(units);
    // (unit, line) -> the first answer for it and where it was given.
    let mut given: HashMap<(usize, usize), Given> = HashMap::new();
    let mut answered: HashMap<usize, (Option<NaiveDate>, String)> = HashMap::new();
    for (file, answers) in files {
        let place = |row: u32, column: &str| match &answers.sheet {
            Some(sheet) => format!("sheet `{sheet}`, row {row}, column `{column}`"),
            None => format!("row {row}, column `{column}`"),
        };
        let column = |c: &str| format!("column `{c}`");
        let sheet = answers
            .sheet
            .as_ref()
            .map(|s| format!("sheet `{s}`, "))
            .unwrap_or_default();
        for row in &answers.rows {
            let Some(&u) = index.get(&row.unit) else {
                let hint =
                    crate::suggest::did_you_mean(&row.unit, index.keys().map(String::as_str));
                problems.push(Finding::invalid(
                    "unknown unit",
                    file,
                    Some(row.row),
                    format!(
                        "{sheet}{}: `{}` is not a unit{hint}: an answer names a unit file's id \
                            (data/units/ID.yaml)",
                        column("unit"),
                        row.unit
                    ),
                ));
                continue;
            };
            let Some(l) = units[u].lines.iter().position(|l| l.ext == row.ext) else {
                problems.push(Finding::invalid(
                    "unknown extension",
                    file,
                    Some(row.row),
                    format!(
                        "{sheet}{}: extension {} is not a line of unit `{}` ({}): correct the \
                            extension or the unit, or add the line to the unit",
                        column("ext"),
                        row.ext,
                        row.unit,
                        units[u].file
                    ),
                ));
                continue;
            };
            if row.decision == Some(Decision::Stay) && !policy.stay {
                problems.push(Finding::invalid(
                    "bad value",
                    file,
                    Some(row.row),
                    format!(
                        "{sheet}{}: `stay` is not allowed: everyone moves to {} (`stay: false` in \
                            data/migration.yaml), so write move or leave it empty",
                        column("decision"),
                        policy.to
                    ),
                ));
                continue;
            }
            let here = format!("{file} {}", place(row.row, "decision"));
            match given.get(&(u, l)) {
                Some((decision, requested, first))
                    if *decision != row.decision || *requested != row.requested =>
                {
                    problems.push(Finding::invalid(
                        "conflicting answers",
                        file,
                        Some(row.row),
                        format!(
                            "{sheet}{}: extension {} is answered differently here and in {first}: \
                                keep one answer",
                            column("decision"),
                            row.ext
                        ),
                    ));
                    continue;
                }
                Some(_) => {}
                None => {
                    given.insert((u, l), (row.decision, row.requested, here.clone()));
                }
            }
            let first = answered.entry(u).or_insert((None, file.clone()));
            if first.0.is_none() {
                first.0 = row.answered;
            }
            let unit = &mut units[u];
            let (unit_file, id) = (unit.file.clone(), unit.id.clone());
            let line = &mut unit.lines[l];
            let (ext, at) = (line.ext.clone(), line.line);
            let mut differ = |key: &str, ours: String, theirs: String| {
                differs.push(
                    Finding::new(
                        Rule::AnswerDiffers,
                        Severity::Warning,
                        &unit_file,
                        Some(at),
                        format!(
                            "extension {ext}: `{key}` is {ours} here and {theirs} in {here}: the \
                                unit file's is used; correct one of them"
                        ),
                    )
                    .unit(&id)
                    .exts([&ext]),
                );
            };
            match (line.decision, row.decision) {
                (Some(ours), Some(theirs)) if ours != theirs => {
                    differ("decision", ours.id().into(), theirs.id().into())
                }
                (None, theirs) => line.decision = theirs,
                _ => {}
            }
            match (line.requested, row.requested) {
                (Some(ours), Some(theirs)) if ours != theirs => {
                    differ("requested", ours.to_string(), theirs.to_string())
                }
                (None, theirs) => line.requested = theirs,
                _ => {}
            }
        }
    }
    for (u, (date, file)) in answered {
        let unit = &mut units[u];
        if unit.responded.is_none() {
            match date {
                Some(date) => unit.responded = Some(date),
                None => unit.answered_in = Some(file),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::status::tests::{line, unit};

    fn csv(text: &str) -> (Answers, Vec<Finding>) {
        let mut problems = Vec::new();
        let answers = read("data/answers/a.csv", text.as_bytes(), &mut problems);
        (answers, problems)
    }

    fn date(s: &str) -> Option<NaiveDate> {
        s.parse().ok()
    }

    /// Each problem's line and message.
    fn told(problems: &[Finding]) -> Vec<(Option<u32>, &str)> {
        problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect()
    }

    #[test]
    fn a_csv_answer_as_excel_saves_it_is_read_whatever_the_columns_order() {
        let (answers, problems) = csv("\u{feff}Decision;Holder;EXT;unit;requested;answered\r\n\
             Move;Ann;70001;u;2022-06-01;2022-04-12\r\n;;;;;\r\n;Bo;70002;u;;\r\n");
        assert_eq!(problems, []);
        assert_eq!(
            answers.rows,
            [
                Row {
                    row: 2,
                    unit: "u".into(),
                    ext: "70001".into(),
                    decision: Some(Decision::Move),
                    requested: date("2022-06-01"),
                    answered: date("2022-04-12"),
                },
                Row {
                    row: 4,
                    unit: "u".into(),
                    ext: "70002".into(),
                    decision: None,
                    requested: None,
                    answered: None,
                },
            ]
        );
    }

    #[test]
    fn the_unit_and_the_answer_date_may_be_given_once_above_the_header() {
        let (answers, problems) = csv("Unit,u\nAnswered,2022-04-12\n\n\
            ext,holder,decision\n70001,Ann,move\n70002,Bo,\n");
        assert_eq!(problems, []);
        assert_eq!(
            answers.rows,
            [
                Row {
                    row: 5,
                    unit: "u".into(),
                    ext: "70001".into(),
                    decision: Some(Decision::Move),
                    requested: None,
                    answered: date("2022-04-12"),
                },
                Row {
                    row: 6,
                    unit: "u".into(),
                    ext: "70002".into(),
                    decision: None,
                    requested: None,
                    answered: date("2022-04-12"),
                },
            ]
        );
        // A row's own unit and date, where it gives them, must agree with the cells'.
        let (answers, problems) = csv("unit,u\nanswered,2022-04-12\n\
            unit,ext,decision,answered\nu,70001,move,2022-04-13\nv,70002,stay,\n,70003,move,\n");
        assert_eq!(answers.rows.len(), 2, "{:?}", answers.rows);
        assert_eq!(answers.rows[0].answered, date("2022-04-13"));
        assert_eq!(answers.rows[1].unit, "u");
        let told = told(&problems);
        assert_eq!(told.len(), 1, "{told:#?}");
        assert_eq!(told[0].0, Some(5));
        assert!(
            told[0]
                .1
                .starts_with("column `unit`: `v` here, but cell B1 names unit `u`"),
            "{told:#?}"
        );
    }

    #[test]
    fn a_bad_unit_or_answer_date_cell_is_told_with_its_cell() {
        let (answers, problems) = csv("answered,soon\next,decision\n70001,move\n");
        assert_eq!(answers.rows, []);
        let told = told(&problems);
        assert_eq!(told.len(), 2, "{told:#?}");
        assert_eq!(told[0].0, Some(1));
        assert!(
            told[0]
                .1
                .starts_with("cell B1 (`answered`): `soon` is not a date"),
            "{told:#?}"
        );
        // No unit anywhere: the header lacks it, and no cell gives it.
        assert_eq!(told[1].0, Some(2));
        assert!(told[1].1.contains("no column `unit`"), "{told:#?}");
        assert!(
            told[1].1.contains("a `unit` cell above the header"),
            "{told:#?}"
        );
    }

    #[test]
    fn every_bad_cell_is_told_with_its_row_and_column() {
        let (answers, problems) = csv("unit,ext,decision,requested\n\
            ,70001,move,\nu,7a,move,\nu,70003,later,\nu,70004,move,31/05/2022\n");
        assert_eq!(answers.rows, []);
        let told = told(&problems);
        assert_eq!(told.len(), 4, "{told:#?}");
        assert!(told[0].0 == Some(2) && told[0].1.starts_with("column `unit`: no unit"));
        assert!(told[1].0 == Some(3) && told[1].1.starts_with("column `ext`: `7a`"));
        assert!(told[2].0 == Some(4) && told[2].1.starts_with("column `decision`: `later`"));
        assert!(told[3].0 == Some(5) && told[3].1.starts_with("column `requested`: `31/05"));
    }

    #[test]
    fn a_cell_that_is_not_text_is_told_once_with_its_sheet() {
        let text = |t: &str| Cell::Text(t.into());
        let table = Table {
            sheet: Some("Lines".into()),
            first: 1,
            rows: vec![
                vec![text("unit"), text("ext"), text("decision")],
                vec![
                    text("u"),
                    Cell::Date("2022-04-01".into()),
                    Cell::Formula("J3".into()),
                ],
            ],
        };
        let mut problems = Vec::new();
        assert_eq!(rows("data/answers/u.xlsx", &table, &mut problems), []);
        let told: Vec<&str> = problems.iter().map(|p| p.message.as_str()).collect();
        assert_eq!(
            told,
            [
                "sheet `Lines`, column `ext`: the date `2022-04-01` cannot be read: write it as \
                    text",
                "sheet `Lines`, column `decision`: the formula `=J3` cannot be read: write it \
                    as text",
            ]
        );
    }

    #[test]
    fn a_file_without_the_columns_names_those_it_lacks() {
        let (answers, problems) = csv("ext,holder\n70001,Ann\n");
        assert_eq!(answers.rows, []);
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .message
                .contains("has no column `unit`, `decision`"),
            "{}",
            problems[0].message
        );
    }

    fn answer(row: u32, ext: &str, decision: Option<Decision>) -> Row {
        Row {
            row,
            unit: "u".into(),
            ext: ext.into(),
            decision,
            requested: None,
            answered: None,
        }
    }

    #[test]
    fn answers_fill_in_what_the_unit_file_leaves_open_and_it_wins_where_both_say() {
        let mut ours = unit();
        let mut decided = line("70001");
        decided.decision = Some(Decision::Move);
        decided.line = 7;
        ours.lines = vec![decided, line("70002")];
        let mut units = vec![ours];
        let answers = Answers {
            sheet: Some("Lines".into()),
            rows: vec![
                answer(2, "70001", Some(Decision::Stay)),
                answer(3, "70002", Some(Decision::Stay)),
            ],
        };
        let (mut problems, mut differs) = (Vec::new(), Vec::new());
        apply(
            &[("data/answers/u.xlsx".into(), &answers)],
            &Policy::default(),
            &mut units,
            &mut problems,
            &mut differs,
        );
        assert_eq!(problems, []);
        assert_eq!(units[0].lines[0].decision, Some(Decision::Move));
        assert_eq!(units[0].lines[1].decision, Some(Decision::Stay));
        assert_eq!(differs.len(), 1);
        assert_eq!(differs[0].rule, Rule::AnswerDiffers);
        assert_eq!(differs[0].line, Some(7));
        assert!(
            differs[0].message.contains(
                "`decision` is move here and stay in data/answers/u.xlsx sheet `Lines`, row 2"
            ),
            "{}",
            differs[0].message
        );
        // Undated, the answer says the unit responded all the same.
        assert_eq!(units[0].responded, None);
        assert_eq!(units[0].answered_in.as_deref(), Some("data/answers/u.xlsx"));
    }

    #[test]
    fn an_answered_date_is_when_the_unit_responded_unless_its_file_says() {
        let mut units = vec![unit()];
        units[0].lines = vec![line("70001")];
        let mut row = answer(2, "70001", None);
        row.answered = date("2022-04-12");
        let answers = Answers {
            sheet: None,
            rows: vec![row],
        };
        let (mut problems, mut differs) = (Vec::new(), Vec::new());
        let files = [("data/answers/u.csv".to_string(), &answers)];
        apply(
            &files,
            &Policy::default(),
            &mut units,
            &mut problems,
            &mut differs,
        );
        assert_eq!(units[0].responded, date("2022-04-12"));
        units[0].responded = date("2022-04-01");
        apply(
            &files,
            &Policy::default(),
            &mut units,
            &mut problems,
            &mut differs,
        );
        assert_eq!(units[0].responded, date("2022-04-01"));
        assert_eq!(problems, []);
    }
}
