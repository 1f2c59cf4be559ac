//! Labelled records: a record written one `label: value` field per line, opened by a line whose
//! whole value is a time (`Logged at: 2019-01-10 18:22:41.959`, NLog/log4net layouts that put
//! each field on its own line, full-width `：` colons included). Its other `label: value`
//! lines and rule lines (`=====`) continue the record; a level word as a field's whole value is
//! the record's level.
//!
//! Promises: a header is a line of one short label and a time, nothing else; continuation
//! lines are only recognised after a header was seen in the file.

use super::{Ctx, Msg, Record};
use crate::ingest::{level, time, Format};

/// Longest label, in characters.
const MAX_LABEL: usize = 24;

/// Decodes a labelled-record header or, once one was seen, its field and rule lines.
pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let t = line.trim_end();
    if ctx.labelled && is_rule(t) {
        return Some(continuation(line));
    }
    let (_, value) = split_label(t)?;
    let value = value.trim();
    let digits_only = value.bytes().all(|c| c.is_ascii_digit() || c == b'.');
    let whole_time =
        time::scan(value).filter(|&(c, n)| n == value.len() && c.month != 0 && !digits_only);
    if let Some((c, _)) = whole_time {
        let mut r = Record::new(Format::Classic, Msg::Range(0, t.len()));
        r.time = ctx.time(&c);
        ctx.labelled = true;
        return Some(r);
    }
    if !ctx.labelled {
        return None;
    }
    let mut r = continuation(line);
    r.level = level::from_long_word(value);
    Some(r)
}

fn continuation(line: &str) -> Record {
    let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
    r.continuation = true;
    r
}

/// `label: value` / `label：value` with a short label of words (letters, digits, `_`, `-`, `.`,
/// at most two spaces) that does not start with a digit.
fn split_label(t: &str) -> Option<(&str, &str)> {
    let (at, colon) = t
        .char_indices()
        .take(MAX_LABEL + 1)
        .find(|&(_, c)| c == ':' || c == '：')?;
    let label = &t[..at];
    let ok = label.chars().next().is_some_and(char::is_alphabetic)
        && label.matches(' ').count() <= 2
        && label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '_' | '-' | '.' | ' '));
    ok.then(|| (label, &t[at + colon.len_utf8()..]))
}

/// A rule line: ten or more of one of `=`, `-`, `*`, `#` and nothing else.
fn is_rule(t: &str) -> bool {
    let b = t.as_bytes();
    b.len() >= 10 && matches!(b[0], b'=' | b'-' | b'*' | b'#') && b.iter().all(|&c| c == b[0])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    #[test]
    fn a_time_field_opens_a_record_and_its_fields_continue_it() {
        let mut ctx = Ctx::new(None, 2024);
        assert!(
            decode("Level: WARN", &mut ctx).is_none(),
            "no record opened yet"
        );
        let h = decode("Logged at：2019-01-10 18:22:41.9595", &mut ctx).expect("a header");
        assert!(!h.continuation);
        assert!(h.time.is_some());
        let l = decode("Level：WARN", &mut ctx).expect("a field");
        assert!(l.continuation);
        assert_eq!(l.level, Some(Level::Warn));
        let m = decode("Message: cache warmed in 3 s", &mut ctx).expect("a field");
        assert!(m.continuation && m.level.is_none());
        assert!(
            decode("==============================", &mut ctx)
                .unwrap()
                .continuation
        );
    }

    #[test]
    fn prose_numbers_and_long_labels_are_no_headers() {
        let mut ctx = Ctx::new(None, 2024);
        for l in [
            "Thread_id: 302361",
            "Started: 1718201002",
            "we met on: 2019-01-10 18:22:41 and talked",
            "a very long label that goes on and on: 2019-01-10 18:22:41",
            "12: 2019-01-10 18:22:41",
            "{\"time\": \"2019-01-10 18:22:41\"}",
        ] {
            assert!(decode(l, &mut ctx).is_none(), "{l}");
        }
    }
}
