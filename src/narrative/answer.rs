//! Lenient parsing of the model's answer into the sections the prompt asked for.
//!
//! Promises: headings are recognised in the forms models actually use (`## Root cause`,
//! `**Root cause:**`, `Root cause:` on its own line or followed by text, numbered `2. Five whys`);
//! text before the first heading is kept as the summary; an answer with no recognised heading is
//! plain text (`structured: false`) and is never lost: `text` always holds the whole answer.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Summary,
    RootCause,
    FiveWhys,
    StatusUpdate,
    Postmortem,
}

/// The answer split into sections; `text` is the whole answer as given.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Answer {
    pub summary: Option<String>,
    pub root_cause: Option<String>,
    pub five_whys: Option<String>,
    pub status_update: Option<String>,
    pub postmortem: Option<String>,
    pub text: String,
    /// At least one section heading was recognised.
    pub structured: bool,
}

impl Section {
    /// Every section, in the order the prompt asks for them.
    pub const ALL: [Section; 5] = [
        Section::Summary,
        Section::RootCause,
        Section::FiveWhys,
        Section::StatusUpdate,
        Section::Postmortem,
    ];
}

impl Answer {
    pub fn get(&self, s: Section) -> Option<&str> {
        match s {
            Section::Summary => self.summary.as_deref(),
            Section::RootCause => self.root_cause.as_deref(),
            Section::FiveWhys => self.five_whys.as_deref(),
            Section::StatusUpdate => self.status_update.as_deref(),
            Section::Postmortem => self.postmortem.as_deref(),
        }
    }

    fn slot(&mut self, s: Section) -> &mut Option<String> {
        match s {
            Section::Summary => &mut self.summary,
            Section::RootCause => &mut self.root_cause,
            Section::FiveWhys => &mut self.five_whys,
            Section::StatusUpdate => &mut self.status_update,
            Section::Postmortem => &mut self.postmortem,
        }
    }
}

/// Which section a heading names, by the words in it.
fn section_of(name: &str) -> Option<Section> {
    let n: String = name
        .to_ascii_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect();
    let n = n.split_whitespace().collect::<Vec<_>>().join(" ");
    if n.is_empty() || n.split(' ').count() > 6 {
        return None;
    }
    if n.contains("root cause") || n == "cause" {
        Some(Section::RootCause)
    } else if n.contains("whys") || n.contains("why analysis") {
        Some(Section::FiveWhys)
    } else if n.contains("status") || n.contains("customer") {
        Some(Section::StatusUpdate)
    } else if n.contains("postmortem") || n.contains("post mortem") || n.contains("retrospective") {
        Some(Section::Postmortem)
    } else if n.contains("summary") || n == "tl dr" || n == "tldr" || n == "overview" {
        Some(Section::Summary)
    } else {
        None
    }
}

/// A heading line: its section and any text after a colon on the same line.
fn heading(line: &str) -> Option<(Section, String)> {
    let t = line.trim();
    let hashes = t.starts_with('#');
    let t = t.trim_start_matches('#').trim();
    // Numbered headings: "2. Root cause", "2) Root cause".
    let t = t
        .trim_start_matches(|c: char| c.is_ascii_digit())
        .trim_start_matches(['.', ')'])
        .trim();
    let bold = t.starts_with("**") || t.starts_with("__");
    let t = t.trim_start_matches(['*', '_']).trim();
    let (name, rest) = match t.find(':') {
        Some(i) => (&t[..i], t[i + 1..].trim()),
        None => (t, ""),
    };
    let name = name.trim_end_matches(['*', '_']).trim();
    let rest = rest.trim_start_matches(['*', '_']).trim();
    let colon = t.contains(':');
    if !(hashes || bold || colon || section_of(t).is_some() && t.len() < 40) {
        return None;
    }
    let sec = section_of(name)?;
    // "Root cause: ..." inside prose is only a heading when it starts the line.
    Some((sec, rest.to_string()))
}

/// Splits `text` into sections; see the module docs.
pub fn parse_answer(text: &str) -> Answer {
    let mut a = Answer {
        text: text.to_string(),
        ..Answer::default()
    };
    let mut current: Option<Section> = None;
    let mut buf = String::new();
    let mut preamble = String::new();
    let flush = |a: &mut Answer, cur: Option<Section>, buf: &mut String| {
        if let Some(s) = cur {
            let body = buf.trim().to_string();
            if !body.is_empty() {
                let slot = a.slot(s);
                match slot {
                    Some(prev) => {
                        prev.push_str("\n\n");
                        prev.push_str(&body);
                    }
                    None => *slot = Some(body),
                }
            }
        }
        buf.clear();
    };
    for line in text.lines() {
        if let Some((sec, rest)) = heading(line) {
            flush(&mut a, current, &mut buf);
            a.structured = true;
            current = Some(sec);
            if !rest.is_empty() {
                buf.push_str(&rest);
                buf.push('\n');
            }
            continue;
        }
        if current.is_some() {
            buf.push_str(line);
            buf.push('\n');
        } else {
            preamble.push_str(line);
            preamble.push('\n');
        }
    }
    flush(&mut a, current, &mut buf);
    if a.structured && a.summary.is_none() && !preamble.trim().is_empty() {
        a.summary = Some(preamble.trim().to_string());
    }
    a
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_headings() {
        let a = parse_answer("## Summary\nA broke.\n\n## Root cause\nB ran out of memory.\n## Five whys\n1. Why?\n## Status update\nWe are on it.\n## Postmortem\nLong text.");
        assert!(a.structured);
        assert_eq!(a.summary.as_deref(), Some("A broke."));
        assert_eq!(a.root_cause.as_deref(), Some("B ran out of memory."));
        assert_eq!(a.five_whys.as_deref(), Some("1. Why?"));
        assert_eq!(a.status_update.as_deref(), Some("We are on it."));
        assert_eq!(a.postmortem.as_deref(), Some("Long text."));
    }

    #[test]
    fn bold_and_inline_headings_and_preamble() {
        let a = parse_answer("Here is the analysis.\n**Root Cause:** disk full on db-main\n**Customer-facing status update**\nSome requests failed.\n3. Postmortem: done");
        assert_eq!(a.summary.as_deref(), Some("Here is the analysis."));
        assert_eq!(a.root_cause.as_deref(), Some("disk full on db-main"));
        assert_eq!(a.status_update.as_deref(), Some("Some requests failed."));
        assert_eq!(a.postmortem.as_deref(), Some("done"));
    }

    #[test]
    fn plain_text_fallback() {
        let t = "The service failed because the cache was down. Restart it.";
        let a = parse_answer(t);
        assert!(!a.structured);
        assert_eq!(a.text, t);
        assert_eq!(a.root_cause, None);
        // A mention of "root cause" inside prose is not a heading.
        assert!(!parse_answer("We think the root cause is the cache, because of x: y").structured);
    }
}
