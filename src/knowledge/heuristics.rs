//! STUB: heuristics.

use crate::core::diagnosis::Diagnosis;
use crate::core::observed::Observed;

pub fn detect(_obs: &Observed) -> Option<Diagnosis> {
    None
}
