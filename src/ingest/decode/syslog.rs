//! Syslog: RFC 3164 (`<PRI>Mon dd hh:mm:ss host app[pid]: msg`, year inferred) and RFC 5424
//! (`<PRI>1 TS host app procid msgid [SD] msg`). PRI sets the level (severity = PRI % 8).

use super::{Ctx, Msg, Record};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::Format;

/// `<PRI>` at the start: (pri, bytes).
pub(super) fn pri(b: &[u8]) -> Option<(u32, usize)> {
    if b.first() != Some(&b'<') {
        return None;
    }
    let mut v = 0u32;
    let mut i = 1;
    while i < b.len() && i <= 4 && b[i].is_ascii_digit() {
        v = v * 10 + (b[i] - b'0') as u32;
        i += 1;
    }
    if i == 1 || b.get(i) != Some(&b'>') || v > 191 {
        return None;
    }
    Some((v, i + 1))
}

fn token(s: &str, at: usize) -> (&str, usize) {
    let b = s.as_bytes();
    let mut e = at;
    while e < b.len() && b[e] != b' ' {
        e += 1;
    }
    (&s[at..e], e)
}

/// `app[pid]:` / `app:` / `app(sub)[pid]:` tag: (app, end after `:` and one space).
fn tag(s: &str, at: usize) -> Option<(&str, usize)> {
    let b = s.as_bytes();
    let mut i = at;
    while i < b.len() && i - at < 64 && !matches!(b[i], b' ' | b'[' | b':') {
        i += 1;
    }
    if i == at {
        return None;
    }
    let app = &s[at..i];
    if b.get(i) == Some(&b'[') {
        while i < b.len() && b[i] != b']' && b[i] != b' ' {
            i += 1;
        }
        if b.get(i) != Some(&b']') {
            return None;
        }
        i += 1;
    }
    if b.get(i) != Some(&b':') {
        return None;
    }
    i += 1;
    if b.get(i) == Some(&b' ') {
        i += 1;
    } else if i < b.len() {
        return None;
    }
    if !app.bytes().any(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    Some((app, i))
}

pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let (pri, mut i) = match pri(b) {
        Some((p, n)) => (Some(p), n),
        None => (None, 0),
    };
    // RFC 5424: `<PRI>1 `
    if pri.is_some() && b.get(i) == Some(&b'1') && b.get(i + 1) == Some(&b' ') {
        return rfc5424(line, pri.unwrap_or(0), i + 2, ctx);
    }
    let rest = &line[i..];
    let (c, n) = time::scan(rest)?;
    let month_word = rest.as_bytes()[0].is_ascii_alphabetic();
    if !(month_word || pri.is_some()) {
        // An ISO stamp with a syslog tag after the host (rsyslog high-precision format).
        c.year?;
    }
    i += n;
    if b.get(i) != Some(&b' ') {
        return None;
    }
    i += 1;
    let mut r = Record::new(Format::Syslog3164, Msg::Range(i, line.len()));
    let (host, he) = token(line, i);
    let host_ok = !host.is_empty() && level::from_word(host.trim_end_matches(':')).is_none();
    if host_ok && b.get(he) == Some(&b' ') {
        if let Some((app, me)) = tag(line, he + 1) {
            r.entities.host = Some(host.into());
            r.service = Some(app.to_string());
            r.message = Msg::Range(me, line.len());
        } else if !month_word && pri.is_none() {
            return None;
        }
    } else if let (true, Some((app, me))) = (month_word, tag(line, i)) {
        // `Mon dd hh:mm:ss app[pid]: msg` without a host (macOS, some exporters)
        r.service = Some(app.to_string());
        r.message = Msg::Range(me, line.len());
    } else if !month_word && pri.is_none() {
        return None;
    }
    if pri.is_none() && !month_word && r.service.is_none() {
        return None;
    }
    r.time = ctx.time(&c);
    r.level = pri.and_then(|p| level::from_syslog(p % 8));
    if let Msg::Range(start, end) = r.message {
        if let Some(h) = super::classic::klog_head(&line[start..end]) {
            // Kubernetes components under systemd: the klog header inside says the level (its
            // date and time repeat the syslog stamp).
            r.level = r.level.or(Some(h.level));
            r.message = Msg::Range(start + h.message, end);
        }
    }
    Some(r)
}

/// rsyslog's high-precision file format, `2025-03-04T15:00:11.402+01:00 host app[pid]: msg`:
/// read as syslog only when the tag carries a pid, so a container line that happens to start
/// with an ISO time and two words (`kubectl logs --timestamps`) stays what it is.
pub(crate) fn decode_iso(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let r = decode(line, ctx)?;
    let Msg::Range(start, _) = r.message else {
        return None;
    };
    let head = line.get(..start)?.trim_end();
    (r.service.is_some() && r.entities.host.is_some() && head.ends_with("]:")).then_some(r)
}

fn rfc5424(line: &str, pri: u32, at: usize, ctx: &mut Ctx) -> Option<Record> {
    let b = line.as_bytes();
    let (ts, e) = token(line, at);
    let mut r = Record::new(Format::Syslog5424, Msg::Range(line.len(), line.len()));
    r.level = level::from_syslog(pri % 8);
    if ts != "-" {
        let c = time::parse_value(ts)?;
        r.time = ctx.time(&c);
    }
    let (host, e) = token(line, e + 1);
    let (app, e) = token(line, e + 1);
    let (procid, e) = token(line, e + 1);
    let (_msgid, e) = token(line, e + 1);
    if host != "-" {
        r.entities.host = Some(host.into());
    }
    if app != "-" && !app.is_empty() {
        r.service = Some(app.to_string());
    }
    let _ = procid;
    let mut i = e + 1;
    if i >= b.len() {
        return Some(r);
    }
    // Structured data: `-` or one or more `[id k="v" ...]`.
    if b[i] == b'-' {
        i += 1;
    } else {
        while b.get(i) == Some(&b'[') {
            let mut in_q = false;
            let mut esc = false;
            let sd_start = i;
            while i < b.len() {
                let c = b[i];
                i += 1;
                if esc {
                    esc = false;
                } else if c == b'\\' {
                    esc = true;
                } else if c == b'"' {
                    in_q = !in_q;
                } else if c == b']' && !in_q {
                    break;
                }
            }
            let sd = &line[sd_start..i];
            for key in ["trace_id=\"", "traceId=\"", "request_id=\""] {
                if let Some(p) = sd.find(key) {
                    let v = &sd[p + key.len()..];
                    if let Some(q) = v.find('"') {
                        let v = v[..q].to_string();
                        if key.starts_with("trace") {
                            r.entities.trace_id = Some(v.into());
                        } else {
                            r.entities.request_id = Some(v.into());
                        }
                    }
                }
            }
        }
    }
    if b.get(i) == Some(&b' ') {
        i += 1;
    }
    // A UTF-8 BOM may open the message.
    let msg_start = if line[i.min(line.len())..].starts_with('\u{FEFF}') {
        i + 3
    } else {
        i.min(line.len())
    };
    r.message = Msg::Range(msg_start, line.len());
    Some(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::{Level, Precision};

    #[test]
    fn rfc3164_with_and_without_pri() {
        let mut ctx = Ctx::new(None, 2005);
        let l = "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; user=root";
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.service.as_deref(), Some("sshd(pam_unix)"));
        assert_eq!(r.entities.host.as_deref(), Some("combo"));
        assert_eq!(r.message_text(l), "authentication failure; user=root");
        assert_eq!(r.time, Some((1_118_762_161_000_000_000, Precision::Second)));
        assert_eq!(r.level, None);
        let l = "<11>Jun 14 15:16:02 web nginx: upstream down";
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.message_text(l), "upstream down");
    }

    #[test]
    fn rfc5424_fields() {
        let mut ctx = Ctx::new(None, 1970);
        let l = r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application"] An application event"#;
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::Syslog5424);
        assert_eq!(r.level, Some(Level::Notice));
        assert_eq!(r.service.as_deref(), Some("evntslog"));
        assert_eq!(r.message_text(l), "An application event");
        assert_eq!(r.time.unwrap().0, 1_065_910_455_003_000_000);
        let l = "<34>1 2003-10-11T22:14:15Z host su - - - 'su root' failed";
        let r = decode(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Critical));
        assert_eq!(r.message_text(l), "'su root' failed");
    }

    #[test]
    fn rsyslog_high_precision_lines_with_a_pid() {
        let mut ctx = Ctx::new(None, 1970);
        let l =
            "2025-03-04T15:00:11.402000+01:00 ns1 zoned[912]: zone example.org/IN: loaded serial 7";
        let r = decode_iso(l, &mut ctx).unwrap();
        assert_eq!(r.service.as_deref(), Some("zoned"));
        assert_eq!(r.entities.host.as_deref(), Some("ns1"));
        assert_eq!(r.message_text(l), "zone example.org/IN: loaded serial 7");
        // Without a pid the line may be a container's own output after `--timestamps`.
        assert!(decode_iso("2025-03-04T15:00:11Z orders-api cache: warm", &mut ctx).is_none());
    }

    #[test]
    fn not_syslog() {
        let mut ctx = Ctx::new(None, 1970);
        assert!(decode("2015-10-18 18:01:47,978 INFO [main] a.B: x", &mut ctx).is_none());
        assert!(decode("hello world", &mut ctx).is_none());
    }

    #[test]
    fn a_klog_header_inside_a_syslog_message_gives_the_level() {
        let mut ctx = Ctx::new(None, 2024);
        let line = "Apr  2 08:12:55 node-3 kubelet[1432]: E0402 08:12:55.003381    1432 \
                    pod_workers.go:1298] \"Error syncing pod\" pod=\"shop/api-0\"";
        let r = decode(line, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert!(r.message_text(line).starts_with("\"Error syncing pod\""));
        // An ordinary message keeps its text and has no level.
        let plain = "Apr  2 08:12:56 node-3 sshd[77]: I0402 is not a header here";
        let r = decode(plain, &mut ctx).unwrap();
        assert_eq!(r.level, None);
        assert_eq!(r.message_text(plain), "I0402 is not a header here");
    }
}
