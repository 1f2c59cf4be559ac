//! Continuations: which header-less lines belong to the event before them (stack frames,
//! `Caused by:`, tracebacks, goroutine dumps, wrapped text).

/// True when `line` (which no decoder claimed) continues the previous event.
pub(crate) fn is_continuation(line: &str) -> bool {
    line.starts_with([' ', '\t'])
}
