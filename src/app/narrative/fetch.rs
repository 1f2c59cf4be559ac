//! Sending one LLM request from the page: `fetch` with a streamed response body, an
//! `AbortController` for cancel (and component cleanup), and an idle timer of our own.
//!
//! Promises: exactly the given [`HttpRequest`] goes out (method, URL, headers, body), with no
//! cookies and no referrer; response bytes reach the caller chunk by chunk as they arrive; every
//! way a request ends is one [`Failure`] or `Ok`, never a panic; a cancelled or timed-out request
//! is aborted in the browser (the connection closes) and says which of the two it was.

use crate::narrative::{HttpRequest, NarrativeError};
use js_sys::{Reflect, Uint8Array};
use std::cell::Cell;
use std::rc::Rc;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReadableStreamDefaultReader, ReferrerPolicy, RequestCredentials,
    RequestInit, RequestMode, Response,
};

/// Why we aborted a request ourselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Cancelled,
    /// No byte arrived for this many seconds.
    Timeout(u32),
}

/// How a request failed.
#[derive(Debug)]
pub enum Failure {
    /// No HTTP response: the server is down or refused the page (CORS).
    Network(String),
    /// A non-2xx response, with its Retry-After header and (the start of) its body.
    Status {
        status: u16,
        retry_after: Option<String>,
        body: Vec<u8>,
    },
    Stopped(Stop),
    /// The caller's decoder refused the bytes.
    Decode(NarrativeError),
}

/// Error bodies are read only this far: enough for the provider's message.
const MAX_ERROR_BODY: usize = 64 * 1024;

/// One request in flight: its abort controller and idle timer.
pub struct Flight {
    controller: AbortController,
    why: Rc<Cell<Option<Stop>>>,
    timer: Cell<Option<i32>>,
    on_idle: Closure<dyn FnMut()>,
    idle_ms: i32,
}

impl Flight {
    /// A flight that aborts itself after `idle_secs` without a byte.
    pub fn new(idle_secs: u32) -> Result<Flight, String> {
        let controller = AbortController::new().map_err(|e| describe(&e))?;
        let why = Rc::new(Cell::new(None));
        let on_idle = {
            let controller = controller.clone();
            let why = why.clone();
            Closure::<dyn FnMut()>::new(move || {
                if why.get().is_none() {
                    why.set(Some(Stop::Timeout(idle_secs)));
                }
                controller.abort();
            })
        };
        Ok(Flight {
            controller,
            why,
            timer: Cell::new(None),
            on_idle,
            idle_ms: i32::try_from(idle_secs.saturating_mul(1000)).unwrap_or(i32::MAX),
        })
    }

    /// Aborts the request (the user pressed Cancel, or the view went away).
    pub fn cancel(&self) {
        if self.why.get().is_none() {
            self.why.set(Some(Stop::Cancelled));
        }
        self.disarm();
        self.controller.abort();
    }

    fn arm(&self) {
        self.disarm();
        if let Some(w) = web_sys::window() {
            let id = w.set_timeout_with_callback_and_timeout_and_arguments_0(
                self.on_idle.as_ref().unchecked_ref(),
                self.idle_ms,
            );
            self.timer.set(id.ok());
        }
    }

    fn disarm(&self) {
        if let (Some(id), Some(w)) = (self.timer.take(), web_sys::window()) {
            w.clear_timeout_with_handle(id);
        }
    }

    /// A rejected promise as a failure: ours if we aborted, else the network's.
    fn failure(&self, e: JsValue) -> Failure {
        match self.why.get() {
            Some(stop) => Failure::Stopped(stop),
            None => Failure::Network(describe(&e)),
        }
    }
}

impl Drop for Flight {
    fn drop(&mut self) {
        self.disarm();
    }
}

/// Sends `req` and hands each chunk of a 2xx body to `on_bytes` as it arrives.
pub async fn send(
    req: &HttpRequest,
    flight: &Flight,
    on_bytes: impl FnMut(&[u8]) -> Result<(), NarrativeError>,
) -> Result<(), Failure> {
    let r = send_inner(req, flight, on_bytes).await;
    flight.disarm();
    r
}

async fn send_inner(
    req: &HttpRequest,
    flight: &Flight,
    mut on_bytes: impl FnMut(&[u8]) -> Result<(), NarrativeError>,
) -> Result<(), Failure> {
    let window = web_sys::window().ok_or_else(|| Failure::Network("no window".into()))?;
    let headers = Headers::new().map_err(|e| Failure::Network(describe(&e)))?;
    for (k, v) in &req.headers {
        headers
            .set(k, v)
            .map_err(|e| Failure::Network(describe(&e)))?;
    }
    let init = RequestInit::new();
    init.set_method(&req.method);
    init.set_headers(&headers);
    init.set_body(&JsValue::from_str(&req.body));
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&flight.controller.signal()));
    flight.arm();
    let resp: Response = JsFuture::from(window.fetch_with_str_and_init(&req.url, &init))
        .await
        .map_err(|e| flight.failure(e))?
        .unchecked_into();
    if !resp.ok() {
        let retry_after = resp.headers().get("retry-after").ok().flatten();
        let mut body = match resp.array_buffer() {
            Ok(p) => match JsFuture::from(p).await {
                Ok(buf) => Uint8Array::new(&buf).to_vec(),
                Err(e) => match flight.failure(e) {
                    f @ Failure::Stopped(_) => return Err(f),
                    _ => Vec::new(),
                },
            },
            Err(_) => Vec::new(),
        };
        body.truncate(MAX_ERROR_BODY);
        return Err(Failure::Status {
            status: resp.status(),
            retry_after,
            body,
        });
    }
    let Some(stream) = resp.body() else {
        return Ok(());
    };
    let reader: ReadableStreamDefaultReader = stream.get_reader().unchecked_into();
    loop {
        flight.arm();
        let step = JsFuture::from(reader.read())
            .await
            .map_err(|e| flight.failure(e))?;
        if Reflect::get(&step, &"done".into())
            .ok()
            .and_then(|d| d.as_bool())
            .unwrap_or(true)
        {
            return Ok(());
        }
        let value = Reflect::get(&step, &"value".into()).unwrap_or(JsValue::UNDEFINED);
        let bytes = value
            .dyn_into::<Uint8Array>()
            .map(|a| a.to_vec())
            .unwrap_or_default();
        if let Err(e) = on_bytes(&bytes) {
            // Stop downloading a stream we cannot read.
            flight.disarm();
            flight.controller.abort();
            return Err(Failure::Decode(e));
        }
    }
}

/// A JS error as text.
pub fn describe(e: &JsValue) -> String {
    e.as_string()
        .or_else(|| {
            e.dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{e:?}"))
}
