//! `data/site.yaml`: the site's title, organisation, deadline, holidays and audiences.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::values::Values;
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::Finding;
use crate::model::{Audience, ExportColumns, LinesFrom, Site};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSite {
    title: Option<String>,
    organisation: Option<String>,
    response_deadline: Option<Spot<String>>,
    contact: Option<String>,
    theme: Option<Spot<String>>,
    #[serde(default)]
    holidays: Vec<Spot<String>>,
    audiences: Option<Vec<Spot<RawAudience>>>,
    #[serde(default)]
    raw_html: bool,
    lines_from: Option<Spot<RawLinesFrom>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLinesFrom {
    file: Option<Spot<String>>,
    sheet: Option<String>,
    columns: Option<RawColumns>,
    #[serde(default)]
    units: BTreeMap<String, Spot<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawColumns {
    ext: Option<String>,
    unit: Option<String>,
    holder: Option<String>,
    email: Option<String>,
    ms_teams: Option<String>,
    uses: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAudience {
    id: Option<Spot<String>>,
    title: Option<String>,
    #[serde(default)]
    personal_data: bool,
    #[serde(default)]
    unit_checklists: bool,
    #[serde(default)]
    unit_dates: bool,
    #[serde(default)]
    exports: bool,
}

/// Parses `site.yaml`; `None` if the file itself could not be read as a site (its
/// audiences are then unknown).
pub fn site(
    file: &str,
    text: &str,
    problems: &mut Vec<Finding>,
    complete: &mut super::Complete,
) -> Option<Site> {
    let Some(raw) = parse_or_report::<RawSite>(file, text, "site.yaml", problems) else {
        complete.audiences = false;
        return None;
    };
    let mut v = Values::new(file, text, problems);
    let top = Some(1);
    let title = v.required_text(
        raw.title,
        top,
        "title",
        "site.yaml",
        "title: Moving to our new phone system",
    );
    let organisation = v.required_text(
        raw.organisation,
        top,
        "organisation",
        "site.yaml",
        "organisation: University of Oxford",
    );
    let deadline = v
        .required(
            raw.response_deadline,
            top,
            "response_deadline",
            "site.yaml",
            "response_deadline: 2022-04-14",
        )
        .and_then(|d| v.date(&d, "response_deadline"));
    let holidays = raw
        .holidays
        .iter()
        .filter_map(|h| v.date(h, "holidays"))
        .collect();
    let theme = match &raw.theme {
        Some(t) => v.id(t, "theme").unwrap_or_else(|| "default".to_string()),
        None => "default".to_string(),
    };
    let raw_audiences = v.required(
        raw.audiences.filter(|list| !list.is_empty()),
        top,
        "audiences",
        "site.yaml",
        "audiences: [{id: coordinators, title: Coordinators}]",
    );
    let mut audiences: Vec<Audience> = Vec::new();
    for a in raw_audiences.iter().flatten() {
        let line = line_of(a);
        let id = v
            .required(
                a.value.id.as_ref(),
                line,
                "id",
                "this audience",
                "id: coordinators",
            )
            .and_then(|id| v.id(id, "id"));
        let title = v.required_text(
            a.value.title.clone(),
            line,
            "title",
            "this audience",
            "title: Telephone coordinators",
        );
        let (Some(id), Some(title)) = (id, title) else {
            complete.audiences = false;
            continue;
        };
        if audiences.iter().any(|seen| seen.id == id) {
            v.bad(line, format!("audience `{id}` is listed twice: keep one"));
            continue;
        }
        if a.value.unit_checklists && !a.value.personal_data {
            v.problems.push(Finding::invalid(
                "unit_checklists without personal_data",
                file,
                line,
                format!(
                    "audience `{id}` has `unit_checklists: true` but not `personal_data: true`: \
                        checklists show names and extensions, so add `personal_data: true` or \
                            remove `unit_checklists`"
                ),
            ));
        }
        if a.value.exports && !a.value.personal_data {
            v.problems.push(Finding::invalid(
                "exports without personal_data",
                file,
                line,
                format!(
                    "audience `{id}` has `exports: true` but not `personal_data: true`: \
                        exports list names, emails and extensions, so add `personal_data: true` \
                            or remove `exports`"
                ),
            ));
        }
        audiences.push(Audience {
            id,
            title,
            personal_data: a.value.personal_data,
            unit_checklists: a.value.unit_checklists && a.value.personal_data,
            unit_dates: a.value.unit_dates,
            exports: a.value.exports && a.value.personal_data,
        });
    }
    let lines_from = raw.lines_from.as_ref().and_then(|l| lines_from(&mut v, l));
    Some(Site {
        title: title.unwrap_or_default(),
        organisation: organisation.unwrap_or_default(),
        response_deadline: deadline,
        contact: raw.contact,
        theme,
        theme_line: raw.theme.as_ref().and_then(line_of),
        holidays,
        audiences,
        raw_html: raw.raw_html,
        lines_from,
    })
}

/// `lines_from:`, with its file under `data/` and the two columns every line needs.
fn lines_from(v: &mut Values, raw: &Spot<RawLinesFrom>) -> Option<LinesFrom> {
    let at = line_of(raw);
    let l = &raw.value;
    let example = "file: phone-export.csv";
    let file = v.required(l.file.as_ref(), at, "file", "`lines_from`", example);
    let file = file.and_then(|f| {
        let name = f.value.trim();
        let lower = name.to_ascii_lowercase();
        let kind = [".csv", ".xlsx", ".ods"].iter().any(|e| lower.ends_with(e));
        // Under data/ and nowhere else: the root's other folders are published or built.
        let inside = !name.starts_with('/')
            && !name.contains('\\')
            && name
                .split('/')
                .all(|part| !part.is_empty() && part != ".." && part != ".");
        if !kind || !inside {
            v.bad(
                line_of(f).or(at),
                format!(
                    "`file: {name}` cannot be the export: name a .csv, .xlsx or .ods file under \
                        data/, like `{example}` for data/phone-export.csv"
                ),
            );
            return None;
        }
        if l.sheet.is_some() && lower.ends_with(".csv") {
            v.bad(
                line_of(f).or(at),
                format!("`sheet` is for a spreadsheet, and {name} is a CSV file: remove `sheet`"),
            );
        }
        Some(name.to_string())
    });
    let columns = v.required(
        l.columns.as_ref(),
        at,
        "columns",
        "`lines_from`",
        "columns: {ext: Extension, unit: Department}",
    );
    let columns = columns.and_then(|c| {
        let ext = v.required_text(
            c.ext.clone(),
            at,
            "ext",
            "`lines_from: columns`",
            "ext: Extension",
        );
        let unit = v.required_text(
            c.unit.clone(),
            at,
            "unit",
            "`lines_from: columns`",
            "unit: Department",
        );
        Some(ExportColumns {
            ext: ext?,
            unit: unit?,
            holder: c.holder.clone(),
            email: c.email.clone(),
            ms_teams: c.ms_teams.clone(),
            uses: c.uses.clone(),
        })
    });
    let mut units = BTreeMap::new();
    for (name, id) in &l.units {
        if let Some(id) = v.id(id, "units") {
            units.insert(name.clone(), id);
        }
    }
    Some(LinesFrom {
        file: file?,
        sheet: l.sheet.clone(),
        columns: columns?,
        units,
        line: at.unwrap_or(1),
    })
}
