//! The phone database's export (`lines_from:` in site.yaml): a CSV file or a spreadsheet
//! (XLSX, ODS) with a row per line, in its own column names, read into rows ([`read`]) and
//! merged with the unit files' lines ([`merge`]).
//!
//! Reading needs only the file and `lines_from`, so that its outcome can be kept while the
//! file is unchanged; what needs the units and the policy is judged when merging.

use std::collections::HashMap;
use std::io::Cursor;

use calamine::{Data, Ods, OdsError, Reader as _, Xlsx, XlsxError};

use crate::finding::{Finding, Rule, Severity};
use crate::model::{Line, LinesFrom, Policy, Unit};

/// One row of the export, read and checked on its own.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// As the spreadsheet numbers it: the header is row 1.
    pub row: u32,
    pub ext: String,
    /// As written (a unit id, or a name `units` maps to one).
    pub unit: String,
    pub holder: Option<String>,
    pub email: Option<String>,
    pub ms_teams: bool,
    pub uses: Vec<String>,
}

/// What an export holds: its rows, and the sheet they were read from (for a spreadsheet).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Export {
    pub sheet: Option<String>,
    pub rows: Vec<Row>,
}

/// A cell, whatever the file kind: CSV cells are all text.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Cell {
    Empty,
    Text(String),
    Number(f64),
    Bool(bool),
    /// A date or time the spreadsheet holds as one, as it shows it.
    Date(String),
    /// An error value (`#REF!`), as shown.
    Error(String),
    /// A formula: cutover reads what is typed, not what a formula computes.
    Formula(String),
    /// A cell another covers by being merged with it (the merged range, as `B2:B4`): it
    /// shows the first cell's value but holds none of its own.
    Merged(String),
}

impl Cell {
    pub(super) fn is_empty(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    /// The text a cell of text, a number or a yes/no holds; `None` for a date, an error or
    /// a formula, which no column of the export may hold.
    pub(super) fn text(&self) -> Option<String> {
        match self {
            Cell::Empty => Some(String::new()),
            Cell::Text(t) => Some(t.trim().to_string()),
            Cell::Number(n) => Some(number_text(*n)),
            Cell::Bool(b) => Some(b.to_string()),
            Cell::Date(_) | Cell::Error(_) | Cell::Formula(_) | Cell::Merged(_) => None,
        }
    }
}

/// What to say of a cell covered by merged cells `range`.
pub(super) fn merged(range: &str) -> String {
    format!(
        "the cell is part of merged cells {range}, so it holds no value of its own: unmerge \
            them and give each row its own value"
    )
}

/// A number as typed: 70123, not 70123.0.
fn number_text(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        n.to_string()
    }
}

/// A sheet's cells, row by row, with the row number of the first.
pub(super) struct Table {
    /// The sheet's name, for a spreadsheet.
    pub(super) sheet: Option<String>,
    /// The spreadsheet's number of the first row (1 unless rows above it are empty).
    pub(super) first: u32,
    pub(super) rows: Vec<Vec<Cell>>,
}

/// Reads the export `file` (its path from the root, as findings name it), whose bytes are
/// `bytes`, as `from` says: its rows, with every row's problems in `problems`.
pub fn read(file: &str, bytes: &[u8], from: &LinesFrom, problems: &mut Vec<Finding>) -> Export {
    let lower = from.file.to_ascii_lowercase();
    let table = if lower.ends_with(".csv") {
        csv_table(file, bytes)
    } else {
        workbook_table(file, bytes, from.sheet.as_deref(), lower.ends_with(".ods"))
    };
    match table {
        Ok(table) => Export {
            rows: rows(file, &table, from, problems),
            sheet: table.sheet,
        },
        Err(problem) => {
            problems.push(problem);
            Export::default()
        }
    }
}

/// A CSV export: UTF-8 (a byte order mark, as Excel writes, is dropped), separated by
/// commas, or by semicolons when the header has a semicolon and no comma (as Excel saves
/// CSV where the decimal mark is a comma).
pub(super) fn csv_table(file: &str, bytes: &[u8]) -> Result<Table, Finding> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Err(Finding::invalid(
            "not UTF-8",
            file,
            None,
            format!(
                "{file} is not UTF-8 text (or not a CSV file at all): save it as \"CSV UTF-8\", \
                    or as .xlsx"
            ),
        ));
    };
    let header = text.lines().next().unwrap_or("");
    let separator = if header.contains(';') && !header.contains(',') {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    // The csv crate passes over blank lines, which a spreadsheet shows as empty rows: each
    // record is put on the row it starts on, after as many empty rows as were passed.
    let mut next = 1;
    loop {
        let start = reader.position().line();
        let read = reader.read_record(&mut record).map_err(|err| {
            Finding::invalid(
                "bad value",
                file,
                Some(start as u32),
                format!("this row cannot be read as CSV ({err}): correct it"),
            )
        })?;
        if !read {
            break;
        }
        // A record's position is where reading it began, before the blank lines passed.
        let at = record.position().map_or(start, |p| {
            let from = text.get(p.byte() as usize..).unwrap_or("");
            let blank = from
                .bytes()
                .take_while(|b| matches!(b, b'\r' | b'\n'))
                .filter(|&b| b == b'\n')
                .count();
            p.line() + blank as u64
        });
        for _ in next..at {
            rows.push(Vec::new());
        }
        rows.push(
            record
                .iter()
                .map(|cell| {
                    if cell.trim().is_empty() {
                        Cell::Empty
                    } else {
                        Cell::Text(cell.to_string())
                    }
                })
                .collect(),
        );
        next = reader.position().line().max(at + 1);
    }
    Ok(Table {
        sheet: None,
        first: 1,
        rows,
    })
}

/// The sheet `sheet` (or the first) of an XLSX or ODS workbook.
pub(super) fn workbook_table(
    file: &str,
    bytes: &[u8],
    sheet: Option<&str>,
    ods: bool,
) -> Result<Table, Finding> {
    let kind = if ods { "ODS" } else { "XLSX" };
    let unreadable = |why: String| {
        Finding::invalid(
            "not a spreadsheet",
            file,
            None,
            format!(
                "{file} cannot be read as an {kind} workbook ({why}): save it from your \
                    spreadsheet program as .{}",
                kind.to_ascii_lowercase()
            ),
        )
    };
    let protected = || {
        Finding::invalid(
            "password-protected",
            file,
            None,
            format!(
                "{file} is protected by a password, so it cannot be read: save a copy without \
                    the password (File > Info > Protect Workbook, or Save As without one)"
            ),
        )
    };
    let mut book: calamine::Sheets<Cursor<&[u8]>> = if ods {
        match Ods::new(Cursor::new(bytes)) {
            Ok(book) => calamine::Sheets::Ods(book),
            Err(OdsError::Password) => return Err(protected()),
            Err(err) => return Err(unreadable(err.to_string())),
        }
    } else {
        match Xlsx::new(Cursor::new(bytes)) {
            Ok(book) => calamine::Sheets::Xlsx(book),
            Err(XlsxError::Password) => return Err(protected()),
            Err(err) => return Err(unreadable(err.to_string())),
        }
    };
    let names = book.sheet_names();
    let name = match sheet {
        Some(wanted) => {
            if !names.iter().any(|n| n == wanted) {
                let listed = names
                    .iter()
                    .map(|n| format!("`{n}`"))
                    .collect::<Vec<_>>()
                    .join(", ");
                return Err(Finding::invalid(
                    "no such sheet",
                    file,
                    None,
                    format!(
                        "{file} has no sheet `{wanted}` (`sheet` in lines_from): its sheets are \
                            {listed}"
                    ),
                ));
            }
            wanted.to_string()
        }
        None => match names.first() {
            Some(first) => first.clone(),
            None => return Err(unreadable("it has no sheets".to_string())),
        },
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|err| unreadable(err.to_string()))?;
    // A formula's cell holds what it last computed, if anything: the formula is what
    // someone would have to correct.
    let formulas = book.worksheet_formula(&name).ok();
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<Vec<Cell>> = Vec::with_capacity(range.height());
    for cells in range.rows() {
        let mut row: Vec<Cell> = vec![Cell::Empty; first_column as usize];
        row.extend(cells.iter().map(|data| match data {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::Text(s.clone()),
            Data::Int(i) => Cell::Number(*i as f64),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(d) => Cell::Date(match d.as_datetime() {
                Some(at) if at.time() == chrono::NaiveTime::MIN => at.date().to_string(),
                Some(at) => at.to_string(),
                None => d.to_string(),
            }),
            Data::DateTimeIso(d) | Data::DurationIso(d) => Cell::Date(d.clone()),
            Data::Error(e) => Cell::Error(e.to_string()),
        }));
        rows.push(row);
    }
    if let Some(formulas) = formulas {
        for (row, column, formula) in formulas.used_cells() {
            if formula.is_empty() {
                continue;
            }
            let (start_row, start_column) = formulas.start().unwrap_or((0, 0));
            let r = (start_row as usize + row).checked_sub(first_row as usize);
            let c = start_column as usize + column;
            if let Some(r) = r {
                if rows.len() <= r {
                    rows.resize(r + 1, Vec::new());
                }
                if rows[r].len() <= c {
                    rows[r].resize(c + 1, Cell::Empty);
                }
                rows[r][c] = Cell::Formula(formula.clone());
            }
        }
    }
    // Merged cells show the first cell's value across the range, but only the first holds
    // it: the others are told, where a column is read, rather than read as empty.
    // calamine gives the merged ranges of XLSX workbooks only.
    let merges = match &mut book {
        calamine::Sheets::Xlsx(xlsx) => xlsx.merge_cells_by_sheet_name(&name).unwrap_or_default(),
        _ => Vec::new(),
    };
    for merge in merges {
        let ((top, left), (bottom, right)) = (merge.start, merge.end);
        let range = rust_xlsxwriter::utility::cell_range(top, left as u16, bottom, right as u16);
        for r in top..=bottom {
            let Some(row) = (r.checked_sub(first_row)).and_then(|r| rows.get_mut(r as usize))
            else {
                continue;
            };
            // Only as far as the sheet's used cells: a merge over a whole row adds nothing.
            let right = (right as usize).min(row.len().max(left as usize + 1) - 1);
            for c in left as usize..=right {
                if (r, c as u32) == (top, left) {
                    continue;
                }
                if row.len() <= c {
                    row.resize(c + 1, Cell::Empty);
                }
                row[c] = Cell::Merged(range.clone());
            }
        }
    }
    Ok(Table {
        sheet: Some(name),
        first: first_row + 1,
        rows,
    })
}

/// Where a cell is, for a message: "column `Extension`", with the sheet for a spreadsheet.
pub(super) fn place(table: &Table, header: &str) -> String {
    match &table.sheet {
        Some(sheet) => format!("sheet `{sheet}`, column `{header}`"),
        None => format!("column `{header}`"),
    }
}

/// The rows of `table` under its header row, as `from` maps its columns.
fn rows(file: &str, table: &Table, from: &LinesFrom, problems: &mut Vec<Finding>) -> Vec<Row> {
    let c = &from.columns;
    let Some(header) = table.rows.first() else {
        problems.push(Finding::invalid(
            "missing column",
            file,
            None,
            format!(
                "{file} is empty: it needs a header row naming its columns, then a row per line"
            ),
        ));
        return Vec::new();
    };
    let headers: Vec<String> = header
        .iter()
        .map(|cell| cell.text().unwrap_or_default())
        .collect();
    let wanted: [(&str, Option<&String>); 6] = [
        ("ext", Some(&c.ext)),
        ("unit", Some(&c.unit)),
        ("holder", c.holder.as_ref()),
        ("email", c.email.as_ref()),
        ("ms_teams", c.ms_teams.as_ref()),
        ("uses", c.uses.as_ref()),
    ];
    let mut at: HashMap<&str, (usize, &str)> = HashMap::new();
    let mut missing = Vec::new();
    for (key, name) in wanted {
        let Some(name) = name else { continue };
        match headers.iter().position(|h| h == name.trim()) {
            Some(i) => {
                at.insert(key, (i, name.as_str()));
            }
            None => missing.push(format!("`{name}` (for `{key}`)")),
        }
    }
    if !missing.is_empty() {
        let there = headers
            .iter()
            .filter(|h| !h.is_empty())
            .map(|h| format!("`{h}`"))
            .collect::<Vec<_>>()
            .join(", ");
        let sheet = table
            .sheet
            .as_ref()
            .map(|s| format!(" (sheet `{s}`)"))
            .unwrap_or_default();
        problems.push(Finding::invalid(
            "missing column",
            file,
            Some(table.first),
            format!(
                "the header row of {file}{sheet} has no column {}: its columns are {there}; \
                    correct `columns` in lines_from (in data/site.yaml) or the header",
                missing.join(", ")
            ),
        ));
        return Vec::new();
    }
    // The last row with anything in it: empty rows after it are the sheet's end.
    let last = table
        .rows
        .iter()
        .rposition(|row| row.iter().any(|cell| !cell.is_empty()))
        .unwrap_or(0);
    let mut rows = Vec::with_capacity(last);
    let mut first_row_of: HashMap<String, u32> = HashMap::new();
    let empty = Cell::Empty;
    for (i, cells) in table.rows.iter().enumerate().take(last + 1).skip(1) {
        let number = table.first + i as u32;
        if cells.iter().all(Cell::is_empty) {
            problems.push(Finding::invalid(
                "empty row",
                file,
                Some(number),
                format!(
                    "row {number}{} is empty, with lines below it: remove the row",
                    table
                        .sheet
                        .as_ref()
                        .map(|s| format!(" of sheet `{s}`"))
                        .unwrap_or_default()
                ),
            ));
            continue;
        }
        let mut bad = |header: &str, message: String| {
            problems.push(Finding::invalid(
                "bad value",
                file,
                Some(number),
                format!("{}: {message}", place(table, header)),
            ));
        };
        // The text of the cell for `key`: a date, an error or a formula is reported.
        let mut cell = |key: &str| -> Option<(String, &str)> {
            let &(i, header) = at.get(key)?;
            let value = cells.get(i).unwrap_or(&empty);
            match value {
                Cell::Date(shown) => {
                    let fix = if key == "ext" {
                        "the spreadsheet took the extension for a date: format the column as \
                            text and type the digits again"
                    } else {
                        "write it as text"
                    };
                    bad(header, format!("`{shown}` is a date: {fix}"));
                    None
                }
                Cell::Error(shown) => {
                    bad(
                        header,
                        format!("the cell holds the error {shown}: correct it"),
                    );
                    None
                }
                Cell::Formula(formula) => {
                    bad(
                        header,
                        format!(
                            "the cell holds the formula `={formula}`, and cutover reads only \
                                what is typed: replace it with its value (copy, then paste \
                                values only)"
                        ),
                    );
                    None
                }
                Cell::Merged(range) => {
                    bad(header, merged(range));
                    None
                }
                _ => Some((value.text().unwrap_or_default(), header)),
            }
        };
        let ext = cell("ext");
        let unit = cell("unit");
        let holder = cell("holder");
        let email = cell("email");
        let ms_teams = cell("ms_teams");
        let uses = cell("uses");
        let ext = ext.and_then(|(ext, header)| {
            if ext.is_empty() {
                bad(
                    header,
                    "no extension: fill it in, or remove the row".to_string(),
                );
                return None;
            }
            if !ext.bytes().all(|b| b.is_ascii_digit()) {
                let why = if super::values::parse_date(&ext).is_some()
                    || ext.split(['/', '.', '-']).filter(|p| !p.is_empty()).count() == 3
                {
                    "looks like a date, not an extension: format the column as text and type \
                        the digits again"
                } else {
                    "is not an extension: write digits only, like 70123"
                };
                bad(header, format!("`{ext}` {why}"));
                return None;
            }
            if let Some(first) = first_row_of.insert(ext.clone(), number) {
                first_row_of.insert(ext.clone(), first);
                bad(
                    header,
                    format!("extension {ext} is on row {first} too: keep one of the two rows"),
                );
                return None;
            }
            Some(ext)
        });
        let unit = unit.and_then(|(unit, header)| {
            if unit.is_empty() {
                bad(header, "no unit: fill it in".to_string());
                return None;
            }
            Some(unit)
        });
        let ms_teams = match ms_teams {
            None => Some(false),
            Some((flag, header)) => {
                let flag_value = match flag.to_ascii_lowercase().as_str() {
                    "yes" | "y" | "true" | "1" | "x" => Some(true),
                    "no" | "n" | "false" | "0" | "" => Some(false),
                    _ => None,
                };
                if flag_value.is_none() {
                    bad(
                        header,
                        format!(
                            "`{flag}` is not yes or no: write yes/no, y/n, true/false, 1/0, or x \
                                for yes and nothing for no"
                        ),
                    );
                }
                flag_value
            }
        };
        let (Some(ext), Some(unit), Some(ms_teams)) = (ext, unit, ms_teams) else {
            continue;
        };
        let text = |cell: Option<(String, &str)>| cell.map(|(t, _)| t).filter(|t| !t.is_empty());
        rows.push(Row {
            row: number,
            ext,
            unit,
            holder: text(holder),
            email: text(email),
            ms_teams,
            uses: text(uses)
                .map(|u| {
                    u.split(',')
                        .map(|f| f.trim().to_string())
                        .filter(|f| !f.is_empty())
                        .collect()
                })
                .unwrap_or_default(),
        });
    }
    rows
}

/// Merges the export's `rows` (read from `file`) into `units`: a row's line is its unit's,
/// taking the export's mapped keys and the unit file's others; where a unit file gives a
/// mapped key a different value, the unit file's wins and `differs` gets a warning.
/// Rows naming no unit, or a feature the policy lacks, are invalid data in `problems`.
pub fn merge(
    file: &str,
    export: &Export,
    from: &LinesFrom,
    policy: &Policy,
    units: &mut [Unit],
    problems: &mut Vec<Finding>,
    differs: &mut Vec<Finding>,
) {
    let index = super::unit_index(units);
    let columns = &from.columns;
    let sheet = match &export.sheet {
        Some(sheet) => format!("sheet `{sheet}`, "),
        None => String::new(),
    };
    let mut exts: Vec<HashMap<String, usize>> = units
        .iter()
        .map(|u| {
            u.lines
                .iter()
                .enumerate()
                .map(|(i, l)| (l.ext.clone(), i))
                .collect()
        })
        .collect();
    // Which unit file lists each extension, to tell a row that puts it in another unit.
    let owners: HashMap<String, usize> = exts
        .iter()
        .enumerate()
        .flat_map(|(u, of)| of.keys().map(move |ext| (ext.clone(), u)))
        .collect();
    for row in &export.rows {
        let id = from.units.get(&row.unit).unwrap_or(&row.unit);
        let Some(&u) = index.get(id) else {
            let names = index
                .keys()
                .map(String::as_str)
                .chain(from.units.keys().map(String::as_str));
            let hint = crate::suggest::did_you_mean(&row.unit, names);
            problems.push(Finding::invalid(
                "unknown unit",
                file,
                Some(row.row),
                format!(
                    "{sheet}column `{}`: `{}` is not a unit{hint}: name a unit file's id \
                        (data/units/ID.yaml), or map the export's name to one in `units` of \
                        lines_from (data/site.yaml)",
                    columns.unit, row.unit
                ),
            ));
            continue;
        };
        let mut uses = Vec::new();
        let mut good = true;
        for feature in &row.uses {
            if policy.feature(feature).is_some() {
                uses.push(feature.clone());
                continue;
            }
            good = false;
            let ids = policy.features.iter().map(|f| f.id.as_str());
            let known = ids.clone().collect::<Vec<_>>().join(", ");
            let fix = match crate::suggest::nearest(feature, ids) {
                Some(near) => {
                    format!("did you mean `{near}`? (the features of data/migration.yaml: {known})")
                }
                None if known.is_empty() => "data/migration.yaml names no `features`".to_string(),
                None => format!("use one of {known} (the features of data/migration.yaml)"),
            };
            problems.push(Finding::invalid(
                "bad value",
                file,
                Some(row.row),
                format!(
                    "{sheet}column `{}`: `{feature}` is not a feature: {fix}",
                    columns.uses.as_deref().unwrap_or("uses")
                ),
            ));
        }
        if !good {
            continue;
        }
        if !exts[u].contains_key(&row.ext)
            && let Some(&other) = owners.get(&row.ext)
            && let Some(&at) = exts[other].get(&row.ext)
        {
            let (owner, line) = (&units[other], &units[other].lines[at]);
            problems.push(Finding::invalid(
                "duplicate extension",
                file,
                Some(row.row),
                format!(
                    "{sheet}column `{}`: this row puts extension {} in unit `{id}`, but {} \
                        lists it on line {} (unit `{}`): correct the unit here or there",
                    columns.unit, row.ext, owner.file, line.line, owner.id
                ),
            ));
            continue;
        }
        let unit = &mut units[u];
        let here = match &export.sheet {
            Some(name) => format!("{file} (sheet `{name}`) row {}", row.row),
            None => format!("{file} row {}", row.row),
        };
        match exts[u].get(&row.ext) {
            Some(&i) => {
                let line = &mut unit.lines[i];
                let mut differ = |key: &str, theirs: String, ours: String| {
                    differs.push(
                        Finding::new(
                            Rule::ExportDiffers,
                            Severity::Warning,
                            &unit.file,
                            Some(line.line),
                            format!(
                                "extension {}: `{key}` is {ours} here and {theirs} in {here}: \
                                    the unit file's is used; correct one of them",
                                line.ext
                            ),
                        )
                        .unit(&unit.id)
                        .exts([&line.ext]),
                    );
                };
                // The unit file's value, where it gives one, wins.
                if columns.holder.is_some() {
                    match &line.holder {
                        Some(ours) if row.holder.as_ref() != Some(ours) => {
                            differ("holder", shown(row.holder.as_deref()), shown(Some(ours)))
                        }
                        Some(_) => {}
                        None => line.holder = row.holder.clone(),
                    }
                }
                if columns.email.is_some() {
                    match &line.email {
                        Some(ours) if row.email.as_ref() != Some(ours) => {
                            differ("email", shown(row.email.as_deref()), shown(Some(ours)))
                        }
                        Some(_) => {}
                        None => line.email = row.email.clone(),
                    }
                }
                if columns.ms_teams.is_some() && policy.flag.is_some() {
                    // The unit file says `ms_teams` only to say yes.
                    if line.ms_teams && !row.ms_teams {
                        differ("ms_teams", "no".to_string(), "yes".to_string());
                    }
                    line.ms_teams |= row.ms_teams;
                }
                if columns.uses.is_some() {
                    if line.uses.is_empty() {
                        line.uses = uses;
                    } else if line.uses != uses {
                        differ(
                            "uses",
                            shown(Some(&uses.join(", "))),
                            shown(Some(&line.uses.join(", "))),
                        );
                    }
                }
            }
            None => {
                exts[u].insert(row.ext.clone(), unit.lines.len());
                unit.lines.push(Line {
                    ext: row.ext.clone(),
                    holder: row.holder.clone(),
                    email: row.email.clone(),
                    ms_teams: policy.flag.is_some() && row.ms_teams,
                    uses,
                    pilot: false,
                    critical: false,
                    contact_centre: false,
                    decision: None,
                    requested: None,
                    tranche: None,
                    // Findings about the line name the export's row: no unit file lists it.
                    line: row.row,
                    exported_in: Some(file.to_string()),
                    tranche_line: row.row,
                    end_line: row.row,
                });
            }
        }
    }
}

/// A value in a message: quoted, or "empty".
fn shown(value: Option<&str>) -> String {
    match value {
        Some(v) if !v.is_empty() => format!("`{v}`"),
        _ => "empty".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::ExportColumns;

    fn from(file: &str) -> LinesFrom {
        LinesFrom {
            file: file.to_string(),
            sheet: None,
            columns: ExportColumns {
                ext: "Ext".to_string(),
                unit: "Unit".to_string(),
                holder: Some("Name".to_string()),
                email: None,
                ms_teams: Some("Teams".to_string()),
                uses: Some("Uses".to_string()),
            },
            units: Default::default(),
            line: 1,
        }
    }

    fn csv(text: &str) -> (Export, Vec<Finding>) {
        let mut problems = Vec::new();
        let export = read("data/e.csv", text.as_bytes(), &from("e.csv"), &mut problems);
        (export, problems)
    }

    fn messages(problems: &[Finding]) -> Vec<(Option<u32>, String)> {
        problems
            .iter()
            .map(|p| (p.line, p.message.clone()))
            .collect()
    }

    #[test]
    fn rows_keep_the_mapped_columns_only() {
        let (export, problems) =
            csv("Room,Ext,Unit,Name,Teams,Uses\nR1,70001,physics,Ann,Y,\"a, b\"\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            export.rows,
            [Row {
                row: 2,
                ext: "70001".to_string(),
                unit: "physics".to_string(),
                holder: Some("Ann".to_string()),
                email: None,
                ms_teams: true,
                uses: vec!["a".to_string(), "b".to_string()],
            }]
        );
    }

    #[test]
    fn a_bom_semicolons_and_crlf_read_as_excel_writes_them() {
        let (export, problems) = csv("\u{feff}Ext;Unit;Name;Teams;Uses\r\n70001;physics;;;\r\n");
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(export.rows.len(), 1);
        assert_eq!(export.rows[0].holder, None);
        assert!(!export.rows[0].ms_teams);
    }

    #[test]
    fn the_pre_flag_reads_every_spelling_of_yes_and_no() {
        for (written, flag) in [
            ("yes", true),
            ("Y", true),
            ("TRUE", true),
            ("1", true),
            ("x", true),
            ("no", false),
            ("n", false),
            ("false", false),
            ("0", false),
            ("", false),
        ] {
            let (export, problems) = csv(&format!("Ext,Unit,Name,Teams,Uses\n1,u,,{written},\n"));
            assert!(problems.is_empty(), "{written}: {problems:?}");
            assert_eq!(export.rows[0].ms_teams, flag, "{written}");
        }
    }

    #[test]
    fn each_bad_row_is_told_with_its_row_and_column() {
        let (export, problems) = csv("Ext,Unit,Name,Teams,Uses\n\
             ,u,,,\n\
             12/04/2022,u,,,\n\
             7O001,u,,,\n\
             70002,,,,\n\
             70003,u,,maybe,\n\
             70004,u,,,\n\
             70004,u,,,\n");
        assert!(export.rows.iter().all(|r| r.ext != "70003"));
        let got = messages(&problems);
        let expect = [
            (2, "column `Ext`: no extension"),
            (3, "column `Ext`: `12/04/2022` looks like a date"),
            (4, "column `Ext`: `7O001` is not an extension"),
            (5, "column `Unit`: no unit"),
            (6, "column `Teams`: `maybe` is not yes or no"),
            (8, "column `Ext`: extension 70004 is on row 7 too"),
        ];
        assert_eq!(got.len(), expect.len(), "{got:#?}");
        for ((line, message), (row, start)) in got.iter().zip(expect) {
            assert_eq!(*line, Some(row));
            assert!(message.starts_with(start), "{message}");
        }
    }

    #[test]
    fn blank_lines_count_as_rows_and_an_empty_row_between_lines_is_told() {
        let (export, problems) = csv("Ext,Unit,Name,Teams,Uses\n\n70001,u,,,\n\n\n");
        assert_eq!(export.rows[0].row, 3);
        assert_eq!(messages(&problems)[0].0, Some(2));
        assert_eq!(
            problems.len(),
            1,
            "trailing blank lines are the end: {problems:?}"
        );
    }

    #[test]
    fn a_missing_column_names_the_columns_there() {
        let (export, problems) = csv("Extension,Unit\n70001,u\n");
        assert!(export.rows.is_empty());
        let (line, message) = &messages(&problems)[0];
        assert_eq!(*line, Some(1));
        assert!(
            message.contains("no column `Ext` (for `ext`), `Name` (for `holder`)"),
            "{message}"
        );
        assert!(
            message.contains("its columns are `Extension`, `Unit`"),
            "{message}"
        );
    }

    #[test]
    fn files_that_are_not_what_they_say_are_refused_without_a_panic() {
        for (file, bytes) in [
            ("e.xlsx", b"Ext,Unit\n1,u\n".as_slice()),
            ("e.ods", b"PK\x03\x04 truncated".as_slice()),
            ("e.xlsx", b"".as_slice()),
            ("e.csv", b"\xff\xfe\x00E".as_slice()),
        ] {
            let mut problems = Vec::new();
            let export = read(&format!("data/{file}"), bytes, &from(file), &mut problems);
            assert!(export.rows.is_empty(), "{file}");
            assert_eq!(problems.len(), 1, "{file}: {problems:?}");
            assert_eq!(problems[0].file, format!("data/{file}"));
        }
    }

    fn row(row: u32, ext: &str, unit: &str, holder: &str) -> Row {
        Row {
            row,
            ext: ext.to_string(),
            unit: unit.to_string(),
            holder: Some(holder.to_string()).filter(|h| !h.is_empty()),
            email: None,
            ms_teams: false,
            uses: vec![],
        }
    }

    #[test]
    fn merging_keeps_the_unit_files_values_and_tells_where_they_differ() {
        use crate::rules::status::tests::{line, unit};
        let mut ours = unit();
        let mut listed = line("70001");
        listed.decision = Some(crate::model::Decision::Move);
        listed.line = 7;
        ours.lines = vec![listed, line("70003")];
        let mut other = unit();
        other.id = "v".into();
        other.file = "data/units/v.yaml".into();
        other.lines = vec![line("70009")];
        let mut units = vec![ours, other];
        let mut from = from("e.csv");
        from.units.insert("Unit U".to_string(), "u".to_string());
        let export = Export {
            sheet: None,
            rows: vec![
                row(2, "70001", "Unit U", "Someone Else"),
                row(3, "70002", "u", ""),
                row(4, "70003", "u", "Holder 70003"),
                row(5, "70004", "w", ""),
                row(6, "70009", "u", ""),
            ],
        };
        let (mut problems, mut differs) = (Vec::new(), Vec::new());
        let policy = Policy::default();
        merge(
            "data/e.csv",
            &export,
            &from,
            &policy,
            &mut units,
            &mut problems,
            &mut differs,
        );
        let exts: Vec<&str> = units[0].lines.iter().map(|l| l.ext.as_str()).collect();
        assert_eq!(exts, ["70001", "70003", "70002"]);
        assert_eq!(units[0].lines[0].holder.as_deref(), Some("Holder 70001"));
        assert_eq!(
            units[0].lines[0].decision,
            Some(crate::model::Decision::Move)
        );
        assert_eq!(units[0].lines[2].holder, None);
        assert_eq!(differs.len(), 1, "{differs:?}");
        assert_eq!(differs[0].rule, Rule::ExportDiffers);
        assert_eq!(
            (differs[0].file.as_str(), differs[0].line),
            ("data/units/u.yaml", Some(7))
        );
        assert!(
            differs[0]
                .message
                .contains("`Holder 70001` here and `Someone Else` in data/e.csv row 2")
        );
        let told: Vec<Option<u32>> = problems.iter().map(|p| p.line).collect();
        assert_eq!(told, [Some(5), Some(6)], "{problems:?}");
        assert!(problems[1].message.contains("data/units/v.yaml lists it"));
    }

    #[test]
    fn a_number_cell_is_its_digits() {
        assert_eq!(number_text(70123.0), "70123");
        assert_eq!(number_text(1.5), "1.5");
    }
}
