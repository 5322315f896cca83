//! The fix steps for an x402 challenge: which header to send, which client library to use.

use super::terms::str_field;
use super::wire::Origin;
use super::wire::{Challenge, Settlement};
use crate::core::terms_text;

use serde_json::Value;

use crate::core::diagnosis::{PaymentTerms, Step};
use crate::core::evidence::cat;
use crate::core::observed::json_str;
use crate::knowledge::chains;

/// The canonical Permit2 contract (same address on every EVM chain).
pub(super) const PERMIT2_ADDRESS: &str = "0x000000000022D473030F116dDEE9F6B43aC78BA3";
pub(super) const SPEC_URL: &str = "https://github.com/coinbase/x402";
/// Where the maintained x402 client libraries are listed (TypeScript `@x402/fetch`,
/// `@x402/axios`; Python `x402`; Go).
pub(super) const CLIENTS_URL: &str = "https://github.com/coinbase/x402#readme";
/// Steps that describe the protocol's internals start with this: they are for developers who
/// build payments by hand, after the step a library user needs.
pub(super) const DETAIL: &str = "Details for developers building the payment by hand: ";

/// Which option a refusal concerns: the one on the settlement's network, else the first.
pub(super) fn chosen<'t>(
    terms: &'t PaymentTerms,
    settlement: Option<&Settlement>,
) -> &'t PaymentTerms {
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
pub(super) fn pay_header(version: Option<u64>) -> (&'static str, &'static str) {
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

pub(super) fn resend_step(version: Option<u64>) -> Step {
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
pub(super) fn library_step(what: &str) -> Step {
    Step::text(cat(&[
        "You (the client): ",
        what,
        " with an x402 client library and retry; it reads the challenge, signs the payment and resends the request for you: `@x402/fetch` or `@x402/axios` (JavaScript), `x402` (Python), `github.com/coinbase/x402/go` (Go).",
    ]))
    .with_link(CLIENTS_URL)
}

pub(super) fn domain_text(option: &Value, t: &PaymentTerms) -> Option<String> {
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

pub(super) fn challenge_steps(
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
        return cloudflare_steps(ch, t);
    }
    steps.push(library_step(&cat(&["Pay ", &terms_text::price(t)])));
    steps.extend(options_step(t));
    let mut text = cat(&[
        "You (the payer): make sure the paying wallet holds at least ",
        &terms_text::price(t),
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
    steps.extend(evm_signing_step(ch, t));
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

/// Cloudflare's x402 variant for crawlers: register, then resend signed.
fn cloudflare_steps(ch: Option<&Challenge>, t: &PaymentTerms) -> Vec<Step> {
    let mut steps = Vec::new();
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
            &terms_text::price(t),
            ") together with the signed `Signature-Agent`, `Signature-Input` and `Signature` headers.",
        ]))
        .with_snippet("PAYMENT-SIGNATURE: <base64 JSON>\nSignature-Agent: \"https://your-crawler.example\"\nSignature-Input: sig1=(\"@authority\" \"signature-agent\");tag=\"web-bot-auth\";…\nSignature: sig1=:…:"),
    );
    steps
}

/// Every option the server accepts, numbered, when there is more than one.
fn options_step(t: &PaymentTerms) -> Option<Step> {
    if t.alternatives.is_empty() {
        return None;
    }
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
            &terms_text::price(o),
            " via `",
            o.scheme.as_deref().unwrap_or("?"),
            "`",
        ]));
    }
    text.push('.');
    Some(Step::text(text))
}

/// For those signing by hand, the EIP-3009 authorization an EVM `exact` option needs.
fn evm_signing_step(ch: Option<&Challenge>, t: &PaymentTerms) -> Option<Step> {
    let option = ch.and_then(|c| c.options().into_iter().next())?;
    let evm = t
        .network_id
        .as_deref()
        .and_then(chains::network)
        .is_some_and(|n| n.is_evm());
    if evm && t.scheme.as_deref() == Some("exact") {
        if let Some(domain) = domain_text(option, t) {
            return Some(Step::text(cat(&[
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
    None
}
