//! x402: a payment challenge (v1 JSON body, v2 base64 `PAYMENT-REQUIRED` header, or the HTML
//! paywall browsers get) or a refused payment (`error`, `invalidReason`, or a settlement
//! response with `success: false`), decoded into terms and concrete steps.
//!
//! Wire facts: v1 carries `{x402Version:1, error, accepts[]}` in the body with `maxAmountRequired`
//! and network names; v2 carries the same object base64-encoded in `PAYMENT-REQUIRED`, with
//! CAIP-2 networks, `amount` and a top-level `resource` object, and usually an empty `{}` body.
//! Clients pay with `X-PAYMENT` (v1) or `PAYMENT-SIGNATURE` (v2); settlement results come back in
//! `X-PAYMENT-RESPONSE` / `PAYMENT-RESPONSE`.

mod family;
mod lint;
pub(super) mod refusal;
mod steps;
mod terms;
mod wire;

use self::family::{family, family_plain, is_challenge_phrase, Family};
use self::refusal::Reason;
use self::refusal::{family_steps, reason};
use self::steps::{challenge_steps, chosen, SPEC_URL};
use self::terms::{all_terms, str_field};
use self::wire::gather;
use self::wire::{Challenge, Decoded, Origin, Settlement, Wire};
use crate::core::terms_text;

use crate::core::diagnosis::{
    Cause, Confidence, Diagnosis, Evidence, Finding, PaymentTerms, Protocol, Severity, Step,
};
use crate::core::evidence::cat;
use crate::core::observed::{json_text, Observed};
use crate::knowledge::chains;

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let wire = gather(obs);
    let settle_failed = wire.settlement.as_ref().is_some_and(Settlement::failed);
    if !applies(obs, &wire, settle_failed) {
        return None;
    }
    let ch = wire.challenge();
    let version = version(&wire, ch);
    let reason = reason(obs, &wire);
    let sent_payment = ["x-payment", "payment-signature"]
        .into_iter()
        .find(|h| obs.exchange.request_header(h).is_some());
    let (rate_limited, family) = judge(obs, reason.as_ref(), sent_payment, settle_failed);

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
    let cloudflare = terms.is_some_and(on_cloudflare);
    if cloudflare {
        d.provider = Some("cloudflare".into());
    }
    d.docs_url = Some(SPEC_URL.into());
    add_evidence(&mut d.evidence, obs, &wire, reason.as_ref(), sent_payment);
    add_findings(&mut d.findings, obs, &wire);

    let (summary, explanation, steps) = match family {
        Some(f) => refusal_words(obs, &wire, ch, f, reason.as_ref(), terms, version),
        None => {
            let (summary, explanation) = explain_challenge(terms, ch, version, cloudflare);
            (
                summary,
                explanation,
                challenge_steps(ch, terms, version, cloudflare),
            )
        }
    };
    (d.summary, d.explanation, d.steps) = (summary, explanation, steps);
    if let (true, Some(r)) = (rate_limited, &reason) {
        refusal::as_rate_limit(&mut d, &r.text);
    }
    if let Some(step) = header_mismatch(sent_payment, version) {
        d.steps.insert(0, step);
    }
    Some(d)
}

/// Whether any option is Cloudflare's own x402 network (`cloudflare:402`).
fn on_cloudflare(t: &PaymentTerms) -> bool {
    std::iter::once(t).chain(&t.alternatives).any(|o| {
        o.network_id
            .as_deref()
            .is_some_and(|n| n.eq_ignore_ascii_case("cloudflare:402"))
    })
}

/// Summary, explanation and steps for a refused payment of `family`, about the option the
/// payer chose (else what the settlement names).
fn refusal_words(
    obs: &Observed,
    wire: &Wire,
    ch: Option<&Challenge>,
    family: Family,
    reason: Option<&Reason>,
    terms: Option<&PaymentTerms>,
    version: Option<u64>,
) -> (String, String, Vec<Step>) {
    let payer = wire
        .settlement
        .as_ref()
        .and_then(|s| s.str("payer"))
        .or_else(|| obs.json_str("payer"));
    let chosen_terms = terms.map(|t| chosen(t, wire.settlement.as_ref()));
    let chosen_option = chosen_terms.and_then(|ct| {
        ch?.options()
            .into_iter()
            .find(|o| str_field(o, "network") == ct.network_id)
    });
    let fallback_terms = settlement_terms(wire);
    let focus = chosen_terms.unwrap_or(&fallback_terms);
    let (summary, explanation) = explain_refusal(family, reason, focus);
    let steps = family_steps(family, focus, chosen_option, payer.as_deref(), version);
    (summary, explanation, steps)
}

/// Whether the reason is really a rate limit, and which family of refusal it is (none: a
/// challenge).
fn judge(
    obs: &Observed,
    reason: Option<&Reason>,
    sent_payment: Option<&str>,
    settle_failed: bool,
) -> (bool, Option<Family>) {
    // An `error` about the server's request limits is neither a challenge nor a refusal.
    let rate_limited = reason.is_some_and(|r| refusal::is_rate_limit(&r.text));
    let family = reason.filter(|_| !rate_limited).and_then(|r| {
        family(&r.text).or_else(|| {
            let refused = settle_failed
                || (sent_payment.is_some() && !is_challenge_phrase(&r.text))
                || refusal::sent_and_judged(obs, &r.text);
            refused.then_some(Family::Other)
        })
    });
    let family = family.or(settle_failed.then_some(Family::Other));
    (rate_limited, family)
}

/// Whether the wire shows x402 on a failure: a challenge, a failed or undecodable settlement,
/// or (on a 402 or 412 only) a body naming `x402Version` that did not parse.
fn applies(obs: &Observed, wire: &Wire, settle_failed: bool) -> bool {
    let settle_undecodable = wire.settlement.as_ref().is_some_and(|s| s.json.is_none());
    let decoded = wire.header.is_some()
        || wire.body_challenge.is_some()
        || settle_failed
        || settle_undecodable;
    // x402 on a success response is a receipt, not a problem.
    if !(decoded || wire.body_mentions_x402) || obs.status < 400 {
        return false;
    }
    decoded || obs.status == 402 || obs.status == 412
}

/// The protocol version: the challenge's, else what the header names imply.
fn version(wire: &Wire, ch: Option<&Challenge>) -> Option<u64> {
    ch.and_then(Challenge::version).or_else(|| {
        wire.header_raw.as_ref().map(|_| 2).or_else(|| {
            wire.settlement.as_ref().map(|s| {
                if s.header == "x-payment-response" {
                    1
                } else {
                    2
                }
            })
        })
    })
}

/// Evidence: where each fact came from.
fn add_evidence(
    evidence: &mut Vec<Evidence>,
    obs: &Observed,
    wire: &Wire,
    reason: Option<&Reason>,
    sent_payment: Option<&str>,
) {
    if let Some(raw) = &wire.header_raw {
        evidence.push(Evidence::header("PAYMENT-REQUIRED", raw));
    }
    if let Some(s) = &wire.settlement {
        evidence.push(Evidence::header(s.header, &s.raw));
    }
    if let Some(r) = reason {
        evidence.push(r.evidence.clone());
    }
    if let Some(h) = sent_payment {
        if let Some(v) = obs.exchange.request_header(h) {
            evidence.push(Evidence::request_header(h, v));
        }
    }
    if let Some(c) = wire.challenge() {
        if let Some(v) = c.json.get("x402Version") {
            evidence.push(c.evidence(&c.path("x402Version"), &json_text(v)));
        }
        for (i, option) in c.options().into_iter().enumerate().take(4) {
            for field in ["network", "amount", "maxAmountRequired", "asset"] {
                if let Some(v) = str_field(option, field) {
                    evidence.push(c.evidence(&c.option_path(i, field), &v));
                }
            }
        }
    } else if wire.body_mentions_x402 {
        evidence.push(Evidence::body(
            "text",
            "body names x402Version but is not valid JSON",
        ));
    }
}

/// Findings for the server's developer.
fn add_findings(findings: &mut Vec<Finding>, obs: &Observed, wire: &Wire) {
    if let Some(raw) = &wire.header_raw {
        let decoded_json = wire.header_challenge().is_some();
        findings.extend(lint::header_encoding("PAYMENT-REQUIRED", raw, decoded_json));
    }
    if let Some(s) = wire.settlement.as_ref().filter(|s| s.json.is_none()) {
        findings.extend(lint::header_encoding(s.header, &s.raw, false));
    }
    if let Some(c) = wire.challenge() {
        if c.salvaged {
            findings.push(Finding {
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
        findings.extend(lint::challenge(&c.json, obs.host.as_deref()));
    } else if wire.body_mentions_x402 {
        findings.push(Finding {
            code: "x402_body_not_json".into(),
            severity: Severity::Error,
            message: "The body names x402Version but no payment requirements could be read from it (not valid JSON), so clients cannot pay.".into(),
            fix: "Send the PaymentRequired object as valid JSON (v1) or base64 JSON in PAYMENT-REQUIRED (v2).".into(),
        });
    }
    if let (Some(h), Some(b)) = (wire.header_challenge(), &wire.body_challenge) {
        if b.origin == Origin::Body {
            findings.extend(lint::header_body_mismatch(&h.json, &b.json));
        }
    }
}

/// The terms a settlement response names, for a refusal with no challenge to read them from.
fn settlement_terms(wire: &Wire) -> PaymentTerms {
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
    fallback_terms
}

/// Summary and explanation of a refused payment.
fn explain_refusal(f: Family, reason: Option<&Reason>, focus: &PaymentTerms) -> (String, String) {
    let r = reason.map_or("settlement failed", |r| &r.text);
    let plain = family_plain(f);
    let summary = cat(&["x402 payment refused: ", r, " (", plain, ")"]);
    let mut e = cat(&[
        "A payment was sent and the x402 server (or its facilitator) refused it with `",
        r,
        "`: ",
        plain,
        ".",
    ]);
    if let Some(m) = reason.and_then(|r| r.message.as_deref()) {
        e.push_str(&cat(&[" Message: ", m, "."]));
    }
    if f == Family::Permit2Approval {
        e.push_str(" HTTP 412 is how x402 signals that a one-time Permit2 approval must happen before the payment can settle.");
    }
    let amount = terms_text::amount(focus);
    let network = terms_text::network(focus);
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
    (summary, e)
}

/// Summary and explanation of a payment challenge.
fn explain_challenge(
    terms: Option<&PaymentTerms>,
    ch: Option<&Challenge>,
    version: Option<u64>,
    cloudflare: bool,
) -> (String, String) {
    let summary = match terms {
        Some(t) => cat(&[
            if cloudflare { "Cloudflare " } else { "" },
            "x402 payment requested: ",
            &terms_text::price(t),
        ]),
        None => "x402 payment requested (terms unreadable)".into(),
    };
    let origin_note = match ch.map(|c| c.origin) {
        Some(Origin::Paywall) | Some(Origin::PaywallAttribute) => {
            " The server sent its HTML paywall page (as it does for browsers) with the challenge embedded in the page."
        }
        Some(Origin::Header) => " The challenge is the base64 JSON in the PAYMENT-REQUIRED header.",
        Some(Origin::Body) if version == Some(1) => " The challenge is the x402 v1 JSON body.",
        _ => "",
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
            let n_options = 1 + t.alternatives.len();
            if n_options > 1 {
                e.push_str(&cat(&[
                    "It accepts ",
                    &n_options.to_string(),
                    " options; the first is ",
                ]));
            } else {
                e.push_str("It asks for ");
            }
            e.push_str(&terms_text::price(t));
            e.push('.');
        }
        None => e.push_str("The payment terms could not be decoded; see the findings."),
    }
    (summary, e)
}

/// Wrong payment header for the server's version: it never looked at the payment.
fn header_mismatch(sent_payment: Option<&str>, version: Option<u64>) -> Option<Step> {
    let (sent, sent_v, want, want_v) = match (sent_payment, version) {
        (Some("x-payment"), Some(2)) => ("X-PAYMENT", "v1", "PAYMENT-SIGNATURE", "v2"),
        (Some("payment-signature"), Some(1)) => ("PAYMENT-SIGNATURE", "v2", "X-PAYMENT", "v1"),
        _ => return None,
    };
    Some(Step::text(cat(&[
        "The request carried `",
        sent,
        "` (",
        sent_v,
        ") but this server speaks x402 ",
        want_v,
        " and only reads `",
        want,
        "`: the payment was ignored, which is why a fresh challenge came back.",
    ])))
}

#[cfg(test)]
mod tests;
