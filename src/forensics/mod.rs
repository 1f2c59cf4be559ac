//! Forensics: the deterministic tools that turn a mined corpus into findings.
//!
//! Each tool is its own module and records what it did in the reasoning trail with its real
//! inputs, outputs and counts. Findings point at events by index; the report module turns them
//! into `{file, line, text}` evidence.
//!
//! Promises: the same corpus gives the same findings (no clock, no hash-order dependence); input
//! order does not change the root cause or patient zero (newest-first exports are common); a
//! claim is only made with an event behind it.

mod aliases;
pub(crate) mod assess;
mod background;
mod confidence;
mod graph;
mod holders;
mod mentions;
mod order;
mod phrases;
pub(crate) mod playbook;
mod ports;
mod rank;
mod rates;
mod replies;
mod roles;
mod search;
mod shared;
mod signals;
mod statements;
mod timing;
mod trigger;
mod trivial;

use crate::ingest::{Corpus, Level};
use crate::mine::Templates;
pub(crate) use signals::Class;

/// One abnormal signal: an event that speaks of a failure class.
#[derive(Debug, Clone)]
pub(crate) struct Signal {
    pub event: usize,
    pub class: Class,
    /// The service that logged it.
    pub emitter: String,
    /// The service the signal blames: the emitter, or a dependency its message names.
    pub blamed: String,
}

/// A ranked (service, failure class) hypothesis.
#[derive(Debug, Clone)]
pub(crate) struct Candidate {
    pub service: String,
    pub class: Class,
    pub score: f64,
    /// Events behind it, earliest first (bounded).
    pub evidence: Vec<usize>,
    /// Why it scored what it scored, one line per component.
    pub reasons: Vec<String>,
    pub signals: usize,
}

/// A dependency edge: `from` calls or depends on `to`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Edge {
    pub from: String,
    pub to: String,
    pub evidence: usize,
}

/// One step of the reasoning trail.
#[derive(Debug, Clone)]
pub(crate) struct Step {
    pub tool: &'static str,
    pub input: String,
    pub output: String,
}

/// Everything the tools found.
#[derive(Debug, Clone, Default)]
pub(crate) struct Findings {
    pub ranked: Vec<Candidate>,
    pub patient_zero: Option<usize>,
    pub signals: Vec<Signal>,
    pub edges: Vec<Edge>,
    pub services: Vec<ServiceInfo>,
    /// Applications that hold what others wait for (a lock, a database's connection slots),
    /// with the lines that say so (see `holders`).
    pub holders: Vec<shared::Suspect>,
    pub propagation: Vec<String>,
    pub trail: Vec<Step>,
    /// Event indices in causal time order (time, then input order adjusted for newest-first files).
    pub order: Vec<usize>,
    /// Per event: its time for ordering (own, or estimated from a relative age).
    pub times: Vec<Option<i64>>,
    /// Names that stand for a service (its addresses, its pods, an instance's file name).
    pub aliases: aliases::Aliases,
    /// Health, impact, severity and trigger (the last tools to run).
    pub assessment: assess::Assessment,
    /// How likely the top candidate is right (0..=1), and why.
    pub confidence: f64,
    pub confidence_reasons: Vec<String>,
}

/// Per-service facts.
#[derive(Debug, Clone)]
pub(crate) struct ServiceInfo {
    pub name: String,
    pub role: &'static str,
    pub events: usize,
    pub errors: usize,
    pub warnings: usize,
    pub first_signal: Option<usize>,
    pub worst: Option<Level>,
    /// True when the name comes only from other services' messages (a dependency).
    pub mentioned_only: bool,
}

/// Tools [`run`] reports as steps.
pub(crate) const STEPS: u32 = 6;

/// Runs every tool over the corpus, calling `step(i, events done)` before the i-th of
/// [`STEPS`] tools and every few thousand events inside the long ones (progress only).
pub(crate) fn run(
    corpus: &Corpus,
    templates: &Templates,
    baseline: Option<&rank::Baseline>,
    method: RankMethod,
    par: &dyn crate::Parallel,
    progress: &mut dyn FnMut(u32, usize),
) -> Findings {
    let mut step = |i: u32| progress(i, 0);
    step(0);
    // The timeline and the service names read the corpus apart: side by side.
    let timeline = || {
        let times = order::effective_times(corpus);
        (order::causal_order(corpus, &times), times)
    };
    let services = || {
        let names = graph::known_services(corpus);
        // Addresses that stand for a service are that service, not services of their own.
        let aliases = aliases::Aliases::learn(corpus, &names, par);
        let known: Vec<String> = names
            .into_iter()
            .filter(|n| aliases.resolve(n).is_none())
            .collect();
        let mentions = graph::Mentions::new(&known).with_aliases(&aliases);
        (known, aliases, mentions)
    };
    let ((order, times), (known, aliases, mentions)) =
        crate::parallel::join(par, timeline, services);
    let mut f = Findings {
        order,
        times,
        ..Default::default()
    };
    let aliases_len = aliases.len();
    f.trail.push(Step {
        tool: "correlate_timeline",
        input: format!(
            "{} events from {} files",
            corpus.events.len(),
            corpus.files.len()
        ),
        output: order::describe(&f.times, &f.order),
    });
    step(1);
    f.signals = graph::signals(corpus, templates, &known, &mentions, par, &mut |n| {
        progress(1, n)
    });
    // Databases whose statements slowed down say so only in their durations.
    let slow = statements::signals(corpus, &f.times, &f.signals);
    if !slow.is_empty() {
        f.signals.extend(slow);
        crate::sort::sort_by_key(&mut f.signals, |s| s.event);
    }
    progress(2, 0);
    f.edges = graph::edges(corpus, &f.signals, &mentions, par, &mut |n| progress(2, n));
    let mut step = |i: u32| progress(i, 0);
    f.trail.push(Step {
        tool: "extract_signals",
        input: format!(
            "{} templates, {} known services, {} addresses resolved to services",
            templates.templates.len(),
            known.len(),
            aliases_len
        ),
        // Counted in a hash set: sorting every signal's emitter name cost ~1% of a run.
        output: format!(
            "{} abnormal signals across {} services",
            f.signals.len(),
            f.signals
                .iter()
                .map(|s| s.emitter.as_str())
                .collect::<crate::hash::FxHashSet<&str>>()
                .len()
        ),
    });
    f.trail.push(Step {
        tool: "service_dependencies",
        input: format!(
            "{} signals naming other services",
            f.signals.iter().filter(|s| s.blamed != s.emitter).count()
        ),
        output: crate::english::plural(f.edges.len() as u64, "directed edge"),
    });
    step(3);
    let (services, own) = crate::parallel::join(
        par,
        || graph::service_infos(corpus, &known, &f.signals, &f.order),
        || background::SelfBaseline::learn(corpus, &f.times),
    );
    f.services = services;
    f.aliases = aliases;
    step(4);
    // Who holds what others wait for, and what several services report in the same words:
    // neither reads what the other finds, and both read only the signals and services.
    let known: Vec<String> = f.services.iter().map(|s| s.name.clone()).collect();
    let (holders, shared) = crate::parallel::join(
        par,
        || holders::holders(corpus, &f, par),
        || shared::suspects(corpus, &f, &known, par),
    );
    f.holders = holders;
    f.ranked = rank::rank(corpus, &f, baseline, &own, shared);
    if let Some(trivial) = trivial::rank(method, corpus, &f) {
        f.ranked = trivial;
    }
    f.trail.push(Step {
        tool: "rank_candidates",
        input: format!(
            "{} signals, baseline {}",
            f.signals.len(),
            if baseline.is_some() {
                "given"
            } else {
                "absent"
            }
        ),
        output: match f.ranked.first() {
            Some(c) => format!(
                "{} candidates; top: {} {} (score {:.2})",
                f.ranked.len(),
                c.service,
                c.class.as_str(),
                c.score
            ),
            None => "no abnormal signal: no candidate".into(),
        },
    });
    step(5);
    f.patient_zero = rank::patient_zero(corpus, &f);
    f.propagation = graph::propagation(&f);
    // Neither reads what the other finds.
    let (assessment, (confidence, reasons)) = crate::parallel::join(
        par,
        || assess::assess(corpus, &f, par),
        || confidence::confidence(corpus, &f, baseline.is_some()),
    );
    f.assessment = assessment;
    (f.confidence, f.confidence_reasons) = (confidence, reasons);
    f
}

/// Test support: ingests and mines (file name, text) pairs as the pipeline would.
#[cfg(test)]
pub(crate) fn mined(files: &[(&str, &str)]) -> (Corpus, Templates) {
    let inputs: Vec<crate::InputFile> = files
        .iter()
        .map(|(n, t)| crate::InputFile::new(*n, t.as_bytes().to_vec()))
        .collect();
    let mut corpus = crate::ingest(&inputs, &Default::default()).expect("test input ingests");
    let templates = crate::mine::mine(&mut corpus);
    (corpus, templates)
}

/// Test support: runs every tool over (file name, text) pairs, without a baseline.
#[cfg(test)]
pub(crate) fn analyzed(files: &[(&str, &str)], method: RankMethod) -> (Corpus, Findings) {
    let (corpus, templates) = mined(files);
    let f = run(
        &corpus,
        &templates,
        None,
        method,
        &crate::Sequential,
        &mut |_, _| {},
    );
    (corpus, f)
}

pub(crate) use graph::UNKNOWN as UNKNOWN_SERVICE;
pub(crate) use rank::Baseline;
pub(crate) use search::search_in;
pub use search::{search, SearchError, SearchHit, SearchResult};
pub(crate) use timing::{exit_gap_medians, span_duration_medians, span_ends};
pub use trivial::RankMethod;
