//! JSON records: JSON lines with drifting field names, Docker json-file, journald, GCP
//! LogEntry, and the multi-record documents (OTLP, CloudWatch, Kubernetes lists, arrays).

use super::{decode_inner, envelope, merge_inner, trim_newline, Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::{Format, Level, Precision};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt;
use std::sync::OnceLock;

type Obj = Map<String, Value>;

/// One line holding one JSON object.
pub(crate) fn decode_json_line(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    if !line.trim_end().ends_with('}') {
        return None;
    }
    // Fast path: top-level keys borrowed from the line, values left as raw JSON until a field
    // family asks for them. Multi-record shapes (OTLP, CloudWatch, lists) take the tree path.
    let mut r = match serde_json::from_str::<Lazy>(line) {
        Ok(o)
            if !["resourceLogs", "events", "items"]
                .iter()
                .any(|k| o.raw(k).is_some())
                && !may_be_envelope(&o) =>
        {
            object_record(&o, ctx, depth)
        }
        Ok(_) => {
            let v: Value = serde_json::from_str(line).ok()?;
            from_value(v, ctx, depth)?
        }
        Err(_) => return None,
    };
    if let Msg::Owned(s) = &r.message {
        if s.is_empty() && r.format == Format::JsonLines {
            r.message = Msg::Range(0, line.len());
        }
    }
    Some(r)
}

/// Top-level keys under which [`envelope`] finds record arrays: such lines take the tree path.
fn may_be_envelope(o: &Lazy) -> bool {
    let starts = |k: &str, c: char| o.raw(k).is_some_and(|v| v.get().starts_with(c));
    ["records", "entries", "logEvents", "streams"]
        .iter()
        .any(|k| starts(k, '['))
        || starts("hits", '{')
        || o.raw("data")
            .is_some_and(|v| v.get().starts_with('{') && v.get().contains("\"result\""))
}

/// A whole JSON document (pretty-printed over many lines). First record returned, the rest
/// pushed to `ctx.extra`; envelope records carry their offset in `text`.
pub(crate) fn decode_document(text: &str, ctx: &mut Ctx) -> Option<Record> {
    let v: Value = serde_json::from_str(text).ok()?;
    let offsets = v
        .as_object()
        .and_then(|o| envelope::offsets(text, o))
        .unwrap_or_default();
    let first_extra = ctx.extra.len();
    let mut r = from_value(v, ctx, 0)?;
    if offsets.len() == ctx.extra.len() - first_extra + 1 {
        r.at = offsets.first().copied();
        for (x, &at) in ctx.extra[first_extra..].iter_mut().zip(&offsets[1..]) {
            x.at = Some(at);
        }
    }
    if let Msg::Owned(s) = &r.message {
        if s.is_empty() {
            let compact: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
            r.message = Msg::Owned(compact.chars().take(512).collect());
        }
    }
    Some(r)
}

fn from_value(v: Value, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let mut records = match v {
        Value::Array(items) => items
            .into_iter()
            .filter_map(|x| match x {
                Value::Object(o) => Some(value_record(&o, ctx, depth)),
                _ => None,
            })
            .collect(),
        Value::Object(o) => document_records(o, ctx, depth),
        _ => return None,
    };
    if records.is_empty() {
        return None;
    }
    let first = records.remove(0);
    ctx.extra.extend(records);
    Some(first)
}

fn document_records(o: Obj, ctx: &mut Ctx, depth: u8) -> Vec<Record> {
    let mut one = |r: &Obj, ctx: &mut Ctx| value_record(r, ctx, depth);
    if let Some(rs) = envelope::records(&o, ctx, depth, &mut one) {
        return rs;
    }
    if let Some(Value::Array(rl)) = o.get("resourceLogs") {
        return otlp(rl, ctx);
    }
    if let Some(Value::Array(evs)) = o.get("events") {
        if evs.first().and_then(|e| e.get("message")).is_some() {
            return cloudwatch(evs, ctx, depth);
        }
    }
    if let Some(Value::Array(items)) = o.get("items") {
        if items.iter().all(Value::is_object) && !items.is_empty() {
            return items
                .iter()
                .filter_map(Value::as_object)
                .map(|it| value_record(it, ctx, depth))
                .collect();
        }
    }
    vec![value_record(&o, ctx, depth)]
}

/// A record from an object of a parsed document (the slow path): re-read as a [`Lazy`] object.
fn value_record(o: &Obj, ctx: &mut Ctx, depth: u8) -> Record {
    let text = serde_json::to_string(o).unwrap_or_default();
    match serde_json::from_str::<Lazy>(&text) {
        Ok(l) => object_record(&l, ctx, depth),
        Err(_) => Record::new(Format::JsonLines, Msg::Owned(String::new())),
    }
}

/// An object key, borrowed from the input unless it holds escapes.
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_string())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        d.deserialize_str(V)
    }
}

/// One JSON object read shallowly: its keys, and each value as unparsed JSON text. The mask
/// holds one bit per key (see [`key_bit`]) so most of the ~100 field-family probes per record
/// miss without comparing strings.
pub(crate) struct Lazy<'a>(Vec<(Cow<'a, str>, &'a RawValue)>, u64);

#[inline]
fn key_bit(k: &str) -> u64 {
    let b = k.as_bytes();
    let (f, l) = match (b.first(), b.last()) {
        (Some(&f), Some(&l)) => (f as u32, l as u32),
        _ => (0, 0),
    };
    let h = (b.len() as u32).wrapping_mul(0x9e37) ^ f.wrapping_mul(0x45d9) ^ l.wrapping_mul(0x27d4);
    1u64 << (h.wrapping_mul(0x9e37_79b9) >> 26)
}

impl<'de> Deserialize<'de> for Lazy<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Lazy<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<Lazy<'de>, A::Error> {
                let mut v = Vec::with_capacity(m.size_hint().unwrap_or(12));
                let mut mask = 0;
                while let Some((k, raw)) = m.next_entry::<Key<'de>, &'de RawValue>()? {
                    mask |= key_bit(&k.0);
                    v.push((k.0, raw));
                }
                Ok(Lazy(v, mask))
            }
        }
        d.deserialize_map(V)
    }
}

/// A field value, classified from its first byte; strings decoded only when they hold escapes.
enum J<'a> {
    Str(Cow<'a, str>),
    Num(Number),
    Obj(Lazy<'a>),
    Other,
}

impl<'a> J<'a> {
    fn of(raw: &'a RawValue) -> J<'a> {
        let t = raw.get();
        match t.as_bytes().first() {
            Some(b'"') => {
                if memchr::memchr(b'\\', t.as_bytes()).is_none() {
                    J::Str(Cow::Borrowed(&t[1..t.len() - 1]))
                } else {
                    serde_json::from_str::<String>(t).map_or(J::Other, |s| J::Str(Cow::Owned(s)))
                }
            }
            Some(b'{') => serde_json::from_str::<Lazy>(t).map_or(J::Other, J::Obj),
            Some(b'-' | b'0'..=b'9') => serde_json::from_str::<Number>(t).map_or(J::Other, J::Num),
            _ => J::Other,
        }
    }
    fn as_str(&self) -> Option<&str> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }
    fn into_str(self) -> Option<Cow<'a, str>> {
        match self {
            J::Str(s) => Some(s),
            _ => None,
        }
    }
}

impl<'a> Lazy<'a> {
    /// The raw value of a top-level key (the last one wins, as in a parsed map).
    fn raw(&self, key: &str) -> Option<&'a RawValue> {
        if self.1 & key_bit(key) == 0 {
            return None;
        }
        self.0.iter().rev().find(|(k, _)| k == key).map(|&(_, v)| v)
    }
    fn has(&self, key: &str) -> bool {
        self.raw(key).is_some()
    }
    fn field(&self, key: &str) -> Option<J<'a>> {
        self.raw(key).map(J::of)
    }
    /// A field by a dotted name: the flat key first (`"log.level"`), then the path.
    fn get(&self, key: &str) -> Option<J<'a>> {
        if let Some(v) = self.raw(key) {
            return Some(J::of(v));
        }
        let (head, rest) = key.split_once('.')?;
        let raw = self.raw(head)?;
        if !raw.get().starts_with('{') {
            return None;
        }
        match J::of(raw) {
            J::Obj(inner) => inner.get(rest),
            _ => None,
        }
    }
    /// Families served by this object's keys (see [`family_index`]).
    fn families(&self) -> u32 {
        let idx = family_index();
        self.0
            .iter()
            .fold(0, |m, (k, _)| m | idx.get(k.as_ref()).copied().unwrap_or(0))
    }
    /// [`Lazy::get_str`] for one family, skipped when no key of the object can serve it.
    fn pick(&self, fm: u32, fam: u32, keys: &[&str]) -> Option<Cow<'a, str>> {
        if fm & fam == 0 {
            return None;
        }
        self.get_str(keys)
    }
    fn get_str(&self, keys: &[&str]) -> Option<Cow<'a, str>> {
        keys.iter().find_map(|k| match self.get(k)? {
            J::Str(s) if !s.is_empty() => Some(s),
            _ => None,
        })
    }
}

fn scalar_string(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

const TIME_KEYS: [&str; 14] = [
    "time",
    "timestamp",
    "ts",
    "@timestamp",
    "t",
    "date",
    "Time",
    "Timestamp",
    "datetime",
    "eventTime",
    "lastTimestamp",
    "firstTimestamp",
    "timeUnixNano",
    "observedTimeUnixNano",
];
const LEVEL_KEYS: [&str; 13] = [
    "level",
    "severity",
    "lvl",
    "log.level",
    "loglevel",
    "log_level",
    "levelname",
    "level_name",
    "Level",
    "severityText",
    "severity_text",
    "@l",
    "s",
];
const MSG_KEYS: [&str; 14] = [
    "msg",
    "message",
    "MESSAGE",
    "log",
    "text",
    "textPayload",
    "jsonPayload.message",
    "fields.message",
    "@fields.msg",
    "@fields.message",
    "body",
    "@m",
    "Output",
    "Message",
];
/// Keys that name the service that wrote a record (bunyan's and pino's `name` is the
/// application's). A logger or component (`logger`, `component`) is a part of a program, not a
/// service: it becomes the event's component, and names a service only when nothing else does
/// (see `entities::complete`).
const SERVICE_KEYS: [&str; 12] = [
    "service.name",
    "service",
    "serviceName",
    "service_name",
    "resource.labels.service_name",
    "kubernetes.container_name",
    "app",
    "application",
    "SYSLOG_IDENTIFIER",
    "_SYSTEMD_UNIT",
    "logStreamName",
    "name",
];

// Field families. An object's family mask says which families any of its top-level keys can
// serve (a flat key, or the head of a dotted path), so absent families cost nothing.
const F_TIME: u32 = 1 << 0;
const F_LEVEL: u32 = 1 << 1;
const F_MSG: u32 = 1 << 2;
const F_SERVICE: u32 = 1 << 3;
const F_HOST: u32 = 1 << 4;
const F_POD: u32 = 1 << 5;
const F_NS: u32 = 1 << 6;
const F_CONTAINER: u32 = 1 << 7;
const F_TRACE: u32 = 1 << 8;
const F_SPAN: u32 = 1 << 9;
const F_REQ: u32 = 1 << 10;
const F_USER: u32 = 1 << 11;
const F_COMP: u32 = 1 << 12;
const F_METHOD: u32 = 1 << 13;
const F_PATH: u32 = 1 << 14;
const F_STATUS: u32 = 1 << 15;
const HOST_KEYS: [&str; 6] = [
    "hostname",
    "host",
    "_HOSTNAME",
    "kubernetes.host",
    "host.name",
    "source.host",
];
const POD_KEYS: [&str; 7] = [
    "pod",
    "pod_name",
    "podName",
    "kubernetes.pod_name",
    "resource.labels.pod_name",
    "k8s.pod.name",
    "involvedObject.name",
];
const NS_KEYS: [&str; 5] = [
    "namespace",
    "kubernetes.namespace_name",
    "resource.labels.namespace_name",
    "k8s.namespace.name",
    "involvedObject.namespace",
];
const CONTAINER_KEYS: [&str; 5] = [
    "container",
    "container_name",
    "kubernetes.container_name",
    "resource.labels.container_name",
    "CONTAINER_NAME",
];
const TRACE_KEYS: [&str; 7] = [
    "trace_id",
    "traceId",
    "traceID",
    "trace",
    "logging.googleapis.com/trace",
    "trace.id",
    "dd.trace_id",
];
const SPAN_KEYS: [&str; 5] = [
    "span_id",
    "spanId",
    "spanID",
    "logging.googleapis.com/spanId",
    "span.id",
];
const REQ_KEYS: [&str; 5] = ["request_id", "requestId", "req_id", "x-request-id", "reqId"];
const USER_KEYS: [&str; 3] = ["user_id", "userId", "user"];
const COMP_KEYS: [&str; 7] = [
    "logger",
    "component",
    "logger_name",
    "log.logger",
    "caller",
    "target",
    "c",
];
const METHOD_KEYS: [&str; 5] = [
    "method",
    "request.method",
    "httpRequest.requestMethod",
    "http.method",
    "http.request.method",
];
const PATH_KEYS: [&str; 7] = [
    "path",
    "uri",
    "request.uri",
    "httpRequest.requestUrl",
    "url.path",
    "http.url",
    "request_uri",
];
const STATUS_KEYS: [&str; 6] = [
    "status",
    "status_code",
    "statusCode",
    "httpRequest.status",
    "http.status_code",
    "http.response.status_code",
];
const FAMILIES: [(u32, &[&str]); 18] = [
    (F_TIME, &TIME_KEYS),
    (F_LEVEL, &LEVEL_KEYS),
    (F_MSG, &MSG_KEYS),
    (F_SERVICE, &SERVICE_KEYS),
    (F_HOST, &HOST_KEYS),
    (F_POD, &POD_KEYS),
    (F_NS, &NS_KEYS),
    (F_CONTAINER, &CONTAINER_KEYS),
    (F_TRACE, &TRACE_KEYS),
    (F_SPAN, &SPAN_KEYS),
    (F_REQ, &REQ_KEYS),
    (F_USER, &USER_KEYS),
    (F_COMP, &COMP_KEYS),
    (F_METHOD, &METHOD_KEYS),
    (F_PATH, &PATH_KEYS),
    (F_STATUS, &STATUS_KEYS),
    (F_TIME, &["instant"]),
    (
        F_LEVEL,
        &[
            "PRIORITY",
            "severityNumber",
            "type",
            "fields",
            "@fields",
            "log",
        ],
    ),
];

/// Top-level key (or dotted-path head) -> the families it may serve.
fn family_index() -> &'static HashMap<&'static str, u32> {
    static INDEX: OnceLock<HashMap<&'static str, u32>> = OnceLock::new();
    INDEX.get_or_init(|| {
        let mut m = HashMap::new();
        for (bit, keys) in FAMILIES {
            for k in keys {
                *m.entry(*k).or_insert(0) |= bit;
                if let Some((head, _)) = k.split_once('.') {
                    *m.entry(head).or_insert(0) |= bit;
                }
            }
        }
        m
    })
}

/// A time value: string (any written form), number (epoch by magnitude), or object
/// (`{"$date": ...}`, `{"epochSecond","nanoOfSecond"}`).
fn time_of(v: &Value, key: &str, ctx: &mut Ctx) -> Option<(i64, Precision)> {
    match v {
        Value::String(s) => {
            if key.ends_with("UnixNano") {
                let n: i64 = s.parse().ok()?;
                return (n > 0).then_some((n, Precision::Nano));
            }
            let c = time::parse_value(s)?;
            ctx.time(&c)
        }
        Value::Number(n) => {
            if key.ends_with("UnixNano") {
                return n.as_i64().filter(|&x| x > 0).map(|x| (x, Precision::Nano));
            }
            let c = time::epoch_number(n)?;
            Some((c.to_ns()?, c.precision))
        }
        Value::Object(o) => {
            if let Some(d) = o.get("$date") {
                return time_of(d, "$date", ctx);
            }
            let s = o.get("epochSecond")?.as_i64()?;
            let n = o.get("nanoOfSecond").and_then(Value::as_i64).unwrap_or(0);
            Some((s.checked_mul(1_000_000_000)? + n, Precision::Nano))
        }
        _ => None,
    }
}

/// How much a key's name says "the event's time": lower is surer; `None` when it does not.
fn time_name_rank(k: &str) -> Option<u8> {
    let l = k.to_ascii_lowercase();
    let l = l.trim_start_matches(['@', '_']);
    if matches!(l, "t" | "ts" | "time" | "timestamp" | "datetime" | "date") {
        Some(0)
    } else if l.ends_with("timestamp") || l.ends_with("time") || l.starts_with("time") {
        Some(1)
    } else if l.contains("time") || l.contains("date") {
        Some(2)
    } else if l.ends_with("_at") || k.ends_with("At") {
        Some(3)
    } else {
        None
    }
}

/// Objects nested this deep are still searched for a time field (`{"win":{"system":{...}}}`).
const MAX_TIME_DEPTH: u8 = 2;

/// The event time under any key whose name says time and whose value reads as one, the
/// surest name first (`@t`, `CreationTime`, `created_at`); then inside nested objects.
fn any_time(o: &Lazy, ctx: &mut Ctx, depth: u8) -> Option<(i64, Precision)> {
    let mut best: Option<(u8, (i64, Precision))> = None;
    for (k, raw) in &o.0 {
        let Some(rank) = time_name_rank(k) else {
            continue;
        };
        if best.is_some_and(|(b, _)| b <= rank) {
            continue;
        }
        if let Some(t) = time_of_j(&J::of(raw), k, ctx) {
            best = Some((rank, t));
        }
    }
    if let Some((_, t)) = best {
        return Some(t);
    }
    if depth >= MAX_TIME_DEPTH {
        return None;
    }
    o.0.iter()
        .filter(|(_, raw)| raw.get().starts_with('{'))
        .find_map(|(_, raw)| match J::of(raw) {
            J::Obj(inner) => any_time(&inner, ctx, depth + 1),
            _ => None,
        })
}

/// [`time_of`] for a lazily read field.
fn time_of_j(v: &J, key: &str, ctx: &mut Ctx) -> Option<(i64, Precision)> {
    match v {
        J::Str(s) => {
            if key.ends_with("UnixNano") {
                let n: i64 = s.parse().ok()?;
                return (n > 0).then_some((n, Precision::Nano));
            }
            let c = time::parse_value(s)?;
            ctx.time(&c)
        }
        J::Num(n) => {
            if key.ends_with("UnixNano") {
                return n.as_i64().filter(|&x| x > 0).map(|x| (x, Precision::Nano));
            }
            let c = time::epoch_number(n)?;
            Some((c.to_ns()?, c.precision))
        }
        J::Obj(o) => {
            if let Some(d) = o.field("$date") {
                return time_of_j(&d, "$date", ctx);
            }
            let s = match o.field("epochSecond")? {
                J::Num(n) => n.as_i64()?,
                _ => return None,
            };
            let n = match o.field("nanoOfSecond") {
                Some(J::Num(n)) => n.as_i64().unwrap_or(0),
                _ => 0,
            };
            Some((s.checked_mul(1_000_000_000)? + n, Precision::Nano))
        }
        J::Other => None,
    }
}

fn level_of_j(v: &J, key: &str) -> Option<Level> {
    match v {
        J::Str(s) => {
            if key == "PRIORITY" {
                return level::from_syslog(s.parse().ok()?);
            }
            level::from_word(s.trim())
        }
        J::Num(n) => {
            let n = n.as_i64()?;
            match key {
                "severityNumber" | "severity_number" => level::from_otlp(n),
                "PRIORITY" => level::from_syslog(n as u32),
                _ => level::from_bunyan(n).or_else(|| {
                    (0..=7)
                        .contains(&n)
                        .then(|| level::from_syslog(n as u32))
                        .flatten()
                }),
            }
        }
        _ => None,
    }
}

fn message_of_j<'a>(v: J<'a>) -> Option<Cow<'a, str>> {
    match v {
        J::Str(s) => Some(s),
        J::Obj(o) => {
            // OTLP body, GCP jsonPayload
            if let Some(J::Str(s)) = o.field("stringValue") {
                return Some(s);
            }
            o.get_str(&["message", "msg"])
        }
        _ => None,
    }
}

fn object_record(o: &Lazy, ctx: &mut Ctx, depth: u8) -> Record {
    let has = |k: &str| o.has(k);
    let format = if has("log")
        && o.raw("log").is_some_and(|v| v.get().starts_with('"'))
        && (has("stream") || has("time"))
    {
        Format::DockerJson
    } else if has("__REALTIME_TIMESTAMP")
        || (has("MESSAGE") && (has("PRIORITY") || has("_SYSTEMD_UNIT") || has("_HOSTNAME")))
    {
        Format::Journald
    } else if has("jsonPayload") || has("textPayload") || has("protoPayload") || has("logName") {
        Format::GcpLogEntry
    } else {
        Format::JsonLines
    };
    let mut r = Record::new(format, Msg::Owned(String::new()));
    let fm = o.families();

    // time
    if let Some(J::Str(us)) = o.field("__REALTIME_TIMESTAMP") {
        if let Ok(us) = us.parse::<i64>() {
            r.time = Some((us * 1000, Precision::Micro));
        }
    }
    if r.time.is_none() && fm & F_TIME != 0 {
        for k in TIME_KEYS {
            if let Some(v) = o.field(k) {
                if let Some(t) = time_of_j(&v, k, ctx) {
                    r.time = Some(t);
                    break;
                }
            }
        }
    }
    if r.time.is_none() {
        if let Some(v) = o.field("instant") {
            r.time = time_of_j(&v, "instant", ctx);
        }
    }
    if r.time.is_none() {
        r.time = any_time(o, ctx, 0);
    }
    if let Some((t, p)) = r.time {
        ctx.full_time(t, p);
    }

    // level
    for k in LEVEL_KEYS
        .iter()
        .chain(["PRIORITY", "severityNumber", "type"].iter())
        .filter(|_| fm & F_LEVEL != 0)
    {
        if let Some(v) = o.get(k) {
            if *k == "type" {
                // Kubernetes Event objects: Normal / Warning.
                r.level = match v.as_str() {
                    Some("Warning") => Some(Level::Warn),
                    Some("Normal") => Some(Level::Info),
                    _ => None,
                };
            } else if *k == "s" {
                // MongoDB: one letter, or `D1`..`D5` for its debug verbosities.
                r.level = v.as_str().and_then(|s| match s.as_bytes() {
                    [c] => level::from_letter(*c),
                    [b'D', b'1'..=b'5'] => Some(Level::Debug),
                    _ => None,
                });
            } else {
                r.level = level_of_j(&v, k);
            }
            if r.level.is_some() {
                break;
            }
        }
    }
    for nest in ["fields", "@fields", "log"] {
        if r.level.is_none() {
            if let Some(J::Obj(inner)) = o.raw(nest).filter(|v| v.get().starts_with('{')).map(J::of)
            {
                r.level = inner
                    .get("level")
                    .or_else(|| inner.get("lvl"))
                    .and_then(|v| level_of_j(&v, "level"));
            }
        }
    }
    if r.level.is_none() && (has("@mt") || has("@m")) {
        // Serilog compact JSON (CLEF) leaves `@l` out for Information.
        r.level = Some(Level::Info);
    }

    // message
    let msg = MSG_KEYS
        .iter()
        .filter(|_| fm & F_MSG != 0)
        .find_map(|k| o.get(k).and_then(message_of_j));
    let e = &mut r.entities;
    e.host = o.pick(fm, F_HOST, &HOST_KEYS).map(Into::into);
    e.pod = o.pick(fm, F_POD, &POD_KEYS).map(Into::into);
    e.namespace = o.pick(fm, F_NS, &NS_KEYS).map(Into::into);
    e.container = o.pick(fm, F_CONTAINER, &CONTAINER_KEYS).map(Into::into);
    e.trace_id = o
        .pick(fm, F_TRACE, &TRACE_KEYS)
        .map(|t| t.rsplit('/').next().unwrap_or(&t).to_string())
        .map(Into::into);
    e.span_id = o.pick(fm, F_SPAN, &SPAN_KEYS).map(Into::into);
    e.request_id = o.pick(fm, F_REQ, &REQ_KEYS).map(Into::into);
    e.user_id = o.pick(fm, F_USER, &USER_KEYS).map(Into::into);
    e.component = o.pick(fm, F_COMP, &COMP_KEYS).map(Into::into);
    e.http_method = o.pick(fm, F_METHOD, &METHOD_KEYS).map(Into::into);
    e.http_path = o.pick(fm, F_PATH, &PATH_KEYS).map(Into::into);
    e.http_status = STATUS_KEYS
        .iter()
        .filter(|_| fm & F_STATUS != 0)
        .find_map(|k| match o.get(k)? {
            J::Num(n) => n.as_u64(),
            J::Str(s) => s.parse().ok(),
            _ => None,
        })
        .filter(|s| (100..600).contains(s))
        .map(|s| s as u16);
    if let Some(reason) = o.get_str(&["reason"]) {
        if o.get("involvedObject").is_some() {
            e.k8s_reason = Some(reason.into());
            e.k8s_object = o
                .get_str(&["involvedObject.kind"])
                .zip(e.pod.clone())
                .map(|(k, n)| format!("{}/{}", k.to_lowercase(), n))
                .map(Into::into);
        }
    }

    // service
    r.service = SERVICE_KEYS
        .iter()
        .filter(|_| fm & F_SERVICE != 0)
        .find_map(|k| match o.get(k)? {
            J::Str(s) if !s.is_empty() && s.len() <= 128 => {
                Some(s.strip_suffix(".service").unwrap_or(&s).to_string())
            }
            J::Obj(so) => so.field("name").and_then(J::into_str).map(Cow::into_owned),
            _ => None,
        });
    if r.service.as_deref() == e.component.as_deref()
        && o.get_str(&["logger", "component"]).is_some()
    {
        // keep both: service from logger is still the best we know
    }

    match format {
        Format::DockerJson => {
            let log = o.field("log").and_then(J::into_str).unwrap_or_default();
            let inner_text = trim_newline(&log);
            let inner = decode_inner(inner_text, ctx, depth);
            merge_inner(&mut r, inner, inner_text, None);
            if r.format == Format::Plain {
                r.format = Format::DockerJson;
            }
            r.format = Format::DockerJson;
            if let Some(J::Str(s)) = o.field("stream") {
                if s == "stderr" && r.level.is_none() {
                    // stderr alone says nothing about severity
                }
            }
        }
        _ => {
            r.message = Msg::Owned(
                msg.map(|m| trim_newline(&m).to_string())
                    .unwrap_or_default(),
            );
        }
    }
    r
}

fn otlp(resource_logs: &[Value], ctx: &mut Ctx) -> Vec<Record> {
    let mut out = Vec::new();
    for rl in resource_logs {
        let mut service = None;
        let mut res_attrs = Vec::new();
        if let Some(Value::Array(attrs)) = rl.get("resource").and_then(|r| r.get("attributes")) {
            for a in attrs {
                let (Some(k), Some(v)) = (
                    a.get("key").and_then(Value::as_str),
                    a.get("value").and_then(any_value),
                ) else {
                    continue;
                };
                if k == "service.name" {
                    service = Some(v.clone());
                }
                res_attrs.push((k.to_string(), v));
            }
        }
        let scopes = rl
            .get("scopeLogs")
            .or_else(|| rl.get("instrumentationLibraryLogs"));
        let Some(Value::Array(scopes)) = scopes else {
            continue;
        };
        for sl in scopes {
            let Some(Value::Array(recs)) = sl.get("logRecords") else {
                continue;
            };
            for lr in recs {
                let Some(lo) = lr.as_object() else { continue };
                let body = lo.get("body").and_then(any_value).unwrap_or_default();
                let mut r = Record::new(Format::Otlp, Msg::Owned(body));
                r.service = service.clone();
                for k in ["timeUnixNano", "observedTimeUnixNano"] {
                    if r.time.is_none() {
                        r.time = lo
                            .get(k)
                            .and_then(|v| time_of(v, k, ctx))
                            .filter(|t| t.0 > 0);
                    }
                }
                r.level = lo
                    .get("severityNumber")
                    .and_then(|v| {
                        v.as_i64()
                            .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
                    })
                    .and_then(level::from_otlp)
                    .or_else(|| {
                        lo.get("severityText")
                            .and_then(Value::as_str)
                            .and_then(level::from_word)
                    });
                r.entities.trace_id = lo.get("traceId").and_then(scalar_string).map(Into::into);
                r.entities.span_id = lo.get("spanId").and_then(scalar_string).map(Into::into);
                for (k, v) in &res_attrs {
                    match k.as_str() {
                        "k8s.pod.name" => r.entities.pod = Some(v.clone().into()),
                        "k8s.namespace.name" => r.entities.namespace = Some(v.clone().into()),
                        "k8s.container.name" => r.entities.container = Some(v.clone().into()),
                        "host.name" => r.entities.host = Some(v.clone().into()),
                        _ => {}
                    }
                }
                out.push(r);
            }
        }
    }
    out
}

/// OTLP AnyValue to text.
fn any_value(v: &Value) -> Option<String> {
    let o = v.as_object()?;
    for k in ["stringValue", "intValue", "doubleValue", "boolValue"] {
        if let Some(x) = o.get(k) {
            return Some(match x {
                Value::String(s) => s.clone(),
                other => other.to_string(),
            });
        }
    }
    Some(v.to_string())
}

fn cloudwatch(events: &[Value], ctx: &mut Ctx, depth: u8) -> Vec<Record> {
    let mut out = Vec::new();
    for ev in events {
        let Some(o) = ev.as_object() else { continue };
        let msg = o.get("message").and_then(Value::as_str).unwrap_or("");
        let inner_text = trim_newline(msg);
        let mut r = Record::new(Format::CloudWatch, Msg::Owned(String::new()));
        r.time = o
            .get("timestamp")
            .and_then(|v| time_of(v, "timestamp", ctx));
        let inner = decode_inner(inner_text, ctx, depth);
        merge_inner(&mut r, inner, inner_text, None);
        r.format = Format::CloudWatch;
        if r.service.is_none() {
            r.service = o
                .get("logGroupName")
                .and_then(Value::as_str)
                .map(|g| g.rsplit('/').next().unwrap_or(g).to_string());
        }
        if r.entities.host.is_none() {
            r.entities.host = o
                .get("logStreamName")
                .and_then(Value::as_str)
                .map(Into::into);
        }
        out.push(r);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::{decode_line, Ctx};
    use super::*;

    fn one(line: &str) -> Record {
        let mut ctx = Ctx::new(None, 2024);
        decode_line(line, &mut ctx).unwrap()
    }

    #[test]
    fn drifting_field_names() {
        let r = one(
            r#"{"ts":"2013-09-06T20:00:48.124817Z","lvl":"WARNING","msg":"disk slow","logger":"io"}"#,
        );
        assert_eq!(r.format, Format::JsonLines);
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.time, Some((1_378_497_648_124_817_000, Precision::Micro)));
        assert_eq!(r.message, Msg::Owned("disk slow".into()));
        // A logger is a part of the program, not a service.
        assert_eq!(r.service, None);
        assert_eq!(r.entities.component.as_deref(), Some("io"));
        let r = one(
            r#"{"@timestamp":"2025-01-13T09:58:13.631Z","log.level":"error","message":"m","service":{"name":"cart"}}"#,
        );
        assert_eq!(
            (r.level, r.service.as_deref()),
            (Some(Level::Error), Some("cart"))
        );
        let r = one(r#"{"name":"renovate","level":50,"msg":"x","time":1745532517537}"#);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.time.unwrap().0, 1_745_532_517_537_000_000);
        let r = one(
            r#"{"instant":{"epochSecond":1700000000,"nanoOfSecond":5},"level":"INFO","message":"m"}"#,
        );
        assert_eq!(r.time.unwrap().0, 1_700_000_000_000_000_005);
        let r = one(r#"{"log":{"level":"warn"},"message":"nested"}"#);
        assert_eq!(r.level, Some(Level::Warn));
    }

    #[test]
    fn time_under_any_time_named_key() {
        let t = 1_718_201_002_000_000_000; // 2024-06-12T14:03:22Z
        let r = one(r#"{"@t":"2024-06-12T14:03:22Z","@mt":"Started {App}","@l":"Warning"}"#);
        assert_eq!((r.time.map(|x| x.0), r.level), (Some(t), Some(Level::Warn)));
        let r = one(r#"{"@t":"2024-06-12T14:03:22Z","@mt":"Started {App}"}"#);
        assert_eq!(r.level, Some(Level::Info), "CLEF: no @l means Information");
        // The surest name wins over a date in another field.
        let r = one(r#"{"dueDate":"2024-07-01","CreationTime":"2024-06-12T14:03:22","x":1}"#);
        assert_eq!(r.time.map(|x| x.0), Some(t));
        // Nested under an integration's object, epoch milliseconds by magnitude.
        let r = one(r#"{"integration":"gh","gh":{"actor":"u","created_at":1718201002000}}"#);
        assert_eq!(r.time.map(|x| x.0), Some(t));
        // A time-looking value under a name that says nothing is not the event's time.
        let r = one(r#"{"msg":"token valid until 2024-06-13T14:03:22Z","note":"2024-06-13"}"#);
        assert_eq!(r.time, None);
    }

    #[test]
    fn docker_inner_line_is_decoded() {
        let r = one(
            r#"{"log":"2019-04-05 14:54:23,584 ERROR [main] a.B: boom\n","stream":"stderr","time":"2019-04-01T17:58:33.598656444Z"}"#,
        );
        assert_eq!(r.format, Format::DockerJson);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.message, Msg::Owned("boom".into()));
        assert_eq!(r.time.unwrap().0, 1_554_141_513_598_656_444);
    }

    #[test]
    fn journald_fields() {
        let r = one(
            r#"{"__REALTIME_TIMESTAMP":"1534860261221373","PRIORITY":"3","MESSAGE":"oops","_SYSTEMD_UNIT":"kubelet.service","_HOSTNAME":"n1"}"#,
        );
        assert_eq!(r.format, Format::Journald);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.service.as_deref(), Some("kubelet"));
        assert_eq!(r.time.unwrap().0, 1_534_860_261_221_373_000);
    }

    #[test]
    fn otlp_records_split() {
        let mut ctx = Ctx::new(None, 2024);
        let doc = r#"{"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"cart"}}]},"scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000000000001","severityNumber":17,"body":{"stringValue":"a"},"traceId":"ab"},{"timeUnixNano":"1700000000000000002","severityText":"INFO","body":{"stringValue":"b"}}]}]}]}"#;
        let r = decode_line(doc, &mut ctx).unwrap();
        assert_eq!(r.format, Format::Otlp);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.service.as_deref(), Some("cart"));
        assert_eq!(r.entities.trace_id.as_deref(), Some("ab"));
        assert_eq!(ctx.extra.len(), 1);
        assert_eq!(ctx.extra[0].time.unwrap().0, 1_700_000_000_000_000_002);
    }
}
