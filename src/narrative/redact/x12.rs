//! ASC X12 health-care transactions (837, 270/271, 834), read by position: segments end with
//! `~`, elements are split by `*`, numbered from 1 after the segment id. A person's name and
//! member id (`NM1` with entity type `1`: elements 3-5, and 9 under a person-id qualifier),
//! street lines (`N3`), birth date (`DMG` in format `D8`) and person reference numbers (`REF`
//! with an SSN, member, policy, record or account qualifier) are masked; organisation names,
//! provider ids (`XX` NPI), envelope control numbers and dates stay.

use super::{SecretKind, Span};

/// Spans of personal elements in the X12 segments of `line` (one or several segments).
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let t = line.trim_start();
    // Cheap gate: the line opens with a segment id (2-3 capitals or digits) and `*`.
    let b = t.as_bytes();
    let id_len = b
        .iter()
        .take(4)
        .take_while(|c| c.is_ascii_alphanumeric())
        .count();
    if !(2..=3).contains(&id_len) || b.get(id_len) != Some(&b'*') || !b[0].is_ascii_uppercase() {
        return;
    }
    let mut at = line.len() - t.len();
    for seg in t.split('~') {
        segment(seg, at, out);
        at += seg.len() + 1;
    }
}

/// One segment starting at byte `at` (leading line breaks or spaces skipped).
fn segment(seg: &str, at: usize, out: &mut Vec<Span>) {
    let lead = seg.len() - seg.trim_start().len();
    let mut els: Vec<(usize, &str)> = Vec::new();
    let mut s = at + lead;
    for e in seg[lead..].split('*') {
        els.push((s, e));
        s += e.len() + 1;
    }
    let el = |n: usize| els.get(n).map_or("", |x| x.1);
    let mut push = |n: usize, kind: SecretKind| {
        if let Some(&(s, e)) = els.get(n).filter(|x| !x.1.trim().is_empty()) {
            out.push(Span::new(s, s + e.len(), kind));
        }
    };
    match el(0) {
        // NM1-02 `1` is a person; NM1-08 `MI` member id, `II` health identifier, `34` SSN.
        "NM1" if el(2) == "1" => {
            (3..=5).for_each(|n| push(n, SecretKind::Personal));
            if matches!(el(8), "MI" | "II" | "34") {
                push(9, SecretKind::Id);
            }
        }
        "N3" => (1..=2).for_each(|n| push(n, SecretKind::Personal)),
        "DMG" if el(1) == "D8" => push(2, SecretKind::Personal),
        // SY SSN, 1W member id, IG policy, EA medical record, 0F subscriber, EJ account.
        "REF" if matches!(el(1), "SY" | "1W" | "IG" | "EA" | "0F" | "EJ") => {
            push(2, SecretKind::Id)
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn person_elements_by_position() {
        assert_eq!(
            masked_by(find, "NM1*QC*1*DOE*JOHN*A***MI*ABC123456~"),
            ["DOE", "JOHN", "A", "ABC123456"]
        );
        assert_eq!(
            masked_by(
                find,
                "N3*12 MAIN ST~N4*ANYTOWN*CA*90210~DMG*D8*19700101*M~REF*SY*123456789~"
            ),
            ["12 MAIN ST", "19700101", "123456789"]
        );
    }

    #[test]
    fn organisations_and_control_numbers_stay() {
        for line in [
            "NM1*85*2*GENERAL CLINIC*****XX*1234567893~",
            "NM1*PR*2*PAYER CO*****PI*12345~",
            "ISA*00*          *00*          *ZZ*SENDER *ZZ*RECEIVER *240101*1200*^*00501*000000001*0*P*:~",
            "REF*EI*123456789~",
            "ST*837*0001*005010X222A1~",
        ] {
            assert!(masked_by(find, line).is_empty(), "{line}");
        }
    }
}
