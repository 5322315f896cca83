//! x402 on the wire: where a challenge is read from (the `PAYMENT-REQUIRED` header, the v1 JSON
//! body, the paywall page) and the settlement response.

use std::borrow::Cow;

use serde_json::Value;

use crate::core::diagnosis::Evidence;
use crate::core::evidence::cat;
use crate::core::observed::{json_str, parse_json, Observed};
use crate::core::reading::balanced;
use crate::decode::base64;

/// How much of an HTML page is searched for the paywall's embedded challenge.
pub(super) const MAX_SCAN_BYTES: usize = 128 * 1024;
/// Options beyond this many are ignored (a hostile challenge can list thousands).
pub(super) const MAX_OPTIONS: usize = 16;

/// Where a challenge was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    Header,
    Body,
    /// `window.x402 = {…}` in the paywall page.
    Paywall,
    /// `data-requirements='…'` in the built-in fallback paywall.
    PaywallAttribute,
}

/// A decoded `PaymentRequired` object (v1 paywall arrays are wrapped into one).
#[derive(Debug, Clone)]
pub struct Challenge<'a> {
    /// Borrowed when it is the response's own JSON body.
    pub json: Cow<'a, Value>,
    pub origin: Origin,
    /// Evidence location of the object's root (`payment-required`, ``, `window.x402.paymentRequired`).
    pub root: String,
    /// Evidence location of the accepts array.
    pub accepts_path: String,
    /// Placeholder text had to be cleaned up before it parsed (documentation `[...]`).
    pub salvaged: bool,
}

impl Challenge<'_> {
    pub fn version(&self) -> Option<u64> {
        self.json.get("x402Version").and_then(Value::as_u64)
    }

    pub fn options(&self) -> Vec<&Value> {
        options(&self.json)
    }

    pub(super) fn path(&self, sub: &str) -> String {
        join(&self.root, sub)
    }

    pub(super) fn option_path(&self, i: usize, field: &str) -> String {
        join(&self.accepts_path, &cat(&[&i.to_string(), ".", field]))
    }

    pub(super) fn evidence(&self, location: &str, value: &str) -> Evidence {
        match self.origin {
            Origin::Header => header_path(location, value),
            _ => Evidence::body(location, value),
        }
    }
}

/// The objects in a PaymentRequired's `accepts`, at most [`MAX_OPTIONS`].
pub(super) fn options(required: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    if let Some(Value::Array(items)) = required.get("accepts") {
        for v in items {
            if out.len() == MAX_OPTIONS {
                break;
            }
            if v.is_object() {
                out.push(v);
            }
        }
    }
    out
}

/// Evidence from inside a decoded header: `location` is `header.json.path`, the path keeping
/// its case (JSON keys are case-sensitive, header names are not).
pub(super) fn header_path(location: &str, value: &str) -> Evidence {
    let (header, path) = match location.split_once('.') {
        Some((header, path)) => (header, Some(path)),
        None => (location, None),
    };
    let mut e = Evidence::header(header, value);
    e.location = header.to_ascii_lowercase();
    if let Some(path) = path {
        e.location.push('.');
        e.location.push_str(path);
    }
    e
}

pub(super) fn join(root: &str, sub: &str) -> String {
    if root.is_empty() {
        sub.to_string()
    } else {
        cat(&[root, ".", sub])
    }
}

/// A base64 JSON header as decoded.
pub(super) enum Decoded {
    Json(Challenge<'static>),
    /// Base64 that decodes, but not to JSON.
    NotJson,
    NotBase64,
}

pub(super) fn decode_header(raw: &str) -> Decoded {
    let Some(text) = base64::decode_to_string(raw) else {
        return Decoded::NotBase64;
    };
    // Only an object can be a PaymentRequired; an array or scalar is as unreadable as garbage.
    match parse_salvaging(&text) {
        Some((value, salvaged)) if value.is_object() => Decoded::Json(Challenge {
            json: Cow::Owned(value),
            origin: Origin::Header,
            root: "payment-required".into(),
            accepts_path: "payment-required.accepts".into(),
            salvaged,
        }),
        _ => Decoded::NotJson,
    }
}

/// Parses JSON; failing that, retries with documentation placeholders (`[...]`, `{...}`)
/// emptied, since examples copied from specs ship them verbatim.
pub(super) fn parse_salvaging(text: &str) -> Option<(Value, bool)> {
    if let Some(v) = parse_json(text) {
        return Some((v, false));
    }
    if !(text.contains("[...]") || text.contains("{...}")) {
        return None;
    }
    let cleaned = text.replace("[...]", "[]").replace("{...}", "{}");
    parse_json(&cleaned).map(|v| (v, true))
}

/// The settlement response header, decoded.
pub(super) struct Settlement {
    pub(super) header: &'static str,
    pub(super) raw: String,
    pub(super) json: Option<Value>,
}

impl Settlement {
    pub(super) fn failed(&self) -> bool {
        self.json
            .as_ref()
            .and_then(|j| j.get("success"))
            .and_then(Value::as_bool)
            == Some(false)
    }
    pub(super) fn str(&self, key: &str) -> Option<String> {
        self.json
            .as_ref()
            .and_then(|j| json_str(j, key))
            .filter(|s| !s.is_empty())
    }
}

pub(super) fn settlement(obs: &Observed) -> Option<Settlement> {
    for header in ["payment-response", "x-payment-response"] {
        if let Some(raw) = obs.header(header) {
            let raw = raw.trim();
            return Some(Settlement {
                header,
                raw: raw.to_string(),
                json: base64::decode_to_string(raw).and_then(|t| parse_json(&t)),
            });
        }
    }
    None
}

/// Everything x402 put on the wire, gathered before deciding.
pub(super) struct Wire<'a> {
    pub(super) header_raw: Option<String>,
    pub(super) header: Option<Decoded>,
    pub(super) body_challenge: Option<Challenge<'a>>,
    pub(super) settlement: Option<Settlement>,
    /// The body names x402 but did not parse even after salvage.
    pub(super) body_mentions_x402: bool,
}

impl<'a> Wire<'a> {
    pub(super) fn header_challenge(&self) -> Option<&Challenge<'a>> {
        match &self.header {
            Some(Decoded::Json(c)) => Some(c),
            _ => None,
        }
    }

    pub(super) fn challenge(&self) -> Option<&Challenge<'a>> {
        self.header_challenge().or(self.body_challenge.as_ref())
    }
}

pub(super) fn gather<'a>(obs: &'a Observed) -> Wire<'a> {
    let header_raw = obs.header("payment-required").map(|s| s.trim().to_string());
    let header = header_raw.as_deref().map(decode_header);
    let body_challenge = body_challenge(obs).or_else(|| paywall(obs.body_text()));
    let body_mentions_x402 = body_challenge.is_none() && obs.body_lower.contains("\"x402version\"");
    Wire {
        header_raw,
        header,
        body_challenge,
        settlement: settlement(obs),
        body_mentions_x402,
    }
}

pub(super) fn body_challenge<'a>(obs: &'a Observed) -> Option<Challenge<'a>> {
    let (json, salvaged) = match &obs.json {
        Some(v) => (Cow::Borrowed(v), false),
        None if obs.body_lower.contains("x402version") => {
            let (v, salvaged) = parse_salvaging(obs.body_text())?;
            (Cow::Owned(v), salvaged)
        }
        None => return None,
    };
    json.get("x402Version")?;
    Some(Challenge {
        json,
        origin: Origin::Body,
        root: String::new(),
        accepts_path: "accepts".into(),
        salvaged,
    })
}

/// The challenge embedded in an x402 paywall page, if the body is one.
pub(super) fn paywall(text: &str) -> Option<Challenge<'static>> {
    let end = crate::core::exchange::floor_char_boundary(text, MAX_SCAN_BYTES);
    let text = &text[..end];
    if let Some(at) = text.find("window.x402") {
        let script = &text[at..];
        for (key, v1) in [("paymentRequirements", true), ("paymentRequired", false)] {
            let Some(raw) = value_after_key(script, key) else {
                continue;
            };
            // The shape must fit the key: an array of requirements (v1) or a PaymentRequired.
            let Some(parsed) = parse_json(raw).filter(|p| {
                if v1 {
                    p.is_array()
                } else {
                    p.get("x402Version").is_some() || p.get("accepts").is_some()
                }
            }) else {
                continue;
            };
            let mut parsed = parsed;
            let root = cat(&["window.x402.", key]);
            return Some(if v1 {
                // v1 embeds the bare requirements array. Its version is taken from the first
                // requirement (leaving null) rather than copied: nothing reads it there, and
                // `Value::clone` costs a kilobyte of wasm.
                let version = parsed
                    .get_mut(0)
                    .and_then(|first| first.get_mut("x402Version"))
                    .map_or(Value::from(1), Value::take);
                let mut json = serde_json::Map::new();
                json.insert("x402Version".into(), version);
                json.insert("accepts".into(), parsed);
                Challenge {
                    json: Cow::Owned(Value::Object(json)),
                    origin: Origin::Paywall,
                    accepts_path: root.clone(),
                    root,
                    salvaged: false,
                }
            } else {
                Challenge {
                    json: Cow::Owned(parsed),
                    origin: Origin::Paywall,
                    accepts_path: cat(&[&root, ".accepts"]),
                    root,
                    salvaged: false,
                }
            });
        }
    }
    let raw = attribute_value(text, "data-requirements")?;
    let json = parse_json(&decode_entities(raw)).filter(|v| v.get("x402Version").is_some())?;
    Some(Challenge {
        json: Cow::Owned(json),
        origin: Origin::PaywallAttribute,
        root: "data-requirements".into(),
        accepts_path: "data-requirements.accepts".into(),
        salvaged: false,
    })
}

/// The JSON object or array after `key:` (key bare or quoted) in a JS object literal.
pub fn value_after_key<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let mut from = 0;
    // A few occurrences at most: each failed attempt may scan to the end of the text.
    for _ in 0..8 {
        let pos = text.get(from..)?.find(key)?;
        let after = from + pos + key.len();
        from = after;
        let rest = text.get(after..)?;
        let rest_trim = rest.trim_start_matches(['"', '\'']).trim_start();
        let Some(value) = rest_trim.strip_prefix(':') else {
            continue;
        };
        let value = value.trim_start();
        if let Some(found) = balanced(value) {
            return Some(found);
        }
    }
    None
}

/// The value of an HTML attribute (single- or double-quoted), raw.
pub(super) fn attribute_value<'t>(html: &'t str, name: &str) -> Option<&'t str> {
    let at = html.find(name)?;
    let rest = html
        .get(at + name.len()..)?
        .trim_start()
        .strip_prefix('=')?
        .trim_start();
    let quote = rest.chars().next().filter(|c| *c == '\'' || *c == '"')?;
    let inner = rest.get(1..)?;
    let close = inner.find(quote)?;
    inner.get(..close)
}

/// Decodes the HTML entities an attribute value uses for quoting.
pub fn decode_entities(s: &str) -> String {
    s.replace("&quot;", "\"")
        .replace("&#34;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'")
        .replace("&apos;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        // Last, so `&amp;quot;` stays the text `&quot;`.
        .replace("&amp;", "&")
}
