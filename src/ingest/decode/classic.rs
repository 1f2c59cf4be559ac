//! The generic `timestamp [fields] level [component:] message` scanner: log4j, Python logging,
//! Spring Boot, .NET console, Go zap console, glog/klog, nginx error log, and the Loghub
//! systems (HDFS, Hadoop, Spark, Android, BGL, OpenStack, ...), without one regex per dataset.
//!
//! A header is: an optional leading token, a timestamp (optionally in `[...]`), then a few
//! header tokens (numbers, `[bracketed]` fields, ALLCAPS tags, a second timestamp) up to a level
//! word; after the level an optional `[thread]` and a component (`a.b.C:`, `Tag:`, `x.y.Z`, a
//! tab-separated logger). The message is everything after the header. A level word only counts
//! in a header position, never inside the message.

use super::{Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::{Format, Level};

/// Header tokens looked at before giving up on a level.
const MAX_HEADER_TOKENS: usize = 8;

#[inline]
fn skip_ws(b: &[u8], mut i: usize) -> (usize, bool) {
    let mut tab = false;
    while i < b.len() && (b[i] == b' ' || b[i] == b'\t') {
        tab |= b[i] == b'\t';
        i += 1;
    }
    (i, tab)
}

/// End of the token starting at `i`: a `[...]` group (several in a row: `[DEBUG][606918]`), or
/// up to whitespace.
fn token_end(b: &[u8], i: usize) -> usize {
    let mut j = i;
    if b.get(i) == Some(&b'[') {
        while b.get(j) == Some(&b'[') {
            match memchr::memchr(b']', &b[j..]) {
                Some(k) if k < 96 => j += k + 1,
                _ => break,
            }
        }
        if j > i {
            return j;
        }
    }
    while j < b.len() && b[j] != b' ' && b[j] != b'\t' {
        j += 1;
    }
    j
}

/// The level in a header token: `INFO`, `info:`, `[ERROR]`, `[DEBUG][606918]`, `<warn>`, `LOG:`.
fn token_level(tok: &str, strict_case: bool) -> Option<Level> {
    let (inner, bracketed) = if let Some(rest) = tok.strip_prefix('[') {
        (rest.split(']').next().unwrap_or(""), true)
    } else if let Some(rest) = tok.strip_prefix('<') {
        (rest.strip_suffix('>')?, true)
    } else {
        (tok, false)
    };
    let inner = inner.trim();
    let word = inner.strip_suffix(':').unwrap_or(inner);
    let colon = word.len() != inner.len();
    let l = level::from_long_word(word)?;
    if strict_case && !bracketed && !colon && word.bytes().any(|c| c.is_ascii_lowercase()) {
        return None;
    }
    Some(l)
}

/// Header tokens that may stand between a timestamp and the level.
fn skippable(tok: &str) -> bool {
    let b = tok.as_bytes();
    if b.is_empty() || b.len() > 48 {
        return false;
    }
    if b[0] == b'[' || tok == "-" || tok == "---" || tok == "|" {
        return true;
    }
    if b.last() == Some(&b':') {
        return false;
    }
    let digits = b.iter().filter(|c| c.is_ascii_digit()).count();
    if digits > 0
        && b.iter()
            .all(|c| !c.is_ascii_lowercase() || digits * 2 >= b.len())
    {
        return true;
    }
    (2..=12).contains(&b.len()) && b.iter().all(|c| c.is_ascii_uppercase())
}

fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'.' | b'_' | b'$' | b'/' | b'#' | b'@' | b'-' | b'<' | b'>' | b'(' | b')' | b'*'
        )
}

/// After a level: optional `---`/`-`, `[thread]`, then a component. Returns (component range,
/// message start).
fn component(line: &str, mut i: usize) -> (Option<(usize, usize)>, usize) {
    let b = line.as_bytes();
    let start = i;
    let (_, tab) = skip_ws(b, i);
    // Spring Boot: `INFO 12345 --- [main] c.e.App : msg`
    let (j, _) = skip_ws(b, i);
    let e = token_end(b, j);
    if e > j && b[j..e].iter().all(u8::is_ascii_digit) {
        let (k, _) = skip_ws(b, e);
        if line[k..].starts_with("---") {
            i = k;
        }
    }
    let (j, _) = skip_ws(b, i);
    if line[j..].starts_with("--- ") || line[j..].starts_with("- ") {
        i = j + if b[j + 1] == b'-' { 4 } else { 2 };
    }
    let (j, _) = skip_ws(b, i);
    let mut bracket = None;
    let mut k = j;
    if b.get(j) == Some(&b'[') {
        let e = token_end(b, j);
        if e > j + 1 && b[e - 1] == b']' {
            bracket = Some((j, e));
            k = e;
            // `[thread] - msg` / `[x@123] - msg` (Zookeeper)
            if line[e..].starts_with(" - ") {
                return (Some((j + 1, e - 1)), e + 3);
            }
        }
    }
    let (t, _) = skip_ws(b, k);
    let te = token_end(b, t);
    if te > t && (b[t].is_ascii_alphabetic() || b[t] == b'_' || b[t..te].contains(&b'#')) {
        let tok = &b[t..te];
        // `Class:` / `a.b.C:`
        if tok.len() > 1
            && tok[tok.len() - 1] == b':'
            && tok[..tok.len() - 1]
                .iter()
                .all(|&c| ident_byte(c) || c == b':' || c == b'[' || c == b']')
        {
            let (m, _) = skip_ws(b, te);
            return (Some((t, te - 1)), m);
        }
        if tok
            .iter()
            .all(|&c| ident_byte(c) || c == b'[' || c == b']' || c == b':')
        {
            let (n, _) = skip_ws(b, te);
            // Spring: `c.e.App      : msg`
            if b.get(n) == Some(&b':') && b.get(n + 1).is_none_or(|&c| c == b' ') {
                let (m, _) = skip_ws(b, n + 1);
                return (Some((t, te)), m);
            }
            // zap console: `level\tlogger\tmsg`
            if tab && b.get(te) == Some(&b'\t') {
                return (Some((t, te)), n);
            }
            // dotted names: OpenStack `nova.compute.manager [req-..]`, `t.s.Impl#532`
            let dots = tok.iter().filter(|&&c| c == b'.').count();
            if dots >= 1
                && tok
                    .iter()
                    .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'$' | b'#'))
                && tok.last() != Some(&b'.')
                && te < b.len()
            {
                return (Some((t, te)), n);
            }
        }
    }
    let _ = bracket;
    let (m, _) = skip_ws(b, start);
    (None, m)
}

/// glog/klog: `E0102 15:04:05.123456 1 file.go:12] msg`.
fn klog(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let lvl = level::from_letter(*b.first()?)?;
    let mo = (b.get(1)?.wrapping_sub(b'0') as u32) * 10 + b.get(2)?.wrapping_sub(b'0') as u32;
    let d = (b.get(3)?.wrapping_sub(b'0') as u32) * 10 + b.get(4)?.wrapping_sub(b'0') as u32;
    if !b[1..5].iter().all(u8::is_ascii_digit) || b.get(5) != Some(&b' ') {
        return None;
    }
    let (mut c, n) = time::scan(&line[6..])?;
    if c.month != 0 {
        return None;
    }
    c.month = mo;
    c.day = d;
    c.year = None;
    let close = memchr::memchr(b']', &b[6 + n..]).map(|k| 6 + n + k)?;
    let head = &line[6 + n..close];
    let comp = head.split_whitespace().last().unwrap_or("");
    let msg = if b.get(close + 1) == Some(&b' ') {
        close + 2
    } else {
        close + 1
    };
    let mut r = Record::new(Format::Classic, Msg::Range(msg.min(line.len()), line.len()));
    r.level = Some(lvl);
    r.time = ctx.time(&c);
    if !comp.is_empty() {
        r.entities.component = Some(comp.to_string());
    }
    Some(r)
}

/// Finds a timestamp at the line start, in `[...]`, or after one leading token.
fn find_ts(line: &str) -> Option<(time::Civil, usize)> {
    let b = line.as_bytes();
    let try_at = |i: usize| -> Option<(time::Civil, usize)> {
        if b.get(i) == Some(&b'[') {
            let (c, n) = time::scan(&line[i + 1..])?;
            let e = i + 1 + n;
            if b.get(e) == Some(&b']') {
                return Some((c, e + 1));
            }
            return None;
        }
        let (c, n) = time::scan(&line[i..])?;
        Some((c, i + n))
    };
    if let Some(r) = try_at(0) {
        return Some(r);
    }
    // One leading token (`nova-api.log.1 2017-...`, BGL's `- 1117838570`, strace's pid).
    let e = memchr::memchr(b' ', &b[..b.len().min(96)])?;
    if e == 0 || b[0] == b'[' && b[e - 1] != b']' {
        return None;
    }
    let r = try_at(e + 1)?;
    // A bare epoch after a word is too weak a signal unless the line then looks like a header.
    Some(r)
}

pub(crate) fn decode(line: &str, ctx: &mut Ctx, need_ts: bool) -> Option<Record> {
    let b = line.as_bytes();
    let mut civil = None;
    let mut i = 0;
    if need_ts {
        if b.first()
            .is_some_and(|c| matches!(c, b'I' | b'W' | b'E' | b'F' | b'D' | b'V'))
            && b.get(1).is_some_and(u8::is_ascii_digit)
        {
            if let Some(r) = klog(line, ctx) {
                return Some(r);
            }
        }
        let (c, e) = find_ts(line)?;
        civil = Some(c);
        i = e;
        // `[ts]` with a zone after the bracketed part, `ts,` (Kafka style separators)
        if b.get(i) == Some(&b',') || b.get(i) == Some(&b':') {
            i += 1;
        }
        if i < b.len() && b[i] != b' ' && b[i] != b'\t' && b[i] != b'|' {
            return None;
        }
    }
    let mut r = Record::new(Format::Classic, Msg::Range(line.len(), line.len()));
    if let Some(c) = civil {
        r.time = ctx.time(&c);
    }
    // Header tokens up to the level.
    let mut pos = i;
    let mut prev_numeric = false;
    let mut found = None;
    for k in 0..MAX_HEADER_TOKENS {
        let (s, _) = skip_ws(b, pos);
        if s >= b.len() {
            break;
        }
        let e = token_end(b, s);
        let tok = &line[s..e];
        if let Some(l) = token_level(tok, k > 0 || !need_ts) {
            found = Some((l, e));
            break;
        }
        if prev_numeric && tok.len() == 1 {
            if let Some(l) = level::from_letter(b[s]) {
                found = Some((l, e));
                break;
            }
        }
        if !need_ts && k >= 2 {
            break;
        }
        if !skippable(tok) {
            break;
        }
        prev_numeric = tok.bytes().all(|c| c.is_ascii_digit());
        pos = e;
    }
    match found {
        Some((l, e)) => {
            r.level = Some(l);
            let (comp, m) = component(line, e);
            if let Some((a, z)) = comp {
                r.entities.component = Some(line[a..z].to_string());
            }
            r.message = Msg::Range(m.min(line.len()), line.len());
        }
        None => {
            if !need_ts {
                return None;
            }
            let (m, _) = skip_ws(b, i);
            r.message = Msg::Range(m, line.len());
        }
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(line: &str) -> (Record, String) {
        let mut ctx = Ctx::new(None, 2016);
        let r = decode(line, &mut ctx, true).unwrap_or_else(|| panic!("no header in {line:?}"));
        let m = r.message_text(line).to_string();
        (r, m)
    }

    fn comp(r: &Record) -> Option<&str> {
        r.entities.component.as_deref()
    }

    #[test]
    fn loghub_headers() {
        let (r, m) = dec("081109 203615 148 INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_38865 terminating");
        assert_eq!(
            (r.level, comp(&r)),
            (Some(Level::Info), Some("dfs.DataNode$PacketResponder"))
        );
        assert_eq!(m, "PacketResponder 1 for block blk_38865 terminating");
        let (r, m) = dec("2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster");
        assert_eq!(
            comp(&r),
            Some("org.apache.hadoop.mapreduce.v2.app.MRAppMaster")
        );
        assert_eq!(m, "Created MRAppMaster");
        let (r, m) = dec("17/06/09 20:10:40 INFO executor.CoarseGrainedExecutorBackend: Registered signal handlers");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Info), "Registered signal handlers")
        );
        let (r, m) =
            dec("03-17 16:13:38.811  1702  2395 D WindowManager: printFreezingDisplayLogs");
        assert_eq!(
            (r.level, comp(&r), m.as_str()),
            (
                Some(Level::Debug),
                Some("WindowManager"),
                "printFreezingDisplayLogs"
            )
        );
        let (r, m) = dec("- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected");
        assert_eq!(
            (r.level, m.as_str()),
            (
                Some(Level::Info),
                "instruction cache parity error corrected"
            )
        );
        assert_eq!(r.time.unwrap().0, 1_117_838_570_000_000_000);
        let (r, m) = dec("nova-api.log.1.2017-05-16_13:53:08 2017-05-16 00:00:00.008 25746 INFO nova.osapi_compute.wsgi.server [req-38101a0b] \"GET /v2\" status: 200");
        assert_eq!(
            (r.level, comp(&r)),
            (Some(Level::Info), Some("nova.osapi_compute.wsgi.server"))
        );
        assert_eq!(m, "[req-38101a0b] \"GET /v2\" status: 200");
    }

    #[test]
    fn common_app_headers() {
        let (r, m) = dec("E0517 15:04:22.619632 1952452992 logging_unittest.cc:253] Log every 3");
        assert_eq!(
            (r.level, comp(&r), m.as_str()),
            (
                Some(Level::Error),
                Some("logging_unittest.cc:253"),
                "Log every 3"
            )
        );
        let (r, m) = dec("2024-01-01 10:00:00.123  INFO 12345 --- [           main] c.e.d.DemoApplication                    : Started DemoApplication");
        assert_eq!(
            (r.level, comp(&r), m.as_str()),
            (
                Some(Level::Info),
                Some("c.e.d.DemoApplication"),
                "Started DemoApplication"
            )
        );
        let (r, m) =
            dec("2025-04-24T22:09:20.856Z\terror\tinternal/queue_sender.go:128\tExporting failed.");
        assert_eq!(
            (r.level, comp(&r), m.as_str()),
            (
                Some(Level::Error),
                Some("internal/queue_sender.go:128"),
                "Exporting failed."
            )
        );
        let (r, m) = dec("2024/01/01 10:00:00 [error] 123#0: *1 connect() failed");
        assert_eq!(r.level, Some(Level::Error));
        assert!(m.ends_with("connect() failed"));
        let (r, m) =
            dec("[2016-12-19 20:39:48,918] WARN [ReplicaFetcherThread-0-2], Error in fetch");
        assert_eq!(
            (r.level, m.as_str()),
            (
                Some(Level::Warn),
                "[ReplicaFetcherThread-0-2], Error in fetch"
            )
        );
        let (r, _) = dec("2024-05-08 15:23:58.902 [DEBUG][606918] felix/sync_client.go 356: Pong");
        assert_eq!(r.level, Some(Level::Debug));
        let (r, m) = dec("2025-08-13 01:45:01.123 PDT [12345] LOG:  starting PostgreSQL");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Info), "starting PostgreSQL")
        );
        assert_eq!(r.time.unwrap().0, 1_755_074_701_123_000_000);
        let (r, m) = dec("2025-09-26 21:12:39,385 WARNING warning message:");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Warn), "warning message:")
        );
    }

    #[test]
    fn level_word_in_message_does_not_count() {
        let (r, m) = dec("2024-01-01 10:00:00 connection to db failed with ERROR 42");
        assert_eq!(r.level, None);
        assert_eq!(m, "connection to db failed with ERROR 42");
        let mut ctx = Ctx::new(None, 2016);
        assert!(decode("user said error happened", &mut ctx, false).is_none());
        assert_eq!(
            decode("[INFO]  expiration: x", &mut ctx, false)
                .unwrap()
                .level,
            Some(Level::Info)
        );
    }
}
