//! RFC 9110 `WWW-Authenticate` challenge parsing (§11.6.1, §11.2):
//! `challenge = auth-scheme [ 1*SP ( token68 / #auth-param ) ]`, several challenges per field
//! value and several field lines. Tolerant: junk characters are skipped, missing commas between
//! params are accepted, unquoted values may hold any non-separator characters (`expires=2025-…Z`),
//! and a repeated param keeps its first value (an on-path appender cannot override the origin).

/// One challenge: scheme plus either auth-params or a token68.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// Scheme as sent (compare case-insensitively).
    pub scheme: String,
    /// auth-params in order, names lowercased, values unquoted.
    pub params: Vec<(String, String)>,
    pub token68: Option<String>,
}

impl Challenge {
    /// First param with this (lowercase) name.
    pub fn param(&self, name: &str) -> Option<&str> {
        self.params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    /// True when the scheme is `name`, ignoring ASCII case.
    pub fn is(&self, name: &str) -> bool {
        self.scheme.eq_ignore_ascii_case(name)
    }
}

/// Bounds on what one exchange can make us hold: real servers send a handful of challenges.
const MAX_CHALLENGES: usize = 64;
const MAX_PARAMS: usize = 64;

fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b)
}

/// token68 allows `/` on top of the tchars it shares with token (padding `=` is handled apart).
fn is_word(b: u8) -> bool {
    is_tchar(b) || b == b'/'
}

fn is_ows(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

#[derive(Clone, Copy)]
struct Cursor<'a> {
    s: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.s.as_bytes().get(self.pos).copied()
    }

    fn skip_ows(&mut self) {
        while self.peek().is_some_and(is_ows) {
            self.pos += 1;
        }
    }

    /// A run of bytes matching `f`. Only ASCII bytes match, so the slice is on char boundaries.
    fn take_while(&mut self, f: impl Fn(u8) -> bool) -> &'a str {
        let start = self.pos;
        while self.peek().is_some_and(&f) {
            self.pos += 1;
        }
        self.s.get(start..self.pos).unwrap_or("")
    }

    /// A quoted-string starting at `"`: backslash escapes the next character; an unterminated
    /// string runs to the end of the line.
    fn quoted(&mut self) -> String {
        self.pos += 1;
        let mut out = String::new();
        let rest = self.s.get(self.pos..).unwrap_or("");
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    return out;
                }
                '\\' => {
                    if let Some((_, n)) = chars.next() {
                        out.push(n);
                    }
                }
                c => out.push(c),
            }
        }
        self.pos = self.s.len();
        out
    }

    /// True when the next list element is `name=…` (so a preceding `word=` was a param, not a
    /// token68).
    fn next_element_is_param(mut self) -> bool {
        if self.peek() == Some(b',') {
            self.pos += 1;
        }
        self.skip_ows();
        let word = self.take_while(is_word);
        self.skip_ows();
        !word.is_empty() && self.peek() == Some(b'=')
    }

    /// Skips one character of junk (whole UTF-8 sequence).
    fn skip_char(&mut self) {
        let step = self
            .s
            .get(self.pos..)
            .and_then(|r| r.chars().next())
            .map_or(1, char::len_utf8);
        self.pos += step;
    }
}

/// Parses every challenge in every given header line.
pub fn parse<'a>(lines: impl IntoIterator<Item = &'a str>) -> Vec<Challenge> {
    let mut out = Vec::new();
    for line in lines {
        parse_line(line, &mut out);
        if out.len() >= MAX_CHALLENGES {
            out.truncate(MAX_CHALLENGES);
            break;
        }
    }
    out
}

fn parse_line(line: &str, out: &mut Vec<Challenge>) {
    let mut cur = Cursor { s: line, pos: 0 };
    let mut current: Option<Challenge> = None;
    // A comma since the scheme was read: a bare word after it starts a new challenge, while a
    // bare word right after the scheme is its token68.
    let mut comma_since_scheme = false;
    loop {
        cur.skip_ows();
        let Some(b) = cur.peek() else { break };
        if b == b',' {
            cur.pos += 1;
            comma_since_scheme = true;
            continue;
        }
        if b == b'"' {
            // A value with no name: junk.
            cur.quoted();
            continue;
        }
        if !is_word(b) {
            cur.skip_char();
            continue;
        }
        let word = cur.take_while(is_word);
        cur.skip_ows();
        if cur.peek() == Some(b'=') {
            let eq = cur.take_while(|b| b == b'=').len();
            cur.skip_ows();
            let at_end = matches!(cur.peek(), None | Some(b','));
            if eq >= 2 || at_end {
                // `abc==` is a padded token68; `name=` with nothing after is an empty param.
                if let Some(ch) = current.as_mut() {
                    let could_be_token68 =
                        ch.params.is_empty() && ch.token68.is_none() && !comma_since_scheme;
                    if could_be_token68 && (eq >= 2 || !cur.next_element_is_param()) {
                        ch.token68 = Some(format!("{word}{}", "=".repeat(eq)));
                    } else if eq == 1 {
                        push_param(ch, word, String::new());
                    }
                }
                continue;
            }
            let value = if cur.peek() == Some(b'"') {
                cur.quoted()
            } else {
                cur.take_while(|b| b != b',' && !is_ows(b)).to_string()
            };
            if let Some(ch) = current.as_mut() {
                push_param(ch, word, value);
            }
            continue;
        }
        match current.as_mut() {
            Some(ch) if ch.params.is_empty() && ch.token68.is_none() && !comma_since_scheme => {
                ch.token68 = Some(word.to_string());
            }
            _ => {
                if let Some(done) = current.take() {
                    out.push(done);
                }
                current = Some(Challenge {
                    scheme: word.to_string(),
                    params: Vec::new(),
                    token68: None,
                });
                comma_since_scheme = false;
            }
        }
    }
    if let Some(done) = current {
        out.push(done);
    }
}

fn push_param(ch: &mut Challenge, name: &str, value: String) {
    let name = name.to_ascii_lowercase();
    if ch.params.len() < MAX_PARAMS && ch.param(&name).is_none() {
        ch.params.push((name, value));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(line: &str) -> Vec<Challenge> {
        parse([line])
    }

    #[test]
    fn several_challenges_in_one_line_and_several_lines() {
        let cs = parse([
            "Basic realm=\"other\", Payment id=\"a\", realm=\"r\", method=\"lightning\"",
            "L402 macaroon=\"bWFj\", invoice=\"lnbc1\"",
        ]);
        assert_eq!(cs.len(), 3);
        assert!(cs[0].is("basic"));
        assert_eq!(cs[0].param("realm"), Some("other"));
        assert!(cs[1].is("PAYMENT"));
        assert_eq!(cs[1].param("realm"), Some("r"));
        assert_eq!(cs[1].param("method"), Some("lightning"));
        assert_eq!(cs[2].param("macaroon"), Some("bWFj"));
    }

    #[test]
    fn quoted_strings_keep_separators_and_unescape() {
        let cs = one(r#"Payment id="a,b", realm="Payment id=c", description="say \"hi\" a\\b""#);
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].param("id"), Some("a,b"));
        assert_eq!(cs[0].param("realm"), Some("Payment id=c"));
        assert_eq!(cs[0].param("description"), Some(r#"say "hi" a\b"#));
    }

    #[test]
    fn case_bws_unquoted_and_duplicates() {
        let cs = one("payment ID = \"a\", Realm=r, expires=2025-01-15T12:05:00Z, id=\"second\"");
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].param("id"), Some("a"));
        assert_eq!(cs[0].param("realm"), Some("r"));
        assert_eq!(cs[0].param("expires"), Some("2025-01-15T12:05:00Z"));
    }

    #[test]
    fn token68_and_empty_params() {
        let cs = one("Negotiate YWJj==, Basic abc/def+g, Payment ID=, realm=\"x\"");
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[0].token68.as_deref(), Some("YWJj=="));
        assert_eq!(cs[1].token68.as_deref(), Some("abc/def+g"));
        assert!(cs[2].is("payment"));
        assert_eq!(cs[2].param("realm"), Some("x"));
        assert!(cs[2].token68.is_none());
    }

    #[test]
    fn junk_and_empty_elements_never_panic() {
        let cs = one(" , , Payment id=\"a\" , , Payment id=\"b\",Payment id=c");
        assert_eq!(cs.len(), 3);
        assert_eq!(cs[2].param("id"), Some("c"));
        for junk in [
            "",
            "=",
            "\"",
            "\"unterminated",
            "é=ü, ☃",
            "a=\"\\",
            ",,,==,",
            "x =",
            "ñ",
        ] {
            let _ = one(junk);
        }
        // Params with no scheme before them are dropped.
        assert!(one("realm=\"x\"").is_empty());
    }

    #[test]
    fn missing_commas_between_params_are_tolerated() {
        let cs = one("LSAT macaroon=\"m\" invoice=\"i\"");
        assert_eq!(cs.len(), 1);
        assert_eq!(cs[0].param("invoice"), Some("i"));
    }

    #[test]
    fn bounded_output() {
        let line = "A, ".repeat(500);
        assert_eq!(parse([line.as_str()]).len(), MAX_CHALLENGES);
    }
}
