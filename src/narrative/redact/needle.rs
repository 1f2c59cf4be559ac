//! Fixed substrings looked for on every line, each with its searcher built once.
//! `str::contains` / `str::find` set up a new searcher on every call, a cost paid per line
//! whether or not the text is there; a built [`Needle`] answers the same question (same
//! offsets: the needles are UTF-8, so a byte match starts on a character boundary).

use memchr::memmem::Finder;
use std::sync::LazyLock;

/// A substring with its searcher, built on first use.
pub(crate) struct Needle(LazyLock<Finder<'static>>);

macro_rules! needle {
    ($text:expr) => {
        $crate::narrative::redact::needle::Needle::new(std::sync::LazyLock::new(|| {
            memchr::memmem::Finder::new($text)
        }))
    };
}
pub(crate) use needle;

impl Needle {
    pub(crate) const fn new(finder: LazyLock<Finder<'static>>) -> Needle {
        Needle(finder)
    }

    /// Where the substring first occurs in `hay`, as `str::find` would say.
    pub(crate) fn find(&self, hay: &str) -> Option<usize> {
        self.0.find(hay.as_bytes())
    }

    /// Whether `hay` holds the substring, as `str::contains` would say.
    pub(crate) fn is_in(&self, hay: &str) -> bool {
        self.find(hay).is_some()
    }
}

#[cfg(test)]
mod tests {
    static PEER: Needle = needle!("peer");
    static BEGIN: Needle = needle!("-----BEGIN ");
    use super::*;

    #[test]
    fn answers_as_str_does() {
        for hay in [
            "",
            "pee",
            "peer",
            "a peer b",
            "wg peers",
            "é-----BEGIN x",
            "-----BEGIN",
        ] {
            assert_eq!(PEER.is_in(hay), hay.contains("peer"), "{hay:?}");
            assert_eq!(BEGIN.find(hay), hay.find("-----BEGIN "), "{hay:?}");
        }
        assert_eq!(BEGIN.find("ünï -----BEGIN RSA"), Some(6));
    }
}
