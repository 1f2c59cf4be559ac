//! Identifiers with checksums or fixed published shapes: cards (Luhn + issuer prefix), IBANs
//! (ISO 13616 mod 97, any country, spaced or not), national ids whose check digits or shapes
//! are published (US SSN, UK NINO, Canadian SIN, Brazilian CPF, Indian Aadhaar (Verhoeff) and
//! PAN, Spanish DNI/NIE, French NIR, Italian codice fiscale, Dutch BSN, Australian TFN,
//! Brazilian CNPJ, Swedish personnummer, German Steuer-ID),
//! phone numbers, emails (also percent-encoded), IPv4/IPv6, MAC addresses and JWTs.
//!
//! Each check takes the candidate text alone; the caller finds candidates and their edges.

/// Digits of `s` as numbers 0..=9.
pub(crate) fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

pub(crate) fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

/// A payment card number: 13-19 digits, one separator style, Luhn, a known issuer prefix.
pub(crate) fn card(span: &str) -> bool {
    if span.contains(' ') && span.contains('-') {
        return false;
    }
    let d = digits_of(span);
    if !(13..=19).contains(&d.len()) || d.iter().all(|&x| x == d[0]) || !luhn(&d) {
        return false;
    }
    let n = |k: usize| d[..k].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    let len = d.len();
    match d[0] {
        4 => matches!(len, 13 | 16 | 19),
        5 => (51..=55).contains(&n(2)) && len == 16,
        2 => (2221..=2720).contains(&n(4)) && len == 16,
        3 => {
            (matches!(n(2), 34 | 37) && len == 15)
                || ((3528..=3589).contains(&n(4)) && (16..=19).contains(&len))
                || ((matches!(n(2), 36 | 38) || (300..=305).contains(&n(3))) && len == 14)
        }
        6 => {
            (n(4) == 6011 || n(2) == 65 || (644..=649).contains(&n(3)) || n(2) == 62)
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

/// IBAN: two letters, two check digits, 11-30 alphanumerics; mod 97 of the rearranged
/// number is 1. Spaces between groups are allowed.
pub(crate) fn iban(span: &str) -> bool {
    let s: String = span.chars().filter(|c| *c != ' ').collect();
    let b = s.as_bytes();
    if !(15..=34).contains(&b.len())
        || !b[..2].iter().all(u8::is_ascii_uppercase)
        || !b[2..4].iter().all(u8::is_ascii_digit)
        || !b[4..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
    {
        return false;
    }
    let mut rem: u32 = 0;
    for &c in b[4..].iter().chain(&b[..4]) {
        let v = if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        };
        rem = if v >= 10 {
            (rem * 100 + v) % 97
        } else {
            (rem * 10 + v) % 97
        };
    }
    rem == 1
}

/// US SSN `AAA-GG-SSSS`: area not 000, 666 or 9xx; group and serial not all zero.
pub(crate) fn us_ssn(span: &str) -> bool {
    let p: Vec<&str> = span.split(['-', ' ']).collect();
    if p.len() != 3 || p[0].len() != 3 || p[1].len() != 2 || p[2].len() != 4 {
        return false;
    }
    if !p.iter().all(|x| x.bytes().all(|b| b.is_ascii_digit())) {
        return false;
    }
    let area: u32 = p[0].parse().unwrap_or(0);
    area != 0 && area != 666 && area < 900 && p[1] != "00" && p[2] != "0000"
}

/// UK National Insurance number: two prefix letters (not D, F, I, Q, U, V; second not O),
/// six digits, suffix A-D; spaces between pairs allowed.
pub(crate) fn uk_nino(span: &str) -> bool {
    let s: String = span.chars().filter(|c| *c != ' ').collect();
    let b = s.as_bytes();
    if b.len() != 9 {
        return false;
    }
    let bad1 = b"DFIQUV";
    b[0].is_ascii_uppercase()
        && b[1].is_ascii_uppercase()
        && !bad1.contains(&b[0])
        && !bad1.contains(&b[1])
        && b[1] != b'O'
        && b[2..8].iter().all(u8::is_ascii_digit)
        && (b'A'..=b'D').contains(&b[8])
        && !matches!(&s[..2], "BG" | "GB" | "NK" | "KN" | "TN" | "NT" | "ZZ")
}

/// Brazilian CPF: 11 digits (`ddd.ddd.ddd-dd` or run together) with two mod-11 check digits.
pub(crate) fn br_cpf(span: &str) -> bool {
    let d = digits_of(span);
    if d.len() != 11 || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let s: u32 = (0..n)
            .map(|i| u32::from(d[i]) * (n as u32 + 1 - i as u32))
            .sum();
        let r = (s * 10) % 11;
        if r == 10 {
            0
        } else {
            r as u8
        }
    };
    check(9) == d[9] && check(10) == d[10]
}

const VERHOEFF_D: [[u8; 10]; 10] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 2, 3, 4, 0, 6, 7, 8, 9, 5],
    [2, 3, 4, 0, 1, 7, 8, 9, 5, 6],
    [3, 4, 0, 1, 2, 8, 9, 5, 6, 7],
    [4, 0, 1, 2, 3, 9, 5, 6, 7, 8],
    [5, 9, 8, 7, 6, 0, 4, 3, 2, 1],
    [6, 5, 9, 8, 7, 1, 0, 4, 3, 2],
    [7, 6, 5, 9, 8, 2, 1, 0, 4, 3],
    [8, 7, 6, 5, 9, 3, 2, 1, 0, 4],
    [9, 8, 7, 6, 5, 4, 3, 2, 1, 0],
];
const VERHOEFF_P: [[u8; 10]; 8] = [
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9],
    [1, 5, 7, 6, 2, 8, 3, 0, 9, 4],
    [5, 8, 0, 3, 7, 9, 6, 1, 4, 2],
    [8, 9, 1, 6, 0, 4, 3, 5, 2, 7],
    [9, 4, 5, 3, 1, 2, 6, 8, 7, 0],
    [4, 2, 8, 6, 5, 7, 3, 9, 0, 1],
    [2, 7, 9, 3, 8, 0, 6, 4, 1, 5],
    [7, 0, 4, 6, 9, 1, 3, 2, 5, 8],
];

/// Indian Aadhaar: 12 digits, first 2-9, Verhoeff check digit.
pub(crate) fn aadhaar(span: &str) -> bool {
    let d = digits_of(span);
    if d.len() != 12 || d[0] < 2 {
        return false;
    }
    verhoeff(&d)
}

/// Digits whose last is their Verhoeff check digit.
pub(crate) fn verhoeff(d: &[u8]) -> bool {
    let c = d.iter().rev().enumerate().fold(0u8, |c, (i, &x)| {
        VERHOEFF_D[c as usize][VERHOEFF_P[i % 8][x as usize] as usize]
    });
    c == 0
}

/// Indian PAN: five letters (the fourth a holder type), four digits, one letter.
pub(crate) fn in_pan(span: &str) -> bool {
    let b = span.as_bytes();
    b.len() == 10
        && b[..5].iter().all(u8::is_ascii_uppercase)
        && b"PCHFATBLJG".contains(&b[3])
        && b[5..9].iter().all(u8::is_ascii_digit)
        && b[9].is_ascii_uppercase()
}

const DNI_LETTERS: &[u8; 23] = b"TRWAGMYFPDXBNJZSQVHLCKE";

/// Spanish DNI (8 digits + letter) and NIE (X/Y/Z + 7 digits + letter), letter = number mod 23.
pub(crate) fn es_dni_nie(span: &str) -> bool {
    let b = span.as_bytes();
    if b.len() != 9 || !b[8].is_ascii_uppercase() {
        return false;
    }
    let lead = match b[0] {
        b'X' => 0,
        b'Y' => 1,
        b'Z' => 2,
        c if c.is_ascii_digit() => u32::from(c - b'0'),
        _ => return false,
    };
    if !b[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let n = b[1..8]
        .iter()
        .fold(lead, |a, &c| a * 10 + u32::from(c - b'0'));
    DNI_LETTERS[(n % 23) as usize] == b[8]
}

/// French NIR: 13 digits + 2-digit key = 97 - (number mod 97); Corsica's 2A/2B allowed.
pub(crate) fn fr_nir(span: &str) -> bool {
    let s: String = span.chars().filter(|c| *c != ' ').collect();
    if s.len() != 15 || !matches!(s.as_bytes()[0], b'1' | b'2' | b'7' | b'8') {
        return false;
    }
    let body = s[..13].replace("2A", "19").replace("2B", "18");
    let (Ok(n), Ok(key)) = (body.parse::<u64>(), s[13..].parse::<u64>()) else {
        return false;
    };
    97 - n % 97 == key
}

/// Italian codice fiscale: 6 letters, 2 digits, month letter, 2 digits, letter, 3 digits,
/// check letter (odd/even position tables).
pub(crate) fn it_codice_fiscale(span: &str) -> bool {
    let b = span.as_bytes();
    if b.len() != 16 {
        return false;
    }
    let shape = b[..6].iter().all(u8::is_ascii_uppercase)
        && b[6..8].iter().all(u8::is_ascii_alphanumeric)
        && b"ABCDEHLMPRST".contains(&b[8])
        && b[9..11].iter().all(u8::is_ascii_alphanumeric)
        && b[11].is_ascii_uppercase()
        && b[12..15].iter().all(u8::is_ascii_alphanumeric)
        && b[15].is_ascii_uppercase();
    if !shape {
        return false;
    }
    const ODD: [u32; 26] = [
        1, 0, 5, 7, 9, 13, 15, 17, 19, 21, 2, 4, 18, 20, 11, 3, 6, 8, 12, 14, 16, 10, 22, 25, 24,
        23,
    ];
    let val = |c: u8| -> usize {
        if c.is_ascii_digit() {
            (c - b'0') as usize
        } else {
            (c - b'A') as usize
        }
    };
    let sum: u32 = b[..15]
        .iter()
        .enumerate()
        .map(|(i, &c)| {
            if i % 2 == 0 {
                ODD[val(c)]
            } else {
                val(c) as u32
            }
        })
        .sum();
    b[15] == b'A' + (sum % 26) as u8
}

/// Dutch BSN: 9 digits passing the "11-test" (weights 9..2, last -1).
pub(crate) fn nl_bsn(span: &str) -> bool {
    let d = digits_of(span);
    if d.len() != 9 || d.iter().all(|&x| x == 0) {
        return false;
    }
    let s: i32 = (0..8)
        .map(|i| i32::from(d[i]) * (9 - i as i32))
        .sum::<i32>()
        - i32::from(d[8]);
    s % 11 == 0
}

/// Australian TFN: 9 digits, weights 1,4,3,7,5,8,6,9,10, sum divisible by 11.
pub(crate) fn au_tfn(span: &str) -> bool {
    let d = digits_of(span);
    const W: [u32; 9] = [1, 4, 3, 7, 5, 8, 6, 9, 10];
    d.len() == 9 && d.iter().zip(W).map(|(&x, w)| u32::from(x) * w).sum::<u32>() % 11 == 0
}

/// Canadian SIN: 9 digits, Luhn, not starting with 0 or 8.
pub(crate) fn ca_sin(span: &str) -> bool {
    let d = digits_of(span);
    d.len() == 9 && d[0] != 0 && d[0] != 8 && luhn(&d)
}

/// Brazilian CNPJ (company register): 14 digits, printed `dd.ddd.ddd/dddd-dd`, with two
/// mod-11 check digits (weights 5..2,9..2 then 6..2,9..2; a remainder under 2 gives 0).
pub(crate) fn br_cnpj(span: &str) -> bool {
    let d = digits_of(span);
    if d.len() != 14 || d.iter().all(|&x| x == d[0]) {
        return false;
    }
    let check = |n: usize| {
        let s: u32 = (0..n)
            .map(|i| u32::from(d[i]) * [2, 3, 4, 5, 6, 7, 8, 9][(n - 1 - i) % 8])
            .sum();
        match s % 11 {
            0..=1 => 0,
            r => 11 - r as u8,
        }
    };
    check(12) == d[12] && check(13) == d[13]
}

/// Swedish personnummer (and samordningsnummer, day + 60): `YYMMDD-NNNN` (`+` past 100 years
/// of age) or with the century `YYYYMMDD-NNNN`; Luhn over the ten digits from `YY`.
pub(crate) fn se_personnummer(span: &str) -> bool {
    let b = span.as_bytes();
    let sep = b
        .len()
        .checked_sub(5)
        .filter(|&i| matches!(b[i], b'-' | b'+'));
    let Some(i) = sep.filter(|&i| i == 6 || i == 8) else {
        return false;
    };
    if !b[..i].iter().chain(&b[i + 1..]).all(u8::is_ascii_digit) {
        return false;
    }
    let d = digits_of(&span[i - 6..]);
    let month = d[2] * 10 + d[3];
    let day = (d[4] * 10 + d[5]) % 60;
    (1..=12).contains(&month) && (1..=31).contains(&day) && luhn(&d)
}

/// German Steuer-ID (IdNr): 11 digits, the first not 0; among the first ten one digit occurs
/// twice or three times and the rest at most once; an ISO 7064 MOD 11,10 check digit.
pub(crate) fn de_steuer_id(span: &str) -> bool {
    let d = digits_of(span);
    if d.len() != 11 || d[0] == 0 {
        return false;
    }
    let mut seen = [0u8; 10];
    for &x in &d[..10] {
        seen[x as usize] += 1;
    }
    let repeated = seen.iter().filter(|&&n| n >= 2).count();
    if repeated != 1 || seen.iter().any(|&n| n > 3) {
        return false;
    }
    let mut product = 10u8;
    for &x in &d[..10] {
        let sum = match (x + product) % 10 {
            0 => 10,
            s => s,
        };
        product = (sum * 2) % 11;
    }
    (11 - product) % 10 == d[10]
}

/// A national id with a published check: one of the above.
pub(crate) fn national_id(span: &str) -> bool {
    let compact = span.contains([' ', '.', '-']);
    let d = digits_of(span).len();
    us_ssn(span)
        || (d == 14 && span.contains('/') && br_cnpj(span))
        || (d == 10 || d == 12) && se_personnummer(span)
        || (d == 9 && span.len() == 11 && span.matches('-').count() == 2 && ca_sin(span))
        || (d == 11 && span.matches(' ').count() == 3 && de_steuer_id(span))
        || uk_nino(span)
        || es_dni_nie(span)
        || fr_nir(span)
        || it_codice_fiscale(span)
        || in_pan(span)
        || (d == 11 && span.contains('.') && br_cpf(span))
        || (d == 12 && compact && aadhaar(span))
}

/// A phone number: `+` and a country code, or a national layout of 2-5 digit groups (with an
/// optional parenthesised area code) of 8-13 digits, leading 0 or a group separator.
pub(crate) fn phone(span: &str) -> bool {
    let d = digits_of(span).len();
    if span.starts_with('+') {
        return (8..=15).contains(&d);
    }
    if !(8..=13).contains(&d) {
        return false;
    }
    let groups: Vec<&str> = span
        .split([' ', '-', '.', '(', ')'])
        .filter(|g| !g.is_empty())
        .collect();
    groups.len() >= 2 && groups.iter().all(|g| g.len() <= 8)
}

/// A national number written as one run: the trunk prefix `0`, then 9 or 10 digits
/// (`07700900123` in the UK, `0612345678` in France or the Netherlands).
pub(crate) fn national_phone_run(span: &str) -> bool {
    let b = span.as_bytes();
    (10..=11).contains(&b.len()) && b.iter().all(u8::is_ascii_digit) && b[0] == b'0' && b[1] != b'0'
}

/// A German identity card number (Personalausweis, since 2010): nine characters from digits
/// and the consonants `CFGHJKLMNPRTVWXYZ` (the first a consonant), then an ICAO 9303 check
/// digit (weights 7, 3, 1; letters count A=10 .. Z=35).
pub(crate) fn de_id_card(span: &str) -> bool {
    const LETTERS: &[u8] = b"CFGHJKLMNPRTVWXYZ";
    let b = span.as_bytes();
    if b.len() != 10 || !LETTERS.contains(&b[0]) || !b[9].is_ascii_digit() {
        return false;
    }
    let ok = |c: &u8| c.is_ascii_digit() || LETTERS.contains(c);
    if !b[..9].iter().all(ok) {
        return false;
    }
    let value = |c: u8| {
        if c.is_ascii_digit() {
            u32::from(c - b'0')
        } else {
            u32::from(c - b'A') + 10
        }
    };
    let sum: u32 = b[..9]
        .iter()
        .zip([7, 3, 1].iter().cycle())
        .map(|(&c, &w)| value(c) * w)
        .sum();
    sum % 10 == u32::from(b[9] - b'0')
}

/// IPv4 that names a host: not loopback, unspecified or broadcast.
pub(crate) fn ipv4(span: &str) -> bool {
    match span.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => !ip.is_loopback() && !ip.is_unspecified() && !ip.is_broadcast(),
        Err(_) => false,
    }
}

pub(crate) fn ipv6(span: &str) -> bool {
    if span.matches(':').count() < 2 {
        return false;
    }
    match span.parse::<std::net::Ipv6Addr>() {
        Ok(ip) => !ip.is_loopback() && !ip.is_unspecified(),
        Err(_) => false,
    }
}

/// A MAC address: six hex pairs with one separator style (`:` or `-`), or Cisco's `xxxx.xxxx.xxxx`.
pub(crate) fn mac(span: &str) -> bool {
    let b = span.as_bytes();
    if b.len() == 14 && b[4] == b'.' && b[9] == b'.' {
        return span
            .split('.')
            .all(|g| g.len() == 4 && g.bytes().all(|c| c.is_ascii_hexdigit()));
    }
    if b.len() != 17 {
        return false;
    }
    let sep = b[2];
    (sep == b':' || sep == b'-')
        && (0..6).all(|i| b[i * 3].is_ascii_hexdigit() && b[i * 3 + 1].is_ascii_hexdigit())
        && (0..5).all(|i| b[i * 3 + 2] == sep)
        && !span
            .bytes()
            .filter(u8::is_ascii_hexdigit)
            .all(|c| c == b'0')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn german_id_cards_by_their_check_digit() {
        // The specimen cards the issuing authority publishes ("Erika Mustermann").
        assert!(de_id_card("T220001293"));
        assert!(de_id_card("L01X00T471"));
        assert!(!de_id_card("T220001294")); // check digit off by one
        assert!(!de_id_card("A220001293")); // vowels are not in the alphabet
        assert!(!de_id_card("T2200012"));
    }

    #[test]
    fn national_phone_runs_start_with_the_trunk_prefix() {
        assert!(national_phone_run("07700900123"));
        assert!(national_phone_run("0612345678"));
        assert!(!national_phone_run("0012345678"));
        assert!(!national_phone_run("1712345678"));
        assert!(!national_phone_run("061234567"));
    }

    #[test]
    fn cards_need_luhn_and_an_issuer() {
        assert!(card("4111 1111 1111 1111"));
        assert!(card("378282246310005"));
        assert!(!card("4111111111111112"));
        assert!(!card("1709518351870000000"));
    }

    #[test]
    fn ibans_by_mod_97() {
        // Published examples (ECBS / national bank associations).
        assert!(iban("GB82 WEST 1234 5698 7654 32"));
        assert!(iban("DE89370400440532013000"));
        assert!(iban("FR1420041010050500013M02606"));
        assert!(!iban("GB82 WEST 1234 5698 7654 33"));
        assert!(!iban("AB12"));
    }

    #[test]
    fn national_ids_by_their_published_rules() {
        assert!(us_ssn("123-45-6789") && !us_ssn("666-45-6789") && !us_ssn("123-00-6789"));
        assert!(uk_nino("AB 12 34 56 C") && !uk_nino("QQ123456C") && !uk_nino("AB123456E"));
        assert!(ca_sin("130 692 544") && !ca_sin("130 692 545") && !ca_sin("046 454 286"));
        assert!(br_cpf("529.982.247-25") && !br_cpf("529.982.247-26"));
        assert!(aadhaar("2345 6789 0124") && !aadhaar("2345 6789 0125"));
        assert!(in_pan("ABCPE1234F") && !in_pan("ABCXE1234F"));
        assert!(es_dni_nie("12345678Z") && !es_dni_nie("12345678A"));
        assert!(es_dni_nie("X1234567L"));
        assert!(nl_bsn("111222333") && !nl_bsn("111222334"));
        assert!(au_tfn("123456782") && !au_tfn("123456789"));
        assert!(it_codice_fiscale("RSSMRA85T10A562S") && !it_codice_fiscale("RSSMRA85T10A562T"));
        assert!(br_cnpj("11.222.333/0001-81") && br_cnpj("11.444.777/0001-61"));
        assert!(!br_cnpj("11.222.333/0001-82") && !br_cnpj("11.111.111/1111-11"));
        assert!(se_personnummer("811218-9876") && se_personnummer("19640823-3234"));
        assert!(se_personnummer("640823+3234") && se_personnummer("640883-3231"));
        assert!(!se_personnummer("640823-3235") && !se_personnummer("641323-3234"));
        assert!(!se_personnummer("6408233234"));
        // Published Steuer-ID examples; one digit twice, check by MOD 11,10.
        assert!(de_steuer_id("86095742719") && de_steuer_id("47036892816"));
        assert!(de_steuer_id("65929970489") && de_steuer_id("86 095 742 719"));
        assert!(!de_steuer_id("86095742718") && !de_steuer_id("01234567890"));
        assert!(!de_steuer_id("12345678903")); // no digit repeats
        assert!(national_id("130-692-544") && !national_id("130-692-545"));
        assert!(national_id("11.222.333/0001-81") && national_id("811218-9876"));
        assert!(national_id("86 095 742 719") && !national_id("86 095 742 718"));
        // Key = 97 - (1850578006084 mod 97) = 91.
        assert!(fr_nir("1 85 05 78 006 084 91") && !fr_nir("185057800608490"));
    }

    #[test]
    fn phones_and_macs() {
        for p in [
            "+44 20 7946 0958",
            "(41) 90755-7512",
            "030 6760579",
            "07 58 38 28 46",
            "070-0976-1337",
        ] {
            assert!(phone(p), "{p}");
        }
        assert!(!phone("2024"));
        assert!(mac("00:1A:2B:3C:4D:5E") && mac("00-1a-2b-3c-4d-5e") && mac("001a.2b3c.4d5e"));
        assert!(!mac("00:1A:2B:3C:4D") && !mac("00:00:00:00:00:00"));
    }
}
