//! The detail of one record, shared by the popup and the panel.

use web_sys::Element;

use super::dom::{Builder, R};
use super::list::provider_label;
use crate::capture::{Record, Source};
use crate::core::diagnosis::{EvidenceSource, PaymentTerms, Severity};
use crate::decode::time::human_duration;

pub fn draw(b: &Builder, parent: &Element, r: &Record) -> R<()> {
    let d = &r.diagnosis;
    let box_ = b.el(parent, "article", "w-detail")?;
    box_.set_attribute("data-testid", "detail")?;

    let head = b.el(&box_, "header", "w-detail-head")?;
    let line = b.el(&head, "p", "w-reqline")?;
    b.text(&line, "span", "w-method", &r.method)?;
    b.text(&line, "span", "w-status", &r.status.to_string())?;
    b.text(&line, "span", "w-fullurl", &r.url)?;
    let summary = b.text(&head, "h2", "w-summary", &d.summary)?;
    summary.set_attribute("data-testid", "summary")?;
    let meta = b.el(&head, "p", "w-meta")?;
    b.text(&meta, "span", "w-cause", d.cause.plain())?;
    let provider = provider_label(r);
    if !provider.is_empty() {
        b.text(&meta, "span", "w-provider", provider)?;
    }
    if let Some(p) = d.protocol {
        b.text(&meta, "span", "w-badge", p.display())?;
    }

    cors_warning(b, &box_, r)?;

    if !d.explanation.is_empty() {
        b.text(&box_, "p", "w-explain", &d.explanation)?;
    }

    if !d.steps.is_empty() {
        b.text(&box_, "h3", "", "What to do")?;
        let ol = b.el(&box_, "ol", "w-steps")?;
        ol.set_attribute("data-testid", "steps")?;
        for step in &d.steps {
            let li = b.el(&ol, "li", "")?;
            b.text(&li, "span", "", &step.text)?;
            if let Some(link) = &step.link {
                b.append(&li, " ")?;
                b.link(&li, link, "Open")?;
            }
            if let Some(snippet) = &step.snippet {
                let row = b.el(&li, "div", "w-snippet")?;
                b.text(&row, "code", "", snippet)?;
                b.button(&row, "w-copy", "Copy", "copy", "")?;
            }
        }
    }

    if d.billing_url.is_some() || d.docs_url.is_some() {
        let links = b.el(&box_, "p", "w-links")?;
        if let Some(u) = &d.billing_url {
            b.link(&links, u, "Open billing page")?;
        }
        if let Some(u) = &d.docs_url {
            b.link(&links, u, "Error documentation")?;
        }
    }

    if let Some(retry) = &d.retry {
        let p = b.el(&box_, "p", "w-retry")?;
        p.set_attribute("data-testid", "retry")?;
        let mut text = String::from("Retry after ");
        text.push_str(&human_duration(retry.after_seconds));
        if let Some(at) = &retry.at {
            text.push_str(" (at ");
            text.push_str(at);
            text.push(')');
        }
        text.push_str(", as the ");
        text.push_str(&retry.source);
        text.push_str(" header says.");
        p.set_text_content(Some(&text));
    }

    if let Some(terms) = &d.payment {
        payment(b, &box_, terms)?;
    }

    if !d.findings.is_empty() {
        b.text(&box_, "h3", "", "Problems in the server's response")?;
        let ul = b.el(&box_, "ul", "w-findings")?;
        ul.set_attribute("data-testid", "findings")?;
        for f in &d.findings {
            let li = b.el(&ul, "li", "")?;
            let (class, label) = match f.severity {
                Severity::Error => ("w-badge w-badge-err", "error"),
                Severity::Warning => ("w-badge w-badge-warn", "warning"),
                Severity::Info => ("w-badge", "info"),
            };
            b.text(&li, "span", class, label)?;
            b.append(&li, " ")?;
            b.text(&li, "span", "", &f.message)?;
            if !f.fix.is_empty() {
                b.text(&li, "span", "w-fix", &f.fix)?;
            }
        }
    }

    b.text(&box_, "h3", "", "Evidence")?;
    let ul = b.el(&box_, "ul", "w-evidence")?;
    ul.set_attribute("data-testid", "evidence")?;
    for e in &d.evidence {
        let li = b.el(&ul, "li", "")?;
        let mut label = String::from(match e.source {
            EvidenceSource::Status => "status",
            EvidenceSource::Header => "response header",
            EvidenceSource::RequestHeader => "request header",
            EvidenceSource::Body => "body",
            EvidenceSource::Url => "url",
            EvidenceSource::Capture => "capture",
        });
        if !e.location.is_empty() {
            label.push(' ');
            label.push_str(&e.location);
        }
        b.text(&li, "span", "w-ev-where", &label)?;
        b.text(&li, "code", "", &e.value)?;
    }

    b.text(&box_, "p", "w-source", source_note(r))?;
    Ok(())
}

/// What the page itself saw, when that differs from what the extension saw.
fn cors_warning(b: &Builder, parent: &Element, r: &Record) -> R<()> {
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
        text.push_str("The browser hid this ");
        text.push_str(&r.status.to_string());
        text.push_str(" from the page: it saw 'Failed to fetch'");
        if let Some(err) = &r.page_error {
            text.push_str(" (");
            text.push_str(err);
            text.push(')');
        }
        text.push_str(" instead of the response. ");
        if unreadable {
            text.push_str(
                "The server does not allow this site to read its answer (no matching \
                 Access-Control-Allow-Origin), so the app cannot show you the reason. \
                 What follows is what the network carried.",
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

fn source_note(r: &Record) -> &'static str {
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
    b.text(parent, "h3", "", "Payment requested")?;
    let dl = b.el(parent, "dl", "w-terms")?;
    dl.set_attribute("data-testid", "payment")?;
    terms(b, &dl, t)?;
    if !t.alternatives.is_empty() {
        b.text(parent, "p", "w-alt-head", "The server also accepts:")?;
        let ul = b.el(parent, "ul", "w-alts")?;
        for alt in &t.alternatives {
            let li = b.el(&ul, "li", "")?;
            let mut line = amount_text(alt).unwrap_or_default();
            if let Some(n) = alt.network.as_deref().or(alt.network_id.as_deref()) {
                if !line.is_empty() {
                    line.push_str(" on ");
                }
                line.push_str(n);
            }
            if line.is_empty() {
                line.push_str(alt.scheme.as_deref().unwrap_or("another option"));
            }
            li.set_text_content(Some(&line));
        }
    }
    Ok(())
}

/// `0.01 USDC`, else the atomic amount with its unit named.
fn amount_text(t: &PaymentTerms) -> Option<String> {
    let (mut s, human) = match (&t.amount, &t.amount_atomic) {
        (Some(a), _) => (a.clone(), true),
        (None, Some(a)) => (a.clone(), false),
        (None, None) => return None,
    };
    if let Some(asset) = t.asset.as_deref().or(t.asset_id.as_deref()) {
        s.push(' ');
        s.push_str(asset);
    }
    if !human {
        s.push_str(" (smallest units)");
    }
    Some(s)
}

fn terms(b: &Builder, dl: &Element, t: &PaymentTerms) -> R<()> {
    let row = |name: &str, value: &str| -> R<()> {
        b.text(dl, "dt", "", name)?;
        b.text(dl, "dd", "", value)?;
        Ok(())
    };
    if let Some(a) = amount_text(t) {
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
        row("Pay to", v)?;
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
        row("Resource", v)?;
    }
    if let Some(v) = &t.description {
        row("Description", v)?;
    }
    if let Some(v) = &t.invoice {
        row("Invoice", v)?;
    }
    if let Some(v) = &t.payment_hash {
        row("Payment hash", v)?;
    }
    Ok(())
}
