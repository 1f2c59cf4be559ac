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
mod restore;
mod review;
mod share;
mod stream;
mod wire;

pub use answer::{parse_answer, Answer, Section};
pub use check::{check_answer, Check, Checker, Disagreement, Flag, FlagKind, Side};
pub use error::{NarrativeError, NarrativeErrorKind};
pub use prompt::{build_payload, estimate_tokens, ChatMessage, Payload, Role};
pub use redact::{Redactor, SecretKind};
pub use restore::Restorer;
pub use review::Review;
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
use serde::{Deserialize, Serialize};

/// One turn of a conversation as its caller keeps it: the follow-up question (none for the
/// narrative itself) and the model's answer as received (none yet for the turn being asked).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Exchange {
    pub question: Option<String>,
    pub answer: Option<String>,
}

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

    /// The conversation after `turns`, rebuilt from the report: started, then each turn's
    /// question asked and answer recorded in order. The redactor is deterministic, so the
    /// placeholders and payload are those of the conversation that lived through the same turns
    /// (the worker keeps no conversation between requests).
    pub fn resume(
        report: &Report,
        settings: LlmSettings,
        turns: &[Exchange],
    ) -> Result<Conversation, NarrativeError> {
        let mut c = Conversation::start(report, settings)?;
        for t in turns {
            if let Some(q) = &t.question {
                c.ask(q);
            }
            if let Some(a) = &t.answer {
                c.record_answer(a);
            }
        }
        Ok(c)
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

    /// The placeholder table, to restore answers where the redactor is not.
    pub fn restorer(&self) -> Restorer {
        self.redactor.restorer()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, AnalyzeOptions, InputFile};

    fn report() -> Report {
        let log = "2024-05-01T10:00:00Z ERROR orders-api pool exhausted for ana@example.org\n\
                   2024-05-01T10:00:02Z ERROR orders-api login from 203.0.113.9 failed\n";
        analyze(
            &[InputFile::new("app.log", log.as_bytes().to_vec())],
            &AnalyzeOptions::default(),
        )
        .unwrap()
    }

    fn settings() -> LlmSettings {
        LlmSettings::new(Provider::Ollama, "http://localhost:11434", "llama3")
    }

    #[test]
    fn a_resumed_conversation_is_the_one_that_lived_through_the_turns() {
        let r = report();
        let mut live = Conversation::start(&r, settings()).unwrap();
        live.record_answer("orders-api failed for <EMAIL_1>.");
        live.ask("Was bo@example.org told, and ana@example.org?");
        let turns = [
            Exchange {
                question: None,
                answer: Some("orders-api failed for <EMAIL_1>.".into()),
            },
            Exchange {
                question: Some("Was bo@example.org told, and ana@example.org?".into()),
                answer: None,
            },
        ];
        let resumed = Conversation::resume(&r, settings(), &turns).unwrap();
        assert_eq!(resumed.payload(), live.payload());
        assert_eq!(resumed.restorer(), live.restorer());
        let asked = &resumed.payload().messages.last().unwrap().content;
        assert!(
            asked.contains("<EMAIL_1>") && asked.contains("<EMAIL_2>"),
            "{asked}"
        );
        assert_eq!(resumed.restorer().restore("<EMAIL_2>"), "bo@example.org");
    }

    #[test]
    fn resuming_fails_on_an_invalid_pattern_as_starting_does() {
        let mut s = settings();
        s.redact_patterns = vec!["([unclosed".into()];
        let e = Conversation::resume(&report(), s, &[]).unwrap_err();
        assert_eq!(*e.kind(), NarrativeErrorKind::InvalidPattern);
    }
}
