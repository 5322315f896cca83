//! The wasm side of the Console line: a stored record in, the text to print out (see
//! `crate::capture::console_line`). Bad input gives `undefined`, never a throw.

use wasm_bindgen::prelude::*;

use crate::capture::console_line::console_line as format_line;
use crate::capture::{Record, SCHEMA};
use crate::web::bindings::from_js;

/// The Console line of a record as the worker holds it, as text (summary, then `key<TAB>value`
/// lines: see `capture::console_line::console_line`). `updated` marks a later line for the same
/// record whose cause changed. The stored diagnosis is used as it is.
#[wasm_bindgen]
pub fn console_line(record: JsValue, updated: bool) -> Option<String> {
    from_js::<Record>("why402: not a record", record)
        .filter(|r| r.schema == SCHEMA)
        .map(|r| format_line(&r.method, &r.url, &r.diagnosis, updated))
}
