use super::*;
use crate::core::exchange::{Exchange, Header};

fn exchange(status: u16, headers: &[(&str, &str)], body: Option<&str>) -> Exchange {
    let mut ex = Exchange::default();
    ex.response.status = status;
    ex.response.headers = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
    ex.response.content.text = body.map(str::to_string);
    ex
}

fn b64url(json: &str) -> String {
    base64::encode(json.as_bytes())
        .trim_end_matches('=')
        .replace('+', "-")
        .replace('/', "_")
}

fn run(ex: &Exchange, now: i64) -> Diagnosis {
    detect(&Observed::new(ex, Some(now))).unwrap()
}

const SPEC_REQUEST: &str =
    "eyJhbW91bnQiOiIxMDAwIiwiY3VycmVuY3kiOiJVU0QiLCJpbnZvaWNlIjoiaW52XzEyMzQ1In0";

#[test]
fn spec_challenge() {
    let www = format!(
            "Payment id=\"qB3wErTyU7iOpAsD9fGhJk\", realm=\"api.example.com\", method=\"invoice\", intent=\"charge\", expires=\"2025-01-15T12:05:00Z\", request=\"{SPEC_REQUEST}\""
        );
    let body = r#"{"type":"https://paymentauth.org/problems/payment-required","title":"Payment Required","status":402}"#;
    let ex = exchange(402, &[("WWW-Authenticate", &www)], Some(body));
    let d = run(&ex, 1_736_942_000);
    assert_eq!(d.cause, Cause::PaymentChallenge);
    assert_eq!(d.protocol, Some(Protocol::Mpp));
    assert_eq!(d.confidence, Confidence::High);
    let p = d.payment.unwrap();
    assert_eq!(p.amount.as_deref(), Some("10"));
    assert_eq!(p.asset.as_deref(), Some("USD"));
    assert_eq!(p.decimals, Some(2));
    assert_eq!(p.expired, Some(false));
    assert!(d.summary.contains("10 USD"), "{}", d.summary);
    assert!(d.findings.is_empty());
    let later = run(&ex, 1_736_943_000);
    assert_eq!(later.payment.unwrap().expired, Some(true));
    assert_eq!(later.steps[0].text, FRESH_CHALLENGE);
}

#[test]
fn rejections_and_missing_challenge() {
    let body = r#"{"type":"https://paymentauth.org/problems/verification-failed","title":"Payment Verification Failed","status":402,"detail":"Invalid payment proof."}"#;
    let d = run(&exchange(402, &[], Some(body)), 0);
    assert_eq!(d.cause, Cause::PaymentRejected);
    assert!(d.findings.iter().any(|f| f.code == "mpp_missing_challenge"));
    let ln = r#"{"type":"https://paymentauth.org/problems/lightning/invalid-preimage"}"#;
    let d = run(&exchange(402, &[], Some(ln)), 0);
    assert!(d.summary.contains("preimage"));
    let odd = r#"{"type":"https://paymentauth.org/problems/something-new","detail":"nope"}"#;
    let d = run(&exchange(402, &[], Some(odd)), 0);
    assert_eq!(
        (d.cause, d.confidence),
        (Cause::PaymentRejected, Confidence::Medium)
    );
    assert!(d.explanation.contains("nope"));
}

#[test]
fn several_offers_tokens_and_l402_alternative() {
    let tempo = b64url(
        r#"{"amount":"1000000","currency":"0x20c0000000000000000000000000000000000000","recipient":"0x742d35Cc6634C0532925a3b844Bc9e7595f8fE00","methodDetails":{"chainId":4217}}"#,
    );
    let sat = b64url(
        r#"{"amount":"100","currency":"sat","methodDetails":{"invoice":"lnbc1u1pexample","network":"mainnet","paymentHash":"bc230847"}}"#,
    );
    let www = format!(
            "Payment id=\"a\", realm=\"r\", method=\"tempo\", intent=\"charge\", request=\"{tempo}\", Payment id=\"b\", realm=\"r\", method=\"lightning\", intent=\"charge\", request=\"{sat}\""
        );
    let l402 = "L402 macaroon=\"AgE=\", invoice=\"lnbc1500n1pw5kjhmpp5fu6xhthlt2vucmzkx6c7wtlh2r625r30cyjsfqhu8rsx4xpz5lwqdpa2fjkzep6yptksct5yp5hxgrrv96hx6twvusycn3qv9jx7ur5d9hkugr5dusx6cqzpgxqr23s79ruapxc4j5uskt4htly2salw4drq979d7rcela9wz02elhypmdzmzlnxuknpgfyfm86pntt8vvkvffma5qc9n50h4mvqhngadqy3ngqjcym5a\"";
    let ex = exchange(
        402,
        &[("WWW-Authenticate", &www), ("WWW-Authenticate", l402)],
        None,
    );
    let d = run(&ex, 0);
    let p = d.payment.unwrap();
    assert_eq!(p.scheme.as_deref(), Some("tempo"));
    assert_eq!(p.amount, None);
    assert_eq!(p.amount_atomic.as_deref(), Some("1000000"));
    assert_eq!(p.network_id.as_deref(), Some("4217"));
    assert!(d.explanation.contains("base units"));
    assert_eq!(p.alternatives.len(), 2);
    let ln = &p.alternatives[0];
    assert_eq!(ln.amount.as_deref(), Some("100"));
    assert_eq!(ln.payment_hash.as_deref(), Some("bc230847"));
    assert_eq!(p.alternatives[1].scheme.as_deref(), Some("l402"));
    assert_eq!(p.alternatives[1].amount.as_deref(), Some("150"));
}

#[test]
fn not_mpp_and_junk() {
    let basic = exchange(402, &[("WWW-Authenticate", "Basic realm=\"x\"")], None);
    assert!(detect(&Observed::new(&basic, None)).is_none());
    let l402_only = exchange(
        402,
        &[("WWW-Authenticate", "L402 token=\"a\", invoice=\"b\"")],
        None,
    );
    assert!(detect(&Observed::new(&l402_only, None)).is_none());
    let not402 = exchange(
        200,
        &[(
            "WWW-Authenticate",
            "Payment id=a, realm=r, method=m, intent=charge, request=e30",
        )],
        None,
    );
    assert!(detect(&Observed::new(&not402, None)).is_none());
    let junk = exchange(
        402,
        &[(
            "WWW-Authenticate",
            "Payment id=a, realm=r, method=m, intent=charge, request=☃",
        )],
        None,
    );
    let d = run(&junk, 0);
    assert!(d
        .findings
        .iter()
        .any(|f| f.code == "mpp_request_undecodable"));
    let partial = exchange(
        402,
        &[("WWW-Authenticate", "Payment id=\"a\", realm=\"r\"")],
        None,
    );
    let d = run(&partial, 0);
    assert!(d
        .findings
        .iter()
        .any(|f| f.code == "mpp_incomplete_challenge"));
    assert!(d.payment.is_none());
}
