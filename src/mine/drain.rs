//! The Drain tree, with words as the branching layer: messages of the same length whose *word*
//! tokens (constants such as `failed`, `state`, `uid=<*>`) agree at every position share a leaf.
//! Two messages that differ in a word are never merged (GA is all-or-nothing per group: an
//! over-merge costs both templates). Inside a leaf, the most similar template over the other
//! positions (identifiers, masked values) wins if it is similar enough; differing positions
//! become `<*>`. Leaves are found by hashing, so the cost per line does not grow with the number
//! of templates, and an exact-match cache on the masked text answers most lines without work.

use super::mask::{class, Class, Masked, WILDCARD};
use crate::hash::FxHashMap;

/// Fraction of positions that must agree for a message to join a template.
const SIMILARITY: f32 = 0.5;
/// Templates compared per leaf at most (newest first are not favoured: oldest first, stable).
const MAX_SCAN: usize = 512;
/// Entries kept in the exact-match cache before it is cleared (bounds memory on unique lines).
const MAX_CACHE: usize = 1 << 20;

/// Token id of the wildcard.
pub const WILD: u32 = 0;

#[derive(Debug, Default)]
struct Interner {
    ids: FxHashMap<Box<str>, u32>,
    names: Vec<Box<str>>,
    class: Vec<Class>,
    /// No letters (`<*>`, `<*>:<*>`, `-`): agreeing on it says nothing.
    blank: Vec<bool>,
}

impl Interner {
    fn new() -> Self {
        let mut i = Interner::default();
        i.intern(WILDCARD);
        i
    }

    fn intern(&mut self, tok: &str) -> u32 {
        if let Some(&id) = self.ids.get(tok) {
            return id;
        }
        let id = self.names.len() as u32;
        self.names.push(tok.into());
        self.class.push(class(tok));
        self.blank.push(
            !tok.replace(WILDCARD, "")
                .bytes()
                .any(|c| c.is_ascii_alphabetic() || c >= 0x80),
        );
        self.ids.insert(tok.into(), id);
        id
    }
}

#[derive(Debug)]
pub struct Cluster {
    pub tokens: Vec<u32>,
    pub count: u64,
}

#[derive(Debug)]
pub struct Drain {
    interner: Interner,
    leaves: FxHashMap<Box<[u32]>, Vec<u32>>,
    key: Vec<u32>,
    pub clusters: Vec<Cluster>,
    cache: FxHashMap<Box<str>, u32>,
    scratch: Vec<u32>,
}

impl Default for Drain {
    fn default() -> Self {
        Drain {
            interner: Interner::new(),
            leaves: FxHashMap::default(),
            key: Vec::new(),
            clusters: Vec::new(),
            cache: FxHashMap::default(),
            scratch: Vec::new(),
        }
    }
}

impl Drain {
    /// Adds one masked message; returns its cluster index (dense, first-appearance order).
    pub fn add(&mut self, m: &Masked) -> u32 {
        self.add_tokens(&m.text, &m.spans)
    }

    /// [`Drain::add`] of a masked text and its tokens' byte ranges in it.
    pub fn add_tokens(&mut self, text: &str, spans: &[(u32, u32)]) -> u32 {
        if let Some(&c) = self.cache.get(text) {
            self.clusters[c as usize].count += 1;
            return c;
        }
        let mut ids = std::mem::take(&mut self.scratch);
        ids.clear();
        ids.extend(
            spans
                .iter()
                .map(|&(a, b)| self.interner.intern(&text[a as usize..b as usize])),
        );
        self.key.clear();
        self.key.push(ids.len() as u32);
        for (i, &t) in ids.iter().enumerate() {
            if self.interner.class[t as usize] == Class::Word {
                self.key.push(i as u32);
                self.key.push(t);
            }
        }
        let leaf = match self.leaves.get_mut(self.key.as_slice()) {
            Some(l) => l,
            None => self.leaves.entry(self.key.as_slice().into()).or_default(),
        };
        let mut best: Option<(u32, usize, usize, usize)> = None; // (cluster, same, informative, params)
        for &c in leaf.iter().take(MAX_SCAN) {
            let t = &self.clusters[c as usize].tokens;
            // Positions where both are the bare wildcard say nothing; the rest must agree.
            let mut same = 0;
            let mut params = 0;
            let mut informative = 0;
            for (a, b) in t.iter().zip(&ids) {
                if a == b && self.interner.blank[*a as usize] {
                    params += 1;
                    continue;
                }
                informative += 1;
                if a == b {
                    same += 1;
                }
                if *a == WILD {
                    params += 1;
                }
            }
            let better = match best {
                None => true,
                Some((_, s, i, p)) => {
                    same * i > s * informative || (same * i == s * informative && params > p)
                }
            };
            if better {
                best = Some((c, same, informative, params));
            }
        }
        let cid = match best {
            Some((c, same, informative, _))
                if same as f32 >= SIMILARITY * informative.max(1) as f32 =>
            {
                let cl = &mut self.clusters[c as usize];
                for (a, b) in cl.tokens.iter_mut().zip(&ids) {
                    if a != b {
                        *a = WILD;
                    }
                }
                cl.count += 1;
                c
            }
            _ => {
                let c = self.clusters.len() as u32;
                self.clusters.push(Cluster {
                    tokens: ids.clone(),
                    count: 1,
                });
                leaf.push(c);
                c
            }
        };
        self.scratch = ids;
        if self.cache.len() >= MAX_CACHE {
            self.cache.clear();
        }
        self.cache.insert(text.into(), cid);
        cid
    }

    /// The sibling pass of [`super::stats`] over the finished clusters; returns the id map.
    pub fn merge_variables(&mut self) -> Vec<u32> {
        super::stats::merge_variables(&mut self.clusters, &self.interner.names)
    }

    /// Template text of a cluster.
    pub fn text(&self, c: u32) -> String {
        let t = &self.clusters[c as usize].tokens;
        let mut s = String::new();
        for (i, &id) in t.iter().enumerate() {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(&self.interner.names[id as usize]);
        }
        s
    }
}
