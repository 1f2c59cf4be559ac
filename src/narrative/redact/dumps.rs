//! PHP `print_r` records, `[key] => value`: the key in brackets, the value to the end of the
//! line (print_r writes strings bare, with their spaces). The value is masked when the key
//! names a sensitive field ([`keys::field`]) and [`fields::masks`] agrees.

use super::fields;
use super::keys;
use super::Span;

/// Spans of sensitive print_r values in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let t = line.trim_start();
    let Some(rest) = t.strip_prefix('[') else {
        return;
    };
    let Some(close) = rest.find(']') else {
        return;
    };
    let key = rest[..close].trim_matches(['"', '\'']);
    let after = &rest[close + 1..];
    let Some(v) = after.trim_start().strip_prefix("=>") else {
        return;
    };
    let value = v.trim();
    if value.is_empty() || value == "Array" || value.starts_with("Array") {
        return;
    }
    let Some(f) = keys::field(key) else {
        return;
    };
    if !fields::masks(f, value, "") {
        return;
    }
    let s = line.len() - v.trim_start().len();
    out.push(Span::new(s, s + value.len(), f.kind()));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn print_r_values_under_sensitive_keys() {
        assert_eq!(masked("    [password] => s3cret-Pw"), vec!["s3cret-Pw"]);
        assert_eq!(
            masked("    [api_token] => tk_9f8e7d6c5b"),
            vec!["tk_9f8e7d6c5b"]
        );
        assert!(masked("    [username] => ana").is_empty());
        assert!(masked("    [password] => Array").is_empty());
        assert!(masked("[2024-01-01 10:00] => started").is_empty());
    }
}
