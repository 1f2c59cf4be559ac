//! Structure first: finds `name <sep> value` pairs in every syntax a log line uses — JSON
//! (`"k":"v"`, `"k": 12`), Python/JS (`'k': 'v'`, `k: 'v'`), Ruby (`"k"=>"v"`), logfmt and
//! env (`k=v`, `k="v w"`), query strings (`?k=v&`), cookies (`k=v; k2=v2`), headers and YAML
//! (`K: v`), INI (`k = v`) and psql expanded records (`k | v`) — and masks the value when the
//! name says it is sensitive ([`super::keys::field`]) and the value is not benign. Only the
//! value inside its quotes is masked: keys, quotes and brackets stay, so JSON stays JSON.

use super::ids;
use super::keys::{self, Field};
use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Tabular locals (Python `rich`, Django debug pages): `name<2+ spaces>'value'`.
fn locals_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r#"^\s*(?P<key>[A-Za-z_][A-Za-z0-9_]*)\s{2,}(?:'(?P<sq>[^']*)'|"(?P<dq>[^"]*)")\s*$"#,
        )
        .expect("locals regex")
    })
}

/// The longest value read after a field named in prose, in characters.
const PROSE_VALUE_MAX: usize = 200;

/// A field named in prose, its value quoted after a space: `adres "Main St 1, Springfield"`.
fn prose_quoted_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        // The value's length is bounded in code ([`PROSE_VALUE_MAX`]): a bounded repeat of a
        // Unicode class is compiled into that many copies of it.
        Regex::new(r#"(?-u:\b)(?P<key>[A-Za-z][A-Za-z0-9_\-]{1,30}) "(?P<v>[^"\n]+)""#)
            .expect("prose quoted regex")
    })
}

/// Spans of sensitive values in `line`; values under keys that must stay ([`keys::field_and_kept`])
/// go to `keep`, so no later rule masks them.
/// `mentioned`: the line has a word field names are made of ([`keys::field_words`]).
pub(crate) fn find(
    line: &str,
    mentioned: bool,
    out: &mut Vec<Span>,
    keep: &mut Vec<(usize, usize)>,
) {
    jwk_public(line, keep);
    super::public::find(line, keep);
    if !mentioned {
        return;
    }
    find_birth_prose(line, out);
    static SPACE_QUOTE: Needle = needle!(" \"");
    if SPACE_QUOTE.is_in(line) {
        for c in prose_quoted_re().captures_iter(line) {
            let (k, v) = (c.name("key").expect("key"), c.name("v").expect("value"));
            if v.as_str().chars().count() > PROSE_VALUE_MAX {
                continue;
            }
            if let Some(f) = keys::field(k.as_str()) {
                if masks(f, v.as_str(), "") {
                    out.push(Span::new(v.start(), v.end(), f.kind()));
                }
            }
        }
    }
    // `is_match` first: most lines are not locals, and `captures` allocates its slots.
    let locals = locals_re();
    if let Some(c) = locals
        .is_match(line)
        .then(|| locals.captures(line))
        .flatten()
    {
        let key = c.name("key").expect("key");
        if let (Some(f), Some(m)) = (
            keys::field(key.as_str()),
            c.name("sq").or_else(|| c.name("dq")),
        ) {
            if masks(f, m.as_str(), "") {
                out.push(Span::new(m.start(), m.end(), f.kind()));
            }
        }
    }
    credential_constructors(line, out);
    super::calls::values_set_by_call(line, out);
    super::calls::pair_tuples(line, out);
    if !line.bytes().any(|b| matches!(b, b'=' | b':' | b'|')) {
        return;
    }
    let mut pos = 0;
    // The field a name/value record named (`{"name": "sessionid", "value": ...}`).
    let mut record_field: Option<Field> = None;
    // End of a signature value that holds pairs (`X-Hub-Signature-256: sha256=<hex>`).
    let mut signed_until = 0;
    while pos < line.len() {
        let Some((m_start, m_end)) = super::pairs::next(line, pos) else {
            break;
        };
        let Some(pair) = Pair::parse(line, m_start, m_end) else {
            pos = m_end.max(pos + 1);
            while !line.is_char_boundary(pos) {
                pos += 1;
            }
            continue;
        };
        let key = &line[pair.key.0..pair.key.1];
        let sep = &line[pair.sep.0..pair.sep.1];
        // Unless a value is masked, look for the next key right after this separator: a
        // value may itself hold pairs (`"msg":"{\"password\":...}"`, `Cookie: sid=...`).
        pos = pair.sep.1.max(pos + 1);
        while !line.is_char_boundary(pos) {
            pos += 1;
        }
        // A word inside a longer token (`foo.bar:baz` host:port) only counts as a key when
        // the character before it is not part of a word or a path.
        let ks = pair.key.0;
        if ks > 0 {
            let b = line.as_bytes()[ks - 1];
            // `user@host:` is an address; `@__phone_1=` (a SQL parameter) is a key.
            let email_like =
                b == b'@' && ks >= 2 && line.as_bytes()[ks - 2].is_ascii_alphanumeric();
            // `host.name:` continues a dotted name; a cookie named with a leading dot
            // (`; .ASPXAUTH=`, `.AspNetCore.Session=`) starts after a separator.
            let dotted = b == b'.' && ks >= 2 && line.as_bytes()[ks - 2].is_ascii_alphanumeric();
            if b.is_ascii_alphanumeric() || b == b'/' || dotted || email_like {
                continue;
            }
        }
        // psql expanded records (`key | value`) start the line with their key.
        if sep == "|" && !line[..ks].trim().is_empty() {
            continue;
        }
        if let Some(n) = names_a_field(key, &line[pair.value.0..pair.value.1]) {
            record_field = Some(n);
            if let Some((s, e)) = record_value(line, m_end) {
                if masks(n, &line[s..e], "") {
                    out.push(Span::new(s, e, n.kind()));
                }
            }
            skip_quoted(line, &pair, &mut pos);
            continue;
        }
        let (mut field, kept) = keys::field_and_kept(key);
        if field.is_none() && (key.eq_ignore_ascii_case("value") || key.eq_ignore_ascii_case("val"))
        {
            // An object under the name (`"adminPassword": {"value": "..."}`, as ARM
            // template parameters wrap values): its `value` is that field.
            field = record_field
                .take()
                .or_else(|| wrapping_name(line, ks).and_then(keys::field));
        }
        if field.is_none()
            && generic_member(key)
            && line.as_bytes().get(ks.wrapping_sub(1)) == Some(&b'"')
        {
            // A member that only says "the value" (`"value"`, `"ID"`, `"number"`) of a JSON
            // object named for what it holds, wherever it sits in the object:
            // `"national_id":{"type":"x","value":"..."}`, `"Passport_ID_Data":{"ID":"..."}`.
            field = enclosing_name(line, ks)
                .and_then(keys::field)
                .filter(|f| f.kind() == SecretKind::Id);
        }
        let Some(f) = field else {
            if integration_key(key, &line[pair.value.0..pair.value.1]) {
                out.push(Span::new(pair.value.0, pair.value.1, SecretKind::Secret));
                continue;
            }
            if pair.key.0 < signed_until && digest(&line[pair.value.0..pair.value.1]) {
                out.push(Span::new(pair.value.0, pair.value.1, SecretKind::Secret));
                continue;
            }
            if kept {
                keep.push(pair.value);
            }
            skip_quoted(line, &pair, &mut pos);
            continue;
        };
        if f.kind() == SecretKind::Id && sep == "=" {
            // A record that names its person, then lists their ids: `Ana Ruiz nif=... `.
            if let Some((ns, ne)) = name_before(line, ks) {
                out.push(Span::new(ns, ne, SecretKind::Personal));
            }
        }
        let ((mut s, mut e), quoted) = (pair.value, pair.quoted);
        // `host:port` and `scheme://` are addresses, not key and value.
        if sep == ":" && !quoted {
            let v = &line[s..e];
            // `auth.lua:244:` (a source line, as nginx and compilers print it) is one too.
            let port = v.strip_suffix(':').unwrap_or(v);
            if v.starts_with("//")
                || (key.contains(['.', '-']) && port.bytes().all(|b| b.is_ascii_digit()))
            {
                continue;
            }
        }
        if !quoted {
            // `password_hash = crypt('...', password_hash)`: the secret is the literal the
            // function is called with, not the function's name.
            if let Some(call) = call_literal(line, s, e) {
                if let Some(lit) = call.filter(|l| masks(f, &line[l.0..l.1], "")) {
                    out.push(Span::new(lit.0, lit.1, f.kind()));
                    pos = lit.1.max(pos);
                }
                continue;
            }
            e = extend_bare(line, ks, sep, f, s, e);
            // A URL path parameter (`/view;jsessionid=...?month=5`) ends at the query.
            if ks > 0 && line.as_bytes()[ks - 1] == b';' {
                if let Some(q) = line[s..e].find(['?', '#']) {
                    e = s + q;
                }
            }
        }
        let v = line[s..e].trim();
        let lead = line[s..e].len() - line[s..e].trim_start().len();
        s += lead;
        e = s + v.len();
        if s >= e || !masks(f, v, &line[e..]) {
            if signature_pairs(key, f, v) {
                // The pairs run to the end of the value's word (`t=...,v1=...`).
                signed_until = line[s..]
                    .find(char::is_whitespace)
                    .map_or(line.len(), |i| s + i);
            }
            if f == Field::PublicKey {
                keep.push((s, e));
            }
            skip_quoted(line, &pair, &mut pos);
            continue;
        }
        // A DSN or connection string without a password is an address.
        let k = key.to_ascii_lowercase();
        // (`connection.password`, Kafka Connect's JDBC option, is the password itself.)
        if (k.contains("dsn") || k.contains("connection"))
            && !v.contains('@')
            && f != Field::Password
        {
            continue;
        }
        // A connection string keeps its host: only the password between `user:` (or
        // `user/`) and `@` is masked; URLs are left to the URL rules.
        if matches!(f, Field::Credential | Field::Password) {
            if v.contains("://") {
                continue;
            }
            if let Some((a, b)) = userinfo_password(v) {
                out.push(Span::new(s + a, s + b, SecretKind::Secret));
                pos = (s + b).max(pos);
                continue;
            }
        }
        // A bare JSON number under a sensitive key: the placeholder must be quoted.
        let t = line.trim();
        let needs_quotes = !quoted && sep == ":" && t.starts_with('{') && t.ends_with('}');
        // Coordinates written as JSON numbers stay numbers: a quoted placeholder would change
        // the field's type for a reader that expects a number (only strings are replaced).
        if needs_quotes && f == Field::Location {
            pos = e.max(pos);
            continue;
        }
        out.push(Span {
            start: s,
            end: e,
            kind: f.kind(),
            quote: needs_quotes,
        });
        pos = e.max(pos);
    }
}

/// The parties of a call or a message as SMS and voice APIs write them (Vonage `"from"`,
/// `"to"`, `"msisdn"`; Twilio `From`, `To`, `Caller`, `Called`): an E.164 number without its
/// `+`, 11 to 15 digits, no trunk `0`; a `1` (North America) only with ten digits after it,
/// so an epoch time in seconds or milliseconds is never one.
/// The caller gates on a run of eleven digits.
pub(crate) fn call_parties(line: &str, out: &mut Vec<Span>) {
    const NAMES: &[&[u8]] = &[
        b"from\"",
        b"to\"",
        b"msisdn\"",
        b"caller\"",
        b"called\"",
        b"callee\"",
        b"recipient\"",
        b"sender\"",
    ];
    // One look at the bytes after each quote before any regex search.
    let b = line.as_bytes();
    let party_key = memchr::memchr_iter(b'"', b).any(|q| {
        let rest = &b[q + 1..];
        NAMES
            .iter()
            .any(|n| rest.len() >= n.len() && rest[..n.len()].eq_ignore_ascii_case(n))
    });
    if !party_key {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?i)"(?:from|to|msisdn|caller|called|callee|recipient|sender)"\s*:\s*"(?P<v>[1-9]\d{10,14})""#)
            .expect("call parties regex")
    });
    for c in re.captures_iter(line) {
        let v = c.name("v").expect("value");
        if !v.as_str().starts_with('1') || v.len() == 11 {
            out.push(Span::new(v.start(), v.end(), SecretKind::Phone));
        }
    }
}

/// PagerDuty's Events API v2 takes its integration key as `routing_key`: 32 hex digits, where
/// a message broker's routing key is a word or a dotted path.
fn integration_key(key: &str, v: &str) -> bool {
    v.len() == 32
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && key
            .trim_matches(['"', '\''])
            .eq_ignore_ascii_case("routing_key")
}

/// The field a name/value record names: `{"name": "DB_PASSWORD", "value": ...}` (container
/// env, cookie and tag lists), `key=stripe-api-key value=...` (config dumps). The key says the
/// value is a name (`name`, `key`, `cookie_name`, `header`, `param`, `variable`, `property`,
/// `setting`), and the name is a sensitive field's; the record's `value` is then masked as it.
fn names_a_field(key: &str, value: &str) -> Option<Field> {
    const NAMING: &[&str] = &[
        "name",
        "key",
        "cookie_name",
        "header",
        "header_name",
        "param",
        "parameter",
        "variable",
        "var",
        "property",
        "setting",
    ];
    let naming = NAMING.iter().any(|n| key.eq_ignore_ascii_case(n));
    if !naming || value.is_empty() || value.contains(char::is_whitespace) {
        return None;
    }
    keys::field(value).filter(|f| !matches!(f, Field::MaybePersonName | Field::PersonName))
}

/// The person's name (two to four capitalised words) that ends one blank before the key
/// starting at `ks`, unless it is itself a pair's value (`name=Ana Ruiz`).
fn name_before(line: &str, ks: usize) -> Option<(usize, usize)> {
    let head = line[..ks].strip_suffix(' ')?;
    let mut starts: Vec<usize> = Vec::new();
    let mut at = head.len();
    for _ in 0..4 {
        let s = head[..at].rfind(' ').map_or(0, |i| i + 1);
        let w = &head[s..at];
        if w.is_empty() || w.contains(['=', ':', '"', '\'', ',']) {
            break;
        }
        starts.push(s);
        if s == 0 {
            break;
        }
        at = s - 1;
    }
    starts
        .iter()
        .rev()
        .find(|&&s| head[s..].contains(' ') && person_name(&head[s..]))
        .map(|&s| (s, head.len()))
}

/// A JSON member name that says nothing of its value but that it is one.
fn generic_member(key: &str) -> bool {
    ["value", "val", "id", "number", "no", "text"]
        .iter()
        .any(|g| key.eq_ignore_ascii_case(g))
}

/// The name of the JSON object (or of the array of objects) that holds the member whose
/// name starts at `ks`: back over its earlier members, skipping strings and nested
/// brackets, to the unmatched `{`. Looks back at most 600 bytes.
fn enclosing_name(line: &str, ks: usize) -> Option<&str> {
    let b = line.as_bytes();
    let floor = ks.saturating_sub(600);
    let mut i = ks.checked_sub(1)?; // the key's opening quote
    let mut depth = 0i32;
    let mut in_str = false;
    while i > floor {
        i -= 1;
        let c = b[i];
        if in_str {
            if c == b'"' && b[i - 1] != b'\\' {
                in_str = false;
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'}' | b']' => depth += 1,
            b'{' | b'[' if depth > 0 => depth -= 1,
            b'{' => {
                // `"name":{` or `"name":[{`
                let before = line[..i].trim_end();
                let before = before.strip_suffix('[').map_or(before, str::trim_end);
                let before = before.strip_suffix(':')?.trim_end();
                let before = before.trim_end_matches(['"', '\\']);
                let start = before
                    .char_indices()
                    .rev()
                    .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
                    .map_or(0, |(i, c)| i + c.len_utf8());
                return Some(&before[start..]).filter(|n| !n.is_empty());
            }
            _ => {}
        }
    }
    None
}

/// The name of the object whose first member starts at `ks`: `"name": {"value"` (quotes
/// escaped or not).
fn wrapping_name(line: &str, ks: usize) -> Option<&str> {
    let before = line[..ks].trim_end_matches(['"', '\\']).trim_end();
    let before = before
        .strip_suffix('{')?
        .trim_end()
        .strip_suffix(':')?
        .trim_end();
    let before = before.trim_end_matches(['"', '\\']);
    let start = before
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .map_or(0, |(i, c)| i + c.len_utf8());
    let name = &before[start..];
    (!name.is_empty()).then_some(name)
}

/// The bare value of the record whose name pair ends at `name_end` (`key=django.secret.key
/// value=)!g1(...`): it runs to the next blank whatever its bytes, since generated secrets
/// (Django's `get_random_secret_key` alphabet has `!@#$%^&*(-_=+)`) may open with a bracket
/// or hold `&` and `;`, which end a bare value elsewhere. Quoted values are the pair's own.
fn record_value(line: &str, name_end: usize) -> Option<(usize, usize)> {
    let rest = &line[name_end..];
    let after = rest.trim_start_matches([' ', ',']);
    if after.len() == rest.len() {
        return None;
    }
    let s = line.len() - after.len();
    let v = ["value=", "val=", "value: "]
        .iter()
        .find_map(|p| after.get(..p.len()).filter(|h| h.eq_ignore_ascii_case(p)))?;
    let s = s + v.len();
    let run = line[s..]
        .find(|c: char| c.is_whitespace() || c == '"' || c == '\'')
        .unwrap_or(line.len() - s);
    let e = trim_unopened(line.as_bytes(), s, s + 1, s + run);
    (run > 0 && e > s).then_some((s, e))
}

/// After a quoted value that is not masked, the search resumes after it, unless it holds
/// nested pairs (escaped quotes, `=`, or `: `), which are searched too.
fn skip_quoted(line: &str, pair: &Pair, pos: &mut usize) {
    if !pair.quoted {
        return;
    }
    let v = &line[pair.value.0..pair.value.1];
    if !(v.contains("\\\"") || v.contains('=') || v.contains(": ") || v.contains('\'')) {
        *pos = (*pos).max(pair.value.1);
    }
}

/// One `key sep value` match, split by hand (a capture engine per match would cost more than
/// the rest of the line's rules).
struct Pair {
    key: (usize, usize),
    sep: (usize, usize),
    /// The value inside its quotes, if quoted.
    value: (usize, usize),
    quoted: bool,
}

impl Pair {
    fn parse(line: &str, start: usize, end: usize) -> Option<Pair> {
        let b = line.as_bytes();
        let key_char = |i: usize| -> Option<usize> {
            let c = line[i..].chars().next()?;
            (c.is_alphanumeric() || matches!(c, '_' | '.' | '-')).then(|| c.len_utf8())
        };
        let mut i = start;
        while i < end {
            match key_char(i) {
                Some(n) => i += n,
                None => break,
            }
        }
        let key = (start, i);
        if key.0 == key.1 {
            return None;
        }
        if b.get(i) == Some(&b'\\') {
            i += 1;
        }
        if matches!(b.get(i), Some(b'"') | Some(b'\'') | Some(b'`')) {
            i += 1;
        }
        while matches!(b.get(i), Some(b' ') | Some(b'\t')) {
            i += 1;
        }
        let sep_len = if b[i..].starts_with(b"=>") {
            2
        } else if matches!(b.get(i), Some(b'=') | Some(b':') | Some(b'|')) {
            1
        } else {
            return None;
        };
        let sep = (i, i + sep_len);
        i += sep_len;
        while matches!(b.get(i), Some(b' ') | Some(b'\t')) {
            i += 1;
        }
        if i >= end {
            return None;
        }
        let (value, quoted) = if b[i..].starts_with(b"\\\"") {
            ((i + 2, end.checked_sub(2)?.max(i + 2)), true)
        } else if matches!(b[i], b'"' | b'\'') {
            ((i + 1, (end - 1).max(i + 1)), true)
        } else {
            ((i, end), false)
        };
        Some(Pair {
            key,
            sep,
            value,
            quoted,
        })
    }
}

/// `user:password@host` or `user/password@host`: the password's range in `v`.
fn userinfo_password(v: &str) -> Option<(usize, usize)> {
    let at = v.rfind('@')?;
    let sep = v[..at].find([':', '/'])?;
    let user = &v[..sep];
    (!user.is_empty() && !user.contains(char::is_whitespace) && sep + 1 < at)
        .then_some((sep + 1, at))
}

/// Widens a bare value where the syntax says it runs on: the rest of the line for a YAML,
/// header or psql-record line that starts with its key, or the digit groups of a phone or id
/// written with spaces (`cellulare=360 1552635`).
fn extend_bare(line: &str, key_start: usize, sep: &str, f: Field, s: usize, e: usize) -> usize {
    let starts_line = line[..key_start]
        .trim_start()
        .trim_start_matches("- ")
        .trim_start_matches('#')
        .trim()
        .is_empty();
    if matches!(f, Field::Password | Field::Credential) && matches!(sep, "=" | "=>") {
        return secret_run(line, s, e);
    }
    // A YAML or comment line's `token: value` (`# api token: value`) runs to the blank as
    // `token=value` does (a password there runs to the line's end, below: passphrases have
    // spaces).
    if f == Field::Credential && sep == ":" && (starts_line || key_in_words(line, key_start)) {
        return secret_run(line, s, e);
    }
    let prose = matches!(
        f,
        Field::Address | Field::PersonName | Field::MaybePersonName | Field::Password
    );
    if prose && sep == ":" {
        if let Some(end) = quoted_rest(line, key_start, s) {
            return end.max(e);
        }
    }
    if prose && (sep == "|" || (starts_line && sep == ":")) {
        let rest = &line[s..];
        // psql records end at the next column bar.
        let end = rest.find(" |").map_or(line.len(), |i| s + i);
        return end.max(e);
    }
    // `STRAS=Rua Exemplo, 264 TELNR=...`, Apex `{MailingStreet=1 Main St, Springfield,
    // AccountId=...}`: an unquoted address runs to the next `name=` or the record's end.
    if f == Field::Address && sep == "=" {
        return address_run(line, s).max(e);
    }
    if matches!(f, Field::PersonName | Field::MaybePersonName) && sep != ":" {
        return name_words(line, e);
    }
    if matches!(f, Field::Phone | Field::Id | Field::Card | Field::Birth) {
        let mut end = e;
        let b = line.as_bytes();
        loop {
            let mut j = end;
            if j < b.len() && b[j] == b' ' {
                j += 1;
            } else {
                break;
            }
            // A phone's groups may hold its own separators (`+1 617-555-0174`).
            let phone = f == Field::Phone;
            let k = j + b[j..]
                .iter()
                .take_while(|c| c.is_ascii_alphanumeric() || phone && matches!(c, b'-' | b'.'))
                .count();
            let group = &b[j..k];
            let longest = if phone { 14 } else { 8 };
            if k == j || !group.iter().any(u8::is_ascii_digit) || k - j > longest {
                break;
            }
            if phone
                && !group
                    .iter()
                    .all(|c| c.is_ascii_digit() || matches!(c, b'-' | b'.'))
            {
                break;
            }
            end = k;
        }
        return end;
    }
    e
}

/// The key's line opens with a comment that names it in words before it: `# api token:`,
/// `// auth token:` (at most two plain words before the key).
fn key_in_words(line: &str, key_start: usize) -> bool {
    let head = line[..key_start].trim_start();
    let Some(words) = ["#", "//", ";"].iter().find_map(|m| head.strip_prefix(m)) else {
        return false;
    };
    let words = words.trim();
    words.split(' ').count() <= 2 && words.bytes().all(|c| c.is_ascii_alphabetic() || c == b' ')
}

/// `'Passphrase: two words'`: a `Key: value` that opens a quoted string runs to its closing
/// quote, as a header or YAML line runs to the end of the line. The end, if the key follows
/// the opening quote and the quote closes on this line.
fn quoted_rest(line: &str, key_start: usize, s: usize) -> Option<usize> {
    let q = *line.as_bytes().get(key_start.checked_sub(1)?)?;
    // The quote opens the pair, not the key alone (`{"password": 1234}`).
    if !matches!(q, b'\'' | b'"') || line[key_start..s].contains(q as char) {
        return None;
    }
    line[s..]
        .find(q as char)
        .map(|i| s + i)
        .filter(|&end| end > s)
}

/// An unquoted password or key runs to the next blank (`JWT_SECRET=a)(b,c^d`): generated
/// secrets use punctuation. It stops where a query string or cookie list goes on (`&`, `;`),
/// before `,key=` (the next pair of a list), and drops closing brackets it did not open
/// (`(password=abc)`) and a trailing comma.
fn secret_run(line: &str, s: usize, e: usize) -> usize {
    let b = line.as_bytes();
    let mut end = e;
    while end < b.len() && !matches!(b[end], b' ' | b'\t' | b'\r' | b'\n' | b'"' | b'\'' | b'&') {
        if b[end] == b',' && next_is_pair(&line[end + 1..]) {
            break;
        }
        // `;` separates pairs (`Password=x;Database=y`, `sid=x; path=/`) but may also be one
        // of a generated secret's characters (`Z4r;D9ux`): it ends the value only before
        // another pair, a blank or the end.
        if b[end] == b';' && !secret_goes_on(&line[end + 1..]) {
            break;
        }
        end += 1;
    }
    trim_unopened(b, s, e, end)
}

/// `end`, less the closing brackets at the end of `b[s..end]` that the value did not open
/// (`(password=abc)`) and a trailing `,` or `.` beyond `e`.
fn trim_unopened(b: &[u8], s: usize, e: usize, mut end: usize) -> usize {
    loop {
        let v = &b[s..end];
        let Some(&last) = v.last() else { break };
        let open = match last {
            b')' => b'(',
            b']' => b'[',
            b'}' => b'{',
            b',' | b'.' if end > e => {
                end -= 1;
                continue;
            }
            _ => break,
        };
        let opened = v.iter().filter(|&&c| c == open).count();
        let closed = v.iter().filter(|&&c| c == last).count();
        if closed > opened && end > s + 1 {
            end -= 1;
        } else {
            break;
        }
    }
    end.max(e)
}

/// After a `;` inside a bare secret: more of the secret, not a blank, the end, a closing
/// bracket or the next `key=` pair.
fn secret_goes_on(rest: &str) -> bool {
    // Cookie attributes without a value (RFC 6265: `Secure`, `HttpOnly`) end a cookie.
    let word = rest.split([';', ' ']).next().unwrap_or("");
    if ["secure", "httponly", "partitioned"]
        .iter()
        .any(|a| word.eq_ignore_ascii_case(a))
    {
        return false;
    }
    rest.bytes()
        .next()
        .is_some_and(|c| !c.is_ascii_whitespace() && !matches!(c, b';' | b')' | b'}' | b']'))
        && !next_is_pair(rest)
}

/// `key=` (or ` key=`) at the start of `rest`.
fn next_is_pair(rest: &str) -> bool {
    let r = rest.trim_start();
    let k = r
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    k > 0 && r[k..].starts_with('=')
}

/// A bare value that opens a function call (`crypt('x', h)`, `now()`): `Some` with the range
/// of the quoted literal it is called with, inside its quotes, if any.
fn call_literal(line: &str, s: usize, e: usize) -> Option<Option<(usize, usize)>> {
    let v = &line[s..e];
    let name = v.strip_suffix('(')?;
    if name.is_empty()
        || !name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.'))
    {
        return None;
    }
    let rest = &line[e..];
    let Some(q) = rest.chars().next().filter(|c| matches!(c, '\'' | '"')) else {
        return Some(None);
    };
    Some(
        rest[1..]
            .find(q)
            .filter(|&n| n > 0)
            .map(|n| (e + 1, e + 1 + n)),
    )
}

/// An unquoted name written with its spaces (`name=Ana de Souza dob=...`): the value runs
/// over the capitalised words (and name particles) that follow, up to the next key.
/// A change record that names the field it changed and gives its values apart
/// (`field=home_address old="..." new="..."`, `attribute=iban old_value=... new_value=...`):
/// the old and new values are judged under the field's name.
pub(crate) fn changes(line: &str, out: &mut Vec<Span>) {
    static OLD: Needle = needle!("old");
    if !OLD.is_in(line) {
        return;
    }
    let value_of = |name: &str| -> Option<(usize, usize)> {
        let mut from = 0;
        loop {
            let at = from + line[from..].find(name)?;
            from = at + name.len();
            if at > 0 && line.as_bytes()[at - 1] != b' ' {
                continue;
            }
            let v = &line[from..];
            return Some(match v.as_bytes().first() {
                Some(&q @ (b'"' | b'\'')) => {
                    let e = v[1..].find(q as char)?;
                    (from + 1, from + 1 + e)
                }
                _ => (from, from + v.find(' ').unwrap_or(v.len())),
            });
        }
    };
    let Some((ns, ne)) = ["field=", "attribute=", "column="]
        .iter()
        .find_map(|n| value_of(n))
    else {
        return;
    };
    let Some(f) = keys::field(&line[ns..ne]) else {
        return;
    };
    for name in ["old=", "new=", "old_value=", "new_value="] {
        if let Some((s, e)) = value_of(name) {
            if masks(f, &line[s..e], "") {
                out.push(Span::new(s, e, f.kind()));
            }
        }
    }
}

/// Where an unquoted address that starts at `s` ends: before the `, ` or ` ` that opens the
/// next `name=` pair, a `}` or `|`, or at the line's end.
fn address_run(line: &str, s: usize) -> usize {
    let b = line.as_bytes();
    let mut i = s;
    while i < b.len() {
        match b[i] {
            b'}' | b'|' | b'"' => return i,
            b' ' => {
                let w = &line[i + 1..];
                let name = w
                    .bytes()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == b'_' || *c == b'.')
                    .count();
                if name > 0 && w.as_bytes().get(name) == Some(&b'=') {
                    let end = if i > s && b[i - 1] == b',' { i - 1 } else { i };
                    return end;
                }
            }
            _ => {}
        }
        i += 1;
    }
    line.trim_end().len().max(s)
}

fn name_words(line: &str, e: usize) -> usize {
    let mut end = e;
    for _ in 0..3 {
        let rest = &line[end..];
        let Some(word) = rest.strip_prefix(' ') else {
            break;
        };
        let w = word.split(' ').next().unwrap_or("");
        let bare = w.trim_end_matches([',', ';', '.']);
        let cap = bare.chars().next().is_some_and(char::is_uppercase)
            && bare
                .chars()
                .skip(1)
                .all(|c| c.is_lowercase() || matches!(c, '\'' | '-'))
            && bare.chars().count() >= 2;
        let particle = matches!(
            bare,
            "de" | "van" | "der" | "von" | "da" | "di" | "del" | "dos"
        );
        if !(cap || particle) {
            break;
        }
        end += 1 + bare.len();
        if bare.len() < w.len() {
            break;
        }
    }
    end
}

/// Whether a value under a field of kind `f` is masked. `after` is the rest of the line
/// (`15 bytes` in `kubectl describe secret` is a size).
pub(crate) fn masks(f: Field, v: &str, after: &str) -> bool {
    // An id's digits are never a timestamp (`cedula=1712345678`, a 13-digit EMŠO).
    if keys::benign(v, matches!(f, Field::Birth | Field::Id)) {
        return false;
    }
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    let all_digits = v.bytes().all(|b| b.is_ascii_digit());
    if all_digits && after.trim_start().starts_with("bytes")
        || v.strip_suffix(" bytes")
            .is_some_and(|n| n.bytes().all(|b| b.is_ascii_digit()))
    {
        return false;
    }
    // A nested list of pairs (`Cookie: a=b; c=d`): each pair is judged on its own.
    if f == Field::Credential && nested_pairs(v) {
        return false;
    }
    let word = v
        .chars()
        .all(|c| c.is_ascii_lowercase() || c == '-' || c == '_');
    match f {
        // `--- PASS: TestLogin/bad_input (0.00s)`: a test runner's verdict on a named test.
        Field::Password => !elapsed_follows(after),
        Field::PublicKey => v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()),
        Field::Credential => {
            // Twilio resource SIDs (`SM` + 32 hex) name a message or call, not a secret.
            let b = v.as_bytes();
            if b.len() == 34
                && b[..2].iter().all(u8::is_ascii_uppercase)
                && b[2..].iter().all(u8::is_ascii_hexdigit)
            {
                return false;
            }
            // A plain word (`no-check`, `accepted`, `bearer`) or a small count is not a token.
            !(word || (all_digits && v.len() <= 4) || file_path(v))
        }
        Field::Code => has_digit || v.len() >= 6,
        Field::AuthCode => v.len() >= 10 && has_digit && !all_digits,
        Field::Id | Field::Card | Field::Phone => has_digit,
        Field::Email => v.contains('@') || v.contains("%40"),
        Field::Birth => has_digit,
        Field::PersonName => v.chars().any(char::is_alphabetic) && !word,
        Field::MaybePersonName => person_name(v),
        Field::Address => {
            v.chars().any(char::is_alphabetic) && has_digit && v.contains(' ') || street_word(v)
        }
        Field::Location => coordinates(v),
    }
}

/// One or two decimal degrees (`-33.8688`, GML's `48.2 16.37`): a fraction, nothing but
/// digits and signs.
fn coordinates(v: &str) -> bool {
    let n = v.split(' ').count();
    n <= 3
        && v.split(' ').all(|d| {
            let d = d.strip_prefix(['-', '+']).unwrap_or(d);
            let (i, f) = d.split_once('.').unwrap_or((d, ""));
            !i.is_empty()
                && i.len() <= 3
                && !f.is_empty()
                && i.bytes().all(|b| b.is_ascii_digit())
                && f.bytes().all(|b| b.is_ascii_digit())
        })
}

/// Whether `after` opens with an elapsed time in parentheses (`(0.00s)`, `(12ms)`), as test
/// runners print after the name of a test they passed or failed.
fn elapsed_follows(after: &str) -> bool {
    let Some(rest) = after.trim_start().strip_prefix('(') else {
        return false;
    };
    let Some((time, _)) = rest.split_once(')') else {
        return false;
    };
    let num = time.trim_end_matches(|c: char| c.is_ascii_alphabetic());
    let unit = &time[num.len()..];
    !num.is_empty()
        && num.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && matches!(unit, "s" | "ms" | "us" | "µs" | "ns" | "m")
}

/// A file path (`/var/run/secrets/token`), not a base64 key that starts with `/`
/// (`/W+/0DF...`): no `+`, no padding, no long random segment.
fn file_path(v: &str) -> bool {
    v.starts_with('/')
        && !v.contains([' ', '+'])
        && !v.ends_with('=')
        && !v
            .split('/')
            .any(|p| p.len() >= 16 && super::tokens::random_looking(p))
}

/// `a=b; c=d`: a value that starts with a pair of its own.
/// Credentials built from a user name and a password, as the libraries document their
/// constructors: .NET `NetworkCredential(userName, password)`, Python requests'
/// `HTTPBasicAuth(username, password)` / `HTTPDigestAuth`, Java's
/// `PasswordAuthentication(userName, password)`, Apache HttpClient's
/// `UsernamePasswordCredentials(userName, password)`. The second literal is the password.
fn credential_constructors(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    static OPEN: Needle = needle!("Credential");
    static AUTH: Needle = needle!("Auth(");
    static PA: Needle = needle!("PasswordAuthentication(");
    if !(OPEN.is_in(line) || AUTH.is_in(line) || PA.is_in(line)) {
        return;
    }
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r#"(?:NetworkCredential|HTTPBasicAuth|HTTPDigestAuth|PasswordAuthentication|UsernamePasswordCredentials)"#,
            r#"\(\s*(?:'[^'
]*'|"[^"
]*")\s*,\s*(?:'(?P<v1>[^'
]+)'|"(?P<v2>[^"
]+)")"#
        ))
        .expect("credential constructor regex")
    });
    for c in re.captures_iter(line) {
        if let Some(v) = c.name("v1").or_else(|| c.name("v2")) {
            if masks(Field::Password, v.as_str(), "") {
                out.push(Span::new(v.start(), v.end(), SecretKind::Secret));
            }
        }
    }
}

/// A signature header whose value is a list of pairs: a webhook's HMAC (`Stripe-Signature:
/// t=...,v1=<hex>`, `X-Hub-Signature-256: sha256=<hex>`). The pairs' names are the scheme's
/// own (`v1`, `sha256`), so the signature key speaks for their values. A DKIM-Signature is
/// not one: it is published in every message it signs (RFC 6376).
fn signature_pairs(key: &str, f: Field, v: &str) -> bool {
    f == Field::Credential
        && nested_pairs(v)
        && keys::key_parts(key)
            .iter()
            .any(|p| p == "signature" || p == "sig")
        && !key.to_ascii_lowercase().contains("dkim")
}

/// A digest's text: 32+ hex digits, or 40+ base64 characters with upper, lower and digits.
/// A timestamp (`t=1796292034`) or an algorithm's name (`a=rsa-sha256`) is not one.
fn digest(v: &str) -> bool {
    let b = v.as_bytes();
    let hex = b.len() >= 32 && b.iter().all(u8::is_ascii_hexdigit);
    let b64 = b.len() >= 40
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'=' | b'-' | b'_'))
        && b.iter().any(u8::is_ascii_uppercase)
        && b.iter().any(u8::is_ascii_lowercase)
        && b.iter().any(u8::is_ascii_digit);
    (hex && !b.iter().all(u8::is_ascii_digit)) || b64
}

fn nested_pairs(v: &str) -> bool {
    v.find('=').is_some_and(|i| {
        i > 0
            && v[..i]
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            && i + 1 < v.trim_end_matches('=').len()
    })
}

/// Two or three capitalised words (with a particle: `de Vries`, `van der Berg`).
pub(crate) fn person_name(v: &str) -> bool {
    // A form body or query string writes a space as `+` (application/x-www-form-urlencoded).
    let sep = if !v.contains(' ') && v.contains('+') {
        '+'
    } else {
        ' '
    };
    let words: Vec<&str> = v.split(sep).collect();
    if !(2..=4).contains(&words.len()) {
        return false;
    }
    let particle = |w: &str| {
        matches!(
            w,
            "de" | "van"
                | "der"
                | "von"
                | "da"
                | "di"
                | "del"
                | "le"
                | "la"
                | "dos"
                | "das"
                | "bin"
                | "al"
                // Irish: `Ó Briain`, `Ní Bhriain`, `Nic Giolla`.
                | "Ó"
                | "Ní"
                | "Nic"
        )
    };
    let cap = |w: &str| {
        // Gaelic patronymics keep a capital after their prefix (`MacDonald`, `McCarthy`): an
        // `M`, then `ac` or `c`.
        let w = w
            .strip_prefix('M')
            .and_then(|r| r.strip_prefix("ac").or_else(|| r.strip_prefix('c')))
            .filter(|r| r.starts_with(char::is_uppercase))
            .unwrap_or(w);
        let mut ch = w.chars();
        ch.next().is_some_and(char::is_uppercase)
            && ch.clone().count() >= 1
            && name_tail(ch.as_str())
    };
    words.iter().filter(|w| cap(w)).count() >= 2 && words.iter().all(|w| cap(w) || particle(w))
}

/// The rest of a capitalised name word: lowercase, with `'` or `-` joins that may start a
/// new capital (`O'Brien`, `Smith-Jones`).
fn name_tail(t: &str) -> bool {
    let mut prev = 'a';
    t.chars().all(|c| {
        let ok = c.is_lowercase()
            || matches!(c, '\'' | '-')
            || (c.is_uppercase() && matches!(prev, '\'' | '-'));
        prev = c;
        ok
    })
}

fn street_word(v: &str) -> bool {
    let l = v.to_lowercase();
    v.contains(' ')
        && [
            "street", "straße", "strasse", "rue ", "via ", "avenue", "road", "calle", "allee",
            "weg", "lane",
        ]
        .iter()
        .any(|w| l.contains(w))
}

/// Ids introduced by their name in prose: `SSN 123-45-6789`, `NIE X1234567L`, `TFN 123 456 782`.
fn id_prose_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?-u:\b)(?:SSN|TFN|SIN|BSN|NIE|DNI|NIF|CPF|UID|NINO|NIR|PAN|TIN|ABN|Aadhaar|AADHAAR|Steuer-?ID|Steuernummer|IBAN|passport|Passport|PASSPORT|Personalausweis(?:nummer)?|Ausweis(?:nummer|-Nr\.?)?|(?i:pesel|cnpj|personnummer|steuer[-_ ]?id|idnr))",
            r"(?:\s+(?:no\.?|number|nr\.?|n°|#))?[\s:#=]+(?:[a-z]+\s+)?",
            r"(?P<v>[A-Z0-9][A-Z0-9 .\-/]{4,40}[A-Z0-9])"
        ))
        .expect("id prose regex")
    })
}

/// Phone numbers introduced by a word that says so: `móvil 628 91 69 62`, `OTP sent to 074460 29334`.
fn phone_prose_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)(?-u:\b)(?P<w>phone|mobile|móvil|movil|tel|telefon[eo]?|teléfono|cellulare|cell|sms|whatsapp|call|called|sent to|to|contact|kontakt|contacto|contatto)(?-u:\b)[\s:=#.]*[\x22']?",
            r"(?P<v>\+?\(?\d[\d ().\-]{6,18}\d)"
        ))
        .expect("phone prose regex")
    })
}

/// A JSON Web Key (RFC 7517: `"kty"` is required) publishes its public members: the RSA
/// modulus and exponent, the EC point and curve, the key id. Only the private members
/// (`d`, `p`, `q`, `dp`, `dq`, `qi`, `k`) are secret, so the public ones are kept.
fn jwk_public(line: &str, keep: &mut Vec<(usize, usize)>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    static KTY: Needle = needle!("\"kty\"");
    if !KTY.is_in(line) {
        return;
    }
    let re = RE.get_or_init(|| {
        Regex::new(r#""(?:n|e|x|y|crv|kid|alg|use|kty)"\s*:\s*"(?P<v>[^"\\]*)""#)
            .expect("jwk regex")
    });
    for c in re.captures_iter(line) {
        let m = c.name("v").expect("group");
        keep.push((m.start(), m.end()));
    }
}

/// A record whose type names an identity document, then its number:
/// `{type: 'passport', number: 'X1234567'}`, `"kind":"driver_license","value":"D123-456"`.
fn typed_document_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r#"(?i)\b(?:type|kind|doc(?:ument)?_?type)['"]?\s*[:=]\s*['"]?"#,
            r#"(?:passport|national_?id|id_?card|identity_?card|driver'?s?_?licen[cs]e|ssn|tax_?id)['"]?"#,
            r#"[^{}\n]{0,40}?\b(?:number|no|num|value|id)['"]?\s*[:=]\s*['"]?"#,
            r"(?P<v>[A-Za-z0-9][A-Za-z0-9\-]{4,22}[A-Za-z0-9])"
        ))
        .expect("typed document regex")
    })
}

/// Ids and phone numbers named in prose. `doc_type`, `id_name`: the line has a record type
/// word (`type`, `kind`) or an id's name (`SSN`, `passport`), without which the typed-document
/// and named-id patterns cannot match (the caller's one pass over the line found them).
pub(crate) fn find_prose(line: &str, doc_type: bool, id_name: bool, out: &mut Vec<Span>) {
    let typed = doc_type.then(|| typed_document_re().captures_iter(line));
    for c in typed.into_iter().flatten() {
        let m = c.name("v").expect("group");
        if m.as_str().bytes().any(|b| b.is_ascii_digit()) {
            out.push(Span::new(m.start(), m.end(), SecretKind::Id));
        }
    }
    let id_hits = id_name.then(|| id_prose_re().captures_iter(line));
    for c in id_hits.into_iter().flatten() {
        let m = c.name("v").expect("group");
        let v = m.as_str().trim_end_matches(['.', '-', '/', ' ']);
        // An IBAN is up to 34 characters and eight spaces: it ends where its check holds.
        let v = iban_prefix(v).unwrap_or(v);
        // Keep only the id itself: stop at a lowercase word (handled by the class) or a run
        // of letters that is a word, not part of the id.
        let digits = v.bytes().filter(u8::is_ascii_digit).count();
        if digits >= 6
            || ids::national_id(v)
            || ids::nl_bsn(v)
            || ids::de_id_card(v)
            || (digits >= 5 && v.len() >= 8)
        {
            out.push(Span::new(m.start(), m.start() + v.len(), SecretKind::Id));
        }
    }
    let phones = phone_after_word(line).then(|| phone_prose_re().captures_iter(line));
    for c in phones.into_iter().flatten() {
        let m = c.name("v").expect("group");
        let v = m.as_str().trim_end_matches([' ', '.', '-', '(', ')']);
        if keys::is_timestamp(v) || v.contains("..") || looks_like_date(v) {
            continue;
        }
        let word = c.name("w").map_or("", |w| w.as_str());
        if ids::phone(v) || (strong_phone_word(word) && ids::national_phone_run(v)) {
            out.push(Span::new(m.start(), m.start() + v.len(), SecretKind::Phone));
        }
    }
    if line.contains(['都', '道', '府', '県']) {
        for m in jp_address_re().find_iter(line) {
            out.push(Span::new(m.start(), m.end(), SecretKind::Personal));
        }
    }
}

/// The longest prefix of `v`, cut at a space, that is an IBAN (`DE89 3704 0044 0532 0130 00`
/// before ` OK`).
fn iban_prefix(v: &str) -> Option<&str> {
    let ends = v.match_indices(' ').map(|(i, _)| i).chain([v.len()]);
    ends.rev()
        .filter(|&i| i >= 15)
        .map(|i| &v[..i])
        .find(|p| ids::iban(p))
}

/// Whether [`phone_prose_re`] may match: on an ASCII line, its number (a digit, then 7+ of
/// digits, spaces, `().-`) follows a word's last letter with only separators, a quote, `+`
/// or `(` between. A line with other text is searched anyway (Unicode digits and spaces).
/// Most lines have numbers only after punctuation or at their start (timestamps, addresses).
fn phone_after_word(line: &str) -> bool {
    let b = line.as_bytes();
    if !b.is_ascii() {
        return true;
    }
    let class = |c: &u8| c.is_ascii_digit() || matches!(c, b' ' | b'(' | b')' | b'.' | b'-');
    // `\s` also takes a vertical tab, which `is_ascii_whitespace` does not.
    let between = |c: u8| {
        c.is_ascii_whitespace()
            || matches!(
                c,
                0x0B | b':' | b'=' | b'#' | b'.' | b'\'' | b'"' | b'+' | b'('
            )
    };
    // The last byte so far that is not between a word and its number (0: none). A digit
    // after a digit sees a digit there, so only the first digit of a run is tried.
    let mut last = 0u8;
    for (p, &c) in b.iter().enumerate() {
        if c.is_ascii_digit()
            && last.is_ascii_alphabetic()
            && b.len() - p >= 8
            && b[p..p + 8].iter().all(class)
        {
            return true;
        }
        if !between(c) {
            last = c;
        }
    }
    false
}

/// A word that names a phone number (not `to` or `call`, which precede other numbers too).
fn strong_phone_word(w: &str) -> bool {
    let w = w.to_lowercase();
    !matches!(w.as_str(), "to" | "sent to" | "call" | "called")
}

/// A Japanese postal address as written: prefecture (都道府県), municipality (市区町村郡),
/// then the block numbers (`2-8-9` or `2丁目8番9号`).
fn jp_address_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?:東京都|北海道|大阪府|京都府|\p{Han}{2,3}県)",
            r"[\p{Han}\p{Hiragana}\p{Katakana}ー]{0,12}?[市区町村郡]",
            r"[\p{Han}\p{Hiragana}\p{Katakana}ー]{0,16}?",
            r"[0-9０-９]{1,4}(?:(?:[-−‐－の]|丁目|番地?|号)[0-9０-９]{1,4}){1,3}(?:号)?"
        ))
        .expect("japanese address regex")
    })
}

/// A date of birth named in prose: `Geburtsdatum 02.07.2003`, `born on 1990-04-12`, `DOB: 4/7/85`.
fn birth_prose_re() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(concat!(
            r"(?i)(?-u:\b)(?:dob|d\.o\.b\.|date\s+of\s+birth|birth\s*date|birthday|born(?:\s+on)?",
            r"|geburtsdatum|geboren(?:\s+am)?|geb\.|date\s+de\s+naissance|né(?:e)?\s+le",
            r"|fecha\s+de\s+nacimiento|data\s+di\s+nascita|data\s+de\s+nascimento|geboortedatum)",
            r"[\s:=#]*",
            r"(?P<v>\d{1,4}[./\-]\d{1,2}[./\-]\d{2,4})(?-u:\b)"
        ))
        .expect("birth prose regex")
    })
}

/// Dates of birth named in prose.
fn find_birth_prose(line: &str, out: &mut Vec<Span>) {
    for c in birth_prose_re().captures_iter(line) {
        let m = c.name("v").expect("group");
        out.push(Span::new(m.start(), m.end(), SecretKind::Personal));
    }
}

fn looks_like_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() >= 8 && b[..4].iter().all(u8::is_ascii_digit) && matches!(b[4], b'-' | b'/' | b'.')
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        let mut v = Vec::new();
        find(line, keys::mentions_field(line), &mut v, &mut Vec::new());
        find_prose(line, true, true, &mut v);
        let mut got: Vec<&str> = v.iter().map(|s| &line[s.start..s.end]).collect();
        got.dedup();
        got
    }

    #[test]
    fn changes_judged_under_the_field_they_name() {
        let line = r#"AUDIT user=hr action=UPDATE field=home_address old="1 Main St, Leeds" new="2 High St, York" id=7"#;
        assert_eq!(
            crate::narrative::redact::masked_by(changes, line),
            ["1 Main St, Leeds", "2 High St, York"]
        );
        let line = r#"AUDIT field=department old="Sales 2" new="Ops 3""#;
        assert!(crate::narrative::redact::masked_by(changes, line).is_empty());
    }

    #[test]
    fn unquoted_addresses_run_to_the_next_pair() {
        assert_eq!(
            masked("E1P0006  PERNR=1 STRAS=Rua Exemplo, 12, apto 3 - Centro TELNR=x"),
            ["Rua Exemplo, 12, apto 3 - Centro"]
        );
        assert_eq!(
            masked("Contact:{Id=003x, MailingStreet=12 Main St, Springfield, AccountId=001y}"),
            ["12 Main St, Springfield"]
        );
    }

    #[test]
    fn coordinates_ids_and_card_fields_by_name() {
        assert_eq!(
            masked(r#"{"lat":"-33.8688","lng":"151.2093","zoom":12}"#),
            ["-33.8688", "151.2093"]
        );
        assert!(masked(r#"{"lat":-33.8688,"zoom":12}"#).is_empty());
        assert_eq!(masked(r#"    "longitude": "-0.1276","#), ["-0.1276"]);
        assert!(masked(r#"{"latitude":null,"lat_source":"gps"}"#).is_empty());
        // An id's digits are not an epoch timestamp under its name.
        assert_eq!(masked("cedula=1712345678 ok"), ["1712345678"]);
        assert_eq!(
            masked(r#"{"cc_cid":"123","cc_owner":"Ana Lima"}"#),
            ["123", "Ana Lima"]
        );
    }

    #[test]
    fn connection_passwords_integration_keys_and_source_lines() {
        // Kafka Connect's JDBC options: `connection.password` is a password, not an address.
        assert_eq!(
            masked("\tconnection.password = t1ger-Lamp.88"),
            ["t1ger-Lamp.88"]
        );
        assert!(masked("connection.url = jdbc:postgresql://db:5432/app").is_empty());
        // PagerDuty's integration key under `routing_key`; a broker's routing key stays.
        assert_eq!(
            masked("routing_key: 0f1e2d3c4b5a69788796a5b4c3d2e1f0"),
            ["0f1e2d3c4b5a69788796a5b4c3d2e1f0"]
        );
        assert!(masked("routing_key=orders.created").is_empty());
        // `file.ext:line:` names a source line.
        assert!(masked("[lua] auth.lua:88: verify(): failed").is_empty());
    }

    #[test]
    fn a_record_that_names_a_field_then_holds_its_value() {
        // Container env and cookie lists (`{"name": ..., "value": ...}`), tag lists
        // (`Key`/`Value`), config dumps (`key=... value=...`).
        assert_eq!(
            masked(
                r#"{"env":[{"name":"DB_PASSWORD","value":"hunter2-x"},{"name":"PORT","value":"8080"}]}"#
            ),
            ["hunter2-x"]
        );
        assert_eq!(
            masked(r#"{"cookies":[{"name":"sessionid","value":"q8x1vz0b7k2m"}]}"#),
            ["q8x1vz0b7k2m"]
        );
        assert_eq!(
            masked("Tags=[{Key=api_token,Value=tk-4f9a2c71e0}]"),
            ["tk-4f9a2c71e0"]
        );
        // A generated secret may open with a bracket and hold `&`: the value runs to the blank.
        assert_eq!(
            masked("key=app.signing.secret value=(x7&k2^Lq)9#wz!m source=env"),
            ["(x7&k2^Lq)9#wz!m"]
        );
        // A name that is not a sensitive field's leaves its value alone.
        assert!(masked(r#"{"name":"retries","value":"3"} key=region value=eu-west-1"#).is_empty());
    }

    #[test]
    fn a_record_names_its_person_before_their_ids() {
        assert_eq!(
            masked("kyc chk_7 Marta de la Fuente dni=12345678Z status=OK"),
            ["Marta de la Fuente", "12345678Z"]
        );
        // A value of its own key is the key's business; other pairs say nothing of a name.
        assert_eq!(masked("user=Ana Ruiz dni=12345678Z"), ["12345678Z"]);
        assert!(masked("Build Step Failed status=7").is_empty());
    }

    #[test]
    fn a_path_parameter_ends_at_the_query() {
        assert_eq!(
            masked("GET /app/view;jsessionid=8F3A0C9D1E2B?page=2024-04 HTTP/1.1"),
            ["8F3A0C9D1E2B"]
        );
    }

    #[test]
    fn parties_of_a_call_or_message_without_their_plus() {
        assert_eq!(
            masked_by(
                call_parties,
                r#"{"from":"447700900123","to":"14155550123","ts":"1715690000123"}"#
            ),
            ["447700900123", "14155550123"]
        );
        assert!(masked_by(
            call_parties,
            r#"{"from":"1715690000","to":"1715693600000","from":"02034567890"}"#
        )
        .is_empty());
    }

    #[test]
    fn a_generic_member_of_an_object_named_for_an_id() {
        assert_eq!(
            masked(r#"{"person":{"nationalId":{"scheme":"x","value":"AB123456"},"value":"ok"}}"#),
            ["AB123456"]
        );
        assert_eq!(
            masked(r#"{"Passport_Data":[{"Country":"NZ","ID":"LA123456"}],"ID":"E1"}"#),
            ["LA123456"]
        );
        // An object named for something else keeps its ids.
        assert!(masked(r#"{"Order":{"ID":"12345","value":"9.99"}}"#).is_empty());
    }

    #[test]
    fn a_field_that_wraps_its_value_in_an_object() {
        // ARM template parameters: `{"adminPassword": {"value": "..."}}`, escaped or not.
        assert_eq!(
            masked(
                r#"{"parameters": {"adminLogin": {"value": "ops"}, "adminPassword": {"value": "Pw-9x8y7"}}}"#
            ),
            ["Pw-9x8y7"]
        );
        assert_eq!(
            masked(r#"{"body": "{\"dbPassword\": {\"value\": \"Zq8-w7v6\"}}"}"#),
            ["Zq8-w7v6"]
        );
    }

    #[test]
    fn a_field_named_in_prose_with_its_value_quoted() {
        assert_eq!(
            masked(r#"account linked, address "12 Harbour Rd, Leith EH6 6LX" saved"#),
            ["12 Harbour Rd, Leith EH6 6LX"]
        );
        assert_eq!(
            masked(r#"login failed: password "Sup3r-S3cret!" rejected"#),
            ["Sup3r-S3cret!"]
        );
        // A word that names no field, or a value its type says is not secret: kept.
        assert!(masked(r#"retry reason "connection reset" after 3 tries"#).is_empty());
        assert!(masked(r#"token "expired" for user 42"#).is_empty());
    }

    #[test]
    fn a_jwk_keeps_its_public_members() {
        let line = r#"{"kty":"RSA","kid":"k1","n":"u1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw7onLRnrq0_IzW7yWR7QkrmBL7jTKEn5u-qKhbwKfBstIs-bMY2Zkp18gnTxKLxoS2tFczGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW_VDL5AaWTg0nLVkjRo9z-40RQzuVaE8AkAFmxZzow3x-VJYKdjykkJ0iT9wCS0DRTXu269V264Vf_3jvredZiKRkgwlL9xNAwxXFg0x_XFw005UWVRIkdgcKWTjpBP2dPwVZ4WWC-9aGVd-Gyn1o0CLelf4rEjGoXbAAEgAqeGUxrcIlbjXfbcmw","e":"AQAB","d":"X4cTteJY_gn4FYPsXB8rdXix5vwsg1FLN5E3EaG6RJoVH-HLLKD9M7dx5oo7GURknchnrRweUkC7hT5fJLM0WbFAKNLWY2vv7B6NqXSzUvxT0_YSfqijwp3RTzlBaCxWp4doFk5N2o8Gy_nHNKroADIkJ46pRUohsXywbReAdYaMwFs9tv8d_cPVY3i07a3t8MN6TNwm0dSawm9v47UiCl3Sk5ZiG7xojPLu4sbg1U2jx4IBTNBznbJSzFHK66jT8bgkuqsk0GjskDJk19Z4qwjwbsnn4j2WBii3RL-Us2lGVkY8fkFzme1z0HbIkfz0Y6mqnOYtqc0X4jfcKoAC8Q"}"#;
        let mut out = Vec::new();
        let mut keep = Vec::new();
        find(line, keys::mentions_field(line), &mut out, &mut keep);
        let kept: Vec<&str> = keep.iter().map(|&(s, e)| &line[s..e]).collect();
        assert!(kept.iter().any(|v| v.starts_with("u1SU1")) && kept.contains(&"AQAB"));
        assert!(!kept.iter().any(|v| v.starts_with("X4cTt")));
    }

    #[test]
    fn a_document_number_under_its_type() {
        assert_eq!(
            masked("doc: { type: 'passport', number: 'K8213409', holder: x }"),
            ["K8213409"]
        );
        assert_eq!(
            masked(r#"{"kind":"driver_license","value":"D1234-5678","state":"CA"}"#),
            ["D1234-5678"]
        );
        assert!(masked("{ type: 'invoice', number: 'INV2024001' }").is_empty());
    }

    #[test]
    fn values_in_each_syntax() {
        assert_eq!(masked(r#"{"user":"bo","password":"hunter2"}"#), ["hunter2"]);
        assert_eq!(
            masked(r#"{"msg":"x","auth":{"client_token":"s.abc123"}}"#),
            ["s.abc123"]
        );
        assert_eq!(
            masked(r#"params={"password"=>"Harbor2006!"}"#),
            ["Harbor2006!"]
        );
        assert_eq!(masked("{'api_key': 'zz9-abc1'}"), ["zz9-abc1"]);
        assert_eq!(
            masked("GET /x?access_token=abc123XYZ&lang=fr"),
            ["abc123XYZ"]
        );
        assert_eq!(
            masked("Cookie: _ga=GA1.2.3; sessionid=k9x8w7v6u5; theme=dark"),
            ["k9x8w7v6u5"]
        );
        assert_eq!(
            masked("X-Api-Key: 8f14e45fceea167a5a36dedd4bea2543"),
            ["8f14e45fceea167a5a36dedd4bea2543"]
        );
        assert_eq!(
            masked("  password: my long pass phrase"),
            ["my long pass phrase"]
        );
        assert_eq!(
            masked("full_name         | Grace Thompson"),
            ["Grace Thompson"]
        );
        assert_eq!(masked("cellulare=360 1552635 ok=1"), ["360 1552635"]);
    }

    /// Regression: Go's test verdicts (`--- PASS: name (0.00s)`) read as an FTP `PASS`.
    #[test]
    fn a_test_runners_verdict_is_not_a_password() {
        for line in [
            "--- PASS: TestLogin/rejects_empty_user (0.00s)",
            "    --- FAIL: TestCheckout_Total/discount_over_100 (0.12s)",
            "--- PASS: TestRetry (1.5s)",
        ] {
            assert_eq!(masked(line), Vec::<&str>::new(), "{line}");
        }
        assert_eq!(masked("PASS: Tr0ub4dor&3"), ["Tr0ub4dor&3"]);
        assert!(masked("pass: hunter2 (set by admin)")[0].starts_with("hunter2"));
    }

    #[test]
    fn benign_values_and_names_about_secrets_stay() {
        for line in [
            r#"{"password_reset":true,"token_count":3,"password_changed_at":"2024-01-01T00:00:00Z"}"#,
            "secret_name=db-creds token_path=/var/run/secrets/token session_timeout=30m",
            "X-Atlassian-Token: no-check",
            "password:           15 bytes",
            r#"{"name":"orders-api","secretName":"ghcr-pull-secret"}"#,
            "connect to db-main:5432 and auth-api:9092",
        ] {
            assert!(masked(line).is_empty(), "{line}: {:?}", masked(line));
        }
    }

    #[test]
    fn a_key_that_opens_a_quoted_string_runs_to_its_quote() {
        assert_eq!(
            masked("echo 'Passphrase: correct horse battery 9' >> notes"),
            ["correct horse battery 9"]
        );
        // A quoted key with a bare value is JSON: the value ends at the comma.
        assert_eq!(masked(r#"{"password": 48213, "user": "bo"}"#), ["48213"]);
    }

    #[test]
    fn a_cookie_named_with_a_leading_dot() {
        assert_eq!(
            masked("cs(Cookie) lang=en;+.ASPXAUTH=8F2A9C0D4E6B1A3C5D7E9F0A2B4C6D8E"),
            ["8F2A9C0D4E6B1A3C5D7E9F0A2B4C6D8E"]
        );
        assert_eq!(
            masked("Cookie: .AspNetCore.Session=CfDJ8Kx9zQ2vW4"),
            ["CfDJ8Kx9zQ2vW4"]
        );
        // A dot inside a dotted name is not a key's start.
        assert!(masked("loaded app.token:8080").is_empty());
    }

    #[test]
    fn an_iban_in_prose_to_its_last_group() {
        // 28 characters and 6 spaces: longer than most national ids.
        assert_eq!(
            masked("refund to IBAN HU42 1177 3016 1111 1018 0000 0000 please"),
            ["HU42 1177 3016 1111 1018 0000 0000"]
        );
        assert_eq!(
            masked("IBAN DE89 3704 0044 0532 0130 00 OK"),
            ["DE89 3704 0044 0532 0130 00"]
        );
    }

    #[test]
    fn a_line_that_opens_with_its_key_runs_the_secret_to_the_blank() {
        assert_eq!(
            masked("# api token: Zq+(k8<Lm0+Pw9 rotated"),
            ["Zq+(k8<Lm0+Pw9"]
        );
        assert_eq!(masked("  password: x<y>z!1"), ["x<y>z!1"]);
    }

    #[test]
    fn a_semicolon_inside_a_secret_does_not_end_it() {
        // Generated tokens may hold `;`; pairs and cookie attributes after one still end it.
        assert_eq!(
            masked("props {auth_token=p9;Qw2x;Zk7, region=eu}"),
            ["p9;Qw2x;Zk7"]
        );
        assert_eq!(masked("Password=s3cr3t;Database=orders"), ["s3cr3t"]);
        assert_eq!(
            masked("Set-Cookie: sessionid=ab12cd34;HttpOnly"),
            ["ab12cd34"]
        );
    }

    #[test]
    fn bare_secrets_run_to_the_blank() {
        assert_eq!(
            masked("JWT_SECRET=a9(Zq)]x^7#w,k2 next=1"),
            ["a9(Zq)]x^7#w,k2"]
        );
        assert_eq!(masked("User(password=Xy7!kq)"), ["Xy7!kq"]);
        assert_eq!(masked("cfg{db_password=Ab,1x, user=bo}"), ["Ab,1x"]);
        assert_eq!(masked("a=1&client_secret=Zz9x&b=2"), ["Zz9x"]);
        assert_eq!(masked("db_password=Ab9x,retries=3"), ["Ab9x"]);
    }

    #[test]
    fn a_function_call_masks_its_literal() {
        assert_eq!(
            masked("WHERE password = crypt('s3cr3t-Pw', password)"),
            ["s3cr3t-Pw"]
        );
        assert!(masked("SET password = now()").is_empty());
    }

    #[test]
    fn keys_that_start_with_a_slash_are_not_paths() {
        assert_eq!(
            masked("secret_key = /Qx+/8aZk3LmN0pQrStUvWxYz12345AbCdEfGh"),
            ["/Qx+/8aZk3LmN0pQrStUvWxYz12345AbCdEfGh"]
        );
        assert!(masked("token_file=/var/run/secrets/token api_token=/etc/app/token").is_empty());
    }

    #[test]
    fn json_numbers_get_quoted_placeholders() {
        let mut v = Vec::new();
        find(
            r#"{"card": 4111111111111111, "n": 1}"#,
            true,
            &mut v,
            &mut Vec::new(),
        );
        assert_eq!(v.len(), 1);
        assert!(v[0].quote);
    }

    #[test]
    fn credentials_built_from_a_user_and_a_password() {
        assert_eq!(
            masked("New-Object System.Net.NetworkCredential('svc_app', 'Pa55-w0rd')"),
            ["Pa55-w0rd"]
        );
        assert_eq!(
            masked(r#"requests.get(url, auth=HTTPBasicAuth("ana", "s3cret!x"))"#),
            ["s3cret!x"]
        );
        assert!(masked("new NetworkCredential(user, pass)").is_empty());
    }

    #[test]
    fn mysql_quotes_its_column_names_with_backticks() {
        assert_eq!(
            masked("UPDATE `users` SET `password` = 'hunter2x', `password_changed_at` = '2024-06-14 10:00:00' WHERE `id` = 7"),
            ["hunter2x"]
        );
    }

    #[test]
    fn a_name_in_a_form_body_with_plus_for_spaces() {
        assert_eq!(
            masked("POST /signup?name=Ana+Lima&plan=pro HTTP/1.1"),
            ["Ana+Lima"]
        );
        assert_eq!(masked("name=Jan+van+der+Berg"), ["Jan+van+der+Berg"]);
        assert!(masked("q=name=cache+warmup&x=1").is_empty());
        assert!(masked("name=C++").is_empty());
    }

    #[test]
    fn webhook_signature_headers_mask_their_digests() {
        // Stripe: `t=<timestamp>,v1=<hex HMAC-SHA256>`; GitHub: `sha256=<hex>` (`sha1=` before).
        let hex = "5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd";
        let stripe = format!("Stripe-Signature: t=1492774577,v1={hex}");
        assert_eq!(masked(&stripe), [hex]);
        let gh = format!("X-Hub-Signature-256: sha256={hex}");
        assert_eq!(masked(&gh), [hex]);
        let sha1 = "X-Hub-Signature: sha1=7d38cdd689735b008b3c702edd92eea23791c5f6";
        assert_eq!(masked(sha1), ["7d38cdd689735b008b3c702edd92eea23791c5f6"]);
        // A commit digest outside a signature header stays.
        assert!(masked(&format!("X-Request-Digest: sha256={hex}")).is_empty());
    }

    #[test]
    fn ids_and_phones_in_prose() {
        assert_eq!(masked("NIE X1234567L validado"), ["X1234567L"]);
        assert_eq!(
            masked("TFN 123 456 782 declaration lodged"),
            ["123 456 782"]
        );
        assert_eq!(masked("OTP sent to 074460 29334 for"), ["074460 29334"]);
        assert!(masked("deploy to 2024-06-14 done").is_empty());
        // A national number as one run after a word that names a phone; a quoted one after `to`.
        assert_eq!(
            masked("SMS code sent, mobile 07700900123, ok"),
            ["07700900123"]
        );
        assert!(masked("retry 2 of 3, sent to 0612345678 queue").is_empty());
        assert_eq!(
            masked("Rückruf erbeten, Kontakt 030 1234567"),
            ["030 1234567"]
        );
        assert_eq!(
            masked("new user phone=+1 617-555-0123 plan=pro"),
            ["+1 617-555-0123"]
        );
        assert_eq!(
            masked(r#"msg="sms sent" to="021 555 0147" sid=x"#),
            ["021 555 0147"]
        );
        // German identity card numbers by their ICAO check digit.
        assert_eq!(masked("Personalausweis T220001293 gültig"), ["T220001293"]);
        assert_eq!(masked("Ausweisnummer LZ6GHK3RT2 ok"), ["LZ6GHK3RT2"]);
        assert!(masked("Ausweisnummer LZ6GHK3RT3 ok").is_empty());
        // Ids written as one run of digits, after their name (a type cell, then its value).
        assert_eq!(masked("holder\tpesel\t44051401359\tPL"), ["44051401359"]);
        assert_eq!(masked("Steuer-ID: 86095742719"), ["86095742719"]);
        assert_eq!(masked("IdNr 65929970489 geprüft"), ["65929970489"]);
    }

    #[test]
    fn birth_dates_named_in_prose() {
        assert_eq!(masked("Geburtsdatum 14.03.1987, Ort Bonn"), ["14.03.1987"]);
        assert_eq!(
            masked("patient born on 1990-04-12 admitted"),
            ["1990-04-12"]
        );
        assert_eq!(masked("DOB: 4/7/85 verified"), ["4/7/85"]);
        assert_eq!(masked("date_naissance=02/11/1975 ok"), ["02/11/1975"]);
        assert!(masked("deployed 2024-06-14 by born-again-ci").is_empty());
    }

    #[test]
    fn japanese_postal_addresses() {
        assert_eq!(
            masked("配送先 東京都千代田区千代田1-1 受付"),
            ["東京都千代田区千代田1-1"]
        );
        assert_eq!(
            masked("住所: 神奈川県横浜市中区本町6丁目50番1号"),
            ["神奈川県横浜市中区本町6丁目50番1号"]
        );
        assert!(masked("東京都 region latency 12-15ms").is_empty());
    }

    #[test]
    fn unquoted_names_with_spaces_run_to_the_next_key() {
        assert_eq!(
            masked("kyc mismatch name=Ana de Souza dob=x check=1"),
            ["Ana de Souza"]
        );
        assert!(masked("job name=nightly-backup status=ok").is_empty());
        assert!(masked("name=Olivia took 3ms").is_empty());
    }

    #[test]
    fn person_names() {
        assert!(person_name("Olivia Rossi") && person_name("Thomas de Vries"));
        assert!(person_name("Emma O'Brien") && !person_name("Emma OBrien"));
        assert!(!person_name("orders-api") && !person_name("Olivia") && !person_name("GET /x"));
        assert!(person_name("Aoife MacCarthy") && person_name("Seán Ó Briain"));
        assert!(!person_name("McX Y"));
    }
}
