//! Phrase lists matched in one pass over a message's words.
//!
//! Promises: [`PhraseIndex::matches`] says, for each list, whether any of its phrases appears
//! in `words` as consecutive whole words; the answer is the same as testing every phrase one by
//! one, but the cost is one lookup per word of the message (plus the phrases that start with
//! it), not one scan per phrase. Phrases are split into words once, when the index is built.

use crate::hash::FxHashMap;

/// Splits a phrase or a lower-cased text into its words: runs of ASCII letters, digits, `_`
/// and `'`.
pub(crate) fn words(lower: &str) -> Vec<&str> {
    lower
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '\''))
        .filter(|w| !w.is_empty())
        .collect()
}

/// Up to 64 phrase lists, indexed by the first word of each phrase.
pub(crate) struct PhraseIndex {
    /// First word -> (list, the phrase's remaining words).
    by_first: FxHashMap<&'static str, Vec<(u8, Vec<&'static str>)>>,
}

/// Which lists matched: bit `i` for list `i`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Matched(u64);

impl Matched {
    pub(crate) fn has(self, list: usize) -> bool {
        self.0 & (1 << list) != 0
    }
}

impl PhraseIndex {
    /// An index of `lists` (list `i` is bit `i` of [`Matched`]).
    ///
    /// # Panics
    /// With more than 64 lists (a programming error: the lists are constants).
    pub(crate) fn new(lists: &[&[&'static str]]) -> PhraseIndex {
        assert!(lists.len() <= 64, "at most 64 phrase lists");
        let mut by_first: FxHashMap<&'static str, Vec<(u8, Vec<&'static str>)>> =
            FxHashMap::default();
        for (list, phrases) in lists.iter().enumerate() {
            for phrase in phrases.iter() {
                let w = words(phrase);
                if let Some((first, rest)) = w.split_first() {
                    by_first
                        .entry(first)
                        .or_default()
                        .push((list as u8, rest.to_vec()));
                }
            }
        }
        PhraseIndex { by_first }
    }

    /// The lists with a phrase whose words appear consecutively in `words`.
    pub(crate) fn matches(&self, words: &[&str]) -> Matched {
        let mut bits = 0u64;
        for (j, w) in words.iter().enumerate() {
            let Some(cands) = self.by_first.get(w) else {
                continue;
            };
            let after = &words[j + 1..];
            for (list, rest) in cands {
                if after.len() >= rest.len() && after[..rest.len()] == rest[..] {
                    bits |= 1 << list;
                }
            }
        }
        Matched(bits)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PhraseIndex {
        PhraseIndex::new(&[&["out of memory", "oomkilled"], &["connection refused"]])
    }

    #[test]
    fn whole_words_in_order_only() {
        let ix = index();
        let m = ix.matches(&words("java: out of memory, heap"));
        assert!(m.has(0) && !m.has(1));
        // "room" is not "oom", and the words must be consecutive and in order.
        assert!(!ix.matches(&words("no room out there of memory")).has(0));
        assert!(!ix.matches(&words("memory of out")).has(0));
        assert!(ix.matches(&words("dial tcp: connection refused")).has(1));
    }

    #[test]
    fn a_phrase_at_the_end_and_one_word_phrases() {
        let ix = index();
        assert!(ix.matches(&words("status oomkilled")).has(0));
        assert!(!ix.matches(&words("connection")).has(1));
        assert_eq!(ix.matches(&[]), Matched(0));
    }

    #[test]
    fn punctuation_separates_words_but_underscore_and_apostrophe_do_not() {
        assert_eq!(words("a-b c_d don't"), vec!["a", "b", "c_d", "don't"]);
    }
}
