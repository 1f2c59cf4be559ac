//! The headline: the root-cause sentence and the severity, or "not yet determined".

use super::engine::Engine;
use leptos::prelude::*;

const UNDETERMINED: &str = "not yet determined";

#[component]
pub fn Headline() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let cause = move || {
        engine
            .report
            .with(|r| r.as_ref().and_then(|r| r.root_cause.sentence()))
            .unwrap_or_else(|| UNDETERMINED.into())
    };
    let severity = move || {
        engine
            .report
            .with(|r| r.as_ref().and_then(|r| r.severity.clone()))
            .unwrap_or_else(|| UNDETERMINED.into())
    };
    view! {
        <section class="panel headline">
            <div class="headline-cause">
                <span class="label">"Root cause"</span>
                <strong data-testid="root-cause">{cause}</strong>
            </div>
            <div class="headline-severity">
                <span class="label">"Severity"</span>
                <strong data-testid="severity">{severity}</strong>
            </div>
            <p class="hint">
                {move || engine.shown.get().map(|s| format!("From: {s}"))}
            </p>
        </section>
    }
}
