//! The functions the web playground (`www/`) calls: a streaming HAR scanner fed one slice of the
//! dropped file at a time, and the explanation of one pasted `curl -si` response. Conversion
//! only: splitting and parsing are in `crate::har`, records in `crate::capture`, and the results
//! render with the panel UI (`render_panel`).

use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::capture::{self, ms_from_js, Record, Source};
use crate::har::raw_http::{parse_response, RawHttpError};
use crate::har::{parse_entry, HarError, Splitter};

/// Records kept per file (each holds a redacted entry with a body of at most 64 KiB, so this
/// bounds memory); problems past it are counted, not kept.
pub const MAX_PLAYGROUND_RECORDS: usize = 500;

/// A pasted response larger than this is cut (as the CLI's `explain` does).
const MAX_PASTE_BYTES: usize = 16 * 1024 * 1024;

/// Imported records belong to no browser tab.
const NO_TAB: i32 = 0;

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// `not a HAR file: line:column: message`, without saying "not a HAR file" twice.
fn har_error_text(e: &HarError) -> String {
    let message = e
        .message
        .strip_prefix("not a HAR file: ")
        .unwrap_or(&e.message);
    format!(
        "not a HAR file: {}:{}: {message}",
        e.position.line, e.position.column
    )
}

/// `not an HTTP response: line N: message`, without saying it twice.
fn raw_error_text(e: &RawHttpError) -> String {
    let message = e
        .message
        .strip_prefix("not an HTTP response: ")
        .unwrap_or(&e.message);
    format!("not an HTTP response: line {}: {message}", e.line)
}

/// Reads one HAR file incrementally: `push` each slice, then `finish`. Every entry that can be a
/// payment failure is diagnosed as it completes (the others are only checked and counted); the
/// first error stops reading (as the CLI does).
#[wasm_bindgen]
pub struct HarScanner {
    splitter: Splitter,
    now_ms: u64,
    records: Vec<Record>,
    /// Entries with a payment problem, kept or not.
    found: usize,
    error: Option<String>,
}

#[wasm_bindgen]
impl HarScanner {
    /// `now_ms` is the diagnosis time (ms since the epoch, `Date.now()`).
    #[wasm_bindgen(constructor)]
    pub fn new(now_ms: f64) -> HarScanner {
        HarScanner {
            splitter: Splitter::new(),
            now_ms: ms_from_js(now_ms),
            records: Vec::new(),
            found: 0,
            error: None,
        }
    }

    /// Feeds the next bytes of the file; `false` once reading stopped on an error.
    pub fn push(&mut self, chunk: &[u8]) -> bool {
        if self.error.is_none() {
            self.splitter.push(chunk);
            self.drain();
        }
        self.error.is_none()
    }

    /// Says the file is over (checks it was complete); `false` when it is not a whole HAR file.
    pub fn finish(&mut self) -> bool {
        if self.error.is_none() {
            self.splitter.finish();
            self.drain();
        }
        self.error.is_none()
    }

    fn drain(&mut self) {
        while let Some(item) = self.splitter.next_entry() {
            let entry = item.and_then(|raw| parse_entry(&raw).map(|e| (raw.index, e)));
            match entry {
                Ok((index, exchange)) => {
                    // The HAR index is the id's serial: `im-<ms>-<index>` names the entry.
                    let serial = u32::try_from(index).unwrap_or(u32::MAX);
                    let record = capture::record_from_entry(
                        &exchange,
                        Source::Import,
                        NO_TAB,
                        self.now_ms,
                        serial,
                    );
                    if let Some(r) = record {
                        self.found += 1;
                        if self.records.len() < MAX_PLAYGROUND_RECORDS {
                            self.records.push(r);
                        }
                    }
                }
                Err(e) => {
                    self.error = Some(har_error_text(&e));
                    return;
                }
            }
        }
    }

    /// Complete entries read so far.
    pub fn entries_read(&self) -> u32 {
        u32::try_from(self.splitter.entries_read()).unwrap_or(u32::MAX)
    }

    /// Why the file cannot be read (`not a HAR file: line:column: …`), if it cannot.
    pub fn error(&self) -> Option<String> {
        self.error.clone()
    }

    /// The records, in file order, ready for `render_panel`.
    pub fn records(&self) -> JsValue {
        super::bindings::to_js(&self.records)
    }

    /// One sentence on the result, e.g. `No payment problems found in 120 entries.`
    pub fn summary(&self) -> String {
        let entries = plural(self.splitter.entries_read(), "entry", "entries");
        if self.found == 0 {
            return format!("No payment problems found in {entries}.");
        }
        let mut s = format!(
            "{} found in {entries}.",
            plural(self.found, "payment problem", "payment problems")
        );
        if self.found > self.records.len() {
            s.push_str(&format!(" Showing the first {}.", self.records.len()));
        }
        s
    }
}

/// What `explain_response` gives back: a record, or why there is none.
#[derive(Serialize)]
struct Explained {
    record: Option<Record>,
    /// The text is not an HTTP response (`not an HTTP response: line N: …`).
    error: Option<String>,
    summary: String,
}

/// Explains one response as `curl -si` prints it. `url` (may be empty) is what was requested: it
/// helps recognise the provider. Gives `{record, error, summary}`.
#[wasm_bindgen]
pub fn explain_response(text: &str, url: &str, now_ms: f64) -> JsValue {
    let bytes = text.as_bytes();
    let bytes = bytes.get(..MAX_PASTE_BYTES).unwrap_or(bytes);
    let url = Some(url.trim()).filter(|u| !u.is_empty());
    let result = match parse_response(bytes, None, url) {
        Err(e) => Explained {
            record: None,
            error: Some(raw_error_text(&e)),
            summary: String::new(),
        },
        Ok(exchange) => {
            let now_ms = ms_from_js(now_ms);
            let record = capture::record_from_entry(&exchange, Source::Import, NO_TAB, now_ms, 0);
            let summary = match &record {
                Some(_) => "1 payment problem found in this response.".to_string(),
                None => format!(
                    "No payment problems found in this response (HTTP {}).",
                    exchange.response.status
                ),
            };
            Explained {
                record,
                error: None,
                summary,
            }
        }
    };
    super::bindings::to_js(&result)
}
