//! The table-driven fixture test: every case in `tests/fixtures/*.json` is a HAR entry plus what
//! the diagnosis must say. Runs natively (`cargo test`) and in wasm (`wasm-bindgen-test`).
//!
//! Case shape:
//! ```json
//! { "id": "…", "source": "where the response shape comes from",
//!   "source_kind": "issue" | "doc" | "code",   // real-world cases copied from public material
//!   "note": "…",                               // optional: what is special about the case
//!   "now": "2026-11-25T00:00:00Z",            // optional diagnosis time
//!   "entry": { HAR 1.2 entry },
//!   "expect": null | { "cause": "…", "provider": "…"|null, "protocol": "…"|null,
//!                      "values": { "payment.amount": "0.01", … },   // dotted paths, compared as strings
//!                      "findings": ["x402_decimal_amount", …] } }   // codes that must be present
//! ```

use serde_json::Value;
use why402::decode::time::parse_rfc3339;
use why402::{diagnose, Context, Exchange};

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test;

/// Every `tests/fixtures/*.json`, found by `build.rs` and compiled in, so the wasm build runs the
/// same table and a new file cannot be left out.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/fixture_files.rs"));

fn lookup<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    path.split('.').try_fold(v, |cur, part| match cur {
        Value::Object(m) => m.get(part),
        Value::Array(a) => a.get(part.parse::<usize>().ok()?),
        _ => None,
    })
}

fn as_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// Checks one case; returns the failures as readable lines.
fn check_case(file: &str, case: &Value) -> Vec<String> {
    let id = case["id"].as_str().unwrap_or("?");
    let tag = format!("{file}#{id}");
    let entry = match Exchange::from_json(&case["entry"]) {
        Ok(e) => e,
        Err(e) => return vec![format!("{tag}: entry does not parse: {e}")],
    };
    let now = case["now"].as_str().and_then(parse_rfc3339);
    let got = diagnose(&entry, &Context { now_unix: now });
    let expect = &case["expect"];
    let mut failures = Vec::new();
    match (expect, got) {
        (Value::Null, None) => {}
        (Value::Null, Some(d)) => failures.push(format!(
            "{tag}: expected no diagnosis, got {} ({})",
            d.cause.id(),
            d.summary
        )),
        (_, None) => failures.push(format!("{tag}: expected a diagnosis, got None")),
        (expect, Some(d)) => {
            let json = serde_json::to_value(&d).expect("diagnosis serialises");
            for key in ["cause", "provider", "protocol"] {
                if let Some(want) = expect.get(key) {
                    let have = json.get(key).cloned().unwrap_or(Value::Null);
                    if &have != want {
                        failures.push(format!("{tag}: {key} = {have}, want {want}"));
                    }
                }
            }
            if let Some(Value::Object(values)) = expect.get("values") {
                for (path, want) in values {
                    match lookup(&json, path) {
                        Some(have) if as_text(have) == as_text(want) => {}
                        have => failures.push(format!(
                            "{tag}: {path} = {}, want {}",
                            have.map(as_text).unwrap_or_else(|| "(missing)".into()),
                            as_text(want)
                        )),
                    }
                }
            }
            if let Some(Value::Array(codes)) = expect.get("findings") {
                for code in codes {
                    let code = as_text(code);
                    if !d.findings.iter().any(|f| f.code == code) {
                        failures.push(format!(
                            "{tag}: finding {code} missing (have {:?})",
                            d.findings.iter().map(|f| &f.code).collect::<Vec<_>>()
                        ));
                    }
                }
            }
            if d.steps.is_empty() {
                failures.push(format!("{tag}: no steps"));
            }
            if d.summary.is_empty() || d.explanation.is_empty() {
                failures.push(format!("{tag}: empty summary or explanation"));
            }
        }
    }
    failures
}

fn run_all() -> (usize, Vec<String>) {
    let mut count = 0;
    let mut failures = Vec::new();
    for (file, text) in FILES {
        let cases: Vec<Value> = match serde_json::from_str(text) {
            Ok(c) => c,
            Err(e) => {
                failures.push(format!("{file}: not a JSON array of cases: {e}"));
                continue;
            }
        };
        for case in &cases {
            count += 1;
            failures.extend(check_case(file, case));
        }
    }
    (count, failures)
}

#[cfg_attr(not(target_arch = "wasm32"), test)]
#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
fn every_fixture_gets_its_expected_diagnosis() {
    let (count, failures) = run_all();
    assert!(
        failures.is_empty(),
        "{} of {count} fixture checks failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
