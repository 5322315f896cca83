//! Wire formats, with no provider knowledge attached. Every decoder returns `None` or an error
//! value on bad input; none panics.

pub mod amount;
pub mod auth_challenge;
pub mod base64;
pub mod bolt11;
pub mod quote;
pub mod retry;
pub mod time;
