//! Markdown postmortem: what a team pastes into its tracker.
//!
//! Promises: log-derived text never becomes markup (no HTML, link, image, emphasis, heading,
//! list or code span can come out of it), and nothing else is escaped, so the source reads as
//! plainly as the rendering: identifiers (services, failure classes, tools) go in code spans,
//! prose escapes only characters that CommonMark or GFM would read as markup where they stand,
//! and log lines go in fenced blocks whose fence is longer than any backtick run inside them.

use super::plural;
use super::types::{Evidence, Report};
use std::fmt::Write;

/// Escapes one line of log-derived text for inline Markdown that may be rendered as HTML.
///
/// Escapes a character only where it would be markup: `<` before what could open a tag or an
/// autolink, `&` before what could be an entity, `*` `_` `~` where they could open or close
/// emphasis or strikethrough (a `_` inside a word never can), every backtick, `]` where a link
/// or reference definition could follow, and `\` before punctuation. Control characters
/// (newlines too) become spaces, so the text stays one line. Text that starts a line or a list
/// item goes through [`escape_line`] instead.
pub(crate) fn escape_inline(s: &str) -> String {
    escape(s, false)
}

/// [`escape_inline`] for text at the start of a line or list item, where it could also open a
/// block (heading, quote, list item, rule).
pub(crate) fn escape_line(s: &str) -> String {
    escape(s, true)
}

fn escape(s: &str, line_start: bool) -> String {
    let chars: Vec<char> = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let mut out = String::with_capacity(s.len() + 8);
    let start = if line_start {
        block_opener(&chars)
    } else {
        None
    };
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        if start == Some(i) {
            out.push('\\');
            out.push(c);
            continue;
        }
        match c {
            '<' if next.is_some_and(|n| n.is_ascii_alphabetic() || "/!?".contains(n)) => {
                out.push_str("&lt;")
            }
            '&' if next.is_some_and(|n| n.is_ascii_alphanumeric() || n == '#') => {
                out.push_str("&amp;")
            }
            '`' => out.push_str("\\`"),
            '\\' if next.is_some_and(|n| n.is_ascii_punctuation()) => out.push_str("\\\\"),
            ']' if next.is_none_or(|n| "([:".contains(n)) => out.push_str("\\]"),
            '_' if !(is_word(prev) && is_word(next)) => out.push_str("\\_"),
            '*' | '~' if !(is_space(prev) && is_space(next)) => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

fn is_word(c: Option<char>) -> bool {
    c.is_some_and(char::is_alphanumeric)
}

/// True for whitespace; the start of the text is not (a `*` there opens a list or emphasis).
fn is_space(c: Option<char>) -> bool {
    c.is_some_and(char::is_whitespace)
}

/// Where the text, standing at the start of a line (the summary, a list item), would open a
/// block: the index of the character to escape (`#` heading, `>` quote, `-` or `+` list item
/// or rule, the `.` or `)` of an ordered-list number). `*` `_` `~` and backticks, the other
/// openers, are escaped wherever they could be markup anyway.
fn block_opener(chars: &[char]) -> Option<usize> {
    let first = chars.iter().position(|c| *c != ' ')?;
    if first >= 4 {
        // An indented code block: inert.
        return None;
    }
    let rest = &chars[first..];
    let spaced = |k: usize| rest.get(k).is_none_or(|c| *c == ' ');
    match rest[0] {
        '>' => Some(first),
        '#' => {
            let run = rest.iter().take_while(|c| **c == '#').count();
            (run <= 6 && spaced(run)).then_some(first)
        }
        '+' => spaced(1).then_some(first),
        '-' => {
            let rule = rest.iter().all(|c| *c == '-' || *c == ' ')
                && rest.iter().filter(|c| **c == '-').count() >= 3;
            (spaced(1) || rule).then_some(first)
        }
        c if c.is_ascii_digit() => {
            let run = rest.iter().take_while(|c| c.is_ascii_digit()).count();
            let list = run <= 9 && matches!(rest.get(run), Some('.' | ')')) && spaced(run + 1);
            list.then_some(first + run)
        }
        _ => None,
    }
}

/// An identifier (service, failure class, tool) in a code span, where nothing is markup; text
/// that is not a plain identifier is escaped as prose instead.
pub(crate) fn code(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_alphanumeric() || "-_.:/@".contains(c));
    if plain {
        format!("`{s}`")
    } else {
        escape_inline(s)
    }
}

/// Prose inside a table cell, where `|` would end the cell.
fn cell(s: &str) -> String {
    escape_inline(s).replace('|', "\\|")
}

/// A fenced block that nothing inside can close early.
fn fenced(lines: &[&str]) -> String {
    let longest = lines.iter().map(|l| longest_run(l, '`')).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    let mut s = format!("{fence}text\n");
    for l in lines {
        s.push_str(l);
        s.push('\n');
    }
    s.push_str(&fence);
    s.push('\n');
    s
}

fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut cur) = (0, 0);
    for ch in s.chars() {
        if ch == c {
            cur += 1;
            best = best.max(cur);
        } else {
            cur = 0;
        }
    }
    best
}

fn cite(e: &Evidence) -> String {
    code(&format!("{}:{}", e.file, e.line))
}

/// An optional identifier, `?` when absent.
fn code_or(s: Option<&str>, absent: &str) -> String {
    s.map_or(absent.to_string(), code)
}

/// Renders the report as a Markdown postmortem.
pub fn to_markdown(r: &Report) -> String {
    let mut m = String::new();
    let e = escape_inline;
    let _ = writeln!(m, "# {}\n", e(&r.title));
    let _ = writeln!(
        m,
        "**Severity:** {} · **Confidence:** {:.0}% · **Root cause:** {}\n",
        r.severity.as_deref().unwrap_or("unknown"),
        r.confidence * 100.0,
        e(&r.root_cause.statement)
    );
    let _ = writeln!(m, "## Summary\n\n{}\n", escape_line(&r.summary));
    services(&mut m, r);
    timeline(&mut m, r);
    forensic(&mut m, r);
    whys(&mut m, r);
    recommendations(&mut m, r);
    evidence(&mut m, r);
    trail(&mut m, r);
    if let Some(n) = &r.narrative {
        // The model's text is untrusted: fenced, and labelled as unverified prose.
        let lines: Vec<&str> = n.text.trim_end().lines().collect();
        let _ = writeln!(
            m,
            "\n## Narrative (LLM)\n\nWritten by {} model {} from the redacted findings; the findings above stand on their own.\n\n{}",
            code(&n.source),
            code(&n.model),
            fenced(&lines)
        );
        if let Some(c) = &n.check {
            let _ = writeln!(m, "\n{}", check_line(c));
        }
    }
    m
}

fn services(m: &mut String, r: &Report) {
    if r.affected_services.is_empty() {
        return;
    }
    let _ = writeln!(
        m,
        "## Affected services\n\n| Service | Role | Health | Impact |\n|---|---|---|---|"
    );
    for a in &r.affected_services {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} |",
            code(&a.name).replace('|', "\\|"),
            cell(&a.role),
            cell(&a.health),
            cell(&a.impact)
        );
    }
    m.push('\n');
}

fn timeline(m: &mut String, r: &Report) {
    if r.timeline.is_empty() {
        return;
    }
    let _ = writeln!(m, "## Timeline\n");
    for t in &r.timeline {
        let count = if t.count > 1 {
            format!(" (×{})", t.count)
        } else {
            String::new()
        };
        let _ = writeln!(
            m,
            "- {} · {} · {}{} — {}",
            escape_line(t.time.as_deref().unwrap_or("untimed")),
            code_or(t.service.as_deref(), "?"),
            escape_inline(&t.text),
            count,
            cite(&t.evidence)
        );
    }
    m.push('\n');
}

fn forensic(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Forensic report\n");
    let f = &r.forensic;
    if let Some(pz) = &f.patient_zero {
        let _ = writeln!(
            m,
            "**Patient zero** ({}): {}\n",
            escape_inline(pz.time.as_deref().unwrap_or("untimed")),
            cite(&pz.evidence)
        );
        m.push_str(&fenced(&[pz.evidence.text.as_str()]));
        m.push('\n');
    }
    if !f.propagation_path.is_empty() {
        let path: Vec<String> = f.propagation_path.iter().map(|p| code(p)).collect();
        let _ = writeln!(m, "**Propagation path:** {}\n", path.join(" → "));
    }
    let _ = writeln!(
        m,
        "**Trigger:** {} ({:.0}% confidence) — {}\n",
        code(&f.trigger.kind),
        f.trigger.confidence * 100.0,
        escape_inline(&f.trigger.summary)
    );
    if let Some(t) = f.time_to_impact_seconds {
        let _ = writeln!(m, "**Time to impact:** {t:.3} s\n");
    }
}

fn whys(m: &mut String, r: &Report) {
    if r.five_whys.is_empty() {
        return;
    }
    let e = escape_inline;
    let _ = writeln!(m, "## Five whys\n");
    for (k, w) in r.five_whys.iter().enumerate() {
        let cites: Vec<String> = w.evidence.iter().map(cite).collect();
        let _ = writeln!(
            m,
            "{}. **{}** {}{}",
            k + 1,
            e(&w.question),
            e(&w.answer),
            if cites.is_empty() {
                String::new()
            } else {
                format!(" ({})", cites.join(", "))
            }
        );
    }
    if let Some(s) = &r.systemic_cause {
        let _ = writeln!(m, "\n**Systemic cause:** {}", e(s));
    }
    if let Some(c) = &r.counterfactual {
        let _ = writeln!(m, "\n**Counter-factual:** {}", e(c));
    }
    m.push('\n');
}

fn recommendations(m: &mut String, r: &Report) {
    if r.recommendations.is_empty() {
        return;
    }
    let _ = writeln!(m, "## Recommendations\n");
    for rec in &r.recommendations {
        let _ = writeln!(
            m,
            "### {}. {}\n\n{}\n",
            rec.rank,
            escape_inline(&rec.title),
            escape_line(&rec.why)
        );
        if !rec.commands.is_empty() {
            let cmds: Vec<&str> = rec.commands.iter().map(String::as_str).collect();
            m.push_str(&fenced(&cmds));
            m.push('\n');
        }
    }
}

fn evidence(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Evidence\n");
    let lines: Vec<String> = r
        .root_cause
        .evidence
        .iter()
        .map(|ev| format!("{}:{}: {}", ev.file, ev.line, ev.text))
        .collect();
    let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
    if !lines.is_empty() {
        m.push_str(&fenced(&lines));
        m.push('\n');
    }
}

fn trail(m: &mut String, r: &Report) {
    let _ = writeln!(m, "## Reasoning trail\n");
    for s in &r.reasoning_trail {
        let _ = writeln!(
            m,
            "{}. {} — {} → {}",
            s.step,
            code(&s.tool),
            escape_inline(&s.input),
            escape_inline(&s.output)
        );
    }
    let _ = writeln!(
        m,
        "\n**Grounding:** {} checked, {}.",
        plural(r.grounding.checked, "item"),
        if r.grounding.passed {
            "all found in the input"
        } else {
            "problems found"
        }
    );
    let i = &r.input;
    let _ = writeln!(
        m,
        "\n*Input: {}, {}, {}.*",
        plural(i.lines, "line"),
        plural(i.events, "event"),
        plural(i.unparsed_lines, "unparsed line")
    );
    if let Some(store) = &r.input.store {
        let _ = writeln!(m, "\n*{}.*", escape_inline(&store.describe()));
    }
    for f in &r.input.files {
        for note in super::assumed_times(f) {
            let _ = writeln!(m, "\n*{} {note}.*", code(&f.name));
        }
    }
}

/// The narrative check in one line: how many things it flagged and whether the root cause differs.
fn check_line(c: &super::Check) -> String {
    let e = escape_inline;
    let mut s = format!(
        "_Check of the narrative: {} of {} names, numbers and citations not backed by the findings",
        c.flags.len(),
        c.checked
    );
    if let Some(d) = &c.disagreement {
        s.push_str(&format!(
            "; it names a different root cause ({} / {}) than the engine ({} / {})",
            e(d.answer.service.as_deref().unwrap_or("?")),
            e(d.answer.failure_class.as_deref().unwrap_or("?")),
            e(d.engine.service.as_deref().unwrap_or("?")),
            e(d.engine.failure_class.as_deref().unwrap_or("?")),
        ));
    }
    s.push_str("._");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn narrative_is_fenced_and_labelled() {
        let log = "2024-05-01T10:00:00Z ERROR pay-api db pool exhausted\n";
        let mut r = crate::analyze(
            &[crate::InputFile::new("a.log", log.as_bytes().to_vec())],
            &crate::AnalyzeOptions::default(),
        )
        .unwrap();
        assert!(!to_markdown(&r).contains("Narrative (LLM)"));
        r.narrative = Some(crate::report::Narrative {
            source: "ollama".into(),
            model: "m<b>".into(),
            text: "```\n<img src=x onerror=alert(1)>".into(),
            check: None,
        });
        let md = to_markdown(&r);
        let at = md.find("## Narrative (LLM)").unwrap();
        let tail = &md[at..];
        assert!(tail.contains("m&lt;b>"), "{tail}");
        // The fence is longer than the model's own backtick run, so it cannot close early.
        assert!(tail.contains("````text\n```\n<img src=x onerror=alert(1)>\n````"));
    }

    #[test]
    fn only_what_would_be_markup_is_escaped() {
        // Readable text stays as it is: parentheses, intraword underscores, arrows, `!`.
        for plain in [
            "db pool exhausted (4 services affected)",
            "db_pool_exhaustion",
            "a -> b",
            "wow!",
            "x < 3 && y > 2",
            "5 * 3",
            "[main] thread started",
            "C:\\temp",
        ] {
            assert_eq!(escape_inline(plain), plain);
        }
        assert_eq!(
            escape_inline("<script>alert(1)</script>"),
            "&lt;script>alert(1)&lt;/script>"
        );
        assert_eq!(
            escape_inline("[x](javascript:alert(1))"),
            "[x\\](javascript:alert(1))"
        );
        assert_eq!(escape_inline("![x](y)"), "![x\\](y)");
        assert_eq!(escape_inline("&amp; &#60;"), "&amp;amp; &amp;#60;");
        assert_eq!(
            escape_inline("*bold* _em_ ~~s~~"),
            "\\*bold\\* \\_em\\_ \\~\\~s\\~\\~"
        );
        assert_eq!(escape_inline("a `b` c"), "a \\`b\\` c");
        assert_eq!(escape_inline("\\](x)"), "\\\\\\](x)");
        // Block openers matter only at the start, where the summary and list items stand.
        assert_eq!(escape_line("> quoted"), "\\> quoted");
        assert_eq!(escape_line("# title"), "\\# title");
        assert_eq!(escape_line("#42 failed"), "#42 failed");
        assert_eq!(escape_line("- item"), "\\- item");
        assert_eq!(escape_line("-5 degrees"), "-5 degrees");
        assert_eq!(escape_line("---"), "\\---");
        assert_eq!(escape_line("12. twelve"), "12\\. twelve");
        assert_eq!(escape_line("3.14 pi"), "3.14 pi");
        // Inside a line the same text is no block.
        assert_eq!(escape_inline("- item"), "- item");
        assert_eq!(escape_inline("> quoted"), "> quoted");
        assert_eq!(escape_inline("a\nb"), "a b");
    }

    #[test]
    fn identifiers_go_in_code_spans() {
        assert_eq!(code("db_pool_exhaustion"), "`db_pool_exhaustion`");
        assert_eq!(code("orders-api"), "`orders-api`");
        assert_eq!(code("logs/orders.log"), "`logs/orders.log`");
        // Not an identifier: escaped as prose, so it cannot leave the span or carry markup.
        assert_eq!(code("<b>x</b>"), "&lt;b>x&lt;/b>");
        assert_eq!(code("a`b"), "a\\`b");
        assert_eq!(cell("a | b"), "a \\| b");
    }

    /// GitHub's dialect: CommonMark with tables, strikethrough, footnotes and task lists.
    fn gfm() -> pulldown_cmark::Options {
        use pulldown_cmark::Options;
        Options::ENABLE_TABLES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_GFM
    }

    fn html(md: &str) -> String {
        let mut out = String::new();
        pulldown_cmark::html::push_html(&mut out, pulldown_cmark::Parser::new_ext(md, gfm()));
        out
    }

    /// Every piece of text a CommonMark/GFM renderer would show, joined by spaces.
    fn visible(md: &str) -> String {
        use pulldown_cmark::{Event, Parser};
        let mut out = String::new();
        for ev in Parser::new_ext(md, gfm()) {
            match ev {
                Event::Text(t) | Event::Code(t) => out.push_str(&t),
                Event::SoftBreak | Event::HardBreak | Event::End(_) => out.push(' '),
                _ => {}
            }
        }
        out
    }

    #[test]
    fn log_text_renders_as_text() {
        let nasty = [
            "<script>alert(\"x\")</script> upstream refused",
            "<img src=x onerror=alert(1)> upstream refused",
            "see [docs](javascript:alert(2)) upstream refused",
            "![x](http://evil.example/x.png) upstream refused",
            "[ref]: javascript:alert(3) and [ref] upstream refused",
            "&lt;b&gt; *em* __strong__ ~~gone~~ `code` \\](x) upstream refused",
            "# heading > quote",
            "1. listed",
            "- a list item",
        ];
        for text in nasty {
            let line = format!(
                "- 10:00 · {} · {} — {}\n",
                code("svc"),
                escape_inline(text),
                cite(&Evidence {
                    file: "a.log".into(),
                    line: 1,
                    text: text.into(),
                })
            );
            let h = html(&line);
            for tag in [
                "<script",
                "<img",
                "<a ",
                "<em>",
                "<strong>",
                "<del>",
                "<h1",
                "<blockquote",
                "<ol",
            ] {
                assert!(!h.contains(tag), "{text:?} made {tag}: {h}");
            }
            // The renderer shows the log text exactly.
            assert!(
                visible(&line).contains(text),
                "{text:?} shows as {:?}",
                visible(&line)
            );
        }
    }

    #[test]
    fn the_export_renders_cleanly_and_shows_the_report() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo");
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        paths.sort();
        let files: Vec<crate::InputFile> = paths
            .iter()
            .map(|p| crate::InputFile::new(p.display().to_string(), std::fs::read(p).unwrap()))
            .collect();
        let r = crate::analyze(&files, &crate::AnalyzeOptions::default()).unwrap();
        let md = to_markdown(&r);
        assert!(!md.contains("\\("), "no escaped parentheses");
        assert!(!md.contains("(s)"), "plurals spelled out");
        let shown = visible(&md);
        let mut fields = vec![
            r.title.clone(),
            r.summary.clone(),
            r.root_cause.statement.clone(),
            r.forensic.trigger.summary.clone(),
        ];
        fields.extend(r.affected_services.iter().map(|a| a.name.clone()));
        fields.extend(r.timeline.iter().map(|t| t.text.clone()));
        fields.extend(r.recommendations.iter().map(|x| x.title.clone()));
        fields.extend(r.reasoning_trail.iter().map(|s| s.output.clone()));
        fields.extend(
            r.forensic
                .patient_zero
                .iter()
                .map(|p| p.evidence.text.clone()),
        );
        for f in fields {
            let f: String = f
                .chars()
                .map(|c| if c.is_control() { ' ' } else { c })
                .collect();
            assert!(shown.contains(&f), "{f:?} is not shown as is");
        }
        assert!(!html(&md).contains("<script"));
    }

    #[test]
    fn fence_outlasts_backticks_inside() {
        let f = fenced(&["a ```` b"]);
        assert!(f.starts_with("`````text"));
    }
}
