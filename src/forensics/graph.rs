//! Services, signals and the dependency graph, all read from the logs themselves.
//!
//! Promises: a service is "mentioned" by a message only on word boundaries, by its full name or
//! by a word of its name that no other service shares (`Redis CLUSTERDOWN` names `redis-cache`
//! when it is the only redis); edges run caller -> callee, from messages that name another
//! service and from trace ids shared across services (the earliest span is the caller).

pub(crate) use super::mentions::Mentions;
use super::{roles, signals, Edge, Findings, ServiceInfo, Signal};
use crate::hash::{FxHashMap, FxHashSet};
use crate::ingest::{Corpus, Format, Level};
use crate::mine::Templates;
use crate::parallel::Parallel;
use std::collections::{BTreeMap, BTreeSet};

/// Name used for events whose service nobody could tell.
pub(crate) const UNKNOWN: &str = "(unknown)";

/// Services that log, then dependencies only object by others (`mentions`), each once, sorted.
pub(crate) fn known_services(corpus: &Corpus) -> Vec<String> {
    // Each name once in a hash set of borrowed names, then copied: a copy per event cost an
    // allocation and a tree search for every line. Runs of events share one entity set.
    let mut seen: FxHashSet<&str> = FxHashSet::default();
    let mut last: Option<&std::sync::Arc<crate::ingest::Entities>> = None;
    for ev in &corpus.events {
        if let Some(s) = corpus.service(ev) {
            seen.insert(s);
        }
        if let Some(e) = &ev.entities {
            if last.is_some_and(|l| std::sync::Arc::ptr_eq(l, e)) {
                continue;
            }
            last = Some(e);
            seen.extend(e.mentions.iter().map(String::as_str));
        }
    }
    let mut set: BTreeSet<String> = seen.into_iter().map(str::to_string).collect();
    // Technologies that abnormal lines blame ("Postgres pool exhausted", "Kafka consumer lag")
    // become dependencies of their own, unless a known service already carries the name.
    let mut tech: BTreeSet<&'static str> = BTreeSet::new();
    for ev in corpus
        .events
        .iter()
        .filter(|e| e.level.is_some_and(|l| l >= Level::Warn))
        .take(50_000)
    {
        let msg = corpus.message(ev);
        if !msg
            .bytes()
            .any(|b| b.is_ascii_uppercase() || b.is_ascii_lowercase())
        {
            continue;
        }
        let lower = msg.to_ascii_lowercase();
        for w in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
            if let Some(&(_, canon)) = TECHNOLOGIES.iter().find(|(word, _)| *word == w) {
                tech.insert(canon);
            }
        }
    }
    for t in tech {
        let taken = set.iter().any(|s| {
            s.to_ascii_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| w == t || (t == "postgres" && w == "postgresql"))
        });
        if !taken {
            set.insert(t.to_string());
        }
    }
    set.into_iter().collect()
}

/// Words that name a backing technology, and the entity name each becomes.
const TECHNOLOGIES: &[(&str, &str)] = &[
    ("postgres", "postgres"),
    ("postgresql", "postgres"),
    ("mysql", "mysql"),
    ("mariadb", "mysql"),
    ("redis", "redis"),
    ("memcached", "memcached"),
    ("kafka", "kafka"),
    ("rabbitmq", "rabbitmq"),
    ("mongodb", "mongodb"),
    ("elasticsearch", "elasticsearch"),
    ("cassandra", "cassandra"),
    ("zookeeper", "zookeeper"),
    ("etcd", "etcd"),
];

/// For classes that happen to a pod (probes, crash loops, pulls, scheduling, OOM kills), the
/// service of the pod the line is about, when the line names one (`pod/NAME`, a pod field or a
/// Kubernetes object) and it is not the service that logged it.
fn k8s_subject(corpus: &Corpus, i: usize, class: signals::Class) -> Option<String> {
    use signals::Class as C;
    if !matches!(
        class,
        C::ProbeFailure | C::CrashLoop | C::ImagePull | C::Scheduling | C::Oom | C::QuotaExceeded
    ) {
        return None;
    }
    let service = pod_service(corpus, i)?;
    (service != service_of(corpus, i) && !service.is_empty()).then_some(service)
}

/// The service of the pod an event is about: its Kubernetes object or pod field, else a
/// `pod/NAME` in its line, with the replica hashes stripped.
pub(crate) fn pod_service(corpus: &Corpus, i: usize) -> Option<String> {
    let ev = &corpus.events[i];
    let object = ev
        .entities
        .as_deref()
        .and_then(|e| e.k8s_object.as_deref().or(e.pod.as_deref()))
        .map(|o| o.trim_start_matches("pod/").to_string())
        .or_else(|| {
            let line = corpus.first_line(ev);
            let at = line.find("pod/")? + 4;
            let end = line[at..]
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '.'))
                .map_or(line.len(), |e| at + e);
            Some(line[at..end].to_string())
        })?;
    Some(crate::ingest::entities::service_from_pod(&object).unwrap_or(object))
}

/// The service an event belongs to, or [`UNKNOWN`].
pub(crate) fn service_of(corpus: &Corpus, i: usize) -> &str {
    corpus.service(&corpus.events[i]).unwrap_or(UNKNOWN)
}

/// The RESTARTS column of a `kubectl get pods` row (`2 (25s ago)` -> 2); 0 when absent.
fn restarts(row: &str) -> u32 {
    row.split_whitespace()
        .nth(3)
        .and_then(|t| t.parse().ok())
        .unwrap_or(0)
}

/// Class implied by an HTTP status alone (a 504 is a timeout whatever the text says).
fn status_class(status: Option<u16>) -> Option<signals::Class> {
    match status? {
        504 => Some(signals::Class::Timeout),
        502 | 503 => Some(signals::Class::DependencyUnavailable),
        429 => Some(signals::Class::RateLimited),
        _ => None,
    }
}

/// Classifies every event and blames a service for each. Normal lines are classified once per
/// template; abnormal lines whose structured fields hold more than the message (`err=...` in
/// logfmt, extra JSON keys) are classified on the whole line.
/// `tick(events done)` is called every few thousand events (progress only).
pub(crate) fn signals(
    corpus: &Corpus,
    _templates: &Templates,
    known: &[String],
    mentions: &Mentions,
    par: &dyn Parallel,
    tick: &mut dyn FnMut(usize),
) -> Vec<Signal> {
    let dns_home = known
        .iter()
        .find(|s| roles::role_from_name(s) == Some("dns"))
        .cloned();
    let servers = super::replies::Servers::new(known);
    let found = classify_all(corpus, par, tick);
    // Who each signal blames depends on its own line only: worked out in runs, possibly at once.
    crate::parallel::map_runs(par, &found, BLAME_RUN, |run| {
        run.iter()
            .map(|&(i, class)| blame(corpus, i, class, mentions, dns_home.as_deref(), &servers))
            .collect()
    })
}

/// What makes events share a class: template, abnormal level, k8s reason, HTTP status.
type Key<'a> = (u32, bool, Option<&'a str>, Option<u16>);

/// What an event's class depends on, read from the event alone.
struct Prep<'a> {
    key: Key<'a>,
    /// Classified once per key (the first event's class stands for the rest).
    cacheable: bool,
    whole_line: bool,
    thrown: String,
}

/// Events prepared and classified per job.
const CLASSIFY_RUN: usize = 4096;
/// Jobs per round: the prepared events held at once.
const CLASSIFY_RUNS: usize = 4;
/// Fewest events a classifying job takes (smaller jobs cost more to hand over than they save).
const CLASSIFY_RUN_MIN: usize = 64;

/// The class of every event that has one, in event order: a cacheable event takes the class of
/// the first event with its key, anything else is classified on its own text. Done in rounds
/// of fixed runs: each event is prepared and classified by whichever job holds it, and the
/// first event of a key is found in event order between the two, so the classes are those of
/// one pass whatever runs the jobs.
fn classify_all(
    corpus: &Corpus,
    par: &dyn Parallel,
    tick: &mut dyn FnMut(usize),
) -> Vec<(usize, signals::Class)> {
    let n = corpus.events.len();
    let mut cache: FxHashMap<Key, Option<signals::Class>> = FxHashMap::default();
    let mut found = Vec::new();
    let runs = |from: usize, to: usize| -> Vec<std::ops::Range<usize>> {
        (from..to)
            .step_by(CLASSIFY_RUN)
            .map(|a| a..to.min(a + CLASSIFY_RUN))
            .collect()
    };
    for start in (0..n).step_by(CLASSIFY_RUN * CLASSIFY_RUNS) {
        tick(start);
        let end = n.min(start + CLASSIFY_RUN * CLASSIFY_RUNS);
        // Each job also looks its events' keys up in the classes known from earlier rounds
        // (read-only until the round is merged), so the one thread that merges the round only
        // looks up the keys not known yet.
        let cache_ref = &cache;
        let prep_run = |r: std::ops::Range<usize>| {
            r.map(|i| {
                let p = prep(corpus, i);
                let known = p
                    .cacheable
                    .then(|| cache_ref.get(&p.key).copied())
                    .flatten();
                (p, known)
            })
            .collect::<Vec<(Prep, Option<Option<signals::Class>>)>>()
        };
        let (preps, known): (Vec<Prep>, Vec<Option<Option<signals::Class>>>) =
            crate::parallel::map(par, runs(start, end), |r| r.len() as u64, prep_run)
                .into_iter()
                .flatten()
                .unzip();
        // Which events are classified here (`need`, by offset in the round), and which take
        // a class already known or that of this round's first event with their key.
        let mut need: Vec<usize> = Vec::new();
        let mut first: FxHashMap<Key, usize> = FxHashMap::default();
        let mut from: Vec<Result<usize, Option<signals::Class>>> = Vec::with_capacity(end - start);
        for (k, (p, known)) in preps.iter().zip(known).enumerate() {
            from.push(
                match (known, p.cacheable.then(|| first.get(&p.key)).flatten()) {
                    (Some(c), _) => Err(c),
                    (None, Some(&j)) => Ok(j),
                    (None, None) => {
                        if p.cacheable {
                            first.insert(p.key, need.len());
                        }
                        need.push(k);
                        Ok(need.len() - 1)
                    }
                },
            );
        }
        let classify_run = |ks: &[usize]| {
            ks.iter()
                .map(|&k| class_of(corpus, start + k, &preps[k]))
                .collect::<Vec<_>>()
        };
        // Cut into at least [`CLASSIFY_RUNS`] jobs when there are enough events: a round whose
        // keys are mostly known leaves a few hundred to classify, which one job would hold
        // alone. Each event is classified on its own, so the cut never changes a class.
        let run = need
            .len()
            .div_ceil(CLASSIFY_RUNS)
            .clamp(CLASSIFY_RUN_MIN, CLASSIFY_RUN);
        let classes: Vec<Option<signals::Class>> =
            crate::parallel::map_runs(par, &need, run, classify_run);
        for (key, j) in first {
            cache.insert(key, classes[j]);
        }
        for (k, f) in from.into_iter().enumerate() {
            let class = match f {
                Ok(j) => classes[j],
                Err(known) => known,
            };
            if let Some(c) = class {
                found.push((start + k, c));
            }
        }
    }
    found
}

/// Reads what event `i`'s class depends on.
fn prep(corpus: &Corpus, i: usize) -> Prep<'_> {
    let ev = &corpus.events[i];
    let abnormal = ev.level.is_some_and(|l| l >= Level::Warn);
    let ent = ev.entities.as_deref();
    let reason = ent.and_then(|e| e.k8s_reason.as_deref());
    let status = ent.and_then(|e| e.http_status);
    let msg = corpus.message(ev);
    let line = corpus.first_line(ev);
    let whole_line = abnormal && line.len() > msg.len() + 40;
    // A stack trace names its exception on a continuation line (`java.lang.OutOfMemoryError`,
    // `Caused by: ...`, Python's last line): read those too, event by event.
    let thrown = if abnormal {
        exception_lines(corpus.full_text(ev), line.len())
    } else {
        String::new()
    };
    // Pod rows differ in columns the template masks (restarts): classify each.
    let no_cache = whole_line || !thrown.is_empty() || ev.format == Format::KubectlPods;
    Prep {
        key: (ev.template, abnormal, reason, status),
        cacheable: !no_cache && ev.template != u32::MAX,
        whole_line,
        thrown,
    }
}

/// The failure class of event `i` read from its own text.
fn class_of(corpus: &Corpus, i: usize, p: &Prep) -> Option<signals::Class> {
    let ev = &corpus.events[i];
    let (_, _, reason, status) = p.key;
    let msg = corpus.message(ev);
    if crate::ingest::is_command(ev.format, msg) {
        return None;
    }
    let line = corpus.first_line(ev);
    let mut text = String::with_capacity(line.len() + msg.len() + 32);
    if let Some(r) = reason {
        text.push_str(r);
        text.push(' ');
    }
    text.push_str(msg);
    if p.whole_line {
        text.push(' ');
        text.push_str(line);
    }
    text.push_str(&p.thrown);
    let mut c = reason
        .and_then(signals::from_k8s_reason)
        .or_else(|| signals::classify(&text, ev.level));
    if matches!(c, None | Some(signals::Class::CodeException)) {
        c = status_class(status).or(c);
    }
    if c.is_none() && ev.format == Format::KubectlPods && restarts(line) > 0 {
        c = Some(signals::Class::CrashLoop);
    }
    if c.is_none() && ev.level.is_some_and(|l| l >= Level::Error) {
        c = Some(signals::Class::CodeException);
    }
    c
}

/// Signals whose blame one job works out.
const BLAME_RUN: usize = 4096;

/// The signal of event `i` of `class`: who emitted it and whom it blames.
fn blame(
    corpus: &Corpus,
    i: usize,
    class: signals::Class,
    mentions: &Mentions,
    dns_home: Option<&str>,
    servers: &super::replies::Servers,
) -> Signal {
    {
        let line = corpus.first_line(&corpus.events[i]);
        let emitter = service_of(corpus, i).to_string();
        // The remote a line names: never the page a user came from (an access log's referer).
        let remote = || mentions.remote(&without_referer(line), &emitter);
        let blamed = if let Some(subject) = k8s_subject(corpus, i, class) {
            // kubelet / controller lines about a pod: the pod's service is the one failing.
            subject
        } else if class == signals::Class::DnsFailure {
            // A name that does not resolve is the resolver's failure when the resolver logs.
            // Otherwise a known service whose name does not resolve is the missing one.
            dns_home
                .map(str::to_string)
                .or_else(remote)
                .unwrap_or_else(|| emitter.clone())
        } else if blames_remote(class, line) {
            remote().unwrap_or_else(|| emitter.clone())
        } else {
            emitter.clone()
        };
        // A server's reply the emitter relays word for word is the server's state.
        let blamed = if blamed == emitter && servers.any() {
            let full = corpus.full_text(&corpus.events[i]);
            let text = format!("{line}{}", exception_lines(full, line.len()));
            servers
                .replying(&text, &emitter)
                .map_or(blamed, str::to_string)
        } else {
            blamed
        };
        Signal {
            event: i,
            class,
            emitter,
            blamed,
        }
    }
}

/// The line with an access log's referer blanked: the quoted absolute URL right after the
/// status and size (`" 502 157 "https://shop.example/cart"`) is the page the client came from.
fn without_referer(line: &str) -> std::borrow::Cow<'_, str> {
    let mut out: Option<String> = None;
    let mut from = 0;
    while let Some(k) = line[from..].find(" \"http").map(|k| from + k) {
        let before: Vec<&str> = line[..k].rsplit(' ').take(2).collect();
        let referer = before.len() == 2
            && (before[0] == "-" || before[0].bytes().all(|b| b.is_ascii_digit()))
            && before[1].len() == 3
            && before[1]
                .parse::<u16>()
                .is_ok_and(|s| (100..600).contains(&s));
        let end = line[k + 2..].find('"').map_or(line.len(), |e| k + 2 + e);
        if referer {
            let o = out.get_or_insert_with(|| line.to_string());
            o.replace_range(k + 2..end, &" ".repeat(end - k - 2));
        }
        from = end.min(line.len());
        if from >= line.len() {
            break;
        }
    }
    out.map_or(std::borrow::Cow::Borrowed(line), std::borrow::Cow::Owned)
}

/// Whether a signal of `class` on `line` is about the remote the line names rather than the
/// emitter: a failing dependency (refused, reset, timed out, unavailable), a certificate that
/// failed the emitter's own check of the peer (a client reports the server's, a server the
/// client's; a watcher of its own certificate or a peer's TLS alert stays the emitter's), and a
/// token "from the future", which is the issuer's clock (`iss_node=worker-3`).
fn blames_remote(class: signals::Class, line: &str) -> bool {
    class.blames_dependency()
        || class == signals::Class::ClockSkew
        || (class == signals::Class::TlsExpiry && verified_peer(line))
        || (class == signals::Class::AuthFailure && names_key_source(line))
}

/// True when a rejected token's line names where its keys come from (a JWKS or OpenID
/// discovery URL, an issuer): the checker did its part, and the issuer's keys did not match.
/// Without one, the line is about the emitter's own credentials.
fn names_key_source(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    ["jwks", "jwk-set", "jwk_set", "well-known", "issuer", "iss="]
        .iter()
        .any(|k| lower.contains(k))
}

/// True when a TLS line says the emitter's own check of the peer's certificate failed (Go's
/// `x509:`, Java's PKIX, OpenSSL's and Node's verify errors), not that the peer refused the
/// emitter's (`remote error: tls: bad certificate`, a TLS alert received).
fn verified_peer(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    const CHECKS: &[&str] = &[
        "x509:",
        "failed to verify",
        "verify failed",
        "pkix",
        "certificateexpiredexception",
        "cert_has_expired",
        "ssl certificate problem",
        "unable to verify",
    ];
    CHECKS.iter().any(|c| lower.contains(c))
        && !lower.contains("remote error")
        && !lower.contains("alert")
}

/// Most exception lines read from one event's continuations.
const MAX_THROWN: usize = 3;

/// The continuation lines of a multi-line event that name what was thrown, joined with spaces
/// (each prefixed by one): lines that are not stack frames (`at ...`, `File "..."`, `... 12
/// more`), at most [`MAX_THROWN`], the first and the last such lines first. Empty for a
/// one-line event.
pub(crate) fn exception_lines(full: &str, first_len: usize) -> String {
    let rest = full.get(first_len..).unwrap_or("");
    let lines: Vec<&str> = rest
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !is_frame(l))
        .collect();
    let mut picked: Vec<&str> = lines.iter().take(MAX_THROWN - 1).copied().collect();
    if let Some(last) = lines.last().filter(|l| !picked.contains(l)) {
        picked.push(last);
    }
    picked.iter().map(|l| format!(" {l}")).collect()
}

/// A stack frame or a trace's own furniture, not the exception.
fn is_frame(line: &str) -> bool {
    line.starts_with("at ")
        || line.starts_with("File \"")
        || line.starts_with("...")
        || line.starts_with("Traceback")
        || line.starts_with("goroutine ")
        || line.starts_with('^')
}

/// Caller -> callee edges from signals that blame another service and from shared trace ids.
/// `tick(events done)` is called every few thousand signals or events (progress only): the
/// signals' events first, then every event.
pub(crate) fn edges(
    corpus: &Corpus,
    signals: &[Signal],
    mentions: &Mentions,
    par: &dyn Parallel,
    tick: &mut dyn FnMut(usize),
) -> Vec<Edge> {
    // The services the signals' messages name and the trace ids every event carries are read
    // apart: side by side.
    let (mentioned, trace_list) = crate::parallel::join(
        par,
        || mentioned_by_signals(corpus, signals, mentions, par),
        || trace_groups(corpus),
    );
    let mut edges: BTreeMap<(String, String), usize> = BTreeMap::new();
    for (s, to) in mentioned {
        edges.entry((s.emitter.clone(), to)).or_insert(s.event);
    }
    tick(signals.last().map_or(0, |s| s.event));
    // Trace ids shared across services: the service with the earliest event is the caller.
    for (_, mut evs) in trace_list {
        crate::sort::sort_by_key(&mut evs, |&i| {
            (corpus.events[i].time.unwrap_or(i64::MAX), i)
        });
        let caller = service_of(corpus, evs[0]);
        if caller == UNKNOWN {
            continue;
        }
        for &i in &evs[1..] {
            let callee = service_of(corpus, i);
            if callee != caller && callee != UNKNOWN {
                edges
                    .entry((caller.to_string(), callee.to_string()))
                    .or_insert(i);
            }
        }
    }
    edges
        .into_iter()
        .map(|((from, to), evidence)| Edge { from, to, evidence })
        .collect()
}

/// Signals whose mentions one job finds: small enough that a few thousand unique messages
/// still make several jobs, so no one thread reads them all.
const MENTION_RUN_MIN: usize = 64;
/// Jobs the unique messages are cut into (at most; each job holds at least
/// [`MENTION_RUN_MIN`]). Cutting never changes the result: each message is read on its own.
const MENTION_JOBS: usize = 16;

/// (signal, service its message names) for each signal whose (emitter, message) was not seen
/// before, in signal order: a message an emitter already logged names the same services again
/// (edges keep the first event), so it is read once. The messages are read in runs, possibly
/// at once.
fn mentioned_by_signals<'a>(
    corpus: &Corpus,
    signals: &'a [Signal],
    mentions: &Mentions,
    par: &dyn Parallel,
) -> Vec<(&'a Signal, String)> {
    let mut read: FxHashSet<(&str, &str)> = FxHashSet::default();
    let unique: Vec<&Signal> = signals
        .iter()
        .filter(|s| {
            s.emitter != UNKNOWN
                && read.insert((&s.emitter, corpus.message(&corpus.events[s.event])))
        })
        .collect();
    let run = unique
        .len()
        .div_ceil(MENTION_JOBS)
        .clamp(MENTION_RUN_MIN, BLAME_RUN);
    crate::parallel::map_runs(par, &unique, run, |run| {
        run.iter()
            .flat_map(|&s| {
                mentions
                    .find(corpus.message(&corpus.events[s.event]), &s.emitter)
                    .into_iter()
                    .map(move |to| (s, to))
            })
            .collect()
    })
}

/// Events by the trace id they carry, sorted by trace id; each group in input order.
fn trace_groups(corpus: &Corpus) -> Vec<(&str, Vec<usize>)> {
    let mut traces: FxHashMap<&str, Vec<usize>> = FxHashMap::default();
    for (i, ev) in corpus.events.iter().enumerate() {
        if let Some(t) = ev.entities.as_ref().and_then(|e| e.trace_id.as_deref()) {
            traces.entry(t).or_default().push(i);
        }
    }
    let mut trace_list: Vec<(&str, Vec<usize>)> = traces.into_iter().collect();
    crate::sort::sort(&mut trace_list);
    trace_list
}

/// Per-service counts, roles and first signals.
pub(crate) fn service_infos(
    corpus: &Corpus,
    known: &[String],
    signals: &[Signal],
    order: &[usize],
) -> Vec<ServiceInfo> {
    // Four bytes an event (an input of 2^32 events would not fit in memory anyway).
    let mut pos = vec![0u32; corpus.events.len()];
    for (p, &i) in order.iter().enumerate() {
        pos[i] = p as u32;
    }
    let mut infos: BTreeMap<&str, ServiceInfo> = known
        .iter()
        .map(|s| {
            (
                s.as_str(),
                ServiceInfo {
                    name: s.clone(),
                    role: "service",
                    events: 0,
                    errors: 0,
                    warnings: 0,
                    first_signal: None,
                    worst: None,
                    mentioned_only: true,
                },
            )
        })
        .collect();
    // Counted per service symbol (an index), then added to the named infos once per service:
    // a name lookup per event cost a tree search of string comparisons for every line.
    let mut tallies: Vec<Tally> = Vec::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        let Some(s) = ev.service else {
            continue;
        };
        let s = s as usize;
        if s >= tallies.len() {
            tallies.resize_with(s + 1, Tally::default);
        }
        tallies[s].add(i, ev.level);
    }
    let mut samples: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (s, t) in (0u32..).zip(tallies) {
        let name = corpus.symbol(s);
        let Some(info) = infos.get_mut(name).filter(|_| t.events > 0) else {
            continue;
        };
        info.events += t.events;
        info.errors += t.errors;
        info.warnings += t.warnings;
        info.mentioned_only = false;
        info.worst = info.worst.max(t.worst);
        samples.insert(name, t.sample);
    }
    for sig in signals {
        for name in [&sig.emitter, &sig.blamed] {
            if let Some(info) = infos.get_mut(name.as_str()) {
                if info.first_signal.is_none_or(|f| pos[sig.event] < pos[f]) {
                    info.first_signal = Some(sig.event);
                }
            }
        }
    }
    for info in infos.values_mut() {
        info.role = roles::role_from_name(&info.name)
            .or_else(|| {
                let evs = samples.get(info.name.as_str())?;
                roles::role_from_messages(evs.iter().map(|&i| corpus.message(&corpus.events[i])))
            })
            .unwrap_or("service");
    }
    infos.into_values().collect()
}

/// One service's events as [`service_infos`] counts them: how many, how many errors and
/// warnings, the worst level and the first [`SAMPLES`] events (for its role).
#[derive(Default)]
struct Tally {
    events: usize,
    errors: usize,
    warnings: usize,
    worst: Option<Level>,
    sample: Vec<usize>,
}

/// Events kept per service to guess its role from its messages.
const SAMPLES: usize = 20;

impl Tally {
    fn add(&mut self, event: usize, level: Option<Level>) {
        self.events += 1;
        match level {
            Some(l) if l >= Level::Error => self.errors += 1,
            Some(Level::Warn) => self.warnings += 1,
            _ => {}
        }
        self.worst = self.worst.max(level);
        if self.sample.len() < SAMPLES {
            self.sample.push(event);
        }
    }
}

/// Services in the order the failure spread: the root, then whoever depends on an already
/// failing service (earliest first), then other services with signals by their first signal.
pub(crate) fn propagation(f: &Findings) -> Vec<String> {
    let Some(root) = f.ranked.first() else {
        return Vec::new();
    };
    let pos = super::order::positions(&f.order);
    let first: FxHashMap<&str, usize> = f
        .services
        .iter()
        .filter_map(|s| {
            Some((
                s.name.as_str(),
                super::order::position(&pos, s.first_signal?)?,
            ))
        })
        .collect();
    let mut path = vec![root.service.clone()];
    loop {
        let mut next: Vec<(usize, &str)> = f
            .edges
            .iter()
            .filter(|e| path.contains(&e.to) && !path.contains(&e.from))
            .filter_map(|e| Some((*first.get(e.from.as_str())?, e.from.as_str())))
            .collect();
        crate::sort::sort(&mut next);
        match next.first() {
            Some((_, s)) => path.push(s.to_string()),
            None => break,
        }
    }
    let mut rest: Vec<(usize, &str)> = first
        .iter()
        .filter(|(s, _)| !path.iter().any(|p| p == *s) && **s != UNKNOWN)
        .map(|(s, p)| (*p, *s))
        .collect();
    crate::sort::sort(&mut rest);
    path.extend(rest.into_iter().map(|(_, s)| s.to_string()));
    path
}

#[cfg(test)]
mod tests {
    use super::super::aliases::Aliases;
    use super::*;

    fn known(log: &str) -> Vec<String> {
        let files = [crate::InputFile::new("x.log", log.as_bytes().to_vec())];
        known_services(&crate::ingest(&files, &Default::default()).unwrap())
    }

    #[test]
    fn technologies_blamed_by_abnormal_lines_become_dependencies() {
        let k = known("2024-01-01T00:00:00Z ERROR orders-api Postgres pool exhausted\n");
        assert!(k.contains(&"postgres".to_string()), "{k:?}");
        // Not from a normal line, and not when a service already carries the name.
        assert!(
            !known("2024-01-01T00:00:00Z INFO orders-api Postgres pool ok\n")
                .contains(&"postgres".to_string())
        );
        let k = known("2024-01-01T00:00:00Z ERROR orders-api Redis timeout\n2024-01-01T00:00:01Z INFO redis-cache ready\n");
        assert!(!k.contains(&"redis".to_string()), "{k:?}");
    }

    #[test]
    fn the_exception_of_a_stack_trace_is_read_not_its_frames() {
        let java = "ERROR request failed\njava.lang.OutOfMemoryError: Java heap space\n\tat a.B.c(B.java:1)\n\t... 12 more\n";
        let first = "ERROR request failed".len();
        assert_eq!(
            exception_lines(java, first),
            " java.lang.OutOfMemoryError: Java heap space"
        );
        let py = "ERROR job crashed\nTraceback (most recent call last):\n  File \"x.py\", line 3, in f\n    g()\nMemoryError\n";
        assert!(exception_lines(py, "ERROR job crashed".len()).ends_with(" MemoryError"));
        assert_eq!(exception_lines("one line", 8), "");
    }

    #[test]
    fn classes_in_rounds_by_any_runner_are_those_of_one_pass_over_the_events() {
        // Several rounds; templates repeat across rounds and inside one; some events are
        // classified on their own (a long line with a stack, a pod row), the rest per key.
        let mut text = String::new();
        let n = CLASSIFY_RUN * CLASSIFY_RUNS * 2 + 321;
        for i in 0..n {
            let line = match i % 6 {
                0 => format!("2024-05-01T10:00:00Z INFO api request {i} served\n"),
                1 => format!("2024-05-01T10:00:00Z ERROR api upstream db timed out after {i}ms\n"),
                2 => format!("2024-05-01T10:00:00Z WARN api pool {} of 50 in use\n", i % 50),
                3 => format!(
                    "2024-05-01T10:00:00Z ERROR api job {i} failed\njava.lang.OutOfMemoryError: heap\n"
                ),
                4 => format!("2024-05-01T10:00:00Z ERROR api connection refused by cache-{}\n", i % 3),
                _ => format!("2024-05-01T10:00:00Z INFO api GET /x/{i} 503 in 3ms\n"),
            };
            text.push_str(&line);
        }
        let (corpus, _) = super::super::mined(&[("api.log", &text)]);
        let rounds = classify_all(&corpus, &crate::parallel::tests::Backwards, &mut |_| {});
        // One pass: a cacheable event takes the class of the first event with its key.
        let mut first: FxHashMap<Key, Option<signals::Class>> = FxHashMap::default();
        let mut one = Vec::new();
        for i in 0..corpus.events.len() {
            let p = prep(&corpus, i);
            let c = if p.cacheable {
                *first
                    .entry(p.key)
                    .or_insert_with(|| class_of(&corpus, i, &p))
            } else {
                class_of(&corpus, i, &p)
            };
            if let Some(c) = c {
                one.push((i, c));
            }
        }
        assert!(corpus.events.len() > CLASSIFY_RUN * CLASSIFY_RUNS * 2);
        assert!(one.len() > n / 3, "{} signals", one.len());
        assert_eq!(rounds, one);
    }

    /// (emitter, blamed) of every signal in the files.
    fn blames(files: &[(&str, &str)]) -> Vec<(String, String)> {
        let (corpus, templates) = super::super::mined(files);
        let known = known_services(&corpus);
        let aliases = Aliases::learn(&corpus, &known, &crate::Sequential);
        let mentions = Mentions::new(&known).with_aliases(&aliases);
        signals(
            &corpus,
            &templates,
            &known,
            &mentions,
            &crate::Sequential,
            &mut |_| {},
        )
        .into_iter()
        .map(|s| (s.emitter, s.blamed))
        .collect()
    }

    #[test]
    fn an_expired_certificate_is_the_peers_that_presented_it() {
        // A client verifying the server's certificate blames the server it called.
        let client = "2024-05-01T10:00:00Z ERROR call to https://tax-engine:8443/quote failed: x509: certificate has expired or is not yet valid\n";
        let server = "2024-05-01T09:00:00Z INFO listening on :8443\n";
        let b = blames(&[("checkout.log", client), ("tax-engine.log", server)]);
        assert_eq!(b, [("checkout".into(), "tax-engine".into())]);
        // A server verifying a client certificate blames the client behind the address.
        let ledger = "\
2024-05-01T09:59:00Z INFO entry posted client=orders peer=10.1.0.4
2024-05-01T10:00:00Z WARN handshake from 10.1.0.4:51234 failed: x509: certificate has expired
";
        let orders = "2024-05-01T09:00:00Z INFO started\n";
        let b = blames(&[("ledger.log", ledger), ("orders.log", orders)]);
        assert_eq!(b, [("ledger".into(), "orders".into())]);
        // A peer that refused the emitter's certificate, and a watcher about the emitter's own
        // serving certificate, are the emitter's.
        let server = "\
2024-05-01T10:00:00Z ERROR serving certificate has expired (CN=tax.example.internal)
2024-05-01T10:00:01Z ERROR http: TLS handshake error from 10.1.0.4:51522: remote error: tls: bad certificate
";
        let client = "2024-05-01T09:59:00Z INFO calling tax-engine peer=10.1.0.4\n";
        let b = blames(&[("tax-engine.log", server), ("orders.log", client)]);
        assert!(
            b.iter()
                .all(|(e, d)| e == "tax-engine" && d == "tax-engine"),
            "{b:?}"
        );
        // A certificate watcher about its own certificate names no peer: its own.
        let own = "2024-05-01T10:00:00Z ERROR client certificate /etc/tls/tls.crt has expired\n";
        let b = blames(&[("billing.log", own)]);
        assert_eq!(b, [("billing".into(), "billing".into())]);
    }

    #[test]
    fn a_token_rejected_against_an_issuers_keys_is_the_issuers() {
        // A verifier that checked a token against the issuer's published keys blames the
        // issuer it names.
        let api = "2024-05-01T10:00:00Z WARN token rejected: kid not found in JWKS (jwks_url=https://login.internal/.well-known/jwks.json)\n";
        let idp = "2024-05-01T09:00:00Z INFO rotated signing keys\n";
        let b = blames(&[("reports.log", api), ("login.log", idp)]);
        assert_eq!(b, [("reports".into(), "login".into())]);
        // Rejected credentials with no key source named are the emitter's own.
        let own = "2024-05-01T10:00:00Z ERROR upload failed: ExpiredToken: the security token included in the request is expired\n";
        let b = blames(&[("uploader.log", own), ("login.log", idp)]);
        assert_eq!(b, [("uploader".into(), "uploader".into())]);
    }

    #[test]
    fn a_referer_is_where_the_user_came_from_not_a_dependency() {
        let access = r#"10.0.0.1 - - [06/May/2025:16:04:13 +0000] "GET /v2/orders HTTP/2.0" 502 157 "https://shop.example/account" "App/1.0""#;
        let cleaned = without_referer(access);
        assert!(!cleaned.contains("shop.example"), "{cleaned}");
        assert_eq!(cleaned.len(), access.len());
        // An upstream URL in an error log is a dependency and stays.
        let error = r#"connect() failed (111: Connection refused) while connecting to upstream, request: "GET /v2/orders HTTP/2.0", upstream: "http://orders:8008/v2/orders""#;
        assert_eq!(without_referer(error), error);
    }
}
