//! The Leptos page (wasm32 only): a thin layer over the engine, which runs in a Web Worker
//! (see [`crate::worker`]). The page owns I/O (files, the worker); the engine owns meaning.
//!
//! Components, one small module each: [`input`] (paste, drop, pick), [`status`] (progress,
//! cancel, errors), [`headline`] (root cause, severity), [`facts`] (input facts, templates).
//! [`engine`] is the worker client; [`model`] the report as the page reads it; [`demo`] the
//! incident analyzed on load.

mod demo;
mod engine;
mod facts;
mod headline;
mod input;
mod model;
mod status;

use engine::{Engine, Request};
use leptos::prelude::*;

/// Mounts the app on the document body.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let engine = Engine::start();
    provide_context(engine);
    engine.analyze(demo_request());
    view! {
        <header class="top">
            <h1>"Faultline"</h1>
            <p class="tagline">"Incident forensics from logs, in your browser."</p>
        </header>
        <main>
            <div class="inputs">
                <input::PasteBox />
                <input::DropZone />
            </div>
            <status::Status />
            <headline::Headline />
            <facts::InputFacts />
            <facts::Templates />
        </main>
        <footer>
            <button class="link" on:click=move |_| engine.analyze(demo_request())>
                "Load the demo incident again"
            </button>
        </footer>
    }
}

fn demo_request() -> Request {
    Request {
        label: "demo incident (orders-api connection leak)".into(),
        files: demo::FILES
            .iter()
            .map(|(name, text)| (name.to_string(), js_sys::Uint8Array::from(text.as_bytes())))
            .collect(),
        reference_year: None,
    }
}
