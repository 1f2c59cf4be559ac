//! English for what the engine writes: counts with their nouns spelled out. Shared by the
//! forensic tools (reasons, trail) and the report, so no layer writes "service(s)".

/// "1 service", "4 services": a count with its noun spelled out, never "service(s)".
pub(crate) fn plural(n: u64, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_and_many() {
        assert_eq!(super::plural(1, "service"), "1 service");
        assert_eq!(super::plural(0, "signal event"), "0 signal events");
    }
}
