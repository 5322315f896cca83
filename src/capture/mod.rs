//! What the browser extension stores per tab: one [`Record`] per payment failure seen, built from
//! a webRequest event (headers only), a DevTools HAR entry or the page script's capture (with a
//! body), and merged when the same response is seen twice.
//!
//! Platform-free so it is tested natively; `src/web` only converts JS values to and from these.

pub mod display;
mod har;
mod merge;

use serde::{Deserialize, Serialize};

use crate::core::diagnosis::Diagnosis;
use crate::core::engine::{diagnose, Context};
use crate::core::exchange::Exchange;

pub use har::{sanitize_entry, WebRequestDetails, MAX_STORED_BODY_BYTES};
pub use merge::{mark_page_error, merge_record, MAX_RECORDS_PER_TAB, MERGE_WINDOW_MS};

/// Where a record's exchange was observed. The order is how much of the response each one sees:
/// webRequest has headers only, the page script has what CORS lets the page read, DevTools has
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Network,
    Page,
    Devtools,
    /// Loaded from a file by the user; never merged with live captures.
    Import,
}

impl Source {
    pub fn from_id(id: &str) -> Option<Source> {
        match id {
            "network" => Some(Source::Network),
            "page" => Some(Source::Page),
            "devtools" => Some(Source::Devtools),
            "import" => Some(Source::Import),
            _ => None,
        }
    }

    fn id_prefix(self) -> &'static str {
        match self {
            Source::Network => "wr",
            Source::Page => "pg",
            Source::Devtools => "dt",
            Source::Import => "im",
        }
    }
}

/// One payment failure seen in a tab, as stored in `chrome.storage.session` (`tab:<id>`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record {
    /// Unique per tab: `wr-<webRequest id>`, `pg-…`, `dt-…`, `im-…`.
    pub id: String,
    pub tab_id: i32,
    /// When it was observed, ms since the Unix epoch.
    pub time_ms: f64,
    pub source: Source,
    pub method: String,
    /// Secrets redacted.
    pub url: String,
    pub status: u16,
    pub has_body: bool,
    /// The network error webRequest reported after the headers (`net::ERR_FAILED`): the page
    /// got "Failed to fetch" instead of this response.
    #[serde(default)]
    pub page_error: Option<String>,
    /// The HAR entry, redacted, body capped at [`MAX_STORED_BODY_BYTES`].
    pub entry: Exchange,
    pub diagnosis: Diagnosis,
}

/// Statuses whose bodies are worth copying: 402 and the codes that hide billing failures.
pub fn is_payment_candidate(status: u16) -> bool {
    matches!(status, 400 | 401 | 402 | 403 | 412 | 429)
}

fn context(now_ms: f64) -> Context {
    Context {
        now_unix: ms_to_unix(now_ms),
    }
}

fn ms_to_unix(ms: f64) -> Option<i64> {
    // `as` saturates; reject NaN and absurd values rather than diagnose against them.
    (ms.is_finite() && ms > 0.0).then_some((ms / 1000.0) as i64)
}

/// Diagnoses `entry` and wraps it as a record; `None` when it shows no payment problem.
/// The diagnosis reads the entry as captured; what is stored is redacted and capped.
fn build(id: String, tab_id: i32, now_ms: f64, source: Source, entry: &Exchange) -> Option<Record> {
    let diagnosis = diagnose(entry, &context(now_ms))?;
    let entry = sanitize_entry(entry);
    Some(Record {
        id,
        tab_id,
        time_ms: now_ms,
        source,
        method: entry.request.method.clone(),
        url: entry.request.url.clone(),
        status: entry.response.status,
        has_body: has_body(&entry),
        page_error: None,
        entry,
        diagnosis,
    })
}

fn has_body(entry: &Exchange) -> bool {
    entry
        .response
        .content
        .text
        .as_deref()
        .is_some_and(|t| !t.is_empty())
}

/// A record from a `chrome.webRequest.onHeadersReceived` event (no body).
pub fn record_from_web_request(details: &WebRequestDetails, now_ms: f64) -> Option<Record> {
    let entry = details.to_entry();
    let id = format!("wr-{}", details.request_id.as_text());
    build(id, details.tab_id, now_ms, Source::Network, &entry)
}

/// A record from a HAR entry (DevTools, the page script, or an import). `serial` makes the id
/// unique among records created in the same millisecond.
pub fn record_from_entry(
    entry: &Exchange,
    source: Source,
    tab_id: i32,
    now_ms: f64,
    serial: u32,
) -> Option<Record> {
    build(
        entry_id(source, now_ms, serial),
        tab_id,
        now_ms,
        source,
        entry,
    )
}

/// `pg-<ms>-<serial>`: the time keeps ids unique across service worker restarts (the serial
/// starts again at each one).
fn entry_id(source: Source, now_ms: f64, serial: u32) -> String {
    let stamp = if now_ms.is_finite() && now_ms > 0.0 {
        now_ms as u64
    } else {
        0
    };
    format!("{}-{stamp}-{serial}", source.id_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnosis::{Cause, Confidence};

    #[test]
    fn payment_candidates() {
        for s in [400, 401, 402, 403, 412, 429] {
            assert!(is_payment_candidate(s), "{s}");
        }
        for s in [200, 204, 302, 404, 500, 503] {
            assert!(!is_payment_candidate(s), "{s}");
        }
    }

    #[test]
    fn record_json_shape_matches_the_contract() {
        let r = Record {
            id: "wr-1".into(),
            tab_id: 3,
            time_ms: 1.0,
            source: Source::Devtools,
            method: "GET".into(),
            url: "https://x.test/".into(),
            status: 402,
            has_body: false,
            page_error: None,
            entry: Exchange::default(),
            diagnosis: Diagnosis::new(Cause::PaymentChallenge, Confidence::High, 402),
        };
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(v["source"], "devtools");
        assert_eq!(v["tab_id"], 3);
        assert!(v["page_error"].is_null());
        assert_eq!(v["diagnosis"]["cause"], "payment_challenge");
        assert!(v["entry"]["response"]["statusText"].is_string());
        let back: Record = serde_json::from_value(v).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(back, r);
    }

    #[test]
    fn source_ids_round_trip() {
        for s in [
            Source::Network,
            Source::Page,
            Source::Devtools,
            Source::Import,
        ] {
            let id = serde_json::to_value(s).unwrap_or_default();
            assert_eq!(Source::from_id(id.as_str().unwrap_or("")), Some(s));
        }
        assert_eq!(Source::from_id("bogus"), None);
    }

    #[test]
    fn entry_ids_name_the_source() {
        assert_eq!(
            entry_id(Source::Page, 1_700_000_000_123.9, 4),
            "pg-1700000000123-4"
        );
        assert_eq!(entry_id(Source::Devtools, f64::NAN, 1), "dt-0-1");
        assert_eq!(entry_id(Source::Import, -1.0, 2), "im-0-2");
    }

    #[test]
    fn bad_times_give_no_reference_time() {
        assert_eq!(ms_to_unix(f64::NAN), None);
        assert_eq!(ms_to_unix(-5.0), None);
        assert_eq!(ms_to_unix(1_764_069_780_000.0), Some(1_764_069_780));
    }
}
