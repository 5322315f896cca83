//! Links named for where they go, and for who said so: a link from the knowledge data may carry
//! the provider's name; a URL the server sent is shown as "from the response" with its host,
//! clickable only when https (see `core::provenance`).

use web_sys::Element;

use super::dom::{Builder, R};
use crate::core::diagnosis::Diagnosis;
use crate::core::provenance::{host, is_https};

/// Renders the link to `url` with a label saying where it goes.
pub fn draw(b: &Builder, parent: &Element, d: &Diagnosis, url: &str, provider: &str) -> R<()> {
    if d.response_links.iter().any(|l| l == url) {
        let span = b.el(parent, "span", "w-resp-link")?;
        let label = format!("From the response: {}", host(url).unwrap_or("no host"));
        if is_https(url) {
            b.link(&span, url, &label)?;
        } else {
            b.text(&span, "span", "", &label)?;
            b.append(&span, " ")?;
            b.text(&span, "code", "", url)?;
        }
        return Ok(());
    }
    b.link(parent, url, &label(d, url, provider))
}

/// "Stripe billing page", "Error docs", "GitHub: coinbase/x402", "docs.cdp.coinbase.com".
fn label(d: &Diagnosis, url: &str, provider: &str) -> String {
    let owned = |what: &str| {
        if provider.is_empty() {
            let mut s = what.to_string();
            if let Some(first) = s.get(..1) {
                s.replace_range(..1, &first.to_ascii_uppercase());
            }
            s
        } else {
            format!("{provider} {what}")
        }
    };
    if d.billing_url.as_deref() == Some(url) {
        return owned("billing page");
    }
    // A provider's error docs; a protocol's "docs" is its spec, named by where it is.
    if d.docs_url.as_deref() == Some(url) && !provider.is_empty() {
        return owned("error docs");
    }
    let h = host(url).unwrap_or(url);
    let path = url
        .split_once("://")
        .and_then(|(_, rest)| rest.split_once('/'))
        .map_or("", |(_, p)| p.split(['?', '#']).next().unwrap_or(""));
    if h.eq_ignore_ascii_case("github.com") {
        let repo: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).take(2).collect();
        if !repo.is_empty() {
            return format!("GitHub: {}", repo.join("/"));
        }
    }
    if h.contains("faucet") {
        return format!("Test-funds faucet ({h})");
    }
    let h = h.strip_prefix("www.").unwrap_or(h);
    if h.starts_with("docs.") || h.starts_with("developers.") || path.contains("docs") {
        return format!("Docs: {h}");
    }
    h.to_string()
}
