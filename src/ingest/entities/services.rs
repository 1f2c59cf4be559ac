//! Service names: the service an event belongs to, read from a pod or container name (replica
//! hashes, ordinals and cron stamps stripped), a file name, a component/logger name, or a plain
//! word in the service position of a `ts LEVEL service msg` stream.
//!
//! Promise: a name is returned only when it plausibly names a service; generic words
//! (`app`, `server`, `main`, ...) and message openers give `None`.

use super::*;

/// The alphabet Kubernetes uses for generated name suffixes (no vowels, no 0/1/3, no y).
fn is_k8s_safe(b: u8) -> bool {
    matches!(b, b'b'..=b'd' | b'f'..=b'h' | b'j'..=b'n' | b'p'..=b't' | b'v' | b'w' | b'x' | b'z' | b'2' | b'4'..=b'9')
}

/// Five-letter English words that end service names and must not be mistaken for a pod suffix
/// (no product names: the engine must hold on services it has never seen).
const SUFFIX_WORDS: &[&str] = &[
    "proxy", "cache", "store", "queue", "agent", "admin", "front", "users", "index", "event",
    "alert", "audit", "batch", "build", "cloud", "email", "fetch", "image", "label", "local",
    "media", "model", "order", "owner", "parse", "price", "rules", "route", "stats", "token",
    "trace", "track", "video", "watch", "relay", "shard", "slave", "sched", "nodes", "infra",
    "logic", "notif", "query", "reply", "write", "reads", "north", "south", "debug", "large",
    "small", "inner", "outer", "guard", "probe", "comms", "items", "carts", "links", "mails",
    "files", "blobs", "certs", "coord", "scale", "pools",
];

/// True when a `-`-separated segment looks like a ReplicaSet pod-template hash.
fn is_rs_hash(seg: &str) -> bool {
    let b = seg.as_bytes();
    (5..=10).contains(&b.len())
        && (b.iter().all(|&c| is_k8s_safe(c)) || b.len() >= 6 && b.iter().all(u8::is_ascii_digit))
        && b.iter().any(u8::is_ascii_digit)
        || (8..=10).contains(&b.len()) && b.iter().all(|&c| is_k8s_safe(c))
}

/// Output of kubectl about cluster objects rather than one service's own log.
pub(super) fn is_cluster_listing(f: crate::ingest::Format) -> bool {
    use crate::ingest::Format;
    matches!(
        f,
        Format::KubectlPrefix
            | Format::KubectlPods
            | Format::KubectlEvents
            | Format::KubectlDescribe
    )
}

/// True when a final segment looks like a generated 5-character pod suffix.
fn is_pod_suffix(seg: &str, others: usize) -> bool {
    let b = seg.as_bytes();
    if b.len() != 5
        || !b
            .iter()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
    {
        return false;
    }
    if b.iter().all(|&c| is_k8s_safe(c)) || b.iter().any(u8::is_ascii_digit) {
        return true;
    }
    // Letters only, outside the generator's alphabet: hand-written examples (`-abcde`). Only
    // when two or more segments remain, and never a word that ends service names.
    others >= 2 && !SUFFIX_WORDS.contains(&seg)
}

/// The service behind a pod or container name: `api-7d9f8b6c5d-x2k4p` -> `api`,
/// `redis-0` -> `redis`, `node-exporter-x7k2p` -> `node-exporter`, `backup-28312345-x7k2p` ->
/// `backup`, `pod/api-7d9f8b6c5d-x2k4p` -> `api`, compose `shop_api_1` -> `api`.
pub(crate) fn service_from_pod(name: &str) -> Option<String> {
    let name = name.trim().trim_matches(|c| c == '"' || c == '\'');
    let name = name.rsplit('/').next().unwrap_or(name);
    // Docker container names start with `/`; compose v1 names are `project_service_N`.
    if name.is_empty() || name.len() > 253 {
        return None;
    }
    if name.contains('_') && !name.contains('-') {
        let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
        if parts.len() >= 3 && parts[parts.len() - 1].bytes().all(|b| b.is_ascii_digit()) {
            return Some(parts[parts.len() - 2].to_string());
        }
    }
    let mut segs: Vec<&str> = name.split('-').collect();
    if segs.iter().any(|s| s.is_empty()) {
        return Some(name.to_string());
    }
    // Deployment: NAME-HASH-SUFFIX; DaemonSet/Job: NAME-SUFFIX; CronJob: NAME-TIME-SUFFIX.
    if segs.len() >= 2 && is_pod_suffix(segs[segs.len() - 1], segs.len() - 1) {
        let hashed = segs.len() >= 3 && is_rs_hash(segs[segs.len() - 2]);
        let cron = segs.len() >= 3 && is_cron_stamp(segs[segs.len() - 2]);
        let last = segs[segs.len() - 1];
        // A bare NAME-xxxxx is a pod only when the suffix could not be a word.
        if hashed || cron || last.bytes().any(|b| b.is_ascii_digit()) || segs.len() >= 3 {
            segs.pop();
            if hashed || cron {
                segs.pop();
            }
        }
    } else if segs.len() >= 2 && {
        let h = segs[segs.len() - 1].as_bytes();
        (8..=10).contains(&h.len())
            && h.iter().all(|&c| is_k8s_safe(c))
            && h.iter().any(u8::is_ascii_digit)
    } {
        // A ReplicaSet name: NAME-HASH.
        segs.pop();
    }
    // StatefulSet ordinals and compose replica numbers: NAME-0, NAME-12.
    while segs.len() >= 2 {
        let last = segs[segs.len() - 1];
        if !last.is_empty() && last.len() <= 4 && last.bytes().all(|b| b.is_ascii_digit()) {
            segs.pop();
        } else {
            break;
        }
    }
    let out = segs.join("-");
    (!out.is_empty()).then_some(out)
}

/// The service behind a host name that is a Deployment's pod name (`api-7d9f8b6c5d-x2k4p`):
/// Kubernetes sets a pod's hostname to its name, so an app that logs its hostname (pino,
/// bunyan, winston) logs its pod. Only the full NAME-HASH-SUFFIX shape counts; `web-01` or
/// `db-2` stay hosts.
pub(super) fn service_from_pod_host(host: &str) -> Option<String> {
    let segs: Vec<&str> = host.split('-').collect();
    let n = segs.len();
    let shaped = n >= 3
        && !segs[0].is_empty()
        && is_pod_suffix(segs[n - 1], n - 1)
        && is_rs_hash(segs[n - 2]);
    shaped.then(|| service_from_pod(host)).flatten()
}

fn is_cron_stamp(seg: &str) -> bool {
    (8..=10).contains(&seg.len()) && seg.bytes().all(|b| b.is_ascii_digit())
}

/// Names that say nothing about which service wrote a file.
const GENERIC_NAMES: &[&str] = &[
    "app",
    "application",
    "server",
    "service",
    "main",
    "output",
    "out",
    "err",
    "log",
    "logs",
    "stdout",
    "stderr",
    "system",
    "syslog",
    "messages",
    "combined",
    "error",
    "errors",
    "access",
    "current",
    "all",
    "debug",
    "trace",
    "default",
    "console",
    "container",
    "containers",
    "index",
    "stdin",
    "pods",
    "var",
    "tmp",
    "data",
    "run",
    "export",
    "dump",
    "input",
    "file",
    "test",
    "tests",
    "sample",
    "samples",
    "raw",
    "logfile",
    "daemon",
    "kern",
    "auth",
    "info",
    "warn",
    "user",
    "home",
    "root",
    "srv",
    "opt",
    "local",
    "mnt",
    "shared",
    "src",
    "work",
    "events",
    "incident",
    "pasted",
    "paste",
    "clipboard",
    "untitled",
    "download",
    "downloads",
    "text",
];

fn is_generic(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    GENERIC_NAMES.contains(&lower.as_str()) || lower.bytes().all(|b| b.is_ascii_digit())
}

/// Extensions and rotation suffixes peeled off a log file name.
const LOG_EXTENSIONS: &[&str] = &[
    "gz", "log", "txt", "json", "jsonl", "ndjson", "out", "err", "csv", "tsv", "bz2", "zst", "xz",
];

/// The service a file's name suggests when nothing in its lines names one:
/// `payments.log` -> `payments`, `checkout-2024-01-01.log.gz` -> `checkout`,
/// `logs/api/app.log` -> `api`, `/var/log/containers/api-7d9f8b6c5d-x2k4p_prod_api-<id>.log`
/// -> `api`. `None` for generic names (`app.log`, `stdin`) without a telling folder.
pub(crate) fn service_from_file_name(path: &str) -> Option<String> {
    let mut parts: Vec<&str> = path.split(['/', '\\']).filter(|p| !p.is_empty()).collect();
    let base = parts.pop()?;
    // Saved tool output (`kubectl-get-events.txt`) is about other services, not a service.
    if base.to_ascii_lowercase().starts_with("kubectl") {
        return None;
    }
    if let Some(s) = service_from_stem(base) {
        return Some(s);
    }
    // A generic file name: the nearest telling folder (`logs/api/app.log`).
    while let Some(dir) = parts.pop() {
        if dir == "." || dir == ".." {
            continue;
        }
        // kubelet layout: /var/log/pods/NAMESPACE_POD_UID/CONTAINER/0.log
        if dir.matches('_').count() >= 2 && parts.last() == Some(&"pods") {
            let pod = dir.split('_').nth(1)?;
            return service_from_pod(pod);
        }
        if let Some(s) = service_from_stem(dir) {
            return Some(s);
        }
        if !is_generic(dir) {
            return None;
        }
    }
    None
}

fn service_from_stem(base: &str) -> Option<String> {
    let mut stem = base;
    // Peel extensions and rotation numbers: x.log.1, x.log.2024-01-01, x.0, x.log.gz.
    while let Some(dot) = stem.rfind('.') {
        let ext = &stem[dot + 1..];
        let rotation = !ext.is_empty()
            && ext
                .bytes()
                .all(|b| b.is_ascii_digit() || b == b'-' || b == b'_');
        if rotation || LOG_EXTENSIONS.contains(&ext.to_ascii_lowercase().as_str()) {
            stem = &stem[..dot];
        } else {
            break;
        }
    }
    // /var/log/containers/POD_NAMESPACE_CONTAINER-ID.log
    let underscores = stem.matches('_').count();
    if underscores == 2 {
        let mut it = stem.split('_');
        let pod = it.next().unwrap_or("");
        let _ns = it.next();
        let container = it.next().unwrap_or("");
        if container
            .rsplit('-')
            .next()
            .is_some_and(|id| id.len() == 64)
        {
            return service_from_pod(pod);
        }
    }
    // Dates and times glued to the name: checkout-2024-01-01, api_20240101, app-2024-01-01T10.
    let stem = strip_program_suffix(strip_program(strip_log_kind(strip_date_suffix(stem))));
    if stem.is_empty()
        || is_generic(stem)
        || stem.contains(' ')
        || !stem.bytes().any(|b| b.is_ascii_alphabetic())
    {
        return None;
    }
    if !stem
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    {
        return None;
    }
    // A host named after its address (`ip-10-0-3-17`, `node-10-0-3-17`) is one machine: its
    // numbers are the name, not replica ordinals.
    if has_dashed_ipv4(stem) {
        return Some(stem.to_string());
    }
    // A file named after one replica (`broker-3.log`, a host's name) keeps its ordinal: an
    // instance can be the root (one broker's disk), unlike a pod's replica-set hash.
    let service = service_from_pod(stem).filter(|s| !is_generic(s))?;
    let ordinal = stem
        .strip_prefix(service.as_str())
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()));
    Some(if ordinal { stem.to_string() } else { service })
}

/// Server programs whose logs are often saved as `<program>[-<kind>]-<host>`.
const PROGRAMS: &[&str] = &[
    "postgres",
    "postgresql",
    "mysql",
    "mysqld",
    "mariadb",
    "mongod",
    "mongodb",
    "redis",
    "kafka",
    "rabbitmq",
    "haproxy",
    "envoy",
    "etcd",
    "elasticsearch",
    "zookeeper",
    "memcached",
    "pgbouncer",
    "radosgw",
    "slapd",
    "opensearch",
];

/// `postgresql-pg-main-01` and `mysql-error-db-02-a` are a program's log on a host: the host
/// is the name. Only a host of three or more parts, or one after a log kind, is split off, so
/// `redis-cache` and `kafka-broker-1` stay whole.
fn strip_program(stem: &str) -> &str {
    let Some((program, rest)) = stem.split_once(['-', '_']) else {
        return stem;
    };
    if !PROGRAMS.contains(&program.to_ascii_lowercase().as_str()) {
        return stem;
    }
    let after_kind = rest.split_once(['-', '_']).filter(|(kind, host)| {
        LOG_KINDS.contains(&kind.to_ascii_lowercase().as_str()) && !host.is_empty()
    });
    match after_kind {
        Some((_, host)) => host,
        None if rest.split(['-', '_']).count() >= 3 && rest.bytes().any(|b| b.is_ascii_digit()) => {
            rest
        }
        None => stem,
    }
}

/// Programs of [`PROGRAMS`] whose name also ends service names: `ingress-nginx`, `edge-envoy`
/// and `orders-kafka` are services (or clusters), not a program's log on an instance.
const NOT_SUFFIXES: &[&str] = &["haproxy", "envoy", "kafka", "rabbitmq"];

/// `pool-01-pgbouncer` is the pgbouncer of instance `pool-01`: the instance is the name, as
/// the logs' callers call it.
fn strip_program_suffix(stem: &str) -> &str {
    let Some((head, program)) = stem.rsplit_once(['-', '_']) else {
        return stem;
    };
    let program = program.to_ascii_lowercase();
    let server = PROGRAMS.contains(&program.as_str()) && !NOT_SUFFIXES.contains(&program.as_str());
    if server && head.bytes().any(|b| b.is_ascii_alphabetic()) && !is_generic(head) {
        head
    } else {
        stem
    }
}

/// True when four dash-separated numbers of 0..=255 follow each other in `name`.
fn has_dashed_ipv4(name: &str) -> bool {
    let segs: Vec<&str> = name.split('-').collect();
    segs.windows(4).any(|w| {
        w.iter().all(|p| {
            (1..=3).contains(&p.len())
                && p.bytes().all(|b| b.is_ascii_digit())
                && p.parse::<u16>().is_ok_and(|n| n <= 255)
        })
    })
}

/// Which stream or log file of a program a file holds, when glued to its name:
/// `gateway-access`, `gateway-error`, `worker.stderr` are all the program before the suffix, and
/// `broker-3-server` is host `broker-3`'s `server.log` (a program's default file name).
const LOG_KINDS: &[&str] = &[
    "access",
    "error",
    "errors",
    "stdout",
    "stderr",
    "out",
    "err",
    "server",
    "app",
    "application",
    "main",
    "console",
    "system",
    "messages",
    "syslog",
    "daemon",
    "combined",
    "current",
    "output",
    // A JVM's garbage-collector log.
    "gc",
    // A host's kernel ring buffer.
    "dmesg",
    "kern",
    "kernel",
    // Diagnostic dumps saved beside the logs: JVM thread and heap dumps, Go goroutine
    // profiles, a host's journal, a syscall trace (`node-1.jstack.txt` is node-1's).
    "jstack",
    "jcmd",
    "threaddump",
    "tdump",
    "heapdump",
    "jmap",
    "pprof",
    "goroutines",
    "journal",
    "journalctl",
    "strace",
    // What `kubectl logs --previous` printed, the crashed container's last run.
    "previous",
];

/// Drops one trailing log-kind word (see [`LOG_KINDS`]) when a name stays before it.
fn strip_log_kind(stem: &str) -> &str {
    let Some(cut) = stem.rfind(['-', '_', '.']) else {
        return stem;
    };
    let (head, kind) = (&stem[..cut], &stem[cut + 1..]);
    if !head.is_empty() && LOG_KINDS.contains(&kind.to_ascii_lowercase().as_str()) {
        head
    } else {
        stem
    }
}

/// Drops a trailing date-like part: `-2024-01-01`, `_20240101`, `.2016-12-19-20`, `-2024-01-01T10`.
fn strip_date_suffix(stem: &str) -> &str {
    let b = stem.as_bytes();
    let mut end = b.len();
    // Walk back over digits and date separators.
    let mut i = end;
    while i > 0
        && (b[i - 1].is_ascii_digit() || matches!(b[i - 1], b'-' | b'_' | b'.' | b'T' | b':'))
    {
        i -= 1;
    }
    let tail = &stem[i..];
    let digits = tail.bytes().filter(u8::is_ascii_digit).count();
    if digits >= 6 && tail.bytes().any(|c| c.is_ascii_digit()) {
        end = i;
        // The separator right before the date is not part of the name.
        while end > 0 && matches!(b[end - 1], b'-' | b'_' | b'.') {
            end -= 1;
        }
    }
    &stem[..end]
}

/// Package roots of Java, Scala, Kotlin and .NET loggers: not services.
const CODE_ROOTS: &[&str] = &[
    "com",
    "org",
    "net",
    "io",
    "java",
    "javax",
    "jdk",
    "sun",
    "kotlin",
    "kotlinx",
    "scala",
    "akka",
    "android",
    "androidx",
    "microsoft",
    "system",
    "ch",
    "de",
    "uk",
    "edu",
    "gov",
    "mil",
    "me",
    "co",
];

/// A service name from a component or logger field: `kubelet` -> `kubelet`, `nova.compute.manager`
/// -> `nova`, `ledger-api` -> `ledger-api`; Java/.NET class loggers give `None`.
pub(crate) fn service_from_component(component: &str) -> Option<String> {
    let c = component
        .trim()
        .trim_matches(|c: char| matches!(c, '[' | ']' | '(' | ')' | ':' | '"'));
    // Drop a process id: `sshd[123]` was trimmed above to `sshd[123`, take the name part.
    let c = c.split(['[', '(']).next().unwrap_or(c);
    if c.is_empty() || c.len() > 64 {
        return None;
    }
    if !c
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'$'))
    {
        return None;
    }
    let first = c.split('.').next().unwrap_or(c);
    if c.contains('.') {
        if CODE_ROOTS.contains(&first.to_ascii_lowercase().as_str())
            || first.bytes().any(|b| b.is_ascii_uppercase())
            || first.len() <= 1
        {
            return None;
        }
    } else if c.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && c.bytes().skip(1).any(|b| b.is_ascii_lowercase())
        && c.bytes().skip(1).any(|b| b.is_ascii_uppercase())
    {
        // A bare class name (`PaymentService`) is code, not a service.
        return None;
    }
    if c.contains('$') || !first.bytes().any(|b| b.is_ascii_alphabetic()) || is_generic(first) {
        return None;
    }
    service_from_pod(first)
}

/// Words that open a message rather than name a service (`ERROR connection refused`), beyond
/// those that name nothing anywhere ([`names_nothing`]).
const MESSAGE_OPENERS: &[&str] = &[
    "failure",
    "unable",
    "cannot",
    "could",
    "starting",
    "started",
    "stopping",
    "stopped",
    "received",
    "sending",
    "sent",
    "retrying",
    "retry",
    "user",
    "users",
    "invalid",
    "health",
    "healthy",
    "shutting",
    "listening",
    "client",
    "job",
    "task",
    "worker",
    "query",
    "queue",
    "cache",
    "disk",
    "memory",
    "pool",
    "downstream",
    "handling",
    "handled",
    "processing",
    "processed",
    "loading",
    "loaded",
    "using",
    "got",
    "waiting",
    "exception",
    "panic",
    "fatal",
    "warning",
    "caught",
    "unexpected",
    "unhandled",
    "high",
    "low",
    "too",
    "out",
    "new",
    "old",
    "reconnecting",
    "connected",
    "disconnected",
];

/// In a stream written `ts LEVEL service msg` (a service found that way in the file), a line whose service word is a plain word (`ERROR ledger charge failed`)
/// takes that word as its service when at least two lines start so and it is not a common
/// message opener. The word leaves the message, as a hyphenated service name does.
pub(super) fn plain_word_services(corpus: &mut Corpus, first: usize, text: &str) {
    use crate::ingest::Format;
    let leveled_classic =
        |ev: &crate::ingest::event::Event| ev.format == Format::Classic && ev.level.is_some();
    if !corpus.events[first..]
        .iter()
        .any(|ev| leveled_classic(ev) && ev.service.is_some())
    {
        return;
    }
    let word_of = |ev: &crate::ingest::event::Event| -> Option<(u32, u32, u32)> {
        let Text::Span(a, b) = ev.message else {
            return None;
        };
        let msg = text.get(a as usize..b as usize)?;
        let w = msg.split(' ').next()?;
        let rest = msg[w.len()..].trim_start_matches(' ');
        let ok = (3..=30).contains(&w.len())
            && w.bytes().next()?.is_ascii_lowercase()
            && w.bytes()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && !rest.is_empty()
            && !MESSAGE_OPENERS.contains(&w)
            && !names_nothing(w);
        ok.then(|| (a, a + w.len() as u32, b - rest.len() as u32))
    };
    // One pass finds the candidate lines (their word's span and where the message resumes);
    // the second only rewrites those.
    let found: Vec<(usize, u32, u32, u32)> = corpus.events[first..]
        .iter()
        .enumerate()
        .filter(|(_, ev)| leveled_classic(ev) && ev.service.is_none())
        .filter_map(|(i, ev)| word_of(ev).map(|(a, z, m)| (first + i, a, z, m)))
        .collect();
    let mut counts: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for &(_, a, z, _) in &found {
        *counts.entry(&text[a as usize..z as usize]).or_default() += 1;
    }
    counts.retain(|_, n| *n >= 2);
    for (idx, a, z, m) in found {
        let word = &text[a as usize..z as usize];
        if !counts.contains_key(word) {
            continue;
        }
        let sym = corpus.intern(word);
        let ev = &mut corpus.events[idx];
        if let Text::Span(_, b) = ev.message {
            ev.service = Some(sym);
            ev.message = Text::Span(m, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pods_to_services() {
        let cases = [
            ("api-7d9f8b6c5d-x2k4p", "api"),
            ("redis-0", "redis"),
            ("kafka-12", "kafka"),
            ("db-primary-0", "db-primary"),
            ("node-exporter-abcde", "node-exporter"),
            ("node-exporter-x7k2p", "node-exporter"),
            ("shop-order-service-5d8b9c7f4-qw2lp", "shop-order-service"),
            ("basketservice-7d8b9c6f5d-xk2lp", "basketservice"),
            ("backup-28312345-x7k2p", "backup"),
            ("pod/api-7d9f8b6c5d-x2k4p", "api"),
            ("api-1234567890-bcdfg", "api"),
            ("shop_api_1", "api"),
            ("shop-api-1", "shop-api"),
            ("redis-cluster-proxy", "redis-cluster-proxy"),
            ("user-cache", "user-cache"),
            ("payments", "payments"),
            ("frontend-6b4f7b5c9d", "frontend"),
            // Regression: a short hand-written ReplicaSet hash stayed in the service name.
            ("ledger-worker-5c7f9-hq2lm", "ledger-worker"),
        ];
        for (pod, want) in cases {
            assert_eq!(service_from_pod(pod).as_deref(), Some(want), "{pod}");
        }
    }

    #[test]
    fn file_names_to_services() {
        let cases = [
            ("payments.log", Some("payments")),
            ("checkout-2024-01-01.log.gz", Some("checkout")),
            ("logs/api/app.log", Some("api")),
            ("/var/log/api/current", Some("api")),
            ("app.log", None),
            ("stdin", None),
            ("server.log.1", None),
            ("inventory_20240101.log", Some("inventory")),
            ("/tmp/logs/api-7d9f8b6c5d-x2k4p.log", Some("api")),
            (
                "/var/log/containers/api-7d9f8b6c5d-x2k4p_prod_api-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef.log",
                Some("api"),
            ),
            ("/var/log/pods/prod_api-7d9f8b6c5d-x2k4p_1234/api/0.log", Some("api")),
            ("C:\\logs\\billing\\app.log", Some("billing")),
            ("1.log", None),
            // One program's streams are one service.
            ("api-gateway-access.log", Some("api-gateway")),
            ("api-gateway-error.log", Some("api-gateway")),
            ("worker.stderr.log", Some("worker")),
            // A host's copy of a program's default log file: the host is the name.
            ("broker-3-server.log", Some("broker-3")),
            ("web01-syslog.txt", Some("web01")),
            // A host named after its address keeps its numbers; its kernel log is the host's.
            ("ip-10-0-3-17-dmesg.txt", Some("ip-10-0-3-17")),
            ("node-10-2-0-5.log", Some("node-10-2-0-5")),
            ("web01-kern.log", Some("web01")),
            ("orders-gc.log", Some("orders")),
            // A diagnostic dump saved under its host's or service's name is theirs.
            ("app-node-2.jstack.txt", Some("app-node-2")),
            ("billing_threaddump.txt", Some("billing")),
            ("edge-4.journal", Some("edge-4")),
            // `kubectl logs --previous` saved under the pod's name.
            ("web-0.previous.log", Some("web-0")),
            // A server program's log saved under its host's name: the host.
            ("postgresql-pg-main-01.log", Some("pg-main-01")),
            ("mysql-error-db-bill-02.log", Some("db-bill-02")),
            ("redis-cache.log", Some("redis-cache")),
            // An instance's server log saved as `<instance>-<program>`.
            ("pool-01-pgbouncer.log", Some("pool-01")),
            ("ledger-db-postgresql.log", Some("ledger-db")),
            ("ingress-nginx.log", Some("ingress-nginx")),
            ("kafka-broker-1.log", Some("kafka-broker-1")),
            ("error.log", None),
        ];
        for (path, want) in cases {
            assert_eq!(service_from_file_name(path).as_deref(), want, "{path}");
        }
    }

    #[test]
    fn a_host_named_like_a_deployments_pod_is_that_pod() {
        assert_eq!(
            service_from_pod_host("checkout-api-7d9f8b6c5d-x2k4p").as_deref(),
            Some("checkout-api")
        );
        for host in [
            "web-01",
            "db-2",
            "ip-10-0-3-17",
            "edge-4",
            "web01.example.internal",
        ] {
            assert_eq!(service_from_pod_host(host), None, "{host}");
        }
    }

    #[test]
    fn components_to_services() {
        assert_eq!(
            service_from_component("kubelet").as_deref(),
            Some("kubelet")
        );
        assert_eq!(
            service_from_component("nova.compute.manager").as_deref(),
            Some("nova")
        );
        assert_eq!(
            service_from_component("ledger-api").as_deref(),
            Some("ledger-api")
        );
        assert_eq!(service_from_component("org.apache.kafka.Server"), None);
        assert_eq!(service_from_component("PaymentService"), None);
        assert_eq!(service_from_component("sshd[123]").as_deref(), Some("sshd"));
        assert_eq!(service_from_component("main"), None);
    }

    fn services_of(name: &str, text: &str) -> Vec<Option<String>> {
        let files = [crate::InputFile::new(name, text.as_bytes().to_vec())];
        let corpus = crate::ingest(&files, &Default::default()).unwrap();
        corpus
            .events
            .iter()
            .map(|ev| corpus.service(ev).map(str::to_string))
            .collect()
    }

    #[test]
    fn a_logger_is_not_a_service_when_the_file_names_one() {
        // Regression: a JSON `logger` field (a library inside the program) became the service.
        let text = concat!(
            r#"{"ts":"2024-05-01T10:00:00Z","level":"info","logger":"ledger","msg":"entry posted"}"#,
            "\n",
            r#"{"ts":"2024-05-01T10:00:01Z","level":"warn","logger":"grpc","msg":"handshake failed"}"#,
            "\n",
        );
        let want = Some("ledger-svc".to_string());
        assert_eq!(services_of("ledger-svc.log", text), [want.clone(), want]);
        // With no telling file name the logger is the best there is.
        assert_eq!(services_of("app.log", text)[0].as_deref(), Some("ledger"));
    }

    #[test]
    fn a_paste_of_several_services_is_not_named_after_its_file() {
        // Regression: `<incident-name>.log` became the service of every line it could not place.
        let text = "\
May  1 10:00:00 host1 api-gw[311]: upstream failed
May  1 10:00:01 host1 orders[12]: pool exhausted
May  1 10:00:02 host1 a line that names nobody
";
        let files = [crate::InputFile::new(
            "checkout-outage.log",
            text.as_bytes().to_vec(),
        )];
        let corpus = crate::ingest(&files, &Default::default()).unwrap();
        let names: Vec<Option<&str>> = corpus.events.iter().map(|e| corpus.service(e)).collect();
        assert!(!names.contains(&Some("checkout-outage")), "{names:?}");
        assert_eq!(names[0], Some("api-gw"));
    }
}
