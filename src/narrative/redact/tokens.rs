//! Credentials known by their published shapes: provider token prefixes and lengths (cloud,
//! VCS, chat, payment, mail, AI, package registries, vaults), secret-bearing URLs (chat
//! webhooks, Sentry DSNs), password hashes, and a catch-all for long random-looking strings.

use regex::Regex;
use std::sync::OnceLock;

/// Tokens with a published prefix (and usually a fixed length and alphabet).
pub(crate) fn provider_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:(?-u:\b)(?:(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}",
            r"|AIza[0-9A-Za-z_\-]{35}",
            r"|ya29\.[0-9A-Za-z_\-]{20,}",
            r"|1//0[0-9A-Za-z_\-]{20,}",
            r"|GOCSPX-[A-Za-z0-9_\-]{20,}",
            r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}",
            r"|glpat-[A-Za-z0-9_\-]{20,}|gl(?:ptt|dt|rt|cbt|imt|oas|ft)-[A-Za-z0-9_\-]{20,}",
            r"|xox[abposre]-[A-Za-z0-9\-]{10,}|xapp-\d-[A-Za-z0-9\-]{10,}",
            r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}|whsec_[A-Za-z0-9]{24,}",
            r"|sk-(?:ant-(?:api|admin)\d\d-|proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
            r"|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",
            r"|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,}|pypi-AgE[A-Za-z0-9_\-]{50,}",
            r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",
            r"|SK[0-9a-f]{32}|key-[0-9a-f]{32}",
            // Square: access tokens and client secrets (`sq0idp-` is the public application id).
            r"|sq0(?:atp|csp)-[A-Za-z0-9_\-]{22,}|EAAA[A-Za-z0-9_\-]{60,}",
            r"|access_token\$(?:production|sandbox)\$[a-z0-9]{16}\$[a-f0-9]{32}",
            r"|A21AA[A-Za-z0-9_\-]{50,}",
            r"|hv[sbr]\.[A-Za-z0-9_\-]{20,}",
            r"|dop_v1_[a-f0-9]{64}|do[or]_v1_[a-f0-9]{64}",
            r"|dckr_pat_[A-Za-z0-9_\-]{20,}",
            r"|lin_api_[A-Za-z0-9]{40}|ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}",
            r"|ATATT3[A-Za-z0-9_\-=]{50,}|ATBB[A-Za-z0-9]{28,}",
            r"|oy2[a-z0-9]{43}",
            // SonarQube (user, project, global analysis), Databricks, Postman, Doppler, Alibaba.
            r"|sq[upa]_[a-f0-9]{40}|dapi[a-f0-9]{32}(?:-\d)?|PMAK-[a-f0-9]{24}-[a-f0-9]{34}",
            r"|dp\.(?:pt|st|sa|ct|scim|audit)\.(?:[a-z0-9_\-]{1,20}\.)?[A-Za-z0-9]{40,44}",
            r"|LTAI[A-Za-z0-9]{12,20}",
            r"|NRAK-[A-Z0-9]{27}|NRII-[A-Za-z0-9_\-]{32}",
            r"|AGE-SECRET-KEY-1[QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L]{58}",
            r"|b3BlbnNzaC1rZXktdjE[A-Za-z0-9+/=]{10,}",
            // Salesforce session ids (OAuth access tokens): the 15-character org id (`00D`
            // key prefix), `!`, then the session's own part.
            r"|00D[A-Za-z0-9]{12}![A-Za-z0-9._]{60,}",
            // Twilio's account SID, with the auth token the account's credential pair.
            r"|AC[0-9a-f]{32}",
            // No word boundary after: alphabets with `-` and `_` may end in one (`GOCSPX-..-`,
            // `pypi-..._`); [`super::rules`] checks the byte after a fixed-length match.
            r"|AKIA[A-Z0-9]{16}))",
            // express-session's signed cookie, URL-encoded: `s:` + session id + `.` + HMAC.
            r"|(?-u:\b)s%3[Aa][A-Za-z0-9_\-]{16,}\.[A-Za-z0-9+/_\-%]{27,}",
            // Django's generated keys use punctuation (`!`, `*`, `)`) and may end in it.
            r"|django-insecure-[^\s\x22']{20,}",
            // Telegram bot tokens may end in `-` or `_`, where no word boundary is.
            r"|bot\d{8,10}:AA[A-Za-z0-9_\-]{33}",
            // Secret-bearing URLs: the whole URL is the credential.
            r"|https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9/_\-]+",
            // Its path alone (`POST /services/T.../B.../...` in an access log) is the same secret:
            // workspace id, channel id, then 24 characters of key.
            r"|/services/T[A-Z0-9]{8,12}/B[A-Z0-9]{8,12}/[A-Za-z0-9]{24}(?-u:\b)",
            // A minisign secret key file's body: algorithm ids `EdScB2`, salt, limits, key.
            r"|RWRTY0Iy[A-Za-z0-9+/]{150,}={0,2}",
            r"|https://(?:ptb\.|canary\.)?discord(?:app)?\.com/api/webhooks/\d+/[A-Za-z0-9_\-]+",
            r"|https://[a-f0-9]{32}(?::[a-f0-9]{32})?@[A-Za-z0-9.\-]+/\d+",
            r"|https://[A-Za-z0-9.\-]+\.webhook\.office\.com/[^\s\x22']+",
            // Password hashes (crypt formats, Django, Werkzeug; `$7$` Mosquitto PBKDF2-SHA512,
            // `$8$`/`$9$` Cisco PBKDF2/scrypt, JunOS `$9$`): the hash stands for the password.
            // crypt(3) never writes `:` (shadow(5) separates its fields with it); a PHC string
            // joins its parameters with `,` (`$m=19456,t=2,p=1$`).
            r"|\$(?:2[abxy]|argon2(?:id|i|d)|apr1|1|5|6|7|8|9|y|gy|scrypt|pbkdf2[\w\-]*)\$(?:[^\s\x22',;:]|,[a-z]=)+",
            r"|(?-u:\b)(?:pbkdf2_sha\d+|bcrypt_sha256|argon2|scrypt)\$[^\s\x22',;]+",
        ))
        .expect("provider tokens")
    })
}

/// Provider tokens without a literal prefix: each has a marker inside (`-us`, `:AA`, `Q~`,
/// `NRAL`, `.atlasv1.`) or a fixed three-part shape (Discord bot tokens).
pub(crate) fn provider_shapes_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?-u:\b)(?:[0-9a-f]{32}-us\d{1,2}",
            r"|[a-f0-9]{36}NRAL",
            r"|[A-Za-z0-9]{14}\.atlasv1\.[A-Za-z0-9_\-=]{60,}",
            r"|[A-Za-z0-9_\-]{24}\.[A-Za-z0-9_\-]{6}\.[A-Za-z0-9_\-]{27,38}",
            r"|[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})(?-u:\b)",
            r"|(?-u:\b)\d{8,10}:AA[A-Za-z0-9_\-]{33}",
            // Firebase Cloud Messaging legacy server keys: an 11-character key id, `:APA91b`.
            r"|(?-u:\b)[A-Za-z0-9_\-]{11}:APA91b[A-Za-z0-9_\-]{100,}",
        ))
        .expect("provider shapes")
    })
}

/// Long random-looking strings: mixed classes and high entropy. `at` is where the candidate
/// starts in `text` (a word character before it means it is part of something longer).
pub(crate) fn random_looking(t: &str) -> bool {
    if t.starts_with('/') || t.contains("//") || t.contains("..") {
        return false;
    }
    let (mut up, mut low, mut dig) = (0, 0, 0);
    let mut freq = [0u32; 128];
    for b in t.bytes() {
        up += usize::from(b.is_ascii_uppercase());
        low += usize::from(b.is_ascii_lowercase());
        dig += usize::from(b.is_ascii_digit());
        freq[usize::from(b & 0x7f)] += 1;
    }
    if dig < 1 || up + low < 4 {
        return false;
    }
    // Lowercase hex (digests, trace ids, commit ids) is an identifier, not a credential,
    // unless it sits next to a word that names a credential (the caller decides that).
    if up < 2 || low < 2 {
        return false;
    }
    if made_of_words(t) {
        return false;
    }
    entropy(&freq, t.len()) >= 4.2
}

/// An identifier built from words and numbers (`DFSClient_NONMAPREDUCE_1537864556_1`,
/// `OrderService-Worker_12`): every `_`/`-` part is a number or has a word's case shape
/// (`UPPER`, `lower`, `Capitalised`, `CamelCase`, an acronym before a word). Random text
/// changes case inside its parts (`xKfPqLmZ`) and mixes digits into letters.
fn made_of_words(t: &str) -> bool {
    let parts: Vec<&str> = t.split(['_', '-']).filter(|p| !p.is_empty()).collect();
    parts.len() >= 2
        && parts
            .iter()
            .any(|p| p.bytes().any(|b| b.is_ascii_alphabetic()))
        && parts.iter().all(|p| {
            p.bytes().all(|b| b.is_ascii_digit())
                || (p.bytes().all(|b| b.is_ascii_alphabetic()) && word_case(p))
        })
}

/// `HTTPServer`, `Client`, `client`, `NONMAPREDUCE`, `OrderService`: an optional run of capitals,
/// then humps of one capital and at least two lowercase letters.
fn word_case(p: &str) -> bool {
    let b = p.as_bytes();
    let caps = b.iter().take_while(|c| c.is_ascii_uppercase()).count();
    if caps == b.len() {
        return true;
    }
    let mut i = if caps == 0 {
        // A lowercase word first (`client`, `order` in `orderService`).
        b.iter().take_while(|c| c.is_ascii_lowercase()).count()
    } else {
        // The last capital of a run starts the next hump (`HTTPServer`: HTTP, Server).
        caps - 1
    };
    while i < b.len() {
        if !b[i].is_ascii_uppercase() {
            return false;
        }
        i += 1;
        let low = b[i..].iter().take_while(|c| c.is_ascii_lowercase()).count();
        if low < 2 {
            return false;
        }
        i += low;
    }
    true
}

/// Shannon entropy per character.
pub(crate) fn entropy(freq: &[u32; 128], n: usize) -> f64 {
    let n = n as f64;
    freq.iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Standard or URL-safe base64 decoding (no decoder crate: only "is it user:password").
pub(crate) fn base64_decode(s: &str) -> Option<Vec<u8>> {
    let s = s.trim_end_matches('=');
    let mut out = Vec::with_capacity(s.len() * 3 / 4);
    let (mut acc, mut bits) = (0u32, 0u32);
    for b in s.bytes() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' | b'-' => 62,
            b'/' | b'_' => 63,
            _ => return None,
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Some(out)
}

/// Base64 of `user:password` (HTTP Basic credentials without their scheme word).
pub(crate) fn basic_credentials(t: &str) -> bool {
    let Some(d) = base64_decode(t) else {
        return false;
    };
    let Some(colon) = d.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && colon + 1 < d.len()
        && d.iter().all(|&b| (0x20..0x7f).contains(&b))
        && d[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(s: &str) -> bool {
        [provider_re(), provider_shapes_re()]
            .iter()
            .any(|re| re.find(s).is_some_and(|m| m.as_str() == s))
    }

    #[test]
    fn published_prefixes() {
        for t in [
            "AKIAIOSFODNN7EXAMPLE",
            "ghp_0123456789abcdefghijABCDEFGHIJ012345",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "sk_live_4eC39HqLyjWDarjtT1zdp7dc",
            "glpat-ABCDEFghijkl12345678",
            "hvs.CAESIJ0123456789abcdefghijkl",
            "sq0atp-0123456789abcdefghijkl",
            "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
            "https://discord.com/api/webhooks/123456789012345678/abcDEF-ghi_jkl",
            "$2b$12$abcdefghijklmnopqrstuuABCDEFGHIJKLMNOPQRSTUVWXYZ01234",
            "pbkdf2_sha256$720000$salt$hash=",
            // mosquitto_passwd's PBKDF2-SHA512; Cisco type 9 (scrypt).
            "$7$101$c2FsdHNhbHQ=$aGFzaGhhc2hoYXNo==",
            "$9$nhEmQVczB7dqsO$X.HsgL6x1il0RxkOSSvyQYwucySCt7qFm4v7pqCxkKM",
            "0123456789abcdef0123456789abcdef-us12",
            "1234567890:AAabcdefghijklmnopqrstuvwxyz0123456",
            "1234567890:AAabcdefghijklmnopqrstuvwxyz012345-",
            // Twilio account SID; express-session's signed cookie (`s:` id `.` HMAC), encoded.
            "AC0123456789abcdef0123456789abcdef",
            "s%3AxK9fQ2mZ0pLrT7vW3yB5nC8dE1gH4jUk.Q2m9Zx0pLrT7vW3yB5nC8dE1gH4jUk%2Fa6sD0fGhJk",
        ] {
            assert!(hit(t), "{t}");
        }
        assert!(!hit("sk_live"));
        // Firebase Cloud Messaging legacy server key: key id, `:APA91b`, 134 more characters.
        let fcm = format!("AAAAbcdEfG1:APA91b{}", "Xy9_-k2LmN".repeat(14));
        assert!(hit(&fcm));
    }

    #[test]
    fn public_ids_beside_tokens_and_trailing_punctuation() {
        // Square's application id is public (sent to browsers); its tokens are not.
        assert!(!hit("sq0idp-AbCdEfGhIjKlMnOpQrStUv"));
        assert!(hit("sq0csp-AbCdEfGhIjKlMnOpQrStUvWxYz0123456789abcd"));
        // Django's generated key alphabet includes `!@#%^&*(-_=+)`, also at the end.
        assert!(hit("django-insecure-k3y)w1th-punct*ation_and+more!!"));
    }

    #[test]
    fn identifiers_made_of_words_are_not_random() {
        assert!(!random_looking("DFSClient_NONMAPREDUCE_1537864556_1"));
        assert!(!random_looking("OrderService-Worker_12_HTTPServer_Pool"));
        // Random base64url with separators changes case inside its parts.
        assert!(random_looking("Zs9cD0Kk_G5XhXCB1VJJ-FqDvSjZ0h7gJe5m7OLok"));
        assert!(random_looking("xKfPqLmZwRtY_19283746_aBcDeFgHiJkL"));
    }

    #[test]
    fn random_strings_not_identifiers() {
        assert!(random_looking("Zs9cD0KkG5XhXCB1VJJFqDvSjZ0h7gJe5m7OLok"));
        assert!(!random_looking("4bf92f3577b34da6a3ce929d0e0e4736"));
        assert!(!random_looking("AbstractSingletonProxyFactoryBean"));
    }

    #[test]
    fn basic_credentials_decode() {
        assert!(basic_credentials("YWxhZGRpbjpvcGVuc2VzYW1l")); // aladdin:opensesame (RFC 7617)
        assert!(!basic_credentials("aGVsbG8gd29ybGQ=")); // "hello world"
    }
}
