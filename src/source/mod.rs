//! Log stores as inputs: a query plan per store, and the store's answers turned into the
//! engine's inputs (files of rows, a baseline, true per-service counts).
//!
//! Promises:
//! - pure: this module builds SQL text and reads answer text; the CLI and the page send the
//!   queries (no network, no clock here);
//! - the store does the heavy work: it counts every line of the window and of the baseline per
//!   service and minute, and returns only the WARN-and-above lines (up to a cap; more is an
//!   error, never a silent cut), a bounded sample of the other lines per service and minute,
//!   and a bounded sample of the baseline;
//! - every row that reaches the report is named `table:service@time` (with `#n` when rows share
//!   both), so each claim points at a row the user can query;
//! - the same rows give the same inputs, byte for byte.
//!
//! The flow, for any store (see [`LogSource`]): run [`LogSource::discovery`], hand its answer to
//! [`LogSource::plan`]; run [`Plan::counts_query`] and read it with [`Plan::read_counts`] (an
//! empty window or a cap reached stops here, before any row is fetched); run
//! [`Plan::row_queries`] and hand their answers to [`Plan::assemble`]; analyze
//! [`Fetched::files`] with [`Fetched::options`]; finally [`Fetched::name_rows`] renames the
//! report's evidence from the synthetic files to row keys.

mod answer;
mod clickhouse;
mod error;
mod rows;
mod schema;
mod url;
mod window;

pub use answer::{clickhouse_answer, clickhouse_error};
pub use clickhouse::ClickHouse;
pub use error::{SourceError, SourceErrorKind};
pub use rows::{Fetched, StoreInput};
pub use schema::{Columns, Role};
pub use url::SourceUrl;
pub use window::{parse_duration, parse_instant, Window};

/// What a store answers per service and minute: true counts, the store's own.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    /// Per service: (lines, error lines, WARN-and-above or unlevelled lines) in the window.
    pub window: std::collections::BTreeMap<String, (u64, u64, u64)>,
    /// Per service: (lines, error lines, WARN-and-above or unlevelled lines) in the baseline.
    pub baseline: std::collections::BTreeMap<String, (u64, u64, u64)>,
    /// (service, minute start in Unix seconds, lines, error lines) of the window, in order.
    pub minutes: Vec<(String, i64, u64, u64)>,
}

impl Counts {
    /// Lines in the window.
    pub fn window_lines(&self) -> u64 {
        self.window.values().map(|c| c.0).sum()
    }
    /// Lines the loud-rows query returns (WARN and above, or with no level).
    pub fn window_loud(&self) -> u64 {
        self.window.values().map(|c| c.2).sum()
    }
    /// Lines in the baseline window.
    pub fn baseline_lines(&self) -> u64 {
        self.baseline.values().map(|c| c.0).sum()
    }
}

/// What each query is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QueryKind {
    /// The table's columns (`DESCRIBE TABLE`).
    Describe,
    /// Per service and minute: lines, error lines and loud lines, window and baseline.
    Counts,
    /// Every WARN-and-above (or unlevelled) line of the window, up to the cap.
    Loud,
    /// A bounded sample of the window's other lines per service and minute.
    Sample,
    /// A bounded sample of the baseline window per service, minute and loudness.
    Baseline,
}

impl QueryKind {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryKind::Describe => "describe",
            QueryKind::Counts => "counts",
            QueryKind::Loud => "loud lines",
            QueryKind::Sample => "sample",
            QueryKind::Baseline => "baseline sample",
        }
    }
}

/// One query to send: `POST` [`Query::url`] with [`Query::sql`] as a `text/plain` body (a simple
/// request, so a browser sends it without a CORS preflight).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Query {
    pub kind: QueryKind,
    pub sql: String,
}

/// How much the store may return; the defaults keep an answer to a few tens of MB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    /// WARN-and-above lines of the window; more is an error ([`SourceErrorKind::CapReached`]).
    pub loud: u64,
    /// Other lines of the window kept per service and minute.
    pub sample_per_minute: u64,
    /// Baseline lines kept per service, minute and loudness.
    pub baseline_per_minute: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            loud: 50_000,
            sample_per_minute: 50,
            baseline_per_minute: 20,
        }
    }
}

/// A store the engine can read from. The store-specific part is the SQL (or query language)
/// and the answer format; everything after [`Plan::assemble`] is shared.
pub trait LogSource {
    /// The first query: the table's description.
    fn discovery(&self) -> Query;
    /// The plan for `window`, from the discovery query's answer.
    fn plan(&self, describe_answer: &str, window: &Window, caps: Caps)
        -> Result<Plan, SourceError>;
}

pub use clickhouse::Plan;
