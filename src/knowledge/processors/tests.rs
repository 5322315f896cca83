use super::*;

fn run(url: &str, status: u16, body: &str) -> Option<Diagnosis> {
    crate::knowledge::test_detect(detect, url, status, body)
}

#[test]
fn codes_are_read_only_from_their_fields() {
    // The code word in a description is not a decline.
    let body = r#"{"name":"VALIDATION_ERROR","debug_id":"x","message":"INSTRUMENT_DECLINED is a test value"}"#;
    assert!(run("https://api-m.paypal.com/v2/checkout/orders", 400, body).is_none());
    let body = r#"{"name":"UNPROCESSABLE_ENTITY","debug_id":"x","details":[{"issue":"INSTRUMENT_DECLINED"}]}"#;
    let d = run(
        "https://api-m.paypal.com/v2/checkout/orders/1/capture",
        422,
        body,
    )
    .unwrap();
    assert_eq!(
        (d.cause, d.provider.as_deref()),
        (Cause::PaymentDeclined, Some("paypal"))
    );
    assert_eq!(d.confidence, Confidence::High);
}

#[test]
fn shapes_name_the_processor_behind_a_backend() {
    let body =
        r#"{"errors":[{"category":"PAYMENT_METHOD_ERROR","code":"CVV_FAILURE","detail":"x"}]}"#;
    let d = run("https://shop.example/api/pay", 400, body).unwrap();
    assert_eq!(d.provider.as_deref(), Some("square"));
    assert_eq!(d.confidence, Confidence::Medium);
    // Numeric aliases and text with the object quoted inside.
    let body = r#"Error calling Charge: {"resultCode":"Refused","refusalReason":"x","refusalReasonCode":"24"}"#;
    let d = run("https://shop.example/api/pay", 422, body).unwrap();
    assert_eq!(d.provider.as_deref(), Some("adyen"));
    assert!(d.explanation.contains("code 24"));
}

#[test]
fn printed_fields_are_read_after_their_own_key() {
    let yaml = "error:\n    code: card_declined\n    decline_code: insufficient_funds\n    message: Your card has insufficient funds.\n";
    assert_eq!(text_field(yaml, "code", false), Some("card_declined"));
    assert_eq!(
        text_field(yaml, "decline_code", false),
        Some("insufficient_funds")
    );
    assert_eq!(
        text_field(yaml, "message", true),
        Some("Your card has insufficient funds.")
    );
    let js = "{ raw: { code: 'card_declined', decline_code: 'lost_card' } }";
    assert_eq!(text_field(js, "decline_code", false), Some("lost_card"));
    assert_eq!(text_field("the code word", "code", false), None);
    assert_eq!(text_field(r#"{"error_code" => "x"}"#, "code", false), None);
}

#[test]
fn success_and_unrelated_errors_are_not_declines() {
    let body = r#"{"errors":[{"category":"PAYMENT_METHOD_ERROR","code":"CARD_DECLINED"}]}"#;
    assert!(run("https://connect.squareup.com/v2/payments", 200, body).is_none());
    assert!(run("https://connect.squareup.com/v2/payments", 500, body).is_none());
    let body = r#"{"errors":[{"category":"INVALID_REQUEST_ERROR","code":"NOT_FOUND"}]}"#;
    assert!(run("https://connect.squareup.com/v2/payments", 404, body).is_none());
}
