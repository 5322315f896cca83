use super::*;

#[test]
fn secret_headers_are_masked_whole() {
    assert_eq!(
        header_value("Authorization", "Bearer sk-abc123456789"),
        "Bearer [redacted]"
    );
    assert_eq!(header_value("cookie", "a=b; c=d"), "[redacted]");
    assert_eq!(header_value("X-API-Key", "abcdef"), "[redacted]");
    assert_eq!(header_value("X-Session-Id", "Zq81kd"), "[redacted]");
    assert_eq!(
        header_value("WWW-Authenticate", r#"Bearer realm="api""#),
        r#"Bearer realm="api""#
    );
}

#[test]
fn spelling_variants_of_the_word_list_are_secret() {
    for k in HAR_SANITIZER_WORDS {
        assert!(is_secret_key(k), "{k}");
    }
    for k in [
        "clientSecret",
        "X-Auth-Token",
        "session_id",
        "api-key",
        "PASSWORD",
        "refresh_token",
        "x-goog-api-key",
        "AuthCode",
    ] {
        assert!(is_secret_key(k), "{k}");
    }
    for k in [
        "amount",
        "payTo",
        "network",
        "asset",
        "max_tokens",
        "message",
    ] {
        assert!(!is_secret_key(k), "{k}");
    }
}

#[test]
fn codes_stay_when_identifier_shaped() {
    for (k, v) in [
        ("decline_code", "insufficient_funds"),
        ("code", "card_declined"),
        ("code", "PAYMENT_REQUIRED"),
        ("code", "402"),
        ("state", "active"),
        ("error_code", "fraudulent"),
    ] {
        assert!(!hides(k, v), "{k}={v}");
    }
    for (k, v) in [
        ("code", "SplxlOBeZQQYbYS6WxSbIA"),
        ("state", "af0ifjsldkj"),
        ("code", "4/0AX4XfWh"),
        ("state", "kjhgfdsaqw"),
    ] {
        assert!(hides(k, v), "{k}={v}");
    }
}

#[test]
fn key_shaped_tokens_in_text_are_masked() {
    let t = text("Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Bye");
    assert!(!t.contains("abcdefghijklmnop"), "{t}");
    assert!(t.contains("sk-…1234"), "{t}");
    let t = text("use Authorization: Bearer abcdefghijklmnopqrstuvwxyz0 now");
    assert!(!t.contains("abcdefghijklmnopqrstuvwxyz"), "{t}");
    let t = text(r#"{"api_key": "supersecretvalue"}"#);
    assert!(!t.contains("supersecretvalue"), "{t}");
    assert_eq!(text("plain words stay"), "plain words stay");
    assert_eq!(text("Payment required"), "Payment required");
    let t = text(r#"L402 version="0", token="AGIAJEemVQUTEyNCR0exk7ek90Cg==", invoice="lnbc1""#);
    assert!(!t.contains("AGIAJEem"), "{t}");
    assert!(t.contains(r#"token="[redacted]""#), "{t}");
    let t = text("bad credential L402 AgEEbHNhdAJCAAA9:4f346baeff5a99cc6c5636b1e72ff750");
    assert!(!t.contains("AgEEbHNh") && !t.contains("4f346bae"), "{t}");
    let t = text("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here");
    assert!(!t.contains("c2lnbmF0dXJl"), "{t}");
    let t = text("model=sk-proj-abcdefghijklmnop1234 ok");
    assert_eq!(t, "model=sk-…1234 ok");
    let t = text("client secret pi_3Mtw_secret_YrKJUKribcBjcG8Hv");
    assert!(!t.contains("YrKJUK"), "{t}");
}

#[test]
fn urls_in_text_lose_query_values_and_userinfo() {
    let t =
        text(r#"see "https://u:Pw9xYz@api.test/a?x=1&state=Zq81kdLmX0&alt=json#token=v1xY" now."#);
    assert_eq!(
        t,
        r#"see "https://[redacted]@api.test/a?x=1&state=[redacted]&alt=json#token=[redacted]" now."#
    );
}

#[test]
fn prose_after_a_colon_is_not_a_value() {
    for t in [
        "its message is about authentication: some APIs send 402",
        "Unauthorized: missing API key",
        "Retry with a Payment credential: base64url (no padding) of JSON",
        "(for this token: name \"USD Coin\", version \"2\")",
        "Signature-Input: sig1=(\"@authority\");tag=\"web-bot-auth\"",
        "a Web Bot Auth signature: make sure it verifies",
    ] {
        assert_eq!(text(t), t);
    }
    let t = text("Invalid password: Zq81kdLmX0pa4");
    assert_eq!(t, "Invalid password: [redacted]");
    assert_eq!(text(r#"{"pin": 123456}"#), r#"{"pin": [redacted]}"#);
}

#[test]
fn links_keep_harmless_query_values() {
    assert_eq!(
        link("https://dash.cloudflare.com/?to=/:account/billing"),
        "https://dash.cloudflare.com/?to=/:account/billing"
    );
    assert_eq!(
        link("https://dashboard.stripe.com/logs/req_1?t=1674232778&token=Zq81kdLmX0pa"),
        "https://dashboard.stripe.com/logs/req_1?t=1674232778&token=[redacted]"
    );
}

#[test]
fn url_query_values_are_masked() {
    let u = url(
        "https://generativelanguage.googleapis.com/v1/models?key=AIzaSyABCDEFGHIJKLMNOP&alt=sse",
    );
    assert!(!u.contains("ABCDEFGHIJ"), "{u}");
    assert!(u.contains("alt=sse"));
    assert_eq!(
        url("https://x.test/p?q=1&flag"),
        "https://x.test/p?q=[redacted]&flag"
    );
}

#[test]
fn stored_request_headers_keep_only_the_allow_list() {
    assert_eq!(
        stored_request_header("Origin", "https://a.test"),
        "https://a.test"
    );
    assert_eq!(stored_request_header("X-Custom", "abc"), "[redacted]");
    assert_eq!(
        stored_request_header("Authorization", "Payment eyJabc"),
        "Payment [redacted]"
    );
}

#[test]
fn redaction_is_idempotent() {
    for s in [
        "token=[redacted] and sk-…1234 and https://[redacted]@x.test/?a=[redacted]",
        "Bearer [redacted]",
        "see https://u:x*i?token=[redacted]",
        "t*oken_secret_=[redacted]",
        "rk_test_…ecre=[redacted]",
        "L402 [redacted]\":!\"pi",
        "rk_test_t.ojwtk=[redacted]",
        "ees?passwts:whsec_…ppid=",
        "see https://[redacted]@xassertion.thtp:st//[redacted]@x.tes?tes?t/a?tBke.tr=",
        "see https://[redacted]@x.thttps://[redacted]@x.tes?tes?t/a?tBke.tr=",
    ] {
        assert_eq!(text(s), s);
    }
}

#[test]
fn never_panics_on_unicode() {
    let _ = text("ключ sk-ключключключключ 🎉 Bearer 🎉🎉🎉🎉🎉🎉🎉🎉 https://ü@🎉/?ü=🎉#🎉=1");
    let _ = url("https://ü.example/?key=ü&x=🎉#f");
    let _ = text("sk-abcdefgh🎉ij");
}
