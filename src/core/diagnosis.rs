//! The output contract: what a diagnosis says about one exchange.
//!
//! Field names are snake_case and stable: the CLI's JSON output, the extension's stored records
//! and other tools read them. Extend, never rename.

use serde::{Deserialize, Serialize};

/// Why the request failed, in the project's taxonomy.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Cause {
    /// No card or billing set up for the account or feature.
    PaymentMethodMissing,
    /// Prepaid credits or balance exhausted.
    InsufficientBalance,
    /// Subscription or quota limit reached; upgrade or wait for the reset.
    PlanLimitReached,
    /// The issuer or processor declined a card or payment.
    PaymentDeclined,
    /// The processor failed for technical reasons.
    PaymentProcessingError,
    /// Too many requests (or too much spend in flight); wait and retry.
    RateLimited,
    /// Account, shop or deployment disabled for billing reasons.
    AccountSuspended,
    /// A pay-per-request protocol asks for payment (x402, L402, MPP, pay per crawl).
    PaymentChallenge,
    /// A payment was sent and refused (bad signature, expired, wallet short of funds).
    PaymentRejected,
    /// A 402 with no recognisable signal.
    Unknown,
}

impl Cause {
    /// Every cause, in declaration order.
    pub const ALL: [Cause; 10] = [
        Cause::PaymentMethodMissing,
        Cause::InsufficientBalance,
        Cause::PlanLimitReached,
        Cause::PaymentDeclined,
        Cause::PaymentProcessingError,
        Cause::RateLimited,
        Cause::AccountSuspended,
        Cause::PaymentChallenge,
        Cause::PaymentRejected,
        Cause::Unknown,
    ];

    /// The stable snake_case id (same as the serde name).
    pub fn id(self) -> &'static str {
        match self {
            Cause::PaymentMethodMissing => "payment_method_missing",
            Cause::InsufficientBalance => "insufficient_balance",
            Cause::PlanLimitReached => "plan_limit_reached",
            Cause::PaymentDeclined => "payment_declined",
            Cause::PaymentProcessingError => "payment_processing_error",
            Cause::RateLimited => "rate_limited",
            Cause::AccountSuspended => "account_suspended",
            Cause::PaymentChallenge => "payment_challenge",
            Cause::PaymentRejected => "payment_rejected",
            Cause::Unknown => "unknown",
        }
    }

    /// The cause in plain words, for people.
    pub fn plain(self) -> &'static str {
        match self {
            Cause::PaymentMethodMissing => "No payment method on file",
            Cause::InsufficientBalance => "Out of credits or balance",
            Cause::PlanLimitReached => "Plan or quota limit reached",
            Cause::PaymentDeclined => "Payment declined",
            Cause::PaymentProcessingError => "Payment processing error",
            Cause::RateLimited => "Rate limited",
            Cause::AccountSuspended => "Account or deployment suspended",
            Cause::PaymentChallenge => "Payment requested by the server",
            Cause::PaymentRejected => "Payment sent but refused",
            Cause::Unknown => "Payment required (reason not stated)",
        }
    }
}

/// Pay-per-request protocols that put their terms on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Protocol {
    X402,
    L402,
    /// The `Payment` HTTP authentication scheme (Machine Payments Protocol).
    Mpp,
    PayPerCrawl,
}

impl Protocol {
    pub fn display(self) -> &'static str {
        match self {
            Protocol::X402 => "x402",
            Protocol::L402 => "L402",
            Protocol::Mpp => "MPP (Payment auth scheme)",
            Protocol::PayPerCrawl => "Cloudflare pay per crawl",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    Low,
    Medium,
    High,
}

impl Confidence {
    /// The word for text output: the JSON name.
    pub fn word(self) -> &'static str {
        match self {
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// Where a piece of evidence was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceSource {
    /// The status line; `location` is empty.
    Status,
    /// A response header; `location` is its name.
    Header,
    /// A request header; `location` is its name.
    RequestHeader,
    /// The response body; `location` is a JSON path (`error.code`), or `text` for non-JSON.
    Body,
    /// The request URL; `location` is `host` or `path`.
    Url,
    /// Something about the capture itself (truncated body, no body seen).
    Capture,
}

impl EvidenceSource {
    /// Where the evidence was read, in words for a reader (the report and the extension).
    pub fn label(self) -> &'static str {
        match self {
            EvidenceSource::Status => "status",
            EvidenceSource::Header => "response header",
            EvidenceSource::RequestHeader => "request header",
            EvidenceSource::Body => "body",
            EvidenceSource::Url => "URL",
            EvidenceSource::Capture => "capture",
        }
    }
}

/// One signal the diagnosis used. `value` is truncated and has secrets redacted.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub source: EvidenceSource,
    pub location: String,
    pub value: String,
}

/// One fix step, in order. `snippet` is something to copy (a header, a command).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Step {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snippet: Option<String>,
}

impl Step {
    pub fn text(text: impl Into<String>) -> Step {
        Step {
            text: text.into(),
            link: None,
            snippet: None,
        }
    }
    pub fn with_link(mut self, link: impl Into<String>) -> Step {
        self.link = Some(link.into());
        self
    }
    pub fn with_snippet(mut self, snippet: impl Into<String>) -> Step {
        self.snippet = Some(snippet.into());
        self
    }
}

/// Decoded payment terms, as a protocol states them. The top level is the first (preferred)
/// option; `alternatives` holds every other option the server accepts, in its order.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PaymentTerms {
    /// Scheme or method: x402 `exact`, MPP `tempo`, `lightning`, …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scheme: Option<String>,
    /// Amount in human units, as a decimal string (`"0.01"`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<String>,
    /// Amount in the asset's smallest unit, as sent (`"10000"`; msat for Lightning).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_atomic: Option<String>,
    /// Asset or currency in human terms (`USDC`, `BTC`, `USD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset: Option<String>,
    /// Asset id as sent: token contract, mint, ISO code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimals: Option<u32>,
    /// Network in human terms (`Base Sepolia`, `Bitcoin mainnet`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network: Option<String>,
    /// Network id as sent (`eip155:84532`, `base-sepolia`, `lnbc`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub network_id: Option<String>,
    /// Whether the network is a test network, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub testnet: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pay_to: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// When the offer expires, RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expires_at: Option<String>,
    /// True when `expires_at` is already past at diagnosis time.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expired: Option<bool>,
    /// When the offer was created (BOLT11 timestamp), RFC 3339 UTC.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<String>,
    /// Seconds the server allows to complete payment (x402 `maxTimeoutSeconds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_timeout_seconds: Option<u64>,
    /// Lightning: the BOLT11 invoice (truncated for display).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub invoice: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payment_hash: Option<String>,
    /// Other options the server accepts (never nested further).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<PaymentTerms>,
}

/// When the server says it is worth retrying.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Retry {
    /// Seconds to wait, counted from the response.
    pub after_seconds: u64,
    /// The instant to retry at, RFC 3339 UTC, when a reference time is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<String>,
    /// The header the value came from.
    pub source: String,
}

impl Retry {
    /// "4 minutes (at 2026-11-25T12:04:00Z)": how long to wait and, when known, until when;
    /// `quote` renders the instant for the output at hand.
    pub fn wait(&self, quote: fn(&str) -> String) -> String {
        let mut s = crate::decode::time::human_duration(self.after_seconds);
        if let Some(at) = &self.at {
            s.push_str(" (at ");
            s.push_str(&quote(at));
            s.push(')');
        }
        s
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

/// A problem with how the server built its payment response (for the server's developer),
/// or with what the page could see of it (CORS).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Finding {
    /// Stable id, e.g. `x402_decimal_amount`, `cors_no_allow_origin`.
    pub code: String,
    pub severity: Severity,
    pub message: String,
    /// What the server must change.
    pub fix: String,
}

/// What page JavaScript could see of this response, judged from the CORS headers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CorsVisibility {
    /// False when the browser hides the whole response ("Failed to fetch").
    pub page_can_read_response: bool,
    /// Payment headers present on the wire that page JavaScript cannot read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hidden_headers: Vec<String>,
}

/// The diagnosis of one exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Diagnosis {
    pub cause: Cause,
    /// Stable lowercase provider id (`stripe`, `openrouter`), or null.
    pub provider: Option<String>,
    #[serde(default)]
    pub provider_name: Option<String>,
    #[serde(default)]
    pub protocol: Option<Protocol>,
    pub confidence: Confidence,
    /// One line, for lists.
    pub summary: String,
    /// A few sentences: what happened and why.
    pub explanation: String,
    /// HTTP status of the response.
    pub status: u16,
    pub evidence: Vec<Evidence>,
    pub steps: Vec<Step>,
    #[serde(default)]
    pub payment: Option<PaymentTerms>,
    #[serde(default)]
    pub retry: Option<Retry>,
    /// The provider's billing page, where known.
    #[serde(default)]
    pub billing_url: Option<String>,
    /// The provider's error documentation, where known.
    #[serde(default)]
    pub docs_url: Option<String>,
    #[serde(default)]
    pub findings: Vec<Finding>,
    #[serde(default)]
    pub cors: Option<CorsVisibility>,
    /// What the per-diagnosis caps left out (a hostile response can repeat a header ten
    /// thousand times); absent when nothing was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub omitted: Option<Omitted>,
    /// The links above (`steps[].link`, `billing_url`, `docs_url`) that the server put in its
    /// response rather than the knowledge data: show them as the response's, with their host,
    /// never under the provider's name (see `core::provenance`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_links: Vec<String>,
}

/// How many items of each list were left out by the caps; each capped list also ends with a
/// note saying so, for readers of the text and Markdown outputs.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Omitted {
    #[serde(default)]
    pub evidence: usize,
    #[serde(default)]
    pub findings: usize,
    #[serde(default)]
    pub alternatives: usize,
    #[serde(default)]
    pub steps: usize,
}
