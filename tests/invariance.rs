//! Order invariance and determinism on real incident fixtures.
//!
//! DESIGN.md: "patient zero is the earliest abnormal signal on the chain that explains the impact,
//! whatever order the lines came in" and "the same input gives the same report, byte for byte".
//!
//! For three fixtures (the example report's incident, the +02:00 TLS expiry, and the Redis
//! eviction that mixes a kubectl table with native Redis lines) the lines of every file are
//! reversed, or shuffled by proptest, keeping a table header first where a file has one; the
//! report must name the same root-cause service and class and the same patient-zero TEXT (its line
//! number changes with the order, its text must not). Every report, shuffled or not, must also
//! serialize to byte-identical JSON when computed twice.
//!
//! The fixtures chosen have no multi-line events: shuffling lines of a stack trace would change
//! the events themselves, not only their order.
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{analyze, AnalyzeOptions, InputFile};
use proptest::prelude::*;
use proptest::test_runner::Config;
use serde_json::Value;
use std::fs;
use std::path::Path;

/// A log file split for reordering: an optional header row that stays first, and the body lines.
#[derive(Clone, Debug)]
struct SplitFile {
    name: String,
    header: Option<String>,
    body: Vec<String>,
}

impl SplitFile {
    fn with_body(&self, body: Vec<String>) -> InputFile {
        let mut text = String::new();
        if let Some(h) = &self.header {
            text.push_str(h);
            text.push('\n');
        }
        for line in &body {
            text.push_str(line);
            text.push('\n');
        }
        InputFile::new(self.name.clone(), text.into_bytes())
    }
}

/// True for a column-header row such as kubectl's `NAME   READY   STATUS ...` or
/// `LAST SEEN   TYPE   REASON ...`: upper-case words separated by runs of two or more spaces.
fn is_header(line: &str) -> bool {
    let upper_only = line.chars().all(|c| {
        c.is_ascii_uppercase() || c == ' ' || c == '(' || c == ')' || c == '-' || c == '_'
    });
    upper_only
        && line.contains("  ")
        && line.split("  ").filter(|w| !w.trim().is_empty()).count() >= 3
}

fn load_split(name: &str) -> Vec<SplitFile> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/incidents")
        .join(name);
    let mut paths: Vec<_> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && p.file_name().unwrap() != "expected.json")
        .collect();
    paths.sort();
    paths
        .into_iter()
        .map(|p| {
            let text = fs::read_to_string(&p).unwrap();
            let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
            let header = if lines.first().is_some_and(|l| is_header(l)) {
                Some(lines.remove(0))
            } else {
                None
            };
            SplitFile {
                name: p.file_name().unwrap().to_string_lossy().into_owned(),
                header,
                body: lines,
            }
        })
        .collect()
}

fn original(files: &[SplitFile]) -> Vec<InputFile> {
    files.iter().map(|f| f.with_body(f.body.clone())).collect()
}

fn reordered(files: &[SplitFile], bodies: Vec<Vec<String>>) -> Vec<InputFile> {
    files
        .iter()
        .zip(bodies)
        .map(|(f, b)| f.with_body(b))
        .collect()
}

/// The report as JSON text and as a value.
fn report(inputs: &[InputFile]) -> (String, Value) {
    let r = analyze(inputs, &AnalyzeOptions::default())
        .unwrap_or_else(|e| panic!("analyze failed: {e}"));
    let text = serde_json::to_string(&r).expect("report serializes");
    let value = serde_json::from_str(&text).unwrap();
    (text, value)
}

/// What must not depend on line order: root service, root class, patient-zero text.
fn verdict(v: &Value) -> (Value, Value, Value) {
    (
        v["root_cause"]["service"].clone(),
        v["root_cause"]["failure_class"].clone(),
        v["forensic"]["patient_zero"]["evidence"]["text"].clone(),
    )
}

/// Analyzes twice, asserts byte-identical JSON, and returns the verdict.
fn deterministic_verdict(inputs: &[InputFile], what: &str) -> (Value, Value, Value) {
    let (a, v) = report(inputs);
    let (b, _) = report(inputs);
    assert!(
        a == b,
        "{what}: two runs on the same input gave different JSON"
    );
    verdict(&v)
}

fn check_reversed(name: &str) {
    let files = load_split(name);
    let base = deterministic_verdict(&original(&files), name);
    let bodies = files
        .iter()
        .map(|f| f.body.iter().rev().cloned().collect())
        .collect();
    let rev = deterministic_verdict(&reordered(&files, bodies), &format!("{name} reversed"));
    assert_eq!(
        rev, base,
        "{name}: reversing every file changed (root service, class, patient-zero text)"
    );
}

#[test]
fn reversed_example_report() {
    check_reversed("example-report");
}

#[test]
fn reversed_tls_cert_expired() {
    check_reversed("tls-cert-expired");
}

#[test]
fn reversed_redis_evicted_by_autoscaler() {
    check_reversed("redis-evicted-by-autoscaler");
}

#[test]
fn header_rows_are_kept_first() {
    let files = load_split("redis-evicted-by-autoscaler");
    let events = files
        .iter()
        .find(|f| f.name == "kubectl-get-events.txt")
        .unwrap();
    assert!(events
        .header
        .as_deref()
        .is_some_and(|h| h.starts_with("LAST SEEN")));
    assert!(files
        .iter()
        .filter(|f| f.name.ends_with(".log"))
        .all(|f| f.header.is_none()));
}

/// Every fixture, as given: two runs give byte-identical JSON.
#[test]
fn two_runs_are_byte_identical_on_every_fixture() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incidents");
    let mut names: Vec<String> = fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    names.sort();
    for name in names {
        let inputs = original(&load_split(&name));
        let (a, _) = report(&inputs);
        let (b, _) = report(&inputs);
        assert!(a == b, "{name}: two runs gave different JSON");
    }
}

/// A shuffle of every file's body, independently per file.
fn shuffled_bodies(files: &[SplitFile]) -> impl Strategy<Value = Vec<Vec<String>>> {
    files
        .iter()
        .map(|f| Just(f.body.clone()).prop_shuffle())
        .collect::<Vec<_>>()
}

fn config() -> Config {
    Config {
        cases: 24,
        max_shrink_iters: 32,
        failure_persistence: None,
        ..Config::default()
    }
}

fn check_shuffled(name: &str) {
    let files = load_split(name);
    let base = deterministic_verdict(&original(&files), name);
    let mut runner = proptest::test_runner::TestRunner::new(config());
    let result = runner.run(&shuffled_bodies(&files), |bodies| {
        let got = deterministic_verdict(&reordered(&files, bodies), &format!("{name} shuffled"));
        prop_assert_eq!(
            &got,
            &base,
            "{}: a shuffle changed (root service, class, patient-zero text)",
            name
        );
        Ok(())
    });
    if let Err(e) = result {
        panic!("{name}: {e}");
    }
}

#[test]
fn shuffled_example_report() {
    check_shuffled("example-report");
}

#[test]
fn shuffled_tls_cert_expired() {
    check_shuffled("tls-cert-expired");
}

#[test]
fn shuffled_redis_evicted_by_autoscaler() {
    check_shuffled("redis-evicted-by-autoscaler");
}
