//! Phone numbers that fill a cell. A national number is written as the trunk prefix `0` and
//! an area or mobile code, a space, then the subscriber number (DIN 5008 `030 12345678`,
//! `0152 12345678`; Austria `0664 1234567`; the Netherlands `010 1234567`). In prose that
//! layout is too plain to trust, but as the whole of a delimited cell — a quoted argument or
//! value (`'0152 28893064'`), a CSV or table cell (`|030 1234567|`) — it is a phone number.

use super::{SecretKind, Span};

/// Spans of cells of `line` that hold only a national phone number.
pub(crate) fn national_phones(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(off) = b[i..].iter().position(|&c| c == b'0') {
        let s = i + off;
        i = s + 1;
        let Some(&open) = s.checked_sub(1).and_then(|p| b.get(p)) else {
            continue;
        };
        if !opens_cell(open) {
            continue;
        }
        let Some(e) = national_layout(b, s) else {
            continue;
        };
        if closes_cell(open, b.get(e).copied()) {
            out.push(Span::new(s, e, SecretKind::Phone));
            i = e;
        }
    }
}

fn opens_cell(c: u8) -> bool {
    matches!(c, b'\'' | b'"' | b'|' | b',' | b';' | b'\t')
}

/// A quoted cell closes with its quote; a separated one with a separator or the line's end.
fn closes_cell(open: u8, next: Option<u8>) -> bool {
    match open {
        b'\'' | b'"' => next == Some(open),
        _ => next.is_none_or(|c| matches!(c, b'|' | b',' | b';' | b'\t' | b'\r')),
    }
}

/// The end of `0` + 2-4 digits (the first not 0), a space, 6-8 digits, starting at `s`: 10 to
/// 12 digits in all, as national numbers are.
fn national_layout(b: &[u8], s: usize) -> Option<usize> {
    let run = |from: usize| b[from..].iter().take_while(|c| c.is_ascii_digit()).count();
    let code = run(s);
    if !(3..=5).contains(&code) || b.get(s + 1) == Some(&b'0') || b.get(s + code) != Some(&b' ') {
        return None;
    }
    let sub = run(s + code + 1);
    ((6..=8).contains(&sub) && (10..=12).contains(&(code + sub))).then_some(s + code + 1 + sub)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn phones(line: &str) -> Vec<&str> {
        let mut out = Vec::new();
        national_phones(line, &mut out);
        out.iter().map(|s| &line[s.start..s.end]).collect()
    }

    #[test]
    fn a_national_number_that_fills_its_cell() {
        assert_eq!(
            phones("7|ana@example.org|030 12345678|2024-01-02"),
            ["030 12345678"]
        );
        assert_eq!(phones("crm->push('x', '0151 23456789')"), ["0151 23456789"]);
        assert_eq!(phones(r#"{"tel":"0664 1234567"}"#), ["0664 1234567"]);
        assert_eq!(phones("12,010 1234567"), ["010 1234567"]);
    }

    #[test]
    fn other_numbers_and_numbers_in_prose_stay() {
        for line in [
            "called 030 12345678 twice",
            "'030 12345678 ext'",
            "|0000 12345678|",
            "|030 123|",
            "|0300 123456789|",
            "'12 34567890'",
        ] {
            assert!(phones(line).is_empty(), "{line}");
        }
    }
}
