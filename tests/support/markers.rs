//! Labelled secrets corpora: `⟦S:kind:value⟧` marks a secret, `⟦K:value⟧` a token that must
//! be kept; both become plain `value` in the text, with their byte ranges recorded.
#![allow(dead_code)] // each test uses the parts it needs

pub struct Line {
    pub text: String,
    /// `(kind, start, end)` of each secret in `text`.
    pub secrets: Vec<(String, usize, usize)>,
    /// `(start, end)` of each must-keep token in `text`.
    pub keep: Vec<(usize, usize)>,
}

pub fn parse(raw: &str) -> Line {
    let mut text = String::new();
    let mut secrets = Vec::new();
    let mut keep = Vec::new();
    let mut rest = raw;
    while let Some(i) = rest.find('⟦') {
        text.push_str(&rest[..i]);
        let after = &rest[i + '⟦'.len_utf8()..];
        let end = after.find('⟧').expect("closed marker");
        let inner = &after[..end];
        let start = text.len();
        if let Some(v) = inner.strip_prefix("K:") {
            text.push_str(v);
            keep.push((start, text.len()));
        } else {
            let (kind, v) = inner
                .strip_prefix("S:")
                .and_then(|s| s.split_once(':'))
                .expect("S:kind:value");
            text.push_str(v);
            secrets.push((kind.to_string(), start, text.len()));
        }
        rest = &after[end + '⟧'.len_utf8()..];
    }
    text.push_str(rest);
    Line {
        text,
        secrets,
        keep,
    }
}

/// Byte ranges of `input` that a redacted `output` replaced with placeholders (`<KIND_n>`):
/// the literal text between placeholders is matched leftmost in order.
pub fn masked_ranges(input: &str, output: &str) -> Vec<(usize, usize)> {
    let re = regex::Regex::new(r"<[A-Z]+_\d+>").unwrap();
    let mut literals = Vec::new();
    let mut at = 0;
    for m in re.find_iter(output) {
        literals.push(&output[at..m.start()]);
        at = m.end();
    }
    literals.push(&output[at..]);
    if literals.len() == 1 {
        return Vec::new();
    }
    let mut ranges = Vec::new();
    // The first literal is a prefix of the input, the last a suffix; the middle ones in order.
    let mut pos = literals[0].len();
    let last = literals.len() - 1;
    let tail_start = input.len().saturating_sub(literals[last].len());
    for lit in &literals[1..last] {
        let found = if lit.is_empty() {
            // Two placeholders side by side: the gap ends where the next literal starts.
            None
        } else {
            input[pos..].find(lit).map(|i| pos + i)
        };
        match found {
            Some(i) => {
                ranges.push((pos, i));
                pos = i + lit.len();
            }
            None if lit.is_empty() => {}
            None => {
                ranges.push((pos, input.len()));
                return ranges;
            }
        }
    }
    ranges.push((pos, tail_start.max(pos)));
    ranges.retain(|&(s, e)| s < e);
    ranges
}
