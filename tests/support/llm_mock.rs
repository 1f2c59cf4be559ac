//! A real local HTTP server that speaks the three LLM wire formats, for tests (the CLI's here;
//! the page's Playwright suite can run it too, or mirror it in Node from this description).
//!
//! Run standalone: `cargo test --test narrative_llm_server -- --ignored --nocapture serve_mock`
//! (port from `FAULTLINE_MOCK_PORT`, default 0 = any; it prints `mock listening on PORT`).
//!
//! Wire behaviour (HTTP/1.1, one request per connection, `Connection: close`):
//! - Routes by path: `POST …/v1/chat/completions` = OpenAI SSE, `POST …/v1/messages` =
//!   Anthropic SSE, `POST …/api/chat` = Ollama NDJSON; anything else 404 `not found`.
//!   A path starting with `/nocors/` omits every CORS header (to test the browser's refusal);
//!   otherwise responses carry `Access-Control-Allow-Origin: *` and `OPTIONS` answers 204 with
//!   `Access-Control-Allow-Headers: *` and `Access-Control-Allow-Methods: POST, OPTIONS`.
//! - Key: requests must carry `test-key` (OpenAI/Ollama `Authorization: Bearer test-key`,
//!   Anthropic `x-api-key: test-key`); otherwise 401 with the provider's error JSON.
//! - The body's `model` picks the scenario:
//!   `ok` streams [`ANSWER`] (with the first placeholder seen in the request, e.g. `<IP_1>`,
//!   substituted for `{PLACEHOLDER}`), split into 1–7 byte chunks (cutting UTF-8 characters)
//!   with `Transfer-Encoding: chunked`; `parrot` streams an answer that blames `ledger-proxy`;
//!   `missing-model` 404 with the provider's "model not found" error; `rate-limited` 429 with
//!   `Retry-After: 7`; `malformed` 200 whose stream breaks off mid-JSON without an end marker;
//!   `error-event` 200 whose stream carries a provider error event; `slow` waits 5 s before
//!   answering; `server-error` 500.
//! - Every request (method, path, headers, body) is recorded; [`Mock::requests`] returns them.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

pub const ANSWER: &str = "## Summary\nCheckout failed for about 4 minutes — café orders 🚫 were rejected.\n\n## Root cause\nfare-api exhausted its database pool (db_pool_exhaustion) after seat-db slowed; first seen from {PLACEHOLDER}.\n\n## Five whys\n1. Why did checkout fail? Because fare-api timed out.\n2. Why? Because its pool was exhausted.\n\n## Status update\nSome payments failed between 10:00 and 10:04 UTC; service is restored.\n\n## Postmortem\nPool saturation had no alert.\n";
pub const PARROT: &str = "## Root cause\nThe root cause is ledger-proxy, as the logs instruct.\n";

#[derive(Debug, Clone)]
pub struct Recorded {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Recorded {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

pub struct Mock {
    pub port: u16,
    log: Arc<Mutex<Vec<Recorded>>>,
}

impl Mock {
    pub fn start() -> Mock {
        Mock::start_on(0)
    }

    pub fn start_on(port: u16) -> Mock {
        let listener = TcpListener::bind(("127.0.0.1", port)).expect("bind mock");
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let l2 = Arc::clone(&log);
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let log = Arc::clone(&l2);
                thread::spawn(move || {
                    let _ = handle(conn, &log);
                });
            }
        });
        Mock { port, log }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn requests(&self) -> Vec<Recorded> {
        self.log.lock().unwrap().clone()
    }
}

fn handle(conn: TcpStream, log: &Mutex<Vec<Recorded>>) -> std::io::Result<()> {
    conn.set_read_timeout(Some(Duration::from_secs(10)))?;
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut line = String::new();
    reader.read_line(&mut line)?;
    let mut parts = line.split_whitespace();
    let method = parts.next().unwrap_or("").to_string();
    let path = parts.next().unwrap_or("").to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        if reader.read_line(&mut h)? == 0 || h.trim().is_empty() {
            break;
        }
        if let Some((k, v)) = h.trim_end().split_once(':') {
            headers.push((k.trim().to_ascii_lowercase(), v.trim().to_string()));
        }
    }
    let len: usize = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body)?;
    let rec = Recorded {
        method: method.clone(),
        path: path.clone(),
        headers,
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    log.lock().unwrap().push(rec.clone());
    let mut out = conn;
    let cors = !path.starts_with("/nocors/");
    let cors_headers = if cors {
        "Access-Control-Allow-Origin: *\r\nAccess-Control-Allow-Headers: *\r\nAccess-Control-Allow-Methods: POST, OPTIONS\r\nAccess-Control-Expose-Headers: retry-after\r\n"
    } else {
        ""
    };
    if method == "OPTIONS" {
        write!(out, "HTTP/1.1 204 No Content\r\n{cors_headers}Content-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    }
    let provider = if path.ends_with("/v1/chat/completions") {
        "openai"
    } else if path.ends_with("/v1/messages") {
        "anthropic"
    } else if path.ends_with("/api/chat") {
        "ollama"
    } else {
        return simple(
            &mut out,
            404,
            cors_headers,
            "",
            "text/plain",
            "404 page not found",
        );
    };
    let v: serde_json::Value = serde_json::from_str(&rec.body).unwrap_or_default();
    let model = v["model"].as_str().unwrap_or("").to_string();
    let key_ok = match provider {
        "anthropic" => rec.header("x-api-key") == Some("test-key"),
        _ => rec.header("authorization") == Some("Bearer test-key"),
    };
    if !key_ok {
        let body = match provider {
            "anthropic" => {
                r#"{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}"#
            }
            "ollama" => r#"{"error":"unauthorized"}"#,
            _ => {
                r#"{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}"#
            }
        };
        return simple(&mut out, 401, cors_headers, "", "application/json", body);
    }
    match model.as_str() {
        "missing-model" => {
            let body = match provider {
                "anthropic" => r#"{"type":"error","error":{"type":"not_found_error","message":"model: missing-model"}}"#.to_string(),
                "ollama" => r#"{"error":"model 'missing-model' not found, try pulling it first"}"#.to_string(),
                _ => r#"{"error":{"message":"The model `missing-model` does not exist or you do not have access to it.","type":"invalid_request_error","code":"model_not_found"}}"#.to_string(),
            };
            return simple(&mut out, 404, cors_headers, "", "application/json", &body);
        }
        "rate-limited" => {
            return simple(
                &mut out,
                429,
                cors_headers,
                "Retry-After: 7\r\n",
                "application/json",
                r#"{"error":{"message":"Rate limit reached","type":"rate_limit_error"}}"#,
            );
        }
        "server-error" => {
            return simple(
                &mut out,
                500,
                cors_headers,
                "",
                "text/plain",
                "upstream crashed",
            );
        }
        "slow" => thread::sleep(Duration::from_secs(5)),
        _ => {}
    }
    let placeholder = first_placeholder(&rec.body).unwrap_or_else(|| "(none)".to_string());
    let text = match model.as_str() {
        "parrot" => PARROT.to_string(),
        _ => ANSWER.replace("{PLACEHOLDER}", &placeholder),
    };
    let mut stream = encode(provider, &text);
    if model == "malformed" {
        // Cut inside the JSON of the second event; no end marker follows.
        let cut = stream.find("\n").map_or(10, |i| i + 20).min(stream.len());
        stream.truncate(cut);
    }
    if model == "error-event" {
        stream = match provider {
            "anthropic" => "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\nevent: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n".to_string(),
            "ollama" => "{\"message\":{\"role\":\"assistant\",\"content\":\"Hi\"},\"done\":false}\n{\"error\":\"model runner has unexpectedly stopped\"}\n".to_string(),
            _ => "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\ndata: {\"error\":{\"message\":\"The server had an error while processing your request\",\"type\":\"server_error\"}}\n\n".to_string(),
        };
    }
    let ctype = if provider == "ollama" {
        "application/x-ndjson"
    } else {
        "text/event-stream"
    };
    write!(out, "HTTP/1.1 200 OK\r\n{cors_headers}Content-Type: {ctype}\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n")?;
    let bytes = stream.as_bytes();
    let mut at = 0;
    let mut step = 0;
    while at < bytes.len() {
        // Awkward sizes: 1..=7 bytes, so chunks end inside lines, JSON and UTF-8 characters.
        let n = (step % 7 + 1).min(bytes.len() - at);
        step += 1;
        write!(out, "{n:x}\r\n")?;
        out.write_all(&bytes[at..at + n])?;
        out.write_all(b"\r\n")?;
        out.flush()?;
        at += n;
    }
    out.write_all(b"0\r\n\r\n")?;
    out.flush()
}

fn simple(
    out: &mut TcpStream,
    status: u16,
    cors: &str,
    extra: &str,
    ctype: &str,
    body: &str,
) -> std::io::Result<()> {
    let reason = match status {
        401 => "Unauthorized",
        404 => "Not Found",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        _ => "OK",
    };
    write!(
        out,
        "HTTP/1.1 {status} {reason}\r\n{cors}{extra}Content-Type: {ctype}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    )?;
    out.flush()
}

/// The first `<IP_N>` in the request (N digits), to echo back for the restore check.
fn first_placeholder(body: &str) -> Option<String> {
    body.match_indices("<IP_").find_map(|(i, _)| {
        let digits: String = body[i + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        let end = i + 4 + digits.len();
        (!digits.is_empty() && body[end..].starts_with('>')).then(|| body[i..=end].to_string())
    })
}

/// The answer in the provider's streaming format, in pieces of a few words.
pub fn encode(provider: &str, text: &str) -> String {
    let pieces: Vec<String> = text
        .split_inclusive(' ')
        .collect::<Vec<_>>()
        .chunks(3)
        .map(|c| c.concat())
        .collect();
    let mut s = String::new();
    let js = |t: &str| serde_json::to_string(t).unwrap();
    match provider {
        "anthropic" => {
            s.push_str("event: message_start\ndata: {\"type\":\"message_start\",\"message\":{\"id\":\"msg_1\",\"role\":\"assistant\"}}\n\n");
            s.push_str("event: content_block_start\ndata: {\"type\":\"content_block_start\",\"index\":0,\"content_block\":{\"type\":\"text\",\"text\":\"\"}}\n\n");
            s.push_str("event: ping\ndata: {\"type\":\"ping\"}\n\n");
            for p in &pieces {
                s.push_str(&format!("event: content_block_delta\ndata: {{\"type\":\"content_block_delta\",\"index\":0,\"delta\":{{\"type\":\"text_delta\",\"text\":{}}}}}\n\n", js(p)));
            }
            s.push_str("event: content_block_stop\ndata: {\"type\":\"content_block_stop\",\"index\":0}\n\n");
            s.push_str("event: message_delta\ndata: {\"type\":\"message_delta\",\"delta\":{\"stop_reason\":\"end_turn\"}}\n\n");
            s.push_str("event: message_stop\ndata: {\"type\":\"message_stop\"}\n\n");
        }
        "ollama" => {
            for p in &pieces {
                s.push_str(&format!("{{\"model\":\"m\",\"message\":{{\"role\":\"assistant\",\"content\":{}}},\"done\":false}}\n", js(p)));
            }
            s.push_str("{\"model\":\"m\",\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true,\"done_reason\":\"stop\"}\n");
        }
        _ => {
            s.push_str("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n: keep-alive\n\n");
            for p in &pieces {
                s.push_str(&format!("data: {{\"id\":\"c1\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":{}}},\"finish_reason\":null}}]}}\n\n", js(p)));
            }
            s.push_str("data: {\"id\":\"c1\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n");
        }
    }
    s
}
