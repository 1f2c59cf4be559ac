//! The trivial rules every ranking must beat: "the service with the most ERROR lines" and "the
//! service of the earliest ERROR line". They use the same service identity and times as the
//! engine, so an accuracy figure printed beside them compares methods, not parsers.
//!
//! Promises: deterministic (ties broken by name), independent of input order, and only services
//! that logged an error line are ranked.

use super::graph::UNKNOWN;
use super::{Candidate, Class, Findings};
use crate::ingest::Corpus;
use std::collections::BTreeMap;

/// How the root cause is chosen: the engine's ranking, or one of the trivial rules.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RankMethod {
    /// Every forensic tool (the product).
    #[default]
    Engine,
    /// The service with the most error-level events.
    MostErrors,
    /// The service of the earliest error-level event.
    EarliestError,
}

impl RankMethod {
    /// Parses `engine`, `most-errors` or `earliest-error`.
    pub fn parse(s: &str) -> Option<RankMethod> {
        match s {
            "engine" => Some(RankMethod::Engine),
            "most-errors" => Some(RankMethod::MostErrors),
            "earliest-error" => Some(RankMethod::EarliestError),
            _ => None,
        }
    }
}

/// Per service: its error events (input order) and the earliest error time.
struct Tally {
    errors: Vec<usize>,
    first: Option<i64>,
}

/// The ranking of a trivial rule; `None` for [`RankMethod::Engine`].
pub(crate) fn rank(method: RankMethod, corpus: &Corpus, f: &Findings) -> Option<Vec<Candidate>> {
    if method == RankMethod::Engine {
        return None;
    }
    let mut tally: BTreeMap<&str, Tally> = BTreeMap::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        if !ev.level.is_some_and(|l| l.is_error()) {
            continue;
        }
        let Some(s) = corpus.service(ev).filter(|s| *s != UNKNOWN) else {
            continue;
        };
        let t = tally.entry(s).or_insert(Tally {
            errors: Vec::new(),
            first: None,
        });
        t.errors.push(i);
        if let Some(at) = f.times[i] {
            t.first = Some(t.first.map_or(at, |x| x.min(at)));
        }
    }
    let mut rows: Vec<(&str, Tally)> = tally.into_iter().collect();
    match method {
        RankMethod::MostErrors => {
            crate::sort::sort_by_key(&mut rows, |r| std::cmp::Reverse(r.1.errors.len()))
        }
        // Untimed services last; the sort is stable, so names break ties.
        _ => crate::sort::sort_by_key(&mut rows, |r| r.1.first.unwrap_or(i64::MAX)),
    }
    Some(
        rows.into_iter()
            .map(|(service, t)| candidate(service, t, f))
            .collect(),
    )
}

fn candidate(service: &str, t: Tally, f: &Findings) -> Candidate {
    let mut classes: BTreeMap<Class, usize> = BTreeMap::new();
    for s in f.signals.iter().filter(|s| s.emitter == service) {
        *classes.entry(s.class).or_default() += 1;
    }
    let class = classes
        .iter()
        .max_by_key(|(c, n)| (**n, std::cmp::Reverse(**c)))
        .map_or(Class::CodeException, |(c, _)| *c);
    let mut evidence = t.errors;
    crate::sort::sort_by_key(&mut evidence, |&i| (f.times[i].unwrap_or(i64::MAX), i));
    evidence.truncate(5);
    Candidate {
        service: service.to_string(),
        class,
        score: 0.0,
        signals: evidence.len(),
        evidence,
        reasons: vec!["trivial rule (for comparison only)".into()],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked(method: RankMethod, log: &str) -> Vec<String> {
        let (_, f) = super::super::analyzed(&[("x.log", log)], method);
        f.ranked.into_iter().map(|c| c.service).collect()
    }

    const LOG: &str = "\
time=2024-01-01T00:00:05Z level=error service=gateway msg=\"upstream failed\"
time=2024-01-01T00:00:06Z level=error service=gateway msg=\"upstream failed\"
time=2024-01-01T00:00:07Z level=error service=gateway msg=\"upstream failed\"
time=2024-01-01T00:00:01Z level=error service=ledger msg=\"disk write failed\"
time=2024-01-01T00:00:00Z level=info service=billing msg=started
";

    #[test]
    fn most_errors_ranks_by_error_count() {
        assert_eq!(ranked(RankMethod::MostErrors, LOG), ["gateway", "ledger"]);
    }

    #[test]
    fn earliest_error_ranks_by_first_error_time_not_input_order() {
        assert_eq!(
            ranked(RankMethod::EarliestError, LOG),
            ["ledger", "gateway"]
        );
    }

    #[test]
    fn engine_method_is_not_trivial() {
        assert_eq!(RankMethod::parse("engine"), Some(RankMethod::Engine));
        assert_eq!(
            RankMethod::parse("most-errors"),
            Some(RankMethod::MostErrors)
        );
        assert_eq!(RankMethod::parse("nope"), None);
    }
}
