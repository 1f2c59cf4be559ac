//! The Leptos page (wasm32 only): a thin layer over the engine, which runs in a Web Worker
//! (see [`crate::worker`]). The page owns I/O (files, the worker, storage); the engine owns
//! meaning.
//!
//! One module per part of the page: [`input`] (paste, drop, pick), [`status`] (progress,
//! cancel, errors), [`report`] (every section of the report), [`logs`] (the log and templates
//! views), [`history`] (past analyses in this browser), [`store`] (a window from a log
//! store). [`engine`] is the worker client,
//! [`model`] the analysis as the page holds it, [`nav`] the current view and the focused log
//! line, [`demo`] the built-in incidents (the header's picker), [`export`] the export bar above
//! the report.

mod demo;
mod engine;
mod export;
mod history;
mod input;
mod logs;
mod model;
mod narrative;
mod nav;
mod report;
mod status;
mod store;

use engine::{Engine, Request};
use leptos::prelude::*;
use nav::{Nav, View};

/// Mounts the app on the document body.
pub fn mount() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

#[component]
fn App() -> impl IntoView {
    let engine = Engine::start();
    provide_context(engine);
    let nav = Nav::new();
    provide_context(nav);
    provide_context(history::History::start(engine, nav));
    provide_context(narrative::settings::RedactPatterns::load());
    engine.analyze(demo_request(engine, &demo::DEMOS[0]));
    // On a narrow screen the inputs fold away under "New analysis" once a report is shown, so
    // the headline is near the top instead of under the whole form.
    let inputs_open = RwSignal::new(false);
    let has_report = move || engine.report.with(Option::is_some);
    let folded = move || has_report() && !inputs_open.get();
    view! {
        <header class="top">
            <div>
                <h1>"Faultline"</h1>
                <p class="tagline">"Incident forensics from logs, in your browser."</p>
            </div>
            <DemoPicker engine=engine />
        </header>
        <main>
            {move || has_report().then(|| view! {
                <button
                    type="button"
                    class="new-analysis"
                    data-testid="new-analysis"
                    aria-controls="inputs"
                    aria-expanded=move || (!folded()).to_string()
                    on:click=move |_| inputs_open.update(|o| *o = !*o)
                >
                    "New analysis"
                </button>
            })}
            <div class="inputs" id="inputs" class:folded=folded>
                <input::PasteBox />
                <input::DropZone />
                <input::BaselineDrop />
                <store::StorePanel />
            </div>
            <status::Status />
            <Tabs nav=nav />
            <Panel nav=nav which=View::Report>
                <report::ReportView />
            </Panel>
            <Panel nav=nav which=View::Logs><logs::LogView /></Panel>
            <Panel nav=nav which=View::Templates><logs::TemplatesView /></Panel>
            <Panel nav=nav which=View::History><history::HistoryView /></Panel>
            <Panel nav=nav which=View::Narrative><narrative::NarrativeView /></Panel>
        </main>
        <footer>
            <p class="muted">
                "Faultline runs entirely in this page: logs, reports and history never leave your browser, "
                "unless you ask the Narrative tab for prose from an LLM endpoint you configured (then only "
                "the redacted findings you can preview are sent). After a first visit it works offline."
            </p>
        </footer>
    }
}

/// The view switcher: a WAI-ARIA tab list (arrow keys move between tabs).
#[component]
fn Tabs(nav: Nav) -> impl IntoView {
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let all = View::ALL;
        let at = all
            .iter()
            .position(|v| *v == nav.view.get_untracked())
            .unwrap_or(0);
        let next = match ev.key().as_str() {
            "ArrowRight" => all[(at + 1) % all.len()],
            "ArrowLeft" => all[(at + all.len() - 1) % all.len()],
            "Home" => all[0],
            "End" => all[all.len() - 1],
            _ => return,
        };
        ev.prevent_default();
        nav.view.set(next);
        if let Some(el) = document().get_element_by_id(&format!("tab-{}", next.key())) {
            if let Ok(el) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(el) {
                let _ = el.focus();
            }
        }
    };
    view! {
        <nav class="tabs" role="tablist" aria-label="Views" on:keydown=on_key>
            {View::ALL
                .into_iter()
                .map(|v| {
                    let selected = move || nav.view.get() == v;
                    view! {
                        <button
                            type="button"
                            role="tab"
                            id=format!("tab-{}", v.key())
                            data-testid=format!("tab-{}", v.key())
                            aria-controls=format!("view-{}", v.key())
                            aria-selected=move || selected().to_string()
                            tabindex=move || if selected() { "0" } else { "-1" }
                            on:click=move |_| nav.view.set(v)
                        >
                            {v.label()}
                        </button>
                    }
                })
                .collect_view()}
        </nav>
    }
}

/// One view's panel; hidden (not unmounted) when another view is shown, so state survives.
#[component]
fn Panel(nav: Nav, which: View, children: Children) -> impl IntoView {
    view! {
        <div
            role="tabpanel"
            id=format!("view-{}", which.key())
            data-testid=format!("view-{}", which.key())
            aria-labelledby=format!("tab-{}", which.key())
            hidden=move || nav.view.get() != which
        >
            {children()}
        </div>
    }
}

/// Loads one of the built-in incidents: pick one, then "Load". A `<select>` keeps it one
/// keyboard stop, and each option names the demo's title and failure class.
#[component]
fn DemoPicker(engine: Engine) -> impl IntoView {
    // The picker starts on the demo loaded on open; "Load" re-runs the chosen one.
    let chosen = RwSignal::new(demo::DEMOS[0].key);
    let load = move || {
        if let Some(d) = demo::DEMOS.iter().find(|d| d.key == chosen.get_untracked()) {
            engine.analyze(demo_request(engine, d));
        }
    };
    // Choosing only chooses: arrowing through the closed <select> fires `change` per step, and
    // each load would be a whole analysis (and a history entry). "Load" loads.
    let on_change = move |ev: web_sys::Event| {
        let value = event_target_value(&ev);
        if let Some(d) = demo::DEMOS.iter().find(|d| d.key == value) {
            chosen.set(d.key);
        }
    };
    view! {
        <div class="demo-picker">
            <label for="demo-picker">"Demo incident"</label>
            <select id="demo-picker" data-testid="demo-picker" on:change=on_change prop:value=move || chosen.get()>
                {demo::DEMOS
                    .iter()
                    .map(|d| view! {
                        <option value=d.key data-class=d.failure_class>
                            {format!("{} \u{2014} {}", d.title, crate::report::class_words(d.failure_class))}
                        </option>
                    })
                    .collect_view()}
            </select>
            <button type="button" data-testid="demo-load" on:click=move |_| load()>"Load"</button>
        </div>
    }
}

/// The label of an analysis of a demo (shown, and saved in history).
fn demo_label(demo: &demo::Demo) -> String {
    format!(
        "demo: {} ({} in {})",
        demo.title,
        crate::report::class_words(demo.failure_class),
        demo.service
    )
}

fn demo_request(engine: Engine, demo: &'static demo::Demo) -> Request {
    Request {
        label: demo_label(demo),
        files: demo
            .files
            .iter()
            .map(|(name, text)| (name.to_string(), js_sys::Uint8Array::from(text.as_bytes())))
            .collect(),
        reference_year: None,
        store: None,
        again: Some(std::rc::Rc::new(move || {
            engine.analyze(demo_request(engine, demo))
        })),
    }
}
