//! Pay-per-request protocols that state their terms on the wire, and what CORS lets a page see.

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, PaymentTerms};
use crate::core::observed::Observed;
use crate::decode::auth_challenge::{self, Challenge};

pub mod cors;
pub mod l402;
pub mod mpp;
pub mod pay_per_crawl;
pub mod refusal;
pub mod x402;

/// The first protocol that recognises the exchange, most specific first.
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    x402::detect(obs)
        .or_else(|| mpp::detect(obs))
        .or_else(|| l402::detect(obs))
        .or_else(|| pay_per_crawl::detect(obs))
        .or_else(|| refusal::detect(obs))
}

/// `Diagnosis::new`, kept out of line: inlined, its struct literal costs about 200 bytes of wasm
/// at each of the detectors' seven call sites.
#[inline(never)]
pub(crate) fn new_diagnosis(cause: Cause, confidence: Confidence, status: u16) -> Diagnosis {
    Diagnosis::new(cause, confidence, status)
}

/// `PaymentTerms::default()`, kept out of line like [`new_diagnosis`]. A local bound to it is
/// built in place; for terms that live in a diagnosis, use [`next_terms`].
#[inline(never)]
pub(crate) fn no_terms() -> PaymentTerms {
    PaymentTerms::default()
}

/// Empty terms to fill in place: the top-level terms when `slot` is empty, else a new
/// alternative. `PaymentTerms` is some 200 bytes that wasm copies field by field, so building
/// terms elsewhere and moving them in costs hundreds of bytes of code per site.
#[inline(never)]
pub(crate) fn next_terms(slot: &mut Option<PaymentTerms>) -> &mut PaymentTerms {
    match slot {
        None => slot.insert(no_terms()),
        Some(top) => {
            let alternatives = &mut top.alternatives;
            alternatives.push(no_terms());
            let last = alternatives.len() - 1;
            &mut alternatives[last]
        }
    }
}

/// Evidence for each `WWW-Authenticate` line that carries a challenge `wanted` accepts, as sent.
pub(crate) fn challenge_line_evidence(
    lines: &[&str],
    wanted: fn(&Challenge) -> bool,
) -> Vec<Evidence> {
    let mut evidence = Vec::new();
    for line in lines {
        // A one-line slice iterator: the same `parse` instance the whole header went through.
        let one = auth_challenge::parse(std::slice::from_ref(line).iter().copied());
        if one.iter().any(wanted) {
            evidence.push(Evidence::header("www-authenticate", line));
        }
    }
    evidence
}
