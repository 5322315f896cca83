//! What the browser extension stores per tab: one [`Record`] per payment failure seen, built from
//! a webRequest event (headers only), a DevTools HAR entry or the page script's capture (with a
//! body), and merged when the same response is seen twice.
//!
//! Platform-free so it is tested natively; `src/web` only converts JS values to and from these.

pub mod console_line;
mod har;
pub mod limits;
mod merge;
mod store;

use serde::{Deserialize, Serialize};

use crate::core::diagnosis::Diagnosis;
use crate::core::exchange::Exchange;
use crate::engine::{diagnose, Context};

pub use har::{sanitize_entry, WebRequestDetails, MAX_STORED_BODY_BYTES};
pub use limits::is_payment_candidate;
pub use merge::{MAX_BODY_BYTES_PER_TAB, MAX_RECORDS_PER_TAB, MERGE_WINDOW_MS};
pub use store::{Observed, Store, PENDING_MS};

/// The shape of [`Record`] as stored. Records of another schema (written by another version of
/// the extension) are diagnosed again once from their stored entry when the worker loads them,
/// or dropped; the popup and panel skip them.
pub const SCHEMA: u32 = 2;

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

/// One payment failure seen in a tab, as stored in `chrome.storage.session` (`tab:<id>`) and
/// read back as it is: the diagnosis is made when the record is born and again only when a
/// better body merges into it. `E` is the HAR entry's type: see [`Listed`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Record<E = Exchange> {
    /// [`SCHEMA`] when written by this version.
    #[serde(default)]
    pub schema: u32,
    /// Unique per tab: `wr-<webRequest id>`, `dt-…`, `im-…`.
    pub id: String,
    pub tab_id: i32,
    /// When it was observed, ms since the Unix epoch. An integer: the wasm then neither formats
    /// nor parses floats for it (see [`ms_from_js`]).
    pub time_ms: u64,
    /// The view that gave the body (or webRequest's, without one).
    pub source: Source,
    pub method: String,
    /// Secrets redacted.
    pub url: String,
    pub status: u16,
    pub has_body: bool,
    /// The webRequest id of the request, when webRequest saw it (DevTools-only records have none).
    #[serde(default)]
    pub request_id: Option<String>,
    /// The network error webRequest reported after the headers (`net::ERR_FAILED`), or what the
    /// page's own fetch/XHR got instead: the page never saw this response.
    #[serde(default)]
    pub page_error: Option<String>,
    /// The HAR entry, redacted, body capped at [`MAX_STORED_BODY_BYTES`].
    pub entry: E,
    pub diagnosis: Diagnosis,
}

/// A stored record as the popup and panel read it: everything but the HAR entry, which they
/// never show (the diagnosis holds what they need). Its headers and body of up to 64 KiB are
/// then not copied into the wasm at all, which is most of a popup's work on a tab of large
/// responses (issue #8).
pub type Listed = Record<serde::de::IgnoredAny>;

/// A record as an older version stored it: everything but the diagnosis is read, and the
/// diagnosis made again once (see [`upgrade`]).
#[derive(Debug, Deserialize)]
struct LegacyRecord {
    id: String,
    tab_id: i32,
    time_ms: u64,
    source: Source,
    #[serde(default)]
    page_error: Option<String>,
    entry: Exchange,
}

/// A stored record as this version uses it: as it is when it has today's [`SCHEMA`], else
/// diagnosed again once from its stored entry; `None` when it cannot be read or no longer shows
/// a payment problem.
pub fn upgrade(value: serde_json::Value) -> Option<Record> {
    if value.get("schema").and_then(serde_json::Value::as_u64) == Some(u64::from(SCHEMA)) {
        return serde_json::from_value::<Record>(value).ok();
    }
    let old = serde_json::from_value::<LegacyRecord>(value).ok()?;
    let diagnosis = diagnose(&old.entry, &context(old.time_ms))?;
    let mut r = new_record(
        old.id,
        old.tab_id,
        old.time_ms,
        old.source,
        old.entry,
        diagnosis,
    );
    r.page_error = old.page_error;
    if let Some(id) = r.id.strip_prefix("wr-") {
        r.request_id = Some(id.to_string());
    }
    Some(r)
}

/// A time from JavaScript (`Date.now()`) in ms: the fraction is dropped, `as` saturates, and NaN
/// or a negative time gives 0, which means "no time" (see [`ms_to_unix`]).
pub fn ms_from_js(ms: f64) -> u64 {
    ms as u64
}

fn context(now_ms: u64) -> Context {
    Context {
        now_unix: ms_to_unix(now_ms),
    }
}

fn ms_to_unix(ms: u64) -> Option<i64> {
    // 0 is no time; u64::MAX / 1000 fits in i64.
    (ms > 0).then_some((ms / 1000) as i64)
}

/// Diagnoses `entry` (as captured: whole body, nothing redacted) at `time_ms`.
fn diagnose_at(entry: &Exchange, time_ms: u64) -> Option<Diagnosis> {
    diagnose(entry, &context(time_ms))
}

/// Wraps a diagnosed entry as a record; what is stored is redacted and capped. The diagnosis
/// was made on the entry as captured and is kept as it is, so the stored body is simply cut.
fn new_record(
    id: String,
    tab_id: i32,
    time_ms: u64,
    source: Source,
    entry: Exchange,
    diagnosis: Diagnosis,
) -> Record {
    let entry = sanitize_entry(&entry, MAX_STORED_BODY_BYTES);
    Record {
        schema: SCHEMA,
        id,
        tab_id,
        time_ms,
        source,
        method: entry.request.method.clone(),
        url: entry.request.url.clone(),
        status: entry.response.status,
        has_body: has_body(&entry),
        request_id: None,
        page_error: None,
        entry,
        diagnosis,
    }
}

fn has_body(entry: &Exchange) -> bool {
    entry
        .response
        .content
        .text
        .as_deref()
        .is_some_and(|t| !t.is_empty())
}

/// A record from a HAR entry on its own, never merged (the playground's imports and pasted
/// responses); `None` when it shows no payment problem. `serial` makes the id unique among
/// records created in the same millisecond.
pub fn record_from_entry(
    entry: &Exchange,
    source: Source,
    tab_id: i32,
    now_ms: u64,
    serial: u32,
) -> Option<Record> {
    let d = diagnose_at(entry, now_ms)?;
    let id = entry_id(source, now_ms, serial);
    Some(new_record(id, tab_id, now_ms, source, entry.clone(), d))
}

/// `pg-<ms>-<serial>`: the time keeps ids unique across service worker restarts (the serial
/// starts again at each one).
fn entry_id(source: Source, now_ms: u64, serial: u32) -> String {
    format!("{}-{now_ms}-{serial}", source.id_prefix())
}

/// The Markdown report of stored records, numbered from 1 as the UI lists them.
pub fn report<E>(records: &[Record<E>]) -> String {
    let items: Vec<_> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.method.clone(), r.url.clone(), r.diagnosis.clone()))
        .collect();
    crate::report::markdown(&items)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::Header;

    fn l402() -> Exchange {
        let mut entry = Exchange::default();
        entry.request.method = "GET".into();
        entry.request.url = "https://x.test/".into();
        entry.response.status = 402;
        entry.response.headers.push(Header::new(
            "WWW-Authenticate",
            r#"L402 macaroon="AGIAJEemVQUTEyNCR0exk7ek90Cg==", invoice="lnbc1500n1pj""#,
        ));
        entry
    }

    fn built(entry: Exchange) -> Record {
        let d = diagnose_at(&entry, 1_764_069_780_000)
            .unwrap_or_else(|| panic!("an L402 challenge is diagnosed"));
        new_record(
            "dt-1".into(),
            3,
            1_764_069_780_000,
            Source::Devtools,
            entry,
            d,
        )
    }

    #[test]
    fn the_ui_reads_stored_records_without_their_entry() {
        let r = built(l402());
        let stored = serde_json::to_value(&r).unwrap();
        let listed: Listed = serde_json::from_value(stored).unwrap();
        assert_eq!(
            (&listed.id, listed.tab_id, listed.time_ms),
            (&r.id, r.tab_id, r.time_ms)
        );
        assert_eq!(
            (&listed.method, &listed.url, listed.status),
            (&r.method, &r.url, r.status)
        );
        assert_eq!(listed.diagnosis, r.diagnosis);
        assert_eq!(report(&[listed]), report(&[r]));
    }

    #[test]
    fn records_read_back_as_they_are() {
        let r = built(l402());
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["source"], "devtools");
        assert_eq!(v["tab_id"], 3);
        assert!(v["page_error"].is_null());
        assert_eq!(v["diagnosis"]["protocol"], "l402");
        assert!(v["entry"]["response"]["statusText"].is_string());
        assert_eq!(upgrade(v.clone()).as_ref(), Some(&r));
        // The stored diagnosis is not made again: what is stored is what is shown.
        let mut kept = v.clone();
        kept["diagnosis"]["summary"] = "as stored".into();
        assert_eq!(
            upgrade(kept).map(|r| r.diagnosis.summary),
            Some("as stored".into())
        );
    }

    #[test]
    fn records_of_another_schema_are_diagnosed_again_once_or_dropped() {
        let r = built(l402());
        let mut v = serde_json::to_value(&r).unwrap_or_default();
        v.as_object_mut().map(|o| o.remove("schema"));
        v["diagnosis"] = serde_json::json!({ "cause": "bogus" });
        let back = upgrade(v.clone()).unwrap_or_else(|| panic!("upgraded"));
        assert_eq!(back.schema, SCHEMA);
        assert_eq!(back.diagnosis, r.diagnosis);
        // No longer a payment problem: dropped.
        v["entry"]["response"]["status"] = 200.into();
        v["entry"]["response"]["headers"] = serde_json::json!([]);
        assert_eq!(upgrade(v), None);
        assert_eq!(
            upgrade(serde_json::json!({"schema": SCHEMA, "id": 1})),
            None
        );
    }

    #[test]
    fn a_signal_past_the_stored_cap_keeps_its_diagnosis() {
        let paywall = r#"<script>window.x402 = { paymentRequired: {"x402Version": 2, "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "10000", "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60}]} };</script>"#;
        let mut e = Exchange::default();
        e.request.url = "https://x.test/premium".into();
        e.response.status = 402;
        e.response
            .headers
            .push(Header::new("Content-Type", "text/html"));
        e.response.content.text = Some(format!(
            "<html><body>{}{paywall}</body></html>",
            "<p>filler</p>".repeat(6000)
        ));
        let d = diagnose_at(&e, 1_764_069_780_000).unwrap_or_else(|| panic!("diagnosed"));
        assert_eq!(d.protocol, Some(crate::core::diagnosis::Protocol::X402));
        let r = new_record("dt-1".into(), 1, 1, Source::Devtools, e, d.clone());
        let body = r.entry.response.content.text.as_deref().unwrap_or_default();
        assert!(body.len() <= MAX_STORED_BODY_BYTES);
        let back = upgrade(serde_json::to_value(&r).unwrap_or_default());
        assert_eq!(back.map(|b| b.diagnosis), Some(d));
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
            entry_id(Source::Page, ms_from_js(1_700_000_000_123.9), 4),
            "pg-1700000000123-4"
        );
        assert_eq!(
            entry_id(Source::Devtools, ms_from_js(f64::NAN), 1),
            "dt-0-1"
        );
        assert_eq!(entry_id(Source::Import, ms_from_js(-1.0), 2), "im-0-2");
    }

    #[test]
    fn bad_times_give_no_reference_time() {
        assert_eq!(ms_to_unix(ms_from_js(f64::NAN)), None);
        assert_eq!(ms_to_unix(ms_from_js(-5.0)), None);
        assert_eq!(ms_from_js(1e300), u64::MAX);
        assert_eq!(ms_to_unix(u64::MAX), Some(18_446_744_073_709_551));
        assert_eq!(ms_to_unix(1_764_069_780_000), Some(1_764_069_780));
    }
}
