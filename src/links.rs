//! Link checking of a built site: every relative `href`, `src` and `srcset` URL of every
//! page must lead to a file of the site, and every `#fragment` to an element with that id;
//! a root-relative one (`/x`) is refused, as it breaks when the site is under a sub-path.

use std::cell::RefCell;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use html5ever::tendril::StrTendril;
use html5ever::tokenizer::states::RawKind;
use html5ever::tokenizer::{
    BufferQueue, TagKind, Token, TokenSink, TokenSinkResult, Tokenizer, TokenizerOpts,
};
use rustc_hash::FxHashSet;

use crate::finding::{Finding, Rule, Severity};
use crate::render::File;

pub const RULE: Rule = Rule::BrokenLink;

/// The links (`href`, `src`, each URL of a `srcset`) and the ids of an HTML text, read
/// by html5ever's tokenizer as a browser reads them: attributes after a newline or tab,
/// `href = "x"`, unquoted values and character references all as a browser takes them,
/// and text (a code span showing `<a href="`) never taken for markup.
fn attributes(html: &str) -> (Vec<String>, Vec<String>) {
    simple(html).unwrap_or_else(|| tokenized(html))
}

/// [`attributes`] by html5ever's tokenizer.
fn tokenized(html: &str) -> (Vec<String>, Vec<String>) {
    let input = BufferQueue::default();
    input.push_back(StrTendril::from_slice(html));
    let tokenizer = Tokenizer::new(Attributes::default(), TokenizerOpts::default());
    let _ = tokenizer.feed(&input);
    tokenizer.end();
    tokenizer.sink.found.into_inner()
}

/// [`attributes`] of a page in the plain shape cutover's own templates write (lowercase
/// names, one space before each attribute, every value double-quoted, only the five
/// escapes markdown and the templates use), in a fast pass over its bytes; `None` at
/// the first thing outside that shape, for the tokenizer to read the page. The tokenizer
/// reads a 50 KB checklist several times slower, and every page is read on every build.
fn simple(html: &str) -> Option<(Vec<String>, Vec<String>)> {
    let bytes = html.as_bytes();
    // `contains` of a byte is memchr, many bytes at a time.
    if bytes.contains(&0) || bytes.contains(&b'\r') {
        return None;
    }
    let (mut links, mut ids) = (Vec::new(), Vec::new());
    let name_end = |from: usize| {
        from + bytes[from..]
            .iter()
            .take_while(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || **b == b'-')
            .count()
    };
    let mut at = 0;
    while let Some(found) = html[at..].find('<') {
        at += found + 1;
        let rest = &html[at..];
        if let Some(comment) = rest.strip_prefix("!--") {
            if comment.starts_with('>') || comment.starts_with("->") {
                return None;
            }
            let end = comment.find("-->")?;
            if comment[..end].contains("--!") {
                return None;
            }
            at += 3 + end + 3;
            continue;
        }
        if rest.starts_with("!DOCTYPE html>") || rest.starts_with("!doctype html>") {
            continue;
        }
        let end_tag = rest.starts_with('/');
        let start = at + usize::from(end_tag);
        if !bytes.get(start).is_some_and(u8::is_ascii_lowercase) {
            return None;
        }
        let name_to = name_end(start);
        let name = &html[start..name_to];
        at = name_to;
        if end_tag {
            if bytes.get(at) != Some(&b'>') {
                return None;
            }
            continue;
        }
        let mut wanted_seen = [false; 4];
        loop {
            match bytes.get(at) {
                Some(b'>') => break,
                Some(b'/') if bytes.get(at + 1) == Some(&b'>') => {
                    at += 1;
                    break;
                }
                Some(b' ') => {}
                _ => return None,
            }
            let attribute = at + 1;
            if !bytes.get(attribute).is_some_and(u8::is_ascii_lowercase) {
                return None;
            }
            at = name_end(attribute);
            let attribute = &html[attribute..at];
            let value = if bytes.get(at) == Some(&b'=') {
                if bytes.get(at + 1) != Some(&b'"') {
                    return None;
                }
                let len = html[at + 2..].find('"')?;
                let value = &html[at + 2..at + 2 + len];
                at += 2 + len + 1;
                value
            } else {
                ""
            };
            let slot = match attribute {
                "href" => Some(0),
                "src" => Some(1),
                "srcset" => Some(2),
                "id" => Some(3),
                _ => None,
            };
            if let Some(slot) = slot {
                // The tokenizer keeps only the first of a repeated attribute.
                if std::mem::replace(&mut wanted_seen[slot], true) {
                    return None;
                }
                let value = unescape(value)?;
                match slot {
                    3 => ids.push(value),
                    2 => links.extend(srcset(&value)),
                    _ => links.push(value),
                }
            }
        }
        at += 1;
        // Text that is not markup, up to the element's own end tag.
        if matches!(
            name,
            "script" | "style" | "textarea" | "title" | "xmp" | "iframe" | "noembed" | "noframes"
        ) {
            // Any `</` but the element's own end tag is left to the tokenizer.
            let end = html[at..].find("</")?;
            let close = at + end + 2;
            let closes = bytes
                .get(close..close + name.len())
                .is_some_and(|n| n.eq_ignore_ascii_case(name.as_bytes()));
            if !closes || bytes.get(close + name.len()) != Some(&b'>') {
                return None;
            }
            if name == "script" && html[at..at + end].contains("<!--") {
                return None;
            }
            at = close + name.len();
        } else if name == "plaintext" {
            return None;
        }
    }
    Some((links, ids))
}

/// An attribute's value as a browser reads it, if it has no escapes but the five that
/// markdown and the templates write.
fn unescape(value: &str) -> Option<String> {
    if !value.contains('&') {
        return Some(value.to_string());
    }
    let mut out = String::with_capacity(value.len());
    let mut rest = value;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let (text, len) = [
            ("&amp;", "&"),
            ("&quot;", "\""),
            ("&#39;", "'"),
            ("&lt;", "<"),
            ("&gt;", ">"),
        ]
        .iter()
        .find(|(escape, _)| rest.starts_with(escape))
        .map(|(escape, text)| (*text, escape.len()))?;
        out.push_str(text);
        rest = &rest[len..];
    }
    out.push_str(rest);
    Some(out)
}

/// Each candidate's URL of a `srcset` (`url 2x, url 480w`), up to its descriptor.
fn srcset(value: &str) -> impl Iterator<Item = String> + '_ {
    value
        .split(',')
        .filter_map(|candidate| candidate.split_whitespace().next())
        .map(str::to_string)
}

/// Gathers the wanted attributes of every start tag.
#[derive(Default)]
struct Attributes {
    found: RefCell<(Vec<String>, Vec<String>)>,
}

impl TokenSink for Attributes {
    type Handle = ();

    fn process_token(&self, token: Token, _line: u64) -> TokenSinkResult<()> {
        let Token::TagToken(tag) = token else {
            return TokenSinkResult::Continue;
        };
        if tag.kind != TagKind::StartTag {
            return TokenSinkResult::Continue;
        }
        let (links, ids) = &mut *self.found.borrow_mut();
        for attribute in &tag.attrs {
            let value = &*attribute.value;
            match &*attribute.name.local {
                "href" | "src" => links.push(value.to_string()),
                "id" => ids.push(value.to_string()),
                "srcset" => links.extend(srcset(value)),
                _ => {}
            }
        }
        // What the tree builder would switch the tokenizer to: the text of these is not
        // markup, so a script writing `"<a href=" + x` has no link.
        match &*tag.name {
            "script" => TokenSinkResult::RawData(RawKind::ScriptData),
            "style" | "xmp" | "iframe" | "noembed" | "noframes" => {
                TokenSinkResult::RawData(RawKind::Rawtext)
            }
            "textarea" | "title" => TokenSinkResult::RawData(RawKind::Rcdata),
            "plaintext" => TokenSinkResult::Plaintext,
            _ => TokenSinkResult::Continue,
        }
    }
}

/// Whether a link is root-relative (`/x`), which breaks when the site is served from a
/// sub-path (`https://host/guide/`).
fn is_root_relative(link: &str) -> bool {
    link.starts_with('/') && !link.starts_with("//")
}

/// Whether a link leaves the site (or is not a link to a file at all).
fn is_external(link: &str) -> bool {
    let scheme = link.split_once(':').map(|(s, _)| s).filter(|s| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
    });
    scheme.is_some() || link.starts_with("//")
}

/// `base` is the folder of the page (`a/b/`), `link` relative to it: the site path.
fn resolve(base: &str, link: &str) -> Option<String> {
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for part in link.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            p => parts.push(p),
        }
    }
    let mut path = parts.join("/");
    if link.ends_with('/') || link.is_empty() {
        path = if path.is_empty() {
            "index.html".into()
        } else {
            format!("{path}/index.html")
        };
    }
    Some(path)
}

/// What link checking needs of a page: its links within the site, and its ids.
/// Kept for every page of a site until all are written, so kept small: boxed, no spare
/// capacity, ids sorted rather than hashed.
#[derive(Debug)]
pub struct Page {
    links: Box<[Box<str>]>,
    ids: Box<[Box<str>]>,
}

impl Page {
    pub fn of(bytes: &[u8]) -> Page {
        // Rendered pages are UTF-8, which `from_utf8` checks far faster than the lossy way.
        let text = std::str::from_utf8(bytes).map_or_else(
            |_| String::from_utf8_lossy(bytes),
            std::borrow::Cow::Borrowed,
        );
        let (links, ids) = attributes(&text);
        // A page repeats its links (the menu, the breadcrumbs): each is kept once.
        let mut seen = FxHashSet::default();
        let kept: Vec<bool> = links
            .iter()
            .map(|link| seen.insert(link.as_str()) && !is_external(link))
            .collect();
        drop(seen);
        let links = links
            .into_iter()
            .zip(kept)
            .filter_map(|(link, kept)| kept.then(|| link.into_boxed_str()))
            .collect();
        let mut ids: Vec<Box<str>> = ids.into_iter().map(String::into_boxed_str).collect();
        ids.sort_unstable();
        Page {
            links,
            ids: ids.into_boxed_slice(),
        }
    }

    /// A page known without reading it: one with no link to check (its links are known
    /// good) and the elements `ids`.
    pub fn known(ids: impl IntoIterator<Item = String>) -> Page {
        let mut ids: Vec<Box<str>> = ids.into_iter().map(String::into_boxed_str).collect();
        ids.sort_unstable();
        ids.dedup();
        Page {
            links: Box::default(),
            ids: ids.into_boxed_slice(),
        }
    }

    fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|known| (**known).cmp(id)).is_ok()
    }
}

/// The pages read by an earlier build, with the bytes they were read from: a page whose
/// bytes are the very same is not read again.
#[derive(Default)]
pub struct Cache {
    pages: HashMap<String, (Arc<Vec<u8>>, Arc<Page>)>,
}

impl Cache {
    /// The page at `path`, read from `bytes`, or as the earlier build read it when its
    /// bytes are the very same.
    pub fn read(&self, path: &str, bytes: &Arc<Vec<u8>>) -> Arc<Page> {
        match self.pages.get(path) {
            Some((read_from, page)) if Arc::ptr_eq(read_from, bytes) => page.clone(),
            _ => Arc::new(Page::of(bytes)),
        }
    }

    /// Keeps `pages` (each with the bytes it was read from) for the next build.
    pub fn renew(&mut self, pages: impl IntoIterator<Item = (String, (Arc<Vec<u8>>, Arc<Page>))>) {
        self.pages = pages.into_iter().collect();
    }
}

/// Checks every link of every HTML file of a site held in memory; `source` names, for a
/// page, the file to correct.
pub fn check(files: &[File], source: impl Fn(&str) -> String) -> Vec<Finding> {
    let paths: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let read: Vec<(&str, Page)> = files
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(path, bytes)| (path.as_str(), Page::of(bytes)))
        .collect();
    let pages: HashMap<&str, &Page> = read.iter().map(|(path, page)| (*path, page)).collect();
    broken(&pages, &paths, |page, _| (source(page), None))
}

/// The broken links of `pages` (by path) in a site of the files at `paths`; `locate`
/// names, for a page and a link on it, the file to correct and the link's line there
/// when it is known.
pub fn broken(
    pages: &HashMap<&str, &Page>,
    paths: &HashSet<&str>,
    locate: impl Fn(&str, &str) -> (String, Option<u32>),
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (&page, read) in pages {
        let base = page.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        for link in read.links.iter().map(|l| &**l) {
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (link, None),
            };
            let path = if is_root_relative(target) {
                None
            } else if target.is_empty() {
                Some(page.to_string())
            } else {
                resolve(base, target)
            };
            let problem = match &path {
                None if is_root_relative(target) => Some(
                    "which breaks when the site is served from a sub-path (`https://host/guide/`): \
                     link with `@/page.md` or a relative link instead"
                        .to_string(),
                ),
                None => Some("which leads out of the site's folder".to_string()),
                Some(p) if !paths.contains(p.as_str()) => {
                    Some(format!("but nothing is built at {p}"))
                }
                Some(p) => match fragment.filter(|f| !f.is_empty()) {
                    Some(f) if !pages.get(p.as_str()).is_some_and(|known| known.has_id(f)) => {
                        Some(format!("but {p} has no element with id `{f}`"))
                    }
                    _ => None,
                },
            };
            if let Some(problem) = problem {
                let (source, line) = locate(page, link);
                findings.push(Finding::new(
                    RULE,
                    Severity::Error,
                    source.clone(),
                    line,
                    format!("{page} links to `{link}`, {problem}: correct the link in {source}"),
                ));
            }
        }
    }
    crate::finding::sort(&mut findings);
    findings
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    fn file(path: &str, html: &str) -> File {
        (path.to_string(), Arc::new(html.as_bytes().to_vec()))
    }

    #[test]
    fn links_resolve_or_are_reported() {
        let files = vec![
            file(
                "index.html",
                r#"<a href="a/index.html">a</a> <a href="mailto:x@y">m</a> <a href="https://example.org/">e</a>"#,
            ),
            file(
                "a/index.html",
                r##"<h2 id="top">T</h2><a href="../index.html">up</a> <a href="#top">t</a> <a href="b/">b</a> <link href="style.css">"##,
            ),
            file("a/style.css", "p {}"),
            file(
                "a/b/index.html",
                r##"<a href="../index.html#nope">x</a> <a href="../../../out.html">y</a> <img src="gone.png" alt="">"##,
            ),
        ];
        let found = check(&files, |page| match page {
            "a/b/index.html" => "content/b.md".to_string(),
            other => other.to_string(),
        });
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(found.len(), 3, "{messages:#?}");
        assert!(
            found
                .iter()
                .all(|f| f.rule == RULE && f.file == "content/b.md")
        );
        assert!(messages.iter().any(|m| {
            m.contains("`../index.html#nope`, but a/index.html has no element with id `nope`")
        }));
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`../../../out.html`, which leads out"))
        );
        assert!(
            messages
                .iter()
                .any(|m| m.contains("`gone.png`, but nothing is built at a/b/gone.png"))
        );
    }

    #[test]
    fn attributes_in_one_pass() {
        let (links, ids) = attributes(
            r#"<a class="x" href="a.html" data-href="no">t=1</a><img src='b.png' alt=""><h2 id="top">"#,
        );
        assert_eq!(links, vec!["a.html", "b.png"]);
        assert_eq!(ids, vec!["top"]);
    }

    /// Found by fuzzing: markdown leaves a text's quotes as they are, so a page saying
    /// `href="` in a sentence had a link read out of its text, running on to swallow the
    /// next heading's id; and a page quoting `href="x"` had a broken link to `x`.
    #[test]
    fn attributes_are_read_only_inside_tags() {
        let (links, ids) = attributes(
            r#"<p>Write href="x" to link, and &lt;a href=" to start one</p><h2 id="top">T</h2>"#,
        );
        assert_eq!(links, Vec::<&str>::new());
        assert_eq!(ids, vec!["top"]);
        let (links, _) = attributes(
            r#"<p>a</p>
<a class="x"
   href="b.html">b</a>"#,
        );
        assert_eq!(links, vec!["b.html"]);
    }

    /// Attributes as a browser reads them, which a scan for ` href="` missed.
    #[test]
    fn attributes_as_a_browser_reads_them() {
        let (links, ids) = attributes(
            "<a\nhref=\"nl.html\">a</a><a\thref='tab.html'>b</a><a href = \"sp.html\">c</a>\
             <a href=bare.html>d</a><img alt=x\n src=i.png srcset=\"s1.png 1x, s2.png 2x,s3.png\">\
             <h2 id=top>T</h2><a href=\"q.html?a=1&amp;b=2\">e</a>",
        );
        assert_eq!(
            links,
            vec![
                "nl.html",
                "tab.html",
                "sp.html",
                "bare.html",
                "i.png",
                "s1.png",
                "s2.png",
                "s3.png",
                "q.html?a=1&b=2"
            ]
        );
        assert_eq!(ids, vec!["top"]);
    }

    /// CommonMark examples 343 and 620 as cutover renders them (markdown leaves quotes as
    /// they are): a code span showing `<a href="`, and text `<a href=hi'>`, are no links.
    #[test]
    fn escaped_text_is_not_markup() {
        let (links, _) = attributes(
            "<p><code>&lt;a href=\"</code>\"&gt;`</p>\n<p>&lt;a href=\"hi'&gt; &lt;a href=hi'&gt;</p>\n\
             <footer><a href=\"index.html\">home</a></footer>\
             <script>let x = '<a href=\"' + y;</script><style>a[href=\"z\"] {}</style>",
        );
        assert_eq!(links, vec!["index.html"]);
    }

    #[test]
    fn root_relative_links_are_reported() {
        let files = vec![
            file(
                "index.html",
                r#"<a href="/url">a</a><a href="//cdn.example/x.js">b</a><img srcset="/big.png 2x">"#,
            ),
            file("url", ""),
        ];
        let found = check(&files, str::to_string);
        let messages: Vec<&str> = found.iter().map(|f| f.message.as_str()).collect();
        assert_eq!(found.len(), 2, "{messages:#?}");
        assert!(messages.iter().all(|m| {
            m.contains("breaks when the site is served from a sub-path")
                && m.contains("`@/page.md` or a relative link")
        }));
        assert!(messages.iter().any(|m| m.contains("links to `/url`")));
        assert!(messages.iter().any(|m| m.contains("links to `/big.png`")));
    }

    /// The CommonMark spec's examples with links, ids or `<a ` in them: the links and ids
    /// found in each example's HTML are those an independent HTML tokenizer (Python's
    /// `html.parser`, when the fixture was made) finds there.
    #[test]
    fn commonmark_examples() {
        let text = include_str!("../tests/fixtures/commonmark-links.json");
        let fixture: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
        let examples = fixture["examples"].as_array().expect("examples");
        assert!(examples.len() > 100);
        let strings = |v: &serde_json::Value| -> Vec<String> {
            v.as_array()
                .expect("a list")
                .iter()
                .map(|s| s.as_str().expect("a string").to_string())
                .collect()
        };
        for example in examples {
            let html = example["html"].as_str().expect("html");
            let (links, ids) = attributes(html);
            assert_eq!(
                links,
                strings(&example["links"]),
                "example {}",
                example["number"]
            );
            assert_eq!(
                ids,
                strings(&example["ids"]),
                "example {}",
                example["number"]
            );
        }
    }

    /// The fast pass reads what the tokenizer reads, or leaves the page to it.
    #[test]
    fn the_fast_pass_agrees_with_the_tokenizer() {
        let text = include_str!("../tests/fixtures/commonmark-links.json");
        let fixture: serde_json::Value = serde_json::from_str(text).expect("fixture is JSON");
        let mut pages: Vec<String> = fixture["examples"]
            .as_array()
            .expect("examples")
            .iter()
            .map(|e| e["html"].as_str().expect("html").to_string())
            .collect();
        let page = "<!DOCTYPE html>\n<html lang=\"en\"><head><title>A &amp; B</title>\
             <link rel=\"stylesheet\" href=\"../style.css\"><script>if (a<b) x()</script></head>\
             <body><!-- a comment --><nav><a href=\"../index.html\" aria-current=\"page\">Home</a></nav>\
             <h2 id=\"a-b\">A</h2><img src=\"x.png\" srcset=\"x.png 1x, y.png 2x\" alt=\"\">\
             <td data-label=\"When\">1 &lt; 2</td><a href=\"q?a=1&amp;b=&quot;2&quot;\">q</a><br/></body></html>";
        assert!(
            simple(page).is_some(),
            "a page in cutover's own shape is read fast"
        );
        pages.push(page.to_string());
        pages.extend(
            [
                "<a href=\"x\" href=\"y\">",
                "<a href=\"&copy;\">",
                "<a\nhref=\"x\">",
                "<script><!-- <a href=\"x\"> --></script>",
                "<title>x</titlex><a href=\"y\"></title>",
                "<style>a::after { content: \"</b>\" }</style><a href=\"y\">",
                "<TITLE>x</Title><a href=\"y\">",
                "<!--> <a href=\"x\"> -->",
            ]
            .map(str::to_string),
        );
        let mut fast = 0;
        for html in &pages {
            if let Some(found) = simple(html) {
                fast += 1;
                assert_eq!(found, tokenized(html), "{html}");
            }
        }
        assert!(fast > 50, "{fast} pages read fast");
    }

    #[test]
    fn paths() {
        assert_eq!(
            resolve("a/b", "../c/index.html").as_deref(),
            Some("a/c/index.html")
        );
        assert_eq!(resolve("", "x/").as_deref(), Some("x/index.html"));
        assert_eq!(resolve("a", "../../x"), None);
        assert!(is_external("https://x") && is_external("mailto:a@b") && is_external("//cdn"));
        assert!(
            !is_external("../index.html") && !is_external("a:b/c.html".split(':').nth(1).unwrap())
        );
    }
}
