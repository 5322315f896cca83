//! Names the provider of a host no knowledge entry covers, from its registrable domain (the part
//! a company registers: `api.fluxrouter.ai` → `fluxrouter.ai`), so a user always sees whose bill
//! it is.
//!
//! The public suffix list proper is 260 KB gzipped as compiled code (`psl` crate, measured), more
//! than the whole extension's budget. This keeps its two rules that matter for API hosts: a
//! country code top-level domain with a generic second level (`co.uk`, `com.au`) is a suffix, and
//! so is every customer-app domain in `providers.json` (`vercel.app`, `herokuapp.com`, which the
//! list's private section has too). `tests/registrable_domain.rs` checks the result against the
//! `psl` crate for every host in the fixtures and a sample of real API hosts.

use super::{items, providers};
use crate::core::observed::host_matches;

/// Second-level labels registries use under country codes (`co.uk`, `com.br`, `ne.jp`).
const GENERIC_SECOND_LEVEL: &[&str] = &[
    "ac", "co", "com", "edu", "gen", "go", "gob", "gov", "gv", "info", "ltd", "me", "mil", "ne",
    "net", "nic", "nom", "or", "org", "plc", "sch",
];

/// Top-level names that are never a provider: reserved for documentation, tests and local use
/// (RFC 2606, RFC 6761), and intranet names.
const RESERVED_TLD: &[&str] = &[
    "example",
    "home",
    "internal",
    "invalid",
    "lan",
    "local",
    "localdomain",
    "localhost",
    "test",
];

/// The registrable domain of `host` (lowercase), or `None` for IP addresses, single labels,
/// reserved names and bare suffixes.
pub fn registrable(host: &str) -> Option<String> {
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    let valid = |l: &str| {
        !l.is_empty() && l.len() <= 63 && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    let labels: Vec<&str> = host.split('.').collect();
    if labels.len() < 2 || labels.len() > 127 || !labels.iter().all(|l| valid(l)) {
        return None;
    }
    let tld = labels[labels.len() - 1];
    if tld.bytes().all(|b| b.is_ascii_digit()) || RESERVED_TLD.contains(&tld) {
        return None;
    }
    let second = labels[labels.len() - 2];
    if matches!(second, "example") && labels.len() == 2 {
        return None;
    }
    // The suffix: a customer-app domain (longest first), else a generic second level under a
    // country code, else the top-level name.
    let app_suffix = providers::all()
        .iter()
        .flat_map(|p| items(p.app_hosts))
        .filter(|d| host_matches(&host, d))
        .map(|d| d.split('.').count())
        .max();
    let suffix_len = app_suffix.unwrap_or_else(|| {
        if tld.len() == 2 && GENERIC_SECOND_LEVEL.contains(&second) {
            2
        } else {
            1
        }
    });
    if labels.len() <= suffix_len {
        return None;
    }
    let domain = labels[labels.len() - suffix_len - 1..].join(".");
    // Documentation domains (`example.com`, `example.co.uk`) name nobody.
    if domain.split('.').next() == Some("example") {
        return None;
    }
    Some(domain)
}

/// A readable name for a registrable domain: its first label with words capitalised
/// (`fluxrouter.ai` → `Fluxrouter`, `my-llm.dev` → `My Llm`).
pub fn display_name(domain: &str) -> String {
    let label = domain.split('.').next().unwrap_or(domain);
    label
        .split('-')
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            match c.next() {
                Some(f) => f.to_ascii_uppercase().to_string() + c.as_str(),
                None => String::new(),
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A stable id for a domain-named provider, in the catalog's style (lowercase letters and
/// digits): its first label without hyphens (`fluxrouter.ai` → `fluxrouter`).
pub fn provider_id(domain: &str) -> String {
    domain
        .split('.')
        .next()
        .unwrap_or(domain)
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registrable_domains() {
        for (host, want) in [
            ("api.fluxrouter.ai", Some("fluxrouter.ai")),
            ("fluxrouter.ai", Some("fluxrouter.ai")),
            ("API.Example.co.uk.", None),
            ("api.shop.co.uk", Some("shop.co.uk")),
            ("a.b.c.example.com", None),
            ("localhost", None),
            ("127.0.0.1", None),
            ("oneapi.example.invalid", None),
            ("my-app.vercel.app", Some("my-app.vercel.app")),
            ("x.my-app.herokuapp.com", Some("my-app.herokuapp.com")),
            ("vercel.app", None),
            ("co.uk", None),
            ("bad_host.com", None),
            ("", None),
        ] {
            assert_eq!(registrable(host).as_deref(), want, "{host}");
        }
    }

    #[test]
    fn names_and_ids() {
        assert_eq!(display_name("fluxrouter.ai"), "Fluxrouter");
        assert_eq!(display_name("my-llm.co.uk"), "My Llm");
        assert_eq!(provider_id("my-llm.co.uk"), "myllm");
    }
}
