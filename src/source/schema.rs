//! Schema discovery: which columns of a table hold the time, level, service, message, trace id
//! and host, from its `DESCRIBE TABLE` rows (name and type). Names the user gives win; otherwise
//! the OpenTelemetry exporter's names (`Timestamp`, `SeverityText`, `ServiceName`, `Body`,
//! `TraceId`, `ResourceAttributes`) and common alternatives are tried, and the time column must
//! have a time type (`DateTime`, `DateTime64(p)`, optionally with a time zone).

use super::error::{SourceError, SourceErrorKind};

/// What a column is used for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Role {
    Time,
    /// Sub-second part of a `DateTime` (seconds) time column, in the unit its name says
    /// (`_ms`, `_us`, else nanoseconds).
    TimeFraction,
    Level,
    Service,
    Message,
    Trace,
    Host,
}

impl Role {
    /// The names accepted in the source URL (`time=COL`).
    pub const NAMES: [&'static str; 7] = [
        "time",
        "time_fraction",
        "level",
        "service",
        "message",
        "trace",
        "host",
    ];
    const ALL: [Role; 7] = [
        Role::Time,
        Role::TimeFraction,
        Role::Level,
        Role::Service,
        Role::Message,
        Role::Trace,
        Role::Host,
    ];

    pub fn name(self) -> &'static str {
        Self::NAMES[Self::ALL.iter().position(|r| *r == self).unwrap_or(0)]
    }

    pub fn from_name(s: &str) -> Option<Role> {
        Self::NAMES
            .iter()
            .position(|n| *n == s)
            .map(|i| Self::ALL[i])
    }

    /// Column names tried, in order, when none is given.
    fn candidates(self) -> &'static [&'static str] {
        match self {
            Role::Time => &[
                "timestamp",
                "ts",
                "time",
                "event_time",
                "eventtime",
                "datetime",
                "date_time",
                "@timestamp",
                "timestamptime",
                "logged_at",
                "created_at",
            ],
            Role::TimeFraction => &[],
            Role::Level => &[
                "severitytext",
                "severity_text",
                "level",
                "severity",
                "log_level",
                "loglevel",
                "lvl",
            ],
            Role::Service => &[
                "servicename",
                "service_name",
                "service",
                "app",
                "application",
                "app_name",
                "component",
                "container_name",
            ],
            Role::Message => &["body", "message", "msg", "log", "line", "text", "raw"],
            Role::Trace => &["traceid", "trace_id", "traceid_hex", "trace"],
            Role::Host => &["host", "hostname", "host_name", "node", "instance"],
        }
    }
}

/// How the time column stores time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeType {
    /// `DateTime`: whole seconds.
    Seconds,
    /// `DateTime64(p)`: `p` decimal digits of fraction.
    Fractional(u8),
}

/// The columns of one table, by role, as SQL expressions (quoted identifiers, or a map lookup
/// such as ``ResourceAttributes['host.name']``).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Columns {
    pub time: String,
    pub time_type: TimeType,
    /// The fraction column and how many nanoseconds one of its units is.
    pub fraction: Option<(String, u64)>,
    pub level: Option<String>,
    pub service: Option<String>,
    pub message: String,
    pub trace: Option<String>,
    pub host: Option<String>,
}

/// A column of `DESCRIBE TABLE`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Column {
    pub name: String,
    pub ty: String,
}

/// `Nullable(T)` and `LowCardinality(T)` are T for our purposes.
fn base_type(ty: &str) -> &str {
    let mut t = ty.trim();
    for w in ["Nullable(", "LowCardinality("] {
        while let Some(inner) = t.strip_prefix(w).and_then(|r| r.strip_suffix(')')) {
            t = inner;
        }
    }
    t
}

fn time_type(ty: &str) -> Option<TimeType> {
    let t = base_type(ty);
    if let Some(args) = t.strip_prefix("DateTime64(") {
        let p = args.split([',', ')']).next()?.trim().parse().ok()?;
        return Some(TimeType::Fractional(p));
    }
    (t == "DateTime" || t.starts_with("DateTime(")).then_some(TimeType::Seconds)
}

fn is_text(ty: &str) -> bool {
    let t = base_type(ty);
    t == "String" || t.starts_with("FixedString(") || t.starts_with("Enum")
}

fn is_integer(ty: &str) -> bool {
    let t = base_type(ty);
    t.starts_with("UInt") || t.starts_with("Int")
}

fn is_string_map(ty: &str) -> bool {
    base_type(ty).starts_with("Map(")
}

/// A quoted identifier (backticks work on every ClickHouse release).
pub(crate) fn ident(name: &str) -> String {
    format!("`{}`", name.replace('\\', "\\\\").replace('`', "\\`"))
}

/// A quoted string literal.
pub(crate) fn literal(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

fn unknown(msg: String) -> SourceError {
    SourceError::new(SourceErrorKind::UnknownColumn, msg)
}

impl Columns {
    /// Finds the columns of `cols` (the table's description), `given` naming some explicitly.
    pub(crate) fn discover(
        table: &str,
        cols: &[Column],
        given: &[(Role, String)],
    ) -> Result<Columns, SourceError> {
        let given_for = |role: Role| given.iter().find(|(r, _)| *r == role).map(|(_, n)| n);
        let find = |name: &str| cols.iter().find(|c| c.name == name);
        let listing = || {
            cols.iter()
                .map(|c| format!("{} {}", c.name, c.ty))
                .collect::<Vec<_>>()
                .join(", ")
        };
        // Explicit names first: each must exist.
        for (role, name) in given {
            if find(name).is_none() {
                return Err(unknown(format!(
                    "table {table} has no column {name:?} (given as {}); its columns: {}",
                    role.name(),
                    listing()
                )));
            }
        }
        let auto = |role: Role, ok: &dyn Fn(&str) -> bool| -> Option<&Column> {
            role.candidates().iter().find_map(|cand| {
                cols.iter()
                    .find(|c| c.name.eq_ignore_ascii_case(cand) && ok(&c.ty))
            })
        };
        let time = match given_for(Role::Time) {
            Some(n) => find(n).expect("checked above"),
            None => auto(Role::Time, &|t| time_type(t).is_some())
                .or_else(|| cols.iter().find(|c| time_type(&c.ty).is_some()))
                .or_else(|| auto(Role::Time, &|_| true))
                .ok_or_else(|| {
                    unknown(format!(
                        "table {table} has no time column (DateTime or DateTime64); its columns: {}",
                        listing()
                    ))
                })?,
        };
        let time_type = time_type(&time.ty).ok_or_else(|| {
            SourceError::new(
                SourceErrorKind::NotATime,
                format!(
                    "column {:?} of {table} is {}, not a time (DateTime or DateTime64): name the time column with time=COLUMN in the source URL",
                    time.name, time.ty
                ),
            )
        })?;
        let fraction = match (time_type, given_for(Role::TimeFraction)) {
            (TimeType::Fractional(_), _) => None,
            (TimeType::Seconds, Some(n)) => Some(n.clone()),
            (TimeType::Seconds, None) => ["_ns", "_nanos", "_us", "_micros", "_ms", "_millis"]
                .iter()
                .map(|suffix| format!("{}{suffix}", time.name))
                .find(|n| find(n).is_some_and(|c| is_integer(&c.ty))),
        }
        .map(|n| {
            let scale = if n.ends_with("_ms") || n.ends_with("_millis") {
                1_000_000
            } else if n.ends_with("_us") || n.ends_with("_micros") {
                1_000
            } else {
                1
            };
            (ident(&n), scale)
        });
        let text_role = |role: Role| -> Option<String> {
            match given_for(role) {
                Some(n) => Some(ident(n)),
                None => auto(role, &is_text).map(|c| ident(&c.name)),
            }
        };
        let message = text_role(Role::Message).ok_or_else(|| {
            unknown(format!(
                "table {table} has no message column (Body, message, msg, log, ...): name it with message=COLUMN; its columns: {}",
                listing()
            ))
        })?;
        // OTel keeps the host (and sometimes the service) in the resource attributes.
        let attr = |key: &str| {
            cols.iter()
                .find(|c| c.name == "ResourceAttributes" && is_string_map(&c.ty))
                .map(|c| format!("{}[{}]", ident(&c.name), literal(key)))
        };
        Ok(Columns {
            time: ident(&time.name),
            time_type,
            fraction,
            level: text_role(Role::Level),
            service: text_role(Role::Service).or_else(|| attr("service.name")),
            message,
            trace: text_role(Role::Trace),
            host: text_role(Role::Host).or_else(|| attr("host.name")),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cols(spec: &[(&str, &str)]) -> Vec<Column> {
        spec.iter()
            .map(|(n, t)| Column {
                name: n.to_string(),
                ty: t.to_string(),
            })
            .collect()
    }

    /// The OpenTelemetry collector's ClickHouse exporter's `otel_logs` (current schema).
    fn otel() -> Vec<Column> {
        cols(&[
            ("Timestamp", "DateTime64(9)"),
            ("TimestampTime", "DateTime"),
            ("TraceId", "String"),
            ("SpanId", "String"),
            ("TraceFlags", "UInt8"),
            ("SeverityText", "LowCardinality(String)"),
            ("SeverityNumber", "UInt8"),
            ("ServiceName", "LowCardinality(String)"),
            ("Body", "String"),
            ("ResourceSchemaUrl", "LowCardinality(String)"),
            ("ResourceAttributes", "Map(LowCardinality(String), String)"),
            ("ScopeName", "String"),
            ("LogAttributes", "Map(LowCardinality(String), String)"),
        ])
    }

    #[test]
    fn otel_logs_columns_are_found_by_their_names() {
        let c = Columns::discover("otel_logs", &otel(), &[]).unwrap();
        assert_eq!(c.time, "`Timestamp`");
        assert_eq!(c.time_type, TimeType::Fractional(9));
        assert_eq!(c.fraction, None);
        assert_eq!(c.level.as_deref(), Some("`SeverityText`"));
        assert_eq!(c.service.as_deref(), Some("`ServiceName`"));
        assert_eq!(c.message, "`Body`");
        assert_eq!(c.trace.as_deref(), Some("`TraceId`"));
        assert_eq!(c.host.as_deref(), Some("`ResourceAttributes`['host.name']"));
    }

    #[test]
    fn seconds_with_a_fraction_column_and_plain_names() {
        let c = Columns::discover(
            "logs",
            &cols(&[
                ("ts", "DateTime('UTC')"),
                ("ts_ms", "UInt16"),
                ("app", "String"),
                ("lvl", "Enum8('info' = 1, 'error' = 2)"),
                ("msg", "String"),
                ("hostname", "Nullable(String)"),
            ]),
            &[],
        )
        .unwrap();
        assert_eq!((c.time.as_str(), c.time_type), ("`ts`", TimeType::Seconds));
        assert_eq!(c.fraction, Some(("`ts_ms`".into(), 1_000_000)));
        assert_eq!(c.service.as_deref(), Some("`app`"));
        assert_eq!(c.level.as_deref(), Some("`lvl`"));
        assert_eq!(c.host.as_deref(), Some("`hostname`"));
        assert_eq!(c.trace, None);
    }

    #[test]
    fn explicit_names_win_and_must_exist() {
        let table = cols(&[
            ("created", "DateTime"),
            ("when", "DateTime"),
            ("origin", "String"),
            ("payload", "String"),
        ]);
        let given = [
            (Role::Time, "when".to_string()),
            (Role::Service, "origin".to_string()),
            (Role::Message, "payload".to_string()),
        ];
        let c = Columns::discover("t", &table, &given).unwrap();
        assert_eq!(
            (c.time.as_str(), c.service.as_deref()),
            ("`when`", Some("`origin`"))
        );
        let e = Columns::discover("t", &table, &[(Role::Level, "sev".into())]).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::UnknownColumn);
        assert!(e.message.contains("\"sev\""), "{}", e.message);
    }

    #[test]
    fn a_time_column_that_is_not_a_time_is_named_in_the_error() {
        let table = cols(&[("timestamp", "String"), ("message", "String")]);
        let e = Columns::discover("t", &table, &[]).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::NotATime);
        assert!(
            e.message.contains("\"timestamp\" of t is String"),
            "{}",
            e.message
        );
        let table = cols(&[("created", "DateTime"), ("message", "String")]);
        let e = Columns::discover("t", &table, &[(Role::Time, "message".into())]).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::NotATime);
    }

    #[test]
    fn no_message_column_is_an_error_listing_the_columns() {
        let e =
            Columns::discover("t", &cols(&[("ts", "DateTime"), ("n", "UInt64")]), &[]).unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::UnknownColumn);
        assert!(e.message.contains("ts DateTime, n UInt64"), "{}", e.message);
    }

    #[test]
    fn identifiers_and_literals_are_escaped() {
        assert_eq!(ident("we`ird"), "`we\\`ird`");
        assert_eq!(literal("it's"), "'it\\'s'");
    }
}
