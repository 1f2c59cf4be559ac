//! Envelopes: one JSON document (or line) that holds an array of log records, unwrapped into one
//! record per element. Known shapes, by where the records sit:
//! - `logEvents[]` (CloudWatch Logs subscription payload: `timestamp` ms + `message` text);
//! - `records[]` (Azure Monitor diagnostic export), `entries[]` (GCP `entries.list`),
//!   `hits.hits[]._source` (Elasticsearch search response);
//! - `streams[]` / `data.result[]` with `stream` labels and `values: [[ns, line], ...]` (Loki push
//!   body and query response): one record per value pair.
//!
//! Promises: the envelope's own fields (paging tokens, totals, `_shards`, stats) never become
//! records; each record keeps its own time, level, service and message; [`offsets`] gives each
//! record's byte offset in the document text, in record order, so line numbers can point at the
//! record in the input.

use super::{decode_inner, merge_inner, trim_newline, Ctx, Msg, Record};
use crate::ingest::time;
use crate::ingest::{Format, Precision};
use serde_json::value::RawValue;
use serde_json::{Map, Value};
use std::collections::HashMap;

type Obj = Map<String, Value>;

/// Where the records of one envelope shape sit.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Shape {
    /// An array of record objects at this key path (each maybe wrapped in `_source`).
    Objects(&'static [&'static str]),
    /// CloudWatch `logEvents`.
    LogEvents,
    /// Loki streams at this key path: `values` pairs under each stream.
    Streams(&'static [&'static str]),
}

const SHAPES: [Shape; 6] = [
    Shape::LogEvents,
    Shape::Objects(&["records"]),
    Shape::Objects(&["entries"]),
    Shape::Objects(&["hits", "hits"]),
    Shape::Streams(&["streams"]),
    Shape::Streams(&["data", "result"]),
];

fn at_path<'v>(o: &'v Obj, path: &[&str]) -> Option<&'v Value> {
    let (last, head) = path.split_last()?;
    let mut cur = o;
    for k in head {
        cur = cur.get(*k)?.as_object()?;
    }
    cur.get(*last)
}

/// The shape of `o`, when it is an envelope: its record array is non-empty and holds only
/// objects (a record list, not a list of names or numbers).
fn shape_of(o: &Obj) -> Option<(Shape, &Vec<Value>)> {
    SHAPES.iter().find_map(|&s| {
        let path: &[&str] = match s {
            Shape::LogEvents => &["logEvents"],
            Shape::Objects(p) | Shape::Streams(p) => p,
        };
        let arr = at_path(o, path)?.as_array()?;
        let ok = !arr.is_empty()
            && arr.iter().all(Value::is_object)
            && match s {
                Shape::LogEvents => arr.iter().all(|e| e.get("message").is_some()),
                Shape::Streams(_) => arr.iter().all(|e| e.get("values").is_some()),
                Shape::Objects(_) => true,
            };
        ok.then_some((s, arr))
    })
}

/// The records of an envelope, or `None` when `o` is not one. `one` reads a record object.
pub(super) fn records(
    o: &Obj,
    ctx: &mut Ctx,
    depth: u8,
    one: &mut dyn FnMut(&Obj, &mut Ctx) -> Record,
) -> Option<Vec<Record>> {
    let (shape, arr) = shape_of(o)?;
    let objs = arr.iter().filter_map(Value::as_object);
    Some(match shape {
        Shape::LogEvents => objs.map(|e| log_event(o, e, ctx, depth)).collect(),
        Shape::Objects(_) => objs
            .map(|e| match e.get("_source").and_then(Value::as_object) {
                Some(src) => one(src, ctx),
                None => one(e, ctx),
            })
            .collect(),
        Shape::Streams(_) => objs.flat_map(|s| stream(s, ctx, depth)).collect(),
    })
}

/// One CloudWatch log event: the message is an application line (decoded as such); the
/// event's `timestamp` (ms) is the time when the line carries none.
fn log_event(env: &Obj, e: &Obj, ctx: &mut Ctx, depth: u8) -> Record {
    let text = trim_newline(e.get("message").and_then(Value::as_str).unwrap_or(""));
    let mut r = Record::new(Format::CloudWatch, Msg::Owned(String::new()));
    let inner = decode_inner(text, ctx, depth);
    merge_inner(&mut r, inner, text, None);
    r.format = Format::CloudWatch;
    if r.time.is_none() {
        r.time = e.get("timestamp").and_then(epoch_of).map(|(t, p)| {
            ctx.full_time(t, p);
            (t, p)
        });
    }
    if r.service.is_none() {
        // `/aws/lambda/orders` -> `orders`
        r.service = env
            .get("logGroup")
            .and_then(Value::as_str)
            .map(|g| g.rsplit('/').next().unwrap_or(g).to_string())
            .filter(|s| !s.is_empty());
    }
    r
}

/// An epoch number or numeric string, its unit read from its magnitude.
fn epoch_of(v: &Value) -> Option<(i64, Precision)> {
    let c = match v {
        Value::Number(n) => time::epoch_number(n)?,
        Value::String(s) => time::parse_value(s)?,
        _ => return None,
    };
    Some((c.to_ns()?, c.precision))
}

/// Label names that name the service in Loki streams, in order of preference.
const SERVICE_LABELS: [&str; 5] = ["service_name", "service", "app", "job", "container"];

/// One record per `[ns, line]` pair of a Loki stream; the line's own header wins, the pair's
/// time is used when the line has none.
fn stream(s: &Obj, ctx: &mut Ctx, depth: u8) -> Vec<Record> {
    let labels = s.get("stream").and_then(Value::as_object);
    let service = labels.and_then(|l| {
        SERVICE_LABELS
            .iter()
            .find_map(|k| l.get(*k).and_then(Value::as_str))
    });
    let pairs = s.get("values").and_then(Value::as_array);
    pairs
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .map(|pair| {
            let text = trim_newline(pair.get(1).and_then(Value::as_str).unwrap_or(""));
            let mut r = Record::new(Format::JsonLines, Msg::Owned(String::new()));
            let inner = decode_inner(text, ctx, depth);
            merge_inner(&mut r, inner, text, None);
            if r.time.is_none() {
                r.time = pair.first().and_then(epoch_of);
            }
            if let Some((t, p)) = r.time {
                ctx.full_time(t, p);
            }
            if r.service.is_none() {
                r.service = service.map(str::to_string);
            }
            r
        })
        .collect()
}

type RawObj<'a> = HashMap<&'a str, &'a RawValue>;

fn raw_at<'a>(doc: &'a str, path: &[&str]) -> Option<Vec<&'a RawValue>> {
    let mut cur: &'a str = doc;
    for k in path {
        let o: RawObj<'a> = serde_json::from_str(cur).ok()?;
        cur = o.get(k)?.get();
    }
    serde_json::from_str(cur).ok()
}

fn offset_in(doc: &str, part: &str) -> usize {
    (part.as_ptr() as usize).saturating_sub(doc.as_ptr() as usize)
}

/// Byte offsets in `doc` of the records [`records`] reads from it, in the same order; `None`
/// when `doc` is not an envelope (or its keys use escapes the borrowed reading cannot follow).
pub(crate) fn offsets(doc: &str, o: &Obj) -> Option<Vec<usize>> {
    let (shape, _) = shape_of(o)?;
    Some(match shape {
        Shape::LogEvents => elements(doc, &["logEvents"])?,
        Shape::Objects(p) => elements(doc, p)?,
        Shape::Streams(p) => {
            let mut out = Vec::new();
            for s in raw_at(doc, p)? {
                let so: RawObj = serde_json::from_str(s.get()).ok()?;
                let vals: Vec<&RawValue> = serde_json::from_str(so.get("values")?.get()).ok()?;
                out.extend(vals.iter().map(|v| offset_in(doc, v.get())));
            }
            out
        }
    })
}

fn elements(doc: &str, path: &[&str]) -> Option<Vec<usize>> {
    Some(
        raw_at(doc, path)?
            .iter()
            .map(|v| offset_in(doc, v.get()))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(doc: &str) -> (Vec<Record>, Vec<usize>) {
        let v: Value = serde_json::from_str(doc).unwrap();
        let o = v.as_object().unwrap();
        let mut ctx = Ctx::new(None, 2024);
        let mut one = |o: &Obj, _: &mut Ctx| {
            let mut r = Record::new(Format::JsonLines, Msg::Owned(String::new()));
            r.service = o.get("svc").and_then(Value::as_str).map(str::to_string);
            r
        };
        let recs = records(o, &mut ctx, 0, &mut one).unwrap_or_default();
        let offs = offsets(doc, o).unwrap_or_default();
        (recs, offs)
    }

    #[test]
    fn record_arrays_one_record_per_element() {
        for doc in [
            "{\"records\": [{\"svc\": \"a\"},\n {\"svc\": \"b\"}]}",
            "{\"entries\": [{\"svc\": \"a\"},\n {\"svc\": \"b\"}], \"nextPageToken\": \"x\"}",
            "{\"took\": 3, \"hits\": {\"total\": 2, \"hits\": [{\"_source\": {\"svc\": \"a\"}},\n {\"_source\": {\"svc\": \"b\"}}]}}",
        ] {
            let (recs, offs) = read(doc);
            let svcs: Vec<_> = recs.iter().map(|r| r.service.clone().unwrap()).collect();
            assert_eq!(svcs, ["a", "b"], "{doc}");
            assert_eq!(offs.len(), 2);
            assert!(doc[offs[0]..].starts_with('{') && doc[offs[1]..].starts_with('{'));
            assert!(doc[..offs[1]].contains('\n'), "second record on the second line");
        }
    }

    #[test]
    fn cloudwatch_log_events_take_their_own_time_and_group() {
        let doc = r#"{"logGroup": "/aws/lambda/orders", "logEvents": [
            {"id": "1", "timestamp": 1718201002000, "message": "plain text one\n"},
            {"id": "2", "timestamp": 1718201003500, "message": "2024-06-12T14:05:00Z ERROR boom"}]}"#;
        let (recs, offs) = read(doc);
        assert_eq!(recs.len(), 2);
        assert_eq!(offs.len(), 2);
        assert_eq!(recs[0].time.unwrap().0, 1_718_201_002_000_000_000);
        assert_eq!(recs[0].service.as_deref(), Some("orders"));
        assert_eq!(recs[0].message, Msg::Owned("plain text one".into()));
        // The line's own time wins over the collector's.
        assert_eq!(recs[1].time.unwrap().0, 1_718_201_100_000_000_000);
        assert_eq!(recs[1].level, Some(crate::ingest::Level::Error));
    }

    #[test]
    fn loki_values_one_record_per_pair() {
        let doc = r#"{"status": "success", "data": {"resultType": "streams", "result": [
            {"stream": {"app": "cart"}, "values": [["1718201050000000000", "level=info msg=ok"],
                                                   ["1718201040000000000", "level=error msg=bad"]]},
            {"stream": {"job": "db"}, "values": [["1718201030000000000", "x"]]}]}}"#;
        let (recs, offs) = read(doc);
        assert_eq!(recs.len(), 3);
        assert_eq!(offs.len(), 3);
        assert_eq!(recs[1].time.unwrap().0, 1_718_201_040_000_000_000);
        assert_eq!(recs[1].level, Some(crate::ingest::Level::Error));
        assert_eq!(recs[2].service.as_deref(), Some("db"));
        assert!(doc[offs[2]..].starts_with("[\"1718201030"));
    }

    #[test]
    fn not_envelopes() {
        for doc in [
            r#"{"records": []}"#,
            r#"{"records": ["a", "b"]}"#,
            r#"{"entries": 3, "message": "x"}"#,
            r#"{"hits": {"hits": [1, 2]}}"#,
        ] {
            let v: Value = serde_json::from_str(doc).unwrap();
            assert!(shape_of(v.as_object().unwrap()).is_none(), "{doc}");
        }
    }
}
