//! Keyword heuristics for responses no provider rule explains: phrase lists per cause
//! (`phrases.json`), searched in the places a message lives (JSON string values, the visible text
//! of an HTML page, or plain text).
//!
//! A 402 always gets an answer (`unknown` when nothing matches). Any other 4xx only gets one for a
//! strong billing phrase, never for a plain rate limit; other statuses never do.

use crate::core::diagnosis::{Cause, Confidence, Diagnosis, Evidence, Step};
use crate::core::evidence::excerpt_around;
use crate::core::exchange::floor_char_boundary;
use crate::core::observed::Observed;
use crate::core::reading::json_strings;

use super::generic;

/// At most this many bytes of text are searched, so a huge body stays cheap.
const MAX_SEARCH_BYTES: usize = 64 * 1024;

/// `phrases.json`, validated and rendered as this value by `build.rs`, phrases lowercased.
static BOOK: PhraseBook = include!(concat!(env!("OUT_DIR"), "/phrases.rs"));

struct PhraseBook {
    auth: &'static [&'static str],
    /// In the order they are tried.
    causes: &'static [CausePhrases],
}

struct CausePhrases {
    cause: Cause,
    strong: &'static [&'static str],
    weak: &'static [&'static str],
}

/// What the heuristics found.
#[derive(Debug, Clone, PartialEq)]
pub struct Signal {
    pub cause: Cause,
    pub confidence: Confidence,
    pub evidence: Vec<Evidence>,
    /// The body says the API key is missing or wrong (a 402 some APIs send for auth failures).
    pub auth: bool,
}

/// The first step for a 402 that is really an authentication failure.
pub fn auth_step() -> Step {
    Step::text(
        "Send a valid API key: the response says the request was not authenticated. Check the key is present in the request (usually an Authorization: Bearer header), not expired or revoked, and belongs to the right account.",
    )
}

/// Classifies the body by phrases. `None` when the status is not an error, or when a non-402
/// has no strong billing phrase.
pub fn classify(obs: &Observed) -> Option<Signal> {
    // A server error (5xx) is the server's fault whatever its text says, unless the text says the
    // account or deployment is suspended or paused: hosts answer 500/503 for those.
    let server_error = (500..600).contains(&obs.status);
    if !(400..500).contains(&obs.status) && !server_error {
        return None;
    }
    let is_402 = obs.status == 402;
    let text = SearchText::of(obs);

    let strong = first_phrase(&text.lower, |c| c.strong)
        .filter(|(cause, _)| !server_error || *cause == Cause::AccountSuspended);
    if let Some((cause, phrase)) = strong {
        return Some(Signal {
            cause,
            confidence: Confidence::Medium,
            evidence: vec![text.evidence(obs, phrase)],
            auth: false,
        });
    }
    if !is_402 {
        return None;
    }
    if let Some(phrase) = BOOK.auth.iter().find(|p| contains_phrase(&text.lower, p)) {
        return Some(Signal {
            cause: Cause::Unknown,
            confidence: Confidence::Low,
            evidence: vec![text.evidence(obs, phrase)],
            auth: true,
        });
    }
    let weak = first_phrase(&text.lower, |c| c.weak);
    Some(match weak {
        Some((cause, phrase)) => Signal {
            cause,
            confidence: Confidence::Low,
            evidence: vec![text.evidence(obs, phrase)],
            auth: false,
        },
        None => Signal {
            cause: Cause::Unknown,
            confidence: Confidence::Low,
            evidence: Vec::new(),
            auth: false,
        },
    })
}

/// The first cause, in book order, with one of its `list` phrases in `lower`, and the phrase.
fn first_phrase(
    lower: &str,
    list: fn(&CausePhrases) -> &'static [&'static str],
) -> Option<(Cause, &'static str)> {
    for c in BOOK.causes {
        if let Some(p) = list(c).iter().find(|p| contains_phrase(lower, p)) {
            return Some((c.cause, *p));
        }
    }
    None
}

/// A diagnosis from the heuristics alone (no provider known).
pub fn detect(obs: &Observed) -> Option<Diagnosis> {
    let signal = classify(obs)?;
    let mut d = Diagnosis::new(signal.cause, signal.confidence, obs.status);
    d.steps = steps_for(&signal);
    d.evidence = signal.evidence;
    if signal.auth {
        d.summary = "Payment Required, but the body says the request was not authenticated".into();
        d.explanation = "The server answered 402 while its message is about authentication: some APIs send 402 when the API key is missing or invalid, before they look at billing at all.".into();
    }
    Some(d)
}

/// Generic steps for the signal's cause, led by the API-key step for an auth failure.
pub fn steps_for(signal: &Signal) -> Vec<Step> {
    let mut steps = generic::steps(signal.cause);
    if signal.auth {
        steps.insert(0, auth_step());
    }
    steps
}

/// The text searched for phrases, lowercased, plus how to point back at where a phrase came from.
struct SearchText<'v> {
    lower: String,
    /// JSON string values with their dotted paths, when the body is JSON.
    json_strings: Vec<(String, &'v str)>,
    /// The original (not lowercased) text, for excerpts of non-JSON bodies.
    plain: String,
}

impl<'v> SearchText<'v> {
    fn of(obs: &'v Observed) -> SearchText<'v> {
        if let Some(json) = &obs.json {
            // Documents quoted inside these strings are searched as part of them.
            let json_strings = json_strings(json);
            let mut plain = String::new();
            for (_, s) in &json_strings {
                if plain.len() >= MAX_SEARCH_BYTES {
                    break;
                }
                plain.push_str(s);
                plain.push('\n');
            }
            // A document read out of text (a log line, a cut-off dict) may not hold all of the
            // message: the text around it is searched too.
            if obs.reading.is_some() {
                plain.push_str(obs.body_text());
            }
            let plain = without_urls(cap(&plain));
            return SearchText {
                lower: plain.to_ascii_lowercase(),
                json_strings,
                plain,
            };
        }
        let body = obs.body_text();
        let plain = if looks_like_html(obs, body) {
            without_urls(&visible_text(cap(body)))
        } else {
            without_urls(cap(body))
        };
        SearchText {
            lower: plain.to_ascii_lowercase(),
            json_strings: Vec::new(),
            plain,
        }
    }

    fn evidence(&self, obs: &Observed, phrase: &str) -> Evidence {
        if obs.json.is_some() {
            if let Some((path, value)) = self
                .json_strings
                .iter()
                .find(|(_, s)| contains_phrase(&without_urls(s).to_ascii_lowercase(), phrase))
            {
                return Evidence::body(path, value);
            }
        }
        Evidence::body("text", &excerpt_around(&self.plain, &self.lower, phrase))
    }
}

/// The text with URLs dropped: a link to `/billing` or `/credits` says nothing about the cause.
fn without_urls(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for (n, line) in s.lines().enumerate() {
        if n > 0 {
            out.push('\n');
        }
        let words = line.split(' ').filter(|w| !w.contains("://"));
        for (i, w) in words.enumerate() {
            if i > 0 {
                out.push(' ');
            }
            out.push_str(w);
        }
    }
    out
}

fn cap(s: &str) -> &str {
    &s[..floor_char_boundary(s, MAX_SEARCH_BYTES)]
}

fn looks_like_html(obs: &Observed, body: &str) -> bool {
    let mime_html = obs
        .exchange
        .response
        .content
        .mime_type
        .as_deref()
        .is_some_and(|m| m.to_ascii_lowercase().contains("html"))
        || obs
            .header("content-type")
            .is_some_and(|m| m.to_ascii_lowercase().contains("html"));
    let start: String = body.trim_start().chars().take(15).collect();
    let start = start.to_ascii_lowercase();
    mime_html || start.starts_with("<!doctype") || start.starts_with("<html")
}

/// The text a person would see in an HTML page: tags, scripts and styles removed. A single
/// linear pass; unterminated tags just end the text.
pub fn visible_text(html: &str) -> String {
    let lower = html.to_ascii_lowercase();
    let bytes = lower.as_bytes();
    let mut out = String::with_capacity(html.len() / 2);
    let mut i = 0;
    while i < html.len() {
        if bytes[i] == b'<' {
            let skip_until = ["script", "style"]
                .into_iter()
                .find_map(|tag| lower[i + 1..].starts_with(tag).then(|| format!("</{tag}")));
            let end = match skip_until {
                Some(close) => lower[i..].find(&close).map(|e| i + e + close.len()),
                None => Some(i),
            };
            match end.and_then(|e| lower[e..].find('>').map(|g| e + g + 1)) {
                Some(next) => {
                    out.push(' ');
                    i = next;
                }
                None => break,
            }
        } else {
            let next = lower[i..].find('<').map_or(html.len(), |n| i + n);
            out.push_str(&html[i..next]);
            i = next;
        }
    }
    out
}

/// True when `phrase` occurs in `hay`; a phrase edge that is a letter or digit must sit on a word
/// boundary, so `plan` does not match `explanation`. Word characters are ASCII: phrases are
/// matched in ASCII-lowercased text (byte offsets stay those of the original, and the wasm
/// carries no Unicode case tables), and non-ASCII punctuation such as curly quotes or a
/// no-break space must still count as a boundary.
pub fn contains_phrase(hay: &str, phrase: &str) -> bool {
    if phrase.is_empty() {
        return false;
    }
    let first_word = phrase
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let last_word = phrase
        .chars()
        .next_back()
        .is_some_and(|c| c.is_ascii_alphanumeric());
    let mut from = 0;
    let finder = memchr::memmem::Finder::new(phrase.as_bytes());
    // A match of valid UTF-8 in valid UTF-8 starts and ends on character boundaries.
    while let Some(pos) = finder.find(hay.as_bytes().get(from..).unwrap_or_default()) {
        let start = from + pos;
        let end = start + phrase.len();
        let before_ok = !first_word
            || hay[..start]
                .chars()
                .next_back()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
        // A plural `s` still ends the word: `usage limit` matches `usage limits`.
        let rest = hay[end..].strip_prefix('s').unwrap_or(&hay[end..]);
        let after_ok = !last_word
            || hay[end..]
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric())
            || rest
                .chars()
                .next()
                .is_none_or(|c| !c.is_ascii_alphanumeric());
        if before_ok && after_ok {
            return true;
        }
        // Advance by one character past the match start.
        from = start + hay[start..].chars().next().map_or(1, char::len_utf8);
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::Exchange;

    fn ex(status: u16, body: &str) -> Exchange {
        crate::knowledge::test_exchange("", status, body)
    }

    fn cause(status: u16, body: &str) -> Option<Cause> {
        let e = ex(status, body);
        classify(&Observed::new(&e, None)).map(|s| s.cause)
    }

    #[test]
    fn phrase_book_parses() {
        assert!(BOOK.causes.len() >= 6);
        assert!(BOOK.auth.len() >= 5);
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_phrase("check your plan", "plan"));
        assert!(!contains_phrase("an explanation", "plan"));
        assert!(contains_phrase("reached their plan limits.", "plan limit"));
        assert!(!contains_phrase("plan limitsx", "plan limit"));
        assert!(contains_phrase("x 余额不足或", "余额不足"));
        assert!(!contains_phrase("", "plan"));
        // Non-ASCII punctuation and spaces are boundaries.
        assert!(contains_phrase("“plan”", "plan"));
        assert!(contains_phrase("your\u{a0}plan\u{a0}ended", "plan"));
    }

    #[test]
    fn excerpt_offsets_survive_text_that_changes_length_when_lowercased() {
        // Unicode lowercasing turns `İ` (2 bytes) into 3; ASCII lowercasing keeps offsets.
        let body = "İİİİ Insufficient credits on this account";
        let e = ex(402, body);
        let obs = Observed::new(&e, None);
        let found = classify(&obs).expect("a diagnosis");
        assert_eq!(found.cause, Cause::InsufficientBalance);
        let text = SearchText::of(&obs);
        let ev = text.evidence(&obs, "insufficient credits");
        assert!(ev.value.contains("Insufficient credits"), "{}", ev.value);
    }

    #[test]
    fn classifies_by_phrase() {
        assert_eq!(
            cause(402, "Insufficient credits"),
            Some(Cause::InsufficientBalance)
        );
        assert_eq!(
            cause(402, r#"{"detail":"Please add a payment method"}"#),
            Some(Cause::PaymentMethodMissing)
        );
        assert_eq!(
            cause(402, "monthly quota reached"),
            Some(Cause::PlanLimitReached)
        );
        assert_eq!(cause(402, ""), Some(Cause::Unknown));
        assert_eq!(cause(402, "Too many requests"), Some(Cause::RateLimited));
    }

    #[test]
    fn non_402_needs_a_strong_billing_phrase() {
        assert_eq!(cause(429, "Too many requests, slow down"), None);
        assert_eq!(cause(403, "Forbidden: plan"), None);
        assert_eq!(
            cause(403, "Your credit balance is too low"),
            Some(Cause::InsufficientBalance)
        );
        assert_eq!(cause(200, "insufficient balance"), None);
        assert_eq!(cause(500, "payment failed"), None);
    }

    #[test]
    fn auth_402_is_unknown_with_a_key_step() {
        let e = ex(402, "Authentication required");
        let d = detect(&Observed::new(&e, None)).unwrap();
        assert_eq!(d.cause, Cause::Unknown);
        assert!(d.steps[0].text.starts_with("Send a valid API key"));
    }

    #[test]
    fn html_scripts_do_not_count() {
        let html = "<html><script>var x='insufficient balance';</script><body>Hello</body></html>";
        assert_eq!(visible_text(html).trim(), "Hello");
        assert_eq!(cause(402, html), Some(Cause::Unknown));
        assert_eq!(visible_text("<p>cut <scr"), " cut ");
    }

    #[test]
    fn urls_do_not_count() {
        assert_eq!(
            cause(
                402,
                r#"{"error":"Payment required","docs":"https://example.com/billing/credits"}"#
            ),
            Some(Cause::Unknown)
        );
        assert_eq!(
            without_urls("see https://x.io/billing now\nok"),
            "see now\nok"
        );
    }

    #[test]
    fn evidence_points_at_the_json_path() {
        let e = ex(402, r#"{"error":{"message":"Insufficient Balance"}}"#);
        let s = classify(&Observed::new(&e, None)).unwrap();
        assert_eq!(s.evidence[0].location, "error.message");
    }
}
