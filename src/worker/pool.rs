//! The engine on every core: the page's worker (the coordinator) hands the files of a large
//! input to a few helper workers, which read them into parts; it merges the parts in file order
//! and runs the rest of the analysis itself. Workers share no memory (no SharedArrayBuffer, so
//! any static host works): files go to a helper as transferred buffers, and each part comes
//! back as two (its text and a compact binary record, see [`crate::parts::Part::encode`]).
//!
//! Promises: the report and the kept lines are those of one worker reading every file (the
//! merge is [`crate::parts::merge`], tested natively in tests/parallel.rs); progress counts the
//! bytes every helper has read; helpers are this worker's children, so terminating it (the
//! page's cancel) terminates them too. Helpers live for one pooled analysis: started when the
//! page says a large input is coming (`warm`, while it reads the files) or when it arrives
//! (files wait in their queue while they load), and ended once their parts are in, so their
//! memory is gone before the long sequential stages and no idle worker stays around. A
//! helper's failure fails the analysis with a message, as a panic of the worker itself would.
//!
//! ```text
//! coordinator -> helper  {type:"part-decode", job, files:[{index,name,bytes}]}   buffers transferred
//! helper -> coordinator  {type:"part-years", job, indices, dates, lens}  or  {.., error, index}
//! coordinator -> helper  {type:"part-read", job, year, day}
//! helper -> coordinator  {type:"part-progress", job, parse, entities, events}  read so far (≤ 10/s)
//! helper -> coordinator  {type:"part", job, index, record, text}      one per file, transferred
//! ```

use super::protocol::{self, kind, Progress, Stage};
use super::{post, PROGRESS_MS};
use crate::parts::{self, DecodedFile, Part};
use crate::{AnalyzeOptions, InputFile};
use js_sys::{Array, Object, Reflect, Uint8Array};
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, Event, MessageEvent, Worker};

/// Most helpers, whatever the machine: each holds its share of the input while it reads, and
/// the merge and the later stages run on one worker anyway.
const MAX_HELPERS: usize = 4;
/// The helpers' script (src/worker/faultline-helper.js), relative to this worker's: it
/// instantiates the compiled module this worker posts it, so a helper neither fetches nor
/// compiles the engine.
const HELPER_URL: &str = "./faultline-helper.js";

const PART_DECODE: &str = "part-decode";
const PART_YEARS: &str = "part-years";
const PART_READ: &str = "part-read";
const PART_PROGRESS: &str = "part-progress";
const PART: &str = "part";

/// The helpers a request may use: what the page asked for (its `workers` field, the machine's
/// cores unless told otherwise), capped, and never more than the files.
pub(super) fn helpers_for(data: &JsValue, files: usize, bytes: f64) -> usize {
    let asked = protocol::get_u32(data, "workers") as usize;
    if asked < 2 || files < 2 || bytes < protocol::POOL_MIN_BYTES {
        return 0;
    }
    asked.min(MAX_HELPERS).min(files)
}

struct Helper {
    worker: Worker,
    ready: bool,
    /// A message waiting for `ready`, with its transfer list.
    waiting: Option<(Object, Array)>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// One pooled analysis in flight.
struct Job {
    id: u32,
    opts: AnalyzeOptions,
    /// Per file: its first written date (days since 1970) once a helper decoded it
    /// (`Some(None)`: none written).
    dates: Vec<Option<Option<i64>>>,
    /// Decoded text bytes per file (the progress total).
    lens: Vec<f64>,
    /// The first file (in input order) that could not be decoded.
    error: Option<(u32, String)>,
    answered: usize,
    parts: Vec<Option<Part>>,
    /// Bytes parsed, bytes passed for entities and events found, per helper.
    read: Vec<(f64, f64, f64)>,
    last_progress: f64,
}

#[derive(Default)]
struct Pool {
    helpers: Vec<Helper>,
    /// Terminated helpers whose callbacks may still be running (a helper's last message retires
    /// it): dropped when the next analysis starts, from the page's message, not theirs.
    retired: Vec<Helper>,
    job: Option<Job>,
    next_id: u32,
}

thread_local! {
    static POOL: RefCell<Pool> = RefCell::new(Pool::default());
    /// A helper's decoded files between `part-decode` and `part-read`.
    static HELD: RefCell<(u32, Vec<DecodedFile>)> = const { RefCell::new((0, Vec::new())) };
}

/// Starts helpers until there are `n` (at most [`MAX_HELPERS`]): the page's `warm`, or a
/// pooled analysis.
pub(super) fn warm(scope: &DedicatedWorkerGlobalScope, n: usize) {
    let n = n.min(MAX_HELPERS);
    let short = POOL.with(|p| n.saturating_sub(p.borrow().helpers.len()));
    for _ in 0..short {
        match spawn(scope) {
            Ok(h) => POOL.with(|p| p.borrow_mut().helpers.push(h)),
            // No helper: the input is read here, as before (see `start`).
            Err(_) => return,
        }
    }
}

/// Hands `files` to `n` helpers. False (nothing sent) when helpers cannot be started: the
/// caller reads the files itself.
pub(super) fn start(
    scope: &DedicatedWorkerGlobalScope,
    files: &Array,
    opts: AnalyzeOptions,
    n: usize,
) -> bool {
    warm(scope, n);
    let have = POOL.with(|p| p.borrow().helpers.len());
    if have < 2 {
        return false;
    }
    let n = n.min(have);
    let sizes: Vec<u64> = files.iter().map(|f| bytes_of(&f).length() as u64).collect();
    let plan = parts::plan(&sizes, n);
    let id = POOL.with(|p| {
        let mut p = p.borrow_mut();
        p.next_id = p.next_id.wrapping_add(1);
        p.next_id
    });
    let count = sizes.len();
    let job = Job {
        id,
        opts,
        dates: vec![None; count],
        lens: vec![0.0; count],
        error: None,
        answered: 0,
        parts: (0..count).map(|_| None).collect(),
        read: vec![(0.0, 0.0, 0.0); n],
        last_progress: f64::NEG_INFINITY,
    };
    POOL.with(|p| p.borrow_mut().job = Some(job));
    for (h, indices) in plan.iter().enumerate() {
        let list = Array::new();
        let transfer = Array::new();
        for &i in indices {
            let f = files.get(i);
            let bytes = bytes_of(&f);
            let o = Object::new();
            protocol::set(&o, "index", &i.into());
            protocol::set(
                &o,
                "name",
                &protocol::get_str(&f, "name")
                    .unwrap_or_else(|| format!("file-{}", i + 1))
                    .into(),
            );
            protocol::set(&o, "bytes", &bytes);
            transfer.push(&bytes.buffer());
            list.push(&o);
        }
        let msg = job_message(PART_DECODE, id);
        protocol::set(&msg, "files", &list);
        send(h, msg, transfer);
    }
    true
}

fn bytes_of(f: &JsValue) -> Uint8Array {
    Reflect::get(f, &"bytes".into())
        .ok()
        .and_then(|b| b.dyn_into::<Uint8Array>().ok())
        .unwrap_or_else(|| Uint8Array::new_with_length(0))
}

fn job_message(which: &str, id: u32) -> Object {
    let msg = protocol::message(which);
    protocol::set(&msg, "job", &id.into());
    msg
}

/// Posts to helper `h` now, or when it is ready.
fn send(h: usize, msg: Object, transfer: Array) {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        let Some(helper) = p.helpers.get_mut(h) else {
            return;
        };
        if helper.ready {
            let _ = helper.worker.post_message_with_transfer(&msg, &transfer);
        } else {
            helper.waiting = Some((msg, transfer));
        }
    });
}

fn spawn(scope: &DedicatedWorkerGlobalScope) -> Result<Helper, JsValue> {
    let worker = Worker::new(HELPER_URL)?;
    let index = POOL.with(|p| p.borrow().helpers.len());
    let (s1, s2) = (scope.clone(), scope.clone());
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
        from_helper(&s1, index, &ev.data());
    });
    let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
        ev.prevent_default();
        let message = protocol::error_event_text(&ev, "a helper's script did not load");
        helper_failed(&s2, &message);
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    worker.post_message(&wasm_bindgen::module())?;
    Ok(Helper {
        worker,
        ready: false,
        waiting: None,
        _on_message: on_message,
        _on_error: on_error,
    })
}

/// A message from helper `h` to the coordinator.
fn from_helper(scope: &DedicatedWorkerGlobalScope, h: usize, data: &JsValue) {
    let which = protocol::get_str(data, "type");
    if which.as_deref() == Some(kind::READY) {
        POOL.with(|p| {
            if let Some(helper) = p.borrow_mut().helpers.get_mut(h) {
                helper.ready = true;
                if let Some((msg, transfer)) = helper.waiting.take() {
                    let _ = helper.worker.post_message_with_transfer(&msg, &transfer);
                }
            }
        });
        return;
    }
    let current = POOL.with(|p| p.borrow().job.as_ref().map(|j| j.id));
    if current != Some(protocol::get_u32(data, "job")) {
        return; // an older job's answer
    }
    match which.as_deref() {
        Some(PART_YEARS) => years(scope, data),
        Some(PART_PROGRESS) => progress(scope, h, data),
        Some(PART) => part(scope, data),
        Some(kind::ERROR) => helper_failed(
            scope,
            &protocol::get_str(data, "message").unwrap_or_default(),
        ),
        _ => {}
    }
}

fn with_job<R>(f: impl FnOnce(&mut Job) -> R) -> Option<R> {
    POOL.with(|p| p.borrow_mut().job.as_mut().map(f))
}

/// A helper decoded its files: once every file is, the input's calendar goes to every helper.
fn years(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let indices = Array::from(&Reflect::get(data, &"indices".into()).unwrap_or_default());
    let dates = Array::from(&Reflect::get(data, &"dates".into()).unwrap_or_default());
    let lens = Array::from(&Reflect::get(data, &"lens".into()).unwrap_or_default());
    let failed = protocol::get_str(data, "error");
    let next = with_job(|job| {
        for ((i, d), n) in indices.iter().zip(dates.iter()).zip(lens.iter()) {
            let i = i.as_f64().unwrap_or(0.0) as usize;
            if let Some(slot) = job.dates.get_mut(i) {
                *slot = Some(d.as_f64().map(|d| d as i64));
                job.lens[i] = n.as_f64().unwrap_or(0.0);
            }
        }
        if let Some(message) = failed {
            let i = protocol::get_u32(data, "index");
            if job.error.as_ref().is_none_or(|(j, _)| i < *j) {
                job.error = Some((i, message));
            }
        }
        job.answered += 1;
        if job.answered < job.read.len() {
            return None;
        }
        // The first file that failed fails the input, as it would read here in order.
        Some(match job.error.take() {
            Some((_, e)) => Err(e),
            None => Ok((
                job.id,
                parts::input_calendar(job.dates.iter().map(|d| d.flatten()), &job.opts.ingest),
            )),
        })
    })
    .flatten();
    match next {
        None => {}
        Some(Err(e)) => finish(scope, Some(&e)),
        Some(Ok((id, calendar))) => {
            let n = with_job(|j| j.read.len()).unwrap_or(0);
            let (year, day) = calendar.parts();
            for h in 0..n {
                let msg = job_message(PART_READ, id);
                protocol::set(&msg, "year", &year.into());
                let day = day.map_or(JsValue::NULL, |d| JsValue::from(d as f64));
                protocol::set(&msg, "day", &day);
                send(h, msg, Array::new());
            }
        }
    }
}

fn progress(scope: &DedicatedWorkerGlobalScope, h: usize, data: &JsValue) {
    let p = with_job(|job| {
        if let Some(r) = job.read.get_mut(h) {
            *r = (
                protocol::get_f64(data, "parse"),
                protocol::get_f64(data, "entities"),
                protocol::get_f64(data, "events"),
            );
        }
        let now = js_sys::Date::now();
        if now - job.last_progress < PROGRESS_MS {
            return None;
        }
        job.last_progress = now;
        Some(read_progress(job))
    })
    .flatten();
    if let Some(p) = p {
        post(scope, &p.to_message());
    }
}

/// Parsing until every byte is parsed, then entities: each a sum over the helpers.
fn read_progress(job: &Job) -> Progress {
    let total: f64 = job.lens.iter().sum();
    let parsed: f64 = job.read.iter().map(|r| r.0).sum();
    let passed: f64 = job.read.iter().map(|r| r.1).sum();
    let (stage, done) = if parsed < total {
        (crate::Stage::Parse, parsed)
    } else {
        (crate::Stage::Entities, passed)
    };
    let mut p = Progress::new(Stage::Engine(stage));
    p.bytes_done = done;
    p.bytes_total = total;
    p.events_done = job.read.iter().map(|r| r.2).sum();
    p
}

/// A part came back: keep it; with the last one, merge and analyze.
fn part(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let index = protocol::get_u32(data, "index") as usize;
    let array = |key: &str| {
        Reflect::get(data, &key.into())
            .ok()
            .and_then(|b| b.dyn_into::<Uint8Array>().ok())
            .unwrap_or_else(|| Uint8Array::new_with_length(0))
    };
    let (record, text) = (array("record"), array("text"));
    let decoded = String::from_utf8(text.to_vec())
        .map_err(|_| "a part's text is not UTF-8".to_string())
        .and_then(|text| Part::decode(&record.to_vec(), text).map_err(|e| e.to_string()));
    let part = match decoded {
        Ok(p) if p.index() as usize == index => p,
        Ok(_) => return finish(scope, Some("a part came back under another file's number")),
        Err(e) => return finish(scope, Some(&e)),
    };
    let done = with_job(|job| {
        if let Some(slot) = job.parts.get_mut(index) {
            *slot = Some(part);
        }
        job.parts.iter().all(Option::is_some)
    });
    if done != Some(true) {
        return;
    }
    let Some(job) = POOL.with(|p| p.borrow_mut().job.take()) else {
        return;
    };
    // Their work is done: their memory goes now, before the long sequential stages.
    retire();
    let parts: Vec<Part> = job.parts.into_iter().flatten().collect();
    let total: f64 = job.lens.iter().sum();
    match parts::merge(parts) {
        Ok(corpus) => super::report_corpus(scope, corpus, &job.opts, total),
        Err(e) => post(scope, &protocol::error_message(&e.to_string())),
    }
}

/// Ends the job in flight (with an error to post, if any) and its helpers.
fn finish(scope: &DedicatedWorkerGlobalScope, error: Option<&str>) {
    let had = POOL.with(|p| p.borrow_mut().job.take()).is_some();
    if !had {
        return;
    }
    retire();
    if let Some(e) = error {
        post(scope, &protocol::error_message(e));
    }
}

fn helper_failed(scope: &DedicatedWorkerGlobalScope, message: &str) {
    let in_job = POOL.with(|p| p.borrow().job.is_some());
    if in_job {
        finish(
            scope,
            Some(&format!(
                "a helper of the analysis engine failed ({message})"
            )),
        );
    } else {
        retire();
    }
}

/// Terminates every helper.
fn retire() {
    POOL.with(|p| {
        let mut p = p.borrow_mut();
        let helpers = std::mem::take(&mut p.helpers);
        for h in &helpers {
            h.worker.set_onmessage(None);
            h.worker.set_onerror(None);
            h.worker.terminate();
        }
        p.retired.extend(helpers);
    })
}

/// Cancels a pooled job in flight (a new analysis replaces it). Called from the page's message.
pub(super) fn cancel(scope: &DedicatedWorkerGlobalScope) {
    finish(scope, None);
    POOL.with(|p| p.borrow_mut().retired.clear());
}

/// Ends helpers started for an input that is read here after all.
pub(super) fn retire_idle() {
    let idle = POOL.with(|p| p.borrow().job.is_none());
    if idle {
        retire();
    }
}

// ---------------------------------------------------------------- the helper's side

/// Handles a coordinator's message in a helper. False when `which` is not a helper message.
pub(super) fn helper(scope: &DedicatedWorkerGlobalScope, which: &str, data: &JsValue) -> bool {
    match which {
        PART_DECODE => decode(scope, data),
        PART_READ => read(scope, data),
        _ => return false,
    }
    true
}

fn decode(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let job = protocol::get_u32(data, "job");
    let files = Array::from(&Reflect::get(data, &"files".into()).unwrap_or_default());
    let reply = job_message(PART_YEARS, job);
    let (indices, dates, lens) = (Array::new(), Array::new(), Array::new());
    let mut held = Vec::new();
    for f in files.iter() {
        let index = protocol::get_u32(&f, "index");
        let name = protocol::get_str(&f, "name").unwrap_or_default();
        let bytes = bytes_of(&f).to_vec();
        match parts::decode_file(index, InputFile::new(name, bytes)) {
            Ok(d) => {
                indices.push(&index.into());
                dates.push(&d.date().map_or(JsValue::NULL, |d| JsValue::from(d as f64)));
                lens.push(&(d.text_len() as f64).into());
                held.push(d);
            }
            Err(e) => {
                // Later files do not matter: this one fails the input already.
                protocol::set(&reply, "error", &e.to_string().into());
                protocol::set(&reply, "index", &index.into());
                break;
            }
        }
    }
    protocol::set(&reply, "indices", &indices);
    protocol::set(&reply, "dates", &dates);
    protocol::set(&reply, "lens", &lens);
    HELD.with(|h| *h.borrow_mut() = (job, held));
    post(scope, &reply);
}

fn read(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let job = protocol::get_u32(data, "job");
    let day = Reflect::get(data, &"day".into())
        .ok()
        .and_then(|d| d.as_f64());
    let calendar = parts::Calendar::from_parts(
        protocol::get_f64(data, "year") as i32,
        day.map(|d| d as i64),
    );
    let (held_job, files) = HELD.with(|h| std::mem::take(&mut *h.borrow_mut()));
    if held_job != job {
        return;
    }
    let opts = crate::IngestOptions::default();
    let (mut parsed, mut passed, mut events) = (0f64, 0f64, 0f64);
    let mut last = f64::NEG_INFINITY;
    let report = |parsed: f64, passed: f64, events: f64| {
        let msg = job_message(PART_PROGRESS, job);
        protocol::set(&msg, "parse", &parsed.into());
        protocol::set(&msg, "entities", &passed.into());
        protocol::set(&msg, "events", &events.into());
        post(scope, &msg);
    };
    for file in files {
        let len = file.text_len() as f64;
        let (p0, e0, n0) = (parsed, passed, events);
        let part = file.read(&opts, calendar, &mut |stage, at, n| {
            match stage {
                crate::Stage::Parse => parsed = p0 + at as f64,
                _ => passed = e0 + at as f64,
            }
            events = n0 + n as f64;
            let now = js_sys::Date::now();
            if now - last >= PROGRESS_MS {
                last = now;
                report(parsed, passed, events);
            }
        });
        (parsed, passed) = (p0 + len, e0 + len);
        let index = part.index();
        let encoded = part.encode();
        let record = Uint8Array::from(&encoded.record[..]);
        let text = Uint8Array::from(encoded.text.as_bytes());
        drop(encoded);
        let msg = job_message(PART, job);
        protocol::set(&msg, "index", &index.into());
        protocol::set(&msg, "record", &record);
        protocol::set(&msg, "text", &text);
        let transfer = Array::of2(&record.buffer(), &text.buffer());
        let _ = scope.post_message_with_transfer(&msg, &transfer);
    }
    report(parsed, passed, events);
}
