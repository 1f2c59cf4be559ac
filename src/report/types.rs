//! The Report's serde types. Field names in the DESIGN.md contract are read by the evaluation.

use serde::{Deserialize, Serialize};

/// The full report of one analysis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub title: String,
    pub summary: String,
    /// 0..1: how strong the evidence for the root cause is.
    pub confidence: f64,
    pub confidence_reasons: Vec<String>,
    pub input: InputSummary,
    pub root_cause: RootCause,
    /// Ranked alternatives after the root cause.
    pub candidates: Vec<Candidate>,
    /// `P1`..`P4`.
    pub severity: Option<String>,
    pub severity_rationale: Vec<String>,
    pub affected_services: Vec<AffectedService>,
    pub timeline: Vec<TimelineEntry>,
    pub dependencies: Vec<Dependency>,
    pub forensic: Forensic,
    pub five_whys: Vec<Why>,
    pub systemic_cause: Option<String>,
    pub counterfactual: Option<String>,
    pub recommendations: Vec<Recommendation>,
    pub reasoning_trail: Vec<TrailStep>,
    pub grounding: Grounding,
    pub templates: Vec<TemplateRow>,
    pub narrative: Option<Narrative>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootCause {
    pub service: Option<String>,
    pub failure_class: String,
    /// The root cause in one sentence.
    pub statement: String,
    pub score: Option<f64>,
    pub evidence: Vec<Evidence>,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Candidate {
    pub service: Option<String>,
    pub failure_class: String,
    pub score: f64,
    pub evidence: Vec<Evidence>,
    pub reasons: Vec<String>,
}

/// A pointer at an input line: the proof behind a claim.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct Evidence {
    pub file: String,
    /// 1-based line number in `file`.
    pub line: u32,
    /// The line verbatim (the first line of a multi-line event).
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AffectedService {
    pub name: String,
    pub role: String,
    /// `down`, `degraded` or `healthy`.
    pub health: String,
    pub impact: String,
    pub evidence: Option<Evidence>,
    /// Time of the first and last abnormal signal about this service, when timed.
    pub first_signal: Option<String>,
    pub last_signal: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimelineEntry {
    pub time: Option<String>,
    pub service: Option<String>,
    pub level: Option<String>,
    pub failure_class: Option<String>,
    /// Clean message text of the first event of the burst.
    pub text: String,
    /// Events of the same template and service collapsed into this entry.
    pub count: u64,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dependency {
    pub from: String,
    pub to: String,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Forensic {
    pub patient_zero: Option<PatientZero>,
    pub propagation_path: Vec<String>,
    pub blast_radius: Vec<BlastEntity>,
    pub trigger: Trigger,
    /// Seconds from patient zero to the first user-facing impact line, when both have times.
    pub time_to_impact_seconds: Option<f64>,
    pub user_impact: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PatientZero {
    pub service: Option<String>,
    pub time: Option<String>,
    pub failure_class: Option<String>,
    pub evidence: Evidence,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BlastEntity {
    pub kind: String,
    pub name: String,
    pub impact: String,
    pub evidence: Option<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Trigger {
    /// `deploy`, `config_change`, `scaling`, `dependency_failure`, `resource_exhaustion`,
    /// `traffic_spike` or `unknown`.
    pub kind: String,
    pub confidence: f64,
    pub summary: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Why {
    pub question: String,
    pub answer: String,
    pub evidence: Vec<Evidence>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Recommendation {
    pub rank: u32,
    pub title: String,
    pub why: String,
    pub commands: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrailStep {
    pub step: u32,
    pub tool: String,
    pub input: String,
    pub output: String,
}

/// The check that every name and line the report cites is in the input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grounding {
    pub checked: u64,
    pub passed: bool,
    pub problems: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Narrative {
    pub source: String,
    pub model: String,
    pub text: String,
    /// The check of `text` against the findings (flags, a root-cause disagreement), so JSON
    /// readers and the page's history see what stderr or the live page showed. `None` in
    /// reports written before the check was stored.
    #[serde(default)]
    pub check: Option<super::Check>,
}

/// Facts about the input: every line counted once, in an event or as unparsed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub baseline: Option<BaselineSummary>,
    /// Where the input came from when it was read from a log store (`--source`): the window,
    /// the store's true counts, what was fetched and the caps. Absent for files.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub store: Option<crate::source::StoreInput>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BaselineSummary {
    pub files: usize,
    pub lines: u64,
    pub events: u64,
    /// Incident templates never seen in the baseline.
    pub new_templates: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileRow {
    pub name: String,
    pub format: String,
    pub lines: u32,
    pub bytes: u64,
    pub gzip: bool,
    /// The year assumed for the file's year-less times, when it had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_year: Option<i32>,
    /// The day (`YYYY-MM-DD`) assumed for times of day written before any date, when it had any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assumed_date: Option<String>,
    /// The file's times are seconds since boot, counted from an assumed midnight (the first
    /// date of the input, else 1 January of its year): their order and gaps are real.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub since_boot: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Count {
    pub name: String,
    pub events: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TimeRange {
    pub start: String,
    pub end: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TemplateRow {
    pub id: u32,
    pub template: String,
    pub count: u64,
    /// True when a baseline was given and never showed this template.
    pub new: bool,
    /// The template's timestamped events counted in [`SPARKLINE_BUCKETS`] equal slices of
    /// `input.time_range` (first slice first); empty when the input has no times.
    #[serde(default)]
    pub sparkline: Vec<u32>,
}

/// Slices of the incident's time range in [`TemplateRow::sparkline`].
pub const SPARKLINE_BUCKETS: usize = 24;
