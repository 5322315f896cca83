//! The incremental splitter: bytes in, one complete `log.entries[i]` object out at a time.
//!
//! It is a JSON structure scanner (strings, escapes, UTF-8, literals, nesting, object keys), not
//! a parser: it validates the whole file's syntax well enough to give a precise `line:column`
//! error for broken files, locates `log.entries` wherever `log` and `entries` appear among their
//! siblings, and copies only the bytes of the entries worth parsing. serde_json then parses
//! those in full.
//!
//! Speed comes from not doing work for the entries that cannot be payment failures, which are
//! nearly all of a browser export:
//! - each entry's `response.status` is located on the fly; once it is known to be a status the
//!   engine never diagnoses ([`crate::engine::can_diagnose`]), the rest of the entry is only
//!   validated, not copied, and the entry is never handed to serde (it still counts as read);
//! - string contents, the bulk of any HAR, are crossed with `memchr` (to the next quote or
//!   backslash) and checked a word at a time for control characters and UTF-8;
//! - lines and columns are counted with `memchr` once per chunk, not per byte; a position is
//!   computed only for an entry start or an error.
//!
//! An entry whose status comes late (after a large request body), or is not a plain integer, is
//! copied and parsed as before, so an odd entry is never skipped on a guess. A skipped entry is
//! checked for syntax but not for shape: `"url": 5` in a 200 no longer stops the run.
//!
//! Memory is bounded for every token:
//! - a JSON string inside an entry longer than [`MAX_STRING_BYTES`] keeps only its first
//!   [`MAX_STRING_BYTES`] (cut before a whole character, never inside an escape); the diagnosis
//!   reads at most [`crate::core::exchange::MAX_BODY_BYTES`] of a body anyway, and still sees
//!   that the body was longer, so a 300 MB download in a HAR costs nothing;
//! - a number or `true`/`false`/`null` longer than [`MAX_LITERAL_BYTES`] is an error (a literal
//!   cannot be cut without changing its value, and no real one comes near the limit);
//! - an entry whose kept bytes exceed [`MAX_ENTRY_BYTES`] (thousands of long headers) is an
//!   error rather than buffered without end.

use std::collections::VecDeque;
use std::fmt;

use memchr::memchr_iter;

mod grammar;
mod runs;
mod scan;

use self::scan::{Esc, Lit, Utf8};

/// A string inside an entry keeps at most this many bytes (see the module docs).
pub const MAX_STRING_BYTES: usize = 1024 * 1024;
/// An entry whose kept bytes exceed this is reported as an error.
pub const MAX_ENTRY_BYTES: usize = 64 * 1024 * 1024;
/// A number or `true`/`false`/`null` longer than this is reported as an error.
pub const MAX_LITERAL_BYTES: usize = 4096;
/// Nesting deeper than this is an error (nothing legitimate in a HAR nests this deep).
pub const MAX_DEPTH: usize = 512;

/// A reused entry buffer larger than this is freed rather than kept for the next entry.
const KEEP_BUFFER_BYTES: usize = 4 * 1024 * 1024;

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
}

/// Line breaks counted so far: the input up to `counted` has been looked at.
#[derive(Debug)]
struct Lines {
    counted: u64,
    line: u64,
    /// Offset of the first byte of the current line.
    line_start: u64,
}

impl Lines {
    /// Counts the line breaks in `bytes`, the input that starts at offset `counted`.
    fn count(&mut self, bytes: &[u8]) {
        let mut last = None;
        for at in memchr_iter(b'\n', bytes) {
            self.line += 1;
            last = Some(at);
        }
        if let Some(at) = last {
            self.line_start = self.counted + at as u64 + 1;
        }
        self.counted += bytes.len() as u64;
    }

    /// The position of the byte at offset `counted`.
    fn position(&self) -> Position {
        Position {
            offset: self.counted,
            line: self.line,
            column: self.counted - self.line_start + 1,
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

/// What a value is, from where it sits: the path to `log.entries[i].response.status`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Root,
    Log,
    Entries,
    Entry,
    Response,
    Status,
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
    Literal {
        lit: Lit,
        len: usize,
        /// The digits so far, when the literal is an unsigned integer (saturating).
        int: Option<u32>,
        /// It is the entry's `response.status`.
        status: bool,
    },
}

/// What serde_json refuses in a `\\u` escape, said the same way for every entry.
const LONE_SURROGATE: &str =
    "a lone surrogate in a \\u escape (a high one must be followed by a low one)";

/// Longest object key worth remembering (`entries`, `response`); longer keys are "other".
const KEY_CAP: usize = 8;

/// The incremental HAR entry splitter. Feed bytes with [`push`](Self::push), say the input is
/// over with [`finish`](Self::finish), and take results with [`next_entry`](Self::next_entry):
/// complete entries that may be payment failures, in order, then at most one error, after which
/// nothing more is read. Entries that cannot be (see the module docs) are validated and counted
/// in [`entries_read`](Self::entries_read) but not given.
#[derive(Debug)]
pub struct Splitter {
    /// Offset of the next byte to push.
    offset: u64,
    /// Offset of the byte being handled (for entry starts and errors).
    at: u64,
    lines: Lines,
    lex: Lex,
    utf8: Utf8,
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
    /// Inside an entry.
    in_entry: bool,
    /// Copying the entry's bytes (until it turns out not to be worth parsing).
    capturing: bool,
    /// The entry's start still needs its line and column.
    start_pending: bool,
    entry_start: Position,
    /// The entry is being validated without copying.
    skipping: bool,
    entries_started: usize,
    entries_read: usize,
    ready: VecDeque<RawEntry>,
    /// The error, once found; its position is filled in once the lines up to it are counted.
    error: Option<HarError>,
    error_pending: bool,
    finished: bool,
    max_entry_bytes: usize,
    max_string_bytes: usize,
}

impl Default for Splitter {
    fn default() -> Splitter {
        Splitter::new()
    }
}

impl Splitter {
    pub fn new() -> Splitter {
        Splitter {
            offset: 0,
            at: 0,
            lines: Lines {
                counted: 0,
                line: 1,
                line_start: 0,
            },
            lex: Lex::Bom(0),
            utf8: Utf8::READY,
            expect: Expect::TopValue,
            stack: Vec::new(),
            next_role: Role::Root,
            key: [0; KEY_CAP],
            key_len: 0,
            key_over: false,
            seen_log: false,
            seen_entries: false,
            buf: Vec::new(),
            in_entry: false,
            capturing: false,
            start_pending: false,
            entry_start: Position::START,
            skipping: false,
            entries_started: 0,
            entries_read: 0,
            ready: VecDeque::new(),
            error: None,
            error_pending: false,
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

    /// Complete entries read so far (given or skipped).
    pub fn entries_read(&self) -> usize {
        self.entries_read
    }

    /// Bytes consumed so far.
    pub fn bytes_consumed(&self) -> u64 {
        self.offset
    }

    /// Where the scanner is (the next byte's position).
    pub fn position(&self) -> Position {
        self.lines.position()
    }

    /// The next complete entry, or the error that stopped reading (once), or `None` when more
    /// input is needed or everything is done.
    pub fn next_entry(&mut self) -> Option<Result<RawEntry, HarError>> {
        if let Some(e) = self.ready.pop_front() {
            return Some(Ok(e));
        }
        if self.error_pending {
            return None;
        }
        self.error.take().map(Err)
    }

    /// Stops reading with an error at the byte being handled.
    fn fail(&mut self, message: impl Into<String>) {
        let mut message = message.into();
        if self.in_entry && !message.contains("entry ") {
            let n = self.entries_started.saturating_sub(1);
            message = format!("in entry {n}: {message}");
        }
        if self.error.is_none() && !self.finished {
            self.error = Some(HarError::new(Position::START, message));
            self.error_pending = true;
        }
        self.capturing = false;
        self.in_entry = false;
        self.buf = Vec::new();
        self.finished = true;
    }

    /// Counts lines in `chunk` (which starts at `base`) up to offset `to`.
    fn count_to(&mut self, chunk: &[u8], base: u64, to: u64) {
        let from = self.lines.counted.saturating_sub(base) as usize;
        let end = to.saturating_sub(base) as usize;
        if let Some(part) = chunk.get(from..end) {
            self.lines.count(part);
        }
    }

    /// Fills in the positions that waited for their lines: the entry start, the error.
    fn place(&mut self, chunk: &[u8], base: u64) {
        if self.start_pending {
            self.start_pending = false;
            self.count_to(chunk, base, self.entry_start.offset);
            self.entry_start = self.lines.position();
        }
        if self.error_pending {
            self.error_pending = false;
            self.count_to(chunk, base, self.at);
            let position = self.lines.position();
            if let Some(e) = &mut self.error {
                e.position = position;
            }
        }
    }

    /// Feeds the next bytes of input (any size, split anywhere).
    pub fn push(&mut self, chunk: &[u8]) {
        if self.finished {
            return;
        }
        let base = self.offset;
        let mut i = 0;
        while i < chunk.len() && !self.finished {
            i = match self.lex {
                Lex::String { esc: Esc::None, .. } => self.string_run(chunk, base, i),
                Lex::Normal => self.normal_run(chunk, base, i),
                _ => {
                    self.at = base + i as u64;
                    self.byte(chunk.get(i).copied().unwrap_or_default());
                    i + 1
                }
            };
            if self.start_pending || self.error_pending {
                self.place(chunk, base);
            }
        }
        if self.finished {
            self.offset = self.at;
        } else {
            self.offset = base + chunk.len() as u64;
            self.count_to(chunk, base, self.offset);
        }
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
        self.at = self.offset;
        match self.lex {
            Lex::Literal { .. } => self.end_literal(),
            Lex::String { .. } if self.in_entry => {
                let n = self.entries_started.saturating_sub(1);
                self.fail(format!(
                    "unexpected end of input inside a string in entry {n}"
                ));
            }
            Lex::String { .. } => self.fail("unexpected end of input inside a string"),
            Lex::Bom(_) | Lex::Normal => {}
        }
        if !self.finished {
            self.check_complete();
        }
        // Everything was counted by `push`: the error is at the end.
        if self.error_pending {
            self.place(&[], self.offset);
        }
        self.finished = true;
    }

    fn check_complete(&mut self) {
        if self.offset == 0 || self.expect == Expect::TopValue {
            return self.fail("empty input: not a HAR file");
        }
        if self.in_entry {
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
            self.fail("not a HAR file: no log.entries");
        }
    }
}

#[cfg(test)]
mod tests;
