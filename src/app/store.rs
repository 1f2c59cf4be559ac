//! The "Log store" input: analyze a time window straight from ClickHouse. The user names the
//! store's HTTP address, a table, a window (the last 15, 30 or 60 minutes, or from/to in UTC) and
//! optionally a user and password; "Test connection" reads the table's description and shows
//! every query an analysis would send; "Analyze window" has the worker run them and analyze the
//! rows (see [`crate::worker`]'s `store` message), with the usual progress line and Cancel.
//!
//! Promises: no request before a click (the preview of the first query is built here, from the
//! fields, by [`crate::source`]); the user and password stay in this page's memory (signals,
//! never storage, never the URL shown) and travel only inside the request URLs.

use super::engine::{Engine, Request};
use crate::source::{parse_instant, ClickHouse, LogSource, SourceUrl};
use crate::worker::protocol::{self, kind, StorePreview};
use js_sys::Object;
use leptos::prelude::*;

const NS: i64 = 1_000_000_000;

/// The window choices: minutes back from now, or custom.
const WINDOWS: [(&str, &str); 4] = [
    ("15", "Last 15 minutes"),
    ("30", "Last 30 minutes"),
    ("60", "Last 60 minutes"),
    ("custom", "Custom (UTC)"),
];

/// What the form says, read at a click.
#[derive(Clone)]
struct Form {
    address: RwSignal<String>,
    table: RwSignal<String>,
    window: RwSignal<String>,
    from: RwSignal<String>,
    to: RwSignal<String>,
    user: RwSignal<String>,
    password: RwSignal<String>,
}

impl Form {
    fn source(&self) -> Result<SourceUrl, String> {
        SourceUrl::from_parts(&self.address.get_untracked(), &self.table.get_untracked())
            .map_err(|e| capitalize(&e.message))
    }

    /// `[from, to)` in Unix seconds; "last N minutes" ends now (read at the click).
    fn seconds(&self) -> Result<(i64, i64), String> {
        let choice = self.window.get_untracked();
        if let Ok(minutes) = choice.parse::<i64>() {
            let now = (js_sys::Date::now() / 1000.0).ceil() as i64;
            return Ok((now - minutes * 60, now));
        }
        let from = parse_instant(&self.from.get_untracked()).map_err(|e| capitalize(&e.message))?;
        let to = parse_instant(&self.to.get_untracked()).map_err(|e| capitalize(&e.message))?;
        let (from, to) = (
            from.div_euclid(NS),
            to.div_euclid(NS) + i64::from(to % NS != 0),
        );
        if to <= from {
            return Err("The window is empty: To must be after From.".into());
        }
        Ok((from, to))
    }

    /// The worker's message (without `type`): source URL, credentials, window.
    fn fields(&self) -> Result<(SourceUrl, (i64, i64), Object), String> {
        let url = self.source()?;
        let (from, to) = self.seconds()?;
        let o = Object::new();
        protocol::set(&o, "url", &url.to_string().into());
        protocol::set(&o, "user", &self.user.get_untracked().into());
        protocol::set(&o, "password", &self.password.get_untracked().into());
        protocol::set(&o, "from", &(from as f64).into());
        protocol::set(&o, "to", &(to as f64).into());
        Ok((url, (from, to), o))
    }
}

/// What the panel says under its buttons: a connection's result or why it failed.
#[derive(Clone)]
enum Said {
    Ok(String),
    Failed(String),
}

#[component]
pub fn StorePanel() -> impl IntoView {
    let engine = expect_context::<Engine>();
    let form = Form {
        address: RwSignal::new(String::new()),
        table: RwSignal::new(String::new()),
        window: RwSignal::new("30".into()),
        from: RwSignal::new(String::new()),
        to: RwSignal::new(String::new()),
        user: RwSignal::new(String::new()),
        password: RwSignal::new(String::new()),
    };
    let said = RwSignal::new(None::<Said>);
    // The queries of the last successful test, for the fields as they were then.
    let tested = RwSignal::new(None::<StorePreview>);
    let testing = RwSignal::new(false);
    // A test whose worker was replaced (Cancel) never answers: editing the form starts over.
    let changed = move || {
        tested.set(None);
        said.set(None);
        testing.set(false);
    };
    let f = form.clone();
    let test = move |_| {
        let (_, _, fields) = match f.fields() {
            Ok(x) => x,
            Err(e) => return said.set(Some(Said::Failed(e))),
        };
        testing.set(true);
        said.set(None);
        engine.query(kind::STORE_TEST, &fields, move |answer| {
            testing.set(false);
            match answer.map(|json| serde_json::from_str::<StorePreview>(&json)) {
                Ok(Ok(p)) => {
                    let cols: Vec<String> =
                        p.columns.iter().map(|(r, c)| format!("{r} {c}")).collect();
                    said.set(Some(Said::Ok(format!(
                        "Connected: {} has the columns this analysis reads ({}). The queries below are what Analyze window sends.",
                        p.table,
                        cols.join(", ")
                    ))));
                    tested.set(Some(p));
                }
                Ok(Err(e)) => said.set(Some(Said::Failed(format!(
                    "The engine's answer could not be read: {e}"
                )))),
                Err((msg, _)) => said.set(Some(Said::Failed(capitalize(&msg)))),
            }
        });
    };
    let f = form.clone();
    let analyze = move |_| {
        let (url, (from, to), fields) = match f.fields() {
            Ok(x) => x,
            Err(e) => return said.set(Some(Said::Failed(e))),
        };
        said.set(None);
        protocol::set(&fields, "type", &kind::STORE.into());
        engine.analyze(Request {
            label: format!(
                "{}.{}, {} to {}",
                url.database,
                url.table,
                crate::ingest::format_ns(from * NS),
                crate::ingest::format_ns(to * NS)
            ),
            files: Vec::new(),
            reference_year: None,
            store: Some(fields),
            again: None,
        });
    };
    let f = form.clone();
    // Built from the fields alone: what the first click will send, before anything is sent.
    let first_query = move || {
        f.address.track();
        f.table.track();
        f.user.track();
        let url = f.source().ok()?;
        let user = f.user.get_untracked();
        let password = (!f.password.get().is_empty()).then_some("•••");
        let post = format!(
            "{}&enable_http_compression=1",
            url.http_url(Some(&user), password, true)
        );
        Some((post, ClickHouse::new(url).discovery().sql))
    };
    let custom = move || form.window.get() == "custom";
    view! {
        <details class="panel store" data-testid="store-panel">
            <summary class="panel-title">"Log store (ClickHouse)"</summary>
            <p class="hint">
                "Analyze a time window straight from ClickHouse: the store counts and filters, the "
                "engine here reads only what it needs. Nothing is sent until you click."
            </p>
            <div class="store-grid">
                <label for="store-address">"URL"</label>
                <input id="store-address" data-testid="store-address" type="text" spellcheck="false"
                    placeholder="http://localhost:8123/default"
                    prop:value=move || form.address.get()
                    on:input=move |ev| { form.address.set(event_target_value(&ev)); changed(); } />
                <label for="store-table">"Table"</label>
                <input id="store-table" data-testid="store-table" type="text" spellcheck="false"
                    placeholder="otel_logs"
                    prop:value=move || form.table.get()
                    on:input=move |ev| { form.table.set(event_target_value(&ev)); changed(); } />
                <label for="store-window">"Window"</label>
                <select id="store-window" data-testid="store-window"
                    prop:value=move || form.window.get()
                    on:change=move |ev| { form.window.set(event_target_value(&ev)); changed(); }>
                    {WINDOWS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                </select>
                <label for="store-from" class:hidden=move || !custom()>"From"</label>
                <input id="store-from" data-testid="store-from" type="text" spellcheck="false"
                    class:hidden=move || !custom()
                    placeholder="2024-03-12 14:00:00"
                    prop:value=move || form.from.get()
                    on:input=move |ev| { form.from.set(event_target_value(&ev)); changed(); } />
                <label for="store-to" class:hidden=move || !custom()>"To"</label>
                <input id="store-to" data-testid="store-to" type="text" spellcheck="false"
                    class:hidden=move || !custom()
                    placeholder="2024-03-12 14:30:00"
                    prop:value=move || form.to.get()
                    on:input=move |ev| { form.to.set(event_target_value(&ev)); changed(); } />
                <label for="store-user">"User"</label>
                <input id="store-user" data-testid="store-user" type="text" autocomplete="off"
                    spellcheck="false" placeholder="default"
                    prop:value=move || form.user.get()
                    on:input=move |ev| { form.user.set(event_target_value(&ev)); changed(); } />
                <label for="store-password">"Password"</label>
                <input id="store-password" data-testid="store-password" type="password"
                    autocomplete="off"
                    prop:value=move || form.password.get()
                    on:input=move |ev| { form.password.set(event_target_value(&ev)); changed(); } />
            </div>
            <div class="row">
                <button type="button" data-testid="store-test" on:click=test>
                    {move || if testing.get() { "Testing…" } else { "Test connection" }}
                </button>
                <button type="button" class="primary" data-testid="store-analyze" on:click=analyze>
                    "Analyze window"
                </button>
                <span class="hint">
                    "User and password stay in this tab's memory. Times are UTC. The store must allow "
                    "this page: the queries carry ClickHouse's add_http_cors_header=1 setting."
                </span>
            </div>
            {move || said.get().map(|s| {
                let (ok, t) = match s {
                    Said::Ok(t) => (true, t),
                    Said::Failed(t) => (false, t),
                };
                view! {
                    <p
                        class=if ok { "store-ok" } else { "error" }
                        role=if ok { "status" } else { "alert" }
                        data-testid="store-message"
                        data-state=if ok { "ok" } else { "error" }
                    >
                        {t}
                    </p>
                }
            })}
            <details class="store-preview" data-testid="store-preview">
                <summary>"Queries that will be sent"</summary>
                {move || match (tested.get(), first_query()) {
                    (_, None) => view! {
                        <p class="hint">"Enter the store's URL and a table to see the queries."</p>
                    }.into_any(),
                    (tested, Some((post, describe))) => {
                        let queries = match tested {
                            Some(p) => p.queries,
                            None => vec![("describe".to_string(), describe)],
                        };
                        let more = queries.len() == 1;
                        view! {
                            <p class="hint">"Each is a POST (text/plain body, no custom header) to:"</p>
                            <pre class="store-sql" data-testid="store-post-url">{post}</pre>
                            {queries.into_iter().map(|(what, sql)| view! {
                                <p class="store-what">{what}</p>
                                <pre class="store-sql" data-testid="store-query">{sql}</pre>
                            }).collect_view()}
                            {more.then(|| view! {
                                <p class="hint">
                                    "Then the counts per service and minute, the WARN-and-above lines, a sample of "
                                    "the others and of the baseline: Test connection shows them for this table."
                                </p>
                            })}
                        }.into_any()
                    }
                }}
            </details>
        </details>
    }
}

fn capitalize(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}
