//! L402 (formerly LSAT): `WWW-Authenticate: L402 token="…", invoice="lnbc…"`. The client pays
//! the BOLT11 invoice, keeps the preimage, and retries with
//! `Authorization: L402 <token>:<preimage hex>`.
//!
//! Deployed servers differ from the spec: aperture sends two lines (`LSAT` first for old clients,
//! then `L402`), names the token `macaroon=` and omits `version=`. Both spellings of the scheme
//! and of the token param are accepted.

use crate::core::diagnosis::{
    Cause, Confidence, Diagnosis, Evidence, EvidenceSource, PaymentTerms, Protocol, Step,
};
use crate::core::evidence::{printable, truncate};
use crate::core::observed::Observed;
use crate::core::redact::REDACTED;
use crate::decode::auth_challenge::{self, Challenge};
use crate::decode::quote::quoted;
use crate::decode::time::{format_rfc3339, human_duration};
use crate::decode::{amount, bolt11};

/// Invoices are shown cut to this many characters; the full one goes in the pay step.
const INVOICE_DISPLAY_CHARS: usize = 40;

const SPEC_LINK: &str = "https://github.com/lightninglabs/L402";

/// True for the L402 scheme under either of its names.
pub fn is_l402_scheme(scheme: &str) -> bool {
    scheme.eq_ignore_ascii_case("L402") || scheme.eq_ignore_ascii_case("LSAT")
}

/// The L402 challenge to use: the `L402` one when both names are sent (same content), else the
/// first `LSAT` one.
pub fn find_challenge(challenges: &[Challenge]) -> Option<&Challenge> {
    challenges
        .iter()
        .find(|c| c.is("L402"))
        .or_else(|| challenges.iter().find(|c| c.is("LSAT")))
}

/// What a BOLT11 invoice decoded to.
pub type Decoded = Result<bolt11::Invoice, bolt11::Error>;

/// A BOLT11 invoice as offered: its payment terms, and the decode result for evidence.
#[derive(Clone, Copy)]
pub struct LightningOffer<'a> {
    pub terms: &'a PaymentTerms,
    pub decoded: &'a Decoded,
}

/// Fills `terms` (in place: moving terms costs code) for a Lightning invoice: amount in sat
/// (3 decimals, so msat are exact), network from the HRP, creation and expiry times, `expired`
/// against `now` when known.
pub fn lightning_terms(invoice: &str, now: Option<i64>, terms: &mut PaymentTerms) -> Decoded {
    let decoded = bolt11::decode(invoice);
    terms.asset = Some("sat".into());
    terms.invoice = Some(truncate(&printable(invoice.trim()), INVOICE_DISPLAY_CHARS));
    if let Ok(inv) = &decoded {
        if let Some(msat) = inv.amount_msat {
            terms.amount_atomic = Some(msat.to_string());
        }
        terms.amount = sat_amount(inv);
        terms.decimals = Some(3);
        terms.network = Some(inv.network.display().into());
        terms.network_id = Some(inv.network.hrp_prefix().into());
        terms.testnet = Some(inv.network.is_test());
        terms.payment_hash = inv.payment_hash.clone();
        terms.description = inv.description.as_deref().map(printable);
        terms.created_at = Some(format_rfc3339(inv.created_at));
        terms.expires_at = Some(format_rfc3339(inv.expires_at()));
        terms.expired = now.map(|n| n >= inv.expires_at());
    }
    decoded
}

/// The invoice's amount in sat, `None` for an "any amount" invoice.
fn sat_amount(inv: &bolt11::Invoice) -> Option<String> {
    amount::atomic_to_human(&inv.amount_msat?.to_string(), 3)
}

/// One evidence line with what the invoice says (or why it does not decode).
pub fn invoice_evidence(location: &str, decoded: &Decoded) -> Evidence {
    let value = match decoded {
        Ok(inv) => {
            let amount = match sat_amount(inv) {
                Some(a) => format!("{a} sat"),
                None => "any amount".into(),
            };
            let mut parts = vec![
                amount,
                inv.network.display().to_string(),
                format!("created {}", format_rfc3339(inv.created_at)),
                format!("expires after {}", human_duration(inv.expiry)),
            ];
            if let Some(h) = &inv.payment_hash {
                parts.push(format!("payment hash {h}"));
            }
            if let Some(d) = &inv.description {
                parts.push(format!("description {}", quoted(d)));
            }
            parts.join(", ")
        }
        Err(e) => format!("invoice does not decode: {}", e.describe()),
    };
    Evidence {
        source: EvidenceSource::Header,
        location: location.to_string(),
        value: truncate(
            &printable(&value),
            crate::core::evidence::MAX_EVIDENCE_CHARS,
        ),
    }
}

/// The L402 terms of a challenge, when it carries an invoice: filled into the next terms of
/// `slot` (see [`super::next_terms`]), with the invoice's decode result returned.
pub fn challenge_offer(
    ch: &Challenge,
    now: Option<i64>,
    slot: &mut Option<PaymentTerms>,
) -> Option<Decoded> {
    let invoice = ch.param("invoice")?;
    let terms = super::next_terms(slot);
    terms.scheme = Some("l402".into());
    Some(lightning_terms(invoice, now, terms))
}

/// An `Authorization` value split into its L402/LSAT scheme and credential; `None` for others.
fn split_credential(value: &str) -> Option<(&str, &str)> {
    let (scheme, rest) = value.trim().split_once(' ')?;
    is_l402_scheme(scheme).then_some((scheme, rest.trim()))
}

/// The L402/LSAT credential the request carried, if any.
fn request_credential<'a>(obs: &Observed<'a>) -> Option<(&'a str, &'a str)> {
    split_credential(obs.exchange.request_header("authorization")?)
}

fn is_preimage(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// An `Authorization: L402 <token>:<preimage>` value with its secrets replaced but its shape
/// kept, so a stored request diagnoses as the captured one did (see [`credential_problem`]):
/// the token becomes `[redacted]` (or stays empty), a well-formed preimage becomes 64 zeros,
/// any other `[redacted]`. `None` when the value is not an L402/LSAT credential.
pub fn redacted_credential(value: &str) -> Option<String> {
    let (scheme, credential) = split_credential(value)?;
    let Some((token, preimage)) = credential.rsplit_once(':') else {
        return Some(format!("{scheme} {REDACTED}"));
    };
    let token = if token.is_empty() { "" } else { REDACTED };
    let preimage = if is_preimage(preimage) {
        "0".repeat(64)
    } else {
        REDACTED.to_string()
    };
    Some(format!("{scheme} {token}:{preimage}"))
}

/// What is wrong with the shape of `<token>:<preimage hex>`, if anything.
fn credential_problem(credential: &str) -> Option<&'static str> {
    let Some((token, preimage)) = credential.rsplit_once(':') else {
        return Some("it has no ':' between the token and the preimage");
    };
    if token.is_empty() {
        return Some("the token before ':' is empty");
    }
    if !is_preimage(preimage) {
        return Some("the preimage after ':' is not 64 hexadecimal characters");
    }
    None
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    if obs.status != 402 && obs.status != 401 {
        return None;
    }
    let lines: Vec<&str> = obs.exchange.headers("www-authenticate").collect();
    let challenges = auth_challenge::parse(lines.iter().copied());
    let challenge = find_challenge(&challenges);
    let credential = request_credential(obs);
    // A 401 only speaks for L402 when it carries an L402 challenge.
    if challenge.is_none() && (credential.is_none() || obs.status != 402) {
        return None;
    }

    let cause = if credential.is_some() {
        Cause::PaymentRejected
    } else {
        Cause::PaymentChallenge
    };
    // Confidence is raised below once the evidence is in.
    let mut d = super::new_diagnosis(cause, Confidence::Medium, obs.status);
    d.protocol = Some(Protocol::L402);

    let mut evidence = super::challenge_line_evidence(&lines, |c| is_l402_scheme(&c.scheme));
    let invoice = challenge.and_then(|c| challenge_offer(c, obs.now, &mut d.payment));
    if let Some(i) = &invoice {
        evidence.push(invoice_evidence("www-authenticate invoice", i));
    }
    let scheme_name = match challenge {
        Some(c) if c.is("LSAT") => "LSAT",
        _ => "L402",
    };

    match credential {
        Some((scheme, cred)) => {
            let value = obs.exchange.request_header("authorization").unwrap_or("");
            evidence.push(Evidence::request_header("authorization", value));
            rejected(&mut d, scheme, cred, challenge.is_some());
        }
        None => challenge_diagnosis(&mut d, challenge, invoice.as_ref(), scheme_name),
    }
    d.evidence = evidence;
    Some(d)
}

/// Pay, keep the preimage, retry. `full_invoice` is set only for an invoice that decoded (so it
/// is plain bech32, safe to offer for copying) and is still payable.
fn pay_steps(
    offer: Option<LightningOffer>,
    scheme_name: &str,
    full_invoice: Option<&str>,
) -> Vec<Step> {
    let amount = offer
        .and_then(|o| o.terms.amount.as_deref())
        .map(|a| format!(" ({a} sat)"))
        .unwrap_or_default();
    let mut pay = Step::text(format!(
        "Pay the Lightning invoice{amount} from the challenge with a Lightning wallet."
    ))
    .with_link(SPEC_LINK);
    pay.snippet = full_invoice.map(|i| i.trim().to_string());
    vec![
        pay,
        Step::text(
            "Keep the payment preimage the wallet returns (64 hexadecimal characters): it is \
             the proof of payment.",
        ),
        Step::text(format!(
            "Retry the same request with the token from the challenge (its `token` or \
             `macaroon` value) and the preimage in an {scheme_name} Authorization header."
        ))
        .with_snippet(format!(
            "Authorization: {scheme_name} <token>:<preimage hex>"
        )),
    ]
}

/// Fills `d` for an L402 challenge; `invoice` is the decoded invoice behind `d.payment`.
fn challenge_diagnosis(
    d: &mut Diagnosis,
    challenge: Option<&Challenge>,
    invoice: Option<&Decoded>,
    scheme_name: &str,
) {
    let offer = d
        .payment
        .as_ref()
        .zip(invoice)
        .map(|(terms, decoded)| LightningOffer { terms, decoded });
    let decoded = offer.and_then(|o| o.decoded.as_ref().ok());
    if decoded.is_some() {
        d.confidence = Confidence::High;
    }
    let expired = offer.and_then(|o| o.terms.expired).unwrap_or(false);
    let price = offer
        .and_then(|o| o.terms.amount.as_deref())
        .map(|a| format!("{a} sat"))
        .unwrap_or_else(|| "a Lightning payment".into());
    let legacy = if scheme_name == "LSAT" {
        " (under its old name, LSAT)"
    } else {
        ""
    };

    d.summary = if expired {
        format!("L402: the {price} invoice has expired; request a fresh challenge")
    } else {
        format!("L402: pay {price} over Lightning to continue")
    };
    let mut explanation = format!(
        "The server asks for {price} through L402{legacy}: it sent a Lightning invoice and a \
         token in WWW-Authenticate. Paying the invoice reveals a preimage; the token plus that \
         preimage is the credential that unlocks the resource."
    );
    explanation.push_str(&invoice_notes(challenge.is_some(), offer, decoded, expired));
    d.explanation = explanation;

    let mut steps = Vec::new();
    if expired {
        steps.push(Step::text(
            "Send the request again without credentials to get a fresh challenge with a new \
             invoice; the expired one cannot be paid.",
        ));
    } else if offer.is_some() && decoded.is_none() {
        steps.push(Step::text(
            "Request a fresh challenge; if its invoice is broken too, report it to the \
             server's operator.",
        ));
    }
    let full_invoice = challenge
        .and_then(|c| c.param("invoice"))
        .filter(|_| decoded.is_some() && !expired);
    steps.extend(pay_steps(offer, scheme_name, full_invoice));
    d.steps = steps;
}

/// What the invoice adds to the explanation: missing, undecodable, or its validity, open amount
/// and test network. `challenged`: an L402 challenge was found.
fn invoice_notes(
    challenged: bool,
    offer: Option<LightningOffer>,
    decoded: Option<&bolt11::Invoice>,
    expired: bool,
) -> String {
    let mut out = String::new();
    match (offer, decoded) {
        (None, _) if challenged => out.push_str(
            " The challenge carries no invoice, so there is nothing to pay yet: the server's \
             L402 setup looks incomplete.",
        ),
        (Some(o), None) => {
            if let Err(e) = &o.decoded {
                out.push_str(&format!(
                    " The invoice does not decode ({}); a wallet will refuse it.",
                    e.describe()
                ));
            }
        }
        (Some(o), Some(inv)) => {
            if let Some(at) = &o.terms.expires_at {
                if expired {
                    out.push_str(&format!(
                        " The invoice expired at {at}: it can no longer be paid."
                    ));
                } else {
                    out.push_str(&format!(" The invoice is payable until {at}."));
                }
            }
            if inv.amount_msat.is_none() {
                out.push_str(" The invoice leaves the amount to the payer.");
            }
            if inv.network.is_test() {
                out.push_str(&format!(
                    " It is a {} invoice: pay it with a wallet on that network.",
                    inv.network.display()
                ));
            }
        }
        _ => {}
    }
    out
}

/// Fills `d` for a refused credential; `rechallenged`: the answer carries a new challenge.
fn rejected(d: &mut Diagnosis, scheme: &str, credential: &str, rechallenged: bool) {
    if rechallenged {
        d.confidence = Confidence::High;
    }
    d.summary = "L402: the credential was refused".into();
    let mut explanation = format!(
        "The request already carried an `Authorization: {scheme} …` credential and the server \
         answered {} again, so it did not accept the token and preimage.",
        d.status
    );
    let problem = credential_problem(credential);
    match problem {
        Some(p) => explanation.push_str(&format!(" The credential is malformed: {p}.")),
        None => explanation.push_str(
            " Usual reasons: the preimage is not the one for the invoice tied to this token \
             (a different or unpaid invoice), the token belongs to another challenge or \
             service, or it has expired.",
        ),
    }
    if rechallenged {
        explanation.push_str(" The server sent a new challenge with this answer.");
    }
    d.explanation = explanation;
    let mut steps = vec![Step::text(
        "Check the credential: the token exactly as the challenge gave it, a ':' and the \
         64-hex-character preimage your wallet returned for that challenge's invoice.",
    )
    .with_snippet(format!("Authorization: {scheme} <token>:<preimage hex>"))];
    steps.push(Step::text(
        "Check in your wallet that the invoice was actually paid and that the preimage \
         matches its payment hash before paying again.",
    ));
    if rechallenged {
        let amount = d
            .payment
            .as_ref()
            .and_then(|t| t.amount.as_deref())
            .map(|a| format!(" ({a} sat)"))
            .unwrap_or_default();
        steps.push(Step::text(format!(
            "If the earlier payment did not go through, pay the new invoice{amount} and retry \
             with the new token and its preimage."
        )));
    }
    d.steps = steps;
}

#[cfg(test)]
mod tests;
