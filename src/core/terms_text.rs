//! Payment terms as text, in one place for every reader: labelled lines for the CLI's text
//! output, the Markdown report and the console line ([`lines`]); the phrases the protocol
//! explanations build sentences from ([`price`], [`amount`], [`network`], [`offer_price`]); and
//! the short forms of the extension UI ([`brief_amount`], [`brief_price`]).

use super::diagnosis::PaymentTerms;
use super::evidence::{cat, truncate};

/// Payment terms as labelled plain-text lines (shared with the CLI's text output).
pub fn lines(t: &PaymentTerms) -> Vec<(&'static str, String)> {
    let mut lines = Vec::new();
    let amount = match (&t.amount, &t.asset) {
        (Some(a), Some(asset)) => Some(format!("{a} {asset}")),
        (Some(a), None) => Some(a.clone()),
        (None, _) => None,
    };
    let amount = match (amount, &t.amount_atomic) {
        (Some(a), Some(atomic)) => Some(format!("{a} ({atomic} in the smallest unit)")),
        (None, Some(atomic)) => Some(format!("{atomic} in the smallest unit")),
        (a, None) => a,
    };
    if let Some(a) = amount {
        lines.push(("Amount", a));
    }
    if t.amount.is_none() {
        if let Some(asset) = &t.asset {
            lines.push(("Asset", asset.clone()));
        }
    }
    if let Some(id) = &t.asset_id {
        lines.push(("Asset id", id.clone()));
    }
    let network = match (&t.network, &t.network_id) {
        (Some(n), Some(id)) if n != id => Some(format!("{n} ({id})")),
        (Some(n), _) => Some(n.clone()),
        (None, Some(id)) => Some(id.clone()),
        (None, None) => None,
    };
    if let Some(mut n) = network {
        if t.testnet == Some(true) {
            n.push_str(", a test network");
        }
        lines.push(("Network", n));
    }
    let fields: [(&'static str, &Option<String>); 6] = [
        ("Scheme", &t.scheme),
        ("Pay to", &t.pay_to),
        ("Resource", &t.resource),
        ("Description", &t.description),
        ("Created", &t.created_at),
        ("Invoice", &t.invoice),
    ];
    for (label, value) in fields {
        if let Some(v) = value {
            lines.push((label, v.clone()));
        }
    }
    if let Some(e) = &t.expires_at {
        let note = if t.expired == Some(true) {
            " (already expired)"
        } else {
            ""
        };
        lines.push(("Expires", format!("{e}{note}")));
    }
    if let Some(s) = t.max_timeout_seconds {
        lines.push(("Time to pay", format!("{s} seconds")));
    }
    if let Some(h) = &t.payment_hash {
        lines.push(("Payment hash", h.clone()));
    }
    lines
}

/// "0.01 USDC on Base Sepolia (eip155:84532)", with whatever is known.
pub fn price(t: &PaymentTerms) -> String {
    let mut out = amount(t).unwrap_or_else(|| "an unstated amount".to_string());
    if let Some(n) = network(t) {
        out.push_str(" on ");
        out.push_str(&n);
    }
    out
}

/// The amount in words: "0.01 USDC", "10000 atomic units of 0xabc…", `None` when unstated.
pub fn amount(t: &PaymentTerms) -> Option<String> {
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

pub fn network(t: &PaymentTerms) -> Option<String> {
    Some(match (&t.network, &t.network_id) {
        (Some(n), Some(id)) if n != id => cat(&[n, " (", id, ")"]),
        (_, Some(id)) => cat(&["network ", id]),
        (Some(n), None) => n.clone(),
        (None, None) => return None,
    })
}

/// `10 USD`, `100 sat`, or the atomic amount with the token when decimals are unknown.
pub fn offer_price(t: &PaymentTerms) -> Option<String> {
    match (&t.amount, &t.asset, &t.amount_atomic, &t.asset_id) {
        (Some(a), Some(asset), _, _) => Some(format!("{a} {asset}")),
        (None, _, Some(atomic), Some(id)) => {
            Some(format!("{atomic} base units of {}", truncate(id, 24)))
        }
        _ => None,
    }
}

/// `0.01 USDC`, else the atomic amount with its unit named.
pub fn brief_amount(t: &PaymentTerms) -> Option<String> {
    let (mut s, human) = match (&t.amount, &t.amount_atomic) {
        (Some(a), _) => (a.clone(), true),
        (None, Some(a)) => (a.clone(), false),
        (None, None) => return None,
    };
    if let Some(asset) = t.asset.as_deref().or(t.asset_id.as_deref()) {
        s.push(' ');
        s.push_str(asset);
    }
    if !human {
        s.push_str(" (smallest units)");
    }
    Some(s)
}

/// What the UI shows for an option in a line: `0.01 USDC on Base`, either half alone, or empty.
pub fn brief_price(t: &PaymentTerms) -> String {
    let mut s = brief_amount(t).unwrap_or_default();
    if let Some(n) = t.network.as_deref().or(t.network_id.as_deref()) {
        if !s.is_empty() {
            s.push_str(" on ");
        }
        s.push_str(n);
    }
    s
}
