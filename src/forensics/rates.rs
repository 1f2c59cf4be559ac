//! Error rates per service: counted from the corpus, or taken from true counts when the input
//! is a sample (a log store counted every line of the window; the engine saw all the loud lines
//! but only some of the others, so a rate counted from the sample would be inflated).

use super::UNKNOWN_SERVICE;
use crate::hash::FxHashMap;
use crate::ingest::{Corpus, Level};
use std::collections::BTreeMap;

/// Per service: (events, error events) of the incident. A service in `given` takes the given
/// counts; the others (named differently in the store, or not in it) are counted from the corpus.
pub(crate) fn incident_counts<'a>(
    corpus: &'a Corpus,
    given: Option<&BTreeMap<String, (u64, u64)>>,
) -> FxHashMap<&'a str, (u64, u64)> {
    let mut counts: FxHashMap<&str, (u64, u64)> = FxHashMap::default();
    for ev in &corpus.events {
        let c = counts
            .entry(corpus.service(ev).unwrap_or(UNKNOWN_SERVICE))
            .or_default();
        c.0 += 1;
        if ev.level.is_some_and(|l| l >= Level::Error) {
            c.1 += 1;
        }
    }
    if let Some(given) = given {
        for (service, c) in counts.iter_mut() {
            if let Some(&true_counts) = given.get(*service).filter(|t| t.0 > 0) {
                *c = true_counts;
            }
        }
    }
    counts
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{ingest, IngestOptions, InputFile};

    fn corpus() -> Corpus {
        let log = "time=2024-05-01T10:00:00Z level=error service=api msg=\"db down\"\n\
                   time=2024-05-01T10:00:01Z level=error service=api msg=\"db down\"\n\
                   time=2024-05-01T10:00:02Z level=info service=api msg=ok\n\
                   time=2024-05-01T10:00:03Z level=info service=web msg=ok\n";
        ingest(
            &[InputFile::new("a.log", log.into())],
            &IngestOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn counted_from_the_corpus_without_true_counts() {
        let c = corpus();
        let counts = incident_counts(&c, None);
        assert_eq!(counts["api"], (3, 2));
        assert_eq!(counts["web"], (1, 0));
    }

    #[test]
    fn true_counts_replace_the_sample_for_the_services_they_name() {
        let c = corpus();
        let given: BTreeMap<String, (u64, u64)> =
            [("api".to_string(), (1000, 2)), ("db".to_string(), (5, 5))].into();
        let counts = incident_counts(&c, Some(&given));
        assert_eq!(
            counts["api"],
            (1000, 2),
            "the store's count, not the sample's"
        );
        assert_eq!(counts["web"], (1, 0), "not in the store's counts: counted");
        assert!(!counts.contains_key("db"), "only services the corpus has");
    }
}
