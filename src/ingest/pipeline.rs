//! The ingest loop: for each file, decode bytes, frame lines, sniff a format, decode each line
//! (falling back line by line), join continuations, and fill in inherited times.

use super::bytes;
use super::decode::{self, Msg, Record};
use super::event::{Corpus, Event, FileInfo, Text, TimeSource, Unparsed, UnparsedReason};
use super::frame;
use super::multiline;
use super::{IngestError, IngestErrorKind, IngestOptions, InputFile};

/// Lines longer than this are counted but not decoded (a 1 MB line is data, not an event).
const MAX_LINE: usize = 1 << 20;
/// Lines the format sniffer looks at.
const SNIFF_LINES: usize = 64;

pub(crate) fn run(files: &[InputFile], opts: &IngestOptions) -> Result<Corpus, IngestError> {
    let mut corpus = Corpus::default();
    for (idx, input) in files.iter().enumerate() {
        let decoded = bytes::decode(&input.name, &input.bytes)?;
        ingest_file(&mut corpus, idx as u32, input, decoded, opts);
    }
    if corpus.events.is_empty() {
        let what = if files.iter().all(|f| f.bytes.is_empty()) {
            "the input is empty"
        } else {
            "the input holds no readable text lines"
        };
        return Err(IngestError::new(IngestErrorKind::EmptyInput, what));
    }
    Ok(corpus)
}

fn ingest_file(
    corpus: &mut Corpus,
    file: u32,
    input: &InputFile,
    decoded: bytes::Decoded,
    opts: &IngestOptions,
) {
    let text = decoded.text;
    let spans = frame::lines(&text);
    let sample: Vec<&str> = spans
        .iter()
        .map(|&(a, b)| &text[a..b])
        .filter(|l| !frame::is_blank(l))
        .take(SNIFF_LINES)
        .collect();
    let format = opts.format.unwrap_or_else(|| decode::sniff(&sample));
    let first_event = corpus.events.len();
    for (i, &(a, b)) in spans.iter().enumerate() {
        let lineno = i as u32 + 1;
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
        let has_prev = corpus.events.len() > first_event;
        if frame::is_blank(line) {
            if has_prev {
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
        let record = match decode::decode_line(line, format) {
            Some(r) => r,
            None if has_prev && multiline::is_continuation(line) => {
                extend_last(corpus, b);
                continue;
            }
            None => Record::plain(line.len()),
        };
        push_event(corpus, file, lineno, (a, b), record);
    }
    inherit_times(&mut corpus.events[first_event..]);
    corpus.files.push(FileInfo {
        name: input.name.clone(),
        lines: spans.len() as u32,
        bytes_in: input.bytes.len() as u64,
        gzip: decoded.gzip,
        invalid_utf8: decoded.invalid_utf8,
        format,
        text,
    });
}

fn extend_last(corpus: &mut Corpus, end: usize) {
    let ev = corpus
        .events
        .last_mut()
        .expect("caller checked there is an event");
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
        entities: (!r.entities.is_empty()).then(|| Box::new(r.entities)),
    });
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
