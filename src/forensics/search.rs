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
    let re = regex::RegexBuilder::new(pattern)
        .size_limit(MAX_REGEX_BYTES)
        .build()
        .map_err(|e| SearchError {
            pattern: pattern.to_string(),
            reason: e.to_string(),
        })?;
    let mut hits = Vec::new();
    let mut total = 0;
    for (i, ev) in corpus.events.iter().enumerate() {
        if re.is_match(corpus.full_text(ev)) {
            total += 1;
            if hits.len() < limit {
                hits.push(SearchHit {
                    event: i,
                    file: corpus.files[ev.file as usize].name.clone(),
                    line: ev.line,
                    text: corpus.first_line(ev).to_string(),
                });
            }
        }
    }
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
