//! What spans lines: PEM/OpenSSH/PGP/PuTTY key blocks and tables with a header row. A log is
//! read line by line with a [`Context`] carried from one line to the next.
//!
//! Private key material is masked from its BEGIN line to its END line, or, when END is
//! missing, until the first line that is not key body (never past the line's own tokens: a
//! log line after a truncated key keeps its text). Certificates and public keys are public:
//! their bodies are kept. A CSV/TSV/semicolon/pipe header, or a psql/mysql table header,
//! names its columns; the rows under it have their sensitive columns masked.

use super::keys::{self, Field};
use super::needle::{needle, Needle};
use super::{SecretKind, Span};

/// State carried across the lines of one text. Equal to its default between lines that share
/// nothing, which lets a long text be read in pieces at once (see `Redactor::scan`).
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Context {
    key: Option<KeyBlock>,
    table: Option<Table>,
    /// A Kubernetes/Compose env entry's `name:` seen on the line before its `value:`.
    env: Option<Field>,
    /// The line before was a command that prints one sensitive field on its own
    /// (`vault kv get -field=password ...`): this line, if it is one bare value, is that field.
    printed: Option<Field>,
    /// The line before gave the name of a secret whose value is this line ([`super::follow`]).
    announced: Option<Field>,
    /// The current YAML document declared `kind: Secret`.
    secret_doc: bool,
    /// Indent of an open `data:` / `stringData:` map.
    data_indent: Option<usize>,
    /// The line before was a SASL challenge (SMTP `334`, IMAP `+`): a lone base64 line now
    /// is the client's answer.
    challenged: bool,
    /// Inside a multipart form part named for a sensitive field ([`super::multipart`]).
    part: Option<super::multipart::Part>,
    /// Tables whose columns a definition gave ([`super::schema`]).
    tables: super::schema::Tables,
    /// The name-and-address lines of a SWIFT party field ([`super::swift`]).
    swift: super::swift::Party,
    /// Inside a HashiCorp CLI `Key   Value` table (`vault kv get`, `vault read`).
    kv_rows: bool,
    /// The lines of a credentials file a command prints (`cat /etc/rsyncd.secrets`).
    cred_file: Option<CredFile>,
}

/// Credentials files by their documented line formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CredFile {
    /// rsyncd `secrets file`: `user:password`.
    UserColon,
    /// libpq `.pgpass`: `host:port:database:user:password`.
    Pgpass,
    /// PgBouncer `auth_file` (`userlist.txt`): `"user" "password"`.
    QuotedPair,
    /// JMX `jmxremote.password`: `role password`.
    SpacedPair,
}

impl CredFile {
    /// The format of a file printed by a command line ending in its path.
    fn printed(line: &str) -> Option<CredFile> {
        static CAT: Needle = needle!("cat ");
        if !CAT.is_in(line) {
            return None;
        }
        let path = line.split_whitespace().last()?;
        let base = path.rsplit('/').next()?;
        match base {
            "rsyncd.secrets" | "rsync.secrets" => Some(CredFile::UserColon),
            ".pgpass" | "pgpass.conf" => Some(CredFile::Pgpass),
            "userlist.txt" => Some(CredFile::QuotedPair),
            "jmxremote.password" => Some(CredFile::SpacedPair),
            _ => None,
        }
    }

    /// The password's range in one line of the file, or `None` when the line is not one.
    fn secret(self, line: &str) -> Option<(usize, usize)> {
        let t = line.trim_end();
        if t.is_empty() || t.starts_with('#') {
            return None;
        }
        match self {
            CredFile::UserColon => {
                let c = t.find(':')?;
                (c > 0 && !t[..c].contains(' ') && c + 1 < t.len()).then(|| (c + 1, t.len()))
            }
            CredFile::Pgpass => {
                let mut at = 0;
                for _ in 0..4 {
                    at += t[at..].find(':')? + 1;
                }
                (at < t.len()).then_some((at, t.len()))
            }
            CredFile::QuotedPair => {
                let rest = t.strip_prefix('"')?;
                let q = rest.find('"')?;
                let v = rest[q + 1..]
                    .trim_start()
                    .strip_prefix('"')?
                    .strip_suffix('"')?;
                let s = t.len() - 1 - v.len();
                (!v.is_empty()).then_some((s, s + v.len()))
            }
            CredFile::SpacedPair => {
                let (role, v) = t.split_once(char::is_whitespace)?;
                let v = v.trim_start();
                (!role.is_empty() && !v.is_empty() && !v.contains(' '))
                    .then(|| (t.len() - v.len(), t.len()))
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyBlock {
    /// Inside private key material: body lines are masked.
    Private,
    /// Inside a certificate or public key: body lines are kept.
    Public,
    /// PuTTY `Private-Lines: n` / `Public-Lines: n`: the next n lines.
    Counted { private: bool, left: u32 },
}

#[derive(Debug, Clone, PartialEq)]
struct Table {
    sep: char,
    columns: Vec<Option<Field>>,
}

impl Context {
    /// Whether the current line is inside a public block (its body must not be masked as a
    /// random token); valid after [`Context::line`] for that line.
    pub(crate) fn public_body(&self) -> bool {
        matches!(
            self.key,
            Some(KeyBlock::Public) | Some(KeyBlock::Counted { private: false, .. })
        )
    }

    /// Spans this line contributes from block state, updating the state for the next line.
    /// `field_word`: the line has a word field names are made of ([`keys::field_words`],
    /// which the caller learned in its one pass over the line).
    pub(crate) fn line(&mut self, line: &str, field_word: bool, out: &mut Vec<Span>) -> LineRole {
        self.sasl_line(line, out);
        self.swift.line(line, out);
        if let Some(role) = self.key_line(line, out) {
            return role;
        }
        self.printed_line(line, out);
        self.part = super::multipart::line(self.part, line, out);
        self.tables.line(line, out);
        self.secret_data_line(line, out);
        self.env_line(line, out);
        self.table_line(line, field_word, out);
        self.kv_line(line, out);
        self.cred_file_line(line, out);
        LineRole::Normal
    }

    /// The lines after `cat` of a credentials file, in that file's format, until one is not.
    fn cred_file_line(&mut self, line: &str, out: &mut Vec<Span>) {
        if let Some(f) = self.cred_file {
            let t = line.trim_start();
            if t.starts_with('#') {
                return; // A comment inside the file.
            }
            match f.secret(line) {
                Some((s, e)) => {
                    let v = &line[s..e];
                    if !keys::benign(v, false) && !keys::is_placeholder(v) {
                        out.push(Span::new(s, e, SecretKind::Secret));
                    }
                    return;
                }
                None => self.cred_file = None,
            }
        }
        self.cred_file = CredFile::printed(line);
    }

    /// The `Key   Value` tables the Vault CLI prints (`vault kv get`, `vault read`, `vault
    /// write`): a header, a `---   -----` rule, then one `name   value` row per field, the
    /// columns set apart by two spaces or more. A row's value is masked by its name, as a
    /// `name=value` pair would be; a blank or other line ends the table.
    fn kv_line(&mut self, line: &str, out: &mut Vec<Span>) {
        let t = line.trim_end();
        let header = |a: &str, b: &str| {
            t.strip_prefix(a)
                .and_then(|r| r.strip_suffix(b))
                .is_some_and(|gap| gap.len() >= 2 && gap.bytes().all(|c| c == b' '))
        };
        if header("Key", "Value") || header("---", "-----") {
            self.kv_rows = true;
            return;
        }
        if !self.kv_rows {
            return;
        }
        // `====== Data ======`: a section title inside the same output.
        if t.starts_with("====") && t.ends_with("====") {
            return;
        }
        let Some(gap) = t.find("  ").filter(|&g| g > 0 && !t.starts_with(' ')) else {
            self.kv_rows = false;
            return;
        };
        let name = &t[..gap];
        let v = t[gap..].trim_start();
        if name.contains(' ') || v.is_empty() {
            self.kv_rows = false;
            return;
        }
        if let Some(f) = keys::field(name) {
            if super::fields::masks(f, v, "") && !keys::is_placeholder(v) {
                let s = t.len() - v.len();
                out.push(Span::new(s, t.len(), f.kind()));
            }
        }
    }

    /// SASL in a mail protocol trace (RFC 4954 SMTP AUTH, RFC 3501 IMAP AUTHENTICATE): the
    /// server challenges with `334 <base64>` (IMAP: `+ <base64>` or `+`), and the client's
    /// next line, one base64 token, is its answer: a user name, a password or a whole
    /// credential (AUTH LOGIN sends each on its own line).
    fn sasl_line(&mut self, line: &str, out: &mut Vec<Span>) {
        let t = line.trim();
        // A trace marks who speaks (`C: `, `S: `, `<<< `, `>>> `, `-> `, `<- `).
        let body = t
            .split_once(' ')
            .filter(|(who, _)| {
                matches!(
                    who.trim_end_matches(':'),
                    "C" | "S" | "<<<" | ">>>" | "->" | "<-" | ">" | "<"
                )
            })
            .map_or(t, |(_, rest)| rest.trim_start());
        if std::mem::take(&mut self.challenged) && sasl_answer(body) {
            let s = line.len() - line.trim_start().len() + (t.len() - body.len());
            out.push(Span::new(s, s + body.len(), SecretKind::Secret));
            return;
        }
        self.challenged = body == "+"
            || body
                .strip_prefix("334 ")
                .or_else(|| body.strip_prefix("+ "))
                .is_some_and(|c| b64_chars(c.trim()));
    }

    /// A command that prints one field (`-field=password`, `--field password`, a jsonpath
    /// `{.data.password}`) puts the bare value on the next line: mask that line's one token.
    fn printed_line(&mut self, line: &str, out: &mut Vec<Span>) {
        if let Some(f) = self.announced.take() {
            if let Some((s, e)) = super::follow::value(line) {
                out.push(Span::new(s, e, f.kind()));
                return;
            }
        }
        if let Some(f) = self.printed.take() {
            let v = line.trim();
            let one_token = !v.is_empty() && !v.contains(char::is_whitespace);
            if one_token && !keys::benign(v, false) && !keys::is_placeholder(v) {
                let s = line.len() - line.trim_start().len();
                out.push(Span::new(s, s + v.len(), f.kind()));
                return;
            }
        }
        self.printed = printed_field(line);
        // A name on this line whose value is the next line ([`super::follow`]).
        self.announced = super::follow::announces(line);
    }

    /// A Kubernetes Secret's `data:` / `stringData:` entries are its content whatever their
    /// names (`username: c3Zj...`): masked in a document of `kind: Secret`, and elsewhere
    /// when the value is padded base64 (`kubectl get -o yaml` prints `data` before `kind`).
    fn secret_data_line(&mut self, line: &str, out: &mut Vec<Span>) {
        let t = line.trim_start();
        let indent = line.len() - t.len();
        let t = t.trim_end();
        // A new document or object (`---`, `apiVersion:`), or a line that is not YAML (a
        // shell prompt between two `kubectl get` outputs), ends what the last one declared.
        if t == "---" || (indent == 0 && (t.starts_with("apiVersion:") || !t.contains(':'))) {
            self.secret_doc = false;
            self.data_indent = None;
            return;
        }
        if indent == 0 && t == "kind: Secret" {
            self.secret_doc = true;
        }
        if let Some(d) = self.data_indent {
            if t.is_empty() {
                return;
            }
            if indent > d {
                if let Some((k, v)) = t.split_once(':') {
                    let v = v.trim();
                    let bare = v.trim_matches(['"', '\'']);
                    let plain_key = !k.is_empty() && !k.contains(char::is_whitespace);
                    if plain_key
                        && !bare.is_empty()
                        && !matches!(bare, "|" | ">" | "|-" | ">-")
                        && !keys::benign(bare, false)
                        && !keys::is_placeholder(bare)
                        && (self.secret_doc || padded_base64(bare))
                        && !public_pem_base64(bare)
                    {
                        let s = line.rfind(bare).unwrap_or(line.len() - bare.len());
                        // A connection URL's secret is its password: the host, port and
                        // database it names stay, as in any other URL.
                        let (a, b) = url_password(bare).unwrap_or((0, bare.len()));
                        out.push(Span::new(s + a, s + b, SecretKind::Secret));
                    }
                }
                return;
            }
            self.data_indent = None;
        }
        if matches!(t, "data:" | "stringData:") {
            self.data_indent = Some(indent);
        }
    }

    /// `- name: DB_PASSWORD` then `value: "..."`: the value is masked by the name above it.
    fn env_line(&mut self, line: &str, out: &mut Vec<Span>) {
        let t = line.trim_start();
        let t = t.strip_prefix("- ").unwrap_or(t);
        if let Some(rest) = t.strip_prefix("value:") {
            if let Some(f) = self.env.take() {
                let v = rest.trim().trim_matches(['"', '\'']);
                if !v.is_empty() && !keys::benign(v, f == Field::Birth) && !v.starts_with('{') {
                    let s = line.rfind(v).unwrap_or(line.len() - v.len());
                    out.push(Span::new(s, s + v.len(), f.kind()));
                }
            }
            return;
        }
        self.env = t
            .strip_prefix("name:")
            .map(|n| n.trim().trim_matches(['"', '\'']))
            .and_then(keys::field)
            .filter(|f| !matches!(f, Field::MaybePersonName | Field::PersonName));
    }

    fn key_line(&mut self, line: &str, out: &mut Vec<Span>) -> Option<LineRole> {
        static BEGIN: Needle = needle!("-----BEGIN ");
        if let Some(at) = BEGIN.find(line) {
            let label_end = line[at + 11..].find("-----").map(|i| at + 11 + i);
            let label = label_end.map_or("", |e| &line[at + 11..e]);
            // OpenVPN's `Static key V1` (tls-auth, tls-crypt, secret) is a shared secret.
            let private = label.contains("PRIVATE")
                || label.contains("ENCRYPTED")
                || label.contains("Static key");
            let one_line = line[at..].contains("-----END ");
            if !one_line {
                self.key = Some(if private {
                    KeyBlock::Private
                } else {
                    KeyBlock::Public
                });
            }
            return Some(LineRole::Armour);
        }
        // `borg key export`: `BORG_KEY <repository id>`, then the key's base64 lines.
        if line.starts_with("BORG_KEY ") {
            self.key = Some(KeyBlock::Private);
            return Some(LineRole::Armour);
        }
        if let Some(rest) = line.trim_start().strip_prefix("Private-Lines:") {
            let left = rest.trim().parse().unwrap_or(0);
            self.key = Some(KeyBlock::Counted {
                private: true,
                left,
            });
            return Some(LineRole::Armour);
        }
        if let Some(rest) = line.trim_start().strip_prefix("Public-Lines:") {
            let left = rest.trim().parse().unwrap_or(0);
            self.key = Some(KeyBlock::Counted {
                private: false,
                left,
            });
            return Some(LineRole::Armour);
        }
        match self.key? {
            KeyBlock::Counted { private, left } => {
                // `then`, not `then_some`: `left - 1` must not be computed when `left` is 0.
                self.key = (left > 1).then(|| KeyBlock::Counted {
                    private,
                    left: left - 1,
                });
                if private {
                    body_tokens(line, out);
                }
                Some(if private {
                    LineRole::Private
                } else {
                    LineRole::Public
                })
            }
            block => {
                if line.contains("-----END ") {
                    if block == KeyBlock::Private {
                        let end = line.find("-----END ").unwrap_or(0);
                        body_tokens(&line[..end], out);
                    }
                    self.key = None;
                    return Some(LineRole::Armour);
                }
                // Armour headers (Proc-Type, DEK-Info, Comment) and blank lines stay inside.
                let t = line.trim();
                if t.is_empty() || is_armour_header(t) {
                    return Some(LineRole::Armour);
                }
                let short_last = block == KeyBlock::Private && last_body_line(t);
                if !(has_body_token(line) || short_last) {
                    // The END line is missing: this line is the log again.
                    self.key = None;
                    return None;
                }
                if block == KeyBlock::Private {
                    body_tokens(line, out);
                    Some(LineRole::Private)
                } else {
                    Some(LineRole::Public)
                }
            }
        }
    }

    fn table_line(&mut self, line: &str, field_word: bool, out: &mut Vec<Span>) {
        let t = line.trim();
        if t.is_empty() {
            self.table = None;
            return;
        }
        // psql/mysql rules between header and rows.
        if t.bytes()
            .all(|b| matches!(b, b'-' | b'+' | b'|' | b'=' | b' '))
        {
            return;
        }
        if let Some(table) = &self.table {
            let cells = split_cells(line, table.sep);
            // A row of column names is the header of the next table, not a row of this one.
            if let Some(next) = header(line, field_word) {
                self.table = Some(next);
                return;
            }
            if cells.len() == table.columns.len() {
                for ((mut s, mut e), f) in cells.into_iter().zip(&table.columns) {
                    let Some(f) = f else { continue };
                    let v = &line[s..e];
                    if cell_masks(*f, v) {
                        // A quoted cell keeps its quotes: only its text is the value.
                        if v.len() >= 2 && v.starts_with('"') && v.ends_with('"') {
                            (s, e) = (s + 1, e - 1);
                        }
                        out.push(Span::new(s, e, f.kind()));
                    }
                }
                return;
            }
            self.table = None;
        }
        self.table = header(line, field_word);
    }
}

/// The sensitive field a shell command line asks to print alone, if any.
fn printed_field(line: &str) -> Option<Field> {
    let t = line.trim_start();
    // A prompt (`$ `, `# `, `> `) or a `set -x` trace (`+ `) before a command.
    let cmd = ["$ ", "# ", "> ", "+ "]
        .iter()
        .find_map(|p| t.strip_prefix(p))?;
    let mut words = cmd.split_whitespace().peekable();
    while let Some(w) = words.next() {
        let name = if let Some(v) = w
            .strip_prefix("--field=")
            .or_else(|| w.strip_prefix("-field="))
        {
            Some(v)
        } else if matches!(w, "-field" | "--field") {
            words.peek().copied()
        } else if let Some(at) = w.find("jsonpath=") {
            // `{.data.password}` / `'{.data.DB_PASSWORD}'`: the last path element.
            w[at + 9..]
                .trim_matches(['\'', '"', '{', '}'])
                .rsplit('.')
                .next()
        } else {
            None
        };
        let f = name.and_then(|n| keys::field(n.trim_matches(['\'', '"'])));
        if matches!(f, Some(Field::Password | Field::Credential)) {
            return f;
        }
    }
    None
}

/// What a line was to the block reader.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum LineRole {
    Normal,
    /// BEGIN/END lines and armour headers.
    Armour,
    Private,
    Public,
}

fn is_armour_header(t: &str) -> bool {
    [
        "Proc-Type:",
        "DEK-Info:",
        "Comment:",
        "Version:",
        "Hash:",
        "Encryption:",
        "PuTTY-User-Key-File",
        "Key-Derivation:",
        "Argon2-",
        "Private-MAC:",
    ]
    .iter()
    .any(|h| t.starts_with(h))
}

/// The password's range in a URL with `user:password@` userinfo (`postgres://app:pw@db/x`).
fn url_password(v: &str) -> Option<(usize, usize)> {
    let (scheme, rest) = v.split_once("://")?;
    let userinfo = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    let at = userinfo.rfind('@')?;
    let colon = userinfo[..at].find(':')?;
    let base = scheme.len() + 3;
    (colon + 1 < at).then_some((base + colon + 1, base + at))
}

/// A SASL answer: one base64 token in whole 4-character groups (`*` cancels; not one).
fn sasl_answer(v: &str) -> bool {
    v.len() >= 4 && v.len() % 4 == 0 && b64_chars(v)
}

fn b64_chars(v: &str) -> bool {
    !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

fn is_b64(tok: &str) -> bool {
    tok.len() >= 16
        && tok
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
}

/// The short last line of a base64 body (`AAECAwQF`): one token whose length is a multiple
/// of four, in the base64 alphabet, not a lowercase word (a log line after a missing END).
fn last_body_line(t: &str) -> bool {
    t.len() >= 4
        && t.len() % 4 == 0
        && t.bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'='))
        && t.bytes()
            .any(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'+' || b == b'/')
}

fn has_body_token(line: &str) -> bool {
    line.split_whitespace()
        .any(|t| is_b64(t) || (t.starts_with('=') && t.len() == 5))
}

/// Masks the base64 tokens of a key body line, and nothing else on it.
fn body_tokens(line: &str, out: &mut Vec<Span>) {
    let mut at = 0;
    for tok in line.split_inclusive(char::is_whitespace) {
        let word = tok.trim_end();
        if is_b64(word)
            || (word.len() >= 4
                && at == line.len() - line.trim_start().len()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=')))
        {
            out.push(Span::new(at, at + word.len(), SecretKind::Secret));
        }
        at += tok.len();
    }
}

/// Cells of a row as trimmed byte ranges; `|`-tables drop their outer empty cells. In CSV
/// (comma, semicolon, tab) a separator inside double quotes belongs to the cell (RFC 4180:
/// `"Main St 1, Springfield"` is one field; `""` is a quote inside one).
fn split_cells(line: &str, sep: char) -> Vec<(usize, usize)> {
    let mut cells = Vec::new();
    let mut at = 0;
    for piece in pieces(line, sep) {
        let lead = piece.len() - piece.trim_start().len();
        let s = at + lead;
        let e = s + piece.trim().len();
        cells.push((s, e));
        at += piece.len() + sep.len_utf8();
    }
    if sep == '|' {
        if cells.first().is_some_and(|&(s, e)| s == e) {
            cells.remove(0);
        }
        if cells.last().is_some_and(|&(s, e)| s == e) {
            cells.pop();
        }
    }
    cells
}

/// `line` cut at `sep`, outside double quotes unless `sep` is a psql/mysql bar.
fn pieces(line: &str, sep: char) -> Vec<&str> {
    if sep == '|' || !line.contains('"') {
        return line.split(sep).collect();
    }
    let mut out = Vec::new();
    let (mut start, mut quoted) = (0, false);
    for (i, c) in line.char_indices() {
        if c == '"' {
            quoted = !quoted;
        } else if c == sep && !quoted {
            out.push(&line[start..i]);
            start = i + sep.len_utf8();
        }
    }
    out.push(&line[start..]);
    out
}

/// PostgreSQL's `COPY table (col, ...) FROM stdin;`: the tab-separated rows that follow (to
/// `\.`) have those columns, as a header row would name them.
fn copy_header(line: &str) -> Option<Table> {
    let t = line.trim();
    t.get(..5).filter(|p| p.eq_ignore_ascii_case("copy "))?;
    let (open, close) = (t.find('(')?, t.rfind(')')?);
    let tail = t[close + 1..].trim().trim_end_matches(';').trim_end();
    let from_stdin = tail.len() == 10 && tail.eq_ignore_ascii_case("from stdin");
    if open > close || !from_stdin {
        return None;
    }
    let columns: Vec<Option<Field>> = t[open + 1..close]
        .split(',')
        .map(|c| column_field(c.trim().trim_matches('"')))
        .collect();
    (columns.len() >= 2 && columns.iter().any(Option::is_some))
        .then_some(Table { sep: '\t', columns })
}

/// A header row: 3+ cells, each a column name, at least one naming a sensitive field.
fn header(line: &str, field_word: bool) -> Option<Table> {
    if let Some(copy) = copy_header(line) {
        return Some(copy);
    }
    if let Some(wiki) = wiki_header(line, field_word) {
        return Some(wiki);
    }
    // A header starts with a name (or a quote or bar) and names a sensitive column.
    let first = line.trim_start().bytes().next()?;
    if !(first.is_ascii_alphabetic() || first == b'"' || first == b'|') || !field_word {
        return None;
    }
    // Every cell is a column name (letters, digits, `_-.`, spaces) between separators and
    // quotes, so a line with any other ASCII punctuation is not a header; three cells need
    // two separators. One pass over the bytes for both.
    let mut seps = 0;
    for b in line.bytes() {
        match b {
            b',' | b'\t' | b';' | b'|' => seps += 1,
            // `trim` takes vertical tabs too (`is_ascii_whitespace` does not).
            b'_' | b'-' | b'.' | b'"' | 0x0B => {}
            _ if b.is_ascii_alphanumeric() || b.is_ascii_whitespace() || !b.is_ascii() => {}
            _ => return None,
        }
    }
    if seps < 2 {
        return None;
    }
    let sep = [',', '\t', ';', '|']
        .into_iter()
        .max_by_key(|&c| line.matches(c).count())?;
    let cells = split_cells(line, sep);
    if cells.len() < 3 {
        return None;
    }
    let names: Vec<&str> = cells
        .iter()
        .map(|&(s, e)| line[s..e].trim_matches('"'))
        .collect();
    // A column name is a word or a few (`last_ip6`, `address_line_2`), never a run of
    // digits: a row whose id starts with a letter (`e673be30-445e-...`, `HW865983A`) has
    // letters only where a header would, but is data, not the next table's header.
    let is_name = |n: &&str| {
        !n.is_empty()
            && n.len() <= 40
            && n.chars().next().is_some_and(char::is_alphabetic)
            && n.bytes().filter(u8::is_ascii_digit).count() <= 3
            && n.chars()
                .all(|c| c.is_alphanumeric() || matches!(c, '_' | ' ' | '-' | '.'))
    };
    if !names.iter().all(is_name) {
        return None;
    }
    let columns: Vec<Option<Field>> = names.iter().map(|n| column_field(n)).collect();
    columns
        .iter()
        .any(Option::is_some)
        .then_some(Table { sep, columns })
}

/// A Jira/Confluence wiki-markup header row, `||Name||Email||DOB||`: its cells sit between
/// double bars, its rows' between single bars (`|Ana Ruiz|ana@x.org|1990-01-02|`).
fn wiki_header(line: &str, field_word: bool) -> Option<Table> {
    let inner = line.trim().strip_prefix("||")?.strip_suffix("||")?;
    let names: Vec<&str> = inner.split("||").map(str::trim).collect();
    if !field_word || names.len() < 2 || names.iter().any(|n| n.is_empty() || n.contains('|')) {
        return None;
    }
    let columns: Vec<Option<Field>> = names.iter().map(|n| column_field(n)).collect();
    columns
        .iter()
        .any(Option::is_some)
        .then_some(Table { sep: '|', columns })
}

/// A column name's field; in a table a bare `name` column holds people's names.
fn column_field(name: &str) -> Option<Field> {
    match keys::field(name) {
        Some(f) => Some(f),
        None => {
            let parts = keys::key_parts(name);
            let has = |w: &str| parts.iter().any(|p| p == w);
            if has("names") && (has("given") || has("first") || has("last")) || has("surname") {
                return Some(Field::PersonName);
            }
            if has("dob") || has("birth") {
                return Some(Field::Birth);
            }
            None
        }
    }
}

fn cell_masks(f: Field, v: &str) -> bool {
    let v = v.trim_matches('"');
    if v.is_empty() || keys::benign(v, f == Field::Birth) {
        return false;
    }
    let has_digit = v.bytes().any(|b| b.is_ascii_digit());
    match f {
        Field::PersonName => v.chars().any(char::is_alphabetic),
        Field::MaybePersonName => super::fields::person_name(v),
        Field::PublicKey => v.len() == 32 && v.bytes().all(|b| b.is_ascii_hexdigit()),
        Field::Address => v.chars().any(char::is_alphabetic),
        Field::Email => v.contains('@'),
        Field::Credential => v.len() >= 6,
        Field::AuthCode => v.len() >= 10 && has_digit,
        _ => has_digit || v.len() >= 4,
    }
}

/// Base64 of a PEM certificate or public key (`tls.crt`, `ca.crt`): public, not content to
/// hide. `LS0tLS1CRUdJTi` is `-----BEGIN ` encoded; `BDRVJU` continues ` CERT`, `BQVUJMSUMg`
/// ` PUBLIC `.
fn public_pem_base64(v: &str) -> bool {
    v.strip_prefix("LS0tLS1CRUdJTi")
        .is_some_and(|r| r.starts_with("BDRVJU") || r.starts_with("BQVUJMSUMg"))
}

/// Base64 with its padding (`c3ZjLW9yZGVycw==`) or with all three character classes, in
/// whole 4-character groups: how Secret data is encoded, unlike a ConfigMap's plain values.
fn padded_base64(v: &str) -> bool {
    let b = v.as_bytes();
    let body = v.trim_end_matches('=');
    b.len() >= 8
        && b.len() % 4 == 0
        && b.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
        && (body.len() < b.len()
            || (body.bytes().any(|c| c.is_ascii_digit())
                && body.bytes().any(|c| c.is_ascii_uppercase())
                && body.bytes().any(|c| c.is_ascii_lowercase())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(text: &str) -> Vec<String> {
        let mut ctx = Context::default();
        text.lines()
            .map(|l| {
                let mut v = Vec::new();
                ctx.line(l, keys::mentions_field(l), &mut v);
                v.iter()
                    .map(|s| l[s.start..s.end].to_string())
                    .collect::<Vec<_>>()
                    .join(",")
            })
            .collect()
    }

    #[test]
    fn secret_data_entries_whatever_their_names() {
        let text = "apiVersion: v1\nkind: Secret\ndata:\n  username: YWRtaW4=\n  note: plain\ntype: Opaque\n---\nkind: ConfigMap\ndata:\n  mode: fast\n  blob: c2VjcmV0LXZhbHVl\n  level: info";
        let got = run(text);
        assert_eq!(got[3], "YWRtaW4=");
        assert_eq!(got[4], "plain");
        assert_eq!(got[5], "");
        // Outside a Secret, only base64 counts.
        assert_eq!(got[9], "");
        assert_eq!(got[10], "c2VjcmV0LXZhbHVl");
        assert_eq!(got[11], "");
        // A certificate in a TLS Secret is public; a new object ends the Secret.
        let tls = run("kind: Secret\ndata:\n  tls.crt: LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0t\n  tls.key: LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t\napiVersion: v1\ndata:\n  LEVEL: debug");
        assert_eq!(tls[2], "");
        assert_eq!(tls[3], "LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0t");
        assert_eq!(tls[6], "");
        let cm = run("data:\n  password_b64: cGFzc3dvcmQxMjM0NQ==\n  replicas: 3");
        assert_eq!(cm[1], "cGFzc3dvcmQxMjM0NQ==");
        assert_eq!(cm[2], "");
    }

    #[test]
    fn private_keys_to_their_end_certificates_kept() {
        let text = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx8rT\nAbCdEfGhIjKlMnOpQrSt==\n-----END RSA PRIVATE KEY-----\n-----BEGIN CERTIFICATE-----\nMIIDFDCCAfygAwIBAgIU\n-----END CERTIFICATE-----";
        let got = run(text);
        assert_eq!(got[1], "MIIEowIBAAKCAQEAx8rT");
        assert_eq!(got[2], "AbCdEfGhIjKlMnOpQrSt==");
        assert_eq!(got[5], "");
    }

    #[test]
    fn vault_cli_tables_by_their_row_names() {
        let got = run("Key                Value\n---                -----\nlease_duration     768h\ndb_password        c0rrect-h0rse\napi_key            AbCdEf0123456789xyz\nowner              platform-team\n\npassword  not-a-table");
        assert_eq!(got[2], "");
        assert_eq!(got[3], "c0rrect-h0rse");
        assert_eq!(got[4], "AbCdEf0123456789xyz");
        assert_eq!(got[5], "");
        assert_eq!(got[7], "");
    }

    #[test]
    fn credentials_files_by_their_layouts() {
        let got = run("$ sudo cat /etc/rsyncd.secrets\nbackup:S3cr3t/pw\n# mirror\nmirror:x&y\n2024/01/02 10:00:00 [42] rsync on share/ from h (192.0.2.1)");
        assert_eq!(got[1], "S3cr3t/pw");
        assert_eq!(got[3], "x&y");
        assert_eq!(got[4], "");
        let got = run("$ cat ~/.pgpass\ndb1:5432:*:app:pg-Pa55\n$ cat /etc/pgbouncer/userlist.txt\n\"app\" \"md5abc123\"\n\"bo\" \"pl&in\"\n$ cat /opt/jdk/conf/management/jmxremote.password\nmonitorRole  QED-42x\ndone now ok");
        assert_eq!(got[1], "pg-Pa55");
        assert_eq!(got[3], "md5abc123");
        assert_eq!(got[4], "pl&in");
        assert_eq!(got[6], "QED-42x");
        assert_eq!(got[7], "");
    }

    #[test]
    fn openvpn_static_keys_are_secret() {
        let text = "<tls-crypt>\n-----BEGIN OpenVPN Static key V1-----\n0a1b2c3d4e5f60718293a4b5c6d7e8f9\nffeeddccbbaa99887766554433221100\n-----END OpenVPN Static key V1-----\n</tls-crypt>";
        let got = run(text);
        assert_eq!(got[2], "0a1b2c3d4e5f60718293a4b5c6d7e8f9");
        assert_eq!(got[3], "ffeeddccbbaa99887766554433221100");
        assert_eq!(got[5], "");
    }

    #[test]
    fn borg_key_exports_are_secret_to_their_blank_line() {
        let got = run("BORG_KEY 0123abcd\nhqlhbGdvcml0aG2mc2hhMjU2pGRhdGHaAN4\nQ2x2Y2x2Y2x2Y2x2Y2x2Y2x2Y2x2Y2x2\n\nborg list done");
        assert_eq!(got[0], "");
        assert_eq!(got[1], "hqlhbGdvcml0aG2mc2hhMjU2pGRhdGHaAN4");
        assert_eq!(got[2], "Q2x2Y2x2Y2x2Y2x2Y2x2Y2x2Y2x2Y2x2");
        assert_eq!(got[4], "");
    }

    #[test]
    fn a_short_last_body_line_is_still_key() {
        let text = "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\nAAECAwQF\n-----END OPENSSH PRIVATE KEY-----\ndone";
        let got = run(text);
        assert_eq!(got[2], "AAECAwQF");
        assert_eq!(got[4], "");
        // A missing END: a lowercase word is the log again, not key body.
        let got = run("-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEF\nretry\nKEEP1234");
        assert_eq!(got[2], "");
        assert_eq!(got[3], "");
    }

    #[test]
    fn a_missing_end_stops_at_the_log() {
        let text = "-----BEGIN PRIVATE KEY-----\nMIIEowIBAAKCAQEAx8rT\n2024-01-01T00:00:00Z INFO loaded /etc/app/key.pem";
        let got = run(text);
        assert_eq!(got[1], "MIIEowIBAAKCAQEAx8rT");
        assert_eq!(got[2], "");
    }

    #[test]
    fn putty_counts_lines() {
        let got = run("Public-Lines: 1\nAAAAB3NzaC1yc2EAAAADAQAB\nPrivate-Lines: 1\nAAABAQCqGKukO1De7zhZj6+H0qtjTkVxwTCpvKe4\nPrivate-MAC: 0123");
        assert_eq!(got[1], "");
        assert_eq!(got[3], "AAABAQCqGKukO1De7zhZj6+H0qtjTkVxwTCpvKe4");
    }

    #[test]
    fn env_entries_by_their_name() {
        let got = run("env:\n  - name: DB_PASSWORD\n    value: \"s3cr3t-Pa55\"\n  - name: LOG_LEVEL\n    value: debug");
        assert_eq!(got[2], "s3cr3t-Pa55");
        assert_eq!(got[4], "");
    }

    #[test]
    fn a_command_that_prints_a_secret_field_masks_the_next_bare_line() {
        let got =
            run("$ vault kv get -field=password secret/app/db\nPl4in-Value!9\nnext line stays");
        assert_eq!(got, ["", "Pl4in-Value!9", ""]);
        let got = run("$ kubectl get secret db -o jsonpath='{.data.password}'\nczNjcjN0LXZhbHVl");
        assert_eq!(got[1], "czNjcjN0LXZhbHVl");
        // Not a sensitive field, or not a bare value: nothing.
        let got = run("$ vault kv get -field=url secret/app/db\nhttps-example-value\n$ vault kv get -field=password x\nError: permission denied");
        assert_eq!(got, ["", "", "", ""]);
    }

    #[test]
    fn a_secret_url_keeps_all_but_its_password() {
        let got = run("kind: Secret\nstringData:\n  DATABASE_URL: \"postgres://app:s3cr3t-pw@db.internal:5432/shop\"\n  API_URL: https://api.example.com/v1");
        assert_eq!(got[2], "s3cr3t-pw");
        assert_eq!(got[3], "https://api.example.com/v1");
    }

    #[test]
    fn sasl_answers_after_a_challenge() {
        // RFC 4954 AUTH LOGIN: 334 "Username:", the user; 334 "Password:", the password.
        let got = run(
            "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: YWxpY2VAZXhhbXBsZS5vcmc=\n\
             S: 334 UGFzc3dvcmQ6\nC: c2VjcmV0MTIz\nS: 235 2.7.0 Authentication successful\n\
             C: MAIL FROM:<a@example.org>",
        );
        assert_eq!(got[2], "YWxpY2VAZXhhbXBsZS5vcmc=");
        assert_eq!(got[4], "c2VjcmV0MTIz");
        assert_eq!(got[5], "");
        assert_eq!(got[6], "");
        // IMAP AUTHENTICATE: the `+` continuation, then the client's base64 line.
        let got = run("a1 AUTHENTICATE PLAIN\n+\nAGFsaWNlAHNlY3JldDEyMw==\na1 OK done");
        assert_eq!(got[2], "AGFsaWNlAHNlY3JldDEyMw==");
        assert_eq!(got[3], "");
        // A base64 line with no challenge before it is not an answer.
        assert_eq!(run("S: 250 OK\nC: c2VjcmV0MTIz")[1], "");
    }

    #[test]
    fn a_new_header_starts_a_new_table() {
        let got = run("id,full_name,email,phone,dob\n1,Ana Lima,ana@example.org,+351 912 345 678,1990-01-02\npayment_id,order_id,card_number,amount,currency\npay_1,991,4111111111111111,328.08,USD");
        assert_eq!(got[2], "");
        assert_eq!(got[3], "4111111111111111");
        // A row whose cells all start with letters (a UUID that does, a passport number) is
        // still a row: it does not replace the header of the rows after it.
        let got = run("id\tholder\tpassport\tcountry\n\
             e673be30-445e-4815-9f35-36e7c510b386\tAna Lima\tXA1234567\tPT\n\
             0a1b2c3d-0000-4000-8000-000000000001\tBo Berg\tXB7654321\tSE");
        assert_eq!(got[1], "Ana Lima,XA1234567");
        assert_eq!(got[2], "Bo Berg,XB7654321");
    }

    #[test]
    fn quoted_csv_cells_hold_their_separators() {
        // RFC 4180: a field holding the separator is quoted, `""` is a quote inside it. The
        // cell is one value (its text masked, its quotes kept), and the row keeps its columns.
        let got = run("id,full_name,home_address,phone\n\
             7,\"Lima, Ana\",\"Rua Augusta 110, 1100-053 Lisboa\",+351 912 345 678\n\
             8,\"Berg, Bo \"\"B\"\"\",\"Storgatan 1; 111 22 Stockholm\",+46 8 123 456");
        assert_eq!(
            got[1],
            "Lima, Ana,Rua Augusta 110, 1100-053 Lisboa,+351 912 345 678"
        );
        assert_eq!(
            got[2],
            "Berg, Bo \"\"B\"\",Storgatan 1; 111 22 Stockholm,+46 8 123 456"
        );
        // Semicolon CSV quotes the same way; a psql bar table has no quoting.
        let got = run("id;email;full_name\n1;ana@example.org;\"Lima; Ana\"");
        assert_eq!(got[1], "ana@example.org,Lima; Ana");
        let got = run(" id | full_name | note \n----+------+------\n 1 | \"Ana | Lima\" | x ");
        assert_eq!(got[2], "");
    }

    #[test]
    fn copy_from_stdin_names_the_columns_of_its_rows() {
        // PostgreSQL's COPY text format: tab-separated rows after the statement, to `\.`.
        let got = run(
            "COPY public.customers (id, full_name, email, city) FROM stdin;\n\
             1\tAna Lima\tana@example.org\tLisboa\n\
             \\.\n\
             2\tnot a row\tx\ty",
        );
        assert_eq!(got[1], "Ana Lima,ana@example.org");
        assert_eq!(got[2], "");
        assert_eq!(got[3], "");
        // Without a sensitive column, or without FROM stdin, nothing is a table.
        assert_eq!(run("COPY t (id, city, n) FROM stdin;\n1\tLisboa\t2")[1], "");
        assert_eq!(
            run("COPY t (id, email) TO stdout;\n1\ta@example.org")[1],
            ""
        );
    }

    #[test]
    fn table_columns_by_header() {
        let got = run("id,full_name,email,country\n7,Ana Lima,ana@example.org,PT\n8,Bo Berg,bo@example.org,SE");
        assert_eq!(got[1], "Ana Lima,ana@example.org");
        let got = run(" id | email | ssn \n----+-------+-----\n 1 | a@b.io | 123-45-6789 ");
        assert_eq!(got[2], "a@b.io,123-45-6789");
        let got = run("service,status,latency\norders-api,200,15ms");
        assert_eq!(got[1], "");
    }

    #[test]
    fn wiki_table_rows_by_their_double_bar_header() {
        let mut ctx = Context::default();
        let mut out = Vec::new();
        ctx.line("||Name||Email||Date of birth||", true, &mut out);
        let row = "|Ana Ruiz|ana@mail.test|1990-01-02|";
        ctx.line(row, false, &mut out);
        let got: Vec<&str> = out.iter().map(|s| &row[s.start..s.end]).collect();
        assert!(
            got.contains(&"Ana Ruiz") && got.contains(&"1990-01-02"),
            "{got:?}"
        );
    }
}
