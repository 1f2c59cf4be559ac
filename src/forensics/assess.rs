//! Severity, affected services and blast radius: what the failure hit, each from evidence, with
//! the trigger (see [`super::trigger`]) carried beside them.
//!
//! Promises: user impact is only claimed from real evidence (an error or an HTTP 5xx status on a
//! user-facing service, an SLO burn line), never from a keyword.

use super::graph::UNKNOWN;
use super::{roles, Class, Findings};
use crate::ingest::{Corpus, Level};
use crate::parallel::Parallel;
use std::collections::BTreeMap;

/// What the failure did: health per service, user-facing impact, severity and trigger.
#[derive(Debug, Clone, Default)]
pub(crate) struct Assessment {
    pub health: Vec<Health>,
    /// Events that show user-facing impact.
    pub impact: Vec<usize>,
    pub severity: &'static str,
    pub severity_why: Vec<String>,
    pub trigger: super::trigger::TriggerFinding,
}

/// Runs every assessment tool over the findings so far (ranking and patient zero done). The
/// trigger reads none of what health, impact and severity find: it is looked for beside them.
pub(crate) fn assess(corpus: &Corpus, f: &Findings, par: &dyn Parallel) -> Assessment {
    let ((health, impact, (severity, severity_why)), trigger) = crate::parallel::join(
        par,
        || {
            let health = health(corpus, f);
            let impact = user_impact(corpus, f, &health);
            let severity = severity(corpus, &health, &impact, f);
            (health, impact, severity)
        },
        || super::trigger::trigger(corpus, f),
    );
    Assessment {
        trigger,
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
}
