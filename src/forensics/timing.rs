//! Timing: how long a service holds a request, read from trace-linked log lines.
//!
//! Within one trace, the time from a service's line to the next line of another service is the
//! service's "exit gap": its remaining work plus the hop to the next service. A network delay or a
//! starved CPU on one service stretches its exit gaps by orders of magnitude while its callers'
//! and callees' stay near normal, so the contrast with a healthy baseline localises the slow
//! service even when nothing in its logs says so.
//!
//! Promises: the result depends on times, services and text only, never on input order (lines of
//! one trace are ordered by time, then service, then text).

use super::graph::UNKNOWN;
use crate::ingest::Corpus;
use std::collections::BTreeMap;

/// Per service: its exit gaps (ns), each with the event that opened it, in no particular order.
pub(crate) fn exit_gaps(corpus: &Corpus) -> BTreeMap<&str, Vec<(i64, usize)>> {
    let mut traces: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        let Some(trace) = ev.entities.as_ref().and_then(|e| e.trace_id.as_deref()) else {
            continue;
        };
        if ev.time.is_some() && corpus.service(ev).is_some() {
            traces.entry(trace).or_default().push(i);
        }
    }
    let mut out: BTreeMap<&str, Vec<(i64, usize)>> = BTreeMap::new();
    for mut evs in traces.into_values() {
        if evs.len() < 2 {
            continue;
        }
        let key = |i: usize| {
            let ev = &corpus.events[i];
            (
                ev.time.unwrap_or(i64::MAX),
                corpus.service(ev).unwrap_or(UNKNOWN),
                corpus.first_line(ev),
            )
        };
        crate::sort::sort_by(&mut evs, |&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
        for w in evs.windows(2) {
            let (a, b) = (key(w[0]), key(w[1]));
            if a.1 != b.1 {
                out.entry(a.1).or_default().push((b.0 - a.0, w[0]));
            }
        }
    }
    out
}

/// Per service: (median exit gap in ns, number of gaps).
pub(crate) fn exit_gap_medians(corpus: &Corpus) -> BTreeMap<String, (i64, usize)> {
    medians(exit_gaps(corpus))
}

/// Per service: the durations (ns) of its spans of two lines or more, first line to last, each
/// with the span's last event. A starved or waiting service holds each request longer.
pub(crate) fn span_durations(corpus: &Corpus) -> BTreeMap<&str, Vec<(i64, usize)>> {
    let mut out: BTreeMap<&str, Vec<(i64, usize)>> = BTreeMap::new();
    for ((service, _, _), evs) in spans(corpus) {
        if let (Some(&a), Some(&z)) = (evs.first(), evs.last()) {
            if a != z {
                let (ta, tz) = (corpus.events[a].time, corpus.events[z].time);
                if let (Some(ta), Some(tz)) = (ta, tz) {
                    out.entry(service).or_default().push((tz - ta, z));
                }
            }
        }
    }
    out
}

/// Per service: (median span duration in ns, number of spans).
pub(crate) fn span_duration_medians(corpus: &Corpus) -> BTreeMap<String, (i64, usize)> {
    medians(span_durations(corpus))
}

fn medians(m: BTreeMap<&str, Vec<(i64, usize)>>) -> BTreeMap<String, (i64, usize)> {
    m.into_iter()
        .map(|(s, g)| {
            let mut v: Vec<i64> = g.iter().map(|&(d, _)| d).collect();
            (s.to_string(), (median(&mut v), v.len()))
        })
        .collect()
}

/// A code point: the component (logger and line, where the format gives one) and the template.
type Point = (String, u32);

/// Per service, per code point: (lines in spans, times it ended a span).
pub(crate) type SpanEnds = BTreeMap<String, BTreeMap<Point, (usize, usize)>>;

/// The spans of the corpus: per (service, trace, span) its events in time order (then text).
fn spans(corpus: &Corpus) -> BTreeMap<(&str, &str, &str), Vec<usize>> {
    let mut out: BTreeMap<(&str, &str, &str), Vec<usize>> = BTreeMap::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        let Some(e) = ev.entities.as_ref() else {
            continue;
        };
        let (Some(trace), Some(span), Some(service)) = (
            e.trace_id.as_deref(),
            e.span_id.as_deref(),
            corpus.service(ev),
        ) else {
            continue;
        };
        if ev.time.is_some() {
            out.entry((service, trace, span)).or_default().push(i);
        }
    }
    for evs in out.values_mut() {
        crate::sort::sort_by(evs, |&a, &b| {
            let (x, y) = (&corpus.events[a], &corpus.events[b]);
            (x.time, corpus.first_line(x))
                .cmp(&(y.time, corpus.first_line(y)))
                .then(a.cmp(&b))
        });
    }
    out
}

/// The code point of an event: its component (logger and line, where the format gives one) and
/// its template.
fn point(corpus: &Corpus, i: usize, template: u32) -> Point {
    let comp = corpus.events[i]
        .entities
        .as_ref()
        .and_then(|e| e.component.as_deref().map(str::to_string))
        .unwrap_or_default();
    (comp, template)
}

/// How spans ended in a healthy period; `ids` are the events' template ids.
pub(crate) fn span_ends(corpus: &Corpus, ids: &[u32]) -> SpanEnds {
    let mut out = SpanEnds::new();
    for ((service, _, _), evs) in spans(corpus) {
        let m = out.entry(service.to_string()).or_default();
        for &i in &evs {
            m.entry(point(corpus, i, ids[i])).or_default().0 += 1;
        }
        if let Some(&last) = evs.last() {
            m.entry(point(corpus, last, ids[last])).or_default().1 += 1;
        }
    }
    out
}

/// Per service: its most cut-short code point, as (spans through it, spans cut there, the last
/// events of the cut spans). A span is cut short at a point the healthy period showed at least
/// `min_seen` times and never at the end of a span: the request stopped where it never used to,
/// as when an exception escapes between two lines that always came together (in the service or
/// in one it called). Cuts spread thinly over many points are spans that merely straddle the
/// edge of the window; cuts piled on one point are not.
pub(crate) fn cut_spans<'a>(
    corpus: &'a Corpus,
    base: &SpanEnds,
    min_seen: usize,
) -> BTreeMap<&'a str, (usize, usize, Vec<usize>)> {
    // (service, point) -> (spans through it, last events of spans cut there)
    let mut at: BTreeMap<(&str, Point), (usize, Vec<usize>)> = BTreeMap::new();
    for ((service, _, _), evs) in spans(corpus) {
        let Some(&last) = evs.last() else {
            continue;
        };
        let Some(known) = base.get(service) else {
            continue;
        };
        let mut seen: Vec<Point> = evs
            .iter()
            .map(|&i| point(corpus, i, corpus.events[i].template))
            .collect();
        crate::sort::sort(&mut seen);
        seen.dedup();
        let end = point(corpus, last, corpus.events[last].template);
        for p in seen {
            if !known
                .get(&p)
                .is_some_and(|&(n, ends)| n >= min_seen && ends == 0)
            {
                continue;
            }
            let cut = p == end;
            let e = at.entry((service, p)).or_default();
            e.0 += 1;
            if cut {
                e.1.push(last);
            }
        }
    }
    let mut out: BTreeMap<&str, (usize, usize, Vec<usize>)> = BTreeMap::new();
    for ((service, _), (through, cut)) in at {
        let better = out.get(service).is_none_or(|(t, c, _)| {
            // More cuts first; then the higher share.
            (cut.len(), cut.len() * t) > (*c, *c * through)
        });
        if better {
            out.insert(service, (through, cut.len(), cut));
        }
    }
    out
}

/// The median (lower middle for an even count); 0 for an empty slice.
pub(crate) fn median(v: &mut [i64]) -> i64 {
    if v.is_empty() {
        return 0;
    }
    v.sort_unstable();
    v[(v.len() - 1) / 2]
}

#[cfg(test)]
mod tests {
    use super::*;

    use crate::ingest::{ingest, IngestOptions, InputFile};

    /// logfmt lines: (second, service, trace, span, caller, message).
    fn corpus(lines: &[(u32, &str, &str, &str, &str, &str)]) -> Corpus {
        let text: String = lines
            .iter()
            .map(|(t, s, tr, sp, c, m)| {
                format!(
                    "ts=2024-05-01T10:00:{t:02}Z level=info service={s} trace_id={tr} \
                     span_id={sp} caller={c} msg=\"{m}\"\n"
                )
            })
            .collect();
        let mut c = ingest(
            &[InputFile::new("a.log", text.into_bytes())],
            &IngestOptions::default(),
        )
        .unwrap();
        let ids: Vec<u32> = {
            let mut miner = crate::mine::Miner::new();
            c.events.iter().map(|ev| miner.add(c.message(ev))).collect()
        };
        for (ev, id) in c.events.iter_mut().zip(ids) {
            ev.template = id;
        }
        c
    }

    #[test]
    fn exit_gaps_ignore_input_order() {
        let mut lines = vec![
            (1, "web", "t1", "a", "W#1", "call"),
            (5, "db", "t1", "b", "D#1", "query"),
            (6, "web", "t1", "a", "W#2", "done"),
        ];
        let a = exit_gap_medians(&corpus(&lines));
        lines.reverse();
        let b = exit_gap_medians(&corpus(&lines));
        assert_eq!(a, b);
        assert_eq!(a["web"], (4_000_000_000, 1));
        assert_eq!(a["db"], (1_000_000_000, 1));
    }

    #[test]
    fn a_span_stopping_where_it_never_did_is_cut() {
        let names: Vec<String> = (0..6).map(|k| format!("b{k}")).collect();
        let mut base = Vec::new();
        for (k, tr) in (0u32..).zip(&names) {
            base.push((k, "svc", tr.as_str(), "s", "Impl#10", "calculate start"));
            base.push((k, "svc", tr.as_str(), "s", "Impl#20", "calculate done"));
        }
        let b = corpus(&base);
        let ids: Vec<u32> = b.events.iter().map(|e| e.template).collect();
        let ends = span_ends(&b, &ids);
        // The incident mines with the same miner in the engine; here the templates come out in
        // the same order, so ids agree.
        let inc = corpus(&[
            (1, "svc", "t1", "s", "Impl#10", "calculate start"),
            (2, "svc", "t2", "s", "Impl#10", "calculate start"),
            (3, "svc", "t2", "s", "Impl#20", "calculate done"),
        ]);
        let cut = cut_spans(&inc, &ends, 5);
        let (through, n, evs) = &cut["svc"];
        assert_eq!((*through, *n, evs.len()), (2, 1, 1));
    }

    #[test]
    fn median_is_order_free() {
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
        assert_eq!(median(&mut []), 0);
    }
}
