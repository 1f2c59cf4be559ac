//! Five whys (question, answer, evidence), the systemic cause and the counterfactual.

use super::section::{Empty, EvidenceList, Section};
use crate::app::model::Analysis;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Whys(a: Arc<Analysis>) -> impl IntoView {
    let whys = a.report.five_whys.clone();
    let systemic = a.report.systemic_cause.clone();
    let counterfactual = a.report.counterfactual.clone();
    view! {
        <Section id="whys" title="Five whys">
            {if whys.is_empty() {
                view! { <div data-testid="five-whys"><Empty text="No chain of whys: the logs show no failure to explain." /></div> }.into_any()
            } else {
                view! {
                    <ol class="whys" data-testid="five-whys">
                        {whys
                            .into_iter()
                            .map(|w| view! {
                                <li data-testid="why">
                                    <p class="question">{w.question}</p>
                                    <p class="answer">{w.answer}</p>
                                    <EvidenceList evidence=w.evidence />
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
            <h3>"Systemic cause"</h3>
            <p data-testid="systemic-cause">
                {systemic.unwrap_or_else(|| "Not determined from these logs.".into())}
            </p>
            <h3>"Counterfactual"</h3>
            <p data-testid="counterfactual">
                {counterfactual.unwrap_or_else(|| "Not determined from these logs.".into())}
            </p>
        </Section>
    }
}
