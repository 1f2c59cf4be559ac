//! Continuations: which header-less lines belong to the event before them (stack frames,
//! `Caused by:`, tracebacks, goroutine dumps, wrapped text).
//!
//! [`is_continuation`] is the stateless rule (indented lines, Java/.NET/Node frames, `Caused
//! by:`, ...). [`Joiner`] adds the state a trace needs: after `Traceback (most recent call
//! last):` every line belongs to the trace up to its exception line (indentation may have been
//! stripped), and after `goroutine N [...]:` Go frames (`pkg.fn(...)`, `created by`) join too.

use super::event::Level;

/// True when `line` (which no decoder claimed) continues the previous event.
pub(crate) fn is_continuation(line: &str) -> bool {
    let b = line.as_bytes();
    let special = match b.first() {
        None => return false,
        Some(b' ' | b'\t') => true,
        Some(b'a') => line.starts_with("at ") && line.contains('('),
        Some(b'C') => line.starts_with("Caused by:"),
        Some(b'.') => line.starts_with("... ") && line.ends_with(" more"),
        Some(b'S') => line.starts_with("Suppressed:") || line == "Stack trace:",
        Some(b'-') => line.starts_with("--- End of "),
        Some(b'F') => line.starts_with("File \""),
        Some(b'T') => line.starts_with("Traceback (most recent call last)"),
        Some(b'D') => line.starts_with("During handling of the above exception"),
        Some(b'g') => is_goroutine_header(line),
        Some(b'E') => line.starts_with("Exception in thread \""),
        // Monolog (Laravel) chains an exception's cause as `[previous exception] [object] (...)`.
        Some(b'[') => {
            line.starts_with("[signal ")
                || line == "[stacktrace]"
                || line.starts_with("[previous exception] ")
        }
        // Only closing brackets and quotes (`}`, `"}`, `]}`): the end of a context value that
        // a stack trace split over lines; it cannot open an event.
        Some(b'}' | b'"' | b']' | b')') => {
            let t = line.trim_end();
            t.len() <= 4 && t.bytes().all(|c| matches!(c, b'}' | b']' | b')' | b'"'))
        }
        // PHP (and gdb) frames `#0 /app/x.php(12): f()`, PHP's `Stack trace:` / Laravel's
        // `[stacktrace]` markers.
        Some(b'#') => is_numbered_frame(line),
        _ => false,
    };
    // Go frame function lines outside a panic dump (zap/logrus stack fields):
    // `go.opentelemetry.io/collector/exporter.(*baseExporter).send`
    let go_frame =
        !line.contains(' ') && line.contains('.') && (line.contains(".(*") || line.ends_with(')'));
    special || go_frame || is_exception_line(line)
}

/// `#12 /srv/app/Db.php(631): Db->run()`: a numbered stack frame.
fn is_numbered_frame(line: &str) -> bool {
    let rest = &line[1..];
    let d = rest.bytes().take_while(u8::is_ascii_digit).count();
    d > 0 && d <= 4 && rest[d..].starts_with(' ')
}

/// `goroutine 20 [running]:`
fn is_goroutine_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("goroutine ") else {
        return false;
    };
    let d = rest.bytes().take_while(u8::is_ascii_digit).count();
    d > 0 && rest[d..].starts_with(" [") && line.ends_with(':')
}

/// `java.io.IOException: ...`, `grpc._channel._InactiveRpcError: ...`, `ValueError: x`,
/// `System.InvalidOperationException`: an exception class name heading the line.
pub(crate) fn is_exception_line(line: &str) -> bool {
    let head = match line.find(": ") {
        Some(p) => &line[..p],
        None => line.strip_suffix(':').unwrap_or(line),
    };
    if head.is_empty()
        || head.len() > 160
        || !head.as_bytes()[0].is_ascii_alphabetic() && head.as_bytes()[0] != b'_'
    {
        return false;
    }
    if !head
        .bytes()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'_' | b'$'))
    {
        return false;
    }
    let last = head.rsplit('.').next().unwrap_or(head);
    [
        "Exception",
        "Error",
        "Throwable",
        "Exit",
        "Interrupt",
        "Fault",
        "Failure",
    ]
    .iter()
    .any(|s| last.ends_with(s))
        && (head.contains('.') || line.len() > head.len() || last.len() > 5)
}

/// A Go stack frame function line: `main.main()`, `pkg.(*T).M(0xc000, ...)`, `panic({...})`.
fn is_go_frame(line: &str) -> bool {
    if line.starts_with("created by ") || line.starts_with("exit status ") {
        return true;
    }
    let Some(p) = line.find('(') else {
        return false;
    };
    p > 0
        && !line[..p].contains(' ')
        && (line.ends_with(')') || line.ends_with(")]") || line.contains("(0x"))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
enum Mode {
    #[default]
    None,
    /// Inside a Python traceback, before its exception line.
    PyFrames,
    /// After a Python exception line: its indented/`key = value` details still join.
    PyAfter,
    /// Inside a Go panic / goroutine dump.
    Go,
}

/// Stateful joiner over one file's header-less lines.
#[derive(Debug, Default)]
pub(crate) struct Joiner {
    mode: Mode,
    lines_in_mode: u32,
    /// The last trace ended with "During handling of the above exception ...".
    chained: bool,
}

/// `(node:<pid>) <Name>Warning: <text>`, what Node.js prints for `process.emitWarning`.
fn is_node_warning(line: &str) -> bool {
    let Some(rest) = line.strip_prefix("(node:") else {
        return false;
    };
    let Some((pid, rest)) = rest.split_once(") ") else {
        return false;
    };
    let name = rest.split(' ').next().unwrap_or("");
    !pid.is_empty()
        && pid.bytes().all(|b| b.is_ascii_digit())
        && name.ends_with("Warning:")
        && name.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
}

/// A trace longer than this many lines stops absorbing header-less text.
const MAX_TRACE: u32 = 2000;

impl Joiner {
    /// A decoded line (a header of its own) ends any trace.
    pub fn reset(&mut self) {
        self.mode = Mode::None;
        self.lines_in_mode = 0;
        self.chained = false;
    }

    fn enter(&mut self, m: Mode) {
        self.mode = m;
        self.lines_in_mode = 0;
    }

    /// Level for a header-less line that starts a failure of its own (`panic: ...`).
    pub fn starts(&mut self, line: &str) -> Option<Level> {
        if line.starts_with("panic: ") || line.starts_with("fatal error: ") {
            self.enter(Mode::Go);
            return Some(Level::Fatal);
        }
        if line.starts_with("Traceback (most recent call last)") {
            self.enter(Mode::PyFrames);
        }
        // V8's own abort (`FATAL ERROR: Reached heap limit ...`) and Node's process warnings
        // (`(node:12) MaxListenersExceededWarning: ...`), printed to stderr without a level.
        if line.starts_with("FATAL ERROR: ") {
            return Some(Level::Fatal);
        }
        if is_node_warning(line) {
            return Some(Level::Warn);
        }
        None
    }

    /// True when a header-less `line` continues the previous event.
    pub fn continues(&mut self, line: &str) -> bool {
        self.lines_in_mode += 1;
        if self.lines_in_mode > MAX_TRACE {
            self.reset();
        }
        if line.starts_with("Traceback (most recent call last)") {
            // A traceback right after a log line belongs to it; one after another finished
            // traceback starts a new event, unless Python said they are chained.
            let joins = self.mode == Mode::None || self.chained;
            self.chained = false;
            if joins {
                self.enter(Mode::PyFrames);
            } else {
                self.reset();
            }
            return joins;
        }
        if line.starts_with("During handling of the above exception")
            || line.starts_with("The above exception was")
        {
            self.chained = true;
            return self.mode != Mode::None || is_continuation(line);
        }
        if is_goroutine_header(line) {
            self.enter(Mode::Go);
            return true;
        }
        match self.mode {
            Mode::PyFrames => {
                let t = line.trim_start();
                if !t.starts_with("File \"") && is_exception_line(t) {
                    self.mode = Mode::PyAfter;
                }
                return true;
            }
            Mode::PyAfter => {
                let b = line.as_bytes();
                if line.starts_with("File \"") {
                    self.mode = Mode::PyFrames;
                    return true;
                }
                let kv = line.split_once(" = ").is_some_and(|(k, _)| {
                    !k.is_empty() && k.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                });
                if b[0] == b' '
                    || b[0] == b'\t'
                    || line == ">"
                    || kv
                    || line.starts_with("During handling")
                    || line.starts_with("The above exception")
                {
                    return true;
                }
                self.reset();
            }
            Mode::Go => {
                if is_go_frame(line)
                    || is_continuation(line)
                    || line.starts_with("panic: ")
                    || line.starts_with("FAIL")
                {
                    return true;
                }
                self.reset();
            }
            Mode::None => {}
        }
        is_continuation(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn php_frames() {
        for l in [
            "Stack trace:",
            "[stacktrace]",
            "#0 /srv/app/Db.php(631): Db->run('select')",
            "#12 {main}",
            "#3 [internal function]: Leads->search()",
            "[previous exception] [object] (PDOException(code: 23000): boom at /a.php:12)",
            "\"} ",
            "}",
        ] {
            assert!(is_continuation(l), "{l}");
        }
        for l in [
            "#hashtag trending",
            "# comment",
            "#1234567 issue closed",
            "\"quoted\" start",
            "[previous] run",
        ] {
            assert!(!is_continuation(l), "{l}");
        }
    }

    #[test]
    fn java_frames() {
        for l in [
            "\tat kafka.utils.Foo.apply(Foo.scala:115)",
            "    at com.x.Y.z(Y.java:22)",
            "at com.x.Y.z(Y.java:22)",
            "Caused by: java.net.ConnectException: refused",
            "... 12 more",
            "Suppressed: java.io.IOException: x",
            "java.io.IOException: Connection to 2 was disconnected",
            "--- End of inner exception stack trace ---",
        ] {
            assert!(is_continuation(l), "{l}");
        }
        for l in [
            "another line...",
            "at noon we deployed",
            "ERROR happened",
            "Errors: 3 found",
        ] {
            assert!(!is_continuation(l), "{l}");
        }
    }

    #[test]
    fn python_without_indentation() {
        let mut j = Joiner::default();
        assert_eq!(j.starts("Traceback (most recent call last):"), None);
        for l in [
            "File \"/x.py\", line 552, in _call_behavior",
            "response = behavior(argument, context)",
            "^^^^^^^^^^^",
            "grpc._channel._InactiveRpcError: <_InactiveRpcError of RPC that terminated with:",
            "status = StatusCode.UNAVAILABLE",
            ">",
        ] {
            assert!(j.continues(l), "{l}");
        }
        assert!(!j.continues("one more line, no multiline"));
    }

    #[test]
    fn back_to_back_tracebacks_are_separate_events() {
        let mut j = Joiner::default();
        assert!(j.continues("Traceback (most recent call last):"));
        assert!(j.continues("File \"/x.py\", line 1, in f"));
        assert!(j.continues("ValueError: bad"));
        assert!(!j.continues("Traceback (most recent call last):"));
        j.starts("Traceback (most recent call last):");
        assert!(j.continues("File \"/x.py\", line 1, in f"));
        assert!(j.continues("KeyError: 'k'"));
        assert!(j.continues("During handling of the above exception, another exception occurred:"));
        assert!(j.continues("Traceback (most recent call last):"));
    }

    #[test]
    fn go_panic_dump() {
        let mut j = Joiner::default();
        assert_eq!(j.starts("panic: my panic"), Some(Level::Fatal));
        assert_eq!(
            j.starts(
                "(node:1) MaxListenersExceededWarning: Possible EventEmitter memory leak detected."
            ),
            Some(Level::Warn)
        );
        assert_eq!(
            j.starts(
                "FATAL ERROR: Reached heap limit Allocation failed - JavaScript heap out of memory"
            ),
            Some(Level::Fatal)
        );
        assert_eq!(j.starts("(node:x) Warning: no pid"), None);
        for l in [
            "goroutine 4 [running]:",
            "panic(0x45cb40, 0x47ad70)",
            "  /usr/local/go/src/runtime/panic.go:542 +0x46c",
            "main.main.func1(0xc420024120)",
            "created by main.main",
            "\t/x/foo.go:5 +0x58",
        ] {
            assert!(j.continues(l), "{l}");
        }
        assert!(!j.continues("one more line, no multiline"));
    }
}
