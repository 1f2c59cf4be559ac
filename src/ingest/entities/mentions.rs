//! Mentions and hosts: the words of a message that name another service or a host (after cue
//! words like `upstream`, `connecting to`; host names, IPs and `host:port`; hyphenated
//! `*-service` names), plus ids and traceparents written as bare words.
//!
//! Promise: words that name nothing (`the`, `failed`, `-ed` states, file names) are never
//! mentions; at most the per-event limit is kept.

use super::*;
use crate::hash::FxHashSet;
use std::sync::OnceLock;

/// Words after which the next word names another service or host.
const CUES: &[&[&str]] = &[
    &["upstream"],
    &["calling"],
    &["call", "to"],
    &["calls", "to"],
    &["connect", "to"],
    &["connecting", "to"],
    &["connected", "to"],
    &["connection", "to"],
    &["connection", "with"],
    &["connections", "to"],
    &["request", "to"],
    &["requests", "to"],
    &["circuit", "breaker", "for"],
    &["circuit", "breaker"],
    &["dial", "tcp"],
    &["dial", "udp"],
    &["lookup"],
    &["reach"],
    &["reaching"],
    &["contacting"],
    &["contact"],
    &["from", "upstream"],
    &["backend"],
    &["dependency"],
    &["downstream"],
    &["talking", "to"],
    &["forwarding", "to"],
    &["proxying", "to"],
    &["sending", "to"],
    &["publish", "to"],
    &["unreachable:"],
    &["resolve"],
    &["resolving"],
];

/// Words that follow a cue but name nothing.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "to",
    "for",
    "from",
    "with",
    "this",
    "that",
    "it",
    "its",
    "is",
    "was",
    "be",
    "server",
    "service",
    "services",
    "host",
    "hosts",
    "remote",
    "upstream",
    "backend",
    "database",
    "db",
    "localhost",
    "endpoint",
    "peer",
    "node",
    "target",
    "api",
    "failed",
    "error",
    "timed",
    "timeout",
    "request",
    "requests",
    "connection",
    "connections",
    "and",
    "or",
    "in",
    "on",
    "at",
    "of",
    "by",
    "not",
    "no",
    "all",
    "any",
    "some",
    "our",
    "your",
    "their",
    "external",
    "internal",
    "open",
    "opened",
    "opening",
    "closed",
    "closing",
    "tripped",
    "half-open",
    // `calling method ...`, `calling function ...`: code, not a peer.
    "method",
    "methods",
    "function",
    "handler",
    "half",
    "reset",
    "state",
    "is",
    "are",
    "has",
    "had",
    "have",
    "tcp",
    "udp",
    "http",
    "https",
    "grpc",
    "unix",
    "socket",
    "address",
    "addr",
    "127.0.0.1",
    "0.0.0.0",
    "::1",
    "null",
    "none",
    "nil",
    "itself",
    "self",
    "again",
    "now",
    "successfully",
    "ok",
    "true",
    "false",
    "port",
    "unknown",
    "unavailable",
    "unreachable",
    "down",
    "dead",
    "lost",
    "busy",
    "slow",
    "gone",
    "response",
    "responses",
    "reply",
    "latency",
    "call",
    "calls",
    "status",
    "errors",
    "result",
    "results",
    // Replication roles: "connection with master lost", "connecting to primary" speak of
    // whichever instance holds the role, not of a service called that.
    "master",
    "primary",
    "replica",
    "slave",
    "secondary",
    "standby",
    "leader",
    "follower",
];

/// Top-level labels that make a dotted word a host name rather than code or a file.
const HOST_SUFFIXES: &[&str] = &[
    "com", "net", "org", "io", "local", "internal", "intra", "lan", "corp", "svc", "cluster",
    "cloud", "dev", "app", "ai", "co", "us", "uk", "de", "eu", "fr", "jp", "cn", "ru", "in",
    "info", "biz", "tech", "prod", "staging", "stg", "priv", "private", "home", "arpa", "edu",
    "gov", "mil", "int", "example", "test", "invalid", "consul", "mesh", "pod", "nl", "se", "ch",
    "au", "ca", "br", "it", "es", "pl", "kr", "sg", "me", "tv", "xyz", "site", "online",
    "services", "systems",
];

/// Package roots that make a dotted word code, whatever its last label.
const NOT_HOST_ROOTS: &[&str] = &[
    "java", "javax", "jdk", "sun", "kotlin", "kotlinx", "scala", "akka", "android", "androidx",
    "self", "this", "os", "sys", "np", "pd", "e", "i", "ie", "eg", "etc", "vs", "window",
    "document", "console", "math", "std", "core", "alloc", "crate", "super", "module", "exports",
    "process", "request", "response", "req", "res", "ctx", "config", "settings", "app", "err",
];

/// File extensions: a dotted word ending in one is a file, not a host.
const FILE_EXTENSIONS: &[&str] = &[
    "log",
    "txt",
    "json",
    "yaml",
    "yml",
    "java",
    "py",
    "pyc",
    "go",
    "rs",
    "js",
    "ts",
    "mjs",
    "cjs",
    "jsx",
    "tsx",
    "conf",
    "cfg",
    "xml",
    "html",
    "htm",
    "sh",
    "gz",
    "zip",
    "tar",
    "jar",
    "war",
    "so",
    "dll",
    "exe",
    "class",
    "properties",
    "ini",
    "pem",
    "crt",
    "key",
    "csv",
    "md",
    "lock",
    "pid",
    "sock",
    "toml",
    "rb",
    "php",
    "c",
    "h",
    "cc",
    "cpp",
    "hpp",
    "scala",
    "kt",
    "out",
    "err",
    "tmp",
    "bak",
    "swp",
    "png",
    "jpg",
    "jpeg",
    "gif",
    "svg",
    "css",
    "map",
    "sql",
    "db",
    "sqlite",
    "proto",
    "cs",
    "vb",
    "fs",
    "dart",
    "swift",
    "m",
    "pl",
    "pm",
    "lua",
    "ex",
    "exs",
    "erl",
    "hs",
    "clj",
    "env",
    "tf",
    "tfvars",
    "lst",
    "dat",
    "bin",
    "img",
    "iso",
    "deb",
    "rpm",
    "whl",
    "egg",
    "gem",
    "pdf",
    "doc",
    "docx",
    "xls",
    "xlsx",
    "wasm",
    "o",
    "a",
    "lib",
    "obj",
    "pdb",
    "ko",
    "d",
];

/// One of the word lists above as a hash set, built on first use: a linear search of a list
/// of a hundred words cost ~1,000 instructions for every dotted word and host candidate.
struct Words {
    list: &'static [&'static str],
    set: OnceLock<FxHashSet<&'static str>>,
}

impl Words {
    const fn new(list: &'static [&'static str]) -> Words {
        Words {
            list,
            set: OnceLock::new(),
        }
    }

    fn contains(&self, w: &str) -> bool {
        self.set
            .get_or_init(|| self.list.iter().copied().collect())
            .contains(w)
    }
}

static NOT_NAME: Words = Words::new(NOT_NAMES);
static HOST_SUFFIX: Words = Words::new(HOST_SUFFIXES);
static NOT_HOST_ROOT: Words = Words::new(NOT_HOST_ROOTS);
static FILE_EXTENSION: Words = Words::new(FILE_EXTENSIONS);

pub(super) fn scan_words(s: &str, e: &mut Entities) {
    // The two words before the current one (for cues of up to three words), and whether a cue
    // just ended so the next word (articles skipped) names a service or host.
    let mut prev: [&str; 2] = ["", ""];
    let mut pending = false;
    // A bare number word waiting for a spelled unit in the next word (`took 12 ms`).
    let mut number: Option<f64> = None;
    for (count, raw) in s.split_ascii_whitespace().enumerate() {
        if count >= 256 {
            break;
        }
        // One branch-free pass for the bytes that gate the slower checks.
        let flags = raw.bytes().fold(0u8, |f, c| f | BYTE_FLAGS[c as usize]);
        let w = trim_word(raw);
        if let Some(n) = number.take() {
            if let Some((f, ulen, u)) = read_unit(w) {
                if ulen == w.len() && spaced_unit_ok(u) {
                    push_duration(n * f, e);
                }
            }
        }
        if flags & DIGIT != 0 {
            let wb = w.as_bytes();
            if !wb.is_empty() && wb[0].is_ascii_digit() && number_end(wb, 0) == Some(wb.len()) {
                number = read_number(wb, 0).map(|(n, _)| n);
            } else if flags & UNIT != 0 {
                // A unit glued to a number: `1500ms`, `(2.5s)`, `latency=1m30s`. Every unit
                // starts with one of the UNIT bytes: a word without one (a hex id, a
                // timestamp) holds no duration.
                scan_durations(raw, e);
            }
        }
        if w.is_empty() {
            continue;
        }
        // A comma or a full stop closes the clause: `connecting to upstream, client: 10.0.0.1`
        // names no `client`.
        let closes = raw.ends_with([',', ';', '.']);
        if pending {
            if is_filler(w) {
                pending = !closes;
                prev = [w, prev[0]];
                continue;
            }
            pending = false;
            add_mention_word(w, e);
        }
        let b = w.as_bytes();
        let (dot, dash, slash) = (flags & DOT != 0, flags & DASH != 0, flags & SLASH != 0);
        // W3C traceparent in free text.
        if e.trace_id.is_none() && b.len() >= 55 && b[2] == b'-' {
            if let Some((t, sp)) = parse_traceparent(w) {
                e.trace_id = Some(t.into());
                e.span_id.get_or_insert_with(|| sp.into());
                prev = [w, prev[0]];
                continue;
            }
        }
        // req-<uuid>, request-<id>
        if e.request_id.is_none()
            && b[0] == b'r'
            && (w.starts_with("req-") || w.starts_with("req_") || w.starts_with("request-"))
        {
            let tail = &w[w.find(['-', '_']).map_or(0, |p| p + 1)..];
            if tail.len() >= 6 && is_id(w) && tail.bytes().any(|c| c.is_ascii_digit()) {
                e.request_id = Some(w.into());
            }
        }
        // A cue phrase ending at this word: the next word is a name.
        if !closes && is_cue_end(w) && cue_matches(prev, w) {
            pending = true;
        }
        if slash {
            // URLs anywhere: the scheme is the letters right before `://`.
            if b.len() > 8 {
                if let Some(p) = memchr::memmem::find(b, b"://") {
                    let mut start = p;
                    while start > 0 && b[start - 1].is_ascii_alphanumeric() {
                        start -= 1;
                    }
                    if let Some((host, _)) = split_url(&w[start..]) {
                        add_host(host, e);
                    }
                }
            }
        } else if dot && b.len() >= 4 {
            // Dotted host names anywhere.
            if let Some(h) = host_in_word(w) {
                add_host(h, e);
            }
        }
        // Names with a service suffix: inventory-svc, basketservice, billing-api.
        if b.len() >= 6 && b[0].is_ascii_lowercase() && (dash || w.ends_with("service")) {
            if let Some(name) = service_suffixed(w) {
                add_mention(name, e);
            }
        }
        prev = [w, prev[0]];
    }
}

const DOT: u8 = 1;
const DASH: u8 = 2;
const SLASH: u8 = 4;
const DIGIT: u8 = 8;
const LETTER: u8 = 16;
/// A byte a duration unit can start with (see `durations::read_unit`), in either case.
const UNIT: u8 = 32;

/// Per-byte flags for [`scan_words`]' single pass (µ/μ lead bytes count as letters).
const BYTE_FLAGS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = match b {
            b'.' => DOT,
            b'-' => DASH,
            b'/' => SLASH,
            b'0'..=b'9' => DIGIT,
            b'm' | b'n' | b's' | b'h' | b'u' | b'M' | b'N' | b'S' | b'H' | b'U' | 0xC2 | 0xCE => {
                LETTER | UNIT
            }
            b'a'..=b'z' | b'A'..=b'Z' => LETTER,
            _ => 0,
        };
        c += 1;
    }
    t
};

/// Punctuation around a word; `.` and `:` only at its end.
fn trim_word(w: &str) -> &str {
    const AROUND: &[u8] = b"\"'()[]{},;<>`!?";
    let b = w.as_bytes();
    let mut a = 0;
    let mut z = b.len();
    while a < z && AROUND.contains(&b[a]) {
        a += 1;
    }
    while z > a && (AROUND.contains(&b[z - 1]) || b[z - 1] == b'.' || b[z - 1] == b':') {
        z -= 1;
    }
    // Only ASCII bytes were trimmed, so both ends are char boundaries.
    &w[a..z]
}

/// Words skipped between a cue and the name it introduces.
fn is_filler(w: &str) -> bool {
    [
        "the", "a", "an", "service", "host", "server", "upstream", "backend",
    ]
    .iter()
    .any(|f| w.eq_ignore_ascii_case(f))
}

/// Whether the words `prev[1] prev[0] w` end with one of [`CUES`].
fn cue_matches(prev: [&str; 2], w: &str) -> bool {
    CUES.iter().any(|cue| {
        let n = cue.len();
        cue[n - 1].trim_end_matches(':').eq_ignore_ascii_case(w)
            && (n < 2 || prev[0].eq_ignore_ascii_case(cue[n - 2]))
            && (n < 3 || prev[1].eq_ignore_ascii_case(cue[n - 3]))
    })
}

/// True when `w` is the last word of some cue (a cheap filter before [`cue_target`]).
fn is_cue_end(w: &str) -> bool {
    let b = w.as_bytes();
    if b.len() < 2 || b.len() > 12 {
        return false;
    }
    let mut buf = [0u8; 12];
    for (d, c) in buf.iter_mut().zip(b) {
        *d = c.to_ascii_lowercase();
    }
    matches!(
        &buf[..b.len()],
        b"upstream"
            | b"calling"
            | b"to"
            | b"with"
            | b"for"
            | b"breaker"
            | b"tcp"
            | b"udp"
            | b"lookup"
            | b"reach"
            | b"reaching"
            | b"contacting"
            | b"contact"
            | b"backend"
            | b"dependency"
            | b"downstream"
            | b"unreachable"
            | b"resolve"
            | b"resolving"
    )
}

fn add_mention_word(w: &str, e: &mut Entities) {
    let w = w.split("://").last().unwrap_or(w);
    let w = w.split('/').next().unwrap_or(w);
    add_host(w, e);
}

/// A lower-case word that names no service or host wherever it stands: [`NOT_NAMES`], and a
/// plain word in -ed ("upstream refused", "backend closed": the state of the thing, not its
/// name; names with a hyphen, digit or dot are kept).
pub(super) fn names_nothing(lower: &str) -> bool {
    NOT_NAME.contains(lower)
        || lower.len() >= 5
            && lower.ends_with("ed")
            && lower.bytes().all(|c| c.is_ascii_lowercase())
}

/// Adds a host or service name (a port stripped) when it looks like one.
pub(super) fn add_host(raw: &str, e: &mut Entities) {
    let h = raw.trim_matches(|c: char| {
        matches!(
            c,
            '"' | '\'' | '[' | ']' | '(' | ')' | ',' | ';' | '.' | ':'
        )
    });
    let h = strip_port(h);
    if h.is_empty() || h.len() > 253 {
        return;
    }
    let lower = h.to_ascii_lowercase();
    if lower == "localhost" || lower.starts_with("127.") {
        return;
    }
    if names_nothing(&lower) {
        return;
    }
    if is_ipv4(h) {
        add_mention(h, e);
        return;
    }
    let b = h.as_bytes();
    if !b[0].is_ascii_alphabetic()
        || !b
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
        || b.len() < 2
    {
        return;
    }
    // A dotted name must look like a host, not a class or a file.
    if h.contains('.') && host_in_word(h).is_none() && !raw.contains(':') {
        return;
    }
    // CamelCase words are code (`PaymentService`), not services.
    if b.iter().skip(1).any(u8::is_ascii_uppercase)
        && !h.contains('.')
        && b.iter().any(u8::is_ascii_lowercase)
    {
        return;
    }
    add_mention(k8s_service_name(&lower).unwrap_or(&lower), e);
}

/// The service behind a Kubernetes DNS name: `NAME.NAMESPACE.svc` and
/// `NAME.NAMESPACE.svc.cluster.local` name the service `NAME`.
pub(crate) fn k8s_service_name(host: &str) -> Option<&str> {
    let h = host.trim_end_matches('.');
    let h = h
        .strip_suffix(".svc.cluster.local")
        .or_else(|| h.strip_suffix(".svc"))?;
    let (name, ns) = h.split_once('.')?;
    (!name.is_empty() && !ns.is_empty() && !ns.contains('.')).then_some(name)
}

fn add_mention(name: &str, e: &mut Entities) {
    if e.mentions.len() < MAX_MENTIONS && !e.mentions.iter().any(|m| m == name) {
        e.mentions.push(name.to_string());
    }
}

fn strip_port(h: &str) -> &str {
    let b = h.as_bytes();
    if let Some(i) = memchr::memrchr(b':', b) {
        let port = &b[i + 1..];
        if !port.is_empty()
            && port.len() <= 5
            && port.iter().all(u8::is_ascii_digit)
            && memchr::memchr(b':', &b[..i]).is_none()
        {
            return &h[..i];
        }
    }
    h
}

fn is_ipv4(h: &str) -> bool {
    // Every part is digits: a word that does not start with one is none (most host names).
    if !h.as_bytes().first().is_some_and(u8::is_ascii_digit) {
        return false;
    }
    let mut n = 0;
    for part in h.as_bytes().split(|&c| c == b'.') {
        n += 1;
        if part.is_empty() || part.len() > 3 || !part.iter().all(u8::is_ascii_digit) {
            return false;
        }
        // At most three digits: the value fits, and only its size matters.
        let v = part.iter().fold(0u16, |v, &d| v * 10 + u16::from(d - b'0'));
        if v > 255 {
            return false;
        }
    }
    n == 4
}

/// A host name in a word: lowercase dot-separated labels ending in a host-like suffix (or with a
/// port), not a file name, a class name, or a version. Returns the host (port kept for strip).
fn host_in_word(w: &str) -> Option<&str> {
    let h = strip_port(w);
    let has_port = h.len() != w.len();
    let h = h.trim_end_matches('.');
    if is_ipv4(h) {
        return has_port.then_some(h);
    }
    let mut labels = 0;
    let mut has_svc = false;
    for lb in h.as_bytes().split(|&c| c == b'.') {
        labels += 1;
        if lb.is_empty()
            || lb.len() > 63
            || lb[0] == b'-'
            || lb[lb.len() - 1] == b'-'
            || !lb
                .iter()
                .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-')
        {
            return None;
        }
        has_svc |= lb == b"svc";
    }
    if labels < 2 {
        return None;
    }
    let last = memchr::memrchr(b'.', h.as_bytes()).map_or(h, |i| &h[i + 1..]);
    let first = memchr::memchr(b'.', h.as_bytes()).map_or(h, |i| &h[..i]);
    if !last.bytes().all(|c| c.is_ascii_lowercase()) || NOT_HOST_ROOT.contains(first) {
        return None;
    }
    if FILE_EXTENSION.contains(last) && !has_port {
        return None;
    }
    if !first.bytes().any(|c| c.is_ascii_alphabetic()) && !has_port {
        return None;
    }
    (HOST_SUFFIX.contains(last) || has_port || has_svc).then_some(h)
}

/// Service-like names by suffix: `inventory-svc`, `basketservice`, `billing-api`, `db-primary`.
fn service_suffixed(w: &str) -> Option<&str> {
    const SUFFIXES: &[&str] = &[
        "-svc", "-service", "service", "-api", "-db", "-server", "-worker", "-gateway", "-proxy",
        "-cache", "-primary", "-replica", "-master", "-redis", "-queue", "-broker",
    ];
    const NOT: &[&str] = &[
        "microservice",
        "webservice",
        "selfservice",
        "myservice",
        "theservice",
        "noservice",
    ];
    let w = strip_port(w);
    let b = w.as_bytes();
    if !b
        .iter()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || *c == b'-')
        || b.ends_with(b"-")
    {
        return None;
    }
    let hit = SUFFIXES
        .iter()
        .any(|s| w.len() > s.len() + 1 && w.ends_with(s));
    (hit && !NOT.contains(&w) && !w.starts_with("micro")).then_some(w)
}

#[cfg(test)]
mod tests {
    use crate::ingest::entities::tests_support::ents;

    #[test]
    fn ipv4_addresses_and_hosts_with_ports() {
        assert!(super::is_ipv4("10.0.0.5"));
        assert!(!super::is_ipv4("10.0.0.256"));
        assert!(!super::is_ipv4("10.0.0"));
        assert!(!super::is_ipv4(".10.0.0.5"));
        assert!(!super::is_ipv4("db.10.0.5"));
        assert!(!super::is_ipv4(""));
        // An address is a host only with its port; a name with or without.
        assert_eq!(super::host_in_word("10.0.0.5:5432"), Some("10.0.0.5"));
        assert_eq!(super::host_in_word("10.0.0.5"), None);
        assert_eq!(super::host_in_word("db.internal:5432"), Some("db.internal"));
        assert_eq!(super::host_in_word("db.internal."), Some("db.internal"));
    }

    #[test]
    fn mentioned_services_and_hosts() {
        let m = |s: &str| ents(s).mentions;
        assert_eq!(m("error from upstream payments"), ["payments"]);
        // A replication role names no service; the address after it is the instance.
        assert!(m("Connection with master lost.").is_empty());
        assert_eq!(m("Connecting to MASTER 10.1.2.3:6379"), ["10.1.2.3"]);
        // Regression: "slow upstream response" made a service called "response".
        assert!(m("slow upstream response").is_empty());
        // Regression: "upstream refused" made a service called "refused".
        assert!(m("ERROR pay-gw upstream refused").is_empty());
        assert!(m("backend unavailable, upstream closed the stream").is_empty());
        // Regression: nginx's "while connecting to upstream, client: 10.0.0.9" made a
        // service called "client": a comma ends the cue's clause.
        assert!(m("connect() failed while connecting to upstream, client: 10.0.0.9").is_empty());
        assert_eq!(m("failed connecting to orders-db: timeout"), ["orders-db"]);
        // Regression: "Calling method '<bound method ...>'" made a service called "method".
        assert!(m("Calling method '<bound method Volumes.show>' with arguments").is_empty());
        assert_eq!(m("calling inventory-svc failed"), ["inventory-svc"]);
        assert_eq!(
            m("connection to db-primary.internal:5432 refused"),
            ["db-primary.internal"]
        );
        assert_eq!(
            m("circuit breaker for recommendations opened"),
            ["recommendations"]
        );
        // Regression: "OPENED" after "circuit breaker" was taken for a service name.
        assert_eq!(
            m("Circuit breaker OPENED for upstream: ledger-worker"),
            ["ledger-worker"]
        );
        // Bug (hosts as services): a Kubernetes DNS name is its service.
        assert_eq!(m("host=cache-1.prod.svc.cluster.local down"), ["cache-1"]);
        let dns = m("dial tcp: lookup geo-finder.routing.svc.cluster.local: no such host");
        assert!(dns.contains(&"geo-finder".to_string()), "{dns:?}");
        assert!(!dns.iter().any(|d| d.contains(".svc")), "{dns:?}");
        assert_eq!(
            m("calling geo-finder.routing.svc:8080 failed"),
            ["geo-finder"]
        );
        assert_eq!(
            m("fetching https://api.stripe.com/v1/charges"),
            ["api.stripe.com"]
        );
        assert_eq!(
            m("dial tcp 10.0.0.5:5432: connect: connection refused"),
            ["10.0.0.5"]
        );
        assert_eq!(
            m("could not connect to the redis-cart service"),
            ["redis-cart"]
        );
        assert!(m("loaded config from /etc/app/config.yaml").is_empty());
        assert!(
            m("at com.example.payments.PaymentService.charge(PaymentService.java:42)").is_empty()
        );
        assert!(m("running version 1.2.3 of app.jar").is_empty());
        assert!(m("reading settings.json and app.log").is_empty());
        assert!(m("kafka.server.ReplicaFetcherThread started").is_empty());
        assert!(m("connection to the database failed").is_empty());
    }
}
