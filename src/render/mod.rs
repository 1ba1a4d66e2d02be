//! Rendering: markdown through pulldown-cmark, pages through tera templates, calendars and
//! CSV. Pages render independently (in parallel); every error names the page, the audience
//! and the file to correct.

mod ics;
mod theme;

use rayon::prelude::*;
use tera::Context;

pub use theme::{Theme, builtin_files};

use crate::Checked;
use crate::finding::Finding;
use crate::markup::{self, Count, Insertion, Resolver};
use crate::model::Page;
use crate::plan::{HtmlPage, Insertions, Output, Plan};

/// One rendered file, relative to the output folder.
pub type File = (String, Vec<u8>);

/// Renders every planned file; on failure, every page that failed is reported.
pub fn render(plan: &Plan, theme: &Theme, checked: &Checked) -> Result<Vec<File>, Vec<Finding>> {
    let results: Vec<Result<File, Finding>> = plan
        .files
        .par_iter()
        .map(|planned| {
            let bytes = match &planned.output {
                Output::Html(page) => html(page, theme, &checked.model.pages)?.into_bytes(),
                Output::Ics(cal) => ics::render(cal).into_bytes(),
                Output::Csv(rows) => csv(rows).map_err(|e| {
                    Finding::invalid(
                        "render",
                        &planned.path,
                        None,
                        format!("writing the CSV failed: {e}"),
                    )
                })?,
            };
            Ok((planned.path.clone(), bytes))
        })
        .collect();
    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for r in results {
        match r {
            Ok(f) => files.push(f),
            Err(p) => problems.push(p),
        }
    }
    if problems.is_empty() {
        Ok(files)
    } else {
        Err(problems)
    }
}

fn csv(rows: &[crate::plan::CsvRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    for row in rows {
        writer.serialize(row)?;
    }
    writer
        .into_inner()
        .map_err(|e| csv::Error::from(e.into_error()))
}

/// A tera error with every cause, so the real reason reaches the user.
pub fn error_chain(err: &dyn std::error::Error) -> String {
    let mut message = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    message
}

/// Fills insertions from the audience's data and resolves links for the audience. A
/// template failure inside an insertion is kept for the caller.
struct PageResolver<'a> {
    data: &'a Insertions,
    theme: &'a Theme,
    pages: &'a [Page],
    /// From the page to the audience's folder.
    home: &'a str,
    failure: Option<tera::Error>,
}

impl Resolver for PageResolver<'_> {
    fn insert(&mut self, ins: Insertion) -> Result<String, String> {
        if ins == Insertion::Contact && self.data.contact.is_none() {
            return Err(markup::NO_CONTACT.to_string());
        }
        Ok(insertion(ins, self.data, self.theme).unwrap_or_else(|e| {
            self.failure.get_or_insert(e);
            String::new()
        }))
    }

    fn link(&mut self, path: &str) -> Result<String, String> {
        markup::resolve_link(path, self.pages, &self.data.audience)
            .map(|href| format!("{}{href}", self.home))
    }
}

fn html(page: &HtmlPage, theme: &Theme, pages: &[Page]) -> Result<String, Finding> {
    let mut context =
        Context::from_serialize(&page.view).map_err(|e| template_problem(theme, page, &e))?;
    if let (Some(md), Some(data)) = (&page.markdown, &page.insertions) {
        let mut resolver = PageResolver {
            data,
            theme,
            pages,
            home: &page.view.home,
            failure: None,
        };
        let content = markup::to_html(&md.text, &mut resolver).map_err(|errors| {
            let e = &errors[0];
            Finding::invalid(
                "content page does not render",
                &md.file,
                Some(md.first_line + e.line - 1),
                format!("{} ({})", e.message, page.describe),
            )
        })?;
        if let Some(e) = resolver.failure {
            return Err(template_problem(theme, page, &e));
        }
        context.insert("content", &content);
    }
    theme
        .tera
        .render(page.template, &context)
        .map_err(|e| template_problem(theme, page, &e))
}

fn template_problem(theme: &Theme, page: &HtmlPage, err: &dyn std::error::Error) -> Finding {
    Finding::invalid(
        "template does not render",
        theme.describe(page.template),
        None,
        format!("rendering {} failed: {}", page.describe, error_chain(err)),
    )
}

fn partial<T: serde::Serialize>(
    theme: &Theme,
    name: &str,
    key: &'static str,
    value: &T,
) -> Result<String, tera::Error> {
    let mut ctx = Context::new();
    ctx.insert(key, value);
    theme.tera.render(name, &ctx)
}

fn insertion(ins: Insertion, data: &Insertions, theme: &Theme) -> Result<String, tera::Error> {
    Ok(match ins {
        Insertion::Tranches => {
            partial(theme, "partials/tranches.html", "tranches", &data.tranches)?
        }
        Insertion::Timeline => partial(theme, "partials/timeline.html", "events", &data.events)?,
        Insertion::CannotMove => partial(
            theme,
            "partials/cannot-move.html",
            "units",
            &data.cannot_move,
        )?,
        Insertion::Count(c) => {
            let s = &data.statuses;
            match c {
                Count::Units => data.units,
                Count::Lines => s.lines,
                Count::Moving => s.moving,
                Count::Staying => s.staying,
                Count::Blocked => s.blocked,
                Count::Undecided => s.undecided,
                Count::Tranches => data.tranches.len(),
            }
            .to_string()
        }
        Insertion::Deadline => markup::escape(&data.deadline),
        Insertion::Contact => {
            let e = markup::escape(data.contact.as_deref().unwrap_or_default());
            format!("<a href=\"mailto:{e}\">{e}</a>")
        }
    })
}
