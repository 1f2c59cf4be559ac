//! Two record layouts that carry their time in a structured field rather than at the head:
//! Linux audit records (`type=KIND msg=audit(EPOCH.mmm:SERIAL): fields`, optionally after
//! `node=HOST`) and CMTrace lines (`<![LOG[message]LOG]!><time="HH:MM:SS.mmm+BIAS"
//! date="MM-DD-YYYY" component="X" type="N" ...>`, Configuration Manager and other Windows
//! tools).
//!
//! Promises: `None` unless the line has the layout's frame; the time is read only from the
//! layout's own field (the audit stamp, the `time`/`date` attributes), never from the message.

use super::{Ctx, Msg, Record};
use crate::ingest::{time, Format, Level, Precision};

/// A Linux audit record. The message keeps the record type and its fields (the miner masks the
/// stamp and the numbers), so `type=USER_LOGIN` records group apart from `type=SYSCALL` ones.
pub(crate) fn audit(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let body = match line.strip_prefix("node=") {
        Some(rest) => rest.split_once(' ')?.1,
        None => line,
    };
    let kind = body.strip_prefix("type=")?;
    let (_, rest) = kind.split_once(' ')?;
    let stamp = rest.strip_prefix("msg=audit(")?;
    let (stamp, _) = stamp.split_once(')')?;
    let (epoch, serial) = stamp.split_once(':')?;
    if !serial.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let (secs, frac) = epoch.split_once('.').unwrap_or((epoch, ""));
    if secs.len() != 10 || !(secs.bytes().chain(frac.bytes())).all(|c| c.is_ascii_digit()) {
        return None;
    }
    let c = time::epoch_value(0.0, secs.len(), epoch)?;
    let start = line.len() - body.len();
    let mut r = Record::new(Format::Logfmt, Msg::Range(start, line.len()));
    if let Some(ns) = c.to_ns() {
        r.time = ctx.full_time(ns, c.precision);
    }
    if line.contains(" res=failed") || line.contains(" success=no") {
        r.level = Some(Level::Warn);
    }
    Some(r)
}

/// A CMTrace line: the message between `<![LOG[` and `]LOG]!>`, then attributes. `time` is
/// local time with the Windows bias in minutes (UTC = local + bias); `type` 1/2/3 is
/// information/warning/error. An entry whose message runs over several lines (no `]LOG]!>` on
/// its first line) is left to the caller.
pub(crate) fn cmtrace(line: &str, ctx: &mut Ctx) -> Option<Record> {
    const OPEN: &str = "<![LOG[";
    const CLOSE: &str = "]LOG]!>";
    let t = line.trim_start_matches('\u{feff}');
    let off = line.len() - t.len();
    let body = t.strip_prefix(OPEN)?;
    let close = body.find(CLOSE)?;
    let attrs = &body[close + CLOSE.len()..];
    let msg_start = off + OPEN.len();
    let mut r = Record::new(Format::Classic, Msg::Range(msg_start, msg_start + close));
    r.time =
        cm_time(attr(attrs, "time"), attr(attrs, "date")).and_then(|(ns, p)| ctx.full_time(ns, p));
    r.level = match attr(attrs, "type") {
        Some("1") => Some(Level::Info),
        Some("2") => Some(Level::Warn),
        Some("3") => Some(Level::Error),
        _ => None,
    };
    r.entities.component = attr(attrs, "component")
        .filter(|c| !c.is_empty())
        .map(Into::into);
    Some(r)
}

/// The value of `name="value"` in an attribute list.
fn attr<'a>(attrs: &'a str, name: &str) -> Option<&'a str> {
    let mut rest = attrs;
    loop {
        let at = rest.find(name)?;
        let before = rest[..at].chars().next_back();
        let after = &rest[at + name.len()..];
        if before.is_none_or(|c| !c.is_ascii_alphanumeric()) {
            if let Some(v) = after.strip_prefix("=\"") {
                return v.split_once('"').map(|(v, _)| v);
            }
        }
        rest = after;
    }
}

/// `HH:MM:SS.mmm+BIAS` and `MM-DD-YYYY` to UTC nanoseconds.
fn cm_time(t: Option<&str>, d: Option<&str>) -> Option<(i64, Precision)> {
    let (t, d) = (t?, d?);
    let (clock, bias) = match t.rfind(['+', '-']) {
        Some(i) if i > 0 => (&t[..i], t[i..].parse::<i64>().ok()?),
        _ => (t, 0),
    };
    let mut parts = d.split(['-', '/']);
    let (mo, day, y) = (parts.next()?, parts.next()?, parts.next()?);
    let stamp = format!("{y}-{mo:0>2}-{day:0>2} {clock}");
    let (c, n) = time::scan(&stamp)?;
    if n != stamp.len() {
        return None;
    }
    let local = c.to_ns()?;
    Some((local + bias * 60_000_000_000, c.precision))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> Ctx {
        Ctx::new(None, 2024)
    }

    #[test]
    fn audit_records_take_their_stamp_and_keep_their_type() {
        let l = "type=USER_LOGIN msg=audit(1700000000.250:42): pid=7 uid=0 res=failed";
        let r = audit(l, &mut ctx()).expect("an audit record");
        assert_eq!(r.time, Some((1_700_000_000_250_000_000, Precision::Milli)));
        assert_eq!(r.message_text(l), l);
        assert_eq!(r.level, Some(Level::Warn));
        let l = "node=web1 type=SYSCALL msg=audit(1700000001.000:43): arch=c000003e success=yes";
        let r = audit(l, &mut ctx()).expect("with a node prefix");
        assert!(r.message_text(l).starts_with("type=SYSCALL"));
        assert_eq!(r.level, None);
        assert!(audit("type=X msg=hello", &mut ctx()).is_none());
        assert!(audit("type=X msg=audit(12:1): short epoch", &mut ctx()).is_none());
    }

    #[test]
    fn cmtrace_lines_read_local_time_with_the_bias_level_and_component() {
        let l = r#"<![LOG[Download failed.]LOG]!><time="10:15:30.250+300" date="03-09-2024" component="Agent" context="" type="3" thread="12" file="a.cpp:1">"#;
        let r = cmtrace(l, &mut ctx()).expect("a CMTrace line");
        assert_eq!(r.message_text(l), "Download failed.");
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.component.as_deref(), Some("Agent"));
        // 10:15:30.250 local, bias +300 minutes: 15:15:30.250 UTC.
        let want = time::scan("2024-03-09T15:15:30.250Z")
            .unwrap()
            .0
            .to_ns()
            .unwrap();
        assert_eq!(r.time.map(|t| t.0), Some(want));
        assert!(cmtrace("<![LOG[starts here but goes on", &mut ctx()).is_none());
        assert!(cmtrace("<html>", &mut ctx()).is_none());
    }
}
