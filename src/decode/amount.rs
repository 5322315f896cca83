//! Decimal numbers as text, read exactly without floats (a float parser would add ~10 KB to the
//! wasm, and amounts must not round): [`Decimal`] for prices and header values (`0.01`, `-3`,
//! `.25`), and amounts as protocols send them, an unsigned integer string in the asset's
//! smallest unit (x402 `amount`, MPP `amount`, BOLT11 msat), shown in human units.

use std::cmp::Ordering;

/// Atomic amounts longer than this many digits are not converted.
const MAX_AMOUNT_DIGITS: usize = 96;

/// `atomic` ÷ 10^`decimals` as an exact decimal string (`"10000"`, 6 → `"0.01"`). `None` for
/// anything that is not a plain non-negative integer of sane length.
pub fn atomic_to_human(atomic: &str, decimals: u32) -> Option<String> {
    let s = atomic.trim();
    if s.is_empty() || s.len() > MAX_AMOUNT_DIGITS || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let d = usize::try_from(decimals)
        .ok()
        .filter(|d| *d <= MAX_AMOUNT_DIGITS)?;
    let digits = s.trim_start_matches('0');
    // `digits` is ASCII, so any split is on a char boundary.
    let (int, frac, pad) = if digits.len() > d {
        let (int, frac) = digits.split_at(digits.len() - d);
        (int, frac, 0)
    } else {
        ("0", digits, d - digits.len())
    };
    let frac = frac.trim_end_matches('0');
    let mut out = int.to_string();
    if !frac.is_empty() {
        out.push('.');
        for _ in 0..pad {
            out.push('0');
        }
        out.push_str(frac);
    }
    Some(out)
}

/// A decimal number as its digits: exact at any length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal<'a> {
    negative: bool,
    /// Integer digits without leading zeros (`""` for zero).
    int: &'a str,
    /// Fraction digits without trailing zeros.
    frac: &'a str,
}

impl<'a> Decimal<'a> {
    /// `12`, `-3`, `+1.5`, `.25`, `5.`; `None` for anything else (exponents, `inf`, junk).
    pub fn parse(s: &'a str) -> Option<Decimal<'a>> {
        match s.strip_prefix('-') {
            Some(rest) => Some(Decimal {
                negative: true,
                ..Decimal::parse_unsigned(rest)?
            }),
            None => Decimal::parse_unsigned(s.strip_prefix('+').unwrap_or(s)),
        }
    }

    /// Like [`Decimal::parse`] without a sign.
    pub fn parse_unsigned(s: &'a str) -> Option<Decimal<'a>> {
        let (int, frac) = s.split_once('.').unwrap_or((s, ""));
        if int.is_empty() && frac.is_empty() {
            return None;
        }
        if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        Some(Decimal {
            negative: false,
            int: int.trim_start_matches('0'),
            frac: frac.trim_end_matches('0'),
        })
    }

    pub fn is_negative(self) -> bool {
        self.negative
    }

    pub fn is_zero(self) -> bool {
        self.int.is_empty() && self.frac.is_empty()
    }

    pub fn is_positive(self) -> bool {
        !self.negative && !self.is_zero()
    }

    /// The integer part; `None` beyond `u64`.
    pub fn whole(self) -> Option<u64> {
        let mut w: u64 = 0;
        for b in self.int.bytes() {
            w = w.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
        }
        Some(w)
    }

    /// The fraction in billionths (later digits dropped).
    pub fn nanos(self) -> u32 {
        let mut nanos = 0;
        let mut unit = 1_000_000_000u32;
        for b in self.frac.bytes().take(9) {
            unit /= 10;
            nanos += u32::from(b - b'0') * unit;
        }
        nanos
    }

    /// The magnitudes compared, sign ignored.
    fn cmp_magnitude(self, other: Decimal) -> Ordering {
        self.int
            .len()
            .cmp(&other.int.len())
            .then_with(|| self.int.cmp(other.int))
            // Without trailing zeros, comparing the fractions as text is comparing them
            // zero-padded to the same width: a fraction that is a prefix of the other is smaller.
            .then_with(|| self.frac.cmp(other.frac))
    }
}

impl Ord for Decimal<'_> {
    fn cmp(&self, other: &Self) -> Ordering {
        match (
            self.negative && !self.is_zero(),
            other.negative && !other.is_zero(),
        ) {
            (false, false) => self.cmp_magnitude(*other),
            (true, true) => other.cmp_magnitude(*self),
            (true, false) => Ordering::Less,
            (false, true) => Ordering::Greater,
        }
    }
}

impl PartialOrd for Decimal<'_> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_formatting_edge_cases() {
        assert_eq!(atomic_to_human("10000", 6).as_deref(), Some("0.01"));
        assert_eq!(atomic_to_human("1", 6).as_deref(), Some("0.000001"));
        assert_eq!(atomic_to_human("1000000", 6).as_deref(), Some("1"));
        assert_eq!(atomic_to_human("0", 6).as_deref(), Some("0"));
        assert_eq!(atomic_to_human("000120", 2).as_deref(), Some("1.2"));
        assert_eq!(atomic_to_human("5", 0).as_deref(), Some("5"));
        assert_eq!(
            atomic_to_human("10000000000000000", 18).as_deref(),
            Some("0.01")
        );
        // Beyond u64 and u128.
        assert_eq!(
            atomic_to_human("123456789012345678901234567890123456789012", 18).as_deref(),
            Some("123456789012345678901234.567890123456789012")
        );
        for bad in ["", "0.01", "-1", "1e6", " ", "１２"] {
            assert_eq!(atomic_to_human(bad, 6), None, "{bad}");
        }
        assert_eq!(atomic_to_human(&"9".repeat(500), 6), None);
        assert_eq!(atomic_to_human("1", u32::MAX), None);
    }

    #[test]
    fn lightning_and_mpp_amounts() {
        assert_eq!(atomic_to_human("150000", 3).as_deref(), Some("150"));
        assert_eq!(atomic_to_human("1500", 3).as_deref(), Some("1.5"));
        assert_eq!(atomic_to_human("1", 3).as_deref(), Some("0.001"));
        assert_eq!(atomic_to_human("0", 2).as_deref(), Some("0"));
        assert_eq!(atomic_to_human("007", 0).as_deref(), Some("7"));
        assert_eq!(atomic_to_human("1x", 2), None);
        assert_eq!(atomic_to_human("", 2), None);
    }

    #[test]
    fn decimals_compare_exactly() {
        let d = |s| Decimal::parse(s).unwrap();
        assert!(d("0.005") < d("0.01"));
        assert_eq!(d("0.010").cmp(&d("0.01")), Ordering::Equal);
        assert!(d("10") > d("9.99"));
        assert_eq!(d("007").cmp(&d("7.0")), Ordering::Equal);
        assert!(d("0.5") < d("0.51") && d("0.510") > d("0.5"));
        assert!(d("99999999999999999999999.1") > d("99999999999999999999999.09"));
        assert!(d("-2") < d("-1.5") && d("-1") < d("0") && d("-0").cmp(&d("0")) == Ordering::Equal);
        for junk in ["x", "", ".", "-", "1e3", "inf", "1.2.3", "--1"] {
            assert_eq!(Decimal::parse(junk), None, "{junk}");
        }
        assert_eq!(Decimal::parse_unsigned("-1"), None);
        assert_eq!(
            (d("+12.5").whole(), d("12.5").nanos()),
            (Some(12), 500_000_000)
        );
        assert_eq!(d("0.1234567899").nanos(), 123_456_789);
        assert_eq!(d("99999999999999999999").whole(), None);
        assert!(d("-0").is_zero() && !d("-0").is_positive() && d("-0").is_negative());
    }
}
