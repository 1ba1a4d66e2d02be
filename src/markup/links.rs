//! Internal links, `@/PATH.md#anchor`: the page, and heading, they name for an audience.

use super::{for_audience, heading_ids};
use crate::model::{Audience, Page};

/// The page's place under an audience folder: `a/b.md` is `a/b`, `a/index.md` is `a`, and
/// `index.md` is the empty slug, the audience's home.
pub fn slug_of(relative: &str) -> String {
    let stem = relative.strip_suffix(".md").unwrap_or(relative);
    match stem.strip_suffix("index") {
        Some(dir) if dir.is_empty() || dir.ends_with('/') => dir.trim_end_matches('/').to_string(),
        _ => stem.to_string(),
    }
}

/// Resolves an internal link `@/PATH.md#anchor` for `audience`, to a path relative to the
/// audience's folder. Generated pages ([`crate::site_map`]) are reached by their
/// introduction's name: `index.md`, `timeline.md`, `schedule.md`, `units.md`.
pub fn resolve_link(target: &str, pages: &[Page], audience: &Audience) -> Result<String, String> {
    let (path, anchor) = match target.split_once('#') {
        Some((p, a)) => (p, format!("#{a}")),
        None => (target, String::new()),
    };
    let Some(_) = path.strip_suffix(".md") else {
        return Err(format!(
            "`@/{target}` is not a page: link to the markdown file under content/, like \
                `@/desk-phones.md`"
        ));
    };
    let slug = slug_of(path);
    let generated = crate::site_map::find(&slug);
    if let Some(g) = generated
        && crate::site_map::find_for(&slug, audience).is_none()
    {
        let lacks = match g.audiences {
            crate::site_map::Audiences::Exports => "`exports`",
            _ => "unit checklists nor `unit_dates`",
        };
        return Err(format!(
            "`@/{target}`: audience `{}` has no {lacks}: put the link in a `::: only` \
                passage for audiences that do",
            audience.id
        ));
    }
    let generated = generated.is_some();
    let page = pages.iter().find(|p| p.slug == slug && !p.draft);
    if !generated {
        match page {
            None => {
                let fix = match nearest_page(path, pages, audience) {
                    Some(near) => format!("did you mean `@/{near}{anchor}`?"),
                    None => "correct the path".to_string(),
                };
                return Err(format!(
                    "`@/{target}`: there is no page content/{path}: {fix}"
                ));
            }
            Some(p) if !p.is_for(&audience.id) => {
                return Err(format!(
                    "`@/{target}`: that page is not for audience `{}`: link to it only in a `::: \
                        only` passage for its audiences",
                    audience.id
                ));
            }
            Some(_) => {}
        }
    }
    // A heading of a content page, as the audience sees it. The generated pages' own
    // headings are not known here; an intro's are.
    if let (Some(id), Some(page)) = (anchor.strip_prefix('#'), page)
        && page.is_for(&audience.id)
        && (!generated || slug.is_empty())
    {
        let ids = heading_ids(&for_audience(&page.body, &page.passages, &audience.id));
        if !ids.iter().any(|known| known == id) {
            let known = if ids.is_empty() {
                "none".to_string()
            } else {
                ids.join(", ")
            };
            let fix = match crate::suggest::nearest(id, ids.iter().map(String::as_str)) {
                Some(near) => format!("did you mean `#{near}`?"),
                None => "correct the anchor".to_string(),
            };
            return Err(format!(
                "`@/{target}`: that page has no heading `#{id}` for audience `{}` (its anchors: \
                    {known}): {fix}",
                audience.id
            ));
        }
    }
    let page = if slug.is_empty() {
        "index.html".to_string()
    } else {
        format!("{slug}/index.html")
    };
    Ok(format!("{page}{anchor}"))
}

/// The page a link to the missing `path` most likely meant, among those `audience` can
/// be sent to, as a path under content/.
fn nearest_page<'p>(path: &str, pages: &'p [Page], audience: &Audience) -> Option<&'p str> {
    let generated = std::iter::once(crate::site_map::HOME)
        .chain(crate::site_map::MENU)
        .filter(|g| g.is_for(audience))
        .map(|g| g.intro);
    let written = pages
        .iter()
        .filter(|p| !p.draft && p.is_for(&audience.id))
        .filter_map(|p| p.file.strip_prefix("content/"));
    crate::suggest::nearest(path, generated.chain(written))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::passages;
    use crate::markup::testing::render;

    #[test]
    fn internal_links() {
        let html = render("See [this](@/known.md) and [that](https://example.org/).\n").unwrap();
        assert!(html.contains("href=\"../known/index.html\""));
        assert!(html.contains("href=\"https://example.org/\""));
        let errs = render("a\n\n[x](@/gone.md)\n").unwrap_err();
        assert_eq!((errs[0].line, errs[0].message.as_str()), (3, "no gone.md"));
    }

    fn page(slug: &str, audiences: Option<Vec<String>>) -> Page {
        Page {
            file: format!("content/{slug}.md"),
            slug: slug.into(),
            title: slug.into(),
            audiences,
            audience_lines: vec![],
            weight: 0,
            summary: None,
            draft: false,
            body: String::new(),
            body_line: 1,
            passages: vec![],
        }
    }

    #[test]
    fn links_resolve_per_audience() {
        let mut desk = page("desk-phones", None);
        desk.body =
            "## If you move\n\n::: only coordinators\n## For coordinators\n:::\n## If you stay\n"
                .into();
        desk.passages = passages(&desk.body, 1).unwrap();
        let pages = vec![desk, page("deciding", Some(vec!["coordinators".into()]))];
        let coordinators = Audience {
            id: "coordinators".into(),
            title: "C".into(),
            personal_data: true,
            unit_checklists: true,
            unit_dates: false,
            exports: false,
        };
        let staying = Audience {
            id: "staying".into(),
            title: "S".into(),
            personal_data: false,
            unit_checklists: false,
            unit_dates: false,
            exports: false,
        };
        let staff = Audience {
            id: "staff".into(),
            title: "Staff".into(),
            personal_data: false,
            unit_checklists: false,
            unit_dates: true,
            exports: false,
        };
        let exporting = Audience {
            exports: true,
            ..coordinators.clone()
        };
        let cases: [(&str, &Audience, Result<&str, &str>); 19] = [
            ("units.md", &staff, Ok("units/index.html")),
            ("exports.md", &exporting, Ok("exports/index.html")),
            (
                "exports.md",
                &coordinators,
                Err(
                    "`@/exports.md`: audience `coordinators` has no `exports`: put the link in a \
                     `::: only` passage for audiences that do",
                ),
            ),
            (
                "unit.md",
                &staff,
                Err("there is no page content/unit.md: did you mean `@/units.md`?"),
            ),
            (
                "desk-phone.md#if-you-stay",
                &staying,
                Err("there is no page content/desk-phone.md: did you mean \
                        `@/desk-phones.md#if-you-stay`?"),
            ),
            (
                "timelines.md",
                &staying,
                Err("did you mean `@/timeline.md`?"),
            ),
            // Not a page for this audience, so not offered.
            (
                "decidng.md",
                &staying,
                Err("there is no page content/decidng.md: correct the path"),
            ),
            (
                "decidng.md",
                &coordinators,
                Err("did you mean `@/deciding.md`?"),
            ),
            (
                "desk-phones.md#if-you-sty",
                &staying,
                Err("(its anchors: if-you-move, if-you-stay): did you mean `#if-you-stay`?"),
            ),
            ("desk-phones.md", &staying, Ok("desk-phones/index.html")),
            (
                "desk-phones.md#if-you-stay",
                &staying,
                Ok("desk-phones/index.html#if-you-stay"),
            ),
            ("index.md", &staying, Ok("index.html")),
            ("timeline.md", &staying, Ok("timeline/index.html")),
            ("units.md", &coordinators, Ok("units/index.html")),
            ("units.md", &staying, Err("has no unit checklists")),
            ("deciding.md", &staying, Err("not for audience `staying`")),
            (
                "nope.md",
                &staying,
                Err("there is no page content/nope.md: correct the path"),
            ),
            (
                "desk-phones.md#if-you-go",
                &staying,
                Err(
                    "no heading `#if-you-go` for audience `staying` (its anchors: if-you-move, \
                        if-you-stay)",
                ),
            ),
            (
                "desk-phones.md#for-coordinators",
                &coordinators,
                Ok("desk-phones/index.html#for-coordinators"),
            ),
        ];
        for (target, audience, want) in cases {
            match (resolve_link(target, &pages, audience), want) {
                (Ok(got), Ok(want)) => assert_eq!(got, want, "{target}"),
                (Err(got), Err(want)) => assert!(got.contains(want), "{target}: {got}"),
                (got, want) => panic!("{target}: {got:?}, wanted {want:?}"),
            }
        }
        assert!(resolve_link("desk-phones", &pages, &staying).is_err());
    }

    #[test]
    fn slugs() {
        for (path, slug) in [
            ("index.md", ""),
            ("deciding.md", "deciding"),
            ("help/index.md", "help"),
            ("help/contacts.md", "help/contacts"),
            ("reindex.md", "reindex"),
        ] {
            assert_eq!(slug_of(path), slug, "{path}");
        }
    }
}
