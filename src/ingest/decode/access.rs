//! Access logs: Apache/nginx common and combined (and their relatives with extra fields), and
//! IIS W3C extended logs (`#Fields:` header). Level from the HTTP status.

use super::{Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::Format;

/// `METHOD path ...` at the start of `request`: the method (upper-case letters) and the path.
fn request_line(request: &str, r: &mut Record) {
    let mut parts = request.split(' ');
    if let (Some(m), Some(p)) = (parts.next(), parts.next()) {
        if !m.is_empty() && m.bytes().all(|c| c.is_ascii_uppercase()) {
            r.entities.http_method = Some(m.into());
            r.entities.http_path = Some(p.into());
        }
    }
}

/// `host ident user [dd/Mon/yyyy:HH:MM:SS zone] "METHOD path proto" status size ...`
pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    // The bracketed time must come within the first few tokens.
    let lb = memchr::memchr(b'[', &b[..b.len().min(160)])?;
    if lb < 2 || b[lb - 1] != b' ' {
        return None;
    }
    let (c, n) = time::scan(&line[lb + 1..])?;
    let rb = lb + 1 + n;
    if b.get(rb) != Some(&b']') || !b[lb + 1..rb].contains(&b'/') {
        return None;
    }
    let mut i = rb + 1;
    if b.get(i) != Some(&b' ') || b.get(i + 1) != Some(&b'"') {
        return None;
    }
    i += 2;
    let req_start = i;
    let q = memchr::memchr(b'"', &b[i..])? + i;
    let request = &line[req_start..q];
    let mut r = Record::new(Format::AccessLog, Msg::Range(req_start - 1, line.len()));
    request_line(request, &mut r);
    let after = line[q + 1..].trim_start();
    let status: Option<u16> = after
        .split(' ')
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..600).contains(s));
    r.entities.http_status = status;
    r.level = status.map(level::from_http_status);
    r.time = ctx.time(&c);
    let host = line[..lb].split(' ').next().unwrap_or("");
    if host != "-" && !host.is_empty() {
        r.entities.host = Some(host.into());
    }
    Some(r)
}

/// Envoy's default access log: `[START_TIME] "METHOD PATH PROTO" CODE FLAGS RX TX DURATION
/// UPSTREAM_TIME "XFF" "UA" "REQUEST_ID" "AUTHORITY" "UPSTREAM_HOST"`.
///
/// The authority is the site the client asked for (the proxy's own public name), not a peer:
/// it stays out of the message and the mentions. The upstream host is the peer that answered
/// (or failed to); response flags (`UF`, `UT`, `UH`, `UO`) stay in the message.
pub(crate) fn envoy(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let rest = line.strip_prefix('[')?;
    let (c, n) = time::scan(rest)?;
    let after_time = rest.get(n..)?.strip_prefix("] \"")?;
    let req_start = line.len() - after_time.len();
    let req_end = req_start + memchr::memchr(b'"', after_time.as_bytes())?;
    let tail = &line[req_end + 1..];
    let quoted = tail.find(" \"").unwrap_or(tail.len());
    let mut words = tail[..quoted].split_ascii_whitespace();
    let status: u16 = words.next()?.parse().ok().filter(|s| *s < 600)?;
    let flags = words.next()?;
    let numbers: Vec<&str> = words.collect();
    let is_flags = flags == "-" || flags.bytes().all(|b| b.is_ascii_uppercase() || b == b',');
    let counts = numbers
        .iter()
        .all(|w| *w == "-" || w.parse::<u64>().is_ok());
    if !is_flags || !counts || numbers.len() < 3 {
        return None;
    }
    let mut r = Record::new(
        Format::AccessLog,
        Msg::Range(req_start - 1, req_end + 1 + quoted),
    );
    request_line(&line[req_start..req_end], &mut r);
    // Status 0: no response at all (the client or the proxy gave up): an error.
    r.entities.http_status = (status > 0).then_some(status);
    r.level = Some(if status == 0 {
        crate::ingest::Level::Error
    } else {
        level::from_http_status(status)
    });
    if let Some(ms) = numbers.get(2).and_then(|w| w.parse::<f64>().ok()) {
        r.entities.durations_ms.push(ms);
    }
    let fields: Vec<&str> = tail[quoted..].split('"').skip(1).step_by(2).collect();
    if fields.len() >= 5 {
        let id = fields[2];
        if id != "-" && !id.is_empty() {
            r.entities.request_id = Some(id.into());
        }
        let upstream = fields[4].rsplit_once(':').map_or(fields[4], |(h, _)| h);
        if upstream != "-" && !upstream.is_empty() {
            r.entities.mentions.push(upstream.into());
        }
    }
    r.time = ctx.time(&c);
    Some(r)
}

/// uWSGI request log: `[pid: 1|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes}
/// [Sun Mar 13 22:49:12 2016] POST /path => generated 47 bytes in 129 msecs (HTTP/1.1 200) ...`.
pub(crate) fn uwsgi(line: &str, ctx: &mut Ctx) -> Option<Record> {
    if !line.starts_with("[pid: ") {
        return None;
    }
    let b = line.as_bytes();
    let vars = memchr::memmem::find(b, b" vars in ")?;
    let lb = vars + memchr::memchr(b'[', &b[vars..])?;
    let (c, n) = time::scan(&line[lb + 1..])?;
    let rb = lb + 1 + n;
    if b.get(rb) != Some(&b']') {
        return None;
    }
    let start = (rb + 2).min(line.len());
    let mut r = Record::new(Format::AccessLog, Msg::Range(start, line.len()));
    r.time = ctx.time(&c);
    request_line(&line[start..], &mut r);
    if let Some(k) = memchr::memmem::find(&b[start..], b"(HTTP/") {
        let rest = &line[start + k..];
        let status: Option<u16> = rest
            .split([' ', ')'])
            .nth(1)
            .and_then(|s| s.parse().ok())
            .filter(|s| (100..600).contains(s));
        r.entities.http_status = status;
        r.level = status.map(level::from_http_status);
    }
    if let Some(k) = memchr::memmem::find(&b[start..], b" bytes in ") {
        let rest = &line[start + k + 10..];
        let mut w = rest.split(' ');
        if let (Some(v), Some(u)) = (w.next().and_then(|v| v.parse::<f64>().ok()), w.next()) {
            let ms = match u {
                "msecs" => Some(v),
                "micros" => Some(v / 1000.0),
                "secs" => Some(v * 1000.0),
                _ => None,
            };
            r.entities.durations_ms.extend(ms);
        }
    }
    Some(r)
}

/// `#Fields: date time ...` sets the columns; other `#` directives are kept as events.
pub(crate) fn w3c_directive(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let rest = line.strip_prefix('#')?;
    let (name, value) = rest.split_once(':')?;
    if !matches!(
        name,
        "Fields" | "Software" | "Version" | "Date" | "Start-Date" | "End-Date" | "Remark"
    ) {
        return None;
    }
    if name == "Fields" {
        ctx.w3c = Some(value.split_whitespace().map(str::to_string).collect());
    }
    let mut r = Record::new(Format::AccessLog, Msg::Range(0, line.len()));
    // Directives describe the rows that follow: they open the next row's event (or join the
    // row before, mid-file) instead of standing as untimed events of their own.
    r.preamble = true;
    if name == "Date" {
        if let Some(c) = time::parse_value(value) {
            r.time = ctx.time(&c);
        }
    }
    Some(r)
}

pub(crate) fn w3c_row(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let fields = ctx.w3c.as_ref()?;
    // Count before splitting: every other line of a file that once held `#Fields:` comes here.
    if memchr::memchr_iter(b' ', line.as_bytes()).count() + 1 != fields.len() {
        return None;
    }
    let vals: Vec<&str> = line.split(' ').collect();
    let mut r = Record::new(Format::AccessLog, Msg::Range(0, line.len()));
    let (mut date, mut clock) = (None, None);
    for (f, v) in fields.iter().zip(&vals) {
        if *v == "-" {
            continue;
        }
        match f.as_str() {
            "date" => date = Some(*v),
            "time" => clock = Some(*v),
            "cs-method" => r.entities.http_method = Some((*v).into()),
            "cs-uri-stem" => r.entities.http_path = Some((*v).into()),
            "sc-status" => {
                r.entities.http_status = v.parse().ok().filter(|s| (100..600).contains(s))
            }
            "s-sitename" | "s-computername" => r.entities.host = Some((*v).into()),
            "c-ip" if r.entities.host.is_none() => {}
            _ => {}
        }
    }
    let stamp = match (date, clock) {
        (Some(d), Some(t)) => Some(format!("{d} {t}")),
        (Some(d), None) => Some(d.to_string()),
        (None, Some(t)) => Some(t.to_string()),
        _ => None,
    };
    if let Some(c) = stamp.as_deref().and_then(time::parse_value) {
        r.time = ctx.time(&c);
        if c.month == 0 && r.time.is_none() {
            return None;
        }
    } else if date.is_some() || clock.is_some() {
        return None;
    }
    r.level = r.entities.http_status.map(level::from_http_status);
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    #[test]
    fn uwsgi_request_line() {
        let mut ctx = Ctx::new(None, 2016);
        let l = "[pid: 88185|app: 0|req: 1/1] 127.0.0.1 () {38 vars in 696 bytes} [Sun Mar 13 22:49:12 2016] POST /update_metrics => generated 47 bytes in 129 msecs (HTTP/1.1 503) 9 headers in 378 bytes (1 switches on core 3)";
        let r = uwsgi(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(crate::ingest::Level::Error));
        assert_eq!(r.entities.http_status, Some(503));
        assert_eq!(r.entities.http_path.as_deref(), Some("/update_metrics"));
        assert_eq!(r.entities.durations_ms, [129.0]);
        assert_eq!(r.time.unwrap().0, 1_457_909_352_000_000_000);
        assert!(r.message_text(l).starts_with("POST /update_metrics =>"));
    }

    #[test]
    fn envoy_default_format() {
        let mut ctx = Ctx::new(None, 1970);
        let l = r#"[2024-03-01T10:00:00.123Z] "POST /api/orders HTTP/1.1" 503 UF 120 91 3 - "198.51.100.7" "curl/8.5" "6c1f0d2e-1111-4a2b-9c3d-000000000001" "shop.example.com" "10.1.2.3:8080""#;
        let r = envoy(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.http_status, Some(503));
        assert_eq!(r.entities.http_path.as_deref(), Some("/api/orders"));
        assert_eq!(r.entities.durations_ms, [3.0]);
        assert_eq!(r.entities.mentions, ["10.1.2.3"]);
        assert_eq!(
            r.entities.request_id.as_deref(),
            Some("6c1f0d2e-1111-4a2b-9c3d-000000000001")
        );
        // The site asked for is not a peer, and stays out of the message.
        let msg = r.message_text(l);
        assert_eq!(msg, "\"POST /api/orders HTTP/1.1\" 503 UF 120 91 3 -");
        let timeout = r#"[2024-03-01T10:00:01Z] "GET /x HTTP/2" 504 UT 0 24 15001 - "-" "ua" "-" "shop.example.com" "-""#;
        let r = envoy(timeout, &mut ctx).unwrap();
        assert_eq!(r.entities.http_status, Some(504));
        assert!(r.entities.mentions.is_empty());
        // Not Envoy: a bracketed time and a quoted request without the counters after the flags.
        assert!(envoy(r#"[2024-03-01T10:00:01Z] "GET /x HTTP/2" 200 ok"#, &mut ctx).is_none());
        assert!(envoy("[2024-03-01T10:00:01Z] INFO started", &mut ctx).is_none());
    }

    #[test]
    fn combined_log() {
        let mut ctx = Ctx::new(None, 1970);
        let l = r#"127.0.0.1 - frank [10/Oct/2000:13:55:36 -0700] "GET /apache_pb.gif HTTP/1.0" 503 2326 "http://x/" "Mozilla""#;
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.http_status, Some(503));
        assert_eq!(r.entities.http_method.as_deref(), Some("GET"));
        assert_eq!(r.entities.http_path.as_deref(), Some("/apache_pb.gif"));
        assert_eq!(r.time.unwrap().0, 971_211_336_000_000_000);
        assert!(r.message_text(l).starts_with("\"GET /apache_pb.gif"));
    }

    #[test]
    fn w3c_rows_follow_fields() {
        let mut ctx = Ctx::new(None, 1970);
        assert!(w3c_directive(
            "#Fields: date time cs-method cs-uri-stem sc-status",
            &mut ctx
        )
        .is_some());
        let r = w3c_row("2015-01-13 00:32:17 GET /x 404", &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.time.unwrap().0, 1_421_109_137_000_000_000);
        assert!(w3c_row("only three fields", &mut ctx).is_none());
    }
}
