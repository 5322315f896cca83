//! The toolbar popup (~380×560): a list, or one record's detail with a Back button.

use web_sys::Element;

use super::dom::{Builder, R};
use super::{detail, list};
use crate::capture::Record;

pub fn draw(b: &Builder, root: &Element, records: &[Record], selected: Option<&Record>) -> R<()> {
    header(b, root, records)?;
    match selected {
        Some(r) => {
            let nav = b.el(root, "nav", "w-nav")?;
            b.button(&nav, "w-back", "← Back", "back", "")?;
            detail::draw(b, root, r)
        }
        None if records.is_empty() => empty(b, root, false),
        None => list::draw(b, root, records, None),
    }
}

/// Title, count and the Copy report button (shared with the panel).
pub fn header(b: &Builder, root: &Element, records: &[Record]) -> R<()> {
    let head = b.el(root, "header", "w-head")?;
    b.text(&head, "h1", "", "Why 402")?;
    if !records.is_empty() {
        let n = records.len();
        let count = if n == 1 {
            "1 failure".to_string()
        } else {
            n.to_string() + " failures"
        };
        b.text(&head, "span", "w-count", &count)?;
        let copy = b.button(&head, "w-copy-report", "Copy report", "copy-report", "")?;
        copy.set_attribute("data-testid", "copy-report")?;
    }
    Ok(())
}

/// What to do when nothing was seen; `in_devtools` when shown in the panel.
pub fn empty(b: &Builder, root: &Element, in_devtools: bool) -> R<()> {
    let e = b.el(root, "div", "w-empty")?;
    e.set_attribute("data-testid", "empty")?;
    b.text(
        &e,
        "p",
        "w-empty-title",
        "No payment failures seen in this tab yet.",
    )?;
    b.text(
        &e,
        "p",
        "",
        "Reload the page or repeat the action that failed; 402 responses (and billing errors \
         behind 400, 401, 403 and 429) show up here.",
    )?;
    let bodies = if in_devtools {
        "While DevTools is open, response bodies are captured too."
    } else {
        "Open DevTools → Why 402 to capture response bodies too."
    };
    b.text(&e, "p", "", bodies)?;
    Ok(())
}
