//! Machine-readable zones of travel documents (ICAO Doc 9303): the second line of a passport
//! (TD3, 44 characters) or of a TD2 card or visa (36 characters) holds the document number,
//! the holder's nationality, date of birth, sex and the expiry date, each number followed by
//! its check digit (weights 7, 3, 1 repeating; `<` is 0, `A`-`Z` are 10-35), and a composite
//! check over all of them. A run of `[A-Z0-9<]` of one of those lengths whose check digits all
//! hold is that line, and is masked whole; the same run failing a check stays.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};

/// Spans of the document lines in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    // Every zone pads with `<<`: one substring search before reading runs.
    static PAD: Needle = needle!("<<");
    if !PAD.is_in(line) {
        return;
    }
    let b = line.as_bytes();
    let zone = |c: u8| c.is_ascii_uppercase() || c.is_ascii_digit() || c == b'<';
    let mut i = 0;
    while i < b.len() {
        if !zone(b[i]) {
            i += 1;
            continue;
        }
        let end = i + b[i..].iter().take_while(|&&c| zone(c)).count();
        if document_line(&b[i..end]) {
            out.push(Span::new(i, end, SecretKind::Id));
        }
        i = end;
    }
}

/// A TD3 or TD2 second line with every check digit right.
fn document_line(z: &[u8]) -> bool {
    if !matches!(z.len(), 44 | 36) {
        return false;
    }
    let dates_ok =
        z[13..19].iter().all(u8::is_ascii_digit) && z[21..27].iter().all(u8::is_ascii_digit);
    if !dates_ok || !matches!(z[20], b'M' | b'F' | b'X' | b'<') {
        return false;
    }
    if !(checks(&z[0..9], z[9]) && checks(&z[13..19], z[19]) && checks(&z[21..27], z[27])) {
        return false;
    }
    // TD3's personal number has its own check (`<` or 0 when the field is empty).
    if z.len() == 44 && !(checks(&z[28..42], z[42]) || (z[28..43].iter().all(|&c| c == b'<'))) {
        return false;
    }
    // The composite covers the number, birth and expiry with their checks, and what follows.
    let last = z.len() - 1;
    let composite: Vec<u8> = [&z[0..10], &z[13..20], &z[21..last]].concat();
    checks(&composite, z[last])
}

/// The ICAO 9303 check digit of `field` is `digit`.
fn checks(field: &[u8], digit: u8) -> bool {
    let value = |c: u8| match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'A'..=b'Z' => u32::from(c - b'A') + 10,
        _ => 0,
    };
    let sum: u32 = field
        .iter()
        .zip([7, 3, 1].iter().cycle())
        .map(|(&c, w)| value(c) * w)
        .sum();
    let want = if digit == b'<' {
        0
    } else {
        u32::from(digit.wrapping_sub(b'0'))
    };
    sum % 10 == want
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn document_lines_by_their_check_digits() {
        // The specimens printed in ICAO Doc 9303 (parts 4 and 6).
        let td3 = "L898902C36UTO7408122F1204159ZE184226B<<<<<10";
        let td2 = "D231458907UTO7408122F1204159<<<<<<<6";
        assert_eq!(
            masked(&format!(
                "mrz: P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<< {td3}"
            )),
            vec![td3]
        );
        assert_eq!(masked(&format!("[\"{td2}\"]")), vec![td2]);
        // One digit changed: a check fails, so it is some other code.
        assert!(masked("L898902C36UTO7408122F1204159ZE184226B<<<<<11").is_empty());
        assert!(masked("L898902C37UTO7408122F1204159ZE184226B<<<<<10").is_empty());
    }
}
