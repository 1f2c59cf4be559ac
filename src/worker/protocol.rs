//! The messages between the page and the worker, shared by both sides so they cannot drift.
//!
//! Every message is a plain object with a `type` field (the [`kind`] constants). Files travel
//! as `{name, bytes: Uint8Array}` with their buffers transferred, not copied.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// The `type` field values.
pub mod kind {
    /// worker -> page, once, when the engine is loaded.
    pub const READY: &str = "ready";
    /// page -> worker: `{files: [{name, bytes}], referenceYear}`.
    pub const ANALYZE: &str = "analyze";
    /// worker -> page: `{stage, done, total}`.
    pub const PROGRESS: &str = "progress";
    /// worker -> page: `{json}`, the report as JSON text.
    pub const REPORT: &str = "report";
    /// worker -> page: `{message}`.
    pub const ERROR: &str = "error";
}

/// What the worker is doing, for the progress line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stage {
    Reading,
    Analyzing,
    Sending,
}

impl Stage {
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Reading => "reading",
            Stage::Analyzing => "analyzing",
            Stage::Sending => "sending",
        }
    }

    pub fn from_name(name: &str) -> Option<Stage> {
        match name {
            "reading" => Some(Stage::Reading),
            "analyzing" => Some(Stage::Analyzing),
            "sending" => Some(Stage::Sending),
            _ => None,
        }
    }
}

/// A message with only its `type` set.
pub fn message(kind: &str) -> Object {
    let o = Object::new();
    let _ = Reflect::set(&o, &"type".into(), &kind.into());
    o
}

pub fn progress(stage: Stage, done: u32, total: u32) -> Object {
    let o = message(kind::PROGRESS);
    let _ = Reflect::set(&o, &"stage".into(), &stage.as_str().into());
    let _ = Reflect::set(&o, &"done".into(), &done.into());
    let _ = Reflect::set(&o, &"total".into(), &total.into());
    o
}

pub fn error_message(text: &str) -> Object {
    let o = message(kind::ERROR);
    let _ = Reflect::set(&o, &"message".into(), &text.into());
    o
}

/// A string field of a JS object, if it is one.
pub fn get_str(obj: &JsValue, key: &str) -> Option<String> {
    Reflect::get(obj, &key.into())
        .ok()
        .and_then(|v| v.as_string())
}

/// A numeric field of a JS object as u32 (0 when missing).
pub fn get_u32(obj: &JsValue, key: &str) -> u32 {
    Reflect::get(obj, &key.into())
        .ok()
        .and_then(|v| v.as_f64())
        .map_or(0, |n| n as u32)
}
