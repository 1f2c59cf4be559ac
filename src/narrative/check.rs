//! Checking an answer against the report: names and numbers the findings do not contain are
//! flagged where they stand, and a root cause that differs from the engine's is shown beside it.
//!
//! Promises: the check reads the report and the (restored) answer only, so nothing a log line
//! says to the model can change it; a service counts as known only if the engine saw it log or
//! ranked it (a name that merely occurs inside a message, such as one planted by a prompt
//! injection, even when the dependency tool read it as a callee, is still flagged); hosts and numbers count as known if they occur anywhere in the report
//! (findings or evidence), numbers also when rounded or as a percentage of a ratio; dates and
//! clock times must match a time the report shows (to the precision the answer gives), and the
//! digits of the report's timestamps do not count as known numbers. Flags carry
//! byte offsets into the checked text, sorted, non-overlapping.

use super::answer::parse_answer;
use crate::forensics::Class;
pub use crate::report::{Check, Disagreement, Flag, FlagKind, Side};
use crate::report::{Evidence, Report};
use regex::Regex;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// What the report knows: services it found, words and numbers anywhere in it.
#[derive(Debug, Clone)]
struct Known {
    services: BTreeSet<String>,
    words: BTreeSet<String>,
    numbers: Vec<f64>,
    /// Dates (`2026-04-02`) and clock times with their prefixes (`10:00`, `10:00:04`).
    times: BTreeSet<String>,
}

fn time_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?|\b\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?")
            .expect("time regex")
    })
}

/// The date and clock-time pieces of a time expression, normalised (`9:05` -> `09:05`).
fn time_keys(t: &str) -> Vec<String> {
    let mut keys = Vec::new();
    let (date, clock) = if t.len() >= 10 && t.as_bytes()[4] == b'-' {
        (Some(&t[..10]), t.get(11..).unwrap_or(""))
    } else {
        (None, t)
    };
    if let Some(d) = date {
        keys.push(d.to_string());
    }
    let clock = clock.trim_end_matches('Z');
    let clock = clock.split(['+', '-']).next().unwrap_or("");
    let parts: Vec<&str> = clock.split(':').collect();
    if parts.len() >= 2 {
        let hh = format!("{:0>2}", parts[0]);
        keys.push(format!("{hh}:{}", parts[1]));
        if parts.len() >= 3 {
            let sec = parts[2].split(['.', ',']).next().unwrap_or("");
            keys.push(format!("{hh}:{}:{sec}", parts[1]));
        }
    }
    keys
}

fn word_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"[A-Za-z0-9][A-Za-z0-9_.\-]*[A-Za-z0-9]|[A-Za-z0-9]").expect("word regex")
    })
}

fn number_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\d+(?:\.\d+)?").expect("number regex"))
}

fn add_text(k: &mut Known, s: &str) {
    for m in word_re().find_iter(s) {
        let w = m.as_str().to_ascii_lowercase();
        // Also the pieces: "db-main:5432" and "db-main.internal." both teach "db-main".
        for p in w.split(['.', ':']) {
            if !p.is_empty() {
                k.words.insert(p.to_string());
            }
        }
        k.words.insert(w);
    }
    // Times are known as times; their digits must not make every small number "known".
    let mut rest = s.to_string();
    for m in time_re().find_iter(s) {
        k.times.extend(time_keys(m.as_str()));
        rest.replace_range(m.range(), &" ".repeat(m.len()));
    }
    for m in number_re().find_iter(&rest) {
        if let Ok(x) = m.as_str().parse::<f64>() {
            k.numbers.push(x);
        }
    }
}

fn walk(k: &mut Known, v: &Value) {
    match v {
        Value::String(s) => add_text(k, s),
        Value::Number(n) => {
            if let Some(x) = n.as_f64() {
                k.numbers.push(x);
            }
        }
        Value::Array(a) => a.iter().for_each(|x| walk(k, x)),
        // Line numbers and template ids are addresses, not facts an answer could state.
        Value::Object(o) => o
            .iter()
            .filter(|(key, _)| !matches!(key.as_str(), "line" | "id"))
            .for_each(|(_, x)| walk(k, x)),
        _ => {}
    }
}

fn known(report: &Report) -> Known {
    let mut k = Known {
        services: BTreeSet::new(),
        words: BTreeSet::new(),
        numbers: Vec::new(),
        times: BTreeSet::new(),
    };
    let mut add = |s: &str| {
        k.services.insert(s.to_ascii_lowercase());
    };
    report.input.services.iter().for_each(|c| add(&c.name));
    report.affected_services.iter().for_each(|s| add(&s.name));
    report.root_cause.service.iter().for_each(|s| add(s));
    report
        .candidates
        .iter()
        .filter_map(|c| c.service.as_deref())
        .for_each(&mut add);
    report.forensic.propagation_path.iter().for_each(|s| add(s));
    report
        .forensic
        .blast_radius
        .iter()
        .for_each(|b| add(&b.name));
    // Not dependency targets on their own: those are names read inside other services' messages,
    // which a log line can plant ("say the root cause is X").
    report.dependencies.iter().for_each(|d| add(&d.from));
    report
        .timeline
        .iter()
        .filter_map(|t| t.service.as_deref())
        .for_each(&mut add);
    if let Some(pz) = report
        .forensic
        .patient_zero
        .as_ref()
        .and_then(|p| p.service.as_deref())
    {
        add(pz);
    }
    walk(
        &mut k,
        &crate::report::json_value(report).expect("report serialises"),
    );
    crate::sort::sort_by(&mut k.numbers, f64::total_cmp);
    k
}

/// Parts that make a hyphenated or dotted word look like a service.
const SERVICE_PARTS: &[&str] = &[
    "api",
    "svc",
    "service",
    "worker",
    "db",
    "gateway",
    "gw",
    "proxy",
    "cache",
    "queue",
    "server",
    "backend",
    "frontend",
    "web",
    "app",
    "redis",
    "postgres",
    "pg",
    "mysql",
    "mongo",
    "kafka",
    "broker",
    "auth",
    "consumer",
    "producer",
    "scheduler",
    "cron",
    "job",
    "lb",
    "ingress",
    "primary",
    "replica",
    "cluster",
    "node",
    "pod",
    "daemon",
    "controller",
    "store",
    "sql",
];

/// Nouns after which a word names a service: "the ledger service".
const SERVICE_NOUNS: &[&str] = &[
    "service",
    "services",
    "pod",
    "pods",
    "deployment",
    "container",
    "microservice",
    "server",
    "database",
    "cluster",
    "worker",
    "api",
];

/// Words before a service noun that are not names.
const NOT_NAMES: &[&str] = &[
    "the",
    "a",
    "an",
    "this",
    "that",
    "each",
    "every",
    "one",
    "other",
    "same",
    "affected",
    "upstream",
    "downstream",
    "failing",
    "failed",
    "healthy",
    "degraded",
    "calling",
    "dependent",
    "root",
    "first",
    "backend",
    "frontend",
    "database",
    "web",
    "internal",
    "external",
    "its",
    "their",
    "our",
    "your",
    "all",
    "any",
    "which",
    "some",
    "no",
    "unhealthy",
    "impacted",
    "critical",
    "single",
    "primary",
    "main",
    "new",
    "old",
    "api",
    "of",
    "to",
    "and",
    "or",
    "in",
    "on",
    "by",
    "for",
    "with",
    "from",
    "as",
    "is",
    "was",
    "were",
    "are",
    "be",
    "down",
    "crashed",
    "customer",
    "user",
    "users",
    "these",
    "those",
    "both",
    "several",
    "multiple",
    "many",
];

fn is_service_like(w: &str) -> bool {
    if !w
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
    {
        return false;
    }
    if !w.as_bytes()[0].is_ascii_lowercase() || !(w.contains('-') || w.contains('_')) {
        return false;
    }
    let parts: Vec<&str> = w.split(['-', '_']).collect();
    if parts.iter().any(|p| p.is_empty()) {
        return false;
    }
    parts
        .iter()
        .any(|p| SERVICE_PARTS.contains(p) || p.bytes().any(|b| b.is_ascii_digit()))
}

const FILE_EXTS: &[&str] = &[
    "log",
    "txt",
    "json",
    "jsonl",
    "gz",
    "rs",
    "py",
    "java",
    "go",
    "js",
    "ts",
    "yaml",
    "yml",
    "conf",
    "md",
    "csv",
    "html",
    "sh",
    "jar",
    "so",
    "xml",
    "toml",
    "ini",
    "cfg",
    "properties",
];

fn is_host_like(w: &str) -> bool {
    let labels: Vec<&str> = w.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    if labels.len() == 4
        && labels
            .iter()
            .all(|l| !l.is_empty() && l.bytes().all(|b| b.is_ascii_digit()))
    {
        return true; // an IPv4 address
    }
    let last = labels[labels.len() - 1];
    labels.iter().all(|l| {
        l.len() >= 2
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    }) && last.len() >= 2
        && last.bytes().all(|b| b.is_ascii_lowercase())
        && !FILE_EXTS.contains(&last)
}

fn is_placeholder(w: &str) -> bool {
    let (label, n) = match w.split_once('_') {
        Some(x) => x,
        None => return false,
    };
    crate::narrative::SecretKind::from_label(label).is_some()
        && n.bytes().all(|b| b.is_ascii_digit())
}

fn service_known(k: &Known, w: &str) -> bool {
    let w = w.to_ascii_lowercase();
    k.services.contains(&w)
        || Class::is_name(&w)
        // A pod or replica of a known service: orders-api-7d9f8b6c4-x2x9z.
        || k.services.iter().any(|s| w.starts_with(s.as_str()) && w.as_bytes().get(s.len()) == Some(&b'-'))
}

fn number_known(k: &Known, x: f64, decimals: usize, percent: bool) -> bool {
    let tol = 0.5 * 10f64.powi(-(decimals as i32)) + 1e-9;
    let near = |y: f64| {
        let lo = k.numbers.partition_point(|&n| n < y - tol);
        k.numbers.get(lo).is_some_and(|&n| n <= y + tol)
    };
    near(x) || (percent && near(x / 100.0))
}

/// Byte offsets of the service-like words and numbers in `text`, with what they are.
fn scan(text: &str, k: &Known) -> (Vec<Flag>, usize) {
    let mut flags = Vec::new();
    let mut checked = 0;
    let bytes = text.as_bytes();
    let words: Vec<regex::Match> = word_re().find_iter(text).collect();
    for (i, m) in words.iter().enumerate() {
        let w = m.as_str().trim_end_matches(['.', '-', '_']);
        let (s, e) = (m.start(), m.start() + w.len());
        if w.is_empty() || is_placeholder(w) {
            continue;
        }
        let lower = w.to_ascii_lowercase();
        if is_host_like(w) {
            checked += 1;
            if !k.words.contains(&lower) {
                flags.push(Flag {
                    kind: FlagKind::Host,
                    value: w.to_string(),
                    start: s,
                    end: e,
                });
            }
            continue;
        }
        let before_noun = words.get(i + 1).is_some_and(|n| {
            SERVICE_NOUNS.contains(&n.as_str().to_ascii_lowercase().as_str())
                && text[e..n.start()].trim().is_empty()
        });
        let mentioned = before_noun
            && w.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
            && w.len() > 2
            && !NOT_NAMES.contains(&lower.as_str())
            && !w.as_bytes()[0].is_ascii_digit();
        if is_service_like(w) || mentioned {
            checked += 1;
            if !service_known(k, w) {
                flags.push(Flag {
                    kind: FlagKind::Service,
                    value: w.to_string(),
                    start: s,
                    end: e,
                });
            }
        }
    }
    // Dates and clock times: each piece must be a date or time the report shows.
    let times: Vec<regex::Match> = time_re().find_iter(text).collect();
    for m in &times {
        if bytes
            .get(m.start().wrapping_sub(1))
            .is_some_and(u8::is_ascii_alphanumeric)
        {
            continue;
        }
        checked += 1;
        if !time_keys(m.as_str()).iter().all(|t| k.times.contains(t)) {
            flags.push(Flag {
                kind: FlagKind::Number,
                value: m.as_str().to_string(),
                start: m.start(),
                end: m.end(),
            });
        }
    }
    // Numbers: not inside words (P3, E1, v2, db-3), not list markers, not inside times.
    for m in number_re().find_iter(text) {
        let (s, e) = (m.start(), m.end());
        if times.iter().any(|t| t.start() <= s && e <= t.end()) {
            continue;
        }
        let prev = s.checked_sub(1).map(|i| bytes[i]);
        let prev2 = s.checked_sub(2).map(|i| bytes[i]);
        if prev.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
            || (matches!(prev, Some(b'-') | Some(b'.'))
                && prev2.is_some_and(|b| b.is_ascii_alphanumeric()))
        {
            continue;
        }
        if flags.iter().any(|f| s < f.end && f.start < e) {
            continue;
        }
        let line_start = text[..s].rfind('\n').map_or(0, |i| i + 1);
        let marker = text[line_start..s]
            .trim()
            .trim_start_matches(['-', '*', '#'])
            .trim()
            .is_empty()
            && matches!(bytes.get(e), Some(b'.') | Some(b')'))
            && !bytes.get(e + 1).is_some_and(u8::is_ascii_digit);
        if marker {
            continue;
        }
        // Inside a flagged or known identifier such as an IP: the word check covers it.
        if words.iter().any(|w| {
            w.start() <= s && e <= w.end() && is_host_like(w.as_str().trim_end_matches('.'))
        }) {
            continue;
        }
        let v = m.as_str();
        let Ok(x) = v.parse::<f64>() else { continue };
        let decimals = v.split_once('.').map_or(0, |(_, d)| d.len());
        let percent = bytes.get(e) == Some(&b'%') || text[e..].trim_start().starts_with("percent");
        checked += 1;
        if !number_known(k, x, decimals, percent) {
            flags.push(Flag {
                kind: FlagKind::Number,
                value: v.to_string(),
                start: s,
                end: e,
            });
        }
    }
    crate::sort::sort_by_key(&mut flags, |f| (f.start, f.end));
    (flags, checked)
}

fn class_re() -> &'static [(&'static str, Regex)] {
    static RES: OnceLock<Vec<(&'static str, Regex)>> = OnceLock::new();
    RES.get_or_init(|| {
        let table: &[(&str, &str)] = &[
            (
                "oom",
                r"out of memory|outofmemory|\boom|oomkilled|heap space|memory limit",
            ),
            ("memory_pressure", r"memory pressure"),
            (
                "db_pool_exhaustion",
                // "the pool saturated" says exhausted in other words.
                r"connection pool|pool (?:was )?exhaust|too many connections|pool\b[^.\n]{0,40}?saturat|saturat\w*[^.\n]{0,20}\bpool|no (?:free|idle|available) connections",
            ),
            (
                "connection_leak",
                r"connection leak|leak(?:ed|ing)? connections",
            ),
            ("slow_query", r"slow quer"),
            ("crash_loop", r"crash ?loop|crash-loop|restart loop"),
            ("config_error", r"config(?:uration)?\b|misconfig"),
            ("image_pull", r"image ?pull|image tag"),
            (
                "scheduling",
                r"unschedulable|scheduling|insufficient (?:cpu|memory)",
            ),
            ("probe_failure", r"\bprobe|liveness|readiness"),
            ("dns_failure", r"\bdns\b|nxdomain|name resolution"),
            ("tls_expiry", r"certificate|\btls\b|x509"),
            (
                "auth_failure",
                r"\btokens?\b|\bjwt|jwks|signing key|credential|unauthori[sz]ed|authenticat",
            ),
            ("disk_full", r"disk (?:is )?full|no space left|disk space"),
            (
                "fd_exhaustion",
                r"too many open files|file descriptors?|\bemfile\b|\bfds?\b",
            ),
            ("rate_limited", r"rate.limit|throttl"),
            ("quota_exceeded", r"quota"),
            ("overload", r"overload|traffic spike|saturat"),
            ("lock_contention", r"deadlock|lock contention|lock wait"),
            ("queue_backlog", r"backlog|queue depth"),
            (
                "cache_unavailable",
                r"cache (?:was |is )?(?:unavailable|down|unreachable)",
            ),
            ("cache_eviction", r"evict"),
            ("code_exception", r"exception|null ?pointer|\bpanic|\bbug\b"),
            ("dependency_unavailable", r"unavailable|connection refused"),
            ("network", r"\bnetwork|packet loss|partition"),
            ("timeout", r"timeout|timed out"),
            ("latency", r"latenc|slow(?:ed|ness)? (?:calls?|requests?|responses?|disk)|slowdown|slowed"),
        ];
        table
            .iter()
            .map(|(c, p)| (*c, Regex::new(&format!("(?i){p}")).expect("class regex")))
            .collect()
    })
}

/// The family a class belongs to: classes that tell one story in different words (a pool
/// that ran dry, a leak that drained it, the slow queries that held it), so an answer naming
/// one agrees with an engine naming another.
fn family(class: &str) -> &str {
    match class {
        "oom" | "memory_pressure" => "memory",
        "db_pool_exhaustion" | "connection_leak" | "slow_query" | "lock_contention" => "database",
        "overload" | "queue_backlog" | "rate_limited" | "quota_exceeded" => "load",
        "crash_loop" | "probe_failure" => "restarts",
        "dns_failure" | "network" | "dependency_unavailable" => "reachability",
        "cache_unavailable" | "cache_eviction" => "cache",
        other => other,
    }
}

/// Classes that describe what users saw, not why: they never make a disagreement alone.
fn is_symptom(class: &str) -> bool {
    // Slowness is what callers see of almost any cause ("the database slowed to 2300ms").
    class == "timeout" || class == "latency"
}

/// The failure classes a text mentions, in order of first mention.
fn classes_in(text: &str) -> Vec<(&'static str, usize)> {
    let mut v: Vec<(&str, usize)> = class_re()
        .iter()
        .filter_map(|(c, re)| re.find(text).map(|m| (*c, m.start())))
        .collect();
    crate::sort::sort_by_key(&mut v, |&(_, at)| at);
    v
}

fn first_sentence(s: &str) -> String {
    let t = s.trim();
    let end = t
        .char_indices()
        .find(|&(i, c)| (c == '.' && t[i + 1..].starts_with(char::is_whitespace)) || c == '\n')
        .map_or(t.len(), |(i, _)| i + 1);
    t[..end].trim().chars().take(300).collect()
}

fn evidence_for(report: &Report, service: &str) -> Vec<Evidence> {
    let s = service.to_ascii_lowercase();
    let mut out: Vec<Evidence> = Vec::new();
    let eq = |x: Option<&str>| x.is_some_and(|x| x.to_ascii_lowercase() == s);
    for c in report
        .candidates
        .iter()
        .filter(|c| eq(c.service.as_deref()))
    {
        out.extend(c.evidence.iter().cloned());
    }
    for a in report
        .affected_services
        .iter()
        .filter(|a| eq(Some(&a.name)))
    {
        out.extend(a.evidence.iter().cloned());
    }
    for t in report.timeline.iter().filter(|t| eq(t.service.as_deref())) {
        out.push(t.evidence.clone());
    }
    crate::sort::sort(&mut out);
    out.dedup();
    out.truncate(5);
    out
}

/// Compares the root cause the answer gives with the engine's.
fn disagreement(report: &Report, text: &str, k: &Known) -> Option<Disagreement> {
    let a = parse_answer(text);
    let rc = a
        .root_cause
        .clone()
        .or_else(|| (!a.structured).then(|| text.to_string()))
        .or(a.summary.clone())?;
    let engine_service = report
        .root_cause
        .service
        .as_deref()
        .map(str::to_ascii_lowercase);
    let engine_class = report.root_cause.failure_class.as_str();

    // The answer's service: the engine's if the section names it at all, else the first mentioned.
    let mut mentioned: Vec<String> = Vec::new();
    for m in word_re().find_iter(&rc) {
        let w = m.as_str().trim_end_matches(['.', '-', '_']);
        let lower = w.to_ascii_lowercase();
        if (k.services.contains(&lower) || is_service_like(w)) && !Class::is_name(&lower) {
            mentioned.push(lower);
        }
    }
    let (sf, cf) = classes_in(&rc)
        .into_iter()
        .filter(|(c, _)| !is_symptom(c))
        .fold((false, None), |(seen, first), (c, _)| {
            (seen || family(c) == family(engine_class), first.or(Some(c)))
        });
    let service_differs = match (&engine_service, mentioned.first()) {
        (Some(es), Some(first)) => !mentioned.contains(es) && first != es,
        (None, Some(_)) => false,
        _ => false,
    };
    let class_differs = engine_class != "unknown" && !sf && cf.is_some();
    if !service_differs && !class_differs {
        return None;
    }
    let answer_service = if service_differs {
        mentioned.first().cloned()
    } else {
        engine_service.clone()
    };
    // The answer's own words for its class when it has any, even when they agree in family.
    let answer_class = cf.unwrap_or(engine_class).to_string();
    let answer_class = Some(answer_class);
    Some(Disagreement {
        engine: Side {
            service: report.root_cause.service.clone(),
            failure_class: Some(report.root_cause.failure_class.clone()),
            statement: report.root_cause.statement.clone(),
            evidence: report.root_cause.evidence.clone(),
        },
        answer: Side {
            evidence: answer_service.as_deref().map_or_else(Vec::new, |s| {
                if service_differs {
                    evidence_for(report, s)
                } else {
                    report.root_cause.evidence.clone()
                }
            }),
            service: answer_service,
            failure_class: answer_class,
            statement: first_sentence(&rc),
        },
    })
}

fn citation_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| Regex::new(r"\bE(\d{1,5})\b").expect("citation regex"))
}

/// The sentence (or list item) around byte `at`: what a citation there vouches for.
fn sentence_around(text: &str, at: usize) -> (usize, usize) {
    let ends = |i: usize, b: u8| {
        b == b'\n'
            || (matches!(b, b'.' | b'!' | b'?')
                && text
                    .as_bytes()
                    .get(i + 1)
                    .is_none_or(u8::is_ascii_whitespace))
    };
    let bytes = text.as_bytes();
    let start = (0..at)
        .rev()
        .find(|&i| ends(i, bytes[i]))
        .map_or(0, |i| i + 1);
    let end = (at..bytes.len())
        .find(|&i| ends(i, bytes[i]))
        .unwrap_or(bytes.len());
    (start, end)
}

/// Known services a piece of the answer names, lowercase.
fn services_in(piece: &str, k: &Known) -> Vec<String> {
    word_re()
        .find_iter(piece)
        .map(|m| {
            m.as_str()
                .trim_end_matches(['.', '-', '_'])
                .to_ascii_lowercase()
        })
        .filter(|w| k.services.contains(w))
        .collect()
}

/// Flags evidence ids that were never sent, and ids cited by a sentence that names services
/// none of its cited lines shows (a line "shows" a service when its text or file name
/// contains the name). A sentence that names no known service is not judged.
fn citations(text: &str, sent: &[Evidence], k: &Known) -> (Vec<Flag>, usize) {
    let mut flags = Vec::new();
    let ids: Vec<(usize, usize, usize)> = citation_re()
        .captures_iter(text)
        .filter_map(|c| {
            let m = c.get(0)?;
            Some((m.start(), m.end(), c[1].parse::<usize>().ok()?))
        })
        .collect();
    let flag = |s: usize, e: usize| Flag {
        kind: FlagKind::Citation,
        value: text[s..e].to_string(),
        start: s,
        end: e,
    };
    for &(s, e, n) in &ids {
        if n == 0 || n > sent.len() {
            flags.push(flag(s, e));
            continue;
        }
        let (a, b) = sentence_around(text, s);
        let mentioned = services_in(&text[a..b], k);
        if mentioned.is_empty() {
            continue;
        }
        // Every id the sentence cites may back it: "orders-api (E2) then cart-api (E5)".
        let shown = ids
            .iter()
            .filter(|&&(s2, _, n2)| a <= s2 && s2 < b && (1..=sent.len()).contains(&n2))
            .any(|&(_, _, n2)| {
                let ev = &sent[n2 - 1];
                let line = format!("{} {}", ev.file, ev.text).to_ascii_lowercase();
                mentioned.iter().any(|svc| line.contains(svc.as_str()))
            });
        if !shown {
            flags.push(flag(s, e));
        }
    }
    (flags, ids.len())
}

/// Checks a restored answer against the report (see the module docs).
///
/// Each call reads the whole report; to check many texts (a stream, a chat) use [`Checker`].
pub fn check_answer(report: &Report, text: &str) -> Check {
    Checker::new(report).check(text)
}

/// What [`check_answer`] knows about a report, computed once: check a streamed answer as it
/// grows, or every follow-up of a chat, without re-reading the report.
#[derive(Debug, Clone)]
pub struct Checker {
    report: Report,
    known: Known,
    /// The evidence lines the model was sent, E1 first; `None`: citations are not checked.
    cited: Option<Vec<Evidence>>,
}

impl Checker {
    pub fn new(report: &Report) -> Checker {
        let mut report = report.clone();
        // Neither vouches for the answer: the narrative is what is checked, the template
        // table is an index of the input, not findings.
        report.narrative = None;
        report.templates.clear();
        let known = known(&report);
        Checker {
            report,
            known,
            cited: None,
        }
    }

    /// Also checks evidence ids (E1, E2, ...) against `sent`, the lines the model was given
    /// in that order ([`super::Payload::evidence`]).
    pub fn with_citations(mut self, sent: &[Evidence]) -> Checker {
        self.cited = Some(sent.to_vec());
        self
    }

    pub fn check(&self, text: &str) -> Check {
        let (mut flags, mut checked) = scan(text, &self.known);
        if let Some(sent) = &self.cited {
            let (more, n) = citations(text, sent, &self.known);
            flags.extend(more);
            crate::sort::sort_by_key(&mut flags, |f| (f.start, f.end));
            checked += n;
        }
        Check {
            flags,
            disagreement: disagreement(&self.report, text, &self.known),
            checked,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn service_and_host_shapes() {
        assert!(is_service_like("orders-api"));
        assert!(is_service_like("db-3"));
        assert!(!is_service_like("customer-facing"));
        assert!(!is_service_like("Orders-API"));
        assert!(is_host_like("db-main.internal.example"));
        assert!(is_host_like("10.0.0.7"));
        assert!(!is_host_like("app.log"));
        assert!(!is_host_like("e.g"));
        assert!(is_placeholder("EMAIL_3"));
    }

    #[test]
    fn families_group_one_story_and_symptoms_stand_apart() {
        assert_eq!(family("db_pool_exhaustion"), family("connection_leak"));
        assert_eq!(family("oom"), family("memory_pressure"));
        assert_ne!(family("db_pool_exhaustion"), family("overload"));
        assert_ne!(family("oom"), family("disk_full"));
        assert!(is_symptom("timeout") && !is_symptom("overload"));
        let c: Vec<&str> = classes_in("the pool saturated and requests timed out")
            .into_iter()
            .map(|(c, _)| c)
            .collect();
        assert_eq!(c.first(), Some(&"db_pool_exhaustion"), "{c:?}");
    }

    #[test]
    fn a_citation_vouches_for_its_sentence_or_list_item() {
        let t = "First. orders-api failed (E1). Then\n- cart-api timed out (E2)\nEnd";
        let (a, b) = sentence_around(t, t.find("E1").unwrap());
        assert_eq!(&t[a..b], " orders-api failed (E1)");
        let (a, b) = sentence_around(t, t.find("E2").unwrap());
        assert_eq!(&t[a..b], "- cart-api timed out (E2)");
    }

    #[test]
    fn numbers_round_and_percent() {
        let k = Known {
            times: BTreeSet::new(),
            services: BTreeSet::new(),
            words: BTreeSet::new(),
            numbers: vec![0.81, 81.349, 1500.0],
        };
        assert!(number_known(&k, 81.3, 1, false));
        assert!(number_known(&k, 81.0, 0, true));
        assert!(number_known(&k, 1500.0, 0, false));
        assert!(!number_known(&k, 1499.0, 0, false));
        assert!(!number_known(&k, 42.0, 0, false));
    }
}
