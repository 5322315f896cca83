//! Provider knowledge as data: `providers.json` holds one entry per provider (hosts, signatures,
//! links, ordered rules and steps per cause). This file only interprets it: identify the
//! provider (host first, then body/header signatures), take the first rule that matches, and for
//! an unexplained 402 fall back to the keyword heuristics while keeping the provider's steps.

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Step};
use crate::core::exchange::floor_char_boundary;
use crate::core::observed::{host_matches, json_at, json_text, Observed};
use crate::core::reading::within;

use super::heuristics::{self, contains_phrase};

/// Every provider, in file order: `build.rs` validates `providers.json` and renders it as this
/// value, with phrases already lowercased so matching never has to.
static PROVIDERS: &[Provider] = &include!(concat!(env!("OUT_DIR"), "/providers.rs"));

/// A provider's identity, links and rules.
#[derive(Debug)]
pub struct Provider {
    /// Stable lowercase id (`openrouter`, `google`).
    pub id: &'static str,
    pub name: &'static str,
    /// `llm_api`, `payment_processor`, `platform`, `data_api`, …
    pub kind: &'static str,
    /// A request host matches a domain or any subdomain of it.
    pub hosts: &'static [&'static str],
    /// Domains where the provider's customers run their own apps (`vercel.app`): they identify
    /// the provider only when one of its rules matches, since the app's own 402s are not the
    /// platform's.
    pub app_hosts: &'static [&'static str],
    /// How to recognise the provider when the host is unknown (proxied, custom domain).
    pub signatures: Signatures,
    pub billing_url: Option<&'static str>,
    pub docs_url: Option<&'static str>,
    /// Tried in order; the first that matches decides.
    pub rules: &'static [Rule],
    /// Steps per cause, plus the default ones (`cause: None`, `default` in the file).
    pub steps: &'static [CauseSteps],
}

#[derive(Debug)]
pub struct CauseSteps {
    pub cause: Option<Cause>,
    pub steps: &'static [StepText],
}

/// A step as the file writes it.
#[derive(Debug)]
pub struct StepText {
    pub text: &'static str,
    pub link: Option<&'static str>,
    pub snippet: Option<&'static str>,
}

/// A header that must be present, with the wanted value (case-insensitive) if any.
#[derive(Debug)]
pub struct HeaderCondition {
    pub name: &'static str,
    pub equals: Option<&'static str>,
}

/// A JSON path that must exist, with the accepted values (case-insensitive) if any.
#[derive(Debug)]
pub struct JsonCondition {
    pub path: &'static str,
    pub one_of: &'static [&'static str],
}

#[derive(Debug)]
pub struct Signatures {
    /// Phrases (any one) only this provider says.
    pub body_any: &'static [&'static str],
    /// Headers (any one) only this provider sends.
    pub headers: &'static [HeaderCondition],
}

#[derive(Debug)]
pub struct Rule {
    pub when: Condition,
    pub then: Outcome,
}

/// Every listed condition must hold. With no `status` list, any client error status (4xx) does.
#[derive(Debug)]
pub struct Condition {
    pub status: &'static [u16],
    pub json: &'static [JsonCondition],
    /// The body contains any of these phrases (case-insensitive).
    pub body_any: &'static [&'static str],
    pub headers: &'static [HeaderCondition],
}

#[derive(Debug)]
pub struct Outcome {
    pub cause: Cause,
    pub confidence: Confidence,
    pub summary: Option<&'static str>,
    pub explanation: Option<&'static str>,
    /// Steps for this rule only, instead of the provider's steps for the cause.
    pub steps: Option<&'static [StepText]>,
    /// The response says nothing about this provider's billing (e.g. a bare auth failure):
    /// answer without naming the provider, so it is not read as the provider's billing problem.
    pub hide_provider: bool,
}

fn to_steps(steps: &[StepText]) -> Vec<Step> {
    steps
        .iter()
        .map(|s| Step {
            text: s.text.into(),
            link: s.link.map(String::from),
            snippet: s.snippet.map(String::from),
        })
        .collect()
}

/// Every provider, in file order.
pub fn all() -> &'static [Provider] {
    PROVIDERS
}

pub fn by_id(id: &str) -> Option<&'static Provider> {
    all().iter().find(|p| p.id == id)
}

/// How a provider was recognised.
struct Found {
    provider: &'static Provider,
    evidence: Evidence,
    /// By a customer-app domain: only the provider's own rules may speak.
    app_host: bool,
    /// From the body (a signature, a domain it names), not the request's host: less sure.
    by_body: bool,
}

/// The provider and the evidence that identified it (its host, or the signature seen).
fn identify_with_evidence(obs: &Observed) -> Option<Found> {
    let host_match = |app: bool| {
        let host = obs.host.as_deref()?;
        all()
            .iter()
            .flat_map(|p| {
                let domains = if app { p.app_hosts } else { p.hosts };
                domains.iter().map(move |d| (p, *d))
            })
            .filter(|(_, d)| host_matches(host, d))
            .max_by_key(|(_, d)| d.len())
            .map(|(p, _)| Found {
                provider: p,
                evidence: Evidence::host(host),
                app_host: app,
                by_body: false,
            })
    };
    let by_signature = || {
        all().iter().find_map(|p| {
            let evidence = match p
                .signatures
                .body_any
                .iter()
                .find(|s| contains_phrase(&obs.body_lower, s))
            {
                Some(phrase) => phrase_evidence(obs, phrase),
                None => p
                    .signatures
                    .headers
                    .iter()
                    .find_map(|h| header_evidence(obs, h))?,
            };
            Some(Found {
                provider: p,
                evidence,
                app_host: false,
                by_body: true,
            })
        })
    };
    host_match(false)
        .or_else(by_signature)
        .or_else(|| by_named_domain(obs))
        .or_else(|| host_match(true))
}

/// At most this many bytes of the body are scanned for domain names.
const MAX_DOMAIN_SCAN: usize = 64 * 1024;

/// The provider whose domain (a host, or that of its billing or docs link) the body names first (`https://openrouter.ai/settings/credits`,
/// `"upstreamHost": "api.fireworks.ai"`): a relay quoting its upstream, or an SDK message pasted
/// without the URL. Customer-app domains do not count (they name an app, not a bill).
fn by_named_domain(obs: &Observed) -> Option<Found> {
    let text = &obs.body_lower[..floor_char_boundary(&obs.body_lower, MAX_DOMAIN_SCAN)];
    let is_domain_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'.' || b == b'-';
    let bytes = text.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        if !is_domain_byte(bytes[i]) {
            i += 1;
            continue;
        }
        let start = i;
        while i < bytes.len() && is_domain_byte(bytes[i]) {
            i += 1;
        }
        let token = text[start..i].trim_end_matches('.');
        if !token.contains('.') {
            continue;
        }
        // The provider with the longest domain the token falls under.
        let mut best: Option<(&'static Provider, usize)> = None;
        for p in all() {
            let mut consider = |d: &str| {
                if host_matches(token, d) && best.is_none_or(|(_, len)| d.len() > len) {
                    best = Some((p, d.len()));
                }
            };
            p.hosts.iter().for_each(|d| consider(d));
            for url in [p.billing_url, p.docs_url].into_iter().flatten() {
                if let Some(host) = url
                    .strip_prefix("https://")
                    .and_then(|r| r.split('/').next())
                {
                    consider(host);
                }
            }
        }
        if let Some((p, _)) = best {
            return Some(Found {
                provider: p,
                evidence: Evidence::body(
                    "text",
                    &crate::core::evidence::excerpt_around(obs.body_text(), &obs.body_lower, token),
                ),
                app_host: false,
                by_body: true,
            });
        }
    }
    None
}

/// The registrable domain of `host`, with every customer-app domain in `providers.json`
/// (`vercel.app`) counted as a suffix.
pub fn registrable(host: &str) -> Option<String> {
    super::domain::registrable(host, all().iter().flat_map(|p| p.app_hosts.iter().copied()))
}

pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    if obs.status < 400 {
        return None;
    }
    let found = identify_with_evidence(obs)?;
    let by_body = found.by_body;
    let (provider, found_by) = (found.provider, found.evidence);
    if let Some((rule, evidence)) = provider
        .rules
        .iter()
        .find_map(|r| matches(obs, &r.when).map(|ev| (r, ev)))
    {
        let mut d = from_rule(obs, provider, &rule.then, found_by);
        for e in evidence {
            if !d.evidence.contains(&e) {
                d.evidence.push(e);
            }
        }
        if by_body && !rule.then.hide_provider {
            named_by_body(obs, provider, &mut d);
        }
        return Some(d);
    }
    if found.app_host {
        return None;
    }
    // No rule: the heuristics decide the cause (always for a 402, only on strong phrases
    // otherwise), and the provider still gives its name, links and steps.
    let signal = heuristics::classify(obs)?;
    let mut d = Diagnosis::new(signal.cause, signal.confidence, obs.status);
    set_provider(&mut d, provider, found_by);
    for e in signal.evidence.iter() {
        if !d.evidence.contains(e) {
            d.evidence.push(e.clone());
        }
    }
    d.steps = provider_steps(provider, signal.cause);
    if signal.auth {
        d.steps.insert(0, heuristics::auth_step());
    }
    if by_body {
        named_by_body(obs, provider, &mut d);
    }
    Some(d)
}

/// A provider known only from the body is less sure than one known by its host; when the request
/// went to another site (a relay or gateway), that site is named too, since the upstream
/// account may be the relay's rather than the user's.
fn named_by_body(obs: &Observed, p: &Provider, d: &mut Diagnosis) {
    d.confidence = d.confidence.min(Confidence::Medium);
    let Some(relay) = obs.host.as_deref().and_then(registrable) else {
        return;
    };
    if p.hosts
        .iter()
        .any(|h| host_matches(&relay, h) || host_matches(h, &relay))
    {
        return;
    }
    if d.summary.is_empty() {
        d.summary = format!("{} (via {relay}): {}", p.name, d.cause.plain());
    }
    d.steps.push(Step::text(format!(
        "The request went through {relay}, which calls {name}: if you pay {relay}, the {name} account is theirs; check your plan at {relay} and tell its support what {name} answered.",
        name = p.name
    )));
}

fn from_rule(obs: &Observed, p: &Provider, out: &Outcome, found_by: Evidence) -> Diagnosis {
    let mut d = Diagnosis::new(out.cause, out.confidence, obs.status);
    if !out.hide_provider {
        set_provider(&mut d, p, found_by);
    }
    d.summary = out.summary.unwrap_or_default().into();
    d.explanation = out.explanation.unwrap_or_default().into();
    d.steps = match out.steps {
        Some(steps) => to_steps(steps),
        None => provider_steps(p, out.cause),
    };
    d
}

fn set_provider(d: &mut Diagnosis, p: &Provider, found_by: Evidence) {
    d.provider = Some(p.id.into());
    d.provider_name = Some(p.name.into());
    d.billing_url = p.billing_url.map(String::from);
    d.docs_url = p.docs_url.map(String::from);
    d.evidence.push(found_by);
}

/// The provider's steps for `cause` (or its default), else the generic steps led by a link to
/// the provider's billing page.
fn provider_steps(p: &Provider, cause: Cause) -> Vec<Step> {
    let for_cause = |c: Option<Cause>| p.steps.iter().find(|g| g.cause == c).map(|g| g.steps);
    if let Some(steps) = for_cause(Some(cause)).or_else(|| for_cause(None)) {
        return to_steps(steps);
    }
    let mut steps = super::generic::steps(cause);
    let billing_related = !matches!(cause, Cause::RateLimited | Cause::PaymentChallenge);
    if let (Some(url), true) = (p.billing_url, billing_related) {
        // Name the provider in the generic "open the billing page" step, or add one.
        match steps.first_mut() {
            Some(first) if first.text.starts_with(GENERIC_BILLING_STEP) => {
                first.text = first.text.replacen(
                    GENERIC_BILLING_STEP,
                    &format!("Open the {} billing page", p.name),
                    1,
                );
                first.link = Some(url.into());
            }
            _ => steps.insert(
                0,
                Step::text(format!(
                    "Open the {} billing page and check the account's status there.",
                    p.name
                ))
                .with_link(url),
            ),
        }
    }
    steps
}

/// How the generic steps start when they send the reader to a billing page.
const GENERIC_BILLING_STEP: &str = "Open the provider's billing page";

/// The evidence for a condition that holds, or `None`.
fn matches(obs: &Observed, c: &Condition) -> Option<Vec<Evidence>> {
    let status_ok = if c.status.is_empty() {
        (400..500).contains(&obs.status)
    } else {
        c.status.contains(&obs.status)
    };
    if !status_ok {
        return None;
    }
    let mut evidence = if c.json.is_empty() {
        Vec::new()
    } else {
        // The body's own document first, then those quoted inside it (an upstream's answer).
        let mut found = obs.json.as_ref().and_then(|v| json_evidence(v, "", c.json));
        for e in &obs.nested {
            if found.is_some() {
                break;
            }
            found = json_evidence(&e.value, &e.location, c.json);
        }
        found?
    };
    if !c.body_any.is_empty() {
        let phrase = c
            .body_any
            .iter()
            .find(|p| contains_phrase(&obs.body_lower, p))?;
        evidence.push(phrase_evidence(obs, phrase));
    }
    for h in c.headers {
        evidence.push(header_evidence(obs, h)?);
    }
    Some(evidence)
}

/// The evidence for every JSON condition in `conditions` holding in `doc` (found at `at`, ""
/// for the body itself), or `None`.
fn json_evidence(
    doc: &serde_json::Value,
    at: &str,
    conditions: &[JsonCondition],
) -> Option<Vec<Evidence>> {
    let mut evidence = Vec::new();
    for j in conditions {
        let path = j.path;
        let text = match json_at(doc, path)? {
            serde_json::Value::String(s) => s.clone(),
            serde_json::Value::Null => return None,
            other => json_text(other),
        };
        if !j.one_of.is_empty() && !j.one_of.iter().any(|w| w.eq_ignore_ascii_case(&text)) {
            return None;
        }
        evidence.push(Evidence::body(&within(at, path), &text));
    }
    Some(evidence)
}

/// The evidence for a header when it is present (with the wanted value, if given).
fn header_evidence(obs: &Observed, h: &HeaderCondition) -> Option<Evidence> {
    let (name, equals) = (h.name, h.equals);
    let value = obs.header(name)?;
    if equals.is_some_and(|want| !value.trim().eq_ignore_ascii_case(want)) {
        return None;
    }
    Some(Evidence::header(name, value))
}

/// The evidence for the first string of `doc` (found at `at`) holding `phrase`.
fn phrase_in(doc: &serde_json::Value, at: &str, phrase: &str) -> Option<Evidence> {
    let (path, value) = crate::core::reading::json_strings(doc)
        .into_iter()
        .find(|(_, s)| contains_phrase(&s.to_ascii_lowercase(), phrase))?;
    Some(Evidence::body(&within(at, &path), value))
}

/// Where a phrase was found: the JSON string holding it, else an excerpt of the text.
fn phrase_evidence(obs: &Observed, phrase: &str) -> Evidence {
    // The innermost document first: an upstream's message quoted by a relay.
    for e in obs.nested.iter().rev() {
        if let Some(ev) = phrase_in(&e.value, &e.location, phrase) {
            return ev;
        }
    }
    if let Some(ev) = obs.json.as_ref().and_then(|v| phrase_in(v, "", phrase)) {
        return ev;
    }
    Evidence::body(
        "text",
        &crate::core::evidence::excerpt_around(obs.body_text(), &obs.body_lower, phrase),
    )
}

#[cfg(test)]
mod tests;
