//! Redacted copies of whole logs, for attaching to a ticket or sending to a vendor.
//!
//! Promises: the copy has exactly the input's lines, in order, with their own terminators
//! (`\n`, `\r\n` or `\r`), so line N of the copy is line N of the input; each secret becomes the
//! placeholder its value gets everywhere in the run (one [`Redactor`] across all files); a
//! copy redacted again comes back unchanged. The text is read as ingest reads it (gzip
//! inflated, UTF-16 transcoded, invalid UTF-8 replaced by U+FFFD), so a `.gz` input gives a
//! plain-text copy. [`RedactionSummary`] says what was masked by kind, never the values.

use super::redact::{Redactor, SecretKind};
use crate::ingest::{self, IngestError};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What a redaction run masked: counts only, never values.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactionSummary {
    pub files: usize,
    pub lines: usize,
    /// Lines that had at least one value masked.
    pub lines_changed: usize,
    /// Per kind, in label order: distinct values and masked occurrences.
    pub kinds: Vec<KindCount>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KindCount {
    /// The placeholder label: `EMAIL`, `SECRET`, ...
    pub kind: String,
    pub values: usize,
    pub occurrences: usize,
}

impl RedactionSummary {
    /// One line for people: `12 values masked on 9 of 400 lines in 2 files: 5 SECRET (7 times), ...`.
    pub fn describe(&self) -> String {
        let values: usize = self.kinds.iter().map(|k| k.values).sum();
        let mut s = format!(
            "{values} value(s) masked on {} of {} line(s) in {} file(s)",
            self.lines_changed, self.lines, self.files
        );
        let parts: Vec<String> = self
            .kinds
            .iter()
            .map(|k| format!("{} {} ({} time(s))", k.values, k.kind, k.occurrences))
            .collect();
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        s
    }
}

/// Redacts several logs with one redactor, so a value keeps its placeholder across files.
#[derive(Debug)]
pub struct LogRedactor {
    redactor: Redactor,
    files: usize,
    lines: usize,
    lines_changed: usize,
    occurrences: BTreeMap<SecretKind, usize>,
}

impl LogRedactor {
    pub fn new(redactor: Redactor) -> LogRedactor {
        LogRedactor {
            redactor,
            files: 0,
            lines: 0,
            lines_changed: 0,
            occurrences: BTreeMap::new(),
        }
    }

    /// The redacted copy of one input file's bytes (`name` only labels errors).
    pub fn redact_file(&mut self, name: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
        let text = ingest::decode_text(name, bytes)?;
        Ok(self.redact_text(&text))
    }

    /// The redacted copy of a text: same lines, same terminators.
    pub fn redact_text(&mut self, text: &str) -> String {
        self.files += 1;
        let (out, counts) = self.redactor.redact_counted(text);
        self.lines += counts.lines;
        self.lines_changed += counts.lines_changed;
        for (kind, n) in counts.occurrences {
            *self.occurrences.entry(kind).or_default() += n;
        }
        out
    }

    /// What was masked so far, by kind.
    pub fn summary(&self) -> RedactionSummary {
        let mut values: BTreeMap<SecretKind, usize> = BTreeMap::new();
        for (_, kind) in self.redactor.placeholders() {
            *values.entry(kind).or_default() += 1;
        }
        let kinds = values
            .iter()
            .map(|(&kind, &n)| KindCount {
                kind: kind.label().to_string(),
                values: n,
                occurrences: self.occurrences.get(&kind).copied().unwrap_or(0),
            })
            .collect();
        RedactionSummary {
            files: self.files,
            lines: self.lines,
            lines_changed: self.lines_changed,
            kinds,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> (String, RedactionSummary) {
        let mut r = LogRedactor::new(Redactor::new(&[]).unwrap());
        let out = r.redact_text(text);
        (out, r.summary())
    }

    #[test]
    fn keeps_lines_and_terminators() {
        for text in [
            "a password=hunter22x\r\nb\r\n",
            "x ana@example.org\n\ny\n",
            "no newline at end ana@example.org",
            "mac\rlines ana@example.org\r",
            "",
            "\n\n\n",
        ] {
            let (out, _) = run(text);
            assert_eq!(
                ingest::line_spans(&out).len(),
                ingest::line_spans(text).len(),
                "{text:?} -> {out:?}"
            );
            assert_eq!(out.matches('\n').count(), text.matches('\n').count());
            assert_eq!(out.matches('\r').count(), text.matches('\r').count());
            assert!(!out.contains("ana@example.org") && !out.contains("hunter22x"));
        }
    }

    #[test]
    fn one_placeholder_per_value_across_files_and_a_summary_by_kind() {
        let mut r = LogRedactor::new(Redactor::new(&[]).unwrap());
        let a = r.redact_text("login ana@example.org\nok\n");
        let b = r.redact_text("again ana@example.org from 203.0.113.9\n");
        assert_eq!(a, "login <EMAIL_1>\nok\n");
        assert_eq!(b, "again <EMAIL_1> from <IP_1>\n");
        let s = r.summary();
        assert_eq!((s.files, s.lines, s.lines_changed), (2, 3, 2));
        let email = s.kinds.iter().find(|k| k.kind == "EMAIL").unwrap();
        assert_eq!((email.values, email.occurrences), (1, 2));
        let d = s.describe();
        assert!(
            d.starts_with("2 value(s) masked on 2 of 3 line(s) in 2 file(s): "),
            "{d}"
        );
        assert!(!d.contains("ana@"), "{d}");
    }

    #[test]
    fn gzip_inputs_give_plain_copies() {
        use std::io::Write;
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"token for ana@example.org\n").unwrap();
        let bytes = gz.finish().unwrap();
        let mut r = LogRedactor::new(Redactor::new(&[]).unwrap());
        assert_eq!(
            r.redact_file("a.log.gz", bytes).unwrap(),
            "token for <EMAIL_1>\n"
        );
    }
}
