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

use super::providers;
use crate::core::observed::host_matches;

/// Second-level labels registries use under country codes (`co.uk`, `com.br`, `ne.jp`).
const GENERIC_SECOND_LEVEL: &str =
    "ac co com edu gen go gob gov gv info ltd me mil ne net nic nom or org plc sch";

/// Top-level names that are never a provider: reserved for documentation, tests and local use
/// (RFC 2606, RFC 6761), and intranet names.
const RESERVED_TLD: &str = "example home internal invalid lan local localdomain localhost test";

/// True when `word` is one of the space-separated words of `list`.
fn listed(list: &str, word: &str) -> bool {
    list.split(' ').any(|w| w == word)
}

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
    if tld.bytes().all(|b| b.is_ascii_digit()) || listed(RESERVED_TLD, tld) {
        return None;
    }
    let second = labels[labels.len() - 2];
    if matches!(second, "example") && labels.len() == 2 {
        return None;
    }
    // The suffix: a customer-app domain (longest first), else a generic second level under a
    // country code, else the top-level name.
    let mut app_suffix = 0;
    for p in providers::all() {
        for d in p.app_hosts {
            if host_matches(&host, d) {
                app_suffix = app_suffix.max(d.split('.').count());
            }
        }
    }
    let suffix_len = if app_suffix > 0 {
        app_suffix
    } else if tld.len() == 2 && listed(GENERIC_SECOND_LEVEL, second) {
        2
    } else {
        1
    };
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

/// A readable name for a registrable domain: its first label, capitalised
/// (`fluxrouter.ai` → `Fluxrouter`).
pub fn display_name(domain: &str) -> String {
    let mut name = domain.split('.').next().unwrap_or(domain).to_string();
    if let Some(first) = name.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    name
}

/// A stable id for a domain-named provider, in the catalog's style (lowercase letters and
/// digits): its first label without hyphens (`fluxrouter.ai` → `fluxrouter`).
pub fn provider_id(domain: &str) -> String {
    domain.split('.').next().unwrap_or(domain).replace('-', "")
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
        assert_eq!(display_name("my-llm.co.uk"), "My-llm");
        assert_eq!(provider_id("my-llm.co.uk"), "myllm");
    }
}
