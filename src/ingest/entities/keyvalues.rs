//! Key-values: `key=value`, `key: value` and `"key":"value"` pairs in a message, mapped onto
//! entity fields (trace/span/parent/request/user ids, HTTP method/path/status, durations).
//!
//! Promise: only keys with a known meaning are read; a field the decoder already filled is kept;
//! values longer than the entity limit are dropped rather than cut.

use super::*;

#[derive(Clone, Copy, PartialEq, Debug)]
enum Key {
    Trace,
    Span,
    Parent,
    Request,
    User,
    Status,
    Method,
    Path,
    Url,
    Host,
    Duration(f64),
    Traceparent,
}

/// Normalises a key (lowercase, separators dropped) and says what it names.
fn classify_key(raw: &[u8]) -> Option<Key> {
    let mut buf = [0u8; 32];
    let mut n = 0;
    for &c in raw {
        if matches!(c, b'_' | b'-' | b'.' | b'@') {
            continue;
        }
        if n == buf.len() {
            return None;
        }
        buf[n] = c.to_ascii_lowercase();
        n += 1;
    }
    let k = &buf[..n];
    // Every name below starts with a letter: numbers (`10:00:01`) and the like stop here.
    if !k.first().is_some_and(u8::is_ascii_lowercase) {
        return None;
    }
    let k = k
        .strip_prefix(b"xb3")
        .or_else(|| k.strip_prefix(b"dd"))
        .unwrap_or(k);
    Some(match k {
        b"traceid"
        | b"trace"
        | b"oteltraceid"
        | b"ubertraceid"
        | b"xamzntraceid"
        | b"googcloudtrace"
        | b"logginggoogleapiscomtrace" => Key::Trace,
        b"traceparent" => Key::Traceparent,
        b"spanid" | b"span" | b"otelspanid" => Key::Span,
        b"parentspanid" | b"parentid" | b"parentspan" => Key::Parent,
        b"requestid" | b"reqid" | b"xrequestid" | b"correlationid" | b"xcorrelationid" | b"rid"
        | b"requuid" => Key::Request,
        b"userid" | b"user" | b"uid" | b"username" | b"customerid" | b"accountid" | b"usr"
        | b"enduserid" => Key::User,
        b"status"
        | b"statuscode"
        | b"httpstatus"
        | b"httpstatuscode"
        | b"responsestatus"
        | b"responsestatuscode"
        | b"httpresponsestatuscode"
        | b"respstatus" => Key::Status,
        b"method" | b"httpmethod" | b"requestmethod" | b"verb" | b"httprequestmethod" => {
            Key::Method
        }
        b"path" | b"uri" | b"httppath" | b"requestpath" | b"requesturi" | b"httptarget"
        | b"urlpath" | b"route" | b"httproute" => Key::Path,
        b"url" | b"httpurl" | b"requesturl" | b"urlfull" | b"endpoint" => Key::Url,
        b"host" | b"hostname" | b"server" | b"upstream" | b"peer" | b"target" | b"dest"
        | b"destination" | b"remote" | b"addr" | b"address" | b"backend" | b"upstreamaddr"
        | b"peeraddress" | b"peerservice" | b"serveraddress" | b"nethostname" | b"netpeername"
        | b"dbhost" | b"redishost" | b"upstreamhost" | b"dependency" | b"downstream" => Key::Host,
        _ => return classify_duration_key(k),
    })
}

/// Duration keys and the unit their bare numbers are in (`duration_ms=12`, `elapsed=1.5s`).
fn classify_duration_key(k: &[u8]) -> Option<Key> {
    const BASES: &[&[u8]] = &[
        b"duration",
        b"elapsed",
        b"latency",
        b"took",
        b"responsetime",
        b"time",
        b"rt",
        b"dur",
        b"requesttime",
        b"upstreamresponsetime",
        b"timetaken",
        b"processingtime",
        b"exectime",
        b"executiontime",
        b"querytime",
        b"waittime",
        b"timeout",
        b"delay",
        b"ttfb",
        b"rtt",
    ];
    const UNITS: &[(&[u8], f64)] = &[
        (b"ms", 1.0),
        (b"millis", 1.0),
        (b"milliseconds", 1.0),
        (b"us", 1e-3),
        (b"micros", 1e-3),
        (b"microseconds", 1e-3),
        (b"ns", 1e-6),
        (b"nanos", 1e-6),
        (b"nanoseconds", 1e-6),
        (b"s", 1000.0),
        (b"sec", 1000.0),
        (b"secs", 1000.0),
        (b"seconds", 1000.0),
    ];
    // The bases starting with each byte, as a bit per base in list order: the first byte picks
    // the few bases worth comparing without a loop over all (this runs for every key).
    const BY_FIRST: [u32; 256] = {
        assert!(BASES.len() <= 32, "a bit per base");
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < BASES.len() {
            t[BASES[i][0] as usize] |= 1 << i;
            i += 1;
        }
        t
    };
    let &k0 = k.first()?;
    let mut bases = BY_FIRST[k0 as usize];
    while bases != 0 {
        let base = BASES[bases.trailing_zeros() as usize];
        bases &= bases - 1;
        if k.len() < base.len() {
            continue;
        }
        if let Some(rest) = k.strip_prefix(base) {
            if rest.is_empty() {
                // Bare number without a unit in the key: unknown scale, only values with units count.
                return Some(Key::Duration(f64::NAN));
            }
            for (u, f) in UNITS {
                if rest == *u {
                    return Some(Key::Duration(*f));
                }
            }
        }
    }
    None
}

fn is_key_byte(c: u8) -> bool {
    KEY_BYTE[c as usize]
}

/// Bytes of a key: letters, digits, `_`, `-`, `.`, `@` (one lookup: keys are read backwards
/// from every `=` and `:` of every message).
static KEY_BYTE: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@');
        c += 1;
    }
    t
};

pub(super) fn scan_key_values(s: &str, e: &mut Entities) {
    let m = s.as_bytes();
    for sep in memchr::memchr2_iter(b'=', b':', m) {
        // The key: bytes before the separator, skipping a closing quote ("key":).
        let mut end = sep;
        if end > 0 && m[end - 1] == b'"' {
            end -= 1;
        }
        let mut start = end;
        while start > 0 && is_key_byte(m[start - 1]) {
            start -= 1;
        }
        if start == end || end - start > 40 {
            continue;
        }
        let Some(key) = classify_key(&m[start..end]) else {
            continue;
        };
        // `a:b` inside a token (`host:5432`, `10:00:01`) is not a separator unless the key
        // names something; `status:503` is fine.
        let mut v = sep + 1;
        if m[sep] == b':' && v < m.len() && m[v] == b':' {
            continue; // `::` (C++/Rust paths, IPv6)
        }
        while v < m.len() && m[v] == b' ' {
            v += 1;
        }
        let (val, _) = read_value(m, v);
        if val.is_empty() {
            continue;
        }
        let Ok(val) = std::str::from_utf8(val) else {
            continue;
        };
        apply_key(key, val, e);
    }
}

/// A value after a separator: quoted, or up to the next delimiter.
fn read_value(m: &[u8], v: usize) -> (&[u8], usize) {
    if v >= m.len() {
        return (&[], v);
    }
    if m[v] == b'"' || m[v] == b'\'' {
        let q = m[v];
        let rest = &m[v + 1..];
        let close = memchr::memchr(q, rest).unwrap_or(rest.len());
        return (&rest[..close], v + 1 + close);
    }
    let mut end = v;
    while end < m.len()
        && !matches!(
            m[end],
            b' ' | b',' | b';' | b'"' | b'}' | b']' | b')' | b'\t' | b'&' | b'\''
        )
    {
        end += 1;
    }
    // A trailing period ends a sentence, not the value.
    let mut vend = end;
    while vend > v && matches!(m[vend - 1], b'.' | b':') {
        vend -= 1;
    }
    (&m[v..vend], end)
}

fn apply_key(key: Key, val: &str, e: &mut Entities) {
    let val = val.trim();
    if val.is_empty()
        || val.len() > MAX_VALUE
        || matches!(
            val,
            "-" | "null" | "none" | "None" | "nil" | "<nil>" | "undefined"
        )
    {
        return;
    }
    match key {
        Key::Trace => {
            if e.trace_id.is_none() && is_id(val) {
                // Google Cloud: projects/P/traces/ID; X-Ray: Root=1-...; uber: trace:span:parent:flags.
                let v = val.rsplit('/').next().unwrap_or(val);
                let v = v.strip_prefix("Root=").unwrap_or(v);
                let v = if v.contains(':') {
                    v.split(':').next().unwrap_or(v)
                } else {
                    v
                };
                e.trace_id = Some(v.into());
            } else if e.trace_id.is_none() {
                if let Some((t, s)) = parse_traceparent(val) {
                    e.trace_id = Some(t.into());
                    e.span_id.get_or_insert_with(|| s.into());
                }
            }
        }
        Key::Traceparent => {
            if let Some((t, s)) = parse_traceparent(val) {
                e.trace_id.get_or_insert_with(|| t.into());
                e.span_id.get_or_insert_with(|| s.into());
            }
        }
        Key::Span => {
            if e.span_id.is_none() && is_id(val) {
                e.span_id = Some(val.into());
            }
        }
        Key::Parent => {
            if e.parent_span_id.is_none()
                && is_id(val)
                && val.bytes().all(|b| b.is_ascii_hexdigit())
            {
                e.parent_span_id = Some(val.into());
            }
        }
        Key::Request => {
            if e.request_id.is_none() && is_id(val) {
                e.request_id = Some(val.into());
            }
        }
        Key::User => {
            if e.user_id.is_none() && is_id(val) && !val.contains("://") {
                e.user_id = Some(val.into());
            }
        }
        Key::Status => {
            if e.http_status.is_none() {
                if let Some(code) = parse_status(val) {
                    e.http_status = Some(code);
                }
            }
        }
        Key::Method => {
            if e.http_method.is_none() {
                if let Some(m) = http_method(val) {
                    e.http_method = Some(m.into());
                }
            }
        }
        Key::Path => {
            if e.http_path.is_none() && val.starts_with('/') {
                e.http_path = Some(strip_query(val).into());
            }
        }
        Key::Url => {
            if let Some((host, path)) = split_url(val) {
                if e.http_path.is_none() && !path.is_empty() {
                    e.http_path = Some(strip_query(path).into());
                }
                add_host(host, e);
            } else if e.http_path.is_none() && val.starts_with('/') {
                e.http_path = Some(strip_query(val).into());
            }
        }
        Key::Host => {
            let v = val.split("://").last().unwrap_or(val);
            let v = v.split('/').next().unwrap_or(v);
            add_host(v, e);
        }
        Key::Duration(scale) => {
            // Values with a unit are read by the free-text scan; here only bare numbers whose
            // unit the key names (`duration_ms=42`).
            if let Some(ms) = parse_duration_value(val, scale) {
                push_duration(ms, e);
            }
        }
    }
}

/// An id: one token of word characters, no spaces.
pub(super) fn is_id(v: &str) -> bool {
    !v.is_empty()
        && v.len() <= MAX_VALUE
        && v.bytes().all(|b| {
            b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'_' | b'.' | b':' | b'/' | b'=' | b'@' | b'+')
        })
        && v.bytes().any(|b| b.is_ascii_alphanumeric())
        && v != "0"
        && !v.bytes().all(|b| b == b'0' || b == b'-')
}

/// W3C traceparent `00-<32 hex>-<16 hex>-<2 hex>`: (trace id, span id).
pub(super) fn parse_traceparent(v: &str) -> Option<(&str, &str)> {
    let b = v.as_bytes();
    if b.len() < 55 || b[2] != b'-' || b[35] != b'-' || b[52] != b'-' {
        return None;
    }
    let hex = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_hexdigit);
    if hex(0..2)
        && hex(3..35)
        && hex(36..52)
        && hex(53..55)
        && (b.len() == 55 || !b[55].is_ascii_alphanumeric())
    {
        Some((&v[3..35], &v[36..52]))
    } else {
        None
    }
}

pub(super) fn parse_status(v: &str) -> Option<u16> {
    let b = v.as_bytes();
    if b.len() < 3 || !b[..3].iter().all(u8::is_ascii_digit) {
        return None;
    }
    if b.len() > 3 && (b[3].is_ascii_alphanumeric() || b[3] == b'.') {
        return None;
    }
    let code = (b[0] - b'0') as u16 * 100 + (b[1] - b'0') as u16 * 10 + (b[2] - b'0') as u16;
    (100..=599).contains(&code).then_some(code)
}

#[cfg(test)]
mod tests {
    use crate::ingest::entities::tests_support::ents;

    #[test]
    fn trace_and_span_ids() {
        let e = ents("traceparent: 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01 done");
        assert_eq!(
            e.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
        assert_eq!(e.span_id.as_deref(), Some("00f067aa0ba902b7"));
        let e = ents("req done trace_id=abc123 span_id=def456");
        assert_eq!(e.trace_id.as_deref(), Some("abc123"));
        assert_eq!(e.span_id.as_deref(), Some("def456"));
        let e =
            ents(r#"{"traceId":"0af7651916cd43dd8448eb211c80319c","spanId":"b7ad6b7169203331"}"#);
        assert_eq!(
            e.trace_id.as_deref(),
            Some("0af7651916cd43dd8448eb211c80319c")
        );
        assert_eq!(e.span_id.as_deref(), Some("b7ad6b7169203331"));
        let e = ents("handled 00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assert_eq!(
            e.trace_id.as_deref(),
            Some("4bf92f3577b34da6a3ce929d0e0e4736")
        );
    }

    #[test]
    fn request_and_user_ids() {
        let e = ents("request_id=r-42 user_id=u_7 failed");
        assert_eq!(e.request_id.as_deref(), Some("r-42"));
        assert_eq!(e.user_id.as_deref(), Some("u_7"));
        let e = ents("handling req-3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b for checkout");
        assert_eq!(
            e.request_id.as_deref(),
            Some("req-3f2a9c1e-7b4d-4e8f-9a0b-1c2d3e4f5a6b")
        );
        let e = ents("x-request-id: 9f1c2 userId: 77");
        assert_eq!(e.request_id.as_deref(), Some("9f1c2"));
        assert_eq!(e.user_id.as_deref(), Some("77"));
        let e = ents("X-Request-ID=abc-def-123");
        assert_eq!(e.request_id.as_deref(), Some("abc-def-123"));
    }
}
