//! Kubernetes shapes: `kubectl logs --prefix` (`[pod/NAME/CONTAINER] ...`), `--timestamps` and
//! CRI (`TS stdout|stderr F|P msg`) prefixes, and the tables of `kubectl get pods`,
//! `kubectl get events` and `kubectl describe` (whose Events: rows become events).

use super::{decode_inner, merge_inner, Ctx, Msg, Record, Table};
use crate::ingest::level;
use crate::ingest::time;
use crate::ingest::{multiline, Format, Level};

/// `[pod/NAME/CONTAINER] inner`
pub(crate) fn prefix(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let rest = line.strip_prefix("[pod/")?;
    let close = rest
        .find("] ")
        .or_else(|| rest.ends_with(']').then(|| rest.len() - 1))?;
    let inside = &rest[..close];
    let (pod, container) = inside.split_once('/')?;
    if pod.is_empty() || pod.contains(' ') || container.contains(' ') {
        return None;
    }
    let off = 5 + close + 2;
    let inner_text = line.get(off..).unwrap_or("");
    let mut r = Record::new(
        Format::KubectlPrefix,
        Msg::Range(off.min(line.len()), line.len()),
    );
    r.entities.pod = Some(pod.into());
    r.entities.container = Some(container.into());
    if inner_text.is_empty() {
        return Some(r);
    }
    let inner = decode_inner(inner_text, ctx, depth);
    r.continuation = inner.continuation;
    merge_inner(&mut r, inner, inner_text, Some(off));
    if r.format == Format::Plain {
        r.format = Format::KubectlPrefix;
    }
    r.format = Format::KubectlPrefix;
    Some(r)
}

/// CRI `2016-10-06T00:17:09.669794202Z stdout F msg` and `kubectl logs --timestamps`
/// `2024-01-01T10:00:00.123456789Z msg`: the prefix time is kept, the inner line decoded again.
pub(crate) fn timestamp_prefix(line: &str, ctx: &mut Ctx, depth: u8) -> Option<Record> {
    let (t, p, n) = time::scan_rfc3339_prefix(line)?;
    let b = line.as_bytes();
    if b.get(n) != Some(&b' ') {
        return None;
    }
    let rest = &line[n + 1..];
    if let Some((labels, k)) = super::streams::label_set(rest) {
        return Some(labelled_stream(line, n + 1 + k, t, p, &labels, ctx, depth));
    }
    let mut partial = false;
    let (format, off) = match cri_stream(rest) {
        Some((flag, k)) => {
            partial = flag == b'P';
            (Format::Cri, n + 1 + k)
        }
        None => (Format::KubectlPrefix, n + 1),
    };
    let inner_text = &line[off.min(line.len())..];
    let mut r = Record::new(format, Msg::Range(off.min(line.len()), line.len()));
    r.time = ctx.full_time(t, p);
    r.partial = partial;
    if format == Format::KubectlPrefix {
        // `ts  INFO 1 --- [main] ...` (Spring Boot pads the level): a header, not an indented
        // continuation. Left to the classic scanner, which reads the whole line.
        if inner_text.starts_with(' ') && padded_level(inner_text) {
            return None;
        }
        // A stack frame or an indented line under a timestamp prefix continues the event before.
        if multiline::is_continuation(inner_text) {
            r.continuation = true;
            return Some(r);
        }
    }
    if inner_text.is_empty() {
        return Some(r);
    }
    let inner = decode_inner(inner_text, ctx, depth);
    let inner_format = inner.format;
    merge_inner(&mut r, inner, inner_text, Some(off));
    r.time = Some((t, p));
    r.format = match (format, inner_format) {
        (Format::Cri, _) => Format::Cri,
        (_, Format::Plain) => Format::KubectlPrefix,
        (_, f) => f,
    };
    Some(r)
}

/// `TS {labels} inner` (Loki's `logcli query` output): the prefix time, the labels' service,
/// pod and host, and the inner line decoded again.
fn labelled_stream(
    line: &str,
    off: usize,
    t: i64,
    p: crate::ingest::Precision,
    labels: &[(&str, String)],
    ctx: &mut Ctx,
    depth: u8,
) -> Record {
    let off = off.min(line.len());
    let inner_text = &line[off..];
    let mut r = Record::new(Format::KubectlPrefix, Msg::Range(off, line.len()));
    if !inner_text.is_empty() {
        let inner = decode_inner(inner_text, ctx, depth);
        let inner_format = inner.format;
        merge_inner(&mut r, inner, inner_text, Some(off));
        if inner_format != Format::Plain {
            r.format = inner_format;
        }
    }
    r.time = ctx.full_time(t, p);
    // The stream's labels are the collector's record of where the line came from: they win
    // over a logger name inside the line.
    if let Some(s) = super::streams::service(labels) {
        r.service = Some(s);
    }
    super::streams::fill(labels, &mut r.entities);
    r
}

/// A space-padded upper-case level word (`  INFO 1 ---`, ` WARN x`) followed by more text.
fn padded_level(s: &str) -> bool {
    let t = s.trim_start_matches(' ');
    let w = t.split(' ').next().unwrap_or("");
    w.len() < t.len()
        && w.bytes().all(|c| c.is_ascii_uppercase())
        && crate::ingest::level::from_long_word(w).is_some()
}

/// `stdout F ` / `stderr P `: (flag, bytes).
fn cri_stream(s: &str) -> Option<(u8, usize)> {
    let b = s.as_bytes();
    if !(s.starts_with("stdout ") || s.starts_with("stderr ")) {
        return None;
    }
    let flag = *b.get(7)?;
    if !(flag == b'F' || flag == b'P') {
        return None;
    }
    match b.get(8) {
        Some(b' ') => Some((flag, 9)),
        None => Some((flag, 8)),
        _ => None,
    }
}

/// True when a file starts like `kubectl describe` output.
pub(crate) fn is_describe_start(line: &str) -> bool {
    line.starts_with("Name:") && line.len() > 6 && line[5..].starts_with(' ')
}

/// A `kubectl describe` top-level field: `Name:`, `Controlled By:`, `Node-Selectors:`,
/// `Events:`: a capitalised label of letters, spaces and `-./()` before its colon.
fn is_describe_field(line: &str) -> bool {
    let Some((label, _)) = line.split_once(':') else {
        return false;
    };
    label.len() <= 40
        && label.bytes().next().is_some_and(|b| b.is_ascii_uppercase())
        && label.bytes().all(|b| {
            b.is_ascii_alphabetic() || matches!(b, b' ' | b'-' | b'.' | b'/' | b'(' | b')')
        })
}

/// Splits a table header into columns separated by two or more spaces.
fn header_cols(line: &str) -> Vec<(String, usize)> {
    let b = line.as_bytes();
    let mut cols = Vec::new();
    let mut i = 0;
    while i < b.len() {
        while i < b.len() && b[i] == b' ' {
            i += 1;
        }
        if i >= b.len() {
            break;
        }
        let s = i;
        while i < b.len() && !(b[i] == b' ' && b.get(i + 1).is_none_or(|&c| c == b' ')) {
            i += 1;
        }
        cols.push((line[s..i].to_ascii_uppercase(), s));
    }
    cols
}

fn table_kind(cols: &[(String, usize)]) -> Option<Format> {
    let has = |n: &str| cols.iter().any(|(c, _)| c == n);
    if has("NAME") && has("READY") && has("STATUS") {
        Some(Format::KubectlPods)
    } else if has("REASON") && has("MESSAGE") && (has("TYPE") || has("LAST SEEN")) {
        Some(Format::KubectlEvents)
    } else if has("NAME") && has("STATUS") && has("AGE") {
        // kubectl get nodes / deployments and friends
        Some(Format::KubectlPods)
    } else {
        None
    }
}

/// For a `kubectl describe` command, the object it names (empty when it names none):
/// `kubectl -n shop describe pod api-7d9f-x2k4p | grep Reason` -> `api-7d9f-x2k4p`. Flags may
/// come before the verb; a pipe ends the command.
fn described(cmd: &str) -> Option<String> {
    let args = command_args(cmd, "kubectl")?;
    if args.first() != Some(&"describe") {
        return None;
    }
    let name = match args.get(1) {
        Some(kind) if kind.contains('/') => kind.split_once('/').map(|(_, n)| n),
        Some(_) => args.get(2).copied(),
        None => None,
    };
    Some(name.unwrap_or("").to_string())
}

/// For a command whose output is one pod's or container's own lines, that pod or container:
/// `kubectl logs [-n ns] api-7d9f-x2k4p`, `kubectl logs deploy/api`, `kubectl exec db-0 -c db
/// -- psql ...`, `docker logs web-1`, `docker exec cache-0 redis-cli info`.
pub(super) fn command_subject(cmd: &str) -> Option<String> {
    let args = command_args(cmd, "kubectl").or_else(|| command_args(cmd, "docker"))?;
    let (verb, name) = (*args.first()?, *args.get(1)?);
    if !matches!(verb, "logs" | "exec") {
        return None;
    }
    let name = name.split_once('/').map_or(name, |(_, n)| n);
    let ok = !name.is_empty()
        && name
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    ok.then(|| name.to_string())
}

/// The words of a `tool ...` command that are not flags or flag values, up to a pipe or `--`.
fn command_args<'a>(cmd: &'a str, tool: &str) -> Option<Vec<&'a str>> {
    /// Flags that take the next word as their value.
    const VALUED: &[&str] = &[
        "-n",
        "--namespace",
        "--context",
        "--kubeconfig",
        "-c",
        "--container",
        "-l",
        "--selector",
        "-o",
        "--output",
        "--cluster",
        "--user",
        "--tail",
        "--since",
        "--since-time",
        "-u",
        "-w",
        "-e",
        "--env",
        "--workdir",
    ];
    let cmd = cmd.split('|').next().unwrap_or("");
    let mut words = cmd.split_whitespace();
    if words.next() != Some(tool) {
        return None;
    }
    let mut args: Vec<&str> = Vec::new();
    let mut skip = false;
    for w in words {
        if skip {
            skip = false;
        } else if w == "--" {
            break;
        } else if w.starts_with('-') {
            skip = VALUED.contains(&w);
        } else {
            args.push(w);
        }
    }
    Some(args)
}

fn is_header_line(line: &str) -> bool {
    let t = line.trim_start();
    t.bytes()
        .all(|c| c.is_ascii_uppercase() || c == b' ' || c == b'-' || c == b'(' || c == b')')
        && t.contains("  ")
}

/// The `kubectl` family: command lines, table headers and rows, describe output.
pub(crate) fn decode_kubectl(line: &str, ctx: &mut Ctx) -> Option<Record> {
    if let Some(cmd) = line.strip_prefix("$ ") {
        ctx.table = None;
        ctx.after_command = true;
        ctx.describe = described(cmd);
        ctx.subject = command_subject(cmd);
        return Some(Record::new(Format::Plain, Msg::Range(0, line.len())));
    }
    let indented = line.starts_with(' ');
    // Table header (`NAME READY STATUS ...`, `LAST SEEN TYPE REASON ...`, describe's
    // `Type Reason Age From Message`).
    let describe_events_header = ctx.describe.is_some()
        && indented
        && line.trim_start().starts_with("Type")
        && line.contains("Reason")
        && line.contains("Message");
    if (!indented && is_header_line(line)) || describe_events_header {
        let cols = header_cols(line);
        if let Some(kind) = table_kind(&cols) {
            let kind = if describe_events_header {
                Format::KubectlDescribe
            } else {
                kind
            };
            ctx.table = Some(Table { kind, cols });
            return Some(Record::new(kind, Msg::Range(0, line.len())));
        }
    }
    if ctx.describe.is_none() && ctx.table.is_none() && is_describe_start(line) {
        ctx.describe = Some(String::new());
    }
    if ctx.describe.is_some() && !indented && !line.is_empty() && !is_describe_field(line) {
        // `kubectl describe` ends where a line is neither indented nor a `Field:` (an
        // application's log line pasted after it).
        ctx.describe = None;
        ctx.table = None;
    }
    if let Some(table) = &ctx.table {
        if let Some(r) = table_row(line, table, ctx.describe.as_deref()) {
            return Some(r);
        }
        if table.kind != Format::KubectlDescribe {
            ctx.table = None;
        }
    }
    if ctx.describe.is_some() {
        return Some(describe_line(line, ctx));
    }
    if ctx.table.is_none() && !indented {
        return headerless_event_row(line);
    }
    None
}

/// A `kubectl get events` row whose header was cut off (`| tail -n 20`) or comes after it
/// (a paste turned newest-first): `AGE   Normal|Warning   Reason   kind/name   message`.
///
/// Read word by word, not by column gaps: a reason as wide as its column leaves one space
/// before the object. Each of the first four words has a shape that says it is that column.
fn headerless_event_row(line: &str) -> Option<Record> {
    let mut words = Words { line, at: 0 };
    // Most lines fail on their first word: checked before the others are read.
    if !is_age(words.next()?) {
        return None;
    }
    let lvl = match words.next()? {
        "Warning" => Level::Warn,
        "Normal" => Level::Info,
        _ => return None,
    };
    let reason = words.next()?;
    let object = words.next()?;
    if !reason.bytes().all(|b| b.is_ascii_alphanumeric()) || !object.contains('/') {
        return None;
    }
    let start = words.rest_start()?;
    let mut r = Record::new(Format::KubectlEvents, Msg::Range(start, line.len()));
    r.level = Some(lvl);
    r.entities.k8s_reason = Some(reason.into());
    r.entities.k8s_object = Some(object.into());
    if let Some(p) = object.strip_prefix("pod/") {
        r.entities.pod = Some(p.into());
    }
    Some(r)
}

/// The space-separated words of a line, front to back.
struct Words<'a> {
    line: &'a str,
    at: usize,
}

impl<'a> Words<'a> {
    fn next(&mut self) -> Option<&'a str> {
        let rest = &self.line[self.at..];
        let lead = rest.len() - rest.trim_start_matches(' ').len();
        let word = rest[lead..].split(' ').next().filter(|w| !w.is_empty())?;
        self.at += lead + word.len();
        Some(word)
    }

    /// Where the text after the words read so far starts, if there is any.
    fn rest_start(&self) -> Option<usize> {
        let rest = &self.line[self.at..];
        let lead = rest.len() - rest.trim_start_matches(' ').len();
        (lead > 0 && self.at + lead < self.line.len()).then_some(self.at + lead)
    }
}

/// `1/1`, `0/2`: a pod's ready containers over its containers.
fn is_ready_count(cell: &str) -> bool {
    cell.split_once('/').is_some_and(|(a, b)| {
        [a, b]
            .iter()
            .all(|n| !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()))
    })
}

/// kubectl's short age (`14m`, `2m30s`), or what it prints when it has none.
fn is_age(w: &str) -> bool {
    w == "<unknown>" || w == "<invalid>" || crate::ingest::kubectl_age(w).is_some()
}

/// One row of a table, its values split once.
struct Row<'a> {
    line: &'a str,
    cols: &'a [(String, usize)],
    /// Runs of text separated by two spaces or more.
    values: Vec<&'a str>,
}

impl<'a> Row<'a> {
    fn new(line: &'a str, cols: &'a [(String, usize)]) -> Row<'a> {
        let values = line
            .trim()
            .split("  ")
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .collect();
        Row { line, cols, values }
    }

    /// The value under column `name`.
    fn cell(&self, name: &str) -> Option<&'a str> {
        let (line, cols) = (self.line, self.cols);
        let idx = cols.iter().position(|(c, _)| c == name)?;
        // A row whose values are as many as the columns, each set apart by two spaces or more,
        // is read value by value, wherever each value sits.
        if self.values.len() == cols.len() {
            return Some(self.values[idx]);
        }
        let start = column_start(line, cols, idx);
        let end = if idx + 1 < cols.len() {
            column_start(line, cols, idx + 1)
        } else {
            line.len()
        };
        if start >= end || !line.is_char_boundary(start) || !line.is_char_boundary(end) {
            return None;
        }
        Some(line[start..end].trim()).filter(|s| !s.is_empty())
    }
}

/// Where column `k` starts in this row. Usually at its header's offset; but rows pasted or
/// aligned by hand are often one or two characters off, so a word that straddles the offset
/// belongs to column `k` when blank space separates it from the text of the column before,
/// and to the column before when it is that column's only word (a value wider than its
/// header).
fn column_start(line: &str, cols: &[(String, usize)], k: usize) -> usize {
    let b = line.as_bytes();
    let p = cols[k].1.min(b.len());
    let inside = |q: usize| q > 0 && q < b.len() && b[q - 1] != b' ' && b[q] != b' ';
    if k == 0 || !inside(p) {
        return p;
    }
    let mut t = p;
    while t > 0 && b[t - 1] != b' ' {
        t -= 1;
    }
    let prev = cols[k - 1].1.min(t);
    if b[prev..t].iter().any(|&c| c != b' ') {
        return t;
    }
    let mut e = p;
    while e < b.len() && b[e] != b' ' {
        e += 1;
    }
    e
}

fn table_row(line: &str, t: &Table, describe: Option<&str>) -> Option<Record> {
    let trimmed = line.trim();
    if trimmed.is_empty() {
        return None;
    }
    // Column starts must line up with token starts (or the row is not this table's).
    let b = line.as_bytes();
    let first = t.cols.first()?.1;
    if b.get(first).is_none_or(|&c| c == b' ') || (first > 0 && b[first - 1] != b' ') {
        return None;
    }
    if trimmed.bytes().all(|c| c == b'-' || c == b' ') {
        return Some(Record::new(t.kind, Msg::Range(0, line.len())));
    }
    let row = Row::new(line, &t.cols);
    let mut r = Record::new(t.kind, Msg::Range(0, line.len()));
    match t.kind {
        Format::KubectlPods => {
            let name = row.cell("NAME")?;
            let status = row.cell("STATUS")?;
            // READY is `ready/total`: a line under the table without it is not a pod (an
            // event row that followed a pods table in a paste turned newest-first).
            if row.cell("READY").is_some_and(|r| !is_ready_count(r)) {
                return None;
            }
            r.level = Some(level::from_pod_status(status));
            r.entities.pod = Some(name.into());
            if let Some(ns) = row.cell("NAMESPACE") {
                r.entities.namespace = Some(ns.into());
            }
            if let Some(node) = row.cell("NODE") {
                r.entities.host = Some(node.into());
            }
            r.entities.k8s_object = Some(format!("pod/{name}").into());
            r.entities.k8s_reason = Some(status.into());
        }
        _ => {
            let typ = row.cell("TYPE")?;
            let reason = row.cell("REASON")?;
            r.level = match typ {
                "Warning" => Some(Level::Warn),
                "Normal" => Some(Level::Info),
                "Error" => Some(Level::Error),
                _ => return None,
            };
            r.entities.k8s_reason = Some(reason.into());
            if let Some(obj) = row.cell("OBJECT") {
                r.entities.k8s_object = Some(obj.into());
                if let Some(p) = obj.strip_prefix("pod/") {
                    r.entities.pod = Some(p.into());
                }
            } else if let Some(name) = describe.filter(|n| !n.is_empty()) {
                r.entities.k8s_object = Some(format!("pod/{name}").into());
                r.entities.pod = Some(name.into());
            }
            if let Some(ns) = row.cell("NAMESPACE") {
                r.entities.namespace = Some(ns.into());
            }
            if let Some(from) = row.cell("FROM").or_else(|| row.cell("SOURCE")) {
                r.entities.component = Some(from.into());
            }
            let idx = t.cols.iter().position(|(c, _)| c == "MESSAGE")?;
            let start = t.cols[idx].1;
            if start < line.len() && line.is_char_boundary(start) {
                r.message = Msg::Range(start, line.len());
            }
        }
    }
    Some(r)
}

fn describe_line(line: &str, ctx: &mut Ctx) -> Record {
    let mut r = Record::new(Format::KubectlDescribe, Msg::Range(0, line.len()));
    let t = line.trim_start();
    if let Some(v) = line.strip_prefix("Name:") {
        ctx.describe = Some(v.trim().to_string());
    }
    if let Some(v) = t.strip_prefix("Namespace:") {
        r.entities.namespace = Some(v.trim().into());
    }
    if t.starts_with("Events:") {
        ctx.table = None;
    }
    // `Reason: OOMKilled`, `Last State: Terminated, Reason: OOMKilled, Exit Code: 137`
    if let Some(p) = t.find("Reason:") {
        let v = t[p + 7..].trim_start();
        let v = v.split([',', ' ']).next().unwrap_or("");
        if let Some(l) = level::from_k8s_reason(v) {
            r.level = Some(l);
            r.entities.k8s_reason = Some(v.into());
        }
    }
    if let Some(name) = ctx.describe.as_deref().filter(|n| !n.is_empty()) {
        r.entities.pod = Some(name.into());
    }
    r
}

#[cfg(test)]
mod tests {
    use super::super::decode_line;
    use super::*;

    #[test]
    fn logs_and_exec_commands_name_the_pod_whose_output_follows() {
        for (cmd, pod) in [
            (
                "kubectl logs -n shop api-7d9f8b6c5d-x2k4p --tail 50",
                Some("api-7d9f8b6c5d-x2k4p"),
            ),
            (
                "kubectl -n data exec db-0 -c db -- psql -c 'select 1'",
                Some("db-0"),
            ),
            ("kubectl logs deploy/worker --since=10m", Some("worker")),
            ("docker logs --tail 100 web-1", Some("web-1")),
            (
                "docker exec -it cache-0 redis-cli info memory",
                Some("cache-0"),
            ),
            ("kubectl get pods -n shop", None),
            ("kubectl exec -- ls", None),
            ("tail -n 50 app.log", None),
        ] {
            assert_eq!(command_subject(cmd).as_deref(), pod, "{cmd}");
        }
        // The command sets the subject until the next command.
        let mut ctx = Ctx::new(None, 1970);
        decode_line("$ kubectl -n data exec db-0 -- df -h /var/lib/db", &mut ctx);
        assert_eq!(ctx.subject.as_deref(), Some("db-0"));
        decode_line("$ kubectl get pods", &mut ctx);
        assert!(ctx.subject.is_none());
        // Lines after the command are the pod's, unless they name their own.
        let text = "$ kubectl -n data exec db-0 -- df -h /var/lib/db\n\
                    2024-06-12T14:03:22Z ERROR disk almost full\n\
                    Filesystem Size Used Avail Use% Mounted on\n";
        let c = crate::ingest(
            &[crate::InputFile::new("notes.txt", text.as_bytes().to_vec())],
            &Default::default(),
        )
        .unwrap();
        for ev in &c.events[1..] {
            assert_eq!(c.service(ev), Some("db"), "{}", c.message(ev));
        }
    }

    /// Bug: an application's log line pasted after `kubectl describe` output was read as more
    /// describe output (no time, no level) until the next command.
    #[test]
    fn describe_output_ends_at_a_line_that_is_not_a_field() {
        let mut ctx = Ctx::new(None, 1970);
        decode_line("$ kubectl describe pod api-0", &mut ctx);
        for line in [
            "Name:             api-0",
            "Controlled By:    ReplicaSet/api-7d9f",
            "    Last State:   Terminated",
            "Node-Selectors:   <none>",
            "Events:           <none>",
        ] {
            let r = decode_line(line, &mut ctx).expect("a record");
            assert_eq!(r.format, Format::KubectlDescribe, "{line}");
        }
        let r = decode_line("2024-06-12T14:03:22Z ERROR request failed", &mut ctx);
        assert_ne!(r.map(|r| r.format), Some(Format::KubectlDescribe));
        assert!(ctx.describe.is_none());
    }

    #[test]
    fn a_describe_command_names_its_object_with_flags_anywhere() {
        assert_eq!(
            described("kubectl -n shop describe pod api-7d9f8b6c5d-x2k4p | grep -E 'Reason'"),
            Some("api-7d9f8b6c5d-x2k4p".into())
        );
        assert_eq!(
            described("kubectl describe pod/db-0 -n data"),
            Some("db-0".into())
        );
        assert_eq!(described("kubectl describe nodes"), Some(String::new()));
        assert_eq!(described("kubectl -n shop get pods"), None);
        assert_eq!(described("helm list"), None);
        // The lines after a filtered describe are about the object it named.
        let mut ctx = Ctx::new(None, 1970);
        decode_line(
            "$ kubectl -n shop describe pod api-7d9f8b6c5d-x2k4p | grep Reason",
            &mut ctx,
        );
        let r = decode_line("      Reason:       OOMKilled", &mut ctx).unwrap();
        assert_eq!(r.entities.pod.as_deref(), Some("api-7d9f8b6c5d-x2k4p"));
        assert_eq!(r.entities.k8s_reason.as_deref(), Some("OOMKilled"));
    }

    #[test]
    fn hand_aligned_rows_one_off_keep_their_cells_apart() {
        let cols = header_cols("NAME                            READY   STATUS    RESTARTS   AGE");
        // Each value starts one column left of its header (rows pasted and re-aligned by hand).
        let row = "api-5f8d6c7b9-t2qnk            1/1    Running   2 (5m ago)  42m";
        let row = Row::new(row, &cols);
        assert_eq!(row.cell("NAME"), Some("api-5f8d6c7b9-t2qnk"));
        assert_eq!(row.cell("READY"), Some("1/1"));
        assert_eq!(row.cell("STATUS"), Some("Running"));
        // A name wider than its column keeps all of itself.
        let cols = header_cols("NAME    READY   STATUS");
        let row = "api-5f8d6c7b9-t2qnk 1/1 Running";
        assert_eq!(
            Row::new(row, &cols).cell("NAME"),
            Some("api-5f8d6c7b9-t2qnk")
        );
    }

    #[test]
    fn get_pods_rows() {
        let mut ctx = Ctx::new(None, 1970);
        let h = "NAME                        READY   STATUS             RESTARTS      AGE";
        assert_eq!(
            decode_line(h, &mut ctx).unwrap().format,
            Format::KubectlPods
        );
        let r = decode_line(
            "offerssvc-74c7f4c787-8g8cs  0/1     CrashLoopBackOff   5 (2m ago)    30s",
            &mut ctx,
        )
        .unwrap();
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(
            r.entities.pod.as_deref(),
            Some("offerssvc-74c7f4c787-8g8cs")
        );
        assert_eq!(r.entities.k8s_reason.as_deref(), Some("CrashLoopBackOff"));
    }

    #[test]
    fn get_events_rows() {
        let mut ctx = Ctx::new(None, 1970);
        let h = "LAST SEEN   TYPE      REASON             OBJECT                      MESSAGE";
        decode_line(h, &mut ctx).unwrap();
        let l = "46m         Warning   FailedScheduling   pod/offerssvc-55f4-q5r4z    0/4 nodes are available";
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlEvents);
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(
            r.entities.k8s_object.as_deref(),
            Some("pod/offerssvc-55f4-q5r4z")
        );
        assert_eq!(r.message_text(l), "0/4 nodes are available");
    }

    /// A reason as wide as its column leaves one space before the object; rows with no header
    /// before them (cut off, or a paste turned newest-first) are still event rows.
    #[test]
    fn event_rows_without_a_header_read_word_by_word() {
        let mut ctx = Ctx::new(None, 1970);
        let l = "14m         Warning   Unhealthy pod/web-0   Readiness probe failed: HTTP 503";
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlEvents);
        assert_eq!(r.level, Some(Level::Warn));
        assert_eq!(r.entities.k8s_reason.as_deref(), Some("Unhealthy"));
        assert_eq!(r.entities.pod.as_deref(), Some("web-0"));
        assert_eq!(r.message_text(l), "Readiness probe failed: HTTP 503");
        let l = "2m30s   Normal   Pulled   pod/web-0   Container image already present";
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlEvents);
        assert_eq!(r.level, Some(Level::Info));
        // Not an age, not a type, or no object: not an event row.
        for l in [
            "web-0   Warning   Unhealthy   pod/web-0   probe failed",
            "14m   Fatal   Unhealthy   pod/web-0   probe failed",
            "14m   Warning   Unhealthy   web-0   probe failed",
        ] {
            let r = decode_line(l, &mut ctx);
            assert!(r.is_none_or(|r| r.format != Format::KubectlEvents), "{l}");
        }
    }

    /// Bug (newest-first paste): event rows that came right after a `get pods` table read as
    /// pods named `14m`. A pod row's READY cell is a count like `0/1`.
    #[test]
    fn an_event_row_under_a_pods_table_is_not_a_pod() {
        let mut ctx = Ctx::new(None, 1970);
        decode_line(
            "NAME          READY   STATUS             RESTARTS      AGE",
            &mut ctx,
        );
        let pod = "web-0   0/1     CrashLoopBackOff   6 (98s ago)   21d";
        let r = decode_line(pod, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlPods);
        let l = "14m         Warning   Unhealthy pod/web-0   Readiness probe failed";
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlEvents);
        assert_eq!(r.entities.pod.as_deref(), Some("web-0"));
    }

    #[test]
    fn cri_partial_and_timestamps_prefix() {
        let mut ctx = Ctx::new(None, 1970);
        let r = decode_line(
            "2016-10-06T00:17:09.669794202Z stdout P part one ",
            &mut ctx,
        )
        .unwrap();
        assert_eq!(r.format, Format::Cri);
        assert!(r.partial);
        let l = "2026-01-13T15:00:18.915573949+08:00 info: Microsoft.Hosting.Lifetime[14]";
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.level, Some(Level::Info));
        assert_eq!(r.time.unwrap().0, 1_768_287_618_915_573_949);
        let r = decode_line(
            "2026-01-13T15:00:18.915617672+08:00       Now listening on: http://[::]:7070",
            &mut ctx,
        )
        .unwrap();
        assert!(r.continuation);
    }

    #[test]
    fn prefix_then_inner_json() {
        let mut ctx = Ctx::new(None, 1970);
        let l = r#"[pod/cart-7d9f/server] {"level":"error","msg":"redis down","ts":"2024-01-01T00:00:00Z"}"#;
        let r = decode_line(l, &mut ctx).unwrap();
        assert_eq!(r.format, Format::KubectlPrefix);
        assert_eq!(r.level, Some(Level::Error));
        assert_eq!(r.entities.pod.as_deref(), Some("cart-7d9f"));
        assert_eq!(r.message_text(l), "redis down");
    }
}
