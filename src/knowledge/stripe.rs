//! Stripe error objects (`{"error": {type, code, decline_code, advice_code, message, doc_url, …}}`),
//! explained from `stripe_declines.json`: what each decline code means, whether to retry, whether
//! to hide the reason from the customer, and what merchant and customer should do.
//!
//! Stripe is recognised by its host, or by the error's shape when a proxy or the merchant's own
//! backend passes the object through.

use serde_json::Value;

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Step};
use crate::core::observed::Observed;

// `stripe_declines.json`, validated and rendered by `build.rs`: `TABLE`.
include!(concat!(env!("OUT_DIR"), "/stripe_declines.rs"));

/// Whether retrying the same payment can work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryAdvice {
    /// The same card will be declined again.
    Never,
    /// Only after the customer corrects something or authenticates.
    AfterFix,
    /// A later retry may succeed; not immediately.
    Later,
    /// A technical failure: retrying once is reasonable.
    Now,
}

/// What one code means and what to do about it.
#[derive(Debug)]
pub struct CodeInfo {
    /// `None` means `payment_declined`.
    pub cause: Option<Cause>,
    pub meaning: &'static str,
    pub retry: RetryAdvice,
    /// Next step for the merchant.
    pub merchant: &'static str,
    /// What to tell the customer (decline codes only).
    pub customer: Option<&'static str>,
    /// Stripe asks merchants not to reveal this reason to the customer.
    pub hide: bool,
    /// A decline code of a local payment method (wallets, bank debits), not a card.
    pub local_payment_method: bool,
}

/// Code to meaning, per kind of code; an advice code to its step.
struct Table {
    declines: &'static [(&'static str, CodeInfo)],
    codes: &'static [(&'static str, CodeInfo)],
    advice: &'static [(&'static str, &'static str)],
}

fn find<T>(table: &'static [(&'static str, T)], code: &str) -> Option<&'static T> {
    table.iter().find(|(k, _)| *k == code).map(|(_, v)| v)
}

/// A `decline_code` (card or local payment method).
pub fn decline(code: &str) -> Option<&'static CodeInfo> {
    find(TABLE.declines, code)
}

/// An error `code` (the field next to `decline_code`).
pub fn error_code(code: &str) -> Option<&'static CodeInfo> {
    find(TABLE.codes, code)
}

/// The step an `advice_code` adds.
pub fn advice(code: &str) -> Option<&'static str> {
    find(TABLE.advice, code).copied()
}

const ERROR_TYPES: [&str; 4] = [
    "card_error",
    "invalid_request_error",
    "api_error",
    "idempotency_error",
];

/// What a customer is told when the real reason must stay hidden.
const GENERIC_CUSTOMER_MESSAGE: &str =
    "Your card was declined. Please contact your card issuer or use a different payment method.";

const DECLINES_DOC: &str = "https://docs.stripe.com/declines/codes";

struct StripeError {
    kind: Option<String>,
    code: Option<String>,
    decline_code: Option<String>,
    advice_code: Option<String>,
    message: Option<String>,
    doc_url: Option<String>,
    request_log_url: Option<String>,
}

impl StripeError {
    /// The error's fields, each read by `field` from its key.
    fn from_fields(field: impl Fn(&str) -> Option<String>) -> StripeError {
        StripeError {
            kind: field("type"),
            code: field("code"),
            decline_code: field("decline_code"),
            advice_code: field("advice_code"),
            message: field("message"),
            doc_url: field("doc_url"),
            request_log_url: field("request_log_url"),
        }
    }

    fn read(json: &Value) -> Option<StripeError> {
        let err = json.get("error").filter(|e| e.is_object())?;
        // Strings only: a number or object where Stripe sends a string is not Stripe's.
        let field = |k: &str| {
            err.get(k)
                .and_then(Value::as_str)
                .filter(|s| !s.trim().is_empty())
                .map(str::to_string)
        };
        Some(StripeError::from_fields(field))
    }

    /// The error as a log or an SDK printed it (`decline_code: insufficient_funds`,
    /// `decline_code: 'insufficient_funds'`, `"decline_code" => "…"`): each field read after its
    /// own key, never guessed from other words. Only when a Stripe-only key is there.
    fn read_text(obs: &Observed) -> Option<StripeError> {
        if !obs.body_lower.contains("decline_code") {
            return None;
        }
        let text = obs.body_text();
        let field =
            |k: &str| super::processors::text_field(text, k, k == "message").map(str::to_string);
        Some(StripeError::from_fields(field))
            .filter(|e| e.decline_code.is_some())
            .map(|mut e| {
                // Prints often drop `type`; Stripe sends `decline_code` with card errors.
                e.kind.get_or_insert_with(|| "card_error".into());
                e
            })
    }

    /// True when the object is shaped like Stripe's and carries a Stripe-only trace.
    fn looks_like_stripe(&self, obs: &Observed) -> bool {
        let typed = self
            .kind
            .as_deref()
            .is_some_and(|t| ERROR_TYPES.contains(&t));
        if !typed {
            return false;
        }
        let stripe_url =
            |u: &Option<String>| u.as_deref().is_some_and(|u| u.contains("stripe.com/"));
        let known_code = self
            .code
            .as_deref()
            .is_some_and(|c| error_code(c).is_some() || decline(c).is_some());
        let req_id = obs
            .header("request-id")
            .is_some_and(|v| v.starts_with("req_"));
        stripe_url(&self.doc_url)
            || stripe_url(&self.request_log_url)
            || self.decline_code.is_some()
            || self.kind.as_deref() == Some("card_error")
            || (req_id && known_code)
    }
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let err = match &obs.json {
        Some(json) => StripeError::read(json)?,
        None => StripeError::read_text(obs)?,
    };
    let on_host = obs.host_is("stripe.com");
    if !(on_host || err.looks_like_stripe(obs)) {
        return None;
    }
    let card_error = err.kind.as_deref() == Some("card_error");
    // Other Stripe errors (a 400 validation error, a 401 bad key, a 429 API rate limit) are not
    // payment problems.
    if !(obs.status == 402 || (card_error && obs.status >= 400)) {
        return None;
    }
    let info = err.info();
    let (cause, confidence) = match &info {
        Some(i) => (i.cause.unwrap_or(Cause::PaymentDeclined), Confidence::High),
        None if card_error || err.decline_code.is_some() => {
            (Cause::PaymentDeclined, Confidence::Medium)
        }
        // Nothing Stripe-specific to explain: the provider entry and the heuristics answer.
        None => return None,
    };

    let mut d = Diagnosis::new(cause, confidence, obs.status);
    d.provider = Some("stripe".into());
    d.provider_name = Some("Stripe".into());
    evidence(&mut d, obs, &err, on_host);
    let shown_code = err.shown_code();
    d.summary = if shown_code.is_empty() {
        format!("Stripe: {}", cause.plain())
    } else {
        format!(
            "Stripe: {} ({})",
            cause.plain(),
            crate::core::evidence::truncate(shown_code, 60)
        )
    };
    d.explanation = explanation(info, &err);
    d.steps = steps(info, &err, shown_code);
    if let Some(url) = &err.doc_url {
        d.docs_url = Some(url.clone());
    }
    Some(d)
}

impl StripeError {
    /// What the codes mean: the decline reason, unless the error code is a rate limit, which
    /// outranks it (the card is blocked from further attempts).
    fn info(&self) -> Option<&'static CodeInfo> {
        let code_info = self.code.as_deref().and_then(error_code);
        let decline_info = self
            .decline_code
            .as_deref()
            .or(self.code.as_deref())
            .and_then(decline);
        match (code_info, decline_info) {
            (Some(c), _) if c.cause == Some(Cause::RateLimited) => Some(c),
            (_, Some(d)) => Some(d),
            (c, None) => c,
        }
    }

    /// The code the summary names: the decline code, else the error code.
    fn shown_code(&self) -> &str {
        self.decline_code
            .as_deref()
            .or(self.code.as_deref())
            .unwrap_or("")
    }
}

/// The host (when it is Stripe's), the error object's fields and the request id.
fn evidence(d: &mut Diagnosis, obs: &Observed, err: &StripeError, on_host: bool) {
    if on_host {
        if let Some(h) = &obs.host {
            d.evidence.push(Evidence::host(h));
        }
    }
    for (path, value) in [
        ("error.type", &err.kind),
        ("error.code", &err.code),
        ("error.decline_code", &err.decline_code),
        ("error.advice_code", &err.advice_code),
        ("error.message", &err.message),
    ] {
        if let Some(v) = value {
            d.evidence.push(Evidence::body(path, v));
        }
    }
    if let Some(v) = obs.header("request-id") {
        d.evidence.push(Evidence::header("request-id", v));
    }
}

fn explanation(info: Option<&CodeInfo>, err: &StripeError) -> String {
    let mut text = match info {
        Some(i) => i.meaning.to_string(),
        None => "Stripe could not complete the payment (402 Request Failed): the parameters were valid but the charge did not go through.".to_string(),
    };
    if info.is_some_and(|i| i.hide) {
        text.push_str(" Stripe asks merchants not to reveal this reason to the customer: present it as an ordinary decline.");
    }
    if info.is_some_and(|i| i.local_payment_method) {
        text.push_str(" This code comes from a local payment method (wallet or bank), not a card.");
    }
    if let Some(advice) = err.advice_code.as_deref() {
        text.push_str(&format!(" The issuer's advice code is {advice}."));
    }
    text
}

fn steps(info: Option<&CodeInfo>, err: &StripeError, shown_code: &str) -> Vec<Step> {
    let doc = err.doc_url.clone().unwrap_or_else(|| DECLINES_DOC.into());
    let mut steps = Vec::new();
    match info {
        Some(i) => {
            steps.push(Step::text(format!("Merchant: {}", i.merchant)).with_link(doc));
            if i.hide {
                steps.push(Step::text(format!(
                    "Do not tell the customer the real reason ({shown_code}): show only a generic decline, e.g. \"{GENERIC_CUSTOMER_MESSAGE}\""
                )));
            } else if let Some(msg) = i.customer {
                steps.push(Step::text(format!("Tell the customer: \"{msg}\"")));
            }
            steps.push(Step::text(retry_text(i.retry)));
        }
        None => {
            steps.push(
                Step::text("Merchant: read the error code and message, and ask the customer for another payment method if the card was declined.")
                    .with_link(doc),
            );
        }
    }
    if let Some(text) = err.advice_code.as_deref().and_then(advice) {
        steps.push(Step::text(format!("Issuer advice: {text}")));
    }
    if let Some(url) = &err.request_log_url {
        steps.push(
            Step::text("Open this request in the Stripe dashboard logs for the full details.")
                .with_link(url.clone()),
        );
    }
    steps
}

fn retry_text(retry: RetryAdvice) -> &'static str {
    match retry {
        RetryAdvice::Never => "Do not retry this payment method automatically: the same payment will be declined again.",
        RetryAdvice::AfterFix => "Retry only after the customer has corrected the details or completed the required step.",
        RetryAdvice::Later => "A later retry may succeed, but do not retry in a tight loop.",
        RetryAdvice::Now => "Retrying once is reasonable: the failure is usually temporary.",
    }
}

#[cfg(test)]
mod tests;
