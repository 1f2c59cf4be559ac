//! Stream label sets: the `{name="value", ...}` that Loki's `logcli query` (and Promtail-style
//! exports) write between a line's time and the line itself, `TS {app="api", pod="api-1"} line`.
//! The labels say which stream the line came from, so they name its service, pod, container,
//! namespace and host; the line after them is decoded again (JSON, logfmt, a classic header).
//!
//! Promises: only a brace block of `name="value"` pairs (Prometheus label syntax, `\"` escapes)
//! is a label set; anything else (a JSON object, a Go struct print) is left to other readers.

use crate::ingest::Entities;

/// Label names that name the service a stream belongs to, most specific first.
const SERVICE_LABELS: &[&str] = &[
    "service_name",
    "service",
    "app_kubernetes_io_name",
    "app",
    "job",
    "container",
];

/// The labels of a set at the start of `s`, and the byte length of the set with the one space
/// after it. `None` when `s` does not start with a label set.
pub(crate) fn label_set(s: &str) -> Option<(Vec<(&str, String)>, usize)> {
    let b = s.as_bytes();
    if b.first() != Some(&b'{') {
        return None;
    }
    let mut i = 1;
    let mut labels = Vec::new();
    loop {
        while b.get(i) == Some(&b' ') {
            i += 1;
        }
        if b.get(i) == Some(&b'}') && !labels.is_empty() {
            i += 1;
            break;
        }
        let start = i;
        while b
            .get(i)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            i += 1;
        }
        if i == start || b.get(i) != Some(&b'=') || b.get(i + 1) != Some(&b'"') {
            return None;
        }
        let name = &s[start..i];
        let (value, used) = quoted(&s[i + 1..])?;
        labels.push((name, value));
        i += 1 + used;
        match b.get(i) {
            Some(b',') => i += 1,
            Some(b'}') => {}
            _ => return None,
        }
    }
    match b.get(i) {
        Some(b' ') => Some((labels, i + 1)),
        None => Some((labels, i)),
        _ => None,
    }
}

/// A double-quoted value with `\` escapes at the start of `s`: (value, bytes used).
fn quoted(s: &str) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((k, c)) = chars.next() {
        match c {
            '"' => return Some((out, k + 1)),
            '\\' => out.push(chars.next()?.1),
            c => out.push(c),
        }
    }
    None
}

/// The service the labels name, if any.
pub(crate) fn service(labels: &[(&str, String)]) -> Option<String> {
    SERVICE_LABELS.iter().find_map(|want| {
        labels
            .iter()
            .find(|(n, v)| n == want && !v.is_empty())
            .map(|(_, v)| v.clone())
    })
}

/// Puts what the labels say about the stream's origin into `e`.
pub(crate) fn fill(labels: &[(&str, String)], e: &mut Entities) {
    for (name, value) in labels {
        let slot = match *name {
            "pod" | "pod_name" => &mut e.pod,
            "container" | "container_name" => &mut e.container,
            "namespace" | "k8s_namespace_name" => &mut e.namespace,
            "host" | "hostname" | "node_name" | "instance" => &mut e.host,
            _ => continue,
        };
        if slot.is_none() && !value.is_empty() {
            *slot = Some(value.as_str().into());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_logcli_label_set_is_read_with_its_length() {
        let line = r#"{app="api", namespace="shop", pod="api-7d9f8b6c5d-x2k4p"} level=info msg=ok"#;
        let (labels, n) = label_set(line).expect("labels");
        assert_eq!(&line[n..], "level=info msg=ok");
        assert_eq!(service(&labels).as_deref(), Some("api"));
        let mut e = Entities::default();
        fill(&labels, &mut e);
        assert_eq!(e.pod.as_deref(), Some("api-7d9f8b6c5d-x2k4p"));
        assert_eq!(e.namespace.as_deref(), Some("shop"));
    }

    #[test]
    fn escaped_quotes_stay_inside_a_value() {
        let (labels, _) = label_set(r#"{job="a \"b\" c",filename="/var/log/x.log"} m"#).unwrap();
        assert_eq!(labels[0].1, "a \"b\" c");
        assert_eq!(service(&labels).as_deref(), Some("a \"b\" c"));
    }

    #[test]
    fn json_objects_and_struct_prints_are_not_label_sets() {
        assert!(label_set(r#"{"level":"info","msg":"x"}"#).is_none());
        assert!(label_set("{Name:x Age:3} rest").is_none());
        assert!(label_set("{} rest").is_none());
        assert!(label_set(r#"{app="x" rest"#).is_none());
    }
}
