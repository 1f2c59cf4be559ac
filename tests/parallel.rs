//! The report is the same bytes whatever runs the engine's independent parts: one thread, four
//! threads, every job last to first, or no runner at all (`analyze_owned`), on the page's
//! demos, the incident fixtures and a multi-file input with a baseline. The CLI gives the same JSON for 1 and 4 threads.
//! The page's pool of workers (files read into parts by helpers that share no memory, each part
//! sent back as bytes and merged) gives the report and log lines of its one worker.
#![cfg(not(target_arch = "wasm32"))] // native only: threads and fixture folders

#[path = "../src/app/demo.rs"]
#[allow(dead_code)]
mod demo;

use faultline::parts::{self, DecodedFile, Part};
use faultline::{
    analyze_for_browsing, analyze_owned, analyze_parallel, browse_corpus, AnalyzeOptions, Browse,
    Filter, InputFile, Job, Parallel,
};
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

/// Runs the jobs one after another, last to first: an order a pool may happen to take, made
/// certain, so a merge that depends on which job finished first shows up on every run.
struct Backwards;

impl Parallel for Backwards {
    fn run<'a>(&self, mut jobs: Vec<Job<'a>>) {
        while let Some(job) = jobs.pop() {
            job();
        }
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

/// What the page's worker pool does with `helpers` helpers, as the worker does it (src/worker/
/// pool.rs) minus the messages: the plan hands each helper its files; each decodes them and
/// answers their first dates; the input's calendar goes back; each reads its files into parts and sends
/// every part as bytes (record + text). Parts arrive helper by helper, the last helper first,
/// and are decoded and merged; the analysis and the log view's index run on the merged corpus.
fn pooled(files: &[InputFile], opts: &AnalyzeOptions, helpers: usize) -> (String, Browse) {
    let sizes: Vec<u64> = files.iter().map(|f| f.bytes.len() as u64).collect();
    let plan = parts::plan(&sizes, helpers);
    let decoded: Vec<Vec<DecodedFile>> = plan
        .iter()
        .map(|mine| {
            mine.iter()
                .map(|&i| parts::decode_file(i, files[i as usize].clone()).expect("decodes"))
                .collect()
        })
        .collect();
    let mut dates = vec![None; files.len()];
    for (mine, ds) in plan.iter().zip(&decoded) {
        for (&i, d) in mine.iter().zip(ds) {
            dates[i as usize] = d.date();
        }
    }
    let calendar = parts::input_calendar(dates, &opts.ingest);
    let mut sent: Vec<(Vec<u8>, Vec<u8>)> = Vec::new();
    for ds in decoded.into_iter().rev() {
        for d in ds {
            let e = d.read(&opts.ingest, calendar, &mut |_, _, _| {}).encode();
            sent.push((e.record, e.text.into_bytes()));
        }
    }
    let parts: Vec<Part> = sent
        .into_iter()
        .map(|(record, text)| {
            Part::decode(&record, String::from_utf8(text).expect("UTF-8")).expect("a part")
        })
        .collect();
    let corpus = parts::merge(parts).expect("merges");
    let (report, browse) = browse_corpus(corpus, opts, &mut |_| {}).expect("analyzes");
    (
        serde_json::to_string_pretty(&report).expect("serializes"),
        browse,
    )
}

/// Every line of the log view, with its event's facts: what the page's Logs tab can show.
fn lines(browse: &mut Browse) -> String {
    let mut out = String::new();
    let mut offset = 0;
    while offset < browse.lines_total() {
        let page = browse
            .lines(&Filter::default(), offset, usize::MAX)
            .expect("lines");
        offset += page.rows.len() as u64;
        out.push_str(&serde_json::to_string(&page).expect("serializes"));
    }
    out
}

/// The page's worker pool gives its one worker's report and log lines, for 2 and 3 helpers.
fn assert_pool_is_one_worker(what: &str, files: &[InputFile], opts: &AnalyzeOptions) {
    let (report, mut browse) =
        analyze_for_browsing(files.to_vec(), opts, &mut |_| {}).expect("analyzes");
    let one = serde_json::to_string_pretty(&report).expect("serializes");
    let one_lines = lines(&mut browse);
    for helpers in [2, 3] {
        let (pool, mut pool_browse) = pooled(files, opts, helpers);
        assert!(pool == one, "{what}: {helpers} helpers give another report");
        assert!(
            lines(&mut pool_browse) == one_lines,
            "{what}: {helpers} helpers give other log lines"
        );
    }
}

/// The same JSON with no runner, the sequential runner, one that runs the jobs last to first,
/// and pools of 1 and 4 threads; and the page's worker pool gives its one worker's report.
fn assert_same_everywhere(what: &str, files: &[InputFile], opts: &AnalyzeOptions) {
    assert_pool_is_one_worker(what, files, opts);
    let alone = json(files, opts, None);
    for (name, par) in [
        ("sequential", &faultline::Sequential as &dyn Parallel),
        ("last job first", &Backwards),
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
/// from another file, times of day whose date comes from another file, a kernel log counted
/// from boot, a gzip file, a service named in more than one file (its id is interned
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
            "game-server.log",
            b"[10:59:58] [main/INFO]: tick\n[11:00:02] [main/WARN]: can't keep up\n".to_vec(),
        ),
        InputFile::new(
            "dmesg.txt",
            b"[    0.000000] Linux version 6.1\n[ 3961.004211] Out of memory: Killed process 42\n"
                .to_vec(),
        ),
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
