//! The source URL: `clickhouse://HOST:PORT/DB?table=T[&time=COL&service=COL...][&secure=1]`.
//!
//! Promises: credentials are never part of it (a URL with `user:password@` is refused, so it
//! can be printed back and stored); [`SourceUrl::http_url`] is the only place they appear, as
//! the store's `user`/`password` URL settings (no custom header, so a browser sends a simple
//! request).

use super::error::{SourceError, SourceErrorKind};
use super::schema::Role;
use std::fmt;

/// A parsed source URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceUrl {
    /// HTTPS instead of HTTP (`clickhouses://` or `secure=1`).
    pub secure: bool,
    pub host: String,
    pub port: u16,
    pub database: String,
    pub table: String,
    /// Columns named explicitly (`time=ts&service=app`), by role.
    pub columns: Vec<(Role, String)>,
}

fn bad(msg: impl Into<String>) -> SourceError {
    SourceError::new(SourceErrorKind::BadUrl, msg)
}

impl SourceUrl {
    /// Parses `clickhouse://HOST[:PORT][/DB]?table=T&...`; the port defaults to 8123 (8443 when
    /// secure), the database to `default`.
    pub fn parse(s: &str) -> Result<SourceUrl, SourceError> {
        let s = s.trim();
        let (secure, rest) = if let Some(r) = s.strip_prefix("clickhouse://") {
            (false, r)
        } else if let Some(r) = s.strip_prefix("clickhouses://") {
            (true, r)
        } else {
            return Err(bad(format!(
                "the source {s:?} is not a ClickHouse URL: write clickhouse://HOST:PORT/DATABASE?table=TABLE"
            )));
        };
        let (authority_path, query) = rest.split_once('?').unwrap_or((rest, ""));
        let (authority, path) = authority_path
            .split_once('/')
            .unwrap_or((authority_path, ""));
        if authority.contains('@') {
            return Err(bad("credentials do not go in the source URL (it is printed back): set FAULTLINE_SOURCE_USER and FAULTLINE_SOURCE_PASSWORD"));
        }
        let (host, port) = split_port(authority)?;
        let mut url = SourceUrl {
            secure,
            host,
            port: port.unwrap_or(if secure { 8443 } else { 8123 }),
            database: decode(path.trim_matches('/')),
            table: String::new(),
            columns: Vec::new(),
        };
        if url.database.is_empty() {
            url.database = "default".into();
        }
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let v = decode(v);
            match k {
                "table" => url.table = v,
                "secure" => url.secure |= matches!(v.as_str(), "1" | "true"),
                "user" | "password" => return Err(bad(
                    "credentials do not go in the source URL (it is printed back): set FAULTLINE_SOURCE_USER and FAULTLINE_SOURCE_PASSWORD",
                )),
                _ => match Role::from_name(k) {
                    Some(role) if !v.is_empty() => url.columns.push((role, v)),
                    _ => return Err(bad(format!(
                        "unknown source URL parameter {k:?}: use table=, secure=1 or a column role ({})",
                        Role::NAMES.join(", ")
                    ))),
                },
            }
        }
        if url.table.is_empty() {
            return Err(bad("the source URL names no table: add ?table=TABLE"));
        }
        Ok(url)
    }

    /// The source URL from a form's two fields: the store's address as its HTTP interface is
    /// usually written (`http(s)://HOST:PORT[/DATABASE]`, or a `clickhouse://` URL, or a bare
    /// `HOST:PORT`) and a table (when not empty, it wins over a `table=` in the address).
    pub fn from_parts(address: &str, table: &str) -> Result<SourceUrl, SourceError> {
        let a = address.trim();
        let a = if let Some(r) = a.strip_prefix("http://") {
            format!("clickhouse://{r}")
        } else if let Some(r) = a.strip_prefix("https://") {
            format!("clickhouses://{r}")
        } else if a.contains("://") {
            a.to_string()
        } else {
            format!("clickhouse://{a}")
        };
        let table = table.trim();
        if table.is_empty() {
            return SourceUrl::parse(&a);
        }
        let sep = if a.contains('?') { '&' } else { '?' };
        SourceUrl::parse(&format!("{a}{sep}table={}", encode(table)))
    }

    /// `http(s)://HOST:PORT/`.
    pub fn endpoint(&self) -> String {
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        let scheme = if self.secure { "https" } else { "http" };
        format!("{scheme}://{host}:{}/", self.port)
    }

    /// The URL a query is posted to: the endpoint with the database and, when given, the
    /// credentials as URL settings; `cors` adds `add_http_cors_header=1` (the page needs it).
    pub fn http_url(&self, user: Option<&str>, password: Option<&str>, cors: bool) -> String {
        let mut url = format!("{}?database={}", self.endpoint(), encode(&self.database));
        if cors {
            url.push_str("&add_http_cors_header=1");
        }
        if let Some(u) = user.filter(|u| !u.is_empty()) {
            url.push_str("&user=");
            url.push_str(&encode(u));
        }
        if let Some(p) = password.filter(|p| !p.is_empty()) {
            url.push_str("&password=");
            url.push_str(&encode(p));
        }
        url
    }
}

impl fmt::Display for SourceUrl {
    /// The URL as the user wrote it, normalised, never with credentials.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scheme = if self.secure {
            "clickhouses"
        } else {
            "clickhouse"
        };
        let host = if self.host.contains(':') {
            format!("[{}]", self.host)
        } else {
            self.host.clone()
        };
        write!(
            f,
            "{scheme}://{host}:{}/{}?table={}",
            self.port,
            encode(&self.database),
            encode(&self.table)
        )?;
        for (role, col) in &self.columns {
            write!(f, "&{}={}", role.name(), encode(col))?;
        }
        Ok(())
    }
}

fn split_port(authority: &str) -> Result<(String, Option<u16>), SourceError> {
    let (host, port) = if let Some(rest) = authority.strip_prefix('[') {
        let (h, after) = rest
            .split_once(']')
            .ok_or_else(|| bad("unclosed [ in the source URL's host"))?;
        (h, after.strip_prefix(':'))
    } else {
        match authority.rsplit_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        }
    };
    if host.is_empty() {
        return Err(bad("the source URL names no host"));
    }
    let port = match port {
        None => None,
        Some(p) => Some(
            p.parse::<u16>()
                .map_err(|_| bad(format!("{p:?} is not a port number")))?,
        ),
    };
    Ok((host.to_string(), port))
}

/// Percent-encodes everything but unreserved characters.
pub(crate) fn encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes `%XX` (and `+` as a space); bad escapes stay as written.
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |j: usize| (b.get(j).copied().map(char::from)?).to_digit(16);
        match b[i] {
            b'%' => match (hex(i + 1), hex(i + 2)) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b'+' => out.push(b' '),
            c => out.push(c),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_host_port_database_table_and_columns() {
        let u =
            SourceUrl::parse("clickhouse://db.local:9000/obs?table=otel_logs&time=ts&service=app")
                .unwrap();
        assert_eq!((u.host.as_str(), u.port), ("db.local", 9000));
        assert_eq!(
            (u.database.as_str(), u.table.as_str()),
            ("obs", "otel_logs")
        );
        assert_eq!(
            u.columns,
            vec![(Role::Time, "ts".into()), (Role::Service, "app".into())]
        );
        assert_eq!(u.endpoint(), "http://db.local:9000/");
        assert_eq!(
            u.to_string(),
            "clickhouse://db.local:9000/obs?table=otel_logs&time=ts&service=app"
        );
    }

    #[test]
    fn defaults_and_secure() {
        let u = SourceUrl::parse("clickhouse://h?table=t").unwrap();
        assert_eq!(
            (u.port, u.database.as_str(), u.secure),
            (8123, "default", false)
        );
        let s = SourceUrl::parse("clickhouses://h/db?table=t").unwrap();
        assert_eq!((s.port, s.secure), (8443, true));
        assert_eq!(s.endpoint(), "https://h:8443/");
        let v6 = SourceUrl::parse("clickhouse://[::1]:8123/?table=t").unwrap();
        assert_eq!(v6.endpoint(), "http://[::1]:8123/");
    }

    #[test]
    fn refuses_credentials_missing_table_and_other_schemes() {
        for bad_url in [
            "clickhouse://u:p@h:8123/db?table=t",
            "clickhouse://h:8123/db?table=t&password=x",
            "clickhouse://h:8123/db",
            "http://h:8123/?table=t",
            "clickhouse://h:port/db?table=t",
            "clickhouse://h/db?table=t&colour=red",
        ] {
            let e = SourceUrl::parse(bad_url).unwrap_err();
            assert_eq!(e.kind, SourceErrorKind::BadUrl, "{bad_url}");
        }
    }

    #[test]
    fn a_form_address_and_table_make_a_source_url() {
        let u = SourceUrl::from_parts(" http://127.0.0.1:8123/obs ", "app logs").unwrap();
        assert_eq!(
            u.to_string(),
            "clickhouse://127.0.0.1:8123/obs?table=app%20logs"
        );
        let s = SourceUrl::from_parts("https://ch.example.com", "t").unwrap();
        assert_eq!(
            (s.secure, s.port, s.database.as_str()),
            (true, 8443, "default")
        );
        let bare = SourceUrl::from_parts("db:9000/", "t").unwrap();
        assert_eq!((bare.host.as_str(), bare.port), ("db", 9000));
        let both = SourceUrl::from_parts("clickhouse://h/db?table=old&time=ts", "new").unwrap();
        assert_eq!((both.table.as_str(), both.columns.len()), ("new", 1));
        for (addr, table) in [
            ("http://h:8123", ""),
            ("http://u:p@h:8123", "t"),
            ("ftp://h", "t"),
        ] {
            assert_eq!(
                SourceUrl::from_parts(addr, table).unwrap_err().kind,
                SourceErrorKind::BadUrl,
                "{addr} {table}"
            );
        }
    }

    #[test]
    fn credentials_go_only_into_the_http_url_encoded() {
        let u = SourceUrl::parse("clickhouse://h:1/my%20db?table=t").unwrap();
        assert_eq!(u.database, "my db");
        let url = u.http_url(Some("reader"), Some("p&w=1"), true);
        assert_eq!(
            url,
            "http://h:1/?database=my%20db&add_http_cors_header=1&user=reader&password=p%26w%3D1"
        );
        assert!(!u.to_string().contains("reader"));
        assert_eq!(
            u.http_url(None, Some(""), false),
            "http://h:1/?database=my%20db"
        );
    }
}
