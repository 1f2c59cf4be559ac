//! The Report: what the engine concluded and the input facts behind it, serialisable as the
//! JSON contract of DESIGN.md. Field names here are read by the evaluation; keep them.

mod time;

use crate::ingest::{self, Corpus, IngestError, IngestOptions, InputFile, InputStats};
use crate::mine::{self, Templates};
use serde::Serialize;
use std::collections::BTreeMap;

pub(crate) use time::format_ns;

/// Options for [`analyze`].
#[derive(Debug, Clone, Default)]
pub struct AnalyzeOptions {
    pub ingest: IngestOptions,
}

/// The full report. Sections the forensics tools have not filled are `null` or empty.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub input: InputSummary,
    pub root_cause: RootCause,
    pub candidates: Vec<Candidate>,
    pub severity: Option<String>,
    pub affected_services: Vec<AffectedService>,
    pub forensic: Forensic,
    pub templates: Vec<TemplateRow>,
    pub narrative: Option<Narrative>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RootCause {
    pub service: Option<String>,
    pub failure_class: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Candidate {
    pub service: Option<String>,
    pub failure_class: String,
    pub score: f64,
    pub evidence: Vec<Evidence>,
}

/// A pointer at an input line: the proof behind a claim.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Evidence {
    pub file: String,
    pub line: u32,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct AffectedService {
    pub name: String,
    pub role: String,
    pub health: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Forensic {
    pub patient_zero: Option<PatientZero>,
    pub propagation_path: Vec<String>,
    pub trigger: Trigger,
}

#[derive(Debug, Clone, Serialize)]
pub struct PatientZero {
    pub service: Option<String>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, Serialize)]
pub struct Trigger {
    pub kind: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Narrative {
    pub source: String,
    pub model: String,
    pub text: String,
}

/// Facts about the input: every line counted once, in an event or as unparsed.
#[derive(Debug, Clone, Serialize)]
pub struct InputSummary {
    pub files: Vec<FileRow>,
    pub lines: u64,
    pub events: u64,
    pub unparsed_lines: u64,
    pub timestamped_events: u64,
    pub invalid_utf8: u64,
    pub bytes: u64,
    pub formats: Vec<Count>,
    pub levels: Vec<Count>,
    pub services: Vec<Count>,
    pub time_range: Option<TimeRange>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileRow {
    pub name: String,
    pub format: String,
    pub lines: u32,
    pub bytes: u64,
    pub gzip: bool,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Count {
    pub name: String,
    pub events: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct TimeRange {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct TemplateRow {
    pub id: u32,
    pub template: String,
    pub count: u64,
}

/// Ingests, mines and reports.
pub fn analyze(files: &[InputFile], opts: &AnalyzeOptions) -> Result<Report, IngestError> {
    let mut corpus = ingest::ingest(files, &opts.ingest)?;
    let templates = mine::mine(&mut corpus);
    Ok(build(&corpus, &templates))
}

fn build(corpus: &Corpus, templates: &Templates) -> Report {
    let mut rows: Vec<TemplateRow> = templates
        .templates
        .iter()
        .map(|t| TemplateRow { id: t.id, template: t.text.clone(), count: t.count })
        .collect();
    // Most frequent first; ties by id so the order is stable.
    rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.id.cmp(&b.id)));
    Report {
        input: summarize(corpus),
        root_cause: RootCause { service: None, failure_class: "unknown".into() },
        candidates: Vec::new(),
        severity: None,
        affected_services: Vec::new(),
        forensic: Forensic {
            patient_zero: None,
            propagation_path: Vec::new(),
            trigger: Trigger { kind: "unknown".into() },
        },
        templates: rows,
        narrative: None,
    }
}

fn summarize(corpus: &Corpus) -> InputSummary {
    let InputStats { lines, events, unparsed_lines, timestamped_events, invalid_utf8, bytes, .. } =
        corpus.stats();
    let mut formats = BTreeMap::new();
    let mut levels = BTreeMap::new();
    let mut services = BTreeMap::new();
    let (mut lo, mut hi) = (i64::MAX, i64::MIN);
    for ev in &corpus.events {
        *formats.entry(ev.format.as_str()).or_insert(0u64) += 1;
        *levels.entry(ev.level.map_or("unknown", |l| l.as_str())).or_insert(0u64) += 1;
        *services.entry(corpus.service(ev).unwrap_or("(none)")).or_insert(0u64) += 1;
        if let (Some(t), ingest::TimeSource::Parsed) = (ev.time, ev.time_source) {
            lo = lo.min(t);
            hi = hi.max(t);
        }
    }
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
            })
            .collect(),
        lines,
        events,
        unparsed_lines,
        timestamped_events,
        invalid_utf8,
        bytes,
        formats: counts(formats),
        levels: counts(levels),
        services: counts(services),
        time_range: (lo <= hi).then(|| TimeRange { start: format_ns(lo), end: format_ns(hi) }),
    }
}

/// Largest count first, then by name, so output is deterministic.
fn counts(map: BTreeMap<&str, u64>) -> Vec<Count> {
    let mut v: Vec<Count> =
        map.into_iter().map(|(name, events)| Count { name: name.into(), events }).collect();
    v.sort_by(|a, b| b.events.cmp(&a.events).then_with(|| a.name.cmp(&b.name)));
    v
}
