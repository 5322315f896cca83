//! The detail of one record, shared by the popup and the panel.

use web_sys::Element;

use super::dom::{Builder, R};
use super::links;
use super::retry::retry_line;
use crate::capture::{Listed, Source};
use crate::core::diagnosis::{Cause, Diagnosis, Finding, PaymentTerms, Severity, Step};
use crate::core::provenance::host;
use crate::core::terms_text;
use crate::decode::time::human_duration;

/// Step text longer than this shows its first sentence, the rest behind "Details".
const LONG_STEP_CHARS: usize = 180;

/// The detail of `r`, in reading order: what happened (headline, decisive fact), when to retry,
/// the first action that works here, the payment terms, then everything else.
pub fn draw(b: &Builder, parent: &Element, r: &Listed) -> R<()> {
    let d = &r.diagnosis;
    let box_ = b.el(parent, "article", "w-detail")?;
    box_.set_attribute("data-testid", "detail")?;
    box_.set_attribute("aria-labelledby", "w-detail-title")?;

    header(b, &box_, r)?;
    if let Some(retry) = &d.retry {
        retry_line(b, &box_, retry)?;
    }
    cors_warning(b, &box_, r)?;

    // The CORS fix comes first when the page cannot read the answer: nothing else on the
    // page's side can work until the server sends the headers.
    let cors_fixes = cors_fixes(d);
    first_steps(b, &box_, r, &cors_fixes)?;
    if let Some(terms) = &d.payment {
        payment(b, &box_, terms)?;
        later_steps(b, &box_, r, cors_fixes.len())?;
    }
    provider_pages(b, &box_, r)?;
    findings(b, &box_, d, &cors_fixes)?;
    evidence(b, &box_, d)?;
    if !d.explanation.is_empty() {
        b.text(&box_, "h3", "", "Why")?;
        b.rich_el(&box_, "p", "w-explain", &d.explanation)?;
    }
    b.text(&box_, "p", "w-source", source_note(r))?;
    Ok(())
}

/// A headed part of the detail: an `h3`, then a `tag` list (`ol`, `ul`, `dl`) with `class`, which
/// tests find by `testid`.
fn section(
    b: &Builder,
    parent: &Element,
    heading: &str,
    tag: &str,
    class: &str,
    testid: &str,
) -> R<Element> {
    b.text(parent, "h3", "", heading)?;
    let list = b.el(parent, tag, class)?;
    list.set_attribute("data-testid", testid)?;
    Ok(list)
}

/// The headline, the decisive fact, the badges (cause, provider, protocol, CORS) and the
/// request line.
fn header(b: &Builder, box_: &Element, r: &Listed) -> R<()> {
    let d = &r.diagnosis;
    let head = b.el(box_, "header", "w-detail-head")?;
    let summary = b.rich_el(&head, "h2", "w-summary", &d.summary)?;
    summary.set_attribute("data-testid", "summary")?;
    summary.set_id("w-detail-title");
    if let Some(fact) = fact(r) {
        let p = b.text(&head, "p", "w-fact", &fact)?;
        p.set_attribute("data-testid", "fact")?;
    }
    let meta = b.el(&head, "p", "w-meta")?;
    if show_cause(d) {
        b.text(&meta, "span", "w-cause", d.cause.plain())?;
    }
    let provider = provider_label(r);
    if !provider.is_empty() && !d.summary.starts_with(provider) {
        b.text(&meta, "span", "w-provider", provider)?;
    }
    if let Some(p) = d.protocol {
        b.text(&meta, "span", "w-badge", p.display())?;
    }
    if hidden_by_cors(r) {
        b.text(
            &meta,
            "span",
            "w-badge w-badge-warn",
            "hidden from your page by CORS",
        )?;
    }
    let line = b.el(&head, "p", "w-reqline")?;
    b.text(&line, "span", "w-method", &r.method)?;
    b.text(&line, "span", "w-status", &r.status.to_string())?;
    b.text(&line, "span", "w-fullurl", &r.url)?;
    Ok(())
}

/// "What to do": the CORS fixes, then the steps — only the first one when payment terms
/// follow (the rest come after them, see [`later_steps`]).
fn first_steps(b: &Builder, box_: &Element, r: &Listed, cors_fixes: &[&Finding]) -> R<()> {
    let d = &r.diagnosis;
    if d.steps.is_empty() && cors_fixes.is_empty() {
        return Ok(());
    }
    let ol = section(b, box_, "What to do", "ol", "w-steps", "steps")?;
    for f in cors_fixes {
        let li = b.el(&ol, "li", "w-step-first")?;
        li.set_attribute("data-testid", "cors-fix")?;
        b.text(&li, "strong", "w-who", &format!("{SERVER_OWNER}: "))?;
        b.rich(&li, &f.fix)?;
        // Why the browser hid it (origin mismatch, credentials, …), for the server's owner.
        b.rich_el(&li, "span", "w-fix", &f.message)?;
    }
    let first = if d.payment.is_some() {
        1
    } else {
        d.steps.len()
    };
    for (i, step) in d.steps.iter().take(first).enumerate() {
        let class = if i == 0 && cors_fixes.is_empty() {
            "w-step-first"
        } else {
            ""
        };
        step_item(b, &ol, r, step, class)?;
    }
    Ok(())
}

/// "Then": the steps after the first, below the payment terms, numbered on from above.
fn later_steps(b: &Builder, box_: &Element, r: &Listed, cors_fixes: usize) -> R<()> {
    let steps = &r.diagnosis.steps;
    if steps.len() <= 1 {
        return Ok(());
    }
    let ol = section(b, box_, "Then", "ol", "w-steps", "more-steps")?;
    ol.set_attribute("start", &(cors_fixes + 2).to_string())?;
    for step in &steps[1..] {
        step_item(b, &ol, r, step, "")?;
    }
    Ok(())
}

/// The provider's pages, unless a step already links them.
fn provider_pages(b: &Builder, box_: &Element, r: &Listed) -> R<()> {
    let d = &r.diagnosis;
    let pages: Vec<&String> = [&d.billing_url, &d.docs_url]
        .into_iter()
        .flatten()
        .filter(|u| !d.steps.iter().any(|s| s.link.as_ref() == Some(*u)))
        .collect();
    if pages.is_empty() {
        return Ok(());
    }
    let links = b.el(box_, "p", "w-links")?;
    for u in pages {
        links::draw(b, &links, d, u, provider_label(r))?;
    }
    Ok(())
}

/// "Problems in the server's response": the findings not already shown as CORS fixes.
fn findings(b: &Builder, box_: &Element, d: &Diagnosis, cors_fixes: &[&Finding]) -> R<()> {
    let findings: Vec<&Finding> = d
        .findings
        .iter()
        .filter(|f| !cors_fixes.iter().any(|c| std::ptr::eq(*c, *f)))
        .collect();
    if findings.is_empty() {
        return Ok(());
    }
    let heading = "Problems in the server's response";
    let ul = section(b, box_, heading, "ul", "w-findings", "findings")?;
    for f in findings {
        let li = b.el(&ul, "li", "")?;
        let (class, label) = match f.severity {
            Severity::Error => ("w-badge w-badge-err", "error"),
            Severity::Warning => ("w-badge w-badge-warn", "warning"),
            Severity::Info => ("w-badge", "info"),
        };
        b.text(&li, "span", class, label)?;
        b.append(&li, " ")?;
        b.rich_el(&li, "span", "", &f.message)?;
        if !f.fix.is_empty() {
            b.rich_el(&li, "span", "w-fix", &f.fix)?;
        }
    }
    Ok(())
}

/// The evidence, open: where each fact was read and its (redacted) value.
fn evidence(b: &Builder, box_: &Element, d: &Diagnosis) -> R<()> {
    let ev = b.el(box_, "details", "w-ev")?;
    ev.set_attribute("open", "")?;
    let n = d.evidence.len();
    b.text(&ev, "summary", "", &format!("Evidence ({n})"))?;
    let ul = b.el(&ev, "ul", "w-evidence")?;
    ul.set_attribute("data-testid", "evidence")?;
    for e in &d.evidence {
        let li = b.el(&ul, "li", "")?;
        let mut label = String::from(e.source.label());
        if !e.location.is_empty() {
            label.push(' ');
            label.push_str(&e.location);
        }
        b.text(&li, "span", "w-ev-where", &label)?;
        b.text(&li, "code", "", &e.value)?;
    }
    Ok(())
}

/// The cause only when the headline does not already say it (a protocol's headline says that
/// payment is requested).
pub fn show_cause(d: &Diagnosis) -> bool {
    let said = d.summary.contains(d.cause.plain())
        || (d.cause == Cause::PaymentChallenge && d.protocol.is_some());
    !said
}

/// True when the page's JavaScript could not read the response.
pub fn hidden_by_cors(r: &Listed) -> bool {
    r.page_error.is_some()
        || r.diagnosis
            .cors
            .as_ref()
            .is_some_and(|c| !c.page_can_read_response)
}

/// Who acts (when the data says) and the first thing to do: the CORS fix when the page cannot
/// read the answer, else the first step.
pub fn first_action(r: &Listed) -> Option<(Option<&'static str>, &str)> {
    let d = &r.diagnosis;
    if let Some(f) = cors_fixes(d).first() {
        return Some((Some(SERVER_OWNER), f.fix.as_str()));
    }
    d.steps.first().map(|s| (None, s.text.as_str()))
}

const SERVER_OWNER: &str = "The server's owner";

/// The CORS findings' fixes, which come before every other step (see [`draw`]).
fn cors_fixes(d: &Diagnosis) -> Vec<&Finding> {
    d.findings
        .iter()
        .filter(|f| f.code.starts_with("cors_") && !f.fix.is_empty())
        .collect()
}

/// The provider's display name, else its id, else empty.
pub fn provider_label(r: &Listed) -> &str {
    let d = &r.diagnosis;
    d.provider_name
        .as_deref()
        .or(d.provider.as_deref())
        .unwrap_or("")
}

/// The decisive fact under the headline: the price asked, else nothing (the headline carries
/// the decline reason or what ran out).
pub fn fact(r: &Listed) -> Option<String> {
    let t = r.diagnosis.payment.as_ref()?;
    // Not twice: most protocol headlines already carry the price.
    if t.amount
        .as_deref()
        .is_some_and(|a| r.diagnosis.summary.contains(a))
    {
        return None;
    }
    let s = terms_text::brief_price(t);
    (!s.is_empty()).then_some(s)
}

fn step_item(b: &Builder, ol: &Element, r: &Listed, step: &Step, class: &str) -> R<()> {
    let li = b.el(ol, "li", class)?;
    let text = step.text.as_str();
    match split_long(text) {
        Some((head, rest)) => {
            b.rich(&li, head)?;
            let more = b.el(&li, "details", "w-more")?;
            b.text(&more, "summary", "", "Details")?;
            b.rich_el(&more, "p", "", rest)?;
        }
        None => b.rich(&li, text)?,
    }
    if let Some(link) = &step.link {
        b.append(&li, " ")?;
        links::draw(b, &li, &r.diagnosis, link, provider_label(r))?;
    }
    if let Some(snippet) = &step.snippet {
        b.copyable(&li, snippet, "snippet")?;
    }
    Ok(())
}

/// A long step split after its first sentence, when that leaves a real first part.
fn split_long(text: &str) -> Option<(&str, &str)> {
    if text.chars().count() <= LONG_STEP_CHARS {
        return None;
    }
    // Outside inline code only: a `. ` inside backticks is not a sentence end.
    let mut in_code = false;
    for (i, c) in text.char_indices() {
        match c {
            '`' => in_code = !in_code,
            '.' if !in_code && i >= 30 => {
                let rest = &text[i + 1..];
                if rest.starts_with(' ') && rest.trim().len() > 40 {
                    return Some((&text[..=i], rest.trim_start()));
                }
            }
            _ => {}
        }
    }
    None
}

/// What the page itself saw, when that differs from what the extension saw.
fn cors_warning(b: &Builder, parent: &Element, r: &Listed) -> R<()> {
    let cors = r.diagnosis.cors.as_ref();
    let unreadable = cors.is_some_and(|c| !c.page_can_read_response);
    let hidden = cors.map_or(&[][..], |c| c.hidden_headers.as_slice());
    if !unreadable && r.page_error.is_none() && hidden.is_empty() {
        return Ok(());
    }
    let box_ = b.el(parent, "div", "w-warn")?;
    box_.set_attribute("data-testid", "cors-warning")?;
    box_.set_attribute("role", "note")?;
    let mut text = String::new();
    if unreadable || r.page_error.is_some() {
        text.push_str("Your page never saw this ");
        text.push_str(&r.status.to_string());
        text.push_str(": the browser gave it 'Failed to fetch'");
        if let Some(err) = &r.page_error {
            text.push_str(" (");
            text.push_str(err);
            text.push(')');
        }
        text.push_str(". ");
        if unreadable {
            text.push_str(
                "The server does not allow this site to read its answer, so the app cannot \
                 act on it. Below is what the network carried.",
            );
        }
    } else {
        text.push_str("The page can read this response but not its payment headers: ");
        text.push_str(&hidden.join(", "));
        text.push_str(
            ". The server must list them in Access-Control-Expose-Headers for the app to pay.",
        );
    }
    box_.set_text_content(Some(text.trim_end()));
    Ok(())
}

fn source_note(r: &Listed) -> &'static str {
    match (r.source, r.has_body) {
        (Source::Devtools, _) => "Captured by DevTools, with the response body.",
        (Source::Page, _) => "Captured from the page, with the response body.",
        (Source::Import, _) => "Imported from a file.",
        (Source::Network, true) => "Seen on the network, with the response body.",
        (Source::Network, false) => {
            "Seen on the network without its body: open DevTools → Why 402 and reload to capture it."
        }
    }
}

fn payment(b: &Builder, parent: &Element, t: &PaymentTerms) -> R<()> {
    let dl = section(b, parent, "Payment requested", "dl", "w-terms", "payment")?;
    terms(b, &dl, t)?;
    if !t.alternatives.is_empty() {
        b.text(parent, "p", "w-alt-head", "The server also accepts:")?;
        let ul = b.el(parent, "ul", "w-alts")?;
        for alt in &t.alternatives {
            let li = b.el(&ul, "li", "")?;
            let mut line = terms_text::brief_price(alt);
            if line.is_empty() {
                line.push_str(alt.scheme.as_deref().unwrap_or("another option"));
            }
            li.set_text_content(Some(&line));
        }
    }
    Ok(())
}

fn terms(b: &Builder, dl: &Element, t: &PaymentTerms) -> R<()> {
    let row = |name: &str, value: &str| -> R<()> {
        b.text(dl, "dt", "", name)?;
        b.text(dl, "dd", "", value)?;
        Ok(())
    };
    // Values to paste into a wallet or a client: in a wrapping box with a Copy button.
    let long = |name: &str, value: &str| -> R<()> {
        b.text(dl, "dt", "", name)?;
        let dd = b.el(dl, "dd", "")?;
        b.copyable(&dd, value, name)
    };
    if let Some(a) = terms_text::brief_amount(t) {
        row("Amount", &a)?;
    }
    if let Some(n) = t.network.as_deref().or(t.network_id.as_deref()) {
        let mut s = n.to_string();
        if t.testnet == Some(true) {
            s.push_str(" (test network)");
        }
        row("Network", &s)?;
    }
    if let Some(v) = &t.pay_to {
        long("Pay to", v)?;
    }
    if let (Some(id), Some(_)) = (&t.asset_id, &t.asset) {
        if id.len() > 20 {
            long("Asset contract", id)?;
        }
    }
    if let Some(v) = &t.scheme {
        row("Scheme", v)?;
    }
    match (&t.expires_at, t.expired) {
        (Some(at), Some(true)) => row("Expires", &(at.clone() + " (expired)"))?,
        (Some(at), _) => row("Expires", at)?,
        (None, Some(true)) => row("Expires", "expired")?,
        _ => {}
    }
    if let Some(s) = t.max_timeout_seconds {
        row("Time to pay", &human_duration(s))?;
    }
    if let Some(v) = &t.resource {
        // The server's own URL: shown as text with its host, never as our link.
        b.text(dl, "dt", "", "Resource")?;
        let dd = b.el(dl, "dd", "")?;
        b.text(&dd, "code", "", v)?;
        if let Some(h) = host(v) {
            b.text(&dd, "span", "w-from", &format!(" (from the response, {h})"))?;
        }
    }
    if let Some(v) = &t.description {
        b.text(dl, "dt", "", "Description")?;
        b.rich_el(dl, "dd", "", v)?;
    }
    if let Some(v) = &t.invoice {
        long("Invoice", v)?;
    }
    if let Some(v) = &t.payment_hash {
        long("Payment hash", v)?;
    }
    Ok(())
}
