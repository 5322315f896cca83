//! What each fuzz target does with its input, shared by the libFuzzer binaries
//! (fuzz/fuzz_targets/*.rs) and the stable replay of the corpora (tests/fuzz_regressions.rs).
//! A target fails by panicking: the library promises never to panic on input, and the checks
//! below add a few invariants that must hold for any input.

// Each fuzz binary uses one of these functions.
#![allow(dead_code)]

use why402::capture::{record_from_entry, upgrade, Source, Store, WebRequestDetails};
use why402::core::redact;
use why402::decode::{auth_challenge, base64, bolt11, retry, time};
use why402::har::{parse_entry, raw_http, Splitter};
use why402::{diagnose, Context, Exchange, Header};

/// A target: takes any bytes, panics on failure.
pub type Target = fn(&[u8]);

/// Every target, by the name of its binary and corpus directory.
pub const ALL: &[(&str, Target)] = &[
    ("splitter", splitter),
    ("raw_http", raw_http),
    ("har_entry", har_entry),
    ("exchange", exchange),
    ("x402_header", x402_header),
    ("bolt11", bolt11),
    ("www_authenticate", www_authenticate),
    ("base64", base64),
    ("retry", retry),
    ("dates", dates),
    ("redaction", redaction),
    ("diagnose", diagnose_entry),
    ("capture", capture),
];

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// The input cut in two at the first NUL (for targets with two inputs).
fn two(data: &[u8]) -> (String, String) {
    match data.iter().position(|&b| b == 0) {
        Some(i) => (text(&data[..i]), text(&data[i + 1..])),
        None => (text(data), String::new()),
    }
}

/// Diagnoses and renders through every output path, checking the output bounds.
fn diagnose_all(ex: &Exchange) {
    // The exchange's own time (`Date`, which the input controls) and the extremes.
    for now in [None, Some(i64::MAX), Some(i64::MIN)] {
        if let Some(d) = diagnose(ex, &Context { now_unix: now }) {
            assert!(d.evidence.len() <= why402::engine::MAX_EVIDENCE);
            assert!(d.findings.len() <= why402::engine::MAX_FINDINGS);
            assert!(d.steps.len() <= why402::engine::MAX_STEPS);
            if now.is_some() {
                continue;
            }
            let _ = serde_json::to_string(&d);
            let item = why402::report::ReportItem {
                index: 0,
                method: &ex.request.method,
                url: &ex.request.url,
                diagnosis: &d,
            };
            let _ = why402::report::markdown_entry(&item);
        }
    }
}

/// A HAR file pushed in chunks whose sizes come from the first byte, with small limits so the
/// cut paths run; every entry is parsed and diagnosed.
pub fn splitter(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let chunk = usize::from(first % 64) + 1;
    let mut s = Splitter::with_limits(4096, 256);
    let mut entries = 0;
    for part in rest.chunks(chunk) {
        s.push(part);
        while let Some(item) = s.next_entry() {
            entries += 1;
            if let Ok(raw) = item {
                if let Ok(ex) = parse_entry(&raw) {
                    diagnose_all(&ex);
                }
            }
            // Bounded: at most one entry per input byte.
            assert!(entries <= data.len());
        }
    }
    s.finish();
    while let Some(item) = s.next_entry() {
        entries += 1;
        assert!(entries <= data.len() + 1);
        if let Ok(raw) = item {
            let _ = parse_entry(&raw);
        }
    }
}

/// `curl -si` output, as `why402 explain` reads it.
pub fn raw_http(data: &[u8]) {
    if let Ok(ex) = raw_http::parse_response(data, Some("GET"), Some("https://api.openai.com/v1/x"))
    {
        diagnose_all(&ex);
    }
}

/// One HAR entry's JSON through the splitter's entry parser.
pub fn har_entry(data: &[u8]) {
    let mut file = b"{\"log\":{\"entries\":[".to_vec();
    file.extend_from_slice(data);
    file.extend_from_slice(b"]}}");
    let mut s = Splitter::new();
    s.push(&file);
    s.finish();
    for _ in 0..=data.len() {
        match s.next_entry() {
            Some(Ok(raw)) => {
                if let Ok(ex) = parse_entry(&raw) {
                    diagnose_all(&ex);
                }
            }
            Some(Err(_)) | None => break,
        }
    }
}

/// Any JSON value read as an exchange (what the wasm bindings receive).
pub fn exchange(data: &[u8]) {
    if let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) {
        if let Ok(ex) = Exchange::from_json(&v) {
            diagnose_all(&ex);
        }
    }
}

fn response(headers: Vec<Header>, body: Option<String>) -> Exchange {
    let mut ex = Exchange::default();
    ex.request.method = "GET".into();
    ex.request.url = "https://api.example.com/paid".into();
    ex.response.status = 402;
    ex.response.headers = headers;
    ex.response.content.text = body;
    ex
}

/// An x402 `PAYMENT-REQUIRED` header, as sent and base64-encoded, and the same JSON as a v1
/// body; the second half (after a NUL) is the `X-PAYMENT-RESPONSE`.
pub fn x402_header(data: &[u8]) {
    let (terms, settlement) = two(data);
    let encoded = base64::encode(terms.as_bytes());
    for header in [terms.clone(), encoded] {
        let ex = response(
            vec![
                Header::new("PAYMENT-REQUIRED", header),
                Header::new("X-PAYMENT-RESPONSE", settlement.clone()),
            ],
            None,
        );
        diagnose_all(&ex);
    }
    diagnose_all(&response(
        vec![Header::new("Content-Type", "application/json")],
        Some(terms),
    ));
}

pub fn bolt11(data: &[u8]) {
    let s = text(data);
    match bolt11::decode(&s) {
        Ok(inv) => {
            let _ = time::format_rfc3339(inv.expires_at());
        }
        Err(e) => {
            let _ = e.describe();
        }
    }
    // As an L402 challenge's invoice, so the diagnosis reads it too.
    let line = format!("L402 macaroon=\"AgEEbHNhdAJCAAA\", invoice=\"{s}\"");
    diagnose_all(&response(vec![Header::new("WWW-Authenticate", line)], None));
}

/// `WWW-Authenticate` lines (one per input line), parsed and diagnosed.
pub fn www_authenticate(data: &[u8]) {
    let s = text(data);
    let lines: Vec<&str> = s.lines().collect();
    let challenges = auth_challenge::parse(lines.iter().copied());
    for c in &challenges {
        let _ = c.param("realm");
    }
    let headers = lines
        .iter()
        .map(|l| Header::new("WWW-Authenticate", *l))
        .collect();
    diagnose_all(&response(headers, None));
}

pub fn base64(data: &[u8]) {
    let s = text(data);
    if let Some(bytes) = base64::decode_lenient(&s) {
        // Decoding what was encoded gives it back.
        assert_eq!(base64::decode_lenient(&base64::encode(&bytes)), Some(bytes));
    }
    let _ = base64::decode_to_string(&s);
    let _ = base64::is_strict_standard(&s);
}

/// Retry headers: the first input line names the header, the rest is its value; a `Date`
/// header and no header at all as the reference.
pub fn retry(data: &[u8]) {
    let s = text(data);
    let (name, value) = s.split_once('\n').unwrap_or(("retry-after", &s));
    for reference in [None, Some(1_764_069_780), Some(i64::MAX), Some(i64::MIN)] {
        if let Some(w) = retry::from_headers(&[(name, value)], reference) {
            let _ = time::human_duration(w.seconds);
            if let Some(r) = reference {
                let _ = time::format_rfc3339(r.saturating_add(w.seconds as i64));
            }
        }
        let headers = [
            ("Retry-After", value),
            ("X-RateLimit-Remaining", "0"),
            ("X-RateLimit-Reset", value),
            ("RateLimit", value),
        ];
        let _ = retry::from_headers(&headers, reference);
    }
}

pub fn dates(data: &[u8]) {
    let s = text(data);
    for t in [time::parse_rfc3339(&s), time::parse_http_date(&s)]
        .into_iter()
        .flatten()
    {
        // A parsed time formats as RFC 3339 and reads back as the same instant.
        let formatted = time::format_rfc3339(t);
        assert_eq!(time::parse_rfc3339(&formatted), Some(t), "{s:?}");
    }
    if data.len() >= 8 {
        let mut n = [0u8; 8];
        n.copy_from_slice(&data[..8]);
        let _ = time::format_rfc3339(i64::from_le_bytes(n));
        let _ = time::human_duration(u64::from_le_bytes(n));
    }
}

/// Every redaction entry point; the output of `text` is stable under a second pass.
pub fn redaction(data: &[u8]) {
    let (a, b) = two(data);
    let once = redact::text(&a);
    assert_eq!(redact::text(&once), once, "text not idempotent for {a:?}");
    let _ = redact::url(&a);
    let _ = redact::header_value(&b, &a);
    let _ = redact::stored_request_header(&b, &a);
    let _ = redact::hides(&b, &a);
}

/// A whole entry built from the bytes: status, headers and body from the input lines, so the
/// diagnosis sees arbitrary combinations.
pub fn diagnose_entry(data: &[u8]) {
    let s = text(data);
    let (head, body) = s.split_once("\n\n").unwrap_or((&s, ""));
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|l| l.trim().parse().ok())
        .unwrap_or(402);
    let mut ex = response(Vec::new(), Some(body.to_string()));
    ex.response.status = status;
    for line in lines {
        let (name, value) = line.split_once(':').unwrap_or((line, ""));
        match name.strip_prefix('>') {
            Some(req) => ex.request.headers.push(Header::new(req, value.trim())),
            None => ex.response.headers.push(Header::new(name, value.trim())),
        }
    }
    diagnose_all(&ex);
    // Stored and read back, as the extension does: still no panic, still bounded.
    if let Some(r) = record_from_entry(&ex, Source::Devtools, 1, 1_764_069_780_000, 0) {
        if let Ok(v) = serde_json::to_value(&r) {
            let _ = upgrade(v);
        }
    }
}

/// What the extension's worker receives: webRequest details and stored records, as JSON.
pub fn capture(data: &[u8]) {
    let Ok(v) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    if let Ok(d) = WebRequestDetails::from_json(&v) {
        let _ = Store::new().observe_network(&d, 1_764_069_780_000);
    }
    let _ = upgrade(v);
}
