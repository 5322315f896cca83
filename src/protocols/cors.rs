//! STUB: what page JavaScript can see of the response, from the CORS headers.

use crate::core::diagnosis::{CorsVisibility, Finding};
use crate::core::observed::Observed;

pub fn visibility(_obs: &Observed) -> (Option<CorsVisibility>, Vec<Finding>) {
    (None, Vec::new())
}
