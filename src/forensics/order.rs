//! Causal time order: events sorted by time; ties and untimed events keep input order, except
//! that a file written newest-first is read backwards so its ties fall in true order too.

use crate::ingest::{Corpus, TimeSource};

/// Event indices in causal order.
pub(crate) fn causal_order(corpus: &Corpus) -> Vec<usize> {
    let reversed: Vec<bool> = (0..corpus.files.len())
        .map(|f| newest_first(corpus, f as u32))
        .collect();
    let mut idx: Vec<usize> = (0..corpus.events.len()).collect();
    idx.sort_by_key(|&i| {
        let ev = &corpus.events[i];
        let pos = if reversed[ev.file as usize] {
            -(i as i64)
        } else {
            i as i64
        };
        (ev.time.unwrap_or(i64::MAX), ev.file, pos)
    });
    idx
}

/// True when a file's parsed timestamps mostly go down.
fn newest_first(corpus: &Corpus, file: u32) -> bool {
    let mut prev = None;
    let (mut up, mut down) = (0u32, 0u32);
    for ev in corpus
        .events
        .iter()
        .filter(|e| e.file == file && e.time_source == TimeSource::Parsed)
    {
        if let (Some(p), Some(t)) = (prev, ev.time) {
            if t > p {
                up += 1;
            } else if t < p {
                down += 1;
            }
        }
        prev = ev.time;
    }
    down > up
}

pub(crate) fn describe(corpus: &Corpus, order: &[usize]) -> String {
    let timed: Vec<i64> = order
        .iter()
        .filter_map(|&i| corpus.events[i].time)
        .collect();
    match (timed.first(), timed.last()) {
        (Some(&a), Some(&b)) => format!(
            "{} events ordered; {} with a time, from {} to {}",
            order.len(),
            timed.len(),
            crate::report::format_ns(a),
            crate::report::format_ns(b)
        ),
        _ => format!("{} events, none with a time: input order kept", order.len()),
    }
}
