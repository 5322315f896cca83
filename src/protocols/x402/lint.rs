//! Lints for x402 challenges: findings for the developer of the server that sent them. Each
//! finding has a stable code; the checks only speak when the wire shows the problem.

use serde_json::Value;

use crate::core::diagnosis::{Finding, Severity};
use crate::core::exchange::url_host;
use crate::core::observed::{json_at, json_str};
use crate::decode::base64;
use crate::knowledge::chains;

fn finding(code: &str, severity: Severity, message: String, fix: &str) -> Finding {
    Finding {
        code: code.to_string(),
        severity,
        message,
        fix: fix.to_string(),
    }
}

/// Findings about how a base64 JSON header (`PAYMENT-REQUIRED`, `PAYMENT-RESPONSE`) is encoded.
/// `decoded_json`: whether it decoded (leniently) to JSON.
pub fn header_encoding(name: &str, raw: &str, decoded_json: bool) -> Vec<Finding> {
    let mut out = Vec::new();
    if !decoded_json {
        out.push(finding(
            "x402_header_undecodable",
            Severity::Error,
            format!("The {name} header does not decode to JSON, so no x402 client can read it."),
            &format!("Set {name} to standard base64 (RFC 4648 §4, with `=` padding) of the JSON object, e.g. Buffer.from(JSON.stringify(obj)).toString('base64')."),
        ));
    }
    if !raw.is_empty() && !base64::is_strict_standard(raw.trim()) {
        out.push(finding(
            "x402_header_not_standard_base64",
            Severity::Error,
            format!("The {name} header is not strict standard base64 (base64url alphabet, missing padding or stray characters); the reference client rejects anything outside [A-Za-z0-9+/] with `=` padding."),
            "Encode with the standard alphabet and keep the `=` padding (not base64url).",
        ));
    }
    out
}

fn option_str(option: &Value, key: &str) -> Option<String> {
    json_str(option, key).filter(|s| !s.trim().is_empty())
}

/// Hosts where a testnet price is expected: loopback, private and reserved names, and names
/// that say staging or development.
pub fn is_dev_host(host: &str) -> bool {
    const SUFFIXES: &[&str] = &[
        "localhost",
        "test",
        "local",
        "example",
        "invalid",
        "internal",
        "example.com",
        "example.net",
        "example.org",
    ];
    const WORDS: &[&str] = &[
        "localhost",
        "staging",
        "stage",
        "stg",
        "dev",
        "develop",
        "development",
        "test",
        "testing",
        "testnet",
        "sandbox",
        "preview",
        "qa",
        "uat",
        "local",
        "demo",
        "ngrok",
    ];
    let host = host.trim_end_matches('.').to_ascii_lowercase();
    if host == "::1"
        || host == "0.0.0.0"
        || host.starts_with("127.")
        || host.starts_with("10.")
        || host.starts_with("192.168.")
    {
        return true;
    }
    if SUFFIXES
        .iter()
        .any(|s| crate::core::observed::host_matches(&host, s))
    {
        return true;
    }
    host.split(['.', '-']).any(|w| WORDS.contains(&w))
}

const V1_FIELDS: &[&str] = &[
    "scheme",
    "network",
    "maxAmountRequired",
    "asset",
    "payTo",
    "resource",
    "description",
    "maxTimeoutSeconds",
];
const V2_FIELDS: &[&str] = &["scheme", "network", "amount", "asset", "payTo"];

/// Findings about a decoded PaymentRequired object. `host` is the request's host.
pub fn challenge(required: &Value, host: Option<&str>) -> Vec<Finding> {
    let mut out = Vec::new();
    let version = required.get("x402Version").and_then(Value::as_u64);
    let options = super::wire::options(required);
    if options.is_empty() {
        out.push(finding(
            "x402_missing_field",
            Severity::Error,
            "The challenge has no `accepts` options, so there is nothing a client can pay.".into(),
            "List at least one PaymentRequirements object in `accepts`.",
        ));
    }
    if version == Some(2) && option_str(required, "resource.url").is_none() {
        out.push(finding(
            "x402_missing_field",
            Severity::Warning,
            "The v2 challenge has no `resource.url`.".into(),
            "Add `resource: {url, description, mimeType}` at the top level of PaymentRequired.",
        ));
    }

    for (i, option) in options.iter().enumerate() {
        option_findings(&mut out, i, option, required, version);
    }

    // The first known network, and whether every known network is a test network.
    let mut first_network: Option<&chains::Network> = None;
    let mut all_testnet = true;
    for o in &options {
        if let Some(n) = option_str(o, "network").and_then(|n| chains::network(&n)) {
            first_network = first_network.or(Some(n));
            all_testnet &= n.testnet;
        }
    }
    if let (Some(host), Some(first)) = (host, first_network) {
        if all_testnet && !is_dev_host(host) {
            out.push(finding(
                "x402_testnet_on_production_host",
                Severity::Warning,
                format!("{host} looks like a production host but only accepts test-network payments ({}): real users cannot pay, and test tokens are worthless.", first.name),
                "If this is production, switch the price to a mainnet network and asset (e.g. Base `eip155:8453` USDC); otherwise serve it from a staging host.",
            ));
        }
    }

    // One finding per code is enough for the reader; the first says which option. A linear
    // scan: there are a few dozen findings at most, and a hash set costs kilobytes of wasm.
    let mut kept: Vec<Finding> = Vec::new();
    for f in out {
        if !kept.iter().any(|k| k.code == f.code) {
            kept.push(f);
        }
    }
    kept
}

/// The findings about one `accepts[]` option.
fn option_findings(
    out: &mut Vec<Finding>,
    i: usize,
    option: &Value,
    required: &Value,
    version: Option<u64>,
) {
    let network_id = option_str(option, "network");
    let network = network_id.as_deref().and_then(chains::network);
    let cloudflare = network.is_some_and(|n| n.id == "cloudflare:402");
    missing_fields(out, i, option, version, cloudflare);
    if let Some(id) = network_id.as_deref() {
        if version == Some(2) && !id.contains(':') {
            let caip = network
                .map(|n| format!(" (`{}`)", n.id))
                .unwrap_or_default();
            out.push(finding(
                "x402_legacy_network_in_v2",
                Severity::Error,
                format!("accepts[{i}].network is the v1 name `{id}` in a v2 challenge; v2 clients expect a CAIP-2 id."),
                &format!("Use the CAIP-2 network id{caip}."),
            ));
        }
    }
    amount_findings(out, i, option);
    evm_findings(out, i, option, network_id.as_deref(), network);
    if network.is_some_and(|n| n.is_solana()) && option_str(option, "extra.feePayer").is_none() {
        out.push(finding(
            "x402_svm_missing_fee_payer",
            Severity::Error,
            format!("accepts[{i}] is a Solana option without `extra.feePayer`; clients cannot build the transaction the facilitator pays fees for."),
            "Add `extra.feePayer` with the facilitator's fee-payer address (from its /supported endpoint).",
        ));
    }
    let resource = option_str(option, "resource").or_else(|| option_str(required, "resource.url"));
    if let Some(url) = resource {
        let local = url_host(&url).is_some_and(|h| is_dev_host(&h));
        if url
            .get(..7)
            .is_some_and(|p| p.eq_ignore_ascii_case("http://"))
            && !local
        {
            out.push(finding(
                "x402_insecure_resource",
                Severity::Warning,
                format!("The resource URL `{}` is plain http: the payment and the paid content travel unencrypted.", crate::core::evidence::truncate(&url, 120)),
                "Serve the resource over https and put the https URL in `resource`.",
            ));
        }
    }
}

/// Required fields an option lacks for its version.
fn missing_fields(
    out: &mut Vec<Finding>,
    i: usize,
    option: &Value,
    version: Option<u64>,
    cloudflare: bool,
) {
    let required_fields: &[&str] = if version == Some(1) {
        V1_FIELDS
    } else {
        V2_FIELDS
    };
    let mut missing: Vec<&str> = Vec::new();
    for &f in required_fields {
        // Cloudflare may withhold the amount until the crawler is recognised.
        if cloudflare && f == "amount" {
            continue;
        }
        if option
            .get(f)
            .is_none_or(|v| v.is_null() || v.as_str() == Some(""))
        {
            missing.push(f);
        }
    }
    if !missing.is_empty() {
        let hint = if version == Some(2) && option.get("maxAmountRequired").is_some() {
            " (v2 renamed `maxAmountRequired` to `amount`)"
        } else {
            ""
        };
        out.push(finding(
            "x402_missing_field",
            Severity::Error,
            format!(
                "accepts[{i}] lacks required x402 v{} field(s): {}{hint}.",
                version.unwrap_or(2),
                missing.join(", ")
            ),
            &format!("Add {} to every accepts[] entry.", missing.join(", ")),
        ));
    }
}

/// Amounts sent as decimals or JSON numbers.
fn amount_findings(out: &mut Vec<Finding>, i: usize, option: &Value) {
    for key in ["amount", "maxAmountRequired"] {
        let Some(v) = option.get(key) else { continue };
        let text = match v {
            Value::String(s) => s.trim().to_string(),
            Value::Number(n) => n.to_string(),
            _ => continue,
        };
        if text.contains('.') || text.contains(',') || text.contains(['e', 'E']) {
            out.push(finding(
                "x402_decimal_amount",
                Severity::Error,
                format!("accepts[{i}].{key} is `{text}`, a decimal; x402 amounts are integer strings in the asset's smallest unit."),
                "Send the atomic amount as a string: for USDC (6 decimals) $0.01 is \"10000\".",
            ));
        } else if v.is_number() {
            out.push(finding(
                "x402_amount_not_string",
                Severity::Warning,
                format!("accepts[{i}].{key} is a JSON number; x402 amounts are strings (large values lose precision as numbers)."),
                &format!("Quote it: \"{key}\": \"{text}\"."),
            ));
        }
    }
}

/// An EVM `exact` option's EIP-712 domain: present, and the token's own.
fn evm_findings(
    out: &mut Vec<Finding>,
    i: usize,
    option: &Value,
    network_id: Option<&str>,
    network: Option<&chains::Network>,
) {
    let asset_id = option_str(option, "asset");
    let known = match (network_id, &asset_id) {
        (Some(n), Some(a)) => chains::asset(n, a),
        _ => None,
    };
    let scheme = option_str(option, "scheme");
    if network.is_some_and(|n| n.is_evm()) && scheme.as_deref() == Some("exact") {
        let name = option_str(option, "extra.name");
        let ver = option_str(option, "extra.version");
        if name.is_none() || ver.is_none() {
            let want = known
                .and_then(|a| a.eip712_name.as_ref())
                .map(|n| {
                    format!(
                        " (for this token: name \"{n}\"{})",
                        known
                            .and_then(|a| a.eip712_version.as_ref())
                            .map(|v| format!(", version \"{v}\""))
                            .unwrap_or_default()
                    )
                })
                .unwrap_or_default();
            out.push(finding(
                "x402_missing_eip712_domain",
                Severity::Error,
                format!("accepts[{i}] is an EVM `exact` option without `extra.name` and `extra.version`; clients need the token's EIP-712 domain to sign."),
                &format!("Add `extra: {{\"name\": …, \"version\": …}}` with the token contract's EIP-712 domain{want}."),
            ));
        }
        if let (Some(asset), Some(name)) = (known, name.as_deref()) {
            if let Some(want) = asset.eip712_name.filter(|w| *w != name) {
                out.push(finding(
                    "x402_eip712_name_mismatch",
                    Severity::Error,
                    format!("accepts[{i}].extra.name is \"{name}\", but {} on {} signs with EIP-712 name \"{want}\"; every signature made from this challenge will be rejected.", asset.symbol, network.map_or("this network", |n| n.name)),
                    &format!("Set extra.name to \"{want}\"."),
                ));
            }
        }
        if let (Some(asset), Some(ver)) = (known, ver.as_deref()) {
            if let Some(want) = asset.eip712_version.filter(|w| *w != ver) {
                out.push(finding(
                    "x402_eip712_version_mismatch",
                    Severity::Error,
                    format!("accepts[{i}].extra.version is \"{ver}\", but {} on {} signs with EIP-712 version \"{want}\".", asset.symbol, network.map_or("this network", |n| n.name)),
                    &format!("Set extra.version to \"{want}\"."),
                ));
            }
        }
    }
}

/// The comparable core of each option: network (resolved), amount, asset, recipient.
fn option_keys(required: &Value) -> Vec<(String, String, String, String)> {
    let Some(Value::Array(items)) = required.get("accepts") else {
        return Vec::new();
    };
    let mut keys = Vec::new();
    for o in items.iter().take(16) {
        let net = option_str(o, "network").unwrap_or_default();
        let net = match chains::network(&net) {
            Some(n) => n.id.to_string(),
            None => net,
        };
        let amount = option_str(o, "amount")
            .or_else(|| option_str(o, "maxAmountRequired"))
            .unwrap_or_default();
        keys.push((net, amount, lower_str(o, "asset"), lower_str(o, "payTo")));
    }
    keys
}

fn lower_str(option: &Value, key: &str) -> String {
    option_str(option, key)
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// A challenge in both the `PAYMENT-REQUIRED` header and the JSON body that disagree.
pub fn header_body_mismatch(header: &Value, body: &Value) -> Option<Finding> {
    let body_keys = option_keys(body);
    if body_keys.is_empty() {
        return None;
    }
    let header_keys = option_keys(header);
    let versions_differ = json_at(header, "x402Version") != json_at(body, "x402Version");
    if header_keys == body_keys && !versions_differ {
        return None;
    }
    Some(finding(
        "x402_header_body_mismatch",
        Severity::Error,
        "The PAYMENT-REQUIRED header and the JSON body state different payment requirements; v2 clients use the header, v1 clients the body, so they will pay different things.".into(),
        "Generate both from the same PaymentRequired object, or send only the header (v2) with an empty `{}` body.",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn codes(f: &[Finding]) -> Vec<&str> {
        f.iter().map(|f| f.code.as_str()).collect()
    }

    #[test]
    fn dev_hosts() {
        for h in [
            "localhost",
            "127.0.0.1",
            "api.test",
            "foo.local",
            "staging.shop.com",
            "dev-api.shop.com",
            "api.example.com",
            "x.ngrok-free.app",
        ] {
            assert!(is_dev_host(h), "{h}");
        }
        for h in ["api.shop.com", "developer.shop.com", "testimonials.io"] {
            assert!(!is_dev_host(h), "{h}");
        }
    }

    #[test]
    fn clean_v2_challenge_has_no_findings() {
        let c = json!({"x402Version":2,"resource":{"url":"https://api.shop.com/x"},"accepts":[{
            "scheme":"exact","network":"eip155:8453","amount":"10000",
            "asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","payTo":"0xabc","maxTimeoutSeconds":60,
            "extra":{"name":"USD Coin","version":"2"}}]});
        assert!(challenge(&c, Some("api.shop.com")).is_empty());
    }

    #[test]
    fn broken_challenge_gets_each_finding_once() {
        let c = json!({"x402Version":2,"resource":{"url":"http://api.shop.com/x"},"accepts":[
            {"scheme":"exact","network":"base","amount":"0.01","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","payTo":"0xabc","extra":{"name":"USDC","version":"2"}},
            {"scheme":"exact","network":"base","amount":"0.01","asset":"0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913","payTo":"0xabc"},
            {"scheme":"exact","network":"solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp","amount":"10000","asset":"EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v","payTo":"abc"}]});
        let f = challenge(&c, Some("api.shop.com"));
        let c = codes(&f);
        for code in [
            "x402_legacy_network_in_v2",
            "x402_decimal_amount",
            "x402_eip712_name_mismatch",
            "x402_missing_eip712_domain",
            "x402_svm_missing_fee_payer",
            "x402_insecure_resource",
        ] {
            assert_eq!(
                c.iter().filter(|x| **x == code).count(),
                1,
                "{code} in {c:?}"
            );
        }
    }

    #[test]
    fn testnet_only_on_production_host() {
        let c = json!({"x402Version":1,"accepts":[{"scheme":"exact","network":"base-sepolia","maxAmountRequired":"1",
            "asset":"0x036CbD53842c5426634e7929541eC2318f3dCF7e","payTo":"0x1","resource":"https://shop.com/a",
            "description":"d","maxTimeoutSeconds":60,"extra":{"name":"USDC","version":"2"}}]});
        assert_eq!(
            codes(&challenge(&c, Some("shop.com"))),
            ["x402_testnet_on_production_host"]
        );
        assert!(challenge(&c, Some("localhost")).is_empty());
    }

    #[test]
    fn header_encoding_findings() {
        assert!(header_encoding("PAYMENT-REQUIRED", "eyJhIjoxfQ==", true).is_empty());
        assert_eq!(
            codes(&header_encoding("PAYMENT-REQUIRED", "eyJhIjoxfQ", true)),
            ["x402_header_not_standard_base64"]
        );
        assert_eq!(
            codes(&header_encoding("PAYMENT-REQUIRED", "%%%", false)),
            ["x402_header_undecodable", "x402_header_not_standard_base64"]
        );
    }

    #[test]
    fn mismatch_between_header_and_body() {
        let h = json!({"x402Version":2,"accepts":[{"network":"eip155:8453","amount":"10000","asset":"0xA","payTo":"0xB"}]});
        let same = json!({"x402Version":2,"accepts":[{"network":"base","amount":"10000","asset":"0xa","payTo":"0xb"}]});
        let other = json!({"x402Version":2,"accepts":[{"network":"base","amount":"20000","asset":"0xa","payTo":"0xb"}]});
        assert!(header_body_mismatch(&h, &same).is_none());
        assert!(header_body_mismatch(&h, &json!({})).is_none());
        assert!(header_body_mismatch(&h, &other).is_some());
    }
}
