//! Audience passages, `::: only` and `::: except`: finding them in a body, and the body
//! as one audience sees it.

use super::SyntaxError;

/// A `::: only` or `::: except` passage, by 0-based line index within the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    pub audiences: Vec<String>,
    pub except: bool,
    pub open: usize,
    pub close: usize,
}

impl Passage {
    fn shows_to(&self, audience: &str) -> bool {
        self.audiences.iter().any(|a| a == audience) != self.except
    }
}

fn fence_marker(line: &str) -> Option<&'static str> {
    let t = line.trim_start();
    if t.starts_with("```") {
        Some("```")
    } else if t.starts_with("~~~") {
        Some("~~~")
    } else {
        None
    }
}

/// Finds the passages of a body. Lines inside fenced code blocks are left alone.
/// `first_line` is the file's number for the body's first line: a message that points at
/// another line names it as the file does.
pub fn passages(body: &str, first_line: u32) -> Result<Vec<Passage>, Vec<SyntaxError>> {
    let (found, errors) = passages_and_mistakes(body, first_line);
    if errors.is_empty() {
        Ok(found)
    } else {
        Err(errors)
    }
}

/// [`passages`], with its mistakes beside what could be made of the body all the same, so
/// that the rest of a page can still be checked: a passage never closed runs to the end,
/// and a `:::` line that is a mistake is left as text.
pub fn passages_and_mistakes(body: &str, first_line: u32) -> (Vec<Passage>, Vec<SyntaxError>) {
    let mut found = Vec::new();
    let mut errors = Vec::new();
    let mut open: Option<(usize, Vec<String>, bool)> = None;
    let mut fence: Option<&str> = None;
    for (i, line) in body.lines().enumerate() {
        let err = |message: String| SyntaxError {
            line: i as u32 + 1,
            message,
        };
        if let Some(marker) = fence {
            if line.trim_start().starts_with(marker) {
                fence = None;
            }
            continue;
        }
        if let Some(marker) = fence_marker(line) {
            fence = Some(marker);
            continue;
        }
        let quoted = line
            .trim_start()
            .strip_prefix('>')
            .map(|q| q.trim_start_matches(['>', ' ']));
        if quoted.is_some_and(|q| q.starts_with(":::")) {
            errors.push(err(
                "a passage cannot start or end inside a `>` quote: put the `:::` lines outside it, \
                    around the whole quote".into(),
            ));
            continue;
        }
        let Some(rest) = line.trim().strip_prefix(":::") else {
            continue;
        };
        let words: Vec<&str> = rest.split([' ', ',']).filter(|w| !w.is_empty()).collect();
        match (words.as_slice(), &open) {
            ([], Some((start, audiences, except))) => {
                found.push(Passage {
                    audiences: audiences.clone(),
                    except: *except,
                    open: *start,
                    close: i,
                });
                open = None;
            }
            ([], None) => errors.push(err(
                "`:::` closes a passage, but none is open: remove it, or open one with `::: only \
                    AUDIENCE`"
                    .into(),
            )),
            ([kind @ ("only" | "except"), audiences @ ..], None) => {
                if audiences.is_empty() {
                    errors.push(err(format!(
                        "`::: {kind}` names no audience: write `::: {kind} \
                        coordinators`, for example"
                    )));
                }
                open = Some((
                    i,
                    audiences.iter().map(|a| a.to_string()).collect(),
                    *kind == "except",
                ));
            }
            ([_, ..], Some((start, _, _))) => errors.push(err(format!(
                "passages cannot be nested: close the passage opened on line {} with `:::` first",
                *start as u32 + first_line
            ))),
            ([other, ..], None) => errors.push(err(format!(
                "`::: {other}` is not a passage: write `::: only AUDIENCE ...` or `::: except \
                    AUDIENCE ...`"
            ))),
        }
    }
    if let Some((start, audiences, except)) = open {
        errors.push(SyntaxError {
            line: start as u32 + 1,
            message: "this passage is never closed: add a line with `:::` where it ends".into(),
        });
        found.push(Passage {
            audiences,
            except,
            open: start,
            close: body.lines().count(),
        });
    }
    (found, errors)
}

/// The body as `audience` sees it: passage markers and other audiences' passages become
/// blank lines, so line numbers stay those of the file.
pub fn for_audience(body: &str, passages: &[Passage], audience: &str) -> String {
    let mut out = String::with_capacity(body.len());
    let mut next = passages.iter().peekable();
    let mut current: Option<&Passage> = None;
    for (i, line) in body.lines().enumerate() {
        if current.is_none() && next.peek().is_some_and(|p| p.open == i) {
            current = next.next();
        }
        let keep = match current {
            Some(p) if i == p.open || i == p.close => false,
            Some(p) => p.shows_to(audience),
            None => true,
        };
        if keep {
            out.push_str(line);
        }
        out.push('\n');
        if current.is_some_and(|p| p.close == i) {
            current = None;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passages_show_to_the_right_audiences() {
        let body = "all\n::: only coordinators moving\ncoord\n:::\n::: except moving\nnot \
            moving\n:::\nend\n";
        let ps = passages(body, 1).unwrap();
        assert_eq!(
            for_audience(body, &ps, "coordinators"),
            "all\n\ncoord\n\n\nnot moving\n\nend\n"
        );
        assert_eq!(
            for_audience(body, &ps, "moving"),
            "all\n\ncoord\n\n\n\n\nend\n"
        );
        assert_eq!(
            for_audience(body, &ps, "staying"),
            "all\n\n\n\n\nnot moving\n\nend\n"
        );
    }

    #[test]
    fn passage_mistakes_name_their_line() {
        let cases = [
            ("a\n:::\n", 2, "none is open"),
            ("::: only\nx\n:::\n", 1, "names no audience"),
            ("::: onyl x\n", 1, "is not a passage"),
            ("::: only a\n::: only b\n:::\n", 2, "cannot be nested"),
            ("x\n::: only a\ny\n", 2, "never closed"),
            ("> ::: only a\n> y\n> :::\n", 1, "inside a `>` quote"),
        ];
        for (body, line, needle) in cases {
            let errs = passages(body, 1).unwrap_err();
            assert_eq!(errs[0].line, line, "{body}");
            assert!(
                errs[0].message.contains(needle),
                "{body}: {}",
                errs[0].message
            );
        }
        assert_eq!(passages("```\n:::\n```\n", 1).unwrap(), vec![]);
    }

    #[test]
    fn an_unclosed_passage_runs_to_the_end_and_hides_nothing() {
        let body = "x\n::: only a\ny\n::: onyl b\nz\n";
        let (found, errors) = passages_and_mistakes(body, 1);
        assert_eq!(
            found,
            vec![Passage {
                audiences: vec!["a".into()],
                except: false,
                open: 1,
                close: 5
            }]
        );
        let lines: Vec<u32> = errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![4, 2], "{errors:?}");
        assert_eq!(for_audience(body, &found, "a"), "x\n\ny\n::: onyl b\nz\n");
        assert_eq!(for_audience(body, &found, "b"), "x\n\n\n\n\n");
    }
}
