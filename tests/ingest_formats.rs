//! One small, hand-written fixture per format family (tests/fixtures/formats/), asserting the
//! sniffed format, exact UTC times, levels, services, messages, line counts and multi-line joins.
#![cfg(not(target_arch = "wasm32"))] // native only: reads files and uses native test crates

use faultline::{ingest, Corpus, Event, Format, IngestOptions, InputFile, Level, TimeSource};

const S: i64 = 1_000_000_000;
/// 2024-03-05T10:00:00Z
const T0: i64 = 1_709_632_800 * S;

fn load_with(name: &str, opts: &IngestOptions) -> Corpus {
    let path = format!(
        "{}/tests/fixtures/formats/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let c = ingest(&[InputFile::new(name, bytes)], opts).expect("ingest");
    check_accounting(&c);
    c
}

fn load(name: &str) -> Corpus {
    load_with(
        name,
        &IngestOptions {
            reference_year: Some(2024),
            ..Default::default()
        },
    )
}

/// Every line counted exactly once: in an event's `lines` or as unparsed.
fn check_accounting(c: &Corpus) {
    let st = c.stats();
    let in_events: u64 = c.events.iter().map(|e| e.lines as u64).sum();
    assert_eq!(in_events + st.unparsed_lines, st.lines, "line accounting");
}

fn lvl(e: &Event) -> Option<Level> {
    e.level
}

fn msgs(c: &Corpus) -> Vec<&str> {
    c.events.iter().map(|e| c.message(e)).collect()
}

fn times(c: &Corpus) -> Vec<Option<i64>> {
    c.events.iter().map(|e| e.time).collect()
}

fn lines(c: &Corpus) -> Vec<u32> {
    c.events.iter().map(|e| e.lines).collect()
}

fn levels(c: &Corpus) -> Vec<Option<Level>> {
    c.events.iter().map(lvl).collect()
}

fn services(c: &Corpus) -> Vec<Option<&str>> {
    c.events.iter().map(|e| c.service(e)).collect()
}

use Level::*;

#[test]
fn json_lines_field_families() {
    let c = load("json_lines.log");
    assert_eq!(c.files[0].format, Format::JsonLines);
    assert_eq!(
        msgs(&c),
        [
            "server started",
            "slow response",
            "payment failed",
            "db timeout",
            "giving up"
        ]
    );
    assert_eq!(
        levels(&c),
        [
            Some(Info),
            Some(Warn),
            Some(Error),
            Some(Error),
            Some(Fatal)
        ]
    );
    assert_eq!(
        times(&c),
        [
            Some(T0 + 123_000_000),
            Some(T0 - 3600 * S + S + 500_000_000),
            Some(T0 + 2 * S),
            Some(T0 + 3 * S),
            Some(T0 + 4 * S + 250_000_000)
        ]
    );
    assert_eq!(
        services(&c)[..4],
        [
            Some("checkout"),
            Some("checkout"),
            Some("payments"),
            Some("orders")
        ]
    );
    assert_eq!(
        c.events[2].entities.as_ref().unwrap().trace_id.as_deref(),
        Some("4bf92f3577b34da6")
    );
}

#[test]
fn pretty_printed_json_is_one_event() {
    let c = load("json_pretty.log");
    assert_eq!(lines(&c), [6, 1]);
    assert_eq!(msgs(&c), ["multi line document", "single line"]);
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(services(&c)[0], Some("api"));
    assert_eq!(c.first_line(&c.events[0]), "{");
}

#[test]
fn docker_json_file_inner_line_decoded() {
    let c = load("docker_json.log");
    assert_eq!(c.files[0].format, Format::DockerJson);
    assert_eq!(msgs(&c), ["cart unavailable", "plain text from the app"]);
    assert_eq!(levels(&c), [Some(Error), None]);
    assert_eq!(times(&c), [Some(T0 + 100_200_300), Some(T0 + S)]);
    assert_eq!(
        c.events[0].entities.as_ref().unwrap().component.as_deref(),
        Some("com.shop.Cart")
    );
}

#[test]
fn journald_json() {
    let c = load("journald.log");
    assert_eq!(c.files[0].format, Format::Journald);
    assert_eq!(times(&c), [Some(T0 + 123_456_000), Some(T0 + S)]);
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(services(&c), [Some("kubelet"), Some("systemd")]);
    assert_eq!(
        c.events[0].entities.as_ref().unwrap().host.as_deref(),
        Some("node-1")
    );
}

#[test]
fn otlp_document_one_event_per_record() {
    let c = load("otlp.json");
    assert_eq!(c.files[0].format, Format::Otlp);
    assert_eq!(lines(&c), [5, 0]);
    assert_eq!(msgs(&c), ["redis unreachable", "retrying"]);
    assert_eq!(times(&c), [Some(T0 + 1), Some(T0 + S + 2)]);
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(services(&c), [Some("cartservice"), Some("cartservice")]);
    let e = c.events[0].entities.as_ref().unwrap();
    assert_eq!(
        e.trace_id.as_deref(),
        Some("5b8efff798038103d269b633813fc60c")
    );
    assert_eq!(e.span_id.as_deref(), Some("eee19b7ec3c1b174"));
}

#[test]
fn cloudwatch_filter_log_events() {
    let c = load("cloudwatch.json");
    assert_eq!(c.files[0].format, Format::CloudWatch);
    assert_eq!(lines(&c), [4, 0]);
    assert_eq!(
        times(&c),
        [Some(T0 + 500_000_000), Some(T0 + S + 500_000_000)]
    );
    assert_eq!(msgs(&c), ["START RequestId: 1", "Task timed out"]);
    assert_eq!(levels(&c), [None, Some(Error)]);
}

#[test]
fn gcp_log_entry() {
    let c = load("gcp.log");
    assert_eq!(c.files[0].format, Format::GcpLogEntry);
    assert_eq!(msgs(&c), ["upstream connect error", "GET /healthz 200"]);
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(times(&c), [Some(T0 + 1), Some(T0 + S)]);
    let e = c.events[0].entities.as_ref().unwrap();
    assert_eq!(e.pod.as_deref(), Some("frontend-7d9f-abcde"));
    assert_eq!(e.namespace.as_deref(), Some("shop"));
    assert_eq!(e.container.as_deref(), Some("frontend"));
    assert_eq!(e.trace_id.as_deref(), Some("abc123"));
}

#[test]
fn logfmt_fields() {
    let c = load("logfmt.log");
    assert_eq!(c.files[0].format, Format::Logfmt);
    assert_eq!(
        msgs(&c),
        ["listening", "queue \"ingest\" is 90% full", "crashed"]
    );
    assert_eq!(levels(&c), [Some(Info), Some(Warn), Some(Error)]);
    assert_eq!(
        times(&c),
        [Some(T0 + 500_000_000), Some(T0 + S), Some(T0 + 2 * S)]
    );
    assert_eq!(
        services(&c),
        [Some("ingester"), Some("ingester"), Some("compactor")]
    );
}

#[test]
fn syslog_3164_year_inference_and_rollover() {
    let c = load("syslog3164.log");
    assert_eq!(c.files[0].format, Format::Syslog3164);
    // reference year 2024; Dec 31 -> Jan 1 moves to 2025
    let dec31 = 1_735_689_598 * S; // 2024-12-31T23:59:58Z
    assert_eq!(
        times(&c),
        [Some(dec31), Some(dec31 + S), Some(dec31 + 3 * S)]
    );
    assert_eq!(levels(&c), [None, Some(Error), None]);
    assert_eq!(services(&c), [Some("nginx"), Some("app"), Some("CRON")]);
    assert_eq!(msgs(&c)[1], "connection refused");
    // No reference year and no year anywhere: 1970, never a clock.
    let c = load_with("syslog3164.log", &IngestOptions::default());
    assert_eq!(c.events[0].time, Some((364 * 86_400 + 86_398) * S));
}

#[test]
fn syslog_year_comes_from_other_files_of_the_input() {
    let a = InputFile::new("a.log", b"Mar  5 10:00:00 h app: x\n".to_vec());
    let b = InputFile::new("b.log", b"2019-03-05T10:00:00Z other line\n".to_vec());
    let c = ingest(
        &[a, b],
        &IngestOptions {
            reference_year: Some(2024),
            ..Default::default()
        },
    )
    .unwrap();
    assert_eq!(c.events[0].time, Some(1_551_780_000 * S));
}

#[test]
fn syslog_5424() {
    let c = load("syslog5424.log");
    assert_eq!(c.files[0].format, Format::Syslog5424);
    assert_eq!(times(&c), [Some(T0 + 3_000_000), Some(T0 + S)]);
    assert_eq!(levels(&c), [Some(Notice), Some(Error)]);
    assert_eq!(msgs(&c), ["payment accepted", "card declined"]);
    assert_eq!(
        c.events[0].entities.as_ref().unwrap().trace_id.as_deref(),
        Some("abc")
    );
}

#[test]
fn access_log_levels_from_status() {
    let c = load("access_combined.log");
    assert_eq!(c.files[0].format, Format::AccessLog);
    assert_eq!(levels(&c), [Some(Info), Some(Error), Some(Warn)]);
    assert_eq!(times(&c), [Some(T0), Some(T0 + S), Some(T0 + 2 * S)]);
    let e = c.events[1].entities.as_ref().unwrap();
    assert_eq!(
        (
            e.http_method.as_deref(),
            e.http_path.as_deref(),
            e.http_status
        ),
        (Some("POST"), Some("/api/pay"), Some(503))
    );
}

#[test]
fn nginx_error_log() {
    let c = load("nginx_error.log");
    assert_eq!(levels(&c), [Some(Error), Some(Warn)]);
    assert_eq!(times(&c), [Some(T0), Some(T0 + S)]);
    assert!(msgs(&c)[0].starts_with("*7 connect() failed"));
}

#[test]
fn iis_w3c_fields_header() {
    let c = load("iis_w3c.log");
    assert_eq!(c.files[0].format, Format::AccessLog);
    // The four directives open the first row's event; they are no events of their own.
    assert_eq!(c.events.len(), 2);
    assert_eq!(c.events[0].line, 1);
    assert_eq!(c.events[0].lines, 5);
    assert_eq!(levels(&c), [Some(Info), Some(Error)]);
    assert_eq!(times(&c), [Some(T0), Some(T0 + S)]);
    assert_eq!(
        c.events[1].entities.as_ref().unwrap().http_path.as_deref(),
        Some("/api/orders")
    );
}

#[test]
fn caddy_json_access() {
    let c = load("caddy.log");
    assert_eq!(levels(&c), [Some(Info), Some(Error)]);
    assert_eq!(
        times(&c),
        [Some(T0 + 123_456_000), Some(T0 + S + 500_000_000)]
    );
    let e = c.events[0].entities.as_ref().unwrap();
    assert_eq!(
        (e.http_method.as_deref(), e.http_status),
        (Some("GET"), Some(200))
    );
}

#[test]
fn kubectl_prefix_and_timestamps() {
    let c = load("kubectl_prefix.log");
    assert_eq!(c.files[0].format, Format::KubectlPrefix);
    assert_eq!(
        msgs(&c),
        [
            "redis timeout",
            "slow",
            "plain line without timestamp",
            "inner classic"
        ]
    );
    assert_eq!(levels(&c), [Some(Error), Some(Warn), None, Some(Info)]);
    // the --timestamps prefix time wins over the inner one
    assert_eq!(times(&c)[..2], [Some(T0 + 123_456_789), Some(T0 + S + 1)]);
    assert_eq!(c.events[2].time_source, TimeSource::Inherited);
    let e = c.events[0].entities.as_ref().unwrap();
    assert_eq!(
        (e.pod.as_deref(), e.container.as_deref()),
        (Some("cart-7d9f5-x2x"), Some("server"))
    );
}

#[test]
fn cri_partial_lines_reassembled() {
    let c = load("cri.log");
    assert_eq!(c.files[0].format, Format::Cri);
    assert_eq!(lines(&c), [1, 2, 1]);
    assert_eq!(
        msgs(&c),
        ["ok", "first part of a long line, now complete", "boom"]
    );
    assert_eq!(levels(&c), [Some(Info), None, Some(Error)]);
    assert_eq!(times(&c), [Some(T0 + 1), Some(T0 + S), Some(T0 + 2 * S)]);
}

/// Regression: appending a CRI `F` line to its `P` line read the message through
/// `Corpus::message`, which indexes `corpus.files` before the file was registered (panic).
#[test]
fn regression_cri_partial_append_before_file_registered() {
    let text = b"2024-03-05T10:00:01Z stderr P abc\n2024-03-05T10:00:01Z stderr F def\n".to_vec();
    let c = ingest(&[InputFile::new("x", text)], &IngestOptions::default()).unwrap();
    assert_eq!(msgs(&c), ["abcdef"]);
}

#[test]
fn csv_export_with_inner_json_line() {
    let c = load("nezha.csv");
    assert_eq!(c.files[0].format, Format::Csv);
    // The header row is not an event: it opens the first row's event.
    assert_eq!(c.events.len(), 2);
    assert_eq!((c.events[0].line, c.events[0].lines), (1, 2));
    assert_eq!(
        msgs(&c)[..],
        [
            "TraceID: ffc8ca7e [getRoute][route not found]",
            "plain log line"
        ]
    );
    assert_eq!(levels(&c)[..], [Some(Error), None]);
    assert_eq!(
        times(&c)[..],
        [Some(1_674_981_742_383_150_913), Some(1_674_981_743 * S)]
    );
    let e = c.events[0].entities.as_ref().unwrap();
    assert_eq!(e.pod.as_deref(), Some("ts-travel-service-64469b5b48-25zj6"));
    assert_eq!(e.component.as_deref(), Some("t.s.TravelServiceImpl#532"));
    assert_eq!(e.trace_id.as_deref(), Some("ffc8ca7e"));
}

#[test]
fn kubectl_get_pods() {
    let c = load("kubectl_pods.txt");
    assert_eq!(c.files[0].format, Format::KubectlPods);
    assert_eq!(c.events.len(), 5);
    assert_eq!(levels(&c)[2..], [Some(Info), Some(Error), Some(Error)]);
    let e = c.events[3].entities.as_ref().unwrap();
    assert_eq!(e.pod.as_deref(), Some("payments-5c6b7-q8r"));
    assert_eq!(e.k8s_reason.as_deref(), Some("CrashLoopBackOff"));
}

#[test]
fn kubectl_get_events() {
    let c = load("kubectl_events.txt");
    assert_eq!(c.files[0].format, Format::KubectlEvents);
    assert_eq!(levels(&c)[1..], [Some(Warn), Some(Info)]);
    assert_eq!(msgs(&c)[1], "Back-off restarting failed container");
    let e = c.events[1].entities.as_ref().unwrap();
    assert_eq!(
        (e.k8s_object.as_deref(), e.k8s_reason.as_deref()),
        (Some("pod/payments-5c6b7-q8r"), Some("BackOff"))
    );
}

#[test]
fn kubectl_events_without_header() {
    let text = b"119s        Warning   FailedCreate        replicaset/adservice-99b76fc49   Error creating: quota\n".to_vec();
    let c = ingest(&[InputFile::new("x", text)], &IngestOptions::default()).unwrap();
    assert_eq!(c.events[0].format, Format::KubectlEvents);
    assert_eq!(c.events[0].level, Some(Warn));
    assert_eq!(msgs(&c), ["Error creating: quota"]);
}

#[test]
fn kubectl_describe_pod() {
    let c = load("kubectl_describe.txt");
    assert_eq!(c.files[0].format, Format::KubectlDescribe);
    assert_eq!(c.events.len(), 14);
    let last = c.events.last().unwrap();
    assert_eq!(last.level, Some(Warn));
    assert_eq!(c.message(last), "Back-off restarting failed container");
    let e = last.entities.as_ref().unwrap();
    assert_eq!(
        (e.k8s_reason.as_deref(), e.pod.as_deref()),
        (Some("BackOff"), Some("payments-5c6b7-q8r"))
    );
    assert_eq!(c.events[8].level, Some(Error)); // Reason: OOMKilled
}

#[test]
fn loghub_classic_headers() {
    let c = load("loghub_classic.log");
    assert_eq!(c.files[0].format, Format::Classic);
    assert_eq!(
        levels(&c),
        [Some(Info), Some(Info), Some(Warn), Some(Info), Some(Error)]
    );
    assert_eq!(
        times(&c),
        [
            Some(1_226_262_975 * S),
            Some(1_445_191_307_978_000_000),
            Some(1_497_039_040 * S),
            Some(1_117_838_570 * S),
            Some(1_494_892_800_008_000_000)
        ]
    );
    assert_eq!(
        msgs(&c),
        [
            "PacketResponder 1 for block blk_38865049064139660 terminating",
            "Created MRAppMaster for application appattempt_1445144423722_0020_000001",
            "Registered signal handlers for [TERM, HUP, INT]",
            "instruction cache parity error corrected",
            "[req-38101a0b-2096] \"GET /v2/servers HTTP/1.1\" status: 500",
        ]
    );
    let comp: Vec<_> = c
        .events
        .iter()
        .map(|e| e.entities.as_ref().and_then(|x| x.component.as_deref()))
        .collect();
    assert_eq!(comp[0], Some("dfs.DataNode$PacketResponder"));
    assert_eq!(comp[4], Some("nova.osapi_compute.wsgi.server"));
}

#[test]
fn android_logcat_letters() {
    let c = load("android.log");
    assert_eq!(levels(&c), [Some(Debug), Some(Error)]);
    assert_eq!(times(&c)[0], Some(1_710_692_018_811_000_000));
    assert_eq!(msgs(&c)[0], "printFreezingDisplayLogsopening app wtoken");
}

#[test]
fn glog_klog() {
    let c = load("glog.log");
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(times(&c), [Some(T0 + 123_456_000), Some(T0 + S)]);
    assert_eq!(msgs(&c)[0], "error syncing \"shop/cart\": timeout");
}

#[test]
fn python_logging_with_traceback() {
    let c = load("python_logging.log");
    assert_eq!(lines(&c), [1, 5, 1]);
    assert_eq!(levels(&c), [Some(Info), Some(Error), Some(Warn)]);
    assert_eq!(msgs(&c)[2], "retrying in warning mode");
}

#[test]
fn python_traceback_without_indentation() {
    let c = load("python_traceback_flat.log");
    assert_eq!(lines(&c), [8, 3, 1]);
    assert_eq!(levels(&c), [Some(Info), None, Some(Error)]);
}

#[test]
fn zap_console_with_go_frames() {
    let c = load("zap_console.log");
    assert_eq!(lines(&c), [1, 3]);
    assert_eq!(levels(&c), [Some(Info), Some(Error)]);
    assert!(msgs(&c)[1].starts_with("Exporting failed. Dropping data."));
}

#[test]
fn spring_boot_and_java_trace() {
    let c = load("spring_boot.log");
    assert_eq!(lines(&c), [1, 6, 1]);
    assert_eq!(levels(&c), [Some(Info), Some(Error), Some(Warn)]);
    assert_eq!(msgs(&c)[0], "Started ShopApplication in 3.2 seconds");
}

#[test]
fn dotnet_under_timestamps_prefix() {
    let c = load("dotnet.log");
    assert_eq!(lines(&c), [5, 1]);
    assert_eq!(levels(&c), [Some(Error), Some(Info)]);
    assert_eq!(times(&c), [Some(T0 + 1), Some(T0 + S)]);
}

#[test]
fn go_panic_dump_is_one_fatal_event() {
    let c = load("go_panic.log");
    assert_eq!(lines(&c), [1, 8, 1]);
    assert_eq!(levels(&c), [Some(Info), Some(Fatal), Some(Info)]);
    assert_eq!(c.events[1].time_source, TimeSource::Inherited);
}

#[test]
fn node_stack_under_timestamps_prefix() {
    let c = load("node_trace.log");
    assert_eq!(lines(&c), [1, 4]);
    assert_eq!(services(&c)[0], Some("paymentservice"));
    assert_eq!(times(&c)[1], Some(T0 + 200_000_000));
}

#[test]
fn mixed_file_falls_back_per_line() {
    let c = load("mixed.log");
    let f: Vec<_> = c.events.iter().map(|e| e.format).collect();
    assert_eq!(
        f,
        [
            Format::JsonLines,
            Format::Logfmt,
            Format::Classic,
            Format::Plain
        ]
    );
    assert_eq!(levels(&c), [Some(Info), Some(Warn), Some(Error), None]);
}

#[test]
fn explicit_format_override() {
    let c = load_with(
        "mixed.log",
        &IngestOptions {
            format: Some(Format::Plain),
            ..Default::default()
        },
    );
    assert!(c
        .events
        .iter()
        .all(|e| e.format == Format::Plain && e.level.is_none()));
    assert_eq!(c.events.len(), 4);
}

#[test]
fn every_fixture_is_deterministic_and_accounted() {
    let dir = format!("{}/tests/fixtures/formats", env!("CARGO_MANIFEST_DIR"));
    let mut names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    assert!(names.len() >= 30);
    for n in names {
        let a = load(&n);
        let b = load(&n);
        assert_eq!(msgs(&a), msgs(&b), "{n}");
        assert_eq!(times(&a), times(&b), "{n}");
        assert!(
            a.events
                .iter()
                .all(|e| e.format != Format::Plain || n == "mixed.log" || e.lines > 0),
            "{n}"
        );
    }
}

#[test]
fn bare_service_token_after_level() {
    let c = load("bare_service.log");
    assert_eq!(
        services(&c)[..5],
        [
            Some("checkout-api"),
            Some("checkout-api"),
            Some("checkout-api"),
            Some("payments-worker"),
            Some("kubelet")
        ]
    );
    assert_eq!(
        levels(&c),
        [
            Some(Info),
            Some(Warn),
            Some(Warn),
            Some(Fatal),
            Some(Info),
            Some(Info)
        ]
    );
    assert_eq!(msgs(&c)[1], "Postgres pool getConnection waited 1.8s");
    assert_eq!(
        msgs(&c)[5],
        "re-trying connection to payments-worker",
        "a hyphenated English word is not a service"
    );
    assert_eq!(times(&c)[5], Some(T0 + 5 * S));
}

/// `ts ERROR svc WARN svc msg`: an exporter's `ts LEVEL service` prefix over the app's own
/// `LEVEL service msg`. The app's (inner) level wins and the message loses both headers.
#[test]
fn regression_doubled_level_exporter_prefix() {
    let c = load("bare_service.log");
    let e = &c.events[2];
    assert_eq!(e.level, Some(Warn));
    assert_eq!(c.service(e), Some("checkout-api"));
    assert_eq!(
        c.message(e),
        "Circuit breaker OPENED for upstream: payments-worker"
    );
    assert_eq!(c.message(&c.events[3]), "Out of memory: heap=512MiB");
}

#[test]
fn postgres_native_log() {
    let c = load("postgres.log");
    assert_eq!(c.files[0].format, Format::Classic);
    assert_eq!(lines(&c), [1, 2, 1, 1, 1], "DETAIL joins its message");
    assert_eq!(
        levels(&c),
        [Some(Info), Some(Info), Some(Warn), Some(Fatal), Some(Fatal)]
    );
    assert_eq!(msgs(&c)[0], "checkpoint starting: time");
    assert_eq!(times(&c)[4], Some(T0 + 4 * S));
}

#[test]
fn redis_native_log() {
    let c = load("redis.log");
    assert_eq!(c.files[0].format, Format::Classic);
    assert_eq!(
        levels(&c),
        [Some(Info), Some(Info), Some(Warn), Some(Warn), Some(Debug)]
    );
    assert_eq!(
        times(&c),
        [
            Some(T0),
            Some(T0 + S),
            Some(T0 + 2 * S),
            Some(T0 + 3 * S),
            Some(T0 + 4 * S + 500_000_000)
        ]
    );
    assert!(c.events.iter().all(|e| e.time_source == TimeSource::Parsed));
    assert_eq!(msgs(&c)[2], "Received SIGTERM scheduling shutdown...");
}

#[test]
fn spring_boot_3_application_name_and_padded_level() {
    let c = load("spring_boot3.log");
    assert_eq!(c.files[0].format, Format::Classic);
    assert_eq!(lines(&c), [1, 1, 5, 1]);
    assert_eq!(
        levels(&c),
        [Some(Info), Some(Warn), Some(Error), Some(Info)]
    );
    assert!(services(&c).iter().all(|s| *s == Some("stock-ledger")));
    assert_eq!(msgs(&c)[1], "SQL Error: 1213, SQLState: 40001");
    assert_eq!(times(&c)[3], Some(T0 + 3 * S));
}

#[test]
fn dotnet_console_level_prefixes() {
    let c = load("dotnet_console.log");
    assert_eq!(lines(&c), [2, 4, 1, 2]);
    assert_eq!(
        levels(&c),
        [Some(Info), Some(Error), Some(Warn), Some(Critical)]
    );
    assert_eq!(msgs(&c)[1], "Microsoft.AspNetCore.Server.Kestrel[13]");
    assert_eq!(msgs(&c)[2], "low stock");
}

#[test]
fn node_named_error_first_line() {
    let c = load("node_error.log");
    assert_eq!(lines(&c), [1, 3]);
    assert_eq!(levels(&c), [Some(Info), Some(Error)]);
    assert!(msgs(&c)[1].starts_with("UnacceptedCreditCard [Error]: Sorry"));
    assert_eq!(times(&c)[1], Some(T0 + S));
}

#[test]
fn uwsgi_request_log() {
    let c = load("uwsgi.log");
    assert_eq!(c.files[0].format, Format::AccessLog);
    assert_eq!(levels(&c), [Some(Info), Some(Error)]);
    assert_eq!(times(&c), [Some(T0), Some(T0 + S)]);
    let e = c.events[1].entities.as_ref().unwrap();
    assert_eq!(e.http_status, Some(502));
    assert_eq!(e.http_path.as_deref(), Some("/endpoint2"));
}

#[test]
fn vdsm_double_colon_header() {
    let c = load("vdsm.log");
    assert_eq!(lines(&c), [1, 4, 1]);
    assert_eq!(levels(&c), [Some(Info), Some(Error), Some(Debug)]);
    assert_eq!(times(&c)[0], Some(T0 + 101_000_000));
    assert_eq!(msgs(&c)[0], "(run) I am the actual vdsm 4.9-0");
}

#[test]
fn mysql_slow_log_blocks() {
    let c = load("mysql_slow.log");
    let ev: Vec<u32> = c.events.iter().map(|e| e.line).collect();
    assert_eq!(ev, [1, 2, 3, 4, 10, 14]);
    assert_eq!(lines(&c)[3..], [6, 4, 5]);
    assert_eq!(times(&c)[3], Some(T0 + 500_000_000));
    assert_eq!(times(&c)[5], Some(T0 + 2 * S));
}

#[test]
fn equal_neighbouring_entities_are_shared_not_copied() {
    let text = "2024-05-01T10:00:00Z ERROR db-pool timeout host=db1.internal\n\
                2024-05-01T10:00:01Z ERROR db-pool timeout host=db1.internal\n\
                2024-05-01T10:00:02Z ERROR db-pool timeout host=db2.internal\n";
    let c = ingest(
        &[InputFile::new("x", text.as_bytes().to_vec())],
        &IngestOptions::default(),
    )
    .unwrap();
    let e: Vec<_> = c
        .events
        .iter()
        .map(|e| e.entities.clone().expect("host found"))
        .collect();
    assert!(std::sync::Arc::ptr_eq(&e[0], &e[1]));
    assert_ne!(e[1], e[2]);
    assert!(!std::sync::Arc::ptr_eq(&e[1], &e[2]));
}
