//! Getting logs in: a paste box with an Analyze button, a drop zone with a file picker, and a
//! second, optional drop zone for a healthy-period baseline. Files are read as bytes (the engine
//! inflates gzip itself) and handed to the engine; each request knows how to submit its input
//! again (the paste box's text, the picked `File` handles: no copy of the bytes is kept), so
//! setting or clearing the baseline re-analyzes what is shown.

use super::engine::{Engine, Request};
use super::status::thousands;
use js_sys::Uint8Array;
use leptos::prelude::*;
use std::rc::Rc;
use wasm_bindgen_futures::JsFuture;
use web_sys::{DragEvent, File, FileList, HtmlInputElement};

/// Extensions the picker offers; dropping accepts any file.
const ACCEPT: &str = ".log,.txt,.json,.jsonl,.csv,.gz,.out";

/// The paste box: a controlled textarea and the button that analyzes its text.
#[component]
pub fn PasteBox() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let text = RwSignal::new(String::new());
    let analyze = move |_| submit_paste(engine, text);
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

/// Hands the paste box's text to the engine; the request can submit it again.
fn submit_paste(engine: Engine, text: RwSignal<String>) {
    let bytes = text.with_untracked(|t| Uint8Array::from(t.as_bytes()));
    engine.analyze(Request {
        label: "pasted text".into(),
        files: vec![("pasted.log".into(), bytes)],
        reference_year: None,
        store: None,
        again: Some(Rc::new(move || submit_paste(engine, text))),
    });
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
            analyze_files(engine, list_files(&files));
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(files) = input.files() {
            analyze_files(engine, list_files(&files));
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

fn list_files(list: &FileList) -> Vec<File> {
    (0..list.length()).filter_map(|i| list.item(i)).collect()
}

/// Reads every file's bytes, then sends them in one request.
fn analyze_files(engine: Engine, files: Vec<File>) {
    let Some(total) = accepted_size(engine, &files) else {
        return;
    };
    let epoch = engine.begin_reading(total);
    engine.prepare_pool(files.len(), total);
    leptos::task::spawn_local(async move {
        let Some(out) = read_all(engine, &files).await else {
            engine.reading_failed();
            return;
        };
        if !engine.still_reading(epoch) {
            return;
        }
        let newest = files.iter().map(File::last_modified).fold(0f64, f64::max);
        let label = match out.as_slice() {
            [(name, _)] => name.clone(),
            _ => format!("{} files", out.len()),
        };
        let reference_year =
            (newest > 0.0).then(|| js_sys::Date::new(&newest.into()).get_utc_full_year() as i32);
        let again = files.clone();
        engine.analyze(Request {
            label,
            files: out,
            reference_year,
            store: None,
            again: Some(Rc::new(move || analyze_files(engine, again.clone()))),
        });
    });
}

/// Every file's bytes, or `None` (and the error shown) when one cannot be read.
async fn read_all(engine: Engine, files: &[File]) -> Option<Vec<(String, Uint8Array)>> {
    let mut out = Vec::with_capacity(files.len());
    for f in files {
        match JsFuture::from(f.array_buffer()).await {
            Ok(buf) => out.push((f.name(), Uint8Array::new(&buf))),
            Err(_) => {
                engine
                    .error
                    .set(Some(format!("Could not read {}.", f.name())));
                return None;
            }
        }
    }
    Some(out)
}

/// The optional baseline: logs from a healthy period, compared with every analysis (templates
/// never seen in it are "new in the incident"). Dropping or picking files sets it and analyzes
/// the shown input again; Clear removes it.
#[component]
pub fn BaselineDrop() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let over = RwSignal::new(false);
    let set = move |files: Vec<File>| {
        if accepted_size(engine, &files).is_none() {
            return;
        }
        leptos::task::spawn_local(async move {
            if let Some(out) = read_all(engine, &files).await {
                engine.set_baseline(out);
            }
        });
    };
    let on_drop = move |ev: DragEvent| {
        ev.prevent_default();
        over.set(false);
        if let Some(files) = ev.data_transfer().and_then(|dt| dt.files()) {
            set(list_files(&files));
        }
    };
    let on_change = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        if let Some(files) = input.files() {
            set(list_files(&files));
        }
        input.set_value("");
    };
    let summary = move || {
        let names = engine.baseline.get();
        if names.is_empty() {
            return None;
        }
        let shown = engine
            .report
            .with(|a| a.as_ref().and_then(|a| a.report.input.baseline.clone()));
        Some(match shown {
            Some(b) => format!(
                "Baseline: {} file{}, {} lines, {} template{} new in the incident",
                b.files,
                plural(b.files as u64),
                thousands(b.lines as f64),
                thousands(b.new_templates as f64),
                plural(b.new_templates),
            ),
            None => format!(
                "Baseline: {} file{} set ({}); it applies to the next analysis.",
                names.len(),
                plural(names.len() as u64),
                names.join(", ")
            ),
        })
    };
    view! {
        <section
            class="panel drop baseline"
            class:over=move || over.get()
            data-testid="baseline-drop"
            aria-labelledby="baseline-title"
            on:dragover=move |ev: DragEvent| {
                ev.prevent_default();
                over.set(true);
            }
            on:dragleave=move |_| over.set(false)
            on:drop=on_drop
        >
            <p class="panel-title" id="baseline-title">"Baseline (optional)"</p>
            <p class="hint">"Logs from a healthy period, to contrast the incident with"</p>
            <label class="button">
                "Choose baseline files…"
                <input
                    type="file"
                    multiple
                    accept=ACCEPT
                    data-testid="baseline-picker"
                    aria-label="Choose baseline files from a healthy period"
                    class="visually-hidden"
                    on:change=on_change
                />
            </label>
            {move || {
                summary()
                    .map(|s| {
                        view! {
                            <p class="baseline-summary" data-testid="baseline-summary">
                                <span>{s}</span>
                                <button
                                    type="button"
                                    class="link"
                                    data-testid="baseline-clear"
                                    aria-label="Clear the baseline"
                                    on:click=move |_| engine.set_baseline(Vec::new())
                                >
                                    "Clear"
                                </button>
                            </p>
                        }
                    })
            }}
        </section>
    }
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// What the page analyzes at once. The engine in the worker needs about 3.5x its input in wasm
/// memory, and a wasm32 instance cannot grow past 4 GiB; past this the worker would die mid-run.
const MAX_INPUT_MB: f64 = 500.0;

/// The files' total size when they may be read: `None` for no files, or (after saying why and
/// what to do instead) for more than [`max_input_bytes`]. Incident and baseline drops share it.
fn accepted_size(engine: Engine, files: &[File]) -> Option<f64> {
    if files.is_empty() {
        return None;
    }
    let total: f64 = files.iter().map(|f| f.size()).sum();
    let limit = max_input_bytes();
    if total > limit {
        engine
            .error
            .set(Some(too_large_message(files, total, limit)));
        return None;
    }
    Some(total)
}

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
