//! The Markdown report keeps hostile text inert: no raw HTML, no links but ours, every table
//! row its cells.

mod support;

use support::outside_code;
use why402::core::diagnosis::{
    Cause, Confidence, CorsVisibility, Diagnosis, Evidence, EvidenceSource, Finding, PaymentTerms,
    Retry, Severity, Step,
};
use why402::report::markdown;

fn hostile() -> Diagnosis {
    let evil = "<img src=x onerror=alert(1)> [x](javascript:alert(1)) `tick` a|b\n# head";
    let mut d = Diagnosis::new(Cause::InsufficientBalance, Confidence::High, 402);
    d.provider = Some("openrouter".into());
    d.provider_name = Some("OpenRouter".into());
    d.summary = format!("OpenRouter: {evil}");
    d.explanation = format!("1. {evil} see https://evil.example and www.evil.example");
    d.evidence = vec![
        Evidence::status(402, "Payment Required"),
        Evidence {
            source: EvidenceSource::Body,
            location: "error.message".into(),
            value: evil.into(),
        },
    ];
    d.steps = vec![
        Step::text(format!("Top up {evil}"))
            .with_link("https://openrouter.ai/settings/credits")
            .with_snippet("curl -H 'x: ```' https://x"),
        Step::text("bad link").with_link("javascript:alert(1)"),
    ];
    d.payment = Some(PaymentTerms {
        amount: Some("0.01".into()),
        asset: Some("USDC".into()),
        network: Some("Base Sepolia".into()),
        network_id: Some("eip155:84532".into()),
        testnet: Some(true),
        description: Some(evil.into()),
        alternatives: vec![PaymentTerms {
            scheme: Some("exact".into()),
            ..PaymentTerms::default()
        }],
        ..PaymentTerms::default()
    });
    d.retry = Some(Retry {
        after_seconds: 90,
        at: None,
        source: "retry-after".into(),
    });
    d.findings = vec![Finding {
        code: "x".into(),
        severity: Severity::Warning,
        message: evil.into(),
        fix: "do <b>this</b>".into(),
    }];
    d.cors = Some(CorsVisibility {
        page_can_read_response: false,
        hidden_headers: vec!["payment-required".into()],
    });
    d.billing_url = Some("https://openrouter.ai/settings/credits".into());
    d
}

#[test]
fn hostile_content_is_inert() {
    let d = hostile();
    let md = markdown(&[(
        3,
        "POST".to_string(),
        "https://api.example/v1?api_key=supersecret123&x=1".to_string(),
        d,
    )]);
    let prose = outside_code(&md).replace("\\[", "").replace("\\]", "");
    for bad in ["<", ">", "](javascript", "]("] {
        let allowed = bad == "](" && prose.matches("](").count() == 2;
        assert!(allowed || !prose.contains(bad), "{bad} in {prose}");
    }
    assert!(!md.contains("supersecret123"), "{md}");
    assert!(md.contains("\\[x\\](javascript:alert(1))"), "{md}");
    assert!(md.contains("https\\://evil.example"), "{md}");
    assert!(md.contains("www\\.evil.example"), "{md}");
    // Our own link survives; the bad one is shown as code.
    assert!(
        md.contains("[link](https://openrouter.ai/settings/credits)"),
        "{md}"
    );
    assert!(md.contains("bad link (link `javascript:alert(1)`)"), "{md}");
    // Every table row keeps exactly its cells.
    for line in md.lines().filter(|l| l.starts_with('|')) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert!(cells == 3 || cells == 4, "{line}");
    }
    // The snippet's fence is longer than the backtick run inside it.
    assert!(
        md.contains("   ````\n   curl -H 'x: ```' https://x\n   ````\n"),
        "{md}"
    );
    assert!(md.contains("## Entry 3: POST"));
    assert!(md.contains("- Network: `Base Sepolia (eip155:84532), a test network`"));
    assert!(md.contains("### Retry\n\nRetry after "), "{md}");
    assert!(md.starts_with("# Why 402 report\n\n1 payment problem found.\n"));
}
