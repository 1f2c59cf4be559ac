//! Variables proved by siblings: a second pass over the finished clusters (never over events).
//!
//! Promise: clusters of the same length that differ at exactly one position merge when one of
//! them already holds a masked value there (`name=<*>`, `chdir(<*>)`, `'<*>'`) and every other
//! value fits that masked token's shape (`name=android`, `chdir(pwd)`, `'US'`): masking has shown
//! that the slot carries values, so a value that happens to have no digit is a value too. A slot
//! whose siblings are all words (`state RUNNING` / `state STOPPED`) names different events and is
//! left alone, and a bare `<*>` sibling proves nothing (a masked identifier beside daemon names).
//! Statistics prove a slot too: when [`MANY_VALUES`] or more otherwise identical clusters hold
//! different *names* there (`app.exe`, `db-primary`, `svc_user`: tokens joining parts with `.`,
//! `_`, `-`, `/`, `@`, `:`), the slot is a variable whatever the names look like.
//! Merges repeat until nothing changes, so a template that varies at two positions merges one
//! position at a time. The result maps old cluster index to new dense index in first-appearance
//! order (a merged group takes its smallest old index's place), so ids stay deterministic.

use super::drain::{Cluster, WILD};
use super::mask::WILDCARD;
use crate::hash::FxHasher;
use std::hash::{Hash, Hasher};

/// Different words one position must take, in otherwise identical templates, to be a variable.
const MANY_VALUES: usize = 5;
/// Merge rounds at most (each round can free one more position per template).
const MAX_ROUNDS: usize = 4;

/// Merges clusters in place; `names[token]` is each token id's text. Returns `remap[old] = new`.
pub fn merge_variables(clusters: &mut Vec<Cluster>, names: &[Box<str>]) -> Vec<u32> {
    let mut parent: Vec<u32> = (0..clusters.len() as u32).collect();
    for _ in 0..MAX_ROUNDS {
        if !merge_round(clusters, names, &mut parent) {
            break;
        }
    }
    compact(clusters, &parent)
}

/// Hash of a cluster's tokens with position `skip` left out (length included).
fn hash_without(tokens: &[u32], skip: usize) -> u64 {
    let mut h = FxHasher::default();
    tokens.len().hash(&mut h);
    for (i, t) in tokens.iter().enumerate() {
        if i != skip {
            t.hash(&mut h);
        }
    }
    h.finish()
}

/// True if `t` is a masked token that can prove a slot (`name=<*>`, not bare `<*>`).
fn is_pattern(names: &[Box<str>], t: u32) -> bool {
    t != WILD && names[t as usize].contains(WILDCARD)
}

/// One round over the live clusters (those that are their own root); true if any merged.
fn merge_round(clusters: &mut [Cluster], names: &[Box<str>], parent: &mut [u32]) -> bool {
    // Slots (position, hash of the other tokens) that some cluster fills with a pattern: only
    // they can merge, so only they are collected (memory grows with patterns, not with tokens).
    let live = |c: usize| parent[c] == c as u32;
    let mut entries: Vec<(u32, u64, u32)> = Vec::new(); // (position, hash, cluster)
    for (c, cl) in clusters.iter().enumerate().filter(|&(c, _)| live(c)) {
        for pos in 0..cl.tokens.len() as u32 {
            let h = hash_without(&cl.tokens, pos as usize);
            entries.push((pos, h, c as u32));
        }
    }
    entries.sort_unstable();
    // Groups of two or more, handled in a deterministic order: by first member, then position.
    let mut groups: Vec<&[(u32, u64, u32)]> = entries
        .chunk_by(|a, b| (a.0, a.1) == (b.0, b.1))
        .filter(|g| g.len() >= 2)
        .collect();
    groups.sort_unstable_by_key(|g| (g[0].2, g[0].0));
    let mut merged = false;
    for group in groups {
        let pos = group[0].0 as usize;
        let first = group[0].2;
        // Members merged earlier this round are skipped; hash collisions are checked token-wise.
        let members: Vec<u32> = group
            .iter()
            .map(|e| e.2)
            .filter(|&c| parent[c as usize] == c && same_but(clusters, first, c, pos))
            .collect();
        let Some(token) = proving_sibling(clusters, names, &members, pos)
            .or_else(|| many_values(clusters, names, &members, pos))
        else {
            continue;
        };
        let root = members[0] as usize;
        let mut count = 0;
        for &c in &members {
            count += clusters[c as usize].count;
            parent[c as usize] = root as u32;
        }
        clusters[root].count = count;
        clusters[root].tokens[pos] = token;
        merged = true;
    }
    merged
}

/// True if clusters `a` and `b` have the same tokens except at `pos`.
fn same_but(clusters: &[Cluster], a: u32, b: u32, pos: usize) -> bool {
    let (x, y) = (&clusters[a as usize].tokens, &clusters[b as usize].tokens);
    x.len() == y.len()
        && x.iter()
            .zip(y)
            .enumerate()
            .all(|(i, (s, t))| i == pos || s == t)
}

/// The masked token (not bare `<*>`) that one member holds at `pos` and every other member's
/// value fits, if any: then the position is a variable and the merged template shows that token.
fn proving_sibling(
    clusters: &[Cluster],
    names: &[Box<str>],
    live: &[u32],
    pos: usize,
) -> Option<u32> {
    if live.len() < 2 {
        return None;
    }
    let value = |c: u32| clusters[c as usize].tokens[pos];
    live.iter()
        .map(|&c| value(c))
        .filter(|&t| is_pattern(names, t))
        .min()
        .filter(|&pat| {
            let pattern = &names[pat as usize];
            live.iter()
                .all(|&c| value(c) == pat || fits(pattern, &names[value(c) as usize]))
        })
}

/// `<*>` when the members hold at least [`MANY_VALUES`] different words at `pos`: a slot that
/// many otherwise identical messages fill differently is a variable, whatever its values look
/// like (program names, user names, states of a long enumeration).
fn many_values(clusters: &[Cluster], names: &[Box<str>], live: &[u32], pos: usize) -> Option<u32> {
    let values: Vec<u32> = live
        .iter()
        .map(|&c| clusters[c as usize].tokens[pos])
        .filter(|&t| t != WILD)
        .collect();
    let all_identifiers = values.iter().all(|&t| is_identifier(&names[t as usize]));
    (values.len() >= MANY_VALUES && all_identifiers).then_some(WILD)
}

/// A token written like a name rather than a word of prose: it joins parts with `.`, `_`,
/// `-`, `@`, `/` or `:` (`app.exe`, `db-primary`, `svc_user`, `a/b`), so different values
/// are different things of one kind, where different plain words name different events.
fn is_identifier(t: &str) -> bool {
    let inner = t.trim_matches(|c: char| !c.is_alphanumeric());
    inner.len() >= 2 && inner.contains(['.', '_', '-', '@', '/', ':'])
}

/// True if `text` fits `pattern`, each `<*>` standing for one or more characters.
fn fits(pattern: &str, text: &str) -> bool {
    let mut parts = pattern.split(WILDCARD);
    let Some(mut rest) = text.strip_prefix(parts.next().unwrap_or("")) else {
        return false;
    };
    let parts: Vec<&str> = parts.collect();
    for (i, part) in parts.iter().enumerate() {
        if rest.is_empty() {
            return false;
        }
        // The wildcard takes at least the first character of `rest`.
        let (_, after) = rest.split_at(rest.chars().next().map_or(0, char::len_utf8));
        if i + 1 == parts.len() {
            return after.ends_with(part);
        }
        match after.find(part) {
            Some(at) => rest = &after[at + part.len()..],
            None => return false,
        }
    }
    rest.is_empty()
}

/// Drops merged clusters and renumbers the rest densely; returns the old -> new map.
fn compact(clusters: &mut Vec<Cluster>, parent: &[u32]) -> Vec<u32> {
    let root = |mut c: u32| {
        while parent[c as usize] != c {
            c = parent[c as usize];
        }
        c
    };
    let mut new_id = vec![u32::MAX; clusters.len()];
    let mut next = 0;
    for (c, id) in new_id.iter_mut().enumerate() {
        if parent[c] == c as u32 {
            *id = next;
            next += 1;
        }
    }
    let remap: Vec<u32> = (0..clusters.len() as u32)
        .map(|c| new_id[root(c) as usize])
        .collect();
    let mut c = 0;
    clusters.retain(|_| {
        c += 1;
        parent[c - 1] == (c - 1) as u32
    });
    remap
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fits_matches_wildcards_to_one_or_more_characters() {
        assert!(fits("name=<*>", "name=android"));
        assert!(fits("chdir(<*>)", "chdir(pwd)"));
        assert!(fits("'<*>'.", "'US'."));
        assert!(fits("<*>:<*>", "host:port"));
        assert!(!fits("name=<*>", "name="));
        assert!(!fits("name=<*>", "tag=android"));
        assert!(!fits("chdir(<*>)", "chdir(pwd"));
        assert!(!fits("<*>:<*>", "hostport"));
        assert!(!fits("a<*>b", "ab"));
    }

    fn cl(tokens: &[u32], count: u64) -> Cluster {
        Cluster {
            tokens: tokens.to_vec(),
            count,
        }
    }

    fn names(list: &[&str]) -> Vec<Box<str>> {
        list.iter().map(|&s| s.into()).collect()
    }

    #[test]
    fn a_masked_sibling_absorbs_values_and_keeps_first_appearance_order() {
        let n = names(&[
            WILDCARD,
            "acquire",
            "name=<*>",
            "name=android",
            "name=audio",
            "x",
        ]);
        let mut cs = vec![
            cl(&[5], 4),
            cl(&[1, 3], 10),
            cl(&[1, 2], 11),
            cl(&[1, 4], 5),
        ];
        let remap = merge_variables(&mut cs, &n);
        assert_eq!(remap, [0, 1, 1, 1]);
        assert_eq!(cs.len(), 2);
        assert_eq!(cs[1].tokens, [1, 2]);
        assert_eq!(cs[1].count, 26);
    }

    #[test]
    fn words_without_a_masked_sibling_or_beside_a_bare_wildcard_stay_apart() {
        let n = names(&[WILDCARD, "state", "RUNNING", "STOPPED", "started"]);
        let mut cs = vec![
            cl(&[1, 2], 9),
            cl(&[1, 3], 9),
            cl(&[0, 4], 3),
            cl(&[2, 4], 1),
        ];
        let remap = merge_variables(&mut cs, &n);
        assert_eq!(remap, [0, 1, 2, 3]);
        assert_eq!(cs.len(), 4);
    }

    #[test]
    fn a_value_that_does_not_fit_the_shape_blocks_the_merge() {
        let n = names(&[WILDCARD, "open", "file=<*>", "file=a", "mode=r"]);
        let mut cs = vec![cl(&[1, 2], 2), cl(&[1, 3], 2), cl(&[1, 4], 2)];
        let remap = merge_variables(&mut cs, &n);
        assert_eq!(remap, [0, 1, 2]);
    }

    #[test]
    fn many_named_values_at_one_position_are_a_variable_but_few_or_plain_words_are_not() {
        // `<program> open through proxy`: five programs, one template.
        let progs = ["web.exe", "mail.exe", "sync-agent", "chat_app", "tools/run"];
        let mut list = vec![WILDCARD, "open", "through", "proxy"];
        list.extend(progs);
        let n = names(&list);
        let mut cs: Vec<Cluster> = (4..9).map(|p| cl(&[p, 1, 2, 3], 3)).collect();
        let remap = merge_variables(&mut cs, &n);
        assert_eq!(remap, [0, 0, 0, 0, 0]);
        assert_eq!(cs[0].tokens, [WILD, 1, 2, 3]);
        assert_eq!(cs[0].count, 15);
        // Four names are not yet many.
        let mut cs: Vec<Cluster> = (4..8).map(|p| cl(&[p, 1, 2, 3], 3)).collect();
        assert_eq!(merge_variables(&mut cs, &n), [0, 1, 2, 3]);
        // Plain words name different events however many there are.
        let n = names(&[
            WILDCARD, "state", "RUNNING", "STOPPED", "PAUSED", "FAILED", "DONE",
        ]);
        let mut cs: Vec<Cluster> = (2..7).map(|w| cl(&[1, w], 2)).collect();
        assert_eq!(merge_variables(&mut cs, &n), [0, 1, 2, 3, 4]);
    }
}
