//! Golden test of the template miner on a small fixture of our own: the exact groups and
//! template texts, through `Miner` on raw lines and through `ingest` + `mine`.
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{ingest, mine, IngestOptions, InputFile, Miner};
use std::collections::BTreeMap;

const FIXTURE: &str = include_str!("fixtures/mining/app.log");

/// Groups of 1-based line numbers, in order of first appearance.
fn groups(ids: &[u32]) -> Vec<Vec<usize>> {
    let mut by: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, &id) in ids.iter().enumerate() {
        by.entry(id).or_default().push(i + 1);
    }
    let mut g: Vec<Vec<usize>> = by.into_values().collect();
    g.sort();
    g
}

/// The expected partition. A differing plain word is a different event (`payments` vs
/// `inventory`, `Running` vs `CrashLoopBackOff`, `GET` vs `POST`): Loghub's ground truth treats
/// such words as constants, and an over-merge costs both groups.
fn expected_groups() -> Vec<Vec<usize>> {
    vec![
        vec![1, 2, 17],
        vec![3, 11],
        vec![4],
        vec![5, 21],
        vec![6],
        vec![7, 8],
        vec![9],
        vec![10],
        vec![12, 13],
        vec![14],
        vec![15, 16],
        vec![18, 20],
        vec![19],
        vec![22, 23],
    ]
}

const EXPECTED_TEXTS: [&str; 14] = [
    "<*>:<*>:<*> INFO api: request GET <*> took <*> status=<*>",
    "<*>:<*>:<*> WARN db-pool: connection pool at <*> (<*>) for db-primary.internal:<*>",
    "<*>:<*>:<*> INFO api: request POST <*> took <*> status=<*>",
    "<*>:<*>:<*> ERROR api: upstream payments timed out after <*>",
    "<*>:<*>:<*> ERROR api: upstream inventory timed out after <*>",
    "<*>:<*>:<*> INFO <*>: job <*> started",
    "<*>:<*>:<*> INFO <*>: job <*> finished in <*>",
    "<*>:<*>:<*> INFO <*>: job <*> failed in <*>",
    "<*>:<*>:<*> INFO auth: session opened for user <*> by (uid=<*>)",
    "<*>:<*>:<*> INFO auth: session closed for user <*>",
    "<*>:<*>:<*> INFO cache: evicted <*> keys from <*>:<*> in <*>",
    "<*>:<*>:<*> INFO <*>: pod <*> state Running",
    "<*>:<*>:<*> INFO <*>: pod <*> state CrashLoopBackOff",
    "<*>:<*>:<*> INFO cache: enabled=<*> size <*>, free <*>",
];

#[test]
fn miner_groups_and_texts_are_exact() {
    let mut m = Miner::new();
    let ids: Vec<u32> = FIXTURE.lines().map(|l| m.add(l)).collect();
    let t = m.finish();
    assert_eq!(groups(&ids), expected_groups());
    let texts: Vec<&str> = t.templates.iter().map(|t| t.text.as_str()).collect();
    assert_eq!(texts, EXPECTED_TEXTS);
    let counts: Vec<u64> = t.templates.iter().map(|t| t.count).collect();
    assert_eq!(counts, [3, 2, 1, 2, 1, 2, 1, 1, 2, 1, 2, 2, 1, 2]);
}

/// Through the engine: whatever header the decoders split off, the grouping is the same.
#[test]
fn ingest_then_mine_gives_the_same_groups() {
    let files = vec![InputFile::new("app.log", FIXTURE.as_bytes().to_vec())];
    let mut corpus = ingest(&files, &IngestOptions::default()).expect("corpus");
    let templates = mine(&mut corpus);
    let ids: Vec<u32> = corpus.events.iter().map(|e| e.template).collect();
    assert_eq!(
        corpus
            .events
            .iter()
            .map(|e| e.line as usize)
            .collect::<Vec<_>>(),
        (1..=23).collect::<Vec<_>>()
    );
    assert_eq!(groups(&ids), expected_groups());
    assert_eq!(templates.templates.len(), 14);
    // Dense ids in first-appearance order.
    let firsts: Vec<u32> = expected_groups().iter().map(|g| ids[g[0] - 1]).collect();
    assert_eq!(firsts, (0..14).collect::<Vec<u32>>());
}
