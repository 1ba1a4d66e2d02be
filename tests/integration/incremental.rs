//! Rebuilds with caches (as `serve` does them) write exactly what a full build writes,
//! over a sequence of edits of every kind.

use std::collections::BTreeMap;
use std::fs;
use std::path::Path;

use chrono::NaiveDate;
use cutover::{Caches, render_site, render_site_cached};

use crate::{TODAY, site_copy};

fn files(site: cutover::Rendered) -> BTreeMap<String, Vec<u8>> {
    LAST_FRESH.with(|f| f.set(site.fresh));
    site.files
        .into_iter()
        .map(|(p, b)| (p, b.to_vec()))
        .collect()
}

thread_local! {
    /// How many pages the last build rendered anew.
    static LAST_FRESH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Rebuilds with the caches and from nothing, and compares every file.
/// Returns how many pages the rebuild rendered anew.
fn assert_same(root: &Path, today: NaiveDate, caches: &mut Caches, after: &str) -> usize {
    let cached = files(
        render_site_cached(root, today, None, caches)
            .unwrap_or_else(|e| panic!("after {after}: {e}")),
    );
    let fresh = LAST_FRESH.with(|f| f.get());
    let full = files(render_site(root, today, None).unwrap());
    let differ: std::collections::BTreeSet<&String> = full
        .keys()
        .chain(cached.keys())
        .filter(|p| full.get(*p) != cached.get(*p))
        .collect();
    assert!(
        differ.is_empty(),
        "after {after}, the rebuild differs from a full build in {differ:?}"
    );
    fresh
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no `{from}`");
    fs::write(&path, text.replacen(from, to, 1)).unwrap();
}

#[test]
fn rebuilds_equal_full_builds_after_every_kind_of_edit() {
    let site = site_copy("small");
    let root = site.path();
    let today = NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let mut caches = Caches::default();
    let all = assert_same(root, today, &mut caches, "the first build");
    assert_eq!(
        assert_same(root, today, &mut caches, "no change"),
        0,
        "nothing renders again"
    );

    let physics = "data/units/physics.yaml";
    let edits: Vec<(&str, &str, &str, &str)> = vec![
        (
            "a decision",
            physics,
            "    decision: stay\n",
            "    decision: move\n",
        ),
        (
            "a unit's name",
            physics,
            "name: Department of Physics",
            "name: Physics",
        ),
        (
            "a holder",
            physics,
            "holder: Ada Sample",
            "holder: Ada Sampled",
        ),
        (
            "a group in another unit",
            "data/units/balliol-example.yaml",
            "members: [\"81005\", \"81006\"]",
            "members: [\"81005\", \"81006\", \"71003\"]",
        ),
        (
            "a page's text",
            "content/deciding.md",
            "Hunt groups move whole.",
            "Hunt groups move as one.",
        ),
        (
            "a page's title",
            "content/desk-phones.md",
            "title: Desk phones",
            "title: Your desk phone",
        ),
        (
            "a page's weight",
            "content/desk-phones.md",
            "weight: 10",
            "weight: 90",
        ),
        (
            "a heading a link points at",
            "content/deciding.md",
            "## Hunt groups",
            "## Hunt groups and you",
        ),
        (
            "the site's title",
            "data/site.yaml",
            "title: Small guide",
            "title: A small guide",
        ),
        (
            "the deadline",
            "data/site.yaml",
            "response_deadline: 2022-04-14",
            "response_deadline: 2022-04-21",
        ),
        (
            "a holiday",
            "data/site.yaml",
            "holidays: [2022-06-02, 2022-06-03]",
            "holidays: [2022-06-02, 2022-06-03, 2022-06-10]",
        ),
        (
            "a tranche's date",
            "data/tranches.yaml",
            "date: 2022-06-20",
            "date: 2022-06-21",
        ),
        (
            "a tranche's capacity",
            "data/tranches.yaml",
            "capacity: {department: 5}",
            "capacity: {department: 50}",
        ),
        (
            "a timeline event",
            "data/timeline.yaml",
            "title: Coordinator briefing",
            "title: Briefing",
        ),
        (
            "a page's raw HTML",
            "content/deciding.md",
            "Hunt groups move as one.",
            "Hunt groups <b onclick=\"x()\">move</b> as one.",
        ),
        (
            "trusting the authors' raw HTML",
            "data/site.yaml",
            "title: A small guide",
            "title: A small guide\nraw_html: true",
        ),
    ];
    for (what, file, from, to) in edits {
        edit(root, file, from, to);
        let fresh = assert_same(root, today, &mut caches, what);
        // Only what depends on the edit renders again.
        if what == "a page's text" {
            assert!(fresh <= 3, "{fresh} pages rendered again after {what}");
        }
        if what == "a holder" {
            assert!(fresh <= 3, "{fresh} pages rendered again after {what}");
        }
        assert!(fresh < all, "everything rendered again after {what}");
    }

    // Units and pages come and go.
    fs::write(
        root.join("data/units/new-unit.yaml"),
        "name: New\ncohort: department\nlines:\n  - \
        ext: \"72001\"\n    holder: Pat New\n    ms_teams: true\n",
    )
    .unwrap();
    assert_same(root, today, &mut caches, "a unit added");
    fs::remove_file(root.join("data/units/own-teams.yaml")).unwrap();
    assert_same(root, today, &mut caches, "a unit removed");
    fs::write(
        root.join("content/extra.md"),
        "---\ntitle: Extra\nweight: 5\n---\n::: only \
        coordinators moving\nSee [deciding](@/deciding.md#hunt-groups-and-you).\n:::\n",
    )
    .unwrap();
    assert_same(root, today, &mut caches, "a page added");

    // Templates and static files.
    let templates = root.join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let unit_template = cutover::render::builtin_files()
        .find(|(p, _)| p == "templates/unit.html")
        .unwrap()
        .1;
    fs::write(
        templates.join("unit.html"),
        unit_template.replace("Your steps", "Steps to take"),
    )
    .unwrap();
    assert_same(root, today, &mut caches, "a page template");
    // A page template made from another page template.
    fs::write(templates.join("page.html"), "{% extends \"home.html\" %}\n").unwrap();
    assert_same(
        root,
        today,
        &mut caches,
        "a page template made from another",
    );
    let home = cutover::render::builtin_files()
        .find(|(p, _)| p == "templates/home.html")
        .unwrap()
        .1;
    fs::write(
        templates.join("home.html"),
        home.replace(
            "<h1>{{ title }}</h1>",
            "<h1 class=\"title\">{{ title }}</h1>",
        ),
    )
    .unwrap();
    assert_same(
        root,
        today,
        &mut caches,
        "the page template another is made from",
    );
    let base = cutover::render::builtin_files()
        .find(|(p, _)| p == "templates/base.html")
        .unwrap()
        .1;
    fs::write(
        templates.join("base.html"),
        base.replace("Skip to main content", "Skip to the content"),
    )
    .unwrap();
    assert_same(root, today, &mut caches, "the base template");
    fs::create_dir_all(root.join("static")).unwrap();
    fs::write(root.join("static/logo.svg"), "<svg/>").unwrap();
    assert_same(root, today, &mut caches, "a static file");

    // Another day: deadlines count from it.
    let later = today.succ_opt().unwrap();
    assert_same(root, later, &mut caches, "another day");

    // A broken edit fails and leaves the caches fit for the fix.
    edit(root, physics, "cohort: department", "cohort: Department");
    assert!(render_site_cached(root, later, None, &mut caches).is_err());
    edit(root, physics, "cohort: Department", "cohort: department");
    assert_same(root, later, &mut caches, "a broken edit and its fix");
}
