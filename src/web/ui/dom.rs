//! DOM building helpers. Text goes in through text nodes only, never markup; links only for
//! http(s) URLs.

use std::cell::RefCell;

use wasm_bindgen::JsValue;
use web_sys::{Document, Element};

use crate::report::display::safe_href;

pub type R<T> = Result<T, JsValue>;

/// Builds elements in one document and remembers the control that should get focus back after a
/// re-render (matched by `data-action` + `data-id`).
pub struct Builder {
    pub doc: Document,
    want_focus: Option<(String, String)>,
    pub focus: RefCell<Option<Element>>,
}

impl Builder {
    pub fn new(doc: Document, want_focus: Option<(String, String)>) -> Builder {
        Builder {
            doc,
            want_focus,
            focus: RefCell::new(None),
        }
    }

    /// A child element of `parent`; `class` may be empty.
    pub fn el(&self, parent: &Element, tag: &str, class: &str) -> R<Element> {
        let e = self.doc.create_element(tag)?;
        if !class.is_empty() {
            e.set_class_name(class);
        }
        parent.append_child(&e)?;
        Ok(e)
    }

    /// A child element holding `text` as a text node.
    pub fn text(&self, parent: &Element, tag: &str, class: &str, text: &str) -> R<Element> {
        let e = self.el(parent, tag, class)?;
        e.set_text_content(Some(text));
        Ok(e)
    }

    /// Appends a bare text node.
    pub fn append(&self, parent: &Element, text: &str) -> R<()> {
        parent.append_child(&self.doc.create_text_node(text))?;
        Ok(())
    }

    /// A button that the root's click handler dispatches on `data-action` (and `data-id`).
    pub fn button(
        &self,
        parent: &Element,
        class: &str,
        label: &str,
        action: &str,
        id: &str,
    ) -> R<Element> {
        let b = self.text(parent, "button", class, label)?;
        b.set_attribute("type", "button")?;
        self.action(&b, action, id)?;
        Ok(b)
    }

    /// Marks `e` as dispatching `action` for record `id`.
    pub fn action(&self, e: &Element, action: &str, id: &str) -> R<()> {
        e.set_attribute("data-action", action)?;
        if !id.is_empty() {
            e.set_attribute("data-id", id)?;
        }
        if let Some((a, i)) = &self.want_focus {
            if a == action && i == id {
                *self.focus.borrow_mut() = Some(e.clone());
            }
        }
        Ok(())
    }

    /// A link opening in a new tab when `url` is http(s); anything else (`javascript:`) is left
    /// out rather than shown half-usable.
    pub fn link(&self, parent: &Element, url: &str, label: &str) -> R<()> {
        if let Some(href) = safe_href(url) {
            let a = self.text(parent, "a", "w-link", label)?;
            a.set_attribute("href", href)?;
            a.set_attribute("target", "_blank")?;
            a.set_attribute("rel", "noopener noreferrer")?;
            a.set_attribute("title", href)?;
        }
        Ok(())
    }

    /// `text` with Markdown-style `inline code` as `<code>` elements, all as text nodes. An
    /// unmatched backtick stays as it is.
    pub fn rich(&self, parent: &Element, text: &str) -> R<()> {
        let parts: Vec<&str> = text.split('`').collect();
        // An even number of parts means one backtick is unmatched: its part is plain text.
        let last_code = if parts.len() % 2 == 0 {
            parts.len().saturating_sub(2)
        } else {
            parts.len()
        };
        for (i, part) in parts.iter().enumerate() {
            if i % 2 == 1 && i < last_code {
                self.text(parent, "code", "", part)?;
            } else {
                if i % 2 == 1 {
                    self.append(parent, "`")?;
                }
                if !part.is_empty() {
                    self.append(parent, part)?;
                }
            }
        }
        Ok(())
    }

    /// A child element holding `text` with inline code (see [`Builder::rich`]).
    pub fn rich_el(&self, parent: &Element, tag: &str, class: &str, text: &str) -> R<Element> {
        let e = self.el(parent, tag, class)?;
        self.rich(&e, text)?;
        Ok(e)
    }

    /// A long value (address, invoice, header) in its own wrapping box, with a Copy button.
    pub fn copyable(&self, parent: &Element, value: &str, what: &str) -> R<()> {
        let row = self.el(parent, "div", "w-snippet")?;
        self.text(&row, "code", "", value)?;
        let b = self.button(&row, "w-copy", "Copy", "copy", "")?;
        b.set_attribute("aria-label", &format!("Copy {what}"))?;
        Ok(())
    }
}
