//! Severity, trigger, affected services and blast radius: what the failure hit and what set it
//! off, each from evidence.
//!
//! Promises: user impact is only claimed from real evidence (an error or an HTTP 5xx status on a
//! user-facing service, an SLO burn line), never from a keyword; a trigger is "unknown" unless a
//! line shows it; a version string is a deploy only when the version changed.

use super::graph::UNKNOWN;
use super::{roles, Class, Findings};
use crate::hash::FxHashMap;
use crate::ingest::{Corpus, Level};
use std::collections::BTreeMap;

/// What the failure did: health per service, user-facing impact, severity and trigger.
#[derive(Debug, Clone, Default)]
pub(crate) struct Assessment {
    pub health: Vec<Health>,
    /// Events that show user-facing impact.
    pub impact: Vec<usize>,
    pub severity: &'static str,
    pub severity_why: Vec<String>,
    pub trigger: TriggerFinding,
}

/// Runs every assessment tool over the findings so far (ranking and patient zero done).
pub(crate) fn assess(corpus: &Corpus, f: &Findings) -> Assessment {
    let health = health(corpus, f);
    let impact = user_impact(corpus, f, &health);
    let (severity, severity_why) = severity(corpus, &health, &impact, f);
    Assessment {
        trigger: trigger(corpus, f),
        health,
        impact,
        severity,
        severity_why,
    }
}

/// Health of one service.
#[derive(Debug, Clone)]
pub(crate) struct Health {
    pub name: String,
    pub role: &'static str,
    pub health: &'static str,
    pub impact: String,
    pub evidence: Option<usize>,
}

/// Per service: down?, error signals, other signals, first signal, classes seen.
type Tally = (bool, usize, usize, Option<usize>, Vec<Class>);

/// Health per service that logged or was blamed, worst first.
pub(crate) fn health(corpus: &Corpus, f: &Findings) -> Vec<Health> {
    let mut by: BTreeMap<&str, Tally> = BTreeMap::new();
    for s in &f.signals {
        let ev = &corpus.events[s.event];
        for (name, own) in [(s.emitter.as_str(), true), (s.blamed.as_str(), false)] {
            // A signal about its own emitter is one event: count it once.
            if name == UNKNOWN || (!own && s.blamed == s.emitter) {
                continue;
            }
            let e = by.entry(name).or_default();
            // Down: the line is about this service itself (not a caller's view of it) and
            // says it is not running, or a caller finds it unavailable.
            let about_it = s.blamed == name;
            let down = about_it
                && (matches!(
                    s.class,
                    Class::Oom | Class::CrashLoop | Class::ImagePull | Class::Scheduling
                ) || (s.emitter != s.blamed
                    && matches!(
                        s.class,
                        Class::CacheUnavailable | Class::DependencyUnavailable
                    ))
                    || (own && ev.level == Some(Level::Fatal)));
            e.0 |= down;
            let error = ev.level.is_some_and(|l| l >= Level::Error);
            if error {
                e.1 += 1;
            } else {
                e.2 += 1;
            }
            // Evidence: the first error signal, else the first signal (an INFO line that
            // happens to classify is weaker evidence than the errors that follow it).
            if e.3.is_none() || (error && e.1 == 1) {
                e.3 = Some(s.event);
            }
            if !e.4.contains(&s.class) {
                e.4.push(s.class);
            }
        }
    }
    let mut out: Vec<Health> = by
        .into_iter()
        .map(|(name, (down, errors, warns, ev, classes))| {
            let role = f.services.iter().find(|s| s.name == name).map_or_else(
                || roles::role_from_name(name).unwrap_or("service"),
                |s| s.role,
            );
            let classes: Vec<&str> = classes.iter().map(|c| c.as_str()).collect();
            Health {
                name: name.to_string(),
                role,
                health: if down { "down" } else { "degraded" },
                impact: format!(
                    "{errors} error and {warns} warning {}: {}",
                    if errors + warns == 1 {
                        "signal"
                    } else {
                        "signals"
                    },
                    classes.join(", ")
                ),
                evidence: ev,
            }
        })
        .collect();
    for s in &f.services {
        if !s.mentioned_only && !out.iter().any(|h| h.name == s.name) && s.name != UNKNOWN {
            out.push(Health {
                name: s.name.clone(),
                role: s.role,
                health: "healthy",
                impact: "no abnormal signal".into(),
                evidence: None,
            });
        }
    }
    let rank = |h: &str| match h {
        "down" => 0,
        "degraded" => 1,
        _ => 2,
    };
    crate::sort::sort_by(&mut out, |a, b| {
        rank(a.health)
            .cmp(&rank(b.health))
            .then(a.name.cmp(&b.name))
    });
    out
}

/// Evidence of user impact: errors or 5xx on a user-facing service, or an SLO/error-budget line.
pub(crate) fn user_impact(corpus: &Corpus, f: &Findings, health: &[Health]) -> Vec<usize> {
    let facing: Vec<&str> = health
        .iter()
        .filter(|h| roles::is_user_facing(h.role) && h.health != "healthy")
        .map(|h| h.name.as_str())
        .collect();
    let mut out = Vec::new();
    for s in &f.signals {
        let ev = &corpus.events[s.event];
        let status5xx = ev
            .entities
            .as_ref()
            .and_then(|e| e.http_status)
            .is_some_and(|c| (500..600).contains(&c));
        let slo = {
            let m = corpus.message(ev).to_ascii_lowercase();
            m.contains("slo") && (m.contains("burn") || m.contains("budget"))
        };
        if (facing.contains(&s.emitter.as_str())
            && (status5xx
                || ev.level.is_some_and(|l| l >= Level::Error)
                || s.class == Class::DependencyUnavailable))
            || status5xx
            || slo
        {
            out.push(s.event);
        }
        if out.len() >= 5 {
            break;
        }
    }
    out
}

/// True when a line reports a broad outage: an error/5xx/failure rate of at least half, or a
/// success rate of at most half (`5xx rate 64%`, `success rate 0%`).
fn reports_outage(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let Some(pct) = percent(&lower) else {
        return false;
    };
    if lower.contains("success") || lower.contains("availability") {
        pct <= 50.0
    } else if ["5xx", "error", "fail", "timeout", "unavailable"]
        .iter()
        .any(|w| lower.contains(w))
    {
        pct >= 50.0
    } else {
        false
    }
}

/// The first `N%` in a text.
fn percent(s: &str) -> Option<f64> {
    let p = s.find('%')?;
    let start = s[..p]
        .rfind(|c: char| !(c.is_ascii_digit() || c == '.'))
        .map_or(0, |i| i + 1);
    s[start..p].parse().ok()
}

/// P1..P4 with its rationale: P1 a broad user-facing outage, P2 partial user impact, P3 failures
/// without user impact, P4 warnings only.
pub(crate) fn severity(
    corpus: &Corpus,
    health: &[Health],
    impact: &[usize],
    f: &Findings,
) -> (&'static str, Vec<String>) {
    let down = health.iter().filter(|h| h.health == "down").count();
    let degraded = health.iter().filter(|h| h.health == "degraded").count();
    let facing_down = health
        .iter()
        .filter(|h| h.health == "down" && roles::is_user_facing(h.role))
        .count();
    let outage = f
        .signals
        .iter()
        .map(|s| s.event)
        .chain(impact.iter().copied())
        .find(|&i| reports_outage(corpus.message(&corpus.events[i])));
    let services = if down == 1 { "service" } else { "services" };
    let mut why = vec![format!("{down} {services} down, {degraded} degraded")];
    if impact.is_empty() {
        why.push("no evidence of user-facing impact in the logs".into());
    } else {
        let lines = if impact.len() == 1 {
            "1 line shows"
        } else {
            "lines show"
        };
        let n = if impact.len() == 1 {
            String::new()
        } else {
            format!("{} ", impact.len())
        };
        why.push(format!("{n}{lines} user-facing impact"));
    }
    if let Some(i) = outage {
        why.push(format!(
            "outage-level rate reported: {}",
            corpus.message(&corpus.events[i]).trim()
        ));
    }
    let errors = f.signals.iter().any(|s| {
        corpus.events[s.event]
            .level
            .is_some_and(|l| l >= Level::Error)
    });
    let p = if f.signals.is_empty() {
        why.push("no abnormal signal".into());
        "P4"
    } else if !impact.is_empty() && (outage.is_some() || facing_down > 0 || down >= 2) {
        "P1"
    } else if !impact.is_empty() {
        "P2"
    } else if down > 0 || errors {
        "P3"
    } else {
        "P4"
    };
    (p, why)
}

/// The trigger: what set the failure off.
#[derive(Debug, Clone, Default)]
pub(crate) struct TriggerFinding {
    pub kind: &'static str,
    pub confidence: f64,
    pub summary: String,
    pub evidence: Vec<usize>,
}

/// Phrases of a line that changes the system (see [`trigger`]), by the kind of change.
const REPLICA_SET: &[&str] = &["replica set"];
const SCALING: &[&str] = &[
    "scaledown",
    "scaledownempty",
    "scale down",
    "scaled down",
    "scaling down",
    "successfulrescale",
    "new size",
    "autoscaler",
    "horizontalpodautoscaler",
    "scale up",
    "scaled to",
    "replicas changed",
];
const CONFIG_CHANGE: &[&str] = &[
    "configmap",
    "config reloaded",
    "configuration reloaded",
    "config changed",
    "reloading configuration",
    "reloading",
    "running configuration",
    "feature flag",
    "applied configuration",
    "config map",
];
const DEPLOY: &[&str] = &[
    "deployment rolled out",
    "rolling update",
    "rollout",
    "deployed",
    "deploying",
    "new revision",
    "image updated",
    "migrations",
    "migration",
    "release",
    "upgraded to",
    "upgrading",
];
const TRAFFIC_SPIKE: &[&str] = &[
    "traffic spike",
    "traffic surge",
    "request rate spike",
    "surge in traffic",
    "load spike",
];

/// Finds any phrase of the lists above: a line without one names no change.
fn change_phrases() -> &'static aho_corasick::AhoCorasick {
    static AC: std::sync::OnceLock<aho_corasick::AhoCorasick> = std::sync::OnceLock::new();
    AC.get_or_init(|| {
        let all = [REPLICA_SET, SCALING, CONFIG_CHANGE, DEPLOY, TRAFFIC_SPIKE].concat();
        aho_corasick::AhoCorasick::new(all).expect("fixed phrases build")
    })
}

/// Looks for a deploy, config change or scaling line before patient zero, else falls back on
/// the root cause's class (a failing dependency, exhausted resources), else "unknown".
pub(crate) fn trigger(corpus: &Corpus, f: &Findings) -> TriggerFinding {
    let pz_time = f.patient_zero.and_then(|i| f.times[i]);
    let before = |i: usize| match (pz_time, f.times[i]) {
        (Some(p), Some(t)) => t <= p,
        _ => true,
    };
    // Versions seen per service in start-up lines: a deploy is a version that changed.
    let mut versions: BTreeMap<&str, Vec<(String, usize)>> = BTreeMap::new();
    // The change closest before patient zero wins: it is the likeliest cause.
    let mut found: Option<(&'static str, usize)> = None;
    // Most templates can never name a change or a version: decided once per template (and
    // Kubernetes reason) on its first event, so a big input costs one pass of lookups.
    let mut interesting: FxHashMap<(u32, Option<&str>), bool> = FxHashMap::default();
    for &i in &f.order {
        let ev = &corpus.events[i];
        let tkey = (
            ev.template,
            ev.entities.as_deref().and_then(|e| e.k8s_reason.as_deref()),
        );
        if interesting.get(&tkey) == Some(&false) {
            continue;
        }
        let m = corpus.message(ev).to_ascii_lowercase();
        let words: Vec<&str> = m
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
            .filter(|w| !w.is_empty())
            .collect();
        let version = words
            .iter()
            .position(|w| *w == "version" || *w == "v")
            .and_then(|p| words.get(p + 1))
            .or_else(|| {
                // A bare version counts only on a start-up line.
                let startup = words
                    .iter()
                    .any(|w| matches!(*w, "starting" | "started" | "start" | "booting"));
                words
                    .iter()
                    .find(|w| startup && is_version(w.trim_start_matches('v')))
            })
            .filter(|w| is_version(w.trim_start_matches('v')));
        let reason = ev
            .entities
            .as_deref()
            .and_then(|e| e.k8s_reason.as_deref())
            .unwrap_or("")
            .to_ascii_lowercase();
        let text = format!("{reason} {m}");
        // Most lines name no change at all: one scan for every phrase rules them out before
        // each list is searched word by word.
        let any = change_phrases().is_match(&text);
        let has = |ps: &[&str]| any && ps.iter().any(|p| contains_words(&text, p));
        // A rollout retires the old replica set (to 0) or starts a new one from nothing; a
        // resize changes the count of one that was already running.
        let replica_set = has(REPLICA_SET);
        let resize = replica_set && has(&["from"]) && !has(&["to 0", "from 0"]);
        let kind = if replica_set && !resize {
            Some("deploy")
        } else if resize || has(SCALING) {
            Some("scaling")
        } else if has(CONFIG_CHANGE) {
            Some("config_change")
        } else if has(DEPLOY) {
            Some("deploy")
        } else if has(TRAFFIC_SPIKE) {
            Some("traffic_spike")
        } else {
            None
        };
        interesting
            .entry(tkey)
            .or_insert(version.is_some() || kind.is_some());
        if let Some(v) = version {
            let svc = corpus.service(ev).unwrap_or(UNKNOWN);
            let list = versions.entry(svc).or_default();
            if list.last().is_none_or(|(last, _)| last != v) {
                list.push((v.to_string(), i));
            }
        }
        if !before(i) || f.patient_zero == Some(i) {
            continue;
        }
        if let Some(k) = kind {
            found = Some((k, i));
        }
    }
    if let Some((kind, i)) = found {
        return TriggerFinding {
            kind,
            confidence: 0.7,
            summary: format!(
                "a {} line precedes the first failure signal",
                kind.replace('_', " ")
            ),
            evidence: vec![i],
        };
    }
    if let Some(spike) = traffic_spike(corpus, f) {
        return spike;
    }
    for list in versions.values() {
        if list.len() >= 2 {
            let (v0, _) = &list[0];
            let (v1, i) = &list[1];
            if before(*i) {
                return TriggerFinding {
                    kind: "deploy",
                    confidence: 0.6,
                    summary: format!("version changed from {v0} to {v1} before the failure"),
                    evidence: vec![list[0].1, *i],
                };
            }
        }
    }
    let Some(root) = f.ranked.first() else {
        return TriggerFinding {
            kind: "unknown",
            confidence: 0.0,
            summary: "no abnormal signal".into(),
            evidence: vec![],
        };
    };
    if root.class.is_resource() {
        return TriggerFinding {
            kind: "resource_exhaustion",
            confidence: 0.5,
            summary: format!(
                "{} exhausted its resources ({}); no deploy, config or scaling line precedes it",
                root.service,
                root.class.as_str()
            ),
            evidence: root.evidence.iter().copied().take(2).collect(),
        };
    }
    if matches!(
        root.class,
        Class::CacheUnavailable | Class::DependencyUnavailable | Class::DnsFailure | Class::Network
    ) {
        return TriggerFinding {
            kind: "dependency_failure",
            confidence: 0.5,
            summary: format!("{} became unavailable to its callers", root.service),
            evidence: root.evidence.iter().copied().take(2).collect(),
        };
    }
    TriggerFinding {
        kind: "unknown",
        confidence: 0.0,
        summary: "no line shows what set the failure off".into(),
        evidence: vec![],
    }
}

/// `1.2.3`-like: digits with at least one dot, nothing else.
fn is_version(w: &str) -> bool {
    let parts: Vec<&str> = w.split('.').collect();
    parts.len() >= 2
        && parts.len() <= 4
        && parts
            .iter()
            .all(|p| !p.is_empty() && p.len() <= 4 && p.bytes().all(|b| b.is_ascii_digit()))
}

/// Request volume per minute of access-log or HTTP lines: a spike is the minute before patient
/// zero carrying at least three times the average of the minutes before it (and 20 requests).
fn traffic_spike(corpus: &Corpus, f: &Findings) -> Option<TriggerFinding> {
    let pz = corpus.events[f.patient_zero?].time?;
    const MIN: i64 = 60_000_000_000;
    let mut per_min: BTreeMap<i64, (u64, usize)> = BTreeMap::new();
    for (i, ev) in corpus.events.iter().enumerate() {
        let http = ev
            .entities
            .as_deref()
            .is_some_and(|e| e.http_method.is_some() || e.http_status.is_some());
        if let (true, Some(t)) = (http, ev.time) {
            if t <= pz + MIN {
                let e = per_min.entry(t.div_euclid(MIN)).or_insert((0, i));
                e.0 += 1;
            }
        }
    }
    let (&last_min, &(last, ev)) = per_min.iter().next_back()?;
    let earlier: Vec<u64> = per_min.range(..last_min).map(|(_, (n, _))| *n).collect();
    if earlier.len() < 2 || last < 20 {
        return None;
    }
    let avg = earlier.iter().sum::<u64>() as f64 / earlier.len() as f64;
    (last as f64 >= 3.0 * avg).then(|| TriggerFinding {
        kind: "traffic_spike",
        confidence: 0.6,
        summary: format!(
            "{last} requests in the minute of the failure against {avg:.0} per minute before"
        ),
        evidence: vec![ev],
    })
}

fn contains_words(hay: &str, phrase: &str) -> bool {
    let hb = hay.as_bytes();
    let mut from = 0;
    while let Some(off) = hay[from..].find(phrase) {
        let a = from + off;
        let b = a + phrase.len();
        if (a == 0 || !hb[a - 1].is_ascii_alphanumeric())
            && (b >= hb.len() || !hb[b].is_ascii_alphanumeric())
        {
            return true;
        }
        from = a + 1;
    }
    false
}

#[cfg(test)]
mod tests {
    /// Bug (double counting): `ERROR ledger charge failed` in a `ts LEVEL service msg` stream
    /// lost its plain-word service, so ledger, which logs errors, was no affected service.
    #[test]
    fn double_counting_plain_word_service_is_affected() {
        let mut log = String::new();
        for s in 10..17 {
            log += &format!("2024-05-01T10:00:{s}Z ERROR edge-gw 502 from ledger\n");
            log += &format!(
                "2024-05-01T10:00:{s}Z ERROR ledger charge failed: upstream bank-link timeout\n"
            );
        }
        log += "2024-05-01T10:00:20Z ERROR connection refused by peer\n";
        log += "2024-05-01T10:00:21Z ERROR connection reset by peer\n";
        let r = crate::analyze(
            &[crate::InputFile::new("paste.log", log.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        let names: Vec<&str> = r
            .affected_services
            .iter()
            .map(|a| a.name.as_str())
            .collect();
        let ledger = r.affected_services.iter().find(|a| a.name == "ledger");
        assert!(
            ledger.is_some_and(|a| a.impact.starts_with("7 error ")),
            "{:?}",
            r.affected_services
        );
        assert!(!names.contains(&"connection"), "{names:?}");
        assert!(r.forensic.propagation_path.iter().any(|p| p == "ledger"));
    }

    /// Bug: a signal whose emitter is also the blamed service was counted twice ("2102 error"
    /// for 1,051 lines) and the evidence was an INFO line that came before the errors.
    #[test]
    fn double_counting_self_blamed_signals() {
        let mut log = String::new();
        for s in 0..6 {
            log += &format!(
                "2024-05-01T10:00:0{s}Z INFO edge-gw request handled in 12ms timeout=30s\n"
            );
        }
        for s in 10..17 {
            log += &format!("2024-05-01T10:00:{s}Z ERROR edge-gw 502 from ledger-svc\n");
            log += &format!(
                "2024-05-01T10:00:{s}Z ERROR ledger-svc charge failed: upstream bank-link timeout\n"
            );
        }
        let r = crate::analyze(
            &[crate::InputFile::new("paste.log", log.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        let a = |n: &str| {
            r.affected_services
                .iter()
                .find(|a| a.name == n)
                .unwrap_or_else(|| panic!("{n} not affected: {:?}", r.affected_services))
        };
        assert!(
            a("edge-gw").impact.starts_with("7 error "),
            "{}",
            a("edge-gw").impact
        );
        assert!(
            a("ledger-svc").impact.starts_with("7 error "),
            "{}",
            a("ledger-svc").impact
        );
        let ev = a("edge-gw").evidence.as_ref().unwrap();
        assert!(ev.text.contains("ERROR edge-gw 502"), "{}", ev.text);
    }

    /// The kind of change a line before the first failure names, or none.
    fn trigger_after(change: &str) -> &'static str {
        let mut log = format!("2024-05-01T10:00:00Z INFO orders-api {change}\n");
        for s in 10..14 {
            log += &format!("2024-05-01T10:00:{s}Z ERROR orders-api payment request failed\n");
        }
        let (corpus, f) =
            super::super::analyzed(&[("app.log", &log)], super::super::RankMethod::Engine);
        super::trigger(&corpus, &f).kind
    }

    #[test]
    fn a_change_line_before_the_failure_is_its_trigger_by_kind() {
        assert_eq!(
            trigger_after("configmap app-settings reloaded"),
            "config_change"
        );
        assert_eq!(
            trigger_after("rolling update to revision 7 started"),
            "deploy"
        );
        assert_eq!(
            trigger_after("horizontalpodautoscaler scaled to 6 replicas"),
            "scaling"
        );
        assert_eq!(
            trigger_after("scaled up replica set web-5d4 to 3"),
            "deploy"
        );
        assert_eq!(
            trigger_after("scaled up replica set web-5d4 from 2 to 3"),
            "scaling"
        );
        assert_eq!(
            trigger_after("traffic surge from the promotion"),
            "traffic_spike"
        );
        // A phrase inside another word names nothing; a line with none names nothing.
        assert_ne!(trigger_after("prereleased cache warmed"), "deploy");
        assert_ne!(trigger_after("cache warmed"), "config_change");
    }

    #[test]
    fn words_not_substrings() {
        assert!(super::contains_words("hpa scaled", "hpa"));
        assert!(!super::contains_words("alphapa", "hpa"));
    }
}
