//! STUB (owned by the decoders helper): retry time from Retry-After / RateLimit / X-RateLimit-*.

use crate::core::diagnosis::Retry;
use crate::core::exchange::Exchange;

/// `reference` is when the response was produced (Unix seconds), to turn delays into instants
/// and epoch values into delays.
pub fn from_headers(_ex: &Exchange, _reference: Option<i64>) -> Option<Retry> {
    None
}
