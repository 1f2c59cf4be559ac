//! Faultline's engine: logs in, a grounded incident report out.
//!
//! The engine is pure Rust: no clock, no network, no browser APIs. The same code runs natively
//! (the `faultline` CLI, tests, benchmarks) and in a Web Worker inside the page.
//!
//! ```
//! use faultline::{ingest, InputFile, IngestOptions};
//!
//! let files = vec![InputFile::new("app.log", b"2024-05-01T10:00:00Z ERROR db pool exhausted\n".to_vec())];
//! let corpus = ingest(&files, &IngestOptions::default()).unwrap();
//! assert_eq!(corpus.stats().lines, 1);
//! assert_eq!(corpus.events.len(), 1);
//! ```

mod browse;
mod english;
mod forensics;
mod hash;
mod ingest;
mod mine;
mod narrative;
mod parallel;
mod progress;
mod report;
mod sort;
pub mod source;

pub use browse::{Browse, BrowseError, Filter, Located, Page, RowView};

pub use forensics::{search, RankMethod, SearchError, SearchHit, SearchResult};
/// An input read in parts by workers that share no memory, merged into one corpus.
pub mod parts {
    pub use crate::ingest::{
        decode_file, input_calendar, merge, plan, Calendar, DecodedFile, EncodedPart, Part,
        PartError,
    };
}
pub use ingest::{
    ingest, ingest_messages, ingest_owned, Corpus, Entities, Event, FileInfo, Format, IngestError,
    IngestErrorKind, IngestOptions, InputFile, InputStats, Level, Precision, Text, TimeSource,
    Unparsed, UnparsedReason,
};
pub use mine::{mine, MinedTemplate, Miner, Templates};
pub use narrative::{
    build_payload, build_request, check_answer, decode_all, endpoint_url, error_from_status,
    estimate_tokens, network_error, parse_answer, redact_texts, redact_texts_with, redacted_name,
    Answer, ChatMessage, Check, Checker, Conversation, Disagreement, Exchange, Flag, FlagKind,
    HttpRequest, KindCount, LlmSettings, LogRedactor, NarrativeError, NarrativeErrorKind, Payload,
    Provider, RedactedFile, RedactedLogs, RedactionSummary, Redactor, Restorer, Review, Role,
    SecretKind, Section, Side, StreamDecoder, StreamEvent,
};
pub use parallel::{Job, Parallel, Sequential};
pub use progress::{Progress, Stage};
pub use report::{
    analyze, analyze_for_browsing, analyze_owned, analyze_owned_with_progress, analyze_parallel,
    analyze_with_progress, browse_corpus, class_words, similarity, to_markdown, to_text,
    with_store_rows, AnalyzeOptions, Evidence, IncidentProfile, Narrative, Report, Similarity,
    TextOptions,
};

#[cfg(all(target_arch = "wasm32", feature = "page"))]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod worker;
