//! What we know about providers and processors, kept as data: `providers.json` (one entry per
//! provider), Stripe's decline codes, the phrases the generic heuristics look for, and the
//! generic steps from the 402 troubleshooting guide.

use crate::core::diagnosis::{Cause, Diagnosis};
use crate::core::observed::Observed;

pub mod chains;
pub mod domain;
pub mod generic;
pub mod heuristics;
pub mod processors;
pub mod providers;
pub mod stripe;

/// Structured processor errors first (Stripe, then the others' vocabularies), then provider
/// rules, then keyword heuristics, which name the provider from the host's domain when no
/// knowledge entry does.
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    stripe::detect(obs)
        .or_else(|| processors::detect(obs))
        .or_else(|| providers::detect(obs))
        .or_else(|| {
            let mut d = heuristics::detect(obs)?;
            name_from_domain(obs, &mut d);
            Some(d)
        })
}

/// Names the provider of an unknown host from its registrable domain, at a confidence below a
/// knowledge match, with a first step that says where to look on that site.
fn name_from_domain(obs: &Observed, d: &mut Diagnosis) {
    let Some(host) = obs.host.as_deref() else {
        return;
    };
    let Some(domain) = providers::registrable(host) else {
        return;
    };
    let name = domain::display_name(&domain);
    d.provider = Some(domain::provider_id(&domain));
    // No knowledge entry: the registrable domain is the evidence for the name.
    d.evidence
        .push(crate::core::diagnosis::Evidence::host(&domain));
    d.confidence = d.confidence.min(crate::core::diagnosis::Confidence::Medium);
    let billing_related = !matches!(d.cause, Cause::RateLimited | Cause::PaymentChallenge);
    if billing_related {
        d.steps.insert(
            0,
            crate::core::diagnosis::Step::text(format!(
                "Sign in at {domain} with the account the request used and open its Billing, Usage or Plan page (often under Settings): look for a missing card, a used-up balance, a reached limit or a suspension."
            )),
        );
    }
    d.provider_name = Some(name);
}

// `build.rs` renders lists and records of strings as one text literal each: records split by
// RS, fields (or list items) by US. One literal compresses far better in the wasm than a table
// of string pointers.
const RS: char = '\u{1e}';
const US: char = '\u{1f}';
/// Between groups of records (a provider's steps per cause).
const GS: char = '\u{1d}';

/// `Cause` by the one-digit index the rendered tables use.
static CAUSES: [Cause; 10] = include!(concat!(env!("OUT_DIR"), "/causes.rs"));

fn digit(field: &str) -> Option<usize> {
    let b = *field.as_bytes().first()?;
    Some(usize::from(b.wrapping_sub(b'0')))
}

/// The cause a one-digit field names ("" for none).
fn cause_at(field: &str) -> Option<Cause> {
    CAUSES.get(digit(field)?).copied()
}

/// The items of a rendered list ("" is the empty list).
fn items(list: &'static str) -> impl Iterator<Item = &'static str> {
    list.split(US).filter(|s| !s.is_empty())
}

/// The records of a rendered table.
fn records(table: &'static str) -> impl Iterator<Item = Fields> {
    table
        .split(RS)
        .filter(|r| !r.is_empty())
        .map(|r| Fields(r.split(US)))
}

/// The fields after the key of the record whose first field is `key`.
fn find(table: &'static str, key: &str) -> Option<Fields> {
    for mut f in records(table) {
        if f.text() == key {
            return Some(f);
        }
    }
    None
}

/// The fields of one record, read in order.
struct Fields(std::str::Split<'static, char>);

impl Fields {
    fn text(&mut self) -> &'static str {
        self.0.next().unwrap_or_default()
    }

    /// An optional field ("" for none).
    fn opt(&mut self) -> Option<&'static str> {
        Some(self.text()).filter(|s| !s.is_empty())
    }

    fn flag(&mut self) -> bool {
        self.text() == "1"
    }

    /// A one-digit index ("" for none).
    fn index(&mut self) -> Option<usize> {
        digit(self.text())
    }

    fn cause(&mut self) -> Option<Cause> {
        cause_at(self.text())
    }
}

impl Iterator for Fields {
    type Item = &'static str;
    fn next(&mut self) -> Option<&'static str> {
        self.0.next()
    }
}
