//! x402: a payment challenge (v1 JSON body, v2 base64 `PAYMENT-REQUIRED` header, or the HTML
//! paywall browsers get) or a refused payment (`error`, `invalidReason`, or a settlement
//! response with `success: false`), decoded into terms and concrete steps.
//!
//! Wire facts: v1 carries `{x402Version:1, error, accepts[]}` in the body with `maxAmountRequired`
//! and network names; v2 carries the same object base64-encoded in `PAYMENT-REQUIRED`, with
//! CAIP-2 networks, `amount` and a top-level `resource` object, and usually an empty `{}` body.
//! Clients pay with `X-PAYMENT` (v1) or `PAYMENT-SIGNATURE` (v2); settlement results come back in
//! `X-PAYMENT-RESPONSE` / `PAYMENT-RESPONSE`.

use std::borrow::Cow;

use serde_json::Value;

use crate::core::diagnosis::{
    Cause, Confidence, Diagnosis, Evidence, Finding, PaymentTerms, Protocol, Severity, Step,
};
use crate::core::evidence::cat;
use crate::core::observed::{json_at, json_str, json_text, parse_json, Observed};
use crate::core::reading::balanced;
use crate::decode::{amount, base64};
use crate::knowledge::chains;
use crate::protocols::x402_lint;

/// How much of an HTML page is searched for the paywall's embedded challenge.
const MAX_SCAN_BYTES: usize = 128 * 1024;
/// Options beyond this many are ignored (a hostile challenge can list thousands).
const MAX_OPTIONS: usize = 16;

/// The canonical Permit2 contract (same address on every EVM chain).
const PERMIT2_ADDRESS: &str = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
const SPEC_URL: &str = "https://github.com/coinbase/x402";
/// Where the maintained x402 client libraries are listed (TypeScript `@x402/fetch`,
/// `@x402/axios`; Python `x402`; Go).
const CLIENTS_URL: &str = "https://github.com/coinbase/x402#readme";
/// Steps that describe the protocol's internals start with this: they are for developers who
/// build payments by hand, after the step a library user needs.
const DETAIL: &str = "Details for developers building the payment by hand: ";

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

    fn path(&self, sub: &str) -> String {
        join(&self.root, sub)
    }

    fn option_path(&self, i: usize, field: &str) -> String {
        join(&self.accepts_path, &cat(&[&i.to_string(), ".", field]))
    }

    fn evidence(&self, location: &str, value: &str) -> Evidence {
        match self.origin {
            Origin::Header => header_path(location, value),
            _ => Evidence::body(location, value),
        }
    }
}

/// The objects in a PaymentRequired's `accepts`, at most [`MAX_OPTIONS`].
pub(crate) fn options(required: &Value) -> Vec<&Value> {
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
fn header_path(location: &str, value: &str) -> Evidence {
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

fn join(root: &str, sub: &str) -> String {
    if root.is_empty() {
        sub.to_string()
    } else {
        cat(&[root, ".", sub])
    }
}

/// A base64 JSON header as decoded.
enum Decoded {
    Json(Challenge<'static>),
    /// Base64 that decodes, but not to JSON.
    NotJson,
    NotBase64,
}

fn decode_header(raw: &str) -> Decoded {
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
fn parse_salvaging(text: &str) -> Option<(Value, bool)> {
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
struct Settlement {
    header: &'static str,
    raw: String,
    json: Option<Value>,
}

impl Settlement {
    fn failed(&self) -> bool {
        self.json
            .as_ref()
            .and_then(|j| j.get("success"))
            .and_then(Value::as_bool)
            == Some(false)
    }
    fn str(&self, key: &str) -> Option<String> {
        self.json
            .as_ref()
            .and_then(|j| json_str(j, key))
            .filter(|s| !s.is_empty())
    }
}

fn settlement(obs: &Observed) -> Option<Settlement> {
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
struct Wire<'a> {
    header_raw: Option<String>,
    header: Option<Decoded>,
    body_challenge: Option<Challenge<'a>>,
    settlement: Option<Settlement>,
    /// The body names x402 but did not parse even after salvage.
    body_mentions_x402: bool,
}

impl<'a> Wire<'a> {
    fn header_challenge(&self) -> Option<&Challenge<'a>> {
        match &self.header {
            Some(Decoded::Json(c)) => Some(c),
            _ => None,
        }
    }

    fn challenge(&self) -> Option<&Challenge<'a>> {
        self.header_challenge().or(self.body_challenge.as_ref())
    }
}

fn gather<'a>(obs: &'a Observed) -> Wire<'a> {
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

fn body_challenge<'a>(obs: &'a Observed) -> Option<Challenge<'a>> {
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
fn paywall(text: &str) -> Option<Challenge<'static>> {
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
fn attribute_value<'t>(html: &'t str, name: &str) -> Option<&'t str> {
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

fn str_field(v: &Value, key: &str) -> Option<String> {
    let s = json_str(v, key)?;
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        Some(s.to_string())
    }
}

/// Fills `t` from one `accepts[]` option; `top` is the PaymentRequired object (v2 resource
/// lives there).
fn fill_terms(t: &mut PaymentTerms, option: &Value, top: &Value) {
    let network_id = str_field(option, "network");
    let network = network_id.as_deref().and_then(chains::network);
    let asset_id = str_field(option, "asset");
    let known = match (&network_id, &asset_id) {
        (Some(n), Some(a)) => chains::asset(n, a),
        _ => None,
    };
    let atomic = str_field(option, "amount").or_else(|| str_field(option, "maxAmountRequired"));
    let decimals = known.map(|a| a.decimals).or_else(|| {
        json_at(option, "extra.decimals")
            .and_then(Value::as_u64)
            .and_then(|d| u32::try_from(d).ok())
    });
    t.amount = match (&atomic, decimals) {
        (Some(a), Some(d)) => amount::atomic_to_human(a, d),
        _ => None,
    };
    t.asset = known
        .map(|a| a.symbol.to_string())
        .or_else(|| asset_id.clone().filter(|a| is_currency_code(a)));
    t.scheme = str_field(option, "scheme");
    t.amount_atomic = atomic;
    t.asset_id = asset_id;
    t.decimals = decimals;
    t.network = network.map(|n| n.name.to_string());
    t.network_id = network_id;
    t.testnet = network.map(|n| n.testnet);
    t.pay_to = str_field(option, "payTo");
    t.resource = str_field(option, "resource").or_else(|| str_field(top, "resource.url"));
    t.description =
        str_field(option, "description").or_else(|| str_field(top, "resource.description"));
    t.max_timeout_seconds = option.get("maxTimeoutSeconds").and_then(Value::as_u64);
}

/// ISO 4217-shaped (`USD`): shown as the asset when no token table knows it.
fn is_currency_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Every option's terms into `slot`: the first at the top, the rest as alternatives.
fn all_terms(ch: &Challenge, slot: &mut Option<PaymentTerms>) {
    for o in ch.options() {
        fill_terms(super::next_terms(slot), o, &ch.json);
    }
}

/// The amount in words: "0.01 USDC", "10000 atomic units of 0xabc…", `None` when unstated.
fn amount_text(t: &PaymentTerms) -> Option<String> {
    let asset = t.asset.as_deref().or(t.asset_id.as_deref());
    let (of, a) = match asset {
        Some(a) => (" of ", a),
        None => ("", ""),
    };
    Some(match (&t.amount, &t.amount_atomic) {
        (Some(a), _) => match (&t.asset, &t.asset_id) {
            (Some(s), _) => cat(&[a, " ", s]),
            (None, Some(id)) => cat(&[a, " of token ", id]),
            (None, None) => a.clone(),
        },
        (None, Some(atomic)) if atomic.bytes().all(|b| b.is_ascii_digit()) => {
            cat(&[atomic, " atomic units", of, a])
        }
        (None, Some(atomic)) => cat(&["`", atomic, "` (not a valid atomic amount)", of, a]),
        (None, None) => cat(&["an unstated amount of ", asset?]),
    })
}

fn network_text(t: &PaymentTerms) -> Option<String> {
    Some(match (&t.network, &t.network_id) {
        (Some(n), Some(id)) if n != id => cat(&[n, " (", id, ")"]),
        (_, Some(id)) => cat(&["network ", id]),
        (Some(n), None) => n.clone(),
        (None, None) => return None,
    })
}

/// "0.01 USDC on Base Sepolia (eip155:84532)", with whatever is known.
fn price(t: &PaymentTerms) -> String {
    let mut out = amount_text(t).unwrap_or_else(|| "an unstated amount".to_string());
    if let Some(n) = network_text(t) {
        out.push_str(" on ");
        out.push_str(&n);
    }
    out
}

/// Families of rejection reasons: SDK generations spell them differently, so match by the
/// stems they share rather than by a closed list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    Permit2Approval,
    /// An earlier payment is still being settled: not an empty wallet.
    Pending,
    Nonce,
    Funds,
    TooEarly,
    Expired,
    Signature,
    NoMatchingOption,
    Exactness,
    OnChain,
    Malformed,
    /// A refusal whose reason fits no family.
    Other,
}

/// Checked in order: the first family with a matching stem wins.
const FAMILIES: &[(Family, &[&str])] = &[
    (Family::Permit2Approval, &["allowance_required"]),
    // Before `Funds`: "insufficient balance while a payment is pending" is a charge in flight.
    (
        Family::Pending,
        &[
            "pending",
            "in_flight",
            "in-flight",
            "in flight",
            "in progress",
            "in_progress",
            "already processing",
            "not_yet_settled",
            "unconfirmed",
        ],
    ),
    (Family::Nonce, &["nonce", "duplicate_settlement"]),
    (
        Family::Funds,
        &["insufficient", "balance", "sender_ata_not_found"],
    ),
    (
        Family::TooEarly,
        &["valid_after", "not_yet_valid", "too_early"],
    ),
    (
        Family::Expired,
        &[
            "valid_before",
            "expired",
            "deadline",
            "block_height_exceeded",
        ],
    ),
    (
        Family::Signature,
        &[
            "signature",
            "token_name_mismatch",
            "token_version_mismatch",
            "eip712",
        ],
    ),
    (
        Family::NoMatchingOption,
        &[
            "network_mismatch",
            "invalid_network",
            "unsupported_network",
            "unsupported_scheme",
            "invalid_scheme",
            "evm_scheme",
            "scheme_mismatch",
            "no_facilitator_for_network",
            "unsupported_payload_type",
            "eip3009_not_supported",
            "no matching payment",
            "unable to find matching",
        ],
    ),
    (
        Family::Exactness,
        &[
            "recipient_mismatch",
            "receiver_mismatch",
            "value_mismatch",
            "authorization_value",
            "amount",
            "asset_mismatch",
            "mint_mismatch",
            "token_mismatch",
            "invalid_destination",
            "incorrect_payee",
            "incorrect_asset",
            "incorrect_ata",
            "memo_mismatch",
            "wrong_recipient",
            "wrong_asset",
            "wrong_to",
            "fee_payer",
            "mismatch",
        ],
    ),
    (
        Family::OnChain,
        &[
            "simulation_failed",
            "transaction_failed",
            "transaction_state",
            "settle",
            "confirmation",
            "smart_wallet",
            "receipt",
            "not_deployed",
        ],
    ),
    (
        Family::Malformed,
        &[
            "invalid_payload",
            "invalid_payment",
            "malformed",
            "version",
            "could_not_be_decoded",
            "instruction",
            "missing",
            "invalid_v1",
            "invalid_v2",
            "_payload",
            "invalid_permit2",
            "format",
        ],
    ),
];

/// Phrases servers use when no payment was sent yet.
const CHALLENGE_PHRASES: &[&str] = &[
    "header is required",
    "header provided",
    "payment required",
    "payment_required",
    "required to access",
    "payment is required",
];

/// The family of a refusal reason; `None` for the phrases that mean "no payment sent yet"
/// (checked first: "PAYMENT-SIGNATURE header is required" is not a signature problem).
pub fn family(reason: &str) -> Option<Family> {
    if is_challenge_phrase(reason) {
        return None;
    }
    let r = reason.to_ascii_lowercase();
    for (family, stems) in FAMILIES {
        for stem in *stems {
            if r.contains(stem) {
                return Some(*family);
            }
        }
    }
    None
}

fn is_challenge_phrase(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    CHALLENGE_PHRASES.iter().any(|p| r.contains(p))
}

/// The refusal reason and where it was read.
struct Reason {
    text: String,
    message: Option<String>,
    evidence: Evidence,
}

fn reason(obs: &Observed, wire: &Wire) -> Option<Reason> {
    if let Some(s) = wire.settlement.as_ref().filter(|s| s.failed()) {
        let text = s
            .str("errorReason")
            .unwrap_or_else(|| "settlement failed".into());
        return Some(Reason {
            evidence: header_path(&cat(&[s.header, ".errorReason"]), &text),
            message: s.str("errorMessage"),
            text,
        });
    }
    for key in ["invalidReason", "errorReason"] {
        if let Some(text) = obs.json_str(key).filter(|t| !t.is_empty()) {
            return Some(Reason {
                evidence: Evidence::body(key, &text),
                message: obs
                    .json_str("invalidMessage")
                    .or_else(|| obs.json_str("errorMessage")),
                text,
            });
        }
    }
    let ch = wire.challenge()?;
    let text = str_field(&ch.json, "error")?;
    Some(Reason {
        evidence: ch.evidence(&ch.path("error"), &text),
        message: None,
        text,
    })
}

/// Which option a refusal concerns: the one on the settlement's network, else the first.
fn chosen<'t>(terms: &'t PaymentTerms, settlement: Option<&Settlement>) -> &'t PaymentTerms {
    let Some(network) = settlement
        .and_then(|s| s.str("network"))
        .and_then(|n| chains::network(&n))
    else {
        return terms;
    };
    for t in std::iter::once(terms).chain(&terms.alternatives) {
        if t.network_id
            .as_deref()
            .and_then(chains::network)
            .is_some_and(|m| m.id == network.id)
        {
            return t;
        }
    }
    terms
}

/// Header name and payload shape clients must send for this version.
fn pay_header(version: Option<u64>) -> (&'static str, &'static str) {
    if version == Some(1) {
        (
            "X-PAYMENT",
            "{\"x402Version\":1,\"scheme\":…,\"network\":…,\"payload\":{…}}",
        )
    } else {
        (
            "PAYMENT-SIGNATURE",
            "{\"x402Version\":2,\"accepted\":{…the option you chose…},\"payload\":{…}}",
        )
    }
}

fn resend_step(version: Option<u64>) -> Step {
    let (header, shape) = pay_header(version);
    Step::text(cat(&[
        DETAIL,
        "resend the same request with the `",
        header,
        "` header: standard base64 (with `=` padding, not base64url) of the JSON payment payload ",
        shape,
        ".",
    ]))
    .with_snippet(cat(&[header, ": <base64 of the payment payload JSON>"]))
    .with_link(SPEC_URL)
}

/// The first thing a client developer should do: let a maintained x402 client pay.
fn library_step(what: &str) -> Step {
    Step::text(cat(&[
        "You (the client): ",
        what,
        " with an x402 client library and retry; it reads the challenge, signs the payment and resends the request for you: `@x402/fetch` or `@x402/axios` (JavaScript), `x402` (Python), `github.com/coinbase/x402/go` (Go).",
    ]))
    .with_link(CLIENTS_URL)
}

fn domain_text(option: &Value, t: &PaymentTerms) -> Option<String> {
    let known = match (&t.network_id, &t.asset_id) {
        (Some(n), Some(a)) => chains::asset(n, a),
        _ => None,
    };
    let name = known
        .and_then(|a| a.eip712_name.map(String::from))
        .or_else(|| str_field(option, "extra.name"))?;
    let version = known
        .and_then(|a| a.eip712_version.map(String::from))
        .or_else(|| str_field(option, "extra.version"));
    let mut out = cat(&["name \"", &name, "\""]);
    if let Some(v) = version {
        out.push_str(&cat(&[", version \"", &v, "\""]));
    }
    Some(out)
}

pub(crate) fn family_steps(
    family: Family,
    t: &PaymentTerms,
    option: Option<&Value>,
    payer: Option<&str>,
    version: Option<u64>,
) -> Vec<Step> {
    let wallet = match payer {
        Some(p) => cat(&["wallet ", p]),
        None => "paying wallet".into(),
    };
    let what = price(t);
    let asset = t
        .asset
        .as_deref()
        .or(t.asset_id.as_deref())
        .unwrap_or("the payment token");
    let network = t
        .network
        .as_deref()
        .or(t.network_id.as_deref())
        .unwrap_or("the network");
    let step = match family {
        Family::Pending => Step::text(cat(&[
            "Wait for the earlier payment from the ",
            &wallet,
            " to settle (a few seconds to a minute on ",
            network,
            "), then retry once: the wallet is not empty, a charge is still in flight. Do not sign a second payment for the same request meanwhile.",
        ])),
        Family::Funds => {
            let need = amount_text(t)
                .unwrap_or_else(|| cat(&["the required amount of ", asset]));
            Step::text(cat(&[
                "You (the payer): fund the ",
                &wallet,
                " with at least ",
                &need,
                " on ",
                network,
                ": the facilitator found its balance too low.",
            ]))
        }
        Family::Signature => {
            let domain = option.and_then(|o| domain_text(o, t));
            let mut text = cat(&[
                DETAIL,
                "re-sign the payment with the EIP-712 domain of the token contract (",
                asset,
                " on ",
                network,
                "): the domain `name` and `version` come from the option's `extra` and must match the contract exactly, as must the chain id and verifying contract.",
            ]);
            if let Some(d) = domain {
                text.push_str(&cat(&[
                    " The token on ",
                    network,
                    " expects EIP-712 domain ",
                    &d,
                    ".",
                ]));
            }
            Step::text(text)
        }
        Family::Expired => Step::text(cat(&[
            DETAIL,
            "re-sign with a fresh validity window: set `validBefore` (or the Permit2 deadline) to now plus at most ",
            &t.max_timeout_seconds.unwrap_or(60).to_string(),
            " seconds and send it right away.",
        ])),
        Family::TooEarly => Step::text(cat(&[
            DETAIL,
            "the authorization is not valid yet: set `validAfter` a little in the past (e.g. now minus 60 s) and check the signing machine's clock.",
        ])),
        Family::Exactness => Step::text(cat(&[
            DETAIL,
            "sign exactly what the option requires: amount ",
            t.amount.as_deref().unwrap_or("as stated"),
            " (atomic ",
            t.amount_atomic.as_deref().unwrap_or("?"),
            "), asset ",
            t.asset_id.as_deref().unwrap_or("as stated"),
            ", recipient (`payTo`) ",
            t.pay_to.as_deref().unwrap_or("as stated"),
            ", on ",
            network,
            ". Do not round or change the recipient.",
        ])),
        Family::NoMatchingOption => Step::text(cat(&[
            DETAIL,
            "pick one of the options in `accepts` and sign for that exact scheme and network (for example ",
            &what,
            "); the payment sent matched none of them.",
        ])),
        Family::Nonce => Step::text(cat(&[
            DETAIL,
            "this authorization was already used: sign a new payment with a fresh random 32-byte nonce instead of replaying the old header.",
        ])),
        Family::OnChain => Step::text(cat(&[
            "You (the payer): settlement failed on chain; look up the ",
            &wallet,
            " on a ",
            network,
            " explorer (balance, pending transactions, whether the token transfer would revert), then sign a new payment.",
        ])),
        Family::Permit2Approval => Step::text(cat(&[
            "You (the payer): approve the Permit2 contract to spend ",
            asset,
            " from the ",
            &wallet,
            " on ",
            network,
            " (a one-time ERC-20 `approve` transaction, which needs a little gas), then retry the payment.",
        ]))
        .with_snippet(cat(&["approve(spender = ", PERMIT2_ADDRESS, ", amount = max)"])),
        Family::Malformed => Step::text(cat(&[
            DETAIL,
            "the payment header did not parse: build it as standard base64 of the JSON payload for x402 version ",
            &version.unwrap_or(2).to_string(),
            ", following the option's scheme.",
        ])),
        Family::Other => Step::text(cat(&[
            "The server refused the payment for ",
            &what,
            "; read the reason above, then sign a new payment for one of the offered options.",
        ])),
    };
    let mut steps = Vec::new();
    // What a library user does first; the protocol detail follows for those signing by hand.
    if !matches!(
        family,
        Family::Funds | Family::Pending | Family::Permit2Approval | Family::OnChain
    ) {
        steps.push(library_step("sign a new payment"));
    }
    steps.push(step);
    if family == Family::OnChain {
        steps.push(Step::text(
            "The API's operator: if the wallet is funded and the payment valid, the settlement failed on the server's side (its facilitator or relayer); report the reason above to them.",
        ));
    }
    if family == Family::Funds && t.testnet == Some(true) {
        steps.push(
            Step::text(cat(&[
                network,
                " is a test network: get test ",
                t.asset.as_deref().unwrap_or("tokens"),
                " from a faucet (Circle's faucet serves testnet USDC).",
            ]))
            .with_link("https://faucet.circle.com/"),
        );
    }
    steps.push(if family == Family::Permit2Approval {
        Step::text(cat(&[
            "Then resend with the same `",
            pay_header(version).0,
            "` header; no new signature is needed unless it has expired.",
        ]))
    } else {
        resend_step(version)
    });
    steps
}

pub(crate) fn family_plain(family: Family) -> &'static str {
    match family {
        Family::Permit2Approval => "the wallet has not approved Permit2 for this token yet",
        Family::Pending => "an earlier payment is still being settled",
        Family::Nonce => "the payment authorization was already used",
        Family::Funds => "the paying wallet does not hold enough of the asset",
        Family::TooEarly => "the authorization is not valid yet (validAfter in the future)",
        Family::Expired => "the signed authorization has expired",
        Family::Signature => {
            "the signature does not verify (usually the EIP-712 domain name or version)"
        }
        Family::NoMatchingOption => "the payment matches none of the offered options",
        Family::Exactness => "the signed amount, asset or recipient differs from the requirement",
        Family::OnChain => "settling the payment on chain failed",
        Family::Malformed => "the payment payload is malformed",
        Family::Other => "the server refused the payment",
    }
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let wire = gather(obs);
    let settle_failed = wire.settlement.as_ref().is_some_and(Settlement::failed);
    let settle_undecodable = wire.settlement.as_ref().is_some_and(|s| s.json.is_none());
    let anything = wire.header.is_some()
        || wire.body_challenge.is_some()
        || settle_failed
        || settle_undecodable
        || wire.body_mentions_x402;
    // x402 on a success response is a receipt, not a problem.
    if !anything || obs.status < 400 {
        return None;
    }
    if wire.header.is_none()
        && wire.body_challenge.is_none()
        && !settle_failed
        && !settle_undecodable
    {
        // Only a body naming x402Version that did not parse: still x402, barely.
        if !(obs.status == 402 || obs.status == 412) {
            return None;
        }
    }

    let ch = wire.challenge();
    let version = ch.and_then(Challenge::version).or_else(|| {
        wire.header_raw.as_ref().map(|_| 2).or_else(|| {
            wire.settlement.as_ref().map(|s| {
                if s.header == "x-payment-response" {
                    1
                } else {
                    2
                }
            })
        })
    });
    let reason = reason(obs, &wire);
    let sent_payment = ["x-payment", "payment-signature"]
        .into_iter()
        .find(|h| obs.exchange.request_header(h).is_some());

    // An `error` about the server's request limits is neither a challenge nor a refusal.
    let rate_limited = reason
        .as_ref()
        .is_some_and(|r| super::refusal::is_rate_limit(&r.text));
    let family = reason.as_ref().filter(|_| !rate_limited).and_then(|r| {
        family(&r.text).or_else(|| {
            let refused = settle_failed
                || (sent_payment.is_some() && !is_challenge_phrase(&r.text))
                || super::refusal::sent_and_judged(obs, &r.text);
            refused.then_some(Family::Other)
        })
    });
    let family = family.or(settle_failed.then_some(Family::Other));

    let confidence = match (&wire.header, ch) {
        (Some(Decoded::NotBase64), None) => Confidence::Low,
        (_, Some(c)) if !c.salvaged => Confidence::High,
        _ => Confidence::Medium,
    };
    let cause = if family.is_some() {
        Cause::PaymentRejected
    } else {
        Cause::PaymentChallenge
    };
    let mut d = super::new_diagnosis(cause, confidence, obs.status);
    d.protocol = Some(Protocol::X402);
    // The terms are decoded straight into the diagnosis (moving them costs code).
    if let Some(c) = ch {
        all_terms(c, &mut d.payment);
    }
    let terms = d.payment.as_ref();

    let mut cloudflare = false;
    if let Some(t) = terms {
        for o in std::iter::once(t).chain(&t.alternatives) {
            cloudflare |= o
                .network_id
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case("cloudflare:402"));
        }
    }

    if cloudflare {
        d.provider = Some("cloudflare".into());
    }
    d.docs_url = Some(SPEC_URL.into());

    // Evidence: where each fact came from.
    if let Some(raw) = &wire.header_raw {
        d.evidence.push(Evidence::header("PAYMENT-REQUIRED", raw));
    }
    if let Some(s) = &wire.settlement {
        d.evidence.push(Evidence::header(s.header, &s.raw));
    }
    if let Some(r) = &reason {
        d.evidence.push(r.evidence.clone());
    }
    if let Some(h) = sent_payment {
        if let Some(v) = obs.exchange.request_header(h) {
            d.evidence.push(Evidence::request_header(h, v));
        }
    }
    if let Some(c) = ch {
        if let Some(v) = c.json.get("x402Version") {
            d.evidence
                .push(c.evidence(&c.path("x402Version"), &json_text(v)));
        }
        for (i, option) in c.options().into_iter().enumerate().take(4) {
            for field in ["network", "amount", "maxAmountRequired", "asset"] {
                if let Some(v) = str_field(option, field) {
                    d.evidence.push(c.evidence(&c.option_path(i, field), &v));
                }
            }
        }
    } else if wire.body_mentions_x402 {
        d.evidence.push(Evidence::body(
            "text",
            "body names x402Version but is not valid JSON",
        ));
    }

    // Findings for the server's developer.
    if let Some(raw) = &wire.header_raw {
        let decoded_json = wire.header_challenge().is_some();
        d.findings.extend(x402_lint::header_encoding(
            "PAYMENT-REQUIRED",
            raw,
            decoded_json,
        ));
    }
    if let Some(s) = wire.settlement.as_ref().filter(|s| s.json.is_none()) {
        d.findings
            .extend(x402_lint::header_encoding(s.header, &s.raw, false));
    }
    if let Some(c) = ch {
        if c.salvaged {
            d.findings.push(Finding {
                code: "x402_placeholder_json".into(),
                severity: Severity::Error,
                message: cat(&[
                    "The challenge in ",
                    if c.origin == Origin::Header { "PAYMENT-REQUIRED" } else { "the body" },
                    " contains documentation placeholders (`[...]`) and is not valid JSON; clients will reject it.",
                ]),
                fix: "Serialise the real PaymentRequired object with JSON.stringify (or equivalent) instead of pasting the spec's example.".into(),
            });
        }
        d.findings
            .extend(x402_lint::challenge(&c.json, obs.host.as_deref()));
    } else if wire.body_mentions_x402 {
        d.findings.push(Finding {
            code: "x402_body_not_json".into(),
            severity: Severity::Error,
            message: "The body names x402Version but no payment requirements could be read from it (not valid JSON), so clients cannot pay.".into(),
            fix: "Send the PaymentRequired object as valid JSON (v1) or base64 JSON in PAYMENT-REQUIRED (v2).".into(),
        });
    }
    if let (Some(h), Some(b)) = (wire.header_challenge(), &wire.body_challenge) {
        if b.origin == Origin::Body {
            d.findings
                .extend(x402_lint::header_body_mismatch(&h.json, &b.json));
        }
    }

    // Wrong payment header for the server's version: it never looked at the payment.
    let header_mismatch = match (sent_payment, version) {
        (Some("x-payment"), Some(2)) => Some(("X-PAYMENT", "v1", "PAYMENT-SIGNATURE", "v2")),
        (Some("payment-signature"), Some(1)) => {
            Some(("PAYMENT-SIGNATURE", "v2", "X-PAYMENT", "v1"))
        }
        _ => None,
    };

    let payer = wire
        .settlement
        .as_ref()
        .and_then(|s| s.str("payer"))
        .or_else(|| obs.json_str("payer"));
    let chosen_terms = terms.map(|t| chosen(t, wire.settlement.as_ref()));
    let mut chosen_option = None;
    if let (Some(ct), Some(c)) = (chosen_terms, ch) {
        for o in c.options() {
            if str_field(o, "network") == ct.network_id {
                chosen_option = Some(o);
                break;
            }
        }
    }
    // Built where it lives rather than moved there (see `next_terms`).
    let mut fallback_terms = super::no_terms();
    fallback_terms.network_id = wire.settlement.as_ref().and_then(|s| s.str("network"));
    if let Some(n) = fallback_terms
        .network_id
        .as_deref()
        .and_then(chains::network)
    {
        fallback_terms.network = Some(n.name.to_string());
        fallback_terms.testnet = Some(n.testnet);
    }
    let focus = chosen_terms.unwrap_or(&fallback_terms);

    let origin_note = match ch.map(|c| c.origin) {
        Some(Origin::Paywall) | Some(Origin::PaywallAttribute) => {
            " The server sent its HTML paywall page (as it does for browsers) with the challenge embedded in the page."
        }
        Some(Origin::Header) => " The challenge is the base64 JSON in the PAYMENT-REQUIRED header.",
        Some(Origin::Body) if version == Some(1) => " The challenge is the x402 v1 JSON body.",
        _ => "",
    };
    let n_options = terms.map_or(0, |t| 1 + t.alternatives.len());

    match family {
        Some(f) => {
            let r = reason.as_ref().map_or("settlement failed", |r| &r.text);
            let plain = family_plain(f);
            d.summary = cat(&["x402 payment refused: ", r, " (", plain, ")"]);
            let mut e = cat(&[
                "A payment was sent and the x402 server (or its facilitator) refused it with `",
                r,
                "`: ",
                plain,
                ".",
            ]);
            if let Some(m) = reason.as_ref().and_then(|r| r.message.as_deref()) {
                e.push_str(&cat(&[" Message: ", m, "."]));
            }
            if f == Family::Permit2Approval {
                e.push_str(" HTTP 412 is how x402 signals that a one-time Permit2 approval must happen before the payment can settle.");
            }
            let amount = amount_text(focus);
            let network = network_text(focus);
            if amount.is_some() || network.is_some() {
                e.push_str(if amount.is_some() {
                    " The offer was "
                } else {
                    " The payment was on "
                });
                if let Some(a) = &amount {
                    e.push_str(a);
                    if network.is_some() {
                        e.push_str(" on ");
                    }
                }
                if let Some(n) = &network {
                    e.push_str(n);
                }
                e.push('.');
            }
            d.explanation = e;
            d.steps = family_steps(f, focus, chosen_option, payer.as_deref(), version);
        }
        None => {
            d.summary = match terms {
                Some(t) => cat(&[
                    if cloudflare { "Cloudflare " } else { "" },
                    "x402 payment requested: ",
                    &price(t),
                ]),
                None => "x402 payment requested (terms unreadable)".into(),
            };
            let mut e = String::from("The server asks for payment with x402");
            if let Some(v) = version {
                e.push_str(" version ");
                e.push_str(&v.to_string());
            }
            e.push('.');
            e.push_str(origin_note);
            e.push(' ');
            match terms {
                Some(t) => {
                    if n_options > 1 {
                        e.push_str(&cat(&[
                            "It accepts ",
                            &n_options.to_string(),
                            " options; the first is ",
                        ]));
                    } else {
                        e.push_str("It asks for ");
                    }
                    e.push_str(&price(t));
                    e.push('.');
                }
                None => e.push_str("The payment terms could not be decoded; see the findings."),
            }
            d.explanation = e;
            d.steps = challenge_steps(ch, terms, version, cloudflare);
        }
    }
    if let (true, Some(r)) = (rate_limited, &reason) {
        super::refusal::as_rate_limit(&mut d, &r.text);
    }
    if let Some((sent, sent_v, want, want_v)) = header_mismatch {
        d.steps.insert(
            0,
            Step::text(cat(&[
                "The request carried `",
                sent,
                "` (",
                sent_v,
                ") but this server speaks x402 ",
                want_v,
                " and only reads `",
                want,
                "`: the payment was ignored, which is why a fresh challenge came back.",
            ])),
        );
    }
    Some(d)
}

fn challenge_steps(
    ch: Option<&Challenge>,
    terms: Option<&PaymentTerms>,
    version: Option<u64>,
    cloudflare: bool,
) -> Vec<Step> {
    let mut steps = Vec::new();
    let Some(t) = terms else {
        steps.push(Step::text(
            "The payment requirements could not be decoded, so no client can pay: report the findings below to the server's developer.",
        ));
        return steps;
    };
    if cloudflare {
        let mut registration = None;
        if let Some(Value::Object(ext)) = ch.and_then(|c| c.json.get("extensions")) {
            for e in ext.values() {
                registration = json_str(e, "info.registrationUrl");
                if registration.is_some() {
                    break;
                }
            }
        }
        let mut s = Step::text(
            "This is Cloudflare's x402 variant for crawlers: register the crawler with Web Bot Auth (Ed25519 key, signature tag `web-bot-auth`); the charge goes to your Cloudflare account, not a wallet.",
        );
        if let Some(url) = registration {
            s = s.with_link(url);
        }
        steps.push(s);
        steps.push(
            Step::text(cat(&[
                "Resend with `PAYMENT-SIGNATURE` (base64 JSON accepting ",
                &price(t),
                ") together with the signed `Signature-Agent`, `Signature-Input` and `Signature` headers.",
            ]))
            .with_snippet("PAYMENT-SIGNATURE: <base64 JSON>\nSignature-Agent: \"https://your-crawler.example\"\nSignature-Input: sig1=(\"@authority\" \"signature-agent\");tag=\"web-bot-auth\";…\nSignature: sig1=:…:"),
        );
        return steps;
    }
    steps.push(library_step(&cat(&["Pay ", &price(t)])));
    if !t.alternatives.is_empty() {
        let mut text = cat(&[
            "Pick one of the ",
            &(1 + t.alternatives.len()).to_string(),
            " options the server accepts (the first is preferred): ",
        ]);
        for (i, o) in std::iter::once(t).chain(&t.alternatives).enumerate() {
            if i > 0 {
                text.push_str("; ");
            }
            text.push_str(&cat(&[
                &(i + 1).to_string(),
                ". ",
                &price(o),
                " via `",
                o.scheme.as_deref().unwrap_or("?"),
                "`",
            ]));
        }
        text.push('.');
        steps.push(Step::text(text));
    }
    let mut text = cat(&[
        "You (the payer): make sure the paying wallet holds at least ",
        &price(t),
    ]);
    if let Some(p) = &t.pay_to {
        text.push_str(", payable to ");
        text.push_str(p);
    }
    text.push('.');
    steps.push(Step::text(text));
    if t.testnet == Some(true) {
        steps.push(Step::text(cat(&[
            t.network.as_deref().unwrap_or("This"),
            " is a test network: test tokens come from a faucet and have no value.",
        ])));
    }
    if let Some(option) = ch.and_then(|c| c.options().into_iter().next()) {
        let evm = t
            .network_id
            .as_deref()
            .and_then(chains::network)
            .is_some_and(|n| n.is_evm());
        if evm && t.scheme.as_deref() == Some("exact") {
            if let Some(domain) = domain_text(option, t) {
                steps.push(Step::text(cat(&[
                    DETAIL,
                    "sign the EIP-3009 `transferWithAuthorization` (scheme `exact`) with EIP-712 domain ",
                    &domain,
                    ", `value` = ",
                    t.amount_atomic.as_deref().unwrap_or("the amount"),
                    " exactly, `to` = `payTo`, and a validity window within ",
                    &t.max_timeout_seconds.unwrap_or(60).to_string(),
                    " seconds.",
                ])));
            }
        }
    }
    steps.push(resend_step(version));
    if matches!(
        ch.map(|c| c.origin),
        Some(Origin::Paywall) | Some(Origin::PaywallAttribute)
    ) {
        steps.push(Step::text(
            "For a program rather than a browser, request the URL without `text/html` in `Accept`: the server then answers with the machine-readable challenge.",
        ));
    }
    steps
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn brace_scanner_respects_strings_and_survives_hostile_input() {
        assert_eq!(balanced(r#"{"a":"}{"} tail"#), Some(r#"{"a":"}{"}"#));
        assert_eq!(balanced(r#"[{"a":"\"]"}],"#), Some(r#"[{"a":"\"]"}]"#));
        assert_eq!(balanced("{\"é\":[1,{}]}x"), Some("{\"é\":[1,{}]}"));
        assert_eq!(balanced("{\"open\": \"never closes}"), None);
        assert_eq!(balanced("{{{{"), None);
        assert_eq!(balanced("}"), None);
        assert_eq!(balanced("nope"), None);
        assert_eq!(balanced(""), None);
        let deep = "[".repeat(100_000);
        assert_eq!(balanced(&deep), None);
        let text = "window.x402 = { paymentRequired: \"decoy\", paymentRequired : {\"x\":1}, }";
        assert_eq!(value_after_key(text, "paymentRequired"), Some("{\"x\":1}"));
    }

    #[test]
    fn entities_decode_in_order() {
        assert_eq!(
            decode_entities("{&quot;a&quot;:&#39;b&#39;}"),
            "{\"a\":'b'}"
        );
        assert_eq!(decode_entities("&amp;quot;"), "&quot;");
    }

    #[test]
    fn reasons_fall_into_families_across_spellings() {
        let cases = [
            ("insufficient_funds", Family::Funds),
            ("invalid_exact_evm_insufficient_balance", Family::Funds),
            ("invalid_exact_evm_signature", Family::Signature),
            ("invalid_exact_evm_payload_signature", Family::Signature),
            ("invalid_exact_evm_token_name_mismatch", Family::Signature),
            (
                "invalid_exact_evm_payload_authorization_valid_before",
                Family::Expired,
            ),
            ("permit2_deadline_expired", Family::Expired),
            (
                "invalid_exact_evm_payload_authorization_valid_after",
                Family::TooEarly,
            ),
            ("permit2_payment_too_early", Family::TooEarly),
            (
                "invalid_exact_evm_payload_recipient_mismatch",
                Family::Exactness,
            ),
            (
                "invalid_exact_evm_payload_authorization_value",
                Family::Exactness,
            ),
            ("permit2_amount_mismatch", Family::Exactness),
            (
                "invalid_exact_evm_network_mismatch",
                Family::NoMatchingOption,
            ),
            ("unsupported_scheme", Family::NoMatchingOption),
            ("No matching payment requirements", Family::NoMatchingOption),
            ("invalid_exact_evm_nonce_already_used", Family::Nonce),
            ("duplicate_settlement", Family::Nonce),
            (
                "invalid_exact_evm_transaction_simulation_failed",
                Family::OnChain,
            ),
            ("unexpected_settle_error", Family::OnChain),
            ("settle_exact_svm_block_height_exceeded", Family::Expired),
            ("permit2_allowance_required", Family::Permit2Approval),
            ("invalid_payload", Family::Malformed),
            (
                "invalid_exact_svm_payload_transaction_instructions_length",
                Family::Malformed,
            ),
        ];
        for (reason, want) in cases {
            assert_eq!(family(reason), Some(want), "{reason}");
        }
        for phrase in [
            "X-PAYMENT header is required",
            "Payment required",
            "PAYMENT-SIGNATURE header is required",
        ] {
            assert_eq!(family(phrase), None, "{phrase}");
            assert!(is_challenge_phrase(phrase));
        }
    }

    #[test]
    fn placeholder_json_is_salvaged_only_when_needed() {
        assert_eq!(
            parse_salvaging(r#"{"accepts":[...]}"#).map(|(_, s)| s),
            Some(true)
        );
        assert_eq!(parse_salvaging(r#"{"a":1}"#).map(|(_, s)| s), Some(false));
        assert!(parse_salvaging("{nope").is_none());
    }

    fn exchange(
        status: u16,
        headers: &[(&str, &str)],
        body: &str,
    ) -> crate::core::exchange::Exchange {
        let mut ex = crate::core::exchange::Exchange::default();
        ex.request.url = "https://api.shop.io/x".into();
        ex.response.status = status;
        ex.response.headers = headers
            .iter()
            .map(|(n, v)| crate::core::exchange::Header::new(*n, *v))
            .collect();
        ex.response.content.text = Some(body.to_string());
        ex
    }

    fn run(status: u16, headers: &[(&str, &str)], body: &str) -> Option<Diagnosis> {
        let ex = exchange(status, headers, body);
        detect(&Observed::new(&ex, None))
    }

    #[test]
    fn hostile_inputs_stay_x402_without_panicking() {
        let b64 = |s: &str| base64::encode(s.as_bytes());
        let deep = format!("{}{}", "[".repeat(5000), "]".repeat(5000));
        let many = format!(
            "{{\"x402Version\":2,\"accepts\":[{}]}}",
            vec!["{\"network\":\"base\",\"amount\":\"1\"}"; 5000].join(",")
        );
        let odd = r#"{"x402Version":2,"accepts":["x",1,null,{"network":7,"amount":true,"asset":{},"payTo":[]},{"amount":1e400}]}"#;
        for header in [
            b64("[1,2,3]"),
            b64(&deep),
            b64(&many),
            b64(odd),
            "\u{1b}[31m==".into(),
            b64("\"str\""),
        ] {
            let d = run(402, &[("PAYMENT-REQUIRED", &header)], "{}").expect("still x402");
            assert_eq!(d.protocol, Some(Protocol::X402));
            assert!(d
                .payment
                .as_ref()
                .is_none_or(|p| p.alternatives.len() < MAX_OPTIONS));
        }
        let filler = "é".repeat(MAX_SCAN_BYTES / 2 - 3);
        for body in [
            "<script>window.x402 = { paymentRequirements: [[[[[[".to_string(),
            "<script>window.x402 = { paymentRequired: {}, paymentRequirements: {} }".to_string(),
            "<div data-requirements='{&quot;x402Version&quot;:2".to_string(),
            format!("{filler}window.x402 = {{ paymentRequired: {{\"accepts\":[]}} }}"),
        ] {
            // Unreadable paywalls are not claimed: nothing on the wire says x402 for sure.
            assert!(run(402, &[("Content-Type", "text/html")], &body).is_none());
        }
        // A body naming x402Version that does not parse is still x402, with a finding.
        let d = run(
            402,
            &[],
            "<script>window.x402 = { paymentRequired: {\"x402Version\":2, \"a\": \"\\",
        )
        .unwrap();
        assert!(d.findings.iter().any(|f| f.code == "x402_body_not_json"));
        let d = run(
            402,
            &[],
            r#"{"x402Version": 2, "accepts": [...], "error": "Payment required"}"#,
        )
        .unwrap();
        assert_eq!(d.cause, Cause::PaymentChallenge);
        assert_eq!(d.confidence, Confidence::Medium);
    }

    #[test]
    fn receipts_and_unrelated_responses_are_not_problems() {
        let ok = base64::encode(br#"{"success":true,"transaction":"0x1","network":"eip155:8453"}"#);
        assert!(run(200, &[("PAYMENT-RESPONSE", &ok)], "{}").is_none());
        assert!(run(402, &[], r#"{"error":"Payment required"}"#).is_none());
        assert!(run(402, &[], "x402 is great").is_none());
    }
}
