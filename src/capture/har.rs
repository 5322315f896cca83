//! HAR entries: built from webRequest details, and made safe to store (secrets redacted, body
//! capped).

use serde_json::{Number, Value};

use crate::core::exchange::{floor_char_boundary, Content, Exchange, Header, Request, Response};
use crate::core::json_read::{i32, integer, list, number, string, u16, Object, ReadError};
use crate::core::redact;
use crate::decode::time::format_rfc3339;

/// Stored bodies are cut to this many bytes: `chrome.storage.session` holds ~10 MB for all tabs.
/// (A body whose payment signal lies further in is kept as far as the engine reads; see
/// `capture::stored_entry`.)
pub const MAX_STORED_BODY_BYTES: usize = 64 * 1024;

/// A page error string is a short net error name; anything longer is cut.
pub(super) const MAX_ERROR_CHARS: usize = 200;

/// `requestId` is a string in Chrome and Firefox; accept an integer too rather than drop the event.
#[derive(Debug, Clone, PartialEq)]
pub enum RequestId {
    Text(String),
    /// An integer, so the id prints without float formatting (~16 KB of raw wasm). A number with a
    /// fraction or exponent, or beyond `i64`, is rejected (`JSON.stringify` writes integral
    /// numbers below 1e21 as digits).
    Number(i64),
}

impl RequestId {
    fn from_json(v: &Value) -> Result<RequestId, ReadError> {
        match v {
            Value::String(s) => Ok(RequestId::Text(s.clone())),
            other => {
                integer(other, "a string or an integer", Number::as_i64).map(RequestId::Number)
            }
        }
    }

    pub fn as_text(&self) -> String {
        match self {
            RequestId::Text(s) => s.clone(),
            RequestId::Number(n) => n.to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct WebRequestHeader {
    pub name: String,
    /// Absent when the browser gives `binaryValue` instead; treated as empty.
    pub value: Option<String>,
}

impl WebRequestHeader {
    fn from_json(v: &Value) -> Result<WebRequestHeader, ReadError> {
        let o = Object::new(v)?;
        Ok(WebRequestHeader {
            name: o.or_default("name", string)?,
            value: o.optional("value", string)?,
        })
    }
}

/// The fields of `chrome.webRequest.onHeadersReceived` details that matter here.
#[derive(Debug, Clone, PartialEq)]
pub struct WebRequestDetails {
    pub request_id: RequestId,
    pub url: String,
    pub method: String,
    pub status_code: u16,
    /// `HTTP/1.1 402 Payment Required`.
    pub status_line: Option<String>,
    pub response_headers: Vec<WebRequestHeader>,
    /// -1 when absent, as the browser says for requests outside a tab.
    pub tab_id: i32,
    /// Origin of the document that made the request: Chromium's `initiator`, else (Firefox has
    /// none) the origin of `originUrl` or `documentUrl`.
    pub initiator: Option<String>,
    /// Resource type (`type`): `xmlhttprequest` for fetch, `main_frame` for navigations, …
    pub kind: Option<String>,
    /// ms since the epoch.
    pub time_stamp: Option<f64>,
}

impl WebRequestDetails {
    /// Reads the details; only `requestId` is required, other fields default when missing.
    pub fn from_json(v: &Value) -> Result<WebRequestDetails, ReadError> {
        let o = Object::new(v)?;
        Ok(WebRequestDetails {
            request_id: o.required("requestId", RequestId::from_json)?,
            url: o.or_default("url", string)?,
            method: o.or_default("method", string)?,
            status_code: o.or_default("statusCode", u16)?,
            status_line: o.optional("statusLine", string)?,
            response_headers: o
                .or_default("responseHeaders", |v| list(v, WebRequestHeader::from_json))?,
            tab_id: o.optional("tabId", i32)?.unwrap_or(-1),
            initiator: match o.optional("initiator", string)? {
                Some(initiator) => Some(initiator),
                None => origin_from_urls(&o)?,
            },
            kind: o.optional("type", string)?,
            time_stamp: o.optional("timeStamp", number)?,
        })
    }
}

/// Firefox's details name the URL of what made the request (`originUrl`: the document or worker)
/// and of the document it belongs to; the `Origin` header the browser sent is the origin of
/// the first, which is what Chromium's `initiator` holds.
fn origin_from_urls(o: &Object) -> Result<Option<String>, ReadError> {
    let url = match o.optional("originUrl", string)? {
        Some(url) => Some(url),
        None => o.optional("documentUrl", string)?,
    };
    Ok(url.as_deref().and_then(crate::protocols::cors::origin_of))
}

/// The path of `url`, without query or fragment (`/` when it has none).
fn url_path(url: &str) -> &str {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    // The authority ends at the first of these; only a `/` starts a path.
    let after_authority = rest.find(['/', '?', '#']).map_or("", |i| &rest[i..]);
    match after_authority.split(['?', '#']).next() {
        Some(path) if !path.is_empty() => path,
        _ => "/",
    }
}

/// Request types the browser sends with an `Origin` header and CORS checks on the response;
/// navigations and subresources like images are not read by page script.
fn is_cors_type(kind: Option<&str>) -> bool {
    matches!(kind, None | Some("xmlhttprequest" | "fetch" | "other"))
}

/// `HTTP/1.1 402 Payment Required` → `Payment Required`; HTTP/2 lines carry no reason phrase.
fn reason_phrase(status_line: &str) -> String {
    let mut parts = status_line.trim().splitn(3, ' ');
    let _version = parts.next();
    let _code = parts.next();
    parts.next().unwrap_or("").trim().to_string()
}

impl WebRequestDetails {
    /// Requests the browser makes on its own for a page, which the page never asked for and
    /// never sees fail: the site icon, fetched from `/favicon.ico` without any tag asking for
    /// it (Firefox reports it as an image of the tab; Chromium reports it outside any tab), and
    /// speculative connections (Firefox). An icon the page declares itself with `<link
    /// rel=icon>` is the page's own request and still counts.
    pub fn is_browser_initiated(&self) -> bool {
        match self.kind.as_deref() {
            Some("speculative") => true,
            Some("image" | "imageset") => url_path(&self.url).eq_ignore_ascii_case("/favicon.ico"),
            _ => false,
        }
    }

    /// The exchange as a HAR entry, without a body (webRequest never sees one).
    pub fn to_entry(&self) -> Exchange {
        let mut request_headers = Vec::new();
        if let Some(initiator) = self.initiator.as_deref().filter(|i| !i.is_empty()) {
            // The browser sent `Origin: <initiator>` on a cross-origin fetch; webRequest does not
            // list it among response details, and the CORS check needs it.
            let same_origin =
                crate::protocols::cors::origin_of(&self.url).is_some_and(|o| o == initiator);
            if !same_origin && is_cors_type(self.kind.as_deref()) {
                request_headers.push(Header::new("Origin", initiator));
            }
        }
        Exchange {
            started_date_time: self
                .time_stamp
                .filter(|t| t.is_finite() && *t > 0.0)
                .map(|t| format_rfc3339((t / 1000.0) as i64)),
            request: Request {
                method: self.method.clone(),
                url: self.url.clone(),
                headers: request_headers,
            },
            response: Response {
                status: self.status_code,
                status_text: self
                    .status_line
                    .as_deref()
                    .map(reason_phrase)
                    .unwrap_or_default(),
                headers: self
                    .response_headers
                    .iter()
                    .map(|h| Header::new(h.name.clone(), h.value.clone().unwrap_or_default()))
                    .collect(),
                content: Content::default(),
            },
        }
    }
}

/// Cuts `s` to at most `max` bytes on a char boundary.
pub(super) fn cap(s: &mut String, max: usize) {
    let end = floor_char_boundary(s, max);
    s.truncate(end);
}

/// The entry as stored and shown, through the rules of [`redact`]: request headers reduced to
/// a short allow-list (the user's credentials live there), response headers named like secrets
/// and cookies replaced, the URL's query values and userinfo redacted, secrets in the body and
/// in base64 JSON payment headers masked; the body decoded and capped at `max_body` bytes.
pub fn sanitize_entry(entry: &Exchange, max_body: usize) -> Exchange {
    let mut out = entry.clone();
    out.request.url = redact::url(&entry.request.url);
    for h in &mut out.request.headers {
        let l402 = if h.name.eq_ignore_ascii_case("authorization") {
            crate::protocols::l402::redacted_credential(&h.value)
        } else {
            None
        };
        h.value = l402.unwrap_or_else(|| redact::stored_request_header(&h.name, &h.value));
    }
    // Response headers are the server's terms and are re-diagnosed from the record: values
    // pass the shape rules, and headers named like secrets (`Set-Cookie`, `X-Session-Token`)
    // are replaced whole.
    for h in &mut out.response.headers {
        h.value = match base64_json_header(&h.name, &h.value) {
            Some(v) => v,
            None => redact::header_value(&h.name, &h.value),
        };
    }
    // Store the decoded text (base64 bodies become text) so redaction can see it.
    out.response.content.encoding = None;
    out.response.content.text = match entry.body() {
        // Kept marked base64 so it reads as undecodable again.
        Some(b) if b.undecodable => {
            out.response.content.encoding = Some("base64".into());
            Some(UNDECODABLE_BODY.into())
        }
        Some(b) => {
            let mut text = redact::text(&b.text);
            cap(&mut text, max_body);
            Some(text)
        }
        None => None,
    };
    out
}

/// x402 puts its terms (and a `resource` URL or `description` that may quote a secret) in
/// base64 JSON headers: redact the decoded JSON and re-encode it, leaving the value byte-exact
/// when nothing was secret. `None` for other headers.
fn base64_json_header(name: &str, value: &str) -> Option<String> {
    let terms = ["payment-required", "payment-response", "x-payment-response"];
    if !terms.iter().any(|t| t.eq_ignore_ascii_case(name)) {
        return None;
    }
    let json = crate::decode::base64::decode_to_string(value)?;
    let clean = redact::text(&json);
    Some(if clean == json {
        value.to_string()
    } else {
        crate::decode::base64::encode(clean.as_bytes())
    })
}

/// Stored instead of a body marked base64 that did not decode: never valid base64 (`[`).
const UNDECODABLE_BODY: &str = "[body marked base64 did not decode]";

#[cfg(test)]
mod tests;
