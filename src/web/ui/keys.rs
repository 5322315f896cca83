//! Keyboard movement in the list (roving tabindex: one row is in the Tab order, ↑/↓/Home/End
//! move between rows) and the timer that keeps relative times and countdowns current.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent};

use super::list::ago;
use super::retry::countdown;

/// Moves the focus between list rows for ↑/↓/Home/End on a row; returns the id of the row
/// now focused.
pub fn move_in_list(root: &Element, e: &KeyboardEvent) -> Option<String> {
    let key = e.key();
    if !matches!(key.as_str(), "ArrowUp" | "ArrowDown" | "Home" | "End") {
        return None;
    }
    let current = e.target()?.dyn_into::<Element>().ok()?;
    if !current.class_list().contains("w-rec") {
        return None;
    }
    let rows = root.query_selector_all(".w-rec").ok()?;
    let n = rows.length();
    let at = (0..n).find(|&i| rows.get(i).is_some_and(|r| r.is_same_node(Some(&current))))?;
    let next = match key.as_str() {
        "ArrowUp" => at.saturating_sub(1),
        "ArrowDown" => (at + 1).min(n.saturating_sub(1)),
        "Home" => 0,
        _ => n.saturating_sub(1),
    };
    e.prevent_default();
    let target: HtmlElement = rows.get(next)?.dyn_into().ok()?;
    current.set_attribute("tabindex", "-1").ok()?;
    target.set_attribute("tabindex", "0").ok()?;
    target.focus().ok()?;
    target.get_attribute("data-id")
}

/// Every second, updates the "3 min ago" times (`data-since`, ms) and the retry countdowns
/// (`data-until`, s) inside `root`.
pub fn tick_times(root: &Element) {
    let r = root.clone();
    let tick = move || {
        let now = js_sys::Date::now();
        if let Ok(list) = r.query_selector_all("[data-since]") {
            for i in 0..list.length() {
                let Some(el) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                // An integer: parsing an f64 would link the float parser into the wasm.
                let since = el.get_attribute("data-since");
                if let Some(ms) = since.and_then(|v| v.parse::<u64>().ok()) {
                    set_if_changed(&el, &ago(now, ms as f64));
                }
            }
        }
        if let Ok(list) = r.query_selector_all("[data-until]") {
            for i in 0..list.length() {
                let Some(el) = list.get(i).and_then(|n| n.dyn_into::<Element>().ok()) else {
                    continue;
                };
                if let Some(at) = el
                    .get_attribute("data-until")
                    .and_then(|v| v.parse::<i64>().ok())
                {
                    set_if_changed(&el, &countdown(at));
                }
            }
        }
    };
    // Lives as long as the page, like the root's listeners.
    gloo::timers::callback::Interval::new(1000, tick).forget();
}

fn set_if_changed(el: &Element, text: &str) {
    if el.text_content().as_deref() != Some(text) {
        el.set_text_content(Some(text));
    }
}
