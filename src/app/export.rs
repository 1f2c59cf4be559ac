//! The export bar above the report: download the Markdown postmortem, download the JSON report,
//! copy the Markdown, print (style/shell.css's print stylesheet makes that a clean document),
//! and download redacted copies of the analyzed logs for sharing.
//!
//! Promises: the redacted copies are made in the worker from the lines it holds (the same
//! redactor as `faultline redact`, one placeholder per value across files), one download per
//! input file with the input's line count, with a summary of what was masked by kind and never
//! the values; a report that came from history (no lines held) says to analyze again. The
//! JSON download is the engine's JSON verbatim (byte-identical to
//! `faultline analyze --json` for the same input); the Markdown is `crate::to_markdown`, which
//! escapes log text, so neither export can carry live markup; nothing leaves the machine
//! (downloads are `blob:` URLs made here).

use super::engine::Engine;
use super::narrative::settings::RedactPatterns;
use crate::english::plural;
use crate::worker::protocol::kind;
use crate::{RedactedFile, RedactedLogs};
use leptos::prelude::*;
use std::sync::Arc;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

#[component]
pub fn ExportBar() -> impl IntoView {
    let engine = expect_context::<Engine>();
    // What the last action did, read out by screen readers.
    let note = RwSignal::new(None::<String>);
    let none = move || engine.report.with(|r| r.is_none());
    let stem = move || file_stem(&engine.shown.get_untracked().unwrap_or_default());

    let markdown = move || {
        engine
            .report
            .with_untracked(|r| r.as_ref().map(|a| crate::to_markdown(&a.report)))
    };
    let save_md = move |_| {
        if let Some(md) = markdown() {
            let name = format!("{}.md", stem());
            note.set(Some(outcome(&name, download(&name, "text/markdown", &md))));
        }
    };
    let save_json = move |_| {
        if let Some(json) = engine
            .report
            .with_untracked(|r| r.as_ref().map(|a| a.json.clone()))
        {
            let name = format!("{}.json", stem());
            note.set(Some(outcome(
                &name,
                download(&name, "application/json", &json),
            )));
        }
    };
    let copy = move |_| {
        let Some(md) = markdown() else { return };
        let clipboard = window().navigator().clipboard();
        leptos::task::spawn_local(async move {
            let done = wasm_bindgen_futures::JsFuture::from(clipboard.write_text(&md)).await;
            note.set(Some(match done {
                Ok(_) => "Markdown copied to the clipboard.".into(),
                Err(e) => format!(
                    "Could not copy ({}); use Download Markdown instead.",
                    describe(&e)
                ),
            }));
        });
    };
    // The redacted copies of the shown report's logs, once made; dropped with the report.
    let redacted = RwSignal::new(None::<Arc<RedactedLogs>>);
    // Bumped by each request and each new report: an answer for an older one is ignored.
    let ticket = StoredValue::new(0u64);
    Effect::new(move |_| {
        engine.generation.track();
        ticket.update_value(|t| *t += 1);
        redacted.set(None);
    });
    let no_lines = move || none() || !engine.has_lines();
    let patterns = expect_context::<RedactPatterns>();
    let redact = move |_| {
        ticket.update_value(|t| *t += 1);
        let mine = ticket.get_value();
        note.set(Some("Redacting the logs…".into()));
        let fields = js_sys::Object::new();
        let list = serde_json::to_string(&patterns.list()).unwrap_or_else(|_| "[]".into());
        crate::worker::protocol::set(&fields, "patterns", &list.into());
        engine.query(kind::REDACT, &fields, move |answer| {
            if ticket.get_value() != mine {
                return;
            }
            let logs = answer.map_err(|(e, _)| e).and_then(|json| {
                serde_json::from_str::<RedactedLogs>(&json).map_err(|e| e.to_string())
            });
            match logs {
                Ok(logs) => {
                    // One file: save it at once; several: a button each (a page may not start
                    // several downloads from one click without asking).
                    note.set(Some(match logs.files.as_slice() {
                        [one] => save_copy(one),
                        _ => "Redacted copies ready: save each file below.".to_string(),
                    }));
                    redacted.set(Some(Arc::new(logs)));
                }
                Err(e) => note.set(Some(format!("Could not redact the logs ({e})."))),
            }
        });
    };
    let redact_title = move || {
        if !none() && !engine.has_lines() {
            "This report holds no log lines (it came from history): analyze the logs again to redact them."
        } else {
            "Copies of the analyzed logs with secrets and personal data replaced by placeholders, made on this machine."
        }
    };

    let print = move |_| {
        if let Err(e) = window().print() {
            note.set(Some(format!(
                "Could not open the print dialog ({}).",
                describe(&e)
            )));
        }
    };

    view! {
        <div class="export-bar" role="group" aria-label="Export the report" data-testid="export-bar">
            <button type="button" data-testid="export-markdown" disabled=none on:click=save_md>
                "Download Markdown"
            </button>
            <button type="button" data-testid="export-json" disabled=none on:click=save_json>
                "Download JSON"
            </button>
            <button type="button" data-testid="export-copy" disabled=none on:click=copy>
                "Copy Markdown"
            </button>
            <button type="button" data-testid="export-print" disabled=none on:click=print>
                "Print / PDF"
            </button>
            <button type="button" data-testid="export-redacted" disabled=no_lines on:click=redact
                title=redact_title>
                "Download redacted logs"
            </button>
            <span class="export-note" role="status" aria-live="polite" data-testid="export-note">
                {move || note.get()}
            </span>
            <details class="redact-patterns">
                <summary>"Extra redaction patterns"</summary>
                <label for="redact-patterns">
                    "Regex, one a line; a group masks only what it captures. The LLM payload uses them too."
                </label>
                <textarea
                    id="redact-patterns"
                    data-testid="redact-patterns"
                    class="patterns"
                    spellcheck="false"
                    placeholder="customer=(\\w+)"
                    prop:value=move || patterns.0.get()
                    on:input=move |ev| patterns.0.set(event_target_value(&ev))
                ></textarea>
            </details>
            {move || redacted.get().map(|logs| view! { <RedactedPanel logs /> })}
        </div>
    }
}

/// What was masked, by kind, and a button per redacted file.
#[component]
fn RedactedPanel(logs: Arc<RedactedLogs>) -> impl IntoView {
    let kinds = logs
        .summary
        .kinds
        .iter()
        .map(|k| {
            view! {
                <li data-kind=k.kind.clone()>
                    <code>{k.kind.clone()}</code>
                    {format!(
                        ": {}, masked {}",
                        plural(k.values as u64, "distinct value"),
                        plural(k.occurrences as u64, "time")
                    )}
                </li>
            }
        })
        .collect_view();
    let files = logs
        .files
        .iter()
        .map(|f| {
            let file = f.clone();
            let lines = format!(" ({})", plural(f.lines as u64, "line"));
            view! {
                <li>
                    <button type="button" class="link" data-testid="redacted-file"
                        data-name=f.name.clone()
                        on:click=move |_| { let _ = save_copy(&file); }>
                        {format!("Save {}", f.name)}
                    </button>
                    <span class="muted">{lines}</span>
                </li>
            }
        })
        .collect_view();
    let nothing = logs.summary.kinds.is_empty();
    view! {
        <section class="redacted" aria-labelledby="redacted-title" data-testid="redacted">
            <h2 id="redacted-title">"Redacted copies"</h2>
            <p data-testid="redacted-summary">{logs.summary.describe()}</p>
            {nothing.then(|| view! { <p>"Nothing looked like a secret; the copies equal the input."</p> })}
            <ul class="redacted-kinds" data-testid="redacted-kinds">{kinds}</ul>
            <ul class="redacted-files" data-testid="redacted-files">{files}</ul>
        </section>
    }
}

/// Saves one redacted copy; says what happened.
fn save_copy(f: &RedactedFile) -> String {
    outcome(&f.name, download(&f.name, "text/plain", &f.text))
}

/// `faultline-<label as a slug>`, safe as a file name everywhere.
fn file_stem(label: &str) -> String {
    let mut slug = String::new();
    for c in label.chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            slug.push(c);
        } else if !slug.ends_with('-') && !slug.is_empty() {
            slug.push('-');
        }
        if slug.len() >= 48 {
            break;
        }
    }
    let slug = slug.trim_end_matches('-');
    if slug.is_empty() {
        "faultline-report".into()
    } else {
        format!("faultline-{slug}")
    }
}

fn outcome(name: &str, r: Result<(), JsValue>) -> String {
    match r {
        Ok(()) => format!("Saved {name}."),
        Err(e) => format!("Could not save {name} ({}).", describe(&e)),
    }
}

/// Saves `text` as a file through a `blob:` URL and a temporary link.
fn download(name: &str, mime: &str, text: &str) -> Result<(), JsValue> {
    let opts = BlobPropertyBag::new();
    opts.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = Blob::new_with_str_sequence_and_options(&parts, &opts)?;
    let url = Url::create_object_url_with_blob(&blob)?;
    let a: HtmlAnchorElement = document().create_element("a")?.unchecked_into();
    a.set_href(&url);
    a.set_download(name);
    a.click();
    // Revoking at once can cancel the download in some browsers; a minute is plenty.
    set_timeout(
        move || {
            let _ = Url::revoke_object_url(&url);
        },
        std::time::Duration::from_secs(60),
    );
    Ok(())
}

pub(super) fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .or_else(|| e.dyn_ref::<web_sys::DomException>().map(|e| e.message()))
        .unwrap_or_else(|| "unknown error".into())
}
