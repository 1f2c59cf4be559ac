//! The redactor on arbitrary text never panics, keeps every line break, keeps JSON lines
//! JSON, and its placeholders restore to exactly the input.
#![cfg(not(target_arch = "wasm32"))] // proptest is native only

use faultline::{LogRedactor, Redactor};
use proptest::prelude::*;

/// Text made of log-like pieces (keys, quotes, separators, digits, base64, unicode) so the
/// rules' edges are exercised, not only random bytes.
fn logish() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("password=".to_string()),
        Just("\"token\":\"".to_string()),
        Just("\"".to_string()),
        Just("\\\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just(": ".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("\r\n".to_string()),
        Just("-----BEGIN PRIVATE KEY-----".to_string()),
        Just("-----END PRIVATE KEY-----".to_string()),
        Just("Authorization: Bearer ".to_string()),
        Just("ana@example.org".to_string()),
        Just("4111 1111 1111 1111".to_string()),
        Just("GB82 WEST 1234 5698 7654 32".to_string()),
        Just("+44 20 7946 0958".to_string()),
        Just("203.0.113.9".to_string()),
        Just("móvil ".to_string()),
        "[A-Za-z0-9+/=_.:-]{1,40}",
        "[ -~]{0,20}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..30).prop_map(|v| v.concat())
}

fn line_count(s: &str) -> usize {
    s.matches('\n').count()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_keeps_lines_and_restores(text in logish()) {
        prop_assume!(!text.contains('<'));
        let mut r = Redactor::new(&[]).unwrap();
        let out = r.redact(&text);
        prop_assert_eq!(line_count(&out), line_count(&text));
        prop_assert_eq!(out.matches('\r').count(), text.matches('\r').count());
        // A masked bare JSON number is written as a quoted placeholder and restores quoted;
        // everything else restores byte for byte.
        if !out.contains("\"<") {
            prop_assert_eq!(r.restore(&out), text.clone());
        }
        for (a, b) in text.split('\n').zip(out.split('\n')) {
            if serde_json::from_str::<serde_json::Value>(a).is_ok() {
                prop_assert!(serde_json::from_str::<serde_json::Value>(b).is_ok(), "{a:?} -> {b:?}");
            }
        }
    }

    #[test]
    fn whole_logs_keep_their_line_count(text in logish()) {
        let mut lr = LogRedactor::new(Redactor::new(&[]).unwrap());
        let out = lr.redact_text(&text);
        prop_assert_eq!(line_count(&out), line_count(&text));
        prop_assert_eq!(out.matches('\r').count(), text.matches('\r').count());
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,200}") {
        let mut r = Redactor::new(&[]).unwrap();
        let out = r.redact(&text);
        prop_assert_eq!(line_count(&out), line_count(&text));
    }
}
