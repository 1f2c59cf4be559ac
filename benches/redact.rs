//! Redaction throughput (bytes/s) on an in-memory corpus of representative log lines of every
//! format family, most with nothing to mask (as in real logs), some with secrets, ids and
//! addresses, repeated to a few MB. Not asserted: `cargo bench --bench redact` reports it.
//! For the whole CLI on real data see scripts/bench-cli.sh (`faultline redact`).

#[cfg(not(target_arch = "wasm32"))]
#[path = "support/blocks.rs"]
mod blocks;

// criterion is a native-only dev-dependency: the benchmark is empty on wasm32.
#[cfg(not(target_arch = "wasm32"))]
mod native {
    use super::blocks;

    use criterion::{criterion_group, Criterion, Throughput};
    use faultline::{LogRedactor, Redactor};
    use std::hint::black_box;

    /// One block of each family; `{i}` varies so values (and their placeholders) differ.
    const BLOCKS: &[&str] = &[
        "2024-05-01T10:00:{s}.123Z INFO  checkout-api request_id=req-{i} user_id=u{i} GET /api/cart/{i} 200 took {i}ms\n",
        "2024-05-01 10:00:{s},456 ERROR [pool-2-thread-{i}] c.e.payments.PaymentService - charge failed for order {i}: connection to db-primary.internal:5432 refused\n\
         java.sql.SQLTransientConnectionException: HikariPool-1 - Connection is not available, request timed out after 30000ms.\n\
         \tat com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:197)\n",
        "{\"ts\":\"2024-05-01T10:00:{s}.000Z\",\"level\":\"warn\",\"service\":\"inventory\",\"msg\":\"slow query on table items\",\"duration_ms\":{i},\"trace_id\":\"4bf92f3577b34da6a3ce929d0e0e{i:04}\"}\n",
        "ts=2024-05-01T10:00:{s}Z level=error caller=proxy.go:{i} msg=\"upstream payments returned 503\" status=503 latency=1.{i}s\n",
        "10.0.{i}.7 - - [01/May/2024:10:00:{s} +0000] \"POST /v1/charge?id={i} HTTP/1.1\" 503 {i} \"-\" \"curl/8.0\"\n",
        "May  1 10:00:{s} node-{i} kubelet[1234]: E0501 10:00:{s}.000000 1234 pod_workers.go:{i}] \"Error syncing pod\" pod=\"shop/cart-7d9f8b6c5d-x2k4p\" err=\"CrashLoopBackOff\"\n",
        "2024-05-01T10:00:{s}Z WARN auth-api login failed user=ana{i}@example.org password=Tr0ub4dor{i} from 203.0.113.{i}\n",
        "{\"ts\":\"2024-05-01T10:00:{s}Z\",\"msg\":\"charge\",\"card\":\"4111 1111 1111 1111\",\"api_key\":\"sk_live_4eC39HqLyjWDarjtT1zdp7dc{i:04}\"}\n",
        "2024-05-01T10:00:{s}Z DEBUG gateway Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1{i}In0.c2lnbmF0dXJl call +44 20 7946 0{i:03}\n",
        "\x1b[32mINFO\x1b[0m worker-{i} processed batch {i} in 2.{i}s\n",
    ];

    fn corpus(target_bytes: usize) -> String {
        blocks::expand(BLOCKS, target_bytes)
    }

    fn bench_redact(c: &mut Criterion) {
        let text = corpus(4 << 20);
        let mut group = c.benchmark_group("redact");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.sample_size(10);
        // A fresh redactor per run: the placeholders and the values found again start empty,
        // as in one `faultline redact` run.
        group.bench_function("redact_4MB", |b| {
            b.iter(|| {
                let mut lr = LogRedactor::new(Redactor::default());
                black_box(lr.redact_text(black_box(&text)))
            })
        });
        group.finish();
    }

    criterion_group!(benches, bench_redact);
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
