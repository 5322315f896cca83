//! stripe_declines.json: Stripe's decline codes, error codes and advice codes, rendered as the
//! `Table` of src/knowledge/stripe.rs.

use serde::Deserialize;

use super::literals::{list, opt, opt_cause, variant, Entries};

/// `stripe::RetryAdvice`.
const RETRY: [&str; 4] = ["never", "after_fix", "later", "now"];

#[derive(Deserialize)]
pub(crate) struct StripeFile {
    declines: Entries<CodeDef>,
    codes: Entries<CodeDef>,
    advice: Entries<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeDef {
    cause: Option<String>,
    meaning: String,
    retry: String,
    merchant: String,
    customer: Option<String>,
    #[serde(default)]
    hide: bool,
    #[serde(default)]
    local_payment_method: bool,
}

pub(crate) fn render(file: StripeFile) -> Result<String, String> {
    let codes = |name: &str, entries: &Entries<CodeDef>| -> Result<String, String> {
        let mut out = Vec::new();
        for (code, c) in &entries.0 {
            let at = format!("{name}.{code}");
            if c.customer.as_deref() == Some("") {
                return Err(format!("{at}: empty customer"));
            }
            out.push(format!(
                "({code:?}, CodeInfo {{ cause: {}, meaning: {:?}, retry: {}, merchant: {:?}, customer: {}, hide: {}, local_payment_method: {} }})",
                opt_cause(&c.cause, &at)?,
                c.meaning,
                variant("RetryAdvice", &RETRY, &c.retry, &at)?,
                c.merchant,
                opt(&c.customer),
                c.hide,
                c.local_payment_method,
            ));
        }
        Ok(format!("&[\n{}]", out.join(",\n")))
    };
    let advice = list(&file.advice.0, |(code, text)| {
        format!("({code:?}, {text:?})")
    });
    Ok(format!(
        "static TABLE: Table = Table {{ declines: {}, codes: {}, advice: {advice} }};\n",
        codes("declines", &file.declines)?,
        codes("codes", &file.codes)?,
    ))
}
