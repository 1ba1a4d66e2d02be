//! A fast reader for unit files of the usual shape, straight from granit-parser's events
//! (the YAML parser under serde-saphyr), for the largest part of every load.
//!
//! serde-saphyr reads a unit file at about 25 MB/s; most of that time is its serde layer
//! over the parser's events, not the parser (the events alone come twice as fast). This
//! reader accepts only what it can read exactly as serde-saphyr does: the keys of a unit,
//! plain scalars that cannot be anything but text, quoted text, `true`/`false`, whole
//! numbers, in block or flow style. Anything else (an unknown or repeated key, a null, an
//! anchor, an alias, a tag, a block scalar, a number where text is expected, a YAML error)
//! declines the file (`None`), and serde-saphyr reads it, reporting its problems as
//! always. A test holds the two readers to the same result on every file this one reads.

use std::borrow::Cow;

use granit_parser::{Event, Parser, ScalarStyle, Span};

use super::unit::{RawCoordinator, RawGroup, RawLine, RawUnit};
use super::yaml::Spot;

/// A unit file read, or `None` if it is not of the shape this reader takes.
pub(super) fn unit(text: &str) -> Option<RawUnit> {
    // serde-saphyr refuses such a file, saying where.
    if super::yaml::lone_carriage_return(text).is_some() {
        return None;
    }
    let mut r = Reader {
        events: Parser::new_from_str(text),
    };
    r.expect(|e| matches!(e, Event::StreamStart))?;
    r.expect(|e| matches!(e, Event::DocumentStart(..)))?;
    r.mapping_start()?;
    let mut unit = RawUnit::default();
    let mut seen = Keys::default();
    while let Some(key) = r.key()? {
        match seen.first(key)? {
            "name" => unit.name = Some(r.text()?.value),
            "cohort" => unit.cohort = Some(r.text()?),
            "separate_teams" => unit.separate_teams = r.flag()?,
            "coordinator" => unit.coordinator = Some(r.coordinator()?),
            "responded" => unit.responded = Some(r.text()?),
            "lines" => unit.lines = r.list(Reader::line)?,
            "groups" => unit.groups = r.list(Reader::group)?,
            _ => return None,
        }
    }
    r.expect(|e| matches!(e, Event::DocumentEnd))?;
    r.expect(|e| matches!(e, Event::StreamEnd))?;
    Some(unit)
}

/// Panics if this reader reads `text` otherwise than serde-saphyr does: the oracle of the
/// `unit` fuzz target, since a difference would make a file mean one thing or another
/// depending on which reader took it.
pub(crate) fn assert_read_alike(text: &str) {
    if let Some(fast) = unit(text) {
        let full: Option<RawUnit> = serde_saphyr::from_str(text).ok();
        assert_eq!(
            Some(fast),
            full,
            "the fast reader and serde-saphyr read this unit file differently:\n{text}"
        );
    }
}

struct Reader<'a> {
    events: Parser<'a, granit_parser::StrInput<'a>>,
}

/// The keys of one mapping: each may be written once.
#[derive(Default)]
struct Keys(Vec<&'static str>);

impl Keys {
    /// The key as a `'static` name, if it was not seen before in this mapping.
    fn first(&mut self, key: Cow<'_, str>) -> Option<&'static str> {
        let name = *KEYS.iter().find(|k| ***k == *key)?;
        if self.0.contains(&name) {
            return None;
        }
        self.0.push(name);
        Some(name)
    }
}

/// Every key of a unit file, its coordinator, lines and groups.
const KEYS: &[&str] = &[
    "name",
    "cohort",
    "separate_teams",
    "coordinator",
    "responded",
    "lines",
    "groups",
    "email",
    "ext",
    "holder",
    "ms_teams",
    "uses",
    "pilot",
    "critical",
    "contact_centre",
    "decision",
    "requested",
    "tranche",
    "id",
    "kind",
    "members",
    "manager",
];

impl<'a> Reader<'a> {
    fn next(&mut self) -> Option<(Event<'a>, Span)> {
        self.events.next_event()?.ok()
    }

    fn expect(&mut self, wanted: impl Fn(&Event) -> bool) -> Option<()> {
        let (event, _) = self.next()?;
        wanted(&event).then_some(())
    }

    /// The start of a mapping without anchor or tag; its place.
    fn mapping_start(&mut self) -> Option<Span> {
        match self.next()? {
            (Event::MappingStart(_, 0, None), span) => Some(span),
            _ => None,
        }
    }

    /// The next key of the mapping being read, or `None` at its end (`Some(None)`).
    fn key(&mut self) -> Option<Option<Cow<'a, str>>> {
        match self.next()? {
            (Event::MappingEnd, _) => Some(None),
            (Event::Scalar(key, ScalarStyle::Plain, 0, None), _) => Some(Some(key)),
            _ => None,
        }
    }

    /// A scalar without anchor or tag.
    fn scalar(&mut self) -> Option<(Cow<'a, str>, ScalarStyle, Span)> {
        match self.next()? {
            (Event::Scalar(value, style, 0, None), span) => Some((value, style, span)),
            _ => None,
        }
    }

    /// Text: quoted, or plain and unable to mean anything else.
    fn text(&mut self) -> Option<Spot<String>> {
        let (value, style, span) = self.scalar()?;
        let plain_text = style == ScalarStyle::Plain && is_plain_text(&value);
        let quoted = matches!(style, ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted);
        (quoted || plain_text).then(|| spot(value.into_owned(), &span))
    }

    fn flag(&mut self) -> Option<bool> {
        match self.scalar()? {
            (value, ScalarStyle::Plain, _) if value == "true" => Some(true),
            (value, ScalarStyle::Plain, _) if value == "false" => Some(false),
            _ => None,
        }
    }

    /// `true` or `false`, with where it was written.
    fn flag_at(&mut self) -> Option<Spot<bool>> {
        let (value, style, span) = self.scalar()?;
        match (style, &*value) {
            (ScalarStyle::Plain, "true") => Some(spot(true, &span)),
            (ScalarStyle::Plain, "false") => Some(spot(false, &span)),
            _ => None,
        }
    }

    /// A whole number 0 or more, written plainly without leading zeros.
    fn number(&mut self) -> Option<Spot<u32>> {
        let (value, style, span) = self.scalar()?;
        let digits = !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit());
        if style != ScalarStyle::Plain || !digits || (value.len() > 1 && value.starts_with('0')) {
            return None;
        }
        Some(spot(value.parse().ok()?, &span))
    }

    /// A sequence of items each read by `item`.
    fn list<T>(&mut self, mut item: impl FnMut(&mut Self) -> Option<T>) -> Option<Vec<T>> {
        match self.next()? {
            (Event::SequenceStart(_, 0, None), _) => {}
            _ => return None,
        }
        let mut items = Vec::new();
        loop {
            // An item starts with its own event, so the end is seen before reading it.
            if let Some(Ok((Event::SequenceEnd, _))) = self.events.peek() {
                self.next()?;
                return Some(items);
            }
            items.push(item(self)?);
        }
    }

    fn texts(&mut self) -> Option<Vec<Spot<String>>> {
        self.list(Reader::text)
    }

    fn coordinator(&mut self) -> Option<RawCoordinator> {
        self.mapping_start()?;
        let mut coordinator = RawCoordinator::default();
        let mut seen = Keys::default();
        while let Some(key) = self.key()? {
            match seen.first(key)? {
                "name" => coordinator.name = Some(self.text()?.value),
                "email" => coordinator.email = Some(self.text()?.value),
                _ => return None,
            }
        }
        Some(coordinator)
    }

    fn line(&mut self) -> Option<Spot<RawLine>> {
        let at = self.mapping_start()?;
        let mut line = RawLine::default();
        let mut seen = Keys::default();
        while let Some(key) = self.key()? {
            match seen.first(key)? {
                "ext" => line.ext = Some(self.text()?),
                "holder" => line.holder = Some(self.text()?.value),
                "email" => line.email = Some(self.text()?.value),
                "ms_teams" => line.ms_teams = Some(self.flag_at()?),
                "uses" => line.uses = self.texts()?,
                "pilot" => line.pilot = self.flag()?,
                "critical" => line.critical = self.flag()?,
                "contact_centre" => line.contact_centre = self.flag()?,
                "decision" => line.decision = Some(self.text()?),
                "requested" => line.requested = Some(self.text()?),
                "tranche" => line.tranche = Some(self.number()?),
                _ => return None,
            }
        }
        Some(spot(line, &at))
    }

    fn group(&mut self) -> Option<Spot<RawGroup>> {
        let at = self.mapping_start()?;
        let mut group = RawGroup::default();
        let mut seen = Keys::default();
        while let Some(key) = self.key()? {
            match seen.first(key)? {
                "id" => group.id = Some(self.text()?),
                "kind" => group.kind = Some(self.text()?),
                "members" => group.members = Some(self.texts()?),
                "manager" => group.manager = Some(self.text()?),
                _ => return None,
            }
        }
        Some(spot(group, &at))
    }
}

/// Where serde-saphyr says a value is: its first character, lines and columns from 1.
fn spot<T>(value: T, span: &Span) -> Spot<T> {
    Spot {
        value,
        line: Some(span.start.line() as u32).filter(|&l| l > 0),
        column: span.start.col() as u32 + 1,
    }
}

/// Whether a plain scalar can only be read as this text: it starts with a letter and is
/// no YAML word (`null`, `true`, `no`...), or it is a date (`2022-04-08`). Digits alone,
/// which YAML reads as a number, are not taken.
fn is_plain_text(value: &str) -> bool {
    let Some(first) = value.chars().next() else {
        return false;
    };
    let is_date = value.len() == 10
        && value.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let word = value.to_ascii_lowercase();
    let special =
        ["null", "true", "false", "yes", "no", "on", "off", "y", "n"].contains(&word.as_str());
    is_date || (first.is_alphabetic() && !special)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    /// What serde-saphyr makes of a unit file (`None` if it refuses it).
    fn serde_saphyr(text: &str) -> Option<RawUnit> {
        serde_saphyr::from_str(text).ok()
    }

    /// Whether the fast reader read `text`; when it did, it read it as serde-saphyr does.
    fn read_alike(text: &str) -> bool {
        match unit(text) {
            Some(fast) => {
                assert_eq!(Some(fast), serde_saphyr(text), "{text}");
                true
            }
            None => false,
        }
    }

    fn unit_files(dir: &Path) -> Vec<String> {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap())
            .filter(|e| e.path().extension().is_some_and(|x| x == "yaml"))
            .filter(|e| e.path().parent().is_some_and(|p| p.ends_with("units")))
            .filter_map(|e| {
                let text = String::from_utf8(std::fs::read(e.path()).unwrap());
                // Only the fixture of files that are not UTF-8 holds any: they are refused before
                // they are parsed.
                let expected = e.path().to_string_lossy().contains("/input-not-utf8/");
                assert!(text.is_ok() || expected, "{}", e.path().display());
                text.ok()
            })
            .collect()
    }

    #[test]
    fn reads_every_synthetic_unit_as_serde_saphyr_does() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        for seed in 1..=3 {
            let site = tempfile::tempdir().unwrap();
            crate::synthetic::write_site(site.path(), root, 40, 25, seed).unwrap();
            for text in unit_files(site.path()) {
                assert!(read_alike(&text), "declined:\n{text}");
            }
        }
    }

    #[test]
    fn reads_the_guides_and_fixtures_units_as_serde_saphyr_does_or_declines() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let bundled = unit_files(&root.join("data"));
        let read = bundled.iter().filter(|text| read_alike(text)).count();
        // The guide is written as people write: most of it takes the fast way.
        assert!(read * 2 > bundled.len(), "{read} of {}", bundled.len());
        for text in unit_files(&root.join("tests/fixtures")) {
            read_alike(&text);
        }
    }

    #[test]
    fn reads_flow_style_quotes_and_dates_alike() {
        let cases = [
            "name: Physics\ncohort: department\nresponded: 2022-04-08\nlines:\n  - {ext: \
                \"70123\", holder: 'Ada O''Brien', uses: [softphone, web-portal]}\n  - ext: \
                    \"70124\"\n    tranche: 3\n    ms_teams: true\n",
            "---\nname: \"Physics \\u00e9\"\ncohort: uas\ncoordinator: {name: Pat, email: \
                pat@example.ac.uk}\ngroups:\n  - id: reception\n    kind: hunt\n    members: \
                    [\"70123\", \"70124\"]\n...\n",
            "name: A multi\n  line name\nlines: []\ngroups: []\nseparate_teams: false\n",
        ];
        for text in cases {
            assert!(read_alike(text), "declined:\n{text}");
        }
    }

    /// Found by fuzzing: the parser ends a line at a carriage return alone, so the lines
    /// it gives would not be the file's lines as the rest of cutover counts them.
    #[test]
    fn declines_a_carriage_return_alone() {
        assert!(unit("name: Department\r  of Physics\ncohort: department\n").is_none());
        assert!(read_alike("name: Physics\r\ncohort: department\r\n"));
    }

    #[test]
    fn declines_what_it_cannot_read_exactly() {
        // Each declined file with what serde-saphyr then makes of it: the problem it
        // reports, or `None` where the file is good YAML that only the fast reader
        // does not take (serde-saphyr must read it, or the decline would lose a unit).
        let cases = [
            ("name: X\nlines:\n  - ext: 70123\n", None),
            ("name: X\nlines:\n  - ext: \"1\"\n    holder: ~\n", None),
            ("name: X\nlines:\n  - ext: \"1\"\n    holder:\n", None),
            ("name: &a X\ncohort: *a\n", None),
            ("name: &a X\n", None),
            ("name: X\nlines:\n  - &a {ext: \"1\"}\n", None),
            ("name: !!str X\n", None),
            ("name: X\nnmae: Y\n", Some("unknown field `nmae`")),
            ("name: X\nname: Y\n", Some("duplicate mapping key: name")),
            ("name: X\nseparate_teams: yes\n", None),
            (
                "name: X\nlines:\n  - ext: \"1\"\n    tranche: 007\n",
                Some("line 4 column 14: invalid u32"),
            ),
            ("name: |\n  X\n", None),
            ("name: X\ncohort: true\n", None),
            (
                "name: [X\n",
                Some("line 1 column 7: expected string scalar"),
            ),
            ("name: X\n---\nname: Y\n", Some("multiple YAML documents")),
            ("", None),
            ("- name: X\n", Some("expected mapping start")),
        ];
        for (text, problem) in cases {
            assert!(unit(text).is_none(), "read:\n{text}");
            let read = serde_saphyr::from_str::<RawUnit>(text);
            match (problem, read) {
                (Some(problem), Err(e)) => {
                    assert!(e.to_string().contains(problem), "{text}\n{e}")
                }
                (None, Ok(_)) => {}
                (problem, read) => panic!("{text}\nexpected {problem:?}, got {read:?}"),
            }
        }
    }
}
