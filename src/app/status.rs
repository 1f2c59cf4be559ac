//! The engine's state: a progress line with a Cancel button, and the error message.

use super::engine::{Engine, Phase};
use crate::worker::protocol::Stage;
use leptos::prelude::*;

#[component]
pub fn Status() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let phase = engine.phase;
    let state = move || match phase.get() {
        Phase::Starting => "starting",
        Phase::Idle => "idle",
        Phase::Working { .. } => "working",
        Phase::Broken => "broken",
    };
    let text = move || match phase.get() {
        Phase::Starting => "Starting the engine…".to_string(),
        Phase::Idle => engine.note.get().unwrap_or_else(|| "Ready.".into()),
        Phase::Broken => "The engine is not running.".into(),
        Phase::Working {
            stage: Stage::Reading,
            done,
            total,
        } => {
            format!("Reading file {} of {total}…", (done + 1).min(total.max(1)))
        }
        Phase::Working {
            stage: Stage::Analyzing,
            total,
            ..
        } => {
            format!(
                "Analyzing {total} file{}…",
                if total == 1 { "" } else { "s" }
            )
        }
        Phase::Working {
            stage: Stage::Sending,
            ..
        } => "Preparing the report…".into(),
    };
    let working = move || matches!(phase.get(), Phase::Working { .. });
    view! {
        <section class="status" aria-live="polite">
            <div class="row">
                <span data-testid="progress" data-state=state class="progress-text">
                    {text}
                </span>
                <progress class:hidden=move || !working()></progress>
                <button
                    data-testid="cancel"
                    prop:disabled=move || !working()
                    on:click=move |_| engine.cancel()
                >
                    "Cancel"
                </button>
            </div>
            {move || {
                engine
                    .error
                    .get()
                    .map(|msg| {
                        view! {
                            <p class="error" role="alert" data-testid="error">
                                {msg}
                            </p>
                        }
                    })
            }}
        </section>
    }
}
