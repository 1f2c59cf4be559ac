//! CSV exports with a header row: the time, pod/service/host and log-line columns are found by
//! name; the log cell is decoded again (it may hold a JSON record whose field holds the line).

use super::{decode_inner, merge_inner, Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::Format;

#[derive(Debug, Clone, Default)]
pub(crate) struct Header {
    n: usize,
    time: Option<usize>,
    time_ns: Option<usize>,
    message: Option<usize>,
    level: Option<usize>,
    service: Option<usize>,
    pod: Option<usize>,
    container: Option<usize>,
    host: Option<usize>,
    namespace: Option<usize>,
    trace: Option<usize>,
    span: Option<usize>,
}

/// Splits one CSV line (RFC 4180 quoting, `""` escapes). Cells are owned only when unquoting
/// was needed.
fn split(line: &str) -> Vec<std::borrow::Cow<'_, str>> {
    let b = line.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    loop {
        if b.get(i) == Some(&b'"') {
            let mut s = String::new();
            let mut j = i + 1;
            let mut seg = j;
            loop {
                match memchr::memchr(b'"', &b[j..]) {
                    Some(k) => {
                        let q = j + k;
                        if b.get(q + 1) == Some(&b'"') {
                            s.push_str(&line[seg..q + 1]);
                            j = q + 2;
                            seg = j;
                        } else {
                            s.push_str(&line[seg..q]);
                            j = q + 1;
                            break;
                        }
                    }
                    None => {
                        s.push_str(&line[seg..]);
                        j = b.len();
                        break;
                    }
                }
            }
            out.push(std::borrow::Cow::Owned(s));
            // skip to the next comma
            while j < b.len() && b[j] != b',' {
                j += 1;
            }
            if j >= b.len() {
                break;
            }
            i = j + 1;
        } else {
            let e = memchr::memchr(b',', &b[i..])
                .map(|k| i + k)
                .unwrap_or(b.len());
            out.push(std::borrow::Cow::Borrowed(&line[i..e]));
            if e >= b.len() {
                break;
            }
            i = e + 1;
        }
    }
    out
}

/// A header row: at least three comma-separated names, all identifier-like.
pub(crate) fn header(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    if !b.first()?.is_ascii_alphabetic() && b[0] != b'"' && b[0] != b'_' && b[0] != b'@' {
        return None;
    }
    if memchr::memchr_iter(b',', b).count() < 2 {
        return None;
    }
    let cells = split(line);
    if cells.iter().any(|c| {
        let c = c.trim();
        c.is_empty()
            || c.len() > 40
            || !c
                .bytes()
                .all(|x| x.is_ascii_alphanumeric() || matches!(x, b'_' | b' ' | b'.' | b'@' | b'-'))
    }) {
        return None;
    }
    let mut h = Header {
        n: cells.len(),
        ..Header::default()
    };
    for (i, c) in cells.iter().enumerate() {
        let l = c.trim().to_ascii_lowercase();
        // Exports name columns in several spellings of one field: `log_level`, `log.level`
        // (Elastic Common Schema), `kubernetes.pod.name`, `Service Name`.
        let k: String = l
            .chars()
            .filter(|c| !matches!(c, '.' | '_' | '-' | ' '))
            .collect();
        let slot = match k.as_str() {
            "timestamp" | "time" | "@timestamp" | "date" | "datetime" | "ts" | "eventtime" => {
                &mut h.time
            }
            "timeunixnano" => &mut h.time_ns,
            // `Event time`, `Date and Time`, `CreationDate`: a time column by its name.
            n if h.time.is_none() && (n.contains("time") || n.contains("date")) => &mut h.time,
            "log" | "message" | "msg" | "line" | "content" | "raw" | "text" | "body"
            | "logline" => &mut h.message,
            "level" | "severity" | "lvl" | "loglevel" | "severitytext" => &mut h.level,
            "service" | "servicename" | "app" | "application" | "appname" => &mut h.service,
            "podname" | "pod" | "kubernetespodname" | "k8spodname" => &mut h.pod,
            "container" | "containername" | "kubernetescontainername" => &mut h.container,
            "node" | "host" | "hostname" | "nodename" | "kubernetesnodename" => &mut h.host,
            "namespace" | "namespacename" | "kubernetesnamespace" | "kubernetesnamespacename" => {
                &mut h.namespace
            }
            "traceid" | "trace" => &mut h.trace,
            "spanid" => &mut h.span,
            _ => continue,
        };
        if slot.is_none() {
            *slot = Some(i);
        }
    }
    if h.message.is_none() && h.time.is_none() && h.time_ns.is_none() {
        return None;
    }
    ctx.csv = Some(h);
    let mut r = Record::new(Format::Csv, Msg::Range(0, line.len()));
    r.preamble = true;
    Some(r)
}

pub(crate) fn row(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let h = ctx.csv.clone()?;
    let cells = split(line);
    // Fewer cells than the header names: a piece of a quoted multi-line cell, not a row.
    if cells.len() < h.n.max(2) {
        return None;
    }
    let get = |i: Option<usize>| {
        i.and_then(|i| cells.get(i))
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
    };
    let mut r = Record::new(Format::Csv, Msg::Range(0, line.len()));
    if let Some(t) = get(h.time).and_then(time::parse_value) {
        r.time = ctx.time(&t);
    }
    if r.time.is_none() {
        if let Some(ns) = get(h.time_ns).and_then(|s| s.parse::<i64>().ok()) {
            r.time = ctx.full_time(ns, crate::ingest::Precision::Nano);
        }
    }
    if let Some((t, p)) = r.time {
        ctx.full_time(t, p);
    }
    r.entities.pod = get(h.pod).map(Into::into);
    r.entities.container = get(h.container).map(Into::into);
    r.entities.host = get(h.host).map(Into::into);
    r.entities.namespace = get(h.namespace).map(Into::into);
    r.entities.trace_id = get(h.trace).map(Into::into);
    r.entities.span_id = get(h.span).map(Into::into);
    r.service = get(h.service).map(str::to_string);
    r.level = get(h.level).and_then(level::from_word);
    if let Some(i) = h.message {
        let cell = cells.get(i).map(|c| c.as_ref()).unwrap_or("");
        let text = super::trim_newline(cell);
        let inner = decode_inner(text, ctx, 0);
        let time = r.time;
        let level = r.level;
        merge_inner(&mut r, inner, text, None);
        // The export's own columns are the collector's truth for time.
        if time.is_some() {
            r.time = time;
        }
        if r.level.is_none() {
            r.level = level;
        }
    }
    r.format = Format::Csv;
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    #[test]
    fn nezha_style_row() {
        let mut ctx = Ctx::new(None, 1970);
        header(
            "Timestamp,TimeUnixNano,Node,PodName,Container,TraceID,SpanID,Log",
            &mut ctx,
        )
        .unwrap();
        let l = r#"2023-01-29T08:42:22.383150913Z,1674981742383150913,33.33.33.116,rail-travel-service-64469b5b48-25zj6,server,ffc8,439b,"{""log"":""16:42:22.382 ERROR t.s.TravelServiceImpl#532 TraceID: ffc8 [getRoute][failed]\n"",""stream"":""stdout"",""time"":""2023-01-29T08:42:22.383150913Z""}""#;
        let r = row(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::Csv);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.time.unwrap().0, 1_674_981_742_383_150_913);
        assert_eq!(
            r.entities.pod.as_deref(),
            Some("rail-travel-service-64469b5b48-25zj6")
        );
        assert_eq!(
            r.entities.component.as_deref(),
            Some("t.s.TravelServiceImpl#532")
        );
        assert_eq!(
            r.message,
            Msg::Owned("TraceID: ffc8 [getRoute][failed]".into())
        );
    }

    #[test]
    fn dotted_field_names_of_an_export_are_its_columns() {
        // A log UI's CSV export with Elastic Common Schema names.
        let mut ctx = Ctx::new(None, 1970);
        header(
            r#""@timestamp","service.name","kubernetes.pod.name","log.level","message""#,
            &mut ctx,
        )
        .unwrap();
        let r = row(
            r#""2024-05-01T10:00:00.000Z","cart","cart-7d9f8b6c5d-x2k4p","ERROR","write failed""#,
            &mut ctx,
        )
        .unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.service.as_deref(), Some("cart"));
        assert_eq!(r.entities.pod.as_deref(), Some("cart-7d9f8b6c5d-x2k4p"));
    }

    #[test]
    fn time_column_by_its_name_and_header_opens_the_next_event() {
        let mut ctx = Ctx::new(None, 1970);
        let h = header("Level,Date and Time,Source,Event ID", &mut ctx).unwrap();
        assert!(h.preamble);
        let r = row(
            "Warning,6/15/2024 12:01:12 AM,DNS-Client,1014,timed out",
            &mut ctx,
        )
        .unwrap();
        assert_eq!(r.time.unwrap().0, 1_718_409_672_000_000_000);
        assert_eq!(r.level, Some(Level::Warn));
    }

    #[test]
    fn prose_with_commas_is_not_a_header() {
        let mut ctx = Ctx::new(None, 1970);
        assert!(header("Hello, this is, a sentence with commas", &mut ctx).is_none());
        assert!(header("a,b,c", &mut ctx).is_none());
    }
}
