//! Which pages each audience gets, and what each page shows.
//!
//! Pure: from the checked model to a list of output files, each with the view it renders.
//! Privacy is decided here: only audiences with `personal_data` get views that hold names,
//! emails or extensions, and only those with `unit_checklists` get the unit pages.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use serde::Serialize;

use crate::Checked;
use crate::finding::{Finding, Severity};
use crate::model::{Audience, Capacity, Decision, GroupKind, Page, Site, Unit};
use crate::rules::{Counts, Status, emails, groups, status};

/// Content pages with these slugs introduce a generated page instead of being their own.
pub const INTRO_SLUGS: [&str; 4] = ["", "timeline", "schedule", "units"];

#[derive(Debug)]
pub struct Plan {
    pub audiences: Vec<String>,
    pub files: Vec<Planned>,
}

impl Plan {
    /// Folders, relative to the output, that get the theme's and the root's static files.
    pub fn static_targets(&self) -> Vec<String> {
        std::iter::once(String::new())
            .chain(self.audiences.iter().map(|a| format!("{a}/")))
            .collect()
    }
}

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
    Csv(Vec<CsvRow>),
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

#[derive(Debug, Clone)]
pub struct Markdown {
    pub file: String,
    /// The body with other audiences' passages blanked.
    pub text: String,
    pub first_line: u32,
}

#[derive(Debug, Serialize)]
pub struct SiteView {
    pub title: String,
    pub organisation: String,
    pub contact: Option<String>,
}

#[derive(Debug, Serialize, Clone)]
pub struct Link {
    pub title: String,
    pub href: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct AudienceView {
    pub id: String,
    pub title: String,
    pub personal_data: bool,
}

/// Everything a page template gets. Fields a page does not use are empty.
#[derive(Debug, Serialize)]
pub struct PageView {
    pub site: SiteView,
    pub audience: Option<AudienceView>,
    pub title: String,
    pub summary: Option<String>,
    /// Relative path from this page to the output root and to the audience home.
    pub root: String,
    pub home: String,
    pub nav: Vec<Link>,
    pub breadcrumbs: Vec<Link>,
    pub today: String,
    /// Filled by the renderer from the markdown.
    pub content: String,
    pub audiences: Vec<Link>,
    pub pages: Vec<PageSummary>,
    pub events: Vec<Step>,
    pub calendar: Option<String>,
    pub tranches: Vec<TrancheRow>,
    pub units: Vec<UnitSummary>,
    pub unit: Option<Box<Checklist>>,
    pub deadline: String,
}

#[derive(Debug, Serialize)]
pub struct PageSummary {
    pub title: String,
    pub summary: Option<String>,
    pub href: String,
}

/// A timeline event as a step of the "step by step" pattern.
#[derive(Debug, Serialize, Clone)]
pub struct Step {
    pub date: String,
    pub datetime: String,
    pub title: String,
    /// past, current or upcoming against today.
    pub state: &'static str,
}

#[derive(Debug, Serialize, Clone)]
pub struct TrancheRow {
    pub number: u32,
    pub label: String,
    pub date: String,
    pub datetime: String,
    pub who: String,
    pub emails: Vec<String>,
    pub placed: u32,
    pub capacity: String,
    pub over: bool,
}

/// What `{{ ... }}` insertions show, for one audience.
#[derive(Debug, Serialize)]
pub struct Insertions {
    /// Whose data this is; internal links resolve for this audience.
    #[serde(skip)]
    pub audience: Audience,
    pub tranches: Vec<TrancheRow>,
    pub events: Vec<Step>,
    pub cannot_move: Vec<String>,
    pub statuses: Counts,
    pub units: usize,
    pub deadline: String,
    pub contact: Option<String>,
}

#[derive(Debug, Serialize)]
pub struct UnitSummary {
    pub id: String,
    pub name: String,
    pub cohort: String,
    pub href: String,
    pub lines: usize,
    pub flagged: usize,
    pub moving: usize,
    pub steps_done: usize,
    pub steps_total: usize,
    pub answer: String,
    pub answer_state: &'static str,
    pub errors: usize,
    pub warnings: usize,
}

#[derive(Debug, Serialize)]
pub struct Checklist {
    pub id: String,
    pub name: String,
    pub cohort: String,
    pub separate_teams: bool,
    pub coordinator: Option<String>,
    pub coordinator_email: Option<String>,
    pub answer: String,
    pub answer_state: &'static str,
    pub steps: Vec<Task>,
    pub steps_done: usize,
    pub steps_total: usize,
    pub lines: Vec<LineRow>,
    pub groups: Vec<GroupRow>,
    pub findings: Vec<FindingRow>,
    pub counts: Counts,
}

/// A step of the coordinator's task list.
#[derive(Debug, Serialize)]
pub struct Task {
    pub title: String,
    pub hint: String,
    pub state: &'static str,
    pub state_label: String,
}

#[derive(Debug, Serialize)]
pub struct LineRow {
    pub ext: String,
    pub holder: String,
    pub email: String,
    pub flags: Vec<&'static str>,
    pub uses: Vec<&'static str>,
    pub groups: Vec<String>,
    pub status: &'static str,
    pub decision: &'static str,
    pub why: String,
    pub tranche: Option<u32>,
    pub move_date: String,
    pub emails: Vec<String>,
    /// The same dates as YYYY-MM-DD, for the CSV.
    #[serde(skip)]
    pub iso_dates: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct GroupRow {
    pub id: String,
    pub kind: &'static str,
    pub members: Vec<String>,
    /// yes, no or not-yet.
    pub holds: &'static str,
    /// Escaped, with its `code` marked up.
    pub verdict_html: String,
}

#[derive(Debug, Serialize)]
pub struct FindingRow {
    pub severity: &'static str,
    pub rule: &'static str,
    /// Escaped, with its `code` marked up.
    pub message_html: String,
    pub location: String,
}

#[derive(Debug)]
pub struct IcsCalendar {
    pub name: String,
    pub events: Vec<IcsEvent>,
    pub stamp: NaiveDate,
}

#[derive(Debug)]
pub struct IcsEvent {
    pub uid: String,
    pub start: NaiveDate,
    pub end: NaiveDate,
    pub title: String,
}

#[derive(Debug, Serialize)]
pub struct CsvRow {
    pub ext: String,
    pub holder: String,
    pub email: String,
    pub ms_teams: bool,
    pub flags: String,
    pub uses: String,
    pub groups: String,
    pub status: &'static str,
    pub decision: &'static str,
    pub tranche: String,
    pub move_date: String,
    pub email_3_weeks: String,
    pub email_1_week: String,
    pub email_last_day: String,
}

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

struct Ctx<'a> {
    checked: &'a Checked,
    site: &'a Site,
    /// Valid data always has one; `today` stands in otherwise.
    deadline: NaiveDate,
    index: crate::rules::Index<'a>,
    /// Per unit: the groups that involve it, its own and others' holding its lines, as
    /// (defining unit, group) positions.
    involved: Vec<Vec<(usize, usize)>>,
    /// Per unit: positions in `analysis.findings` about it or about its groups.
    findings_of: Vec<BTreeSet<usize>>,
    /// Per tranche number: the move date and the countdown email dates, worked out once.
    dates: HashMap<u32, (NaiveDate, [NaiveDate; 3])>,
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
        let mut findings_of = vec![BTreeSet::new(); model.units.len()];
        for (fi, f) in checked.analysis.findings.iter().enumerate() {
            if let Some(u) = f.unit.as_deref().and_then(|id| position.get(id)) {
                findings_of[*u].insert(fi);
            }
            // A group's own findings concern every unit with a line in it; a line's
            // finding that names its group stays with the line's unit.
            if crate::rules::groups::RULES.contains(&f.rule) {
                for u in f
                    .group
                    .as_deref()
                    .and_then(|g| units_of_group.get(g))
                    .into_iter()
                    .flatten()
                {
                    findings_of[*u].insert(fi);
                }
            }
        }
        let dates = model
            .tranches
            .iter()
            .map(|t| {
                (
                    t.number,
                    (t.date, emails::countdown(t.date, &site.holidays)),
                )
            })
            .collect();
        Ctx {
            dates,
            checked,
            site,
            deadline: site.response_deadline.unwrap_or(checked.today),
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

    fn intro(&self, slug: &str, audience: &str) -> Option<&Page> {
        self.checked
            .model
            .pages
            .iter()
            .find(|p| p.slug == slug && !p.draft && p.is_for(audience))
    }
}

/// Plans the whole output. The model must be valid (no invalid-data problems).
pub fn plan(checked: &Checked) -> Plan {
    let Some(site) = checked.model.site.as_ref() else {
        return Plan {
            audiences: vec![],
            files: vec![],
        };
    };
    let ctx = Ctx::new(checked, site);
    let mut files = vec![landing(&ctx)];
    for audience in &site.audiences {
        audience_files(&ctx, audience, &mut files);
    }
    Plan {
        audiences: site.audiences.iter().map(|a| a.id.clone()).collect(),
        files,
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
        today: long_date(ctx.checked.today),
        content: String::new(),
        audiences: vec![],
        pages: vec![],
        events: vec![],
        calendar: None,
        tranches: vec![],
        units: vec![],
        unit: None,
        deadline: long_date(ctx.deadline),
    }
}

fn landing(ctx: &Ctx) -> Planned {
    let mut view = blank_view(ctx, None, ctx.site.title.clone(), 0);
    view.audiences = ctx
        .site
        .audiences
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

fn audience_files(ctx: &Ctx, audience: &Audience, files: &mut Vec<Planned>) {
    let aud = audience.id.as_str();
    let model = &ctx.checked.model;
    let insertions = std::sync::Arc::new(insertions(ctx, audience));

    let mut pages: Vec<&Page> = model
        .pages
        .iter()
        .filter(|p| !p.draft && p.is_for(aud) && !INTRO_SLUGS.contains(&p.slug.as_str()))
        .collect();
    pages.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
    let generated: &[(&str, &str, i64)] = if audience.unit_checklists {
        &[
            ("timeline", "Timeline", 1000),
            ("schedule", "Move schedule", 1001),
            ("units", "Unit checklists", 1002),
        ]
    } else {
        &[
            ("timeline", "Timeline", 1000),
            ("schedule", "Move schedule", 1001),
        ]
    };
    let mut nav: Vec<NavItem> = pages
        .iter()
        .map(|p| NavItem {
            weight: p.weight,
            title: p.title.clone(),
            slug: p.slug.clone(),
        })
        .collect();
    for (slug, title, weight) in generated {
        let (title, weight) = match ctx.intro(slug, aud) {
            Some(p) => (p.title.clone(), p.weight),
            None => (title.to_string(), *weight),
        };
        nav.push(NavItem {
            weight,
            title,
            slug: slug.to_string(),
        });
    }
    nav.sort_by(|a, b| (a.weight, &a.title).cmp(&(b.weight, &b.title)));
    let home_title = ctx
        .intro("", aud)
        .map(|p| p.title.clone())
        .unwrap_or_else(|| "Overview".into());

    let make = |slug: &str,
                title: &str,
                template: &'static str,
                markdown: Option<&Page>|
     -> (String, HtmlPage) {
        let (path, depth) = page_path(aud, slug);
        let mut view = blank_view(ctx, Some(audience), title.to_string(), depth);
        let home = up(depth);
        // The home page's own title is often the site's; the menu needs a short word.
        view.nav = std::iter::once(Link {
            title: "Overview".to_string(),
            href: format!("{home}index.html"),
            current: slug.is_empty(),
        })
        .chain(nav.iter().map(|n| Link {
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
            text: crate::markup::for_audience(
                &p.body,
                &crate::markup::passages(&p.body, p.body_line).unwrap_or_default(),
                aud,
            ),
            first_line: p.body_line,
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
                insertions: Some(insertions.clone()),
                describe,
            },
        )
    };
    let html = |path: String, mut page: HtmlPage, crumb: Option<Link>| {
        if let Some(c) = crumb {
            page.view.breadcrumbs.push(c);
        }
        Planned {
            path,
            output: Output::Html(Box::new(page)),
        }
    };
    let here = |title: &str| {
        Some(Link {
            title: title.to_string(),
            href: String::new(),
            current: true,
        })
    };

    // Home.
    let (path, mut home) = make("", &home_title, "home.html", ctx.intro("", aud));
    home.view.pages = pages
        .iter()
        .map(|p| PageSummary {
            title: p.title.clone(),
            summary: p.summary.clone(),
            href: format!("{}/index.html", p.slug),
        })
        .collect();
    home.view.events = insertions.events.clone();
    home.view.breadcrumbs.truncate(1);
    home.view.breadcrumbs.push(Link {
        title: audience.title.clone(),
        href: String::new(),
        current: true,
    });
    files.push(html(path, home, None));

    // Guidance pages.
    for p in &pages {
        let (path, page) = make(&p.slug, &p.title, "page.html", Some(p));
        files.push(html(path, page, here(&p.title)));
    }

    // A generated page, with its title from the navigation (and so from its intro).
    let generated = |slug: &str, template: &'static str| {
        let title = nav
            .iter()
            .find(|n| n.slug == slug)
            .map(|n| n.title.clone())
            .unwrap_or_default();
        let (path, page) = make(slug, &title, template, ctx.intro(slug, aud));
        (path, page, title)
    };

    let (path, mut page, title) = generated("timeline", "timeline.html");
    page.view.events = insertions.events.clone();
    page.view.calendar = Some("../timeline.ics".into());
    files.push(html(path, page, here(&title)));
    files.push(Planned {
        path: format!("{aud}/timeline.ics"),
        output: Output::Ics(calendar(ctx, audience)),
    });

    let (path, mut page, title) = generated("schedule", "schedule.html");
    page.view.tranches = insertions.tranches.clone();
    files.push(html(path, page, here(&title)));

    if !audience.unit_checklists {
        return;
    }
    let checklists: Vec<Checklist> = model
        .units
        .iter()
        .enumerate()
        .map(|(u, unit)| checklist(ctx, u, unit))
        .collect();
    let (path, mut index, title) = generated("units", "units.html");
    index.view.units = checklists
        .iter()
        .zip(&model.units)
        .map(|(c, unit)| UnitSummary {
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
        })
        .collect();
    files.push(html(path, index, here(&title)));
    for (c, unit) in checklists.into_iter().zip(&model.units) {
        let csv = csv_rows(&c);
        let slug = format!("units/{}", unit.id);
        let (path, mut page) = make(&slug, &unit.name, "unit.html", None);
        page.view.breadcrumbs.push(Link {
            title: title.clone(),
            href: "../index.html".into(),
            current: false,
        });
        page.view.unit = Some(Box::new(c));
        files.push(html(path, page, here(&unit.name)));
        files.push(Planned {
            path: format!("{aud}/{slug}/checklist.csv"),
            output: Output::Csv(csv),
        });
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
                .any(|f| f.rule == "tranche-over-capacity" && f.tranche == Some(t.number));
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

/// Task states, as CSS classes and words.
fn task(title: String, hint: String, state: &'static str, label: impl Into<String>) -> Task {
    Task {
        title,
        hint,
        state,
        state_label: label.into(),
    }
}

fn progress(total: usize, done: usize) -> (&'static str, String) {
    match (total, done) {
        (0, _) => ("not-needed", "Not needed".into()),
        (t, d) if d == t => ("completed", "Completed".into()),
        (_, 0) => ("not-started", "Not started".into()),
        (t, d) => ("in-progress", format!("{d} of {t} done")),
    }
}

fn answer_state(ctx: &Ctx, unit: &Unit) -> (&'static str, String) {
    let deadline = ctx.deadline;
    match unit.responded {
        Some(d) => ("completed", format!("Answered on {}", long_date(d))),
        None => {
            let days = (deadline - ctx.checked.today).num_days();
            match days {
                d if d > 1 => ("to-do", format!("Due in {d} days")),
                1 => ("to-do", "Due tomorrow".into()),
                0 => ("to-do", "Due today".into()),
                -1 => ("overdue", "Overdue by 1 day".into()),
                d => ("overdue", format!("Overdue by {} days", -d)),
            }
        }
    }
}

/// One unit's checklist, worked out part by part.
struct UnitChecklist<'c, 'a> {
    ctx: &'c Ctx<'a>,
    u: usize,
    unit: &'a Unit,
    /// The groups with lines of this unit, with their defining unit.
    involved: Vec<(&'a Unit, &'a crate::model::Group)>,
    /// The findings about the unit's lines and its groups.
    findings: Vec<&'a Finding>,
}

impl UnitChecklist<'_, '_> {
    /// Each line with its flags, groups, status, tranche and dates.
    fn lines(&self) -> Vec<LineRow> {
        let (ctx, u, unit) = (self.ctx, self.u, self.unit);
        let analysis = &ctx.checked.analysis;
        let st = |l: usize| analysis.status[u][l];
        let mut groups_of_line: BTreeMap<usize, Vec<String>> = BTreeMap::new();
        for (_, g) in &self.involved {
            for m in groups::members(&ctx.index, g)
                .into_iter()
                .filter(|m| m.0 == u)
            {
                groups_of_line
                    .entry(m.1)
                    .or_default()
                    .push(format!("{} ({})", g.id, g.kind.id()));
            }
        }
        unit.lines
            .iter()
            .enumerate()
            .map(|(l, line)| {
                let placed = analysis.placed[u][l];
                let dates = placed.and_then(|n| ctx.dates_of(n));
                let mut flags = Vec::new();
                for (on, flag) in [
                    (line.ms_teams, "MS Teams"),
                    (line.pilot, "Pilot"),
                    (line.holder.is_none(), "Shared"),
                    (line.critical, "Critical"),
                    (line.contact_centre, "Contact centre"),
                ] {
                    if on {
                        flags.push(flag);
                    }
                }
                let why = status::blocks(unit, line)
                    .iter()
                    .map(|b| b.reason())
                    .collect::<Vec<_>>()
                    .join("; ");
                LineRow {
                    ext: line.ext.clone(),
                    holder: line.holder.clone().unwrap_or_default(),
                    email: line.email.clone().unwrap_or_default(),
                    flags,
                    uses: line.uses.iter().map(|u| u.describe()).collect(),
                    groups: groups_of_line.remove(&l).unwrap_or_default(),
                    status: st(l).as_str(),
                    decision: decision_str(line.decision),
                    why,
                    tranche: placed,
                    move_date: dates.map(|(d, _)| day_date(d)).unwrap_or_default(),
                    emails: dates.map(|(_, e)| email_labels(e)).unwrap_or_default(),
                    iso_dates: dates
                        .map(|(d, e)| std::iter::once(d).chain(e).map(|d| d.to_string()).collect())
                        .unwrap_or_default(),
                }
            })
            .collect()
    }

    /// Each group with lines of the unit, and whether it holds together.
    fn groups(&self) -> Vec<GroupRow> {
        let analysis = &self.ctx.checked.analysis;
        let index = &self.ctx.index;
        let findings = &self.findings;
        self.involved
        .iter()
        .map(|(_, g)| {
            let problems: Vec<&&Finding> = findings
                .iter()
                .filter(|f| {
                    f.group.as_deref() == Some(g.id.as_str()) && f.severity != Severity::Info
                })
                .collect();
            let members = g
                .members
                .iter()
                .map(|ext| {
                    let status = index
                        .by_ext
                        .get(ext.as_str())
                        .map(|id| analysis.status_of(*id).as_str())
                        .unwrap_or("unknown");
                    format!("{ext} ({status})")
                })
                .collect();
            let rule_of = |rule: &str| problems.iter().find(|f| f.rule == rule);
            let placed = groups::members(index, g)
                .iter()
                .find_map(|m| analysis.placed_of(*m));
            let (holds, verdict) = if g.kind == GroupKind::Pickup {
                match problems.first() {
                    Some(_) => ("no", "Members who move leave the pickup group.".to_string()),
                    None => (
                        "yes",
                        "No member moves: the pickup group stays as it is.".to_string(),
                    ),
                }
            } else if let Some(f) = rule_of("hunt-group-split").or(rule_of("executive-split")) {
                ("no", f.message.clone())
            } else if let Some(f) = rule_of("group-undecided") {
                ("not-yet", f.message.clone())
            } else if let Some(f) = rule_of("tranche-override-conflict") {
                (
                    "yes",
                    format!(
                        "It moves together in tranche {}; {}",
                        placed.unwrap_or_default(),
                        f.message
                    ),
                )
            } else {
                let undecided = groups::members(index, g)
                    .iter()
                    .filter(|m| analysis.status_of(**m) == Status::Undecided)
                    .count();
                match (placed, undecided) {
                    (Some(t), _) => ("yes", format!("It moves together in tranche {t}.")),
                    (None, 0) => ("yes", "It stays together on Chorus.".to_string()),
                    (None, n) => (
                        "not-yet",
                        format!("No member moves so far, and {n} have no decision: the group moves or stays as one."),
                    ),
                }
            };
            GroupRow {
                id: g.id.clone(),
                kind: g.kind.id(),
                members,
                holds,
                verdict_html: crate::markup::code_spans(&verdict),
            }
        })
        .collect()
    }

    /// The coordinator's steps, GOV.UK task-list style.
    fn steps(&self) -> Vec<Task> {
        let (ctx, u, unit) = (self.ctx, self.u, self.unit);
        let analysis = &ctx.checked.analysis;
        let st = |l: usize| analysis.status[u][l];
        let (findings, involved) = (&self.findings, &self.involved);
        // Every flagged line needs a look: one that cannot move is done when it is not
        // marked to move, the others when they have a decision.
        let review: Vec<usize> = (0..unit.lines.len())
            .filter(|&l| unit.lines[l].ms_teams)
            .collect();
        let cannot = review.iter().filter(|&&l| st(l) == Status::Blocked).count();
        let decided = |ls: &[usize]| {
            ls.iter()
                .filter(|&&l| match st(l) {
                    Status::Blocked => unit.lines[l].decision != Some(Decision::Move),
                    _ => unit.lines[l].decision.is_some(),
                })
                .count()
        };
        let losing: Vec<usize> = (0..unit.lines.len())
            .filter(|&l| !unit.lines[l].uses.is_empty() && st(l) != Status::Blocked)
            .collect();
        let conflicts = findings
            .iter()
            .filter(|f| {
                matches!(
                    f.rule,
                    "hunt-group-split"
                        | "executive-split"
                        | "group-undecided"
                        | "tranche-override-conflict"
                )
            })
            .count();
        let moving_groups = involved.iter().any(|(_, g)| g.kind.moves_together());
        let pickup = findings
            .iter()
            .filter(|f| {
                f.rule == "pickup-group-loss" && f.unit.as_deref() == Some(unit.id.as_str())
            })
            .count();
        let (answer_state, answer) = answer_state(ctx, unit);
        let deadline = long_date(ctx.deadline);

        let mut steps = Vec::new();
        let (s, label) = progress(review.len(), decided(&review));
        steps.push(task(
        "Review the lines flagged in the MS Teams column".into(),
        match cannot {
            0 => format!("{} line(s) flagged; check with each person whether they want to move.", review.len()),
            n => format!(
                "{} line(s) flagged, {n} of which cannot move and stay on Chorus; check with each person and tell those who cannot move.",
                review.len()
            ),
        },
        s,
        label,
    ));
        let (s, label) = progress(losing.len(), decided(&losing));
        steps.push(task(
        "Record a move or stay decision for each line that uses a feature being removed".into(),
        format!("{} line(s) use a softphone, the mobile app, the web portal or make external calls away from the desk.", losing.len()),
        s,
        label,
    ));
        let (s, label) = match (moving_groups, conflicts) {
            (false, _) => ("not-needed", "Not needed".to_string()),
            (true, 0) => ("completed", "Completed".to_string()),
            (true, n) => ("action-needed", format!("{n} to resolve")),
        };
        steps.push(task(
            "Resolve group conflicts".into(),
            "Hunt groups and executive–assistant pairs move together or stay together.".into(),
            s,
            label,
        ));
        let (s, label) = match pickup {
            0 => ("not-needed", "Not needed".to_string()),
            n => ("to-do", format!("Tell {n} people")),
        };
        steps.push(task(
            "Tell pickup group members who are moving".into(),
            "People who move to Teams leave their Chorus pickup group.".into(),
            s,
            label,
        ));
        let (s, label) = if unit.responded.is_some() {
            ("completed", "Completed".to_string())
        } else {
            ("to-do", "To do".to_string())
        };
        steps.push(task(
            "Ask whether anyone else urgently needs Telephony over Teams".into(),
            "Include them in your answer to the project.".into(),
            s,
            label,
        ));
        steps.push(task(
            format!("Answer the project by {deadline}"),
            "Email the project with the list of people who should move.".into(),
            answer_state,
            answer.clone(),
        ));
        steps
    }
}

fn checklist(ctx: &Ctx, u: usize, unit: &Unit) -> Checklist {
    let model = &ctx.checked.model;
    let analysis = &ctx.checked.analysis;
    let parts = UnitChecklist {
        ctx,
        u,
        unit,
        involved: ctx.involved[u]
            .iter()
            .map(|&(du, gi)| (&model.units[du], &model.units[du].groups[gi]))
            .collect(),
        findings: ctx.findings_of[u]
            .iter()
            .map(|&fi| &analysis.findings[fi])
            .collect(),
    };
    let steps = parts.steps();
    let (answer_state, answer) = answer_state(ctx, unit);
    let steps_total = steps.iter().filter(|t| t.state != "not-needed").count();
    let steps_done = steps.iter().filter(|t| t.state == "completed").count();

    let counts = Counts::of(&analysis.status[u]);
    Checklist {
        id: unit.id.clone(),
        name: unit.name.clone(),
        cohort: unit
            .cohort
            .as_deref()
            .map(cohort_name)
            .unwrap_or_else(|| "Own Teams instance".into()),
        separate_teams: unit.separate_teams,
        coordinator: unit.coordinator.as_ref().map(|c| c.name.clone()),
        coordinator_email: unit.coordinator.as_ref().and_then(|c| c.email.clone()),
        answer,
        answer_state,
        steps,
        steps_done,
        steps_total,
        lines: parts.lines(),
        groups: parts.groups(),
        findings: parts
            .findings
            .iter()
            .map(|f| FindingRow {
                severity: f.severity.as_str(),
                rule: f.rule,
                message_html: crate::markup::code_spans(&f.message),
                location: crate::report::location(f),
            })
            .collect(),
        counts,
    }
}

fn csv_rows(c: &Checklist) -> Vec<CsvRow> {
    c.lines
        .iter()
        .map(|l| {
            let date = |i: usize| l.iso_dates.get(i).cloned().unwrap_or_default();
            CsvRow {
                ext: l.ext.clone(),
                holder: cell(&l.holder),
                email: cell(&l.email),
                ms_teams: l.flags.contains(&"MS Teams"),
                flags: l.flags.join("; "),
                uses: l.uses.join("; "),
                groups: l.groups.join("; "),
                status: l.status,
                decision: l.decision,
                tranche: l.tranche.map(|t| t.to_string()).unwrap_or_default(),
                move_date: date(0),
                email_3_weeks: date(1),
                email_1_week: date(2),
                email_last_day: date(3),
            }
        })
        .collect()
}

/// Text from the data as a spreadsheet cell: one starting with `=`, `+`, `-` or `@` would
/// be run as a formula, so it is kept as text with a leading apostrophe.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

fn decision_str(d: Option<Decision>) -> &'static str {
    match d {
        Some(Decision::Move) => "move",
        Some(Decision::Stay) => "stay",
        None => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spreadsheet_cells_never_run_as_formulas() {
        for (text, want) in [
            ("Ada", "Ada"),
            ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
            ("+44", "'+44"),
            ("@a", "'@a"),
            ("", ""),
        ] {
            assert_eq!(cell(text), want);
        }
    }

    #[test]
    fn task_progress() {
        assert_eq!(progress(0, 0).0, "not-needed");
        assert_eq!(progress(3, 3).0, "completed");
        assert_eq!(progress(3, 0).0, "not-started");
        assert_eq!(progress(3, 1), ("in-progress", "1 of 3 done".to_string()));
    }
}
