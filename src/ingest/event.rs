//! The typed output of ingest: events, files, unparsed lines and the counts that tie them.
//!
//! Events keep byte offsets into their file's decoded text instead of copies, so a corpus costs
//! about the size of its input plus a small fixed record per event.

use crate::hash::FxHashMap;
use serde::Serialize;
use std::sync::Arc;

/// Index of an interned string in [`Corpus::symbols`].
pub type Sym = u32;

/// Normalised severity, ordered from least to most severe.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    Trace,
    Debug,
    Info,
    Notice,
    Warn,
    Error,
    Critical,
    Fatal,
}

impl Level {
    pub const ALL: [Level; 8] = [
        Level::Trace,
        Level::Debug,
        Level::Info,
        Level::Notice,
        Level::Warn,
        Level::Error,
        Level::Critical,
        Level::Fatal,
    ];
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warn => "warn",
            Level::Error => "error",
            Level::Critical => "critical",
            Level::Fatal => "fatal",
        }
    }
    /// Error or worse.
    pub fn is_error(self) -> bool {
        self >= Level::Error
    }
}

/// The format family a line was decoded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    JsonLines,
    Logfmt,
    Syslog3164,
    Syslog5424,
    AccessLog,
    KubectlPrefix,
    Cri,
    DockerJson,
    Journald,
    Otlp,
    CloudWatch,
    GcpLogEntry,
    Csv,
    KubectlPods,
    KubectlEvents,
    KubectlDescribe,
    /// The kernel ring buffer as `dmesg` prints it (seconds since boot).
    Kernel,
    /// `timestamp level component message` and its many relatives (log4j, Loghub systems, ...).
    Classic,
    /// No known format: a header layout learned from the file's own lines (`decode::learn`).
    Learned,
    /// Text with no recognised header; the whole line is the message.
    Plain,
}

impl Format {
    /// Every format, in a fixed order.
    pub(crate) const ALL: [Format; 20] = [
        Format::JsonLines,
        Format::Logfmt,
        Format::Syslog3164,
        Format::Syslog5424,
        Format::AccessLog,
        Format::KubectlPrefix,
        Format::Cri,
        Format::DockerJson,
        Format::Journald,
        Format::Otlp,
        Format::CloudWatch,
        Format::GcpLogEntry,
        Format::Csv,
        Format::KubectlPods,
        Format::KubectlEvents,
        Format::KubectlDescribe,
        Format::Kernel,
        Format::Classic,
        Format::Learned,
        Format::Plain,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Format::JsonLines => "json_lines",
            Format::Logfmt => "logfmt",
            Format::Syslog3164 => "syslog3164",
            Format::Syslog5424 => "syslog5424",
            Format::AccessLog => "access_log",
            Format::KubectlPrefix => "kubectl_prefix",
            Format::Cri => "cri",
            Format::DockerJson => "docker_json",
            Format::Journald => "journald",
            Format::Otlp => "otlp",
            Format::CloudWatch => "cloud_watch",
            Format::GcpLogEntry => "gcp_log_entry",
            Format::Csv => "csv",
            Format::KubectlPods => "kubectl_pods",
            Format::KubectlEvents => "kubectl_events",
            Format::KubectlDescribe => "kubectl_describe",
            Format::Kernel => "kernel",
            Format::Classic => "classic",
            Format::Learned => "learned",
            Format::Plain => "plain",
        }
    }

    /// Parses a format name as accepted by the CLI's `--format` override.
    pub fn from_name(name: &str) -> Option<Format> {
        Self::ALL.into_iter().find(|f| f.as_str() == name)
    }
}

/// How finely a timestamp was written. A line saying `10:00:01` is not known to the millisecond.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Precision {
    Day,
    Minute,
    #[default]
    Second,
    Milli,
    Micro,
    Nano,
}

/// Where an event's time came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum TimeSource {
    /// Read from the event itself.
    Parsed,
    /// Borrowed from the nearest earlier timestamped event of the same file (the event had none).
    Inherited,
    /// No time known.
    #[default]
    Missing,
}

/// Message text: a byte range in the file's text when the message is a verbatim slice, or an
/// owned string when it had to be decoded (JSON escapes, CSV quoting, ANSI stripping).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Text {
    Span(u32, u32),
    Owned(Box<str>),
}

/// Everything ingest could say about who and what an event concerns. Absent fields stay `None`.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Entities {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub host: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub container: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub namespace: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub component: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub span_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_span_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_method: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_path: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub http_status: Option<u16>,
    /// Durations found in the event, in milliseconds.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub durations_ms: Vec<f64>,
    /// Other services or hosts the message names (`upstream payments`, `db-primary.internal`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mentions: Vec<String>,
    /// Kubernetes object and reason for rows of `kubectl get events/pods/describe`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_object: Option<Box<str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub k8s_reason: Option<Box<str>>,
}

impl Entities {
    pub fn is_empty(&self) -> bool {
        *self == Entities::default()
    }

    /// The optional text fields, in a fixed order (the part encoding's presence bits follow
    /// it). The other fields are `http_status`, `durations_ms` and `mentions`.
    pub(crate) fn texts(&self) -> [&Option<Box<str>>; 14] {
        // Destructured so a field added to `Entities` cannot be forgotten here.
        let Entities {
            host,
            pod,
            container,
            namespace,
            component,
            trace_id,
            span_id,
            parent_span_id,
            request_id,
            user_id,
            http_method,
            http_path,
            http_status: _,
            durations_ms: _,
            mentions: _,
            k8s_object,
            k8s_reason,
        } = self;
        [
            host,
            pod,
            container,
            namespace,
            component,
            trace_id,
            span_id,
            parent_span_id,
            request_id,
            user_id,
            http_method,
            http_path,
            k8s_object,
            k8s_reason,
        ]
    }

    /// [`Entities::texts`], writable.
    pub(crate) fn texts_mut(&mut self) -> [&mut Option<Box<str>>; 14] {
        [
            &mut self.host,
            &mut self.pod,
            &mut self.container,
            &mut self.namespace,
            &mut self.component,
            &mut self.trace_id,
            &mut self.span_id,
            &mut self.parent_span_id,
            &mut self.request_id,
            &mut self.user_id,
            &mut self.http_method,
            &mut self.http_path,
            &mut self.k8s_object,
            &mut self.k8s_reason,
        ]
    }
}

/// One log event: a line, or a line with its continuations (stack frames, a pretty-printed
/// JSON document), or one record of a multi-record document.
#[derive(Debug, Clone)]
pub struct Event {
    /// Index into [`Corpus::files`].
    pub file: u32,
    /// 1-based number of the event's first line in its file.
    pub line: u32,
    /// Physical lines this event accounts for. Zero for the second and later records decoded from
    /// one document (their lines are counted by the first record).
    pub lines: u32,
    /// Byte range of the first line in the file text, verbatim, without its line terminator.
    pub first: (u32, u32),
    /// Byte offset in the file text where the event ends (continuations included).
    pub end: u32,
    /// UTC nanoseconds since the Unix epoch.
    pub time: Option<i64>,
    pub precision: Precision,
    pub time_source: TimeSource,
    pub level: Option<Level>,
    pub format: Format,
    pub service: Option<Sym>,
    pub message: Text,
    /// Template id from mining; `u32::MAX` until [`crate::mine`] runs.
    pub template: u32,
    /// Shared between the events of a file whose entities are equal (a component or a request
    /// path repeated on many lines is stored once per file, not once per event).
    pub entities: Option<Arc<Entities>>,
}

/// True for a shell command pasted above its output (`$ ` then the command, no log header): the
/// engineer's query, which reports nothing about the services it names.
pub(crate) fn is_command(format: Format, message: &str) -> bool {
    format == Format::Plain && message.starts_with("$ ")
}

/// Why a line is not part of any event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnparsedReason {
    /// Control bytes or NULs: not text.
    Binary,
    /// Blank line with no event before it to belong to.
    Blank,
    /// Longer than the engine indexes as one line; counted, not decoded.
    TooLong,
}

/// A line that is counted but not part of an event.
#[derive(Debug, Clone, Serialize)]
pub struct Unparsed {
    pub file: u32,
    pub line: u32,
    pub reason: UnparsedReason,
}

/// One input file after decoding.
#[derive(Debug, Clone)]
pub struct FileInfo {
    pub name: String,
    /// The decoded text (gzip inflated, BOM removed, invalid UTF-8 replaced with U+FFFD).
    pub text: String,
    pub lines: u32,
    pub bytes_in: u64,
    pub gzip: bool,
    /// Byte sequences that were not valid UTF-8 and were replaced.
    pub invalid_utf8: u32,
    /// The format sniffed for the file as a whole (lines may still fall back to others).
    pub format: Format,
    /// Year-less times (syslog, klog, `[MM.DD HH:MM:SS]`) were read in this year: taken from
    /// the input's other times, else the caller's reference year, else 1970.
    pub assumed_year: Option<i32>,
    /// Times of day with no date before them were read on this day (days since 1970-01-01):
    /// the input's first written date, else 1 January of the input's year.
    pub assumed_day: Option<i64>,
    /// Times were seconds since boot (`dmesg`), counted from midnight of the input's first
    /// written date (else 1 January of its year): only their order and gaps are real.
    pub since_boot: bool,
}

/// Counts over a whole corpus. `lines == event lines + unparsed_lines`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct InputStats {
    pub files: usize,
    pub bytes: u64,
    pub lines: u64,
    pub events: u64,
    pub unparsed_lines: u64,
    pub timestamped_events: u64,
    pub invalid_utf8: u64,
}

/// The whole ingested input.
#[derive(Debug, Clone, Default)]
pub struct Corpus {
    pub files: Vec<FileInfo>,
    pub events: Vec<Event>,
    pub unparsed: Vec<Unparsed>,
    symbols: Vec<Box<str>>,
    symbol_index: FxHashMap<Box<str>, Sym>,
}

impl Corpus {
    /// Interns a string (service names and the like) and returns its id.
    pub(crate) fn intern(&mut self, s: &str) -> Sym {
        if let Some(&id) = self.symbol_index.get(s) {
            return id;
        }
        let id = self.symbols.len() as Sym;
        self.symbols.push(s.into());
        self.symbol_index.insert(s.into(), id);
        id
    }

    /// Appends a corpus read on its own (whole files whose events and unparsed lines already
    /// carry their file's index in the whole input). Its services are interned here in their
    /// own first-appearance order, so appending parts file by file gives the same ids as
    /// reading the files one after another into one corpus.
    pub(crate) fn append(&mut self, part: Corpus) {
        debug_assert!(part
            .events
            .first()
            .is_none_or(|e| e.file as usize == self.files.len()));
        if self.files.is_empty() {
            *self = part;
            return;
        }
        // Exactly what this part needs: parts appended one by one leave no doubling slack
        // (a large block grows in place or is remapped, not copied).
        self.events.reserve_exact(part.events.len());
        let map: Vec<Sym> = part.symbols.iter().map(|s| self.intern(s)).collect();
        let same = map.iter().enumerate().all(|(i, &s)| i as Sym == s);
        self.events.extend(part.events.into_iter().map(|mut ev| {
            if !same {
                ev.service = ev.service.map(|s| map[s as usize]);
            }
            ev
        }));
        self.unparsed.extend(part.unparsed);
        self.files.extend(part.files);
    }

    /// Every interned string, by id.
    pub(crate) fn symbols(&self) -> &[Box<str>] {
        &self.symbols
    }

    /// The string behind an interned id.
    pub fn symbol(&self, id: Sym) -> &str {
        &self.symbols[id as usize]
    }

    /// The event's service name, if one is known.
    pub fn service(&self, ev: &Event) -> Option<&str> {
        ev.service.map(|s| self.symbol(s))
    }

    /// The event's message (the part after the header), used for mining and display.
    pub fn message<'a>(&'a self, ev: &'a Event) -> &'a str {
        match &ev.message {
            Text::Span(a, b) => &self.files[ev.file as usize].text[*a as usize..*b as usize],
            Text::Owned(s) => s,
        }
    }

    /// The event's first input line, verbatim.
    pub fn first_line(&self, ev: &Event) -> &str {
        &self.files[ev.file as usize].text[ev.first.0 as usize..ev.first.1 as usize]
    }

    /// The whole event text: first line and continuations, verbatim.
    pub fn full_text(&self, ev: &Event) -> &str {
        &self.files[ev.file as usize].text[ev.first.0 as usize..ev.end as usize]
    }

    /// Counts that tie input lines to events and unparsed lines.
    pub fn stats(&self) -> InputStats {
        InputStats {
            files: self.files.len(),
            bytes: self.files.iter().map(|f| f.bytes_in).sum(),
            lines: self.files.iter().map(|f| f.lines as u64).sum(),
            events: self.events.len() as u64,
            unparsed_lines: self.unparsed.len() as u64,
            timestamped_events: self
                .events
                .iter()
                .filter(|e| e.time_source == TimeSource::Parsed)
                .count() as u64,
            invalid_utf8: self.files.iter().map(|f| f.invalid_utf8 as u64).sum(),
        }
    }
}
