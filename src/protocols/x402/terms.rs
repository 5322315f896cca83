//! x402 payment options as the model's payment terms, and how they read in a sentence.

use super::wire::Challenge;

use serde_json::Value;

use crate::core::diagnosis::PaymentTerms;
use crate::core::evidence::cat;
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

/// The amount in words: "0.01 USDC", "10000 atomic units of 0xabc…", `None` when unstated.
pub(super) fn amount_text(t: &PaymentTerms) -> Option<String> {
    let asset = t.asset.as_deref().or(t.asset_id.as_deref());
    let (of, a) = match asset {
        Some(a) => (" of ", a),
        None => ("", ""),
    };
    Some(match (&t.amount, &t.amount_atomic) {
        (Some(a), _) => match (&t.asset, &t.asset_id) {
            (Some(s), _) => cat(&[a, " ", s]),
            (None, Some(id)) => cat(&[a, " of token ", id]),
            (None, None) => a.clone(),
        },
        (None, Some(atomic)) if atomic.bytes().all(|b| b.is_ascii_digit()) => {
            cat(&[atomic, " atomic units", of, a])
        }
        (None, Some(atomic)) => cat(&["`", atomic, "` (not a valid atomic amount)", of, a]),
        (None, None) => cat(&["an unstated amount of ", asset?]),
    })
}

pub(super) fn network_text(t: &PaymentTerms) -> Option<String> {
    Some(match (&t.network, &t.network_id) {
        (Some(n), Some(id)) if n != id => cat(&[n, " (", id, ")"]),
        (_, Some(id)) => cat(&["network ", id]),
        (Some(n), None) => n.clone(),
        (None, None) => return None,
    })
}

/// "0.01 USDC on Base Sepolia (eip155:84532)", with whatever is known.
pub(super) fn price(t: &PaymentTerms) -> String {
    let mut out = amount_text(t).unwrap_or_else(|| "an unstated amount".to_string());
    if let Some(n) = network_text(t) {
        out.push_str(" on ");
        out.push_str(&n);
    }
    out
}
