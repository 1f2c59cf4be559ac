//! The trigger: what set the failure off, from a line that changes the system (a deploy, a
//! config change, a resize) before the first failure signal, a version that changed between
//! start-ups, a burst of requests, or else the root cause's own class.
//!
//! Promises: a trigger is "unknown" unless a line shows it; a change is the trigger only when it
//! happened to the root cause's service or to a service the root depends on (a change to any
//! other service, however close in time, is not), or when its line names no service at all; a
//! version string is a deploy only when a later start-up replaced it (not one start-up naming
//! several components, not replicas side by side, not a restart after a crash); a word inside
//! another word names nothing.

use super::graph::{Mentions, UNKNOWN};
use super::{Class, Findings};
use crate::hash::FxHashMap;
use crate::ingest::{Corpus, Level};
use std::collections::BTreeMap;

/// The trigger: what set the failure off.
#[derive(Debug, Clone, Default)]
pub(crate) struct TriggerFinding {
    pub kind: &'static str,
    pub confidence: f64,
    pub summary: String,
    pub evidence: Vec<usize>,
    /// The service the change happened to (the root or a dependency of it), when the trigger
    /// is a change: the one a rollback would undo.
    pub service: Option<String>,
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
    "config reloaded",
    "configuration reloaded",
    "config changed",
    "reloading configuration",
    "reloading",
    "running configuration",
    "applied configuration",
];
/// A config map is named wherever a pod lists its volumes (`Type: ConfigMap`); it is a change
/// only next to a word that says it changed.
const CONFIG_MAP: &[&str] = &["configmap", "config map"];
const CONFIG_MAP_CHANGED: &[&str] = &[
    "reloaded",
    "configured",
    "created",
    "patched",
    "updated",
    "changed",
    "modified",
    "edited",
    "applied",
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
const CONTROLLERS: &[&str] = &["deployment", "statefulset", "daemonset"];
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
            CONFIG_MAP,
            FLAG,
            ROTATED,
            CONTROLLERS,
            DEPLOY,
            TRAFFIC_SPIKE,
        ]
        .concat();
        aho_corasick::AhoCorasick::new(all).expect("fixed phrases build")
    })
}

/// Looks for a deploy, config change or scaling line of the root's chain before patient zero,
/// then a burst of requests, then a version the root's chain replaced, else falls back on the
/// root cause's class (a failing dependency, exhausted resources), else "unknown".
pub(crate) fn trigger(corpus: &Corpus, f: &Findings) -> TriggerFinding {
    let pz_time = f.patient_zero.and_then(|i| f.times[i]);
    let before = |i: usize| match (pz_time, f.times[i]) {
        (Some(p), Some(t)) => t <= p,
        _ => true,
    };
    let chain = Chain::of(f);
    // Version lines per service, in causal order: a deploy is a version a start-up replaced.
    let mut versions: BTreeMap<String, Vec<(String, usize)>> = BTreeMap::new();
    // The change closest before patient zero wins: it is the likeliest cause.
    let mut found: Option<(&'static str, usize, Option<String>)> = None;
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
        let version = line_version(&m);
        let reason = ev
            .entities
            .as_deref()
            .and_then(|e| e.k8s_reason.as_deref())
            .unwrap_or("")
            .to_ascii_lowercase();
        let kind = change_kind(&format!("{reason} {m}"));
        interesting
            .entry(tkey)
            .or_insert(version.is_some() || kind.is_some());
        if let Some(v) = version {
            let svc = chain.resolve(corpus.service(ev).unwrap_or(UNKNOWN));
            // A version repeated line after line is one report of it.
            let list = versions.entry(svc).or_default();
            if list.last().is_none_or(|(last, _)| last != v) {
                list.push((v.to_string(), i));
            }
        }
        if !before(i) || f.patient_zero == Some(i) {
            continue;
        }
        // A burst of requests is no change to a service: it reaches the root through its
        // callers, whoever logged it.
        match kind {
            Some("traffic_spike") => found = Some(("traffic_spike", i, None)),
            Some(k) => {
                if let Some(svc) = chain.subject(corpus, i) {
                    found = Some((k, i, Some(svc)));
                }
            }
            None => {}
        }
    }
    if let Some((kind, i, service)) = found {
        return TriggerFinding {
            kind,
            confidence: 0.7,
            summary: format!(
                "a {} line precedes the first failure signal",
                kind.replace('_', " ")
            ),
            evidence: vec![i],
            service,
        };
    }
    if let Some(spike) = traffic_spike(corpus, f) {
        return spike;
    }
    let replaced = versions
        .iter()
        .filter(|(svc, _)| chain.contains(svc))
        .filter_map(|(svc, lines)| replaced_version(corpus, f, svc, lines, &before))
        // The replacement closest before patient zero.
        .max_by_key(|t| t.evidence.last().copied().map(|i| f.times[i]));
    if let Some(t) = replaced {
        return t;
    }
    from_root_class(f)
}

/// With no line showing a change, the root cause's own class may say what set it off.
fn from_root_class(f: &Findings) -> TriggerFinding {
    let mut t = TriggerFinding {
        kind: "unknown",
        summary: "no line shows what set the failure off".into(),
        ..Default::default()
    };
    let Some(root) = f.ranked.first() else {
        t.summary = "no abnormal signal".into();
        return t;
    };
    if root.class.is_resource() {
        t.kind = "resource_exhaustion";
        t.summary = format!(
            "{} exhausted its resources ({}); no deploy, config or scaling line precedes it",
            root.service,
            root.class.as_str()
        );
    } else if matches!(
        root.class,
        Class::CacheUnavailable | Class::DependencyUnavailable | Class::DnsFailure | Class::Network
    ) {
        t.kind = "dependency_failure";
        t.summary = format!("{} became unavailable to its callers", root.service);
    } else {
        return t;
    }
    t.confidence = 0.5;
    t.evidence = root.evidence.iter().copied().take(2).collect();
    t
}

/// The services whose change can set the root's failure off: the root and what it depends on
/// (the services its own abnormal lines blame). A caller's change is not on the chain: a caller
/// relays the failure, it does not cause it.
struct Chain<'a> {
    root: Option<String>,
    deps: Vec<String>,
    aliases: &'a super::aliases::Aliases,
    mentions: Mentions,
}

impl<'a> Chain<'a> {
    fn of(f: &'a Findings) -> Chain<'a> {
        let root = f.ranked.first().map(|r| r.service.clone());
        let deps = f
            .edges
            .iter()
            .filter(|e| Some(&e.from) == root.as_ref() && e.to != e.from && e.to != UNKNOWN)
            .map(|e| e.to.clone())
            .collect();
        let mut known: Vec<String> = f.services.iter().map(|s| s.name.clone()).collect();
        known.extend(root.iter().cloned());
        known.retain(|s| s != UNKNOWN);
        Chain {
            root,
            deps,
            aliases: &f.aliases,
            mentions: Mentions::new(&known).with_aliases(&f.aliases),
        }
    }

    /// The service a name stands for (a pod, an address), or the name.
    fn resolve(&self, name: &str) -> String {
        self.aliases.resolve(name).unwrap_or(name).to_string()
    }

    fn contains(&self, svc: &str) -> bool {
        self.root.as_deref() == Some(svc) || self.deps.iter().any(|d| d == svc)
    }

    /// The service of the chain that line `i` is about (its emitter, the pod or object it
    /// names, a service it mentions), the root first; the root when the line names no service
    /// at all (a paste often has no service field); None when it is about other services only.
    fn subject(&self, corpus: &Corpus, i: usize) -> Option<String> {
        let ev = &corpus.events[i];
        let mut about: Vec<String> = corpus
            .service(ev)
            .filter(|s| *s != UNKNOWN)
            .map(|s| self.resolve(s))
            .into_iter()
            .collect();
        about.extend(super::graph::pod_service(corpus, i).map(|s| self.resolve(&s)));
        about.extend(self.mentions.find(corpus.message(ev), ""));
        if about.is_empty() {
            return self.root.clone();
        }
        let root = about.iter().find(|n| self.root.as_ref() == Some(*n));
        let dep = about.iter().find(|n| self.deps.contains(n));
        root.or(dep).cloned()
    }
}

/// The version a line reports: the word after `version`, `v`, `build` or `release`, or a bare
/// `v1.2`/`1.2.3` on a start-up line.
fn line_version(m: &str) -> Option<&str> {
    let words: Vec<&str> = m
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    words
        .iter()
        .position(|w| matches!(*w, "version" | "v" | "build" | "release"))
        .and_then(|p| words.get(p + 1))
        .or_else(|| {
            // A bare version counts only on a start-up line.
            let starting = words
                .iter()
                .any(|w| matches!(*w, "starting" | "started" | "start" | "booting"));
            words
                .iter()
                // "started in 8.412 seconds (process running for 9.03)": a bare
                // number with one dot is as likely a duration, so it needs a `v` or a
                // third part to be a version.
                .find(|w| {
                    starting
                        && is_version(w.trim_start_matches('v'))
                        && (w.starts_with('v') || w.matches('.').count() >= 2)
                })
        })
        .filter(|w| is_version(w.trim_start_matches('v')))
        .copied()
}

/// The kind of change a line (Kubernetes reason and message, lower case) names, if any.
fn change_kind(text: &str) -> Option<&'static str> {
    // Most lines name no change at all: one scan for every phrase rules them out before
    // each list is searched word by word.
    let any = change_phrases().is_match(text);
    let has = |ps: &[&str]| any && ps.iter().any(|p| contains_words(text, p));
    // A rollout retires the old replica set (to 0) or starts a new one from nothing; a
    // resize changes the count of one that was already running.
    let replica_set = has(REPLICA_SET);
    let resize = replica_set && has(&["from"]) && !has(&["to 0", "from 0"]);
    if replica_set && !resize {
        Some("deploy")
    } else if resize || has(SCALING) {
        Some("scaling")
    } else if has(CONFIG_CHANGE)
        || has(CONFIG_MAP) && has(CONFIG_MAP_CHANGED)
        || has(FLAG) && has(FLAG_CHANGED)
        || has(ROTATED) && has(SECRET)
    {
        Some("config_change")
    } else if has(DEPLOY) || has(CONTROLLERS) && has(APPLIED) {
        Some("deploy")
    } else if has(TRAFFIC_SPIKE) {
        Some("traffic_spike")
    } else {
        None
    }
}

/// Version lines less than this far apart are one start-up (a server and its modules, an
/// application and its framework), not two.
const ONE_START_UP_NS: i64 = 1_000_000_000;

/// A deploy read from `svc`'s version lines (causal order): a start-up before patient zero
/// that reports a version no earlier start-up did, where a version of the start-up before it
/// is gone for good. Not a deploy: one start-up naming several components (a server and its
/// modules), versions that come back (replicas side by side, or the old process restarted),
/// and a start-up that follows a crash of the service (a restart, not a rollout).
fn replaced_version(
    corpus: &Corpus,
    f: &Findings,
    svc: &str,
    lines: &[(String, usize)],
    before: &dyn Fn(usize) -> bool,
) -> Option<TriggerFinding> {
    let start_ups = start_ups(f, lines.iter().filter(|(_, i)| before(*i)));
    // The first and the last start-up that printed each version: one pass, so a version on
    // every line costs no more than a version at each start-up.
    let mut span: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for (k, group) in start_ups.iter().enumerate() {
        for (v, _) in group {
            span.entry(v).or_insert((k, k)).1 = k;
        }
    }
    let mut best = None;
    for k in 1..start_ups.len() {
        let (prev, now) = (&start_ups[k - 1], &start_ups[k]);
        let Some(new) = now.iter().find(|(v, _)| span[v].0 == k) else {
            continue;
        };
        let Some(old) = prev.iter().find(|(v, _)| span[v].1 < k) else {
            continue;
        };
        if crashed_between(corpus, f, svc, old.1, now[0].1) {
            continue;
        }
        best = Some(TriggerFinding {
            kind: "deploy",
            confidence: 0.6,
            summary: format!(
                "{svc}: version changed from {} to {} before the failure",
                old.0, new.0
            ),
            evidence: vec![old.1, new.1],
            service: Some(svc.to_string()),
        });
    }
    best
}

/// Version lines grouped by start-up: a line within [`ONE_START_UP_NS`] of the previous one
/// belongs to its start-up; an untimed line is a start-up of its own.
fn start_ups<'a>(
    f: &Findings,
    lines: impl Iterator<Item = &'a (String, usize)>,
) -> Vec<Vec<(&'a str, usize)>> {
    let mut out: Vec<Vec<(&str, usize)>> = Vec::new();
    let mut last: Option<i64> = None;
    for (v, i) in lines {
        let t = f.times[*i];
        let same = matches!((last, t), (Some(a), Some(b)) if (b - a).abs() < ONE_START_UP_NS);
        match out.last_mut() {
            Some(group) if same => group.push((v, *i)),
            _ => out.push(vec![(v, *i)]),
        }
        last = t;
    }
    out
}

/// Whether `svc` logged a crash (out of memory, a crash loop, a fatal line) between events `a`
/// and `b`: a start-up after a crash is the process coming back, whatever version it prints.
fn crashed_between(corpus: &Corpus, f: &Findings, svc: &str, a: usize, b: usize) -> bool {
    let (Some(ta), Some(tb)) = (f.times[a], f.times[b]) else {
        return false;
    };
    f.signals.iter().any(|s| {
        s.emitter == svc
            && (matches!(s.class, Class::Oom | Class::CrashLoop)
                || corpus.events[s.event].level == Some(Level::Fatal))
            && f.times[s.event].is_some_and(|t| ta <= t && t <= tb)
    })
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
        service: None,
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

    /// The trigger of a log, analysed as one file.
    fn trigger_of(log: &str) -> super::TriggerFinding {
        let (corpus, f) =
            super::super::analyzed(&[("app.log", log)], super::super::RankMethod::Engine);
        super::trigger(&corpus, &f)
    }

    /// Failures of cashier-api (the root) after the given lines.
    fn failing_after(lines: &str) -> String {
        let mut log = lines.to_string();
        for s in 10..16 {
            log += &format!(
                "2024-05-01T10:00:{s}Z ERROR cashier-api payment request failed: connection pool exhausted\n"
            );
        }
        log
    }

    /// Bug (a caller's rollout read as the trigger): the web frontend that only relays the
    /// root's errors was deployed just before, so the report blamed and rolled back the
    /// frontend. A change is the trigger only when it happened to the root or what it depends on.
    #[test]
    fn a_change_to_a_service_off_the_roots_chain_is_not_the_trigger() {
        let caller = failing_after(
            "2024-05-01T09:58:00Z INFO web-shop deployment rolled out, image web-shop:5.2.0\n",
        );
        let t = trigger_of(&caller);
        assert_ne!(t.kind, "deploy", "{}", t.summary);
        assert_eq!(t.service, None);
        let own = failing_after(
            "2024-05-01T09:58:00Z INFO cashier-api deployment rolled out, image cashier-api:5.2.0\n",
        );
        let t = trigger_of(&own);
        assert_eq!(
            (t.kind, t.service.as_deref()),
            ("deploy", Some("cashier-api"))
        );
    }

    /// The rollback step names the trigger's service only: a deploy off the chain recommends
    /// no rollback of anything.
    #[test]
    fn no_rollback_of_a_service_off_the_roots_chain() {
        let log = failing_after(
            "2024-05-01T09:58:00Z INFO web-shop deployment rolled out, image web-shop:5.2.0\n",
        );
        let r = crate::analyze(
            &[crate::InputFile::new("app.log", log.into_bytes())],
            &Default::default(),
        )
        .unwrap();
        assert!(
            r.recommendations
                .iter()
                .flat_map(|rec| &rec.commands)
                .all(|c| !c.contains("web-shop")),
            "{:?}",
            r.recommendations
        );
    }

    /// Bug: a server's start-up banner and the plug-in it loads a millisecond later printed two
    /// versions (7.4.1, then the plug-in's 7.3.0), read as a deploy (a downgrade) of the server.
    #[test]
    fn one_start_up_naming_two_components_is_not_a_deploy() {
        let log = "2024-05-01T09:00:00.100Z INFO cashier-api server version 7.4.1 starting\n\
                   2024-05-01T09:00:00.101Z INFO cashier-api loaded plugin geo-index version 7.3.0\n";
        assert_ne!(trigger_of(&failing_after(log)).kind, "deploy");
        // Two start-ups an hour apart that replaced one version with another are a deploy.
        let log = "2024-05-01T08:00:00.100Z INFO cashier-api server version 7.3.0 starting\n\
                   2024-05-01T09:00:00.100Z INFO cashier-api server version 7.4.1 starting\n";
        let t = trigger_of(&failing_after(log));
        assert_eq!(t.kind, "deploy");
        assert!(t.summary.contains("7.3.0 to 7.4.1"), "{}", t.summary);
    }

    /// Two replicas that print their versions in turn (2.3, 2.4, 2.3) run side by side: the
    /// older version never went away, so no deploy replaced it.
    #[test]
    fn versions_that_come_back_are_replicas_not_a_deploy() {
        let mut log = String::new();
        for (m, v) in [(0, "2.3.0"), (10, "2.4.0"), (20, "2.3.0")] {
            log += &format!("2024-05-01T09:{m:02}:00Z INFO cashier-api starting, version {v}\n");
        }
        assert_ne!(trigger_of(&failing_after(&log)).kind, "deploy");
    }

    /// A process that crashed and came back prints its version again at start-up; whatever it
    /// prints, that start-up is a restart, not a rollout.
    #[test]
    fn a_start_up_after_a_crash_is_a_restart_not_a_deploy() {
        let log = "2024-05-01T09:00:00Z INFO stock-db starting, version 15.4\n\
                   2024-05-01T09:05:00Z FATAL stock-db out of memory: killed process\n\
                   2024-05-01T09:05:30Z INFO stock-db starting, version 15.6\n";
        let (corpus, f) =
            super::super::analyzed(&[("db.log", log)], super::super::RankMethod::Engine);
        let lines: Vec<(String, usize)> = [(0, "15.4"), (2, "15.6")]
            .iter()
            .map(|&(i, v)| (v.to_string(), i))
            .collect();
        let all = |_: usize| true;
        assert!(super::replaced_version(&corpus, &f, "stock-db", &lines, &all).is_none());
        // Without the crash line, the same two start-ups are a deploy.
        let clean = log.replace(
            "FATAL stock-db out of memory: killed process",
            "INFO stock-db shutting down",
        );
        let (corpus, f) =
            super::super::analyzed(&[("db.log", &clean)], super::super::RankMethod::Engine);
        assert!(super::replaced_version(&corpus, &f, "stock-db", &lines, &all).is_some());
    }

    /// Bug (a noun as a verdict): `kubectl describe pod` lists a config-map volume
    /// (`Type: ConfigMap`) for every pod that mounts one, read as a config change.
    #[test]
    fn a_config_map_is_a_change_only_when_the_line_says_it_changed() {
        assert_ne!(
            trigger_after("settings-volume: Type: ConfigMap (a volume populated by a ConfigMap)"),
            "config_change"
        );
        assert_eq!(
            trigger_after("configmap cashier-settings updated"),
            "config_change"
        );
    }

    #[test]
    fn words_not_substrings() {
        assert!(super::contains_words("hpa scaled", "hpa"));
        assert!(!super::contains_words("alphapa", "hpa"));
    }
}
