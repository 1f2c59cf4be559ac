//! Format coverage on real samples: every file of the shared formats folder ingests with under
//! 2% unparsed lines, every line counted once, and where a file carries timestamps a large
//! majority of its events have a parsed time. Prints a per-file table.
//!
//! The folder is `$FAULTLINE_SHARED/data/formats` (or `$FAULTLINE_SHARED` itself when it is the
//! formats folder), else `../shared/data/formats` next to the crate. Missing: the test skips.
//! Line conservation and the unparsed bound are always asserted. The time rule is asserted when
//! `FAULTLINE_STRICT_FORMATS=1` (on by default now that every sample passes it).
//! `FAULTLINE_STRICT_FORMATS=0` turns the unparsed bound off too (report only).
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{ingest, IngestOptions, InputFile, TimeSource};
use regex::Regex;
use std::path::{Path, PathBuf};

/// Whether the time rule is asserted when `FAULTLINE_STRICT_FORMATS` is unset.
const STRICT_TIME_BY_DEFAULT: bool = true;
const MAX_UNPARSED: f64 = 0.02;
const MIN_PARSED_TIME: f64 = 0.80;
/// A file "has timestamps" when this share of its non-blank lines shows one.
const TIMESTAMPED_FILE: f64 = 0.80;

fn formats_dir() -> Option<PathBuf> {
    let mut candidates = Vec::new();
    if let Ok(s) = std::env::var("FAULTLINE_SHARED") {
        let p = PathBuf::from(s);
        candidates.push(p.join("data/formats"));
        candidates.push(p.join("formats"));
        candidates.push(p);
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data/formats"));
    candidates
        .into_iter()
        .find(|p| p.join("INDEX.csv").is_file() || p.join("syslog").is_dir())
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        if name.starts_with('.') {
            continue;
        }
        if p.is_dir() {
            walk(&p, out);
        } else if !is_metadata(&name) {
            out.push(p);
        }
    }
}

/// Index and licence files that sit next to the samples but are not logs.
fn is_metadata(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.starts_with("readme")
        || lower.starts_with("license")
        || lower.starts_with("citation")
        || lower == "index.csv"
}

/// An independent, deliberately loose look for timestamps: ISO/RFC 3339 dates, syslog and
/// access-log dates, times of day, epoch seconds/millis/nanos in a time-named field.
fn timestamp_re() -> Regex {
    Regex::new(concat!(
        r"\d{4}[-/]\d{2}[-/]\d{2}[T ]?\d{2}:\d{2}",
        r"|\b\d{2}/[A-Z][a-z]{2}/\d{4}:\d{2}:\d{2}",
        r"|\b[A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}",
        r"|\b\d{2}:\d{2}:\d{2}",
        r#"|"(?:time|timestamp|ts|@timestamp|__REALTIME_TIMESTAMP|timeUnixNano|date)"\s*:\s*"?\d{10}"#,
        r"|\b[IWEF]\d{4} \d{2}:\d{2}",
        r"|\b\d{6} \d{6}\b",
    ))
    .unwrap()
}

struct Row {
    name: String,
    format: String,
    lines: u64,
    events: u64,
    unparsed: u64,
    ts_lines: f64,
    parsed: f64,
    failures: Vec<String>,
}

#[test]
fn formats_corpus() {
    let Some(dir) = formats_dir() else {
        eprintln!("formats_corpus: no formats folder (set FAULTLINE_SHARED); skipped");
        return;
    };
    let (strict_unparsed, strict_time) = match std::env::var("FAULTLINE_STRICT_FORMATS").as_deref()
    {
        Ok("0") | Ok("false") => (false, false),
        Ok(_) => (true, true),
        Err(_) => (true, STRICT_TIME_BY_DEFAULT),
    };
    let mut files = Vec::new();
    walk(&dir, &mut files);
    assert!(!files.is_empty(), "no files under {}", dir.display());
    let ts = timestamp_re();
    let mut rows = Vec::new();
    let mut unparsed_fail: Vec<String> = Vec::new();
    for path in &files {
        let name = path
            .strip_prefix(&dir)
            .unwrap_or(path)
            .display()
            .to_string();
        let bytes = std::fs::read(path).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        let nonblank: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        let ts_lines = if nonblank.is_empty() {
            0.0
        } else {
            nonblank.iter().filter(|l| ts.is_match(l)).count() as f64 / nonblank.len() as f64
        };
        let corpus = match ingest(
            &[InputFile::new(name.clone(), bytes)],
            &IngestOptions::default(),
        ) {
            Ok(c) => c,
            Err(e) => {
                rows.push(Row {
                    name,
                    format: "-".into(),
                    lines: 0,
                    events: 0,
                    unparsed: 0,
                    ts_lines,
                    parsed: 0.0,
                    failures: vec![format!("ingest error: {e}")],
                });
                continue;
            }
        };
        let s = corpus.stats();
        let mut failures = Vec::new();
        let in_events: u64 = corpus.events.iter().map(|e| e.lines as u64).sum();
        // Conservation is never relaxed.
        assert_eq!(
            s.lines,
            in_events + s.unparsed_lines,
            "{name}: lines not conserved"
        );
        let unparsed_share = s.unparsed_lines as f64 / s.lines.max(1) as f64;
        if unparsed_share >= MAX_UNPARSED {
            unparsed_fail.push(name.clone());
            failures.push(format!(
                "unparsed {:.1}% >= {:.0}%",
                unparsed_share * 100.0,
                MAX_UNPARSED * 100.0
            ));
        }
        let parsed = corpus
            .events
            .iter()
            .filter(|e| e.time_source == TimeSource::Parsed)
            .count() as f64
            / corpus.events.len().max(1) as f64;
        if ts_lines >= TIMESTAMPED_FILE && parsed < MIN_PARSED_TIME {
            failures.push(format!(
                "{:.0}% of lines show a time but only {:.0}% of events have one parsed",
                ts_lines * 100.0,
                parsed * 100.0
            ));
        }
        rows.push(Row {
            name,
            format: corpus.files[0].format.as_str().to_string(),
            lines: s.lines,
            events: s.events,
            unparsed: s.unparsed_lines,
            ts_lines,
            parsed,
            failures,
        });
    }
    // The table: worst first.
    rows.sort_by(|a, b| {
        b.failures.len().cmp(&a.failures.len()).then(
            (b.ts_lines - b.parsed)
                .partial_cmp(&(a.ts_lines - a.parsed))
                .unwrap_or(std::cmp::Ordering::Equal),
        )
    });
    println!(
        "{:<72} {:<16} {:>6} {:>6} {:>6} {:>6} {:>7}  problems",
        "file", "format", "lines", "events", "unparsed", "ts%", "parsed%"
    );
    for r in &rows {
        println!(
            "{:<72} {:<16} {:>6} {:>6} {:>8} {:>5.0}% {:>6.0}%  {}",
            r.name,
            r.format,
            r.lines,
            r.events,
            r.unparsed,
            r.ts_lines * 100.0,
            r.parsed * 100.0,
            r.failures.join("; ")
        );
    }
    let failing: Vec<&Row> = rows.iter().filter(|r| !r.failures.is_empty()).collect();
    println!(
        "{} files, {} with problems (strict unparsed: {strict_unparsed}, strict time: {strict_time})",
        rows.len(),
        failing.len()
    );
    if strict_unparsed {
        assert!(
            unparsed_fail.is_empty(),
            "unparsed >= 2% in: {}",
            unparsed_fail.join(", ")
        );
        let errors: Vec<&str> = rows
            .iter()
            .filter(|r| r.failures.iter().any(|f| f.starts_with("ingest error")))
            .map(|r| r.name.as_str())
            .collect();
        assert!(errors.is_empty(), "ingest failed on: {}", errors.join(", "));
    }
    if strict_time {
        assert!(
            failing.is_empty(),
            "{} of {} format samples fail: {}",
            failing.len(),
            rows.len(),
            failing
                .iter()
                .map(|r| format!("{} ({})", r.name, r.failures.join("; ")))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
}
