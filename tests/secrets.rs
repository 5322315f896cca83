//! The secret test set (tests/fixtures/secrets, built by generate.py): 261 secrets — the 24
//! words of google/har-sanitizer's list in 10 positions each, and 21 payment-protocol cases —
//! fed through every way a diagnosis leaves the machine or is kept: the CLI's text, JSON and
//! Markdown output, the extension's stored record (as `storage.session` holds it) and its
//! "Copy report". None may show any 8-character piece of a secret's random part.

use std::collections::HashSet;
use std::process::Command;

use serde_json::Value;
use why402::capture::{record_from_entry, upgrade, Record, Source};
use why402::decode::base64::decode_to_string;
use why402::Exchange;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/secrets");
const SURFACES: [&str; 5] = [
    "cli text",
    "cli json",
    "cli markdown",
    "stored record",
    "report",
];
/// 2025-11-25T11:23:00Z, when the cases were "captured".
const NOW_MS: u64 = 1_764_069_780_000;

struct Secret {
    id: String,
    core: String,
}

fn secrets() -> Vec<Secret> {
    let text = std::fs::read_to_string(format!("{DIR}/secrets.json")).expect("secrets.json");
    let list: Vec<Value> = serde_json::from_str(&text).expect("secrets.json is JSON");
    list.iter()
        .map(|s| Secret {
            id: s["id"].as_str().unwrap_or_default().to_string(),
            core: s["core"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn entries() -> Vec<Exchange> {
    let text = std::fs::read_to_string(format!("{DIR}/cases.har")).expect("cases.har");
    let har: Value = serde_json::from_str(&text).expect("cases.har is JSON");
    har["log"]["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .map(|e| Exchange::from_json(e).expect("a HAR entry"))
        .collect()
}

fn cli(format: &str) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_why402"))
        .args(["diagnose", &format!("{DIR}/cases.har"), "--format", format])
        .args(["--color", "never", "--now", "2025-11-25T11:23:00Z"])
        .output()
        .expect("run why402");
    assert_eq!(
        out.status.code(),
        Some(1),
        "every case is a payment problem"
    );
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Every header value that decodes as base64 text, appended: a secret must not survive merely
/// encoded (x402 puts its terms in base64 JSON headers).
fn with_decoded_headers(json: &Value) -> String {
    let mut text = json.to_string();
    for side in ["request", "response"] {
        for h in json["entry"][side]["headers"]
            .as_array()
            .into_iter()
            .flatten()
        {
            if let Some(decoded) = h["value"].as_str().and_then(decode_to_string) {
                text.push('\n');
                text.push_str(&decoded);
            }
        }
    }
    text
}

/// The 8-character pieces of a secret, any of which shown counts as a leak.
fn pieces(core: &str) -> impl Iterator<Item = &str> {
    (0..=core.len().saturating_sub(8)).map(move |i| &core[i..i + 8])
}

#[test]
fn no_secret_leaks_anywhere() {
    let secrets = secrets();
    let entries = entries();
    assert_eq!(secrets.len(), 261);
    assert_eq!(entries.len(), secrets.len());
    for (s, e) in secrets.iter().zip(&entries) {
        // The set is sound: each secret is really in its input.
        let raw = serde_json::to_string(e).unwrap_or_default();
        let b64 = e
            .request
            .headers
            .iter()
            .chain(&e.response.headers)
            .filter_map(|h| decode_to_string(&h.value))
            .collect::<String>();
        assert!(
            raw.contains(&s.core) || b64.contains(&s.core),
            "{}: secret not in its input",
            s.id
        );
    }

    // What storage.session holds, then what the popup and "Copy report" read back from it.
    let mut stored = String::new();
    let mut records: Vec<Record> = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let record = record_from_entry(e, Source::Devtools, 1, NOW_MS, i as u32)
            .unwrap_or_else(|| panic!("{}: not diagnosed", secrets[i].id));
        let json = serde_json::to_value(&record).expect("record serialises");
        stored.push_str(&with_decoded_headers(&json));
        let back = upgrade(json)
            .unwrap_or_else(|| panic!("{}: stored entry no longer diagnosed", secrets[i].id));
        records.push(back);
    }
    let items: Vec<_> = records
        .iter()
        .enumerate()
        .map(|(i, r)| (i + 1, r.method.clone(), r.url.clone(), r.diagnosis.clone()))
        .collect();
    let report = why402::report::markdown(&items);

    let outputs = [cli("text"), cli("json"), cli("markdown"), stored, report];
    let mut checked = 0;
    let mut leaks = Vec::new();
    for (surface, out) in SURFACES.iter().zip(&outputs) {
        assert!(out.len() > 10_000, "{surface}: output too small to be real");
        let shown: HashSet<&[u8]> = out.as_bytes().windows(8).collect();
        for s in &secrets {
            checked += 1;
            if let Some(p) = pieces(&s.core).find(|p| shown.contains(p.as_bytes())) {
                leaks.push(format!("{surface}: {} ({p})", s.id));
            }
        }
    }
    println!(
        "checked {checked} secret/surface pairs ({} secrets x {} surfaces): {} leaks",
        secrets.len(),
        SURFACES.len(),
        leaks.len()
    );
    assert_eq!(checked, 261 * 5);
    assert!(
        leaks.is_empty(),
        "{} leaks:\n{}",
        leaks.len(),
        leaks.join("\n")
    );
}

/// Redaction keeps what the diagnosis is for: codes, amounts, addresses, networks.
#[test]
fn what_the_diagnosis_needs_is_kept() {
    let json = cli("json");
    for needed in [
        "insufficient_funds",
        "card_declined",
        "generic_decline",
        "0x209693Bc6afc0C5328bA36FaF03C514EF312287C",
        "0x036CbD53842c5426634e7929541eC2318f3dCF7e",
        "Base Sepolia",
        "\"amount\":\"0.01\"",
        "https://api.example.com/weather?city=[redacted]&state=[redacted]",
    ] {
        assert!(
            json.contains(needed),
            "{needed} missing from the JSON output"
        );
    }
}
