//! Markdown postmortem: what a team pastes into its tracker.
//!
//! Promises: log-derived text never becomes markup. Inline text has HTML and Markdown
//! metacharacters escaped; log lines go in fenced blocks whose fence is longer than any backtick
//! run inside them.

use super::types::{Evidence, Report};
use std::fmt::Write;

/// Escapes text for inline Markdown that may be rendered as HTML.
pub(crate) fn escape_inline(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    let mut line_start = true;
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            // With `<` escaped no tag can open, so `>` only matters as a blockquote at the start
            // of a line; elsewhere it stays readable ("a -> b").
            '>' if line_start => out.push_str("&gt;"),
            // `!` needs no escape: it only makes an image before `[`, which is escaped.
            '\\' | '`' | '*' | '_' | '[' | ']' | '(' | ')' | '#' | '|' | '~' => {
                out.push('\\');
                out.push(c);
            }
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
        line_start = false;
    }
    out
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
    format!("{}:{}", escape_inline(&e.file), e.line)
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
    let _ = writeln!(m, "## Summary\n\n{}\n", e(&r.summary));
    if !r.affected_services.is_empty() {
        let _ = writeln!(
            m,
            "## Affected services\n\n| Service | Role | Health | Impact |\n|---|---|---|---|"
        );
        for a in &r.affected_services {
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} |",
                e(&a.name),
                e(&a.role),
                e(&a.health),
                e(&a.impact)
            );
        }
        m.push('\n');
    }
    if !r.timeline.is_empty() {
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
                e(t.time.as_deref().unwrap_or("untimed")),
                e(t.service.as_deref().unwrap_or("?")),
                e(&t.text),
                count,
                cite(&t.evidence)
            );
        }
        m.push('\n');
    }
    let _ = writeln!(m, "## Forensic report\n");
    if let Some(pz) = &r.forensic.patient_zero {
        let _ = writeln!(
            m,
            "**Patient zero** ({}): {}\n",
            e(pz.time.as_deref().unwrap_or("untimed")),
            cite(&pz.evidence)
        );
        m.push_str(&fenced(&[pz.evidence.text.as_str()]));
        m.push('\n');
    }
    if !r.forensic.propagation_path.is_empty() {
        let path: Vec<String> = r.forensic.propagation_path.iter().map(|p| e(p)).collect();
        let _ = writeln!(m, "**Propagation path:** {}\n", path.join(" → "));
    }
    let _ = writeln!(
        m,
        "**Trigger:** {} ({:.0}% confidence) — {}\n",
        e(&r.forensic.trigger.kind),
        r.forensic.trigger.confidence * 100.0,
        e(&r.forensic.trigger.summary)
    );
    if let Some(t) = r.forensic.time_to_impact_seconds {
        let _ = writeln!(m, "**Time to impact:** {t:.3} s\n");
    }
    if !r.five_whys.is_empty() {
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
    if !r.recommendations.is_empty() {
        let _ = writeln!(m, "## Recommendations\n");
        for rec in &r.recommendations {
            let _ = writeln!(
                m,
                "### {}. {}\n\n{}\n",
                rec.rank,
                e(&rec.title),
                e(&rec.why)
            );
            if !rec.commands.is_empty() {
                let cmds: Vec<&str> = rec.commands.iter().map(String::as_str).collect();
                m.push_str(&fenced(&cmds));
                m.push('\n');
            }
        }
    }
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
    let _ = writeln!(m, "## Reasoning trail\n");
    for s in &r.reasoning_trail {
        let _ = writeln!(
            m,
            "{}. `{}` — {} → {}",
            s.step,
            e(&s.tool),
            e(&s.input),
            e(&s.output)
        );
    }
    let _ = writeln!(
        m,
        "\n**Grounding:** {} items checked, {}.",
        r.grounding.checked,
        if r.grounding.passed {
            "all found in the input"
        } else {
            "problems found"
        }
    );
    let _ = writeln!(
        m,
        "\n_Input: {} lines, {} events, {} unparsed lines._",
        r.input.lines, r.input.events, r.input.unparsed_lines
    );
    if let Some(n) = &r.narrative {
        // The model's text is untrusted: fenced, and labelled as unverified prose.
        let lines: Vec<&str> = n.text.trim_end().lines().collect();
        let _ = writeln!(
            m,
            "\n## Narrative (LLM)\n\nWritten by {} model {} from the redacted findings; the findings above stand on their own.\n\n{}",
            e(&n.source),
            e(&n.model),
            fenced(&lines)
        );
        if let Some(c) = &n.check {
            let _ = writeln!(m, "\n{}", check_line(c));
        }
    }
    m
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
        assert!(tail.contains("m&lt;b>"));
        // The fence is longer than the model's own backtick run, so it cannot close early.
        assert!(tail.contains("````text\n```\n<img src=x onerror=alert(1)>\n````"));
    }

    #[test]
    fn html_and_markdown_are_inert() {
        assert_eq!(
            escape_inline("<script>alert(1)</script>"),
            "&lt;script>alert\\(1\\)&lt;/script>"
        );
        assert_eq!(
            escape_inline("[x](javascript:alert(1))"),
            "\\[x\\]\\(javascript:alert\\(1\\)\\)"
        );
        // Regression: summaries read "a -&gt; b"; `>` is escaped only where it opens a quote.
        assert_eq!(escape_inline("a -> b"), "a -> b");
        assert_eq!(escape_inline("> quoted"), "&gt; quoted");
        assert_eq!(escape_inline("wow!"), "wow!");
        assert_eq!(escape_inline("![x](y)"), "!\\[x\\]\\(y\\)");
    }

    #[test]
    fn fence_outlasts_backticks_inside() {
        let f = fenced(&["a ```` b"]);
        assert!(f.starts_with("`````text"));
    }
}
