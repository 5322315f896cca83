//! When the server says a retry can succeed: `Retry-After` (RFC 9110 §10.2.3) and its
//! millisecond variant, the IETF RateLimit fields in their deployed drafts, and the vendor
//! `*-reset` conventions (GitHub-style `X-RateLimit-Reset`, OpenAI Go durations, Anthropic
//! RFC 3339 instants).
//!
//! Rules: `Retry-After` wins over rate-limit fields (the RateLimit draft says so); a rate-limit
//! reset only counts when its matching remaining count is 0 or absent (a reset on a bucket with
//! quota left says nothing about this failure); when several exhausted buckets reset, the latest
//! one is the wait. Malformed values are ignored, never guessed.

use super::amount::Decimal;
use super::time::{parse_http_date, parse_rfc3339};

/// Waits longer than this are treated as junk rather than advice.
const MAX_WAIT_SECS: u64 = 400 * 86400;

/// Epoch values below this are delays; above, instants (seconds, then milliseconds). A delay of
/// 10^9 seconds is 31 years, and epoch seconds passed 10^9 in 2001.
const EPOCH_SECONDS_FROM: u64 = 1_000_000_000;
const EPOCH_MILLIS_FROM: u64 = 1_000_000_000_000;

const NANOS_PER_SEC: u64 = 1_000_000_000;

/// How a reset header's value is written.
#[derive(Clone, Copy)]
enum ResetFormat {
    /// Delay in seconds only (IETF drafts up to -06).
    DelaySeconds,
    /// Whatever vendors send: delay or epoch seconds/ms by magnitude, Go duration, RFC 3339 or
    /// HTTP-date.
    Flexible,
}

/// Reset headers with their matching remaining-count header.
const RESET_HEADERS: &[(&str, &str, ResetFormat)] = &[
    (
        "ratelimit-reset",
        "ratelimit-remaining",
        ResetFormat::DelaySeconds,
    ),
    (
        "x-ratelimit-reset",
        "x-ratelimit-remaining",
        ResetFormat::Flexible,
    ),
    (
        "x-ratelimit-reset-requests",
        "x-ratelimit-remaining-requests",
        ResetFormat::Flexible,
    ),
    (
        "x-ratelimit-reset-tokens",
        "x-ratelimit-remaining-tokens",
        ResetFormat::Flexible,
    ),
    (
        "anthropic-ratelimit-requests-reset",
        "anthropic-ratelimit-requests-remaining",
        ResetFormat::Flexible,
    ),
    (
        "anthropic-ratelimit-tokens-reset",
        "anthropic-ratelimit-tokens-remaining",
        ResetFormat::Flexible,
    ),
    (
        "anthropic-ratelimit-input-tokens-reset",
        "anthropic-ratelimit-input-tokens-remaining",
        ResetFormat::Flexible,
    ),
    (
        "anthropic-ratelimit-output-tokens-reset",
        "anthropic-ratelimit-output-tokens-remaining",
        ResetFormat::Flexible,
    ),
    (
        "anthropic-ratelimit-unified-reset",
        "anthropic-ratelimit-unified-remaining",
        ResetFormat::Flexible,
    ),
];

/// The wait the headers advise, counted from the response, and the header it came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wait {
    pub seconds: u64,
    pub source: &'static str,
}

/// The first value of header `name` (case-insensitive).
fn first<'h>(headers: &[(&str, &'h str)], name: &str) -> Option<&'h str> {
    all(headers, name).next()
}

/// Every value of header `name`, in order (a header may be sent twice).
fn all<'a, 'h>(
    headers: &'a [(&str, &'h str)],
    name: &'a str,
) -> impl Iterator<Item = &'h str> + 'a {
    headers
        .iter()
        .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
        .map(|&(_, v)| v)
}

/// `headers` are the response's (name, value) lines in order. `reference` is when the response
/// was produced (Unix seconds), to turn instants into delays.
pub fn from_headers(headers: &[(&str, &str)], reference: Option<i64>) -> Option<Wait> {
    let make = |seconds: u64, source: &'static str| Wait { seconds, source };

    if let Some(secs) = first(headers, "retry-after").and_then(|v| retry_after(v, reference)) {
        return Some(make(secs, "retry-after"));
    }
    if let Some(secs) = first(headers, "retry-after-ms").and_then(|v| delay_seconds(v, 1000)) {
        return Some(make(secs, "retry-after-ms"));
    }

    let mut best: Option<(u64, &'static str)> = None;
    let mut consider = |secs: u64, source: &'static str| {
        if best.is_none_or(|(b, _)| secs > b) {
            best = Some((secs, source));
        }
    };
    for line in all(headers, "ratelimit") {
        if let Some(secs) = ratelimit_field(line) {
            consider(secs, "ratelimit");
        }
    }
    for &(reset, remaining, format) in RESET_HEADERS {
        let Some(value) = first(headers, reset) else {
            continue;
        };
        let exhausted = first(headers, remaining)
            .and_then(|r| number(r.trim()))
            .is_none_or(|r| !r.is_positive());
        if !exhausted {
            continue;
        }
        let secs = match format {
            ResetFormat::DelaySeconds => delay_seconds(value, 1),
            ResetFormat::Flexible => flexible_reset(value, reference),
        };
        if let Some(secs) = secs {
            consider(secs, reset);
        }
    }
    best.map(|(secs, source)| make(secs, source))
}

/// A number from a header (`12`, `-3`, `1.5`, `.25`); one whose integer part is beyond `u64` is
/// junk here.
fn number(s: &str) -> Option<Decimal<'_>> {
    Decimal::parse(s).filter(|n| n.whole().is_some())
}

/// This many `per_second` units as whole seconds, rounded up; junk when negative or beyond
/// [`MAX_WAIT_SECS`].
fn ceil_seconds(n: Decimal, per_second: u64) -> Option<u64> {
    if n.is_negative() && !n.is_zero() {
        return None;
    }
    let whole = n.whole()?;
    let rest = whole % per_second > 0 || n.nanos() > 0;
    bounded(whole / per_second + u64::from(rest))
}

/// This many `unit_nanos` as nanoseconds; `None` on overflow (far beyond any sane wait).
fn scaled_nanos(n: Decimal, unit_nanos: u64) -> Option<u64> {
    // The fraction in micro-units keeps the product in range for hours (10^9 × 3.6×10^9).
    let frac = u64::from(n.nanos()) * (unit_nanos / 1000) / 1_000_000;
    n.whole()?.checked_mul(unit_nanos)?.checked_add(frac)
}

fn bounded(secs: u64) -> Option<u64> {
    (secs <= MAX_WAIT_SECS).then_some(secs)
}

/// A non-negative number of `per_second` units, rounded up to whole seconds.
fn delay_seconds(value: &str, per_second: u64) -> Option<u64> {
    let v = value.trim();
    if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    ceil_seconds(number(v)?, per_second)
}

/// Seconds from `reference` until `instant`; a past instant means "now".
fn until(instant: i64, reference: Option<i64>) -> Option<u64> {
    let delta = instant.saturating_sub(reference?);
    bounded(u64::try_from(delta).unwrap_or(0))
}

/// `Retry-After: 120` or `Retry-After: <HTTP-date>`.
fn retry_after(value: &str, reference: Option<i64>) -> Option<u64> {
    delay_seconds(value, 1).or_else(|| until(parse_http_date(value)?, reference))
}

fn flexible_reset(value: &str, reference: Option<i64>) -> Option<u64> {
    let v = value.trim();
    if let Some((n, whole)) = number(v).and_then(|n| Some((n, n.whole()?))) {
        let epoch = |secs: u64| until(i64::try_from(secs).ok()?, reference);
        return if n.is_negative() {
            ceil_seconds(n, 1)
        } else if whole >= EPOCH_MILLIS_FROM {
            epoch(whole / 1000)
        } else if whole >= EPOCH_SECONDS_FROM {
            epoch(whole)
        } else {
            ceil_seconds(n, 1)
        };
    }
    go_duration(v)
        .or_else(|| until(parse_rfc3339(v)?, reference))
        .or_else(|| until(parse_http_date(v)?, reference))
}

/// A Go `time.Duration` string (`1s`, `6m0s`, `1h30m`, `12ms`, `1.5s`), rounded up to seconds.
fn go_duration(value: &str) -> Option<u64> {
    /// Each unit in nanoseconds.
    const UNITS: [(&str, u64); 7] = [
        ("ns", 1),
        ("us", 1_000),
        ("µs", 1_000),
        ("ms", 1_000_000),
        ("h", 3600 * NANOS_PER_SEC),
        ("m", 60 * NANOS_PER_SEC),
        ("s", NANOS_PER_SEC),
    ];
    let mut rest = value;
    let mut total: u64 = 0;
    if rest.is_empty() {
        return None;
    }
    while !rest.is_empty() {
        let digits = rest
            .bytes()
            .take_while(|b| b.is_ascii_digit() || *b == b'.')
            .count();
        if digits == 0 {
            return None;
        }
        let n = number(rest.get(..digits)?)?;
        rest = rest.get(digits..)?;
        let (unit, scale) = UNITS.iter().find(|(u, _)| rest.starts_with(u))?;
        rest = rest.get(unit.len()..)?;
        total = total.checked_add(scaled_nanos(n, *scale)?)?;
    }
    bounded(total.div_ceil(NANOS_PER_SEC))
}

/// Splits on `sep` outside double quotes.
fn split_outside_quotes(s: &str, sep: char) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut in_quotes = false;
    let mut escaped = false;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' => in_quotes = !in_quotes,
            c if c == sep && !in_quotes => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts
}

/// `key=value` pairs of a structured-field parameter list or dictionary member.
fn key_value(part: &str) -> Option<(String, &str)> {
    let (k, v) = part.split_once('=')?;
    Some((k.trim().to_ascii_lowercase(), v.trim()))
}

/// One `RateLimit` line: draft -08+ named policies (`"default";r=0;t=30`, several allowed) or
/// the -07 dictionary (`limit=100, remaining=0, reset=5`).
fn ratelimit_field(line: &str) -> Option<u64> {
    let mut best: Option<u64> = None;
    let mut dict_remaining: Option<Decimal> = None;
    let mut dict_reset: Option<u64> = None;
    for member in split_outside_quotes(line, ',') {
        let mut parts = split_outside_quotes(member.trim(), ';').into_iter();
        let Some(head) = parts.next().map(str::trim) else {
            continue;
        };
        if head.is_empty() {
            continue;
        }
        if !head.starts_with('"') {
            if let Some((key, value)) = key_value(head) {
                match key.as_str() {
                    "remaining" => dict_remaining = number(value),
                    "reset" => dict_reset = delay_seconds(value, 1),
                    _ => {}
                }
                continue;
            }
        }
        // A named policy; `r` is required, `t` optional.
        let mut remaining = None;
        let mut wait = None;
        for (key, value) in parts.filter_map(key_value) {
            match key.as_str() {
                "r" => remaining = value.parse::<u64>().ok(),
                "t" => wait = delay_seconds(value, 1),
                _ => {}
            }
        }
        if let (Some(0), Some(t)) = (remaining, wait) {
            best = Some(best.map_or(t, |b| b.max(t)));
        }
    }
    if let Some(reset) = dict_reset {
        if dict_remaining.is_none_or(|r| !r.is_positive()) {
            best = Some(best.map_or(reset, |b| b.max(reset)));
        }
    }
    best
}

#[cfg(test)]
mod tests;
