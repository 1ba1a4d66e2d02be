//! YAML parsing with serde-saphyr, turning its errors into invalid-data findings.

use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::finding::Finding;

/// Parses one YAML file, reporting every unknown key and badly typed value in it, not
/// only the first: after such a problem the offending entry is set aside and the file is
/// read again. A syntax error ends the file. The value is `None` if the file could not be
/// read at all.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str, what: &str) -> (Option<T>, Vec<Finding>) {
    if let Some(line) = lone_carriage_return(text) {
        return (None, vec![lone_carriage_return_problem(file, line)]);
    }
    // Copied only if an entry must be set aside.
    let mut text = std::borrow::Cow::Borrowed(text);
    let mut problems: Vec<Finding> = Vec::new();
    // Each retry reads the file again, so a file with very many problems is cut short.
    for _ in 0..MAX_PROBLEMS {
        match serde_saphyr::from_str(&text) {
            Ok(value) => return (Some(value), problems),
            Err(err) => {
                let line = err
                    .location()
                    .map(|loc| loc.line() as u32)
                    .filter(|&l| l > 0);
                let raw = err.without_snippet().to_string();
                let source = line.and_then(|l| text.lines().nth(l as usize - 1));
                let (detail, message) = explain(strip_position(&raw), what, source);
                let finding = Finding::invalid(detail, file, line, message);
                // A value set aside can fail again at the same place: say it once.
                if !problems.contains(&finding) {
                    problems.push(finding);
                }
                let recoverable = matches!(detail, "unknown key" | "bad value");
                if !recoverable || !line.is_some_and(|l| set_aside(text.to_mut(), l)) {
                    return (None, problems);
                }
            }
        }
    }
    problems.push(Finding::invalid(
        "too many problems",
        file,
        None,
        format!("{what} has more than {MAX_PROBLEMS} problems, so reading stopped: correct these and check again"),
    ));
    (None, problems)
}

/// The line (1-based, counted by line feeds) of the first carriage return that no line
/// feed follows. YAML and markdown end a line there and `str::lines` does not, so in such
/// a file the parser's line numbers and the file's lines would not be the same lines.
pub fn lone_carriage_return(text: &str) -> Option<u32> {
    let bytes = text.as_bytes();
    let at = text
        .match_indices('\r')
        .map(|(at, _)| at)
        .find(|&at| bytes.get(at + 1) != Some(&b'\n'))?;
    Some(bytes[..at].iter().filter(|&&b| b == b'\n').count() as u32 + 1)
}

pub fn lone_carriage_return_problem(file: &str, line: u32) -> Finding {
    Finding::invalid(
        "bad line ending",
        file,
        Some(line),
        "this line has a carriage return without a line feed (an old Mac line ending, or a stray control character): save the file with LF or CRLF line endings",
    )
}

/// How many problems one file may report before reading it stops.
const MAX_PROBLEMS: usize = 100;

/// Blanks the key on `line` (1-based) and the lines of its value, keeping a sequence
/// item's `-` so the list keeps its shape. Lines in flow style are left alone: removing
/// part of one would say more about the cut than about the data. `false` if nothing
/// could be set aside.
fn set_aside(text: &mut String, line: u32) -> bool {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    let Some(target) = lines.get(line as usize - 1) else {
        return false;
    };
    if target.contains(['{', '[']) || target.trim().is_empty() {
        return false;
    }
    let indent = target.len() - target.trim_start().len();
    let item = target
        .trim_start()
        .strip_prefix("- ")
        .filter(|rest| rest.contains(':'));
    // Only a `key:` line (not a list item) can own a list written at its own indent.
    let is_key = !target.trim_start().starts_with('-') && target.contains(':');
    let (kept, column) = match item {
        Some(rest) => (
            format!("{}-", &target[..indent]),
            target.len() - rest.trim_start().len(),
        ),
        None => (String::new(), indent),
    };
    lines[line as usize - 1] = kept;
    for next in lines.iter_mut().skip(line as usize) {
        let depth = next.len() - next.trim_start().len();
        let rest = next.trim_start();
        // A key's list may sit at the key's own indent: `lines:` then `- ext: ...`.
        let own_list = is_key && depth == column && (rest == "-" || rest.starts_with("- "));
        if !rest.is_empty() && depth <= column && !own_list {
            break;
        }
        next.clear();
    }
    *text = lines.join("\n");
    text.push('\n');
    true
}

/// A value with where it was written: what the loaders keep of serde-saphyr's
/// `Spanned<T>`, and what the fast reader of unit files ([`super::fast`]) makes itself.
#[derive(Debug, Clone, PartialEq)]
pub struct Spot<T> {
    pub value: T,
    /// 1-based; `None` when the parser could not tell.
    pub line: Option<u32>,
    /// 1-based.
    pub column: u32,
}

impl<'de, T: serde::Deserialize<'de>> serde::Deserialize<'de> for Spot<T> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let spanned = Spanned::<T>::deserialize(deserializer)?;
        Ok(Spot {
            line: Some(spanned.referenced.line() as u32).filter(|&l| l > 0),
            column: spanned.referenced.column() as u32,
            value: spanned.value,
        })
    }
}

/// The 1-based line of a value (`None` when the parser could not tell).
pub fn line_of<T>(spot: &Spot<T>) -> Option<u32> {
    spot.line
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// Names the case and rewrites serde's wording into what to change.
fn explain(message: &str, what: &str, source: Option<&str>) -> (&'static str, String) {
    // The value as written, quoted, when the line is a plain `key: value`.
    let written = match source.map(str::trim).map(|l| l.trim_start_matches("- ")) {
        Some(l) if l.contains(": ") && !l.contains(['{', '[']) => format!("`{l}` "),
        _ => "the value on this line ".to_string(),
    };
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ");
        return (
            "unknown key",
            format!(
                "unknown key {field} in {what}: remove it or correct its spelling (allowed keys: {expected})"
            ),
        );
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return ("missing key", format!("{what} has no {field}: add it"));
    }
    if message.contains("untagged enum RawCapacity") {
        return (
            "bad value",
            "`capacity` must be a whole number (all lines) or a map of cohort to number, like {college: 250}".to_string(),
        );
    }
    let expected = match message {
        m if m.starts_with("invalid u") => Some("a whole number, 0 or more"),
        m if m.starts_with("invalid i") => Some("a whole number"),
        m if m.starts_with("invalid f") => Some("a number"),
        m if m.starts_with("expected sequence") => {
            Some("a list, like `[a, b]` or one `- item` a line")
        }
        m if m.starts_with("expected mapping") => Some("a map of `key: value` entries"),
        m if m.starts_with("expected string") || m.starts_with("expected scalar") => {
            Some("text or a number (not a list or map)")
        }
        _ => None,
    };
    if let Some(expected) = expected {
        return (
            "bad value",
            format!("{written}is not {expected}: correct the value"),
        );
    }
    if message.starts_with("invalid boolean") {
        return (
            "bad value",
            format!("{written}is not true or false: write `true` or `false`"),
        );
    }
    if message.starts_with("invalid type") || message.starts_with("invalid value") {
        return (
            "bad value",
            format!("{written}{message} in {what}: correct the value"),
        );
    }
    if message.starts_with("duplicate mapping key") {
        let key = message
            .trim_start_matches("duplicate mapping key: ")
            .split(',')
            .next()
            .unwrap_or("");
        return (
            "YAML syntax",
            format!("the key `{key}` is written twice in {what}: keep one"),
        );
    }
    if message.starts_with("unexpected end of input") {
        return (
            "YAML syntax",
            format!("{what} is empty or ends too early: complete it"),
        );
    }
    (
        "YAML syntax",
        format!("YAML syntax: {message}: correct the YAML"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Thing {
        name: String,
        #[serde(default)]
        flag: bool,
        #[serde(default)]
        count: u32,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct List {
        name: String,
        items: Vec<Thing>,
    }

    #[test]
    fn every_unknown_key_and_bad_value_is_reported() {
        let yaml = "name: a\nnmae: b\nitems:\n  - name: x\n    flga: true\n  - nmae: y\n    name: z\n  - name: w\n    flag: maybe\n    extra:\n      deep: 1\n";
        let (value, problems) = parse::<List>("x.yaml", yaml, "the list");
        let lines: Vec<u32> = problems.iter().filter_map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 5, 6, 9, 10]);
        let value = value.unwrap();
        assert_eq!(value.items.len(), 3);
        // A syntax error still ends the file.
        let (value, problems) = parse::<List>("x.yaml", "name: [a\n", "the list");
        assert!(value.is_none() && problems.len() == 1);
    }

    #[test]
    fn a_list_at_the_keys_indent_is_set_aside_with_it() {
        let yaml = "name: a\nitem:\n- name: x\n- name: y\nitems:\n- name: z\n  flag: maybe\n";
        let (_, problems) = parse::<List>("x.yaml", yaml, "the list");
        let lines: Vec<u32> = problems.iter().filter_map(|p| p.line).collect();
        assert_eq!(lines, vec![2, 7], "{problems:#?}");
    }

    #[test]
    fn a_bad_list_item_is_reported_once() {
        let yaml = "name: a\nitems:\n  - ~\n  - name: b\n";
        let (_, problems) = parse::<List>("x.yaml", yaml, "the list");
        assert_eq!(problems.len(), 1, "{problems:#?}");
    }

    /// Found by fuzzing: YAML ends a line at a carriage return alone, `str::lines` does
    /// not, so such a file was read with lines nobody sees (an error on line 125 of an
    /// 18-line file) and its entries set aside by the wrong lines.
    #[test]
    fn a_carriage_return_alone_is_refused_at_its_line() {
        let yaml = "name: a\ncount: 1\r\r\rflag: maybe\n";
        let (value, problems) = parse::<Thing>("x.yaml", yaml, "the thing");
        assert!(value.is_none());
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, Some(2));
        assert!(
            problems[0].message.contains("carriage return"),
            "{problems:#?}"
        );
        // Windows line endings are fine.
        let (value, problems) = parse::<Thing>("x.yaml", "name: a\r\nflag: true\r\n", "x");
        assert!(value.is_some() && problems.is_empty(), "{problems:#?}");
    }

    #[test]
    fn errors_name_the_case_and_the_line() {
        let cases = [
            (
                "name: a\nflga: true\n",
                "unknown key",
                2,
                "unknown key `flga`",
            ),
            ("flag: true\n", "missing key", 1, "has no `name`"),
            (
                "name: a\nflag: maybe\n",
                "bad value",
                2,
                "`flag: maybe` is not true or false",
            ),
            ("name: [1, 2]\n", "bad value", 1, "is not text or a number"),
            (
                "name: a\ncount: -2\n",
                "bad value",
                2,
                "`count: -2` is not a whole number, 0 or more",
            ),
            ("name: a\n  bad: indent\n", "YAML syntax", 2, "YAML syntax"),
            ("name: a\nname: b\n", "YAML syntax", 2, "written twice"),
        ];
        for (yaml, detail, line, needle) in cases {
            let (_, problems) = parse::<Thing>("x.yaml", yaml, "the thing");
            let f = &problems[0];
            assert_eq!(f.detail.as_deref(), Some(detail), "{yaml}");
            assert_eq!(f.line, Some(line), "{yaml}");
            assert!(f.message.contains(needle), "{yaml}: {}", f.message);
        }
    }
}
