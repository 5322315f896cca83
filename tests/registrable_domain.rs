//! `knowledge::providers::registrable` (`knowledge::domain` with the app domains of `providers.json`) keeps only the public suffix list's rules that matter for
//! API hosts (the full list does not fit the wasm budget). This checks it against the list
//! itself (the `psl` crate) for every host in the fixtures and a sample of real API and hosting
//! domains that no `providers.json` entry covers (only those are named from their domain): a
//! disagreement names the suffix to add.
#![cfg(not(target_arch = "wasm32"))]

use serde_json::Value;
use why402::knowledge::providers;

const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/fixture_files.rs"));

/// Real hosts with multi-label public suffixes or none, beyond those in the fixtures.
const SAMPLE: &[&str] = &[
    "api.mercadolibre.com.ar",
    "api.naver.co.kr",
    "www.bbc.co.uk",
    "www.gov.uk",
    "api.rakuten.co.jp",
    "api.flipkart.com",
    "api.ovh.com",
    "eu.api.ovh.com",
    "api.yandex.com.tr",
    "graph.microsoft.com",
    "my-app.herokuapp.com",
    "my-app.vercel.app",
    "my-app.netlify.app",
    "my-app.fly.dev",
    "my-app.onrender.com",
    "worker.user.workers.dev",
    "api.moonshot.cn",
    "open.bigmodel.cn",
    "api.z.ai",
];

/// Names the check skips on purpose: documentation and reserved names, IP addresses.
fn skipped(host: &str) -> bool {
    let last = host.rsplit('.').next().unwrap_or(host);
    host.parse::<std::net::IpAddr>().is_ok()
        || !host.contains('.')
        || [
            "example",
            "invalid",
            "test",
            "localhost",
            "local",
            "internal",
        ]
        .contains(&last)
        || host.split('.').any(|l| l == "example")
}

fn hosts() -> Vec<String> {
    let mut all: Vec<String> = SAMPLE.iter().map(|h| h.to_string()).collect();
    for (_, text) in FILES {
        let cases: Vec<Value> = serde_json::from_str(text).unwrap_or_default();
        for case in cases {
            if let Ok(e) = why402::Exchange::from_json(&case["entry"]) {
                all.extend(e.host());
            }
        }
    }
    all.sort();
    all.dedup();
    all
}

/// True when a knowledge entry's hosts cover `host`: such hosts are never named from their domain.
fn known(host: &str) -> bool {
    providers::all().iter().any(|p| {
        p.hosts
            .iter()
            .any(|d| host == *d || host.ends_with(&format!(".{d}")))
    })
}

#[test]
fn registrable_domains_agree_with_the_public_suffix_list() {
    let mut disagree = Vec::new();
    let mut checked = 0;
    for host in hosts() {
        if known(&host) {
            continue;
        }
        if skipped(&host) {
            assert_eq!(
                providers::registrable(&host),
                None,
                "{host} should name nobody"
            );
            continue;
        }
        checked += 1;
        let ours = providers::registrable(&host);
        let list = psl::domain_str(&host).map(str::to_string);
        if ours != list {
            disagree.push(format!(
                "{host}: ours {ours:?}, public suffix list {list:?}"
            ));
        }
    }
    assert!(checked >= 30, "only {checked} hosts checked");
    assert!(
        disagree.is_empty(),
        "{} hosts disagree (add the suffix as an app host in providers.json, or extend GENERIC_SECOND_LEVEL):\n{}",
        disagree.len(),
        disagree.join("\n")
    );
}
