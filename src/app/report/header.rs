//! The headline: the report's title, the root-cause sentence and statement, severity with its
//! rationale, confidence with its reasons, and the root cause's evidence. Before any report,
//! root cause and severity read "not yet determined"; after an analysis that found none, the
//! root cause reads "no root cause found (no failure signal in these logs)".

use super::section::{percent, EvidenceList};
use crate::app::engine::Engine;
use crate::app::model::cause_sentence;
use leptos::prelude::*;

const UNDETERMINED: &str = "not yet determined";
/// A finished analysis that names no cause.
pub const NO_CAUSE: &str = "no root cause found (no failure signal in these logs)";
/// A finished analysis that gives no severity.
const NO_SEVERITY: &str = "none (no failure signal)";

#[component]
pub fn Header() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let report = move || engine.report.get();
    let cause = move || match report() {
        None => UNDETERMINED.into(),
        Some(a) => cause_sentence(&a.report.root_cause).unwrap_or_else(|| NO_CAUSE.into()),
    };
    let severity = move || match report() {
        None => UNDETERMINED.into(),
        Some(a) => a
            .report
            .severity
            .clone()
            .unwrap_or_else(|| NO_SEVERITY.into()),
    };
    view! {
        <section class="panel headline" id="summary" data-testid="section-summary" aria-labelledby="summary-heading">
            <h2 id="summary-heading" class="report-title" data-testid="report-title">
                {move || report().map(|a| a.report.title.clone()).unwrap_or_else(|| "Report".into())}
            </h2>
            <div class="headline-facts">
                <div class="headline-cause">
                    <span class="label">"Root cause"</span>
                    <strong data-testid="root-cause">{cause}</strong>
                </div>
                <div class="headline-severity">
                    <span class="label">"Severity"</span>
                    <strong data-testid="severity" class=move || format!("sev sev-{}", report().and_then(|a| a.report.severity.clone()).unwrap_or_else(|| "none".into()).to_lowercase())>
                        {severity}
                    </strong>
                </div>
                <div class="headline-confidence">
                    <span class="label">"Confidence"</span>
                    <strong data-testid="confidence">
                        {move || report().map(|a| percent(a.report.confidence)).unwrap_or_else(|| "—".into())}
                    </strong>
                </div>
            </div>
            {move || report().map(|a| {
                let r = &a.report;
                view! {
                    <p class="statement" data-testid="root-cause-statement">{r.root_cause.statement.clone()}</p>
                    <p class="summary" data-testid="summary">{r.summary.clone()}</p>
                    <div class="reasons">
                        <div>
                            <h3>"Why this severity"</h3>
                            <Reasons items=r.severity_rationale.clone() testid="severity-rationale" none="No rationale given." />
                        </div>
                        <div>
                            <h3>"Why this confidence"</h3>
                            <Reasons items=r.confidence_reasons.clone() testid="confidence-reasons" none="No reasons given." />
                        </div>
                    </div>
                    <h3>"Root-cause evidence"</h3>
                }
            })}
            <div data-testid="root-cause-evidence">
                {move || report().map(|a| view! {
                    <EvidenceList
                        evidence=a.report.root_cause.evidence.clone()
                        with_text=true
                        what="The engine found no line that shows a root cause."
                    />
                })}
            </div>
            <p class="hint">{move || engine.shown.get().map(|s| format!("From: {s}"))}</p>
        </section>
    }
}

#[component]
fn Reasons(items: Vec<String>, testid: &'static str, none: &'static str) -> impl IntoView {
    if items.is_empty() {
        return view! { <p class="empty" data-testid=testid>{none}</p> }.into_any();
    }
    view! {
        <ul class="reasons-list" data-testid=testid>
            {items.into_iter().map(|s| view! { <li>{s}</li> }).collect_view()}
        </ul>
    }
    .into_any()
}
