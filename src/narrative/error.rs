//! Typed errors of the narrative path: a kind a caller can match on, and a message a person can act on.

use std::fmt;

/// What went wrong, coarse enough to branch on (retry, ask for a key, show a CORS fix).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NarrativeErrorKind {
    /// A user-supplied redaction pattern is not a valid regex.
    InvalidPattern,
    /// Settings cannot make a request (empty URL or model, unknown provider name).
    InvalidSettings,
    /// HTTP 401/403: the endpoint refused the key.
    Unauthorized,
    /// The endpoint does not know the model.
    UnknownModel,
    /// HTTP 404 that does not name the model: most likely a wrong base URL.
    NotFound,
    /// HTTP 429; `retry_after_secs` from the Retry-After header (or the body) when given.
    RateLimited { retry_after_secs: Option<u64> },
    /// No answer in time (the caller's clock, or HTTP 408/504).
    Timeout,
    /// HTTP 5xx other than 504.
    Server,
    /// Any other non-success status (400, 413, 422, ...).
    Http,
    /// Could not reach the endpoint; in a browser this is how a CORS refusal looks.
    Network,
    /// The response stream broke its own wire format or ended early.
    MalformedStream,
    /// The provider sent an error inside a successful stream (e.g. `overloaded_error`).
    Provider,
}

/// An error with its kind, the HTTP status when there was one, and a message that says what to do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NarrativeError {
    kind: NarrativeErrorKind,
    status: Option<u16>,
    message: String,
}

impl NarrativeError {
    pub(crate) fn new(kind: NarrativeErrorKind, message: impl Into<String>) -> Self {
        NarrativeError {
            kind,
            status: None,
            message: message.into(),
        }
    }

    pub(crate) fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    pub fn kind(&self) -> &NarrativeErrorKind {
        &self.kind
    }

    /// The HTTP status behind the error, if any.
    pub fn status(&self) -> Option<u16> {
        self.status
    }

    /// Seconds to wait before retrying, for a rate limit that said so.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self.kind {
            NarrativeErrorKind::RateLimited { retry_after_secs } => retry_after_secs,
            _ => None,
        }
    }

    pub fn message(&self) -> &str {
        &self.message
    }

    /// The caller's clock ran out (the engine has none): one message for the CLI and the page.
    pub fn timeout(after_secs: u64) -> Self {
        NarrativeError::new(
            NarrativeErrorKind::Timeout,
            format!(
                "no answer from the LLM endpoint within {after_secs} s; the report stands without a narrative (raise the timeout or use a smaller model)"
            ),
        )
    }
}

impl fmt::Display for NarrativeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for NarrativeError {}
