//! What `faultline analyze` prints, chosen by the terminal and the flags: Markdown or JSON to a
//! pipe as before, the text summary on a terminal, coloured unless NO_COLOR is set.
//!
//! The terminal cases run the CLI under `script` (util-linux, essential on Debian), which gives
//! it a pseudo-terminal as stdout.
#![cfg(not(target_arch = "wasm32"))]

use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_faultline");
const DEMO: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/demo");

fn run(args: &[&str]) -> String {
    let out = Command::new(BIN)
        .args(args)
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// Runs `faultline analyze DEMO` with a terminal as stdout; `no_color` sets NO_COLOR=1.
fn on_terminal(no_color: bool) -> String {
    let cmd = format!("{BIN} analyze {DEMO}");
    let mut c = Command::new("script");
    c.args(["-qec", &cmd, "/dev/null"])
        .env("TERM", "xterm-256color")
        .env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c
        .output()
        .expect("script (util-linux) runs the CLI on a pseudo-terminal");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_pipe_gets_markdown_or_json_as_before() {
    let md = run(&["analyze", DEMO]);
    assert!(md.starts_with("# "), "{md}");
    assert!(md.contains("## Forensic report"));
    assert_eq!(run(&["analyze", "--format", "md", DEMO]), md);
    let json = run(&["analyze", "--json", DEMO]);
    assert_eq!(run(&["analyze", "--format", "json", DEMO]), json);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert!(v["root_cause"]["failure_class"].is_string());
}

#[test]
fn format_text_in_a_pipe_is_the_plain_summary() {
    let t = run(&["analyze", "--format", "text", DEMO]);
    assert!(!t.contains('\x1b'), "no colour into a pipe");
    assert!(t.contains("Root cause") && t.contains("Patient zero") && t.contains("Candidates"));
}

#[test]
fn format_still_takes_an_input_format() {
    // What --format meant before output formats: force how every line is read.
    let forced = run(&["analyze", "--json", "--format", "plain", DEMO]);
    let flag = run(&["analyze", "--json", "--input-format", "plain", DEMO]);
    assert_eq!(forced, flag);
    assert_ne!(forced, run(&["analyze", "--json", DEMO]));
}

#[test]
fn json_and_another_format_disagree() {
    let out = Command::new(BIN)
        .args(["analyze", "--json", "--format", "text", DEMO])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("disagree"));
}

#[test]
fn a_terminal_gets_the_coloured_summary_and_no_color_turns_colour_off() {
    let coloured = on_terminal(false);
    assert!(coloured.contains("\x1b[1m"), "{coloured:?}");
    assert!(coloured.contains("Patient zero"));
    assert!(!coloured.contains("## Forensic report"), "not the Markdown");
    let plain = on_terminal(true);
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert!(plain.contains("Patient zero"));
    // The terminal turns \n into \r\n; otherwise colour is all that differs.
    let strip = regex::Regex::new("\x1b\\[[0-9;]*m").unwrap();
    assert_eq!(strip.replace_all(&coloured, ""), plain);
}
