//! The DevTools panel: the list and the selected record's detail side by side.

use web_sys::Element;

use super::dom::{Builder, R};
use super::{detail, list, popup};
use crate::capture::Record;

pub fn draw(b: &Builder, root: &Element, records: &[Record], selected: Option<&Record>) -> R<()> {
    popup::header(b, root, records)?;
    if records.is_empty() {
        return popup::empty(b, root, true);
    }
    let split = b.el(root, "div", "w-split")?;
    let left = b.el(&split, "div", "w-pane-list")?;
    list::draw(b, &left, records, selected.map(|r| r.id.as_str()))?;
    let right = b.el(&split, "div", "w-pane-detail")?;
    match selected {
        Some(r) => detail::draw(b, &right, r),
        None => b.text(&right, "p", "w-hint", "Select a record.").map(drop),
    }
}
