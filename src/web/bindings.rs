//! The functions JavaScript calls (see the extension contract). Conversion only: the logic is in
//! `crate::capture` and the UI. Bad input never throws: it gives `undefined` or the list back
//! unchanged, with a console warning.

use std::cell::Cell;

use serde::Serialize;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use web_sys::Element;

use crate::capture::{self, ms_from_js, Record, Source, StoredRecord, WebRequestDetails};
use crate::core::exchange::Exchange;
use crate::core::json_read::{list, ReadError};
use crate::web::ui::{self, Kind};

thread_local! {
    /// Distinguishes records created in the same millisecond.
    static SERIAL: Cell<u32> = const { Cell::new(0) };
}

fn warn(what: &str, detail: &JsValue) {
    web_sys::console::warn_2(&JsValue::from_str(what), detail);
}

/// Values cross the boundary as JSON text: serde_json is already in the wasm for the
/// knowledge data, so reusing it is smaller than a second serde backend (measured).
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_json::to_string(value)
        .ok()
        .and_then(|text| js_sys::JSON::parse(&text).ok())
        .unwrap_or_else(|| {
            warn("why402: cannot convert result", &JsValue::NULL);
            JsValue::UNDEFINED
        })
}

/// A value from JS read with `read`, by way of JSON text and a `Value`: the one JSON parser in
/// the wasm is then the one for `Value` (which the core needs anyway), and the readers are small
/// hand-written functions rather than serde derives (measured: smaller wasm).
fn from_js<T>(what: &str, value: &JsValue, read: fn(&Value) -> Result<T, ReadError>) -> Option<T> {
    let text = js_sys::JSON::stringify(value).ok()?.as_string()?;
    let parsed = serde_json::from_str::<Value>(&text).map_err(|e| e.to_string());
    parsed
        .and_then(|v| read(&v).map_err(|e| e.to_string()))
        .map_err(|e| warn(what, &JsValue::from_str(&e)))
        .ok()
}

/// A record from JS, its diagnosis recomputed (see `StoredRecord`).
fn record(what: &str, value: &JsValue) -> Option<Record> {
    from_js(what, value, StoredRecord::from_json).and_then(StoredRecord::into_record)
}

/// A record list from JS; `None` when it is not an array of records. Records whose entry no
/// longer shows a payment problem (stored by an older version) are dropped.
fn records_strict(value: &JsValue) -> Option<Vec<Record>> {
    let list = from_js("why402: not a record list", value, |v| {
        list(v, StoredRecord::from_json)
    })?;
    Some(
        list.into_iter()
            .filter_map(StoredRecord::into_record)
            .collect(),
    )
}

/// A record list for display: elements that are not records are skipped.
fn records_lenient(value: JsValue) -> Vec<Record> {
    if !js_sys::Array::is_array(&value) {
        return Vec::new();
    }
    js_sys::Array::from(&value)
        .iter()
        .filter_map(|v| record("why402: skipping a bad record", &v))
        .collect()
}

fn record_or_undefined(record: Option<Record>) -> JsValue {
    record.map_or(JsValue::UNDEFINED, |r| to_js(&r))
}

/// A record from `chrome.webRequest.onHeadersReceived` details; `undefined` when the response
/// shows no payment problem.
#[wasm_bindgen]
pub fn record_from_web_request(details: JsValue, now_ms: f64) -> JsValue {
    let record = from_js(
        "why402: bad webRequest details",
        &details,
        WebRequestDetails::from_json,
    )
    .and_then(|d| capture::record_from_web_request(&d, ms_from_js(now_ms)));
    record_or_undefined(record)
}

/// A record from a HAR entry; `source` is `"devtools"`, `"page"`, `"network"` or `"import"`.
#[wasm_bindgen]
pub fn record_from_entry(entry: JsValue, source: &str, tab_id: i32, now_ms: f64) -> JsValue {
    let Some(source) = Source::from_id(source) else {
        warn("why402: unknown source", &JsValue::from_str(source));
        return JsValue::UNDEFINED;
    };
    let serial = SERIAL.with(|s| {
        let n = s.get().wrapping_add(1);
        s.set(n);
        n
    });
    let record = from_js("why402: bad HAR entry", &entry, Exchange::from_json)
        .and_then(|e| capture::record_from_entry(&e, source, tab_id, ms_from_js(now_ms), serial));
    record_or_undefined(record)
}

/// The tab's list with `incoming` merged in (see `capture::merge_record`).
#[wasm_bindgen]
pub fn merge_record(records: JsValue, incoming: JsValue) -> JsValue {
    let list = if records.is_undefined() || records.is_null() {
        Some(Vec::new())
    } else {
        records_strict(&records)
    };
    let Some(list) = list else {
        return records;
    };
    match record("why402: bad incoming record", &incoming) {
        Some(r) => to_js(&capture::merge_record(list, r)),
        None => records,
    }
}

/// The tab's list with `page_error` set on the record `id`.
#[wasm_bindgen]
pub fn mark_page_error(records: JsValue, id: &str, error: &str) -> JsValue {
    match records_strict(&records) {
        Some(list) => to_js(&capture::mark_page_error(list, id, error)),
        None => records,
    }
}

/// Statuses whose response bodies the page script should copy.
#[wasm_bindgen]
pub fn is_payment_candidate(status: u16) -> bool {
    capture::is_payment_candidate(status)
}

/// Renders the popup into `root` (class `why402-popup`).
#[wasm_bindgen]
pub fn render_popup(root: &Element, records: JsValue, tab_id: i32) {
    let list: Vec<Record> = records_lenient(records)
        .into_iter()
        .filter(|r| r.tab_id == tab_id)
        .collect();
    ui::render(Kind::Popup, root, list);
}

/// Renders the DevTools panel into `root` (class `why402-panel`); call again on every change.
#[wasm_bindgen]
pub fn render_panel(root: &Element, records: JsValue) {
    ui::render(Kind::Panel, root, records_lenient(records));
}

/// The Markdown report of a tab's records (secrets already redacted in records).
#[wasm_bindgen]
pub fn markdown_report(records: JsValue) -> String {
    report(&records_lenient(records))
}

pub(crate) fn report(records: &[Record]) -> String {
    let items: Vec<_> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.method.clone(), r.url.clone(), r.diagnosis.clone()))
        .collect();
    crate::report::markdown(&items)
}
