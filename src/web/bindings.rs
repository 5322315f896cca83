//! The functions JavaScript calls. Conversion only: the logic is in `crate::capture` and the UI.
//! Values cross the boundary as structured values through `serde-wasm-bindgen` (no JSON text).
//! Bad input never throws: it is dropped with a console warning.
//!
//! The extension's contract (see the README, "How it sees responses"):
//! - worker: `load_tab`, `observe_web_request`, `observe_entry`, `observe_page_error`,
//!   `observe_page_failure`, `clear_tab`, `forget_tab` change the tab lists the wasm holds and
//!   return whether the tab's list changed; `tab_records` / `tab_count` read a list back for
//!   the (coalesced) write to `storage.session` and the badge.
//! - popup and panel: `render_popup`, `render_panel` take stored records as
//!   they are and never diagnose.
//! - build (playground wasm only): `capture_limits_js` is the module `scripts/limits.mjs`
//!   writes as `extension/limits.js` and copies into the classic content scripts.

use std::cell::RefCell;

use serde::de::DeserializeOwned;
use serde::Serialize;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::capture::{ms_from_js, Listed, Observed, Source, Store, WebRequestDetails, SCHEMA};
use crate::core::exchange::Exchange;
use crate::web::ui::{self, Kind};

thread_local! {
    /// Every tab's records while the worker lives; rebuilt from `storage.session` after a restart.
    static STORE: RefCell<Store> = RefCell::new(Store::new());
}

fn warn(what: &str, detail: &str) {
    gloo::console::warn!(what, detail);
}

/// `value` as a plain JS value: objects (not `Map`s) and `null` for `None`, as JSON would be.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    value
        .serialize(&serde_wasm_bindgen::Serializer::json_compatible())
        .unwrap_or_else(|e| {
            warn("why402: cannot convert result", &e.to_string());
            JsValue::UNDEFINED
        })
}

pub(crate) fn from_js<T: DeserializeOwned>(what: &str, value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| warn(what, &e.to_string()))
        .ok()
}

fn with_store<T>(f: impl FnOnce(&mut Store) -> T) -> Option<T> {
    STORE.with(|s| s.try_borrow_mut().ok().map(|mut s| f(&mut s)))
}

/// Takes the tab's stored list into the worker's memory (after a restart). Returns true when
/// records had to be diagnosed again or dropped (another schema): write the list back.
#[wasm_bindgen]
pub fn load_tab(tab_id: i32, stored: JsValue) -> bool {
    let list: Vec<serde_json::Value> = if stored.is_undefined() || stored.is_null() {
        Vec::new()
    } else {
        from_js("why402: not a stored record list", stored).unwrap_or_default()
    };
    with_store(|s| s.load(tab_id, list)).unwrap_or(false)
}

/// `chrome.webRequest.onHeadersReceived` details. The details are read by the small reader in
/// `capture::har` (lenient about what browsers differ on, e.g. a numeric `requestId`).
#[wasm_bindgen]
pub fn observe_web_request(details: JsValue, now_ms: f64) -> bool {
    let Some(value) = from_js::<serde_json::Value>("why402: bad webRequest details", details)
    else {
        return false;
    };
    match WebRequestDetails::from_json(&value) {
        Ok(d) => with_store(|s| s.observe_network(&d, ms_from_js(now_ms))).unwrap_or(false),
        Err(e) => {
            warn("why402: bad webRequest details", &e.to_string());
            false
        }
    }
}

/// A HAR entry; `source` is `"devtools"`, `"page"` (only adds a body to a response the
/// extension saw), `"page-replayed"` (sent again after a worker stop and matched to the
/// browser's Resource Timing by the relay, which saw the response at `seen_ms`; see
/// `Store::observe_replayed_page`) or `"import"`. Returns 1 when the tab's list changed, 2 when
/// a page capture waits for webRequest's sighting of its response, else 0.
#[wasm_bindgen]
pub fn observe_entry(tab_id: i32, entry: JsValue, source: &str, seen_ms: f64, now_ms: f64) -> u32 {
    let replayed = source == "page-replayed";
    let kind = if replayed {
        Some(Source::Page)
    } else {
        Source::from_id(source)
    };
    let Some(kind) = kind.filter(|s| *s != Source::Network) else {
        warn("why402: unknown source", source);
        return 0;
    };
    let Some(entry) = from_js::<Exchange>("why402: bad HAR entry", entry) else {
        return 0;
    };
    let now = ms_from_js(now_ms);
    with_store(|s| {
        if replayed {
            s.observe_replayed_page(tab_id, entry, ms_from_js(seen_ms), now)
        } else {
            s.observe_entry(tab_id, entry, kind, now)
        }
    })
    .map_or(0, |o| match o {
        Observed::Unchanged => 0,
        Observed::Changed => 1,
        Observed::Held => 2,
    })
}

/// `chrome.webRequest.onErrorOccurred` for a request that had a candidate status.
#[wasm_bindgen]
pub fn observe_page_error(tab_id: i32, request_id: &str, error: &str) -> bool {
    with_store(|s| s.mark_page_error(tab_id, request_id, error)).unwrap_or(false)
}

/// The page's own fetch/XHR failed (the page hook saw it): Firefox reports no network error
/// for a cross-origin response without CORS headers.
#[wasm_bindgen]
pub fn observe_page_failure(
    tab_id: i32,
    method: &str,
    url: &str,
    error: &str,
    now_ms: f64,
) -> bool {
    with_store(|s| s.mark_page_failure(tab_id, method, url, error, ms_from_js(now_ms)))
        .unwrap_or(false)
}

/// A new top-level document started at `before_ms` (the navigation's own event time).
#[wasm_bindgen]
pub fn clear_tab(tab_id: i32, before_ms: f64) -> bool {
    with_store(|s| s.clear_before(tab_id, ms_from_js(before_ms))).unwrap_or(false)
}

#[wasm_bindgen]
pub fn forget_tab(tab_id: i32) {
    with_store(|s| s.forget(tab_id));
}

/// The tab's records as stored (newest last).
#[wasm_bindgen]
pub fn tab_records(tab_id: i32) -> JsValue {
    STORE.with(|s| match s.try_borrow() {
        Ok(s) => to_js(&s.records(tab_id).collect::<Vec<_>>()),
        Err(_) => JsValue::UNDEFINED,
    })
}

#[wasm_bindgen]
pub fn tab_count(tab_id: i32) -> u32 {
    STORE.with(|s| s.try_borrow().map_or(0, |s| s.count(tab_id) as u32))
}

/// The generated module of capture limits (`scripts/limits.mjs`). Build time only: the script
/// reads it from the playground's wasm (www/pkg), and the extension does not ship it.
#[cfg(feature = "playground")]
#[wasm_bindgen]
pub fn capture_limits_js() -> String {
    crate::capture::limits::js_module()
}

/// Stored records as they are, for display: elements that are not records of this version's
/// schema are skipped (the worker diagnoses those again when it loads the tab).
fn stored_records(value: JsValue) -> Vec<Listed> {
    if !js_sys::Array::is_array(&value) {
        return Vec::new();
    }
    js_sys::Array::from(&value)
        .iter()
        .filter_map(|v| from_js::<Listed>("why402: skipping a bad record", v))
        .filter(|r| r.schema == SCHEMA)
        .collect()
}

/// Renders the popup into `root` (class `why402-popup`).
#[wasm_bindgen]
pub fn render_popup(root: &Element, records: JsValue, tab_id: i32) {
    let list: Vec<Listed> = stored_records(records)
        .into_iter()
        .filter(|r| r.tab_id == tab_id)
        .collect();
    ui::render(Kind::Popup, root, list);
}

/// Renders the DevTools panel into `root` (class `why402-panel`); call again on every change.
#[wasm_bindgen]
pub fn render_panel(root: &Element, records: JsValue) {
    ui::render(Kind::Panel, root, stored_records(records));
}
