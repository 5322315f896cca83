//! STUB: generic explanation and steps per cause (the 402 troubleshooting guide).

use crate::core::diagnosis::{Cause, Step};

pub fn steps(_cause: Cause) -> Vec<Step> {
    Vec::new()
}

pub fn explanation(_cause: Cause) -> &'static str {
    ""
}
