//! The pages each audience gets: its frame (guidance pages, navigation, the data its
//! insertions show), the landing page, and what every page of an audience shares.

use std::sync::Arc;

use super::context::Ctx;
use super::events::calendar;
use super::insertions::insertions;
use super::views::{AudienceView, Insertions, Link, PageKind, PageSummary, PageView, UnitSummary};
use super::{HtmlPage, Markdown, Output, Planned};
use crate::model::{Audience, Page};
use crate::site_map::{self, Generated};

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

fn page_view(
    ctx: &Ctx,
    audience: Option<&Audience>,
    title: String,
    depth: usize,
    kind: PageKind,
) -> PageView {
    PageView {
        site: ctx.site_view(),
        audience: audience.map(AudienceView::of),
        migration: ctx.migration_view(),
        title,
        summary: None,
        root: up(depth + usize::from(audience.is_some())),
        home: up(depth),
        nav: vec![],
        breadcrumbs: vec![],
        today: ctx.today_label.clone(),
        content: String::new(),
        deadline: ctx.deadline_label.clone(),
        kind,
    }
}

pub(super) fn landing(ctx: &Ctx, audiences: &[&Audience]) -> Planned {
    let audiences = audiences
        .iter()
        .map(|a| Link {
            title: a.title.clone(),
            href: format!("{}/index.html", a.id),
            current: false,
        })
        .collect();
    let view = page_view(
        ctx,
        None,
        ctx.site.title.clone(),
        0,
        PageKind::Landing { audiences },
    );
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
pub(super) fn here(title: &str) -> Link {
    Link {
        title: title.to_string(),
        href: String::new(),
        current: true,
    }
}

pub(super) fn html(path: String, page: HtmlPage) -> Planned {
    Planned {
        path,
        output: Output::Html(Box::new(page)),
    }
}

/// What every page of an audience shares: its guidance pages, navigation and the data
/// its insertions show.
pub(super) struct Frame<'a> {
    pub(super) audience: &'a Audience,
    insertions: Arc<Insertions>,
    /// The audience's guidance pages, in menu order.
    pages: Vec<&'a Page>,
    nav: Vec<NavItem>,
    home_title: String,
}

impl<'a> Frame<'a> {
    pub(super) fn new(ctx: &Ctx<'a>, audience: &'a Audience) -> Frame<'a> {
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
    pub(super) fn nav_title(&self, slug: &str) -> String {
        self.nav
            .iter()
            .find(|n| n.slug == slug)
            .map(|n| n.title.clone())
            .unwrap_or_default()
    }

    /// A page of the audience at `slug`: its path and everything but what is particular
    /// to its kind.
    pub(super) fn make(
        &self,
        ctx: &Ctx,
        slug: &str,
        title: &str,
        template: &'static str,
        markdown: Option<&Page>,
    ) -> (String, HtmlPage) {
        let (audience, aud) = (self.audience, self.audience.id.as_str());
        let (path, depth) = page_path(aud, slug);
        // A guidance page until its caller says what else it shows.
        let mut view = page_view(
            ctx,
            Some(audience),
            title.to_string(),
            depth,
            PageKind::Guidance,
        );
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
    pub(super) fn pages(&self, ctx: &Ctx, summaries: &[UnitSummary], files: &mut Vec<Planned>) {
        let (audience, aud) = (self.audience, self.audience.id.as_str());

        // Home.
        let (path, mut home) = self.make(
            ctx,
            "",
            &self.home_title,
            site_map::HOME.template,
            ctx.intro("", aud),
        );
        home.view.kind = PageKind::Home {
            pages: self
                .pages
                .iter()
                .map(|p| PageSummary {
                    title: p.title.clone(),
                    summary: p.summary.clone(),
                    href: format!("{}/index.html", p.slug),
                })
                .collect(),
            events: self.insertions.events.clone(),
        };
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
        page.view.kind = PageKind::Timeline {
            events: self.insertions.events.clone(),
            calendar: "../timeline.ics".into(),
        };
        files.push(html(path, page));
        files.push(Planned {
            path: format!("{aud}/timeline.ics"),
            output: Output::Ics(calendar(ctx, audience)),
        });

        let (path, mut page) = self.generated(ctx, site_map::SCHEDULE);
        page.view.kind = PageKind::Schedule {
            tranches: self.insertions.tranches.clone(),
        };
        files.push(html(path, page));

        if site_map::UNITS.is_for(audience) {
            let (path, mut index) = self.generated(ctx, site_map::UNITS);
            index.view.kind = PageKind::Units {
                units: summaries.to_vec(),
            };
            files.push(html(path, index));
        }
        if site_map::UNIT_DATES.is_for(audience) {
            let (path, mut index) = self.generated(ctx, site_map::UNIT_DATES);
            index.view.kind = PageKind::UnitDates {
                units: super::unit_dates::unit_dates(ctx),
            };
            files.push(html(path, index));
        }
        if site_map::EXPORTS.is_for(audience) {
            let exports = super::exports::exports(ctx);
            let (path, mut index) = self.generated(ctx, site_map::EXPORTS);
            index.view.kind = PageKind::Exports {
                files: exports.iter().map(super::exports::listed).collect(),
            };
            files.push(html(path, index));
            for export in exports {
                files.push(Planned {
                    path: format!("{aud}/{}/{}", site_map::EXPORTS.slug, export.name),
                    output: Output::Table(Arc::new(export.table)),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Checked;
    use crate::plan::testing::small;

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

    /// What every page's template gets, whatever its kind.
    const COMMON: [&str; 12] = [
        "site",
        "audience",
        "migration",
        "title",
        "summary",
        "root",
        "home",
        "nav",
        "breadcrumbs",
        "today",
        "content",
        "deadline",
    ];

    #[test]
    fn each_template_gets_the_common_variables_and_only_its_kinds_own() {
        use std::collections::{BTreeMap, BTreeSet};
        let mut checked = small("2022-04-20");
        // One audience with the list of units and their dates, besides the checklists'.
        let site = checked.model.site.as_mut().unwrap();
        site.audiences
            .iter_mut()
            .find(|a| a.id == "moving")
            .unwrap()
            .unit_dates = true;
        // And the exports for the coordinators.
        site.audiences[0].exports = true;
        let planner = crate::plan::Planner::new(&checked, None).unwrap();
        let mut files = planner.pages(&[]);
        files.extend(planner.unit_pages(0, &planner.unit_files(0), &Default::default()));
        let mut own: BTreeMap<&str, BTreeSet<String>> = BTreeMap::new();
        for planned in &files {
            let Output::Html(page) = &planned.output else {
                continue;
            };
            let value = serde_json::to_value(&page.view).unwrap();
            let keys: BTreeSet<String> = value.as_object().unwrap().keys().cloned().collect();
            for name in COMMON {
                assert!(keys.contains(name), "{} lacks {name}", planned.path);
            }
            let kinds: BTreeSet<String> = keys
                .into_iter()
                .filter(|k| !COMMON.contains(&k.as_str()))
                .collect();
            // Every page made with one template gets the same variables.
            if let Some(other) = own.insert(page.template, kinds.clone()) {
                assert_eq!(other, kinds, "{}", planned.path);
            }
        }
        let expected: BTreeMap<&str, BTreeSet<String>> = [
            ("landing.html", &["audiences"][..]),
            ("home.html", &["pages", "events"]),
            ("page.html", &[]),
            ("timeline.html", &["events", "calendar"]),
            ("schedule.html", &["tranches"]),
            ("units.html", &["units"]),
            ("unit.html", &["unit", "downloads"]),
            ("unit-dates.html", &["units"]),
            ("exports.html", &["files"]),
        ]
        .into_iter()
        .map(|(template, names)| (template, names.iter().map(|n| n.to_string()).collect()))
        .collect();
        assert_eq!(own, expected);
    }
}
