use super::*;

fn details(json: &str) -> WebRequestDetails {
    let v = serde_json::from_str(json).expect("test details are JSON");
    WebRequestDetails::from_json(&v).expect("test details read")
}

const CROSS: &str = r#"{"requestId":"123","url":"https://api.example.com/v1/chat?key=AIzaSyABCDEFGHIJKLMNOPQRST&x=1",
        "method":"POST","statusCode":402,"statusLine":"HTTP/1.1 402 Payment Required",
        "responseHeaders":[{"name":"Content-Type","value":"application/json"},{"name":"X-Bin","binaryValue":[1,2]}],
        "tabId":7,"initiator":"https://app.example.org","type":"xmlhttprequest","timeStamp":1764069780000.5}"#;

#[test]
fn web_request_maps_to_har_with_cross_origin_origin() {
    let d = details(CROSS);
    assert_eq!(d.request_id.as_text(), "123");
    assert_eq!(d.tab_id, 7);
    let e = d.to_entry();
    assert_eq!(e.request.method, "POST");
    assert_eq!(e.response.status, 402);
    assert_eq!(e.response.status_text, "Payment Required");
    assert_eq!(e.request_header("origin"), Some("https://app.example.org"));
    assert_eq!(e.header("content-type"), Some("application/json"));
    assert_eq!(e.header("x-bin"), Some(""));
    assert_eq!(e.response.content.text, None);
    assert_eq!(e.started_date_time.as_deref(), Some("2025-11-25T11:23:00Z"));
}

#[test]
fn same_origin_and_navigations_get_no_origin_header() {
    let mut d = details(CROSS);
    d.initiator = Some("https://api.example.com".into());
    d.url = "https://API.example.com:443/v1".into();
    assert_eq!(d.to_entry().request_header("origin"), None);
    let mut d = details(CROSS);
    d.kind = Some("main_frame".into());
    assert_eq!(d.to_entry().request_header("origin"), None);
    let mut d = details(CROSS);
    d.initiator = None;
    assert!(d.to_entry().request.headers.is_empty());
    // A non-default port is a different origin.
    let mut d = details(CROSS);
    d.url = "https://app.example.org:8443/x".into();
    assert_eq!(
        d.to_entry().request_header("origin"),
        Some("https://app.example.org")
    );
}

#[test]
fn firefox_origin_comes_from_origin_url_or_document_url() {
    let firefox = |extra: &str| {
        details(&format!(
            r#"{{"requestId":"9","url":"http://127.0.0.1:4002/api/x","statusCode":402,
                "type":"xmlhttprequest","tabId":3{extra}}}"#
        ))
    };
    let d = firefox(
        r#","originUrl":"http://127.0.0.1:4001/page?run=1","documentUrl":"http://127.0.0.1:4001/page""#,
    );
    assert_eq!(d.initiator.as_deref(), Some("http://127.0.0.1:4001"));
    assert_eq!(
        d.to_entry().request_header("origin"),
        Some("http://127.0.0.1:4001")
    );
    let d = firefox(r#","documentUrl":"https://app.example.org/a/b""#);
    assert_eq!(d.initiator.as_deref(), Some("https://app.example.org"));
    // Same origin: no Origin header, so no CORS question.
    let d = firefox(r#","originUrl":"http://127.0.0.1:4002/page""#);
    assert_eq!(d.to_entry().request_header("origin"), None);
    // Chromium's initiator wins when both are there; opaque URLs give no origin.
    let d = firefox(r#","initiator":"https://a.example","originUrl":"https://b.example/""#);
    assert_eq!(d.initiator.as_deref(), Some("https://a.example"));
    assert_eq!(firefox(r#","originUrl":"about:blank""#).initiator, None);
    assert_eq!(firefox("").initiator, None);
}

#[test]
fn the_site_icon_and_speculative_requests_are_the_browsers() {
    let of = |kind: &str, url: &str| {
        let mut d = details(CROSS);
        d.kind = Some(kind.into());
        d.url = url.into();
        d.is_browser_initiated()
    };
    assert!(of("image", "https://my-app.vercel.app/favicon.ico"));
    assert!(of("image", "https://my-app.vercel.app/FAVICON.ICO?v=2"));
    assert!(of("imageset", "https://x.test/favicon.ico#a"));
    assert!(of("speculative", "https://api.example.com/v1/chat"));
    // Page requests, including an icon the page names and fetch() of the icon path.
    assert!(!of("image", "https://x.test/static/favicon.ico"));
    assert!(!of("image", "https://x.test/paid.png"));
    assert!(!of("xmlhttprequest", "https://x.test/favicon.ico"));
    assert!(!of("main_frame", "https://x.test/favicon.ico"));
    assert!(!of("image", "https://x.test"));
    assert_eq!(url_path("https://x.test"), "/");
    assert_eq!(url_path("https://x.test?q=/favicon.ico"), "/");
    assert_eq!(url_path("no scheme/favicon.ico"), "/favicon.ico");
}

#[test]
fn minimal_details_parse_with_defaults() {
    let d = details(r#"{"requestId":5,"url":"https://x.test/","statusCode":402}"#);
    assert_eq!(d.request_id.as_text(), "5");
    assert_eq!(d.tab_id, -1);
    let e = d.to_entry();
    assert_eq!(e.response.status_text, "");
    assert_eq!(e.started_date_time, None);
}

#[test]
fn request_ids_are_strings_or_integers() {
    let id = |v: serde_json::Value| {
        let mut d = serde_json::json!({"statusCode": 402});
        d["requestId"] = v;
        WebRequestDetails::from_json(&d).map(|d| d.request_id.as_text())
    };
    assert_eq!(id("a-1".into()), Ok("a-1".into()));
    assert_eq!(id((-7).into()), Ok("-7".into()));
    assert_eq!(id(i64::MAX.into()), Ok(i64::MAX.to_string()));
    for bad in [
        1.5.into(),
        1e21.into(),
        u64::MAX.into(),
        serde_json::Value::Null,
    ] {
        let err = id(bad).expect_err("not an id");
        assert_eq!(err.path(), "requestId");
    }
    let err = WebRequestDetails::from_json(&serde_json::json!({})).expect_err("no id");
    assert_eq!(err.path(), "requestId");
}

#[test]
fn reason_phrase_handles_http2_and_junk() {
    assert_eq!(reason_phrase("HTTP/2 402"), "");
    assert_eq!(
        reason_phrase("HTTP/1.1 429 Too Many Requests"),
        "Too Many Requests"
    );
    assert_eq!(reason_phrase(""), "");
    assert_eq!(reason_phrase("🎉 🎉 🎉 🎉"), "🎉 🎉");
}

#[test]
fn sanitize_redacts_request_secrets_url_and_body() {
    let mut e = details(CROSS).to_entry();
    e.request.headers.push(Header::new(
        "Authorization",
        "Bearer sk-live-abcdefghijklmnop",
    ));
    e.request
        .headers
        .push(Header::new("Cookie", "session=abcdef123456"));
    e.request
        .headers
        .push(Header::new("X-Api-Key", "abcdef123456"));
    e.response
        .headers
        .push(Header::new("Set-Cookie", "sid=abcdef123456"));
    e.response
        .headers
        .push(Header::new("Payment-Required", "eyJ4NDAyVmVyc2lvbiI6Mn0="));
    e.response.content.text =
        Some(r#"{"error":"Incorrect API key provided: sk-proj-abcdefghijklmnop1234"}"#.into());
    let s = sanitize_entry(&e, MAX_STORED_BODY_BYTES);
    let all = serde_json::to_string(&s).unwrap_or_default();
    for secret in ["abcdefghijklmnop", "abcdef123456", "ABCDEFGHIJ"] {
        assert!(!all.contains(secret), "{secret} leaked: {all}");
    }
    assert_eq!(s.request_header("authorization"), Some("Bearer [redacted]"));
    assert_eq!(s.request_header("x-api-key"), Some("[redacted]"));
    assert!(s.request.url.ends_with("?key=[redacted]&x=[redacted]"));
    // The server's payment terms stay byte-exact.
    assert_eq!(
        s.header("payment-required"),
        Some("eyJ4NDAyVmVyc2lvbiI6Mn0=")
    );
    assert_eq!(s.request_header("origin"), Some("https://app.example.org"));
}

#[test]
fn sanitize_keeps_request_header_allow_list_and_cleans_x402_headers() {
    use crate::decode::base64::{decode_to_string, encode};
    let mut e = Exchange::default();
    e.request.headers = vec![
        Header::new("Origin", "https://app.test"),
        Header::new("X-Custom-Id", "user-12345"),
        Header::new("X-PAYMENT", "eyJ4NDAyVmVyc2lvbiI6MX0="),
    ];
    let clean = encode(br#"{"x402Version":2,"resource":{"url":"https://a.test/"}}"#);
    let dirty = encode(br#"{"resource":{"url":"https://a.test/?access_token=Zq81kdLmX0pa"}}"#);
    e.response.headers = vec![
        Header::new("PAYMENT-REQUIRED", clean.clone()),
        Header::new("X-PAYMENT-RESPONSE", dirty),
        Header::new("X-Session-Token", "Zq81kdLmX0pa"),
    ];
    let s = sanitize_entry(&e, MAX_STORED_BODY_BYTES);
    assert_eq!(s.request_header("origin"), Some("https://app.test"));
    assert_eq!(s.request_header("x-custom-id"), Some("[redacted]"));
    // Presence is kept: the x402 detector asks whether a payment was sent.
    assert_eq!(s.request_header("x-payment"), Some("[redacted]"));
    assert_eq!(s.header("payment-required"), Some(clean.as_str()));
    let settled = s.header("x-payment-response").and_then(decode_to_string);
    assert_eq!(
        settled.as_deref(),
        Some(r#"{"resource":{"url":"https://a.test/?access_token=[redacted]"}}"#)
    );
    assert_eq!(s.header("x-session-token"), Some("[redacted]"));
}

#[test]
fn sanitize_caps_body_on_a_char_boundary() {
    let mut e = Exchange::default();
    // 3-byte chars so the cap falls inside one.
    e.response.content.text = Some("€".repeat(MAX_STORED_BODY_BYTES));
    let s = sanitize_entry(&e, MAX_STORED_BODY_BYTES);
    let text = s.response.content.text.unwrap_or_default();
    assert!(text.len() <= MAX_STORED_BODY_BYTES && text.len() > MAX_STORED_BODY_BYTES - 3);
    assert!(text.chars().all(|c| c == '€'));
}

#[test]
fn sanitize_decodes_base64_bodies() {
    let mut e = Exchange::default();
    e.response.content.text = Some("eyJrZXkiOiJzdXBlcnNlY3JldHZhbHVlIn0=".into());
    e.response.content.encoding = Some("base64".into());
    let s = sanitize_entry(&e, MAX_STORED_BODY_BYTES);
    assert_eq!(s.response.content.encoding, None);
    let text = s.response.content.text.unwrap_or_default();
    assert!(text.starts_with("{\"key\":"), "{text}");
    assert!(!text.contains("supersecretvalue"), "{text}");
}

/// The stored credential keeps what the L402 diagnosis reads, and none of the secret.
#[test]
fn l402_credentials_keep_their_shape() {
    use crate::engine::{diagnose, Context};
    let hex = "4f346baeff5a99cc6c5636b1e72ff750f4aa0e2fc1250482fc38e06a9822a7dc";
    let ctx = Context { now_unix: None };
    for cred in [
        format!("L402 AgEEbHNhdAJCAAAsecret:{hex}"),
        format!("LSAT AgEEbHNhdAJCAAAsecret:{}", &hex[..40]),
        format!("l402 :{hex}"),
        "L402 AgEEbHNhdAJCAAAsecret".to_string(),
        "L402 AgEEbHNhdAJCAAAsecret:".to_string(),
        format!("L402 AgEEbHNhdAJCAAAsecret:{}zz", &hex[..62]),
    ] {
        let mut e = Exchange::default();
        e.response.status = 402;
        e.request.headers.push(Header::new("Authorization", &cred));
        let s = sanitize_entry(&e, MAX_STORED_BODY_BYTES);
        let stored = s.request_header("authorization").unwrap_or("");
        assert!(
            !stored.contains("secret") && !stored.contains(&hex[..40]),
            "{stored}"
        );
        assert_eq!(diagnose(&s, &ctx), diagnose(&e, &ctx), "{cred} -> {stored}");
    }
    // Other schemes are redacted whole.
    let mut e = Exchange::default();
    e.request
        .headers
        .push(Header::new("Authorization", "Bearer a:b"));
    assert_eq!(
        sanitize_entry(&e, MAX_STORED_BODY_BYTES).request_header("authorization"),
        Some("Bearer [redacted]")
    );
}

#[test]
fn sanitize_keeps_absent_body_absent() {
    let s = sanitize_entry(&Exchange::default(), MAX_STORED_BODY_BYTES);
    assert_eq!(s.response.content.text, None);
}
