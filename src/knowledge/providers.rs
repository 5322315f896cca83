//! STUB: provider knowledge from providers.json.

use crate::core::diagnosis::Diagnosis;
use crate::core::observed::Observed;

/// A provider's identity and links.
#[derive(Debug, Clone)]
pub struct Provider {
    pub id: String,
    pub name: String,
    pub billing_url: Option<String>,
    pub docs_url: Option<String>,
}

pub fn by_id(_id: &str) -> Option<&'static Provider> {
    None
}

pub fn detect(_obs: &Observed) -> Option<Diagnosis> {
    None
}
