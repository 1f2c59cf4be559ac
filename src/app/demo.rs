//! The demo incident analyzed on page load (tests/fixtures/demo/).
//!
//! A deploy of `orders-api` 2.14.0 leaks Postgres connections on a retry path; its pool drains,
//! requests time out waiting for connections, `checkout-web` answers 504 and opens its circuit
//! breaker, `fulfillment-worker` requeues failed callbacks until it is OOM-killed; a rollback
//! to 2.13.2 recovers. Five files in four formats, one with Java stack traces.

/// `(file name, contents)`, in the order the CLI reads the folder (by name).
pub const FILES: &[(&str, &str)] = &[
    (
        "checkout-web.jsonl",
        include_str!("../../tests/fixtures/demo/checkout-web.jsonl"),
    ),
    (
        "fulfillment-worker.log",
        include_str!("../../tests/fixtures/demo/fulfillment-worker.log"),
    ),
    (
        "k8s-events.log",
        include_str!("../../tests/fixtures/demo/k8s-events.log"),
    ),
    (
        "orders-api.log",
        include_str!("../../tests/fixtures/demo/orders-api.log"),
    ),
    (
        "postgres.log",
        include_str!("../../tests/fixtures/demo/postgres.log"),
    ),
];
