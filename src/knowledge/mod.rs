//! What we know about providers and processors, kept as data: `providers.json` (one entry per
//! provider), Stripe's decline codes, the phrases the generic heuristics look for, and the
//! generic steps from the 402 troubleshooting guide.

use crate::core::diagnosis::{Cause, Diagnosis};
use crate::core::observed::Observed;

pub mod chains;
pub mod domain;
pub mod generic;
pub mod heuristics;
pub mod processors;
pub mod providers;
pub mod stripe;

/// Structured processor errors first (Stripe, then the others' vocabularies), then provider
/// rules, then keyword heuristics, which name the provider from the host's domain when no
/// knowledge entry does.
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    stripe::detect(obs)
        .or_else(|| processors::detect(obs))
        .or_else(|| providers::detect(obs))
        .or_else(|| {
            let mut d = heuristics::detect(obs)?;
            name_from_domain(obs, &mut d);
            Some(d)
        })
}

/// Names the provider of an unknown host from its registrable domain, at a confidence below a
/// knowledge match, with a first step that says where to look on that site.
fn name_from_domain(obs: &Observed, d: &mut Diagnosis) {
    let Some(host) = obs.host.as_deref() else {
        return;
    };
    let Some(domain) = providers::registrable(host) else {
        return;
    };
    let name = domain::display_name(&domain);
    d.provider = Some(domain::provider_id(&domain));
    // No knowledge entry: the registrable domain is the evidence for the name.
    d.evidence
        .push(crate::core::diagnosis::Evidence::host(&domain));
    d.confidence = d.confidence.min(crate::core::diagnosis::Confidence::Medium);
    let billing_related = !matches!(d.cause, Cause::RateLimited | Cause::PaymentChallenge);
    if billing_related {
        d.steps.insert(
            0,
            crate::core::diagnosis::Step::text(format!(
                "Sign in at {domain} with the account the request used and open its Billing, Usage or Plan page (often under Settings): look for a missing card, a used-up balance, a reached limit or a suspension."
            )),
        );
    }
    d.provider_name = Some(name);
}

/// A response to `url` with `status` and `body`, for the detectors' tests.
#[cfg(test)]
fn test_exchange(url: &str, status: u16, body: &str) -> crate::core::exchange::Exchange {
    let mut e = crate::core::exchange::Exchange::default();
    e.request.url = url.into();
    e.response.status = status;
    e.response.content.text = Some(body.into());
    e
}

/// `detect` run on [`test_exchange`]`(url, status, body)`, for the detectors' tests.
#[cfg(test)]
fn test_detect(
    detect: fn(&Observed) -> Option<Diagnosis>,
    url: &str,
    status: u16,
    body: &str,
) -> Option<Diagnosis> {
    detect(&Observed::new(&test_exchange(url, status, body), None))
}
