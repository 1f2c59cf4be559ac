//! Physical lines: `\n`, `\r\n` and a lone trailing `\r` end a line; a final line without a
//! terminator still counts. Classifies lines that are not text (NULs, control bytes).

/// Byte range of one line in the text, terminator excluded.
pub(crate) type LineSpan = (usize, usize);

/// Splits text into line spans. `"a\nb"` and `"a\nb\n"` both have two lines; `""` has none.
pub(crate) fn lines(text: &str) -> Vec<LineSpan> {
    let bytes = text.as_bytes();
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

/// True when a line is binary junk rather than text: it holds a NUL, or more than a tenth of it
/// is control characters other than tab and ESC (ANSI colour codes are text).
pub(crate) fn is_binary(line: &str) -> bool {
    let b = line.as_bytes();
    if memchr::memchr(0, b).is_some() {
        return true;
    }
    let ctrl = b.iter().filter(|&&c| c < 0x20 && c != b'\t' && c != 0x1b && c != b'\r').count();
    ctrl * 10 > b.len()
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
        assert_eq!(l.iter().map(|&(a, b)| &t[a..b]).collect::<Vec<_>>(), ["a", "b", "c"]);
    }

    #[test]
    fn empty_text_has_no_lines_and_blank_lines_count() {
        assert!(lines("").is_empty());
        assert_eq!(lines("\n\n").len(), 2);
    }

    #[test]
    fn nul_is_binary_ansi_is_not() {
        assert!(is_binary("ab\0cd"));
        assert!(!is_binary("\x1b[31mERROR\x1b[0m boom"));
    }
}
