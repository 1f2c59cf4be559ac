//! Provider wire formats as data: the request to send and the meaning of an error response.
//!
//! Promises: a request is plain data ([`HttpRequest`]: method, URL, headers, JSON body) so the
//! CLI (native HTTP) and the page (fetch) send byte-identical requests; always `stream: true`.
//!
//! URL rules (the base URL is what the user typed, trailing `/` ignored, query kept):
//! - `openai`: a base ending in `/chat/completions` is used as is; one whose path ends in a
//!   version segment (`/v1`, `/openai/v1`, `/api/v1`...) gets `/chat/completions`; any other
//!   gets `/v1/chat/completions` (so `http://localhost:8000` works for vLLM, LM Studio and
//!   LiteLLM). Hosts under `.azure.com` get the key as `api-key`, others as `Authorization: Bearer`.
//! - `anthropic`: `/v1/messages` unless the base already ends in `/v1/messages` or `/v1`.
//! - `ollama`: `/api/chat` unless the base already ends in `/api/chat` or `/api`.

use super::error::{NarrativeError, NarrativeErrorKind};
use super::prompt::{Payload, Role};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};

/// The wire format spoken by the endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// OpenAI-compatible chat completions (OpenAI, Azure OpenAI, vLLM, LiteLLM, LM Studio).
    OpenAi,
    /// Anthropic Messages.
    Anthropic,
    /// Ollama's native `/api/chat`.
    Ollama,
}

impl Provider {
    pub fn from_name(name: &str) -> Option<Provider> {
        match name.to_ascii_lowercase().as_str() {
            "openai" | "openai-compatible" | "azure" | "vllm" | "litellm" | "lmstudio" => {
                Some(Provider::OpenAi)
            }
            "anthropic" | "claude" => Some(Provider::Anthropic),
            "ollama" => Some(Provider::Ollama),
            _ => None,
        }
    }

    /// The name used on the command line and in `narrative.source`.
    pub fn name(self) -> &'static str {
        match self {
            Provider::OpenAi => "openai",
            Provider::Anthropic => "anthropic",
            Provider::Ollama => "ollama",
        }
    }
}

/// What the user configured. The key is never serialised nor printed by `Debug`.
#[derive(Clone, PartialEq, Serialize, Deserialize)]
pub struct LlmSettings {
    pub provider: Provider,
    pub base_url: String,
    pub model: String,
    #[serde(skip)]
    pub api_key: Option<String>,
    pub temperature: Option<f64>,
    pub max_tokens: u32,
    /// Token budget of the payload (findings + evidence), estimated at 4 characters a token.
    pub budget_tokens: usize,
    /// Extra redaction patterns (Rust regex syntax).
    pub redact_patterns: Vec<String>,
}

impl LlmSettings {
    /// Settings with defaults: temperature 0.2, 1024 answer tokens, a 6000-token payload budget.
    pub fn new(provider: Provider, base_url: impl Into<String>, model: impl Into<String>) -> Self {
        LlmSettings {
            provider,
            base_url: base_url.into(),
            model: model.into(),
            api_key: None,
            temperature: Some(0.2),
            max_tokens: 1024,
            budget_tokens: 6000,
            redact_patterns: Vec::new(),
        }
    }
}

impl std::fmt::Debug for LlmSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LlmSettings")
            .field("provider", &self.provider)
            .field("base_url", &self.base_url)
            .field("model", &self.model)
            .field("api_key", &self.api_key.as_ref().map(|_| "<set>"))
            .field("temperature", &self.temperature)
            .field("max_tokens", &self.max_tokens)
            .field("budget_tokens", &self.budget_tokens)
            .field("redact_patterns", &self.redact_patterns)
            .finish()
    }
}

/// One HTTP request as data.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HttpRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl HttpRequest {
    /// Headers with credentials shown as `<hidden>`: for previews and logs.
    pub fn redacted_headers(&self) -> Vec<(String, String)> {
        self.headers
            .iter()
            .map(|(k, v)| {
                let secret = matches!(
                    k.to_ascii_lowercase().as_str(),
                    "authorization" | "x-api-key" | "api-key"
                );
                (
                    k.clone(),
                    if secret {
                        "<hidden>".to_string()
                    } else {
                        v.clone()
                    },
                )
            })
            .collect()
    }

    /// The request as the user previews it: method, URL, headers (key hidden) and exact body.
    pub fn preview(&self) -> String {
        let mut s = format!("{} {}\n", self.method, self.url);
        for (k, v) in self.redacted_headers() {
            s.push_str(&format!("{k}: {v}\n"));
        }
        s.push('\n');
        s.push_str(&self.body);
        s
    }
}

impl std::fmt::Debug for HttpRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("url", &self.url)
            .field("headers", &self.redacted_headers())
            .field("body_len", &self.body.len())
            .finish()
    }
}

fn invalid(msg: impl Into<String>) -> NarrativeError {
    NarrativeError::new(NarrativeErrorKind::InvalidSettings, msg)
}

/// The endpoint URL for `settings` (see the module docs for the rule).
pub fn endpoint_url(settings: &LlmSettings) -> Result<String, NarrativeError> {
    let raw = settings.base_url.trim();
    if !(raw.starts_with("http://") || raw.starts_with("https://")) {
        return Err(invalid(format!(
            "LLM base URL {raw:?} must start with http:// or https://"
        )));
    }
    let (base, query) = match raw.split_once('?') {
        Some((b, q)) => (b.trim_end_matches('/'), Some(q)),
        None => (raw.trim_end_matches('/'), None),
    };
    let last = base.rsplit('/').next().unwrap_or("");
    let is_version = last.len() >= 2
        && last.starts_with('v')
        && last[1..].chars().next().is_some_and(|c| c.is_ascii_digit());
    let url = match settings.provider {
        Provider::OpenAi if base.ends_with("/chat/completions") => base.to_string(),
        Provider::OpenAi if is_version => format!("{base}/chat/completions"),
        Provider::OpenAi => format!("{base}/v1/chat/completions"),
        Provider::Anthropic if base.ends_with("/v1/messages") => base.to_string(),
        Provider::Anthropic if base.ends_with("/v1") => format!("{base}/messages"),
        Provider::Anthropic => format!("{base}/v1/messages"),
        Provider::Ollama if base.ends_with("/api/chat") => base.to_string(),
        Provider::Ollama if base.ends_with("/api") => format!("{base}/chat"),
        Provider::Ollama => format!("{base}/api/chat"),
    };
    Ok(match query {
        Some(q) => format!("{url}?{q}"),
        None => url,
    })
}

fn host_of(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let authority = rest.split(['/', '?']).next().unwrap_or("");
    let host_port = authority.rsplit('@').next().unwrap_or("");
    host_port.split(':').next().unwrap_or("")
}

/// The streaming request for `payload` in the provider's wire format.
pub fn build_request(
    settings: &LlmSettings,
    payload: &Payload,
) -> Result<HttpRequest, NarrativeError> {
    if settings.model.trim().is_empty() {
        return Err(invalid("no LLM model given"));
    }
    let url = endpoint_url(settings)?;
    let role = |r: Role| match r {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
    };
    let turns: Vec<Value> = payload
        .messages
        .iter()
        .map(|m| json!({"role": role(m.role), "content": m.content}))
        .collect();
    let mut with_system = vec![json!({"role": "system", "content": payload.system})];
    with_system.extend(turns.iter().cloned());
    let mut headers = vec![("content-type".to_string(), "application/json".to_string())];
    let key = settings.api_key.as_deref().filter(|k| !k.is_empty());
    let body = match settings.provider {
        Provider::OpenAi => {
            if let Some(k) = key {
                if host_of(&url).ends_with(".azure.com") {
                    headers.push(("api-key".into(), k.into()));
                } else {
                    headers.push(("authorization".into(), format!("Bearer {k}")));
                }
            }
            headers.push(("accept".into(), "text/event-stream".into()));
            let mut b = json!({
                "model": settings.model,
                "messages": with_system,
                "stream": true,
                "max_tokens": settings.max_tokens,
            });
            if let Some(t) = settings.temperature {
                b["temperature"] = json!(t);
            }
            b
        }
        Provider::Anthropic => {
            if let Some(k) = key {
                headers.push(("x-api-key".into(), k.into()));
            }
            headers.push(("anthropic-version".into(), "2023-06-01".into()));
            // Required for calls from a browser page; ignored by the API otherwise.
            headers.push((
                "anthropic-dangerous-direct-browser-access".into(),
                "true".into(),
            ));
            headers.push(("accept".into(), "text/event-stream".into()));
            let mut b = json!({
                "model": settings.model,
                "system": payload.system,
                "messages": turns,
                "stream": true,
                "max_tokens": settings.max_tokens,
            });
            if let Some(t) = settings.temperature {
                b["temperature"] = json!(t);
            }
            b
        }
        Provider::Ollama => {
            if let Some(k) = key {
                // Ollama itself ignores it; proxies in front of it (and Ollama's cloud) read it.
                headers.push(("authorization".into(), format!("Bearer {k}")));
            }
            let mut options = json!({"num_predict": settings.max_tokens});
            if let Some(t) = settings.temperature {
                options["temperature"] = json!(t);
            }
            json!({
                "model": settings.model,
                "messages": with_system,
                "stream": true,
                "options": options,
            })
        }
    };
    Ok(HttpRequest {
        method: "POST".into(),
        url,
        headers,
        body: serde_json::to_string(&body).expect("request body serialises"),
    })
}

/// The provider's own error message in a JSON error body, if it has one.
fn body_message(body: &[u8]) -> Option<String> {
    let v: Value = serde_json::from_slice(body).ok()?;
    let m = v
        .pointer("/error/message")
        .or_else(|| v.get("error").filter(|e| e.is_string()))
        .or_else(|| v.get("message"))
        .or_else(|| v.pointer("/error/type"))?;
    m.as_str().map(|s| s.chars().take(300).collect())
}

/// The error for a non-2xx response. `retry_after` is the raw Retry-After header, if any.
pub fn error_from_status(
    settings: &LlmSettings,
    status: u16,
    retry_after: Option<&str>,
    body: &[u8],
) -> NarrativeError {
    let p = settings.provider.name();
    let said = body_message(body)
        .or_else(|| {
            let t = String::from_utf8_lossy(body);
            let t = t.trim();
            (!t.is_empty() && !t.starts_with('<')).then(|| t.chars().take(300).collect())
        })
        .map(|m| format!(" (the endpoint said: {m})"))
        .unwrap_or_default();
    let lower = String::from_utf8_lossy(body).to_ascii_lowercase();
    let model = &settings.model;
    let (kind, msg) = match status {
        401 | 403 => (NarrativeErrorKind::Unauthorized, unauthorized(settings, status, &said)),
        404 | 400 | 422 if lower.contains("model") && (status == 404 || lower.contains("not found") || lower.contains("does not exist") || lower.contains("unknown")) => (
            NarrativeErrorKind::UnknownModel,
            format!(
                "the {p} endpoint does not know model {model:?} (HTTP {status}){said}; check the model name{}",
                if settings.provider == Provider::Ollama { format!(" or run `ollama pull {model}`") } else { String::new() }
            ),
        ),
        404 => (
            NarrativeErrorKind::NotFound,
            format!(
                "nothing at {} (HTTP 404){said}; check the base URL",
                endpoint_url(settings).unwrap_or_else(|_| settings.base_url.clone())
            ),
        ),
        429 => {
            let secs = retry_after
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| s.ceil() as u64);
            let when = secs.map_or("later".to_string(), |s| format!("in {s} s"));
            (
                NarrativeErrorKind::RateLimited { retry_after_secs: secs },
                format!("the {p} endpoint is rate limiting (HTTP 429){said}; retry {when}"),
            )
        }
        408 | 504 => (
            NarrativeErrorKind::Timeout,
            format!("the {p} endpoint timed out (HTTP {status}){said}"),
        ),
        500..=599 => (
            NarrativeErrorKind::Server,
            format!("the {p} endpoint failed (HTTP {status}){said}; try again later"),
        ),
        _ => (
            NarrativeErrorKind::Http,
            format!("the {p} endpoint rejected the request (HTTP {status}){said}"),
        ),
    };
    NarrativeError::new(kind, msg).with_status(status)
}

/// The 401/403 message: with no key set, that none was sent; else which key to check. Where the
/// key comes from differs by caller: the CLI's `FAULTLINE_LLM_KEY` environment variable, the
/// page's API key field.
fn unauthorized(settings: &LlmSettings, status: u16, said: &str) -> String {
    let p = settings.provider.name();
    let model = &settings.model;
    if settings
        .api_key
        .as_deref()
        .is_none_or(|k| k.trim().is_empty())
    {
        return format!(
            "the {p} endpoint requires an API key (HTTP {status}){said} and none was sent; set one (the FAULTLINE_LLM_KEY environment variable for the CLI, the API key field on the page)"
        );
    }
    format!(
        "the {p} endpoint refused the API key (HTTP {status}){said}; check the key (the FAULTLINE_LLM_KEY environment variable for the CLI, the API key field on the page) and that it may use model {model:?}"
    )
}

/// The error for a request that got no HTTP response. `page_origin` is the page's origin when
/// the request came from a browser, where a CORS refusal looks exactly like this; the message
/// then says how to allow the page for this provider.
pub fn network_error(
    settings: &LlmSettings,
    detail: &str,
    page_origin: Option<&str>,
) -> NarrativeError {
    let url = endpoint_url(settings).unwrap_or_else(|_| settings.base_url.clone());
    let msg = match page_origin {
        None => {
            format!("could not reach {url}: {detail}; check that the server is running and the URL is right")
        }
        Some(origin) => {
            let fix = match settings.provider {
                Provider::Ollama => format!(
                    "Ollama only answers pages it allows: restart it with OLLAMA_ORIGINS={origin} (e.g. `OLLAMA_ORIGINS={origin} ollama serve`, or set it in the service environment)"
                ),
                Provider::Anthropic => "Anthropic's API accepts browser calls only with the anthropic-dangerous-direct-browser-access header (Faultline sends it); if it still fails, put a proxy that sets Access-Control-Allow-Origin in front of it".to_string(),
                Provider::OpenAi => format!(
                    "OpenAI's API does not accept calls from web pages: use a proxy such as LiteLLM that allows {origin} (Access-Control-Allow-Origin); LM Studio: enable CORS in its server settings; vLLM: start it with --allowed-origins '[\"{origin}\"]'"
                ),
            };
            format!(
                "the browser could not reach {url} ({detail}). The server may be down, or it refused this page (CORS). {fix}"
            )
        }
    };
    NarrativeError::new(NarrativeErrorKind::Network, msg)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(p: Provider, url: &str) -> LlmSettings {
        LlmSettings::new(p, url, "m")
    }

    #[test]
    fn url_rules() {
        let cases = [
            (
                Provider::OpenAi,
                "http://localhost:8000",
                "http://localhost:8000/v1/chat/completions",
            ),
            (
                Provider::OpenAi,
                "http://h/v1/",
                "http://h/v1/chat/completions",
            ),
            (
                Provider::OpenAi,
                "https://x.openai.azure.com/openai/v1",
                "https://x.openai.azure.com/openai/v1/chat/completions",
            ),
            (
                Provider::OpenAi,
                "http://h/v1/chat/completions?api-version=1",
                "http://h/v1/chat/completions?api-version=1",
            ),
            (
                Provider::Anthropic,
                "https://api.example.com",
                "https://api.example.com/v1/messages",
            ),
            (
                Provider::Anthropic,
                "https://api.example.com/v1",
                "https://api.example.com/v1/messages",
            ),
            (
                Provider::Ollama,
                "http://localhost:11434/",
                "http://localhost:11434/api/chat",
            ),
            (
                Provider::Ollama,
                "http://localhost:11434/api",
                "http://localhost:11434/api/chat",
            ),
        ];
        for (p, base, want) in cases {
            assert_eq!(endpoint_url(&s(p, base)).unwrap(), want, "{base}");
        }
        assert_eq!(
            endpoint_url(&s(Provider::OpenAi, "localhost:8000"))
                .unwrap_err()
                .kind(),
            &NarrativeErrorKind::InvalidSettings
        );
    }

    #[test]
    fn key_placement_and_preview_hides_it() {
        let p = Payload {
            system: "sys".into(),
            messages: vec![],
            evidence_included: 0,
            evidence_dropped: 0,
            evidence: vec![],
            tokens: 1,
            budget: 10,
        };
        let mut st = s(Provider::Anthropic, "http://h");
        st.api_key = Some("k-123".into());
        let r = build_request(&st, &p).unwrap();
        assert!(r.headers.contains(&("x-api-key".into(), "k-123".into())));
        let body: Value = serde_json::from_str(&r.body).unwrap();
        assert_eq!(body["system"], "sys");
        assert_eq!(body["stream"], true);
        assert!(!r.preview().contains("k-123"));
        assert!(!format!("{r:?}{st:?}").contains("k-123"));
        st.provider = Provider::OpenAi;
        st.base_url = "https://r.openai.azure.com/openai/v1".into();
        let r = build_request(&st, &p).unwrap();
        assert!(r.headers.contains(&("api-key".into(), "k-123".into())));
    }

    #[test]
    fn status_mapping() {
        let st = s(Provider::Ollama, "http://h");
        let e = error_from_status(&st, 429, Some("7"), b"");
        assert_eq!(e.retry_after_secs(), Some(7));
        let e = error_from_status(&st, 404, None, br#"{"error":"model 'm' not found"}"#);
        assert_eq!(e.kind(), &NarrativeErrorKind::UnknownModel);
        assert!(e.message().contains("ollama pull m"));
        let e = error_from_status(&st, 404, None, b"404 page not found");
        assert_eq!(e.kind(), &NarrativeErrorKind::NotFound);
        let e = error_from_status(&st, 401, None, b"");
        assert_eq!(e.kind(), &NarrativeErrorKind::Unauthorized);
        assert_eq!(e.status(), Some(401));
        let e = error_from_status(&st, 503, None, b"");
        assert_eq!(e.kind(), &NarrativeErrorKind::Server);
    }

    #[test]
    fn unauthorized_says_whether_a_key_was_sent_and_where_keys_come_from() {
        let mut st = s(Provider::OpenAi, "http://h");
        let none = error_from_status(&st, 401, None, b"").message().to_string();
        assert!(none.contains("none was sent"), "{none}");
        assert!(!none.contains("command line"), "{none}");
        st.api_key = Some("k-1".into());
        let bad = error_from_status(&st, 403, None, b"").message().to_string();
        assert!(!bad.contains("none was sent"), "{bad}");
        assert!(
            bad.contains("FAULTLINE_LLM_KEY environment variable") && bad.contains("\"m\""),
            "{bad}"
        );
        assert!(!bad.contains("k-1"), "the key itself is never shown: {bad}");
    }

    #[test]
    fn unreachable_message_is_one_sentence_without_a_question_mark() {
        let e = network_error(&s(Provider::OpenAi, "http://h"), "refused", None);
        assert!(!e.message().contains('?'), "{}", e.message());
        assert!(e.message().ends_with("the URL is right"), "{}", e.message());
    }

    #[test]
    fn cors_help_per_provider() {
        let e = network_error(
            &s(Provider::Ollama, "http://h:11434"),
            "TypeError: Failed to fetch",
            Some("https://app.test"),
        );
        assert!(e.message().contains("OLLAMA_ORIGINS=https://app.test"));
        let e = network_error(
            &s(Provider::OpenAi, "http://h"),
            "x",
            Some("https://app.test"),
        );
        assert!(e.message().contains("proxy") && e.message().contains("LM Studio"));
        let e = network_error(&s(Provider::Anthropic, "http://h"), "x", None);
        assert!(e.message().contains("could not reach http://h/v1/messages"));
    }
}
