//! The model (input and output) and the engine that ties detectors together.

pub mod diagnosis;
pub mod engine;
pub mod evidence;
pub mod exchange;
pub mod json_read;
pub mod observed;
pub mod provenance;
pub mod reading;
pub mod redact;
