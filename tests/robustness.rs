//! Robustness: a bounded, deterministic mutation loop over every fixture entry (truncated and
//! corrupted bodies, huge and deeply nested bodies, junk headers) asserting that the diagnosis
//! never panics; plus the big generated cases JSON fixtures cannot hold. Speed is not timed
//! (a loaded machine would fail it, an idle one pass anything): the bounds are checked by what
//! the diagnosis shows it read, e.g. a phrase past the read cap is not found.

use serde_json::Value;
use why402::{diagnose, Cause, Context, Exchange, Header};

/// Every `tests/fixtures/*.json` (name, text), found by `build.rs`.
const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/fixture_files.rs"));

/// Mutations per fixture entry.
const ROUNDS: usize = 24;
/// Fewer fixture files than this means the list went missing, not that the suite shrank.
const MIN_FILES: usize = 15;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// Every fixture entry; a file or entry that does not parse fails the test (it would otherwise
/// be skipped without a word), as does a file with no cases.
fn entries() -> Vec<Exchange> {
    assert!(
        FILES.len() >= MIN_FILES,
        "only {} fixture files",
        FILES.len()
    );
    let mut all = Vec::new();
    for (name, text) in FILES {
        let cases: Vec<Value> =
            serde_json::from_str(text).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert!(!cases.is_empty(), "{name}: no cases");
        for case in cases {
            let entry = Exchange::from_json(&case["entry"])
                .unwrap_or_else(|e| panic!("{name}#{}: {e}", case["id"]));
            all.push(entry);
        }
    }
    all
}

fn body_of(e: &Exchange) -> String {
    e.response.content.text.clone().unwrap_or_default()
}

fn set_body(e: &mut Exchange, body: String) {
    e.response.content.text = Some(body);
}

/// Cuts at a character boundary at or before `at`.
fn cut(s: &str, at: usize) -> String {
    let mut i = at.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    s[..i].to_string()
}

fn mutate(base: &Exchange, rng: &mut Rng) -> Exchange {
    let mut e = base.clone();
    let body = body_of(&e);
    match rng.below(9) {
        0 => set_body(&mut e, cut(&body, rng.below(body.len() + 1))),
        1 => {
            // Flip a few bytes, then repair to valid UTF-8 the way a capture would.
            let mut bytes = body.into_bytes();
            for _ in 0..1 + rng.below(8) {
                if !bytes.is_empty() {
                    let i = rng.below(bytes.len());
                    bytes[i] ^= 1 << rng.below(8);
                }
            }
            set_body(&mut e, String::from_utf8_lossy(&bytes).into_owned());
        }
        2 => set_body(&mut e, body.repeat(1 + rng.below(2000))),
        3 => {
            let depth = 1 + rng.below(20_000);
            set_body(
                &mut e,
                format!("{}{body}{}", "[".repeat(depth), "]".repeat(depth)),
            );
        }
        4 => {
            let depth = 1 + rng.below(5_000);
            set_body(
                &mut e,
                format!("{}\"x\"{}", "{\"a\":".repeat(depth), "}".repeat(depth)),
            );
        }
        5 => {
            for _ in 0..1 + rng.below(50) {
                let name: String = (0..1 + rng.below(40))
                    .map(|_| char::from(b'a' + rng.below(26) as u8))
                    .collect();
                let value = "\u{1b}[31m\u{0}é".repeat(rng.below(3000));
                e.response.headers.push(Header::new(name, value));
            }
            for name in [
                "www-authenticate",
                "retry-after",
                "payment-required",
                "content-type",
            ] {
                e.response
                    .headers
                    .push(Header::new(name, "\u{0}".repeat(rng.below(100))));
            }
        }
        6 => {
            e.response.content.encoding = Some("base64".into());
            if rng.below(2) == 0 {
                set_body(&mut e, "%%%not base64%%%".repeat(rng.below(100)));
            }
        }
        7 => e.response.status = [0, 100, 200, 402, 403, 429, 999, u16::MAX][rng.below(8)],
        _ => {
            e.request.url = ["", "://", "http://[::1", "https://a@b:99999/x?y#z", "é://é"]
                [rng.below(5)]
            .to_string();
        }
    }
    e
}

#[test]
fn mutated_fixtures_never_panic() {
    let entries = entries();
    let mut rng = Rng(0x402_402_402);
    let mut ran = 0;
    for base in &entries {
        let _ = diagnose(base, &Context::default());
        ran += 1;
        for _ in 0..ROUNDS {
            let _ = diagnose(&mutate(base, &mut rng), &Context::default());
            ran += 1;
        }
    }
    // Every case of every file, not a few that happened to parse.
    let cases: usize = FILES
        .iter()
        .map(|(_, text)| serde_json::from_str::<Vec<Value>>(text).map_or(0, |c| c.len()))
        .sum();
    assert!(cases >= 250, "only {cases} fixture cases");
    assert_eq!(ran, cases * (ROUNDS + 1));
}

fn exchange(url: &str, status: u16, body: String) -> Exchange {
    let mut e = Exchange::default();
    e.request.url = url.into();
    e.response.status = status;
    set_body(&mut e, body);
    e
}

#[test]
fn one_megabyte_body_is_read_in_part_and_still_classified() {
    let body = format!("Insufficient credits. {}", "padding ".repeat(130_000));
    assert!(body.len() > 1_000_000);
    let e = exchange("https://api.unknown.example/x", 402, body);
    let d = diagnose(&e, &Context::default()).expect("a 402 is always diagnosed");
    assert_eq!(d.cause, Cause::InsufficientBalance);
    assert!(d.evidence.iter().any(|ev| ev.value.contains("KiB")));
}

#[test]
fn one_megabyte_json_from_a_provider() {
    let filler = "x".repeat(1_000_000);
    let body = format!(r#"{{"error":{{"message":"Insufficient Balance","pad":"{filler}"}}}}"#);
    let e = exchange("https://api.deepseek.com/chat/completions", 402, body);
    let d = diagnose(&e, &Context::default()).expect("diagnosed");
    // Truncated JSON does not parse, but the phrase is still in the text.
    assert_eq!(d.cause, Cause::InsufficientBalance);
    assert_eq!(d.provider.as_deref(), Some("deepseek"));
}

#[test]
fn deep_nesting_and_html_floods() {
    let deep = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
    let e = exchange("https://api.unknown.example/x", 402, deep);
    assert_eq!(
        diagnose(&e, &Context::default()).map(|d| d.cause),
        Some(Cause::Unknown)
    );

    let html = format!(
        "<html>{}<body>Please add a payment method</body></html>",
        "<script>var a='<';</script><div><".repeat(10_000)
    );
    let e = exchange("https://api.unknown.example/x", 402, html);
    // The phrase sits past the part that is read: not finding it shows the flood was not
    // scanned to the end.
    assert_eq!(
        diagnose(&e, &Context::default()).map(|d| d.cause),
        Some(Cause::Unknown)
    );
}

#[test]
fn evidence_never_leaks_keys() {
    let body = r#"{"error":{"message":"Insufficient credits for key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789"}}"#;
    let e = exchange("https://api.unknown.example/x", 402, body.into());
    let d = diagnose(&e, &Context::default()).expect("diagnosed");
    let shown = serde_json::to_string(&d).unwrap_or_default();
    assert!(
        !shown.contains("abcdefghijklmnopqrstuvwxyz0123456789"),
        "{shown}"
    );
}
