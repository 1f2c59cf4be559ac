//! Properties of ingest over arbitrary input: no panic, every line accounted for exactly once,
//! event line numbers increasing within a file, and the same input giving the same corpus.
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{ingest, Corpus, Format, IngestErrorKind, IngestOptions, InputFile};
use proptest::prelude::*;

/// Checks the line partition: the lines of events (`[line, line + lines)`) and unparsed lines
/// cover `1..=file.lines` of every file exactly once, and event lines strictly increase.
fn check_accounting(c: &Corpus) {
    let s = c.stats();
    let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
    assert_eq!(s.lines, in_events + s.unparsed_lines, "{s:?}");
    for (fi, f) in c.files.iter().enumerate() {
        let mut seen = vec![0u8; f.lines as usize + 1];
        let mut last = 0u32;
        for ev in c.events.iter().filter(|e| e.file as usize == fi) {
            if ev.lines == 0 {
                continue; // a later record of a multi-record document
            }
            assert!(
                ev.line > last,
                "event lines must increase: {} after {}",
                ev.line,
                last
            );
            last = ev.line;
            for l in ev.line..ev.line + ev.lines {
                assert!(l >= 1 && l <= f.lines, "line {l} outside 1..={}", f.lines);
                seen[l as usize] += 1;
            }
            // The first line is verbatim text of the file and ends where the event starts.
            assert!(ev.first.0 <= ev.first.1 && ev.first.1 <= ev.end);
            assert!(f.text.is_char_boundary(ev.first.0 as usize));
            assert!(f.text.is_char_boundary(ev.end as usize));
            let _ = c.message(ev);
        }
        for u in c.unparsed.iter().filter(|u| u.file as usize == fi) {
            assert!(u.line >= 1 && u.line <= f.lines);
            seen[u.line as usize] += 1;
        }
        for (l, &n) in seen.iter().enumerate().skip(1) {
            assert_eq!(n, 1, "line {l} of {} counted {n} times", f.name);
        }
    }
}

/// A comparable summary of everything ingest produced.
fn fingerprint(c: &Corpus) -> String {
    let mut out = format!("{:?}\n", c.stats());
    for ev in &c.events {
        out.push_str(&format!(
            "{} {} {} {:?} {} {:?} {:?} {:?} {:?} {:?} {:?} {:?}\n",
            ev.file,
            ev.line,
            ev.lines,
            ev.first,
            ev.end,
            ev.time,
            ev.time_source,
            ev.level,
            ev.format,
            c.service(ev),
            c.message(ev),
            ev.entities
        ));
    }
    for u in &c.unparsed {
        out.push_str(&format!("{u:?}\n"));
    }
    out
}

fn run(name: &str, bytes: &[u8]) -> Option<Corpus> {
    let files = [InputFile::new(name, bytes.to_vec())];
    match ingest(&files, &IngestOptions::default()) {
        Ok(c) => {
            check_accounting(&c);
            let again = ingest(&files, &IngestOptions::default()).expect("same input, same result");
            assert_eq!(
                fingerprint(&c),
                fingerprint(&again),
                "ingest is not deterministic"
            );
            Some(c)
        }
        Err(e) => {
            assert!(
                matches!(
                    e.kind(),
                    IngestErrorKind::EmptyInput | IngestErrorKind::BadGzip
                ),
                "unexpected error {e}"
            );
            None
        }
    }
}

/// One realistic line (without terminator).
fn line() -> impl Strategy<Value = String> {
    let word = "[a-zA-Z0-9_.:/=-]{1,12}";
    prop_oneof![
        // classic timestamped lines
        (
            0u32..24,
            0u32..60,
            "(INFO|WARN|ERROR|DEBUG|FATAL)",
            prop::collection::vec(word, 0..8)
        )
            .prop_map(|(h, m, lvl, ws)| format!(
                "2024-05-01T{h:02}:{m:02}:00.123Z {lvl} api {}",
                ws.join(" ")
            )),
        // syslog
        (1u32..28, prop::collection::vec(word, 0..6))
            .prop_map(|(d, ws)| format!("May {d:2} 10:00:01 host sshd[42]: {}", ws.join(" "))),
        // logfmt
        (word, 100u16..600, 0u32..5000).prop_map(|(w, s, ms)| format!(
            "ts=2024-05-01T10:00:00Z level=error msg=\"{w}\" status={s} duration={ms}ms"
        )),
        // JSON, sometimes broken or pretty-printed pieces
        (word, 0u32..3).prop_map(|(w, n)| match n {
            0 => format!(r#"{{"level":"error","msg":"{w}","trace_id":"abc{w}"}}"#),
            1 => format!(r#"{{"level":"info","msg":"{w}""#),
            _ => "{".to_string(),
        }),
        // stack frames and trace headers
        word.prop_map(|w| format!("\tat com.example.{w}.Run(Run.java:12)")),
        Just("Caused by: java.io.IOException: boom".to_string()),
        Just("Traceback (most recent call last):".to_string()),
        word.prop_map(|w| format!("  File \"/app/{w}.py\", line 3, in main")),
        Just("goroutine 1 [running]:".to_string()),
        Just("\t... 12 more".to_string()),
        // kubectl prefix, CRI, access log
        word.prop_map(|w| format!("[pod/api-7d9f8b6c5d-x2k4p/api] {w}")),
        word.prop_map(|w| format!("2024-05-01T10:00:00.123456789Z stdout F {w}")),
        word.prop_map(|w| format!(
            r#"10.0.0.1 - - [01/May/2024:10:00:00 +0000] "GET /{w} HTTP/1.1" 503 12"#
        )),
        // blank, ANSI, unicode and junk
        Just(String::new()),
        Just("   \t ".to_string()),
        word.prop_map(|w| format!("\x1b[31mERROR\x1b[0m {w}")),
        "\\PC{0,40}",
        prop::collection::vec(any::<char>(), 0..30).prop_map(|cs| cs.into_iter().collect()),
    ]
}

/// A file of realistic lines with mixed terminators.
fn log_file() -> impl Strategy<Value = (Vec<u8>, usize)> {
    (
        prop::collection::vec((line(), 0u8..4), 1..60),
        any::<bool>(),
    )
        .prop_map(|(lines, final_nl)| {
            let mut out = Vec::new();
            let n = lines.len();
            for (i, (l, term)) in lines.into_iter().enumerate() {
                // Line text must not hold terminators of its own for the count to be known.
                let l: String = l
                    .chars()
                    .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
                    .collect();
                out.extend(l.as_bytes());
                if i + 1 < n || final_nl {
                    out.extend(if term == 0 { &b"\r\n"[..] } else { b"\n" });
                }
            }
            (out, n)
        })
}

/// Heads that open the newer readers: envelopes, head-of-line headers, year-less, 12-hour and
/// day-month-name times, JSON times under other keys, indented headers, a header to learn,
/// kernel since-boot stamps and times of day with no date.
const SEEDS: [&str; 18] = [
    "20240612-14:03:22:118|Comp_A|1234|started 1\n20240612-14:03:23:001|Comp_B|1235|stopped\n20240612-14:03:24:118|Comp_A|1234|step 2\n20240612-14:03:25:118|Comp_C|99|flush\n20240612-14:03:26:118|Comp_A|1234|step 3\n20240612-14:03:27:118|Comp_B|1235|sync ok\n20240612-14:03:28:118|Comp_A|1|idle\n20240612-14:03:29:118|Comp_A|1234|",
    "{\n \"logGroup\": \"/aws/x\", \"logEvents\": [\n  {\"timestamp\": 1718201002000, \"message\": \"",
    "{\"records\": [\n {\"time\": \"2024-06-12T14:03:22Z\", \"level\": \"",
    "{\"hits\": {\"hits\": [\n {\"_source\": {\"@timestamp\": \"",
    "{\"data\": {\"result\": [{\"stream\": {\"app\": \"a\"}, \"values\": [[\"1718201002000000000\", \"",
    "[{\"entries\": 1}, {\"@t\": \"",
    "[06.12 14:03:22] ",
    "[2024-06-12T14:03:22,123][",
    "E, [2024-06-12T14:03:22.000001 #42] ",
    "2024-06-12 14:03:22 UTC:10.0.0.9(5432):app@db:[77]:",
    "[   12.345678] ",
    "<3>[    1.000001] ",
    "kern  :err   : [  100.000000] [  T42] ",
    "[23:59:59] [main/INFO]: ",
    "2024-06-12T14:03:22+02:00 {app=\"a\", pod=\"a-1\"} ",
    "6/15/2024 1:02:40 PM ",
    "    2020-07-07T11:26:54.787Z\t",
    "2024-06-12 14:03:22,118 - a.b - ",
];
const CLOSINGS: [&str; 4] = ["", "\"}]}", "\"}\n]}\n", "\n"];

proptest! {
    #![proptest_config(ProptestConfig { cases: 160, ..ProptestConfig::default() })]

    #[test]
    fn newer_reader_heads_with_arbitrary_tails(
        i in 0..SEEDS.len(),
        tail in "[ -~\n\t]{0,300}",
        close in 0..CLOSINGS.len(),
    ) {
        let text = format!("{}{}{}", SEEDS[i], tail, CLOSINGS[close]);
        run("seed.log", text.as_bytes());
    }

    #[test]
    fn envelopes_give_one_event_per_record(
        msgs in prop::collection::vec("[a-z ]{1,20}", 1..6),
        key in 0..3usize,
    ) {
        let recs: Vec<String> = msgs
            .iter()
            .enumerate()
            .map(|(k, m)| format!("    {{\"time\": \"2024-06-12T14:03:{:02}Z\", \"message\": \"{m}\"}}", k))
            .collect();
        let (open, close) = [("{\"records\": [", "]}"), ("{\"entries\": [", "]}"), ("[", "]")][key];
        let doc = format!("{open}\n{}\n{close}\n", recs.join(",\n"));
        let c = run("env.json", doc.as_bytes()).expect("an envelope ingests");
        prop_assert_eq!(c.events.len(), msgs.len());
        prop_assert_eq!(c.stats().timestamped_events as usize, msgs.len());
    }

    #[test]
    fn a_learned_header_hands_the_miner_only_the_message(
        rows in prop::collection::vec(
            (0u32..60, "[A-Z][a-z]{2,8}_[a-z]{2}", 1u32..99999, 0usize..4, prop::collection::vec("[a-z]{2,9}", 1..6)),
            10..40,
        ),
        sep in 0..3usize,
        junk in prop::collection::vec(0..40usize, 0..2),
    ) {
        // `time<sep>component<sep>pid<sep>LEVEL<sep>message`, a layout no fixed reader knows.
        let s = ["|", " ; ", " # "][sep];
        let levels = ["INFO", "WARN", "ERROR", "DEBUG"];
        let mut text = String::new();
        let mut want = Vec::new();
        for (i, (sec, comp, pid, l, words)) in rows.iter().enumerate() {
            if junk.contains(&i) {
                text.push_str("<<< not a header line >>>\n");
            }
            let msg = words.join(" ");
            text.push_str(&format!(
                "2024-06-12 14:{:02}:{:02}{s}{comp}{s}{pid}{s}{}{s}{msg}\n",
                i % 60,
                sec,
                levels[*l]
            ));
            want.push(msg);
        }
        if let Some(c) = run("learned.log", text.as_bytes()) {
            let got: Vec<String> = c
                .events
                .iter()
                .filter(|e| e.format == Format::Learned)
                .map(|e| c.message(e).to_string())
                .collect();
            if sep == 0 {
                // `|` always marks the header.
                prop_assert_eq!(got, want);
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_are_accounted(bytes in prop::collection::vec(any::<u8>(), 0..2048)) {
        run("fuzz.log", &bytes);
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        run("text.log", text.as_bytes());
    }

    #[test]
    fn realistic_mixes_count_every_line((bytes, n) in log_file()) {
        // The final line without a terminator still counts; an empty final line does not exist.
        let expected = {
            let s = String::from_utf8_lossy(&bytes);
            let nl = s.matches('\n').count();
            if s.ends_with('\n') || s.is_empty() { nl } else { nl + 1 }
        };
        prop_assert!(expected <= n);
        if let Some(c) = run("mix.log", &bytes) {
            // A leading BOM-like or UTF-16-like text is not generated here, so counts are exact.
            prop_assert_eq!(c.stats().lines as usize, expected);
        }
    }

    #[test]
    fn several_files_keep_their_own_numbering(a in log_file(), b in log_file()) {
        let files = [InputFile::new("a.log", a.0), InputFile::new("b.log", b.0)];
        if let Ok(c) = ingest(&files, &IngestOptions::default()) {
            check_accounting(&c);
        }
    }

    #[test]
    fn gzip_of_realistic_mix_equals_plain((bytes, _) in log_file()) {
        use std::io::Write;
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&bytes).unwrap();
        let gz = enc.finish().unwrap();
        let plain = run("m.log", &bytes);
        let zipped = run("m.log", &gz);
        prop_assert_eq!(plain.is_some(), zipped.is_some());
        if let (Some(p), Some(z)) = (plain, zipped) {
            prop_assert_eq!(p.stats().lines, z.stats().lines);
            prop_assert_eq!(p.events.len(), z.events.len());
        }
    }
}
