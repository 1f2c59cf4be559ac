//! The report view: every section of the engine's report, in the order an incident review
//! reads it (headline and input, affected services, timeline, service graph, forensic report,
//! five whys, recommendations, reasoning trail and grounding). One small module per section.
//!
//! Promises: every evidence reference is an [`crate::app::nav::EvidenceLink`]; log text is
//! only ever a text node; a section with nothing to show says so instead of disappearing; each
//! section has a heading, an `id` and a `data-testid` (`section-<id>`).

mod affected;
mod commands;
mod facts;
mod forensic;
mod graph;
mod header;
mod recommendations;
mod section;
mod timeline;
mod trail;
mod whys;

use crate::app::engine::Engine;
use leptos::prelude::*;

#[component]
pub fn ReportView() -> impl IntoView {
    let engine = expect_context::<Engine>();
    // The headline and input facts first; the heavy sections a part per task (see
    // `Engine::parts`), so a big report never holds the page for long.
    let part = move |n: u32| engine.parts.get() >= n;
    view! {
        <header::Header />
        // Export and similar incidents after the headline: on a narrow screen the root cause
        // is then near the top.
        <div class="report-tools">
            <crate::app::export::ExportBar />
            <crate::app::history::SimilarBlock />
        </div>
        <facts::InputFacts />
        {move || {
            engine.report.get().map(|a| {
                let (b, c, d, e) = (a.clone(), a.clone(), a.clone(), a.clone());
                view! {
                    {move || part(1).then(|| view! { <affected::Affected a=a.clone() /> })}
                    {move || part(2).then(|| view! { <timeline::Timeline a=b.clone() /> })}
                    {move || part(3).then(|| view! { <graph::Graph a=c.clone() /> })}
                    {move || part(4).then(|| view! {
                        <forensic::ForensicReport a=d.clone() />
                        <whys::Whys a=d.clone() />
                    })}
                    {move || part(5).then(|| view! {
                        <recommendations::Recommendations a=e.clone() />
                        <trail::Trail a=e.clone() />
                    })}
                }
            })
        }}
    }
}
