//! The engine in a real browser (wasm32, headless Chromium through chromedriver):
//! `CHROMEDRIVER=/usr/bin/chromedriver cargo test --target wasm32-unknown-unknown --test web`.
#![cfg(target_arch = "wasm32")]

use faultline::{analyze, AnalyzeOptions, IngestErrorKind, InputFile};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

const SAMPLE: &str = "\
2024-03-12T14:09:02Z ERROR orders-api connection is not available, request timed out after 30000ms
2024-03-12T14:09:05Z ERROR orders-api connection is not available, request timed out after 30000ms
2024-03-12T14:09:07Z WARN checkout-web upstream request timed out
";

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use flate2::write::GzEncoder;
    use std::io::Write;
    let mut enc = GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(bytes).unwrap();
    enc.finish().unwrap()
}

#[wasm_bindgen_test]
fn analyzes_lines_in_the_browser() {
    let files = [InputFile::new("app.log", SAMPLE.as_bytes().to_vec())];
    let report = analyze(&files, &AnalyzeOptions::default()).expect("a report");
    assert_eq!(report.input.lines, 3);
    assert_eq!(report.input.events + report.input.unparsed_lines, 3);
    assert!(!report.templates.is_empty());
    let total: u64 = report.templates.iter().map(|t| t.count).sum();
    assert_eq!(total, report.input.events);
}

#[wasm_bindgen_test]
fn gzip_gives_the_same_counts_as_plain_text() {
    let plain = analyze(
        &[InputFile::new("a.log", SAMPLE.as_bytes().to_vec())],
        &AnalyzeOptions::default(),
    )
    .unwrap();
    let packed = analyze(
        &[InputFile::new("a.log.gz", gzip(SAMPLE.as_bytes()))],
        &AnalyzeOptions::default(),
    )
    .unwrap();
    assert_eq!(packed.input.lines, plain.input.lines);
    assert_eq!(packed.input.events, plain.input.events);
    assert_eq!(packed.templates.len(), plain.templates.len());
}

#[wasm_bindgen_test]
fn empty_input_is_an_error_not_a_panic() {
    let err = analyze(
        &[InputFile::new("empty.log", Vec::new())],
        &AnalyzeOptions::default(),
    )
    .unwrap_err();
    assert_eq!(err.kind(), IngestErrorKind::EmptyInput);
}

#[wasm_bindgen_test]
fn the_report_crosses_to_javascript() {
    use serde::Serialize;
    let report = analyze(
        &[InputFile::new("a.log", SAMPLE.as_bytes().to_vec())],
        &AnalyzeOptions::default(),
    )
    .unwrap();
    let ser = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true);
    let value = report
        .serialize(&ser)
        .expect("serializable for postMessage");
    let input = js_sys::Reflect::get(&value, &"input".into()).unwrap();
    let lines = js_sys::Reflect::get(&input, &"lines".into()).unwrap();
    assert_eq!(lines.as_f64(), Some(3.0));
    let severity = js_sys::Reflect::get(&value, &"severity".into()).unwrap();
    assert!(
        severity.as_string().is_some_and(|s| s.starts_with('P')),
        "severity is P1..P4"
    );
}
