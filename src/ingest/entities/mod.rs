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
//!
//! One concern per file: `services` (service names), `keyvalues` (`key=value` pairs), `http`
//! (request lines), `durations`, `mentions` (other services, hosts, bare ids). This module holds
//! the per-event hook that runs them.

use super::event::{Corpus, Entities, Sym, Text};
use std::collections::HashMap;
use std::sync::Arc;

/// Most durations and mentions kept per event; more is noise, and bounds the cost.
const MAX_DURATIONS: usize = 8;
const MAX_MENTIONS: usize = 8;
/// Longest id or name value kept.
const MAX_VALUE: usize = 128;

mod durations;
mod http;
mod keyvalues;
mod mentions;
mod sections;
mod services;
mod sets;

use durations::*;
use http::*;
use keyvalues::*;
use mentions::*;
use services::*;

pub(crate) use services::service_from_pod;
pub(crate) use sets::Sets;

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
    // A paste of several sources under header lines is read section by section, each under
    // the name its header gives.
    for s in sections::sections(corpus, first, text, file_name) {
        complete_section(corpus, s.start..s.end, text, &s.name, tick);
    }
}

/// [`complete`] for the events `range` of one file, or of one section of it named `file_name`.
fn complete_section(
    corpus: &mut Corpus,
    range: std::ops::Range<usize>,
    text: &str,
    file_name: &str,
    tick: &mut dyn FnMut(usize, usize),
) {
    let first = range.start;
    // A file's name names a service only when its lines speak for that service or for none: in
    // a paste of several services (`incident.log`) the name is the incident's, and in a file
    // whose lines all name another service the name is the file's, not a service's.
    // A file whose lines speak for one service is that service's: its unnamed lines (a
    // stack trace, a runtime's own warning) are that service's too, whatever the file is called.
    // A file named for its one voice names it before a line's component does; a voice the file
    // is not named for comes after the line's own component.
    let (file_service, name_first) = match file_voices(corpus, range.clone()) {
        Voices::None => (service_from_file_name(file_name), true),
        Voices::One(s) => {
            let is_file_name = service_from_file_name(file_name).as_deref() == Some(s.as_str());
            (Some(s), is_file_name)
        }
        Voices::Many => (None, true),
    };
    let mut file_sym = None;
    let mut scratch = Entities::default();
    // Equal sets anywhere in the file are stored once; the previous event's set is tried first
    // (runs of equal sets are common) before the file's table.
    let mut sets = Sets::default();
    let mut last: Option<Arc<Entities>> = None;
    for idx in range {
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
        // A learned header is columns nobody named: a request's status, a peer or an id may
        // sit among them (an HAProxy line behind a container prefix), so the whole line is read.
        let scanned = if ev.format == crate::ingest::Format::Learned {
            text.get(ev.first.0 as usize..ev.first.1 as usize)
                .unwrap_or(msg)
        } else {
            msg
        };
        enrich(scanned, ents);
        // A pasted command (`$ kubectl get pods`) is the engineer's, nobody's voice.
        let fallback = if ev.service.is_some() || crate::ingest::is_command(ev.format, msg) {
            None
        } else if let Some(s) = workload_service(ents) {
            Some(Ok(s))
        } else {
            // Not for cluster listings (events, pods, describe): they speak about other
            // objects, so the file's name ("k8s-events.log") names no service.
            let file = file_service.is_some() && !is_cluster_listing(ev.format);
            let component = || {
                ents.component
                    .as_deref()
                    .and_then(service_from_component)
                    .map(Ok)
            };
            if file && name_first {
                Some(Err(()))
            } else {
                component().or_else(|| file.then_some(Err(())))
            }
        };
        let prev = last.as_ref().filter(|prev| match &ev.entities {
            Some(mine) => sets::same(prev, mine),
            None => sets::same(prev, &scratch),
        });
        let shared = match (prev, ev.entities.take()) {
            (Some(prev), mine) => {
                if mine.is_none() {
                    scratch = Entities::default();
                }
                Some(Arc::clone(prev))
            }
            (None, Some(mine)) => Some(sets.share(mine)),
            (None, None) if scratch.is_empty() => None,
            (None, None) => Some(sets.share(Arc::new(std::mem::take(&mut scratch)))),
        };
        if let Some(shared) = shared {
            last = Some(Arc::clone(&shared));
            ev.entities = Some(shared);
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

/// The service a line's pod, container or pod-named host stands for, in that order.
fn workload_service(e: &Entities) -> Option<String> {
    e.pod
        .as_deref()
        .and_then(service_from_pod)
        .or_else(|| e.container.as_deref().and_then(service_from_pod))
        .or_else(|| e.host.as_deref().and_then(service_from_pod_host))
}

/// The services a file's lines name in-line.
enum Voices {
    None,
    One(String),
    Many,
}

/// What a file's lines say about their services: an in-line name, or a pod, container or
/// pod-named host that stands for one. A few with_service lines in a file that otherwise names
/// none (a JSON document dumped into a log, with its own `name`) do not make it a paste of
/// several services: at least a fifth of its events must name one, and a second service needs a
/// tenth of the with_service events to count.
fn file_voices(corpus: &Corpus, range: std::ops::Range<usize>) -> Voices {
    let events = &corpus.events[range];
    let mut by_sym: HashMap<Sym, usize> = HashMap::new();
    // Each distinct pod, container and host is resolved once, to an index in `names`.
    type Key<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);
    let mut derived: HashMap<Key, Option<usize>> = HashMap::new();
    let mut names: Vec<(String, usize)> = Vec::new();
    let mut last: Option<(Key, Option<usize>)> = None;
    for ev in events {
        if let Some(s) = ev.service {
            *by_sym.entry(s).or_default() += 1;
            continue;
        }
        let Some(e) = ev.entities.as_deref() else {
            continue;
        };
        let key = (e.pod.as_deref(), e.container.as_deref(), e.host.as_deref());
        if key == (None, None, None) {
            continue;
        }
        // Runs of lines from one pod are the common case: the last answer first.
        let slot = match last {
            Some((k, slot)) if k == key => slot,
            _ => *derived.entry(key).or_insert_with(|| {
                names.push((workload_service(e)?, 0));
                Some(names.len() - 1)
            }),
        };
        last = Some((key, slot));
        if let Some(k) = slot {
            names[k].1 += 1;
        }
    }
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for (s, n) in by_sym {
        *counts.entry(corpus.symbol(s)).or_default() += n;
    }
    for (name, n) in &names {
        *counts.entry(name.as_str()).or_default() += n;
    }
    let with_service: usize = counts.values().sum();
    if with_service == 0 || with_service * 5 < events.len() {
        return Voices::None;
    }
    let mut ranked: Vec<(usize, &str)> = counts.into_iter().map(|(s, n)| (n, s)).collect();
    // Ties go by name, so the answer never depends on the order names were met.
    ranked.sort_unstable_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
    match ranked.get(1) {
        Some(&(n, _)) if n * 10 >= with_service => Voices::Many,
        _ => Voices::One(ranked[0].1.to_string()),
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

#[cfg(test)]
mod tests_support {
    use super::*;

    pub(crate) fn ents(msg: &str) -> Entities {
        let mut e = Entities::default();
        enrich(msg, &mut e);
        e
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tests_support::ents;

    fn ingest_one(name: &str, text: String) -> Corpus {
        crate::ingest::ingest(
            &[crate::ingest::InputFile::new(name, text.into_bytes())],
            &Default::default(),
        )
        .expect("ingest")
    }

    /// Bug (identity): an incident pasted as `incident.log`, whose JSON lines name their pod
    /// only as the hostname, gave its unnamed lines (a runtime's warning) the file's name as
    /// their service. The lines' one voice is the file's service.
    #[test]
    fn a_file_whose_lines_speak_for_one_service_is_that_services() {
        let mut text = String::new();
        for k in 0..4 {
            text += &format!(
                "{{\"level\":30,\"time\":170000000{k}000,\"hostname\":\"web-7d9f8b6c5d-x2k4p\",\"msg\":\"tick\"}}\n"
            );
        }
        text +=
            "(node:1) MaxListenersExceededWarning: Possible EventEmitter memory leak detected.\n";
        let c = ingest_one("incident.log", text);
        let services: Vec<Option<&str>> = c.events.iter().map(|e| c.service(e)).collect();
        assert_eq!(services, vec![Some("web"); 5]);
    }

    /// Bug (identity): `$ kubectl get events` pasted into a service's log made a service called
    /// `kubectl`; before that, in a file named for no service, every command line did.
    #[test]
    fn a_pasted_command_line_is_no_services_voice() {
        let text = concat!(
            "2024-05-01T10:00:00Z ERROR [payments] charge failed\n",
            "2024-05-01T10:00:01Z ERROR [payments] charge failed\n",
            "$ kubectl -n shop get events\n",
            "$ tail -n 50 /var/log/app.log\n",
        );
        for name in ["payments.log", "notes.txt"] {
            let c = ingest_one(name, text.to_string());
            let commands: Vec<Option<&str>> = c
                .events
                .iter()
                .filter(|e| c.message(e).starts_with("$ "))
                .map(|e| c.service(e))
                .collect();
            assert_eq!(commands, [None, None], "{name}");
        }
    }

    /// Bug (identity): a paste of two logs under `==> name <==` headers gave every line the
    /// paste's own name; each section is the file its header names, in either order.
    #[test]
    fn each_section_of_a_paste_speaks_for_the_file_its_header_names() {
        let lines = [
            "==> api.log <==",
            "2024-05-01T10:00:00Z INFO started",
            "2024-05-01T10:00:02Z ERROR upstream failed",
            "==> db.log <==",
            "2024-05-01T10:00:01Z WARN slow checkpoint",
            "2024-05-01T10:00:03Z ERROR out of connections",
        ];
        let services = |text: String| {
            let c = ingest_one("incident.log", text);
            let mut by_line: Vec<(String, Option<String>)> = c
                .events
                .iter()
                .map(|e| {
                    (
                        c.first_line(e).to_string(),
                        c.service(e).map(str::to_string),
                    )
                })
                .collect();
            by_line.sort();
            by_line
        };
        let oldest_first = services(lines.join("\n") + "\n");
        let mut reversed = lines;
        reversed.reverse();
        let newest_first = services(reversed.join("\n") + "\n");
        assert_eq!(oldest_first, newest_first);
        for (line, service) in &oldest_first {
            let want = if line.contains("checkpoint") || line.contains("connections") {
                "db"
            } else if line.starts_with("2024") {
                "api"
            } else {
                continue;
            };
            assert_eq!(service.as_deref(), Some(want), "{line}");
        }
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
