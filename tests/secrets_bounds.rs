//! Output bounds: a hostile response repeating its terms ten thousand times gives a diagnosis of
//! bounded size, and says how much it left out.

use why402::engine::{MAX_ALTERNATIVES, MAX_EVIDENCE, MAX_FINDINGS, MAX_STEPS};
use why402::{diagnose, Context, Diagnosis, EvidenceSource, Exchange, Header};

const N: usize = 10_000;

fn run(headers: Vec<Header>, body: &str) -> Diagnosis {
    let mut e = Exchange::default();
    e.request.url = "https://api.example.com/x".into();
    e.response.status = 402;
    e.response.headers = headers;
    e.response.content.text = Some(body.into());
    diagnose(&e, &Context::default()).expect("a 402 is diagnosed")
}

fn assert_bounded(d: &Diagnosis) {
    assert!(
        d.evidence.len() <= MAX_EVIDENCE,
        "{} evidence",
        d.evidence.len()
    );
    assert!(
        d.findings.len() <= MAX_FINDINGS,
        "{} findings",
        d.findings.len()
    );
    assert!(d.steps.len() <= MAX_STEPS, "{} steps", d.steps.len());
    let alternatives = d.payment.as_ref().map_or(0, |p| p.alternatives.len());
    assert!(
        alternatives <= MAX_ALTERNATIVES,
        "{alternatives} alternatives"
    );
}

#[test]
fn ten_thousand_challenges_give_bounded_evidence() {
    let mut cut = 0;
    for line in [
        r#"Payment id="qB3wErTyU7iOpAsD9fGhJk", realm="api.example.com", method="invoice", intent="charge", request="eyJhbW91bnQiOiIxMDAwIiwiY3VycmVuY3kiOiJVU0QifQ""#,
        r#"L402 macaroon="AgEEbHNhdAJCAAAQ7BvVo2ZC8XKfFrFI", invoice="lnbc2500u1pvjluez""#,
        r#"Bearer realm="api", error="insufficient_quota""#,
    ] {
        let headers = (0..N)
            .map(|_| Header::new("WWW-Authenticate", line))
            .collect();
        let d = run(headers, "");
        assert_bounded(&d);
        let omitted = d.omitted.clone().unwrap_or_default();
        if omitted.evidence > 0 {
            cut += 1;
            let note = format!("{} more evidence items not shown", omitted.evidence);
            assert!(
                d.evidence
                    .iter()
                    .any(|e| e.source == EvidenceSource::Capture && e.value == note),
                "{:?}",
                d.evidence
            );
        }
    }
    // MPP and L402 each quote every challenge line as evidence: both were cut.
    assert_eq!(cut, 2);
}

#[test]
fn ten_thousand_x402_options_give_bounded_alternatives() {
    // Distinct options (amounts differ), each with lint findings (decimal amount, http resource);
    // the x402 decoder reads the first 16, the engine keeps 1 + MAX_ALTERNATIVES of them.
    let options: Vec<String> = (0..16)
        .map(|i| format!(r#"{{"scheme":"exact","network":"base-sepolia","maxAmountRequired":"1.{i}","resource":"http://x.test/","payTo":"0x209693Bc6afc0C5328bA36FaF03C514EF312287C","asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e"}}"#))
        .collect();
    let body = format!(r#"{{"x402Version":1,"accepts":[{}]}}"#, options.join(","));
    let d = run(vec![Header::new("Content-Type", "application/json")], &body);
    assert_bounded(&d);
    let omitted = d.omitted.clone().expect("options were left out");
    assert_eq!(omitted.alternatives, 15 - MAX_ALTERNATIVES, "{omitted:?}");
    let json = serde_json::to_value(&d.omitted).unwrap_or_default();
    assert_eq!(json["alternatives"], omitted.alternatives);
    assert!(d
        .evidence
        .iter()
        .any(|e| e.value.contains("more payment options not shown")));
}
