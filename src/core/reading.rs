//! Tolerant reading of bodies that are not clean JSON. Users paste what their tools printed, and
//! relays wrap an upstream's answer: an SDK's `Error: 400 {…}` line, a Python dict
//! (`{'error': {'code': None}}`), a Node `util.inspect` dump with unquoted keys, a body cut off
//! mid-object, or JSON carried as a string inside another JSON document. A person reads the
//! error code in each at once; this module turns them back into JSON values so the same
//! provider rules and phrase searches apply, and says how each value was read.
//!
//! Everything is bounded: the text searched, the number of candidate objects tried, the nesting
//! depth of JSON-in-strings, and the number of strings visited.

use serde_json::Value;

use super::exchange::floor_char_boundary;

/// At most this many bytes of a body are searched for embedded objects.
const MAX_TEXT: usize = 64 * 1024;
/// At most this many `{` positions are tried as object starts.
const MAX_STARTS: usize = 24;
/// JSON found inside JSON strings is followed this many levels deep.
const MAX_DEPTH: usize = 3;
/// At most this many embedded documents are kept.
const MAX_DOCS: usize = 8;
/// At most this many string values are examined for embedded JSON per document.
const MAX_STRINGS: usize = 256;
/// At most this many bytes of strings are searched for embedded JSON in all, so a body of many
/// brace-filled strings stays cheap.
/// At most this many JSON nodes are visited when collecting string values.
const MAX_JSON_NODES: usize = 4096;
const MAX_NESTED_TEXT: usize = 128 * 1024;

/// How an embedded document was read: shown in evidence so the reader knows it was interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reading {
    /// Valid JSON inside surrounding text (a log line, an SDK message).
    Embedded,
    /// Python or JavaScript object notation (single quotes, `None`, unquoted keys).
    Loose,
    /// An object cut off before its end, closed to read what is there.
    Truncated,
}

impl Reading {
    pub fn describe(self) -> &'static str {
        match self {
            Reading::Embedded => "not clean JSON: read the JSON object inside the text",
            Reading::Loose => "not clean JSON: read an object in Python or JavaScript notation",
            Reading::Truncated => "not clean JSON: read a JSON object cut off before its end",
        }
    }
}

/// A document found inside something else: where it was (a JSON path, or `text`), how it was
/// read, and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Embedded {
    pub location: String,
    pub reading: Reading,
    pub value: Value,
}

/// The first object in `text` that can be read, trying valid JSON, then loose notation, then a
/// truncated object, at each `{` in order (the first is usually the outermost).
pub fn object_in_text(text: &str) -> Option<(Value, Reading)> {
    let text = &text[..floor_char_boundary(text, MAX_TEXT)];
    let mut from = 0;
    for _ in 0..MAX_STARTS {
        let start = from + text[from..].find('{')?;
        if let Some(found) = object_at(&text[start..]) {
            return Some(found);
        }
        from = start + 1;
    }
    None
}

/// Reads the object that starts at the beginning of `s`.
fn object_at(s: &str) -> Option<(Value, Reading)> {
    // Valid JSON passes through `loose_to_json` unchanged, so one parse serves every reading.
    let (text, reading) = match balanced_end(s) {
        Some(end) => {
            let json = loose_to_json(&s[..end]);
            let how = if json == s[..end] {
                Reading::Embedded
            } else {
                Reading::Loose
            };
            (json, how)
        }
        None => (loose_to_json(&close_truncated(s)?), Reading::Truncated),
    };
    match serde_json::from_str::<Value>(&text) {
        Ok(v) if v.as_object().is_some_and(|m| !m.is_empty()) => Some((v, reading)),
        _ => None,
    }
}

/// The balanced `{…}` or `[…]` at the start of `text`, skipping brackets inside JSON strings.
/// `None` when it never closes.
pub fn balanced(text: &str) -> Option<&str> {
    let bytes = text.as_bytes();
    if !matches!(bytes.first(), Some(b'{') | Some(b'[')) {
        return None;
    }
    let mut depth: usize = 0;
    let mut in_string = false;
    let mut escaped = false;
    for (i, &b) in bytes.iter().enumerate() {
        if in_string {
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    // `i` is an ASCII byte, so `i + 1` is a char boundary.
                    return text.get(..=i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Where a scan stands relative to single- and double-quoted strings (with `\` escapes).
#[derive(Default)]
struct Quotes {
    open: Option<u8>,
    escaped: bool,
}

impl Quotes {
    /// Takes the next byte; true when it belongs to a string (its quotes included), so the
    /// caller looks only at the bytes between strings.
    fn in_string(&mut self, b: u8) -> bool {
        match self.open {
            Some(q) => {
                if self.escaped {
                    self.escaped = false;
                } else if b == b'\\' {
                    self.escaped = true;
                } else if b == q {
                    self.open = None;
                }
                true
            }
            None if b == b'"' || b == b'\'' => {
                self.open = Some(b);
                true
            }
            None => false,
        }
    }
}

/// The byte index just past the bracket that closes the one `s` starts with, aware of single-
/// and double-quoted strings and escapes. `None` when `s` ends first.
fn balanced_end(s: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut quotes = Quotes::default();
    for (i, b) in s.bytes().enumerate() {
        if quotes.in_string(b) {
            continue;
        }
        match b {
            b'{' | b'[' => depth += 1,
            b'}' | b']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            _ => {}
        }
    }
    None
}

/// `s` (an object that never closes) with an open string ended and every open bracket closed,
/// after dropping a dangling key or partial value. `None` when nothing useful remains.
fn close_truncated(s: &str) -> Option<String> {
    let mut stack = Vec::new();
    let mut quotes = Quotes::default();
    // The last position where cutting leaves complete members: after a `,` `{` or `[` outside
    // strings, or after a closed value.
    let mut safe = 0;
    let mut safe_stack_len = 0;
    for (i, b) in s.bytes().enumerate() {
        if quotes.in_string(b) {
            continue;
        }
        match b {
            b'{' => stack.push(b'}'),
            b'[' => stack.push(b']'),
            b'}' | b']' => {
                stack.pop();
                safe = i + 1;
                safe_stack_len = stack.len();
            }
            b',' => {
                safe = i;
                safe_stack_len = stack.len();
            }
            _ => {}
        }
    }
    if safe == 0 {
        // Nothing complete: keep a string that was cut inside an object's value, if any.
        return None;
    }
    let mut out = String::with_capacity(safe + stack.len());
    out.push_str(&s[..safe]);
    let mut closers: Vec<u8> = stack[..safe_stack_len.min(stack.len())].to_vec();
    while let Some(c) = closers.pop() {
        out.push(char::from(c));
    }
    Some(out)
}

/// Rewrites Python/JavaScript literal notation as JSON: single-quoted strings, unquoted keys,
/// `None`/`True`/`False`/`undefined`, trailing commas. Valid JSON passes through unchanged. Only
/// ASCII bytes are rewritten, so multi-byte characters are copied whole. "" when a bare word is
/// not a literal (prose, `[Function: x]`).
fn loose_to_json(s: &str) -> String {
    let b = s.as_bytes();
    let mut out: Vec<u8> = Vec::with_capacity(b.len() + 16);
    let next_non_space = |from: usize| {
        b[from.min(b.len())..]
            .iter()
            .copied()
            .find(|c| !c.is_ascii_whitespace())
    };
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        i += 1;
        match c {
            b'"' | b'\'' => {
                // A string: JSON strings are copied; single-quoted ones get double quotes, with
                // inner double quotes escaped and `\'` unescaped.
                out.push(b'"');
                while i < b.len() && b[i] != c {
                    let d = b[i];
                    i += 1;
                    match d {
                        b'\\' if i < b.len() => {
                            if b[i] != b'\'' {
                                out.push(b'\\');
                            }
                            out.push(b[i]);
                            i += 1;
                        }
                        b'"' => out.extend_from_slice(b"\\\""),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        d => out.push(d),
                    }
                }
                out.push(b'"');
                i += 1;
            }
            // A trailing comma before a closing bracket is dropped.
            b',' if matches!(next_non_space(i), Some(b'}' | b']')) => {}
            c if c.is_ascii_alphabetic() || c == b'_' || c == b'$' => {
                let start = i - 1;
                while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'$')
                {
                    i += 1;
                }
                let word = &b[start..i];
                if next_non_space(i) == Some(b':') {
                    out.push(b'"');
                    out.extend_from_slice(word);
                    out.push(b'"');
                } else {
                    out.extend_from_slice(match word {
                        b"None" | b"null" | b"undefined" | b"NaN" => b"null",
                        b"True" | b"true" => b"true",
                        b"False" | b"false" => b"false",
                        _ => return String::new(),
                    });
                }
            }
            c => out.push(c),
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The location of `path` inside the document found at `at` ("" for the body itself):
/// `error.message > error.code`.
pub fn within(at: &str, path: &str) -> String {
    let mut location = String::with_capacity(at.len() + 3 + path.len());
    if !at.is_empty() {
        location.push_str(at);
        location.push_str(" > ");
    }
    location.push_str(path);
    location
}

/// Documents carried inside the string values of `root` (a relay quoting its upstream's JSON
/// answer, an SDK message that embeds the body), followed a few levels deep.
pub fn nested_documents(root: &Value) -> Vec<Embedded> {
    let mut found = Vec::new();
    let mut budget = MAX_NESTED_TEXT;
    collect_nested(root, "", 0, &mut budget, &mut found);
    found
}

fn collect_nested(
    v: &Value,
    prefix: &str,
    depth: usize,
    budget: &mut usize,
    found: &mut Vec<Embedded>,
) {
    if depth >= MAX_DEPTH {
        return;
    }
    let strings = json_strings(v);
    for (path, s) in strings.into_iter().take(MAX_STRINGS) {
        if found.len() >= MAX_DOCS {
            return;
        }
        if !s.contains('{') {
            continue;
        }
        let Some(left) = budget.checked_sub(s.len().min(MAX_TEXT)) else {
            return;
        };
        *budget = left;
        if let Some((value, reading)) = object_in_text(s) {
            let location = within(prefix, &path);
            // Deeper documents first into their own list, so the value is moved, not cloned.
            let mut deeper = Vec::new();
            collect_nested(&value, &location, depth + 1, budget, &mut deeper);
            found.push(Embedded {
                location,
                reading,
                value,
            });
            found.append(&mut deeper);
        }
    }
}

/// Every string value in `value` with its dotted path, breadth-first and bounded.
pub fn json_strings(value: &Value) -> Vec<(String, &str)> {
    let mut out = Vec::new();
    let mut queue = std::collections::VecDeque::new();
    queue.push_back((String::new(), value));
    let mut visited = 0;
    while let Some((path, v)) = queue.pop_front() {
        visited += 1;
        if visited > MAX_JSON_NODES {
            break;
        }
        let join = |k: &str| {
            if path.is_empty() {
                k.to_string()
            } else {
                format!("{path}.{k}")
            }
        };
        match v {
            Value::String(s) => out.push((
                if path.is_empty() { "text".into() } else { path },
                s.as_str(),
            )),
            // Children beyond the visit budget are never reached: do not queue them.
            Value::Object(map) => {
                for (k, child) in map
                    .iter()
                    .take(MAX_JSON_NODES.saturating_sub(visited + queue.len()))
                {
                    queue.push_back((join(k), child));
                }
            }
            Value::Array(items) => {
                let room = MAX_JSON_NODES.saturating_sub(visited + queue.len());
                for (n, child) in items.iter().enumerate().take(room) {
                    queue.push_back((join(&n.to_string()), child));
                }
            }
            _ => {}
        }
    }
    out
}

/// Where the value of `key` starts in printed text (YAML, a JS, Python or Ruby object print,
/// `key=value`, JSON-like text): after each occurrence of `key` that stands alone (`error` in
/// `errorReason` or `x402error` does not count), optionally closing-quoted, and one of
/// `separators`. At most `tries` occurrences of `key` are looked at.
pub fn after_key<'t, 'k>(
    text: &'t str,
    key: &'k str,
    separators: &'k [&'k str],
    tries: usize,
) -> impl Iterator<Item = &'t str> + 'k
where
    't: 'k,
{
    let mut from = 0;
    let mut left = tries;
    std::iter::from_fn(move || {
        while left > 0 {
            left -= 1;
            let at = from + text.get(from..)?.find(key)?;
            from = at + key.len();
            let before = text[..at].chars().next_back();
            if before.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_') {
                continue;
            }
            let rest = text[from..].trim_start_matches(['"', '\'']).trim_start();
            if let Some(rest) = separators.iter().find_map(|s| rest.strip_prefix(s)) {
                return Some(rest);
            }
        }
        None
    })
}

#[cfg(test)]
mod tests;
