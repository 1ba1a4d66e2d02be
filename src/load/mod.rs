//! Reading a site root's data and content. Every input, the theme's files too, is opened
//! through [`input`]. Each kind of data file has its module ([`site`], [`tranches`],
//! [`timeline`], [`unit`]), its raw serde types beside their conversion; the values they
//! share (ids, dates, extensions) are read by [`values`].
//!
//! Loading never stops at the first problem: each file is parsed on its own, bad values are
//! collected, and cross-file references are checked at the end (see [`validate`]). The
//! caller gets whatever could be loaded together with every problem found.

// Crate-visible for the fuzz targets (`crate::fuzzing`), which drive each loader alone.
pub(crate) mod answers;
pub(crate) mod content;
pub(crate) mod export;
pub(crate) mod fast;
pub mod input;
pub(crate) mod migration;
pub(crate) mod site;
pub(crate) mod timeline;
pub(crate) mod tranches;
pub(crate) mod unit;
pub(crate) mod validate;
mod values;
mod yaml;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use anyhow::{Result, bail};
use rayon::prelude::*;

pub use input::{Input, Root};
pub use values::{is_id, parse_date};

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
    /// The policy the units were read against: when data/migration.yaml changes, every
    /// unit file is read again, since what they may hold has changed.
    policy: Option<crate::model::Policy>,
    /// The export's rows, while its bytes and `lines_from` stay the same.
    export: Option<ExportRead>,
    /// Each answer file's rows and problems, by path, with the hash of its bytes.
    answers: HashMap<String, (blake3::Hash, answers::Answers, Vec<Finding>)>,
}

/// What reading the export gave.
struct ExportRead {
    from: crate::model::LinesFrom,
    hash: blake3::Hash,
    export: export::Export,
    problems: Vec<Finding>,
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

impl<T: Clone + Send + Default> Parsed<T> {
    /// Whether `cached` still holds for the file at `path`, or its new outcome from
    /// `parse` given the file's text. Reads nothing if the file's stamp is unchanged.
    /// A cache that forgets compares nothing, so nothing is stamped or hashed for it.
    fn refresh(
        cached: Option<&Parsed<T>>,
        root: &Root,
        (file, path): (&str, &Path),
        forget: bool,
        parse: impl FnOnce(&str, &mut Vec<Finding>, &mut Complete) -> T,
    ) -> Result<Refresh<T>> {
        let read = |path: &Path| match root.text_at(file, path)? {
            Input::Read(text) => Ok(Ok(text)),
            Input::Refused(refused) => Ok(Err(refused)),
            Input::Absent => bail!("{} was removed while it was read", path.display()),
        };
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
            let hash = Some(match &text {
                Ok(text) => blake3::hash(text.as_bytes()),
                Err(refused) => blake3::hash(refused.message.as_bytes()),
            });
            if cached.is_some_and(|p| p.hash == hash) {
                return Ok(Refresh::Restamp(stamp));
            }
            (stamp, text, hash)
        };
        let mut problems = Vec::new();
        let mut complete = Complete::all();
        let value = match text {
            Ok(text) => {
                let (text, control) = input::control(file, text);
                problems.extend(control);
                parse(&text, &mut problems, &mut complete)
            }
            Err(refused) => {
                problems.push(refused);
                complete.extensions = false;
                T::default()
            }
        };
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
            "{} has no data/ folder, so it is not a cutover site: pass --root DIR, or start one \
                with `cutover new DIR`",
            root.display()
        );
    }
    let root = Root::new(root)?;
    let mut problems = Vec::new();
    let mut model = Model::default();
    let mut complete = Complete::all();

    let site_file = "data/site.yaml";
    match yaml_text(&root, site_file, &mut problems)? {
        Some(text) => {
            let before = problems.len();
            model.site = site::site(site_file, &text, &mut problems, &mut complete);
            complete.site = problems.len() == before;
        }
        None => {
            complete.site = false;
            complete.audiences = false;
            if !problems.iter().any(|p| p.file == site_file) {
                problems.push(Finding::invalid(
                    "missing file",
                    site_file,
                    None,
                    "there is no data/site.yaml: create it with the site's title, organisation, \
                        response_deadline and audiences (`cutover new DIR` writes an example)",
                ));
            }
        }
    }
    let tranches_file = "data/tranches.yaml";
    match yaml_text(&root, tranches_file, &mut problems)? {
        Some(text) => {
            let before = problems.len();
            model.tranches =
                tranches::tranches(tranches_file, &text, &mut problems).unwrap_or_default();
            complete.tranches = problems.len() == before;
        }
        None => {
            complete.tranches = false;
            if !problems.iter().any(|p| p.file == tranches_file) {
                problems.push(Finding::invalid(
                    "missing file",
                    tranches_file,
                    None,
                    "there is no data/tranches.yaml: create it with a list of tranches (number, \
                        date, capacity)",
                ));
            }
        }
    }
    let migration_file = "data/migration.yaml";
    if let Some(text) = yaml_text(&root, migration_file, &mut problems)? {
        model.policy = migration::migration(migration_file, &text, &mut problems);
    }
    if cache.policy.as_ref() != Some(&model.policy) {
        cache.units.clear();
        if !cache.forget {
            cache.policy = Some(model.policy.clone());
        }
    }
    let timeline_file = "data/timeline.yaml";
    if let Some(text) = yaml_text(&root, timeline_file, &mut problems)? {
        model.timeline = timeline::timeline(timeline_file, &text, &mut problems);
    }

    let mut seen: std::collections::HashSet<String> = std::collections::HashSet::new();
    // Units are the files of data/units/ itself, so that an id is one file.
    let mut unit_files: std::collections::HashMap<String, String> =
        std::collections::HashMap::new();
    let mut accepted: Vec<(String, PathBuf, String)> = Vec::new();
    let before = problems.len();
    let listed = root.list("data/units", 2, &mut problems)?;
    for (rel, path) in listed {
        let file = format!("data/units/{rel}");
        if let Some(unread) = unread_unit_file(&file, &rel) {
            problems.push(unread);
            continue;
        }
        if !is_yaml(&rel) || rel.starts_with('.') || is_noise(&path) {
            continue;
        }
        let stem = rel
            .rsplit_once('.')
            .map_or(rel.as_str(), |(stem, _)| stem)
            .to_string();
        if !is_id(&stem) {
            problems.push(Finding::invalid(
                "bad value",
                &file,
                None,
                format!(
                    "`{stem}` cannot be a unit id: rename the file with lowercase letters, \
                    digits and hyphens, like `physics.yaml`"
                ),
            ));
            continue;
        }
        if let Some(first) = unit_files.insert(stem.clone(), file.clone()) {
            problems.push(Finding::invalid(
                "duplicate unit id",
                &file,
                None,
                format!("{first} and {file} are both unit `{stem}`: remove or rename one"),
            ));
            continue;
        }
        accepted.push((file, path, stem));
    }
    if problems.len() > before {
        // A unit file not read may hold extensions that groups name.
        complete.extensions = false;
    }
    // Unit files are read and parsed in parallel, one at a time for each core (as units
    // are rendered, `pipeline::run`); what they hold is taken in file order.
    let refreshed: Vec<Refresh<Option<Unit>>> = accepted
        .par_iter()
        .with_max_len(1)
        .map(|(file, path, stem)| {
            Parsed::refresh(
                cache.units.get(file),
                &root,
                (file, path),
                cache.forget,
                |text, problems, complete| {
                    problems.extend(yaml::escaped_control(file, text));
                    unit::unit(stem, file, text, &model.policy, problems, complete)
                },
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

    if let Some(from) = model.site.as_ref().and_then(|s| s.lines_from.clone()) {
        let file = format!("data/{}", from.file);
        let before = problems.len();
        lines_from(&root, &file, &from, cache, &mut problems)?;
        if problems.len() > before {
            complete.extensions = false;
        }
        if let Some(read) = &cache.export {
            export::merge(
                &file,
                &read.export,
                &from,
                &model.policy,
                &mut model.units,
                &mut problems,
                &mut model.export_differs,
            );
        }
        if cache.forget {
            cache.export = None;
        }
    } else {
        cache.export = None;
    }
    answer_files(&root, &mut model, cache, &mut problems)?;

    for (relative, path) in visible(root.list("content", usize::MAX, &mut problems)?) {
        if !relative.ends_with(".md") {
            continue;
        }
        let file = format!("content/{relative}");
        let refresh = Parsed::refresh(
            cache.pages.get(&file),
            &root,
            (&file, &path),
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

    // The theme and static files are read when the site is rendered, which only valid
    // data reaches: what cannot be read of them is told now, with the rest.
    let theme = model.site.as_ref().map_or("default", |s| s.theme.as_str());
    root.list("static", usize::MAX, &mut problems)?;
    root.list(&format!("themes/{theme}"), usize::MAX, &mut problems)?;

    validate::model(&mut model, &complete, &mut problems);
    Ok(Loaded { model, problems })
}

/// Reads the export `file` that `from` names into `cache.export`, unless its bytes and
/// `from` are as when it was last read; its problems go to `problems` either way.
fn lines_from(
    root: &Root,
    file: &str,
    from: &crate::model::LinesFrom,
    cache: &mut Cache,
    problems: &mut Vec<Finding>,
) -> Result<()> {
    let bytes = match root.bytes(file, input::MAX_EXPORT_BYTES)? {
        Input::Read(bytes) => bytes,
        Input::Absent => {
            cache.export = None;
            problems.push(Finding::invalid(
                "missing file",
                "data/site.yaml",
                Some(from.line),
                format!(
                    "`lines_from` names {file}, which is not there: put the phone database's \
                        export there, or correct `file`"
                ),
            ));
            return Ok(());
        }
        Input::Refused(refused) => {
            cache.export = None;
            problems.push(refused);
            return Ok(());
        }
    };
    let hash = blake3::hash(&bytes);
    let fresh = cache
        .export
        .as_ref()
        .is_some_and(|read| read.hash == hash && &read.from == from);
    if !fresh {
        let mut found = Vec::new();
        let export = export::read(file, &bytes, from, &mut found);
        cache.export = Some(ExportRead {
            from: from.clone(),
            hash,
            export,
            problems: found,
        });
    }
    if let Some(read) = &cache.export {
        problems.extend(read.problems.iter().cloned());
    }
    Ok(())
}

/// Reads the answer files of data/answers/ (each again only when its bytes changed) and
/// applies them to the units' lines.
fn answer_files(
    root: &Root,
    model: &mut Model,
    cache: &mut Cache,
    problems: &mut Vec<Finding>,
) -> Result<()> {
    let mut files = Vec::new();
    for (relative, path) in visible(root.list("data/answers", usize::MAX, problems)?) {
        let file = format!("data/answers/{relative}");
        if answers::is_unread_spreadsheet(&relative) {
            problems.push(Finding::invalid(
                "not a spreadsheet",
                &file,
                None,
                format!(
                    "{file} is not read: answers are .xlsx, .ods or .csv files; open it and \
                        save it as .xlsx (Excel Workbook), or remove it"
                ),
            ));
            continue;
        }
        if !answers::is_answer_file(&relative) {
            continue;
        }
        let bytes = match root.bytes_at(&file, &path, input::MAX_EXPORT_BYTES)? {
            Input::Read(bytes) => bytes,
            Input::Absent => continue,
            Input::Refused(refused) => {
                problems.push(refused);
                continue;
            }
        };
        let hash = blake3::hash(&bytes);
        if cache.answers.get(&file).is_none_or(|(h, _, _)| *h != hash) {
            let mut found = Vec::new();
            let read = answers::read(&file, &bytes, &mut found);
            cache.answers.insert(file.clone(), (hash, read, found));
        }
        files.push(file);
    }
    cache.answers.retain(|file, _| files.contains(file));
    let mut read = Vec::new();
    for file in &files {
        if let Some((_, answers, found)) = cache.answers.get(file) {
            problems.extend(found.iter().cloned());
            read.push((file.clone(), answers));
        }
    }
    answers::apply(
        &read,
        &model.policy,
        &mut model.units,
        problems,
        &mut model.answer_differs,
    );
    if cache.forget {
        cache.answers.clear();
    }
    Ok(())
}

/// The text of the YAML file `file`, or `None` if it is absent or refused (the refusal and
/// any control character it holds are in `problems`).
fn yaml_text(root: &Root, file: &str, problems: &mut Vec<Finding>) -> Result<Option<String>> {
    Ok(match root.text(file)? {
        Input::Read(text) => {
            let (text, control) = input::control(file, text);
            problems.extend(control);
            problems.extend(yaml::escaped_control(file, &text));
            Some(text)
        }
        Input::Absent => None,
        Input::Refused(refused) => {
            problems.push(refused);
            None
        }
    })
}

/// Each unit's place in `units`, by id: what the export's rows and the answers name.
fn unit_index(units: &[crate::model::Unit]) -> HashMap<String, usize> {
    units
        .iter()
        .enumerate()
        .map(|(i, u)| (u.id.clone(), i))
        .collect()
}

/// `.yaml` or `.yml`, in any case.
fn is_yaml(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.ends_with(".yaml") || lower.ends_with(".yml")
}

/// Why a YAML file in `data/units/` (at `rel` there) is not a unit file, if it is not: it
/// is in a subfolder, or hidden. Editors' files are no one's mistake, and pass unsaid.
fn unread_unit_file(file: &str, rel: &str) -> Option<Finding> {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    if !is_yaml(name) || name.starts_with(".#") {
        return None;
    }
    let why = if rel.contains('/') {
        "is in a subfolder, and unit files are read from data/units/ itself: move it up into \
            data/units/, or out of data/"
    } else if name.starts_with('.') {
        "is hidden (its name starts with a dot), so it is not read: rename it without the dot, or \
            remove it"
    } else {
        return None;
    };
    Some(Finding::invalid(
        "unit file not read",
        file,
        None,
        format!("{file} {why}"),
    ))
}

/// `files` without hidden files, files in hidden folders, and editors' files.
pub fn visible(files: Vec<(String, PathBuf)>) -> impl Iterator<Item = (String, PathBuf)> {
    files
        .into_iter()
        .filter(|(rel, path)| !rel.split('/').any(|part| part.starts_with('.')) && !is_noise(path))
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
