//! `faultline`: the engine on the command line, for CI, big files and benchmarks.
//!
//! ```text
//! faultline analyze [--format text|md|json] [--baseline PATH]... PATH...   # PATH: file (.gz too), folder, or -
//! faultline templates --jsonl PATH
//! faultline redact [--redact REGEX]... [--out DIR|-] PATH...   # redacted copies for sharing
//! ```
//!
//! `analyze` prints a coloured summary when stdout is a terminal (no colour with `NO_COLOR`),
//! the Markdown postmortem when it is not, and what `--format` (or `--json`) asks for in either
//! case; a progress bar goes to stderr when that is a terminal (see `cli/term.rs`).
//!
//! An LLM narrative on top of the report (issue 5), only when asked:
//!
//! ```text
//! FAULTLINE_LLM_KEY=... faultline analyze --json --llm-provider openai|anthropic|ollama \
//!     [--llm-url URL] --llm-model NAME [--llm-max-tokens N] [--llm-temperature T] \
//!     [--llm-budget TOKENS] [--llm-timeout SECS] [--redact REGEX]... [--llm-dry-run] PATH...
//! ```
//!
//! The key comes only from `FAULTLINE_LLM_KEY` (never a flag, never printed). Only the redacted
//! findings and a budgeted set of redacted evidence lines are sent. The answer streams to stderr
//! as it arrives; the restored text lands in `narrative` as `{source, model, text, check}`
//! (Markdown output appends it in a fenced block after the report, with the check's verdict),
//! and the check of the answer against the findings (`check.flags`, `check.disagreement`) is
//! also printed to stderr. Exit codes: 0 report printed
//! (with its narrative when one was asked for); 1 the analysis itself failed (no report);
//! 3 the report was printed but the narrative failed (the message on stderr says why and what
//! to do; `narrative` is null). `--llm-dry-run` prints the exact request (key hidden) to stderr
//! and sends nothing.

#[cfg(not(target_arch = "wasm32"))]
mod cli {
    mod store;
    mod term;
    mod threads;
    mod trim;

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

    // Parsed once per run: the size of the analyze variant costs nothing.
    #[allow(clippy::large_enum_variant)]
    #[derive(Subcommand)]
    enum Cmd {
        /// Analyze an incident and print the report.
        Analyze {
            /// Print the report as JSON (the contract read by tools); same as --format json.
            #[arg(long)]
            json: bool,
            /// Logs from a healthy period to contrast with (repeatable).
            #[arg(long = "baseline", value_name = "PATH")]
            baseline: Vec<PathBuf>,
            /// Output: text (summary), md (Markdown postmortem) or json. Default: text on a
            /// terminal, md otherwise. An input format name here works as --input-format.
            #[arg(long, value_name = "text|md|json")]
            format: Option<String>,
            /// Force a format for every line (e.g. json_lines, logfmt, syslog3164, classic, plain).
            #[arg(long = "input-format", value_name = "NAME")]
            input_format: Option<String>,
            /// Choose the root cause by `engine` (default) or by a trivial rule to compare
            /// with: `most-errors`, `earliest-error`.
            #[arg(long, value_name = "RULE", default_value = "engine", hide = true)]
            method: String,
            #[command(flatten)]
            llm: LlmArgs,
            #[command(flatten)]
            source: SourceArgs,
            /// Files (.gz too), folders, or - for stdin.
            #[arg(
                required_unless_present = "source",
                conflicts_with = "source",
                value_name = "PATH"
            )]
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
        /// Write redacted copies of logs (same lines, one placeholder per secret value) and
        /// print what was masked, by kind, on stderr.
        ///
        /// Without --out, each file's copy is written next to it as NAME.redacted.EXT
        /// (app.log -> app.redacted.log, app.log.gz -> app.redacted.log) and `-` (stdin) goes
        /// to stdout. With --out DIR, copies keep the inputs' names (folders: their relative
        /// paths) under DIR. A .gz input gives a plain-text copy.
        Redact {
            /// Extra redaction pattern (Rust regex; group 1 is masked when present). Repeatable.
            #[arg(long = "redact", value_name = "REGEX")]
            redact: Vec<String>,
            /// Folder for the copies (created if missing); `-` writes every copy to stdout.
            #[arg(long, value_name = "DIR")]
            out: Option<PathBuf>,
            /// Files (.gz too), folders, or - for stdin.
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

    /// A log store as the input (instead of files): the store counts and filters, the engine
    /// analyzes what it returns. Credentials: FAULTLINE_SOURCE_USER / FAULTLINE_SOURCE_PASSWORD.
    #[derive(clap::Args)]
    struct SourceArgs {
        /// `clickhouse://HOST:PORT/DATABASE?table=TABLE` (columns: `&time=COL&level=COL&service=COL&message=COL&trace=COL&host=COL`).
        #[arg(long, value_name = "URL", requires_all = ["from", "to"], conflicts_with = "baseline")]
        source: Option<String>,
        /// Start of the incident window (RFC 3339, `YYYY-MM-DD HH:MM:SS` UTC, or Unix seconds).
        #[arg(long, value_name = "TIME", requires = "source")]
        from: Option<String>,
        /// End of the incident window (exclusive).
        #[arg(long, value_name = "TIME", requires = "source")]
        to: Option<String>,
        /// The baseline window ends this long before the window ends (`1d`, `2h`); default:
        /// the same length just before the window.
        #[arg(long = "baseline-offset", value_name = "DUR", requires = "source")]
        baseline_offset: Option<String>,
        /// Most WARN-and-above lines fetched; a window with more is refused (default 50000).
        #[arg(long = "source-cap", value_name = "N", requires = "source")]
        cap: Option<u64>,
        /// Seconds a query may take.
        #[arg(long = "source-timeout", value_name = "SECS", default_value_t = 60)]
        source_timeout: u64,
    }

    /// The LLM narrative's flags; the key is read from FAULTLINE_LLM_KEY only.
    #[derive(clap::Args)]
    struct LlmArgs {
        /// Ask an LLM for a narrative on top of the report: openai (any OpenAI-compatible
        /// endpoint: vLLM, LiteLLM, LM Studio, Azure OpenAI), anthropic or ollama.
        #[arg(long = "llm-provider", value_name = "NAME", value_parser = ["openai", "anthropic", "ollama"], requires = "model")]
        provider: Option<String>,
        /// Base URL (default: the provider's public API, or http://localhost:11434 for ollama).
        #[arg(long = "llm-url", value_name = "URL", requires = "provider")]
        url: Option<String>,
        /// Model name.
        #[arg(long = "llm-model", value_name = "NAME", requires = "provider")]
        model: Option<String>,
        /// Most tokens the answer may use.
        #[arg(long = "llm-max-tokens", value_name = "N", default_value_t = 1024)]
        max_tokens: u32,
        #[arg(long = "llm-temperature", value_name = "T", default_value_t = 0.2)]
        temperature: f64,
        /// Token budget of what is sent (findings + evidence lines, ~4 characters a token).
        #[arg(long = "llm-budget", value_name = "TOKENS", default_value_t = 6000)]
        budget: usize,
        /// Seconds without a byte from the endpoint before giving up.
        #[arg(long = "llm-timeout", value_name = "SECS", default_value_t = 60)]
        timeout: u64,
        /// Extra redaction pattern (Rust regex; group 1 is masked when present). Repeatable.
        #[arg(long = "redact", value_name = "REGEX")]
        redact: Vec<String>,
        /// Print the exact request (key hidden) to stderr and send nothing.
        #[arg(long = "llm-dry-run", requires = "provider")]
        dry_run: bool,
    }

    /// The report was printed but the narrative failed.
    const EXIT_NARRATIVE_FAILED: u8 = 3;

    pub fn main() -> ExitCode {
        let cli = Cli::parse();
        // Before rayon's threads start (see trim::heaps): only `analyze` runs the engine's jobs
        // on several threads at once.
        let threads = match cli.cmd {
            Cmd::Analyze { .. } => threads::count(),
            _ => 1,
        };
        trim::heaps(threads);
        match run(cli) {
            Ok(true) => ExitCode::SUCCESS,
            Ok(false) => ExitCode::from(EXIT_NARRATIVE_FAILED),
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

    /// Ok(false): the report was printed but the narrative asked for failed.
    fn run(cli: Cli) -> Result<bool, String> {
        match cli.cmd {
            Cmd::Analyze {
                json,
                baseline,
                format,
                input_format,
                method,
                llm,
                source,
                paths,
            } => {
                let method = faultline::RankMethod::parse(&method).ok_or_else(|| {
                    format!(
                        "unknown --method {method:?}: use engine, most-errors or earliest-error"
                    )
                })?;
                let (output, old_input_format) = term::split_format(format);
                let output = term::choose(json, output.as_deref(), &term::Env::detect())?;
                let (files, baseline, store) = match &source.source {
                    Some(url) => {
                        let (fetched, summary) = store::fetch(&store::Request {
                            url,
                            from: source.from.as_deref().unwrap_or_default(),
                            to: source.to.as_deref().unwrap_or_default(),
                            baseline_offset: source.baseline_offset.as_deref(),
                            cap: source.cap,
                            timeout: source.source_timeout,
                        })
                        .map_err(|e| e.to_string())?;
                        let files = fetched.files.iter().map(|f| (f.clone(), None)).collect();
                        let baseline = fetched.baseline.iter().map(|f| (f.clone(), None)).collect();
                        (files, baseline, Some((fetched, summary)))
                    }
                    None => (read_paths(&paths)?, read_paths(&baseline)?, None),
                };
                let opts = AnalyzeOptions {
                    ingest: ingest_options(input_format.or(old_input_format), &files)?,
                    baseline: baseline.into_iter().map(|(f, _)| f).collect(),
                    method,
                    counts: store.as_ref().map(|(f, _)| f.counts.clone()),
                };
                let inputs: Vec<InputFile> = files.into_iter().map(|(f, _)| f).collect();
                let mut bar = term::Bar::new();
                let mut trimmer = trim::Trimmer::default();
                let analysis =
                    faultline::analyze_parallel(inputs, &opts, &threads::Threads, &mut |p| {
                        trimmer.update(p.stage);
                        bar.update(p);
                    });
                bar.finish();
                let (mut report, corpus) = analysis.map_err(|e| e.to_string())?;
                // The process ends after printing: the OS takes the corpus back at once, while
                // freeing its millions of small allocations one by one took ~3% of a run.
                std::mem::forget(corpus);
                if let Some((fetched, summary)) = store {
                    report = store::name_rows(report, &fetched, summary)?;
                }
                let mut narrated = true;
                if let Some(settings) = llm::settings(&llm) {
                    match llm::narrate(&report, settings, &llm) {
                        Ok(Some(n)) => report.narrative = Some(n),
                        Ok(None) => {}
                        Err(e) => {
                            // The message may end in its own punctuation: one full stop, not "?.".
                            let why = e.to_string();
                            let why = why.trim_end_matches(['.', '?', '!', ' ']);
                            eprintln!(
                                "faultline: no LLM narrative: {why}. The report below is complete without it (narrative: null)."
                            );
                            narrated = false;
                        }
                    }
                }
                let out = match output {
                    term::Output::Json => {
                        serde_json::to_string_pretty(&report).map_err(|e| e.to_string())?
                    }
                    term::Output::Markdown => faultline::to_markdown(&report),
                    term::Output::Text(o) => faultline::to_text(&report, o),
                };
                println!("{out}");
                Ok(narrated)
            }
            Cmd::Redact { redact, out, paths } => {
                share::run(&redact, out.as_deref(), &paths)?;
                Ok(true)
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
                Ok(true)
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
                // Templates need the messages only: no entity pass (a third of ingest's time).
                let mut corpus =
                    faultline::ingest_messages(inputs, &opts).map_err(|e| e.to_string())?;
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
                Ok(true)
            }
        }
    }

    /// The narrative's I/O: the engine builds the request and decodes the stream; this sends it.
    mod llm {
        use super::LlmArgs;
        use faultline::{
            error_from_status, network_error, Conversation, FlagKind, LlmSettings, Narrative,
            NarrativeError, Provider, Report, StreamEvent,
        };
        use std::io::{Read, Write};
        use std::time::Duration;

        pub fn settings(a: &LlmArgs) -> Option<LlmSettings> {
            let provider = Provider::from_name(a.provider.as_deref()?)?;
            let url = a.url.clone().unwrap_or_else(|| {
                match provider {
                    Provider::OpenAi => "https://api.openai.com",
                    Provider::Anthropic => "https://api.anthropic.com",
                    Provider::Ollama => "http://localhost:11434",
                }
                .to_string()
            });
            let mut s = LlmSettings::new(provider, url, a.model.clone().unwrap_or_default());
            s.api_key = std::env::var("FAULTLINE_LLM_KEY")
                .ok()
                .filter(|k| !k.trim().is_empty());
            s.max_tokens = a.max_tokens;
            s.temperature = Some(a.temperature);
            s.budget_tokens = a.budget;
            s.redact_patterns = a.redact.clone();
            Some(s)
        }

        /// Ok(None): a dry run (the request was printed, nothing sent).
        pub fn narrate(
            report: &Report,
            settings: LlmSettings,
            a: &LlmArgs,
        ) -> Result<Option<Narrative>, NarrativeError> {
            let conv = Conversation::start(report, settings)?;
            let request = conv.request()?;
            let p = conv.payload();
            eprintln!(
                "faultline: asking {} model {:?} at {}: ~{} tokens ({} evidence line(s) sent, {} left out by the {}-token budget, {} value(s) redacted)",
                conv.settings().provider.name(),
                conv.settings().model,
                request.url,
                p.tokens,
                p.evidence_included,
                p.evidence_dropped,
                p.budget,
                conv.redactor().len(),
            );
            if a.dry_run {
                eprintln!("{}", request.preview());
                return Ok(None);
            }
            let raw = send(&conv, &request, a.timeout)?;
            let narrative = conv.narrative(report, &raw);
            let Some(check) = &narrative.check else {
                return Ok(Some(narrative));
            };
            for f in &check.flags {
                match f.kind {
                    FlagKind::Citation => eprintln!(
                        "faultline: check: the answer cites {:?}, which was not sent or does not show what its sentence says",
                        f.value
                    ),
                    kind => eprintln!(
                        "faultline: check: the answer names {} {:?}, which the findings do not contain",
                        flag_word(kind),
                        f.value
                    ),
                }
            }
            if let Some(d) = &check.disagreement {
                eprintln!(
                    "faultline: check: the answer's root cause ({} / {}) differs from the engine's ({} / {}); the report keeps the engine's",
                    d.answer.service.as_deref().unwrap_or("?"),
                    d.answer.failure_class.as_deref().unwrap_or("?"),
                    d.engine.service.as_deref().unwrap_or("?"),
                    d.engine.failure_class.as_deref().unwrap_or("?"),
                );
            }
            Ok(Some(narrative))
        }

        fn flag_word(k: FlagKind) -> &'static str {
            match k {
                FlagKind::Service => "service",
                FlagKind::Host => "host",
                FlagKind::Number => "number",
                FlagKind::Citation => "evidence id",
            }
        }

        fn timed_out(e: &std::io::Error) -> bool {
            matches!(
                e.kind(),
                std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
            ) || e.to_string().to_ascii_lowercase().contains("timeout")
        }

        /// Sends the request and decodes the streamed answer; returns the raw (redacted) text.
        fn send(
            conv: &Conversation,
            req: &faultline::HttpRequest,
            timeout: u64,
        ) -> Result<String, NarrativeError> {
            let settings = conv.settings();
            let wait = Duration::from_secs(timeout.max(1));
            let agent: ureq::Agent = ureq::Agent::config_builder()
                .http_status_as_error(false)
                .timeout_connect(Some(wait.min(Duration::from_secs(15))))
                .timeout_recv_response(Some(wait))
                .timeout_per_read(Some(wait))
                .build()
                .into();
            let mut builder = agent.post(&req.url);
            for (k, v) in &req.headers {
                builder = builder.header(k, v);
            }
            let fail = |e: ureq::Error| match e {
                ureq::Error::Timeout(_) => NarrativeError::timeout(timeout),
                ureq::Error::Io(io) if timed_out(&io) => NarrativeError::timeout(timeout),
                other => network_error(settings, &other.to_string(), None),
            };
            let response = builder.send(req.body.as_bytes()).map_err(fail)?;
            let status = response.status().as_u16();
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .map(str::to_string);
            let mut reader = response.into_body().into_reader();
            if !(200..300).contains(&status) {
                let mut body = Vec::new();
                let _ = reader.by_ref().take(64 * 1024).read_to_end(&mut body);
                return Err(error_from_status(
                    settings,
                    status,
                    retry_after.as_deref(),
                    &body,
                ));
            }
            let mut decoder = conv.decoder();
            let mut raw = String::new();
            let mut buf = [0u8; 8192];
            let stderr = std::io::stderr();
            let mut err = stderr.lock();
            let mut take = |evs: Vec<StreamEvent>, raw: &mut String| {
                for ev in evs {
                    if let StreamEvent::Text(t) = ev {
                        // Live progress; the placeholders are restored in the report only.
                        let _ = err.write_all(t.as_bytes());
                        let _ = err.flush();
                        raw.push_str(&t);
                    }
                }
            };
            loop {
                let n = match reader.read(&mut buf) {
                    Ok(0) => break,
                    Ok(n) => n,
                    Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                    Err(e) if timed_out(&e) => return Err(NarrativeError::timeout(timeout)),
                    Err(e) => {
                        // The connection dropped: complete only if the end marker had arrived.
                        eprintln!();
                        return match decoder.finish() {
                            Ok(evs) => {
                                take(evs, &mut raw);
                                Ok(raw)
                            }
                            Err(_) => Err(network_error(
                                settings,
                                &format!("the connection dropped mid-answer ({e})"),
                                None,
                            )),
                        };
                    }
                };
                take(decoder.feed(&buf[..n])?, &mut raw);
                if decoder.is_done() {
                    break;
                }
            }
            take(decoder.finish()?, &mut raw);
            eprintln!();
            Ok(raw)
        }
    }

    /// `faultline redact`: redacted copies of logs for sharing.
    mod share {
        use faultline::{LogRedactor, Redactor};
        use std::io::{Read, Write};
        use std::path::{Path, PathBuf};

        /// One input and where its copy goes.
        struct Job {
            source: Option<PathBuf>,
            target: Option<PathBuf>,
        }

        pub fn run(
            patterns: &[String],
            out: Option<&Path>,
            paths: &[PathBuf],
        ) -> Result<(), String> {
            let redactor = Redactor::new(patterns).map_err(|e| e.to_string())?;
            let mut lr = LogRedactor::new(redactor).on(&super::threads::Threads);
            let jobs = plan(out, paths)?;
            if let Some(dir) = out.filter(|d| d.as_os_str() != "-") {
                std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            }
            // Files are read in batches of about BATCH bytes, each batch redacted at once so
            // many short files keep every core busy; the copies are written in input order.
            let mut batch: Vec<(Job, String, Vec<u8>)> = Vec::new();
            let mut size = 0;
            for job in jobs {
                let (name, bytes) = match read(&job) {
                    Ok(read) => read,
                    Err(e) => {
                        // What was read before the unreadable input is still written.
                        write_all(&mut lr, batch)?;
                        return Err(e);
                    }
                };
                size += bytes.len();
                batch.push((job, name, bytes));
                if size >= BATCH {
                    write_all(&mut lr, std::mem::take(&mut batch))?;
                    size = 0;
                }
            }
            write_all(&mut lr, batch)?;
            eprintln!("faultline: redacted {}", lr.summary().describe());
            Ok(())
        }

        /// Bytes of input read before a batch is redacted ([`run`]).
        const BATCH: usize = 64 << 20;

        /// One input's name and bytes.
        fn read(job: &Job) -> Result<(String, Vec<u8>), String> {
            match &job.source {
                None => {
                    let mut buf = Vec::new();
                    std::io::stdin()
                        .read_to_end(&mut buf)
                        .map_err(|e| format!("stdin: {e}"))?;
                    Ok(("stdin".to_string(), buf))
                }
                Some(p) => Ok((
                    p.display().to_string(),
                    std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?,
                )),
            }
        }

        /// Redacts a batch at once and writes each copy where its job says, in order; the
        /// first file that cannot be decoded stops there, after the copies before it.
        fn write_all(
            lr: &mut LogRedactor,
            batch: Vec<(Job, String, Vec<u8>)>,
        ) -> Result<(), String> {
            let (jobs, files): (Vec<Job>, Vec<(String, Vec<u8>)>) =
                batch.into_iter().map(|(j, n, b)| (j, (n, b))).unzip();
            let names: Vec<String> = files.iter().map(|(n, _)| n.clone()).collect();
            let copies = lr.redact_files(files);
            for ((job, name), copy) in jobs.iter().zip(names).zip(copies) {
                let copy = copy.map_err(|e| e.to_string())?;
                write_copy(job, &name, &copy)?;
            }
            Ok(())
        }

        /// Writes one copy to its target, or to stdout.
        fn write_copy(job: &Job, name: &str, copy: &str) -> Result<(), String> {
            match &job.target {
                None => std::io::stdout()
                    .lock()
                    .write_all(copy.as_bytes())
                    .map_err(|e| format!("stdout: {e}")),
                Some(t) => {
                    if let Some(parent) = t.parent() {
                        std::fs::create_dir_all(parent)
                            .map_err(|e| format!("{}: {e}", parent.display()))?;
                    }
                    std::fs::write(t, copy).map_err(|e| format!("{}: {e}", t.display()))?;
                    eprintln!("faultline: {name} -> {}", t.display());
                    Ok(())
                }
            }
        }

        /// Inputs (folders walked in name order, hidden entries and earlier copies skipped) and
        /// their targets. Two inputs may not share a target: that would overwrite one copy.
        fn plan(out: Option<&Path>, paths: &[PathBuf]) -> Result<Vec<Job>, String> {
            let to_stdout = out.is_some_and(|d| d.as_os_str() == "-");
            let mut jobs = Vec::new();
            for p in paths {
                if p.as_os_str() == "-" {
                    jobs.push(Job {
                        source: None,
                        target: None,
                    });
                    continue;
                }
                let mut files = Vec::new();
                walk(p, None, &mut files)?;
                for (file, rel) in files {
                    let target = match out {
                        _ if to_stdout => None,
                        Some(dir) => Some(dir.join(plain_name(&rel))),
                        None => Some(file.with_file_name(sibling_name(&file))),
                    };
                    jobs.push(Job {
                        source: Some(file),
                        target,
                    });
                }
            }
            let mut seen = std::collections::BTreeSet::new();
            for t in jobs.iter().filter_map(|j| j.target.as_ref()) {
                if !seen.insert(t.clone()) {
                    return Err(format!(
                        "two inputs would be written to {}; use --out with distinct names",
                        t.display()
                    ));
                }
                if jobs.iter().any(|j| j.source.as_ref() == Some(t)) {
                    return Err(format!("{} is both an input and a copy", t.display()));
                }
            }
            Ok(jobs)
        }

        /// Files under `p` with their paths relative to the folder given (a file: its name).
        /// `rel`: the folder's path under the folder given; `None` for a path given itself.
        fn walk(
            p: &Path,
            rel: Option<&Path>,
            out: &mut Vec<(PathBuf, PathBuf)>,
        ) -> Result<(), String> {
            let meta = std::fs::metadata(p).map_err(|e| format!("{}: {e}", p.display()))?;
            let name = p
                .file_name()
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("input"));
            if !meta.is_dir() {
                out.push((p.to_path_buf(), rel.unwrap_or(Path::new("")).join(name)));
                return Ok(());
            }
            let mut entries: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|c| {
                    c.file_name().is_some_and(|n| {
                        let n = n.to_string_lossy();
                        !n.starts_with('.') && !n.contains(".redacted")
                    })
                })
                .collect();
            entries.sort();
            let sub = rel.map_or_else(PathBuf::new, |r| r.join(&name));
            for e in entries {
                walk(&e, Some(&sub), out)?;
            }
            Ok(())
        }

        /// `app.log.gz` -> `app.log`: the copy is plain text.
        fn plain_name(rel: &Path) -> PathBuf {
            match rel.extension() {
                Some(ext) if ext == "gz" => rel.with_extension(""),
                _ => rel.to_path_buf(),
            }
        }

        /// `app.log` -> `app.redacted.log`, `app.log.gz` -> `app.redacted.log`, `syslog` -> `syslog.redacted`.
        fn sibling_name(file: &Path) -> String {
            faultline::redacted_name(&file.file_name().unwrap_or_default().to_string_lossy())
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

    /// Reads a file, or every file under a folder (sorted by path, dot files skipped); the
    /// files are read on every core, and come back in path order.
    fn collect(p: &Path, out: &mut Vec<(InputFile, Option<i32>)>) -> Result<(), String> {
        use rayon::prelude::*;
        let mut files = Vec::new();
        list_files(p, &mut files)?;
        let read: Vec<Result<(InputFile, Option<i32>), String>> = files
            .par_iter()
            .map(|(p, meta)| {
                let bytes = std::fs::read(p).map_err(|e| format!("{}: {e}", p.display()))?;
                let year = meta.modified().ok().map(year_of);
                Ok((InputFile::new(p.display().to_string(), bytes), year))
            })
            .collect();
        for r in read {
            out.push(r?);
        }
        Ok(())
    }

    fn list_files(p: &Path, out: &mut Vec<(PathBuf, std::fs::Metadata)>) -> Result<(), String> {
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
                list_files(&e, out)?;
            }
            return Ok(());
        }
        out.push((p.to_path_buf(), meta));
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
