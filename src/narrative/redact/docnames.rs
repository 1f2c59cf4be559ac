//! File names of personal documents: a scan, a payslip or a bank form is often named after
//! its person (`Ana_Ruiz_payslip_2024-04.pdf`, `passport_X1234567.pdf`,
//! `bank_<IBAN>.pdf`). A file name whose `_`-separated words include a document word
//! (passport, id, payslip, payroll, kyc, bank, contract, ...) and whose extension is a
//! document's or a picture's has its person's name (two to four capitalised words) and its
//! numbers with six digits or more (not dates) masked; the rest of the path stays.

use super::{fields, ids, SecretKind, Span};

/// Extensions of documents and scans (lowercase, without the dot).
const EXTENSIONS: &[&[u8]] = &[
    b"pdf", b"jpg", b"jpeg", b"png", b"tif", b"tiff", b"heic", b"doc", b"docx", b"odt", b"gif",
    b"bmp", b"webp",
];

/// Words that say a file is about one person.
const DOCUMENT_WORDS: &[&str] = &[
    "passport", "id", "idcard", "kyc", "payslip", "payroll", "salary", "bank", "iban", "contract",
    "cv", "resume", "visa", "licence", "ssn", "tax", "w2", "selfie", "birth",
];

/// Spans of names and ids in the file names of personal documents in `line`.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    // Each `.` followed by a document extension (few dots on a line; no search otherwise).
    for dot in memchr::memchr_iter(b'.', b) {
        let ext_end = b[dot + 1..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |i| dot + 1 + i);
        let ext = &b[dot + 1..ext_end];
        if EXTENSIONS.iter().any(|e| e.eq_ignore_ascii_case(ext)) {
            // The file name's start, only for a document's extension (lines have many dots).
            let start = line[..dot]
                .rfind([
                    '/', '\\', ' ', '"', '\'', ',', '=', '\t', '(', '[', '<', '>',
                ])
                .map_or(0, |i| i + 1);
            stem(line, start, dot, out);
        }
    }
}

fn stem(line: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    let s = &line[start..end];
    if !s.contains('_') {
        return;
    }
    let words: Vec<(usize, &str)> = s
        .split('_')
        .scan(start, |at, w| {
            let here = *at;
            *at += w.len() + 1;
            Some((here, w))
        })
        .collect();
    if !words
        .iter()
        .any(|(_, w)| DOCUMENT_WORDS.iter().any(|d| w.eq_ignore_ascii_case(d)))
    {
        return;
    }
    let mut i = 0;
    while i < words.len() {
        // A person's name: the longest run of two to four capitalised words (or particles).
        let run = (2..=4).rev().filter(|n| i + n <= words.len()).find(|&n| {
            let joined: Vec<&str> = words[i..i + n].iter().map(|(_, w)| *w).collect();
            fields::person_name(&joined.join(" "))
        });
        if let Some(n) = run {
            let (s0, _) = words[i];
            let (sl, wl) = words[i + n - 1];
            out.push(Span::new(s0, sl + wl.len(), SecretKind::Personal));
            i += n;
            continue;
        }
        let (at, w) = words[i];
        if let Some(kind) = number(w) {
            out.push(Span::new(at, at + w.len(), kind));
        }
        i += 1;
    }
}

/// A word of a document's file name that is its number: an IBAN, or letters, digits and
/// `.`/`-` with six digits or more that is not a date (`2024-04`, `20240501`).
fn number(w: &str) -> Option<SecretKind> {
    let digits = w.bytes().filter(u8::is_ascii_digit).count();
    if digits < 6
        || !w
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'.' | b'-'))
    {
        return None;
    }
    if ids::iban(w) {
        return Some(SecretKind::Iban);
    }
    let d = ids::digits_of(w);
    let year = |i: usize| matches!(d[i] * 10 + d[i + 1], 19 | 20);
    let month = |i: usize| (1..=12).contains(&(d[i] * 10 + d[i + 1]));
    let all_digits_or_dashes = w.bytes().all(|c| c.is_ascii_digit() || c == b'-');
    let date = all_digits_or_dashes && matches!(d.len(), 6 | 8 | 12 | 14) && year(0) && month(4);
    (!date).then_some(SecretKind::Id)
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    fn masked(line: &str) -> Vec<&str> {
        masked_by(find, line)
    }

    #[test]
    fn names_and_numbers_in_a_personal_documents_file_name() {
        assert_eq!(
            masked("upload /home/scans/Ana_Ruiz_X1234567_id.png done"),
            ["Ana_Ruiz", "X1234567"]
        );
        assert_eq!(
            masked(r#""PUT /in/payslip_2023-11_Marta_de_la_Fuente.pdf" 201"#),
            ["Marta_de_la_Fuente"]
        );
        assert_eq!(
            masked("/docs/bank_GB82WEST12345698765432.pdf"),
            ["GB82WEST12345698765432"]
        );
        assert_eq!(masked("kyc/passport_K1234567.JPG,ok"), ["K1234567"]);
        // Dates stay; so do files that are not about a person.
        assert!(masked("/srv/payroll_20231130_export.pdf").is_empty());
        assert!(masked("/srv/Release_Notes_1.2.3.pdf").is_empty());
        assert!(masked("/srv/Quarterly_Report_Q3_202311.pdf").is_empty());
        assert!(masked("/srv/Ana_Ruiz_id.txt").is_empty());
    }
}
