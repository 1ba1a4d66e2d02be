//! Checks across files: references between units, groups, tranches, audiences and pages.
//!
//! A reference that does not resolve is reported and dropped from the model, so that the
//! rules can still run on the rest and `check` can say as much as it can.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use super::Complete;
use crate::finding::Finding;
use crate::markup::{self, Resolver};
use crate::model::{Audience, GroupKind, Model, Page, Site, Unit};
use crate::suggest;

/// Checks what `complete` says loaded whole; a reference into a part that did not would
/// only echo that part's own problems, so it is not reported.
pub fn model(model: &mut Model, complete: &Complete, problems: &mut Vec<Finding>) {
    extensions_and_groups(model, complete.extensions, problems);
    if complete.tranches {
        cohorts_and_tranches(model, problems);
    }
    if complete.audiences {
        audiences(model, problems);
    }
    pages(model, complete, problems);
    if complete.audiences {
        own_steps(model, problems);
    }
}

/// The organisation's own checklist steps: their text renders on the checklist of every
/// audience that has checklists, so its `@/` links must resolve for each.
fn own_steps(model: &Model, problems: &mut Vec<Finding>) {
    let Some(site) = &model.site else { return };
    let mut found: BTreeSet<(u32, String)> = BTreeSet::new();
    for step in &model.policy.steps {
        let crate::model::StepSpec::Own { text, line, .. } = step else {
            continue;
        };
        for audience in site.audiences.iter().filter(|a| a.unit_checklists) {
            if let Err(errors) = markup::text_to_html(text, &model.pages, audience, "", false) {
                found.extend(errors.into_iter().map(|e| (*line, e.message)));
            }
        }
    }
    for (line, message) in found {
        problems.push(Finding::invalid(
            "bad value",
            "data/migration.yaml",
            Some(line),
            format!("a step's text: {message}"),
        ));
    }
}

fn extensions_and_groups(
    model: &mut Model,
    extensions_complete: bool,
    problems: &mut Vec<Finding>,
) {
    let lines = model.units.iter().map(|u| u.lines.len()).sum();
    // Groups are taken out while `first` reads the lines.
    let mut groups: Vec<Vec<crate::model::Group>> = model
        .units
        .iter_mut()
        .map(|unit| std::mem::take(&mut unit.groups))
        .collect();
    // Fx, not SipHash: at 100,000s of lines the hashing shows. Keys borrowed, so the
    // first pass copies nothing; lines listed twice are removed after it.
    let mut first: rustc_hash::FxHashMap<&str, (usize, u32)> =
        rustc_hash::FxHashMap::with_capacity_and_hasher(lines, Default::default());
    let mut repeated = Vec::new();
    for (u, unit) in model.units.iter().enumerate() {
        for (l, line) in unit.lines.iter().enumerate() {
            match first.entry(line.ext.as_str()) {
                std::collections::hash_map::Entry::Occupied(seen) => {
                    let (first_unit, first_line) = *seen.get();
                    problems.push(
                        Finding::invalid(
                            "duplicate extension",
                            &unit.file,
                            Some(line.line),
                            format!(
                                "extension {} is already listed in {} on line {first_line}: each \
                                    extension is one line, so remove or correct one of them",
                                line.ext, model.units[first_unit].file
                            ),
                        )
                        .unit(&unit.id)
                        .exts([&line.ext]),
                    );
                    repeated.push((u, l));
                }
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert((u, line.line));
                }
            }
        }
    }
    let mut group_ids: HashMap<String, (String, u32)> = HashMap::new();
    for (u, (unit, unit_groups)) in model.units.iter().zip(&mut groups).enumerate() {
        let file = unit.file.as_str();
        unit_groups.retain_mut(|group| {
            if let Some((first_file, first)) = group_ids.get(&group.id) {
                problems.push(
                    Finding::invalid(
                        "duplicate group id",
                        file,
                        Some(group.line),
                        format!(
                            "group id `{}` is already used in {first_file} on line {first}: give \
                        this group another id",
                            group.id
                        ),
                    )
                    .group(&group.id),
                );
                return false;
            }
            group_ids.insert(group.id.clone(), (file.to_string(), group.line));
            let lines = std::mem::take(&mut group.member_lines);
            let mut kept_lines = Vec::new();
            let mut at = lines.into_iter();
            let mut seen: HashSet<String> = HashSet::new();
            let mut unknown = Vec::new();
            group.members.retain(|m| {
                let line = at.next().unwrap_or(group.line);
                if !seen.insert(m.clone()) {
                    problems.push(
                        Finding::invalid(
                            "bad value",
                            file,
                            Some(line),
                            format!(
                                "group `{}` lists extension {m} twice: list it once",
                                group.id
                            ),
                        )
                        .group(&group.id)
                        .exts([m.as_str()]),
                    );
                    return false;
                }
                let known = first.contains_key(m.as_str());
                if known {
                    kept_lines.push(line);
                } else if extensions_complete {
                    unknown.push((m.clone(), line));
                }
                known
            });
            group.member_lines = kept_lines;
            // Told once the members it could have meant are known.
            for (m, line) in unknown {
                let fix = match nearest_line(&model.units, &first, u, &group.members, &m) {
                    Some(ext) => format!("did you mean {ext}?"),
                    None => "add the line to its unit, or remove it from `members`".to_string(),
                };
                problems.push(
                    Finding::invalid(
                        "unknown extension in group",
                        file,
                        Some(line),
                        format!(
                            "group `{}` lists extension {m}, which no unit has: {fix}",
                            group.id
                        ),
                    )
                    .group(&group.id)
                    .exts([m.as_str()]),
                );
            }
            if let Some(manager) = &group.manager {
                if group.kind != GroupKind::Executive {
                    problems.push(
                        Finding::invalid(
                            "bad value",
                            file,
                            Some(group.manager_line),
                            format!(
                                "group `{}` is a {} group, and only executive groups have a \
                            `manager`: remove it or set `kind: \
                                executive`",
                                group.id,
                                group.kind.id()
                            ),
                        )
                        .group(&group.id),
                    );
                } else if !group.members.contains(manager) {
                    let fix =
                        match suggest::nearest(manager, group.members.iter().map(String::as_str)) {
                            Some(ext) => format!(
                                "did you mean {ext}? Otherwise add {manager} to \
                            `members`"
                            ),
                            None => format!("add {manager} to `members` or correct `manager`"),
                        };
                    problems.push(
                        Finding::invalid(
                            "executive manager not a member",
                            file,
                            Some(group.manager_line),
                            format!(
                                "the manager {manager} of executive group `{}` is not one of its \
                            members: {fix}",
                                group.id
                            ),
                        )
                        .group(&group.id)
                        .exts([manager.as_str()]),
                    );
                }
            }
            true
        });
    }
    drop(first);
    for (unit, unit_groups) in model.units.iter_mut().zip(groups) {
        unit.groups = unit_groups;
    }
    // Last first, so that the positions still to remove stay where they were.
    for (u, l) in repeated.into_iter().rev() {
        model.units[u].lines.remove(l);
    }
}

/// The extension a group's unknown member `written` most likely meant: one of the lines
/// of the group's unit (`here`) or of its other members' units (found through `first`,
/// each extension's unit), not already a member.
fn nearest_line<'m>(
    units: &'m [Unit],
    first: &rustc_hash::FxHashMap<&str, (usize, u32)>,
    here: usize,
    members: &[String],
    written: &str,
) -> Option<&'m str> {
    let near: BTreeSet<usize> = std::iter::once(here)
        .chain(
            members
                .iter()
                .filter_map(|m| first.get(m.as_str()).map(|&(u, _)| u)),
        )
        .collect();
    let candidates = near
        .into_iter()
        .flat_map(|u| &units[u].lines)
        .map(|l| l.ext.as_str())
        .filter(|ext| !members.iter().any(|m| m == ext));
    suggest::nearest(written, candidates)
}

fn cohorts_and_tranches(model: &mut Model, problems: &mut Vec<Finding>) {
    let numbers: HashSet<u32> = model.tranches.iter().map(|t| t.number).collect();
    let catch_all = model.tranches.iter().any(|t| t.is_catch_all());
    let named: Vec<String> = model
        .tranches
        .iter()
        .filter_map(|t| match &t.capacity {
            Some(crate::model::Capacity::PerCohort(map)) => Some(map.keys().cloned()),
            _ => None,
        })
        .flatten()
        .collect();
    for unit in &mut model.units {
        if let Some(cohort) = &unit.cohort
            && !catch_all
            && !unit.separate_teams
            && !named.contains(cohort)
        {
            let known = if named.is_empty() {
                "none".to_string()
            } else {
                named.join(", ")
            };
            let fix = match suggest::nearest(cohort, named.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `{near}`?"),
                None => "correct the cohort, or add it to a tranche's capacity map".to_string(),
            };
            problems.push(
                Finding::invalid(
                    "unknown cohort",
                    &unit.file,
                    Some(unit.cohort_line),
                    format!(
                        "no tranche takes cohort `{cohort}` (cohorts in tranches.yaml: \
                        {known}): {fix}"
                    ),
                )
                .unit(&unit.id)
                .cohort(cohort),
            );
        }
        for line in &mut unit.lines {
            if let Some(n) = line.tranche
                && !numbers.contains(&n)
            {
                problems.push(
                    Finding::invalid(
                        "unknown tranche",
                        &unit.file,
                        Some(line.tranche_line),
                        format!(
                            "`tranche: {n}` for extension {} names no tranche in \
                            tranches.yaml: use one of its numbers or remove it",
                            line.ext
                        ),
                    )
                    .unit(&unit.id)
                    .exts([&line.ext]),
                );
                line.tranche = None;
            }
        }
    }
}

fn unknown_audience(known: &[String], file: &str, line: u32, id: &str, place: &str) -> Finding {
    let fix = match suggest::nearest(id, known.iter().map(String::as_str)) {
        Some(near) => format!("did you mean `{near}`?"),
        None => "correct it or add the audience".to_string(),
    };
    Finding::invalid(
        "unknown audience",
        file,
        Some(line),
        format!(
            "audience `{id}` in {place} is not in site.yaml (audiences: {}): {fix}",
            known.join(", ")
        ),
    )
}

fn audiences(model: &mut Model, problems: &mut Vec<Finding>) {
    let Some(site) = &model.site else { return };
    let known: Vec<String> = site.audiences.iter().map(|a| a.id.clone()).collect();
    for event in &mut model.timeline {
        if let Some(list) = &mut event.audiences {
            list.retain(|id| {
                let ok = known.contains(id);
                if !ok {
                    problems.push(unknown_audience(
                        &known,
                        "data/timeline.yaml",
                        event.audiences_line,
                        id,
                        "the timeline",
                    ));
                }
                ok
            });
        }
    }
    for page in &mut model.pages {
        let lines = page.audience_lines.clone();
        if let Some(list) = &mut page.audiences {
            let mut i = 0;
            list.retain(|id| {
                let line = lines.get(i).copied().unwrap_or(1);
                i += 1;
                let ok = known.contains(id);
                if !ok {
                    problems.push(unknown_audience(
                        &known,
                        &page.file,
                        line,
                        id,
                        "the front matter",
                    ));
                }
                ok
            });
        }
    }
}

/// Every page's body must render: its passages close and name known audiences, and its
/// insertions exist. Two pages may not share an address.
fn pages(model: &mut Model, complete: &Complete, problems: &mut Vec<Finding>) {
    let mut slugs: BTreeMap<&str, &str> = BTreeMap::new();
    for page in &model.pages {
        if let Some(other) = slugs.insert(&page.slug, &page.file) {
            problems.push(Finding::invalid(
                "bad value",
                &page.file,
                None,
                format!(
                    "{other} and {} would both be the page `{}`: rename one",
                    page.file, page.slug
                ),
            ));
        }
        if page.slug.starts_with("units/") {
            problems.push(Finding::invalid(
                "bad value",
                &page.file,
                None,
                "pages under content/units/ would collide with the unit checklists: move the page \
                    elsewhere",
            ));
        }
        // Drafts are not built, so they cannot break a build.
        if let Some(site) = &model.site
            && !page.draft
        {
            body(page, &model.pages, site, complete, problems);
        }
    }
}

/// Checks a body as the renderer will see it: insertions only, links resolved for real.
struct Checker<'a> {
    pages: &'a [Page],
    audience: &'a Audience,
    has_contact: bool,
}

impl Resolver for Checker<'_> {
    fn insert(&mut self, insertion: markup::Insertion) -> Result<String, String> {
        match insertion {
            markup::Insertion::Contact if !self.has_contact => Err(markup::NO_CONTACT.to_string()),
            _ => Ok(String::new()),
        }
    }

    fn link(&mut self, path: &str) -> Result<String, String> {
        markup::resolve_link(path, self.pages, self.audience)
    }
}

/// Only what loaded whole is checked against: an unknown audience or a missing contact
/// may be an echo of a mistake in site.yaml.
fn body(
    page: &Page,
    pages: &[Page],
    site: &Site,
    complete: &Complete,
    problems: &mut Vec<Finding>,
) {
    let known: Vec<String> = site.audiences.iter().map(|a| a.id.clone()).collect();
    let at = |line: u32| page.body_line + line - 1;
    // The passages' own mistakes were reported as the page was loaded.
    let passages = &page.passages;
    let mut found: BTreeSet<(u32, String)> = BTreeSet::new();
    for p in passages.iter().filter(|_| complete.audiences) {
        for id in p.audiences.iter().filter(|id| !known.contains(id)) {
            problems.push(unknown_audience(
                &known,
                &page.file,
                at(p.open as u32 + 1),
                id,
                "a `:::` passage",
            ));
        }
    }
    // Each audience's view is checked, since links may be right for one and not another.
    for audience in site.audiences.iter().filter(|a| page.is_for(&a.id)) {
        let text = markup::for_audience(&page.body, passages, &audience.id);
        let has_contact = site.contact.is_some() || !complete.site;
        let mut checker = Checker {
            pages,
            audience,
            has_contact,
        };
        // Only its mistakes are wanted here, not clean HTML.
        if let Err(errors) = markup::to_html(&text, &mut checker, false) {
            found.extend(errors.into_iter().map(|e| (e.line, e.message)));
        }
    }
    for (line, message) in found {
        problems.push(Finding::invalid(
            "content page does not render",
            &page.file,
            Some(at(line)),
            message,
        ));
    }
}
