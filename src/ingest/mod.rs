//! Ingest: bytes in, typed events out.
//!
//! Promises:
//! - every input line is accounted for exactly once: inside one event (its first line or a
//!   continuation) or in [`Corpus::unparsed`]; [`Corpus::stats`] adds up to the input's line count;
//! - a bad line never stops the stream: each line yields a result, never a panic;
//! - the same bytes give the same corpus (no clock, no randomness).
//!
//! Stages, each its own module: `bytes` (gzip, BOM, UTF-8 repair) -> `frame` (physical lines,
//! binary detection) -> `chunk` (multi-line documents) -> `detect` (cheap format sniffing, with an
//! override) -> `decode` (one decoder per format family) -> `multiline` (stack traces and other
//! continuations) -> `entities` (service, host, ids, ...).

mod bytes;
mod decode;
pub(crate) mod entities;
mod event;
mod frame;
mod instant;
mod level;
mod multiline;
mod part;
mod pipeline;
mod time;

pub use event::{
    Corpus, Entities, Event, FileInfo, Format, InputStats, Level, Precision, Text, TimeSource,
    Unparsed, UnparsedReason,
};

pub(crate) use event::is_command;
pub(crate) use instant::{format_day, format_ns};
pub use part::{
    decode_file, input_calendar, merge, plan, DecodedFile, EncodedPart, Part, PartError,
};
pub use pipeline::Calendar;
pub(crate) use time::kubectl_age;

use std::fmt;

/// One file (or pasted text) handed to the engine. `bytes` may be gzip-compressed.
#[derive(Debug, Clone)]
pub struct InputFile {
    pub name: String,
    pub bytes: Vec<u8>,
}

impl InputFile {
    pub fn new(name: impl Into<String>, bytes: Vec<u8>) -> Self {
        InputFile {
            name: name.into(),
            bytes,
        }
    }
}

/// Knobs for ingest. The defaults are the one configuration used for every input.
#[derive(Debug, Clone, Default)]
pub struct IngestOptions {
    /// Force a format for every line instead of sniffing it.
    pub format: Option<Format>,
    /// Year for timestamps that carry none (syslog RFC 3164), used only when no other line of
    /// the input names a year. The caller decides "now"; the engine never reads a clock.
    pub reference_year: Option<i32>,
}

/// Why ingest could not produce a corpus at all. Individual bad lines are never errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IngestError {
    kind: IngestErrorKind,
    detail: String,
}

/// The kind of an [`IngestError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum IngestErrorKind {
    /// No bytes at all, or only whitespace.
    EmptyInput,
    /// A gzip stream that could not be inflated.
    BadGzip,
    /// A single file larger than the engine can index (4 GiB).
    TooLarge,
}

impl IngestError {
    pub(crate) fn new(kind: IngestErrorKind, detail: impl Into<String>) -> Self {
        IngestError {
            kind,
            detail: detail.into(),
        }
    }
    pub fn kind(&self) -> IngestErrorKind {
        self.kind
    }
}

impl fmt::Display for IngestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            IngestErrorKind::EmptyInput => write!(f, "no log lines to analyze: {}", self.detail),
            IngestErrorKind::BadGzip => write!(f, "could not inflate gzip data: {}", self.detail),
            IngestErrorKind::TooLarge => write!(f, "input too large: {}", self.detail),
        }
    }
}

impl std::error::Error for IngestError {}

/// Turns files into a [`Corpus`]: framed, decoded, timestamped events in input order.
pub fn ingest(files: &[InputFile], opts: &IngestOptions) -> Result<Corpus, IngestError> {
    pipeline::run(files, opts, &mut crate::progress::ignore)
}

/// The text of one input as ingest reads it (gzip inflated, BOM dropped, UTF-16 transcoded,
/// invalid UTF-8 replaced by U+FFFD), for tools that rewrite inputs line by line.
pub(crate) fn decode_text(name: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
    Ok(bytes::decode_owned(name, bytes)?.text)
}

/// Byte ranges of the physical lines of a decoded file text, terminators excluded: the same
/// framing ingest numbers lines by.
pub(crate) fn line_spans(text: &str) -> Vec<(usize, usize)> {
    frame::lines(text)
}

/// [`ingest`] reporting progress (see [`crate::Progress`]).
pub(crate) fn ingest_with(
    files: &[InputFile],
    opts: &IngestOptions,
    progress: &mut dyn FnMut(crate::Progress),
) -> Result<Corpus, IngestError> {
    pipeline::run(files, opts, progress)
}

/// [`ingest_owned`] reporting progress (see [`crate::Progress`]).
pub(crate) fn ingest_owned_with(
    files: Vec<InputFile>,
    opts: &IngestOptions,
    progress: &mut dyn FnMut(crate::Progress),
) -> Result<Corpus, IngestError> {
    pipeline::run_owned(files, opts, progress)
}

/// [`ingest`] taking ownership of the files: their bytes become the corpus' texts without a
/// copy when they are UTF-8, so a large input is held once, not twice.
pub fn ingest_owned(files: Vec<InputFile>, opts: &IngestOptions) -> Result<Corpus, IngestError> {
    pipeline::run_owned(files, opts, &mut crate::progress::ignore)
}

/// [`ingest_owned`] without the entity pass, for tools that need the messages only (template
/// mining): the events, their lines, times, levels, formats and messages are those of
/// [`ingest_owned`], but no event has entities and services are only those the lines name
/// themselves (none inferred from a pod, container, file or component name).
pub fn ingest_messages(files: Vec<InputFile>, opts: &IngestOptions) -> Result<Corpus, IngestError> {
    pipeline::run_owned_pass(
        files,
        opts,
        pipeline::Pass::Messages,
        &mut crate::progress::ignore,
    )
}

/// [`ingest_owned`] with each file read as an independent part by `par` (possibly at once) and
/// the parts appended in input order: the same corpus as [`ingest_owned`], whatever `par` did.
pub(crate) fn ingest_parallel(
    files: Vec<InputFile>,
    opts: &IngestOptions,
    par: &dyn crate::Parallel,
    progress: &mut (dyn FnMut(crate::Progress) + Send),
) -> Result<Corpus, IngestError> {
    pipeline::run_parts(files, opts, par, progress)
}
