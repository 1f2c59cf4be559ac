//! The ingest loop: for each file, decode bytes, frame lines, sniff a format, decode each line
//! (falling back line by line), join continuations, and fill in inherited times.

use super::bytes;
use super::decode::{self, Ctx, Msg, Record};
use super::entities;
use super::event::{Corpus, Event, FileInfo, Format, Text, TimeSource, Unparsed, UnparsedReason};
use super::frame;
use super::multiline;
use super::time;
use super::{IngestError, IngestErrorKind, IngestOptions, InputFile};
use crate::parallel::{self, Parallel};
use crate::progress::{Progress, Stage, BYTES_STEP};
use std::sync::{Arc, Mutex};

/// Lines longer than this are counted but not decoded (a 1 MB line is data, not an event).
const MAX_LINE: usize = 1 << 20;
/// Lines the format sniffer looks at.
const SNIFF_LINES: usize = 64;

/// Lines a pretty-printed JSON document may span.
const MAX_DOC_LINES: usize = 20_000;

/// One decoded input: its name, its size as given, and its text.
pub(super) struct Source {
    name: String,
    bytes_in: u64,
    decoded: bytes::Decoded,
}

impl Source {
    /// Bytes of decoded text.
    pub(super) fn text_len(&self) -> usize {
        self.decoded.text.len()
    }
}

pub(crate) fn run(
    files: &[InputFile],
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Corpus, IngestError> {
    let mut sources = Vec::with_capacity(files.len());
    for input in files {
        sources.push(Source {
            name: input.name.clone(),
            bytes_in: input.bytes.len() as u64,
            decoded: bytes::decode(&input.name, &input.bytes)?,
        });
    }
    run_decoded(sources, opts, Pass::Full, progress)
}

/// Decodes one input (gzip, BOM, UTF-16, invalid UTF-8), keeping its bytes when they are UTF-8.
pub(super) fn decode_source(input: InputFile) -> Result<Source, IngestError> {
    let bytes_in = input.bytes.len() as u64;
    let decoded = bytes::decode_owned(&input.name, input.bytes)?;
    Ok(Source {
        name: input.name,
        bytes_in,
        decoded,
    })
}

/// What ingest works out for each event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pass {
    /// Everything: the lines' own fields, then services and entities read from the messages.
    Full,
    /// Events, times, levels, formats, messages and the services lines name themselves, as
    /// [`Pass::Full`] reads them; no entities and no service inferred from other names.
    Messages,
}

/// [`run`] taking ownership of the files: valid UTF-8 bytes become the text without a copy.
pub(crate) fn run_owned(
    files: Vec<InputFile>,
    opts: &IngestOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<Corpus, IngestError> {
    run_owned_pass(files, opts, Pass::Full, progress)
}

/// [`run_owned`] doing only what `pass` asks.
pub(crate) fn run_owned_pass(
    files: Vec<InputFile>,
    opts: &IngestOptions,
    pass: Pass,
    progress: &mut dyn FnMut(Progress),
) -> Result<Corpus, IngestError> {
    let mut sources = Vec::with_capacity(files.len());
    for input in files {
        let bytes_in = input.bytes.len() as u64;
        let decoded = bytes::decode_owned(&input.name, input.bytes)?;
        sources.push(Source {
            name: input.name,
            bytes_in,
            decoded,
        });
    }
    run_decoded(sources, opts, pass, progress)
}

/// Where one file's ingest stands: `tick(stage, byte offset in the file, events of the file
/// so far)`, called every ~1 MB and every few thousand events.
pub(super) type Tick<'a> = &'a mut dyn FnMut(Stage, usize, usize);

/// Reads each file into a part of its own, one after another, and appends them in input order.
fn run_decoded(
    sources: Vec<Source>,
    opts: &IngestOptions,
    pass: Pass,
    progress: &mut dyn FnMut(Progress),
) -> Result<Corpus, IngestError> {
    let all_empty = sources.iter().all(|s| s.bytes_in == 0);
    let calendar = input_calendar(&sources, opts);
    let total = sources.iter().map(|s| s.decoded.text.len() as u64).sum();
    let mut corpus = Corpus::default();
    let mut base = 0;
    for (idx, source) in sources.into_iter().enumerate() {
        let len = source.decoded.text.len() as u64;
        let before = corpus.events.len() as u64;
        let mut tick = |stage, at: usize, events: usize| {
            progress(Progress {
                stage,
                bytes_done: base + at as u64,
                bytes_total: total,
                events_done: before + events as u64,
                events_total: 0,
                step: 0,
                steps: 0,
            })
        };
        corpus.append(ingest_file_pass(
            idx as u32, source, opts, calendar, pass, &mut tick,
        ));
        base += len;
    }
    finish(corpus, all_empty)
}

/// [`run_decoded`] with the files read as independent parts by `par` (possibly at once), then
/// appended in input order: the same corpus, whatever ran them. Progress is reported as each
/// part moves on, one report at a time; `bytes_done` sums over the parts.
pub(crate) fn run_parts(
    files: Vec<InputFile>,
    opts: &IngestOptions,
    par: &dyn Parallel,
    progress: &mut (dyn FnMut(Progress) + Send),
) -> Result<Corpus, IngestError> {
    let decoded = parallel::map(
        par,
        files,
        |f| f.bytes.len() as u64,
        |input| {
            let bytes_in = input.bytes.len() as u64;
            bytes::decode_owned(&input.name, input.bytes).map(|decoded| Source {
                name: input.name,
                bytes_in,
                decoded,
            })
        },
    );
    let sources = decoded.into_iter().collect::<Result<Vec<_>, _>>()?;
    let all_empty = sources.iter().all(|s| s.bytes_in == 0);
    let calendar = input_calendar(&sources, opts);
    let total = sources.iter().map(|s| s.decoded.text.len() as u64).sum();
    let shared = Mutex::new(Shared {
        progress,
        total,
        done: [0; 2],
        events: [0; 2],
    });
    let items: Vec<(u32, Source)> = (0u32..).zip(sources).collect();
    let parts = parallel::map(
        par,
        items,
        |(_, s)| s.decoded.text.len() as u64,
        |(idx, source)| {
            let len = source.decoded.text.len();
            let mut last = [(0, 0); 2];
            let mut tick = |stage, at: usize, events: usize| {
                let k = usize::from(stage != Stage::Parse);
                let (at0, ev0) = last[k];
                last[k] = (at.max(at0), events.max(ev0));
                let (bytes, events) = (at.saturating_sub(at0), events.saturating_sub(ev0));
                lock(&shared).advance(stage, bytes, events, true);
            };
            let part = ingest_file(idx, source, opts, calendar, &mut tick);
            // The rest of the file counts as done for both stages, without a report.
            let events = part.events.len();
            let mut sh = lock(&shared);
            for (k, stage) in [Stage::Parse, Stage::Entities].into_iter().enumerate() {
                let (at0, ev0) = last[k];
                sh.advance(
                    stage,
                    len.saturating_sub(at0),
                    events.saturating_sub(ev0),
                    false,
                );
            }
            part
        },
    );
    // The first part's events become the corpus' (no copy), grown by each part's exact length
    // as it is appended and freed (a large block is remapped, not copied), so the events are
    // held about once while the parts are merged, not once merged and once in parts.
    let mut corpus = Corpus::default();
    for part in parts {
        corpus.append(part);
    }
    finish(corpus, all_empty)
}

/// Progress of parts running at once: bytes and events done per stage (parse, entities).
struct Shared<'a> {
    progress: &'a mut (dyn FnMut(Progress) + Send),
    total: u64,
    done: [u64; 2],
    events: [u64; 2],
}

impl Shared<'_> {
    fn advance(&mut self, stage: Stage, bytes: usize, events: usize, report: bool) {
        let k = usize::from(stage != Stage::Parse);
        self.done[k] += bytes as u64;
        self.events[k] += events as u64;
        if report {
            (self.progress)(Progress {
                stage,
                bytes_done: self.done[k],
                bytes_total: self.total,
                events_done: self.events[k],
                events_total: 0,
                step: 0,
                steps: 0,
            });
        }
    }
}

/// A panic in a progress callback poisons nothing the counters need.
fn lock<'a, 'b>(m: &'a Mutex<Shared<'b>>) -> std::sync::MutexGuard<'a, Shared<'b>> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The input's calendar for incomplete stamps: year-less stamps take the year of the first
/// date written in full anywhere in the input's samples, else the caller's reference year,
/// else 1970; date-less stamps take that date (else 1 January). Never a clock. Read from every
/// file before any is decoded, so each file can be read on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    year: i32,
    day: Option<i64>,
}

fn input_calendar(sources: &[Source], opts: &IngestOptions) -> Calendar {
    calendar_of(sources.iter().map(sample_date), opts)
}

/// [`input_calendar`] from each file's [`sample_date`], in input order.
pub(super) fn calendar_of(
    dates: impl IntoIterator<Item = Option<i64>>,
    opts: &IngestOptions,
) -> Calendar {
    match dates.into_iter().flatten().next() {
        Some(day) => Calendar {
            year: time::civil_from_days(day).0,
            day: Some(day),
        },
        None => Calendar {
            year: opts.reference_year.unwrap_or(1970),
            day: None,
        },
    }
}

impl Calendar {
    /// The calendar as two numbers (year, day or `None`), to cross a worker boundary.
    pub fn parts(self) -> (i32, Option<i64>) {
        (self.year, self.day)
    }

    /// The calendar from [`Calendar::parts`].
    pub fn from_parts(year: i32, day: Option<i64>) -> Calendar {
        Calendar { year, day }
    }
}

/// The first date written in full in the file's first lines (days since 1970-01-01), if any.
pub(super) fn sample_date(source: &Source) -> Option<i64> {
    let d = &source.decoded;
    let spans = frame::lines(&d.text[..d.text.len().min(1 << 16)]);
    let sample: Vec<&str> = spans
        .iter()
        .map(|&(a, b)| &d.text[a..b])
        .filter(|l| !frame::is_blank(l))
        .take(SNIFF_LINES)
        .collect();
    decode::find_date(&sample).map(|(y, m, d)| time::days_from_civil(y, m, d))
}

pub(super) fn finish(corpus: Corpus, all_empty: bool) -> Result<Corpus, IngestError> {
    if corpus.events.is_empty() {
        let what = if all_empty {
            "the input is empty"
        } else {
            "the input holds no readable text lines"
        };
        return Err(IngestError::new(IngestErrorKind::EmptyInput, what));
    }
    Ok(corpus)
}

/// Reads one file into a corpus of its own: its events (which already carry `file` as their
/// index in the whole input), unparsed lines, services and the file itself. Depends on nothing
/// but the file, the options and the input's calendar, so files can be read in any order.
pub(super) fn ingest_file(
    file: u32,
    source: Source,
    opts: &IngestOptions,
    calendar: Calendar,
    tick: Tick,
) -> Corpus {
    ingest_file_pass(file, source, opts, calendar, Pass::Full, tick)
}

/// [`ingest_file`] doing only what `pass` asks.
fn ingest_file_pass(
    file: u32,
    source: Source,
    opts: &IngestOptions,
    calendar: Calendar,
    pass: Pass,
    tick: Tick,
) -> Corpus {
    let mut part = Corpus::default();
    let corpus = &mut part;
    let Source {
        name,
        bytes_in,
        decoded,
    } = source;
    let text = decoded.text;
    let spans = frame::lines(&text);
    // At most about one event a line: reserved once (untouched pages cost no memory, and the
    // slack is given back below) instead of grown by doubling, which copied every event
    // again at each step and touched twice the pages.
    corpus.events.reserve(spans.len());
    let sample: Vec<&str> = spans
        .iter()
        .map(|&(a, b)| &text[a..b])
        .filter(|l| !frame::is_blank(l))
        .take(SNIFF_LINES)
        .collect();
    let format = opts.format.unwrap_or_else(|| decode::sniff(&sample));
    // No known format: learn the header from the file's own lines (forced with `learned`).
    let learned = matches!(format, Format::Plain | Format::Classic | Format::Learned)
        .then(|| decode::learn_for(format, opts.format.is_some(), &spread_sample(&text, &spans)))
        .flatten();
    let format = match (&learned, opts.format) {
        (Some(_), None) => Format::Learned,
        _ => format,
    };
    // Most lines carry a timed header: a header-less line after a timed event is part of it
    // (a backtrace, a wrapped message), as log shippers' "new event starts with a time" rule.
    let headered = opts
        .format
        .is_none_or(|f| f == Format::Learned)
        .then(|| decode::headered(&sample, learned.as_ref()))
        .flatten();
    let mut ctx = Ctx::new(opts.format, calendar.year);
    if let Some(day) = calendar.day {
        ctx.clock.set_default_day(day);
    }
    ctx.learned = learned;
    let mut joiner = multiline::Joiner::default();
    let first_event = corpus.events.len();
    // The last event is a CRI `P` line waiting for the rest of its message.
    let mut partial_open = false;
    let mut docs_possible = true;
    // Lines waiting to open the next event (a CSV header, a shell prompt).
    let mut preamble: Option<Preamble> = None;
    let mut i = 0;
    let mut next_report = 0;
    while i < spans.len() {
        let (a, b) = spans[i];
        let lineno = i as u32 + 1;
        i += 1;
        if a >= next_report {
            tick(Stage::Parse, a, corpus.events.len());
            next_report = a + BYTES_STEP;
        }
        let line = &text[a..b];
        let reason = if b - a > MAX_LINE {
            Some(UnparsedReason::TooLong)
        } else if frame::is_binary(line) {
            Some(UnparsedReason::Binary)
        } else {
            None
        };
        if let Some(reason) = reason {
            corpus.unparsed.push(Unparsed {
                file,
                line: lineno,
                reason,
            });
            continue;
        }
        let has_prev = corpus.events.len() > first_event
            && !frame::after_unparsed(&corpus.unparsed, file, lineno)
            && preamble.is_none();
        if frame::is_blank(line) {
            ctx.blank();
            if let Some(p) = preamble.as_mut() {
                p.lines += 1;
            } else if has_prev {
                extend_last(corpus, b);
            } else {
                corpus.unparsed.push(Unparsed {
                    file,
                    line: lineno,
                    reason: UnparsedReason::Blank,
                });
            }
            continue;
        }
        let record = decode::decode_line(line, &mut ctx);
        if has_prev
            && record
                .as_ref()
                .is_some_and(|r| stray_time(r, line, headered, corpus))
        {
            // A time written differently from the file's headers and far from the event before:
            // a line of that event's body (a lease file, a token's expiry), not a new event.
            extend_last(corpus, b);
            ctx.extra.clear();
            continue;
        }
        let record = match record {
            Some(r) if r.continuation && has_prev => {
                extend_last(corpus, b);
                stamp_last(corpus, &r);
                ctx.extra.clear();
                continue;
            }
            Some(r) => {
                if partial_open && r.format == Format::Cri && has_prev {
                    append_message(corpus, &text, r.message_text(line), b);
                    partial_open = r.partial;
                    continue;
                }
                joiner.reset();
                r
            }
            None => {
                let t = line.trim_start();
                if docs_possible
                    && (t.starts_with('{') || t.starts_with('['))
                    && ctx.forced.is_none_or(|f| f != Format::Plain)
                {
                    match document(&text, &spans, i - 1, &mut ctx) {
                        Doc::Found(last, r) => {
                            let end = spans[last].1;
                            let first_ev = corpus.events.len();
                            let mut ats = vec![r.at];
                            ats.extend(ctx.extra.iter().map(|x| x.at));
                            push_event(corpus, file, lineno, (a, b), *r);
                            let ev = corpus.events.last_mut().expect("just pushed");
                            ev.lines = (last - (i - 1) + 1) as u32;
                            ev.end = end as u32;
                            push_extra(corpus, &mut ctx, file, lineno, (a, b));
                            let doc = DocLines {
                                start: i - 1,
                                last,
                                spans: &spans,
                            };
                            spread_lines(&mut corpus.events[first_ev..], &ats, &doc);
                            if let Some(p) = preamble.take() {
                                p.open(&mut corpus.events[first_ev]);
                            }
                            joiner.reset();
                            partial_open = false;
                            i = last + 1;
                            continue;
                        }
                        Doc::Unclosed => docs_possible = false,
                        Doc::NotJson => {}
                    }
                }
                if has_prev && joiner.continues(line) {
                    extend_last(corpus, b);
                    continue;
                }
                // A crash dump's first line (`panic: ...`) starts an event of its own.
                let start = joiner.starts(line);
                if has_prev
                    && start.is_none()
                    && headered.is_some()
                    && last_has_time(corpus, first_event)
                {
                    extend_last(corpus, b);
                    continue;
                }
                let mut r = Record::plain(line.len());
                r.level = start.or_else(|| leading_level(line));
                r
            }
        };
        let record = owned_by_subject(record, &ctx);
        if record.preamble && has_prev {
            // Mid-file (a prompt between outputs): it closes the event before it, so that
            // event's first line stays its own header line.
            extend_last(corpus, b);
            continue;
        }
        if record.preamble {
            match preamble.as_mut() {
                Some(p) => p.lines += 1,
                None => {
                    preamble = Some(Preamble {
                        line: lineno,
                        span: (a, b),
                        lines: 1,
                        record,
                    })
                }
            }
            continue;
        }
        partial_open = record.partial;
        push_event(corpus, file, lineno, (a, b), record);
        if let Some(p) = preamble.take() {
            p.open(corpus.events.last_mut().expect("just pushed"));
        }
        push_extra(corpus, &mut ctx, file, lineno, (a, b));
    }
    if let Some(p) = preamble.take() {
        // Nothing followed: the preamble stands as an event of its own.
        let (line, span, lines) = (p.line, p.span, p.lines);
        push_event(corpus, file, line, span, p.record);
        let ev = corpus.events.last_mut().expect("just pushed");
        ev.lines = lines;
        ev.end = spans[(line + lines - 2) as usize].1 as u32;
    }
    inherit_times(&mut corpus.events[first_event..]);
    tick(Stage::Parse, text.len(), corpus.events.len());
    match pass {
        Pass::Full => {
            let mut tick = |at: usize, events: usize| tick(Stage::Entities, at, events);
            entities::complete(corpus, first_event, &text, &name, &mut tick);
        }
        // Nobody reads them: the file's entity sets are freed now, for the next file to reuse.
        Pass::Messages => corpus.events[first_event..]
            .iter_mut()
            .for_each(|ev| ev.entities = None),
    }
    // Multi-line documents are invisible to the line sniffer: name the file after its events.
    let format = if format == Format::Plain && opts.format.is_none() {
        let mut counts: Vec<(Format, usize)> = Vec::new();
        for f in corpus.events[first_event..]
            .iter()
            .map(|e| e.format)
            .filter(|&f| f != Format::Plain)
        {
            match counts.iter_mut().find(|(g, _)| *g == f) {
                Some((_, n)) => *n += 1,
                None => counts.push((f, 1)),
            }
        }
        counts
            .iter()
            .fold(
                (Format::Plain, 0),
                |best, &(f, n)| if n > best.1 { (f, n) } else { best },
            )
            .0
    } else {
        format
    };
    corpus.files.push(FileInfo {
        name,
        lines: spans.len() as u32,
        bytes_in,
        gzip: decoded.gzip,
        invalid_utf8: decoded.invalid_utf8,
        format,
        text,
        assumed_year: ctx.clock.assumed_year,
        assumed_day: ctx.clock.assumed_day,
        since_boot: ctx.clock.since_boot,
    });
    // Parts wait for each other before they are merged: none keeps its growth slack meanwhile.
    part.events.shrink_to_fit();
    part
}

/// Lines the header learner looks at, spread over the whole file.
const LEARN_LINES: usize = 256;

/// Up to [`LEARN_LINES`] non-blank lines taken evenly over the file, so a header is learned
/// from more than the file's first messages (which may all be one startup banner).
fn spread_sample<'a>(text: &'a str, spans: &[(usize, usize)]) -> Vec<&'a str> {
    let step = spans.len().div_ceil(LEARN_LINES).max(1);
    spans
        .iter()
        .step_by(step)
        .map(|&(a, b)| &text[a..b])
        .filter(|l| !frame::is_blank(l) && l.len() <= MAX_LINE && !frame::is_binary(l))
        .collect()
}

enum Doc {
    /// A document closing on this line index, and its first record.
    Found(usize, Box<Record>),
    /// Braces never closed before the end of the file (or the limit): stop trying.
    Unclosed,
    NotJson,
}

/// A JSON document starting at line `start` and spanning lines until its braces balance.
fn document(text: &str, spans: &[(usize, usize)], start: usize, ctx: &mut Ctx) -> Doc {
    let mut depth = 0i64;
    let mut in_str = false;
    let mut esc = false;
    let last = spans.len().min(start + MAX_DOC_LINES);
    for (j, &(a, b)) in spans.iter().enumerate().take(last).skip(start) {
        for &c in &text.as_bytes()[a..b] {
            if in_str {
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_str = false;
                }
                continue;
            }
            match c {
                b'"' => in_str = true,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => depth -= 1,
                _ => {}
            }
            if depth < 0 {
                return Doc::NotJson;
            }
        }
        if depth == 0 {
            if j == start {
                return Doc::NotJson;
            }
            let doc = &text[spans[start].0..b];
            return match decode::decode_document(doc, ctx) {
                Some(r) => Doc::Found(j, Box::new(r)),
                None => {
                    ctx.extra.clear();
                    Doc::NotJson
                }
            };
        }
    }
    if last == spans.len() {
        Doc::Unclosed
    } else {
        Doc::NotJson
    }
}

/// Lines at the start of a file that open its first event instead of being one (a CSV header
/// row, a shell prompt, and the blank lines after them). Later in the file such a line closes
/// the event before it instead.
struct Preamble {
    /// 1-based line of the first of them, and its byte span.
    line: u32,
    span: (usize, usize),
    lines: u32,
    record: Record,
}

impl Preamble {
    /// Makes `ev` (which starts on the line right after these) start at the preamble.
    fn open(self, ev: &mut Event) {
        ev.line = self.line;
        ev.first = (self.span.0 as u32, self.span.1 as u32);
        ev.lines += self.lines;
    }
}

/// The physical lines of one multi-line document: indexes into `spans`.
struct DocLines<'a> {
    start: usize,
    last: usize,
    spans: &'a [(usize, usize)],
}

/// Points each record of a document at the line its record starts on (`ats`: byte offsets of
/// the records in the document, in order). Each record owns the lines from its own up to the
/// next one's; the first also owns the envelope's opening lines (it starts on the document's
/// first line), so the ranges are contiguous and the document's lines are counted once. Leaves
/// the events as they are when an offset is missing or out of order.
fn spread_lines(events: &mut [Event], ats: &[Option<usize>], doc: &DocLines) {
    if events.len() != ats.len() || events.len() < 2 {
        return;
    }
    let base = doc.spans[doc.start].0;
    let mut starts = Vec::with_capacity(ats.len());
    for at in ats {
        let Some(at) = at else { return };
        let idx = doc.spans.partition_point(|&(_, b)| b < base + at);
        if idx < doc.start || idx > doc.last || starts.last().is_some_and(|&p| idx < p) {
            return;
        }
        starts.push(idx);
    }
    let doc_end = events[0].end;
    for (k, ev) in events.iter_mut().enumerate() {
        let own = starts[k];
        let next = starts.get(k + 1).copied().unwrap_or(doc.last + 1);
        let from = if k == 0 { doc.start } else { own };
        ev.line = from as u32 + 1;
        ev.first = (doc.spans[from].0 as u32, doc.spans[from].1 as u32);
        ev.lines = (next - from) as u32;
        ev.end = if k + 1 == starts.len() {
            doc_end
        } else {
            doc.spans[next.max(own + 1) - 1].1 as u32
        };
    }
}

/// The second and later records of one document: zero lines of their own.
fn push_extra(corpus: &mut Corpus, ctx: &mut Ctx, file: u32, line: u32, span: (usize, usize)) {
    if ctx.extra.is_empty() {
        return;
    }
    let end = corpus.events.last().map(|e| e.end).unwrap_or(span.1 as u32);
    for r in std::mem::take(&mut ctx.extra) {
        push_event(corpus, file, line, span, r);
        let ev = corpus.events.last_mut().expect("just pushed");
        ev.lines = 0;
        ev.end = end;
    }
}

/// Farther than this from the event before, a differently shaped time is not a header.
const STRAY_GAP_NS: i64 = 3_600_000_000_000;

/// `r` has a time but no level while the event before has both, its line does not start like
/// the file's headers, and the time is more than [`STRAY_GAP_NS`] from that event's.
/// (Level-less files such as syslog, and headers with a level of their own, are never strays:
/// sparse logs jump hours between lines.)
fn stray_time(
    r: &Record,
    line: &str,
    headered: Option<decode::HeadShape>,
    corpus: &Corpus,
) -> bool {
    let (Some(shape), Some((t, _))) = (headered, r.time) else {
        return false;
    };
    if r.level.is_some() {
        return false;
    }
    let Some(prev) = corpus
        .events
        .last()
        .filter(|e| e.time_source == TimeSource::Parsed && e.level.is_some())
        .and_then(|e| e.time)
    else {
        return false;
    };
    decode::head_shape(line) != shape && (t - prev).abs() > STRAY_GAP_NS
}

/// `INFO:     Started server` (uvicorn, Python's default `logging` format): an ALLCAPS level
/// word with a colon heading a line that has no time. Prose (`Error: x`) is left alone.
fn leading_level(line: &str) -> Option<super::Level> {
    let (word, _) = line.split_once(':')?;
    let caps = word.len() >= 4 && word.bytes().all(|c| c.is_ascii_uppercase());
    caps.then(|| super::level::from_long_word(word)).flatten()
}

/// The file's last event so far has a time of its own.
fn last_has_time(corpus: &Corpus, first_event: usize) -> bool {
    corpus.events.len() > first_event
        && corpus
            .events
            .last()
            .is_some_and(|e| e.time_source == TimeSource::Parsed)
}

/// A continuation that carries its event's own stamp or level field (a slow query log's `SET
/// timestamp=`, a labelled record's `Level: WARN`) times or grades an event whose header had
/// none.
fn stamp_last(corpus: &mut Corpus, r: &Record) {
    let Some(ev) = corpus.events.last_mut() else {
        return;
    };
    if ev.level.is_none() {
        ev.level = r.level;
    }
    let Some((t, p)) = r.time else {
        return;
    };
    if ev.time.is_none() {
        ev.time = Some(t);
        ev.precision = p;
        ev.time_source = TimeSource::Parsed;
    }
}

fn extend_last(corpus: &mut Corpus, end: usize) {
    let ev = corpus
        .events
        .last_mut()
        .expect("caller checked there is an event");
    ev.lines += 1;
    ev.end = end as u32;
}

/// CRI partial lines: the continuation's text joins the open event's message.
/// `text` is the file being ingested (not yet in `corpus.files`).
fn append_message(corpus: &mut Corpus, text: &str, more: &str, end: usize) {
    let ev = corpus
        .events
        .last()
        .expect("caller checked there is an event");
    let mut msg = match &ev.message {
        Text::Span(a, b) => text.get(*a as usize..*b as usize).unwrap_or("").to_string(),
        Text::Owned(s) => s.to_string(),
    };
    msg.push_str(more);
    let ev = corpus
        .events
        .last_mut()
        .expect("caller checked there is an event");
    ev.message = Text::Owned(msg.into_boxed_str());
    ev.lines += 1;
    ev.end = end as u32;
}

fn push_event(corpus: &mut Corpus, file: u32, line: u32, (a, b): (usize, usize), r: Record) {
    let service = r.service.as_deref().map(|s| corpus.intern(s));
    let message = match r.message {
        Msg::Range(x, y) => Text::Span((a + x) as u32, (a + y) as u32),
        Msg::Owned(s) => Text::Owned(s.into_boxed_str()),
    };
    let (time, precision, time_source) = match r.time {
        Some((t, p)) => (Some(t), p, TimeSource::Parsed),
        None => (None, Default::default(), TimeSource::Missing),
    };
    corpus.events.push(Event {
        file,
        line,
        lines: 1,
        first: (a as u32, b as u32),
        end: b as u32,
        time,
        precision,
        time_source,
        level: r.level,
        format: r.format,
        service,
        message,
        template: u32::MAX,
        entities: (!r.entities.is_empty()).then(|| Arc::new(r.entities)),
    });
}

/// After `kubectl logs|exec POD` (or docker's), a line that names no service, pod or container
/// of its own is that pod's, header or not.
fn owned_by_subject(mut r: Record, ctx: &Ctx) -> Record {
    if let Some(pod) = &ctx.subject {
        if r.service.is_none() && r.entities.pod.is_none() && r.entities.container.is_none() {
            r.entities.pod = Some(pod.clone().into());
        }
    }
    r
}

/// Events without a time take the time of the nearest earlier timestamped event of the same
/// file, so they sort where they were written; they stay marked as inherited.
fn inherit_times(events: &mut [Event]) {
    let mut last = None;
    for ev in events {
        match ev.time_source {
            TimeSource::Parsed => last = Some((ev.time, ev.precision)),
            _ => {
                if let Some((t, p)) = last {
                    ev.time = t;
                    ev.precision = p;
                    ev.time_source = TimeSource::Inherited;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{ingest, IngestOptions, InputFile};
    use super::*;

    fn corpus(text: &str) -> Corpus {
        let c = ingest(
            &[InputFile::new("t.log", text.as_bytes().to_vec())],
            &IngestOptions::default(),
        )
        .expect("ingest");
        let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
        assert_eq!(in_events + c.stats().unparsed_lines, c.stats().lines);
        c
    }

    fn services(c: &Corpus, file: u32) -> Vec<Option<String>> {
        c.events
            .iter()
            .filter(|e| e.file == file)
            .map(|e| c.service(e).map(str::to_string))
            .collect()
    }

    #[test]
    fn a_file_read_after_others_gets_the_services_it_gets_alone_with_ids_in_first_appearance_order()
    {
        let a = "2024-05-01T10:00:00Z INFO pay-api started\n\
                 2024-05-01T10:00:01Z INFO cart-api started\n";
        let b = "2024-05-01T10:00:02Z INFO cart-api ok\n\
                 2024-05-01T10:00:03Z INFO web-api ok\n\
                 2024-05-01T10:00:04Z INFO pay-api ok\n";
        let both = ingest(
            &[
                InputFile::new("a.log", a.as_bytes().to_vec()),
                InputFile::new("b.log", b.as_bytes().to_vec()),
            ],
            &IngestOptions::default(),
        )
        .unwrap();
        let alone = corpus(b);
        assert_eq!(services(&both, 1), services(&alone, 0));
        assert_eq!(services(&both, 1).len(), 3);
        // Ids count services in the order the input first names them.
        let ids: Vec<u32> = both.events.iter().filter_map(|e| e.service).collect();
        assert_eq!(ids, [0, 1, 1, 2, 0]);
        assert_eq!(both.files.len(), 2);
        assert!(both
            .events
            .iter()
            .all(|e| (e.file as usize) < both.files.len()));
    }

    #[test]
    fn reading_files_as_parts_in_any_order_gives_the_same_corpus() {
        let a = "May  1 10:00:00 db-1 postgres[7]: ready\n\nbinary \u{0}\n";
        let b = "2023-02-03T04:05:06Z ERROR api-gw upstream pay-api refused\n  at frame\n";
        let files = vec![
            InputFile::new("sys", a.as_bytes().to_vec()),
            InputFile::new("gw.log", b.as_bytes().to_vec()),
            InputFile::new("pay-api.log", b"plain words\n".to_vec()),
        ];
        let opts = IngestOptions::default();
        let one = ingest(&files, &opts).unwrap();
        let mut seen = Vec::new();
        let parts = run_parts(files, &opts, &crate::parallel::tests::Backwards, &mut |p| {
            seen.push(p)
        })
        .unwrap();
        // (The whole corpus but its symbol index, a hash map printed in no fixed order.)
        let show = |c: &Corpus| format!("{:?}", (&c.files, &c.events, &c.unparsed));
        assert_eq!(show(&one), show(&parts));
        assert_eq!(services(&one, 1), services(&parts, 1));
        // The year-less syslog line takes its year from the other file.
        assert_eq!(parts.files[0].assumed_year, Some(2023));
        let parse: Vec<u64> = seen
            .iter()
            .filter(|p| p.stage == Stage::Parse)
            .map(|p| p.bytes_done)
            .collect();
        assert!(parse.windows(2).all(|w| w[0] <= w[1]));
    }

    #[test]
    fn the_messages_pass_gives_the_events_and_templates_of_the_full_one() {
        let files = || {
            vec![
                InputFile::new(
                    "pay-api.log",
                    b"2024-05-01T10:00:00Z ERROR upstream db-1.internal:5432 refused after 30ms trace_id=4bf92f3577b34da6a3ce929d0e0e4736\n\
                      2024-05-01T10:00:01Z INFO GET /v1/pay?id=7 200 12ms\n  at frame\n"
                        .to_vec(),
                ),
                InputFile::new(
                    "k.log",
                    b"{\"ts\":\"2024-05-01T10:00:02Z\",\"level\":\"warn\",\"pod\":\"cart-7f9c-x2\",\"msg\":\"slow call to pay-api\"}\n"
                        .to_vec(),
                ),
            ]
        };
        let opts = IngestOptions::default();
        let mut full = super::super::ingest_owned(files(), &opts).unwrap();
        let mut msgs = super::super::ingest_messages(files(), &opts).unwrap();
        let shape = |c: &Corpus| -> Vec<String> {
            c.events
                .iter()
                .map(|e| {
                    let at = (e.file, e.line, e.lines, e.first, e.end, e.time, e.level);
                    format!("{at:?} {:?} {}", e.format, c.message(e))
                })
                .collect()
        };
        assert_eq!(shape(&full), shape(&msgs));
        assert_eq!(full.events.len(), 3);
        // The full pass read entities (and the JSON line's service from its pod); the
        // messages pass keeps none.
        assert!(full.events.iter().any(|e| e.entities.is_some()));
        assert!(msgs.events.iter().all(|e| e.entities.is_none()));
        assert!(full.service(&full.events[2]).is_some());
        let (a, b) = (crate::mine::mine(&mut full), crate::mine::mine(&mut msgs));
        assert_eq!(a.templates, b.templates);
        let ids = |c: &Corpus| c.events.iter().map(|e| e.template).collect::<Vec<_>>();
        assert_eq!(ids(&full), ids(&msgs));
    }

    #[test]
    fn header_less_lines_join_a_headered_file_s_timed_event() {
        // A Ruby backtrace: frames start at column 0 with a path, no header of their own.
        let c = corpus(concat!(
            "2024-06-12 14:03:22,100 INFO app started\n",
            "2024-06-12 14:03:23,100 ERROR app charge failed\n",
            "/app/services/gateway.rb:27:in `capture!'\n",
            "/app/controllers/payments.rb:12:in `create'\n",
            "2024-06-12 14:03:24,100 INFO app retrying\n",
        ));
        let lines: Vec<u32> = c.events.iter().map(|e| e.lines).collect();
        assert_eq!(lines, [1, 3, 1]);
    }

    #[test]
    fn frames_may_outnumber_headers_but_a_crash_starts_its_own_event() {
        let mut text = String::new();
        for s in 12..14 {
            text.push_str(&format!("[2013-09-18 13:54:{s}] PHP Fatal error:  boom\n"));
            for k in 0..3 {
                text.push_str(&format!("/srv/app/lib{k}.php: in f{k}()\n"));
            }
        }
        text.push_str("panic: runtime error: nil map\n");
        let c = corpus(&text);
        let lines: Vec<u32> = c.events.iter().map(|e| e.lines).collect();
        assert_eq!(lines, [4, 4, 1]);
    }

    #[test]
    fn a_differently_written_far_time_inside_a_body_is_no_event() {
        // A dnsmasq lease line (expiry epoch) dumped inside a multi-line debug message.
        let c = corpus(concat!(
            "2018-09-28 16:34:00.273 21641 DEBUG neutron.dhcp [req-1 - - - - -] Building leases\n",
            "2018-09-28 16:34:00.276 21641 DEBUG neutron.dhcp [req-1 - - - - -] Done with\n",
            "1538253240 fa:16:3e:47:33:0d 11.214.1.2 * *\n",
            " _output_init_lease_file /usr/lib/python2.7/dhcp.py:654\n",
            "2018-09-28 16:34:00.277 21641 DEBUG neutron.dhcp [req-1 - - - - -] Building hosts\n",
        ));
        let lines: Vec<u32> = c.events.iter().map(|e| e.lines).collect();
        assert_eq!(lines, [1, 3, 1]);
        let max = c.events.iter().filter_map(|e| e.time).max().unwrap();
        assert_eq!(crate::ingest::format_ns(max), "2018-09-28T16:34:00.277Z");
    }

    #[test]
    fn a_slow_query_entry_without_its_own_time_line_takes_its_set_timestamp() {
        let c = corpus(
            "# Time: 240501 10:00:00\n# User@Host: app[app] @ [10.0.0.1]\n\
             # Query_time: 2.0\nSET timestamp=1714557600;\nSELECT 1;\n\
             # User@Host: app[app] @ [10.0.0.2]\n# Query_time: 3.0\n\
             SET timestamp=1714557605;\nSELECT 2;\n",
        );
        assert_eq!(c.events.len(), 2);
        assert_eq!(c.events[0].time, Some(1_714_557_600_000_000_000));
        assert_eq!(c.events[1].time, Some(1_714_557_605_000_000_000));
        assert_eq!(c.events[1].time_source, TimeSource::Parsed);
    }

    #[test]
    fn time_less_level_headers() {
        let c = corpus("INFO:     Started server process [7]\nWARNING:  slow\nNote: just prose\n");
        let levels: Vec<_> = c.events.iter().map(|e| e.level).collect();
        use crate::ingest::Level;
        assert_eq!(levels, [Some(Level::Info), Some(Level::Warn), None]);
    }

    #[test]
    fn mixed_formats_keep_plain_lines_apart() {
        let c = corpus(concat!(
            "{\"time\":\"2024-03-05T10:00:00Z\",\"msg\":\"json\"}\n",
            "level=warn ts=2024-03-05T10:00:01Z msg=\"logfmt\"\n",
            "just some text\n",
        ));
        assert_eq!(c.events.len(), 3);
    }

    #[test]
    fn indented_headers_are_events() {
        let c = corpus(concat!(
            "    2020-07-07T11:26:54.787Z\tDEBUG\t[input]\tRun input\n",
            "    2020-07-07T11:26:55.787Z\tINFO\t[input]\tStart scan\n",
            "        continued text\n",
        ));
        let lines: Vec<u32> = c.events.iter().map(|e| e.lines).collect();
        assert_eq!(lines, [1, 2]);
        assert!(c.events.iter().all(|e| e.time_source == TimeSource::Parsed));
        assert!(c.message(&c.events[1]).ends_with("Start scan"));
    }

    #[test]
    fn csv_header_and_shell_prompts_are_not_events() {
        let c = corpus(concat!(
            "time,level,logger,message\n",
            "2024-06-12 14:03:22.1034,Info,App,started\n",
            "2024-06-12 14:03:23.1034,Error,App,failed\n",
        ));
        let at: Vec<(u32, u32)> = c.events.iter().map(|e| (e.line, e.lines)).collect();
        assert_eq!(at, [(1, 2), (3, 1)]);
        assert_eq!(c.stats().timestamped_events, 2);
        let c = corpus(concat!(
            "ops@node-3:~$ journalctl -u kubelet | tail\n",
            "I0612 14:03:22.123456    1234 server.go:487] started\n",
            "ops@node-3:~$ \n",
            "E0612 14:03:23.123456    1234 server.go:490] failed\n",
        ));
        let at: Vec<(u32, u32)> = c.events.iter().map(|e| (e.line, e.lines)).collect();
        assert_eq!(at, [(1, 3), (4, 1)]);
        // A prompt alone is still counted, as an event.
        assert_eq!(corpus("root@db1:/# ls\n").events.len(), 1);
    }

    #[test]
    fn envelope_records_point_at_their_own_lines() {
        let c = corpus(concat!(
            "{\n",
            "  \"records\": [\n",
            "    {\"time\": \"2024-06-12T14:03:22Z\", \"level\": \"Warning\", \"message\": \"a\"},\n",
            "    {\"time\": \"2024-06-12T14:03:23Z\", \"level\": \"Error\", \"message\": \"b\"}\n",
            "  ]\n",
            "}\n",
        ));
        let at: Vec<(u32, u32)> = c.events.iter().map(|e| (e.line, e.lines)).collect();
        // The envelope's opening lines belong to the first record, the closing ones to the last.
        assert_eq!(at, [(1, 3), (4, 3)]);
        assert_eq!(
            c.first_line(&c.events[1]).trim_start().get(..9),
            Some("{\"time\": ")
        );
    }
}
