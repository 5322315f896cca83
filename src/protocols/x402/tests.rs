use super::wire::{decode_entities, parse_salvaging, value_after_key, MAX_OPTIONS, MAX_SCAN_BYTES};
use super::*;
use crate::core::reading::balanced;
use crate::decode::base64;

#[test]
fn brace_scanner_respects_strings_and_survives_hostile_input() {
    assert_eq!(balanced(r#"{"a":"}{"} tail"#), Some(r#"{"a":"}{"}"#));
    assert_eq!(balanced(r#"[{"a":"\"]"}],"#), Some(r#"[{"a":"\"]"}]"#));
    assert_eq!(balanced("{\"é\":[1,{}]}x"), Some("{\"é\":[1,{}]}"));
    assert_eq!(balanced("{\"open\": \"never closes}"), None);
    assert_eq!(balanced("{{{{"), None);
    assert_eq!(balanced("}"), None);
    assert_eq!(balanced("nope"), None);
    assert_eq!(balanced(""), None);
    let deep = "[".repeat(100_000);
    assert_eq!(balanced(&deep), None);
    let text = "window.x402 = { paymentRequired: \"decoy\", paymentRequired : {\"x\":1}, }";
    assert_eq!(value_after_key(text, "paymentRequired"), Some("{\"x\":1}"));
}

#[test]
fn entities_decode_in_order() {
    assert_eq!(
        decode_entities("{&quot;a&quot;:&#39;b&#39;}"),
        "{\"a\":'b'}"
    );
    assert_eq!(decode_entities("&amp;quot;"), "&quot;");
}

#[test]
fn reasons_fall_into_families_across_spellings() {
    let cases = [
        ("insufficient_funds", Family::Funds),
        ("invalid_exact_evm_insufficient_balance", Family::Funds),
        ("invalid_exact_evm_signature", Family::Signature),
        ("invalid_exact_evm_payload_signature", Family::Signature),
        ("invalid_exact_evm_token_name_mismatch", Family::Signature),
        (
            "invalid_exact_evm_payload_authorization_valid_before",
            Family::Expired,
        ),
        ("permit2_deadline_expired", Family::Expired),
        (
            "invalid_exact_evm_payload_authorization_valid_after",
            Family::TooEarly,
        ),
        ("permit2_payment_too_early", Family::TooEarly),
        (
            "invalid_exact_evm_payload_recipient_mismatch",
            Family::Exactness,
        ),
        (
            "invalid_exact_evm_payload_authorization_value",
            Family::Exactness,
        ),
        ("permit2_amount_mismatch", Family::Exactness),
        (
            "invalid_exact_evm_network_mismatch",
            Family::NoMatchingOption,
        ),
        ("unsupported_scheme", Family::NoMatchingOption),
        ("No matching payment requirements", Family::NoMatchingOption),
        ("invalid_exact_evm_nonce_already_used", Family::Nonce),
        ("duplicate_settlement", Family::Nonce),
        (
            "invalid_exact_evm_transaction_simulation_failed",
            Family::OnChain,
        ),
        ("unexpected_settle_error", Family::OnChain),
        ("settle_exact_svm_block_height_exceeded", Family::Expired),
        ("permit2_allowance_required", Family::Permit2Approval),
        ("invalid_payload", Family::Malformed),
        (
            "invalid_exact_svm_payload_transaction_instructions_length",
            Family::Malformed,
        ),
    ];
    for (reason, want) in cases {
        assert_eq!(family(reason), Some(want), "{reason}");
    }
    for phrase in [
        "X-PAYMENT header is required",
        "Payment required",
        "PAYMENT-SIGNATURE header is required",
    ] {
        assert_eq!(family(phrase), None, "{phrase}");
        assert!(is_challenge_phrase(phrase));
    }
}

#[test]
fn placeholder_json_is_salvaged_only_when_needed() {
    assert_eq!(
        parse_salvaging(r#"{"accepts":[...]}"#).map(|(_, s)| s),
        Some(true)
    );
    assert_eq!(parse_salvaging(r#"{"a":1}"#).map(|(_, s)| s), Some(false));
    assert!(parse_salvaging("{nope").is_none());
}

fn exchange(status: u16, headers: &[(&str, &str)], body: &str) -> crate::core::exchange::Exchange {
    let mut ex = crate::core::exchange::Exchange::default();
    ex.request.url = "https://api.shop.io/x".into();
    ex.response.status = status;
    ex.response.headers = headers
        .iter()
        .map(|(n, v)| crate::core::exchange::Header::new(*n, *v))
        .collect();
    ex.response.content.text = Some(body.to_string());
    ex
}

fn run(status: u16, headers: &[(&str, &str)], body: &str) -> Option<Diagnosis> {
    let ex = exchange(status, headers, body);
    detect(&Observed::new(&ex, None))
}

#[test]
fn hostile_inputs_stay_x402_without_panicking() {
    let b64 = |s: &str| base64::encode(s.as_bytes());
    let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
    let many = format!(
        "{{\"x402Version\":2,\"accepts\":[{}]}}",
        vec!["{\"network\":\"base\",\"amount\":\"1\"}"; 5000].join(",")
    );
    let odd = r#"{"x402Version":2,"accepts":["x",1,null,{"network":7,"amount":true,"asset":{},"payTo":[]},{"amount":1e400}]}"#;
    for header in [
        b64("[1,2,3]"),
        b64(&deep),
        b64(&many),
        b64(odd),
        "\u{1b}[31m==".into(),
        b64("\"str\""),
    ] {
        let d = run(402, &[("PAYMENT-REQUIRED", &header)], "{}").expect("still x402");
        assert_eq!(d.protocol, Some(Protocol::X402));
        assert!(d
            .payment
            .as_ref()
            .is_none_or(|p| p.alternatives.len() < MAX_OPTIONS));
    }
    let filler = "é".repeat(MAX_SCAN_BYTES / 2 - 3);
    for body in [
        "<script>window.x402 = { paymentRequirements: [[[[[[".to_string(),
        "<script>window.x402 = { paymentRequired: {}, paymentRequirements: {} }".to_string(),
        "<div data-requirements='{&quot;x402Version&quot;:2".to_string(),
        format!("{filler}window.x402 = {{ paymentRequired: {{\"accepts\":[]}} }}"),
    ] {
        // Unreadable paywalls are not claimed: nothing on the wire says x402 for sure.
        assert!(run(402, &[("Content-Type", "text/html")], &body).is_none());
    }
    // A body naming x402Version that does not parse is still x402, with a finding.
    let d = run(
        402,
        &[],
        "<script>window.x402 = { paymentRequired: {\"x402Version\":2, \"a\": \"\\",
    )
    .unwrap();
    assert!(d.findings.iter().any(|f| f.code == "x402_body_not_json"));
    let d = run(
        402,
        &[],
        r#"{"x402Version": 2, "accepts": [...], "error": "Payment required"}"#,
    )
    .unwrap();
    assert_eq!(d.cause, Cause::PaymentChallenge);
    assert_eq!(d.confidence, Confidence::Medium);
}

#[test]
fn receipts_and_unrelated_responses_are_not_problems() {
    let ok = base64::encode(br#"{"success":true,"transaction":"0x1","network":"eip155:8453"}"#);
    assert!(run(200, &[("PAYMENT-RESPONSE", &ok)], "{}").is_none());
    assert!(run(402, &[], r#"{"error":"Payment required"}"#).is_none());
    assert!(run(402, &[], "x402 is great").is_none());
}
