//! Link checking of a built site: every relative `href` and `src` of every page must lead
//! to a file of the site, and every `#fragment` to an element with that id.

use std::collections::{HashMap, HashSet};

use rustc_hash::FxHashSet;

use crate::finding::{Finding, Rule, Severity};
use crate::render::File;

pub const RULE: Rule = Rule::BrokenLink;

/// The links (`href`, `src`) and the ids of an HTML text, in one pass over it. A page
/// has thousands of `=` (every cell's `data-label`): each is judged by the few bytes
/// before it (and a wanted one by the tag it is in), and only the attributes wanted are
/// read on to their closing quote.
fn attributes(html: &str) -> (Vec<&str>, Vec<&str>) {
    let bytes = html.as_bytes();
    let (mut links, mut ids) = (Vec::new(), Vec::new());
    // An attribute's name follows a space.
    let named = |at: usize, name: &[u8]| {
        at > name.len() && &bytes[at - name.len()..at] == name && bytes[at - name.len() - 1] == b' '
    };
    let mut from = 0;
    while let Some(found) = html[from..].find('=') {
        let at = from + found;
        from = at + 1;
        let is_link = named(at, b"href") || named(at, b"src");
        if !is_link && !named(at, b"id") {
            continue;
        }
        let Some(&quote) = bytes.get(at + 1).filter(|q| **q == b'"' || **q == b'\'') else {
            continue;
        };
        // Only in a tag: text may say `href="` too, since markdown leaves its quotes as
        // they are (and escapes every `<` and `>` of text).
        if html[..at]
            .rfind(['<', '>'])
            .is_none_or(|i| bytes[i] != b'<')
        {
            continue;
        }
        let Some(len) = html[at + 2..].find(quote as char) else {
            break;
        };
        let value = &html[at + 2..at + 2 + len];
        if is_link {
            links.push(value);
        } else {
            ids.push(value);
        }
        from = at + 2 + len;
    }
    (links, ids)
}

/// `&amp;` and friends back to text, as a browser reads an attribute.
fn unescape(value: &str) -> String {
    if !value.contains('&') {
        return value.to_string();
    }
    value
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
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
        let links = links
            .into_iter()
            .filter(|link| seen.insert(*link))
            .map(unescape)
            .filter(|link| !is_external(link))
            .map(String::into_boxed_str)
            .collect();
        let mut ids: Vec<Box<str>> = ids
            .into_iter()
            .map(|id| unescape(id).into_boxed_str())
            .collect();
        ids.sort_unstable();
        Page {
            links,
            ids: ids.into_boxed_slice(),
        }
    }

    fn has_id(&self, id: &str) -> bool {
        self.ids.binary_search_by(|known| (**known).cmp(id)).is_ok()
    }
}

/// The pages read by an earlier check, with the bytes they were read from: a page whose
/// bytes are the very same is not read again.
#[derive(Default)]
pub struct Cache {
    pages: HashMap<String, (std::sync::Arc<Vec<u8>>, Page)>,
}

/// Checks every link of every HTML file. `sources` names, for a page, the file it was
/// made from (a content page, or its template), for the findings.
pub fn check(files: &[File], sources: &HashMap<String, String>, cache: &mut Cache) -> Vec<Finding> {
    let paths: HashSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
    let mut old = std::mem::take(&mut cache.pages);
    for (path, bytes) in files.iter().filter(|(p, _)| p.ends_with(".html")) {
        let read = match old.remove(path) {
            Some((read_from, page)) if std::sync::Arc::ptr_eq(&read_from, bytes) => {
                (read_from, page)
            }
            _ => (bytes.clone(), Page::of(bytes)),
        };
        cache.pages.insert(path.clone(), read);
    }
    let pages: HashMap<&str, &Page> = cache
        .pages
        .iter()
        .map(|(path, (_, page))| (path.as_str(), page))
        .collect();
    broken(&pages, &paths, |page| {
        sources
            .get(page)
            .cloned()
            .unwrap_or_else(|| page.to_string())
    })
}

/// The broken links of `pages` (by path) in a site of the files at `paths`; `source`
/// names the file to correct for a page.
pub fn broken(
    pages: &HashMap<&str, &Page>,
    paths: &HashSet<&str>,
    source: impl Fn(&str) -> String,
) -> Vec<Finding> {
    let mut findings = Vec::new();
    for (&page, read) in pages {
        let base = page.rsplit_once('/').map(|(dir, _)| dir).unwrap_or("");
        for link in read.links.iter().map(|l| &**l) {
            let (target, fragment) = match link.split_once('#') {
                Some((t, f)) => (t, Some(f)),
                None => (link, None),
            };
            let path = if target.is_empty() {
                Some(page.to_string())
            } else {
                resolve(base, target)
            };
            let problem = match &path {
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
                let source = source(page);
                findings.push(Finding::new(
                    RULE,
                    Severity::Error,
                    source.clone(),
                    None,
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
        let sources: HashMap<String, String> =
            [("a/b/index.html".to_string(), "content/b.md".to_string())].into();
        let found = check(&files, &sources, &mut Cache::default());
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
