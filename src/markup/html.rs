//! Markdown to HTML: insertions and `@/` links filled in through a [`Resolver`], headings
//! given their anchors, and the authors' HTML sanitised unless site.yaml trusts it.

use pulldown_cmark::{CowStr, Event, HeadingLevel, Tag, TagEnd};

use super::anchors::{Anchors, demote};
use super::insertions::{Insertion, Piece, split_insertions};
use super::{Resolver, SyntaxError, parse};

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
    use crate::markup::testing::{Fake, render};

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
                "<abbr title=\"Private branch exchange\">PBX</abbr>\n",
                "<abbr title=\"Private branch exchange\">PBX</abbr>",
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
}
