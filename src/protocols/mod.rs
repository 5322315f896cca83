//! Pay-per-request protocols that state their terms on the wire, and what CORS lets a page see.

use crate::core::diagnosis::Diagnosis;
use crate::core::observed::Observed;

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
