//! Redacted copies of whole logs, for attaching to a ticket or sending to a vendor.
//!
//! Promises: the copy has exactly the input's lines, in order, with their own terminators
//! (`\n`, `\r\n` or `\r`), so line N of the copy is line N of the input; each secret becomes the
//! placeholder its value gets everywhere in the run (one [`Redactor`] across all files); a
//! copy redacted again comes back unchanged. The text is read as ingest reads it (gzip
//! inflated, UTF-16 transcoded, invalid UTF-8 replaced by U+FFFD), so a `.gz` input gives a
//! plain-text copy. [`RedactionSummary`] says what was masked by kind, never the values.

use super::error::NarrativeError;
use super::redact::{RedactionCounts, Redactor, SecretKind};
use crate::english::plural;
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
            "{} masked on {} of {} in {}",
            plural(values as u64, "value"),
            self.lines_changed,
            plural(self.lines as u64, "line"),
            plural(self.files as u64, "file")
        );
        let parts: Vec<String> = self
            .kinds
            .iter()
            .map(|k| {
                format!(
                    "{} {} ({})",
                    k.values,
                    k.kind,
                    plural(k.occurrences as u64, "time")
                )
            })
            .collect();
        if !parts.is_empty() {
            s.push_str(": ");
            s.push_str(&parts.join(", "));
        }
        s
    }
}

/// One redacted copy, for a download: the file name to save it as, and its text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactedFile {
    /// [`redacted_name`] of the input's name.
    pub name: String,
    pub text: String,
    /// Lines of the copy (equal to the input's).
    pub lines: usize,
}

/// Redacted copies of a set of logs and what was masked in them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RedactedLogs {
    pub files: Vec<RedactedFile>,
    pub summary: RedactionSummary,
}

/// Redacts decoded texts `(name, text)` with one redactor (built-in rules only), so a value
/// keeps its placeholder across files.
pub fn redact_texts<'a>(files: impl IntoIterator<Item = (&'a str, &'a str)>) -> RedactedLogs {
    redact_with(files, Redactor::default())
}

/// [`redact_texts`] with the user's patterns too (`faultline redact --redact REGEX`): an
/// invalid pattern is an error before anything is redacted.
pub fn redact_texts_with<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    patterns: &[String],
) -> Result<RedactedLogs, NarrativeError> {
    Ok(redact_with(files, Redactor::new(patterns)?))
}

fn redact_with<'a>(
    files: impl IntoIterator<Item = (&'a str, &'a str)>,
    redactor: Redactor,
) -> RedactedLogs {
    let mut lr = LogRedactor::new(redactor);
    let files = files
        .into_iter()
        .map(|(name, text)| {
            let text = lr.redact_text(text);
            RedactedFile {
                name: redacted_name(name),
                lines: ingest::line_spans(&text).len(),
                text,
            }
        })
        .collect();
    RedactedLogs {
        files,
        summary: lr.summary(),
    }
}

/// The name a redacted copy is saved under: the input's base name with `.redacted` before its
/// extension (`app.log` -> `app.redacted.log`, `app.log.gz` -> `app.redacted.log`, since the
/// copy is plain text; `syslog` -> `syslog.redacted`).
pub fn redacted_name(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let plain = base.strip_suffix(".gz").unwrap_or(base);
    match plain.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => {
            format!("{stem}.redacted.{ext}")
        }
        _ if plain.is_empty() => "log.redacted".to_string(),
        _ => format!("{plain}.redacted"),
    }
}

/// Redacts several logs with one redactor, so a value keeps its placeholder across files.
pub struct LogRedactor {
    redactor: Redactor,
    /// Runs the pieces of a long file ([`Redactor::redact_counted_on`]); the bytes out never
    /// depend on it.
    par: &'static dyn crate::parallel::Parallel,
    files: usize,
    lines: usize,
    lines_changed: usize,
    occurrences: BTreeMap<SecretKind, usize>,
}

impl LogRedactor {
    pub fn new(redactor: Redactor) -> LogRedactor {
        LogRedactor {
            redactor,
            par: &crate::parallel::Sequential,
            files: 0,
            lines: 0,
            lines_changed: 0,
            occurrences: BTreeMap::new(),
        }
    }

    /// The same redactor, reading the pieces of a long file through `par` (threads, natively).
    pub fn on(self, par: &'static dyn crate::parallel::Parallel) -> LogRedactor {
        LogRedactor { par, ..self }
    }

    /// The redacted copy of one input file's bytes (`name` only labels errors).
    pub fn redact_file(&mut self, name: &str, bytes: Vec<u8>) -> Result<String, IngestError> {
        let text = ingest::decode_text(name, bytes)?;
        Ok(self.redact_text(&text))
    }

    /// The redacted copy of a text: same lines, same terminators.
    pub fn redact_text(&mut self, text: &str) -> String {
        let (out, counts) = self.redactor.redact_counted_on(text, self.par);
        self.count(counts);
        out
    }

    /// The redacted copies of several input files' bytes, in order, read at once: the same
    /// copies as [`LogRedactor::redact_file`] on each in turn. A file that cannot be decoded
    /// gets its error in its place and does not stop the others.
    pub fn redact_files(
        &mut self,
        files: Vec<(String, Vec<u8>)>,
    ) -> Vec<Result<String, IngestError>> {
        let decoded: Vec<Result<String, IngestError>> = files
            .into_iter()
            .map(|(name, bytes)| ingest::decode_text(&name, bytes))
            .collect();
        let texts: Vec<&str> = decoded
            .iter()
            .filter_map(|d| d.as_ref().ok().map(String::as_str))
            .collect();
        let mut copies = self.redactor.redact_all_on(&texts, self.par).into_iter();
        let mut out = Vec::with_capacity(decoded.len());
        for d in &decoded {
            out.push(match d {
                Ok(_) => {
                    let (copy, counts) = copies.next().expect("one copy per decoded text");
                    self.count(counts);
                    Ok(copy)
                }
                Err(e) => Err(e.clone()),
            });
        }
        out
    }

    fn count(&mut self, counts: RedactionCounts) {
        self.files += 1;
        self.lines += counts.lines;
        self.lines_changed += counts.lines_changed;
        for (kind, n) in counts.occurrences {
            *self.occurrences.entry(kind).or_default() += n;
        }
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
            d.starts_with("2 values masked on 2 of 3 lines in 2 files: 1 EMAIL (2 times), "),
            "{d}"
        );
        assert!(!d.contains("ana@"), "{d}");
    }

    #[test]
    fn redacted_names_keep_the_extension_and_drop_folders_and_gzip() {
        for (input, want) in [
            ("app.log", "app.redacted.log"),
            ("logs/app.log.gz", "app.redacted.log"),
            ("C:\\logs\\svc.jsonl", "svc.redacted.jsonl"),
            ("syslog", "syslog.redacted"),
            (".bashrc", ".bashrc.redacted"),
            ("", "log.redacted"),
        ] {
            assert_eq!(redacted_name(input), want, "{input}");
        }
    }

    #[test]
    fn user_patterns_apply_to_every_file_and_a_bad_one_is_an_error() {
        let pats = vec!["tenant=(\\w+)".to_string()];
        let logs = redact_texts_with(
            [
                ("a.log", "tenant=globex ok\n"),
                ("b.log", "x tenant=globex\n"),
            ],
            &pats,
        )
        .expect("valid pattern");
        assert_eq!(logs.files[0].text, "tenant=<CUSTOM_1> ok\n");
        assert_eq!(logs.files[1].text, "x tenant=<CUSTOM_1>\n");
        assert!(redact_texts_with([("a.log", "x")], &["(".to_string()]).is_err());
    }

    #[test]
    fn redacted_texts_keep_line_counts_and_share_placeholders() {
        let a = "ok\nlogin ana@example.org password=hunter22x\r\n\nend";
        let b = "again ana@example.org\n";
        let logs = redact_texts([("a.log", a), ("b.log", b)]);
        assert_eq!(logs.files.len(), 2);
        assert_eq!(logs.files[0].name, "a.redacted.log");
        assert_eq!(logs.files[0].lines, ingest::line_spans(a).len());
        assert_eq!(logs.files[1].lines, 1);
        assert_eq!(
            logs.files[0].text,
            "ok\nlogin <EMAIL_1> password=<SECRET_1>\r\n\nend"
        );
        assert_eq!(logs.files[1].text, "again <EMAIL_1>\n");
        assert_eq!((logs.summary.files, logs.summary.lines_changed), (2, 2));
        let json = serde_json::to_string(&logs).unwrap();
        assert!(!json.contains("hunter22x") && !json.contains("ana@"));
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
