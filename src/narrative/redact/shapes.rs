//! Necessary conditions on a line's text for the rules whose gates often pass on lines their
//! regexes never match (a 13-digit epoch time opens the id gate, a clock and a date open the
//! MAC gate): short byte scans, run only after a rule's gate passed.
//!
//! Promise: each answers true on every line where its rule could keep a match (most on every
//! line where the regex matches at all; [`card_number`] and [`ipv6_address`] where the rule's
//! check could accept one). So a line it answers false for would have given the rule nothing,
//! and skipping the regex search changes no output. On a line with non-ASCII text the scans
//! that read digits, blanks or letters answer true: the regexes' `\d`, `\s` and `(?i)` are
//! Unicode there. `tests::never_false_where_the_rule_keeps_a_match` checks each against its
//! rule on fixture lines and random lines built from the shapes' parts.

use super::rules::{Features, Word};

/// `b[from..from + n]` are all ASCII digits (false past either end).
fn digits(b: &[u8], from: Option<usize>, n: usize) -> bool {
    from.and_then(|s| b.get(s..s + n))
        .is_some_and(|d| d.iter().all(u8::is_ascii_digit))
}

fn is(b: &[u8], i: usize, set: &[u8]) -> bool {
    b.get(i).is_some_and(|c| set.contains(c))
}

/// A national id's layout somewhere in the line (the alternatives of the national id rule):
/// SSN `ddd-dd-dddd`, CPF `ddd.ddd.ddd-dd`, DNI/NIE (seven digits, then a capital), and the
/// layouts [`Features`] already records (NINO, codice fiscale, PAN, Aadhaar, NIR, SIN/TFN).
pub(crate) fn national_id(f: &Features, line: &str) -> bool {
    if f.uu_dd
        || f.upper5
        || f.u5_digit
        || f.d4_sep_d4
        || f.grouped3
        || f.corsica
        || f.spaced_digits >= 15
        || !line.is_ascii()
    {
        return true;
    }
    let b = line.as_bytes();
    let dni = f.max_digit_run >= 7
        && (7..b.len()).any(|k| b[k].is_ascii_uppercase() && digits(b, Some(k - 7), 7));
    dni || memchr::memchr_iter(b'-', b).any(|j| {
        // SSN: the first dash of `ddd-dd-dddd`; CPF: the dash of `ddd.ddd.ddd-dd`.
        let ssn = digits(b, j.checked_sub(3), 3)
            && digits(b, Some(j + 1), 2)
            && is(b, j + 3, b"-")
            && digits(b, Some(j + 4), 4);
        let cpf = digits(b, Some(j + 1), 2)
            && digits(b, j.checked_sub(3), 3)
            && j >= 11
            && b[j - 4] == b'.'
            && digits(b, Some(j - 7), 3)
            && b[j - 8] == b'.'
            && digits(b, Some(j - 11), 3);
        // Dashed Canadian SIN `ddd-ddd-ddd`, personnummer `(yy)yymmdd-nnnn`, the end of a
        // CNPJ `/dddd-dd`.
        let sin = digits(b, j.checked_sub(3), 3)
            && digits(b, Some(j + 1), 3)
            && is(b, j + 4, b"-")
            && digits(b, Some(j + 5), 3);
        let pnr = digits(b, j.checked_sub(6), 6) && digits(b, Some(j + 1), 4);
        let cnpj = digits(b, Some(j + 1), 2)
            && digits(b, j.checked_sub(4), 4)
            && j >= 5
            && b[j - 5] == b'/';
        ssn || cpf || sin || pnr || cnpj
    })
}

/// A phone number's layout (the alternatives of the phone rule): `+` and a country code or an
/// area code in parentheses, then enough digits; `ddd.ddd.dddd` / `ddd-ddd-dddd`; a national
/// number in dashed groups (`0dd-dddd-dddd`); French pairs (`0d dd dd dd dd`, dotted too).
pub(crate) fn phone(f: &Features, line: &str) -> bool {
    if !line.is_ascii() {
        return true;
    }
    let b = line.as_bytes();
    let opened = f.phone_open
        && memchr::memchr2_iter(b'+', b'(', b).any(|i| {
            let first = b.get(i + 1).copied().unwrap_or(b' ');
            // Every digit of the number follows in one run of digits, blanks, `.-()`:
            // `+` then at least 6 (country code, area, two groups of two), `(` at least 8.
            (b[i] == b'+' && matches!(first, b'1'..=b'9') && number_digits(b, i + 1) >= 6)
                || (b[i] == b'(' && first.is_ascii_digit() && number_digits(b, i + 1) >= 8)
        });
    opened
        || memchr::memchr2_iter(b'.', b'-', b).any(|j| grouped_at(b, j))
        || memchr::memchr_iter(b'0', b).any(|i| pairs_from(b, i))
}

/// Digits in the run of digits, spaces and `.-()` that starts at `from`.
fn number_digits(b: &[u8], from: usize) -> usize {
    b[from.min(b.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit() || matches!(c, b' ' | b'.' | b'-' | b'(' | b')'))
        .filter(|c| c.is_ascii_digit())
        .count()
}

/// `ddd.ddd.dddd` (either separator) with its first separator at `j`, or `d-dd-dd` (2 to 4
/// digits between the dashes) with its first dash at `j`.
fn grouped_at(b: &[u8], j: usize) -> bool {
    let seps: &[u8] = b".-";
    let us = digits(b, j.checked_sub(3), 3)
        && digits(b, Some(j + 1), 3)
        && is(b, j + 4, seps)
        && digits(b, Some(j + 5), 4);
    if us {
        return true;
    }
    if b[j] != b'-' || !digits(b, j.checked_sub(1), 1) {
        return false;
    }
    let m = b[j + 1..].iter().take_while(|c| c.is_ascii_digit()).count();
    (2..=4).contains(&m) && is(b, j + 1 + m, b"-") && digits(b, Some(j + 2 + m), 2)
}

/// `0d dd dd dd dd` or `0d.dd.dd.dd.dd` from the `0` at `i`.
fn pairs_from(b: &[u8], i: usize) -> bool {
    digits(b, Some(i + 1), 1)
        && [b' ', b'.'].iter().any(|&sep| {
            (0..4).all(|k| is(b, i + 2 + 3 * k, &[sep]) && digits(b, Some(i + 3 + 3 * k), 2))
        })
}

/// Six hex pairs joined by `:` or `-`, or Cisco's `hhhh.hhhh.hhhh` ([`Features::cisco_mac`]).
pub(crate) fn mac(f: &Features, line: &str) -> bool {
    let b = line.as_bytes();
    let hex = |i: usize| b.get(i).is_some_and(u8::is_ascii_hexdigit);
    f.cisco_mac
        || memchr::memchr2_iter(b':', b'-', b).any(|j| {
            j >= 2
                && hex(j - 2)
                && hex(j - 1)
                && (0..5)
                    .all(|k| is(b, j + 3 * k, b":-") && hex(j + 3 * k + 1) && hex(j + 3 * k + 2))
        })
}

/// A provider shape's marker word ([`Word::Shape`]), or the three dot-separated parts of a
/// Discord bot token: 24, 6 and at least 27 characters of `[A-Za-z0-9_-]`.
pub(crate) fn provider_shape(f: &Features, line: &str) -> bool {
    let b = line.as_bytes();
    let part = |from: usize, n: usize| {
        b.get(from..from + n).is_some_and(|p| {
            p.iter()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-'))
        })
    };
    f.has(Word::Shape)
        || memchr::memchr_iter(b'.', b).any(|j| {
            j >= 24 && part(j - 24, 24) && part(j + 1, 6) && is(b, j + 7, b".") && part(j + 8, 27)
        })
}

/// A word a password rule starts from (`password`, `pwd`, `AUTH`, `identified by`).
pub(crate) fn password_word(f: &Features, line: &str) -> bool {
    f.has(Word::Password) || !line.is_ascii()
}

/// `is` between blanks (`the new key is <value>`).
pub(crate) fn stated(_: &Features, line: &str) -> bool {
    let b = line.as_bytes();
    let blank = |c: u8| matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ');
    !line.is_ascii()
        || memchr::memchr2_iter(b'i', b'I', b).any(|i| {
            i >= 1
                && i + 2 < b.len()
                && b[i + 1].eq_ignore_ascii_case(&b's')
                && blank(b[i - 1])
                && blank(b[i + 2])
        })
}

/// A password file line's start: `host:port:` or `host:*:` after leading blanks.
pub(crate) fn pgpass_head(_: &Features, line: &str) -> bool {
    if !line.is_ascii() {
        return true;
    }
    let b = line
        .trim_start_matches(['\t', '\n', '\x0B', '\x0C', '\r', ' '])
        .as_bytes();
    let host = b
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'*'))
        .count();
    host > 0
        && is(b, host, b":")
        && b.get(host + 1)
            .is_some_and(|c| c.is_ascii_digit() || *c == b'*')
}

/// A card number the card rule could accept: grouped (four digits, a space or dash, four
/// digits), or a whole run of 13 to 19 digits that starts with an issuer's digit (2 to 6).
pub(crate) fn card_number(f: &Features, line: &str) -> bool {
    if f.d4_sep_d4 || !line.is_ascii() {
        return true;
    }
    let b = line.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let n = b[i..].iter().take_while(|c| c.is_ascii_digit()).count();
        if (13..=19).contains(&n) && matches!(b[i], b'2'..=b'6') {
            return true;
        }
        i += n;
    }
    false
}

/// An address the IPv6 rule's check could accept: with `::`, or eight groups (seven colons),
/// or six groups and an IPv4 tail (six colons).
pub(crate) fn ipv6_address(f: &Features, _: &str) -> bool {
    f.double_colon || f.colons >= 6
}

#[cfg(test)]
mod tests {
    use super::super::rules::{rules, Features, Rule};
    use super::*;

    /// Whether `rule` keeps a match on `line`, its gate and needs aside (what `apply` does).
    fn keeps(rule: &Rule, line: &str) -> bool {
        rule.re.captures_iter(line).any(|caps| {
            (rule.group..caps.len())
                .find_map(|g| caps.get(g))
                .is_some_and(|m| rule.check.is_none_or(|c| c(line, m.start(), m.end())))
        })
    }

    /// A small xorshift generator: the same lines on every run.
    struct Rng(u64);

    impl Rng {
        fn next(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }

        fn pick<'a>(&mut self, from: &[&'a str]) -> &'a str {
            from[self.next(from.len())]
        }
    }

    /// Layouts of the shapes the rules look for, written from their published formats: `d` is
    /// a digit, `h` a hex digit, `u` a capital, `l` a lowercase letter, `x` a token character.
    const LAYOUTS: &[&str] = &[
        "ddd-dd-dddd",
        "ddd.ddd.ddd-dd",
        "dddddddu",
        "udddddddu",
        "uu dd dd dd u",
        "uuuuuuddudduddddu",
        "uuuuudddu",
        "dddd dddd dddd",
        "d dd dd dd ddd ddd dd",
        "ddddddddddddddd",
        "d dd dd 2A ddd ddd dd",
        "ddd ddd ddd",
        "dddd dddd dddd dddd",
        "dddd-dddd-dddd-dddd",
        "dddd dddddd ddddd",
        "ddddddddddddddd",
        "dddddddddddddddd",
        "+dd dd dddd dddd",
        "+d (ddd) ddd-dddd",
        "+dd-ddd-ddd-ddd",
        "(ddd) ddd-dddd",
        "(dd) dddd dddd",
        "ddd.ddd.dddd",
        "ddd-ddd-dddd",
        "0dd-dddd-dddd",
        "0d-dd-dd-dd",
        "0d dd dd dd dd",
        "0d.dd.dd.dd.dd",
        "hh:hh:hh:hh:hh:hh",
        "hh-hh-hh-hh-hh-hh",
        "hhhh.hhhh.hhhh",
        "hhhh:hhh:h:hh:hhhh:hhh:hh:h",
        "hhhh:hh::h",
        "::ffff:ddd.dd.d.dd",
        "h:h:h:h:h:h:d.d.d.d",
        "[hhhh:hh::h]:ddddd",
        "xxxxxxxxxxxxxxxxxxxxxxxx.xxxxxx.xxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "hhhhhhhhhhhhhhhhhhhhhhhhhhhhhhhh-usd",
        "dddddddddd:AAxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        "lllll.lll:dddd:llll:llll:xxxxxxx",
        "*:*:*:llll:xxxxxx",
        "password xxxxxxxx",
        "PASSWD: xxxxxxxxx",
        "AUTH xxxxxxxx",
        "\"AUTH\" \"xxxxxxx\"",
        "IDENTIFIED BY 'xxxxxx'",
        "password 'xxxxxxx'",
        "set password = 'xxxxxx'",
        "SET PASSWORD FOR 'llll'@'lllll' = 'xxxxxx'",
        "IDENTIFIED WITH llllll_llll BY 'xxxxxxx'",
        "the key is xxxxxxxxxxxxxxxxxxxx",
        "TOKEN\tIS\txxxxxxxxxxxxxxxxxx",
    ];

    /// One layout filled in, then perhaps bent (a character dropped, doubled or replaced):
    /// the rules' near misses are where a scan that is too narrow would show.
    fn filled(rng: &mut Rng) -> String {
        let mut s: Vec<u8> = rng
            .pick(LAYOUTS)
            .bytes()
            .map(|c| match c {
                b'd' => b"0123456789"[rng.next(10)],
                b'h' => b"0123456789abcdefABCDEF"[rng.next(22)],
                b'u' => b"ABCDEFGHJKLMNPRSTXYZ"[rng.next(20)],
                b'l' => b"abcdefghijklmnopqrstuvwxyz"[rng.next(26)],
                b'x' => b"abcXYZ0123456789_-"[rng.next(18)],
                c => c,
            })
            .collect();
        for _ in 0..rng.next(3) {
            let i = rng.next(s.len());
            match rng.next(3) {
                0 => {
                    s.remove(i);
                }
                1 => s.insert(i, s[i]),
                _ => s[i] = b" .-:+()0123456789AZaz'\"\t"[rng.next(23)],
            }
            if s.is_empty() {
                break;
            }
        }
        String::from_utf8(s).expect("ASCII")
    }

    fn lines() -> Vec<String> {
        let mut rng = Rng(0x2545_F491_4F6C_DD1D);
        let around = [
            "",
            " ",
            "id ",
            "x=",
            "\"",
            "(",
            "tel:",
            "at 10:00:00 ",
            "-",
            "ab",
        ];
        let after = ["", " ", " ok", "\"", ")", ".", ".5", ":", "x", "-1"];
        let mut out = Vec::new();
        for _ in 0..30_000 {
            let mut line = String::from(rng.pick(&around));
            for k in 0..1 + rng.next(2) {
                if k > 0 {
                    line.push_str(rng.pick(&[" ", ", ", " and ", ":"]));
                }
                line.push_str(&filled(&mut rng));
            }
            line.push_str(rng.pick(&after));
            out.push(line);
        }
        out.extend(super::super::rules::tests::fixture_lines());
        out
    }

    #[test]
    fn never_false_where_the_rule_keeps_a_match() {
        let lines = lines();
        let mut kept = vec![0usize; rules().len()];
        for line in &lines {
            let f = Features::of(line);
            for (i, rule) in rules().iter().enumerate() {
                let Some(needs) = rule.needs else { continue };
                if keeps(rule, line) {
                    kept[i] += 1;
                    assert!(needs(&f, line), "rule {i} keeps a match in {line:?}");
                }
            }
        }
        // Every scan was tried on lines where its rule keeps something.
        for (i, rule) in rules().iter().enumerate() {
            if rule.needs.is_some() {
                assert!(kept[i] >= 20, "rule {i}: only {} lines", kept[i]);
            }
        }
    }

    #[test]
    fn scans_refuse_what_the_gates_let_through() {
        let f = |line: &str| Features::of(line);
        // An epoch time in milliseconds opens the id and card gates; no id or card is there.
        let l = "ts=1709518351870 level=info 2024-06-14T10:00:00.123Z took 12ms";
        assert!(!national_id(&f(l), l) && !card_number(&f(l), l));
        // A date and a clock hold hex pairs; no MAC address.
        let l = "2024-05-01 10:00:00 10:01:02 ab:cd ok";
        assert!(!mac(&f(l), l));
        assert!(mac(
            &f("hw 00:1a:2B:3c:4D:5e up"),
            "hw 00:1a:2B:3c:4D:5e up"
        ));
        // A UUID has dashes between digits; no phone layout.
        let l = "req 4bf92f35-77b3-4da6-a3ce-929d0e0e4736 +1 retry (12 ms)";
        assert!(!phone(&f(l), l));
        let l = "call +44 20 7946 0958";
        assert!(phone(&f(l), l));
        assert!(!ipv6_address(&f("at 10:00:00 x:dead"), ""));
        assert!(pgpass_head(&f(""), "  db.example.org:5432:app:u:pw"));
        assert!(!pgpass_head(&f(""), "2024-05-01 10:00:00 a:1:b:c:d"));
        assert!(stated(&f(""), "new key is abc") && !stated(&f(""), "this list"));
    }
}
