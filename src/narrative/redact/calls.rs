//! Values set by name through a call: HTTP client APIs add a header as two arguments, its
//! name then its value (.NET `Headers.Add("X-Api-Key", v)`, Go `Header.Set`, Java
//! `setHeader` / `addHeader` / `setRequestProperty`, JavaScript `headers.set` / `append` /
//! `setRequestHeader`), and environment and map APIs do the same (`os.Setenv`, `putenv`,
//! `put`), and PHP's `define` names a constant the same way. When the name says the value is a credential ([`keys::field`]), the second literal
//! is masked, as it would be in `name=value`.

use super::fields::masks;
use super::keys::{self, Field};
use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// The method names that set a value by its name, lowercase.
const SETTERS: &[&str] = &[
    "add",
    "set",
    "append",
    "put",
    "header",
    "setheader",
    "addheader",
    "setrequestheader",
    "setrequestproperty",
    "addrequestproperty",
    "setenv",
    "putenv",
    "tryaddwithoutvalidation",
    // PHP's `define('DB_PASSWORD', 'x')` sets a constant by its name.
    "define",
];

/// The longest header or variable name read (a longer quoted first argument is prose).
const NAME_MAX: usize = 61;

/// Whether `line` calls a setter with a quoted first argument: `set("`, `Add( '`. The regex
/// below needs one; most lines with `("` call something else (`log("...")`).
fn calls_a_setter(line: &str) -> bool {
    let b = line.as_bytes();
    memchr::memchr_iter(b'(', b).any(|i| {
        let arg = line[i + 1..].trim_start();
        if !(arg.starts_with('"') || arg.starts_with('\'')) {
            return false;
        }
        let start = b[..i]
            .iter()
            .rposition(|c| !(c.is_ascii_alphanumeric() || *c == b'_'))
            .map_or(0, |p| p + 1);
        let call = line[start..i].trim_start_matches(|c: char| c.is_ascii_digit());
        SETTERS.iter().any(|s| s.eq_ignore_ascii_case(call))
    })
}

/// A call with two quoted arguments, its name then its value.
fn call_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // Names unbounded here and bounded by [`NAME_MAX`]: a bounded repeat of `\w` (Unicode)
        // is compiled into that many copies of its class (a quarter-second at start-up).
        Regex::new(concat!(
            r#"(?P<call>[A-Za-z_][A-Za-z0-9_]*)\(\s*(?:"(?P<n1>[A-Za-z][\w.\-]*)"|'(?P<n2>[A-Za-z][\w.\-]*)')"#,
            r#"\s*,\s*(?:"(?P<v1>[^"\s]+)"|'(?P<v2>[^'\s]+)')\s*\)"#
        ))
        .expect("set-by-name call regex")
    })
}

/// Spans of the values that calls in `line` set under a credential's name.
pub(crate) fn values_set_by_call(line: &str, out: &mut Vec<Span>) {
    if !calls_a_setter(line) {
        return;
    }
    for c in call_re().captures_iter(line) {
        let call = c.name("call").expect("call").as_str();
        if !SETTERS.iter().any(|s| s.eq_ignore_ascii_case(call)) {
            continue;
        }
        let Some((f, v)) = quoted_field_value(&c) else {
            continue;
        };
        if matches!(f, Field::Password | Field::Credential) && masks(f, v.as_str(), "") {
            out.push(Span::new(v.start(), v.end(), SecretKind::Secret));
        }
    }
}

/// The field a quoted name (group `n1` or `n2`, at most [`NAME_MAX`] bytes) names and the
/// quoted value after it (`v1` or `v2`), from a match of [`call_re`] or the pair regex.
fn quoted_field_value<'h>(c: &regex::Captures<'h>) -> Option<(Field, regex::Match<'h>)> {
    let name = c.name("n1").or_else(|| c.name("n2"))?;
    let v = c.name("v1").or_else(|| c.name("v2"))?;
    if name.len() > NAME_MAX {
        return None;
    }
    Some((keys::field(name.as_str())?, v))
}

/// Header lists printed as pairs of strings: Envoy's debug dump of a request's headers (one
/// `'name', 'value'` per line) and Python's repr of a list of pairs (`[('name', 'value'), ...]`,
/// as `requests` and WSGI print headers). The second string is the first one's value.
pub(crate) fn pair_tuples(line: &str, out: &mut Vec<Span>) {
    let t = line.trim_start();
    let lone = matches!(t.as_bytes().first(), Some(b'\'' | b'"' | b'('));
    static LIST: Needle = needle!("[('");
    if !lone && !LIST.is_in(line) {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r#"(?:^\s*\(?|[\[,]\s*\()\s*(?:'(?P<n1>[A-Za-z:][\w.:\-]*)'|"(?P<n2>[A-Za-z:][\w.:\-]*)")"#,
            r#"\s*,\s*(?:'(?P<v1>[^'\s]+)'|"(?P<v2>[^"\s]+)")\s*(?:\)|,?\s*$)"#
        ))
        .expect("header pair regex") // names bounded by NAME_MAX in code, as in call_re
    });
    for c in re.captures_iter(line) {
        let Some((f, v)) = quoted_field_value(&c) else {
            continue;
        };
        if masks(f, v.as_str(), "") {
            out.push(Span::new(v.start(), v.end(), f.kind()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::piece_lines;
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(values_set_by_call, line)
    }

    #[test]
    fn a_header_set_by_name_masks_its_value() {
        assert_eq!(
            masked(r#"wc.Headers.Add("Authorization", "Token 9f8e7d6c5b4a");"#),
            Vec::<&str>::new(),
            "a value with a blank is a scheme and a token: left to the header rules"
        );
        assert_eq!(
            masked("$c.Headers.Add('X-Auth-Token','q8Zr2LmN0pX7vB4k')"),
            ["q8Zr2LmN0pX7vB4k"]
        );
        assert_eq!(
            masked(r#"req.Header.Set("x-api-key", "b1946ac92492d2347c6235b4d2611184")"#),
            ["b1946ac92492d2347c6235b4d2611184"]
        );
        assert_eq!(
            masked(r#"os.Setenv("DB_PASSWORD", "n0t-s0-s3cret")"#),
            ["n0t-s0-s3cret"]
        );
        assert_eq!(
            masked("define( 'DB_PASSWORD', 'k9-Lantern-x' );"),
            ["k9-Lantern-x"]
        );
        assert!(masked("define('WP_DEBUG_LOG', 'wp-content/debug.log');").is_empty());
    }

    #[test]
    fn header_pairs_printed_as_strings() {
        let pairs = |l| super::super::masked_by(pair_tuples, l);
        assert_eq!(
            pairs("  'x-auth-token', 'Zq81mNc0Lw7Pe2Rk'"),
            ["Zq81mNc0Lw7Pe2Rk"]
        );
        assert_eq!(
            pairs("headers=[('accept', '*/*'), ('x-api-key', 'b1946ac92492d2347c62')]"),
            ["b1946ac92492d2347c62"]
        );
        assert!(pairs("  ':path', '/v2/orders'").is_empty());
        assert!(pairs(r#"log.Printf("token", "abc123def456")"#).is_empty());
    }

    #[test]
    fn other_calls_and_other_names_stay() {
        for line in [
            r#"req.Header.Set("Content-Type", "application/json")"#,
            r#"log.Printf("token", "abc123def456")"#,
            r#"headers.set("x-api-key", "true")"#,
        ] {
            assert!(masked(line).is_empty(), "{line}");
        }
    }

    /// The setter gate is never false where the regex finds a setter's call.
    #[test]
    fn the_gate_never_hides_a_match() {
        let pieces = [
            " ",
            "(",
            ")",
            "( ",
            "\"",
            "'",
            ",",
            ", ",
            ";",
            ".",
            "_",
            "9",
            "x",
            "Add",
            "set",
            "Headers",
            "os.Setenv",
            "log",
            "putenv",
            "define",
            "\"X-Api-Key\"",
            "'token'",
            "\"v4lue\"",
        ];
        for line in piece_lines(&pieces, 40_000) {
            let setter = call_re().captures_iter(&line).any(|c| {
                let call = &c["call"];
                SETTERS.iter().any(|s| s.eq_ignore_ascii_case(call))
            });
            if setter {
                assert!(calls_a_setter(&line), "{line:?}");
            }
        }
    }
}
