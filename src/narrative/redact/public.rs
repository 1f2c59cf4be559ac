//! Public key material written where a private one could be: it must stay, so the layers that
//! mask random-looking strings are told to leave it ([`find`] adds keep ranges).
//!
//! - WireGuard (`wg(8)`): `peer <key>` (and `wg show`'s `peer: <key>`) names a peer by its public key (32 bytes, 44 base64
//!   characters ending in `=`); only `private-key`, `preshared-key` and `PrivateKey =` are
//!   secret.
//! - DKIM (RFC 6376) and ARC (RFC 8617) signature headers: every message carries them and the
//!   signer's public key verifies them, so their tags (`bh=` body hash, `b=` signature) are
//!   not secrets.
//! - Message identifiers (RFC 5322 `msg-id`: `Message-ID: <left@right>`, `In-Reply-To`,
//!   `References`; postfix's `message-id=<...>`): the `@` joins a unique id to a host
//!   name, not a mailbox's user to its domain.
//! - A DER certificate written as one base64 string (`"cert": "MIID..."`): X.509 (RFC 5280)
//!   is a SEQUENCE whose first element, the to-be-signed certificate, is itself a long
//!   SEQUENCE (`30 82 .. .. 30 82`), which a private key's encoding never is (PKCS#1 and
//!   PKCS#8 start with an INTEGER version, `02 01`).

use super::needle::{needle, Needle};

/// Ranges of `line` that are public keys.
pub(crate) fn find(line: &str, keep: &mut Vec<(usize, usize)>) {
    static PEER: Needle = needle!("peer");
    static DER: Needle = needle!("MII");
    if PEER.is_in(line) {
        wireguard_peers(line, keep);
    }
    dkim_tags(line, keep);
    // A message id is written `<left@right>`.
    if memchr::memchr(b'<', line.as_bytes()).is_some()
        && memchr::memchr(b'@', line.as_bytes()).is_some()
    {
        message_ids(line, keep);
    }
    if DER.is_in(line) {
        der_certificates(line, keep);
    }
}

/// The tag values of a DKIM-Signature / ARC header line.
fn dkim_tags(line: &str, keep: &mut Vec<(usize, usize)>) {
    // A header name is short: look no further than its length for the colon.
    let Some(colon) = line.bytes().take(40).position(|b| b == b':') else {
        return;
    };
    let name = line[..colon].trim();
    let ends = |suffix: &str| {
        name.len() >= suffix.len()
            && name.as_bytes()[name.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
    };
    let signed = ends("dkim-signature")
        || name.eq_ignore_ascii_case("arc-seal")
        || name.eq_ignore_ascii_case("arc-message-signature");
    if !signed || name.contains(' ') {
        return;
    }
    let mut at = colon + 1;
    for tag in line[at..].split(';') {
        if let Some((_, v)) = tag.split_once('=') {
            let s = at + tag.len() - v.len();
            let lead = v.len() - v.trim_start().len();
            keep.push((s + lead, s + v.trim_end().len()));
        }
        at += tag.len() + 1;
    }
}

/// The `<...>` message ids after a Message-ID / In-Reply-To / References name.
fn message_ids(line: &str, keep: &mut Vec<(usize, usize)>) {
    let lower = line.to_ascii_lowercase();
    let names = ["message-id", "in-reply-to", "references", "content-id"];
    for name in names {
        for (i, _) in lower.match_indices(name) {
            let starts_word = i == 0 || !lower.as_bytes()[i - 1].is_ascii_alphanumeric();
            let rest = &line[i + name.len()..];
            let Some(ids) = rest.strip_prefix(':').or_else(|| rest.strip_prefix('=')) else {
                continue;
            };
            if !starts_word {
                continue;
            }
            let base = line.len() - ids.len();
            // One or more `<id>`s separated by blanks (References lists the thread).
            let mut at = 0;
            let t = ids.as_bytes();
            loop {
                while t.get(at).is_some_and(|&c| c == b' ' || c == b'\t') {
                    at += 1;
                }
                if t.get(at) != Some(&b'<') {
                    break;
                }
                let Some(close) = ids[at..].find('>') else {
                    break;
                };
                let id = &ids[at + 1..at + close];
                if id.contains('@') && !id.contains(char::is_whitespace) {
                    keep.push((base + at + 1, base + at + close));
                }
                at += close + 1;
            }
        }
    }
}

/// Base64 DER certificates (and CSRs, whose info is a long SEQUENCE too) in `line`.
fn der_certificates(line: &str, keep: &mut Vec<(usize, usize)>) {
    let b = line.as_bytes();
    let b64 = |c: &u8| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=');
    for (i, _) in line.match_indices("MII") {
        if i > 0 && b64(&b[i - 1]) {
            continue;
        }
        let len = b[i..].iter().take_while(|c| b64(c)).count();
        if len >= 64 && long_sequence_in_sequence(&b[i..i + 8]) {
            keep.push((i, i + len));
        }
    }
}

/// Whether 8 base64 characters decode to `30 82 LL LL 30 82` (or `30 81`).
fn long_sequence_in_sequence(chars: &[u8]) -> bool {
    let val = |c: u8| -> Option<u32> {
        Some(match c {
            b'A'..=b'Z' => c - b'A',
            b'a'..=b'z' => c - b'a' + 26,
            b'0'..=b'9' => c - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            _ => return None,
        } as u32)
    };
    let mut bytes = [0u8; 6];
    for (k, group) in chars.chunks(4).enumerate() {
        let mut n = 0u32;
        for &c in group {
            let Some(v) = val(c) else { return false };
            n = n << 6 | v;
        }
        bytes[k * 3..k * 3 + 3].copy_from_slice(&n.to_be_bytes()[1..]);
    }
    bytes[0] == 0x30 && bytes[1] == 0x82 && bytes[4] == 0x30 && matches!(bytes[5], 0x81 | 0x82)
}

/// The key after each `peer` word of a `wg` command line or `wg show` output.
fn wireguard_peers(line: &str, keep: &mut Vec<(usize, usize)>) {
    for (i, _) in line.match_indices("peer") {
        let starts_word = i == 0 || !line.as_bytes()[i - 1].is_ascii_alphanumeric();
        let rest = &line[i + 4..];
        let gap = rest.strip_prefix(':').unwrap_or(rest);
        let blanks = gap.len() - gap.trim_start_matches(' ').len();
        if blanks == 0 {
            continue;
        }
        let s = line.len() - gap.len() + blanks;
        let len = line[s..]
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
            .count();
        if starts_word && wireguard_key(&line[s..s + len]) {
            keep.push((s, s + len));
        }
    }
}

/// A WireGuard key's text: 43 base64 characters and one `=` of padding.
fn wireguard_key(t: &str) -> bool {
    t.len() == 44 && t.ends_with('=') && !t[..43].contains('=')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(line: &str) -> Vec<&str> {
        let mut keep = Vec::new();
        find(line, &mut keep);
        keep.iter().map(|&(s, e)| &line[s..e]).collect()
    }

    #[test]
    fn message_ids_are_not_mailboxes() {
        assert_eq!(
            kept("Message-ID: <20240614.1234@mail.example.org>"),
            ["20240614.1234@mail.example.org"]
        );
        assert_eq!(
            kept("References: <a1@example.org> <b2@example.org>"),
            ["a1@example.org", "b2@example.org"]
        );
        assert_eq!(
            kept("postfix/cleanup[123]: 4BXyz: message-id=<x9@host.example>"),
            ["x9@host.example"]
        );
        assert!(kept("From: Ana <ana@example.org>").is_empty());
        assert!(kept("reply-id: <ana@example.org>").is_empty());
    }

    #[test]
    fn dkim_signature_tags_are_public() {
        let line = "DKIM-Signature: v=1; a=rsa-sha256; d=example.org; s=s1; bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=; b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHutKVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV4bmp/YzhwvcubU4=";
        assert_eq!(
            kept(line)[4..],
            [
                "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=",
                "AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHutKVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV4bmp/YzhwvcubU4="
            ]
        );
        assert!(kept("X-Signature: v=1; b=abc").is_empty());
    }

    #[test]
    fn a_base64_der_certificate_is_public_a_private_key_is_not() {
        // X.509: SEQUENCE { SEQUENCE tbsCertificate ...}: `30 82 03 77 30 82`.
        let cert = format!("MIIDdzCCAl+gAwIBAgIE{}", "A".repeat(80));
        assert_eq!(kept(&format!("{{\"cert\": \"{cert}\"}}")), [cert.as_str()]);
        // PKCS#8 (`30 82 04 bd 02 01 00`) and PKCS#1 (`30 82 04 a4 02 01 00`) private keys.
        for key in ["MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", "MIIEpAIBAAKCAQEA"] {
            let key = format!("{key}{}", "A".repeat(80));
            assert!(kept(&format!("{{\"key\": \"{key}\"}}")).is_empty());
        }
    }

    #[test]
    fn a_wireguard_peer_is_named_by_its_public_key() {
        let pubkey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
        assert_eq!(
            kept(&format!("wg set wg0 peer {pubkey} allowed-ips 10.0.0.2/32")),
            [pubkey]
        );
        assert_eq!(kept(&format!("peer: {pubkey}")), [pubkey]);
        // Not a key's length, or a word that ends in `peer`.
        assert!(kept("wg set wg0 peer abc= endpoint x").is_empty());
        assert!(kept(&format!("upeer {pubkey}")).is_empty());
    }
}
