//! Raw bytes to text: gzip is inflated, a UTF-8 BOM dropped, invalid UTF-8 replaced by U+FFFD
//! and counted. Never fails on content; only a broken gzip stream is an error.

use super::{IngestError, IngestErrorKind};
use std::io::Read;

/// Decoded text of one input and what it took to get there.
pub(crate) struct Decoded {
    pub text: String,
    pub gzip: bool,
    pub invalid_utf8: u32,
}

const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];

pub(crate) fn decode(name: &str, bytes: &[u8]) -> Result<Decoded, IngestError> {
    let gzip = bytes.starts_with(&GZIP_MAGIC);
    let inflated;
    let raw: &[u8] = if gzip {
        let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
        flate2::read::MultiGzDecoder::new(bytes)
            .read_to_end(&mut out)
            .map_err(|e| IngestError::new(IngestErrorKind::BadGzip, format!("{name}: {e}")))?;
        inflated = out;
        &inflated
    } else {
        bytes
    };
    if raw.len() > u32::MAX as usize {
        return Err(IngestError::new(
            IngestErrorKind::TooLarge,
            format!("{name} is {} bytes; split it below 4 GiB", raw.len()),
        ));
    }
    let raw = raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw);
    let (text, invalid_utf8) = to_utf8(raw);
    Ok(Decoded { text, gzip, invalid_utf8 })
}

/// Lossy UTF-8 that also says how many invalid sequences it replaced.
fn to_utf8(raw: &[u8]) -> (String, u32) {
    match std::str::from_utf8(raw) {
        Ok(s) => (s.to_owned(), 0),
        Err(_) => {
            let mut out = String::with_capacity(raw.len() + 16);
            let mut bad = 0u32;
            for chunk in raw.utf8_chunks() {
                out.push_str(chunk.valid());
                if !chunk.invalid().is_empty() {
                    out.push('\u{FFFD}');
                    bad += 1;
                }
            }
            (out, bad)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_is_inflated() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"hello\nworld\n").unwrap();
        let d = decode("x.gz", &enc.finish().unwrap()).unwrap();
        assert!(d.gzip);
        assert_eq!(d.text, "hello\nworld\n");
    }

    #[test]
    fn broken_gzip_is_a_typed_error() {
        let err = decode("x.gz", &[0x1f, 0x8b, 0, 1, 2]).err().unwrap();
        assert_eq!(err.kind(), IngestErrorKind::BadGzip);
    }

    #[test]
    fn bom_dropped_and_invalid_utf8_counted() {
        let d = decode("x", b"\xEF\xBB\xBFok \xff\xfe end").unwrap();
        assert_eq!(d.text, "ok \u{FFFD} end");
        assert_eq!(d.invalid_utf8, 1);
    }
}
