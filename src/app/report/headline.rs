//! The headline: the root-cause sentence and the severity, or "not yet determined".

use crate::app::engine::Engine;
use crate::app::model::cause_sentence;
use crate::app::nav::EvidenceLink;
use leptos::prelude::*;

const UNDETERMINED: &str = "not yet determined";

#[component]
pub fn Headline() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let cause = move || {
        engine
            .report
            .with(|a| {
                a.as_ref()
                    .and_then(|a| cause_sentence(&a.report.root_cause))
            })
            .unwrap_or_else(|| UNDETERMINED.into())
    };
    let severity = move || {
        engine
            .report
            .with(|a| a.as_ref().and_then(|a| a.report.severity.clone()))
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
            <ul class="evidence-list" data-testid="root-cause-evidence">
                {move || {
                    engine
                        .report
                        .with(|a| a.as_ref().map(|a| a.report.root_cause.evidence.clone()))
                        .unwrap_or_default()
                        .into_iter()
                        .map(|e| view! { <li><EvidenceLink evidence=e with_text=true /></li> })
                        .collect_view()
                }}
            </ul>
            <p class="hint">
                {move || engine.shown.get().map(|s| format!("From: {s}"))}
            </p>
        </section>
    }
}
