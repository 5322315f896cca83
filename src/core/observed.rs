//! An exchange prepared once for every detector: status, host, capped body, parsed JSON and a
//! lowercased copy of the text for keyword search.

use serde_json::Value;

use super::exchange::{BodyView, Exchange};
use super::reading::{self, Embedded, Reading};

pub struct Observed<'a> {
    pub exchange: &'a Exchange,
    pub status: u16,
    pub host: Option<String>,
    /// `None` when no body was captured (webRequest) or it was empty.
    pub body: Option<BodyView>,
    /// The body parsed as JSON, when it is JSON (serde_json's recursion limit stops deep nesting),
    /// else the first object read from it by `core::reading` (a log line, a printed dict).
    pub json: Option<Value>,
    /// How `json` was read when the body is not clean JSON (`None` when it is, or no object).
    pub reading: Option<Reading>,
    /// Documents found inside `json`'s strings (a relay quoting its upstream's answer).
    pub nested: Vec<Embedded>,
    /// Body text with ASCII letters lowercased, for keyword matching: offsets match `body`, and
    /// keywords are ASCII (or caseless, like Chinese).
    pub body_lower: String,
    /// Diagnosis time, seconds since the Unix epoch, when known.
    pub now: Option<i64>,
}

impl<'a> Observed<'a> {
    pub fn new(exchange: &'a Exchange, now: Option<i64>) -> Observed<'a> {
        let body = exchange
            .body()
            .filter(|b| !b.text.is_empty() || b.undecodable);
        let mut reading = None;
        let json = body.as_ref().and_then(|b| {
            parse_json(&b.text).or_else(|| {
                // Markup is left to the HTML readers: its braces are scripts and styles.
                if b.text.trim_start().starts_with('<') {
                    return None;
                }
                let (value, how) = reading::object_in_text(&b.text)?;
                reading = Some(how);
                Some(value)
            })
        });
        let nested = json
            .as_ref()
            .map(reading::nested_documents)
            .unwrap_or_default();
        let body_lower = body
            .as_ref()
            .map(|b| b.text.to_ascii_lowercase())
            .unwrap_or_default();
        Observed {
            exchange,
            status: exchange.response.status,
            host: exchange.host(),
            body,
            json,
            reading,
            nested,
            body_lower,
            now,
        }
    }

    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.exchange.header(name)
    }

    pub fn body_text(&self) -> &str {
        self.body.as_ref().map(|b| b.text.as_str()).unwrap_or("")
    }

    /// A string (or number/bool, stringified) at a dotted JSON path in the body.
    pub fn json_str(&self, path: &str) -> Option<String> {
        self.json.as_ref().and_then(|v| json_str(v, path))
    }

    /// True when the host is `domain` or a subdomain of it.
    pub fn host_is(&self, domain: &str) -> bool {
        self.host
            .as_deref()
            .is_some_and(|h| host_matches(h, domain))
    }
}

/// Parses JSON only when the text looks like a JSON object or array.
pub fn parse_json(text: &str) -> Option<Value> {
    let t = text.trim_start_matches('\u{feff}').trim();
    if !(t.starts_with('{') || t.starts_with('[')) {
        return None;
    }
    serde_json::from_str(t).ok()
}

/// Walks a dotted path (`error.metadata.reason`, `accepts.0.network`) through objects and arrays.
pub fn json_at<'v>(value: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = value;
    for part in path.split('.').filter(|p| !p.is_empty()) {
        cur = match cur {
            Value::Object(map) => map.get(part)?,
            Value::Array(items) => items.get(part.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    Some(cur)
}

/// `v` as compact JSON text. Not `v.to_string()`: `Display` for `Value` writes through an io
/// adapter whose error path links std's boxed errors and Unicode `Debug` tables into the wasm.
pub fn json_text(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// The scalar at `path` as a string; objects, arrays and null give `None`.
pub fn json_str(value: &Value, path: &str) -> Option<String> {
    match json_at(value, path)? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// `host` equals `domain` or ends with `.domain` (ASCII case-insensitive).
pub fn host_matches(host: &str, domain: &str) -> bool {
    let host = host.trim_end_matches('.');
    host.eq_ignore_ascii_case(domain)
        || (host.len() > domain.len()
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.'
            && host.as_bytes()[host.len() - domain.len()..].eq_ignore_ascii_case(domain.as_bytes()))
}
