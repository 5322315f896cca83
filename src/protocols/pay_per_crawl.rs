//! Cloudflare pay per crawl: a 402 with `crawler-price: USD 0.01` asks a verified AI crawler to
//! resend with `crawler-exact-price` or `crawler-max-price`, signed with Web Bot Auth. Failures
//! name themselves in `crawler-error`.
//!
//! Decisions on the error codes: the price codes (missing, invalid, too low, conflicting) are a
//! challenge still open, with the specific fix; `PaymentFailed` is a refused payment; the
//! signature codes are only payment-related when a price is on the wire (they also guard free
//! verified-bot access); `CrawlerForbidden` means the owner blocked the crawler, which no payment
//! can change, so it is only reported when a price is involved, as a refused payment whose fix
//! is not paying; `InvalidContentPrice` and `InternalError` are processing errors on Cloudflare's
//! or the owner's side.

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Protocol, Step};
use crate::core::observed::Observed;
use crate::decode::amount::Decimal;

const DOCS: &str = "https://developers.cloudflare.com/ai-crawl-control/features/pay-per-crawl/use-pay-per-crawl-as-ai-owner/";
const ERRORS_DOCS: &str = "https://developers.cloudflare.com/ai-crawl-control/features/pay-per-crawl/use-pay-per-crawl-as-ai-owner/error-codes/";

/// One `crawler-error` code: the cause it maps to, whether it only counts when a price is on
/// the wire, what it means and the fix.
struct ErrorCode {
    code: &'static str,
    cause: Cause,
    needs_price: bool,
    meaning: &'static str,
    fix: &'static str,
}

const ERROR_CODES: &[ErrorCode] = &[
    ErrorCode {
        code: "MissingCrawlerPrice",
        cause: Cause::PaymentChallenge,
        needs_price: false,
        meaning: "the request said nothing about paying",
        fix: "Send `crawler-exact-price` (equal to `crawler-price`) or `crawler-max-price` with the request.",
    },
    ErrorCode {
        code: "InvalidCrawlerExactPrice",
        cause: Cause::PaymentChallenge,
        needs_price: false,
        meaning: "the `crawler-exact-price` sent differs from the page's price",
        fix: "Set `crawler-exact-price` to exactly the `crawler-price` value of the 402.",
    },
    ErrorCode {
        code: "InvalidCrawlerMaxPrice",
        cause: Cause::PaymentChallenge,
        needs_price: false,
        meaning: "the page costs more than the `crawler-max-price` sent",
        fix: "Raise `crawler-max-price` to at least the `crawler-price` value, or skip this page.",
    },
    ErrorCode {
        code: "InvalidCrawlerPriceValue",
        cause: Cause::PaymentChallenge,
        needs_price: false,
        meaning: "the price header sent is not in the `USD 0.01` format",
        fix: "Format the price header as a currency code, a space and a decimal amount: `USD 0.01`.",
    },
    ErrorCode {
        code: "ConflictingPriceHeaders",
        cause: Cause::PaymentChallenge,
        needs_price: false,
        meaning: "both `crawler-exact-price` and `crawler-max-price` were sent",
        fix: "Send only one of `crawler-exact-price` and `crawler-max-price`.",
    },
    ErrorCode {
        code: "PaymentFailed",
        cause: Cause::PaymentRejected,
        needs_price: false,
        meaning: "Cloudflare could not charge the crawler's account",
        fix: "Check the payment setup of your Pay Per Crawl account in the Cloudflare dashboard; contact Cloudflare support if it persists.",
    },
    ErrorCode {
        code: "StrongAuthRequired",
        cause: Cause::PaymentChallenge,
        needs_price: true,
        meaning: "paid crawling needs a Web Bot Auth signature with strong authentication",
        fix: "Sign the request with Web Bot Auth (Ed25519 key registered with Cloudflare).",
    },
    ErrorCode {
        code: "InvalidSignature",
        cause: Cause::PaymentChallenge,
        needs_price: true,
        meaning: "the Web Bot Auth signature headers are missing or incomplete",
        fix: "Send both `Signature-Input` (tag `web-bot-auth`) and `Signature`, plus `Signature-Agent`.",
    },
    ErrorCode {
        code: "CrawlerForbidden",
        cause: Cause::PaymentRejected,
        needs_price: true,
        meaning: "the site owner blocked this crawler; paying cannot unlock the content",
        fix: "Stop requesting this site: the owner blocks your crawler whatever the price.",
    },
    ErrorCode {
        code: "InvalidContentPrice",
        cause: Cause::PaymentProcessingError,
        needs_price: false,
        meaning: "the site's origin returned an invalid price (a site configuration problem)",
        fix: "Try again later or tell the site owner: their origin sends a malformed `crawler-price`.",
    },
    ErrorCode {
        code: "InternalError",
        cause: Cause::PaymentProcessingError,
        needs_price: true,
        meaning: "Cloudflare hit an internal error while handling the paid request",
        fix: "Retry with exponential backoff.",
    },
];

/// `USD 0.01` → (`USD`, `0.01`).
pub fn parse_price(value: &str) -> Option<(String, String)> {
    let mut parts = value.split_whitespace();
    let currency = parts.next()?;
    let amount = parts.next()?;
    if parts.next().is_some()
        || !currency.bytes().all(|b| b.is_ascii_alphabetic())
        || currency.len() != 3
        || Decimal::parse_unsigned(amount).is_none()
    {
        return None;
    }
    Some((currency.to_ascii_uppercase(), amount.to_string()))
}

/// Compares two prices' amounts exactly (no floats).
pub fn cmp_decimal(a: &str, b: &str) -> Option<std::cmp::Ordering> {
    Some(Decimal::parse_unsigned(a)?.cmp(&Decimal::parse_unsigned(b)?))
}

/// The pay-per-crawl headers of one exchange, read once.
struct Wire<'a> {
    price_raw: Option<&'a str>,
    /// `crawler-price` parsed: (currency, amount).
    price: Option<(String, String)>,
    error_raw: Option<&'a str>,
    known_error: Option<&'static ErrorCode>,
    sent_exact: Option<&'a str>,
    sent_max: Option<&'a str>,
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let ex = obs.exchange;
    let price_raw = ex.header("crawler-price");
    let error_raw = ex.header("crawler-error").map(str::trim);
    let w = Wire {
        price_raw,
        price: price_raw.and_then(parse_price),
        error_raw,
        known_error: error_raw
            .and_then(|e| ERROR_CODES.iter().find(|c| c.code.eq_ignore_ascii_case(e))),
        sent_exact: ex.request_header("crawler-exact-price"),
        sent_max: ex.request_header("crawler-max-price"),
    };
    let cause = classify(&w, obs.status)?;
    let confidence = if w.price.is_some() || w.known_error.is_some() {
        Confidence::High
    } else {
        Confidence::Medium
    };
    let mut d = super::new_diagnosis(cause, confidence, obs.status);
    d.protocol = Some(Protocol::PayPerCrawl);
    d.provider = Some("cloudflare".into());
    d.docs_url = Some(
        if w.error_raw.is_some() {
            ERRORS_DOCS
        } else {
            DOCS
        }
        .into(),
    );
    evidence(&mut d, obs, &w);
    if let Some((currency, amount)) = &w.price {
        let t = super::next_terms(&mut d.payment);
        t.scheme = Some("pay-per-crawl".into());
        t.amount = Some(amount.clone());
        t.asset = Some(currency.clone());
        t.asset_id = Some(currency.clone());
        t.resource = Some(crate::core::redact::url(&ex.request.url));
    }
    let offer_notes = offer_notes(&w);
    words(&mut d, &w, &offer_notes);
    steps(&mut d, obs, &w, &offer_notes);
    Some(d)
}

/// The cause, or `None` when the headers are not a pay-per-crawl answer worth reporting.
fn classify(w: &Wire, status: u16) -> Option<Cause> {
    let price_involved = w.price_raw.is_some() || w.sent_exact.is_some() || w.sent_max.is_some();
    Some(match (w.known_error, w.price_raw) {
        (Some(c), _) if c.needs_price && !price_involved => return None,
        (Some(c), _) => c.cause,
        (None, Some(_)) if status == 402 => Cause::PaymentChallenge,
        (None, _) if w.error_raw.is_some() && price_involved && status >= 400 => {
            Cause::PaymentRejected
        }
        _ => return None,
    })
}

fn evidence(d: &mut Diagnosis, obs: &Observed, w: &Wire) {
    if let Some(p) = w.price_raw {
        d.evidence.push(Evidence::header("crawler-price", p));
    }
    if let Some(e) = w.error_raw {
        d.evidence.push(Evidence::header("crawler-error", e));
    }
    for name in [
        "crawler-exact-price",
        "crawler-max-price",
        "signature-agent",
    ] {
        if let Some(v) = obs.exchange.request_header(name) {
            d.evidence.push(Evidence::request_header(name, v));
        }
    }
}

/// What the request offered, against the price.
fn offer_notes(w: &Wire) -> Vec<String> {
    let mut notes = Vec::new();
    if let (Some(max), Some((cur, amount))) = (w.sent_max.and_then(parse_price), &w.price) {
        if &max.0 != cur {
            notes.push(format!(
                "The request's `crawler-max-price` is in {} but the page is priced in {cur}.",
                max.0
            ));
        } else if cmp_decimal(&max.1, amount) == Some(std::cmp::Ordering::Less) {
            notes.push(format!(
                "The request offered at most {} {} (`crawler-max-price`), less than the page's {cur} {amount}.",
                max.0, max.1
            ));
        }
    }
    if let (Some(exact), Some((cur, amount))) = (w.sent_exact.and_then(parse_price), &w.price) {
        if &exact.0 != cur || cmp_decimal(&exact.1, amount) != Some(std::cmp::Ordering::Equal) {
            notes.push(format!(
                "The request's `crawler-exact-price` ({} {}) is not the page's price ({cur} {amount}).",
                exact.0, exact.1
            ));
        }
    }
    if w.sent_exact.is_some() && w.sent_max.is_some() {
        notes.push(
            "The request sent both `crawler-exact-price` and `crawler-max-price`; send one.".into(),
        );
    }
    notes
}

/// The summary and the explanation.
fn words(d: &mut Diagnosis, w: &Wire, offer_notes: &[String]) {
    let price_text = match (&w.price, w.price_raw) {
        (Some((cur, amount)), _) => format!("{cur} {amount}"),
        (None, Some(raw)) => raw.trim().to_string(),
        (None, None) => "the page's price".to_string(),
    };
    d.summary = match (w.known_error, d.cause) {
        (Some(c), _) => format!("Cloudflare pay per crawl: {} ({})", c.code, c.meaning),
        (None, Cause::PaymentChallenge) => {
            format!("Cloudflare pay per crawl: this page costs {price_text} per crawl")
        }
        _ => format!(
            "Cloudflare pay per crawl refused the request ({})",
            w.error_raw.unwrap_or("")
        ),
    };
    d.explanation = format!(
        "The site uses Cloudflare pay per crawl, which charges verified AI crawlers per request (billed through their Cloudflare account).{}{}{}",
        w.price.as_ref().map(|_| format!(" The page's price is {price_text}.")).unwrap_or_default(),
        w.known_error.map(|c| format!(" Cloudflare answered `crawler-error: {}`: {}.", c.code, c.meaning)).unwrap_or_default(),
        if offer_notes.is_empty() { String::new() } else { format!(" {}", offer_notes.join(" ")) },
    );
}

/// The offer's problems, the error code's fix, and for an open challenge how to pay: the price
/// header to send and the Web Bot Auth signature.
fn steps(d: &mut Diagnosis, obs: &Observed, w: &Wire, offer_notes: &[String]) {
    for note in offer_notes {
        d.steps.push(Step::text(note.clone()));
    }
    if let Some(c) = w.known_error {
        d.steps.push(Step::text(c.fix).with_link(ERRORS_DOCS));
    }
    if !matches!(d.cause, Cause::PaymentChallenge) {
        return;
    }
    let exact = w
        .price
        .as_ref()
        .map_or_else(|| "USD 0.01".to_string(), |(c, a)| format!("{c} {a}"));
    d.steps.push(
        Step::text(format!(
            "Resend the request with `crawler-exact-price: {exact}` (must equal `crawler-price`) or a `crawler-max-price` at or above it; success is a 200 with `crawler-charged`."
        ))
        .with_snippet(format!("crawler-exact-price: {exact}")),
    );
    let ex = obs.exchange;
    let signed = ex
        .request_header("signature-input")
        .is_some_and(|v| v.to_ascii_lowercase().contains("web-bot-auth"))
        && ex.request_header("signature").is_some();
    let mut sign = Step::text(
        "Sign the request with Web Bot Auth (RFC 9421 message signatures, Ed25519): `Signature-Agent` (a quoted https URL), `Signature-Input` with `tag=\"web-bot-auth\"` covering at least `@authority` and `signature-agent` (and the price header), and `Signature`. The crawler must be verified with Cloudflare first.",
    )
    .with_link("https://developers.cloudflare.com/bots/reference/bot-verification/web-bot-auth/")
    .with_snippet("Signature-Agent: \"https://crawler.example\"\nSignature-Input: sig1=(\"@authority\" \"signature-agent\" \"crawler-exact-price\");created=…;keyid=\"…\";alg=\"ed25519\";expires=…;tag=\"web-bot-auth\"\nSignature: sig1=:…:");
    if signed {
        sign.text = "The request carried a Web Bot Auth signature: make sure it verifies for a crawler Cloudflare has verified, and that `Signature-Input` also covers the price header you send.".into();
        sign.snippet = None;
    }
    d.steps.push(sign);
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cmp::Ordering;

    #[test]
    fn prices_parse() {
        assert_eq!(parse_price("USD 0.01"), Some(("USD".into(), "0.01".into())));
        assert_eq!(
            parse_price(" usd   3.14 "),
            Some(("USD".into(), "3.14".into()))
        );
        for bad in [
            "",
            "USD",
            "0.01",
            "USD 0.0.1",
            "USD -1",
            "DOLLARS 1",
            "USD 1 extra",
            "USD .",
        ] {
            assert_eq!(parse_price(bad), None, "{bad}");
        }
    }

    #[test]
    fn decimals_compare_exactly() {
        assert_eq!(cmp_decimal("0.005", "0.01"), Some(Ordering::Less));
        assert_eq!(cmp_decimal("0.010", "0.01"), Some(Ordering::Equal));
        assert_eq!(cmp_decimal("10", "9.99"), Some(Ordering::Greater));
        assert_eq!(cmp_decimal("007", "7.0"), Some(Ordering::Equal));
        assert_eq!(cmp_decimal("0.5", "0.51"), Some(Ordering::Less));
        assert_eq!(cmp_decimal("0.510", "0.5"), Some(Ordering::Greater));
        assert_eq!(
            cmp_decimal("99999999999999999999999.1", "99999999999999999999999.09"),
            Some(Ordering::Greater)
        );
        assert_eq!(cmp_decimal("x", "1"), None);
    }

    #[test]
    fn every_error_code_is_distinct() {
        let mut codes: Vec<&str> = ERROR_CODES.iter().map(|c| c.code).collect();
        codes.sort_unstable();
        codes.dedup();
        assert_eq!(codes.len(), ERROR_CODES.len());
    }
}
