//! A site rendered file by file and let go: each file is rendered, its digest and links
//! taken, and it is written (for `build`) or dropped (for `check`) before the next. Unit
//! checklists are worked out, shown and let go one unit at a time, so a build holds the
//! model and the list of what it wrote, never the whole site.
//!
//! `serve` keeps its site in memory instead ([`crate::render_site_cached`]); both make
//! the same bytes (`tests/integration/scale.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use anyhow::Result;
use rayon::prelude::*;

use crate::finding::Finding;
use crate::plan::{Output, Planned, Planner};
use crate::render::{self, Theme};
use crate::write::Stage;
use crate::{BuildError, Checked, links};

/// What is kept of a file once it is written.
pub struct Kept {
    /// Relative to the output folder, `/` separated.
    pub path: String,
    /// A blake3 hash of its bytes, when it was written.
    pub digest: Option<blake3::Hash>,
    /// An HTML page's links and ids, with the file to correct when one is broken.
    page: Option<(links::Page, String)>,
}

/// Every file of a site, once written.
pub struct Streamed {
    pub files: Vec<Kept>,
    pub audiences: Vec<String>,
}

/// Why a file could not be made.
enum Failure {
    /// The page does not render: reported with the others.
    Invalid(Finding),
    /// Writing failed: the build stops.
    Io(anyhow::Error),
}

/// Renders every file of the site for `only` (or every audience) and hands each to
/// `stage` (when there is one). Pages that do not render, or links that lead nowhere, are
/// [`BuildError::Invalid`], naming every one; the stage is then left unfinished.
pub fn stream(
    checked: &Checked,
    theme: &Theme,
    root: &Path,
    only: Option<&[String]>,
    stage: Option<&Stage>,
) -> Result<Streamed, BuildError> {
    let Some(planner) = Planner::new(checked, only) else {
        return Ok(Streamed {
            files: Vec::new(),
            audiences: Vec::new(),
        });
    };
    let pages = &checked.model.pages;
    let make = |planned: &Planned| -> Result<Kept, Failure> {
        // Nothing links out of a CSV file: one not written (by `check`) need not be made.
        if stage.is_none() && matches!(planned.output, Output::Csv(_)) {
            return keep(&planned.path, &[], None, None).map_err(Failure::Io);
        }
        let bytes = render::render_file(planned, theme, pages).map_err(Failure::Invalid)?;
        keep(&planned.path, &bytes, render::source(planned, theme), stage).map_err(Failure::Io)
    };

    // Each unit's checklist is worked out, its pages made, and the checklist let go;
    // only its row in the list of units stays.
    let (summaries, per_unit): (Vec<_>, Vec<Vec<Result<Kept, Failure>>>) = (0..planner.units())
        .into_par_iter()
        .map(|u| {
            let files = planner.unit_files(u);
            let made = planner.unit_pages(u, &files).iter().map(make).collect();
            (planner.summary(u, &files), made)
        })
        .unzip();
    let mut results: Vec<Result<Kept, Failure>> = per_unit.into_iter().flatten().collect();
    results.par_extend(planner.pages(&summaries).par_iter().map(make));

    let audiences = planner.audiences();
    let statics = theme.static_files(root, &audiences)?;
    let replacing = {
        let made: HashSet<&str> = results
            .iter()
            .filter_map(|made| made.as_ref().ok().map(|kept| kept.path.as_str()))
            .collect();
        statics_replacing(&statics, &made, root, checked, &audiences)
    };
    if replacing.is_empty() {
        for (path, bytes) in statics {
            // A theme's own HTML pages have their links checked too.
            let source = path.ends_with(".html").then(|| path.clone());
            results.push(keep(&path, &bytes, source, stage).map_err(Failure::Io));
        }
    } else {
        results.extend(replacing.into_iter().map(|f| Err(Failure::Invalid(f))));
    }

    let mut files = Vec::new();
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(kept) => files.push(kept),
            Err(Failure::Invalid(finding)) => problems.push(finding),
            Err(Failure::Io(e)) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        crate::finding::sort(&mut problems);
        return Err(BuildError::Invalid(render::fold_repeats(problems)));
    }
    // A site with a broken link is not published: each is reported with the file to correct.
    let broken = broken_links(&files);
    if !broken.is_empty() {
        return Err(BuildError::Invalid(broken));
    }
    Ok(Streamed { files, audiences })
}

/// The static files (as [`Theme::static_files`] publishes them) that would replace a file
/// the build makes, one finding for each, naming every file of `made` it would replace.
/// `build` and `serve` both merge static files with the files they make: neither may let
/// one silently take a page's place.
pub fn statics_replacing(
    statics: &[render::File],
    made: &HashSet<&str>,
    root: &Path,
    checked: &Checked,
    audiences: &[String],
) -> Vec<Finding> {
    let theme = checked
        .model
        .site
        .as_ref()
        .map_or("default", |site| site.theme.as_str());
    let mut replaced: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    // Two static files published at one place are two copies of that path.
    let mut seen = HashSet::new();
    for (path, _) in statics
        .iter()
        .filter(|(path, _)| made.contains(path.as_str()) && seen.insert(path.as_str()))
    {
        for source in static_sources(path, root, theme, audiences) {
            replaced.entry(source).or_default().push(path);
        }
    }
    replaced
        .into_iter()
        .map(|(source, mut paths)| {
            paths.sort_unstable();
            Finding::invalid(
                "static file replaces a generated file",
                source.clone(),
                None,
                format!(
                    "`{source}` would replace {}, which the build makes: rename or move it (static \
                        files are published at the top of the output and again in every audience's \
                            folder)",
                    paths.join(", ")
                ),
            )
        })
        .collect()
}

/// The files, as the site root names them, that are published at `path`: each static
/// file is published as itself at the top and under every audience's folder, and the
/// root's `static/` replaces the theme's file by file.
fn static_sources(path: &str, root: &Path, theme: &str, audiences: &[String]) -> Vec<String> {
    let under_audience = audiences
        .iter()
        .filter_map(|audience| path.strip_prefix(audience.as_str())?.strip_prefix('/'));
    let sources: Vec<String> = std::iter::once(path)
        .chain(under_audience)
        .filter_map(|rel| {
            ["static".to_string(), format!("themes/{theme}/static")]
                .into_iter()
                .map(|folder| format!("{folder}/{rel}"))
                .find(|source| root.join(source).is_file())
                .or_else(|| {
                    render::builtin_files()
                        .any(|(builtin, _)| builtin == format!("static/{rel}"))
                        .then(|| format!("(built-in theme) static/{rel}"))
                })
        })
        .collect();
    if sources.is_empty() {
        // Not to be found where it was read from: named as published.
        return vec![path.to_string()];
    }
    sources
}

/// Takes what is kept of a file, and writes it to `stage` if there is one.
fn keep(path: &str, bytes: &[u8], source: Option<String>, stage: Option<&Stage>) -> Result<Kept> {
    let page = source.map(|source| (links::Page::of(bytes), source));
    let digest = match stage {
        Some(stage) => {
            stage.write(path, bytes)?;
            Some(blake3::hash(bytes))
        }
        None => None,
    };
    Ok(Kept {
        path: path.to_string(),
        digest,
        page,
    })
}

fn broken_links(files: &[Kept]) -> Vec<Finding> {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let pages: HashMap<&str, &links::Page> = files
        .iter()
        .filter_map(|f| f.page.as_ref().map(|(page, _)| (f.path.as_str(), page)))
        .collect();
    let sources: HashMap<&str, &str> = files
        .iter()
        .filter_map(|f| f.page.as_ref().map(|(_, s)| (f.path.as_str(), s.as_str())))
        .collect();
    links::broken(&pages, &paths, |page| {
        sources
            .get(page)
            .map_or_else(|| page.to_string(), |s| s.to_string())
    })
}
