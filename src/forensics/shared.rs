//! One failure reported by several services in the same words is one dependency's failure.
//!
//! When two or more services log the same error text (a database or cache reply such as "too
//! many clients" or "command not allowed", relayed verbatim by each client library), none of
//! them is the origin: the origin is what they all use. This tool finds such shared failure
//! texts and, when the services that report them use one other service, names that service as
//! a suspect even if it logs nothing abnormal itself.
//!
//! Promises: a text counts as shared only if it never occurs in the reporting services' normal
//! lines (a log format's field names are not a failure); the suspect is named by the lines of
//! at least two reporters; the result does not depend on input order.

use super::graph::{service_of, Mentions, UNKNOWN};
use super::{Class, Findings};
use crate::hash::FxHashSet;
use crate::ingest::{Corpus, Format, Level};
use crate::parallel::Parallel;
use std::collections::{BTreeMap, BTreeSet};

/// Words in a row that make a phrase; long enough that two services share it by cause.
const PHRASE: usize = 4;
/// Signals read per run: the shared text shows in the first of them.
const MAX_SIGNALS: usize = 5_000;
/// Bytes of a line read for phrases.
const MAX_TEXT: usize = 600;

/// A service that several reporters' shared failure points at.
#[derive(Debug, Clone)]
pub(crate) struct Suspect {
    pub service: String,
    pub class: Class,
    /// The reporters' signal events that share the text.
    pub events: Vec<usize>,
    pub reporters: BTreeSet<String>,
    /// Why it is a suspect, as the ranker's reason line says it.
    pub reason: String,
}

/// Suspects behind failures that several services report in the same words. The passes over
/// the events and the phrases of the signals are read in runs by `par` (possibly at once) and
/// merged in event order.
pub(crate) fn suspects(
    corpus: &Corpus,
    f: &Findings,
    known: &[String],
    par: &dyn Parallel,
) -> Vec<Suspect> {
    let normal = normal_phrases(corpus, f, par);
    // phrase -> (reporters, events)
    let mut shared: BTreeMap<String, (BTreeSet<&str>, Vec<usize>)> = BTreeMap::new();
    let mut signals: Vec<&super::Signal> = f.signals.iter().collect();
    crate::sort::sort_by_key(&mut signals, |s| s.event);
    signals.truncate(MAX_SIGNALS);
    let read = crate::parallel::map_runs(par, &signals, PHRASE_RUN, |run| {
        run.iter().map(|s| signal_phrases(corpus, s)).collect()
    });
    for (s, found) in signals.iter().zip(read) {
        for p in found {
            if normal.contains(&p) {
                continue;
            }
            let e = shared.entry(p).or_default();
            e.0.insert(s.emitter.as_str());
            e.1.push(s.event);
        }
    }
    // The largest group of reporters sharing a phrase, and its events.
    let Some((phrase, (reporters, mut events))) = shared
        .into_iter()
        .filter(|(_, (r, _))| r.len() >= 2)
        .max_by(|a, b| a.1 .0.len().cmp(&b.1 .0.len()).then(b.0.cmp(&a.0)))
    else {
        return Vec::new();
    };
    events.sort_unstable();
    events.dedup();
    let Some(service) = common_dependency(corpus, known, &reporters, par) else {
        return Vec::new();
    };
    let class = majority_class(f, &events);
    vec![Suspect {
        service,
        class,
        events,
        reason: format!(
            "shared failure: {} services that use it report it in the same words (\"{phrase}\")",
            reporters.len()
        ),
        reporters: reporters.iter().map(|s| s.to_string()).collect(),
    }]
}

/// The phrases of one error signal's message and what was thrown; none for a signal of an
/// unknown service or below error level.
fn signal_phrases(corpus: &Corpus, s: &super::Signal) -> Vec<String> {
    if s.emitter == UNKNOWN {
        return Vec::new();
    }
    let ev = &corpus.events[s.event];
    if ev.level.is_none_or(|l| l < Level::Error) {
        return Vec::new();
    }
    // The message and what was thrown, not the line's header (a logger name shared by every
    // service of one framework) nor stack frames (shared libraries).
    let line = corpus.first_line(ev);
    let message = corpus.message(ev);
    // A structured record keeps its failure in other fields too (`err.message`, `error=`).
    let structured = matches!(ev.format, Format::JsonLines | Format::Logfmt)
        || message.trim_start().starts_with('{');
    let text = format!(
        "{} {}",
        if structured { line } else { message },
        super::graph::exception_lines(corpus.full_text(ev), line.len())
    );
    phrases(&text)
}

/// Signals whose phrases one job reads.
const PHRASE_RUN: usize = 512;
/// Events one job of a pass over every event reads.
const EVENT_RUN: usize = 1 << 16;

/// For each key that `key_of` gives some event, the first such event (in event order), in
/// the order those first events come. The events are read in fixed runs by `par`; each run
/// keeps its own first of each key and the runs are merged in order, so the result is that
/// of one pass.
fn first_of_each<K, F>(corpus: &Corpus, par: &dyn Parallel, key_of: F) -> Vec<usize>
where
    K: std::hash::Hash + Eq + Copy + Send,
    F: Fn(usize) -> Option<K> + Sync,
{
    first_of_each_in(corpus.events.len(), EVENT_RUN, par, key_of)
}

/// [`first_of_each`] over events `0..n` read in runs of `run` events.
fn first_of_each_in<K, F>(n: usize, run: usize, par: &dyn Parallel, key_of: F) -> Vec<usize>
where
    K: std::hash::Hash + Eq + Copy + Send,
    F: Fn(usize) -> Option<K> + Sync,
{
    let runs: Vec<std::ops::Range<usize>> =
        (0..n).step_by(run).map(|a| a..n.min(a + run)).collect();
    let per_run = crate::parallel::map(
        par,
        runs,
        |r| r.len() as u64,
        |r| {
            let mut seen: FxHashSet<K> = FxHashSet::default();
            r.filter_map(|i| key_of(i).filter(|&k| seen.insert(k)).map(|k| (k, i)))
                .collect::<Vec<_>>()
        },
    );
    let mut seen: FxHashSet<K> = FxHashSet::default();
    per_run
        .into_iter()
        .flatten()
        .filter(|&(k, _)| seen.insert(k))
        .map(|(_, i)| i)
        .collect()
}

/// Phrases of the lines of templates that are not signals: what a service says when fine.
fn normal_phrases(corpus: &Corpus, f: &Findings, par: &dyn Parallel) -> FxHashSet<String> {
    let signal: FxHashSet<usize> = f.signals.iter().map(|s| s.event).collect();
    let firsts = first_of_each(corpus, par, |i| {
        (!signal.contains(&i)).then(|| corpus.events[i].template)
    });
    crate::parallel::map_runs(par, &firsts, PHRASE_RUN, |run| {
        run.iter()
            .flat_map(|&i| phrases(corpus.message(&corpus.events[i])))
            .collect()
    })
    .into_iter()
    .collect()
}

/// Runs of [`PHRASE`] words (letters only, lower case, two letters or more) in a text's head.
/// Field names (`"level":`, `msg=`) and identifiers (`oslo.rpc.server`, `a_b`, paths) are left
/// out: they are the log format's and the code's, shared by every service built alike.
fn phrases(text: &str) -> Vec<String> {
    let mut end = text.len().min(MAX_TEXT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut words: Vec<String> = Vec::new();
    let seps = |c: char| c.is_whitespace() || matches!(c, ',' | '{' | '}' | '[' | ']' | '(' | ')');
    for tok in text[..end].split(seps) {
        let value = match tok.find([':', '=']) {
            Some(k) if k + 1 < tok.len() && is_key(&tok[..k]) => &tok[k + 1..],
            _ => tok,
        };
        let t = value.trim_matches(|c: char| !c.is_ascii_alphanumeric());
        let joined = t.contains(['.', '_', '/', '\\']);
        if joined && t.bytes().any(|b| b.is_ascii_alphabetic()) {
            continue;
        }
        words.extend(
            t.split(|c: char| !c.is_ascii_alphabetic())
                .filter(|w| w.len() >= 2)
                .map(|w| w.to_ascii_lowercase()),
        );
    }
    words.windows(PHRASE).map(|w| w.join(" ")).collect()
}

/// A field name: letters, digits, `_`, `-`, `.`, `@`, optionally quoted.
fn is_key(s: &str) -> bool {
    let s = s.trim_matches(['"', '\'']);
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.' | b'@'))
}

/// The one service (not a reporter) that the lines of most reporters name, if at least two do.
fn common_dependency(
    corpus: &Corpus,
    known: &[String],
    reporters: &BTreeSet<&str>,
    par: &dyn Parallel,
) -> Option<String> {
    let mentions = Mentions::new(known);
    // One line per (service, template) is enough to learn who uses whom.
    let firsts = first_of_each(corpus, par, |i| {
        let &reporter = reporters.get(service_of(corpus, i))?;
        Some((reporter, corpus.events[i].template))
    });
    let mentioned = crate::parallel::map_runs(par, &firsts, PHRASE_RUN, |run| {
        run.iter()
            .map(|&i| {
                let reporter = service_of(corpus, i);
                let text = corpus.full_text(&corpus.events[i]);
                (reporter, mentions.find(text, reporter))
            })
            .collect()
    });
    let mut users: BTreeMap<String, BTreeSet<&str>> = BTreeMap::new();
    for (reporter, found) in mentioned {
        for d in found {
            if !reporters.contains(d.as_str()) {
                users.entry(d).or_default().insert(reporter);
            }
        }
    }
    let most = users.values().map(|u| u.len()).max()?;
    let mut top = users.into_iter().filter(|(_, u)| u.len() == most);
    let first = top.next()?;
    // Two services used equally: the logs do not say which one is behind the failure.
    (most >= 2 && top.next().is_none()).then_some(first.0)
}

/// The class most of the events' signals carry (ties to the more specific, then by name).
fn majority_class(f: &Findings, events: &[usize]) -> Class {
    let set: FxHashSet<usize> = events.iter().copied().collect();
    let mut counts: BTreeMap<Class, usize> = BTreeMap::new();
    for s in f.signals.iter().filter(|s| set.contains(&s.event)) {
        *counts.entry(s.class).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by(|a, b| {
            a.1.cmp(&b.1)
                .then(a.0.is_specific().cmp(&b.0.is_specific()))
                .then(b.0.cmp(&a.0))
        })
        .map_or(Class::CodeException, |(c, _)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(files: &[(&str, &str)]) -> Vec<Suspect> {
        let (corpus, f) = super::super::analyzed(files, super::super::RankMethod::Engine);
        let known: Vec<String> = f.services.iter().map(|s| s.name.clone()).collect();
        suspects(&corpus, &f, &known, &crate::parallel::tests::Backwards)
    }

    #[test]
    fn two_clients_relaying_one_servers_reply_point_at_the_server() {
        // Both clients use the session store and log its refusal verbatim; the store logs nothing.
        let carts = "\
2024-05-01T10:00:00Z INFO connected to session-store:6379
2024-05-01T10:05:00Z ERROR write failed: ERR max number of clients reached on this server
2024-05-01T10:05:09Z ERROR write failed: ERR max number of clients reached on this server
";
        let accounts = "\
2024-05-01T10:00:00Z INFO pool ready for session-store
2024-05-01T10:05:02Z ERROR login failed: ERR max number of clients reached on this server
";
        let store = "2024-05-01T09:00:00Z INFO Ready to accept connections\n";
        let s = run(&[
            ("carts.log", carts),
            ("accounts.log", accounts),
            ("session-store.log", store),
        ]);
        assert_eq!(s.len(), 1, "{s:?}");
        assert_eq!(s[0].service, "session-store");
        assert_eq!(s[0].reporters.len(), 2);
    }

    #[test]
    fn the_first_of_each_key_is_that_of_one_pass_whatever_the_runs() {
        // Keys of events 0..12; event 9 has none. A key's first event may sit in any run.
        let keys = [3, 1, 3, 2, 1, 4, 2, 4, 5, 0, 5, 3];
        let key_of = |i: usize| (keys[i] != 0).then_some(keys[i]);
        let one_pass = first_of_each_in(keys.len(), keys.len(), &crate::Sequential, key_of);
        assert_eq!(one_pass, [0, 1, 3, 5, 8]);
        for run in [1, 2, 3, 5] {
            let runs = &crate::parallel::tests::Backwards;
            assert_eq!(first_of_each_in(keys.len(), run, runs, key_of), one_pass);
        }
    }

    #[test]
    fn phrases_leave_out_field_names_and_identifiers() {
        let p = phrases(
            r#"{"level":"error","logger":"oslo.rpc.server","err":"ERR max number of clients reached"}"#,
        );
        assert!(p.contains(&"err max number of".to_string()), "{p:?}");
        assert!(
            !p.iter().any(|x| x.contains("logger") || x.contains("oslo")),
            "{p:?}"
        );
        assert!(
            phrases("write failed: ERR max number").contains(&"failed err max number".to_string())
        );
    }

    #[test]
    fn different_failures_share_no_cause() {
        let a = "2024-05-01T10:00:00Z INFO using session-store\n2024-05-01T10:05:00Z ERROR template render failed for invoice page\n";
        let b = "2024-05-01T10:00:00Z INFO using session-store\n2024-05-01T10:05:02Z ERROR payment declined by card issuer bank\n";
        let store = "2024-05-01T09:00:00Z INFO ready\n";
        assert!(run(&[("a.log", a), ("b.log", b), ("session-store.log", store)]).is_empty());
    }

    #[test]
    fn a_log_formats_field_names_are_not_a_shared_failure() {
        // Both services log the same JSON keys on every line; the errors differ.
        let a = "{\"level\":\"info\",\"time\":\"2024-05-01T10:00:00Z\",\"caller\":\"main.go\",\"msg\":\"using session-store\"}\n{\"level\":\"error\",\"time\":\"2024-05-01T10:05:00Z\",\"caller\":\"main.go\",\"msg\":\"template render broke\"}\n";
        let b = "{\"level\":\"info\",\"time\":\"2024-05-01T10:00:00Z\",\"caller\":\"main.go\",\"msg\":\"using session-store\"}\n{\"level\":\"error\",\"time\":\"2024-05-01T10:05:02Z\",\"caller\":\"main.go\",\"msg\":\"card issuer declined\"}\n";
        let store = "2024-05-01T09:00:00Z INFO ready\n";
        assert!(run(&[("a.log", a), ("b.log", b), ("session-store.log", store)]).is_empty());
    }
}
