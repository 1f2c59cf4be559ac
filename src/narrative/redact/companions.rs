//! What travels with a card number in one record. Payment data is passed as the number, its
//! expiry and its security code (CVV2/CVC2/CID: 3 digits, 4 on American Express), in that
//! order, as the arguments of a call (`Charge("4111…", "12/27", "123")`), the items of a tuple
//! or the cells of a row. The code is masked when it follows the number in the same list,
//! written as the number is (both quoted), or after an expiry (`MM/YY`, `MM/YYYY`).
//!
//! A bare 3-digit cell right after a bare number is not enough: `4111…,100,USD` is an amount.

use super::{SecretKind, Span};

/// The security codes that follow the card numbers `cards` (spans of `line`) in their list.
pub(crate) fn security_codes(line: &str, cards: &[Span], out: &mut Vec<Span>) {
    for card in cards.iter().filter(|c| c.kind == SecretKind::Card) {
        if let Some(sp) = after_card(line, card.start, card.end) {
            out.push(sp);
        }
    }
}

/// The code after the card number at `s..e`, if the list goes on with one.
fn after_card(line: &str, s: usize, e: usize) -> Option<Span> {
    let b = line.as_bytes();
    let quote = s
        .checked_sub(1)
        .map(|i| b[i])
        .filter(|&q| matches!(q, b'"' | b'\''));
    let mut at = e;
    if let Some(q) = quote {
        if b.get(at) != Some(&q) {
            return None;
        }
        at += 1;
    }
    let mut expiry_seen = false;
    // At most two items: an optional expiry, then the code.
    for _ in 0..2 {
        let item = next_item(b, at)?;
        let text = &line[item.start..item.end];
        if expiry(text) && !expiry_seen {
            expiry_seen = true;
            at = item.after;
            continue;
        }
        let same_quoting = quote.is_some() && item.quote == quote;
        let digits = (3..=4).contains(&text.len()) && text.bytes().all(|c| c.is_ascii_digit());
        return (digits && (same_quoting || expiry_seen))
            .then(|| Span::new(item.start, item.end, SecretKind::Card));
    }
    None
}

/// One list item: its text (inside its quotes), its quote, and where the item ends.
struct Item {
    start: usize,
    end: usize,
    quote: Option<u8>,
    after: usize,
}

/// The item after the `,` at `at` (blanks allowed around it): a quoted string or a bare run
/// of digits and `/`, followed by the end of the item (`,` `)` `}` `]`, a blank, the end).
fn next_item(b: &[u8], mut at: usize) -> Option<Item> {
    at = skip_blanks(b, at);
    if b.get(at) != Some(&b',') {
        return None;
    }
    at = skip_blanks(b, at + 1);
    let quote = b.get(at).copied().filter(|&q| matches!(q, b'"' | b'\''));
    if quote.is_some() {
        at += 1;
    }
    let start = at;
    while at < b.len() && (b[at].is_ascii_digit() || b[at] == b'/') {
        at += 1;
    }
    let end = at;
    if let Some(q) = quote {
        if b.get(at) != Some(&q) {
            return None;
        }
        at += 1;
    }
    let closes = b
        .get(at)
        .is_none_or(|c| matches!(c, b',' | b')' | b'}' | b']' | b' ' | b'\t' | b';'));
    (end > start && closes).then_some(Item {
        start,
        end,
        quote,
        after: at,
    })
}

fn skip_blanks(b: &[u8], mut at: usize) -> usize {
    while matches!(b.get(at), Some(b' ' | b'\t')) {
        at += 1;
    }
    at
}

/// A card's expiry: `MM/YY` or `MM/YYYY`, month 01-12.
fn expiry(t: &str) -> bool {
    let Some((m, y)) = t.split_once('/') else {
        return false;
    };
    let month = m.len() == 2 && m.parse::<u8>().is_ok_and(|n| (1..=12).contains(&n));
    month && matches!(y.len(), 2 | 4) && y.bytes().all(|c| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn codes(line: &str, card: &str) -> Vec<String> {
        let s = line.find(card).expect("card in line");
        let cards = [Span::new(s, s + card.len(), SecretKind::Card)];
        let mut out = Vec::new();
        security_codes(line, &cards, &mut out);
        out.iter()
            .map(|sp| line[sp.start..sp.end].to_string())
            .collect()
    }

    #[test]
    fn the_code_after_a_card_in_the_same_list() {
        let pan = "5500005555555559";
        assert_eq!(codes(&format!(r#"pay("{pan}", "321")"#), pan), ["321"]);
        assert_eq!(
            codes(&format!("charge('{pan}','12/29','7788')"), pan),
            ["7788"]
        );
        assert_eq!(codes(&format!("{pan},03/2031,456,EUR"), pan), ["456"]);
        assert_eq!(codes(&format!("[{pan}, 11/30, 999]"), pan), ["999"]);
    }

    #[test]
    fn amounts_counts_and_other_items_stay() {
        let pan = "5500005555555559";
        for line in [
            format!("{pan},100,USD"),
            format!(r#"pay("{pan}", 250)"#),
            format!(r#"pay("{pan}", "12345")"#),
            format!(r#"{{"pan":"{pan}","cvv":"123"}}"#),
            format!(r#"pay("{pan}", "13/29", "123")"#),
        ] {
            assert!(codes(&line, pan).is_empty(), "{line}");
        }
    }
}
