//! The kernel ring buffer as `dmesg` prints it: `[  12.345678] msg`, the stamp being seconds
//! since boot. Also its raw form with the syslog priority in front (`<3>[  12.345678] msg`,
//! `dmesg -r`), its decoded form (`kern  :err   : [  12.345678] msg`, `dmesg -x`) and the
//! caller field some kernels add (`[  12.345678] [  T412] msg`).
//!
//! Promise: the boot time is not in the text, so times count from an assumed origin (see
//! [`crate::ingest::time::Clock::since_boot`]) that the report states; order and gaps are real.
//! Without a priority the line has no level (the kernel's levels are not in the text).

use super::{syslog, Ctx, Msg, Record};
use crate::ingest::event::Precision;
use crate::ingest::{level, time, Format};

/// Syslog severity names as `dmesg -x` prints them, in severity order (0 = emerg).
const SEVERITIES: [&str; 8] = [
    "emerg", "alert", "crit", "err", "warn", "notice", "info", "debug",
];

pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let (severity, at) = prefix(line)?;
    let (ns, end) = boot_stamp(b, at)?;
    let msg = caller_field(b, end).unwrap_or(end);
    let mut r = Record::new(Format::Kernel, Msg::Range(msg.min(b.len()), b.len()));
    r.time = Some((ctx.clock.since_boot(ns), Precision::Micro));
    r.level = severity.and_then(level::from_syslog);
    Some(r)
}

/// An optional `<PRI>` or `facility:severity:` prefix: (severity, where the stamp starts).
fn prefix(line: &str) -> Option<(Option<u32>, usize)> {
    let b = line.as_bytes();
    match b.first()? {
        b'[' => Some((None, 0)),
        b'<' => {
            let (pri, n) = syslog::pri(b)?;
            Some((Some(pri % 8), n))
        }
        _ => {
            // Both fields are padded to a fixed width: look no further than that.
            let colon = b.iter().take(10).position(|&c| c == b':')?;
            let facility = line[..colon].trim_end();
            let rest = &line[colon + 1..];
            let sev_end = rest.as_bytes().iter().take(8).position(|&c| c == b':')?;
            let sev = SEVERITIES
                .iter()
                .position(|s| *s == rest[..sev_end].trim())? as u32;
            let facility_ok =
                !facility.is_empty() && facility.bytes().all(|c| c.is_ascii_alphanumeric());
            let at = colon + 1 + sev_end + 1;
            let at = at + b[at..].iter().take_while(|&&c| c == b' ').count();
            facility_ok.then_some((Some(sev), at))
        }
    }
}

/// `[ seconds.fraction]` at `at`, spaces allowed after the bracket: (nanoseconds since boot,
/// the byte after the `]` and one space).
fn boot_stamp(b: &[u8], at: usize) -> Option<(i64, usize)> {
    if b.get(at) != Some(&b'[') {
        return None;
    }
    let mut i = at + 1;
    while b.get(i) == Some(&b' ') {
        i += 1;
    }
    let (secs, n) = digits(b, i, 10)?;
    i += n;
    if b.get(i) != Some(&b'.') {
        return None;
    }
    let (frac, m) = digits(b, i + 1, 9)?;
    i += 1 + m;
    if b.get(i) != Some(&b']') {
        return None;
    }
    i += 1;
    match b.get(i) {
        None => {}
        Some(b' ') => i += 1,
        Some(_) => return None,
    }
    let nanos = frac as i64 * 10i64.pow(9 - m as u32);
    Some((secs as i64 * 1_000_000_000 + nanos, i))
}

/// The `[  T412]` / `[    C3]` caller field after the stamp: the byte after it.
fn caller_field(b: &[u8], at: usize) -> Option<usize> {
    if b.get(at) != Some(&b'[') {
        return None;
    }
    let close = at + b[at..].iter().take(12).position(|&c| c == b']')?;
    let inner = std::str::from_utf8(&b[at + 1..close]).ok()?.trim_start();
    let id = inner.strip_prefix(['T', 'C'])?;
    let ok = !id.is_empty() && id.bytes().all(|c| c.is_ascii_digit());
    ok.then(|| (close + 2).min(b.len()))
}

/// 1..=`max` ASCII digits at `at`, and no more: (value, count).
fn digits(b: &[u8], at: usize, max: usize) -> Option<(u64, usize)> {
    let (v, n) = time::run_digits(b, at, max + 1);
    (1..=max).contains(&n).then_some((v, n))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    fn read(line: &str) -> Option<(i64, Option<Level>, String)> {
        let mut ctx = Ctx::new(None, 2024);
        let r = decode(line, &mut ctx)?;
        let t = r.time?.0 - ctx.clock.since_boot(0);
        Some((t, r.level, r.message_text(line).to_string()))
    }

    #[test]
    fn plain_dmesg_counts_seconds_since_boot_with_no_level() {
        let (t, lvl, msg) = read("[   12.500000] eth0: link up").unwrap();
        assert_eq!(t, 12_500_000_000);
        assert_eq!(lvl, None);
        assert_eq!(msg, "eth0: link up");
        assert_eq!(read("[0.000000] Linux version").unwrap().0, 0);
    }

    #[test]
    fn raw_priority_and_decoded_severity_give_the_level() {
        let (t, lvl, msg) = read("<3>[  100.000001] Out of memory: Killed process").unwrap();
        assert_eq!((t, lvl), (100_000_001_000, Some(Level::Error)));
        assert_eq!(msg, "Out of memory: Killed process");
        let (_, lvl, msg) = read("kern  :warn  : [    3.141592] CPU temperature above").unwrap();
        assert_eq!(lvl, Some(Level::Warn));
        assert_eq!(msg, "CPU temperature above");
    }

    #[test]
    fn caller_field_is_not_the_message() {
        let (_, _, msg) = read("[    1.000000] [    T1] systemd[1]: started").unwrap();
        assert_eq!(msg, "systemd[1]: started");
    }

    #[test]
    fn not_a_boot_stamp() {
        for l in [
            "[INFO] started",
            "[12:00:01] [main/INFO]: up",
            "[1.2.3] version",
            "[ 12.5]x glued",
            "user: error: no stamp",
            "[12345678901.000000] too many digits",
        ] {
            assert!(read(l).is_none(), "{l}");
        }
    }
}
