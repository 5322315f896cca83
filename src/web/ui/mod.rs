//! The popup and DevTools panel. Each root keeps its records, selection and filter here; one
//! delegated click/keydown/input listener per root dispatches on `data-action`, so re-rendering
//! adds no listeners.

mod clipboard;
mod detail;
mod dom;
mod keys;
mod links;
mod list;
mod panel;
mod popup;
mod retry;

use std::cell::RefCell;

use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, Event, HtmlElement, KeyboardEvent};

use crate::capture::Listed;
use dom::{Builder, R};

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Popup,
    Panel,
}

struct View {
    kind: Kind,
    root: Element,
    records: Vec<Listed>,
    /// The record shown in detail (the popup's detail view, the panel's right pane).
    selected: Option<String>,
    /// The panel's filter text.
    filter: String,
}

thread_local! {
    static VIEWS: RefCell<Vec<View>> = const { RefCell::new(Vec::new()) };
}

/// Renders `records` (stored order: newest last) into `root`, keeping the selection and focus.
pub fn render(kind: Kind, root: &Element, records: Vec<Listed>) {
    let known = VIEWS.with(|views| {
        let Ok(mut views) = views.try_borrow_mut() else {
            return true;
        };
        match views.iter_mut().find(|v| v.root == *root) {
            Some(v) => {
                v.kind = kind;
                v.records = records;
                true
            }
            None => {
                views.push(View {
                    kind,
                    root: root.clone(),
                    records,
                    selected: None,
                    filter: String::new(),
                });
                false
            }
        }
    });
    if !known {
        listen(root);
    }
    redraw(root, None);
}

/// Draws the view of `root` again; `focus` names the control to focus (action, record id),
/// else whichever control had focus keeps it.
fn redraw(root: &Element, focus: Option<(String, String)>) {
    let focus = focus.or_else(|| focused_control(root));
    let result = VIEWS.with(|views| {
        let Ok(mut views) = views.try_borrow_mut() else {
            return Ok(None);
        };
        let Some(view) = views.iter_mut().find(|v| v.root == *root) else {
            return Ok(None);
        };
        let doc = root
            .owner_document()
            .ok_or_else(|| JsValue::from_str("root has no document"))?;
        let b = Builder::new(doc, focus);
        draw(&b, view)?;
        Ok::<_, JsValue>(b.focus.into_inner())
    });
    match result {
        Ok(Some(target)) => {
            if let Some(h) = target.dyn_ref::<HtmlElement>() {
                let _ = h.focus();
            }
        }
        Ok(None) => {}
        Err(e) => web_sys::console::warn_2(&JsValue::from_str("why402: render failed"), &e),
    }
}

fn draw(b: &Builder, view: &mut View) -> R<()> {
    // Drop a selection whose record is gone; the panel always shows one record when it can.
    if let Some(id) = &view.selected {
        if !view.records.iter().any(|r| &r.id == id) {
            view.selected = None;
        }
    }
    if view.kind == Kind::Panel && view.selected.is_none() {
        view.selected = view.records.last().map(|r| r.id.clone());
    }
    let root = &view.root;
    let selected = view
        .selected
        .as_ref()
        .and_then(|id| view.records.iter().find(|r| &r.id == id));
    match view.kind {
        Kind::Popup => {
            root.set_text_content(None);
            root.set_class_name("why402 why402-popup");
            popup::draw(b, root, &view.records, selected)
        }
        Kind::Panel => {
            root.set_class_name("why402 why402-panel");
            panel::draw(b, root, &view.records, &view.filter, selected)
        }
    }
}

/// The (action, id) of the control inside `root` that has focus, to restore it after a redraw.
fn focused_control(root: &Element) -> Option<(String, String)> {
    let active = root.owner_document()?.active_element()?;
    if !root.contains(Some(&active)) {
        return None;
    }
    let action = active.get_attribute("data-action")?;
    Some((action, active.get_attribute("data-id").unwrap_or_default()))
}

fn listen(root: &Element) {
    let r = root.clone();
    let on_click = Closure::<dyn FnMut(Event)>::new(move |e: Event| on_action(&r, &e));
    let r = root.clone();
    let on_key = Closure::<dyn FnMut(KeyboardEvent)>::new(move |e: KeyboardEvent| {
        // Escape leaves the popup's detail view.
        if e.key() == "Escape" && is_popup_detail(&r) {
            e.prevent_default();
            go_back(&r);
            return;
        }
        if let Some(id) = keys::move_in_list(&r, &e) {
            // The panel's selection follows the focus, as in DevTools' Network list.
            if is_kind(&r, Kind::Panel) {
                set_selected(&r, Some(id.clone()));
                redraw(&r, Some(("open".to_string(), id)));
            }
        }
    });
    let r = root.clone();
    let on_input = Closure::<dyn FnMut(Event)>::new(move |e: Event| on_input(&r, &e));
    let ok = root
        .add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref())
        .and_then(|_| {
            root.add_event_listener_with_callback("keydown", on_key.as_ref().unchecked_ref())
        })
        .and_then(|_| {
            root.add_event_listener_with_callback("input", on_input.as_ref().unchecked_ref())
        });
    if let Err(e) = ok {
        web_sys::console::warn_2(&JsValue::from_str("why402: cannot listen"), &e);
    }
    keys::tick_times(root);
    // The listeners live as long as the page (one set per root).
    on_click.forget();
    on_key.forget();
    on_input.forget();
}

/// The panel's filter box: keep its text and redraw the list (the toolbar itself stays).
fn on_input(root: &Element, e: &Event) {
    let Some(input) = e
        .target()
        .and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok())
    else {
        return;
    };
    if input.get_attribute("data-action").as_deref() != Some("filter") {
        return;
    }
    let value = input.value();
    VIEWS.with(|views| {
        if let Ok(mut views) = views.try_borrow_mut() {
            if let Some(v) = views.iter_mut().find(|v| v.root == *root) {
                v.filter = value;
            }
        }
    });
    redraw(root, None);
}

fn is_kind(root: &Element, kind: Kind) -> bool {
    VIEWS.with(|views| {
        views
            .try_borrow()
            .is_ok_and(|v| v.iter().any(|v| v.root == *root && v.kind == kind))
    })
}

fn is_popup_detail(root: &Element) -> bool {
    VIEWS.with(|views| {
        views.try_borrow().is_ok_and(|views| {
            views
                .iter()
                .any(|v| v.root == *root && v.kind == Kind::Popup && v.selected.is_some())
        })
    })
}

fn set_selected(root: &Element, id: Option<String>) -> Option<String> {
    VIEWS.with(|views| {
        let mut views = views.try_borrow_mut().ok()?;
        let view = views.iter_mut().find(|v| v.root == *root)?;
        std::mem::replace(&mut view.selected, id)
    })
}

fn go_back(root: &Element) {
    let previous = set_selected(root, None);
    redraw(root, previous.map(|id| ("open".to_string(), id)));
}

fn on_action(root: &Element, e: &Event) {
    let Some(target) = e.target().and_then(|t| t.dyn_into::<Element>().ok()) else {
        return;
    };
    let Some(control) = target.closest("[data-action]").ok().flatten() else {
        return;
    };
    if !root.contains(Some(&control)) {
        return;
    }
    let action = control.get_attribute("data-action").unwrap_or_default();
    let id = control.get_attribute("data-id").unwrap_or_default();
    match action.as_str() {
        "open" => {
            let is_popup = is_kind(root, Kind::Popup);
            set_selected(root, Some(id.clone()));
            // The popup swaps to the detail view: focus its Back button. The panel keeps focus
            // on the list.
            let focus = if is_popup {
                ("back".to_string(), String::new())
            } else {
                ("open".to_string(), id)
            };
            redraw(root, Some(focus));
        }
        "back" => go_back(root),
        "copy-report" => {
            let report = VIEWS.with(|views| {
                views.try_borrow().ok().and_then(|views| {
                    views
                        .iter()
                        .find(|v| v.root == *root)
                        .map(|v| crate::capture::report(&v.records))
                })
            });
            if let Some(report) = report {
                clipboard::copy(root, &control, &report);
            }
        }
        "copy" => {
            // The snippet is the element just before its Copy button.
            let text = control
                .previous_element_sibling()
                .and_then(|s| s.text_content())
                .unwrap_or_default();
            clipboard::copy(root, &control, &text);
        }
        _ => {}
    }
}
