//! The build's output and the files around it: an output reached through a symbolic link,
//! what killed builds leave beside it, where `--changes` may write, and static files that
//! would replace generated ones.

use std::fs;
use std::path::Path;

use crate::{build, site_copy, stderr};

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
