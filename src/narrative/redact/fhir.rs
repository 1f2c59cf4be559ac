//! FHIR R4 person resources (`Patient`, `RelatedPerson`, `Person`) in JSON, read by the
//! elements the specification gives them: every `identifier[].value`, `name[].family` and
//! `given[]`, `telecom[].value`, `birthDate` and `address[].line[]` is personal, whatever
//! it looks like. Other resources (Observation, Practitioner...) and the other elements (ids,
//! meta, codings, gender, city text) are left alone.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};

/// Spans of the personal elements of a FHIR person resource written on `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    static RESOURCE: Needle = needle!("\"resourceType\"");
    let Some(at) = RESOURCE.find(line) else {
        return;
    };
    let rest = line[at + 14..].trim_start_matches([':', ' ']);
    let person = ["\"Patient\"", "\"RelatedPerson\"", "\"Person\""];
    if !person.iter().any(|p| rest.starts_with(p)) {
        return;
    }
    for (key, kind) in [
        ("identifier", SecretKind::Id),
        ("telecom", SecretKind::Phone),
    ] {
        for (s, e) in arrays(line, key) {
            strings_after(line, s, e, "\"value\"", kind, out);
        }
    }
    for key in ["given", "line"] {
        for (s, e) in arrays(line, key) {
            strings_in(line, s, e, out);
        }
    }
    for key in ["family", "birthDate"] {
        let pat = format!("\"{key}\"");
        strings_after(line, 0, line.len(), &pat, SecretKind::Personal, out);
    }
}

/// Byte ranges `[`..`]` of the arrays under `"key":` in `line`.
fn arrays(line: &str, key: &str) -> Vec<(usize, usize)> {
    let pat = format!("\"{key}\"");
    let b = line.as_bytes();
    let mut out = Vec::new();
    for (i, _) in line.match_indices(&pat) {
        let mut j = i + pat.len();
        while j < b.len() && matches!(b[j], b' ' | b':') {
            j += 1;
        }
        if b.get(j) == Some(&b'[') {
            out.push((j, close_of(b, j)));
        }
    }
    out
}

/// The index of the bracket closing the one at `open` (strings skipped), or the line's end.
fn close_of(b: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i < b.len() {
        match b[i] {
            b'"' => i = string_end(b, i + 1),
            b'[' | b'{' => depth += 1,
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    b.len()
}

/// The index of the quote ending the string whose contents start at `s`.
fn string_end(b: &[u8], s: usize) -> usize {
    let mut j = s;
    while j < b.len() && b[j] != b'"' {
        j += if b[j] == b'\\' { 2 } else { 1 };
    }
    j.min(b.len())
}

/// Every string value directly in `line[s..e]` (an array of strings).
fn strings_in(line: &str, s: usize, e: usize, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let mut i = s;
    while i < e {
        if b[i] == b'"' {
            let end = string_end(b, i + 1);
            if end > i + 1 {
                out.push(Span::new(i + 1, end, SecretKind::Personal));
            }
            i = end;
        }
        i += 1;
    }
}

/// The string value after each `key` (`"key":"value"`) in `line[s..e]`.
fn strings_after(line: &str, s: usize, e: usize, key: &str, kind: SecretKind, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    for (i, _) in line[s..e].match_indices(key) {
        let mut j = s + i + key.len();
        while j < e && matches!(b[j], b' ' | b':') {
            j += 1;
        }
        if b.get(j) != Some(&b'"') {
            continue;
        }
        let end = string_end(b, j + 1);
        if end > j + 1 {
            let v = &line[j + 1..end];
            let kind = if v.contains('@') {
                SecretKind::Email
            } else {
                kind
            };
            out.push(Span::new(j + 1, end, kind));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn person_elements_of_a_patient() {
        let line = r#"{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:x","value":"A-77"}],"name":[{"family":"Roe","given":["Ann","B"]}],"telecom":[{"system":"phone","value":"555 0100"}],"gender":"female","birthDate":"1990-02-03","address":[{"line":["1 High St"],"city":"Town"}]}"#;
        let got = masked_by(find, line);
        for want in [
            "A-77",
            "555 0100",
            "Ann",
            "B",
            "1 High St",
            "Roe",
            "1990-02-03",
        ] {
            assert!(got.contains(&want), "{want} in {got:?}");
        }
        assert!(!got.contains(&"p1") && !got.contains(&"Town") && !got.contains(&"female"));
    }

    #[test]
    fn other_resources_stay() {
        let line = r#"{"resourceType":"Observation","id":"o1","identifier":[{"value":"LAB-1"}],"subject":{"reference":"Patient/p1"}}"#;
        assert!(masked_by(find, line).is_empty());
    }
}
