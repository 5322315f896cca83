//! x402 refusals: the reason a response gives, the fix steps for each family of reasons, a
//! facilitator's own answer, and an x402 `error` that is really a rate limit.

use super::family::{family, family_plain, Family};
use super::steps::{domain_text, library_step, pay_header, resend_step, DETAIL, PERMIT2_ADDRESS};
use super::terms::str_field;
use super::wire::{header_path, Wire};
use crate::core::terms_text;

use serde_json::Value;

use crate::core::diagnosis::{
    Cause, Confidence, Diagnosis, Evidence, PaymentTerms, Protocol, Step,
};
use crate::core::evidence::cat;
use crate::core::observed::{json_str, Observed};
use crate::core::reading::after_key;

/// The refusal reason and where it was read.
pub(super) struct Reason {
    pub(super) text: String,
    pub(super) message: Option<String>,
    pub(super) evidence: Evidence,
}

pub(super) fn reason(obs: &Observed, wire: &Wire) -> Option<Reason> {
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

pub(super) fn family_steps(
    family: Family,
    t: &PaymentTerms,
    option: Option<&Value>,
    payer: Option<&str>,
    version: Option<u64>,
) -> Vec<Step> {
    let step = family_step(family, t, option, payer, version);
    let network = network_name(t);
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

/// The network's name, else its id, for a sentence.
fn network_name(t: &PaymentTerms) -> &str {
    t.network
        .as_deref()
        .or(t.network_id.as_deref())
        .unwrap_or("the network")
}

/// The step that fixes what this family of refusals means.
fn family_step(
    family: Family,
    t: &PaymentTerms,
    option: Option<&Value>,
    payer: Option<&str>,
    version: Option<u64>,
) -> Step {
    let wallet = match payer {
        Some(p) => cat(&["wallet ", p]),
        None => "paying wallet".into(),
    };
    let what = terms_text::price(t);
    let asset = t
        .asset
        .as_deref()
        .or(t.asset_id.as_deref())
        .unwrap_or("the payment token");
    let network = network_name(t);
    match family {
        Family::Pending => Step::text(cat(&[
            "Wait for the earlier payment from the ",
            &wallet,
            " to settle (a few seconds to a minute on ",
            network,
            "), then retry once: the wallet is not empty, a charge is still in flight. Do not sign a second payment for the same request meanwhile.",
        ])),
        Family::Funds => funds_step(t, &wallet, asset, network),
        Family::Signature => signature_step(option, t, asset, network),
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
        Family::Exactness => exactness_step(t, network),
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
    }
}

/// Fund the wallet: with how much, on which network.
fn funds_step(t: &PaymentTerms, wallet: &str, asset: &str, network: &str) -> Step {
    let need = terms_text::amount(t).unwrap_or_else(|| cat(&["the required amount of ", asset]));
    Step::text(cat(&[
        "You (the payer): fund the ",
        wallet,
        " with at least ",
        &need,
        " on ",
        network,
        ": the facilitator found its balance too low.",
    ]))
}

/// Re-sign with the token's EIP-712 domain.
fn signature_step(option: Option<&Value>, t: &PaymentTerms, asset: &str, network: &str) -> Step {
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

/// Sign exactly the option's terms.
fn exactness_step(t: &PaymentTerms, network: &str) -> Step {
    Step::text(cat(&[
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
    ]))
}

pub(super) const X402_DOCS: &str = "https://github.com/coinbase/x402";

/// Words of an x402 `error` that mean the server is busy or limiting requests, not refusing a
/// payment (matched in the `error` field only).
pub(super) const RATE_LIMIT_WORDS: &[&str] = &[
    "queue full",
    "already queued",
    "rate limit",
    "rate_limit",
    "too many requests",
    "too many concurrent",
    "concurrency limit",
];

/// True when an x402 `error` says the server is limiting requests.
pub(crate) fn is_rate_limit(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    RATE_LIMIT_WORDS.iter().any(|w| r.contains(w))
}

/// Signs, beside a payment header on the request, that a payment was sent and judged: the
/// facilitator named the payer, or the reason is one of the facilitators' refusal codes
/// (`invalid_…`, `…_mismatch`, `…_failed`), which only come back after a payment was checked.
pub(crate) fn sent_and_judged(obs: &Observed, reason: &str) -> bool {
    let payer = obs.json_str("payer").is_some_and(|p| !p.trim().is_empty());
    let r = reason.to_ascii_lowercase();
    let code_like = !r.contains(' ')
        && (r.starts_with("invalid_")
            || r.starts_with("insufficient_")
            || r.starts_with("unexpected_")
            || r.ends_with("_failed")
            || r.contains("_mismatch"));
    payer || code_like
}

/// Turns an x402 diagnosis whose `error` is a rate limit into a rate-limit diagnosis.
pub(crate) fn as_rate_limit(d: &mut Diagnosis, reason: &str) {
    d.cause = Cause::RateLimited;
    d.summary = cat(&["x402 server busy: ", reason]);
    d.explanation = cat(&[
        "The server answered 402 in x402's format, but its `error` (\"",
        reason,
        "\") is about how many requests it accepts at once, not about a payment: nothing was refused and nothing needs paying to get past this.",
    ]);
    d.steps = vec![
        Step::text("You (the client): wait and retry, one request at a time; the server limits concurrent or anonymous requests."),
        Step::text("If you need more throughput, check the API's plans or keys: authenticated or paid access usually lifts the queue limit."),
    ];
}

/// An x402 facilitator's `/verify` or `/settle` refusal.
pub(crate) fn facilitator(obs: &Observed) -> Option<Diagnosis> {
    let json = obs.json.as_ref()?;
    let refused = |flag: &str| json.get(flag).and_then(Value::as_bool) == Some(false);
    let (key, message_key, step) = if refused("isValid") {
        ("invalidReason", "invalidMessage", "verify")
    } else if refused("success") {
        ("errorReason", "errorMessage", "settle")
    } else {
        return None;
    };
    let reason = json_str(json, key).filter(|r| !r.trim().is_empty())?;
    let family = family(&reason).unwrap_or(Family::Other);
    let mut d =
        crate::protocols::new_diagnosis(Cause::PaymentRejected, Confidence::Medium, obs.status);
    d.protocol = Some(Protocol::X402);
    d.docs_url = Some(X402_DOCS.into());
    d.evidence.push(Evidence::body(key, &reason));
    let message = json_str(json, message_key).filter(|m| !m.trim().is_empty());
    if let Some(m) = &message {
        d.evidence.push(Evidence::body(message_key, m));
    }
    let payer = json_str(json, "payer").filter(|p| !p.trim().is_empty());
    if let Some(p) = &payer {
        d.evidence.push(Evidence::body("payer", p));
    }
    let plain = family_plain(family);
    d.summary = cat(&["x402 facilitator refused the payment: ", &reason]);
    let mut e = cat(&[
        "This is an x402 facilitator's answer to `/",
        step,
        "` (what a resource server asks before it serves a paid request): it refused the payment with `",
        &reason,
        "`: ",
        plain,
        ". The client that paid gets a 402 from the resource server for the same reason.",
    ]);
    if let Some(m) = &message {
        e.push_str(&cat(&[" Message: ", m, "."]));
    }
    d.explanation = e;
    let no_terms = crate::protocols::no_terms();
    d.steps = family_steps(family, &no_terms, None, payer.as_deref(), None);
    Some(d)
}

/// The value after `key` in text that is JSON-like but not JSON: `key: 'v'`, `"key": "v"`.
pub(super) fn quoted_value<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let rest = after_key(text, key, &[":"], 8).next()?.trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = &rest[1..];
    let end = value.find(quote)?;
    Some(&value[..end]).filter(|v| !v.is_empty() && v.len() <= 200)
}

/// An x402 body that did not parse as JSON but still says why the payment was refused.
pub(crate) fn in_text(obs: &Observed) -> Option<Diagnosis> {
    if obs.json.is_some() || !obs.body_lower.contains("x402version") {
        return None;
    }
    let text = obs.body_text();
    let (key, reason) = ["invalidReason", "errorReason", "error"]
        .into_iter()
        .find_map(|k| quoted_value(text, k).map(|v| (k, v)))?;
    if is_rate_limit(reason) {
        let mut d =
            crate::protocols::new_diagnosis(Cause::RateLimited, Confidence::Low, obs.status);
        d.protocol = Some(Protocol::X402);
        d.evidence.push(Evidence::body(key, reason));
        as_rate_limit(&mut d, reason);
        return Some(d);
    }
    let family = family(reason)?;
    let mut d =
        crate::protocols::new_diagnosis(Cause::PaymentRejected, Confidence::Low, obs.status);
    d.protocol = Some(Protocol::X402);
    d.docs_url = Some(X402_DOCS.into());
    d.evidence.push(Evidence::body(key, reason));
    let plain = family_plain(family);
    d.summary = cat(&["x402 payment refused: ", reason, " (", plain, ")"]);
    d.explanation = cat(&[
        "The body is an x402 payment-required answer printed as text rather than JSON (a log or console print, possibly cut). Its `",
        key,
        "` is `",
        reason,
        "`: a payment was sent and refused because ",
        plain,
        ".",
    ]);
    let no_terms = crate::protocols::no_terms();
    d.steps = family_steps(family, &no_terms, None, None, None);
    Some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_values_are_read_from_their_key_only() {
        assert_eq!(
            quoted_value("{ x402Version: 2, error: 'insufficient_funds' }", "error"),
            Some("insufficient_funds")
        );
        assert_eq!(quoted_value(r#"{"errorReason":"x"}"#, "error"), None);
        assert_eq!(quoted_value(r#"{"error": "a"}"#, "error"), Some("a"));
        assert_eq!(quoted_value("error: 'never closed", "error"), None);
    }

    #[test]
    fn refusal_codes_mark_a_payment_as_sent() {
        let ex = crate::core::exchange::Exchange::default();
        let obs = Observed::new(&ex, None);
        assert!(sent_and_judged(&obs, "invalid_exact_evm_payload_signature"));
        assert!(sent_and_judged(&obs, "insufficient_funds"));
        assert!(!sent_and_judged(&obs, "X-PAYMENT header is required"));
        assert!(!sent_and_judged(&obs, "Payment required"));
    }
    #[test]
    fn rate_limits_are_not_refusals() {
        assert!(is_rate_limit("Queue full for IP: X: 1 already queued..."));
        assert!(!is_rate_limit("insufficient_funds"));
    }
}
