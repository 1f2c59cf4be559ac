//! Affected services: name, role, health (a worded badge, not colour alone), impact, first and
//! last signal, evidence.

use super::section::{maybe_link, or_dash, Empty, Section, ShowAll};
use crate::app::model::Analysis;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Affected(a: Arc<Analysis>) -> impl IntoView {
    let rows = Arc::new(a.report.affected_services.clone());
    let total = rows.len();
    let all = RwSignal::new(false);
    let body = {
        let rows = rows.clone();
        move || {
            let n = if all.get() {
                total
            } else {
                total.min(ROWS_SHOWN)
            };
            rows.iter().take(n).cloned().map(row).collect_view()
        }
    };
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
                        <tbody>{body}</tbody>
                    </table>
                    <ShowAll total=total shown=ROWS_SHOWN all=all what="affected services" testid="affected-all" />
                }
                .into_any()
            }}
        </Section>
    }
}

/// Services listed before "show all".
pub const ROWS_SHOWN: usize = 50;

fn row(s: crate::report::AffectedService) -> impl IntoView {
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
