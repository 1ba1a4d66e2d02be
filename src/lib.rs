//! cutover: a static site generator for migration guidance.
//!
//! It merges markdown guidance with YAML data about tranches, units and phone lines,
//! applies the migration rules, and builds one static site per audience plus a checklist
//! for every unit. The pipeline, one module a stage:
//!
//! [`load`] reads the root → [`rules`] work out statuses, placements and findings →
//! [`plan`] decides each audience's pages → [`render`] turns them into files →
//! [`write`] swaps the new site in. Plan, render and the link check are one
//! [`pipeline`], whose output is a choice: `build` writes each file as it is made, `check`
//! drops it, [`serve`] keeps the site in memory and rebuilds it as files change.

// Problems travel as `Finding` values (the report needs all their fields); the paths that
// return them are cold, so boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod changes;
pub mod escape;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod links;
pub mod load;
pub mod markup;
pub mod model;
pub mod pipeline;
pub mod plan;
pub mod render;
pub mod report;
pub mod rules;
pub mod serve;
pub mod site_map;
pub mod skeleton;
pub mod suggest;
pub mod synthetic;
pub mod write;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;

use finding::{Finding, Severity};
use model::Model;
use pipeline::Output;
use rules::Analysis;

/// The data of a root with everything the rules worked out.
#[derive(Debug)]
pub struct Checked {
    pub model: Model,
    /// Invalid-data problems.
    pub problems: Vec<Finding>,
    pub analysis: Analysis,
    /// Problems of the site built from valid data: broken links, templates that fail.
    pub built: Vec<Finding>,
    pub today: NaiveDate,
}

impl Checked {
    /// Every finding, invalid data and rules together, sorted by file, line and rule.
    pub fn findings(&self) -> Vec<Finding> {
        let mut all: Vec<Finding> = self
            .problems
            .iter()
            .chain(&self.analysis.findings)
            .chain(&self.built)
            .cloned()
            .collect();
        finding::sort(&mut all);
        all
    }

    pub fn is_valid(&self) -> bool {
        self.problems.is_empty()
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.problems
            .iter()
            .chain(&self.analysis.findings)
            .chain(&self.built)
            .filter(|f| f.severity == severity)
            .count()
    }
}

/// Loads `root` and applies the rules. Errors are IO failures only.
pub fn check(root: &Path, today: NaiveDate) -> Result<Checked> {
    check_cached(root, today, &mut load::Cache::once())
}

/// [`check`], parsing only the files that changed since `cache` saw them.
pub fn check_cached(root: &Path, today: NaiveDate, cache: &mut load::Cache) -> Result<Checked> {
    let loaded = load::load_cached(root, cache)?;
    let mut analysis = rules::analyse(&loaded.model, today);
    rules::set_aside_echoes(&loaded.model, &loaded.problems, &mut analysis.findings);
    Ok(Checked {
        model: loaded.model,
        problems: loaded.problems,
        analysis,
        built: Vec::new(),
        today,
    })
}

/// [`check`], and when the data is valid, the site rendered and its links checked, as
/// `cutover check` does: it writes nothing.
pub fn check_site(root: &Path, today: NaiveDate) -> Result<Checked> {
    let mut checked = check(root, today)?;
    if checked.is_valid() {
        match make(&checked, root, None, Output::Discard, None) {
            Ok(_) => {}
            Err(BuildError::Invalid(problems)) => checked.built = problems,
            Err(BuildError::Other(e)) => return Err(e),
        }
    }
    Ok(checked)
}

/// `checked`, if its data is valid and `only` names audiences it has; else the error to
/// report.
fn buildable(checked: Checked, only: Option<&[String]>) -> Result<Checked, BuildError> {
    if !checked.is_valid() {
        let mut problems = checked.problems;
        finding::sort(&mut problems);
        return Err(BuildError::Invalid(problems));
    }
    if let (Some(only), Some(site)) = (only, &checked.model.site) {
        let known: Vec<&str> = site.audiences.iter().map(|a| a.id.as_str()).collect();
        if let Some(unknown) = only.iter().find(|id| !known.contains(&id.as_str())) {
            return Err(anyhow::anyhow!(
                "--audience {unknown} is not an audience of site.yaml (audiences: {})",
                known.join(", ")
            )
            .into());
        }
    }
    Ok(checked)
}

/// The first audience built (those of `only`, or all) with unit checklists (whose CSV
/// files keep each build's lines), and whether any built has personal data.
fn marked_audiences(checked: &Checked, only: Option<&[String]>) -> (Option<String>, bool) {
    let Some(site) = &checked.model.site else {
        return (None, false);
    };
    let checklists = site
        .audiences_built(only)
        .find(|a| a.unit_checklists)
        .map(|a| a.id.clone());
    let personal = site.audiences_built(only).any(|a| a.personal_data);
    (checklists, personal)
}

/// The site of `checked` (valid data) made by the one pipeline, with the theme `root`
/// names, into `output`.
fn make(
    checked: &Checked,
    root: &Path,
    only: Option<&[String]>,
    output: Output,
    caches: Option<&mut pipeline::Caches>,
) -> Result<pipeline::Site, BuildError> {
    let theme = render::Theme::load(root, checked.model.site.as_ref())?;
    let site = pipeline::run(checked, &theme, root, only, output, caches)?;
    // Freeing a large site's templates takes a while, and nobody waits for it.
    std::thread::spawn(move || drop(theme));
    Ok(site)
}

/// Why nothing was built. Invalid data is a value of its own, not an error to look for
/// inside another: `check` reports its findings, `build` and `serve` print them
/// ([`report::error`]).
#[derive(Debug)]
pub enum BuildError {
    /// The data (or the theme) is invalid: every problem, with the file to correct.
    Invalid(Vec<Finding>),
    /// Anything else: a file not read or written, an option that names nothing.
    Other(anyhow::Error),
}

impl From<anyhow::Error> for BuildError {
    fn from(err: anyhow::Error) -> Self {
        BuildError::Other(err)
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::Invalid(problems) => write!(
                f,
                "the data has {} problem(s); nothing was built",
                problems.len()
            ),
            BuildError::Other(err) => write!(f, "{err}"),
        }
    }
}

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub root: PathBuf,
    pub out: PathBuf,
    pub today: NaiveDate,
    /// Build just these audiences; `None`: all.
    pub audiences: Option<Vec<String>>,
}

/// A whole site, rendered in memory: every file of the output by its `/`-separated path.
#[derive(Debug)]
pub struct Rendered {
    pub files: Vec<render::File>,
    /// How many files were rendered anew, not taken from the caches.
    pub fresh: usize,
    /// The data it was built from.
    pub checked: Checked,
}

/// What one build leaves for the next: parsed files, checklists, rendered pages and the
/// links read from them. A build with caches redoes only what changed, and makes exactly
/// what a build without them would.
#[derive(Default)]
pub struct Caches {
    loads: load::Cache,
    site: pipeline::Caches,
}

/// Loads, checks and renders `root` without writing anything: every audience, or those
/// in `only`. Invalid data (or a theme that does not render) is [`BuildError::Invalid`].
pub fn render_site(
    root: &Path,
    today: NaiveDate,
    only: Option<&[String]>,
) -> Result<Rendered, BuildError> {
    let checked = buildable(check(root, today)?, only)?;
    let site = make(&checked, root, only, Output::Memory, None)?;
    Ok(in_memory(site, checked))
}

/// [`render_site`], reusing and refreshing `caches`.
pub fn render_site_cached(
    root: &Path,
    today: NaiveDate,
    only: Option<&[String]>,
    caches: &mut Caches,
) -> Result<Rendered, BuildError> {
    let checked = buildable(check_cached(root, today, &mut caches.loads)?, only)?;
    let site = make(&checked, root, only, Output::Memory, Some(&mut caches.site))?;
    Ok(in_memory(site, checked))
}

fn in_memory(site: pipeline::Site, checked: Checked) -> Rendered {
    let files = site
        .files
        .into_iter()
        .filter_map(|made| Some((made.path, made.bytes?)))
        .collect();
    Rendered {
        files,
        fresh: site.fresh,
        checked,
    }
}

/// What a build did.
#[derive(Debug)]
pub struct Built {
    pub files: usize,
    pub audiences: usize,
    pub findings: usize,
    pub millis: u128,
    /// What changed since the build that `out` held.
    pub changes: changes::Report,
    /// What the build could not do but did without, for stderr: a previous build that
    /// cannot be read.
    pub warnings: Vec<String>,
}

/// Builds every audience's site into `options.out`, atomically. Invalid data is an
/// [`BuildError::Invalid`] and leaves the output as it was.
pub fn build(options: &BuildOptions) -> Result<Built, BuildError> {
    let start = Instant::now();
    let (root, only) = (&options.root, options.audiences.as_deref());
    let out = write::check_target(root, &options.out)?;
    let checked = buildable(check(root, options.today)?, only)?;
    // Each file goes into the new folder as it is made; a failure removes the folder.
    let stage = write::Stage::new(&out)?;
    let (checklists, personal) = marked_audiences(&checked, only);
    // What the report of changes compares is worked out while the site is made: the
    // units' states and the previous build's manifest, read before the swap.
    let (site, (units, previous)) = rayon::join(
        || make(&checked, root, only, Output::Stage(&stage), None),
        || {
            // A site for the public says nothing of units, not even digests.
            let units = if personal {
                changes::unit_states(&checked)
            } else {
                Vec::new()
            };
            (units, changes::read_manifest(&out))
        },
    );
    let site = site?;
    let digests = site
        .files
        .iter()
        .filter_map(|f| f.digest.map(|d| (f.path.clone(), d)));
    let manifest = changes::manifest(digests, &units);
    // A previous build that cannot be read is compared as none, but not silently.
    let mut warnings = Vec::new();
    let previous = previous.unwrap_or_else(|warning| {
        warnings.push(warning);
        None
    });
    let report = changes::compare(
        previous.as_ref(),
        &manifest,
        &units,
        |unit| match &checklists {
            Some(audience) => changes::read_lines(&out, audience, unit).unwrap_or_else(|warning| {
                warnings.push(warning);
                Default::default()
            }),
            None => Default::default(),
        },
    );
    let json = serde_json::to_vec_pretty(&manifest).map_err(anyhow::Error::from)?;
    stage.write(changes::MANIFEST, &json)?;
    stage.commit()?;
    let built = Built {
        files: site.files.len() + 1,
        audiences: site.audiences.len(),
        findings: checked.analysis.findings.len(),
        millis: start.elapsed().as_millis(),
        changes: report,
        warnings,
    };
    // Freeing the model, the line states and the manifest of a large site takes a while
    // (half a million small values at 3,000 units), and nobody waits for it.
    std::thread::spawn(move || drop((checked, site, units, manifest)));
    Ok(built)
}
