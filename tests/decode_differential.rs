//! Where `decode/` keeps code of its own next to a crate, the two must agree: on the specs'
//! examples and on random input (a fixed-seed generator, so a failure can be reproduced).
//!
//! Own code kept: `base64::is_strict_standard` (a syntax check the x402 lint needs, not a
//! decoder) and the RFC 3339 reader and writer (`httpdate` only speaks HTTP dates; both share
//! the calendar arithmetic, which is what is compared).

use base64::Engine;
use why402::decode::base64::{decode_lenient, encode, is_strict_standard};
use why402::decode::time::{format_rfc3339, parse_http_date, parse_rfc3339};

/// xorshift64*: enough randomness for input generation, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

const ROUNDS: usize = 5000;

#[test]
fn strict_standard_base64_agrees_with_the_crate() {
    let std = base64::engine::general_purpose::STANDARD;
    // RFC 4648 section 10.
    for (plain, coded) in [
        ("", ""),
        ("f", "Zg=="),
        ("fo", "Zm8="),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(encode(plain.as_bytes()), coded);
        assert_eq!(decode_lenient(coded).unwrap(), plain.as_bytes());
        assert_eq!(is_strict_standard(coded), !coded.is_empty());
    }
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=-_ !";
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let (mut strict, mut accepted) = (0, 0);
    for _ in 0..ROUNDS {
        let len = rng.below(24) as usize;
        let s: String = (0..len)
            .map(|_| alphabet[rng.below(alphabet.len() as u64) as usize] as char)
            .collect();
        // Whatever the crate accepts as standard base64, ours calls strict (ours also accepts
        // non-canonical trailing bits, which the crate refuses).
        if std.decode(&s).is_ok() && !s.is_empty() {
            accepted += 1;
            assert!(is_strict_standard(&s), "{s:?}");
        }
        if is_strict_standard(&s) {
            strict += 1;
            assert!(
                base64::engine::general_purpose::GeneralPurpose::new(
                    &base64::alphabet::STANDARD,
                    base64::engine::general_purpose::PAD.with_decode_allow_trailing_bits(true)
                )
                .decode(&s)
                .is_ok(),
                "{s:?}"
            );
        }
        // Random bytes round-trip through ours and decode the same with the crate.
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        assert_eq!(std.decode(encode(&bytes)).unwrap(), bytes);
    }
    // The comparison ran on both sides, not only on rejected strings.
    assert!(
        strict > 50 && accepted > 50,
        "{strict} strict, {accepted} accepted"
    );
}

#[test]
fn rfc3339_calendar_agrees_with_httpdate() {
    // RFC 9110's example, and the ends of httpdate's range.
    assert_eq!(
        parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
        Some(784111777)
    );
    assert_eq!(format_rfc3339(784111777), "1994-11-06T08:49:37Z");
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for n in 0..ROUNDS {
        // 1970 to 9999, httpdate's range.
        let secs = match n {
            0 => 0,
            1 => 253_402_300_799,
            _ => rng.below(253_402_300_800),
        };
        let t = std::time::UNIX_EPOCH + std::time::Duration::from_secs(secs);
        let http = httpdate::fmt_http_date(t);
        let ours = format_rfc3339(secs as i64);
        // `Sun, 06 Nov 1994 08:49:37 GMT` against `1994-11-06T08:49:37Z`.
        let parts: Vec<&str> = http.split(' ').collect();
        let month = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ]
        .iter()
        .position(|m| *m == parts[2])
        .unwrap()
            + 1;
        let expected = format!("{}-{month:02}-{}T{}Z", parts[3], parts[1], parts[4]);
        assert_eq!(ours, expected, "{secs}");
        assert_eq!(parse_rfc3339(&ours), Some(secs as i64));
        assert_eq!(parse_http_date(&http), Some(secs as i64));
    }
}
