//! SWIFT MT customer transfers (MT103, MT202 COV): the ordering customer (`:50K:`, `:50F:`)
//! and the beneficiary (`:59:`, `:59F:`) are an optional `/account` line, then up to four
//! lines of 35 characters with the party's name and address. Those lines are personal as a
//! whole; the account on the tag's own line is left to the IBAN rules, and every other field
//! (references, BICs, amounts) stays.

use super::{SecretKind, Span};

/// How many name-and-address lines of a party field may still follow.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct Party {
    left: u8,
}

impl Party {
    /// Masks `line` when it continues a party field; notes a party tag for the next lines.
    pub(crate) fn line(&mut self, line: &str, out: &mut Vec<Span>) {
        let t = line.trim();
        // Cheap gate: no party open and no field tag on this line.
        if self.left == 0 && !t.starts_with(':') {
            return;
        }
        if t.starts_with(':') || t.starts_with('-') || t.is_empty() {
            self.left = 0;
            if [":50K:", ":50F:", ":59:", ":59F:"]
                .iter()
                .any(|p| t.starts_with(p))
            {
                self.left = 4;
            }
            return;
        }
        self.left -= 1;
        // A line of 35 characters at most, as the field's format allows.
        if t.chars().count() <= 35 {
            let s = line.len() - line.trim_start().len();
            out.push(Span::new(s, s + t.len(), SecretKind::Personal));
        } else {
            self.left = 0;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn party_lines_after_their_tag() {
        let msg = [
            ":20:REF12345",
            ":50K:/DE89370400440532013000",
            "JANE ROE",
            "1 MAIN ST",
            ":59:/GB82WEST12345698765432",
            "JOHN DOE",
            ":70:INVOICE 7",
            "-}",
        ];
        let mut p = Party::default();
        let mut masked = Vec::new();
        for line in msg {
            let mut out = Vec::new();
            p.line(line, &mut out);
            masked.extend(out.iter().map(|s| &line[s.start..s.end]));
        }
        assert_eq!(masked, ["JANE ROE", "1 MAIN ST", "JOHN DOE"]);
    }
}
