//! Rendering: markdown through pulldown-cmark, pages through tera templates, calendars,
//! CSV and XLSX. Pages render independently (in parallel); every error names the page, the audience
//! and the file to correct.

mod ics;
mod theme;
mod xlsx;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use tera::Context;

pub use theme::{Theme, builtin_files};

use crate::finding::Finding;
use crate::markup::{self, Count, Insertion, Resolver};
use crate::model::Page;
use crate::plan::{
    AudienceView, CsvRow, HtmlPage, IcsCalendar, Insertions, Markdown, Output, PageView, Planned,
    Table, Workbook,
};

/// One rendered file, relative to the output folder. Shared: a file reused from an
/// earlier build is not copied.
pub type File = (String, Arc<Vec<u8>>);

/// Files rendered by an earlier build, each with what it was made from: a file made from
/// the same things is not rendered again. Comparing views is much cheaper than rendering
/// them, and exact.
#[derive(Default)]
pub struct Cache {
    files: HashMap<String, (Source, Arc<Vec<u8>>)>,
}

/// What a file is made from.
#[derive(PartialEq)]
enum Source {
    Html {
        template: blake3::Hash,
        view: Box<PageView>,
        markdown: Option<Markdown>,
        /// What `@/` links resolve against, when there is markdown.
        links: Option<blake3::Hash>,
        /// The data insertions show, when the markdown has any.
        insertions: Option<Arc<Insertions>>,
    },
    Ics(IcsCalendar),
    Csv(Arc<Vec<CsvRow>>),
    Table(Arc<Table>),
    Xlsx(Arc<Workbook>),
}

impl Source {
    fn of(output: &Output, theme: &Theme, links: blake3::Hash) -> Source {
        match output {
            Output::Html(page) => Source::Html {
                template: theme.fingerprint(page.template),
                view: Box::new(page.view.clone()),
                markdown: page.markdown.clone(),
                links: page.markdown.as_ref().map(|_| links),
                insertions: page.insertions.clone().filter(|_| inserts(page)),
            },
            Output::Ics(cal) => Source::Ics(cal.clone()),
            Output::Csv(rows) => Source::Csv(rows.clone()),
            Output::Table(table) => Source::Table(table.clone()),
            Output::Xlsx(book) => Source::Xlsx(book.clone()),
        }
    }

    /// Whether `output` would be made from the same things, without building a `Source`.
    fn matches(&self, output: &Output, theme: &Theme, links: blake3::Hash) -> bool {
        match (self, output) {
            (
                Source::Html {
                    template,
                    view,
                    markdown,
                    links: old_links,
                    insertions,
                },
                Output::Html(page),
            ) => {
                *template == theme.fingerprint(page.template)
                    && **view == page.view
                    && *markdown == page.markdown
                    && (page.markdown.is_none() || *old_links == Some(links))
                    && match (
                        insertions,
                        page.insertions.as_ref().filter(|_| inserts(page)),
                    ) {
                        (Some(a), Some(b)) => Arc::ptr_eq(a, b) || a == b,
                        (None, None) => true,
                        _ => false,
                    }
            }
            (Source::Ics(a), Output::Ics(b)) => a == b,
            (Source::Csv(a), Output::Csv(b)) => a == b,
            (Source::Table(a), Output::Table(b)) => a == b,
            (Source::Xlsx(a), Output::Xlsx(b)) => Arc::ptr_eq(a, b) || a == b,
            _ => false,
        }
    }
}

/// Whether the page's markdown inserts data: only then does the data shape the page.
fn inserts(page: &HtmlPage) -> bool {
    page.markdown
        .as_ref()
        .is_some_and(|md| md.text.contains("{{"))
}

/// What a file was made from, kept with it in the [`Cache`] for the next build.
pub struct Remembered(Source);

impl Cache {
    /// A build's way into the cache: `pages` are the site's content pages, whose `@/`
    /// links every page's markdown resolves against.
    pub fn reuse<'a>(&'a self, pages: &[Page]) -> Reuse<'a> {
        Reuse {
            cache: self,
            links: links_fingerprint(pages),
        }
    }

    /// Keeps `made` for the next build: each file's path, bytes, and what it was made
    /// from when it was rendered anew (a file reused keeps what it had).
    pub fn renew(&mut self, made: Vec<(String, Arc<Vec<u8>>, Option<Remembered>)>) {
        let mut old = std::mem::take(&mut self.files);
        self.files = made
            .into_iter()
            .filter_map(|(path, bytes, remembered)| {
                let source = match remembered {
                    Some(Remembered(source)) => source,
                    None => old.remove(&path)?.0,
                };
                Some((path, (source, bytes)))
            })
            .collect();
    }
}

/// The cache of an earlier build, as one build reads it.
pub struct Reuse<'a> {
    cache: &'a Cache,
    links: blake3::Hash,
}

impl Reuse<'_> {
    /// `planned`'s bytes: the earlier build's when made from the same things (and nothing
    /// to remember), else rendered anew, with what they were made from.
    pub fn make(
        &self,
        planned: &Planned,
        theme: &Theme,
        pages: &[Page],
    ) -> Result<(Arc<Vec<u8>>, Option<Remembered>), Finding> {
        if let Some((source, bytes)) = self.cache.files.get(&planned.path)
            && source.matches(&planned.output, theme, self.links)
        {
            return Ok((bytes.clone(), None));
        }
        let bytes = render_file(planned, theme, pages, None)?;
        let source = Source::of(&planned.output, theme, self.links);
        Ok((Arc::new(bytes), Some(Remembered(source))))
    }
}

/// One planned file's bytes. A workbook's worksheets go through temporary files in
/// `scratch`, or in the system's temporary folder when `None`.
pub fn render_file(
    planned: &Planned,
    theme: &Theme,
    pages: &[Page],
    scratch: Option<&Path>,
) -> Result<Vec<u8>, Finding> {
    Ok(match &planned.output {
        Output::Html(page) => html(page, theme, pages)?,
        Output::Ics(cal) => ics::render(cal).into_bytes(),
        Output::Csv(rows) => csv(rows).map_err(|e| csv_failed(planned, &e))?,
        Output::Table(table) => table.csv().map_err(|e| csv_failed(planned, &e))?,
        Output::Xlsx(book) => xlsx::render(book, scratch).map_err(|e| {
            Finding::invalid(
                "render",
                &planned.path,
                None,
                format!("writing the spreadsheet failed: {e}"),
            )
        })?,
    })
}

fn csv_failed(planned: &Planned, e: &csv::Error) -> Finding {
    Finding::invalid(
        "render",
        &planned.path,
        None,
        format!("writing the CSV failed: {e}"),
    )
}

/// The file to correct when a page has a broken link: its content page, or its template.
/// `None` for files that are not pages.
pub fn source(planned: &Planned, theme: &Theme) -> Option<String> {
    match &planned.output {
        Output::Html(page) => Some(match &page.markdown {
            Some(md) => md.file.clone(),
            None => theme.describe(page.template),
        }),
        _ => None,
    }
}

/// What `@/` links resolve against: which pages exist, for whom, and their headings.
fn links_fingerprint(pages: &[Page]) -> blake3::Hash {
    let mut hasher = blake3::Hasher::new();
    for page in pages {
        hasher.update(page.slug.as_bytes());
        hasher.update(&[u8::from(page.draft)]);
        hasher.update(format!("{:?}", page.audiences).as_bytes());
        for line in page
            .body
            .lines()
            .filter(|l| l.trim_start().starts_with('#') || l.trim_start().starts_with(":::"))
        {
            hasher.update(line.as_bytes());
            hasher.update(b"\n");
        }
    }
    hasher.finalize()
}

fn csv(rows: &[CsvRow]) -> Result<Vec<u8>, csv::Error> {
    let mut writer = csv::Writer::from_writer(Vec::new());
    // As serde would write it: a header only above rows.
    if let Some(first) = rows.first() {
        writer.write_record(first.header())?;
    }
    for row in rows {
        writer.write_record(row.record())?;
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

fn html(page: &HtmlPage, theme: &Theme, pages: &[Page]) -> Result<Vec<u8>, Finding> {
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
        let content = markup::to_html(&md.text, &mut resolver, !md.raw_html).map_err(|errors| {
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
    // Room for a unit's checklist page up front, rather than growing to it step by step.
    let mut out = Vec::with_capacity(PAGE_SIZE);
    theme
        .tera
        .render_to(page.template, &context, &mut out)
        .map_err(|e| template_problem(theme, page, &e))?;
    Ok(out)
}

/// About the size of a unit's checklist page of 60 lines.
const PAGE_SIZE: usize = 64 * 1024;

const TEMPLATE_FAILS: &str = "template does not render";

fn template_problem(theme: &Theme, page: &HtmlPage, err: &dyn std::error::Error) -> Finding {
    Finding::invalid(
        TEMPLATE_FAILS,
        theme.describe(page.template),
        None,
        format!("rendering {} failed: {}", page.describe, error_chain(err)),
    )
}

/// A template that fails the same way on every page made with it (every unit's checklist,
/// say) is reported once, naming the first page and how many others fail alike: a
/// thousand copies of one error would hide the others.
pub fn fold_repeats(problems: Vec<Finding>) -> Vec<Finding> {
    let mut kept: Vec<(Finding, usize)> = Vec::new();
    let mut first_of: HashMap<(String, String), usize> = HashMap::new();
    for problem in problems {
        let cause = (problem.detail.as_deref() == Some(TEMPLATE_FAILS))
            .then(|| problem.message.split_once(" failed: "))
            .flatten()
            .map(|(_, cause)| (problem.file.clone(), cause.to_string()));
        if let Some(&at) = cause.as_ref().and_then(|key| first_of.get(key)) {
            kept[at].1 += 1;
            continue;
        }
        if let Some(key) = cause {
            first_of.insert(key, kept.len());
        }
        kept.push((problem, 0));
    }
    kept.into_iter()
        .map(|(mut problem, others)| {
            if others > 0 {
                problem.message = problem.message.replacen(
                    " failed: ",
                    &format!(" (and {others} other page(s) made with it) failed: "),
                    1,
                );
            }
            problem
        })
        .collect()
}

/// An insertion's partial: what it shows under `key`, with the audience it renders for
/// and the policy's words, as every template has them.
fn partial<T: serde::Serialize>(
    theme: &Theme,
    data: &Insertions,
    name: &str,
    key: &'static str,
    value: &T,
) -> Result<String, tera::Error> {
    let mut ctx = Context::new();
    ctx.insert(key, value);
    ctx.insert("audience", &AudienceView::of(&data.audience));
    ctx.insert("migration", &data.migration);
    theme.tera.render(name, &ctx)
}

fn insertion(ins: Insertion, data: &Insertions, theme: &Theme) -> Result<String, tera::Error> {
    Ok(match ins {
        Insertion::Tranches => partial(
            theme,
            data,
            "partials/tranches.html",
            "tranches",
            &data.tranches,
        )?,
        Insertion::Timeline => partial(
            theme,
            data,
            "partials/timeline.html",
            "events",
            &data.events,
        )?,
        Insertion::CannotMove => partial(
            theme,
            data,
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
        Insertion::Deadline => crate::escape::escape(&data.deadline),
        Insertion::Contact => {
            let e = crate::escape::escape(data.contact.as_deref().unwrap_or_default());
            format!("<a href=\"mailto:{e}\">{e}</a>")
        }
    })
}
