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

use super::diagnosis::{Diagnosis, PaymentTerms};

pub const REDACTED: &str = "[redacted]";

/// google/har-sanitizer's word list (`harsanitizer/static/wordlist.json`), verbatim: the keys
/// its authors found carrying secrets or personal data in real HAR files.
pub const HAR_SANITIZER_WORDS: [&str; 24] = [
    "state",
    "shdf",
    "usg",
    "password",
    "email",
    "code",
    "code_verifier",
    "client_secret",
    "client_id",
    "token",
    "access_token",
    "authenticity_token",
    "id_token",
    "appID",
    "challenge",
    "facetID",
    "assertion",
    "fcParams",
    "serverData",
    "Authorization",
    "auth",
    "x-client-data",
    "SAMLRequest",
    "SAMLResponse",
];

/// Parts of a normalised key (lowercase, no `-` `_` `.`) that make its value secret wherever
/// they appear: covers the word list's spelling variants (`clientSecret`, `X-Auth-Token`,
/// `session_id`, `api-key`) and the credentials of payment protocols.
const SECRET_KEY_PARTS: &[&str] = &[
    "token",
    "secret",
    "passw",
    "passphrase",
    "auth",
    "session",
    "sessid",
    "cookie",
    "signature",
    "credential",
    "macaroon",
    "preimage",
    "privatekey",
    "apikey",
    "accesskey",
    "clientid",
    "appid",
    "facetid",
    "assertion",
    "fcparams",
    "serverdata",
    "samlrequest",
    "samlresponse",
    "xclientdata",
    "codeverifier",
    "challenge",
    "email",
    "mnemonic",
    "jwt",
];

/// Normalised keys secret only when whole (as parts they hide inside ordinary words).
const SECRET_KEYS_EXACT: &[&str] = &[
    "key", "shdf", "usg", "sig", "sid", "pwd", "pin", "otp", "pass", "seed",
];

/// Headers whose values are credentials, whole, though their names do not say so.
const SECRET_HEADERS: &[&str] = &[
    "x-payment",
    "stripe-account",
    "openai-organization",
    "openai-project",
];

/// Headers that name a secret word but carry no credential: the server's terms, which the
/// diagnosis shows, and Web Bot Auth's public metadata (their values still pass the shape
/// rules).
const TERMS_HEADERS: &[&str] = &[
    "signature-agent",
    "signature-input",
    "www-authenticate",
    "proxy-authenticate",
    "authentication-info",
    "payment-required",
    "payment-response",
    "x-payment-response",
];

/// Request headers a stored record keeps as sent: what the diagnosis reads (CORS, pay per
/// crawl) and nothing that identifies the user. Every other request header keeps its name
/// (detectors test presence: `Cookie`, `X-PAYMENT`, `Signature`) with its value redacted;
/// `Authorization` keeps its scheme (and an L402 credential its shape, see `capture::har`).
const STORED_REQUEST_HEADERS: &[&str] = &[
    "origin",
    "content-type",
    "accept",
    "content-length",
    "crawler-max-price",
    "crawler-exact-price",
    "signature-agent",
    "signature-input",
];

/// Query keys whose values are kept. Query strings carry credentials and personal data under
/// any name (`key`, `sig`, `X-Amz-Credential`, `code`, `state`, `email`, `u`), and no diagnosis
/// needs a query value, so every value is redacted except these few, which only select a
/// format or version and help reading a report.
const HARMLESS_QUERY_KEYS: &[&str] = &[
    "alt",
    "api-version",
    "version",
    "v",
    "format",
    "lang",
    "locale",
    "hl",
    "model",
    "stream",
    "page",
    "limit",
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
    "ghu_",
    "ghr_",
    "github_pat_",
    "xoxb-",
    "xoxp-",
    "xoxa-",
    "xoxs-",
    "hf_",
    "AKIA",
    "ASIA",
    "AIza",
    "glpat-",
    "r8_",
    "gsk_",
    "xai-",
    "pplx-",
    "nvapi-",
    "fw_",
    "npm_",
    // Stripe shared payment tokens (MPP's `stripe` method).
    "spt_",
];

/// Authorization schemes whose next word is the credential.
const CREDENTIAL_SCHEMES: &[&str] = &["bearer", "basic", "l402", "lsat", "payment", "token"];

/// How a key's value is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Plain,
    /// The value is a secret.
    Secret,
    /// `code`, `state`: an OAuth secret or a decline code; hidden unless identifier-shaped.
    Ambiguous,
}

fn normalise(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

fn key_kind(key: &str) -> KeyKind {
    let k = normalise(key);
    // Counts (`max_tokens`, `input_tokens`), not tokens.
    if k.is_empty() || k.ends_with("tokens") {
        return KeyKind::Plain;
    }
    if SECRET_KEY_PARTS.iter().any(|p| k.contains(p))
        || SECRET_KEYS_EXACT.contains(&k.as_str())
        || k.ends_with("key")
    {
        return KeyKind::Secret;
    }
    if k.ends_with("code") || k.ends_with("state") {
        return KeyKind::Ambiguous;
    }
    KeyKind::Plain
}

/// True when `key` names a secret (any spelling of the word list's entries and the like).
pub fn is_secret_key(key: &str) -> bool {
    key_kind(key) != KeyKind::Plain
}

/// An error or decline code, a status word: `card_declined`, `INSUFFICIENT_FUNDS`, `402`,
/// `active`. Random tokens mix case and digits or run consonants together.
fn is_identifier(value: &str) -> bool {
    if value.is_empty() || value.len() > 64 {
        return false;
    }
    if value.bytes().all(|b| b.is_ascii_digit()) {
        return value.len() <= 6;
    }
    let lower = value.bytes().all(|b| !b.is_ascii_uppercase());
    let upper = value.bytes().all(|b| !b.is_ascii_lowercase());
    if !(lower || upper) {
        return false;
    }
    let mut segments = value.split(['_', '-', '.']);
    let first = segments.next().unwrap_or("");
    if first.is_empty() || !first.bytes().all(|b| b.is_ascii_alphabetic()) {
        return false;
    }
    let separated = value.contains(['_', '-', '.']);
    if !separated && value.len() > 16 {
        return false;
    }
    // A run of five consonants is no English word.
    let mut run = 0;
    for b in value.bytes() {
        let vowel = matches!(
            b.to_ascii_lowercase(),
            b'a' | b'e' | b'i' | b'o' | b'u' | b'y'
        );
        run = if b.is_ascii_alphabetic() && !vowel {
            run + 1
        } else {
            0
        };
        if run >= 5 {
            return false;
        }
    }
    segments.all(|s| s.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// Literals that say nothing even under a secret key.
fn is_harmless_literal(value: &str) -> bool {
    value.len() < 4
        || value == REDACTED
        // What the shape rule leaves of a masked key (`whsec_…1234` reads as `whsec_`).
        || KEY_PREFIXES.contains(&value)
        || ["true", "false", "null", "none", "undefined"]
            .iter()
            .any(|l| l.eq_ignore_ascii_case(value))
}

/// True when the value of `key` must not be shown.
pub fn hides(key: &str, value: &str) -> bool {
    let value = value.trim_matches(['"', '\'']);
    match key_kind(key) {
        KeyKind::Plain => false,
        _ if is_harmless_literal(value) => false,
        KeyKind::Secret => true,
        KeyKind::Ambiguous => !is_identifier(value),
    }
}

fn is_listed(list: &[&str], name: &str) -> bool {
    list.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// A terms header, or an evidence location inside one (`www-authenticate request (decoded)`).
fn is_terms_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TERMS_HEADERS.iter().any(|h| lower.starts_with(h))
}

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
        assert_eq!(header_value("X-Session-Id", "Zq81kd"), "[redacted]");
        assert_eq!(
            header_value("WWW-Authenticate", r#"Bearer realm="api""#),
            r#"Bearer realm="api""#
        );
    }

    #[test]
    fn spelling_variants_of_the_word_list_are_secret() {
        for k in HAR_SANITIZER_WORDS {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "clientSecret",
            "X-Auth-Token",
            "session_id",
            "api-key",
            "PASSWORD",
            "refresh_token",
            "x-goog-api-key",
            "AuthCode",
        ] {
            assert!(is_secret_key(k), "{k}");
        }
        for k in [
            "amount",
            "payTo",
            "network",
            "asset",
            "max_tokens",
            "message",
        ] {
            assert!(!is_secret_key(k), "{k}");
        }
    }

    #[test]
    fn codes_stay_when_identifier_shaped() {
        for (k, v) in [
            ("decline_code", "insufficient_funds"),
            ("code", "card_declined"),
            ("code", "PAYMENT_REQUIRED"),
            ("code", "402"),
            ("state", "active"),
            ("error_code", "fraudulent"),
        ] {
            assert!(!hides(k, v), "{k}={v}");
        }
        for (k, v) in [
            ("code", "SplxlOBeZQQYbYS6WxSbIA"),
            ("state", "af0ifjsldkj"),
            ("code", "4/0AX4XfWh"),
            ("state", "kjhgfdsaqw"),
        ] {
            assert!(hides(k, v), "{k}={v}");
        }
    }

    #[test]
    fn key_shaped_tokens_in_text_are_masked() {
        let t = text("Incorrect API key provided: sk-proj-abcdefghijklmnop1234. Bye");
        assert!(!t.contains("abcdefghijklmnop"), "{t}");
        assert!(t.contains("sk-…1234"), "{t}");
        let t = text("use Authorization: Bearer abcdefghijklmnopqrstuvwxyz0 now");
        assert!(!t.contains("abcdefghijklmnopqrstuvwxyz"), "{t}");
        let t = text(r#"{"api_key": "supersecretvalue"}"#);
        assert!(!t.contains("supersecretvalue"), "{t}");
        assert_eq!(text("plain words stay"), "plain words stay");
        assert_eq!(text("Payment required"), "Payment required");
        let t =
            text(r#"L402 version="0", token="AGIAJEemVQUTEyNCR0exk7ek90Cg==", invoice="lnbc1""#);
        assert!(!t.contains("AGIAJEem"), "{t}");
        assert!(t.contains(r#"token="[redacted]""#), "{t}");
        let t = text("bad credential L402 AgEEbHNhdAJCAAA9:4f346baeff5a99cc6c5636b1e72ff750");
        assert!(!t.contains("AgEEbHNh") && !t.contains("4f346bae"), "{t}");
        let t = text("jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl here");
        assert!(!t.contains("c2lnbmF0dXJl"), "{t}");
        let t = text("model=sk-proj-abcdefghijklmnop1234 ok");
        assert_eq!(t, "model=sk-…1234 ok");
        let t = text("client secret pi_3Mtw_secret_YrKJUKribcBjcG8Hv");
        assert!(!t.contains("YrKJUK"), "{t}");
    }

    #[test]
    fn urls_in_text_lose_query_values_and_userinfo() {
        let t = text(
            r#"see "https://u:Pw9xYz@api.test/a?x=1&state=Zq81kdLmX0&alt=json#token=v1xY" now."#,
        );
        assert_eq!(
            t,
            r#"see "https://[redacted]@api.test/a?x=1&state=[redacted]&alt=json#token=[redacted]" now."#
        );
    }

    #[test]
    fn prose_after_a_colon_is_not_a_value() {
        for t in [
            "its message is about authentication: some APIs send 402",
            "Unauthorized: missing API key",
            "Retry with a Payment credential: base64url (no padding) of JSON",
            "(for this token: name \"USD Coin\", version \"2\")",
            "Signature-Input: sig1=(\"@authority\");tag=\"web-bot-auth\"",
            "a Web Bot Auth signature: make sure it verifies",
        ] {
            assert_eq!(text(t), t);
        }
        let t = text("Invalid password: Zq81kdLmX0pa4");
        assert_eq!(t, "Invalid password: [redacted]");
        assert_eq!(text(r#"{"pin": 123456}"#), r#"{"pin": [redacted]}"#);
    }

    #[test]
    fn links_keep_harmless_query_values() {
        assert_eq!(
            link("https://dash.cloudflare.com/?to=/:account/billing"),
            "https://dash.cloudflare.com/?to=/:account/billing"
        );
        assert_eq!(
            link("https://dashboard.stripe.com/logs/req_1?t=1674232778&token=Zq81kdLmX0pa"),
            "https://dashboard.stripe.com/logs/req_1?t=1674232778&token=[redacted]"
        );
    }

    #[test]
    fn url_query_values_are_masked() {
        let u = url("https://generativelanguage.googleapis.com/v1/models?key=AIzaSyABCDEFGHIJKLMNOP&alt=sse");
        assert!(!u.contains("ABCDEFGHIJ"), "{u}");
        assert!(u.contains("alt=sse"));
        assert_eq!(
            url("https://x.test/p?q=1&flag"),
            "https://x.test/p?q=[redacted]&flag"
        );
    }

    #[test]
    fn stored_request_headers_keep_only_the_allow_list() {
        assert_eq!(
            stored_request_header("Origin", "https://a.test"),
            "https://a.test"
        );
        assert_eq!(stored_request_header("X-Custom", "abc"), "[redacted]");
        assert_eq!(
            stored_request_header("Authorization", "Payment eyJabc"),
            "Payment [redacted]"
        );
    }

    #[test]
    fn redaction_is_idempotent() {
        for s in [
            "token=[redacted] and sk-…1234 and https://[redacted]@x.test/?a=[redacted]",
            "Bearer [redacted]",
            "see https://u:x*i?token=[redacted]",
            "t*oken_secret_=[redacted]",
            "rk_test_…ecre=[redacted]",
            "L402 [redacted]\":!\"pi",
            "rk_test_t.ojwtk=[redacted]",
            "ees?passwts:whsec_…ppid=",
            "see https://[redacted]@xassertion.thtp:st//[redacted]@x.tes?tes?t/a?tBke.tr=",
            "see https://[redacted]@x.thttps://[redacted]@x.tes?tes?t/a?tBke.tr=",
        ] {
            assert_eq!(text(s), s);
        }
    }

    #[test]
    fn never_panics_on_unicode() {
        let _ = text("ключ sk-ключключключключ 🎉 Bearer 🎉🎉🎉🎉🎉🎉🎉🎉 https://ü@🎉/?ü=🎉#🎉=1");
        let _ = url("https://ü.example/?key=ü&x=🎉#f");
        let _ = text("sk-abcdefgh🎉ij");
    }
}
