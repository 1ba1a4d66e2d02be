//! Guidance pages: `content/**/*.md` with YAML front matter between `---` lines.

use serde::Deserialize;

use super::values::is_id;
use super::yaml::{
    Spot, line_of, lone_carriage_return, lone_carriage_return_problem, meant_key, parse,
};
use crate::finding::Finding;
use crate::model::Page;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FrontMatter {
    title: Option<String>,
    audiences: Option<Vec<Spot<String>>>,
    #[serde(default)]
    weight: i64,
    summary: Option<String>,
    #[serde(default)]
    draft: bool,
}

/// Splits `---\nYAML\n---\nbody` into the YAML and the body, with the body's first line.
fn split_front_matter(text: &str) -> Option<(&str, &str, u32)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let rest = text
        .strip_prefix("---\n")
        .or_else(|| text.strip_prefix("---\r\n"))?;
    let mut offset = 0;
    for (i, line) in rest.split_inclusive('\n').enumerate() {
        if line.trim_end() == "---" {
            let body = &rest[offset + line.len()..];
            return Some((&rest[..offset], body, i as u32 + 3));
        }
        offset += line.len();
    }
    None
}

/// Parses one page. `file` is relative to the root, `relative` to `content/`.
pub fn page(file: &str, relative: &str, text: &str, problems: &mut Vec<Finding>) -> Option<Page> {
    if let Some(line) = lone_carriage_return(text) {
        problems.push(lone_carriage_return_problem(file, line));
        return None;
    }
    let Some((yaml, body, body_line)) = split_front_matter(text) else {
        problems.push(Finding::invalid(
            "missing front matter",
            file,
            Some(1),
            "the page has no front matter: start it with a line `---`, then `title: ...`, then a \
                line `---`",
        ));
        return None;
    };
    let (fm, mut found) = parse::<FrontMatter>(file, yaml, "the front matter");
    found.extend(super::yaml::escaped_control(file, yaml));
    // A misspelt `title` is told as such, not again as a missing one.
    let title_misspelt = found.iter().any(|f| meant_key(f) == Some("title"));
    // The YAML starts on the file's second line.
    problems.extend(found.into_iter().map(|mut f| {
        f.line = f.line.map(|l| l + 1);
        f
    }));
    let fm = fm?;
    let Some(title) = fm.title.filter(|t| !t.trim().is_empty()) else {
        if title_misspelt {
            return None;
        }
        problems.push(Finding::invalid(
            "missing key",
            file,
            Some(1),
            "the front matter has no `title`: add one, like `title: What happens to desk phones`",
        ));
        return None;
    };
    let slug = crate::markup::slug_of(relative);
    if !slug.split('/').all(|part| part.is_empty() || is_id(part)) {
        problems.push(Finding::invalid(
            "bad value",
            file,
            None,
            format!(
                "`{relative}` cannot be a page address: rename the file with lowercase \
                letters, digits and hyphens, like `desk-phones.md`"
            ),
        ));
        return None;
    }
    if fm.audiences.as_ref().is_some_and(|list| list.is_empty()) {
        problems.push(Finding::invalid(
            "bad value",
            file,
            Some(1),
            "`audiences: []` shows the page to no one: name its audiences, or remove `audiences` \
                to show it to everyone (or set `draft: true`)",
        ));
        return None;
    }
    let mut audience_lines = Vec::new();
    let audiences = fm.audiences.map(|list| {
        list.into_iter()
            .filter_map(|a| {
                // The YAML starts on the file's second line.
                let line = line_of(&a).map(|l| l + 1);
                if is_id(&a.value) {
                    audience_lines.push(line.unwrap_or(1));
                    return Some(a.value);
                }
                problems.push(Finding::invalid(
                    "bad value",
                    file,
                    line,
                    format!(
                        "`{}` is not an audience id: use the ids of site.yaml's audiences",
                        a.value
                    ),
                ));
                None
            })
            .collect()
    });
    // Mistakes in the passages do not hide the page's other mistakes (found when it is
    // checked against the site), so the page is kept with what could be read.
    let (passages, mistakes) = crate::markup::passages_and_mistakes(body, body_line);
    problems.extend(mistakes.into_iter().map(|m| {
        Finding::invalid(
            "content page does not render",
            file,
            Some(body_line + m.line - 1),
            m.message,
        )
    }));
    Some(Page {
        file: file.to_string(),
        slug,
        title,
        audiences,
        audience_lines,
        weight: fm.weight,
        summary: fm.summary,
        draft: fm.draft,
        body: body.to_string(),
        body_line,
        passages,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_and_body_lines() {
        let (yaml, body, line) = split_front_matter("---\ntitle: A\n---\nHello\n").unwrap();
        assert_eq!((yaml, body, line), ("title: A\n", "Hello\n", 4));
        assert!(split_front_matter("title: A\n").is_none());
    }

    #[test]
    fn a_misspelt_title_is_one_problem() {
        let mut problems = Vec::new();
        let text = "---\ntitel: A\nweight: 2\n---\nHello\n";
        assert!(page("content/a.md", "a.md", text, &mut problems).is_none());
        let found: Vec<_> = problems
            .iter()
            .map(|p| (p.line, p.message.as_str()))
            .collect();
        assert_eq!(
            found,
            vec![(
                Some(2),
                "unknown key `titel` in the front matter: did you mean `title`?"
            )]
        );
    }

    /// Found by fuzzing: markdown and YAML end a line at a carriage return alone, and the
    /// rest of cutover does not, so the page's line numbers would mean two things.
    #[test]
    fn a_carriage_return_alone_is_refused() {
        let mut problems = Vec::new();
        let text = "---\ntitle: A\n---\nOne\n\nTwo\rThree\n";
        assert!(page("content/a.md", "a.md", text, &mut problems).is_none());
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, Some(6));
        assert!(problems[0].message.contains("carriage return"));
        let windows = "---\r\ntitle: A\r\n---\r\nOne\r\n";
        assert!(page("content/a.md", "a.md", windows, &mut problems).is_some());
    }
}
