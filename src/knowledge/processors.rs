//! Payment processors other than Stripe, explained from `processors.json`: where each one puts
//! its decline or error code, and what each code means and who must act on it.
//!
//! A code is only read from the fields the processor puts it in (`codes_at`), never from free
//! text: "INSUFFICIENT_FUNDS" in a plan description is not a card decline. The error object may
//! sit at the top of the body, one level down (`{"error": {…}}`, a merchant backend wrapping
//! the processor's answer), inside a JSON string, or inside text (an SDK's exception message or a
//! log line quoting the body); each place is tried, in that order, a bounded number of times.
//!
//! The processor is known by its host (identity and links come from providers.json), else by
//! the shape of its error object, with a lower confidence.

use serde_json::Value;

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Step};
use crate::core::evidence::cat;
use crate::core::evidence::truncate;
use crate::core::observed::{host_matches, parse_json, Observed};
use crate::core::reading::after_key;

use super::providers;

// `processors.json`, validated and rendered by `build.rs`: `PROCESSORS`, and `SUSPENDED`, the
// phrases (lowercased) that say the merchant's own account cannot take payments.
include!(concat!(env!("OUT_DIR"), "/processors.rs"));

/// One processor's vocabulary.
struct Processor {
    /// Id in providers.json.
    provider: &'static str,
    docs: &'static str,
    /// Lists of JSON paths that must all exist for an object to be this processor's error.
    shapes: &'static [&'static [&'static str]],
    /// JSON paths holding codes, in order of preference.
    codes_at: &'static [&'static str],
    messages_at: &'static [&'static str],
    codes: &'static [Code],
}

/// One code (or another spelling of it), lowercased.
struct Code {
    code: &'static str,
    /// `None` for payment_declined.
    cause: Option<Cause>,
    /// "" when the processor's own message says it.
    meaning: &'static str,
    actor: Actor,
    /// `None` for the customer's usual one, `CUSTOMER_STEP`.
    step: Option<&'static str>,
}

/// Who must act on a code.
#[derive(Clone, Copy)]
enum Actor {
    Customer,
    Merchant,
}

impl Actor {
    /// As the steps say it.
    fn says(self) -> &'static str {
        match self {
            Actor::Customer => "the customer (the payer)",
            Actor::Merchant => "you, the merchant (the site's owner)",
        }
    }
}

/// The step for a customer-side decline when the vocabulary has no better one.
const CUSTOMER_STEP: &str =
    "Ask the customer to check the details they entered, or to pay with another card or method.";

/// At most this many candidate error objects are examined per body.
const MAX_CANDIDATES: usize = 8;
/// At most this many array items are walked per `*` in a path.
const MAX_ITEMS: usize = 8;
/// Text bodies are searched for embedded JSON in this many bytes at most.
const MAX_TEXT: usize = 64 * 1024;

/// A code found in a field, with what it means.
struct Found {
    processor: &'static Processor,
    path: String,
    code: String,
    cause: Cause,
    meaning: &'static str,
    actor: &'static str,
    step: &'static str,
    message: Option<(String, String)>,
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    // Processors answer declines with 400, 402 or 422; success codes and server errors are not
    // declines, and a bare auth failure is no payment problem.
    if !(400..500).contains(&obs.status) || obs.status == 401 {
        return None;
    }
    let candidates = candidates(obs);
    let by_host = PROCESSORS.iter().find(|p| on_host(obs, p));
    let mut order: Vec<(&'static Processor, bool)> = Vec::new();
    if let Some(p) = by_host {
        order.push((p, true));
    }
    for p in PROCESSORS {
        if by_host.is_none_or(|h| h.provider != p.provider)
            && candidates.iter().any(|(_, c)| has_shape(p, c))
        {
            order.push((p, false));
        }
    }
    // A body with no whole JSON object: each processor's own keys may still be quoted in it.
    if candidates.is_empty() && by_host.is_none() {
        return PROCESSORS
            .iter()
            .find_map(|p| lookup_text(p, obs.body_text(), false))
            .map(|found| diagnosis(obs, found, false));
    }
    for (p, host) in order {
        for (prefix, c) in &candidates {
            if !(host || has_shape(p, c)) {
                continue;
            }
            if let Some(found) = lookup(p, prefix, c) {
                return Some(diagnosis(obs, found, host));
            }
        }
        if candidates.is_empty() {
            if let Some(found) = lookup_text(p, obs.body_text(), host) {
                return Some(diagnosis(obs, found, host));
            }
        }
        if let Some(d) = suspended(obs, p, host) {
            return Some(d);
        }
        // Known processor, no known code: the message's wording decides, as for any provider
        // (on the processor's own host, the provider rules and heuristics do that next).
        if !host {
            return with_heuristics(obs, p);
        }
    }
    None
}

/// The processor says the merchant account itself is suspended or restricted.
fn suspended(obs: &Observed, p: &'static Processor, host: bool) -> Option<Diagnosis> {
    let phrase = SUSPENDED.iter().find(|s| obs.body_lower.contains(*s))?;
    let name = name(p);
    let mut d = named(obs, p, host, Cause::AccountSuspended, Confidence::Medium);
    d.evidence.push(Evidence::body(
        "text",
        &crate::core::evidence::excerpt_around(obs.body_text(), &obs.body_lower, phrase),
    ));
    d.summary = cat(&[name, ": the merchant account cannot take payments"]);
    d.explanation = cat(&[
        name,
        " refuses to process payments for this merchant account: it says the account is suspended, restricted or not active. Every customer's payment fails until the account is fixed.",
    ]);
    d.steps = vec![Step::text(cat(&[
        "Who acts: ",
        Actor::Merchant.says(),
        ". Sign in to the ",
        name,
        " dashboard, read the notice on the account and complete what it asks (verification, documents, outstanding fees), or contact ",
        name,
        " support.",
    ]))
    .with_link(p.docs)];
    Some(d)
}

fn on_host(obs: &Observed, p: &Processor) -> bool {
    let (Some(host), Some(provider)) = (obs.host.as_deref(), providers::by_id(p.provider)) else {
        return false;
    };
    provider.hosts.iter().any(|d| host_matches(host, d))
}

/// The objects that may be a processor's error, each with the path prefix it was found at.
fn candidates(obs: &Observed) -> Vec<(String, Value)> {
    let mut out: Vec<(String, Value)> = Vec::new();
    match &obs.json {
        Some(root) => {
            out.push((String::new(), root.clone()));
            if let Value::Object(map) = root {
                for (key, value) in map.iter().take(32) {
                    if out.len() >= MAX_CANDIDATES {
                        break;
                    }
                    match value {
                        Value::Object(_) => out.push((cat(&[key, "."]), value.clone())),
                        // JSON inside a JSON string (a wrapper that kept the raw answer).
                        Value::String(s) => {
                            if let Some(v) = parse_json(s).filter(Value::is_object) {
                                out.push((cat(&[key, "."]), v));
                            }
                        }
                        _ => {}
                    }
                }
            }
        }
        None => embedded(obs.body_text(), &mut out),
    }
    out
}

/// JSON objects quoted inside text (an exception message, a log line), left to right.
fn embedded(text: &str, out: &mut Vec<(String, Value)>) {
    let end = crate::core::exchange::floor_char_boundary(text, MAX_TEXT);
    let text = &text[..end];
    let mut from = 0;
    let mut attempts = 0;
    while let Some(pos) = text.get(from..).and_then(|t| t.find('{')) {
        attempts += 1;
        if attempts > 32 || out.len() >= MAX_CANDIDATES {
            break;
        }
        let start = from + pos;
        let parsed = crate::core::reading::balanced(&text[start..])
            .and_then(parse_json)
            .filter(Value::is_object);
        match parsed {
            Some(v) => {
                let len = crate::core::reading::balanced(&text[start..]).map_or(1, str::len);
                if let Value::Object(map) = &v {
                    // A wrapper's `error` object is itself a candidate.
                    if let Some(inner) = map.get("error").filter(|e| e.is_object()) {
                        out.push(("error.".into(), inner.clone()));
                    }
                }
                out.push((String::new(), v));
                from = start + len;
            }
            None => from = start + 1,
        }
    }
}

/// The value after `key` in printed text (YAML, a JS or Ruby object print, `key=value`): the
/// key must stand alone and be followed by `:`, `=` or `=>`; the value is quoted, else a single
/// token (`code`-like fields) or the rest of the line (`whole_line`, for messages).
pub(crate) fn text_field<'t>(text: &'t str, key: &str, whole_line: bool) -> Option<&'t str> {
    let end = crate::core::exchange::floor_char_boundary(text, MAX_TEXT);
    for rest in after_key(&text[..end], key, &["=>", ":", "="], 16) {
        let rest = rest.trim_start_matches([' ', '\t']);
        let value = match rest.chars().next()? {
            q @ ('"' | '\'') => {
                let inner = &rest[1..];
                &inner[..inner.find(q)?]
            }
            _ => {
                let stop = |c: char| {
                    c == '\n'
                        || c == '\r'
                        || (!whole_line && (c.is_whitespace() || ",})".contains(c)))
                };
                let v = &rest[..rest.find(stop).unwrap_or(rest.len())];
                v.trim_end().trim_end_matches(',')
            }
        };
        if !value.is_empty() && value.len() <= 300 {
            return Some(value);
        }
    }
    None
}

/// Every value at `path`, where `*` stands for each item of an array (a few at most).
fn values_at<'v>(v: &'v Value, path: &str, out: &mut Vec<(String, &'v Value)>) {
    fn walk<'v>(v: &'v Value, parts: &[&str], at: String, out: &mut Vec<(String, &'v Value)>) {
        let Some((first, rest)) = parts.split_first() else {
            out.push((at, v));
            return;
        };
        let join = |k: &str| {
            if at.is_empty() {
                k.to_string()
            } else {
                cat(&[&at, ".", k])
            }
        };
        match (v, *first) {
            (Value::Array(list), "*") => {
                for (i, item) in list.iter().take(MAX_ITEMS).enumerate() {
                    walk(item, rest, join(&i.to_string()), out);
                }
            }
            (Value::Object(map), key) => {
                if let Some(next) = map.get(key) {
                    walk(next, rest, join(key), out);
                }
            }
            (Value::Array(list), index) => {
                if let Some(next) = index.parse::<usize>().ok().and_then(|i| list.get(i)) {
                    walk(next, rest, join(index), out);
                }
            }
            _ => {}
        }
    }
    let parts: Vec<&str> = path.split('.').collect();
    walk(v, &parts, String::new(), out);
}

fn has_shape(p: &Processor, v: &Value) -> bool {
    p.shapes.iter().any(|paths| {
        paths.iter().all(|path| {
            let mut found = Vec::new();
            values_at(v, path, &mut found);
            found.iter().any(|(_, v)| !v.is_null())
        })
    })
}

/// A scalar field as text: codes may be strings or numbers.
fn scalar(v: &Value) -> Option<String> {
    match v {
        Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

/// The first field in `codes_at` whose value is a code of this processor.
fn lookup(p: &'static Processor, prefix: &str, v: &Value) -> Option<Found> {
    for path in p.codes_at {
        let mut values = Vec::new();
        values_at(v, path, &mut values);
        for (at, value) in values {
            let Some(code) = scalar(value) else { continue };
            if let Some(found) = entry(p, cat(&[prefix, &at]), code, &|| message(p, prefix, v)) {
                return Some(found);
            }
        }
    }
    None
}

/// What `code` means for this processor, found at `path`; `None` when it is not one of its
/// codes. The message is only looked up for a known code.
fn entry(
    p: &'static Processor,
    path: String,
    code: String,
    message: &dyn Fn() -> Option<(String, String)>,
) -> Option<Found> {
    let key = code.to_ascii_lowercase();
    let c = p.codes.iter().find(|c| c.code == key)?;
    let cause = c.cause.unwrap_or(Cause::PaymentDeclined);
    let meaning = c.meaning;
    let actor = c.actor.says();
    let step = c.step.unwrap_or(CUSTOMER_STEP);
    Some(Found {
        processor: p,
        path,
        code,
        cause,
        meaning,
        actor,
        step,
        message: message(),
    })
}

/// A body that is not JSON and holds no whole JSON object (cut short, printed by an SDK): a
/// processor is recognised when every key of one of its shapes appears quoted (`"step":`), and
/// its codes are read after their own keys.
fn lookup_text(p: &'static Processor, text: &str, host: bool) -> Option<Found> {
    let last = |path: &'static str| path.rsplit('.').next().unwrap_or(path);
    let quoted_key = |k: &str| text.contains(&cat(&["\"", k, "\":"]));
    if !host
        && !p
            .shapes
            .iter()
            .any(|paths| paths.iter().all(|path| quoted_key(last(path))))
    {
        return None;
    }
    for path in p.codes_at {
        let Some(code) = text_field(text, last(path), false) else {
            continue;
        };
        let message = || {
            text_field(text, "description", true)
                .or_else(|| text_field(text, "message", true))
                .map(|m| ("text".to_string(), m.to_string()))
        };
        if let Some(found) = entry(p, "text".into(), code.to_string(), &message) {
            return Some(found);
        }
    }
    None
}

/// The processor's own message, from the first message field that holds text.
fn message(p: &Processor, prefix: &str, v: &Value) -> Option<(String, String)> {
    for path in p.messages_at {
        let mut values = Vec::new();
        values_at(v, path, &mut values);
        if let Some((at, text)) = values.into_iter().find_map(|(at, v)| {
            Some((at, v.as_str()?.trim().to_string())).filter(|(_, t)| !t.is_empty())
        }) {
            return Some((cat(&[prefix, &at]), text));
        }
    }
    None
}

fn name(p: &Processor) -> &'static str {
    providers::by_id(p.provider).map_or(p.provider, |d| d.name)
}

/// A diagnosis naming the processor, with its host as evidence when the request went to it.
fn named(obs: &Observed, p: &Processor, host: bool, cause: Cause, c: Confidence) -> Diagnosis {
    let mut d = Diagnosis::new(cause, c, obs.status);
    d.provider = Some(p.provider.into());
    d.provider_name = Some(name(p).into());
    d.docs_url = Some(p.docs.into());
    if let (true, Some(h)) = (host, &obs.host) {
        d.evidence.push(Evidence::host(h));
    }
    d
}

fn diagnosis(obs: &Observed, f: Found, host: bool) -> Diagnosis {
    let p = f.processor;
    let name = name(p);
    let confidence = if host {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut d = named(obs, p, host, f.cause, confidence);
    d.evidence.push(Evidence::body(&f.path, &f.code));
    let mut explanation = if f.meaning.is_empty() {
        cat(&[name, " declined the payment with code ", &f.code, "."])
    } else {
        cat(&[name, " answered ", &f.code, ": ", f.meaning])
    };
    if let Some((at, text)) = &f.message {
        d.evidence.push(Evidence::body(at, text));
        if !text.eq_ignore_ascii_case(&f.code) {
            explanation.push_str(&cat(&[" Its message: \"", &truncate(text, 200), "\"."]));
        }
    }
    if !host {
        explanation.push_str(&cat(&[
            " ",
            name,
            " is recognised by the shape of its error object: the request did not go to it directly, a backend or gateway passed its answer on.",
        ]));
    }
    d.summary = cat(&[
        name,
        ": ",
        f.cause.plain(),
        " (",
        &truncate(&f.code, 60),
        ")",
    ]);
    d.explanation = explanation;
    d.steps = vec![
        Step::text(cat(&["Who acts: ", f.actor, ". ", f.step])).with_link(p.docs),
        Step::text(match f.cause {
            Cause::PaymentProcessingError => "Retrying once is reasonable: the failure is usually temporary.",
            Cause::AccountSuspended => "Payments will keep failing for every customer until the merchant account is fixed; retrying does not help.",
            Cause::RateLimited => "Stop retrying for now: further attempts are blocked for a while.",
            _ => "Do not retry the same payment details automatically: the same answer will come back.",
        }),
    ];
    d
}

/// A processor known by its error object's shape whose code means nothing to us: the wording
/// of the message decides the cause (strong phrases only, as for any provider).
fn with_heuristics(obs: &Observed, p: &'static Processor) -> Option<Diagnosis> {
    let signal = super::heuristics::classify(obs)?;
    let mut d = Diagnosis::new(
        signal.cause,
        signal.confidence.min(Confidence::Medium),
        obs.status,
    );
    d.provider = Some(p.provider.into());
    d.provider_name = Some(name(p).into());
    d.docs_url = Some(p.docs.into());
    d.evidence = signal.evidence;
    Some(d)
}

#[cfg(test)]
mod tests;
