//! Base64 in the three flavours seen on the wire: standard with padding (x402 headers, HAR
//! bodies), URL-safe without padding (MPP `request`), and sloppy mixes of both.

fn value(c: u8) -> Option<u8> {
    match c {
        b'A'..=b'Z' => Some(c - b'A'),
        b'a'..=b'z' => Some(c - b'a' + 26),
        b'0'..=b'9' => Some(c - b'0' + 52),
        b'+' | b'-' => Some(62),
        b'/' | b'_' => Some(63),
        _ => None,
    }
}

/// Decodes standard or URL-safe base64, padded or not, ignoring ASCII whitespace.
/// `None` when any other character appears or the length is impossible.
pub fn decode_lenient(input: &str) -> Option<Vec<u8>> {
    let trimmed = input.trim().trim_end_matches('=');
    let mut out = Vec::with_capacity(trimmed.len() * 3 / 4);
    let mut acc: u32 = 0;
    let mut bits = 0u32;
    let mut count = 0usize;
    for &c in trimmed.as_bytes() {
        if c.is_ascii_whitespace() {
            continue;
        }
        let v = value(c)?;
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        count += 1;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    // A single leftover character cannot encode a byte.
    if count % 4 == 1 {
        return None;
    }
    Some(out)
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
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk.len();
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let v = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= n {
                out.push(ALPHABET[((v >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
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
    }
}
