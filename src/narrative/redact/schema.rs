//! Column lists declared before the rows that use them. A SQL dump or statement log defines a
//! table (`CREATE TABLE t (col type, ...)`, as `pg_dump`, `mysqldump` and `sqlite3 .dump`
//! print it; or a `-- t(col, ...)` comment that names the columns) and later inserts rows
//! without naming the columns (`INSERT INTO t VALUES (...)`): SQL gives each value the column
//! at its position in the definition, so each value is judged under that column's name, as
//! [`super::markup`] judges `INSERT INTO t (cols) VALUES (...)`.

use super::markup;
use super::needle::{needle, Needle};
use super::Span;
use regex::Regex;
use std::sync::OnceLock;

/// At most this many tables are remembered (a dump of a whole database defines hundreds; the
/// latest definitions are the ones its inserts follow).
const MAX_TABLES: usize = 64;

/// The tables defined so far in one text: lowercase name (without schema or quotes), columns.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Tables(Vec<(String, Vec<String>)>);

impl Tables {
    /// Learns a definition on `line`, or masks the values of an insert into a known table.
    pub(crate) fn line(&mut self, line: &str, out: &mut Vec<Span>) {
        // Both need a `(`: one byte search before the substring searches.
        if memchr::memchr(b'(', line.as_bytes()).is_none() {
            return;
        }
        if let Some((name, cols)) = definition(line) {
            self.0.retain(|(n, _)| *n != name);
            if self.0.len() == MAX_TABLES {
                self.0.remove(0);
            }
            self.0.push((name, cols));
            return;
        }
        if !self.0.is_empty() {
            self.insert(line, out);
        }
    }

    /// `INSERT INTO t VALUES (...)` into a table whose columns were defined before.
    fn insert(&self, line: &str, out: &mut Vec<Span>) {
        static UPPER: Needle = needle!("VALUES");
        static LOWER: Needle = needle!("values");
        if !(UPPER.is_in(line) || LOWER.is_in(line)) {
            return;
        }
        static RE: OnceLock<Regex> = OnceLock::new();
        let re = RE.get_or_init(|| {
            Regex::new(r"(?i)insert\s+into\s+([\w.`\x22\[\]]+)\s+values\s*\(")
                .expect("positional insert regex")
        });
        let Some(c) = re.captures(line) else {
            return;
        };
        let name = table_name(&c[1]);
        if let Some((_, cols)) = self.0.iter().find(|(n, _)| *n == name) {
            let open = c.get(0).expect("match").end() - 1;
            markup::tuples_under(line, open, cols, out);
        }
    }
}

/// The table a line defines, with its columns in order.
fn definition(line: &str) -> Option<(String, Vec<String>)> {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)(?:(?-u:\b)create\s+(?:(?:global|local)\s+)?(?:temp(?:orary)?\s+|unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?",
            r"|^\s*--\s*)([\w.`\x22\[\]]+)\s*\((.+)\)"
        ))
        .expect("table definition regex")
    });
    static CREATE: Needle = needle!("CREATE");
    static CREATE_LOWER: Needle = needle!("create");
    let t = line.trim_start();
    if !(t.starts_with("--") || CREATE.is_in(line) || CREATE_LOWER.is_in(line)) {
        return None;
    }
    let c = re.captures(line)?;
    let cols: Vec<String> = top_level(&c[2]).filter_map(column_name).collect();
    (cols.len() >= 2).then(|| (table_name(&c[1]), cols))
}

/// `public."Users"`, `` `users` ``, `[dbo].[Users]` -> `users`.
fn table_name(raw: &str) -> String {
    let last = raw.rsplit('.').next().unwrap_or(raw);
    last.trim_matches(['`', '"', '[', ']']).to_ascii_lowercase()
}

/// The comma-separated parts of a definition at depth 0 (`varchar(40)`, `decimal(10,2)` and
/// `CHECK (...)` keep their commas); what follows the closing `)` of the list is left out.
fn top_level(defs: &str) -> impl Iterator<Item = &str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, b) in defs.bytes().enumerate() {
        match b {
            b'(' => depth += 1,
            b')' if depth == 0 => {
                // The list's own `)`: the regex took the last one on the line (`) ENGINE=...`).
                parts.push(&defs[start..i]);
                return parts.into_iter();
            }
            b')' => depth -= 1,
            b',' if depth == 0 => {
                parts.push(&defs[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&defs[start..]);
    parts.into_iter()
}

/// A column's name: the first word of its definition, unless the part is a table constraint
/// (those follow the columns, so positions stay right).
fn column_name(def: &str) -> Option<String> {
    let word = def.split_whitespace().next()?;
    let name = word.trim_matches(['`', '"', '[', ']']);
    let constraint = [
        "primary",
        "unique",
        "key",
        "index",
        "constraint",
        "foreign",
        "check",
    ]
    .iter()
    .any(|k| name.eq_ignore_ascii_case(k));
    let plain = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80);
    (plain && !constraint).then(|| name.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(lines: &[&str]) -> Vec<String> {
        let mut tables = Tables::default();
        let mut got = Vec::new();
        for l in lines {
            let mut out = Vec::new();
            tables.line(l, &mut out);
            got.extend(out.iter().map(|s| l[s.start..s.end].to_string()));
        }
        got
    }

    #[test]
    fn positional_rows_under_columns_defined_before() {
        let script = [
            "CREATE TABLE IF NOT EXISTS `members` (`id` int NOT NULL, `email` varchar(120), `pwd` varchar(64), `note` text, PRIMARY KEY (`id`)) ENGINE=InnoDB;",
            "INSERT INTO `members` VALUES (1,'ana@example.org','plum-Cart0n-9','vip'),(2,'bo@example.org','Lamp!post22','new');",
            "INSERT INTO other VALUES (1,'plum-Cart0n-9');",
        ];
        assert_eq!(
            masked(&script),
            vec![
                "ana@example.org",
                "plum-Cart0n-9",
                "bo@example.org",
                "Lamp!post22"
            ]
        );
        let commented = [
            "-- accounts(id, full_name, birth_date, tax_id)",
            "INSERT INTO accounts VALUES (7, 'Jonas Berg', '1984-03-02', '556677-8899');",
        ];
        assert_eq!(
            masked(&commented),
            vec!["Jonas Berg", "1984-03-02", "556677-8899"]
        );
    }
}
