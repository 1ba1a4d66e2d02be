//! Themes: tera templates and static files. The default theme is built into the binary; a
//! root's `themes/NAME/templates` and `themes/NAME/static` replace its files one by one.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::Result;
use tera::{ErrorKind, Tera};

use crate::BuildError;
use crate::finding::Finding;
use crate::load::input::{self, MAX_STATIC_BYTES, MAX_TEXT_BYTES};
use crate::load::{Input, Root, visible};
use crate::model::Site;

macro_rules! builtin {
    ($($name:literal),* $(,)?) => {
        &[$(($name, include_str!(concat!("../../themes/default/templates/", $name)))),*]
    };
}

const TEMPLATES: &[(&str, &str)] = builtin!(
    "base.html",
    "landing.html",
    "home.html",
    "page.html",
    "timeline.html",
    "schedule.html",
    "units.html",
    "unit.html",
    "unit-dates.html",
    "exports.html",
    "partials/tranches.html",
    "partials/timeline.html",
    "partials/cannot-move.html",
);

const STATIC: &[(&str, &str)] = &[(
    "style.css",
    include_str!("../../themes/default/static/style.css"),
)];

/// The files under `dir` (relative to the root) with their bytes, by path relative to
/// `dir`; any that may not be read (see [`Root::list`]) make [`BuildError::Invalid`].
fn read_all(root: &Root, dir: &str, limit: u64) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let mut refused = Vec::new();
    let mut files = Vec::new();
    for (rel, path) in visible(root.list(dir, usize::MAX, &mut refused)?) {
        match root.bytes_at(&format!("{dir}/{rel}"), &path, limit)? {
            Input::Read(bytes) => files.push((rel, bytes)),
            Input::Refused(refusal) => refused.push(refusal),
            // Removed since it was listed: as if it had never been there.
            Input::Absent => {}
        }
    }
    if !refused.is_empty() {
        return Err(BuildError::Invalid(refused));
    }
    Ok(files)
}

/// The built-in theme's files, as paths under `themes/default/`, for `cutover new`.
pub fn builtin_files() -> impl Iterator<Item = (String, &'static str)> {
    let templates = TEMPLATES
        .iter()
        .map(|(n, body)| (format!("templates/{n}"), *body));
    let statics = STATIC
        .iter()
        .map(|(n, body)| (format!("static/{n}"), *body));
    templates.chain(statics)
}

/// How a built-in template's origin begins.
const BUILT_IN: &str = "(built-in theme)";

/// The templates that are whole pages; the others (base.html, partials) are shared.
const PAGE_TEMPLATES: [&str; 9] = [
    "landing.html",
    "home.html",
    "page.html",
    "timeline.html",
    "schedule.html",
    "units.html",
    "unit.html",
    "unit-dates.html",
    "exports.html",
];

/// The other templates `body` names in quotes (`{% extends "home.html" %}`, includes).
fn named<'t>(body: &str, templates: &'t BTreeMap<String, (String, String)>) -> Vec<&'t str> {
    templates
        .keys()
        .filter(|name| body.contains(&format!("\"{name}\"")) || body.contains(&format!("'{name}'")))
        .map(String::as_str)
        .collect()
}

/// For each template, a hash of every template a page made with it may use: itself, the
/// templates it names (and those they name), and every template that is not a page of its
/// own (bases, partials, components).
fn fingerprints(templates: &BTreeMap<String, (String, String)>) -> BTreeMap<String, blake3::Hash> {
    let mut shared = blake3::Hasher::new();
    for (name, (body, _)) in templates
        .iter()
        .filter(|(n, _)| !PAGE_TEMPLATES.contains(&n.as_str()))
    {
        shared.update(name.as_bytes());
        shared.update(body.as_bytes());
    }
    templates
        .keys()
        .map(|name| {
            let mut uses: BTreeSet<&str> = BTreeSet::new();
            let mut next = vec![name.as_str()];
            while let Some(t) = next.pop() {
                if uses.insert(t) {
                    next.extend(named(&templates[t].0, templates));
                }
            }
            let mut hasher = shared.clone();
            for t in uses {
                hasher.update(t.as_bytes());
                hasher.update(templates[t].0.as_bytes());
            }
            (name.clone(), hasher.finalize())
        })
        .collect()
}

const PARSE_FAILS: &str = "template does not parse";

/// What tera's `err` from adding the templates says, at the template (and line) it
/// names: one finding for each problem it reports. tera names the failing template in the
/// error's kind, or, for problems found once every template is in (an unknown filter, a
/// block no parent has), only in the text of each problem's report (`--> NAME:LINE:COL`).
/// Anything else is reported at the theme's templates folder.
fn parse_problems(
    err: &tera::Error,
    origins: &BTreeMap<String, String>,
    theme: &str,
) -> Vec<Finding> {
    let at = |template: &str, line: Option<usize>, message: String| {
        let file = origins.get(template)?;
        let line = line.and_then(|l| u32::try_from(l).ok());
        Some(Finding::invalid(PARSE_FAILS, file.clone(), line, message))
    };
    let named: Vec<Finding> = match err.kind() {
        ErrorKind::SyntaxError(report) => at(
            report.filename(),
            Some(report.span().start_line),
            format!("the template does not parse: {}", report.message()),
        )
        .into_iter()
        .collect(),
        ErrorKind::MissingParent { current: t, .. }
        | ErrorKind::CircularExtend { tpl: t, .. }
        | ErrorKind::CircularInclude { tpl: t, .. } => {
            at(t, None, err.to_string()).into_iter().collect()
        }
        ErrorKind::Msg(text) => reported_places(text)
            .into_iter()
            .filter_map(|(template, line, message)| at(template, Some(line), message.to_string()))
            .collect(),
        _ => Vec::new(),
    };
    if !named.is_empty() {
        return named;
    }
    vec![Finding::invalid(
        PARSE_FAILS,
        format!("themes/{theme}/templates"),
        None,
        format!("a template does not parse: {}", super::error_chain(err)),
    )]
}

/// The template, line and message of each problem in tera's report text: an
/// `error: MESSAGE` line followed by a `--> NAME:LINE:COLUMN` line.
fn reported_places(text: &str) -> Vec<(&str, usize, &str)> {
    let lines: Vec<&str> = text.lines().collect();
    lines
        .windows(2)
        .filter_map(|pair| {
            let message = pair[0].strip_prefix("error: ")?;
            let place = pair[1].trim_start().strip_prefix("--> ")?;
            let mut parts = place.rsplitn(3, ':');
            let (_column, line, template) = (parts.next()?, parts.next()?, parts.next()?);
            Some((template, line.parse().ok()?, message))
        })
        .collect()
}

pub struct Theme {
    pub tera: Tera,
    /// Per template: a hash of what a page made with it depends on (the template, and
    /// every template that is not a page of its own: bases, partials).
    fingerprints: BTreeMap<String, blake3::Hash>,
    /// Where each template came from, for error messages.
    origins: BTreeMap<String, String>,
    statics: Vec<(String, Vec<u8>)>,
}

impl Theme {
    /// The site's theme: built-in files, replaced by those in `root/themes/NAME/`.
    pub fn load(root: &Path, site: Option<&Site>) -> Result<Theme, BuildError> {
        let name = site.map(|s| s.theme.as_str()).unwrap_or("default");
        let dir = root.join("themes").join(name);
        if name != "default" && !dir.is_dir() {
            return Err(BuildError::Invalid(vec![Finding::invalid(
                "bad value",
                "data/site.yaml",
                site.and_then(|s| s.theme_line),
                format!(
                    "`theme: {name}` has no folder themes/{name}/: create it, or remove `theme` to \
                        use the built-in default"
                ),
            )]));
        }
        let mut templates: BTreeMap<String, (String, String)> = TEMPLATES
            .iter()
            .map(|(n, body)| (n.to_string(), (body.to_string(), format!("{BUILT_IN} {n}"))))
            .collect();
        let root = Root::new(root)?;
        let mut refused = Vec::new();
        for (rel, bytes) in read_all(&root, &format!("themes/{name}/templates"), MAX_TEXT_BYTES)? {
            let file = format!("themes/{name}/templates/{rel}");
            match input::text(&file, bytes) {
                Ok(body) => {
                    templates.insert(rel, (body, file));
                }
                Err(not_text) => refused.push(not_text),
            }
        }
        if !refused.is_empty() {
            return Err(BuildError::Invalid(refused));
        }
        let fingerprints = fingerprints(&templates);
        let mut tera = Tera::new();
        tera.autoescape_on([".html"]);
        tera.set_escape_fn(crate::escape::write_escaped);
        let origins = templates
            .iter()
            .map(|(n, (_, origin))| (n.clone(), origin.clone()))
            .collect();
        tera.add_raw_templates(
            templates
                .iter()
                .map(|(n, (body, _))| (n.as_str(), body.as_str())),
        )
        .map_err(|e| BuildError::Invalid(parse_problems(&e, &origins, name)))?;

        let mut statics: BTreeMap<String, Vec<u8>> = STATIC
            .iter()
            .map(|(n, body)| (n.to_string(), body.as_bytes().to_vec()))
            .collect();
        statics.extend(read_all(
            &root,
            &format!("themes/{name}/static"),
            MAX_STATIC_BYTES,
        )?);
        Ok(Theme {
            tera,
            fingerprints,
            origins,
            statics: statics.into_iter().collect(),
        })
    }

    /// What pages made with `template` depend on.
    pub fn fingerprint(&self, template: &str) -> blake3::Hash {
        self.fingerprints
            .get(template)
            .copied()
            .unwrap_or_else(|| blake3::hash(template.as_bytes()))
    }

    /// Whether pages made with `template` hold only what the built-in theme writes: it,
    /// and every template that is not a page of its own (bases, partials), are the
    /// built-in ones, unchanged.
    pub fn built_in(&self, template: &str) -> bool {
        let built_in = |name: &str| {
            self.origins
                .get(name)
                .is_some_and(|origin| origin.starts_with(BUILT_IN))
        };
        built_in(template)
            && self
                .origins
                .keys()
                .filter(|n| !PAGE_TEMPLATES.contains(&n.as_str()))
                .all(|n| built_in(n))
    }

    /// The elements with an id that pages made with `template` may have, from the ids
    /// written as they are in it and in the templates that are not pages: for a page whose
    /// links need no reading ([`links::Page::known`]), what a link's `#fragment` may name.
    pub fn written_ids(&self, template: &str) -> Vec<String> {
        TEMPLATES
            .iter()
            .filter(|(n, _)| *n == template || !PAGE_TEMPLATES.contains(n))
            .flat_map(|(_, body)| body.split("id=\"").skip(1))
            .filter_map(|rest| rest.split_once('"').map(|(id, _)| id))
            .filter(|id| !id.contains('{'))
            .map(str::to_string)
            .collect()
    }

    /// Where a template comes from, as error messages name it.
    pub fn describe(&self, template: &str) -> String {
        self.origins
            .get(template)
            .cloned()
            .unwrap_or_else(|| template.to_string())
    }

    /// The theme's static files and the root's `static/**` (which win), as published: at
    /// the top of the output and in each of `audiences`' folders, each of which stands
    /// alone. One copy of each file's bytes is shared by all its places.
    pub fn static_files(
        &self,
        root: &Path,
        audiences: &[String],
    ) -> Result<Vec<super::File>, BuildError> {
        let mut files: BTreeMap<String, Vec<u8>> = self.statics.iter().cloned().collect();
        files.extend(read_all(&Root::new(root)?, "static", MAX_STATIC_BYTES)?);
        let files: Vec<(String, std::sync::Arc<Vec<u8>>)> = files
            .into_iter()
            .map(|(rel, bytes)| (rel, std::sync::Arc::new(bytes)))
            .collect();
        let targets =
            std::iter::once(String::new()).chain(audiences.iter().map(|a| format!("{a}/")));
        Ok(targets
            .flat_map(|target| {
                files
                    .iter()
                    .map(move |(rel, bytes)| (format!("{target}{rel}"), bytes.clone()))
            })
            .collect())
    }
}
