//! logfmt: `key=value key="quoted value"`, with the field-name families of JSON lines.

use super::{Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::Format;

/// One `key=value` pair: the key, the value's byte range in the line, and whether it was
/// quoted with escapes inside (then the range is the raw quoted text, unescape it).
struct Pair<'a> {
    key: &'a str,
    val: (usize, usize),
    escaped: bool,
}

fn is_key_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'@' | b'/')
}

/// Splits a line into pairs; `None` when a token is not `key=value`.
fn pairs<'a>(line: &'a str, out: &mut Vec<Pair<'a>>) -> Option<()> {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let ks = i;
        while i < b.len() && is_key_byte(b[i]) {
            i += 1;
        }
        if i == ks || b.get(i) != Some(&b'=') {
            return None;
        }
        let key = &line[ks..i];
        i += 1;
        if b.get(i) == Some(&b'"') {
            let vs = i + 1;
            let mut j = vs;
            let mut escaped = false;
            // A quote closes the value only where a space or the line's end follows: loggers
            // that format an error with unescaped quotes inside (`err="Post "https://x": EOF"`)
            // still give one value.
            while j < b.len() && !(b[j] == b'"' && matches!(b.get(j + 1), None | Some(b' '))) {
                if b[j] == b'\\' {
                    escaped = true;
                    j += 1;
                }
                j += 1;
            }
            if j >= b.len() {
                return None;
            }
            out.push(Pair {
                key,
                val: (vs, j),
                escaped,
            });
            i = j + 1;
            if i < b.len() && b[i] != b' ' {
                return None;
            }
        } else {
            let vs = i;
            while i < b.len() && b[i] != b' ' {
                i += 1;
            }
            out.push(Pair {
                key,
                val: (vs, i),
                escaped: false,
            });
        }
    }
    Some(())
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c == '\\' {
            match it.next() {
                Some('n') => out.push('\n'),
                Some('t') => out.push('\t'),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out
}

pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    // Cheap gate: the first token must be `key=`.
    let b = line.as_bytes();
    let k = b.iter().take_while(|&&c| is_key_byte(c)).count();
    if k == 0 || b.get(k) != Some(&b'=') {
        return None;
    }
    let mut ps = Vec::with_capacity(8);
    pairs(line, &mut ps)?;
    if ps.len() < 2 {
        return None;
    }
    let mut r = Record::new(Format::Logfmt, Msg::Range(0, line.len()));
    let val = |p: &Pair| &line[p.val.0..p.val.1];
    let mut msg_found = false;
    for p in &ps {
        let v = val(p);
        match p.key {
            "time" | "ts" | "timestamp" | "t" | "@timestamp" | "date" | "datetime"
                if r.time.is_none() =>
            {
                if let Some(c) = time::parse_value(v) {
                    r.time = ctx.time(&c);
                }
            }
            "level" | "lvl" | "severity" | "loglevel" | "log.level" | "log_level" | "levelname"
                if r.level.is_none() =>
            {
                r.level = level::from_word(v);
            }
            "msg" | "message" | "MESSAGE" | "log" | "text" if !msg_found => {
                msg_found = true;
                r.message = if p.escaped {
                    Msg::Owned(unescape(v))
                } else {
                    Msg::Range(p.val.0, p.val.1)
                };
            }
            "service" | "service.name" | "service_name" | "app" | "application" | "name"
                if r.service.is_none() && !v.is_empty() =>
            {
                r.service = Some(v.to_string());
            }
            // A logger or component is a part of a program: the service only when nothing else
            // names one (see `entities::complete`).
            "component" | "logger" if !v.is_empty() => r.entities.component = Some(v.into()),
            "caller" | "target" if r.entities.component.is_none() => {
                r.entities.component = Some(v.into())
            }
            "traceID" | "trace_id" | "traceId" => r.entities.trace_id = Some(v.into()),
            "spanID" | "span_id" | "spanId" => r.entities.span_id = Some(v.into()),
            "request_id" | "requestId" | "req_id" => r.entities.request_id = Some(v.into()),
            "host" | "hostname" => r.entities.host = Some(v.into()),
            "pod" | "pod_name" => r.entities.pod = Some(v.into()),
            "namespace" => r.entities.namespace = Some(v.into()),
            "container" => r.entities.container = Some(v.into()),
            "method" => r.entities.http_method = Some(v.into()),
            "path" | "uri" => r.entities.http_path = Some(v.into()),
            "status" | "status_code" => {
                r.entities.http_status = v.parse().ok().filter(|s| (100..600).contains(s))
            }
            _ => {}
        }
    }
    if let Some((t, p)) = r.time {
        ctx.full_time(t, p);
    }
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Level, Precision};

    #[test]
    fn fields_and_quoted_message() {
        let mut ctx = Ctx::new(None, 2024);
        let l = r#"ts=2024-05-02T12:17:25.606619951Z caller=http.go:194 level=debug traceID=54680f msg="POST /push (200) 33.5ms""#;
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Debug));
        assert_eq!(r.time, Some((1_714_652_245_606_619_951, Precision::Nano)));
        assert_eq!(r.message_text(l), "POST /push (200) 33.5ms");
        assert_eq!(r.entities.component.as_deref(), Some("http.go:194"));
        assert_eq!(r.entities.trace_id.as_deref(), Some("54680f"));
        let l = r#"time="2021-09-15T21:17:11Z" level=warning msg="a \"b\"" app=x"#;
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Warn), Some("x"))
        );
        assert_eq!(r.message, Msg::Owned("a \"b\"".into()));
    }

    #[test]
    fn unescaped_quotes_inside_a_value_do_not_end_it() {
        let line = r#"ts=2024-06-12T14:03:22Z level=error msg="call failed" err="Post "https://api.example.com/v1": EOF" retry=3"#;
        let mut ctx = Ctx::new(None, 2024);
        let r = decode(line, &mut ctx).expect("logfmt");
        assert_eq!(r.level, Some(crate::ingest::Level::Error));
        assert!(r.time.is_some());
    }

    #[test]
    fn prose_with_equals_is_not_logfmt() {
        let mut ctx = Ctx::new(None, 2024);
        assert!(decode("x=1 and then some words", &mut ctx).is_none());
        assert!(decode("only=one", &mut ctx).is_none());
    }
}
