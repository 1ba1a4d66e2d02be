//! What cutover refuses to read: symlinks out of the root, anything but regular files, files
//! larger than a site has, names that are not text. Each refusal is invalid data naming the
//! file, and nothing is published.

use std::fs;
use std::os::unix::fs::symlink;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::{TODAY, build, check_json, cutover, site_copy, stderr, stdout};

/// The invalid-data findings of `check --format json` over `root`, as `FILE: MESSAGE`.
fn problems(root: &Path) -> Vec<String> {
    let (out, report) = check_json(root);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "invalid-data")
        .map(|f| {
            format!(
                "{}: {}",
                f["file"].as_str().unwrap(),
                f["message"].as_str().unwrap()
            )
        })
        .collect()
}

/// A folder outside the site holding a secret, as `/etc` holds `shadow`.
fn outside() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("shadow"), "root:secret-hash:19000").unwrap();
    fs::write(
        dir.path().join("site.yaml"),
        fs::read(crate::fixtures().join("sites/small/data/site.yaml")).unwrap(),
    )
    .unwrap();
    fs::create_dir(dir.path().join("units")).unwrap();
    fs::create_dir(dir.path().join("templates")).unwrap();
    dir
}

#[test]
fn symlinks_out_of_the_root_are_refused_wherever_they_are() {
    let secret = outside();
    let s = secret.path();
    // (what to link, where in the site, the file the finding names)
    let cases: [(&Path, &str, &str); 6] = [
        (s, "static", "static"),
        (&s.join("shadow"), "static/shadow", "static/shadow"),
        (s, "content/more", "content/more"),
        (&s.join("units"), "data/units", "data/units"),
        (&s.join("site.yaml"), "data/site.yaml", "data/site.yaml"),
        (s, "themes/default", "themes/default"),
    ];
    for (target, at, named) in cases {
        let site = site_copy("small");
        let place = site.path().join(at);
        if place.is_dir() {
            fs::remove_dir_all(&place).unwrap();
        } else if place.exists() {
            fs::remove_file(&place).unwrap();
        }
        fs::create_dir_all(place.parent().unwrap()).unwrap();
        symlink(target, &place).unwrap();

        let found = problems(site.path());
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{named}: {named} leads out of the site root"))),
            "{at}: {found:#?}"
        );
        let public = site.path().join("public");
        let out = build(site.path(), &public);
        assert_eq!(out.status.code(), Some(1), "{at}: {}", stderr(&out));
        assert!(!public.exists(), "{at}: something was published");
    }
}

#[test]
fn symlinks_inside_the_root_are_followed_and_broken_ones_named() {
    let site = site_copy("small");
    let root = site.path();
    fs::create_dir_all(root.join("assets")).unwrap();
    fs::write(root.join("assets/logo.svg"), "<svg/>").unwrap();
    fs::create_dir_all(root.join("static")).unwrap();
    symlink("../assets/logo.svg", root.join("static/logo.svg")).unwrap();
    fs::create_dir_all(root.join("units-source")).unwrap();
    fs::rename(
        root.join("data/units/physics.yaml"),
        root.join("units-source/physics.yaml"),
    )
    .unwrap();
    symlink(
        "../../units-source/physics.yaml",
        root.join("data/units/physics.yaml"),
    )
    .unwrap();
    let public = root.join("public");
    let out = build(root, &public);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(fs::read(public.join("moving/logo.svg")).unwrap(), b"<svg/>");
    assert!(
        public
            .join("coordinators/units/physics/index.html")
            .exists()
    );

    symlink(
        "../../units-source/gone.yaml",
        root.join("data/units/gone.yaml"),
    )
    .unwrap();
    let found = problems(root);
    assert!(
        found.contains(
            &"data/units/gone.yaml: data/units/gone.yaml is a symlink to nothing: point \
            it at a file in the site, or remove it"
                .to_string()
        ),
        "{found:#?}"
    );
}

#[test]
fn symlinks_to_hidden_places_and_built_sites_are_refused() {
    let site = site_copy("small");
    let root = site.path();
    fs::create_dir_all(root.join(".git")).unwrap();
    fs::write(
        root.join(".git/config"),
        "[http]\n\textraheader = AUTHORIZATION: basic c2VjcmV0\n",
    )
    .unwrap();
    let public = root.join("public");
    assert!(build(root, &public).status.success());
    fs::create_dir_all(root.join("static")).unwrap();
    symlink("../.git/config", root.join("static/config")).unwrap();
    symlink("../public/coordinators", root.join("static/people")).unwrap();
    let found = problems(root);
    for (link, place) in [
        (
            "static/config",
            ".git/config in the site root, a hidden file or folder",
        ),
        (
            "static/people",
            "public/coordinators in the site root, a site cutover built",
        ),
    ] {
        assert!(
            found
                .iter()
                .any(|p| p.starts_with(&format!("{link}: {link} leads to {place}"))),
            "{link}: {found:#?}"
        );
    }
}

#[test]
fn editors_lock_files_are_not_mistakes() {
    let site = site_copy("small");
    let root = site.path();
    // Emacs marks a page being edited with a symlink to nothing.
    symlink(
        "someone@host.1234:1700000000",
        root.join("content/.#deciding.md"),
    )
    .unwrap();
    let out = build(root, &root.join("public"));
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn only_regular_files_of_a_sane_size_are_read() {
    let site = site_copy("small");
    let root = site.path();
    let timeline = root.join("data/timeline.yaml");
    fs::remove_file(&timeline).unwrap();
    let made = Command::new("mkfifo").arg(&timeline).status().unwrap();
    assert!(made.success());
    // A huge file costs nothing to make: its size is what is refused, before a byte is read.
    let big = fs::File::create(root.join("content/huge.md")).unwrap();
    big.set_len(40 * 1024 * 1024).unwrap();

    // A FIFO that nobody writes to would hang a build that opened it.
    let start = Instant::now();
    let mut child = Command::new(env!("CARGO_BIN_EXE_cutover"))
        .args(["check", "--format", "json", "--today", TODAY, "--root"])
        .arg(root)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed() > Duration::from_secs(30) {
            child.kill().unwrap();
            panic!("check hung on a named pipe");
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["message"].as_str())
        .collect();
    assert!(
        messages.iter().any(|m| m.starts_with(
            "data/timeline.yaml is a named pipe, and cutover reads only regular files"
        )),
        "{messages:#?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("content/huge.md is 40 MiB, more than the 32 MiB")),
        "{messages:#?}"
    );
}

#[test]
fn a_file_name_that_is_not_text_is_named_not_skipped() {
    use std::os::unix::ffi::OsStrExt as _;
    let site = site_copy("small");
    let odd = std::ffi::OsStr::from_bytes(b"caf\xe9\x1b[2J.yaml");
    fs::copy(
        site.path().join("data/units/own-teams.yaml"),
        site.path().join("data/units").join(odd),
    )
    .unwrap();
    let found = problems(site.path());
    assert!(
        found.iter().any(|p| p.starts_with(
            "data/units/caf\u{FFFD}\\u{1b}[2J.yaml: the name of \
                data/units/caf\u{FFFD}\\u{1b}[2J.yaml is not UTF-8 text"
        )),
        "{found:#?}"
    );
}

#[test]
fn unreadable_text_is_reported_with_the_rest_in_every_format() {
    let site = site_copy("small");
    let root = site.path();
    fs::write(
        root.join("data/units/latin1.yaml"),
        b"name: Caf\xe9\ncohort: department\n",
    )
    .unwrap();
    fs::write(
        root.join("data/units/ctl.yaml"),
        "name: \"Fake \\e[2Jerror line\"\ncohort: department\n",
    )
    .unwrap();
    let site_yaml = fs::read_to_string(root.join("data/site.yaml")).unwrap();
    fs::write(
        root.join("data/site.yaml"),
        format!("{site_yaml}colour: blue\n"),
    )
    .unwrap();
    let r = root.to_str().unwrap();

    let text = cutover(&["check", "--root", r, "--today", TODAY, "--format", "text"]);
    let github = cutover(&["check", "--root", r, "--today", TODAY, "--format", "github"]);
    for (format, out, expected) in [
        (
            "text",
            &text,
            [
                "data/units/latin1.yaml:1: ",
                "data/units/ctl.yaml:1: ",
                "data/site.yaml:",
            ],
        ),
        (
            "github",
            &github,
            [
                "file=data/units/latin1.yaml,line=1",
                "file=data/units/ctl.yaml,line=1",
                "file=data/site.yaml",
            ],
        ),
    ] {
        assert_eq!(out.status.code(), Some(1), "{format}: {}", stderr(out));
        let printed = stdout(out);
        for needle in expected {
            assert!(
                printed.contains(needle),
                "{format} lacks {needle}:\n{printed}"
            );
        }
        assert!(
            !printed.contains('\u{1b}'),
            "{format} prints a raw escape:\n{printed}"
        );
    }
    let (_, report) = check_json(root);
    let details: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["detail"].as_str())
        .collect();
    for detail in ["not UTF-8", "control character", "unknown key"] {
        assert!(details.contains(&detail), "{detail}: {details:?}");
    }
}
