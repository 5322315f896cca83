//! The wasm side of the Console line: a stored record in, the text to print out (see
//! `crate::capture::console_line`). Bad input gives `undefined`, never a throw.

use serde_json::Value;
use wasm_bindgen::prelude::*;

use crate::capture::console_line::console_line as format_line;
use crate::capture::StoredRecord;

/// The Console line of a record as the extension stores it, as text (summary, then
/// `key<TAB>value` lines: see `capture::console_line::console_line`). `updated` marks a later
/// line for the same record whose cause changed. The diagnosis is recomputed from the stored
/// entry, as for every record that comes back from JavaScript.
#[wasm_bindgen]
pub fn console_line(record: JsValue, updated: bool) -> Option<String> {
    let text = js_sys::JSON::stringify(&record)
        .ok()
        .and_then(|t| t.as_string());
    let record = text
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
        .and_then(|v| StoredRecord::from_json(&v).ok())
        .and_then(StoredRecord::into_record);
    record.map(|r| format_line(&r.method, &r.url, &r.diagnosis, updated))
}
