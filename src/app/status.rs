//! The engine's state: a progress line (stage, MB and events done, a real `<progress>`) with a
//! Cancel button, and the error message. The worker posts progress at most every ~100 ms; every
//! message it sends is shown.

use super::engine::{Engine, Phase};
use crate::worker::protocol::{Progress, Stage};
use crate::Stage as EngineStage;
use leptos::prelude::*;

#[component]
pub fn Status() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let phase = engine.phase;
    // Files being read by the page, before the engine has them.
    let reading = move || match (engine.reading.get(), phase.get()) {
        (Some(bytes), Phase::Idle | Phase::Starting) => Some(bytes),
        _ => None,
    };
    let state = move || match phase.get() {
        _ if reading().is_some() => "working",
        Phase::Starting => "starting",
        Phase::Idle => "idle",
        Phase::Working(_) => "working",
        Phase::Broken => "broken",
    };
    let text = move || match phase.get() {
        _ if reading().is_some() => format!(
            "Opening the files: {} MB…",
            mb(reading().unwrap_or_default())
        ),
        Phase::Starting => "Starting the engine…".to_string(),
        Phase::Idle => engine.note.get().unwrap_or_else(|| "Ready.".into()),
        Phase::Broken => "The engine is not running.".into(),
        Phase::Working(p) => describe(&p),
    };
    let working = move || matches!(phase.get(), Phase::Working(_)) || reading().is_some();
    // (value, max) of the bar: bytes while reading and parsing, events while mining, tools in
    // forensics; an indeterminate bar when nothing is countable.
    let bar = move || match phase.get() {
        Phase::Working(p) => fraction(&p),
        _ => None,
    };
    view! {
        <section class="status" aria-live="polite">
            <div class="row">
                <span data-testid="progress" data-state=state class="progress-text">
                    {text}
                </span>
                <progress
                    class:hidden=move || !working()
                    data-testid="progress-bar"
                    aria-label="Analysis progress"
                    value=move || bar().map(|(v, _)| v.to_string())
                    max=move || bar().map_or_else(|| "1".to_string(), |(_, m)| m.to_string())
                ></progress>
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

/// "Parsing: 41.9 of 105.2 MB, 388,212 events".
fn describe(p: &Progress) -> String {
    let of = || format!("{} of {} MB", mb(p.bytes_done), mb(p.bytes_total));
    match p.stage {
        Stage::Reading => format!("Reading the files: {}", of()),
        Stage::Querying if p.events_done > 0.0 => format!(
            "Querying the log store: query {} of {}, {} rows so far",
            p.step + 1,
            p.steps.max(p.step + 1),
            thousands(p.events_done)
        ),
        Stage::Querying => format!(
            "Querying the log store: query {} of {}",
            p.step + 1,
            p.steps.max(p.step + 1)
        ),
        Stage::Engine(EngineStage::Parse) => {
            format!("Parsing: {}, {} events", of(), thousands(p.events_done))
        }
        Stage::Engine(EngineStage::Entities) => {
            format!(
                "Finding services and ids: {}, {} events",
                of(),
                thousands(p.events_done)
            )
        }
        Stage::Engine(EngineStage::Mine) => format!(
            "Mining templates: {} of {} events ({} MB)",
            thousands(p.events_done),
            thousands(p.events_total),
            mb(p.bytes_total)
        ),
        Stage::Engine(EngineStage::Forensics) if p.events_done > 0.0 => format!(
            "Forensics: tool {} of {}, {} of {} events",
            p.step + 1,
            p.steps.max(p.step + 1),
            thousands(p.events_done),
            thousands(p.events_total)
        ),
        Stage::Engine(EngineStage::Forensics) => format!(
            "Forensics: tool {} of {} over {} events",
            p.step + 1,
            p.steps.max(p.step + 1),
            thousands(p.events_total)
        ),
        Stage::Engine(EngineStage::Index) => format!(
            "Indexing {} MB of lines for the log view",
            mb(p.bytes_total)
        ),
        Stage::Engine(EngineStage::Report) => {
            format!(
                "Building the report: part {} of {}, {} events",
                p.step + 1,
                p.steps.max(p.step + 1),
                thousands(p.events_total)
            )
        }
        Stage::Showing => format!(
            "Showing the report: part {} of {}",
            p.step + 1,
            p.steps.max(p.step + 1)
        ),
        Stage::Sending => format!(
            "Sending the report: {} events ({} MB)",
            thousands(p.events_total),
            mb(p.bytes_total)
        ),
    }
}

fn fraction(p: &Progress) -> Option<(f64, f64)> {
    let (v, m) = match p.stage {
        Stage::Reading | Stage::Engine(EngineStage::Parse | EngineStage::Entities) => {
            (p.bytes_done, p.bytes_total)
        }
        Stage::Engine(EngineStage::Mine) => (p.events_done, p.events_total),
        Stage::Engine(EngineStage::Forensics) => (p.step as f64, p.steps as f64),
        Stage::Engine(EngineStage::Report) | Stage::Showing | Stage::Querying => {
            (p.step as f64, p.steps as f64)
        }
        Stage::Engine(EngineStage::Index) | Stage::Sending => (1.0, 1.0),
    };
    (m > 0.0).then_some((v.min(m), m))
}

fn mb(bytes: f64) -> String {
    format!("{:.1}", bytes / 1e6)
}

/// `1234567` -> `1,234,567`.
pub fn thousands(n: f64) -> String {
    let s = format!("{}", n.max(0.0) as u64);
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}
