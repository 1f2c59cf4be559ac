//! Property tests of the stream decoder: arbitrary bytes in arbitrary chunks never panic, and a
//! valid stream decodes to the same text however it is split (inside lines, JSON, UTF-8).
#![cfg(not(target_arch = "wasm32"))]

#[path = "support/llm_mock.rs"]
mod llm_mock;

use faultline::{Provider, StreamDecoder, StreamEvent};
use proptest::prelude::*;

const PROVIDERS: [(Provider, &str); 3] = [
    (Provider::OpenAi, "openai"),
    (Provider::Anthropic, "anthropic"),
    (Provider::Ollama, "ollama"),
];

/// Feeds `bytes` cut at `cuts` (sorted, deduplicated offsets); returns the text or the error.
fn decode_split(p: Provider, bytes: &[u8], cuts: &[usize]) -> Result<(String, bool), String> {
    let mut d = StreamDecoder::new(p);
    let mut text = String::new();
    let mut done = false;
    let mut at = 0;
    let mut take = |evs: Vec<StreamEvent>| {
        for e in evs {
            match e {
                StreamEvent::Text(t) => text.push_str(&t),
                StreamEvent::Done => done = true,
            }
        }
    };
    for &c in cuts.iter().chain(std::iter::once(&bytes.len())) {
        let c = c.min(bytes.len());
        if c < at {
            continue;
        }
        take(d.feed(&bytes[at..c]).map_err(|e| e.to_string())?);
        at = c;
    }
    take(d.finish().map_err(|e| e.to_string())?);
    Ok((text, done))
}

fn cuts(len: usize) -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0..=len.max(1), 0..40).prop_map(|mut v| {
        v.sort_unstable();
        v.dedup();
        v
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..600), cut in cuts(600), which in 0usize..3) {
        let _ = decode_split(PROVIDERS[which].0, &bytes, &cut);
    }

    #[test]
    fn near_valid_streams_never_panic(text in "\\PC{0,80}", noise in prop::collection::vec(any::<u8>(), 0..20), at in 0usize..400, which in 0usize..3) {
        let (p, name) = PROVIDERS[which];
        let mut bytes = llm_mock::encode(name, &text).into_bytes();
        let at = at.min(bytes.len());
        bytes.splice(at..at, noise);
        let _ = decode_split(p, &bytes, &[at / 2, at]);
    }

    #[test]
    fn valid_streams_decode_the_same_however_split(text in "\\PC{0,120}", seed in cuts(2000), which in 0usize..3) {
        let (p, name) = PROVIDERS[which];
        let bytes = llm_mock::encode(name, &text).into_bytes();
        let cut: Vec<usize> = seed.into_iter().map(|c| c % (bytes.len() + 1)).collect();
        let mut cut = cut;
        cut.sort_unstable();
        let (got, done) = decode_split(p, &bytes, &cut).map_err(TestCaseError::fail)?;
        prop_assert!(done);
        prop_assert_eq!(got, text);
    }

    #[test]
    fn a_truncated_stream_is_an_error_not_a_short_answer(text in "[a-z ]{10,80}", keep in 0.0f64..0.97, which in 0usize..3) {
        let (p, name) = PROVIDERS[which];
        let bytes = llm_mock::encode(name, &text).into_bytes();
        // Cut before the end marker: never Ok with done, never silently shorter.
        let end_marker = match name { "ollama" => "\"done\":true", "anthropic" => "message_stop", _ => "finish_reason\":\"stop" };
        let limit = String::from_utf8_lossy(&bytes).find(end_marker).unwrap();
        let n = ((limit as f64) * keep) as usize;
        prop_assert!(decode_split(p, &bytes[..n], &[n / 3]).is_err());
    }
}
