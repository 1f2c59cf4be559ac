//! The page's handle on the engine worker: start it, wait for `ready`, send files (and the
//! baseline, if one is set), turn its messages into signals, and route the log view's queries
//! (`lines`, `locate`) to the worker and their answers back. Cancel terminates the worker and
//! starts a fresh one; so does a worker error (a panic in the engine), after saying so. Either
//! way the analyzed lines are gone with the old worker: [`Engine::has_lines`] says whether the
//! worker holds the lines of the shown report (not of another one a view may have put there).

use super::model::Analysis;
use crate::worker::protocol::{self, kind, Progress, Stage};
use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Event, MessageEvent, Worker};

/// The worker's script, relative to the document so the page works under any subpath.
const WORKER_URL: &str = "./faultline-worker_loader.js";
/// Failed starts in a row before the page stops retrying.
const MAX_START_FAILURES: u32 = 3;
/// The report's sections after the headline are drawn in this many parts, one task each.
pub const SHOW_PARTS: u32 = 5;

/// What the engine is doing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Phase {
    Starting,
    Idle,
    Working(Progress),
    /// The worker could not be started at all.
    Broken,
}

/// One analysis: a label for what is shown, and the files.
pub struct Request {
    pub label: String,
    pub files: Vec<(String, Uint8Array)>,
    /// For timestamps without a year (syslog): the newest file's year, as the CLI does.
    pub reference_year: Option<i32>,
    /// A log store instead of files: the worker's `store` message (source URL, credentials,
    /// window), sent as it is; `files` is then empty.
    pub store: Option<Object>,
    /// Submits the same input again (from where it still is: the demo's text, the paste box,
    /// the picked `File`s), so a baseline set or cleared later applies to what is shown.
    pub again: Option<Rc<dyn Fn()>>,
}

/// The answer to a log view query: the JSON text, or (message, whether the lines are gone).
pub type Answer = Result<String, (String, bool)>;

type Callback = Box<dyn FnOnce(Answer)>;

/// A running worker and the callbacks that must live as long as it does.
struct Live {
    worker: Worker,
    ready: bool,
    /// The label of the request in flight.
    in_flight: Option<String>,
    _on_message: Closure<dyn FnMut(MessageEvent)>,
    _on_error: Closure<dyn FnMut(Event)>,
}

/// Copyable handle shared through context.
#[derive(Clone, Copy)]
pub struct Engine {
    pub phase: RwSignal<Phase>,
    /// The shown analysis; replaced whole when a new one arrives.
    pub report: RwSignal<Option<Arc<Analysis>>>,
    /// What the shown report was made from ("demo incident", "pasted text", "2 files").
    pub shown: RwSignal<Option<String>>,
    pub error: RwSignal<Option<String>>,
    /// A short note about the last cancel or restart.
    pub note: RwSignal<Option<String>>,
    /// Bytes of the files the page is reading (before they go to the engine), if any.
    pub reading: RwSignal<Option<f64>>,
    /// Bumped by every read started and every cancel: a read finishing in an older epoch was
    /// cancelled.
    epoch: StoredValue<u64>,
    /// The analysis whose lines the worker holds, if any.
    lines_of: RwSignal<Option<Arc<Analysis>>>,
    /// Counts reports received: the log view starts over when it changes.
    pub generation: RwSignal<u64>,
    /// How many of the report's heavy parts ([`SHOW_PARTS`]) are drawn: a big report is drawn
    /// a part per task (headline first), so the page answers and the progress line moves.
    pub parts: RwSignal<u32>,
    /// Bumped by every analysis, cancel and report: a drawing step of an older one stops.
    show_epoch: StoredValue<u64>,
    /// Names of the baseline files every analysis is compared with (empty: none).
    pub baseline: RwSignal<Vec<String>>,
    baseline_bytes: StoredValue<Vec<(String, Uint8Array)>, LocalStorage>,
    /// How to submit the shown (or running) input again.
    again: StoredValue<Option<Rc<dyn Fn()>>, LocalStorage>,
    queries: StoredValue<HashMap<u32, Callback>, LocalStorage>,
    next_query: StoredValue<u32>,
    live: StoredValue<Option<Live>, LocalStorage>,
    pending: StoredValue<Option<Request>, LocalStorage>,
    failures: StoredValue<u32>,
}

impl Engine {
    /// Creates the handle and starts the worker.
    pub fn start() -> Engine {
        let engine = Engine {
            phase: RwSignal::new(Phase::Starting),
            report: RwSignal::new(None),
            shown: RwSignal::new(None),
            error: RwSignal::new(None),
            note: RwSignal::new(None),
            lines_of: RwSignal::new(None),
            reading: RwSignal::new(None),
            epoch: StoredValue::new(0),
            generation: RwSignal::new(0),
            parts: RwSignal::new(SHOW_PARTS),
            show_epoch: StoredValue::new(0),
            baseline: RwSignal::new(Vec::new()),
            baseline_bytes: StoredValue::new_local(Vec::new()),
            again: StoredValue::new_local(None),
            queries: StoredValue::new_local(HashMap::new()),
            next_query: StoredValue::new(0),
            live: StoredValue::new_local(None),
            pending: StoredValue::new_local(None),
            failures: StoredValue::new(0),
        };
        engine.spawn();
        engine
    }

    /// Analyzes `req` as soon as the worker is ready. A request sent while another runs
    /// replaces it (the running one is cancelled).
    pub fn analyze(self, req: Request) {
        self.show_epoch.update_value(|e| *e += 1);
        self.reading.set(None);
        self.error.set(None);
        self.note.set(None);
        self.again.set_value(req.again.clone());
        if matches!(self.phase.get_untracked(), Phase::Working(_)) {
            self.restart();
        }
        let ready = self
            .live
            .with_value(|l| l.as_ref().is_some_and(|l| l.ready));
        if ready {
            self.send(req);
        } else {
            self.pending.set_value(Some(req));
            if self.phase.get_untracked() == Phase::Broken {
                self.failures.set_value(0);
                self.spawn();
            }
        }
    }

    /// The page starts reading `bytes` of files for an analysis; the returned epoch is still
    /// current (see [`Engine::still_reading`]) unless the user cancels meanwhile.
    pub fn begin_reading(self, bytes: f64) -> u64 {
        let e = self.epoch.get_value() + 1;
        self.epoch.set_value(e);
        self.reading.set(Some(bytes));
        e
    }

    /// A large input of several files is on its way: the worker starts its helpers now, so
    /// they load while the page reads the files.
    pub fn prepare_pool(self, files: usize, bytes: f64) {
        let workers = workers();
        if files < 2 || bytes < protocol::POOL_MIN_BYTES || workers < 2 {
            return;
        }
        let msg = protocol::message(kind::WARM);
        protocol::set(&msg, "workers", &workers.min(files as u32).into());
        self.live.with_value(|l| {
            if let Some(l) = l.as_ref().filter(|l| l.ready) {
                let _ = l.worker.post_message(&msg);
            }
        });
    }

    /// False when the read of `epoch` was cancelled (or replaced) and must not be analyzed.
    pub fn still_reading(self, epoch: u64) -> bool {
        self.epoch.get_value() == epoch
    }

    /// The read failed: nothing is being read any more.
    pub fn reading_failed(self) {
        self.reading.set(None);
    }

    /// Stops the running analysis: terminates the worker and starts a fresh one.
    pub fn cancel(self) {
        self.show_epoch.update_value(|e| *e += 1);
        self.parts.set(SHOW_PARTS);
        if self.reading.get_untracked().is_some() {
            self.epoch.update_value(|e| *e += 1);
            self.reading.set(None);
            self.note.set(Some("Reading cancelled.".into()));
        }
        if matches!(self.phase.get_untracked(), Phase::Working(_)) {
            self.restart();
            self.note
                .set(Some("Analysis cancelled; the engine was restarted.".into()));
        }
    }

    fn restart(self) {
        self.pending.set_value(None);
        self.kill();
        self.spawn();
    }

    /// Sets (or, with no files, clears) the baseline, and analyzes the shown input again with
    /// it when that input can be submitted again.
    pub fn set_baseline(self, files: Vec<(String, Uint8Array)>) {
        self.baseline
            .set(files.iter().map(|(n, _)| n.clone()).collect());
        self.baseline_bytes.set_value(files);
        if let Some(again) = self.again.get_value() {
            again();
        }
    }

    /// True when the worker holds the lines of the shown report (tracked).
    pub fn has_lines(self) -> bool {
        self.lines_of.with(|l| {
            self.report.with(|r| match (l, r) {
                (Some(l), Some(r)) => Arc::ptr_eq(l, r),
                _ => false,
            })
        })
    }

    /// [`Engine::has_lines`] without tracking.
    pub fn has_lines_untracked(self) -> bool {
        self.lines_of.with_untracked(|l| {
            self.report.with_untracked(|r| match (l, r) {
                (Some(l), Some(r)) => Arc::ptr_eq(l, r),
                _ => false,
            })
        })
    }

    /// Sends a query (`lines`, `locate`, `redact`, `store-test`, `narrative` or `review`;
    /// `fields` are its other fields) and calls `done` with the answer, exactly once: a query
    /// the replaced worker did not answer gets an error with `gone` set.
    pub fn query(self, which: &str, fields: &Object, done: impl FnOnce(Answer) + 'static) {
        let id = self.next_query.get_value().wrapping_add(1);
        self.next_query.set_value(id);
        let msg = protocol::message(which);
        let _ = Object::assign(&msg, fields);
        protocol::set(&msg, "id", &id.into());
        let sent = self.live.with_value(|l| match l {
            Some(l) if l.ready => l.worker.post_message(&msg).is_ok(),
            _ => false,
        });
        if sent {
            self.queries
                .update_value(|q| drop(q.insert(id, Box::new(done) as Callback)));
        } else {
            done(Err(("the engine is not running".into(), true)));
        }
    }

    fn kill(self) {
        self.lines_of.set(None);
        let unanswered = self
            .queries
            .try_update_value(std::mem::take)
            .unwrap_or_default();
        for done in unanswered.into_values() {
            done(Err((
                "the engine was restarted before it answered".into(),
                true,
            )));
        }
        self.live.update_value(|l| {
            if let Some(l) = l.take() {
                l.worker.set_onmessage(None);
                l.worker.set_onerror(None);
                l.worker.terminate();
            }
        });
    }

    fn spawn(self) {
        self.phase.set(Phase::Starting);
        let worker = match Worker::new(WORKER_URL) {
            Ok(w) => w,
            Err(e) => {
                self.phase.set(Phase::Broken);
                self.error.set(Some(format!(
                    "The analysis engine could not start: {}",
                    describe(&e)
                )));
                return;
            }
        };
        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |ev: MessageEvent| {
            self.on_message(ev.data());
        });
        // A script that fails to load fires a plain `Event`; an uncaught error an `ErrorEvent`.
        let on_error = Closure::<dyn FnMut(Event)>::new(move |ev: Event| {
            ev.prevent_default();
            let message = protocol::error_event_text(&ev, "its script did not load");
            self.on_worker_error(message);
        });
        worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
        self.live.set_value(Some(Live {
            worker,
            ready: false,
            in_flight: None,
            _on_message: on_message,
            _on_error: on_error,
        }));
    }

    fn send(self, req: Request) {
        let Request {
            label,
            files,
            reference_year,
            store,
            again: _,
        } = req;
        if let Some(msg) = store {
            return self.send_store(label, &msg);
        }
        let transfer = Array::new();
        let list = file_list(&files, &transfer);
        // The baseline is kept for later analyses: send copies, so the transfer leaves it whole.
        let baseline = self.baseline_bytes.with_value(|b| {
            b.iter()
                .map(|(n, bytes)| (n.clone(), bytes.slice(0, bytes.length())))
                .collect::<Vec<_>>()
        });
        let msg = protocol::message(kind::ANALYZE);
        let _ = Reflect::set(&msg, &"files".into(), &list);
        let _ = Reflect::set(&msg, &"baseline".into(), &file_list(&baseline, &transfer));
        if let Some(y) = reference_year {
            let _ = Reflect::set(&msg, &"referenceYear".into(), &y.into());
        }
        let _ = Reflect::set(&msg, &"workers".into(), &workers().into());
        let bytes_total: f64 = files.iter().map(|(_, b)| b.length() as f64).sum();
        let sent = self.live.try_update_value(|l| {
            let l = l.as_mut()?;
            l.in_flight = Some(label);
            Some(l.worker.post_message_with_transfer(&msg, &transfer))
        });
        match sent.flatten() {
            Some(Ok(())) => {
                // The worker drops the previous lines when it starts.
                self.lines_of.set(None);
                let mut p = Progress::new(Stage::Reading);
                p.bytes_total = bytes_total;
                self.phase.set(Phase::Working(p));
            }
            Some(Err(e)) => self.error.set(Some(format!(
                "Could not hand the files to the engine: {}",
                describe(&e)
            ))),
            None => {}
        }
    }

    /// Hands a `store` request to the worker: it queries the store, then analyzes the rows.
    fn send_store(self, label: String, msg: &Object) {
        let sent = self.live.try_update_value(|l| {
            let l = l.as_mut()?;
            l.in_flight = Some(label);
            Some(l.worker.post_message(msg))
        });
        match sent.flatten() {
            Some(Ok(())) => {
                self.lines_of.set(None);
                self.phase
                    .set(Phase::Working(Progress::new(Stage::Querying)));
            }
            Some(Err(e)) => self.error.set(Some(format!(
                "Could not hand the request to the engine: {}",
                describe(&e)
            ))),
            None => {}
        }
    }

    fn on_message(self, data: JsValue) {
        match protocol::get_str(&data, "type").as_deref() {
            Some(kind::READY) => {
                self.failures.set_value(0);
                self.live.update_value(|l| {
                    if let Some(l) = l.as_mut() {
                        l.ready = true;
                    }
                });
                self.phase.set(Phase::Idle);
                if let Some(req) = self.pending.try_update_value(Option::take).flatten() {
                    self.send(req);
                }
            }
            Some(kind::PROGRESS) => {
                self.phase
                    .set(Phase::Working(Progress::from_message(&data)));
            }
            Some(
                kind::LINES
                | kind::LOCATE
                | kind::REDACT
                | kind::STORE_TEST
                | kind::NARRATIVE
                | kind::REVIEW,
            ) => {
                let id = protocol::get_u32(&data, "id");
                let done = self.queries.try_update_value(|q| q.remove(&id)).flatten();
                if let Some(done) = done {
                    done(match protocol::get_str(&data, "json") {
                        Some(json) => Ok(json),
                        None => Err((
                            protocol::get_str(&data, "error").unwrap_or_default(),
                            protocol::get_bool(&data, "gone"),
                        )),
                    });
                }
            }
            Some(kind::REPORT) => {
                let label = self.take_in_flight();
                let json = protocol::get_str(&data, "json").unwrap_or_default();
                self.show_epoch.update_value(|e| *e += 1);
                let epoch = self.show_epoch.get_value();
                // Say what happens next before the parse, then parse and draw the headline in
                // a task of their own, then the heavy sections a part per task.
                self.showing(0);
                after_paint(move || {
                    if self.show_epoch.get_value() != epoch {
                        return;
                    }
                    match Analysis::from_json(json) {
                        Ok(analysis) => {
                            let analysis = Arc::new(analysis);
                            self.parts.set(0);
                            self.lines_of.set(Some(Arc::clone(&analysis)));
                            self.report.set(Some(analysis));
                            self.shown.set(label);
                            self.generation.update(|g| *g += 1);
                            self.draw_part(epoch);
                        }
                        Err(e) => {
                            self.error
                                .set(Some(format!("The engine's report could not be read: {e}")));
                            self.phase.set(Phase::Idle);
                        }
                    }
                });
            }
            Some(kind::ERROR) => {
                self.take_in_flight();
                let msg =
                    protocol::get_str(&data, "message").unwrap_or_else(|| "unknown error".into());
                self.error.set(Some(capitalize(&msg)));
                self.phase.set(Phase::Idle);
            }
            _ => {}
        }
    }

    fn showing(self, step: u32) {
        let mut p = Progress::new(Stage::Showing);
        p.step = step;
        p.steps = SHOW_PARTS + 1;
        self.phase.set(Phase::Working(p));
    }

    /// Draws the next heavy part of the report in a task of its own; idle after the last.
    fn draw_part(self, epoch: u64) {
        let done = self.parts.get_untracked();
        if done >= SHOW_PARTS {
            self.phase.set(Phase::Idle);
            return;
        }
        self.showing(done + 1);
        after_paint(move || {
            if self.show_epoch.get_value() != epoch {
                return;
            }
            self.parts.set(done + 1);
            self.draw_part(epoch);
        });
    }

    fn take_in_flight(self) -> Option<String> {
        self.live
            .try_update_value(|l| l.as_mut().and_then(|l| l.in_flight.take()))
            .flatten()
    }

    /// The worker died (a panic, or its script failed to load): say so and start a fresh one.
    fn on_worker_error(self, message: String) {
        let was_ready = self
            .live
            .with_value(|l| l.as_ref().is_some_and(|l| l.ready));
        let detail = if message.is_empty() {
            "no details".to_string()
        } else {
            message
        };
        // Replacing the worker from inside its own callback would drop the running closure:
        // do it on the next tick.
        leptos::task::spawn_local(async move {
            self.kill();
            if was_ready {
                self.error.set(Some(format!(
                    "The analysis engine failed ({detail}). A fresh engine was started; try again."
                )));
                self.pending.set_value(None);
                self.spawn();
                return;
            }
            let failures = self.failures.get_value() + 1;
            self.failures.set_value(failures);
            if failures >= MAX_START_FAILURES {
                self.phase.set(Phase::Broken);
                self.error.set(Some(format!(
                    "The analysis engine could not start ({detail})."
                )));
            } else {
                self.spawn();
            }
        });
    }
}

/// Fewest logical cores for the engine to use its pool of workers unless the page's URL asks.
/// Measured on a 2-core machine (scripts/bench-page.sh, 105 MB of 99 files): two helpers read
/// the files ~10% faster than one worker once their code is warm, but the first pooled run is
/// slower (fresh helpers run cold code) and the merge and later stages run on one worker, so two
/// cores gain nothing overall; with more cores the read splits further.
const POOL_MIN_CORES: u32 = 4;

/// How many workers the engine may use for a large input: the page's `?workers=N` if given
/// (1: the engine's worker alone), else the machine's logical cores when there are at least
/// [`POOL_MIN_CORES`], else 1.
fn workers() -> u32 {
    let Some(window) = web_sys::window() else {
        return 1;
    };
    let asked = window.location().search().ok().and_then(|q| {
        q.trim_start_matches('?')
            .split('&')
            .find_map(|kv| kv.strip_prefix("workers="))
            .and_then(|n| n.parse::<u32>().ok())
    });
    asked.unwrap_or_else(|| {
        let cores = window.navigator().hardware_concurrency() as u32;
        if cores >= POOL_MIN_CORES {
            cores
        } else {
            1
        }
    })
}

/// `[{name, bytes}]`, adding each buffer to `transfer`.
fn file_list(files: &[(String, Uint8Array)], transfer: &Array) -> Array {
    let list = Array::new();
    for (name, bytes) in files {
        let f = Object::new();
        protocol::set(&f, "name", &name.into());
        protocol::set(&f, "bytes", bytes);
        list.push(&f);
        transfer.push(&bytes.buffer());
    }
    list
}

/// Runs `f` in a task of its own after the next frame, so what was just changed is painted (and
/// input handled) first: a timer set from a frame callback. Two zero timers in a row often run
/// back to back with no frame between them (the page then looks frozen for both tasks). Frame
/// callbacks stop in a background tab, so a plain timer runs `f` there instead, whichever
/// comes first.
fn after_paint(f: impl FnOnce() + 'static) {
    let slot: Once = Rc::new(std::cell::Cell::new(Some(Box::new(f))));
    let run = move |slot: Once| {
        if let Some(f) = slot.take() {
            f();
        }
    };
    let framed = Rc::clone(&slot);
    request_animation_frame(move || {
        set_timeout(move || run(framed), std::time::Duration::ZERO);
    });
    set_timeout(move || run(slot), BACKGROUND_FALLBACK);
}

/// A step [`after_paint`] runs once, from whichever of its two callbacks comes first.
type Once = Rc<std::cell::Cell<Option<Box<dyn FnOnce()>>>>;

/// How long [`after_paint`] waits for a frame before running anyway (a background tab).
const BACKGROUND_FALLBACK: std::time::Duration = std::time::Duration::from_millis(200);

fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
