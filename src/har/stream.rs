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
//!   engine never diagnoses ([`crate::core::engine::can_diagnose`]), the rest of the entry is only
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

use memchr::{memchr2, memchr_iter};

use crate::core::engine::can_diagnose;

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

/// Inside a string: where an escape sequence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Esc {
    None,
    Backslash,
    /// Hex digits of `\uXXXX` still to come, and the value so far.
    Hex(u8, u16),
}

/// Where a number is in its grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Num {
    Minus,
    Zero,
    Int,
    Dot,
    Frac,
    E,
    ESign,
    Exp,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Lit {
    Num(Num),
    /// `true`, `false` or `null`, and how many of its bytes matched.
    Word(&'static [u8], u8),
}

/// What the next byte does to a literal.
enum LitStep {
    More(Lit),
    /// The byte is not part of the literal, which is complete.
    End,
    /// The literal is malformed (the byte or the end of the input comes too early).
    Bad,
}

impl Lit {
    fn start(b: u8) -> Option<Lit> {
        Some(match b {
            b'-' => Lit::Num(Num::Minus),
            b'0' => Lit::Num(Num::Zero),
            b'1'..=b'9' => Lit::Num(Num::Int),
            b't' => Lit::Word(b"true", 1),
            b'f' => Lit::Word(b"false", 1),
            b'n' => Lit::Word(b"null", 1),
            _ => return None,
        })
    }

    fn next(self, b: u8) -> LitStep {
        let num = |n| LitStep::More(Lit::Num(n));
        match self {
            Lit::Word(word, matched) => match word.get(usize::from(matched)) {
                Some(&want) if want == b => LitStep::More(Lit::Word(word, matched + 1)),
                Some(_) => LitStep::Bad,
                None if b.is_ascii_alphanumeric() => LitStep::Bad,
                None => LitStep::End,
            },
            Lit::Num(n) => match (n, b) {
                (Num::Minus, b'0') => num(Num::Zero),
                (Num::Minus | Num::Int, b'0'..=b'9') => num(Num::Int),
                (Num::Zero | Num::Int, b'.') => num(Num::Dot),
                (Num::Dot | Num::Frac, b'0'..=b'9') => num(Num::Frac),
                (Num::Zero | Num::Int | Num::Frac, b'e' | b'E') => num(Num::E),
                (Num::E, b'+' | b'-') => num(Num::ESign),
                (Num::E | Num::ESign | Num::Exp, b'0'..=b'9') => num(Num::Exp),
                (Num::Zero | Num::Int | Num::Frac | Num::Exp, _)
                    if !b.is_ascii_alphanumeric() && !matches!(b, b'.' | b'+' | b'-') =>
                {
                    LitStep::End
                }
                _ => LitStep::Bad,
            },
        }
    }

    fn complete(self) -> bool {
        match self {
            Lit::Word(word, matched) => usize::from(matched) == word.len(),
            Lit::Num(n) => matches!(n, Num::Zero | Num::Int | Num::Frac | Num::Exp),
        }
    }
}

/// UTF-8 validation state between bytes (and chunks): continuation bytes still expected and the
/// range the next one must fall in (which excludes overlongs, surrogates and values past U+10FFFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Utf8 {
    need: u8,
    lo: u8,
    hi: u8,
}

impl Utf8 {
    const READY: Utf8 = Utf8 {
        need: 0,
        lo: 0x80,
        hi: 0xbf,
    };

    /// One byte of string content, or what is wrong with it.
    #[inline]
    fn step(&mut self, b: u8) -> Result<(), Bad> {
        if self.need > 0 {
            if b < self.lo || b > self.hi {
                return Err(Bad::Utf8);
            }
            *self = Utf8 {
                need: self.need - 1,
                ..Utf8::READY
            };
            return Ok(());
        }
        let (need, lo, hi) = match b {
            0x00..=0x1f => return Err(Bad::Control(b)),
            0x20..=0x7f => return Ok(()),
            0xc2..=0xdf => (1, 0x80, 0xbf),
            0xe0 => (2, 0xa0, 0xbf),
            0xed => (2, 0x80, 0x9f),
            0xe1..=0xef => (2, 0x80, 0xbf),
            0xf0 => (3, 0x90, 0xbf),
            0xf1..=0xf3 => (3, 0x80, 0xbf),
            0xf4 => (3, 0x80, 0x8f),
            _ => return Err(Bad::Utf8),
        };
        *self = Utf8 { need, lo, hi };
        Ok(())
    }
}

/// What is wrong with a byte of string content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bad {
    Control(u8),
    Utf8,
}

impl Bad {
    fn message(self) -> String {
        match self {
            Bad::Control(b'\n') => {
                "a line break inside a string (JSON strings must escape control characters)"
                    .to_string()
            }
            Bad::Control(b) => format!(
                "{} inside a string (JSON strings must escape control characters)",
                describe(b)
            ),
            Bad::Utf8 => "invalid UTF-8 inside a string".to_string(),
        }
    }
}

const SPACES: u64 = 0x2020_2020_2020_2020;

/// The bytes of `w` below 0x20 or from 0x80 get their high bit set. The lowest one set marks
/// exactly the first such byte (a borrow only ever spills into higher bytes).
#[inline]
fn special_mask(w: u64) -> u64 {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    ((w.wrapping_sub(SPACES) & !w) | w) & HIGH
}

/// Checks string content (no quote or backslash in it): no control characters, valid UTF-8.
/// Gives the index of the first bad byte.
#[inline]
fn check_text(utf8: &mut Utf8, run: &[u8]) -> Result<(), (usize, Bad)> {
    let mut j = 0;
    loop {
        if utf8.need == 0 {
            // ASCII eight bytes at a time (the last word padded with spaces); a word with
            // anything else jumps to its first such byte.
            // Four words at once while no special byte shows.
            while let Some(block) = run.get(j..j + 32) {
                let w =
                    |k: usize| u64::from_le_bytes(block[k..k + 8].try_into().unwrap_or_default());
                if special_mask(w(0))
                    | special_mask(w(8))
                    | special_mask(w(16))
                    | special_mask(w(24))
                    != 0
                {
                    break;
                }
                j += 32;
            }
            loop {
                let w = match run.get(j..j + 8) {
                    Some(word) => u64::from_le_bytes(word.try_into().unwrap_or_default()),
                    None => {
                        let tail = run.get(j..).unwrap_or_default();
                        if tail.is_empty() {
                            return Ok(());
                        }
                        // Built by hand: a memcpy call here costs more than the scan.
                        let mut w = SPACES << (8 * tail.len());
                        for (k, &b) in tail.iter().enumerate() {
                            w |= u64::from(b) << (8 * k);
                        }
                        w
                    }
                };
                let mask = special_mask(w);
                if mask != 0 {
                    j += (mask.trailing_zeros() / 8) as usize;
                    break;
                }
                j += 8;
                if j >= run.len() {
                    return Ok(());
                }
            }
        }
        let Some(&b) = run.get(j) else {
            return Ok(());
        };
        utf8.step(b).map_err(|bad| (j, bad))?;
        j += 1;
    }
}

/// Bytes of `w` equal to zero get their high bit set; the lowest one set is exact.
#[inline]
fn zero_mask(w: u64) -> u64 {
    w.wrapping_sub(0x0101_0101_0101_0101) & !w & 0x8080_8080_8080_8080
}

/// Where a string can stop being plain content: a quote, a backslash, a control character or
/// a non-ASCII byte. The lowest bit set marks exactly the first one.
#[inline]
fn stop_mask(w: u64) -> u64 {
    const QUOTES: u64 = 0x2222_2222_2222_2222;
    const BACKSLASHES: u64 = 0x5c5c_5c5c_5c5c_5c5c;
    special_mask(w) | zero_mask(w ^ QUOTES) | zero_mask(w ^ BACKSLASHES)
}

/// The 8 bytes at `j` as a word; past the end, padded with spaces (which stop nothing).
#[inline]
fn word_at(s: &[u8], j: usize) -> u64 {
    if let Some(word) = s.get(j..j + 8) {
        return u64::from_le_bytes(word.try_into().unwrap_or_default());
    }
    let tail = s.get(j..).unwrap_or_default();
    // Built by hand: a memcpy call here costs more than the scan.
    let mut w = SPACES.checked_shl(8 * tail.len() as u32).unwrap_or(0);
    for (k, &b) in tail.iter().enumerate() {
        w |= u64::from(b) << (8 * k);
    }
    w
}

/// The index of the first byte from `j` that can stop plain string content (see
/// [`stop_mask`]), or `s.len()`: sixteen bytes at a time with SSE2, which every x86_64 CPU has.
#[cfg(target_arch = "x86_64")]
#[inline]
fn next_stop(s: &[u8], mut j: usize) -> usize {
    use std::arch::x86_64::{
        __m128i, _mm_cmpeq_epi8, _mm_cmplt_epi8, _mm_loadu_si128, _mm_movemask_epi8, _mm_or_si128,
        _mm_set1_epi8,
    };
    while let Some(block) = s.get(j..j + 16) {
        // SAFETY: `block` is 16 readable bytes and `loadu` allows any alignment; SSE2 is part
        // of the x86_64 baseline, so the intrinsics are always available.
        let mask = unsafe {
            let v = _mm_loadu_si128(block.as_ptr().cast::<__m128i>());
            let quote = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'"' as i8));
            let backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8(b'\\' as i8));
            // A signed compare: below 0x20, or from 0x80 (negative as i8).
            let other = _mm_cmplt_epi8(v, _mm_set1_epi8(0x20));
            _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), other))
        };
        if mask != 0 {
            return j + mask.trailing_zeros() as usize;
        }
        j += 16;
    }
    next_stop_words(s, j)
}

#[cfg(not(target_arch = "x86_64"))]
#[inline]
fn next_stop(s: &[u8], j: usize) -> usize {
    next_stop_words(s, j)
}

/// [`next_stop`] a word at a time (anywhere, and for the last bytes on x86_64).
#[inline]
fn next_stop_words(s: &[u8], mut j: usize) -> usize {
    loop {
        if j >= s.len() {
            return s.len();
        }
        // Escapes come every few bytes in most bodies: look at one word first.
        let mask = stop_mask(word_at(s, j));
        if mask != 0 {
            return j + (mask.trailing_zeros() / 8) as usize;
        }
        j += 8;
        // A long plain run (base64, text): 32 bytes at a time.
        while let Some(block) = s.get(j..j + 32) {
            let w = |k: usize| u64::from_le_bytes(block[k..k + 8].try_into().unwrap_or_default());
            if stop_mask(w(0)) | stop_mask(w(8)) | stop_mask(w(16)) | stop_mask(w(24)) != 0 {
                break;
            }
            j += 32;
        }
    }
}

/// The value of the four hex digits at `j`, if they are there.
#[inline]
fn hex4(s: &[u8], j: usize) -> Option<u16> {
    let digits = s.get(j..j + 4)?;
    let mut v = 0u16;
    for &d in digits {
        v = (v << 4) | (d as char).to_digit(16)? as u16;
    }
    Some(v)
}

/// Crosses the content of a string that is not copied, from `j`: plain bytes a word at a time,
/// complete escapes and UTF-8 sequences in place. Stops at the closing quote, or at an escape
/// that the chunk cuts short or that is invalid (both for the byte path), or at the end.
/// Most strings in a HAR are bodies dense with `\"` and `\n`: stopping costs a few cycles here,
/// where a call to `memchr` per escape would cost far more.
#[inline]
fn skip_string(utf8: &mut Utf8, s: &[u8], mut j: usize) -> Result<usize, (usize, Bad)> {
    loop {
        if utf8.need == 0 {
            j = next_stop(s, j);
        }
        let Some(&b) = s.get(j) else {
            return Ok(j);
        };
        match b {
            b'"' if utf8.need == 0 => return Ok(j),
            b'\\' if utf8.need == 0 => match s.get(j + 1) {
                Some(&c) if is_simple_escape(c) => j += 2,
                Some(b'u') => match hex4(s, j + 2) {
                    // A pair, whole in this chunk.
                    Some(0xd800..=0xdbff)
                        if s.get(j + 6..j + 8) == Some(b"\\u")
                            && matches!(hex4(s, j + 8), Some(0xdc00..=0xdfff)) =>
                    {
                        j += 12
                    }
                    Some(v) if !(0xd800..=0xdfff).contains(&v) => j += 6,
                    // Cut short, or a lone surrogate: the byte path decides.
                    _ => return Ok(j),
                },
                _ => return Ok(j),
            },
            _ => {
                utf8.step(b).map_err(|bad| (j, bad))?;
                j += 1;
            }
        }
    }
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

fn describe(byte: u8) -> String {
    match byte {
        b'!'..=b'~' => format!("'{}'", byte as char),
        b' ' => "a space".to_string(),
        _ => format!("byte 0x{byte:02x}"),
    }
}

#[inline]
fn is_simple_escape(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't')
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

    /// Whitespace, then one structural byte.
    #[inline]
    fn normal_run(&mut self, chunk: &[u8], base: u64, mut i: usize) -> usize {
        let start = i;
        while chunk
            .get(i)
            .is_some_and(|&b| matches!(b, b' ' | b'\n' | b'\r' | b'\t'))
        {
            i += 1;
        }
        if self.capturing && i > start {
            self.buf
                .extend_from_slice(chunk.get(start..i).unwrap_or_default());
        }
        if let Some(&b) = chunk.get(i) {
            self.at = base + i as u64;
            self.structural(b);
            i += 1;
        }
        i
    }

    /// String content up to the next quote or backslash (found with `memchr`), then that byte.
    /// When nothing is copied, simple escapes are stepped over here too.
    #[inline]
    fn string_run(&mut self, chunk: &[u8], base: u64, mut i: usize) -> usize {
        let Lex::String { key, high, .. } = self.lex else {
            return i;
        };
        if !self.capturing && !key && !high {
            match skip_string(&mut self.utf8, chunk, i) {
                Ok(stop) => i = stop,
                Err((bad, what)) => {
                    self.at = base + bad as u64;
                    self.fail(what.message());
                    return bad;
                }
            }
        } else {
            i = self.copy_string_run(chunk, base, i);
            if self.finished {
                return i;
            }
        }
        if let Some(&b) = chunk.get(i) {
            self.at = base + i as u64;
            self.string_byte(b);
            i += 1;
        }
        i
    }

    /// Plain string content that is copied (or is a key), up to the next quote or backslash
    /// found with `memchr`.
    fn copy_string_run(&mut self, chunk: &[u8], base: u64, i: usize) -> usize {
        let rest = chunk.get(i..).unwrap_or_default();
        let k = memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        let run = rest.get(..k).unwrap_or_default();
        if k > 0 && matches!(self.lex, Lex::String { high: true, .. }) {
            self.at = base + i as u64;
            self.fail(LONE_SURROGATE);
            return i;
        }
        if let Err((bad, what)) = check_text(&mut self.utf8, run) {
            self.at = base + (i + bad) as u64;
            self.fail(what.message());
            return i + bad;
        }
        if !run.is_empty() {
            self.string_content(run);
        }
        i + k
    }

    /// A run of plain string content: copied (up to the string cap) and remembered as a key.
    fn string_content(&mut self, run: &[u8]) {
        let take = match self.lex {
            Lex::String { cut: true, .. } => 0,
            _ if self.capturing => self.keep_prefix(run),
            _ => 0,
        };
        if take > 0 {
            self.buf
                .extend_from_slice(run.get(..take).unwrap_or_default());
        }
        let Lex::String {
            key,
            len,
            cut,
            high,
            ..
        } = &mut self.lex
        else {
            return;
        };
        if *key {
            if self.key_len + run.len() > KEY_CAP {
                self.key_over = true;
            }
            for &b in run.iter().take(KEY_CAP.saturating_sub(self.key_len)) {
                self.key[self.key_len] = b;
                self.key_len += 1;
            }
        }
        *len += run.len();
        *high = false;
        if self.capturing && take < run.len() {
            *cut = true;
        }
        if self.capturing && self.buf.len() > self.max_entry_bytes {
            self.too_large();
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

    fn byte(&mut self, b: u8) {
        match self.lex {
            Lex::Bom(n) => self.bom(n, b),
            Lex::Normal => self.structural(b),
            Lex::Literal {
                lit,
                len,
                int,
                status,
            } => match lit.next(b) {
                LitStep::More(lit) => {
                    if len >= MAX_LITERAL_BYTES {
                        return self.fail(format!(
                            "a number or literal longer than {MAX_LITERAL_BYTES} bytes"
                        ));
                    }
                    let int = match (int, b) {
                        (Some(v), b'0'..=b'9') => {
                            Some(v.saturating_mul(10).saturating_add(u32::from(b - b'0')))
                        }
                        _ => None,
                    };
                    self.keep(b);
                    self.lex = Lex::Literal {
                        lit,
                        len: len + 1,
                        int,
                        status,
                    };
                }
                LitStep::End => {
                    self.end_literal();
                    if !self.finished {
                        self.structural(b);
                    }
                }
                LitStep::Bad => self.fail(format!("invalid literal: unexpected {}", describe(b))),
            },
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

    /// A byte inside a string outside plain content: the closing quote, or part of an escape.
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
        if esc == Esc::None && self.utf8.need > 0 {
            return self.fail(Bad::Utf8.message());
        }
        if esc == Esc::None && b == b'"' {
            if high {
                return self.fail(LONE_SURROGATE);
            }
            self.keep(b);
            self.lex = Lex::Normal;
            self.end_string(key);
            return;
        }
        if b < 0x20 {
            return self.fail(Bad::Control(b).message());
        }
        let (esc, high_next) = match esc {
            Esc::None if b == b'\\' => (Esc::Backslash, high),
            Esc::None => (Esc::None, false),
            Esc::Backslash => match b {
                _ if high && b != b'u' => return self.fail(LONE_SURROGATE),
                _ if is_simple_escape(b) => (Esc::None, false),
                b'u' => (Esc::Hex(4, 0), high),
                _ => {
                    return self.fail(format!("invalid escape '\\{}' in a string", b as char));
                }
            },
            Esc::Hex(left, value) => {
                let Some(d) = (b as char).to_digit(16) else {
                    return self.fail(format!("invalid \\u escape: {}", describe(b)));
                };
                let value = (value << 4) | d as u16;
                if left == 1 {
                    // A low surrogate must follow a high one, and only a low one may.
                    if high != (0xdc00..0xe000).contains(&value) {
                        return self.fail(LONE_SURROGATE);
                    }
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
            (Some(Role::Entry), false, b"response") => Role::Response,
            (Some(Role::Response), false, b"status") => Role::Status,
            _ => Role::Other,
        };
        self.expect = Expect::Colon;
    }

    fn end_literal(&mut self) {
        let Lex::Literal {
            lit, int, status, ..
        } = self.lex
        else {
            return;
        };
        if !lit.complete() {
            return self.fail("invalid literal: it ends too early");
        }
        self.lex = Lex::Normal;
        // A status that is not a plain integer is left to the full parse, which says why.
        if let (true, Some(Ok(s))) = (status, int.map(u16::try_from)) {
            self.status_found(s);
        }
        self.value_done();
    }

    /// The entry's `response.status` is known: an entry that cannot be a payment failure is
    /// only validated from here on.
    fn status_found(&mut self, status: u16) {
        if !can_diagnose(status) && self.capturing {
            self.capturing = false;
            self.skipping = true;
            if self.buf.capacity() > KEEP_BUFFER_BYTES {
                self.buf = Vec::new();
            } else {
                self.buf.clear();
            }
        }
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
            Role::Response | Role::Status | Role::Other => None,
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
        if matches!(role, Role::Response | Role::Status) && self.skipping {
            // The entry was judged by the first one and not kept: which counts is unknowable.
            let what = if role == Role::Status {
                "response.status"
            } else {
                "response"
            };
            return self.fail(format!("\"{what}\" appears twice in this entry"));
        }
        match b {
            b'{' | b'[' => {
                if self.stack.len() >= MAX_DEPTH {
                    return self.fail(format!("JSON nested deeper than {MAX_DEPTH} levels"));
                }
                match role {
                    Role::Log => self.seen_log = true,
                    Role::Entries => self.seen_entries = true,
                    Role::Entry => {
                        self.in_entry = true;
                        self.capturing = true;
                        self.skipping = false;
                        self.buf.clear();
                        self.entry_start.offset = self.at;
                        self.start_pending = true;
                        self.entries_started += 1;
                    }
                    _ => {}
                }
                self.keep(b);
                let kind = if b == b'{' { Kind::Object } else { Kind::Array };
                let role = match (role, kind) {
                    (Role::Response, Kind::Object) => Role::Response,
                    (Role::Response | Role::Status, _) => Role::Other,
                    _ => role,
                };
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
            _ => match Lit::start(b) {
                Some(lit) => {
                    self.keep(b);
                    self.lex = Lex::Literal {
                        lit,
                        len: 1,
                        int: b.is_ascii_digit().then(|| u32::from(b - b'0')),
                        status: role == Role::Status,
                    };
                }
                None => self.fail(format!("expected a value, found {}", describe(b))),
            },
        }
    }

    fn close(&mut self, b: u8) {
        let Some(frame) = self.stack.pop() else {
            return self.fail(format!("unexpected {}", describe(b)));
        };
        self.keep(b);
        if frame.role == Role::Entry {
            if self.capturing {
                let bytes = std::mem::take(&mut self.buf);
                self.ready.push_back(RawEntry {
                    index: self.entries_read,
                    start: self.entry_start,
                    bytes,
                });
            }
            self.in_entry = false;
            self.capturing = false;
            self.skipping = false;
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
    {"request": {"method": "POST", "url": "https://b.example/\u00e9\ud83d\ude00"}, "response": {"status": 429, "n": [1, -2.5e3, true, null]}}
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

    /// Line and column (1-based, bytes) of the first occurrence of `needle` in `text`.
    fn line_col(text: &str, needle: &str) -> (u64, u64) {
        let at = text.find(needle).expect("needle");
        let before = &text[..at];
        let line = before.matches('\n').count() as u64 + 1;
        let column = (at - before.rfind('\n').map_or(0, |n| n + 1)) as u64 + 1;
        (line, column)
    }

    /// A 200 between two payment failures, with everything that makes a skip hard: escapes,
    /// `\u` pairs, UTF-8, "status" keys in the request and in bodies, nested objects.
    const MIXED: &str = "{\"log\": {\"entries\": [\n  {\"request\": {\"url\": \"https://a.example/\", \"status\": 200}, \"response\": {\"status\": 402}},\n  {\"request\": {\"headers\": [{\"name\": \"status\", \"value\": \"402\"}]}, \"response\": {\"status\": 200, \"content\": {\"text\": \"{\\\"status\\\": 402, \\\"caf\u{e9}\\\": \\\"\\\\ud83d\\\\ude00\\\\n\\\"}\\u00e9\\ud83d\\ude00\\\\ \u{1F600}\", \"status\": 402}, \"n\": [1, -2.5e3, 0.5E+2, true, false, null, {}, []]}},\n  {\"response\": {\"status\": 429}, \"request\": {\"url\": \"https://c.example/\"}}\n]}}";

    #[test]
    fn entries_that_cannot_fail_are_read_not_given() {
        for chunk in 1..=MIXED.len() {
            let mut s = Splitter::new();
            let mut given = Vec::new();
            for piece in MIXED.as_bytes().chunks(chunk) {
                s.push(piece);
                while let Some(r) = s.next_entry() {
                    given.push(r.unwrap_or_else(|e| panic!("chunk {chunk}: {e}")));
                }
            }
            s.finish();
            assert!(s.next_entry().is_none(), "chunk {chunk}");
            assert_eq!(s.entries_read(), 3, "chunk {chunk}");
            let indexes: Vec<usize> = given.iter().map(|e| e.index).collect();
            assert_eq!(indexes, vec![0, 2], "chunk {chunk}");
            // The response came before the request: the entry is still whole.
            assert!(
                texts(&given)[1].ends_with("\"https://c.example/\"}}"),
                "chunk {chunk}"
            );
            assert_eq!((given[1].start.line, given[1].start.column), (4, 3));
        }
    }

    #[test]
    fn status_is_read_where_serde_reads_it() {
        let cases: &[(&str, bool)] = &[
            // Given: a candidate status, or one the full parse must judge.
            (r#"{"response": {"status": 402}}"#, true),
            (
                r#"{"response": {"content": {"status": 200}, "status": 503}}"#,
                true,
            ),
            (r#"{"response": {"status": "200"}}"#, true),
            (r#"{"response": {"status": 200.0}}"#, true),
            (r#"{"response": {"status": 1e2}}"#, true),
            (r#"{"response": {"status": -1}}"#, true),
            (r#"{"response": {"status": 70000}}"#, true),
            (r#"{"response": {"status": null}}"#, true),
            (r#"{"response": {"status": [200]}}"#, true),
            (r#"{"response": 200}"#, true),
            (r#"{"request": {"status": 200}}"#, true),
            (
                r#"{"response": {"status": 402}, "x": {"response": {"status": 200}}}"#,
                true,
            ),
            (r#"{"status": 200, "response": {"statusText": "OK"}}"#, true),
            // Skipped: a plain status the engine never diagnoses.
            (r#"{"response": {"status": 200}}"#, false),
            (r#"{"response": {"status": 402, "status": 200}}"#, false),
            (r#"{"response": {"status": 0}}"#, false),
            (
                r#"{"response": {"status": 399, "content": {"status": 402}}}"#,
                false,
            ),
            (
                r#"{"response": {"headers": [{"status": 402}], "status": 304}}"#,
                false,
            ),
            (
                r#"{"responses": {"status": 402}, "response": {"status": 204}}"#,
                false,
            ),
        ];
        for (entry, given) in cases {
            let input = format!(r#"{{"log": {{"entries": [{entry}]}}}}"#);
            let (e, err) = split_all(input.as_bytes(), 3);
            assert_eq!(err, None, "{entry}");
            assert_eq!(e.len(), usize::from(*given), "{entry}");
        }
        // Once an entry is skipped, a second status could change what it is: refused.
        for entry in [
            r#"{"response": {"status": 200, "status": 402}}"#,
            r#"{"response": {"status": 200}, "response": {"status": 402}}"#,
        ] {
            let input = format!(r#"{{"log": {{"entries": [{entry}]}}}}"#);
            let (_, err) = split_all(input.as_bytes(), 5);
            assert!(
                err.expect("error").message.contains("appears twice"),
                "{entry}"
            );
        }
    }

    #[test]
    fn errors_in_skipped_entries_are_placed_exactly() {
        let good = r#"{"request": {"url": "https://x.example/"}, "response": {"status": 200, "content": {"text": "a\"b\\c\u00e9 é"}}}"#;
        let cases: &[(&str, &str, &str)] = &[
            (r#""text": "a\q""#, "q", "invalid escape"),
            (r#""text": "a\u00zz""#, "zz", "invalid \\u escape"),
            ("\"text\": \"a\tb\"", "\tb", "byte 0x09 inside a string"),
            (r#""text": "a" "b""#, "\"b", "expected ',' or '}'"),
            (r#""n": tru,"#, ",", "invalid literal"),
            (r#""n": 01"#, "1", "invalid literal"),
            (r#""n": 1.}"#, "}", "invalid literal"),
            (r#""n": -,"#, ",", "invalid literal"),
            (r#""n": nulL"#, "L", "invalid literal"),
            (r#""n": [1,]"#, "]", "expected a value"),
        ];
        for (bad, at, want) in cases {
            let entry = format!(r#"{{"response": {{"status": 200, {bad}}}}}"#);
            let input = format!("{{\"log\": {{\"entries\": [\n{good},\n{good},\n  {entry}\n]}}}}");
            let (line, column) = line_col(&input, bad);
            let offset_col = bad.find(at).expect("at in bad") as u64;
            for chunk in [1, 2, 7, 64, input.len()] {
                let (given, err) = split_all(input.as_bytes(), chunk);
                assert!(given.is_empty(), "{bad}");
                let err = err.unwrap_or_else(|| panic!("no error for {bad}"));
                assert!(err.message.contains(want), "{bad}: {err}");
                assert!(err.message.starts_with("in entry 2"), "{bad}: {err}");
                assert_eq!(
                    (err.position.line, err.position.column),
                    (line, column + offset_col),
                    "{bad} (chunk {chunk}): {err}"
                );
            }
        }
        // Invalid UTF-8 in a skipped body, split anywhere.
        let mut input = br#"{"log": {"entries": [{"response": {"status": 200, "t": "ab"#.to_vec();
        let at = input.len() as u64 + 1;
        input.extend_from_slice(b"\xe2\x28\xa1\"}}]}}");
        for chunk in 1..=8 {
            let (_, err) = split_all(&input, chunk);
            let err = err.expect("error");
            assert!(err.message.contains("invalid UTF-8"), "{err}");
            assert_eq!(
                (err.position.line, err.position.column),
                (1, at + 1),
                "{err}"
            );
        }
    }

    #[test]
    fn a_candidate_after_many_skipped_entries_is_given() {
        let skipped = r#"{"response": {"status": 200, "content": {"text": "{\"ok\": true}"}}}"#;
        let mut input = String::from("{\"log\": {\"entries\": [");
        for _ in 0..5000 {
            input.push_str(skipped);
            input.push_str(",\n");
        }
        input.push_str(r#"{"response": {"status": 402}}]}}"#);
        let (given, err) = split_all(input.as_bytes(), 4096);
        assert_eq!(err, None);
        assert_eq!(given.len(), 1);
        assert_eq!(given[0].index, 5000);
        assert_eq!((given[0].start.line, given[0].start.column), (5001, 1));
    }

    /// Every one-byte change of a small HAR: what the splitter accepts, serde_json accepts too
    /// (skipped entries are validated, not trusted), and what it refuses that serde_json takes
    /// is a HAR shape, not JSON syntax.
    #[test]
    fn syntax_is_checked_like_serde_in_skipped_entries() {
        let input = MIXED.replace("\\u00e9", "\\ud83d\\ude00");
        let shape = [
            "not a HAR file",
            "is not a JSON object",
            "appears twice",
            "no log.entries",
        ];
        for at in 0..input.len() {
            for &b in b"\"\\,:{}[]0-.eEa u\n\x01\xc3\xff" {
                let mut bytes = input.as_bytes().to_vec();
                bytes[at] = b;
                let (_, err) = split_all(&bytes, 7);
                let serde_ok = serde_json::from_slice::<serde_json::Value>(&bytes).is_ok();
                match err {
                    None => assert!(serde_ok, "accepted invalid JSON ({at}, {b:#x})"),
                    Some(e) if serde_ok => assert!(
                        shape.iter().any(|s| e.message.contains(s)),
                        "refused valid JSON ({at}, {b:#x}): {e}"
                    ),
                    Some(_) => {}
                }
            }
        }
    }
}
