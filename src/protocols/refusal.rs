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

use super::x402;
use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Protocol, Step};
use crate::core::evidence::cat;
use crate::core::observed::{json_str, Observed};

const L402_DOCS: &str = "https://github.com/lightninglabs/L402";

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
    x402::refusal::facilitator(obs)
        .or_else(|| x402::refusal::in_text(obs))
        .or_else(|| l402_words(obs))
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
}
