//! `cutover build`: what it writes, determinism, atomic replacement, themes and `new`.

use std::fs;
use std::path::Path;

use crate::{build, build_with, bundled, check_json, cutover, site_copy, stderr, tree};

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn writes_the_spec_layout() {
    let site = site_copy("small");
    let out = site.path().join("public");
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    for file in [
        "index.html",
        "coordinators/index.html",
        "coordinators/deciding/index.html",
        "coordinators/desk-phones/index.html",
        "coordinators/timeline/index.html",
        "coordinators/timeline.ics",
        "coordinators/schedule/index.html",
        "coordinators/units/index.html",
        "coordinators/units/physics/index.html",
        "coordinators/units/physics/checklist.csv",
        "coordinators/units/own-teams/index.html",
        "moving/index.html",
        "moving/deciding/index.html",
        "moving/timeline.ics",
        "staying/index.html",
        "staying/desk-phones/index.html",
        "staying/schedule/index.html",
    ] {
        assert!(out.join(file).is_file(), "{file} is missing");
    }
    // Pages only for their audiences, drafts never, checklists only where asked.
    for absent in [
        "staying/deciding",
        "coordinators/draft",
        "moving/units",
        "staying/units",
        "coordinators/index/index.html",
    ] {
        assert!(!out.join(absent).exists(), "{absent} should not exist");
    }
    // Passages: each audience sees its own.
    assert!(read(&out.join("coordinators/index.html")).contains("Answer by 14 April 2022"));
    assert!(!read(&out.join("moving/index.html")).contains("Answer by"));
    assert!(read(&out.join("moving/index.html")).contains("Your coordinator answers for you."));
    // Insertions.
    let deciding = read(&out.join("moving/deciding/index.html"));
    assert!(
        deciding.contains("<caption>Tranches: move dates, countdown emails and places</caption>")
    );
    assert!(deciding.contains("<li>Business School</li>"));
    assert!(deciding.contains("<h2 id=\"hunt-groups\">"));
    assert!(read(&out.join("staying/index.html")).contains("Moving: 10 of 16 lines."));
    // The timeline only holds the audience's events.
    let staying = read(&out.join("staying/timeline/index.html"));
    assert!(
        staying.contains("Emails to people who move") && !staying.contains("Coordinator briefing")
    );
    let ics = read(&out.join("coordinators/timeline.ics"));
    assert!(
        ics.contains("DTSTART;VALUE=DATE:20220216\r\n")
            && ics.contains("DTEND;VALUE=DATE:20220701\r\n")
    );
}

#[test]
fn links_are_relative_and_resolve() {
    let site = site_copy("small");
    let out = site.path().join("public");
    build(site.path(), &out);
    assert_links_resolve(&out);
    let bundled_out = site.path().join("bundled");
    assert_eq!(build(&bundled(), &bundled_out).status.code(), Some(0));
    assert_links_resolve(&bundled_out);
}

fn assert_links_resolve(out: &Path) {
    for (path, bytes) in tree(out).into_iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8(bytes).unwrap();
        for attr in ["href=\"", "src=\""] {
            for link in html
                .split(attr)
                .skip(1)
                .map(|rest| rest.split('"').next().unwrap())
            {
                let ok = !link.starts_with('/') && !link.contains("://");
                assert!(ok, "{path}: absolute link {link}");
                // Relative links resolve to a file of the site.
                if !link.starts_with("mailto:") && !link.starts_with('#') {
                    let target = Path::new(&path)
                        .parent()
                        .unwrap()
                        .join(link.split('#').next().unwrap());
                    assert!(out.join(&target).is_file(), "{path}: broken link {link}");
                }
            }
        }
    }
}

#[test]
fn checklist_page_matches_snapshot() {
    let site = site_copy("small");
    let out = site.path().join("public");
    build(site.path(), &out);
    insta::assert_snapshot!(
        "physics_checklist",
        read(&out.join("coordinators/units/physics/index.html"))
    );
    insta::assert_snapshot!(
        "physics_checklist_csv",
        read(&out.join("coordinators/units/physics/checklist.csv"))
    );
}

#[test]
fn refuses_to_replace_a_folder_it_did_not_build() {
    let site = site_copy("small");
    let www = site.path().join("www");
    fs::create_dir_all(www.join("sub")).unwrap();
    fs::write(www.join("index.html"), "someone's site").unwrap();
    fs::write(www.join("sub/notes.txt"), "precious").unwrap();
    let run = build(site.path(), &www);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("choose a new or empty folder"),
        "{}",
        stderr(&run)
    );
    assert_eq!(read(&www.join("sub/notes.txt")), "precious");
    // Its own output it replaces, from any spelling of the path.
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    let dotted = format!("{}/./", out.display());
    let run = build_with(site.path(), Path::new(&dotted), &[]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
}

#[test]
fn two_builds_are_identical() {
    let site = site_copy("small");
    let (a, b) = (site.path().join("a"), site.path().join("b"));
    build(site.path(), &a);
    build(site.path(), &b);
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta.len() > 20);
    assert!(ta == tb, "two builds differ");
}

#[test]
fn failed_build_keeps_the_old_site() {
    let (site, out, before) = small_built();
    fs::write(
        site.path().join("data/units/physics.yaml"),
        "name: Physics\ncohort: department\nlines:\n  - ext: 7x\n",
    )
    .unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("data/units/physics.yaml:4: `ext: 7x` is not an extension"),
        "{}",
        stderr(&run)
    );
    assert!(tree(&out) == before, "the old site changed");
    assert_nothing_beside(site.path());
}

/// The `small` fixture built into its `public/`, with what the build wrote: the site a
/// failing build must leave as it was.
fn small_built() -> (
    tempfile::TempDir,
    std::path::PathBuf,
    Vec<(String, Vec<u8>)>,
) {
    let site = site_copy("small");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    let before = tree(&out);
    (site, out, before)
}

/// No half-written site is left beside the output (`.public.new-PID`, `.public.old-PID`).
fn assert_nothing_beside(dir: &Path) {
    let names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(names.iter().all(|n| !n.starts_with(".public")), "{names:?}");
}

/// A build writes each page as it is made. A page that fails once many are written
/// (here every unit's checklist, from a template naming something that is not there)
/// still leaves the previous site as it was, and nothing half-written beside it.
#[test]
fn a_page_failing_mid_build_keeps_the_old_site() {
    let (site, out, before) = small_built();
    let templates = site.path().join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let unit = read(&bundled().join("themes/default/templates/unit.html"));
    fs::write(
        templates.join("unit.html"),
        unit.replace("{{ unit.cohort }}", "{{ unit.no_such_field }}"),
    )
    .unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("themes/default/templates/unit.html") && err.contains("no_such_field"),
        "{err}"
    );
    // Once, not once a unit.
    assert_eq!(
        err.matches("no_such_field` is not defined").count(),
        1,
        "{err}"
    );
    assert!(
        err.contains("(and 2 other page(s) made with it) failed"),
        "{err}"
    );
    assert!(tree(&out) == before, "the old site changed");
    assert_nothing_beside(site.path());
}

/// A template gets the variables of its page's kind only (docs/data.md lists them): a guidance
/// page's template looping over the timeline's `events` fails, naming the template,
/// rather than showing nothing.
#[test]
fn a_template_reading_another_kind_of_pages_variable_fails_naming_it() {
    let (site, out, before) = small_built();
    let templates = site.path().join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    let page = read(&bundled().join("themes/default/templates/page.html"));
    fs::write(
        templates.join("page.html"),
        page.replace(
            "{{ content | safe }}",
            "{{ content | safe }}{% for e in events %}{{ e.title }}{% endfor %}",
        ),
    )
    .unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains("themes/default/templates/page.html") && err.contains("undefined"),
        "{err}"
    );
    assert!(tree(&out) == before, "the old site changed");
}

#[test]
fn a_root_with_only_data_builds_with_the_built_in_theme() {
    let site = site_copy("small");
    fs::remove_dir_all(site.path().join("content")).unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(out.join("coordinators/style.css").is_file());
    assert!(read(&out.join("staying/index.html")).contains("<h1>Overview</h1>"));
}

#[test]
fn a_theme_in_the_root_replaces_templates_and_static_files() {
    let site = site_copy("small");
    let templates = site.path().join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}{% block main %}<h1>Custom {{ title }}</h1>{% endblock main %}",
    )
    .unwrap();
    fs::create_dir_all(site.path().join("static")).unwrap();
    fs::write(site.path().join("static/logo.svg"), "<svg/>").unwrap();
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    assert!(read(&out.join("moving/deciding/index.html")).contains("<h1>Custom Deciding</h1>"));
    assert!(out.join("moving/logo.svg").is_file() && out.join("logo.svg").is_file());

    // A broken template is reported with its file, and nothing is written.
    fs::write(templates.join("page.html"), "{% if %}").unwrap();
    let out2 = site.path().join("public2");
    let run = build(site.path(), &out2);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).contains("themes/default/templates"),
        "{}",
        stderr(&run)
    );
    assert!(!out2.exists());
}

/// The line and message of the first finding of `check --format json`'s `report` about `file`.
fn finding_at(report: &serde_json::Value, file: &str) -> Option<(Option<u64>, String)> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|f| f["file"] == file)
        .map(|f| (f["line"].as_u64(), f["message"].to_string()))
}

#[test]
fn a_template_that_does_not_parse_is_reported_at_its_file_and_line() {
    let site = site_copy("small");
    let templates = site.path().join("themes/default/templates");
    fs::create_dir_all(&templates).unwrap();
    // A syntax error (found as the template is parsed) on line 3, and a filter that does
    // not exist (found once every template is in) on line 2 of another.
    fs::write(
        templates.join("page.html"),
        "{% extends \"base.html\" %}\n{% block main %}\n{% if %}\n{% endblock main %}\n",
    )
    .unwrap();
    fs::write(
        templates.join("timeline.html"),
        "{% extends \"base.html\" %}\n{% block main %}{{ title | nosuch }}{% endblock main %}\n",
    )
    .unwrap();
    let (run, report) = check_json(site.path());
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let (line, message) =
        finding_at(&report, "themes/default/templates/page.html").expect("page.html is named");
    assert_eq!(line, Some(3), "{message}");

    fs::write(templates.join("page.html"), "{% extends \"base.html\" %}\n").unwrap();
    let (run, report) = check_json(site.path());
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let (line, message) = finding_at(&report, "themes/default/templates/timeline.html")
        .expect("timeline.html is named");
    assert_eq!(line, Some(2), "{message}");
    assert!(message.contains("nosuch"), "{message}");
}

#[test]
fn data_is_escaped_in_html() {
    let site = site_copy("small");
    let unit = site.path().join("data/units/physics.yaml");
    let text = read(&unit).replace(
        "name: Department of Physics",
        "name: \"Physics <script>alert(1)</script>\"",
    );
    fs::write(&unit, text).unwrap();
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    let page = read(&out.join("coordinators/units/physics/index.html"));
    assert!(!page.contains("<script>"));
    assert!(page.contains("&lt;script&gt;"));
}

#[test]
fn new_site_builds_and_checks_clean() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("guide");
    assert_eq!(
        cutover(&["new", root.to_str().unwrap()]).status.code(),
        Some(0)
    );
    let out = cutover(&[
        "check",
        "--root",
        root.to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["findings"], serde_json::json!([]));
    assert_eq!(
        cutover(&["build", "--root", root.to_str().unwrap()])
            .status
            .code(),
        Some(0)
    );
    assert!(
        root.join("public/coordinators/units/example-department/index.html")
            .is_file()
    );
    // SPEC §9: the new site has a migration.yaml with every key the loader allows (read
    // from the loader itself), and a step of its own and features with every key.
    let migration = read(&root.join("data/migration.yaml"));
    let written = |key: &str, top: bool| {
        migration.lines().any(|l| {
            let data = l.split(" #").next().unwrap_or("");
            if top {
                return data.starts_with(&format!("{key}:"));
            }
            [" ", "{", "-"]
                .iter()
                .any(|before| data.contains(&format!("{before}{key}:")))
        })
    };
    let levels = [
        ("zzqqxxyy: 1\n", true),
        ("features:\n  app:\n    label: A\n    zzqqxxyy: 1\n", false),
        ("steps:\n  - title: T\n    zzqqxxyy: 1\n", false),
    ];
    for (text, top) in levels {
        for key in crate::documented::allowed_keys("data/migration.yaml", text) {
            assert!(
                written(&key, top),
                "data/migration.yaml of `cutover new` has no `{key}`:\n{migration}"
            );
        }
    }
    // Every key is explained: each paragraph of keys starts with a comment.
    for paragraph in migration.split("\n\n") {
        assert!(
            paragraph.trim_start().starts_with('#'),
            "no comment explains\n{paragraph}"
        );
    }
    // Neutral wording: no organisation's systems in what `cutover new` writes. The theme
    // copied is the built-in one, which issue 11 holds to the same by its own test.
    let forbidden = [
        "chorus",
        "telephony over teams",
        "openscape",
        "phoneman",
        "ms teams",
    ];
    for entry in walkdir::WalkDir::new(&root) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(&root).unwrap();
        if !entry.file_type().is_file() || rel.starts_with("public") {
            continue;
        }
        let text = read(entry.path()).to_lowercase();
        for word in forbidden {
            assert!(!text.contains(word), "{} says {word:?}", rel.display());
        }
    }
}

#[test]
fn the_bundled_guide_builds() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("public");
    let run = build(&bundled(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    for aud in ["coordinators", "moving", "staying"] {
        assert!(out.join(aud).join("index.html").is_file());
    }
    assert!(
        out.join("coordinators/units/it-services/checklist.csv")
            .is_file()
    );
}

/// A previous build that is there but cannot be read is said so, not taken silently for
/// no previous build.
#[test]
fn an_unreadable_previous_build_is_warned_of() {
    let site = site_copy("small");
    let out = site.path().join("public");
    let first = build(site.path(), &out);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    assert!(!stderr(&first).contains("warning"), "{}", stderr(&first));

    // A unit's lines change, and its previous checklist is not CSV any more.
    let physics = site.path().join("data/units/physics.yaml");
    fs::write(
        &physics,
        read(&physics).replace("    decision: stay\n", "    decision: move\n"),
    )
    .unwrap();
    let csv = out.join("coordinators/units/physics/checklist.csv");
    fs::write(&csv, "no columns to speak of\n").unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(
        text.contains("warning: ")
            && text.contains("physics/checklist.csv cannot be read")
            && text.contains("the change report treats its lines as new"),
        "{text}"
    );

    fs::write(out.join("manifest.json"), "{ not json").unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let text = stderr(&run);
    assert!(
        text.contains("warning: ")
            && text.contains("manifest.json cannot be read")
            && text.contains("the change report treats every file as new"),
        "{text}"
    );
}

/// Each build compares with the one before: units whose lines changed, line by line, and
/// files added, removed or changed per audience.
#[test]
fn reports_what_changed_since_the_last_build() {
    let site = site_copy("small");
    let out = site.path().join("public");
    let report_file = site.path().join("changes.json");
    let run_with_report = || {
        let run = build_with(
            site.path(),
            &out,
            &["--changes", report_file.to_str().unwrap()],
        );
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        let report: serde_json::Value = serde_json::from_str(&read(&report_file)).unwrap();
        (stderr(&run), report)
    };
    let (text, report) = run_with_report();
    assert!(text.contains("no previous build to compare with"));
    assert_eq!(report["first_build"], true);
    let (text, report) = run_with_report();
    assert!(text.contains("no changes since the last build"), "{text}");
    assert_eq!(report["units"], serde_json::json!([]));

    // A decision changes: that unit, that line, before and after.
    let physics = site.path().join("data/units/physics.yaml");
    fs::write(
        &physics,
        read(&physics).replace("    decision: stay\n", "    decision: move\n"),
    )
    .unwrap();
    // A unit goes, another comes.
    fs::remove_file(site.path().join("data/units/own-teams.yaml")).unwrap();
    fs::write(
        site.path().join("data/units/new-unit.yaml"),
        "name: New\ncohort: department\n",
    )
    .unwrap();
    // A page for coordinators only changes.
    let deciding = site.path().join("content/deciding.md");
    fs::write(
        &deciding,
        read(&deciding).replace("Hunt groups move whole.", "Hunt groups move as one."),
    )
    .unwrap();

    let (text, report) = run_with_report();
    let units: Vec<(String, String)> = report["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["unit"].as_str().unwrap().into(),
                u["change"].as_str().unwrap().into(),
            )
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("new-unit", "added"),
        ("own-teams", "removed"),
        ("physics", "changed"),
    ]
    .iter()
    .map(|(u, c)| (u.to_string(), c.to_string()))
    .collect();
    assert_eq!(units, expected);
    let physics_lines = &report["units"][2]["lines"];
    let line = physics_lines
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["ext"] == "71002")
        .unwrap();
    assert_eq!(line["before"]["status"], "staying");
    assert_eq!(line["after"]["status"], "moving");
    assert_eq!(line["after"]["tranche"], 3);
    assert!(
        line["before"]["findings"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("hunt-group-split"))
    );
    assert!(text.contains("71002: staying"), "{text}");
    let changed = |aud: &str| -> Vec<String> {
        report["pages"][aud]["changed"]
            .as_array()
            .map(|a| a.iter().map(|p| p.as_str().unwrap().to_string()).collect())
            .unwrap_or_default()
    };
    assert!(changed("coordinators").contains(&"coordinators/deciding/index.html".to_string()));
    assert!(!changed("staying").iter().any(|p| p.contains("deciding")));
    assert!(
        report["pages"]["coordinators"]["added"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "coordinators/units/new-unit/index.html")
    );
    assert!(
        report["pages"]["coordinators"]["removed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| p == "coordinators/units/own-teams/checklist.csv")
    );
}

/// A public site: just the audiences without personal data, and nothing of the others.
#[test]
fn builds_just_the_audiences_asked_for() {
    let site = site_copy("small");
    let out = site.path().join("public");
    let run = build_with(
        site.path(),
        &out,
        &["--audience", "moving", "--audience", "staying"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(!out.join("coordinators").exists());
    assert!(out.join("moving/index.html").is_file() && out.join("staying/index.html").is_file());
    let landing = read(&out.join("index.html"));
    assert!(landing.contains("moving/index.html") && !landing.contains("coordinators/index.html"));
    let everything: String = tree(&out)
        .into_iter()
        .map(|(_, b)| String::from_utf8_lossy(&b).into_owned())
        .collect();
    assert!(!everything.contains("Ada Sample") && !everything.contains("71001"));
    // Its manifest says nothing of units, not even digests.
    let manifest: serde_json::Value =
        serde_json::from_str(&read(&out.join("manifest.json"))).unwrap();
    assert_eq!(manifest["units"], serde_json::json!({}));

    let run = build_with(site.path(), &out, &["--audience", "nobody"]);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("--audience nobody is not an audience of site.yaml"),
        "{}",
        stderr(&run)
    );
}

/// A static HTML file of the root's is published like a page: its links are checked too.
#[test]
fn a_static_page_with_a_broken_link_is_not_published() {
    let (site, out, before) = small_built();
    fs::create_dir_all(site.path().join("static")).unwrap();
    fs::write(
        site.path().join("static/help.html"),
        "<!DOCTYPE html><title>Help</title><a href=\"gone.html\">gone</a>",
    )
    .unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains(
            "error[broken-link]: help.html: help.html links to `gone.html`, but nothing \
            is built at gone.html"
        ),
        "{err}"
    );
    assert!(tree(&out) == before, "the old site stays");
}

/// A link that leads nowhere stops `build` (the old site stays) and shows in `check`,
/// with the page, the link and the file to correct.
#[test]
fn broken_links_are_found_and_not_published() {
    let (site, out, before) = small_built();
    let page = site.path().join("content/desk-phones.md");
    let text = read(&page);
    assert!(text.ends_with('\n'));
    // The links' line: after the page's lines and an empty one.
    let line = text.lines().count() + 2;
    fs::write(
        &page,
        text + "\nSee [the old page](../old-page/index.html) and [a \
        heading](../deciding/index.html#nowhere).\n",
    )
    .unwrap();

    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    let err = stderr(&run);
    assert!(
        err.contains(&format!(
            "error[broken-link]: content/desk-phones.md:{line}: \
        staying/desk-phones/index.html links to `../old-page/index.html`, but nothing is built at \
            staying/old-page/index.html"
        )),
        "{err}"
    );
    assert!(tree(&out) == before, "the old site stays");
    assert_nothing_beside(site.path());

    let (out, report) = crate::check_json(site.path());
    assert_eq!(out.status.code(), Some(1));
    let broken: Vec<&serde_json::Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "broken-link")
        .collect();
    // The staying audience has no deciding page; the others have no heading `nowhere`.
    assert!(broken.iter().any(|f| {
        f["message"]
            .as_str()
            .unwrap()
            .contains("has no element with id `nowhere`")
    }));
    assert!(
        broken
            .iter()
            .all(|f| f["file"] == "content/desk-phones.md" && f["severity"] == "error")
    );
    assert!(broken.iter().all(|f| f["line"] == line), "{broken:#?}");
    assert!(broken.len() >= 4, "{broken:#?}");
}

/// A page with raw HTML of every kind, safe and unsafe.
const RAW_HTML_PAGE: &str = r#"---
title: Raw HTML
---
## Safe markup {#safe}

<details><summary>More</summary>

| left | right |
|:-----|------:|
| 1    | 2     |

</details>

<abbr title="Telephony over Teams">ToT</abbr> moves {{ count moving }} lines.

<dl><dt>Term</dt><dd>Meaning</dd></dl>

<img src="https://example.org/a.png" alt="remote"> [mail](mailto:a@example.org)
[call](tel:+441865000000) [top](#safe) [home](../index.html)

{{ tranches }}

## Unsafe markup {onclick=alert(9)}

<script>alert(1)</script>
<iframe src="https://evil.example/"></iframe>
<p onmouseover="alert(2)">Hover</p>
<a href="javascript:alert(3)">js</a> <a href="vbscript:msgbox(4)">vb</a>
<a href="data:text/html;base64,PHNjcmlwdD4=">data</a>

[md js](javascript:alert(6)) ![img data](data:image/svg+xml;base64,PHN2Zz4=) <JAVASCRIPT:alert(8)>

<object data="https://evil.example/x.swf"></object><embed src="https://evil.example/x.swf">
<form action="https://evil.example/"><input name="q"></form>
<style>body { display: none }</style>
<p style="position: fixed">styled</p>
"#;

#[test]
fn raw_html_in_content_is_sanitised_unless_authors_are_trusted() {
    let site = site_copy("small");
    fs::write(site.path().join("content/raw.md"), RAW_HTML_PAGE).unwrap();
    let out = site.path().join("public");
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let page = read(&out.join("moving/raw/index.html"));
    for unsafe_part in [
        "<script",
        "alert(1)",
        "<iframe",
        "onmouseover",
        "onclick",
        "javascript:",
        "href=\"JAVASCRIPT:",
        "vbscript:",
        "data:",
        "<object",
        "<embed",
        "<form",
        "<input",
        "<style",
        "position: fixed",
        "style=\"\"",
    ] {
        assert!(!page.contains(unsafe_part), "{unsafe_part} is published");
    }
    for safe_part in [
        "<details><summary>More</summary>",
        "text-align",
        "<abbr title=\"Telephony over Teams\">ToT</abbr> moves 10 lines.",
        "<dl><dt>Term</dt><dd>Meaning</dd></dl>",
        "<img src=\"https://example.org/a.png\" alt=\"remote\">",
        "href=\"mailto:a@example.org\"",
        "href=\"tel:+441865000000\"",
        "<h2 id=\"safe\">",
        "href=\"#safe\"",
        "href=\"../index.html\"",
        "<caption>Tranches: move dates, countdown emails and places</caption>",
        ">Hover</p>",
        ">styled</p>",
    ] {
        assert!(page.contains(safe_part), "{safe_part} is lost:\n{page}");
    }

    // Trusted authors' HTML is published as written.
    let site_yaml = site.path().join("data/site.yaml");
    fs::write(&site_yaml, read(&site_yaml) + "raw_html: true\n").unwrap();
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let page = read(&out.join("moving/raw/index.html"));
    for as_written in [
        "<script>alert(1)</script>",
        "<p onmouseover=\"alert(2)\">Hover</p>",
        "href=\"javascript:alert(6)\"",
    ] {
        assert!(page.contains(as_written), "{as_written} is lost");
    }
}

/// The broken links `check` reports, as (file, message).
fn broken_links(root: &std::path::Path) -> Vec<(String, String)> {
    let (_, report) = crate::check_json(root);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "broken-link")
        .map(|f| {
            let text = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (text("file"), text("message"))
        })
        .collect()
}

/// Unit pages of the built-in theme are not read for links (the site map wrote them), but
/// a link into one still has its `#fragment` checked against the ids the theme writes, and
/// a unit page that carries links someone else wrote, in a theme's template or the
/// policy's own steps, is read as any page: `check` and `build` alike.
#[test]
fn links_into_and_out_of_unit_pages_are_checked_whoever_wrote_them() {
    let site = site_copy("small");
    let page = site.path().join("content/deciding.md");
    let text = read(&page);
    fs::write(
        &page,
        text + "\n::: only coordinators\nSee [the lines](../units/balliol-example/index.html#lines) \
         and [nothing](../units/balliol-example/index.html#nowhere).\n:::\n",
    )
    .unwrap();
    let broken = broken_links(site.path());
    assert_eq!(broken.len(), 1, "{broken:#?}");
    assert!(
        broken[0].1.contains("has no element with id `nowhere`"),
        "{broken:#?}"
    );
    let out = site.path().join("public");
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1));
    assert!(stderr(&run).contains("has no element with id `nowhere`"));

    // A theme's own base template: unit pages are read for its links.
    let site = site_copy("small");
    let base = read(&bundled().join("themes/default/templates/base.html"));
    let theme = site.path().join("themes/own/templates");
    fs::create_dir_all(&theme).unwrap();
    fs::write(
        theme.join("base.html"),
        base.replacen("<body>", "<body><a href=\"nowhere.html\">Old</a>", 1),
    )
    .unwrap();
    let config = site.path().join("data/site.yaml");
    fs::write(&config, read(&config) + "theme: own\n").unwrap();
    let broken = broken_links(site.path());
    assert!(
        broken.iter().any(|(_, message)| message
            .contains("units/balliol-example/index.html links to `nowhere.html`")),
        "{broken:#?}"
    );

    // The policy's own step, with a link of its own.
    let site = site_copy("small");
    fs::write(
        site.path().join("data/migration.yaml"),
        "steps:\n  - answer\n  - title: Read the notes\n    text: See [the notes](../../notes/index.html).\n",
    )
    .unwrap();
    let broken = broken_links(site.path());
    assert!(
        broken.iter().any(|(_, message)| message.contains(
            "units/balliol-example/index.html links to \
                `../../notes/index.html`"
        )),
        "{broken:#?}"
    );
}
