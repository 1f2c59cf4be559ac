//! The terminal report: a compact summary of a [`Report`] for a person at a shell.
//!
//! Promises: pure (the caller says whether to colour and how wide the screen is; nothing here
//! looks at a terminal or the environment); with colour off the output is plain text with no
//! escape sequence at all; log-derived text can never drive the terminal (control characters,
//! ESC and CR included, become spaces); every line fits the given width, at least 40 columns
//! (long log lines are cut with `…`).

use super::plural;
use super::types::{Evidence, Report};
use std::fmt::Write;

/// How to render: colour (ANSI SGR) on or off, and the screen width in columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TextOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for TextOptions {
    fn default() -> Self {
        TextOptions {
            color: false,
            width: 100,
        }
    }
}

/// Candidates shown after the root cause, reasons per candidate, recommendations shown.
const CANDIDATES: usize = 3;
const REASONS: usize = 3;
const RECOMMENDATIONS: usize = 3;
/// Narrowest width honoured: below it lines are cut at this width anyway.
const MIN_WIDTH: usize = 40;

/// The SGR codes used; one place so the plain rendering is the coloured one minus these.
#[derive(Clone, Copy)]
enum Tone {
    Bold,
    Dim,
    Red,
    Yellow,
    Green,
    Cyan,
}

impl Tone {
    fn code(self) -> &'static str {
        match self {
            Tone::Bold => "1",
            Tone::Dim => "2",
            Tone::Red => "1;31",
            Tone::Yellow => "33",
            Tone::Green => "32",
            Tone::Cyan => "36",
        }
    }
}

struct Out {
    s: String,
    o: TextOptions,
}

impl Out {
    /// `text` in `tone` when colour is on, as is otherwise.
    fn paint(&self, tone: Tone, text: &str) -> String {
        if self.o.color {
            format!("\x1b[{}m{text}\x1b[0m", tone.code())
        } else {
            text.to_string()
        }
    }

    fn line(&mut self, l: &str) {
        self.s.push_str(l);
        self.s.push('\n');
    }

    fn width(&self) -> usize {
        self.o.width.max(MIN_WIDTH)
    }
}

/// Makes log-derived text safe and one line: control characters (ESC, CR, tabs, newlines)
/// become spaces, so a log line cannot move the cursor, recolour or clear the screen.
fn clean(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// `s` cleaned and cut to `max` characters, the cut marked with `…`.
fn fit(s: &str, max: usize) -> String {
    let s = clean(s);
    if s.chars().count() <= max {
        return s;
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

fn cite(e: &Evidence) -> String {
    format!("{}:{}", clean(&e.file), e.line)
}

fn severity_tone(sev: &str) -> Tone {
    match sev {
        "P1" => Tone::Red,
        "P2" => Tone::Yellow,
        "P3" | "P4" => Tone::Green,
        _ => Tone::Dim,
    }
}

/// The LLM's narrative, when one was asked for: labelled, its lines cleaned and wrapped.
fn narrative(out: &mut Out, r: &Report) {
    let Some(n) = &r.narrative else { return };
    out.line("");
    let head = format!(
        "Narrative by {} model {} (unverified prose from the redacted findings)",
        clean(&n.source),
        clean(&n.model)
    );
    let head = out.paint(Tone::Bold, &fit(&head, out.width()));
    out.line(&head);
    let w = out.width();
    for l in n.text.trim_end().lines() {
        for piece in wrap(&clean(l), w) {
            out.line(&piece);
        }
    }
}

/// Splits `s` into lines of at most `w` characters at spaces (a longer word is cut).
fn wrap(s: &str, w: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in s.split(' ') {
        let cur = lines.last_mut().expect("never empty");
        let len = cur.chars().count();
        if len > 0 && len + 1 + word.chars().count() > w {
            lines.push(String::new());
        }
        let cur = lines.last_mut().expect("never empty");
        if !cur.is_empty() {
            cur.push(' ');
        }
        cur.push_str(word);
    }
    lines.into_iter().map(|l| fit(&l, w)).collect()
}

/// Renders the terminal summary of `r`.
pub fn to_text(r: &Report, o: TextOptions) -> String {
    let mut out = Out {
        s: String::new(),
        o,
    };
    headline(&mut out, r);
    root_cause(&mut out, r);
    patient_zero(&mut out, r);
    candidates(&mut out, r);
    recommendations(&mut out, r);
    footer(&mut out, r);
    narrative(&mut out, r);
    out.s
}

fn headline(out: &mut Out, r: &Report) {
    let w = out.width();
    let title = out.paint(Tone::Bold, &fit(&r.title, w));
    out.line(&title);
    let sev = format!("severity {}", r.severity.as_deref().unwrap_or("unknown"));
    let rest = format!(
        " · confidence {:.0}% · trigger {} ({:.0}%)",
        r.confidence * 100.0,
        r.forensic.trigger.kind,
        r.forensic.trigger.confidence * 100.0,
    );
    let tone = severity_tone(r.severity.as_deref().unwrap_or(""));
    let facts = format!(
        "{}{}",
        out.paint(tone, &sev),
        fit(&rest, w.saturating_sub(sev.len()))
    );
    out.line(&facts);
    out.line("");
}

fn label(out: &Out, name: &str) -> String {
    // Padded before painting so the columns line up whatever the escape codes add.
    out.paint(Tone::Cyan, &format!("{name:<13}"))
}

const INDENT: &str = "             ";

fn root_cause(out: &mut Out, r: &Report) {
    let w = out.width() - INDENT.len();
    let rc = &r.root_cause;
    let who = format!(
        "{} · {}",
        rc.service.as_deref().map_or("?".to_string(), clean),
        clean(&rc.failure_class)
    );
    let l = format!(
        "{}{}",
        label(out, "Root cause"),
        out.paint(Tone::Bold, &fit(&who, w))
    );
    out.line(&l);
    out.line(&format!("{INDENT}{}", fit(&rc.statement, w)));
}

fn patient_zero(out: &mut Out, r: &Report) {
    let w = out.width() - INDENT.len();
    if let Some(pz) = &r.forensic.patient_zero {
        let when = pz.time.as_deref().unwrap_or("untimed");
        let at = format!("{} at {}", cite(&pz.evidence), clean(when));
        let l = format!("{}{}", label(out, "Patient zero"), fit(&at, w));
        out.line(&l);
        let text = out.paint(Tone::Dim, &fit(&pz.evidence.text, w));
        out.line(&format!("{INDENT}{text}"));
    }
    if !r.forensic.propagation_path.is_empty() {
        let path: Vec<String> = r
            .forensic
            .propagation_path
            .iter()
            .map(|p| clean(p))
            .collect();
        let l = format!("{}{}", label(out, "Propagation"), fit(&path.join(" → "), w));
        out.line(&l);
    }
    if let Some(t) = r.forensic.time_to_impact_seconds {
        let l = format!("{}user-facing {t:.1} s later", label(out, "Impact"));
        out.line(&l);
    }
    out.line("");
}

/// One ranked (service, failure class) with its score and the ranking's reasons.
struct Ranked<'a> {
    service: Option<&'a str>,
    class: &'a str,
    score: Option<f64>,
    reasons: &'a [String],
}

/// The root cause and the runners-up, each with the reasons the ranking gave.
fn candidates(out: &mut Out, r: &Report) {
    let w = out.width();
    let rc = &r.root_cause;
    let mut rows = vec![Ranked {
        service: rc.service.as_deref(),
        class: &rc.failure_class,
        score: rc.score,
        reasons: &rc.reasons,
    }];
    rows.extend(r.candidates.iter().take(CANDIDATES).map(|c| Ranked {
        service: c.service.as_deref(),
        class: &c.failure_class,
        score: Some(c.score),
        reasons: &c.reasons,
    }));
    if rows.len() == 1 && rc.reasons.is_empty() {
        return;
    }
    let heading = out.paint(Tone::Bold, "Candidates");
    out.line(&heading);
    for (k, row) in rows.into_iter().enumerate() {
        let score = row.score.map_or(String::new(), |s| format!("  {s:.3}"));
        let who = format!(
            "{} · {}",
            row.service.map_or("?".to_string(), clean),
            clean(row.class)
        );
        let who = fit(&who, w - 6 - score.len());
        let who = if k == 0 {
            out.paint(Tone::Bold, &who)
        } else {
            who
        };
        out.line(&format!(
            "  {}. {who}{}",
            k + 1,
            out.paint(Tone::Dim, &score)
        ));
        for reason in row.reasons.iter().take(REASONS) {
            out.line(&format!("     - {}", fit(reason, w - 7)));
        }
    }
    out.line("");
}

fn recommendations(out: &mut Out, r: &Report) {
    if r.recommendations.is_empty() {
        return;
    }
    let w = out.width();
    let heading = out.paint(Tone::Bold, "Recommendations");
    out.line(&heading);
    for rec in r.recommendations.iter().take(RECOMMENDATIONS) {
        out.line(&format!("  {}. {}", rec.rank, fit(&rec.title, w - 5)));
        if let Some(cmd) = rec.commands.first() {
            let cmd = out.paint(Tone::Green, &fit(&format!("$ {cmd}"), w - 5));
            out.line(&format!("     {cmd}"));
        }
    }
    if r.recommendations.len() > RECOMMENDATIONS {
        let more = format!(
            "  … {} more in --format md or --format json",
            r.recommendations.len() - RECOMMENDATIONS
        );
        let more = out.paint(Tone::Dim, &fit(&more, w));
        out.line(&more);
    }
    out.line("");
}

fn footer(out: &mut Out, r: &Report) {
    let i = &r.input;
    let files = i.files.len();
    let mut l = format!(
        "{}, {}, {}",
        plural(files as u64, "file"),
        plural(i.lines, "line"),
        plural(i.events, "event"),
    );
    if i.unparsed_lines > 0 {
        let _ = write!(l, ", {}", plural(i.unparsed_lines, "unparsed line"));
    }
    if let Some(t) = &i.time_range {
        let _ = write!(l, "; {} to {}", clean(&t.start), clean(&t.end));
    }
    let l = out.paint(Tone::Dim, &fit(&l, out.width()));
    out.line(&l);
    for f in &i.files {
        for note in super::assumed_times(f) {
            let n = format!("{} {note}", clean(&f.name));
            let n = out.paint(Tone::Dim, &fit(&n, out.width()));
            out.line(&n);
        }
    }
    if let Some(store) = &i.store {
        let s = out.paint(Tone::Dim, &fit(&clean(&store.describe()), out.width()));
        out.line(&s);
    }
    if !r.grounding.passed {
        let g = format!(
            "grounding: {} — see --format json",
            plural(r.grounding.problems.len() as u64, "problem")
        );
        let g = out.paint(Tone::Red, &fit(&g, out.width()));
        out.line(&g);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{analyze, AnalyzeOptions, InputFile};

    /// The demo incident (tests/fixtures/demo), read as the CLI reads a folder.
    fn demo() -> Report {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo");
        let mut names: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        names.sort();
        let files: Vec<InputFile> = names
            .iter()
            .map(|p| InputFile::new(p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        analyze(&files, &AnalyzeOptions::default()).unwrap()
    }

    fn plain(r: &Report) -> String {
        to_text(r, TextOptions::default())
    }

    #[test]
    fn summary_has_every_section_in_order() {
        let r = demo();
        let t = plain(&r);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines[0], r.title);
        assert!(lines[1].contains(&format!("severity {}", r.severity.as_deref().unwrap())));
        assert!(lines[1].contains(&format!("confidence {:.0}%", r.confidence * 100.0)));
        let pz = r.forensic.patient_zero.as_ref().unwrap();
        let at = |needle: &str| {
            t.find(needle)
                .unwrap_or_else(|| panic!("{needle:?} missing in\n{t}"))
        };
        let order = [
            at("Root cause"),
            at(&format!("{}:{}", pz.evidence.file, pz.evidence.line)),
            at("Propagation"),
            at("Candidates"),
            at("Recommendations"),
        ];
        assert!(order.windows(2).all(|w| w[0] < w[1]), "{t}");
        assert!(t.contains(&r.forensic.propagation_path.join(" → ")));
        assert!(t.contains(&r.root_cause.reasons[0]));
        for c in r.candidates.iter().take(CANDIDATES) {
            assert!(t.contains(&c.failure_class), "{} missing", c.failure_class);
        }
        assert!(t.contains(&r.recommendations[0].title));
        assert!(t.contains(&plural(r.input.lines, "line")));
    }

    #[test]
    fn colour_is_only_added_never_changes_the_text() {
        let r = demo();
        let plain = plain(&r);
        assert!(!plain.contains('\x1b'));
        let coloured = to_text(
            &r,
            TextOptions {
                color: true,
                width: 100,
            },
        );
        assert!(coloured.contains("\x1b[1m"));
        // Stripping the SGR sequences gives back the plain rendering exactly.
        let stripped = regex::Regex::new("\x1b\\[[0-9;]*m")
            .unwrap()
            .replace_all(&coloured, "");
        assert_eq!(stripped, plain);
    }

    #[test]
    fn lines_fit_the_width() {
        let r = demo();
        for width in [40, 72, 120] {
            let t = to_text(
                &r,
                TextOptions {
                    color: false,
                    width,
                },
            );
            for l in t.lines() {
                assert!(l.chars().count() <= width, "{width}: {l:?}");
            }
        }
    }

    #[test]
    fn log_text_cannot_drive_the_terminal() {
        // An ESC sequence that would clear the screen, and a carriage return that would
        // overwrite the line, inside the one error line of the input.
        let log = "2024-05-01T10:00:00Z ERROR pay-api db pool exhausted \x1b[2J\x1b]0;owned\x07 \r fake\n";
        let r = analyze(
            &[InputFile::new("a\x1b[31m.log", log.as_bytes().to_vec())],
            &AnalyzeOptions::default(),
        )
        .unwrap();
        assert!(r.forensic.patient_zero.is_some());
        let t = plain(&r);
        assert!(
            !t.contains('\x1b') && !t.contains('\r') && !t.contains('\x07'),
            "{t:?}"
        );
        assert!(t.contains("db pool exhausted"));
    }

    #[test]
    fn plurals_are_spelled_out() {
        assert_eq!(plural(1, "service"), "1 service");
        assert_eq!(plural(0, "service"), "0 services");
        assert_eq!(plural(4, "service"), "4 services");
    }

    #[test]
    fn narrative_is_labelled_wrapped_and_cleaned() {
        let mut r = demo();
        assert!(!plain(&r).contains("Narrative"));
        r.narrative = Some(crate::report::Narrative {
            source: "ollama".into(),
            model: "m".into(),
            text: format!("{}\n\x1b[2Jsecond", "word ".repeat(40)),
            check: None,
        });
        let t = to_text(
            &r,
            TextOptions {
                color: false,
                width: 50,
            },
        );
        let at = t.find("Narrative by ollama model m").unwrap();
        let tail: Vec<&str> = t[at..].lines().skip(1).collect();
        assert!(tail.len() >= 5, "{tail:?}");
        assert!(tail.iter().all(|l| l.chars().count() <= 50));
        assert_eq!(tail.last().unwrap().trim(), "[2Jsecond");
    }

    #[test]
    fn fit_cuts_with_an_ellipsis() {
        assert_eq!(fit("abcdef", 4), "abc…");
        assert_eq!(fit("abc", 4), "abc");
        assert_eq!(fit("a\tb", 4), "a b");
    }
}
