use super::*;
use std::collections::HashSet;

#[test]
fn catalog_parses_and_ids_are_unique_lowercase() {
    let all = all();
    assert!(all.len() >= 30, "only {} providers", all.len());
    let mut seen = HashSet::new();
    for p in all {
        assert!(seen.insert(p.id), "duplicate id {}", p.id);
        assert!(
            p.id.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit()),
            "id {}",
            p.id
        );
        assert!(!p.name.is_empty() && !p.kind.is_empty());
        assert!(!p.hosts.is_empty() || !p.signatures.body_any.is_empty());
        for d in p.hosts.iter().chain(p.app_hosts) {
            assert!(
                !d.contains('/') && !d.contains(':') && *d == d.to_ascii_lowercase(),
                "{}: host {d}",
                p.id
            );
        }
        for r in p.rules {
            let w = &r.when;
            assert!(
                !w.status.is_empty()
                    || !w.json.is_empty()
                    || !w.body_any.is_empty()
                    || !w.headers.is_empty(),
                "{}: a rule with no condition",
                p.id
            );
        }
    }
}

#[test]
fn links_are_https() {
    for p in all() {
        for url in p.billing_url.iter().chain(p.docs_url.iter()) {
            assert!(url.starts_with("https://"), "{}: {url}", p.id);
        }
    }
}

#[test]
fn generic_steps_name_the_provider() {
    let p = by_id("mistral").expect("mistral");
    let steps = provider_steps(p, Cause::PaymentMethodMissing);
    assert!(steps[0]
        .text
        .starts_with("Open the Mistral AI billing page"));
    assert_eq!(steps[0].link.as_deref(), p.billing_url);
    let steps = provider_steps(p, Cause::Unknown);
    assert_eq!(steps.len(), 6);
    assert!(provider_steps(p, Cause::RateLimited)
        .iter()
        .all(|s| s.link.is_none()));
}

#[test]
fn signatures_identify_proxied_providers() {
    let e = crate::knowledge::test_exchange(
        "https://proxy.example/api",
        402,
        r#"{"error":"Project Over Limit","message":"Usage is over limit.","status_code":402}"#,
    );
    let obs = Observed::new(&e, None);
    let d = detect(&obs).expect("diagnosed");
    assert_eq!(d.provider.as_deref(), Some("blockfrost"));
    assert_eq!(d.cause, Cause::PlanLimitReached);
    assert!(d
        .evidence
        .iter()
        .any(|ev| ev.location == "error" && ev.value == "Project Over Limit"));
}

#[test]
fn app_hosts_only_speak_through_rules() {
    let on = |url: &str, body: &str| {
        let e = crate::knowledge::test_exchange(url, 402, body);
        detect(&Observed::new(&e, None)).and_then(|d| d.provider)
    };
    // An app's own 402 on a platform domain is the app's, not the platform's.
    assert_eq!(
        on("https://my-api.vercel.app/x", "Insufficient credits"),
        None
    );
    assert_eq!(
        on("https://my-api.vercel.app/x", "Code: DEPLOYMENT_DISABLED"),
        Some("vercel".into())
    );
}

#[test]
fn by_id_finds_known_providers() {
    for id in [
        "openai",
        "anthropic",
        "google",
        "openrouter",
        "stripe",
        "vercel",
        "shopify",
    ] {
        assert!(by_id(id).is_some(), "{id}");
    }
    assert!(by_id("nope").is_none());
}
