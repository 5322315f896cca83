//! Amounts as protocols send them: an unsigned integer string in the asset's smallest unit
//! (x402 `amount`, MPP `amount`, BOLT11 msat), shown in human units without floats.

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
}
