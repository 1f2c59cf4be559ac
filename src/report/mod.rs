//! The Report: what the engine concluded and the input facts behind it, with its renderers
//! (JSON through serde, Markdown for a postmortem, plain or coloured text for a terminal).
//!
//! Promises: the same input gives byte-identical JSON; every claim carries evidence lines
//! (file, 1-based line, verbatim text); field names in DESIGN.md's contract never change.

mod build;
mod check;
// Only the page draws charts; natively just its tests use it, and the worker (built without the
// `page` feature) not at all.
#[cfg_attr(not(all(target_arch = "wasm32", feature = "page")), allow(dead_code))]
pub(crate) mod chart;
mod markdown;
mod similar;
mod text;
mod types;

use crate::browse::Browse;
use crate::forensics;
use crate::ingest::{self, format_day, format_ns, Corpus, IngestError, IngestOptions, InputFile};
use crate::mine::{Miner, Templates};
use crate::parallel::Parallel;
use crate::progress::{self, Progress, Stage};

pub(crate) use crate::english::plural;
pub use check::{Check, Disagreement, Flag, FlagKind, Side};
pub use markdown::to_markdown;
pub use similar::{similarity, IncidentProfile, Similarity};
pub use text::{to_text, TextOptions};
pub use types::*;

/// A failure class as people read it: `fd_exhaustion` -> "file descriptor exhaustion",
/// `db_pool_exhaustion` -> "database pool exhaustion", `tls_expiry` -> "TLS expiry". One
/// spelling for the report, the terminal and the page.
///
/// ```
/// assert_eq!(faultline::class_words("oom"), "out of memory");
/// ```
pub fn class_words(class: &str) -> String {
    let words: Vec<&str> = class
        .split('_')
        .map(|w| match w {
            "oom" => "out of memory",
            "db" => "database",
            "fd" => "file descriptor",
            "tls" => "TLS",
            "dns" => "DNS",
            w => w,
        })
        .collect();
    words.join(" ")
}

/// Options for [`analyze`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub ingest: IngestOptions,
    /// Logs from a healthy period: templates and error rates to contrast the incident with.
    pub baseline: Vec<InputFile>,
    /// How the root cause is chosen: the engine, or a trivial rule to compare it with.
    pub method: forensics::RankMethod,
    /// True per-service counts of the incident and baseline windows when the input is a sample
    /// of a log store (see [`crate::source`]): the ranking's error rates use them.
    pub counts: Option<crate::source::Counts>,
}

/// A report made from a log store's rows as the user reads it: evidence renamed from the
/// synthetic per-service files to the rows they came from (`table:service@time`) and
/// `input.store` filled in. The CLI and the page both finish a store analysis here, so the same
/// window gives them the same report.
pub fn with_store_rows(
    report: Report,
    fetched: &crate::source::Fetched,
    summary: crate::source::StoreInput,
) -> Result<Report, String> {
    let mut v = json_value(&report).map_err(|e| e.to_string())?;
    fetched.name_rows(&mut v);
    // Back through JSON text, not `from_value`: the worker already reads reports from text (the
    // narrative's), and a second `Deserialize` of every report type, against `Value`, was ~100 KB
    // of its wasm. Text round-trips every value exactly (f64 by shortest representation).
    let text = serde_json::to_string(&v).map_err(|e| e.to_string())?;
    let mut report: Report = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    report.input.store = Some(summary);
    Ok(report)
}

/// The report as a JSON tree, made through its text rather than `serde_json::to_value`: the
/// same tree (numbers and strings round-trip exactly, objects are sorted maps either way), and
/// the worker's wasm holds one serializer of the report types (to text) instead of two.
pub(crate) fn json_value(report: &Report) -> Result<serde_json::Value, serde_json::Error> {
    serde_json::from_str(&serde_json::to_string(report)?)
}

/// Ingests, mines, runs every forensic tool and builds the report.
///
/// ```
/// use faultline::{analyze, AnalyzeOptions, InputFile};
/// let log = "2024-05-01T10:00:00Z ERROR orders-api Postgres pool exhausted: 50/50 connections in use\n";
/// let report = analyze(&[InputFile::new("orders.log", log.as_bytes().to_vec())], &AnalyzeOptions::default()).unwrap();
/// assert_eq!(report.input.lines, 1);
/// ```
pub fn analyze(files: &[InputFile], opts: &AnalyzeOptions) -> Result<Report, IngestError> {
    analyze_with_progress(files, opts, &mut progress::ignore)
}

/// [`analyze`] that takes ownership of the input, so valid UTF-8 bytes become the corpus text
/// without a copy: peak memory is one copy of the input less (the CLI's path for big files).
pub fn analyze_owned(files: Vec<InputFile>, opts: &AnalyzeOptions) -> Result<Report, IngestError> {
    analyze_owned_with_progress(files, opts, &mut progress::ignore)
}

/// [`analyze_owned`] calling `progress` as it goes; the report is the same.
pub fn analyze_owned_with_progress(
    files: Vec<InputFile>,
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, IngestError> {
    let corpus = ingest::ingest_owned_with(files, &opts.ingest, progress)?;
    Ok(report_on(corpus, opts, None, progress)?.0)
}

/// [`analyze_owned_with_progress`] with the independent work handed to `par`: each file is read
/// as a part of its own, messages are masked in fixed runs, and forensic tools that do not
/// feed each other run side by side. The parts are merged in input order, so the report is the
/// same bytes as [`analyze_owned`]'s whatever `par` runs at once. Progress comes one report at
/// a time, from whichever thread moved on (hence `Send`). The corpus read comes back too, so a
/// caller about to exit can leave it to the OS instead of freeing it.
pub fn analyze_parallel(
    files: Vec<InputFile>,
    opts: &AnalyzeOptions,
    par: &dyn Parallel,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<(Report, Corpus), IngestError> {
    let corpus = ingest::ingest_parallel(files, &opts.ingest, par, progress)?;
    report_on(corpus, opts, Some(par), progress)
}

/// [`analyze`] calling `progress` as it goes (see [`Progress`]); the report is the same.
pub fn analyze_with_progress(
    files: &[InputFile],
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Report, IngestError> {
    let corpus = ingest::ingest_with(files, &opts.ingest, progress)?;
    Ok(report_on(corpus, opts, None, progress)?.0)
}

/// [`analyze_owned`] with progress that also keeps the input's lines for browsing: the same
/// report, and a [`Browse`] index over the corpus (which keeps the decoded text, no copy).
pub fn analyze_for_browsing(
    files: Vec<InputFile>,
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Report, Browse), IngestError> {
    let corpus = ingest::ingest_owned_with(files, &opts.ingest, progress)?;
    browse_corpus(corpus, opts, progress)
}

/// [`analyze_for_browsing`] of an input already read (by [`crate::parts::merge`] of the parts
/// workers read): the same report and index as reading the files here.
pub fn browse_corpus(
    corpus: Corpus,
    opts: &AnalyzeOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Report, Browse), IngestError> {
    let (report, corpus) = report_on(corpus, opts, None, progress)?;
    let bytes = corpus.files.iter().map(|f| f.text.len() as u64).sum();
    let events = corpus.events.len() as u64;
    progress(Progress {
        stage: Stage::Index,
        bytes_done: bytes,
        bytes_total: bytes,
        events_done: events,
        events_total: events,
        step: 0,
        steps: 0,
    });
    Ok((report, Browse::new(corpus)))
}

/// Mines, runs the tools and builds the report. `par`: who runs independent work (`None`: all
/// of it here, with the finest progress and the least memory).
fn report_on(
    mut corpus: Corpus,
    opts: &AnalyzeOptions,
    par: Option<&dyn Parallel>,
    progress: &mut dyn FnMut(Progress),
) -> Result<(Report, Corpus), IngestError> {
    let mut baseline = if opts.baseline.is_empty() {
        None
    } else {
        Some(ingest::ingest(&opts.baseline, &opts.ingest)?)
    };
    let bytes = corpus.files.iter().map(|f| f.text.len() as u64).sum();
    let events = corpus.events.len() as u64;
    let mut at = |stage: Stage, events_done: u64, step: u32| {
        progress(Progress {
            stage,
            bytes_done: bytes,
            bytes_total: bytes,
            events_done,
            events_total: events,
            step,
            steps: match stage {
                Stage::Forensics => forensics::STEPS,
                Stage::Report => build::STEPS,
                _ => 0,
            },
        })
    };
    let (templates, mut base) = mine_all(&mut corpus, baseline.as_mut(), par, &mut |n| {
        at(Stage::Mine, n as u64, 0)
    });
    if let (Some(b), Some(c)) = (base.as_mut(), &opts.counts) {
        use_true_counts(b, c);
    }
    let findings = forensics::run(
        &corpus,
        &templates,
        base.as_ref(),
        opts.method,
        par.unwrap_or(&crate::Sequential),
        &mut |step, done| at(Stage::Forensics, done as u64, step),
    );
    let report = build::build(
        &corpus,
        &templates,
        &findings,
        baseline
            .as_ref()
            .map(|b| (b, base.as_ref().expect("baseline mined"))),
        par.unwrap_or(&crate::Sequential),
        &mut |step| at(Stage::Report, events, step),
    );
    Ok((report, corpus))
}

/// A store counted every line of both windows; the samples it returned would give inflated
/// error rates, so the baseline's rates and the incident's are the store's.
fn use_true_counts(b: &mut forensics::Baseline, c: &crate::source::Counts) {
    // Services the store names differently from the engine keep the sample's counts.
    for (s, v) in &c.baseline {
        b.services.insert(s.clone(), (v.0, v.1));
    }
    b.window_services = Some(
        c.window
            .iter()
            .map(|(s, v)| (s.clone(), (v.0, v.1)))
            .collect(),
    );
}

/// Mines the baseline first and the incident after it with one miner, so template ids are
/// shared and "new in the incident" means never seen in the healthy period.
fn mine_all(
    corpus: &mut Corpus,
    mut baseline: Option<&mut Corpus>,
    par: Option<&dyn Parallel>,
    tick: &mut dyn FnMut(usize),
) -> (Templates, Option<forensics::Baseline>) {
    let mut miner = Miner::new();
    match par {
        Some(par) => {
            if let Some(b) = baseline.as_deref_mut() {
                miner.mine_corpus_in(b, par, &mut |_| {});
            }
            miner.mine_corpus_in(corpus, par, tick);
        }
        None => {
            if let Some(b) = baseline.as_deref_mut() {
                miner.mine_corpus(b);
            }
            miner.mine_corpus_with(corpus, tick);
        }
    }
    let (mut templates, remap) = miner.finish_merged();
    crate::mine::remap_events(corpus, &remap);
    let base = baseline.map(|b| {
        crate::mine::remap_events(b, &remap);
        let mut fb = forensics::Baseline::default();
        let ids: Vec<u32> = b.events.iter().map(|ev| ev.template).collect();
        for ev in &b.events {
            fb.templates.insert(ev.template);
            let service = b.service(ev).unwrap_or(forensics::UNKNOWN_SERVICE);
            let e = fb.services.entry(service.to_string()).or_insert((0, 0));
            e.0 += 1;
            if ev.level.is_some_and(|l| l.is_error()) {
                e.1 += 1;
            }
        }
        fb.exit_gaps = forensics::exit_gap_medians(b);
        fb.span_durations = forensics::span_duration_medians(b);
        fb.span_ends = forensics::span_ends(b, &ids);
        fb
    });
    // Counts in the report are the incident's own.
    for t in &mut templates.templates {
        t.count = 0;
    }
    for ev in &corpus.events {
        templates.templates[ev.template as usize].count += 1;
    }
    (templates, base)
}

/// Input facts: counts by format, level and service, and the time range.
pub(crate) fn build_input(corpus: &Corpus) -> InputSummary {
    use crate::hash::FxHashMap;
    use std::collections::BTreeMap;
    let st = corpus.stats();
    // Counted by the events' small keys (enum values, symbol ids), counted once at the end: the
    // per-event work is a hash of a few bytes, not three string-keyed map look-ups.
    let mut by_format: FxHashMap<ingest::Format, u64> = FxHashMap::default();
    let mut by_level: FxHashMap<Option<ingest::Level>, u64> = FxHashMap::default();
    let mut by_service: FxHashMap<Option<u32>, u64> = FxHashMap::default();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for ev in &corpus.events {
        *by_format.entry(ev.format).or_insert(0) += 1;
        *by_level.entry(ev.level).or_insert(0) += 1;
        *by_service.entry(ev.service).or_insert(0) += 1;
        if let (Some(t), ingest::TimeSource::Parsed) = (ev.time, ev.time_source) {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
    let counted = |pairs: Vec<(&str, u64)>| {
        let mut m: BTreeMap<&str, u64> = BTreeMap::new();
        for (name, n) in pairs {
            *m.entry(name).or_insert(0) += n;
        }
        counts(m)
    };
    let formats = counted(
        by_format
            .into_iter()
            .map(|(f, n)| (f.as_str(), n))
            .collect(),
    );
    let levels = counted(
        by_level
            .into_iter()
            .map(|(l, n)| (l.map_or("unknown", |l| l.as_str()), n))
            .collect(),
    );
    let services = counted(
        by_service
            .into_iter()
            .map(|(s, n)| (s.map_or("(none)", |s| corpus.symbol(s)), n))
            .collect(),
    );
    InputSummary {
        files: corpus
            .files
            .iter()
            .map(|f| FileRow {
                name: f.name.clone(),
                format: f.format.as_str().into(),
                lines: f.lines,
                bytes: f.bytes_in,
                gzip: f.gzip,
                assumed_year: f.assumed_year,
                assumed_date: f.assumed_day.map(format_day),
                since_boot: f.since_boot,
            })
            .collect(),
        lines: st.lines,
        events: st.events,
        unparsed_lines: st.unparsed_lines,
        timestamped_events: st.timestamped_events,
        invalid_utf8: st.invalid_utf8,
        bytes: st.bytes,
        formats,
        levels,
        services,
        time_range: (lo <= hi).then(|| TimeRange {
            start: format_ns(lo),
            end: format_ns(hi),
        }),
        baseline: None,
        store: None,
    }
}

/// Largest count first, then by name, so output is deterministic.
fn counts(map: std::collections::BTreeMap<&str, u64>) -> Vec<Count> {
    let mut v: Vec<Count> = map
        .into_iter()
        .map(|(name, events)| Count {
            name: name.into(),
            events,
        })
        .collect();
    crate::sort::sort_by(&mut v, |a, b| {
        b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name))
    });
    v
}

/// What the reader assumed about a file's times, one sentence each (without the file name).
pub(crate) fn assumed_times(f: &FileRow) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(y) = f.assumed_year {
        out.push(format!(
            "writes times without a year: read as {y} (assumed)"
        ));
    }
    if let Some(d) = &f.assumed_date {
        out.push(format!(
            "writes times of day only: read as on {d} (assumed)"
        ));
    }
    if f.since_boot {
        out.push("counts seconds since boot: boot time assumed, order and gaps real".to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The page reads the worker's JSON back into a `Report`: nothing may be lost on the way.
    #[test]
    fn report_json_round_trips() {
        let log = "2024-05-01T10:00:00Z ERROR pay-api db pool exhausted: 50/50 in use\n\
                   2024-05-01T10:00:05Z ERROR web-gw upstream pay-api returned 503\n";
        let report = analyze(
            &[InputFile::new("a.log", log.as_bytes().to_vec())],
            &AnalyzeOptions::default(),
        )
        .unwrap();
        let json = serde_json::to_string(&report).unwrap();
        let back: Report = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        assert_eq!(serde_json::to_string(&back).unwrap(), json);
    }

    /// The tree made through text is the one `to_value` makes: same numbers (integers stay
    /// integers, floats floats), same strings, same keys.
    #[test]
    fn json_value_equals_to_value() {
        let log = "2024-05-01T10:00:00Z ERROR pay-api db pool exhausted: 50/50 in use\n\
                   2024-05-01T10:00:02Z WARN pay-api slow query took 1.25 s\n\
                   2024-05-01T10:00:05Z ERROR web-gw upstream pay-api returned 503\n";
        let report = analyze(
            &[InputFile::new("a.log", log.as_bytes().to_vec())],
            &AnalyzeOptions::default(),
        )
        .unwrap();
        let ours = json_value(&report).unwrap();
        assert_eq!(ours, serde_json::to_value(&report).unwrap());
        assert!(ours["input"]["lines"].is_u64());
        assert!(ours["confidence"].is_f64());
    }
}
