//! Entities: who and what an event concerns, read from names and message text.
//!
//! - the service an event belongs to, from a pod or container name (replica hashes and ordinals
//!   stripped), a file name, or a component/logger name;
//! - from the message: trace/span/request/user ids, HTTP method, path and status, durations (in
//!   milliseconds) and the other services or hosts the message mentions.
//!
//! Everything here is a pure function over `&str`, written as hand scanners (no regex) because it
//! runs once per event. Each scan is guarded by a cheap pre-check so a message with nothing to
//! find costs a few linear passes over its bytes.

use super::event::{Corpus, Entities, Text};
use std::sync::Arc;

/// Most durations and mentions kept per event; more is noise, and bounds the cost.
const MAX_DURATIONS: usize = 8;
const MAX_MENTIONS: usize = 8;
/// Longest id or name value kept.
const MAX_VALUE: usize = 128;

// ---------------------------------------------------------------------------------------------
// Service names
// ---------------------------------------------------------------------------------------------

/// The alphabet Kubernetes uses for generated name suffixes (no vowels, no 0/1/3, no y).
fn is_k8s_safe(b: u8) -> bool {
    matches!(b, b'b'..=b'd' | b'f'..=b'h' | b'j'..=b'n' | b'p'..=b't' | b'v' | b'w' | b'x' | b'z' | b'2' | b'4'..=b'9')
}

/// Five-letter words that end service names and must not be mistaken for a pod suffix.
const SUFFIX_WORDS: &[&str] = &[
    "proxy", "cache", "store", "queue", "redis", "mongo", "kafka", "nginx", "agent", "admin",
    "front", "users", "index", "event", "alert", "audit", "batch", "build", "cloud", "email",
    "fetch", "image", "label", "local", "media", "model", "order", "owner", "parse", "price",
    "rules", "route", "stats", "token", "trace", "track", "video", "watch", "gate", "relay",
    "shard", "slave", "sched", "minio", "nodes", "infra", "cron", "logic", "notif", "query",
    "reply", "write", "reads", "north", "south", "debug", "large", "small", "inner", "outer",
    "guard", "probe", "comms", "items", "carts", "links", "mails", "files", "blobs", "certs",
    "vault", "envoy", "istio", "kong", "traef", "zuul", "eureka", "coord", "scale", "pools",
];

/// True when a `-`-separated segment looks like a ReplicaSet pod-template hash.
fn is_rs_hash(seg: &str) -> bool {
    let b = seg.as_bytes();
    (5..=10).contains(&b.len())
        && (b.iter().all(|&c| is_k8s_safe(c)) || b.len() >= 6 && b.iter().all(u8::is_ascii_digit))
        && b.iter().any(u8::is_ascii_digit)
        || (8..=10).contains(&b.len()) && b.iter().all(|&c| is_k8s_safe(c))
}

/// Output of kubectl about cluster objects rather than one service's own log.
fn is_cluster_listing(f: crate::ingest::Format) -> bool {
    use crate::ingest::Format;
    matches!(
        f,
        Format::KubectlPrefix
            | Format::KubectlPods
            | Format::KubectlEvents
            | Format::KubectlDescribe
    )
}

/// True when a final segment looks like a generated 5-character pod suffix.
fn is_pod_suffix(seg: &str, others: usize) -> bool {
    let b = seg.as_bytes();
    if b.len() != 5
        || !b
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return false;
    }
    if b.iter().all(|&c| is_k8s_safe(c)) || b.iter().any(u8::is_ascii_digit) {
        return true;
    }
    // Letters only, outside the generator's alphabet: hand-written examples (`-abcde`). Only
    // when two or more segments remain, and never a word that ends service names.
    others >= 2 && !SUFFIX_WORDS.contains(&seg)
}

/// The service behind a pod or container name: `api-7d9f8b6c5d-x2k4p` -> `api`,
/// `redis-0` -> `redis`, `node-exporter-x7k2p` -> `node-exporter`, `backup-28312345-x7k2p` ->
/// `backup`, `pod/api-7d9f8b6c5d-x2k4p` -> `api`, compose `shop_api_1` -> `api`.
pub(crate) fn service_from_pod(name: &str) -> Option<String> {
    let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
    let name = name.rsplit('/').next().unwrap_or(name);
    // Docker container names start with `/`; compose v1 names are `project_service_N`.
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    if name.contains('_') && !name.contains('-') {
        let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
        if parts.len() >= 3 && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit()) {
            return Some(parts[parts.len() - 2].to_string());
        }
    }
    let mut segs: Vec<&str> = name.split('-').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Some(name.to_string());
    }
    // Deployment: NAME-HASH-SUFFIX; DaemonSet/Job: NAME-SUFFIX; CronJob: NAME-TIME-SUFFIX.
    if segs.len() >= 2 && is_pod_suffix(segs[segs.len() - 1], segs.len() - 1) {
        let hashed = segs.len() >= 3 && is_rs_hash(segs[segs.len() - 2]);
        let cron = segs.len() >= 3 && is_cron_stamp(segs[segs.len() - 2]);
        let last = segs[segs.len() - 1];
        // A bare NAME-xxxxx is a pod only when the suffix could not be a word.
        if hashed || cron || last.bytes().any(|b| b.is_ascii_digit()) || segs.len() >= 3 {
            segs.pop();
            if hashed || cron {
                segs.pop();
            }
        }
    } else if segs.len() >= 2 && {
        let h = segs[segs.len() - 1].as_bytes();
        (8..=10).contains(&h.len())
            && h.iter().all(|&c| is_k8s_safe(c))
            && h.iter().any(u8::is_ascii_digit)
    } {
        // A ReplicaSet name: NAME-HASH.
        segs.pop();
    }
    // StatefulSet ordinals and compose replica numbers: NAME-0, NAME-12.
    while segs.len() >= 2 {
        let last = segs[segs.len() - 1];
        if !last.is_empty() && last.len() <= 4 && last.bytes().all(|b| b.is_ascii_digit()) {
            segs.pop();
        } else {
            break;
        }
    }
    let out = segs.join("-");
    (!out.is_empty()).then_some(out)
}

fn is_cron_stamp(seg: &str) -> bool {
    (8..=10).contains(&seg.len()) && seg.bytes().all(|b| b.is_ascii_digit())
}

/// Names that say nothing about which service wrote a file.
const GENERIC_NAMES: &[&str] = &[
    "app",
    "application",
    "server",
    "service",
    "main",
    "output",
    "out",
    "err",
    "log",
    "logs",
    "stdout",
    "stderr",
    "system",
    "syslog",
    "messages",
    "combined",
    "error",
    "errors",
    "access",
    "current",
    "all",
    "debug",
    "trace",
    "default",
    "console",
    "container",
    "containers",
    "index",
    "stdin",
    "pods",
    "var",
    "tmp",
    "data",
    "run",
    "export",
    "dump",
    "input",
    "file",
    "test",
    "tests",
    "sample",
    "samples",
    "raw",
    "logfile",
    "daemon",
    "kern",
    "auth",
    "info",
    "warn",
    "user",
    "home",
    "root",
    "srv",
    "opt",
    "local",
    "mnt",
    "shared",
    "src",
    "work",
    "events",
    "incident",
    "pasted",
    "paste",
    "clipboard",
    "untitled",
    "download",
    "downloads",
    "text",
];

fn is_generic(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    GENERIC_NAMES.contains(&lower.as_str()) || lower.bytes().all(|b| b.is_ascii_digit())
}

/// Extensions and rotation suffixes peeled off a log file name.
const LOG_EXTENSIONS: &[&str] = &[
    "gz", "log", "txt", "json", "jsonl", "ndjson", "out", "err", "csv", "tsv", "bz2", "zst", "xz",
];

/// The service a file's name suggests when nothing in its lines names one:
/// `payments.log` -> `payments`, `checkout-2024-01-01.log.gz` -> `checkout`,
/// `logs/api/app.log` -> `api`, `/var/log/containers/api-7d9f8b6c5d-x2k4p_prod_api-<id>.log`
/// -> `api`. `None` for generic names (`app.log`, `stdin`) without a telling folder.
pub(crate) fn service_from_file_name(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let base = parts.pop()?;
    // Saved tool output (`kubectl-get-events.txt`) is about other services, not a service.
    if base.to_ascii_lowercase().starts_with("kubectl") {
        return None;
    }
    if let Some(s) = service_from_stem(base) {
        return Some(s);
    }
    // A generic file name: the nearest telling folder (`logs/api/app.log`).
    while let Some(dir) = parts.pop() {
        if dir == "." || dir == ".." {
            continue;
        }
        // kubelet layout: /var/log/pods/NAMESPACE_POD_UID/CONTAINER/0.log
        if dir.matches('_').count() >= 2 && parts.last() == Some(&"pods") {
            let pod = dir.split('_').nth(1)?;
            return service_from_pod(pod);
        }
        if let Some(s) = service_from_stem(dir) {
            return Some(s);
        }
        if !is_generic(dir) {
            return None;
        }
    }
    None
}

fn service_from_stem(base: &str) -> Option<String> {
    let mut stem = base;
    // Peel extensions and rotation numbers: x.log.1, x.log.2024-01-01, x.0, x.log.gz.
    while let Some(dot) = stem.rfind('.') {
        let ext = &stem[dot + 1..];
        let rotation = !ext.is_empty()
            && ext
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_');
        if rotation || LOG_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            stem = &stem[..dot];
        } else {
            break;
        }
    }
    // /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log
    let underscores = stem.matches('_').count();
    if underscores == 2 {
        let mut it = stem.split('_');
        let pod = it.next().unwrap_or("");
        let _ns = it.next();
        let container = it.next().unwrap_or("");
        if container
            .rsplit('-')
            .next()
            .is_some_and(|id| id.len() == 64)
        {
            return service_from_pod(pod);
        }
    }
    // Dates and times glued to the name: checkout-2024-01-01, api_20240101, app-2024-01-01T10.
    let stem = strip_date_suffix(stem);
    if stem.is_empty()
        || is_generic(stem)
        || stem.contains(' ')
        || !stem.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    if !stem
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return None;
    }
    service_from_pod(stem).filter(|s| !is_generic(s))
}

/// Drops a trailing date-like part: `-2024-01-01`, `_20240101`, `.2016-12-19-20`, `-2024-01-01T10`.
fn strip_date_suffix(stem: &str) -> &str {
    let b = stem.as_bytes();
    let mut end = b.len();
    // Walk back over digits and date separators.
    let mut i = end;
    while i > 0
        && (b[i - 1].is_ascii_digit() || matches!(b[i - 1], b'-' | b'_' | b'.' | b'T' | b':'))
    {
        i -= 1;
    }
    let tail = &stem[i..];
    let digits = tail.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 6 && tail.bytes().any(|c| c.is_ascii_digit()) {
        end = i;
        // The separator right before the date is not part of the name.
        while end > 0 && matches!(b[end - 1], b'-' | b'_' | b'.') {
            end -= 1;
        }
    }
    &stem[..end]
}

/// Package roots of Java, Scala, Kotlin and .NET loggers: not services.
const CODE_ROOTS: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "java",
    "javax",
    "jdk",
    "sun",
    "kotlin",
    "kotlinx",
    "scala",
    "akka",
    "android",
    "androidx",
    "microsoft",
    "system",
    "ch",
    "de",
    "uk",
    "edu",
    "gov",
    "mil",
    "me",
    "co",
];

/// A service name from a component or logger field: `kubelet` -> `kubelet`, `nova.compute.manager`
/// -> `nova`, `payments-api` -> `payments-api`; Java/.NET class loggers give `None`.
pub(crate) fn service_from_component(component: &str) -> Option<String> {
    let c = component
        .trim()
        .trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | ':' | '"'));
    // Drop a process id: `sshd[123]` was trimmed above to `sshd[123`, take the name part.
    let c = c.split(['[', '(']).next().unwrap_or(c);
    if c.is_empty() || c.len() > 64 {
        return None;
    }
    if !c
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'$'))
    {
        return None;
    }
    let first = c.split('.').next().unwrap_or(c);
    if c.contains('.') {
        if CODE_ROOTS.contains(&first.to_ascii_lowercase().as_str())
            || first.bytes().any(|b| b.is_ascii_uppercase())
            || first.len() <= 1
        {
            return None;
        }
    } else if c.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && c.bytes().skip(1).any(|b| b.is_ascii_lowercase())
        && c.bytes().skip(1).any(|b| b.is_ascii_uppercase())
    {
        // A bare class name (`PaymentService`) is code, not a service.
        return None;
    }
    if c.contains('$') || !first.bytes().any(|b| b.is_ascii_alphabetic()) || is_generic(first) {
        return None;
    }
    service_from_pod(first)
}

// ---------------------------------------------------------------------------------------------
// The per-event hook
// ---------------------------------------------------------------------------------------------

/// Completes the events of one file, `corpus.events[first..]`, after its lines are decoded and
/// joined: a service from the pod, container, file name or component when the decoder found
/// none, then the message scan. `text` is the file's decoded text (event spans point into it).
/// Called by the pipeline once per file; runs after joining so a reassembled message (CRI
/// partial lines) is scanned whole.
/// `tick(byte offset in the file, events so far)` is called every few thousand events.
pub(crate) fn complete(
    corpus: &mut Corpus,
    first: usize,
    text: &str,
    file_name: &str,
    tick: &mut dyn FnMut(usize, usize),
) {
    plain_word_services(corpus, first, text);
    let file_service = service_from_file_name(file_name);
    let mut file_sym = None;
    let mut scratch = Entities::default();
    // The previous event's entities: an equal set is shared instead of stored again.
    let mut last: Option<Arc<Entities>> = None;
    for idx in first..corpus.events.len() {
        if (idx - first) % crate::progress::EVENTS_STEP == 0 {
            tick(corpus.events[idx].first.0 as usize, idx);
        }
        let ev = &mut corpus.events[idx];
        let msg: &str = match &ev.message {
            Text::Span(a, b) => text.get(*a as usize..*b as usize).unwrap_or(""),
            Text::Owned(s) => s,
        };
        // Most events have no entities: scan into a reused scratch and allocate only a find.
        // The pipeline's Arc is not shared yet, so `make_mut` edits it in place.
        let ents: &mut Entities = match ev.entities.as_mut().map(Arc::make_mut) {
            Some(e) => e,
            None => &mut scratch,
        };
        enrich(msg, ents);
        let fallback = if ev.service.is_some() {
            None
        } else if let Some(s) = ents
            .pod
            .as_deref()
            .and_then(service_from_pod)
            .or_else(|| ents.container.as_deref().and_then(service_from_pod))
        {
            Some(Ok(s))
        } else if file_service.is_some() && !is_cluster_listing(ev.format) {
            // Not for cluster listings (events, pods, describe): they speak about other
            // objects, so the file's name ("k8s-events.log") names no service.
            Some(Err(()))
        } else {
            ents.component
                .as_deref()
                .and_then(service_from_component)
                .map(Ok)
        };
        match (&ev.entities, &last) {
            (Some(mine), Some(prev)) if **mine == **prev => ev.entities = last.clone(),
            (Some(mine), _) => last = Some(Arc::clone(mine)),
            (None, Some(prev)) if !scratch.is_empty() && scratch == **prev => {
                ev.entities = last.clone();
                scratch = Entities::default();
            }
            (None, _) if !scratch.is_empty() => {
                let shared = Arc::new(std::mem::take(&mut scratch));
                ev.entities = Some(Arc::clone(&shared));
                last = Some(shared);
            }
            (None, _) => {}
        }
        let sym = match fallback {
            None => continue,
            Some(Ok(name)) => corpus.intern(&name),
            Some(Err(())) => *file_sym.get_or_insert_with(|| {
                corpus.intern(file_service.as_deref().expect("checked above"))
            }),
        };
        corpus.events[idx].service = Some(sym);
    }
}

/// Words that open a message rather than name a service (`ERROR connection refused`), beyond
/// those that name nothing anywhere ([`names_nothing`]).
const MESSAGE_OPENERS: &[&str] = &[
    "failure",
    "unable",
    "cannot",
    "could",
    "starting",
    "started",
    "stopping",
    "stopped",
    "received",
    "sending",
    "sent",
    "retrying",
    "retry",
    "user",
    "users",
    "invalid",
    "health",
    "healthy",
    "shutting",
    "listening",
    "client",
    "job",
    "task",
    "worker",
    "query",
    "queue",
    "cache",
    "disk",
    "memory",
    "pool",
    "downstream",
    "handling",
    "handled",
    "processing",
    "processed",
    "loading",
    "loaded",
    "using",
    "got",
    "waiting",
    "exception",
    "panic",
    "fatal",
    "warning",
    "caught",
    "unexpected",
    "unhandled",
    "high",
    "low",
    "too",
    "out",
    "new",
    "old",
    "reconnecting",
    "connected",
    "disconnected",
];

/// In a stream written `ts LEVEL service msg` (a service found that way in the file), a line whose service word is a plain word (`ERROR ledger charge failed`)
/// takes that word as its service when at least two lines start so and it is not a common
/// message opener. The word leaves the message, as a hyphenated service name does.
fn plain_word_services(corpus: &mut Corpus, first: usize, text: &str) {
    use crate::ingest::Format;
    let leveled_classic =
        |ev: &super::event::Event| ev.format == Format::Classic && ev.level.is_some();
    if !corpus.events[first..]
        .iter()
        .any(|ev| leveled_classic(ev) && ev.service.is_some())
    {
        return;
    }
    let word_of = |ev: &super::event::Event| -> Option<(u32, u32, u32)> {
        let Text::Span(a, b) = ev.message else {
            return None;
        };
        let msg = text.get(a as usize..b as usize)?;
        let w = msg.split(' ').next()?;
        let rest = msg[w.len()..].trim_start_matches(' ');
        let ok = (3..=30).contains(&w.len())
            && w.bytes().next()?.is_ascii_lowercase()
            && w.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && !rest.is_empty()
            && !MESSAGE_OPENERS.contains(&w)
            && !names_nothing(w);
        ok.then(|| (a, a + w.len() as u32, b - rest.len() as u32))
    };
    // One pass finds the candidate lines (their word's span and where the message resumes);
    // the second only rewrites those.
    let found: Vec<(usize, u32, u32, u32)> = corpus.events[first..]
        .iter()
        .enumerate()
        .filter(|(_, ev)| leveled_classic(ev) && ev.service.is_none())
        .filter_map(|(i, ev)| word_of(ev).map(|(a, z, m)| (first + i, a, z, m)))
        .collect();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for &(_, a, z, _) in &found {
        *counts.entry(&text[a as usize..z as usize]).or_default() += 1;
    }
    counts.retain(|_, n| *n >= 2);
    for (idx, a, z, m) in found {
        let word = &text[a as usize..z as usize];
        if !counts.contains_key(word) {
            continue;
        }
        let sym = corpus.intern(word);
        let ev = &mut corpus.events[idx];
        if let Text::Span(_, b) = ev.message {
            ev.service = Some(sym);
            ev.message = Text::Span(m, b);
        }
    }
}

/// Reads ids, HTTP facts, durations and mentioned services/hosts from a message into `e`.
/// Fields the decoder already filled are kept.
pub(crate) fn enrich(message: &str, e: &mut Entities) {
    let m = message.as_bytes();
    if m.len() < 3 {
        return;
    }
    if memchr::memchr2(b'=', b':', m).is_some() {
        scan_key_values(message, e);
    }
    if memchr::memchr(b'/', m).is_some() {
        scan_http(message, e);
    }
    scan_words(message, e);
}

// ---------------------------------------------------------------------------------------------
// key=value, key: value, "key":"value"
// ---------------------------------------------------------------------------------------------

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
    // The first byte rules out most bases without a comparison (this runs for every key).
    let &k0 = k.first()?;
    if !matches!(
        k0,
        b'd' | b'e' | b'l' | b't' | b'r' | b'p' | b'q' | b'u' | b'w'
    ) {
        return None;
    }
    for base in BASES {
        if base[0] != k0 || k.len() < base.len() {
            continue;
        }
        if let Some(rest) = k.strip_prefix(*base) {
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
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.' | b'@')
}

fn scan_key_values(s: &str, e: &mut Entities) {
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
                e.trace_id = Some(v.to_string());
            } else if e.trace_id.is_none() {
                if let Some((t, s)) = parse_traceparent(val) {
                    e.trace_id = Some(t.to_string());
                    e.span_id.get_or_insert_with(|| s.to_string());
                }
            }
        }
        Key::Traceparent => {
            if let Some((t, s)) = parse_traceparent(val) {
                e.trace_id.get_or_insert_with(|| t.to_string());
                e.span_id.get_or_insert_with(|| s.to_string());
            }
        }
        Key::Span => {
            if e.span_id.is_none() && is_id(val) {
                e.span_id = Some(val.to_string());
            }
        }
        Key::Parent => {
            if e.parent_span_id.is_none()
                && is_id(val)
                && val.bytes().all(|b| b.is_ascii_hexdigit())
            {
                e.parent_span_id = Some(val.to_string());
            }
        }
        Key::Request => {
            if e.request_id.is_none() && is_id(val) {
                e.request_id = Some(val.to_string());
            }
        }
        Key::User => {
            if e.user_id.is_none() && is_id(val) && !val.contains("://") {
                e.user_id = Some(val.to_string());
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
                    e.http_method = Some(m.to_string());
                }
            }
        }
        Key::Path => {
            if e.http_path.is_none() && val.starts_with('/') {
                e.http_path = Some(strip_query(val).to_string());
            }
        }
        Key::Url => {
            if let Some((host, path)) = split_url(val) {
                if e.http_path.is_none() && !path.is_empty() {
                    e.http_path = Some(strip_query(path).to_string());
                }
                add_host(host, e);
            } else if e.http_path.is_none() && val.starts_with('/') {
                e.http_path = Some(strip_query(val).to_string());
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
fn is_id(v: &str) -> bool {
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
fn parse_traceparent(v: &str) -> Option<(&str, &str)> {
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

fn parse_status(v: &str) -> Option<u16> {
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

const METHODS: &[&str] = &[
    "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "CONNECT", "TRACE",
];

fn http_method(v: &str) -> Option<&'static str> {
    METHODS.iter().copied().find(|m| m.eq_ignore_ascii_case(v))
}

fn strip_query(p: &str) -> &str {
    let end = p.find(['?', '#']).unwrap_or(p.len());
    &p[..end]
}

/// `scheme://host[:port]/path` -> (host with port, path).
fn split_url(v: &str) -> Option<(&str, &str)> {
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

// ---------------------------------------------------------------------------------------------
// HTTP request lines: "GET /x HTTP/1.1" 503, GET /x 503 12ms, GET https://host/x
// ---------------------------------------------------------------------------------------------

fn scan_http(s: &str, e: &mut Entities) {
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
            e.http_method.get_or_insert_with(|| method.to_string());
            if e.http_path.is_none() && path.len() <= 512 {
                e.http_path = Some(strip_query(path).to_string());
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

// ---------------------------------------------------------------------------------------------
// Durations
// ---------------------------------------------------------------------------------------------

/// Unit suffixes and their size in milliseconds. Longer spellings first.
const DURATION_UNITS: &[(&str, f64)] = &[
    ("milliseconds", 1.0),
    ("millisecond", 1.0),
    ("microseconds", 1e-3),
    ("microsecond", 1e-3),
    ("nanoseconds", 1e-6),
    ("nanosecond", 1e-6),
    ("seconds", 1000.0),
    ("second", 1000.0),
    ("minutes", 60_000.0),
    ("minute", 60_000.0),
    ("hours", 3_600_000.0),
    ("hour", 3_600_000.0),
    ("millis", 1.0),
    ("micros", 1e-3),
    ("nanos", 1e-6),
    ("msecs", 1.0),
    ("msec", 1.0),
    ("secs", 1000.0),
    ("sec", 1000.0),
    ("mins", 60_000.0),
    ("min", 60_000.0),
    ("hrs", 3_600_000.0),
    ("hr", 3_600_000.0),
    ("ms", 1.0),
    ("µs", 1e-3),
    ("μs", 1e-3),
    ("us", 1e-3),
    ("ns", 1e-6),
    ("s", 1000.0),
    ("m", 60_000.0),
    ("h", 3_600_000.0),
];

/// Units accepted after a space (`took 12 ms`); single letters are too ambiguous there.
fn spaced_unit_ok(unit: &str) -> bool {
    unit.len() >= 2 && !matches!(unit, "m" | "h" | "s")
}

/// Reads a unit at the start of `rest`; it must end at a word boundary. Returns (ms per unit, len).
fn read_unit(rest: &str) -> Option<(f64, usize, &'static str)> {
    let b = rest.as_bytes();
    let &c0 = b.first()?;
    // Units start with one of a few bytes: check it before comparing against the whole table.
    let c0 = c0.to_ascii_lowercase();
    if !matches!(c0, b'm' | b'n' | b's' | b'h' | b'u' | 0xC2 | 0xCE) {
        return None;
    }
    for (u, f) in DURATION_UNITS {
        if u.as_bytes()[0] != c0 {
            continue;
        }
        if rest.len() >= u.len() && rest.as_bytes()[..u.len()].eq_ignore_ascii_case(u.as_bytes()) {
            // `m`/`h`/`s` must be lowercase (`10M` is memory, `5S` is odd).
            if u.len() == 1 && !b[0].is_ascii_lowercase() {
                continue;
            }
            let after = b.get(u.len()).copied();
            let boundary = match after {
                None => true,
                Some(c) => !c.is_ascii_alphabetic() && c != b'_' && c < 0x80,
            };
            // `1m30s`: a number may follow a unit directly.
            if boundary {
                return Some((*f, u.len(), u));
            }
        }
    }
    None
}

/// The end of a number at `i` (digits with at most one `.`), without parsing it.
fn number_end(m: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut dot = false;
    while j < m.len() {
        match m[j] {
            b'0'..=b'9' => j += 1,
            b'.' if !dot && j + 1 < m.len() && m[j + 1].is_ascii_digit() => {
                dot = true;
                j += 1;
            }
            _ => break,
        }
    }
    (j > i && j - i <= 15).then_some(j)
}

/// Reads a number at `i` (digits with at most one `.`). Returns (value, end).
fn read_number(m: &[u8], i: usize) -> Option<(f64, usize)> {
    let j = number_end(m, i)?;
    let v: f64 = std::str::from_utf8(&m[i..j]).ok()?.parse().ok()?;
    Some((v, j))
}

fn push_duration(ms: f64, e: &mut Entities) {
    if ms.is_finite() && ms >= 0.0 && e.durations_ms.len() < MAX_DURATIONS {
        e.durations_ms.push(ms);
    }
}

/// A duration value: `1500ms`, `2.5s`, `1m30s`, or a bare number in `scale` ms per unit.
fn parse_duration_value(v: &str, scale: f64) -> Option<f64> {
    let m = v.as_bytes();
    if !m.first()?.is_ascii_digit() {
        return None;
    }
    let (n, end) = read_number(m, 0)?;
    if end == m.len() && scale.is_finite() {
        return Some(n * scale);
    }
    None
}

/// A number followed by a unit, possibly compound (`1h2m3.5s`). Returns (ms, end).
fn read_compound(s: &str, i: usize) -> Option<(f64, usize)> {
    let m = s.as_bytes();
    let mut total = 0.0;
    let mut pos = i;
    let mut parts = 0;
    while let Some(nend) = number_end(m, pos) {
        let Some((f, ulen, _)) = s.get(nend..).and_then(read_unit) else {
            break;
        };
        let Some((n, _)) = read_number(m, pos) else {
            break;
        };
        total += n * f;
        pos = nend + ulen;
        parts += 1;
        if pos >= m.len() || !m[pos].is_ascii_digit() {
            break;
        }
    }
    (parts > 0).then_some((total, pos))
}

fn scan_durations(s: &str, e: &mut Entities) {
    let m = s.as_bytes();
    let mut i = 0;
    while i < m.len() && e.durations_ms.len() < MAX_DURATIONS {
        let c = m[i];
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number starts at a boundary: not inside a word, a version or a timestamp.
        let prev = if i > 0 { m[i - 1] } else { b' ' };
        if prev.is_ascii_alphanumeric()
            || matches!(prev, b'.' | b'_' | b'-' | b'/' | b'+' | b'#')
            || prev >= 0x80
        {
            while i < m.len() && (m[i].is_ascii_alphanumeric() || m[i] == b'.') {
                i += 1;
            }
            continue;
        }
        let Some(nend) = number_end(m, i) else {
            i += 1;
            continue;
        };
        // Only a letter (or µ/μ) right after the number, or after one space, can be a unit.
        let unit_next =
            |k: usize| k < m.len() && (m[k].is_ascii_alphabetic() || m[k] == 0xC2 || m[k] == 0xCE);
        if unit_next(nend) {
            if let Some((ms, end)) = read_compound(s, i) {
                push_duration(ms, e);
                i = end;
                continue;
            }
        } else if nend < m.len() && m[nend] == b' ' && unit_next(nend + 1) {
            // `took 12 ms`: one space, then a spelled or two-letter unit.
            if let Some((f, ulen, u)) = s.get(nend + 1..).and_then(read_unit) {
                if spaced_unit_ok(u) {
                    if let Some((n, _)) = read_number(m, i) {
                        push_duration(n * f, e);
                    }
                    i = nend + 1 + ulen;
                    continue;
                }
            }
        }
        i = nend.max(i + 1);
        while i < m.len() && (m[i].is_ascii_alphanumeric() || m[i] == b'.') {
            i += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Words: ids, traceparents, mentioned services and hosts
// ---------------------------------------------------------------------------------------------

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

fn scan_words(s: &str, e: &mut Entities) {
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
            } else if flags & LETTER != 0 {
                // A unit glued to a number: `1500ms`, `(2.5s)`, `latency=1m30s`.
                scan_durations(raw, e);
            }
        }
        if w.is_empty() {
            continue;
        }
        if pending {
            if is_filler(w) {
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
                e.trace_id = Some(t.to_string());
                e.span_id.get_or_insert_with(|| sp.to_string());
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
                e.request_id = Some(w.to_string());
            }
        }
        // A cue phrase ending at this word: the next word is a name.
        if is_cue_end(w) && cue_matches(prev, w) {
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
            b'a'..=b'z' | b'A'..=b'Z' | 0xC2 | 0xCE => LETTER,
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
fn names_nothing(lower: &str) -> bool {
    NOT_NAMES.contains(&lower)
        || lower.len() >= 5
            && lower.ends_with("ed")
            && lower.bytes().all(|c| c.is_ascii_lowercase())
}

/// Adds a host or service name (a port stripped) when it looks like one.
fn add_host(raw: &str, e: &mut Entities) {
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
    if let Some(i) = h.rfind(':') {
        let port = &h[i + 1..];
        if !port.is_empty()
            && port.len() <= 5
            && port.bytes().all(|b| b.is_ascii_digit())
            && !h[..i].contains(':')
        {
            return &h[..i];
        }
    }
    h
}

fn is_ipv4(h: &str) -> bool {
    let mut n = 0;
    for part in h.split('.') {
        n += 1;
        if part.is_empty()
            || part.len() > 3
            || !part.bytes().all(|b| b.is_ascii_digit())
            || part.parse::<u16>().map_or(true, |v| v > 255)
        {
            return false;
        }
    }
    n == 4
}

/// A host name in a word: lowercase dot-separated labels ending in a host-like suffix (or with a
/// port), not a file name, a class name, or a version. Returns the host (port kept for strip).
fn host_in_word(w: &str) -> Option<&str> {
    let has_port = strip_port(w).len() != w.len();
    let h = strip_port(w);
    let h = h.trim_end_matches('.');
    if is_ipv4(h) {
        return has_port.then_some(h);
    }
    let mut labels = 0;
    let mut has_svc = false;
    for l in h.split('.') {
        labels += 1;
        let lb = l.as_bytes();
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
        has_svc |= l == "svc";
    }
    if labels < 2 {
        return None;
    }
    let last = h.rsplit('.').next().unwrap_or(h);
    let first = h.split('.').next().unwrap_or(h);
    if !last.bytes().all(|c| c.is_ascii_lowercase()) || NOT_HOST_ROOTS.contains(&first) {
        return None;
    }
    if FILE_EXTENSIONS.contains(&last) && !has_port {
        return None;
    }
    if !first.bytes().any(|c| c.is_ascii_alphabetic()) && !has_port {
        return None;
    }
    (HOST_SUFFIXES.contains(&last) || has_port || has_svc).then_some(h)
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
    use super::*;

    fn ents(msg: &str) -> Entities {
        let mut e = Entities::default();
        enrich(msg, &mut e);
        e
    }

    #[test]
    fn pods_to_services() {
        let cases = [
            ("api-7d9f8b6c5d-x2k4p", "api"),
            ("redis-0", "redis"),
            ("kafka-12", "kafka"),
            ("db-primary-0", "db-primary"),
            ("node-exporter-abcde", "node-exporter"),
            ("node-exporter-x7k2p", "node-exporter"),
            ("shop-order-service-5d8b9c7f4-qw2lp", "shop-order-service"),
            ("basketservice-7d8b9c6f5d-xk2lp", "basketservice"),
            ("backup-28312345-x7k2p", "backup"),
            ("pod/api-7d9f8b6c5d-x2k4p", "api"),
            ("api-1234567890-bcdfg", "api"),
            ("shop_api_1", "api"),
            ("shop-api-1", "shop-api"),
            ("redis-cluster-proxy", "redis-cluster-proxy"),
            ("user-cache", "user-cache"),
            ("payments", "payments"),
            ("frontend-6b4f7b5c9d", "frontend"),
            // Regression: a short hand-written ReplicaSet hash stayed in the service name.
            ("ledger-worker-5c7f9-hq2lm", "ledger-worker"),
        ];
        for (pod, want) in cases {
            assert_eq!(service_from_pod(pod).as_deref(), Some(want), "{pod}");
        }
    }

    #[test]
    fn file_names_to_services() {
        let cases = [
            ("payments.log", Some("payments")),
            ("checkout-2024-01-01.log.gz", Some("checkout")),
            ("logs/api/app.log", Some("api")),
            ("/var/log/api/current", Some("api")),
            ("app.log", None),
            ("stdin", None),
            ("server.log.1", None),
            ("inventory_20240101.log", Some("inventory")),
            ("/tmp/logs/api-7d9f8b6c5d-x2k4p.log", Some("api")),
            (
                "/var/log/containers/api-7d9f8b6c5d-x2k4p_prod_api-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log",
                Some("api"),
            ),
            ("/var/log/pods/prod_api-7d9f8b6c5d-x2k4p_1234/api/0.log", Some("api")),
            ("C:\\logs\\billing\\app.log", Some("billing")),
            ("1.log", None),
        ];
        for (path, want) in cases {
            assert_eq!(service_from_file_name(path).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn components_to_services() {
        assert_eq!(
            service_from_component("kubelet").as_deref(),
            Some("kubelet")
        );
        assert_eq!(
            service_from_component("nova.compute.manager").as_deref(),
            Some("nova")
        );
        assert_eq!(
            service_from_component("payments-api").as_deref(),
            Some("payments-api")
        );
        assert_eq!(service_from_component("org.apache.kafka.Server"), None);
        assert_eq!(service_from_component("PaymentService"), None);
        assert_eq!(service_from_component("sshd[123]").as_deref(), Some("sshd"));
        assert_eq!(service_from_component("main"), None);
    }

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

    #[test]
    fn durations_in_milliseconds() {
        assert_eq!(ents("request took 1500ms").durations_ms, vec![1500.0]);
        assert_eq!(ents("slow query 2.5s").durations_ms, vec![2500.0]);
        assert_eq!(ents("gc pause 300µs").durations_ms, vec![0.3]);
        assert_eq!(ents("retry in 1m30s").durations_ms, vec![90_000.0]);
        assert_eq!(ents("took 12 ms").durations_ms, vec![12.0]);
        assert_eq!(
            ents("generated 47 bytes in 129 msecs").durations_ms,
            vec![129.0]
        );
        assert_eq!(ents("in 68 micros").durations_ms, vec![0.068]);
        assert_eq!(ents("waited 3 seconds").durations_ms, vec![3000.0]);
        assert_eq!(ents("latency=250us").durations_ms, vec![0.25]);
        assert_eq!(ents("duration_ms=42").durations_ms, vec![42.0]);
        assert_eq!(ents(r#"{"elapsed_s": 1.5}"#).durations_ms, vec![1500.0]);
        assert!(ents("version 1.2.3 on node x2k4p").durations_ms.is_empty());
        assert!(ents("at 10:00:01.500 ok").durations_ms.is_empty());
        assert!(ents("heap 512MB used").durations_ms.is_empty());
        assert!(ents("id 7d9f8b6c5d ok").durations_ms.is_empty());
        assert!(ents("found 3 items").durations_ms.is_empty());
        assert!(ents("-Xmx512m").durations_ms.is_empty());
    }

    #[test]
    fn mentioned_services_and_hosts() {
        let m = |s: &str| ents(s).mentions;
        assert_eq!(m("error from upstream payments"), ["payments"]);
        // Regression: "slow upstream response" made a service called "response".
        assert!(m("slow upstream response").is_empty());
        // Regression: "upstream refused" made a service called "refused".
        assert!(m("ERROR pay-gw upstream refused").is_empty());
        assert!(m("backend unavailable, upstream closed the stream").is_empty());
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

    #[test]
    fn nothing_from_plain_text() {
        assert!(ents("user logged in").is_empty());
        assert!(ents("ok").is_empty());
        assert!(ents("").is_empty());
    }

    // proptest does not build for wasm32 (see Cargo.toml): native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn scanners_never_panic(s in "\\PC{0,200}", t in "[ -~µ]{0,80}") {
            let mut e = Entities::default();
            enrich(&s, &mut e);
            enrich(&t, &mut e);
            let _ = service_from_pod(&s);
            let _ = service_from_pod(&t);
            let _ = service_from_file_name(&s);
            let _ = service_from_file_name(&t);
            let _ = service_from_component(&t);
            proptest::prop_assert!(e.mentions.len() <= MAX_MENTIONS);
            proptest::prop_assert!(e.durations_ms.iter().all(|d| d.is_finite() && *d >= 0.0));
        }
    }
}
