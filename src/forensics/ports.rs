//! Ports that stand for a service, and the addresses they resolve.
//!
//! A caller often fails against an address nobody pairs with a name: a cluster IP
//! (`dial tcp 10.96.4.7:7070: connect: connection refused`). The port still tells whose it is
//! when the logs say elsewhere which service listens there: a name spelled with the port
//! (`CART_ADDR=cart:7070`, `http://orders.prod.svc:8080/`) or a service's own start-up line
//! (`listening on [::]:7070`).
//!
//! Promises: a port stands for a service only when every line that ties it to a service names
//! the same one (`8080`, shared by many, stands for none); only addresses that abnormal lines
//! dial are resolved, and only when the other lines tie them to no service; the corpus is read
//! again only when such an address exists, and only for its ports. The result does not depend
//! on input order.

use super::graph::service_of;
use crate::hash::{FxHashMap, FxHashSet};
use crate::ingest::Corpus;
use aho_corasick::AhoCorasick;
use std::collections::{BTreeMap, BTreeSet};

/// Abnormal lines' addresses with a port, as `(address, port)`, collected while aliases are
/// learned; the addresses borrow from the corpus (no copy per line).
pub(super) type Dialed<'a> = Vec<(&'a str, u16)>;

/// The port right after `ip` in `line` (`10.0.0.7:7070`), if any.
pub(super) fn port_after(line: &str, ip: &str) -> Option<u16> {
    let at = line.find(ip)? + ip.len();
    let rest = line[at..].strip_prefix(':')?;
    let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 5 {
        return None;
    }
    rest[..digits].parse().ok()
}

/// `(address, service)` for the dialed addresses not in `resolved` whose ports stand for one
/// service, by majority of the address's dials (ties and splits stay unresolved).
pub(super) fn resolve_dialed(
    corpus: &Corpus,
    known: &[String],
    resolved: &BTreeMap<String, String>,
    dialed: Dialed,
) -> Vec<(String, String)> {
    let open: Vec<(&str, u16)> = dialed
        .into_iter()
        .filter(|(ip, _)| !resolved.contains_key(*ip))
        .collect();
    let ports = most_dialed(&open);
    if ports.is_empty() {
        return Vec::new();
    }
    let owners = owners(corpus, known, &ports);
    let mut votes: BTreeMap<&str, BTreeMap<&str, u32>> = BTreeMap::new();
    for (ip, port) in &open {
        let tally = votes.entry(ip).or_default();
        *tally
            .entry(owners.get(port).map_or("", |s| s.as_str()))
            .or_default() += 1;
    }
    votes
        .into_iter()
        .filter_map(|(ip, tally)| {
            let total: u32 = tally.values().sum();
            let (service, &n) = tally
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))?;
            (!service.is_empty() && 2 * n > total).then(|| (ip.to_string(), service.to_string()))
        })
        .collect()
}

/// Ports read for owners at most: a handful of patterns keeps the scan of the text fast.
const MAX_PORTS: usize = 8;

/// The ports dialed most (at least twice), at most [`MAX_PORTS`], ties to the lower port.
fn most_dialed(open: &[(&str, u16)]) -> BTreeSet<u16> {
    let mut counts: BTreeMap<u16, usize> = BTreeMap::new();
    for &(_, p) in open {
        *counts.entry(p).or_default() += 1;
    }
    let mut ranked: Vec<(usize, u16)> = counts
        .into_iter()
        .filter(|&(_, n)| n >= 2)
        .map(|(p, n)| (n, p))
        .collect();
    crate::sort::sort_by(&mut ranked, |a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().take(MAX_PORTS).map(|(_, p)| p).collect()
}

/// The one service each of `ports` stands for, from the lines that tie it to a service.
fn owners(corpus: &Corpus, known: &[String], ports: &BTreeSet<u16>) -> FxHashMap<u16, String> {
    let names: FxHashMap<String, &String> =
        known.iter().map(|k| (k.to_ascii_lowercase(), k)).collect();
    let patterns: Vec<String> = ports.iter().map(|p| format!(":{p}")).collect();
    let Ok(ac) = AhoCorasick::new(&patterns) else {
        return FxHashMap::default();
    };
    let ports: Vec<u16> = ports.iter().copied().collect();
    let mut tied: FxHashMap<u16, FxHashSet<&str>> = FxHashMap::default();
    // Each file's text in one scan: the ports are rare there, and a scan per event would pay
    // the automaton's start-up a million times on a large input.
    for (f, file) in corpus.files.iter().enumerate() {
        let text = file.text.as_str();
        for hit in ac.find_iter(text) {
            if text
                .as_bytes()
                .get(hit.end())
                .is_some_and(u8::is_ascii_digit)
            {
                continue;
            }
            let owner = match name_before(text, hit.start()) {
                Some(name) => names.get(&name).map(|s| s.as_str()),
                None if listens(line_around(text, hit.start())) => {
                    event_at(corpus, f, hit.start()).map(|i| service_of(corpus, i))
                }
                None => None,
            };
            if let Some(owner) = owner.filter(|o| *o != super::graph::UNKNOWN) {
                tied.entry(ports[hit.pattern().as_usize()])
                    .or_default()
                    .insert(owner);
            }
        }
    }
    tied.into_iter()
        .filter(|(_, s)| s.len() == 1)
        .filter_map(|(p, s)| Some((p, s.into_iter().next()?.to_string())))
        .collect()
}

/// The host name that ends at `colon` (its first dot-separated label, lower case), or `None`
/// when what precedes is no name: an address, a time, nothing (`[::]:7070`).
fn name_before(line: &str, colon: usize) -> Option<String> {
    let b = line.as_bytes();
    let start = b[..colon]
        .iter()
        .rposition(|&c| !(c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.'))
        .map_or(0, |p| p + 1);
    let host = &line[start..colon];
    let label = host.split('.').next().unwrap_or("");
    let is_name = label
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic());
    is_name.then(|| label.to_ascii_lowercase())
}

/// The event of file `f` whose text holds byte `at` (events are stored file by file, in the
/// file's order; a miss finds none rather than a wrong one).
fn event_at(corpus: &Corpus, f: usize, at: usize) -> Option<usize> {
    let key = (f as u32, at as u32);
    let i = corpus
        .events
        .partition_point(|e| (e.file, e.first.0) <= key)
        .checked_sub(1)?;
    let e = &corpus.events[i];
    (e.file as usize == f && (e.first.0 as usize) <= at && at < e.end as usize).then_some(i)
}

/// The line of `text` that holds byte `at`.
fn line_around(text: &str, at: usize) -> &str {
    let start = text[..at].rfind('\n').map_or(0, |p| p + 1);
    let end = text[at..].find('\n').map_or(text.len(), |p| at + p);
    &text[start..end]
}

/// A service's own line that says where it listens.
fn listens(line: &str) -> bool {
    let lower = line.to_ascii_lowercase();
    lower.contains("listening") || lower.contains("listen on") || lower.contains("bound to")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_port_after_an_address() {
        let line = "dial tcp 10.96.4.7:7070: connect: connection refused";
        assert_eq!(port_after(line, "10.96.4.7"), Some(7070));
        assert_eq!(port_after("peer 10.96.4.7 closed", "10.96.4.7"), None);
        assert_eq!(port_after("10.96.4.7:123456", "10.96.4.7"), None);
    }

    #[test]
    fn a_name_before_a_port_is_its_first_label() {
        let line = "ADDR=orders.prod.svc.cluster.local:8080 and http://Billing:9090/x";
        assert_eq!(
            name_before(line, line.find(":8080").unwrap()),
            Some("orders".into())
        );
        assert_eq!(
            name_before(line, line.find(":9090").unwrap()),
            Some("billing".into())
        );
        assert_eq!(name_before("at 12:30:01", 5), None);
        assert_eq!(name_before("listening on [::]:7070", 19), None);
        assert_eq!(name_before("10.0.0.1:80", 8), None);
    }

    fn resolve(files: &[(&str, &str)], dialed: &[(&str, u16)]) -> Vec<(String, String)> {
        let (corpus, _) = super::super::mined(files);
        let known = super::super::graph::known_services(&corpus);
        resolve_dialed(&corpus, &known, &BTreeMap::new(), dialed.to_vec())
    }

    #[test]
    fn a_cluster_address_resolves_by_the_port_its_service_is_known_by() {
        let web = "2024-05-01T10:00:00Z INFO config BASKET_ADDR=basket:7070 PRICES_ADDR=prices:8080\n\
                   2024-05-01T10:00:09Z ERROR dial tcp 10.96.4.7:7070: connect: connection refused\n";
        let basket = "2024-05-01T10:00:00Z INFO started\n";
        let prices = "2024-05-01T10:00:00Z INFO started\n";
        let files = [
            ("web.log", web),
            ("basket.log", basket),
            ("prices.log", prices),
        ];
        assert_eq!(
            resolve(&files, &[("10.96.4.7", 7070), ("10.96.4.7", 7070)]),
            [("10.96.4.7".to_string(), "basket".to_string())]
        );
        // One failed dial is no pattern; a port nobody names stands for nobody.
        assert!(resolve(&files, &[("10.96.4.7", 7070)]).is_empty());
        assert!(resolve(&files, &[("10.96.4.8", 9999), ("10.96.4.8", 9999)]).is_empty());
    }

    #[test]
    fn a_service_that_says_where_it_listens_owns_the_port() {
        // A framework's start-up message, its text on the indented line below the header.
        let basket = "info: Hosting.Lifetime[14]\n      Now listening on: http://[::]:7070\n";
        let web = "2024-05-01T10:00:09Z ERROR connect ECONNREFUSED 10.96.4.7:7070\n\
                   2024-05-01T10:00:10Z ERROR connect ECONNREFUSED 10.96.4.7:7070\n";
        let files = [("web.log", web), ("basket.log", basket)];
        assert_eq!(
            resolve(&files, &[("10.96.4.7", 7070), ("10.96.4.7", 7070)]),
            [("10.96.4.7".to_string(), "basket".to_string())]
        );
    }

    #[test]
    fn a_port_two_services_are_known_by_stands_for_neither() {
        let web = "2024-05-01T10:00:00Z INFO upstreams a=orders:8080 b=billing:8080\n\
                   2024-05-01T10:00:09Z ERROR dial tcp 10.96.4.7:8080: i/o timeout\n";
        let orders = "2024-05-01T10:00:00Z INFO started\n";
        let billing = "2024-05-01T10:00:00Z INFO started\n";
        let files = [
            ("web.log", web),
            ("orders.log", orders),
            ("billing.log", billing),
        ];
        assert!(resolve(&files, &[("10.96.4.7", 8080), ("10.96.4.7", 8080)]).is_empty());
    }
}
