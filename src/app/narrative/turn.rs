//! One exchange with the model on the page: the question (for follow-ups), the answer as it
//! streams, then its sections with the check's flags marked inline and, when the model names
//! another root cause than the engine, both side by side with their evidence.
//!
//! Promises: model and log text are only ever text nodes (never markup); a failed or cancelled
//! turn keeps what arrived and says so.

use super::super::nav::EvidenceLink;
use crate::narrative::{Check, Disagreement, FlagKind, Review, Section, Side};
use crate::report::Narrative;
use leptos::prelude::*;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    Streaming,
    Done,
    Failed,
    Cancelled,
}

impl State {
    fn key(self) -> &'static str {
        match self {
            State::Streaming => "streaming",
            State::Done => "done",
            State::Failed => "failed",
            State::Cancelled => "cancelled",
        }
    }
}

/// A section's test id and title.
fn section_label(s: Section) -> (&'static str, &'static str) {
    match s {
        Section::Summary => ("summary", "Summary"),
        Section::RootCause => ("root-cause", "Root cause"),
        Section::FiveWhys => ("five-whys", "Five whys"),
        Section::StatusUpdate => ("status-update", "Customer status update"),
        Section::Postmortem => ("postmortem", "Postmortem"),
    }
}

/// One turn; the signals are reference-counted so a turn outlives the handler that made it.
#[derive(Clone)]
pub struct Turn {
    pub id: usize,
    /// The user's follow-up question; `None` for the narrative itself.
    pub question: Option<String>,
    /// The answer so far, placeholders restored.
    pub text: ArcRwSignal<String>,
    pub state: ArcRwSignal<State>,
    pub error: ArcRwSignal<Option<String>>,
    /// The worker's review of the complete answer (sections and check).
    pub finished: ArcRwSignal<Option<Arc<Review>>>,
    /// For a narrative saved with a reopened report: who wrote it (provider, model).
    pub saved: Option<String>,
}

impl Turn {
    pub fn new(id: usize, question: Option<String>) -> Turn {
        Turn {
            id,
            question,
            text: ArcRwSignal::new(String::new()),
            state: ArcRwSignal::new(State::Streaming),
            error: ArcRwSignal::new(None),
            finished: ArcRwSignal::new(None),
            saved: None,
        }
    }

    /// The finished turn of a narrative saved with its report; its review (the saved check,
    /// sections checked again) is set when the worker gives it.
    pub fn saved(id: usize, n: &Narrative) -> Turn {
        let t = Turn::new(id, None);
        t.text.set(n.text.clone());
        t.state.set(State::Done);
        Turn {
            saved: Some(format!("{} model {}", n.source, n.model)),
            ..t
        }
    }
}

#[component]
pub fn TurnView(turn: Turn) -> impl IntoView {
    let Turn {
        question,
        text,
        state,
        error,
        finished,
        saved,
        ..
    } = turn;
    let state_attr = {
        let state = state.clone();
        move || state.get().key()
    };
    let body = {
        let state = state.clone();
        move || match finished.get() {
            Some(f) => view! { <FinishedView f=f /> }.into_any(),
            None => {
                let text = text.clone();
                let partial = state.get() != State::Streaming;
                view! {
                    <div
                        class="answer-text live"
                        class:partial=partial
                        data-testid="narrative-live"
                        aria-live="polite"
                        aria-busy=move || (!partial).to_string()
                    >
                        {move || text.get()}
                    </div>
                }
                .into_any()
            }
        }
    };
    let note = move || match state.get() {
        State::Streaming => Some(
            view! {
                <p class="muted" data-testid="narrative-streaming">"Writing…"</p>
            }
            .into_any(),
        ),
        State::Cancelled => Some(
            view! {
                <p class="muted" data-testid="narrative-cancelled">
                    "Cancelled. What arrived before is kept below; the report is unchanged."
                </p>
            }
            .into_any(),
        ),
        _ => None,
    };
    view! {
        <article class="turn" data-testid="narrative-turn" data-state=state_attr>
            {question.map(|q| view! {
                <p class="question" data-testid="turn-question">
                    <span class="label">"You asked"</span>
                    {q}
                </p>
            })}
            {saved.map(|who| view! {
                <p class="muted" data-testid="narrative-saved">
                    {format!("Saved with this analysis in history (written by the {who}); checked when it was written.")}
                </p>
            })}
            {note}
            {move || error.get().map(|e| view! {
                <p class="error" role="alert" data-testid="narrative-error">
                    {e}
                    " The engine's report is unchanged."
                </p>
            })}
            {body}
        </article>
    }
}

#[component]
fn FinishedView(f: Arc<Review>) -> impl IntoView {
    let flags = f.check.flags.len();
    let summary = if flags == 0 {
        "Every service, host and number in this answer is in the findings.".to_string()
    } else {
        format!(
            "{flags} name{} or number{} in this answer {} not in the findings (marked).",
            if flags == 1 { "" } else { "s" },
            if flags == 1 { "" } else { "s" },
            if flags == 1 { "is" } else { "are" },
        )
    };
    let body = if f.answer.structured {
        f.sections
            .iter()
            .map(|(s, t, c)| {
                let (key, title) = section_label(*s);
                view! {
                    <section class="answer-section" data-testid=format!("narrative-{key}")>
                        <h3>{title}</h3>
                        <Marked text=t.clone() check=c.clone() />
                    </section>
                }
            })
            .collect_view()
            .into_any()
    } else {
        view! {
            <section class="answer-section" data-testid="narrative-plain">
                <Marked text=f.answer.text.clone() check=f.check.clone() />
            </section>
        }
        .into_any()
    };
    view! {
        <div class="answer" data-testid="narrative-answer">
            <p class="muted check-summary" data-testid="narrative-check" data-flags=flags>
                {summary}
            </p>
            {f.check.disagreement.clone().map(|d| view! { <DisagreementView d=d /> })}
            {body}
        </div>
    }
}

fn flag_title(k: FlagKind) -> &'static str {
    match k {
        FlagKind::Service => "not in the findings: the engine found no such service",
        FlagKind::Host => "not in the findings: no such host in the report",
        FlagKind::Number => "not in the findings: no such number in the report",
        FlagKind::Citation => {
            "this evidence id was not sent, or its line does not show what the sentence says"
        }
    }
}

fn flag_key(k: FlagKind) -> &'static str {
    match k {
        FlagKind::Service => "service",
        FlagKind::Host => "host",
        FlagKind::Number => "number",
        FlagKind::Citation => "citation",
    }
}

/// Text with the check's flags as `<mark>`s; every piece is a text node.
#[component]
fn Marked(text: String, check: Check) -> impl IntoView {
    let pieces: Vec<(String, Option<FlagKind>)> = check
        .segments(&text)
        .into_iter()
        .map(|(s, f)| (s.to_string(), f.map(|f| f.kind)))
        .collect();
    view! {
        <div class="answer-text">
            {pieces
                .into_iter()
                .map(|(s, k)| match k {
                    Some(k) => view! {
                        <mark
                            class="flag"
                            data-testid="narrative-flag"
                            data-kind=flag_key(k)
                            title=flag_title(k)
                        >
                            {s}
                        </mark>
                    }
                    .into_any(),
                    None => s.into_any(),
                })
                .collect_view()}
        </div>
    }
}

#[component]
fn DisagreementView(d: Disagreement) -> impl IntoView {
    view! {
        <section class="disagreement" data-testid="narrative-disagreement">
            <h3>"The narrative names a different root cause"</h3>
            <div class="sides">
                <SideView side=d.engine who="engine" title="Engine (deterministic report)" />
                <SideView side=d.answer who="answer" title="Narrative (LLM)" />
            </div>
        </section>
    }
}

#[component]
fn SideView(side: Side, who: &'static str, title: &'static str) -> impl IntoView {
    let what = match (&side.failure_class, &side.service) {
        (Some(c), Some(s)) => format!("{} in {s}", crate::report::class_words(c)),
        (Some(c), None) => crate::report::class_words(c),
        (None, Some(s)) => s.clone(),
        (None, None) => "not given".into(),
    };
    let evidence = if side.evidence.is_empty() {
        view! { <p class="muted" data-testid="side-no-evidence">"No input line supports this."</p> }
            .into_any()
    } else {
        view! {
            <ul class="side-evidence">
                {side
                    .evidence
                    .into_iter()
                    .map(|e| view! { <li><EvidenceLink evidence=e with_text=true /></li> })
                    .collect_view()}
            </ul>
        }
        .into_any()
    };
    view! {
        <div class="side" data-testid=format!("disagreement-{who}")>
            <span class="label">{title}</span>
            <strong data-testid="side-cause">{what}</strong>
            <p>{side.statement}</p>
            {evidence}
        </div>
    }
}
