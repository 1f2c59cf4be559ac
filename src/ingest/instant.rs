//! Rendering instants: RFC 3339 in UTC with as many fraction digits as needed. Lives with the
//! time readers so every layer (forensics, report, browse) renders times the same way without
//! importing a layer above it.

use chrono::{DateTime, SecondsFormat};

/// `1_700_000_000_123_000_000` -> `2023-11-14T22:13:20.123Z`.
pub(crate) fn format_ns(ns: i64) -> String {
    DateTime::from_timestamp_nanos(ns).to_rfc3339_opts(SecondsFormat::AutoSi, true)
}

/// A day count since 1970-01-01 as `YYYY-MM-DD`.
pub(crate) fn format_day(day: i64) -> String {
    let (y, m, d) = super::time::civil_from_days(day);
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn day_counts_render_as_dates() {
        assert_eq!(super::format_day(0), "1970-01-01");
        assert_eq!(super::format_day(19_876), "2024-06-02");
    }

    #[test]
    fn millis_shown_only_when_present() {
        assert_eq!(
            super::format_ns(1_700_000_000_123_000_000),
            "2023-11-14T22:13:20.123Z"
        );
        assert_eq!(
            super::format_ns(1_700_000_000_000_000_000),
            "2023-11-14T22:13:20Z"
        );
    }
}
