//! Network-device and wireless configuration, by each tool's documented syntax, where the
//! secret follows a keyword rather than a `name=value` field:
//! - Cisco IOS commands (`username u password 7 v`, `enable secret 9 v`, `neighbor a password
//!   v`, `key-string 7 v`, `ntp authentication-key 1 md5 v`, `crypto isakmp key v address a`,
//!   `snmp-server community v RO`, `snmp-server user u g v3 auth sha v priv aes 128 v`, a
//!   server block's ` key 7 v`), JunOS `set` statements (`secret "v"`, `authentication-key "v"`,
//!   `encrypted-password "v"`, `ascii-text "v"`, `set snmp community v`) and FortiOS `set
//!   password ENC v`: the stored form (an encrypted or hashed value) is the secret too; the type
//!   digit before it is not.
//! - strongSwan `ipsec.secrets` (`selectors : PSK "v"`, `EAP`, `XAUTH`, `NTLM`).
//! - wpa_supplicant / hostapd (`psk=`, `#psk="v"`, `wpa_passphrase=`, `sae_password=`) and the
//!   `wpa_passphrase <ssid> <passphrase>` command.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of the secrets in a device configuration line.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let t = line.trim_start();
    if config_command(t) {
        keyword_values(line, out);
    }
    ipsec_secrets(line, out);
    if line.contains('=') || line.contains("wpa_passphrase") {
        wireless(line, out);
    }
}

/// Whether `t` (a trimmed line) opens with a configuration command that may carry a secret:
/// a cheap test on the first word before any regex.
fn config_command(t: &str) -> bool {
    const HEADS: &[&str] = &[
        "username ",
        "enable ",
        "neighbor ",
        "standby ",
        "ntp ",
        "crypto ",
        "snmp-server ",
        "tacacs-server ",
        "radius-server ",
        "key ",
        "key-string ",
        "ip ospf ",
        "server-private ",
        "pre-shared-key ",
        "set ",
    ];
    HEADS.iter().any(|h| t.starts_with(h))
}

/// `keyword [type digit] value` on a configuration command line.
fn keyword_values(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?:^|\s)(?:password|secret|key-string|key|psksecret|passwd|community|encrypted-password|ascii-text|authentication-key(?:\s+\d+\s+md5)?|message-digest-key\s+\d+\s+md5|auth\s+(?:md5|sha\d*)|priv\s+(?:des|3des|aes(?:\s+\d+)?))\s+(?:[05-9]\s+)?(?:"([^"]+)"|(ENC\s+\S+)|(\S+))"#,
        )
        .expect("device keyword regex")
    });
    for c in re.captures_iter(line) {
        let Some(m) = (1..=3).find_map(|g| c.get(g)) else {
            continue;
        };
        if !keyword(m.as_str()) {
            out.push(Span::new(m.start(), m.end(), SecretKind::Secret));
        }
    }
}

/// Words that follow the keywords above in commands that set no secret (`key chain`,
/// `password encryption aes`, `secret` options).
fn keyword(v: &str) -> bool {
    matches!(
        v,
        "chain"
            | "encryption"
            | "required"
            | "config-key"
            | "hash"
            | "md5"
            | "sha"
            | "level"
            | "view"
            | "ENC"
    )
}

/// strongSwan `ipsec.secrets`: `[selectors] : PSK "secret"` (also EAP, XAUTH, NTLM).
fn ipsec_secrets(line: &str, out: &mut Vec<Span>) {
    // Cheap gate: a `: ` then a capital, at one of the line's few colons.
    let b = line.as_bytes();
    let typed = memchr::memchr_iter(b':', b)
        .any(|i| b.get(i + 1) == Some(&b' ') && b.get(i + 2).is_some_and(u8::is_ascii_uppercase));
    if !typed {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#":\s(?:PSK|EAP|XAUTH|NTLM)\s+(?:"([^"]+)"|(\S+))"#).expect("ipsec regex")
    });
    super::first_groups(re, line, |_| true, out);
}

/// wpa_supplicant and hostapd passphrases and PSKs, and `wpa_passphrase <ssid> <pass>`.
fn wireless(line: &str, out: &mut Vec<Span>) {
    // `psk=`, `wpa_psk=`, `wpa_passphrase`, `sae_password=`: each has `psk=` or `pass`.
    static PS: Needle = needle!("psk=");
    static PASS: Needle = needle!("pass");
    if !(PS.is_in(line) || PASS.is_in(line)) {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r#"(?:^|[\s#:])(?:psk|wpa_psk|wpa_passphrase|sae_password)=(?:"([^"]+)"|([^\s"]+))|(?:^|\s)wpa_passphrase\s+(?:'[^']*'|"[^"]*"|\S+)\s+(?:'([^']+)'|"([^"]+)"|([^\s|<>]+))"#,
        )
        .expect("wireless regex")
    });
    super::first_groups(re, line, |_| true, out);
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn ios_junos_and_fortios_secrets() {
        for (line, want) in [
            (
                "username admin privilege 15 secret 9 $9$abc$def",
                "$9$abc$def",
            ),
            (
                "enable secret 5 $1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
                "$1$mERr$hx5rVt7rPNoS4wqbXKX7m0",
            ),
            (
                " neighbor 192.0.2.1 password 7 0822455D0A16",
                "0822455D0A16",
            ),
            (" key-string 7 045802150C2E", "045802150C2E"),
            (
                "ntp authentication-key 3 md5 1511021F0725 7",
                "1511021F0725",
            ),
            ("crypto isakmp key s3cretPSK address 192.0.2.9", "s3cretPSK"),
            ("snmp-server community pub1icLab RO", "pub1icLab"),
            (" key 7 15110A1F17", "15110A1F17"),
            (
                "set system radius-server 192.0.2.5 secret \"$9$xyz\"",
                "$9$xyz",
            ),
            (
                "set snmp community ops-ro authorization read-only",
                "ops-ro",
            ),
            ("    set password ENC qwE+rty/123==", "ENC qwE+rty/123=="),
        ] {
            assert_eq!(masked_by(find, line), [want], "{line}");
        }
        assert_eq!(
            masked_by(
                find,
                "snmp-server user mon grp v3 auth sha AuthPw1 priv aes 128 PrivPw2"
            ),
            ["AuthPw1", "PrivPw2"]
        );
    }

    #[test]
    fn ipsec_and_wireless_secrets() {
        assert_eq!(
            masked_by(find, "192.0.2.1 192.0.2.2 : PSK \"v3ry secret\""),
            ["v3ry secret"]
        );
        assert_eq!(masked_by(find, "\tpsk=\"my wifi pass\""), ["my wifi pass"]);
        assert_eq!(masked_by(find, "\t#psk=\"my wifi pass\""), ["my wifi pass"]);
        assert_eq!(masked_by(find, "wpa_passphrase=Hunter22"), ["Hunter22"]);
        assert_eq!(
            masked_by(find, "$ wpa_passphrase 'HomeNet' 'p4ss phrase!'"),
            ["p4ss phrase!"]
        );
    }

    #[test]
    fn commands_without_secrets_stay() {
        for line in [
            "service password-encryption",
            "key chain OSPF-KEYS",
            "ip ssh pubkey-chain",
            "set -x",
            "  key-hash ssh-rsa 5E3F9B2C",
            "enable password encryption aes",
        ] {
            assert!(masked_by(find, line).is_empty(), "{line}");
        }
    }
}
