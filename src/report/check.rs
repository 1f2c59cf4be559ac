//! The check of an LLM answer against the report, as stored in `narrative.check`: flags where
//! the answer names what the findings do not contain, and a root cause that differs from the
//! engine's. Data only; `narrative::check` computes it.

use super::Evidence;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    Service,
    Host,
    Number,
    /// An evidence id (E1, E2, ...) that was not sent, or whose line does not show what the
    /// sentence citing it says.
    Citation,
}

/// Something in the answer the report does not back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Flag {
    pub kind: FlagKind,
    pub value: String,
    /// Byte offsets of `value` in the checked text.
    pub start: usize,
    pub end: usize,
}

/// One side of a root-cause disagreement.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Side {
    pub service: Option<String>,
    pub failure_class: Option<String>,
    pub statement: String,
    /// Lines of the input that support this side (empty: the logs do not show it).
    pub evidence: Vec<Evidence>,
}

/// The engine and the answer name different root causes: both, each with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub engine: Side,
    pub answer: Side,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Check {
    pub flags: Vec<Flag>,
    pub disagreement: Option<Disagreement>,
    /// How many services, hosts and numbers were compared.
    pub checked: usize,
}

impl Check {
    /// No unknown names or numbers and no disagreement.
    pub fn is_clean(&self) -> bool {
        self.flags.is_empty() && self.disagreement.is_none()
    }

    /// `text` cut at the flags, for inline marking: `(piece, flag)` in order, covering all of it.
    pub fn segments<'a>(&'a self, text: &'a str) -> Vec<(&'a str, Option<&'a Flag>)> {
        let mut out = Vec::new();
        let mut at = 0;
        for f in &self.flags {
            if f.start < at
                || f.end > text.len()
                || !text.is_char_boundary(f.start)
                || !text.is_char_boundary(f.end)
            {
                continue;
            }
            if f.start > at {
                out.push((&text[at..f.start], None));
            }
            out.push((&text[f.start..f.end], Some(f)));
            at = f.end;
        }
        if at < text.len() {
            out.push((&text[at..], None));
        }
        out
    }
}
