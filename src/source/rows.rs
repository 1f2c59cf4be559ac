//! Rows of a store turned into the engine's input: one synthetic file per service (rows in
//! time order), each row's text as its lines, and a map back from (file, line) to the row.
//!
//! A row whose body is a whole log line (a shipper that stores raw lines: it carries its own
//! time) is kept verbatim, so the engine reads it exactly as it would read the file. A body that
//! is only a message (the OpenTelemetry way: time, level and service live in columns) gets a
//! header from its columns, `TIME LEVEL SERVICE message trace_id=.. host=..`, so the engine
//! reads those fields. Per service, one rule for all rows: verbatim when any body carries its
//! own time, so a file's untimed lines (headers, listings) stay as the file had them.

use super::url::SourceUrl;
use super::{Caps, Counts, Window};
use crate::ingest::{format_ns, InputFile};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::{BTreeMap, HashMap};

/// One row of a store's answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Row {
    /// Nanoseconds since the epoch.
    pub time: i64,
    pub service: String,
    pub level: String,
    pub body: String,
    pub trace: String,
    pub host: String,
}

/// What the report says about a store input (`input.store`): where the rows came from, the
/// true counts, what was fetched and the caps, so a sampled input is never taken for a whole one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StoreInput {
    /// The source URL, without credentials.
    pub source: String,
    pub table: String,
    /// The window, RFC 3339.
    pub from: String,
    pub to: String,
    pub baseline_from: String,
    pub baseline_to: String,
    /// Lines of the window, as the store counted them.
    pub window_lines: u64,
    /// WARN-and-above (or unlevelled) lines of the window: all fetched.
    pub window_loud_lines: u64,
    pub window_error_lines: u64,
    /// Lines of the baseline window, as the store counted them.
    pub baseline_lines: u64,
    /// Rows fetched: the window's (loud + sample) and the baseline's.
    pub fetched_window_rows: u64,
    pub fetched_baseline_rows: u64,
    /// The caps the queries used.
    pub loud_cap: u64,
    pub sample_per_minute: u64,
    pub baseline_per_minute: u64,
    /// True when some lines of the window were not fetched (the counts stay true).
    pub sampled: bool,
}

impl StoreInput {
    /// One sentence for the Markdown and terminal reports: where the lines came from and
    /// whether all of them were read.
    pub fn describe(&self) -> String {
        let what = if self.sampled {
            format!(
                "{} fetched: every WARN-and-above line ({}) and at most {} of the others per service and minute; error rates use the store's counts",
                self.fetched_window_rows, self.window_loud_lines, self.sample_per_minute
            )
        } else {
            "every line fetched".to_string()
        };
        format!(
            "Read from {} ({} to {}): {} lines counted by the store, {what}; baseline {} to {}: {} lines, {} fetched",
            self.source,
            self.from,
            self.to,
            self.window_lines,
            self.baseline_from,
            self.baseline_to,
            self.baseline_lines,
            self.fetched_baseline_rows
        )
    }
}

/// The engine's input from a store: the window's files, the baseline's, and the true counts.
#[derive(Debug, Clone)]
pub struct Fetched {
    table: String,
    pub files: Vec<InputFile>,
    pub baseline: Vec<InputFile>,
    pub counts: Counts,
    /// Per window file: (first line of a row, the row's key), in line order.
    keys: HashMap<String, Vec<(u32, String)>>,
    window_rows: u64,
    baseline_rows: u64,
}

impl Fetched {
    pub(crate) fn new(table: &str, window: Vec<Row>, baseline: Vec<Row>, counts: Counts) -> Self {
        let (window_rows, baseline_rows) = (window.len() as u64, baseline.len() as u64);
        let mut seen: HashMap<String, u32> = HashMap::new();
        let (files, keys) = to_files(table, window, Some(&mut seen));
        let (baseline, _) = to_files(table, baseline, None);
        Fetched {
            table: table.to_string(),
            files,
            baseline,
            counts,
            keys,
            window_rows,
            baseline_rows,
        }
    }

    /// The report's account of this input.
    pub fn summary(&self, url: &SourceUrl, window: &Window, caps: &Caps) -> StoreInput {
        let at = |s: i64| format_ns(s * 1_000_000_000);
        let c = &self.counts;
        StoreInput {
            source: url.to_string(),
            table: self.table.clone(),
            from: at(window.from),
            to: at(window.to),
            baseline_from: at(window.baseline.0),
            baseline_to: at(window.baseline.1),
            window_lines: c.window_lines(),
            window_loud_lines: c.window_loud(),
            window_error_lines: c.window.values().map(|v| v.1).sum(),
            baseline_lines: c.baseline_lines(),
            fetched_window_rows: self.window_rows,
            fetched_baseline_rows: self.baseline_rows,
            loud_cap: caps.loud,
            sample_per_minute: caps.sample_per_minute,
            baseline_per_minute: caps.baseline_per_minute,
            sampled: self.window_rows < c.window_lines(),
        }
    }

    /// The key of the row behind line `line` of window file `file`, and the line's number
    /// within the row.
    fn row_of(&self, file: &str, line: u32) -> Option<(&str, u32)> {
        let rows = self.keys.get(file)?;
        let i = rows.partition_point(|(first, _)| *first <= line);
        let (first, key) = rows.get(i.checked_sub(1)?)?;
        Some((key, line - first + 1))
    }

    /// The synthetic file and line behind line `line` (1-based) of row `key`: the inverse of
    /// the renaming, for a viewer that shows the analyzed lines.
    pub fn line_of(&self, key: &str, line: u32) -> Option<(&str, u32)> {
        self.keys.iter().find_map(|(file, rows)| {
            rows.iter()
                .find(|(_, k)| k == key)
                .map(|(first, _)| (file.as_str(), first + line.max(1) - 1))
        })
    }

    /// Renames the report's evidence (a report serialized to JSON) from synthetic files to the
    /// rows: every `{file, line}` becomes `{file: "table:service@time", line: line within the
    /// row}`, and `file:line` in the reasoning trail likewise.
    pub fn name_rows(&self, report: &mut Value) {
        self.walk(report);
        if let Some(Value::Array(steps)) = report.get_mut("reasoning_trail") {
            let names: Vec<String> = self.keys.keys().map(|k| regex::escape(k)).collect();
            let Ok(re) = regex::Regex::new(&format!(r"({}):(\d+)", names.join("|"))) else {
                return;
            };
            for step in steps {
                for field in ["input", "output"] {
                    if let Some(Value::String(s)) = step.get_mut(field) {
                        let new = re.replace_all(s, |c: &regex::Captures| {
                            let line = c[2].parse().unwrap_or(0);
                            match self.row_of(&c[1], line) {
                                Some((key, 1)) => key.to_string(),
                                Some((key, n)) => format!("{key} line {n}"),
                                None => c[0].to_string(),
                            }
                        });
                        *s = new.into_owned();
                    }
                }
            }
        }
    }

    fn walk(&self, v: &mut Value) {
        match v {
            Value::Object(o) => {
                let hit = match (o.get("file"), o.get("line")) {
                    (Some(Value::String(f)), Some(Value::Number(n))) => n
                        .as_u64()
                        .and_then(|n| self.row_of(f, n as u32))
                        .map(|(k, l)| (k.to_string(), l)),
                    _ => None,
                };
                if let Some((key, line)) = hit {
                    o.insert("file".into(), Value::String(key));
                    o.insert("line".into(), Value::from(line));
                }
                o.values_mut().for_each(|v| self.walk(v));
            }
            Value::Array(a) => a.iter_mut().for_each(|v| self.walk(v)),
            _ => {}
        }
    }
}

/// The synthetic file name of a service's rows: its name (the engine reads a service from a
/// file name), `logs.log` (a generic name, no service) for rows without one.
fn file_name(service: &str) -> String {
    let clean: String = service
        .chars()
        .map(|c| if matches!(c, '/' | '\\') { '_' } else { c })
        .collect();
    if clean.trim().is_empty() {
        "logs.log".into()
    } else {
        format!("{clean}.log")
    }
}

/// Whether a body names its own time: the row's minute and second (`MM:SS`, the same in every
/// time zone with whole-hour offsets) or its Unix seconds (epoch s/ms/us/ns) in its first line.
fn carries_own_time(body: &str, time: i64) -> bool {
    let secs = time.div_euclid(1_000_000_000);
    let first = body.lines().next().unwrap_or("");
    let mut cut = first.len().min(400);
    while !first.is_char_boundary(cut) {
        cut -= 1;
    }
    let head = &first[..cut];
    let mmss = format!(
        "{:02}:{:02}",
        secs.div_euclid(60).rem_euclid(60),
        secs.rem_euclid(60)
    );
    head.contains(&mmss) || head.contains(&secs.to_string())
}

/// A row as lines of text (see the module's doc); the first line gets the header when `synth`.
fn row_text(r: &Row, synth: bool, out: &mut String) -> u32 {
    let body = r.body.strip_suffix('\n').unwrap_or(&r.body);
    let mut lines = body.split('\n').map(|l| l.strip_suffix('\r').unwrap_or(l));
    let first = lines.next().unwrap_or("");
    if synth {
        out.push_str(&format_ns(r.time));
        for part in [r.level.as_str(), r.service.as_str(), first] {
            if !part.is_empty() {
                out.push(' ');
                out.push_str(part);
            }
        }
        for (k, v) in [("trace_id", &r.trace), ("host", &r.host)] {
            if !v.is_empty() && !first.contains(v.as_str()) {
                out.push_str(&format!(" {k}={v}"));
            }
        }
    } else {
        out.push_str(first);
    }
    out.push('\n');
    let mut n = 1;
    for l in lines {
        out.push_str(l);
        out.push('\n');
        n += 1;
    }
    n
}

/// Files of rows, one per service in name order, rows in time order (the answer's order among
/// equal times); with `seen`, each row's key by first line.
#[allow(clippy::type_complexity)]
fn to_files(
    table: &str,
    rows: Vec<Row>,
    mut seen: Option<&mut HashMap<String, u32>>,
) -> (Vec<InputFile>, HashMap<String, Vec<(u32, String)>>) {
    let mut groups: BTreeMap<String, Vec<Row>> = BTreeMap::new();
    for r in rows {
        groups.entry(r.service.clone()).or_default().push(r);
    }
    let mut files = Vec::new();
    let mut keys = HashMap::new();
    for (service, mut rows) in groups {
        crate::sort::sort_by_key(&mut rows, |r| r.time);
        let synth = !rows.iter().any(|r| carries_own_time(&r.body, r.time));
        let name = file_name(&service);
        let mut text = String::new();
        let mut line = 1u32;
        let mut index = Vec::new();
        for r in &rows {
            if let Some(seen) = seen.as_deref_mut() {
                let base = format!("{table}:{service}@{}", format_ns(r.time));
                let n = seen.entry(base.clone()).or_insert(0);
                *n += 1;
                let key = if *n == 1 { base } else { format!("{base}#{n}") };
                index.push((line, key));
            }
            line += row_text(r, synth, &mut text);
        }
        keys.insert(name.clone(), index);
        files.push(InputFile::new(name, text.into_bytes()));
    }
    (files, keys)
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_710_252_001_114_000_000; // 2024-03-12T14:00:01.114Z

    fn row(dt_ms: i64, service: &str, level: &str, body: &str) -> Row {
        Row {
            time: T + dt_ms * 1_000_000,
            service: service.into(),
            level: level.into(),
            body: body.into(),
            trace: String::new(),
            host: String::new(),
        }
    }

    fn text(f: &InputFile) -> &str {
        std::str::from_utf8(&f.bytes).unwrap()
    }

    #[test]
    fn raw_lines_stay_verbatim_and_messages_get_a_header() {
        let raw = "2024-03-12T14:00:01.114Z INFO [main] Started in 6.4 seconds";
        let mut msg = row(5, "checkout", "ERROR", "upstream orders-api returned 503");
        msg.trace = "4bf92f3577b34da6a3ce929d0e0e4736".into();
        msg.host = "node-3".into();
        let f = Fetched::new(
            "logs",
            vec![msg, row(0, "orders-api", "INFO", raw)],
            vec![],
            Counts::default(),
        );
        let names: Vec<&str> = f.files.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["checkout.log", "orders-api.log"]);
        assert_eq!(
            text(&f.files[0]),
            "2024-03-12T14:00:01.119Z ERROR checkout upstream orders-api returned 503 trace_id=4bf92f3577b34da6a3ce929d0e0e4736 host=node-3\n"
        );
        assert_eq!(text(&f.files[1]), format!("{raw}\n"));
    }

    #[test]
    fn own_time_is_recognised_in_any_zone_and_as_epoch() {
        assert!(carries_own_time("2024-03-12 16:00:01,114 WARN x", T)); // +02:00
        assert!(carries_own_time("Mar 12 14:00:01 host app: x", T));
        assert!(carries_own_time("{\"ts\":1710252001114,\"msg\":\"x\"}", T));
        assert!(!carries_own_time("connection refused", T));
        assert!(!carries_own_time("retry in 00:30", T));
    }

    #[test]
    fn rows_are_keyed_and_evidence_points_at_them() {
        let trace = "Exception in thread main\n\tat a.B.c(B.java:1)\n\tat a.B.d(B.java:2)";
        let f = Fetched::new(
            "otel_logs",
            vec![
                row(0, "api", "ERROR", trace),
                row(0, "api", "ERROR", "again"),
                row(2000, "api", "WARN", "slow"),
            ],
            vec![],
            Counts::default(),
        );
        // Lines: 1-3 the trace, 4 "again", 5 "slow".
        assert_eq!(
            f.row_of("api.log", 1),
            Some(("otel_logs:api@2024-03-12T14:00:01.114Z", 1))
        );
        assert_eq!(
            f.row_of("api.log", 3),
            Some(("otel_logs:api@2024-03-12T14:00:01.114Z", 3))
        );
        assert_eq!(
            f.row_of("api.log", 4),
            Some(("otel_logs:api@2024-03-12T14:00:01.114Z#2", 1))
        );
        assert_eq!(
            f.row_of("api.log", 5),
            Some(("otel_logs:api@2024-03-12T14:00:03.114Z", 1))
        );
        assert_eq!(f.row_of("other.log", 1), None);
        // And back: a row key (and a line within it) to the analyzed line.
        assert_eq!(
            f.line_of("otel_logs:api@2024-03-12T14:00:01.114Z", 3),
            Some(("api.log", 3))
        );
        assert_eq!(
            f.line_of("otel_logs:api@2024-03-12T14:00:01.114Z#2", 1),
            Some(("api.log", 4))
        );
        assert_eq!(f.line_of("otel_logs:api@1999-01-01T00:00:00Z", 1), None);

        let mut report = serde_json::json!({
            "root_cause": {"evidence": [{"file": "api.log", "line": 5, "text": "slow"}]},
            "input": {"files": [{"name": "api.log", "lines": 5}]},
            "reasoning_trail": [{"input": "x", "output": "patient zero: api.log:4; see also app.log:4"}],
        });
        f.name_rows(&mut report);
        assert_eq!(
            report["root_cause"]["evidence"][0],
            serde_json::json!({"file": "otel_logs:api@2024-03-12T14:00:03.114Z", "line": 1, "text": "slow"})
        );
        assert_eq!(report["input"]["files"][0]["name"], "api.log");
        assert_eq!(
            report["reasoning_trail"][0]["output"],
            "patient zero: otel_logs:api@2024-03-12T14:00:01.114Z#2; see also app.log:4"
        );
    }

    #[test]
    fn a_sampled_input_says_so() {
        let mut c = Counts::default();
        c.window.insert("api".into(), (1000, 10, 40));
        let f = Fetched::new("t", vec![row(0, "api", "ERROR", "boom")], vec![], c);
        let url = SourceUrl::parse("clickhouse://h:1/db?table=t").unwrap();
        let w = Window::new(T, T + 60_000_000_000, None).unwrap();
        let s = f.summary(&url, &w, &Caps::default());
        assert!(s.sampled);
        assert_eq!(
            (s.window_lines, s.window_loud_lines, s.fetched_window_rows),
            (1000, 40, 1)
        );
        let d = s.describe();
        assert!(d.starts_with("Read from clickhouse://h:1/db?table=t (2024-03-12T14:00:01Z to 2024-03-12T14:01:02Z): 1000 lines counted by the store, 1 fetched: every WARN-and-above line (40)"), "{d}");
    }

    #[test]
    fn rows_without_service_go_to_a_generic_file() {
        let f = Fetched::new("t", vec![row(0, "", "", "boom")], vec![], Counts::default());
        assert_eq!(f.files[0].name, "logs.log");
        assert_eq!(text(&f.files[0]), "2024-03-12T14:00:01.114Z boom\n");
        assert_eq!(
            f.row_of("logs.log", 1),
            Some(("t:@2024-03-12T14:00:01.114Z", 1))
        );
    }
}
