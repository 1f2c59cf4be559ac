//! Stored password hashes in the published formats that carry no `$scheme$` prefix (those
//! are in [`super::tokens::provider_re`]): a hash stands for its password (it can be cracked
//! offline or replayed), so it is masked whole.
//!
//! - MySQL `mysql_native_password`: `*` and 40 uppercase hex digits (SHA1(SHA1(pw))).
//! - RFC 2307 `userPassword` schemes (OpenLDAP, htpasswd, Dovecot): `{SSHA}`, `{SHA}`,
//!   `{SSHA256}`, `{SSHA512}`, `{SHA256}`, `{SHA512}`, `{MD5}`, `{SMD5}`, `{PBKDF2...}`,
//!   `{CRYPT}`, `{BLF-CRYPT}`, `{ARGON2ID}` and base64 (or crypt) after them.
//! - PostgreSQL SCRAM verifiers (RFC 5803): `SCRAM-SHA-256$<iter>:<salt>$<StoredKey>:<ServerKey>`.
//! - Kerberos long-term keys as `klist -k -K` prints them after the enctype: `(0x<hex>)`;
//!   a key derived from a password stands for it as a hash does.
//! - htdigest files (Apache `htdigest`): `user:realm:` and MD5(user:realm:password) as 32
//!   lower-case hex digits, the whole line.
//! - ZooKeeper digest ACLs and `superDigest`: `digest:user:` and base64 SHA-1 (27 characters
//!   and `=`); after zkCli's `addauth digest user:`, the password itself.
//! - pwdump / secretsdump lines: `user:rid:LMhash:NThash:::`, the NT hash (the LM hash of an
//!   empty password, `aad3b435...`, is a constant).

use super::needle::{needle, Needle};
use super::Span;
use regex::Regex;
use std::sync::OnceLock;

fn hashes_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:^|[^A-Za-z0-9*])(\*[0-9A-F]{40})(?:$|[^A-Za-z0-9])",
            r"|(\{(?i:ssha|sha|ssha256|ssha512|sha256|sha512|md5|smd5|crypt|blf-crypt|argon2i|argon2id|pbkdf2(?:-sha\d+)?)\}[A-Za-z0-9+/.$=\-]{8,})",
            r"|(SCRAM-SHA-(?:1|256)\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+)",
            r"|^[^:\s]+:\d+:[0-9a-fA-F]{32}:([0-9a-fA-F]{32}):::",
            r"|\) {1,2}\(0x([0-9a-fA-F]{32,128})\)",
            r"|^\s*[^:\s]+:[^:]+:([0-9a-f]{32})\s*$",
            r"|(?i:digest)[:,'=]+[^:\s',]+:([A-Za-z0-9+/]{27}=)",
            r"|addauth digest [^:\s]+:(\S+)",
        ))
        .expect("hash formats")
    })
}

/// Whether some format of [`hashes_re`] could start in `line`: a `*` before 40 hex digits, a
/// `{scheme}` (letters, digits and `-` between braces: a JSON object's `{"` is not one),
/// `SCRAM-SHA-`, a pwdump line's `:::`, a klist key's `(0x`, a ZooKeeper `digest` or an
/// htdigest line's `:` 33 bytes from its (trimmed) end. Never false where the regex matches.
fn may_hold(line: &str) -> bool {
    static KLIST: Needle = needle!("(0x");
    static DIGEST: Needle = needle!("igest");
    let t = line.trim_end().as_bytes();
    if t.len() > 33 && t[t.len() - 33] == b':' {
        return true;
    }
    let b = line.as_bytes();
    let mysql = |i: usize| b.len() >= i + 41 && b[i + 1..i + 41].iter().all(u8::is_ascii_hexdigit);
    let scheme = |i: usize| {
        let inner = b[i + 1..]
            .iter()
            .take_while(|c| c.is_ascii_alphanumeric() || **c == b'-');
        let n = inner.count();
        (2..=16).contains(&n) && b.get(i + 1 + n) == Some(&b'}')
    };
    memchr::memchr2_iter(b'*', b'{', b).any(|i| if b[i] == b'*' { mysql(i) } else { scheme(i) })
        || line.contains(":::")
        || line.contains("SCRAM-SHA-")
        || KLIST.is_in(line)
        || DIGEST.is_in(line)
}

/// Spans of the stored hashes in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    if !may_hold(line) {
        return;
    }
    super::first_groups(hashes_re(), line, |_| true, out);
}

#[cfg(test)]
mod tests {
    use super::super::piece_lines;
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        super::super::masked_by(find, line)
    }

    #[test]
    fn kerberos_keys_printed_by_klist() {
        let key = "8f2b6c1d0e4a79353d2c1b0a99887766";
        assert_eq!(
            masked(&format!("   3 01/02/2026 10:00:00 host/web-4.example.net@EXAMPLE.NET (aes128-cts-hmac-sha1-96) (0x{key})")),
            vec![key]
        );
        assert_eq!(
            masked(&format!(
                "   3 01/02/2026 10:00:00 host/a@B.NET (aes128-cts-hmac-sha1-96)  (0x{key})"
            )),
            vec![key]
        );
        assert!(masked("flags (0x1f) set").is_empty());
    }

    #[test]
    fn htdigest_lines() {
        let h = "0c9f1bd3b9e5a1d2c4f6e8a0b2d4f6a8";
        assert_eq!(masked(&format!("carol:Staff Only:{h}")), vec![h]);
        assert!(masked(&format!("sha256 of build: {h}")).is_empty());
        assert!(masked(&format!("at 10:00:00 id {h}")).is_empty());
    }

    #[test]
    fn zookeeper_digests() {
        let h = "uHHbDW9zIYUbr0bmeFbPHxp2TQw=";
        assert_eq!(masked(&format!("setAcl /x digest:bob:{h}:rw")), vec![h]);
        assert_eq!(
            masked(&format!(
                "-Dzookeeper.DigestAuthenticationProvider.superDigest=super:{h}"
            )),
            vec![h]
        );
        assert_eq!(masked("addauth digest bob:s3cr3t!x"), vec!["s3cr3t!x"]);
        assert!(masked(
            "Digest: sha256:9b2f5c8e1a7d3f6b0c4e8a2d6f1b5c9e3a7d0f4b8c2e6a1d5f9b3c7e0a4d8f2b"
        )
        .is_empty());
    }

    #[test]
    fn stored_hash_formats() {
        let mysql = "*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19";
        assert_eq!(
            masked(&format!("| app | % | mysql_native_password | {mysql} |")),
            vec![mysql]
        );
        assert_eq!(
            masked("userPassword: {SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="),
            vec!["{SSHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g="]
        );
        assert_eq!(
            masked("bob:{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs="),
            vec!["{SHA}fEqNCco3Yq9h5ZUglD3CZJT4lBs="]
        );
        let scram = "SCRAM-SHA-256$4096:c2FsdHNhbHQ=$c3RvcmVka2V5:c2VydmVya2V5";
        assert_eq!(masked(&format!(" app | {scram}")), vec![scram]);
        assert_eq!(
            masked("Administrator:500:aad3b435b51404eeaad3b435b51404ee:31d6cfe0d16ae931b73c59d7e0c089c0:::"),
            vec!["31d6cfe0d16ae931b73c59d7e0c089c0"]
        );
    }

    #[test]
    fn not_hashes() {
        for line in [
            "SELECT * FROM users",
            "{\"a\": 1}",
            "sha256 {abc}",
            "x *2470C0C06DEE42FD1618BB99005ADCA2EC9D1E1 short",
        ] {
            assert!(masked(line).is_empty(), "{line}");
        }
    }

    /// The cheap gate is never false where the regex matches.
    #[test]
    fn the_gate_never_hides_a_match() {
        let hex40 = "2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19";
        let pieces = [
            " ",
            "*",
            "{",
            "}",
            ":",
            ":::",
            "$",
            "=",
            "|",
            hex40,
            "0",
            "aad3b435b51404eeaad3b435b51404ee",
            "{SSHA}",
            "{sha}",
            "{PBKDF2-SHA256}",
            "{BLF-CRYPT}",
            "W6ph5Mm5Pz8GgiUL",
            "SCRAM-SHA-256$",
            "4096:",
            "c2FsdA==",
            "$",
            "admin",
            ":500:",
            "(0x",
            ")  (0x",
            "digest:",
            "uHHbDW9zIYUbr0bmeFbPHxp2TQw=",
            "addauth digest ",
            "0c9f1bd3b9e5a1d2c4f6e8a0b2d4f6a8",
            "{\"a\":",
            "x",
        ];
        for line in piece_lines(&pieces, 40_000) {
            if hashes_re().is_match(&line) {
                assert!(may_hold(&line), "{line:?}");
            }
        }
    }
}
