//! The incident's own baseline: what the logs show as normal, learned from the logs themselves
//! when no healthy period is given.
//!
//! A (service, template) pair is *background* when it is there from the start of the service's
//! lines (a start-up banner or warning), or when it recurs across the service's whole window at
//! a steady rate (a chronic retry, a probe that always fails). The incident is what changes: a
//! template that first appears later in the service's window, or that bursts.
//!
//! Promises: depends on event times and templates only, never on input order; untimed events and
//! events with estimated times are never background (a snapshot has no "before" to compare
//! with); a service whose lines are all of one template has no background (nothing else to call
//! normal).

use crate::hash::{FxHashMap, FxHashSet};
use crate::ingest::{Corpus, Level, TimeSource};

/// A template seen this close to its service's first line is start-up output.
const STARTUP_NS: i64 = 5_000_000_000;
/// ... or among this share of the service's window, when the window is long.
const STARTUP_SHARE: f64 = 0.02;
/// Fewer events than this in a service: no background can be told apart.
const MIN_EVENTS: usize = 8;
/// A chronic template occurs at least this often and in this many of the window's quarters.
const CHRONIC_MIN: usize = 3;
const CHRONIC_QUARTERS: usize = 4;

/// One event of a service: (time, template, level).
type Seen = (i64, u32, Option<Level>);

/// (service, template) pairs that are background.
#[derive(Debug, Default)]
pub(crate) struct SelfBaseline {
    background: FxHashMap<String, FxHashSet<u32>>,
}

impl SelfBaseline {
    /// Learns the background of every service from its timed events.
    pub(crate) fn learn(corpus: &Corpus, times: &[Option<i64>]) -> SelfBaseline {
        let mut by_service: FxHashMap<&str, Vec<Seen>> = FxHashMap::default();
        for (i, ev) in corpus.events.iter().enumerate() {
            // Estimated times (a `kubectl get events` age) are too coarse to tell a start-up or
            // a steady rate from a burst.
            if ev.time_source != TimeSource::Parsed {
                continue;
            }
            if let (Some(s), Some(t)) = (corpus.service(ev), times[i]) {
                by_service
                    .entry(s)
                    .or_default()
                    .push((t, ev.template, ev.level));
            }
        }
        let mut background = FxHashMap::default();
        for (service, mut evs) in by_service {
            evs.sort_unstable_by_key(|e| (e.0, e.1));
            let templates: FxHashSet<u32> = background_of(&evs).into_iter().collect();
            if !templates.is_empty() {
                background.insert(service.to_string(), templates);
            }
        }
        SelfBaseline { background }
    }

    /// True when event `i` belongs to its service's background.
    pub(crate) fn is_background(&self, corpus: &Corpus, i: usize) -> bool {
        let ev = &corpus.events[i];
        corpus
            .service(ev)
            .and_then(|s| self.background.get(s))
            .is_some_and(|set| set.contains(&ev.template))
    }
}

/// The background templates of one service's events, sorted by time.
fn background_of(evs: &[Seen]) -> Vec<u32> {
    let (Some(first), Some(last)) = (evs.first(), evs.last()) else {
        return Vec::new();
    };
    let (start, end) = (first.0, last.0);
    let span = end - start;
    let mut seen: FxHashMap<u32, (Vec<i64>, Option<Level>)> = FxHashMap::default();
    for &(t, template, level) in evs {
        let e = seen.entry(template).or_default();
        e.0.push(t);
        e.1 = e.1.max(level);
    }
    if seen.len() < 2 {
        return Vec::new();
    }
    let startup = STARTUP_NS.max((span as f64 * STARTUP_SHARE) as i64);
    // Start-up output and steady rates only mean something over a window long after start-up: a
    // burst of a few seconds (a kernel OOM report, a paste that begins with the failure) has
    // neither.
    // A handful of lines has no start-up to speak of either: two lines a minute apart are an
    // event and its sequel, not a banner and a service.
    let long_lived = span > 10 * startup && evs.len() >= MIN_EVENTS;
    let mut out: Vec<u32> = seen
        .iter()
        .filter(|(_, (ts, worst))| {
            let quiet = worst.is_none_or(|l| l < Level::Error);
            long_lived && (quiet && is_startup(ts, start, startup) || is_chronic(ts, start, span))
        })
        .map(|(&t, _)| t)
        .collect();
    out.sort_unstable();
    out
}

/// Seen only right after the service's first line: start-up output. A template that comes
/// back later (a kernel OOM report repeated, an error that opened the paste and goes on) is not
/// what starting looks like.
fn is_startup(ts: &[i64], start: i64, window: i64) -> bool {
    ts[ts.len() - 1] - start <= window
}

/// Present in every quarter of a long window, at least `CHRONIC_MIN` times.
fn is_chronic(ts: &[i64], start: i64, span: i64) -> bool {
    if ts.len() < CHRONIC_MIN || span <= 0 {
        return false;
    }
    let mut quarters = [false; CHRONIC_QUARTERS];
    for &t in ts {
        let q = ((t - start) as f64 / span as f64 * CHRONIC_QUARTERS as f64) as usize;
        quarters[q.min(CHRONIC_QUARTERS - 1)] = true;
    }
    quarters.iter().all(|&q| q)
}

#[cfg(test)]
mod tests {
    use super::*;

    const S: i64 = 1_000_000_000;

    #[test]
    fn a_warning_at_start_up_is_background_a_later_error_is_not() {
        // A deprecation notice in the first second, normal traffic, then a new error template.
        let evs = [
            (0, 1, Some(Level::Info)),
            (S, 2, Some(Level::Warn)),
            (60 * S, 3, Some(Level::Info)),
            (120 * S, 3, Some(Level::Info)),
            (180 * S, 3, Some(Level::Info)),
            (240 * S, 3, Some(Level::Info)),
            (300 * S, 4, Some(Level::Error)),
            (301 * S, 4, Some(Level::Error)),
        ];
        let bg = background_of(&evs);
        assert!(bg.contains(&2) && bg.contains(&1), "{bg:?}");
        assert!(!bg.contains(&4), "{bg:?}");
    }

    #[test]
    fn a_retry_all_along_is_chronic_a_burst_at_the_end_is_not() {
        let mut evs: Vec<Seen> = (0..20)
            .map(|k| (k * 30 * S + 10 * S, 7, Some(Level::Warn)))
            .collect();
        evs.insert(0, (0, 1, Some(Level::Info)));
        evs.extend((0..5).map(|k| (590 * S + k * S, 8, Some(Level::Error))));
        evs.sort_by_key(|e| e.0);
        let bg = background_of(&evs);
        assert!(bg.contains(&7), "{bg:?}");
        assert!(!bg.contains(&8), "{bg:?}");
    }

    #[test]
    fn a_report_that_opens_the_log_and_comes_back_is_not_start_up() {
        // A kernel OOM report at the first line, repeated a minute and three minutes later.
        let mut evs: Vec<Seen> = Vec::new();
        for at in [0, 60, 180] {
            evs.push((at * S, 1, None));
            evs.push((at * S, 2, None));
        }
        assert!(background_of(&evs).is_empty(), "{:?}", background_of(&evs));
    }

    #[test]
    fn a_few_lines_have_no_start_up() {
        // A clock step and its follow-up a minute and a half later.
        let evs = [(0, 1, None), (95 * S, 2, None)];
        assert!(background_of(&evs).is_empty());
    }

    #[test]
    fn a_service_with_one_template_has_no_background() {
        let evs = [(0, 5, Some(Level::Error)), (S, 5, Some(Level::Error))];
        assert!(background_of(&evs).is_empty());
    }

    #[test]
    fn a_short_burst_has_no_background() {
        // A kernel report: many lines within two seconds, one template spread over all of them.
        let evs: Vec<Seen> = (0..12)
            .map(|k| (k * S / 6, if k % 3 == 0 { 1 } else { 2 }, None))
            .collect();
        assert!(background_of(&evs).is_empty());
    }
}
