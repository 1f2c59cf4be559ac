//! Findings to Report: evidence indices become `{file, line, text}`, tools' results become the
//! report's sections, and the grounding check runs over the result.

use super::types::*;
use crate::forensics::{self, playbook, Findings};
use crate::hash::{FxHashMap, FxHashSet};
use crate::ingest::format_ns;
use crate::ingest::{Corpus, Level, TimeSource};
use crate::mine::Templates;
use std::collections::{BTreeMap, BTreeSet};

/// Timeline entries kept (bursts are collapsed first).
const MAX_TIMELINE: usize = 200;

/// Parts of [`build`] it reports as steps.
pub(super) const STEPS: u32 = 4;

/// Builds the report, calling `step(i)` before the i-th of [`STEPS`] parts (progress only).
pub(super) fn build(
    corpus: &Corpus,
    templates: &Templates,
    f: &Findings,
    baseline: Option<(&Corpus, &forensics::Baseline)>,
    par: &dyn crate::Parallel,
    step: &mut dyn FnMut(u32),
) -> Report {
    step(0);
    let Passes {
        searched,
        mut sparks,
        mut input,
        timeline,
        zones,
    } = passes(corpus, templates, f, par);
    let ev = |i: usize| evidence(corpus, i);
    let health = &f.assessment.health;
    let spans = signal_spans(f);
    let impact = &f.assessment.impact;
    let sev = f.assessment.severity;
    let mut sev_why = f.assessment.severity_why.clone();
    let trigger = f.assessment.trigger.clone();
    let root = f.ranked.first();
    let pz = f.patient_zero;

    let mut trail: Vec<(String, String, String)> = f
        .trail
        .iter()
        .map(|s| (s.tool.to_string(), s.input.clone(), s.output.clone()))
        .collect();
    // The search for the root cause's own pattern ran with the other passes (see `passes`).
    step(1);
    if let Some((pattern, found)) = searched {
        trail.push((
            "search_logs".into(),
            format!("pattern {pattern:?} (the patient-zero template)"),
            format!(
                "{}{}",
                super::plural(found.total as u64, "matching event"),
                found.hits.first().map_or(String::new(), |h| format!(
                    "; first at {}:{}",
                    h.file, h.line
                ))
            ),
        ));
    }
    trail.push((
        "trace_origin".into(),
        format!(
            "signals blaming {}",
            root.map_or("-", |r| r.service.as_str())
        ),
        match pz {
            Some(i) => format!(
                "patient zero: {}:{}",
                corpus.files[corpus.events[i].file as usize].name, corpus.events[i].line
            ),
            None => "no patient zero".into(),
        },
    ));
    trail.push((
        "blast_radius".into(),
        format!(
            "{} services with signals",
            health.iter().filter(|h| h.health != "healthy").count()
        ),
        format!(
            "{} down, {} degraded, {}",
            health.iter().filter(|h| h.health == "down").count(),
            health.iter().filter(|h| h.health == "degraded").count(),
            super::plural(impact.len() as u64, "user-impact line")
        ),
    ));
    trail.push((
        "infer_trigger".into(),
        "deploy/config/scaling lines of the root and its dependencies before patient zero, versions they replaced, root class".into(),
        format!("{} (confidence {:.2})", trigger.kind, trigger.confidence),
    ));
    trail.push((
        "severity".into(),
        format!(
            "{} health rows, {} impact lines",
            health.len(),
            impact.len()
        ),
        sev.to_string(),
    ));

    let time_to_impact = match (
        pz.and_then(|i| corpus.events[i].time),
        impact.iter().filter_map(|&i| corpus.events[i].time).min(),
    ) {
        (Some(a), Some(b)) if b >= a => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    if let Some(t) = time_to_impact {
        sev_why.push(format!(
            "first user-facing impact {t:.3}s after patient zero"
        ));
    }

    let names = root.map(|r| names_for(corpus, f, &r.service));
    // A deploy trigger: the service the trigger tool found deployed (the root or a dependency).
    let deployed = trigger.service.clone().filter(|_| trigger.kind == "deploy");
    let recommendations = match (root, &names) {
        (Some(r), Some(n)) => playbook::recommend(r.class, n, deployed.as_deref())
            .into_iter()
            .enumerate()
            .map(|(k, rec)| Recommendation {
                rank: k as u32 + 1,
                title: rec.title,
                why: rec.why,
                commands: rec.commands,
            })
            .collect(),
        _ => Vec::new(),
    };

    let (five_whys, systemic, counterfactual) = match root {
        Some(r) => {
            let symptom = match impact.first() {
                Some(&i) => format!(
                    "{} logged \"{}\"",
                    corpus.service(&corpus.events[i]).unwrap_or("a service"),
                    clean(corpus.message(&corpus.events[i]))
                ),
                None => format!(
                    "{} services showed abnormal signals",
                    health.iter().filter(|h| h.health != "healthy").count()
                ),
            };
            let first = pz.map_or_else(
                || "none".to_string(),
                |i| format!("\"{}\"", clean(corpus.message(&corpus.events[i]))),
            );
            let (steps, sys, cf) = playbook::whys(r.class, &r.service, &symptom, &first);
            let cites: [Vec<usize>; 5] = [
                impact.iter().copied().take(1).collect(),
                r.evidence.iter().copied().take(2).collect(),
                pz.into_iter().collect(),
                pz.into_iter().collect(),
                f.edges
                    .iter()
                    .filter(|e| e.to == r.service)
                    .map(|e| e.evidence)
                    .take(2)
                    .collect(),
            ];
            let whys = steps
                .into_iter()
                .zip(cites)
                .map(|((q, a), c)| Why {
                    question: q,
                    answer: a,
                    evidence: c.into_iter().map(ev).collect(),
                })
                .collect();
            (whys, Some(sys), Some(cf))
        }
        None => (Vec::new(), None, None),
    };

    let (confidence, confidence_reasons) = (f.confidence, f.confidence_reasons.clone());
    let statement = match root {
        Some(r) => format!(
            "{} in {}{}",
            human(r.class.as_str()),
            r.service,
            pz.map_or(String::new(), |i| format!(
                ", first seen at {}",
                time_of(corpus, i).unwrap_or_else(|| "an untimed line".into())
            ))
        ),
        None => "No abnormal signal found in the input.".into(),
    };
    let title = match root {
        Some(r) => format!(
            "{} in {} ({} affected)",
            human(r.class.as_str()),
            r.service,
            super::plural(
                health.iter().filter(|h| h.health != "healthy").count() as u64,
                "service"
            )
        ),
        None => "No incident signal found".into(),
    };
    let summary = match root {
        Some(_) => format!(
            "{}{statement}. {}. Severity {sev}. Trigger: {} ({}).",
            thin_evidence(f, confidence),
            if f.propagation.len() > 1 {
                format!("It spread along {}", f.propagation.join(" -> "))
            } else {
                "It did not spread to other services".into()
            },
            trigger.kind,
            trigger.summary
        ),
        None => "The input holds no warning, error or failure signal.".into(),
    };

    let new_ids: BTreeSet<u32> = match baseline {
        Some((_, b)) => templates
            .templates
            .iter()
            .filter(|t| t.count > 0 && !b.templates.contains(&t.id))
            .map(|t| t.id)
            .collect(),
        None => BTreeSet::new(),
    };
    let mut rows: Vec<TemplateRow> = templates
        .templates
        .iter()
        .filter(|t| t.count > 0)
        .map(|t| TemplateRow {
            id: t.id,
            template: t.text.clone(),
            count: t.count,
            new: new_ids.contains(&t.id),
            sparkline: sparks.remove(&t.id).unwrap_or_default(),
        })
        .collect();
    crate::sort::sort_by(&mut rows, |a, b| {
        b.count.cmp(&a.count).then(a.id.cmp(&b.id))
    });

    step(2);
    input.baseline = baseline.map(|(b, _)| {
        let st = b.stats();
        BaselineSummary {
            files: st.files,
            lines: st.lines,
            events: st.events,
            new_templates: new_ids.len() as u64,
        }
    });

    let mut report = Report {
        title,
        summary,
        confidence,
        confidence_reasons,
        input,
        root_cause: RootCause {
            service: root.and_then(|r| known_service(&r.service)),
            failure_class: root.map_or("unknown", |r| r.class.as_str()).to_string(),
            statement,
            score: root.map(|r| r.score),
            evidence: root.map_or(Vec::new(), |r| r.evidence.iter().map(|&i| ev(i)).collect()),
            reasons: root.map_or(Vec::new(), |r| r.reasons.clone()),
        },
        candidates: f
            .ranked
            .iter()
            .skip(1)
            .map(|c| Candidate {
                service: known_service(&c.service),
                failure_class: c.class.as_str().into(),
                score: c.score,
                evidence: c.evidence.iter().map(|&i| ev(i)).collect(),
                reasons: c.reasons.clone(),
            })
            .collect(),
        severity: Some(sev.to_string()),
        severity_rationale: sev_why,
        affected_services: health
            .iter()
            .map(|h| AffectedService {
                name: h.name.clone(),
                role: h.role.into(),
                health: h.health.into(),
                impact: h.impact.clone(),
                evidence: h.evidence.map(ev),
                first_signal: spans.get(h.name.as_str()).map(|&(a, _)| format_ns(a)),
                last_signal: spans.get(h.name.as_str()).map(|&(_, b)| format_ns(b)),
            })
            .collect(),
        timeline,
        dependencies: f
            .edges
            .iter()
            .map(|e| Dependency {
                from: e.from.clone(),
                to: e.to.clone(),
                evidence: ev(e.evidence),
            })
            .collect(),
        forensic: Forensic {
            patient_zero: pz.map(|i| PatientZero {
                service: root.and_then(|r| known_service(&r.service)),
                time: time_of(corpus, i),
                failure_class: f
                    .signals
                    .iter()
                    .find(|s| s.event == i)
                    .map(|s| s.class.as_str().to_string()),
                evidence: ev(i),
            }),
            propagation_path: f.propagation.clone(),
            blast_radius: health
                .iter()
                .filter(|h| h.health != "healthy")
                .map(|h| BlastEntity {
                    kind: if h.role == "host" {
                        "host".into()
                    } else if f
                        .services
                        .iter()
                        .any(|s| s.name == h.name && s.mentioned_only)
                    {
                        "dependency".into()
                    } else {
                        "service".into()
                    },
                    name: h.name.clone(),
                    impact: format!("{} ({})", h.health, h.impact),
                    evidence: h.evidence.map(ev),
                })
                .chain(zones.into_iter().map(|(kind, name, i)| BlastEntity {
                    kind: kind.into(),
                    impact: "blamed by failure signals".into(),
                    name,
                    evidence: Some(ev(i)),
                }))
                .collect(),
            trigger: Trigger {
                kind: trigger.kind.into(),
                confidence: trigger.confidence,
                summary: trigger.summary,
                evidence: trigger.evidence.iter().map(|&i| ev(i)).collect(),
            },
            time_to_impact_seconds: time_to_impact,
            user_impact: impact.iter().map(|&i| ev(i)).collect(),
        },
        five_whys,
        systemic_cause: systemic,
        counterfactual,
        recommendations,
        reasoning_trail: Vec::new(),
        grounding: Grounding {
            checked: 0,
            passed: true,
            problems: Vec::new(),
        },
        templates: rows,
        narrative: None,
    };
    step(3);
    report.grounding = ground(corpus, &report);
    // Roles and dependencies as the entity tool found them.
    let mut roles: BTreeMap<&str, usize> = BTreeMap::new();
    for s in &f.services {
        *roles.entry(s.role).or_default() += 1;
    }
    let roles: Vec<String> = roles.iter().map(|(r, n)| format!("{r}: {n}")).collect();
    trail.insert(
        1,
        (
            "extract_entities".into(),
            format!("{} events", corpus.events.len()),
            format!(
                "{} services ({} only in others' messages); roles {}",
                f.services.len(),
                f.services.iter().filter(|s| s.mentioned_only).count(),
                roles.join(", ")
            ),
        ),
    );
    trail.push((
        "five_whys_and_playbook".into(),
        format!("root class {}", report.root_cause.failure_class),
        format!(
            "{} why steps, {} recommendations",
            report.five_whys.len(),
            report.recommendations.len()
        ),
    ));
    trail.push((
        "grounding".into(),
        format!("{} names and evidence lines", report.grounding.checked),
        if report.grounding.passed {
            "all found in the input".into()
        } else {
            super::plural(report.grounding.problems.len() as u64, "problem")
        },
    ));
    report.reasoning_trail = trail
        .into_iter()
        .enumerate()
        .map(|(k, (tool, input, output))| TrailStep {
            step: k as u32 + 1,
            tool,
            input,
            output,
        })
        .collect();
    report
}

/// What [`build`] reads from every event (or every signal), each pass reading only the corpus
/// and the findings.
struct Passes {
    /// The patient-zero template's pattern and what searching the input for it found.
    searched: Option<(String, crate::forensics::SearchResult)>,
    sparks: FxHashMap<u32, Vec<u32>>,
    input: InputSummary,
    timeline: Vec<TimelineEntry>,
    zones: Vec<(&'static str, String, usize)>,
}

/// Runs the passes side by side: none reads what another finds.
fn passes(
    corpus: &Corpus,
    templates: &Templates,
    f: &Findings,
    par: &dyn crate::Parallel,
) -> Passes {
    use crate::parallel::join;
    // Confirm the root cause's own pattern by searching the whole input for it: the count is
    // the true count, so the trail says how often the failure really showed.
    let search = || {
        let i = f.patient_zero?;
        let template = &templates.templates[corpus.events[i].template as usize].text;
        let pattern = template_regex(template);
        let found = crate::forensics::search_in(corpus, &pattern, 3, par).ok()?;
        Some((pattern, found))
    };
    let ((searched, sparks), ((input, timeline), zones)) = join(
        par,
        || join(par, search, || sparklines(corpus)),
        || {
            join(
                par,
                || join(par, || super::build_input(corpus), || timeline(corpus, f)),
                || zones(corpus, f),
            )
        },
    );
    Passes {
        searched,
        sparks,
        input,
        timeline,
        zones,
    }
}

fn human(class: &str) -> String {
    let s = super::class_words(class);
    let mut c = s.chars();
    c.next().map_or(String::new(), |f| {
        f.to_uppercase().collect::<String>() + c.as_str()
    })
}

pub(crate) fn evidence(corpus: &Corpus, i: usize) -> Evidence {
    let e = &corpus.events[i];
    Evidence {
        file: corpus.files[e.file as usize].name.clone(),
        line: e.line,
        text: corpus.first_line(e).to_string(),
    }
}

fn time_of(corpus: &Corpus, i: usize) -> Option<String> {
    let e = &corpus.events[i];
    match e.time_source {
        TimeSource::Missing => None,
        _ => e.time.map(format_ns),
    }
}

/// Message text without control characters, bounded in length.
fn clean(s: &str) -> String {
    let t: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let t = t.trim();
    if t.chars().count() > 240 {
        t.chars().take(240).collect::<String>() + "…"
    } else {
        t.to_string()
    }
}

/// Significant events in causal order; consecutive events of one template and service collapse.
fn timeline(corpus: &Corpus, f: &Findings) -> Vec<TimelineEntry> {
    let class_of: FxHashMap<usize, &str> = f
        .signals
        .iter()
        .map(|s| (s.event, s.class.as_str()))
        .collect();
    let mut out: Vec<TimelineEntry> = Vec::new();
    let mut last_key: Option<(u32, Option<u32>)> = None;
    for &i in &f.order {
        let e = &corpus.events[i];
        let significant = class_of.contains_key(&i) || e.level.is_some_and(|l| l >= Level::Warn);
        if !significant {
            continue;
        }
        let key = (e.template, e.service);
        if last_key == Some(key) {
            if let Some(l) = out.last_mut() {
                l.count += 1;
                continue;
            }
        }
        if out.len() >= MAX_TIMELINE {
            break;
        }
        last_key = Some(key);
        out.push(TimelineEntry {
            time: time_of(corpus, i),
            service: corpus.service(e).map(str::to_string),
            level: e.level.map(|l| l.as_str().to_string()),
            failure_class: class_of.get(&i).map(|c| c.to_string()),
            text: clean(corpus.message(e)),
            count: 1,
            evidence: evidence(corpus, i),
        });
    }
    out
}

/// Names for commands: the service, and the namespace and a pod seen for it. Only the
/// service's own signals are read: another service's namespace would send the command to the
/// wrong place (a command without `-n` is honest, one with a wrong `-n` misleads).
fn names_for(corpus: &Corpus, f: &Findings, service: &str) -> playbook::Names {
    let mut n = playbook::Names {
        service: service.to_string(),
        ..Default::default()
    };
    for s in f.signals.iter().filter(|s| s.emitter == service) {
        if let Some(e) = corpus.events[s.event].entities.as_deref() {
            if n.namespace.is_none() {
                n.namespace = e.namespace.as_deref().map(str::to_string);
            }
            if n.pod.is_none() {
                n.pod = e.pod.as_ref().map(|p| format!("pod/{p}"));
            }
        }
    }
    n
}

/// 0..1 from the margin over the runner-up, the amount of evidence and whether times were known.
/// Below this confidence the summary says the evidence is thin and names the runner-up.
const LOW_CONFIDENCE: f64 = 0.6;

/// "Low confidence: ..." with the runner-up when the evidence does not single out the root
/// cause; empty otherwise.
fn thin_evidence(f: &Findings, confidence: f64) -> String {
    if confidence >= LOW_CONFIDENCE {
        return String::new();
    }
    match (f.ranked.first(), f.ranked.get(1)) {
        (Some(top), Some(next)) => format!(
            "Low confidence ({confidence:.2}): {} ({}) explains the errors almost as well \
             (score {:.2} against {:.2}). ",
            next.service,
            next.class.as_str(),
            next.score,
            top.score
        ),
        _ => format!("Low confidence ({confidence:.2}): little evidence stands behind it. "),
    }
}

/// Checks that every service named and every evidence line cited exists in the input.
fn ground(corpus: &Corpus, r: &Report) -> Grounding {
    let mut problems = Vec::new();
    let mut checked = 0u64;
    let mut names: Vec<&str> = Vec::new();
    names.extend(r.root_cause.service.as_deref());
    names.extend(r.candidates.iter().filter_map(|c| c.service.as_deref()));
    names.extend(r.affected_services.iter().map(|a| a.name.as_str()));
    names.extend(r.forensic.propagation_path.iter().map(String::as_str));
    let unknown = absent_from_input(corpus, &names);
    for n in names {
        checked += 1;
        if unknown.contains(n) {
            problems.push(format!("service {n:?} appears in no input line"));
        }
    }
    // Numbers in the five whys quote log lines: each must stand in a line the report cites.
    let cited: String = r
        .five_whys
        .iter()
        .flat_map(|w| &w.evidence)
        .chain(r.forensic.patient_zero.as_ref().map(|p| &p.evidence))
        .chain(&r.forensic.user_impact)
        .chain(&r.root_cause.evidence)
        .map(|e| e.text.as_str())
        .collect::<Vec<_>>()
        .join("\n");
    for (k, w) in r.five_whys.iter().enumerate() {
        for n in numbers(&w.answer) {
            checked += 1;
            if !cited.contains(n) {
                problems.push(format!(
                    "number {n} in why #{} is not in the lines it cites",
                    k + 1
                ));
            }
        }
    }
    let by_name: BTreeMap<&str, &crate::ingest::FileInfo> =
        corpus.files.iter().map(|f| (f.name.as_str(), f)).collect();
    let mut all: Vec<&Evidence> = Vec::new();
    all.extend(&r.root_cause.evidence);
    all.extend(r.candidates.iter().flat_map(|c| &c.evidence));
    all.extend(r.forensic.patient_zero.as_ref().map(|p| &p.evidence));
    all.extend(&r.forensic.trigger.evidence);
    all.extend(r.timeline.iter().map(|t| &t.evidence));
    // Where each cited line starts, found by one scan per file that stops at its last cited
    // line (no index of every line of a large file).
    let mut wanted: FxHashMap<&str, BTreeSet<u32>> = FxHashMap::default();
    for e in &all {
        wanted.entry(e.file.as_str()).or_default().insert(e.line);
    }
    let starts: FxHashMap<&str, BTreeMap<u32, usize>> = wanted
        .into_iter()
        .filter_map(|(name, lines)| {
            let f = by_name.get(name)?;
            Some((name, line_starts(&f.text, &lines)))
        })
        .collect();
    for e in all {
        checked += 1;
        let ok = by_name.get(e.file.as_str()).is_some_and(|f| {
            let at = starts.get(e.file.as_str()).and_then(|m| m.get(&e.line));
            at.is_some_and(|&a| {
                let rest = &f.text[a..];
                let line = rest.split('\n').next().unwrap_or("");
                line.trim_end_matches('\r') == e.text
            })
        });
        if !ok {
            problems.push(format!(
                "evidence {}:{} does not match the input",
                e.file, e.line
            ));
        }
    }
    Grounding {
        checked,
        passed: problems.is_empty(),
        problems,
    }
}

/// Byte offsets of the 1-based `lines` of `text` that exist.
fn line_starts(text: &str, lines: &BTreeSet<u32>) -> BTreeMap<u32, usize> {
    let mut out = BTreeMap::new();
    let Some(&last) = lines.last() else {
        return out;
    };
    let starts =
        std::iter::once(0).chain(memchr::memchr_iter(b'\n', text.as_bytes()).map(|p| p + 1));
    for (k, at) in starts.enumerate().take(last as usize) {
        let line = k as u32 + 1;
        if lines.contains(&line) {
            out.insert(line, at);
        }
    }
    out
}

/// Which of `names` no input line names, as its service or among its mentions. One pass over
/// the events that looks each distinct service and each run of shared entities up once (no
/// string copied per event, as a set of every name would) and stops when all are found.
fn absent_from_input<'a>(corpus: &Corpus, names: &[&'a str]) -> BTreeSet<&'a str> {
    let mut missing: BTreeSet<&str> = names.iter().copied().collect();
    let mut services_seen: FxHashSet<u32> = FxHashSet::default();
    let mut last_entities: Option<*const crate::ingest::Entities> = None;
    for e in &corpus.events {
        if missing.is_empty() {
            break;
        }
        if let Some(sym) = e.service {
            if services_seen.insert(sym) {
                missing.remove(corpus.symbol(sym));
            }
        }
        if let Some(en) = &e.entities {
            // Neighbouring events share one Arc when their entities are equal.
            let at = std::sync::Arc::as_ptr(en);
            if last_entities != Some(at) {
                last_entities = Some(at);
                for m in &en.mentions {
                    missing.remove(m.as_str());
                }
            }
        }
    }
    missing
}

/// A service name for the contract: `None` when nobody could tell which service it was.
fn known_service(s: &str) -> Option<String> {
    (s != crate::forensics::UNKNOWN_SERVICE).then(|| s.to_string())
}

/// A template as a regex: literal text escaped, each `<*>` matching any run of characters.
fn template_regex(template: &str) -> String {
    template
        .split("<*>")
        .map(regex::escape)
        .collect::<Vec<_>>()
        .join(".*?")
}

/// Numeric tokens of a text (`1.8`, `200`, `38`), as written.
fn numbers(text: &str) -> Vec<&str> {
    text.split(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map(|t| t.trim_matches('.'))
        .filter(|t| t.bytes().any(|b| b.is_ascii_digit()))
        .collect()
}

/// Earliest and latest time of the signals each service emitted or was blamed for, in one pass
/// over the signals (once per service cost services x signals on error-dense inputs).
fn signal_spans(f: &Findings) -> FxHashMap<&str, (i64, i64)> {
    let mut spans: FxHashMap<&str, (i64, i64)> = FxHashMap::default();
    for s in &f.signals {
        let Some(t) = f.times[s.event] else {
            continue;
        };
        for name in [s.emitter.as_str(), s.blamed.as_str()] {
            spans
                .entry(name)
                .and_modify(|(a, b)| (*a, *b) = ((*a).min(t), (*b).max(t)))
                .or_insert((t, t));
        }
    }
    spans
}

/// Cloud regions and zones that abnormal lines name (`us-east-1`, `eu-west-1b`,
/// `europe-west1-b`, `zone=...`, `region=...`), each once with its first line.
fn zones(corpus: &Corpus, f: &Findings) -> Vec<(&'static str, String, usize)> {
    static CLOUD: std::sync::LazyLock<regex::Regex> = std::sync::LazyLock::new(|| {
        regex::Regex::new(
            r#"(?x)\b(?:
                (?P<aws>(?:us|eu|ap|sa|ca|me|af|il)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)-\d)(?P<awsz>[a-f])?
              | (?P<gcp>(?:us|europe|asia|australia|northamerica|southamerica|me|africa)-(?:north|south|east|west|central|northeast|southeast|northwest|southwest)\d)(?:-(?P<gcpz>[a-f]))?
              | (?:zone|availability_zone|az)[=:]\s*"?(?P<zone>[A-Za-z0-9-]+)
              | region[=:]\s*"?(?P<region>[A-Za-z0-9-]+)
            )\b"#,
        )
        .expect("static regex")
    });
    let mut out: Vec<(&'static str, String, usize)> = Vec::new();
    for s in f.signals.iter().take(10_000) {
        let line = corpus.first_line(&corpus.events[s.event]);
        for c in CLOUD.captures_iter(line) {
            let found = if let Some(z) = c.name("awsz") {
                ("zone", format!("{}{}", &c["aws"], z.as_str()))
            } else if let Some(r) = c.name("aws") {
                ("region", r.as_str().to_string())
            } else if let Some(z) = c.name("gcpz") {
                ("zone", format!("{}-{}", &c["gcp"], z.as_str()))
            } else if let Some(r) = c.name("gcp") {
                ("region", r.as_str().to_string())
            } else if let Some(z) = c.name("zone") {
                ("zone", z.as_str().to_string())
            } else if let Some(r) = c.name("region") {
                ("region", r.as_str().to_string())
            } else {
                continue;
            };
            if !out.iter().any(|(_, n, _)| *n == found.1) {
                out.push((found.0, found.1, s.event));
            }
        }
    }
    out
}

/// Per template, its events with their own time counted in [`SPARKLINE_BUCKETS`] equal slices
/// of the span from the earliest to the latest such time (the report's `input.time_range`).
/// Templates with no timed event get all-zero rows; no timed event at all gives no rows.
fn sparklines(corpus: &Corpus) -> FxHashMap<u32, Vec<u32>> {
    let timed = || {
        corpus
            .events
            .iter()
            .filter_map(|ev| match (ev.time, ev.time_source) {
                (Some(t), TimeSource::Parsed) => Some((ev.template, t)),
                _ => None,
            })
    };
    let Some((lo, hi)) = timed().fold(None, |acc: Option<(i64, i64)>, (_, t)| {
        Some(acc.map_or((t, t), |(lo, hi)| (lo.min(t), hi.max(t))))
    }) else {
        return FxHashMap::default();
    };
    let span = (hi as i128 - lo as i128) + 1;
    let mut out: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
    for ev in &corpus.events {
        out.entry(ev.template)
            .or_insert_with(|| vec![0; SPARKLINE_BUCKETS]);
    }
    for (template, t) in timed() {
        let slot = ((t as i128 - lo as i128) * SPARKLINE_BUCKETS as i128 / span) as usize;
        let row = out
            .entry(template)
            .or_insert_with(|| vec![0; SPARKLINE_BUCKETS]);
        row[slot.min(SPARKLINE_BUCKETS - 1)] += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_names_read_as_words_in_statements() {
        assert_eq!(human("oom"), "Out of memory");
        assert_eq!(human("db_pool_exhaustion"), "Database pool exhaustion");
        assert_eq!(human("fd_exhaustion"), "File descriptor exhaustion");
        assert_eq!(human("tls_expiry"), "TLS expiry");
        assert_eq!(human("dns_failure"), "DNS failure");
    }

    #[test]
    fn signal_spans_cover_what_a_service_emitted_or_was_blamed_for() {
        use crate::forensics::{Class, Signal};
        let sig = |event, emitter: &str, blamed: &str| Signal {
            event,
            class: Class::Oom,
            emitter: emitter.into(),
            blamed: blamed.into(),
        };
        let f = Findings {
            signals: vec![
                sig(0, "web", "db"),
                sig(1, "db", "db"),
                sig(2, "web", "web"),
                sig(3, "cache", "cache"),
            ],
            times: vec![Some(50), Some(20), Some(90), None],
            ..Default::default()
        };
        let spans = super::signal_spans(&f);
        assert_eq!(spans.get("web"), Some(&(50, 90)));
        assert_eq!(spans.get("db"), Some(&(20, 50)));
        // A signal without a time bounds nothing.
        assert_eq!(spans.get("cache"), None);
    }
    use crate::{ingest, IngestOptions, InputFile};

    /// Bug (wrong namespace): when the root's own lines named no namespace, its commands took
    /// a caller's (`kubectl logs pod/flags-0 -n shop` for a pod of another namespace).
    #[test]
    fn commands_take_no_namespace_from_another_service() {
        let mut log = String::new();
        for s in 0..6 {
            log += &format!(
                "{{\"ts\":\"2024-05-01T10:00:0{s}Z\",\"level\":\"error\",\"service\":\"checkout\",\"namespace\":\"shop\",\"msg\":\"call to flags failed: connection refused\"}}\n"
            );
        }
        let own = "2024-05-01T09:59:59Z FATAL flags panic: assignment to entry in nil map\n";
        let r = crate::analyze(
            &[
                InputFile::new("checkout.log", log.into_bytes()),
                InputFile::new("flags.log", own.as_bytes().to_vec()),
            ],
            &Default::default(),
        )
        .unwrap();
        assert_eq!(r.root_cause.service.as_deref(), Some("flags"));
        let commands: Vec<&str> = r
            .recommendations
            .iter()
            .flat_map(|c| c.commands.iter().map(String::as_str))
            .collect();
        assert!(!commands.is_empty());
        assert!(
            commands.iter().all(|c| !c.contains("-n shop")),
            "{commands:?}"
        );
    }

    /// Bug (hosts as services): a Kubernetes DNS name was its own affected "service" and a bare
    /// IPv4 address had role "service".
    #[test]
    fn hosts_as_services_k8s_dns_and_ipv4() {
        let mut log = String::new();
        for s in 0..5 {
            log += &format!(
                "2024-05-01T10:00:0{s}Z INFO geo-finder served route in 12ms\n\
                 2024-05-01T10:00:1{s}Z ERROR trip-api call to geo-finder.routing.svc.cluster.local failed: connection refused\n\
                 2024-05-01T10:00:2{s}Z ERROR trip-api connect to 10.8.1.20:5432 timed out\n"
            );
        }
        let r = crate::analyze(
            &[InputFile::new("s.log", log.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        let names: Vec<&str> = r
            .affected_services
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        assert!(!names.iter().any(|n| n.contains(".svc")), "{names:?}");
        assert!(names.contains(&"geo-finder"), "{names:?}");
        let ip = r.affected_services.iter().find(|a| a.name == "10.8.1.20");
        assert_eq!(ip.map(|a| a.role.as_str()), Some("host"));
        let b = r
            .forensic
            .blast_radius
            .iter()
            .find(|b| b.name == "10.8.1.20");
        assert_eq!(b.map(|b| b.kind.as_str()), Some("host"));
    }

    /// Bug (levels missed): `ts svc [WARN] msg` had level "unknown" and no service.
    #[test]
    fn levels_missed_bracketed_level_after_service() {
        let log = "2024-05-01T10:00:00Z quill-cache [WARN] maxclients reached\n\
                   2024-05-01T10:00:01Z quill-cache [ERROR] maxclients reached, refusing\n";
        let r = crate::analyze(
            &[InputFile::new("s.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        let a = r.affected_services.iter().find(|a| a.name == "quill-cache");
        assert!(
            a.is_some_and(|a| a.impact.starts_with("1 error ")),
            "{:?}",
            r.affected_services
        );
    }

    /// Bug: "It spread along no other service." when the path holds only the root.
    #[test]
    fn summary_spread_grammar_single_service() {
        let log = "2024-05-01T10:00:00Z ERROR pay-api pool exhausted\n\
                   2024-05-01T10:00:05Z ERROR pay-api pool exhausted\n";
        let r = crate::analyze(
            &[InputFile::new("s.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        assert!(!r.summary.contains("no other service"), "{}", r.summary);
        assert!(
            r.summary.contains("It did not spread to other services."),
            "{}",
            r.summary
        );
    }

    #[test]
    fn sparklines_count_timed_events_per_slice_of_the_time_range() {
        // 24 slices of 0..=23 s: one second each; the untimed line counts nowhere.
        let log = "2024-05-01T10:00:00Z ERROR pay-api pool exhausted\n\
                   2024-05-01T10:00:00Z ERROR pay-api pool exhausted\n\
                   2024-05-01T10:00:12Z INFO pay-api healthy again now\n\
                   2024-05-01T10:00:23Z ERROR pay-api pool exhausted\n";
        let r = crate::analyze(
            &[InputFile::new("s.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        let row = |needle: &str| {
            r.templates
                .iter()
                .find(|t| t.template.contains(needle))
                .unwrap_or_else(|| panic!("no template with {needle}: {:?}", r.templates))
                .sparkline
                .clone()
        };
        let mut exhausted = vec![0; SPARKLINE_BUCKETS];
        exhausted[0] = 2;
        exhausted[23] = 1;
        assert_eq!(row("exhausted"), exhausted);
        let mut healthy = vec![0; SPARKLINE_BUCKETS];
        healthy[12] = 1;
        assert_eq!(row("healthy"), healthy);
        for t in &r.templates {
            assert_eq!(t.sparkline.iter().map(|&c| c as u64).sum::<u64>(), t.count);
        }
    }

    #[test]
    fn sparklines_are_empty_without_times() {
        let log = "pool exhausted on pay-api\npool exhausted on pay-api\n";
        let r = crate::analyze(
            &[InputFile::new("u.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        assert!(r.input.time_range.is_none());
        assert!(r.templates.iter().all(|t| t.sparkline.is_empty()));
    }

    const LOG: &str = "2024-05-01T10:00:00Z WARN orders-api pool wait 1.8s\n\
                       2024-05-01T10:00:01Z ERROR orders-api Postgres pool exhausted: 50/50 connections in use\n\
                       2024-05-01T10:00:02Z ERROR web-gateway upstream orders-api 5xx rate 61%\n";

    fn report_and_corpus() -> (Report, Corpus) {
        let files = [InputFile::new("a.log", LOG.as_bytes().to_vec())];
        let corpus = ingest(&files, &IngestOptions::default()).unwrap();
        (crate::analyze(&files, &Default::default()).unwrap(), corpus)
    }

    #[test]
    fn zones_named_by_failing_lines_join_the_blast_radius() {
        let log = "2024-05-01T10:00:00Z ERROR orders-api connection refused to db in us-east-1b\n\
                   2024-05-01T10:00:01Z ERROR orders-api timeout region=eu-west-1\n\
                   2024-05-01T10:00:02Z INFO orders-api healthy in ap-south-1a\n";
        let r = crate::analyze(
            &[InputFile::new("z.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        let zones: Vec<(&str, &str)> = r
            .forensic
            .blast_radius
            .iter()
            .filter(|b| b.kind == "zone" || b.kind == "region")
            .map(|b| (b.kind.as_str(), b.name.as_str()))
            .collect();
        assert_eq!(zones, [("zone", "us-east-1b"), ("region", "eu-west-1")]);
    }

    #[test]
    fn grounding_passes_on_a_real_report() {
        let (r, _) = report_and_corpus();
        assert!(r.grounding.passed, "{:?}", r.grounding.problems);
        assert!(r.grounding.checked > 5);
    }

    #[test]
    fn line_starts_finds_only_the_lines_asked_for() {
        let lines: BTreeSet<u32> = [1, 3, 5].into_iter().collect();
        let got = line_starts("a\nbb\nccc\n", &lines);
        assert_eq!(got.into_iter().collect::<Vec<_>>(), [(1, 0), (3, 5)]);
        assert!(line_starts("a\n", &BTreeSet::new()).is_empty());
    }

    #[test]
    fn grounding_catches_invented_names_numbers_and_lines() {
        let (mut r, corpus) = report_and_corpus();
        r.forensic.propagation_path.push("ghost-service".into());
        r.five_whys[0].answer.push_str(" It failed 9999 times.");
        r.root_cause.evidence[0].text.push_str(" (edited)");
        let g = ground(&corpus, &r);
        assert!(!g.passed);
        let all = g.problems.join("\n");
        assert!(all.contains("ghost-service"), "{all}");
        assert!(all.contains("9999"), "{all}");
        assert!(all.contains("does not match the input"), "{all}");
    }

    fn candidate(service: &str, score: f64) -> crate::forensics::Candidate {
        crate::forensics::Candidate {
            service: service.into(),
            class: crate::forensics::Class::Timeout,
            score,
            evidence: Vec::new(),
            reasons: Vec::new(),
            signals: 3,
        }
    }

    #[test]
    fn thin_evidence_names_the_runner_up_only_below_the_threshold() {
        let f = Findings {
            ranked: vec![candidate("api", 0.61), candidate("db", 0.60)],
            ..Default::default()
        };
        let low = thin_evidence(&f, 0.52);
        assert!(
            low.starts_with("Low confidence (0.52): db (timeout)"),
            "{low}"
        );
        assert_eq!(thin_evidence(&f, 0.8), "");
    }
}
