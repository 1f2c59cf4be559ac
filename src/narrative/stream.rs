//! Incremental decoding of streamed answers: SSE (OpenAI, Anthropic) and NDJSON (Ollama).
//!
//! Promises: bytes may arrive in chunks split anywhere (inside a line, a JSON value or a UTF-8
//! character) and decode the same as one chunk; input never causes a panic; a stream that
//! breaks its format, carries a provider error, or ends before its end marker gives a typed
//! error, never a silent partial answer. A server that ignored `stream: true` and sent one JSON
//! body is understood too. Lines longer than 4 MiB are refused rather than buffered forever.

use super::error::{NarrativeError, NarrativeErrorKind};
use super::wire::Provider;
use serde_json::Value;

/// One decoded step of the stream.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StreamEvent {
    /// Text to append to the answer.
    Text(String),
    /// The provider said the answer is complete.
    Done,
}

const MAX_LINE: usize = 4 << 20;

/// Turns response bytes into [`StreamEvent`]s for one provider.
#[derive(Debug, Clone)]
pub struct StreamDecoder {
    provider: Provider,
    buf: Vec<u8>,
    /// SSE `data:` lines of the event being read.
    data: Vec<String>,
    done: bool,
    /// OpenAI-style `finish_reason` seen: an end without `[DONE]` is then complete.
    finished: bool,
    failed: Option<NarrativeError>,
    /// Set when the first line is a JSON object: the server sent a whole, non-streamed body.
    whole: Option<Vec<u8>>,
    started: bool,
}

fn malformed(msg: impl Into<String>) -> NarrativeError {
    NarrativeError::new(
        NarrativeErrorKind::MalformedStream,
        format!("malformed answer stream: {}", msg.into()),
    )
}

fn provider_error(p: Provider, v: &Value) -> NarrativeError {
    let msg = v
        .pointer("/error/message")
        .and_then(Value::as_str)
        .or_else(|| v.get("error").and_then(Value::as_str))
        .or_else(|| v.pointer("/error/type").and_then(Value::as_str))
        .unwrap_or("unspecified error");
    let kind = v
        .pointer("/error/type")
        .and_then(Value::as_str)
        .unwrap_or("");
    let msg: String = msg.chars().take(300).collect();
    if kind == "rate_limit_error" {
        return NarrativeError::new(
            NarrativeErrorKind::RateLimited {
                retry_after_secs: None,
            },
            format!("the {} endpoint is rate limiting: {msg}", p.name()),
        );
    }
    NarrativeError::new(
        NarrativeErrorKind::Provider,
        format!("the {} endpoint stopped with an error: {msg}", p.name()),
    )
}

impl StreamDecoder {
    pub fn new(provider: Provider) -> Self {
        StreamDecoder {
            provider,
            buf: Vec::new(),
            data: Vec::new(),
            done: false,
            finished: false,
            failed: None,
            whole: None,
            started: false,
        }
    }

    /// True once the provider's end marker was decoded.
    pub fn is_done(&self) -> bool {
        self.done
    }

    /// Decodes a chunk. After an error every call returns that error.
    pub fn feed(&mut self, chunk: &[u8]) -> Result<Vec<StreamEvent>, NarrativeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut out = Vec::new();
        let r = self.feed_inner(chunk, &mut out);
        self.fail_on(r).map(|()| out)
    }

    /// The stream ended: decodes what is left and checks the answer was complete.
    pub fn finish(&mut self) -> Result<Vec<StreamEvent>, NarrativeError> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        let mut out = Vec::new();
        let r = self.finish_inner(&mut out);
        self.fail_on(r).map(|()| out)
    }

    fn fail_on(&mut self, r: Result<(), NarrativeError>) -> Result<(), NarrativeError> {
        if let Err(e) = &r {
            self.failed = Some(e.clone());
        }
        r
    }

    fn feed_inner(
        &mut self,
        chunk: &[u8],
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), NarrativeError> {
        if let Some(w) = &mut self.whole {
            if w.len() + chunk.len() > MAX_LINE {
                return Err(malformed("response body too large"));
            }
            w.extend_from_slice(chunk);
            return Ok(());
        }
        self.buf.extend_from_slice(chunk);
        let mut start = 0;
        while let Some(i) = memchr::memchr(b'\n', &self.buf[start..]) {
            let end = start + i;
            let line = self.buf[start..end].to_vec();
            start = end + 1;
            self.line(&line, out)?;
            if let Some(w) = &mut self.whole {
                w.extend_from_slice(&self.buf[start..]);
                self.buf.clear();
                return Ok(());
            }
        }
        self.buf.drain(..start);
        if self.buf.len() > MAX_LINE {
            return Err(malformed("a stream line longer than 4 MiB"));
        }
        Ok(())
    }

    fn finish_inner(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), NarrativeError> {
        if let Some(w) = self.whole.take() {
            return self.whole_body(&w, out);
        }
        if !self.buf.is_empty() {
            let line = std::mem::take(&mut self.buf);
            self.line(&line, out)?;
            if let Some(w) = self.whole.take() {
                return self.whole_body(&w, out);
            }
        }
        // A final SSE event not followed by a blank line still counts.
        self.dispatch(out)?;
        if self.done {
            return Ok(());
        }
        if self.finished {
            self.done = true;
            out.push(StreamEvent::Done);
            return Ok(());
        }
        Err(malformed(format!(
            "the {} stream ended before its end marker: the answer is incomplete (connection dropped or proxy cut it)",
            self.provider.name()
        )))
    }

    fn line(&mut self, raw: &[u8], out: &mut Vec<StreamEvent>) -> Result<(), NarrativeError> {
        let raw = raw.strip_suffix(b"\r").unwrap_or(raw);
        let line = std::str::from_utf8(raw)
            .map_err(|_| malformed(format!("the {} stream is not UTF-8", self.provider.name())))?;
        if self.done {
            // Bytes after the end marker (keep-alives, a trailing newline) change nothing.
            return Ok(());
        }
        let first = !self.started && !line.trim().is_empty();
        if first {
            self.started = true;
            // A JSON object where SSE was expected: the server did not stream.
            if self.provider != Provider::Ollama && line.trim_start().starts_with('{') {
                let mut w = raw.to_vec();
                w.push(b'\n');
                self.whole = Some(w);
                return Ok(());
            }
        }
        match self.provider {
            Provider::Ollama => self.ndjson(line, out),
            _ => self.sse(line, out),
        }
    }

    fn ndjson(&mut self, line: &str, out: &mut Vec<StreamEvent>) -> Result<(), NarrativeError> {
        let t = line.trim();
        if t.is_empty() {
            return Ok(());
        }
        let v: Value = serde_json::from_str(t).map_err(|e| {
            malformed(format!(
                "the ollama stream has a line that is not JSON ({e})"
            ))
        })?;
        if v.get("error").is_some() {
            return Err(provider_error(self.provider, &v));
        }
        if let Some(s) = v.pointer("/message/content").and_then(Value::as_str) {
            if !s.is_empty() {
                out.push(StreamEvent::Text(s.to_string()));
            }
        } else if v.get("done").is_none() {
            return Err(malformed(
                "the ollama stream has a line without message.content",
            ));
        }
        if v.get("done").and_then(Value::as_bool) == Some(true) {
            self.done = true;
            out.push(StreamEvent::Done);
        }
        Ok(())
    }

    fn sse(&mut self, line: &str, out: &mut Vec<StreamEvent>) -> Result<(), NarrativeError> {
        if line.is_empty() {
            return self.dispatch(out);
        }
        if line.starts_with(':') {
            return Ok(()); // comment / keep-alive
        }
        let (field, value) = match line.split_once(':') {
            Some((f, v)) => (f, v.strip_prefix(' ').unwrap_or(v)),
            None => (line, ""),
        };
        match field {
            "data" => self.data.push(value.to_string()),
            "event" | "id" | "retry" => {}
            _ => {
                return Err(malformed(format!(
                    "the {} stream is not server-sent events (line starts {:?})",
                    self.provider.name(),
                    line.chars().take(40).collect::<String>()
                )))
            }
        }
        Ok(())
    }

    /// Handles one complete SSE event.
    fn dispatch(&mut self, out: &mut Vec<StreamEvent>) -> Result<(), NarrativeError> {
        if self.data.is_empty() {
            return Ok(());
        }
        let data = self.data.join("\n");
        self.data.clear();
        if self.done {
            return Ok(());
        }
        if data.trim() == "[DONE]" {
            self.done = true;
            out.push(StreamEvent::Done);
            return Ok(());
        }
        let v: Value = serde_json::from_str(&data).map_err(|e| {
            malformed(format!(
                "the {} stream sent an event that is not JSON ({e})",
                self.provider.name()
            ))
        })?;
        if v.get("error").is_some_and(|e| !e.is_null()) {
            return Err(provider_error(self.provider, &v));
        }
        match self.provider {
            Provider::Anthropic => match v.get("type").and_then(Value::as_str) {
                Some("content_block_delta") => {
                    if let Some(t) = v.pointer("/delta/text").and_then(Value::as_str) {
                        out.push(StreamEvent::Text(t.to_string()));
                    }
                }
                Some("message_stop") => {
                    self.done = true;
                    out.push(StreamEvent::Done);
                }
                Some(_) => {}
                None => {
                    return Err(malformed(
                        "the anthropic stream sent an event without a type",
                    ))
                }
            },
            _ => {
                let Some(choice) = v.pointer("/choices/0") else {
                    // Usage-only chunks have no choices; anything else without them is odd but harmless.
                    return Ok(());
                };
                if let Some(t) = choice.pointer("/delta/content").and_then(Value::as_str) {
                    if !t.is_empty() {
                        out.push(StreamEvent::Text(t.to_string()));
                    }
                }
                if choice.get("finish_reason").is_some_and(|f| !f.is_null()) {
                    self.finished = true;
                }
            }
        }
        Ok(())
    }

    fn whole_body(
        &mut self,
        body: &[u8],
        out: &mut Vec<StreamEvent>,
    ) -> Result<(), NarrativeError> {
        let v: Value = serde_json::from_slice(body).map_err(|e| {
            malformed(format!(
                "the {} endpoint sent a body that is neither a stream nor JSON ({e})",
                self.provider.name()
            ))
        })?;
        if v.get("error").is_some_and(|e| !e.is_null()) {
            return Err(provider_error(self.provider, &v));
        }
        let text = match self.provider {
            Provider::Anthropic => v.get("content").and_then(Value::as_array).map(|blocks| {
                blocks
                    .iter()
                    .filter_map(|b| b.get("text").and_then(Value::as_str))
                    .collect::<String>()
            }),
            Provider::OpenAi => v
                .pointer("/choices/0/message/content")
                .and_then(Value::as_str)
                .map(str::to_string),
            Provider::Ollama => v
                .pointer("/message/content")
                .and_then(Value::as_str)
                .map(str::to_string),
        };
        let text = text.ok_or_else(|| {
            malformed(format!(
                "the {} endpoint's JSON body has no answer text",
                self.provider.name()
            ))
        })?;
        if !text.is_empty() {
            out.push(StreamEvent::Text(text));
        }
        self.done = true;
        out.push(StreamEvent::Done);
        Ok(())
    }
}

/// Decodes a whole response body at once (tests, and callers that buffered it).
pub fn decode_all(provider: Provider, body: &[u8]) -> Result<String, NarrativeError> {
    let mut d = StreamDecoder::new(provider);
    let mut text = String::new();
    for ev in d.feed(body)?.into_iter().chain(d.finish()?) {
        if let StreamEvent::Text(t) = ev {
            text.push_str(&t);
        }
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OPENAI: &str = "data: {\"choices\":[{\"delta\":{\"role\":\"assistant\"}}]}\n\n: keep-alive\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"Héllo \"}}]}\n\ndata: {\"choices\":[{\"delta\":{\"content\":\"wörld\"},\"finish_reason\":\"stop\"}]}\n\ndata: [DONE]\n\n";
    const ANTHROPIC: &str = "event: message_start\ndata: {\"type\":\"message_start\",\"message\":{}}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"Héllo \"}}\r\n\r\nevent: ping\ndata: {\"type\":\"ping\"}\n\nevent: content_block_delta\ndata: {\"type\":\"content_block_delta\",\"index\":0,\"delta\":{\"type\":\"text_delta\",\"text\":\"wörld\"}}\n\nevent: message_stop\ndata: {\"type\":\"message_stop\"}\n\n";
    const OLLAMA: &str = "{\"message\":{\"role\":\"assistant\",\"content\":\"Héllo \"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",\"content\":\"wörld\"},\"done\":false}\n{\"message\":{\"role\":\"assistant\",\"content\":\"\"},\"done\":true}\n";

    fn bytewise(p: Provider, body: &str) -> Result<String, NarrativeError> {
        let mut d = StreamDecoder::new(p);
        let mut text = String::new();
        let mut evs = Vec::new();
        for b in body.as_bytes() {
            evs.extend(d.feed(std::slice::from_ref(b))?);
        }
        evs.extend(d.finish()?);
        assert_eq!(evs.last(), Some(&StreamEvent::Done));
        for e in evs {
            if let StreamEvent::Text(t) = e {
                text.push_str(&t);
            }
        }
        Ok(text)
    }

    #[test]
    fn each_format_bytewise_and_whole() {
        for (p, body) in [
            (Provider::OpenAi, OPENAI),
            (Provider::Anthropic, ANTHROPIC),
            (Provider::Ollama, OLLAMA),
        ] {
            assert_eq!(bytewise(p, body).unwrap(), "Héllo wörld", "{p:?}");
            assert_eq!(
                decode_all(p, body.as_bytes()).unwrap(),
                "Héllo wörld",
                "{p:?}"
            );
        }
    }

    #[test]
    fn truncated_streams_are_errors() {
        let cut = &OPENAI[..OPENAI
            .find("data: {\"choices\":[{\"delta\":{\"content\":\"wörld")
            .unwrap()];
        let e = decode_all(Provider::OpenAi, cut.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::MalformedStream);
        let e = decode_all(Provider::Ollama, &OLLAMA.as_bytes()[..20]).unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::MalformedStream);
    }

    #[test]
    fn provider_error_events() {
        let body = "event: error\ndata: {\"type\":\"error\",\"error\":{\"type\":\"overloaded_error\",\"message\":\"Overloaded\"}}\n\n";
        let e = decode_all(Provider::Anthropic, body.as_bytes()).unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::Provider);
        assert!(e.message().contains("Overloaded"));
        let e = decode_all(Provider::Ollama, b"{\"error\":\"model crashed\"}\n").unwrap_err();
        assert!(e.message().contains("model crashed"));
    }

    #[test]
    fn non_streamed_json_body() {
        let body = br#"{"choices":[{"message":{"role":"assistant","content":"all at once"}}]}"#;
        assert_eq!(decode_all(Provider::OpenAi, body).unwrap(), "all at once");
        let body = br#"{"content":[{"type":"text","text":"a"},{"type":"text","text":"b"}]}"#;
        assert_eq!(decode_all(Provider::Anthropic, body).unwrap(), "ab");
    }

    #[test]
    fn garbage_is_malformed_and_sticky() {
        let mut d = StreamDecoder::new(Provider::OpenAi);
        let e = d.feed(b"<html>502 Bad Gateway</html>\n").unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::MalformedStream);
        assert_eq!(d.feed(b"data: [DONE]\n\n").unwrap_err(), e);
        let e = decode_all(Provider::OpenAi, b"data: {not json\n\n").unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::MalformedStream);
    }
}
