//! Public key material written where a private one could be: it must stay, so the layers that
//! mask random-looking strings are told to leave it ([`find`] adds keep ranges).
//!
//! - WireGuard (`wg(8)`): `peer <key>` (and `wg show`'s `peer: <key>`) names a peer by its public key (32 bytes, 44 base64
//!   characters ending in `=`); only `private-key`, `preshared-key` and `PrivateKey =` are
//!   secret.

use super::needle::{needle, Needle};

/// Ranges of `line` that are public keys.
pub(crate) fn find(line: &str, keep: &mut Vec<(usize, usize)>) {
    static PEER: Needle = needle!("peer");
    if PEER.is_in(line) {
        wireguard_peers(line, keep);
    }
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
