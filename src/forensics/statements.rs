//! A database whose statements slowed down by an order of magnitude, read from its own
//! statement-duration lines.
//!
//! PostgreSQL logs `duration: 2412.771 ms  execute <unnamed>: SELECT ...` (or `statement:`)
//! for statements slower than `log_min_duration_statement`; MySQL's slow query log writes
//! `# Query_time: 3.002  Lock_time: 0.000 ...`. Both come at LOG or INFO level, so a database
//! that got slow logs no warning at all while its callers time out: its durations are the only
//! trace of it. One slow report query now and then is ordinary; the change is a series of
//! statements that take many times longer than the same server's statements did before.
//!
//! Promises: a service's statements become `slow_query` signals only when at least
//! [`MIN_RISEN`] of them took [`RISE`] times as long as its fastest statement logged before
//! them and at least [`SLOW_MS`]; then each of its statements of [`SLOW_MS`] or more is one.
//! A duration in an application's line (`request took 3 s`) or a configured limit is not a
//! statement. The result depends on times and values only, not on input order.

use super::{graph, Class, Signal};
use crate::ingest::Corpus;
use std::collections::BTreeMap;

/// A statement that ran this long (milliseconds) is slow for any transactional workload.
pub(crate) const SLOW_MS: f64 = 1000.0;
/// How many times its earlier fastest a statement must take to count as slowed.
pub(crate) const RISE: f64 = 5.0;
/// Slowed statements it takes to call the server slow (one long query is not a slowdown).
pub(crate) const MIN_RISEN: usize = 3;

/// Words after PostgreSQL's `duration: N ms` that say a statement was run.
const PG_STEPS: &[&str] = &["statement:", "execute", "parse", "bind"];
/// Bytes of a line's head searched for a duration field.
const HEAD: usize = 200;

/// The duration in milliseconds a database's statement line reports, if it is one.
pub(crate) fn statement_ms(line: &str) -> Option<f64> {
    let head = &line.as_bytes()[..line.len().min(HEAD)];
    // Read every line of the corpus: a search without a copy first, the words only on a hit.
    let cues: [&[u8]; 4] = [b"uration:", b"URATION:", b"uery_time:", b"UERY_TIME:"];
    if !cues.iter().any(|c| memchr::memmem::find(head, c).is_some()) {
        return None;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    words.iter().enumerate().find_map(|(k, w)| {
        let next = |n: usize| words.get(k + n).copied().unwrap_or("");
        if w.eq_ignore_ascii_case("duration:") {
            let ms: f64 = next(1).parse().ok()?;
            let step = next(3).to_ascii_lowercase();
            let ran = PG_STEPS.iter().any(|s| step.starts_with(s));
            (next(2) == "ms" && ran).then_some(ms)
        } else if w.eq_ignore_ascii_case("query_time:") {
            let s: f64 = next(1).parse().ok()?;
            next(2)
                .eq_ignore_ascii_case("lock_time:")
                .then_some(s * 1000.0)
        } else {
            None
        }
    })
}

/// The statements of one service, (time, ms, event), that make it slowed (see the module's
/// promise); empty when it did not slow down.
fn slowed(mut series: Vec<(i64, f64, usize)>) -> Vec<usize> {
    // By time, then value: ties at one moment order the same whatever the input order.
    series.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
    let mut fastest = f64::INFINITY;
    let mut risen = 0;
    for &(_, ms, _) in &series {
        if ms >= SLOW_MS && ms >= RISE * fastest {
            risen += 1;
        }
        fastest = fastest.min(ms);
    }
    if risen < MIN_RISEN {
        return Vec::new();
    }
    let mut slow: Vec<usize> = series
        .iter()
        .filter(|s| s.1 >= SLOW_MS)
        .map(|s| s.2)
        .collect();
    slow.sort_unstable();
    slow
}

/// `slow_query` signals of databases whose statements slowed down, for events not already in
/// `signals` (timed events only: a slowdown is a change over time).
pub(crate) fn signals(corpus: &Corpus, times: &[Option<i64>], signals: &[Signal]) -> Vec<Signal> {
    let taken: crate::hash::FxHashSet<usize> = signals.iter().map(|s| s.event).collect();
    let mut per_server: BTreeMap<&str, Vec<(i64, f64, usize)>> = BTreeMap::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        let Some(t) = times[i] else { continue };
        if let Some(ms) = statement_ms(corpus.first_line(ev)) {
            per_server
                .entry(graph::service_of(corpus, i))
                .or_default()
                .push((t, ms, i));
        }
    }
    let mut out = Vec::new();
    for (who, series) in per_server {
        for i in slowed(series) {
            if !taken.contains(&i) {
                out.push(Signal {
                    event: i,
                    class: Class::SlowQuery,
                    emitter: who.to_string(),
                    blamed: who.to_string(),
                });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_servers_own_duration_fields_are_read() {
        assert_eq!(
            statement_ms("LOG:  duration: 2412.771 ms  execute <unnamed>: SELECT 1"),
            Some(2412.771)
        );
        assert_eq!(
            statement_ms("duration: 1200 ms  statement: UPDATE t SET a = 1"),
            Some(1200.0)
        );
        assert_eq!(
            statement_ms("# Query_time: 3.5  Lock_time: 0.000120 Rows_sent: 1"),
            Some(3500.0)
        );
        // Not a statement: a checkpoint's timing, an application's request, a setting.
        assert_eq!(statement_ms("duration: 5000 ms  checkpoint complete"), None);
        assert_eq!(statement_ms("GET /api/orders 200 took 5000 ms"), None);
        assert_eq!(statement_ms("statement_timeout = 30s"), None);
    }

    fn series(ms: &[f64]) -> Vec<(i64, f64, usize)> {
        ms.iter()
            .enumerate()
            .map(|(k, &m)| (k as i64 * 10, m, k))
            .collect()
    }

    #[test]
    fn statements_that_grew_many_times_slower_are_a_slowdown() {
        // Fast statements, then the same server taking seconds.
        let s = series(&[40.0, 35.0, 2500.0, 8000.0, 15000.0, 21000.0]);
        assert_eq!(slowed(s), vec![2, 3, 4, 5]);
        // A series that starts slow and keeps climbing: its first slow one is part of it.
        let s = series(&[1500.0, 4000.0, 9000.0, 16000.0, 25000.0]);
        assert_eq!(slowed(s), vec![0, 1, 2, 3, 4]);
    }

    #[test]
    fn steady_long_queries_are_no_slowdown() {
        // An analytics query that always takes two seconds, and one outlier.
        assert!(slowed(series(&[1840.0, 2210.0, 1990.0, 2100.0])).is_empty());
        assert!(slowed(series(&[20.0, 30.0, 9000.0, 25.0])).is_empty());
    }

    #[test]
    fn input_order_does_not_change_the_slowdown() {
        let mut s = series(&[40.0, 2500.0, 8000.0, 15000.0]);
        let forward = slowed(s.clone());
        s.reverse();
        assert_eq!(slowed(s), forward);
    }
}
