//! The wasm front end: JS bindings for the extension (and the playground) and the popup and
//! DevTools panel UI, rendered with web-sys. Logic lives in `crate::capture` and the core;
//! this module converts values and builds DOM.

mod bindings;
// The playground's HAR scanner is not shipped in the extension: it would count against the
// extension's size budget for code the extension never calls.
#[cfg(feature = "playground")]
mod playground;
mod ui;

pub use bindings::*;
#[cfg(feature = "playground")]
pub use playground::*;
