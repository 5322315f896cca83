//! Where a link came from. Links written in the knowledge data (billing pages, docs, specs) may
//! be shown under a provider's name; a URL the server put in its response (Stripe's `doc_url`
//! and `request_log_url`, an x402 registration URL, …) is the server's word, so it is listed in
//! [`Diagnosis::response_links`] and shown as "from the response" with its host.
//!
//! Marking is by search rather than by each detector remembering to do it: a detector that
//! copies a URL out of the response gets it marked without knowing about this module.

use serde_json::Value;

use super::diagnosis::Diagnosis;
use super::exchange::Exchange;
use super::observed::parse_json;
use crate::decode::base64;

/// Header values longer than this are not base64-decoded for the search (x402 headers are a
/// few KiB; this bounds the work on hostile input).
const MAX_DECODED_HEADER: usize = 64 * 1024;
/// JSON string values visited per document.
const MAX_JSON_STRINGS: usize = 10_000;

/// Adds to `d.response_links` every link of the diagnosis (step links, `billing_url`,
/// `docs_url`) that occurs in the response: its body text, a JSON string in it, a header value,
/// or a base64 header value decoded (x402 v2 sends its terms that way).
pub fn mark_response_links(d: &mut Diagnosis, exchange: &Exchange, body: Option<&str>) {
    let links: Vec<String> = d
        .steps
        .iter()
        .filter_map(|s| s.link.clone())
        .chain(d.billing_url.clone())
        .chain(d.docs_url.clone())
        .filter(|l| !l.is_empty() && !d.response_links.contains(l))
        .collect();
    if links.is_empty() {
        return;
    }
    let mut texts: Vec<String> = Vec::new();
    if let Some(b) = body {
        texts.push(b.to_string());
    }
    for h in &exchange.response.headers {
        texts.push(h.value.clone());
        if h.value.len() <= MAX_DECODED_HEADER {
            if let Some(decoded) = base64::decode_to_string(&h.value) {
                texts.push(decoded);
            }
        }
    }
    // JSON escapes (`https:\/\/…`, `\u002f`) would hide a URL from a plain text search: the
    // parsed strings are searched too.
    let mut strings = Vec::new();
    for t in &texts {
        if let Some(v) = parse_json(t) {
            json_strings(&v, &mut strings);
        }
    }
    texts.extend(strings);
    for link in links {
        if texts.iter().any(|t| t.contains(link.as_str())) {
            d.response_links.push(link);
        }
    }
}

fn json_strings(v: &Value, out: &mut Vec<String>) {
    // An explicit stack: no recursion depth to worry about on hostile nesting.
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        if out.len() >= MAX_JSON_STRINGS {
            return;
        }
        match v {
            Value::String(s) => out.push(s.clone()),
            Value::Array(items) => stack.extend(items.iter()),
            Value::Object(map) => stack.extend(map.values()),
            _ => {}
        }
    }
}

/// The host of an absolute URL (`https://docs.stripe.com/x` → `docs.stripe.com`), without
/// user info or port; `None` when there is none.
pub fn host(url: &str) -> Option<&str> {
    let (_, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next().unwrap_or(rest);
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let host = match host.rsplit_once(':') {
        Some((h, port)) if port.bytes().all(|b| b.is_ascii_digit()) => h,
        _ => host,
    };
    (!host.is_empty()).then_some(host)
}

/// True for an `https:` URL (scheme case-insensitive): the only response links made clickable.
pub fn is_https(url: &str) -> bool {
    url.get(..8)
        .is_some_and(|s| s.eq_ignore_ascii_case("https://"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnosis::{Cause, Confidence, Step};
    use crate::core::exchange::Header;

    fn exchange(headers: &[(&str, &str)]) -> Exchange {
        let mut ex = Exchange::default();
        ex.response.status = 402;
        ex.response.headers = headers.iter().map(|(n, v)| Header::new(*n, *v)).collect();
        ex
    }

    fn diagnosis(links: &[&str], docs: Option<&str>) -> Diagnosis {
        let mut d = Diagnosis::new(Cause::PaymentDeclined, Confidence::High, 402);
        d.steps = links
            .iter()
            .map(|l| Step::text("x").with_link(*l))
            .collect();
        d.docs_url = docs.map(String::from);
        d
    }

    #[test]
    fn links_found_in_the_body_are_the_responses() {
        let ex = exchange(&[]);
        let mut d = diagnosis(
            &["https://evil.test/log", "https://docs.stripe.com/declines"],
            Some("https:\u{2f}/evil.test/doc"),
        );
        let body = r#"{"error":{"doc_url":"https:\/\/evil.test\/doc","request_log_url":"https://evil.test/log"}}"#;
        mark_response_links(&mut d, &ex, Some(body));
        assert_eq!(
            d.response_links,
            vec!["https://evil.test/log", "https://evil.test/doc"]
        );
    }

    #[test]
    fn links_inside_a_base64_header_are_the_responses() {
        let json = r#"{"extensions":{"x":{"info":{"registrationUrl":"https://reg.test/a"}}}}"#;
        let ex = exchange(&[("PAYMENT-REQUIRED", &base64::encode(json.as_bytes()))]);
        let mut d = diagnosis(
            &["https://reg.test/a", "https://github.com/coinbase/x402"],
            None,
        );
        mark_response_links(&mut d, &ex, None);
        assert_eq!(d.response_links, vec!["https://reg.test/a"]);
    }

    #[test]
    fn knowledge_links_stay_ours() {
        let ex = exchange(&[("Retry-After", "60")]);
        let mut d = diagnosis(&["https://openrouter.ai/settings/credits"], None);
        mark_response_links(&mut d, &ex, Some("{\"error\":\"no credits\"}"));
        assert!(d.response_links.is_empty());
    }

    #[test]
    fn host_and_scheme() {
        assert_eq!(host("https://u:p@Docs.Test:8443/a?b"), Some("Docs.Test"));
        assert_eq!(host("https://x.test"), Some("x.test"));
        assert_eq!(host("nope"), None);
        assert!(is_https("HTTPS://x.test"));
        assert!(!is_https("http://x.test"));
        assert!(!is_https("javascript:x"));
    }
}
