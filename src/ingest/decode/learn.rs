//! Line headers learned from the file itself, for files no known format covers.
//!
//! A line is cut into header *fields* from its start: a time (any shape [`time::scan`] reads,
//! epochs included), a `[...]` group, a level word, a number, a `name:` word, or another word,
//! each followed by a separator (spaces, `|`, ` - `, `,`). Over a sample of the file's lines,
//! the columns that hold the same kind of field followed by the same separator on nearly every
//! line ([`SHARE`]) are the header, up to the last column that marks one (a time, a level, a
//! number, a bracket group, a `name:`, or a `|`/` - ` after it): plain words in between (a
//! host, a component) belong to it, words after it are the message.
//!
//! Promises: learning looks only at the sample it is given and is deterministic; a line that
//! does not fit the learned layout is not decoded by it (`None`), except that a line fitting
//! it up to and past its time column is an event whose message starts where the fit ends; the
//! time comes only from a header column, never from the message; the miner is given only what
//! follows the header.

use super::{Ctx, Msg, Record};
use crate::ingest::{level, time, Format};

/// Share of the sampled lines that must agree on a column's kind and separator.
const SHARE: f64 = 0.9;
/// Header columns looked at.
const MAX_COLS: usize = 10;
/// Longest bracket group read as one field.
const MAX_BRACKET: usize = 256;
/// Longest `name:` read as a logger or program.
const MAX_NAME: usize = 96;
/// Fewest sampled lines to learn from (fewer say too little about which columns are fixed).
const MIN_SAMPLE: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Time,
    Level,
    Num,
    Bracket,
    /// A word ending with `:` (`sshd[12]:`, `org.example.Worker:`): a logger or program.
    Logger,
    Word,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Bar,
    Dash,
    Comma,
    End,
}

#[derive(Debug, Clone, Copy)]
struct Field {
    kind: Kind,
    start: usize,
    end: usize,
    sep: Sep,
    /// Where the next field (or the message) starts.
    next: usize,
}

/// A header layout learned from a file's lines: the kind and separator of each column.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Layout {
    cols: Vec<(Kind, Sep)>,
    /// Fields run to the next `|` (a `|`-separated header whose fields hold spaces).
    bars: bool,
}

/// Learns the header layout of a sample of lines; `None` when no column is shared by nearly
/// every line or the shared columns mark no header.
pub(crate) fn learn(sample: &[&str]) -> Option<Layout> {
    // Coloured lines are read by the fixed chain, which strips the escapes first: a coloured
    // file is left to it. Indented lines continue an event (frames, wrapped values).
    let all = sample.len();
    let sample: Vec<&str> = sample.iter().copied().filter(|l| !has_escape(l)).collect();
    if (sample.len() as f64) < SHARE * all as f64 {
        return None;
    }
    let sample: Vec<&str> = sample.into_iter().filter(|l| !indented(l)).collect();
    if sample.len() < MIN_SAMPLE {
        return None;
    }
    let sample = &sample[..];
    let spaced = learn_with(sample, false);
    // A `|`-separated header: read again with fields running to the next bar, so a field
    // holding spaces (a thread name) is one field; keep whichever header is longer.
    if spaced
        .as_ref()
        .is_some_and(|l| l.cols.iter().any(|&(_, s)| s == Sep::Bar))
    {
        let barred = learn_with(sample, true);
        if barred.as_ref().map_or(0, |l| l.cols.len()) > spaced.as_ref().map_or(0, |l| l.cols.len())
        {
            return barred;
        }
    }
    spaced
}

fn learn_with(sample: &[&str], bars: bool) -> Option<Layout> {
    let rows: Vec<Vec<Field>> = sample.iter().map(|l| fields(l, MAX_COLS, bars)).collect();
    let need = (SHARE * sample.len() as f64).ceil() as usize;
    let mut cols: Vec<(Kind, Sep)> = Vec::new();
    for j in 0..MAX_COLS {
        let Some(col) = modal(&rows, j).filter(|&(_, n)| n >= need).map(|(c, _)| c) else {
            break;
        };
        cols.push(col);
        if col.1 == Sep::End {
            break;
        }
    }
    // A message must follow the header on most lines: a column ending the line is message.
    let last = cols
        .iter()
        .rposition(|&(k, s)| marks_header(k, s) && s != Sep::End)?;
    cols.truncate(last + 1);
    // Numbers and words alone are no header (`#3 /app/x.php(12): f()`, a numbered list): one
    // column must be a time, a level, a bracket group, a `name:`, or end in a separator.
    let marked = cols.iter().any(|&(k, s)| {
        matches!(k, Kind::Time | Kind::Level | Kind::Bracket | Kind::Logger) || s != Sep::Space
    });
    if !marked {
        return None;
    }
    Some(Layout { cols, bars })
}

fn marks_header(k: Kind, s: Sep) -> bool {
    k != Kind::Word || matches!(s, Sep::Bar | Sep::Dash)
}

/// The commonest (kind, separator) at column `j` and how many lines have it (first seen wins
/// ties, so the result does not depend on hashing).
fn modal(rows: &[Vec<Field>], j: usize) -> Option<((Kind, Sep), usize)> {
    let mut counts: Vec<((Kind, Sep), usize)> = Vec::new();
    for f in rows.iter().filter_map(|r| r.get(j)) {
        let key = (f.kind, f.sep);
        match counts.iter_mut().find(|(k, _)| *k == key) {
            Some((_, n)) => *n += 1,
            None => counts.push((key, 1)),
        }
    }
    let mut best: Option<((Kind, Sep), usize)> = None;
    for c in counts {
        if best.is_none_or(|(_, n)| c.1 > n) {
            best = Some(c);
        }
    }
    best
}

/// Decodes a line that fits the layout; `None` otherwise.
pub(crate) fn decode(line: &str, layout: &Layout, ctx: &mut Ctx) -> Option<Record> {
    if has_escape(line) || indented(line) {
        return None;
    }
    let fs = fields(line, layout.cols.len(), layout.bars);
    let fit = fs
        .iter()
        .zip(&layout.cols)
        .take_while(|(f, &(k, s))| f.kind == k && (f.sep == s || f.sep == Sep::End))
        .count();
    // The whole header, or a part holding its time (a line whose later header field is
    // written differently is still an event of the file; its message starts there).
    let whole = fit == layout.cols.len();
    if !whole && !fs[..fit].iter().any(|f| f.kind == Kind::Time) {
        return None;
    }
    let start = match fs.get(fit) {
        Some(f) if !whole => f.start,
        _ => fs[fit - 1].next,
    };
    let fs = &fs[..fit];
    let mut r = Record::new(Format::Learned, Msg::Range(start, line.len()));
    // The first time with a clock wins (a date-only column may precede the full stamp).
    let mut date_only = None;
    for f in fs.iter().filter(|f| f.kind == Kind::Time) {
        let (c, _) = time::scan(inner(line, f))?;
        if c.precision == crate::ingest::Precision::Day {
            date_only = date_only.or(Some(c));
            continue;
        }
        r.time = ctx.time(&c);
        break;
    }
    if r.time.is_none() {
        r.time = date_only.and_then(|c| ctx.time(&c));
    }
    if let Some(f) = fs.iter().find(|f| f.kind == Kind::Level) {
        r.level = field_level(inner(line, f));
    }
    if let Some(f) = fs.iter().rfind(|f| f.kind == Kind::Logger) {
        r.entities.component = component(&line[f.start..f.end]).map(Into::into);
    }
    Some(r)
}

fn indented(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}

fn has_escape(line: &str) -> bool {
    memchr::memchr(0x1b, line.as_bytes()).is_some()
}

/// A field's text without its brackets.
fn inner<'a>(line: &'a str, f: &Field) -> &'a str {
    let t = &line[f.start..f.end];
    t.strip_prefix('[')
        .and_then(|t| t.strip_suffix(']'))
        .unwrap_or(t)
        .trim()
}

/// `name[12]:` / `name:` -> `name`.
fn component(t: &str) -> Option<String> {
    let t = t.strip_suffix(':')?;
    let t = t.split_once('[').map_or(t, |(a, _)| a);
    (!t.is_empty()).then(|| t.to_string())
}

/// A level word (three letters or more, any case) or an upper-case level letter.
fn field_level(t: &str) -> Option<crate::ingest::Level> {
    let t = t.trim_end_matches(':');
    match t.as_bytes() {
        [c] if c.is_ascii_uppercase() => level::from_letter(*c),
        _ => level::from_long_word(t),
    }
}

/// Cuts up to `max` header fields from the start of a line.
fn fields(line: &str, max: usize, bars: bool) -> Vec<Field> {
    let b = line.as_bytes();
    let mut out = Vec::with_capacity(max);
    let mut i = skip_spaces(b, 0);
    while out.len() < max && i < b.len() {
        let (kind, end) = field_at(line, i, bars);
        let (sep, next) = separator(b, end);
        out.push(Field {
            kind,
            start: i,
            end,
            sep,
            next,
        });
        if sep == Sep::End || next <= i {
            break;
        }
        i = next;
    }
    out
}

fn skip_spaces(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    i
}

/// The kind and end of the field starting at `i`.
fn field_at(line: &str, i: usize, bars: bool) -> (Kind, usize) {
    let b = line.as_bytes();
    if b[i] == b'[' {
        if let Some(close) = bracket_end(b, i) {
            let t = line[i + 1..close].trim();
            let kind = if time::scan(t).is_some() {
                Kind::Time
            } else if field_level(t).is_some() {
                Kind::Level
            } else {
                Kind::Bracket
            };
            return (kind, close + 1);
        }
    }
    if let Some((_, n)) = time::scan(&line[i..]) {
        return (Kind::Time, i + n);
    }
    let mut end = i;
    while end < b.len() && !matches!(b[end], b' ' | b'\t' | b'|') {
        end += 1;
    }
    if bars && b.get(end).is_some_and(|&c| c != b'|') {
        if let Some(bar) = memchr::memchr(b'|', &b[end..b.len().min(i + MAX_BRACKET)]) {
            end += bar;
            while end > i && matches!(b[end - 1], b' ' | b'\t') {
                end -= 1;
            }
        }
    }
    // A comma ending a token is a separator (`Info,`), unless the token is only that.
    let tok_end = if end > i + 1 && matches!(b[end - 1], b',' | b';') {
        end - 1
    } else {
        end
    };
    let tok = &line[i..tok_end];
    (token_kind(tok), tok_end)
}

fn token_kind(tok: &str) -> Kind {
    let t = tok.as_bytes();
    if field_level(tok).is_some() {
        return Kind::Level;
    }
    // A path ending with `:` is a stack frame's location, not a logger.
    if (2..=MAX_NAME).contains(&t.len())
        && t[t.len() - 1] == b':'
        && t[0].is_ascii_alphabetic()
        && !t.iter().any(|&c| matches!(c, b'/' | b'\\'))
    {
        return Kind::Logger;
    }
    let digit = t.iter().any(u8::is_ascii_digit);
    if digit
        && t.iter()
            .all(|&c| c.is_ascii_digit() || matches!(c, b'.' | b':' | b'-' | b'_' | b'/' | b'#'))
    {
        return Kind::Num;
    }
    Kind::Word
}

/// End of a `[...]` group starting at `i` (nested groups count), within [`MAX_BRACKET`].
fn bracket_end(b: &[u8], i: usize) -> Option<usize> {
    let mut depth = 0;
    for (k, &c) in b.iter().enumerate().skip(i).take(MAX_BRACKET) {
        match c {
            b'[' => depth += 1,
            b']' => {
                depth -= 1;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// The separator after a field ending at `end`, and where the next field starts.
fn separator(b: &[u8], end: usize) -> (Sep, usize) {
    let mut i = end;
    let mut sep = Sep::Space;
    if matches!(b.get(i), Some(b',' | b';')) {
        sep = Sep::Comma;
        i += 1;
    }
    let spaced = skip_spaces(b, i);
    let had_space = spaced > i;
    i = spaced;
    match b.get(i) {
        None => return (Sep::End, i),
        Some(b'|') => {
            sep = Sep::Bar;
            i = skip_spaces(b, i + 1);
        }
        Some(b'-') if had_space && matches!(b.get(i + 1), Some(b' ' | b'\t')) => {
            sep = Sep::Dash;
            i = skip_spaces(b, i + 1);
        }
        _ => {}
    }
    if i >= b.len() {
        return (Sep::End, i);
    }
    (sep, i)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    fn msg(line: &str, layout: &Layout) -> Option<(String, Record)> {
        let mut ctx = Ctx::new(None, 2024);
        let r = decode(line, layout, &mut ctx)?;
        Some((r.message_text(line).to_string(), r))
    }

    #[test]
    fn pipe_separated_header_with_a_compact_time() {
        // `yyyyMMdd-HH:mm:ss:SSS|component|pid|message`, as some mobile health apps write.
        let lines: Vec<String> = (0..12)
            .map(|i| {
                let comp = ["Step_Counter", "Screen_Mgr", "Sync_Svc"][i % 3];
                let m = ["onStepChanged 12", "screen off", "flush 3 records"][i % 3];
                format!(
                    "20240102-10:11:{:02}:{:03}|{comp}|{}|{m}",
                    i,
                    i * 7,
                    3000 + i
                )
            })
            .collect();
        let sample: Vec<&str> = lines.iter().map(String::as_str).collect();
        let layout = learn(&sample).expect("a layout");
        let (m, r) = msg(&lines[2], &layout).unwrap();
        assert_eq!(m, "flush 3 records");
        assert!(r.time.is_some());
        assert_eq!(r.format, Format::Learned);
    }

    #[test]
    fn bracketed_year_less_time_and_program_before_a_dash() {
        let progs = ["browser.exe", "mail.exe", "updater.exe"];
        let lines: Vec<String> = (0..10)
            .map(|i| {
                format!(
                    "[10.{:02} 16:49:{:02}] {} - host{i}.example.org:443 open through proxy",
                    i + 1,
                    i,
                    progs[i % 3]
                )
            })
            .collect();
        let sample: Vec<&str> = lines.iter().map(String::as_str).collect();
        let layout = learn(&sample).expect("a layout");
        let (m, r) = msg(&lines[4], &layout).unwrap();
        assert_eq!(m, "host4.example.org:443 open through proxy");
        assert!(r.time.is_some());
    }

    #[test]
    fn numbers_words_epoch_and_a_level_letter() {
        // `id node component epoch flag message` (cluster event dumps), then logcat-like lines.
        let lines: Vec<String> = (0..10)
            .map(|i| {
                let m = [
                    "Component State Change: unit 3 is down",
                    "link error",
                    "ping",
                ][i % 3];
                format!(
                    "{} node-{} unix.hw {} 1 {m}",
                    1000 + i,
                    i * 3,
                    1_077_804_067 + i,
                )
            })
            .collect();
        let sample: Vec<&str> = lines.iter().map(String::as_str).collect();
        let layout = learn(&sample).expect("a layout");
        let (m, r) = msg(&lines[1], &layout).unwrap();
        assert_eq!(m, "link error");
        assert!(r.time.is_some(), "the epoch column is the time");

        let lines: Vec<String> = (0..10)
            .map(|i| {
                let l = ["D", "I", "W", "E"][i % 4];
                format!("03-17 16:13:{i:02}.811  1702  2395 {l} Window: draw frame {i}")
            })
            .collect();
        let sample: Vec<&str> = lines.iter().map(String::as_str).collect();
        let layout = learn(&sample).expect("a layout");
        let (m, r) = msg(&lines[3], &layout).unwrap();
        assert_eq!(m, "draw frame 3");
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.component.as_deref(), Some("Window"));
    }

    #[test]
    fn prose_and_short_samples_learn_nothing() {
        let prose = [
            "the quick brown fox",
            "jumps over the lazy dog",
            "and then it rested",
            "while the sun went down",
            "over the hills far away",
            "nobody saw it again",
            "until the next morning",
            "when it came back hungry",
        ];
        assert_eq!(learn(&prose), None);
        assert_eq!(learn(&prose[..3]), None);
        let numbered: Vec<String> = (0..10).map(|i| format!("{i} apples fell")).collect();
        let sample: Vec<&str> = numbered.iter().map(String::as_str).collect();
        assert_eq!(
            learn(&sample),
            None,
            "a lone leading number is message text"
        );
        let frames: Vec<String> = (0..10)
            .map(|i| format!("#{i} C:\\srv\\Mod{i}.php({}): Mod{i}->run()", i * 10))
            .collect();
        let sample: Vec<&str> = frames.iter().map(String::as_str).collect();
        assert_eq!(learn(&sample), None, "stack frames have no header");
        let coloured: Vec<String> = (0..10)
            .map(|i| format!("\x1b[2Kweb-1  | 2024-01-01 10:00:0{i} INFO ready {i}"))
            .collect();
        let mut sample: Vec<&str> = coloured.iter().map(String::as_str).collect();
        assert_eq!(
            learn(&sample),
            None,
            "coloured lines are left to the fixed chain"
        );
        let indented: Vec<String> = (0..10).map(|i| format!("    key{i}: [")).collect();
        sample.extend(indented.iter().map(String::as_str));
        assert_eq!(
            learn(&sample),
            None,
            "nor their uncoloured continuation lines"
        );
    }

    #[test]
    fn a_line_off_the_layout_is_not_decoded_and_times_stay_in_the_header() {
        let lines: Vec<String> = (0..10)
            .map(|i| {
                let m = [
                    "token valid until 2031-01-01 00:00:00",
                    "request done",
                    "retry",
                ][i % 3];
                format!("2024-03-01 10:00:{i:02} | worker-{i} | {m}")
            })
            .collect();
        let sample: Vec<&str> = lines.iter().map(String::as_str).collect();
        let layout = learn(&sample).expect("a layout");
        let (m, r) = msg(&lines[0], &layout).unwrap();
        assert_eq!(m, "token valid until 2031-01-01 00:00:00");
        let (t, _) = r.time.unwrap();
        assert!(
            t < time::scan("2025-01-01 00:00:00")
                .unwrap()
                .0
                .to_ns()
                .unwrap()
        );
        assert!(msg("    at some.Frame(Foo.java:12)", &layout).is_none());
    }
}
