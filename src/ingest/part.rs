//! An input read in parts by workers that share no memory (the page's pool of Web Workers), and
//! merged back into the corpus one reader would have made.
//!
//! Promises:
//! - each file is read on its own ([`DecodedFile::read`]) given only the input's calendar, which
//!   comes from every file's [`DecodedFile::date`] through [`input_calendar`]; [`merge`] appends the
//!   parts in file order, so the merged corpus is the one [`crate::ingest_owned`] makes, whatever
//!   read the parts and in which order they came back;
//! - a [`Part`] crosses between workers as two buffers ([`Part::encode`]): the file's decoded
//!   text, and a compact binary record of everything else (events, unparsed lines, services),
//!   with entities shared between neighbouring events written once; [`Part::decode`] rebuilds the
//!   same part, and answers an error, never a panic, for bytes that are not an encoded part.

use super::entities::Sets;
use super::event::{
    Corpus, Entities, Event, FileInfo, Format, Level, Precision, Text, TimeSource, Unparsed,
    UnparsedReason,
};
use super::pipeline::{self, Calendar, Source};
use super::{IngestError, IngestOptions, InputFile};
use crate::progress::Stage;
use std::fmt;
use std::sync::Arc;

/// One input file decoded (gzip inflated, UTF-16 transcoded, invalid UTF-8 replaced), not yet read.
pub struct DecodedFile {
    index: u32,
    source: Source,
}

/// Decodes file number `index` (0-based, in input order) of an input.
pub fn decode_file(index: u32, file: InputFile) -> Result<DecodedFile, IngestError> {
    Ok(DecodedFile {
        index,
        source: pipeline::decode_source(file)?,
    })
}

/// The calendar for incomplete stamps, from every file's [`DecodedFile::date`] in input order:
/// the same calendar one reader of the whole input takes.
pub fn input_calendar(
    dates: impl IntoIterator<Item = Option<i64>>,
    opts: &IngestOptions,
) -> Calendar {
    pipeline::calendar_of(dates, opts)
}

impl DecodedFile {
    /// The first full date written in the file's first lines (days since 1970-01-01), if any.
    pub fn date(&self) -> Option<i64> {
        pipeline::sample_date(&self.source)
    }

    /// Bytes of decoded text.
    pub fn text_len(&self) -> usize {
        self.source.text_len()
    }

    /// Reads the file into its part of the corpus. `tick(stage, byte offset in the file, events
    /// so far)` is called as [`Stage::Parse`] and then [`Stage::Entities`] pass over the file.
    pub fn read(
        self,
        opts: &IngestOptions,
        calendar: Calendar,
        tick: &mut dyn FnMut(Stage, usize, usize),
    ) -> Part {
        Part {
            index: self.index,
            corpus: pipeline::ingest_file(self.index, self.source, opts, calendar, tick),
        }
    }
}

/// One file read on its own: its events, unparsed lines, services and the file itself.
pub struct Part {
    /// The file's index in the input (an empty file has no event or line to say it).
    index: u32,
    corpus: Corpus,
}

/// A [`Part`] as bytes: `record` (events, lines, services, the file's facts) and the file's text.
pub struct EncodedPart {
    pub record: Vec<u8>,
    pub text: String,
}

/// Bytes that are not an encoded part (cut short, another version, a wrong value).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartError(&'static str);

impl fmt::Display for PartError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a part of the input came back damaged: {}", self.0)
    }
}

impl std::error::Error for PartError {}

/// Changed whenever the layout changes: both sides are the same build, but a stale worker script
/// cached next to a new one must fail loudly, not misread.
const VERSION: u32 = 1;

/// Which files each of `workers` readers takes (file indices, ascending): the largest file first
/// to the reader with the least so far, so the readers finish about together. Only the time
/// depends on it, never the merged corpus.
pub fn plan(sizes: &[u64], workers: usize) -> Vec<Vec<u32>> {
    let workers = workers.max(1);
    let mut order: Vec<u32> = (0..sizes.len() as u32).collect();
    crate::sort::sort_by_key(&mut order, |&i| std::cmp::Reverse(sizes[i as usize]));
    let mut load = vec![0u64; workers];
    let mut out = vec![Vec::new(); workers];
    for i in order {
        let w = (0..workers)
            .min_by_key(|&w| load[w])
            .expect("one reader at least");
        load[w] += sizes[i as usize];
        out[w].push(i);
    }
    for files in &mut out {
        files.sort_unstable();
    }
    out
}

/// Appends the parts in file order into the corpus of the whole input: the corpus
/// [`crate::ingest_owned`] makes of the same files. `parts` may come in any order.
pub fn merge(mut parts: Vec<Part>) -> Result<Corpus, IngestError> {
    crate::sort::sort_by_key(&mut parts, |p| p.index());
    debug_assert!(parts.iter().enumerate().all(|(i, p)| p.index as usize == i));
    let all_empty = parts
        .iter()
        .all(|p| p.corpus.files.iter().all(|f| f.bytes_in == 0));
    let mut corpus = Corpus::default();
    for part in parts {
        corpus.append(part.corpus);
    }
    pipeline::finish(corpus, all_empty)
}

impl Part {
    /// The file's index in the input.
    pub fn index(&self) -> u32 {
        self.index
    }

    /// The part as bytes, for a worker to send (the text as it is, the rest packed).
    pub fn encode(self) -> EncodedPart {
        let mut corpus = self.corpus;
        let file = corpus.files.pop().expect("a part holds one file");
        let mut w = Writer(Vec::with_capacity(64 + corpus.events.len() * 48));
        w.u32(VERSION);
        w.u32(self.index);
        write_file(&mut w, &file);
        let symbols = corpus.symbols();
        w.u32(symbols.len() as u32);
        for s in symbols {
            w.str(s);
        }
        w.u32(corpus.unparsed.len() as u32);
        for u in &corpus.unparsed {
            w.u32(u.line);
            w.u8(code(&REASONS, &u.reason));
        }
        w.u32(corpus.events.len() as u32);
        let mut last: Option<&Arc<Entities>> = None;
        for ev in &corpus.events {
            write_event(&mut w, ev, &mut last);
        }
        EncodedPart {
            record: w.0,
            text: file.text,
        }
    }

    /// Rebuilds a part from [`Part::encode`]'s buffers.
    pub fn decode(record: &[u8], text: String) -> Result<Part, PartError> {
        let mut r = Reader {
            bytes: record,
            at: 0,
        };
        if r.u32()? != VERSION {
            return Err(PartError("another version of the engine wrote it"));
        }
        let index = r.u32()?;
        let mut file = read_file(&mut r)?;
        file.text = text;
        let mut corpus = Corpus::default();
        for _ in 0..r.len()? {
            let s = r.str()?;
            corpus.intern(&s);
        }
        let symbols = corpus.symbols().len() as u32;
        corpus.unparsed = (0..r.len()?)
            .map(|_| {
                Ok(Unparsed {
                    file: index,
                    line: r.u32()?,
                    reason: from_code(&REASONS, r.u8()?, "an unknown reason")?,
                })
            })
            .collect::<Result<_, PartError>>()?;
        let n = r.len()?;
        let mut events = Vec::with_capacity(n);
        let mut last: Option<Arc<Entities>> = None;
        // Equal sets are shared again as reading the file shared them.
        let mut sets = Sets::default();
        for _ in 0..n {
            events.push(read_event(
                &mut r,
                index,
                symbols,
                file.text.len(),
                (&mut last, &mut sets),
            )?);
        }
        if r.at != record.len() {
            return Err(PartError("bytes left over"));
        }
        corpus.events = events;
        corpus.files.push(file);
        Ok(Part { index, corpus })
    }
}

fn write_file(w: &mut Writer, f: &FileInfo) {
    w.str(&f.name);
    w.u32(f.lines);
    w.u64(f.bytes_in);
    w.u8(u8::from(f.gzip));
    w.u32(f.invalid_utf8);
    w.u8(code(&Format::ALL, &f.format));
    w.opt_i32(f.assumed_year);
    // A day count since 1970 fits an i32 for a million years either way.
    w.opt_i32(f.assumed_day.map(|d| d as i32));
    w.u8(u8::from(f.since_boot));
}

fn read_file(r: &mut Reader) -> Result<FileInfo, PartError> {
    Ok(FileInfo {
        name: r.str()?,
        lines: r.u32()?,
        bytes_in: r.u64()?,
        gzip: r.u8()? != 0,
        invalid_utf8: r.u32()?,
        format: from_code(&Format::ALL, r.u8()?, "an unknown format")?,
        assumed_year: r.opt_i32()?,
        assumed_day: r.opt_i32()?.map(i64::from),
        since_boot: r.u8()? != 0,
        text: String::new(),
    })
}

// Bits of an event's flags byte.
const HAS_TIME: u8 = 1;
const HAS_LEVEL: u8 = 2;
const HAS_SERVICE: u8 = 4;
const OWNED_MESSAGE: u8 = 8;
const ENTITIES_NEW: u8 = 16;
const ENTITIES_SAME: u8 = 32;

fn write_event<'a>(w: &mut Writer, ev: &'a Event, last: &mut Option<&'a Arc<Entities>>) {
    let same = match (&ev.entities, *last) {
        (Some(e), Some(l)) => Arc::ptr_eq(e, l),
        _ => false,
    };
    let flags = flag(ev.time.is_some(), HAS_TIME)
        | flag(ev.level.is_some(), HAS_LEVEL)
        | flag(ev.service.is_some(), HAS_SERVICE)
        | flag(matches!(ev.message, Text::Owned(_)), OWNED_MESSAGE)
        | flag(ev.entities.is_some() && !same, ENTITIES_NEW)
        | flag(same, ENTITIES_SAME);
    w.u8(flags);
    w.u32(ev.line);
    w.u32(ev.lines);
    w.u32(ev.first.0);
    w.u32(ev.first.1);
    w.u32(ev.end);
    if let Some(t) = ev.time {
        w.u64(t as u64);
    }
    w.u8(code(&PRECISIONS, &ev.precision) | code(&TIME_SOURCES, &ev.time_source) << 4);
    if let Some(l) = ev.level {
        w.u8(l as u8);
    }
    w.u8(code(&Format::ALL, &ev.format));
    if let Some(s) = ev.service {
        w.u32(s);
    }
    match &ev.message {
        Text::Span(a, b) => {
            w.u32(*a);
            w.u32(*b);
        }
        Text::Owned(s) => w.str(s),
    }
    w.u32(ev.template);
    if let Some(e) = &ev.entities {
        if !same {
            write_entities(w, e);
        }
        *last = Some(e);
    }
}

fn read_event(
    r: &mut Reader,
    file: u32,
    symbols: u32,
    text_len: usize,
    (last, sets): (&mut Option<Arc<Entities>>, &mut Sets),
) -> Result<Event, PartError> {
    let flags = r.u8()?;
    let has = |bit| flags & bit != 0;
    let (line, lines) = (r.u32()?, r.u32()?);
    let first = (r.u32()?, r.u32()?);
    let end = r.u32()?;
    let in_text = |a: u32, b: u32| a <= b && b as usize <= text_len;
    if !in_text(first.0, first.1) || !in_text(first.0, end) {
        return Err(PartError("a line outside its file"));
    }
    let time = if has(HAS_TIME) {
        Some(r.u64()? as i64)
    } else {
        None
    };
    let t = r.u8()?;
    let (precision, time_source) = (
        from_code(&PRECISIONS, t & 15, "an unknown precision")?,
        from_code(&TIME_SOURCES, t >> 4, "an unknown time source")?,
    );
    let level = if has(HAS_LEVEL) {
        Some(from_code(&Level::ALL, r.u8()?, "an unknown level")?)
    } else {
        None
    };
    let format = from_code(&Format::ALL, r.u8()?, "an unknown format")?;
    let service = if has(HAS_SERVICE) {
        let s = r.u32()?;
        if s >= symbols {
            return Err(PartError("an unknown service"));
        }
        Some(s)
    } else {
        None
    };
    let message = if has(OWNED_MESSAGE) {
        Text::Owned(r.str()?.into_boxed_str())
    } else {
        let (a, b) = (r.u32()?, r.u32()?);
        if !in_text(a, b) {
            return Err(PartError("a message outside its file"));
        }
        Text::Span(a, b)
    };
    let template = r.u32()?;
    let entities = if has(ENTITIES_NEW) {
        let e = sets.share(Arc::new(read_entities(r)?));
        *last = Some(Arc::clone(&e));
        Some(e)
    } else if has(ENTITIES_SAME) {
        Some(Arc::clone(
            last.as_ref()
                .ok_or(PartError("shared entities with none before"))?,
        ))
    } else {
        None
    };
    Ok(Event {
        file,
        line,
        lines,
        first,
        end,
        time,
        precision,
        time_source,
        level,
        format,
        service,
        message,
        template,
        entities,
    })
}

fn flag(on: bool, bit: u8) -> u8 {
    if on {
        bit
    } else {
        0
    }
}

const HTTP_STATUS_BIT: u32 = 1 << 14;

fn write_entities(w: &mut Writer, e: &Entities) {
    let fields = e.texts();
    let mut bits = fields
        .iter()
        .enumerate()
        .fold(0u32, |b, (i, f)| b | u32::from(f.is_some()) << i);
    if e.http_status.is_some() {
        bits |= HTTP_STATUS_BIT;
    }
    w.u32(bits);
    for s in fields.into_iter().flatten() {
        w.str(s);
    }
    if let Some(s) = e.http_status {
        w.u32(u32::from(s));
    }
    w.u32(e.durations_ms.len() as u32);
    for d in &e.durations_ms {
        w.u64(d.to_bits());
    }
    w.u32(e.mentions.len() as u32);
    for m in &e.mentions {
        w.str(m);
    }
}

fn read_entities(r: &mut Reader) -> Result<Entities, PartError> {
    let bits = r.u32()?;
    let mut e = Entities::default();
    for (i, f) in e.texts_mut().into_iter().enumerate() {
        if bits & 1 << i != 0 {
            *f = Some(r.str()?.into());
        }
    }
    if bits & HTTP_STATUS_BIT != 0 {
        e.http_status = Some(u16::try_from(r.u32()?).map_err(|_| PartError("an HTTP status"))?);
    }
    e.durations_ms = (0..r.len()?)
        .map(|_| r.u64().map(f64::from_bits))
        .collect::<Result<_, _>>()?;
    e.mentions = (0..r.len()?).map(|_| r.str()).collect::<Result<_, _>>()?;
    Ok(e)
}

const PRECISIONS: [Precision; 6] = [
    Precision::Day,
    Precision::Minute,
    Precision::Second,
    Precision::Milli,
    Precision::Micro,
    Precision::Nano,
];

const TIME_SOURCES: [TimeSource; 3] = [
    TimeSource::Parsed,
    TimeSource::Inherited,
    TimeSource::Missing,
];

const REASONS: [UnparsedReason; 3] = [
    UnparsedReason::Binary,
    UnparsedReason::Blank,
    UnparsedReason::TooLong,
];

/// A value's one-byte code: its position in `all`, the fixed list of its type's values.
fn code<T: PartialEq>(all: &[T], v: &T) -> u8 {
    all.iter().position(|x| x == v).expect("every value listed") as u8
}

/// The value a one-byte code stands for; `what` names it in the error of a damaged record.
fn from_code<T: Copy>(all: &[T], c: u8, what: &'static str) -> Result<T, PartError> {
    all.get(c as usize).copied().ok_or(PartError(what))
}

/// Little-endian, lengths as u32.
struct Writer(Vec<u8>);

impl Writer {
    fn u8(&mut self, v: u8) {
        self.0.push(v);
    }
    fn u32(&mut self, v: u32) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn u64(&mut self, v: u64) {
        self.0.extend_from_slice(&v.to_le_bytes());
    }
    fn opt_i32(&mut self, v: Option<i32>) {
        match v {
            Some(y) => {
                self.u8(1);
                self.u32(y as u32);
            }
            None => self.u8(0),
        }
    }
    fn str(&mut self, s: &str) {
        self.u32(s.len() as u32);
        self.0.extend_from_slice(s.as_bytes());
    }
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
    fn take(&mut self, n: usize) -> Result<&[u8], PartError> {
        let end = self
            .at
            .checked_add(n)
            .filter(|&e| e <= self.bytes.len())
            .ok_or(PartError("cut short"))?;
        let s = &self.bytes[self.at..end];
        self.at = end;
        Ok(s)
    }
    fn u8(&mut self) -> Result<u8, PartError> {
        Ok(self.take(1)?[0])
    }
    fn u32(&mut self) -> Result<u32, PartError> {
        let b = self.take(4)?;
        Ok(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    }
    fn u64(&mut self) -> Result<u64, PartError> {
        let b = self.take(8)?;
        let mut a = [0u8; 8];
        a.copy_from_slice(b);
        Ok(u64::from_le_bytes(a))
    }
    /// A count of items that each take at least one byte: never more than the bytes left, so a
    /// damaged count cannot reserve a huge vector.
    fn len(&mut self) -> Result<usize, PartError> {
        let n = self.u32()? as usize;
        if n > self.bytes.len() - self.at {
            return Err(PartError("a count larger than the record"));
        }
        Ok(n)
    }
    fn opt_i32(&mut self) -> Result<Option<i32>, PartError> {
        Ok(match self.u8()? {
            0 => None,
            _ => Some(self.u32()? as i32),
        })
    }
    fn str(&mut self) -> Result<String, PartError> {
        let n = self.u32()? as usize;
        let b = self.take(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| PartError("text that is not UTF-8"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(files: &[(&str, &[u8])]) -> Vec<Part> {
        let opts = IngestOptions::default();
        let decoded: Vec<DecodedFile> = files
            .iter()
            .enumerate()
            .map(|(i, (n, b))| decode_file(i as u32, InputFile::new(*n, b.to_vec())).unwrap())
            .collect();
        let calendar = input_calendar(decoded.iter().map(DecodedFile::date), &opts);
        decoded
            .into_iter()
            .map(|d| d.read(&opts, calendar, &mut |_, _, _| {}))
            .collect()
    }

    /// Everything a corpus holds, as text (the symbol index is a hash map: its ids say it).
    fn dump(c: &Corpus) -> String {
        let shared = c
            .events
            .windows(2)
            .filter(|w| match (&w[0].entities, &w[1].entities) {
                (Some(a), Some(b)) => Arc::ptr_eq(a, b),
                _ => false,
            })
            .count();
        format!(
            "{:?}\n{:?}\n{:?}\n{:?}\nshared {shared}",
            c.files,
            c.events,
            c.unparsed,
            c.symbols()
        )
    }

    const MIXED: &[(&str, &[u8])] = &[
        (
            "app.log",
            b"2024-05-01T10:00:00.123Z ERROR orders-api pool exhausted after 5000ms\n\
              java.lang.IllegalStateException: boom\n\tat a.b.C.d(C.java:1)\n\n\
              2024-05-01T10:00:01Z INFO orders-api GET /orders/7 503 in 12ms\n",
        ),
        (
            "svc.jsonl",
            b"{\"ts\":\"2024-05-01T10:00:02Z\",\"level\":\"warn\",\"service\":\"billing\",\"msg\":\"retry \\\"db\\\" in 2s\",\"trace_id\":\"abc123\"}\n\
              {\"ts\":\"2024-05-01T10:00:03Z\",\"level\":\"error\",\"service\":\"billing\",\"msg\":\"upstream orders-api refused\"}\n",
        ),
        ("empty.log", b""),
        ("binary.bin", b"\x00\x01\x02 not text\n\n\nMay  1 10:00:04 db-1 postgres[4]: FATAL: too many clients\n"),
    ];

    #[test]
    fn a_part_comes_back_from_its_bytes_the_same() {
        for part in read_all(MIXED) {
            let index = part.index();
            let before = dump(&part.corpus);
            let e = part.encode();
            let back = Part::decode(&e.record, e.text).unwrap();
            assert_eq!(back.index(), index);
            assert_eq!(dump(&back.corpus), before);
        }
    }

    #[test]
    fn merged_parts_are_the_corpus_of_one_reader_whatever_order_they_come_in() {
        let files: Vec<InputFile> = MIXED
            .iter()
            .map(|(n, b)| InputFile::new(*n, b.to_vec()))
            .collect();
        let whole = crate::ingest_owned(files, &IngestOptions::default()).unwrap();
        let mut parts: Vec<Part> = read_all(MIXED)
            .into_iter()
            .map(|p| {
                let e = p.encode();
                Part::decode(&e.record, e.text).unwrap()
            })
            .collect();
        parts.reverse();
        assert_eq!(dump(&merge(parts).unwrap()), dump(&whole));
    }

    #[test]
    fn damaged_bytes_are_an_error_not_a_panic() {
        let part = read_all(MIXED).remove(1);
        let e = part.encode();
        for cut in 0..e.record.len() {
            assert!(
                Part::decode(&e.record[..cut], e.text.clone()).is_err(),
                "cut at {cut}"
            );
        }
        let mut longer = e.record.clone();
        longer.push(0);
        assert!(Part::decode(&longer, e.text.clone()).is_err());
        let mut other = e.record.clone();
        other[0] ^= 0xff;
        assert!(Part::decode(&other, e.text.clone()).is_err());
        // Offsets past the end of a shorter text.
        assert!(Part::decode(&e.record, String::from("x")).is_err());
    }

    #[test]
    fn the_plan_gives_every_file_once_and_balances_by_size() {
        let sizes = [10, 70, 20, 30, 0, 40];
        let plan = plan(&sizes, 2);
        let mut all: Vec<u32> = plan.concat();
        all.sort_unstable();
        assert_eq!(all, [0, 1, 2, 3, 4, 5]);
        let load = |w: &Vec<u32>| w.iter().map(|&i| sizes[i as usize]).sum::<u64>();
        assert_eq!((load(&plan[0]), load(&plan[1])), (90, 80));
        assert_eq!(super::plan(&sizes, 1), [vec![0, 1, 2, 3, 4, 5]]);
        assert_eq!(super::plan(&[5], 3).concat(), [0]);
    }
}
