//! Failure signals: which failure class an event speaks of, from word-bounded phrases.
//!
//! Promises: a phrase matches only on word boundaries ("room" is not "oom", "1500ms" is not a
//! 500); a level word inside the text never makes a signal by itself; classification is done once
//! per template (every event of a template shares its class), so cost does not grow with volume.

use super::phrases::{words, PhraseIndex};
use crate::ingest::Level;
use std::sync::LazyLock;

/// The failure classes of the report contract, in snake_case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Class {
    Oom,
    MemoryPressure,
    DbPoolExhaustion,
    ConnectionLeak,
    SlowQuery,
    CrashLoop,
    ConfigError,
    ImagePull,
    Scheduling,
    ProbeFailure,
    DnsFailure,
    TlsExpiry,
    ClockSkew,
    AuthFailure,
    DiskFull,
    FdExhaustion,
    QuotaExceeded,
    RateLimited,
    Overload,
    LockContention,
    QueueBacklog,
    CacheUnavailable,
    CacheEviction,
    CodeException,
    DependencyUnavailable,
    Network,
    Timeout,
    /// Work that got slow without failing: a call, request or disk flush that took seconds.
    Latency,
}

impl Class {
    pub(crate) const ALL: [Class; 28] = [
        Class::Oom,
        Class::MemoryPressure,
        Class::DbPoolExhaustion,
        Class::ConnectionLeak,
        Class::SlowQuery,
        Class::CrashLoop,
        Class::ConfigError,
        Class::ImagePull,
        Class::Scheduling,
        Class::ProbeFailure,
        Class::DnsFailure,
        Class::TlsExpiry,
        Class::ClockSkew,
        Class::AuthFailure,
        Class::DiskFull,
        Class::FdExhaustion,
        Class::QuotaExceeded,
        Class::RateLimited,
        Class::Overload,
        Class::LockContention,
        Class::QueueBacklog,
        Class::CacheUnavailable,
        Class::CacheEviction,
        Class::CodeException,
        Class::DependencyUnavailable,
        Class::Network,
        Class::Timeout,
        Class::Latency,
    ];

    /// True for a failure-class name of the report (`unknown` included).
    pub(crate) fn is_name(s: &str) -> bool {
        s == "unknown" || Class::ALL.iter().any(|c| c.as_str() == s)
    }

    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Class::Oom => "oom",
            Class::MemoryPressure => "memory_pressure",
            Class::DbPoolExhaustion => "db_pool_exhaustion",
            Class::ConnectionLeak => "connection_leak",
            Class::SlowQuery => "slow_query",
            Class::CrashLoop => "crash_loop",
            Class::ConfigError => "config_error",
            Class::ImagePull => "image_pull",
            Class::Scheduling => "scheduling",
            Class::ProbeFailure => "probe_failure",
            Class::DnsFailure => "dns_failure",
            Class::TlsExpiry => "tls_expiry",
            Class::AuthFailure => "auth_failure",
            Class::ClockSkew => "clock_skew",
            Class::DiskFull => "disk_full",
            Class::FdExhaustion => "fd_exhaustion",
            Class::QuotaExceeded => "quota_exceeded",
            Class::RateLimited => "rate_limited",
            Class::Overload => "overload",
            Class::LockContention => "lock_contention",
            Class::QueueBacklog => "queue_backlog",
            Class::CacheUnavailable => "cache_unavailable",
            Class::CacheEviction => "cache_eviction",
            Class::CodeException => "code_exception",
            Class::DependencyUnavailable => "dependency_unavailable",
            Class::Network => "network",
            Class::Timeout => "timeout",
            Class::Latency => "latency",
        }
    }

    /// How strongly a signal of this class is an origin rather than a consequence, 0..1.
    /// An exhausted pool or a full disk starts failures; a timeout or a refused connection is
    /// usually what a caller sees of someone else's failure.
    pub(crate) fn origin_prior(self) -> f64 {
        match self {
            Class::DbPoolExhaustion | Class::ConnectionLeak => 0.95,
            Class::DiskFull | Class::TlsExpiry | Class::ImagePull | Class::Scheduling => 0.95,
            Class::FdExhaustion => 0.95,
            Class::ConfigError | Class::QuotaExceeded | Class::ClockSkew => 0.9,
            Class::AuthFailure => 0.8,
            Class::Oom => 0.8,
            Class::DnsFailure | Class::ProbeFailure | Class::SlowQuery => 0.8,
            Class::LockContention | Class::CrashLoop => 0.75,
            Class::MemoryPressure | Class::CacheUnavailable => 0.7,
            Class::RateLimited | Class::QueueBacklog | Class::Overload => 0.6,
            Class::CodeException | Class::CacheEviction => 0.55,
            // Slowness is upstream of the timeouts it causes in callers, but it is also what
            // any other trouble looks like from outside: a named cause beats it.
            Class::Latency => 0.5,
            Class::Network => 0.45,
            Class::DependencyUnavailable => 0.35,
            Class::Timeout => 0.3,
        }
    }

    /// True for classes that name a failing dependency rather than the service that logs them:
    /// "Redis CLUSTERDOWN" logged by a worker is the cache's failure, and a connection refused
    /// or reset by a named peer is the peer's.
    pub(crate) fn blames_dependency(self) -> bool {
        matches!(
            self,
            Class::CacheUnavailable
                | Class::DependencyUnavailable
                | Class::Timeout
                | Class::Network
                | Class::Latency
        )
    }

    /// False for the catch-all classes that say little about the mechanism.
    pub(crate) fn is_specific(self) -> bool {
        !matches!(
            self,
            Class::CodeException
                | Class::DependencyUnavailable
                | Class::Timeout
                | Class::Network
                | Class::Latency
        )
    }

    /// Whether this class is exhausted capacity or memory, for the trigger tool.
    pub(crate) fn is_resource(self) -> bool {
        matches!(
            self,
            Class::Oom
                | Class::MemoryPressure
                | Class::DbPoolExhaustion
                | Class::ConnectionLeak
                | Class::DiskFull
                | Class::FdExhaustion
                | Class::QuotaExceeded
                | Class::Overload
                | Class::QueueBacklog
        )
    }
}

/// Phrase rules: all words of a phrase must appear in order as whole words (case-insensitive),
/// separated by anything non-alphanumeric. The first rule that matches wins, so specific rules
/// come before generic ones.
const RULES: &[(Class, &[&str])] = &[
    (
        Class::Oom,
        &[
            "out of memory",
            "outofmemoryerror",
            "oomkilled",
            "oom killed",
            "oom kill",
            "oom-kill",
            "oom killer",
            "killed process",
            "memory limit exceeded",
            "java heap space",
            "cannot allocate memory",
            "exit code 137",
            "memory cgroup out of memory",
            "oom",
        ],
    ),
    (
        Class::ConnectionLeak,
        &[
            "connection leak",
            "leak detection",
            "possible connection leak",
        ],
    ),
    (
        Class::DbPoolExhaustion,
        &[
            "pool exhausted",
            "pool is exhausted",
            "connection pool exhausted",
            "too many connections",
            "too many clients",
            "remaining connection slots",
            "unable to acquire jdbc connection",
            "connection is not available",
            "pool getconnection waited",
            "getconnection waited",
            "pool wait",
            "waiting for a connection",
            "max connections",
            "max_connections",
            "connections in use",
            "timeout waiting for connection from pool",
            "cannot get a connection",
        ],
    ),
    (
        Class::SlowQuery,
        &[
            "slow query",
            "query took",
            "statement timeout",
            "long running query",
            "canceling statement due to statement timeout",
            "query timeout",
        ],
    ),
    (
        Class::ImagePull,
        &[
            "imagepullbackoff",
            "errimagepull",
            "failed to pull image",
            "image can't be pulled",
            "image cannot be pulled",
            "manifest unknown",
            "pull access denied",
            "invalidimagename",
            "back off pulling image",
            "error pulling image",
        ],
    ),
    (
        Class::Scheduling,
        &[
            "failedscheduling",
            "nodes are available",
            "insufficient cpu",
            "insufficient memory",
            "didn't match node selector",
            "didn't match pod's node affinity",
            "untolerated taint",
            "unschedulable",
            "didn't match pod anti affinity",
            "pod anti-affinity",
            "node(s) had taint",
        ],
    ),
    (
        Class::QuotaExceeded,
        &[
            "exceeded quota",
            "quota exceeded",
            "forbidden exceeded quota",
            "failedcreate",
        ],
    ),
    (
        Class::CrashLoop,
        &[
            "crashloopbackoff",
            "back-off restarting failed container",
            "back off restarting failed container",
            "restarting failed container",
        ],
    ),
    (
        Class::ProbeFailure,
        &[
            "liveness probe failed",
            "readiness probe failed",
            "startup probe failed",
            "probe failed",
            "unhealthy",
        ],
    ),
    (
        Class::ConfigError,
        &[
            "createcontainerconfigerror",
            "invalid configuration",
            "configuration error",
            "config error",
            "missing required",
            "is not set",
            "not configured",
            "no such file or directory",
            "invalid value",
            "failed to load config",
            "unknown configuration",
            "couldn't find key",
            // Not the bare words: every pod's description has a `Service Account:` field.
            "looking up service account",
            "permission denied",
        ],
    ),
    (
        Class::TlsExpiry,
        &[
            "certificate has expired",
            "certificate expired",
            "x509",
            "certificate verify failed",
            // The TLS alert a client sends when it rejects the server's certificate. A bare
            // "TLS handshake error" is not enough: load balancers' probes that hang up (EOF)
            // print it all day.
            "tls bad certificate",
            "ssl handshake",
        ],
    ),
    (
        // A host clock that jumped or drifted, and what it breaks: tokens and sessions whose
        // issue or not-before time is in the validator's future. After the TLS rules, so an
        // x509 "not yet valid" stays a certificate problem.
        Class::ClockSkew,
        &[
            "clock skew",
            "clock wrong by",
            "clock was stepped",
            "clock step",
            "time jumped",
            "clock drift",
            "clock is out of sync",
            "clock not synchronized",
            "clock unsynchronized",
            "not yet valid",
            "not valid yet",
            "jwt not active",
            "token used before issued",
            "used before issued",
        ],
    ),
    (
        // Credentials or tokens that the checker rejects: a signing key missing from the
        // issuer's key set, a bad signature, an expired token, refused credentials. After the
        // clock rules, so a token "used before issued" stays a clock problem.
        Class::AuthFailure,
        &[
            "kid not found",
            "unknown kid",
            "key id was not found",
            "no matching key",
            "no matching keys",
            "unable to find a signing key",
            "signing key not found",
            "signature verification failed",
            "invalid signature",
            "invalid token",
            "invalid jwt",
            "invalid bearer token",
            "rejected bearer token",
            "token rejected",
            "jwt expired",
            "token expired",
            "token is expired",
            "token has expired",
            "expired token",
            "expiredtoken",
            "expiredtokenexception",
            "invalidaccesskeyid",
            "signaturedoesnotmatch",
            "authentication failed",
            "invalid credentials",
            "401 unauthorized",
        ],
    ),
    // EMFILE/ENFILE: a process or the whole host ran out of file descriptors (leaked sockets
    // or files, a limit set too low); accept, dial and open all fail with the same words.
    (
        Class::FdExhaustion,
        &[
            "too many open files",
            "emfile",
            "enfile",
            "file table overflow",
            "file max limit",
        ],
    ),
    (
        Class::DiskFull,
        &[
            "no space left on device",
            "disk full",
            "disk quota exceeded",
            "diskpressure",
            "disk pressure",
            "filesystem full",
            "out of disk",
            // The warnings before the wall: free space under a threshold, a disk watermark
            // crossed. Servers refuse writes soon after (brokers, search and storage nodes).
            "low disk space",
            "disk space low",
            "disk space is low",
            "insufficient disk space",
            "not enough disk space",
            "disk watermark",
        ],
    ),
    (
        Class::DnsFailure,
        &[
            "no such host",
            "nxdomain",
            "name resolution",
            "could not resolve",
            "temporary failure in name resolution",
            "server misbehaving",
            "unknown host",
            "unknownhostexception",
            "name or service not known",
            "dns lookup failed",
            "dns resolution",
        ],
    ),
    (
        Class::RateLimited,
        &[
            "rate limit",
            "rate limited",
            "rate-limited",
            "too many requests",
            "throttled",
            "throttling",
            "ratelimit",
        ],
    ),
    (
        Class::LockContention,
        &[
            "deadlock",
            "lock wait timeout",
            "could not obtain lock",
            "lock contention",
            "failed to acquire",
            "lock timeout",
            "waiting for lock",
        ],
    ),
    (
        Class::QueueBacklog,
        &[
            "consumer lag",
            "backlog",
            "queue depth",
            "queue is full",
            "queue full",
            "lag is",
            "messages behind",
        ],
    ),
    (
        Class::CacheUnavailable,
        &[
            "clusterdown",
            "redisconnectionexception",
            "redis timeout",
            "cache unavailable",
            "cache down",
            "redis is unavailable",
            "cluster slot moved",
            "slot moved",
            "loading redis is loading",
        ],
    ),
    (
        Class::CacheEviction,
        &["evicted keys", "eviction", "evicting"],
    ),
    (
        Class::MemoryPressure,
        &[
            "memory pressure",
            "memorypressure",
            "gc overhead",
            "high memory",
            "heap usage",
            "memory leak",
            "memory usage",
            "low memory",
        ],
    ),
    (
        Class::Overload,
        &[
            "overloaded",
            "overload",
            "server busy",
            "too busy",
            "shedding load",
            "load shedding",
            "cpu throttling",
            "high cpu",
            "saturated",
            // A worker pool that refuses work because every thread is busy and its queue full
            // (Java's executors, Spring's task executors).
            "rejectedexecutionexception",
            "taskrejectedexception",
            "rejected from",
            "did not accept task",
            "thread pool exhausted",
            "thread pool is exhausted",
        ],
    ),
    (
        // A caller's or a server's own word that work got slow. Reported durations are read
        // by `reports_duration` below.
        Class::Latency,
        &[
            "slow call",
            "slow calls",
            "slow request",
            "slow requests",
            "slow response",
            "slow responses",
            "slow operation",
            "slow disk",
            "slow fsync",
            "slow fdatasync",
            "taking too long",
            "high latency",
            "latency spike",
            "latency is high",
        ],
    ),
    (
        Class::Timeout,
        &[
            "timed out",
            "timeout",
            "deadline exceeded",
            "deadlineexceeded",
            "gateway timeout",
            "took too long",
        ],
    ),
    (
        Class::Network,
        &[
            "connection reset",
            "network unreachable",
            "no route to host",
            "broken pipe",
            "packet loss",
            "network is unreachable",
            "econnreset",
            "socket hang up",
        ],
    ),
    (
        Class::DependencyUnavailable,
        &[
            "connection refused",
            "econnrefused",
            "upstream connect error",
            "no healthy upstream",
            "circuit breaker",
            "service unavailable",
            "unavailable",
            "upstream",
            "failed to connect",
            "could not connect",
            "connect error",
            "dial tcp",
            "connection error",
            "5xx",
        ],
    ),
    (
        Class::CodeException,
        &[
            "exception",
            "traceback",
            "panic",
            "nullpointerexception",
            "stack trace",
            "unhandled",
            "uncaught",
            "error",
        ],
    ),
];

/// The class a Kubernetes status or event reason names (`Pending`, `OOMKilled`, ...), if any.
pub(crate) fn from_k8s_reason(reason: &str) -> Option<Class> {
    let r = reason.to_ascii_lowercase();
    let r = r.trim_start_matches("init:");
    Some(match r {
        "pending" | "failedscheduling" | "unschedulable" | "outofcpu" | "outofmemory" => {
            Class::Scheduling
        }
        "crashloopbackoff" => Class::CrashLoop,
        "imagepullbackoff" | "errimagepull" | "invalidimagename" | "errimageneverpull" => {
            Class::ImagePull
        }
        "oomkilled" | "oomkilling" => Class::Oom,
        "createcontainerconfigerror"
        | "createcontainererror"
        | "failedmount"
        | "runcontainererror" => Class::ConfigError,
        "unhealthy" | "probewarning" => Class::ProbeFailure,
        "failedcreate" | "exceededquota" => Class::QuotaExceeded,
        "evicted" => Class::MemoryPressure,
        _ => return None,
    })
}

/// Classifies a message. `level` guards the generic rules: a plain INFO "error" word is not a
/// signal, but an INFO "OOMKilled" row from kubectl is.
pub(crate) fn classify(message: &str, level: Option<Level>) -> Option<Class> {
    let lower = message.to_ascii_lowercase();
    let mut words = words(&lower);
    // What follows a hedge ("... was killed. Perhaps out of memory?") is the writer's guess at a
    // cause it did not see, not an observation: only the words before it classify the line.
    if let Some(k) = words.iter().position(|w| HEDGES.contains(w)) {
        words.truncate(k);
    }
    let matched = PHRASES.matches(&words);
    if level.is_none_or(|l| l < Level::Error) && matched.has(ADVISORY_LIST) {
        return None;
    }
    let abnormal_level = level.is_some_and(|l| l >= Level::Warn);
    // Garbage-collector logs carry no level; a collection that stops the world to reclaim the
    // whole heap, or runs out of room to copy into, is memory distress whatever the level.
    if matched.has(GC_LIST) {
        return Some(Class::MemoryPressure);
    }
    for (k, (class, _)) in RULES.iter().enumerate() {
        let generic = matches!(
            class,
            Class::CodeException
                | Class::DependencyUnavailable
                | Class::Timeout
                | Class::Network
                | Class::MemoryPressure
                | Class::CacheEviction
                | Class::Latency
        );
        // A line at a known, ordinary level (info, debug) only signals in the classes whose
        // phrases cannot describe a healthy system; "query timeout (ms): 500" in a start-up
        // banner is configuration, not a slow query.
        let unambiguous = matches!(
            class,
            Class::Oom
                | Class::ImagePull
                | Class::Scheduling
                | Class::CrashLoop
                | Class::ProbeFailure
                | Class::DnsFailure
                | Class::DiskFull
                | Class::FdExhaustion
                | Class::TlsExpiry
                | Class::QuotaExceeded
        );
        let ordinary = level.is_some_and(|l| l < Level::Warn);
        if (generic && !abnormal_level) || (ordinary && !unambiguous) {
            continue;
        }
        if matched.has(FIRST_RULE_LIST + k) {
            return Some(*class);
        }
        if *class == Class::DbPoolExhaustion && abnormal_level && connection_pool_ran_dry(&words) {
            return Some(*class);
        }
        if *class == Class::CacheUnavailable && cache_unreachable(&words) {
            return Some(*class);
        }
        // A warning that reports how long something took is a warning that it took too long,
        // unless it says it gave up (a timeout).
        if *class == Class::Latency
            && abnormal_level
            && reports_duration(&words)
            && !matched.has(FIRST_RULE_LIST + *TIMEOUT_RULE)
        {
            return Some(*class);
        }
    }
    None
}

/// Words with which a program guesses at a cause it did not observe.
const HEDGES: &[&str] = &["perhaps", "possibly", "maybe"];

/// What JVM collectors print when the heap is nearly full: G1/Parallel full collections,
/// G1 evacuation failures, CMS concurrent mode failures.
const GC_DISTRESS: &[&str] = &[
    "pause full",
    "full gc",
    "to-space exhausted",
    "to space exhausted",
    "evacuation failure",
    "concurrent mode failure",
];

/// Words that say a pool could not hand out a connection.
const POOL_DRY: &[&str] = &[
    "limit",
    "exhausted",
    "reached",
    "overflow",
    "timeout",
    "timed",
    "acquire",
    "waiting",
    "unavailable",
    "empty",
];
/// Pools of threads or workers run dry too, but that is overload, not the connection pool.
const NOT_CONNECTIONS: &[&str] = &[
    "thread",
    "threads",
    "worker",
    "workers",
    "executor",
    "goroutine",
];

/// A connection pool that ran dry, however the library words it (`QueuePool limit of size 5
/// overflow 10 reached`, `HikariPool-1 - Connection is not available`, `pool timeout`): a word
/// that is or ends in `pool`, next to a word that says it gave nothing.
fn connection_pool_ran_dry(words: &[&str]) -> bool {
    let pool = words
        .iter()
        .any(|w| w.ends_with("pool") || w.starts_with("hikaripool"));
    pool && words.iter().any(|w| POOL_DRY.contains(w))
        && !words.iter().any(|w| NOT_CONNECTIONS.contains(w))
}

/// Words that introduce how long a piece of work took.
const DURATION_WORDS: &[&str] = &["took", "duration", "elapsed", "latency", "dur"];
/// Units of a duration, as a word after the number or glued to it (`2412 ms`, `4s`).
const DURATION_UNITS: &[&str] = &[
    "ms",
    "millis",
    "milliseconds",
    "s",
    "sec",
    "secs",
    "seconds",
];
/// How many words after a duration word its number may come (`took 6120 ms`, `dur_ms: 3118`,
/// `duration: 2412.771 ms`).
const DURATION_REACH: usize = 3;

/// A line that says how long something took: a duration word, then within a few words a number
/// with a time unit after it, glued to it or in the field's name (`took 6120 ms`, `elapsed
/// 4.2s`, `dur_ms: 3118`).
fn reports_duration(words: &[&str]) -> bool {
    let unit = |w: &str| DURATION_UNITS.contains(&w);
    let number = |w: &str| !w.is_empty() && w.bytes().all(|b| b.is_ascii_digit());
    let glued = |w: &str| {
        let d = w.bytes().take_while(u8::is_ascii_digit).count();
        d > 0 && unit(&w[d..])
    };
    words.iter().enumerate().any(|(k, w)| {
        // `dur_ms`, `elapsed_ms`: a field whose name is a duration word and its unit.
        let mut parts = w.split('_');
        if !parts.next().is_some_and(|p| DURATION_WORDS.contains(&p)) {
            return false;
        }
        let after = &words[k + 1..words.len().min(k + 1 + DURATION_REACH)];
        let unit_given =
            parts.next_back().is_some_and(unit) || after.first().is_some_and(|u| unit(u));
        after.iter().enumerate().any(|(j, x)| {
            let next = |n: usize| after.get(j + n).copied().unwrap_or("");
            glued(x)
                || (number(x) && (unit_given || unit(next(1))))
                // A decimal: `2412.771 ms` is three words.
                || (number(x) && number(next(1)) && unit(next(2)))
        })
    })
}

/// Cache servers, as clients and servers name them.
const CACHES: &[&str] = &["redis", "memcached", "memcache", "valkey", "keydb"];
/// Words that say a call did not get through. Not "lost" or "reset": a client that lost a
/// connection reconnects, and a blip it recovers from is not an outage.
const UNREACHED: &[&str] = &[
    "refused",
    "unavailable",
    "unreachable",
    "down",
    "timeout",
    "timed",
    "cannot",
    "unable",
];

/// A cache that could not be reached, however the client words it (`Redis connection
/// refused`, `memcached timed out`): the cache's name next to a word that says the call failed. The name
/// alone is no verdict: a package upgrade or a unit restart names the cache too.
fn cache_unreachable(words: &[&str]) -> bool {
    words.iter().any(|w| CACHES.contains(w)) && words.iter().any(|w| UNREACHED.contains(w))
}

/// Phrases of advice about the future: a deprecation notice warns that something will stop
/// working some day, whatever failure words it uses to explain why ("... may cause high memory
/// usage"). Below error level it is never the failure itself.
const ADVISORY: &[&str] = &[
    "deprecated",
    "deprecation",
    "deprecationwarning",
    "will be removed",
    "is not recommended",
    "consider using",
    "please use",
    // A hypothetical: something *may* fail some day under some condition.
    "may fail",
    "might fail",
    "could fail",
];

/// [`GC_DISTRESS`], [`ADVISORY`] and then each of [`RULES`], in one index: a message's words
/// are looked up once for all of them.
static PHRASES: LazyLock<PhraseIndex> = LazyLock::new(|| {
    let mut lists: Vec<&[&str]> = vec![GC_DISTRESS, ADVISORY];
    lists.extend(RULES.iter().map(|(_, phrases)| *phrases));
    PhraseIndex::new(&lists)
});
/// Where the timeout phrases are among [`RULES`].
static TIMEOUT_RULE: LazyLock<usize> = LazyLock::new(|| {
    RULES
        .iter()
        .position(|(c, _)| *c == Class::Timeout)
        .expect("a timeout rule")
});
const GC_LIST: usize = 0;
const ADVISORY_LIST: usize = 1;
const FIRST_RULE_LIST: usize = 2;

#[cfg(test)]
mod tests {
    use super::*;

    /// Regression: the narrative check kept its own copy of the class names and missed
    /// quota_exceeded; `Class::ALL` is now the one list, and it must hold every variant.
    #[test]
    fn all_classes_listed_once() {
        let mut names: Vec<&str> = Class::ALL.iter().map(|c| c.as_str()).collect();
        names.sort();
        names.dedup();
        assert_eq!(names.len(), Class::ALL.len());
        assert!(Class::is_name("quota_exceeded") && Class::is_name("unknown"));
        assert!(!Class::is_name("orders-api"));
        // A match on every variant: adding one without listing it fails to compile here.
        for c in Class::ALL {
            match c {
                Class::Oom
                | Class::MemoryPressure
                | Class::DbPoolExhaustion
                | Class::ConnectionLeak
                | Class::SlowQuery
                | Class::CrashLoop
                | Class::ConfigError
                | Class::ImagePull
                | Class::Scheduling
                | Class::ProbeFailure
                | Class::DnsFailure
                | Class::TlsExpiry
                | Class::ClockSkew
                | Class::AuthFailure
                | Class::DiskFull
                | Class::FdExhaustion
                | Class::QuotaExceeded
                | Class::RateLimited
                | Class::Overload
                | Class::LockContention
                | Class::QueueBacklog
                | Class::CacheUnavailable
                | Class::CacheEviction
                | Class::CodeException
                | Class::DependencyUnavailable
                | Class::Network
                | Class::Timeout
                | Class::Latency => {}
            }
        }
    }

    #[test]
    fn running_out_of_file_descriptors_is_fd_exhaustion() {
        // Go's accept loop, Node's EMFILE, Java's SocketException, nginx's errno 24, the kernel.
        for line in [
            "http: Accept error: accept tcp [::]:8080: accept4: too many open files; retrying 5ms",
            "Error: EMFILE: too many open files, open '/srv/app/config.json'",
            "java.net.SocketException: Too many open files",
            "socket() failed (24: Too many open files) while connecting to upstream",
            "VFS: file-max limit 1048576 reached",
        ] {
            assert_eq!(classify(line, None), Some(Class::FdExhaustion), "{line}");
        }
        // The dial failed in the process that logs it, not at the upstream it names.
        let dial = "upstream dial failed: dial tcp 10.0.4.7:8443: socket: too many open files";
        assert_eq!(
            classify(dial, Some(Level::Error)),
            Some(Class::FdExhaustion)
        );
        assert!(!Class::FdExhaustion.blames_dependency());
        assert_eq!(classify("max open files: 65536", Some(Level::Info)), None);
    }

    #[test]
    fn a_stepped_clock_and_tokens_from_the_future_are_clock_skew() {
        // chrony and ntpd report a step; JWT libraries reject tokens issued "in the future".
        let chrony = "System clock wrong by 41.205 seconds, adjustment started";
        assert_eq!(classify(chrony, None), Some(Class::ClockSkew));
        let pyjwt = "401 rejected: ImmatureSignatureError: The token is not yet valid (iat)";
        assert_eq!(classify(pyjwt, Some(Level::Warn)), Some(Class::ClockSkew));
        let node = "auth failed: NotBeforeError: jwt not active";
        assert_eq!(classify(node, Some(Level::Error)), Some(Class::ClockSkew));
        // A certificate that is not yet valid is a certificate problem first.
        let x509 = "x509: certificate has expired or is not yet valid";
        assert_eq!(classify(x509, Some(Level::Error)), Some(Class::TlsExpiry));
        // A setting that mentions skew is configuration.
        assert_eq!(classify("allowed clock skew: 30s", Some(Level::Info)), None);
    }

    #[test]
    fn a_full_collection_is_memory_distress_at_any_level() {
        // JDK 9+ unified logging (no level of its own) and the JDK 8 format.
        let g1 = "[2024-05-01T10:00:00.000+0000][gc] GC(812) Pause Full (G1 Compaction Pause) 3980M->3950M(4096M) 2841.512ms";
        assert_eq!(classify(g1, None), Some(Class::MemoryPressure));
        let jdk8 = "2024-05-01T10:00:00.000+0000: [Full GC (Allocation Failure)  3980M->3950M(4096M), 2.8415 secs]";
        assert_eq!(
            classify(jdk8, Some(Level::Info)),
            Some(Class::MemoryPressure)
        );
        let young =
            "[gc] GC(811) Pause Young (Normal) (G1 Evacuation Pause) 2048M->1024M(4096M) 12.3ms";
        assert_eq!(classify(young, None), None);
        let exhausted = "[gc] GC(813) To-space exhausted";
        assert_eq!(classify(exhausted, None), Some(Class::MemoryPressure));
    }

    #[test]
    fn a_worker_pool_refusing_work_is_overload() {
        let java = "java.util.concurrent.RejectedExecutionException: Task a.B@1f rejected from java.util.concurrent.ThreadPoolExecutor@2c[Running, pool size = 64, active threads = 64, queued tasks = 500]";
        assert_eq!(classify(java, Some(Level::Error)), Some(Class::Overload));
        let spring = "TaskRejectedException: Executor did not accept task: a.B$$Lambda@3";
        assert_eq!(classify(spring, Some(Level::Error)), Some(Class::Overload));
    }

    #[test]
    fn room_is_not_oom() {
        assert_eq!(
            classify("no room left in the meeting", Some(Level::Error)),
            None
        );
        assert_eq!(
            classify("Out of memory: heap=512MiB", Some(Level::Fatal)),
            Some(Class::Oom)
        );
    }

    #[test]
    fn pool_exhaustion_beats_generic_error() {
        assert_eq!(
            classify(
                "Postgres pool exhausted: 200/200 connections in use",
                Some(Level::Error)
            ),
            Some(Class::DbPoolExhaustion)
        );
        assert_eq!(
            classify("Postgres pool getConnection waited 1.8s", Some(Level::Warn)),
            Some(Class::DbPoolExhaustion)
        );
    }

    #[test]
    fn info_error_word_is_not_a_signal() {
        assert_eq!(
            classify("retrying after error: none", Some(Level::Info)),
            None
        );
        // "1500ms" is no 500 status: a warning that a request took that long is latency.
        assert_eq!(
            classify("request took 1500ms", Some(Level::Warn)),
            Some(Class::Latency)
        );
    }

    #[test]
    fn kubectl_reasons_are_signals_at_any_level() {
        assert_eq!(
            classify(
                "Back-off pulling image \"x:1\" ImagePullBackOff",
                Some(Level::Info)
            ),
            Some(Class::ImagePull)
        );
        assert_eq!(
            classify("0/3 nodes are available: 3 Insufficient cpu.", None),
            Some(Class::Scheduling)
        );
    }

    #[test]
    fn a_handshake_that_hung_up_is_not_a_certificate_problem() {
        let eof = "http: TLS handshake error from 10.0.3.7:41822: EOF";
        assert_eq!(classify(eof, None), None);
        assert_eq!(classify(eof, Some(Level::Info)), None);
        let alert =
            "http: TLS handshake error from 10.0.3.7:41822: remote error: tls: bad certificate";
        assert_eq!(classify(alert, Some(Level::Error)), Some(Class::TlsExpiry));
    }

    #[test]
    fn a_service_account_field_is_not_a_config_error() {
        // Every pod's `kubectl describe` has this field; only a failed lookup is a failure.
        assert_eq!(classify("Service Account:  default", None), None);
        assert_eq!(
            classify(
                "/var/run/secrets/kubernetes.io/serviceaccount from kube-api-access-x (ro)",
                None
            ),
            None
        );
        let failed = "Error creating: pods \"web-5d9c-\" is forbidden: error looking up service \
                      account prod/web: serviceaccount \"web\" not found";
        assert_eq!(
            classify(failed, Some(Level::Warn)),
            Some(Class::ConfigError)
        );
    }

    #[test]
    fn rejected_tokens_and_credentials_are_auth_failures() {
        for line in [
            "token rejected: keyfunc: the given key ID was not found in the JWKS",
            "JWT signature verification failed",
            "An error occurred (ExpiredToken) when calling the PutObject operation",
            "password authentication failed for user \"app\"",
        ] {
            assert_eq!(
                classify(line, Some(Level::Warn)),
                Some(Class::AuthFailure),
                "{line}"
            );
        }
        // An INFO line about tokens is no failure, and a token not yet valid is the clock's.
        assert_eq!(
            classify("token expired, refreshing", Some(Level::Info)),
            None
        );
        assert_eq!(
            classify("token used before issued", Some(Level::Error)),
            Some(Class::ClockSkew)
        );
    }

    #[test]
    fn free_space_under_a_threshold_is_a_full_disk_coming() {
        for line in [
            "low disk space: 9.8GiB free of 200GiB (4.9%) on /data",
            "high disk watermark [90%] exceeded on [node-1][/data] free: 8gb[7.9%]",
            "Insufficient disk space to write segment",
        ] {
            assert_eq!(
                classify(line, Some(Level::Warn)),
                Some(Class::DiskFull),
                "{line}"
            );
        }
        assert_eq!(
            classify("disk usage 41% of 200GiB", Some(Level::Info)),
            None
        );
    }

    #[test]
    fn naming_a_cache_is_no_verdict_but_failing_to_reach_it_is() {
        for quiet in [
            "Packages that will be upgraded: libevent memcached",
            "Stopping memcached.service - memcached daemon...",
            "Redis cluster state changed to ok",
        ] {
            assert_eq!(classify(quiet, None), None, "{quiet}");
        }
        for loud in [
            "Redis connection refused, retrying",
            "memcached get timed out after 100ms",
            "connect to redis refused",
        ] {
            assert_eq!(
                classify(loud, Some(Level::Error)),
                Some(Class::CacheUnavailable),
                "{loud}"
            );
        }
    }

    #[test]
    fn deprecation_notices_are_advice_not_failures() {
        let warn = Some(Level::Warn);
        assert_eq!(
            classify(
                "Using the local cache is deprecated and will be removed; it may cause high memory usage",
                warn
            ),
            None
        );
        assert_eq!(
            classify(
                "DeprecationWarning: timeout argument is not recommended",
                warn
            ),
            None
        );
        // At error level the failure words still count: something did break.
        assert_eq!(
            classify(
                "deprecated client failed: out of memory",
                Some(Level::Error)
            ),
            Some(Class::Oom)
        );
    }

    #[test]
    fn a_guessed_cause_is_no_verdict() {
        let err = Some(Level::Error);
        // A supervisor that killed a child itself and guesses why: the guess is not the class.
        assert_ne!(
            classify(
                "child process 41 was killed by signal 9; possibly out of memory?",
                err
            ),
            Some(Class::Oom)
        );
        assert_ne!(
            classify("Worker exited unexpectedly. Perhaps disk full?", err),
            Some(Class::DiskFull)
        );
        // What comes before the hedge still counts, and an unhedged verdict stays one.
        assert_eq!(
            classify("request timed out after 30s, maybe the network", err),
            Some(Class::Timeout)
        );
        assert_eq!(
            classify("Out of memory: Killed process 812 (java)", err),
            Some(Class::Oom)
        );
    }

    /// A warning that a call or request got slow, in the caller's or the server's words, is a
    /// latency signal; a duration in an ordinary line or a timeout's limit is not.
    #[test]
    fn a_warning_that_says_how_long_work_took_is_latency() {
        let warn = Some(Level::Warn);
        for slow in [
            "call to inventory took 5200 ms",
            "GET /prices took 3.5 s (limit 1 s)",
            "slow request path=/checkout",
            "request finished elapsed_ms=8123",
            "{\"msg\":\"served\",\"dur_ms\":4100}",
            "write to journal took 12s",
            "background flush is taking too long",
        ] {
            assert_eq!(classify(slow, warn), Some(Class::Latency), "{slow}");
        }
        // The same words at an ordinary level describe normal work.
        assert_eq!(
            classify("call to inventory took 52 ms", Some(Level::Info)),
            None
        );
        // A limit reached is a timeout; a retry delay or a config value is no duration taken.
        assert_eq!(
            classify("request timed out after 3000 ms", warn),
            Some(Class::Timeout)
        );
        assert_eq!(classify("retrying in 5 s", warn), None);
        assert_eq!(classify("took over leadership for term 7", warn), None);
        // Slowness is a symptom: a named cause on the same line wins.
        assert_eq!(
            classify(
                "slow request: connection pool exhausted after 3000 ms",
                warn
            ),
            Some(Class::DbPoolExhaustion)
        );
    }

    #[test]
    fn a_connection_pool_that_ran_dry_whatever_the_library_calls_it() {
        let err = Some(Level::Error);
        for line in [
            "request failed: QueuePool limit of size 10 overflow 5 reached, connection timed out",
            "HikariPool-2 - Connection is not available, request timed out after 30000ms",
            "could not acquire connection from pool: pool timeout",
        ] {
            assert_eq!(classify(line, err), Some(Class::DbPoolExhaustion), "{line}");
        }
        // A thread pool is overload, and an INFO pool size in a banner is configuration.
        assert_ne!(
            classify("rejected: thread pool queue limit reached", err),
            Some(Class::DbPoolExhaustion)
        );
        assert_eq!(classify("pool limit set to 20", Some(Level::Info)), None);
    }
}
