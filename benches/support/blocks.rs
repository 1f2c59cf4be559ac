//! A benchmark corpus: template blocks of log lines repeated to a size, each round with other
//! values (`{s}` two-digit seconds, `{i}` a counter, `{i:04}`/`{i:03}` it zero-padded), so
//! templates, ids and secrets are not all identical.

/// The blocks, in order, repeated until the text holds at least `target_bytes`.
pub fn expand(blocks: &[&str], target_bytes: usize) -> String {
    let mut out = String::with_capacity(target_bytes + 4096);
    let mut i = 0usize;
    while out.len() < target_bytes {
        for b in blocks {
            let s = format!("{:02}", i % 60);
            out.push_str(
                &b.replace("{s}", &s)
                    .replace("{i:04}", &format!("{:04}", i % 10_000))
                    .replace("{i:03}", &format!("{:03}", i % 1_000))
                    .replace("{i}", &(i % 997).to_string()),
            );
        }
        i += 1;
    }
    out
}
