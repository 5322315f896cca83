//! Copy to the clipboard, with a selectable textarea when the Clipboard API is missing or
//! refused (no user gesture, permissions).

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Clipboard, Element, HtmlTextAreaElement};

pub fn copy(root: &Element, button: &Element, text: &str) {
    let clipboard = web_sys::window()
        .and_then(|w| js_sys::Reflect::get(&w.navigator(), &JsValue::from_str("clipboard")).ok())
        .filter(|c| !c.is_undefined() && !c.is_null())
        .map(JsCast::unchecked_into::<Clipboard>);
    let Some(clipboard) = clipboard else {
        fallback(root, text);
        return;
    };
    let promise = clipboard.write_text(text);
    let done_button = button.clone();
    let on_ok = Closure::once(move |_: JsValue| copied(&done_button));
    let (root, text) = (root.clone(), text.to_string());
    let on_err = Closure::once(move |_: JsValue| fallback(&root, &text));
    let _ = promise.then2(&on_ok, &on_err);
    on_ok.forget();
    on_err.forget();
}

/// How long the button says "Copied" before its label comes back.
const COPIED_MS: u32 = 2000;

/// Says "Copied" on the button for a moment and announces it to screen readers.
fn copied(button: &Element) {
    let label = button.text_content().unwrap_or_default();
    if label == "Copied" {
        return;
    }
    button.set_text_content(Some("Copied"));
    announce(button, "Copied to the clipboard");
    let b = button.clone();
    gloo::timers::callback::Timeout::new(COPIED_MS, move || b.set_text_content(Some(&label)))
        .forget();
}

/// Speaks `text` through one polite live region per document, kept outside the re-rendered
/// root so it is never replaced between the change and its announcement.
fn announce(near: &Element, text: &str) {
    let Some(doc) = near.owner_document() else {
        return;
    };
    let region = match doc.get_element_by_id("why402-live") {
        Some(r) => r,
        None => {
            let Ok(r) = doc.create_element("div") else {
                return;
            };
            r.set_id("why402-live");
            r.set_class_name("w-visually-hidden");
            let _ = r.set_attribute("role", "status");
            let _ = r.set_attribute("aria-live", "polite");
            if let Some(body) = doc.body() {
                let _ = body.append_child(&r);
            }
            r
        }
    };
    // Cleared first so the same message twice is announced twice.
    region.set_text_content(None);
    region.set_text_content(Some(text));
}

/// Shows the text in a read-only textarea, selected, with a hint to copy it by hand.
fn fallback(root: &Element, text: &str) {
    let Some(doc) = root.owner_document() else {
        return;
    };
    let build = || -> Result<HtmlTextAreaElement, JsValue> {
        let box_ = doc.create_element("div")?;
        box_.set_class_name("w-fallback");
        let hint = doc.create_element("p")?;
        hint.set_text_content(Some(
            "Copying is blocked here: the text is selected below, press Ctrl+C (⌘C).",
        ));
        box_.append_child(&hint)?;
        let area: HtmlTextAreaElement = doc.create_element("textarea")?.unchecked_into();
        area.set_attribute("data-testid", "copy-fallback")?;
        area.set_attribute("readonly", "")?;
        area.set_value(text);
        box_.append_child(&area)?;
        if let Some(old) = root.query_selector(".w-fallback")? {
            old.remove();
        }
        root.prepend_with_node_1(&box_)?;
        Ok(area)
    };
    match build() {
        Ok(area) => {
            let _ = area.focus();
            area.select();
        }
        Err(e) => web_sys::console::warn_2(&JsValue::from_str("why402: copy failed"), &e),
    }
}
