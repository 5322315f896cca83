//! The rules by key and by header name: which keys and headers hold secrets, which headers
//! carry payment terms, which request headers a stored record keeps, which query keys are
//! harmless.

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
pub(super) const SECRET_KEY_PARTS: &[&str] = &[
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
pub(super) const SECRET_KEYS_EXACT: &[&str] = &[
    "key", "shdf", "usg", "sig", "sid", "pwd", "pin", "otp", "pass", "seed",
];

/// Headers whose values are credentials, whole, though their names do not say so.
pub(super) const SECRET_HEADERS: &[&str] = &[
    "x-payment",
    "stripe-account",
    "openai-organization",
    "openai-project",
];

/// Headers that name a secret word but carry no credential: the server's terms, which the
/// diagnosis shows, and Web Bot Auth's public metadata (their values still pass the shape
/// rules).
pub(super) const TERMS_HEADERS: &[&str] = &[
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
pub(super) const STORED_REQUEST_HEADERS: &[&str] = &[
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
pub(super) const HARMLESS_QUERY_KEYS: &[&str] = &[
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
pub(super) const KEY_PREFIXES: &[&str] = &[
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
pub(super) const CREDENTIAL_SCHEMES: &[&str] =
    &["bearer", "basic", "l402", "lsat", "payment", "token"];

/// How a key's value is treated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum KeyKind {
    Plain,
    /// The value is a secret.
    Secret,
    /// `code`, `state`: an OAuth secret or a decline code; hidden unless identifier-shaped.
    Ambiguous,
}

pub(super) fn normalise(key: &str) -> String {
    key.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

pub(super) fn key_kind(key: &str) -> KeyKind {
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
pub(super) fn is_identifier(value: &str) -> bool {
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
pub(super) fn is_harmless_literal(value: &str) -> bool {
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

pub(super) fn is_listed(list: &[&str], name: &str) -> bool {
    list.iter().any(|h| h.eq_ignore_ascii_case(name))
}

/// Headers whose whole value is a credential: the ones named like secrets (`Authorization`,
/// `Cookie`, `X-Api-Key`, `X-Session-Id`, …) and a few that do not say so.
pub fn is_secret_header(name: &str) -> bool {
    !is_terms_header(name) && (is_listed(SECRET_HEADERS, name) || is_secret_key(name))
}

/// A terms header, or an evidence location inside one (`www-authenticate request (decoded)`).
pub(super) fn is_terms_header(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    TERMS_HEADERS.iter().any(|h| lower.starts_with(h))
}
