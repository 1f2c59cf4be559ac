//! Physical lines: `\n`, `\r\n` and a lone trailing `\r` end a line; a final line without a
//! terminator still counts (old Mac text with only `\r` is split on `\r`). Classifies lines that
//! are not text (NULs, control bytes, mostly-replaced bytes). ANSI colour codes are text here;
//! the decoders strip them from messages (`decode::strip_ansi`), raw lines stay verbatim.

use super::Unparsed;

/// Byte range of one line in the text, terminator excluded.
pub(crate) type LineSpan = (usize, usize);

/// Splits text into line spans. `"a\nb"` and `"a\nb\n"` both have two lines; `""` has none.
pub(crate) fn lines(text: &str) -> Vec<LineSpan> {
    let bytes = text.as_bytes();
    if memchr::memchr(b'\n', bytes).is_none() && memchr::memchr(b'\r', bytes).is_some() {
        return cr_lines(bytes);
    }
    let mut out = Vec::with_capacity(bytes.len() / 64 + 1);
    let mut start = 0;
    for nl in memchr::memchr_iter(b'\n', bytes) {
        let mut end = nl;
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        out.push((start, end));
        start = nl + 1;
    }
    if start < bytes.len() {
        let mut end = bytes.len();
        if bytes[end - 1] == b'\r' {
            end -= 1;
        }
        out.push((start, end));
    }
    out
}

/// Text whose only line terminator is `\r` (classic Mac OS): one line per `\r`.
fn cr_lines(bytes: &[u8]) -> Vec<LineSpan> {
    let mut out = Vec::new();
    let mut start = 0;
    for cr in memchr::memchr_iter(b'\r', bytes) {
        out.push((start, cr));
        start = cr + 1;
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

/// True when a line is binary junk rather than text: it holds a NUL, more than a tenth of it is
/// control characters other than tab and ESC (ANSI colour codes are text), or more than a third
/// of it is U+FFFD (bytes that were not UTF-8).
pub(crate) fn is_binary(line: &str) -> bool {
    let b = line.as_bytes();
    // Nearly every line has neither a control byte nor a U+FFFD lead byte: a byte-wide OR pass
    // (it vectorises to full-width byte lanes) settles them before the counting pass below.
    let mut flag = 0u8;
    for &c in b {
        flag |= u8::from(c < 0x20 && c != b'\t' && c != 0x1b && c != b'\r') | u8::from(c == 0xEF);
    }
    if flag == 0 {
        return false;
    }
    // The rest: count control bytes and note any NUL or U+FFFD lead byte.
    let mut ctrl = 0usize;
    let mut suspect = false;
    for &c in b {
        ctrl += usize::from(c < 0x20 && c != b'\t' && c != 0x1b && c != b'\r');
        suspect |= c == 0 || c == 0xEF;
    }
    if ctrl == 0 && !suspect {
        return false;
    }
    if memchr::memchr(0, b).is_some() || ctrl * 10 > b.len() {
        return true;
    }
    // U+FFFD is EF BF BD in UTF-8.
    if suspect {
        let repl = memchr::memmem::find_iter(b, "\u{FFFD}".as_bytes()).count();
        let chars = line.chars().count();
        return repl >= 2 && repl * 3 > chars;
    }
    false
}

/// True when the line before `line` was unparsed: an event never spans an unparsed line, so
/// blanks and continuations after one do not join the event before it.
pub(crate) fn after_unparsed(unparsed: &[Unparsed], file: u32, line: u32) -> bool {
    unparsed
        .last()
        .is_some_and(|u| u.file == file && u.line + 1 == line)
}

pub(crate) fn is_blank(line: &str) -> bool {
    line.bytes().all(|c| c == b' ' || c == b'\t')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crlf_and_missing_final_newline() {
        let t = "a\r\nb\nc";
        let l = lines(t);
        assert_eq!(
            l.iter().map(|&(a, b)| &t[a..b]).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn empty_text_has_no_lines_and_blank_lines_count() {
        assert!(lines("").is_empty());
        assert_eq!(lines("\n\n").len(), 2);
    }

    #[test]
    fn lone_cr_text_is_split() {
        let t = "a\rb\rc";
        assert_eq!(lines(t).len(), 3);
        // A `\r` inside `\n` text (progress bars) stays inside its line.
        assert_eq!(lines("a\rb\nc\n").len(), 2);
    }

    #[test]
    fn replacement_chars_are_binary() {
        assert!(is_binary("\u{FFFD}\u{FFFD}\u{FFFD}a\u{FFFD}"));
        assert!(!is_binary("caf\u{FFFD} ok with text around it"));
    }

    #[test]
    fn control_bytes_past_a_tenth_are_binary() {
        assert!(is_binary("\x01\x02abcdefgh"));
        assert!(!is_binary("\x01abcdefghij"));
        assert!(!is_binary("tab\tseparated\tand crlf\r"));
        assert!(!is_binary(""));
    }

    #[test]
    fn nul_is_binary_ansi_is_not() {
        assert!(is_binary("ab\0cd"));
        assert!(!is_binary("\x1b[31mERROR\x1b[0m boom"));
    }
}
