//! How long `serve` takes from a saved edit to the files being ready, on a synthetic site
//! of 300 units × 60 lines: one unit edited, then the site rebuilt with the caches of the
//! build before. Beside it, a full build of the same site, for scale.
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
    let mut flip = false;
    let mut group = c.benchmark_group("300 units x 60 lines");
    group.sample_size(30);
    // As in `serve`: a save, a pause (the editor, the debounce; the last build's memory
    // is freed in the background meanwhile), then the rebuild, which alone is timed.
    group.bench_function("rebuild after editing one unit", |b| {
        b.iter_custom(|iterations| {
            let mut total = Duration::ZERO;
            for _ in 0..iterations {
                flip = !flip;
                std::fs::write(&unit, if flip { &edited } else { &original }).unwrap();
                std::thread::sleep(Duration::from_millis(50));
                let start = Instant::now();
                let site = render_site_cached(root, today, None, &mut caches).unwrap();
                total += start.elapsed();
                drop(site);
            }
            total
        })
    });
    group.bench_function("full build", |b| {
        b.iter(|| render_site(root, today, None).unwrap())
    });
    group.finish();
}

criterion_group!(benches, rebuild);
criterion_main!(benches);
