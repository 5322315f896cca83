//! The toolbar popup (380 px wide, narrower windows down to 320 px): a list, or one record's
//! detail with a Back button.

use web_sys::Element;

use super::dom::{Builder, R};
use super::{detail, list};
use crate::capture::Listed;

pub fn draw(b: &Builder, root: &Element, records: &[Listed], selected: Option<&Listed>) -> R<()> {
    let head = b.el(root, "header", "w-head")?;
    b.text(&head, "h1", "", "Why 402")?;
    if !records.is_empty() {
        b.text(
            &head,
            "span",
            "w-count",
            &count(records.len(), records.len()),
        )?;
        copy_report(b, &head)?;
    }
    match selected {
        Some(r) => {
            let nav = b.el(root, "nav", "w-nav")?;
            nav.set_attribute("aria-label", "Back to the list")?;
            b.button(&nav, "w-back", "← All failures", "back", "")?;
            detail::draw(b, root, r)
        }
        None if records.is_empty() => empty(b, root, false),
        None => {
            let all: Vec<&Listed> = records.iter().collect();
            list::draw(b, root, &all, None)
        }
    }
}

/// "3 failures", or "2 of 5 shown" when a filter hides some.
pub fn count(shown: usize, total: usize) -> String {
    match (shown, total) {
        (s, t) if s != t => format!("{s} of {t} shown"),
        (1, _) => "1 failure".to_string(),
        (_, t) => format!("{t} failures"),
    }
}

pub fn copy_report(b: &Builder, parent: &Element) -> R<()> {
    let copy = b.button(parent, "w-copy-report", "Copy report", "copy-report", "")?;
    copy.set_attribute("data-testid", "copy-report")?;
    copy.set_attribute("title", "Copy a Markdown report (secrets redacted)")?;
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
