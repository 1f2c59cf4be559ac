//! Recommendations in rank order, each with its reason and its commands (copyable).

use super::commands::Command;
use super::section::{Empty, Section};
use crate::app::model::Analysis;
use leptos::prelude::*;
use std::sync::Arc;

#[component]
pub fn Recommendations(a: Arc<Analysis>) -> impl IntoView {
    let mut recs = a.report.recommendations.clone();
    crate::sort::sort_by_key(&mut recs, |r| r.rank);
    view! {
        <Section id="recommendations" title="Recommendations">
            {if recs.is_empty() {
                view! { <div data-testid="recommendations"><Empty text="No recommendations: nothing in the logs to act on." /></div> }.into_any()
            } else {
                view! {
                    <ol class="recommendations" data-testid="recommendations">
                        {recs
                            .into_iter()
                            .map(|r| view! {
                                <li data-testid="recommendation" data-rank=r.rank>
                                    <h3 data-testid="recommendation-title">
                                        <span class="rank">{format!("{}.", r.rank)}</span>" "{r.title}
                                    </h3>
                                    <p>{r.why}</p>
                                    {if r.commands.is_empty() {
                                        view! { <p class="muted">"No command for this one."</p> }.into_any()
                                    } else {
                                        r.commands
                                            .into_iter()
                                            .map(|c| view! { <Command command=c /> })
                                            .collect_view()
                                            .into_any()
                                    }}
                                </li>
                            })
                            .collect_view()}
                    </ol>
                }
                .into_any()
            }}
        </Section>
    }
}
