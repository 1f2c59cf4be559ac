//! Raw bytes to text: gzip is inflated (concatenated members too), a UTF-8 BOM dropped, UTF-16
//! (with a BOM, or recognised by its NUL pattern) transcoded, invalid UTF-8 replaced by U+FFFD
//! and counted. Never fails on content; only a broken gzip stream or a size over 4 GiB is an error.

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
    if bytes.starts_with(&GZIP_MAGIC) {
        return from_vec(name, inflate(name, bytes)?, true);
    }
    check_size(name, bytes.len())?;
    let raw = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let (text, invalid_utf8) = match utf16_order(raw) {
        Some((big_endian, bom)) => from_utf16(&raw[bom..], big_endian),
        None => to_utf8(raw),
    };
    Ok(Decoded {
        text,
        gzip: false,
        invalid_utf8,
    })
}

/// [`decode`] taking ownership of the bytes: valid UTF-8 becomes the text in place, no copy.
pub(crate) fn decode_owned(name: &str, bytes: Vec<u8>) -> Result<Decoded, IngestError> {
    if bytes.starts_with(&GZIP_MAGIC) {
        let inflated = inflate(name, &bytes)?;
        drop(bytes);
        return from_vec(name, inflated, true);
    }
    from_vec(name, bytes, false)
}

/// Inflates gzip (concatenated members too), reading at most one byte past the size limit: a
/// gzip bomb stops there instead of eating memory.
fn inflate(name: &str, bytes: &[u8]) -> Result<Vec<u8>, IngestError> {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(1 << 28));
    flate2::read::MultiGzDecoder::new(bytes)
        .take(MAX_TEXT as u64 + 1)
        .read_to_end(&mut out)
        .map_err(|e| IngestError::new(IngestErrorKind::BadGzip, format!("{name}: {e}")))?;
    Ok(out)
}

fn check_size(name: &str, len: usize) -> Result<(), IngestError> {
    // Compared as u64: on wasm32 a usize can never exceed the limit, natively it can.
    if len as u64 > MAX_TEXT as u64 {
        return Err(IngestError::new(
            IngestErrorKind::TooLarge,
            format!("{name} is {len} bytes; split it below 4 GiB"),
        ));
    }
    Ok(())
}

/// Owned raw bytes to text; valid UTF-8 (the common case) reuses the buffer.
fn from_vec(name: &str, mut raw: Vec<u8>, gzip: bool) -> Result<Decoded, IngestError> {
    check_size(name, raw.len())?;
    if raw.starts_with(b"\xEF\xBB\xBF") {
        raw.drain(..3);
    }
    let (text, invalid_utf8) = match utf16_order(&raw) {
        Some((big_endian, bom)) => from_utf16(&raw[bom..], big_endian),
        None => match String::from_utf8(raw) {
            Ok(s) => (s, 0),
            Err(e) => to_utf8(e.as_bytes()),
        },
    };
    Ok(Decoded {
        text,
        gzip,
        invalid_utf8,
    })
}

/// The largest text a file may have: offsets are `u32`.
const MAX_TEXT: usize = u32::MAX as usize;

/// UTF-16 by its BOM, or (without one) by NULs in every other byte of the start of a text that
/// is otherwise ASCII. Returns (big endian, BOM length).
fn utf16_order(raw: &[u8]) -> Option<(bool, usize)> {
    if raw.starts_with(b"\xFF\xFE") {
        return Some((false, 2));
    }
    if raw.starts_with(b"\xFE\xFF") {
        return Some((true, 2));
    }
    let n = raw.len().min(512) & !1;
    if n < 8 {
        return None;
    }
    let head = &raw[..n];
    let pairs = n / 2;
    let even_nul = head.iter().step_by(2).filter(|&&c| c == 0).count();
    let odd_nul = head.iter().skip(1).step_by(2).filter(|&&c| c == 0).count();
    let printable = |start: usize| {
        head.iter()
            .skip(start)
            .step_by(2)
            .filter(|&&c| c >= 0x20 || matches!(c, b'\t' | b'\n' | b'\r'))
            .count()
    };
    // ASCII-range text in UTF-16: nearly every high byte is NUL, every low byte printable.
    if odd_nul * 10 >= pairs * 9 && even_nul == 0 && printable(0) * 10 >= pairs * 9 {
        Some((false, 0))
    } else if even_nul * 10 >= pairs * 9 && odd_nul == 0 && printable(1) * 10 >= pairs * 9 {
        Some((true, 0))
    } else {
        None
    }
}

fn from_utf16(raw: &[u8], big_endian: bool) -> (String, u32) {
    let units = raw.chunks_exact(2).map(|p| {
        if big_endian {
            u16::from_be_bytes([p[0], p[1]])
        } else {
            u16::from_le_bytes([p[0], p[1]])
        }
    });
    let mut out = String::with_capacity(raw.len() / 2 + 1);
    let mut bad = u32::from(raw.len() % 2 == 1);
    for c in char::decode_utf16(units) {
        match c {
            Ok(c) => out.push(c),
            Err(_) => {
                out.push('\u{FFFD}');
                bad += 1;
            }
        }
    }
    (out, bad)
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
    fn concatenated_gzip_members_are_all_inflated() {
        let mut all = Vec::new();
        for part in [&b"one\n"[..], b"two\n"] {
            let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
            enc.write_all(part).unwrap();
            all.extend(enc.finish().unwrap());
        }
        assert_eq!(decode("x.gz", &all).unwrap().text, "one\ntwo\n");
    }

    #[test]
    fn truncated_gzip_is_a_typed_error() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(&b"hello world\n".repeat(100)).unwrap();
        let gz = enc.finish().unwrap();
        let err = decode("x.gz", &gz[..gz.len() / 2]).err().unwrap();
        assert_eq!(err.kind(), IngestErrorKind::BadGzip);
    }

    #[test]
    fn utf16_with_and_without_bom() {
        let le: Vec<u8> = "héllo\nworld\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert_eq!(decode("x", &bom).unwrap().text, "héllo\nworld\n");
        let plain: Vec<u8> = "hello\nworld\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode("x", &plain).unwrap().text, "hello\nworld\n");
        let be: Vec<u8> = [0xFE, 0xFF]
            .into_iter()
            .chain("ok\n".encode_utf16().flat_map(u16::to_be_bytes))
            .collect();
        assert_eq!(decode("x", &be).unwrap().text, "ok\n");
        // Binary with many NULs is not mistaken for UTF-16.
        let junk: Vec<u8> = (0..64u8).map(|i| if i % 2 == 0 { 0 } else { i }).collect();
        assert!(utf16_order(&junk).is_none());
    }

    #[test]
    fn owned_decode_matches_borrowed() {
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        enc.write_all(b"gz \xff line\n").unwrap();
        let gz = enc.finish().unwrap();
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("ok\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        let cases: [&[u8]; 5] = [
            b"plain\n",
            b"\xEF\xBB\xBFbom\n",
            b"bad \xff\xfe\n",
            &gz,
            &utf16,
        ];
        for raw in cases {
            let a = decode("x", raw).unwrap();
            let b = decode_owned("x", raw.to_vec()).unwrap();
            assert_eq!(
                (a.text, a.gzip, a.invalid_utf8),
                (b.text, b.gzip, b.invalid_utf8)
            );
        }
    }

    #[test]
    fn bom_dropped_and_invalid_utf8_counted() {
        let d = decode("x", b"\xEF\xBB\xBFok \xff\xfe end").unwrap();
        // Each invalid sequence (0xFF, 0xFE) is replaced and counted on its own.
        assert_eq!(d.text, "ok \u{FFFD}\u{FFFD} end");
        assert_eq!(d.invalid_utf8, 2);
    }
}
