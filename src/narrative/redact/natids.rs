//! National identifiers of further countries, each by its published layout and check rule:
//! Swiss AHV (EAN-13), Czech/Slovak rodné číslo (birth date, mod 11), Malaysian MyKad (birth
//! date, place-of-birth code), Russian SNILS (weighted sum mod 101), Thai national id (mod 11),
//! Hong Kong HKID (mod 11 with the check in brackets), US Medicare MBI (its character classes
//! by position), Singapore NRIC/FIN (weighted check letter), Taiwan id (letter value, mod
//! 10), German KVNR (letter value, Luhn-like mod 10), New Zealand NHI (mod 11), Estonian
//! isikukood (two-stage mod 11), Bulgarian EGN (mod 11), Romanian CNP (mod 11 with
//! `279146358279`), Greek AMKA (birth date, Luhn), Icelandic kennitala (mod 11), New Zealand
//! IRD (mod 11, two weight sets), Australian Medicare (weighted mod 10), Croatian OIB (ISO 7064
//! MOD 11,10).
//!
//! A layout that is rare in logs (separators in the id's own places, a check letter) is
//! masked wherever its check holds; a bare run of digits only when it also carries a valid
//! birth date, or when the id's name stands just before it (`OIB`, `IRD`, `Medicare`): a
//! check digit alone passes one random number in ten.

use super::ids::{digits_of, luhn};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of national ids in `line`; the caller gates on the line's features (a run of six
/// digits, digits between dashes or spaces, or capitals before a digit).
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?-u:\b)(?:",
            r"756\.\d{4}\.\d{4}\.\d{2}",                           // AHV
            r"|\d{6}/\d{3,4}",                                     // rodné číslo
            r"|\d{6}-\d{2}-\d{4}",                                 // MyKad
            r"|\d{3}-\d{3}-\d{3}[ \-]\d{2}",                       // SNILS
            r"|\d-\d{4}-\d{5}-\d{2}-\d",                           // Thai id
            r"|\d[A-Z][A-Z0-9]\d-?[A-Z][A-Z0-9]\d-?[A-Z]{2}\d{2}", // MBI
            r"|[STFGM]\d{7}[A-Z]",                                 // NRIC/FIN
            r"|[A-Z][12]\d{8}",                                    // Taiwan
            r"|[A-Z]\d{9}",                                        // KVNR
            r"|[A-HJ-NP-Z]{3}\d{4}",                               // NHI
            r"|\d{2,3}-\d{3}-\d{3}",                               // IRD
            r"|\d{6}-\d{4}",                                       // kennitala
            r"|\d{4} \d{5} \d",                                    // Medicare, spaced
            r"|\d{8,13}",                                          // bare runs
            r")(?-u:\b)",
            // HKID: its bracketed check ends it, with no word boundary after.
            r"|(?-u:\b)[A-Z]{1,2}\d{6}\([0-9A]\)",
        ))
        .expect("national id regex")
    });
    for m in re.find_iter(line) {
        let v = m.as_str();
        if edge_ok(line, m.start(), m.end()) && (checked(v) || introduced(line, m.start(), v)) {
            out.push(Span::new(m.start(), m.end(), SecretKind::Id));
        }
    }
}

/// Not part of a longer dotted, dashed or slashed token (a version, a path, a date).
fn edge_ok(line: &str, s: usize, e: usize) -> bool {
    let b = line.as_bytes();
    let joins = |c: u8| matches!(c, b'.' | b'-' | b'/' | b'_' | b':' | b'+');
    let before = s.checked_sub(1).map(|i| b[i]);
    let after = b.get(e).copied();
    let joined_after =
        after.is_some_and(joins) && b.get(e + 1).is_some_and(u8::is_ascii_alphanumeric);
    !(before.is_some_and(joins) || joined_after)
}

/// Whether `v` passes the check of the id its layout belongs to.
fn checked(v: &str) -> bool {
    let b = v.as_bytes();
    let d = digits_of(v);
    if v.starts_with("756.") {
        return ean13(&d);
    }
    if v.contains('/') {
        return rodne_cislo(v);
    }
    if v.contains('(') {
        return hkid(v);
    }
    if b[0].is_ascii_uppercase() {
        return sg_nric(v) || tw_id(v) || kvnr(v) || nhi(v);
    }
    if b.iter().any(u8::is_ascii_uppercase) {
        return mbi(v);
    }
    let dashes = v.matches('-').count();
    match (dashes, d.len()) {
        (2, 12) if b[6] == b'-' => mykad(&d),
        (3 | 2, 11) if v.len() == 14 => snils(&d),
        (4, 13) => thai(&d),
        (1, 10) => kennitala(&d),
        (0, 11) => isikukood(&d) || amka(&d),
        (0, 12) => kz_iin(&d),
        (0, 13) => cnp(&d) || emso(&d) || lu_matricule(&d),
        _ => false,
    }
}

/// A weak check (one number in ten or eleven passes, or a date and such a check in a
/// ten-digit run as common as a control number), passed only when the id's name is written
/// just before the value.
fn introduced(line: &str, s: usize, v: &str) -> bool {
    let d = digits_of(v);
    let ok = ird(&d) || medicare(&d) || oib(&d) || egn(&d) || super::ids::au_tfn(v);
    if !ok {
        return false;
    }
    let from = line[..s].char_indices().rev().nth(24).map_or(0, |(i, _)| i);
    let window = line[from..s].to_ascii_uppercase();
    ["OIB", "IRD", "MEDICARE", "TFN", "EGN", "TAX", "NATIONAL"]
        .iter()
        .any(|n| window.contains(n))
}

fn ean13(d: &[u8]) -> bool {
    d.len() == 13 && {
        let s: u32 = d[..12]
            .iter()
            .enumerate()
            .map(|(i, &x)| u32::from(x) * if i % 2 == 0 { 1 } else { 3 })
            .sum();
        (10 - s % 10) % 10 == u32::from(d[12])
    }
}

/// A calendar date: month 1-12, day 1-31.
fn date_ok(month: u8, day: u8) -> bool {
    (1..=12).contains(&month) && (1..=31).contains(&day)
}

fn n2(d: &[u8], i: usize) -> u8 {
    d[i] * 10 + d[i + 1]
}

/// YYMMDD/SSS(C): month +50 for women, +20 (+70) for numbers issued since 2004; ten digits
/// divisible by 11 (or the remainder 10 with check 0).
fn rodne_cislo(v: &str) -> bool {
    let d = digits_of(v);
    let m = n2(&d, 2) % 50;
    let m = if m > 20 { m - 20 } else { m };
    if !date_ok(m, n2(&d, 4)) {
        return false;
    }
    if d.len() == 9 {
        return true;
    }
    let n: u64 = d[..9].iter().fold(0, |a, &x| a * 10 + u64::from(x));
    let r = (n % 11) as u8 % 10;
    r == d[9]
}

/// YYMMDD-PB-###G with a valid date and a state or country code in use.
fn mykad(d: &[u8]) -> bool {
    let pb = n2(d, 6);
    date_ok(n2(d, 2), n2(d, 4))
        && matches!(pb, 1..=16 | 21..=59 | 60..=68 | 71..=72 | 74..=79 | 82..=93 | 98..=99)
}

/// Nine digits weighted 9..1; the sum below 100 is the check, 100/101 give 00, else mod 101.
fn snils(d: &[u8]) -> bool {
    let s: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (9 - i as u32))
        .sum();
    let c = match s {
        0..=99 => s,
        100 | 101 => 0,
        _ => (s % 101) % 100,
    };
    c == u32::from(n2(d, 9))
}

/// Twelve digits weighted 13..2; check = (11 - sum mod 11) mod 10.
fn thai(d: &[u8]) -> bool {
    let s: u32 = d[..12]
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * (13 - i as u32))
        .sum();
    d[0] != 0 && (11 - s % 11) % 10 == u32::from(d[12])
}

/// One or two letters, six digits, the check (0-9 or A) in brackets: weights 9..2 (a space
/// worth 36 before a single letter), sum + check divisible by 11.
fn hkid(v: &str) -> bool {
    let b = v.as_bytes();
    let letters: Vec<u32> = b
        .iter()
        .take_while(|c| c.is_ascii_uppercase())
        .map(|&c| u32::from(c - b'A') + 10)
        .collect();
    let mut vals: Vec<u32> = if letters.len() == 1 { vec![36] } else { vec![] };
    vals.extend(letters);
    vals.extend(
        b.iter()
            .filter(|c| c.is_ascii_digit())
            .take(6)
            .map(|&c| u32::from(c - b'0')),
    );
    let check = match b[b.len() - 2] {
        b'A' => 10,
        c => u32::from(c - b'0'),
    };
    let s: u32 = vals.iter().zip((2..=9).rev()).map(|(x, w)| x * w).sum();
    vals.len() == 8 && (s + check) % 11 == 0
}

/// Medicare Beneficiary Identifier: eleven characters, by position a digit 1-9, a letter,
/// a letter or digit, a digit, a letter, a letter or digit, a digit, two letters, two
/// digits; letters exclude S, L, O, I, B, Z.
fn mbi(v: &str) -> bool {
    let c: Vec<u8> = v.bytes().filter(|&c| c != b'-').collect();
    let letter = |x: u8| x.is_ascii_uppercase() && !b"SLOIBZ".contains(&x);
    let either = |x: u8| x.is_ascii_digit() || letter(x);
    c.len() == 11
        && (b'1'..=b'9').contains(&c[0])
        && letter(c[1])
        && either(c[2])
        && c[3].is_ascii_digit()
        && letter(c[4])
        && either(c[5])
        && c[6].is_ascii_digit()
        && letter(c[7])
        && letter(c[8])
        && c[9].is_ascii_digit()
        && c[10].is_ascii_digit()
}

/// S/T/F/G/M, seven digits, a check letter: weights 2,7,6,5,4,3,2, offset 4 for T and G, 3
/// for M; the letter from the series' table.
fn sg_nric(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 9 || !b"STFGM".contains(&b[0]) || !b[1..8].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let s: usize = b[1..8]
        .iter()
        .zip([2, 7, 6, 5, 4, 3, 2])
        .map(|(&c, w)| usize::from(c - b'0') * w)
        .sum();
    let offset = match b[0] {
        b'T' | b'G' => 4,
        b'M' => 3,
        _ => 0,
    };
    let table: &[u8; 11] = match b[0] {
        b'S' | b'T' => b"JZIHGFEDCBA",
        b'F' | b'G' => b"XWUTRQPNMLK",
        _ => b"KLJNPQRTUWX",
    };
    let r = (s + offset) % 11;
    let r = if b[0] == b'M' { 10 - r } else { r };
    table[r] == b[8]
}

/// Taiwan: a region letter worth 10-35 (in its published order), sex digit 1/2, eight
/// digits; tens + 9 x units + digits weighted 8..1 + check divisible by 10.
fn tw_id(v: &str) -> bool {
    const ORDER: &[u8; 26] = b"ABCDEFGHJKLMNPQRSTUVXYWZIO";
    let b = v.as_bytes();
    if b.len() != 10 || !matches!(b[1], b'1' | b'2') {
        return false;
    }
    let Some(i) = ORDER.iter().position(|&c| c == b[0]) else {
        return false;
    };
    let n = i as u32 + 10;
    let d = digits_of(&v[1..]);
    let s: u32 = n / 10
        + (n % 10) * 9
        + d[..8]
            .iter()
            .zip((1..=8).rev())
            .map(|(&x, w)| u32::from(x) * w)
            .sum::<u32>()
        + u32::from(d[8]);
    s % 10 == 0
}

/// German health insurance number: a letter (A=01 .. Z=26), eight digits, a check digit:
/// the ten digits weighted 1,2,1,2..., digit sums of the products, mod 10.
fn kvnr(v: &str) -> bool {
    let b = v.as_bytes();
    if b.len() != 10 {
        return false;
    }
    let l = b[0] - b'A' + 1;
    let mut ds = vec![l / 10, l % 10];
    ds.extend(digits_of(&v[1..9]));
    let s: u32 = ds
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let p = u32::from(x) * if i % 2 == 0 { 1 } else { 2 };
            p / 10 + p % 10
        })
        .sum();
    s % 10 == u32::from(b[9] - b'0')
}

/// New Zealand NHI (to 2022): three letters (no I or O, A=1 .. Z=24), four digits; weights
/// 7..2 on the first six, check = 11 - sum mod 11 (mod 10), 0 as a remainder invalid.
fn nhi(v: &str) -> bool {
    const ALPHA: &[u8; 24] = b"ABCDEFGHJKLMNPQRSTUVWXYZ";
    let b = v.as_bytes();
    if b.len() != 7 || !b[3..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let mut vals = Vec::new();
    for &c in &b[..3] {
        let Some(i) = ALPHA.iter().position(|&a| a == c) else {
            return false;
        };
        vals.push(i as u32 + 1);
    }
    vals.extend(b[3..6].iter().map(|&c| u32::from(c - b'0')));
    let s: u32 = vals.iter().zip((2..=7).rev()).map(|(x, w)| x * w).sum();
    let r = s % 11;
    r != 0 && (11 - r) % 10 == u32::from(b[6] - b'0')
}

/// Estonian isikukood: century/sex 1-6, YYMMDD, serial, check by weights 1..9,1 then
/// 3..9,1,2,3 when the first remainder is 10.
fn isikukood(d: &[u8]) -> bool {
    if !(1..=6).contains(&d[0]) || !date_ok(n2(d, 3), n2(d, 5)) {
        return false;
    }
    let sum = |w: [u32; 10]| {
        d[..10]
            .iter()
            .zip(w)
            .map(|(&x, w)| u32::from(x) * w)
            .sum::<u32>()
            % 11
    };
    let mut r = sum([1, 2, 3, 4, 5, 6, 7, 8, 9, 1]);
    if r == 10 {
        r = sum([3, 4, 5, 6, 7, 8, 9, 1, 2, 3]) % 10;
    }
    r == u32::from(d[10])
}

/// Bulgarian EGN: YYMMDD (month +20 before 1900, +40 after 1999), serial, check by weights
/// 2,4,8,5,10,9,7,3,6 mod 11 (10 gives 0).
fn egn(d: &[u8]) -> bool {
    if d.len() != 10 {
        return false;
    }
    let m = n2(d, 2);
    let m = if m > 40 {
        m - 40
    } else if m > 20 {
        m - 20
    } else {
        m
    };
    if !date_ok(m, n2(d, 4)) {
        return false;
    }
    let s: u32 = d[..9]
        .iter()
        .zip([2, 4, 8, 5, 10, 9, 7, 3, 6])
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    (s % 11) % 10 == u32::from(d[9])
}

/// Romanian CNP: sex/century 1-8, YYMMDD, county 01-52, serial, check by `279146358279`
/// mod 11 (10 gives 1).
fn cnp(d: &[u8]) -> bool {
    if !(1..=8).contains(&d[0]) || !date_ok(n2(d, 3), n2(d, 5)) || !(1..=52).contains(&n2(d, 7)) {
        return false;
    }
    let s: u32 = d[..12]
        .iter()
        .zip([2, 7, 9, 1, 4, 6, 3, 5, 8, 2, 7, 9])
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    let c = match s % 11 {
        10 => 1,
        r => r,
    };
    c == u32::from(d[12])
}

/// Greek AMKA: DDMMYY, four digits, a Luhn check digit.
fn amka(d: &[u8]) -> bool {
    date_ok(n2(d, 2), n2(d, 0)) && luhn(d)
}

/// Icelandic kennitala: DDMMYY (day +40 for companies), two digits, a check by weights
/// 3,2,7,6,5,4,3,2 (11 - sum mod 11), a century digit 8, 9 or 0.
fn kennitala(d: &[u8]) -> bool {
    if !date_ok(n2(d, 2), n2(d, 0) % 40) || !matches!(d[9], 0 | 8 | 9) {
        return false;
    }
    let s: u32 = d[..8]
        .iter()
        .zip([3, 2, 7, 6, 5, 4, 3, 2])
        .map(|(&x, w)| u32::from(x) * w)
        .sum();
    let c = (11 - s % 11) % 11;
    c < 10 && c == u32::from(d[8])
}

/// New Zealand IRD: 8 or 9 digits in 10,000,000-150,000,000; the base padded to eight
/// digits weighted 3,2,7,6,5,4,3,2 (then 7,4,3,2,5,2,7,6 when the check would be 10).
fn ird(d: &[u8]) -> bool {
    if !(8..=9).contains(&d.len()) {
        return false;
    }
    let n: u64 = d.iter().fold(0, |a, &x| a * 10 + u64::from(x));
    if !(10_000_000..=150_000_000).contains(&n) {
        return false;
    }
    let mut base = vec![0u8; 9 - d.len()];
    base.extend_from_slice(&d[..d.len() - 1]);
    let check = |w: [u32; 8]| {
        let s: u32 = base.iter().zip(w).map(|(&x, w)| u32::from(x) * w).sum();
        match s % 11 {
            0 => 0,
            r => 11 - r,
        }
    };
    let mut c = check([3, 2, 7, 6, 5, 4, 3, 2]);
    if c == 10 {
        c = check([7, 4, 3, 2, 5, 2, 7, 6]);
    }
    c < 10 && c == u32::from(d[d.len() - 1])
}

/// Australian Medicare: ten digits (or eleven with the reference), first 2-6, the ninth a
/// check by weights 1,3,7,9,1,3,7,9 mod 10.
fn medicare(d: &[u8]) -> bool {
    (10..=11).contains(&d.len())
        && (2..=6).contains(&d[0])
        && d[..8]
            .iter()
            .zip([1, 3, 7, 9, 1, 3, 7, 9])
            .map(|(&x, w)| u32::from(x) * w)
            .sum::<u32>()
            % 10
            == u32::from(d[8])
}

/// Croatian OIB: eleven digits, ISO 7064 MOD 11,10.
fn oib(d: &[u8]) -> bool {
    if d.len() != 11 {
        return false;
    }
    let mut p = 10u8;
    for &x in &d[..10] {
        let s = match (x + p) % 10 {
            0 => 10,
            s => s,
        };
        p = (s * 2) % 11;
    }
    (11 - p) % 10 == d[10]
}

/// A run of digits that passes the check of a national id without a birth date in it, whose
/// check passes about one random number in ten: Polish NIP, Greek AFM, Portuguese NISS,
/// Ukrainian RNOKPP, Spanish NSS, Saudi and Emirati ids (Luhn), Ecuadorian cédula, Hungarian
/// TAJ, Uruguayan CI, Brazilian PIS. Only where the place already says personal data (a
/// personal document's file name, a row that holds a person's name).
pub(crate) fn weak(v: &str) -> bool {
    let d = digits_of(v);
    let seps = v.bytes().filter(|b| !b.is_ascii_digit()).count();
    if seps > 0
        && !v
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'-'))
    {
        return false;
    }
    match d.len() {
        7 | 8 => uy_ci(&d),
        9 => gr_afm(&d) || hu_taj(&d),
        10 => pl_nip(&d) || ua_rnokpp(&d) || ec_cedula(&d) || (d[0] == 1 || d[0] == 2) && luhn(&d),
        11 => pt_niss(&d) || br_pis(&d),
        12 => es_nss(&d),
        15 => d.starts_with(&[7, 8, 4]) && luhn(&d),
        16 => id_nik(&d),
        _ => false,
    }
}

/// Weighted sum of `d` with `w`.
fn wsum(d: &[u8], w: &[u32]) -> u32 {
    d.iter().zip(w).map(|(&x, &w)| u32::from(x) * w).sum()
}

/// Slovenian (and former Yugoslav) EMŠO: DDMMYYY, region, serial, mod 11 with weights 7..2.
fn emso(d: &[u8]) -> bool {
    if d.len() != 13 || !date_ok(n2(d, 2), n2(d, 0)) || !matches!(d[4], 0 | 9) {
        return false;
    }
    let r = wsum(d, &[7, 6, 5, 4, 3, 2, 7, 6, 5, 4, 3, 2]) % 11;
    let c = if r == 0 { 0 } else { 11 - r };
    c < 10 && u32::from(d[12]) == c
}

/// Luxembourg matricule: YYYYMMDD, serial, a Luhn digit, then a Verhoeff digit (both over
/// the first eleven).
fn lu_matricule(d: &[u8]) -> bool {
    d.len() == 13
        && matches!(n2(d, 0), 18..=20)
        && date_ok(n2(d, 4), n2(d, 6))
        && luhn(&d[..12])
        && super::ids::verhoeff(&[&d[..11], &d[12..]].concat())
}

/// Kazakh IIN: YYMMDD, a century/sex digit 1-6, serial, then mod 11 with weights 1..11 (and,
/// on a remainder of 10, weights 3..11,1,2).
fn kz_iin(d: &[u8]) -> bool {
    if d.len() != 12 || !date_ok(n2(d, 2), n2(d, 4)) || !(1..=6).contains(&d[6]) {
        return false;
    }
    let mut r = wsum(d, &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]) % 11;
    if r == 10 {
        r = wsum(d, &[3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2]) % 11;
    }
    r < 10 && u32::from(d[11]) == r
}

/// Mod 11 with `w` over all but the last digit, a remainder of 10 invalid: `sum % 11`.
fn mod11_rem(d: &[u8], w: &[u32]) -> bool {
    let r = wsum(d, w) % 11;
    r < 10 && u32::from(d[d.len() - 1]) == r
}

/// Polish NIP: weights 6 5 7 2 3 4 5 6 7, mod 11.
fn pl_nip(d: &[u8]) -> bool {
    mod11_rem(d, &[6, 5, 7, 2, 3, 4, 5, 6, 7])
}

/// Greek AFM: the first eight digits times 2^8..2^1, mod 11, mod 10.
fn gr_afm(d: &[u8]) -> bool {
    let s = wsum(d, &[256, 128, 64, 32, 16, 8, 4, 2]);
    d[..8].iter().any(|&x| x != 0) && (s % 11) % 10 == u32::from(d[8])
}

/// Hungarian TAJ: odd places times 3, even places times 7, mod 10.
fn hu_taj(d: &[u8]) -> bool {
    wsum(d, &[3, 7, 3, 7, 3, 7, 3, 7]) % 10 == u32::from(d[8])
}

/// Ukrainian RNOKPP: weights -1 5 7 9 4 6 10 5 7, mod 11, mod 10.
fn ua_rnokpp(d: &[u8]) -> bool {
    let s = wsum(&d[1..], &[5, 7, 9, 4, 6, 10, 5, 7]) as i64 - i64::from(d[0]);
    (s.rem_euclid(11) % 10) as u8 == d[9]
}

/// Ecuadorian cédula: province 01-24 (or 30), third digit below 6, then Luhn-like weights
/// 2 1 2 1 ... (products over 9 less 9), check = 10 - sum mod 10.
fn ec_cedula(d: &[u8]) -> bool {
    let prov = n2(d, 0);
    if !((1..=24).contains(&prov) || prov == 30) || d[2] >= 6 {
        return false;
    }
    let s: u32 = d[..9]
        .iter()
        .enumerate()
        .map(|(i, &x)| {
            let p = u32::from(x) * if i % 2 == 0 { 2 } else { 1 };
            if p > 9 {
                p - 9
            } else {
                p
            }
        })
        .sum();
    (10 - s % 10) % 10 == u32::from(d[9])
}

/// Uruguayan CI: weights 2 9 8 7 6 3 4 over the digits before the check (left-padded to
/// seven), check = 10 - sum mod 10.
fn uy_ci(d: &[u8]) -> bool {
    let body = &d[..d.len() - 1];
    let pad = 7 - body.len();
    let s: u32 = body
        .iter()
        .enumerate()
        .map(|(i, &x)| u32::from(x) * [2, 9, 8, 7, 6, 3, 4][i + pad])
        .sum();
    (10 - s % 10) % 10 == u32::from(d[d.len() - 1])
}

/// Portuguese NISS: weights 29 23 19 17 13 11 7 5 3 2, check = 9 - sum mod 10.
fn pt_niss(d: &[u8]) -> bool {
    matches!(d[0], 1 | 2)
        && (9 - wsum(d, &[29, 23, 19, 17, 13, 11, 7, 5, 3, 2]) % 10) == u32::from(d[10])
}

/// Brazilian PIS/PASEP: weights 3 2 9 8 7 6 5 4 3 2, 11 - sum mod 11 (10 and 11 give 0).
fn br_pis(d: &[u8]) -> bool {
    let r = 11 - wsum(d, &[3, 2, 9, 8, 7, 6, 5, 4, 3, 2]) % 11;
    (if r >= 10 { 0 } else { r }) == u32::from(d[10])
}

/// Spanish NSS: province (2), number (8), then the first ten mod 97.
fn es_nss(d: &[u8]) -> bool {
    let n = d[..10].iter().fold(0u64, |a, &x| a * 10 + u64::from(x));
    n2(d, 0) <= 53 && n % 97 == u64::from(n2(d, 10))
}

/// Indonesian NIK: region (6), DDMMYY with 40 added to a woman's day, serial from 0001.
fn id_nik(d: &[u8]) -> bool {
    let day = n2(d, 6);
    let day = if day > 40 { day - 40 } else { day };
    (11..=94).contains(&n2(d, 0)) && date_ok(n2(d, 8), day) && d[12..].iter().any(|&x| x != 0)
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    fn ids(line: &str) -> Vec<&str> {
        masked_by(find, line)
    }

    #[test]
    fn published_checks() {
        // Examples computed by hand from each published rule.
        assert!(ean13(&digits_of("7569217076985")) && !ean13(&digits_of("7569217076986")));
        assert!(snils(&digits_of("112-233-445 95")) && !snils(&digits_of("112-233-445 96")));
        assert!(oib(&digits_of("12345678903")) && !oib(&digits_of("12345678904")));
        assert!(cnp(&digits_of("1800101221144")) && !cnp(&digits_of("1800101221145")));
        assert!(thai(&digits_of("1101700230708")) && !thai(&digits_of("1101700230705")));
        assert!(sg_nric("S1234567D") && !sg_nric("S1234567A"));
        assert!(hkid("A123456(3)") && !hkid("A123456(4)"));
        assert!(mbi("1EG4TE5MK73") && mbi("1EG4-TE5-MK73") && !mbi("1EG4TE5MK7A"));
        assert!(tw_id("A123456789") && !tw_id("A123456788"));
        assert!(ird(&digits_of("49091850")) && ird(&digits_of("136410132")));
        assert!(!ird(&digits_of("136410133")));
        assert!(nhi("ZAC5361") && !nhi("ZAC5362"));
        assert!(medicare(&digits_of("2123456701")));
        assert!(egn(&digits_of("7523169263")) && !egn(&digits_of("7523169264")));
        assert!(isikukood(&digits_of("37605030299")) && !isikukood(&digits_of("37605030290")));
    }

    #[test]
    fn ids_with_a_birth_date_and_a_check() {
        // Check digits computed by hand from each published rule, on made-up bodies.
        assert!(emso(&digits_of("0103985500138")) && !emso(&digits_of("0103985500137")));
        assert!(!emso(&digits_of("3213985500138"))); // no 32nd day
        assert!(lu_matricule(&digits_of("1985031512371")));
        assert!(!lu_matricule(&digits_of("1985031512372")));
        assert!(!lu_matricule(&digits_of("1985031512361")));
        assert!(kz_iin(&digits_of("850715400129")) && !kz_iin(&digits_of("850715400128")));
        assert_eq!(ids("row 0103985500138 ok"), ["0103985500138"]);
        assert_eq!(ids("iin 850715400129;"), ["850715400129"]);
        assert!(ids("row 0103985500137 ok").is_empty());
    }

    #[test]
    fn ids_whose_check_passes_one_number_in_ten() {
        for v in [
            "5260001246",
            "094516329",
            "123456788",
            "3012345670",
            "1712345675",
            "1234567-2",
            "12345678902",
            "28123456789",
            "281234567840",
        ] {
            assert!(weak(v), "{v}");
        }
        for v in [
            "5260001245",
            "123456789",
            "3012345671",
            "12345678903",
            "281234567841",
        ] {
            assert!(!weak(v), "{v}");
        }
        // Not found by themselves: a bare run only by a birth date and a check.
        assert!(ids("order 5260001246 shipped").is_empty());
    }

    #[test]
    fn masks_checked_layouts_and_labelled_runs() {
        assert_eq!(ids("ahv 756.9217.0769.85 ok"), ["756.9217.0769.85"]);
        assert_eq!(ids("egn=7523169263;"), ["7523169263"]);
        // A bare ten-digit run with a valid birth date and check is still too common alone.
        assert!(ids("msg 7523169263;").is_empty());
        assert_eq!(ids("HKID A123456(3) on file"), ["A123456(3)"]);
        assert_eq!(ids("their OIB is 12345678903"), ["12345678903"]);
        // The same run with no name before it is one random number in ten.
        assert!(ids("order 12345678903 shipped").is_empty());
        assert!(ids("v1.2.3 build 20240101 ts 1709518351870").is_empty());
    }
}
