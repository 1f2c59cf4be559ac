//! Command-line options whose name says they take a secret, with the secret as the next
//! argument: `--db-password 'x'`, `-pw x`, `--api-token "x"`, `-Password x` (PowerShell).
//! The `--name=value` spelling is a pair and read with the other fields; this is the spelling
//! with a blank, which no field syntax covers. Single-letter options (`-p`, `-w`) are left to
//! the tools that document them ([`super::argv`]): `-p` is a port or a path as often as a
//! password.
//!
//! The name is judged like any field name ([`keys::field`]) and the value like any field's
//! value ([`masks`]): `--token-ttl 30m` and `--secret-name db-creds` stay. An option that
//! says where the secret comes from (`--password-stdin`, `--password-file`) takes no secret.

use super::fields::masks;
use super::keys::{self, Field};
use super::{SecretKind, Span};

/// Spans of the values given to options that name a password or credential.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    for dash in memchr::memchr_iter(b'-', b) {
        let starts_word = dash == 0 || b[dash - 1] == b' ' || b[dash - 1] == b'\t';
        if !starts_word {
            continue;
        }
        if let Some(sp) = option_value(line, dash) {
            out.push(sp);
        }
    }
}

/// The secret after the option that starts at `dash`, if its name says it takes one.
fn option_value(line: &str, dash: usize) -> Option<Span> {
    let b = line.as_bytes();
    let name_start = dash + if b.get(dash + 1) == Some(&b'-') { 2 } else { 1 };
    let name_end = name_start
        + b[name_start..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_'))
            .count();
    // One letter is a tool's own convention; a blank must follow the name.
    if name_end - name_start < 2 || !matches!(b.get(name_end), Some(b' ')) {
        return None;
    }
    let name = &line[name_start..name_end];
    if takes_no_secret(name) {
        return None;
    }
    let f = keys::field(name)?;
    if !matches!(f, Field::Password | Field::Credential) {
        return None;
    }
    let v_start = name_end + 1;
    let (s, e) = argument(b, v_start)?;
    let v = &line[s..e];
    // Another option, or a shell variable that holds the secret, is not the secret.
    if v.starts_with('-') || v.starts_with('$') || !masks(f, v, &line[e..]) {
        return None;
    }
    Some(Span::new(s, e, SecretKind::Secret))
}

/// Options that say where a secret is read from, not the secret (`--password-stdin`,
/// `--token-file`, `--secret-env`, `--password-prompt`), and actions on secrets, which take
/// the name of the one to act on (`gpg --export-secret-keys "Release Signing"`,
/// `--delete-token ci-bot`).
fn takes_no_secret(name: &str) -> bool {
    const SOURCE: &[&str] = &[
        "stdin", "file", "path", "env", "prompt", "cmd", "command", "from", "name", "id",
    ];
    const ACTION: &[&str] = &[
        "export", "import", "list", "show", "get", "delete", "remove", "revoke", "rotate",
        "generate", "gen", "print", "dump", "fetch", "sign", "verify", "encrypt", "decrypt",
        "check", "refresh",
    ];
    let last = name.rsplit(['-', '_']).next().unwrap_or(name);
    let first = name.split(['-', '_']).next().unwrap_or(name);
    SOURCE.iter().any(|w| last.eq_ignore_ascii_case(w))
        || ACTION.iter().any(|w| first.eq_ignore_ascii_case(w))
}

/// The argument starting at `at`: inside its quotes when quoted (to the closing quote),
/// otherwise to the next blank.
fn argument(b: &[u8], at: usize) -> Option<(usize, usize)> {
    match b.get(at)? {
        q @ (b'\'' | b'"') => {
            let close = memchr::memchr(*q, &b[at + 1..])?;
            Some((at + 1, at + 1 + close)).filter(|(s, e)| s < e)
        }
        b' ' | b'\t' => None,
        _ => {
            let len = b[at..]
                .iter()
                .take_while(|c| !c.is_ascii_whitespace())
                .count();
            Some((at, at + len))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn options_named_for_a_secret_take_the_next_argument() {
        let lines = [
            (
                "mytool --db-password 'n0t-Guess4ble' --verbose",
                vec!["n0t-Guess4ble"],
            ),
            ("cli -pw Hx81-kk3Z -type cms", vec!["Hx81-kk3Z"]),
            (
                "deploy --api-token \"t0k_9f8e7d6c5b4a\"",
                vec!["t0k_9f8e7d6c5b4a"],
            ),
            (
                "New-LocalUser -Name svc -Password Winter42xyz",
                vec!["Winter42xyz"],
            ),
            ("setup --adminpass 'Q7!rain-lake'", vec!["Q7!rain-lake"]),
        ];
        for (line, want) in lines {
            assert_eq!(masked(line), want, "{line}");
        }
    }

    #[test]
    fn options_that_only_point_at_a_secret_stay() {
        for line in [
            "echo $PW | docker login -u ci --password-stdin registry.example.com",
            "app --token-file /run/secrets/token --port 8080",
            "kubectl create secret generic db --secret-name db-creds",
            "tool --password $DB_PASSWORD --user app",
            "tool --token-ttl 30m",
            "tool --password --user app",
            "mysql -p -h db01",
            "ssh -p 2222 host",
            "grep -w 'timeout' app.log",
            "a-password b",
            "gpg --armor --export-secret-keys Acme Release Signing",
            "vault token --revoke-token ci-bot-7",
        ] {
            assert!(masked(line).is_empty(), "{line}: {:?}", masked(line));
        }
    }
}
