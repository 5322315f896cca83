//! The wasm front end: JS bindings for the extension (and the playground) and the popup and
//! DevTools panel UI, rendered with web-sys. Logic lives in `crate::capture` and the core;
//! this module converts values and builds DOM.

mod bindings;
// The DevTools Console line (issue #13): its own file to keep bindings.rs to the capture path.
mod console_line;
// The playground's HAR scanner is not shipped in the extension: it would count against the
// extension's size budget for code the extension never calls.
#[cfg(feature = "playground")]
mod playground;
mod ui;

pub use bindings::*;
pub use console_line::*;
#[cfg(feature = "playground")]
pub use playground::*;
