//! Timestamps: hand-written scanners for the shapes logs use, to UTC nanoseconds.
//!
//! [`scan`] recognises a timestamp at the start of a string and says how many bytes it took;
//! [`parse_value`] reads a whole field value (JSON/logfmt/CSV), epoch numbers included. Dates
//! that lack a year or a date are returned as [`Civil`] parts; [`Clock`] resolves them against
//! the file (year inference, Dec -> Jan rollover, the last full date seen). No clock is read.

use super::event::Precision;

/// A timestamp as written, before the missing parts are filled in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Civil {
    /// `None`: the text named no year (syslog, Android).
    pub year: Option<i32>,
    /// `0`: the text named no date at all (`15:04:05.123`).
    pub month: u32,
    pub day: u32,
    pub hour: u32,
    pub min: u32,
    pub sec: u32,
    pub nanos: u32,
    /// Offset east of UTC in seconds; `None` means "as written", taken as UTC.
    pub offset: Option<i32>,
    pub precision: Precision,
}

impl Civil {
    /// UTC nanoseconds when the timestamp is complete (year and date known).
    pub fn to_ns(self) -> Option<i64> {
        let year = self.year?;
        if self.month == 0 {
            return None;
        }
        Some(civil_ns(
            year,
            self.month,
            self.day,
            self.hour,
            self.min,
            self.sec,
            self.nanos,
            self.offset,
        ))
    }
}

#[allow(clippy::too_many_arguments)]
fn civil_ns(y: i32, mo: u32, d: u32, h: u32, mi: u32, s: u32, ns: u32, off: Option<i32>) -> i64 {
    let days = days_from_civil(y, mo, d);
    let secs =
        days * 86_400 + h as i64 * 3600 + mi as i64 * 60 + s as i64 - off.unwrap_or(0) as i64;
    secs.saturating_mul(1_000_000_000).saturating_add(ns as i64)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
pub(crate) fn days_from_civil(y: i32, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y as i64 - 1 } else { y as i64 };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let m = m as i64;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day of a day count since 1970-01-01.
pub(crate) fn civil_from_days(z: i64) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
}

/// Per-file resolver for incomplete timestamps.
#[derive(Debug, Clone, Default)]
pub(crate) struct Clock {
    /// Year for year-less stamps (from the input, `reference_year`, or 1970).
    pub year: i32,
    last_month: u32,
    /// Day count of the last full date seen, for time-only stamps.
    last_day: Option<i64>,
    /// Seconds into the day of the last stamp, to see a time-only stamp cross midnight.
    last_tod: Option<i64>,
    /// The day given to time-only stamps before any date, and the day a since-boot clock
    /// starts on: the input's first written date, else 1 January of `year`.
    default_day: i64,
    /// The year given to the first year-less stamp: an assumption the report states.
    pub assumed_year: Option<i32>,
    /// The day given to time-only stamps that no written date preceded: also stated.
    pub assumed_day: Option<i64>,
    /// Times were seconds since boot, counted from midnight of `default_day` (assumed).
    pub since_boot: bool,
}

/// Half a day: a time-only stamp that moves back by more crossed midnight (forward by more,
/// in a newest-first file, crossed it backwards).
const HALF_DAY: i64 = 43_200;

impl Clock {
    pub fn new(year: i32) -> Clock {
        Clock {
            year,
            default_day: days_from_civil(year, 1, 1),
            ..Clock::default()
        }
    }

    /// Sets the day that undated stamps fall on (the input's first written date).
    pub fn set_default_day(&mut self, day: i64) {
        self.default_day = day;
    }

    /// UTC nanoseconds for a scanned timestamp. A time-only stamp takes the last written
    /// date (moved on when the clock crosses midnight), or the assumed default day.
    pub fn resolve(&mut self, c: &Civil) -> Option<i64> {
        if c.month == 0 {
            return Some(self.time_only(c));
        }
        let year = match c.year {
            Some(y) => y,
            None => {
                // Dec -> Jan: the year moved on; Jan -> Dec in a newest-first file: it went back.
                if self.last_month >= 10 && c.month <= 3 {
                    self.year += 1;
                } else if self.last_month != 0 && self.last_month <= 3 && c.month >= 10 {
                    self.year -= 1;
                }
                self.last_month = c.month;
                self.assumed_year.get_or_insert(self.year);
                self.year
            }
        };
        // The date and time as written (not UTC): a later time-only stamp is in the same zone.
        self.last_day = Some(days_from_civil(year, c.month, c.day));
        self.last_tod = Some(c.hour as i64 * 3600 + c.min as i64 * 60 + c.sec as i64);
        Some(civil_ns(
            year, c.month, c.day, c.hour, c.min, c.sec, c.nanos, c.offset,
        ))
    }

    fn time_only(&mut self, c: &Civil) -> i64 {
        let tod = c.hour as i64 * 3600 + c.min as i64 * 60 + c.sec as i64;
        let mut day = match self.last_day {
            Some(d) => d,
            None => *self.assumed_day.get_or_insert(self.default_day),
        };
        match self.last_tod {
            Some(last) if tod + HALF_DAY < last => day += 1,
            Some(last) if tod > last + HALF_DAY => day -= 1,
            _ => {}
        }
        self.last_day = Some(day);
        self.last_tod = Some(tod);
        let secs = day * 86_400 + tod - c.offset.unwrap_or(0) as i64;
        secs.saturating_mul(1_000_000_000)
            .saturating_add(c.nanos as i64)
    }

    /// Remembers the date of a complete timestamp (for later time-only stamps).
    pub fn note(&mut self, ns: i64) {
        self.last_day = Some(ns.div_euclid(86_400_000_000_000));
        self.last_tod = Some(ns.rem_euclid(86_400_000_000_000) / 1_000_000_000);
    }

    /// UTC nanoseconds of a time written as nanoseconds since boot (`dmesg`): the boot is
    /// placed at midnight of the default day, an assumption the report states.
    pub fn since_boot(&mut self, ns: i64) -> i64 {
        self.since_boot = true;
        (self.default_day * 86_400)
            .saturating_mul(1_000_000_000)
            .saturating_add(ns)
    }
}

// ---------------------------------------------------------------------------------------------
// Scanning helpers

#[inline]
fn digits(b: &[u8], at: usize, n: usize) -> Option<u32> {
    if b.len() < at + n {
        return None;
    }
    let mut v = 0u32;
    for &c in &b[at..at + n] {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v * 10 + (c - b'0') as u32;
    }
    Some(v)
}

/// Leading digits from `at`, at most `max`: (value, count).
#[inline]
pub(crate) fn run_digits(b: &[u8], at: usize, max: usize) -> (u64, usize) {
    let mut v = 0u64;
    let mut n = 0;
    while at + n < b.len() && n < max && b[at + n].is_ascii_digit() {
        // Saturating: a run of 20+ digits must not overflow (found by fuzzing).
        v = v
            .saturating_mul(10)
            .saturating_add((b[at + n] - b'0') as u64);
        n += 1;
    }
    (v, n)
}

const MONTHS: [&[u8; 3]; 12] = [
    b"jan", b"feb", b"mar", b"apr", b"may", b"jun", b"jul", b"aug", b"sep", b"oct", b"nov", b"dec",
];
const WEEKDAYS: [&[u8; 3]; 7] = [b"mon", b"tue", b"wed", b"thu", b"fri", b"sat", b"sun"];

fn month3(b: &[u8], at: usize) -> Option<u32> {
    let w = b.get(at..at + 3)?;
    let l = [
        w[0].to_ascii_lowercase(),
        w[1].to_ascii_lowercase(),
        w[2].to_ascii_lowercase(),
    ];
    MONTHS.iter().position(|m| **m == l).map(|i| i as u32 + 1)
}

fn weekday3(b: &[u8], at: usize) -> bool {
    match b.get(at..at + 3) {
        Some(w) => {
            let l = [
                w[0].to_ascii_lowercase(),
                w[1].to_ascii_lowercase(),
                w[2].to_ascii_lowercase(),
            ];
            WEEKDAYS.iter().any(|d| **d == l)
        }
        None => false,
    }
}

fn valid(c: &Civil) -> bool {
    (c.month == 0 || (1..=12).contains(&c.month) && (1..=31).contains(&c.day))
        && c.hour < 24
        && c.min < 60
        && c.sec <= 60
}

/// `HH:MM[:SS][.frac]` at `at` (also `HH.MM.SS` when `dots`). Returns (h, m, s, nanos, prec, end).
fn clock_part(b: &[u8], at: usize, dots: bool) -> Option<(u32, u32, u32, u32, Precision, usize)> {
    let h = digits(b, at, 2)?;
    let sep = *b.get(at + 2)?;
    if !(sep == b':' || dots && sep == b'.') {
        return None;
    }
    let mi = digits(b, at + 3, 2)?;
    let mut i = at + 5;
    if b.get(i) != Some(&sep) || digits(b, i + 1, 2).is_none() {
        return Some((h, mi, 0, 0, Precision::Minute, i));
    }
    let s = digits(b, i + 1, 2)?;
    i += 3;
    let (mut nanos, mut prec) = (0, Precision::Second);
    if matches!(b.get(i), Some(b'.' | b',')) {
        let (v, n) = run_digits(b, i + 1, 9);
        if n > 0 {
            nanos = (v * 10u64.pow(9 - n as u32)) as u32;
            prec = match n {
                1..=3 => Precision::Milli,
                4..=6 => Precision::Micro,
                _ => Precision::Nano,
            };
            i += 1 + n;
            // More than nine digits: drop the rest.
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
    }
    Some((h, mi, s, nanos, prec, i))
}

/// kubectl's short age (`4m12s`, `31m`, `2d3h`, `45s`, `3y`) in nanoseconds: what `get events`
/// and `get pods` print for how long ago something happened.
pub(crate) fn kubectl_age(tok: &str) -> Option<i64> {
    let mut total = 0i64;
    let mut num = 0i64;
    let mut any = false;
    for c in tok.chars() {
        if let Some(d) = c.to_digit(10) {
            num = num.checked_mul(10)?.checked_add(d as i64)?;
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            'y' => 365 * 86400,
            _ => return None,
        };
        total = total.checked_add(num.checked_mul(unit)?)?;
        num = 0;
        any = true;
    }
    (any && num == 0).then(|| total.saturating_mul(1_000_000_000))
}

/// Named zones and their offsets in seconds.
fn zone_by_name(w: &[u8]) -> Option<i32> {
    let h = 3600;
    Some(match w {
        b"UTC" | b"GMT" | b"Z" | b"UT" | b"WET" => 0,
        b"BST" | b"CET" | b"WEST" | b"MET" => h,
        b"CEST" | b"EET" | b"MEST" | b"SAST" => 2 * h,
        b"EEST" | b"MSK" => 3 * h,
        b"IST" => 5 * h + 1800,
        b"CST" => -6 * h,
        b"CDT" => -5 * h,
        b"EST" => -5 * h,
        b"EDT" => -4 * h,
        b"MST" => -7 * h,
        b"MDT" => -6 * h,
        b"PST" => -8 * h,
        b"PDT" => -7 * h,
        b"AKST" => -9 * h,
        b"AKDT" => -8 * h,
        b"HST" => -10 * h,
        b"JST" | b"KST" => 9 * h,
        b"HKT" | b"SGT" | b"AWST" => 8 * h,
        b"AEST" => 10 * h,
        b"AEDT" => 11 * h,
        b"NZST" => 12 * h,
        b"NZDT" => 13 * h,
        _ => return None,
    })
}

/// Zone right after a time at `at`: `Z`, `+hh:mm`, `+hhmm`, `+hh`, or ` NAME`. (offset, end).
fn zone(b: &[u8], at: usize) -> (Option<i32>, usize) {
    match b.get(at) {
        Some(b'Z') | Some(b'z') if b.get(at + 1).is_none_or(|c| !c.is_ascii_alphanumeric()) => {
            return (Some(0), at + 1);
        }
        Some(&c @ (b'+' | b'-')) => {
            if let Some(hh) = digits(b, at + 1, 2) {
                let sign = if c == b'-' { -1 } else { 1 };
                let (mm, end) = if b.get(at + 3) == Some(&b':') {
                    match digits(b, at + 4, 2) {
                        Some(m) => (m, at + 6),
                        None => return (None, at),
                    }
                } else if let Some(m) = digits(b, at + 3, 2) {
                    (m, at + 5)
                } else {
                    (0, at + 3)
                };
                if b.get(end).is_some_and(u8::is_ascii_digit) || hh > 14 || mm > 59 {
                    return (None, at);
                }
                return (Some(sign * (hh as i32 * 3600 + mm as i32 * 60)), end);
            }
        }
        Some(b' ')
            if matches!(b.get(at + 1), Some(b'+' | b'-')) && digits(b, at + 2, 4).is_some() =>
        {
            let (off, e) = zone(b, at + 1);
            if off.is_some() {
                return (off, e);
            }
        }
        Some(b' ') => {
            let s = at + 1;
            let mut e = s;
            while e < b.len() && b[e].is_ascii_uppercase() && e - s < 5 {
                e += 1;
            }
            if e > s && b.get(e).is_none_or(|c| !c.is_ascii_alphanumeric()) {
                if let Some(off) = zone_by_name(&b[s..e]) {
                    return (Some(off), e);
                }
            }
        }
        _ => {}
    }
    (None, at)
}

fn civil(year: Option<i32>, mo: u32, d: u32, t: (u32, u32, u32, u32, Precision)) -> Civil {
    Civil {
        year,
        month: mo,
        day: d,
        hour: t.0,
        min: t.1,
        sec: t.2,
        nanos: t.3,
        offset: None,
        precision: t.4,
    }
}

/// Checks the byte after a timestamp: the stamp must end at a word boundary.
fn boundary(b: &[u8], end: usize) -> bool {
    b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric())
}

/// Recognises a timestamp at the start of `s`. Returns the parts and the bytes consumed.
pub(crate) fn scan(s: &str) -> Option<(Civil, usize)> {
    let b = s.as_bytes();
    let first = *b.first()?;
    let r = if first == b'@' {
        tai64n(b)
    } else if first.is_ascii_digit() {
        scan_numeric(b)
    } else if first.is_ascii_alphabetic() {
        scan_words(b)
    } else {
        None
    }?;
    if valid(&r.0) && boundary(b, r.1) {
        Some(r)
    } else {
        None
    }
}

fn with_zone(b: &[u8], mut c: Civil, end: usize) -> (Civil, usize) {
    let (off, e) = zone(b, end);
    if off.is_some() {
        c.offset = off;
    }
    (c, e)
}

fn scan_numeric(b: &[u8]) -> Option<(Civil, usize)> {
    let (_, n) = run_digits(b, 0, 20);
    match (n, b.get(n)) {
        // YYYY-MM-DD / YYYY/MM/DD / YYYY.MM.DD
        (4, Some(&sep @ (b'-' | b'/' | b'.'))) => {
            let y = digits(b, 0, 4)? as i32;
            let mo = digits(b, 5, 2)?;
            if b.get(7) != Some(&sep) {
                return None;
            }
            let d = digits(b, 8, 2)?;
            let tsep = b.get(10).copied();
            if matches!(tsep, Some(b'T' | b' ' | b'-' | b'_' | b':')) {
                let dots = tsep == Some(b'-');
                if let Some((h, mi, s, ns, p, end)) = clock_part(b, 11, dots) {
                    let c = civil(Some(y), mo, d, (h, mi, s, ns, p));
                    return Some(with_zone(b, c, end));
                }
            }
            if b.get(10).is_some_and(u8::is_ascii_digit) {
                return None;
            }
            Some((civil(Some(y), mo, d, (0, 0, 0, 0, Precision::Day)), 10))
        }
        // DD Mon YYYY HH:MM:SS(.mmm) and DD Mon HH:MM:SS(.mmm) (Redis)
        (1 | 2, Some(b' ')) if b.get(n + 4) == Some(&b' ') => {
            let d = digits(b, 0, n)?;
            let mo = month3(b, n + 1)?;
            let at = n + 5;
            let (y, at) = match (run_digits(b, at, 5).1, b.get(at + 4)) {
                (4, Some(b' ')) => (Some(digits(b, at, 4)? as i32), at + 5),
                _ => (None, at),
            };
            let (h, mi, s, ns, p, end) = clock_part(b, at, false)?;
            Some(with_zone(b, civil(y, mo, d, (h, mi, s, ns, p)), end))
        }
        // YYMMDD HHMMSS (HDFS)
        (6, Some(b' ')) => {
            let (_, n2) = run_digits(b, 7, 7);
            if n2 != 6 {
                return None;
            }
            let y = 2000 + digits(b, 0, 2)? as i32;
            let c = civil(
                Some(y),
                digits(b, 2, 2)?,
                digits(b, 4, 2)?,
                (
                    digits(b, 7, 2)?,
                    digits(b, 9, 2)?,
                    digits(b, 11, 2)?,
                    0,
                    Precision::Second,
                ),
            );
            Some((c, 13))
        }
        // YY/MM/DD HH:MM:SS (Spark), MM-DD HH:MM:SS (Android), dd/Mon/yyyy:HH:MM:SS, HH:MM:SS
        (2, Some(&sep)) => match sep {
            // dd/Mon/yyyy:HH:MM:SS (access logs), dd-Mon-yyyy HH:MM:SS (Tomcat, PHP)
            b'/' | b'-' if b.get(3).is_some_and(u8::is_ascii_alphabetic) => {
                let d = digits(b, 0, 2)?;
                let mo = month3(b, 3)?;
                if b.get(6) != Some(&sep) {
                    return None;
                }
                let y = digits(b, 7, 4)? as i32;
                if !matches!(b.get(11), Some(b':' | b' ')) {
                    return None;
                }
                let (h, mi, s, ns, p, end) = clock_part(b, 12, false)?;
                let c = civil(Some(y), mo, d, (h, mi, s, ns, p));
                Some(with_zone(b, c, end))
            }
            b'/' if b.get(5) == Some(&b'/') && run_digits(b, 6, 5).1 == 4 => us_date(b, 2),
            b'.' => dotted_date(b),
            b'/' | b'-' => {
                let a = digits(b, 0, 2)?;
                let m = digits(b, 3, 2)?;
                match b.get(5) {
                    Some(&s2) if s2 == sep && sep == b'/' => {
                        let d = digits(b, 6, 2)?;
                        if b.get(8) != Some(&b' ') {
                            return None;
                        }
                        let (h, mi, s, ns, p, end) = clock_part(b, 9, false)?;
                        let c = civil(Some(2000 + a as i32), m, d, (h, mi, s, ns, p));
                        Some(with_zone(b, c, end))
                    }
                    Some(b' ') if sep == b'-' => {
                        let (h, mi, s, ns, p, end) = clock_part(b, 6, false)?;
                        Some((civil(None, a, m, (h, mi, s, ns, p)), end))
                    }
                    _ => None,
                }
            }
            b':' => {
                let (h, mi, s, ns, p, end) = clock_part(b, 0, false)?;
                if p == Precision::Minute {
                    return None;
                }
                Some(with_zone(b, civil(None, 0, 0, (h, mi, s, ns, p)), end))
            }
            _ => None,
        },
        (1, Some(b'/')) => us_date(b, 1),
        // epoch seconds (10 digits) or ms (13), optionally with a fraction
        (10 | 13 | 16 | 19, _) => {
            let (c, end) = epoch_civil(b, n)?;
            Some((c, end))
        }
        // YYYYMMDD-HH:MM:SS(:mmm)
        (8, Some(b'-' | b'T' | b' ')) => {
            let y = digits(b, 0, 4)? as i32;
            let (h, mi, s, ns, p, end) = clock_part(b, 9, false)?;
            let c = civil(
                Some(y),
                digits(b, 4, 2)?,
                digits(b, 6, 2)?,
                (h, mi, s, ns, p),
            );
            Some(with_zone(b, c, end))
        }
        _ => None,
    }
}

/// `MM.DD HH:MM:SS` (year-less, month first) or `DD.MM.YYYY HH:MM:SS` (European).
fn dotted_date(b: &[u8]) -> Option<(Civil, usize)> {
    let a = digits(b, 0, 2)?;
    let m = digits(b, 3, 2)?;
    match b.get(5) {
        Some(b' ') => {
            let (h, mi, s, ns, p, end) = clock_part(b, 6, false)?;
            Some((civil(None, a, m, (h, mi, s, ns, p)), end))
        }
        Some(b'.') => {
            let y = digits(b, 6, 4)? as i32;
            if !matches!(b.get(10), Some(b' ')) {
                return None;
            }
            let (h, mi, s, ns, p, end) = clock_part(b, 11, false)?;
            Some(with_zone(b, civil(Some(y), m, a, (h, mi, s, ns, p)), end))
        }
        _ => None,
    }
}

/// `M/D/YYYY h:mm:ss AM` (US, Windows event exports): month first, 12-hour clock optional.
/// `n`: digits of the month.
fn us_date(b: &[u8], n: usize) -> Option<(Civil, usize)> {
    let mo = digits(b, 0, n)?;
    let (d, dn) = run_digits(b, n + 1, 2);
    if dn == 0 || b.get(n + 1 + dn) != Some(&b'/') {
        return None;
    }
    let at = n + 2 + dn;
    let y = digits(b, at, 4)? as i32;
    if b.get(at + 4) != Some(&b' ') {
        return None;
    }
    let (h, mi, s, ns, p, end) = clock_12h(b, at + 5)?;
    Some((civil(Some(y), mo, d as u32, (h, mi, s, ns, p)), end))
}

/// A clock with a one- or two-digit hour and an optional ` AM`/` PM` (`1:56:47 PM`).
fn clock_12h(b: &[u8], at: usize) -> Option<(u32, u32, u32, u32, Precision, usize)> {
    let padded;
    let (bb, shift): (&[u8], usize) = if b.get(at + 1) == Some(&b':') {
        // One-digit hour: read it as `0h` so the two-digit reader applies.
        let mut v = b[..at].to_vec();
        v.push(b'0');
        v.extend_from_slice(&b[at..]);
        padded = v;
        (&padded, 1)
    } else {
        (b, 0)
    };
    let (mut h, mi, s, ns, p, end) = clock_part(bb, at, false)?;
    let mut end = end - shift;
    let ampm = b.get(end..end + 3).map(|w| w.to_ascii_uppercase());
    match ampm.as_deref() {
        Some(b" AM") | Some(b" PM") if (1..=12).contains(&h) => {
            let pm = ampm.as_deref() == Some(b" PM");
            h = match (h, pm) {
                (12, false) => 0,
                (12, true) => 12,
                (h, true) => h + 12,
                (h, false) => h,
            };
            end += 3;
        }
        _ if shift == 1 => return None,
        _ => {}
    }
    Some((h, mi, s, ns, p, end))
}

/// daemontools TAI64N label: `@` and 24 hex digits (seconds + 2^62, nanoseconds).
fn tai64n(b: &[u8]) -> Option<(Civil, usize)> {
    let hex = b.get(1..25)?;
    let mut v: u128 = 0;
    for &c in hex {
        v = v * 16 + (c as char).to_digit(16)? as u128;
    }
    let secs = (v >> 32) as i64 - (1i64 << 62) - 10;
    let nanos = (v & 0xffff_ffff) as i64;
    if !(0..1_000_000_000).contains(&nanos) || secs < 0 {
        return None;
    }
    Some((
        from_ns(secs.checked_mul(1_000_000_000)? + nanos, Precision::Nano),
        25,
    ))
}

/// Bare epoch number of `n` integer digits at the start of `b` (with optional `.frac`).
fn epoch_civil(b: &[u8], n: usize) -> Option<(Civil, usize)> {
    let (int, _) = run_digits(b, 0, n);
    let mut end = n;
    let mut frac_ns = 0u64;
    let mut fd = 0;
    if b.get(n) == Some(&b'.') {
        let (v, k) = run_digits(b, n + 1, 9);
        if k > 0 {
            frac_ns = v * 10u64.pow(9 - k as u32);
            fd = k;
            end = n + 1 + k;
            while b.get(end).is_some_and(u8::is_ascii_digit) {
                end += 1;
            }
        }
    }
    let ns = epoch_ns(int as i64, n, frac_ns, fd)?;
    let prec = match (n, fd) {
        (10, 0) => Precision::Second,
        (10, 1..=3) | (13, 0) => Precision::Milli,
        (10, 4..=6) | (13, _) | (16, 0) => Precision::Micro,
        _ => Precision::Nano,
    };
    Some((from_ns(ns, prec), end))
}

/// Epoch integer by magnitude (digit count): s, ms, µs, ns. Bounded to 2001..2286.
fn epoch_ns(int: i64, ndigits: usize, frac_ns: u64, _fd: usize) -> Option<i64> {
    let ns = match ndigits {
        10 => int
            .checked_mul(1_000_000_000)?
            .checked_add(frac_ns as i64)?,
        13 => int
            .checked_mul(1_000_000)?
            .checked_add((frac_ns / 1000) as i64)?,
        16 => int.checked_mul(1_000)?,
        19 => int,
        _ => return None,
    };
    Some(ns)
}

/// A [`Civil`] for a complete UTC instant.
pub(crate) fn from_ns(ns: i64, precision: Precision) -> Civil {
    let secs = ns.div_euclid(1_000_000_000);
    let nanos = ns.rem_euclid(1_000_000_000) as u32;
    let (y, mo, d) = civil_from_days(secs.div_euclid(86_400));
    let sod = secs.rem_euclid(86_400) as u32;
    Civil {
        year: Some(y),
        month: mo,
        day: d,
        hour: sod / 3600,
        min: sod / 60 % 60,
        sec: sod % 60,
        nanos,
        offset: Some(0),
        precision,
    }
}

fn scan_words(b: &[u8]) -> Option<(Civil, usize)> {
    let mut i = 0;
    // Optional weekday: `Mon Feb 21 ...` or `Mon, 10 Nov 2025 ...`
    if weekday3(b, 0) {
        let mut j = 3;
        while j < b.len() && b[j].is_ascii_alphabetic() {
            j += 1;
        }
        if b.get(j) == Some(&b',') {
            j += 1;
        }
        if b.get(j) != Some(&b' ') {
            return None;
        }
        i = j + 1;
        // RFC 2822: `10 Nov 2025 21:28:13 +0800`
        if b.get(i).is_some_and(u8::is_ascii_digit) {
            let (d, n) = run_digits(b, i, 2);
            let j = i + n;
            if b.get(j) != Some(&b' ') {
                return None;
            }
            let mo = month3(b, j + 1)?;
            let y = digits(b, j + 5, 4)? as i32;
            if b.get(j + 4) != Some(&b' ') || b.get(j + 9) != Some(&b' ') {
                return None;
            }
            let (h, mi, s, ns, p, end) = clock_part(b, j + 10, false)?;
            let c = civil(Some(y), mo, d as u32, (h, mi, s, ns, p));
            return Some(with_zone(b, c, end));
        }
    }
    // `Mon dd hh:mm:ss[.frac][ YYYY]`
    let mo = month3(b, i)?;
    let mut j = i + 3;
    while j < b.len() && b[j].is_ascii_alphabetic() {
        j += 1; // "June", "Sept"
    }
    if b.get(j) != Some(&b' ') {
        return None;
    }
    j += 1;
    if b.get(j) == Some(&b' ') {
        j += 1;
    }
    let (d, n) = run_digits(b, j, 2);
    if n == 0 {
        return None;
    }
    j += n;
    // `Oct 11, 2023 10:00:00`
    let mut year = None;
    if b.get(j) == Some(&b',') && b.get(j + 1) == Some(&b' ') {
        year = Some(digits(b, j + 2, 4)? as i32);
        j += 6;
    } else if b.get(j) == Some(&b' ')
        && digits(b, j + 1, 4).is_some()
        && b.get(j + 5) == Some(&b' ')
    {
        year = Some(digits(b, j + 1, 4)? as i32);
        j += 5;
    }
    if b.get(j) != Some(&b' ') {
        return None;
    }
    let (h, mi, s, ns, p, mut end) = clock_12h(b, j + 1)?;
    if year.is_none() && b.get(end) == Some(&b' ') {
        if let Some(y) = digits(b, end + 1, 4) {
            if boundary(b, end + 5) && (1970..2200).contains(&y) {
                year = Some(y as i32);
                end += 5;
            }
        }
    }
    let c = civil(year, mo, d as u32, (h, mi, s, ns, p));
    Some(with_zone(b, c, end))
}

/// Reads a whole field value as a time: an RFC 3339 / log-style string, or an epoch number
/// written as text (`"1700000000.5"`). Leading/trailing whitespace is ignored.
pub(crate) fn parse_value(s: &str) -> Option<Civil> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let b = t.as_bytes();
    if b.iter().all(|c| c.is_ascii_digit() || *c == b'.') {
        let n = b.iter().position(|&c| c == b'.').unwrap_or(b.len());
        return epoch_value(0.0, n, t);
    }
    let (c, end) = scan(t)?;
    if end == b.len() || end + 12 >= b.len() {
        Some(c)
    } else {
        None
    }
}

/// Epoch from a number written as `text` (`ndigits` integer digits choose s / ms / µs / ns).
/// Integer arithmetic on the digits, so no float rounding creeps in.
pub(crate) fn epoch_value(_v: f64, ndigits: usize, text: &str) -> Option<Civil> {
    let (int_s, frac_s) = text.split_once('.').unwrap_or((text, ""));
    let int: i64 = int_s.parse().ok()?;
    if int <= 0 || !frac_s.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    // fraction digits scaled to nanoseconds of the unit
    let frac_ns = |unit_digits: u32| -> i64 {
        let take = frac_s.len().min(unit_digits as usize);
        let v: i64 = frac_s[..take].parse().unwrap_or(0);
        v * 10i64.pow(unit_digits - take as u32)
    };
    let (ns, prec) = match ndigits {
        9 | 10 => {
            let p = match frac_s.len() {
                0 => Precision::Second,
                1..=3 => Precision::Milli,
                4..=6 => Precision::Micro,
                _ => Precision::Nano,
            };
            (int.checked_mul(1_000_000_000)? + frac_ns(9), p)
        }
        12 | 13 => (
            int.checked_mul(1_000_000)? + frac_ns(6),
            if frac_s.is_empty() {
                Precision::Milli
            } else {
                Precision::Micro
            },
        ),
        15 | 16 => (int.checked_mul(1_000)? + frac_ns(3), Precision::Micro),
        18 | 19 => (int, Precision::Nano),
        _ => return None,
    };
    Some(from_ns(ns, prec))
}

/// Epoch from a JSON number (integer or float).
pub(crate) fn epoch_number(n: &serde_json::Number) -> Option<Civil> {
    let text = n.to_string();
    let int_digits = text
        .split(['.', 'e', 'E'])
        .next()?
        .trim_start_matches('-')
        .len();
    if text.contains(['e', 'E']) {
        let v = n.as_f64()?;
        return epoch_value(v, int_digits, &format!("{v:.0}"));
    }
    epoch_value(0.0, int_digits, &text)
}

/// Time for a `--timestamps`/CRI prefix: RFC 3339 with `T` and an offset or `Z`.
pub(crate) fn scan_rfc3339_prefix(s: &str) -> Option<(i64, Precision, usize)> {
    let b = s.as_bytes();
    if b.len() < 20 || b.get(10) != Some(&b'T') || b.get(4) != Some(&b'-') {
        return None;
    }
    let (c, end) = scan(s)?;
    c.offset?;
    Some((c.to_ns()?, c.precision, end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ns(s: &str) -> i64 {
        let (c, _) = scan(s).unwrap_or_else(|| panic!("no time in {s:?}"));
        c.to_ns()
            .unwrap_or_else(|| panic!("incomplete time in {s:?}"))
    }

    const T0: i64 = 1_445_191_313_000_000_000; // 2015-10-18T18:01:53Z

    #[test]
    fn iso_forms_and_offsets() {
        assert_eq!(ns("2015-10-18 18:01:53,900 INFO"), T0 + 900_000_000);
        assert_eq!(ns("2015-10-18T18:01:53.9Z"), T0 + 900_000_000);
        assert_eq!(ns("2015-10-18T20:01:53+02:00"), T0);
        assert_eq!(ns("2015-10-18T20:01:53+0200"), T0);
        assert_eq!(ns("2015-10-18T10:01:53 PST"), T0);
        assert_eq!(ns("2015/10/18 18:01:53 [error]"), T0);
        assert_eq!(ns("2015-10-18T18:01:53.123456789123Z"), T0 + 123_456_789);
        let (c, n) = scan("2026-01-13T15:00:18.915573949+08:00 info").unwrap();
        assert_eq!(n, 35);
        assert_eq!(c.precision, Precision::Nano);
    }

    #[test]
    fn loghub_shapes() {
        assert_eq!(ns("081109 203615 148 INFO"), 1_226_262_975_000_000_000);
        assert_eq!(ns("17/06/09 20:10:40 INFO"), 1_497_039_040_000_000_000);
        assert_eq!(
            ns("2005-06-03-15.42.50.675872 R02"),
            1_117_813_370_675_872_000
        );
        let (c, _) = scan("03-17 16:13:38.811  1702").unwrap();
        assert_eq!(
            (c.year, c.month, c.day, c.nanos),
            (None, 3, 17, 811_000_000)
        );
        let (c, _) = scan("Jun  1 09:00:55 host").unwrap();
        assert_eq!((c.year, c.month, c.day, c.hour), (None, 6, 1, 9));
        assert_eq!(ns("1117838570 2005.06.03"), 1_117_838_570_000_000_000);
    }

    #[test]
    fn access_log_and_words() {
        assert_eq!(ns("10/Oct/2000:13:55:36 -0700]"), 971_211_336_000_000_000);
        assert_eq!(
            ns("Mon Feb 21 17:44:19 2011 [pid"),
            1_298_310_259_000_000_000
        );
        assert_eq!(
            ns("Mon, 10 Nov 2025 21:28:13 +0800"),
            1_762_781_293_000_000_000
        );
    }

    #[test]
    fn day_month_names_dots_and_twelve_hour_clocks() {
        // Tomcat / PHP: dd-Mon-yyyy
        assert_eq!(ns("18-Oct-2015 18:01:53.000 INFO"), T0);
        // European dd.mm.yyyy, and month-first US dates with AM/PM
        assert_eq!(ns("18.10.2015 18:01:53"), T0);
        assert_eq!(ns("10/18/2015 6:01:53 PM,next"), T0);
        assert_eq!(ns("10/18/2015 06:01:53 PM"), T0);
        assert_eq!(
            ns("10/19/2015 12:00:00 AM") - 86_400_000_000_000,
            T0 - 18 * 3600 * 1_000_000_000 - 113_000_000_000
        );
        // java.util.logging SimpleFormatter
        assert_eq!(ns("Oct 18, 2015 6:01:53 PM com.x.Y run"), T0);
        // Year-less month.day
        let (c, n) = scan("10.18 18:01:53] INFO").unwrap();
        assert_eq!((c.year, c.month, c.day, c.hour, n), (None, 10, 18, 18, 14));
        // A one-digit hour needs AM/PM to count; numbers that are not dates are not times.
        assert!(scan("10/18/2015 6:01:53 x").is_none());
        assert!(scan("1.5 12:00:00").is_none());
        assert!(scan("13.40 18:01:53").is_none());
    }

    #[test]
    fn epochs_by_magnitude() {
        let s = parse_value("1700000000").unwrap().to_ns().unwrap();
        assert_eq!(s, 1_700_000_000_000_000_000);
        assert_eq!(
            parse_value("1700000000123").unwrap().to_ns().unwrap(),
            1_700_000_000_123_000_000
        );
        assert_eq!(
            parse_value("1700000000123456").unwrap().to_ns().unwrap(),
            1_700_000_000_123_456_000
        );
        assert_eq!(
            parse_value("1700000000123456789").unwrap().to_ns().unwrap(),
            1_700_000_000_123_456_789
        );
        let f = parse_value("1764421486.0101476").unwrap();
        assert_eq!(f.to_ns().unwrap() / 1000, 1_764_421_486_010_147);
    }

    #[test]
    fn not_times() {
        for s in [
            "2015",
            "12:30 pm",
            "Error 2015-99-99",
            "1234567",
            "June is a month",
            "10.0.0.1 - -",
        ] {
            assert!(scan(s).and_then(|(c, _)| c.to_ns()).is_none(), "{s}");
        }
    }

    #[test]
    fn year_rollover_and_time_only() {
        let mut clk = Clock::new(2023);
        let dec = scan("Dec 31 23:59:59 h").unwrap().0;
        let jan = scan("Jan  1 00:00:01 h").unwrap().0;
        let a = clk.resolve(&dec).unwrap();
        let b = clk.resolve(&jan).unwrap();
        assert_eq!(b - a, 2_000_000_000);
        let t = scan("00:00:03.5 x").unwrap().0;
        assert_eq!(clk.resolve(&t).unwrap() - b, 2_500_000_000);
    }

    #[test]
    fn time_only_before_any_date_takes_the_default_day_and_says_so() {
        let mut clk = Clock::new(2024);
        clk.set_default_day(days_from_civil(2024, 6, 12));
        let t = clk.resolve(&scan("08:15:00 main INFO up").unwrap().0);
        assert_eq!(t, Some(civil_ns(2024, 6, 12, 8, 15, 0, 0, None)));
        assert_eq!(clk.assumed_day, Some(days_from_civil(2024, 6, 12)));
        assert_eq!(clk.assumed_year, None);
    }

    #[test]
    fn time_only_stamps_cross_midnight_in_either_order() {
        let at = |clk: &mut Clock, s: &str| clk.resolve(&scan(s).unwrap().0).unwrap();
        let mut up = Clock::new(2024);
        let a = at(&mut up, "23:59:58 x");
        let b = at(&mut up, "00:00:01 y");
        assert_eq!(b - a, 3_000_000_000);
        // Newest first: the day goes back.
        let mut down = Clock::new(2024);
        let c = at(&mut down, "00:00:01 y");
        let d = at(&mut down, "23:59:58 x");
        assert_eq!(c - d, 3_000_000_000);
        // An hour's gap within the day is not a day.
        let mut same = Clock::new(2024);
        let e = at(&mut same, "09:00:00 x");
        let f = at(&mut same, "08:00:00 y");
        assert_eq!(e - f, 3_600_000_000_000);
    }

    #[test]
    fn since_boot_counts_from_midnight_of_the_default_day() {
        let mut clk = Clock::new(2024);
        let t = clk.since_boot(1_500_000_000);
        assert_eq!(t, civil_ns(2024, 1, 1, 0, 0, 1, 500_000_000, None));
        assert!(clk.since_boot);
    }

    #[test]
    fn civil_roundtrip() {
        for d in [-1000i64, 0, 1, 59, 365, 11_000, 20_000, 100_000] {
            let (y, m, dd) = civil_from_days(d);
            assert_eq!(days_from_civil(y, m, dd), d);
        }
    }
}

#[cfg(test)]
mod regression_fuzz_overflow {
    /// Fuzzing found `run_digits` overflowing u64 on a long digit run inside a date.
    #[test]
    fn long_digit_run_in_a_date_does_not_panic() {
        let _ = super::run_digits(b"33333333333333333333333333", 0, 20);
        let files = vec![crate::InputFile::new(
            "x.log",
            b"2024-05-3333333333333333333333333333333333333333333333#000S\n".to_vec(),
        )];
        let corpus = crate::ingest(&files, &Default::default()).unwrap();
        assert_eq!(corpus.stats().lines, 1);
    }
}
