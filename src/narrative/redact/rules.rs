//! The line rules: each a regex, a cheap gate on the line's [`Features`] (so a plain log line
//! runs only the rules it could match), and an edge check on the match in its context.

use super::{ids, keys, shapes, tokens, SecretKind};
use regex::Regex;
use std::sync::OnceLock;

/// What one pass over a line's bytes learned: enough to skip rules that cannot match.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Features {
    pub at: bool,
    pub pct40: bool,
    pub dollar: bool,
    pub quote: bool,
    pub scheme: bool,
    /// A `:` between hex digits with a letter among them (`db8:1`), or `::`: what an IPv6
    /// address has and a clock time (`10:00`) or a label (`message: x`) lacks.
    pub hexcolon: bool,
    /// `::` (a compressed IPv6 address).
    pub double_colon: bool,
    /// Seven digits in a row, then a capital letter (`X1234567L`, `12345678Z`).
    pub digits7_upper: bool,
    /// `2A`/`2B` between digits or spaces: a Corsican département inside a French NIR.
    pub corsica: bool,
    /// Three groups of 3-4 digits with single spaces (`046 454 286`, `2345 6789 0123`).
    pub grouped3: bool,
    pub colons: usize,
    pub dashes: usize,
    pub dots: usize,
    /// Two uppercase letters then a digit (`GB82`, `AB 12`): IBAN and NINO starts.
    pub uu_digit: bool,
    /// Five uppercase letters in a row (PAN, codice fiscale).
    pub upper5: bool,
    /// A digit, one space or dot, a digit (`4111 1111`, `123.456`).
    pub digit_gap_digit: bool,
    /// `+` or `(` before a digit (international and area-code phone layouts).
    pub phone_open: bool,
    /// A dotted quad's shape: digit `.` digits `.` digit.
    pub dotted: bool,
    pub max_digit_run: usize,
    /// A digit, a space, a digit (`4111 1111`).
    pub digit_space_digit: bool,
    /// Two capitals then two digits at a word start (`GB82`, `AB 12`).
    pub uu_dd: bool,
    /// Five capitals then a digit (PAN, codice fiscale).
    pub u5_digit: bool,
    /// `hh:` / `hh-` between hex pairs (MAC layouts).
    pub hex_pairs: usize,
    /// `hhhh.hhhh.` (Cisco's MAC layout).
    pub cisco_mac: bool,
    /// `.` then exactly four digits, after a digit (`555.123.4567`).
    pub dot4: bool,
    /// A run of 32+ base64 characters with upper, lower and a digit.
    pub mixed32: bool,
    /// A known provider token prefix (case-sensitive).
    pub provider: bool,
    /// `-` between digits that is not part of an ISO date (`2024-06-14`).
    pub digit_dashes: usize,
    /// `.` between digits.
    pub digit_dots: usize,
    /// Longest run of token characters (letters, digits, `+/_-=.~`).
    pub run: usize,
    /// Four digits, a space or `-`, four digits (`4111 1111`, `4111-1111`): grouped cards.
    pub d4_sep_d4: bool,
    /// How many times a digit, a space, a digit occurs.
    pub digit_space_digits: usize,
    /// Most digits in a run where single spaces between digits do not break it (`123 456 789`: 9).
    pub spaced_digits: usize,
    /// Marker words found (bits of [`Word`]).
    words: u32,
    /// A word sensitive field names are made of ([`keys::field_words`], found in the same pass).
    pub field_word: bool,
}

/// Marker words, found in one case-insensitive pass; each opens some rules.
#[derive(Clone, Copy)]
#[repr(u32)]
pub(crate) enum Word {
    Pass = 1,
    Scheme = 2,
    Tool = 4,
    Begin = 8,
    Jwt = 16,
    Response = 32,
    Mac = 64,
    Code = 128,
    Link = 256,
    Jdbc = 512,
    User = 1024,
    Shape = 2048,
    /// `%2B`: a `+` percent-encoded (an international phone number in a form body).
    Pct = 4096,
    /// A courtesy title or salutation (`Mr.`, `Frau`, `Dear`): a person's name follows.
    Title = 8192,
    /// A card security code's name (`cvv`, `cvc`).
    Cvv = 16384,
    /// A RADIUS/PAM login result (`Login incorrect`), which may print `[user/password]`.
    Radius = 32768,
    /// A record's type (`type`, `kind`): a typed identity document may follow.
    DocType = 65536,
    /// A national id's or document's name written in prose (`SSN`, `NIE`, `passport`).
    IdName = 131072,
    /// Where an Azure DevOps personal access token is named (`azure`, `devops`, `PAT`).
    Azure = 262144,
    /// What a password rule starts from (`password`, `pwd`, `AUTH`, `identified by`): a
    /// narrower [`Word::Pass`].
    Password = 524288,
    /// A word a tool's password syntax needs ([`super::argv::ANCHORS`]) or a Redis ACL rule's
    /// start (`user `, `setuser`).
    Argv = 1048576,
    /// What calls a run of words a wallet's seed (`mnemonic`, `phrase`, `seed`).
    Seed = 2097152,
    /// A refused login's phrase ([`super::typed`]): the name typed after it may be a password.
    Refused = 4194304,
}

const WORDS: &[(&str, Word)] = &[
    ("pass", Word::Pass),
    ("pwd", Word::Pass),
    ("auth", Word::Pass),
    ("identified", Word::Pass),
    ("pdo", Word::Pass),
    ("token", Word::Pass),
    ("secret", Word::Pass),
    ("key", Word::Pass),
    ("pass", Word::Password),
    ("pwd", Word::Password),
    ("auth", Word::Password),
    ("identified", Word::Password),
    ("bearer", Word::Scheme),
    ("basic", Word::Scheme),
    ("token", Word::Scheme),
    ("oauth", Word::Scheme),
    ("ssws", Word::Scheme),
    ("bot", Word::Scheme),
    ("negotiate", Word::Scheme),
    ("apikey", Word::Scheme),
    ("api-key", Word::Scheme),
    ("sentry", Word::Scheme),
    ("key", Word::Scheme),
    ("mysql", Word::Tool),
    ("mariadb", Word::Tool),
    ("rabbitmqadmin", Word::Tool),
    ("sshpass", Word::Tool),
    ("login", Word::Tool),
    ("redis-cli", Word::Tool),
    ("ssh-keygen", Word::Tool),
    ("nuget", Word::Tool),
    ("htpasswd", Word::Tool),
    ("rabbitmqctl", Word::Tool),
    ("net use", Word::Tool),
    ("convertto-securestring", Word::Tool),
    ("cvv", Word::Cvv),
    ("cvc", Word::Cvv),
    ("login incorrect", Word::Radius),
    ("login ok", Word::Radius),
    ("type", Word::DocType),
    ("kind", Word::DocType),
    ("ssn", Word::IdName),
    ("tfn", Word::IdName),
    ("sin", Word::IdName),
    ("bsn", Word::IdName),
    ("nie", Word::IdName),
    ("dni", Word::IdName),
    ("nif", Word::IdName),
    ("cpf", Word::IdName),
    ("uid", Word::IdName),
    ("nino", Word::IdName),
    ("nir", Word::IdName),
    ("pan", Word::IdName),
    ("tin", Word::IdName),
    ("abn", Word::IdName),
    ("aadhaar", Word::IdName),
    ("steuer", Word::IdName),
    ("pesel", Word::IdName),
    ("cnpj", Word::IdName),
    ("personnummer", Word::IdName),
    ("idnr", Word::IdName),
    ("iban", Word::IdName),
    ("passport", Word::IdName),
    ("ausweis", Word::IdName),
    ("-----begin", Word::Begin),
    ("eyj", Word::Jwt),
    ("response=", Word::Response),
    ("mac=", Word::Mac),
    ("code", Word::Code),
    ("otp", Word::Code),
    ("/reset", Word::Link),
    ("/password", Word::Link),
    ("/verif", Word::Link),
    ("/confirm", Word::Link),
    ("/invit", Word::Link),
    ("/activat", Word::Link),
    ("/magic", Word::Link),
    ("/unsubscribe", Word::Link),
    ("/token/", Word::Link),
    ("/t/", Word::Link),
    ("jdbc:oracle", Word::Jdbc),
    (" -u ", Word::User),
    ("-us", Word::Shape),
    (":aa", Word::Shape),
    ("q~", Word::Shape),
    ("nral", Word::Shape),
    ("atlasv1", Word::Shape),
    (":apa91b", Word::Shape),
    ("azure", Word::Azure),
    ("devops", Word::Azure),
    ("pat", Word::Azure),
    ("--user", Word::User),
    ("%2b", Word::Pct),
    ("mr", Word::Title),
    ("ms ", Word::Title),
    ("ms.", Word::Title),
    ("dr.", Word::Title),
    ("herr ", Word::Title),
    ("frau ", Word::Title),
    ("mme", Word::Title),
    ("mlle", Word::Title),
    ("dear ", Word::Title),
    ("sra", Word::Title),
    ("sr.", Word::Title),
    ("storepass", Word::Argv),
    ("keypass", Word::Argv),
    ("ldap", Word::Argv),
    ("sqlcmd", Word::Argv),
    ("bcp", Word::Argv),
    ("osql", Word::Argv),
    ("7z", Word::Argv),
    ("zip", Word::Argv),
    ("psexec", Word::Argv),
    ("schtasks", Word::Argv),
    ("cmdkey", Word::Argv),
    ("smbclient", Word::Argv),
    ("stdin", Word::Argv),
    ("secret", Word::Argv),
    ("snmp", Word::Argv),
    ("community", Word::Argv),
    ("chpasswd", Word::Argv),
    ("requirepass", Word::Argv),
    ("masterauth", Word::Argv),
    ("pwd", Word::Argv),
    ("password", Word::Argv),
    ("identified", Word::Argv),
    ("obscure", Word::Argv),
    ("sqlplus", Word::Argv),
    ("temporary", Word::Argv),
    ("connect(", Word::Argv),
    ("user ", Word::Argv),
    ("setuser", Word::Argv),
    ("mnemonic", Word::Seed),
    ("phrase", Word::Seed),
    ("seed", Word::Seed),
    ("unknown user ", Word::Refused),
    ("failed login for ", Word::Refused),
    ("login failed", Word::Refused),
    ("rejected password for user ", Word::Refused),
    ("failed to authenticate user:", Word::Refused),
    ("client_not_found: ", Word::Refused),
];

/// The marker words, the field words ([`keys::field_words`]) and the provider prefixes
/// ([`PROVIDER_PREFIXES`]) in one automaton, searched in one pass.
struct WordsAc {
    ac: aho_corasick::AhoCorasick,
    /// Patterns below this are marker words or field words; from it on, provider prefixes.
    providers_from: usize,
}

fn words_ac() -> &'static WordsAc {
    static AC: OnceLock<WordsAc> = OnceLock::new();
    AC.get_or_init(|| {
        let field = keys::field_words();
        let providers_from = WORDS.len() + field.len();
        // A DFA: searched on every line, overlapping (a table walk, no failure links).
        // Case is ignored for all; a provider prefix is then compared exactly (`words_of`).
        let ac = aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .match_kind(aho_corasick::MatchKind::Standard)
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(
                WORDS
                    .iter()
                    .map(|(w, _)| *w)
                    .chain(field)
                    .chain(PROVIDER_PREFIXES.iter().copied()),
            )
            .expect("marker words");
        WordsAc { ac, providers_from }
    })
}

/// What each byte is, for the one pass of [`Features::of`].
const LOWER: u8 = 1;
const UPPER: u8 = 2;
const DIGIT: u8 = 3;
const SPACE: u8 = 4;
/// Any other byte: punctuation, control, non-ASCII.
const OTHER: u8 = 0;

/// The class of every byte value ([`LOWER`], [`UPPER`], [`DIGIT`], [`SPACE`], [`OTHER`]).
static CLASS: [u8; 256] = {
    let mut t = [OTHER; 256];
    let mut c = 0;
    while c < 256 {
        let b = c as u8;
        t[c] = if b.is_ascii_lowercase() {
            LOWER
        } else if b.is_ascii_uppercase() {
            UPPER
        } else if b.is_ascii_digit() {
            DIGIT
        } else if b == b' ' {
            SPACE
        } else {
            OTHER
        };
        c += 1;
    }
    t
};

/// The end of the run of bytes of class `class` that starts at `i`.
fn run_end(b: &[u8], mut i: usize, class: u8) -> usize {
    while i < b.len() && CLASS[b[i] as usize] == class {
        i += 1;
    }
    i
}

/// The state [`Features::of`] carries from byte to byte.
#[derive(Default)]
struct Scan {
    /// Token characters in a row (letters, digits, `+/_-=.~`).
    run: usize,
    /// Digits in a row.
    drun: usize,
    /// Capitals in a row (a single space after two or more does not end it).
    urun: usize,
    /// Digits in the current group, and 3-4 digit groups so far (see [`digit_groups`]).
    glen: usize,
    groups: usize,
    /// The byte before the current digit run (`.` before fractional seconds).
    run_prev: u8,
    tok: Token,
}

impl Features {
    pub(crate) fn has(&self, w: Word) -> bool {
        self.words & (w as u32) != 0
    }

    /// One pass over the bytes, a run of lowercase letters or digits at a time (a run only
    /// extends counters, so it is applied once), then one pass of the word automaton.
    /// `tests::of_full_path` is the byte-at-a-time reference it must agree with.
    pub(crate) fn of(line: &str) -> Features {
        let mut f = Features::default();
        let b = line.as_bytes();
        let mut s = Scan {
            run_prev: b' ',
            ..Scan::default()
        };
        let mut i = 0;
        while i < b.len() {
            let c = b[i];
            match CLASS[c as usize] {
                LOWER => {
                    let end = run_end(b, i + 1, LOWER);
                    s.lower_run(end - i, &mut f);
                    i = end;
                }
                DIGIT => {
                    let end = run_end(b, i + 1, DIGIT);
                    s.digit_run(b, i, end, &mut f);
                    i = end;
                }
                SPACE => {
                    s.space(b, i, &mut f);
                    i += 1;
                }
                UPPER => {
                    s.upper(b, i, &mut f);
                    i += 1;
                }
                _ => {
                    s.other(b, i, &mut f);
                    i += 1;
                }
            }
        }
        f.grouped3 |= digit_groups(s.glen, s.groups, false) >= 3;
        f.words_of(b);
        f
    }

    /// The marker words, field words and provider prefixes in `b`, in one overlapping pass.
    fn words_of(&mut self, b: &[u8]) {
        let words = words_ac();
        for m in words.ac.find_overlapping_iter(b) {
            let k = m.pattern().as_usize();
            if let Some(w) = WORDS.get(k) {
                self.words |= w.1 as u32;
            } else if k < words.providers_from {
                self.field_word = self.field_word || keys::field_word_at(b, m.start(), m.end());
            } else if !self.provider {
                // The automaton ignores case; provider prefixes do not.
                let prefix = PROVIDER_PREFIXES[k - words.providers_from].as_bytes();
                self.provider = prefix == &b[m.start()..m.end()] && token_follows(b, m.end());
            }
        }
    }
}

impl Scan {
    /// `n` lowercase letters: they extend the runs of token characters and end the others.
    fn lower_run(&mut self, n: usize, f: &mut Features) {
        self.drun = 0;
        self.urun = 0;
        self.glen = 0;
        self.groups = 0;
        self.run += n;
        f.run = f.run.max(self.run);
        let tok = &mut self.tok;
        tok.len += n;
        tok.low = true;
        tok.spaced = 0;
        if tok.len >= 32 && tok.up && tok.dig {
            f.mixed32 = true;
        }
    }

    /// The digits `b[i..end]`: the first one after a non-digit opens what a number can open
    /// (a phone's `+`, a PAN's five capitals); the rest only extend counters.
    fn digit_run(&mut self, b: &[u8], i: usize, end: usize, f: &mut Features) {
        let n = end - i;
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        if self.urun >= 5 && i >= 5 && b[i - 5..i].iter().all(u8::is_ascii_uppercase) {
            f.u5_digit = true;
        }
        if self.urun >= 2 {
            f.uu_digit = true;
        }
        // `+` and a country code (not a `+0000` UTC offset), or an area code in parentheses
        // before the number (`(02) 4738`).
        if (prev == b'+' && b[i] != b'0') || (prev == b'(' && area_code(&b[i..])) {
            f.phone_open = true;
        }
        self.run_prev = prev;
        self.urun = 0;
        let tok = &mut self.tok;
        tok.spaced += n;
        f.spaced_digits = f.spaced_digits.max(tok.spaced);
        tok.len += n;
        tok.dig = true;
        if tok.len >= 32 && tok.up && tok.low {
            f.mixed32 = true;
        }
        self.glen += n;
        self.drun = n;
        f.max_digit_run = f.max_digit_run.max(n);
        self.run += n;
        f.run = f.run.max(self.run);
    }

    fn space(&mut self, b: &[u8], i: usize, f: &mut Features) {
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        let next = b.get(i + 1).copied().unwrap_or(b' ');
        let between = prev.is_ascii_digit() && next.is_ascii_digit();
        if between {
            f.digit_space_digit = true;
            f.digit_space_digits += 1;
            f.digit_gap_digit = true;
        }
        if i >= 4 && digits_at(b, i - 4, 4) && digits_at(b, i + 1, 4) {
            f.d4_sep_d4 = true;
        }
        // A space between digits ends the token, not the spaced-digit run.
        self.tok = Token {
            spaced: if between { self.tok.spaced } else { 0 },
            ..Token::default()
        };
        self.groups = digit_groups(self.glen, self.groups, next.is_ascii_digit());
        f.grouped3 |= self.groups >= 3;
        self.glen = 0;
        self.drun = 0;
        if self.urun < 2 {
            self.urun = 0;
        }
        self.run = 0;
    }

    fn upper(&mut self, b: &[u8], i: usize, f: &mut Features) {
        let c = b[i];
        let prev = if i > 0 { b[i - 1] } else { b' ' };
        let at = |j: usize| b.get(j).copied().unwrap_or(b' ');
        let next = at(i + 1);
        self.tok.spaced = 0;
        if next.is_ascii_uppercase() && (i == 0 || !prev.is_ascii_alphanumeric()) {
            let j = if at(i + 2) == b' ' { i + 3 } else { i + 2 };
            if at(j).is_ascii_digit() && at(j + 1).is_ascii_digit() {
                f.uu_dd = true;
            }
        }
        let tok = &mut self.tok;
        tok.len += 1;
        tok.up = true;
        if tok.len >= 32 && tok.low && tok.dig {
            f.mixed32 = true;
        }
        self.groups = digit_groups(self.glen, self.groups, false);
        f.grouped3 |= self.groups >= 3;
        self.glen = 0;
        if self.drun >= 7 && self.run_prev != b'.' {
            f.digits7_upper = true;
        }
        self.drun = 0;
        if matches!(c, b'A' | b'B') && prev == b'2' && (next == b' ' || next.is_ascii_digit()) {
            f.corsica = true;
        }
        self.urun += 1;
        if self.urun >= 5 {
            f.upper5 = true;
        }
        self.run += 1;
        f.run = f.run.max(self.run);
    }

    /// Any byte but a letter, a digit or a space: punctuation opens most shapes.
    fn other(&mut self, b: &[u8], i: usize, f: &mut Features) {
        let c = b[i];
        if matches!(c, b'+' | b'/' | b'_' | b'-') {
            let tok = &mut self.tok;
            tok.len += 1;
            tok.spaced = 0;
            if tok.len >= 32 && tok.up && tok.low && tok.dig {
                f.mixed32 = true;
            }
        } else {
            self.tok = Token::default();
        }
        self.groups = digit_groups(self.glen, self.groups, false);
        f.grouped3 |= self.groups >= 3;
        self.glen = 0;
        self.drun = 0;
        self.urun = 0;
        if matches!(c, b'+' | b'/' | b'_' | b'-' | b'=' | b'.' | b'~') {
            self.run += 1;
            f.run = f.run.max(self.run);
        } else {
            self.run = 0;
        }
        punctuation(b, i, f);
    }
}

/// What the punctuation byte at `i` opens, from its neighbours.
fn punctuation(b: &[u8], i: usize, f: &mut Features) {
    let at = |j: usize| b.get(j).copied().unwrap_or(b' ');
    let hex = |c: u8| c.is_ascii_hexdigit();
    let prev = if i > 0 { b[i - 1] } else { b' ' };
    let next = at(i + 1);
    match b[i] {
        b'.' => {
            f.dots += 1;
            if i >= 4
                && b[i - 4..i].iter().all(|c| hex(*c))
                && (1..=4).all(|k| hex(at(i + k)))
                && at(i + 5) == b'.'
            {
                f.cisco_mac = true;
            }
            if prev.is_ascii_digit() && next.is_ascii_digit() {
                f.digit_gap_digit = true;
                f.digit_dots += 1;
                if (1..=4).all(|k| at(i + k).is_ascii_digit()) && !at(i + 5).is_ascii_digit() {
                    f.dot4 = true;
                }
                let rest = &b[i + 1..];
                let n = rest.iter().take_while(|d| d.is_ascii_digit()).count();
                if (1..=3).contains(&n)
                    && rest.get(n) == Some(&b'.')
                    && rest.get(n + 1).is_some_and(u8::is_ascii_digit)
                {
                    f.dotted = true;
                }
            }
        }
        b'@' => f.at = true,
        b':' => {
            f.colons += 1;
            hex_pair(b, i, f);
            let letter = |c: u8| matches!(c, b'a'..=b'f' | b'A'..=b'F');
            if next == b'/' {
                f.scheme = true;
            }
            if next == b':' {
                f.double_colon = true;
                f.hexcolon = true;
            }
            if i > 0 && hex(prev) && hex(next) && (letter(prev) || letter(next)) {
                f.hexcolon = true;
            }
        }
        b'-' => {
            f.dashes += 1;
            hex_pair(b, i, f);
            if i >= 4 && digits_at(b, i - 4, 4) && digits_at(b, i + 1, 4) {
                f.d4_sep_d4 = true;
            }
            if prev.is_ascii_digit() && next.is_ascii_digit() && !iso_date_dash(b, i) {
                f.digit_dashes += 1;
            }
        }
        b'$' => f.dollar = true,
        b'\'' | b'"' => f.quote = true,
        b'%' if next == b'4' && b.get(i + 2) == Some(&b'0') => f.pct40 = true,
        _ => {}
    }
}

/// `hh:hh` / `hh-hh` around the separator at `i` (MAC layouts).
fn hex_pair(b: &[u8], i: usize, f: &mut Features) {
    let hex = |j: usize| b.get(j).is_some_and(u8::is_ascii_hexdigit);
    if i >= 2 && hex(i - 1) && hex(i - 2) && hex(i + 1) && hex(i + 2) {
        f.hex_pairs += 1;
    }
}

/// Whether `b[from..from + n]` are all digits (false past the end).
fn digits_at(b: &[u8], from: usize, n: usize) -> bool {
    from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
}

/// The run of token characters ending at the current byte, for [`Features::mixed32`].
#[derive(Default)]
struct Token {
    len: usize,
    up: bool,
    low: bool,
    dig: bool,
    /// Digits so far in the current run of digits and single spaces between digits.
    spaced: usize,
}

/// The shape features of byte `i` that need more than one byte of context (the reference
/// for [`Scan`]'s paths, `tests::of_full_path`).
#[cfg(test)]
fn shape(b: &[u8], i: usize, f: &mut Features, tok: &mut Token) {
    let c = b[i];
    let at = |j: usize| b.get(j).copied().unwrap_or(b' ');
    let hex = |c: u8| c.is_ascii_hexdigit();
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    if c == b' ' && i > 0 && at(i - 1).is_ascii_digit() && at(i + 1).is_ascii_digit() {
        f.digit_space_digit = true;
        f.digit_space_digits += 1;
    } else if c.is_ascii_digit() {
        tok.spaced += 1;
        f.spaced_digits = f.spaced_digits.max(tok.spaced);
    } else {
        tok.spaced = 0;
    }
    if (c == b' ' || c == b'-') && i >= 4 && digits(i - 4, 4) && digits(i + 1, 4) {
        f.d4_sep_d4 = true;
    }
    if c.is_ascii_uppercase()
        && at(i + 1).is_ascii_uppercase()
        && (i == 0 || !at(i - 1).is_ascii_alphanumeric())
    {
        let j = if at(i + 2) == b' ' { i + 3 } else { i + 2 };
        if at(j).is_ascii_digit() && at(j + 1).is_ascii_digit() {
            f.uu_dd = true;
        }
    }
    if c.is_ascii_digit() && i >= 5 && b[i - 5..i].iter().all(u8::is_ascii_uppercase) {
        f.u5_digit = true;
    }
    if (c == b':' || c == b'-')
        && i >= 2
        && hex(at(i - 1))
        && hex(at(i - 2))
        && hex(at(i + 1))
        && hex(at(i + 2))
    {
        f.hex_pairs += 1;
    }
    if c == b'.'
        && i >= 4
        && b[i - 4..i].iter().all(|c| hex(*c))
        && (1..=4).all(|k| hex(at(i + k)))
        && at(i + 5) == b'.'
    {
        f.cisco_mac = true;
    }
    if c == b'.'
        && i > 0
        && at(i - 1).is_ascii_digit()
        && (1..=4).all(|k| at(i + k).is_ascii_digit())
        && !at(i + 5).is_ascii_digit()
    {
        f.dot4 = true;
    }
    if c.is_ascii_alphanumeric() || matches!(c, b'+' | b'/' | b'_' | b'-') {
        tok.len += 1;
        tok.up |= c.is_ascii_uppercase();
        tok.low |= c.is_ascii_lowercase();
        tok.dig |= c.is_ascii_digit();
        if tok.len >= 32 && tok.up && tok.low && tok.dig {
            f.mixed32 = true;
        }
    } else {
        // A single space between digits ends the token but not the spaced-digit run
        // (`1 84 10 88 485 746 50`: fifteen digits).
        let spaced = if c == b' ' { tok.spaced } else { 0 };
        *tok = Token {
            spaced,
            ..Token::default()
        };
    }
}

/// The literal prefixes of [`tokens::provider_re`]'s alternatives (a gate, so a line without
/// any skips that regex), case-sensitive.
const PROVIDER_PREFIXES: &[&str] = &[
    // A Slack incoming webhook's path without its host (an access log's request line).
    "/services/T",
    // A minisign secret key: `Ed`, `Sc`, `B2` (its algorithms) in base64.
    "RWRTY0Iy",
    "AKIA",
    "AC",
    "s%3A",
    "s%3a",
    "ASIA",
    "ABIA",
    "ACCA",
    "AGPA",
    "AIPA",
    "ANPA",
    "ANVA",
    "AROA",
    "APKA",
    "AIza",
    "ya29.",
    "1//0",
    "GOCSPX-",
    "gh",
    "github_pat_",
    "gl",
    "xox",
    "xapp-",
    "_live_",
    "_test_",
    "whsec_",
    "sk-",
    "SG.",
    "npm_",
    "hf_",
    "pypi-",
    "shp",
    "SK",
    "key-",
    "sq0",
    "EAAA",
    "access_token$",
    "A21AA",
    "hvs.",
    "hvb.",
    "hvr.",
    "_v1_",
    "dckr_pat_",
    "lin_api_",
    "ntn_",
    "secret_",
    "ATATT3",
    "ATBB",
    "oy2",
    "squ_",
    "sqp_",
    "sqa_",
    "dapi",
    "PMAK-",
    "dp.",
    "LTAI",
    "NRAK-",
    "NRII-",
    "AGE-SECRET-KEY-",
    "b3BlbnNzaC1rZXktdjE",
    "00D",
    "bot",
    "django-insecure-",
    "https://",
    "pbkdf2",
    "bcrypt",
    "argon2",
    "scrypt",
];

/// [`PROVIDER_PREFIXES`] alone, for the byte-at-a-time reference (`tests::of_full_path`).
#[cfg(test)]
fn provider_prefixes() -> &'static aho_corasick::AhoCorasick {
    static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
    AC.get_or_init(|| {
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .build(PROVIDER_PREFIXES)
            .expect("provider prefixes")
    })
}

/// `dd)d`, `dddd) d`: 2-4 digits, `)`, an optional space, a digit.
fn area_code(b: &[u8]) -> bool {
    let n = b.iter().take(5).take_while(|c| c.is_ascii_digit()).count();
    if !(2..=4).contains(&n) || b.get(n) != Some(&b')') {
        return false;
    }
    let j = if b.get(n + 1) == Some(&b' ') {
        n + 2
    } else {
        n + 1
    };
    b.get(j).is_some_and(u8::is_ascii_digit)
}

/// How many 3-4 digit groups in a row have ended, after a digit run of `glen` ended (0: no
/// run); `goes_on`: a single space and a digit follow.
fn digit_groups(glen: usize, groups: usize, goes_on: bool) -> usize {
    if glen == 0 {
        return 0;
    }
    let n = if (3..=4).contains(&glen) {
        groups + 1
    } else {
        0
    };
    // The count is read (`>= 3`) before a group that does not go on resets it.
    if goes_on || n >= 3 {
        n
    } else {
        0
    }
}

/// Eight token characters from `end` on (any byte but a blank or a quote: Django keys use
/// punctuation too). Every alternative of [`tokens::provider_re`] is that long after its
/// prefix, and most words that contain a prefix (`github`, `glance`, `SKU`) are not followed
/// by a run.
fn token_follows(b: &[u8], end: usize) -> bool {
    let token = |c: &u8| !c.is_ascii_whitespace() && !matches!(c, b'"' | b'\'');
    b.len() >= end + 8 && b[end..end + 8].iter().all(token)
}

/// A provider prefix followed by [`token_follows`]: the reference for the same test done in
/// [`Features::words_of`]'s pass.
#[cfg(test)]
fn provider_prefix(b: &[u8]) -> bool {
    // Non-overlapping is enough: a prefix that overlaps another's end sees the same blank.
    provider_prefixes()
        .find_iter(b)
        .any(|m| token_follows(b, m.end()))
}

/// Whether the `-` at `i` is one of the two in `YYYY-MM-DD`.
fn iso_date_dash(b: &[u8], i: usize) -> bool {
    let digits = |from: usize, n: usize| {
        from + n <= b.len() && b[from..from + n].iter().all(u8::is_ascii_digit)
    };
    // YYYY-MM-DD: the first dash has 4 digits before, 2 after and a dash; the second has
    // 2 digits and a dash before them, 2 digits after.
    (i >= 4 && digits(i - 4, 4) && digits(i + 1, 2) && b.get(i + 3) == Some(&b'-'))
        || (i >= 7 && digits(i - 2, 2) && b[i - 3] == b'-' && digits(i - 7, 4) && digits(i + 1, 2))
}

type Gate = fn(&Features) -> bool;
/// A necessary condition on the line's text, checked after the gate ([`super::shapes`]).
type Needs = fn(&Features, &str) -> bool;
/// Accepts or rejects a match in its context: `(text, start, end)` of the masked span.
type Check = fn(&str, usize, usize) -> bool;

pub(crate) struct Rule {
    pub kind: SecretKind,
    pub re: Regex,
    /// First participating capture group from this one on is masked (0: the whole match).
    pub group: usize,
    pub gate: Gate,
    /// Checked after `gate` passed: a scan of the line the regex cannot match without.
    pub needs: Option<Needs>,
    pub check: Option<Check>,
}

impl Rule {
    /// A rule whose regex is searched only on lines where `needs` also holds.
    fn needing(self, needs: Needs) -> Rule {
        Rule {
            needs: Some(needs),
            ..self
        }
    }

    /// Whether the rule's regex is searched on `line` (its gate, then its needs).
    pub(crate) fn opens(&self, f: &Features, line: &str) -> bool {
        (self.gate)(f) && self.needs.is_none_or(|n| n(f, line))
    }
}

fn before(text: &str, s: usize) -> Option<u8> {
    s.checked_sub(1).map(|i| text.as_bytes()[i])
}

fn after(text: &str, e: usize) -> Option<u8> {
    text.as_bytes().get(e).copied()
}

fn word(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_')
}

pub(crate) fn rules() -> &'static [Rule] {
    static RULES: OnceLock<Vec<Rule>> = OnceLock::new();
    RULES.get_or_init(|| {
        let r = |kind, re: &str, group, gate: Gate, check: Option<Check>| Rule {
            kind,
            re: Regex::new(re).unwrap_or_else(|e| panic!("built-in rule {re}: {e}")),
            group,
            gate,
            needs: None,
            check,
        };
        use SecretKind::*;
        vec![
            // A private key escaped into one line (JSON/logfmt `\n`), to its END and the
            // escape after it, or to the end of its base64 when END is missing.
            r(
                Secret,
                r"-----BEGIN [A-Z ]*PRIVATE KEY(?: BLOCK)?-----(?:(?:\\[nr]|[A-Za-z0-9+/=: ,\-])*?-----END [A-Z ]*PRIVATE KEY(?: BLOCK)?-----(?:\\n)?|(?:\\[nr]|[A-Za-z0-9+/=])+)",
                0,
                |f| f.has(Word::Begin),
                None,
            ),
            r(Secret, tokens::provider_re().as_str(), 0, |f| f.provider || f.dollar, Some(token_edges)),
            r(
                Secret,
                tokens::provider_shapes_re().as_str(),
                0,
                |f| f.has(Word::Shape) || (f.dots >= 2 && f.run >= 59),
                Some(token_edges),
            )
            .needing(shapes::provider_shape),
            // Oracle thin JDBC URLs carry user/password@host.
            r(Secret, r"(?-u:\b)jdbc:oracle:thin:[^/\s@]+/([^@\s]+)@", 1, |f| f.at && f.has(Word::Jdbc), None),
            // An AWS access key id and its secret key written as one pair (`AKIA...:secret`,
            // `AKIA.../secret`): the secret is 40 base64 characters.
            r(Secret, r"(?-u:\b)(?:AKIA|ASIA)[A-Z0-9]{16}[:/]([A-Za-z0-9/+]{40})(?-u:\b)", 1, |f| f.provider, None),
            // Azure DevOps personal access tokens: 52 characters of lowercase base32.
            r(Secret, r"(?-u:\b)[a-z2-7]{52}(?-u:\b)", 0, |f| f.run >= 52 && f.has(Word::Azure), Some(base32_token)),
            // Passwords in URLs: scheme://user:PASSWORD@host.
            r(Secret, r"(?i)(?-u:\b)[a-z][a-z0-9+.\-]*://[^\s:/@]*:([^\s@/]+)@", 1, |f| f.scheme && f.at, None),
            // Authorization schemes with one credential (Bearer, Basic, Token, OAuth 2, SSWS, Bot,
            // Negotiate); parameter lists (Digest, OAuth 1.0, AWS4) are left to the field rules.
            r(
                Secret,
                r"(?i)(?-u:\b)(?:bearer|basic|token|oauth|ssws|bot|negotiate|apikey|api-key|sentry|key)\s+([A-Za-z0-9._~+/\-$%]{6,}=*)(?:$|[^=A-Za-z0-9._~+/\-%])",
                1,
                |f| f.run >= 6 && f.has(Word::Scheme),
                Some(credential_word),
            ),
            r(Secret, r#"(?i)(?-u:\b)response="([0-9a-f]{16,})""#, 1, |f| f.has(Word::Response), None),
            // "using password Tr0ub4dor&3", Redis AUTH (also as MONITOR prints it).
            r(
                Secret,
                r#"(?:^|[^A-Za-z0-9_\-])(?:(?i:password|passwd|pwd|passphrase)(?:(?:\s+for\s+\S+)?\s+is)?|AUTH|"AUTH"(?:\s+"[^"]*")??)\s+"?([^\s\x22'`,;()\[\]{}]+)"?"#,
                1,
                |f| f.has(Word::Pass),
                Some(not_plain_word),
            )
            .needing(shapes::password_word),
            // Command lines: long flags, curl -u, client short flags, htpasswd -b.
            r(
                Secret,
                r#"(?i)(?:^|\s)--?(?:password|passwd|pass|pwd|token|secret|api-key|apikey|access-key|secret-key|auth-token|client-secret|private-key|key-password|storepass|keypass)[ =](?:"([^"]+)"|'([^']+)'|([^\s"']+))"#,
                1,
                |f| f.dashes > 0 && f.has(Word::Pass),
                None,
            ),
            r(Secret, r#"(?:^|\s)(?:-u|--user)\s+['"]?[^\s:'"]+:([^\s'"]+)"#, 1, |f| f.colons > 0 && f.has(Word::User), None),
            // Client tools' password flags, each tool its own (redis-cli -p is a port, -a the password).
            r(Secret, r#"(?-u:\b)(?:mysql\w*|mariadb\w*)(?-u:\b)[^\n]*?[\s"']-p([^\s"']+)"#, 1, |f| f.has(Word::Tool), None),
            r(
                Secret,
                r#"(?-u:\b)(?:rabbitmqadmin|sshpass|docker\s+login|podman\s+login|helm\s+registry\s+login)(?-u:\b)[^\n]*?\s(?:-p|--password)\s+(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#,
                1,
                |f| f.has(Word::Tool),
                None,
            ),
            // `oc login -u x -p pw`, `cf login -p pw`: a login command's `-p` is its password.
            r(Secret, r#"(?-u:\b)login\s[^\n]*?\s-p\s+(?:"([^"]*)"|'([^']*)'|([^\s"'\-][^\s"']*))"#, 1, |f| f.has(Word::Tool), None),
            // Vault's CLI takes a token as the positional argument of `vault login [options]
            // [TOKEN | K=V...]`; `-` reads it from stdin and `K=V` pairs are the fields'.
            r(Secret, r"(?-u:\b)vault\s+login(?:\s+-\S+)*\s+([^\s\-=][^\s=]*)(?:\s|$)", 1, |f| f.has(Word::Tool), None),
            // `rabbitmqctl add_user|change_password <user> <password>`.
            r(Secret, r#"(?-u:\b)rabbitmqctl\s+(?:add_user|change_password)\s+\S+\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#, 1, |f| f.has(Word::Tool), None),
            // FreeRADIUS with `auth_badpass`/`auth_goodpass` prints `[user/password]`.
            r(Secret, r"Login (?:incorrect|OK)[^\[\n]*\[[^/\]\s]*/([^\]\n]+)\]", 1, |f| f.has(Word::Radius), None),
            // A card security code named in prose: `cvv 123`, `CVC: 4321`.
            r(Card, r"(?i)(?-u:\b)(?:cvv2?|cvc2?)[\s:=#]+(\d{3,4})(?-u:\b)", 1, |f| f.has(Word::Cvv), None),
            // `the new key is <value>`: a credential word, `is`, then the value.
            r(Secret, r#"(?i)(?-u:\b)(?:key|token|secret|seed)(?:\s+for\s+\S+)?\s+is\s+['"]?([^\s'",;]{16,})"#, 1, |f| f.has(Word::Pass) || f.has(Word::Seed), Some(stated_credential))
                .needing(shapes::stated),
            r(Secret, r#"(?-u:\b)redis-cli(?-u:\b)[^\n]*?\s-a\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#, 1, |f| f.has(Word::Tool), None),
            r(Secret, r#"(?-u:\b)ssh-keygen(?-u:\b)[^\n]*?\s-[NP]\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#, 1, |f| f.has(Word::Tool), None),
            r(Secret, r#"(?-u:\b)nuget(?-u:\b)[^\n]*?\s(?:-k|-ApiKey|--api-key)\s+(?:"([^"]*)"|'([^']*)'|([^\s"']+))"#, 1, |f| f.has(Word::Tool), None),
            r(Secret, r"(?-u:\b)htpasswd\s+(?:-[A-Za-z]+\s+)+\S+\s+\S+\s+(\S+)", 1, |f| f.has(Word::Tool), None),
            // Windows `net use [d:] \\server\share [password | *] [/user:[domain\]name]`: the
            // password is the argument after the share that is not an option or `*`.
            r(
                Secret,
                r#"(?i)(?-u:\b)net\s+use\s+(?:[a-z]:\s+|\*\s+)?\\\\[^\s"]+(?:\s+/[^\s"]+)*\s+([^\s/*"][^\s"]*)"#,
                1,
                |f| f.has(Word::Tool),
                None,
            ),
            // PowerShell `ConvertTo-SecureString [-String] <plain text> -AsPlainText`.
            r(
                Secret,
                r#"(?i)(?-u:\b)ConvertTo-SecureString\s+(?:-String\s+)?(?:'([^']*)'|"([^"]*)"|([^\s'"\-][^\s'"]*))"#,
                1,
                |f| f.has(Word::Tool),
                None,
            ),
            // IMAP `tag LOGIN userid password` (RFC 3501), alone on its line as a client sends it.
            r(
                Secret,
                r#"^\s*(?:C:\s*)?[A-Za-z0-9]+\s+LOGIN\s+(?:"[^"]*"|[^\s"]+)\s+(?:"([^"]*)"|([^\s"]+))\s*$"#,
                1,
                |f| f.has(Word::Tool),
                None,
            ),
            // POP3 `PASS string` (RFC 1939), alone on its line; a test runner's `PASS path` is not.
            r(Secret, r"^\s*(?:C:\s*)?PASS (\S+)\s*$", 1, |f| f.has(Word::Password), Some(not_a_path)),
            // Redis MONITOR prints AUTH's arguments quoted; the password is the last one.
            r(Secret, r#""AUTH"(?:\s+"[^"]*")*\s+"([^"]+)""#, 1, |f| f.has(Word::Pass) && f.quote, None)
                .needing(shapes::password_word),
            // SQL: ALTER ROLE ... PASSWORD '...', CREATE USER ... IDENTIFIED BY '...'.
            r(Secret, r"(?i)(?-u:\b)(?:password|identified\s+by)\s+'([^']+)'", 1, |f| f.has(Word::Pass) && f.quote, None)
                .needing(shapes::password_word),
            // MySQL: IDENTIFIED WITH <plugin> BY '...', SET PASSWORD [FOR 'u'@'h'] = '...'.
            r(
                Secret,
                r"(?i)(?-u:\b)(?:identified\s+with\s+\w+\s+by|set\s+password(?:\s+for\s+\S+)?\s*=)\s*'([^']+)'",
                1,
                |f| f.has(Word::Pass) && f.quote,
                None,
            )
            .needing(shapes::password_word),
            // `password for mailbox 1234 changed to 9876` (Asterisk voicemail), `PIN ... set to`.
            r(
                Secret,
                r#"(?i)(?-u:\b)(?:password|passcode|pin)(?:\s+for\s+\S+(?:\s+\S+)?)?\s+(?:changed|set|reset)\s+to\s+['"]?([^\s'",;]+)"#,
                1,
                |f| f.has(Word::Pass) || f.has(Word::Code),
                None,
            ),
            // PHP's PDO constructor: (dsn, username, password, options).
            r(Secret, r"(?-u:\b)PDO(?:->__construct)?\('[^']*',\s*'[^']*',\s*'([^']+)'", 1, |f| f.has(Word::Pass) && f.quote, None),
            // One-time codes in messages: "Your verification code is 123456", "OTP: 1234".
            r(
                Secret,
                // `+` is a space in a form body (`Body=Your+code+is+123456`).
                r"(?i)(?-u:\b)(?:(?:verification|security|one-time|login|auth|2fa|confirmation|access|your)[\s+]+code|otp|passcode)(?:[\s+]+is)?[\s:=#+]+(\d{4,8})(?-u:\b)",
                1,
                |f| f.max_digit_run >= 4 && f.has(Word::Code),
                None,
            ),
            // Tokens in the path of password-reset, verification and invitation links.
            r(
                Secret,
                r"(?i)/(?:reset|reset-password|password/reset|password-reset|verify|verification|confirm|confirmation|invite|invitation|activate|activation|magic-link|magic|unsubscribe|token|t)/([A-Za-z0-9_\-.~]{16,})",
                1,
                |f| f.run >= 16 && f.has(Word::Link),
                Some(mixed_token),
            ),
            r(Secret, r"(?-u:\b)eyJ[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]{4,}\.[A-Za-z0-9_\-]*", 0, |f| f.has(Word::Jwt), None),
            r(
                Email,
                r"[\p{L}\p{N}._%+\-]+(?:@|%40)[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,}(?-u:\b)",
                0,
                |f| f.at || f.pct40,
                Some(email_ok),
            ),
            r(Iban, r"(?-u:\b)[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?(?-u:\b)", 0, |f| f.uu_dd, Some(iban_ok)),
            // Grouped as printed (4-4-4-4, Amex 4-6-5) or one run of digits.
            r(
                Card,
                r"\d{4} \d{4} \d{4} \d{1,7}|\d{4}-\d{4}-\d{4}-\d{1,7}|\d{4} \d{6} \d{4,5}|\d{4}-\d{6}-\d{4,5}|\d{13,19}",
                0,
                // Every match has 13+ digits in a row or two groups of four.
                |f| f.max_digit_run >= 13 || (f.d4_sep_d4 && f.max_digit_run >= 4 && (f.digit_space_digit || f.digit_dashes >= 2)),
                Some(card_ok),
            )
            .needing(shapes::card_number),
            r(
                Id,
                r"(?-u:\b)(?:\d{3}-\d{2}-\d{4}|[A-Z]{2} ?\d{2} ?\d{2} ?\d{2} ?[A-D]|[XYZ0-9]\d{7}[A-Z]|[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]|[A-Z]{5}\d{4}[A-Z]|\d{3}\.\d{3}\.\d{3}-\d{2}|[2-9]\d{3} \d{4} \d{4}|[1278] ?\d{2} ?\d{2} ?(?:\d{2}|2A|2B) ?\d{3} ?\d{3} ?\d{2}|\d{3} \d{3} \d{3}|\d{2}\.\d{3}\.\d{3}/\d{4}-\d{2}|\d{3}-\d{3}-\d{3}|(?:\d{2})?\d{6}-\d{4}|\d{2} \d{3} \d{3} \d{3})(?-u:\b)",
                0,
                // What each alternative needs, in order: SSN, NINO, DNI/NIE, codice fiscale,
                // PAN, CPF, Aadhaar, NIR, SIN/TFN, CNPJ, dashed SIN, personnummer, Steuer-ID.
                |f| {
                    f.digit_dashes >= 2
                        || (f.digit_dashes >= 1 && f.max_digit_run >= 6)
                        || f.uu_dd
                        || f.digits7_upper
                        || f.u5_digit
                        || (f.digit_dots >= 2 && f.digit_dashes >= 1)
                        || f.grouped3
                        || f.max_digit_run >= 13
                        || (f.spaced_digits >= 13 && f.digit_space_digits >= 3)
                        || f.corsica
                },
                Some(national_ok),
            )
            .needing(shapes::national_id),
            // A netfilter MAC= field: destination, source and EtherType in one colon-hex run.
            r(Mac, r"(?-u:\b)MAC=([0-9a-fA-F]{2}(?::[0-9a-fA-F]{2}){5,13})", 1, |f| f.has(Word::Mac), None),
            r(Mac, r"(?-u:\b)[0-9A-Fa-f]{2}(?:[:\-][0-9A-Fa-f]{2}){5}(?-u:\b)|(?-u:\b)[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}(?-u:\b)", 0, |f| f.hex_pairs >= 5 || f.cisco_mac, Some(mac_ok))
                .needing(shapes::mac),
            r(
                Ip,
                r"(?i)(?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}(?:\.\d{1,3}\.\d{1,3}\.\d{1,3})?",
                0,
                |f| f.hexcolon || f.colons >= 7,
                Some(ipv6_ok),
            )
            .needing(shapes::ipv6_address),
            // `addr:port` without brackets (HAProxy, ALB): the address before the last group.
            r(
                Ip,
                r"(?i)((?:[0-9a-f]{0,4}:){2,7}[0-9a-f]{0,4}):\d{1,5}(?-u:\b)",
                1,
                // Nine groups, or `::` and a five-digit port: either way `::` or 8 colons.
                |f| f.hexcolon && (f.double_colon || f.colons >= 8),
                Some(ipv6_port_ok),
            ),
            // After IPv6, so ::ffff:198.51.100.7 is one address, not a prefix and an IPv4.
            r(Ip, r"\d{1,3}(?:\.\d{1,3}){3}", 0, |f| f.dotted, Some(ipv4_ok)),
            r(
                Phone,
                r"\+[1-9]\d{0,2}[ .\-]?\(?\d{1,4}\)?(?:[ .\-]?\d{2,5}){2,5}|\(\d{2,4}\) ?\d{3,5}[ .\-]?\d{3,4}|(?-u:\b)\d{3}[.\-]\d{3}[.\-]\d{4}(?-u:\b)|(?-u:\b)0\d{1,4}(?:-\d{2,4}){2,3}(?-u:\b)|(?-u:\b)0\d(?: \d{2}){4}(?-u:\b)|(?-u:\b)0\d(?:\.\d{2}){4}(?-u:\b)",
                0,
                // Spaced layouts need four digit-space-digit steps (`0X XX XX XX XX`) unless
                // they open with `+` or `(`; dotted ones four dots between digits.
                |f| {
                    f.phone_open
                        || f.digit_dashes >= 2
                        || f.dot4
                        || f.digit_space_digits >= 4
                        || (f.digit_space_digit && f.digit_dots >= 4)
                },
                Some(phone_ok),
            )
            .needing(shapes::phone),
            // A person's name after a courtesy title or a salutation: `Mr. John Smith`,
            // `Frau Anna Weber`, `Dear Maria Silva`, `Sra. Lucía Gómez`.
            r(
                Personal,
                r"(?-u:\b)(?:Mr|Mrs|Ms|Mx|Dr|Herr|Frau|Mme|Mlle|Sr|Sra|Srta|Dear)\.?\s+(\p{Lu}\p{Ll}+(?:[ \-]\p{Lu}\p{Ll}+){0,2})",
                1,
                |f| f.has(Word::Title),
                None,
            ),
            // A phone number percent-encoded in a form body or URL (`To=%2B44%2020%207946%200958`).
            r(
                Phone,
                r"%2[Bb][1-9]\d{0,2}(?:(?:%20|\+|[.\-]|%2[Dd])?(?:%28)?\d{1,5}(?:%29)?){2,6}",
                0,
                |f| f.has(Word::Pct),
                Some(encoded_phone_ok),
            ),
            // A PostgreSQL password file line (`.pgpass`): host:port:database:user:password,
            // the port a number or `*`; the password is the rest of the line.
            r(
                Secret,
                r"^\s*[A-Za-z0-9_.\-*]+:(?:\d{1,5}|\*):[^:\s]+:[^:\s]+:(\S.*?)\s*$",
                1,
                |f| f.colons >= 4,
                Some(pgpass_ok),
            )
            .needing(shapes::pgpass_head),
            // Basic credentials without their scheme word: base64 of "user:password".
            r(Secret, r"(?-u:\b)[A-Za-z0-9+/]{12,}={0,2}", 0, |f| f.run >= 12 && f.has(Word::Pass), Some(basic_ok)),
            // Long random-looking strings: generic API keys and tokens without a known prefix.
            r(Secret, r"[A-Za-z0-9+/_\-]{32,}=*", 0, |f| f.mixed32, Some(random_ok)),
        ]
    })
}

/// Not a relative path of lowercase segments (`src/app.test.js`).
fn not_a_path(text: &str, s: usize, e: usize) -> bool {
    let v = &text[s..e];
    !(v.contains('/')
        && v.split('/').all(|p| {
            p.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
            })
        }))
}

/// Random base32 has digits among its letters (a 52-letter word run has none).
fn base32_token(text: &str, s: usize, e: usize) -> bool {
    text[s..e].bytes().filter(u8::is_ascii_digit).count() >= 3
}

/// A path token with letters and digits (not a word or a number).
fn mixed_token(text: &str, s: usize, e: usize) -> bool {
    let t = &text[s..e];
    t.bytes().any(|b| b.is_ascii_digit())
        && t.bytes().any(|b| b.is_ascii_alphabetic())
        && !t.contains('.')
}

/// A token starts a word (or is a URL or a hash), and a fixed-length one ends there:
/// `AKIA` + 16 followed by more letters is something else.
fn token_edges(text: &str, s: usize, e: usize) -> bool {
    let starts =
        !word(before(text, s)) || text[s..].starts_with("https://") || text[s..].starts_with('$');
    starts && !after(text, e).is_some_and(|b| b.is_ascii_alphanumeric())
}

/// A credential after a scheme word is not a plain lowercase word ("Bearer auth failed").
fn credential_word(text: &str, s: usize, e: usize) -> bool {
    let v = &text[s..e];
    // `minisign public key 2962...`, `public key ABCD...`: what follows names a public key.
    let lead = text[..s].trim_end();
    if lead.len() >= 10
        && lead.is_char_boundary(lead.len() - 10)
        && lead[lead.len() - 10..].eq_ignore_ascii_case("public key")
    {
        return false;
    }
    let plain = v.chars().all(|c| c.is_ascii_lowercase() || c == '-');
    // "token 3 of 5", "key cache_key" : a credential has a digit or mixed case, or is long.
    let strong = v.bytes().any(|b| b.is_ascii_digit())
        || v.len() >= 20
        || v.bytes().any(|b| b.is_ascii_uppercase());
    !plain && strong && !super::keys::benign(v, false) && !v.contains("..") && !v.starts_with('/')
}

/// A value stated to be a key: long, with digits, not a word, path or `a:b:c` cache key.
fn stated_credential(text: &str, s: usize, e: usize) -> bool {
    let v = &text[s..e];
    v.bytes().any(|b| b.is_ascii_digit()) && !v.contains(':') && not_plain_word(text, s, e)
}

/// A value that is not an ordinary word: "failed" and "Authentication" are words, "Tr0ub4dor&3" is not.
fn not_plain_word(text: &str, s: usize, e: usize) -> bool {
    let v = text[s..e].trim_end_matches(['.', ':']);
    // A separator (`password = x`, `password => x`) stands between the word and its value.
    if v.bytes()
        .all(|b| matches!(b, b'=' | b':' | b'>' | b'-' | b'|'))
    {
        return false;
    }
    let digits = v.strip_prefix('v').unwrap_or(v);
    if digits.contains('.') && digits.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return false;
    }
    // The next field (`password session_count=3`, `Password Type="..."`), or a keyword in
    // capitals (`SET PASSWORD FOR 'u'`), follows the word; neither is the password.
    let key_len = v
        .bytes()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    if key_len > 0 && v[key_len..].starts_with('=') && v.as_bytes()[0].is_ascii_alphabetic() {
        return false;
    }
    if v.len() <= 8 && v.bytes().all(|c| c.is_ascii_uppercase()) {
        return false;
    }
    let mut chars = v.chars();
    let first_ok = chars.next().is_some_and(|c| c.is_ascii_alphabetic());
    let plain = first_ok && chars.all(|c| c.is_ascii_lowercase());
    // A path (`secret/data/payments/db`) is where a secret is kept, not the secret.
    let path = v.contains('/')
        && v.split('/').all(|p| {
            p.bytes().all(|b| {
                b.is_ascii_lowercase() || b.is_ascii_digit() || matches!(b, b'_' | b'-' | b'.')
            })
        });
    !plain && !path && !super::keys::benign(v, false) && !v.starts_with('/') && !v.starts_with('<')
}

/// An address is not mail when it is the login target of a remote shell on a private host
/// (`ssh deploy@app-07.prod.internal`): top-level names that are never delegated in public
/// DNS (`.internal`, `.local`, `.lan`, `.home.arpa`, `.localdomain`, `.corp`).
fn email_ok(text: &str, s: usize, e: usize) -> bool {
    let domain = text[s..e].rsplit(['@', '%']).next().unwrap_or("");
    // A Kerberos principal (`HTTP/web-3.corp.example@CORP.EXAMPLE`, RFC 4120): a service name
    // and `/` before the host, and a realm in capitals by convention.
    if text[..s].ends_with('/') && !domain.bytes().any(|b| b.is_ascii_lowercase()) {
        return false;
    }
    // Google Cloud service accounts (`name@project.iam.gserviceaccount.com`) are robots'
    // identities, named in resource paths, not anyone's mailbox.
    if domain.ends_with(".iam.gserviceaccount.com") {
        return false;
    }
    // `ssh`/`scp` take `user@host` as the login target, whatever the host's domain.
    if remote_shell(command_segment(&text[..s])) {
        return false;
    }
    let tld = domain.rsplit('.').next().unwrap_or("").to_ascii_lowercase();
    let private = matches!(
        tld.as_str(),
        "internal" | "local" | "lan" | "localdomain" | "corp" | "intranet" | "arpa"
    );
    !(private && remote_shell(&text[..s]))
}

/// The last command of a shell line's text (after its last `;`, `|` or `&`).
fn command_segment(before: &str) -> &str {
    before.rsplit([';', '|', '&']).next().unwrap_or(before)
}

/// Whether the text before a match runs a remote-shell command.
fn remote_shell(before: &str) -> bool {
    before
        .split(|c: char| c.is_whitespace() || matches!(c, '\'' | '"' | '$' | ';' | '&' | '|'))
        .any(|w| matches!(w, "ssh" | "scp" | "sftp" | "rsync" | "mosh" | "sshpass"))
}

/// A percent-encoded phone: decoded (`%20`, `+` as spaces), a plausible international number.
fn encoded_phone_ok(text: &str, s: usize, e: usize) -> bool {
    if word(after(text, e)) || after(text, e) == Some(b'%') && word(after(text, e + 1)) {
        return false;
    }
    let decoded = format!(
        "+{}",
        text[s + 3..e]
            .replace("%20", " ")
            .replace("%2D", "-")
            .replace("%2d", "-")
            .replace("%28", "(")
            .replace("%29", ")")
            .replace('+', " ")
    );
    ids::phone(&decoded)
}

/// A `.pgpass` password: not a placeholder or a flag; the host is a name, an address or `*`.
fn pgpass_ok(text: &str, s: usize, e: usize) -> bool {
    let host = text.trim_start().split(':').next().unwrap_or("");
    let has_name = host == "*" || host.bytes().any(|b| b.is_ascii_alphabetic() || b == b'.');
    has_name && !super::keys::benign(&text[s..e], false)
}

fn iban_ok(text: &str, s: usize, e: usize) -> bool {
    !word(before(text, s)) && !word(after(text, e)) && ids::iban(&text[s..e])
}

fn national_ok(text: &str, s: usize, e: usize) -> bool {
    let b = before(text, s);
    let a = after(text, e);
    if word(b) || matches!(b, Some(b'.') | Some(b'-') | Some(b'/') | Some(b':')) {
        return false;
    }
    if word(a) || (matches!(a, Some(b'.') | Some(b'-') | Some(b':')) && word(after(text, e + 1))) {
        return false;
    }
    let v = &text[s..e];
    if v.bytes().filter(|b| *b == b' ').count() >= 2 && in_number_list(text, s, e) {
        // One stretch of a list of numbers ("channels 100 104 108 112"), not an id.
        return false;
    }
    if v.len() == 11 && v.bytes().filter(|b| *b == b' ').count() == 2 {
        // 3-3-3 digit groups: a Canadian SIN or an Australian TFN, by their checks.
        return ids::ca_sin(v) || ids::au_tfn(v);
    }
    ids::national_id(v)
}

/// Whether a space-grouped match continues a list of numbers on either side.
fn in_number_list(text: &str, s: usize, e: usize) -> bool {
    let b = text.as_bytes();
    let digit = |i: Option<usize>| i.and_then(|i| b.get(i)).is_some_and(u8::is_ascii_digit);
    (before(text, s) == Some(b' ') && digit(s.checked_sub(2)))
        || (after(text, e) == Some(b' ') && digit(Some(e + 1)))
}

fn mac_ok(text: &str, s: usize, e: usize) -> bool {
    // Part of a longer colon-hex run (a fingerprint) is not a MAC address.
    let b = before(text, s);
    let a = after(text, e);
    if matches!(b, Some(b':') | Some(b'-'))
        || matches!(a, Some(b':') | Some(b'-'))
        || word(b)
        || word(a)
    {
        return false;
    }
    ids::mac(&text[s..e])
}

fn ipv4_ok(text: &str, s: usize, e: usize) -> bool {
    let b = before(text, s);
    let a = after(text, e);
    // Part of a longer dotted number or word (a version string, 1.2.3.4.5): not an address.
    if b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_' || b == b'-') {
        return false;
    }
    if word(a) || (a == Some(b'.') && after(text, e + 1).is_some_and(|b| b.is_ascii_digit())) {
        return false;
    }
    if version_field(&text[..s]) {
        return false;
    }
    let v = &text[s..e];
    // A private server address in a URL or a CIDR block names infrastructure, not a person.
    let private = v
        .parse::<std::net::Ipv4Addr>()
        .is_ok_and(|ip| ip.is_private());
    if private
        && (text[..s].ends_with("://")
            || (a == Some(b'/') && after(text, e + 1).is_some_and(|b| b.is_ascii_digit()))
            || local_end(&text[..s])
            || account_host(&text[..s])
            || serves_request(&text[..s], &text[e..]))
    {
        return false;
    }
    ids::ipv4(v)
}

/// The value of a field named `version` (`"version":"28.0.1.2"`, `version=`, `Version: `): a
/// four-part version number, not an address.
fn version_field(before: &str) -> bool {
    let b = before.trim_end_matches(['"', '\'']).trim_end();
    let Some(b) = b.strip_suffix([':', '=']) else {
        return false;
    };
    let b = b.trim_end().trim_end_matches(['"', '\'']).as_bytes();
    b.len() >= 7 && b[b.len() - 7..].eq_ignore_ascii_case(b"version")
}

/// An account written `user@host` (`root@10.0.4.7`, MySQL's `'app'@'10.0.2.15'`): the
/// address is the host the account is on or connects from, named as a host name would be.
fn account_host(before: &str) -> bool {
    let b = before.strip_suffix('\'').unwrap_or(before);
    let Some(user) = b.strip_suffix('@') else {
        return false;
    };
    let user = user.strip_suffix('\'').unwrap_or(user);
    user.bytes()
        .last()
        .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
}

/// IIS's W3C extended log in its default field order (`date time s-ip cs-method
/// cs-uri-stem ... c-ip ...`): the address between the time and the request's method is the
/// server's own (`s-ip`); the client's (`c-ip`) comes later in the line.
fn serves_request(before: &str, after: &str) -> bool {
    let b = before.as_bytes();
    // `hh:mm:ss ` just before the address.
    let time = b.len() >= 9
        && b[b.len() - 1] == b' '
        && b[b.len() - 9..b.len() - 1]
            .iter()
            .enumerate()
            .all(|(i, c)| {
                if i == 2 || i == 5 {
                    *c == b':'
                } else {
                    c.is_ascii_digit()
                }
            });
    let Some(rest) = after.strip_prefix(' ') else {
        return false;
    };
    let method = rest.bytes().take_while(u8::is_ascii_uppercase).count();
    time && (3..=7).contains(&method) && rest[method..].starts_with(" /")
}

/// Whether the text before an address names the local (server, destination) end of a
/// connection: `lip=` (Dovecot), `DST=` (netfilter), `laddr=`, `local_ip=`, `server_ip=`.
/// The client's end (`rip=`, `SRC=`, `c-ip`) is who connected; the server's is the host.
fn local_end(before: &str) -> bool {
    let Some(k) = before
        .strip_suffix('=')
        .or_else(|| before.strip_suffix(": "))
    else {
        return false;
    };
    let start = k
        .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
        .map_or(0, |i| i + 1);
    let key = &k[start..];
    let parts = keys::key_parts(key);
    let joined: String = parts.concat();
    matches!(
        joined.as_str(),
        "lip"
            | "laddr"
            | "dst"
            | "daddr"
            | "dstip"
            | "dstaddr"
            | "localip"
            | "localaddr"
            | "localaddress"
            | "serverip"
            | "serveraddr"
            | "serveraddress"
    )
}

fn ipv6_ok(text: &str, s: usize, e: usize) -> bool {
    let cand = text[s..e].trim_end_matches(':');
    let b = before(text, s);
    if b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b':') {
        return false;
    }
    let end = s + cand.len();
    if end == e && (word(after(text, e)) || after(text, e) == Some(b':')) {
        return false;
    }
    ids::ipv6(cand)
}

/// An IPv6 address followed by `:port`, where the address with the port would not parse
/// (nine groups, or a five-digit last group): the port is not part of it.
fn ipv6_port_ok(text: &str, s: usize, e: usize) -> bool {
    let b = before(text, s);
    if b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.' || b == b':') {
        return false;
    }
    let port_end = text[e + 1..].bytes().take_while(u8::is_ascii_digit).count() + e + 1;
    // A port ends the token: `9C:41:...:25:24:C1` (a fingerprint) goes on past it.
    let next = text.as_bytes().get(port_end).copied();
    if next.is_some_and(|c| c.is_ascii_alphanumeric() || c == b':' || c == b'.') {
        return false;
    }
    ids::ipv6(&text[s..e]) && !ids::ipv6(&text[s..port_end])
}

fn card_ok(text: &str, s: usize, e: usize) -> bool {
    let b = before(text, s);
    let a = after(text, e);
    if b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') {
        return false;
    }
    if word(a) || (a == Some(b'.') && after(text, e + 1).is_some_and(|b| b.is_ascii_digit())) {
        return false;
    }
    ids::card(&text[s..e])
}

fn phone_ok(text: &str, s: usize, e: usize) -> bool {
    let b = before(text, s);
    if b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'_') {
        return false;
    }
    let a = after(text, e);
    let next_digit = after(text, e + 1).is_some_and(|b| b.is_ascii_digit());
    // "phone +44 20 7946 0958: pool timeout" ends at ':'; "+1 234 5678:00" is a clock;
    // "(200) 432.924µs" is a status and a duration (a unit follows).
    let unit_after = text[e..].chars().next().is_some_and(char::is_alphabetic);
    if word(a) || unit_after || (matches!(a, Some(b'.') | Some(b':')) && next_digit) {
        return false;
    }
    if in_number_list(text, s, e) && text[s..e].bytes().all(|b| b.is_ascii_digit() || b == b' ') {
        return false;
    }
    ids::phone(&text[s..e])
}

fn basic_ok(text: &str, s: usize, e: usize) -> bool {
    if after(text, e).is_some_and(|b| b.is_ascii_alphanumeric() || b == b'/' || b == b'+') {
        return false;
    }
    tokens::basic_credentials(&text[s..e])
}

fn random_ok(text: &str, s: usize, e: usize) -> bool {
    if before(text, s).is_some_and(|b| b.is_ascii_alphanumeric()) {
        return false;
    }
    // After `x.`, a run that starts with a TLD and a `/` (`bucket.example.com/exports/...`) is
    // the rest of a host and its path; after `9.`, one that starts with digits is the rest
    // of a number (`1805108419.80-4242-...`). Neither starts a token.
    if before(text, s) == Some(b'.') && s >= 2 {
        let b = &text.as_bytes()[s..e];
        let prev = text.as_bytes()[s - 2];
        let tld = b.iter().take_while(|c| c.is_ascii_lowercase()).count();
        let host =
            prev.is_ascii_alphanumeric() && (2..=6).contains(&tld) && b.get(tld) == Some(&b'/');
        if host || (prev.is_ascii_digit() && b[0].is_ascii_digit()) {
            return false;
        }
    }
    let t = &text[s..e];
    // Public key material and fingerprints are published on purpose.
    if t.starts_with("AAAA") || text[..s].ends_with("SHA256:") || text[..s].ends_with("MD5:") {
        return false;
    }
    // Digests of published content: Subresource Integrity (`sha512-<base64>`, npm lock
    // files) and Go/Terraform module hashes (`h1:<base64>`).
    if ["sha256-", "sha384-", "sha512-"]
        .iter()
        .any(|p| t.starts_with(p))
        || text[..s].ends_with("h1:")
    {
        return false;
    }
    // A minisign public key (its documented layout: `Ed`, key id, Ed25519 key = 42 bytes,
    // 56 base64 characters from `RW`) verifies signatures and signs nothing.
    if t.len() == 56 && t.starts_with("RW") && matches!(t.as_bytes()[2], b'Q'..=b'T') {
        return false;
    }
    // BIP32 extended public keys (`xpub`, and `ypub`/`zpub`/`tpub` for other address kinds,
    // 111 characters of base58) let anyone watch a wallet but spend nothing.
    if t.len() == 111
        && ["xpub", "ypub", "zpub", "tpub"]
            .iter()
            .any(|p| t.starts_with(p))
    {
        return false;
    }
    // Base64 of a PEM certificate or public key (a Kubernetes Secret's tls.crt) is public.
    if t.starts_with("LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0t")
        || t.starts_with("LS0tLS1CRUdJTiBQVUJMSUMgS0VZ")
    {
        return false;
    }
    tokens::random_looking(t)
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    impl Features {
        /// [`Features::of`] as it was before its fast paths for digits, spaces and capitals:
        /// every non-lowercase byte through the full path.
        fn of_full_path(line: &str) -> Features {
            let mut f = Features::default();
            let b = line.as_bytes();
            let (mut run, mut drun, mut urun) = (0, 0, 0);
            // Digit groups of 3-4 in a row, single spaces between (`2345 6789 0123`).
            let (mut glen, mut groups) = (0, 0);
            // The byte before the current digit run (`.` before fractional seconds).
            let mut run_prev = b' ';
            let mut tok = Token::default();
            for (i, &c) in b.iter().enumerate() {
                // Most bytes are lowercase letters, which only extend runs: what the full path
                // below (and `shape`) would do for one, in a few instructions.
                if c.is_ascii_lowercase() {
                    drun = 0;
                    urun = 0;
                    glen = 0;
                    groups = 0;
                    run += 1;
                    f.run = f.run.max(run);
                    tok.len += 1;
                    tok.low = true;
                    tok.spaced = 0;
                    if tok.len >= 32 && tok.up && tok.dig {
                        f.mixed32 = true;
                    }
                    continue;
                }
                shape(b, i, &mut f, &mut tok);
                let prev = if i > 0 { b[i - 1] } else { b' ' };
                let next = b.get(i + 1).copied().unwrap_or(b' ');
                if c.is_ascii_digit() {
                    glen += 1;
                } else {
                    groups = digit_groups(glen, groups, c == b' ' && next.is_ascii_digit());
                    f.grouped3 |= groups >= 3;
                    glen = 0;
                }
                match c {
                    b'0'..=b'9' => {
                        if drun == 0 {
                            run_prev = prev;
                        }
                        drun += 1;
                        f.max_digit_run = f.max_digit_run.max(drun);
                        if urun >= 2 {
                            f.uu_digit = true;
                        }
                        // `+` and a country code (not a `+0000` UTC offset), or an area code in
                        // parentheses before the number (`(02) 4738`).
                        if (prev == b'+' && c != b'0') || (prev == b'(' && area_code(&b[i..])) {
                            f.phone_open = true;
                        }
                    }
                    b' ' if prev.is_ascii_digit() && next.is_ascii_digit() => {
                        f.digit_gap_digit = true
                    }
                    b'.' => {
                        f.dots += 1;
                        if prev.is_ascii_digit() && next.is_ascii_digit() {
                            f.digit_gap_digit = true;
                            f.digit_dots += 1;
                            let rest = &b[i + 1..];
                            let n = rest.iter().take_while(|d| d.is_ascii_digit()).count();
                            if (1..=3).contains(&n)
                                && rest.get(n) == Some(&b'.')
                                && rest.get(n + 1).is_some_and(u8::is_ascii_digit)
                            {
                                f.dotted = true;
                            }
                        }
                    }
                    b'@' => f.at = true,
                    b':' => {
                        f.colons += 1;
                        let letter = |c: u8| matches!(c, b'a'..=b'f' | b'A'..=b'F');
                        if next == b'/' {
                            f.scheme = true;
                        }
                        if next == b':' {
                            f.double_colon = true;
                            f.hexcolon = true;
                        }
                        if i > 0
                            && prev.is_ascii_hexdigit()
                            && next.is_ascii_hexdigit()
                            && (letter(prev) || letter(next))
                        {
                            f.hexcolon = true;
                        }
                    }
                    b'-' => {
                        f.dashes += 1;
                        if prev.is_ascii_digit() && next.is_ascii_digit() && !iso_date_dash(b, i) {
                            f.digit_dashes += 1;
                        }
                    }
                    b'$' => f.dollar = true,
                    b'\'' | b'"' => f.quote = true,
                    b'%' if next == b'4' && b.get(i + 2) == Some(&b'0') => f.pct40 = true,
                    _ => {}
                }
                if !c.is_ascii_digit() {
                    if drun >= 7 && c.is_ascii_uppercase() && run_prev != b'.' {
                        f.digits7_upper = true;
                    }
                    drun = 0;
                }
                if c.is_ascii_uppercase() {
                    if matches!(c, b'A' | b'B')
                        && prev == b'2'
                        && (next == b' ' || next.is_ascii_digit())
                    {
                        f.corsica = true;
                    }
                    urun += 1;
                    if urun >= 5 {
                        f.upper5 = true;
                    }
                } else if !(c == b' ' && urun >= 2) {
                    urun = 0;
                }
                if c.is_ascii_alphanumeric()
                    || matches!(c, b'+' | b'/' | b'_' | b'-' | b'=' | b'.' | b'~')
                {
                    run += 1;
                    f.run = f.run.max(run);
                } else {
                    run = 0;
                }
            }
            f.grouped3 |= digit_groups(glen, groups, false) >= 3;
            f.provider = provider_prefix(b);
            for m in marker_words_ac().find_overlapping_iter(b) {
                match WORDS.get(m.pattern().as_usize()) {
                    Some(w) => f.words |= w.1 as u32,
                    None => {
                        f.field_word = f.field_word || keys::field_word_at(b, m.start(), m.end());
                    }
                }
            }
            f
        }
    }

    /// The marker words and field words without the provider prefixes: the automaton
    /// [`Features::of`] searched before it found the prefixes in the same pass.
    fn marker_words_ac() -> &'static aho_corasick::AhoCorasick {
        static AC: OnceLock<aho_corasick::AhoCorasick> = OnceLock::new();
        AC.get_or_init(|| {
            aho_corasick::AhoCorasick::builder()
                .ascii_case_insensitive(true)
                .match_kind(aho_corasick::MatchKind::Standard)
                .build(WORDS.iter().map(|(w, _)| *w).chain(keys::field_words()))
                .expect("marker words")
        })
    }

    /// The lines of every fixture of every format, and of the secrets sets.
    pub(in crate::narrative::redact) fn fixture_lines() -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        let root = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");
        for dir in ["secrets", "secrets/blind", "secrets/blind-2", "formats"] {
            let Ok(entries) = std::fs::read_dir(format!("{root}/{dir}")) else {
                continue;
            };
            for e in entries.flatten() {
                if let Ok(text) = std::fs::read_to_string(e.path()) {
                    lines.extend(text.lines().map(str::to_string));
                }
            }
        }
        assert!(lines.len() > 1000, "fixtures not found under {root}");
        lines
    }

    /// `n` pseudo-random strings of up to 47 bytes over `alphabet`.
    fn random_lines(alphabet: &[u8], n: usize) -> Vec<String> {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut lines = Vec::new();
        for _ in 0..n {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let len = (seed % 48) as usize;
            let line: String = (0..len)
                .map(|k| {
                    let r = seed.rotate_left(k as u32 * 5) ^ (k as u64).wrapping_mul(0x2545_F491);
                    alphabet[(r % alphabet.len() as u64) as usize] as char
                })
                .collect();
            lines.push(line);
        }
        lines
    }

    /// Lines of every shape the fast paths touch: fixtures of every format, and random
    /// strings over the bytes the features look at (digits, capitals, separators, and the
    /// letters of provider prefixes).
    #[test]
    fn of_matches_the_full_path() {
        let mut lines = fixture_lines();
        lines.extend(random_lines(
            b"0123456789 ABFZKaef2(+.)-:@%$'\"/_=~x",
            20_000,
        ));
        lines.extend(random_lines(
            b"0123456789 ghlSKACIAsk-_.,\t#:xoyaApbt",
            20_000,
        ));
        for line in &lines {
            assert_eq!(
                format!("{:?}", Features::of(line)),
                format!("{:?}", Features::of_full_path(line)),
                "{line:?}"
            );
        }
    }

    fn hits(line: &str) -> Vec<&str> {
        let f = Features::of(line);
        let mut out = Vec::new();
        for r in rules().iter().filter(|r| r.opens(&f, line)) {
            for c in r.re.captures_iter(line) {
                let Some(m) = (r.group..c.len()).find_map(|g| c.get(g)) else {
                    continue;
                };
                if r.check.is_none_or(|ck| ck(line, m.start(), m.end())) {
                    out.push(m.as_str());
                }
            }
        }
        out
    }

    #[test]
    fn credentials_stated_in_chat_and_by_their_published_layouts() {
        assert!(hits(
            "app_voicemail.c: Voicemail password for mailbox 100@default changed to 4321 by user"
        )
        .contains(&"4321"));
        // `<secret word> for <whom> is <value>`.
        assert!(
            hits("[10:01] <it> temp password for ana@example.org is Lupin-43kite")
                .contains(&"Lupin-43kite")
        );
        assert!(
            hits("new TOTP seed for bo@example.org is JBSWY3DPEHPK3PXP7QWERTY2, scan it")
                .contains(&"JBSWY3DPEHPK3PXP7QWERTY2")
        );
        // A separator after the word is not the value.
        assert!(!hits("db.password = Tr0ub4dor&3x").contains(&"="));
        // A Slack webhook's path alone, as an access log writes the request.
        let path = "/services/T0ABCDEF12/B0ABCDEF34/q1w2e3r4t5y6u7i8o9p0a1s2";
        assert!(hits(&format!("\"POST {path} HTTP/1.1\" 200")).contains(&path));
        // crypt(3) stops at shadow(5)'s `:`; a PHC string keeps its `,`-joined parameters.
        let shadow = "$6$Qx9sAlt$K0m1Pq8Zr2LmN0pX7vB4kQx9sAlt.K0m1Pq8Zr2LmN/0pX7vB4kQx9sAltK0m1Pq8Zr2LmN0pX7vB4k";
        assert!(hits(&format!("ops:{shadow}:19876:0:99999:7:::")).contains(&shadow));
        let phc = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHRzYWx0$K0m1Pq8Zr2LmN0pX7vB4kQx9sAltK0m1Pq8Zr2LmN0o";
        assert!(hits(&format!("{{\"hash\": \"{phc}\"}}")).contains(&phc));
        // A minisign secret key file's body.
        let sk = format!("RWRTY0Iy{}", "Qm8v2LpX7rTz0kWn".repeat(10));
        assert!(hits(&sk).contains(&sk.as_str()));
    }

    #[test]
    fn public_digests_names_and_login_targets_stay() {
        for line in [
            // Subresource Integrity and module hashes: digests of published files.
            "integrity sha512-Qm8v2LpX7rTz0kWnQm8v2LpX7rTz0kWnQm8v2LpX7rTz0kWnQm8v2LpX7rTz0kWnQm8v2LpX7rTz0kWnQQ==",
            "  \"h1:Qm8v2LpX7rTz0kWnQm8v2LpX7rTz0kWnQm8v2LpX7rU=\",",
            // A run after `x.` continues a dotted name or a number.
            "GET https://bucket.example.com/exports/0E4Q243EV5SZXWCABFXS85EGJJxyz.csv",
            "TO /tmp/.ansible/tmp/ansible-tmp-1805100000.12-4242-987654321098765/AnsiballZ_ping.py",
            // minisign public keys: the key id and the key.
            "untrusted comment: minisign public key 4A6F1C0D2E3B5A79",
            "RWQf6LRCGA9i53mlYecO4IzT51TGPpvWucNSCh1CBM0QTaLn73Y7GFO3",
            // Login targets, Kerberos principals, Google service accounts.
            "sshpass -e scp build.tgz deploy@web-2.example.org:/srv/",
            "   2 01/02/2026 10:00:00 HTTP/web-2.example.org@EXAMPLE.ORG (aes256-cts-hmac-sha1-96)",
            "member serviceAccount:etl-runner@my-project.iam.gserviceaccount.com added",
        ] {
            let h = hits(line);
            assert!(h.is_empty(), "{line}: {h:?}");
        }
    }

    #[test]
    fn numbers_that_are_not_ids_or_phones() {
        for line in [
            "en0: Supported channels 36 40 44 100 104 108 112 116 120 124 128",
            r#"msg="POST /push.v1.PusherService/Push (200) 432.924µs""#,
            "2024-06-14T07:30:04.012Z INFO orders-api took 1500ms status=503 v1.24.3",
        ] {
            assert!(hits(line).is_empty(), "{line}: {:?}", hits(line));
        }
    }

    #[test]
    fn form_bodies_password_files_and_remote_shells() {
        // A form-encoded SMS request: the number percent-encoded, `+` for spaces.
        let mut got = hits("To=%2B44%2020%207946%200958&Body=Your+code+is+482913");
        got.sort();
        assert_eq!(got, ["%2B44%2020%207946%200958", "482913"]);
        assert_eq!(hits("To=%2B14155550123&From=x"), ["%2B14155550123"]);
        // PostgreSQL's password file: hostname:port:database:username:password.
        assert_eq!(
            hits("db.example.org:5432:*:app:S3cure!pass"),
            ["S3cure!pass"]
        );
        assert_eq!(hits("*:*:*:replicator:r3pl-Pa55"), ["r3pl-Pa55"]);
        assert!(hits("10:00:01:02:03").is_empty());
        // `ssh user@host.internal` logs in to a host; mail to a public domain is still mail.
        assert!(hits("$ ssh -o BatchMode=yes deploy@web-3.prod.internal uptime").is_empty());
        assert_eq!(
            hits("mail sent to ops@example.org from backup@db-1.internal"),
            ["ops@example.org", "backup@db-1.internal"]
        );
    }

    #[test]
    fn names_after_courtesy_titles() {
        assert_eq!(
            hits("refund approved for Mrs. Maria Silva today"),
            ["Maria Silva"]
        );
        assert_eq!(hits("Sehr geehrte Frau Anna Weber,"), ["Anna Weber"]);
        assert_eq!(hits("Dear Jean-Luc Picard"), ["Jean-Luc Picard"]);
        assert!(hits("took 1500ms Total 3 events").is_empty());
        assert!(hits("mrs mr dr. dear all: 10 events").is_empty());
    }

    #[test]
    fn command_line_and_server_log_passwords() {
        assert_eq!(
            hits("# oc login -u ops -p Zx81-qq https://api"),
            ["Zx81-qq"]
        );
        assert_eq!(
            hits("$ rabbitmqctl change_password app tiger-lamp-7"),
            ["tiger-lamp-7"]
        );
        assert_eq!(
            hits(r#"type=EXECVE argc=3 a0="mysql" a1="-uroot" a2="-pQ1w2e3r4""#),
            ["Q1w2e3r4"]
        );
        assert_eq!(
            hits("radiusd: Login incorrect (pap: bad): [ana/S3cret!x] (from client gw port 1)"),
            ["S3cret!x"]
        );
        assert_eq!(
            hits("ALTER USER 'a'@'%' IDENTIFIED WITH caching_sha2_password BY 'Pq9!zz'"),
            ["Pq9!zz"]
        );
        assert_eq!(
            hits("SET PASSWORD FOR 'root'@'localhost' = 'Xx81yy'"),
            ["Xx81yy"]
        );
        assert_eq!(hits("charging card exp 01/27 cvv 123 for 9.99"), ["123"]);
        assert_eq!(
            hits("ops chat: rotated, new key is 3f1c9a7e-55b2-4c1d-9e0f-1a2b3c4d5e6f"),
            ["3f1c9a7e-55b2-4c1d-9e0f-1a2b3c4d5e6f"]
        );
        assert_eq!(
            hits("COMMAND=/usr/bin/vault login -no-print hvs.CAESIq7Zt0uWkD9xQm2"),
            ["hvs.CAESIq7Zt0uWkD9xQm2"]
        );
        assert!(hits("$ vault login -method=userpass username=ana").is_empty());
        assert!(hits("the cache key is orders:2024:profile").is_empty());
        // The word after `password` that is the next field or a keyword is not a password.
        assert!(hits("auth_method=password session_count=3").is_empty());
    }

    #[test]
    fn windows_and_mail_protocol_passwords() {
        // `net use` (Microsoft's syntax): the password after the share, before or after /user.
        assert_eq!(
            hits(r"C:\> net use Z: \\fileserver\public Passw0rd-x /user:CONTOSO\ana"),
            ["Passw0rd-x"]
        );
        assert_eq!(
            hits(r"net use \\srv\share /user:CONTOSO\ana /persistent:no K1ngfisher.7"),
            ["K1ngfisher.7"]
        );
        assert!(hits(r"net use \\srv\share * /user:ana").is_empty());
        assert!(hits(r"net use \\srv\share /delete").is_empty());
        // PowerShell's documented example.
        assert_eq!(
            hits(r#"$Secure_String_Pwd = ConvertTo-SecureString "P@ssW0rD!" -AsPlainText -Force"#),
            ["P@ssW0rD!"]
        );
        // RFC 3501's LOGIN example and RFC 1939's PASS example.
        assert_eq!(hits("a001 LOGIN SMITH SESAME"), ["SESAME"]);
        assert!(hits(r#"C: a002 LOGIN "ana@example.org" "tw0 words""#).contains(&"tw0 words"));
        assert_eq!(hits("C: PASS secret"), ["secret"]);
        assert!(hits("PASS src/app.test.js").is_empty());
        assert!(hits("user login ok from web-3 after retry").is_empty());
    }

    #[test]
    fn the_server_address_of_a_w3c_log_stays() {
        // IIS default fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port
        // cs-username c-ip cs(User-Agent) ...
        assert_eq!(
            hits("2024-06-14 10:00:01 10.0.1.15 GET /default.htm - 443 - 198.51.100.7 Mozilla/5.0 - 200 0 0 15"),
            ["198.51.100.7"]
        );
        // A client address that opens the line (nginx, Apache) is still masked.
        assert_eq!(
            hits(r#"10.0.1.15 - - [14/Jun/2024:10:00:01 +0000] "GET / HTTP/1.1" 200 5"#),
            ["10.0.1.15"]
        );
    }

    #[test]
    fn a_version_field_is_not_an_address() {
        assert!(hits(r#"{"app":"core","version":"27.1.3.2"}"#).is_empty());
        assert!(hits("agent started version=31.0.4.1 pid=7").is_empty());
        assert!(hits("Product Version: 31.0.4.1").is_empty());
        assert_eq!(
            hits(r#"{"version":"1","ip":"198.51.100.7"}"#),
            ["198.51.100.7"]
        );
        assert_eq!(hits("client=198.51.100.7"), ["198.51.100.7"]);
    }

    #[test]
    fn a_private_address_at_the_local_end_stays() {
        // netfilter and Dovecot name the source (who connected) and the local end.
        assert_eq!(
            hits("kernel: IN=eth0 OUT= SRC=198.51.100.7 DST=10.0.0.27 LEN=60 PROTO=TCP"),
            ["198.51.100.7"]
        );
        assert_eq!(
            hits("imap-login: Login: method=PLAIN, rip=198.51.100.7, lip=10.1.0.25, TLS"),
            ["198.51.100.7"]
        );
        // An account's host: `user@host`, MySQL's `'user'@'host'`.
        assert!(hits("Connect root@10.0.4.7 on shop using TCP/IP").is_empty());
        assert!(hits("Access denied for user 'app'@'10.0.2.15' (using password: YES)").is_empty());
        assert_eq!(hits("Connect root@198.51.100.7 on shop"), ["198.51.100.7"]);
        // A public local address, or a private one under another key, is still masked.
        assert_eq!(
            hits("SRC=10.0.0.5 DST=198.51.100.9"),
            ["10.0.0.5", "198.51.100.9"]
        );
    }

    #[test]
    fn ipv6_with_a_port_and_tokens_by_prefix() {
        assert_eq!(
            hits("haproxy: 2001:db8:0:1:2:3:4:5:44321 [x]"),
            ["2001:db8:0:1:2:3:4:5"]
        );
        assert_eq!(hits("from 2001:db8::1:2:51234 ok"), ["2001:db8::1:2"]);
        assert!(hits("SHA256 Fingerprint=9C:41:A0:05:B9:C8:82:25:24:C1:24:2E:EE").is_empty());
        for t in [
            "squ_0123456789abcdef0123456789abcdef01234567",
            "dapi0123456789abcdef0123456789abcdef",
            "PMAK-0123456789abcdef01234567-0123456789abcdef0123456789abcdef01",
            "dp.st.dev.AbCdEfGhIjKlMnOpQrStUvWxYz0123456789AbCd",
            "LTAI5tAbCdEfGhIjKlMnOp",
        ] {
            let line = format!("value {t} end");
            // The provider rule (first) takes the whole token; the catch-all may see a part.
            assert_eq!(hits(&line).first(), Some(&t), "{t}");
        }
    }

    #[test]
    fn a_spaced_nir_is_one_run_of_fifteen_digits() {
        let f = Features::of("employee 2 91 07 75 123 456 52 updated");
        assert_eq!(f.spaced_digits, 15);
        assert_eq!(
            hits("employee 2 91 07 75 123 456 52 updated"),
            ["2 91 07 75 123 456 52"]
        );
        assert!(hits("employee 2 91 07 75 123 456 53 updated").is_empty());
    }

    #[test]
    fn key_pairs_and_tokens_known_by_their_alphabet() {
        // AWS documentation's example pair, joined as some tools print it.
        let got = hits("creds=AKIAIOSFODNN7EXAMPLE/wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok");
        assert!(
            got.contains(&"wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "{got:?}"
        );
        // Azure DevOps PATs: 52 lowercase base32 characters, where Azure or a PAT is named.
        let pat = "qwb5pdkhx6pygpan2rlykei4iiaannkksumnlmytbx2kjqevtave";
        assert_eq!(hits(&format!("az devops login <<< {pat}")), [pat]);
        assert!(hits(&format!("object {pat} stored")).is_empty());
        // An alphabet with `-` may end in one: the token runs to its end.
        let g = "GOCSPX-AbCdEfGhIjKlMnOpQrStUvWx-";
        assert_eq!(hits(&format!("client_secret {g} next")).first(), Some(&g));
        let k = "AIzaSyA1b2C3d4E5f6G7h8I9j0KlMnOpQrStU-_";
        assert_eq!(hits(&format!("key {k} next")).first(), Some(&k));
        // A fixed-length token followed by more letters is something else.
        assert!(!hits("AKIAIOSFODNN7EXAMPLEXYZ").contains(&"AKIAIOSFODNN7EXAMPLE"));
        // A Salesforce session id is one token across its `!`; an org id alone is an id.
        let sf = format!("00D5e000000AbCd!AQ4AQ{}", "Xy7.Zk_9Lm2Pq8".repeat(6));
        assert!(hits(&format!("Authorization: Bearer {sf}")).contains(&sf.as_str()));
        assert!(hits("org 00D5e000000AbCdEAI synced").is_empty());
    }

    #[test]
    fn shapes_found() {
        // Each national id layout opens its rule's gate on its own; a plain line does not.
        let ids = rules()
            .iter()
            .find(|r| r.re.as_str().contains("[XYZ0-9]"))
            .expect("national id rule");
        for v in [
            "123-45-6789",
            "AB 12 34 56 C",
            "12345678Z",
            "RSSMRA85T10A562S",
            "ABCDE1234F",
            "529.982.247-25",
            "2345 6789 0123",
            "1 85 05 2A 123 456 78",
            "185052A12345678",
            "1850575123456",
            "046 454 286",
        ] {
            assert!((ids.gate)(&Features::of(&format!("id {v} ok"))), "{v}");
        }
        assert!(!(ids.gate)(&Features::of(
            "2024-06-01T10:00:00Z GET /x 200 12ms"
        )));
        assert!(hits("addr 2001:db8::5:6:44321 up").contains(&"2001:db8::5:6"));
        assert!(hits("at 10:00:00 message: deadbeef").is_empty());
        // A UTC offset or a count in parentheses opens no phone rule.
        let f = Features::of("[02/Nov/2026:06:14:22 +0000] took (45 ms) (12)");
        assert!(!f.phone_open);
        assert!(Features::of("tel +44 20 7946 0958").phone_open);
        assert!(Features::of("tel (02) 4738 1883").phone_open);
        assert_eq!(hits("SIN 046 454 286 ok"), Vec::<&str>::new());
        assert_eq!(hits("ssn 123-45-6789 on file"), ["123-45-6789"]);
        assert_eq!(hits("call (02) 4738 1883 now"), ["(02) 4738 1883"]);
        assert_eq!(
            hits("pay to GB82 WEST 1234 5698 7654 32 today"),
            ["GB82 WEST 1234 5698 7654 32"]
        );
    }
}
