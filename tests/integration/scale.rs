//! Synthetic institutions: the optimised build writes, byte for byte, what the build
//! before the optimisations wrote, and the build on disk equals the site rendered in
//! memory (as `serve` does it).

use std::fmt::Write as _;

use crate::{TODAY, build, bundled, tree};

/// A synthetic site of `units` × `lines` (written by the generator the benchmarks use),
/// built: the site, and the folder holding its output at `public/`.
fn synthetic_built(
    units: usize,
    lines: usize,
    seed: u64,
) -> (tempfile::TempDir, tempfile::TempDir) {
    let site = tempfile::tempdir().unwrap();
    cutover::synthetic::write_site(site.path(), &bundled(), units, lines, seed).unwrap();
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"));
    assert!(run.status.success(), "{}", crate::stderr(&run));
    (site, out)
}

/// Every file of a build with its blake3 digest, a line each. The snapshot was taken
/// with the build before its speed work (parallel rendering, streaming to disk, the fast
/// unit reader): a change to any byte of any file shows here.
#[test]
fn synthetic_site_builds_byte_for_byte_as_before() {
    let (_site, out) = synthetic_built(40, 15, 3);
    let mut listing = String::new();
    for (path, bytes) in tree(&out.path().join("public")) {
        writeln!(listing, "{} {path}", blake3::hash(&bytes).to_hex()).unwrap();
    }
    insta::assert_snapshot!("synthetic_40x15_digests", listing);
}

/// Three pages of the same build as the digests, in full: when a digest changes, these
/// show a reviewer what changed on a checklist, its CSV and the schedule.
#[test]
fn synthetic_site_pages_read_as_before() {
    let (_site, out) = synthetic_built(40, 15, 3);
    let public = out.path().join("public");
    let read = |rel: &str| std::fs::read_to_string(public.join(rel)).unwrap();
    insta::assert_snapshot!(
        "synthetic_40x15_checklist",
        read("coordinators/units/unit-00039/index.html")
    );
    insta::assert_snapshot!(
        "synthetic_40x15_checklist_csv",
        read("coordinators/units/unit-00039/checklist.csv")
    );
    insta::assert_snapshot!(
        "synthetic_40x15_schedule",
        read("coordinators/schedule/index.html")
    );
}

/// The pipeline's outputs agree: the build writes each file to disk as it is made, `serve`
/// keeps them in memory, and both hold the same bytes.
#[test]
fn build_on_disk_equals_the_site_rendered_in_memory() {
    let (site, out) = synthetic_built(60, 20, 11);
    let today = chrono::NaiveDate::parse_from_str(TODAY, "%Y-%m-%d").unwrap();
    let rendered = cutover::render_site(site.path(), today, None).unwrap();
    let mut in_memory: Vec<(String, Vec<u8>)> = rendered
        .files
        .iter()
        .map(|(path, bytes)| (path.clone(), bytes.to_vec()))
        .collect();
    in_memory.sort();
    let on_disk: Vec<(String, Vec<u8>)> = tree(&out.path().join("public"))
        .into_iter()
        .filter(|(path, _)| path != cutover::changes::MANIFEST && path != cutover::write::MARKER)
        .collect();
    let paths = |files: &[(String, Vec<u8>)]| files.iter().map(|f| f.0.clone()).collect::<Vec<_>>();
    assert_eq!(paths(&on_disk), paths(&in_memory));
    for ((path, disk), (_, memory)) in on_disk.iter().zip(&in_memory) {
        assert!(
            disk == memory,
            "{path} differs between the build and the in-memory render"
        );
    }
}

/// The benchmarks' site with few findings is what it says: every line decided, no error,
/// a few warnings (flagged lines that stay and lose a feature), and it builds.
#[test]
fn a_synthetic_site_with_few_findings_has_no_error_and_few_warnings() {
    let site = tempfile::tempdir().unwrap();
    cutover::synthetic::write_site_with(
        site.path(),
        &bundled(),
        30,
        20,
        1,
        cutover::synthetic::Findings::Few,
    )
    .unwrap();
    let (_, report) = crate::check_json(site.path());
    let summary = &report["summary"];
    assert_eq!(summary["undecided"], 0, "{summary}");
    assert_eq!(summary["errors"], 0, "{summary}");
    let warnings = summary["warnings"].as_u64().unwrap();
    assert!(warnings > 0 && warnings < 30, "{summary}");
    let out = tempfile::tempdir().unwrap();
    let run = build(site.path(), &out.path().join("public"));
    assert!(run.status.success(), "{}", crate::stderr(&run));
}
