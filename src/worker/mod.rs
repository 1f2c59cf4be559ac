//! The Web Worker that runs the engine off the UI thread (wasm32 only).
//!
//! Trunk builds the `faultline-worker` bin (`src/bin/worker.rs`) as a no-modules wasm-bindgen
//! bundle plus `faultline-worker_loader.js`; the page starts that loader, relative to the
//! document, so the page works from any subpath.
//!
//! The protocol is plain JS objects (see [`protocol`]): the worker posts `ready` first, then
//! answers each `analyze` with `progress` messages (throttled here with the worker's clock, at
//! most one per [`PROGRESS_MS`], since the engine has none) and one `report` (the engine's
//! [`Report`](crate::Report) as JSON text) or one `error`. It then keeps the analyzed lines and
//! answers the log view's `lines` and `locate` queries until the next `analyze`; it also
//! builds the LLM narrative's payload and reviews its answers ([`narrative`]). A panic
//! surfaces as the worker's `error` event; the page then shows it and starts a fresh worker.

mod narrative;
mod pool;
pub mod protocol;
mod store;

use crate::{AnalyzeOptions, Browse, Filter, IngestOptions, InputFile};
use js_sys::{Array, Object, Reflect, Uint8Array};
use protocol::{kind, Progress, Stage};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

/// Least time between two progress messages (ms). The page shows every one it gets.
const PROGRESS_MS: f64 = 100.0;

thread_local! {
    /// The last analysis' lines, for the log view.
    static BROWSE: RefCell<Option<Browse>> = const { RefCell::new(None) };
}

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
    let which = protocol::get_str(data, "type");
    if which
        .as_deref()
        .is_some_and(|w| pool::helper(scope, w, data))
    {
        return;
    }
    match which.as_deref() {
        Some(kind::ANALYZE) => analyze(scope, data),
        Some(kind::LINES) => query(scope, data, kind::LINES),
        Some(kind::LOCATE) => query(scope, data, kind::LOCATE),
        Some(kind::REDACT) => query(scope, data, kind::REDACT),
        Some(kind::STORE) => {
            BROWSE.with(|b| b.borrow_mut().take());
            store::analyze(scope, data)
        }
        Some(kind::STORE_TEST) => store::test(scope, data),
        Some(kind::WARM) => pool::warm(scope, protocol::get_u32(data, "workers") as usize),
        Some(kind::NARRATIVE) => narrative::handle(scope, data, kind::NARRATIVE),
        Some(kind::REVIEW) => narrative::handle(scope, data, kind::REVIEW),
        _ => post(
            scope,
            &protocol::error_message("the worker got a message it does not understand"),
        ),
    }
}

/// `[{name, bytes}]` into engine input files (copied into wasm memory, one file at a time).
fn read_files(list: &JsValue, mut each: impl FnMut(usize, f64)) -> Vec<InputFile> {
    let files: Array = list.clone().dyn_into().unwrap_or_default();
    let mut out = Vec::with_capacity(files.length() as usize);
    let mut bytes = 0f64;
    for (i, f) in files.iter().enumerate() {
        each(i, bytes);
        let name = protocol::get_str(&f, "name").unwrap_or_else(|| format!("file-{}", i + 1));
        let data = Reflect::get(&f, &"bytes".into())
            .ok()
            .and_then(|b| b.dyn_into::<Uint8Array>().ok())
            .map(|b| b.to_vec())
            .unwrap_or_default();
        bytes += data.len() as f64;
        out.push(InputFile::new(name, data));
    }
    out
}

fn analyze(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    // Free the previous analysis' lines before reading the next input: peak memory is one
    // analysis, not two.
    BROWSE.with(|b| b.borrow_mut().take());
    store::forget();
    let list = Reflect::get(data, &"files".into()).unwrap_or(JsValue::UNDEFINED);
    let total_bytes: f64 = Array::from(&list)
        .iter()
        .map(|f| {
            Reflect::get(&f, &"bytes".into())
                .ok()
                .and_then(|b| b.dyn_into::<Uint8Array>().ok())
                .map_or(0.0, |b| b.length() as f64)
        })
        .sum();
    let baseline = Reflect::get(data, &"baseline".into())
        .ok()
        .filter(|b| b.is_object())
        .map(|b| read_files(&b, |_, _| {}))
        .unwrap_or_default();
    let reference_year = Reflect::get(data, &"referenceYear".into())
        .ok()
        .and_then(|y| y.as_f64())
        .map(|y| y as i32);
    let opts = AnalyzeOptions {
        ingest: IngestOptions {
            reference_year,
            ..Default::default()
        },
        baseline,
        ..Default::default()
    };
    // A large input of several files is read by helper workers, the rest here.
    pool::cancel(scope);
    let files = Array::from(&list);
    let helpers = pool::helpers_for(data, files.length() as usize, total_bytes);
    if helpers >= 2 && pool::start(scope, &files, opts.clone(), helpers) {
        return;
    }
    pool::retire_idle();
    let mut throttle = Throttle::new(scope);
    let inputs = read_files(&list, |_, done| {
        let mut p = Progress::new(Stage::Reading);
        p.bytes_done = done;
        p.bytes_total = total_bytes;
        throttle.offer(p);
    });
    analyze_inputs(scope, inputs, &opts, total_bytes, Ok);
}

/// The report on a corpus the pool's helpers read (see [`pool`]), posted as `analyze` posts it.
fn report_corpus(
    scope: &DedicatedWorkerGlobalScope,
    corpus: crate::Corpus,
    opts: &AnalyzeOptions,
    total_bytes: f64,
) {
    let mut throttle = Throttle::new(scope);
    let result = crate::browse_corpus(corpus, opts, &mut |p| {
        throttle.offer(Progress::from_engine(p));
    });
    post_result(scope, result, total_bytes, Ok);
}

/// Analyzes `inputs`, keeps the lines for the log view and posts the report (as `finish` makes
/// it) or the error. True when a report was posted.
fn analyze_inputs(
    scope: &DedicatedWorkerGlobalScope,
    inputs: Vec<InputFile>,
    opts: &AnalyzeOptions,
    total_bytes: f64,
    finish: impl FnOnce(crate::Report) -> Result<crate::Report, String>,
) -> bool {
    let mut throttle = Throttle::new(scope);
    let result = crate::analyze_for_browsing(inputs, opts, &mut |p| {
        throttle.offer(Progress::from_engine(p));
    });
    post_result(scope, result, total_bytes, finish)
}

/// Keeps the lines for the log view and posts the report (as `finish` makes it), or posts the
/// error. True when a report was posted.
fn post_result(
    scope: &DedicatedWorkerGlobalScope,
    result: Result<(crate::Report, Browse), crate::IngestError>,
    total_bytes: f64,
    finish: impl FnOnce(crate::Report) -> Result<crate::Report, String>,
) -> bool {
    let mut throttle = Throttle::new(scope);
    let (report, browse) = match result {
        Ok((report, browse)) => match finish(report) {
            Ok(report) => (report, browse),
            Err(e) => {
                post(scope, &protocol::error_message(&e));
                return false;
            }
        },
        Err(e) => {
            post(scope, &protocol::error_message(&e.to_string()));
            return false;
        }
    };
    let mut p = Progress::new(Stage::Sending);
    p.bytes_done = total_bytes;
    p.bytes_total = total_bytes;
    p.events_done = report.input.events as f64;
    p.events_total = p.events_done;
    throttle.force(p);
    // JSON text, not a JS object: the page keeps it verbatim for export and history,
    // and one string crosses the worker boundary faster than a tree of objects.
    match serde_json::to_string(&report) {
        Ok(json) => {
            drop(report);
            BROWSE.with(|b| *b.borrow_mut() = Some(browse));
            let msg = protocol::message(kind::REPORT);
            protocol::set(&msg, "json", &json.into());
            post(scope, &msg);
            true
        }
        Err(e) => {
            post(
                scope,
                &protocol::error_message(&format!("could not send the report: {e}")),
            );
            false
        }
    }
}

/// Answers a `lines`, `locate` or `redact` query from the kept lines.
fn query(scope: &DedicatedWorkerGlobalScope, data: &JsValue, which: &str) {
    let reply = protocol::message(which);
    protocol::set(&reply, "id", &protocol::get_f64(data, "id").into());
    let filter: Result<Filter, String> = protocol::get_str(data, "filter")
        .map_or(Ok(Filter::default()), |f| {
            serde_json::from_str(&f).map_err(|e| format!("bad filter: {e}"))
        });
    let answer: Result<String, (String, bool)> = BROWSE.with(|b| {
        let mut b = b.borrow_mut();
        let Some(browse) = b.as_mut() else {
            return Err(("the engine holds no analyzed lines".into(), true));
        };
        if which == kind::REDACT {
            let patterns: Vec<String> = protocol::get_str(data, "patterns")
                .map_or(Ok(Vec::new()), |p| serde_json::from_str(&p))
                .map_err(|e| (format!("bad patterns: {e}"), false))?;
            let logs = crate::redact_texts_with(browse.files(), &patterns)
                .map_err(|e| (e.to_string(), false))?;
            return serde_json::to_string(&logs).map_err(|e| (e.to_string(), false));
        }
        let filter = filter.map_err(|e| (e, false))?;
        let json = if which == kind::LINES {
            let offset = protocol::get_f64(data, "offset").max(0.0) as u64;
            let limit = protocol::get_f64(data, "limit").max(0.0) as usize;
            browse
                .lines(&filter, offset, limit)
                .map(|p| serde_json::to_string(&p))
        } else {
            let file = protocol::get_str(data, "file").unwrap_or_default();
            let line = protocol::get_u32(data, "line");
            // A store's report names rows (`table:service@time`), the lines their files.
            let (file, line) = store::locate_row(&file, line).unwrap_or((file, line));
            browse
                .locate(&file, line, &filter)
                .map(|l| serde_json::to_string(&l))
        };
        match json {
            Ok(Ok(s)) => Ok(s),
            Ok(Err(e)) => Err((e.to_string(), false)),
            Err(e) => Err((e.to_string(), false)),
        }
    });
    match answer {
        Ok(json) => protocol::set(&reply, "json", &json.into()),
        Err((message, gone)) => {
            protocol::set(&reply, "error", &message.into());
            protocol::set(&reply, "gone", &gone.into());
        }
    }
    post(scope, &reply);
}

/// Posts progress at most every [`PROGRESS_MS`], and always when a stage after parsing begins
/// (parsing and entities alternate file by file: those switches wait for the clock).
struct Throttle<'a> {
    scope: &'a DedicatedWorkerGlobalScope,
    last_at: f64,
    last_stage: Option<Stage>,
}

impl<'a> Throttle<'a> {
    fn new(scope: &'a DedicatedWorkerGlobalScope) -> Self {
        Throttle {
            scope,
            last_at: f64::NEG_INFINITY,
            last_stage: None,
        }
    }

    fn offer(&mut self, p: Progress) {
        let now = js_sys::Date::now();
        let parsing = |s: Option<Stage>| {
            matches!(
                s,
                Some(Stage::Engine(crate::Stage::Parse | crate::Stage::Entities))
            )
        };
        let same = self.last_stage == Some(p.stage)
            || (parsing(self.last_stage) && parsing(Some(p.stage)));
        if same && now - self.last_at < PROGRESS_MS {
            return;
        }
        self.last_at = now;
        self.last_stage = Some(p.stage);
        post(self.scope, &p.to_message());
    }

    fn force(&mut self, p: Progress) {
        self.last_stage = None;
        self.offer(p);
    }
}

fn post(scope: &DedicatedWorkerGlobalScope, msg: &Object) {
    // Posting a plain object of strings, numbers and arrays cannot fail.
    let _ = scope.post_message(msg);
}
