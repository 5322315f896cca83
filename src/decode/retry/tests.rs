use super::*;

const REF: i64 = 1_764_000_000; // 2025-11-24T16:00:00Z

fn secs(headers: &[(&str, &str)]) -> Option<(u64, String)> {
    from_headers(headers, Some(REF)).map(|r| (r.seconds, r.source.to_string()))
}

#[test]
fn retry_after_seconds_and_all_date_forms() {
    let r = from_headers(&[("Retry-After", "120")], Some(REF)).unwrap();
    assert_eq!(r.seconds, 120);
    assert_eq!(r.source, "retry-after");
    for date in [
        "Mon, 24 Nov 2025 16:05:00 GMT",
        "Monday, 24-Nov-25 16:05:00 GMT",
        "Mon Nov 24 16:05:00 2025",
    ] {
        assert_eq!(
            secs(&[("retry-after", date)]),
            Some((300, "retry-after".into()))
        );
    }
    // A date in the past means now; a date needs a reference.
    assert_eq!(
        secs(&[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]).map(|s| s.0),
        Some(0)
    );
    assert!(from_headers(&[("retry-after", "Mon, 24 Nov 2025 16:05:00 GMT")], None).is_none());
    let no_ref = from_headers(&[("retry-after", "7")], None).unwrap();
    assert_eq!(no_ref.seconds, 7);
}

#[test]
fn retry_after_wins_and_ms_variant() {
    assert_eq!(
        secs(&[("RateLimit", "\"default\";r=0;t=50"), ("Retry-After", "10")]),
        Some((10, "retry-after".into()))
    );
    assert_eq!(
        secs(&[("retry-after-ms", "1500")]),
        Some((2, "retry-after-ms".into()))
    );
}

#[test]
fn ietf_ratelimit_drafts() {
    // -10: named policies; only exhausted ones count, the longest wait wins.
    assert_eq!(
        secs(&[(
            "RateLimit",
            "\"burst\";r=0;t=30, \"daily\";r=0;t=3600, \"x\";r=5;t=9"
        )]),
        Some((3600, "ratelimit".into()))
    );
    assert_eq!(secs(&[("RateLimit", "\"default\";r=50;t=30")]), None);
    // -07: dictionary.
    assert_eq!(
        secs(&[("RateLimit", "limit=100, remaining=0, reset=5")]),
        Some((5, "ratelimit".into()))
    );
    assert_eq!(
        secs(&[("RateLimit", "limit=100, remaining=3, reset=5")]),
        None
    );
    // <= -06: separate fields.
    assert_eq!(
        secs(&[("RateLimit-Remaining", "0"), ("RateLimit-Reset", "42")]),
        Some((42, "ratelimit-reset".into()))
    );
    assert_eq!(
        secs(&[("RateLimit-Remaining", "10"), ("RateLimit-Reset", "42")]),
        None
    );
}

#[test]
fn x_ratelimit_reset_heuristic() {
    let cases = [
        ("30", 30),
        ("1764000090", 90),
        ("1764000090000", 90),
        ("2025-11-24T16:01:00Z", 60),
        ("1m30s", 90),
    ];
    for (value, want) in cases {
        assert_eq!(
            secs(&[("X-RateLimit-Remaining", "0"), ("X-RateLimit-Reset", value)]),
            Some((want, "x-ratelimit-reset".into())),
            "{value}"
        );
    }
    // No remaining given: the reset still counts. Remaining left: it does not.
    assert_eq!(secs(&[("x-ratelimit-reset", "5")]).map(|s| s.0), Some(5));
    assert_eq!(
        secs(&[("x-ratelimit-remaining", "12"), ("x-ratelimit-reset", "5")]),
        None
    );
}

#[test]
fn vendor_resets() {
    assert_eq!(
        secs(&[
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "1s"),
            ("x-ratelimit-remaining-tokens", "0"),
            ("x-ratelimit-reset-tokens", "6m0s"),
        ]),
        Some((360, "x-ratelimit-reset-tokens".into()))
    );
    assert_eq!(
        secs(&[
            ("x-ratelimit-remaining-requests", "0"),
            ("x-ratelimit-reset-requests", "12ms"),
        ])
        .map(|s| s.0),
        Some(1)
    );
    assert_eq!(
        secs(&[
            ("anthropic-ratelimit-tokens-remaining", "0"),
            ("anthropic-ratelimit-tokens-reset", "2025-11-24T16:00:45Z"),
            ("anthropic-ratelimit-requests-remaining", "40"),
            ("anthropic-ratelimit-requests-reset", "2025-11-24T17:00:00Z"),
        ]),
        Some((45, "anthropic-ratelimit-tokens-reset".into()))
    );
}

#[test]
fn malformed_values_are_ignored() {
    for (name, value) in [
        ("retry-after", "soon"),
        ("retry-after", "-5"),
        ("retry-after", "99999999999999999999999"),
        ("retry-after-ms", "1e3"),
        ("ratelimit", "\"a\";t=5"),
        ("ratelimit", "\"unterminated;r=0;t=5"),
        ("ratelimit", ",,;;==\"\""),
        ("x-ratelimit-reset", "6m0"),
        ("x-ratelimit-reset", "-1"),
        ("x-ratelimit-reset", "☃"),
        ("x-ratelimit-reset", "NaN"),
        ("x-ratelimit-reset", "inf"),
    ] {
        assert_eq!(secs(&[(name, value)]), None, "{name}: {value}");
    }
    assert_eq!(go_duration("1h1m1.5s"), Some(3662));
    assert_eq!(go_duration("5x"), None);
}

#[test]
fn decimals_are_read_without_floats() {
    let d = |s| number(s).map(|n| (n.is_negative(), n.whole(), n.nanos()));
    assert_eq!(d("1.5"), Some((false, Some(1), 500_000_000)));
    assert_eq!(d(".25"), Some((false, Some(0), 250_000_000)));
    assert_eq!(d("-3"), Some((true, Some(3), 0)));
    assert_eq!(d("+7."), Some((false, Some(7), 0)));
    assert_eq!(d("0.0000000019"), Some((false, Some(0), 1)));
    assert_eq!(d("18446744073709551615"), Some((false, Some(u64::MAX), 0)));
    for junk in [
        "",
        ".",
        "-",
        "1e3",
        "1.2.3",
        "0x10",
        " 1",
        "inf",
        "18446744073709551616",
    ] {
        assert_eq!(number(junk), None, "{junk:?}");
    }
    // Rounds up: 1001 ms is 2 s; 0.1 ns of Go duration is 1 s.
    assert_eq!(secs(&[("retry-after-ms", "1001")]).map(|s| s.0), Some(2));
    assert_eq!(go_duration("1ns"), Some(1));
    assert_eq!(
        secs(&[("x-ratelimit-remaining", "0"), ("x-ratelimit-reset", "2.5")]).map(|s| s.0),
        Some(3)
    );
}
