//! How long `serve` takes from a saved edit to the files being ready, on a synthetic site
//! of 300 units × 60 lines: one unit edited, then the site rebuilt with the caches of the
//! build before. Beside it, a full build of the same site, for scale. Then the same site
//! with every decision in an answer file (`data/answers/UNIT.csv`, 300 of them) instead
//! of the unit files: one answer file edited, and a full build.
//!
//! `cargo bench --bench rebuild`

use std::path::Path;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use criterion::{Criterion, criterion_group, criterion_main};
use cutover::{Caches, render_site, render_site_cached, synthetic};

fn rebuild(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    synthetic::write_site(root, Path::new(env!("CARGO_MANIFEST_DIR")), 300, 60, 1).unwrap();
    let today = NaiveDate::from_ymd_opt(2022, 4, 20).unwrap();
    let unit = root.join("data/units/unit-00150.yaml");
    let original = std::fs::read_to_string(&unit).unwrap();
    let edited = original.replacen("decision: stay", "decision: move", 1);

    let mut caches = Caches::default();
    render_site_cached(root, today, None, &mut caches).unwrap();
    let mut group = c.benchmark_group("300 units x 60 lines");
    group.sample_size(30);
    group.bench_function("rebuild after editing one unit", |b| {
        b.iter_custom(|n| rebuilds(n, root, today, &unit, [&original, &edited], &mut caches))
    });
    group.bench_function("full build", |b| {
        b.iter(|| render_site(root, today, None).unwrap())
    });
    group.finish();

    // The decisions moved into answer files, one a unit, as coordinators return them.
    for entry in std::fs::read_dir(root.join("data/units")).unwrap() {
        let path = entry.unwrap().path();
        let (kept, answers) = answers_of(&std::fs::read_to_string(&path).unwrap());
        let id = path.file_stem().unwrap().to_string_lossy().to_string();
        std::fs::create_dir_all(root.join("data/answers")).unwrap();
        let rows: String = answers
            .iter()
            .map(|(ext, decision)| format!("{id},{ext},{decision}\n"))
            .collect();
        std::fs::write(
            root.join(format!("data/answers/{id}.csv")),
            format!("unit,ext,decision\n{rows}"),
        )
        .unwrap();
        std::fs::write(&path, kept).unwrap();
    }
    let answer = root.join("data/answers/unit-00150.csv");
    let original = std::fs::read_to_string(&answer).unwrap();
    let edited = original.replacen(",stay\n", ",move\n", 1);
    assert_ne!(original, edited);
    let mut caches = Caches::default();
    render_site_cached(root, today, None, &mut caches).unwrap();
    let mut group = c.benchmark_group("300 units x 60 lines, decisions in 300 answer files");
    group.sample_size(30);
    group.bench_function("rebuild after editing one answer file", |b| {
        b.iter_custom(|n| rebuilds(n, root, today, &answer, [&original, &edited], &mut caches))
    });
    group.bench_function("full build", |b| {
        b.iter(|| render_site(root, today, None).unwrap())
    });
    group.finish();
}

/// `iterations` rebuilds with `caches`, each after writing `file` with the one of its two
/// texts it does not hold, as in `serve`: a save, a pause (the editor, the debounce; the last build's
/// memory is freed in the background meanwhile), then the rebuild, which alone is timed.
fn rebuilds(
    iterations: u64,
    root: &Path,
    today: NaiveDate,
    file: &Path,
    texts: [&str; 2],
    caches: &mut Caches,
) -> Duration {
    let mut total = Duration::ZERO;
    for _ in 0..iterations {
        let now = std::fs::read_to_string(file).unwrap();
        std::fs::write(file, if now == texts[0] { texts[1] } else { texts[0] }).unwrap();
        std::thread::sleep(Duration::from_millis(50));
        let start = Instant::now();
        let site = render_site_cached(root, today, None, caches).unwrap();
        total += start.elapsed();
        drop(site);
    }
    total
}

/// A synthetic unit file without its `decision:` lines, and the decisions taken out, by
/// extension.
fn answers_of(unit: &str) -> (String, Vec<(String, String)>) {
    let mut kept = String::new();
    let mut answers = Vec::new();
    let mut ext = String::new();
    for line in unit.lines() {
        if let Some(rest) = line.trim_start().strip_prefix("- ext: ") {
            ext = rest.trim_matches('"').to_string();
        }
        match line.trim_start().strip_prefix("decision: ") {
            Some(decision) => answers.push((ext.clone(), decision.to_string())),
            None => {
                kept.push_str(line);
                kept.push('\n');
            }
        }
    }
    (kept, answers)
}

criterion_group!(benches, rebuild);
criterion_main!(benches);
