//! Multipart form bodies (RFC 7578, `multipart/form-data`), printed as they travel: each part
//! opens with `Content-Disposition: form-data; name="field"`, may have more headers
//! (`Content-Type:`), then a blank line, then the field's value up to the next boundary line
//! (`--boundary`). A part without a `filename` parameter holds a form field's text, so its
//! first body line is masked when the field's name says it is sensitive ([`keys::field`]) and
//! [`fields::masks`] agrees, exactly as `name=value` would be.

use super::fields;
use super::keys::{self, Field};
use super::Span;

/// Where the reader is inside a part whose name is a sensitive field's.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Part {
    /// After the disposition line, before the blank line that ends the part's headers.
    Headers(Field),
    /// The blank line was read: the next line is the value.
    Body(Field),
}

/// Reads one line in state `state`; returns the state for the next line, and pushes the value's
/// span when this line is one.
pub(crate) fn line(state: Option<Part>, line: &str, out: &mut Vec<Span>) -> Option<Part> {
    let t = line.trim();
    match state {
        Some(Part::Headers(f)) if t.is_empty() => return Some(Part::Body(f)),
        Some(Part::Headers(f)) if part_header(t) => return Some(Part::Headers(f)),
        Some(Part::Body(f)) if !t.is_empty() && !t.starts_with("--") => {
            if fields::masks(f, t, "") {
                let s = line.len() - line.trim_start().len();
                out.push(Span::new(s, s + t.len(), f.kind()));
            }
            return None;
        }
        _ => {}
    }
    disposition(t).map(Part::Headers)
}

/// The field a `Content-Disposition: form-data; name="..."` line opens, when sensitive and
/// not a file upload.
fn disposition(t: &str) -> Option<Field> {
    const HEAD: &str = "content-disposition:";
    // One byte test before the prefix comparison: almost no line starts with `C`/`c`.
    if !matches!(t.as_bytes().first(), Some(b'C' | b'c')) || t.len() <= HEAD.len() {
        return None;
    }
    if !t.is_char_boundary(HEAD.len()) || !t[..HEAD.len()].eq_ignore_ascii_case(HEAD) {
        return None;
    }
    let params = t[HEAD.len()..].trim_start();
    if !params.starts_with("form-data") || params.contains("filename") {
        return None;
    }
    let name = params.split(';').find_map(|p| {
        p.trim()
            .strip_prefix("name=")
            .map(|n| n.trim_matches(['"', '\'']))
    })?;
    keys::field(name)
}

/// Another header of the part (`Content-Type: text/plain`): a token, a colon, a value.
fn part_header(t: &str) -> bool {
    t.split_once(':').is_some_and(|(n, _)| {
        !n.is_empty() && n.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The texts masked over `lines`, read in order.
    fn masked(lines: &[&str]) -> Vec<String> {
        let mut state = None;
        let mut got = Vec::new();
        for l in lines {
            let mut out = Vec::new();
            state = line(state, l, &mut out);
            got.extend(out.iter().map(|s| l[s.start..s.end].to_string()));
        }
        got
    }

    #[test]
    fn form_field_values_under_their_part_names() {
        let body = [
            "--XyZ",
            "Content-Disposition: form-data; name=\"api_token\"",
            "",
            "q8Wm2vLz04RkTn7Y",
            "--XyZ",
            "Content-Disposition: form-data; name=\"holder_name\"",
            "Content-Type: text/plain; charset=utf-8",
            "",
            "Maria Lopez",
            "--XyZ",
            "Content-Disposition: form-data; name=\"comment\"",
            "",
            "please call back",
            "--XyZ",
            "Content-Disposition: form-data; name=\"password\"; filename=\"p.txt\"",
            "",
            "binary",
            "--XyZ--",
        ];
        assert_eq!(masked(&body), vec!["q8Wm2vLz04RkTn7Y", "Maria Lopez"]);
    }
}
