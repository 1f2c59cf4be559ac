//! HL7 v2 segments, read by position as the standard defines them: a segment is a line that
//! opens with its three-character id and the field separator `|` (the recommended encoding
//! characters `|^~\&`), fields are numbered from 1 after the id, repetitions split by `~` and
//! components by `^`. The person's identifiers, names, birth date, address and phone numbers
//! in the patient-identity segments (PID, NK1, IN1, GT1, MRG) are masked wherever they stand,
//! whatever they look like; every other segment (PV1 clinicians, OBX results, MSH control
//! ids) and every other field is left alone.

use super::{SecretKind, Span};

/// What an HL7 data type holds, and so which of its components are personal.
#[derive(Clone, Copy)]
enum Part {
    /// CX: component 1 of each repetition is the identifier.
    Ids,
    /// XPN: family, given and middle names (components 1-3).
    Name,
    /// TS/DTM: component 1 is the date (of birth).
    Date,
    /// XAD: street, other designation, city, state, postal code (components 1-5) as one.
    Address,
    /// XTN: the number (1), the e-mail address (4), area code and local number (6, 7) and the
    /// unformatted number (12).
    Phone,
    /// A plain string that is an identifier as a whole (SSN, policy number).
    Whole,
}

/// The personal fields of a segment, by field number (HL7 v2.5.1 chapters 3 and 6).
fn personal_fields(segment: &str) -> &'static [(usize, Part)] {
    use Part::*;
    match segment {
        // 2-4 ids, 5 name, 6 mother's maiden name, 7 birth date, 9 alias, 11 address,
        // 13-14 phones, 19 SSN, 20 driver's licence, 21 mother's id.
        "PID" => &[
            (2, Ids),
            (3, Ids),
            (4, Ids),
            (5, Name),
            (6, Name),
            (7, Date),
            (9, Name),
            (11, Address),
            (13, Phone),
            (14, Phone),
            (19, Whole),
            (20, Ids),
            (21, Ids),
        ],
        // Next of kin: 2 name, 4 address, 5-6 phones, 16 birth date, 33 ids, 37 SSN.
        "NK1" => &[
            (2, Name),
            (4, Address),
            (5, Phone),
            (6, Phone),
            (16, Date),
            (33, Ids),
            (37, Whole),
        ],
        // Insurance: 16 insured's name, 18 birth date, 19 address, 36 policy number,
        // 49 insured's id.
        "IN1" => &[
            (16, Name),
            (18, Date),
            (19, Address),
            (36, Whole),
            (49, Ids),
        ],
        // Guarantor: 3 name, 5 address, 6-7 phones, 8 birth date, 12 SSN.
        "GT1" => &[
            (3, Name),
            (5, Address),
            (6, Phone),
            (7, Phone),
            (8, Date),
            (12, Whole),
        ],
        // Merge: 1 prior patient ids, 7 prior patient name.
        "MRG" => &[(1, Ids), (7, Name)],
        _ => &[],
    }
}

/// Spans of the personal fields of an HL7 v2 segment line.
pub(crate) fn find(line: &str, out: &mut Vec<Span>) {
    let t = line.trim_start();
    let b = t.as_bytes();
    // Cheap gate: `XXX|` at the start, the id a known segment.
    if b.len() < 5 || b[3] != b'|' || !b[0].is_ascii_uppercase() {
        return;
    }
    let wanted = personal_fields(&t[..3]);
    if wanted.is_empty() {
        return;
    }
    let base = line.len() - t.len() + 4;
    let mut at = base;
    for (i, field) in t[4..].split('|').enumerate() {
        if let Some(&(_, part)) = wanted.iter().find(|(n, _)| *n == i + 1) {
            field_spans(field, at, part, out);
        }
        at += field.len() + 1;
    }
}

/// The personal components of one field (each repetition), starting at byte `at`.
fn field_spans(field: &str, at: usize, part: Part, out: &mut Vec<Span>) {
    let mut rep_at = at;
    for rep in field.split('~') {
        let comps = components(rep, rep_at);
        let pick = |n: usize| comps.get(n - 1).copied().filter(|(s, e)| s < e);
        let mut push = |n: usize, kind: SecretKind| {
            if let Some((s, e)) = pick(n) {
                out.push(Span::new(s, e, kind));
            }
        };
        match part {
            Part::Ids => push(1, SecretKind::Id),
            Part::Date => push(1, SecretKind::Personal),
            Part::Name => (1..=3).for_each(|n| push(n, SecretKind::Personal)),
            Part::Phone => {
                for n in [1, 6, 7, 12] {
                    push(n, SecretKind::Phone);
                }
                push(4, SecretKind::Email);
            }
            Part::Whole => {
                if !rep.is_empty() {
                    out.push(Span::new(rep_at, rep_at + rep.len(), SecretKind::Id));
                }
            }
            Part::Address => {
                let filled: Vec<(usize, usize)> = (1..=5).filter_map(pick).collect();
                if let (Some(first), Some(last)) = (filled.first(), filled.last()) {
                    out.push(Span::new(first.0, last.1, SecretKind::Personal));
                }
            }
        }
        rep_at += rep.len() + 1;
    }
}

/// Byte ranges of the `^`-separated components of `rep`, which starts at byte `at`.
fn components(rep: &str, at: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut s = at;
    for c in rep.split('^') {
        out.push((s, s + c.len()));
        s += c.len() + 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::super::masked_by;
    use super::*;

    #[test]
    fn patient_identity_by_field_position() {
        let pid = "PID|1||H12345^^^GENHOSP^MR~998877^^^SSA^SS||Doe&Jr^Jane^Q^^Ms||19800214|F|||12 Elm St^Apt 3^Springfield^IL^62701^USA^H||555-0100^PRN^PH~^NET^Internet^jane@mail.test|||||||123-45-6789";
        assert_eq!(
            masked_by(find, pid),
            [
                "H12345",
                "998877",
                "Doe&Jr",
                "Jane",
                "Q",
                "19800214",
                "12 Elm St^Apt 3^Springfield^IL^62701",
                "555-0100",
                "jane@mail.test",
                "123-45-6789"
            ]
        );
        let nk1 = "NK1|1|Roe^Rick|BRO^Brother|9 Oak Rd^^Shelbyville||555-0199";
        assert_eq!(
            masked_by(find, nk1),
            ["Roe", "Rick", "9 Oak Rd^^Shelbyville", "555-0199"]
        );
    }

    #[test]
    fn other_segments_and_fields_stay() {
        for line in [
            "PV1|1|I|W1^2^3^GENHOSP||||4711^Welby^Marcus^^^Dr|||MED",
            "OBX|1|NM|718-7^Hemoglobin^LN||13.2|g/dL|12-16|N|||F",
            "MSH|^~\\&|ADT|GENHOSP|LAB|GENHOSP|20240101120000||ADT^A04|MSG0001|P|2.5.1",
            "the PID|line in prose",
        ] {
            assert!(masked_by(find, line).is_empty(), "{line}");
        }
    }
}
