//! Account-recovery secrets pasted into prose, known by the words that introduce them:
//!
//! - MFA recovery (backup) codes: a service issues several short one-time codes at once, and
//!   they are passed on as a list after `recovery codes` / `backup codes` and a colon
//!   (`Backup codes: 4f7q-2kx9 83jd-pq0w`); each code in the list is masked. With or without
//!   the list (`used recovery code abc12-de34f`), the codes most providers print (two halves
//!   of 4-5 lowercase letters and digits joined by `-`) after the words.
//! - A wallet's BIP39 mnemonic: 12, 15, 18, 21 or 24 lowercase words of 3 to 8 letters (the
//!   lengths of the standard's word lists), one space apart, on a line that calls it a
//!   `mnemonic`, `phrase` or `seed`; the run of words is masked whole.

use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of recovery codes and seed phrases in `line`. `code_word`, `seed_word`: the line has
/// `code` or a seed word (`mnemonic`, `phrase`, `seed`), found in the caller's one pass.
pub(crate) fn find(line: &str, code_word: bool, seed_word: bool, out: &mut Vec<Span>) {
    if code_word {
        codes(line, out);
    }
    if seed_word {
        mnemonic(line, out);
    }
}

/// The codes listed after `recovery codes ...:` / `backup codes ...:`.
fn codes(line: &str, out: &mut Vec<Span>) {
    let lower = line.to_ascii_lowercase();
    let Some(cue) = ["recovery code", "backup code"]
        .iter()
        .find_map(|c| lower.find(c).map(|i| i + c.len()))
    else {
        return;
    };
    let listed = out.len();
    // The list starts after the colon that ends the cue's clause (`for ana@x.org:`).
    if let Some(colon) = line[cue..].find(':').map(|i| cue + i + 1) {
        list_after(line, colon, out);
    }
    halves_after(line, cue, listed, out);
}

/// The codes of the list that starts at `colon`, up to the first word that is not one.
fn list_after(line: &str, colon: usize, out: &mut Vec<Span>) {
    let mut at = colon;
    for tok in line[colon..].split_inclusive([' ', ',', '\t']) {
        let word = tok.trim_end_matches([' ', ',', '\t']);
        let start = at;
        at += tok.len();
        if word.is_empty() {
            continue;
        }
        if !code(word) {
            break;
        }
        out.push(Span::new(start, start + word.len(), SecretKind::Secret));
    }
}

/// Codes of two halves (`abc12-de34f`) anywhere after `at`, but those already in `out` from
/// index `from` on (the list's).
fn halves_after(line: &str, at: usize, from: usize, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?-u:\b)[a-z0-9]{4,5}-[a-z0-9]{4,5}(?-u:\b)").expect("recovery code regex")
    });
    for m in re.find_iter(&line[at..]) {
        let (s, e) = (at + m.start(), at + m.end());
        // Not a word in a hyphenated phrase or a path (`set-up`, `a-b/c`).
        let after = line.as_bytes().get(e);
        let listed = out[from..].iter().any(|o| o.start < e && s < o.end);
        if !listed
            && !matches!(after, Some(b'-' | b'/' | b'.' | b'_'))
            && !m.as_str().contains("code")
        {
            out.push(Span::new(s, e, SecretKind::Secret));
        }
    }
}

/// A recovery code: 6 to 24 letters and digits, in groups joined by `-`, with a digit or a
/// `-` (not a plain word of the sentence).
fn code(w: &str) -> bool {
    (6..=24).contains(&w.len())
        && w.split('-')
            .all(|g| g.len() >= 3 && g.bytes().all(|b| b.is_ascii_alphanumeric()))
        && (w.contains('-') || w.bytes().any(|b| b.is_ascii_digit()))
        && w.bytes()
            .any(|b| b.is_ascii_alphabetic() || b.is_ascii_digit())
}

/// Runs of 12/15/18/21/24 lowercase words of 3-8 letters, single-spaced, not inside a longer
/// run of words.
fn mnemonic(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_lowercase() || (i > 0 && b[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let (mut j, mut words) = (i, 0);
        loop {
            let len = b[j..].iter().take_while(|c| c.is_ascii_lowercase()).count();
            if !(3..=8).contains(&len) {
                break;
            }
            words += 1;
            j += len;
            let next_word =
                b.get(j) == Some(&b' ') && b.get(j + 1).is_some_and(u8::is_ascii_lowercase);
            if !next_word {
                break;
            }
            j += 1;
        }
        let ends_clean = !b.get(j).is_some_and(|c| c.is_ascii_alphanumeric());
        if ends_clean && matches!(words, 12 | 15 | 18 | 21 | 24) {
            out.push(Span::new(i, j, SecretKind::Secret));
        }
        i = j.max(i + 1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        let seed = ["seed", "phrase", "mnemonic"]
            .iter()
            .any(|w| line.contains(w));
        super::super::masked_by(|l, out| find(l, l.contains("code"), seed, out), line)
    }

    #[test]
    fn codes_listed_after_their_name() {
        assert_eq!(
            masked("support: backup codes for bo@example.org: 4f7q-2kx9, 83jd-pq0w, mmtx-77ab (store them)"),
            vec!["4f7q-2kx9", "83jd-pq0w", "mmtx-77ab"]
        );
        assert!(masked("recovery codes: regenerated by the user").is_empty());
    }

    #[test]
    fn seed_phrases_of_the_standard_lengths() {
        let phrase = "vivid quote lemon trap sugar oyster fabric glance orbit mimic below rural";
        assert_eq!(
            masked(&format!("restored wallet from seed: {phrase}")),
            vec![phrase]
        );
        assert_eq!(
            masked(&format!("{{\"mnemonic\": \"{phrase}\"}}")),
            vec![phrase]
        );
        // Eleven words, or no word that calls it a seed: not a mnemonic.
        assert!(masked(
            "seed: vivid quote lemon trap sugar oyster fabric glance orbit mimic below"
        )
        .is_empty());
        assert!(masked(&format!("note {phrase}")).is_empty());
    }

    #[test]
    fn codes_of_two_halves_without_a_list() {
        assert_eq!(
            masked("user signed in with recovery code 4f2a9-c81kd from a new device"),
            ["4f2a9-c81kd"]
        );
        assert!(masked("recovery code flow set-up done for user-42 in-place").is_empty());
    }
}
