//! JSON records: JSON lines with drifting field names, Docker json-file, journald, GCP
//! LogEntry, and the multi-record documents (OTLP, CloudWatch, Kubernetes lists, arrays).

use super::{decode_inner, merge_inner, trim_newline, Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::{Format, Level, Precision};
use serde_json::{Map, Value};

type Obj = Map<String, Value>;

/// One line holding one JSON object.
pub(crate) fn decode_json_line(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    if !line.trim_end().ends_with('}') {
        return None;
    }
    let v: Value = serde_json::from_str(line).ok()?;
    let mut r = from_value(v, ctx, depth)?;
    if let Msg::Owned(s) = &r.message {
        if s.is_empty() && r.format == Format::JsonLines {
            r.message = Msg::Range(0, line.len());
        }
    }
    Some(r)
}

/// A whole JSON document (pretty-printed over many lines). First record returned, the rest
/// pushed to `ctx.extra`.
pub(crate) fn decode_document(text: &str, ctx: &mut Ctx) -> Option<Record> {
    let v: Value = serde_json::from_str(text).ok()?;
    let mut r = from_value(v, ctx, 0)?;
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
                Value::Object(o) => Some(object_record(&o, ctx, depth)),
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
                .map(|it| object_record(it, ctx, depth))
                .collect();
        }
    }
    vec![object_record(&o, ctx, depth)]
}

/// Looks a field up by a dotted name: the flat key first (`"log.level"`), then the path.
fn get<'a>(o: &'a Obj, key: &str) -> Option<&'a Value> {
    if let Some(v) = o.get(key) {
        return Some(v);
    }
    let (head, rest) = key.split_once('.')?;
    match o.get(head)? {
        Value::Object(inner) => get(inner, rest),
        _ => None,
    }
}

fn get_str<'a>(o: &'a Obj, keys: &[&str]) -> Option<&'a str> {
    keys.iter().find_map(|k| match get(o, k) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.as_str()),
        _ => None,
    })
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
const SERVICE_KEYS: [&str; 15] = [
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
    "component",
    "logger",
    "logger_name",
    "name",
];

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

fn level_of(v: &Value, key: &str) -> Option<Level> {
    match v {
        Value::String(s) => {
            if key == "PRIORITY" {
                return level::from_syslog(s.parse().ok()?);
            }
            level::from_word(s.trim())
        }
        Value::Number(n) => {
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

fn message_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Object(o) => {
            // OTLP body, GCP jsonPayload
            if let Some(Value::String(s)) = o.get("stringValue") {
                return Some(s.clone());
            }
            get_str(o, &["message", "msg"]).map(str::to_string)
        }
        _ => None,
    }
}

fn object_record(o: &Obj, ctx: &mut Ctx, depth: u8) -> Record {
    let has = |k: &str| o.contains_key(k);
    let format = if has("log")
        && o.get("log").is_some_and(Value::is_string)
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

    // time
    if let Some(Value::String(us)) = o.get("__REALTIME_TIMESTAMP") {
        if let Ok(us) = us.parse::<i64>() {
            r.time = Some((us * 1000, Precision::Micro));
        }
    }
    if r.time.is_none() {
        for k in TIME_KEYS {
            if let Some(v) = o.get(k) {
                if let Some(t) = time_of(v, k, ctx) {
                    r.time = Some(t);
                    break;
                }
            }
        }
    }
    if r.time.is_none() {
        if let Some(v) = o.get("instant") {
            r.time = time_of(v, "instant", ctx);
        }
    }
    if let Some((t, p)) = r.time {
        ctx.full_time(t, p);
    }

    // level
    for k in LEVEL_KEYS
        .iter()
        .chain(["PRIORITY", "severityNumber", "type"].iter())
    {
        if let Some(v) = get(o, k) {
            if *k == "type" {
                // Kubernetes Event objects: Normal / Warning.
                r.level = match v.as_str() {
                    Some("Warning") => Some(Level::Warn),
                    Some("Normal") => Some(Level::Info),
                    _ => None,
                };
            } else if *k == "s" {
                r.level = v
                    .as_str()
                    .filter(|s| s.len() == 1)
                    .and_then(|s| level::from_letter(s.as_bytes()[0]));
            } else {
                r.level = level_of(v, k);
            }
            if r.level.is_some() {
                break;
            }
        }
    }
    for nest in ["fields", "@fields", "log"] {
        if r.level.is_none() {
            if let Some(Value::Object(inner)) = o.get(nest) {
                r.level = get(inner, "level")
                    .or_else(|| get(inner, "lvl"))
                    .and_then(|v| level_of(v, "level"));
            }
        }
    }

    // message
    let msg = MSG_KEYS.iter().find_map(|k| get(o, k).and_then(message_of));
    let e = &mut r.entities;
    e.host = get_str(
        o,
        &[
            "hostname",
            "host",
            "_HOSTNAME",
            "kubernetes.host",
            "host.name",
            "source.host",
        ],
    )
    .map(Into::into);
    e.pod = get_str(
        o,
        &[
            "pod",
            "pod_name",
            "podName",
            "kubernetes.pod_name",
            "resource.labels.pod_name",
            "k8s.pod.name",
            "involvedObject.name",
        ],
    )
    .map(Into::into);
    e.namespace = get_str(
        o,
        &[
            "namespace",
            "kubernetes.namespace_name",
            "resource.labels.namespace_name",
            "k8s.namespace.name",
            "involvedObject.namespace",
        ],
    )
    .map(Into::into);
    e.container = get_str(
        o,
        &[
            "container",
            "container_name",
            "kubernetes.container_name",
            "resource.labels.container_name",
            "CONTAINER_NAME",
        ],
    )
    .map(Into::into);
    e.trace_id = get_str(
        o,
        &[
            "trace_id",
            "traceId",
            "traceID",
            "trace",
            "logging.googleapis.com/trace",
            "trace.id",
            "dd.trace_id",
        ],
    )
    .map(|t| t.rsplit('/').next().unwrap_or(t).to_string());
    e.span_id = get_str(
        o,
        &[
            "span_id",
            "spanId",
            "spanID",
            "logging.googleapis.com/spanId",
            "span.id",
        ],
    )
    .map(Into::into);
    e.request_id = get_str(
        o,
        &["request_id", "requestId", "req_id", "x-request-id", "reqId"],
    )
    .map(Into::into);
    e.user_id = get_str(o, &["user_id", "userId", "user"]).map(Into::into);
    e.component = get_str(
        o,
        &["caller", "target", "log.logger", "c", "logger", "component"],
    )
    .map(Into::into);
    e.http_method = get_str(
        o,
        &[
            "method",
            "request.method",
            "httpRequest.requestMethod",
            "http.method",
            "http.request.method",
        ],
    )
    .map(Into::into);
    e.http_path = get_str(
        o,
        &[
            "path",
            "uri",
            "request.uri",
            "httpRequest.requestUrl",
            "url.path",
            "http.url",
            "request_uri",
        ],
    )
    .map(Into::into);
    e.http_status = [
        "status",
        "status_code",
        "statusCode",
        "httpRequest.status",
        "http.status_code",
        "http.response.status_code",
    ]
    .iter()
    .find_map(|k| match get(o, k)? {
        Value::Number(n) => n.as_u64(),
        Value::String(s) => s.parse().ok(),
        _ => None,
    })
    .filter(|s| (100..600).contains(s))
    .map(|s| s as u16);
    if let Some(reason) = get_str(o, &["reason"]) {
        if get(o, "involvedObject").is_some() {
            e.k8s_reason = Some(reason.to_string());
            e.k8s_object = get_str(o, &["involvedObject.kind"])
                .zip(e.pod.clone())
                .map(|(k, n)| format!("{}/{}", k.to_lowercase(), n));
        }
    }

    // service
    r.service = SERVICE_KEYS.iter().find_map(|k| match get(o, k)? {
        Value::String(s) if !s.is_empty() && s.len() <= 128 => {
            Some(s.strip_suffix(".service").unwrap_or(s).to_string())
        }
        Value::Object(so) => so.get("name").and_then(Value::as_str).map(str::to_string),
        _ => None,
    });
    if r.service.as_deref() == e.component.as_deref()
        && get_str(o, &["logger", "component"]).is_some()
    {
        // keep both: service from logger is still the best we know
    }

    match format {
        Format::DockerJson => {
            let log = o.get("log").and_then(Value::as_str).unwrap_or("");
            let inner_text = trim_newline(log);
            let inner = decode_inner(inner_text, ctx, depth);
            merge_inner(&mut r, inner, inner_text, None);
            if r.format == Format::Plain {
                r.format = Format::DockerJson;
            }
            r.format = Format::DockerJson;
            if let Some(Value::String(s)) = o.get("stream") {
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
                r.entities.trace_id = lo.get("traceId").and_then(scalar_string);
                r.entities.span_id = lo.get("spanId").and_then(scalar_string);
                for (k, v) in &res_attrs {
                    match k.as_str() {
                        "k8s.pod.name" => r.entities.pod = Some(v.clone()),
                        "k8s.namespace.name" => r.entities.namespace = Some(v.clone()),
                        "k8s.container.name" => r.entities.container = Some(v.clone()),
                        "host.name" => r.entities.host = Some(v.clone()),
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
                .map(str::to_string);
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
        assert_eq!(r.service.as_deref(), Some("io"));
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
