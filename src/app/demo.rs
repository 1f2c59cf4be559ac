//! The built-in incidents the page can load: five real-looking incidents of different failure
//! classes, written by the team. The first is analyzed on page load.
//!
//! Each demo's files are compiled into the page, in the order the CLI reads a folder (by name),
//! and `failure_class` is what the engine concludes for them: tests/demos.rs includes this very
//! file natively and checks it against `faultline::analyze`, so the picker never promises a
//! class the engine does not find. Plain data only (no Leptos, no web-sys) for that reason.

/// One built-in incident.
pub struct Demo {
    /// Stable key (the picker's option value).
    pub key: &'static str,
    pub title: &'static str,
    /// The engine's `root_cause.failure_class` for these files.
    pub failure_class: &'static str,
    /// The service the engine names as the root cause.
    pub service: &'static str,
    /// `(file name, contents)`, sorted by name.
    pub files: &'static [(&'static str, &'static str)],
}

/// Expands to `(name, include_str!(dir/name))` pairs for files of one fixture folder.
macro_rules! files {
    ($dir:literal: $($name:literal),+ $(,)?) => {
        &[$(($name, include_str!(concat!("../../tests/fixtures/", $dir, "/", $name)))),+]
    };
}

/// The demos, the one loaded on open first.
pub const DEMOS: &[Demo] = &[
    // A deploy of orders-api 2.14.0 leaks Postgres connections on a retry path; its pool
    // drains, checkout-web answers 504, fulfillment-worker requeues until OOM-killed; a
    // rollback recovers. Five files in four formats, one with Java stack traces.
    Demo {
        key: "connection-leak",
        title: "Checkout outage after an orders-api deploy",
        failure_class: "db_pool_exhaustion",
        service: "orders-api",
        files: files!("demo":
            "checkout-web.jsonl",
            "fulfillment-worker.log",
            "k8s-events.log",
            "orders-api.log",
            "postgres.log",
        ),
    },
    // A 4800-item statement batch blows a worker's heap; the poison message is redelivered
    // and OOMs it again and again (crash loop as the symptom), billing backs up.
    Demo {
        key: "oom",
        title: "Invoice worker killed by out-of-memory",
        failure_class: "oom",
        service: "invoice-worker",
        files: files!("incidents/oom-invoice-worker":
            "billing-api.log",
            "invoice-worker.log",
            "kubectl-get-pods.txt",
        ),
    },
    // A serving certificate expires at midnight UTC; the service logs in +02:00, so its
    // first error reads two hours "later" than its callers' x509 errors.
    Demo {
        key: "tls-expiry",
        title: "Expired TLS certificate on the FX rate API",
        failure_class: "tls_expiry",
        service: "fxrate-api",
        files: files!("incidents/tls-cert-expired": "fxrate-api.log", "invoice-api.log"),
    },
    // WAL archiving fails, WAL files pile up, the volume fills and Postgres panics.
    Demo {
        key: "disk-full",
        title: "Ledger database out of disk space",
        failure_class: "disk_full",
        service: "ledger-db",
        files: files!("incidents/disk-full-postgres": "ledger-api.log", "ledger-db.log"),
    },
    // A Corefile edit breaks the cluster zone: in-cluster names answer NXDOMAIN.
    Demo {
        key: "dns",
        title: "DNS failures after a CoreDNS config change",
        failure_class: "dns_failure",
        service: "coredns",
        files: files!("incidents/dns-nxdomain-after-corefile-change":
            "coredns.log",
            "dispatch-api.log",
            "route-planner.log",
        ),
    },
];
