//! Headings' ids: slugs, made unique on the page, the same for the rendered page and
//! for the links that check them.

use pulldown_cmark::{Event, HeadingLevel, Tag, TagEnd};

use super::parse;

/// Turns a heading's text into an id: lowercase words joined by hyphens.
pub fn slugify(text: &str) -> String {
    let mut slug = String::new();
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            slug.push(c);
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    while slug.ends_with('-') {
        slug.pop();
    }
    if slug.is_empty() {
        "section".to_string()
    } else {
        slug
    }
}

/// A heading one level down, for a body whose `#` headings give way to the page's title.
pub(super) fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// Gives headings their ids: an explicit `{#id}`, or the text slugified, made unique on
/// the page with `-1`, `-2`, ...
#[derive(Default)]
pub(super) struct Anchors {
    used: std::collections::HashSet<String>,
    /// Per base id, the next suffix to try, so repeated headings cost no rescans.
    next: std::collections::HashMap<String, usize>,
}

impl Anchors {
    /// `events` start just after the heading's start.
    pub(super) fn assign(&mut self, explicit: Option<&str>, events: &[(Event, usize)]) -> String {
        let mut text = String::new();
        for (e, _) in events {
            match e {
                Event::End(TagEnd::Heading(_)) => break,
                Event::Text(t) | Event::Code(t) => text.push_str(t),
                _ => {}
            }
        }
        let base = explicit
            .map(str::to_string)
            .unwrap_or_else(|| slugify(&text));
        let n = self.next.entry(base.clone()).or_insert(0);
        let mut unique = if *n == 0 {
            base.clone()
        } else {
            format!("{base}-{n}")
        };
        while self.used.contains(&unique) {
            *n += 1;
            unique = format!("{base}-{n}");
        }
        *n += 1;
        self.used.insert(unique.clone());
        unique
    }
}

/// The ids the headings of `text` get, as [`to_html`](super::to_html) gives them.
pub fn heading_ids(text: &str) -> Vec<String> {
    let events = parse(text);
    let mut anchors = Anchors::default();
    let mut ids = Vec::new();
    for (i, (event, _)) in events.iter().enumerate() {
        if let Event::Start(Tag::Heading { id, .. }) = event {
            ids.push(anchors.assign(id.as_deref(), &events[i + 1..]));
        }
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::testing::render;

    #[test]
    fn heading_ids_match_the_rendered_page() {
        let text =
            "## What stays\n\n## What stays\n\n### Phones {#phones}\n\n## `code` and *more*\n";
        let html = render(text).unwrap();
        for id in heading_ids(text) {
            assert!(html.contains(&format!("id=\"{id}\"")), "{id}: {html}");
        }
        assert_eq!(
            heading_ids(text),
            vec!["what-stays", "what-stays-1", "phones", "code-and-more"]
        );
    }

    #[test]
    fn headings_get_unique_anchors_and_one_h1() {
        let html = render("## What stays\n\n## What stays\n").unwrap();
        assert!(html.contains("<h2 id=\"what-stays\">"));
        assert!(html.contains("<h2 id=\"what-stays-1\">"));
        let html = render("# Top\n\n## Sub\n").unwrap();
        assert!(html.contains("<h2 id=\"top\">") && html.contains("<h3 id=\"sub\">"));
    }
}
