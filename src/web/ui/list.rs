//! The list of records, newest first. Each record is a button (focusable, Enter/Space open it).

use web_sys::Element;

use super::dom::{Builder, R};
use crate::capture::display::short_url;
use crate::capture::Record;

/// The provider's display name, else its id, else empty.
pub fn provider_label(r: &Record) -> &str {
    let d = &r.diagnosis;
    d.provider_name
        .as_deref()
        .or(d.provider.as_deref())
        .unwrap_or("")
}

pub fn draw(b: &Builder, parent: &Element, records: &[Record], selected: Option<&str>) -> R<()> {
    let ul = b.el(parent, "ul", "w-list")?;
    ul.set_attribute("aria-label", "Payment failures, newest first")?;
    for r in records.iter().rev() {
        let li = b.el(&ul, "li", "")?;
        let item = b.el(&li, "button", "w-rec")?;
        item.set_attribute("type", "button")?;
        b.action(&item, "open", &r.id)?;
        item.set_attribute("data-testid", "record")?;
        item.set_attribute("data-cause", r.diagnosis.cause.id())?;
        item.set_attribute(
            "data-provider",
            r.diagnosis.provider.as_deref().unwrap_or(""),
        )?;
        if selected == Some(r.id.as_str()) {
            item.set_attribute("aria-current", "true")?;
        }

        let top = b.el(&item, "span", "w-rec-top")?;
        b.text(&top, "span", "w-method", &r.method)?;
        b.text(&top, "span", "w-status", &r.status.to_string())?;
        let url = b.text(&top, "span", "w-url", &short_url(&r.url))?;
        url.set_attribute("data-testid", "url")?;
        url.set_attribute("title", &r.url)?;

        let mid = b.el(&item, "span", "w-rec-mid")?;
        let cause = b.text(&mid, "span", "w-cause", r.diagnosis.cause.plain())?;
        cause.set_attribute("data-testid", "cause")?;
        let provider = b.text(&mid, "span", "w-provider", provider_label(r))?;
        provider.set_attribute("data-testid", "provider")?;
        if r.page_error.is_some()
            || r.diagnosis
                .cors
                .as_ref()
                .is_some_and(|c| !c.page_can_read_response)
        {
            b.text(&mid, "span", "w-badge w-badge-warn", "hidden from page")?;
        }

        let first = r.diagnosis.steps.first().map_or("", |s| s.text.as_str());
        let step = b.text(&item, "span", "w-step1", first)?;
        step.set_attribute("data-testid", "first-step")?;
    }
    Ok(())
}
