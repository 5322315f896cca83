//! The engine: prepares the exchange, asks the detectors in order of specificity, and finishes
//! the first answer with what applies to every diagnosis (retry time, CORS visibility, capture
//! notes, provider links, default steps).
//!
//! Order matters: a protocol challenge on the wire (x402, L402, MPP, pay per crawl) is the most
//! specific signal; then structured processor errors (Stripe); then provider knowledge; then
//! keyword heuristics, which only speak for a 402 or for phrases that clearly mean billing.

use crate::core::diagnosis::{Cause, Retry};
use crate::core::diagnosis::{Confidence, Diagnosis, Evidence, Finding, Omitted, Severity, Step};
use crate::core::exchange::Exchange;
use crate::core::observed::Observed;
use crate::decode::time::format_rfc3339;
use crate::{decode, knowledge, protocols};

/// What the diagnosis needs from the outside world.
#[derive(Debug, Clone, Copy, Default)]
pub struct Context {
    /// Current time, seconds since the Unix epoch: used to say whether an offer has expired and
    /// when to retry. Without it, the exchange's own time (`Date` header, HAR
    /// `startedDateTime`) is used where present.
    pub now_unix: Option<i64>,
}

/// Whether a response with this status can get a diagnosis at all: payment failures are 4xx and
/// 5xx; a success or redirect is at most a receipt. The HAR reader skips parsing the others.
pub fn can_diagnose(status: u16) -> bool {
    status >= 400
}

/// Statuses whose responses may carry a billing failure in their body, so the body is worth
/// reading (and copying, for the extension: `capture::limits`): 402, the codes that carry billing
/// failures of APIs (400, 401, 403, 412, 422, 429), and the 500 and 503 that hosts answer for a
/// suspended account or a paused deployment. Other statuses are judged by status and headers.
pub const BODY_STATUSES: [u16; 9] = [400, 401, 402, 403, 412, 422, 429, 500, 503];

/// Diagnoses one exchange: `None` when it shows no payment problem.
pub fn diagnose(exchange: &Exchange, ctx: &Context) -> Option<Diagnosis> {
    if !can_diagnose(exchange.response.status) {
        return None;
    }
    let reference = reference_time(exchange);
    let obs = Observed::new(exchange, ctx.now_unix.or(reference));
    let mut diagnosis = protocols::detect(&obs).or_else(|| knowledge::detect(&obs))?;
    finish(&obs, reference, &mut diagnosis);
    cap(&mut diagnosis);
    crate::core::redact::diagnosis(&mut diagnosis);
    Some(diagnosis)
}

/// When the response was produced: its `Date` header, else the HAR entry's start time.
fn reference_time(exchange: &Exchange) -> Option<i64> {
    exchange
        .header("date")
        .and_then(decode::time::parse_http_date)
        .or_else(|| {
            exchange
                .started_date_time
                .as_deref()
                .and_then(decode::time::parse_rfc3339)
        })
}

impl Diagnosis {
    /// An empty diagnosis for `cause`; detectors fill in the rest.
    pub fn new(cause: Cause, confidence: Confidence, status: u16) -> Diagnosis {
        Diagnosis {
            cause,
            provider: None,
            provider_name: None,
            protocol: None,
            confidence,
            summary: String::new(),
            explanation: String::new(),
            status,
            evidence: Vec::new(),
            steps: Vec::new(),
            payment: None,
            retry: None,
            billing_url: None,
            docs_url: None,
            findings: Vec::new(),
            cors: None,
            omitted: None,
            response_links: Vec::new(),
        }
    }
}

fn finish(obs: &Observed, reference: Option<i64>, d: &mut Diagnosis) {
    let ex = obs.exchange;

    if !d
        .evidence
        .iter()
        .any(|e| e.source == crate::core::diagnosis::EvidenceSource::Status)
    {
        d.evidence
            .insert(0, Evidence::status(obs.status, &ex.response.status_text));
    }
    provider_pages(d);
    if d.retry.is_none() {
        d.retry = retry(ex, reference.or(obs.now));
    }

    let (cors, findings) = protocols::cors::visibility(obs);
    d.cors = cors;
    d.findings.extend(findings);
    body_notes(obs, d);

    if d.steps.is_empty() {
        d.steps = knowledge::generic::steps(d.cause);
    }
    retry_step(d);
    crate::core::provenance::mark_response_links(d, ex, obs.body.as_ref().map(|b| b.text.as_str()));
    if d.explanation.is_empty() {
        d.explanation = knowledge::generic::explanation(d.cause).to_string();
    }
    if d.summary.is_empty() {
        d.summary = match &d.provider_name {
            Some(name) => format!("{name}: {}", d.cause.plain()),
            None => d.cause.plain().to_string(),
        };
    }
}

/// The provider's name and pages from the knowledge, where the detector left them unset.
fn provider_pages(d: &mut Diagnosis) {
    let Some(p) = d.provider.as_deref().and_then(knowledge::providers::by_id) else {
        return;
    };
    d.provider_name.get_or_insert_with(|| p.name.into());
    if d.billing_url.is_none() {
        d.billing_url = p.billing_url.map(String::from);
    }
    if d.docs_url.is_none() {
        d.docs_url = p.docs_url.map(String::from);
    }
}

/// How the body was read, when that limits the diagnosis: not clean JSON, cut off, absent or
/// undecodable.
fn body_notes(obs: &Observed, d: &mut Diagnosis) {
    if let Some(how) = obs.reading {
        // Say how a body that is not clean JSON was read; a cut-off object may have lost the
        // part that would change the answer.
        d.evidence.push(Evidence::capture("body", how.describe()));
        if how == crate::core::reading::Reading::Truncated {
            d.confidence = d.confidence.min(Confidence::Medium);
        }
    }
    match &obs.body {
        None => d.evidence.push(Evidence::capture(
            "body",
            "no body captured: the diagnosis uses the status and headers only",
        )),
        Some(b) if b.undecodable => d.evidence.push(Evidence::capture(
            "body",
            "the body was marked base64 but did not decode",
        )),
        Some(b) if b.truncated => d.evidence.push(Evidence::capture(
            "body",
            &format!(
                "body larger than {} KiB: only the first {} KiB were read",
                crate::core::exchange::MAX_BODY_BYTES / 1024,
                crate::core::exchange::MAX_BODY_BYTES / 1024
            ),
        )),
        Some(_) => {}
    }
}

/// A step saying when to retry, unless one says it already.
fn retry_step(d: &mut Diagnosis) {
    let Some(retry) = &d.retry else {
        return;
    };
    let text = format!(
        "The server says to retry after {}; retrying sooner will fail again.",
        retry.wait(str::to_string)
    );
    if !d.steps.iter().any(|s| s.text == text) {
        d.steps.push(Step::text(text));
    }
}

/// Items kept per list: enough for any real response, and a bound on output for a hostile one.
pub const MAX_EVIDENCE: usize = 20;
pub const MAX_FINDINGS: usize = 20;
pub const MAX_ALTERNATIVES: usize = 10;
pub const MAX_STEPS: usize = 12;

/// Cuts `list` to `max` items, the last being `note(n)` for the `n` left out; returns `n`.
fn cap_list<T>(list: &mut Vec<T>, max: usize, note: impl FnOnce(usize) -> T) -> usize {
    if list.len() <= max {
        return 0;
    }
    let omitted = list.len() - (max - 1);
    list.truncate(max - 1);
    list.push(note(omitted));
    omitted
}

/// Applies the per-diagnosis caps, noting what was left out.
fn cap(d: &mut Diagnosis) {
    let mut o = Omitted::default();
    let mut alternatives_note = None;
    if let Some(t) = d.payment.as_mut() {
        if t.alternatives.len() > MAX_ALTERNATIVES {
            o.alternatives = t.alternatives.len() - MAX_ALTERNATIVES;
            t.alternatives.truncate(MAX_ALTERNATIVES);
            alternatives_note = Some(Evidence::capture(
                "payment",
                &format!("{} more payment options not shown", o.alternatives),
            ));
        }
    }
    let max_evidence = MAX_EVIDENCE - usize::from(alternatives_note.is_some());
    o.evidence = cap_list(&mut d.evidence, max_evidence, |n| {
        Evidence::capture("evidence", &format!("{n} more evidence items not shown"))
    });
    d.evidence.extend(alternatives_note);
    o.findings = cap_list(&mut d.findings, MAX_FINDINGS, |n| Finding {
        code: "more_findings".into(),
        severity: Severity::Info,
        message: format!("{n} more findings not shown."),
        fix: "Fix the findings above, then look again.".into(),
    });
    o.steps = cap_list(&mut d.steps, MAX_STEPS, |n| {
        Step::text(format!("({n} more steps not shown.)"))
    });
    if o != Omitted::default() {
        d.omitted = Some(o);
    }
}
/// The model's retry advice from the response headers; `reference` turns the wait into an
/// instant.
fn retry(ex: &Exchange, reference: Option<i64>) -> Option<Retry> {
    let headers: Vec<(&str, &str)> = ex
        .response
        .headers
        .iter()
        .map(|h| (h.name.as_str(), h.value.as_str()))
        .collect();
    let wait = decode::retry::from_headers(&headers, reference)?;
    Some(Retry {
        after_seconds: wait.seconds,
        at: reference.map(|r| format_rfc3339(r.saturating_add(wait.seconds as i64))),
        source: wait.source.to_string(),
    })
}
