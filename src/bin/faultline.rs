//! `faultline`: the engine on the command line, for CI, big files and benchmarks.
//!
//! ```text
//! faultline analyze --json [--baseline PATH]... PATH...   # PATH: file (.gz too), folder, or -
//! faultline templates --jsonl PATH
//! ```

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    use clap::{Parser, Subcommand};
    use faultline::{AnalyzeOptions, Format, IngestOptions, InputFile};
    use std::io::{Read, Write};
    use std::path::{Path, PathBuf};
    use std::process::ExitCode;

    #[derive(Parser)]
    #[command(
        name = "faultline",
        version,
        about = "Incident forensics from logs, offline."
    )]
    struct Cli {
        #[command(subcommand)]
        cmd: Cmd,
    }

    #[derive(Subcommand)]
    enum Cmd {
        /// Analyze an incident and print the report.
        Analyze {
            /// Print the report as JSON (the contract read by tools).
            #[arg(long)]
            json: bool,
            /// Logs from a healthy period to contrast with (repeatable).
            #[arg(long = "baseline", value_name = "PATH")]
            baseline: Vec<PathBuf>,
            /// Force a format for every line (e.g. json_lines, logfmt, syslog3164, classic, plain).
            #[arg(long, value_name = "NAME")]
            format: Option<String>,
            /// Files (.gz too), folders, or - for stdin.
            #[arg(required = true, value_name = "PATH")]
            paths: Vec<PathBuf>,
        },
        /// Print one JSON object per event: line, template id and template text.
        Templates {
            /// JSON lines output (the only output form).
            #[arg(long)]
            jsonl: bool,
            #[arg(long, value_name = "NAME")]
            format: Option<String>,
            #[arg(required = true, value_name = "PATH")]
            paths: Vec<PathBuf>,
        },
        /// Search events (first line and continuations) with a regular expression.
        Search {
            /// The pattern (Rust regex syntax).
            pattern: String,
            /// Hits to print; the total count is always the true count.
            #[arg(long, default_value_t = 50)]
            limit: usize,
            #[arg(required = true, value_name = "PATH")]
            paths: Vec<PathBuf>,
        },
    }

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        match run(cli) {
            Ok(()) => ExitCode::SUCCESS,
            Err(msg) => {
                eprintln!("faultline: {msg}");
                ExitCode::FAILURE
            }
        }
    }

    fn ingest_options(
        format: Option<String>,
        files: &[(InputFile, Option<i32>)],
    ) -> Result<IngestOptions, String> {
        let format = match format {
            None => None,
            Some(name) => {
                Some(Format::from_name(&name).ok_or_else(|| format!("unknown format {name:?}"))?)
            }
        };
        // The year for year-less timestamps: the newest file modification year, if any.
        let reference_year = files.iter().filter_map(|(_, y)| *y).max();
        Ok(IngestOptions {
            format,
            reference_year,
        })
    }

    fn run(cli: Cli) -> Result<(), String> {
        match cli.cmd {
            Cmd::Analyze {
                json,
                baseline,
                format,
                paths,
            } => {
                let files = read_paths(&paths)?;
                let baseline = read_paths(&baseline)?;
                let opts = AnalyzeOptions {
                    ingest: ingest_options(format, &files)?,
                    baseline: baseline.into_iter().map(|(f, _)| f).collect(),
                };
                let inputs: Vec<InputFile> = files.into_iter().map(|(f, _)| f).collect();
                let report = faultline::analyze_owned(inputs, &opts).map_err(|e| e.to_string())?;
                let out = if json {
                    serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                } else {
                    faultline::to_markdown(&report)
                };
                println!("{out}");
                Ok(())
            }
            Cmd::Search {
                pattern,
                limit,
                paths,
            } => {
                let files = read_paths(&paths)?;
                let opts = ingest_options(None, &files)?;
                let inputs: Vec<InputFile> = files.into_iter().map(|(f, _)| f).collect();
                let corpus = faultline::ingest_owned(inputs, &opts).map_err(|e| e.to_string())?;
                let result =
                    faultline::search(&corpus, &pattern, limit).map_err(|e| e.to_string())?;
                let out = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
                println!("{out}");
                Ok(())
            }
            Cmd::Templates {
                jsonl: _,
                format,
                paths,
            } => {
                let files = read_paths(&paths)?;
                let opts = ingest_options(format, &files)?;
                let inputs: Vec<InputFile> = files.into_iter().map(|(f, _)| f).collect();
                let many = inputs.len() > 1;
                // Hand the bytes over: the corpus keeps them as its texts, not a second copy.
                let mut corpus =
                    faultline::ingest_owned(inputs, &opts).map_err(|e| e.to_string())?;
                let templates = faultline::mine(&mut corpus);
                // JSON-escape each template text and file name once, not once per line.
                let json = |s: &str| serde_json::to_string(s).map_err(|e| e.to_string());
                let texts = templates
                    .templates
                    .iter()
                    .map(|t| json(&t.text))
                    .collect::<Result<Vec<_>, _>>()?;
                let names = corpus
                    .files
                    .iter()
                    .map(|f| json(&f.name))
                    .collect::<Result<Vec<_>, _>>()?;
                let stdout = std::io::stdout();
                let mut out = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
                for ev in &corpus.events {
                    let text = &texts[ev.template as usize];
                    let r = if many {
                        let file = &names[ev.file as usize];
                        writeln!(
                            out,
                            r#"{{"line":{},"template_id":{},"template":{text},"file":{file}}}"#,
                            ev.line, ev.template
                        )
                    } else {
                        writeln!(
                            out,
                            r#"{{"line":{},"template_id":{},"template":{text}}}"#,
                            ev.line, ev.template
                        )
                    };
                    r.map_err(|e| e.to_string())?;
                }
                out.flush().map_err(|e| e.to_string())?;
                // The process ends here: freeing a big corpus event by event only costs time.
                std::mem::forget(corpus);
                Ok(())
            }
        }
    }

    /// Reads files, folders (recursively, in name order) and `-` (stdin).
    fn read_paths(paths: &[PathBuf]) -> Result<Vec<(InputFile, Option<i32>)>, String> {
        let mut out = Vec::new();
        for p in paths {
            if p.as_os_str() == "-" {
                let mut buf = Vec::new();
                std::io::stdin()
                    .read_to_end(&mut buf)
                    .map_err(|e| format!("stdin: {e}"))?;
                out.push((InputFile::new("stdin", buf), None));
            } else {
                collect(p, &mut out)?;
            }
        }
        Ok(out)
    }

    fn collect(p: &Path, out: &mut Vec<(InputFile, Option<i32>)>) -> Result<(), String> {
        let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
        if meta.is_dir() {
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    !p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with('.'))
                })
                .collect();
            entries.sort();
            for e in entries {
                collect(&e, out)?;
            }
            return Ok(());
        }
        let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
        let year = meta.modified().ok().map(year_of);
        out.push((InputFile::new(p.display().to_string(), bytes), year));
        Ok(())
    }

    fn year_of(t: std::time::SystemTime) -> i32 {
        let secs = t
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        chrono::DateTime::from_timestamp(secs, 0).map_or(1970, |d| chrono::Datelike::year(&d))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    cli::main()
}

#[cfg(target_arch = "wasm32")]
fn main() {}
