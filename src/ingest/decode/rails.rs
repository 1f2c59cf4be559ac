//! Rails request blocks (Rails 1.x and 2.x `production.log`): `Processing Ctrl#action (for IP
//! at YYYY-MM-DD HH:MM:SS) [METHOD]` opens a request; the lines up to and including its
//! `Completed in ...` line (session, parameters, rendering, SQL, redirects) continue it; the
//! status on the `Completed` line grades it (5xx error, 4xx warning).
//!
//! Promises: the time is read only from the `(for ... at TIME)` field of a `Processing` line;
//! continuation lines are only claimed inside an open request block, which a `Completed` line
//! or a blank line closes.

use super::{Ctx, Msg, Record};
use crate::ingest::{level, time, Format};

/// Decodes a request header, or a line inside an open request block.
pub(crate) fn decode(line: &str, ctx: &mut Ctx) -> Option<Record> {
    if let Some(r) = header(line, ctx) {
        ctx.rails_block = true;
        return Some(r);
    }
    if !ctx.rails_block {
        return None;
    }
    let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
    r.continuation = true;
    if line.starts_with("Completed in ") {
        ctx.rails_block = false;
        r.level = status(line)
            .map(level::from_http_status)
            .filter(|&l| l >= crate::ingest::Level::Warn);
    }
    Some(r)
}

fn header(line: &str, ctx: &mut Ctx) -> Option<Record> {
    let rest = line.strip_prefix("Processing ")?;
    let (action, rest) = rest.split_once(" (for ")?;
    if !action.contains('#') || action.contains(' ') {
        return None;
    }
    let (_, stamp) = rest.split_once(" at ")?;
    let (c, n) = time::scan(stamp)?;
    if !stamp[n..].starts_with(')') {
        return None;
    }
    let mut r = Record::new(Format::Classic, Msg::Range(0, line.len()));
    r.time = ctx.time(&c);
    if let Some(m) = line.rsplit_once('[').and_then(|(_, m)| m.strip_suffix(']')) {
        r.entities.http_method = Some(m.into());
    }
    Some(r)
}

/// The HTTP status of a `Completed in ... | 200 OK [url]` line.
fn status(line: &str) -> Option<u16> {
    let last = line.rsplit(" | ").next()?;
    let code = last.split_whitespace().next()?;
    code.parse().ok().filter(|s| (100..600).contains(s))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ingest::Level;

    #[test]
    fn a_request_block_is_one_event_graded_by_its_status() {
        let mut ctx = Ctx::new(None, 2024);
        assert!(
            decode("Rendering shop/index", &mut ctx).is_none(),
            "no block open"
        );
        let h = decode(
            "Processing ShopController#index (for 10.0.0.1 at 2009-03-02 10:00:05) [POST]",
            &mut ctx,
        )
        .expect("a header");
        assert!(!h.continuation);
        assert!(h.time.is_some());
        assert_eq!(h.entities.http_method.as_deref(), Some("POST"));
        for l in [
            "  Parameters: {\"id\"=>\"1\"}",
            "Rendering shop/index",
            "Redirected to /x",
        ] {
            assert!(decode(l, &mut ctx).unwrap().continuation, "{l}");
        }
        let done = decode(
            "Completed in 0.5 (2 reqs/sec) | DB: 0.1 (20%) | 500 Internal Server Error [http://h/shop]",
            &mut ctx,
        )
        .unwrap();
        assert!(done.continuation);
        assert_eq!(done.level, Some(Level::Error));
        assert!(decode("Rendering after the block", &mut ctx).is_none());
        let ok = "Completed in 0.1 (9 reqs/sec) | 200 OK [http://h/]";
        assert_eq!(status(ok), Some(200));
    }

    #[test]
    fn prose_about_processing_is_no_header() {
        let mut ctx = Ctx::new(None, 2024);
        for l in [
            "Processing order 12 (for customer at 2009-03-02 10:00:05) now",
            "Processing Shop#index (for 10.0.0.1 at noon) [GET]",
        ] {
            assert!(decode(l, &mut ctx).is_none(), "{l}");
        }
    }
}
