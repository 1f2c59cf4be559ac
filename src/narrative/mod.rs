//! The LLM narrative (issue 5): prose on top of the deterministic report, never instead of it.
//!
//! Pure and deterministic like the rest of the engine: no clock, no network, no I/O. It builds
//! requests as data ([`HttpRequest`]) and decodes responses from bytes ([`StreamDecoder`]); the
//! CLI and the page send and receive. The flow:
//!
//! 1. [`Conversation::start`] redacts the report's findings and a budgeted, relevance-ordered set
//!    of evidence lines into a [`Payload`] the user can preview ([`Conversation::preview`]).
//! 2. [`Conversation::request`] gives the provider's streaming request; the caller sends it and
//!    feeds the response bytes to [`Conversation::decoder`]; a non-2xx status goes through
//!    [`error_from_status`], a failed connection through [`network_error`].
//! 3. [`Conversation::record_answer`] keeps the answer for follow-ups ([`Conversation::ask`]);
//!    [`Conversation::restore`] maps placeholders back for display; [`parse_answer`] splits the
//!    sections; [`check_answer`] flags services, hosts and numbers the findings do not contain,
//!    and a root cause that differs from the engine's.
//!
//! The report is never modified here: the caller may set `report.narrative` from
//! [`Conversation::narrative`]. While streaming, call [`Conversation::restore`] on the text
//! accumulated so far (a placeholder cut between chunks is restored once it is complete).
//!
//! ```
//! use faultline::{analyze, check_answer, AnalyzeOptions, Conversation, InputFile, LlmSettings, Provider, StreamEvent};
//!
//! let log = "2024-05-01T10:00:00Z ERROR orders-api pool exhausted for ana@example.org\n";
//! let report = analyze(&[InputFile::new("app.log", log.as_bytes().to_vec())], &AnalyzeOptions::default()).unwrap();
//! let conv = Conversation::start(&report, LlmSettings::new(Provider::Ollama, "http://localhost:11434", "llama3")).unwrap();
//! let req = conv.request().unwrap();
//! assert_eq!(req.url, "http://localhost:11434/api/chat");
//! assert!(!req.body.contains("ana@example.org") && req.body.contains("<EMAIL_1>"));
//!
//! // The caller sends `req` and feeds the response bytes, in whatever chunks they arrive.
//! let mut dec = conv.decoder();
//! let mut raw = String::new();
//! for chunk in [&b"{\"message\":{\"content\":\"orders-api failed; <EMA"[..], b"IL_1> saw errors\"},\"done\":true}\n"] {
//!     for ev in dec.feed(chunk).unwrap() {
//!         if let StreamEvent::Text(t) = ev { raw.push_str(&t); }
//!     }
//! }
//! dec.finish().unwrap();
//! let narrative = conv.narrative(&report, &raw);
//! assert_eq!(narrative.text, "orders-api failed; ana@example.org saw errors");
//! assert!(narrative.check.is_some_and(|c| c.is_clean()));
//! assert!(check_answer(&report, &narrative.text).is_clean());
//! ```

mod answer;
mod check;
mod error;
mod prompt;
mod redact;
mod share;
mod stream;
mod wire;

pub use answer::{parse_answer, Answer, Section};
pub use check::{check_answer, Check, Checker, Disagreement, Flag, FlagKind, Side};
pub use error::{NarrativeError, NarrativeErrorKind};
pub use prompt::{build_payload, estimate_tokens, ChatMessage, Payload, Role};
pub use redact::{Redactor, SecretKind};
pub use share::{
    redact_texts, redact_texts_with, redacted_name, KindCount, LogRedactor, RedactedFile,
    RedactedLogs, RedactionSummary,
};
pub use stream::{decode_all, StreamDecoder, StreamEvent};
pub use wire::{
    build_request, endpoint_url, error_from_status, network_error, HttpRequest, LlmSettings,
    Provider,
};

use crate::report::{Narrative, Report};

/// One narrative session: settings, the redactor whose placeholders the answers use, and the
/// chat so far. Follow-up questions reuse the same placeholders.
#[derive(Debug, Clone)]
pub struct Conversation {
    settings: LlmSettings,
    redactor: Redactor,
    payload: Payload,
}

impl Conversation {
    /// Redacts and budgets the report into the first payload. Fails only on an invalid user
    /// redaction pattern: the payload can be previewed before a URL or model is set
    /// ([`Conversation::request`] checks those).
    pub fn start(report: &Report, settings: LlmSettings) -> Result<Conversation, NarrativeError> {
        let mut redactor = Redactor::new(&settings.redact_patterns)?;
        let payload = build_payload(report, &mut redactor, settings.budget_tokens);
        Ok(Conversation {
            settings,
            redactor,
            payload,
        })
    }

    pub fn settings(&self) -> &LlmSettings {
        &self.settings
    }

    /// What will be sent, message by message, with the token estimate and evidence counts.
    pub fn payload(&self) -> &Payload {
        &self.payload
    }

    pub fn redactor(&self) -> &Redactor {
        &self.redactor
    }

    /// The streaming HTTP request for the conversation so far.
    pub fn request(&self) -> Result<HttpRequest, NarrativeError> {
        build_request(&self.settings, &self.payload)
    }

    /// The exact request (URL, headers with the key hidden, body) for the user to inspect.
    pub fn preview(&self) -> Result<String, NarrativeError> {
        Ok(self.request()?.preview())
    }

    /// A fresh decoder for this provider's response stream.
    pub fn decoder(&self) -> StreamDecoder {
        StreamDecoder::new(self.settings.provider)
    }

    /// Keeps the model's answer (as received, placeholders intact) for the next turn.
    pub fn record_answer(&mut self, raw: &str) {
        prompt::push_answer(&mut self.payload, raw);
    }

    /// Adds a follow-up question, redacted with the same placeholders.
    pub fn ask(&mut self, question: &str) {
        prompt::push_question(&mut self.payload, &mut self.redactor, question);
    }

    /// Placeholders in a (streamed or complete) answer mapped back to the real values.
    pub fn restore(&self, raw: &str) -> String {
        self.redactor.restore(raw)
    }

    /// A checker for this conversation's answers: `report`'s findings, and the evidence ids
    /// this payload sent.
    pub fn checker(&self, report: &Report) -> Checker {
        Checker::new(report).with_citations(&self.payload.evidence)
    }

    /// The report's `narrative` for a complete raw answer: provider, model, restored text and
    /// its check against `report` (the report this conversation started from).
    pub fn narrative(&self, report: &Report, raw: &str) -> Narrative {
        let text = self.restore(raw);
        let check = self.checker(report).check(&text);
        Narrative {
            source: self.settings.provider.name().to_string(),
            model: self.settings.model.clone(),
            text,
            check: Some(check),
        }
    }
}
