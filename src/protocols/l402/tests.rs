use super::*;
use crate::core::exchange::{Exchange, Header};

const SPEC_INVOICE: &str = "lnbc1500n1pw5kjhmpp5fu6xhthlt2vucmzkx6c7wtlh2r625r30cyjsfqhu8rsx4xpz5lwqdpa2fjkzep6yptksct5yp5hxgrrv96hx6twvusycn3qv9jx7ur5d9hkugr5dusx6cqzpgxqr23s79ruapxc4j5uskt4htly2salw4drq979d7rcela9wz02elhypmdzmzlnxuknpgfyfm86pntt8vvkvffma5qc9n50h4mvqhngadqy3ngqjcym5a";

fn exchange(status: u16, www: &[String], auth: Option<&str>) -> Exchange {
    let mut ex = Exchange::default();
    ex.response.status = status;
    ex.response.headers = www
        .iter()
        .map(|v| Header::new("WWW-Authenticate", v.as_str()))
        .collect();
    if let Some(a) = auth {
        ex.request.headers.push(Header::new("Authorization", a));
    }
    ex
}

fn run(ex: &Exchange, now: i64) -> Option<Diagnosis> {
    detect(&Observed::new(ex, Some(now)))
}

#[test]
fn spec_challenge_expired_then_fresh() {
    let www = vec![format!(
        "L402 version=\"0\", token=\"AGIAJEemVQUTEyNCR0exk7ek90Cg==\", invoice=\"{SPEC_INVOICE}\""
    )];
    let ex = exchange(402, &www, None);
    let d = run(&ex, 1_764_028_800).unwrap();
    assert_eq!(d.cause, Cause::PaymentChallenge);
    assert_eq!(d.confidence, Confidence::High);
    let p = d.payment.as_ref().unwrap();
    assert_eq!(p.amount.as_deref(), Some("150"));
    assert_eq!(p.amount_atomic.as_deref(), Some("150000"));
    assert_eq!(p.network_id.as_deref(), Some("lnbc"));
    assert_eq!(p.created_at.as_deref(), Some("2019-08-07T22:04:43Z"));
    assert_eq!(p.expires_at.as_deref(), Some("2019-08-08T01:04:43Z"));
    assert_eq!(p.expired, Some(true));
    assert!(d.steps[0].text.contains("fresh challenge"));
    assert!(d
        .steps
        .iter()
        .all(|s| s.snippet.as_deref() != Some(SPEC_INVOICE)));

    let fresh = run(&ex, 1_565_216_000).unwrap();
    assert_eq!(fresh.payment.as_ref().unwrap().expired, Some(false));
    assert_eq!(fresh.steps[0].snippet.as_deref(), Some(SPEC_INVOICE));
    assert!(fresh.steps.iter().any(|s| s
        .snippet
        .as_deref()
        .is_some_and(|x| x.starts_with("Authorization: L402 "))));
}

#[test]
fn aperture_two_lines_and_lsat_only() {
    let www = vec![
        format!("LSAT macaroon=\"AgEEbHNhdA==\", invoice=\"{SPEC_INVOICE}\""),
        format!("L402 macaroon=\"AgEEbHNhdA==\", invoice=\"{SPEC_INVOICE}\""),
    ];
    let d = run(&exchange(402, &www, None), 1_565_216_000).unwrap();
    assert_eq!(d.protocol, Some(Protocol::L402));
    assert_eq!(
        d.evidence
            .iter()
            .filter(|e| e.location == "www-authenticate")
            .count(),
        2
    );
    let lsat = run(&exchange(402, &www[..1], None), 1_565_216_000).unwrap();
    assert!(lsat.steps.iter().any(|s| s
        .snippet
        .as_deref()
        .is_some_and(|x| x.starts_with("Authorization: LSAT "))));
}

#[test]
fn broken_invoice_is_still_a_challenge() {
    let broken = SPEC_INVOICE.replacen("fu6x", "fu7x", 1);
    let www = vec![format!("L402 token=\"abc\", invoice=\"{broken}\"")];
    let d = run(&exchange(402, &www, None), 0).unwrap();
    assert_eq!(d.cause, Cause::PaymentChallenge);
    assert_eq!(d.confidence, Confidence::Medium);
    assert!(d.evidence.iter().any(|e| e.value.contains("checksum")));
    assert!(d.payment.unwrap().amount.is_none());
}

#[test]
fn refused_credential() {
    let www = vec![format!("L402 token=\"abc\", invoice=\"{SPEC_INVOICE}\"")];
    let good = format!("L402 abc:{}", "ab".repeat(32));
    let d = run(&exchange(402, &www, Some(&good)), 0).unwrap();
    assert_eq!(d.cause, Cause::PaymentRejected);
    assert_eq!(d.confidence, Confidence::High);
    assert!(!d
        .evidence
        .iter()
        .any(|e| e.value.contains(&"ab".repeat(32))));
    let bad = run(&exchange(402, &[], Some("LSAT abc:xyz")), 0).unwrap();
    assert_eq!(bad.cause, Cause::PaymentRejected);
    assert!(bad.explanation.contains("64 hexadecimal"));
}

#[test]
fn not_l402() {
    assert!(run(&exchange(402, &["Basic realm=\"x\"".into()], None), 0).is_none());
    assert!(run(&exchange(401, &[], Some("L402 a:b")), 0).is_none());
    assert!(run(&exchange(200, &["L402 token=\"a\"".into()], None), 0).is_none());
    let d = run(&exchange(402, &["L402 token=\"a\"".into()], None), 0).unwrap();
    assert_eq!(d.confidence, Confidence::Medium);
    assert!(d.explanation.contains("no invoice"));
}
