//! `analyze --source clickhouse://...` against a real ClickHouse (Debian's 18.16 in the tests).
//!
//! These tests are `#[ignore]`d: they need a server, which scripts/test.sh starts
//! (scripts/clickhouse.sh) and names in `FAULTLINE_TEST_CLICKHOUSE` (`HOST:PORT`, HTTP) before
//! running them with `--ignored`. Without that variable they fail with a message saying so.
//!
//! The fixtures are loaded the way a log shipper that reads files stores them: one row per
//! event (a stack trace stays in its row), the line(s) verbatim as the body, the event's time
//! and level in columns, and the file's name (without extension) as the service, as the
//! OpenTelemetry filelog receiver tags a stream by its file. The test table uses only what 18.16
//! has: `DateTime` plus a nanosecond fraction column.
#![cfg(not(target_arch = "wasm32"))]

#[path = "../src/app/demo.rs"]
#[allow(dead_code)]
mod demo;

use faultline::{analyze, ingest, AnalyzeOptions, IngestOptions, InputFile};
use serde_json::{json, Value};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicU32, Ordering};

const NS: i64 = 1_000_000_000;

fn server() -> String {
    std::env::var("FAULTLINE_TEST_CLICKHOUSE").expect(
        "FAULTLINE_TEST_CLICKHOUSE=HOST:PORT names the ClickHouse these tests use (scripts/test.sh starts one)",
    )
}

/// Runs one statement as the `default` user; panics with the server's message on failure.
fn sql(statement: &str, body: &str) {
    let url = format!("http://{}/?query={}", server(), encode(statement));
    let resp = ureq::post(&url)
        .config()
        .http_status_as_error(false)
        .build()
        .send(body.as_bytes())
        .expect("ClickHouse answers");
    let status = resp.status().as_u16();
    let text = resp.into_body().read_to_string().unwrap_or_default();
    assert!(status == 200, "{statement}: HTTP {status}: {text}");
}

fn encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

/// A fresh database per test (tests run in parallel).
fn database(name: &str) -> String {
    static N: AtomicU32 = AtomicU32::new(0);
    let db = format!(
        "t_{name}_{}_{}",
        std::process::id(),
        N.fetch_add(1, Ordering::Relaxed)
    );
    sql(&format!("CREATE DATABASE {db}"), "");
    db
}

const TABLE: &str = "(ts DateTime, ts_ns UInt32, service String, level String, host String, \
                     trace_id String, body String) ENGINE = MergeTree ORDER BY (service, ts)";

struct Row {
    time: i64,
    service: String,
    level: String,
    body: String,
}

fn insert(db: &str, table: &str, rows: &[Row]) {
    sql(&format!("CREATE TABLE {db}.{table} {TABLE}"), "");
    for chunk in rows.chunks(50_000) {
        let mut body = String::new();
        for r in chunk {
            let line = json!({
                "ts": r.time.div_euclid(NS),
                "ts_ns": r.time.rem_euclid(NS),
                "service": r.service,
                "level": r.level,
                "host": "",
                "trace_id": "",
                "body": r.body,
            });
            body.push_str(&line.to_string());
            body.push('\n');
        }
        sql(
            &format!("INSERT INTO {db}.{table} FORMAT JSONEachRow"),
            &body,
        );
    }
}

/// The rows a file-reading shipper would store for `files` (see the module doc).
fn shipped(files: &[InputFile]) -> Vec<Row> {
    let corpus = ingest(files, &IngestOptions::default()).expect("fixture ingests");
    let first_time = corpus.events.iter().filter_map(|e| e.time).min();
    let mut last: Vec<Option<i64>> = vec![None; corpus.files.len()];
    let mut rows = Vec::new();
    for ev in corpus.events.iter().filter(|e| e.lines > 0) {
        let f = ev.file as usize;
        // An untimed line is stamped when the shipper read it: after the file's last time.
        let time = ev.time.or(last[f]).or(first_time).expect("a timed fixture");
        last[f] = Some(time);
        let name = &corpus.files[f].name;
        let stem = Path::new(name).file_stem().unwrap().to_string_lossy();
        rows.push(Row {
            time,
            service: stem.into_owned(),
            level: ev.level.map_or("", |l| l.as_str()).to_string(),
            body: corpus
                .full_text(ev)
                .trim_end_matches(['\n', '\r'])
                .to_string(),
        });
    }
    rows
}

/// The report (when stdout holds one), stderr and the exit code.
type Run = (Option<Value>, String, i32);

fn cli(args: &[&str], env: &[(&str, &str)]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(args)
        .env_remove("FAULTLINE_SOURCE_USER")
        .env_remove("FAULTLINE_SOURCE_PASSWORD")
        .envs(env.iter().copied())
        .output()
        .expect("the CLI runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report = serde_json::from_str(&stdout).ok();
    (
        report,
        String::from_utf8_lossy(&out.stderr).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

fn at(ns: i64) -> String {
    (ns.div_euclid(NS)).to_string()
}

fn from_source(
    db: &str,
    table: &str,
    from: i64,
    to: i64,
    extra: &[&str],
) -> (Option<Value>, String, i32) {
    let url = format!("clickhouse://{}/{db}?table={table}", server());
    let (f, t) = (at(from), at(to + NS));
    let mut args = vec![
        "analyze", "--json", "--source", &url, "--from", &f, "--to", &t,
    ];
    args.extend_from_slice(extra);
    cli(&args, &[])
}

fn pz_text(r: &Value) -> &str {
    r["forensic"]["patient_zero"]["evidence"]["text"]
        .as_str()
        .unwrap_or("")
}

/// Loads `files` into ClickHouse and checks `--source` concludes what the files do.
fn same_answer(name: &str, files: &[InputFile]) {
    let by_files =
        serde_json::to_value(analyze(files, &AnalyzeOptions::default()).unwrap()).unwrap();
    let rows = shipped(files);
    let db = database(name);
    insert(&db, "logs", &rows);
    let from = rows.iter().map(|r| r.time).min().unwrap();
    let to = rows.iter().map(|r| r.time).max().unwrap();
    let (report, stderr, code) = from_source(&db, "logs", from, to, &[]);
    let r = report.unwrap_or_else(|| panic!("{name}: no report (exit {code}): {stderr}"));
    for field in ["service", "failure_class"] {
        assert_eq!(
            r["root_cause"][field], by_files["root_cause"][field],
            "{name}: root_cause.{field}"
        );
    }
    assert_eq!(r["severity"], by_files["severity"], "{name}: severity");
    assert_eq!(pz_text(&r), pz_text(&by_files), "{name}: patient zero text");
    // Evidence names a row of the table.
    let pz_file = r["forensic"]["patient_zero"]["evidence"]["file"]
        .as_str()
        .unwrap();
    assert!(pz_file.starts_with("logs:"), "{name}: {pz_file}");
    let store = &r["input"]["store"];
    assert_eq!(
        store["window_lines"],
        json!(rows.len()),
        "{name}: the store's count"
    );
    assert_eq!(store["sampled"], json!(false), "{name}: every row fetched");
    sql(&format!("DROP DATABASE {db}"), "");
}

fn fixture_dir(dir: &str) -> Vec<InputFile> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(dir);
    let mut names: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n != "expected.json")
        .collect();
    names.sort();
    names
        .into_iter()
        .map(|n| InputFile::new(n.clone(), std::fs::read(root.join(&n)).unwrap()))
        .collect()
}

#[test]
#[ignore = "needs ClickHouse: run by scripts/test.sh"]
fn each_demo_gives_the_same_answer_from_the_store() {
    for d in demo::DEMOS {
        let files: Vec<InputFile> = d
            .files
            .iter()
            .map(|(n, t)| InputFile::new(*n, t.as_bytes().to_vec()))
            .collect();
        same_answer(&d.key.replace('-', "_"), &files);
    }
}

#[test]
#[ignore = "needs ClickHouse: run by scripts/test.sh"]
fn the_example_report_incident_gives_the_same_answer_from_the_store() {
    same_answer("example", &fixture_dir("incidents/example-report"));
    same_answer(
        "example_newest_first",
        &fixture_dir("incidents/example-report-newest-first"),
    );
}

/// OpenTelemetry-style rows (message-only bodies; time, level and service in columns), many
/// more quiet lines than the sample keeps, and a healthy baseline before the window.
fn otel_like() -> (String, i64, i64) {
    let t0 = 1_717_236_000 * NS; // 2024-06-01T10:00:00Z
    let mut rows = Vec::new();
    let mut push = |t: i64, service: &str, level: &str, body: String| {
        rows.push(Row {
            time: t,
            service: service.into(),
            level: level.into(),
            body,
        })
    };
    // Baseline 09:30-10:00 and window 10:00-10:30: steady traffic from three services.
    for s in 0..3600 {
        let t = t0 - 1800 * NS + s * NS;
        push(
            t,
            "pay-api",
            "INFO",
            format!("charge ok order=o{s} in 35ms"),
        );
        push(
            t + NS / 3,
            "web-gw",
            "INFO",
            format!("GET /checkout 200 order=o{s}"),
        );
        push(
            t + 2 * NS / 3,
            "ledger",
            "INFO",
            format!("posted entry e{s}"),
        );
    }
    // The incident: pay-api's pool runs dry at 10:10, web-gw answers 503 after it.
    for s in 0..300 {
        let t = t0 + 600 * NS + s * NS;
        push(
            t + NS / 10,
            "pay-api",
            "ERROR",
            format!("db pool exhausted: 50/50 connections in use, waited 5000ms order=p{s}"),
        );
        push(
            t + NS / 2,
            "web-gw",
            "ERROR",
            format!("upstream pay-api returned 503 for POST /checkout order=p{s}"),
        );
    }
    let db = database("otel");
    insert(&db, "app_logs", &rows);
    (db, t0, t0 + 1800 * NS - NS)
}

#[test]
#[ignore = "needs ClickHouse: run by scripts/test.sh"]
fn message_only_rows_are_sampled_and_the_counts_stay_true() {
    let (db, from, to) = otel_like();
    let (report, stderr, code) = from_source(&db, "app_logs", from, to, &[]);
    let r = report.unwrap_or_else(|| panic!("no report (exit {code}): {stderr}"));
    assert_eq!(r["root_cause"]["service"], "pay-api", "{}", r["root_cause"]);
    assert_eq!(r["root_cause"]["failure_class"], "db_pool_exhaustion");
    let pz = &r["forensic"]["patient_zero"]["evidence"];
    assert!(
        pz["file"]
            .as_str()
            .unwrap()
            .starts_with("app_logs:pay-api@2024-06-01T10:10:00.100Z"),
        "{pz}"
    );
    assert!(
        pz["text"].as_str().unwrap().contains("db pool exhausted"),
        "{pz}"
    );
    let store = &r["input"]["store"];
    assert_eq!(store["window_lines"], json!(3 * 1800 + 600));
    assert_eq!(store["window_loud_lines"], json!(600));
    assert_eq!(store["baseline_lines"], json!(3 * 1800));
    assert_eq!(store["sampled"], json!(true));
    // 600 loud rows, and at most 50 of the others per service and minute.
    let fetched = store["fetched_window_rows"].as_u64().unwrap();
    assert!(
        (600 + 3 * 30..=600 + 3 * 30 * 50).contains(&fetched),
        "{fetched}"
    );
    assert!(stderr.contains("a sample of the quieter lines"), "{stderr}");
    // A baseline a day before: that day has no rows here, so none is used.
    let (report, stderr, _) = from_source(&db, "app_logs", from, to, &["--baseline-offset", "1d"]);
    let store = &report.unwrap_or_else(|| panic!("{stderr}"))["input"]["store"];
    assert_eq!(store["baseline_from"], "2024-05-31T10:00:00Z");
    assert_eq!(store["baseline_lines"], json!(0));
    // The Markdown postmortem says the same, so a sample is never read as the whole.
    let url = format!("clickhouse://{}/{db}?table=app_logs", server());
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args([
            "analyze",
            "--format",
            "md",
            "--source",
            &url,
            "--from",
            &at(from),
            "--to",
            &at(to + NS),
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&out.stdout);
    assert!(md.contains("6000 lines counted by the store"), "{md}");
    assert!(md.contains("every WARN-and-above line (600)"), "{md}");
    sql(&format!("DROP DATABASE {db}"), "");
}

#[test]
#[ignore = "needs ClickHouse: run by scripts/test.sh"]
fn bad_sources_fail_clearly_with_no_report() {
    let (db, from, to) = otel_like();
    sql(&format!("CREATE TABLE {db}.texty (timestamp String, message String) ENGINE = MergeTree ORDER BY timestamp"), "");
    let url = |table: &str| format!("clickhouse://{}/{db}?table={table}", server());
    let (f, t) = (at(from), at(to));
    let run = |url: &str, extra: &[&str], env: &[(&str, &str)]| {
        let mut args = vec![
            "analyze", "--json", "--source", url, "--from", &f, "--to", &t,
        ];
        args.extend_from_slice(extra);
        cli(&args, env)
    };
    let cases: Vec<(&str, Run, &str)> = vec![
        (
            "wrong URL",
            run("http://localhost:8123/?table=x", &[], &[]),
            "not a ClickHouse URL",
        ),
        (
            "credentials in the URL",
            run(
                &format!("clickhouse://u:p@{}/{db}?table=app_logs", server()),
                &[],
                &[],
            ),
            "FAULTLINE_SOURCE_USER",
        ),
        (
            "server down",
            run(
                &format!("clickhouse://127.0.0.1:9/{db}?table=app_logs"),
                &[],
                &[],
            ),
            "cannot reach the store at http://127.0.0.1:9/",
        ),
        (
            "401",
            run(
                &url("app_logs"),
                &[],
                &[
                    ("FAULTLINE_SOURCE_USER", "reader"),
                    ("FAULTLINE_SOURCE_PASSWORD", "wrong"),
                ],
            ),
            "refused the credentials",
        ),
        (
            "missing table",
            run(&url("nope"), &[], &[]),
            "does not exist",
        ),
        (
            "not a time",
            run(&url("texty"), &[], &[]),
            "is String, not a time",
        ),
        (
            "unknown column",
            run(&format!("{}&level=sev", url("app_logs")), &[], &[]),
            "has no column \"sev\"",
        ),
        (
            "empty window",
            {
                let (a, b) = (at(from + 86_400 * NS), at(to + 86_400 * NS));
                cli(
                    &[
                        "analyze",
                        "--json",
                        "--source",
                        &url("app_logs"),
                        "--from",
                        &a,
                        "--to",
                        &b,
                    ],
                    &[],
                )
            },
            "holds no rows",
        ),
        (
            "cap reached",
            run(&url("app_logs"), &["--source-cap", "100"], &[]),
            "600 WARN-and-above lines, more than the cap of 100",
        ),
        (
            "overlapping baseline",
            run(&url("app_logs"), &["--baseline-offset", "5m"], &[]),
            "would overlap",
        ),
    ];
    for (what, (report, stderr, code), says) in cases {
        assert_eq!(code, 1, "{what}: exit code; stderr: {stderr}");
        assert!(report.is_none(), "{what}: no report on stdout");
        assert!(
            stderr.contains(says),
            "{what}: stderr says {says:?}: {stderr}"
        );
        assert!(
            !stderr.contains("wrong"),
            "{what}: the password is never printed"
        );
    }
    // The right password works and is never printed back.
    let (report, stderr, code) = run(
        &url("app_logs"),
        &[],
        &[
            ("FAULTLINE_SOURCE_USER", "reader"),
            ("FAULTLINE_SOURCE_PASSWORD", "reader-secret"),
        ],
    );
    assert_eq!(code, 0, "{stderr}");
    let text = report.unwrap().to_string();
    assert!(!text.contains("reader-secret") && !stderr.contains("reader-secret"));
    sql(&format!("DROP DATABASE {db}"), "");
}
