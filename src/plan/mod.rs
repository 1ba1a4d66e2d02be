//! Which pages each audience gets, and what each page shows.
//!
//! Pure: from the checked model to a list of output files, each with the view it renders.
//! Privacy is decided here: only audiences with `personal_data` get views that hold names,
//! emails or extensions, and only those with `unit_checklists` get the unit pages.

use std::collections::HashMap;
use std::sync::Arc;

use crate::Checked;
use crate::finding::Severity;
use crate::model::Audience;
use crate::site_map;

/// One output file.
#[derive(Debug)]
pub struct Planned {
    /// Relative to the output folder, `/` separated.
    pub path: String,
    pub output: Output,
}

#[derive(Debug)]
pub enum Output {
    Html(Box<HtmlPage>),
    Ics(IcsCalendar),
    Csv(Arc<Vec<CsvRow>>),
    /// An export's CSV file.
    Table(Arc<Table>),
    /// A unit checklist's workbook.
    Xlsx(Arc<Workbook>),
}

/// An HTML page: its template, the view it shows, and markdown to render into it.
#[derive(Debug)]
pub struct HtmlPage {
    pub template: &'static str,
    pub view: PageView,
    /// The content page whose body (as this audience sees it) fills `content`.
    pub markdown: Option<Markdown>,
    /// The audience's data for insertions (`None` on the landing page).
    pub insertions: Option<std::sync::Arc<Insertions>>,
    /// Which page and audience, for error messages.
    pub describe: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Markdown {
    pub file: String,
    /// The body with other audiences' passages blanked.
    pub text: String,
    pub first_line: u32,
    /// The site's `raw_html`: its raw HTML is published as written.
    pub raw_html: bool,
}

mod checklist;
mod context;
mod events;
mod exports;
mod insertions;
mod pages;
#[cfg(test)]
mod testing;
mod unit_dates;
mod views;

pub use context::long_date;
pub use exports::Table;
pub use views::*;

use checklist::{checklist, csv_rows, fingerprint, workbook};
use context::Ctx;
use pages::{Frame, here, html, landing};

/// Checklists worked out by an earlier build, by unit, with the digest of what each was
/// made from: an unchanged unit's checklist is not worked out again.
#[derive(Default)]
pub struct Cache {
    checklists: HashMap<String, (u64, UnitFiles)>,
}

/// A unit's checklist, its CSV rows and its workbook, shared by every audience that shows them.
#[derive(Clone)]
pub struct UnitFiles {
    checklist: Arc<Checklist>,
    csv: Arc<Vec<CsvRow>>,
    xlsx: Arc<Workbook>,
}

impl Cache {
    /// Keeps each unit's checklist (by unit id, with the fingerprint of what it was made
    /// from) for the next build.
    pub fn renew(&mut self, checklists: impl IntoIterator<Item = (String, (u64, UnitFiles))>) {
        self.checklists = checklists.into_iter().collect();
    }
}

fn unit_files(ctx: &Ctx, u: usize) -> UnitFiles {
    let checklist = checklist(ctx, u, &ctx.checked.model.units[u]);
    let csv = Arc::new(csv_rows(
        &checklist,
        &ctx.checked.model.units[u],
        &ctx.email_columns,
    ));
    let xlsx = Arc::new(workbook(ctx, &checklist, &ctx.checked.model.units[u]));
    UnitFiles {
        checklist: Arc::new(checklist),
        csv,
        xlsx,
    }
}

/// Plans a site piece by piece, so that a build can render and let go of each unit's
/// pages before the next, instead of holding every checklist at once: what the audiences
/// share is worked out once, here; each unit's checklist when asked for.
pub struct Planner<'a> {
    ctx: Ctx<'a>,
    frames: Vec<Frame<'a>>,
}

impl<'a> Planner<'a> {
    /// `None` when the model has no site (which valid data always has).
    pub fn new(checked: &'a Checked, only: Option<&[String]>) -> Option<Planner<'a>> {
        let site = checked.model.site.as_ref()?;
        let ctx = Ctx::new(checked, site);
        let frames = site
            .audiences_built(only)
            .map(|audience| Frame::new(&ctx, audience))
            .collect();
        Some(Planner { ctx, frames })
    }

    pub fn audiences(&self) -> Vec<String> {
        self.frames.iter().map(|f| f.audience.id.clone()).collect()
    }

    /// Whether any audience gets the unit checklists.
    pub fn has_checklists(&self) -> bool {
        self.frames.iter().any(|f| f.audience.unit_checklists)
    }

    /// Whether a unit's page carries a link that its template did not write: the policy's
    /// own steps are markdown, with links of their own.
    pub fn unit_pages_carry_written_links(&self) -> bool {
        self.ctx
            .own_steps
            .iter()
            .any(|html| html.contains("href=") || html.contains("src="))
    }

    /// How many units there are to plan pages for (none if no audience gets them).
    pub fn units(&self) -> usize {
        if self.has_checklists() {
            self.ctx.checked.model.units.len()
        } else {
            0
        }
    }

    /// Unit `u`'s checklist and CSV rows, worked out anew.
    pub fn unit_files(&self, u: usize) -> UnitFiles {
        unit_files(&self.ctx, u)
    }

    /// Unit `u`'s checklist and CSV rows, taken from `cache` when the unit's inputs are
    /// those it was worked out from; with the fingerprint of those inputs.
    pub fn unit_files_cached(&self, u: usize, cache: &Cache) -> (u64, UnitFiles) {
        let unit = &self.ctx.checked.model.units[u];
        let print = fingerprint(&self.ctx, u, unit);
        match cache.checklists.get(&unit.id) {
            Some((old, files)) if *old == print => (print, files.clone()),
            _ => (print, unit_files(&self.ctx, u)),
        }
    }

    /// Unit `u`'s row in the list of units.
    pub fn summary(&self, u: usize, files: &UnitFiles) -> UnitSummary {
        let (c, unit) = (&files.checklist, &self.ctx.checked.model.units[u]);
        UnitSummary {
            id: c.id.clone(),
            name: c.name.clone(),
            cohort: c.cohort.clone(),
            href: format!("{}/index.html", unit.id),
            lines: unit.lines.len(),
            flagged: unit.lines.iter().filter(|l| l.ms_teams).count(),
            moving: c.counts.moving,
            steps_done: c.steps_done,
            steps_total: c.steps_total,
            answer: c.answer.clone(),
            answer_state: c.answer_state,
            errors: c
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count(),
            warnings: c
                .findings
                .iter()
                .filter(|f| f.severity == Severity::Warning)
                .count(),
        }
    }

    /// Unit `u`'s files to download, the workbook and the CSV, for every audience that
    /// gets the checklists: made before its pages, which give their sizes.
    pub fn unit_downloads(&self, u: usize, files: &UnitFiles) -> Vec<Planned> {
        let unit = &self.ctx.checked.model.units[u];
        let mut planned = Vec::with_capacity(2);
        for frame in self.frames.iter().filter(|f| f.audience.unit_checklists) {
            let folder = format!("{}/units/{}", frame.audience.id, unit.id);
            planned.push(Planned {
                path: format!("{folder}/checklist.xlsx"),
                output: Output::Xlsx(files.xlsx.clone()),
            });
            planned.push(Planned {
                path: format!("{folder}/checklist.csv"),
                output: Output::Csv(files.csv.clone()),
            });
        }
        planned
    }

    /// Unit `u`'s page, for every audience that gets the checklists, linking its
    /// downloads (of the sizes in `downloads`).
    pub fn unit_pages(&self, u: usize, files: &UnitFiles, downloads: &Downloads) -> Vec<Planned> {
        let unit = &self.ctx.checked.model.units[u];
        let mut planned = Vec::with_capacity(1);
        for frame in self.frames.iter().filter(|f| f.audience.unit_checklists) {
            let slug = format!("units/{}", unit.id);
            let (path, mut page) = frame.make(&self.ctx, &slug, &unit.name, "unit.html", None);
            page.view.breadcrumbs.push(Link {
                title: frame.nav_title(site_map::UNITS.slug),
                href: "../index.html".into(),
                current: false,
            });
            page.view.breadcrumbs.push(here(&unit.name));
            page.view.kind = PageKind::Unit {
                unit: files.checklist.clone(),
                downloads: downloads.clone(),
            };
            planned.push(html(path, page));
        }
        planned
    }

    /// Every file but the units' own: the landing page, and each audience's home,
    /// guidance pages, timeline, calendar, schedule and list of units (from `summaries`).
    pub fn pages(&self, summaries: &[UnitSummary]) -> Vec<Planned> {
        let audiences: Vec<&Audience> = self.frames.iter().map(|f| f.audience).collect();
        let mut files = vec![landing(&self.ctx, &audiences)];
        for frame in &self.frames {
            frame.pages(&self.ctx, summaries, &mut files);
        }
        files
    }
}

/// A file size in words, in the decimal units file managers use: "307 bytes", "1.2 kB".
pub fn file_size(bytes: usize) -> String {
    match bytes {
        1 => "1 byte".to_string(),
        n if n < 1000 => format!("{n} bytes"),
        n if n < 1_000_000 => format!("{:.1} kB", n as f64 / 1e3),
        n => format!("{:.1} MB", n as f64 / 1e6),
    }
}

#[cfg(test)]
mod size_tests {
    use super::file_size;

    #[test]
    fn sizes_read_as_file_managers_show_them() {
        assert_eq!(file_size(1), "1 byte");
        assert_eq!(file_size(999), "999 bytes");
        assert_eq!(file_size(1234), "1.2 kB");
        assert_eq!(file_size(8396), "8.4 kB");
        assert_eq!(file_size(2_500_000), "2.5 MB");
    }
}
