//! Entry points for the fuzz targets under `fuzz/`: each takes one input and drives the
//! real loaders, the content language or the link scanner with it, panicking only where
//! the code itself would (a bug) or where two parts of cutover disagree (an oracle).
//!
//! Not part of the library's interface: it exists so that the fuzz crate reaches private
//! code without it being made public.

use std::path::Path;
use std::sync::{Arc, LazyLock};

use chrono::NaiveDate;

use crate::escape::escape;
use crate::finding::Finding;
use crate::load::{Complete, content, fast, site, timeline, tranches, unit, validate};
use crate::markup::{self, Insertion, Resolver};
use crate::model::{Audience, Model, Page};
use crate::plan::Planner;
use crate::{Checked, links, render, rules};

/// `data/site.yaml`, through its loader.
pub fn site(text: &str) {
    let mut problems = Vec::new();
    site::site("data/site.yaml", text, &mut problems, &mut complete());
    assert_lines(&problems, text, 0);
}

/// `data/tranches.yaml`, through its loader.
pub fn tranches(text: &str) {
    let mut problems = Vec::new();
    tranches::tranches("data/tranches.yaml", text, &mut problems);
    assert_lines(&problems, text, 0);
}

/// `data/timeline.yaml`, through its loader.
pub fn timeline(text: &str) {
    let mut problems = Vec::new();
    timeline::timeline("data/timeline.yaml", text, &mut problems);
    assert_lines(&problems, text, 0);
}

/// `data/migration.yaml`, through its loader.
pub fn migration(text: &str) {
    let mut problems = Vec::new();
    crate::load::migration::migration("data/migration.yaml", text, &mut problems);
    assert_lines(&problems, text, 0);
}

/// A unit file, through its loader (the fast reader, then serde-saphyr where it declines
/// or finds a problem); and where the fast reader reads it, serde-saphyr must read the same.
pub fn unit(text: &str) {
    let mut problems = Vec::new();
    unit::unit(
        "fuzz",
        "data/units/fuzz.yaml",
        text,
        &crate::model::Policy::default(),
        &mut problems,
        &mut complete(),
    );
    assert_lines(&problems, text, 0);
    fast::assert_read_alike(text);
}

/// A page at `content/fuzz.md`: front matter and body, checked against a small site as a
/// load does. A page that passes must render for every audience it is for (validation
/// and rendering must not disagree), and the rendered site goes through the link checker.
/// Returns how many files were rendered (none for a page with problems).
pub fn page(text: &str) -> usize {
    let mut problems = Vec::new();
    let page = content::page(PAGE_FILE, "fuzz.md", text, &mut problems);
    assert_lines(&problems, text, 0);
    let Some(page) = page else { return 0 };
    let mut model = BASE.clone();
    model.pages.push(page);
    validate::model(&mut model, &complete(), &mut problems);
    let own: Vec<Finding> = problems
        .iter()
        .filter(|f| f.file == PAGE_FILE)
        .cloned()
        .collect();
    assert_lines(&own, text, 0);
    if !problems.is_empty() {
        return 0;
    }
    let today = today();
    let analysis = rules::analyse(&model, today);
    let checked = Checked {
        model,
        problems,
        analysis,
        built: Vec::new(),
        today,
    };
    let Some(planner) = Planner::new(&checked, None) else {
        return 0;
    };
    let mut planned = Vec::new();
    let summaries: Vec<_> = (0..planner.units())
        .map(|u| {
            let files = planner.unit_files(u);
            planned.extend(planner.unit_downloads(u, &files));
            planned.extend(planner.unit_pages(u, &files, &Default::default()));
            planner.summary(u, &files)
        })
        .collect();
    planned.extend(planner.pages(&summaries));
    let mut files = Vec::with_capacity(planned.len());
    for planned in &planned {
        match render::render_file(planned, &THEME, &checked.model.pages, None) {
            Ok(bytes) => files.push((planned.path.clone(), Arc::new(bytes))),
            Err(f) => panic!(
                "a page that passed validation does not render ({}): {}\n{text}",
                planned.path, f.message
            ),
        }
    }
    links::check(&files, str::to_string);
    files.len()
}

/// A page's body through the content language directly: passages, each audience's view,
/// insertions and `@/` links (resolved against the small site's pages and itself). Every
/// heading id that `@/page.md#id` links are checked against must be an id the link
/// checker finds on the rendered page, or a build would fail on links that passed.
/// Returns how many audiences' views rendered.
pub fn markup(body: &str) -> usize {
    let mut pages = BASE.pages.clone();
    pages.push(Page {
        file: PAGE_FILE.to_string(),
        slug: "fuzz".to_string(),
        title: "Fuzz".to_string(),
        audiences: None,
        audience_lines: Vec::new(),
        weight: 0,
        summary: None,
        draft: false,
        body: body.to_string(),
        body_line: 1,
        passages: Vec::new(),
    });
    let passages = markup::passages(body, 1).unwrap_or_else(|errors| {
        assert_syntax_lines(&errors, body);
        // The views are still made, so that text with broken passages is rendered too.
        Vec::new()
    });
    if let Some(page) = pages.last_mut() {
        page.passages = passages.clone();
    }
    let Some(site) = &BASE.site else { return 0 };
    let mut rendered = 0;
    for audience in &site.audiences {
        let view = markup::for_audience(body, &passages, &audience.id);
        let mut resolver = Fixed {
            pages: &pages,
            audience,
        };
        match markup::to_html(&view, &mut resolver, false) {
            Ok(html) => {
                if !has_raw_html(&view) {
                    assert_ids_found(&view, html);
                }
                rendered += 1;
            }
            Err(errors) => assert_syntax_lines(&errors, &view),
        }
    }
    rendered
}

/// Arbitrary bytes as one page of a small site, through the link checker. Returns the
/// broken links found.
pub fn links(html: &[u8]) -> Vec<Finding> {
    let file = |path: &str, bytes: &[u8]| (path.to_string(), Arc::new(bytes.to_vec()));
    let files = vec![
        file(
            "index.html",
            br#"<h1 id="top">T</h1><a href="a/index.html#x">a</a>"#,
        ),
        file("a/index.html", br#"<h2 id="x">X</h2><a href="b/">b</a>"#),
        file("a/style.css", b"p {}"),
        file("a/b/index.html", html),
    ];
    links::check(&files, str::to_string)
}

const PAGE_FILE: &str = "content/fuzz.md";

/// Resolves insertions to a marker and `@/` links as the renderer does.
struct Fixed<'a> {
    pages: &'a [Page],
    audience: &'a Audience,
}

impl Resolver for Fixed<'_> {
    fn insert(&mut self, insertion: Insertion) -> Result<String, String> {
        Ok(format!("<span>{insertion:?}</span>"))
    }

    fn link(&mut self, path: &str) -> Result<String, String> {
        markup::resolve_link(path, self.pages, self.audience)
    }
}

/// Every id [`markup::heading_ids`] gives `text` is found by the link checker in `html`,
/// `text` rendered.
fn assert_ids_found(text: &str, html: String) {
    let ids = markup::heading_ids(text);
    let probe: String = ids
        .iter()
        .map(|id| format!("<a href=\"fuzz.html#{}\">x</a>\n", escape(id)))
        .collect();
    let files = vec![
        ("fuzz.html".to_string(), Arc::new(html.into_bytes())),
        ("probe.html".to_string(), Arc::new(probe.into_bytes())),
    ];
    let broken: Vec<String> = links::check(&files, str::to_string)
        .into_iter()
        .filter(|f| f.file == "probe.html")
        .map(|f| f.message)
        .collect();
    assert!(
        broken.is_empty(),
        "heading ids {ids:?} are not all on the rendered page: {broken:?}\n{text}"
    );
}

/// Whether `text` has raw HTML, which may hide a heading from a browser and from the link
/// checker alike: `<a href="` left open swallows everything up to the next quote. The
/// options are those of `markup::parse`.
fn has_raw_html(text: &str) -> bool {
    use pulldown_cmark::{Event, Options, Parser};
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    Parser::new_ext(text, options).any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_)))
}

/// Problems point at a line of the file (or just past its end, where it ended too early).
fn assert_lines(problems: &[Finding], text: &str, offset: u32) {
    let last = text.lines().count() as u32 + 1 + offset;
    for f in problems {
        if let Some(line) = f.line {
            assert!(
                (1..=last).contains(&line),
                "{}: line {line} of {last} in {f:?}",
                f.file
            );
        }
    }
}

fn assert_syntax_lines(errors: &[markup::SyntaxError], text: &str) {
    let last = text.lines().count() as u32 + 1;
    for e in errors {
        assert!(
            (1..=last).contains(&e.line),
            "line {} of {last}: {}",
            e.line,
            e.message
        );
    }
}

fn complete() -> Complete {
    Complete {
        tranches: true,
        site: true,
        audiences: true,
        extensions: true,
    }
}

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2022, 4, 20).unwrap_or_default()
}

/// A small valid site for pages to be checked and rendered in: three audiences, one with
/// checklists; a tranche; a unit; and pages to link to, with headings and passages.
static BASE: LazyLock<Model> = LazyLock::new(|| {
    let mut problems = Vec::new();
    let mut model = Model {
        site: site::site("data/site.yaml", SITE, &mut problems, &mut complete()),
        tranches: tranches::tranches("data/tranches.yaml", TRANCHES, &mut problems)
            .unwrap_or_default(),
        ..Model::default()
    };
    model.units.extend(unit::unit(
        "physics",
        "data/units/physics.yaml",
        UNIT,
        &crate::model::Policy::default(),
        &mut problems,
        &mut complete(),
    ));
    for (relative, text) in PAGES {
        let file = format!("content/{relative}");
        model
            .pages
            .extend(content::page(&file, relative, text, &mut problems));
    }
    validate::model(&mut model, &complete(), &mut problems);
    assert!(
        problems.is_empty(),
        "the fuzzing site is invalid: {problems:#?}"
    );
    model
});

/// The built-in theme: the root named, a fixture site, has no `themes/` folder.
static THEME: LazyLock<render::Theme> = LazyLock::new(|| {
    render::Theme::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/sites/small"),
        BASE.site.as_ref(),
    )
    .unwrap_or_else(|e| panic!("the built-in theme does not load: {e}"))
});

const SITE: &str = "title: Fuzzing
organisation: Example
response_deadline: 2022-04-14
contact: help@example.org
audiences:
  - {id: coordinators, title: Coordinators, personal_data: true, unit_checklists: true}
  - {id: moving, title: Moving}
  - {id: staying, title: Staying}
";

const TRANCHES: &str = "- {number: 1, date: 2022-05-30, capacity: 10}\n";

const UNIT: &str = "name: Physics
cohort: department
lines:
  - {ext: \"70001\", holder: Ada, ms_teams: true, decision: move}
  - {ext: \"70002\", decision: stay}
";

const PAGES: [(&str, &str); 3] = [
    (
        "index.md",
        "---\ntitle: Home\n---\n## Start here\n\n::: only coordinators\n## Coordinators\n:::\n",
    ),
    (
        "desk-phones.md",
        "---\ntitle: Desk phones\n---\n## If you move\n\n::: except staying\n## In Teams\n:::\n",
    ),
    (
        "help/contacts.md",
        "---\ntitle: Contacts\naudiences: [staying]\n---\n## Ask\n",
    ),
];

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// The files the fuzz targets are seeded with (`fuzz/run.sh`): the guide's and the
    /// fixtures'. Each must go through its target, as the fuzzers start from them.
    fn seeds(pick: impl Fn(&Path) -> bool) -> Vec<String> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut found = Vec::new();
        for base in ["data", "content", "tests/fixtures"] {
            for entry in walkdir::WalkDir::new(root.join(base)) {
                let entry = entry.unwrap();
                if entry.file_type().is_file() && pick(entry.path()) {
                    let text = String::from_utf8(std::fs::read(entry.path()).unwrap());
                    // Only the fixture of files that are not UTF-8 holds any: they are refused
                    // before they are parsed.
                    let expected = entry.path().to_string_lossy().contains("/input-not-utf8/");
                    assert!(text.is_ok() || expected, "{}", entry.path().display());
                    found.extend(text.ok());
                }
            }
        }
        assert!(!found.is_empty());
        found
    }

    fn named(name: &'static str) -> impl Fn(&Path) -> bool {
        move |p| p.file_name().is_some_and(|n| n == name)
    }

    #[test]
    fn every_seed_goes_through_its_target() {
        seeds(named("site.yaml")).iter().for_each(|t| site(t));
        seeds(named("tranches.yaml"))
            .iter()
            .for_each(|t| tranches(t));
        seeds(named("timeline.yaml"))
            .iter()
            .for_each(|t| timeline(t));
        let units = |p: &Path| p.parent().is_some_and(|d| d.ends_with("units"));
        seeds(units).iter().for_each(|t| unit(t));
        let pages = seeds(|p| p.extension().is_some_and(|e| e == "md"));
        for text in &pages {
            page(text);
            markup(text);
        }
    }

    #[test]
    fn the_fuzzing_site_renders_and_links() {
        let text = "---\ntitle: Fuzz\n---\nSee [desk phones](@/desk-phones.md#if-you-move) and {{ \
            count moving }}.\n\n{{ tranches }}\n";
        assert!(page(text) > 10, "the site's files are rendered");
        assert_eq!(page("---\ntitle: Fuzz\n---\n[x](@/nowhere.md)\n"), 0);
        assert_eq!(markup("## A\n\n[home](@/index.md#start-here)\n"), 3);
        assert_eq!(
            markup("[desk](@/desk-phones.md#in-teams)\n"),
            2,
            "not for staying"
        );
        // Found by fuzzing: text saying `href="` hid the next heading from the link checker.
        assert_eq!(
            markup("Who<a href=\" moves\n\n## Places\n\nA \"quote\"\n"),
            3
        );
        assert!(links(b"<a href=\"../index.html#x\">x</a><img src='../style.css'>").is_empty());
        assert_eq!(links(b"<a href=\"../gone.html\">x</a>").len(), 1);
    }
}
