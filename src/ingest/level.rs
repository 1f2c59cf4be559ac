//! Severity from the places a log writes it: level words and letters in header positions,
//! level fields, syslog PRI, OTLP severity numbers, bunyan/pino numbers, HTTP status codes.
//! Never from free message text: callers pass only header tokens or field values.

use super::event::Level;

/// A level word (`WARN`, `warning`, `E`, `err`, `[error]`-stripped, `fail`, ...), any case.
pub(crate) fn from_word(w: &str) -> Option<Level> {
    let b = w.as_bytes();
    if b.is_empty() || b.len() > 13 {
        return None;
    }
    let mut buf = [0u8; 13];
    for (i, c) in b.iter().enumerate() {
        buf[i] = c.to_ascii_lowercase();
    }
    let l = &buf[..b.len()];
    Some(match l {
        b"trace" | b"trc" | b"trce" | b"finest" | b"finer" | b"verbose" | b"v" | b"t" => {
            Level::Trace
        }
        b"debug" | b"dbg" | b"dbug" | b"d" | b"fine" | b"config" => Level::Debug,
        b"info" | b"inf" | b"information" | b"informational" | b"i" | b"log" => Level::Info,
        b"notice" | b"note" | b"n" => Level::Notice,
        b"warn" | b"warning" | b"wrn" | b"w" => Level::Warn,
        b"error" | b"err" | b"eror" | b"e" | b"fail" | b"failure" | b"severe" => Level::Error,
        b"crit" | b"critical" | b"alert" | b"c" | b"dpanic" => Level::Critical,
        b"fatal" | b"ftl" | b"f" | b"emerg" | b"emergency" | b"panic" | b"a" => Level::Fatal,
        _ => {
            // `debug5`, `DEBUG2` (lnav/PostgreSQL): a level word followed by a digit.
            let alpha = l.iter().take_while(|c| c.is_ascii_alphabetic()).count();
            if alpha >= 4 && alpha < l.len() && l[alpha..].iter().all(u8::is_ascii_digit) {
                return from_word(&w[..alpha]);
            }
            return None;
        }
    })
}

/// A level word of at least two letters (single letters only count in letter positions).
pub(crate) fn from_long_word(w: &str) -> Option<Level> {
    if w.len() < 3 {
        return None;
    }
    from_word(w)
}

/// The single-letter level of klog/glog and Android logcat (`I`, `W`, `E`, `F`, `D`, `V`).
pub(crate) fn from_letter(c: u8) -> Option<Level> {
    Some(match c {
        b'V' => Level::Trace,
        b'D' => Level::Debug,
        b'I' => Level::Info,
        b'W' => Level::Warn,
        b'E' => Level::Error,
        b'F' | b'A' => Level::Fatal,
        _ => return None,
    })
}

/// Syslog severity (0 emerg .. 7 debug), from `PRI % 8` or journald `PRIORITY`.
pub(crate) fn from_syslog(sev: u32) -> Option<Level> {
    Some(match sev {
        0 => Level::Fatal,
        1 | 2 => Level::Critical,
        3 => Level::Error,
        4 => Level::Warn,
        5 => Level::Notice,
        6 => Level::Info,
        7 => Level::Debug,
        _ => return None,
    })
}

/// OTLP `severityNumber` (1-4 trace, 5-8 debug, 9-12 info, 13-16 warn, 17-20 error, 21-24 fatal).
pub(crate) fn from_otlp(n: i64) -> Option<Level> {
    Some(match n {
        1..=4 => Level::Trace,
        5..=8 => Level::Debug,
        9..=12 => Level::Info,
        13..=16 => Level::Warn,
        17..=20 => Level::Error,
        21..=24 => Level::Fatal,
        _ => return None,
    })
}

/// bunyan/pino numeric levels (10 trace .. 60 fatal).
pub(crate) fn from_bunyan(n: i64) -> Option<Level> {
    Some(match n {
        10 => Level::Trace,
        20 => Level::Debug,
        30 => Level::Info,
        40 => Level::Warn,
        50 => Level::Error,
        60 => Level::Fatal,
        _ => return None,
    })
}

/// Access-log level from the HTTP status: 5xx error, 4xx warn, else info.
pub(crate) fn from_http_status(status: u16) -> Level {
    match status {
        500..=599 => Level::Error,
        400..=499 => Level::Warn,
        _ => Level::Info,
    }
}

/// Pod phase / container state in `kubectl get pods` STATUS.
pub(crate) fn from_pod_status(s: &str) -> Level {
    match s {
        "Running" | "Completed" | "Succeeded" => Level::Info,
        "Pending" | "ContainerCreating" | "PodInitializing" | "Terminating" | "Unknown"
        | "NotReady" => Level::Warn,
        s if s.starts_with("Init:") && !s.contains("Error") && !s.contains("BackOff") => {
            Level::Warn
        }
        _ => Level::Error,
    }
}

/// Container waiting/terminated reasons that mean trouble (`kubectl describe`).
pub(crate) fn from_k8s_reason(s: &str) -> Option<Level> {
    Some(match s {
        "OOMKilled"
        | "CrashLoopBackOff"
        | "Error"
        | "ImagePullBackOff"
        | "ErrImagePull"
        | "CreateContainerConfigError"
        | "CreateContainerError"
        | "InvalidImageName"
        | "RunContainerError"
        | "ContainerCannotRun"
        | "DeadlineExceeded"
        | "Evicted" => Level::Error,
        "ContainerCreating" | "PodInitializing" | "Pending" | "Unschedulable" => Level::Warn,
        "Completed" => Level::Info,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_fold_synonyms() {
        assert_eq!(from_word("WARNING"), Some(Level::Warn));
        assert_eq!(from_word("warn"), Some(Level::Warn));
        assert_eq!(from_word("ERR"), Some(Level::Error));
        assert_eq!(from_word("SEVERE"), Some(Level::Error));
        assert_eq!(from_word("CRIT"), Some(Level::Critical));
        assert_eq!(from_word("EMERG"), Some(Level::Fatal));
        assert_eq!(from_word("ALERT"), Some(Level::Critical));
        assert_eq!(from_word("DPANIC"), Some(Level::Critical));
        assert_eq!(from_word("PANIC"), Some(Level::Fatal));
        assert_eq!(from_word("DEBUG5"), Some(Level::Debug));
        assert_eq!(from_word("Note"), Some(Level::Notice));
        assert_eq!(from_word("errors"), None);
        assert_eq!(from_word("information"), Some(Level::Info));
        assert_eq!(from_word("Informational"), Some(Level::Info));
        assert_eq!(from_long_word("E"), None);
    }

    #[test]
    fn numbers() {
        assert_eq!(from_syslog(11 % 8), Some(Level::Error));
        assert_eq!(from_otlp(9), Some(Level::Info));
        assert_eq!(from_otlp(17), Some(Level::Error));
        assert_eq!(from_otlp(24), Some(Level::Fatal));
        assert_eq!(from_bunyan(40), Some(Level::Warn));
        assert_eq!(from_http_status(503), Level::Error);
        assert_eq!(from_http_status(404), Level::Warn);
        assert_eq!(from_http_status(304), Level::Info);
    }

    #[test]
    fn pod_status() {
        assert_eq!(from_pod_status("CrashLoopBackOff"), Level::Error);
        assert_eq!(from_pod_status("OOMKilled"), Level::Error);
        assert_eq!(from_pod_status("Pending"), Level::Warn);
        assert_eq!(from_pod_status("Running"), Level::Info);
    }
}
