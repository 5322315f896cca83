//! x402 payment options as the model's payment terms, and how they read in a sentence.

use super::wire::Challenge;

use serde_json::Value;

use crate::core::diagnosis::PaymentTerms;
use crate::core::observed::{json_at, json_str};
use crate::decode::amount;
use crate::knowledge::chains;

pub(super) fn str_field(v: &Value, key: &str) -> Option<String> {
    let s = json_str(v, key)?;
    let s = s.trim();
    if s.is_empty() {
        None
    } else {
        Some(s.to_string())
    }
}

/// Fills `t` from one `accepts[]` option; `top` is the PaymentRequired object (v2 resource
/// lives there).
pub(super) fn fill_terms(t: &mut PaymentTerms, option: &Value, top: &Value) {
    let network_id = str_field(option, "network");
    let network = network_id.as_deref().and_then(chains::network);
    let asset_id = str_field(option, "asset");
    let known = match (&network_id, &asset_id) {
        (Some(n), Some(a)) => chains::asset(n, a),
        _ => None,
    };
    let atomic = str_field(option, "amount").or_else(|| str_field(option, "maxAmountRequired"));
    let decimals = known.map(|a| a.decimals).or_else(|| {
        json_at(option, "extra.decimals")
            .and_then(Value::as_u64)
            .and_then(|d| u32::try_from(d).ok())
    });
    t.amount = match (&atomic, decimals) {
        (Some(a), Some(d)) => amount::atomic_to_human(a, d),
        _ => None,
    };
    t.asset = known
        .map(|a| a.symbol.to_string())
        .or_else(|| asset_id.clone().filter(|a| is_currency_code(a)));
    t.scheme = str_field(option, "scheme");
    t.amount_atomic = atomic;
    t.asset_id = asset_id;
    t.decimals = decimals;
    t.network = network.map(|n| n.name.to_string());
    t.network_id = network_id;
    t.testnet = network.map(|n| n.testnet);
    t.pay_to = str_field(option, "payTo");
    t.resource = str_field(option, "resource").or_else(|| str_field(top, "resource.url"));
    t.description =
        str_field(option, "description").or_else(|| str_field(top, "resource.description"));
    t.max_timeout_seconds = option.get("maxTimeoutSeconds").and_then(Value::as_u64);
}

/// ISO 4217-shaped (`USD`): shown as the asset when no token table knows it.
pub(super) fn is_currency_code(s: &str) -> bool {
    s.len() == 3 && s.bytes().all(|b| b.is_ascii_uppercase())
}

/// Every option's terms into `slot`: the first at the top, the rest as alternatives.
pub(super) fn all_terms(ch: &Challenge, slot: &mut Option<PaymentTerms>) {
    for o in ch.options() {
        fill_terms(crate::protocols::next_terms(slot), o, &ch.json);
    }
}
