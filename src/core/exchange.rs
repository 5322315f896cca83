//! The input: one observed HTTP exchange, shaped as a HAR 1.2 entry.
//!
//! Deserialisation is lenient (missing fields default) because HAR writers differ and the
//! extension's background sees no body at all. Everything here is attacker-controlled.

use serde::{Deserialize, Serialize};

/// At most this many bytes of a body are examined; the rest is ignored and the evidence says so.
pub const MAX_BODY_BYTES: usize = 256 * 1024;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Header {
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub value: String,
}

impl Header {
    pub fn new(name: impl Into<String>, value: impl Into<String>) -> Header {
        Header {
            name: name.into(),
            value: value.into(),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Request {
    #[serde(default)]
    pub method: String,
    #[serde(default)]
    pub url: String,
    #[serde(default)]
    pub headers: Vec<Header>,
}

/// HAR `response.content`. `text` is absent when the body was not captured.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Content {
    #[serde(default, rename = "mimeType", skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// `"base64"` when `text` is base64 of the raw bytes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Response {
    #[serde(default)]
    pub status: u16,
    #[serde(default, rename = "statusText")]
    pub status_text: String,
    #[serde(default)]
    pub headers: Vec<Header>,
    #[serde(default)]
    pub content: Content,
}

/// One HAR entry (the fields the diagnosis reads).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    #[serde(
        default,
        rename = "startedDateTime",
        skip_serializing_if = "Option::is_none"
    )]
    pub started_date_time: Option<String>,
    #[serde(default)]
    pub request: Request,
    #[serde(default)]
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
