//! What Linux auditing records hide from a plain reading, by the encodings its tools document:
//!
//! - auditd writes an argument or a command line as upper-case hex when it holds a space, a
//!   quote, a control or a non-ASCII byte (`proctitle=` with NUL between arguments, EXECVE
//!   `aN=`, USER_CMD `cmd=`, TTY `data=`). [`commands`] decodes them into one command line,
//!   which the caller reads like any other line; the spans found map back to the hex digits.
//! - What was typed at a terminal (pam_tty_audit's TTY `data=`, `aureport --tty` lists of
//!   `"text",<ret>`, tlog's `in_txt`): a line typed after a command that asks for a password
//!   (`su`, `sudo`, `ssh-add`, `mysql -p`, `psql -W`, ...) is that password; in tlog, input
//!   that the terminal did not echo back in `out_txt` was typed at a password prompt.
//! - `useradd` / `usermod` / `chfn` `-c` GECOS: full name, room, work phone, home phone.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};

/// A command line decoded from a record, with where each piece came from.
pub(crate) struct Decoded {
    pub text: String,
    /// `(start in text, end in text, start in the line, hex)`: a hex piece's byte `i` is the
    /// line's digits `2i..2i+2`.
    pieces: Vec<(usize, usize, usize, bool)>,
}

impl Decoded {
    fn push(&mut self, s: &str, at: usize, hex: bool) {
        let start = self.text.len();
        self.text.push_str(s);
        self.pieces.push((start, self.text.len(), at, hex));
    }

    /// The line ranges a span of the decoded text covers (one per piece it overlaps).
    pub(crate) fn map(&self, sp: &Span, out: &mut Vec<Span>) {
        for &(s, e, at, hex) in &self.pieces {
            let (a, b) = (sp.start.max(s), sp.end.min(e));
            if a >= b {
                continue;
            }
            let w = if hex { 2 } else { 1 };
            out.push(Span::new(at + w * (a - s), at + w * (b - s), sp.kind));
        }
    }
}

static AUDIT: Needle = needle!("audit(");

/// Upper-case hex of even length, as auditd encodes (never lower case: that is a number).
fn audit_hex(v: &str) -> bool {
    v.len() >= 4
        && v.len() % 2 == 0
        && v.bytes()
            .all(|b| b.is_ascii_digit() || (b'A'..=b'F').contains(&b))
}

fn unhex(v: &str) -> Option<Vec<u8>> {
    let d = |b: u8| match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    };
    v.as_bytes()
        .chunks(2)
        .map(|p| Some(d(p[0])? << 4 | d(p[1])?))
        .collect()
}

/// The value of `name=` (a word start) in `line`, unquoted: `(start, value)`.
fn bare_value<'a>(line: &'a str, name: &str) -> Option<(usize, &'a str)> {
    let mut from = 0;
    while let Some(i) = line[from..].find(name) {
        let at = from + i;
        from = at + name.len();
        if at > 0 && !matches!(line.as_bytes()[at - 1], b' ' | b'\'') {
            continue;
        }
        let rest = &line[from..];
        let end = rest.find([' ', '\'']).unwrap_or(rest.len());
        return Some((from, &rest[..end]));
    }
    None
}

/// A decoded byte string as text, with its NULs (argument breaks) as spaces; one byte of
/// text per byte decoded, so offsets map back.
fn text_of(bytes: Vec<u8>) -> Option<String> {
    let bytes: Vec<u8> = bytes
        .into_iter()
        .map(|b| if b == 0 { b' ' } else { b })
        .collect();
    String::from_utf8(bytes).ok()
}

/// The command line an auditd record encodes in hex (`proctitle=`, `cmd=`, an EXECVE record's
/// arguments), when it has one.
pub(crate) fn commands(line: &str) -> Option<Decoded> {
    if !AUDIT.is_in(line) {
        return None;
    }
    let mut d = Decoded {
        text: String::new(),
        pieces: Vec::new(),
    };
    for name in ["proctitle=", "cmd="] {
        if let Some((at, v)) = bare_value(line, name) {
            if audit_hex(v) {
                d.push(&text_of(unhex(v)?)?, at, true);
                return Some(d);
            }
        }
    }
    static EXECVE: Needle = needle!("type=EXECVE");
    if !EXECVE.is_in(line) {
        return None;
    }
    // a0="useradd" a1="-c" a2=4A6F... : each argument quoted, or hex.
    let b = line.as_bytes();
    let mut any_hex = false;
    let mut i = 0;
    while i + 2 < b.len() {
        let arg = b[i] == b'a'
            && (i == 0 || b[i - 1] == b' ')
            && b[i + 1].is_ascii_digit()
            && line[i + 1..]
                .find('=')
                .is_some_and(|q| line[i + 1..i + 1 + q].bytes().all(|c| c.is_ascii_digit()));
        if !arg {
            i += 1;
            continue;
        }
        let eq = i + 1 + line[i + 1..].find('=').unwrap_or(0);
        let v = eq + 1;
        if !d.text.is_empty() {
            d.text.push(' ');
        }
        if b.get(v) == Some(&b'"') {
            let end = line[v + 1..].find('"').map_or(line.len(), |e| v + 1 + e);
            d.push(&line[v + 1..end], v + 1, false);
            i = end + 1;
        } else {
            let end = line[v..].find(' ').map_or(line.len(), |e| v + e);
            let raw = &line[v..end];
            if audit_hex(raw) {
                let t = text_of(unhex(raw)?)?;
                // An argument with a space is one argument: quote it for the reading.
                let quote = t.contains(' ') && !t.contains('"');
                if quote {
                    d.text.push('"');
                }
                d.push(&t, v, true);
                if quote {
                    d.text.push('"');
                }
                any_hex = true;
            } else {
                d.push(raw, v, false);
            }
            i = end;
        }
    }
    any_hex.then_some(d)
}

/// Whether a command typed at a terminal then asks for a password on it.
pub(crate) fn prompts(cmd: &str) -> bool {
    let mut words = cmd.split_whitespace();
    let Some(first) = words.next() else {
        return false;
    };
    let tool = first.rsplit('/').next().unwrap_or(first);
    let rest: Vec<&str> = words.collect();
    let has = |w: &[&str]| rest.iter().any(|r| w.contains(r));
    match tool {
        "su" | "sudo" | "passwd" | "ssh-add" | "kinit" | "ssh" | "sftp" | "scp" => true,
        "mysql" | "mariadb" | "mysqldump" | "mysqladmin" => has(&["-p", "--password"]),
        "psql" | "pg_dump" | "pg_dumpall" | "createdb" | "dropdb" => has(&["-W", "--password"]),
        "docker" | "podman" | "helm" | "buildah" => {
            rest.first() == Some(&"login") && !has(&["-p", "--password", "--password-stdin"])
        }
        "vault" => rest.len() == 1 && rest[0] == "login",
        "openssl" => {
            has(&["-aes256", "-aes128", "-des3", "-passin", "-passout"])
                && !rest.iter().any(|r| r.starts_with("pass:"))
        }
        _ => false,
    }
}

/// Lines typed at a terminal after a command that prompts for a password, in a TTY record's
/// hex `data=`, an `aureport --tty` list, or a tlog record that did not echo its input.
pub(crate) fn find(line: &str, refused: bool, out: &mut Vec<Span>) {
    static RET: Needle = needle!("\",<ret>");
    static IN_TXT: Needle = needle!("\"in_txt\":\"");
    if AUDIT.is_in(line) {
        if let Some((at, v)) = bare_value(line, "data=") {
            if audit_hex(v) {
                tty_keys(v, at, out);
            }
        }
    }
    if RET.is_in(line) {
        report(line, out);
    }
    if let Some(at) = IN_TXT.find(line) {
        no_echo(line, at + IN_TXT_LEN, out);
    }
    gecos(line, out);
    login_names(line, refused, out);
}

/// A login name that no account could have, where a login failed: a password typed into the
/// user field (sshd `Invalid user`, `lastb`, Pure-FTPd, and the common phrasings of a
/// refused login: `unknown user X`, `failed login for X`, `login failed: X`, `rejected
/// password for user X`, `failed to authenticate user:X`, Kerberos `CLIENT_NOT_FOUND: X@REALM`;
/// a name ends at a space, and a `@host` or `@REALM` after it is not part of it). Account names are letters, digits,
/// `.`, `_` and `-` (POSIX portable names; shadow-utils' default `NAME_REGEX` wants them in
/// lower case): a name with another character, or upper and lower case and digits mixed in
/// eight or more, is not one.
fn login_names(line: &str, refused: bool, out: &mut Vec<Span>) {
    static INVALID: Needle = needle!("nvalid user ");
    static NOTTY: Needle = needle!(" ssh:notty ");
    static FTP: Needle = needle!("failed for user [");
    let mut mark = |s: usize, e: usize| {
        if e > s && not_an_account(&line[s..e]) {
            out.push(Span::new(s, e, SecretKind::Secret));
        }
    };
    if let Some(i) = INVALID.find(line) {
        let s = i + "nvalid user ".len();
        // sshd: `Invalid user NAME from ADDR`; the name may hold spaces, `from` ends it.
        let e = line[s..].find(" from ").map_or_else(
            || s + line[s..].find(' ').unwrap_or(line.len() - s),
            |f| s + f,
        );
        mark(s, e);
    }
    if let Some(i) = NOTTY.find(line) {
        // lastb: the name is the first column.
        let name = line[..i].trim_end();
        if !name.contains(' ') {
            mark(0, name.len());
        }
    }
    // One of the phrases was seen in the line's one word pass ([`super::rules::Word::Refused`]).
    let refused = if refused { REFUSED.find(line) } else { None };
    if let Some(m) = refused {
        let s = m.end();
        let e = s + line[s..]
            .find(char::is_whitespace)
            .unwrap_or(line.len() - s);
        let name = line[s..e].trim_end_matches([',', ';']);
        let name = name.rfind('@').map_or(name, |a| &name[..a]);
        let q = |c: char| matches!(c, '\'' | '"');
        let (qs, qe) = (name.starts_with(q) as usize, name.ends_with(q) as usize);
        if name.len() > qs + qe {
            mark(s + qs, s + name.len() - qe);
        }
    }
    if let Some(i) = FTP.find(line) {
        let s = i + "failed for user [".len();
        if let Some(e) = line[s..].rfind(']') {
            mark(s, s + e);
        }
    }
}

/// The refused-login phrases a name follows, found by one case-insensitive scan.
const REFUSED_PHRASES: &[&str] = &[
    "unknown user ",
    "failed login for ",
    "login failed: ",
    "login failed for user ",
    "rejected password for user ",
    "failed to authenticate user:",
    "client_not_found: ",
];

static REFUSED: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(REFUSED_PHRASES)
        .expect("phrases")
});

fn not_an_account(name: &str) -> bool {
    let portable = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '$');
    if name.is_empty() || name.len() > 64 {
        return false;
    }
    if !name.chars().all(portable) {
        return true;
    }
    let upper = name.bytes().any(|b| b.is_ascii_uppercase());
    let lower = name.bytes().any(|b| b.is_ascii_lowercase());
    let digit = name.bytes().any(|b| b.is_ascii_digit());
    name.len() >= 8 && upper && lower && digit
}

const IN_TXT_LEN: usize = "\"in_txt\":\"".len();

fn tty_keys(v: &str, at: usize, out: &mut Vec<Span>) {
    let Some(bytes) = unhex(v) else {
        return;
    };
    let mut prev: Option<&[u8]> = None;
    let mut s = 0;
    for (i, &c) in bytes.iter().enumerate() {
        if c != b'\r' && c != b'\n' {
            continue;
        }
        let typed = &bytes[s..i];
        if !typed.is_empty() {
            let asks = prev.is_some_and(|p| std::str::from_utf8(p).is_ok_and(prompts));
            if asks {
                out.push(Span::new(at + 2 * s, at + 2 * i, SecretKind::Secret));
            }
            prev = Some(typed);
        }
        s = i + 1;
    }
}

/// `aureport --tty` data: `"text",<ret>,"text",<ret>`.
fn report(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let mut prev: Option<&str> = None;
    let mut i = 0;
    while let Some(q) = line[i..].find('"') {
        let s = i + q + 1;
        let Some(e) = line[s..].find('"').map(|e| s + e) else {
            return;
        };
        let typed = &line[s..e];
        // Only a string followed by `,<ret>` is a typed line.
        let entered = line[e + 1..].starts_with(",<ret>");
        if entered {
            if prev.is_some_and(prompts) && !typed.is_empty() {
                out.push(Span::new(s, e, SecretKind::Secret));
            }
            prev = Some(typed);
        }
        i = e + 1;
        if i >= b.len() {
            return;
        }
    }
}

/// tlog: `"in_txt":"...\r"` whose text the terminal did not write back in `out_txt`.
fn no_echo(line: &str, s: usize, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let mut e = s;
    while e < b.len() && b[e] != b'"' {
        e += if b[e] == b'\\' { 2 } else { 1 };
    }
    let e = e.min(b.len());
    let text = &line[s..e];
    let Some(typed) = text.strip_suffix("\\r") else {
        return;
    };
    if typed.is_empty() || typed.contains("\\r") || typed.contains("\\u001b") {
        return;
    }
    static OUT_TXT: Needle = needle!("\"out_txt\":\"");
    let Some(o) = OUT_TXT.find(line) else {
        return;
    };
    let os = o + "\"out_txt\":\"".len();
    let oe = line[os..].find("\",").map_or(line.len(), |x| os + x);
    if !line[os..oe].contains(typed) {
        out.push(Span::new(s, s + typed.len(), SecretKind::Secret));
    }
}

/// `useradd -c "Full Name,Room,Work phone,Home phone"`: the name and the phones.
fn gecos(line: &str, out: &mut Vec<Span>) {
    static ADD: Needle = needle!("useradd ");
    static MOD: Needle = needle!("usermod ");
    static CHFN: Needle = needle!("chfn ");
    let Some(tool) = ADD
        .find(line)
        .or_else(|| MOD.find(line))
        .or_else(|| CHFN.find(line))
    else {
        return;
    };
    let rest = &line[tool..];
    let Some(c) = rest.find(" -c ").or_else(|| rest.find(" --comment ")) else {
        return;
    };
    let after = tool + c + if rest[c..].starts_with(" -c ") { 4 } else { 11 };
    let v = line[after..].trim_start();
    let at = line.len() - v.len();
    let (at, value) = match v.as_bytes().first() {
        Some(&q @ (b'"' | b'\'')) => {
            let end = v[1..].find(q as char).map_or(v.len(), |e| 1 + e);
            (at + 1, &v[1..end])
        }
        _ => (at, &v[..v.find(' ').unwrap_or(v.len())]),
    };
    if !value.contains(',') && !value.contains(' ') {
        return; // A one-word comment is a role or a label, not a person.
    }
    let mut s = at;
    for (n, field) in value.split(',').enumerate() {
        let t = field.trim();
        let lead = field.len() - field.trim_start().len();
        let kind = match n {
            0 if t.chars().any(char::is_alphabetic) && t.contains(' ') => {
                Some(SecretKind::Personal)
            }
            2 | 3 if t.bytes().filter(u8::is_ascii_digit).count() >= 6 => Some(SecretKind::Phone),
            _ => None,
        };
        if let Some(k) = kind {
            out.push(Span::new(s + lead, s + lead + t.len(), k));
        }
        s += field.len() + 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// [`find`] with the word pass's answer, as the redactor gives it.
    fn read(line: &str, out: &mut Vec<Span>) {
        let refused =
            super::super::rules::Features::of(line).has(super::super::rules::Word::Refused);
        find(line, refused, out)
    }
    use crate::narrative::redact::masked_by;

    fn hex(s: &str) -> String {
        s.bytes().map(|b| format!("{b:02X}")).collect()
    }

    #[test]
    fn hex_records_decode_to_one_command_line() {
        let line = format!(
            "type=PROCTITLE msg=audit(1700000000.100:42): proctitle={}",
            hex("psql\0-h\0db1\0postgres://app:pw@db1/x")
        );
        let d = commands(&line).unwrap();
        assert_eq!(d.text, "psql -h db1 postgres://app:pw@db1/x");
        let at = d.text.find("pw@").unwrap();
        let mut out = Vec::new();
        d.map(&Span::new(at, at + 2, SecretKind::Secret), &mut out);
        assert_eq!(&line[out[0].start..out[0].end], hex("pw"));

        let line = format!(
            "type=EXECVE msg=audit(1700000000.200:43): argc=4 a0=\"wget\" a1=\"--header\" a2={} a3=\"https://x.example/\"",
            hex("Authorization: Basic dXNlcjpwdw==")
        );
        let d = commands(&line).unwrap();
        assert_eq!(
            d.text,
            "wget --header \"Authorization: Basic dXNlcjpwdw==\" https://x.example/"
        );
        // Registers of a SYSCALL record and plain arguments are not decoded.
        assert!(commands("type=SYSCALL msg=audit(1.2:3): a0=7ffd1234 a1=ABCD").is_none());
        assert!(commands("type=EXECVE msg=audit(1.2:3): argc=2 a0=\"ls\" a1=\"-la\"").is_none());
    }

    #[test]
    fn what_was_typed_after_a_password_prompt() {
        let line = format!(
            "type=TTY msg=audit(1700000000.300:44): tty pid=1 uid=0 comm=\"bash\" data={}",
            hex("su - admin\rS3cret!pw\rls\r")
        );
        assert_eq!(masked_by(read, &line), vec![hex("S3cret!pw")]);
        let line = r#"1. 01/02/2024 10:00:00 100 1000 pts0 5 bash "psql -U app -W",<ret>,"pa55word",<ret>,"\q",<ret>"#;
        assert_eq!(masked_by(read, line), vec!["pa55word"]);
        let line = r#"2. 01/02/2024 10:01:00 101 1000 pts0 5 bash "ls -la",<ret>,"cd /tmp",<ret>"#;
        assert!(masked_by(read, line).is_empty());
        // tlog: input the terminal did not echo was typed at a prompt.
        let line = r#"{"ver":"2.3","user":"ops","in_txt":"Tr0ub4dor\r","in_bin":[],"out_txt":"\r\n","out_bin":[]}"#;
        assert_eq!(masked_by(read, line), vec!["Tr0ub4dor"]);
        let line = r#"{"ver":"2.3","user":"ops","in_txt":"uptime\r","in_bin":[],"out_txt":"uptime\r\n 10:00 up 3 days","out_bin":[]}"#;
        assert!(masked_by(read, line).is_empty());
        assert!(
            prompts("mysql -u root -p") && prompts("sudo -i") && !prompts("mysql -e 'show tables'")
        );
    }

    #[test]
    fn login_names_no_account_could_have() {
        let line =
            "Jan  2 10:00:00 bastion sshd[42]: Invalid user Tr0ub4dor&3 from 192.0.2.7 port 5";
        assert_eq!(masked_by(read, line), vec!["Tr0ub4dor&3"]);
        let line =
            "sshd[42]: Failed password for invalid user xK9mQ2pLw7 from 192.0.2.7 port 5 ssh2";
        assert_eq!(masked_by(read, line), vec!["xK9mQ2pLw7"]);
        let line = "Spr1ng!x  ssh:notty    192.0.2.7 Tue Jan  2 10:00 - 10:00  (00:00)";
        assert_eq!(masked_by(read, line), vec!["Spr1ng!x"]);
        let line = "pure-ftpd: (?@192.0.2.7) [WARNING] Authentication failed for user [p@ss word]";
        assert_eq!(masked_by(read, line), vec!["p@ss word"]);
        for (line, pw) in [
            ("imapd: Unknown user Hunter2#x from 192.0.2.7", "Hunter2#x"),
            ("portal: Failed login for 'Blue$ky77'", "Blue$ky77"),
            (
                "web: Login failed: Pa55w0rdZ (Remote IP: 192.0.2.7)",
                "Pa55w0rdZ",
            ),
            (
                "kdc: CLIENT_NOT_FOUND: Qw3rty!9@EXAMPLE.ORG for krbtgt/X",
                "Qw3rty!9",
            ),
            (
                "hostd: Rejected password for user S3cret&x from 192.0.2.7",
                "S3cret&x",
            ),
            (
                "basic_auth.go: failed to authenticate user:Open%Sesame1",
                "Open%Sesame1",
            ),
        ] {
            assert_eq!(masked_by(read, line), vec![pw], "{line}");
        }
        for kept in [
            "sshd[42]: Invalid user oracle from 192.0.2.7 port 5",
            "sshd[42]: Invalid user Admin from 192.0.2.7 port 5",
            "ubuntu   ssh:notty    192.0.2.7 Tue Jan  2 10:00 - 10:00  (00:00)",
            "sshd[42]: Invalid user svc_backup2 from 192.0.2.7",
            "app: Login failed for user alice.",
            "kdc: CLIENT_NOT_FOUND: jdoe@EXAMPLE.ORG for krbtgt/EXAMPLE.ORG",
            "auth: unknown user 'deploy-bot' from 192.0.2.7",
        ] {
            assert!(masked_by(read, kept).is_empty(), "{kept}");
        }
    }

    #[test]
    fn gecos_name_and_phones() {
        let line = r#"COMMAND=/usr/sbin/useradd -m -c "Ada Lovelace,Room 4,+44 20 7946 0000," ada"#;
        assert_eq!(
            masked_by(read, line),
            vec!["Ada Lovelace", "+44 20 7946 0000"]
        );
        assert!(masked_by(read, "useradd -m -c backup svc_backup").is_empty());
    }
}
