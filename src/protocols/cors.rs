//! What page JavaScript can see of the response, judged from the CORS headers.
//!
//! Only cross-origin requests raise the question: the request's `Origin` header must be present
//! and differ from the URL's origin. Then, per the Fetch standard: without a matching
//! `Access-Control-Allow-Origin` the page gets "TypeError: Failed to fetch" while the network
//! (and the extension) saw the 402; with it, the page reads the status and body, but only the
//! CORS-safelisted response headers plus those listed in `Access-Control-Expose-Headers`.
//! Credentials are judged only when the request carried cookies, to stay conservative: a
//! request without a `Cookie` header may still have been credentialed, but we cannot tell.

use crate::core::diagnosis::{CorsVisibility, Finding, Severity};
use crate::core::observed::Observed;

/// Response headers that carry payment information, in the spelling shown to people.
const PAYMENT_HEADERS: &[&str] = &[
    "PAYMENT-REQUIRED",
    "PAYMENT-RESPONSE",
    "X-PAYMENT-RESPONSE",
    "WWW-Authenticate",
    "crawler-price",
    "crawler-error",
    "Retry-After",
];

/// `scheme://host[:port]` of a URL or Origin value, lowercased, default ports dropped.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.trim().split_once("://")?;
    let scheme = scheme.to_ascii_lowercase();
    let authority = rest.split(['/', '?', '#']).next()?;
    let host_port = authority.rsplit('@').next()?.to_ascii_lowercase();
    if scheme.is_empty() || host_port.is_empty() {
        return None;
    }
    let default_port = match scheme.as_str() {
        "https" | "wss" => ":443",
        "http" | "ws" => ":80",
        _ => "",
    };
    let host_port = if !default_port.is_empty() {
        host_port
            .strip_suffix(default_port)
            .map(str::to_string)
            .unwrap_or(host_port)
    } else {
        host_port
    };
    Some(format!("{scheme}://{host_port}"))
}

pub fn visibility(obs: &Observed) -> (Option<CorsVisibility>, Vec<Finding>) {
    let ex = obs.exchange;
    let Some(origin) = ex.request_header("origin").map(str::trim) else {
        return (None, Vec::new());
    };
    let target = origin_of(&ex.request.url);
    // "null" (sandboxed frames, file:) is always cross-origin; otherwise compare origins.
    if origin != "null" && target.is_some() && origin_of(origin) == target {
        return (None, Vec::new());
    }
    let credentials = ex.request_header("cookie").is_some();
    let allow_origin = ex.header("access-control-allow-origin").map(str::trim);
    let allow_credentials = ex
        .header("access-control-allow-credentials")
        .is_some_and(|v| v.trim() == "true");

    // Plain loops rather than iterator chains: each chain is its own copy in the wasm.
    let mut present: Vec<&str> = Vec::new();
    for h in PAYMENT_HEADERS {
        if ex.header(h).is_some() {
            present.push(h);
        }
    }

    let origin_ok = match allow_origin {
        Some("*") => !credentials,
        Some(v) => v == origin,
        None => false,
    };
    if origin_ok && (!credentials || allow_credentials) {
        readable(obs, credentials, present)
    } else {
        unreadable(obs, origin, allow_origin, credentials, present)
    }
}

/// The page cannot read the response at all: why, and the headers that would fix it.
fn unreadable(
    obs: &Observed,
    origin: &str,
    allow_origin: Option<&str>,
    credentials: bool,
    present: Vec<&str>,
) -> (Option<CorsVisibility>, Vec<Finding>) {
    let why = match allow_origin {
        None => "it sends no Access-Control-Allow-Origin header".to_string(),
        Some("*") => "it answers `Access-Control-Allow-Origin: *`, which browsers refuse for a request sent with cookies".to_string(),
        Some(v) if v != origin => format!("its Access-Control-Allow-Origin (`{}`) does not match the page's origin `{origin}`", crate::core::evidence::truncate(v, 80)),
        Some(_) => "the request carried cookies but the response lacks `Access-Control-Allow-Credentials: true`".to_string(),
    };
    let mut fix = format!("Send `Access-Control-Allow-Origin: {origin}` (and `Vary: Origin`) on every response including the {}", obs.status);
    if credentials {
        fix.push_str(", plus `Access-Control-Allow-Credentials: true`");
    }
    if !present.is_empty() {
        fix.push_str(&format!(
            ", and `Access-Control-Expose-Headers: {}`",
            present.join(", ")
        ));
    }
    fix.push('.');
    let mut findings = Vec::new();
    findings.push(Finding {
        code: "cors_response_hidden".into(),
        severity: Severity::Error,
        message: format!(
            "The page at {origin} cannot read this cross-origin response because {why}: its JavaScript sees \"TypeError: Failed to fetch\" while the network saw the {}.",
            obs.status
        ),
        fix,
    });
    let mut hidden = Vec::with_capacity(present.len());
    for h in present {
        hidden.push(h.to_string());
    }
    (
        Some(CorsVisibility {
            page_can_read_response: false,
            hidden_headers: hidden,
        }),
        findings,
    )
}

/// The page reads the response: the payment headers it cannot see (not exposed).
fn readable(
    obs: &Observed,
    credentials: bool,
    present: Vec<&str>,
) -> (Option<CorsVisibility>, Vec<Finding>) {
    let ex = obs.exchange;
    let mut exposed: Vec<&str> = Vec::new();
    let mut star = false;
    for line in ex.headers("access-control-expose-headers") {
        for h in line.split(',') {
            let h = h.trim();
            star |= h == "*";
            exposed.push(h);
        }
    }
    // `*` exposes everything only for requests without credentials.
    let wildcard = !credentials && star;
    let mut hidden: Vec<String> = Vec::new();
    let mut critical = false;
    for h in present {
        if !wildcard && !exposed.iter().any(|e| e.eq_ignore_ascii_case(h)) {
            critical |= h == "PAYMENT-REQUIRED" || h == "WWW-Authenticate";
            hidden.push(h.to_string());
        }
    }
    let mut findings = Vec::new();
    if !hidden.is_empty() {
        let list = hidden.join(", ");
        findings.push(Finding {
            code: "cors_payment_header_hidden".into(),
            severity: if critical {
                Severity::Error
            } else {
                Severity::Warning
            },
            message: format!(
                "The page can read the {} but not the {list} header(s): they are not CORS-safelisted and not listed in Access-Control-Expose-Headers, so `response.headers.get()` returns null.",
                obs.status
            ),
            fix: format!("Add `Access-Control-Expose-Headers: {list}` to the response."),
        });
    }
    (
        Some(CorsVisibility {
            page_can_read_response: true,
            hidden_headers: hidden,
        }),
        findings,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::exchange::{Exchange, Header};

    fn run(req: &[(&str, &str)], resp: &[(&str, &str)]) -> (Option<CorsVisibility>, Vec<Finding>) {
        let mut ex = Exchange::default();
        ex.request.url = "https://api.shop.com/paid".into();
        ex.request.headers = req.iter().map(|(n, v)| Header::new(*n, *v)).collect();
        ex.response.status = 402;
        ex.response.headers = resp.iter().map(|(n, v)| Header::new(*n, *v)).collect();
        let obs = Observed::new(&ex, None);
        visibility(&obs)
    }

    #[test]
    fn origins_normalise() {
        assert_eq!(
            origin_of("HTTPS://Api.Shop.com:443/x?y").as_deref(),
            Some("https://api.shop.com")
        );
        assert_eq!(
            origin_of("http://a.b:8080").as_deref(),
            Some("http://a.b:8080")
        );
        assert_eq!(origin_of("nonsense"), None);
        assert_eq!(origin_of("https://"), None);
        assert_eq!(
            origin_of("http://u:p@h.test:8080").as_deref(),
            Some("http://h.test:8080")
        );
    }

    #[test]
    fn no_question_without_cross_origin() {
        assert_eq!(run(&[], &[("PAYMENT-REQUIRED", "x")]), (None, vec![]));
        assert_eq!(
            run(&[("Origin", "https://api.shop.com")], &[]),
            (None, vec![])
        );
    }

    #[test]
    fn judgements() {
        let o = ("Origin", "https://app.shop.com");
        let (v, f) = run(&[o], &[("PAYMENT-REQUIRED", "x")]);
        assert!(!v.unwrap().page_can_read_response);
        assert_eq!(f[0].code, "cors_response_hidden");
        assert!(f[0]
            .fix
            .contains("Access-Control-Allow-Origin: https://app.shop.com"));

        let (v, f) = run(
            &[o],
            &[
                ("Access-Control-Allow-Origin", "*"),
                ("PAYMENT-REQUIRED", "x"),
            ],
        );
        assert_eq!(v.unwrap().hidden_headers, ["PAYMENT-REQUIRED"]);
        assert_eq!(f[0].code, "cors_payment_header_hidden");

        let (v, f) = run(
            &[o],
            &[
                ("Access-Control-Allow-Origin", "*"),
                (
                    "Access-Control-Expose-Headers",
                    "payment-required, payment-response",
                ),
                ("PAYMENT-REQUIRED", "x"),
            ],
        );
        assert!(v.unwrap().hidden_headers.is_empty() && f.is_empty());

        // Wildcards do not work with cookies.
        let (v, _) = run(
            &[o, ("Cookie", "s=1")],
            &[("Access-Control-Allow-Origin", "*")],
        );
        assert!(!v.unwrap().page_can_read_response);
        let (v, f) = run(
            &[o, ("Cookie", "s=1")],
            &[
                ("Access-Control-Allow-Origin", "https://app.shop.com"),
                ("Access-Control-Allow-Credentials", "true"),
                ("Access-Control-Expose-Headers", "*"),
                ("Retry-After", "5"),
            ],
        );
        assert_eq!(v.unwrap().hidden_headers, ["Retry-After"]);
        assert_eq!(f[0].severity, Severity::Warning);

        let (v, _) = run(
            &[o],
            &[("Access-Control-Allow-Origin", "https://evil.example")],
        );
        assert!(!v.unwrap().page_can_read_response);
    }
}
