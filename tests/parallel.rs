//! The report is the same bytes whatever runs the engine's independent parts: one thread, four
//! threads, or no runner at all (`analyze_owned`), on the page's demos, the incident fixtures
//! and a multi-file input with a baseline. The CLI gives the same JSON for 1 and 4 threads.
#![cfg(not(target_arch = "wasm32"))] // native only: threads and fixture folders

#[path = "../src/app/demo.rs"]
#[allow(dead_code)]
mod demo;

use faultline::{analyze_owned, analyze_parallel, AnalyzeOptions, InputFile, Job, Parallel};
use rayon::prelude::*;
use std::path::Path;

/// Runs the engine's jobs on a pool of its own with a given number of threads.
struct Pool(rayon::ThreadPool);

impl Pool {
    fn new(threads: usize) -> Pool {
        Pool(
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool"),
        )
    }
}

impl Parallel for Pool {
    fn run<'a>(&self, jobs: Vec<Job<'a>>) {
        self.0
            .install(|| jobs.into_par_iter().with_max_len(1).for_each(|job| job()));
    }
}

fn json(files: &[InputFile], opts: &AnalyzeOptions, par: Option<&dyn Parallel>) -> String {
    let report = match par {
        None => analyze_owned(files.to_vec(), opts),
        Some(par) => analyze_parallel(files.to_vec(), opts, par, &mut |_| {}).map(|(r, _)| r),
    }
    .expect("analyzes");
    serde_json::to_string_pretty(&report).expect("serializes")
}

/// The same JSON with no runner, the sequential runner, and pools of 1 and 4 threads.
fn assert_same_everywhere(what: &str, files: &[InputFile], opts: &AnalyzeOptions) {
    let alone = json(files, opts, None);
    for (name, par) in [
        ("sequential", &faultline::Sequential as &dyn Parallel),
        ("1 thread", &Pool::new(1)),
        ("4 threads", &Pool::new(4)),
    ] {
        assert!(
            json(files, opts, Some(par)) == alone,
            "{what}: {name} gives another report"
        );
    }
}

fn folder(dir: &Path) -> Vec<InputFile> {
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .expect("fixture folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_file() && p.file_name().is_some_and(|n| n != "expected.json"))
        .collect();
    paths.sort();
    paths
        .iter()
        .map(|p| {
            let name = p.file_name().expect("name").to_string_lossy().to_string();
            InputFile::new(name, std::fs::read(p).expect("readable"))
        })
        .collect()
}

#[test]
fn demos_give_the_same_report_on_any_number_of_threads() {
    for d in demo::DEMOS {
        let files: Vec<InputFile> = d
            .files
            .iter()
            .map(|(name, text)| InputFile::new(*name, text.as_bytes().to_vec()))
            .collect();
        assert_same_everywhere(d.key, &files, &AnalyzeOptions::default());
    }
}

#[test]
fn incident_fixtures_give_the_same_report_on_any_number_of_threads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/incidents");
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .expect("incidents")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    assert!(dirs.len() >= 10);
    for dir in dirs {
        let files = folder(&dir);
        if files.is_empty() {
            continue;
        }
        assert_same_everywhere(
            &dir.display().to_string(),
            &files,
            &AnalyzeOptions::default(),
        );
    }
}

/// Several services over files of different formats, year-less syslog stamps whose year comes
/// from another file, a gzip file, a service named in more than one file (its id is interned
/// by an earlier part), and a baseline mined ahead of the incident.
fn multi_file_input() -> (Vec<InputFile>, AnalyzeOptions) {
    let mut api = String::new();
    let mut worker = String::new();
    let mut sys = String::new();
    for i in 0..3000 {
        let (m, s) = (i / 60 % 60, i % 60);
        api.push_str(&format!(
            "2024-05-01T10:{m:02}:{s:02}Z INFO orders-api GET /orders/{i} 200 in {}ms\n",
            i % 97
        ));
        worker.push_str(&format!(
            "{{\"ts\":\"2024-05-01T10:{m:02}:{s:02}Z\",\"level\":\"info\",\"service\":\"billing-worker\",\"msg\":\"charged invoice {i}\"}}\n"
        ));
        if i % 10 == 0 {
            sys.push_str(&format!(
                "May  1 10:{m:02}:{s:02} db-1 postgres[42]: checkpoint complete: wrote {i} buffers\n"
            ));
        }
    }
    for i in 0..200 {
        let s = i % 60;
        api.push_str(&format!(
            "2024-05-01T11:00:{s:02}Z ERROR orders-api upstream billing-worker timed out after 5000ms (request {i})\n"
        ));
        worker.push_str(&format!(
            "{{\"ts\":\"2024-05-01T11:00:{s:02}Z\",\"level\":\"error\",\"service\":\"billing-worker\",\"msg\":\"connection to db-1 refused: too many clients ({i})\"}}\n"
        ));
        sys.push_str(&format!(
            "May  1 11:00:{s:02} db-1 postgres[42]: FATAL: sorry, too many clients already\n"
        ));
    }
    let gz = {
        use std::io::Write;
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        e.write_all(worker.as_bytes()).expect("gzip");
        e.finish().expect("gzip")
    };
    let files = vec![
        InputFile::new("syslog", sys.into_bytes()),
        InputFile::new("orders-api.log", api.into_bytes()),
        InputFile::new("billing-worker.jsonl.gz", gz),
        InputFile::new("empty.log", Vec::new()),
        InputFile::new(
            "notes.txt",
            b"checked the dashboards, nothing else\n".to_vec(),
        ),
    ];
    let opts = AnalyzeOptions {
        baseline: vec![InputFile::new(
            "before.log",
            "2024-04-30T10:00:00Z INFO orders-api GET /orders/1 200 in 3ms\n"
                .repeat(50)
                .into_bytes(),
        )],
        ..Default::default()
    };
    (files, opts)
}

#[test]
fn a_multi_file_input_with_a_baseline_gives_the_same_report_on_any_number_of_threads() {
    let (files, opts) = multi_file_input();
    assert_same_everywhere("multi-file", &files, &opts);
}

#[test]
fn the_cli_prints_the_same_json_for_one_and_four_threads() {
    let dir = std::env::temp_dir().join(format!("faultline-threads-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (files, _) = multi_file_input();
    for f in &files {
        std::fs::write(dir.join(&f.name), &f.bytes).expect("write");
    }
    let run = |threads: &str| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_faultline"))
            .args(["analyze", "--json"])
            .arg(&dir)
            .env("RAYON_NUM_THREADS", threads)
            .output()
            .expect("runs");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        out.stdout
    };
    let one = run("1");
    let four = run("4");
    std::fs::remove_dir_all(&dir).ok();
    assert!(one.len() > 1000);
    assert!(one == four, "the report differs between 1 and 4 threads");
}
