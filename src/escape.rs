//! HTML escaping of text from the data, for templates (tera's escape function), the
//! pages cutover writes itself (`serve`'s) and messages shown on checklists.

/// HTML-escapes text from the data.
pub fn escape(text: &str) -> String {
    let mut out = Vec::with_capacity(text.len());
    // Writing into a Vec cannot fail, and only ASCII characters are replaced.
    let _ = write_escaped(text, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// [`escape`], writing into `out`: the text between the characters that need escaping is
/// written in one piece, not byte by byte. Templates escape with it too.
pub fn write_escaped(text: &str, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let bytes = text.as_bytes();
    let mut start = 0;
    for (i, byte) in bytes.iter().enumerate() {
        let entity: &[u8] = match byte {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'"' => b"&quot;",
            b'\'' => b"&#39;",
            _ => continue,
        };
        out.write_all(&bytes[start..i])?;
        out.write_all(entity)?;
        start = i + 1;
    }
    out.write_all(&bytes[start..])
}

/// A message as HTML: escaped, with its `backticked` parts as code.
pub fn code_spans(message: &str) -> String {
    let parts: Vec<&str> = message.split('`').collect();
    // An odd number of backticks leaves the last one unpaired, and so plain text.
    let unpaired = parts.len().is_multiple_of(2);
    let mut html = String::with_capacity(message.len() + 16);
    for (i, part) in parts.iter().enumerate() {
        let after_unpaired = unpaired && i == parts.len() - 1;
        if i % 2 == 1 && !after_unpaired {
            html.push_str("<code>");
            html.push_str(&escape(part));
            html.push_str("</code>");
        } else {
            if after_unpaired {
                html.push('`');
            }
            html.push_str(&escape(part));
        }
    }
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_in_runs() {
        assert_eq!(escape(r#"a<b>&"c'"#), "a&lt;b&gt;&amp;&quot;c&#39;");
        assert_eq!(escape("plain, ünïcode"), "plain, ünïcode");
    }

    #[test]
    fn messages_as_html() {
        assert_eq!(
            code_spans("add `decision: move` <now>"),
            "add <code>decision: move</code> &lt;now&gt;"
        );
        assert_eq!(code_spans("plain"), "plain");
        assert_eq!(code_spans("a `b` c ` d"), "a <code>b</code> c ` d");
    }
}
