//! A build in-process, on synthetic institutions of 300 and 3,000 units of 60 lines: load
//! (read and parse) and rules on their own, then the whole of it with each of the
//! pipeline's outputs (`cutover::pipeline`): `check` (every file dropped once its links are
//! read), in memory (as `serve` keeps the site, without its caches), and `build` (written
//! into a tmpfs when there is one).
//!
//! `cargo bench --bench stages`

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use cutover::{load, rules, synthetic};

fn stages(c: &mut Criterion) {
    let today = NaiveDate::from_ymd_opt(2022, 4, 20).unwrap();
    let guide = Path::new(env!("CARGO_MANIFEST_DIR"));
    let shm = Path::new("/dev/shm");
    let mut group = c.benchmark_group("stages");
    group.sample_size(10);
    for units in [300, 3000] {
        let size = format!("{units}x60");
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        synthetic::write_site(root, guide, units, 60, 1).unwrap();
        let out_dir = if shm.is_dir() {
            tempfile::tempdir_in(shm).unwrap()
        } else {
            tempfile::tempdir().unwrap()
        };
        let out: PathBuf = out_dir.path().join("public");

        group.bench_with_input(BenchmarkId::new("load", &size), &root, |b, root| {
            b.iter(|| load::load(root).unwrap())
        });
        let loaded = load::load(root).unwrap();
        group.bench_with_input(
            BenchmarkId::new("rules", &size),
            &loaded.model,
            |b, model| b.iter(|| rules::analyse(model, today)),
        );
        group.bench_with_input(BenchmarkId::new("check", &size), &root, |b, root| {
            b.iter(|| cutover::check_site(root, today).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("in memory", &size), &root, |b, root| {
            b.iter(|| cutover::render_site(root, today, None).unwrap())
        });
        let options = cutover::BuildOptions {
            root: root.to_path_buf(),
            out: out.clone(),
            today,
            audiences: None,
        };
        group.bench_with_input(BenchmarkId::new("build", &size), &options, |b, options| {
            b.iter(|| cutover::build(options).unwrap())
        });
    }
    group.finish();
}

criterion_group!(benches, stages);
criterion_main!(benches);
