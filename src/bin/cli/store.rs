//! `analyze --source`: the CLI's I/O for a log store. The engine (`faultline::source`) writes
//! every query and reads every answer; this module only posts them over HTTP (gzip) and says on
//! stderr what it is doing. Credentials come from `FAULTLINE_SOURCE_USER` /
//! `FAULTLINE_SOURCE_PASSWORD` and go only into the request URL sent to the store.

use faultline::source::{
    clickhouse_answer, parse_duration, parse_instant, Caps, ClickHouse, Fetched, LogSource, Query,
    SourceError, SourceErrorKind, SourceUrl, StoreInput, Window,
};
use std::io::Read;
use std::time::{Duration, Instant};

/// What the user asked for.
pub struct Request<'a> {
    pub url: &'a str,
    pub from: &'a str,
    pub to: &'a str,
    pub baseline_offset: Option<&'a str>,
    pub cap: Option<u64>,
    pub timeout: u64,
}

/// The store's rows as the engine's input, and the report's account of them.
pub fn fetch(req: &Request) -> Result<(Fetched, StoreInput), SourceError> {
    let started = Instant::now();
    let url = SourceUrl::parse(req.url)?;
    let window = Window::new(
        parse_instant(req.from)?,
        parse_instant(req.to)?,
        req.baseline_offset.map(parse_duration).transpose()?,
    )?;
    let mut caps = Caps::default();
    if let Some(c) = req.cap {
        caps.loud = c;
    }
    let store = Store::new(&url, req.timeout);
    let ch = ClickHouse::new(url.clone());
    eprintln!("faultline: reading {} from {url}", ch.what());
    let describe = store.run(&ch.discovery(), &ch.what())?;
    let plan = ch.plan(&describe, &window, caps)?;
    let counts = plan.read_counts(&store.run(&plan.counts_query(), &ch.what())?)?;
    eprintln!(
        "faultline: the store counted {} lines in the window ({} WARN and above, all fetched) and {} in the baseline",
        counts.window_lines(),
        counts.window_loud(),
        counts.baseline_lines()
    );
    let mut answers = Vec::new();
    for q in plan.row_queries(&counts) {
        answers.push((q.kind, store.run(&q, &ch.what())?));
    }
    let fetched = plan.assemble(counts, &answers)?;
    let summary = fetched.summary(&url, &window, &caps);
    eprintln!(
        "faultline: fetched {} window rows{} and {} baseline rows, {} bytes over the wire, in {:.1} s",
        summary.fetched_window_rows,
        if summary.sampled {
            " (a sample of the quieter lines; rates use the store's counts)"
        } else {
            " (every line)"
        },
        summary.fetched_baseline_rows,
        store.wire.get(),
        started.elapsed().as_secs_f64()
    );
    Ok((fetched, summary))
}

/// The store's HTTP interface.
struct Store {
    agent: ureq::Agent,
    /// Where queries are posted (with the credentials: never printed).
    url: String,
    endpoint: String,
    timeout: u64,
    /// Bytes received (compressed), for the closing line.
    wire: std::cell::Cell<u64>,
}

impl Store {
    fn new(url: &SourceUrl, timeout: u64) -> Store {
        let user = std::env::var("FAULTLINE_SOURCE_USER").ok();
        let password = std::env::var("FAULTLINE_SOURCE_PASSWORD").ok();
        let wait = Duration::from_secs(timeout.max(1));
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_connect(Some(wait.min(Duration::from_secs(10))))
            .timeout_global(Some(wait))
            .build()
            .into();
        Store {
            agent,
            url: format!(
                "{}&enable_http_compression=1",
                url.http_url(user.as_deref(), password.as_deref(), false)
            ),
            endpoint: url.endpoint(),
            timeout,
            wire: std::cell::Cell::new(0),
        }
    }

    /// Posts one query; the answer's text, or the store's error as a [`SourceError`].
    fn run(&self, q: &Query, what: &str) -> Result<String, SourceError> {
        let fail = |e: ureq::Error| {
            let text = e.to_string();
            if matches!(e, ureq::Error::Timeout(_)) || text.to_ascii_lowercase().contains("timeout")
            {
                SourceError {
                    kind: SourceErrorKind::Timeout,
                    message: format!(
                        "the store at {} did not answer the {} query within {} s: try a shorter window or a longer --source-timeout",
                        self.endpoint,
                        q.kind.as_str(),
                        self.timeout
                    ),
                }
            } else {
                SourceError {
                    kind: SourceErrorKind::Unreachable,
                    message: format!(
                        "cannot reach the store at {} ({text}): check the host and port (ClickHouse's HTTP port is 8123 by default) and that it is running",
                        self.endpoint
                    ),
                }
            }
        };
        let response = self
            .agent
            .post(&self.url)
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("Accept-Encoding", "gzip")
            .send(q.sql.as_bytes())
            .map_err(fail)?;
        let status = response.status().as_u16();
        let gzip = response
            .headers()
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.eq_ignore_ascii_case("gzip"));
        let mut raw = Vec::new();
        response
            .into_body()
            .with_config()
            .limit(u64::MAX)
            .reader()
            .read_to_end(&mut raw)
            .map_err(|e| fail(ureq::Error::Io(e)))?;
        self.wire.set(self.wire.get() + raw.len() as u64);
        let bytes = if gzip {
            let mut out = Vec::new();
            flate2::read::GzDecoder::new(&raw[..])
                .read_to_end(&mut out)
                .map_err(|e| SourceError {
                    kind: SourceErrorKind::Server,
                    message: format!("the store's gzip answer does not inflate: {e}"),
                })?;
            out
        } else {
            raw
        };
        clickhouse_answer(status, String::from_utf8_lossy(&bytes).into_owned(), what)
    }
}

/// The report with its evidence pointing at the store's rows and `input.store` filled in.
pub fn name_rows(
    report: faultline::Report,
    fetched: &Fetched,
    summary: StoreInput,
) -> Result<faultline::Report, String> {
    faultline::with_store_rows(report, fetched, summary)
}
