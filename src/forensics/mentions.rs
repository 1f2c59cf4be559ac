//! Which known services a message names.
//!
//! Promises: a service is named by its whole name (or an address that stands for it) as a run
//! of name characters or a dot-separated stretch of one (`api` in `api.prod.svc:8080`), or by a
//! word of its name that no other service has (`redis` for `redis-cache`), never by a word of
//! a URL or file path. Case is ignored. Names come back in the order they first appear. The
//! cost is one automaton scan of the message, whatever the number of services.

use super::aliases::Aliases;
use crate::hash::FxHashMap;
use aho_corasick::{AhoCorasick, AhoCorasickKind};
use std::collections::BTreeSet;
use std::sync::OnceLock;

/// Words too common in service names to identify one on their own.
const GENERIC_WORDS: &[&str] = &[
    "service", "services", "server", "api", "app", "svc", "web", "worker", "backend", "main",
    "prod", "internal", "primary", "replica", "node", "cluster", "default", "system", "the", "and",
    "for", "http", "https", "local", "com", "net", "org", "io",
    // Log levels stand in every line's header.
    "info", "debug", "warn", "warning", "error", "trace", "fatal", "notice",
];

/// A dot-separated stretch longer than this many pieces is not looked at (no name is that deep).
const MAX_PIECES: usize = 6;

/// Finds the known services a message names, in the order they appear.
pub(crate) struct Mentions {
    /// Lower-case whole name or address -> service.
    full: FxHashMap<String, String>,
    /// Lower-case word found in exactly one service's name -> that service.
    words: FxHashMap<String, String>,
    /// Built on first use, after the aliases are in.
    matcher: OnceLock<Matcher>,
}

/// (position in a message, service) pairs, sorted.
type Hits<'a> = Vec<(usize, &'a String)>;

/// Every key of `full` and `words` in one automaton; `targets[pattern]` says what it names.
struct Matcher {
    ac: Option<AhoCorasick>,
    targets: Vec<Target>,
}

/// What a key names as a whole name and as a unique word (a text can be both).
struct Target {
    full: Option<String>,
    word: Option<String>,
}

impl Mentions {
    pub(crate) fn new(known: &[String]) -> Mentions {
        let mut counts: FxHashMap<String, Vec<&String>> = FxHashMap::default();
        for s in known {
            let lower = s.to_ascii_lowercase();
            // A host name's domain (`int.example.net`) is shared with every other host there:
            // only its first label tells it apart.
            let own = lower.split('.').next().unwrap_or(&lower);
            let mut seen = BTreeSet::new();
            for w in own
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| w.len() >= 4)
            {
                if !GENERIC_WORDS.contains(&w)
                    && !w.bytes().all(|b| b.is_ascii_digit())
                    && seen.insert(w.to_string())
                {
                    counts.entry(w.to_string()).or_default().push(s);
                }
            }
        }
        let words = counts
            .into_iter()
            .filter(|(_, v)| v.len() == 1)
            .map(|(w, v)| (w, v[0].clone()))
            .collect();
        let full = known
            .iter()
            .filter(|s| s.len() >= 2)
            .map(|s| (s.to_ascii_lowercase(), s.clone()))
            .collect();
        Mentions {
            full,
            words,
            matcher: OnceLock::new(),
        }
    }

    /// Also finds a service by the addresses that stand for it (see [`Aliases`]).
    pub(crate) fn with_aliases(mut self, aliases: &Aliases) -> Mentions {
        for (address, service) in aliases.pairs() {
            self.full.insert(address.to_string(), service.to_string());
        }
        self.matcher = OnceLock::new();
        self
    }

    /// Known services named in `message`, excluding `except`, first appearance first.
    pub(crate) fn find(&self, message: &str, except: &str) -> Vec<String> {
        let (whole, word) = self.hits(message);
        // Whole names first, then words: a name keeps the position it was first found at.
        let mut hits: Vec<(usize, &String)> = Vec::new();
        for (at, name) in whole.into_iter().chain(word) {
            if name != except && !hits.iter().any(|(_, n)| *n == name) {
                hits.push((at, name));
            }
        }
        crate::sort::sort(&mut hits);
        hits.into_iter().map(|(_, n)| n.clone()).collect()
    }

    /// The service `message` most plainly names, other than `except`: the first one spelled out
    /// whole (or by an address), else the first one named by a word of its name. A word of a
    /// name in prose (`could not retrieve cart` beside `redis-cart`) is weaker evidence than a
    /// name spelled out later in the same line (`lookup cartservice`).
    pub(crate) fn remote(&self, message: &str, except: &str) -> Option<String> {
        let (whole, word) = self.hits(message);
        whole
            .into_iter()
            .chain(word)
            .find(|(_, n)| *n != except)
            .map(|(_, n)| n.clone())
    }

    /// Known services `message` spells out whole (or by an address), other than `except`,
    /// first appearance first.
    pub(crate) fn spelled(&self, message: &str, except: &str) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for (_, name) in self.hits(message).0 {
            if name != except && !out.contains(name) {
                out.push(name.clone());
            }
        }
        out
    }

    /// (position, service) of the whole-name hits and of the word hits, each sorted.
    fn hits(&self, message: &str) -> (Hits<'_>, Hits<'_>) {
        let m = self.matcher.get_or_init(|| self.build());
        let Some(ac) = &m.ac else {
            return (Vec::new(), Vec::new());
        };
        let b = message.as_bytes();
        let mut whole: Vec<(usize, usize, &String)> = Vec::new();
        let mut word: Vec<(usize, &String)> = Vec::new();
        for hit in ac.find_overlapping_iter(message) {
            let (s, e) = (hit.start(), hit.end());
            let t = &m.targets[hit.pattern().as_usize()];
            if let Some(name) = t.full.as_ref().filter(|_| is_stretch(b, s, e)) {
                whole.push((s, e, name));
            }
            if let Some(name) = t.word.as_ref().filter(|_| is_word(b, s, e)) {
                word.push((s, name));
            }
        }
        // At one position the shorter name first, as the automaton reports them.
        crate::sort::sort(&mut whole);
        crate::sort::sort(&mut word);
        (whole.into_iter().map(|(s, _, n)| (s, n)).collect(), word)
    }

    fn build(&self) -> Matcher {
        let mut by_key: FxHashMap<&str, Target> = FxHashMap::default();
        // A key with an upper-case letter never equals lower-cased text: it names nothing.
        let lower = |k: &&String| !k.bytes().any(|c| c.is_ascii_uppercase()) && !k.is_empty();
        for (k, name) in self.full.iter().filter(|(k, _)| lower(k)) {
            by_key.entry(k).or_insert_with(Target::none).full = Some(name.clone());
        }
        for (k, name) in self.words.iter().filter(|(k, _)| lower(k)) {
            by_key.entry(k).or_insert_with(Target::none).word = Some(name.clone());
        }
        let mut keys: Vec<(&str, Target)> = by_key.into_iter().collect();
        crate::sort::sort_by(&mut keys, |a, b| a.0.cmp(b.0));
        // A DFA: a few hundred names make a small table, and the scan runs on every signal.
        let ac = AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .kind(Some(AhoCorasickKind::DFA))
            .build(keys.iter().map(|(k, _)| k))
            .ok()
            .filter(|_| !keys.is_empty());
        Matcher {
            ac,
            targets: keys.into_iter().map(|(_, t)| t).collect(),
        }
    }
}

impl Target {
    fn none() -> Target {
        Target {
            full: None,
            word: None,
        }
    }
}

/// A byte of a name run: letters, digits, `-`, `_`, `.`.
fn run_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_' || c == b'.'
}

/// `b[s..e]` runs from the start of a dot-separated piece of a name run to the end of a piece
/// of the same run, over at most [`MAX_PIECES`] pieces.
fn is_stretch(b: &[u8], s: usize, e: usize) -> bool {
    let inner = &b[s..e];
    let starts = s == 0 || !run_byte(b[s - 1]) || b[s - 1] == b'.';
    let ends = e == b.len() || !run_byte(b[e]) || b[e] == b'.';
    let pieces = inner
        .split(|&c| c == b'.')
        .filter(|p| !p.is_empty())
        .count();
    starts
        && ends
        && inner.first() != Some(&b'.')
        && inner.last() != Some(&b'.')
        && inner.iter().all(|&c| run_byte(c))
        && (1..=MAX_PIECES).contains(&pieces)
}

/// `b[s..e]` is a whole alphanumeric word, and not one of a URL or file path (`/v1/invoices`
/// names a resource, not a service).
fn is_word(b: &[u8], s: usize, e: usize) -> bool {
    let alnum = |i: usize| b[i].is_ascii_alphanumeric();
    (s == 0 || (!alnum(s - 1) && b[s - 1] != b'/'))
        && (e == b.len() || !alnum(e))
        && (s..e).all(alnum)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mentions(names: &[&str]) -> Mentions {
        let known: Vec<String> = names.iter().map(|s| s.to_string()).collect();
        Mentions::new(&known)
    }

    #[test]
    fn by_full_name_and_unique_word() {
        let m = mentions(&["api-gateway", "fashion-api", "ledger-worker", "redis-cache"]);
        assert_eq!(
            m.find("Upstream fashion-api 5xx rate 38%", "api-gateway"),
            ["fashion-api"]
        );
        assert_eq!(
            m.find("Failed to acquire order lock - Redis CLUSTERDOWN", "x"),
            ["redis-cache"]
        );
        assert!(m.find("fashionable apis and cached pages", "x").is_empty());
        // Regression: a path segment named a service by one of its words.
        assert!(m
            .find("POST /v1/fashion/orders failed: timeout", "api-gateway")
            .is_empty());
    }

    #[test]
    fn a_dot_separated_stretch_of_a_host_name_names_a_service() {
        let m = mentions(&["orders", "billing"]);
        assert_eq!(
            m.find(
                "dial tcp orders.prod.svc.cluster.local:8080: i/o timeout",
                "x"
            ),
            ["orders"]
        );
        // Inside a longer word the name is not whole.
        assert!(m.find("calling xorders now", "x").is_empty());
        assert!(m.find("calling orders2 now", "x").is_empty());
    }

    #[test]
    fn first_appearance_first_and_the_emitter_left_out() {
        let m = mentions(&["orders", "billing", "payments"]);
        assert_eq!(
            m.find("BILLING called payments, then orders; billing again", "x"),
            ["billing", "payments", "orders"]
        );
        assert_eq!(m.find("billing called payments", "billing"), ["payments"]);
    }

    #[test]
    fn the_remote_is_a_name_spelled_out_before_a_word_of_one() {
        let m = mentions(&["web", "checkout", "basket-store", "inventory"]);
        // "basket" is a word of one name only, yet the name the failed dial spells out wins.
        let line = "could not load basket: dial tcp: lookup checkout on 10.0.0.10:53: no such host";
        assert_eq!(m.remote(line, "web").as_deref(), Some("checkout"));
        assert_eq!(m.find(line, "web"), ["basket-store", "checkout"]);
        // With no name spelled out, the word still names its service.
        assert_eq!(
            m.remote("basket write failed: timeout", "web").as_deref(),
            Some("basket-store")
        );
        assert_eq!(
            m.remote("checkout called web", "checkout").as_deref(),
            Some("web")
        );
        assert_eq!(m.remote("no service in this line", "web"), None);
        assert_eq!(m.spelled(line, "web"), ["checkout"]);
    }

    #[test]
    fn stretches_of_more_than_six_pieces_are_not_read_whole() {
        let m = mentions(&["a1.b.c.d.e.f.g"]);
        assert!(m.find("host a1.b.c.d.e.f.g down", "x").is_empty());
        let m = mentions(&["a1.b.c.d.e.f"]);
        assert_eq!(m.find("host a1.b.c.d.e.f down", "x"), ["a1.b.c.d.e.f"]);
    }

    #[test]
    fn a_host_services_domain_words_do_not_name_it() {
        let m = mentions(&["billing.int.example.net", "api"]);
        assert!(m
            .find("push to https://metrics.int.example.net/job failed", "api")
            .is_empty());
        assert_eq!(
            m.find("call to billing timed out", "api"),
            ["billing.int.example.net"]
        );
    }

    #[test]
    fn no_services_no_mentions() {
        assert!(mentions(&[]).find("anything at all", "x").is_empty());
    }

    /// The scan [`Mentions::find`] replaced (a hash lookup per run, stretch and word), kept as
    /// the reference the automaton must agree with.
    #[cfg(not(target_arch = "wasm32"))] // only the proptest (native) uses it
    fn find_by_lookup(m: &Mentions, message: &str, except: &str) -> Vec<String> {
        let lower = message.to_ascii_lowercase();
        let b = lower.as_bytes();
        let mut hits: Vec<(usize, &String)> = Vec::new();
        let mut i = 0;
        while i < b.len() {
            if !run_byte(b[i]) {
                i += 1;
                continue;
            }
            let start = i;
            while i < b.len() && run_byte(b[i]) {
                i += 1;
            }
            let mut pieces: Vec<(usize, usize)> = Vec::new();
            let mut off = start;
            for piece in lower[start..i].split('.') {
                if !piece.is_empty() {
                    pieces.push((off, off + piece.len()));
                }
                off += piece.len() + 1;
            }
            for x in 0..pieces.len() {
                for y in x..pieces.len().min(x + MAX_PIECES) {
                    if let Some(name) = m.full.get(&lower[pieces[x].0..pieces[y].1]) {
                        if name != except && !hits.iter().any(|(_, n)| *n == name) {
                            hits.push((pieces[x].0, name));
                        }
                    }
                }
            }
        }
        for w in lower.split(|c: char| !c.is_ascii_alphanumeric()) {
            // (The scan this replaced counted one byte per separator, so a word after a
            // multi-byte character had the wrong position: fixed here and in the automaton.)
            let pos = w.as_ptr() as usize - lower.as_ptr() as usize;
            if pos > 0 && b[pos - 1] == b'/' {
                continue;
            }
            if let Some(name) = m.words.get(w) {
                if name != except && !hits.iter().any(|(_, n)| *n == name) {
                    hits.push((pos, name));
                }
            }
        }
        hits.sort();
        hits.into_iter().map(|(_, n)| n.clone()).collect()
    }

    // proptest does not build for wasm32 (see Cargo.toml): native only.
    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn the_automaton_finds_what_the_lookups_found(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "orders", "ORDERS", "orders-db", "db", "billing", "bill", "Payments",
                    "payments.prod.svc", "a1.b.c.d.e.f.g", "x", "10.0.0.5", ".", "..", "-", "_",
                    "/", " ", ":", "=", "\"", "ledger", "ledger-worker", "worker", "cache", "é", "→/",
                ]),
                0..24,
            ),
            except in proptest::sample::select(vec!["x", "orders", "billing"]),
        ) {
            let known: Vec<String> = ["orders", "orders-db", "billing", "payments",
                "ledger-worker", "redis-cache", "a1.b.c.d.e.f.g", "10.0.0.5"]
                .map(String::from).to_vec();
            let m = Mentions::new(&known);
            let message = parts.concat();
            proptest::prop_assert_eq!(m.find(&message, except), find_by_lookup(&m, &message, except));
        }
    }
}
