//! Redaction recall on an assembled corpus (tests/fixtures/secrets/corpus.txt, made by its
//! generate.py): every secret marked `⟦S:kind:value⟧` must be masked (>= 99% overall, printed
//! per kind) and no token marked `⟦K:value⟧` (service names, durations, timestamps, template
//! ids, versions, status codes, ports, trace ids) may be touched.
#![cfg(not(target_arch = "wasm32"))] // native only: reads fixture files

#[path = "support/markers.rs"]
mod markers;

use faultline::Redactor;
use markers::{parse, Line};
use std::collections::BTreeMap;

fn corpus() -> Vec<Line> {
    let mut lines = read("corpus.txt");
    lines.extend(read("holdout.txt"));
    lines.extend(read("holdout2.txt"));
    lines
}

/// corpus.txt is generated; holdout.txt and holdout2.txt are hand-written in shapes the rules
/// were not tuned on, each written before its first run. First-run recall, before the fixes
/// they prompted: holdout 31/39, holdout2 28/30. They now pass with the rest; a new blind set is
/// the honest way to measure again.
fn read(name: &str) -> Vec<Line> {
    let path = format!(
        "{}/tests/fixtures/secrets/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    std::fs::read_to_string(path)
        .expect("corpus")
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(parse)
        .collect()
}

#[test]
fn recall_is_at_least_99_percent_and_nothing_operational_is_masked() {
    let lines = corpus();
    let mut per_kind: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut misses = Vec::new();
    let mut wrongly = Vec::new();
    let mut r = Redactor::new(&[]).unwrap();
    for l in &lines {
        let found = r.find(&l.text);
        for (kind, s, e) in &l.secrets {
            let covered = (*s..*e).all(|i| found.iter().any(|&(fs, fe, _)| fs <= i && i < fe));
            let entry = per_kind.entry(kind.clone()).or_default();
            entry.0 += 1;
            if covered {
                entry.1 += 1;
            } else {
                misses.push(format!("{kind}: {:?} in {:?}", &l.text[*s..*e], l.text));
            }
        }
        for &(s, e) in &l.keep {
            if found.iter().any(|&(fs, fe, _)| fs < e && s < fe) {
                wrongly.push(format!("{:?} in {:?}", &l.text[s..e], l.text));
            }
        }
        // The redacted text really lacks the secrets and keeps the kept tokens.
        let out = r.redact(&l.text);
        for &(s, e) in &l.keep {
            if !out.contains(&l.text[s..e]) {
                wrongly.push(format!("{:?} lost in {out:?}", &l.text[s..e]));
            }
        }
    }
    let total: usize = per_kind.values().map(|v| v.0).sum();
    let masked: usize = per_kind.values().map(|v| v.1).sum();
    let recall = masked as f64 / total as f64;
    for (k, (n, m)) in &per_kind {
        println!(
            "redaction recall {k:<14} {m:>3}/{n:<3} {:.1}%",
            100.0 * *m as f64 / *n as f64
        );
    }
    println!(
        "redaction recall overall {masked}/{total} = {:.2}%",
        100.0 * recall
    );
    let kept: usize = lines.iter().map(|l| l.keep.len()).sum();
    println!("must-not-mask tokens: {kept}, masked: {}", wrongly.len());
    assert!(total >= 600, "corpus too small: {total}");
    for m in &misses {
        println!("missed {m}");
    }
    assert!(
        recall >= 0.99,
        "recall {recall:.4}; misses:\n{}",
        misses.join("\n")
    );
    assert!(
        wrongly.is_empty(),
        "masked operational tokens:\n{}",
        wrongly.join("\n")
    );
}

#[test]
fn placeholders_are_stable_across_the_corpus_and_restore_exactly() {
    let lines = corpus();
    let mut r = Redactor::new(&[]).unwrap();
    let redacted: Vec<String> = lines.iter().map(|l| r.redact(&l.text)).collect();
    // Redacting again with the same redactor gives the same placeholders.
    for (l, first) in lines.iter().zip(&redacted) {
        assert_eq!(&r.redact(&l.text), first);
        assert_eq!(r.restore(first), l.text);
    }
}
