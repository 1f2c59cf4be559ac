//! Redaction: secrets and personal data become stable placeholders before anything is sent.
//!
//! Promises: the same value gets the same placeholder for the life of a [`Redactor`] (`<EMAIL_1>`
//! twice for one address), different values get different ones, and [`Redactor::restore`] maps
//! them back. Service names, durations (`1500ms`), timestamps (ISO, syslog, epoch), template ids,
//! version strings, HTTP status codes and `host:port` pairs are left alone: the model needs them
//! and the check compares them. Rules are conservative where a false mask would hide meaning
//! (phone numbers need a `+` country code or a North American shape; card numbers need an
//! issuer prefix and a valid Luhn digit) and broad where a miss would leak (`key=value` pairs
//! whose key names a secret, known token prefixes, long mixed-case random strings).

use super::error::{NarrativeError, NarrativeErrorKind};
use regex::Regex;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// What a placeholder stands for; its label is the placeholder's prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecretKind {
    Email,
    Ip,
    /// Keys, tokens, passwords, JWTs, auth headers, private keys.
    Secret,
    Card,
    Phone,
    /// A match of a pattern the user added.
    Custom,
}

impl SecretKind {
    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Email => "EMAIL",
            SecretKind::Ip => "IP",
            SecretKind::Secret => "SECRET",
            SecretKind::Card => "CARD",
            SecretKind::Phone => "PHONE",
            SecretKind::Custom => "CUSTOM",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Accepts or rejects a regex match in its context: `(text, start, end)` of the masked span.
type Check = fn(&str, usize, usize) -> bool;

#[derive(Clone)]
struct Rule {
    kind: SecretKind,
    re: Regex,
    /// Capture group whose span is masked (0: the whole match). The first participating group
    /// from `group` on is used, so alternatives can each name their own value group.
    group: usize,
    check: Option<Check>,
    /// For key=value rules: the key decides whether the value is a secret, and of what kind.
    keyed: bool,
}

/// Masks secrets with placeholders and maps them back.
#[derive(Clone)]
pub struct Redactor {
    user: Vec<Rule>,
    forward: BTreeMap<(SecretKind, String), String>,
    back: BTreeMap<String, String>,
    counts: [usize; 6],
}

impl std::fmt::Debug for Redactor {
    // Never print the mapping: it holds the secrets.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Redactor")
            .field("user_patterns", &self.user.len())
            .field("placeholders", &self.back.len())
            .finish()
    }
}

impl Redactor {
    /// Built-in rules plus the user's patterns (Rust regex syntax). A pattern with a capture
    /// group masks group 1 only (e.g. `customer=(\w+)`); without one, the whole match.
    pub fn new(user_patterns: &[String]) -> Result<Redactor, NarrativeError> {
        let mut user = Vec::new();
        for p in user_patterns {
            if p.is_empty() {
                continue;
            }
            let re = Regex::new(p).map_err(|e| {
                NarrativeError::new(
                    NarrativeErrorKind::InvalidPattern,
                    format!("redaction pattern {p:?} is not a valid regex: {e}"),
                )
            })?;
            let group = usize::from(re.captures_len() > 1);
            user.push(Rule {
                kind: SecretKind::Custom,
                re,
                group,
                check: None,
                keyed: false,
            });
        }
        Ok(Redactor {
            user,
            forward: BTreeMap::new(),
            back: BTreeMap::new(),
            counts: [0; 6],
        })
    }

    /// The text with every secret replaced by its placeholder.
    pub fn redact(&mut self, text: &str) -> String {
        let spans = self.spans(text);
        if spans.is_empty() {
            return text.to_string();
        }
        let mut out = String::with_capacity(text.len());
        let mut at = 0;
        for (s, e, kind) in spans {
            out.push_str(&text[at..s]);
            let ph = self.placeholder(kind, &text[s..e]);
            out.push_str(&ph);
            at = e;
        }
        out.push_str(&text[at..]);
        out
    }

    /// The secrets found in `text`, as `(start, end, kind)` byte spans, without recording them.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, SecretKind)> {
        self.spans(text)
    }

    /// Placeholders in `text` (also as models mangle them: `EMAIL_1`, `\<EMAIL\_1\>`,
    /// `&lt;EMAIL_1&gt;`) replaced by the values they stand for. Unknown placeholders stay.
    pub fn restore(&self, text: &str) -> String {
        if self.back.is_empty() {
            return text.to_string();
        }
        placeholder_re()
            .replace_all(text, |c: &regex::Captures| {
                let key = format!("<{}_{}>", &c[1], &c[2]);
                match self.back.get(&key) {
                    Some(v) => v.clone(),
                    None => c[0].to_string(),
                }
            })
            .into_owned()
    }

    /// How many distinct values were masked.
    pub fn len(&self) -> usize {
        self.back.len()
    }

    pub fn is_empty(&self) -> bool {
        self.back.is_empty()
    }

    /// The placeholders handed out, with their kinds (never the values), in order.
    pub fn placeholders(&self) -> Vec<(String, SecretKind)> {
        let mut v: Vec<(String, SecretKind)> = self
            .forward
            .iter()
            .map(|((k, _), ph)| (ph.clone(), *k))
            .collect();
        v.sort_by_key(|(ph, k)| (*k, ph.len(), ph.clone()));
        v
    }

    fn placeholder(&mut self, kind: SecretKind, value: &str) -> String {
        if let Some(ph) = self.forward.get(&(kind, value.to_string())) {
            return ph.clone();
        }
        self.counts[kind.index()] += 1;
        let ph = format!("<{}_{}>", kind.label(), self.counts[kind.index()]);
        self.forward.insert((kind, value.to_string()), ph.clone());
        self.back.insert(ph.clone(), value.to_string());
        ph
    }

    /// Non-overlapping spans, rule priority first: user patterns, then the built-ins in order.
    fn spans(&self, text: &str) -> Vec<(usize, usize, SecretKind)> {
        let mut taken: Vec<(usize, usize, SecretKind)> = Vec::new();
        for rule in self.user.iter().chain(builtin().iter()) {
            for caps in rule.re.captures_iter(text) {
                let Some((s, e, kind)) = rule_span(rule, text, &caps) else {
                    continue;
                };
                if s == e || taken.iter().any(|&(ts, te, _)| s < te && ts < e) {
                    continue;
                }
                taken.push((s, e, kind));
            }
        }
        // A value found once is a secret everywhere: "confirm":"hunter22" after "password":"hunter22",
        // or a later line that repeats it without its key.
        let mut values: Vec<(String, SecretKind)> = taken
            .iter()
            .map(|&(s, e, k)| (text[s..e].to_string(), k))
            .chain(self.forward.keys().map(|(k, v)| (v.clone(), *k)))
            .filter(|(v, _)| v.chars().count() >= 6)
            .collect();
        values.sort();
        values.dedup();
        for (v, kind) in values {
            for (s, _) in text.match_indices(v.as_str()) {
                let e = s + v.len();
                let word_edge = |b: Option<u8>| b.is_none_or(|b| !b.is_ascii_alphanumeric());
                if word_edge(byte_before(text, s))
                    && word_edge(byte_after(text, e))
                    && !taken.iter().any(|&(ts, te, _)| s < te && ts < e)
                {
                    taken.push((s, e, kind));
                }
            }
        }
        taken.sort();
        taken
    }
}

fn rule_span(
    rule: &Rule,
    text: &str,
    caps: &regex::Captures,
) -> Option<(usize, usize, SecretKind)> {
    let m = (rule.group..caps.len()).find_map(|g| caps.get(g))?;
    let (s, e) = (m.start(), m.end());
    let mut kind = rule.kind;
    if rule.keyed {
        let key = caps.name("key")?;
        kind = key_kind(key.as_str())?;
        if !secret_value(m.as_str()) {
            return None;
        }
        // host:port ("auth-api:9092", "db-main:5432/orders") is an address, not a key and value.
        let sep = &text[key.end()..s];
        if sep == ":"
            && (key.as_str().contains(['-', '.']) || m.as_str().bytes().all(|b| b.is_ascii_digit()))
        {
            return None;
        }
    }
    if let Some(check) = rule.check {
        if !check(text, s, e) {
            return None;
        }
    }
    Some((s, e, kind))
}

fn placeholder_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"(?:\\?<|&lt;)?\b(EMAIL|IP|SECRET|CARD|PHONE|CUSTOM)\\?_(\d+)\b(?:\\?>|&gt;)?")
            .expect("placeholder regex")
    })
}

fn builtin() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let rule = |kind, re: &str, group, check: Option<Check>| Rule {
            kind,
            re: Regex::new(re).unwrap_or_else(|e| panic!("built-in rule {re}: {e}")),
            group,
            check,
            keyed: false,
        };
        use SecretKind::*;
        let mut rules = vec![
            rule(
                Secret,
                r"-----BEGIN [A-Z ]*PRIVATE KEY-----(?s:.*?)(?:-----END [A-Z ]*PRIVATE KEY-----|$)",
                0,
                None,
            ),
            // Passwords in URLs: scheme://user:PASSWORD@host.
            rule(
                Secret,
                r"(?i)\b[a-z][a-z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@",
                1,
                None,
            ),
            // Authorization schemes; the value must not be a plain lowercase word ("Bearer auth failed").
            rule(
                Secret,
                r"(?i)\b(?:bearer|basic)\s+([A-Za-z0-9._~+/\-]{6,}=*)",
                1,
                Some(not_plain_word),
            ),
            // "using password Tr0ub4dor&3", redis "AUTH s3cret": the next word, unless it is a plain word.
            rule(
                Secret,
                r"(?:^|[^A-Za-z0-9_\-])(?:(?i:password|passwd|pwd|passphrase)(?:\s+is)?|AUTH)\s+([^\s\x22'`,;()\[\]{}]+)",
                1,
                Some(not_plain_word),
            ),
            // Basic credentials without their scheme word: base64 of "user:password".
            rule(Secret, r"\b[A-Za-z0-9+/]{12,}={0,2}", 0, Some(basic_credentials)),
            rule(
                Secret,
                r"\beyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*",
                0,
                None,
            ),
            // Tokens with well-known prefixes (cloud providers, SaaS APIs, LLM vendors).
            rule(
                Secret,
                concat!(
                    r"\b(?:(?:AKIA|ASIA|ABIA|ACCA|AGPA|AIDA|AIPA|ANPA|ANVA|AROA|APKA)[A-Z0-9]{16}",
                    r"|AIza[0-9A-Za-z_\-]{35}",
                    r"|ya29\.[0-9A-Za-z_\-]{20,}",
                    r"|GOCSPX-[A-Za-z0-9_\-]{20,}",
                    r"|gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,}",
                    r"|glpat-[A-Za-z0-9_\-]{20,}",
                    r"|xox[abposr]-[A-Za-z0-9\-]{10,}",
                    r"|(?:sk|pk|rk)_(?:live|test)_[A-Za-z0-9]{16,}",
                    r"|sk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}",
                    r"|SG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}",
                    r"|npm_[A-Za-z0-9]{36}|hf_[A-Za-z0-9]{30,}",
                    r"|shp(?:at|ss|ca|pa)_[a-fA-F0-9]{32}",
                    r"|SK[0-9a-f]{32}|key-[0-9a-f]{32}",
                    r"|[A-Za-z0-9_~.\-]{3}\dQ~[A-Za-z0-9_~.\-]{31,34})\b"
                ),
                0,
                None,
            ),
            // Client tools that take the password as a short flag.
            rule(
                Secret,
                r"\bredis-cli\b[^\n]*?\s-a\s+([^\s\x22']+)|\bmysql(?:dump|admin)?\b[^\n]*?\s-p([^\s\x22']+)",
                1,
                None,
            ),
            // Command-line flags: --password hunter2.
            rule(
                Secret,
                r#"(?i)(?:^|\s)--?(?:password|passwd|pwd|token|secret|api-key|apikey|access-key|secret-key)[ =](?:"([^"]+)"|'([^']+)'|([^\s"']+))"#,
                1,
                None,
            ),
        ];
        rules.push(Rule {
            kind: Secret,
            re: Regex::new(concat!(
                r#"(?i)(?P<key>[A-Za-z0-9_.\-]*(?:pass|pwd|secret|token|key|auth|credential|session|cookie|sig|dsn|phone|mobile|tel|msisdn|email|e-mail|mail|otp|pin|cvv|cvc|jwt|bearer)[A-Za-z0-9_.\-]*)"#,
                r#"(?:\\?["'])?\s*[:=]\s*(?:\\"(?P<edq>[^"\\]*)\\"|"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'&,;})\]<>\\]+))"#
            ))
            .expect("key=value rule"),
            group: 2,
            check: None,
            keyed: true,
        });
        rules.extend([
            rule(
                Email,
                r"[\p{L}\p{N}._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}\b",
                0,
                None,
            ),
            rule(
                Ip,
                r"(?i)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\.\d{1,3}\.\d{1,3}\.\d{1,3})?",
                0,
                Some(ipv6_ok),
            ),
            // After IPv6, so ::ffff:198.51.100.7 is one address, not a prefix and an IPv4.
            rule(Ip, r"\d{1,3}(?:\.\d{1,3}){3}", 0, Some(ipv4_ok)),
            // Grouped as printed (4-4-4-4, Amex 4-6-5) or one run of digits.
            rule(
                Card,
                r"\d{4} \d{4} \d{4} \d{1,7}|\d{4}-\d{4}-\d{4}-\d{1,7}|\d{4} \d{6} \d{4,5}|\d{4}-\d{6}-\d{4,5}|\d{13,19}",
                0,
                Some(card_ok),
            ),
            rule(
                Phone,
                r"\+[1-9]\d{0,2}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,4}){2,5}|\(\d{3}\) ?\d{3}[ .\-]\d{4}|\b\d{3}[.\-]\d{3}[.\-]\d{4}\b",
                0,
                Some(phone_ok),
            ),
            // Long random-looking strings: generic API keys and tokens without a known prefix.
            rule(Secret, r"[A-Za-z0-9+/_\-]{32,}=*", 0, Some(random_ok)),
        ]);
        rules
    })
}

/// Whether a key in `key=value` names a secret, and which kind of placeholder its value gets.
fn key_kind(key: &str) -> Option<SecretKind> {
    let parts = key_parts(key);
    let has = |w: &str| parts.iter().any(|p| p == w);
    let pair = |a: &str, b: &str| parts.windows(2).any(|w| w[0] == a && w[1] == b);
    // Settings about secrets (sizes, lifetimes, names) are not secrets.
    const NOT: &[&str] = &[
        "count",
        "ttl",
        "timeout",
        "expiry",
        "expires",
        "expire",
        "expiration",
        "exp",
        "length",
        "len",
        "size",
        "max",
        "min",
        "limit",
        "interval",
        "rotation",
        "age",
        "type",
        "name",
        "path",
        "file",
        "bucket",
        "rate",
        "used",
        "total",
        "method",
        "mode",
        "enabled",
        "provider",
        "scheme",
        "status",
        "result",
        "error",
        "errors",
        "failed",
        "fail",
        "failures",
        "success",
        "required",
        "source",
        "service",
        "server",
        "host",
        "port",
        "url",
        "uri",
        "endpoint",
        "header",
        "policy",
        "version",
        "format",
        "id_type",
        "domain",
        "level",
        "hash",
        "algorithm",
        "alg",
        "strength",
        "check",
        "valid",
        "validation",
        "refresh_at",
        "cache",
        "store",
        "manager",
        "verified",
        "sent",
        "attempts",
        "retries",
        "bytes",
    ];
    if parts.iter().any(|p| NOT.contains(&p.as_str())) {
        return None;
    }
    if has("phone") || has("mobile") || has("tel") || has("msisdn") || pair("phone", "number") {
        return Some(SecretKind::Phone);
    }
    if has("email") || has("mail") || pair("e", "mail") {
        return Some(SecretKind::Email);
    }
    const WORDS: &[&str] = &[
        "password",
        "passwd",
        "pwd",
        "pass",
        "passphrase",
        "passcode",
        "secret",
        "secrets",
        "token",
        "apikey",
        "accesskey",
        "secretkey",
        "privatekey",
        "accountkey",
        "credential",
        "credentials",
        "auth",
        "authorization",
        "sig",
        "signature",
        "cookie",
        "sessionid",
        "sessiontoken",
        "dsn",
        "jwt",
        "bearer",
        "sharedaccesskey",
        "sharedaccesssignature",
        "clientsecret",
        "masterkey",
        "subscriptionkey",
        "licensekey",
        "otp",
        "pin",
        "cvv",
        "cvc",
        "cvv2",
        "cvc2",
        "securitycode",
    ];
    // "auth" alone or in a snake_case setting (basic_auth), not in a kebab-case service name
    // ("tally-auth: 1 of 3 endpoints ready").
    let auth_ok = parts.len() == 1 || !key.contains('-');
    if parts.iter().any(|p| {
        WORDS.contains(&p.as_str()) && (auth_ok || !matches!(p.as_str(), "auth" | "authorization"))
    }) {
        return Some(SecretKind::Secret);
    }
    // Run-together names: PGPASSWORD, smtppassword, csrftoken, appsecret.
    const SUFFIXES: &[&str] = &["password", "passwd", "secret", "token", "apikey"];
    if parts
        .iter()
        .any(|p| SUFFIXES.iter().any(|s| p.len() > s.len() && p.ends_with(s)))
    {
        return Some(SecretKind::Secret);
    }
    // "key" and "session" only in compounds: cache_key, routing_key and session_count are not secrets.
    const KEY_OWNERS: &[&str] = &[
        "api",
        "access",
        "secret",
        "private",
        "account",
        "master",
        "encryption",
        "signing",
        "license",
        "shared",
        "subscription",
        "client",
        "app",
        "x",
        "aws",
        "gcp",
        "azure",
        "storage",
        "service_account",
        "ssh",
        "pgp",
        "gpg",
        "webhook",
        "hmac",
    ];
    if parts
        .windows(2)
        .any(|w| w[1] == "key" && KEY_OWNERS.contains(&w[0].as_str()))
    {
        return Some(SecretKind::Secret);
    }
    if pair("session", "id") || pair("session", "key") || pair("connection", "string") {
        return Some(SecretKind::Secret);
    }
    None
}

/// Lowercase components of a key: `dbPassword` -> [db, password], `x-api-key` -> [x, api, key].
fn key_parts(key: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut cur = String::new();
    let mut prev_lower = false;
    for c in key.chars() {
        if !c.is_ascii_alphanumeric() {
            if !cur.is_empty() {
                parts.push(std::mem::take(&mut cur));
            }
            prev_lower = false;
            continue;
        }
        if c.is_ascii_uppercase() && prev_lower && !cur.is_empty() {
            parts.push(std::mem::take(&mut cur));
        }
        prev_lower = c.is_ascii_lowercase() || c.is_ascii_digit();
        cur.push(c.to_ascii_lowercase());
    }
    if !cur.is_empty() {
        parts.push(cur);
    }
    parts
}

/// Values that carry no secret: flags, empties, already-masked markers, durations, env references.
fn secret_value(v: &str) -> bool {
    let t = v.trim();
    if t.is_empty() || t.starts_with("${") || t.starts_with('<') {
        return false;
    }
    let lower = t.to_ascii_lowercase();
    const FLAT: &[&str] = &[
        "true",
        "false",
        "null",
        "none",
        "nil",
        "undefined",
        "yes",
        "no",
        "on",
        "off",
        "redacted",
        "[redacted]",
        "[filtered]",
        "filtered",
        "masked",
        "hidden",
        "empty",
        "n/a",
        "missing",
        "invalid",
        "expired",
        "bearer",
        "basic",
        "digest",
        "negotiate",
        "ok",
        "success",
        "failed",
        "denied",
        "granted",
        "required",
        "disabled",
        "enabled",
        "unset",
        "set",
    ];
    if FLAT.contains(&lower.as_str()) || t.chars().all(|c| c == '*' || c == 'x' || c == 'X') {
        return false;
    }
    !is_duration(t)
}

fn is_duration(t: &str) -> bool {
    let digits = t.trim_end_matches(|c: char| c.is_ascii_alphabetic() || c == 'µ');
    let unit = &t[digits.len()..];
    !digits.is_empty()
        && digits.chars().all(|c| c.is_ascii_digit() || c == '.')
        && matches!(
            unit,
            "ns" | "us" | "µs" | "ms" | "s" | "m" | "h" | "d" | "sec" | "min"
        )
}

/// A value that is not an ordinary word: "failed" and "Authentication" are words, "Tr0ub4dor&3" is not.
fn not_plain_word(text: &str, s: usize, e: usize) -> bool {
    let v = text[s..e].trim_end_matches(['.', ':']);
    // A version ("2.31.0", "v1.4") is not a password.
    let digits = v.strip_prefix('v').unwrap_or(v);
    if digits.contains('.') && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    let mut chars = v.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let plain = first_ok && chars.all(|c| c.is_ascii_lowercase());
    !plain && secret_value(v)
}

/// Standard base64 without a decoder crate: the engine only needs "does this decode to user:pass".
fn base64_decode(s: &str) -> Option<Vec<u8>> {
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

fn basic_credentials(text: &str, s: usize, e: usize) -> bool {
    let t = &text[s..e];
    if byte_after(text, e).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+') {
        return false;
    }
    let Some(d) = base64_decode(t) else {
        return false;
    };
    let Some(colon) = d.iter().position(|&b| b == b':') else {
        return false;
    };
    // user:password, both printable, user a plausible name.
    colon > 0
        && colon + 1 < d.len()
        && d.iter().all(|&b| (0x21..0x7f).contains(&b))
        && d[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b"._-@".contains(&b))
}

fn byte_before(text: &str, s: usize) -> Option<u8> {
    s.checked_sub(1).map(|i| text.as_bytes()[i])
}

fn byte_after(text: &str, e: usize) -> Option<u8> {
    text.as_bytes().get(e).copied()
}

fn ipv4_ok(text: &str, s: usize, e: usize) -> bool {
    let before = byte_before(text, s);
    let after = byte_after(text, e);
    // Part of a longer dotted number or word (a version string, 1.2.3.4.5): not an address.
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-') {
        return false;
    }
    if after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    if after == Some(b'.')
        && text
            .as_bytes()
            .get(e + 1)
            .is_some_and(|b| b.is_ascii_digit())
    {
        return false;
    }
    match text[s..e].parse::<std::net::Ipv4Addr>() {
        // Loopback and the wildcard name no one and help the model read the line.
        Ok(ip) => !ip.is_loopback() && !ip.is_unspecified() && !ip.is_broadcast(),
        Err(_) => false,
    }
}

fn ipv6_ok(text: &str, s: usize, e: usize) -> bool {
    let cand = text[s..e].trim_end_matches(':');
    if cand.matches(':').count() < 2 {
        return false;
    }
    let before = byte_before(text, s);
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.') {
        return false;
    }
    let end = s + cand.len();
    if end == e && byte_after(text, e).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_') {
        return false;
    }
    match cand.parse::<std::net::Ipv6Addr>() {
        Ok(ip) => !ip.is_loopback() && !ip.is_unspecified(),
        Err(_) => false,
    }
}

fn digits_of(s: &str) -> Vec<u8> {
    s.bytes()
        .filter(u8::is_ascii_digit)
        .map(|b| b - b'0')
        .collect()
}

fn luhn(d: &[u8]) -> bool {
    let sum: u32 = d
        .iter()
        .rev()
        .enumerate()
        .map(|(i, &x)| {
            let x = u32::from(x);
            if i % 2 == 1 {
                let y = x * 2;
                if y > 9 {
                    y - 9
                } else {
                    y
                }
            } else {
                x
            }
        })
        .sum();
    sum % 10 == 0
}

fn card_ok(text: &str, s: usize, e: usize) -> bool {
    let before = byte_before(text, s);
    let after = byte_after(text, e);
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') {
        return false;
    }
    if after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        || (after == Some(b'.') && text.as_bytes().get(e + 1).is_some_and(u8::is_ascii_digit))
    {
        return false;
    }
    let span = &text[s..e];
    // One separator style throughout: "4111 1111 1111 1111" or "4111-1111-...", not a mix.
    if span.contains(' ') && span.contains('-') {
        return false;
    }
    let d = digits_of(span);
    if !(13..=19).contains(&d.len()) || d.iter().all(|&x| x == d[0]) || !luhn(&d) {
        return false;
    }
    let n = |k: usize| d[..k].iter().fold(0u32, |a, &x| a * 10 + u32::from(x));
    // Issuer prefixes keep epoch timestamps and numeric ids that happen to pass Luhn out.
    let len = d.len();
    match d[0] {
        4 => matches!(len, 13 | 16 | 19),
        5 => (51..=55).contains(&n(2)) && len == 16,
        2 => (2221..=2720).contains(&n(4)) && len == 16,
        3 => {
            (matches!(n(2), 34 | 37) && len == 15)
                || ((3528..=3589).contains(&n(4)) && (16..=19).contains(&len))
                || ((matches!(n(2), 36 | 38) || (300..=305).contains(&n(3))) && len == 14)
        }
        6 => {
            (n(4) == 6011 || n(2) == 65 || (644..=649).contains(&n(3)) || n(2) == 62)
                && (16..=19).contains(&len)
        }
        _ => false,
    }
}

fn phone_ok(text: &str, s: usize, e: usize) -> bool {
    let before = byte_before(text, s);
    if before.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') {
        return false;
    }
    let after = byte_after(text, e);
    let next_digit = text.as_bytes().get(e + 1).is_some_and(u8::is_ascii_digit);
    // "phone +44 20 7946 0958: pool timeout" ends at ':'; "+1 234 5678:00" is a clock.
    if after.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
        || (matches!(after, Some(b'.') | Some(b':')) && next_digit)
    {
        return false;
    }
    let d = digits_of(&text[s..e]);
    (8..=15).contains(&d.len())
}

fn random_ok(text: &str, s: usize, e: usize) -> bool {
    let before = byte_before(text, s);
    if before.is_some_and(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    let t = &text[s..e];
    if t.starts_with('/') || t.contains("//") {
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
    if up < 2 || low < 2 || dig < 1 {
        return false;
    }
    // Shannon entropy per character: random base62/base64 is near 5 bits at this length,
    // CamelCase identifiers and paths stay near 3.5.
    let n = t.len() as f64;
    let h: f64 = freq
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = f64::from(c) / n;
            -p * p.log2()
        })
        .sum();
    h >= 4.2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn red(s: &str) -> String {
        Redactor::new(&[]).unwrap().redact(s)
    }

    #[test]
    fn same_value_same_placeholder_and_restore() {
        let mut r = Redactor::new(&[]).unwrap();
        let a = r.redact("login ana@example.org from 203.0.113.9");
        let b = r.redact("again ana@example.org, then bo@example.org");
        assert_eq!(a, "login <EMAIL_1> from <IP_1>");
        assert_eq!(b, "again <EMAIL_1>, then <EMAIL_2>");
        assert_eq!(
            r.restore("<EMAIL_2> and EMAIL_1 and \\<IP\\_1\\> and <EMAIL_9>"),
            "bo@example.org and ana@example.org and 203.0.113.9 and <EMAIL_9>"
        );
    }

    #[test]
    fn keeps_operational_tokens() {
        for s in [
            "2024-05-01T10:00:00.123Z ERROR checkout-api took 1500ms status=503",
            "May  1 10:00:00 web-3 kernel: oom-killer invoked",
            "pod cart-svc-7d9f8b6c4-x2x9z restarted, image ledger:v1.24.3 port cart-svc:8080",
            "ts=1709518351870 template 42 retry_after=30s token_count=1200 max_tokens=512",
            "connecting to 127.0.0.1:5432 and 0.0.0.0:80 at 10:00:00",
            "cache_key=orders:991 routing_key=invoices session_timeout=30s",
            "trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span=00f067aa0ba902b7",
            "Bearer authentication failed for user-service",
        ] {
            assert_eq!(red(s), s, "masked something in {s:?}");
        }
    }

    #[test]
    fn masks_each_kind() {
        let cases = [
            ("password=hunter2 user=bo", "password=<SECRET_1> user=bo"),
            (
                "postgres://app:s3cr3t@db-main:5432/x",
                "postgres://app:<SECRET_1>@db-main:5432/x",
            ),
            (
                "Authorization: Bearer abc.DEF123",
                "Authorization: Bearer <SECRET_1>",
            ),
            ("key AKIAIOSFODNN7EXAMPLE used", "key <SECRET_1> used"),
            ("card 4111 1111 1111 1111 ok", "card <CARD_1> ok"),
            ("call +44 20 7946 0958 now", "call <PHONE_1> now"),
            ("from 2001:db8::8a2e:370:7334 in", "from <IP_1> in"),
            (r#"{"api_key":"zz9-abc"}"#, r#"{"api_key":"<SECRET_1>"}"#),
        ];
        for (i, o) in cases {
            assert_eq!(red(i), o);
        }
    }

    #[test]
    fn card_needs_luhn_and_prefix() {
        assert_eq!(red("id 4111111111111112"), "id 4111111111111112");
        assert_eq!(red("ns 1709518351870000000"), "ns 1709518351870000000");
    }

    #[test]
    fn user_patterns_and_errors() {
        let mut r = Redactor::new(&["tenant=(\\w+)".to_string(), "ACME-\\d+".to_string()]).unwrap();
        assert_eq!(
            r.redact("tenant=globex ref ACME-42"),
            "tenant=<CUSTOM_1> ref <CUSTOM_2>"
        );
        let e = Redactor::new(&["(".to_string()]).unwrap_err();
        assert_eq!(e.kind(), &NarrativeErrorKind::InvalidPattern);
    }

    #[test]
    fn debug_never_shows_values() {
        let mut r = Redactor::new(&[]).unwrap();
        r.redact("password=topsecretvalue");
        assert!(!format!("{r:?}").contains("topsecretvalue"));
    }
}
