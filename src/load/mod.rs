//! Reading a site root: the only place that reads input.
//!
//! Loading never stops at the first problem: each file is parsed on its own, bad values are
//! collected, and cross-file references are checked at the end (see [`validate`]). The
//! caller gets whatever could be loaded together with every problem found.

mod content;
mod data;
mod validate;
mod yaml;

use std::fs;
use std::path::Path;

use anyhow::{Context, Result, bail};
use walkdir::WalkDir;

pub use data::{is_id, parse_date};

use crate::finding::Finding;
use crate::model::Model;

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

/// Loads `root`. Only IO failures (an unreadable folder, say) are errors; problems with
/// the data are in [`Loaded::problems`].
pub fn load(root: &Path) -> Result<Loaded> {
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
    let mut complete = Complete {
        site: true,
        tranches: true,
        audiences: true,
        extensions: true,
    };

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

    for (file, path) in files_under(root, "data/units", &["yaml", "yml"])? {
        let text = read(&path)?;
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if !is_id(stem) {
            problems.push(Finding::invalid(
                "bad value",
                &file,
                None,
                format!("`{stem}` cannot be a unit id: rename the file with lowercase letters, digits and hyphens, like `physics.yaml`"),
            ));
            continue;
        }
        if let Some(unit) = data::unit(stem, &file, &text, &mut problems, &mut complete) {
            model.units.push(unit);
        }
    }

    for (file, path) in files_under(root, "content", &["md"])? {
        let text = read(&path)?;
        let relative = file.trim_start_matches("content/");
        if let Some(page) = content::page(&file, relative, &text, &mut problems) {
            model.pages.push(page);
        }
    }

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

/// Files under `root/dir` with one of `extensions`, sorted, as (`dir/...` with `/`, path).
fn files_under(
    root: &Path,
    dir: &str,
    extensions: &[&str],
) -> Result<Vec<(String, std::path::PathBuf)>> {
    let base = root.join(dir);
    if !base.is_dir() {
        return Ok(Vec::new());
    }
    let mut files = Vec::new();
    for entry in WalkDir::new(&base).sort_by_file_name() {
        let entry = entry.with_context(|| format!("listing {}", base.display()))?;
        let path = entry.path();
        let wanted = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| extensions.contains(&e));
        if !entry.file_type().is_file() || !wanted {
            continue;
        }
        let hidden = path.strip_prefix(&base).ok().is_some_and(|rel| {
            rel.components()
                .any(|c| c.as_os_str().to_string_lossy().starts_with('.'))
        });
        if hidden {
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(path);
        let file = rel
            .components()
            .map(|c| c.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        files.push((file, path.to_path_buf()));
    }
    Ok(files)
}
