//! YAML parsing with serde-saphyr, turning its errors into invalid-data findings.

use serde::de::DeserializeOwned;
use serde_saphyr::Spanned;

use crate::finding::Finding;

/// Parses one YAML file; a failure becomes a finding that points at the offending line.
pub fn parse<T: DeserializeOwned>(file: &str, text: &str, what: &str) -> Result<T, Finding> {
    serde_saphyr::from_str(text).map_err(|err| {
        let line = err
            .location()
            .map(|loc| loc.line() as u32)
            .filter(|&l| l > 0);
        let raw = err.without_snippet().to_string();
        let (detail, message) = explain(strip_position(&raw), what);
        Finding::invalid(detail, file, line, message)
    })
}

/// The 1-based line of a spanned value (`None` when the parser could not tell).
pub fn line_of<T>(spanned: &Spanned<T>) -> Option<u32> {
    Some(spanned.referenced.line() as u32).filter(|&l| l > 0)
}

fn strip_position(message: &str) -> &str {
    match message.rfind(" at line ") {
        Some(at) => &message[..at],
        None => message,
    }
}

/// Names the case and rewrites serde's wording into what to change.
fn explain(message: &str, what: &str) -> (&'static str, String) {
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
    if message.starts_with("invalid type")
        || message.starts_with("invalid value")
        || message.starts_with("invalid boolean")
    {
        return (
            "bad value",
            format!("{message} in {what}: correct the value"),
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
                "correct the value",
            ),
            ("name: [a\n", "YAML syntax", 1, "YAML syntax"),
            ("name: a\nname: b\n", "YAML syntax", 2, "written twice"),
        ];
        for (yaml, detail, line, needle) in cases {
            let f = parse::<Thing>("x.yaml", yaml, "the thing").unwrap_err();
            assert_eq!(f.detail.as_deref(), Some(detail), "{yaml}");
            assert_eq!(f.line, Some(line), "{yaml}");
            assert!(f.message.contains(needle), "{yaml}: {}", f.message);
        }
    }
}
