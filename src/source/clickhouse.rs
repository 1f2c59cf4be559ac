//! ClickHouse over its HTTP interface: the SQL of each step, written for every release from
//! 18.16 (Debian's; no `DateTime64`, `Map` or `LowCardinality` needed) to the current one (the
//! OpenTelemetry exporter's `otel_logs`, whose `DateTime64` time and `Map` attributes are read
//! with functions only the newer releases have, chosen from the table's own description).

use super::answer::{int, json_each_row, text};
use super::error::{SourceError, SourceErrorKind};
use super::rows::{Fetched, Row};
use super::schema::{ident, Column, Columns, TimeType};
use super::{Caps, Counts, LogSource, Query, QueryKind, SourceUrl, Window};

/// A ClickHouse table as a log source.
#[derive(Debug, Clone)]
pub struct ClickHouse {
    pub url: SourceUrl,
}

impl ClickHouse {
    pub fn new(url: SourceUrl) -> ClickHouse {
        ClickHouse { url }
    }

    /// `database.table`, quoted.
    fn table(&self) -> String {
        format!("{}.{}", ident(&self.url.database), ident(&self.url.table))
    }

    /// How messages name the table.
    pub fn what(&self) -> String {
        format!("table {}.{}", self.url.database, self.url.table)
    }
}

impl LogSource for ClickHouse {
    fn discovery(&self) -> Query {
        Query {
            kind: QueryKind::Describe,
            sql: format!("DESCRIBE TABLE {} FORMAT JSONEachRow", self.table()),
        }
    }

    fn plan(&self, describe: &str, window: &Window, caps: Caps) -> Result<Plan, SourceError> {
        let cols: Vec<Column> = json_each_row(describe)?
            .iter()
            .map(|o| Column {
                name: text(o, "name"),
                ty: text(o, "type"),
            })
            .collect();
        if cols.is_empty() {
            return Err(SourceError::new(
                SourceErrorKind::UnknownTable,
                format!("{} has no columns", self.what()),
            ));
        }
        let columns = Columns::discover(&self.url.table, &cols, &self.url.columns)?;
        Ok(Plan {
            table: self.table(),
            name: self.url.table.clone(),
            columns,
            window: *window,
            caps,
        })
    }
}

/// Levels counted as errors, and as loud (WARN and above); compared upper-cased.
const ERROR_LEVELS: &str =
    "'ERROR','ERR','FATAL','CRITICAL','CRIT','ALERT','EMERG','EMERGENCY','PANIC','SEVERE'";
const WARN_LEVELS: &str = "'WARN','WARNING'";

/// The queries for one table and window, and how to read their answers.
#[derive(Debug, Clone)]
pub struct Plan {
    table: String,
    /// The table's name as rows are keyed (`table:service@time`).
    name: String,
    pub columns: Columns,
    pub window: Window,
    pub caps: Caps,
}

impl Plan {
    /// The time as nanoseconds since the epoch, as a decimal string.
    fn time_ns(&self) -> String {
        let c = &self.columns;
        match (c.time_type, &c.fraction) {
            (TimeType::Fractional(_), _) => format!("toString(toUnixTimestamp64Nano({}))", c.time),
            (TimeType::Seconds, None) => format!("toString(toUInt64({}) * 1000000000)", c.time),
            (TimeType::Seconds, Some((f, scale))) => format!(
                "toString(toUInt64({}) * 1000000000 + toUInt64({f}) * {scale})",
                c.time
            ),
        }
    }

    fn order(&self) -> String {
        let c = &self.columns;
        match &c.fraction {
            Some((f, _)) => format!("{}, {f}, fl_service, fl_body", c.time),
            None => format!("{}, fl_service, fl_body", c.time),
        }
    }

    fn between(&self, (from, to): (i64, i64)) -> String {
        let t = &self.columns.time;
        format!("{t} >= toDateTime({from}) AND {t} < toDateTime({to})")
    }

    fn level(&self) -> Option<String> {
        self.columns
            .level
            .as_ref()
            .map(|l| format!("upper(toString({l}))"))
    }

    fn is_error(&self) -> String {
        match self.level() {
            Some(l) => format!("{l} IN ({ERROR_LEVELS})"),
            None => "0".into(),
        }
    }

    /// WARN and above, or no level at all (the store cannot tell, so the engine must see it).
    fn is_loud(&self) -> String {
        match self.level() {
            Some(l) => format!("({l} IN ({ERROR_LEVELS},{WARN_LEVELS}) OR {l} = '')"),
            None => "1".into(),
        }
    }

    fn text_or_empty(e: &Option<String>) -> String {
        e.as_ref()
            .map_or_else(|| "''".into(), |e| format!("toString({e})"))
    }

    fn service(&self) -> String {
        Self::text_or_empty(&self.columns.service)
    }

    /// Per service and minute, the window's and the baseline's counts.
    pub fn counts_query(&self) -> Query {
        let t = &self.columns.time;
        let w = &self.window;
        Query {
            kind: QueryKind::Counts,
            sql: format!(
                "SELECT {svc} AS fl_service, toUInt32(toStartOfMinute({t})) AS fl_minute, \
                 {t} >= toDateTime({from}) AS fl_window, count() AS fl_lines, \
                 countIf({err}) AS fl_errors, countIf({loud}) AS fl_loud \
                 FROM {table} WHERE ({base}) OR ({win}) \
                 GROUP BY fl_service, fl_minute, fl_window \
                 ORDER BY fl_window, fl_service, fl_minute FORMAT JSONEachRow",
                svc = self.service(),
                from = w.from,
                err = self.is_error(),
                loud = self.is_loud(),
                table = self.table,
                base = self.between(w.baseline),
                win = self.between((w.from, w.to)),
            ),
        }
    }

    /// Reads the counts; stops with a clear error on an empty window or when the loud lines
    /// are more than the cap (fetching them would give a partial report).
    pub fn read_counts(&self, answer: &str) -> Result<Counts, SourceError> {
        let mut counts = Counts::default();
        for o in json_each_row(answer)? {
            let service = text(&o, "fl_service");
            let (lines, errors, loud) = (
                int(&o, "fl_lines")? as u64,
                int(&o, "fl_errors")? as u64,
                int(&o, "fl_loud")? as u64,
            );
            let map = if int(&o, "fl_window")? != 0 {
                counts
                    .minutes
                    .push((service.clone(), int(&o, "fl_minute")?, lines, errors));
                &mut counts.window
            } else {
                &mut counts.baseline
            };
            let c = map.entry(service).or_default();
            c.0 += lines;
            c.1 += errors;
            c.2 += loud;
        }
        if counts.window_lines() == 0 {
            return Err(SourceError::new(
                SourceErrorKind::EmptyWindow,
                format!(
                    "the window {} .. {} holds no rows of {}{}: check the window (times are UTC) and the table",
                    crate::ingest::format_ns(self.window.from * 1_000_000_000),
                    crate::ingest::format_ns(self.window.to * 1_000_000_000),
                    self.table,
                    if counts.baseline_lines() > 0 { " (the baseline before it does)" } else { "" },
                ),
            ));
        }
        let loud = counts.window_loud();
        if loud > self.caps.loud {
            return Err(SourceError::new(
                SourceErrorKind::CapReached,
                format!(
                    "the window holds {loud} WARN-and-above lines, more than the cap of {}: analyzing a part of them would give a partial report, so none was fetched. Narrow the window (--from/--to) or raise the cap (--source-cap)",
                    self.caps.loud
                ),
            ));
        }
        Ok(counts)
    }

    fn rows_sql(&self, filter: &str, limit: &str) -> String {
        let c = &self.columns;
        format!(
            "SELECT {t} AS fl_t, {svc} AS fl_service, {lvl} AS fl_level, toString({msg}) AS fl_body, \
             {trace} AS fl_trace, {host} AS fl_host FROM {table} WHERE {filter} \
             ORDER BY {order} {limit} FORMAT JSONEachRow",
            t = self.time_ns(),
            svc = self.service(),
            lvl = Self::text_or_empty(&c.level),
            msg = c.message,
            trace = Self::text_or_empty(&c.trace),
            host = Self::text_or_empty(&c.host),
            table = self.table,
            order = self.order(),
        )
    }

    /// The row queries the counts call for: the loud lines, a sample of the others, and the
    /// baseline sample (each only when its part of the counts is not zero).
    pub fn row_queries(&self, counts: &Counts) -> Vec<Query> {
        self.rows_for(
            counts.window_loud() > 0,
            counts.window_lines() > counts.window_loud(),
            counts.baseline_lines() > 0,
        )
    }

    /// Every query this plan may send after the description, in order: the counts, then each
    /// row query (sent only when its part of the counts is not zero). For a preview.
    pub fn queries(&self) -> Vec<Query> {
        let mut out = vec![self.counts_query()];
        out.extend(self.rows_for(true, true, true));
        out
    }

    fn rows_for(&self, loud_rows: bool, quiet_rows: bool, baseline_rows: bool) -> Vec<Query> {
        let t = &self.columns.time;
        let w = &self.window;
        let win = self.between((w.from, w.to));
        let loud = self.is_loud();
        let minute = format!("toStartOfMinute({t})");
        let mut out = Vec::new();
        if loud_rows {
            out.push(Query {
                kind: QueryKind::Loud,
                sql: self.rows_sql(
                    &format!("{win} AND {loud}"),
                    &format!("LIMIT {}", self.caps.loud),
                ),
            });
        }
        if quiet_rows {
            out.push(Query {
                kind: QueryKind::Sample,
                sql: self.rows_sql(
                    &format!("{win} AND NOT {loud}"),
                    &format!(
                        "LIMIT {} BY fl_service, {minute}",
                        self.caps.sample_per_minute
                    ),
                ),
            });
        }
        if baseline_rows {
            out.push(Query {
                kind: QueryKind::Baseline,
                sql: self.rows_sql(
                    &self.between(w.baseline),
                    &format!(
                        "LIMIT {} BY fl_service, {minute}, {loud}",
                        self.caps.baseline_per_minute
                    ),
                ),
            });
        }
        out
    }

    /// The engine's input from the row queries' answers (any order).
    pub fn assemble(
        &self,
        counts: Counts,
        answers: &[(QueryKind, String)],
    ) -> Result<Fetched, SourceError> {
        let mut window = Vec::new();
        let mut baseline = Vec::new();
        for (kind, answer) in answers {
            let rows = json_each_row(answer)?
                .iter()
                .map(|o| {
                    Ok(Row {
                        time: int(o, "fl_t")?,
                        service: text(o, "fl_service"),
                        level: text(o, "fl_level"),
                        body: text(o, "fl_body"),
                        trace: text(o, "fl_trace"),
                        host: text(o, "fl_host"),
                    })
                })
                .collect::<Result<Vec<_>, SourceError>>()?;
            match kind {
                QueryKind::Baseline => baseline.extend(rows),
                QueryKind::Loud | QueryKind::Sample => window.extend(rows),
                QueryKind::Describe | QueryKind::Counts => {}
            }
        }
        Ok(Fetched::new(&self.name, window, baseline, counts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OTEL_DESCRIBE: &str = r#"{"name":"Timestamp","type":"DateTime64(9)","default_type":"CODEC","default_expression":"","comment":"","codec_expression":"Delta(8), ZSTD(1)","ttl_expression":""}
{"name":"TimestampTime","type":"DateTime","default_type":"DEFAULT","default_expression":"toDateTime(Timestamp)","comment":"","codec_expression":"","ttl_expression":""}
{"name":"TraceId","type":"String","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"SpanId","type":"String","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"SeverityText","type":"LowCardinality(String)","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"SeverityNumber","type":"UInt8","default_type":"","default_expression":"","comment":"","codec_expression":"","ttl_expression":""}
{"name":"ServiceName","type":"LowCardinality(String)","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"Body","type":"String","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"ResourceAttributes","type":"Map(LowCardinality(String), String)","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
{"name":"LogAttributes","type":"Map(LowCardinality(String), String)","default_type":"","default_expression":"","comment":"","codec_expression":"ZSTD(1)","ttl_expression":""}
"#;

    const OLD_DESCRIBE: &str = r#"{"name":"ts","type":"DateTime","default_type":"","default_expression":"","comment_expression":""}
{"name":"ts_ns","type":"UInt32","default_type":"","default_expression":"","comment_expression":""}
{"name":"service","type":"String","default_type":"","default_expression":"","comment_expression":""}
{"name":"level","type":"String","default_type":"","default_expression":"","comment_expression":""}
{"name":"body","type":"String","default_type":"","default_expression":"","comment_expression":""}
"#;

    const T: i64 = 1_710_252_000;

    fn plan(describe: &str, url: &str) -> Plan {
        let ch = ClickHouse::new(SourceUrl::parse(url).unwrap());
        let w = Window::new(T * 1_000_000_000, (T + 1800) * 1_000_000_000, None).unwrap();
        ch.plan(describe, &w, Caps::default()).unwrap()
    }

    fn counts(window: (u64, u64, u64), baseline: u64) -> Counts {
        let mut c = Counts::default();
        c.window.insert("a".into(), window);
        if baseline > 0 {
            c.baseline.insert("a".into(), (baseline, 0, 0));
        }
        c
    }

    #[test]
    fn otel_schema_queries_use_nanosecond_time_and_the_resource_host() {
        let p = plan(OTEL_DESCRIBE, "clickhouse://h/otel?table=otel_logs");
        let c = p.counts_query().sql;
        assert!(c.contains("FROM `otel`.`otel_logs`"), "{c}");
        assert!(c.contains("toString(`ServiceName`) AS fl_service"), "{c}");
        assert!(
            c.contains(&format!("`Timestamp` >= toDateTime({})", T - 1800)),
            "{c}"
        );
        assert!(
            c.contains(&format!("`Timestamp` < toDateTime({})", T + 1800)),
            "{c}"
        );
        assert!(
            c.contains("upper(toString(`SeverityText`)) IN ('ERROR'"),
            "{c}"
        );
        let rows = p.row_queries(&counts((100, 5, 10), 50));
        let kinds: Vec<QueryKind> = rows.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [QueryKind::Loud, QueryKind::Sample, QueryKind::Baseline]
        );
        let loud = &rows[0].sql;
        assert!(
            loud.contains("toString(toUnixTimestamp64Nano(`Timestamp`)) AS fl_t"),
            "{loud}"
        );
        assert!(
            loud.contains("toString(`ResourceAttributes`['host.name']) AS fl_host"),
            "{loud}"
        );
        assert!(loud.contains("toString(`TraceId`) AS fl_trace"), "{loud}");
        assert!(loud.contains("LIMIT 50000 FORMAT JSONEachRow"), "{loud}");
        assert!(rows[1].sql.contains("AND NOT (upper("), "{}", rows[1].sql);
        assert!(rows[1]
            .sql
            .contains("LIMIT 50 BY fl_service, toStartOfMinute(`Timestamp`)"));
        assert!(rows[2]
            .sql
            .contains("LIMIT 20 BY fl_service, toStartOfMinute(`Timestamp`), ("));
    }

    #[test]
    fn old_schema_queries_combine_seconds_and_fraction() {
        let p = plan(OLD_DESCRIBE, "clickhouse://h/default?table=logs");
        let rows = p.row_queries(&counts((10, 0, 10), 0));
        assert_eq!(rows.len(), 1, "only loud lines, no baseline");
        let sql = &rows[0].sql;
        assert!(
            sql.contains("toString(toUInt64(`ts`) * 1000000000 + toUInt64(`ts_ns`) * 1) AS fl_t"),
            "{sql}"
        );
        assert!(
            sql.contains("ORDER BY `ts`, `ts_ns`, fl_service, fl_body"),
            "{sql}"
        );
        assert!(
            sql.contains("toString('') AS fl_trace") || sql.contains("'' AS fl_trace"),
            "{sql}"
        );
        // No function newer than 18.16.
        for q in rows.iter().chain([&p.counts_query()]) {
            for newer in ["toUnixTimestamp64", "DateTime64", "mapKeys"] {
                assert!(!q.sql.contains(newer), "{}", q.sql);
            }
        }
    }

    #[test]
    fn counts_are_read_and_checked() {
        let p = plan(OLD_DESCRIBE, "clickhouse://h/default?table=logs");
        let answer = r#"{"fl_service":"a","fl_minute":1710250200,"fl_window":0,"fl_lines":"40","fl_errors":"1","fl_loud":"2"}
{"fl_service":"a","fl_minute":1710252000,"fl_window":1,"fl_lines":"30","fl_errors":"9","fl_loud":"12"}
{"fl_service":"b","fl_minute":1710252060,"fl_window":1,"fl_lines":"5","fl_errors":"0","fl_loud":"0"}
"#;
        let c = p.read_counts(answer).unwrap();
        assert_eq!(c.window["a"], (30, 9, 12));
        assert_eq!(c.baseline["a"], (40, 1, 2));
        assert_eq!((c.window_lines(), c.window_loud()), (35, 12));
        assert_eq!(c.minutes.len(), 2);

        let only_baseline = r#"{"fl_service":"a","fl_minute":1710250200,"fl_window":0,"fl_lines":"40","fl_errors":"1","fl_loud":"2"}"#;
        let e = p.read_counts(only_baseline).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::EmptyWindow);
        assert!(
            e.message.contains("the baseline before it does"),
            "{}",
            e.message
        );
        assert_eq!(
            p.read_counts("").unwrap_err().kind,
            SourceErrorKind::EmptyWindow
        );

        let mut small = p.clone();
        small.caps.loud = 10;
        let e = small.read_counts(answer).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::CapReached);
        assert!(e
            .message
            .contains("12 WARN-and-above lines, more than the cap of 10"));
    }

    #[test]
    fn the_preview_lists_every_query_the_counts_may_call_for() {
        let p = plan(OLD_DESCRIBE, "clickhouse://h/default?table=logs");
        let all = p.queries();
        let kinds: Vec<QueryKind> = all.iter().map(|q| q.kind).collect();
        assert_eq!(
            kinds,
            [
                QueryKind::Counts,
                QueryKind::Loud,
                QueryKind::Sample,
                QueryKind::Baseline
            ]
        );
        assert_eq!(all[0], p.counts_query());
        // The rows actually sent are these same texts.
        let sent = p.row_queries(&counts((100, 5, 10), 50));
        assert_eq!(&all[1..], &sent[..]);
    }

    #[test]
    fn a_table_without_level_fetches_every_line_as_loud() {
        let describe = r#"{"name":"time","type":"DateTime"}
{"name":"message","type":"String"}"#;
        let p = plan(describe, "clickhouse://h/default?table=raw");
        assert!(p.counts_query().sql.contains("countIf(0) AS fl_errors"));
        assert!(p.counts_query().sql.contains("countIf(1) AS fl_loud"));
    }
}
