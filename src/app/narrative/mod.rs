//! The Narrative view: an LLM's prose on top of the engine's report, from an endpoint the user
//! configured ([`settings`]), streamed ([`fetch`]), checked and shown turn by turn ([`turn`]).
//!
//! Promises: no request leaves the page until the user presses "Write narrative", "Ask" or
//! "Test connection"; then exactly the request the engine built ([`Conversation::request`]:
//! redacted findings and budgeted evidence, or a fixed one-word ping) goes to the configured
//! URL, and "Preview payload" shows it byte for byte before (key hidden). The engine's report
//! is read, never written: every failure here leaves the Report tab as it was. A request in
//! flight is aborted on Cancel, on a new analysis and when the view is dropped.

mod fetch;
pub mod settings;
mod turn;

use super::engine::Engine;
use super::model::Analysis;
use super::nav::{Nav, View};
use crate::narrative::{
    build_request, error_from_status, network_error, ChatMessage, Conversation, HttpRequest,
    LlmSettings, NarrativeError, NarrativeErrorKind, Payload, Role, StreamDecoder, StreamEvent,
};
use crate::report::Narrative;
use fetch::{Failure, Flight, Stop};
use leptos::prelude::*;
use settings::{Form, SettingsForm};
use std::rc::Rc;
use std::sync::Arc;
use turn::{Finished, State, Turn, TurnView};

/// The payload as the budget line describes it, or why there is none.
#[derive(Clone, PartialEq)]
struct Draft {
    info: String,
    pattern_error: Option<String>,
}

impl Draft {
    /// Said while the tab is hidden (never seen: the tab computes its line when shown).
    fn hidden() -> Draft {
        Draft {
            info: String::new(),
            pattern_error: None,
        }
    }

    /// The payload line for `report` with settings `s`: redacts it, so it is not cheap.
    fn of(report: &crate::Report, s: LlmSettings) -> Draft {
        match Conversation::start(report, s) {
            Ok(c) => {
                let p = c.payload();
                Draft {
                    info: format!(
                        "Payload ≈ {} tokens of {}: {} evidence line{} included, {} dropped.",
                        p.tokens,
                        p.budget,
                        p.evidence_included,
                        if p.evidence_included == 1 { "" } else { "s" },
                        p.evidence_dropped
                    ),
                    pattern_error: None,
                }
            }
            Err(e) if *e.kind() == NarrativeErrorKind::InvalidPattern => Draft {
                info: "No payload until the redaction patterns are valid.".into(),
                pattern_error: Some(e.message().to_string()),
            },
            Err(e) => Draft {
                info: e.message().to_string(),
                pattern_error: None,
            },
        }
    }
}

/// What "Preview payload" shows.
#[derive(Clone, PartialEq)]
struct Preview {
    /// The exact request (key hidden), or what the settings still lack to make one.
    request: Result<String, String>,
    /// The messages as text, with the placeholders handed out.
    readable: String,
    /// Opened when there is no request to show.
    readable_open: bool,
}

impl Preview {
    fn of(c: &Conversation) -> Preview {
        let mut readable = c.payload().preview();
        let ph = c.redactor().placeholders();
        readable.push_str(&format!(
            "--- redacted ---\n{} distinct value{} replaced by placeholders: {}\n",
            ph.len(),
            if ph.len() == 1 { "" } else { "s" },
            ph.iter()
                .map(|(p, _)| p.as_str())
                .collect::<Vec<_>>()
                .join(" ")
        ));
        let request = c.preview().map_err(|e| {
            format!(
                "{} The messages below are what it will carry.",
                capitalize(e.message())
            )
        });
        Preview {
            readable_open: request.is_err(),
            request,
            readable,
        }
    }
}

/// The view's state; `Copy` so handlers can share it.
#[derive(Clone, Copy)]
struct Ctl {
    engine: Engine,
    /// Where a finished narrative is saved with its report.
    history: super::history::History,
    form: Form,
    turns: RwSignal<Vec<Turn>>,
    /// The conversation whose answers were all received (follow-ups extend it).
    conv: StoredValue<Option<Conversation>, LocalStorage>,
    flight: StoredValue<Option<Rc<Flight>>, LocalStorage>,
    busy: RwSignal<bool>,
    next_id: StoredValue<usize>,
    /// A problem with the settings, shown above the buttons.
    notice: RwSignal<Option<String>>,
    /// The payload preview is open (it follows the settings and the report while open).
    show_preview: RwSignal<bool>,
    /// The last test connection: success and message.
    test: RwSignal<Option<(bool, String)>>,
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
        conv: StoredValue::new_local(None),
        flight: StoredValue::new_local(None),
        busy: RwSignal::new(false),
        next_id: StoredValue::new(0),
        notice: RwSignal::new(None),
        show_preview: RwSignal::new(false),
        test: RwSignal::new(None),
    };
    // A new analysis starts a new story: stop what runs, drop the old turns; a report reopened
    // from history with a saved narrative shows that narrative and its check.
    Effect::new(move |prev: Option<()>| {
        let report = engine.report.get();
        if prev.is_some() {
            ctl.stop();
            ctl.turns.set(Vec::new());
            ctl.conv.set_value(None);
        }
        if let Some(a) = report {
            if let Some(n) = &a.report.narrative {
                let id = ctl.next_id.get_value();
                ctl.next_id.set_value(id + 1);
                ctl.turns.set(vec![Turn::saved(id, &a.report, n)]);
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

    // The payload line redacts the report's findings and evidence: over 100 ms of the main
    // thread on a big report. So it is built only while this tab is shown (a report arriving
    // while another tab is shown costs nothing here), and once per report and settings.
    let nav = expect_context::<Nav>();
    let drafted: StoredValue<Option<(Arc<Analysis>, LlmSettings, Draft)>, LocalStorage> =
        StoredValue::new_local(None);
    let draft = Memo::new(move |prev: Option<&Draft>| {
        if nav.view.get() != View::Narrative {
            return prev.cloned().unwrap_or_else(Draft::hidden);
        }
        match (engine.report.get(), form.settings()) {
            (None, _) => Draft {
                info: "Analyze logs first; the payload is built from the report.".into(),
                pattern_error: None,
            },
            (_, Err(e)) => Draft {
                info: e,
                pattern_error: None,
            },
            (Some(a), Ok((s, _))) => {
                let known = drafted.with_value(|d| {
                    d.as_ref()
                        .filter(|(da, ds, _)| Arc::ptr_eq(da, &a) && *ds == s)
                        .map(|(_, _, d)| d.clone())
                });
                known.unwrap_or_else(|| {
                    let d = Draft::of(&a.report, s.clone());
                    drafted.set_value(Some((a, s, d.clone())));
                    d
                })
            }
        }
    });
    let preview = Memo::new(move |_| {
        if !ctl.show_preview.get() {
            return None;
        }
        let a = engine.report.get()?;
        let failed = |e: String| Preview {
            request: Err(e),
            readable: String::new(),
            readable_open: false,
        };
        Some(match form.settings() {
            Err(e) => failed(e),
            Ok((s, _)) => match Conversation::start(&a.report, s) {
                Ok(c) => Preview::of(&c),
                Err(e) => failed(capitalize(e.message())),
            },
        })
    });
    let budget_info = Signal::derive(move || draft.get().info);
    let pattern_error = Signal::derive(move || draft.get().pattern_error);
    let has_report = move || engine.report.with(Option::is_some);
    let busy = ctl.busy;
    let question = RwSignal::new(String::new());
    let can_ask = move || {
        !busy.get()
            && ctl.turns.with(|t| !t.is_empty())
            && ctl.conv.with_value(Option::is_some)
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
            <SettingsForm form=form budget_info=budget_info pattern_error=pattern_error />
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
                    {match p.request {
                        Ok(r) => view! {
                            <pre class="payload" data-testid="payload-preview" tabindex="0">{r}</pre>
                        }.into_any(),
                        Err(e) => view! {
                            <p class="error" data-testid="payload-preview-missing">{e}</p>
                        }.into_any(),
                    }}
                    <details open=p.readable_open>
                        <summary>"The same messages, readable"</summary>
                        <pre class="payload" data-testid="payload-readable" tabindex="0">{p.readable}</pre>
                    </details>
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

    /// Aborts the request in flight, if any.
    fn stop(self) {
        if let Some(Some(f)) = self.flight.try_get_value() {
            f.cancel();
        }
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

    fn start(self) -> Option<(Conversation, u32)> {
        let (s, timeout) = self.settings()?;
        let analysis = self.engine.report.get_untracked()?;
        match Conversation::start(&analysis.report, s) {
            Ok(c) => Some((c, timeout)),
            Err(e) => {
                self.notice.set(Some(e.message().to_string()));
                None
            }
        }
    }

    fn new_turn(self, question: Option<String>) -> Turn {
        let id = self.next_id.get_value();
        self.next_id.set_value(id + 1);
        let t = Turn::new(id, question);
        self.turns.update(|v| v.push(t.clone()));
        t
    }

    fn write(self) {
        if self.busy.get_untracked() {
            return;
        }
        let Some((c, timeout)) = self.start() else {
            return;
        };
        let Some(req) = self.request(&c) else { return };
        self.turns.set(Vec::new());
        self.conv.set_value(None);
        let t = self.new_turn(None);
        self.run(c, req, t, timeout);
    }

    fn ask(self, question: String) {
        if self.busy.get_untracked() {
            return;
        }
        let Some(mut c) = self.conv.get_value() else {
            return;
        };
        let timeout = self.form.settings().map_or(60, |(_, t)| t);
        c.ask(&question);
        let Some(req) = self.request(&c) else { return };
        let t = self.new_turn(Some(question));
        self.run(c, req, t, timeout);
    }

    /// `c`'s request, or a notice saying what the settings lack (no URL, no model).
    fn request(self, c: &Conversation) -> Option<HttpRequest> {
        match c.request() {
            Ok(r) => Some(r),
            Err(e) => {
                self.notice.set(Some(capitalize(e.message())));
                None
            }
        }
    }

    /// Streams `c`'s request into `t`; on success `c` (with the answer) becomes the conversation.
    fn run(self, mut c: Conversation, req: HttpRequest, t: Turn, timeout: u32) {
        let flight = match Flight::new(timeout) {
            Ok(f) => Rc::new(f),
            Err(e) => {
                t.error
                    .set(Some(format!("Could not start the request: {e}")));
                t.state.set(State::Failed);
                return;
            }
        };
        self.flight.set_value(Some(flight.clone()));
        self.busy.set(true);
        self.test.set(None);
        leptos::task::spawn_local(async move {
            let out = stream(&c, &req, &flight, &t).await;
            self.flight.set_value(None);
            self.busy.set(false);
            match out.result {
                Ok(()) => {
                    let text = c.restore(&out.raw);
                    t.text.set(text.clone());
                    let report = self.engine.report.get_untracked();
                    if let Some(a) = report {
                        let f = Finished::new(&c.checker(&a.report), &text, t.question.is_none());
                        if t.question.is_none() {
                            // The narrative and its check go to history with the report.
                            let s = c.settings();
                            self.history.attach_narrative(Narrative {
                                source: s.provider.name().to_string(),
                                model: s.model.clone(),
                                text: text.clone(),
                                check: Some(f.check().clone()),
                            });
                        }
                        t.finished.set(Some(Arc::new(f)));
                    }
                    t.state.set(State::Done);
                    c.record_answer(&out.raw);
                    self.conv.set_value(Some(c));
                }
                Err(None) => t.state.set(State::Cancelled),
                Err(Some(msg)) => {
                    t.error.set(Some(msg));
                    t.state.set(State::Failed);
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
        let ping = Payload {
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
        };
        let req = match build_request(&s, &ping) {
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

fn push_text(raw: &mut String, evs: Vec<StreamEvent>) {
    for e in evs {
        if let StreamEvent::Text(t) = e {
            raw.push_str(&t);
        }
    }
}

/// Sends `req` for `c`, showing the restored answer in `t` as it streams.
async fn stream(c: &Conversation, req: &HttpRequest, f: &Flight, t: &Turn) -> Outcome {
    let mut dec = c.decoder();
    let mut raw = String::new();
    let res = fetch::send(req, f, |b| {
        let evs = dec.feed(b)?;
        if evs.iter().any(|e| matches!(e, StreamEvent::Text(_))) {
            push_text(&mut raw, evs);
            t.text.set(c.restore(&raw));
        }
        Ok(())
    })
    .await;
    let result = finish(c.settings(), res, &mut dec, &mut raw);
    t.text.set(c.restore(&raw));
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
