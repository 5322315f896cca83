//! What to say and do for each cause when nothing more specific is known. For `unknown`, the five
//! generic checks from the 402 troubleshooting guide, each with what to look for.

use crate::core::diagnosis::{Cause, Step};

/// The fix steps for `cause`, in order.
pub fn steps(cause: Cause) -> Vec<Step> {
    let texts: &[&str] = match cause {
        Cause::PaymentMethodMissing => &[
            "Open the provider's billing page and add a card or other payment method for the account (or organisation) the API key belongs to.",
            "If you added one moments ago, wait a few minutes: billing changes can take a while to reach the API.",
            "Retry the request; a new API key is not needed.",
        ],
        Cause::InsufficientBalance => &[
            "Open the provider's billing page and buy credits or top up the balance (or turn on auto-reload).",
            "Check the key belongs to the account or organisation you topped up: credits are not shared between accounts.",
            "Retrying without adding credits fails the same way; a new API key does not help.",
        ],
        Cause::PlanLimitReached => &[
            "Check your plan's usage page: a monthly, daily or spending limit has been reached.",
            "Upgrade the plan or raise the spending limit, or wait for the limit to reset.",
            "Reduce usage until then (fewer or smaller requests, a cheaper model or tier).",
        ],
        Cause::PaymentDeclined => &[
            "The card issuer or payment processor refused the payment: use another card or payment method, or ask the card holder to contact their bank.",
            "Check the card details (number, expiry date, CVC, billing address) were entered correctly.",
            "Do not retry the same card over and over: repeated declines can get the card or account blocked.",
        ],
        Cause::PaymentProcessingError => &[
            "The payment failed for technical reasons, not because of the card: retry once after a short wait.",
            "If it keeps failing, check the processor's status page and contact its support with the request ID.",
        ],
        Cause::RateLimited => &[
            "Wait before retrying: the limit is temporary. Honour Retry-After or the rate-limit reset headers when present.",
            "Retry with exponential backoff and lower concurrency.",
            "If you hit it often, ask the provider for a higher limit or move to a plan with one.",
        ],
        Cause::AccountSuspended => &[
            "The account, project or deployment was disabled for billing reasons: the owner must sign in and settle the outstanding balance or resolve the usage limit.",
            "Once billing is in order, re-enable or redeploy if the provider does not do it automatically.",
            "Visitors of a disabled site can only contact its owner.",
        ],
        Cause::PaymentChallenge => &[
            "The server asks for a payment for this request: read the terms it offers, pay with a client that supports the protocol, and retry with the payment proof.",
        ],
        Cause::PaymentRejected => &[
            "A payment was sent but refused: read the reason, fix it (funds, signature, expiry, network) and build a fresh payment for a new challenge.",
        ],
        Cause::Unknown => &[
            "Verify the payment information: is a payment method on file, valid, not expired, with a correct billing address? Look on the provider's billing page for a warning banner.",
            "Check subscription and usage limits: look at the plan's usage or quota page for a limit that has been reached (monthly requests, credits, spending cap).",
            "Confirm payment processing works: look for failed or pending invoices and declined charges in the billing history, or an email about a failed payment.",
            "Check rate limits: compare your request rate with the documented limits and look for rate-limit headers (Retry-After, X-RateLimit-*) on the response.",
            "Review the API configuration: is the right API key, account, organisation, project and endpoint in use? A key from an unfunded account gives the same error.",
        ],
    };
    texts.iter().map(|t| Step::text(*t)).collect()
}

/// A few sentences on what the cause means.
pub fn explanation(cause: Cause) -> &'static str {
    match cause {
        Cause::PaymentMethodMissing => {
            "The service needs a payment method (usually a card) on the account before it serves this request. Nothing is wrong with the request itself."
        }
        Cause::InsufficientBalance => {
            "The account's prepaid credits or balance are used up (or too low for this request). Requests keep failing until credits are added; retrying or creating a new key does not help."
        }
        Cause::PlanLimitReached => {
            "A limit of the account's plan has been reached: a monthly, daily or spending cap, or a quota. It lifts when the period resets or when the plan or cap is raised."
        }
        Cause::PaymentDeclined => {
            "A payment was attempted and refused by the card issuer, the bank or the processor's fraud checks."
        }
        Cause::PaymentProcessingError => {
            "A payment could not be completed because of a technical failure at the processor or the issuer, not because of the card or the account. A retry usually works."
        }
        Cause::RateLimited => {
            "Too many requests (or too much spending in flight) in a short time. The condition is temporary: waiting and retrying succeeds."
        }
        Cause::AccountSuspended => {
            "The account, shop, project or deployment has been disabled, typically because of an unpaid bill or exceeded usage limits. Only the owner can resolve it."
        }
        Cause::PaymentChallenge => {
            "The server asks for payment before it serves this request and states its terms on the wire."
        }
        Cause::PaymentRejected => {
            "A payment was sent with the request but the server refused it."
        }
        Cause::Unknown => {
            "The server answered 402 Payment Required without saying why. 402 usually means a billing problem with the account (no payment method, no credits, a plan limit, a failed payment), but some APIs use it for other things."
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_cause_has_steps_and_an_explanation() {
        for cause in Cause::ALL {
            assert!(!steps(cause).is_empty(), "{cause:?}");
            assert!(!explanation(cause).is_empty(), "{cause:?}");
        }
    }

    #[test]
    fn unknown_has_the_five_guide_checks_without_the_vendor_pitch() {
        let s = steps(Cause::Unknown);
        assert_eq!(s.len(), 5);
        assert!(s[0].text.starts_with("Verify the payment information"));
        assert!(s[3].text.contains("rate limits"));
        assert!(s.iter().all(|s| !s.text.contains("APIPark")));
    }
}
