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
    // Apache 2.4 error log: `[module:level]` (`[ssl:emerg]`, `[core:error]`).
    let inner = match inner.rsplit_once(':') {
        Some((module, lv))
            if bracketed
                && !lv.is_empty()
                && module
                    .bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'_') =>
        {
            lv
        }
        _ => inner,
    };
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
    if is_hex_id(b) {
        return true;
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

/// A request or trace id in a header (`6f3b1c2a-8d4e-4f5a-9b6c-7d8e9f0a1b2c`, `0af7651916cd43dd`):
/// hex digits and dashes, at least eight long, with a digit (so hex-only words stay words).
fn is_hex_id(b: &[u8]) -> bool {
    b.len() >= 8
        && b.iter().any(u8::is_ascii_digit)
        && b.iter().all(|c| c.is_ascii_hexdigit() || *c == b'-')
}

fn ident_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(
            c,
            b'.' | b'_' | b'$' | b'/' | b'#' | b'@' | b'-' | b'<' | b'>' | b'(' | b')' | b'*'
        )
}

/// After a level: optional `---`/`-`, `[thread]`, then a component. Returns (component range,
/// message start, Spring Boot 3 application name range).
type Range = Option<(usize, usize)>;
fn component(line: &str, mut i: usize) -> (Range, usize, Range) {
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
    let mut app = None;
    if line[j..].starts_with("--- ") || line[j..].starts_with("- ") {
        i = j + if b[j + 1] == b'-' { 4 } else { 2 };
        // Spring Boot 3.2+: `--- [app-name] [thread] logger : msg`
        if b[j + 1] == b'-' && b.get(i) == Some(&b'[') {
            let e = token_end(b, i);
            if e > i + 2 && b[e - 1] == b']' && b.get(e) == Some(&b' ') {
                let (k, _) = skip_ws(b, e);
                if b.get(k) == Some(&b'[') && !line[i + 1..e - 1].contains(' ') {
                    app = Some((i + 1, e - 1));
                    i = k;
                }
            }
        }
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
                return (Some((j + 1, e - 1)), e + 3, app);
            }
        } else if let Some(close) = memchr::memchr(b']', &b[j..b.len().min(j + 256)]) {
            // A thread name with spaces (`[DataStreamer for file /x block y]`) counts only when a
            // `component:` follows it, so free text in brackets is never eaten.
            let e = j + close + 1;
            let (t, _) = skip_ws(b, e);
            let te = token_end(b, t);
            if b.get(e) == Some(&b' ')
                && te > t + 1
                && b[te - 1] == b':'
                && b[t].is_ascii_alphabetic()
            {
                bracket = Some((j, e));
                k = e;
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
            return (Some((t, te - 1)), m, app);
        }
        if tok
            .iter()
            .all(|&c| ident_byte(c) || c == b'[' || c == b']' || c == b':')
        {
            let (n, _) = skip_ws(b, te);
            // Spring: `c.e.App      : msg`
            if b.get(n) == Some(&b':') && b.get(n + 1).is_none_or(|&c| c == b' ') {
                let (m, _) = skip_ws(b, n + 1);
                return (Some((t, te)), m, app);
            }
            // zap console: `level\tlogger\tmsg`
            if tab && b.get(te) == Some(&b'\t') {
                return (Some((t, te)), n, app);
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
                return (Some((t, te)), n, app);
            }
        }
    }
    let _ = bracket;
    let (m, _) = skip_ws(b, if app.is_some() { i } else { start });
    (None, m, app)
}

/// English prefixes and words that form hyphenated words, never service names.
const HYPHEN_WORDS: &[&str] = &[
    "re", "pre", "non", "co", "multi", "auto", "self", "anti", "sub", "un", "de", "e", "x", "mid",
    "post", "semi", "well", "so", "up", "out", "over", "under", "half", "built", "read", "write",
    "long", "short", "high", "low", "follow", "in", "on", "off", "one", "two", "all", "first",
    "last", "end", "real", "full", "third", "cross", "double", "single", "time", "user", "server",
    "client", "back", "by", "opt", "check", "log", "set", "get", "try", "retry",
];

/// Kubernetes object kinds written as `kind/name` after a reporting component.
const K8S_KINDS: &[&str] = &[
    "pod",
    "deployment",
    "replicaset",
    "statefulset",
    "daemonset",
    "job",
    "cronjob",
    "node",
    "service",
    "ingress",
    "namespace",
    "configmap",
    "secret",
    "horizontalpodautoscaler",
    "persistentvolumeclaim",
    "persistentvolume",
    "endpoints",
    "lease",
    "event",
];

/// A bare service name after the level: `WARN lookbook-api Postgres pool ...`.
///
/// Generic rule, no list of names: a token of lower-case letters and digits holding at least
/// one `-` or `_` between alphanumerics (no dots: dotted names are Loghub/Python components),
/// not ending in `:`, not a hyphenated English word, followed by more text. A plain lower-case
/// word counts only when a Kubernetes `kind/name` follows (`kubelet pod/api-1 ...`).
/// Returns the token range.
fn bare_service(line: &str, i: usize) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let (t, _) = skip_ws(b, i);
    let mut te = t;
    while te < b.len() && b[te] != b' ' && b[te] != b'\t' {
        te += 1;
    }
    let tok = &b[t..te];
    if !(3..=63).contains(&tok.len()) || !tok[0].is_ascii_lowercase() {
        return None;
    }
    if !tok.last()?.is_ascii_alphanumeric()
        || !tok
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-' || c == b'_')
    {
        return None;
    }
    let (n, _) = skip_ws(b, te);
    if n >= b.len() || n == te {
        return None;
    }
    let word = &line[t..te];
    if !word.contains(['-', '_']) {
        // `kubelet pod/api-1 ...`
        let next = &line[n..];
        let kind = next.split('/').next().unwrap_or("");
        let ok = kind.len() < next.len()
            && K8S_KINDS.contains(&kind)
            && next
                .as_bytes()
                .get(kind.len() + 1)
                .is_some_and(u8::is_ascii_alphanumeric)
            && word.bytes().all(|c| c.is_ascii_lowercase());
        return ok.then_some((t, te));
    }
    let mut segs = word.split(['-', '_']);
    if segs.clone().any(str::is_empty) {
        return None;
    }
    if segs.next().is_some_and(|s| HYPHEN_WORDS.contains(&s)) {
        return None;
    }
    // Ids (`f47ac10b-58cc-...`, `req-8b1f2c3d9e`): a long hexadecimal segment with digits.
    if word.split(['-', '_']).any(|s| {
        s.len() >= 8
            && s.bytes().all(|c| c.is_ascii_hexdigit())
            && s.bytes().any(|c| c.is_ascii_digit())
    }) {
        return None;
    }
    Some((t, te))
}

/// PostgreSQL's `log_line_prefix` levels, written `LEVEL:` in capitals (`DETAIL:`, `HINT:`,
/// `STATEMENT:` ... are parts of the message before, not levels).
fn pg_level(tok: &str) -> Option<Level> {
    let word = tok.strip_suffix(':')?;
    let alpha = word.trim_end_matches(|c: char| c.is_ascii_digit());
    if !matches!(
        alpha,
        "LOG" | "INFO" | "NOTICE" | "WARNING" | "ERROR" | "FATAL" | "PANIC" | "DEBUG"
    ) || (alpha.len() != word.len() && (alpha != "DEBUG" || word.len() != 6))
    {
        return None;
    }
    level::from_word(word)
}

/// A level right after one non-header word: PostgreSQL's `user@db FATAL:  msg` and
/// `redis-cache [WARN] msg`. Only `LEVEL:` in capitals or a bracketed level count there; the
/// word is a service when it looks like one (never `user@db`). Returns (level, end, service?).
fn level_after_subject(line: &str, tok: &str, e: usize) -> Option<(Level, usize, bool)> {
    let t = tok.as_bytes();
    if !(2..=63).contains(&t.len())
        || !t[0].is_ascii_alphanumeric()
        || !t.iter().all(|&c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'@' | b'.')
        })
        || !t.iter().any(u8::is_ascii_lowercase)
    {
        return None;
    }
    let b = line.as_bytes();
    let (s2, _) = skip_ws(b, e);
    if s2 == e || s2 >= b.len() {
        return None;
    }
    let e2 = token_end(b, s2);
    let next = &line[s2..e2];
    let l = if let Some(rest) = next.strip_prefix('[') {
        let inner = rest.split(']').next()?;
        if inner.len() + 2 != next.len() {
            return None;
        }
        token_level(next, true)?
    } else {
        // PostgreSQL writes `LEVEL:` and two spaces; a prose `word ERROR: x` is not a header.
        if !tok.contains('@') && !line[e2..].starts_with("  ") {
            return None;
        }
        pg_level(next)?
    };
    // More text must follow the level.
    let (m, _) = skip_ws(b, e2);
    if m >= b.len() || m == e2 {
        return None;
    }
    let probe = format!("{tok} x");
    let svc = !tok.contains(['@', '.'])
        && t[0].is_ascii_lowercase()
        && (bare_service(&probe, 0).is_some_and(|(_, z)| z == tok.len())
            || (tok.len() >= 3 && t.iter().all(u8::is_ascii_lowercase)));
    Some((l, e2, svc))
}

/// PostgreSQL lines that belong to the message before them.
fn pg_continuation(tok: &str) -> bool {
    matches!(
        tok,
        "DETAIL:" | "HINT:" | "CONTEXT:" | "STATEMENT:" | "QUERY:" | "LOCATION:"
    )
}

/// glog/klog: `E0102 15:04:05.123456 1 file.go:12] msg`.
/// A klog header (`I0402 08:12:55.003381    1432 file.go:245] `): its level, its month-day
/// time (no year), the component (`file.go:245`) and where the message starts.
pub(super) struct KlogHead<'a> {
    pub level: Level,
    pub time: time::Civil,
    pub component: &'a str,
    pub message: usize,
}

pub(super) fn klog_head(line: &str) -> Option<KlogHead<'_>> {
    let b = line.as_bytes();
    let level = level::from_letter(*b.first()?)?;
    if b.len() < 6 || !b[1..5].iter().all(u8::is_ascii_digit) || b[5] != b' ' {
        return None;
    }
    let mo = (b[1] - b'0') as u32 * 10 + (b[2] - b'0') as u32;
    let d = (b[3] - b'0') as u32 * 10 + (b[4] - b'0') as u32;
    let (mut c, n) = time::scan(&line[6..])?;
    if c.month != 0 {
        return None;
    }
    c.month = mo;
    c.day = d;
    c.year = None;
    let close = memchr::memchr(b']', &b[6 + n..]).map(|k| 6 + n + k)?;
    let component = line[6 + n..close].split_whitespace().last().unwrap_or("");
    let message = if b.get(close + 1) == Some(&b' ') {
        close + 2
    } else {
        close + 1
    };
    Some(KlogHead {
        level,
        time: c,
        component,
        message: message.min(line.len()),
    })
}

fn klog(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let h = klog_head(line)?;
    let mut r = Record::new(Format::Classic, Msg::Range(h.message, line.len()));
    r.level = Some(h.level);
    r.time = ctx.time(&h.time);
    if !h.component.is_empty() {
        r.entities.component = Some(h.component.into());
    }
    Some(r)
}

/// Redis: `1:M 24 May 2026 11:54:10.080 # msg` (role M/S/C/X; marks `.` debug, `-` verbose,
/// `*` notice, `#` warning), old `[123] 24 May 11:54:10.080 * msg`, and the signal handler's
/// `1:signal-handler (1774475221) Received SIGTERM ...` (epoch seconds, logged at warning).
pub(crate) fn redis(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let (head, close) = if b.first() == Some(&b'[') {
        let k = memchr::memchr(b']', &b[..b.len().min(12)])?;
        (&b[1..k], k + 1)
    } else {
        let k = memchr::memchr(b':', &b[..b.len().min(12)])?;
        (&b[..k], k + 1)
    };
    if head.is_empty() || !head.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut i = close;
    if b.first() != Some(&b'[') {
        if line[i..].starts_with("signal-handler (") {
            let s = i + "signal-handler (".len();
            let e = s + memchr::memchr(b')', &b[s..])?;
            let secs: i64 = line[s..e].parse().ok()?;
            if !(0..=10_000_000_000).contains(&secs) || b.get(e + 1) != Some(&b' ') {
                return None;
            }
            let mut r = Record::new(Format::Classic, Msg::Range(e + 2, line.len()));
            r.time = ctx.full_time(secs * 1_000_000_000, crate::ingest::Precision::Second);
            r.level = Some(Level::Warn);
            return Some(r);
        }
        if !matches!(b.get(i), Some(b'M' | b'S' | b'C' | b'X')) || b.get(i + 1) != Some(&b' ') {
            return None;
        }
        i += 2;
    } else if b.get(i) == Some(&b' ') {
        i += 1;
    } else {
        return None;
    }
    if !b.get(i).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let (c, n) = time::scan(&line[i..])?;
    if c.month == 0 {
        return None;
    }
    let m = i + n;
    let lvl = match (b.get(m), b.get(m + 1), b.get(m + 2)) {
        (Some(b' '), Some(&k), Some(b' ')) => match k {
            b'.' | b'-' => Level::Debug,
            b'*' => Level::Info,
            b'#' => Level::Warn,
            _ => return None,
        },
        _ => return None,
    };
    let mut r = Record::new(Format::Classic, Msg::Range(m + 3, line.len()));
    r.time = ctx.time(&c);
    r.level = Some(lvl);
    Some(r)
}

/// Microsoft.Extensions.Logging console: `fail: Category.Name[13]` (the message usually follows
/// on indented lines). The prefix is the level: trce/dbug/info/warn/fail/crit.
pub(crate) fn dotnet_console(line: &str) -> Option<Record> {
    let b = line.as_bytes();
    if b.len() < 8 || b[4] != b':' || b[5] != b' ' {
        return None;
    }
    let lvl = match &b[..4] {
        b"trce" => Level::Trace,
        b"dbug" => Level::Debug,
        b"info" => Level::Info,
        b"warn" => Level::Warn,
        b"fail" => Level::Error,
        b"crit" => Level::Critical,
        _ => return None,
    };
    let e = 6 + b[6..]
        .iter()
        .position(|&c| c == b' ')
        .unwrap_or(b.len() - 6);
    let cat = &line[6..e];
    let open = cat.rfind('[')?;
    if !cat.ends_with(']')
        || open == 0
        || !cat[open + 1..cat.len() - 1]
            .bytes()
            .all(|c| c.is_ascii_digit())
        || !cat[..open]
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'`' | b'+'))
    {
        return None;
    }
    let (m, _) = skip_ws(b, e);
    // The text usually comes on the indented lines below: the category names the event then.
    let m = if m >= line.len() { 6 } else { m };
    let mut r = Record::new(Format::Classic, Msg::Range(m, line.len()));
    r.level = Some(lvl);
    r.entities.component = Some(cat[..open].into());
    Some(r)
}

/// Node.js errors printed by `util.inspect` / `console.error(err)` with a custom name:
/// `UnacceptedCreditCard [Error]: Sorry, ...`. Level error; the whole line is the message.
pub(crate) fn node_error(line: &str) -> Option<Record> {
    let b = line.as_bytes();
    let sp = memchr::memchr(b' ', &b[..b.len().min(96)])?;
    let name = &b[..sp];
    if !name.first()?.is_ascii_uppercase()
        || !name
            .iter()
            .all(|&c| c.is_ascii_alphanumeric() || c == b'_' || c == b'$')
    {
        return None;
    }
    let rest = &line[sp + 1..];
    let close = rest.find("]: ")?;
    let tag = rest.strip_prefix('[')?.get(..close - 1)?;
    if !(tag.ends_with("Error") || tag.ends_with("Exception"))
        || !tag.bytes().all(|c| c.is_ascii_alphanumeric())
    {
        return None;
    }
    let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
    r.level = Some(Level::Error);
    Some(r)
}

/// oVirt vdsm: `Thread-15::DEBUG::2011-12-07 11:44:17,737::clientIF::54::vds::(wrapper) msg`.
pub(crate) fn vdsm(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let a = memchr::memmem::find(&b[..b.len().min(64)], b"::")?;
    let lv = a + 2;
    let lz = lv + memchr::memmem::find(&b[lv..b.len().min(lv + 12)], b"::")?;
    let lvl = level::from_long_word(&line[lv..lz])?;
    let (c, n) = time::scan(&line[lz + 2..])?;
    let mut i = lz + 2 + n;
    if !line[i..].starts_with("::") {
        return None;
    }
    i += 2;
    // module::line::logger::
    let mut module = None;
    for k in 0..3 {
        let e = i + memchr::memmem::find(&b[i..b.len().min(i + 96)], b"::")?;
        if k == 0 {
            module = Some(&line[i..e]);
        }
        i = e + 2;
    }
    let mut r = Record::new(Format::Classic, Msg::Range(i, line.len()));
    r.level = Some(lvl);
    r.time = ctx.time(&c);
    r.entities.component = module.map(Into::into);
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
    // Only a token that names something (a file, host, pid, `-`, an ALLCAPS tag such as BGL's
    // `KERNDTLB`), never a word of prose: the time in `expires 2016-10-01T12:00:00Z` is part of
    // a message, not an event time.
    let tok = &b[..e];
    let names = tok
        .iter()
        .any(|c| c.is_ascii_digit() || matches!(c, b'.' | b'-' | b'/' | b':' | b'_' | b'[' | b'@'))
        || tok.iter().all(u8::is_ascii_uppercase);
    if !names {
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
    let mut subject = None;
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
        if need_ts && k > 0 && pg_continuation(tok) {
            r.continuation = true;
            r.message = Msg::Range(e, line.len());
            return Some(r);
        }
        if !skippable(tok) {
            // After a timestamp, or first on a wrapper's inner line (`ts svc [WARN] msg`
            // reaches here as `svc [WARN] msg` after the kubectl `--timestamps` prefix).
            if need_ts || k == 0 {
                if let Some((l, e2, svc)) = level_after_subject(line, tok, e) {
                    found = Some((l, e2));
                    if svc {
                        subject = Some((s, e));
                    }
                }
            }
            break;
        }
        prev_numeric = tok.bytes().all(|c| c.is_ascii_digit());
        pos = e;
    }
    match found {
        Some((l, e)) => {
            r.level = Some(l);
            if let Some((a, z)) = subject {
                // `redis-cache [WARN] msg`: the service stood before the level.
                r.service = Some(line[a..z].to_string());
                let (m, _) = skip_ws(b, e);
                r.message = Msg::Range(m, line.len());
                return Some(r);
            }
            if let Some((a, z)) = bare_service(line, e) {
                // `ts ERROR svc WARN svc msg`: an exporter's own `ts LEVEL service` before the
                // app's line; the inner level is the app's, the outer one the exporter's guess.
                let (mut sa, mut sz) = (a, z);
                let (s2, _) = skip_ws(b, z);
                let e2 = token_end(b, s2);
                let mut end = z;
                if let Some(l2) = token_level(&line[s2..e2], true) {
                    r.level = Some(l2);
                    end = e2;
                    if let Some((a2, z2)) = bare_service(line, e2) {
                        (sa, sz, end) = (a2, z2, z2);
                    }
                }
                r.service = Some(line[sa..sz].to_string());
                let (m, _) = skip_ws(b, end);
                r.message = Msg::Range(m, line.len());
                return Some(r);
            }
            // `INFO [quotes-api] msg`: a bracketed name that passes the bare-service rule and
            // has no all-digit segment (threads: `[nio-8080-exec-7]`, `[scheduling-1]`).
            let (t, _) = skip_ws(b, e);
            if b.get(t) == Some(&b'[') {
                if let Some(k) = memchr::memchr(b']', &b[t..b.len().min(t + 66)]) {
                    let name = &line[t + 1..t + k];
                    let probe = format!("{name} x");
                    if bare_service(&probe, 0).is_some_and(|(_, z)| z == name.len())
                        && name.contains(['-', '_'])
                        && !name
                            .split(['-', '_'])
                            .any(|g| g.bytes().all(|c| c.is_ascii_digit()))
                        && b.get(t + k + 1) == Some(&b' ')
                    {
                        r.service = Some(name.to_string());
                        let (m, _) = skip_ws(b, t + k + 1);
                        r.message = Msg::Range(m, line.len());
                        return Some(r);
                    }
                }
            }
            let (comp, m, app) = component(line, e);
            if let Some((a, z)) = comp {
                r.entities.component = Some(line[a..z].into());
            }
            if let Some((a, z)) = app {
                r.service = Some(line[a..z].to_string());
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
    fn no_time_from_prose() {
        // A continuation of a message body (a token dump) names a time that is not the event's.
        let mut ctx = Ctx::new(None, 2016);
        assert!(decode(
            "expires 2016-10-02T12:00:00Z for project admin",
            &mut ctx,
            true
        )
        .is_none());
        assert!(decode("Token 2016-10-02 12:00:00 issued", &mut ctx, true).is_none());
        // A leading file or host name, or an ALLCAPS tag, still lets the header through.
        let (r, _) = dec("nova-api.log.1 2016-10-01 12:00:00.123 2931 INFO nova.api x");
        assert_eq!(r.level, Some(Level::Info));
        assert!(dec("KERNDTLB 1117838570 2005.06.03 R02 RAS KERNEL FATAL x")
            .0
            .time
            .is_some());
    }

    #[test]
    fn apache_module_level_field() {
        let (r, m) =
            dec("[Wed Jun 12 14:03:10.004512 2024] [ssl:emerg] [pid 2001:tid 1] AH02572: no key");
        assert_eq!(r.level, Some(Level::Fatal));
        assert!(m.ends_with("no key"), "{m}");
        let (r, _) = dec("[Wed Jun 12 14:03:10 2024] [mpm_event:notice] [pid 2110] resuming");
        assert_eq!(r.level, Some(Level::Notice));
    }

    #[test]
    fn request_id_between_time_and_level() {
        // AWS Lambda runtimes: `ts<TAB>request-id<TAB>LEVEL<TAB>message`.
        let (r, m) = dec(
            "2024-06-12T14:03:22.415Z\t6f3b1c2a-8d4e-4f5a-9b6c-7d8e9f0a1b2c\tWARNING\tslow write",
        );
        assert_eq!((r.level, m.as_str()), (Some(Level::Warn), "slow write"));
        // A hex-looking word without digits stays a word: no level is invented past it.
        let mut ctx = Ctx::new(None, 2016);
        let line = "2024-06-12T14:03:22Z deadbeefcafe ERROR x";
        let r = decode(line, &mut ctx, true).unwrap();
        assert_eq!(r.level, None);
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
    fn dotnet_console_prefixes() {
        let l = "fail: Microsoft.AspNetCore.Server.Kestrel[13]";
        let r = dotnet_console(l).unwrap();
        assert_eq!(
            (r.level, comp(&r)),
            (
                Some(Level::Error),
                Some("Microsoft.AspNetCore.Server.Kestrel")
            )
        );
        assert_eq!(
            dotnet_console("warn: Cart.Service[0] low stock")
                .unwrap()
                .level,
            Some(Level::Warn)
        );
        assert!(dotnet_console("info: something happened").is_none());
        assert!(dotnet_console("fail: the build").is_none());
    }

    #[test]
    fn node_error_first_line() {
        let r = node_error(
            "UnacceptedCreditCard [Error]: Sorry, we cannot process visa_electron credit cards.",
        )
        .unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert!(node_error("Hello [world]: x").is_none());
        assert!(node_error("user [TypeError]: x").is_none());
    }

    #[test]
    fn vdsm_header() {
        let mut ctx = Ctx::new(None, 2011);
        let l = "Thread-15::DEBUG::2011-12-07 11:44:17,737::clientIF::54::vds::(wrapper) [10.35.17.240]::call getVdsCapabilities";
        let r = vdsm(l, &mut ctx).unwrap();
        assert_eq!((r.level, comp(&r)), (Some(Level::Debug), Some("clientIF")));
        assert_eq!(
            r.message_text(l),
            "(wrapper) [10.35.17.240]::call getVdsCapabilities"
        );
        assert_eq!(r.time.unwrap().0, 1_323_258_257_737_000_000);
        let l = "MainThread::ERROR::2011-12-05 07:04:56,300::vdsm::74::vds::(run) Traceback (most recent call last):";
        assert_eq!(vdsm(l, &mut ctx).unwrap().level, Some(Level::Error));
    }

    #[test]
    fn redis_native() {
        let red = |l: &str| {
            let mut ctx = Ctx::new(None, 2016);
            let r = redis(l, &mut ctx).unwrap_or_else(|| panic!("no header in {l:?}"));
            let m = r.message_text(l).to_string();
            (r, m)
        };
        let (r, m) = red("1:M 24 May 2026 11:54:10.080 # User requested shutdown...");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Warn), "User requested shutdown...")
        );
        assert_eq!(r.time.unwrap().0, 1_779_623_650_080_000_000);
        let (r, m) = red("2210:C 25 Mar 2026 21:40:03.004 * DB saved on disk");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Info), "DB saved on disk")
        );
        let (r, m) = red("1:signal-handler (1774475221) Received SIGTERM scheduling shutdown...");
        assert_eq!(
            (r.level, m.as_str()),
            (Some(Level::Warn), "Received SIGTERM scheduling shutdown...")
        );
        assert_eq!(r.time.unwrap().0, 1_774_475_221_000_000_000);
        let (r, _) = red("[4018] 14 Nov 07:01:22.119 - Accepted 127.0.0.1:52394");
        assert_eq!(r.level, Some(Level::Debug));
    }

    /// Bug: PostgreSQL `user@db FATAL:` and `svc [WARN]` lines had level "unknown".
    #[test]
    fn levels_missed_postgres_and_bracketed_after_service() {
        let (r, m) = dec("2024-03-12 14:10:14.390 UTC [2333] orders@orders FATAL:  remaining connection slots are reserved");
        assert_eq!((r.level, r.service.as_deref()), (Some(Level::Fatal), None));
        assert_eq!(m, "remaining connection slots are reserved");
        let (r, _) = dec("2024-03-12 14:08:49.003 UTC [2291] orders@orders WARNING:  there is already a transaction in progress");
        assert_eq!(r.level, Some(Level::Warn));
        let (r, _) = dec("2024-03-12 14:08:49.003 UTC [2291] app@shop DEBUG2:  x y");
        assert_eq!(r.level, Some(Level::Debug));
        let (r, m) = dec("2024-05-01T10:00:00Z quill-cache [WARN] maxclients reached");
        assert_eq!(
            (r.level, r.service.as_deref(), m.as_str()),
            (Some(Level::Warn), Some("quill-cache"), "maxclients reached")
        );
        let (r, _) = dec("2024-05-01T10:00:00Z ledger [error] write failed");
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Error), Some("ledger"))
        );
        // A wrapper's inner line (after a kubectl `--timestamps` prefix) has no timestamp.
        let mut ctx = Ctx::new(None, 2016);
        let r = decode("quill-cache [WARN] maxclients reached", &mut ctx, false).unwrap();
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Warn), Some("quill-cache"))
        );
        // Traps: a level found first wins; message words with colons are not levels.
        let (r, _) = dec("2024-05-01T10:00:00Z INFO request done error: none");
        assert_eq!(r.level, Some(Level::Info));
        for l in [
            "2024-05-01T10:00:00Z request done error: none",
            "2024-05-01T10:00:00Z request ERROR: none",
            "2024-05-01T10:00:00Z orders@orders DETAIL:  Key (id)=(1) exists",
            "2024-05-01T10:00:00Z checking room [ok] fine",
            "2024-05-01T10:00:00Z starting [WARN]",
        ] {
            let (r, _) = dec(l);
            assert!(
                r.level != Some(Level::Error) && r.level != Some(Level::Warn),
                "{l}"
            );
            assert_eq!(r.service, None, "{l}");
        }
    }

    #[test]
    fn bare_service_after_level() {
        let (r, m) = dec(
            "2026-05-24T11:54:10.080Z WARN lookbook-api Postgres pool getConnection waited 1.8s",
        );
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Warn), Some("lookbook-api"))
        );
        assert_eq!(m, "Postgres pool getConnection waited 1.8s");
        let (r, m) = dec("2026-03-12T13:22:36.412Z INFO kubelet pod/quill-search-5f8b9c7d64-2vxkq Started container");
        assert_eq!(r.service.as_deref(), Some("kubelet"));
        assert_eq!(m, "pod/quill-search-5f8b9c7d64-2vxkq Started container");
        // Not services: English hyphenated words, plain words, components, ids.
        for l in [
            "2024-01-01 10:00:00 INFO re-trying connection to db",
            "2024-01-01 10:00:00 INFO starting server on :8080",
            "2024-01-01 10:00:00 INFO nova.compute_manager [req-1] x",
            "2024-01-01 10:00:00 INFO api-gateway: upstream down",
            "2024-01-01 10:00:00 INFO f47ac10b-58cc-4372 accepted",
            "2024-01-01 10:00:00 INFO built-in plugin loaded",
            "2024-01-01 10:00:00 INFO my-service",
        ] {
            assert_eq!(dec(l).0.service, None, "{l}");
        }
    }

    #[test]
    fn bracketed_service_after_level() {
        let (r, m) = dec("2026-05-24T11:54:10.080Z INFO [quotes-api] charge ok");
        assert_eq!(
            (r.service.as_deref(), m.as_str()),
            (Some("quotes-api"), "charge ok")
        );
        for l in [
            "2024-01-01 10:00:00 INFO [nio-8080-exec-7] o.a.C: x",
            "2024-01-01 10:00:00 INFO [scheduling-1] c.e.Job: x",
            "2024-01-01 10:00:00 INFO [main] c.e.App: x",
            "2024-01-01 10:00:00 INFO [req-38101a0b-1c2d] x",
        ] {
            assert_eq!(dec(l).0.service, None, "{l}");
        }
    }

    /// An exporter prepends its own `ts LEVEL service` to the app's `LEVEL service msg`: the
    /// inner (app's) level wins, the service is read once and the message is the app's text.
    #[test]
    fn doubled_level_exporter_prefix() {
        let (r, m) = dec("2026-05-24T11:54:10.080Z ERROR lookbook-api WARN lookbook-api Postgres pool getConnection waited 1.8s");
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Warn), Some("lookbook-api"))
        );
        assert_eq!(m, "Postgres pool getConnection waited 1.8s");
        let (r, m) = dec("2026-05-24T11:54:10.081Z FATAL ledger-worker FATAL ledger-worker Out of memory: heap=512MiB");
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Fatal), Some("ledger-worker"))
        );
        assert_eq!(m, "Out of memory: heap=512MiB");
    }

    #[test]
    fn spring_boot_3_application_name() {
        let (r, m) = dec("2026-03-23T10:04:12.332Z ERROR 1 --- [stock-ledger] [nio-8080-exec-7] o.h.engine.jdbc.spi.SqlExceptionHelper   : Deadlock found");
        assert_eq!(
            (r.level, r.service.as_deref(), comp(&r)),
            (
                Some(Level::Error),
                Some("stock-ledger"),
                Some("o.h.engine.jdbc.spi.SqlExceptionHelper")
            )
        );
        assert_eq!(m, "Deadlock found");
    }

    #[test]
    fn postgres_detail_continues() {
        let (r, m) =
            dec("2026-03-18 04:12:05.702 UTC [4410] DETAIL:  The failed archive command was: x");
        assert!(r.continuation);
        assert!(m.ends_with("The failed archive command was: x"));
        let (r, _) = dec("2026-03-18 04:19:31.204 UTC [9172] PANIC:  could not write to file");
        assert_eq!(r.level, Some(Level::Fatal));
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
