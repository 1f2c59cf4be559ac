//! Fuzzes ingest: arbitrary bytes (split into up to three files by the first bytes) never panic,
//! and every line of every file is counted exactly once, in an event or as unparsed.
#![no_main]

use faultline::{ingest, IngestErrorKind, IngestOptions, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = split(data);
    match ingest(&files, &IngestOptions::default()) {
        Ok(c) => {
            let s = c.stats();
            let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
            assert_eq!(s.lines, in_events + s.unparsed_lines, "lines not conserved: {s:?}");
            assert_eq!(s.files, files.len());
            for (fi, f) in c.files.iter().enumerate() {
                let mut last = 0;
                for ev in c.events.iter().filter(|e| e.file as usize == fi && e.lines > 0) {
                    assert!(ev.line > last && ev.line + ev.lines - 1 <= f.lines);
                    last = ev.line;
                    let _ = c.message(ev);
                    let _ = c.full_text(ev);
                }
            }
        }
        Err(e) => assert!(matches!(e.kind(), IngestErrorKind::EmptyInput | IngestErrorKind::BadGzip)),
    }
});

/// The first byte picks how many files (1..=3); the input is cut at its `\x1e` bytes.
fn split(data: &[u8]) -> Vec<InputFile> {
    let Some((&n, rest)) = data.split_first() else {
        return vec![InputFile::new("empty.log", Vec::new())];
    };
    let n = (n % 3) as usize + 1;
    let mut parts: Vec<Vec<u8>> = rest.splitn(n, |&b| b == 0x1e).map(<[u8]>::to_vec).collect();
    if parts.is_empty() {
        parts.push(Vec::new());
    }
    parts.into_iter().enumerate().map(|(i, p)| InputFile::new(format!("f{i}.log"), p)).collect()
}
