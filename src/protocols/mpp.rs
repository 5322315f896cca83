//! The `Payment` HTTP authentication scheme (Machine Payments Protocol, IETF
//! draft-httpauth-payment): `WWW-Authenticate: Payment id=…, realm=…, method=…, intent=…,
//! request=<base64url JCS JSON>`, with RFC 9457 problem+json bodies whose `type` lives under
//! `https://paymentauth.org/problems/`. A server may offer several Payment challenges (one per
//! method or intent) and, like aperture, L402 next to them: the first Payment offer is the
//! top-level terms and every other offer, L402 included, is an alternative.

mod problems;

use self::problems::{FRESH_CHALLENGE, REJECTIONS, USE_NEW_CHALLENGE};
use serde_json::Value;

use crate::core::diagnosis::{
    Cause, Confidence, Diagnosis, Evidence, Finding, PaymentTerms, Protocol, Severity, Step,
};
use crate::core::evidence::{printable, truncate};
use crate::core::observed::{json_str, json_text, Observed};
use crate::core::terms_text;
use crate::decode::auth_challenge::{self, Challenge};
use crate::decode::quote::quoted;
use crate::decode::time::{format_rfc3339, parse_rfc3339};
use crate::decode::{amount, base64};
use crate::protocols::l402;

const PROBLEM_BASE: &str = "https://paymentauth.org/problems/";
const SPEC_LINK: &str = "https://paymentauth.org";
const REQUIRED_PARAMS: [&str; 5] = ["id", "realm", "method", "intent", "request"];
/// Offers kept per response; real servers send a handful.
const MAX_OFFERS: usize = 16;

/// ISO 4217 currencies whose minor unit is not 2 digits.
const ISO_DECIMALS: &[(&str, u32)] = &[
    ("bif", 0),
    ("clp", 0),
    ("djf", 0),
    ("gnf", 0),
    ("isk", 0),
    ("jpy", 0),
    ("kmf", 0),
    ("krw", 0),
    ("pyg", 0),
    ("rwf", 0),
    ("ugx", 0),
    ("vnd", 0),
    ("vuv", 0),
    ("xaf", 0),
    ("xof", 0),
    ("xpf", 0),
    ("bhd", 3),
    ("jod", 3),
    ("kwd", 3),
    ("omr", 3),
    ("tnd", 3),
];

/// One Payment challenge, with its decoded `request`; its terms live in the diagnosis.
struct Offer<'c> {
    challenge: &'c Challenge,
    request: Option<Value>,
    /// The Lightning invoice in `request`, decoded.
    lightning: Option<l402::Decoded>,
}

fn is_complete(c: &Challenge) -> bool {
    REQUIRED_PARAMS
        .iter()
        .all(|p| c.param(p).is_some_and(|v| !v.is_empty()))
}

/// The request's amount as a string of digits (some servers send a JSON number).
fn amount_digits(request: &Value) -> Option<String> {
    json_str(request, "amount").filter(|a| !a.is_empty() && a.bytes().all(|b| b.is_ascii_digit()))
}

/// Decodes one challenge, filling `terms` in place (moving terms costs code).
fn offer<'c>(challenge: &'c Challenge, now: Option<i64>, terms: &mut PaymentTerms) -> Offer<'c> {
    let request = challenge
        .param("request")
        .and_then(base64::decode_to_string)
        .and_then(|s| serde_json::from_str::<Value>(&s).ok())
        .filter(Value::is_object);
    terms.scheme = challenge.param("method").map(str::to_ascii_lowercase);
    terms.description = challenge.param("description").map(printable);
    if let Some(exp) = challenge.param("expires").and_then(parse_rfc3339) {
        terms.expires_at = Some(format_rfc3339(exp));
        terms.expired = now.map(|n| n >= exp);
    }
    let mut lightning = None;
    if let Some(req) = &request {
        let currency = json_str(req, "currency").unwrap_or_default();
        let lower = currency.to_ascii_lowercase();
        let decimals = if lower == "sat" {
            terms.asset = Some("sat".into());
            Some(0)
        } else if lower.len() == 3 && lower.bytes().all(|b| b.is_ascii_alphabetic()) {
            terms.asset = Some(lower.to_ascii_uppercase());
            Some(
                ISO_DECIMALS
                    .iter()
                    .find(|(c, _)| *c == lower)
                    .map_or(2, |(_, d)| *d),
            )
        } else {
            // A token (contract address, mint): its decimals are not in the challenge.
            None
        };
        if !currency.is_empty() {
            terms.asset_id = Some(printable(&currency));
        }
        terms.decimals = decimals;
        terms.amount_atomic = amount_digits(req);
        terms.amount = terms
            .amount_atomic
            .as_deref()
            .zip(decimals)
            .and_then(|(a, d)| amount::atomic_to_human(a, d));
        terms.pay_to = json_str(req, "recipient").map(|r| printable(&r));
        if let Some(d) = json_str(req, "description") {
            terms.description = Some(printable(&d));
        }
        terms.network_id = json_str(req, "methodDetails.network")
            .or_else(|| json_str(req, "methodDetails.chainId"))
            .map(|n| printable(&n));
        if let Some(invoice) = json_str(req, "methodDetails.invoice") {
            // The invoice's own terms, of which the MPP offer keeps a few.
            let mut ln = super::no_terms();
            let decoded = l402::lightning_terms(&invoice, now, &mut ln);
            terms.invoice = ln.invoice;
            terms.payment_hash = ln
                .payment_hash
                .or_else(|| json_str(req, "methodDetails.paymentHash"));
            terms.created_at = ln.created_at;
            if decoded.is_ok() {
                terms.network = ln.network;
                terms.testnet = ln.testnet;
                if terms.expires_at.is_none() {
                    terms.expires_at = ln.expires_at;
                    terms.expired = ln.expired;
                }
            }
            lightning = Some(decoded);
        }
    }
    Offer {
        challenge,
        request,
        lightning,
    }
}

fn request_credential<'a>(obs: &Observed<'a>) -> Option<&'a str> {
    let value = obs.exchange.request_header("authorization")?.trim();
    let (scheme, _) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("Payment").then_some(value)
}

/// The Payment problem type of a body (`…/problems/<kind>`), if any, and what it says.
struct Problem<'k> {
    /// The whole `type` URL, when it is under [`PROBLEM_BASE`].
    type_url: Option<&'k str>,
    /// The part after [`PROBLEM_BASE`]; empty without a problem type.
    kind: &'k str,
    /// The known rejection `kind` names.
    rejection: Option<&'static problems::Rejection>,
    /// A credential was sent and refused without a known rejection.
    refused: bool,
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let lines: Vec<&str> = obs.exchange.headers("www-authenticate").collect();
    let challenges = auth_challenge::parse(lines.iter().copied());
    // Plain loops rather than iterator chains: each chain is its own copy in the wasm.
    let mut payment: Vec<&Challenge> = Vec::new();
    let mut complete: Vec<&Challenge> = Vec::new();
    for c in &challenges {
        if c.is("Payment") {
            payment.push(c);
            if complete.len() < MAX_OFFERS && is_complete(c) {
                complete.push(c);
            }
        }
    }
    let l402_challenge = l402::find_challenge(&challenges);
    let problem_type = obs.json_str("type").filter(|t| t.starts_with(PROBLEM_BASE));
    let ours = !complete.is_empty()
        || problem_type.is_some()
        || (!payment.is_empty() && l402_challenge.is_none());
    if !ours || (obs.status != 402 && problem_type.is_none()) {
        return None;
    }
    let credential = request_credential(obs);
    let problem = problem(problem_type.as_deref(), credential.is_some());
    let mut d = new_diagnosis(obs.status, &problem, !complete.is_empty());

    // Terms go straight into the diagnosis: the first offer is the top-level terms, every later
    // one (L402 last) an alternative.
    let mut offers: Vec<Offer> = Vec::with_capacity(complete.len());
    for c in &complete {
        offers.push(offer(c, obs.now, super::next_terms(&mut d.payment)));
    }
    let l402_invoice =
        l402_challenge.and_then(|c| l402::challenge_offer(c, obs.now, &mut d.payment));

    let mut evidence = super::challenge_line_evidence(&lines, |c| c.is("Payment"));
    offer_evidence(&offers, &mut evidence);
    if let Some(t) = problem.type_url {
        evidence.push(Evidence::body("type", t));
        for key in ["title", "detail"] {
            if let Some(v) = obs.json_str(key) {
                evidence.push(Evidence::body(key, &v));
            }
        }
    }
    if let Some(i) = &l402_invoice {
        evidence.push(l402::invoice_evidence("www-authenticate L402 invoice", i));
    }
    if let Some(c) = credential {
        evidence.push(Evidence::request_header("authorization", c));
    }

    let findings = findings(obs, &payment, &offers, problem.type_url.is_some());
    if let Some(r) = problem.rejection {
        d.summary = format!("MPP: {}", r.summary);
        d.explanation = r.explanation.to_string();
        for s in r.steps {
            d.steps.push(Step::text(*s));
        }
    } else if problem.refused {
        refusal_words(&mut d, obs, problem.kind);
    } else {
        challenge_diagnosis(&mut d, &offers, l402_invoice.is_some());
    }
    if d.cause == Cause::PaymentRejected && !offers.is_empty() {
        d.explanation.push_str(&format!(
            " The response also carries {} fresh challenge{}.",
            offers.len(),
            if offers.len() == 1 { "" } else { "s" }
        ));
    }
    d.evidence = evidence;
    d.findings = findings;
    Some(d)
}

/// Reads the problem type; `credential`: the request carried a Payment credential.
fn problem(type_url: Option<&str>, credential: bool) -> Problem<'_> {
    let kind = type_url
        .and_then(|t| t.strip_prefix(PROBLEM_BASE))
        .unwrap_or("");
    let rejection = REJECTIONS.iter().find(|r| r.kind == kind);
    let unknown_problem = !kind.is_empty() && kind != "payment-required" && rejection.is_none();
    Problem {
        type_url,
        kind,
        rejection,
        refused: unknown_problem || (credential && kind.is_empty()),
    }
}

/// The cause and confidence: a rejection (known or not) or a challenge.
fn new_diagnosis(status: u16, p: &Problem, any_complete: bool) -> Diagnosis {
    let confidence = if any_complete || p.rejection.is_some() || p.kind == "payment-required" {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut d = match p.rejection {
        Some(_) => super::new_diagnosis(Cause::PaymentRejected, confidence, status),
        None if p.refused => {
            super::new_diagnosis(Cause::PaymentRejected, Confidence::Medium, status)
        }
        None => super::new_diagnosis(Cause::PaymentChallenge, confidence, status),
    };
    d.protocol = Some(Protocol::Mpp);
    d
}

/// Each offer's decoded `request` and Lightning invoice.
fn offer_evidence(offers: &[Offer], evidence: &mut Vec<Evidence>) {
    for o in offers {
        if let Some(req) = &o.request {
            evidence.push(Evidence::header(
                "www-authenticate request (decoded)",
                &json_text(req),
            ));
        }
        if let Some(ln) = &o.lightning {
            evidence.push(l402::invoice_evidence(
                "www-authenticate request invoice",
                ln,
            ));
        }
    }
}

/// A credential refused without a problem type this module knows.
fn refusal_words(d: &mut Diagnosis, obs: &Observed, kind: &str) {
    d.summary = "MPP: the payment credential was refused".into();
    let detail = obs
        .json_str("detail")
        .or_else(|| obs.json_str("title"))
        .map(|t| {
            format!(
                " The server says: {}.",
                quoted(&truncate(&printable(&t), 160))
            )
        })
        .unwrap_or_default();
    d.explanation = format!(
        "The server refused a Payment credential (problem type {}).{detail}",
        quoted(if kind.is_empty() { "none given" } else { kind })
    );
    d.steps = vec![Step::text(USE_NEW_CHALLENGE)];
}

/// Fills `d` for a Payment challenge; the first offer's terms are `d.payment`'s top level.
fn challenge_diagnosis(d: &mut Diagnosis, offers: &[Offer], also_l402: bool) {
    let (Some(first), Some(t)) = (offers.first(), d.payment.as_ref()) else {
        d.summary = "MPP: payment required, but no usable Payment challenge".into();
        d.explanation = "The server signals a Payment (MPP) 402 but sends no complete \
                         `WWW-Authenticate: Payment` challenge (id, realm, method, intent and \
                         request are all required), so a client has nothing to pay."
            .into();
        d.steps = vec![Step::text(
            "Report it to the server's operator: a Payment 402 must carry at least one \
             complete Payment challenge.",
        )
        .with_link(SPEC_LINK)];
        return;
    };
    let method = t.scheme.as_deref().unwrap_or("?");
    let price = terms_text::offer_price(t);
    let expired = t.expired.unwrap_or(false);
    d.summary = match (&price, expired) {
        (_, true) => "MPP: the payment challenge has expired; request a fresh one".into(),
        (Some(p), false) => format!("MPP: pay {p} ({method}) to continue"),
        (None, false) => format!("MPP: payment required ({method})"),
    };
    let others = offers.len() - 1 + usize::from(also_l402);
    d.explanation = challenge_explanation(first, t, price.as_deref(), others, also_l402);
    let mut steps = Vec::new();
    if expired {
        steps.push(Step::text(FRESH_CHALLENGE));
    }
    steps.push(pay_step(first, method, price.as_deref(), expired));
    let id = first
        .challenge
        .param("id")
        .map(|i| truncate(&printable(i), 64))
        .unwrap_or_default();
    steps.push(
        Step::text(
            "Retry the request with a Payment credential: base64url (no padding) of JSON that \
             echoes this challenge unchanged and carries the proof of payment.",
        )
        .with_link(SPEC_LINK)
        .with_snippet(format!(
            "Authorization: Payment <base64url of {{\"challenge\":{{\"id\":\"{id}\",…}},\"payload\":{{…proof…}}}}>"
        )),
    );
    if also_l402 {
        steps.push(Step::text(
            "The server also accepts L402 for this resource (see the alternatives): pay the \
             L402 invoice and send `Authorization: L402 <token>:<preimage hex>` instead.",
        ));
    }
    d.steps = steps;
}

/// The offer in words: method, intent and price, what could not be read, the validity, and
/// how many `others` options there are.
fn challenge_explanation(
    first: &Offer,
    t: &PaymentTerms,
    price: Option<&str>,
    others: usize,
    also_l402: bool,
) -> String {
    let method = t.scheme.as_deref().unwrap_or("?");
    let intent = first.challenge.param("intent").unwrap_or("charge");
    let mut explanation = format!(
        "The server asks for payment with the Payment HTTP authentication scheme (Machine \
         Payments Protocol): method `{method}`, intent `{intent}`"
    );
    if let Some(p) = price {
        explanation.push_str(&format!(", {p}"));
    }
    explanation.push('.');
    if t.amount.is_none() && t.amount_atomic.is_some() && t.asset.is_none() {
        explanation.push_str(
            " The currency is a token whose decimals the challenge does not state, so the \
             amount is shown in its base units.",
        );
    }
    if first.request.is_none() {
        explanation.push_str(" Its `request` parameter does not decode as base64url JSON.");
    }
    if let Some(at) = &t.expires_at {
        explanation.push_str(&if t.expired.unwrap_or(false) {
            format!(" The challenge expired at {at}.")
        } else {
            format!(" The offer is valid until {at}.")
        });
    }
    if others > 0 {
        explanation.push_str(&format!(
            " {others} other payment option{} {} offered{}.",
            if others == 1 { "" } else { "s" },
            if others == 1 { "is" } else { "are" },
            if also_l402 { " (including L402)" } else { "" }
        ));
    }
    explanation
}

/// How to pay the first offer: the Lightning invoice (as a snippet while it can be paid), or
/// a client for the offer's method.
fn pay_step(first: &Offer, method: &str, price: Option<&str>, expired: bool) -> Step {
    if method != "lightning" {
        return Step::text(format!(
            "Pay {} with a client that supports the `{method}` method of the Payment \
             scheme; a wallet should show the requesting origin and ask you to confirm.",
            price.unwrap_or("the requested amount")
        ))
        .with_link("https://mpp.dev");
    }
    let mut pay = Step::text(
        "Pay the Lightning invoice in the challenge's request with a Lightning wallet and \
         keep the preimage it returns.",
    );
    if matches!(first.lightning, Some(Ok(_))) && !expired {
        pay.snippet = first
            .request
            .as_ref()
            .and_then(|r| json_str(r, "methodDetails.invoice"));
    }
    pay
}

fn findings(
    obs: &Observed,
    payment: &[&Challenge],
    offers: &[Offer],
    problem_body: bool,
) -> Vec<Finding> {
    let mut out = Vec::new();
    if obs.status == 402 && problem_body && offers.is_empty() {
        out.push(Finding {
            code: "mpp_missing_challenge".into(),
            severity: Severity::Error,
            message: "The 402 has a Payment problem body but no complete `WWW-Authenticate: \
                      Payment` challenge."
                .into(),
            fix: "Send at least one Payment challenge (id, realm, method, intent, request) \
                  with every 402, including after a refused credential."
                .into(),
        });
    }
    // Missing parameter names, each once, in first-seen order.
    let mut incomplete: Vec<&str> = Vec::new();
    for c in payment {
        if is_complete(c) {
            continue;
        }
        for p in REQUIRED_PARAMS {
            if c.param(p).is_none() && !incomplete.contains(&p) {
                incomplete.push(p);
            }
        }
    }
    if !incomplete.is_empty() {
        out.push(Finding {
            code: "mpp_incomplete_challenge".into(),
            severity: Severity::Warning,
            message: format!(
                "A Payment challenge lacks required parameters ({}); clients skip it.",
                incomplete.join(", ")
            ),
            fix: "Give every Payment challenge id, realm, method, intent and request.".into(),
        });
    }
    if offers.iter().any(|o| o.request.is_none()) {
        out.push(Finding {
            code: "mpp_request_undecodable".into(),
            severity: Severity::Warning,
            message: "A Payment challenge's `request` is not base64url-encoded JSON.".into(),
            fix: "Encode `request` as base64url without padding of the JCS (RFC 8785) JSON \
                  object."
                .into(),
        });
    }
    out
}

#[cfg(test)]
mod tests;
