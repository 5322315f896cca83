//! Pay-per-request protocols that state their terms on the wire, and what CORS lets a page see.

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, PaymentTerms};
use crate::core::observed::Observed;
use crate::decode::auth_challenge::{self, Challenge};

pub mod cors;
pub mod l402;
pub mod mpp;
pub mod pay_per_crawl;
pub mod x402;
pub mod x402_lint;

/// The first protocol that recognises the exchange, most specific first.
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    x402::detect(obs)
        .or_else(|| mpp::detect(obs))
        .or_else(|| l402::detect(obs))
        .or_else(|| pay_per_crawl::detect(obs))
}

/// `Diagnosis::new`, kept out of line: inlined, its struct literal costs about 200 bytes of wasm
/// at each of the detectors' seven call sites.
#[inline(never)]
pub(crate) fn new_diagnosis(cause: Cause, confidence: Confidence, status: u16) -> Diagnosis {
    Diagnosis::new(cause, confidence, status)
}

/// `PaymentTerms::default()`, kept out of line like [`new_diagnosis`].
#[inline(never)]
pub(crate) fn no_terms() -> PaymentTerms {
    PaymentTerms::default()
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
