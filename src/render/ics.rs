//! iCalendar (RFC 5545) for the timeline: all-day events, folded lines, CRLF.

use crate::plan::IcsCalendar;

fn escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace(['\r', '\n'], "\\n")
}

/// Folds a content line at 75 octets, never inside a UTF-8 character.
fn fold(line: &str, out: &mut String) {
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out.push_str("\r\n");
}

pub fn render(cal: &IcsCalendar) -> String {
    let mut out = String::new();
    let stamp = cal.stamp.format("%Y%m%dT000000Z").to_string();
    let mut line = |s: String| fold(&s, &mut out);
    line("BEGIN:VCALENDAR".into());
    line("VERSION:2.0".into());
    line("PRODID:-//cutover//migration guidance//EN".into());
    line("CALSCALE:GREGORIAN".into());
    line("METHOD:PUBLISH".into());
    line(format!("X-WR-CALNAME:{}", escape(&cal.name)));
    for e in &cal.events {
        line("BEGIN:VEVENT".into());
        line(format!("UID:{}", e.uid));
        line(format!("DTSTAMP:{stamp}"));
        line(format!("DTSTART;VALUE=DATE:{}", e.start.format("%Y%m%d")));
        line(format!("DTEND;VALUE=DATE:{}", e.end.format("%Y%m%d")));
        line(format!("SUMMARY:{}", escape(&e.title)));
        line("TRANSP:TRANSPARENT".into());
        line("END:VEVENT".into());
    }
    line("END:VCALENDAR".into());
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plan::IcsEvent;
    use chrono::NaiveDate;

    #[test]
    fn calendar_is_folded_and_escaped() {
        let d = |s| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let cal = IcsCalendar {
            name: "Guide".into(),
            stamp: d("2022-04-20"),
            events: vec![IcsEvent {
                uid: "a@cutover".into(),
                start: d("2022-05-01"),
                end: d("2022-06-01"),
                title: format!("Briefing; part one,\r\n{}", "long ".repeat(20)),
            }],
        };
        let text = render(&cal);
        assert!(text.contains("DTSTART;VALUE=DATE:20220501\r\nDTEND;VALUE=DATE:20220601\r\n"));
        assert!(text.contains("SUMMARY:Briefing\\; part one\\,\\nlong"));
        assert!(!text.replace("\r\n", "").contains('\r'));
        assert!(text.lines().all(|l| l.len() <= 75));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
    }
}
