//! Why 402: explains HTTP 402 Payment Required responses (and the payment failures hidden behind
//! other status codes): the cause, the evidence, the decoded payment terms and the fix steps.
//!
//! Layers, from the bottom up (a module uses only those before it; `tests/layers.rs` checks):
//! - [`decode`]: wire formats with no knowledge attached (base64, BOLT11, auth challenges,
//!   dates, retry headers, decimals); uses nothing else in the crate.
//! - [`core`]: the input ([`Exchange`], a HAR entry), the output ([`Diagnosis`]); redaction,
//!   evidence helpers and payment terms as text.
//! - [`knowledge`]: provider data (one JSON file), Stripe's decline codes, chains, heuristics.
//! - [`protocols`]: pay-per-request protocols (x402, L402, MPP, pay per crawl) and CORS; x402
//!   names networks from the knowledge's chain registry.
//! - [`engine`]: runs the detectors and finishes the diagnosis.
//! - [`har`]: reading captures: HAR files as a stream of entries in bounded memory, and raw
//!   responses as `curl -si` prints them.
//! - [`report`]: the Markdown report (CLI `--format markdown`, the extension's "Copy report").
//! - [`capture`]: the records the browser extension stores per tab (built, redacted, merged).
//! - Front ends: the `why402` CLI (`src/cli`, native only) and the wasm bindings and UI
//!   (`src/web`, wasm only).
//!
//! The library has no browser types and never panics on input.

pub mod capture;
pub mod core;
pub mod decode;
pub mod engine;
pub mod har;
pub mod knowledge;
pub mod protocols;
pub mod report;

#[cfg(target_arch = "wasm32")]
pub mod web;

pub use crate::core::diagnosis::{
    Cause, Confidence, CorsVisibility, Diagnosis, Evidence, EvidenceSource, Finding, Omitted,
    PaymentTerms, Protocol, Retry, Severity, Step,
};
pub use crate::core::exchange::{Exchange, Header};
pub use crate::engine::{diagnose, Context};
