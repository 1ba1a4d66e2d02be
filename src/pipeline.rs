//! The one way a site is made, whatever becomes of it: planned, rendered, its links
//! checked, and each file handed to an [`Output`] as it is made — written to the stage
//! folder (`build`), kept in memory (`serve`), or dropped (`check`).
//!
//! Unit checklists are worked out, rendered and let go one unit at a time, both cores
//! sharing the units: a build to disk holds the model and what it wrote, never the whole
//! site. With [`Caches`] (as `serve` keeps them), a checklist, page or link reading made
//! from the same things as in the build before is reused, not made again; the bytes are
//! the same either way (`tests/integration/incremental.rs`).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use anyhow::Result;
use rayon::prelude::*;

use crate::finding::Finding;
use crate::model;
use crate::plan::{self, Planned, Planner, UnitFiles};
use crate::render::{self, Remembered, Theme};
use crate::write::Stage;
use crate::{BuildError, Checked, links};

/// What becomes of each file as it is made.
#[derive(Clone, Copy)]
pub enum Output<'a> {
    /// `build`: written to the stage folder, and its digest kept for the manifest.
    Stage(&'a Stage),
    /// `serve`: kept in memory.
    Memory,
    /// `check`: dropped once its links are read; a CSV file, which links nowhere, is not
    /// even made.
    Discard,
}

/// What one build leaves for the next, so that a save re-plans, re-renders and re-reads
/// only what changed: unit checklists, rendered files, and the links read from pages.
#[derive(Default)]
pub struct Caches {
    pub(crate) plans: plan::Cache,
    pub(crate) renders: render::Cache,
    pub(crate) links: links::Cache,
}

/// One file of the site, once made.
pub struct Made {
    /// Relative to the output folder, `/` separated.
    pub path: String,
    /// Its bytes, when the output keeps them ([`Output::Memory`]).
    pub bytes: Option<Arc<Vec<u8>>>,
    /// A blake3 hash of its bytes, when it was written ([`Output::Stage`]).
    pub digest: Option<blake3::Hash>,
    /// An HTML page's links and ids, with the file to correct when one is broken.
    page: Option<(Arc<links::Page>, String)>,
    /// What it was made from, when rendered anew for a build with caches.
    remembered: Option<Remembered>,
    /// How many bytes it has; 0 when it was not made.
    size: usize,
}

/// A whole site, made.
pub struct Site {
    pub files: Vec<Made>,
    pub audiences: Vec<String>,
    /// How many files were rendered anew, not reused from the caches.
    pub fresh: usize,
}

/// Why a file could not be made.
enum Failure {
    /// The page does not render: reported with the others.
    Invalid(Finding),
    /// Writing failed: the build stops.
    Io(anyhow::Error),
}

/// A unit's pages, made, with its row in the list of units and, for the caches, its
/// checklist.
struct UnitMade {
    summary: plan::UnitSummary,
    files: Vec<Result<Made, Failure>>,
    checklist: Option<(String, (u64, UnitFiles))>,
}

/// Makes every file of the site for `only` (or every audience) and hands each to
/// `output`. Pages that do not render, static files over generated ones, or links that
/// lead nowhere are [`BuildError::Invalid`], naming every one; a stage is then left
/// unfinished. The caches are renewed once every file is made (a page with a broken link
/// is made again only when what it is made from changes).
pub fn run(
    checked: &Checked,
    theme: &Theme,
    root: &Path,
    only: Option<&[String]>,
    output: Output,
    mut caches: Option<&mut Caches>,
) -> Result<Site, BuildError> {
    let Some(planner) = Planner::new(checked, only) else {
        return Ok(Site {
            files: Vec::new(),
            audiences: Vec::new(),
            fresh: 0,
        });
    };
    let pages = &checked.model.pages;
    let fresh = AtomicUsize::new(0);
    let mut site = {
        let earlier = caches.as_deref();
        let reuse = earlier.map(|c| c.renders.reuse(pages));
        let read = earlier.map(|c| &c.links);
        // A unit's page made by the built-in theme links only where the site map says,
        // which the tests hold good: it is not read for links (its ids are those the
        // templates write), and `check`, which keeps nothing, does not make it at all.
        // Pages whose policy steps bring links of their own are read as any other.
        let known_units = (theme.built_in("unit.html")
            && !planner.unit_pages_carry_written_links())
        .then(|| Arc::new(links::Page::known(theme.written_ids("unit.html"))));
        // A build's workbooks stream their worksheets through files beside the site
        // being written, rather than in the system's temporary folder, which may be on a
        // slower disk than the output (or not writable at all).
        let scratch = match output {
            Output::Stage(stage) => Some(stage.folder()),
            Output::Memory | Output::Discard => None,
        };
        let make_known = |planned: &Planned, known: Option<&Arc<links::Page>>| {
            // Nothing links out of a CSV or XLSX file: one not kept need not be made.
            if matches!(output, Output::Discard)
                && matches!(
                    planned.output,
                    plan::Output::Csv(_) | plan::Output::Table(_) | plan::Output::Xlsx(_)
                )
            {
                return Ok(Made::unmade(&planned.path));
            }
            if let (Some(known), Output::Discard) = (known, output) {
                let mut made = Made::unmade(&planned.path);
                made.page = Some((known.clone(), theme.describe("unit.html")));
                return Ok(made);
            }
            let (bytes, remembered) = match &reuse {
                Some(reuse) => reuse.make(planned, theme, pages),
                None => {
                    render::render_file(planned, theme, pages, scratch).map(|b| (Arc::new(b), None))
                }
            }
            .map_err(Failure::Invalid)?;
            if reuse.is_none() || remembered.is_some() {
                fresh.fetch_add(1, Ordering::Relaxed);
            }
            let source = render::source(planned, theme);
            keep(
                &planned.path,
                bytes,
                source,
                known,
                remembered,
                output,
                read,
            )
            .map_err(Failure::Io)
        };
        let make = |planned: &Planned| make_known(planned, None);

        // Each unit's checklist is worked out, its pages made, and the checklist let go
        // (unless the caches keep it); only its row in the list of units stays. One unit
        // at a time for each core (`with_max_len(1)`): rayon otherwise hands out a few
        // long runs of units, and a core that ends its own early waits for the other's.
        let units: Vec<UnitMade> = (0..planner.units())
            .into_par_iter()
            .with_max_len(1)
            .map(|u| {
                let (checklist, files) = match earlier {
                    Some(earlier) => {
                        let (print, files) = planner.unit_files_cached(u, &earlier.plans);
                        let id = checked.model.units[u].id.clone();
                        (Some((id, (print, files.clone()))), files)
                    }
                    None => (None, planner.unit_files(u)),
                };
                // The downloads first: the page gives their sizes.
                let mut made: Vec<_> = planner.unit_downloads(u, &files).iter().map(make).collect();
                let size = |name: &str| {
                    made.iter()
                        .flatten()
                        .find(|m| m.path.ends_with(name))
                        .map_or(0, |m| m.size)
                };
                let downloads = plan::Downloads {
                    xlsx: plan::file_size(size("/checklist.xlsx")),
                    csv: plan::file_size(size("/checklist.csv")),
                };
                made.extend(
                    planner
                        .unit_pages(u, &files, &downloads)
                        .iter()
                        .map(|planned| make_known(planned, known_units.as_ref())),
                );
                UnitMade {
                    summary: planner.summary(u, &files),
                    files: made,
                    checklist,
                }
            })
            .collect();
        let mut summaries = Vec::with_capacity(units.len());
        let mut checklists = Vec::new();
        let mut results = Vec::new();
        for unit in units {
            summaries.push(unit.summary);
            checklists.extend(unit.checklist);
            results.extend(unit.files);
        }
        results.par_extend(
            planner
                .pages(&summaries)
                .par_iter()
                .with_max_len(1)
                .map(make),
        );

        let audiences = planner.audiences();
        let statics = theme.static_files(root, &audiences)?;
        let replacing = {
            let made: HashSet<&str> = results
                .iter()
                .filter_map(|made| made.as_ref().ok().map(|made| made.path.as_str()))
                .collect();
            statics_replacing(&statics, &made, root, checked, &audiences)
        };
        if replacing.is_empty() {
            for (path, bytes) in statics {
                // A theme's own HTML pages have their links checked too.
                let source = path.ends_with(".html").then(|| path.clone());
                results.push(
                    keep(&path, bytes, source, None, None, output, read).map_err(Failure::Io),
                );
            }
        } else {
            results.extend(replacing.into_iter().map(|f| Err(Failure::Invalid(f))));
        }

        let files = settle(results)?;
        if let Some(caches) = caches.as_deref_mut() {
            caches.plans.renew(checklists);
        }
        Site {
            files,
            audiences,
            fresh: fresh.into_inner(),
        }
    };
    if let Some(caches) = caches {
        remember(&mut site.files, caches);
    }
    // A site with a broken link is not published: each is reported with the file to correct.
    let broken = broken_links(&site.files, &checked.model.pages);
    if !broken.is_empty() {
        return Err(BuildError::Invalid(broken));
    }
    if !matches!(output, Output::Memory) {
        for made in &mut site.files {
            made.bytes = None;
        }
    }
    Ok(site)
}

/// The files made, or every page that could not be made; a write that failed stops all.
fn settle(results: Vec<Result<Made, Failure>>) -> Result<Vec<Made>, BuildError> {
    let mut files = Vec::with_capacity(results.len());
    let mut problems = Vec::new();
    for result in results {
        match result {
            Ok(made) => files.push(made),
            Err(Failure::Invalid(finding)) => problems.push(finding),
            Err(Failure::Io(e)) => return Err(e.into()),
        }
    }
    if !problems.is_empty() {
        crate::finding::sort(&mut problems);
        return Err(BuildError::Invalid(render::fold_repeats(problems)));
    }
    Ok(files)
}

impl Made {
    /// A file whose path alone is needed (its links are not checked, nothing is kept).
    fn unmade(path: &str) -> Made {
        Made {
            path: path.to_string(),
            bytes: None,
            digest: None,
            page: None,
            remembered: None,
            size: 0,
        }
    }
}

/// Keeps in `caches`, for the next build, what each of `files` was made from and the
/// links read from it.
fn remember(files: &mut [Made], caches: &mut Caches) {
    let mut rendered = Vec::with_capacity(files.len());
    let mut read = Vec::new();
    for made in files.iter_mut() {
        let Some(bytes) = &made.bytes else { continue };
        if let Some((page, _)) = &made.page {
            read.push((made.path.clone(), (bytes.clone(), page.clone())));
        }
        rendered.push((made.path.clone(), bytes.clone(), made.remembered.take()));
    }
    caches.renders.renew(rendered);
    caches.links.renew(read);
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

/// What is kept of a file: written to the stage when the output is one; its bytes while
/// they may still be needed (in memory, or for the caches). A page is read for its links
/// unless they are `known`.
fn keep(
    path: &str,
    bytes: Arc<Vec<u8>>,
    source: Option<String>,
    known: Option<&Arc<links::Page>>,
    remembered: Option<Remembered>,
    output: Output,
    read: Option<&links::Cache>,
) -> Result<Made> {
    let page = source.map(|source| {
        let page = match (known, read) {
            (Some(known), _) => known.clone(),
            (None, Some(cache)) => cache.read(path, &bytes),
            (None, None) => Arc::new(links::Page::of(&bytes)),
        };
        (page, source)
    });
    let digest = match output {
        Output::Stage(stage) => {
            stage.write(path, &bytes)?;
            Some(blake3::hash(&bytes))
        }
        Output::Memory | Output::Discard => None,
    };
    let kept = matches!(output, Output::Memory) || read.is_some();
    Ok(Made {
        path: path.to_string(),
        size: bytes.len(),
        bytes: kept.then_some(bytes),
        digest,
        page,
        remembered,
    })
}

/// The broken links of `files`, each with the file to correct: the content page it was
/// written in (at its line, found as written there) or the template or static page that
/// holds it.
fn broken_links(files: &[Made], content: &[model::Page]) -> Vec<Finding> {
    let paths: HashSet<&str> = files.iter().map(|f| f.path.as_str()).collect();
    let pages: HashMap<&str, &links::Page> = files
        .iter()
        .filter_map(|f| f.page.as_ref().map(|(page, _)| (f.path.as_str(), &**page)))
        .collect();
    let sources: HashMap<&str, &str> = files
        .iter()
        .filter_map(|f| f.page.as_ref().map(|(_, s)| (f.path.as_str(), s.as_str())))
        .collect();
    let written: HashMap<&str, &model::Page> =
        content.iter().map(|p| (p.file.as_str(), p)).collect();
    links::broken(&pages, &paths, |page, link| {
        let Some(&source) = sources.get(page) else {
            return (page.to_string(), None);
        };
        let line = written
            .get(source)
            .and_then(|page| line_of(&page.body, page.body_line, link));
        (source.to_string(), line)
    })
}

/// The line of `body` (whose first line is `first_line` of its file) where `link` is
/// written, as a markdown link's destination or an HTML attribute's value; `None` where it
/// is not written as it was published (an `@/` link, an escaped character).
fn line_of(body: &str, first_line: u32, link: &str) -> Option<u32> {
    let written = |line: &str| {
        line.match_indices(link).any(|(at, _)| {
            let before = line[..at].chars().next_back();
            let after = line[at + link.len()..].chars().next();
            matches!(before, Some('(' | '"' | '\'' | '<' | '=' | ' '))
                && matches!(after, None | Some(')' | '"' | '\'' | '>' | ' '))
        })
    };
    let index = body.lines().position(written)?;
    first_line.checked_add(u32::try_from(index).ok()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_broken_link_is_found_where_it_is_written() {
        let body = "# Title\n\nSee [old](../old/index.html) and <a href=\"x.html#top\">x</a>.\n\
                    <img src='a.png'> [auto](<b c.html>)\n";
        assert_eq!(line_of(body, 5, "../old/index.html"), Some(7));
        assert_eq!(line_of(body, 5, "x.html#top"), Some(7));
        assert_eq!(line_of(body, 5, "a.png"), Some(8));
        assert_eq!(line_of(body, 5, "b c.html"), Some(8));
        // Only as a whole destination: `old/index.html` is part of another.
        assert_eq!(line_of(body, 5, "old/index.html"), None);
        assert_eq!(line_of(body, 5, "../new/index.html"), None);
    }
}
