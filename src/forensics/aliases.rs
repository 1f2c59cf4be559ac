//! Addresses that stand for a service: a pod IP in `kubectl get pods -o wide`, or the peer
//! address a server logs beside the caller's name (`client=payments peer=10.1.2.3`).
//!
//! A failure is often logged against an address (`handshake from "10.1.2.3:5123"`, `connect
//! ECONNREFUSED 10.1.2.3:8080`); resolving the address to the service behind it lets the blame
//! land on a service instead of on a bare IP.
//!
//! Promises: an address maps to one service only when most lines that pair it with a service
//! agree (a pod listing counts as several lines); addresses nobody pairs stay unresolved; the
//! result does not depend on input order.

use super::graph::{service_of, Mentions, UNKNOWN};
use super::ports;
use crate::hash::FxHashMap;
use crate::ingest::{Corpus, Format, Level};
use crate::parallel::Parallel;
use std::collections::BTreeMap;

/// How many ordinary lines one `kubectl get pods -o wide` row outweighs: the listing is the
/// cluster's own record of which pod holds the address.
const LISTING_WEIGHT: u32 = 3;
/// Lines of one template read for pairs.
const LINES_PER_TEMPLATE: u32 = 64;

/// Address (lower case) -> the service it stands for.
#[derive(Debug, Clone, Default)]
pub(crate) struct Aliases {
    map: BTreeMap<String, String>,
}

impl Aliases {
    /// Learns the addresses of `known` services from the lines that pair them. The lines that
    /// hold an address are found in fixed runs of events by `par` (possibly at once) and then
    /// read in event order, as one pass would.
    pub(crate) fn learn(corpus: &Corpus, known: &[String], par: &dyn Parallel) -> Aliases {
        let names: Vec<String> = known.iter().filter(|k| !is_ipv4(k)).cloned().collect();
        let mentions = Mentions::new(&names);
        let mut votes: FxHashMap<String, BTreeMap<String, u32>> = FxHashMap::default();
        let mut per_template: FxHashMap<u32, u32> = FxHashMap::default();
        let n = corpus.events.len();
        let rounds = (0..n).step_by(SCAN_ROUND).map(|a| a..n.min(a + SCAN_ROUND));
        // Addresses with a port on abnormal lines: what callers failed to reach.
        let mut dialed: ports::Dialed = Vec::new();
        for (i, ip, others) in rounds.flat_map(|round| addressed_lines(corpus, round, par)) {
            let ev = &corpus.events[i];
            let line = corpus.first_line(ev);
            if ev.level.is_some_and(|l| l >= Level::Warn) {
                if let Some(port) = ports::port_after(line, ip) {
                    dialed.push((ip, port));
                }
            }
            if ev.format == Format::KubectlPods {
                // NAME READY STATUS RESTARTS AGE IP NODE: the first address is the pod's.
                if let Some(pod) = line.split_whitespace().next() {
                    let service = crate::ingest::entities::service_from_pod(pod)
                        .unwrap_or_else(|| pod.to_string());
                    *votes
                        .entry(ip.to_string())
                        .or_default()
                        .entry(service)
                        .or_default() += LISTING_WEIGHT;
                }
                continue;
            }
            if let Some(service) = probed_pod(ev, line) {
                *votes
                    .entry(ip.to_string())
                    .or_default()
                    .entry(service)
                    .or_default() += LISTING_WEIGHT;
                continue;
            }
            // One address and one other service on a line: the line pairs them. A few lines of
            // each template tell all it can; reading every line of a chatty one costs time.
            if others {
                continue;
            }
            let read = per_template.entry(ev.template).or_insert(0u32);
            if *read >= LINES_PER_TEMPLATE {
                continue;
            }
            *read += 1;
            let emitter = service_of(corpus, i);
            // Names spelled out only: a word of a name in prose (`could not load basket`) is
            // too weak to say whose address the line holds.
            let others = mentions.spelled(line, emitter);
            if let [service] = others.as_slice() {
                if service != UNKNOWN {
                    *votes
                        .entry(ip.to_string())
                        .or_default()
                        .entry(service.clone())
                        .or_default() += 1;
                }
            }
        }
        let mut map = BTreeMap::new();
        // A host name whose first label is a service (`orders.prod.svc.cluster.local`,
        // `db-02.internal`) is that service's address; so is one whose first service label
        // comes after a role word (`id.login.internal`, `api.ledger.example`).
        for name in known {
            // A pod of a known workload (`api-7d9f8b6c5d-x2k4p` of `api`, `db-0` of `db`) is
            // that workload: its pods' names stand for it as its addresses do.
            if let Some(w) = crate::ingest::entities::service_from_pod(name)
                .filter(|w| w != name && known.iter().any(|k| k == w))
            {
                map.insert(name.to_ascii_lowercase(), w);
                continue;
            }
            if let Some(label) = service_label(name, known) {
                map.insert(name.to_ascii_lowercase(), label.to_string());
            }
        }
        for (ip, tally) in votes {
            let total: u32 = tally.values().sum();
            // Most votes, ties broken by name so the result never depends on order.
            if let Some((service, &n)) = tally.iter().max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
            {
                if 2 * n > total {
                    map.insert(ip, service.clone());
                }
            }
        }
        // Addresses no line pairs with a name, by the port their service is known by.
        for (ip, service) in ports::resolve_dialed(corpus, &names, &map, dialed) {
            map.insert(ip, service);
        }
        Aliases { map }
    }

    /// The service an address stands for.
    pub(crate) fn resolve(&self, address: &str) -> Option<&str> {
        self.map
            .get(&address.to_ascii_lowercase())
            .map(|s| s.as_str())
    }

    /// (address, service) pairs, sorted by address.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.map.iter().map(|(a, s)| (a.as_str(), s.as_str()))
    }

    pub(crate) fn len(&self) -> usize {
        self.map.len()
    }
}

/// The workload of a pod whose probe failed in a `kubectl` event row: the kubelet probes the
/// pod's own address (`Liveness probe failed: Get "http://10.1.2.3:8081/healthz"`), so that
/// address is the pod's.
fn probed_pod(ev: &crate::ingest::Event, line: &str) -> Option<String> {
    if !matches!(ev.format, Format::KubectlEvents | Format::KubectlDescribe)
        || !line.contains(" probe failed: ")
    {
        return None;
    }
    let e = ev.entities.as_deref()?;
    let pod = e
        .pod
        .as_deref()
        .or_else(|| e.k8s_object.as_deref()?.strip_prefix("pod/"))?;
    Some(crate::ingest::entities::service_from_pod(pod).unwrap_or_else(|| pod.to_string()))
}

/// Events one job scans for an address.
const SCAN_RUN: usize = 1 << 16;
/// Events scanned per round (a few jobs): what the found lines of one round hold at once.
const SCAN_ROUND: usize = 4 * SCAN_RUN;

/// (event, its line's first IPv4 address, whether the line holds another) for every event of
/// `round` whose first line holds one, in event order; the lines scanned in fixed runs.
fn addressed_lines<'a>(
    corpus: &'a Corpus,
    round: std::ops::Range<usize>,
    par: &dyn Parallel,
) -> Vec<(usize, &'a str, bool)> {
    let end = round.end;
    let runs: Vec<std::ops::Range<usize>> = round
        .step_by(SCAN_RUN)
        .map(|a| a..end.min(a + SCAN_RUN))
        .collect();
    crate::parallel::map(
        par,
        runs,
        |r| r.len() as u64,
        |r| {
            r.filter_map(|i| match first_ipv4(corpus.first_line(&corpus.events[i])) {
                (Some(ip), others) => Some((i, ip, others)),
                (None, _) => None,
            })
            .collect::<Vec<_>>()
        },
    )
    .into_iter()
    .flatten()
    .collect()
}

/// The first label of a dotted host name, short of its last, that is a known service.
fn service_label<'a>(name: &'a str, known: &[String]) -> Option<&'a str> {
    if is_ipv4(name) || !name.contains('.') {
        return None;
    }
    let labels: Vec<&str> = name.split('.').collect();
    // In a cluster name (`NAME.NAMESPACE.svc...`) only the first label is a service: the
    // second is a namespace, often named after an application.
    let span = if labels.contains(&"svc") {
        1
    } else {
        labels.len() - 1
    };
    labels[..span]
        .iter()
        .copied()
        .find(|l| known.iter().any(|k| k == l))
}

/// True for a dotted IPv4 address.
pub(crate) fn is_ipv4(s: &str) -> bool {
    let mut parts = 0;
    for p in s.split('.') {
        parts += 1;
        let ok = (1..=3).contains(&p.len())
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n <= 255);
        if !ok || parts > 4 {
            return false;
        }
    }
    parts == 4
}

/// The first IPv4 address in a line (port dropped), and whether a different one follows.
/// No allocation, and only the stretches around a `.` are read: it runs on every line.
fn first_ipv4(line: &str) -> (Option<&str>, bool) {
    let b = line.as_bytes();
    let mut first: Option<&str> = None;
    let mut from = 0;
    while let Some(dot) = memchr::memchr(b'.', &b[from..]).map(|d| from + d) {
        // An address is a run of digits and dots that starts with a digit after anything but
        // a digit or a dot; its first dot leads back to that start.
        let mut start = dot;
        while start > from && b[start - 1].is_ascii_digit() {
            start -= 1;
        }
        if start == dot || (start > 0 && (b[start - 1] == b'.' || b[start - 1].is_ascii_digit())) {
            from = dot + 1;
            continue;
        }
        let mut end = dot;
        while end < b.len() && (b[end].is_ascii_digit() || b[end] == b'.') {
            end += 1;
        }
        let tok = line[start..end].trim_end_matches('.');
        if tok.len() >= 7 && is_ipv4(tok) {
            match first {
                None => first = Some(tok),
                Some(f) if f != tok => return (first, true),
                Some(_) => {}
            }
        }
        from = end;
    }
    (first, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn learn(files: &[(&str, &str)]) -> Aliases {
        let (corpus, _) = super::super::mined(files);
        let known = super::super::graph::known_services(&corpus);
        Aliases::learn(&corpus, &known, &crate::parallel::tests::Backwards)
    }

    #[test]
    fn a_wide_pod_listing_maps_pod_ips_to_services() {
        let listing = "NAME                       READY   STATUS    RESTARTS   AGE   IP           NODE\n\
                       orders-7d9f8b6c5d-x2k4p    1/1     Running   0          3d    10.4.1.17    node-a\n\
                       billing-5c7f9d8b6-jq4tw    1/1     Running   0          3d    10.4.2.9     node-b\n";
        let a = learn(&[("pods.txt", listing)]);
        assert_eq!(a.resolve("10.4.1.17"), Some("orders"));
        assert_eq!(a.resolve("10.4.2.9"), Some("billing"));
        assert_eq!(a.resolve("10.4.3.1"), None);
    }

    #[test]
    fn a_pod_of_a_known_workload_stands_for_it() {
        let web = "2024-05-01T10:00:01Z ERROR upstream orders-7d9f8b6c5d-x2k4p refused the call\n";
        let orders = "2024-05-01T10:00:00Z INFO started\n";
        let a = learn(&[("web.log", web), ("orders.log", orders)]);
        assert_eq!(a.resolve("orders-7d9f8b6c5d-x2k4p"), Some("orders"));
        // Without the workload among the known services, the pod stays itself.
        let a = learn(&[("web.log", web)]);
        assert_eq!(a.resolve("orders-7d9f8b6c5d-x2k4p"), None);
    }

    #[test]
    fn a_server_pairs_a_callers_name_with_its_peer_address() {
        let log = "\
{\"ts\":\"2024-05-01T10:00:00Z\",\"level\":\"info\",\"msg\":\"request served\",\"client\":\"orders\",\"peer\":\"10.0.0.7\"}
{\"ts\":\"2024-05-01T10:00:01Z\",\"level\":\"info\",\"msg\":\"request served\",\"client\":\"billing\",\"peer\":\"10.0.0.9\"}
{\"ts\":\"2024-05-01T10:00:02Z\",\"level\":\"info\",\"msg\":\"request served\",\"client\":\"orders\",\"peer\":\"10.0.0.7:5123\"}
";
        let orders = "2024-05-01T10:00:00Z INFO started\n";
        let billing = "2024-05-01T10:00:00Z INFO started\n";
        let a = learn(&[
            ("ledger.log", log),
            ("orders.log", orders),
            ("billing.log", billing),
        ]);
        assert_eq!(a.resolve("10.0.0.7"), Some("orders"));
        assert_eq!(a.resolve("10.0.0.9"), Some("billing"));
    }

    #[test]
    fn a_failed_probe_names_the_address_of_its_pod() {
        let events = concat!(
            "LAST SEEN   TYPE      REASON      OBJECT                          MESSAGE\n",
            "5m          Warning   Unhealthy   pod/orders-7d9f8b6c5d-x2k4p     Liveness probe failed: Get \"http://10.4.1.17:8081/healthz\": context deadline exceeded\n",
            "4m          Warning   Unhealthy   pod/billing-5c7f9d8b6-jq4tw     Readiness probe failed: Get \"http://10.4.2.9:8081/ready\": EOF\n",
        );
        let a = learn(&[("events.txt", events)]);
        assert_eq!(a.resolve("10.4.1.17"), Some("orders"));
        assert_eq!(a.resolve("10.4.2.9"), Some("billing"));
    }

    #[test]
    fn an_address_paired_with_different_services_stays_unresolved() {
        let log = "\
2024-05-01T10:00:00Z INFO proxy: orders via 10.0.0.5
2024-05-01T10:00:01Z INFO proxy: billing via 10.0.0.5
";
        let orders = "2024-05-01T10:00:00Z INFO started\n";
        let billing = "2024-05-01T10:00:00Z INFO started\n";
        let a = learn(&[
            ("gateway.log", log),
            ("orders.log", orders),
            ("billing.log", billing),
        ]);
        assert_eq!(a.resolve("10.0.0.5"), None);
    }

    #[test]
    fn a_host_name_under_a_domain_is_the_service_of_its_first_label() {
        let app =
            "2024-05-01T10:00:00Z ERROR query failed: could not connect to db-02.internal:5432\n";
        let db = "2024-05-01T10:00:00Z LOG database system is ready\n";
        let a = learn(&[("orders.log", app), ("db-02.log", db)]);
        assert_eq!(a.resolve("db-02.internal"), Some("db-02"));
        // A role word first: the first label that names a service that logs.
        let app =
            "2024-05-01T10:00:00Z WARN token rejected: jwks_url=https://id.login.internal/keys\n";
        let idp = "2024-05-01T10:00:00Z INFO keys rotated\n";
        let a = learn(&[("orders.log", app), ("login.log", idp)]);
        assert_eq!(a.resolve("id.login.internal"), Some("login"));
        assert_eq!(
            a.resolve("login.internal"),
            None,
            "never named, never learned"
        );
        // A cluster name's second label is its namespace, not a service.
        let app =
            "2024-05-01T10:00:00Z ERROR connect to cache.login.svc.cluster.local:6379 refused\n";
        let a = learn(&[("orders.log", app), ("login.log", idp)]);
        assert_eq!(a.resolve("cache.login.svc.cluster.local"), None);
    }

    #[test]
    fn versions_and_times_are_not_addresses() {
        assert!(is_ipv4("10.0.0.1"));
        assert!(!is_ipv4("1.2.3"));
        assert!(!is_ipv4("256.1.1.1"));
        assert_eq!(
            first_ipv4("v1.2.3 at 10:00:01.123 from 192.168.0.1:80"),
            (Some("192.168.0.1"), false)
        );
        assert_eq!(
            first_ipv4("10.0.0.1:5 -> 10.0.0.2:80 (10.0.0.1)"),
            (Some("10.0.0.1"), true)
        );
        assert_eq!(first_ipv4("no address here 1.2"), (None, false));
    }

    /// The byte-by-byte scan the dot search replaced, kept as the reference.
    #[cfg(not(target_arch = "wasm32"))] // only the proptest (native) uses it
    fn first_ipv4_by_bytes(line: &str) -> (Option<&str>, bool) {
        let b = line.as_bytes();
        let mut first: Option<&str> = None;
        let mut i = 0;
        while i < b.len() {
            if !b[i].is_ascii_digit() || (i > 0 && (b[i - 1].is_ascii_digit() || b[i - 1] == b'.'))
            {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && (b[i].is_ascii_digit() || b[i] == b'.') {
                i += 1;
            }
            let tok = line[start..i].trim_end_matches('.');
            if tok.len() >= 7 && is_ipv4(tok) {
                match first {
                    None => first = Some(tok),
                    Some(f) if f != tok => return (first, true),
                    Some(_) => {}
                }
            }
        }
        (first, false)
    }

    // proptest does not build for wasm32 (see Cargo.toml): native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_dot_search_finds_what_the_byte_scan_found(line in "[0-9.a :x]{0,60}") {
            proptest::prop_assert_eq!(first_ipv4(&line), first_ipv4_by_bytes(&line));
        }
    }
}
