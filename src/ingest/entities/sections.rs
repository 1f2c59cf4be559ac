//! Sections of a paste: one file that holds several sources, each under a header line that
//! names it (`==> api.log <==`, what `tail` prints for several files; `===== db-0.log =====`;
//! `----- worker (kubectl logs) -----`). Each section is read as the file its header names,
//! so a paste's own name stops standing for all the services in it.
//!
//! A file exported newest-first carries each header below its section (the whole paste was
//! reversed), so the direction of the file's times decides which lines a header labels.
//!
//! Promises: a file with fewer than two headers is one section under its own name (nothing
//! changes for ordinary files); sections cover the file's events in order, without overlap.

use super::super::decode::section_header;
use super::super::event::Corpus;

/// Where one section's events are (`start..end` in the corpus) and the name it is read under.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Section {
    pub start: usize,
    pub end: usize,
    pub name: String,
}

/// The sections of the file whose events are `corpus.events[first..]`.
pub(super) fn sections(corpus: &Corpus, first: usize, text: &str, file_name: &str) -> Vec<Section> {
    let end = corpus.events.len();
    let whole = || {
        vec![Section {
            start: first,
            end,
            name: file_name.to_string(),
        }]
    };
    let line = |i: usize| {
        let ev = &corpus.events[i];
        text.get(ev.first.0 as usize..ev.first.1 as usize)
            .unwrap_or("")
    };
    let headers: Vec<(usize, String)> = (first..end)
        .filter_map(|i| section_header(line(i)).map(|n| (i, n.to_string())))
        .collect();
    if headers.len() < 2 {
        return whole();
    }
    let mut out = Vec::with_capacity(headers.len() + 1);
    let mut push = |start: usize, end: usize, name: &str| {
        if start < end {
            out.push(Section {
                start,
                end,
                name: name.to_string(),
            });
        }
    };
    if newest_first(corpus, first, end) {
        // Each header closes the section above it.
        let mut start = first;
        for (at, name) in &headers {
            push(start, at + 1, name);
            start = at + 1;
        }
        push(start, end, file_name);
    } else {
        push(first, headers[0].0, file_name);
        for (k, (at, name)) in headers.iter().enumerate() {
            let next = headers.get(k + 1).map_or(end, |h| h.0);
            push(*at, next, name);
        }
    }
    out
}

/// True when the file's timed events mostly go back in time.
fn newest_first(corpus: &Corpus, first: usize, end: usize) -> bool {
    let (mut up, mut down) = (0usize, 0usize);
    let mut last: Option<i64> = None;
    for ev in &corpus.events[first..end] {
        let Some(t) = ev.time else { continue };
        if let Some(l) = last {
            if t > l {
                up += 1;
            } else if t < l {
                down += 1;
            }
        }
        last = Some(t);
    }
    down > up
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (section name, events in it) for `text` pasted as `incident.log`.
    fn section_names(text: &str) -> Vec<(String, usize)> {
        let c = crate::ingest::ingest(
            &[crate::ingest::InputFile::new(
                "incident.log",
                text.as_bytes().to_vec(),
            )],
            &Default::default(),
        )
        .expect("ingest");
        sections(&c, 0, &c.files[0].text, "incident.log")
            .into_iter()
            .map(|s| (s.name, s.end - s.start))
            .collect()
    }

    #[test]
    fn each_header_labels_the_lines_below_it_or_above_it_when_newest_first() {
        let oldest_first = "==> api.log <==\n\
            2024-05-01T10:00:00Z INFO started\n\
            2024-05-01T10:00:02Z ERROR failed\n\
            ==> db.log <==\n\
            2024-05-01T10:00:01Z WARN slow\n\
            2024-05-01T10:00:03Z ERROR down\n";
        let names = |v: &[(&str, usize)]| -> Vec<(String, usize)> {
            v.iter().map(|&(n, k)| (n.to_string(), k)).collect()
        };
        assert_eq!(
            section_names(oldest_first),
            names(&[("api.log", 3), ("db.log", 3)])
        );
        // The same paste reversed line by line: each header now follows its lines.
        let mut lines: Vec<&str> = oldest_first.lines().collect();
        lines.reverse();
        assert_eq!(
            section_names(&(lines.join("\n") + "\n")),
            names(&[("db.log", 3), ("api.log", 3)])
        );
    }

    #[test]
    fn one_header_is_not_a_paste_of_several_sources() {
        let s = section_names("===== api.log =====\n2024-05-01T10:00:00Z INFO started\n");
        assert_eq!(s, [("incident.log".to_string(), 2)]);
    }
}
