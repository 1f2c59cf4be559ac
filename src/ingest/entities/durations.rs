//! Durations: `12ms`, `1.5 s`, `2m3s`, `took 40 millis` and `duration=...` values, in
//! milliseconds.
//!
//! Promise: every duration kept is finite and non-negative, at most the per-event limit, and
//! only numbers followed by a time unit (or under a duration key) count.

use super::*;

/// Unit suffixes and their size in milliseconds. Longer spellings first.
const DURATION_UNITS: &[(&str, f64)] = &[
    ("milliseconds", 1.0),
    ("millisecond", 1.0),
    ("microseconds", 1e-3),
    ("microsecond", 1e-3),
    ("nanoseconds", 1e-6),
    ("nanosecond", 1e-6),
    ("seconds", 1000.0),
    ("second", 1000.0),
    ("minutes", 60_000.0),
    ("minute", 60_000.0),
    ("hours", 3_600_000.0),
    ("hour", 3_600_000.0),
    ("millis", 1.0),
    ("micros", 1e-3),
    ("nanos", 1e-6),
    ("msecs", 1.0),
    ("msec", 1.0),
    ("secs", 1000.0),
    ("sec", 1000.0),
    ("mins", 60_000.0),
    ("min", 60_000.0),
    ("hrs", 3_600_000.0),
    ("hr", 3_600_000.0),
    ("ms", 1.0),
    ("µs", 1e-3),
    ("μs", 1e-3),
    ("us", 1e-3),
    ("ns", 1e-6),
    ("s", 1000.0),
    ("m", 60_000.0),
    ("h", 3_600_000.0),
];

/// Units accepted after a space (`took 12 ms`); single letters are too ambiguous there.
pub(super) fn spaced_unit_ok(unit: &str) -> bool {
    unit.len() >= 2 && !matches!(unit, "m" | "h" | "s")
}

/// Reads a unit at the start of `rest`; it must end at a word boundary. Returns (ms per unit, len).
pub(super) fn read_unit(rest: &str) -> Option<(f64, usize, &'static str)> {
    let b = rest.as_bytes();
    let &c0 = b.first()?;
    // Units start with one of a few bytes: check it before comparing against the whole table.
    let c0 = c0.to_ascii_lowercase();
    if !matches!(c0, b'm' | b'n' | b's' | b'h' | b'u' | 0xC2 | 0xCE) {
        return None;
    }
    for (u, f) in DURATION_UNITS {
        if u.as_bytes()[0] != c0 {
            continue;
        }
        if rest.len() >= u.len() && rest.as_bytes()[..u.len()].eq_ignore_ascii_case(u.as_bytes()) {
            // `m`/`h`/`s` must be lowercase (`10M` is memory, `5S` is odd).
            if u.len() == 1 && !b[0].is_ascii_lowercase() {
                continue;
            }
            let after = b.get(u.len()).copied();
            let boundary = match after {
                None => true,
                Some(c) => !c.is_ascii_alphabetic() && c != b'_' && c < 0x80,
            };
            // `1m30s`: a number may follow a unit directly.
            if boundary {
                return Some((*f, u.len(), u));
            }
        }
    }
    None
}

/// The end of a number at `i` (digits with at most one `.`), without parsing it.
pub(super) fn number_end(m: &[u8], i: usize) -> Option<usize> {
    let mut j = i;
    let mut dot = false;
    while j < m.len() {
        match m[j] {
            b'0'..=b'9' => j += 1,
            b'.' if !dot && j + 1 < m.len() && m[j + 1].is_ascii_digit() => {
                dot = true;
                j += 1;
            }
            _ => break,
        }
    }
    (j > i && j - i <= 15).then_some(j)
}

/// Reads a number at `i` (digits with at most one `.`). Returns (value, end).
pub(super) fn read_number(m: &[u8], i: usize) -> Option<(f64, usize)> {
    let j = number_end(m, i)?;
    let v: f64 = std::str::from_utf8(&m[i..j]).ok()?.parse().ok()?;
    Some((v, j))
}

pub(super) fn push_duration(ms: f64, e: &mut Entities) {
    if ms.is_finite() && ms >= 0.0 && e.durations_ms.len() < MAX_DURATIONS {
        e.durations_ms.push(ms);
    }
}

/// A duration value: `1500ms`, `2.5s`, `1m30s`, or a bare number in `scale` ms per unit.
pub(super) fn parse_duration_value(v: &str, scale: f64) -> Option<f64> {
    let m = v.as_bytes();
    if !m.first()?.is_ascii_digit() {
        return None;
    }
    let (n, end) = read_number(m, 0)?;
    if end == m.len() && scale.is_finite() {
        return Some(n * scale);
    }
    None
}

/// A number followed by a unit, possibly compound (`1h2m3.5s`). Returns (ms, end).
fn read_compound(s: &str, i: usize) -> Option<(f64, usize)> {
    let m = s.as_bytes();
    let mut total = 0.0;
    let mut pos = i;
    let mut parts = 0;
    while let Some(nend) = number_end(m, pos) {
        let Some((f, ulen, _)) = s.get(nend..).and_then(read_unit) else {
            break;
        };
        let Some((n, _)) = read_number(m, pos) else {
            break;
        };
        total += n * f;
        pos = nend + ulen;
        parts += 1;
        if pos >= m.len() || !m[pos].is_ascii_digit() {
            break;
        }
    }
    (parts > 0).then_some((total, pos))
}

pub(super) fn scan_durations(s: &str, e: &mut Entities) {
    let m = s.as_bytes();
    let mut i = 0;
    while i < m.len() && e.durations_ms.len() < MAX_DURATIONS {
        let c = m[i];
        if !c.is_ascii_digit() {
            i += 1;
            continue;
        }
        // A number starts at a boundary: not inside a word, a version or a timestamp.
        let prev = if i > 0 { m[i - 1] } else { b' ' };
        if prev.is_ascii_alphanumeric()
            || matches!(prev, b'.' | b'_' | b'-' | b'/' | b'+' | b'#')
            || prev >= 0x80
        {
            while i < m.len() && (m[i].is_ascii_alphanumeric() || m[i] == b'.') {
                i += 1;
            }
            continue;
        }
        let Some(nend) = number_end(m, i) else {
            i += 1;
            continue;
        };
        // Only a letter (or µ/μ) right after the number, or after one space, can be a unit.
        let unit_next =
            |k: usize| k < m.len() && (m[k].is_ascii_alphabetic() || m[k] == 0xC2 || m[k] == 0xCE);
        if unit_next(nend) {
            if let Some((ms, end)) = read_compound(s, i) {
                push_duration(ms, e);
                i = end;
                continue;
            }
        } else if nend < m.len() && m[nend] == b' ' && unit_next(nend + 1) {
            // `took 12 ms`: one space, then a spelled or two-letter unit.
            if let Some((f, ulen, u)) = s.get(nend + 1..).and_then(read_unit) {
                if spaced_unit_ok(u) {
                    if let Some((n, _)) = read_number(m, i) {
                        push_duration(n * f, e);
                    }
                    i = nend + 1 + ulen;
                    continue;
                }
            }
        }
        i = nend.max(i + 1);
        while i < m.len() && (m[i].is_ascii_alphanumeric() || m[i] == b'.') {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ingest::entities::tests_support::ents;

    #[test]
    fn durations_in_milliseconds() {
        assert_eq!(ents("request took 1500ms").durations_ms, vec![1500.0]);
        assert_eq!(ents("slow query 2.5s").durations_ms, vec![2500.0]);
        assert_eq!(ents("gc pause 300µs").durations_ms, vec![0.3]);
        assert_eq!(ents("retry in 1m30s").durations_ms, vec![90_000.0]);
        assert_eq!(ents("took 12 ms").durations_ms, vec![12.0]);
        assert_eq!(
            ents("generated 47 bytes in 129 msecs").durations_ms,
            vec![129.0]
        );
        assert_eq!(ents("in 68 micros").durations_ms, vec![0.068]);
        assert_eq!(ents("waited 3 seconds").durations_ms, vec![3000.0]);
        assert_eq!(ents("latency=250us").durations_ms, vec![0.25]);
        assert_eq!(ents("duration_ms=42").durations_ms, vec![42.0]);
        assert_eq!(ents(r#"{"elapsed_s": 1.5}"#).durations_ms, vec![1500.0]);
        assert!(ents("version 1.2.3 on node x2k4p").durations_ms.is_empty());
        assert!(ents("at 10:00:01.500 ok").durations_ms.is_empty());
        assert!(ents("heap 512MB used").durations_ms.is_empty());
        assert!(ents("id 7d9f8b6c5d ok").durations_ms.is_empty());
        assert!(ents("found 3 items").durations_ms.is_empty());
        assert!(ents("-Xmx512m").durations_ms.is_empty());
        // Units in capitals glued to the number; ids and stamps with letters but no unit.
        assert_eq!(ents("timeout after 150MS").durations_ms, vec![150.0]);
        assert_eq!(ents("waited 2H").durations_ms, Vec::<f64>::new());
        assert!(
            ents("trace 4bf92f3577b34da6a3ce929d0e0e4736 at 2024-05-01T10:00:00Z")
                .durations_ms
                .is_empty()
        );
    }
}
