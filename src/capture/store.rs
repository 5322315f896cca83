//! The records of every tab, held in the extension's worker. Each event does work independent of
//! how many records a tab holds: lookups go through indexes by response and by webRequest id,
//! and records are diagnosed when born and again only when a better body merges in.
//!
//! Who may create a record: webRequest and DevTools, which the extension observes itself. The
//! page script's capture (which a hostile page can forge) only adds a body to a response one of
//! them saw; arriving first (Firefox delivers webRequest events late), it waits at most
//! [`PENDING_MS`] for that sighting and is dropped otherwise.

mod tab;

use self::tab::{Capture, Sighting, Tab, MAX_SIGHTINGS};
use std::collections::HashMap;

use super::limits::{
    is_payment_candidate, MAX_CAPTURED_HEADERS, PAGE_BODY_BYTES, PAYMENT_CANDIDATE_STATUSES,
};
use super::merge::{clean_error, combine, within_window, Key};
use super::{
    diagnose_at, entry_id, has_body, new_record, sanitize_entry, upgrade, Record, Source,
    WebRequestDetails, MAX_STORED_BODY_BYTES,
};
use crate::core::exchange::Exchange;

/// How long a page capture waits for webRequest to report its response.
pub const PENDING_MS: u64 = 10_000;
/// What became of a HAR entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Observed {
    Unchanged,
    Changed,
    /// A page capture waits for webRequest's sighting of its response (see [`PENDING_MS`]).
    Held,
}

impl Observed {
    pub fn changed(self) -> bool {
        self == Observed::Changed
    }

    fn from(changed: bool) -> Observed {
        if changed {
            Observed::Changed
        } else {
            Observed::Unchanged
        }
    }
}

/// Every tab's records, as the worker holds them between writes to `storage.session`.
#[derive(Default)]
pub struct Store {
    tabs: HashMap<i32, Tab>,
    /// Distinguishes records created in the same millisecond.
    serial: u32,
}

impl Store {
    pub fn new() -> Store {
        Store::default()
    }

    /// Takes the tab's stored list (after the worker started again). Returns true when a record
    /// had to be diagnosed again (another schema) or was dropped, so the list should be written.
    pub fn load(&mut self, tab_id: i32, stored: Vec<serde_json::Value>) -> bool {
        let mut tab = Tab::default();
        let total = stored.len();
        let mut rewritten = false;
        for value in stored {
            let current = value.get("schema").and_then(serde_json::Value::as_u64)
                == Some(u64::from(super::SCHEMA));
            match upgrade(value) {
                Some(r) if r.tab_id == tab_id => {
                    rewritten |= !current;
                    let key = Key::new(&r.method, &r.url, r.status);
                    tab.push(key, r);
                }
                _ => rewritten = true,
            }
        }
        rewritten |= tab.slots.len() != total;
        self.tabs.insert(tab_id, tab);
        rewritten
    }

    pub fn records(&self, tab_id: i32) -> impl Iterator<Item = &Record> {
        self.tabs
            .get(&tab_id)
            .into_iter()
            .flat_map(|t| t.slots.iter().map(|s| &s.record))
    }

    pub fn count(&self, tab_id: i32) -> usize {
        self.tabs.get(&tab_id).map_or(0, |t| t.slots.len())
    }

    /// The tab closed, or its stored list was dropped.
    pub fn forget(&mut self, tab_id: i32) {
        self.tabs.remove(&tab_id);
    }

    /// A new top-level document started at `before_ms`: what was seen earlier belonged to the
    /// previous page. What arrived for the new page before this event (Firefox can deliver the
    /// navigation's event late) stays. Returns whether records were removed.
    pub fn clear_before(&mut self, tab_id: i32, before_ms: u64) -> bool {
        let Some(tab) = self.tabs.get_mut(&tab_id) else {
            return false;
        };
        tab.pending.retain(|c| c.arrived_ms >= before_ms);
        tab.sightings.retain(|s| s.time_ms >= before_ms);
        let before = tab.slots.len();
        tab.slots.retain(|s| s.record.time_ms >= before_ms);
        if tab.slots.len() == before {
            return false;
        }
        tab.reindex();
        true
    }

    fn next_serial(&mut self) -> u32 {
        self.serial = self.serial.wrapping_add(1);
        self.serial
    }

    /// `chrome.webRequest.onHeadersReceived`. Returns whether the tab's records changed.
    pub fn observe_network(&mut self, details: &WebRequestDetails, now_ms: u64) -> bool {
        if details.tab_id < 0
            || !is_payment_candidate(details.status_code)
            || details.is_browser_initiated()
        {
            return false;
        }
        let time_ms = details
            .time_stamp
            .filter(|t| t.is_finite() && *t >= 1.0)
            .map_or(now_ms, |t| t as u64);
        let request_id = details.request_id.as_text();
        let tab = self.tabs.entry(details.tab_id).or_default();
        tab.prune(now_ms);
        if tab.by_request.contains_key(&request_id)
            || tab.sightings.iter().any(|s| s.request_id == request_id)
        {
            return false; // the same event again
        }
        let entry = details.to_entry();
        let key = Key::of(&entry);
        // DevTools (or a replayed page capture) came first: webRequest adds its id (for a later network error) and the
        // headers DevTools did not list. The body and the diagnosis stay.
        if let Some(seq) = tab.find(&key, time_ms, |r| {
            r.request_id.is_none() && matches!(r.source, Source::Devtools | Source::Page)
        }) {
            tab.by_request.insert(request_id.clone(), seq);
            if let Some(r) = tab.record_mut(seq) {
                r.request_id = Some(request_id);
                let merged = combine(std::mem::take(&mut r.entry), &entry);
                r.entry = sanitize_entry(&merged, MAX_STORED_BODY_BYTES);
            }
            tab.take_pending(&key); // the page's copy of the body adds nothing to DevTools'
            return true;
        }
        // The page's copy of the body arrived first: diagnose once, with it.
        let (full, source) = match tab.take_pending(&key) {
            Some(c) => (combine(c.entry, &entry), Source::Page),
            None => (entry, Source::Network),
        };
        match diagnose_at(&full, time_ms) {
            Some(d) => {
                let id = format!("wr-{request_id}");
                let mut r = new_record(id, details.tab_id, time_ms, source, full, d);
                r.request_id = Some(request_id);
                tab.push(key, r);
                true
            }
            None => {
                if !has_body(&full) {
                    if tab.sightings.len() >= MAX_SIGHTINGS {
                        tab.sightings.pop_front();
                    }
                    tab.sightings.push_back(Sighting {
                        key,
                        time_ms,
                        request_id,
                        entry: full,
                    });
                }
                false
            }
        }
    }

    /// A HAR entry from DevTools or the page script (`source`), or an import. Returns whether the
    /// tab's records changed.
    pub fn observe_entry(
        &mut self,
        tab_id: i32,
        entry: Exchange,
        source: Source,
        now_ms: u64,
    ) -> Observed {
        self.observe(tab_id, entry, source, now_ms, None)
    }

    /// A page capture the relay sent again because the worker stopped before acknowledging it,
    /// which the relay matched to the browser's own Resource Timing entry for the URL (same
    /// status, from the network, not a page service worker). webRequest's sighting of it may
    /// have been lost with the stopped worker, so when none is found it may create the record,
    /// at `seen_ms`: when Resource Timing says the response came (ms since the epoch).
    pub fn observe_replayed_page(
        &mut self,
        tab_id: i32,
        entry: Exchange,
        seen_ms: u64,
        now_ms: u64,
    ) -> Observed {
        self.observe(tab_id, entry, Source::Page, now_ms, Some(seen_ms))
    }

    fn observe(
        &mut self,
        tab_id: i32,
        entry: Exchange,
        source: Source,
        now_ms: u64,
        replayed: Option<u64>,
    ) -> Observed {
        if tab_id < 0 || !is_payment_candidate(entry.response.status) {
            return Observed::Unchanged;
        }
        if source == Source::Page && !acceptable_page_entry(&entry) {
            return Observed::Unchanged;
        }
        let serial = self.next_serial();
        let tab = self.tabs.entry(tab_id).or_default();
        tab.prune(now_ms);
        let key = Key::of(&entry);
        if source == Source::Import {
            return Observed::from(push_new(
                tab, key, tab_id, entry, source, now_ms, serial, None,
            ));
        }
        // A record of this response with a lesser body (or none): this body replaces it.
        let target = tab.find(&key, now_ms, |r| {
            r.source != Source::Import
                && if source == Source::Page {
                    !r.has_body
                } else {
                    r.source < Source::Devtools
                }
        });
        if let Some(seq) = target {
            return better_body(tab, seq, tab_id, entry, source);
        }
        if source == Source::Page
            && tab
                .find(&key, now_ms, |r| r.source == Source::Devtools)
                .is_some()
        {
            return Observed::Unchanged; // DevTools already gave this response's body
        }
        // webRequest saw this response but its headers alone showed nothing: now the body can.
        if let Some(s) = tab.take_sighting(&key, now_ms) {
            let full = combine(entry, &s.entry);
            let id = format!("wr-{}", s.request_id);
            return Observed::from(push_new(
                tab,
                key,
                tab_id,
                full,
                source,
                s.time_ms,
                0,
                Some((id, s.request_id)),
            ));
        }
        if let (Source::Page, Some(seen_ms)) = (source, replayed) {
            // Sent again after it was written but before the acknowledgement came back.
            if tab.find(&key, now_ms, |r| r.has_body).is_some() {
                return Observed::Unchanged;
            }
            // A stand-in comes late (after the relay's retries): it takes the time the browser
            // saw the response, and a list that holds only newer records (the written copy may
            // have been pushed out already) does not take it in.
            let seen_ms = seen_ms.min(now_ms);
            if !within_window(seen_ms, now_ms) || tab.older_than_kept(seen_ms) {
                return Observed::Unchanged;
            }
            return Observed::from(push_new(
                tab, key, tab_id, entry, source, seen_ms, serial, None,
            ));
        }
        if source == Source::Page {
            // No sighting yet: wait for it (bounded), never create a record from the page alone.
            tab.hold(Capture {
                key,
                arrived_ms: now_ms,
                entry,
            });
            return Observed::Held;
        }
        tab.take_pending(&key);
        Observed::from(push_new(
            tab, key, tab_id, entry, source, now_ms, serial, None,
        ))
    }

    /// webRequest reported a network error after the headers of `request_id`
    /// (`net::ERR_FAILED`): the page got "Failed to fetch" instead of the response.
    pub fn mark_page_error(&mut self, tab_id: i32, request_id: &str, error: &str) -> bool {
        let Some(tab) = self.tabs.get_mut(&tab_id) else {
            return false;
        };
        let Some(&seq) = tab.by_request.get(request_id) else {
            return false;
        };
        match tab.record_mut(seq) {
            Some(r) => {
                r.page_error = Some(clean_error(error));
                true
            }
            None => false,
        }
    }

    /// The page's own fetch/XHR for `method url` failed, where the browser reports no network
    /// error (Firefox: a cross-origin 402 without CORS headers ends in `onCompleted`). Applies
    /// only to a response webRequest saw, without a body (a page that read a body was not
    /// refused it), and not marked yet.
    pub fn mark_page_failure(
        &mut self,
        tab_id: i32,
        method: &str,
        url: &str,
        error: &str,
        now_ms: u64,
    ) -> bool {
        let Some(tab) = self.tabs.get_mut(&tab_id) else {
            return false;
        };
        for status in PAYMENT_CANDIDATE_STATUSES {
            let key = Key::new(method, url, status);
            let seq = tab.find(&key, now_ms, |r| {
                r.request_id.is_some() && !r.has_body && r.page_error.is_none()
            });
            if let Some(r) = seq.and_then(|seq| tab.record_mut(seq)) {
                r.page_error = Some(clean_error(error));
                return true;
            }
        }
        false
    }
}

/// `entry` brings a better body for the record at `seq`: the record is diagnosed again, keeping
/// its id, time, webRequest id and page error.
fn better_body(tab: &mut Tab, seq: u64, tab_id: i32, entry: Exchange, source: Source) -> Observed {
    let Some(old) = tab.record_mut(seq) else {
        return Observed::Unchanged;
    };
    let full = combine(entry, &old.entry);
    let Some(d) = diagnose_at(&full, old.time_ms) else {
        return Observed::Unchanged; // the body does not confirm it: keep what was seen
    };
    let mut r = new_record(old.id.clone(), tab_id, old.time_ms, source, full, d);
    r.request_id = old.request_id.clone();
    r.page_error = old.page_error.clone();
    tab.replace(seq, r);
    Observed::Changed
}

/// Diagnoses `entry` and appends it as a new record; `ids` carries webRequest's when it saw it.
#[allow(clippy::too_many_arguments)]
fn push_new(
    tab: &mut Tab,
    key: Key,
    tab_id: i32,
    entry: Exchange,
    source: Source,
    time_ms: u64,
    serial: u32,
    ids: Option<(String, String)>,
) -> bool {
    let Some(d) = diagnose_at(&entry, time_ms) else {
        return false;
    };
    let (id, request_id) = match ids {
        Some((id, rid)) => (id, Some(rid)),
        None => (entry_id(source, time_ms, serial), None),
    };
    let mut r = new_record(id, tab_id, time_ms, source, entry, d);
    r.request_id = request_id;
    tab.push(key, r);
    true
}

/// What a page capture may be (the relay checked it too; the page can forge anything it sends):
/// an http(s) URL, a body within the page cap, a bounded header list.
fn acceptable_page_entry(e: &Exchange) -> bool {
    let url = e.request.url.to_ascii_lowercase();
    let body = e.response.content.text.as_deref().unwrap_or("");
    (url.starts_with("https://") || url.starts_with("http://"))
        && e.request.url.len() <= 8192
        && e.request.method.len() <= 32
        && !body.is_empty()
        && body.len() <= PAGE_BODY_BYTES
        && e.response.headers.len() <= MAX_CAPTURED_HEADERS
        && e.response.content.encoding.is_none()
}

#[cfg(test)]
mod tests;
