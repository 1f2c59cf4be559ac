//! Browsing the analyzed input line by line: the page's log view asks for a window of rows of
//! a filtered view, or for where a given `file:line` sits in it, and this module answers from a
//! compact index over the corpus that keeps the decoded file texts (no copy of them).
//!
//! Promises:
//! - one row per physical input line, in input order (files in the order given, then line
//!   number); continuation lines (stack frames, the rest of a pretty-printed document) are rows
//!   of their own that carry their event's service, level and template, so filtering by level
//!   keeps a stack trace with its error line; unparsed lines are rows with no event;
//! - a filter's `events` count is the number of events matching it, the same count the report's
//!   `input.levels` / `input.services` give for one level or service; `total` counts rows;
//! - a bad regex is a typed [`BrowseError`], never a panic; no input, pattern or window panics;
//! - [`Browse::locate`] always finds an existing line: when the filter would hide it, it returns
//!   the filter with the hiding parts cleared, and says which ones.

use crate::ingest::{line_spans, Corpus, Level};
use regex::{Regex, RegexBuilder};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// Row text longer than this (bytes) is cut at a character boundary: a row is one screen line.
const MAX_TEXT: usize = 2000;
/// Compiled-regex size limit: a pathological pattern is an error, not a memory blow-up.
const REGEX_SIZE_LIMIT: usize = 1 << 22;
/// Rows one [`Browse::lines`] call returns at most.
pub const MAX_LIMIT: usize = 1000;
/// `event` of a row that belongs to no event (an unparsed line).
const NO_EVENT: u32 = u32::MAX;
/// `level` of an event without one.
const NO_LEVEL: u8 = u8::MAX;
/// Service name of events with none, as in the report's `input.services`.
pub const NO_SERVICE: &str = "(none)";
/// Level name of events with none, as in the report's `input.levels`.
pub const NO_LEVEL_NAME: &str = "unknown";

/// Which rows to show. An empty list puts no constraint; lists are alternatives (any of).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Filter {
    /// Service names (`"(none)"` for events without one).
    #[serde(default)]
    pub services: Vec<String>,
    /// Level names (`"error"`, `"warn"`, ..., `"unknown"`).
    #[serde(default)]
    pub levels: Vec<String>,
    /// Template ids.
    #[serde(default)]
    pub templates: Vec<u32>,
    /// A regular expression (Rust `regex` syntax) the line's text must match; empty: any.
    #[serde(default)]
    pub regex: String,
}

impl Filter {
    /// True when the filter constrains events (and so hides unparsed lines).
    fn structured(&self) -> bool {
        !(self.services.is_empty() && self.levels.is_empty() && self.templates.is_empty())
    }
}

/// Why a query could not be answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BrowseError {
    /// The regex does not compile; the regex crate's message.
    Pattern(String),
}

impl fmt::Display for BrowseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BrowseError::Pattern(m) => write!(f, "invalid regular expression: {m}"),
        }
    }
}

impl std::error::Error for BrowseError {}

/// One row as shown.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RowView {
    /// Position in the filtered view (0-based).
    pub index: u64,
    pub file: String,
    /// 1-based line number in its file.
    pub line: u32,
    /// The event's time (RFC 3339, UTC) on its first line; none on continuations.
    pub time: Option<String>,
    pub level: Option<String>,
    pub service: Option<String>,
    pub template: Option<u32>,
    /// A continuation line of a multi-line event.
    pub continuation: bool,
    /// True when the line belongs to no event (counted as unparsed).
    pub unparsed: bool,
    /// The line verbatim (cut after [`MAX_TEXT`] bytes).
    pub text: String,
}

/// A window of a filtered view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Page {
    /// Rows in the filtered view.
    pub total: u64,
    /// Events in the filtered view.
    pub events: u64,
    pub offset: u64,
    pub rows: Vec<RowView>,
}

/// Where a line sits in a view.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Located {
    /// Its position in the view under `filter`; none when no such line exists.
    pub index: Option<u64>,
    /// The filter to show it with: the one asked for, minus what would hide the line.
    pub filter: Filter,
    /// Which parts were cleared: `"services"`, `"levels"`, `"templates"`, `"regex"`.
    pub cleared: Vec<String>,
}

struct FileRows {
    name: String,
    text: String,
    /// Index of the file's first row.
    first_row: u32,
}

/// One physical line.
#[derive(Clone, Copy)]
struct Row {
    file: u32,
    start: u32,
    end: u32,
    event: u32,
}

/// What filters look at, per event.
struct EventInfo {
    service: u32,
    level: u8,
    template: u32,
    /// Rows of the event: the first, and how many (the rows of the first record for the second
    /// and later records decoded from one document, which have no lines of their own).
    first_row: u32,
    rows: u32,
    time: Option<i64>,
}

/// The rows of one filter, cached: paging through a view does not filter again.
struct Selection {
    filter: Filter,
    rows: Vec<u32>,
    events: u64,
}

/// The browsable input: every line, indexed, with the last view computed.
pub struct Browse {
    files: Vec<FileRows>,
    rows: Vec<Row>,
    events: Vec<EventInfo>,
    /// Service names by id; id 0 is [`NO_SERVICE`].
    services: Vec<String>,
    cache: Option<Selection>,
}

impl Browse {
    /// Indexes a mined corpus (template ids set), keeping its file texts and dropping the rest.
    pub fn new(corpus: Corpus) -> Browse {
        let mut services = vec![NO_SERVICE.to_string()];
        let mut service_ids: HashMap<String, u32> = HashMap::new();
        service_ids.insert(NO_SERVICE.to_string(), 0);
        let mut rows: Vec<Row> = Vec::new();
        let mut files = Vec::with_capacity(corpus.files.len());
        // Row of each file's first line.
        let mut file_first = Vec::with_capacity(corpus.files.len());
        for (fi, f) in corpus.files.iter().enumerate() {
            let first_row = rows.len() as u32;
            file_first.push(first_row);
            rows.extend(line_spans(&f.text).into_iter().map(|(a, b)| Row {
                file: fi as u32,
                start: a as u32,
                end: b as u32,
                event: NO_EVENT,
            }));
        }
        let mut events = Vec::with_capacity(corpus.events.len());
        let mut last_rows = (0u32, 0u32);
        for (ei, ev) in corpus.events.iter().enumerate() {
            let name = corpus.service(ev).unwrap_or(NO_SERVICE);
            let service = match service_ids.get(name) {
                Some(&id) => id,
                None => {
                    let id = services.len() as u32;
                    services.push(name.to_string());
                    service_ids.insert(name.to_string(), id);
                    id
                }
            };
            let base = file_first.get(ev.file as usize).copied().unwrap_or(0);
            let (first_row, n) = if ev.lines == 0 {
                last_rows
            } else {
                let first = base + ev.line.saturating_sub(1);
                let end = (first + ev.lines).min(rows.len() as u32);
                for r in &mut rows[first.min(end) as usize..end as usize] {
                    r.event = ei as u32;
                }
                (first, end.saturating_sub(first))
            };
            last_rows = (first_row, n);
            events.push(EventInfo {
                service,
                level: ev.level.map_or(NO_LEVEL, |l| l as u8),
                template: ev.template,
                first_row,
                rows: n,
                time: ev.time,
            });
        }
        for (fi, f) in corpus.files.into_iter().enumerate() {
            files.push(FileRows {
                name: f.name,
                text: f.text,
                first_row: file_first[fi],
            });
        }
        Browse {
            files,
            rows,
            events,
            services,
            cache: None,
        }
    }

    /// The input files as decoded (name, text), in input order: what a redacted copy is made of.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files
            .iter()
            .map(|f| (f.name.as_str(), f.text.as_str()))
    }

    /// Rows in the input (every line of every file).
    pub fn lines_total(&self) -> u64 {
        self.rows.len() as u64
    }

    /// Up to `limit` (at most [`MAX_LIMIT`]) rows of the view `filter` from `offset`.
    pub fn lines(
        &mut self,
        filter: &Filter,
        offset: u64,
        limit: usize,
    ) -> Result<Page, BrowseError> {
        let sel = self.select(filter)?;
        let total = sel.rows.len() as u64;
        let from = offset.min(total) as usize;
        let to = (from + limit.min(MAX_LIMIT)).min(sel.rows.len());
        let ids: Vec<u32> = sel.rows[from..to].to_vec();
        let events = sel.events;
        let rows = ids
            .into_iter()
            .enumerate()
            .map(|(i, r)| self.view_row(r, (from + i) as u64))
            .collect();
        Ok(Page {
            total,
            events,
            offset: from as u64,
            rows,
        })
    }

    /// Where `file:line` sits in the view `filter`, relaxing the filter if it hides the line.
    pub fn locate(
        &mut self,
        file: &str,
        line: u32,
        filter: &Filter,
    ) -> Result<Located, BrowseError> {
        let Some(row) = self.row_of(file, line) else {
            return Ok(Located {
                index: None,
                filter: filter.clone(),
                cleared: Vec::new(),
            });
        };
        let mut relaxed = filter.clone();
        let mut cleared = Vec::new();
        let r = self.rows[row as usize];
        let ev = self.events.get(r.event as usize);
        let hides = |what: &str| match (what, ev) {
            (_, None) => true,
            ("services", Some(e)) => !filter
                .services
                .iter()
                .any(|s| *s == self.services[e.service as usize]),
            ("levels", Some(e)) => !filter.levels.iter().any(|l| *l == level_name(e.level)),
            ("templates", Some(e)) => !filter.templates.contains(&e.template),
            _ => false,
        };
        if !filter.services.is_empty() && hides("services") {
            relaxed.services.clear();
            cleared.push("services".to_string());
        }
        if !filter.levels.is_empty() && hides("levels") {
            relaxed.levels.clear();
            cleared.push("levels".to_string());
        }
        if !filter.templates.is_empty() && hides("templates") {
            relaxed.templates.clear();
            cleared.push("templates".to_string());
        }
        if !filter.regex.is_empty() {
            let keep = compile(&filter.regex).is_ok_and(|re| re.is_match(self.text(r)));
            if !keep {
                relaxed.regex.clear();
                cleared.push("regex".to_string());
            }
        }
        let sel = self.select(&relaxed)?;
        let index = sel.rows.binary_search(&row).ok().map(|i| i as u64);
        Ok(Located {
            index,
            filter: relaxed,
            cleared,
        })
    }

    /// The row of `file:line` (first file of that name), if it exists.
    fn row_of(&self, file: &str, line: u32) -> Option<u32> {
        let (i, f) = self
            .files
            .iter()
            .enumerate()
            .find(|(_, f)| f.name == file)?;
        let end = self
            .files
            .get(i + 1)
            .map_or(self.rows.len() as u32, |n| n.first_row);
        let row = f.first_row.checked_add(line.checked_sub(1)?)?;
        (row < end).then_some(row)
    }

    /// The selection for `filter`, computed or from the cache.
    fn select(&mut self, filter: &Filter) -> Result<&Selection, BrowseError> {
        if self.cache.as_ref().is_none_or(|c| c.filter != *filter) {
            let sel = self.compute(filter)?;
            self.cache = Some(sel);
        }
        Ok(self.cache.as_ref().expect("just set"))
    }

    fn compute(&self, filter: &Filter) -> Result<Selection, BrowseError> {
        let re = if filter.regex.is_empty() {
            None
        } else {
            Some(compile(&filter.regex)?)
        };
        let matches_text = |r: u32| {
            re.as_ref()
                .is_none_or(|re| re.is_match(self.text(self.rows[r as usize])))
        };
        let mut rows = Vec::new();
        let mut events = 0u64;
        if !filter.structured() {
            rows.extend((0..self.rows.len() as u32).filter(|&r| matches_text(r)));
            events = if re.is_none() {
                self.events.len() as u64
            } else {
                // An event is in the view when one of its lines is.
                let mut seen = u32::MAX;
                for &r in &rows {
                    let e = self.rows[r as usize].event;
                    if e != NO_EVENT && e != seen {
                        events += 1;
                        seen = e;
                    }
                }
                // Records sharing their document's lines count with it.
                events + self.shared_records(&rows)
            };
        } else {
            let wanted_services: Vec<u32> = filter
                .services
                .iter()
                .filter_map(|s| self.services.iter().position(|n| n == s))
                .map(|i| i as u32)
                .collect();
            let wanted_levels: Vec<u8> =
                filter.levels.iter().filter_map(|l| level_code(l)).collect();
            // Rows are pushed in increasing order: records sharing rows add none twice.
            let mut next_row = 0u32;
            for e in &self.events {
                let ok = (filter.services.is_empty() || wanted_services.contains(&e.service))
                    && (filter.levels.is_empty() || wanted_levels.contains(&e.level))
                    && (filter.templates.is_empty() || filter.templates.contains(&e.template));
                if !ok {
                    continue;
                }
                let end = e.first_row + e.rows;
                let mut any = re.is_none();
                for r in e.first_row..end {
                    if matches_text(r) {
                        any = true;
                        if r >= next_row {
                            rows.push(r);
                        }
                    }
                }
                next_row = next_row.max(end);
                if any {
                    events += 1;
                }
            }
        }
        Ok(Selection {
            filter: filter.clone(),
            rows,
            events,
        })
    }

    /// Second and later records of one document whose shared first row is in `rows`.
    fn shared_records(&self, rows: &[u32]) -> u64 {
        let mut n = 0;
        for (i, e) in self.events.iter().enumerate() {
            if e.rows > 0 && self.rows[e.first_row as usize].event != i as u32 {
                // A record with no lines of its own (its rows belong to an earlier record).
                let first = e.first_row;
                let end = first + e.rows;
                if rows
                    .binary_search_by(|r| {
                        if *r < first {
                            std::cmp::Ordering::Less
                        } else if *r >= end {
                            std::cmp::Ordering::Greater
                        } else {
                            std::cmp::Ordering::Equal
                        }
                    })
                    .is_ok()
                {
                    n += 1;
                }
            }
        }
        n
    }

    fn text(&self, r: Row) -> &str {
        self.files[r.file as usize]
            .text
            .get(r.start as usize..r.end as usize)
            .unwrap_or("")
    }

    fn view_row(&self, r: u32, index: u64) -> RowView {
        let row = self.rows[r as usize];
        let f = &self.files[row.file as usize];
        let text = cut(self.text(row));
        let ev = self.events.get(row.event as usize);
        let continuation = ev.is_some_and(|e| e.first_row != r);
        RowView {
            index,
            file: f.name.clone(),
            line: r - f.first_row + 1,
            time: ev
                .filter(|_| !continuation)
                .and_then(|e| e.time)
                .map(crate::ingest::format_ns),
            level: ev.map(|e| level_name(e.level).to_string()),
            service: ev
                .map(|e| self.services[e.service as usize].clone())
                .filter(|s| s != NO_SERVICE),
            template: ev.map(|e| e.template),
            continuation,
            unparsed: ev.is_none(),
            text: text.to_string(),
        }
    }
}

fn compile(pattern: &str) -> Result<Regex, BrowseError> {
    RegexBuilder::new(pattern)
        .size_limit(REGEX_SIZE_LIMIT)
        .build()
        .map_err(|e| BrowseError::Pattern(e.to_string()))
}

fn level_name(code: u8) -> &'static str {
    Level::ALL
        .get(code as usize)
        .map_or(NO_LEVEL_NAME, |l| l.as_str())
}

fn level_code(name: &str) -> Option<u8> {
    if name == NO_LEVEL_NAME {
        return Some(NO_LEVEL);
    }
    Level::ALL
        .iter()
        .position(|l| l.as_str() == name)
        .map(|i| i as u8)
}

fn cut(s: &str) -> &str {
    if s.len() <= MAX_TEXT {
        return s;
    }
    let mut end = MAX_TEXT;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze_for_browsing, AnalyzeOptions, InputFile, Report};

    const APP: &str = "2024-05-01T10:00:00Z INFO cart-svc started\n\
        2024-05-01T10:00:01Z ERROR cart-svc NullPointerException in checkout\n\
        \tat com.example.Cart.total(Cart.java:42)\n\
        \tat com.example.Cart.checkout(Cart.java:7)\n\
        2024-05-01T10:00:02Z WARN ledger-svc slow ledger write 900ms\n\
        2024-05-01T10:00:03Z INFO cart-svc token=zebra42 accepted\n";
    const OTHER: &str = "plain words with no header\nzebra42 again\n\0\0\0 binary\n";

    fn demo() -> (Report, Browse) {
        analyze_for_browsing(
            vec![
                InputFile::new("app.log", APP.as_bytes().to_vec()),
                InputFile::new("other.log", OTHER.as_bytes().to_vec()),
            ],
            &AnalyzeOptions::default(),
            &mut |_| {},
        )
        .unwrap()
    }

    fn all(b: &mut Browse, f: &Filter) -> Page {
        b.lines(f, 0, MAX_LIMIT).unwrap()
    }

    #[test]
    fn files_are_the_decoded_inputs_in_order() {
        let (_, b) = demo();
        let files: Vec<(&str, &str)> = b.files().collect();
        assert_eq!(files, vec![("app.log", APP), ("other.log", OTHER)]);
    }

    #[test]
    fn every_line_is_a_row_in_input_order() {
        let (report, mut b) = demo();
        let p = all(&mut b, &Filter::default());
        assert_eq!(p.total, report.input.lines);
        assert_eq!(p.events, report.input.events);
        let lines: Vec<(String, u32)> = p.rows.iter().map(|r| (r.file.clone(), r.line)).collect();
        assert_eq!(lines[0], ("app.log".into(), 1));
        assert_eq!(lines[6], ("other.log".into(), 1));
        assert_eq!(p.rows.last().unwrap().line, 3);
        // The stack frames are continuation rows of the error event.
        assert!(p.rows[2].continuation && p.rows[2].text.contains("Cart.java:42"));
        assert_eq!(p.rows[2].level.as_deref(), Some("error"));
        assert!(p.rows[2].time.is_none() && p.rows[1].time.is_some());
        // The binary line is a row that belongs to no event.
        assert!(p.rows[8].unparsed);
        assert_eq!(report.input.unparsed_lines, 1);
    }

    #[test]
    fn level_and_service_counts_equal_the_report() {
        let (report, mut b) = demo();
        for c in &report.input.levels {
            let f = Filter {
                levels: vec![c.name.clone()],
                ..Default::default()
            };
            assert_eq!(all(&mut b, &f).events, c.events, "level {}", c.name);
        }
        for c in &report.input.services {
            let f = Filter {
                services: vec![c.name.clone()],
                ..Default::default()
            };
            assert_eq!(all(&mut b, &f).events, c.events, "service {}", c.name);
        }
        // Filtering by level keeps the stack trace with its error line.
        let errors = all(
            &mut b,
            &Filter {
                levels: vec!["error".into()],
                ..Default::default()
            },
        );
        assert_eq!(errors.total, 3);
        assert_eq!(errors.events, 1);
    }

    #[test]
    fn regex_finds_exactly_the_planted_token_and_bad_patterns_are_errors() {
        let (_, mut b) = demo();
        let p = all(
            &mut b,
            &Filter {
                regex: "zebra4[2]".into(),
                ..Default::default()
            },
        );
        let hits: Vec<(String, u32)> = p.rows.iter().map(|r| (r.file.clone(), r.line)).collect();
        assert_eq!(hits, [("app.log".into(), 6), ("other.log".into(), 2)]);
        assert_eq!(p.total, 2);
        let bad = b.lines(
            &Filter {
                regex: "(".into(),
                ..Default::default()
            },
            0,
            10,
        );
        assert!(matches!(bad, Err(BrowseError::Pattern(_))));
    }

    #[test]
    fn windows_are_clamped() {
        let (report, mut b) = demo();
        let f = Filter::default();
        let p = b.lines(&f, 3, 2).unwrap();
        assert_eq!((p.offset, p.rows.len()), (3, 2));
        assert_eq!(p.rows[0].index, 3);
        let p = b.lines(&f, u64::MAX, 10).unwrap();
        assert_eq!((p.offset, p.rows.len()), (report.input.lines, 0));
    }

    #[test]
    fn locate_relaxes_only_what_hides_the_line() {
        let (_, mut b) = demo();
        let f = Filter {
            levels: vec!["warn".into()],
            services: vec!["cart-svc".into()],
            regex: "ledger".into(),
            ..Default::default()
        };
        // app.log:3 is a stack frame of the cart-svc error: service kept, level and regex cleared.
        let at = b.locate("app.log", 3, &f).unwrap();
        assert_eq!(at.cleared, ["levels", "regex"]);
        assert_eq!(at.filter.services, ["cart-svc"]);
        let page = b.lines(&at.filter, at.index.unwrap(), 1).unwrap();
        assert_eq!(
            (page.rows[0].file.as_str(), page.rows[0].line),
            ("app.log", 3)
        );
        // Visible already: nothing cleared.
        let f = Filter {
            levels: vec!["warn".into()],
            ..Default::default()
        };
        let at = b.locate("app.log", 5, &f).unwrap();
        assert!(at.cleared.is_empty());
        assert_eq!(at.index, Some(0));
        // Unparsed lines clear every structured filter.
        let at = b.locate("other.log", 3, &f).unwrap();
        assert_eq!(at.cleared, ["levels"]);
        assert!(at.index.is_some());
        // No such line.
        assert_eq!(b.locate("app.log", 99, &f).unwrap().index, None);
        assert_eq!(b.locate("nope.log", 1, &f).unwrap().index, None);
        assert_eq!(b.locate("app.log", 0, &f).unwrap().index, None);
    }

    #[test]
    fn long_lines_are_cut_at_a_char_boundary() {
        let long = format!("2024-05-01T10:00:00Z INFO a {}\n", "é".repeat(3000));
        let (_, mut b) = analyze_for_browsing(
            vec![InputFile::new("l.log", long.into_bytes())],
            &AnalyzeOptions::default(),
            &mut |_| {},
        )
        .unwrap();
        let p = all(&mut b, &Filter::default());
        assert!(p.rows[0].text.len() <= MAX_TEXT);
    }
}
