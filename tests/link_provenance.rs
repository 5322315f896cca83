//! Links have provenance: a URL the server put in its response (Stripe's `doc_url` and
//! `request_log_url` here) is listed in `response_links` and the report shows it as "from the
//! response" with its host, never under the provider's labels; knowledge links keep theirs.

use serde_json::json;
use why402::{diagnose, Context, Exchange};

fn stripe_decline(doc_url: Option<&str>, log_url: Option<&str>) -> Exchange {
    let body = json!({"error": {
        "type": "card_error", "code": "card_declined", "decline_code": "fraudulent",
        "message": "Your card was declined.", "doc_url": doc_url, "request_log_url": log_url,
    }});
    let entry = json!({
        "request": {"method": "POST", "url": "https://api.stripe.com/v1/charges", "headers": []},
        "response": {"status": 402, "statusText": "Payment Required",
            "headers": [{"name": "Content-Type", "value": "application/json"}],
            "content": {"mimeType": "application/json", "text": body.to_string()}},
    });
    Exchange::from_json(&entry).expect("a HAR entry")
}

fn report(ex: &Exchange) -> (why402::Diagnosis, String) {
    let d = diagnose(ex, &Context::default()).expect("a diagnosis");
    let items = [(1, "POST".to_string(), ex.request.url.clone(), d.clone())];
    (d, why402::report::markdown(&items))
}

#[test]
fn response_urls_are_the_responses_in_the_report() {
    let (d, md) = report(&stripe_decline(
        Some("https://evil.test/docs/card-declined"),
        Some("https://evil.test/logs/req_1"),
    ));
    assert_eq!(d.provider.as_deref(), Some("stripe"));
    assert!(d
        .response_links
        .contains(&"https://evil.test/docs/card-declined".to_string()));
    assert!(d
        .response_links
        .contains(&"https://evil.test/logs/req_1".to_string()));
    assert!(md.contains("from the response (evil.test)"), "{md}");
    assert!(
        !md.contains("[Error documentation](https://evil.test"),
        "{md}"
    );
    assert!(!md.contains("[link](https://evil.test"), "{md}");
}

#[test]
fn plain_http_response_urls_are_not_links() {
    let (_, md) = report(&stripe_decline(
        Some("http://evil.test/docs"),
        Some("http://evil.test/logs"),
    ));
    assert!(!md.contains("](http://evil.test"), "{md}");
    assert!(md.contains("from the response (evil.test)"), "{md}");
}

#[test]
fn knowledge_links_keep_their_labels() {
    // No doc_url: the step links to the knowledge data's declines page.
    let (d, md) = report(&stripe_decline(None, None));
    assert!(d.response_links.is_empty(), "{:?}", d.response_links);
    assert!(md.contains("[link](https://"), "{md}");
    assert!(!md.contains("from the response"), "{md}");
}
