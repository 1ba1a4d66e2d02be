//! A unit's checklist as an XLSX workbook: its lines, with the `decision` and
//! `requested` columns open to fill in and validated, every other cell locked; and a
//! second sheet saying what to do with it.

use std::path::Path;

use chrono::Datelike;
use rust_xlsxwriter::{
    DataValidation, DataValidationRule, DocProperties, ExcelDateTime, Format, Worksheet, XlsxError,
};

use crate::plan::{Cell, Workbook};

/// The sheet of lines: an answer file is read from it.
pub const LINES: &str = "Lines";
/// The sheet that says what to do.
pub const GUIDE: &str = "What to do";

/// The workbook's bytes, its worksheets made through temporary files in `scratch` (or
/// the system's temporary folder). The same workbook always makes the same bytes: its
/// creation date is fixed (the library would stamp the time of the build).
pub fn render(book: &Workbook, scratch: Option<&Path>) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    if let Some(dir) = scratch {
        // Where it cannot make a file, the system's temporary folder serves.
        let _ = workbook.set_tempdir(dir);
    }
    workbook.set_zip_compression_level(1);
    let created = ExcelDateTime::from_ymd(2000, 1, 1)?;
    workbook.set_properties(
        &DocProperties::new()
            .set_title("Checklist")
            .set_creation_datetime(&created),
    );
    lines(streamed(&mut workbook, 0)?, book)?;
    guide(streamed(&mut workbook, 1)?, book)?;
    workbook.save_to_buffer()
}

/// A new worksheet, the `index`th, in constant-memory mode: its cells go to a temporary
/// file as they are written, with their text inline. A workbook's usual worksheets are
/// each assembled on a thread of their own when it is saved: for three thousand small
/// workbooks, six thousand threads started and waited for, a third of the time a build
/// takes. Where no temporary file can be made, the usual kind.
fn streamed(
    workbook: &mut rust_xlsxwriter::Workbook,
    index: usize,
) -> Result<&mut Worksheet, XlsxError> {
    if workbook.add_worksheet_with_constant_memory().is_err() {
        workbook.add_worksheet();
    }
    workbook.worksheet_from_index(index)
}

const ISO: &str = "yyyy-mm-dd";

fn lines(sheet: &mut Worksheet, book: &Workbook) -> Result<(), XlsxError> {
    sheet.set_name(LINES)?;
    let header = Format::new().set_bold();
    let locked_date = Format::new().set_num_format(ISO);
    // Where to fill in, unlocked and tinted so that it shows.
    let open = Format::new().set_unlocked().set_background_color(0xFFF2CC);
    let open_date = open.clone().set_num_format(ISO);
    let editable = |col: usize| col == book.decision_column || col == book.requested_column;
    for (col, name) in book.header.iter().enumerate() {
        sheet.write_string_with_format(0, column(col)?, name, &header)?;
    }
    let mut widths: Vec<usize> = book.header.iter().map(|h| h.chars().count()).collect();
    for (r, row) in book.rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| XlsxError::RowColumnLimitError)?;
        for (col, cell) in row.iter().enumerate() {
            // Locked is every cell's default: only the others carry a format, as looking a
            // format up costs more than writing the cell.
            let (plain, date) = if editable(col) {
                (Some(&open), &open_date)
            } else {
                (None, &locked_date)
            };
            let width = write(sheet, r, column(col)?, cell, plain, date)?;
            if let Some(w) = widths.get_mut(col) {
                *w = (*w).max(width);
            }
        }
    }
    for (col, width) in widths.iter().enumerate() {
        sheet.set_column_width(column(col)?, (*width).clamp(8, 50) as f64 + 2.0)?;
    }
    if !book.rows.is_empty() {
        let last = u32::try_from(book.rows.len()).map_err(|_| XlsxError::RowColumnLimitError)?;
        let decision = DataValidation::new()
            .allow_list_strings(&book.decisions)?
            .set_error_title("Not a decision")?
            .set_error_message(format!("Choose {}.", book.decisions.join(" or ")))?;
        let col = column(book.decision_column)?;
        sheet.add_data_validation(1, col, last, col, &decision)?;
        let requested = DataValidation::new()
            .allow_date(DataValidationRule::Between(
                ExcelDateTime::from_ymd(2000, 1, 1)?,
                ExcelDateTime::from_ymd(2099, 12, 31)?,
            ))
            .set_error_title("Not a date")?
            .set_error_message("Give the date the line needs to move by, e.g. 2022-06-30.")?;
        let col = column(book.requested_column)?;
        sheet.add_data_validation(1, col, last, col, &requested)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    // No password: protection keeps the columns as they are read back, not a secret.
    sheet.protect();
    Ok(())
}

fn guide(sheet: &mut Worksheet, book: &Workbook) -> Result<(), XlsxError> {
    sheet.set_name(GUIDE)?;
    let label = Format::new()
        .set_bold()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let value = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Left);
    let date = value.clone().set_num_format(ISO);
    for (r, (name, cell)) in book.guide.iter().enumerate() {
        let r = u32::try_from(r).map_err(|_| XlsxError::RowColumnLimitError)?;
        sheet.write_string_with_format(r, 0, name, &label)?;
        write(sheet, r, 1, cell, Some(&value), &date)?;
    }
    sheet.set_column_width(0, 14)?;
    sheet.set_column_width(1, 90)?;
    sheet.protect();
    Ok(())
}

/// Writes `cell` in `plain` (the default format when `None`; a date in `date_format`),
/// text always as text (never a formula, whatever it reads like); its width in characters.
fn write(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    plain: Option<&Format>,
    date_format: &Format,
) -> Result<usize, XlsxError> {
    match (cell, plain) {
        (Cell::Text(text), Some(plain)) => {
            sheet.write_string_with_format(row, col, text, plain)?;
            Ok(text.chars().count())
        }
        (Cell::Text(text), None) => {
            // An empty cell in the default format is no cell at all.
            if !text.is_empty() {
                sheet.write_string(row, col, text)?;
            }
            Ok(text.chars().count())
        }
        (Cell::Date(d), _) => match excel_date(*d) {
            Some(excel) => {
                sheet.write_datetime_with_format(row, col, &excel, date_format)?;
                Ok(10)
            }
            // Beyond what a spreadsheet holds as a date: kept as it reads.
            None => {
                let text = d.format("%Y-%m-%d").to_string();
                write(sheet, row, col, &Cell::Text(text), plain, date_format)
            }
        },
        (Cell::Number(n), Some(plain)) => {
            sheet.write_number_with_format(row, col, *n, plain)?;
            Ok(n.to_string().len())
        }
        (Cell::Number(n), None) => {
            sheet.write_number(row, col, *n)?;
            Ok(n.to_string().len())
        }
        (Cell::Bool(b), Some(plain)) => {
            sheet.write_boolean_with_format(row, col, *b, plain)?;
            Ok(5)
        }
        (Cell::Bool(b), None) => {
            sheet.write_boolean(row, col, *b)?;
            Ok(5)
        }
        (Cell::Blank, Some(plain)) => {
            sheet.write_blank(row, col, plain)?;
            Ok(0)
        }
        (Cell::Blank, None) => Ok(0),
    }
}

fn excel_date(d: chrono::NaiveDate) -> Option<ExcelDateTime> {
    let year = u16::try_from(d.year()).ok()?;
    let month = u8::try_from(d.month()).ok()?;
    let day = u8::try_from(d.day()).ok()?;
    ExcelDateTime::from_ymd(year, month, day).ok()
}

fn column(col: usize) -> Result<u16, XlsxError> {
    u16::try_from(col).map_err(|_| XlsxError::RowColumnLimitError)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn book() -> Workbook {
        let d = |s: &str| s.parse().unwrap();
        Workbook {
            header: ["unit", "ext", "holder", "decision", "requested"]
                .map(String::from)
                .into(),
            rows: vec![vec![
                Cell::Text("physics".into()),
                Cell::Text("0101".into()),
                Cell::Text("=1+1".into()),
                Cell::Blank,
                Cell::Date(d("2022-06-30")),
            ]],
            decision_column: 3,
            requested_column: 4,
            decisions: vec!["move", "stay"],
            guide: vec![("Answer by".into(), Cell::Date(d("2022-05-13")))],
        }
    }

    /// The sheet's XML, unzipped.
    fn sheet_xml(bytes: &[u8], n: usize) -> String {
        use std::io::Read;
        let mut zip = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
        let mut xml = String::new();
        zip.by_name(&format!("xl/worksheets/sheet{n}.xml"))
            .unwrap()
            .read_to_string(&mut xml)
            .unwrap();
        xml
    }

    #[test]
    fn the_same_workbook_makes_the_same_bytes() {
        let a = render(&book(), None).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(1100));
        assert_eq!(a, render(&book(), None).unwrap());
        assert!(a.starts_with(b"PK"));
    }

    #[test]
    fn text_is_never_a_formula_and_only_the_answers_are_open() {
        let xml = sheet_xml(&render(&book(), None).unwrap(), 1);
        assert!(!xml.contains("<f>"), "{xml}");
        assert!(xml.contains("<sheetProtection"), "{xml}");
        assert!(!xml.contains("password"), "{xml}");
        assert!(
            xml.contains(r#"type="list""#) && xml.contains("\"move,stay\""),
            "{xml}"
        );
        assert!(xml.contains(r#"type="date""#), "{xml}");
    }
}
