//! Insertions, `{{ name }}`: the names cutover knows, and a text split at them.

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
    pub(super) fn parse(name: &str) -> Result<Insertion, String> {
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
    pub(super) fn is_block(self) -> bool {
        matches!(
            self,
            Insertion::Tranches | Insertion::Timeline | Insertion::CannotMove
        )
    }
}

/// The mistake of inserting a contact that site.yaml does not give.
pub const NO_CONTACT: &str = "`{{ contact }}` inserts the project's contact, but site.yaml has \
    none: add `contact: EMAIL` to site.yaml";

/// A piece of a text event: literal text, an insertion, or a mistake in one.
pub(super) enum Piece<'a> {
    Text(&'a str),
    Insert(Insertion, &'a str),
    Mistake(String),
}

/// Splits text at its insertions; every mistake in it is a piece of its own, so all of
/// them are reported.
pub(super) fn split_insertions(text: &str) -> Vec<Piece<'_>> {
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::markup::testing::render;

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
}
