//! Bad input is data, not a failure: every hostile byte pattern ingests without a panic, every
//! line is counted exactly once, and only "nothing to analyze" is an error (a typed one).
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{ingest, Corpus, IngestErrorKind, IngestOptions, InputFile, UnparsedReason};
use std::io::Write;

fn run(name: &str, bytes: &[u8]) -> Corpus {
    let corpus = ingest(
        &[InputFile::new(name, bytes.to_vec())],
        &IngestOptions::default(),
    )
    .unwrap_or_else(|e| panic!("{name}: {e}"));
    conserved(&corpus);
    corpus
}

/// `stats.lines == sum(event.lines) + unparsed`, and the stats agree with the vectors.
fn conserved(c: &Corpus) {
    let s = c.stats();
    let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
    assert_eq!(
        s.lines,
        in_events + s.unparsed_lines,
        "lines not conserved: {s:?}"
    );
    assert_eq!(s.events, c.events.len() as u64);
    assert_eq!(s.unparsed_lines, c.unparsed.len() as u64);
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    enc.write_all(data).unwrap();
    enc.finish().unwrap()
}

fn err_kind(bytes: &[u8]) -> IngestErrorKind {
    ingest(
        &[InputFile::new("x", bytes.to_vec())],
        &IngestOptions::default(),
    )
    .expect_err("expected an error")
    .kind()
}

#[test]
fn gzip_is_inflated_by_the_engine() {
    let c = run("app.log.gz", &gzip(b"a first line\na second line\n"));
    assert_eq!(c.stats().lines, 2);
    assert!(c.files[0].gzip);
    assert_eq!(c.first_line(&c.events[1]), "a second line");
}

#[test]
fn concatenated_gzip_members() {
    let mut both = gzip(b"one\ntwo\n");
    both.extend(gzip(b"three\n"));
    let c = run("rotated.log.gz", &both);
    assert_eq!(c.stats().lines, 3);
    assert_eq!(c.first_line(&c.events[2]), "three");
}

#[test]
fn broken_gzip_is_a_typed_error() {
    let gz = gzip(&b"hello world\n".repeat(200));
    assert_eq!(err_kind(&gz[..gz.len() / 2]), IngestErrorKind::BadGzip);
}

#[test]
fn crlf_lines_have_no_carriage_returns() {
    let c = run("win.log", b"first\r\nsecond\r\n\r\nthird");
    assert_eq!(c.stats().lines, 4);
    for ev in &c.events {
        assert!(!c.first_line(ev).contains('\r'));
        assert!(!c.message(ev).contains('\r'));
    }
}

#[test]
fn classic_mac_cr_only_text() {
    let c = run("mac.log", b"one\rtwo\rthree\r");
    assert_eq!(c.stats().lines, 3);
}

#[test]
fn utf8_bom_is_dropped() {
    let c = run("bom.log", b"\xEF\xBB\xBFhello\nworld\n");
    assert_eq!(c.first_line(&c.events[0]), "hello");
}

#[test]
fn utf16_is_transcoded() {
    let mut b = vec![0xFF, 0xFE];
    b.extend("ERROR boom\nok\n".encode_utf16().flat_map(u16::to_le_bytes));
    let c = run("win16.log", &b);
    assert_eq!(c.stats().lines, 2);
    assert_eq!(c.first_line(&c.events[0]), "ERROR boom");
}

#[test]
fn ansi_codes_are_stripped_from_messages_not_raw_lines() {
    let raw = "\x1b[31mERROR\x1b[0m connection to db-primary.internal:5432 refused";
    let c = run("color.log", format!("{raw}\nplain line\n").as_bytes());
    let ev = &c.events[0];
    assert_eq!(c.first_line(ev), raw, "raw line is kept verbatim");
    assert!(
        !c.message(ev).contains('\x1b'),
        "message: {:?}",
        c.message(ev)
    );
    assert!(c.message(ev).contains("ERROR connection to"));
}

#[test]
fn invalid_utf8_is_replaced_and_counted() {
    let c = run("latin1.log", b"caf\xe9 ouvert\nna\xefve \xff\n");
    assert_eq!(c.stats().lines, 2);
    assert_eq!(c.stats().invalid_utf8, 3);
    assert!(c.first_line(&c.events[0]).contains('\u{FFFD}'));
}

#[test]
fn nul_bytes_and_binary_junk_are_unparsed() {
    let mut b = b"good line one\n".to_vec();
    b.extend(b"\x00\x01\x02\x03binary\x00junk\n");
    b.extend((0u8..=255).filter(|&c| c != b'\n').collect::<Vec<_>>());
    b.extend(b"\ngood line two\n");
    let c = run("mixed.bin", &b);
    assert_eq!(c.stats().lines, 4);
    assert_eq!(c.events.len(), 2);
    assert_eq!(c.unparsed.len(), 2);
    assert!(c
        .unparsed
        .iter()
        .all(|u| u.reason == UnparsedReason::Binary));
    assert_eq!(c.unparsed[0].line, 2);
}

#[test]
fn random_high_bytes_are_binary() {
    // Bytes that are not UTF-8 at all: after repair the line is mostly U+FFFD.
    let junk: Vec<u8> = (0..400u32).map(|i| 0x80 | (i * 37 % 127) as u8).collect();
    let mut b = b"ok line\n".to_vec();
    b.extend(&junk);
    b.push(b'\n');
    let c = run("junk", &b);
    assert_eq!(c.unparsed.len(), 1);
    assert_eq!(c.unparsed[0].reason, UnparsedReason::Binary);
}

#[test]
fn megabyte_lines_are_counted_not_decoded() {
    let mut b = b"before\n".to_vec();
    b.extend(std::iter::repeat_n(b'x', (1 << 20) + 10));
    b.extend(b"\nafter\n");
    let c = run("long.log", &b);
    assert_eq!(c.stats().lines, 3);
    assert_eq!(c.unparsed.len(), 1);
    assert_eq!(c.unparsed[0].reason, UnparsedReason::TooLong);
    assert_eq!(c.unparsed[0].line, 2);
    assert_eq!(c.first_line(&c.events[1]), "after");
}

#[test]
fn long_but_acceptable_lines_are_events() {
    let line = "y".repeat(500_000);
    let c = run("wide.log", format!("{line}\n").as_bytes());
    assert_eq!(c.events.len(), 1);
}

#[test]
fn empty_input_is_a_typed_error() {
    assert_eq!(err_kind(b""), IngestErrorKind::EmptyInput);
    let err = ingest(&[], &IngestOptions::default()).err().unwrap();
    assert_eq!(err.kind(), IngestErrorKind::EmptyInput);
    assert!(!err.to_string().is_empty());
}

#[test]
fn whitespace_only_input_is_empty() {
    assert_eq!(err_kind(b"   \n\t\n\r\n\n"), IngestErrorKind::EmptyInput);
    assert_eq!(err_kind(b"\xEF\xBB\xBF\n"), IngestErrorKind::EmptyInput);
    assert_eq!(err_kind(&gzip(b"\n\n")), IngestErrorKind::EmptyInput);
}

#[test]
fn binary_only_input_is_empty() {
    assert_eq!(
        err_kind(b"\x00\x00\x00\x01\x02"),
        IngestErrorKind::EmptyInput
    );
}

#[test]
fn one_empty_file_among_others_is_fine() {
    let files = vec![
        InputFile::new("empty.log", vec![]),
        InputFile::new("a.log", b"hello\n".to_vec()),
    ];
    let c = ingest(&files, &IngestOptions::default()).unwrap();
    conserved(&c);
    assert_eq!(c.stats().files, 2);
}

#[test]
fn leading_blank_lines_are_unparsed_later_ones_join() {
    let c = run("blanks.log", b"\n\nfirst\n\nsecond\n");
    assert_eq!(c.stats().lines, 5);
    assert_eq!(c.unparsed.len(), 2);
    assert!(c.unparsed.iter().all(|u| u.reason == UnparsedReason::Blank));
}

#[test]
fn no_trailing_newline_and_lone_final_cr() {
    let c = run("x.log", b"a\nb\r");
    assert_eq!(c.stats().lines, 2);
    assert_eq!(c.first_line(&c.events[1]), "b");
}

#[test]
fn service_from_file_name_and_pod_entities() {
    let c = run(
        "logs/checkout-2024-01-01.log",
        b"ERROR calling inventory-svc failed after 1500ms status=503\n",
    );
    let ev = &c.events[0];
    assert_eq!(c.service(ev), Some("checkout"));
    let e = ev.entities.as_deref().expect("entities");
    assert_eq!(e.http_status, Some(503));
    assert_eq!(e.durations_ms, vec![1500.0]);
    assert!(e.mentions.iter().any(|m| m == "inventory-svc"));
}

#[test]
fn an_event_never_spans_an_unparsed_line() {
    let c = run(
        "trace.log",
        b"ERROR boom\n\tat a.B(B.java:1)\n\x00\x01junk\n\tat c.D(D.java:2)\n\nnext\n",
    );
    assert_eq!(c.stats().lines, 6);
    assert_eq!(
        c.events[0].lines, 2,
        "the frame before the junk joins the event"
    );
    assert!(!c.full_text(&c.events[0]).contains('\0'));
    // Each event covers a contiguous run of lines.
    for ev in &c.events {
        assert!(c
            .unparsed
            .iter()
            .all(|u| u.line < ev.line || u.line >= ev.line + ev.lines));
    }
}
