//! Reading a site root: the only place that reads input.
//!
//! Loading never stops at the first problem: each file is parsed on its own, bad values are
//! collected, and cross-file references are checked at the end (see [`validate`]). The
//! caller gets whatever could be loaded together with every problem found.

// Crate-visible for the fuzz targets (`crate::fuzzing`), which drive each loader alone.
pub(crate) mod content;
pub(crate) mod data;
pub(crate) mod fast;
pub(crate) mod validate;
mod yaml;

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use walkdir::WalkDir;

pub use data::{is_id, parse_date};

use crate::finding::Finding;
use crate::model::{Model, Page, Unit};

/// Which parts of the data loaded whole. Checks that refer into a part that did not are
/// skipped: they would only repeat its problems, pointing elsewhere.
#[derive(Debug, Clone, Copy)]
pub struct Complete {
    /// tranches.yaml read without a problem.
    pub tranches: bool,
    /// site.yaml read without a problem.
    pub site: bool,
    /// Every audience of site.yaml read.
    pub audiences: bool,
    /// Every line's extension read.
    pub extensions: bool,
}

/// A loaded site root: the model and the invalid-data problems found on the way.
#[derive(Debug, Default)]
pub struct Loaded {
    pub model: Model,
    pub problems: Vec<Finding>,
}

/// What earlier loads made of each unit file and page, by path, with a hash of the text
/// they were made from: a file whose text is unchanged is not parsed again.
#[derive(Default)]
pub struct Cache {
    units: HashMap<String, Parsed<Option<Unit>>>,
    pages: HashMap<String, Parsed<Option<Page>>>,
    /// Keeps nothing: for a single load, which would only copy every unit into it.
    forget: bool,
}

impl Cache {
    /// A cache for one load only: outcomes are handed over, not copied.
    pub fn once() -> Cache {
        Cache {
            forget: true,
            ..Cache::default()
        }
    }
}

/// One file's outcome, replayed while its text stays the same.
#[derive(Clone)]
struct Parsed<T> {
    /// When the file was last changed, and its size: if both are as before, the file is
    /// not even read.
    stamp: Option<(std::time::SystemTime, u64)>,
    /// Of the text (`None` in a cache that forgets).
    hash: Option<blake3::Hash>,
    value: T,
    problems: Vec<Finding>,
    extensions_complete: bool,
}

/// A file's modification time and size, where the file system tells them.
fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let meta = std::fs::metadata(path).ok()?;
    Some((meta.modified().ok()?, meta.len()))
}

/// What to do with a file's cached outcome.
enum Refresh<T> {
    Keep,
    /// Touched but the same text: only the stamp is new.
    Restamp(Option<(std::time::SystemTime, u64)>),
    New(Parsed<T>),
}

impl<T: Clone + Send> Parsed<T> {
    /// Whether `cached` still holds for the file at `path`, or its new outcome from
    /// `parse` given the file's text. Reads nothing if the file's stamp is unchanged.
    /// A cache that forgets compares nothing, so nothing is stamped or hashed for it.
    fn refresh(
        cached: Option<&Parsed<T>>,
        path: &Path,
        forget: bool,
        parse: impl FnOnce(&str, &mut Vec<Finding>, &mut Complete) -> T,
    ) -> Result<Refresh<T>> {
        let (stamp, text, hash) = if forget {
            (None, read(path)?, None)
        } else {
            let stamp = stamp(path);
            // A file changed within the last moments may change again within the same
            // tick of a coarse clock, keeping its stamp: it is read and hashed whatever its
            // stamp says.
            let settled = stamp.is_some_and(|(modified, _)| {
                modified
                    .elapsed()
                    .is_ok_and(|age| age > std::time::Duration::from_secs(2))
            });
            if settled && cached.is_some_and(|p| p.stamp == stamp) {
                return Ok(Refresh::Keep);
            }
            let text = read(path)?;
            let hash = Some(blake3::hash(text.as_bytes()));
            if cached.is_some_and(|p| p.hash == hash) {
                return Ok(Refresh::Restamp(stamp));
            }
            (stamp, text, hash)
        };
        let mut problems = Vec::new();
        let mut complete = Complete::all();
        let value = parse(&text, &mut problems, &mut complete);
        Ok(Refresh::New(Parsed {
            stamp,
            hash,
            value,
            problems,
            extensions_complete: complete.extensions,
        }))
    }

    /// Brings `cache` up to date for `file` and hands over its outcome (a copy, unless
    /// the cache forgets).
    fn settle(
        cache: &mut HashMap<String, Parsed<T>>,
        forget: bool,
        file: &str,
        refresh: Refresh<T>,
    ) -> Option<Parsed<T>> {
        match refresh {
            Refresh::New(parsed) if forget => Some(parsed),
            refresh => Self::apply(cache, file, refresh).cloned(),
        }
    }

    /// Brings `cache` up to date for `file` and returns its outcome.
    fn apply<'c>(
        cache: &'c mut HashMap<String, Parsed<T>>,
        file: &str,
        refresh: Refresh<T>,
    ) -> Option<&'c Parsed<T>> {
        match refresh {
            Refresh::Keep => {}
            Refresh::Restamp(stamp) => {
                if let Some(p) = cache.get_mut(file) {
                    p.stamp = stamp;
                }
            }
            Refresh::New(parsed) => {
                cache.insert(file.to_string(), parsed);
            }
        }
        cache.get(file)
    }
}

impl Complete {
    fn all() -> Complete {
        Complete {
            site: true,
            tranches: true,
            audiences: true,
            extensions: true,
        }
    }
}

/// Loads `root`. Only IO failures (an unreadable folder, say) are errors; problems with
/// the data are in [`Loaded::problems`].
pub fn load(root: &Path) -> Result<Loaded> {
    load_cached(root, &mut Cache::once())
}

/// Loads `root`, parsing only the unit files and pages that changed since `cache` saw them.
pub fn load_cached(root: &Path, cache: &mut Cache) -> Result<Loaded> {
    if !root.is_dir() {
        bail!(
            "the site root {} is not a folder: pass --root DIR with a data/ folder in it",
            root.display()
        );
    }
    if !root.join("data").is_dir() {
        bail!(
            "{} has no data/ folder, so it is not a cutover site: pass --root DIR, or start one with `cutover new DIR`",
            root.display()
        );
    }
    let mut problems = Vec::new();
    let mut model = Model::default();
    let mut complete = Complete::all();

    let site_file = "data/site.yaml";
    match read_optional(root, site_file)? {
        Some(text) => {
            let before = problems.len();
            model.site = data::site(site_file, &text, &mut problems, &mut complete);
            complete.site = problems.len() == before;
        }
        None => problems.push(Finding::invalid(
            "missing file",
            site_file,
            None,
            "there is no data/site.yaml: create it with the site's title, organisation, response_deadline and audiences (`cutover new DIR` writes an example)",
        )),
    }
    let tranches_file = "data/tranches.yaml";
    match read_optional(root, tranches_file)? {
        Some(text) => {
            let before = problems.len();
            model.tranches =
                data::tranches(tranches_file, &text, &mut problems).unwrap_or_default();
            complete.tranches = problems.len() == before;
        }
        None => {
            complete.tranches = false;
            problems.push(Finding::invalid(
            "missing file",
            tranches_file,
            None,
            "there is no data/tranches.yaml: create it with a list of tranches (number, date, capacity)",
        ));
        }
    }
    let timeline_file = "data/timeline.yaml";
    if let Some(text) = read_optional(root, timeline_file)? {
        model.timeline = data::timeline(timeline_file, &text, &mut problems);
    }

    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Units are the files of data/units/ itself, so that an id is one file.
    let mut unit_files: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut accepted: Vec<(String, PathBuf, String)> = Vec::new();
    for (rel, path) in files_in(&root.join("data/units"), 1, Some(&["yaml", "yml"]))? {
        let file = format!("data/units/{rel}");
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        if !is_id(&stem) {
            problems.push(Finding::invalid(
                "bad value",
                &file,
                None,
                format!("`{stem}` cannot be a unit id: rename the file with lowercase letters, digits and hyphens, like `physics.yaml`"),
            ));
            complete.extensions = false;
            continue;
        }
        if let Some(first) = unit_files.insert(stem.clone(), file.clone()) {
            problems.push(Finding::invalid(
                "duplicate unit id",
                &file,
                None,
                format!("{first} and {file} are both unit `{stem}`: remove or rename one"),
            ));
            complete.extensions = false;
            continue;
        }
        accepted.push((file, path, stem));
    }
    // Unit files are read and parsed in parallel; what they hold is taken in file order.
    let refreshed: Vec<Refresh<Option<Unit>>> = accepted
        .par_iter()
        .map(|(file, path, stem)| {
            Parsed::refresh(
                cache.units.get(file),
                path,
                cache.forget,
                |text, problems, complete| data::unit(stem, file, text, problems, complete),
            )
        })
        .collect::<Result<_>>()?;
    for ((file, _, _), refresh) in accepted.into_iter().zip(refreshed) {
        if let Some(parsed) = Parsed::settle(&mut cache.units, cache.forget, &file, refresh) {
            problems.extend(parsed.problems);
            complete.extensions &= parsed.extensions_complete;
            model.units.extend(parsed.value);
        }
        seen.insert(file);
    }

    for (relative, path) in files_in(&root.join("content"), usize::MAX, Some(&["md"]))? {
        let file = format!("content/{relative}");
        let refresh = Parsed::refresh(
            cache.pages.get(&file),
            &path,
            cache.forget,
            |text, problems, _| content::page(&file, &relative, text, problems),
        )?;
        if let Some(parsed) = Parsed::settle(&mut cache.pages, cache.forget, &file, refresh) {
            problems.extend(parsed.problems);
            model.pages.extend(parsed.value);
        }
        seen.insert(file);
    }
    // Files gone since the last load are forgotten.
    cache.units.retain(|file, _| seen.contains(file));
    cache.pages.retain(|file, _| seen.contains(file));

    validate::model(&mut model, &complete, &mut problems);
    Ok(Loaded { model, problems })
}

fn read(path: &Path) -> Result<String> {
    fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

fn read_optional(root: &Path, file: &str) -> Result<Option<String>> {
    let path = root.join(file);
    if !path.exists() {
        return Ok(None);
    }
    read(&path).map(Some)
}

/// Editors' swap, backup and lock files, and hidden files: never part of a site, so
/// neither read nor watched.
pub fn is_noise(path: &Path) -> bool {
    let Some(name) = path.file_name().and_then(|n| n.to_str()) else {
        return true;
    };
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || [".swp", ".swx", ".swo", ".tmp", ".bak", ".crswap"]
            .iter()
            .any(|ext| name.ends_with(ext))
        // vim checks it can write a folder by creating `4913`.
        || name == "4913"
}

/// The files under `base` (down to `max_depth` folders, with one of `extensions` if
/// given), hidden ones left out, as (`/`-separated path relative to `base`, full path),
/// sorted.
pub fn files_in(
    base: &Path,
    max_depth: usize,
    extensions: Option<&[&str]>,
) -> Result<Vec<(String, PathBuf)>> {
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(base).max_depth(max_depth).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", base.display()))?;
        let path = entry.path();
        let wanted = extensions.is_none_or(|exts| {
            path.extension()
                .and_then(|e| e.to_str())
                .is_some_and(|e| exts.contains(&e))
        });
        if !entry.file_type().is_file() || !wanted {
            continue;
        }
        let rel: Vec<String> = path
            .strip_prefix(base)
            .unwrap_or(path)
            .components()
            .map(|c| c.as_os_str().to_string_lossy().into_owned())
            .collect();
        if rel.iter().any(|part| part.starts_with('.')) || is_noise(path) {
            continue;
        }
        files.push((rel.join("/"), path.to_path_buf()));
    }
    Ok(files)
}
