//! `faultline redact` end to end: copies keep every line (and JSON stays JSON), secrets are
//! gone, placeholders are stable across files, redacting a copy again changes nothing, and the
//! summary on stderr says what was masked by kind without the values.
#![cfg(not(target_arch = "wasm32"))] // native only: runs the CLI

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const SECRETS: &[&str] = &[
    "hunter2-Xy9",
    "ana.lima@example.org",
    "203.0.113.77",
    "4111 1111 1111 1111",
    "AKIAIOSFODNN7EXAMPLE",
    "s3cr3t-Pa55",
];

fn app_log() -> String {
    [
        r#"{"ts":"2026-03-01T10:00:00Z","level":"ERROR","service":"pay-api","msg":"login failed for ana.lima@example.org","password":"hunter2-Xy9"}"#,
        r#"{"ts":"2026-03-01T10:00:01Z","service":"pay-api","client_ip":"203.0.113.77","card":"4111 1111 1111 1111","latency_ms":120}"#,
        "time=2026-03-01T10:00:02Z level=warn service=pay-api aws_key=AKIAIOSFODNN7EXAMPLE msg=\"rotating\"",
        "2026-03-01T10:00:03Z INFO pay-api connected to postgres://app:s3cr3t-Pa55@db-main:5432/pay",
        "",
        "2026-03-01T10:00:04Z INFO pay-api nothing secret here, took 35ms",
    ]
    .join("\n")
        + "\n"
}

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("faultline-redact-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn faultline(args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_faultline"));
    cmd.arg("redact").args(args);
    cmd.stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "faultline redact {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn read(p: &Path) -> String {
    std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

fn assert_copy(input: &str, copy: &str) {
    assert_eq!(copy.lines().count(), input.lines().count(), "{copy}");
    assert_eq!(copy.matches('\n').count(), input.matches('\n').count());
    for (a, b) in input.lines().zip(copy.lines()) {
        if serde_json::from_str::<serde_json::Value>(a).is_ok() {
            let v: Result<serde_json::Value, _> = serde_json::from_str(b);
            assert!(v.is_ok(), "JSON line broke: {b}");
        }
    }
    for s in SECRETS {
        assert!(!copy.contains(s), "{s} leaked: {copy}");
    }
}

#[test]
fn copies_keep_lines_and_json_and_lose_the_secrets() {
    let dir = tmp("files");
    let log = app_log();
    std::fs::write(dir.join("app.log"), &log).unwrap();
    let crlf = log.replace('\n', "\r\n");
    std::fs::write(dir.join("win.txt"), &crlf).unwrap();
    let out = faultline(
        &[
            dir.join("app.log").to_str().unwrap(),
            dir.join("win.txt").to_str().unwrap(),
        ],
        None,
    );
    let a = read(&dir.join("app.redacted.log"));
    let w = read(&dir.join("win.redacted.txt"));
    assert_copy(&log, &a);
    assert_eq!(w.matches("\r\n").count(), crlf.matches("\r\n").count());
    // One placeholder per value, across files.
    assert_eq!(w.replace("\r\n", "\n"), a);
    assert!(a.contains("took 35ms") && a.contains("pay-api") && a.contains("db-main:5432"));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("masked on 8 of 12 lines in 2 files"), "{err}");
    for kind in ["EMAIL", "SECRET", "IP", "CARD"] {
        assert!(err.contains(kind), "{kind} missing from summary: {err}");
    }
    for s in SECRETS {
        assert!(!err.contains(s), "summary shows {s}: {err}");
    }
}

#[test]
fn redacting_a_copy_again_changes_nothing() {
    let dir = tmp("twice");
    std::fs::write(dir.join("app.log"), app_log()).unwrap();
    let once = dir.join("once");
    let twice = dir.join("twice");
    faultline(
        &[
            dir.join("app.log").to_str().unwrap(),
            "--out",
            once.to_str().unwrap(),
        ],
        None,
    );
    faultline(
        &[once.to_str().unwrap(), "--out", twice.to_str().unwrap()],
        None,
    );
    let a = read(&once.join("app.log"));
    assert_copy(&app_log(), &a);
    assert_eq!(read(&twice.join("app.log")), a);
}

#[test]
fn folders_keep_their_layout_and_gzip_becomes_plain_text() {
    use std::io::Write;
    let dir = tmp("tree");
    let src = dir.join("logs");
    std::fs::create_dir_all(src.join("svc")).unwrap();
    std::fs::write(src.join("a.log"), app_log()).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(app_log().as_bytes()).unwrap();
    std::fs::write(src.join("svc").join("b.log.gz"), gz.finish().unwrap()).unwrap();
    let out = dir.join("out");
    faultline(
        &[src.to_str().unwrap(), "--out", out.to_str().unwrap()],
        None,
    );
    let a = read(&out.join("a.log"));
    assert_copy(&app_log(), &a);
    assert_eq!(read(&out.join("svc").join("b.log")), a);
}

#[test]
fn stdin_goes_to_stdout_and_user_patterns_apply() {
    let out = faultline(
        &["--redact", r"tenant=(\w+)", "-"],
        Some("tenant=globex password=hunter2-Xy9\nplain line\n"),
    );
    let s = String::from_utf8(out.stdout).unwrap();
    assert_eq!(s, "tenant=<CUSTOM_1> password=<SECRET_1>\nplain line\n");
}

/// Regression: a counted key block computed `left - 1` with `left == 0` (`then_some` evaluates
/// its argument), so debug builds panicked on files with key material.
#[test]
fn regression_key_block_countdown_underflow() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/secrets/blind");
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let p = path.to_str().unwrap();
        let out = faultline(&["--out", "-", p], None);
        assert!(
            out.status.success(),
            "{p}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// `faultline redact --out - PATH` on `threads` threads: the copies on stdout.
fn to_stdout(path: &Path, threads: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_faultline"))
        .args(["redact", "--out", "-"])
        .arg(path)
        .env("RAYON_NUM_THREADS", threads)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A file longer than one piece (1 MB) is read in pieces at once natively: the copy must be
/// the same bytes on one thread and on four, also with a key block and a table across cuts.
#[test]
fn a_long_file_gives_the_same_copy_on_any_number_of_threads() {
    let dir = tmp("threads");
    let block = app_log()
        + "-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQ\n\
           -----END OPENSSH PRIVATE KEY-----\nuser,email,phone\nana,ana.lima@example.org,+44 7700 900123\n";
    let text = block.repeat(3_000_000 / block.len() + 1);
    let input = dir.join("big.log");
    std::fs::write(&input, &text).unwrap();
    let run = |threads: &str| to_stdout(&input, threads);
    let one = run("1");
    let four = run("4");
    assert!(one == four, "the copy differs between 1 and 4 threads");
    assert_copy(&text, &one);
    std::fs::remove_dir_all(&dir).ok();
}

/// Many short files are read at once natively (a batch of files, not pieces of one): the
/// copies, their order on stdout and the placeholders shared across files must be the same
/// on one thread and on four; a file ending inside a key block must not leak its state into
/// the next one.
#[test]
fn many_short_files_give_the_same_copies_on_any_number_of_threads() {
    let dir = tmp("many");
    let src = dir.join("in");
    std::fs::create_dir_all(&src).unwrap();
    for i in 0..40 {
        let mut text = app_log().repeat(1 + i % 3);
        if i % 7 == 0 {
            text.push_str("-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEAx8vQ1Zq3\n");
        }
        std::fs::write(src.join(format!("part-{i:02}.log")), text).unwrap();
    }
    let run = |threads: &str| to_stdout(&src, threads);
    let one = run("1");
    assert!(one == run("4"), "the copies differ between 1 and 4 threads");
    assert!(
        one.starts_with(r#"{"ts":"2026-03-01T10:00:00Z""#),
        "{}",
        &one[..200]
    );
    assert!(!one.contains("MIIEowIBAAKCAQEAx8vQ1Zq3"));
    assert_eq!(
        one.matches("<EMAIL_1>").count(),
        one.matches("login failed").count()
    );
    std::fs::remove_dir_all(&dir).ok();
}
