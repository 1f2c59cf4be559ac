//! The Web Worker that runs the engine off the UI thread (wasm32 only).
//!
//! Trunk builds the `faultline-worker` bin (`src/bin/worker.rs`) as a no-modules wasm-bindgen
//! bundle plus `faultline-worker_loader.js`; the page starts that loader, relative to the
//! document, so the page works from any subpath.
//!
//! The protocol is plain JS objects (see [`protocol`]): the worker posts `{type: "ready"}` first,
//! then answers each `{type: "analyze", files: [{name, bytes}], referenceYear}` with `progress`
//! messages and one `report` (`{json}`: the engine's [`Report`](crate::Report) as JSON text)
//! or one `error` (the engine's message). A panic surfaces as the worker's `error` event; the
//! page then shows it and starts a fresh worker.

pub mod protocol;

use crate::{AnalyzeOptions, IngestOptions, InputFile};
use js_sys::{Array, Object, Reflect, Uint8Array};
use protocol::{kind, Stage};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Installs the message handler and tells the page the worker is ready.
pub fn run() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply = scope.clone();
    let onmessage = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        handle(&reply, &ev.data());
    });
    scope.set_onmessage(Some(onmessage.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    onmessage.forget();
    post(&scope, &protocol::message(kind::READY));
}

fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    if protocol::get_str(data, "type").as_deref() != Some(kind::ANALYZE) {
        post(
            scope,
            &protocol::error_message("the worker got a message it does not understand"),
        );
        return;
    }
    let files = Reflect::get(data, &"files".into()).unwrap_or(JsValue::UNDEFINED);
    let files: Array = files.dyn_into().unwrap_or_default();
    let total = files.length();
    let mut inputs = Vec::with_capacity(total as usize);
    for (i, f) in files.iter().enumerate() {
        post(scope, &protocol::progress(Stage::Reading, i as u32, total));
        let name = protocol::get_str(&f, "name").unwrap_or_else(|| format!("file-{}", i + 1));
        let bytes = Reflect::get(&f, &"bytes".into())
            .ok()
            .and_then(|b| b.dyn_into::<Uint8Array>().ok())
            .map(|b| b.to_vec())
            .unwrap_or_default();
        inputs.push(InputFile::new(name, bytes));
    }
    let reference_year = Reflect::get(data, &"referenceYear".into())
        .ok()
        .and_then(|y| y.as_f64())
        .map(|y| y as i32);
    post(scope, &protocol::progress(Stage::Analyzing, 0, total));
    let opts = AnalyzeOptions {
        ingest: IngestOptions {
            reference_year,
            ..Default::default()
        },
        ..Default::default()
    };
    match crate::analyze(&inputs, &opts) {
        Ok(report) => {
            post(scope, &protocol::progress(Stage::Sending, total, total));
            // JSON text, not a JS object: the page keeps it verbatim for export and history,
            // and one string crosses the worker boundary faster than a tree of objects.
            match serde_json::to_string(&report) {
                Ok(json) => {
                    let msg = protocol::message(kind::REPORT);
                    let _ = Reflect::set(&msg, &"json".into(), &json.into());
                    post(scope, &msg);
                }
                Err(e) => post(
                    scope,
                    &protocol::error_message(&format!("could not send the report: {e}")),
                ),
            }
        }
        Err(e) => post(scope, &protocol::error_message(&e.to_string())),
    }
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &Object) {
    // Posting a plain object of strings, numbers and arrays cannot fail.
    let _ = scope.post_message(msg);
}
