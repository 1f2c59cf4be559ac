//! The Narrative view: an LLM's prose on top of the engine's report, from an endpoint the user
//! configured ([`settings`]), streamed ([`fetch`]), checked and shown turn by turn ([`turn`]).
//!
//! The engine half runs in the worker ([`crate::worker::protocol`]: `narrative`, `review`): it
//! redacts the report into the payload and checks the answers, so the page's wasm carries no
//! regex engine and no redaction rules, and a big report is redacted off the main thread. The
//! page keeps the network and the key: it builds the request from the payload the worker
//! returned ([`build_request`]), shows that request in the preview and sends that same request.
//!
//! Promises: no request leaves the page until the user presses "Write narrative", "Ask" or
//! "Test connection"; then exactly the request built from the worker's payload (redacted
//! findings and budgeted evidence, or a fixed one-word ping) goes to the configured URL, and
//! "Preview payload" shows it byte for byte before (key hidden). The engine's report is read,
//! never written: every failure here leaves the Report tab as it was. A request in flight is
//! aborted on Cancel, on a new analysis and when the view is dropped; an answer the worker is
//! still preparing or checking is dropped then too.

mod fetch;
pub mod settings;
mod turn;

use super::engine::{Answer, Engine, Phase};
use super::model::Analysis;
use super::nav::{Nav, View};
use crate::narrative::{
    build_request, error_from_status, network_error, ChatMessage, Exchange, HttpRequest,
    LlmSettings, NarrativeError, Payload, Restorer, Review, Role, StreamDecoder, StreamEvent,
};
use crate::report::Narrative;
use crate::worker::protocol::{self, kind, PayloadAnswer, PayloadAsk, ReviewAsk};
use fetch::{Failure, Flight, Stop};
use leptos::prelude::*;
use settings::{Form, SettingsForm};
use std::rc::Rc;
use std::sync::Arc;
use turn::{State, Turn, TurnView};

/// What a payload is built from: the report on screen, the token budget and the user's
/// patterns. Keys are equal when they name the same report (the same `Arc`) and settings.
#[derive(Clone)]
struct Key {
    analysis: Arc<Analysis>,
    budget: usize,
    patterns: Vec<String>,
}

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        Arc::ptr_eq(&self.analysis, &other.analysis)
            && self.budget == other.budget
            && self.patterns == other.patterns
    }
}

impl Key {
    fn of(analysis: &Arc<Analysis>, s: &LlmSettings) -> Key {
        Key {
            analysis: Arc::clone(analysis),
            budget: s.budget_tokens,
            patterns: s.redact_patterns.clone(),
        }
    }

    /// The worker's request for this key's payload after `turns`.
    fn ask(&self, turns: Vec<Exchange>) -> Result<js_sys::Object, String> {
        let ask = PayloadAsk {
            budget: self.budget,
            patterns: self.patterns.clone(),
            turns,
        };
        let json = serde_json::to_string(&ask).map_err(|e| e.to_string())?;
        Ok(with_report(&self.analysis, json))
    }
}

/// A request's fields: the report's JSON text and the typed request's.
fn with_report(a: &Analysis, json: String) -> js_sys::Object {
    let fields = js_sys::Object::new();
    protocol::set(&fields, "report", &a.json.as_ref().into());
    protocol::set(&fields, "json", &json.into());
    fields
}

/// A payload the worker built: what is sent, how answers are restored, what was replaced.
#[derive(PartialEq)]
struct Built {
    payload: Payload,
    restorer: Restorer,
    placeholders: Vec<String>,
}

/// The worker's answer for a key.
#[derive(Clone, PartialEq)]
enum Drafted {
    /// Asked, not answered yet.
    Building,
    Built(Arc<Built>),
    /// A user pattern does not compile: the engine's message.
    BadPattern(String),
    /// The worker did not answer (it was not running or was restarted): asked again when it is.
    Lost(String),
}

/// The worker's answer to a payload request.
fn drafted(answer: Answer) -> Drafted {
    let json = match answer {
        Ok(json) => json,
        Err((e, _)) => return Drafted::Lost(e),
    };
    match serde_json::from_str::<PayloadAnswer>(&json) {
        Ok(PayloadAnswer::Ready {
            payload,
            restorer,
            placeholders,
        }) => Drafted::Built(Arc::new(Built {
            payload,
            restorer,
            placeholders,
        })),
        Ok(PayloadAnswer::InvalidPattern(e)) => Drafted::BadPattern(e),
        Err(e) => Drafted::Lost(format!("the engine's payload could not be read: {e}")),
    }
}

/// The budget line: what it says, whether it is final, and the pattern error if any.
#[derive(Clone, PartialEq)]
struct Line {
    info: String,
    ready: bool,
    pattern_error: Option<String>,
}

impl Line {
    fn said(info: impl Into<String>) -> Line {
        Line {
            info: info.into(),
            ready: true,
            pattern_error: None,
        }
    }

    fn of(d: &Drafted) -> Line {
        match d {
            Drafted::Building => Line {
                ready: false,
                ..Line::said("Building the payload…")
            },
            Drafted::Built(b) => {
                let p = &b.payload;
                Line::said(format!(
                    "Payload ≈ {} tokens of {}: {} evidence line{} included, {} dropped.",
                    p.tokens,
                    p.budget,
                    p.evidence_included,
                    if p.evidence_included == 1 { "" } else { "s" },
                    p.evidence_dropped
                ))
            }
            Drafted::BadPattern(e) => Line {
                pattern_error: Some(e.clone()),
                ..Line::said("No payload until the redaction patterns are valid.")
            },
            Drafted::Lost(e) => Line {
                ready: false,
                ..Line::said(format!(
                    "No payload yet ({e}); asked again when the engine runs."
                ))
            },
        }
    }
}

/// What "Preview payload" shows.
#[derive(Clone, PartialEq)]
enum Preview {
    /// The worker is still building the payload.
    Building,
    Shown {
        /// The exact request (key hidden), or what the settings still lack to make one.
        request: Result<String, String>,
        /// The messages as text, with the placeholders handed out.
        readable: String,
        /// Opened when there is no request to show.
        readable_open: bool,
    },
}

impl Preview {
    fn failed(e: String) -> Preview {
        Preview::Shown {
            request: Err(e),
            readable: String::new(),
            readable_open: false,
        }
    }

    fn of(s: &LlmSettings, b: &Built) -> Preview {
        let mut readable = b.payload.preview();
        let ph = &b.placeholders;
        readable.push_str(&format!(
            "--- redacted ---\n{} distinct value{} replaced by placeholders: {}\n",
            ph.len(),
            if ph.len() == 1 { "" } else { "s" },
            ph.join(" ")
        ));
        let request = build_request(s, &b.payload)
            .map(|r| r.preview())
            .map_err(|e| {
                format!(
                    "{} The messages below are what it will carry.",
                    capitalize(e.message())
                )
            });
        Preview::Shown {
            readable_open: request.is_err(),
            request,
            readable,
        }
    }
}

/// The conversation whose answers were all received (follow-ups extend it): the settings of
/// its first request, what its payload was built from, and its turns.
#[derive(Clone)]
struct Chat {
    settings: LlmSettings,
    key: Key,
    turns: Vec<Exchange>,
}

/// The view's state; `Copy` so handlers can share it.
#[derive(Clone, Copy)]
struct Ctl {
    engine: Engine,
    /// Where a finished narrative is saved with its report.
    history: super::history::History,
    form: Form,
    turns: RwSignal<Vec<Turn>>,
    chat: StoredValue<Option<Chat>, LocalStorage>,
    flight: StoredValue<Option<Rc<Flight>>, LocalStorage>,
    /// A request is being prepared, sent or checked.
    busy: RwSignal<bool>,
    /// The turn whose payload the worker is preparing or whose answer it is checking, if any
    /// (Cancel ends it: what arrived is kept).
    preparing: StoredValue<Option<Turn>, LocalStorage>,
    /// Bumped by Cancel and by a new report: a worker answer for an older one is dropped.
    ticket: StoredValue<u64>,
    next_id: StoredValue<usize>,
    /// A problem with the settings, shown above the buttons.
    notice: RwSignal<Option<String>>,
    /// The payload preview is open (it follows the settings and the report while open).
    show_preview: RwSignal<bool>,
    /// The last test connection: success and message.
    test: RwSignal<Option<(bool, String)>>,
    /// The payload for the last key asked, as far as the worker answered.
    draft: RwSignal<Option<(Key, Drafted)>, LocalStorage>,
    /// A reopened narrative whose review the worker has not given yet, and whether it was
    /// asked for.
    saved: StoredValue<Option<(Turn, Narrative, bool)>, LocalStorage>,
}

#[component]
pub fn NarrativeView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let form = Form::load();
    form.persist();
    let ctl = Ctl {
        engine,
        history: expect_context::<super::history::History>(),
        form,
        turns: RwSignal::new(Vec::new()),
        chat: StoredValue::new_local(None),
        flight: StoredValue::new_local(None),
        busy: RwSignal::new(false),
        preparing: StoredValue::new_local(None),
        ticket: StoredValue::new(0),
        next_id: StoredValue::new(0),
        notice: RwSignal::new(None),
        show_preview: RwSignal::new(false),
        test: RwSignal::new(None),
        draft: RwSignal::new_local(None),
        saved: StoredValue::new_local(None),
    };
    // A new analysis starts a new story: stop what runs, drop the old turns; a report reopened
    // from history with a saved narrative shows that narrative, and its check once the worker
    // has reviewed it.
    Effect::new(move |prev: Option<()>| {
        let report = engine.report.get();
        if prev.is_some() {
            ctl.stop();
            ctl.turns.set(Vec::new());
            ctl.chat.set_value(None);
            ctl.saved.set_value(None);
        }
        if let Some(a) = report {
            if let Some(n) = &a.report.narrative {
                let t = Turn::saved(ctl.next_id(), n);
                ctl.turns.set(vec![t.clone()]);
                ctl.saved.set_value(Some((t, n.clone(), false)));
                ctl.review_saved();
            }
        }
    });
    // Escape cancels a request in flight (focus may be anywhere: the Write button it started
    // from is disabled meanwhile).
    let esc = window_event_listener(leptos::ev::keydown, move |ev| {
        if ev.key() == "Escape" && ctl.busy.try_get_untracked() == Some(true) {
            ctl.stop();
        }
    });
    on_cleanup(move || {
        esc.remove();
        ctl.stop();
    });

    // The payload is asked of the worker only while this tab is shown (a report arriving while
    // another tab is shown costs nothing here), once per report, budget and patterns; again
    // when the worker that was asked went away (the phase changes when a new one is ready).
    let nav = expect_context::<Nav>();
    Effect::new(move |_| {
        let phase = engine.phase.get();
        if phase == Phase::Idle {
            ctl.review_saved();
        }
        if nav.view.get() != View::Narrative {
            return;
        }
        let (Some(a), Ok((s, _))) = (engine.report.get(), form.settings()) else {
            return;
        };
        let key = Key::of(&a, &s);
        let known = ctl.draft.with_untracked(|d| {
            d.as_ref()
                .is_some_and(|(k, d)| *k == key && !matches!(d, Drafted::Lost(_)))
        });
        if !known && phase != Phase::Starting {
            ctl.build(key);
        }
    });
    let line = Memo::new(move |_| match (engine.report.get(), form.settings()) {
        (None, _) => Line::said("Analyze logs first; the payload is built from the report."),
        (_, Err(e)) => Line::said(e),
        (Some(a), Ok((s, _))) => {
            let key = Key::of(&a, &s);
            ctl.draft.with(|d| match d {
                Some((k, d)) if *k == key => Line::of(d),
                _ => Line::of(&Drafted::Building),
            })
        }
    });
    let preview = Memo::new(move |_| {
        if !ctl.show_preview.get() {
            return None;
        }
        let a = engine.report.get()?;
        Some(match form.settings() {
            Err(e) => Preview::failed(e),
            Ok((s, _)) => {
                let key = Key::of(&a, &s);
                ctl.draft.with(|d| match d {
                    Some((k, Drafted::Built(b))) if *k == key => Preview::of(&s, b),
                    Some((k, Drafted::BadPattern(e))) if *k == key => {
                        Preview::failed(capitalize(e))
                    }
                    _ => Preview::Building,
                })
            }
        })
    });
    let budget_info = Signal::derive(move || line.get().info);
    let budget_ready = Signal::derive(move || line.get().ready);
    let pattern_error = Signal::derive(move || line.get().pattern_error);
    let has_report = move || engine.report.with(Option::is_some);
    let busy = ctl.busy;
    let question = RwSignal::new(String::new());
    let can_ask = move || {
        !busy.get()
            && ctl.turns.with(|t| !t.is_empty())
            && ctl.chat.with_value(Option::is_some)
            && ctl
                .turns
                .with(|t| t.last().is_some_and(|t| t.state.get() == State::Done))
    };
    let ask = move || {
        let q = question.get_untracked();
        if q.trim().is_empty() || !can_ask() {
            return;
        }
        question.set(String::new());
        ctl.ask(q.trim().to_string());
    };

    view! {
        <section class="panel narrative" data-testid="narrative">
            <h2>"Narrative (optional, from an LLM you configure)"</h2>
            <p class="hint intro">
                "An LLM writes prose on top of the engine's report; the report itself never changes. "
                "Nothing is sent until you press Write narrative, Ask or Test connection; then only "
                "the redacted payload you can preview goes to the endpoint below. Escape cancels."
            </p>
            <SettingsForm
                form=form
                budget_info=budget_info
                budget_ready=budget_ready
                pattern_error=pattern_error
            />
            <div class="row actions">
                <button
                    type="button"
                    data-testid="llm-test"
                    disabled=move || busy.get()
                    on:click=move |_| ctl.test_connection()
                >
                    "Test connection"
                </button>
                <button
                    type="button"
                    data-testid="llm-preview"
                    disabled=move || !has_report()
                    on:click=move |_| ctl.show_preview.set(true)
                >
                    "Preview payload"
                </button>
                <button
                    type="button"
                    class="primary"
                    data-testid="llm-write"
                    disabled=move || busy.get() || !has_report()
                    on:click=move |_| ctl.write()
                >
                    "Write narrative"
                </button>
                <button
                    type="button"
                    data-testid="llm-cancel"
                    disabled=move || !busy.get()
                    on:click=move |_| ctl.stop()
                >
                    "Cancel"
                </button>
            </div>
            {move || ctl.test.get().map(|(ok, msg)| view! {
                <p
                    class=if ok { "test-ok" } else { "error" }
                    role="status"
                    data-testid="llm-test-result"
                    data-ok=ok.to_string()
                >
                    {msg}
                </p>
            })}
            {move || ctl.notice.get().map(|m| view! {
                <p class="error" role="alert" data-testid="llm-notice">{m}</p>
            })}
            {move || preview.get().map(|p| view! {
                <div class="preview" data-testid="payload-preview-box">
                    <div class="row preview-head">
                        <strong>"Exactly what will be sent (the key is hidden)"</strong>
                        <button type="button" class="link" data-testid="llm-preview-close"
                            on:click=move |_| ctl.show_preview.set(false)>"close"</button>
                    </div>
                    {match p {
                        Preview::Building => view! {
                            <p class="muted" data-testid="payload-preview-building" aria-busy="true">
                                "Building the payload (redacting the findings and evidence)…"
                            </p>
                        }.into_any(),
                        Preview::Shown { request, readable, readable_open } => view! {
                            {match request {
                                Ok(r) => view! {
                                    <pre class="payload" data-testid="payload-preview" tabindex="0">{r}</pre>
                                }.into_any(),
                                Err(e) => view! {
                                    <p class="error" data-testid="payload-preview-missing">{e}</p>
                                }.into_any(),
                            }}
                            <details open=readable_open>
                                <summary>"The same messages, readable"</summary>
                                <pre class="payload" data-testid="payload-readable" tabindex="0">{readable}</pre>
                            </details>
                        }.into_any(),
                    }}
                </div>
            })}
            <div class="turns" data-testid="narrative-turns">
                <For each=move || ctl.turns.get() key=|t| t.id let:t>
                    <TurnView turn=t />
                </For>
            </div>
            <Show when=move || ctl.turns.with(|t| !t.is_empty())>
                <form
                    class="ask"
                    data-testid="followup-form"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        ask();
                    }
                >
                    <label for="llm-question">"Follow-up question"</label>
                    <div class="row">
                        <input
                            id="llm-question"
                            data-testid="followup-input"
                            type="text"
                            autocomplete="off"
                            placeholder="e.g. Why did the pool drain so fast?"
                            prop:value=move || question.get()
                            on:input=move |ev| question.set(event_target_value(&ev))
                        />
                        <button type="submit" data-testid="followup-send" disabled=move || !can_ask()>
                            "Ask"
                        </button>
                    </div>
                    <p class="hint">
                        "Asked after a narrative; redacted like the payload and checked like the answer."
                    </p>
                </form>
            </Show>
        </section>
    }
}

/// What one streamed request needs after it ends.
struct Outcome {
    raw: String,
    result: Result<(), Option<String>>,
}

impl Ctl {
    fn page_origin() -> Option<String> {
        web_sys::window().and_then(|w| w.location().origin().ok())
    }

    fn next_id(self) -> usize {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        id
    }

    /// Asks the worker for `key`'s first payload; its answer becomes the draft if the key is
    /// still the one asked for.
    fn build(self, key: Key) {
        let fields = match key.ask(Vec::new()) {
            Ok(f) => f,
            Err(e) => return self.draft.set(Some((key, Drafted::Lost(e)))),
        };
        self.draft.set(Some((key.clone(), Drafted::Building)));
        self.engine.query(kind::NARRATIVE, &fields, move |answer| {
            let d = drafted(answer);
            self.draft.update(|cur| {
                if cur.as_ref().is_some_and(|(k, _)| *k == key) {
                    *cur = Some((key, d));
                }
            });
        });
    }

    /// Stops what runs: the request in flight is aborted (its turn says so when it ends); a
    /// turn still being prepared is cancelled now; a worker answer still to come is dropped.
    fn stop(self) {
        self.ticket.try_update_value(|t| *t += 1);
        if let Some(Some(f)) = self.flight.try_get_value() {
            // The stream ends as cancelled and frees `busy` itself.
            f.cancel();
            return;
        }
        if let Some(Some(t)) = self.preparing.try_update_value(Option::take) {
            t.state.set(State::Cancelled);
        }
        self.busy.try_set(false);
    }

    fn settings(self) -> Option<(LlmSettings, u32)> {
        match self.form.settings() {
            Ok(s) => {
                self.notice.set(None);
                Some(s)
            }
            Err(e) => {
                self.notice.set(Some(e));
                None
            }
        }
    }

    fn new_turn(self, question: Option<String>) -> Turn {
        let t = Turn::new(self.next_id(), question);
        self.turns.update(|v| v.push(t.clone()));
        t
    }

    fn write(self) {
        if self.busy.get_untracked() {
            return;
        }
        let Some((s, timeout)) = self.settings() else {
            return;
        };
        // The settings make a request (a URL and a model) before the worker is asked.
        if let Err(e) = build_request(&s, &ping()) {
            self.notice.set(Some(capitalize(e.message())));
            return;
        }
        let Some(analysis) = self.engine.report.get_untracked() else {
            return;
        };
        let key = Key::of(&analysis, &s);
        self.turns.set(Vec::new());
        self.chat.set_value(None);
        self.saved.set_value(None);
        let t = self.new_turn(None);
        let chat = Chat {
            settings: s,
            key,
            turns: Vec::new(),
        };
        // The payload the preview showed, when it is for these settings.
        let shown = self.draft.with_untracked(|d| match d {
            Some((k, Drafted::Built(b))) if *k == chat.key => Some(Arc::clone(b)),
            _ => None,
        });
        match shown {
            Some(b) => self.run(chat, b, t, timeout),
            None => self.prepare(chat, t, timeout),
        }
    }

    fn ask(self, question: String) {
        if self.busy.get_untracked() {
            return;
        }
        let Some(chat) = self.chat.get_value() else {
            return;
        };
        let timeout = self.form.settings().map_or(60, |(_, t)| t);
        let t = self.new_turn(Some(question));
        self.prepare(chat, t, timeout);
    }

    /// Asks the worker for the payload of `chat` with `t`'s question, then sends it.
    fn prepare(self, chat: Chat, t: Turn, timeout: u32) {
        let mut turns = chat.turns.clone();
        if t.question.is_some() {
            turns.push(Exchange {
                question: t.question.clone(),
                answer: None,
            });
        }
        let fields = match chat.key.ask(turns) {
            Ok(f) => f,
            Err(e) => return fail(&t, e),
        };
        self.busy.set(true);
        self.preparing.set_value(Some(t.clone()));
        let ticket = self.ticket.get_value();
        self.engine.query(kind::NARRATIVE, &fields, move |answer| {
            if self.ticket.try_get_value() != Some(ticket) {
                return;
            }
            self.preparing.set_value(None);
            match drafted(answer) {
                Drafted::Built(b) => self.run(chat, b, t, timeout),
                Drafted::BadPattern(e) | Drafted::Lost(e) => {
                    self.busy.set(false);
                    fail(&t, capitalize(&e));
                }
                Drafted::Building => {}
            }
        });
    }

    /// Streams the request for `b` (built from `chat`) into `t`, then has it reviewed.
    fn run(self, chat: Chat, b: Arc<Built>, t: Turn, timeout: u32) {
        let req = match build_request(&chat.settings, &b.payload) {
            Ok(r) => r,
            Err(e) => {
                self.busy.set(false);
                return fail(&t, capitalize(e.message()));
            }
        };
        let flight = match Flight::new(timeout) {
            Ok(f) => Rc::new(f),
            Err(e) => {
                self.busy.set(false);
                return fail(&t, format!("Could not start the request: {e}"));
            }
        };
        self.flight.set_value(Some(flight.clone()));
        self.busy.set(true);
        self.test.set(None);
        leptos::task::spawn_local(async move {
            let out = stream(&chat.settings, &b.restorer, &req, &flight, &t).await;
            self.flight.set_value(None);
            match out.result {
                Ok(()) => self.review(chat, b, t, out.raw),
                Err(None) => {
                    self.busy.set(false);
                    t.state.set(State::Cancelled);
                }
                Err(Some(msg)) => {
                    self.busy.set(false);
                    fail(&t, msg);
                }
            }
        });
    }

    /// Has the worker check the complete answer `raw` of `t`; then the turn is done and the
    /// conversation goes on from it (a narrative is saved with its report in history).
    fn review(self, mut chat: Chat, b: Arc<Built>, t: Turn, raw: String) {
        let text = b.restorer.restore(&raw);
        t.text.set(text.clone());
        let root = t.question.is_none();
        let ask = ReviewAsk {
            text: text.clone(),
            root,
            evidence: Some(b.payload.evidence.clone()),
            saved: None,
        };
        let analysis = Arc::clone(&chat.key.analysis);
        self.preparing.set_value(Some(t.clone()));
        let ticket = self.ticket.get_value();
        let done = move |review: Result<Review, (String, bool)>| {
            if self.ticket.try_get_value() != Some(ticket) {
                return;
            }
            self.preparing.set_value(None);
            self.busy.set(false);
            match review {
                Ok(r) => {
                    if root {
                        self.history.attach_narrative(Narrative {
                            source: chat.settings.provider.name().to_string(),
                            model: chat.settings.model.clone(),
                            text,
                            check: Some(r.check.clone()),
                        });
                    }
                    t.finished.set(Some(Arc::new(r)));
                }
                Err((e, _)) => t
                    .error
                    .set(Some(format!("The answer could not be checked ({e})."))),
            }
            t.state.set(State::Done);
            chat.turns.push(Exchange {
                question: t.question.clone(),
                answer: Some(raw),
            });
            self.chat.set_value(Some(chat));
        };
        self.ask_review(&analysis, &ask, done);
    }

    /// Sends `ask` about `a` to the worker; `done` gets the review, or why there is none and
    /// whether the worker went away before answering.
    fn ask_review(
        self,
        a: &Analysis,
        ask: &ReviewAsk,
        done: impl FnOnce(Result<Review, (String, bool)>) + 'static,
    ) {
        let json = match serde_json::to_string(ask) {
            Ok(j) => j,
            Err(e) => return done(Err((e.to_string(), false))),
        };
        self.engine
            .query(kind::REVIEW, &with_report(a, json), move |answer| {
                done(answer.and_then(|json| {
                    serde_json::from_str::<Review>(&json)
                        .map_err(|e| (format!("the engine's review could not be read: {e}"), false))
                }))
            });
    }

    /// Has the worker review the reopened narrative, unless it is doing so; asked again (the
    /// phase effect) when the worker went away before answering.
    fn review_saved(self) {
        let Some(Some((t, n, false))) = self.saved.try_get_value() else {
            return;
        };
        let Some(analysis) = self.engine.report.get_untracked() else {
            return;
        };
        self.saved.set_value(Some((t.clone(), n.clone(), true)));
        let ask = ReviewAsk {
            text: n.text.clone(),
            root: true,
            evidence: None,
            saved: n.check.clone(),
        };
        let ticket = self.ticket.get_value();
        self.ask_review(&analysis, &ask, move |review| {
            if self.ticket.try_get_value() != Some(ticket) {
                return;
            }
            match review {
                Ok(r) => {
                    t.finished.set(Some(Arc::new(r)));
                    self.saved.set_value(None);
                }
                // Not running, or restarted: asked again when the worker is idle.
                Err((_, true)) => self.saved.update_value(|s| {
                    if let Some(s) = s {
                        s.2 = false;
                    }
                }),
                Err((e, false)) => {
                    t.error.set(Some(format!(
                        "The saved narrative could not be checked ({e})."
                    )));
                    self.saved.set_value(None);
                }
            }
        });
    }

    fn test_connection(self) {
        if self.busy.get_untracked() {
            return;
        }
        let Some((mut s, timeout)) = self.settings() else {
            return;
        };
        s.max_tokens = 8;
        let req = match build_request(&s, &ping()) {
            Ok(r) => r,
            Err(e) => {
                self.test.set(Some((false, e.message().to_string())));
                return;
            }
        };
        let Ok(flight) = Flight::new(timeout.min(30)) else {
            return;
        };
        let flight = Rc::new(flight);
        self.flight.set_value(Some(flight.clone()));
        self.busy.set(true);
        self.test.set(Some((true, format!("Testing {}…", req.url))));
        leptos::task::spawn_local(async move {
            let started = js_sys::Date::now();
            let mut dec = StreamDecoder::new(s.provider);
            let mut raw = String::new();
            let res = fetch::send(&req, &flight, |b| {
                push_text(&mut raw, dec.feed(b)?);
                Ok(())
            })
            .await;
            let result = finish(&s, res, &mut dec, &mut raw);
            self.flight.set_value(None);
            self.busy.set(false);
            let ms = (js_sys::Date::now() - started).round();
            self.test.set(Some(match result {
                Ok(()) => {
                    let said: String = raw.trim().chars().take(40).collect();
                    (
                        true,
                        format!(
                            "Connected: {} answered {said:?} with model {:?} in {ms} ms.",
                            req.url, s.model
                        ),
                    )
                }
                Err(None) => (false, "Test cancelled.".into()),
                Err(Some(m)) => (false, m),
            }));
        });
    }
}

/// The fixed payload of "Test connection": no log data.
fn ping() -> Payload {
    Payload {
        system: "This is a connection test. Reply with the single word OK.".into(),
        messages: vec![ChatMessage {
            role: Role::User,
            content: "ping".into(),
        }],
        evidence_included: 0,
        evidence_dropped: 0,
        evidence: Vec::new(),
        tokens: 0,
        budget: 0,
    }
}

/// Ends `t` as failed with `msg`.
fn fail(t: &Turn, msg: String) {
    t.error.set(Some(msg));
    t.state.set(State::Failed);
}

fn push_text(raw: &mut String, evs: Vec<StreamEvent>) {
    for e in evs {
        if let StreamEvent::Text(t) = e {
            raw.push_str(&t);
        }
    }
}

/// Sends `req`, showing the answer in `t` as it streams, placeholders restored by `r`.
async fn stream(s: &LlmSettings, r: &Restorer, req: &HttpRequest, f: &Flight, t: &Turn) -> Outcome {
    let mut dec = StreamDecoder::new(s.provider);
    let mut raw = String::new();
    let res = fetch::send(req, f, |b| {
        let evs = dec.feed(b)?;
        if evs.iter().any(|e| matches!(e, StreamEvent::Text(_))) {
            push_text(&mut raw, evs);
            t.text.set(r.restore(&raw));
        }
        Ok(())
    })
    .await;
    let result = finish(s, res, &mut dec, &mut raw);
    t.text.set(r.restore(&raw));
    Outcome { raw, result }
}

/// How a request ended: `Ok`, cancelled (`Err(None)`), or a message a person can act on.
fn finish(
    s: &LlmSettings,
    res: Result<(), Failure>,
    dec: &mut StreamDecoder,
    raw: &mut String,
) -> Result<(), Option<String>> {
    let err = match res {
        Ok(()) => match dec.finish() {
            Ok(evs) => {
                push_text(raw, evs);
                return Ok(());
            }
            Err(e) => e,
        },
        Err(Failure::Stopped(Stop::Cancelled)) => return Err(None),
        Err(Failure::Stopped(Stop::Timeout(secs))) => NarrativeError::timeout(u64::from(secs)),
        Err(Failure::Network(detail)) => network_error(s, &detail, Ctl::page_origin().as_deref()),
        Err(Failure::Status {
            status,
            retry_after,
            body,
        }) => error_from_status(s, status, retry_after.as_deref(), &body),
        Err(Failure::Decode(e)) => e,
    };
    Err(Some(capitalize(err.message())))
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
