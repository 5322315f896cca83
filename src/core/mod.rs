//! The model: the input (a HAR entry), the output (a diagnosis) and the helpers both share.

pub mod diagnosis;
pub mod evidence;
pub mod exchange;
pub mod json_read;
pub mod observed;
pub mod provenance;
pub mod reading;
pub mod redact;
pub mod terms_text;
