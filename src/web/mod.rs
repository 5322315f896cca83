//! The wasm front end: JS bindings for the extension (and the playground) and the popup and
//! DevTools panel UI, rendered with web-sys. Logic lives in `crate::capture` and the core;
//! this module converts values and builds DOM.

mod bindings;
mod playground;
mod ui;

pub use bindings::*;
pub use playground::*;
