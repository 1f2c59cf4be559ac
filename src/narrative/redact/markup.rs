//! Structures whose field names are not written `name=value`: XML elements
//! (`<Password>v</Password>`), config attributes (`<add key="ApiKey" value="v"/>`), SQL
//! `INSERT INTO t (cols) VALUES (...)` (each value under its column's name), and mail
//! addresses with a display name (`Ana Ruiz <ana@x.org>`, `ana@x.org (Ana Ruiz)`, RFC 5322).
//! A value is masked when its name says it is sensitive ([`keys::field`]) and
//! [`fields::masks`] agrees, exactly as for `name=value` pairs.

use super::fields;
use super::keys;
use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of sensitive values in `line`'s markup, SQL inserts and mailboxes.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let has = |c: char| line.contains(c);
    if has('<') && has('>') {
        xml_elements(line, out);
        xml_attributes(line, out);
        static SAML: Needle = needle!("AttributeValue");
        if SAML.is_in(line) {
            saml_attributes(line, out);
        }
        static POS: Needle = needle!("pos>");
        static CIVIC: Needle = needle!("civicAddress");
        if POS.is_in(line) || CIVIC.is_in(line) {
            location_objects(line, out);
        }
    }
    // A caller id: `<+` before its number, or a `+` and seven digits before ` (`.
    let caller_id = || {
        line.contains("<+")
            || line.contains(" (")
                && memchr::memchr_iter(b'+', line.as_bytes()).any(|i| {
                    let d = &line.as_bytes()[i + 1..];
                    d.len() >= 7 && d[..7].iter().all(u8::is_ascii_digit)
                })
    };
    if has('@') && (has('<') || has('(')) || has('"') && has('<') || caller_id() {
        mailbox_names(line, out);
    }
    // `CN=` in any case: each `=` (few on a line) looked at, not two substring searches.
    let b = line.as_bytes();
    let cn = |i: usize| {
        i >= 2 && b[i - 1].eq_ignore_ascii_case(&b'n') && b[i - 2].eq_ignore_ascii_case(&b'c')
    };
    if memchr::memchr_iter(b'=', b).any(cn) {
        dn_names(line, out);
    }
    // `values (` has a `(` too: one byte search before two substring searches on every line.
    if has('$') || has('(') || has('@') {
        row_values(line, out);
    }
    static UPPER: Needle = needle!("VALUES");
    static LOWER: Needle = needle!("values (");
    if has('(') && (UPPER.is_in(line) || LOWER.is_in(line)) {
        sql_insert(line, out);
    }
}

fn push_if(out: &mut Vec<Span>, name: &str, v: &str, start: usize) {
    let Some(f) = keys::field(name) else {
        return;
    };
    if fields::masks(f, v.trim(), "") {
        let lead = v.len() - v.trim_start().len();
        let s = start + lead;
        out.push(Span::new(s, s + v.trim().len(), f.kind()));
    }
}

/// `<ns:Name attr="x">text</ns:Name>`: the text under the element's local name.
fn xml_elements(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        // Text bounded in code, not by `{1,300}`: a bounded repeat of a Unicode class is
        // compiled into that many copies of it (slow to build, slow to search).
        Regex::new(r"<([A-Za-z_][\w.:\-]*)(?:\s[^<>]*)?>([^<>]+)</([A-Za-z_][\w.:\-]*)>")
            .expect("xml element regex")
    });
    for c in re.captures_iter(line) {
        let (open, text, close) = (&c[1], c.get(2).expect("text"), &c[3]);
        if open != close || text.as_str().chars().count() > 300 {
            continue;
        }
        let local = open.rsplit(':').next().unwrap_or(open);
        push_if(out, local, text.as_str(), text.start());
    }
}

/// SAML 2.0 assertions name each attribute in its `Attribute` element and put the value in
/// the `AttributeValue` inside (`<saml:Attribute Name="displayName"><saml:AttributeValue>Ana
/// Ruiz</saml:AttributeValue>`): the value is judged under that name.
fn saml_attributes(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"<(?:[\w\-]+:)?Attribute\s[^<>]*?(?-u:\b)Name="([^"]+)"[^<>]*>\s*<(?:[\w\-]+:)?AttributeValue(?:\s[^<>]*)?>([^<>]+)<"#)
            .expect("saml attribute regex")
    });
    for c in re.captures_iter(line) {
        let v = c.get(2).expect("value");
        // Lengths bounded here, not by repeat counts (see `xml_elements`).
        if c[1].chars().count() > 120 || v.as_str().chars().count() > 300 {
            continue;
        }
        // A URI name (`urn:oid:...`, `http://schemas.../claims/name`) by its last segment;
        // the `FriendlyName` beside an OID name (`FriendlyName="givenName"`) says it better.
        let m0 = c.get(0).expect("match");
        let friendly = line[m0.start()..v.start()]
            .split_once("FriendlyName=\"")
            .and_then(|(_, r)| r.split_once('"'))
            .map(|(n, _)| n);
        let name = friendly.unwrap_or_else(|| c[1].rsplit(['/', ':']).next().unwrap_or(&c[1]));
        // LDAP's `sn` attribute (X.520 surname), as SAML releases it.
        let name = if name == "sn" { "surname" } else { name };
        push_if(out, name, v.as_str(), v.start());
    }
}

/// A presence document's location (PIDF-LO, RFC 4119 and RFC 5491): the GML point's
/// coordinates (`<gml:pos>lat lon</gml:pos>`) and each element of the civic address (RFC
/// 5139: `<ca:A1>`...`<ca:A6>`, `<ca:RD>`, `<ca:HNO>`, `<ca:PC>`, ...) but its `country`.
fn location_objects(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r"<(?:[A-Za-z][\w\-]*:)?(?P<n>pos|A[1-6]|PRM|PRD|RD|STS|POD|POM|RDSEC|RDBR|RDSUBBR|HNO|HNS",
            r"|LMK|LOC|FLR|NAM|PC|BLD|UNIT|ROOM|SEAT|PLC|PCN|POBOX|ADDCODE)(?:\s[^<>]*)?>",
            r"(?P<v>[^<>]+)</"
        ))
        .expect("pidf-lo regex")
    });
    let civic = line.find("civicAddress");
    for c in re.captures_iter(line) {
        let (n, v) = (c.name("n").expect("name"), c.name("v").expect("value"));
        // Civic elements only inside a civic address, the point's `pos` anywhere.
        if n.as_str() != "pos" && civic.is_none_or(|at| n.start() < at) {
            continue;
        }
        let t = v.as_str().trim();
        if !t.is_empty() && t.chars().count() <= 200 {
            let s = v.start() + (v.as_str().len() - v.as_str().trim_start().len());
            out.push(Span::new(s, s + t.len(), SecretKind::Personal));
        }
    }
}

/// `key="ClearTextPassword" value="..."` (.NET config, NuGet), `name="password" value="..."`
/// (Java properties in XML): the value under the name the other attribute gives.
fn xml_attributes(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r#"(?-u:\b)(?:key|name)="([^"]+)"\s+value="([^"]*)""#)
            .expect("xml attribute regex")
    });
    for c in re.captures_iter(line) {
        if c[1].chars().count() > 80 {
            continue;
        }
        let v = c.get(2).expect("value");
        push_if(out, &c[1], v.as_str(), v.start());
    }
}

/// A display name next to an address: `Ana Ruiz <ana@x.org>` (git authors, mail headers) or
/// the older comment form `ana@x.org (Ana Ruiz)`.
fn mailbox_names(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(concat!(
            r#"(?:^|[\s:,"])(?P<a>\p{Lu}[\p{L}'\-]+(?: \p{L}[\p{L}'\-]+){1,3})"?\s+<[^<>\s@]+@[^<>\s]+>"#,
            // A quoted display name may touch its address (RFC 3261 name-addr, RFC 5322):
            // `"Ana Ruiz"<sip:ana@x.org>`, and a caller id's is a number (`"Ana Ruiz" <+4420...>`,
            // doubled quotes inside a CSV cell).
            r#"|"(?P<q>\p{Lu}[\p{L}'\-]+(?: \p{L}[\p{L}'\-]+){1,3})"+\s*<(?:[^<>\s@]+@[^<>\s]+|\+?[0-9][0-9\-]+)>"#,
            r"|[^\s@()]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}\s+\((?P<b>\p{Lu}[\p{L}'\-]+(?: \p{L}[\p{L}'\-]+){1,3})\)",
            // A caller id is a name and an E.164 number in the same two forms.
            r"|(?:^|[\s:,])(?P<pa>\p{Lu}[\p{L}'\-]+(?: \p{L}[\p{L}'\-]+){1,3})\s+<\+[0-9][0-9\-]{6,}>",
            r"|\+[0-9][0-9\-]{6,}[0-9]\s+\((?P<pb>\p{Lu}[\p{L}'\-]+(?: \p{L}[\p{L}'\-]+){1,3})\)"
        ))
        .expect("mailbox regex")
    });
    for c in re.captures_iter(line) {
        let Some(m) = ["a", "b", "q", "pa", "pb"].iter().find_map(|n| c.name(n)) else {
            continue;
        };
        // The longest run of last words that is a name: `Sent by Ana Ruiz` -> `Ana Ruiz`.
        let v = m.as_str();
        let starts = std::iter::once(0).chain(v.match_indices(' ').map(|(i, _)| i + 1));
        if let Some(s) = starts.into_iter().find(|&s| fields::person_name(&v[s..])) {
            out.push(Span::new(m.start() + s, m.end(), SecretKind::Personal));
        }
    }
}

/// An LDAP distinguished name's common name (RFC 4514: `CN=Ana Ruiz,OU=Staff,DC=corp`), to
/// the first unescaped `,` or `+`: a person's name when it reads as one (a service's CN,
/// `CN=svc-backup`, does not).
fn dn_names(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    for eq in memchr::memchr_iter(b'=', b) {
        let at = eq.saturating_sub(2);
        if eq < 2
            || !b[at..eq].eq_ignore_ascii_case(b"cn")
            || (at > 0 && b[at - 1].is_ascii_alphanumeric())
        {
            continue;
        }
        let s = at + 3;
        let mut e = s;
        while e < b.len() && !matches!(b[e], b',' | b'+' | b'"' | b';' | b'<' | b'>') {
            e += if b[e] == b'\\' { 2 } else { 1 };
        }
        let e = e.min(b.len());
        if line.is_char_boundary(e) && fields::person_name(line[s..e].trim_end()) {
            out.push(Span::new(
                s,
                s + line[s..e].trim_end().len(),
                SecretKind::Personal,
            ));
        }
    }
}

/// `INSERT INTO t (a, b) VALUES ('x', 'y'), (...)`: each value judged under its column.
fn sql_insert(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)insert\s+into\s+[\w.`\x22\[\]]+\s*\(([^()]+)\)\s*values\s*")
            .expect("sql insert regex")
    });
    let listed = re.captures(line).filter(|c| c[1].chars().count() <= 2000);
    let Some(c) = listed else {
        positional_insert(line, out);
        return;
    };
    let cols: Vec<String> = c[1]
        .split(',')
        .map(|n| n.trim().trim_matches(['`', '"', '[', ']']).to_string())
        .collect();
    tuples_under(line, c.get(0).expect("match").end(), &cols, out);
}

/// The tuples `(...), (...)` of an insert from byte `at` on, each value judged under its
/// column in `cols` (named in the statement, or in a definition before it: [`super::schema`]).
pub(crate) fn tuples_under(line: &str, mut at: usize, cols: &[String], out: &mut Vec<Span>) {
    while let Some(rest) = line.get(at..) {
        let Some(open) = rest.strip_prefix('(') else {
            break;
        };
        let (vals, used) = sql_tuple(open);
        for ((s, e), name) in vals.iter().zip(cols) {
            let raw = &open[*s..*e];
            let v = raw.replace("''", "'");
            push_if_unescaped(out, name, raw, &v, at + 1 + s);
        }
        at += 1 + used;
        let r = &line[at..];
        let skip = r.len() - r.trim_start_matches([',', ' ']).len();
        if skip == 0 {
            break;
        }
        at += skip;
    }
}

/// `INSERT INTO t VALUES (...)` without a column list: no name speaks for a value, so each
/// quoted one is judged by its shape alone ([`positional_kind`]).
fn positional_insert(line: &str, out: &mut Vec<Span>) {
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(r"(?i)insert\s+into\s+[\w.`\x22\[\]]+\s+values\s*\(")
            .expect("positional sql insert regex")
    });
    let Some(m) = re.find(line) else {
        return;
    };
    let (vals, _) = sql_tuple(&line[m.end()..]);
    for (s, e) in vals {
        let raw = &line[m.end() + s..m.end() + e];
        // Only a value with a doubled quote needs a copy to be read unescaped.
        let v = if raw.contains("''") {
            std::borrow::Cow::Owned(raw.replace("''", "'"))
        } else {
            std::borrow::Cow::Borrowed(raw)
        };
        if let Some(kind) = positional_kind(&v) {
            out.push(Span::new(m.end() + s, m.end() + e, kind));
        }
    }
}

/// Values a database server prints without their columns, each judged by its shape
/// ([`positional_kind`]): PostgreSQL's `DETAIL:  parameters: $1 = 'v', $2 = 'v'` (bind
/// parameters) and `Failing row contains (v, v, ...)` (a constraint's row), and the
/// `### @2='v'` column images of `mysqlbinlog -v`.
fn row_values(line: &str, out: &mut Vec<Span>) {
    static PARAMS: Needle = needle!("parameters: $1 = ");
    static ROW: Needle = needle!("Failing row contains (");
    static IMAGE: Needle = needle!("###   @");
    let mut cells: Vec<(usize, usize)> = Vec::new();
    let mut judge = |s: usize, e: usize| cells.push((s, e));
    if let Some(at) = PARAMS.find(line) {
        let mut i = at + "parameters: ".len();
        while let Some(q) = line[i..].find(" = '") {
            let s = i + q + 4;
            // A quote doubled inside the value is part of it.
            let mut e = s;
            let b = line.as_bytes();
            while e < b.len() && !(b[e] == b'\'' && b.get(e + 1) != Some(&b'\'')) {
                e += if b[e] == b'\'' { 2 } else { 1 };
            }
            judge(s, e.min(b.len()));
            i = (e + 1).min(b.len());
        }
    }
    if let Some(at) = ROW.find(line) {
        let s0 = at + "Failing row contains (".len();
        let end = line.rfind(')').filter(|&e| e >= s0).unwrap_or(line.len());
        let mut s = s0;
        for cell in line[s0..end].split(", ") {
            judge(s, s + cell.len());
            s += cell.len() + 2;
        }
    }
    if let Some(at) = IMAGE.find(line) {
        let rest = &line[at + 7..];
        if let Some(eq) = rest.find("='") {
            let s = at + 7 + eq + 2;
            if let Some(e) = line[s..].rfind('\'') {
                judge(s, s + e);
            }
        }
    }
    // A row that holds a person's name is about that person: its bare dates are their birth
    // date and its numbers that pass a national id's check are their ids.
    let personal = cells.iter().any(|&(s, e)| fields::person_name(&line[s..e]));
    for (s, e) in cells {
        let v = line[s..e].replace("''", "'");
        if let Some(kind) = positional_kind(&v) {
            out.push(Span::new(s, e, kind));
        } else if personal && (super::natids::weak(&v) || bare_date(&v)) {
            let kind = if bare_date(&v) {
                SecretKind::Personal
            } else {
                SecretKind::Id
            };
            out.push(Span::new(s, e, kind));
        }
    }
}

/// `YYYY-MM-DD` and nothing else (no time).
fn bare_date(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
}

/// What a quoted SQL value is by its shape: a person's name (two to four capitalised words),
/// a card (Luhn), an IBAN (mod 97), a national id with its published check, or an Aadhaar
/// number written as one run (12 digits, Verhoeff check), which a quoted cell holds whole.
fn positional_kind(v: &str) -> Option<SecretKind> {
    use super::ids;
    if fields::person_name(v) {
        return Some(SecretKind::Personal);
    }
    // The checks read the digits of what they are given: only an id's own characters here.
    let id_chars = v.len() <= 34
        && v.bytes().all(|c| {
            c.is_ascii_uppercase() || c.is_ascii_digit() || matches!(c, b' ' | b'.' | b'-' | b'/')
        });
    if !id_chars {
        return None;
    }
    let digits = v.bytes().all(|c| c.is_ascii_digit());
    if ids::card(v) {
        return Some(SecretKind::Card);
    }
    if ids::iban(v) {
        return Some(SecretKind::Iban);
    }
    (ids::national_id(v) || (digits && ids::aadhaar(v))).then_some(SecretKind::Id)
}

/// [`push_if`], judging the unescaped value but masking the raw text.
fn push_if_unescaped(out: &mut Vec<Span>, name: &str, raw: &str, v: &str, start: usize) {
    let Some(f) = keys::field(name) else {
        return;
    };
    if fields::masks(f, v, "") {
        out.push(Span::new(start, start + raw.len(), f.kind()));
    }
}

/// The quoted string values of one tuple (after its `(`), as ranges inside their quotes
/// (`None`-like empty ranges for bare values, which hold numbers or NULL), and the bytes used
/// up to and including the `)`.
fn sql_tuple(t: &str) -> (Vec<(usize, usize)>, usize) {
    let b = t.as_bytes();
    let mut vals = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            return (vals, i);
        }
        if b[i] == b'\'' {
            let s = i + 1;
            let mut j = s;
            while j < b.len() {
                if b[j] == b'\'' {
                    if b.get(j + 1) == Some(&b'\'') {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let e = j.min(b.len());
            vals.push((s, e));
            i = e + 1;
        } else {
            let s = i;
            while i < b.len() && !matches!(b[i], b',' | b')') {
                i += 1;
            }
            vals.push((s, s));
        }
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b')') => return (vals, i + 1),
            _ => return (vals, i.min(b.len())),
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
    fn xml_elements_by_their_local_name() {
        assert_eq!(
            masked(r#"<wsse:Password Type="urn:x#PasswordText">Pa&amp;ss9</wsse:Password>"#),
            ["Pa&amp;ss9"]
        );
        assert_eq!(
            masked(
                "<Customer><Name>Ana Ruiz</Name><Phone>030 1234567</Phone><Id>7</Id></Customer>"
            ),
            ["Ana Ruiz", "030 1234567"]
        );
        assert!(masked("<Status>PENDING</Status><Name>orders-api</Name>").is_empty());
    }

    #[test]
    fn caller_ids_name_their_numbers() {
        assert_eq!(
            masked(
                "Dial from Ana Ruiz <+442079460123> ok; call from +33639981234 (Léa Martin) ended"
            ),
            ["Ana Ruiz", "Léa Martin"]
        );
        assert!(masked("Queue Status <+1 waiting> (Agent Pool)").is_empty());
    }

    #[test]
    fn a_presence_documents_location() {
        let pidf = concat!(
            r#"<gp:location-info><gml:Point srsName="urn:ogc:def:crs:EPSG::4326">"#,
            r#"<gml:pos>48.8566 2.3522</gml:pos></gml:Point><ca:civicAddress xml:lang="fr">"#,
            r#"<ca:country>FR</ca:country><ca:A3>Paris</ca:A3><ca:RD>Rue Exemple</ca:RD>"#,
            r#"<ca:HNO>12</ca:HNO><ca:PC>75001</ca:PC></ca:civicAddress></gp:location-info>"#
        );
        assert_eq!(
            masked(pidf),
            ["48.8566 2.3522", "Paris", "Rue Exemple", "12", "75001"]
        );
        // Elements of the same names elsewhere are not an address.
        assert!(masked("<cfg><PC>desk-7</PC><RD>on</RD></cfg>").is_empty());
    }

    #[test]
    fn config_attributes_name_their_value() {
        assert_eq!(
            masked(r#"<add key="ClearTextPassword" value="q9Zx-81k" />"#),
            ["q9Zx-81k"]
        );
        assert!(masked(r#"<add key="Timeout" value="30" />"#).is_empty());
    }

    #[test]
    fn saml_attribute_values_under_their_names() {
        assert_eq!(
            masked(
                r#"<saml:Attribute Name="displayName" NameFormat="urn:oasis:names:tc:SAML:2.0:attrname-format:basic"><saml:AttributeValue xsi:type="xs:string">Ana Ruiz</saml:AttributeValue></saml:Attribute><saml:Attribute Name="role"><saml:AttributeValue>admin</saml:AttributeValue></saml:Attribute>"#
            ),
            vec!["Ana Ruiz"]
        );
    }

    #[test]
    fn friendly_names_and_caller_ids() {
        assert_eq!(
            masked(
                r#"<saml:Attribute FriendlyName="sn" Name="urn:oid:2.5.4.4"><saml:AttributeValue>Novak</saml:AttributeValue></saml:Attribute>"#
            ),
            vec!["Novak"]
        );
        assert_eq!(
            masked(r#"From: "Ana Ruiz"<sip:ana@pbx.example;transport=TLS>;tag=1"#),
            vec!["Ana Ruiz"]
        );
        assert_eq!(
            masked(
                r#""","+442079460000","100","from-trunk","""Ana Ruiz"" <+442079460000>","PJSIP/x""#
            ),
            vec!["Ana Ruiz"]
        );
        assert!(masked(r#"To: "Reception"<sip:100@pbx.example>"#).is_empty());
    }

    #[test]
    fn a_row_about_a_person_masks_their_birth_date_and_checked_ids() {
        assert_eq!(
            masked("DETAIL:  Failing row contains (7, Ana Ruiz, 1980-02-29, 5260001246, 2024-05-14 06:13:33+00)."),
            ["Ana Ruiz", "1980-02-29", "5260001246"]
        );
        // Without a name, a date and a number are only that.
        assert!(masked("DETAIL:  Failing row contains (7, 1980-02-29, 5260001246).").is_empty());
    }

    #[test]
    fn server_printed_rows_by_their_values_shapes() {
        assert_eq!(
            masked(
                "app@crm DETAIL:  parameters: $1 = 'Ana Ruiz', $2 = 'ok', $3 = '4111111111111111'"
            ),
            vec!["Ana Ruiz", "4111111111111111"]
        );
        assert_eq!(
            masked("DETAIL:  Failing row contains (42, Ana Ruiz, null, DE89370400440532013000)."),
            vec!["Ana Ruiz", "DE89370400440532013000"]
        );
        assert_eq!(masked("###   @3='Ana Ruiz'"), vec!["Ana Ruiz"]);
        assert!(masked("###   @1=42").is_empty());
    }

    #[test]
    fn common_names_in_distinguished_names() {
        assert_eq!(
            masked("dn: CN=Ana María Ruiz,OU=People,DC=corp,DC=example"),
            vec!["Ana María Ruiz"]
        );
        assert!(masked("issuer=CN=build-agent-07,O=Example Ltd").is_empty());
    }

    #[test]
    fn display_names_of_mail_addresses() {
        assert_eq!(
            masked("Author: Ana Ruiz <ana.ruiz@example.org>"),
            ["Ana Ruiz"]
        );
        assert_eq!(
            masked("user bo@example.org (Bo Lindqvist) changed phone"),
            ["Bo Lindqvist"]
        );
        assert_eq!(masked("sent by Ana Ruiz <ana@example.org>"), ["Ana Ruiz"]);
        assert!(masked("From: billing-bot <noreply@example.org>").is_empty());
    }

    #[test]
    fn positional_sql_insert_values_by_their_shape() {
        // No column list: names, checked ids and cards are known by their shape; a status,
        // a date and a number stay.
        assert_eq!(
            masked("INSERT INTO clients VALUES (12, 'Marta Lindqvist', '234567890124', 'active', '2024-01-02')"),
            ["Marta Lindqvist", "234567890124"]
        );
        assert_eq!(
            masked("insert into payments values (3, '4111111111111111', 'pending')"),
            ["4111111111111111"]
        );
        assert!(
            masked("INSERT INTO jobs VALUES (1, 'nightly', 'Done', '234567890125')").is_empty()
        );
    }

    #[test]
    fn sql_insert_values_under_their_columns() {
        assert_eq!(
            masked("INSERT INTO users (id, name, phone, role) VALUES (7, 'Emma O''Brien', '030 1234567', 'admin')"),
            ["Emma O''Brien", "030 1234567"]
        );
        assert_eq!(
            masked("insert into t (password, note) values ('x9!Q', 'hi'), ('k2#z', 'yo')"),
            ["x9!Q", "k2#z"]
        );
        assert!(masked("INSERT INTO jobs (name, state) VALUES ('nightly', 'done')").is_empty());
    }
}
