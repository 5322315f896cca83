use super::*;

/// Every card decline code Stripe documents, including the two deprecated ones.
const CARD_CODES: [&str; 50] = [
    "authentication_required",
    "authentication_not_handled",
    "approve_with_id",
    "call_issuer",
    "card_not_supported",
    "card_velocity_exceeded",
    "currency_not_supported",
    "do_not_honor",
    "do_not_try_again",
    "duplicate_transaction",
    "expired_card",
    "fraudulent",
    "generic_decline",
    "incorrect_address",
    "incorrect_cvc",
    "incorrect_number",
    "incorrect_pin",
    "incorrect_zip",
    "insufficient_funds",
    "invalid_account",
    "invalid_amount",
    "invalid_cvc",
    "invalid_expiry_month",
    "invalid_expiry_year",
    "invalid_number",
    "invalid_pin",
    "issuer_not_available",
    "lost_card",
    "merchant_blacklist",
    "new_account_information_available",
    "no_action_taken",
    "not_permitted",
    "offline_pin_required",
    "online_or_offline_pin_required",
    "pickup_card",
    "pin_try_exceeded",
    "processing_error",
    "reenter_transaction",
    "restricted_card",
    "revocation_of_all_authorizations",
    "revocation_of_authorization",
    "security_violation",
    "service_not_allowed",
    "stolen_card",
    "stop_payment_order",
    "testmode_decline",
    "transaction_not_allowed",
    "try_again_later",
    "withdrawal_count_limit_exceeded",
    "mobile_device_authentication_required",
];
const LOCAL_CODES: [&str; 12] = [
    "partner_generic_decline",
    "invalid_customer_account",
    "payment_limit_exceeded",
    "invalid_billing_agreement",
    "invalid_business_account",
    "partner_high_risk_customer",
    "compliance_violation",
    "payment_disputed",
    "invalid_authorization",
    "invalid_payment_information",
    "partner_payment_not_found",
    "expired_payment_information",
];

#[test]
fn every_documented_decline_code_is_known() {
    for code in CARD_CODES.iter().chain(LOCAL_CODES.iter()) {
        let i = decline(code).unwrap_or_else(|| panic!("missing {code}"));
        assert!(!i.meaning.is_empty() && !i.merchant.is_empty(), "{code}");
        assert!(i.customer.is_some(), "{code}");
    }
    for code in LOCAL_CODES {
        assert!(
            decline(code).is_some_and(|i| i.local_payment_method),
            "{code}"
        );
    }
}

#[test]
fn hidden_reasons_are_the_documented_ones() {
    for code in [
        "fraudulent",
        "lost_card",
        "stolen_card",
        "merchant_blacklist",
        "pickup_card",
    ] {
        assert!(decline(code).is_some_and(|i| i.hide), "{code}");
    }
    assert!(!decline("insufficient_funds").is_some_and(|i| i.hide));
}

#[test]
fn technical_failures_and_rate_limits() {
    for code in [
        "processing_error",
        "issuer_not_available",
        "reenter_transaction",
    ] {
        assert_eq!(
            decline(code).and_then(|i| i.cause),
            Some(Cause::PaymentProcessingError)
        );
    }
    assert_eq!(
        error_code("card_decline_rate_limit_exceeded").and_then(|i| i.cause),
        Some(Cause::RateLimited)
    );
    for a in ["try_again_later", "do_not_try_again", "confirm_card_data"] {
        assert!(advice(a).is_some());
    }
}

fn run(url: &str, status: u16, body: &str) -> Option<Diagnosis> {
    crate::knowledge::test_detect(detect, url, status, body)
}

/// A 402 from Stripe's API at `/v1/{path}` with `body`, diagnosed.
fn stripe_402(path: &str, body: &str) -> Diagnosis {
    run(&format!("https://api.stripe.com/v1/{path}"), 402, body).expect("a Stripe diagnosis")
}

#[test]
fn hides_fraud_reason_from_the_customer() {
    let d = stripe_402(
        "charges",
        r#"{"error":{"code":"card_declined","decline_code":"fraudulent","type":"card_error"}}"#,
    );
    assert_eq!(d.cause, Cause::PaymentDeclined);
    assert!(d.steps[1].text.starts_with("Do not tell the customer"));
}

#[test]
fn shape_identifies_stripe_elsewhere_but_not_openai() {
    let stripe_shaped =
        r#"{"error":{"type":"card_error","code":"card_declined","decline_code":"do_not_honor"}}"#;
    assert!(run("https://shop.example/pay", 402, stripe_shaped).is_some());
    let openai =
        r#"{"error":{"message":"quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
    assert!(run("https://api.openai.com/v1/x", 429, openai).is_none());
    let anthropic = r#"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low"}}"#;
    assert!(run("https://api.anthropic.com/v1/messages", 400, anthropic).is_none());
    let stripe_400 = r#"{"error":{"type":"invalid_request_error","code":"parameter_missing"}}"#;
    assert!(run("https://api.stripe.com/v1/charges", 400, stripe_400).is_none());
}

#[test]
fn rate_limit_code_wins() {
    let body = r#"{"error":{"type":"card_error","code":"card_decline_rate_limit_exceeded","decline_code":"generic_decline"}}"#;
    assert_eq!(
        stripe_402("payment_intents", body).cause,
        Cause::RateLimited
    );
}
