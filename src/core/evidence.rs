//! Building evidence items: every value truncated and redacted on the way in, so no detector
//! can forget to.

use super::diagnosis::{Evidence, EvidenceSource};
use super::redact;

/// Evidence values longer than this many characters are cut with an ellipsis.
pub const MAX_EVIDENCE_CHARS: usize = 200;

/// Cuts `s` to at most `max` characters, marking the cut.
pub fn truncate(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        None => s.to_string(),
        Some((i, _)) => format!("{}…", &s[..i]),
    }
}

/// Replaces control characters (terminal escapes, NULs) so shown text stays inert.
pub fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_control() && c != '\n' && c != '\t' {
                '\u{fffd}'
            } else {
                c
            }
        })
        .collect()
}

/// Splices text pieces: one shared non-generic call, much smaller in wasm than `format!`.
#[inline(never)]
pub fn cat(parts: &[&str]) -> String {
    parts.concat()
}

fn clean(value: &str) -> String {
    truncate(&printable(value), MAX_EVIDENCE_CHARS)
}

impl Evidence {
    pub fn status(status: u16, text: &str) -> Evidence {
        let value = if text.is_empty() {
            status.to_string()
        } else {
            format!("{status} {}", clean(text))
        };
        Evidence {
            source: EvidenceSource::Status,
            location: String::new(),
            value,
        }
    }

    pub fn header(name: &str, value: &str) -> Evidence {
        Evidence {
            source: EvidenceSource::Header,
            location: name.to_ascii_lowercase(),
            value: clean(&redact::header_value(name, value)),
        }
    }

    pub fn request_header(name: &str, value: &str) -> Evidence {
        Evidence {
            source: EvidenceSource::RequestHeader,
            location: name.to_ascii_lowercase(),
            value: clean(&redact::header_value(name, value)),
        }
    }

    /// `path` is a dotted JSON path, or `text` for a non-JSON body.
    pub fn body(path: &str, value: &str) -> Evidence {
        Evidence {
            source: EvidenceSource::Body,
            location: path.to_string(),
            value: clean(&redact::text(value)),
        }
    }

    pub fn host(host: &str) -> Evidence {
        Evidence {
            source: EvidenceSource::Url,
            location: "host".to_string(),
            value: clean(host),
        }
    }

    pub fn capture(what: &str, value: &str) -> Evidence {
        Evidence {
            source: EvidenceSource::Capture,
            location: what.to_string(),
            value: clean(value),
        }
    }
}

/// The part of `text` around the first occurrence of `needle_lower` (already lowercase), for
/// evidence from free text. Falls back to the start of the text.
pub fn excerpt_around(text: &str, lower: &str, needle_lower: &str) -> String {
    // `lower` may differ in byte length from `text` for some scripts; only trust the offset when
    // the lengths agree.
    let start = if lower.len() == text.len() {
        lower.find(needle_lower).unwrap_or(0)
    } else {
        0
    };
    let from = super::exchange::floor_char_boundary(text, start.saturating_sub(60));
    let snippet: String = text[from..]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let prefix = if from > 0 { "…" } else { "" };
    format!("{prefix}{}", truncate(&snippet, 160))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("hi", 5), "hi");
    }

    #[test]
    fn evidence_redacts_and_caps() {
        let e = Evidence::header("Authorization", "Bearer abc.def.ghi");
        assert_eq!(e.value, "Bearer [redacted]");
        let long = "x".repeat(1000);
        assert!(Evidence::body("text", &long).value.chars().count() <= MAX_EVIDENCE_CHARS + 1);
        assert!(!Evidence::body("text", "a\u{1b}[31mred")
            .value
            .contains('\u{1b}'));
    }

    #[test]
    fn excerpt_finds_the_phrase() {
        let t = "lots of words before. Your credit balance is too low to access the API.";
        let e = excerpt_around(t, &t.to_ascii_lowercase(), "credit balance");
        assert!(e.contains("credit balance is too low"));
    }
}
