//! The incident window and its baseline: instants the caller names (the engine reads no clock),
//! rounded out to whole seconds because a store's `DateTime` column is in seconds.

use super::error::{SourceError, SourceErrorKind};
use chrono::{DateTime, NaiveDateTime};

const NS: i64 = 1_000_000_000;

/// `[from, to)` in whole Unix seconds, and the baseline window `[from, to)` before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub from: i64,
    pub to: i64,
    pub baseline: (i64, i64),
}

fn bad(msg: impl Into<String>) -> SourceError {
    SourceError::new(SourceErrorKind::BadWindow, msg)
}

impl Window {
    /// The window `[from_ns, to_ns)` (nanoseconds) widened to whole seconds, with a baseline
    /// of the same length that ends `offset_ns` before the window ends, by default just before
    /// the window starts. An offset shorter than the window would overlap it: refused.
    pub fn new(from_ns: i64, to_ns: i64, offset_ns: Option<i64>) -> Result<Window, SourceError> {
        let from = from_ns.div_euclid(NS);
        let to = to_ns.div_euclid(NS) + i64::from(to_ns.rem_euclid(NS) != 0);
        if to <= from {
            return Err(bad("the window is empty: --to must be after --from"));
        }
        let len = to - from;
        let offset = match offset_ns {
            None => len,
            Some(o) => {
                let o = o.div_euclid(NS);
                if o < len {
                    return Err(bad(format!(
                        "a baseline offset of {o} s is shorter than the {len} s window, so the baseline would overlap it"
                    )));
                }
                o
            }
        };
        Ok(Window {
            from,
            to,
            baseline: (from - offset, to - offset),
        })
    }

    /// Seconds in the window.
    pub fn seconds(&self) -> i64 {
        self.to - self.from
    }
}

/// An instant: RFC 3339 (`2024-03-12T14:00:00Z`, any offset), `YYYY-MM-DD HH:MM:SS` (UTC) or
/// Unix seconds. Returns nanoseconds.
pub fn parse_instant(s: &str) -> Result<i64, SourceError> {
    let s = s.trim();
    if let Ok(secs) = s.parse::<i64>() {
        return secs
            .checked_mul(NS)
            .ok_or_else(|| bad(format!("{s:?} is out of range")));
    }
    let t = DateTime::parse_from_rfc3339(s)
        .map(|d| d.to_utc())
        .or_else(|_| {
            ["%Y-%m-%d %H:%M:%S%.f", "%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%d %H:%M"]
                .iter()
                .find_map(|f| NaiveDateTime::parse_from_str(s.trim_end_matches('Z'), f).ok())
                .map(|n| n.and_utc())
                .ok_or(())
        })
        .map_err(|_| {
            bad(format!(
                "{s:?} is not a time: write 2024-03-12T14:00:00Z, 2024-03-12 14:00:00 (UTC) or Unix seconds"
            ))
        })?;
    t.timestamp_nanos_opt()
        .ok_or_else(|| bad(format!("{s:?} is out of range")))
}

/// A duration: a number followed by `s`, `m`, `h`, `d` or `w` (`90s`, `15m`, `1d`). Returns
/// nanoseconds.
pub fn parse_duration(s: &str) -> Result<i64, SourceError> {
    let s = s.trim();
    let unit = s.chars().last().unwrap_or(' ');
    let secs = match unit {
        's' => 1,
        'm' => 60,
        'h' => 3600,
        'd' => 86_400,
        'w' => 604_800,
        _ => 0,
    };
    let n: Option<i64> = s[..s.len().saturating_sub(1)].parse().ok();
    match n {
        Some(n) if secs > 0 && n > 0 => n
            .checked_mul(secs * NS)
            .ok_or_else(|| bad(format!("{s:?} is too long"))),
        _ => Err(bad(format!(
            "{s:?} is not a duration: write 90s, 15m, 2h, 1d or 1w"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: i64 = 1_710_252_000; // 2024-03-12T14:00:00Z

    #[test]
    fn instants_in_every_accepted_form() {
        for s in [
            "2024-03-12T14:00:00Z",
            "2024-03-12T16:00:00+02:00",
            "2024-03-12 14:00:00",
            "2024-03-12T14:00:00",
            "2024-03-12 14:00",
            "1710252000",
        ] {
            assert_eq!(parse_instant(s).unwrap(), T * NS, "{s}");
        }
        assert_eq!(
            parse_instant("2024-03-12T14:00:00.250Z").unwrap(),
            T * NS + 250_000_000
        );
        assert_eq!(
            parse_instant("yesterday").unwrap_err().kind,
            SourceErrorKind::BadWindow
        );
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90s").unwrap(), 90 * NS);
        assert_eq!(parse_duration("1d").unwrap(), 86_400 * NS);
        assert_eq!(parse_duration("2h").unwrap(), 7200 * NS);
        for s in ["", "1", "d", "-1d", "1y", "0m"] {
            assert!(parse_duration(s).is_err(), "{s}");
        }
    }

    #[test]
    fn window_widens_to_seconds_and_baseline_precedes_it() {
        let w = Window::new(T * NS + 500, (T + 60) * NS + 1, None).unwrap();
        assert_eq!((w.from, w.to), (T, T + 61));
        assert_eq!(w.baseline, (T - 61, T));
        let day = Window::new(T * NS, (T + 1800) * NS, Some(86_400 * NS)).unwrap();
        assert_eq!(day.baseline, (T - 86_400, T + 1800 - 86_400));
    }

    #[test]
    fn empty_window_and_overlapping_baseline_are_refused() {
        assert!(Window::new(T * NS, T * NS, None).is_err());
        assert!(Window::new((T + 5) * NS, T * NS, None).is_err());
        assert!(Window::new(T * NS, (T + 3600) * NS, Some(60 * NS)).is_err());
    }
}
