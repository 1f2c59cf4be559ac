//! Placeholders back to the values they stand for, without the redactor.
//!
//! The page streams an answer and restores it as it arrives, while the redaction itself (and the
//! regex engine it needs) runs in the worker; so restoring is a plain scan over a table the
//! worker hands back ([`Restorer`]), and [`super::Redactor::restore`] uses the same scan.
//!
//! Promises: a placeholder is recognised in the forms a model or a Markdown renderer writes it:
//! as sent (`<EMAIL_1>`), escaped by Markdown (`\<EMAIL\_1\>` or `\<EMAIL_1\>`), as HTML
//! (`&lt;EMAIL_1&gt;`) or bare (`EMAIL_1`, `EMAIL\_1`, a whole word: no word character touches
//! it on either side, as the regex `\b` has it); one the table does not hold (`<EMAIL_9>`) is
//! left as written. Labels are those of [`SecretKind`]; numbers are ASCII digits.

use super::redact::SecretKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Placeholder (`<EMAIL_1>`) to value, for one conversation.
#[derive(Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Restorer {
    back: BTreeMap<String, String>,
}

impl std::fmt::Debug for Restorer {
    // Never print the values: they are the secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Restorer")
            .field("placeholders", &self.back.len())
            .finish()
    }
}

impl Restorer {
    pub(crate) fn new(back: BTreeMap<String, String>) -> Restorer {
        Restorer { back }
    }

    /// `text` with every placeholder of this table replaced by its value.
    pub fn restore(&self, text: &str) -> String {
        restore(&self.back, text)
    }

    /// How many distinct values the table maps back.
    pub fn len(&self) -> usize {
        self.back.len()
    }

    pub fn is_empty(&self) -> bool {
        self.back.is_empty()
    }
}

/// The scan behind [`Restorer::restore`]: left to right, the first placeholder form that
/// matches at a position is replaced (or kept when unknown) and the scan goes on after it.
pub(crate) fn restore(back: &BTreeMap<String, String>, text: &str) -> String {
    if back.is_empty() {
        return text.to_string();
    }
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut at = 0;
    while at < text.len() {
        let Some((end, key)) = placeholder_at(text, at) else {
            at += text[at..].chars().next().map_or(1, char::len_utf8);
            continue;
        };
        out.push_str(&text[copied..at]);
        match back.get(&key) {
            Some(v) => out.push_str(v),
            None => out.push_str(&text[at..end]),
        }
        copied = end;
        at = end;
    }
    out.push_str(&text[copied..]);
    out
}

/// A placeholder starting at byte `at`: where it ends and its canonical key (`<EMAIL_1>`).
fn placeholder_at(text: &str, at: usize) -> Option<(usize, String)> {
    let rest = &text[at..];
    if let Some(r) = rest.strip_prefix("\\<") {
        // Escaped by Markdown: `\<EMAIL\_1\>` (the underscore's escape is optional).
        let (label, r) = label(r)?;
        let r = r.strip_prefix('\\').unwrap_or(r);
        let (n, r) = number(r.strip_prefix('_')?)?;
        r.strip_prefix("\\>")?;
        return Some((text.len() - r.len() + 2, key(label, n)));
    }
    if let Some(r) = rest.strip_prefix("&lt;") {
        let (label, r) = label(r)?;
        let (n, r) = number(r.strip_prefix('_')?)?;
        r.strip_prefix("&gt;")?;
        return Some((text.len() - r.len() + 4, key(label, n)));
    }
    if let Some(r) = rest.strip_prefix('<') {
        let (label, r) = label(r)?;
        let (n, r) = number(r.strip_prefix('_')?)?;
        r.strip_prefix('>')?;
        return Some((text.len() - r.len() + 1, key(label, n)));
    }
    // Bare: a whole word, `EMAIL_1` or `EMAIL\_1`.
    if text[..at].chars().next_back().is_some_and(is_word) {
        return None;
    }
    let (label, r) = label(rest)?;
    let r = r.strip_prefix('\\').unwrap_or(r);
    let (n, r) = number(r.strip_prefix('_')?)?;
    if r.chars().next().is_some_and(is_word) {
        return None;
    }
    Some((text.len() - r.len(), key(label, n)))
}

/// A known label at the start of `s` (its whole run of capitals), and what follows.
fn label(s: &str) -> Option<(&str, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_uppercase).count();
    let (label, rest) = s.split_at(len);
    SecretKind::from_label(label).map(|_| (label, rest))
}

/// The digits at the start of `s` (at least one), and what follows.
fn number(s: &str) -> Option<(&str, &str)> {
    let len = s.bytes().take_while(u8::is_ascii_digit).count();
    (len > 0).then(|| s.split_at(len))
}

fn key(label: &str, n: &str) -> String {
    format!("<{label}_{n}>")
}

/// A word character as the regex `\w` (and so `\b`) has it: Unicode letters, marks, digits,
/// connector punctuation and joiners.
fn is_word(c: char) -> bool {
    regex_syntax::is_word_character(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table() -> BTreeMap<String, String> {
        [
            ("<EMAIL_1>", "ana@example.org"),
            ("<IP_1>", "203.0.113.9"),
            ("<EMAIL_2>", "bo@example.org"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }

    fn r(s: &str) -> String {
        restore(&table(), s)
    }

    #[test]
    fn every_written_form_is_restored() {
        assert_eq!(r("<EMAIL_1> saw it"), "ana@example.org saw it");
        assert_eq!(r("by \\<EMAIL\\_1\\>."), "by ana@example.org.");
        assert_eq!(r("by \\<EMAIL_1\\>."), "by ana@example.org.");
        assert_eq!(r("&lt;IP_1&gt;:80"), "203.0.113.9:80");
        assert_eq!(r("(EMAIL_2)"), "(bo@example.org)");
        assert_eq!(r("EMAIL\\_2 wrote"), "bo@example.org wrote");
    }

    #[test]
    fn unknown_or_partial_placeholders_stay_as_written() {
        assert_eq!(r("<EMAIL_9> and <EMAIL_"), "<EMAIL_9> and <EMAIL_");
        // An unclosed one is still a whole word (a stream cut after its digits).
        assert_eq!(r("<EMAIL_1"), "<ana@example.org");
        assert_eq!(r("<EMAIL_01>"), "<EMAIL_01>");
        assert_eq!(r("<FOO_1> <email_1>"), "<FOO_1> <email_1>");
        assert_eq!(r(""), "");
    }

    #[test]
    fn a_bare_placeholder_must_be_a_whole_word() {
        assert_eq!(
            r("XEMAIL_1 EMAIL_1x EMAIL_12"),
            "XEMAIL_1 EMAIL_1x EMAIL_12"
        );
        // Letters of any script are word characters; punctuation is not.
        assert_eq!(r("éEMAIL_1 EMAIL_1é"), "éEMAIL_1 EMAIL_1é");
        assert_eq!(r("«EMAIL_1»"), "«ana@example.org»");
        // A combining mark after it joins the word.
        assert_eq!(r("EMAIL_1\u{301}"), "EMAIL_1\u{301}");
    }

    #[test]
    fn a_lone_backslash_before_the_sent_form_is_the_texts_own() {
        assert_eq!(r("\\<EMAIL_1>"), "\\ana@example.org");
        assert_eq!(r("&lt;EMAIL_1>"), "&lt;ana@example.org>");
    }

    #[test]
    fn an_empty_table_returns_the_text() {
        assert_eq!(restore(&BTreeMap::new(), "<EMAIL_1>"), "<EMAIL_1>");
    }

    #[test]
    fn debug_hides_the_values() {
        let t = Restorer::new(table());
        assert!(!format!("{t:?}").contains("example.org"));
        assert_eq!(t.len(), 3);
    }

    /// The regex this scan replaced, as the reference it must agree with.
    #[cfg(not(target_arch = "wasm32"))]
    fn by_regex(back: &BTreeMap<String, String>, text: &str) -> String {
        const L: &str = "(EMAIL|IP|SECRET|CARD|PHONE|CUSTOM|ID|IBAN|PII|MAC)";
        let re = regex::Regex::new(&format!(
            r"\\<{L}\\?_(\d+)\\>|&lt;{L}_(\d+)&gt;|<{L}_(\d+)>|\b{L}\\?_(\d+)\b"
        ))
        .unwrap();
        re.replace_all(text, |c: &regex::Captures| {
            let (label, n) = (1..c.len())
                .step_by(2)
                .find_map(|g| Some((c.get(g)?, c.get(g + 1)?)))
                .unwrap();
            back.get(&format!("<{}_{}>", label.as_str(), n.as_str()))
                .cloned()
                .unwrap_or_else(|| c[0].to_string())
        })
        .into_owned()
    }

    #[cfg(not(target_arch = "wasm32"))]
    proptest::proptest! {
        #[test]
        fn agrees_with_the_regex_it_replaced(parts in proptest::collection::vec(
            proptest::sample::select(vec![
                "<", ">", "\\", "&lt;", "&gt;", "EMAIL", "IP", "PII", "ID", "IBAN", "EMAILS", "_",
                "1", "2", "12", "0", "\u{661}", "x", "é", "\u{301}", " ", ".", "«", "-", "\n",
            ]),
            0..24,
        )) {
            let text: String = parts.concat();
            let mut back = table();
            back.insert("<PII_12>".into(), "Ana Lima".into());
            back.insert("<ID_2>".into(), "A-77".into());
            proptest::prop_assert_eq!(restore(&back, &text), by_regex(&back, &text));
        }
    }
}
