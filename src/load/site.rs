//! `data/site.yaml`: the site's title, organisation, deadline, holidays and audiences.

use serde::Deserialize;

use super::values::Values;
use super::yaml::{Spot, line_of, parse_or_report};
use crate::finding::Finding;
use crate::model::{Audience, Site};

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
    })
}
