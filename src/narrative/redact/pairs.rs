//! Where the next `name <sep> value` pair of a line is, found by hand: the same match a
//! leftmost-first search of [`tests::pair_re`] would give (that regex is the reference the
//! tests compare with), without a regex search per pair. A line with many pairs paid a
//! forward and a reverse automaton run for each of them.
//!
//! The shape, as the regex writes it:
//! - a name: a letter, `_` or non-ASCII character, then letters, digits, `_.-` or non-ASCII;
//! - an optional closing quote of the name (`"k":`, `\"k\":`, MySQL's `` `k` = ``), blanks, a
//!   separator (`=>`, `=`, `:`, `|`), blanks;
//! - a value: an escaped-quoted string (`\"...\"`), a quoted string (`"..."` with escapes,
//!   `'...'`), or a bare run that stops at blanks, quotes and `&,;})]<>|`.

/// A byte that may start a name (`[A-Za-z_]` or part of a non-ASCII character).
fn name_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c >= 0x80
}

/// A byte that may continue a name.
fn name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-') || c >= 0x80
}

/// The byte range of the first pair that starts at or after `pos` (a character boundary).
pub(crate) fn next(line: &str, pos: usize) -> Option<(usize, usize)> {
    let b = line.as_bytes();
    let mut i = pos;
    while i < b.len() {
        if !name_byte(b[i]) {
            i += 1;
            continue;
        }
        // A run of name bytes: every start inside it ends the name at the same place, so the
        // first byte that may start a name is the match's start if any start is.
        let run_end = i + b[i..].iter().take_while(|&&c| name_byte(c)).count();
        if let Some(s) = (i..run_end).find(|&k| name_start(b[k])) {
            if let Some(end) = after_name(b, run_end) {
                return Some((s, end));
            }
        }
        i = run_end;
    }
    None
}

/// The end of the pair whose name ends at `i`: quote, blanks, separator, blanks, value.
fn after_name(b: &[u8], mut i: usize) -> Option<usize> {
    if b.get(i) == Some(&b'\\') && matches!(b.get(i + 1), Some(b'"' | b'\'')) {
        i += 2;
    } else if matches!(b.get(i), Some(b'"' | b'\'' | b'`')) {
        // `` ` `` closes a MySQL identifier (`` `password` = '...' ``).
        i += 1;
    }
    i = blanks(b, i);
    i += match b.get(i)? {
        b'=' if b.get(i + 1) == Some(&b'>') => 2,
        b'=' | b':' | b'|' => 1,
        _ => return None,
    };
    value_end(b, blanks(b, i))
}

fn blanks(b: &[u8], i: usize) -> usize {
    i + b[i.min(b.len())..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}

/// The end of the value that starts at `v`, trying the regex's alternatives in its order.
fn value_end(b: &[u8], v: usize) -> Option<usize> {
    let first = *b.get(v)?;
    if first == b'\\' && b.get(v + 1) == Some(&b'"') {
        if let Some(end) = escaped_string_end(b, v + 2) {
            return Some(end);
        }
    }
    if first == b'"' {
        return string_end(b, v + 1);
    }
    if first == b'\'' {
        // `'[^'\n]*'`
        let close = b[v + 1..].iter().position(|&c| c == b'\'' || c == b'\n')?;
        return (b[v + 1 + close] == b'\'').then_some(v + close + 2);
    }
    if matches!(
        first,
        b' ' | b'\t'
            | b'\r'
            | b'\n'
            | b'"'
            | b'\''
            | b'&'
            | b','
            | b';'
            | b'{'
            | b'}'
            | b'('
            | b')'
            | b'['
            | b']'
            | b'<'
            | b'>'
            | b'|'
    ) {
        return None;
    }
    let rest = b[v + 1..].iter().take_while(|&&c| {
        !matches!(
            c,
            b' ' | b'\t'
                | b'\r'
                | b'\n'
                | b'"'
                | b'\''
                | b'&'
                | b','
                | b';'
                | b'}'
                | b')'
                | b']'
                | b'<'
                | b'>'
                | b'|'
        )
    });
    Some(v + 1 + rest.count())
}

/// `(?:[^"\\]|\\[^"])*\\"` from `p`: the end after the closing `\"`.
fn escaped_string_end(b: &[u8], mut p: usize) -> Option<usize> {
    loop {
        match *b.get(p)? {
            b'\\' => match *b.get(p + 1)? {
                b'"' => return Some(p + 2),
                _ => p += 2,
            },
            b'"' => return None,
            _ => p += 1,
        }
    }
}

/// `(?:[^"\\]|\\.)*"` from `p`: the end after the closing quote.
fn string_end(b: &[u8], mut p: usize) -> Option<usize> {
    loop {
        match *b.get(p)? {
            b'\\' => match *b.get(p + 1)? {
                b'\n' => return None,
                _ => p += 2,
            },
            b'"' => return Some(p + 1),
            _ => p += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use regex::Regex;
    use std::sync::OnceLock;

    /// The regex the scanner stands for (the pair search before it).
    pub(super) fn pair_re() -> &'static Regex {
        static RE: OnceLock<Regex> = OnceLock::new();
        RE.get_or_init(|| {
            Regex::new(concat!(
                r#"(?:[A-Za-z_]|[^\x00-\x7F])(?:[A-Za-z0-9_.\-]|[^\x00-\x7F])*(?:\\?["']|`)?[ \t]*(?:=>|=|:|\|)[ \t]*"#,
                r#"(?:\\"(?:[^"\\]|\\[^"])*\\"|"(?:[^"\\]|\\.)*"|'[^'\n]*'"#,
                r#"|[^ \t\r\n"'&,;{}()\[\]<>|][^ \t\r\n"'&,;})\]<>|]*)"#
            ))
            .expect("pair regex")
        })
    }

    fn same_at_every_start(line: &str) {
        for pos in (0..=line.len()).filter(|&p| line.is_char_boundary(p)) {
            let want = pair_re().find_at(line, pos).map(|m| (m.start(), m.end()));
            assert_eq!(next(line, pos), want, "{line:?} from {pos}");
        }
    }

    #[test]
    fn finds_what_the_regex_finds() {
        for line in [
            r#"{"password":"x","n":1}"#,
            r#"msg="{\"user\":\"svc\",\"password\":\"Tr0ub4dor&3\"}""#,
            "k = v; k2=>v2 | k3: 'a b' x=\"unterminated",
            "Cookie: sid=abc; .ASPXAUTH=def&x=(y) z=[1]",
            "móvil: 612 345 678 clé=é-1 9ab=c -x=1 _=2",
            r#"a=\"b\\"c\" d="e\"f" g='h"#,
            "",
            "no pairs here at all",
        ] {
            same_at_every_start(line);
        }
    }

    #[test]
    fn finds_what_the_regex_finds_on_fixtures_and_random_lines() {
        let mut lines = crate::narrative::redact::rules::tests::fixture_lines();
        let alphabet: Vec<char> = "aZ_9.-\\\"' \t=>:|&,;{}()[]<>\ré\u{a0}x".chars().collect();
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 24) as usize;
            let line: String = (0..len)
                .map(|k| {
                    let r = seed.rotate_left(k as u32 * 7) ^ (k as u64).wrapping_mul(0x2545_F491);
                    alphabet[(r % alphabet.len() as u64) as usize]
                })
                .collect();
            lines.push(line);
        }
        for line in &lines {
            same_at_every_start(line);
        }
    }
}
