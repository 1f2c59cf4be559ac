//! A command in a `<code>` block with a Copy button. The clipboard is the browser's
//! (`navigator.clipboard.writeText`); the button says "Copied" for a moment, and says so
//! plainly when the browser refuses (no permission, not a secure context).

use leptos::prelude::*;
use std::time::Duration;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CopyState {
    Idle,
    Copied,
    Refused,
}

#[component]
pub fn Command(command: String) -> impl IntoView {
    let state = RwSignal::new(CopyState::Idle);
    let text = command.clone();
    let on_copy = move |_| {
        let text = text.clone();
        wasm_bindgen_futures::spawn_local(async move {
            let ok = write_clipboard(&text).await;
            state.set(if ok {
                CopyState::Copied
            } else {
                CopyState::Refused
            });
            if ok {
                set_timeout(
                    move || {
                        if state.get_untracked() == CopyState::Copied {
                            state.set(CopyState::Idle);
                        }
                    },
                    Duration::from_millis(2000),
                );
            }
        });
    };
    let label = move || match state.get() {
        CopyState::Copied => "Copied",
        _ => "Copy",
    };
    view! {
        <div class="command" data-testid="command-block">
            <code data-testid="command">{command.clone()}</code>
            <button
                type="button"
                class="copy"
                data-testid="copy"
                aria-label=format!("Copy command: {command}")
                on:click=on_copy
            >
                {label}
            </button>
            <span class="copy-status" role="status" aria-live="polite" data-testid="copy-status">
                {move || match state.get() {
                    CopyState::Idle => "",
                    CopyState::Copied => "Copied to the clipboard.",
                    CopyState::Refused => "The browser refused the clipboard: select the command and copy it by hand.",
                }}
            </span>
        </div>
    }
}

/// Writes `text` to the clipboard; false when the API is missing or the browser refuses.
async fn write_clipboard(text: &str) -> bool {
    let Some(win) = web_sys::window() else {
        return false;
    };
    let nav = win.navigator();
    // `navigator.clipboard` is undefined outside secure contexts: calling into it would throw.
    let has = js_sys::Reflect::get(&nav, &"clipboard".into())
        .map(|c| !c.is_undefined() && !c.is_null())
        .unwrap_or(false);
    if !has {
        return false;
    }
    let clipboard: web_sys::Clipboard = nav.clipboard().unchecked_into();
    JsFuture::from(clipboard.write_text(text)).await.is_ok()
}
