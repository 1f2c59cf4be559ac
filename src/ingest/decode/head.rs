//! Line headers by shape, for layouts the `timestamp level component` scanner does not cover:
//! a time at the head of the line (bare, after a one-letter severity `I, [`, or opening a
//! `[...]` group), then header fields up to the message: bracket groups (`[INFO ][o.e.Node]`),
//! fields inside the time's own bracket (`[ts: INFO/MainProcess]`, `[ts #1234]`), colon-joined
//! prefix fields (`ts UTC:host(port):user@db:[pid]:LOG:`), a level word, `--`/`-` separators.
//!
//! Promises: the time is only ever read at the head of the line, never from the message; the
//! level only from a header field (split on punctuation: `INFO/MainProcess`, `ssl:emerg`,
//! `local.ERROR`), never from the message; `None` when the line has no head-of-line time.

use super::{Ctx, Msg, Record};
use crate::ingest::{level, time, Format, Level};

/// Longest bracket group or colon field read as a header field.
const MAX_FIELD: usize = 80;
/// Header fields read before the message must start.
const MAX_FIELDS: usize = 8;

/// Decodes a line whose header starts with a time. See the module promise.
pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let mut i = 0;
    // Ruby Logger: `I, [2024-06-12T14:03:22.118204 #1234]  INFO -- : msg`
    if b.len() > 4 && b[0].is_ascii_uppercase() && b[1] == b',' && b[2] == b' ' {
        i = 3;
    }
    let open = b.get(i) == Some(&b'[');
    if open {
        i += 1;
    }
    let (civil, n) = time::scan(&line[i..])?;
    let mut j = i + n;
    let mut fields: Vec<(usize, usize)> = Vec::new();
    if open {
        let close = j + memchr::memchr(b']', &b[j..b.len().min(j + MAX_FIELD)])?;
        fields.push((j, close));
        j = close + 1;
    } else if !b
        .get(j)
        .is_none_or(|&c| matches!(c, b' ' | b'\t' | b':' | b','))
    {
        return None;
    }
    let lvl = header_fields(line, &mut j, &mut fields);
    let mut r = Record::new(Format::Classic, Msg::Range(line.len(), line.len()));
    r.time = ctx.time(&civil);
    r.level = lvl.map(|(l, _)| l);
    if let Some((_, k)) = lvl {
        r.entities.component = component(line, &fields[k + 1..]).map(Into::into);
    }
    let m = skip(b, j, b" \t");
    r.message = Msg::Range(m.min(line.len()), line.len());
    Some(r)
}

fn skip(b: &[u8], mut i: usize, set: &[u8]) -> usize {
    while i < b.len() && set.contains(&b[i]) {
        i += 1;
    }
    i
}

/// Reads header fields after the time, moving `j` to the message start. Returns the level and
/// the index in `fields` of the field that held it.
fn header_fields(
    line: &str,
    j: &mut usize,
    fields: &mut Vec<(usize, usize)>,
) -> Option<(Level, usize)> {
    let b = line.as_bytes();
    let mut found = fields
        .first()
        .and_then(|&f| field_level(line, f))
        .map(|l| (l, 0));
    for _ in 0..MAX_FIELDS {
        let s = skip(b, *j, b" \t");
        match b.get(s) {
            Some(b'[') => {
                let Some(c) = memchr::memchr(b']', &b[s..b.len().min(s + MAX_FIELD)]) else {
                    break;
                };
                // A bracket group after the level is only a header field while it hugs the
                // previous one (`[INFO ][o.e.Node]`); ` [es-node-1] msg` starts the message.
                if found.is_some() && s > *j {
                    break;
                }
                fields.push((s + 1, s + c));
                *j = s + c + 1;
            }
            Some(b':') if found.is_none() => {
                // Colon-joined prefix fields: `:host(port):user@db:[pid]:LOG:  msg`.
                let e = match colon_fields(line, s) {
                    Some((e, f)) => {
                        fields.push(f);
                        e
                    }
                    None => break,
                };
                *j = e;
            }
            Some(_) if found.is_none() || s == *j => {
                let e = s + b[s..]
                    .iter()
                    .take_while(|c| !c.is_ascii_whitespace())
                    .count();
                let tok = line[s..e].trim_end_matches(':');
                if matches!(tok, "-" | "--" | "|") {
                    *j = e;
                    continue;
                }
                if found.is_none() && level::from_long_word(tok).is_none() && labelled_field(b, e) {
                    // `ts - logger.name - LEVEL - msg` (Python's common format): a name
                    // between separators is a header field.
                    fields.push((s, e));
                    *j = e;
                    continue;
                }
                if found.is_some() || level::from_long_word(tok).is_none() {
                    break;
                }
                fields.push((s, s + tok.len()));
                *j = e;
            }
            _ => break,
        }
        if found.is_none() {
            let k = fields.len() - 1;
            found = field_level(line, fields[k]).map(|l| (l, k));
        }
    }
    // Ruby's `INFO -- : msg` and similar separators after the level.
    let s = skip(b, *j, b" \t");
    for sep in ["-- :", "--", "-", ":"] {
        if line[s..].starts_with(sep) && b.get(s + sep.len()).is_none_or(|&c| c == b' ') {
            *j = s + sep.len();
            break;
        }
    }
    found
}

/// The token ending at `e` is followed by ` - ` or ` | ` and then a level word: a name field.
fn labelled_field(b: &[u8], e: usize) -> bool {
    let sep = b.get(e..e + 3);
    if !matches!(sep, Some(b" - ") | Some(b" | ")) {
        return false;
    }
    let s = e + 3;
    let z = s + b[s..]
        .iter()
        .take_while(|c| c.is_ascii_alphabetic())
        .count();
    std::str::from_utf8(&b[s..z]).is_ok_and(|w| level::from_long_word(w).is_some())
}

/// Colon-joined fields from `s` (a `:`) up to the field that is a level word; `None` when a
/// field has spaces or no level comes within [`MAX_FIELDS`].
fn colon_fields(line: &str, s: usize) -> Option<(usize, (usize, usize))> {
    let mut a = s + 1;
    for _ in 0..MAX_FIELDS {
        let rest = &line[a..line.len().min(a + MAX_FIELD)];
        let c = rest.find(':')?;
        let f = &rest[..c];
        if f.contains([' ', '\t']) {
            return None;
        }
        if level::from_long_word(f).is_some() {
            return Some((a + c + 1, (a, a + c)));
        }
        a += c + 1;
    }
    None
}

/// The level named by a header field: its first word (split on punctuation) that is one.
fn field_level(line: &str, (a, z): (usize, usize)) -> Option<Level> {
    line[a..z]
        .split(|c: char| !c.is_ascii_alphanumeric())
        .find_map(level::from_long_word)
}

/// A logger/component in the first bracket field after the level (`[o.e.n.Node   ]`).
fn component(line: &str, rest: &[(usize, usize)]) -> Option<String> {
    let &(a, z) = rest.first()?;
    let f = line[a..z].trim();
    let ok = !f.is_empty()
        && f.len() <= 64
        && f.bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'-' | b'$' | b'/'));
    ok.then(|| f.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(line: &str) -> (Record, String) {
        let mut ctx = Ctx::new(None, 2024);
        let r = decode(line, &mut ctx).unwrap_or_else(|| panic!("no header in {line:?}"));
        let m = r.message_text(line).to_string();
        (r, m)
    }

    const T: i64 = 1_718_201_002_000_000_000; // 2024-06-12T14:03:22Z

    #[test]
    fn bracketed_headers() {
        let (r, m) = dec("[2024-06-12T14:03:22,123][WARN ][o.e.c.Service  ] [node-1] disk high");
        assert_eq!(r.time.unwrap().0, T + 123_000_000);
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.entities.component.as_deref(), Some("o.e.c.Service"));
        assert_eq!(m, "[node-1] disk high");
        let (r, m) = dec("[2024-06-12 14:03:22,123: ERROR/ForkPoolWorker-2] Task failed");
        assert_eq!((r.level, m.as_str()), (Some(Level::Error), "Task failed"));
        let (r, m) = dec("[Wed Jun 12 14:03:22.5 2024] [core:error] [pid 7] AH1: boom");
        assert_eq!(
            (r.level, r.time.unwrap().0),
            (Some(Level::Error), T + 500_000_000)
        );
        assert_eq!(m, "[pid 7] AH1: boom");
    }

    #[test]
    fn letter_prefix_and_separators() {
        let (r, m) = dec("E, [2024-06-12T14:03:22.000001 #42] ERROR -- : boom happened");
        assert_eq!(r.time.unwrap().0, T + 1_000);
        assert_eq!((r.level, m.as_str()), (Some(Level::Error), "boom happened"));
    }

    #[test]
    fn logger_name_between_separators() {
        let (r, m) = dec("2024-06-12 14:03:22,118 - app.db - WARNING - pool at 90%");
        assert_eq!((r.level, m.as_str()), (Some(Level::Warn), "pool at 90%"));
        // Without a level after it, a name is the start of the message.
        let (r, m) = dec("2024-06-12 14:03:22,118 - app.db - pool at 90%");
        assert_eq!(r.level, None);
        assert!(m.starts_with("app.db"), "{m}");
    }

    #[test]
    fn colon_joined_prefix_fields() {
        let (r, m) = dec("2024-06-12 14:03:22 UTC:10.0.0.9(5432):app@db:[77]:ERROR:  dup key");
        assert_eq!(r.time.unwrap().0, T);
        assert_eq!((r.level, m.as_str()), (Some(Level::Error), "dup key"));
        let (r, m) = dec("2024-06-12 14:03:22 UTC::@:[397]:LOG:  checkpoint starting");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Info), "checkpoint starting")
        );
    }

    #[test]
    fn year_less_bracketed_time_takes_the_file_year() {
        let (r, m) = dec("[06.12 14:03:22] DEBUG [sched] polling");
        assert_eq!(r.time.unwrap().0, T);
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Debug), "[sched] polling")
        );
    }

    #[test]
    fn never_from_the_message() {
        let mut ctx = Ctx::new(None, 2024);
        // A time inside the text is not a header.
        assert!(decode("token expires at 2024-06-12T15:03:22Z", &mut ctx).is_none());
        assert!(decode("[worker] 2024-06-12T15:03:22Z done", &mut ctx).is_none());
        // A level word in the message is not the level.
        let (r, m) = dec("2024-06-12T14:03:22Z connection ERROR from peer");
        assert_eq!((r.level, m.as_str()), (None, "connection ERROR from peer"));
    }
}
