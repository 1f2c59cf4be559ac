//! Redaction: secrets and personal data become stable placeholders before anything is sent
//! or shared, in layers each tested on its own:
//!
//! 1. [`blocks`]: what spans lines — private key blocks (to END, or to the first line that is
//!    not key body), certificates kept, tables whose header names sensitive columns;
//!    [`multipart`] form parts under their names; [`schema`]: the columns a `CREATE TABLE`
//!    gave to a later positional `INSERT`.
//! 2. [`fields`]: structure — the value of any field whose name says it is sensitive
//!    ([`keys`]), in JSON, logfmt, query strings, cookies, headers, YAML and psql records,
//!    whatever the value looks like, unless its type says it is not a secret.
//! 3. [`markup`]: XML elements and attributes (SAML too), SQL `INSERT` columns (or, without
//!    them, each value's shape), mail display names, LDAP common names; [`calls`]: values set
//!    by name through a call (`Headers.Add("X-Api-Key", v)`) or printed as pairs;
//!    [`companions`]: a card's security code after it; [`cells`]: a national phone number
//!    that fills a quoted or separated cell; [`encoded`]: percent-encoded form names;
//!    [`mrz`]: passport lines by their check digits; [`recovery`]: recovery codes and seed
//!    phrases named in prose; [`hl7`], [`x12`], [`fhir`], [`iso20022`] and [`swift`]: health
//!    and payment messages by the positions their standards give personal data; [`devices`],
//!    [`brokers`], [`bundler`]: secrets after a tool's documented keyword; [`typed`]: auditd's
//!    hex-encoded command lines (read as lines of their own), what was typed after a password
//!    prompt, GECOS fields and login names no account could have.
//! 4. [`rules`] with [`ids`], [`natids`] and [`tokens`]: identifiers with checksums or fixed shapes (cards,
//!    IBANs, national ids, phones, emails, IPs, MACs, JWTs) and credentials known by their
//!    published prefixes, command-line and header credentials, long random strings.
//!
//! Promises: the same value gets the same placeholder for the life of a [`Redactor`]
//! (`<EMAIL_1>` twice for one address), different values get different ones, and
//! [`Redactor::restore`] maps them back; a value masked once is masked wherever it appears
//! again. Placeholders never span a line break, and in a JSON line only string contents (or a
//! whole bare number, then quoted) are replaced, so the line stays JSON. Service names,
//! durations, timestamps, versions, ports, paths, status codes, trace ids and the *names* of
//! secrets are left alone. Text that is already a placeholder is never masked again.

mod argv;
mod blocks;
mod brokers;
mod bundler;
mod calls;
mod cells;
mod companions;
mod devices;
mod docnames;
mod dumps;
mod encoded;
mod fhir;
mod fields;
mod flags;
mod follow;
mod hashes;
mod hl7;
mod ids;
mod iso20022;
mod keys;
mod lexicon;
mod markup;
mod mrz;
mod multipart;
mod natids;
mod needle;
mod pairs;
mod public;
mod recovery;
mod rules;
mod schema;
mod shapes;
mod swift;
mod tokens;
mod typed;
mod x12;

use super::error::{NarrativeError, NarrativeErrorKind};
use aho_corasick::AhoCorasick;
use regex::Regex;
use std::collections::BTreeMap;

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
    /// National ids, tax ids, passports, account numbers.
    Id,
    Iban,
    /// Names, postal addresses, dates of birth.
    Personal,
    Mac,
}

impl SecretKind {
    const ALL: [SecretKind; 10] = [
        SecretKind::Email,
        SecretKind::Ip,
        SecretKind::Secret,
        SecretKind::Card,
        SecretKind::Phone,
        SecretKind::Custom,
        SecretKind::Id,
        SecretKind::Iban,
        SecretKind::Personal,
        SecretKind::Mac,
    ];

    pub fn label(self) -> &'static str {
        match self {
            SecretKind::Email => "EMAIL",
            SecretKind::Ip => "IP",
            SecretKind::Secret => "SECRET",
            SecretKind::Card => "CARD",
            SecretKind::Phone => "PHONE",
            SecretKind::Custom => "CUSTOM",
            SecretKind::Id => "ID",
            SecretKind::Iban => "IBAN",
            SecretKind::Personal => "PII",
            SecretKind::Mac => "MAC",
        }
    }

    /// The kind whose placeholders carry `label`.
    pub fn from_label(label: &str) -> Option<SecretKind> {
        SecretKind::ALL.into_iter().find(|k| k.label() == label)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// A masked byte range of a text. `quote`: the range is a bare JSON value, so its placeholder
/// is written as a JSON string.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub start: usize,
    pub end: usize,
    pub kind: SecretKind,
    pub quote: bool,
}

impl Span {
    pub(crate) fn new(start: usize, end: usize, kind: SecretKind) -> Span {
        Span {
            start,
            end,
            kind,
            quote: false,
        }
    }
}

/// A user pattern: masks group 1 when it has one, else the whole match.
#[derive(Clone)]
struct UserRule {
    re: Regex,
    group: usize,
}

/// What [`Redactor::redact_counted`] masked: per kind occurrences, and lines changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RedactionCounts {
    pub lines: usize,
    pub lines_changed: usize,
    pub occurrences: BTreeMap<SecretKind, usize>,
}

/// Masks secrets with placeholders and maps them back.
#[derive(Clone)]
pub struct Redactor {
    user: Vec<UserRule>,
    forward: BTreeMap<(SecretKind, String), String>,
    back: BTreeMap<String, String>,
    counts: [usize; SecretKind::ALL.len()],
    /// Values already masked, found again anywhere (rebuilt when a value is added).
    seen: Option<(AhoCorasick, Vec<(String, SecretKind)>)>,
    seen_stale: bool,
    /// `seen` is a DFA (faster to search, slower to build).
    seen_dfa: bool,
    /// Total length of the values to find again.
    seen_bytes: usize,
    /// The values `seen` finds.
    seen_values: std::collections::HashSet<String>,
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

impl Default for Redactor {
    /// The built-in rules only.
    fn default() -> Redactor {
        Redactor {
            user: Vec::new(),
            forward: BTreeMap::new(),
            back: BTreeMap::new(),
            counts: [0; SecretKind::ALL.len()],
            seen: None,
            seen_stale: false,
            seen_dfa: false,
            seen_bytes: 0,
            seen_values: std::collections::HashSet::new(),
        }
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
            user.push(UserRule { re, group });
        }
        Ok(Redactor {
            user,
            ..Redactor::default()
        })
    }

    /// The text with every secret replaced by its placeholder; line breaks are kept.
    pub fn redact(&mut self, text: &str) -> String {
        self.redact_counted(text).0
    }

    /// [`Redactor::redact`], and what it masked.
    pub fn redact_counted(&mut self, text: &str) -> (String, RedactionCounts) {
        self.redact_counted_on(text, &crate::parallel::Sequential)
    }

    /// [`Redactor::redact_counted`], a long text read in pieces that `par` may run at once;
    /// the same bytes out whatever `par` is.
    pub fn redact_counted_on(
        &mut self,
        text: &str,
        par: &dyn crate::parallel::Parallel,
    ) -> (String, RedactionCounts) {
        let reading = self.scan(text, par);
        self.write(text, reading)
    }

    /// [`Redactor::redact_counted_on`] of several texts in order, their first readings all at
    /// once (so many short files keep every thread busy): the same bytes and placeholders as
    /// redacting them one after another.
    pub fn redact_all_on(
        &mut self,
        texts: &[&str],
        par: &dyn crate::parallel::Parallel,
    ) -> Vec<(String, RedactionCounts)> {
        let readings = self.scan_all(texts, par, SCAN_PIECE);
        texts
            .iter()
            .zip(readings)
            .map(|(text, reading)| self.write(text, reading))
            .collect()
    }

    /// The redacted copy of `text` from its first reading: values found again, placeholders.
    fn write(&mut self, text: &str, reading: Reading) -> (String, RedactionCounts) {
        let found_here = if reading.lines > 1 {
            reading.values(text)
        } else {
            // One line: its values found again on it already were (`Redactor::line_spans`).
            Vec::new()
        };
        self.refresh_seen(text.len(), found_here);
        let (spans, lines, changed) = self.finish(text, reading);
        let mut counts = RedactionCounts {
            lines,
            lines_changed: changed,
            occurrences: BTreeMap::new(),
        };
        if spans.is_empty() {
            return (text.to_string(), counts);
        }
        let mut out = String::with_capacity(text.len() + spans.len() * 8);
        let mut at = 0;
        for sp in &spans {
            out.push_str(&text[at..sp.start]);
            let ph = self.placeholder(sp.kind, &text[sp.start..sp.end]);
            if sp.quote {
                out.push('"');
                out.push_str(&ph);
                out.push('"');
            } else {
                out.push_str(&ph);
            }
            *counts.occurrences.entry(sp.kind).or_default() += 1;
            at = sp.end;
        }
        out.push_str(&text[at..]);
        (out, counts)
    }

    /// The secrets found in `text`, as `(start, end, kind)` byte spans, without recording them.
    pub fn find(&self, text: &str) -> Vec<(usize, usize, SecretKind)> {
        let reading = self.scan(text, &crate::parallel::Sequential);
        self.finish(text, reading)
            .0
            .into_iter()
            .map(|s| (s.start, s.end, s.kind))
            .collect()
    }

    /// Placeholders in `text` (also as models mangle them: `EMAIL_1`, `\<EMAIL\_1\>`,
    /// `&lt;EMAIL_1&gt;`) replaced by the values they stand for. Unknown placeholders stay.
    pub fn restore(&self, text: &str) -> String {
        super::restore::restore(&self.back, text)
    }

    /// The placeholder table alone, to restore answers where the redactor is not (the page).
    pub fn restorer(&self) -> super::restore::Restorer {
        super::restore::Restorer::new(self.back.clone())
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
        crate::sort::sort_by_key(&mut v, |(ph, k)| (*k, ph.len(), ph.clone()));
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
        if propagates(value) && !self.seen_values.contains(value) {
            self.seen_stale = true;
        }
        ph
    }

    /// Rebuilds the automaton of values to find again, for a text of `text_len` bytes, when
    /// values were masked since, or `here` (values this text's first reading found) holds one
    /// it lacks. The kind of automaton only changes the speed, never the matches.
    fn refresh_seen(&mut self, text_len: usize, here: Vec<(String, SecretKind)>) {
        let fresh = here.iter().any(|(v, _)| !self.seen_values.contains(v));
        // A DFA searches a byte in a few instructions where the default NFA follows failure
        // links (a tenth of the whole time on a log of many files), but takes far longer to
        // build: worth it only for a text much longer than the values.
        let dfa = text_len >= SEEN_DFA_RATIO * self.seen_bytes;
        let upgrade = dfa && !self.seen_dfa && self.seen.is_some();
        if !self.seen_stale && !fresh && !upgrade {
            return;
        }
        self.seen_stale = false;
        let mut all: std::collections::BTreeSet<(SecretKind, String)> = self
            .forward
            .keys()
            .filter(|(_, v)| propagates(v))
            .cloned()
            .collect();
        all.extend(here.into_iter().map(|(v, k)| (k, v)));
        let values: Vec<(String, SecretKind)> = all.into_iter().map(|(k, v)| (v, k)).collect();
        self.seen_values = values.iter().map(|(v, _)| v.clone()).collect();
        self.seen_bytes = values.iter().map(|(v, _)| v.len()).sum();
        let dfa = text_len >= SEEN_DFA_RATIO * self.seen_bytes;
        self.seen_dfa = dfa;
        let build = |kind| {
            AhoCorasick::builder()
                .match_kind(aho_corasick::MatchKind::LeftmostLongest)
                .kind(kind)
                .build(values.iter().map(|(v, _)| v.as_str()))
        };
        let ac = if dfa {
            build(Some(aho_corasick::AhoCorasickKind::DFA)).or_else(|_| build(None))
        } else {
            build(None)
        };
        self.seen = ac.ok().map(|ac| (ac, values));
    }

    /// The first reading of a whole text, line by line, with the state that spans lines:
    /// every layer but the values found again ([`Redactor::finish`] adds those).
    ///
    /// A long text is cut at line ends into pieces of [`SCAN_PIECE`] bytes, each read at once
    /// from an empty [`blocks::Context`]. The result is what one reading from the start gives:
    /// a piece whose predecessor ended with state (inside a key block, after a table header or
    /// a `CREATE TABLE`) is read again from that state, after the others.
    fn scan(&self, text: &str, par: &dyn crate::parallel::Parallel) -> Reading {
        self.scan_in(text, par, SCAN_PIECE)
    }

    /// [`Redactor::scan`] with pieces of `size` bytes.
    fn scan_in(&self, text: &str, par: &dyn crate::parallel::Parallel, size: usize) -> Reading {
        let mut readings = self.scan_all(&[text], par, size);
        readings.pop().expect("one reading per text")
    }

    /// [`Redactor::scan`] of several texts, the pieces of all of them read at once; each
    /// text's first piece starts from an empty state, as it would read alone.
    fn scan_all(
        &self,
        texts: &[&str],
        par: &dyn crate::parallel::Parallel,
        size: usize,
    ) -> Vec<Reading> {
        let pieces: Vec<(usize, usize, &str)> = texts
            .iter()
            .enumerate()
            .flat_map(|(i, t)| pieces(t, size).into_iter().map(move |(at, p)| (i, at, p)))
            .collect();
        let fresh = crate::parallel::map(
            par,
            pieces.clone(),
            |&(_, _, p)| p.len() as u64,
            |(_, at, p)| self.scan_from(p, at, blocks::Context::default()),
        );
        let mut readings: Vec<Reading> = texts.iter().map(|_| Reading::default()).collect();
        let mut before = blocks::Context::default();
        for (read, (i, at, p)) in fresh.into_iter().zip(pieces) {
            if at == 0 {
                before = blocks::Context::default();
            }
            let read = if before == blocks::Context::default() {
                read
            } else {
                self.scan_from(p, at, before)
            };
            readings[i].lines += read.lines;
            before = read.after.clone();
            readings[i].pieces.push(read);
        }
        readings
    }

    /// [`Redactor::scan`] of one piece starting at byte `at` of the text, from `ctx`.
    fn scan_from(&self, text: &str, at: usize, mut ctx: blocks::Context) -> Piece {
        let mut read = Piece {
            at,
            len: text.len(),
            ..Piece::default()
        };
        for (s, e) in crate::ingest::line_spans(text) {
            read.lines += 1;
            let found = self.line_spans(&text[s..e], &mut ctx);
            if !found.is_empty() {
                read.found.push((s, found));
            }
        }
        read.after = ctx;
        read
    }

    /// Spans of the whole text from its first reading: each line's, with the values to find
    /// again ([`Redactor::refresh_seen`]) wherever nothing else took their place; with the
    /// number of lines and of lines changed.
    fn finish(&self, text: &str, reading: Reading) -> (Vec<Span>, usize, usize) {
        let mut all = Vec::new();
        let mut changed = 0;
        for piece in reading.pieces {
            let body = &text[piece.at..piece.at + piece.len];
            let mut found = piece.found.into_iter().peekable();
            for (s, e) in crate::ingest::line_spans(body) {
                let here = found.next_if(|(at, _)| *at == s).map(|(_, f)| f);
                let spans = self.line_finish(&body[s..e], here);
                if !spans.is_empty() {
                    changed += 1;
                }
                all.extend(spans.into_iter().map(|mut sp| {
                    sp.start += piece.at + s;
                    sp.end += piece.at + s;
                    sp
                }));
            }
        }
        (all, reading.lines, changed)
    }

    /// One line's spans: what its first reading found, then values found again that fit.
    fn line_finish(&self, line: &str, found: Option<LineFound>) -> Vec<Span> {
        let (mut taken, keep) = match found {
            Some(LineFound::Done(spans)) => return spans,
            Some(LineFound::Open { taken, keep }) => (taken, keep),
            None => (Vec::new(), Vec::new()),
        };
        // Every value found again has a digit ([`propagates`]): a line without one has none.
        let seen = self
            .seen
            .as_ref()
            .filter(|_| line.bytes().any(|b| b.is_ascii_digit()));
        if let Some((ac, values)) = seen {
            for m in ac.find_iter(line) {
                let (s, e) = (m.start(), m.end());
                if word_edges(line, s, e) {
                    let sp = Span::new(s, e, values[m.pattern().as_usize()].1);
                    if fits(line, &taken, &keep, &sp) {
                        taken.push(sp);
                    }
                }
            }
        }
        if taken.is_empty() {
            return taken;
        }
        settle(line, taken)
    }

    /// Non-overlapping spans of one line, layer priority first: key blocks, user patterns,
    /// table columns, then the line rules; then values seen before.
    fn line_spans(&self, line: &str, ctx: &mut blocks::Context) -> LineFound {
        let mut cand: Vec<Span> = Vec::new();
        let f = rules::Features::of(line);
        let role = ctx.line(line, f.field_word, &mut cand);
        match role {
            blocks::LineRole::Private | blocks::LineRole::Public => {
                return LineFound::Done(settle(line, cand));
            }
            blocks::LineRole::Armour | blocks::LineRole::Normal => {}
        }
        let mut taken: Vec<Span> = Vec::new();
        let mut keep: Vec<(usize, usize)> = Vec::new();
        let mut found = Vec::new();
        fields::find(line, f.field_word, &mut found, &mut keep);
        markup::find(line, &mut found);
        if f.has(rules::Word::Argv) {
            argv::find(line, &mut found);
        }
        flags::find(line, &mut found);
        dumps::find(line, &mut found);
        docnames::find(line, &mut found);
        mrz::find(line, &mut found);
        encoded::find(line, &mut found);
        // Health and payment messages, by the positions their standards give personal data.
        hl7::find(line, &mut found);
        x12::find(line, &mut found);
        fhir::find(line, &mut found);
        iso20022::find(line, &mut found);
        devices::find(line, &mut found);
        brokers::find(line, &mut found);
        bundler::find(line, &mut found);
        typed::find(line, f.has(rules::Word::Refused), &mut found);
        fields::changes(line, &mut found);
        // A command line auditd wrote in hex is read as a line of its own (always shorter:
        // two digits a byte), and what it finds is masked in the digits.
        if let Some(d) = typed::commands(line) {
            let inner = self.line_spans(&d.text, &mut blocks::Context::default());
            for sp in inner.spans() {
                d.map(sp, &mut found);
            }
        }
        recovery::find(
            line,
            f.has(rules::Word::Code),
            f.has(rules::Word::Seed),
            &mut found,
        );
        let add = |taken: &mut Vec<Span>, sp: Span| {
            if fits(line, taken, &keep, &sp) {
                taken.push(sp);
            }
        };
        for sp in cand {
            add(&mut taken, sp);
        }
        for u in &self.user {
            for c in u.re.captures_iter(line) {
                if let Some(m) = (u.group..c.len()).find_map(|g| c.get(g)) {
                    add(
                        &mut taken,
                        Span::new(m.start(), m.end(), SecretKind::Custom),
                    );
                }
            }
        }
        let all = rules::rules();
        // Provider tokens and key blocks in one line first: a whole webhook URL outranks the
        // field it sits in; then structure, then the rest of the shape rules.
        let (first, rest) = all.split_at(3);
        let mut shaped = Vec::new();
        for rule in first {
            apply(rule, line, &f, &mut shaped);
        }
        hashes::find(line, &mut shaped);
        // Known token shapes outrank the keep list: `aws_access_key_id=AKIA...` is a key.
        for sp in shaped.drain(..) {
            if !taken.iter().any(|t| sp.start < t.end && t.start < sp.end) {
                taken.push(sp);
            }
        }
        // Ids and phones in prose need digits in an id or phone layout.
        if f.max_digit_run >= 5
            || f.digit_space_digit
            || f.digit_dashes >= 1
            || f.digit_dots >= 2
            || f.phone_open
        {
            let (doc, id) = (f.has(rules::Word::DocType), f.has(rules::Word::IdName));
            fields::find_prose(line, doc, id, &mut found);
            if f.digit_space_digit {
                cells::national_phones(line, &mut found);
            }
            if f.max_digit_run >= 11 {
                fields::call_parties(line, &mut found);
            }
        }
        // Further national ids need a run of six digits, dashed digits, a spaced run of five
        // (Medicare) or capitals before a digit (MBI, NHI).
        if f.max_digit_run >= 6
            || f.digit_dashes >= 2
            || (f.digit_space_digit && f.max_digit_run >= 5)
            || (f.uu_digit && f.max_digit_run >= 2)
        {
            natids::find(line, &mut found);
        }
        for sp in found.drain(..) {
            add(&mut taken, sp);
        }
        for rule in rest {
            if ctx.public_body() && rule.kind == SecretKind::Secret {
                continue;
            }
            apply(rule, line, &f, &mut found);
            for sp in found.drain(..) {
                add(&mut taken, sp);
            }
        }
        // A card's security code is known by its place after the number, not by its shape.
        if taken.iter().any(|t| t.kind == SecretKind::Card) {
            let cards: Vec<Span> = taken.clone();
            companions::security_codes(line, &cards, &mut found);
            for sp in found.drain(..) {
                add(&mut taken, sp);
            }
        }
        // A value found once is a secret everywhere it appears again: on this line
        // (`"password":"x","confirm":"x"`) and on later ones.
        let here: Vec<(String, SecretKind)> = taken
            .iter()
            .map(|t| (line[t.start..t.end].to_string(), t.kind))
            .filter(|(v, _)| propagates(v))
            .collect();
        for (v, kind) in here {
            for (s, _) in line.match_indices(v.as_str()) {
                if word_edges(line, s, s + v.len()) {
                    add(&mut taken, Span::new(s, s + v.len(), kind));
                }
            }
        }
        LineFound::Open { taken, keep }
    }
}

/// What the first reading found on one line ([`Redactor::line_spans`]).
enum LineFound {
    /// A key block's line: its final spans; nothing is added to it.
    Done(Vec<Span>),
    /// Spans and ranges to keep, which values found again must not overlap; not settled yet.
    Open {
        taken: Vec<Span>,
        keep: Vec<(usize, usize)>,
    },
}

impl LineFound {
    fn is_empty(&self) -> bool {
        match self {
            // A key block's line, even without spans, must not get values found again.
            LineFound::Done(_) => false,
            LineFound::Open { taken, keep } => taken.is_empty() && keep.is_empty(),
        }
    }

    fn spans(&self) -> &[Span] {
        match self {
            LineFound::Done(spans) | LineFound::Open { taken: spans, .. } => spans,
        }
    }
}

/// The first reading of a text, piece by piece ([`Redactor::scan`]).
#[derive(Default)]
struct Reading {
    lines: usize,
    pieces: Vec<Piece>,
}

impl Reading {
    /// The values its lines found that are worth finding again, each once, in text order.
    fn values(&self, text: &str) -> Vec<(String, SecretKind)> {
        let mut out: Vec<(String, SecretKind)> = Vec::new();
        let mut have = std::collections::HashSet::new();
        for piece in &self.pieces {
            for (s, found) in &piece.found {
                let line_at = piece.at + s;
                for sp in found.spans() {
                    let v = &text[line_at + sp.start..line_at + sp.end];
                    if propagates(v) && have.insert((sp.kind, v)) {
                        out.push((v.to_string(), sp.kind));
                    }
                }
            }
        }
        out
    }
}

/// Whether `sp` may join `taken` on `line`: not empty, overlapping no span taken and no range
/// to keep, and not a placeholder already.
fn fits(line: &str, taken: &[Span], keep: &[(usize, usize)], sp: &Span) -> bool {
    sp.start < sp.end
        && !taken.iter().any(|t| sp.start < t.end && t.start < sp.end)
        && !keep.iter().any(|&(s, e)| sp.start < e && s < sp.end)
        && !keys::is_placeholder(&line[sp.start..sp.end])
}

/// Whether `line[s..e]` is a whole token: no letter or digit right before or after it.
fn word_edges(line: &str, s: usize, e: usize) -> bool {
    let b = line.as_bytes();
    let edge = |c: Option<&u8>| c.is_none_or(|c| !c.is_ascii_alphanumeric());
    edge(s.checked_sub(1).and_then(|i| b.get(i))) && edge(b.get(e))
}

/// Bytes per piece of a long text read at once ([`Redactor::scan`]): fixed, so how a text is
/// cut never depends on the threads.
const SCAN_PIECE: usize = 1 << 20;

/// What the first reading of one piece gave: where it is in the text, its number of lines,
/// what its lines found (by line start within the piece, lines with nothing left out), and
/// the state after its last line.
#[derive(Default)]
struct Piece {
    at: usize,
    len: usize,
    lines: usize,
    found: Vec<(usize, LineFound)>,
    after: blocks::Context,
}

/// `text` cut into `(offset, piece)` of about `size` bytes, each ending just after a line
/// feed (the last at the text's end); one piece for a short text.
fn pieces(text: &str, size: usize) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut at = 0;
    while text.len() - at > size {
        let cut = match text.as_bytes()[at + size..]
            .iter()
            .position(|&b| b == b'\n')
        {
            Some(i) => at + size + i + 1,
            None => break,
        };
        out.push((at, &text[at..cut]));
        at = cut;
    }
    out.push((at, &text[at..]));
    out
}

/// A text at least this many times longer than the values to find again searches them
/// with a DFA (see [`Redactor::refresh_seen`]).
const SEEN_DFA_RATIO: usize = 32;

/// Values worth finding again without their context: long enough and not a plain word.
fn propagates(v: &str) -> bool {
    v.len() >= 8
        && v.bytes().any(|b| b.is_ascii_digit())
        && v.bytes()
            .any(|b| b.is_ascii_alphabetic() || b == b'-' || b == b'.')
        && !v.contains('\n')
}

fn apply(rule: &rules::Rule, line: &str, f: &rules::Features, out: &mut Vec<Span>) {
    if !rule.opens(f, line) {
        return;
    }
    let mut keep = |s: usize, e: usize| {
        if rule.check.is_none_or(|c| c(line, s, e)) {
            out.push(Span::new(s, e, rule.kind));
        }
    };
    // The whole match: `find_iter` gives the same matches as `captures_iter` without
    // resolving groups (most matches are rejected by the check, timestamps read as IPv6).
    if rule.group == 0 {
        for m in rule.re.find_iter(line) {
            keep(m.start(), m.end());
        }
        return;
    }
    for caps in rule.re.captures_iter(line) {
        let Some(m) = (rule.group..caps.len()).find_map(|g| caps.get(g)) else {
            continue;
        };
        keep(m.start(), m.end());
    }
}

/// Sorted, and safe for JSON when the line is a JSON object.
fn settle(line: &str, mut spans: Vec<Span>) -> Vec<Span> {
    crate::sort::sort_by_key(&mut spans, |s| (s.start, s.end));
    spans.dedup_by(|b, a| b.start < a.end);
    let t = line.trim();
    if t.starts_with('{') && t.ends_with('}') && !spans.is_empty() {
        spans = json_safe(line, spans);
    }
    spans
}

/// Snaps spans to JSON string contents: a span never includes a quote, a bracket or half an
/// escape; a span over a bare literal covers all of it and is written quoted.
fn json_safe(line: &str, spans: Vec<Span>) -> Vec<Span> {
    let b = line.as_bytes();
    // Content ranges of the strings, and literal ranges outside them.
    let mut strings: Vec<(usize, usize)> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let s = i + 1;
            let mut j = s;
            while j < b.len() && b[j] != b'"' {
                j += if b[j] == b'\\' { 2 } else { 1 };
            }
            let e = j.min(b.len());
            strings.push((s, e));
            i = e + 1;
        } else {
            i += 1;
        }
    }
    let mut out = Vec::new();
    for mut sp in spans {
        if let Some(&(s, e)) = strings
            .iter()
            .find(|&&(s, e)| s <= sp.start && sp.start < e.max(s + 1))
        {
            sp.end = sp.end.min(e);
            sp.quote = false;
            // Do not cut an escape: a span may not start right after, or end on, a backslash run of odd length.
            let odd =
                |at: usize| b[s..at].iter().rev().take_while(|&&c| c == b'\\').count() % 2 == 1;
            if sp.start > s && odd(sp.start) {
                sp.start -= 1;
            }
            if odd(sp.end) {
                sp.end = (sp.end + 1).min(e);
            }
            if sp.start < sp.end && line.is_char_boundary(sp.start) && line.is_char_boundary(sp.end)
            {
                out.push(sp);
            }
            continue;
        }
        // Outside strings: only a whole literal (a number) may be masked, and it gets quotes.
        let lit = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-' | b'+');
        if b[sp.start..sp.end].iter().all(|&c| lit(c) || c == b' ') {
            let mut s = sp.start;
            while s > 0 && lit(b[s - 1]) {
                s -= 1;
            }
            let mut e = sp.end;
            while e < b.len() && lit(b[e]) {
                e += 1;
            }
            let v = &line[s..e];
            if !matches!(v, "true" | "false" | "null") && !v.contains(' ') {
                out.push(Span {
                    start: s,
                    end: e,
                    kind: sp.kind,
                    quote: true,
                });
            }
        }
    }
    crate::sort::sort_by_key(&mut out, |s| (s.start, s.end));
    out.dedup_by(|b, a| b.start < a.end);
    out
}

/// Masks, for each match of `re` in `line`, its first capture group that took part, when `keep`
/// accepts the group's text (the layers whose pattern captures the secret after its marker).
fn first_groups(re: &regex::Regex, line: &str, keep: impl Fn(&str) -> bool, out: &mut Vec<Span>) {
    for c in re.captures_iter(line) {
        if let Some(m) = c
            .iter()
            .skip(1)
            .flatten()
            .next()
            .filter(|m| keep(m.as_str()))
        {
            out.push(Span::new(m.start(), m.end(), SecretKind::Secret));
        }
    }
}

/// Test support: `n` lines of 0-11 pieces drawn from `pieces` (fixed seed), for checking a
/// layer's cheap gate against its regex on lines that hold the gate's words in every order.
#[cfg(test)]
pub(crate) fn piece_lines(pieces: &[&str], n: usize) -> Vec<String> {
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    (0..n)
        .map(|_| {
            let k = next() % 12;
            (0..k)
                .map(|_| pieces[(next() % pieces.len() as u64) as usize])
                .collect()
        })
        .collect()
}

/// Test support: the texts a finder of one layer masks in `line`, in the order it found them.
#[cfg(test)]
pub(crate) fn masked_by(find: impl Fn(&str, &mut Vec<Span>), line: &str) -> Vec<&str> {
    let mut out = Vec::new();
    find(line, &mut out);
    out.iter().map(|s| &line[s.start..s.end]).collect()
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
    fn national_ids_by_their_printed_shapes_and_checks() {
        // CNPJ, dashed Canadian SIN, personnummer and spaced Steuer-ID are masked where they
        // stand, by their check digits; the same shapes failing the check stay.
        assert_eq!(red("company 11.222.333/0001-81 ok"), "company <ID_1> ok");
        assert_eq!(red("sin 130-692-544 on file"), "sin <ID_1> on file");
        assert_eq!(red("holder pnr 811218-9876 SE"), "holder pnr <ID_1> SE");
        assert_eq!(red("id 86 095 742 719 ok"), "id <ID_1> ok");
        for kept in [
            "company 11.222.333/0001-82 ok",
            "sin 130-692-545 on file",
            "build 20240813-1234 done",
        ] {
            assert_eq!(red(kept), kept);
        }
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

    /// Regression: a text read in pieces at once must give what one reading gives, also when a
    /// key block, a table or a `CREATE TABLE` spans a cut.
    #[test]
    fn pieces_read_at_once_give_the_one_reading() {
        let block = "user=ana@example.org password=hunter22x from 203.0.113.9\n\
            -----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx8vQ1Zq3\nT2h9pL0kWm4YbE7sNcRfJu\n\
            -----END RSA PRIVATE KEY-----\nname,email,phone\nana,ana@example.org,+44 7700 900123\n\
            CREATE TABLE users (id int, name text, ssn text);\n\
            INSERT INTO users VALUES (1, 'Ana', '078-05-1120');\nplain line 42\n";
        let text = block.repeat(9);
        let r = Redactor::new(&[]).unwrap();
        let one = r.finish(
            &text,
            r.scan_in(&text, &crate::parallel::Sequential, usize::MAX),
        );
        for size in [1, 17, 64, 100, 333] {
            let read = r.scan_in(&text, &crate::parallel::tests::Backwards, size);
            let cut = r.finish(&text, read);
            assert_eq!(cut.1, one.1, "lines, size {size}");
            assert_eq!(cut.2, one.2, "changed, size {size}");
            let spans = |v: &[Span]| {
                v.iter()
                    .map(|s| (s.start, s.end, s.kind))
                    .collect::<Vec<_>>()
            };
            assert_eq!(spans(&cut.0), spans(&one.0), "size {size}");
        }
        assert!(pieces(&text, 64).len() > 9);
        assert_eq!(pieces("", 64), vec![(0, "")]);
        assert_eq!(pieces("ab\ncd", 1), vec![(0, "ab\n"), (3, "cd")]);
    }

    /// Texts read at once give each text what redacting them one after another gives: the
    /// same copies and placeholders, and no state carried from one text into the next (the
    /// first text ends inside a key block; the second must not read as key body).
    #[test]
    fn texts_read_at_once_give_what_one_after_another_gives() {
        let texts = [
            "password=hunter22x\n-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx8vQ1Zq3\n",
            "T2h9pL0kWm4YbE7sNcRfJu plain words\nuser=ana@example.org\n",
            "",
            "again hunter22x from 203.0.113.9\nCREATE TABLE t (id int, ssn text);\n",
            "INSERT INTO t VALUES (1, '078-05-1120');\n",
        ];
        let mut alone = Redactor::new(&[]).unwrap();
        let one_by_one: Vec<String> = texts.iter().map(|t| alone.redact(t)).collect();
        let mut at_once = Redactor::new(&[]).unwrap();
        let together: Vec<String> = at_once
            .redact_all_on(&texts, &crate::parallel::tests::Backwards)
            .into_iter()
            .map(|(out, _)| out)
            .collect();
        assert_eq!(together, one_by_one);
        assert!(one_by_one[1].starts_with("T2h9pL0kWm4YbE7sNcRfJu plain words"));
        assert!(one_by_one[3].contains("<SECRET_1>"), "{}", one_by_one[3]);
    }

    /// Regression: a value masked on one line stayed in clear on the other lines of the same
    /// text (only later texts found it again).
    #[test]
    fn a_value_masked_once_is_masked_on_every_line_of_its_text() {
        let mut r = Redactor::new(&[]).unwrap();
        let out =
            r.redact("login with Hunter2x9abc ok\npassword=Hunter2x9abc\nagain Hunter2x9abc.\n");
        assert_eq!(
            out,
            "login with <SECRET_1> ok\npassword=<SECRET_1>\nagain <SECRET_1>.\n"
        );
        // Not inside another token.
        let out = r.redact("xHunter2x9abc\nHunter2x9abcd\nok\n");
        assert_eq!(out, "xHunter2x9abc\nHunter2x9abcd\nok\n");
    }

    #[test]
    fn json_stays_json() {
        for line in [
            r#"{"auth":{"client_token":"s.Zx9kQ2wLm4","policies":["default"]},"card":4111111111111111}"#,
            r#"{"msg":"{\"user\":\"svc\",\"password\":\"Tr0ub4dor&3\"}"}"#,
            r#"{"key":"-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBg\n-----END PRIVATE KEY-----\n","n":1}"#,
        ] {
            let out = red(line);
            assert_ne!(out, line);
            assert!(
                serde_json::from_str::<serde_json::Value>(&out).is_ok(),
                "{out}"
            );
        }
        assert!(red(r#"{"card": 4111111111111111}"#).contains(r#""<CARD_1>""#));
    }

    #[test]
    fn debug_never_shows_values() {
        let mut r = Redactor::new(&[]).unwrap();
        r.redact("password=topsecretvalue");
        assert!(!format!("{r:?}").contains("topsecretvalue"));
    }
}
