//! The build's output and the files around it: an output reached through a symbolic link,
//! what killed builds leave beside it, where `--changes` may write, and static files that
//! would replace generated ones.

use std::fs;
use std::path::Path;

use crate::{build, build_with, check_json, site_copy, stderr, tree};

/// A process id that no process has (Linux's largest is 4,194,304).
const GONE: u32 = 1_999_999_999;

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

/// `public` a link to the folder a deploy serves: the build replaces the folder it leads
/// to (the link stays), rather than emptying it and failing.
#[cfg(unix)]
#[test]
fn an_out_that_is_a_symlink_builds_into_where_it_leads() {
    let site = site_copy("small");
    let real = site.path().join("site-2022");
    assert_eq!(build(site.path(), &real).status.code(), Some(0));
    let link = site.path().join("public");
    std::os::unix::fs::symlink(&real, &link).unwrap();

    let run = build(site.path(), &link);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        real.join("coordinators/units/physics/checklist.csv")
            .is_file()
    );
    assert!(link.join("index.html").is_file());
    // Twice: the second build replaces the first through the link too.
    let run = build(site.path(), &link);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(real.join("index.html").is_file());
    assert!(
        names_in(site.path()).iter().all(|n| !n.starts_with('.')),
        "{:?}",
        names_in(site.path())
    );

    // A link that leads nowhere is refused, and nothing is made.
    let dangling = site.path().join("dangling");
    std::os::unix::fs::symlink(site.path().join("nowhere"), &dangling).unwrap();
    let run = build(site.path(), &dangling);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("is a symbolic link to")
            && stderr(&run).contains("which does not exist"),
        "{}",
        stderr(&run)
    );
    assert!(!site.path().join("nowhere").exists());

    // A link into the site's data is refused like the folder itself.
    let sneaky = site.path().join("sneaky");
    std::os::unix::fs::symlink(site.path().join("data"), &sneaky).unwrap();
    let run = build(site.path(), &sneaky);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("inside the site's data/ folder"),
        "{}",
        stderr(&run)
    );
    assert!(site.path().join("data/site.yaml").is_file());
}

/// `..` in a path that does not exist yet still leads where it says.
#[test]
fn an_out_through_dot_dot_into_the_inputs_is_refused() {
    let site = site_copy("small");
    let out = site.path().join("not-yet/../data/public");
    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(2));
    assert!(
        stderr(&run).contains("inside the site's data/ folder"),
        "{}",
        stderr(&run)
    );
    assert!(!site.path().join("data/public").exists());
}

/// A build killed mid-way leaves its fresh folder (and maybe the old site it moved aside)
/// beside the output, checklists and all. The next build removes them, and only them:
/// not a running build's, not a folder without cutover's marker, not another output's.
#[test]
fn the_next_build_removes_what_a_killed_build_left() {
    let site = site_copy("small");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    let leftover = |name: &str, marked: bool, file: &str| {
        let dir = site.path().join(name);
        fs::create_dir_all(dir.join("coordinators/units/physics")).unwrap();
        fs::write(dir.join(file), "71001,Ada Sample").unwrap();
        if marked {
            fs::write(dir.join(cutover::write::MARKER), "").unwrap();
        }
    };
    let csv = "coordinators/units/physics/checklist.csv";
    leftover(&format!(".public.new-{GONE}"), true, csv);
    leftover(&format!(".public.old-{GONE}"), true, csv);
    // An empty folder made into an output and moved aside carried no marker.
    fs::create_dir_all(site.path().join(format!(".public.old-{}", GONE - 1))).unwrap();
    // Kept: a build still running (this test's own process), a folder that is not
    // cutover's, another output's, and a name that is not quite ours.
    let running = format!(".public.new-{}", std::process::id());
    leftover(&running, true, csv);
    let unmarked = format!(".public.new-{}", GONE - 2);
    leftover(&unmarked, false, "notes.txt");
    let other = format!(".site.new-{GONE}");
    leftover(&other, true, csv);
    let odd = format!(".public.new-{GONE}x");
    leftover(&odd, true, csv);

    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let mut kept = vec![running, unmarked, other, odd];
    kept.sort();
    let hidden: Vec<String> = names_in(site.path())
        .into_iter()
        .filter(|n| n.starts_with('.'))
        .collect();
    assert_eq!(hidden, kept);
    assert!(out.join(csv).is_file());
}

/// `--changes` may not overwrite the site's inputs, directly or through a link, nor land
/// in the output (which the next build replaces, and which may be published); the build
/// stops before it writes anything.
#[test]
fn changes_is_guarded_like_out() {
    let site = site_copy("small");
    let out = site.path().join("public");
    let site_yaml = site.path().join("data/site.yaml");
    let before = read(&site_yaml);
    let refused = |file: &Path, says: &str| {
        let run = build_with(site.path(), &out, &["--changes", file.to_str().unwrap()]);
        assert_eq!(run.status.code(), Some(2), "{}", file.display());
        assert!(stderr(&run).contains(says), "{}", stderr(&run));
        assert!(!out.exists(), "nothing is built");
        assert_eq!(read(&site_yaml), before);
    };
    refused(&site_yaml, "--changes");
    refused(&site_yaml, "inside the site's data/ folder");
    refused(
        &site.path().join("content/changes.json"),
        "inside the site's content/ folder",
    );
    refused(
        &site.path().join("static/changes.json"),
        "inside the site's static/ folder",
    );
    refused(site.path(), "holds the site root");
    refused(&out.join("changes.json"), "inside --out");
    #[cfg(unix)]
    {
        let link = site.path().join("changes.json");
        std::os::unix::fs::symlink(&site_yaml, &link).unwrap();
        refused(&link, "inside the site's data/ folder");
        fs::remove_file(&link).unwrap();
    }
    // Beside the root's inputs, as CI writes it, it is fine.
    let report = site.path().join("changes.json");
    let run = build_with(site.path(), &out, &["--changes", report.to_str().unwrap()]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(read(&report).contains("first_build"));
}

/// The generated files of the `small` site a static file may not take: the landing page,
/// an audience's home, its calendar, a unit's checklist.
#[test]
fn a_static_file_may_not_replace_a_generated_one() {
    let site = site_copy("small");
    let out = site.path().join("public");
    assert_eq!(build(site.path(), &out).status.code(), Some(0));
    let before = tree(&out);
    let put = |rel: &str| {
        let path = site.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(&path, "static").unwrap();
    };
    // Published at the top: collides with a page under it.
    put("static/coordinators/units/physics/checklist.csv");
    // Published in every audience's folder: collides with each audience's home.
    put("static/index.html");
    // A theme's static files are published the same way.
    put("themes/default/static/timeline.ics");
    put("static/staying/index.html");
    // Not a collision: a file of its own.
    put("static/help/notes.txt");

    let run = build(site.path(), &out);
    assert_eq!(run.status.code(), Some(1), "{}", stderr(&run));
    let err = stderr(&run);
    for expected in [
        "error[invalid-data]: static/coordinators/units/physics/checklist.csv: \
            `static/coordinators/units/physics/checklist.csv` would replace \
                coordinators/units/physics/checklist.csv",
        "error[invalid-data]: static/index.html: `static/index.html` would replace \
            coordinators/index.html, index.html, moving/index.html, staying/index.html,",
        "error[invalid-data]: themes/default/static/timeline.ics: \
            `themes/default/static/timeline.ics` would replace coordinators/timeline.ics, \
                moving/timeline.ics, staying/timeline.ics,",
        "error[invalid-data]: static/staying/index.html: `static/staying/index.html` would replace \
            staying/index.html,",
    ] {
        assert!(err.contains(expected), "{expected}\n\n{err}");
    }
    assert!(!err.contains("notes.txt"), "{err}");
    assert!(tree(&out) == before, "the old site stays");

    // `check` reports them as invalid data too.
    let (run, report) = check_json(site.path());
    assert_eq!(run.status.code(), Some(1));
    let files: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-data")
        .map(|f| f["file"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"static/index.html"), "{report:#}");
    assert!(
        files.contains(&"themes/default/static/timeline.ics"),
        "{report:#}"
    );

    // So does the site `serve` renders in memory.
    let today = chrono::NaiveDate::parse_from_str(crate::TODAY, "%Y-%m-%d").unwrap();
    let err = cutover::render_site(site.path(), today, None).unwrap_err();
    let cutover::BuildError::Invalid(problems) = &err else {
        panic!("not invalid data: {err}");
    };
    let mut files: Vec<&str> = problems.iter().map(|p| p.file.as_str()).collect();
    files.sort();
    assert_eq!(
        files,
        vec![
            "static/coordinators/units/physics/checklist.csv",
            "static/index.html",
            "static/staying/index.html",
            "themes/default/static/timeline.ics",
        ]
    );
}
