//! Ingest throughput (bytes/s) on an in-memory corpus built from representative lines of every
//! format family, repeated to a few MB. Not asserted: `cargo bench --bench ingest` reports it.
//! For whole-CLI figures on real data see scripts/bench-cli.sh.

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/blocks.rs"]
mod blocks;

// criterion is a native-only dev-dependency: the benchmark is empty on wasm32.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::blocks;

    use criterion::{criterion_group, Criterion, Throughput};
    use faultline::{ingest, mine, IngestOptions, InputFile};
    use std::hint::black_box;

    /// One block of each family; `{i}` varies so templates and ids are not all identical.
    const BLOCKS: &[&str] = &[
        "2024-05-01T10:00:{s}.123Z INFO  checkout-api request_id=req-{i} user_id=u{i} GET /api/cart/{i} 200 took {i}ms\n",
        "2024-05-01 10:00:{s},456 ERROR [pool-2-thread-{i}] c.e.payments.PaymentService - charge failed for order {i}: connection to db-primary.internal:5432 refused\n\
         java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n\
         \tat com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)\n\
         \tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)\n\
         \t... 42 more\n",
        "{\"ts\":\"2024-05-01T10:00:{s}.000Z\",\"level\":\"warn\",\"service\":\"inventory\",\"msg\":\"slow query on table items\",\"duration_ms\":{i},\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e{i:04}\"}\n",
        "ts=2024-05-01T10:00:{s}Z level=error caller=proxy.go:{i} msg=\"upstream payments returned 503\" status=503 latency=1.{i}s\n",
        "10.0.{i}.7 - - [01/May/2024:10:00:{s} +0000] \"POST /v1/charge?id={i} HTTP/1.1\" 503 {i} \"-\" \"curl/8.0\"\n",
        "May  1 10:00:{s} node-{i} kubelet[1234]: E0501 10:00:{s}.000000 1234 pod_workers.go:{i}] \"Error syncing pod\" pod=\"shop/cart-7d9f8b6c5d-x2k4p\" err=\"CrashLoopBackOff\"\n",
        "[pod/recommendation-5c9b8d7f6-abc12/server] Traceback (most recent call last):\n\
         [pod/recommendation-5c9b8d7f6-abc12/server]   File \"/app/server.py\", line {i}, in ListRecommendations\n\
         [pod/recommendation-5c9b8d7f6-abc12/server] grpc.RpcError: circuit breaker for productcatalog open\n",
        "2024-05-01T10:00:{s}.123456789Z stderr F panic: runtime error: invalid memory address or nil pointer dereference\n\
         goroutine {i} [running]:\n\
         main.handler(0xc000{i:04})\n\
         \t/app/main.go:{i} +0x1d\n",
        "\x1b[32mINFO\x1b[0m worker-{i} processed batch {i} in 2.{i}s\n",
    ];

    fn corpus(target_bytes: usize) -> Vec<u8> {
        blocks::expand(BLOCKS, target_bytes).into_bytes()
    }

    fn bench_ingest(c: &mut Criterion) {
        let bytes = corpus(8 << 20);
        let files = vec![InputFile::new("bench/checkout.log", bytes.clone())];
        let opts = IngestOptions::default();
        let mut group = c.benchmark_group("ingest");
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.sample_size(10);
        group.bench_function("ingest_8MB", |b| {
            b.iter(|| black_box(ingest(black_box(&files), &opts).unwrap()))
        });
        group.bench_function("ingest_and_mine_8MB", |b| {
            b.iter(|| {
                let mut corpus = ingest(black_box(&files), &opts).unwrap();
                black_box(mine(&mut corpus))
            })
        });
        group.finish();
    }

    criterion_group!(benches, bench_ingest);
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
