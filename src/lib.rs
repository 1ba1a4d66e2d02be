//! cutover: a static site generator for migration guidance.
//!
//! It merges markdown guidance with YAML data about tranches, units and phone lines,
//! applies the migration rules, and builds one static site per audience plus a checklist
//! for every unit. The pipeline, one module a stage:
//!
//! [`load`] reads the root → [`rules`] work out statuses, placements and findings →
//! [`plan`] decides each audience's pages → [`render`] turns them into files →
//! [`write`] swaps the new site in. `check` stops after the rules and writes nothing;
//! [`serve`] keeps the site in memory and rebuilds it as files change.

// Problems travel as `Finding` values (the report needs all their fields); the paths that
// return them are cold, so boxing them would only add noise.
#![allow(clippy::result_large_err)]

pub mod changes;
pub mod finding;
pub mod links;
pub mod load;
pub mod markup;
pub mod model;
pub mod plan;
pub mod render;
pub mod report;
pub mod rules;
pub mod serve;
pub mod skeleton;
pub mod synthetic;
pub mod write;

use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::Result;
use chrono::NaiveDate;

use finding::{Finding, Severity};
use model::Model;
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
    check_cached(root, today, &mut load::Cache::default())
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

/// [`check`], and when the data is valid, the site built in memory and its links checked,
/// as `cutover check` does: it writes nothing.
pub fn check_site(root: &Path, today: NaiveDate) -> Result<Checked> {
    // The files read for the check are not parsed again for the build.
    let mut caches = Caches::default();
    let mut checked = check_cached(root, today, &mut caches.loads)?;
    if checked.is_valid() {
        match render_site_cached(root, today, None, &mut caches) {
            Ok(_) => {}
            Err(e) => match e.downcast::<InvalidData>() {
                Ok(InvalidData(problems)) => checked.built = problems,
                Err(other) => return Err(other),
            },
        }
    }
    Ok(checked)
}

/// The data is invalid: nothing was built. Carries the problems, for the caller to print.
#[derive(Debug)]
pub struct InvalidData(pub Vec<Finding>);

impl fmt::Display for InvalidData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the data has {} problem(s); nothing was built",
            self.0.len()
        )
    }
}

impl std::error::Error for InvalidData {}

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
    /// How many pages were rendered anew, not taken from the caches.
    pub fresh: usize,
    pub audiences: usize,
    /// Rule findings shown on the checklists.
    pub findings: usize,
    /// The first audience with unit checklists, whose CSV files keep each build's lines.
    pub checklists: Option<String>,
    /// Whether an audience with personal data is among those built.
    pub personal: bool,
    /// The data it was built from.
    pub checked: Checked,
}

/// What one build leaves for the next: parsed files and rendered pages. A build with
/// caches redoes only what changed, and writes exactly what a build without them would.
#[derive(Default)]
pub struct Caches {
    loads: load::Cache,
    plans: plan::Cache,
    renders: render::Cache,
    links: links::Cache,
}

/// Loads, checks and renders `root` without writing anything: every audience, or those
/// in `only`. Invalid data (or a theme that does not render) is an [`InvalidData`] error.
pub fn render_site(root: &Path, today: NaiveDate, only: Option<&[String]>) -> Result<Rendered> {
    render_site_cached(root, today, only, &mut Caches::default())
}

/// [`render_site`], reusing and refreshing `caches`.
pub fn render_site_cached(
    root: &Path,
    today: NaiveDate,
    only: Option<&[String]>,
    caches: &mut Caches,
) -> Result<Rendered> {
    let checked = check_cached(root, today, &mut caches.loads)?;
    if !checked.is_valid() {
        let mut problems = checked.problems;
        finding::sort(&mut problems);
        return Err(InvalidData(problems).into());
    }
    if let (Some(only), Some(site)) = (only, &checked.model.site) {
        let known: Vec<&str> = site.audiences.iter().map(|a| a.id.as_str()).collect();
        if let Some(unknown) = only.iter().find(|id| !known.contains(&id.as_str())) {
            anyhow::bail!(
                "--audience {unknown} is not an audience of site.yaml (audiences: {})",
                known.join(", ")
            );
        }
    }
    let theme = render::Theme::load(root, checked.model.site.as_ref())?;
    let plan = plan::plan(&checked, only, &mut caches.plans);
    let rendering =
        render::render(&plan, &theme, &checked, &mut caches.renders).map_err(InvalidData)?;
    let (mut files, fresh) = (rendering.files, rendering.fresh);
    // Each audience's folder stands alone, so the static files go into each.
    let statics: Vec<(String, std::sync::Arc<Vec<u8>>)> = theme
        .static_files(root)?
        .into_iter()
        .map(|(rel, bytes)| (rel, std::sync::Arc::new(bytes)))
        .collect();
    for target in plan.static_targets() {
        files.extend(
            statics
                .iter()
                .map(|(rel, bytes)| (format!("{target}{rel}"), bytes.clone())),
        );
    }
    // A site with a broken link is not published: each is reported with the file to correct.
    let sources: std::collections::HashMap<String, String> = plan
        .files
        .iter()
        .filter_map(|planned| match &planned.output {
            plan::Output::Html(page) => Some((
                planned.path.clone(),
                page.markdown
                    .as_ref()
                    .map(|md| md.file.clone())
                    .unwrap_or_else(|| theme.describe(page.template)),
            )),
            _ => None,
        })
        .collect();
    let broken = links::check(&files, &sources, &mut caches.links);
    if !broken.is_empty() {
        return Err(InvalidData(broken).into());
    }
    let checklists = checked
        .model
        .site
        .as_ref()
        .and_then(|s| {
            s.audiences
                .iter()
                .find(|a| a.unit_checklists && plan.audiences.contains(&a.id))
        })
        .map(|a| a.id.clone());
    let audiences = plan.audiences.len();
    let personal = checked.model.site.as_ref().is_some_and(|s| {
        s.audiences
            .iter()
            .any(|a| a.personal_data && plan.audiences.contains(&a.id))
    });
    // Freeing every view of a large site takes a while, and nobody waits for it.
    std::thread::spawn(move || drop((plan, theme)));
    Ok(Rendered {
        files,
        fresh,
        audiences,
        findings: checked.analysis.findings.len(),
        checklists,
        personal,
        checked,
    })
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
}

/// Builds every audience's site into `options.out`, atomically. Invalid data is an
/// [`InvalidData`] error and leaves the output as it was.
pub fn build(options: &BuildOptions) -> Result<Built> {
    let start = Instant::now();
    write::check_target(&options.root, &options.out)?;
    let mut site = render_site(&options.root, options.today, options.audiences.as_deref())?;
    // A site for the public says nothing of units, not even digests.
    let units = if site.personal {
        changes::unit_states(&site.checked)
    } else {
        Vec::new()
    };
    let manifest = changes::manifest(&site.files, &units);
    // Compared before the swap, while the previous build is still there.
    let previous = changes::read_manifest(&options.out);
    let report = changes::compare(previous.as_ref(), &manifest, &units, |unit| {
        match &site.checklists {
            Some(audience) => changes::read_lines(&options.out, audience, unit),
            None => Default::default(),
        }
    });
    let json = serde_json::to_vec_pretty(&manifest).map_err(anyhow::Error::from)?;
    site.files
        .push((changes::MANIFEST.to_string(), std::sync::Arc::new(json)));
    write::swap_in(&options.out, &site.files)?;
    Ok(Built {
        files: site.files.len(),
        audiences: site.audiences,
        findings: site.findings,
        millis: start.elapsed().as_millis(),
        changes: report,
    })
}
