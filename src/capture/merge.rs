//! Merging records: the same response is often seen twice (webRequest without a body, then the
//! page script or DevTools with one). The list keeps one record per response, the best-informed.

use super::har::{cap, MAX_ERROR_CHARS};
use super::{rediagnose, Record, Source};
use crate::core::evidence::printable;
use crate::core::exchange::Header;

/// Two sightings of the same method, URL and status this close together are one response.
pub const MERGE_WINDOW_MS: u64 = 60_000;

/// The list per tab keeps the newest this many records.
pub const MAX_RECORDS_PER_TAB: usize = 100;

/// ... and at most this many bytes of stored bodies (the newest record always stays):
/// `chrome.storage.session` holds about 10 MB for every tab together, and a write beyond that
/// fails and loses the newest record.
pub const MAX_BODY_BYTES_PER_TAB: usize = 1024 * 1024;

fn body_bytes(r: &Record) -> usize {
    r.entry
        .response
        .content
        .text
        .as_ref()
        .map_or(0, String::len)
}

fn same_response(a: &Record, b: &Record) -> bool {
    a.source != Source::Import
        && b.source != Source::Import
        && a.method.eq_ignore_ascii_case(&b.method)
        && a.url == b.url
        && a.status == b.status
        && a.time_ms.abs_diff(b.time_ms) <= MERGE_WINDOW_MS
}

/// Adds `incoming` to a tab's list (newest last) and returns the new list.
///
/// - A record with the same id is replaced in place (a repeated event).
/// - When `incoming` has a body and a record for the same response has none, or has one from a
///   source that sees less, that record is replaced: it keeps its `id`, `time_ms` and
///   `page_error`, headers only the earlier sighting saw are kept, and the merged entry is
///   diagnosed again.
/// - A body already held from an equal or better source makes `incoming` a duplicate: dropped.
/// - Otherwise `incoming` is appended; the oldest records go beyond [`MAX_RECORDS_PER_TAB`] or
///   [`MAX_BODY_BYTES_PER_TAB`].
pub fn merge_record(mut records: Vec<Record>, incoming: Record) -> Vec<Record> {
    if let Some(old) = records.iter_mut().find(|r| r.id == incoming.id) {
        let page_error = old.page_error.take();
        *old = incoming;
        if old.page_error.is_none() {
            old.page_error = page_error;
        }
        return records;
    }
    if incoming.has_body {
        let target = records.iter().rposition(|r| {
            same_response(r, &incoming) && (!r.has_body || r.source < incoming.source)
        });
        if let Some(i) = target {
            if let Some(slot) = records.get_mut(i) {
                let old = std::mem::replace(slot, incoming);
                combine(slot, old);
            }
            return records;
        }
        let duplicate = records
            .iter()
            .any(|r| same_response(r, &incoming) && r.has_body && r.source >= incoming.source);
        if duplicate {
            return records;
        }
    }
    records.push(incoming);
    let mut excess = records.len().saturating_sub(MAX_RECORDS_PER_TAB);
    let mut bytes: usize = records.iter().skip(excess).map(body_bytes).sum();
    while bytes > MAX_BODY_BYTES_PER_TAB && excess + 1 < records.len() {
        bytes -= records.get(excess).map_or(0, body_bytes);
        excess += 1;
    }
    records.drain(..excess);
    records
}

/// Completes `new` (which replaced `old` in the list) with what only `old` knew.
fn combine(new: &mut Record, old: Record) {
    new.id = old.id;
    new.time_ms = old.time_ms;
    if new.page_error.is_none() {
        new.page_error = old.page_error;
    }
    // The page script sees only the headers CORS exposes, webRequest sees all of them; the
    // request's `Origin` comes from webRequest too.
    add_missing(&mut new.entry.response.headers, old.entry.response.headers);
    add_missing(&mut new.entry.request.headers, old.entry.request.headers);
    if new.entry.started_date_time.is_none() {
        new.entry.started_date_time = old.entry.started_date_time;
    }
    if let Some(d) = rediagnose(&new.entry, new.time_ms) {
        new.diagnosis = d;
    }
}

fn add_missing(into: &mut Vec<Header>, from: Vec<Header>) {
    for h in from {
        if !into.iter().any(|x| x.name.eq_ignore_ascii_case(&h.name)) {
            into.push(h);
        }
    }
}

/// Notes that the page got a network error (`net::ERR_FAILED`) instead of the record's response.
pub fn mark_page_error(mut records: Vec<Record>, id: &str, error: &str) -> Vec<Record> {
    if let Some(r) = records.iter_mut().find(|r| r.id == id) {
        let mut e = printable(error.trim());
        cap(&mut e, MAX_ERROR_CHARS);
        r.page_error = Some(e);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::diagnosis::{Cause, Confidence, Diagnosis};
    use crate::core::exchange::Exchange;

    fn rec(id: &str, source: Source, time_ms: u64, body: Option<&str>) -> Record {
        let mut entry = Exchange::default();
        entry.request.method = "POST".into();
        entry.request.url = "https://api.example.com/v1/x".into();
        entry.response.status = 402;
        entry.response.content.text = body.map(str::to_string);
        Record {
            id: id.into(),
            tab_id: 1,
            time_ms,
            source,
            method: "POST".into(),
            url: entry.request.url.clone(),
            status: 402,
            has_body: body.is_some(),
            page_error: None,
            entry,
            diagnosis: Diagnosis::new(Cause::Unknown, Confidence::Low, 402),
        }
    }

    fn ids(records: &[Record]) -> Vec<&str> {
        records.iter().map(|r| r.id.as_str()).collect()
    }

    #[test]
    fn body_replaces_headers_only_record_keeping_identity() {
        let mut net = rec("wr-1", Source::Network, 1000, None);
        net.entry.response.headers = vec![
            Header::new("Payment-Required", "abc"),
            Header::new("Content-Type", "application/json"),
        ];
        net.entry.request.headers = vec![Header::new("Origin", "https://app.test")];
        let list = mark_page_error(vec![net], "wr-1", "net::ERR_FAILED");
        let mut page = rec("pg-2", Source::Page, 1500, Some("{}"));
        page.entry.response.headers = vec![Header::new("content-type", "application/json")];
        let list = merge_record(list, page);
        assert_eq!(ids(&list), ["wr-1"]);
        let r = &list[0];
        assert_eq!(r.time_ms, 1000);
        assert_eq!(r.source, Source::Page);
        assert!(r.has_body);
        assert_eq!(r.page_error.as_deref(), Some("net::ERR_FAILED"));
        assert_eq!(r.entry.header("payment-required"), Some("abc"));
        assert_eq!(r.entry.headers("content-type").count(), 1);
        assert_eq!(r.entry.request_header("origin"), Some("https://app.test"));
    }

    #[test]
    fn better_source_replaces_lesser_body_and_duplicates_are_dropped() {
        let list = vec![rec("pg-1", Source::Page, 1000, Some("{}"))];
        let list = merge_record(list, rec("dt-2", Source::Devtools, 2000, Some("{\"a\":1}")));
        assert_eq!(ids(&list), ["pg-1"]);
        assert_eq!(list[0].source, Source::Devtools);
        // The page's copy of the same response arriving late adds nothing.
        let list = merge_record(list, rec("pg-3", Source::Page, 2500, Some("{}")));
        assert_eq!(ids(&list), ["pg-1"]);
        assert_eq!(
            list[0].entry.response.content.text.as_deref(),
            Some("{\"a\":1}")
        );
    }

    #[test]
    fn outside_window_or_different_response_appends() {
        let list = vec![rec("wr-1", Source::Network, 1000, None)];
        let list = merge_record(list, rec("pg-2", Source::Page, 1000 + 60_001, Some("{}")));
        assert_eq!(ids(&list), ["wr-1", "pg-2"]);
        let mut other = rec("pg-3", Source::Page, 1000, Some("{}"));
        other.status = 429;
        let list = merge_record(list, other);
        assert_eq!(ids(&list), ["wr-1", "pg-2", "pg-3"]);
        // A second headers-only sighting is a second request: kept.
        let list = merge_record(list, rec("wr-4", Source::Network, 1200, None));
        assert_eq!(list.len(), 4);
    }

    #[test]
    fn two_identical_requests_each_get_their_body() {
        let list = vec![
            rec("wr-1", Source::Network, 1000, None),
            rec("wr-2", Source::Network, 1100, None),
        ];
        let list = merge_record(list, rec("pg-3", Source::Page, 1200, Some("{}")));
        let list = merge_record(list, rec("pg-4", Source::Page, 1300, Some("{}")));
        assert_eq!(ids(&list), ["wr-1", "wr-2"]);
        assert!(list.iter().all(|r| r.has_body));
    }

    #[test]
    fn imports_never_merge() {
        let list = vec![rec("wr-1", Source::Network, 1000, None)];
        let list = merge_record(list, rec("im-2", Source::Import, 1000, Some("{}")));
        assert_eq!(ids(&list), ["wr-1", "im-2"]);
    }

    #[test]
    fn same_id_replaces_in_place_keeping_page_error() {
        let list = vec![rec("wr-1", Source::Network, 1000, None)];
        let list = mark_page_error(list, "wr-1", "net::ERR_FAILED");
        let mut again = rec("wr-1", Source::Network, 1000, None);
        again.status = 402;
        let list = merge_record(list, again);
        assert_eq!(list.len(), 1);
        assert_eq!(list[0].page_error.as_deref(), Some("net::ERR_FAILED"));
    }

    #[test]
    fn list_is_capped_dropping_oldest() {
        let mut list = Vec::new();
        for i in 0..(MAX_RECORDS_PER_TAB + 5) {
            list = merge_record(
                list,
                rec(&format!("wr-{i}"), Source::Network, i as u64, None),
            );
        }
        assert_eq!(list.len(), MAX_RECORDS_PER_TAB);
        assert_eq!(list[0].id, "wr-5");
        assert_eq!(
            list[MAX_RECORDS_PER_TAB - 1].id,
            format!("wr-{}", MAX_RECORDS_PER_TAB + 4)
        );
    }

    #[test]
    fn list_keeps_within_the_body_byte_budget() {
        let big = "x".repeat(MAX_BODY_BYTES_PER_TAB / 3);
        let mut list = Vec::new();
        for i in 0..5u64 {
            // Far apart in time: distinct responses, never merged.
            let r = rec(
                &format!("pg-{i}"),
                Source::Page,
                i * 2 * MERGE_WINDOW_MS,
                Some(&big),
            );
            list = merge_record(list, r);
        }
        let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["pg-2", "pg-3", "pg-4"]);
        // One record over the whole budget still stays: the newest is never dropped.
        let huge = "y".repeat(MAX_BODY_BYTES_PER_TAB + 1);
        let list = merge_record(
            list,
            rec("pg-9", Source::Page, 99 * MERGE_WINDOW_MS, Some(&huge)),
        );
        let ids: Vec<&str> = list.iter().map(|r| r.id.as_str()).collect();
        assert_eq!(ids, ["pg-9"]);
    }

    #[test]
    fn mark_page_error_ignores_unknown_ids_and_cleans_text() {
        let list = vec![rec("wr-1", Source::Network, 1000, None)];
        let list = mark_page_error(list, "wr-9", "net::ERR_FAILED");
        assert_eq!(list[0].page_error, None);
        let long = format!("net::ERR_\u{1b}[31m{}", "é".repeat(500));
        let list = mark_page_error(list, "wr-1", &long);
        let e = list[0].page_error.clone().unwrap_or_default();
        assert!(e.len() <= MAX_ERROR_CHARS && !e.contains('\u{1b}'));
    }
}
