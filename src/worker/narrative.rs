//! The LLM narrative's engine half, for the page: the payload ([`kind::NARRATIVE`]: redaction
//! and budgeting) and the review of an answer ([`kind::REVIEW`]: sections and check).
//!
//! Promises: stateless between requests apart from a cache of the last report read (its JSON
//! text, the parsed report and its [`Checker`]), so the budget line, the preview and Write,
//! which ask about the same report in a row, parse and index it once; an answer for a report is
//! the same whether or not it was cached. Every request gets one reply: `json`, or `error` when
//! the request cannot be read.

use super::protocol::{self, kind, PayloadAnswer, PayloadAsk, ReviewAsk};
use crate::{Checker, Conversation, LlmSettings, NarrativeErrorKind, Provider, Report, Review};
use std::cell::RefCell;
use wasm_bindgen::JsValue;
use web_sys::DedicatedWorkerGlobalScope;

/// The last report read: its JSON text, the report, and its checker once one was needed.
struct Read {
    json: String,
    report: Report,
    checker: Option<Checker>,
}

thread_local! {
    static LAST: RefCell<Option<Read>> = const { RefCell::new(None) };
}

/// Answers a `narrative` or `review` request.
pub(super) fn handle(scope: &DedicatedWorkerGlobalScope, data: &JsValue, which: &str) {
    let reply = protocol::message(which);
    protocol::set(&reply, "id", &protocol::get_f64(data, "id").into());
    let answer = if which == kind::NARRATIVE {
        payload(data)
    } else {
        review(data)
    };
    match answer {
        Ok(json) => protocol::set(&reply, "json", &json.into()),
        Err(e) => protocol::set(&reply, "error", &e.into()),
    }
    // Posting a plain object of strings cannot fail.
    let _ = scope.post_message(&reply);
}

fn payload(data: &JsValue) -> Result<String, String> {
    let ask: PayloadAsk = request(data)?;
    let mut settings = LlmSettings::new(Provider::OpenAi, "", "");
    settings.budget_tokens = ask.budget;
    settings.redact_patterns = ask.patterns;
    let answer = match with_report(data, |r| {
        Conversation::resume(&r.report, settings, &ask.turns)
    })? {
        Ok(c) => PayloadAnswer::Ready {
            payload: c.payload().clone(),
            restorer: c.restorer(),
            placeholders: c
                .redactor()
                .placeholders()
                .into_iter()
                .map(|(p, _)| p)
                .collect(),
        },
        Err(e) if *e.kind() == NarrativeErrorKind::InvalidPattern => {
            PayloadAnswer::InvalidPattern(e.message().to_string())
        }
        Err(e) => return Err(e.message().to_string()),
    };
    serde_json::to_string(&answer).map_err(|e| e.to_string())
}

fn review(data: &JsValue) -> Result<String, String> {
    let ask: ReviewAsk = request(data)?;
    let review = with_report(data, |r| {
        let checker = r.checker();
        match (ask.saved, ask.evidence) {
            (Some(saved), _) => Review::with_check(checker, &ask.text, saved),
            (None, Some(sent)) => {
                Review::new(&checker.clone().with_citations(&sent), &ask.text, ask.root)
            }
            (None, None) => Review::new(checker, &ask.text, ask.root),
        }
    })?;
    serde_json::to_string(&review).map_err(|e| e.to_string())
}

/// The request's `json` field as `T`.
fn request<T: serde::de::DeserializeOwned>(data: &JsValue) -> Result<T, String> {
    let json = protocol::get_str(data, "json").ok_or("the request has no json")?;
    serde_json::from_str(&json).map_err(|e| format!("unreadable request: {e}"))
}

impl Read {
    /// The report's checker, made on first use.
    fn checker(&mut self) -> &Checker {
        self.checker
            .get_or_insert_with(|| Checker::new(&self.report))
    }
}

/// Runs `f` on the request's report (`report`, JSON text), read from the cache when it is the
/// last one read.
fn with_report<T>(data: &JsValue, f: impl FnOnce(&mut Read) -> T) -> Result<T, String> {
    let json = protocol::get_str(data, "report").ok_or("the request has no report")?;
    LAST.with(|last| {
        let mut last = last.borrow_mut();
        let read = match last.take() {
            Some(read) if read.json == json => read,
            old => {
                // Drop the old one first: peak memory is one report, not two.
                drop(old);
                let report: Report =
                    serde_json::from_str(&json).map_err(|e| format!("unreadable report: {e}"))?;
                Read {
                    json,
                    report,
                    checker: None,
                }
            }
        };
        Ok(f(last.insert(read)))
    })
}
