//! One raw HTTP response as `curl -si` (or `curl -sI`) prints it: status line, headers, blank
//! line, body. Redirects followed with `-L` and `100 Continue` print several header blocks in a
//! row; the last response is the one that matters.

use std::fmt;

use crate::core::exchange::{Content, Exchange, Header, Request, Response};

/// Why the input is not an HTTP response; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawHttpError {
    pub line: usize,
    pub message: String,
}

impl fmt::Display for RawHttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.message)
    }
}

impl std::error::Error for RawHttpError {}

fn error(line: usize, message: impl Into<String>) -> RawHttpError {
    RawHttpError {
        line,
        message: message.into(),
    }
}

/// Splits off the next line (without its LF or CRLF); `None` at the end of input.
fn next_line(input: &[u8]) -> Option<(&[u8], &[u8])> {
    if input.is_empty() {
        return None;
    }
    let (line, rest) = match input.iter().position(|&b| b == b'\n') {
        Some(i) => (&input[..i], &input[i + 1..]),
        None => (input, &input[input.len()..]),
    };
    Some((line.strip_suffix(b"\r").unwrap_or(line), rest))
}

/// `HTTP/1.1 402 Payment Required`, `HTTP/2 402`: the status code and reason phrase.
fn status_line(line: &[u8]) -> Option<(u16, String)> {
    let text = std::str::from_utf8(line).ok()?;
    let rest = text.strip_prefix("HTTP/")?;
    let (version, rest) = rest.split_once(' ')?;
    if version.is_empty() || !version.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let rest = rest.trim_start();
    let code = rest.get(..3)?;
    if !code.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let after = rest.get(3..)?;
    if !(after.is_empty() || after.starts_with(' ')) {
        return None;
    }
    Some((code.parse().ok()?, after.trim().to_string()))
}

fn not_http(first: &[u8]) -> RawHttpError {
    let hint = match first.iter().find(|b| !b.is_ascii_whitespace()) {
        Some(b'{') | Some(b'[') | Some(b'<') => {
            " (this looks like a body only: run curl with -i to include the status and headers)"
        }
        _ => "",
    };
    error(
        1,
        format!("not an HTTP response: expected a status line like `HTTP/1.1 402 Payment Required`{hint}"),
    )
}

/// Parses `input` into an exchange. `method` and `url` say what was requested, when known
/// (they help recognise the provider).
pub fn parse_response(
    input: &[u8],
    method: Option<&str>,
    url: Option<&str>,
) -> Result<Exchange, RawHttpError> {
    let (mut rest, mut line_no) =
        skip_blank_lines(input.strip_prefix(b"\xef\xbb\xbf").unwrap_or(input));
    if rest.is_empty() {
        return Err(error(line_no, "empty input: expected an HTTP response"));
    }
    if status_line(next_line(rest).map(|(l, _)| l).unwrap_or_default()).is_none() {
        return Err(not_http(rest));
    }
    loop {
        let (line, after) = next_line(rest).unwrap_or_default();
        let (status, status_text) = status_line(line).ok_or_else(|| {
            error(
                line_no,
                "expected a status line like `HTTP/1.1 402 Payment Required`",
            )
        })?;
        rest = after;
        line_no += 1;
        let block = header_block(rest, line_no)?;
        (rest, line_no) = (block.rest, block.line_no);
        // Another status line right after the blank line: a redirect or `100 Continue` came
        // first; the last response wins.
        let next_is_response = next_line(rest).is_some_and(|(l, _)| status_line(l).is_some());
        if block.ended && next_is_response {
            continue;
        }
        return Ok(exchange(
            method,
            url,
            status,
            status_text,
            block.headers,
            rest,
        ));
    }
}

/// Leading blank lines are harmless (a shell prompt's newline, a copy-paste): the input after
/// them, and the 1-based number of its first line.
fn skip_blank_lines(mut rest: &[u8]) -> (&[u8], usize) {
    let mut line_no = 1;
    while let Some((line, after)) = next_line(rest) {
        if !line.iter().all(u8::is_ascii_whitespace) {
            break;
        }
        rest = after;
        line_no += 1;
    }
    (rest, line_no)
}

/// The header lines after a status line, up to the blank line.
struct HeaderBlock<'a> {
    headers: Vec<Header>,
    /// A blank line ended the block (else the input did).
    ended: bool,
    /// What follows the blank line, and its line number.
    rest: &'a [u8],
    line_no: usize,
}

fn header_block(mut rest: &[u8], mut line_no: usize) -> Result<HeaderBlock<'_>, RawHttpError> {
    let mut headers: Vec<Header> = Vec::new();
    let mut ended = false;
    while let Some((line, after)) = next_line(rest) {
        rest = after;
        if line.is_empty() {
            ended = true;
            line_no += 1;
            break;
        }
        let text = String::from_utf8_lossy(line);
        if line.first().is_some_and(|b| *b == b' ' || *b == b'\t') {
            // Obsolete line folding: continues the previous header's value.
            let Some(last) = headers.last_mut() else {
                return Err(error(line_no, "a header line starts with a space"));
            };
            last.value.push(' ');
            last.value.push_str(text.trim());
        } else {
            let Some((name, value)) = text.split_once(':') else {
                return Err(error(
                    line_no,
                    format!(
                        "malformed header line (no ':'): {}",
                        crate::core::evidence::truncate(
                            &crate::core::evidence::printable(&text),
                            60
                        )
                    ),
                ));
            };
            headers.push(Header::new(name.trim(), value.trim()));
        }
        line_no += 1;
    }
    Ok(HeaderBlock {
        headers,
        ended,
        rest,
        line_no,
    })
}

/// The last response as an exchange; `body` is everything after its header block.
fn exchange(
    method: Option<&str>,
    url: Option<&str>,
    status: u16,
    status_text: String,
    headers: Vec<Header>,
    body: &[u8],
) -> Exchange {
    let content_length_zero = headers
        .iter()
        .any(|h| h.name.eq_ignore_ascii_case("content-length") && h.value.trim() == "0");
    // Nothing after the headers (`curl -sI`): no body was captured, unless it was empty.
    let text = if body.is_empty() && !content_length_zero {
        None
    } else {
        Some(String::from_utf8_lossy(body).into_owned())
    };
    let mime_type = headers
        .iter()
        .find(|h| h.name.eq_ignore_ascii_case("content-type"))
        .map(|h| h.value.clone());
    Exchange {
        started_date_time: None,
        request: Request {
            method: method.unwrap_or_default().to_string(),
            url: url.unwrap_or_default().to_string(),
            headers: Vec::new(),
        },
        response: Response {
            status,
            status_text,
            headers,
            content: Content {
                mime_type,
                text,
                encoding: None,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn curl_si_with_crlf() {
        let raw = b"HTTP/2 402 \r\ncontent-type: application/json\r\nretry-after: 30\r\n\r\n{\"error\":{\"message\":\"Insufficient credits\"}}";
        let ex = parse_response(
            raw,
            Some("POST"),
            Some("https://openrouter.ai/api/v1/chat/completions"),
        )
        .expect("parses");
        assert_eq!(ex.response.status, 402);
        assert_eq!(ex.header("Retry-After"), Some("30"));
        assert_eq!(
            ex.response.content.mime_type.as_deref(),
            Some("application/json")
        );
        assert!(ex
            .response
            .content
            .text
            .as_deref()
            .unwrap_or("")
            .contains("Insufficient"));
        assert_eq!(ex.request.method, "POST");
        assert_eq!(ex.host().as_deref(), Some("openrouter.ai"));
    }

    #[test]
    fn last_of_several_responses_with_lf() {
        let raw = "HTTP/1.1 100 Continue\n\nHTTP/1.1 301 Moved Permanently\nLocation: /x\n\nHTTP/1.1 402 Payment Required\nX-A: 1\n  folded\n\nbody\n";
        let ex = parse_response(raw.as_bytes(), None, None).expect("parses");
        assert_eq!(ex.response.status, 402);
        assert_eq!(ex.response.status_text, "Payment Required");
        assert_eq!(ex.header("x-a"), Some("1 folded"));
        assert_eq!(ex.response.content.text.as_deref(), Some("body\n"));
        assert_eq!(ex.request.url, "");
    }

    #[test]
    fn headers_only_means_no_body() {
        let ex = parse_response(
            b"\nHTTP/1.1 402 Payment Required\r\nA: b\r\n\r\n",
            None,
            None,
        )
        .expect("parses");
        assert_eq!(ex.response.content.text, None);
        let ex = parse_response(
            b"HTTP/1.1 402 Payment Required\nContent-Length: 0\n\n",
            None,
            None,
        )
        .expect("parses");
        assert_eq!(ex.response.content.text.as_deref(), Some(""));
        let ex = parse_response(b"HTTP/1.0 402", None, None).expect("parses");
        assert_eq!(ex.response.status, 402);
    }

    #[test]
    fn not_http_is_a_clear_error() {
        let e = parse_response(b"{\"error\": 1}", None, None).expect_err("body only");
        assert!(e.message.contains("curl with -i"), "{e}");
        assert!(parse_response(b"", None, None)
            .expect_err("empty")
            .message
            .contains("empty"));
        assert!(parse_response(b"  \n\n", None, None).is_err());
        assert!(parse_response(b"HTTP/1.1 40 x\n", None, None).is_err());
        assert!(parse_response(b"HTTP/x 402\n", None, None).is_err());
        assert!(parse_response("HTTP/1.1 4é2\n".as_bytes(), None, None).is_err());
        let e = parse_response(b"HTTP/1.1 402 P\nno colon here\n\n", None, None)
            .expect_err("bad header");
        assert_eq!(e.line, 2);
        assert!(e.to_string().starts_with("line 2: malformed header"), "{e}");
        let e =
            parse_response(b"HTTP/1.1 402 P\n continued\n", None, None).expect_err("fold first");
        assert_eq!(e.line, 2);
    }
}
