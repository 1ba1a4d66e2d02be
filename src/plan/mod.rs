//! Which pages each audience gets, and what each page shows.
//!
//! Pure: from the checked model to a list of output files, each with the view it renders.
//! Privacy is decided here: only audiences with `personal_data` get views that hold names,
//! emails or extensions, and only those with `unit_checklists` get the unit pages.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;

use crate::Checked;
use crate::finding::Rule;
use crate::model::{Audience, Capacity, Page, Site};
use crate::rules::{Counts, emails, groups};
use crate::site_map::{self, Generated};

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
mod views;

pub use views::*;

use checklist::{checklist, csv_rows, fingerprint};
pub fn long_date(d: NaiveDate) -> String {
    d.format("%-d %B %Y").to_string()
}

fn day_date(d: NaiveDate) -> String {
    d.format("%A %-d %B %Y").to_string()
}

/// The countdown email dates, each with what it is.
fn email_labels([three, one, last]: [NaiveDate; 3]) -> Vec<String> {
    vec![
        format!("{} (3 weeks before)", long_date(three)),
        format!("{} (1 week before)", long_date(one)),
        format!("{} (last working day)", long_date(last)),
    ]
}

fn up(depth: usize) -> String {
    "../".repeat(depth)
}

/// The output path of a page under an audience, and its depth below the audience folder.
fn page_path(audience: &str, slug: &str) -> (String, usize) {
    if slug.is_empty() {
        (format!("{audience}/index.html"), 0)
    } else {
        (
            format!("{audience}/{slug}/index.html"),
            slug.split('/').count(),
        )
    }
}

/// A tranche's move date and countdown email dates, as words and as YYYY-MM-DD.
struct DateLabels {
    move_date: String,
    emails: Vec<String>,
    iso: Vec<String>,
}

impl DateLabels {
    fn of(date: NaiveDate, emails: [NaiveDate; 3]) -> DateLabels {
        DateLabels {
            move_date: day_date(date),
            emails: email_labels(emails),
            iso: std::iter::once(date)
                .chain(emails)
                .map(|d| d.to_string())
                .collect(),
        }
    }
}

struct Ctx<'a> {
    checked: &'a Checked,
    site: &'a Site,
    /// Valid data always has one; `today` stands in otherwise.
    deadline: NaiveDate,
    /// Today and the deadline as pages show them.
    today_label: String,
    deadline_label: String,
    index: crate::rules::Index<'a>,
    /// Per unit: the groups that involve it, its own and others' holding its lines, as
    /// (defining unit, group) positions.
    involved: Vec<Vec<(usize, usize)>>,
    /// Per unit: positions in `analysis.findings` about it or about its groups.
    findings_of: Vec<Vec<usize>>,
    /// Per extension: the rules of the findings naming it.
    rules_by_ext: rustc_hash::FxHashMap<&'a str, Vec<&'static str>>,
    /// A digest of what every checklist shares: today, the deadline, holidays, tranches.
    global: u64,
    /// Per tranche number: the move date and the countdown email dates, worked out once.
    dates: HashMap<u32, (NaiveDate, [NaiveDate; 3])>,
    /// Per tranche number: the same dates as a checklist's line shows them, written once
    /// rather than for every line.
    date_labels: HashMap<u32, DateLabels>,
}

impl<'a> Ctx<'a> {
    fn new(checked: &'a Checked, site: &'a Site) -> Self {
        let model = &checked.model;
        let index = crate::rules::Index::new(model);
        let position: HashMap<&str, usize> = model
            .units
            .iter()
            .enumerate()
            .map(|(u, unit)| (unit.id.as_str(), u))
            .collect();
        let mut involved = vec![Vec::new(); model.units.len()];
        let mut units_of_group: HashMap<&str, BTreeSet<usize>> = HashMap::new();
        for (du, unit) in model.units.iter().enumerate() {
            for (gi, group) in unit.groups.iter().enumerate() {
                let mut units: BTreeSet<usize> =
                    groups::members(&index, group).iter().map(|m| m.0).collect();
                units.insert(du);
                for &u in &units {
                    involved[u].push((du, gi));
                }
                units_of_group.insert(&group.id, units);
            }
        }
        let mut findings_of = vec![Vec::new(); model.units.len()];
        for (fi, f) in checked.analysis.findings.iter().enumerate() {
            if let Some(u) = f.unit.as_deref().and_then(|id| position.get(id)) {
                findings_of[*u].push(fi);
            }
            // A group's own findings concern every unit with a line in it; a line's
            // finding that names its group stays with the line's unit.
            if f.rule.is_about_group() {
                for u in f
                    .group
                    .as_deref()
                    .and_then(|g| units_of_group.get(g))
                    .into_iter()
                    .flatten()
                {
                    findings_of[*u].push(fi);
                }
            }
        }
        // In order, each once: as a set, with less to hold.
        for findings in &mut findings_of {
            findings.sort_unstable();
            findings.dedup();
        }
        let dates: HashMap<u32, (NaiveDate, [NaiveDate; 3])> = model
            .tranches
            .iter()
            .map(|t| {
                (
                    t.number,
                    (t.date, emails::countdown(t.date, &site.holidays)),
                )
            })
            .collect();
        let date_labels = dates
            .iter()
            .map(|(&number, &(date, emails))| (number, DateLabels::of(date, emails)))
            .collect();
        let global = {
            use std::hash::{Hash, Hasher};
            let mut h = std::collections::hash_map::DefaultHasher::new();
            (
                checked.today,
                site.response_deadline,
                &site.holidays,
                &model.tranches,
            )
                .hash(&mut h);
            h.finish()
        };
        Ctx {
            global,
            date_labels,
            rules_by_ext: checked.analysis.rules_by_ext(),
            dates,
            checked,
            site,
            deadline: site.response_deadline.unwrap_or(checked.today),
            today_label: long_date(checked.today),
            deadline_label: long_date(site.response_deadline.unwrap_or(checked.today)),
            index,
            involved,
            findings_of,
        }
    }

    fn site_view(&self) -> SiteView {
        SiteView {
            title: self.site.title.clone(),
            organisation: self.site.organisation.clone(),
            contact: self.site.contact.clone(),
        }
    }

    /// A tranche's move date and countdown email dates.
    fn dates_of(&self, number: u32) -> Option<(NaiveDate, [NaiveDate; 3])> {
        self.dates.get(&number).copied()
    }

    /// A tranche's dates as checklists show them.
    fn date_labels(&self, number: u32) -> Option<&DateLabels> {
        self.date_labels.get(&number)
    }

    fn intro(&self, slug: &str, audience: &str) -> Option<&Page> {
        self.checked
            .model
            .pages
            .iter()
            .find(|p| p.slug == slug && !p.draft && p.is_for(audience))
    }
}

/// Checklists worked out by an earlier plan, by unit, with the digest of what each was
/// made from: an unchanged unit's checklist is not worked out again.
#[derive(Default)]
pub struct Cache {
    checklists: HashMap<String, (u64, UnitFiles)>,
}

/// A unit's checklist and its CSV rows, shared by every audience that shows them.
#[derive(Clone)]
pub struct UnitFiles {
    checklist: Arc<Checklist>,
    csv: Arc<Vec<CsvRow>>,
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
    let csv = Arc::new(csv_rows(&checklist));
    UnitFiles {
        checklist: Arc::new(checklist),
        csv,
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
            .audiences
            .iter()
            .filter(|a| only.is_none_or(|ids| ids.contains(&a.id)))
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
            errors: c.findings.iter().filter(|f| f.severity == "error").count(),
            warnings: c
                .findings
                .iter()
                .filter(|f| f.severity == "warning")
                .count(),
        }
    }

    /// Unit `u`'s page and CSV file, for every audience that gets the checklists.
    pub fn unit_pages(&self, u: usize, files: &UnitFiles) -> Vec<Planned> {
        let unit = &self.ctx.checked.model.units[u];
        let mut planned = Vec::with_capacity(2);
        for frame in self.frames.iter().filter(|f| f.audience.unit_checklists) {
            let aud = &frame.audience.id;
            let slug = format!("units/{}", unit.id);
            let (path, mut page) = frame.make(&self.ctx, &slug, &unit.name, "unit.html", None);
            page.view.breadcrumbs.push(Link {
                title: frame.nav_title(site_map::UNITS.slug),
                href: "../index.html".into(),
                current: false,
            });
            page.view.breadcrumbs.push(here(&unit.name));
            page.view.unit = Some(files.checklist.clone());
            planned.push(html(path, page));
            planned.push(Planned {
                path: format!("{aud}/{slug}/checklist.csv"),
                output: Output::Csv(files.csv.clone()),
            });
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

fn blank_view(ctx: &Ctx, audience: Option<&Audience>, title: String, depth: usize) -> PageView {
    PageView {
        site: ctx.site_view(),
        audience: audience.map(|a| AudienceView {
            id: a.id.clone(),
            title: a.title.clone(),
            personal_data: a.personal_data,
        }),
        title,
        summary: None,
        root: up(depth + usize::from(audience.is_some())),
        home: up(depth),
        nav: vec![],
        breadcrumbs: vec![],
        today: ctx.today_label.clone(),
        content: String::new(),
        audiences: vec![],
        pages: vec![],
        events: vec![],
        calendar: None,
        tranches: vec![],
        units: vec![],
        unit: None,
        deadline: ctx.deadline_label.clone(),
    }
}

fn landing(ctx: &Ctx, audiences: &[&Audience]) -> Planned {
    let mut view = blank_view(ctx, None, ctx.site.title.clone(), 0);
    view.audiences = audiences
        .iter()
        .map(|a| Link {
            title: a.title.clone(),
            href: format!("{}/index.html", a.id),
            current: false,
        })
        .collect();
    Planned {
        path: "index.html".into(),
        output: Output::Html(Box::new(HtmlPage {
            template: "landing.html",
            view,
            markdown: None,
            insertions: None,
            describe: "the landing page".into(),
        })),
    }
}

/// A navigation entry: content pages and the generated pages, ordered by weight.
struct NavItem {
    weight: i64,
    title: String,
    slug: String,
}

/// The current page's last breadcrumb.
fn here(title: &str) -> Link {
    Link {
        title: title.to_string(),
        href: String::new(),
        current: true,
    }
}

fn html(path: String, page: HtmlPage) -> Planned {
    Planned {
        path,
        output: Output::Html(Box::new(page)),
    }
}

/// What every page of an audience shares: its guidance pages, navigation and the data
/// its insertions show.
struct Frame<'a> {
    audience: &'a Audience,
    insertions: Arc<Insertions>,
    /// The audience's guidance pages, in menu order.
    pages: Vec<&'a Page>,
    nav: Vec<NavItem>,
    home_title: String,
}

impl<'a> Frame<'a> {
    fn new(ctx: &Ctx<'a>, audience: &'a Audience) -> Frame<'a> {
        let aud = audience.id.as_str();
        let model = &ctx.checked.model;
        let mut pages: Vec<&Page> = model
            .pages
            .iter()
            // A page at a generated page's address introduces it instead.
            .filter(|p| !p.draft && p.is_for(aud) && site_map::find(&p.slug).is_none())
            .collect();
        pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
        let mut nav: Vec<NavItem> = pages
            .iter()
            .map(|p| NavItem {
                weight: p.weight,
                title: p.title.clone(),
                slug: p.slug.clone(),
            })
            .collect();
        for generated in site_map::MENU.iter().filter(|g| g.is_for(audience)) {
            let (title, weight) = match ctx.intro(generated.slug, aud) {
                Some(p) => (p.title.clone(), p.weight),
                None => (generated.title.to_string(), generated.weight),
            };
            nav.push(NavItem {
                weight,
                title,
                slug: generated.slug.to_string(),
            });
        }
        nav.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
        let home_title = ctx
            .intro("", aud)
            .map(|p| p.title.clone())
            .unwrap_or_else(|| site_map::HOME.title.into());
        Frame {
            audience,
            insertions: Arc::new(insertions(ctx, audience)),
            pages,
            nav,
            home_title,
        }
    }

    /// A generated page's title, as the navigation has it (and so from its intro).
    fn nav_title(&self, slug: &str) -> String {
        self.nav
            .iter()
            .find(|n| n.slug == slug)
            .map(|n| n.title.clone())
            .unwrap_or_default()
    }

    /// A page of the audience at `slug`: its path and everything but what is particular
    /// to its kind.
    fn make(
        &self,
        ctx: &Ctx,
        slug: &str,
        title: &str,
        template: &'static str,
        markdown: Option<&Page>,
    ) -> (String, HtmlPage) {
        let (audience, aud) = (self.audience, self.audience.id.as_str());
        let (path, depth) = page_path(aud, slug);
        let mut view = blank_view(ctx, Some(audience), title.to_string(), depth);
        let home = up(depth);
        // The home page's own title is often the site's; the menu needs a short word.
        view.nav = std::iter::once(Link {
            title: "Overview".to_string(),
            href: format!("{home}index.html"),
            current: slug.is_empty(),
        })
        .chain(self.nav.iter().map(|n| Link {
            title: n.title.clone(),
            href: format!("{home}{}/index.html", n.slug),
            current: n.slug == slug || slug.starts_with(&format!("{}/", n.slug)),
        }))
        .collect();
        view.breadcrumbs = vec![
            Link {
                title: ctx.site.title.clone(),
                href: format!("{}index.html", view.root),
                current: false,
            },
            Link {
                title: audience.title.clone(),
                href: format!("{home}index.html"),
                current: slug.is_empty(),
            },
        ];
        view.summary = markdown.and_then(|p| p.summary.clone());
        let markdown = markdown.map(|p| Markdown {
            file: p.file.clone(),
            text: crate::markup::for_audience(&p.body, &p.passages, aud),
            first_line: p.body_line,
            raw_html: ctx.site.raw_html,
        });
        let describe = format!(
            "{} for audience `{aud}`",
            if slug.is_empty() {
                "the home page"
            } else {
                slug
            }
        );
        (
            path,
            HtmlPage {
                template,
                view,
                markdown,
                insertions: Some(self.insertions.clone()),
                describe,
            },
        )
    }

    /// A generated page, with its title from the navigation.
    fn generated(&self, ctx: &Ctx, generated: Generated) -> (String, HtmlPage) {
        let title = self.nav_title(generated.slug);
        let (path, mut page) = self.make(
            ctx,
            generated.slug,
            &title,
            generated.template,
            ctx.intro(generated.slug, &self.audience.id),
        );
        page.view.breadcrumbs.push(here(&title));
        (path, page)
    }

    /// The audience's pages but the units' own.
    fn pages(&self, ctx: &Ctx, summaries: &[UnitSummary], files: &mut Vec<Planned>) {
        let (audience, aud) = (self.audience, self.audience.id.as_str());

        // Home.
        let (path, mut home) = self.make(
            ctx,
            "",
            &self.home_title,
            site_map::HOME.template,
            ctx.intro("", aud),
        );
        home.view.pages = self
            .pages
            .iter()
            .map(|p| PageSummary {
                title: p.title.clone(),
                summary: p.summary.clone(),
                href: format!("{}/index.html", p.slug),
            })
            .collect();
        home.view.events = self.insertions.events.clone();
        home.view.breadcrumbs.truncate(1);
        home.view.breadcrumbs.push(here(&audience.title));
        files.push(html(path, home));

        // Guidance pages.
        for p in &self.pages {
            let (path, mut page) = self.make(ctx, &p.slug, &p.title, "page.html", Some(p));
            page.view.breadcrumbs.push(here(&p.title));
            files.push(html(path, page));
        }

        let (path, mut page) = self.generated(ctx, site_map::TIMELINE);
        page.view.events = self.insertions.events.clone();
        page.view.calendar = Some("../timeline.ics".into());
        files.push(html(path, page));
        files.push(Planned {
            path: format!("{aud}/timeline.ics"),
            output: Output::Ics(calendar(ctx, audience)),
        });

        let (path, mut page) = self.generated(ctx, site_map::SCHEDULE);
        page.view.tranches = self.insertions.tranches.clone();
        files.push(html(path, page));

        if site_map::UNITS.is_for(audience) {
            let (path, mut index) = self.generated(ctx, site_map::UNITS);
            index.view.units = summaries.to_vec();
            files.push(html(path, index));
        }
    }
}

fn insertions(ctx: &Ctx, audience: &Audience) -> Insertions {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let tranches = model
        .tranches
        .iter()
        .zip(&analysis.loads)
        .map(|(t, load)| {
            let who = match (&t.capacity, t.pilot, t.late) {
                (_, true, _) => "People in the pilot and user acceptance testing".to_string(),
                (_, _, true) => "People who asked to move after the deadline".to_string(),
                (Some(Capacity::PerCohort(map)), _, _) => {
                    let names: Vec<String> = map.keys().map(|c| cohort_name(c)).collect();
                    names.join(", ")
                }
                _ => "Everyone else".to_string(),
            };
            let capacity = match &t.capacity {
                Some(Capacity::Total(n)) => format!("{} of {n}", load.placed),
                Some(Capacity::PerCohort(map)) => map
                    .iter()
                    .map(|(c, n)| {
                        format!(
                            "{}: {} of {n}",
                            cohort_name(c),
                            load.per_cohort.get(c).copied().unwrap_or(0)
                        )
                    })
                    .collect::<Vec<_>>()
                    .join("; "),
                None => format!("{} (no limit)", load.placed),
            };
            let over = analysis
                .findings
                .iter()
                .any(|f| f.rule == Rule::TrancheOverCapacity && f.tranche == Some(t.number));
            TrancheRow {
                number: t.number,
                label: t
                    .label
                    .clone()
                    .unwrap_or_else(|| format!("Tranche {}", t.number)),
                date: day_date(t.date),
                datetime: t.date.to_string(),
                who,
                emails: ctx
                    .dates_of(t.number)
                    .map(|(_, e)| email_labels(e))
                    .unwrap_or_default(),
                placed: load.placed,
                capacity,
                over,
            }
        })
        .collect();
    let events = events_for(ctx, &audience.id);
    Insertions {
        audience: audience.clone(),
        statuses: Counts::of(analysis.status.iter().flatten()),
        units: model.units.len(),
        tranches,
        events,
        cannot_move: model
            .units
            .iter()
            .filter(|u| u.separate_teams)
            .map(|u| u.name.clone())
            .collect(),
        deadline: long_date(ctx.deadline),
        contact: ctx.site.contact.clone(),
    }
}

/// `uas` → `UAS`, `college` → `Colleges`: how cohorts read in tables.
fn cohort_name(cohort: &str) -> String {
    match cohort {
        "uas" => "UAS".into(),
        "college" => "Colleges".into(),
        "department" => "Departments".into(),
        other => {
            let mut c = other.replace('-', " ");
            if let Some(first) = c.get_mut(..1) {
                first.make_ascii_uppercase();
            }
            c
        }
    }
}

/// The audience's events, by date.
fn events_of<'a>(ctx: &Ctx<'a>, audience: &str) -> Vec<&'a crate::model::Event> {
    let mut events: Vec<&crate::model::Event> = ctx
        .checked
        .model
        .timeline
        .iter()
        .filter(|e| e.is_for(audience))
        .collect();
    events.sort_by_key(|e| (e.date.start(), e.line));
    events
}

fn events_for(ctx: &Ctx, audience: &str) -> Vec<Step> {
    let today = ctx.checked.today;
    events_of(ctx, audience)
        .into_iter()
        .map(|e| {
            let state = if e.date.end_exclusive() <= today {
                "past"
            } else if e.date.start() <= today {
                "current"
            } else {
                "upcoming"
            };
            let (date, datetime) = match e.date {
                crate::model::EventDate::Day(d) => (long_date(d), d.to_string()),
                crate::model::EventDate::Month { .. } => {
                    let d = e.date.start();
                    (d.format("%B %Y").to_string(), d.format("%Y-%m").to_string())
                }
            };
            Step {
                date,
                datetime,
                title: e.title.clone(),
                state,
            }
        })
        .collect()
}

fn calendar(ctx: &Ctx, audience: &Audience) -> IcsCalendar {
    let events = events_of(ctx, &audience.id);
    IcsCalendar {
        name: format!("{}: {}", ctx.site.title, audience.title),
        stamp: ctx.checked.today,
        events: events
            .into_iter()
            .map(|e| IcsEvent {
                // The entry's line tells apart two events of one day and title.
                uid: format!(
                    "{}-{}-{}-{}@cutover",
                    e.date.start().format("%Y%m%d"),
                    crate::markup::slugify(&e.title),
                    e.line,
                    audience.id
                ),
                start: e.date.start(),
                end: e.date.end_exclusive(),
                title: e.title.clone(),
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The small fixture site, checked as of `today`.
    fn small(today: &str) -> Checked {
        let root =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/small");
        let today = NaiveDate::parse_from_str(today, "%Y-%m-%d").unwrap();
        let checked = crate::check(&root, today).unwrap();
        assert!(checked.is_valid(), "{:#?}", checked.problems);
        checked
    }

    fn page(slug: &str, title: &str, weight: i64) -> Page {
        Page {
            file: format!("content/{slug}.md"),
            slug: slug.to_string(),
            title: title.to_string(),
            audiences: None,
            audience_lines: Vec::new(),
            weight,
            summary: None,
            draft: false,
            body: String::new(),
            body_line: 4,
            passages: Vec::new(),
        }
    }

    /// The navigation of `audience`, as (slug, title).
    fn nav(checked: &Checked, audience: &str) -> Vec<(String, String)> {
        let site = checked.model.site.as_ref().unwrap();
        let ctx = Ctx::new(checked, site);
        let audience = site.audiences.iter().find(|a| a.id == audience).unwrap();
        Frame::new(&ctx, audience)
            .nav
            .into_iter()
            .map(|n| (n.slug, n.title))
            .collect()
    }

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(s, t)| (s.to_string(), t.to_string()))
            .collect()
    }

    #[test]
    fn navigation_orders_pages_by_weight_with_the_generated_pages_last() {
        let checked = small("2022-04-20");
        // The draft, and pages not for the audience, are left out; the home page's
        // introduction is not a menu entry.
        assert_eq!(
            nav(&checked, "coordinators"),
            pairs(&[
                ("desk-phones", "Desk phones"),
                ("deciding", "Deciding"),
                ("timeline", "Timeline"),
                ("schedule", "Move schedule"),
                ("units", "Unit checklists"),
            ])
        );
        assert_eq!(
            nav(&checked, "staying"),
            pairs(&[
                ("desk-phones", "Desk phones"),
                ("timeline", "Timeline"),
                ("schedule", "Move schedule"),
            ])
        );
    }

    #[test]
    fn an_intro_page_gives_its_generated_page_a_title_and_a_place() {
        let mut checked = small("2022-04-20");
        checked
            .model
            .pages
            .push(page("schedule", "When each unit moves", 15));
        let mut hidden = page("timeline", "Dates for movers only", 1);
        hidden.audiences = Some(vec!["moving".to_string()]);
        checked.model.pages.push(hidden);
        assert_eq!(
            nav(&checked, "coordinators"),
            pairs(&[
                ("desk-phones", "Desk phones"),
                ("schedule", "When each unit moves"),
                ("deciding", "Deciding"),
                ("timeline", "Timeline"),
                ("units", "Unit checklists"),
            ])
        );
        assert_eq!(
            nav(&checked, "moving")[..2],
            pairs(&[
                ("timeline", "Dates for movers only"),
                ("desk-phones", "Desk phones"),
            ])
        );
    }

    #[test]
    fn events_are_past_current_or_upcoming_against_today() {
        // The fixture's events: 2022-02-16, 2022-04-14, May 2022, June 2022.
        for (today, states) in [
            ("2022-04-20", ["past", "past", "upcoming", "upcoming"]),
            ("2022-04-14", ["past", "current", "upcoming", "upcoming"]),
            ("2022-05-31", ["past", "past", "current", "upcoming"]),
            ("2022-06-01", ["past", "past", "past", "current"]),
            (
                "2022-02-15",
                ["upcoming", "upcoming", "upcoming", "upcoming"],
            ),
        ] {
            let checked = small(today);
            let site = checked.model.site.as_ref().unwrap();
            let ctx = Ctx::new(&checked, site);
            let steps = events_for(&ctx, "coordinators");
            let found: Vec<&str> = steps.iter().map(|s| s.state).collect();
            assert_eq!(found, states, "today {today}");
            assert_eq!(steps[2].date, "May 2022");
            assert_eq!(steps[2].datetime, "2022-05");
        }
    }

    #[test]
    fn cohorts_have_names() {
        for (id, name) in [
            ("uas", "UAS"),
            ("college", "Colleges"),
            ("department", "Departments"),
            ("medical-sciences", "Medical sciences"),
            ("x", "X"),
            ("9a", "9a"),
        ] {
            assert_eq!(cohort_name(id), name, "{id}");
        }
    }
}
