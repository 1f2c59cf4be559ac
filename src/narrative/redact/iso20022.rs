//! ISO 20022 payment messages (pain.001, pacs.008, camt): the name of a debtor, creditor or
//! ultimate party (`<Dbtr><Nm>…</Nm>`) and postal address lines and street names
//! (`<AdrLine>`, `<StrtNm>`) are personal; message ids, BICs, amounts and the initiating
//! party's name stay.

use super::needle::{needle, Needle};
use super::{SecretKind, Span};
use regex::Regex;
use std::sync::OnceLock;

/// Spans of party names and address lines in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    static NAME: Needle = needle!("<Nm>");
    static ADR: Needle = needle!("<AdrLine>");
    static STREET: Needle = needle!("<StrtNm>");
    if memchr::memchr(b'<', line.as_bytes()).is_none()
        || !(NAME.is_in(line) || ADR.is_in(line) || STREET.is_in(line))
    {
        return;
    }
    static RE: OnceLock<Regex> = OnceLock::new();
    let re = RE.get_or_init(|| {
        Regex::new(
            r"<(?:Ultmt)?(?:Dbtr|Cdtr)>\s*<Nm>([^<]+)</Nm>|<AdrLine>([^<]+)</AdrLine>|<StrtNm>([^<]+)</StrtNm>",
        )
        .expect("iso 20022 regex")
    });
    for c in re.captures_iter(line) {
        if let Some(m) = (1..=3).find_map(|g| c.get(g)) {
            out.push(Span::new(m.start(), m.end(), SecretKind::Personal));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn party_names_and_address_lines() {
        let line = "<InitgPty><Nm>Widget Corp</Nm></InitgPty><Cdtr><Nm>Jan Kowal</Nm><PstlAdr><StrtNm>Main St</StrtNm><AdrLine>5 Oak Ave</AdrLine></PstlAdr></Cdtr><UltmtDbtr><Nm>Eve Park</Nm></UltmtDbtr>";
        assert_eq!(
            masked_by(find, line),
            ["Jan Kowal", "Main St", "5 Oak Ave", "Eve Park"]
        );
    }
}
