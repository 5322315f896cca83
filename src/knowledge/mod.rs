//! What we know about providers and processors, kept as data: `providers.json` (one entry per
//! provider), Stripe's decline codes, the phrases the generic heuristics look for, and the
//! generic steps from the 402 troubleshooting guide.

use crate::core::diagnosis::Diagnosis;
use crate::core::observed::Observed;

pub mod chains;
pub mod generic;
pub mod heuristics;
pub mod providers;
pub mod stripe;

/// Structured processor errors first, then provider rules, then keyword heuristics.
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    stripe::detect(obs)
        .or_else(|| providers::detect(obs))
        .or_else(|| heuristics::detect(obs))
}
