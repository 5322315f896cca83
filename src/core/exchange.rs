//! The input: one observed HTTP exchange, shaped as a HAR 1.2 entry.
//!
//! Reading is lenient (missing fields default) because HAR writers differ and the extension's
//! background sees no body at all; a field of the wrong type is an error. Everything here is
//! attacker-controlled.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::core::json_read::{list, string, u16, Object, ReadError};

/// At most this many bytes of a body are examined; the rest is ignored and the evidence says so.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Header {
    pub name: String,
    pub value: String,
}

impl Header {
    fn from_json(v: &Value) -> Result<Header, ReadError> {
        let o = Object::new(v)?;
        Ok(Header {
            name: o.or_default("name", string)?,
            value: o.or_default("value", string)?,
        })
    }

    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Request {
    pub method: String,
    pub url: String,
    pub headers: Vec<Header>,
}

impl Request {
    fn from_json(v: &Value) -> Result<Request, ReadError> {
        let o = Object::new(v)?;
        Ok(Request {
            method: o.or_default("method", string)?,
            url: o.or_default("url", string)?,
            headers: o.or_default("headers", headers)?,
        })
    }
}

fn headers(v: &Value) -> Result<Vec<Header>, ReadError> {
    list(v, Header::from_json)
}

/// HAR `response.content`. `text` is absent when the body was not captured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Content {
    #[serde(rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `"base64"` when `text` is base64 of the raw bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

impl Content {
    fn from_json(v: &Value) -> Result<Content, ReadError> {
        let o = Object::new(v)?;
        Ok(Content {
            mime_type: o.optional("mimeType", string)?,
            text: o.optional("text", string)?,
            encoding: o.optional("encoding", string)?,
        })
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Response {
    pub status: u16,
    #[serde(rename = "statusText")]
    pub status_text: String,
    pub headers: Vec<Header>,
    pub content: Content,
}

impl Response {
    fn from_json(v: &Value) -> Result<Response, ReadError> {
        let o = Object::new(v)?;
        Ok(Response {
            status: o.or_default("status", u16)?,
            status_text: o.or_default("statusText", string)?,
            headers: o.or_default("headers", headers)?,
            content: o.or_default("content", Content::from_json)?,
        })
    }
}

/// One HAR entry (the fields the diagnosis reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exchange {
    #[serde(rename = "startedDateTime", skip_serializing_if = "Option::is_none")]
    pub started_date_time: Option<String>,
    pub request: Request,
    pub response: Response,
}

/// The body as the diagnosis sees it: decoded, capped, lossily UTF-8.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyView {
    pub text: String,
    /// The capture held more than [`MAX_BODY_BYTES`]; only a prefix is in `text`.
    pub truncated: bool,
    /// The content was marked base64 but did not decode; `text` is empty.
    pub undecodable: bool,
}

fn find_header<'a>(headers: &'a [Header], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

fn all_headers<'a>(headers: &'a [Header], name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    headers
        .iter()
        .filter(move |h| h.name.eq_ignore_ascii_case(name))
        .map(|h| h.value.as_str())
}

impl Exchange {
    /// Reads a HAR entry; see the module docs for what is lenient.
    pub fn from_json(v: &Value) -> Result<Exchange, ReadError> {
        let o = Object::new(v)?;
        Ok(Exchange {
            started_date_time: o.optional("startedDateTime", string)?,
            request: o.or_default("request", Request::from_json)?,
            response: o.or_default("response", Response::from_json)?,
        })
    }

    /// First response header with this name (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        find_header(&self.response.headers, name)
    }

    /// Every response header line with this name, in order (a header may be sent twice).
    pub fn headers<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        all_headers(&self.response.headers, name)
    }

    pub fn request_header(&self, name: &str) -> Option<&str> {
        find_header(&self.request.headers, name)
    }

    /// Host of the request URL, lowercased, without port or user info.
    pub fn host(&self) -> Option<String> {
        url_host(&self.request.url)
    }

    /// The decoded body, capped at [`MAX_BODY_BYTES`]; `None` when no body was captured.
    pub fn body(&self) -> Option<BodyView> {
        let text = self.response.content.text.as_deref()?;
        let is_base64 = self
            .response
            .content
            .encoding
            .as_deref()
            .is_some_and(|e| e.eq_ignore_ascii_case("base64"));
        if is_base64 {
            // Decode only what is needed for the cap: 4 base64 chars give 3 bytes.
            let want = (MAX_BODY_BYTES / 3 + 1) * 4;
            let slice: String = text
                .chars()
                .filter(|c| !c.is_ascii_whitespace())
                .take(want)
                .collect();
            return Some(match crate::decode::base64::decode_lenient(&slice) {
                Some(bytes) => {
                    let truncated = bytes.len() > MAX_BODY_BYTES || slice.len() < text.len();
                    let bytes = &bytes[..bytes.len().min(MAX_BODY_BYTES)];
                    BodyView {
                        text: String::from_utf8_lossy(bytes).into_owned(),
                        truncated,
                        undecodable: false,
                    }
                }
                None => BodyView {
                    text: String::new(),
                    truncated: false,
                    undecodable: true,
                },
            });
        }
        let truncated = text.len() > MAX_BODY_BYTES;
        let end = floor_char_boundary(text, MAX_BODY_BYTES);
        Some(BodyView {
            text: text[..end].to_string(),
            truncated,
            undecodable: false,
        })
    }
}

/// Largest index <= `at` that is a char boundary of `s`.
pub fn floor_char_boundary(s: &str, at: usize) -> usize {
    if at >= s.len() {
        return s.len();
    }
    let mut i = at;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Host of a URL, lowercased; tolerant of junk (returns `None` rather than failing loudly).
pub fn url_host(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next()?
    } else {
        host_port.split(':').next()?
    };
    if host.is_empty() {
        None
    } else {
        Some(host.to_ascii_lowercase())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn missing_fields_default_and_wrong_types_name_their_path() {
        assert_eq!(Exchange::from_json(&json!({})), Ok(Exchange::default()));
        let e = Exchange::from_json(&json!({
            "request": {"headers": [{"name": "Origin"}]},
            "response": {"status": 402, "content": {"text": null}},
            "cache": {},
        }))
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(e.request.headers, vec![Header::new("Origin", "")]);
        assert_eq!(e.response.status, 402);
        assert_eq!(e.response.content.text, None);
        for (bad, path) in [
            (json!({"response": {"status": "402"}}), "response.status"),
            (json!({"response": {"status": 402.0}}), "response.status"),
            (json!({"response": null}), "response"),
            (
                json!({"request": {"headers": [{}, 5]}}),
                "request.headers[1]",
            ),
            (
                json!({"response": {"content": {"mimeType": []}}}),
                "response.content.mimeType",
            ),
            (json!([]), ""),
        ] {
            let err = Exchange::from_json(&bad).expect_err("wrong type");
            assert_eq!(err.path(), path, "{bad}");
        }
    }

    /// What the extension stores (the serialised entry) reads back the same.
    #[test]
    fn serialised_entries_read_back() {
        let mut e = Exchange {
            started_date_time: Some("2026-11-25T10:00:00Z".into()),
            ..Exchange::default()
        };
        e.request.method = "POST".into();
        e.request
            .headers
            .push(Header::new("Origin", "https://a.test"));
        e.response.status = 402;
        e.response.status_text = "Payment Required".into();
        e.response.content.encoding = Some("base64".into());
        e.response.content.text = Some("e30=".into());
        let v = serde_json::to_value(&e).unwrap_or_default();
        assert_eq!(Exchange::from_json(&v), Ok(e));
    }
}
