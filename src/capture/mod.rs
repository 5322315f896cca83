//! What the browser extension stores per tab: one [`Record`] per payment failure seen, built from
//! a webRequest event (headers only), a DevTools HAR entry or the page script's capture (with a
//! body), and merged when the same response is seen twice.
//!
//! Platform-free so it is tested natively; `src/web` only converts JS values to and from these.

pub mod display;
mod har;
mod merge;

use serde::Serialize;
use serde_json::Value;

use crate::core::diagnosis::Diagnosis;
use crate::core::engine::{diagnose, Context};
use crate::core::exchange::{Exchange, MAX_BODY_BYTES};
use crate::core::json_read::{boolean, i32, string, u16, u64, Object, ReadError};

pub use har::{sanitize_entry, WebRequestDetails, MAX_STORED_BODY_BYTES};
pub use merge::{mark_page_error, merge_record, MAX_RECORDS_PER_TAB, MERGE_WINDOW_MS};

/// Where a record's exchange was observed. The order is how much of the response each one sees:
/// webRequest has headers only, the page script has what CORS lets the page read, DevTools has
/// everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
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

    fn from_json(v: &Value) -> Result<Source, ReadError> {
        v.as_str()
            .and_then(Source::from_id)
            .ok_or_else(|| ReadError::wrong_type("a source (network, page, devtools or import)", v))
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
/// Read back through [`StoredRecord`], which recomputes the diagnosis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Record {
    /// Unique per tab: `wr-<webRequest id>`, `pg-…`, `dt-…`, `im-…`.
    pub id: String,
    pub tab_id: i32,
    /// When it was observed, ms since the Unix epoch. An integer: the wasm then neither formats
    /// nor parses floats for it (see [`ms_from_js`]).
    pub time_ms: u64,
    pub source: Source,
    pub method: String,
    /// Secrets redacted.
    pub url: String,
    pub status: u16,
    pub has_body: bool,
    /// The network error webRequest reported after the headers (`net::ERR_FAILED`): the page
    /// got "Failed to fetch" instead of this response.
    pub page_error: Option<String>,
    /// The HAR entry, redacted, body capped at [`MAX_STORED_BODY_BYTES`].
    pub entry: Exchange,
    pub diagnosis: Diagnosis,
}

/// A [`Record`] as JavaScript hands it back. The stored `diagnosis` is ignored: it is recomputed
/// from the stored entry, which keeps a reader for the whole diagnosis out of the wasm and shows
/// records kept from an older version with today's rules. A body longer than
/// [`MAX_STORED_BODY_BYTES`] is re-read from its stored prefix, so its evidence can differ.
#[derive(Debug, Clone)]
pub struct StoredRecord {
    id: String,
    tab_id: i32,
    time_ms: u64,
    source: Source,
    method: String,
    url: String,
    status: u16,
    has_body: bool,
    page_error: Option<String>,
    entry: Exchange,
}

impl StoredRecord {
    /// Every field but `page_error` is required, as [`Record`] always writes them.
    pub fn from_json(v: &Value) -> Result<StoredRecord, ReadError> {
        let o = Object::new(v)?;
        Ok(StoredRecord {
            id: o.required("id", string)?,
            tab_id: o.required("tab_id", i32)?,
            time_ms: o.required("time_ms", u64)?,
            source: o.required("source", Source::from_json)?,
            method: o.required("method", string)?,
            url: o.required("url", string)?,
            status: o.required("status", u16)?,
            has_body: o.required("has_body", boolean)?,
            page_error: o.optional("page_error", string)?,
            entry: o.required("entry", Exchange::from_json)?,
        })
    }

    /// The record with its diagnosis recomputed at the time it was observed, as when it was
    /// built; `None` when its entry no longer shows a payment problem.
    pub fn into_record(self) -> Option<Record> {
        let diagnosis = rediagnose(&self.entry, self.time_ms)?;
        Some(Record {
            id: self.id,
            tab_id: self.tab_id,
            time_ms: self.time_ms,
            source: self.source,
            method: self.method,
            url: self.url,
            status: self.status,
            has_body: self.has_body,
            page_error: self.page_error,
            entry: self.entry,
            diagnosis,
        })
    }
}

/// Statuses whose bodies are worth copying: the engine's (`core::engine::body_worth_reading`).
pub fn is_payment_candidate(status: u16) -> bool {
    crate::core::engine::body_worth_reading(status)
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

/// The diagnosis of a stored entry (redacted, capped), at the time it was observed.
fn rediagnose(entry: &Exchange, time_ms: u64) -> Option<Diagnosis> {
    diagnose(entry, &context(time_ms))
}

fn ms_to_unix(ms: u64) -> Option<i64> {
    // 0 is no time; u64::MAX / 1000 fits in i64.
    (ms > 0).then_some((ms / 1000) as i64)
}

/// Diagnoses `entry` and wraps it as a record; `None` when it shows no payment problem.
/// The diagnosis reads the entry as captured; what is stored is redacted and capped.
fn build(id: String, tab_id: i32, now_ms: u64, source: Source, entry: &Exchange) -> Option<Record> {
    let diagnosis = diagnose(entry, &context(now_ms))?;
    let entry = stored_entry(entry, &diagnosis, now_ms);
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

/// The entry to store. Records are re-diagnosed from it when read back, so a body longer than
/// [`MAX_STORED_BODY_BYTES`] is cut to that only when the prefix still gives the same finding; a
/// signal further in (a paywall's `window.x402` after a large inlined bundle) keeps as much body
/// as the engine reads ([`MAX_BODY_BYTES`]), rather than the record vanishing from the popup.
fn stored_entry(entry: &Exchange, diagnosis: &Diagnosis, time_ms: u64) -> Exchange {
    let full = sanitize_entry(entry, MAX_BODY_BYTES);
    let body_len = full.response.content.text.as_ref().map_or(0, String::len);
    if body_len <= MAX_STORED_BODY_BYTES {
        return full;
    }
    let mut capped = full.clone();
    if let Some(text) = capped.response.content.text.as_mut() {
        har::cap(text, MAX_STORED_BODY_BYTES);
    }
    let same = rediagnose(&capped, time_ms).is_some_and(|d| {
        (d.cause, &d.provider, d.protocol)
            == (diagnosis.cause, &diagnosis.provider, diagnosis.protocol)
    });
    if same {
        capped
    } else {
        full
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

/// A record from a `chrome.webRequest.onHeadersReceived` event (no body).
pub fn record_from_web_request(details: &WebRequestDetails, now_ms: u64) -> Option<Record> {
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
    now_ms: u64,
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
fn entry_id(source: Source, now_ms: u64, serial: u32) -> String {
    format!("{}-{now_ms}-{serial}", source.id_prefix())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::Header;

    #[test]
    fn payment_candidates() {
        for s in [400, 401, 402, 403, 412, 422, 429, 500, 503] {
            assert!(is_payment_candidate(s), "{s}");
        }
        for s in [200, 204, 302, 404, 502] {
            assert!(!is_payment_candidate(s), "{s}");
        }
    }

    fn stored(v: Value) -> Option<Record> {
        StoredRecord::from_json(&v)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_record()
    }

    #[test]
    fn record_json_shape_matches_the_contract() {
        let mut entry = Exchange::default();
        entry.request.method = "GET".into();
        entry.request.url = "https://x.test/".into();
        entry.response.status = 402;
        entry.response.headers.push(Header::new(
            "WWW-Authenticate",
            r#"L402 macaroon="AGIAJEemVQUTEyNCR0exk7ek90Cg==", invoice="lnbc1500n1pj""#,
        ));
        let r = record_from_entry(&entry, Source::Devtools, 3, 1_764_069_780_000, 1)
            .unwrap_or_else(|| panic!("an L402 challenge is diagnosed"));
        let v = serde_json::to_value(&r).unwrap_or_default();
        assert_eq!(v["source"], "devtools");
        assert_eq!(v["tab_id"], 3);
        assert!(v["page_error"].is_null());
        assert_eq!(v["diagnosis"]["protocol"], "l402");
        assert!(v["entry"]["response"]["statusText"].is_string());
        assert_eq!(stored(v.clone()), Some(r.clone()));
        // What JS sends back as `diagnosis` is not trusted: it is recomputed from the entry.
        let mut forged = v;
        forged["diagnosis"] = serde_json::json!({ "cause": "bogus" });
        assert_eq!(stored(forged.clone()), Some(r));
        forged.as_object_mut().map(|o| o.remove("diagnosis"));
        assert!(stored(forged).is_some());
    }

    #[test]
    fn a_signal_past_the_stored_cap_keeps_more_body() {
        let paywall = r#"<script>window.x402 = { paymentRequired: {"x402Version": 2, "accepts": [{"scheme": "exact", "network": "eip155:84532", "amount": "10000", "asset": "0x036CbD53842c5426634e7929541eC2318f3dCF7e", "payTo": "0x209693Bc6afc0C5328bA36FaF03C514EF312287C", "maxTimeoutSeconds": 60}]} };</script>"#;
        let page = |filler: usize| {
            let mut e = Exchange::default();
            e.request.url = "https://x.test/premium".into();
            e.response.status = 402;
            e.response
                .headers
                .push(Header::new("Content-Type", "text/html"));
            e.response.content.text = Some(format!(
                "<html><body>{}{paywall}</body></html>",
                "<p>filler</p>".repeat(filler)
            ));
            e
        };
        for (filler, stored_cap) in [(10, MAX_STORED_BODY_BYTES), (6000, MAX_BODY_BYTES)] {
            let r = record_from_entry(&page(filler), Source::Devtools, 1, 1_764_069_780_000, 1)
                .unwrap_or_else(|| panic!("an x402 paywall is diagnosed"));
            assert_eq!(
                r.diagnosis.protocol,
                Some(crate::core::diagnosis::Protocol::X402)
            );
            let body = r.entry.response.content.text.as_deref().unwrap_or_default();
            assert!(body.contains("window.x402"), "filler {filler}");
            assert!(body.len() <= stored_cap, "filler {filler}: {}", body.len());
            let back = stored(serde_json::to_value(&r).unwrap_or_default());
            assert_eq!(back.map(|b| b.diagnosis.cause), Some(r.diagnosis.cause));
        }
    }

    #[test]
    fn stored_record_that_no_longer_diagnoses_is_none() {
        let v = serde_json::json!({
            "id": "wr-1", "tab_id": 1, "time_ms": 1, "source": "network", "method": "GET",
            "url": "https://x.test/", "status": 200, "has_body": false,
            "entry": { "request": { "method": "GET", "url": "https://x.test/" },
                       "response": { "status": 200 } },
        });
        assert_eq!(stored(v), None);
    }

    /// The stored entry is redacted and capped; the diagnosis recomputed from it when a record
    /// comes back from JS must be the one built from the entry as captured.
    #[test]
    fn stored_entries_diagnose_as_captured() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .filter_map(|f| f.ok().map(|f| f.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        files.sort();
        assert!(files.len() >= 10, "fixtures found: {files:?}");
        let (mut checked, mut failures) = (0, Vec::new());
        for file in &files {
            let text = std::fs::read_to_string(file).unwrap_or_else(|e| panic!("{e}"));
            let cases: Vec<serde_json::Value> =
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file:?}: {e}"));
            for case in cases {
                let Ok(entry) = Exchange::from_json(&case["entry"]) else {
                    continue;
                };
                let now_ms = case["now"]
                    .as_str()
                    .and_then(crate::decode::time::parse_rfc3339)
                    .map_or(1_764_069_780_000, |s| s as u64 * 1000);
                for source in [Source::Page, Source::Devtools] {
                    let Some(r) = record_from_entry(&entry, source, 1, now_ms, 1) else {
                        continue;
                    };
                    checked += 1;
                    let json = serde_json::to_value(&r).unwrap_or_default();
                    if stored(json).as_ref() != Some(&r) {
                        failures.push(format!("{}#{}", file.display(), case["id"]));
                    }
                }
            }
        }
        assert!(checked > 100, "only {checked} records built");
        assert!(failures.is_empty(), "re-diagnosis differs: {failures:#?}");
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
