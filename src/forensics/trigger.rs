//! The trigger: what set the failure off, from a line that changes the system (a deploy, a
//! config change, a resize) before the first failure signal, a version that changed between
//! start-ups, a burst of requests, or else the root cause's own class.
//!
//! Promises: a trigger is "unknown" unless a line shows it; a version string is a deploy only
//! when the version changed; a word inside another word names nothing.

use super::graph::UNKNOWN;
use super::{Class, Findings};
use crate::hash::FxHashMap;
use crate::ingest::Corpus;
use std::collections::BTreeMap;

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
    "applied configuration",
    "config map",
];
/// A feature flag or a credential is named in many lines that change nothing (a flag client
/// serving cached values, a key looked up); it is a change only next to a word that says so.
const FLAG: &[&str] = &["flag", "flags", "feature toggle", "toggle"];
const FLAG_CHANGED: &[&str] = &[
    "updated",
    "changed",
    "toggled",
    "enabled",
    "disabled",
    "flipped",
    "modified",
    "turned on",
    "turned off",
    "set to",
];
const SECRET: &[&str] = &[
    "key",
    "keys",
    "keypair",
    "certificate",
    "certificates",
    "cert",
    "certs",
    "secret",
    "secrets",
    "credential",
    "credentials",
    "password",
];
const ROTATED: &[&str] = &["rotated", "rotation", "rotating", "rotate", "rolled over"];
/// What `kubectl apply` and GitOps controllers print for a workload they changed
/// (`deployment.apps/x configured`): a new pod template, so a rollout.
const WORKLOAD: &[&str] = &["deployment", "statefulset", "daemonset"];
const APPLIED: &[&str] = &["configured", "created", "patched", "restarted", "updated"];
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
        let all = [
            REPLICA_SET,
            SCALING,
            CONFIG_CHANGE,
            FLAG,
            ROTATED,
            WORKLOAD,
            DEPLOY,
            TRAFFIC_SPIKE,
        ]
        .concat();
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
            .position(|w| matches!(*w, "version" | "v" | "build" | "release"))
            .and_then(|p| words.get(p + 1))
            .or_else(|| {
                // A bare version counts only on a start-up line.
                let startup = words
                    .iter()
                    .any(|w| matches!(*w, "starting" | "started" | "start" | "booting"));
                words
                    .iter()
                    // "started in 8.412 seconds (process running for 9.03)": a bare
                    // number with one dot is as likely a duration, so it needs a `v` or a
                    // third part to be a version.
                    .find(|w| {
                        startup
                            && is_version(w.trim_start_matches('v'))
                            && (w.starts_with('v') || w.matches('.').count() >= 2)
                    })
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
        } else if has(CONFIG_CHANGE)
            || has(FLAG) && has(FLAG_CHANGED)
            || has(ROTATED) && has(SECRET)
        {
            Some("config_change")
        } else if has(DEPLOY) || has(WORKLOAD) && has(APPLIED) {
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
        // What kubectl apply prints for a workload whose pod template it changed.
        assert_eq!(
            trigger_after("deployment.apps/orders-api configured"),
            "deploy"
        );
        assert_eq!(
            trigger_after("configmap/orders-limits configured"),
            "config_change"
        );
        assert_ne!(
            trigger_after("deployment orders-api has minimum availability"),
            "deploy"
        );
        // A phrase inside another word names nothing; a line with none names nothing.
        assert_ne!(trigger_after("prereleased cache warmed"), "deploy");
        assert_ne!(trigger_after("cache warmed"), "config_change");
    }

    /// Bug (keywords as verdicts): a flag client serving cached values and a key being looked
    /// up named a config change; a flag or a credential is a change only when a word says so.
    #[test]
    fn a_flag_or_a_key_is_a_change_only_when_the_line_says_it_changed() {
        assert_ne!(
            trigger_after("feature flag client slow, serving cached flags"),
            "config_change"
        );
        assert_eq!(
            trigger_after("feature flag new-checkout enabled for 20% of users"),
            "config_change"
        );
        assert_eq!(
            trigger_after("signing key rotated, publishing the new key id"),
            "config_change"
        );
        assert_eq!(
            trigger_after("tls certificate rotation complete"),
            "config_change"
        );
        assert_ne!(trigger_after("access log rotated"), "config_change");
        assert_ne!(trigger_after("api key accepted"), "config_change");
    }

    /// Bug: "Started App in 8.412 seconds" on two start-ups read as versions 8.412 and 9.107,
    /// so a restart became a deploy.
    #[test]
    fn a_start_up_duration_is_not_a_version() {
        let mut log = String::new();
        log += "2024-05-01T09:00:00Z INFO orders-api Started OrdersApplication in 8.412 seconds\n";
        log += "2024-05-01T09:30:00Z INFO orders-api Started OrdersApplication in 9.107 seconds\n";
        for s in 10..14 {
            log += &format!("2024-05-01T10:00:{s}Z ERROR orders-api payment request failed\n");
        }
        let (corpus, f) =
            super::super::analyzed(&[("app.log", &log)], super::super::RankMethod::Engine);
        assert_ne!(super::trigger(&corpus, &f).kind, "deploy");
        // A build reported before a start-up that names another version is a deploy.
        let mut built =
            String::from("2024-05-01T09:00:00Z INFO orders-api build=3.8.2 commit=a1b2c3d\n");
        built += "2024-05-01T09:30:00Z INFO orders-api Starting OrdersApplication v3.9.0 using Java 21\n";
        built += "2024-05-01T09:30:05Z INFO orders-api Started OrdersApplication in 5.113 seconds (process running for 5.87)\n";
        for s in 10..14 {
            built += &format!("2024-05-01T10:00:{s}Z ERROR orders-api payment request failed\n");
        }
        let (corpus, f) =
            super::super::analyzed(&[("app.log", &built)], super::super::RankMethod::Engine);
        let t = super::trigger(&corpus, &f);
        assert_eq!(t.kind, "deploy");
        assert!(
            t.summary.contains("3.8.2") && t.summary.contains("3.9.0"),
            "{}",
            t.summary
        );
        // A version that changed between start-ups still is one.
        let log = log
            .replace("in 8.412 seconds", "version 2.3.0")
            .replace("in 9.107 seconds", "version 2.4.0");
        let (corpus, f) =
            super::super::analyzed(&[("app.log", &log)], super::super::RankMethod::Engine);
        assert_eq!(super::trigger(&corpus, &f).kind, "deploy");
    }

    #[test]
    fn words_not_substrings() {
        assert!(super::contains_words("hpa scaled", "hpa"));
        assert!(!super::contains_words("alphapa", "hpa"));
    }
}
