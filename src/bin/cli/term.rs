//! What `faultline analyze` prints and how it talks to a terminal: the output format (a coloured
//! summary on a terminal, Markdown when piped, unless `--format`/`--json` say otherwise) and a
//! progress bar on stderr.
//!
//! Promises: a pipe gets exactly what it got before this module existed (Markdown, or JSON with
//! `--json`), so scripts do not break; colour only on a terminal and never with `NO_COLOR` set
//! (https://no-color.org) or `TERM=dumb`; the progress bar only when stderr is a terminal, only
//! once a run has lasted long enough to need one, and its line is erased before anything else
//! is printed.

use faultline::{Progress, Stage, TextOptions};
use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// The rendering `analyze` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Markdown,
    Json,
    Text(TextOptions),
}

/// Output names `--format` takes; any other value is an input format (what `--format` meant
/// before output formats existed), so older command lines keep working.
const OUTPUTS: [&str; 4] = ["md", "markdown", "json", "text"];

/// Splits `--format` into an output name and an input format name.
pub fn split_format(format: Option<String>) -> (Option<String>, Option<String>) {
    match format {
        Some(f) if OUTPUTS.contains(&f.as_str()) => (Some(f), None),
        other => (None, other),
    }
}

/// What the terminal around the process is like; read once by [`Env::detect`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Env {
    pub stdout_tty: bool,
    pub no_color: bool,
    pub width: usize,
}

impl Env {
    pub fn detect() -> Env {
        let set = |k: &str| std::env::var_os(k).is_some_and(|v| !v.is_empty());
        Env {
            stdout_tty: std::io::stdout().is_terminal(),
            no_color: set("NO_COLOR") || std::env::var("TERM").is_ok_and(|t| t == "dumb"),
            // std cannot ask the terminal its size; shells that export COLUMNS are honoured.
            width: std::env::var("COLUMNS")
                .ok()
                .and_then(|c| c.parse().ok())
                .unwrap_or(100),
        }
    }
}

/// The output for `--json` and `--format`, given the terminal: an explicit choice wins; with
/// none, a terminal gets the text summary and anything else the Markdown it always got.
pub fn choose(json: bool, format: Option<&str>, env: &Env) -> Result<Output, String> {
    let text = Output::Text(TextOptions {
        color: env.stdout_tty && !env.no_color,
        width: env.width,
    });
    let explicit = match format {
        None => None,
        Some("md" | "markdown") => Some(Output::Markdown),
        Some("json") => Some(Output::Json),
        Some("text") => Some(text),
        Some(other) => return Err(format!("unknown output format {other:?} (md, json, text)")),
    };
    match (json, explicit) {
        (true, Some(o)) if o != Output::Json => {
            Err("--json and --format disagree: give one of them".into())
        }
        (true, _) => Ok(Output::Json),
        (false, Some(o)) => Ok(o),
        (false, None) if env.stdout_tty => Ok(text),
        (false, None) => Ok(Output::Markdown),
    }
}

/// A one-line progress bar on stderr, drawn from the engine's progress reports.
pub struct Bar {
    on: bool,
    start: Instant,
    drawn: Option<Instant>,
}

/// Runs shorter than this never show a bar; redraws are at least this far apart.
const DELAY: Duration = Duration::from_millis(300);
const EVERY: Duration = Duration::from_millis(100);
const CELLS: usize = 24;

impl Bar {
    /// A bar that draws only when stderr is a terminal.
    pub fn new() -> Bar {
        Bar {
            on: std::io::stderr().is_terminal(),
            start: Instant::now(),
            drawn: None,
        }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.on || self.start.elapsed() < DELAY {
            return;
        }
        if self.drawn.is_some_and(|t| t.elapsed() < EVERY) {
            return;
        }
        self.drawn = Some(Instant::now());
        let mut err = std::io::stderr().lock();
        // \r and "erase to end of line": the bar overwrites itself in place.
        let _ = write!(err, "\r{}\x1b[K", line(&p));
        let _ = err.flush();
    }

    /// Erases the bar, if one was drawn, so the report starts on a clean line.
    pub fn finish(&mut self) {
        if self.drawn.take().is_some() {
            let _ = write!(std::io::stderr().lock(), "\r\x1b[K");
        }
    }
}

/// How far `p`'s stage has come, 0..=1.
fn fraction(p: &Progress) -> f64 {
    let part = |done: u64, total: u64| {
        if total == 0 {
            0.0
        } else {
            (done as f64 / total as f64).min(1.0)
        }
    };
    match p.stage {
        Stage::Parse | Stage::Entities => part(p.bytes_done, p.bytes_total),
        Stage::Mine | Stage::Index => part(p.events_done, p.events_total),
        Stage::Forensics | Stage::Report if p.steps > 0 => {
            let within = part(p.events_done, p.events_total);
            ((p.step as f64 + within) / p.steps as f64).min(1.0)
        }
        _ => 0.0,
    }
}

/// The bar's text: stage, bar, percentage and the amount of input.
fn line(p: &Progress) -> String {
    let f = fraction(p);
    let full = (f * CELLS as f64).round() as usize;
    format!(
        "{:<9} [{}{}] {:>3.0}%  {:.1} MB",
        p.stage.as_str(),
        "#".repeat(full),
        "-".repeat(CELLS - full),
        f * 100.0,
        p.bytes_total as f64 / 1e6
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(stdout_tty: bool, no_color: bool) -> Env {
        Env {
            stdout_tty,
            no_color,
            width: 80,
        }
    }

    #[test]
    fn a_pipe_keeps_the_old_default_and_a_terminal_gets_text() {
        assert_eq!(
            choose(false, None, &env(false, false)),
            Ok(Output::Markdown)
        );
        assert_eq!(choose(true, None, &env(false, false)), Ok(Output::Json));
        let Ok(Output::Text(o)) = choose(false, None, &env(true, false)) else {
            panic!("a terminal gets the text summary")
        };
        assert!(o.color);
        let Ok(Output::Text(o)) = choose(false, None, &env(true, true)) else {
            panic!("NO_COLOR keeps the text summary")
        };
        assert!(!o.color);
    }

    #[test]
    fn explicit_formats_win_and_text_in_a_pipe_has_no_colour() {
        assert_eq!(
            choose(false, Some("md"), &env(true, false)),
            Ok(Output::Markdown)
        );
        assert_eq!(
            choose(false, Some("json"), &env(true, false)),
            Ok(Output::Json)
        );
        assert_eq!(
            choose(true, Some("json"), &env(true, false)),
            Ok(Output::Json)
        );
        let Ok(Output::Text(o)) = choose(false, Some("text"), &env(false, false)) else {
            panic!("--format text")
        };
        assert!(!o.color);
        assert!(choose(true, Some("md"), &env(false, false)).is_err());
    }

    #[test]
    fn format_takes_output_names_and_still_input_formats() {
        assert_eq!(
            split_format(Some("text".into())),
            (Some("text".into()), None)
        );
        assert_eq!(
            split_format(Some("logfmt".into())),
            (None, Some("logfmt".into()))
        );
        assert_eq!(split_format(None), (None, None));
    }

    #[test]
    fn the_bar_tracks_each_stage() {
        let p = Progress {
            stage: Stage::Parse,
            bytes_done: 50,
            bytes_total: 200,
            events_done: 0,
            events_total: 0,
            step: 0,
            steps: 0,
        };
        assert_eq!(fraction(&p), 0.25);
        let l = line(&p);
        assert!(l.starts_with("parse") && l.contains(" 25%"), "{l}");
        assert_eq!(l.matches('#').count(), CELLS / 4);
        let f = Progress {
            stage: Stage::Forensics,
            step: 3,
            steps: 6,
            events_done: 5,
            events_total: 10,
            ..p
        };
        assert_eq!(fraction(&f), 3.5 / 6.0);
        let unknown = Progress {
            stage: Stage::Mine,
            events_total: 0,
            ..p
        };
        assert_eq!(fraction(&unknown), 0.0);
    }
}
