//! The analysis the page shows: the engine's [`Report`], read back from the worker's JSON, and
//! that JSON verbatim (for the JSON export and history, so what is saved is byte-identical to
//! what the CLI prints for the same input).

use crate::report::RootCause;
use crate::Report;
use std::sync::Arc;

/// One finished analysis.
#[derive(Debug, Clone, PartialEq)]
pub struct Analysis {
    pub report: Report,
    /// The report as the engine serialized it.
    pub json: Arc<str>,
}

impl Analysis {
    /// Parses the worker's JSON.
    pub fn from_json(json: String) -> Result<Analysis, serde_json::Error> {
        let report = serde_json::from_str(&json)?;
        Ok(Analysis {
            report,
            json: json.into(),
        })
    }
}

/// The headline sentence, or `None` while the engine has not determined a cause.
pub fn cause_sentence(rc: &RootCause) -> Option<String> {
    let class = Some(rc.failure_class.as_str()).filter(|c| !c.is_empty() && *c != "unknown")?;
    let class = crate::report::class_words(class);
    Some(match &rc.service {
        Some(s) => format!("{class} in {s}"),
        None => class,
    })
}
