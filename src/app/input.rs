//! Getting logs in: a paste box with an Analyze button, and a drop zone with a file picker.
//! Files are read as bytes (the engine inflates gzip itself) and handed to the engine.

use super::engine::{Engine, Request};
use js_sys::Uint8Array;
use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

/// Extensions the picker offers; dropping accepts any file.
const ACCEPT: &str = ".log,.txt,.json,.jsonl,.csv,.gz,.out";

/// The paste box: a controlled textarea and the button that analyzes its text.
#[component]
pub fn PasteBox() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let text = RwSignal::new(String::new());
    let analyze = move |_| {
        let bytes = text.with_untracked(|t| Uint8Array::from(t.as_bytes()));
        engine.analyze(Request {
            label: "pasted text".into(),
            files: vec![("pasted.log".into(), bytes)],
            reference_year: None,
        });
    };
    view! {
        <section class="panel paste">
            <label for="paste" class="panel-title">"Paste logs"</label>
            <textarea
                id="paste"
                data-testid="paste"
                spellcheck="false"
                placeholder="Paste log lines from one or more services…"
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
            ></textarea>
            <div class="row">
                <button data-testid="analyze" class="primary" on:click=analyze>
                    "Analyze"
                </button>
                <span class="hint">"Nothing leaves this page: the engine runs in your browser."</span>
            </div>
        </section>
    }
}

/// The drop zone, with a file picker inside for keyboards and phones.
#[component]
pub fn DropZone() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let over = RwSignal::new(false);
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) {
            analyze_files(engine, files);
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(files) = input.files() {
            analyze_files(engine, files);
        }
        // Picking the same file again should analyze it again.
        input.set_value("");
    };
    view! {
        <section
            class="panel drop"
            class:over=move || over.get()
            data-testid="drop-zone"
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <p class="panel-title">"Drop log files here"</p>
            <p class="hint">".log .txt .json .jsonl .csv, gzip too; several at once"</p>
            <label class="button">
                "Choose files…"
                <input
                    type="file"
                    multiple
                    accept=ACCEPT
                    data-testid="file-input"
                    class="visually-hidden"
                    on:change=on_change
                />
            </label>
        </section>
    }
}

/// Reads every file's bytes, then sends them in one request.
fn analyze_files(engine: Engine, list: FileList) {
    let files: Vec<File> = (0..list.length()).filter_map(|i| list.item(i)).collect();
    if files.is_empty() {
        return;
    }
    let total: f64 = files.iter().map(|f| f.size()).sum();
    let limit = max_input_bytes();
    if total > limit {
        engine
            .error
            .set(Some(too_large_message(&files, total, limit)));
        return;
    }
    leptos::task::spawn_local(async move {
        let mut out = Vec::with_capacity(files.len());
        let mut newest = 0f64;
        for f in &files {
            match JsFuture::from(f.array_buffer()).await {
                Ok(buf) => {
                    out.push((f.name(), Uint8Array::new(&buf)));
                    newest = newest.max(f.last_modified());
                }
                Err(_) => {
                    engine
                        .error
                        .set(Some(format!("Could not read {}.", f.name())));
                    return;
                }
            }
        }
        let label = match out.as_slice() {
            [(name, _)] => name.clone(),
            _ => format!("{} files", out.len()),
        };
        let reference_year =
            (newest > 0.0).then(|| js_sys::Date::new(&newest.into()).get_utc_full_year() as i32);
        engine.analyze(Request {
            label,
            files: out,
            reference_year,
        });
    });
}

/// What the page analyzes at once. The engine in the worker needs about 3.5x its input in wasm
/// memory, and a wasm32 instance cannot grow past 4 GiB; past this the worker would die mid-run.
const MAX_INPUT_MB: f64 = 500.0;

/// The input limit in bytes: [`MAX_INPUT_MB`], or lower with `?max_input_mb=N` in the page URL
/// (for machines with little memory, and for the browser tests).
fn max_input_bytes() -> f64 {
    let from_url = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("max_input_mb=").map(str::to_string))
        })
        .and_then(|v| v.parse::<f64>().ok())
        .filter(|v| *v > 0.0 && *v < MAX_INPUT_MB);
    from_url.unwrap_or(MAX_INPUT_MB) * 1_000_000.0
}

/// A message that says what happened and what to do instead, with nothing lost or sent.
fn too_large_message(files: &[File], total: f64, limit: f64) -> String {
    let (what, file) = match files {
        [f] => (format!("{} is {}", f.name(), human_size(total)), f.name()),
        _ => (
            format!(
                "These {} files are {} together",
                files.len(),
                human_size(total)
            ),
            "app.log".to_string(),
        ),
    };
    format!(
        "{what}, more than the {} this page analyzes at once in your browser. Nothing was read or sent. \
         Split the file (split -C 400m {file} part-), cut a time window around the incident, \
         or run the command-line tool on it: faultline analyze --json {file}",
        human_size(limit)
    )
}

fn human_size(bytes: f64) -> String {
    if bytes >= 1e9 {
        format!("{:.1} GB", bytes / 1e9)
    } else {
        format!("{:.0} MB", bytes / 1e6)
    }
}
