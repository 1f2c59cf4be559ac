//! HTTP: request lines in free text (`"GET /x HTTP/1.1" 503`, `GET /x 503 12ms`,
//! `GET https://host/x`) to method, path (query stripped), status and the URL's host.
//!
//! Promise: a method is taken only as one of the standard verbs, a status only in 100..=599.

use super::*;

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

pub(super) fn http_method(v: &str) -> Option<&'static str> {
    METHODS.iter().copied().find(|m| m.eq_ignore_ascii_case(v))
}

pub(super) fn strip_query(p: &str) -> &str {
    let end = p.find(['?', '#']).unwrap_or(p.len());
    &p[..end]
}

/// `scheme://host[:port]/path` -> (host with port, path).
pub(super) fn split_url(v: &str) -> Option<(&str, &str)> {
    let i = v.find("://")?;
    let scheme = &v[..i];
    if scheme.is_empty()
        || !scheme
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'+')
    {
        return None;
    }
    let rest = &v[i + 3..];
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let host = &rest[..end];
    let host = host.rsplit('@').next().unwrap_or(host); // user:pass@host
    Some((host, &rest[end..]))
}

pub(super) fn scan_http(s: &str, e: &mut Entities) {
    let m = s.as_bytes();
    if e.http_method.is_none() || e.http_path.is_none() {
        for slash in memchr::memchr_iter(b'/', m) {
            // `METHOD /path` or `METHOD http://...`: the method ends one space before.
            let path_start = if slash >= 1 && m[slash - 1] == b' ' {
                slash
            } else if slash >= 6 && m[slash - 1] == b'/' && m[slash - 2] == b':' {
                // the scheme's `//`: walk back to the space before the scheme
                let mut i = slash - 2;
                while i > 0 && m[i - 1].is_ascii_alphabetic() {
                    i -= 1;
                }
                if i == 0 || m[i - 1] != b' ' {
                    continue;
                }
                i
            } else {
                continue;
            };
            if path_start < 2 {
                continue;
            }
            let mend = path_start - 1;
            let mut mstart = mend;
            while mstart > 0 && m[mstart - 1].is_ascii_uppercase() {
                mstart -= 1;
            }
            if mend - mstart < 3 || (mstart > 0 && m[mstart - 1].is_ascii_alphanumeric()) {
                continue;
            }
            let Some(method) = http_method(&s[mstart..mend]) else {
                continue;
            };
            let mut pend = path_start;
            while pend < m.len() && !matches!(m[pend], b' ' | b'"' | b'\t') {
                pend += 1;
            }
            let target = &s[path_start..pend];
            let path = if let Some((host, path)) = split_url(target) {
                add_host(host, e);
                if path.is_empty() {
                    "/"
                } else {
                    path
                }
            } else {
                target
            };
            e.http_method.get_or_insert_with(|| method.into());
            if e.http_path.is_none() && path.len() <= 512 {
                e.http_path = Some(strip_query(path).into());
            }
            // The status: after ` HTTP/x.y"` or directly after the path.
            if e.http_status.is_none() {
                let mut i = pend;
                if s[i..].starts_with(" HTTP/") {
                    i += 6;
                    while i < m.len() && (m[i].is_ascii_digit() || m[i] == b'.') {
                        i += 1;
                    }
                }
                if i < m.len() && m[i] == b'"' {
                    i += 1;
                }
                if i < m.len() && m[i] == b' ' {
                    if let Some(code) = parse_status(&s[i + 1..]) {
                        e.http_status = Some(code);
                    }
                }
            }
            break;
        }
    }
    if e.http_status.is_none() {
        e.http_status = haproxy_status(s);
    }
    // `HTTP/1.1 503` (a response line) and `HTTP 503`.
    if e.http_status.is_none() {
        if let Some(i) = memchr::memmem::find(m, b"HTTP/") {
            let mut j = i + 5;
            while j < m.len() && (m[j].is_ascii_digit() || m[j] == b'.') {
                j += 1;
            }
            if j < m.len() && m[j] == b' ' {
                if let Some(code) = parse_status(&s[j + 1..]) {
                    e.http_status = Some(code);
                }
            }
        }
    }
}

/// The status of an HAProxy HTTP log line: `backend/server Tq/Tw/Tc/Tr/Ta status bytes ...`.
/// Four or five timers (any may be -1) set it apart from the TCP format, whose three timers
/// are followed by a byte count.
fn haproxy_status(s: &str) -> Option<u16> {
    let mut words = s.split(' ').filter(|w| !w.is_empty());
    let mut prev = "";
    while let Some(w) = words.next() {
        // Counted, not collected: this runs on every word of a line with a slash.
        let parts = memchr::memchr_iter(b'/', w.as_bytes()).count() + 1;
        let is_timers = (4..=5).contains(&parts)
            && w.split('/').all(|t| {
                let d = t.strip_prefix('-').unwrap_or(t);
                !d.is_empty() && d.len() <= 9 && d.bytes().all(|b| b.is_ascii_digit())
            });
        if is_timers && prev.contains('/') && !prev.starts_with('/') {
            return words.next().and_then(parse_status);
        }
        prev = w;
    }
    None
}

#[cfg(test)]
mod tests {
    use crate::ingest::entities::tests_support::ents;

    #[test]
    fn haproxy_http_lines_give_their_status_and_tcp_lines_none() {
        let http = r#"10.0.0.8:41234 [12/Mar/2024:10:00:00.123] www~ shop_api_8080/srv1 0/0/1/-1/5001 504 198 - - sH-- 10/9/1/1/0 0/0 "GET /cart HTTP/1.1""#;
        assert_eq!(ents(http).http_status, Some(504));
        let tcp =
            "10.0.0.8:41234 [12/Mar/2024:10:00:00.123] db-in db/pg1 0/0/5007 212 -- 1/1/1/1/0 0/0";
        assert_eq!(ents(tcp).http_status, None);
    }

    #[test]
    fn http_request_lines_and_status() {
        let e = ents(r#"10.0.0.1 - - "GET /api/cart?id=1 HTTP/1.1" 503 12"#);
        assert_eq!(e.http_method.as_deref(), Some("GET"));
        assert_eq!(e.http_path.as_deref(), Some("/api/cart"));
        assert_eq!(e.http_status, Some(503));
        let e = ents("POST /checkout 500 12.3ms");
        assert_eq!(
            (
                e.http_method.as_deref(),
                e.http_path.as_deref(),
                e.http_status
            ),
            (Some("POST"), Some("/checkout"), Some(500))
        );
        assert_eq!(e.durations_ms, vec![12.3]);
        assert_eq!(ents("upstream status=503").http_status, Some(503));
        assert_eq!(ents("status: 503 from payments").http_status, Some(503));
        assert_eq!(ents(r#"{"status":502}"#).http_status, Some(502));
        assert_eq!(ents("request took 1500ms").http_status, None);
        assert_eq!(ents("connect to db:5003 failed").http_status, None);
        assert_eq!(ents("status=1500").http_status, None);
        assert_eq!(ents("listening on port 500").http_status, None);
        assert_eq!(
            ents("got HTTP/1.1 504 Gateway Timeout").http_status,
            Some(504)
        );
        let e = ents("GET https://payments.internal:8443/v1/charge failed");
        assert_eq!(e.http_path.as_deref(), Some("/v1/charge"));
        assert!(
            e.mentions.contains(&"payments.internal".to_string()),
            "{:?}",
            e.mentions
        );
    }
}
