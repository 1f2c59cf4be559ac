//! Search: a bounded regex search over events, the tool an investigator reaches for first.
//!
//! Promises: a bad pattern is a typed error with the regex crate's explanation, never a panic;
//! the compiled pattern and the number of hits are bounded, and the reported total is the true
//! count of matching events even when only the first `limit` are returned.

use crate::ingest::Corpus;
use std::fmt;

/// Compiled-size bound: a pathological pattern is refused instead of eating memory.
const MAX_REGEX_BYTES: usize = 1 << 20;

/// Why a search could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchError {
    pattern: String,
    reason: String,
}

impl fmt::Display for SearchError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "invalid search pattern {:?}: {}",
            self.pattern, self.reason
        )
    }
}

impl std::error::Error for SearchError {}

/// One matching event.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchHit {
    /// Index of the event in the corpus.
    pub event: usize,
    pub file: String,
    pub line: u32,
    pub text: String,
}

/// The first `limit` hits in input order and the true number of matching events.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SearchResult {
    pub pattern: String,
    pub total: usize,
    pub hits: Vec<SearchHit>,
}

/// Searches every event's full text (first line and continuations) for `pattern`.
///
/// ```
/// use faultline::{ingest, search, IngestOptions, InputFile};
/// let files = vec![InputFile::new("a.log", b"ERROR pool exhausted\nINFO ok\nERROR pool exhausted again\n".to_vec())];
/// let corpus = ingest(&files, &IngestOptions::default()).unwrap();
/// let r = search(&corpus, "pool exhausted", 1).unwrap();
/// assert_eq!((r.total, r.hits.len()), (2, 1));
/// assert!(search(&corpus, "pool(", 10).is_err());
/// ```
pub fn search(corpus: &Corpus, pattern: &str, limit: usize) -> Result<SearchResult, SearchError> {
    search_in(corpus, pattern, limit, &crate::Sequential)
}

/// Events one search job reads.
const SEARCH_RUN: usize = 1 << 16;

/// [`search`] with the events read in fixed runs by `par` (possibly at once): each run counts
/// its matches and keeps its first `limit`; the runs are merged in input order, so the hits
/// and the total are those of one pass.
pub(crate) fn search_in(
    corpus: &Corpus,
    pattern: &str,
    limit: usize,
    par: &dyn crate::Parallel,
) -> Result<SearchResult, SearchError> {
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(MAX_REGEX_BYTES)
        .build()
        .map_err(|e| SearchError {
            pattern: pattern.to_string(),
            reason: e.to_string(),
        })?;
    let n = corpus.events.len();
    let runs: Vec<std::ops::Range<usize>> = (0..n)
        .step_by(SEARCH_RUN)
        .map(|a| a..n.min(a + SEARCH_RUN))
        .collect();
    let found = crate::parallel::map(
        par,
        runs,
        |r| r.len() as u64,
        |r| {
            let mut first = Vec::new();
            let mut total = 0;
            for i in r {
                if re.is_match(corpus.full_text(&corpus.events[i])) {
                    total += 1;
                    if first.len() < limit {
                        first.push(i);
                    }
                }
            }
            (total, first)
        },
    );
    let total = found.iter().map(|(t, _)| t).sum();
    let hits = found
        .into_iter()
        .flat_map(|(_, first)| first)
        .take(limit)
        .map(|i| {
            let ev = &corpus.events[i];
            SearchHit {
                event: i,
                file: corpus.files[ev.file as usize].name.clone(),
                line: ev.line,
                text: corpus.first_line(ev).to_string(),
            }
        })
        .collect();
    Ok(SearchResult {
        pattern: pattern.to_string(),
        total,
        hits,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{ingest, IngestOptions, InputFile};

    fn corpus(text: &str) -> Corpus {
        ingest(
            &[InputFile::new("x.log", text.as_bytes().to_vec())],
            &IngestOptions::default(),
        )
        .unwrap()
    }

    #[test]
    fn counts_are_true_counts_when_capped() {
        let c = corpus("a timeout\nb timeout\nc ok\nd timeout\n");
        let r = search(&c, "time(out)?", 2).unwrap();
        assert_eq!(r.total, 3);
        assert_eq!(r.hits.iter().map(|h| h.line).collect::<Vec<_>>(), [1, 2]);
    }

    #[test]
    fn runs_read_in_any_order_give_the_hits_and_total_of_one_pass() {
        // More events than one run holds, matches in the first and the last runs.
        let mut text = String::new();
        for i in 0..(SEARCH_RUN * 2 + 10) {
            let word = if i % 50_000 == 7 { "timeout" } else { "ok" };
            text.push_str(&format!("line {i} {word}\n"));
        }
        let c = corpus(&text);
        let one = search(&c, "timeout", 2).unwrap();
        let any = search_in(&c, "timeout", 2, &crate::parallel::tests::Backwards).unwrap();
        assert_eq!(one, any);
        assert_eq!(one.total, 3);
        assert_eq!(
            one.hits.iter().map(|h| h.line).collect::<Vec<_>>(),
            [8, 50_008]
        );
    }

    #[test]
    fn bad_pattern_is_an_error_that_names_it() {
        let err = search(&corpus("x\n"), "[unclosed", 5).unwrap_err();
        assert!(err.to_string().contains("[unclosed"));
    }

    #[test]
    fn continuation_lines_are_searched() {
        let c = corpus("2024-01-01T00:00:00Z ERROR boom\n\tat com.x.Y.z(Y.java:1)\n");
        assert_eq!(search(&c, r"Y\.java", 5).unwrap().total, 1);
    }
}
