//! The incremental splitter: bytes in, one complete `log.entries[i]` object out at a time.
//!
//! It is a small JSON structure scanner (strings, escapes, nesting, object keys), not a parser:
//! it validates structure well enough to give a precise error for broken files, locates
//! `log.entries` wherever `log` and `entries` appear among their siblings, and copies only the
//! bytes of the entry being read. serde_json then checks each entry in full.
//!
//! Memory is bounded two ways:
//! - a JSON string inside an entry longer than [`MAX_STRING_BYTES`] keeps only its first
//!   [`MAX_STRING_BYTES`] (cut before a whole character, never inside an escape); the diagnosis
//!   reads at most [`crate::core::exchange::MAX_BODY_BYTES`] of a body anyway, and still sees
//!   that the body was longer, so a 300 MB download in a HAR costs nothing;
//! - an entry whose kept bytes exceed [`MAX_ENTRY_BYTES`] (thousands of long headers) is an
//!   error rather than buffered without end.

use std::collections::VecDeque;
use std::fmt;

/// A string inside an entry keeps at most this many bytes (see the module docs).
pub const MAX_STRING_BYTES: usize = 1024 * 1024;
/// An entry whose kept bytes exceed this is reported as an error.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;
/// Nesting deeper than this is an error (nothing legitimate in a HAR nests this deep).
pub const MAX_DEPTH: usize = 512;

/// Where something is in the input. `line` and `column` are 1-based; columns count bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub offset: u64,
    pub line: u64,
    pub column: u64,
}

impl Position {
    const START: Position = Position {
        offset: 0,
        line: 1,
        column: 1,
    };

    fn advance(&mut self, byte: u8) {
        self.offset += 1;
        if byte == b'\n' {
            self.line += 1;
            self.column = 1;
        } else {
            self.column += 1;
        }
    }
}

/// Why the input cannot be read as a HAR file, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HarError {
    pub position: Position,
    pub message: String,
}

impl HarError {
    pub fn new(position: Position, message: impl Into<String>) -> HarError {
        HarError {
            position,
            message: message.into(),
        }
    }
}

impl fmt::Display for HarError {
    /// `line:column: message`, ready to follow a file name.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.position.line, self.position.column, self.message
        )
    }
}

impl std::error::Error for HarError {}

/// One complete entry's bytes, with where it started.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawEntry {
    /// 0-based position in `log.entries`.
    pub index: usize,
    pub start: Position,
    /// The entry's JSON text (long strings cut, see the module docs).
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Log,
    Entries,
    Entry,
    Other,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Object,
    Array,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Frame {
    kind: Kind,
    role: Role,
}

/// What the grammar allows next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    TopValue,
    TopDone,
    KeyOrEnd,
    Key,
    Colon,
    Value,
    ValueOrEnd,
    CommaOrEnd,
}

/// Inside a string: where an escape sequence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    None,
    Backslash,
    /// Hex digits of `\uXXXX` still to come, and the value so far.
    Hex(u8, u16),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lex {
    /// The first bytes may be a UTF-8 byte order mark; this many of it matched.
    Bom(u8),
    Normal,
    String {
        key: bool,
        esc: Esc,
        /// Content bytes seen so far.
        len: usize,
        /// The last escape was a high surrogate: do not cut before its partner.
        high: bool,
        /// Past the cap: the rest of the string is dropped.
        cut: bool,
    },
    /// A number or `true`/`false`/`null`.
    Literal,
}

/// Longest object key worth remembering (`entries`); longer keys are simply "other".
const KEY_CAP: usize = 8;

/// The incremental HAR entry splitter. Feed bytes with [`push`](Self::push), say the input is
/// over with [`finish`](Self::finish), and take results with [`next_entry`](Self::next_entry):
/// complete entries in order, then at most one error, after which nothing more is read.
#[derive(Debug)]
pub struct Splitter {
    pos: Position,
    lex: Lex,
    expect: Expect,
    stack: Vec<Frame>,
    /// Role of the value about to start (set by its key or by its array).
    next_role: Role,
    key: [u8; KEY_CAP],
    key_len: usize,
    key_over: bool,
    seen_log: bool,
    seen_entries: bool,
    /// The entry being copied, if any.
    buf: Vec<u8>,
    capturing: bool,
    entry_start: Position,
    entries_started: usize,
    entries_read: usize,
    ready: VecDeque<RawEntry>,
    error: Option<HarError>,
    finished: bool,
    max_entry_bytes: usize,
    max_string_bytes: usize,
}

impl Default for Splitter {
    fn default() -> Splitter {
        Splitter::new()
    }
}

fn describe(byte: u8) -> String {
    match byte {
        b'!'..=b'~' => format!("'{}'", byte as char),
        b' ' => "a space".to_string(),
        _ => format!("byte 0x{byte:02x}"),
    }
}

fn is_literal_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'+' | b'.')
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter {
            pos: Position::START,
            lex: Lex::Bom(0),
            expect: Expect::TopValue,
            stack: Vec::new(),
            next_role: Role::Root,
            key: [0; KEY_CAP],
            key_len: 0,
            key_over: false,
            seen_log: false,
            seen_entries: false,
            buf: Vec::new(),
            capturing: false,
            entry_start: Position::START,
            entries_started: 0,
            entries_read: 0,
            ready: VecDeque::new(),
            error: None,
            finished: false,
            max_entry_bytes: MAX_ENTRY_BYTES,
            max_string_bytes: MAX_STRING_BYTES,
        }
    }

    /// Lower caps, for tests and memory-tight hosts.
    pub fn with_limits(max_entry_bytes: usize, max_string_bytes: usize) -> Splitter {
        Splitter {
            max_entry_bytes,
            max_string_bytes,
            ..Splitter::new()
        }
    }

    /// Complete entries produced so far (taken or not).
    pub fn entries_read(&self) -> usize {
        self.entries_read
    }

    /// Bytes consumed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.pos.offset
    }

    /// Where the scanner is (the next byte's position).
    pub fn position(&self) -> Position {
        self.pos
    }

    /// The next complete entry, or the error that stopped reading (once), or `None` when more
    /// input is needed or everything is done.
    pub fn next_entry(&mut self) -> Option<Result<RawEntry, HarError>> {
        if let Some(e) = self.ready.pop_front() {
            return Some(Ok(e));
        }
        self.error.take().map(Err)
    }

    fn fail(&mut self, message: impl Into<String>) {
        let mut message = message.into();
        if self.capturing && !message.contains("entry ") {
            let n = self.entries_started.saturating_sub(1);
            message = format!("in entry {n}: {message}");
        }
        if self.error.is_none() && !self.finished {
            self.error = Some(HarError::new(self.pos, message));
        }
        self.capturing = false;
        self.buf = Vec::new();
        self.finished = true;
    }

    /// Feeds the next bytes of input (any size, split anywhere).
    pub fn push(&mut self, chunk: &[u8]) {
        let mut i = 0;
        while i < chunk.len() && !self.finished {
            // Fast path: plain string content, the bulk of any HAR.
            if let Lex::String {
                esc: Esc::None,
                cut,
                ..
            } = self.lex
            {
                let rest = chunk.get(i..).unwrap_or_default();
                let run = rest
                    .iter()
                    .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
                    .unwrap_or(rest.len());
                if run > 0 {
                    let take = if cut {
                        0
                    } else {
                        self.keep_prefix(&rest[..run])
                    };
                    if self.capturing && take > 0 {
                        self.buf.extend_from_slice(&rest[..take]);
                    }
                    if let Lex::String { len, cut, key, .. } = &mut self.lex {
                        if *key {
                            for &b in &rest[..run] {
                                if self.key_len < KEY_CAP {
                                    self.key[self.key_len] = b;
                                    self.key_len += 1;
                                } else {
                                    self.key_over = true;
                                }
                            }
                        }
                        *len += run;
                        if take < run {
                            *cut = true;
                        }
                    }
                    // No newlines in this run (they are < 0x20), so only the column moves.
                    self.pos.offset += run as u64;
                    self.pos.column += run as u64;
                    i += run;
                    if self.capturing && self.buf.len() > self.max_entry_bytes {
                        self.too_large();
                    }
                    continue;
                }
            }
            let b = chunk[i];
            self.byte(b);
            if !self.finished {
                self.pos.advance(b);
            }
            i += 1;
        }
    }

    /// How many bytes of this run of plain string content to keep under the string cap.
    fn keep_prefix(&self, run: &[u8]) -> usize {
        let Lex::String { len, .. } = self.lex else {
            return run.len();
        };
        if !self.capturing || len + run.len() <= self.max_string_bytes {
            return run.len();
        }
        let mut keep = self.max_string_bytes.saturating_sub(len).min(run.len());
        // Cut between whole characters: finish the one that crosses the cap (it may have
        // started in an earlier chunk).
        while run.get(keep).is_some_and(|&b| (0x80..0xc0).contains(&b)) {
            keep += 1;
        }
        keep
    }

    fn too_large(&mut self) {
        let n = self.entries_started.saturating_sub(1);
        self.fail(format!(
            "entry {n} is larger than {} MiB even with long strings cut; not reading further",
            self.max_entry_bytes / (1024 * 1024)
        ));
    }

    /// Says the input is over: checks that the file was complete.
    pub fn finish(&mut self) {
        if self.finished {
            return;
        }
        match self.lex {
            Lex::Literal => self.end_literal(),
            Lex::String { .. } if self.capturing => {
                let n = self.entries_started.saturating_sub(1);
                return self.fail(format!(
                    "unexpected end of input inside a string in entry {n}"
                ));
            }
            Lex::String { .. } => {
                return self.fail("unexpected end of input inside a string");
            }
            Lex::Bom(_) | Lex::Normal => {}
        }
        if self.finished {
            return;
        }
        if self.pos.offset == 0 || self.expect == Expect::TopValue {
            return self.fail("empty input: not a HAR file");
        }
        if self.capturing {
            let n = self.entries_started.saturating_sub(1);
            return self.fail(format!("unexpected end of input inside entry {n}"));
        }
        if self.expect != Expect::TopDone {
            return self.fail("unexpected end of input: the JSON is cut short");
        }
        if !self.seen_log {
            return self
                .fail("not a HAR file: no log.entries (no \"log\" object at the top level)");
        }
        if !self.seen_entries {
            return self.fail("not a HAR file: no log.entries");
        }
        self.finished = true;
    }

    fn byte(&mut self, b: u8) {
        match self.lex {
            Lex::Bom(n) => self.bom(n, b),
            Lex::Normal => self.structural(b),
            Lex::Literal => {
                if is_literal_byte(b) {
                    self.keep(b);
                } else {
                    self.end_literal();
                    if !self.finished {
                        self.lex = Lex::Normal;
                        self.structural(b);
                    }
                }
            }
            Lex::String { .. } => self.string_byte(b),
        }
    }

    fn bom(&mut self, n: u8, b: u8) {
        const BOM: [u8; 3] = [0xef, 0xbb, 0xbf];
        if BOM.get(n as usize) == Some(&b) {
            self.lex = if n == 2 { Lex::Normal } else { Lex::Bom(n + 1) };
        } else if n == 0 {
            self.lex = Lex::Normal;
            self.structural(b);
        } else {
            self.fail(format!(
                "{} is not valid at the start of a file",
                describe(b)
            ));
        }
    }

    fn keep(&mut self, b: u8) {
        if self.capturing {
            self.buf.push(b);
        }
    }

    fn string_byte(&mut self, b: u8) {
        let Lex::String {
            key,
            esc,
            len,
            high,
            cut,
        } = self.lex
        else {
            return;
        };
        if esc == Esc::None && b == b'"' {
            self.keep(b);
            self.lex = Lex::Normal;
            self.end_string(key);
            return;
        }
        if b < 0x20 {
            let what = if b == b'\n' {
                "a line break".to_string()
            } else {
                describe(b)
            };
            return self.fail(format!(
                "{what} inside a string (JSON strings must escape control characters)"
            ));
        }
        let (esc, high_next) = match esc {
            Esc::None if b == b'\\' => (Esc::Backslash, high),
            Esc::None => (Esc::None, false),
            Esc::Backslash => match b {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => (Esc::None, false),
                b'u' => (Esc::Hex(4, 0), high),
                _ => {
                    return self.fail(format!("invalid escape '\\{}' in a string", b as char));
                }
            },
            Esc::Hex(left, value) => {
                let Some(d) = (b as char).to_digit(16) else {
                    return self.fail(format!("{} in a \\u escape", describe(b)));
                };
                let value = (value << 4) | d as u16;
                if left == 1 {
                    (Esc::None, (0xd800..0xdc00).contains(&value))
                } else {
                    (Esc::Hex(left - 1, value), high)
                }
            }
        };
        // Cutting a long string happens only where a new character or escape begins, and never
        // between the halves of a surrogate pair.
        let at_boundary = matches!(self.lex, Lex::String { esc: Esc::None, .. })
            && !(0x80..0xc0).contains(&b)
            && !(b == b'\\' && high);
        let cut = cut || (self.capturing && at_boundary && len >= self.max_string_bytes);
        if !cut {
            self.keep(b);
        }
        if key {
            if self.key_len < KEY_CAP {
                self.key[self.key_len] = b;
                self.key_len += 1;
            } else {
                self.key_over = true;
            }
        }
        self.lex = Lex::String {
            key,
            esc,
            len: len + 1,
            high: high_next,
            cut,
        };
        if self.capturing && self.buf.len() > self.max_entry_bytes {
            self.too_large();
        }
    }

    fn end_string(&mut self, key: bool) {
        if !key {
            return self.value_done();
        }
        let k = &self.key[..self.key_len];
        let top = self.stack.last().map(|f| f.role);
        self.next_role = match (top, self.key_over, k) {
            (Some(Role::Root), false, b"log") => Role::Log,
            (Some(Role::Log), false, b"entries") => Role::Entries,
            _ => Role::Other,
        };
        self.expect = Expect::Colon;
    }

    fn end_literal(&mut self) {
        self.lex = Lex::Normal;
        self.value_done();
    }

    /// A value other than the entries themselves just ended: the grammar moves on.
    fn value_done(&mut self) {
        self.expect = if self.stack.is_empty() {
            Expect::TopDone
        } else {
            Expect::CommaOrEnd
        };
    }

    fn role_for_value(&mut self, b: u8) -> Option<Role> {
        let role = if self.stack.is_empty() {
            Role::Root
        } else {
            self.next_role
        };
        let wanted = match role {
            Role::Root | Role::Log | Role::Entry => Some(b'{'),
            Role::Entries => Some(b'['),
            Role::Other => None,
        };
        match wanted {
            Some(w) if w != b => {
                let msg = match role {
                    Role::Root => format!(
                        "not a HAR file: expected a JSON object at the top level, found {}",
                        describe(b)
                    ),
                    Role::Log => "not a HAR file: \"log\" is not an object".to_string(),
                    Role::Entries => "not a HAR file: log.entries is not an array".to_string(),
                    _ => format!(
                        "entry {} is not a JSON object (found {})",
                        self.entries_started,
                        describe(b)
                    ),
                };
                self.fail(msg);
                None
            }
            _ => Some(role),
        }
    }

    fn start_value(&mut self, b: u8) {
        let Some(role) = self.role_for_value(b) else {
            return;
        };
        match b {
            b'{' | b'[' => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(format!("JSON nested deeper than {MAX_DEPTH} levels"));
                }
                match role {
                    Role::Log => self.seen_log = true,
                    Role::Entries => self.seen_entries = true,
                    Role::Entry => {
                        self.capturing = true;
                        self.buf.clear();
                        self.entry_start = self.pos;
                        self.entries_started += 1;
                    }
                    _ => {}
                }
                self.keep(b);
                let kind = if b == b'{' { Kind::Object } else { Kind::Array };
                self.stack.push(Frame { kind, role });
                self.expect = if kind == Kind::Object {
                    Expect::KeyOrEnd
                } else {
                    Expect::ValueOrEnd
                };
                self.next_role = if role == Role::Entries {
                    Role::Entry
                } else {
                    Role::Other
                };
            }
            b'"' => {
                self.keep(b);
                self.lex = Lex::String {
                    key: false,
                    esc: Esc::None,
                    len: 0,
                    high: false,
                    cut: false,
                };
            }
            _ if is_literal_byte(b) => {
                self.keep(b);
                self.lex = Lex::Literal;
            }
            _ => self.fail(format!("expected a value, found {}", describe(b))),
        }
    }

    fn close(&mut self, b: u8) {
        let Some(frame) = self.stack.pop() else {
            return self.fail(format!("unexpected {}", describe(b)));
        };
        self.keep(b);
        if frame.role == Role::Entry {
            self.capturing = false;
            let bytes = std::mem::take(&mut self.buf);
            self.ready.push_back(RawEntry {
                index: self.entries_read,
                start: self.entry_start,
                bytes,
            });
            self.entries_read += 1;
        }
        self.value_done();
        // Back in the entries array, the next value is again an entry.
        if self.stack.last().map(|f| f.role) == Some(Role::Entries) {
            self.next_role = Role::Entry;
        }
    }

    fn structural(&mut self, b: u8) {
        if matches!(b, b' ' | b'\t' | b'\n' | b'\r') {
            return self.keep(b);
        }
        let kind = self.stack.last().map(|f| f.kind);
        match (self.expect, b) {
            (Expect::TopDone, _) => self.fail(format!(
                "unexpected {} after the end of the JSON document",
                describe(b)
            )),
            (Expect::ValueOrEnd, b']') | (Expect::KeyOrEnd, b'}') => self.close(b),
            (Expect::TopValue | Expect::Value | Expect::ValueOrEnd, b'}' | b']') => {
                self.fail(format!("expected a value, found {}", describe(b)))
            }
            (Expect::CommaOrEnd, b']') if kind == Some(Kind::Array) => self.close(b),
            (Expect::CommaOrEnd, b'}') if kind == Some(Kind::Object) => self.close(b),
            (Expect::CommaOrEnd, b',') => {
                self.keep(b);
                self.expect = if kind == Some(Kind::Object) {
                    Expect::Key
                } else {
                    Expect::Value
                };
            }
            (Expect::CommaOrEnd, _) => {
                let want = if kind == Some(Kind::Object) {
                    "',' or '}'"
                } else {
                    "',' or ']'"
                };
                self.fail(format!("expected {want}, found {}", describe(b)))
            }
            (Expect::KeyOrEnd | Expect::Key, b'"') => {
                self.keep(b);
                self.key_len = 0;
                self.key_over = false;
                self.lex = Lex::String {
                    key: true,
                    esc: Esc::None,
                    len: 0,
                    high: false,
                    cut: false,
                };
            }
            (Expect::KeyOrEnd | Expect::Key, _) => self.fail(format!(
                "expected an object key in double quotes, found {}",
                describe(b)
            )),
            (Expect::Colon, b':') => {
                self.keep(b);
                self.expect = Expect::Value;
            }
            (Expect::Colon, _) => self.fail(format!("expected ':', found {}", describe(b))),
            (Expect::TopValue | Expect::Value | Expect::ValueOrEnd, _) => self.start_value(b),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split_all(input: &[u8], chunk: usize) -> (Vec<RawEntry>, Option<HarError>) {
        let mut s = Splitter::new();
        let mut out = Vec::new();
        let mut err = None;
        for piece in input.chunks(chunk.max(1)) {
            s.push(piece);
            while let Some(r) = s.next_entry() {
                match r {
                    Ok(e) => out.push(e),
                    Err(e) => err = Some(e),
                }
            }
        }
        s.finish();
        while let Some(r) = s.next_entry() {
            match r {
                Ok(e) => out.push(e),
                Err(e) => err = Some(e),
            }
        }
        (out, err)
    }

    fn texts(entries: &[RawEntry]) -> Vec<String> {
        entries
            .iter()
            .map(|e| String::from_utf8_lossy(&e.bytes).into_owned())
            .collect()
    }

    const SMALL: &str = r#"{"log": {"version": "1.2", "creator": {"name": "x", "entries": ["not", "these"]},
  "pages": [],
  "entries": [
    {"request": {"method": "GET", "url": "https://a.example/\"entries\"\\"}, "response": {"status": 402}},
    {"request": {"method": "POST", "url": "https://b.example/\u00e9\ud83d\ude00"}, "response": {"status": 200, "n": [1, -2.5e3, true, null]}}
  ], "comment": "entries"}}"#;

    #[test]
    fn every_chunk_size_gives_the_same_entries() {
        let (whole, err) = split_all(SMALL.as_bytes(), SMALL.len());
        assert_eq!(err, None);
        assert_eq!(whole.len(), 2);
        assert!(texts(&whole)[0].starts_with(r#"{"request": {"method": "GET""#));
        assert!(texts(&whole)[1].ends_with("null]}}"));
        for n in 1..=SMALL.len() {
            let (parts, err) = split_all(SMALL.as_bytes(), n);
            assert_eq!(err, None, "chunk {n}");
            assert_eq!(parts, whole, "chunk {n}");
        }
        // The entry's start position is its own line and column.
        assert_eq!(whole[0].start.line, 4);
        assert_eq!(whole[0].start.column, 5);
        assert_eq!(whole[1].index, 1);
    }

    #[test]
    fn keys_in_any_order_and_bom() {
        let input = "\u{feff}{\"entries\": 1, \"x\": {\"log\": 2}, \"log\": {\"entries\": [{\"a\": 1}], \"version\": \"1.2\"}}";
        let (e, err) = split_all(input.as_bytes(), 3);
        assert_eq!(err, None);
        assert_eq!(texts(&e), vec![r#"{"a": 1}"#.to_string()]);
    }

    #[test]
    fn not_har_and_garbage_are_errors_with_positions() {
        let cases: &[(&str, &str)] = &[
            ("", "empty input"),
            ("   \n ", "empty input"),
            ("hello world", "expected a JSON object"),
            ("[1, 2]", "expected a JSON object"),
            (r#"{"a": 1}"#, "no log.entries"),
            (r#"{"log": {"version": "1.2"}}"#, "no log.entries"),
            (r#"{"log": []}"#, "\"log\" is not an object"),
            (r#"{"log": {"entries": {}}}"#, "log.entries is not an array"),
            (
                r#"{"log": {"entries": [1]}}"#,
                "entry 0 is not a JSON object",
            ),
            (
                "{\"log\": {\"entries\": [{\"a\": 1}, {\"b\": ",
                "inside entry 1",
            ),
            (r#"{"log": {"entries": []}} x"#, "after the end"),
            (r#"{"log": {"entries": [] "x": 1}}"#, "expected ',' or '}'"),
            (
                "{\"log\": {\"entries\": [\"a\nb\"]}}",
                "entry 0 is not a JSON object",
            ),
            (
                "{\"log\": {\"x\": \"a\nb\"}}",
                "a line break inside a string",
            ),
            (r#"{"log": {"x": "\q"}}"#, "invalid escape"),
        ];
        for (input, want) in cases {
            let (_, err) = split_all(input.as_bytes(), 2);
            let err = err.unwrap_or_else(|| panic!("no error for {input:?}"));
            assert!(err.message.contains(want), "{input:?}: {err}");
        }
        let (_, err) = split_all(b"\xef\xbbx", 1);
        assert!(err
            .expect("bad bom")
            .message
            .contains("not valid at the start"));
        let (_, err) = split_all(b"{\n  \"log\": {\n    \"entries\": [] \"x\"", 5);
        let err = err.expect("error");
        assert_eq!((err.position.line, err.position.column), (3, 19), "{err}");
        assert_eq!(err.to_string(), "3:19: expected ',' or '}', found '\"'");
        let (_, err) = split_all(b"{\"log\": {\"entries\": [{\"a\": 1}, {\"b\" 2}]}}", 4);
        assert_eq!(
            err.expect("error").message,
            "in entry 1: expected ':', found '2'"
        );
    }

    #[test]
    fn entries_before_an_error_are_still_given() {
        let (e, err) = split_all(br#"{"log": {"entries": [{"a": 1}, {"b": 2}] ]}"#, 100);
        assert_eq!(e.len(), 2);
        assert!(err.is_some());
    }

    #[test]
    fn deep_nesting_is_refused() {
        let mut input = String::from(r#"{"log": {"entries": [{"a": "#);
        input.push_str(&"[".repeat(MAX_DEPTH + 10));
        let (_, err) = split_all(input.as_bytes(), 64);
        assert!(err.expect("error").message.contains("nested deeper"));
    }

    #[test]
    fn long_strings_are_cut_to_valid_json() {
        // Multi-byte characters and escapes around the cut point.
        for filler in ["é", "\\u00e9", "\\ud83d\\ude00", "ab", "\\n"] {
            let body = filler.repeat(40);
            let input = format!(r#"{{"log": {{"entries": [{{"text": "{body}", "k": 1}}]}}}}"#);
            for chunk in [1, 7, 1000] {
                let mut s = Splitter::with_limits(1 << 20, 17);
                for piece in input.as_bytes().chunks(chunk) {
                    s.push(piece);
                }
                s.finish();
                let entry = s.next_entry().expect("entry").expect("ok");
                let v: serde_json::Value =
                    serde_json::from_slice(&entry.bytes).unwrap_or_else(|e| {
                        panic!(
                            "{filler} {chunk}: {e}: {}",
                            String::from_utf8_lossy(&entry.bytes)
                        )
                    });
                let text = v["text"].as_str().expect("text");
                assert!(!text.is_empty() && text.len() < 40, "{filler}: {text:?}");
                assert_eq!(v["k"], 1);
            }
        }
    }

    #[test]
    fn oversized_entry_is_an_error() {
        let many = r#""h": "aaaaaaaaaa", "#.repeat(100);
        let input = format!(r#"{{"log": {{"entries": [{{"a": 1}}, {{{many} "z": 1}}]}}}}"#);
        let mut s = Splitter::with_limits(500, 100);
        s.push(input.as_bytes());
        s.finish();
        assert!(s.next_entry().expect("first").is_ok());
        let err = s.next_entry().expect("second").expect_err("too large");
        assert!(err.message.contains("entry 1 is larger"), "{err}");
        assert!(s.next_entry().is_none());
    }
}
