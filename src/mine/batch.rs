//! Masking as a pure step apart from the Drain tree: the masked form of a run of messages,
//! packed in one buffer, so runs can be masked at once (by any runner) and then fed to the tree
//! in input order. Masking one message depends on nothing but that message, so how the
//! messages are cut into runs never changes what the tree sees.

use super::mask::{mask_into, Masked};

/// Masked messages, in order: texts back to back in one buffer, token ranges relative to
/// each message's own text.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    text: String,
    spans: Vec<(u32, u32)>,
    /// End of each message in `text` and in `spans`.
    ends: Vec<(u32, u32)>,
}

impl Batch {
    /// Masks every message of `messages` in order. `bytes`: about how many bytes the
    /// messages hold, to size the buffer once instead of growing it by copies.
    pub(crate) fn mask<'a>(
        messages: impl ExactSizeIterator<Item = &'a str>,
        bytes: usize,
    ) -> Batch {
        let mut b = Batch::default();
        // A masked message is about as long as the message (a wildcard stands for a value).
        b.text.reserve(bytes + bytes / 8);
        b.spans.reserve(bytes / 6);
        b.ends.reserve_exact(messages.len());
        let mut one = Masked::default();
        for m in messages {
            mask_into(m, &mut one);
            b.text.push_str(&one.text);
            b.spans.extend_from_slice(&one.spans);
            b.ends.push((b.text.len() as u32, b.spans.len() as u32));
        }
        b
    }

    /// Messages in the batch.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Each message's masked text and token ranges, in order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (&str, &[(u32, u32)])> + '_ {
        let starts = std::iter::once((0, 0)).chain(self.ends.iter().copied());
        starts.zip(&self.ends).map(|((t0, s0), &(t1, s1))| {
            (
                &self.text[t0 as usize..t1 as usize],
                &self.spans[s0 as usize..s1 as usize],
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_holds_what_masking_each_message_alone_gives() {
        let msgs = ["user alice logged in from 10.0.0.1", "", "took 12 ms,", "x"];
        let b = Batch::mask(msgs.iter().copied(), 0);
        let got: Vec<(String, Vec<(u32, u32)>)> =
            b.iter().map(|(t, s)| (t.to_string(), s.to_vec())).collect();
        assert_eq!(got.len(), msgs.len());
        for (m, (text, spans)) in msgs.iter().zip(got) {
            let mut one = Masked::default();
            mask_into(m, &mut one);
            assert_eq!(text, one.text);
            assert_eq!(spans, one.spans);
        }
    }
}
