//! Which pages each audience gets, and what each page shows.
//!
//! Pure: from the checked model to a list of output files, each with the view it renders.
//! Privacy is decided here: only audiences with `personal_data` get views that hold names,
//! emails or extensions, and only those with `unit_checklists` get the unit pages.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use chrono::NaiveDate;
use rayon::prelude::*;

use crate::Checked;
use crate::model::{Audience, Capacity, Page, Site};
use crate::rules::{Counts, emails, groups};

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
    /// Per extension: the rules of the findings naming it.
    rules_by_ext: HashMap<&'a str, BTreeSet<&'static str>>,
    /// A digest of what every checklist shares: today, the deadline, holidays, tranches.
    global: u64,
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
            rules_by_ext: checked.analysis.rules_by_ext(),
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
/// Checklists worked out by an earlier plan, by unit, with the digest of what each was
/// made from: an unchanged unit's checklist is not worked out again.
#[derive(Default)]
pub struct Cache {
    checklists: HashMap<String, (u64, UnitFiles)>,
}

/// A unit's checklist and its CSV rows, shared by every audience that shows them.
#[derive(Clone)]
pub(crate) struct UnitFiles {
    checklist: Arc<Checklist>,
    csv: Arc<Vec<CsvRow>>,
}

/// Every unit's checklist, from `cache` where the unit's inputs are unchanged.
fn checklists(ctx: &Ctx, cache: &mut Cache) -> Vec<UnitFiles> {
    let units = &ctx.checked.model.units;
    // Each unit's checklist stands alone: they are worked out in parallel.
    let made: Vec<(u64, UnitFiles)> = units
        .par_iter()
        .enumerate()
        .map(|(u, unit)| {
            let print = fingerprint(ctx, u, unit);
            match cache.checklists.get(&unit.id) {
                Some((old, files)) if *old == print => (print, files.clone()),
                _ => {
                    let checklist = checklist(ctx, u, unit);
                    let csv = Arc::new(csv_rows(&checklist));
                    (
                        print,
                        UnitFiles {
                            checklist: Arc::new(checklist),
                            csv,
                        },
                    )
                }
            }
        })
        .collect();
    cache.checklists = units
        .iter()
        .map(|u| u.id.clone())
        .zip(made.iter().cloned())
        .collect();
    made.into_iter().map(|(_, files)| files).collect()
}

/// `only`: build just these audiences (the landing page lists just them); `None`: all.
pub fn plan(checked: &Checked, only: Option<&[String]>, cache: &mut Cache) -> Plan {
    let Some(site) = checked.model.site.as_ref() else {
        return Plan {
            audiences: vec![],
            files: vec![],
        };
    };
    let audiences: Vec<&Audience> = site
        .audiences
        .iter()
        .filter(|a| only.is_none_or(|ids| ids.contains(&a.id)))
        .collect();
    let ctx = Ctx::new(checked, site);
    let lists = if audiences.iter().any(|a| a.unit_checklists) {
        checklists(&ctx, cache)
    } else {
        Vec::new()
    };
    let mut files = vec![landing(&ctx, &audiences)];
    for audience in &audiences {
        audience_files(&ctx, audience, &lists, &mut files);
    }
    Plan {
        audiences: audiences.iter().map(|a| a.id.clone()).collect(),
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

fn audience_files(
    ctx: &Ctx,
    audience: &Audience,
    checklists: &[UnitFiles],
    files: &mut Vec<Planned>,
) {
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
    let (path, mut index, title) = generated("units", "units.html");
    index.view.units = checklists
        .iter()
        .map(|files| &files.checklist)
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
    for (unit_files, unit) in checklists.iter().zip(&model.units) {
        let (c, csv) = (&unit_files.checklist, unit_files.csv.clone());
        let slug = format!("units/{}", unit.id);
        let (path, mut page) = make(&slug, &unit.name, "unit.html", None);
        page.view.breadcrumbs.push(Link {
            title: title.clone(),
            href: "../index.html".into(),
            current: false,
        });
        page.view.unit = Some(c.clone());
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
