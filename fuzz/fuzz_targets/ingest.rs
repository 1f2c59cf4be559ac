//! Fuzzes ingest: arbitrary bytes (split into up to three files by the first bytes) never panic,
//! and every line of every file is counted exactly once, in an event or as unparsed; events'
//! line ranges never overlap. The first byte's high bits may prepend a seed head that steers the
//! input into a reader the fuzzer would take long to find alone (envelopes, head-of-line
//! headers, year-less and 12-hour times, JSON time keys, a header layout to learn, kernel
//! since-boot stamps, times of day with no date).
#![no_main]

use faultline::{ingest, IngestErrorKind, IngestOptions, InputFile};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let files = split(data);
    match ingest(&files, &IngestOptions::default()) {
        Ok(c) => {
            let s = c.stats();
            let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
            assert_eq!(
                s.lines,
                in_events + s.unparsed_lines,
                "lines not conserved: {s:?}"
            );
            assert_eq!(s.files, files.len());
            for (fi, f) in c.files.iter().enumerate() {
                let mut next_free = 1;
                for ev in c
                    .events
                    .iter()
                    .filter(|e| e.file as usize == fi && e.lines > 0)
                {
                    assert!(ev.line >= next_free && ev.line + ev.lines - 1 <= f.lines);
                    next_free = ev.line + ev.lines;
                    let _ = c.message(ev);
                    let _ = c.full_text(ev);
                }
            }
        }
        Err(e) => assert!(matches!(
            e.kind(),
            IngestErrorKind::EmptyInput | IngestErrorKind::BadGzip
        )),
    }
});

/// Heads that open the new readers' paths; the fuzzer mutates what follows.
const SEEDS: [&[u8]; 18] = [
    b"20240612-14:03:22:118|Comp_A|1234|started 1\n20240612-14:03:23:001|Comp_B|1235|stopped\n20240612-14:03:24:118|Comp_A|1234|step 2\n20240612-14:03:25:118|Comp_C|99|flush\n20240612-14:03:26:118|Comp_A|1234|step 3\n20240612-14:03:27:118|Comp_B|1235|sync ok\n20240612-14:03:28:118|Comp_A|1|idle\n20240612-14:03:29:118|Comp_A|1234|",
    b"{\n \"logGroup\": \"/aws/x\", \"logEvents\": [\n  {\"timestamp\": 1718201002000, \"message\": \"",
    b"{\"records\": [\n {\"time\": \"2024-06-12T14:03:22Z\", \"level\": \"",
    b"{\"hits\": {\"hits\": [\n {\"_source\": {\"@timestamp\": \"",
    b"{\"data\": {\"result\": [{\"stream\": {\"app\": \"a\"}, \"values\": [[\"1718201002000000000\", \"",
    b"[{\"entries\": 1}, {\"@t\": \"",
    b"[06.12 14:03:22] ",
    b"[2024-06-12T14:03:22,123][",
    b"E, [2024-06-12T14:03:22.000001 #42] ",
    b"2024-06-12 14:03:22 UTC:10.0.0.9(5432):app@db:[77]:",
    b"[   12.345678] ",
    b"<3>[    1.000001] ",
    b"kern  :err   : [  100.000000] [  T42] ",
    b"[23:59:59] [main/INFO]: ",
    b"2024-06-12T14:03:22+02:00 {app=\"a\", pod=\"a-1\"} ",
    b"6/15/2024 1:02:40 PM ",
    b"    2020-07-07T11:26:54.787Z\t",
    b"2024-06-12 14:03:22,118 - a.b - ",
];

/// The first byte picks how many files (1..=3) and maybe a seed head for the first file; the
/// input is cut at its `\x1e` bytes.
fn split(data: &[u8]) -> Vec<InputFile> {
    let Some((&n, rest)) = data.split_first() else {
        return vec![InputFile::new("empty.log", Vec::new())];
    };
    let seed = SEEDS.get((n / 3) as usize % (SEEDS.len() * 2)).copied();
    let n = (n % 3) as usize + 1;
    let mut parts: Vec<Vec<u8>> = rest.splitn(n, |&b| b == 0x1e).map(<[u8]>::to_vec).collect();
    if let (Some(seed), Some(first)) = (seed, parts.first_mut()) {
        first.splice(0..0, seed.iter().copied());
    }
    if parts.is_empty() {
        parts.push(Vec::new());
    }
    parts
        .into_iter()
        .enumerate()
        .map(|(i, p)| InputFile::new(format!("f{i}.log"), p))
        .collect()
}
