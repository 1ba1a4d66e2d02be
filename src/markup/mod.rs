//! The content language: markdown plus audience passages and data insertions.
//!
//! Passages are fenced blocks on lines of their own:
//!
//! ```text
//! ::: only coordinators
//! Seen by coordinators only.
//! :::
//! ::: except staying
//! Seen by everyone but the `staying` audience.
//! :::
//! ```
//!
//! Insertions are written `{{ name }}`. Block insertions (`tranches`, `timeline`,
//! `cannot-move`) stand alone in a paragraph; inline ones (`count NAME`, `deadline`,
//! `contact`) go anywhere in text. Neither is touched inside code spans or code blocks.
//!
//! Mistakes are [`SyntaxError`]s with the 1-based line within the body.
//!
//! The HTML that authors write in markdown is sanitised, unless site.yaml trusts them
//! (`raw_html: true`).
//!
//! One concept a file: `passages.rs` (audience passages), `insertions.rs` (`{{ }}` and
//! what each name means), `anchors.rs` (headings' ids), `links.rs` (resolving `@/`
//! links) and `html.rs` (markdown to HTML, sanitising). What more than one of them needs
//! is here: mistakes, the [`Resolver`] and the markdown parser's events.

use pulldown_cmark::{CowStr, Event, Options, Parser};

mod anchors;
mod html;
mod insertions;
mod links;
mod passages;

pub use anchors::{heading_ids, slugify};
pub use html::to_html;
pub use insertions::{Count, Insertion, NO_CONTACT};
pub use links::{resolve_link, slug_of};
pub use passages::{Passage, for_audience, passages, passages_and_mistakes};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based, within the text given.
    pub line: u32,
    pub message: String,
}

/// What the markdown needs from outside: insertions' HTML and internal links' targets.
pub trait Resolver {
    /// The HTML an insertion stands for, or why the site cannot fill it.
    fn insert(&mut self, insertion: Insertion) -> Result<String, String>;
    /// The href of an internal link `@/PATH` (given without `@/`), or what is wrong with it.
    fn link(&mut self, path: &str) -> Result<String, String>;
}

/// Markdown written outside content pages (the text of a checklist step of the
/// organisation's own, in `data/migration.yaml`), as HTML for `audience`: `@/` links
/// resolve for it, prefixed with `home` (from the page to the audience's folder); there is
/// no data to insert, so an insertion is a mistake.
pub fn text_to_html(
    text: &str,
    pages: &[crate::model::Page],
    audience: &crate::model::Audience,
    home: &str,
    sanitise: bool,
) -> Result<String, Vec<SyntaxError>> {
    struct Links<'a> {
        pages: &'a [crate::model::Page],
        audience: &'a crate::model::Audience,
        home: &'a str,
    }
    impl Resolver for Links<'_> {
        fn insert(&mut self, _: Insertion) -> Result<String, String> {
            Err(
                "`{{ ... }}` insertions belong in content pages, not in a step's text: \
                 write the words or link to a page"
                    .to_string(),
            )
        }
        fn link(&mut self, path: &str) -> Result<String, String> {
            resolve_link(path, self.pages, self.audience).map(|href| format!("{}{href}", self.home))
        }
    }
    to_html(
        text,
        &mut Links {
            pages,
            audience,
            home,
        },
        sanitise,
    )
}

/// Markdown events with their source offsets, adjacent text merged so that an insertion
/// is never split across events.
fn parse(text: &str) -> Vec<(Event<'_>, usize)> {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES;
    let mut events: Vec<(Event, usize)> = Vec::new();
    let mut pending: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(text, options).into_offset_iter() {
        match event {
            Event::Text(t) => match &mut pending {
                Some((buf, _)) => buf.push_str(&t),
                None => pending = Some((t.into_string(), range.start)),
            },
            other => {
                if let Some((buf, at)) = pending.take() {
                    events.push((Event::Text(CowStr::from(buf)), at));
                }
                events.push((other, range.start));
            }
        }
    }
    if let Some((buf, at)) = pending {
        events.push((Event::Text(CowStr::from(buf)), at));
    }
    events
}

/// A resolver with fixed answers, for the tests of every file here.
#[cfg(test)]
mod testing {
    use super::{Count, Insertion, Resolver, SyntaxError, to_html};

    pub struct Fake;

    impl Resolver for Fake {
        fn insert(&mut self, ins: Insertion) -> Result<String, String> {
            Ok(match ins {
                Insertion::Tranches => "<table></table>".into(),
                Insertion::Count(Count::Moving) => "42".into(),
                Insertion::Deadline => "14 April 2022".into(),
                Insertion::Contact => return Err("no contact".into()),
                // A theme's own markup, which the sanitiser would not let through.
                Insertion::CannotMove => {
                    "<ul style=\"columns: 2\" onclick=\"go()\"><li>Law</li></ul>".into()
                }
                other => format!("[{other:?}]"),
            })
        }

        fn link(&mut self, path: &str) -> Result<String, String> {
            match path {
                "known.md" => Ok("../known/index.html".into()),
                _ => Err(format!("no {path}")),
            }
        }
    }

    pub fn render(text: &str) -> Result<String, Vec<SyntaxError>> {
        to_html(text, &mut Fake, true)
    }
}
