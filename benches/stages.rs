//! Each stage of a build in-process, on synthetic institutions of 300 and 3,000 units of
//! 60 lines: load (read and parse), rules, plan, render, write (into a tmpfs when there is
//! one), each on its own as `serve` runs them (every page in memory); and `build`, the
//! whole build as `cutover build` runs it, where plan, render and write are one streamed
//! pass (`cutover::stream`).
//!
//! `cargo bench --bench stages`

use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use cutover::{load, plan, render, rules, synthetic, write};

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
        let checked = cutover::check(root, today).unwrap();
        group.bench_with_input(BenchmarkId::new("plan", &size), &checked, |b, checked| {
            b.iter(|| plan::plan(checked, None, &mut plan::Cache::default()))
        });
        let theme = render::Theme::load(root, checked.model.site.as_ref()).unwrap();
        let planned = plan::plan(&checked, None, &mut plan::Cache::default());
        group.bench_with_input(BenchmarkId::new("render", &size), &planned, |b, planned| {
            b.iter(|| {
                render::render(planned, &theme, &checked, &mut render::Cache::default())
                    .ok()
                    .unwrap()
            })
        });
        let files = render::render(&planned, &theme, &checked, &mut render::Cache::default())
            .ok()
            .unwrap()
            .files;
        group.bench_with_input(BenchmarkId::new("write", &size), &files, |b, files| {
            b.iter(|| write::swap_in(&out, files).unwrap())
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
