//! Fuzzes redaction: arbitrary bytes (read as a log, lossily as UTF-8) never panic, keep
//! their line breaks, keep JSON lines JSON, and restore to exactly the text (when the text
//! holds no placeholder-like `<` of its own).
#![no_main]

use faultline::{LogRedactor, Redactor};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut r = Redactor::new(&[]).expect("no user patterns");
    let out = r.redact(&text);
    assert_eq!(out.matches('\n').count(), text.matches('\n').count());
    assert_eq!(out.matches('\r').count(), text.matches('\r').count());
    // A masked bare JSON number is written as a quoted placeholder; all else restores exactly.
    if !text.contains('<') && !out.contains("\"<") {
        assert_eq!(r.restore(&out), text);
    }
    for (a, b) in text.split('\n').zip(out.split('\n')) {
        if serde_json::from_str::<serde_json::Value>(a).is_ok() {
            assert!(serde_json::from_str::<serde_json::Value>(b).is_ok(), "{a:?} -> {b:?}");
        }
    }
    // The CLI's path: bytes (gzip, UTF-16 too) to a whole redacted log.
    let mut lr = LogRedactor::new(Redactor::new(&[]).expect("no user patterns"));
    let _ = lr.redact_file("fuzz.log", data.to_vec());
});
