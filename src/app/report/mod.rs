//! The report view: every section of the engine's report, each claim with its evidence links.

mod facts;
mod headline;

use leptos::prelude::*;

#[component]
pub fn ReportView() -> impl IntoView {
    view! {
        <headline::Headline />
        <facts::InputFacts />
    }
}
