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
        match serde_saphyr::from_str_with_options(&text, options(&text)) {
            Ok(value) => return (Some(value), problems),
            Err(err) => {
                let line = err
                    .location()
                    .map(|loc| loc.line() as u32)
                    .filter(|&l| l > 0);
                let raw = err.without_snippet().to_string();
                let finding = explain(strip_position(&raw), what, file, &text, line);
                let detail = finding.detail.clone().unwrap_or_default();
                // A value set aside can fail again at the same place: say it once.
                if !problems.contains(&finding) {
                    problems.push(finding);
                }
                let recoverable = matches!(detail.as_str(), "unknown key" | "bad value");
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
        format!(
            "{what} has more than {MAX_PROBLEMS} problems, so reading stopped: correct these \
            and check again"
        ),
    ));
    (None, problems)
}

/// Parses a whole file, reporting its problems; `None` if it could not be read at all.
pub fn parse_or_report<T: DeserializeOwned>(
    file: &str,
    text: &str,
    what: &str,
    problems: &mut Vec<Finding>,
) -> Option<T> {
    let (value, found) = parse(file, text, what);
    problems.extend(found);
    value
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
        "this line has a carriage return without a line feed (an old Mac line ending, or a stray \
            control character): save the file with LF or CRLF line endings",
    )
}

/// How many problems one file may report before reading it stops.
const MAX_PROBLEMS: usize = 100;

/// serde-saphyr's limits, scaled to `text`: a YAML value takes at least two bytes unless
/// an alias repeats it, so a file of honest values never needs more nodes or events than
/// that, however long it is. An alias bomb (a few lines that expand a billionfold) is still
/// refused, since its expansion outgrows any count its size allows.
fn options(text: &str) -> serde_saphyr::Options {
    let default = serde_saphyr::Budget::default();
    serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_nodes: default.max_nodes.max(text.len()),
            max_events: default.max_events.max(2 * text.len()),
        },
    }
}

/// A finding at the first value that a YAML escape (`"\e"`, `"\x1b"`, `"\u0000"`) makes
/// hold a control character: the text itself is checked for them as it is read.
pub fn escaped_control(file: &str, text: &str) -> Option<Finding> {
    // Only double-quoted text has escapes, and every escape starts with a backslash.
    if !text.contains('\\') {
        return None;
    }
    let mut parser = granit_parser::Parser::new_from_str(text);
    while let Some(Ok((event, span))) = parser.next_event() {
        if let granit_parser::Event::Scalar(value, ..) = event
            && let Some(c) = value.chars().find(|&c| super::input::is_forbidden(c))
        {
            let line = (span.start.line() as u32).max(1);
            return Some(super::input::control_character(file, line, c));
        }
    }
    None
}

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

/// What an unknown key's message says before the key it was most likely meant to be.
const MEANT: &str = ": did you mean `";

/// The key that the unknown key of `finding` (from [`parse`]) was most likely meant to be.
/// The loaders use it not to report that key missing as well.
pub fn meant_key(finding: &Finding) -> Option<&str> {
    if finding.detail.as_deref() != Some("unknown key") {
        return None;
    }
    let (_, rest) = finding.message.split_once(MEANT)?;
    rest.strip_suffix("`?")
}

/// The finding for serde-saphyr's error `message`, noticed on `line` of `text`: names the
/// case and rewrites serde's wording into what to change.
fn explain(message: &str, what: &str, file: &str, text: &str, line: Option<u32>) -> Finding {
    if let Some(rest) = message.strip_prefix("unknown field ") {
        let (field, expected) = rest.split_once(", expected ").unwrap_or((rest, ""));
        let expected = expected.trim_start_matches("one of ");
        let allowed = expected.split(", ").map(|k| k.trim_matches('`'));
        // A key already written in the same entry is not what was meant: it would be twice.
        let written = line.map(|l| mapping_keys(text, l)).unwrap_or_default();
        let meant = crate::suggest::nearest(
            field.trim_matches('`'),
            allowed.filter(|k| !written.contains(k)),
        );
        let message = match meant {
            Some(key) => format!("unknown key {field} in {what}{MEANT}{key}`?"),
            None => format!(
                "unknown key {field} in {what}: remove it or correct its spelling (allowed keys: \
                    {expected})"
            ),
        };
        return Finding::invalid("unknown key", file, line, message);
    }
    let source = line.and_then(|l| text.lines().nth(l as usize - 1));
    let (detail, message) = explain_value(message, what, source);
    // The parser notices an unclosed bracket only where the text goes on without it.
    if detail == "YAML syntax"
        && let Some((opened, bracket)) = unclosed_bracket(text, line)
    {
        let (close, last) = match bracket {
            '[' => (']', "the list's last item"),
            _ => ('}', "the map's last entry"),
        };
        return Finding::invalid(
            "YAML syntax",
            file,
            Some(opened),
            format!("the `{bracket}` on this line is never closed: add `{close}` after {last}"),
        );
    }
    Finding::invalid(detail, file, line, message)
}

/// A `[` or `{` that is never closed, with its line: the first found, if it opened at or
/// before `noticed` (the line where the parser found a problem; `None`: at the end).
/// Brackets in quotes, comments, block scalars and plain text are text, not flow
/// collections; a flow collection ends, closed or not, where a line is indented no deeper
/// than the line it opened on.
fn unclosed_bracket(text: &str, noticed: Option<u32>) -> Option<(u32, char)> {
    // The open brackets: each with its line, and the indent of the line the outermost
    // opened on.
    let mut open: Vec<(char, u32)> = Vec::new();
    let mut outer_indent = 0;
    let mut quote: Option<char> = None;
    // The indent of the line whose `|` or `>` text runs on the lines below.
    let mut block_scalar: Option<usize> = None;
    let found = |open: &[(char, u32)]| {
        let &(bracket, line) = open.last()?;
        noticed.is_none_or(|n| line <= n).then_some((line, bracket))
    };
    for (i, line) in text.lines().enumerate() {
        let number = i as u32 + 1;
        let indent = line.len() - line.trim_start_matches(' ').len();
        let content = line.trim();
        if let Some(key_indent) = block_scalar {
            if content.is_empty() || indent > key_indent {
                continue;
            }
            block_scalar = None;
        }
        if quote.is_none() && (content.is_empty() || content.starts_with('#')) {
            continue;
        }
        let start = if !open.is_empty() || quote.is_some() {
            if quote.is_none() && indent <= outer_indent {
                return found(&open);
            }
            0
        } else {
            match value_start(line) {
                Some(at) if line[at..].starts_with(['|', '>']) => {
                    block_scalar = Some(indent);
                    continue;
                }
                Some(at) => at,
                None => continue,
            }
        };
        let mut chars = line[start..].chars().peekable();
        // Whether the next character begins a node, where a quote opens a quoted scalar.
        let mut at_node = true;
        let mut after_space = true;
        while let Some(c) = chars.next() {
            match (quote, c) {
                (Some('"'), '\\') => {
                    chars.next();
                }
                (Some('\''), '\'') if chars.peek() == Some(&'\'') => {
                    chars.next();
                }
                (Some(q), c) if c == q => quote = None,
                (Some(_), _) => {}
                (None, '#') if after_space => break,
                (None, '"' | '\'') if at_node => quote = Some(c),
                (None, '[' | '{') => {
                    if open.is_empty() {
                        outer_indent = indent;
                    }
                    open.push((c, number));
                }
                (None, ']' | '}') => {
                    let wanted = if c == ']' { '[' } else { '{' };
                    match open.last() {
                        Some(&(top, _)) if top == wanted => {
                            open.pop();
                        }
                        Some(_) => return found(&open),
                        None => {}
                    }
                }
                _ => {}
            }
            after_space = c == ' ' || c == '\t';
            if quote.is_none() {
                at_node = matches!(c, '[' | '{' | ',' | ':') || (at_node && after_space);
            }
            // Back in block context: what follows on the line is not a flow collection.
            if open.is_empty() && quote.is_none() {
                break;
            }
        }
    }
    found(&open)
}

/// Where the value on a block-context `line` begins, if it is one that can run on: a flow
/// collection, a quoted scalar, or a block scalar's `|` or `>`.
fn value_start(line: &str) -> Option<usize> {
    let mut at = line.len() - line.trim_start().len();
    while let Some(rest) = line[at..].strip_prefix('-') {
        if !rest.starts_with(' ') {
            break;
        }
        at = line.len() - rest.trim_start().len();
    }
    let rest = &line[at..];
    if !rest.starts_with(['[', '{', '"', '\'']) {
        let key_end = rest.find(": ")?;
        at += key_end + 2;
        at = line.len() - line[at..].trim_start().len();
    }
    line[at..]
        .starts_with(['[', '{', '"', '\'', '|', '>'])
        .then_some(at)
}

/// A block-context line's key: its column (0-based, after any `- `), its name (empty when
/// the line holds no key) and whether the line starts a list item. `None` for a blank or
/// comment line.
fn key_at(line: &str) -> Option<(usize, &str, bool)> {
    let indent = line.len() - line.trim_start().len();
    let content = line.trim();
    if content.is_empty() || content.starts_with('#') {
        return None;
    }
    let (column, rest, item) = match content.strip_prefix('-') {
        Some("") => (indent + 2, "", true),
        Some(rest) if rest.starts_with(' ') => (
            indent + 1 + (rest.len() - rest.trim_start().len()),
            rest.trim_start(),
            true,
        ),
        _ => (indent, content, false),
    };
    let key = match rest.split_once(": ") {
        Some((key, _)) => key,
        None => rest.strip_suffix(':').unwrap_or(""),
    };
    Some((column, key.trim(), item))
}

/// The line on which the entry holding the key on `line` (1-based) begins: its list
/// item's line, the line of the key it is the value of, or 1 for the top level. A line
/// without a key is its own entry.
pub fn entry_line(text: &str, line: u32) -> u32 {
    let lines: Vec<&str> = text.lines().collect();
    let here = (line as usize).checked_sub(1).and_then(|i| lines.get(i));
    let Some((column, _, item)) = here.and_then(|l| key_at(l)) else {
        return line;
    };
    if item {
        return line;
    }
    for (i, above) in lines[..line as usize - 1].iter().enumerate().rev() {
        match key_at(above) {
            Some((c, _, item)) if c < column || (item && c == column) => return i as u32 + 1,
            _ => {}
        }
    }
    1
}

/// The keys of the block mapping that holds the key on `line` (1-based); none when the
/// line is in flow style, whose keys are not told apart here.
fn mapping_keys(text: &str, line: u32) -> Vec<&str> {
    let here = (line as usize)
        .checked_sub(1)
        .and_then(|i| text.lines().nth(i))
        .filter(|l| !l.contains(['{', '[']));
    let Some((column, _, _)) = here.and_then(key_at) else {
        return Vec::new();
    };
    let start = entry_line(text, line) as usize - 1;
    let mut keys = Vec::new();
    for (i, l) in text.lines().enumerate().skip(start) {
        let Some((c, key, item)) = key_at(l) else {
            continue;
        };
        match (i == start, c.cmp(&column)) {
            // The key whose value the mapping is.
            (true, std::cmp::Ordering::Less) => {}
            (_, std::cmp::Ordering::Greater) => {}
            (first, std::cmp::Ordering::Equal) if first || !item => keys.push(key),
            _ => break,
        }
    }
    keys
}

/// Rewrites serde's wording about a value into what to change.
fn explain_value(message: &str, what: &str, source: Option<&str>) -> (&'static str, String) {
    if let Some(breach) = message.strip_prefix("budget breached: ") {
        let limit = breach.split([' ', '{']).next().unwrap_or(breach);
        let message = if limit == "Depth" {
            format!(
                "{what} nests lists and maps more than 64 deep: no site needs that, so flatten it"
            )
        } else {
            format!(
                "{what} expands to far more values than it holds ({limit} limit reached), as \
                    `&anchors` and `*aliases` that repeat each other do: write the values out \
                        instead"
            )
        };
        return ("YAML too large", message);
    }
    // The value as written, quoted, when the line is a plain `key: value`.
    let written = match source.map(str::trim).map(|l| l.trim_start_matches("- ")) {
        Some(l) if l.contains(": ") && !l.contains(['{', '[']) => format!("`{l}` "),
        _ => "the value on this line ".to_string(),
    };
    if let Some(field) = message.strip_prefix("missing field ") {
        return ("missing key", format!("{what} has no {field}: add it"));
    }
    if message.contains("untagged enum RawCapacity") {
        return (
            "bad value",
            "`capacity` must be a whole number (all lines) or a map of cohort to number, like \
                {college: 250}"
                .to_string(),
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
        #[serde(default)]
        tags: Vec<String>,
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
        let yaml = "name: a\nnmae: b\nitems:\n  - name: x\n    flga: true\n  - nmae: y\n    name: \
            z\n  - name: w\n    flag: maybe\n    extra:\n      deep: 1\n";
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
    fn big_honest_files_read_and_alias_bombs_do_not() {
        // 28,000 entries of 13 values each: over serde-saphyr's default of 250,000 nodes.
        let mut yaml = String::from("name: big\nitems:\n");
        for i in 0..28_000 {
            yaml.push_str(&format!("  - {{name: n{i}, flag: true, count: {i}}}\n"));
        }
        yaml.push_str("  - {name: last, flga: true}\n");
        let (_, problems) = parse::<List>("x.yaml", &yaml, "the list");
        assert_eq!(problems.len(), 1, "{problems:#?}");
        assert_eq!(problems[0].line, Some(28_003));
        assert!(problems[0].message.contains("unknown key `flga`"));

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let refs = vec![format!("*a{}", i - 1); 10].join(", ");
            bomb.push_str(&format!("a{i}: &a{i} [{refs}]\n"));
        }
        let (value, problems) = parse::<serde::de::IgnoredAny>("x.yaml", &bomb, "the list");
        assert!(value.is_none());
        assert_eq!(
            problems[0].detail.as_deref(),
            Some("YAML too large"),
            "{problems:#?}"
        );
        assert!(
            problems[0].message.contains("write the values out instead"),
            "{}",
            problems[0].message
        );
    }

    #[test]
    fn escapes_that_make_control_characters_are_found() {
        for (yaml, line) in [
            ("a: 1\nb: \"x\\e[2J\"\n", Some(2)),
            ("a: \"\\x00\"\n", Some(1)),
            ("a: \"\\u0085\"\n", Some(1)),
            ("a: \"tab\\there\"\nb: 'back\\slash'\n", None),
        ] {
            let found = escaped_control("x.yaml", yaml).map(|f| f.line.unwrap());
            assert_eq!(found, line, "{yaml}");
        }
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
    fn a_misspelt_key_gets_the_nearest_allowed_key() {
        let cases = [
            ("name: a\nflga: true\n", Some("flag")),
            ("name: a\ncuont: 2\n", Some("count")),
            // Far from every key: no guess, the list instead.
            ("name: a\ncolour: red\n", None),
            // `name` is written already, so `nmae` is not offered it.
            ("name: a\nnmae: b\n", None),
        ];
        for (yaml, want) in cases {
            let (_, problems) = parse::<Thing>("x.yaml", yaml, "the thing");
            let f = &problems[0];
            assert_eq!(meant_key(f), want, "{yaml}");
            match want {
                Some(key) => assert!(
                    f.message.ends_with(&format!("did you mean `{key}`?")),
                    "{yaml}: {}",
                    f.message
                ),
                None => assert!(
                    f.message.contains("allowed keys") && !f.message.contains("did you mean"),
                    "{yaml}: {}",
                    f.message
                ),
            }
        }
        // In a list item, the item's own keys are the ones that count.
        let yaml = "name: a\nitems:\n  - name: x\n    nmae: y\n  - nmae: z\n    flag: true\n";
        let (_, problems) = parse::<List>("x.yaml", yaml, "the list");
        let found: Vec<_> = problems.iter().map(|p| (p.line, meant_key(p))).collect();
        assert_eq!(found[..2], [(Some(4), None), (Some(5), Some("name"))]);
        // In flow style, the line's block mapping is not the key's.
        let (_, problems) = parse::<List>("x.yaml", "name: a\nitems: [{nmae: x}]\n", "the list");
        assert_eq!(meant_key(&problems[0]), Some("name"));
    }

    #[test]
    fn an_unclosed_bracket_is_reported_where_it_opened() {
        let cases = [
            // Noticed on the next line, as "`-` is only valid inside a block".
            (
                "name: a\nitems:\n  - name: x\n    tags: [a, b\n  - name: y\n",
                4,
                "`[`",
                "add `]`",
            ),
            ("items: [{name: x}\nname: a\n", 1, "`[`", "add `]`"),
            (
                "name: a\nitems:\n  - {name: x, flag: true\n  - name: y\n",
                3,
                "`{`",
                "add `}`",
            ),
            (
                "name: a\nitems: [{name: x}, {name: y}\n",
                2,
                "`[`",
                "add `]`",
            ),
            (
                "name: a\nitems: [{name: x, flag: true]\n",
                2,
                "`{`",
                "add `}`",
            ),
        ];
        for (yaml, line, bracket, fix) in cases {
            let (_, problems) = parse::<List>("x.yaml", yaml, "the list");
            let f = &problems[0];
            assert_eq!(f.line, Some(line), "{yaml}: {}", f.message);
            assert!(
                f.message.contains(bracket)
                    && f.message.contains("never closed")
                    && f.message.contains(fix),
                "{yaml}: {}",
                f.message
            );
        }
    }

    #[test]
    fn brackets_are_found_only_where_yaml_opens_them() {
        // (text, where the parser noticed a problem, the unclosed bracket's line)
        let cases = [
            ("a: [1, 2\nb: c\n", Some(2), Some(1)),
            ("a: {x: 1,\n  y: 2}\nb: [1\nc: d\n", Some(4), Some(3)),
            // Closed over two lines: not the problem.
            ("a: {x: 1,\n  y: 2}\nb: c\n  d: e\n", Some(4), None),
            // In quotes, a comment, a block scalar or plain text, a bracket is text.
            ("a: \"[x\"\nb: 'y{'\nc: [1\nd: e\n", Some(4), Some(3)),
            ("a: b # [note\nc: [1\nd: e\n", Some(3), Some(2)),
            ("a: |\n  [text\nc: {x: 1\nd: e\n", Some(4), Some(3)),
            ("a: Phones [new\nb: c\n  d: e\n", Some(3), None),
            ("- [1, 'it''s ]'\n- b\n", Some(2), Some(1)),
            // Opened after the problem the parser noticed: that problem comes first.
            ("a: b\n  c: d\ne: [1\n", Some(2), None),
            // Unclosed at the end of the text.
            ("a: [1, {b: 2}", None, Some(1)),
        ];
        for (text, noticed, want) in cases {
            let got = unclosed_bracket(text, noticed).map(|(line, _)| line);
            assert_eq!(got, want, "{text}");
        }
    }

    #[test]
    fn entries_start_at_their_item_or_the_top() {
        let text = "# site\ntitle: a\ncoordinator:\n  name: b\nlines:\n  - ext: 1\n    holder: \
            c\n\n    uses:\n      - x\n    email: d\n  -\n    holder: e\n";
        let cases = [
            (1, 1),
            (2, 1),
            (4, 3),
            (5, 1),
            (6, 6),
            (7, 6),
            (11, 6),
            (12, 12),
            (13, 12),
        ];
        for (line, entry) in cases {
            assert_eq!(entry_line(text, line), entry, "line {line}");
        }
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
