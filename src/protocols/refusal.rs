//! Payments sent and refused, recognised from what the refusal itself says when the usual wire
//! signals (a decodable challenge, an x402 JSON body) are missing or are not enough:
//!
//! - an x402 facilitator's own answer (`/verify` → `isValid: false` + `invalidReason`, `/settle`
//!   → `success: false` + `errorReason`), as a resource server's developer sees it;
//! - an x402 body that is not JSON (a `console.log` print, a truncated copy) whose `error`
//!   names a refusal reason;
//! - an L402 credential (token + preimage) refused after payment, with a body that only says so
//!   in words (`invalid preimage`, `unknown macaroon`) and no fresh challenge;
//! - an x402 `error` that is really a rate limit (a server queue), not a payment problem.
//!
//! Reasons are read from the fields that hold them (`invalidReason`, `errorReason`, `error`,
//! `detail`, `message`), never from anywhere in the text.

use serde_json::Value;

use super::x402::{self, Family};
use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Protocol, Step};
use crate::core::evidence::cat;
use crate::core::observed::{json_str, Observed};

const X402_DOCS: &str = "https://github.com/coinbase/x402";
const L402_DOCS: &str = "https://github.com/lightninglabs/L402";

/// Words of an x402 `error` that mean the server is busy or limiting requests, not refusing a
/// payment (matched in the `error` field only).
const RATE_LIMIT_WORDS: &[&str] = &[
    "queue full",
    "already queued",
    "rate limit",
    "rate_limit",
    "too many requests",
    "too many concurrent",
    "concurrency limit",
];

/// What an L402 refusal talks about: the two halves of the credential (the preimage first: it
/// only ever means a payment proof).
const L402_SUBJECTS: &[&str] = &["preimage", "macaroon"];
/// And what went wrong with them.
const L402_FAILURES: &[&str] = &[
    "invalid",
    "unknown",
    "expired",
    "does not match",
    "doesn't match",
    "mismatch",
    "already used",
    "already spent",
    "revoked",
    "malformed",
    "not found",
    "failed",
];

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    if !(400..500).contains(&obs.status) {
        return None;
    }
    facilitator(obs)
        .or_else(|| x402_text(obs))
        .or_else(|| l402_words(obs))
}

/// True when an x402 `error` says the server is limiting requests.
pub fn is_rate_limit(reason: &str) -> bool {
    let r = reason.to_ascii_lowercase();
    RATE_LIMIT_WORDS.iter().any(|w| r.contains(w))
}

/// Signs, beside a payment header on the request, that a payment was sent and judged: the
/// facilitator named the payer, or the reason is one of the facilitators' refusal codes
/// (`invalid_…`, `…_mismatch`, `…_failed`), which only come back after a payment was checked.
pub fn sent_and_judged(obs: &Observed, reason: &str) -> bool {
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
pub fn as_rate_limit(d: &mut Diagnosis, reason: &str) {
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
fn facilitator(obs: &Observed) -> Option<Diagnosis> {
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
    let family = x402::family(&reason).unwrap_or(Family::Other);
    let mut d = super::new_diagnosis(Cause::PaymentRejected, Confidence::Medium, obs.status);
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
    let plain = x402::family_plain(family);
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
    let no_terms = super::no_terms();
    d.steps = x402::family_steps(family, &no_terms, None, payer.as_deref(), None);
    Some(d)
}

/// The value after `key` in text that is JSON-like but not JSON: `key: 'v'`, `"key": "v"`.
fn quoted_value<'t>(text: &'t str, key: &str) -> Option<&'t str> {
    let mut from = 0;
    for _ in 0..8 {
        let at = from + text.get(from..)?.find(key)?;
        from = at + key.len();
        // The key must stand alone: `error` in `errorReason` or `x402error` does not count.
        let before = text[..at].chars().next_back();
        if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
            continue;
        }
        let rest = text[from..].trim_start_matches(['"', '\'']).trim_start();
        let Some(rest) = rest.strip_prefix(':') else {
            continue;
        };
        let rest = rest.trim_start();
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        let end = value.find(quote)?;
        return Some(&value[..end]).filter(|v| !v.is_empty() && v.len() <= 200);
    }
    None
}

/// An x402 body that did not parse as JSON but still says why the payment was refused.
fn x402_text(obs: &Observed) -> Option<Diagnosis> {
    if obs.json.is_some() || !obs.body_lower.contains("x402version") {
        return None;
    }
    let text = obs.body_text();
    let (key, reason) = ["invalidReason", "errorReason", "error"]
        .into_iter()
        .find_map(|k| quoted_value(text, k).map(|v| (k, v)))?;
    if is_rate_limit(reason) {
        let mut d = super::new_diagnosis(Cause::RateLimited, Confidence::Low, obs.status);
        d.protocol = Some(Protocol::X402);
        d.evidence.push(Evidence::body(key, reason));
        as_rate_limit(&mut d, reason);
        return Some(d);
    }
    let family = x402::family(reason)?;
    let mut d = super::new_diagnosis(Cause::PaymentRejected, Confidence::Low, obs.status);
    d.protocol = Some(Protocol::X402);
    d.docs_url = Some(X402_DOCS.into());
    d.evidence.push(Evidence::body(key, reason));
    let plain = x402::family_plain(family);
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
    let no_terms = super::no_terms();
    d.steps = x402::family_steps(family, &no_terms, None, None, None);
    Some(d)
}

/// The message fields of a JSON body (one level of nesting, as FastAPI's `detail` adds), or
/// the whole text when the body is not JSON.
fn messages(obs: &Observed) -> Vec<(String, String)> {
    let mut out = Vec::new();
    match &obs.json {
        Some(json) => {
            for key in [
                "error",
                "message",
                "detail",
                "error.message",
                "detail.error",
                "detail.message",
            ] {
                if let Some(v) = json_str(json, key).filter(|v| v.len() <= 500) {
                    out.push((key.to_string(), v));
                }
            }
        }
        None if obs.body_text().len() <= 500 => {
            out.push(("text".to_string(), obs.body_text().trim().to_string()));
        }
        None => {}
    }
    out
}

/// An L402 credential refused after payment, said in words.
fn l402_words(obs: &Observed) -> Option<Diagnosis> {
    if !matches!(obs.status, 401..=403) {
        return None;
    }
    let sent = obs
        .exchange
        .request_header("authorization")
        .is_some_and(|a| {
            let a = a.trim_start().to_ascii_lowercase();
            a.starts_with("l402 ") || a.starts_with("lsat ")
        });
    // Macaroons also guard APIs that have nothing to do with payment (lnd's admin API, dCache):
    // the word alone counts only with an L402 credential sent or on a 402.
    let subjects: &[&str] = if sent || obs.status == 402 {
        L402_SUBJECTS
    } else {
        &L402_SUBJECTS[..1]
    };
    let (at, text) = messages(obs).into_iter().find(|(_, m)| {
        let m = m.to_ascii_lowercase();
        let l402 = m.contains("l402") || m.contains("lsat");
        (l402 || subjects.iter().any(|s| m.contains(s)))
            && L402_FAILURES.iter().any(|f| m.contains(f))
    })?;
    let lower = text.to_ascii_lowercase();
    let mut d = super::new_diagnosis(
        Cause::PaymentRejected,
        if sent {
            Confidence::High
        } else {
            Confidence::Medium
        },
        obs.status,
    );
    d.protocol = Some(Protocol::L402);
    d.docs_url = Some(L402_DOCS.into());
    d.evidence.push(Evidence::body(&at, &text));
    if sent {
        if let Some(v) = obs.exchange.request_header("authorization") {
            d.evidence
                .push(Evidence::request_header("authorization", v));
        }
    }
    let expired = lower.contains("expired");
    let preimage = lower.contains("preimage");
    d.summary = cat(&[
        "L402 credential refused: ",
        &crate::core::evidence::truncate(&text, 80),
    ]);
    d.explanation = cat(&[
        "The server refused the L402 credential sent after paying (`Authorization: L402 <token>:<preimage>`): ",
        if expired {
            "the token has expired."
        } else if preimage {
            "the preimage does not prove payment of this token's invoice (its SHA-256 must equal the payment hash bound in the token)."
        } else {
            "it does not recognise or accept the token (macaroon)."
        },
        " No fresh challenge came with the refusal, so the client cannot simply pay again from this response.",
    ]);
    d.steps = vec![
        Step::text(if preimage {
            "You (the client): send the preimage your wallet returned for exactly this token's invoice, hex-encoded (64 hex characters), as `Authorization: L402 <token>:<preimage>`; an L402 client library (e.g. lightninglabs' `lsat-js` or Alby's tools) does this for you."
        } else {
            "You (the client): send the token (macaroon) from the same challenge whose invoice you paid, unchanged, as `Authorization: L402 <token>:<preimage>`; an L402 client library keeps the pair together for you."
        })
        .with_link(L402_DOCS),
        Step::text("If the token expired or was already used, request the resource again without credentials to get a new challenge (token and invoice), pay that invoice and retry."),
        Step::text("The site's owner (if the credential is right): check the server verifies against the same secret that minted the token and that tokens are not single-use by mistake."),
    ];
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

    fn run(status: u16, auth: Option<&str>, body: &str) -> Option<Diagnosis> {
        use crate::core::exchange::{Content, Exchange, Header, Request, Response};
        let ex = Exchange {
            request: Request {
                url: "https://api.example.com/x".into(),
                headers: auth
                    .map(|a| {
                        vec![Header {
                            name: "Authorization".into(),
                            value: a.into(),
                        }]
                    })
                    .unwrap_or_default(),
                ..Request::default()
            },
            response: Response {
                status,
                content: Content {
                    text: Some(body.into()),
                    ..Content::default()
                },
                ..Response::default()
            },
            ..Exchange::default()
        };
        detect(&Observed::new(&ex, None))
    }

    #[test]
    fn macaroons_outside_l402_are_not_payments() {
        // lnd's and dCache's macaroons guard APIs, not payments.
        assert!(run(401, None, r#"{"error":"invalid macaroon"}"#).is_none());
        let d = run(
            401,
            Some("L402 AGIAJEemVQUTEyNCR0exk7ek90Cg==:abc"),
            r#"{"error":"invalid macaroon"}"#,
        )
        .unwrap();
        assert_eq!(
            (d.cause, d.protocol),
            (Cause::PaymentRejected, Some(Protocol::L402))
        );
        assert!(run(401, None, r#"{"error":"Invalid preimage"}"#).is_some());
        assert!(run(500, None, r#"{"error":"Invalid preimage"}"#).is_none());
    }

    #[test]
    fn facilitator_answers_need_their_refusal_flag() {
        let d = run(
            400,
            None,
            r#"{"isValid":false,"invalidReason":"invalid_exact_evm_payload_signature"}"#,
        )
        .unwrap();
        assert_eq!(d.cause, Cause::PaymentRejected);
        assert!(run(400, None, r#"{"isValid":true,"invalidReason":"x"}"#).is_none());
        assert!(run(400, None, r#"{"success":false,"error":"bad request"}"#).is_none());
    }

    #[test]
    fn rate_limits_are_not_refusals() {
        assert!(is_rate_limit("Queue full for IP: X: 1 already queued..."));
        assert!(!is_rate_limit("insufficient_funds"));
    }
}
