//! "Did you mean ...?": the valid name nearest to a mistyped one, when it is near enough
//! to be what was meant.

/// The longest name a suggestion is looked for.
const LONGEST: usize = 100;

/// " (did you mean `name`?)" with the [`nearest`] candidate, or nothing: to follow a
/// message's mention of `written`.
pub fn did_you_mean<'a>(written: &str, candidates: impl IntoIterator<Item = &'a str>) -> String {
    match nearest(written, candidates) {
        Some(near) => format!(" (did you mean `{near}`?)"),
        None => String::new(),
    }
}

/// The candidate `written` was most likely meant to be: the nearest by edit distance
/// (letters added, dropped, changed or swapped, case ignored), if that is at most a third
/// of the word (at least one edit) and no other candidate is as near. A guess that could
/// as well be another name, or that takes rewriting half the word, is no help.
pub fn nearest<'a>(
    written: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let length = written.chars().count();
    // Names are short; the distance takes length × length memory, and a value from a
    // file can be megabytes long.
    if length > LONGEST {
        return None;
    }
    let written = written.to_lowercase();
    let most = (length.max(3) / 3).max(1);
    let mut best: Option<(usize, &str)> = None;
    let mut tied = false;
    for candidate in candidates {
        // Farther than `most` by length alone, or too long to be a name.
        if candidate.chars().count().abs_diff(length) > most {
            continue;
        }
        let distance = strsim::damerau_levenshtein(&written, &candidate.to_lowercase());
        match best {
            // The same name listed twice is not a second guess.
            Some((d, seen)) if distance == d && seen != candidate => tied = true,
            Some((d, _)) if distance >= d => {}
            _ if distance <= most => {
                best = Some((distance, candidate));
                tied = false;
            }
            _ => {}
        }
    }
    best.filter(|_| !tied).map(|(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_values_are_not_compared() {
        let long = "a".repeat(1_000_000);
        assert_eq!(nearest(&long, [long.as_str()]), None);
        assert_eq!(nearest("move", [long.as_str(), "mvoe"]), Some("mvoe"));
    }

    #[test]
    fn near_names_are_suggested_and_far_ones_are_not() {
        let keys = [
            "title",
            "organisation",
            "response_deadline",
            "contact",
            "holidays",
        ];
        let cases = [
            ("respons_deadline", Some("response_deadline")),
            ("contacts", Some("contact")),
            ("Title", Some("title")),
            ("holdiays", Some("holidays")),
            ("organization", Some("organisation")),
            // Nothing like any of them.
            ("deadline", None),
            ("colour", None),
            ("x", None),
        ];
        for (written, want) in cases {
            assert_eq!(nearest(written, keys), want, "{written}");
        }
        // Two names as near: either could be meant, so neither is offered.
        assert_eq!(nearest("70103", ["70102", "70104"]), None);
        assert_eq!(nearest("70130", ["70103", "70444"]), Some("70103"));
        assert_eq!(
            nearest("tranche", ["tranches", "tranches"]),
            Some("tranches")
        );
        assert_eq!(nearest("a", [] as [&str; 0]), None);
    }
}
