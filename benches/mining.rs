//! Mining throughput: the Loghub-2k samples (8 systems) concatenated and repeated, and the
//! format samples, through `Miner::add` alone and through `ingest` + `mine`.
//!
//! `cargo bench --bench mining` (data from ../shared/data; a synthetic corpus when absent).

// criterion is a native-only dev-dependency: the benchmark is empty on wasm32.
#[cfg(not(target_arch = "wasm32"))]
mod native {

    use criterion::{criterion_group, Criterion, Throughput};
    use faultline::{ingest, mine, IngestOptions, InputFile, Miner};
    use std::path::{Path, PathBuf};

    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                files_under(&p, out);
            } else {
                out.push(p);
            }
        }
    }

    fn data_dir() -> PathBuf {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
    }

    /// The 8 Loghub-2k logs concatenated, repeated `times`.
    fn loghub(times: usize) -> String {
        let mut files = Vec::new();
        files_under(&data_dir().join("loghub"), &mut files);
        let mut one = String::new();
        for f in files
            .iter()
            .filter(|f| f.to_string_lossy().ends_with("_2k.log"))
        {
            if let Ok(t) = std::fs::read_to_string(f) {
                one.push_str(&t);
                if !one.ends_with('\n') {
                    one.push('\n');
                }
            }
        }
        if one.is_empty() {
            for i in 0..16_000 {
                one.push_str(&format!(
                    "2024-05-01T10:00:{:02}Z INFO svc-{} request {} took {}ms from 10.0.{}.{}:{}\n",
                    i % 60,
                    i % 7,
                    i,
                    i % 900,
                    i % 255,
                    i % 13,
                    1000 + i
                ));
            }
        }
        one.repeat(times)
    }

    /// Every sample under data/formats (text files only).
    fn formats() -> String {
        let mut files = Vec::new();
        files_under(&data_dir().join("formats"), &mut files);
        let mut all = String::new();
        for f in files {
            if let Ok(t) = std::fs::read_to_string(&f) {
                all.push_str(&t);
                if !all.ends_with('\n') {
                    all.push('\n');
                }
            }
        }
        all
    }

    fn bench(c: &mut Criterion) {
        let mut g = c.benchmark_group("mining");
        g.sample_size(10);
        for (name, text) in [("loghub_x10", loghub(10)), ("formats", formats())] {
            if text.is_empty() {
                continue;
            }
            g.throughput(Throughput::Bytes(text.len() as u64));
            g.bench_function(format!("miner_add/{name}"), |b| {
                b.iter(|| {
                    let mut m = Miner::new();
                    let mut acc = 0u64;
                    for line in text.lines() {
                        acc += m.add(line) as u64;
                    }
                    (acc, m.finish().templates.len())
                })
            });
            let input = vec![InputFile::new(name, text.clone().into_bytes())];
            g.bench_function(format!("ingest_mine/{name}"), |b| {
                b.iter(|| {
                    let mut corpus = ingest(&input, &IngestOptions::default()).expect("corpus");
                    mine(&mut corpus).templates.len()
                })
            });
        }
        g.finish();
    }

    criterion_group!(benches, bench);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    native::benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}

#[cfg(target_arch = "wasm32")]
fn main() {}
