//! Form bodies and query strings whose field names are percent-encoded
//! (`application/x-www-form-urlencoded`, RFC 3986 section 2.1): a name in another script or
//! with accents travels as UTF-8 bytes in `%XX` escapes (`contrase%C3%B1a=...`), so the
//! name is decoded before it is read ([`keys::field`]); the value is masked as written.

use super::fields;
use super::keys;
use super::Span;
use regex::Regex;
use std::sync::OnceLock;

/// Spans of the values under encoded sensitive names in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    // A `%` is rare in log lines: one byte search before the regex.
    if memchr::memchr(b'%', line.as_bytes()).is_none() || !line.contains('=') {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:^|[\s?&;])((?:[A-Za-z0-9_.\-]|%[0-9A-Fa-f]{2})*%[0-9A-Fa-f]{2}(?:[A-Za-z0-9_.\-]|%[0-9A-Fa-f]{2})*)",
            r"=([^&\s]+)"
        ))
        .expect("encoded name regex")
    });
    for c in re.captures_iter(line) {
        let (name, v) = (c.get(1).expect("name"), c.get(2).expect("value"));
        let Some(f) = keys::field(&decode(name.as_str())) else {
            continue;
        };
        if fields::masks(f, v.as_str(), "") {
            out.push(Span::new(v.start(), v.end(), f.kind()));
        }
    }
}

/// `%XX` escapes to their bytes, read as UTF-8 (a broken sequence becomes U+FFFD).
fn decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut bytes = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                bytes.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        bytes.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn names_are_decoded_before_they_are_read() {
        // `hasło` (Polish) and `密码` (Chinese) for password, as a browser encodes them.
        assert_eq!(
            masked("POST /login body: user=ola&has%C5%82o=Trzy-Kot%21y9&remember=1"),
            vec!["Trzy-Kot%21y9"]
        );
        assert_eq!(
            masked("q?%E5%AF%86%E7%A0%81=Zx81-qPm4&x=1"),
            vec!["Zx81-qPm4"]
        );
        assert!(masked("search?q=caf%C3%A9&page=2").is_empty());
        assert_eq!(decode("a%20b%ZZ"), "a b%ZZ");
    }
}
