//! A log store as the worker's input (the page's "Log store" panel): the worker sends the
//! queries [`crate::source`] writes, reads the answers with it, and analyzes the rows exactly as
//! the CLI's `analyze --source` does (same files, baseline and true counts, finished by
//! [`crate::with_store_rows`]), so the same window gives the same report.
//!
//! Promises:
//! - every request is a CORS "simple request": `POST` with a string body (`text/plain`), the
//!   credentials and `add_http_cors_header=1` as URL settings, no custom header, so the browser
//!   sends no preflight (ClickHouse does not answer one);
//! - nothing is sent until the page asks (`store` or `store-test`), and the credentials live
//!   only in that message and the request URLs;
//! - each query has [`QUERY_TIMEOUT_MS`]; a failure the browser hides (CORS and a 401 both
//!   reject with the same `TypeError`) is narrowed down by two probes and said so.

use super::protocol::{self, kind, Progress, Stage, StorePreview};
use crate::source::{
    clickhouse_answer, ClickHouse, Fetched, LogSource, Query, SourceError, SourceErrorKind,
    SourceUrl, StoreInput, Window,
};
use crate::AnalyzeOptions;
use std::cell::RefCell;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, DedicatedWorkerGlobalScope, RequestInit, RequestMode, Response};

/// How long one query may take, answer included (ms).
const QUERY_TIMEOUT_MS: i32 = 60_000;
/// How long a diagnostic probe may take (ms).
const PROBE_TIMEOUT_MS: i32 = 10_000;
const NS: i64 = 1_000_000_000;

thread_local! {
    /// The row keys of the shown store analysis, so the log view can locate a `table:row` key.
    static ROWS: RefCell<Option<Fetched>> = const { RefCell::new(None) };
}

/// Forgets the previous store analysis' row keys (a new analysis starts).
pub(super) fn forget() {
    ROWS.with(|r| r.borrow_mut().take());
}

/// The synthetic file and line behind `line` of row `key`, when the shown analysis came from a
/// store; `None` leaves the request as it was.
pub(super) fn locate_row(key: &str, line: u32) -> Option<(String, u32)> {
    ROWS.with(|r| {
        r.borrow()
            .as_ref()
            .and_then(|f| f.line_of(key, line).map(|(f, l)| (f.to_string(), l)))
    })
}

/// What the page asked for.
struct Job {
    url: SourceUrl,
    window: Window,
    /// Where queries are posted: with the credentials, never shown.
    post_url: String,
    user: Option<String>,
}

impl Job {
    fn read(data: &JsValue) -> Result<Job, SourceError> {
        let url = SourceUrl::parse(&protocol::get_str(data, "url").unwrap_or_default())?;
        let from = protocol::get_f64(data, "from") as i64;
        let to = protocol::get_f64(data, "to") as i64;
        let window = Window::new(from * NS, to * NS, None)?;
        let user = protocol::get_str(data, "user").filter(|u| !u.is_empty());
        let password = protocol::get_str(data, "password");
        let post_url = format!(
            "{}&enable_http_compression=1",
            url.http_url(user.as_deref(), password.as_deref(), true)
        );
        Ok(Job {
            url,
            window,
            post_url,
            user,
        })
    }
}

/// Answers `store-test`: the table's description and the queries an analysis would send.
pub(super) fn test(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    let scope = scope.clone();
    let id = protocol::get_f64(data, "id");
    let data = data.clone();
    wasm_bindgen_futures::spawn_local(async move {
        let reply = protocol::message(kind::STORE_TEST);
        protocol::set(&reply, "id", &id.into());
        match preview(&data).await {
            Ok(p) => protocol::set(
                &reply,
                "json",
                &serde_json::to_string(&p).unwrap_or_default().into(),
            ),
            Err(e) => protocol::set(&reply, "error", &e.message.into()),
        }
        let _ = scope.post_message(&reply);
    });
}

async fn preview(data: &JsValue) -> Result<StorePreview, SourceError> {
    let job = Job::read(data)?;
    let ch = ClickHouse::new(job.url.clone());
    let describe = ch.discovery();
    let answer = run(&job, &describe, &ch.what()).await?;
    let plan = ch.plan(&answer, &job.window, crate::source::Caps::default())?;
    let c = &plan.columns;
    let mut columns = vec![
        ("time".to_string(), c.time.clone()),
        ("message".to_string(), c.message.clone()),
    ];
    for (role, col) in [
        ("level", &c.level),
        ("service", &c.service),
        ("trace", &c.trace),
        ("host", &c.host),
    ] {
        if let Some(col) = col {
            columns.push((role.to_string(), col.clone()));
        }
    }
    let queries = std::iter::once(describe)
        .chain(plan.queries())
        .map(|q| (q.kind.as_str().to_string(), q.sql))
        .collect();
    Ok(StorePreview {
        table: format!("{}.{}", job.url.database, job.url.table),
        columns,
        queries,
    })
}

/// Answers `store`: queries the store, then analyzes the rows and posts the report.
pub(super) fn analyze(scope: &DedicatedWorkerGlobalScope, data: &JsValue) {
    forget();
    let scope = scope.clone();
    let data = data.clone();
    wasm_bindgen_futures::spawn_local(async move {
        match fetch(&scope, &data).await {
            Ok((mut fetched, summary)) => {
                let files = std::mem::take(&mut fetched.files);
                let opts = AnalyzeOptions {
                    baseline: std::mem::take(&mut fetched.baseline),
                    counts: Some(fetched.counts.clone()),
                    ..Default::default()
                };
                let bytes: f64 = files.iter().map(|f| f.bytes.len() as f64).sum();
                let finished = super::analyze_inputs(&scope, files, &opts, bytes, |report| {
                    crate::with_store_rows(report, &fetched, summary)
                });
                if finished {
                    ROWS.with(|r| *r.borrow_mut() = Some(fetched));
                }
            }
            Err(e) => {
                let _ = scope.post_message(&protocol::error_message(&e.message));
            }
        }
    });
}

/// The CLI's flow (src/bin/cli/store.rs) with the browser's fetch: describe, plan, counts (an
/// empty window or a cap reached stops here), rows, assemble.
async fn fetch(
    scope: &DedicatedWorkerGlobalScope,
    data: &JsValue,
) -> Result<(Fetched, StoreInput), SourceError> {
    let job = Job::read(data)?;
    let caps = crate::source::Caps::default();
    let ch = ClickHouse::new(job.url.clone());
    let what = ch.what();
    let mut progress = Progress::new(Stage::Querying);
    // Describe and counts, then up to three row queries: the count is known after the counts.
    progress.steps = 5;
    let mut step = |scope: &DedicatedWorkerGlobalScope, rows: f64, steps: Option<u32>| {
        if let Some(s) = steps {
            progress.steps = s;
        }
        progress.events_done = rows;
        let _ = scope.post_message(&progress.to_message());
        progress.step += 1;
    };
    step(scope, 0.0, None);
    let describe = run(&job, &ch.discovery(), &what).await?;
    let plan = ch.plan(&describe, &job.window, caps)?;
    step(scope, 0.0, None);
    let counts = plan.read_counts(&run(&job, &plan.counts_query(), &what).await?)?;
    let queries = plan.row_queries(&counts);
    let mut answers = Vec::new();
    let mut rows = 0.0;
    for q in &queries {
        step(scope, rows, Some(2 + queries.len() as u32));
        let answer = run(&job, q, &what).await?;
        rows += answer.lines().filter(|l| !l.trim().is_empty()).count() as f64;
        answers.push((q.kind, answer));
    }
    let fetched = plan.assemble(counts, &answers)?;
    let summary = fetched.summary(&job.url, &job.window, &caps);
    Ok((fetched, summary))
}

/// How a fetch ended when it gave no response.
enum Failed {
    /// Our timer aborted it.
    TimedOut,
    /// The browser rejected it: nothing answered, or CORS hid the answer.
    Rejected,
}

/// A function of the worker's global scope (`fetch`, `setTimeout`, `clearTimeout`).
fn global_fn(name: &str) -> Result<js_sys::Function, JsValue> {
    js_sys::Reflect::get(&js_sys::global(), &name.into())?.dyn_into()
}

/// `fetch(url, init)` with a timeout covering the answer's body too; the body's text.
async fn fetch_text(
    url: &str,
    init: &RequestInit,
    timeout_ms: i32,
) -> Result<(u16, String), Failed> {
    let controller = AbortController::new().map_err(|_| Failed::Rejected)?;
    init.set_signal(Some(&controller.signal()));
    let abort = Closure::once(move || controller.abort());
    let global = js_sys::global();
    let timer = global_fn("setTimeout")
        .and_then(|f| f.call2(&global, abort.as_ref().unchecked_ref(), &timeout_ms.into()))
        .ok();
    let result = async {
        let started: js_sys::Promise = global_fn("fetch")?
            .call2(&global, &url.into(), init)?
            .dyn_into()?;
        let resp: Response = JsFuture::from(started).await?.dyn_into()?;
        let status = resp.status();
        let text = JsFuture::from(resp.text()?)
            .await?
            .as_string()
            .unwrap_or_default();
        Ok::<_, JsValue>((status, text))
    }
    .await;
    if let (Some(t), Ok(clear)) = (timer, global_fn("clearTimeout")) {
        let _ = clear.call1(&global, &t);
    }
    drop(abort);
    result.map_err(|e| {
        let aborted = e
            .dyn_ref::<web_sys::DomException>()
            .is_some_and(|d| d.name() == "AbortError");
        if aborted {
            Failed::TimedOut
        } else {
            Failed::Rejected
        }
    })
}

fn post_init(sql: &str) -> RequestInit {
    let init = RequestInit::new();
    init.set_method("POST");
    // A string body is sent as text/plain: with no custom header, no preflight.
    init.set_body(&JsValue::from_str(sql));
    init
}

/// Posts one query; the answer's text, or why there is none.
async fn run(job: &Job, q: &Query, what: &str) -> Result<String, SourceError> {
    match fetch_text(&job.post_url, &post_init(&q.sql), QUERY_TIMEOUT_MS).await {
        Ok((status, text)) => clickhouse_answer(status, text, what),
        Err(Failed::TimedOut) => Err(SourceError {
            kind: SourceErrorKind::Timeout,
            message: format!(
                "the store at {} did not answer the {} query within {} s: try a shorter window",
                job.url.endpoint(),
                q.kind.as_str(),
                QUERY_TIMEOUT_MS / 1000
            ),
        }),
        Err(Failed::Rejected) => Err(diagnose(job).await),
    }
}

/// Why the browser rejected a query. The browser says only "failed to fetch" both when nothing
/// answers and when it may not show the answer to the page (no CORS header: ClickHouse's 401
/// carries none, since it checks the user before reading `add_http_cors_header`). Two probes
/// tell these apart: an opaque `no-cors` request succeeds on any answer at all, and the same
/// query as the server's default user shows whether the page may read this store's answers.
async fn diagnose(job: &Job) -> SourceError {
    let endpoint = job.url.endpoint();
    let opaque = RequestInit::new();
    opaque.set_method("GET");
    opaque.set_mode(RequestMode::NoCors);
    let ping = format!("{endpoint}ping");
    let answers = fetch_text(&ping, &opaque, PROBE_TIMEOUT_MS).await.is_ok();
    if !answers {
        let https_page = js_sys::Reflect::get(&js_sys::global(), &"location".into())
            .ok()
            .and_then(|l| js_sys::Reflect::get(&l, &"protocol".into()).ok())
            .and_then(|p| p.as_string())
            .is_some_and(|p| p == "https:");
        let mixed = if https_page && !job.url.secure {
            " This page is served over https, so the browser blocks a plain http:// store: use the store's https port."
        } else {
            ""
        };
        return SourceError {
            kind: SourceErrorKind::Unreachable,
            message: format!(
                "nothing answered at {endpoint}: check the host and port (ClickHouse's HTTP port is 8123 by default, 8443 with TLS) and that the store is running.{mixed}"
            ),
        };
    }
    if job.user.is_some() {
        let anonymous = format!(
            "{}&enable_http_compression=1",
            job.url.http_url(None, None, true)
        );
        if fetch_text(&anonymous, &post_init("SELECT 1"), PROBE_TIMEOUT_MS)
            .await
            .is_ok()
        {
            return SourceError {
                kind: SourceErrorKind::Auth,
                message: format!(
                    "the store at {endpoint} refused the user and password (HTTP 401): check them, and that this user may read table {}.{}",
                    job.url.database, job.url.table
                ),
            };
        }
    }
    SourceError {
        kind: SourceErrorKind::Cors,
        message: format!(
            "the store at {endpoint} answered, but the browser did not let this page read the answer (CORS). \
             Either the store refused the user and password (ClickHouse sends its 401 without a CORS header, so the browser hides it: check them), \
             or it does not allow pages from other origins: ClickHouse does when a request carries the setting add_http_cors_header=1, which this page adds to every query; \
             a proxy in front of it must pass that Access-Control-Allow-Origin header through (and must not require a preflight)."
        ),
    }
}
