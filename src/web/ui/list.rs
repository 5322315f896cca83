//! The list of records, newest first. Each record is a button; one of them is in the Tab order
//! (roving tabindex) and ↑/↓/Home/End move between them (see `mod.rs`).

use web_sys::Element;

use super::detail::{fact, first_action, hidden_by_cors, provider_label, show_cause};
use super::dom::{Builder, R};
use super::retry::countdown;
use crate::capture::Listed;
use crate::decode::time::parse_rfc3339;
use crate::report::display::short_url;

/// `records` newest first; `selected` is marked current and holds the Tab stop (else the
/// newest does).
pub fn draw(b: &Builder, parent: &Element, records: &[&Listed], selected: Option<&str>) -> R<()> {
    let ul = b.el(parent, "ul", "w-list")?;
    ul.set_attribute("aria-label", "Payment failures, newest first")?;
    let tab_stop = selected
        .filter(|id| records.iter().any(|r| r.id == *id))
        .or_else(|| records.last().map(|r| r.id.as_str()));
    let now = js_sys::Date::now();
    for r in records.iter().rev() {
        let d = &r.diagnosis;
        let li = b.el(&ul, "li", "")?;
        let item = b.el(&li, "button", "w-rec")?;
        item.set_attribute("type", "button")?;
        b.action(&item, "open", &r.id)?;
        item.set_attribute("data-testid", "record")?;
        item.set_attribute("data-cause", d.cause.id())?;
        item.set_attribute("data-provider", d.provider.as_deref().unwrap_or(""))?;
        item.set_attribute(
            "tabindex",
            if tab_stop == Some(r.id.as_str()) {
                "0"
            } else {
                "-1"
            },
        )?;
        if selected == Some(r.id.as_str()) {
            item.set_attribute("aria-current", "true")?;
        }

        let head = b.el(&item, "span", "w-rec-head")?;
        b.text(&head, "span", "w-status", &r.status.to_string())?;
        let headline = b.rich_el(&head, "span", "w-headline", &d.summary)?;
        headline.set_attribute("data-testid", "headline")?;
        if hidden_by_cors(r) {
            b.text(&head, "span", "w-badge w-badge-warn", "hidden by CORS")?;
        }

        let sub = b.el(&item, "span", "w-rec-sub")?;
        if let Some(f) = fact(r) {
            b.text(&sub, "span", "w-fact", &f)?;
        }
        // Cause and provider only where the headline does not already say them.
        if show_cause(d) {
            let cause = b.text(&sub, "span", "w-cause", d.cause.plain())?;
            cause.set_attribute("data-testid", "cause")?;
        }
        let provider = provider_label(r);
        if !provider.is_empty() && !d.summary.contains(provider) {
            let p = b.text(&sub, "span", "w-provider", provider)?;
            p.set_attribute("data-testid", "provider")?;
        }

        if let Some((who, text)) = first_action(r) {
            let step = b.el(&item, "span", "w-step1")?;
            step.set_attribute("data-testid", "first-step")?;
            if let Some(who) = who {
                b.text(&step, "strong", "", &format!("{who}: "))?;
            }
            b.rich(&step, text)?;
        }

        let req = b.el(&item, "span", "w-rec-req")?;
        b.text(&req, "span", "w-method", &r.method)?;
        let url = b.text(&req, "span", "w-url", &short_url(&r.url))?;
        url.set_attribute("data-testid", "url")?;
        item.set_attribute("title", &r.url)?;
        if let Some(at) = d
            .retry
            .as_ref()
            .and_then(|t| t.at.as_deref())
            .and_then(parse_rfc3339)
        {
            b.append(&req, "retry ")?;
            let c = b.text(&req, "span", "w-countdown", &countdown(at))?;
            c.set_attribute("data-until", &at.to_string())?;
        }
        let time = b.text(&req, "span", "w-time", &ago(now, r.time_ms as f64))?;
        time.set_attribute("data-since", &r.time_ms.to_string())?;
    }
    Ok(())
}

/// "just now", "40 s ago", "3 min ago", "2 h ago", "3 d ago".
pub fn ago(now_ms: f64, then_ms: f64) -> String {
    let s = ((now_ms - then_ms) / 1000.0).max(0.0) as u64;
    match s {
        0..=4 => "just now".to_string(),
        5..=59 => format!("{s} s ago"),
        60..=3599 => format!("{} min ago", s / 60),
        3600..=86399 => format!("{} h ago", s / 3600),
        _ => format!("{} d ago", s / 86400),
    }
}
