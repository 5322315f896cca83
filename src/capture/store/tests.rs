use super::tab::{body_bytes, MAX_PENDING, MAX_PENDING_BYTES};
use super::*;
use crate::capture::merge::{MAX_BODY_BYTES_PER_TAB, MAX_RECORDS_PER_TAB};
use crate::core::exchange::Header;

const T0: u64 = 1_764_069_780_000;
const URL: &str = "https://api.example.com/v1/x";
const BODY: &str = r#"{"error":{"message":"Insufficient credits. Add more at https://example.com/billing","code":402}}"#;

fn net(id: u32, url: &str, status: u16, at: u64) -> WebRequestDetails {
    let v = serde_json::json!({
        "requestId": id.to_string(), "url": url, "method": "POST", "statusCode": status,
        "statusLine": format!("HTTP/1.1 {status} X"), "tabId": 1, "type": "xmlhttprequest",
        "timeStamp": at as f64,
        "responseHeaders": [{"name": "Content-Type", "value": "application/json"},
                            {"name": "X-Only-On-The-Wire", "value": "1"}],
    });
    WebRequestDetails::from_json(&v).unwrap_or_else(|e| panic!("{e}"))
}

fn page(url: &str, status: u16, body: &str) -> Exchange {
    let mut e = Exchange::default();
    e.request.method = "POST".into();
    e.request.url = url.into();
    e.response.status = status;
    e.response.headers = vec![Header::new("content-type", "application/json")];
    e.response.content.text = Some(body.into());
    e
}

fn list(store: &Store) -> Vec<&Record> {
    store.records(1).collect()
}

fn assert_one_with_body(store: &Store, source: Source) {
    let l = list(store);
    assert_eq!(
        l.len(),
        1,
        "{:?}",
        l.iter().map(|r| &r.id).collect::<Vec<_>>()
    );
    let r = l[0];
    assert!(r.has_body);
    assert_eq!(r.source, source);
    assert_eq!(r.request_id.as_deref(), Some("7"));
    assert_eq!(r.id, "wr-7");
    assert_eq!(r.entry.header("x-only-on-the-wire"), Some("1"));
    assert_eq!(
        r.diagnosis.cause,
        crate::core::diagnosis::Cause::InsufficientBalance
    );
}

#[test]
fn network_then_page_and_page_then_network_give_the_same_record() {
    let mut a = Store::new();
    assert!(a.observe_network(&net(7, URL, 402, T0), T0));
    assert!(!list(&a)[0].has_body);
    assert!(a
        .observe_entry(1, page(URL, 402, BODY), Source::Page, T0 + 50)
        .changed());
    assert_one_with_body(&a, Source::Page);

    let mut b = Store::new();
    assert_eq!(
        b.observe_entry(1, page(URL, 402, BODY), Source::Page, T0 - 1),
        Observed::Held
    );
    assert!(!b
        .observe_entry(1, page(URL, 402, BODY), Source::Page, T0)
        .changed());
    assert_eq!(b.count(1), 0, "a page capture alone creates nothing");
    assert!(b.observe_network(&net(7, URL, 402, T0 + 140), T0 + 140));
    assert_one_with_body(&b, Source::Page);
}

#[test]
fn devtools_in_any_order_gives_one_record_with_its_body() {
    let orders: [&[char]; 6] = [
        &['n', 'p', 'd'],
        &['n', 'd', 'p'],
        &['p', 'n', 'd'],
        &['p', 'd', 'n'],
        &['d', 'n', 'p'],
        &['d', 'p', 'n'],
    ];
    for order in orders {
        let mut s = Store::new();
        for (i, step) in order.iter().enumerate() {
            let at = T0 + 30 * i as u64;
            match step {
                'n' => s.observe_network(&net(7, URL, 402, at), at),
                'p' => s
                    .observe_entry(1, page(URL, 402, BODY), Source::Page, at)
                    .changed(),
                _ => s
                    .observe_entry(1, page(URL, 402, BODY), Source::Devtools, at)
                    .changed(),
            };
        }
        let l = list(&s);
        assert_eq!(l.len(), 1, "{order:?}");
        assert_eq!(l[0].source, Source::Devtools, "{order:?}");
        assert_eq!(l[0].request_id.as_deref(), Some("7"), "{order:?}");
        assert!(l[0].has_body, "{order:?}");
        // The pending page copy was used up or dropped: nothing left to attach to a later request.
        assert!(s.tabs[&1].pending.is_empty(), "{order:?}");
    }
}

#[test]
fn a_page_capture_without_a_sighting_expires() {
    let mut s = Store::new();
    s.observe_entry(1, page(URL, 402, BODY), Source::Page, T0);
    // Any later event prunes it.
    s.observe_network(
        &net(8, "https://other.test/", 402, T0 + PENDING_MS + 1),
        T0 + PENDING_MS + 1,
    );
    assert_eq!(s.count(1), 1);
    assert!(!list(&s)[0].has_body);
    assert!(s.tabs[&1].pending.is_empty());
}

#[test]
fn forged_page_captures_cannot_create_or_alter_records() {
    let mut s = Store::new();
    let mut evil = page("https://api.stripe.com/v1/charges", 402, BODY);
    assert!(!s.observe_entry(1, evil.clone(), Source::Page, T0).changed());
    assert_eq!(s.count(1), 0);
    // A body for a response that already has one (from DevTools) changes nothing.
    s.observe_network(&net(7, URL, 402, T0), T0);
    s.observe_entry(1, page(URL, 402, BODY), Source::Devtools, T0);
    let before = list(&s)[0].clone();
    assert!(!s
        .observe_entry(1, page(URL, 402, "{\"evil\":1}"), Source::Page, T0)
        .changed());
    assert_eq!(list(&s)[0], &before);
    // Shapes the relay would refuse are refused here too.
    evil.request.url = "javascript:alert(1)".into();
    assert!(!acceptable_page_entry(&evil));
    let mut big = page(URL, 402, &"x".repeat(PAGE_BODY_BYTES + 1));
    assert!(!acceptable_page_entry(&big));
    big.response.content.text = Some(String::new());
    assert!(!acceptable_page_entry(&big));
}

#[test]
fn a_body_gives_a_diagnosis_to_a_sighting_whose_headers_said_nothing() {
    let url = "https://api.anthropic.com/v1/messages";
    let body = r#"{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}"#;
    for page_first in [false, true] {
        let mut s = Store::new();
        if page_first {
            s.observe_entry(1, page(url, 400, body), Source::Page, T0);
        }
        s.observe_network(&net(7, url, 400, T0), T0);
        if !page_first {
            assert_eq!(s.count(1), 0, "a plain 400 is no record on its own");
            s.observe_entry(1, page(url, 400, body), Source::Page, T0 + 10);
        }
        let l = list(&s);
        assert_eq!(l.len(), 1, "page first: {page_first}");
        assert_eq!(l[0].id, "wr-7");
        assert_eq!(l[0].diagnosis.provider.as_deref(), Some("anthropic"));
    }
}

#[test]
fn a_burst_keeps_the_newest_records_each_with_its_body() {
    let mut s = Store::new();
    for i in 0..1_100u32 {
        let url = format!("{URL}?n={i}");
        let at = T0 + u64::from(i);
        s.observe_network(&net(i, &url, 402, at), at);
        // The page's copies lag a little behind, as in a real burst.
        if i >= 20 {
            let j = i - 20;
            s.observe_entry(
                1,
                page(&format!("{URL}?n={j}"), 402, BODY),
                Source::Page,
                at,
            );
        }
    }
    for j in 1_080..1_100u32 {
        s.observe_entry(
            1,
            page(&format!("{URL}?n={j}"), 402, BODY),
            Source::Page,
            T0 + 1_200,
        );
    }
    let l = list(&s);
    assert_eq!(l.len(), MAX_RECORDS_PER_TAB);
    assert_eq!(l[0].id, "wr-1000");
    assert_eq!(l[MAX_RECORDS_PER_TAB - 1].id, "wr-1099");
    assert!(
        l.iter().all(|r| r.has_body),
        "every kept record has its body"
    );
    assert!(s.tabs[&1].by_key.len() == MAX_RECORDS_PER_TAB);
    assert!(s.tabs[&1].by_request.len() == MAX_RECORDS_PER_TAB);
}

#[test]
fn bodies_are_bounded_per_tab_keeping_the_newest() {
    let mut s = Store::new();
    let big = format!(
        "{{\"error\":\"Insufficient credits\",\"pad\":\"{}\"}}",
        "x".repeat(60_000)
    );
    for i in 0..40u32 {
        let url = format!("{URL}?n={i}");
        let at = T0 + u64::from(i);
        s.observe_network(&net(i, &url, 402, at), at);
        s.observe_entry(1, page(&url, 402, &big), Source::Page, at);
    }
    let l = list(&s);
    let bytes: usize = l.iter().map(|r| body_bytes(r)).sum();
    assert!(bytes <= MAX_BODY_BYTES_PER_TAB, "{bytes}");
    assert_eq!(l.last().map(|r| r.id.as_str()), Some("wr-39"));
    assert!(l.len() >= 10);
}

#[test]
fn navigation_clears_only_what_came_before_it() {
    let mut s = Store::new();
    s.observe_network(&net(1, "https://old.test/", 402, T0), T0);
    // Firefox: the new page's capture and response arrive before the navigation's own event.
    s.observe_entry(1, page(URL, 402, BODY), Source::Page, T0 + 1_000);
    s.observe_network(&net(7, URL, 402, T0 + 1_100), T0 + 1_100);
    assert!(s.clear_before(1, T0 + 500));
    assert_one_with_body(&s, Source::Page);
    assert!(!s.clear_before(1, T0 + 500));
    // Indexes still work after the clear.
    assert!(s.mark_page_error(1, "7", "net::ERR_FAILED"));
    assert!(
        !s.observe_network(&net(7, URL, 402, T0 + 1_100), T0 + 1_200),
        "repeat event"
    );
}

#[test]
fn page_errors_and_page_failures() {
    let mut s = Store::new();
    s.observe_network(&net(7, URL, 402, T0), T0);
    assert!(!s.mark_page_error(1, "8", "net::ERR_FAILED"));
    assert!(!s.mark_page_error(2, "7", "net::ERR_FAILED"));
    assert!(s.mark_page_error(1, "7", "net::ERR_FAILED"));
    assert_eq!(list(&s)[0].page_error.as_deref(), Some("net::ERR_FAILED"));

    let mut f = Store::new();
    f.observe_network(&net(7, URL, 402, T0), T0);
    assert!(!f.mark_page_failure(1, "POST", "https://else.test/", "TypeError", T0));
    assert!(f.mark_page_failure(
        1,
        "post",
        URL,
        "NetworkError when attempting to fetch resource.",
        T0 + 5
    ));
    assert!(
        !f.mark_page_failure(1, "POST", URL, "again", T0 + 5),
        "marked once"
    );
    // A response whose body the page read was not hidden from it.
    let mut g = Store::new();
    g.observe_network(&net(7, URL, 402, T0), T0);
    g.observe_entry(1, page(URL, 402, BODY), Source::Page, T0);
    assert!(!g.mark_page_failure(1, "POST", URL, "TypeError", T0));
}

#[test]
fn stored_lists_load_as_they_are() {
    let mut s = Store::new();
    s.observe_network(&net(7, URL, 402, T0), T0);
    s.observe_entry(1, page(URL, 402, BODY), Source::Page, T0);
    let stored: Vec<serde_json::Value> = s
        .records(1)
        .map(|r| serde_json::to_value(r).unwrap_or_default())
        .collect();
    let mut again = Store::new();
    assert!(!again.load(1, stored.clone()), "nothing to rewrite");
    assert_eq!(list(&again), list(&s));
    // After a restart the indexes work: the same event is recognised, DevTools merges in.
    assert!(!again.observe_network(&net(7, URL, 402, T0), T0 + 5));
    assert!(again
        .observe_entry(1, page(URL, 402, BODY), Source::Devtools, T0 + 5)
        .changed());
    assert_eq!(again.count(1), 1);
    // Records of another tab or schema, or garbage, are rewritten.
    let mut bad = stored;
    bad.push(serde_json::json!({"schema": 2, "pad": "x"}));
    let mut third = Store::new();
    assert!(third.load(1, bad));
    assert_eq!(third.count(1), 1);
    assert!(third.load(
        2,
        vec![serde_json::to_value(list(&s)[0]).unwrap_or_default()]
    ));
    assert_eq!(third.count(2), 0);
}

#[test]
fn only_candidates_and_tabs_count() {
    let mut s = Store::new();
    assert!(!s.observe_network(&net(1, URL, 200, T0), T0));
    assert!(!s.observe_network(&net(2, URL, 404, T0), T0));
    let mut d = net(3, URL, 402, T0);
    d.tab_id = -1;
    assert!(!s.observe_network(&d, T0));
    assert!(!s
        .observe_entry(1, page(URL, 200, BODY), Source::Devtools, T0)
        .changed());
    assert_eq!(s.count(1), 0);
}

#[test]
fn a_replayed_page_capture_stands_in_for_a_lost_sighting() {
    let mut s = Store::new();
    assert!(s
        .observe_replayed_page(1, page(URL, 402, BODY), T0, T0)
        .changed());
    assert_eq!(s.count(1), 1);
    assert_eq!(list(&s)[0].source, Source::Page);
    // The same again, or webRequest's replayed event, merges into it.
    assert!(!s
        .observe_replayed_page(1, page(URL, 402, BODY), T0 + 5, T0 + 5)
        .changed());
    assert!(s.observe_network(&net(7, URL, 402, T0 + 10), T0 + 10));
    assert_eq!(s.count(1), 1);
    assert_eq!(list(&s)[0].request_id.as_deref(), Some("7"));
    // When the sighting survived, the replay just adds the body.
    let mut t = Store::new();
    t.observe_network(&net(7, URL, 402, T0), T0);
    assert!(t
        .observe_replayed_page(1, page(URL, 402, BODY), T0, T0)
        .changed());
    assert_one_with_body(&t, Source::Page);
}

#[test]
fn a_capture_sent_again_does_not_bring_back_a_record_pushed_out() {
    let mut s = Store::new();
    let url = |i: u32| format!("{URL}/{i}");
    // Written once (sighting, then the page's body)...
    s.observe_network(&net(0, &url(0), 402, T0), T0);
    s.observe_entry(1, page(&url(0), 402, BODY), Source::Page, T0);
    // ...then pushed out by a burst of newer failures...
    for i in 1..=MAX_RECORDS_PER_TAB as u32 {
        s.observe_network(&net(i, &url(i), 402, T0 + u64::from(i)), T0 + u64::from(i));
    }
    assert!(list(&s).iter().all(|r| r.url != url(0)));
    // ...and the relay sends it again (its acknowledgement came late): it stays out.
    let again = s.observe_replayed_page(1, page(&url(0), 402, BODY), T0, T0 + 500);
    assert!(!again.changed());
    assert_eq!(s.count(1), MAX_RECORDS_PER_TAB);
    assert!(list(&s).iter().all(|r| r.url != url(0)));
}

#[test]
fn a_late_stand_in_does_not_push_out_newer_records() {
    // webRequest's sighting of an early response was lost; its capture comes back (replayed,
    // matched to Resource Timing) only after a burst of newer failures filled the list.
    let mut s = Store::new();
    let url = |i: u32| format!("{URL}/{i}");
    for i in 1..=MAX_RECORDS_PER_TAB as u32 {
        s.observe_network(
            &net(i, &url(i), 402, T0 + 10 * u64::from(i)),
            T0 + 10 * u64::from(i),
        );
    }
    let late = T0 + 5_000;
    let early = s.observe_replayed_page(1, page(&url(0), 402, BODY), T0 + 5, late);
    assert!(!early.changed(), "older than every record kept");
    assert!(list(&s).iter().all(|r| r.url != url(0)));
    // One seen after the oldest kept record still stands in, at the time the browser saw it.
    let newer = T0 + 10 * MAX_RECORDS_PER_TAB as u64 + 1;
    assert!(s
        .observe_replayed_page(1, page(&url(999), 402, BODY), newer, late)
        .changed());
    let r = list(&s)
        .into_iter()
        .find(|r| r.url == url(999))
        .map(|r| r.time_ms);
    assert_eq!(r, Some(newer));
    assert_eq!(s.count(1), MAX_RECORDS_PER_TAB);
}

#[test]
fn waiting_page_captures_are_bounded() {
    let mut s = Store::new();
    let big = "x".repeat(PAGE_BODY_BYTES);
    for i in 0..200u32 {
        let url = format!("{URL}?n={i}");
        s.observe_entry(1, page(&url, 402, &big), Source::Page, T0);
    }
    let pending = &s.tabs[&1].pending;
    let bytes: usize = pending.iter().map(|c| c.body_bytes()).sum();
    assert!(pending.len() <= MAX_PENDING && bytes <= MAX_PENDING_BYTES);
    // The newest stay.
    assert_eq!(
        pending.back().map(|c| c.entry.request.url.as_str()),
        Some(format!("{URL}?n=199").as_str())
    );
}
