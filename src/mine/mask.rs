//! Tokenizing and masking: one pass over a message, writing the masked tokens into a buffer.
//!
//! A token is a run of non-whitespace. Inside a token, *segments* are the runs between
//! delimiters (`=`, `:`, `,`, brackets, quotes, ...). A segment holding a digit is a variable
//! (numbers, hex, ids, IPs, ports, durations, dates, versions) and becomes `<*>`. Whole tokens
//! that are paths or URLs, and month or weekday names, are variables too. Hand-written, no regex:
//! the cost is a few comparisons per byte.

/// The wildcard shown in templates.
pub const WILDCARD: &str = "<*>";

/// Masked tokens of one message, stored as ranges into one reusable buffer.
#[derive(Debug, Default)]
pub struct Masked {
    /// Masked tokens joined by single spaces.
    pub text: String,
    /// Byte range of every token in `text`.
    pub spans: Vec<(u32, u32)>,
}

const SPACE: u8 = 1;
const DELIM: u8 = 2;
const DIGIT: u8 = 4;
const QUOTE: u8 = 8;

/// Byte classes, one table lookup per byte.
static BYTE: [u8; 256] = {
    let mut t = [0u8; 256];
    let spaces = b" \t\n\r\x0b\x0c";
    let mut i = 0;
    while i < spaces.len() {
        t[spaces[i] as usize] = SPACE;
        i += 1;
    }
    let delims = b"=:,;()[]{}<>\"'|";
    i = 0;
    while i < delims.len() {
        t[delims[i] as usize] |= DELIM;
        i += 1;
    }
    t[b'"' as usize] |= QUOTE;
    i = b'0' as usize;
    while i <= b'9' as usize {
        t[i] = DIGIT;
        i += 1;
    }
    t
};

#[inline]
fn is_space(c: u8) -> bool {
    BYTE[c as usize] & SPACE != 0
}

/// End of the whitespace-free run starting at `i`.
#[inline]
fn run_end(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && !is_space(b[i]) {
        i += 1;
    }
    i
}

/// Masks `message` into `out` (cleared first).
pub fn mask_into(message: &str, out: &mut Masked) {
    out.text.clear();
    out.spans.clear();
    let b = message.as_bytes();
    let mut i = 0;
    let mut prev_user = false;
    loop {
        while i < b.len() && is_space(b[i]) {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let start = i;
        let mut end = start;
        // 0: no `="` seen, 1: a `="` value is open, 2: it closed inside the token.
        let mut quote = 0u8;
        // The byte classes the token holds, gathered on the way: a token without delimiters is
        // one segment, masked without a second pass over its bytes.
        let mut classes = 0u8;
        while end < b.len() {
            let c = BYTE[b[end] as usize];
            if c & (SPACE | QUOTE) != 0 {
                break;
            }
            classes |= c;
            end += 1;
        }
        if end < b.len() && !is_space(b[end]) {
            // A quote (a delimiter): the token is read on below.
            classes |= DELIM;
        }
        while end < b.len() && !is_space(b[end]) {
            if b[end] == b'"' {
                if quote == 0 && end > start && b[end - 1] == b'=' {
                    quote = 1;
                } else if quote == 1 {
                    quote = 2;
                }
            }
            end += 1;
        }
        // `key="a quoted value"` is one token even with spaces inside.
        if quote == 1 {
            if let Some(close) = memchr::memchr(b'"', &b[end..]) {
                end = run_end(b, end + close + 1);
            }
        } else if b[start] == b'[' && !b[start..end].contains(&b']') {
            // `[a bracketed context with spaces]` is one token (threads, request contexts).
            let lim = b.len().min(end + 256);
            if let Some(close) = memchr::memchr2(b']', b'[', &b[end..lim]) {
                if b[end + close] == b']' {
                    end = run_end(b, end + close + 1);
                }
            }
        }
        let tok = &message[start..end];
        i = end;
        if prev_user
            && tok
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
        {
            // `user alice`: a name after `user` is a value.
            prev_user = false;
            out.text.push(' ');
            let s = out.text.len();
            out.text.push_str(WILDCARD);
            out.spans.push((s as u32, out.text.len() as u32));
            continue;
        }
        prev_user = tok.eq_ignore_ascii_case("user");
        if out.text.ends_with(WILDCARD) && is_unit(tok) {
            // `12 KB,` reads as one value: `<*>,`.
            let cut = tok.trim_end_matches([',', ';', ')', ']', '.']).len();
            out.text.push_str(&tok[cut..]);
            if let Some(last) = out.spans.last_mut() {
                last.1 = out.text.len() as u32;
            }
            continue;
        }
        if !out.text.is_empty() {
            out.text.push(' ');
        }
        let s = out.text.len();
        mask_token(tok, classes, &mut out.text);
        out.spans.push((s as u32, out.text.len() as u32));
    }
}

/// Convenience for tests: the masked message as one string.
#[cfg(test)]
pub fn mask(message: &str) -> String {
    let mut m = Masked::default();
    mask_into(message, &mut m);
    m.text
}

#[inline]
fn is_delim(b: u8) -> bool {
    BYTE[b as usize] & DELIM != 0
}

/// Masks one token; `classes`: the [`BYTE`] classes of its bytes, or'ed (a superset is fine
/// as long as it holds `DELIM` whenever the token has a delimiter).
fn mask_token(tok: &str, classes: u8, out: &mut String) {
    let b = tok.as_bytes();
    if is_whole_variable(b) {
        out.push_str(WILDCARD);
        return;
    }
    if classes & DELIM == 0 {
        // One segment, the whole token: what the loop below does with it.
        if classes & DIGIT != 0 || is_variable_word(b) {
            if !out.ends_with(WILDCARD) {
                out.push_str(WILDCARD);
            }
        } else {
            out.push_str(tok);
        }
        return;
    }
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' && i > 0 && b[i - 1].is_ascii_alphanumeric() {
            // `key=value`: the value is a variable, whatever it looks like, up to `,`/`;`/`&`
            // or a closing bracket; a quoted value up to its closing quote.
            out.push('=');
            i += 1;
            let s = i;
            if i < b.len() && b[i] == b'"' {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += 1;
                }
                i = (i + 1).min(b.len());
                out.push('"');
                out.push_str(WILDCARD);
                out.push('"');
                continue;
            }
            let mut depth = 0i32;
            while i < b.len() {
                match b[i] {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' if depth == 0 => break,
                    b')' | b']' | b'}' => depth -= 1,
                    b',' | b';' | b'&' if depth == 0 => break,
                    _ => {}
                }
                i += 1;
            }
            if i > s {
                let v = &b[s..i];
                // A word value is an enum-like state (`status=failed`); anything else a variable.
                if v.iter().all(|&c| c.is_ascii_alphabetic() || c >= 0x80) && !is_variable_word(v) {
                    out.push_str(&tok[s..i]);
                } else {
                    out.push_str(WILDCARD);
                }
            }
            continue;
        }
        if is_delim(b[i]) {
            // Delimiters are ASCII: copy byte-wise runs.
            let s = i;
            while i < b.len() && is_delim(b[i]) {
                i += 1;
            }
            out.push_str(&tok[s..i]);
            continue;
        }
        let s = i;
        let mut bits = 0u8;
        while i < b.len() && !is_delim(b[i]) {
            bits |= BYTE[b[i] as usize];
            i += 1;
        }
        let digit = bits & DIGIT != 0;
        if digit || is_variable_word(&b[s..i]) {
            // Avoid `<*><*>`: a variable right after another stays one wildcard.
            if !out.ends_with(WILDCARD) {
                out.push_str(WILDCARD);
            }
        } else {
            out.push_str(&tok[s..i]);
        }
    }
}

/// Upper-case severity names as written by logging libraries.
fn is_level(tok: &str) -> bool {
    matches!(
        tok,
        "TRACE"
            | "DEBUG"
            | "INFO"
            | "NOTICE"
            | "WARN"
            | "WARNING"
            | "ERROR"
            | "SEVERE"
            | "CRITICAL"
            | "FATAL"
    )
}

/// Units that belong to the number before them (`12 KB`, `3.5 ms`).
fn is_unit(w: &str) -> bool {
    let w = w.trim_end_matches([',', ';', ')', ']', '.']);
    matches!(
        w,
        "B" | "KB" | "MB" | "GB" | "TB" | "KiB" | "MiB" | "GiB" | "TiB" | "ms" | "us" | "ns"
    )
}

/// Words that are values, not text: booleans, nulls, and long hex strings without a digit.
fn is_variable_word(w: &[u8]) -> bool {
    match w.len() {
        2..=5 => {
            let mut buf = [0u8; 5];
            for (d, c) in buf.iter_mut().zip(w) {
                *d = c.to_ascii_lowercase();
            }
            matches!(
                &buf[..w.len()],
                b"true" | b"false" | b"null" | b"nil" | b"none"
            )
        }
        8.. => w.iter().all(|c| c.is_ascii_hexdigit()),
        _ => false,
    }
}

const MONTHS: [&[u8]; 12] = [
    b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov", b"Dec",
];
const DAYS: [&[u8]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];

/// Tokens that are a variable as a whole: URLs, paths, month and weekday names.
fn is_whole_variable(b: &[u8]) -> bool {
    if b.len() == 3 && b[0].is_ascii_uppercase() {
        return MONTHS.contains(&b) || DAYS.contains(&b);
    }
    // IPv6 and MAC addresses: hex groups and colons only.
    let core = b
        .strip_suffix(b",")
        .or_else(|| b.strip_suffix(b")"))
        .unwrap_or(b);
    // The character test first: it stops at the first letter past `f` of most words.
    if core.len() >= 6
        && core
            .iter()
            .all(|c| c.is_ascii_hexdigit() || matches!(c, b':' | b'.' | b'%' | b'/'))
        && core.iter().filter(|&&c| c == b':').count() >= 2
    {
        return true;
    }
    // scheme://...
    if let Some(p) = memchr::memchr(b':', b) {
        if p > 0 && b[p + 1..].starts_with(b"//") && b[..p].iter().all(|c| c.is_ascii_alphabetic())
        {
            return true;
        }
    }
    // /a/b, ./a/b, ~/a: two or more separators after a leading root.
    let rest = match b {
        [b'/', ..] => &b[1..],
        [b'.' | b'~', b'/', ..] => &b[2..],
        _ => return false,
    };
    rest.contains(&b'/')
        && rest
            .first()
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
}

/// How a masked token takes part in matching.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    /// Exactly `<*>`.
    Wild,
    /// Words and key structures (`state`, `'Active'`, `uid=<*>`, `kernel[<*>]:`): constants.
    /// Two templates that differ in such a token are different templates.
    Word,
    /// Everything else: identifiers with inner punctuation (`com.example.Foo`, `a-b_c`),
    /// punctuation-only tokens, masked values (`<*>:<*>`). May differ inside one template.
    Other,
}

/// Classifies a masked token.
pub fn class(tok: &str) -> Class {
    if tok == WILDCARD {
        return Class::Wild;
    }
    // `[context]` groups (threads, request ids) and severity words are header-like fields.
    if (tok.starts_with('[') && tok.ends_with(']')) || is_level(tok) {
        return Class::Other;
    }
    let mut letters = 0usize;
    let b = tok.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(WILDCARD.as_bytes()) {
            i += WILDCARD.len();
            continue;
        }
        let c = b[i];
        if c.is_ascii_alphabetic() || c >= 0x80 {
            letters += 1;
        } else if !(is_delim(c) || matches!(c, b'.' | b'!' | b'?')) {
            return Class::Other;
        } else if c == b'.' {
            // A dot inside a word (`com.example`) makes an identifier; a final dot is prose.
            let next = b.get(i + 1).copied().unwrap_or(b' ');
            if next.is_ascii_alphanumeric() {
                return Class::Other;
            }
        }
        i += 1;
    }
    if letters == 0 {
        Class::Other
    } else {
        Class::Word
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn m(s: &str) -> String {
        mask(s)
    }

    #[test]
    fn numbers_hex_and_ids() {
        assert_eq!(m("took 42 retries"), "took <*> retries");
        assert_eq!(m("flags=0x1f at 0xdeadbeef"), "flags=<*> at <*>");
        assert_eq!(m("mask ffffffff set"), "mask <*> set");
        assert_eq!(m("block blk_-6952295868487656571 done"), "block <*> done");
        assert_eq!(m("id 550e8400-e29b-41d4-a716-446655440000 ok"), "id <*> ok");
        assert_eq!(m("-12.5 degrees"), "<*> degrees");
    }

    #[test]
    fn addresses_paths_urls() {
        assert_eq!(
            m("from 10.251.73.220:50010 to 10.0.0.1"),
            "from <*>:<*> to <*>"
        );
        assert_eq!(m("addr fe80::1c2e:aaff:fecd:12 up"), "addr <*> up");
        assert_eq!(m("addr fe80::abcd:ef up"), "addr <*> up");
        assert_eq!(m("bssid aa:bb:cc:dd:ee:ff now"), "bssid <*> now");
        assert_eq!(m("open /var/log/app.log failed"), "open <*> failed");
        assert_eq!(m("GET https://example.com/api?q=1 ok"), "GET <*> ok");
        assert_eq!(m("cwd ./build/out"), "cwd <*>");
    }

    #[test]
    fn durations_sizes_and_times() {
        assert_eq!(m("done in 12ms"), "done in <*>");
        assert_eq!(m("done in 1.5s"), "done in <*>");
        assert_eq!(m("size 12 KB, free 3 MB)"), "size <*>, free <*>)");
        assert_eq!(m("2024-05-01T10:00:00.123Z start"), "<*>:<*>:<*> start");
        assert_eq!(m("Jun 14 15:16:01 host up"), "<*> <*> <*> host up");
    }

    #[test]
    fn key_values() {
        assert_eq!(
            m("uid=0 euid=12 ruser= rhost=1.2.3.4"),
            "uid=<*> euid=<*> ruser= rhost=<*>"
        );
        // A word value is a state and stays; booleans and nulls are values.
        assert_eq!(
            m("status=failed ok=true ws=null"),
            "status=failed ok=<*> ws=<*>"
        );
        assert_eq!(
            m(r#"acquire tag="View Lock", name=x uid=3"#),
            r#"acquire tag="<*>", name=x uid=<*>"#
        );
        assert_eq!(
            m("bounds=Rect(0, 0 - 10, 20)"),
            "bounds=<*> <*> - <*>, <*>)"
        );
        assert_eq!(m("isOverlap:false, ret:true"), "isOverlap:<*>, ret:<*>");
    }

    #[test]
    fn user_names_and_bracket_groups() {
        assert_eq!(
            m("session closed for user cyrus"),
            "session closed for user <*>"
        );
        assert_eq!(
            m("[AsyncDispatcher event handler] started"),
            "[AsyncDispatcher event handler] started"
        );
        assert_eq!(m("[req-1 abc - -] GET"), "[<*>] GET");
    }

    #[test]
    fn classes() {
        assert_eq!(class("<*>"), Class::Wild);
        assert_eq!(class("failed"), Class::Word);
        assert_eq!(class("'Active'"), Class::Word);
        assert_eq!(class("uid=<*>"), Class::Word);
        assert_eq!(class("done."), Class::Word);
        assert_eq!(class("com.example.Foo:"), Class::Other);
        assert_eq!(class("pam_unix"), Class::Other);
        assert_eq!(class("<*>:<*>"), Class::Other);
        assert_eq!(class("[main thread]"), Class::Other);
        assert_eq!(class("INFO"), Class::Other);
    }

    #[test]
    fn whitespace_and_unicode_are_safe() {
        assert_eq!(m("  a \t b  "), "a b");
        assert_eq!(m(""), "");
        assert_eq!(m("café 12€ ünïcode=ö"), "café <*> ünïcode=ö");
        assert_eq!(m(r#"k="unterminated value"#), r#"k="<*>" value"#);
    }
}
