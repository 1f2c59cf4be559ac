//! The messages between the page and the worker, shared by both sides so they cannot drift.
//!
//! Every message is a plain object with a `type` field (the [`kind`] constants). Files travel
//! as `{name, bytes: Uint8Array}` with their buffers transferred, not copied.
//!
//! ```text
//! worker -> page  {type:"ready"}                                   once, when the engine is loaded
//! page -> worker  {type:"analyze", files:[{name,bytes}], baseline:[{name,bytes}], referenceYear?,
//!                  workers}                                      workers: how many the engine
//!                 may use (a large input of several files is read by that many helper workers
//!                 of its own, see `worker::pool`; 1: this worker alone)
//! page -> worker  {type:"warm", workers}                        a large input of several files
//!                 is being read: start that many helpers now (see `worker::pool`)
//! worker -> page  {type:"progress", stage, bytesDone, bytesTotal, eventsDone, eventsTotal,
//!                  step, steps}                                    at most every ~100 ms
//! worker -> page  {type:"report", json}  or  {type:"error", message}
//! page -> worker  {type:"lines", id, filter, offset, limit}       filter: a `Filter` as JSON text
//! worker -> page  {type:"lines", id, json}                        json: a `Page` as JSON text
//! page -> worker  {type:"locate", id, file, line, filter}
//! worker -> page  {type:"locate", id, json}                       json: a `Located` as JSON text
//! page -> worker  {type:"redact", id, patterns?}                 patterns: the user's extra
//!                 patterns as a JSON array of regex strings (an invalid one answers `error`)
//! worker -> page  {type:"redact", id, json}                       json: `RedactedLogs` as JSON text
//!                 any query may instead get {type, id, error, gone}: `gone` is true when the
//!                 engine holds no analyzed lines (none yet, a failed analysis, a new worker)
//! page -> worker  {type:"store", url, user, password, from, to}    url: a source URL without
//!                 credentials; from/to: Unix seconds. The worker queries the store (progress
//!                 with stage "querying", step = query, steps = queries), then analyzes the rows
//!                 like an `analyze` and answers `report` or `error`
//! page -> worker  {type:"store-test", id, url, user, password, from, to}
//! worker -> page  {type:"store-test", id, json}                   json: a [`StorePreview`]
//!                 or {type, id, error}: the store's description only, no rows
//! page -> worker  {type:"narrative", id, report, json}            report: a report's JSON text;
//!                 json: a [`PayloadAsk`] (the LLM payload for that report after those turns)
//! worker -> page  {type:"narrative", id, json}                    json: a [`PayloadAnswer`]
//! page -> worker  {type:"review", id, report, json}               json: a [`ReviewAsk`]
//! worker -> page  {type:"review", id, json}                       json: a [`crate::Review`]
//!                 either may instead get {type, id, error}: the request could not be read
//! ```
//!
//! The narrative's engine half runs here, the page keeps the network: the worker redacts the
//! report into the payload and checks answers (the regex engine and the redaction rules stay
//! out of the page's wasm); the page builds the HTTP request from the payload it got, shows it
//! in the preview and sends exactly that, so the API key never leaves the page. The worker
//! keeps no conversation: each `narrative` carries the turns so far and is answered by
//! [`crate::Conversation::resume`], so a restarted worker answers the same.
//!
//! After a `report`, the worker keeps the analyzed lines (a [`crate::Browse`] index over the
//! decoded text, not a copy) until the next `analyze` starts, and answers `lines` and `locate`
//! from them, and `redact` with redacted copies of the analyzed files (the built-in rules and the
//! user's patterns, one placeholder per value across files). Queries sent while an analysis runs wait for it (the worker is single-threaded).
//! Filters and answers travel as JSON text: serde on both sides, one string across.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// The `type` field values.
pub mod kind {
    pub const READY: &str = "ready";
    pub const ANALYZE: &str = "analyze";
    pub const PROGRESS: &str = "progress";
    pub const REPORT: &str = "report";
    pub const ERROR: &str = "error";
    pub const LINES: &str = "lines";
    pub const LOCATE: &str = "locate";
    pub const REDACT: &str = "redact";
    pub const STORE: &str = "store";
    pub const STORE_TEST: &str = "store-test";
    pub const WARM: &str = "warm";
    pub const NARRATIVE: &str = "narrative";
    pub const REVIEW: &str = "review";
}

/// Inputs of several files and at least this many bytes are read by the worker's helpers;
/// smaller ones are read by the worker alone (starting helpers and merging would cost more).
pub const POOL_MIN_BYTES: f64 = 8e6;

/// What "Test connection" learns: the table's columns by role and every query an analysis of
/// the window would send, in order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StorePreview {
    /// `database.table`.
    pub table: String,
    /// (role, column) pairs, e.g. ("time", "Timestamp").
    pub columns: Vec<(String, String)>,
    /// (what it is for, SQL).
    pub queries: Vec<(String, String)>,
}

/// The LLM payload the page asks for: the report (sent beside, as JSON text) redacted within
/// `budget` tokens with the built-in rules and `patterns`, after `turns`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PayloadAsk {
    pub budget: usize,
    pub patterns: Vec<String>,
    pub turns: Vec<crate::Exchange>,
}

/// The worker's answer to a [`PayloadAsk`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum PayloadAnswer {
    Ready {
        payload: crate::Payload,
        /// Maps the answer's placeholders back to the values, as it streams.
        restorer: crate::Restorer,
        /// The placeholders handed out, in the redactor's order, for the preview.
        placeholders: Vec<String>,
    },
    /// A user pattern does not compile: the engine's message.
    InvalidPattern(String),
}

/// An answer to review against the report (sent beside, as JSON text): `text` restored;
/// `root` when it is the narrative itself; `evidence`: the payload's evidence lines, to check
/// citations (none for a saved narrative); `saved`: the check a saved narrative was saved with.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ReviewAsk {
    pub text: String,
    pub root: bool,
    pub evidence: Option<Vec<crate::Evidence>>,
    pub saved: Option<crate::Check>,
}

/// What the worker is doing, for the progress line: reading the files into the engine, one of
/// the engine's stages ([`crate::Stage`]), or sending the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    /// Querying a log store (step: the query, steps: how many).
    Querying,
    Engine(crate::Stage),
    Sending,
    /// The page drawing the received report, a part at a time (page only; no message has it).
    Showing,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Querying => "querying",
            Stage::Engine(s) => s.as_str(),
            Stage::Sending => "sending",
            Stage::Showing => "showing",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        match name {
            "reading" => Some(Stage::Reading),
            "querying" => Some(Stage::Querying),
            "sending" => Some(Stage::Sending),
            other => crate::Stage::from_name(other).map(Stage::Engine),
        }
    }
}

/// One progress message's content. Numbers are f64: byte counts pass 4 GiB on the way.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    pub stage: Stage,
    pub bytes_done: f64,
    pub bytes_total: f64,
    pub events_done: f64,
    pub events_total: f64,
    pub step: u32,
    pub steps: u32,
}

impl Progress {
    pub fn new(stage: Stage) -> Progress {
        Progress {
            stage,
            bytes_done: 0.0,
            bytes_total: 0.0,
            events_done: 0.0,
            events_total: 0.0,
            step: 0,
            steps: 0,
        }
    }

    pub fn from_engine(p: crate::Progress) -> Progress {
        Progress {
            stage: Stage::Engine(p.stage),
            bytes_done: p.bytes_done as f64,
            bytes_total: p.bytes_total as f64,
            events_done: p.events_done as f64,
            events_total: p.events_total as f64,
            step: p.step,
            steps: p.steps,
        }
    }

    pub fn to_message(self) -> Object {
        let o = message(kind::PROGRESS);
        set(&o, "stage", &self.stage.as_str().into());
        set(&o, "bytesDone", &self.bytes_done.into());
        set(&o, "bytesTotal", &self.bytes_total.into());
        set(&o, "eventsDone", &self.events_done.into());
        set(&o, "eventsTotal", &self.events_total.into());
        set(&o, "step", &self.step.into());
        set(&o, "steps", &self.steps.into());
        o
    }

    pub fn from_message(data: &JsValue) -> Progress {
        Progress {
            stage: get_str(data, "stage")
                .and_then(|s| Stage::from_name(&s))
                .unwrap_or(Stage::Engine(crate::Stage::Parse)),
            bytes_done: get_f64(data, "bytesDone"),
            bytes_total: get_f64(data, "bytesTotal"),
            events_done: get_f64(data, "eventsDone"),
            events_total: get_f64(data, "eventsTotal"),
            step: get_u32(data, "step"),
            steps: get_u32(data, "steps"),
        }
    }
}

/// A message with only its `type` set.
pub fn message(kind: &str) -> Object {
    let o = Object::new();
    set(&o, "type", &kind.into());
    o
}

pub fn error_message(text: &str) -> Object {
    let o = message(kind::ERROR);
    set(&o, "message", &text.into());
    o
}

/// Sets a field (setting a field on a plain object cannot fail).
/// What a worker's `error` event says: an uncaught error's message, else `fallback` (a script
/// that fails to load fires a plain `Event` with no message).
pub fn error_event_text(ev: &web_sys::Event, fallback: &str) -> String {
    use wasm_bindgen::JsCast;
    ev.dyn_ref::<web_sys::ErrorEvent>()
        .map(|e| e.message())
        .filter(|m| !m.is_empty())
        .unwrap_or_else(|| fallback.into())
}

pub fn set(o: &Object, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &key.into(), value);
}

/// A string field of a JS object, if it is one.
pub fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// A numeric field of a JS object (0 when missing).
pub fn get_f64(obj: &JsValue, key: &str) -> f64 {
    Reflect::get(obj, &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .unwrap_or(0.0)
}

/// A numeric field of a JS object as u32 (0 when missing).
pub fn get_u32(obj: &JsValue, key: &str) -> u32 {
    get_f64(obj, key) as u32
}

/// A boolean field (false when missing).
pub fn get_bool(obj: &JsValue, key: &str) -> bool {
    Reflect::get(obj, &key.into())
        .ok()
        .and_then(|v| v.as_bool())
        .unwrap_or(false)
}
