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

use pulldown_cmark::{CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use crate::model::{Audience, Page};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    /// 1-based, within the text given.
    pub line: u32,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Units,
    Lines,
    Moving,
    Staying,
    Blocked,
    Undecided,
    Tranches,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Insertion {
    Tranches,
    Timeline,
    CannotMove,
    Count(Count),
    Deadline,
    Contact,
}

/// The insertions other than counts, and what can be counted, for suggestions.
const NAMES: [&str; 5] = ["tranches", "timeline", "cannot-move", "deadline", "contact"];
const COUNTS: [&str; 7] = [
    "units",
    "lines",
    "moving",
    "staying",
    "blocked",
    "undecided",
    "tranches",
];

const INSERTIONS: &str = "tranches, timeline, cannot-move (each on a line of its own), count \
    units|lines|moving|staying|blocked|undecided|tranches, deadline, contact";

impl Insertion {
    pub fn parse(name: &str) -> Result<Insertion, String> {
        let words: Vec<&str> = name.split_whitespace().collect();
        let found = match words.as_slice() {
            ["tranches"] => Insertion::Tranches,
            ["timeline"] => Insertion::Timeline,
            ["cannot-move"] => Insertion::CannotMove,
            ["deadline"] => Insertion::Deadline,
            ["contact"] => Insertion::Contact,
            ["count", what] => Insertion::Count(match *what {
                "units" => Count::Units,
                "lines" => Count::Lines,
                "moving" => Count::Moving,
                "staying" => Count::Staying,
                "blocked" => Count::Blocked,
                "undecided" => Count::Undecided,
                "tranches" => Count::Tranches,
                other => {
                    let fix = match crate::suggest::nearest(other, COUNTS) {
                        Some(near) => format!("did you mean `{{{{ count {near} }}}}`?"),
                        None => "use count units, lines, moving, staying, blocked, undecided or \
                            tranches"
                            .to_string(),
                    };
                    return Err(format!(
                        "`{{{{ count {other} }}}}` counts nothing cutover knows: {fix}"
                    ));
                }
            }),
            _ => {
                let written = words.join(" ");
                let names = NAMES
                    .iter()
                    .map(|n| n.to_string())
                    .chain(COUNTS.iter().map(|c| format!("count {c}")))
                    .collect::<Vec<_>>();
                let fix = match crate::suggest::nearest(&written, names.iter().map(String::as_str))
                {
                    Some(near) => format!("did you mean `{{{{ {near} }}}}`?"),
                    None => format!("use one of {INSERTIONS}"),
                };
                return Err(format!("unknown insertion `{{{{ {name} }}}}`: {fix}"));
            }
        };
        Ok(found)
    }

    /// Block insertions render as tables or lists and need a paragraph of their own.
    pub fn is_block(self) -> bool {
        matches!(
            self,
            Insertion::Tranches | Insertion::Timeline | Insertion::CannotMove
        )
    }
}

/// A `::: only` or `::: except` passage, by 0-based line index within the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub audiences: Vec<String>,
    pub except: bool,
    pub open: usize,
    pub close: usize,
}

impl Passage {
    pub fn shows_to(&self, audience: &str) -> bool {
        self.audiences.iter().any(|a| a == audience) != self.except
    }
}

fn fence_marker(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// Finds the passages of a body. Lines inside fenced code blocks are left alone.
/// `first_line` is the file's number for the body's first line: a message that points at
/// another line names it as the file does.
pub fn passages(body: &str, first_line: u32) -> Result<Vec<Passage>, Vec<SyntaxError>> {
    let (found, errors) = passages_and_mistakes(body, first_line);
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// [`passages`], with its mistakes beside what could be made of the body all the same, so
/// that the rest of a page can still be checked: a passage never closed runs to the end,
/// and a `:::` line that is a mistake is left as text.
pub fn passages_and_mistakes(body: &str, first_line: u32) -> (Vec<Passage>, Vec<SyntaxError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<(usize, Vec<String>, bool)> = None;
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let err = |message: String| SyntaxError {
            line: i as u32 + 1,
            message,
        };
        if let Some(marker) = fence {
            if line.trim_start().starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if let Some(marker) = fence_marker(line) {
            fence = Some(marker);
            continue;
        }
        let quoted = line
            .trim_start()
            .strip_prefix('>')
            .map(|q| q.trim_start_matches(['>', ' ']));
        if quoted.is_some_and(|q| q.starts_with(":::")) {
            errors.push(err(
                "a passage cannot start or end inside a `>` quote: put the `:::` lines outside it, \
                    around the whole quote".into(),
            ));
            continue;
        }
        let Some(rest) = line.trim().strip_prefix(":::") else {
            continue;
        };
        let words: Vec<&str> = rest.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        match (words.as_slice(), &open) {
            ([], Some((start, audiences, except))) => {
                found.push(Passage {
                    audiences: audiences.clone(),
                    except: *except,
                    open: *start,
                    close: i,
                });
                open = None;
            }
            ([], None) => errors.push(err(
                "`:::` closes a passage, but none is open: remove it, or open one with `::: only \
                    AUDIENCE`"
                    .into(),
            )),
            ([kind @ ("only" | "except"), audiences @ ..], None) => {
                if audiences.is_empty() {
                    errors.push(err(format!(
                        "`::: {kind}` names no audience: write `::: {kind} \
                        coordinators`, for example"
                    )));
                }
                open = Some((
                    i,
                    audiences.iter().map(|a| a.to_string()).collect(),
                    *kind == "except",
                ));
            }
            ([_, ..], Some((start, _, _))) => errors.push(err(format!(
                "passages cannot be nested: close the passage opened on line {} with `:::` first",
                *start as u32 + first_line
            ))),
            ([other, ..], None) => errors.push(err(format!(
                "`::: {other}` is not a passage: write `::: only AUDIENCE ...` or `::: except \
                    AUDIENCE ...`"
            ))),
        }
    }
    if let Some((start, audiences, except)) = open {
        errors.push(SyntaxError {
            line: start as u32 + 1,
            message: "this passage is never closed: add a line with `:::` where it ends".into(),
        });
        found.push(Passage {
            audiences,
            except,
            open: start,
            close: body.lines().count(),
        });
    }
    (found, errors)
}

/// The body as `audience` sees it: passage markers and other audiences' passages become
/// blank lines, so line numbers stay those of the file.
pub fn for_audience(body: &str, passages: &[Passage], audience: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut next = passages.iter().peekable();
    let mut current: Option<&Passage> = None;
    for (i, line) in body.lines().enumerate() {
        if current.is_none() && next.peek().is_some_and(|p| p.open == i) {
            current = next.next();
        }
        let keep = match current {
            Some(p) if i == p.open || i == p.close => false,
            Some(p) => p.shows_to(audience),
            None => true,
        };
        if keep {
            out.push_str(line);
        }
        out.push('\n');
        if current.is_some_and(|p| p.close == i) {
            current = None;
        }
    }
    out
}

/// Byte offsets of line starts, to turn an event's offset into a line number.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex(starts)
    }

    fn line(&self, offset: usize) -> u32 {
        self.0.partition_point(|&start| start <= offset) as u32
    }
}

/// A piece of a text event: literal text, an insertion, or a mistake in one.
enum Piece<'a> {
    Text(&'a str),
    Insert(Insertion, &'a str),
    Mistake(String),
}

/// Splits text at its insertions; every mistake in it is a piece of its own, so all of
/// them are reported.
fn split_insertions(text: &str) -> Vec<Piece<'_>> {
    let mut pieces = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{{") {
        if start > 0 {
            pieces.push(Piece::Text(&rest[..start]));
        }
        let Some(len) = rest[start + 2..].find("}}") else {
            pieces.push(Piece::Mistake(
                "`{{` is not closed: write an insertion as `{{ name }}`, or put literal braces in \
                    `code`"
                    .into(),
            ));
            return pieces;
        };
        let name = rest[start + 2..start + 2 + len].trim();
        pieces.push(match Insertion::parse(name) {
            Ok(ins) => Piece::Insert(ins, name),
            Err(message) => Piece::Mistake(message),
        });
        rest = &rest[start + 2 + len + 2..];
    }
    if !rest.is_empty() {
        pieces.push(Piece::Text(rest));
    }
    pieces
}

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

fn demote(level: HeadingLevel) -> HeadingLevel {
    match level {
        HeadingLevel::H1 => HeadingLevel::H2,
        HeadingLevel::H2 => HeadingLevel::H3,
        HeadingLevel::H3 => HeadingLevel::H4,
        HeadingLevel::H4 => HeadingLevel::H5,
        _ => HeadingLevel::H6,
    }
}

/// The mistake of inserting a contact that site.yaml does not give.
pub const NO_CONTACT: &str = "`{{ contact }}` inserts the project's contact, but site.yaml has \
    none: add `contact: EMAIL` to site.yaml";

/// What the markdown needs from outside: insertions' HTML and internal links' targets.
pub trait Resolver {
    /// The HTML an insertion stands for, or why the site cannot fill it.
    fn insert(&mut self, insertion: Insertion) -> Result<String, String>;
    /// The href of an internal link `@/PATH` (given without `@/`), or what is wrong with it.
    fn link(&mut self, path: &str) -> Result<String, String>;
}

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
    if generated.is_some_and(|g| !g.is_for(audience)) {
        return Err(format!(
            "`@/{target}`: audience `{}` has no unit checklists: put the link in a `::: \
                only` passage for audiences that do",
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

/// Gives headings their ids: an explicit `{#id}`, or the text slugified, made unique on
/// the page with `-1`, `-2`, ...
#[derive(Default)]
struct Anchors {
    used: std::collections::HashSet<String>,
    /// Per base id, the next suffix to try, so repeated headings cost no rescans.
    next: std::collections::HashMap<String, usize>,
}

impl Anchors {
    /// `events` start just after the heading's start.
    fn assign(&mut self, explicit: Option<&str>, events: &[(Event, usize)]) -> String {
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

/// The ids the headings of `text` get, as [`to_html`] gives them.
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

/// Renders markdown to HTML: tables, heading anchors, insertions and internal links through
/// `resolver`. The page's title is its only `h1`, so a body that uses `#` headings has all
/// its headings moved one level down. With `sanitise`, the author's raw HTML and links keep
/// only safe markup (see [`SANITISER`]); the insertions, from the theme's templates, are
/// kept as they are.
pub fn to_html(
    text: &str,
    resolver: &mut impl Resolver,
    sanitise: bool,
) -> Result<String, Vec<SyntaxError>> {
    let lines = LineIndex::new(text);
    let events = parse(text);
    let mut inserted = Inserted {
        held: (sanitise && needs_sanitising(&events)).then(Vec::new),
    };

    let shift = events.iter().any(|(e, _)| {
        matches!(
            e,
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            })
        )
    });
    let mut errors = Vec::new();
    let mut anchors = Anchors::default();
    let mut out: Vec<Event> = Vec::with_capacity(events.len());
    let mut in_code = false;
    let mut i = 0;
    while i < events.len() {
        let (event, offset) = &events[i];
        let line = lines.line(*offset);
        // Raw control characters were refused as the page was read; a character
        // reference (`&#27;`) still makes one.
        let made = match event {
            Event::Text(t)
            | Event::Start(Tag::Link { title: t, .. } | Tag::Image { title: t, .. }) => {
                t.chars().find(|&c| crate::load::input::is_forbidden(c))
            }
            // Raw HTML keeps its references as written, for the browser to decode.
            Event::Html(t) | Event::InlineHtml(t) => referenced_control(t),
            _ => None,
        };
        if let Some(c) = made {
            errors.push(SyntaxError {
                line,
                message: format!(
                    "a character reference on this line makes the control character U+{:04X}, \
                        which cannot be shown on a page: remove it",
                    c as u32
                ),
            });
        }
        match event {
            Event::Start(Tag::CodeBlock(_)) => in_code = true,
            Event::End(TagEnd::CodeBlock) => in_code = false,
            _ => {}
        }
        // A paragraph holding nothing but one insertion.
        if let (
            Event::Start(Tag::Paragraph),
            Some((Event::Text(t), _)),
            Some((Event::End(TagEnd::Paragraph), _)),
        ) = (event, events.get(i + 1), events.get(i + 2))
        {
            let inner = t.trim();
            if let Some(name) = inner.strip_prefix("{{").and_then(|s| s.strip_suffix("}}"))
                && !name.contains("{{")
            {
                match Insertion::parse(name.trim()) {
                    Ok(ins) if ins.is_block() => {
                        match resolver.insert(ins) {
                            Ok(html) => out.push(inserted.event(html)),
                            Err(message) => errors.push(SyntaxError { line, message }),
                        }
                        i += 3;
                        continue;
                    }
                    Ok(_) => {}
                    Err(message) => {
                        errors.push(SyntaxError { line, message });
                        i += 3;
                        continue;
                    }
                }
            }
        }
        match event {
            Event::Text(t) if !in_code && t.contains("{{") => {
                for piece in split_insertions(t) {
                    match piece {
                        Piece::Text(s) => out.push(Event::Text(CowStr::from(s.to_string()))),
                        Piece::Insert(ins, name) if ins.is_block() => errors.push(SyntaxError {
                            line,
                            message: format!(
                                "`{{{{ {name} }}}}` inserts a table or list: put it on a line of \
                                    its own, with blank lines around it"
                            ),
                        }),
                        Piece::Insert(ins, _) => match resolver.insert(ins) {
                            Ok(html) => out.push(inserted.event(html)),
                            Err(message) => errors.push(SyntaxError { line, message }),
                        },
                        Piece::Mistake(message) => errors.push(SyntaxError { line, message }),
                    }
                }
            }
            Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }) if dest_url.starts_with("@/") => {
                let href = resolver.link(&dest_url[2..]).unwrap_or_else(|message| {
                    errors.push(SyntaxError { line, message });
                    dest_url.to_string()
                });
                out.push(Event::Start(Tag::Link {
                    link_type: *link_type,
                    dest_url: CowStr::from(href),
                    title: title.clone(),
                    id: id.clone(),
                }));
            }
            Event::Start(Tag::Heading {
                level,
                id,
                classes,
                attrs,
            }) => {
                let unique = anchors.assign(id.as_deref(), &events[i + 1..]);
                out.push(Event::Start(Tag::Heading {
                    level: if shift { demote(*level) } else { *level },
                    id: Some(CowStr::from(unique)),
                    classes: classes.clone(),
                    attrs: attrs.clone(),
                }));
            }
            Event::End(TagEnd::Heading(level)) => {
                out.push(Event::End(TagEnd::Heading(if shift {
                    demote(*level)
                } else {
                    *level
                })));
            }
            other => out.push(other.clone()),
        }
        i += 1;
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut html = String::with_capacity(text.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, out.into_iter());
    Ok(match inserted.held {
        Some(held) => restore(&SANITISER.clean(&html).to_string(), &held),
        None => html,
    })
}

/// The first control character that a numeric character reference in `html` (`&#27;`,
/// `&#x1b`) makes.
fn referenced_control(html: &str) -> Option<char> {
    html.match_indices("&#").find_map(|(at, _)| {
        let rest = &html[at + 2..];
        let (digits, radix) = match rest.strip_prefix(['x', 'X']) {
            Some(hex) => (hex, 16),
            None => (rest, 10),
        };
        let end = digits
            .find(|c: char| !c.is_digit(radix))
            .unwrap_or(digits.len());
        let code = u32::from_str_radix(digits.get(..end.min(8))?, radix).ok()?;
        char::from_u32(code).filter(|&c| crate::load::input::is_forbidden(c))
    })
}

/// Whether the markdown holds anything the sanitiser would change: raw HTML, a link or
/// image to a URL that is not plainly safe, or a heading's own attributes
/// (`{onclick=...}`). pulldown-cmark escapes everything else, but writes any link's URL
/// as given (`[x](javascript:...)` included), so a page with none of these is published
/// as rendered, without the sanitiser's cost.
fn needs_sanitising(events: &[(Event, usize)]) -> bool {
    events.iter().any(|(event, _)| match event {
        Event::Html(_) | Event::InlineHtml(_) => true,
        Event::Start(Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. }) => {
            !plainly_safe(dest_url)
        }
        Event::Start(Tag::Heading { attrs, .. }) => !attrs.is_empty(),
        _ => false,
    })
}

/// A URL with no scheme (relative, `#fragment`, `?query`), or with one of a few that only
/// go somewhere. A browser takes a scheme from what comes before the first `:`, once it has
/// dropped spaces and control characters, and a scheme never holds a `/`, `?` or `#`: a URL
/// with one of those before any `:` has none. Any other URL is left to the sanitiser, which
/// parses it as a browser does.
fn plainly_safe(url: &str) -> bool {
    match url.find([':', '/', '?', '#']) {
        Some(at) if url[at..].starts_with(':') => {
            matches!(&url[..at], "https" | "http" | "mailto" | "tel")
        }
        _ => true,
    }
}

/// The sanitiser for authors' HTML: ammonia's allowlist (no `script`, `style`, `iframe`,
/// `object`, `embed`, `form`, no `on*` handlers; URLs only with schemes like `https`,
/// `mailto` and `tel`, never `javascript`, `vbscript` or `data`), plus what markdown
/// itself writes: heading and footnote `id`s, `class`es (code blocks' languages,
/// footnotes) and a table column's `style="text-align: ..."` (no other style). Links get
/// no `rel` added, so a page with a little safe raw HTML reads as it did.
static SANITISER: std::sync::LazyLock<ammonia::Builder<'static>> = std::sync::LazyLock::new(|| {
    let mut builder = ammonia::Builder::default();
    builder
        .add_generic_attributes(["id", "class", "style"])
        .filter_style_properties(["text-align"].into())
        .link_rel(None)
        .attribute_filter(|_, attribute, value| match attribute {
            // Rather than left empty by the filter of style properties.
            "style" if !value.contains("text-align") => None,
            // A marker in an attribute would put an insertion's HTML inside it.
            _ if value.contains([MARK, END]) => Some(value.replace([MARK, END], "").into()),
            _ => Some(value.into()),
        });
    builder
});

/// An insertion's place while its page is sanitised: `MARK`, its index, `END`. They are
/// characters of the private use area, which the sanitiser keeps as text.
const MARK: char = '\u{E000}';
const END: char = '\u{E001}';

/// The insertions' HTML, held aside while the page is sanitised (`None`: it is not).
struct Inserted {
    held: Option<Vec<String>>,
}

impl Inserted {
    /// The event that stands for an insertion's HTML.
    fn event(&mut self, html: String) -> Event<'static> {
        match &mut self.held {
            Some(held) => {
                held.push(html);
                Event::Html(CowStr::from(format!("{MARK}{}{END}", held.len() - 1)))
            }
            None => Event::Html(CowStr::from(html)),
        }
    }
}

/// The sanitised page with each marker replaced by its insertion's HTML. An author who
/// writes a marker's characters themselves can do no more than repeat an insertion of the
/// page where text goes (markers are taken out of attributes).
fn restore(clean: &str, held: &[String]) -> String {
    let mut out = String::with_capacity(clean.len() + held.iter().map(String::len).sum::<usize>());
    let mut rest = clean;
    while let Some(at) = rest.find(MARK) {
        out.push_str(&rest[..at]);
        rest = &rest[at + MARK.len_utf8()..];
        let digits = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let html = rest[..digits]
            .parse::<usize>()
            .ok()
            .and_then(|i| held.get(i));
        match html {
            Some(html) if rest[digits..].starts_with(END) => {
                out.push_str(html);
                rest = &rest[digits + END.len_utf8()..];
            }
            _ => out.push(MARK),
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fake;

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

    fn render(text: &str) -> Result<String, Vec<SyntaxError>> {
        to_html(text, &mut Fake, true)
    }

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
        };
        let staying = Audience {
            id: "staying".into(),
            title: "S".into(),
            personal_data: false,
            unit_checklists: false,
        };
        let cases: [(&str, &Audience, Result<&str, &str>); 15] = [
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

    #[test]
    fn passages_show_to_the_right_audiences() {
        let body = "all\n::: only coordinators moving\ncoord\n:::\n::: except moving\nnot \
            moving\n:::\nend\n";
        let ps = passages(body, 1).unwrap();
        assert_eq!(
            for_audience(body, &ps, "coordinators"),
            "all\n\ncoord\n\n\nnot moving\n\nend\n"
        );
        assert_eq!(
            for_audience(body, &ps, "moving"),
            "all\n\ncoord\n\n\n\n\nend\n"
        );
        assert_eq!(
            for_audience(body, &ps, "staying"),
            "all\n\n\n\n\nnot moving\n\nend\n"
        );
    }

    #[test]
    fn passage_mistakes_name_their_line() {
        let cases = [
            ("a\n:::\n", 2, "none is open"),
            ("::: only\nx\n:::\n", 1, "names no audience"),
            ("::: onyl x\n", 1, "is not a passage"),
            ("::: only a\n::: only b\n:::\n", 2, "cannot be nested"),
            ("x\n::: only a\ny\n", 2, "never closed"),
            ("> ::: only a\n> y\n> :::\n", 1, "inside a `>` quote"),
        ];
        for (body, line, needle) in cases {
            let errs = passages(body, 1).unwrap_err();
            assert_eq!(errs[0].line, line, "{body}");
            assert!(
                errs[0].message.contains(needle),
                "{body}: {}",
                errs[0].message
            );
        }
        assert_eq!(passages("```\n:::\n```\n", 1).unwrap(), vec![]);
    }

    #[test]
    fn an_unclosed_passage_runs_to_the_end_and_hides_nothing() {
        let body = "x\n::: only a\ny\n::: onyl b\nz\n";
        let (found, errors) = passages_and_mistakes(body, 1);
        assert_eq!(
            found,
            vec![Passage {
                audiences: vec!["a".into()],
                except: false,
                open: 1,
                close: 5
            }]
        );
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 2], "{errors:?}");
        assert_eq!(for_audience(body, &found, "a"), "x\n\ny\n::: onyl b\nz\n");
        assert_eq!(for_audience(body, &found, "b"), "x\n\n\n\n\n");
    }

    #[test]
    fn a_misspelt_insertion_gets_the_nearest_one() {
        let cases = [
            (
                "tranche",
                "unknown insertion `{{ tranche }}`: did you mean `{{ tranches }}`?",
            ),
            (
                "DEADLINE",
                "unknown insertion `{{ DEADLINE }}`: did you mean `{{ deadline }}`?",
            ),
            (
                "cannot move",
                "unknown insertion `{{ cannot move }}`: did you mean `{{ cannot-move }}`?",
            ),
            (
                "count line",
                "`{{ count line }}` counts nothing cutover knows: did you mean `{{ count lines \
                    }}`?",
            ),
            (
                "cuont moving",
                "unknown insertion `{{ cuont moving }}`: did you mean `{{ count moving }}`?",
            ),
            (
                "tranche-table",
                "unknown insertion `{{ tranche-table }}`: use one of tranches, timeline",
            ),
            (
                "count people",
                "`{{ count people }}` counts nothing cutover knows: use count units, lines",
            ),
        ];
        for (name, want) in cases {
            let got = Insertion::parse(name).unwrap_err();
            assert!(got.starts_with(want), "{name}: {got}");
        }
    }

    #[test]
    fn insertions_render_in_place() {
        let html =
            render("Moving: {{ count moving }} by {{deadline}}.\n\n{{ tranches }}\n").unwrap();
        assert_eq!(html, "<p>Moving: 42 by 14 April 2022.</p>\n<table></table>");
        // Not inside code.
        let html = render("`{{ nope }}`\n\n```\n{{ nope }}\n```\n").unwrap();
        assert!(html.contains("{{ nope }}"));
    }

    #[test]
    fn insertion_mistakes_name_their_line() {
        let cases = [
            ("a\n\nb {{ nope }}\n", 3, "unknown insertion"),
            ("a\n\n{{ count people }}\n", 3, "counts nothing"),
            ("see {{ tranches }} here\n", 1, "line of its own"),
            ("a\n\n\n{{ count moving\n", 4, "not closed"),
            ("{{ bogus }}\n", 1, "unknown insertion"),
            ("Ask {{ contact }}.\n", 1, "no contact"),
        ];
        for (text, line, needle) in cases {
            let errs = render(text).unwrap_err();
            assert_eq!(errs[0].line, line, "{text}");
            assert!(
                errs[0].message.contains(needle),
                "{text}: {}",
                errs[0].message
            );
        }
    }

    #[test]
    fn every_mistake_on_a_line_is_reported() {
        let errs =
            render("See {{ cannot-move }} below, by {{ DEADLINE }} and {{ count people }}.\n")
                .unwrap_err();
        let messages: Vec<&str> = errs.iter().map(|e| e.message.as_str()).collect();
        assert_eq!(messages.len(), 3, "{messages:?}");
        assert!(
            messages[0].contains("line of its own") && messages[1].contains("unknown insertion")
        );
    }

    #[test]
    fn unsafe_html_and_links_are_removed() {
        // (markdown, what must go, what must stay)
        let cases: &[(&str, &[&str], &[&str])] = &[
            (
                "<script>alert(1)</script>\n\nText\n",
                &["<script", "alert"],
                &["<p>Text</p>"],
            ),
            (
                "a <script>alert(1)</script> b\n",
                &["<script", "alert"],
                &["a  b"],
            ),
            (
                "<style>p { display: none }</style>\n",
                &["<style", "display"],
                &[],
            ),
            (
                "<iframe src=\"https://x.example/\"></iframe>\n",
                &["iframe"],
                &[],
            ),
            (
                "<object data=\"x\"></object><embed src=\"x\">\n",
                &["<object", "<embed"],
                &[],
            ),
            (
                "<form action=\"/x\"><input name=\"q\"><button>Go</button></form>\n",
                &["<form", "<input", "<button"],
                &["Go"],
            ),
            (
                "<p onmouseover=\"alert(1)\">Hi</p>\n",
                &["onmouseover"],
                &["<p>Hi</p>"],
            ),
            (
                "Hi <b onclick=\"alert(1)\">there</b>\n",
                &["onclick"],
                &["<b>there</b>"],
            ),
            (
                "<p style=\"position: fixed\">Hi</p>\n",
                &["style", "fixed"],
                &["<p>Hi</p>"],
            ),
            (
                "<a href=\"javascript:alert(1)\">x</a>\n",
                &["href", "javascript"],
                &["<a>x</a>"],
            ),
            (
                "<a href=\" JaVaScRiPt:alert(1)\">x</a>\n",
                &["href", "alert"],
                &["<a>x</a>"],
            ),
            (
                "<a href=\"java&#9;script:alert(1)\">x</a>\n",
                &["href", "alert"],
                &["<a>x</a>"],
            ),
            (
                "<a href=\"vbscript:msgbox(1)\">x</a>\n",
                &["href", "vbscript"],
                &["<a>x</a>"],
            ),
            (
                "<a href=\"data:text/html,x\">x</a>\n",
                &["href", "data:"],
                &["<a>x</a>"],
            ),
            // Markdown alone, no raw HTML: pulldown-cmark writes these URLs as given.
            (
                "[x](javascript:alert(1))\n",
                &["href", "javascript"],
                &["<a>x</a>"],
            ),
            (
                "[x](JAVASCRIPT:alert(1))\n",
                &["href", "alert"],
                &["<a>x</a>"],
            ),
            // Written `java%09script:`, which no browser reads as a scheme.
            (
                "[x](java&#9;script:alert(1))\n",
                &["javascript", "java\tscript"],
                &["<a href"],
            ),
            (
                "[x](vbscript:msgbox(1))\n",
                &["href", "vbscript"],
                &["<a>x</a>"],
            ),
            (
                "<javascript:alert(1)>\n",
                &["href"],
                &[">javascript:alert(1)</a>"],
            ),
            (
                "![x](data:image/svg+xml;base64,PHN2Zz4=)\n",
                &["src", "data:"],
                &["<img alt=\"x\">"],
            ),
            (
                "[x]: javascript:alert(1)\n\nSee [x].\n",
                &["href", "javascript"],
                &["<a>x</a>"],
            ),
            (
                "## Hi {onclick=alert(1)}\n",
                &["onclick", "alert"],
                &["<h2 id=\"hi\">Hi</h2>"],
            ),
        ];
        for (markdown, gone, kept) in cases {
            let html = render(markdown).unwrap();
            for part in *gone {
                assert!(!html.contains(part), "{markdown:?}: {part:?} in {html:?}");
            }
            for part in *kept {
                assert!(html.contains(part), "{markdown:?}: no {part:?} in {html:?}");
            }
        }
    }

    #[test]
    fn safe_html_and_links_stay() {
        for (markdown, kept) in [
            (
                "<details><summary>More</summary>\n\nText\n\n</details>\n",
                "<details><summary>More</summary>\n<p>Text</p>\n</details>",
            ),
            (
                "<abbr title=\"Telephony over Teams\">ToT</abbr>\n",
                "<abbr title=\"Telephony over Teams\">ToT</abbr>",
            ),
            (
                "<dl><dt>Term</dt><dd>Meaning</dd></dl>\n",
                "<dl><dt>Term</dt><dd>Meaning</dd></dl>",
            ),
            (
                "<table><caption>C</caption><tr><th scope=\"row\">a</th><td \
                    colspan=\"2\">b</td></tr></table>\n",
                "<table><caption>C</caption><tbody><tr><th scope=\"row\">a</th><td \
                    colspan=\"2\">b</td></tr></tbody></table>",
            ),
            (
                "<span class=\"note\" id=\"n1\" lang=\"fr\">oui</span>\n",
                "<span class=\"note\" id=\"n1\" lang=\"fr\">oui</span>",
            ),
            (
                "<img src=\"https://example.org/a.png\" alt=\"a\"> <img src=\"../b.png\" \
                    alt=\"b\">\n",
                "<img src=\"https://example.org/a.png\" alt=\"a\"> <img src=\"../b.png\" \
                    alt=\"b\">",
            ),
            (
                "<a href=\"mailto:a@example.org\">m</a> <a href=\"tel:+441865000000\">t</a>\n",
                "<a href=\"mailto:a@example.org\">m</a> <a href=\"tel:+441865000000\">t</a>",
            ),
            (
                "<a href=\"../a/index.html\">r</a> <a href=\"#top\">f</a> [k](@/known.md)\n",
                "<a href=\"../a/index.html\">r</a> <a href=\"#top\">f</a> <a \
                    href=\"../known/index.html\">k</a>",
            ),
            (
                "<br>\n\n| a | b |\n|:--|--:|\n| 1 | 2 |\n",
                "<th style=\"text-align:left\">a</th><th style=\"text-align:right\">b</th>",
            ),
            (
                "<br>\n\n## Hi {#top .big}\n",
                "<h2 id=\"top\" class=\"big\">Hi</h2>",
            ),
            (
                "<br>\n\nA note[^1].\n\n[^1]: Here.\n",
                "<sup class=\"footnote-reference\"><a href=\"#1\">1</a></sup>",
            ),
            (
                "<br>\n\n```rust\nlet a = 1;\n```\n",
                "<pre><code class=\"language-rust\">let a = 1;\n</code></pre>",
            ),
        ] {
            let html = render(markdown).unwrap();
            assert!(html.contains(kept), "{markdown:?}: no {kept:?} in {html:?}");
        }
    }

    #[test]
    fn markdown_without_raw_html_is_published_as_rendered() {
        let text = "## Hi \"there\"\n\nA [link](https://example.org/?a=1&b=2), \
            [mail](mailto:a@b.example), [page](@/known.md), <https://example.org/>, <a@b.example>, \
                ![i](../i.png) and {{ count moving }}.\n\n---\n\n| a |\n|:-:|\n| 1 |\n\n{{ \
                    cannot-move }}\n";
        let html = render(text).unwrap();
        assert_eq!(to_html(text, &mut Fake, false).unwrap(), html);
        // As pulldown-cmark writes them; the sanitiser's parser would write `<hr>`.
        assert!(
            html.contains("<hr />") && html.contains("alt=\"i\" />"),
            "{html}"
        );
    }

    #[test]
    fn insertions_are_kept_as_the_theme_wrote_them() {
        let html =
            render("<b onclick=\"x()\">Moving</b>: {{ count moving }}.\n\n{{ cannot-move }}\n")
                .unwrap();
        assert_eq!(
            html,
            "<p><b>Moving</b>: 42.</p>\n<ul style=\"columns: 2\" onclick=\"go()\"><li>Law</li></ul>"
        );
        // An insertion the author's HTML swallows is gone with it, and the others keep
        // their places.
        let html = render("a <script>{{ count moving }}</script> b {{ deadline }}\n").unwrap();
        assert_eq!(html, "<p>a  b 14 April 2022</p>\n");
    }

    #[test]
    fn an_author_cannot_put_an_insertion_inside_an_attribute() {
        let html = render("<a title=\"\u{E000}0\u{E001}\" href=\"#x\">a</a> {{ count moving }}\n")
            .unwrap();
        assert_eq!(html, "<p><a title=\"0\" href=\"#x\">a</a> 42</p>\n");
        // In text, a marker written out repeats an insertion at most.
        let html =
            render("<b>\u{E000}0\u{E001}</b> {{ count moving }} \u{E000}7\u{E001} \u{E000}x\n")
                .unwrap();
        assert_eq!(html, "<p><b>42</b> 42 \u{E000}7\u{E001} \u{E000}x</p>\n");
    }

    #[test]
    fn trusted_authors_html_is_published_as_written() {
        let text =
            "<script>alert(1)</script>\n\n[x](javascript:alert(2)) <p onclick=\"x()\">a</p>\n";
        let html = to_html(text, &mut Fake, false).unwrap();
        for part in [
            "<script>alert(1)</script>",
            "href=\"javascript:alert(2)\"",
            "onclick=\"x()\"",
        ] {
            assert!(html.contains(part), "{part}: {html}");
        }
    }

    #[test]
    fn plainly_safe_urls() {
        for (url, plain) in [
            ("https://example.org/", true),
            ("http://example.org/", true),
            ("mailto:a@example.org", true),
            ("tel:+44", true),
            ("../a/index.html", true),
            ("#top", true),
            ("?q=a:b", true),
            ("/a:b", true),
            ("a/b:c", true),
            ("", true),
            ("javascript:alert(1)", false),
            ("JavaScript:alert(1)", false),
            (" javascript:alert(1)", false),
            ("\u{1}javascript:alert(1)", false),
            ("java\tscript:alert(1)", false),
            ("vbscript:x", false),
            ("data:text/html,x", false),
            ("HTTPS://example.org/", false),
            ("ftp://example.org/", false),
        ] {
            assert_eq!(plainly_safe(url), plain, "{url:?}");
        }
    }

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
