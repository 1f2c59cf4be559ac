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
        evs.sort_by(|&a, &b| key(a).cmp(&key(b)).then(a.cmp(&b)));
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
    exit_gaps(corpus)
        .into_iter()
        .map(|(s, g)| {
            let mut v: Vec<i64> = g.iter().map(|&(d, _)| d).collect();
            (s.to_string(), (median(&mut v), v.len()))
        })
        .collect()
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

    #[test]
    fn median_is_order_free() {
        assert_eq!(median(&mut [5, 1, 3]), 3);
        assert_eq!(median(&mut [4, 1, 3, 2]), 2);
        assert_eq!(median(&mut []), 0);
    }
}
