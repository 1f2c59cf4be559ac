//! The page's handle on the engine worker: start it, wait for `ready`, send files, turn its
//! messages into signals. Cancel terminates the worker and starts a fresh one; so does a worker
//! error (a panic in the engine), after saying so.

use super::model::Analysis;
use crate::worker::protocol::{self, kind, Stage};
use js_sys::{Array, Object, Reflect, Uint8Array};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{ErrorEvent, Event, MessageEvent, Worker};

/// The worker's script, relative to the document so the page works under any subpath.
const WORKER_URL: &str = "./faultline-worker_loader.js";
/// Failed starts in a row before the page stops retrying.
const MAX_START_FAILURES: u32 = 3;

/// What the engine is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    Starting,
    Idle,
    Working {
        stage: Stage,
        done: u32,
        total: u32,
    },
    /// The worker could not be started at all.
    Broken,
}

/// One analysis: a label for what is shown, and the files.
pub struct Request {
    pub label: String,
    pub files: Vec<(String, Uint8Array)>,
    /// For timestamps without a year (syslog): the newest file's year, as the CLI does.
    pub reference_year: Option<i32>,
}

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
        self.error.set(None);
        self.note.set(None);
        if matches!(self.phase.get_untracked(), Phase::Working { .. }) {
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

    /// Stops the running analysis: terminates the worker and starts a fresh one.
    pub fn cancel(self) {
        if matches!(self.phase.get_untracked(), Phase::Working { .. }) {
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

    fn kill(self) {
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
            let message = ev
                .dyn_ref::<ErrorEvent>()
                .map(|e| e.message())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| "its script did not load".into());
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
        } = req;
        let list = Array::new();
        let transfer = Array::new();
        for (name, bytes) in &files {
            let f = Object::new();
            let _ = Reflect::set(&f, &"name".into(), &name.into());
            let _ = Reflect::set(&f, &"bytes".into(), bytes);
            list.push(&f);
            transfer.push(&bytes.buffer());
        }
        let msg = protocol::message(kind::ANALYZE);
        let _ = Reflect::set(&msg, &"files".into(), &list);
        if let Some(y) = reference_year {
            let _ = Reflect::set(&msg, &"referenceYear".into(), &y.into());
        }
        let total = files.len() as u32;
        let sent = self.live.try_update_value(|l| {
            let l = l.as_mut()?;
            l.in_flight = Some(label);
            Some(l.worker.post_message_with_transfer(&msg, &transfer))
        });
        match sent.flatten() {
            Some(Ok(())) => self.phase.set(Phase::Working {
                stage: Stage::Reading,
                done: 0,
                total,
            }),
            Some(Err(e)) => self.error.set(Some(format!(
                "Could not hand the files to the engine: {}",
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
                let stage = protocol::get_str(&data, "stage")
                    .and_then(|s| Stage::from_name(&s))
                    .unwrap_or(Stage::Analyzing);
                let done = protocol::get_u32(&data, "done");
                let total = protocol::get_u32(&data, "total");
                self.phase.set(Phase::Working { stage, done, total });
            }
            Some(kind::REPORT) => {
                let label = self.take_in_flight();
                let json = protocol::get_str(&data, "json").unwrap_or_default();
                match Analysis::from_json(json) {
                    Ok(analysis) => {
                        self.report.set(Some(Arc::new(analysis)));
                        self.shown.set(label);
                    }
                    Err(e) => self
                        .error
                        .set(Some(format!("The engine's report could not be read: {e}"))),
                }
                self.phase.set(Phase::Idle);
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
