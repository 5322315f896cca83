//! Link and URL helpers every front end shares (the Markdown report, the console line, the
//! extension UI), kept here with no browser types so they are tested natively: they guard what
//! becomes a link.

use crate::core::evidence::truncate;

/// Characters of a URL shown in a list row.
const SHORT_URL_CHARS: usize = 56;

/// `host/path` without scheme and query, cut to fit a list row.
pub fn short_url(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    truncate(rest, SHORT_URL_CHARS)
}

/// `url` when it may be an `href`: absolute http(s), with no whitespace, control characters or
/// backslashes a browser would reinterpret. Anything else (`javascript:`, `data:`) is shown as
/// text.
pub fn safe_href(url: &str) -> Option<&str> {
    let head: String = url.chars().take(8).collect::<String>().to_ascii_lowercase();
    let scheme_ok = head.starts_with("https://") || head.starts_with("http://");
    let clean = !url
        .chars()
        .any(|c| c.is_whitespace() || c.is_control() || c == '\\');
    let has_host = url
        .split_once("://")
        .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
    (scheme_ok && clean && has_host).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_url_drops_scheme_and_query() {
        assert_eq!(short_url("https://a.test/v1/x?key=1#f"), "a.test/v1/x");
        assert_eq!(short_url("junk"), "junk");
        assert!(short_url(&format!("https://a.test/{}", "é".repeat(100))).ends_with('…'));
    }

    #[test]
    fn only_plain_http_urls_become_links() {
        assert_eq!(safe_href("https://x.test/a"), Some("https://x.test/a"));
        assert_eq!(safe_href("HTTP://x.test"), Some("HTTP://x.test"));
        for bad in [
            "javascript:alert(1)",
            "JavaScript://x.test/%0aalert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>",
            "https://x.test/a b",
            "https:///x",
            "https://",
            "https:\\\\x.test",
            "//x.test",
            "",
            "🎉🎉🎉🎉🎉🎉🎉🎉🎉",
        ] {
            assert_eq!(safe_href(bad), None, "{bad}");
        }
    }
}
