//! Ranking: (service, failure class) candidates scored from time order, failure-class knowledge,
//! how many other services' failures they explain, signal severity, volume, and the contrast with
//! a healthy baseline. The top candidate is the root cause; patient zero is its earliest signal.
//!
//! Promises: scores depend on times and content only, never on input order (ties broken by name),
//! so shuffled or reversed input ranks the same.

use super::background::SelfBaseline;
use super::graph::UNKNOWN;
use super::{Candidate, Class, Findings};
use crate::english::plural;
use crate::hash::{FxHashMap, FxHashSet};
use crate::ingest::{Corpus, Level, TimeSource};
use std::collections::{BTreeMap, BTreeSet};

/// What a healthy period looked like, per template and per service.
#[derive(Debug, Clone, Default)]
pub(crate) struct Baseline {
    /// Templates (ids of the shared miner) seen in the baseline.
    pub templates: BTreeSet<u32>,
    /// Per service: (events, error events).
    pub services: BTreeMap<String, (u64, u64)>,
    /// Per service: (median exit gap in ns, gaps) over trace-linked lines (see `timing`).
    pub exit_gaps: BTreeMap<String, (i64, usize)>,
    /// Per service: (median span duration in ns, spans) (see `timing::span_durations`).
    pub span_durations: BTreeMap<String, (i64, usize)>,
    /// How the baseline's spans ended (see `timing::cut_spans`).
    pub span_ends: super::timing::SpanEnds,
    /// Per service: the incident's true (events, error events) when the incident is a sample
    /// (a log store's counts, see `rates`); `None`: counted from the corpus.
    pub window_services: Option<BTreeMap<String, (u64, u64)>>,
}

/// Weights of the score components; they add up to 1.
const W_EARLY: f64 = 0.28;
const W_PRIOR: f64 = 0.27;
const W_EXPLAINS: f64 = 0.15;
/// Services that must blame a candidate for it to explain the failures fully.
const MIN_WITNESSES: usize = 2;
const W_SEVERITY: f64 = 0.10;
const W_VOLUME: f64 = 0.08;
const W_ANOMALY: f64 = 0.12;
/// With a baseline, contrast with the healthy period is the strongest evidence there is.
const W_ANOMALY_WITH_BASELINE: f64 = 0.4;
/// Below this anomaly a candidate's signals are chronic: the baseline had them too.
const CHRONIC: f64 = 0.1;
/// How the score's component reason lines start; other reason lines say something of their own.
const COMPONENTS: &[&str] = &[
    "earliness",
    "class prior",
    "explains",
    "severity",
    "volume",
    "anomaly",
    "change",
    "background",
    "chronic",
    "called",
    "before the burst",
];
/// Signals further apart than this many times the typical gap between signals, and at least
/// [`MIN_BURST_GAP_NS`] apart, belong to different bursts.
const BURST_GAP_FACTOR: i64 = 20;
const MIN_BURST_GAP_NS: i64 = 120_000_000_000;
/// Evidence lines kept per candidate.
const MAX_EVIDENCE: usize = 5;
/// A service whose median exit gap grew this many times over the baseline's is slowed.
const SLOW_FACTOR: f64 = 10.0;
/// Gaps needed on each side before a median means anything.
const MIN_GAPS: usize = 3;
/// Added to both medians: sub-millisecond jitter is no slowdown.
const GAP_FLOOR_NS: f64 = 1e6;
/// A service whose median span (its own handling of a request) grew this many times is slowed;
/// spans are noisier than gaps, so more of them are needed.
const SLOW_SPAN_FACTOR: f64 = 3.0;
const MIN_SPANS: usize = 20;
const MIN_BASE_SPANS: usize = 10;
/// A code point is known to continue when the baseline showed it this often, never last.
const CUT_MIN_SEEN: usize = 5;
/// Spans cut short at one point: at least this many, and this share of the spans through it.
const CUT_MIN_SPANS: usize = 5;
const CUT_MIN_SHARE: f64 = 0.3;

struct Group {
    service: String,
    class: Class,
    events: Vec<usize>,
    emitters: BTreeSet<String>,
    first_time: Option<i64>,
    worst: Option<Level>,
    /// For a slowdown found from trace timing: ln of how many times its exit gaps grew.
    slow: Option<f64>,
    /// For requests cut short (see `timing::cut_spans`): (share of spans cut, spans).
    cut: Option<(f64, usize)>,
    /// Events outside the self-baseline's background, and the first time among them.
    fresh: usize,
    fresh_first: Option<i64>,
    /// For a suspect others' failures point at (see `shared`, `holders`): why, as a reason line.
    shared: Option<String>,
    /// Times of its timed events, one per event (duplicates are removed when it is scored).
    moments: Vec<i64>,
}

impl Group {
    fn new(service: &str, class: Class) -> Group {
        Group {
            service: service.to_string(),
            class,
            events: Vec::new(),
            emitters: BTreeSet::new(),
            first_time: None,
            worst: None,
            slow: None,
            cut: None,
            fresh: 0,
            fresh_first: None,
            shared: None,
            moments: Vec::new(),
        }
    }

    /// Adds an event (duplicates are removed when the group is scored).
    fn add(&mut self, corpus: &Corpus, f: &Findings, bg: &SelfBaseline, i: usize) {
        self.events.push(i);
        let t = f.times[i];
        if let Some(t) = t {
            self.first_time = Some(self.first_time.map_or(t, |x| x.min(t)));
            self.moments.push(t);
        }
        if !bg.is_background(corpus, i) {
            self.fresh += 1;
            if let Some(t) = t {
                self.fresh_first = Some(self.fresh_first.map_or(t, |x| x.min(t)));
            }
        }
        self.worst = self.worst.max(corpus.events[i].level);
    }

    /// When the trouble began: the first signal that is not background, else the first.
    fn onset(&self) -> Option<i64> {
        self.fresh_first.or(self.first_time)
    }

    /// Share of the signals that are not background (0..1).
    fn change(&self) -> f64 {
        (self.fresh as f64 / self.events.len().max(1) as f64).min(1.0)
    }
}

pub(crate) fn rank(
    corpus: &Corpus,
    f: &Findings,
    baseline: Option<&Baseline>,
    bg: &SelfBaseline,
    shared: Vec<super::shared::Suspect>,
) -> Vec<Candidate> {
    // Four bytes an event (an input of 2^32 events would not fit in memory anyway).
    let mut pos = vec![0u32; corpus.events.len()];
    for (p, &i) in f.order.iter().enumerate() {
        pos[i] = p as u32;
    }
    let mut groups: BTreeMap<(String, Class), Group> = BTreeMap::new();
    // Signals nobody could attribute only count when nothing else can be attributed.
    let any_known = f.signals.iter().any(|o| o.blamed != UNKNOWN);
    // Grouped by borrowed names first: one key and one emitter string per group, not per signal.
    let mut by_signal: FxHashMap<(&str, Class), Group> = FxHashMap::default();
    let mut keys: Vec<(&str, Class)> = Vec::new();
    for s in &f.signals {
        if s.blamed == UNKNOWN && any_known {
            continue;
        }
        let g = by_signal
            .entry((s.blamed.as_str(), s.class))
            .or_insert_with(|| {
                keys.push((s.blamed.as_str(), s.class));
                Group::new(&s.blamed, s.class)
            });
        g.add(corpus, f, bg, s.event);
        if !g.emitters.contains(s.emitter.as_str()) {
            g.emitters.insert(s.emitter.clone());
        }
    }
    for key in keys {
        let g = by_signal.remove(&key).expect("grouped above");
        groups.insert((key.0.to_string(), key.1), g);
    }
    // A failure several services report in the same words is what they all use failing
    // (`shared`, found beside the holders).
    let mut suspects = shared;
    // A lock or the connection slots held by one application is that application's failure.
    suspects.extend(f.holders.iter().cloned());
    for s in &suspects {
        let g = groups
            .entry((s.service.clone(), s.class))
            .or_insert_with(|| Group::new(&s.service, s.class));
        g.emitters.extend(s.reporters.iter().cloned());
        for &i in &s.events {
            g.add(corpus, f, bg, i);
        }
        g.shared = Some(s.reason.clone());
    }
    // Against a baseline: services whose requests slowed by an order of magnitude, from the
    // trace ids their lines carry. A delay leaves no error line behind, only time.
    if let Some(b) = baseline {
        for (service, shift, events) in slowed(corpus, b) {
            let g = groups
                .entry((service.to_string(), Class::Network))
                .or_insert_with(|| Group::new(service, Class::Network));
            g.slow = Some(g.slow.map_or(shift, |x: f64| x.max(shift)));
            g.emitters.insert(service.to_string());
            for i in events {
                g.add(corpus, f, bg, i);
            }
        }
    }
    // Against a baseline: services whose requests stop where they never used to, an exception
    // escaping between two lines that always came together; it may log no error at all.
    if let Some(b) = baseline {
        for (service, (spans, _, cut)) in
            super::timing::cut_spans(corpus, &b.span_ends, CUT_MIN_SEEN)
        {
            let share = cut.len() as f64 / spans.max(1) as f64;
            if cut.len() < CUT_MIN_SPANS || share < CUT_MIN_SHARE {
                continue;
            }
            let g = groups
                .entry((service.to_string(), Class::CodeException))
                .or_insert_with(|| Group::new(service, Class::CodeException));
            g.cut = Some((share, spans));
            g.emitters.insert(service.to_string());
            for i in cut {
                g.add(corpus, f, bg, i);
            }
        }
    }
    if groups.is_empty() {
        // No line speaks of a failure class: what changed is the evidence left. Warnings and
        // errors in templates the healthy period (or the logs' own background) never showed.
        for i in changed_warnings(corpus, baseline, bg) {
            let service = super::graph::service_of(corpus, i);
            let g = groups
                .entry((service.to_string(), Class::CodeException))
                .or_insert_with(|| Group::new(service, Class::CodeException));
            g.emitters.insert(service.to_string());
            g.add(corpus, f, bg, i);
        }
    }
    if groups.is_empty() {
        return Vec::new();
    }
    // Earliness by rank of first time among candidates: robust to one stray early line.
    let mut times: Vec<i64> = groups.values().filter_map(|g| g.onset()).collect();
    crate::sort::sort(&mut times);
    times.dedup();
    let early = |t: Option<i64>| match t {
        Some(t) if times.len() > 1 => {
            1.0 - times.binary_search(&t).unwrap_or(0) as f64 / (times.len() - 1) as f64
        }
        Some(_) => 1.0,
        // Untimed signals are state snapshots (kubectl output) or bare lines: they describe
        // the failure as it stands, so they are not penalised for an unknown time.
        None => 0.9,
    };
    // Which services blame which: a service explains the failures of those that blame it.
    // Distinct names first: a BTreeSet collected from every signal sorts them all.
    let abnormal: FxHashSet<&str> = f.signals.iter().map(|s| s.emitter.as_str()).collect();
    let mut blamed_by: FxHashMap<&str, BTreeSet<&str>> = FxHashMap::default();
    for s in &f.signals {
        if s.blamed != s.emitter {
            blamed_by
                .entry(s.blamed.as_str())
                .or_default()
                .insert(s.emitter.as_str());
        }
    }
    for s in &suspects {
        for r in &s.reporters {
            blamed_by
                .entry(s.service.as_str())
                .or_default()
                .insert(r.as_str());
        }
    }
    for e in &f.edges {
        if abnormal.contains(e.from.as_str()) {
            blamed_by
                .entry(e.to.as_str())
                .or_default()
                .insert(e.from.as_str());
        }
    }
    let max_count = groups.values().map(|g| g.events.len()).max().unwrap_or(1) as f64;
    // One caller blaming a service is one witness, however few services are abnormal: with
    // only two abnormal services it is half the story, not all of it.
    let others = abnormal.len().saturating_sub(1).max(MIN_WITNESSES) as f64;
    let anomaly = baseline.map(|b| anomaly_by_service(corpus, b));

    let burst = main_burst(&groups);
    let mut cands: Vec<Candidate> = groups
        .into_values()
        .map(|mut g| {
            crate::sort::sort_by_key(&mut g.events, |&i| pos[i]);
            g.events.dedup();
            let e = early(g.onset());
            let prior = g.class.origin_prior();
            let explains = blamed_by.get(g.service.as_str()).map_or(0, |s| s.len()) as f64 / others;
            let explains = explains.min(1.0);
            let sev = level_score(g.worst);
            let vol = (1.0 + g.events.len() as f64).ln() / (1.0 + max_count).ln();
            // Against a baseline: signals in templates the healthy period never showed are new
            // trouble; chronic errors that were there all along are not.
            let anom = match (baseline, anomaly.as_ref()) {
                (Some(b), Some(a)) => {
                    let new = g
                        .events
                        .iter()
                        .filter(|&&i| !b.templates.contains(&corpus.events[i].template))
                        .count();
                    let new_frac = new as f64 / g.events.len() as f64;
                    let a = match a.get(g.service.as_str()) {
                        Some(&rise) => new_frac.max((2.0 * rise).min(1.0)),
                        None => 0.3 * new_frac,
                    };
                    // Ten times slower is a third of the way to a thousand times: the slowest
                    // service, not its waiting callers, comes first.
                    let a = g.slow.map_or(a, |x| a.max((x / 1000f64.ln()).min(1.0)));
                    g.cut.map_or(a, |(share, _)| a.max(share))
                }
                _ => 0.0,
            };
            let base = W_EARLY * e
                + W_PRIOR * prior
                + W_EXPLAINS * explains
                + W_SEVERITY * sev
                + W_VOLUME * vol;
            let change = g.change();
            let score = if baseline.is_some() {
                // Chronic trouble, there in the healthy period at the same rate, is background.
                let chronic = if anom < CHRONIC { 0.6 } else { 1.0 };
                chronic * (1.0 - W_ANOMALY_WITH_BASELINE) / (1.0 - W_ANOMALY) * base
                    + W_ANOMALY_WITH_BASELINE * anom
            } else {
                // Without a healthy period, the logs' own background stands in for it, and
                // signals that all came and went before the failures' main burst are not it.
                let chronic = if change < CHRONIC || before_burst(&g, burst) {
                    0.6
                } else {
                    1.0
                };
                chronic * base + W_ANOMALY * change
            };
            let mut reasons = vec![
                format!(
                    "earliness {e:.2}: first signal {}",
                    g.onset().map_or("untimed".into(), crate::ingest::format_ns)
                ),
                format!(
                    "class prior {prior:.2}: {} tends to start failures rather than follow them",
                    g.class.as_str()
                ),
                format!(
                    "explains {explains:.2}: blamed by {}",
                    plural(
                        blamed_by.get(g.service.as_str()).map_or(0, |s| s.len()) as u64,
                        "other abnormal service"
                    )
                ),
                format!(
                    "severity {sev:.2}: worst level {}",
                    g.worst.map_or("none", |l| l.as_str())
                ),
                format!(
                    "volume {vol:.2}: {}",
                    plural(g.events.len() as u64, "signal event")
                ),
            ];
            if baseline.is_some() {
                reasons.push(format!(
                    "anomaly {anom:.2}: new templates and error-rate change against the baseline"
                ));
            }
            if baseline.is_none() {
                reasons.push(format!(
                    "change {change:.2}: share of its signals that are new in the logs' own \
                     window (not start-up output, not there all along)"
                ));
            }
            if baseline.is_none() && change < CHRONIC {
                reasons.push(
                    "background: its signals are start-up output or there all along, so it \
                     counts for less"
                        .into(),
                );
            }
            if baseline.is_none() && change >= CHRONIC && before_burst(&g, burst) {
                reasons.push(
                    "before the burst: its signals all came and went before the main burst of \
                     failures, so it counts for less"
                        .into(),
                );
            }
            if baseline.is_some() && anom < CHRONIC {
                reasons.push(
                    "chronic: the healthy period showed the same trouble, so it counts for less"
                        .into(),
                );
            }
            if let Some(why) = &g.shared {
                reasons.push(why.clone());
            }
            if let Some((share, spans)) = g.cut {
                reasons.push(format!(
                    "cut short: {:.0}% of {spans} requests through one of its lines stopped there; \
                     none did in the baseline",
                    100.0 * share
                ));
            }
            if let Some(x) = g.slow {
                reasons.push(format!(
                    "slowed: its median request span, or time from its lines to the next \
                     service's line in the same trace, grew {:.0}x against the baseline",
                    x.exp()
                ));
            }
            Candidate {
                service: g.service,
                class: g.class,
                score: (score * 1000.0).round() / 1000.0,
                signals: g.events.len(),
                evidence: g.events.iter().copied().take(MAX_EVIDENCE).collect(),
                reasons,
            }
        })
        .collect();
    crate::sort::sort_by(&mut cands, |a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.service.cmp(&b.service))
            .then(a.class.cmp(&b.class))
    });
    // One candidate per service, scored by its best class but named by its most specific one:
    // a generic exception next to a deadlock is the deadlock.
    let mut best: Vec<Candidate> = Vec::new();
    for c in &cands {
        if best.iter().any(|b| b.service == c.service) {
            continue;
        }
        let mut top = c.clone();
        let specific = cands
            .iter()
            .filter(|o| o.service == c.service && o.class.is_specific())
            .max_by(|a, b| {
                a.class
                    .origin_prior()
                    .total_cmp(&b.class.origin_prior())
                    .then(a.signals.cmp(&b.signals))
            });
        if let Some(sp) = specific.filter(|sp| sp.class != c.class && !c.class.is_specific()) {
            top.class = sp.class;
            top.evidence = sp.evidence.clone();
            // The class prior line speaks of the class the candidate is named by, not of the
            // generic class whose signals gave the score.
            if let Some(r) = top
                .reasons
                .iter_mut()
                .find(|r| r.starts_with("class prior"))
            {
                *r = format!(
                    "class prior {:.2}: {} tends to start failures rather than follow them \
                     (the score took {:.2} from the same service's less specific signals)",
                    sp.class.origin_prior(),
                    sp.class.as_str(),
                    c.class.origin_prior()
                );
            }
            top.reasons.push(format!(
                "called {} after its most specific signal",
                sp.class.as_str()
            ));
            // What made the specific signals evidence (a shared failure, a held lock) stays
            // with the name it gives.
            let extra: Vec<String> = sp
                .reasons
                .iter()
                .filter(|r| !COMPONENTS.iter().any(|c| r.starts_with(c)))
                .filter(|r| !top.reasons.contains(r))
                .cloned()
                .collect();
            top.reasons.extend(extra);
        }
        top.signals = cands
            .iter()
            .filter(|o| o.service == c.service)
            .map(|o| o.signals)
            .sum();
        best.push(top);
    }
    best
}

/// When most of the failures happened: the start of the run of signal times with the most
/// signals, runs being split where two consecutive signals are further apart than
/// [`BURST_GAP_FACTOR`] times the median gap (and [`MIN_BURST_GAP_NS`]), with that split gap.
/// `None` when the signals form one run (or are untimed).
fn main_burst(groups: &BTreeMap<(String, Class), Group>) -> Option<(i64, i64)> {
    let mut times: Vec<i64> = Vec::new();
    for g in groups.values() {
        times.extend(g.moments.iter().copied());
    }
    crate::sort::sort(&mut times);
    if times.len() < 3 {
        return None;
    }
    let split = split_gap(times.clone());
    // (start, signals) of each run; the biggest wins, the earliest of equals.
    let mut runs: Vec<(i64, usize)> = vec![(times[0], 1)];
    for (k, gap) in times.windows(2).map(|w| w[1] - w[0]).enumerate() {
        if gap > split {
            runs.push((times[k + 1], 1));
        } else if let Some(r) = runs.last_mut() {
            r.1 += 1;
        }
    }
    if runs.len() < 2 {
        return None;
    }
    let best = runs.iter().map(|r| r.1).max().unwrap_or(0);
    runs.iter().find(|r| r.1 == best).map(|r| (r.0, split))
}

/// The gap between two signal times that separates two bursts: [`BURST_GAP_FACTOR`] times the
/// median gap between consecutive signals, and at least [`MIN_BURST_GAP_NS`].
fn split_gap(mut times: Vec<i64>) -> i64 {
    crate::sort::sort(&mut times);
    let mut gaps: Vec<i64> = times.windows(2).map(|w| w[1] - w[0]).collect();
    crate::sort::sort(&mut gaps);
    let median = gaps.get(gaps.len() / 2).copied().unwrap_or(0);
    (BURST_GAP_FACTOR.saturating_mul(median)).max(MIN_BURST_GAP_NS)
}

/// Quiet between two signals of the root that makes them separate episodes for its patient zero.
const MIN_EPISODE_GAP_NS: i64 = 600_000_000_000;
/// Signals that make a run rather than a stray line.
const MIN_RUN: usize = 2;

/// Of `events` (sorted by time, untimed last), those of their first run of [`MIN_RUN`] signals
/// or more (runs split where consecutive times are more than `split` apart), else of their
/// biggest run: a stray early line, an hour before the rest, does not start the failure, but
/// the first warnings of a slow build-up do. All of them when none is timed.
fn main_run<'a>(
    events: &'a [usize],
    times: &'a [Option<i64>],
    split: i64,
) -> impl Iterator<Item = usize> + 'a {
    let timed: Vec<(usize, i64)> = events
        .iter()
        .filter_map(|&i| times[i].map(|t| (i, t)))
        .collect();
    // (first index into `timed`, length) of each run.
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for k in 0..timed.len() {
        match runs.last_mut() {
            Some(r) if timed[k].1 - timed[k - 1].1 <= split => r.1 += 1,
            _ => runs.push((k, 1)),
        }
    }
    let best = runs.iter().map(|r| r.1).max().unwrap_or(0);
    let chosen: Option<FxHashSet<usize>> = runs
        .iter()
        .find(|r| r.1 >= MIN_RUN)
        .or_else(|| runs.iter().find(|r| r.1 == best))
        .map(|&(a, n)| timed[a..a + n].iter().map(|&(i, _)| i).collect());
    events
        .iter()
        .copied()
        .filter(move |i| chosen.as_ref().is_none_or(|c| c.contains(i)))
}

/// True when `g`'s signals recurred before the main burst and stopped before it began: every
/// timed signal is earlier than the burst, and they came at two moments or more, further apart
/// than the burst's split gap. Trouble that came back at intervals and played no part in the
/// burst is background the logs' window was too short to show as steady. A single early moment
/// is not: a component that broke once, long before its callers noticed, is a cause.
fn before_burst(g: &Group, burst: Option<(i64, i64)>) -> bool {
    let Some((start, split)) = burst else {
        return false;
    };
    let (Some(&first), Some(&last)) = (g.moments.iter().min(), g.moments.iter().max()) else {
        return false;
    };
    last < start && last - first > split
}

/// Events at warning level or worse, of a known service, whose template is new: absent from
/// the baseline when one is given, else not the service's own background.
fn changed_warnings<'a>(
    corpus: &'a Corpus,
    baseline: Option<&'a Baseline>,
    bg: &'a SelfBaseline,
) -> impl Iterator<Item = usize> + 'a {
    corpus.events.iter().enumerate().filter_map(move |(i, ev)| {
        let loud = ev.level.is_some_and(|l| l >= Level::Warn);
        let known = corpus.service(ev).is_some();
        let new = match baseline {
            Some(b) => !b.templates.contains(&ev.template),
            None => !bg.is_background(corpus, i),
        };
        (loud && known && new).then_some(i)
    })
}

fn level_score(l: Option<Level>) -> f64 {
    match l {
        Some(Level::Fatal) => 1.0,
        Some(Level::Critical) => 0.9,
        Some(Level::Error) => 0.7,
        Some(Level::Warn) => 0.4,
        Some(_) => 0.2,
        None => 0.3,
    }
}

/// Per service the baseline knew: how much its error rate rose (0..1). Services the baseline
/// never heard from are absent: there is no normal to compare them with.
fn anomaly_by_service<'a>(corpus: &'a Corpus, b: &Baseline) -> FxHashMap<&'a str, f64> {
    super::rates::incident_counts(corpus, b.window_services.as_ref())
        .into_iter()
        .filter_map(|(s, (n, err))| {
            let (bn, berr) = b.services.get(s).copied().filter(|(bn, _)| *bn > 0)?;
            let rise = err as f64 / n as f64 - berr as f64 / bn as f64;
            Some((s, rise.clamp(0.0, 1.0)))
        })
        .collect()
}

/// Services whose median exit gap (see `timing`) grew at least `SLOW_FACTOR` times against the
/// baseline's: (service, ln of the growth, the events that opened the slow gaps).
fn slowed<'a>(corpus: &'a Corpus, b: &Baseline) -> Vec<(&'a str, f64, Vec<usize>)> {
    let mut out = shifted(
        super::timing::exit_gaps(corpus),
        &b.exit_gaps,
        (MIN_GAPS, MIN_GAPS),
        SLOW_FACTOR,
    );
    out.extend(shifted(
        super::timing::span_durations(corpus),
        &b.span_durations,
        (MIN_SPANS, MIN_BASE_SPANS),
        SLOW_SPAN_FACTOR,
    ));
    // Callers wait on the slow service and look slow too, but far less so: keep the services
    // within a factor of SLOW_FACTOR of the slowest.
    let top = out.iter().map(|s| s.1).fold(f64::MIN, f64::max);
    out.retain(|s| s.1 >= top - SLOW_FACTOR.ln());
    out
}

/// Services whose median duration grew at least `factor` times against the baseline's, given
/// `min.0` samples in the incident and `min.1` in the baseline: (service, ln of the growth, the
/// events behind the slow samples).
fn shifted<'a>(
    now: BTreeMap<&'a str, Vec<(i64, usize)>>,
    base: &BTreeMap<String, (i64, usize)>,
    min: (usize, usize),
    factor: f64,
) -> Vec<(&'a str, f64, Vec<usize>)> {
    let mut out = Vec::new();
    for (service, gaps) in now {
        let Some(&(base, n)) = base.get(service) else {
            continue;
        };
        if gaps.len() < min.0 || n < min.1 {
            continue;
        }
        let mut d: Vec<i64> = gaps.iter().map(|&(d, _)| d).collect();
        let med = super::timing::median(&mut d);
        let base = base.max(0) as f64 + GAP_FLOOR_NS;
        let shift = ((med.max(0) as f64 + GAP_FLOOR_NS) / base).ln();
        if shift < factor.ln() {
            continue;
        }
        let mut events: Vec<usize> = gaps
            .iter()
            .filter(|&&(d, _)| d as f64 + GAP_FLOOR_NS >= factor * base)
            .map(|&(_, i)| i)
            .collect();
        events.sort_unstable();
        events.dedup();
        out.push((service, shift, events));
    }
    out
}

/// Words that mark a line as the start of trouble even at an ordinary level: a failed archive
/// command before a full disk, a SIGTERM before a cache disappears.
const PRECURSOR_WORDS: &[&str] = &["failed", "failure", "unable", "cannot", "refused", "denied"];
/// Shutdown words are a precursor only at warning level or worse: every rollout stops old pods
/// gracefully at INFO.
const SHUTDOWN_WORDS: &[&str] = &["sigterm", "sigkill", "shutting", "shutdown", "killed"];
/// How far before the first signal a precursor may be.
const PRECURSOR_WINDOW_NS: i64 = 15 * 60 * 1_000_000_000;

/// The earliest abnormal signal of the root service: its first signal, or an earlier line of the
/// same service that already speaks of failure (a precursor).
///
/// Among lines that share a timestamp the milder one comes first (a failure escalates from warning
/// to error to fatal), then the text decides, so input order never changes the answer. Untimed
/// lines keep their causal order.
pub(crate) fn patient_zero(corpus: &Corpus, f: &Findings) -> Option<usize> {
    let root = f.ranked.first()?;
    let pos = super::order::positions(&f.order);
    let at = |i: usize| super::order::position(&pos, i).expect("every event is in the order");
    let key = |i: usize| {
        let ev = &corpus.events[i];
        match (f.times[i], ev.time_source) {
            (Some(t), TimeSource::Parsed) => (t, 0, ev.level, corpus.first_line(ev), i),
            // Estimated or inherited times are coarse: the written order decides ties.
            (Some(t), _) => (t, at(i), None, "", i),
            (None, _) => (i64::MAX, at(i), None, "", i),
        }
    };
    // The root's own lines (or lines about its pods) before callers' complaints about it, and
    // lines with a written time before estimated ones.
    // Lines that name the root as the holder of what others wait for speak about it.
    let held: FxHashSet<usize> = f
        .holders
        .iter()
        .filter(|h| h.service == root.service)
        .flat_map(|h| h.events.iter().copied())
        .collect();
    // A name that stands for the root (its pod `db-0`, an instance's file name) is the root.
    let is_root =
        |name: &str| name == root.service || f.aliases.resolve(name) == Some(root.service.as_str());
    // The gap that separates bursts of signals, over every signal of the corpus.
    // A few minutes of quiet between a first warning and the failures is a build-up, not
    // another episode.
    let split = split_gap(f.signals.iter().filter_map(|s| f.times[s.event]).collect())
        .max(MIN_EPISODE_GAP_NS);
    let pick = |own: bool, parsed: bool| {
        let about = held
            .iter()
            .copied()
            .filter(|&i| !parsed || corpus.events[i].time_source == TimeSource::Parsed);
        let signals = f
            .signals
            .iter()
            .filter(|s| {
                is_root(&s.blamed)
                    && (!own
                        || is_root(&s.emitter)
                        || s.emitter != s.blamed
                            && super::graph::pod_service(corpus, s.event).as_deref()
                                == Some(root.service.as_str()))
            })
            .filter(|s| !parsed || corpus.events[s.event].time_source == TimeSource::Parsed)
            .map(|s| s.event);
        let mut events: Vec<usize> = signals.chain(about).collect();
        crate::sort::sort_by_key(&mut events, |&i| key(i));
        events.dedup();
        main_run(&events, &f.times, split).min_by_key(|&i| key(i))
    };
    let first = pick(true, true)
        .or_else(|| pick(true, false))
        .or_else(|| pick(false, true))
        .or_else(|| pick(false, false))?;
    let Some(t0) = f.times[first] else {
        return Some(first);
    };
    let precursor = corpus
        .events
        .iter()
        .enumerate()
        .filter(|(_, ev)| {
            ev.time
                .is_some_and(|t| t < t0 && t0 - t <= PRECURSOR_WINDOW_NS)
                && corpus.service(ev).is_some_and(is_root)
                && ev.level.is_none_or(|l| l >= Level::Info)
        })
        .filter(|(_, ev)| {
            let m = corpus.message(ev).to_ascii_lowercase();
            let loud = ev.level.is_some_and(|l| l >= Level::Warn);
            m.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| PRECURSOR_WORDS.contains(&w) || (loud && SHUTDOWN_WORDS.contains(&w)))
        })
        .map(|(i, _)| i)
        .min_by_key(|&i| key(i));
    Some(precursor.unwrap_or(first))
}

#[cfg(test)]
mod fallback_tests {
    use crate::{analyze, AnalyzeOptions, InputFile};

    fn logfmt(lines: &[(&str, &str, &str)]) -> Vec<u8> {
        lines
            .iter()
            .enumerate()
            .map(|(k, (level, service, msg))| {
                format!(
                    "time=2024-01-01T00:{:02}:00Z level={level} service={service} msg=\"{msg}\"\n",
                    k
                )
            })
            .collect::<String>()
            .into_bytes()
    }

    /// Bug: a crash logged in `web-0.log` (an instance's file, named `web-0`) was not the
    /// patient zero of `web`, whose pod `web-0` it is; a later listing row of `web` was.
    #[test]
    fn an_instance_of_the_root_speaks_for_it() {
        let own =
            "{\"level\":\"info\",\"ts\":\"2024-01-01T00:00:00Z\",\"msg\":\"snapshot saved\"}\n\
            panic: assignment to entry in nil map\n\n\
            goroutine 1 [running]:\nmain.main()\n\t/src/main.go:10 +0x1d\n\n\
            $ kubectl get pods\n\
            NAME    READY   STATUS             RESTARTS      AGE\n\
            web-0   0/1     CrashLoopBackOff   6 (98s ago)   21d\n";
        let mut app = String::new();
        for k in 2..6 {
            app += &format!(
                "time=2024-01-01T00:00:0{k}Z level=error service=cart msg=\"call to web failed: connection refused\"\n"
            );
        }
        let files = [
            InputFile::new("web-0.log", own.as_bytes().to_vec()),
            InputFile::new("cart.log", app.into_bytes()),
        ];
        let r = analyze(&files, &Default::default()).unwrap();
        assert_eq!(r.root_cause.service.as_deref(), Some("web"));
        let pz = r.forensic.patient_zero.expect("a patient zero");
        assert!(pz.evidence.text.contains("panic"), "{}", pz.evidence.text);
    }

    /// Bug: `$ kubectl logs cache-0 | grep -i -e OOMKilled ...` pasted above its output was an
    /// out-of-memory signal: a command searching for a failure is not one.
    #[test]
    fn a_command_that_greps_for_a_failure_is_not_one() {
        let text = "2024-01-01T00:00:00Z INFO [api] started\n\
            $ kubectl logs cache-0 | grep -i -e OOMKilled -e 'connection refused'\n\
            2024-01-01T00:00:05Z ERROR [api] request failed: upstream timeout\n";
        let files = [InputFile::new("api.log", text.as_bytes().to_vec())];
        let r = analyze(&files, &Default::default()).unwrap();
        assert_eq!(r.root_cause.failure_class, "timeout");
        let cited = r.candidates.iter().flat_map(|c| &c.evidence);
        assert!(cited.chain(&r.root_cause.evidence).all(|e| e.line != 2));
    }

    #[test]
    fn with_no_failure_words_a_new_warning_against_the_baseline_is_the_lead() {
        let normal = [
            ("info", "api", "request served"),
            ("info", "worker", "job done"),
            ("warn", "api", "slow client"),
        ];
        let mut incident = normal.to_vec();
        incident.push(("warn", "worker", "unexpected state transition for job"));
        let opts = AnalyzeOptions {
            baseline: vec![InputFile::new("base.log", logfmt(&normal))],
            ..Default::default()
        };
        let r = analyze(&[InputFile::new("now.log", logfmt(&incident))], &opts).unwrap();
        let root = r.root_cause.service.as_deref();
        assert_eq!(root, Some("worker"));
    }

    /// Bug: a candidate named `orders · db_pool_exhaustion` gave the reason "class prior ...:
    /// code_exception tends to start failures": its score came from its generic exceptions, and
    /// the reason line kept their class after the candidate was renamed by its most specific one.
    #[test]
    fn class_prior_reason_names_the_candidates_own_class() {
        let mut lines = vec![("info", "web", "request served"); 6];
        lines.extend(
            [(
                "error",
                "orders",
                "unhandled exception in request handler: NullPointerException",
            ); 3],
        );
        lines.push((
            "warn",
            "orders",
            "connection pool exhausted: timed out waiting for a free connection",
        ));
        let r = analyze(
            &[InputFile::new("x.log", logfmt(&lines))],
            &Default::default(),
        )
        .unwrap();
        let shown = std::iter::once((&r.root_cause.failure_class, &r.root_cause.reasons))
            .chain(r.candidates.iter().map(|c| (&c.failure_class, &c.reasons)));
        let mut seen = 0;
        for (class, reasons) in shown {
            for line in reasons.iter().filter(|l| l.starts_with("class prior")) {
                seen += 1;
                assert!(line.contains(class.as_str()), "{class}: {line}");
                for other in crate::forensics::Class::ALL {
                    let o = other.as_str();
                    assert!(o == class || !line.contains(o), "{class}: {line}");
                }
            }
        }
        assert!(seen > 0);
        // The case of the bug: scored by its exceptions, named by the exhausted pool.
        assert_eq!(r.root_cause.failure_class, "db_pool_exhaustion");
        assert!(
            r.root_cause
                .reasons
                .iter()
                .any(|l| l.starts_with("called ")),
            "{:?}",
            r.root_cause.reasons
        );
    }

    /// A callee that only got slow logs warnings at most; its callers log the errors. Their
    /// warnings that calls to it took seconds make it the suspect, not the loud caller.
    #[test]
    fn a_callee_its_callers_call_slow_is_the_suspect() {
        let mut lines = vec![("info", "scorer", "scored request in 80 ms"); 4];
        lines.push(("warn", "scorer", "slow request dur_ms=3900"));
        for _ in 0..3 {
            lines.push(("warn", "checkout", "call to scorer took 4200 ms"));
        }
        for _ in 0..4 {
            lines.push((
                "error",
                "checkout",
                "unhandled exception in request handler",
            ));
        }
        let r = analyze(
            &[InputFile::new("x.log", logfmt(&lines))],
            &Default::default(),
        )
        .unwrap();
        assert_eq!(r.root_cause.service.as_deref(), Some("scorer"));
        assert_eq!(r.root_cause.failure_class, "latency");
    }

    /// A gateway that rejects a stray token every quarter of an hour has trouble that comes
    /// back and goes; when the outage bursts later without it, it is background, not the cause.
    /// A component that broke once, early, stays a cause (see `before_burst`).
    #[test]
    fn trouble_that_recurred_and_stopped_before_the_burst_is_background() {
        let mut lines: Vec<(String, &str, &str, &str)> = Vec::new();
        let at = |m: u32, s: u32| format!("2024-01-01T00:{m:02}:{s:02}Z");
        for m in [0, 15] {
            lines.push((
                at(m, 0),
                "error",
                "gateway",
                "token rejected: invalid signature",
            ));
        }
        for m in (1..30).filter(|m| *m != 15) {
            lines.push((at(m, 0), "info", "gateway", "request served"));
        }
        for k in 0..3 {
            lines.push((
                at(30, 2 * k),
                "error",
                "store",
                "unhandled exception in write path",
            ));
            lines.push((
                at(30, 2 * k + 1),
                "error",
                "api",
                "call to store failed: connection refused",
            ));
        }
        let text: String = lines
            .iter()
            .map(|(t, l, s, m)| format!("time={t} level={l} service={s} msg=\"{m}\"\n"))
            .collect();
        let r = analyze(
            &[InputFile::new("x.log", text.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        assert_eq!(r.root_cause.service.as_deref(), Some("store"));
        let gw = r
            .candidates
            .iter()
            .find(|c| c.service.as_deref() == Some("gateway"));
        let why = gw.map(|c| c.reasons.clone()).unwrap_or_default();
        assert!(
            why.iter().any(|l| l.starts_with("before the burst")),
            "{why:?}"
        );
    }

    /// One slow request of the store (a blip), then quiet for most of an hour, then the store
    /// fails again and again and its callers with it: the failure starts with the run, not with
    /// the stray line long before it.
    #[test]
    fn a_stray_line_long_before_the_failure_is_not_its_patient_zero() {
        let mut text = String::from(
            "time=2024-01-01T00:00:00Z level=warn service=store msg=\"slow request dur_ms=2100\"\n",
        );
        for m in 1..40 {
            text += &format!(
                "time=2024-01-01T00:{m:02}:00Z level=info service=store msg=\"write ok\"\n"
            );
        }
        for k in 0..4 {
            text += &format!(
                "time=2024-01-01T00:45:{:02}Z level=error service=store msg=\"write failed: no space left on device\"\n\
                 time=2024-01-01T00:45:{:02}Z level=error service=api msg=\"call to store failed: connection refused\"\n",
                2 * k,
                2 * k + 1
            );
        }
        let r = analyze(
            &[InputFile::new("x.log", text.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        assert_eq!(r.root_cause.service.as_deref(), Some("store"));
        let pz = r.forensic.patient_zero.expect("a patient zero");
        assert!(
            pz.evidence.text.contains("00:45:00"),
            "{}",
            pz.evidence.text
        );
    }

    #[test]
    fn one_caller_blaming_a_service_is_one_witness_not_proof() {
        // Two abnormal services: the caller's timeout names the callee once. One witness
        // explains half the story, not all of it.
        let lines = [
            (
                "error",
                "db",
                "fatal: could not write to file: No space left on device",
            ),
            ("error", "api", "timeout calling db"),
        ];
        let r = analyze(
            &[InputFile::new("x.log", logfmt(&lines))],
            &Default::default(),
        )
        .unwrap();
        let explains: Vec<f64> = std::iter::once(&r.root_cause.reasons)
            .chain(r.candidates.iter().map(|c| &c.reasons))
            .flatten()
            .filter(|s| s.starts_with("explains ") && s.contains("blamed by 1 other"))
            .map(|s| s[9..13].parse().unwrap())
            .collect();
        assert!(!explains.is_empty(), "{:?}", r.root_cause.reasons);
        assert!(explains.iter().all(|&e| e <= 0.5), "{explains:?}");
    }
}
