//! Affected services: name, role, health (a worded badge, not colour alone), impact, first and
//! last signal, evidence.

use super::section::{maybe_link, or_dash, Empty, Section};
use crate::app::model::Analysis;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Affected(a: Arc<Analysis>) -> impl IntoView {
    let rows = a.report.affected_services.clone();
    view! {
        <Section id="affected" title="Affected services">
            {if rows.is_empty() {
                view! { <Empty text="No service showed an abnormal signal." /> }.into_any()
            } else {
                view! {
                    <table class="stack affected" data-testid="affected-table">
                        <thead>
                            <tr>
                                <th scope="col">"Service"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Health"</th>
                                <th scope="col">"Impact"</th>
                                <th scope="col">"First and last signal"</th>
                                <th scope="col">"Evidence"</th>
                            </tr>
                        </thead>
                        <tbody>
                            {rows
                                .into_iter()
                                .map(|s| {
                                    view! {
                                        <tr data-testid="affected-row">
                                            <td data-label="Service" class="name" data-testid="affected-name">{s.name}</td>
                                            <td data-label="Role" data-testid="affected-role">{s.role}</td>
                                            <td data-label="Health">
                                                <HealthBadge health=s.health />
                                            </td>
                                            <td data-label="Impact">{s.impact}</td>
                                            <td data-label="Signals" class="time">
                                                <span data-testid="affected-first">{or_dash(s.first_signal)}</span>
                                                <br />
                                                <span data-testid="affected-last">{or_dash(s.last_signal)}</span>
                                            </td>
                                            <td data-label="Evidence">{maybe_link(s.evidence)}</td>
                                        </tr>
                                    }
                                })
                                .collect_view()}
                        </tbody>
                    </table>
                }
                .into_any()
            }}
        </Section>
    }
}

/// `down` / `degraded` / `healthy` as a badge: a symbol and the word, coloured as well.
#[component]
pub fn HealthBadge(health: String) -> impl IntoView {
    let (symbol, class) = match health.as_str() {
        "down" => ("✖", "down"),
        "degraded" => ("▲", "degraded"),
        "healthy" => ("✔", "healthy"),
        _ => ("?", "unknown"),
    };
    view! {
        <span class=format!("badge health-{class}") data-testid="affected-health" data-health=health.clone()>
            <span aria-hidden="true">{symbol}" "</span>
            {health.clone()}
        </span>
    }
}
