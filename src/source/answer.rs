//! Reading a store's answers: `JSONEachRow` text (one JSON object a line), and the store's
//! error answers turned into [`SourceError`]s a user can act on.

use super::error::{SourceError, SourceErrorKind};
use serde_json::{Map, Value};

pub(crate) type Obj = Map<String, Value>;

/// The objects of a `JSONEachRow` answer; a line that is not a JSON object means the answer is
/// not what was asked for (a proxy's page, another service), which is an error, not data.
pub(crate) fn json_each_row(answer: &str) -> Result<Vec<Obj>, SourceError> {
    let mut out = Vec::new();
    for (i, line) in answer.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => out.push(o),
            _ => {
                let shown: String = line.chars().take(120).collect();
                return Err(SourceError::new(
                    SourceErrorKind::Server,
                    format!(
                        "line {} of the store's answer is not a JSON row (is this ClickHouse's HTTP port?): {shown}",
                        i + 1
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// A string field (numbers are written as they are).
pub(crate) fn text(o: &Obj, key: &str) -> String {
    match o.get(key) {
        Some(Value::String(s)) => s.clone(),
        Some(Value::Null) | None => String::new(),
        Some(v) => v.to_string(),
    }
}

/// An integer field: ClickHouse quotes 64-bit integers in JSON by default.
pub(crate) fn int(o: &Obj, key: &str) -> Result<i64, SourceError> {
    let v = o.get(key);
    v.and_then(|v| match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.parse().ok(),
        Value::Bool(b) => Some(i64::from(*b)),
        _ => None,
    })
    .ok_or_else(|| {
        SourceError::new(
            SourceErrorKind::Server,
            format!("the store's answer has no integer {key:?} in a row"),
        )
    })
}

/// The error a ClickHouse HTTP answer with status `status` and body `body` stands for.
/// `what` names the table for messages.
pub fn clickhouse_error(status: u16, body: &str, what: &str) -> SourceError {
    use SourceErrorKind as K;
    let code = body
        .trim_start()
        .strip_prefix("Code: ")
        .and_then(|r| r.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|c| c.parse::<u32>().ok());
    let first: String = body
        .lines()
        .next()
        .unwrap_or("")
        .chars()
        .take(300)
        .collect();
    let (kind, msg) = match (status, code) {
        (401 | 403, _) | (_, Some(192 | 193 | 194 | 497 | 516)) => (
            K::Auth,
            format!("the store refused the credentials (HTTP {status}): set FAULTLINE_SOURCE_USER and FAULTLINE_SOURCE_PASSWORD (the page: User and Password) to a user that may read {what}. The store said: {first}"),
        ),
        (_, Some(60 | 81)) => (
            K::UnknownTable,
            format!("{what} does not exist (check the database and table in the source URL). The store said: {first}"),
        ),
        (_, Some(47 | 16)) => (
            K::UnknownColumn,
            format!("a column the query uses is not in {what}: name the columns with time=, level=, service=, message= in the source URL. The store said: {first}"),
        ),
        (_, Some(159 | 209 | 210)) => (
            K::Timeout,
            format!("the store timed out answering: try a shorter window. The store said: {first}"),
        ),
        (_, Some(_)) => (K::Server, format!("the store failed the query (HTTP {status}): {first}")),
        _ => (
            K::Server,
            format!("HTTP {status} from the store's address, and not a ClickHouse answer (is this ClickHouse's HTTP port, 8123 by default?): {first}"),
        ),
    };
    SourceError::new(kind, msg)
}

/// The text of a ClickHouse HTTP answer, or the error it carries: an error status, or an error
/// the store hit mid-stream (it has already sent `200` by then, and ends the body with the
/// exception).
pub fn clickhouse_answer(status: u16, body: String, what: &str) -> Result<String, SourceError> {
    if !(200..300).contains(&status) {
        return Err(clickhouse_error(status, &body, what));
    }
    if let Some(at) = body.rfind("\nCode: ") {
        if body[at..].contains("DB::Exception") {
            return Err(clickhouse_error(500, &body[at + 1..], what));
        }
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    #[test]
    fn answers_with_an_error_status_or_a_mid_stream_exception_are_errors() {
        let ok = "{\"a\":1}\n".to_string();
        assert_eq!(super::clickhouse_answer(200, ok.clone(), "t").unwrap(), ok);
        let mid =
            format!("{ok}Code: 241, e.displayText() = DB::Exception: Memory limit exceeded\n");
        let e = super::clickhouse_answer(200, mid, "t").unwrap_err();
        assert_eq!(e.kind, super::SourceErrorKind::Server);
        assert!(e.message.contains("Memory limit"), "{}", e.message);
        let e = super::clickhouse_answer(
            404,
            "Code: 60, e.displayText() = DB::Exception: Table x doesn't exist.".into(),
            "t",
        )
        .unwrap_err();
        assert_eq!(e.kind, super::SourceErrorKind::UnknownTable);
    }

    use super::*;

    #[test]
    fn rows_and_quoted_integers() {
        let rows = json_each_row(
            "{\"a\":\"12\",\"b\":3,\"s\":\"x\"}\n\n{\"a\":1,\"b\":true,\"s\":null}\n",
        )
        .unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!(int(&rows[0], "a").unwrap(), 12);
        assert_eq!(int(&rows[1], "b").unwrap(), 1);
        assert_eq!(text(&rows[0], "s"), "x");
        assert_eq!(text(&rows[1], "s"), "");
        assert!(int(&rows[0], "zz").is_err());
    }

    #[test]
    fn a_non_json_answer_is_an_error() {
        let e = json_each_row("<html>Welcome to nginx</html>").unwrap_err();
        assert_eq!(e.kind, SourceErrorKind::Server);
        assert!(e.message.contains("not a JSON row"));
    }

    #[test]
    fn store_errors_by_status_and_code() {
        let k = |status, body: &str| clickhouse_error(status, body, "table default.t").kind;
        assert_eq!(
            k(
                401,
                "Code: 193, e.displayText() = DB::Exception: Wrong password for user reader"
            ),
            SourceErrorKind::Auth
        );
        assert_eq!(
            k(
                516,
                "Code: 516. DB::Exception: default: Authentication failed"
            ),
            SourceErrorKind::Auth
        );
        assert_eq!(
            k(
                404,
                "Code: 60, e.displayText() = DB::Exception: Table default.nope doesn't exist."
            ),
            SourceErrorKind::UnknownTable
        );
        assert_eq!(
            k(
                500,
                "Code: 47, e.displayText() = DB::Exception: Unknown identifier: lvl"
            ),
            SourceErrorKind::UnknownColumn
        );
        assert_eq!(
            k(500, "Code: 159. Timeout exceeded"),
            SourceErrorKind::Timeout
        );
        assert_eq!(k(502, "Bad Gateway"), SourceErrorKind::Server);
        let e = clickhouse_error(404, "Not found", "t");
        assert!(
            e.message.contains("not a ClickHouse answer"),
            "{}",
            e.message
        );
    }
}
