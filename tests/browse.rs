//! The log view's index never panics: arbitrary patterns, filters and windows.
#![cfg(not(target_arch = "wasm32"))]

use faultline::{analyze_for_browsing, AnalyzeOptions, Browse, Filter, InputFile};
use proptest::prelude::*;

fn corpus() -> Browse {
    let text = "2024-05-01T10:00:00Z INFO api-gw started\n\
        2024-05-01T10:00:01Z ERROR api-gw upstream bill-svc 503\n\
        \tat x.Y.z(Y.java:1)\n\
        {\"ts\":\"2024-05-01T10:00:02Z\",\"level\":\"warn\",\"service\":\"bill-svc\",\"msg\":\"retry\"}\n\
        no header here ünïcödé\n\n\0\0binary\n";
    analyze_for_browsing(
        vec![InputFile::new("a.log", text.as_bytes().to_vec())],
        &AnalyzeOptions::default(),
        &mut |_| {},
    )
    .unwrap()
    .1
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn filtering_never_panics(
        regex in any::<String>(),
        services in proptest::collection::vec(any::<String>(), 0..3),
        levels in proptest::collection::vec(prop_oneof![Just("error".to_string()), Just("unknown".to_string()), any::<String>()], 0..3),
        templates in proptest::collection::vec(any::<u32>(), 0..3),
        offset in any::<u64>(),
        limit in any::<usize>(),
        line in any::<u32>(),
    ) {
        let mut b = corpus();
        let f = Filter { services, levels, templates, regex };
        if let Ok(p) = b.lines(&f, offset, limit) {
            prop_assert!(p.rows.len() as u64 <= p.total);
            prop_assert!(p.events <= 4 || f.regex.is_empty());
        }
        let at = b.locate("a.log", line, &f);
        if let Ok(at) = at {
            if let Some(i) = at.index {
                let p = b.lines(&at.filter, i, 1).unwrap();
                prop_assert_eq!(p.rows[0].line, line);
            }
        }
    }

    #[test]
    fn regex_patterns_from_regex_syntax_never_panic(regex in "[a-z()\\[\\]*+?{}|^$.\\\\0-9,]{0,12}") {
        let mut b = corpus();
        let f = Filter { regex, ..Default::default() };
        let _ = b.lines(&f, 0, 10);
        let _ = b.locate("a.log", 2, &f);
    }
}
