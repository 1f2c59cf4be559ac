//! Causal time order: events sorted by time; ties and untimed events keep input order, except
//! that a file written newest-first is read backwards so its ties fall in true order too.

use crate::ingest::{Corpus, Format, TimeSource};

/// Each event's time for ordering: its own, or for a `kubectl get events` row that only says how
/// long ago it happened (`4m12s`), the newest time in the input minus that age: such output is
/// captured at the end of an incident, after the logs it explains.
pub(crate) fn effective_times(corpus: &Corpus) -> Vec<Option<i64>> {
    let anchor = corpus
        .events
        .iter()
        .filter(|e| e.time_source == TimeSource::Parsed)
        .filter_map(|e| e.time)
        .max();
    corpus
        .events
        .iter()
        .map(|ev| match (ev.time_source, anchor) {
            (TimeSource::Parsed, _) => ev.time,
            (_, Some(a)) if ev.format == Format::KubectlEvents => {
                relative_age(corpus.first_line(ev))
                    .map(|age| a - age)
                    .or(ev.time)
            }
            _ => ev.time,
        })
        .collect()
}

/// A kubectl age (`4m12s`, `31m`) at the start of a line, in nanoseconds.
fn relative_age(line: &str) -> Option<i64> {
    crate::ingest::kubectl_age(line.split_whitespace().next()?)
}

/// Event indices in causal order.
pub(crate) fn causal_order(corpus: &Corpus, times: &[Option<i64>]) -> Vec<usize> {
    let reversed = newest_first(corpus);
    // Keys computed once (not at every comparison); they are unique (the position is), so an
    // unstable sort gives the one order.
    let mut keyed: Vec<(i64, u32, i64)> = corpus
        .events
        .iter()
        .enumerate()
        .map(|(i, ev)| {
            let pos = if reversed[ev.file as usize] {
                -(i as i64)
            } else {
                i as i64
            };
            (times[i].unwrap_or(i64::MAX), ev.file, pos)
        })
        .collect();
    keyed.sort_unstable();
    // A new vector: collecting in place would keep the keys' allocation, three words per event
    // for one, for as long as the order lives (the whole analysis).
    let mut order = Vec::with_capacity(keyed.len());
    order.extend(keyed.iter().map(|&(_, _, pos)| pos.unsigned_abs() as usize));
    order
}

/// Per event index: its place in `order` ([`position`] reads it). Four bytes an event, where a
/// map from index to place took about sixty.
pub(crate) fn positions(order: &[usize]) -> Vec<u32> {
    let mut pos = vec![u32::MAX; order.iter().max().map_or(0, |&m| m + 1)];
    for (p, &i) in order.iter().enumerate() {
        pos[i] = p as u32;
    }
    pos
}

/// The place of event `i` in the order [`positions`] was made from, if it is there.
pub(crate) fn position(pos: &[u32], i: usize) -> Option<usize> {
    pos.get(i).filter(|&&p| p != u32::MAX).map(|&p| p as usize)
}

/// Per file: true when its parsed timestamps mostly go down. One pass over the events.
fn newest_first(corpus: &Corpus) -> Vec<bool> {
    // Per file: (previous parsed time, steps up, steps down).
    let mut tally: Vec<(Option<i64>, u32, u32)> = vec![(None, 0, 0); corpus.files.len()];
    for ev in corpus
        .events
        .iter()
        .filter(|e| e.time_source == TimeSource::Parsed)
    {
        let (prev, up, down) = &mut tally[ev.file as usize];
        if let (Some(p), Some(t)) = (*prev, ev.time) {
            if t > p {
                *up += 1;
            } else if t < p {
                *down += 1;
            }
        }
        *prev = ev.time;
    }
    tally.into_iter().map(|(_, up, down)| down > up).collect()
}

pub(crate) fn describe(times: &[Option<i64>], order: &[usize]) -> String {
    let timed: Vec<i64> = order.iter().filter_map(|&i| times[i]).collect();
    match (timed.first(), timed.last()) {
        (Some(&a), Some(&b)) => format!(
            "{} events ordered; {} with a time, from {} to {}",
            order.len(),
            timed.len(),
            crate::ingest::format_ns(a),
            crate::ingest::format_ns(b)
        ),
        _ => format!("{} events, none with a time: input order kept", order.len()),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn kubectl_ages() {
        assert_eq!(
            super::relative_age("4m12s  Normal BackOff"),
            Some(252_000_000_000)
        );
        assert_eq!(
            super::relative_age("2d3h x"),
            Some((2 * 86400 + 3 * 3600) * 1_000_000_000)
        );
        assert_eq!(super::relative_age("<unknown> x"), None);
        assert_eq!(super::relative_age("12 x"), None);
    }

    #[test]
    fn positions_invert_the_order() {
        let order = [2, 0, 3];
        let pos = super::positions(&order);
        assert_eq!(super::position(&pos, 2), Some(0));
        assert_eq!(super::position(&pos, 0), Some(1));
        assert_eq!(super::position(&pos, 3), Some(2));
        // Not in the order, inside or past the table.
        assert_eq!(super::position(&pos, 1), None);
        assert_eq!(super::position(&pos, 9), None);
        assert_eq!(super::positions(&[]), Vec::<u32>::new());
    }

    #[test]
    fn causal_order_is_by_time_then_input_order() {
        let log = "2024-01-01T00:00:01Z INFO first\n2024-01-01T00:00:03Z INFO third\n2024-01-01T00:00:02Z INFO second\n2024-01-01T00:00:04Z INFO fourth\n";
        let corpus = crate::ingest(
            &[crate::InputFile::new("x.log", log.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        let times = super::effective_times(&corpus);
        let order = super::causal_order(&corpus, &times);
        assert_eq!(order.len(), corpus.events.len());
        assert_eq!(order.capacity(), order.len());
        let words: Vec<&str> = order
            .iter()
            .map(|&i| corpus.message(&corpus.events[i]).trim())
            .collect();
        assert_eq!(words, ["first", "second", "third", "fourth"]);
    }
}
