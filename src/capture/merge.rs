//! How views of one response combine. The same response is often seen two or three times:
//! webRequest (status and every header, no body), the page script (the body, as far as CORS
//! lets the page read it) and DevTools (everything), in any order. They are one response when
//! method, URL and status agree within [`MERGE_WINDOW_MS`].

use super::har::{cap, MAX_ERROR_CHARS};
use crate::core::evidence::printable;
use crate::core::exchange::{Exchange, Header};

/// Two sightings of the same method, URL and status this close together are one response.
pub const MERGE_WINDOW_MS: u64 = 60_000;

/// The list per tab keeps the newest this many records.
pub const MAX_RECORDS_PER_TAB: usize = 100;

/// ... and at most this many bytes of stored bodies (the newest record always stays):
/// `chrome.storage.session` holds about 10 MB for every tab together, and a write beyond that
/// fails.
pub const MAX_BODY_BYTES_PER_TAB: usize = 1024 * 1024;

/// What identifies a response across the views: method, URL (as captured, before redaction)
/// and status.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(super) struct Key {
    method: String,
    url: String,
    status: u16,
}

impl Key {
    pub(super) fn of(entry: &Exchange) -> Key {
        Key::new(
            &entry.request.method,
            &entry.request.url,
            entry.response.status,
        )
    }

    pub(super) fn new(method: &str, url: &str, status: u16) -> Key {
        Key {
            method: method.to_ascii_uppercase(),
            url: url.to_string(),
            status,
        }
    }
}

pub(super) fn within_window(a: u64, b: u64) -> bool {
    a.abs_diff(b) <= MERGE_WINDOW_MS
}

/// `with_body` completed with what only `other` saw: the page script sees only the headers CORS
/// exposes, webRequest sees all of them, and the request's `Origin` comes from webRequest too.
pub(super) fn combine(mut with_body: Exchange, other: &Exchange) -> Exchange {
    add_missing(&mut with_body.response.headers, &other.response.headers);
    add_missing(&mut with_body.request.headers, &other.request.headers);
    if with_body.started_date_time.is_none() {
        with_body
            .started_date_time
            .clone_from(&other.started_date_time);
    }
    with_body
}

fn add_missing(into: &mut Vec<Header>, from: &[Header]) {
    for h in from {
        if !into.iter().any(|x| x.name.eq_ignore_ascii_case(&h.name)) {
            into.push(h.clone());
        }
    }
}

/// A network error text as stored: printable, short.
pub(super) fn clean_error(error: &str) -> String {
    let mut e = printable(error.trim());
    cap(&mut e, MAX_ERROR_CHARS);
    e
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_ignore_method_case() {
        let mut e = Exchange::default();
        e.request.method = "post".into();
        e.request.url = "https://x.test/a".into();
        e.response.status = 402;
        assert_eq!(Key::of(&e), Key::new("POST", "https://x.test/a", 402));
        assert_ne!(Key::of(&e), Key::new("POST", "https://x.test/a", 429));
    }

    #[test]
    fn combine_keeps_the_body_and_adds_missing_headers() {
        let mut page = Exchange::default();
        page.response.headers = vec![Header::new("content-type", "application/json")];
        page.response.content.text = Some("{}".into());
        let mut net = Exchange::default();
        net.response.headers = vec![
            Header::new("Content-Type", "application/json"),
            Header::new("Payment-Required", "abc"),
        ];
        net.request.headers = vec![Header::new("Origin", "https://app.test")];
        let c = combine(page, &net);
        assert_eq!(c.header("payment-required"), Some("abc"));
        assert_eq!(c.headers("content-type").count(), 1);
        assert_eq!(c.request_header("origin"), Some("https://app.test"));
        assert_eq!(c.response.content.text.as_deref(), Some("{}"));
    }

    #[test]
    fn errors_are_cleaned() {
        let long = format!("net::ERR_\u{1b}[31m{}", "é".repeat(500));
        let e = clean_error(&long);
        assert!(e.len() <= MAX_ERROR_CHARS && !e.contains('\u{1b}'));
    }
}
