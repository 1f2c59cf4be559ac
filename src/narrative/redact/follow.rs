//! A value on the line after the one that names it, in layouts that split a name from its
//! value across lines:
//!
//! - an argument vector printed one element per line (`docker inspect`'s `"Args": [`,
//!   Kubernetes `args:`): `"--db-password",` then the value, quoted;
//! - a prompt or banner that ends with a colon (`Password for the admin user:`, `Enter
//!   passphrase:`), then the value alone, indented;
//! - PHP `var_dump`: `["password"]=>` then `string(12) "value"`.
//!
//! [`announces`] reads the first line, [`value`] the second.

use super::keys::{self, Field};

/// The sensitive field the line announces for the next line, if any.
pub(crate) fn announces(line: &str) -> Option<Field> {
    let t = line.trim();
    let secret = |f: Option<Field>| f.filter(|f| matches!(f, Field::Password | Field::Credential));
    // `"--db-password",`: a lone quoted option in a list.
    if let Some(inner) = t
        .trim_end_matches(',')
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
    {
        let flag = inner
            .strip_prefix("--")
            .or_else(|| inner.strip_prefix('-'))?;
        if flag.is_empty() || flag.contains(['=', ' ']) {
            return None;
        }
        return secret(keys::field(flag));
    }
    // `["password"]=>` (var_dump) and `[password] =>` with nothing after (print_r).
    if let Some(k) = t.strip_suffix("=>").map(str::trim_end) {
        let k = k.strip_prefix('[')?.strip_suffix(']')?.trim_matches('"');
        return secret(keys::field(k));
    }
    // A prompt: several words, then a colon that ends the line.
    let prompt = t.strip_suffix(':')?;
    if prompt.split_whitespace().count() < 2 || prompt.contains(['=', '{', '"']) {
        return None;
    }
    let first = prompt
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())?;
    secret(keys::field(first).filter(|f| *f == Field::Password))
}

/// The value's range on the line after an announcing one: one token alone (quoted or not,
/// a list's trailing comma left out), or var_dump's `string(N) "value"`.
pub(crate) fn value(line: &str) -> Option<(usize, usize)> {
    let lead = line.len() - line.trim_start().len();
    let t = line.trim();
    if t.is_empty() || t.ends_with(':') {
        return None;
    }
    let (s, body) = if let Some(rest) = t.strip_prefix("string(") {
        let q = rest.find('"')?;
        (lead + 7 + q + 1, rest[q + 1..].strip_suffix('"')?)
    } else if t.starts_with('"') {
        let body = t
            .trim_end_matches(',')
            .strip_prefix('"')?
            .strip_suffix('"')?;
        (lead + 1, body)
    } else {
        (lead, t)
    };
    if body.is_empty() || body.contains(char::is_whitespace) || keys::benign(body, false) {
        return None;
    }
    Some((s, s + body.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_then_values() {
        assert_eq!(
            announces("        \"--db-password\","),
            Some(Field::Password)
        );
        assert_eq!(announces("  [\"password\"]=>"), Some(Field::Password));
        assert_eq!(
            announces("Password for the admin user (reset it with x):"),
            Some(Field::Password)
        );
        assert_eq!(announces("\"--port\","), None);
        assert_eq!(announces("password:"), None);
        assert_eq!(announces("Users:"), None);
        let v = "            \"s3cr3t-Value\",";
        assert_eq!(value(v).map(|(s, e)| &v[s..e]), Some("s3cr3t-Value"));
        let v = "  string(6) \"a1b2c3\"";
        assert_eq!(value(v).map(|(s, e)| &v[s..e]), Some("a1b2c3"));
        let v = "  Xy9-pw";
        assert_eq!(value(v).map(|(s, e)| &v[s..e]), Some("Xy9-pw"));
        assert_eq!(value("  secretKeyRef:"), None);
        assert_eq!(value("  two words"), None);
    }
}
