//! Redaction: the one rule set for everything shown, stored or exported (CLI text, JSON and
//! Markdown, the extension's stored records and its "Copy report").
//!
//! Three kinds of rules, applied by [`text`], [`url`] and the header functions:
//! - by key: a value whose key looks secret (`key=value`, `"key": "value"`, `key: value`,
//!   headers, cookies) — google/har-sanitizer's word list and its spelling variants;
//! - by shape: credential formats anywhere (`sk-…`, `ghp_…`, `AKIA…`, JWTs, what follows
//!   `Bearer`, `user:pass@` in URLs);
//! - by position: every query value except a few harmless keys, and (stored records) every
//!   request header except a short allow-list.
//!
//! What a diagnosis needs to show is not secret and is kept: decline and error codes (an
//! identifier-shaped `code`), amounts, addresses, networks, invoices and their expiry.

mod keys;

pub use self::keys::{hides, is_secret_header, is_secret_key, HAR_SANITIZER_WORDS, REDACTED};
use self::keys::{
    is_listed, is_terms_header, CREDENTIAL_SCHEMES, HARMLESS_QUERY_KEYS, KEY_PREFIXES,
    SECRET_HEADERS, STORED_REQUEST_HEADERS,
};
use super::diagnosis::{Diagnosis, PaymentTerms};

/// A header value safe to show: secrets replaced whole, the rest scrubbed of key-shaped tokens.
pub fn header_value(name: &str, value: &str) -> String {
    let secret = !is_terms_header(name)
        && (is_listed(SECRET_HEADERS, name) && !value.trim().is_empty() || hides(name, value));
    if secret {
        // Keep the scheme word so "Bearer" vs "L402" stays visible.
        return match value.trim().split_once(' ') {
            Some((scheme, _))
                if scheme.len() <= 16 && scheme.bytes().all(|b| b.is_ascii_alphanumeric()) =>
            {
                format!("{scheme} {REDACTED}")
            }
            _ => REDACTED.to_string(),
        };
    }
    text(value)
}

/// A request header's value as stored: the short allow-list as sent (shape rules still apply),
/// every other value redacted.
pub fn stored_request_header(name: &str, value: &str) -> String {
    if is_listed(STORED_REQUEST_HEADERS, name) {
        return text(value);
    }
    let scheme = value.trim().split_once(' ').map(|(s, _)| s).filter(|s| {
        name.eq_ignore_ascii_case("authorization")
            && s.len() <= 16
            && s.bytes().all(|b| b.is_ascii_alphanumeric())
    });
    match scheme {
        Some(s) => format!("{s} {REDACTED}"),
        None if value.is_empty() => String::new(),
        None => REDACTED.to_string(),
    }
}

fn is_token_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '~' | '+' | '/' | '=')
}

/// Characters that end a URL found in free text.
fn ends_url(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '"' | '\'' | '<' | '>' | '`' | '\\' | ')' | ']' | '}' | ','
        )
}

/// The length of the URL `s` starts with: up to a character that ends it (but not the `]`
/// closing an earlier pass's `[redacted]`), without a sentence's final punctuation.
fn url_len(s: &str) -> usize {
    let mut len = 0;
    loop {
        len += s[len..].find(ends_url).unwrap_or(s.len() - len);
        let redacted_open = &REDACTED[..REDACTED.len() - 1];
        if s[..len].ends_with(redacted_open) && s[len..].starts_with(']') {
            len += 1;
            continue;
        }
        return s[..len].trim_end_matches(['.', ';', ':']).len();
    }
}

/// Where the next `http://` or `https://` starts in `s`, ignoring case.
fn find_url(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    (0..b.len()).find(|&i| {
        let rest = &b[i..];
        let starts = |p: &[u8]| rest.len() >= p.len() && rest[..p.len()].eq_ignore_ascii_case(p);
        starts(b"https://") || starts(b"http://")
    })
}

/// Masks secrets in free text (error messages, bodies, header values): values of
/// secret-looking keys and credential-shaped words are replaced, and URLs found in it go
/// through [`link`]: a URL a server quotes (documentation, a request log, a resource) keeps the
/// query values its keys and shapes do not hide, so it still opens and a stored body
/// re-diagnoses as captured. The request's own URL goes through the stricter [`url`].
pub fn text(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    let mut rest = input;
    while let Some(start) = find_url(rest) {
        words(&rest[..start], &mut out);
        let tail = &rest[start..];
        let len = url_len(tail);
        out.push_str(&link(&tail[..len]));
        rest = &tail[len..];
    }
    words(rest, &mut out);
    out
}

/// The word-level rules: each maximal run of token characters is judged with what precedes it
/// in the output (keys are never changed, so the key of a value is read back from there).
fn words(input: &str, out: &mut String) {
    let mut rest = input;
    while !rest.is_empty() {
        let Some(start) = rest.find(is_token_char) else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..start]);
        rest = &rest[start..];
        let end = rest.find(|c: char| !is_token_char(c)).unwrap_or(rest.len());
        let word = rest[..end].trim_end_matches('.');
        if word.is_empty() {
            out.push_str(&rest[..end]);
            rest = &rest[end..];
            continue;
        }
        let masked = mask_word(word, out);
        out.push_str(&masked);
        rest = &rest[word.len()..];
    }
}

/// Mixed letters and digits, or case flipping often: how generated tokens look (and words
/// do not).
fn looks_random(word: &str) -> bool {
    let letters = word.bytes().any(|b| b.is_ascii_alphabetic());
    let digits = word.bytes().any(|b| b.is_ascii_digit());
    let flips = word
        .as_bytes()
        .windows(2)
        .filter(|w| w[0].is_ascii_lowercase() && w[1].is_ascii_uppercase())
        .count();
    (letters && digits) || flips >= 2
}

fn is_jwt(word: &str) -> bool {
    word.starts_with("eyJ") && word.len() >= 20 && word.matches('.').count() == 2
}

/// Stripe's `pi_…_secret_…` / `seti_…_secret_…` client secrets.
fn is_client_secret(word: &str) -> bool {
    word.split_once("_secret_").is_some_and(|(id, secret)| {
        !id.is_empty() && secret.len() >= 4 && secret.bytes().all(|b| b.is_ascii_alphanumeric())
    })
}

fn mask_word(word: &str, before: &str) -> String {
    let before_trim = before.trim_end();
    let prev_word = before_trim
        .rsplit(|c: char| !is_token_char(c))
        .next()
        .unwrap_or("");
    // `Bearer <token>`, `L402 <macaroon>:<preimage>`: the word after a scheme (a challenge's
    // `realm=` or `id=` has an `=` inside and is no credential).
    let scheme = CREDENTIAL_SCHEMES
        .iter()
        .any(|s| s.eq_ignore_ascii_case(prev_word))
        && before.len() - before_trim.len() == 1;
    // (Judged on the part before any `=`: base64 has `=` only at its end, and judging the
    // whole word would treat `<token>=[redacted]` from an earlier pass differently.)
    let head = word.split('=').next().unwrap_or(word);
    if scheme && head.len() >= 8 && looks_random(head) {
        return REDACTED.to_string();
    }
    // The rest of a credential whose first part was just masked (`user:pass`, `mac:preimage`).
    if before
        .strip_suffix(':')
        .is_some_and(|b| b.ends_with(REDACTED))
        && word.len() >= 4
    {
        return REDACTED.to_string();
    }
    // `key=value`, `"api_key": "value"`, `key: value`: the key precedes a separator. In prose
    // (`Unauthorized: missing API key`, `for this token: name "USD Coin"`) a colon and a space
    // precede ordinary words, so there only a token-looking value counts; a `name=` word is
    // itself a key.
    let before_value = before_trim.trim_end_matches(['"', '\'', ' ']);
    let quoted = before.ends_with(['"', '\'']);
    // `"pin": 123456`: a quoted key is JSON (or a literal), never prose.
    let quoted_key = before_value
        .strip_suffix(':')
        .is_some_and(|k| k.ends_with(['"', '\'']));
    let prose = !quoted && !quoted_key && before.ends_with(' ') && before_value.ends_with(':');
    let value_like = if quoted {
        true
    } else {
        !word.ends_with('=') && (!prose || (word.len() >= 12 && looks_random(word)))
    };
    if value_like && (before_value.ends_with('=') || before_value.ends_with(':')) {
        let key = before_value
            .trim_end_matches(['=', ':', '"', '\'', ' '])
            .rsplit(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.'))
            .next()
            .unwrap_or("");
        // `Authorization: Bearer …` keeps the scheme; the credential is the next word.
        let is_scheme = CREDENTIAL_SCHEMES
            .iter()
            .any(|s| s.eq_ignore_ascii_case(word));
        if !is_scheme && hides(key, word) {
            return REDACTED.to_string();
        }
    }
    // `key=value` inside one word (query strings, cookies); a quoted value (`token="…"`) is the
    // next word and is caught by the separator check above.
    // Key and value are judged apart: `model=sk-…` hides a key shape behind a plain key, and
    // a key shaped like a credential must be masked now, or a second pass would.
    if let Some((word_key, value)) = word.split_once('=') {
        let key = mask_shape(word_key).unwrap_or_else(|| word_key.to_string());
        if hides(word_key, value) {
            return format!("{key}={REDACTED}");
        }
        let value = mask_shape(value).unwrap_or_else(|| value.to_string());
        return format!("{key}={value}");
    }
    mask_shape(word).unwrap_or_else(|| word.to_string())
}

/// The word masked when it is shaped like a credential.
fn mask_shape(word: &str) -> Option<String> {
    if is_jwt(word) || is_client_secret(word) {
        return Some(REDACTED.to_string());
    }
    KEY_PREFIXES
        .iter()
        .find(|p| word.len() >= p.len() + 8 && word.starts_with(*p))
        // Keep the prefix and the last four characters, as dashboards do.
        .map(|prefix| format!("{prefix}…{}", &word[word.len() - 4..]))
}

/// A query string (or a fragment shaped like one) with every value redacted except the
/// harmless keys; for a link, only the values the key and shape rules hide.
fn query(q: &str, link: bool) -> String {
    let params: Vec<String> = q
        .split('&')
        .map(|pair| match pair.split_once('=') {
            Some((k, v))
                if v.is_empty() || is_listed(HARMLESS_QUERY_KEYS, k) || (link && !hides(k, v)) =>
            {
                format!("{}={}", text(k), words_of(v))
            }
            Some((k, _)) => format!("{}={REDACTED}", text(k)),
            None => text(pair),
        })
        .collect();
    params.join("&")
}

fn words_of(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    words(s, &mut out);
    out
}

/// A URL with its userinfo (`user:pass@`) and query values redacted, and credential-shaped
/// parts of its path and fragment masked.
pub fn url(input: &str) -> String {
    redact_url(input, false)
}

/// A link to open (billing page, docs, a processor's request log): like [`url`], but query
/// values stay unless their key or shape says secret, so the link still works
/// (`?to=/:account/billing`, Stripe's `?t=<time>`).
pub fn link(input: &str) -> String {
    redact_url(input, true)
}

fn redact_url(input: &str, link: bool) -> String {
    let (before_fragment, fragment) = match input.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (input, None),
    };
    let (base, q) = match before_fragment.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (before_fragment, None),
    };
    let mut out = String::with_capacity(input.len());
    base_part(base, &mut out);
    if let Some(q) = q {
        out.push('?');
        out.push_str(&query(q, link));
    }
    if let Some(f) = fragment {
        out.push('#');
        // `#access_token=…` (OAuth implicit flow) is a query in all but name.
        if f.contains('=') {
            out.push_str(&query(f, link));
        } else {
            words(f, &mut out);
        }
    }
    out
}

/// The URL before its query: every `//authority` in it (a URL can carry another in its path,
/// `https://a.test/https://user:pass@b.test`) loses its userinfo and is otherwise kept; the
/// rest goes through the word rules.
fn base_part(base: &str, out: &mut String) {
    let mut rest = base;
    while let Some(i) = rest.find("//") {
        words(&rest[..i], out);
        out.push_str("//");
        rest = &rest[i + 2..];
        let end = rest.find('/').unwrap_or(rest.len());
        match rest[..end].rsplit_once('@') {
            Some((_, host)) => {
                out.push_str(REDACTED);
                out.push('@');
                out.push_str(host);
            }
            None => out.push_str(&rest[..end]),
        }
        // The `/` that ends the authority stays, so a second pass finds the same authority.
        let slash = usize::from(rest[end..].starts_with('/'));
        out.push_str(&rest[end..end + slash]);
        rest = &rest[end + slash..];
    }
    words(rest, out);
}

fn opt(s: &mut Option<String>, f: fn(&str) -> String) {
    if let Some(v) = s.as_mut() {
        *v = f(v);
    }
}

fn terms(t: &mut PaymentTerms) {
    opt(&mut t.resource, url);
    for s in [
        &mut t.scheme,
        &mut t.amount,
        &mut t.amount_atomic,
        &mut t.asset,
        &mut t.asset_id,
        &mut t.network,
        &mut t.network_id,
        &mut t.pay_to,
        &mut t.description,
        &mut t.invoice,
        &mut t.payment_hash,
    ] {
        opt(s, text);
    }
    for alt in &mut t.alternatives {
        terms(alt);
    }
}

/// The diagnosis with every text field passed through the rules: detectors quote the response
/// in many places (messages, descriptions, resources, findings), and this one pass at the end
/// of the engine means none of them can forget to redact.
pub fn diagnosis(d: &mut Diagnosis) {
    d.summary = text(&d.summary);
    d.explanation = text(&d.explanation);
    for e in &mut d.evidence {
        e.value = text(&e.value);
    }
    for s in &mut d.steps {
        s.text = text(&s.text);
        opt(&mut s.snippet, text);
        opt(&mut s.link, link);
    }
    if let Some(t) = d.payment.as_mut() {
        terms(t);
    }
    opt(&mut d.billing_url, link);
    opt(&mut d.docs_url, link);
    for f in &mut d.findings {
        f.message = text(&f.message);
        f.fix = text(&f.fix);
    }
}

#[cfg(test)]
mod tests;
