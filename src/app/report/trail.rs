//! The reasoning trail (each tool the engine ran, its input and output) and the grounding
//! check (every name and line the report cites is in the input).

use super::section::{Empty, Section};
use crate::app::model::Analysis;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Trail(a: Arc<Analysis>) -> impl IntoView {
    let steps = a.report.reasoning_trail.clone();
    let g = a.report.grounding.clone();
    let status = if g.passed { "passed" } else { "failed" };
    view! {
        <Section id="trail" title="Reasoning trail and grounding">
            {if steps.is_empty() {
                view! { <div data-testid="reasoning-trail"><Empty text="The engine recorded no steps." /></div> }.into_any()
            } else {
                view! {
                    <table class="stack trail" data-testid="reasoning-trail">
                        <thead>
                            <tr>
                                <th scope="col" class="num">"Step"</th>
                                <th scope="col">"Tool"</th>
                                <th scope="col">"Input"</th>
                                <th scope="col">"Output"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {steps
                                .into_iter()
                                .map(|s| view! {
                                    <tr data-testid="trail-step">
                                        <td data-label="Step" class="num">{s.step}</td>
                                        <td data-label="Tool"><code>{s.tool}</code></td>
                                        <td data-label="Input" class="text">{s.input}</td>
                                        <td data-label="Output" class="text">{s.output}</td>
                                    </tr>
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
            <h3 id="grounding">"Grounding check"</h3>
            <div class=format!("grounding grounding-{status}") data-testid="grounding" data-passed=g.passed.to_string()>
                <p>
                    <span class=format!("badge grounding-badge-{status}")>
                        <span aria-hidden="true">{if g.passed { "✔ " } else { "✖ " }}</span>
                        {status}
                    </span>
                    " "
                    <span data-testid="grounding-checked">{g.checked}</span>
                    " claim(s) checked against the input."
                </p>
                {if g.problems.is_empty() {
                    view! { <p class="muted">"No problems found."</p> }.into_any()
                } else {
                    view! {
                        <ul class="problems" data-testid="grounding-problems">
                            {g.problems.into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}
                        </ul>
                    }
                    .into_any()
                }}
            </div>
        </Section>
    }
}
