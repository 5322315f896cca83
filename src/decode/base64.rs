//! Base64 in the three flavours seen on the wire: standard with padding (x402 headers, HAR
//! bodies), URL-safe without padding (MPP `request`), and sloppy mixes of both.

use base64::alphabet::STANDARD;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;

/// Padding optional, and bits left over in the last character ignored: senders get both wrong.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decodes standard or URL-safe base64, padded or not, ignoring ASCII whitespace.
/// `None` when any other character appears or the length is impossible.
pub fn decode_lenient(input: &str) -> Option<Vec<u8>> {
    // One alphabet for both: the URL-safe characters become the standard ones.
    let normal: Vec<u8> = input
        .trim()
        .trim_end_matches('=')
        .bytes()
        .filter(|c| !c.is_ascii_whitespace())
        .map(|c| match c {
            b'-' => b'+',
            b'_' => b'/',
            c => c,
        })
        .collect();
    LENIENT.decode(normal).ok()
}

/// Decodes base64 and parses the bytes as UTF-8 text.
pub fn decode_to_string(input: &str) -> Option<String> {
    String::from_utf8(decode_lenient(input)?).ok()
}

/// True when `input` uses only the standard alphabet with correct padding (what x402 requires).
pub fn is_strict_standard(input: &str) -> bool {
    let b = input.as_bytes();
    if b.is_empty() || b.len() % 4 != 0 {
        return false;
    }
    let body = input.trim_end_matches('=');
    b.len() - body.len() <= 2
        && body
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'+' || c == b'/')
}

/// Standard base64 with padding (test inputs; stored x402 headers re-encoded after redaction).
pub fn encode(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_accepts_both_alphabets() {
        for s in [
            "",
            "f",
            "fo",
            "foo",
            "foob",
            "fooba",
            "foobar",
            "{\"a\":\"ü\"}",
        ] {
            let e = encode(s.as_bytes());
            assert_eq!(decode_lenient(&e).unwrap(), s.as_bytes());
            assert!(e.is_empty() || is_strict_standard(&e));
        }
        assert_eq!(
            decode_lenient("-_8").unwrap(),
            decode_lenient("+/8=").unwrap()
        );
        assert_eq!(decode_to_string("eyJhIjoxfQ").unwrap(), "{\"a\":1}");
    }

    #[test]
    fn rejects_garbage() {
        assert!(decode_lenient("not base64!").is_none());
        assert!(decode_lenient("abcde").is_none());
        assert!(!is_strict_standard("eyJhIjoxfQ"));
        assert!(decode_to_string("//79").is_none());
        assert!(decode_lenient("ab=c").is_none());
    }
}
