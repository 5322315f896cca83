//! Redaction of secrets from anything shown or exported: header values that carry credentials,
//! and key-shaped tokens inside free text (bodies quote keys back surprisingly often).

/// Headers whose values are credentials, whole.
const SECRET_HEADERS: &[&str] = &[
    "authorization",
    "proxy-authorization",
    "cookie",
    "set-cookie",
    "x-api-key",
    "api-key",
    "x-goog-api-key",
    "x-auth-token",
    "x-access-token",
    "x-csrf-token",
    "x-xsrf-token",
    "openai-organization",
    "anthropic-api-key",
    "payment-signature",
    "x-payment",
    "stripe-account",
];

/// Prefixes of well-known API key formats; the token after them is masked.
const KEY_PREFIXES: &[&str] = &[
    "sk-",
    "sk_live_",
    "sk_test_",
    "rk_live_",
    "rk_test_",
    "pk_live_",
    "pk_test_",
    "whsec_",
    "ghp_",
    "gho_",
    "ghs_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "hf_",
    "AKIA",
    "AIza",
    "glpat-",
    "r8_",
    "gsk_",
    "xai-",
    "pplx-",
    "nvapi-",
    "fw_",
];

/// Query or JSON keys whose values are secrets.
const SECRET_KEYS: &[&str] = &[
    "api_key",
    "apikey",
    "api-key",
    "access_token",
    "token",
    "key",
    "secret",
    "password",
    "client_secret",
    "auth",
    "macaroon",
];

pub const REDACTED: &str = "[redacted]";

pub fn is_secret_header(name: &str) -> bool {
    SECRET_HEADERS.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// A header value safe to show: secrets replaced whole, the rest scrubbed of key-shaped tokens.
pub fn header_value(name: &str, value: &str) -> String {
    if is_secret_header(name) {
        // Keep the scheme word so "Bearer" vs "L402" stays visible.
        return match value.split_once(' ') {
            Some((scheme, _)) if scheme.len() <= 16 && !scheme.contains('=') => {
                format!("{scheme} {REDACTED}")
            }
            _ => REDACTED.to_string(),
        };
    }
    text(value)
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
}

/// Masks key-shaped tokens (`sk-…`, `Bearer …`, `api_key=…`) in free text.
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while !rest.is_empty() {
        // Find the start of the next token-ish word.
        let Some(start) = rest.find(is_token_char) else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        // A sentence's full stop is not part of the token.
        let word = rest[..end].trim_end_matches('.');
        if word.is_empty() {
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        out.push_str(&mask_word(word, &out));
        rest = &rest[word.len()..];
    }
    out
}

fn mask_word(word: &str, before: &str) -> String {
    let before_trim = before.trim_end();
    let prev_word = before_trim
        .rsplit(|c: char| !is_token_char(c))
        .next()
        .unwrap_or("");
    if prev_word.eq_ignore_ascii_case("bearer") && word.len() >= 8 {
        return REDACTED.to_string();
    }
    // `key=value`, `"api_key": "value"` handled by looking at the word that preceded a separator.
    let before_value = before_trim.trim_end_matches(['"', '\'', ' ']);
    if before_value.ends_with('=') || before_value.ends_with(':') {
        let key = before_trim
            .trim_end_matches(['=', ':', '"', ' '])
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
            .next()
            .unwrap_or("");
        if SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(key)) && word.len() >= 6 {
            return REDACTED.to_string();
        }
    }
    // `key=value` inside one word; a quoted value (`token="…"`) is the next word and is caught
    // by the separator check above.
    if let Some((word_key, value)) = word.split_once('=') {
        if !value.is_empty() && SECRET_KEYS.iter().any(|k| k.eq_ignore_ascii_case(word_key)) {
            return format!("{word_key}={REDACTED}");
        }
    }
    for prefix in KEY_PREFIXES {
        if word.len() >= prefix.len() + 8 && word.starts_with(prefix) {
            // Keep the prefix and the last four characters, as dashboards do.
            let tail: String = word
                .chars()
                .rev()
                .take(4)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            return format!("{prefix}…{tail}");
        }
    }
    word.to_string()
}

/// Redacts secret query parameters from a URL (`?key=…`, `api_key=…`).
pub fn url(input: &str) -> String {
    let Some((base, query)) = input.split_once('?') else {
        return text(input);
    };
    let (query, fragment) = match query.split_once('#') {
        Some((q, f)) => (q, Some(f)),
        None => (query, None),
    };
    let params: Vec<String> = query
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, _)) if SECRET_KEYS.iter().any(|s| s.eq_ignore_ascii_case(k)) => {
                format!("{k}={REDACTED}")
            }
            _ => text(pair),
        })
        .collect();
    let mut out = format!("{}?{}", text(base), params.join("&"));
    if let Some(f) = fragment {
        out.push('#');
        out.push_str(&text(f));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_headers_are_masked_whole() {
        assert_eq!(
            header_value("Authorization", "Bearer sk-abc123456789"),
            "Bearer [redacted]"
        );
        assert_eq!(header_value("cookie", "a=b; c=d"), "[redacted]");
        assert_eq!(header_value("X-API-Key", "abcdef"), "[redacted]");
    }

    #[test]
    fn key_shaped_tokens_in_text_are_masked() {
        let t = text("Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Bye");
        assert!(!t.contains("abcdefghijklmnop"), "{t}");
        assert!(t.contains("sk-…1234"), "{t}");
        let t = text("use Authorization: Bearer abcdefghijklmnopqrstuvwxyz now");
        assert!(!t.contains("abcdefghijklmnopqrstuvwxyz"), "{t}");
        let t = text(r#"{"api_key": "supersecretvalue"}"#);
        assert!(!t.contains("supersecretvalue"), "{t}");
        assert_eq!(text("plain words stay"), "plain words stay");
        let t =
            text(r#"L402 version="0", token="AGIAJEemVQUTEyNCR0exk7ek90Cg==", invoice="lnbc1""#);
        assert!(!t.contains("AGIAJEem"), "{t}");
        assert!(t.contains(r#"token="[redacted]""#), "{t}");
    }

    #[test]
    fn url_query_secrets_are_masked() {
        let u = url("https://generativelanguage.googleapis.com/v1/models?key=AIzaSyABCDEFGHIJKLMNOP&alt=sse");
        assert!(!u.contains("ABCDEFGHIJ"), "{u}");
        assert!(u.contains("alt=sse"));
    }

    #[test]
    fn never_panics_on_unicode() {
        let _ = text("ключ sk-ключключключключ 🎉 Bearer 🎉🎉🎉🎉🎉🎉🎉🎉");
        let _ = url("https://ü.example/?key=ü&x=🎉#f");
    }
}
