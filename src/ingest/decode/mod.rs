//! Decoders: one line (or one multi-line document) of a known format family to a [`Record`].
//!
//! Promises: a decoder never panics and returns `None` when the line is not its format, so the
//! pipeline can fall back line by line. `sniff` is cheap: it looks at a bounded sample.
//!
//! The order of attempts is fixed (JSON, kubectl/CRI prefixes, syslog, access log, klog,
//! logfmt, the generic `timestamp level component` scanner), so a line decodes the same way
//! whatever file it is in; per-file state only covers what a line cannot say alone (table
//! headers, CSV and W3C field lists, the year of year-less stamps, the date of time-only ones).

mod access;
mod classic;
mod csv;
mod envelope;
mod head;
mod json;
mod kernel;
mod kube;
mod labelled;
mod learn;
mod logfmt;
mod rails;
mod streams;
mod syslog;
mod trace;

use super::time::{self, Civil, Clock};
use crate::ingest::{Entities, Format, Level, Precision};

pub(crate) use json::decode_document;
pub(crate) use learn::Layout;

/// Where the message sits: a byte range inside the line (cheap) or decoded text.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Msg {
    Range(usize, usize),
    Owned(String),
}

/// What a decoder read from one line.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Record {
    pub format: Format,
    /// UTC nanoseconds since the epoch and how precise the written time was.
    pub time: Option<(i64, Precision)>,
    pub level: Option<Level>,
    pub service: Option<String>,
    pub message: Msg,
    pub entities: Entities,
    /// The line continues the previous event (a `--timestamps` prefix over a stack frame).
    pub continuation: bool,
    /// A CRI `P` line: the next line of the same stream completes it.
    pub partial: bool,
    /// Byte offset of this record inside a multi-record document (envelopes), so its event
    /// can point at its own line.
    pub at: Option<usize>,
    /// Not an event of its own (a CSV header row, a shell prompt before the output): its lines
    /// open the next event.
    pub preamble: bool,
}

impl Record {
    pub fn plain(len: usize) -> Record {
        Record::new(Format::Plain, Msg::Range(0, len))
    }

    pub fn new(format: Format, message: Msg) -> Record {
        Record {
            format,
            time: None,
            level: None,
            service: None,
            message,
            entities: Entities::default(),
            continuation: false,
            partial: false,
            at: None,
            preamble: false,
        }
    }

    /// The message as text, given the line it was decoded from.
    pub fn message_text<'a>(&'a self, line: &'a str) -> &'a str {
        match &self.message {
            Msg::Range(a, b) => line.get(*a..*b).unwrap_or(""),
            Msg::Owned(s) => s,
        }
    }
}

/// A table being read (`kubectl get pods/events`, the Events: section of `kubectl describe`).
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub kind: Format,
    /// Column names (upper-cased) and their start offsets in the header line.
    pub cols: Vec<(String, usize)>,
}

/// Per-file decoder state.
#[derive(Debug, Default)]
pub(crate) struct Ctx {
    pub forced: Option<Format>,
    pub clock: Clock,
    pub table: Option<Table>,
    /// Inside `kubectl describe` output; the object named by its `Name:` line.
    pub describe: Option<String>,
    /// After a `kubectl logs POD` / `exec POD` command (or docker's): the lines that follow are
    /// that pod's, unless they name their own.
    pub subject: Option<String>,
    pub w3c: Option<Vec<String>>,
    pub csv: Option<csv::Header>,
    /// Records beyond the first from one document (OTLP, CloudWatch, lists).
    pub extra: Vec<Record>,
    /// Non-blank lines decoded so far (a CSV header is only looked for on the first).
    pub seen: u32,
    /// The previous line was a `$ command`: the next may be a header.
    pub after_command: bool,
    /// Inside a MySQL slow query log (a `# Time:` line was seen); true right after the
    /// `# Time:` line itself (its `# User@Host:` belongs to it).
    pub mysql_slow: Option<bool>,
    /// The header layout learned from this file's lines, when no known format covers it.
    pub learned: Option<Layout>,
    /// A labelled-record header (`Time: <time>` alone on its line) was seen.
    pub labelled: bool,
    /// Inside a Rails request block (after `Processing ...`, before `Completed in`).
    pub rails_block: bool,
}

impl Ctx {
    pub fn new(forced: Option<Format>, year: i32) -> Ctx {
        Ctx {
            forced,
            clock: Clock::new(year),
            ..Ctx::default()
        }
    }

    /// A blank line ends tables and request blocks.
    pub fn blank(&mut self) {
        self.rails_block = false;
        if self
            .table
            .as_ref()
            .is_some_and(|t| t.kind != Format::KubectlDescribe)
            || self.describe.is_none()
        {
            self.table = None;
        }
    }

    /// A time from a scanner, resolved against the file (year inference, last date).
    pub(crate) fn time(&mut self, c: &Civil) -> Option<(i64, Precision)> {
        self.clock.resolve(c).map(|t| (t, c.precision))
    }

    /// A complete time from a field or prefix; remembered as the file's current date.
    pub(crate) fn full_time(&mut self, t: i64, p: Precision) -> Option<(i64, Precision)> {
        self.clock.note(t);
        Some((t, p))
    }
}

/// The format of a file as a whole, from a sample of its first non-blank lines.
pub(crate) fn sniff(sample: &[&str]) -> Format {
    let mut ctx = Ctx::new(None, 1970);
    let mut counts: Vec<(Format, usize)> = Vec::new();
    for (i, line) in sample.iter().enumerate() {
        if i == 0 && kube::is_describe_start(line) {
            return Format::KubectlDescribe;
        }
        let f = match decode_line(line, &mut ctx) {
            Some(r) if !r.continuation => r.format,
            _ => continue,
        };
        ctx.extra.clear();
        match counts.iter_mut().find(|(g, _)| *g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f, 1)),
        }
    }
    // Table and header formats win with a single line; others by majority (first seen on ties).
    for f in [
        Format::KubectlPods,
        Format::KubectlEvents,
        Format::KubectlDescribe,
        Format::Csv,
    ] {
        if counts.iter().any(|(g, _)| *g == f) {
            return f;
        }
    }
    let mut best = (Format::Plain, 0);
    for &(f, n) in &counts {
        if f != Format::Plain && n > best.1 {
            best = (f, n);
        }
    }
    best.0
}

/// The character classes of a line's first bytes, runs collapsed (`2018-09-28 16:` ->
/// `9-9-9 9:`, `Jun  9 06:` -> `a 9 9:`), so two headers of one layout compare equal and a
/// differently written time (`1538253240 fa:16`) does not.
pub(crate) type HeadShape = [u8; 8];

pub(crate) fn head_shape(line: &str) -> HeadShape {
    let mut out = [0u8; 8];
    let mut n = 0;
    for &c in line.as_bytes().iter().take(16) {
        let k = match c {
            b'0'..=b'9' => b'9',
            b'a'..=b'z' | b'A'..=b'Z' => b'a',
            b'\t' => b' ',
            c => c,
        };
        if n > 0 && out[n - 1] == k {
            continue;
        }
        if n == out.len() {
            break;
        }
        out[n] = k;
        n += 1;
    }
    out
}

/// The head shape of a file's timed header layout, when its lines start with one, from a
/// sample: enough lines ([`HEADERED_SHARE`]) decode with a time in one format, and that format
/// holds nearly all the timed lines ([`ONE_LAYOUT`]). Then its header-less lines are
/// continuations (stack traces may outnumber headers); a mix of formats keeps every line on
/// its own.
pub(crate) fn headered(sample: &[&str], learned: Option<&Layout>) -> Option<HeadShape> {
    let mut ctx = Ctx::new(None, 1970);
    ctx.learned = learned.cloned();
    let mut counts: Vec<(Format, usize)> = Vec::new();
    let mut shapes: Vec<(Format, HeadShape)> = Vec::new();
    for l in sample {
        let r = decode_line(l, &mut ctx);
        ctx.extra.clear();
        let Some(f) = r
            .filter(|r| r.time.is_some() && !r.continuation)
            .map(|r| r.format)
        else {
            continue;
        };
        shapes.push((f, head_shape(l)));
        match counts.iter_mut().find(|(g, _)| *g == f) {
            Some((_, n)) => *n += 1,
            None => counts.push((f, 1)),
        }
    }
    let &(fmt, most) = counts.iter().max_by_key(|&&(_, n)| n)?;
    let timed: usize = counts.iter().map(|&(_, n)| n).sum();
    let dominant = most as f64 >= HEADERED_SHARE * sample.len() as f64
        && most as f64 >= ONE_LAYOUT * timed as f64;
    if !dominant {
        return None;
    }
    // The commonest shape among that format's lines (first seen on ties).
    let mut best: Option<(HeadShape, usize)> = None;
    for (f, s) in &shapes {
        if *f != fmt {
            continue;
        }
        let n = shapes.iter().filter(|(g, t)| g == f && t == s).count();
        if best.is_none_or(|(_, m)| n > m) {
            best = Some((*s, n));
        }
    }
    best.map(|(s, _)| s)
}

/// The header layout to learn for a file sniffed as `format` (forced or not), from a sample
/// spread over it: a file no known format covers learns one; a file the generic `timestamp
/// level component` reader takes keeps that reader unless the learned header reads further
/// into nearly every line (`ts|level|thread|logger|msg`: the generic reader stops after the
/// time and hands the miner the rest of the header).
pub(crate) fn learn_for(format: Format, forced: bool, sample: &[&str]) -> Option<Layout> {
    match format {
        Format::Learned => learn::learn(sample),
        Format::Plain if !forced => learn::learn(sample),
        Format::Classic if !forced => learn::learn(sample).filter(|l| {
            let (further, behind) = compare_fixed(l, sample);
            let n = sample.len().max(1) as f64;
            further as f64 >= LEARN_FURTHER * n && behind as f64 <= LEARN_BEHIND * n
        }),
        _ => None,
    }
}

/// Share of a sample's lines where the learned layout must find the message further in than
/// the fixed decoders (or decode a line they do not) to replace them...
const LEARN_FURTHER: f64 = 0.1;
/// ...and the most lines where it may stop earlier than they do.
const LEARN_BEHIND: f64 = 0.05;

/// Lines of `sample` whose message the layout finds further in than the fixed chain (or that
/// the chain does not decode), and lines where it stops earlier.
fn compare_fixed(layout: &Layout, sample: &[&str]) -> (usize, usize) {
    let mut fixed = Ctx::new(None, 1970);
    let mut ours = Ctx::new(None, 1970);
    let (mut further, mut behind) = (0, 0);
    for l in sample {
        let r = decode_line(l, &mut fixed);
        fixed.extra.clear();
        let Some(Msg::Range(a, _)) = learn::decode(l, layout, &mut ours).map(|r| r.message) else {
            continue;
        };
        match r {
            Some(r) if !r.continuation && r.format != Format::Plain => match r.message {
                Msg::Range(b, _) if a > b => further += 1,
                Msg::Range(b, _) if a < b => behind += 1,
                _ => {}
            },
            _ => further += 1,
        }
    }
    (further, behind)
}

/// Share of sampled lines that must carry the dominant timed header.
const HEADERED_SHARE: f64 = 0.2;
/// Share of the timed lines the dominant header layout must hold.
const ONE_LAYOUT: f64 = 0.8;

/// First date written in full in a sample, as (year, month, day): its year is given to
/// year-less stamps elsewhere in the input, its day to stamps with no date at all.
pub(crate) fn find_date(sample: &[&str]) -> Option<(i32, u32, u32)> {
    for line in sample {
        let b = line.as_bytes();
        let mut i = 0;
        let limit = b.len().min(96);
        while i < limit {
            if (i == 0 || !b[i - 1].is_ascii_alphanumeric()) && b[i].is_ascii_digit() {
                if let Some((c, _)) = super::time::scan(&line[i..]) {
                    if let (Some(y), true) = (c.year, c.month != 0) {
                        if (1990..2200).contains(&y) {
                            return Some((y, c.month, c.day));
                        }
                    }
                }
            }
            i += 1;
            while i < limit && !line.is_char_boundary(i) {
                i += 1;
            }
        }
    }
    None
}

/// Decodes one line, trying every family in a fixed order. `None`: no header found.
pub(crate) fn decode_line(line: &str, ctx: &mut Ctx) -> Option<Record> {
    ctx.seen += 1;
    if let Some(layout) = ctx.learned.take() {
        let r = learn::decode(line, &layout, ctx);
        ctx.learned = Some(layout);
        if r.is_some() || ctx.forced == Some(Format::Learned) {
            return r;
        }
    }
    if let Some(f) = ctx.forced {
        return decode_forced(line, f, ctx);
    }
    if memchr::memchr(0x1b, line.as_bytes()).is_some() {
        // ANSI colours: decode the text without them; the message becomes owned text.
        let clean = strip_ansi(line);
        let r = decode_stateful(&clean, ctx).or_else(|| decode_stateless(&clean, ctx, 0));
        return Some(match r {
            Some(mut r) => {
                if let Msg::Range(a, b) = r.message {
                    r.message = Msg::Owned(clean.get(a..b).unwrap_or("").to_string());
                }
                r
            }
            None => {
                let mut r = Record::plain(line.len());
                r.message = Msg::Owned(clean);
                r
            }
        });
    }
    if let Some(r) = decode_stateful(line, ctx) {
        return Some(r);
    }
    if let Some(r) = labelled::decode(line, ctx) {
        return Some(r);
    }
    if section_header(line).is_some() {
        // A new source starts: nothing read above carries over to it.
        ctx.table = None;
        ctx.describe = None;
        ctx.subject = None;
        return Some(Record::plain(line.len()));
    }
    if is_shell_prompt(line) {
        ctx.after_command = true;
        let mut r = Record::plain(line.len());
        r.preamble = true;
        return Some(r);
    }
    decode_stateless(line, ctx, 0)
}

/// The source a header line names, or `None` when the line is not one: `==> NAME <==`, or a
/// name between two runs of three or more of the same `=`, `-` or `#`. A name written with a
/// note (`web (kubectl logs, UTC)`) is its first word.
pub(crate) fn section_header(line: &str) -> Option<&str> {
    // At the line's start: an indented `--- End of inner exception stack trace ---` is part
    // of a .NET stack trace.
    let t = line.trim_end();
    let inner = if let Some(rest) = t.strip_prefix("==> ") {
        rest.strip_suffix(" <==")?
    } else {
        let mark = *t.as_bytes().first()?;
        if !matches!(mark, b'=' | b'-' | b'#') {
            return None;
        }
        let lead = t.bytes().take_while(|&b| b == mark).count();
        let trail = t.bytes().rev().take_while(|&b| b == mark).count();
        if lead < 3 || trail < 3 || lead + trail >= t.len() {
            return None;
        }
        &t[lead..t.len() - trail]
    };
    let name = inner.trim().split([' ', '\t']).next()?;
    let is_source = name.bytes().any(|b| b.is_ascii_alphabetic())
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'/'));
    is_source.then_some(name)
}

/// `user@host:~/dir$ command` or `root@host:/# command`: a terminal prompt pasted with the
/// output it produced.
fn is_shell_prompt(line: &str) -> bool {
    // Read from the front only as far as a prompt can reach: the user and the host are short
    // names, so a log line is turned down within its first bytes (a search of the whole line
    // for `@` cost ~400 instructions a line).
    let b = line.as_bytes();
    let name_byte = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.');
    // End of the name starting at `from` (at most one byte past the longest name allowed).
    let name_end = |from: usize| {
        let mut i = from;
        while i < b.len() && i - from <= MAX_NAME && name_byte(b[i]) {
            i += 1;
        }
        i
    };
    let is_name = |from: usize, end: usize| end > from && end - from <= MAX_NAME;
    let at = name_end(0);
    if !is_name(0, at) || b.get(at) != Some(&b'@') {
        return false;
    }
    let colon = name_end(at + 1);
    if !is_name(at + 1, colon) || b.get(colon) != Some(&b':') {
        return false;
    }
    let rest = &b[colon + 1..];
    // The directory runs to the prompt sign and holds no space.
    match memchr::memchr3(b'$', b'#', b' ', rest) {
        Some(end) if rest[end] != b' ' => {
            matches!(rest.first(), Some(b'~' | b'/')) && rest.get(end + 1) == Some(&b' ')
        }
        _ => false,
    }
}

/// Longest user or host name a shell prompt shows.
const MAX_NAME: usize = 64;

/// Removes ANSI escape sequences (CSI `ESC [ ... letter`, and lone `ESC x`).
pub(crate) fn strip_ansi(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    let mut seg = 0;
    while i < b.len() {
        if b[i] == 0x1b {
            out.push_str(&s[seg..i]);
            i += 1;
            if b.get(i) == Some(&b'[') {
                i += 1;
                while i < b.len() && !(0x40..=0x7e).contains(&b[i]) {
                    i += 1;
                }
            }
            i += 1;
            i = i.min(b.len());
            while i < b.len() && !s.is_char_boundary(i) {
                i += 1;
            }
            seg = i;
        } else {
            i += 1;
        }
    }
    out.push_str(&s[seg.min(s.len())..]);
    out
}

/// `docker compose logs`: `name  | inner line`. The name is the service (a `-1` replica
/// suffix dropped); the inner line is decoded again.
fn compose(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let b = line.as_bytes();
    let bar = memchr::memchr(b'|', &b[..b.len().min(64)])?;
    if bar < 2 || b[bar - 1] != b' ' || b.get(bar + 1).is_some_and(|&c| c != b' ') {
        return None;
    }
    let name = line[..bar].trim_end();
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'))
    {
        return None;
    }
    let off = (bar + 2).min(line.len());
    let inner_text = &line[off..];
    let inner = decode_inner(inner_text, ctx, depth);
    let mut r = Record::new(Format::Plain, Msg::Range(off, line.len()));
    merge_inner(&mut r, inner, inner_text, Some(off));
    if r.service.is_none() {
        let svc = name
            .rsplit_once(['-', '_'])
            .filter(|(_, n)| n.bytes().all(|c| c.is_ascii_digit()))
            .map(|(s, _)| s)
            .unwrap_or(name);
        r.service = Some(svc.to_string());
    }
    if r.entities.container.is_none() {
        r.entities.container = Some(name.into());
    }
    Some(r)
}

fn decode_forced(line: &str, f: Format, ctx: &mut Ctx) -> Option<Record> {
    let r = match f {
        Format::Plain => return Some(Record::plain(line.len())),
        // Only the learned layout reads these lines (tried before this).
        Format::Learned => return None,
        Format::KubectlPods | Format::KubectlEvents | Format::KubectlDescribe => {
            if f == Format::KubectlDescribe && ctx.describe.is_none() {
                ctx.describe = Some(String::new());
            }
            decode_stateful(line, ctx)
        }
        Format::Csv | Format::AccessLog => {
            decode_stateful(line, ctx).or_else(|| decode_stateless(line, ctx, 0))
        }
        _ => decode_stateless(line, ctx, 0),
    }?;
    (r.format == f || r.continuation).then_some(r)
}

/// Lines whose meaning depends on earlier lines: tables, CSV rows, W3C rows, describe output.
fn decode_stateful(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    if b.first() == Some(&b'#') || ctx.mysql_slow.is_some() {
        if let Some(r) = mysql_slow(line, ctx) {
            return Some(r);
        }
    }
    if b.first() == Some(&b'#') {
        if let Some(r) = access::w3c_directive(line, ctx) {
            return Some(r);
        }
    }
    if ctx.w3c.is_some() {
        if let Some(r) = access::w3c_row(line, ctx) {
            return Some(r);
        }
    }
    if ctx.rails_block || b.first() == Some(&b'P') {
        if let Some(r) = rails::decode(line, ctx) {
            return Some(r);
        }
    }
    if let Some(r) = kube::decode_kubectl(line, ctx) {
        return Some(r);
    }
    if ctx.csv.is_some() {
        if let Some(r) = csv::row(line, ctx) {
            return Some(r);
        }
    } else if ctx.seen <= 1 || ctx.after_command {
        ctx.after_command = false;
        if let Some(r) = csv::header(line, ctx) {
            return Some(r);
        }
    }
    None
}

/// MySQL slow query log: a `# Time:` line starts an entry (a `# User@Host:` line starts one
/// when several share a second); the `#` attributes, `use`, `SET timestamp=` and the statement
/// continue it. A line starting with a date ends the mode.
fn mysql_slow(line: &str, ctx: &mut Ctx) -> Option<Record> {
    if let Some(rest) = line.strip_prefix("# Time: ") {
        let rest = rest.trim();
        let c = time::scan(rest)
            .map(|(c, _)| c)
            .or_else(|| mysql_short_time(rest))?;
        let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
        r.time = ctx.time(&c);
        ctx.mysql_slow = Some(true);
        return Some(r);
    }
    let after_time = ctx.mysql_slow?;
    if line.as_bytes().first().is_some_and(u8::is_ascii_digit) && time::scan(line).is_some() {
        ctx.mysql_slow = None;
        return None;
    }
    ctx.mysql_slow = Some(false);
    let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
    if line.starts_with("# User@Host: ") && !after_time {
        return Some(r);
    }
    r.continuation = true;
    // `SET timestamp=1678494798;`: the entry's own epoch, for entries without a `# Time:`.
    if let Some(n) = line
        .strip_prefix("SET timestamp=")
        .and_then(|t| t.trim_end().strip_suffix(';'))
    {
        if let Some(c) = time::parse_value(n) {
            r.time = c.to_ns().map(|t| (t, c.precision));
        }
    }
    Some(r)
}

/// `080401  0:08:01` (YYMMDD H:MM:SS, MySQL 5.0).
fn mysql_short_time(s: &str) -> Option<time::Civil> {
    let (d, t) = s.split_once(' ')?;
    let t = t.trim_start();
    if d.len() != 6 || !d.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut hms = t.split(':').map(|x| x.parse::<u32>().ok());
    let (h, mi, sec) = (hms.next()??, hms.next()??, hms.next()??);
    let n = |i: usize| d[i..i + 2].parse::<u32>().ok();
    let mut c = time::from_ns(0, Precision::Second);
    c.year = Some(2000 + n(0)? as i32);
    c.month = n(2)?;
    c.day = n(4)?;
    c.hour = h;
    c.min = mi;
    c.sec = sec;
    c.nanos = 0;
    c.offset = None;
    Some(c)
}

/// Depth of recursion for inner lines (kubectl prefix over CRI over JSON over classic...).
const MAX_DEPTH: u8 = 3;

/// Lines that carry everything they mean. `depth` counts nested inner decodes.
pub(crate) fn decode_stateless(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let b = line.as_bytes();
    let first = *b.first()?;
    match first {
        b'{' | b'[' if depth < MAX_DEPTH || first == b'{' => {
            if first == b'{' {
                if let Some(r) = json::decode_json_line(line, ctx, depth) {
                    return Some(r);
                }
            } else if let Some(r) = kube::prefix(line, ctx, depth) {
                return Some(r);
            }
        }
        b'<' | b'\xef' => {
            if let Some(r) = trace::cmtrace(line, ctx).or_else(|| syslog::decode(line, ctx)) {
                return Some(r);
            }
        }
        b't' | b'n' => {
            if let Some(r) = trace::audit(line, ctx) {
                return Some(r);
            }
        }
        _ => {}
    }
    if first.is_ascii_digit() {
        if let Some(r) = syslog::decode_iso(line, ctx) {
            return Some(r);
        }
        if let Some(r) = kube::timestamp_prefix(line, ctx, depth) {
            return Some(r);
        }
    }
    if matches!(first, b'[' | b'<' | b'a'..=b'z') {
        if let Some(r) = kernel::decode(line, ctx) {
            return Some(r);
        }
    }
    if first.is_ascii_digit() || first == b'[' {
        if let Some(r) = classic::redis(line, ctx) {
            return Some(r);
        }
    }
    if first.is_ascii_alphabetic() {
        if let Some(r) = syslog::decode(line, ctx) {
            return Some(r);
        }
    }
    if first.is_ascii_alphanumeric() || first == b'-' || first == b':' {
        if let Some(r) = access::decode(line, ctx) {
            return Some(r);
        }
    }
    if first.is_ascii_alphabetic() {
        if let Some(r) = classic::dotnet_console(line)
            .or_else(|| classic::node_error(line))
            .or_else(|| classic::vdsm(line, ctx))
        {
            return Some(r);
        }
    }
    if first == b'[' {
        if let Some(r) = access::uwsgi(line, ctx).or_else(|| access::envoy(line, ctx)) {
            return Some(r);
        }
    }
    if first.is_ascii_alphabetic() || first == b'_' {
        if let Some(r) = logfmt::decode(line, ctx) {
            return Some(r);
        }
    }
    let classic = classic::decode(line, ctx, true);
    if classic.as_ref().is_some_and(|r| r.level.is_some()) {
        return classic;
    }
    // Headers the classic scanner reads no level from (`ts - logger - LEVEL - msg`) or not at
    // all (`[ts][LEVEL][logger]`, `L, [ts #pid] LEVEL -- :`, colon-joined prefixes).
    if first.is_ascii_alphanumeric() || first == b'[' {
        if let Some(r) = head::decode(line, ctx) {
            if r.level.is_some() || classic.is_none() {
                return Some(r);
            }
        }
    }
    if classic.is_some() {
        return classic;
    }
    if first.is_ascii_alphanumeric() && depth < MAX_DEPTH {
        return compose(line, ctx, depth);
    }
    if matches!(first, b' ' | b'\t') {
        return indented_header(line, ctx, depth);
    }
    None
}

/// A header indented by the writer (`    2020-07-07T11:26:54.787Z  DEBUG ...`, a CLI that
/// pads its log lines): a line whose first word is a time is a header, not a continuation.
fn indented_header(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let t = line.trim_start_matches([' ', '\t']);
    let off = line.len() - t.len();
    if !t.as_bytes().first().is_some_and(u8::is_ascii_digit) || time::scan(t).is_none() {
        return None;
    }
    let mut r = decode_stateless(t, ctx, depth)?;
    if let Msg::Range(a, b) = r.message {
        r.message = Msg::Range(a + off, b + off);
    }
    Some(r)
}

/// Decodes the inner line of a wrapper (kubectl prefix, CRI, Docker `log`, CSV cell). Time-less
/// headers (`info: ...`, `[INFO] ...`) count; an undecodable inner line is plain text.
pub(crate) fn decode_inner(inner: &str, ctx: &mut Ctx, depth: u8) -> Record {
    if depth >= MAX_DEPTH {
        return Record::plain(inner.len());
    }
    if let Some(r) = decode_stateless(inner, ctx, depth + 1) {
        return r;
    }
    if let Some(r) = classic::decode(inner, ctx, false) {
        return r;
    }
    Record::plain(inner.len())
}

/// Overlays an inner record on an outer one: the inner line's own fields win, the outer time
/// (the collector's, always complete) is kept when present.
pub(crate) fn merge_inner(
    outer: &mut Record,
    inner: Record,
    inner_text: &str,
    inner_off: Option<usize>,
) {
    outer.message = match (inner.message, inner_off) {
        (Msg::Range(a, b), Some(off)) => Msg::Range(a + off, b + off),
        (Msg::Range(a, b), None) => Msg::Owned(inner_text.get(a..b).unwrap_or("").to_string()),
        (m @ Msg::Owned(_), _) => m,
    };
    if outer.time.is_none() {
        outer.time = inner.time;
    }
    if inner.level.is_some() {
        outer.level = inner.level;
    }
    if inner.service.is_some() {
        outer.service = inner.service;
    }
    outer.partial |= inner.partial;
    let mut e = inner.entities;
    let o = &mut outer.entities;
    for (mine, theirs) in o.texts_mut().into_iter().zip(e.texts_mut()) {
        if theirs.is_some() {
            *mine = theirs.take();
        }
    }
    if e.http_status.is_some() {
        o.http_status = e.http_status;
    }
    o.durations_ms.extend(e.durations_ms);
    o.mentions.extend(e.mentions);
    if inner.format != Format::Plain && outer.format == Format::Plain {
        outer.format = inner.format;
    }
}

/// Trims a string and drops one trailing `\n` / `\r\n` (Docker `log`, CRI payloads).
pub(crate) fn trim_newline(s: &str) -> &str {
    s.strip_suffix('\n')
        .map(|s| s.strip_suffix('\r').unwrap_or(s))
        .unwrap_or(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn section_headers_name_their_source() {
        assert_eq!(
            section_header("==> /var/log/api.log <=="),
            Some("/var/log/api.log")
        );
        assert_eq!(section_header("===== db-0.log ====="), Some("db-0.log"));
        assert_eq!(
            section_header("----- worker (kubectl logs, UTC) -----"),
            Some("worker")
        );
        assert_eq!(section_header("### cache ###"), Some("cache"));
        // Rules, markdown headings and separators without a name are not headers.
        assert_eq!(section_header("======================="), None);
        assert_eq!(section_header("--- a/src/main.rs"), None);
        assert_eq!(section_header("## Timeline"), None);
        assert_eq!(
            section_header("   --- End of inner exception stack trace ---"),
            None
        );
        assert_eq!(section_header("2024-05-01 10:00:00 INFO ==> ok <=="), None);
        assert_eq!(section_header("===== 2024-05-01 ====="), None);
    }

    #[test]
    fn shell_prompts_are_user_at_host_colon_dir_then_sign_and_space() {
        assert!(is_shell_prompt("alice@web-01:~/app$ tail -f app.log"));
        assert!(is_shell_prompt("root@db.internal:/var/log# ls"));
        // Not prompts: no directory, a space before the sign, no space after it, an e-mail
        // address in a message, a name longer than a host name can be.
        assert!(!is_shell_prompt("alice@web-01:$ ls"));
        assert!(!is_shell_prompt("alice@web-01:~/my app$ ls"));
        assert!(!is_shell_prompt("alice@web-01:~/app$ls"));
        assert!(!is_shell_prompt("mail from bob@example.com: ~/x$ y"));
        assert!(!is_shell_prompt("2024-05-01 user@host:/tmp$ x"));
        let long = "a".repeat(65);
        assert!(!is_shell_prompt(&format!("{long}@h:/$ x")));
        assert!(is_shell_prompt(&format!("{}@h:/$ x", &long[..64])));
        assert!(!is_shell_prompt(&format!("u@{long}:/$ x")));
        assert!(!is_shell_prompt("@host:/$ x"));
        assert!(!is_shell_prompt("user@:/$ x"));
    }

    fn dec(line: &str) -> Record {
        let mut ctx = Ctx::new(None, 2024);
        decode_line(line, &mut ctx).unwrap_or_else(|| panic!("no record for {line:?}"))
    }

    #[test]
    fn fixed_order_picks_families() {
        assert_eq!(
            dec(r#"{"msg":"x","level":"info"}"#).format,
            Format::JsonLines
        );
        assert_eq!(
            dec("level=info msg=hi ts=2024-01-01T00:00:00Z").format,
            Format::Logfmt
        );
        assert_eq!(
            dec("Jun 14 15:16:01 combo sshd[1]: x").format,
            Format::Syslog3164
        );
        assert_eq!(
            dec("2015-10-18 18:01:47,978 INFO [main] a.B: x").format,
            Format::Classic
        );
    }

    #[test]
    fn a_logcli_line_takes_its_streams_labels_and_decodes_the_line_inside() {
        let line = r#"2024-05-01T12:00:01+02:00 {app="cart", namespace="shop", pod="cart-7d9f8b6c5d-x2k4p"} {"level":"error","msg":"write failed"}"#;
        let r = dec(line);
        assert_eq!(r.format, Format::JsonLines);
        assert_eq!(r.service.as_deref(), Some("cart"));
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.pod.as_deref(), Some("cart-7d9f8b6c5d-x2k4p"));
        assert_eq!(r.message_text(line), "write failed");
        let t = r.time.expect("time").0;
        assert_eq!(crate::ingest::format_ns(t), "2024-05-01T10:00:01Z");
    }

    #[test]
    fn sniff_takes_the_majority() {
        let s = [
            "Jun 14 15:16:01 combo sshd[1]: x",
            "Jun 14 15:16:02 combo sshd[1]: y",
            "junk",
        ];
        assert_eq!(sniff(&s), Format::Syslog3164);
        assert_eq!(sniff(&["hello", "world"]), Format::Plain);
    }

    #[test]
    fn year_from_sample() {
        assert_eq!(
            find_date(&["Jun 1 10:00:00 h a: x", "x 2019-03-01T00:00:00Z y"]),
            Some((2019, 3, 1))
        );
        assert_eq!(find_date(&["no year 12345"]), None);
    }
}
