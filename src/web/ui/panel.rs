//! The DevTools panel: a toolbar (clear, filter, preserve log, copy report), then the list and
//! the selected record's detail side by side. The toolbar is built once and kept across
//! redraws, so typing in the filter never loses the caret; Clear and Preserve log are handled
//! by the panel's glue (they concern storage and navigations), and shown only when the root
//! says it is in DevTools (`data-devtools`).

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use super::dom::{Builder, R};
use super::{detail, list, popup};
use crate::capture::Listed;

pub fn draw(
    b: &Builder,
    root: &Element,
    records: &[Listed],
    filter: &str,
    selected: Option<&Listed>,
) -> R<()> {
    let toolbar = match root.query_selector(":scope > .w-toolbar")? {
        Some(t) => t,
        None => build_toolbar(b, root, filter)?,
    };
    let body = match root.query_selector(":scope > .w-body")? {
        Some(body) => {
            body.set_text_content(None);
            body
        }
        None => b.el(root, "div", "w-body")?,
    };
    let shown: Vec<&Listed> = records.iter().filter(|r| matches(r, filter)).collect();
    if let Some(count) = toolbar.query_selector(".w-count")? {
        let text = if records.is_empty() {
            String::new()
        } else {
            popup::count(shown.len(), records.len())
        };
        count.set_text_content(Some(&text));
    }
    if records.is_empty() {
        return popup::empty(b, &body, true);
    }
    let split = b.el(&body, "div", "w-split")?;
    let left = b.el(&split, "div", "w-pane-list")?;
    if shown.is_empty() {
        b.text(&left, "p", "w-hint", "No failure matches the filter.")?;
    } else {
        list::draw(b, &left, &shown, selected.map(|r| r.id.as_str()))?;
    }
    // Focusable so the detail scrolls with the keyboard even when it holds no link.
    let right = b.el(&split, "section", "w-pane-detail")?;
    right.set_attribute("tabindex", "0")?;
    right.set_attribute("aria-label", "Selected failure")?;
    match selected.filter(|r| shown.iter().any(|s| s.id == r.id)) {
        Some(r) => detail::draw(b, &right, r),
        None => b.text(&right, "p", "w-hint", "Select a failure.").map(drop),
    }
}

/// The toolbar; `filter` is the text kept from before (the playground empties the root between
/// files, and the filter still applies).
fn build_toolbar(b: &Builder, root: &Element, filter: &str) -> R<Element> {
    let devtools = root.has_attribute("data-devtools");
    if devtools {
        // A heading for assistive tech; DevTools already shows the title visibly.
        b.text(root, "h1", "w-visually-hidden", "Why 402")?;
    }
    let bar = b.el(root, "div", "w-toolbar")?;
    bar.set_attribute("role", "toolbar")?;
    bar.set_attribute("aria-label", "Failures")?;
    if devtools {
        let clear = b.button(&bar, "w-tool", "Clear", "clear", "")?;
        clear.set_attribute("title", "Clear the list")?;
        clear.set_attribute("data-testid", "clear")?;
    }
    let input: HtmlInputElement = b.el(&bar, "input", "w-filter")?.unchecked_into();
    input.set_type("search");
    input.set_placeholder("Filter");
    input.set_value(filter);
    input.set_attribute("aria-label", "Filter by text, cause or provider")?;
    input.set_attribute("data-testid", "filter")?;
    input.set_attribute("spellcheck", "false")?;
    b.action(&input, "filter", "")?;
    if devtools {
        let label = b.el(&bar, "label", "w-check")?;
        let check: HtmlInputElement = b.el(&label, "input", "")?.unchecked_into();
        check.set_type("checkbox");
        check.set_checked(root.get_attribute("data-preserve").as_deref() == Some("on"));
        check.set_attribute("data-testid", "preserve")?;
        b.action(&check, "preserve", "")?;
        b.append(&label, "Preserve log")?;
    }
    b.el(&bar, "span", "w-count")?
        .set_attribute("aria-live", "polite")?;
    popup::copy_report(b, &bar)?;
    Ok(bar)
}

/// Case-insensitive match of `filter` against what a row shows and the cause and provider ids.
fn matches(r: &Listed, filter: &str) -> bool {
    let f = filter.trim().to_ascii_lowercase();
    if f.is_empty() {
        return true;
    }
    let d = &r.diagnosis;
    let fields = [
        d.summary.as_str(),
        d.cause.id(),
        d.cause.plain(),
        d.provider.as_deref().unwrap_or(""),
        d.provider_name.as_deref().unwrap_or(""),
        d.protocol.map_or("", |p| p.display()),
        r.url.as_str(),
        r.method.as_str(),
    ];
    fields.iter().any(|s| s.to_ascii_lowercase().contains(&f)) || r.status.to_string() == f
}
