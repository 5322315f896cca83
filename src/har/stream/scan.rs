//! The lexical pieces of the splitter: literals (numbers, `true`/`false`/`null`), escapes,
//! UTF-8 validation, and crossing string contents a word at a time.

/// Inside a string: where an escape sequence is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Esc {
    None,
    Backslash,
    /// Hex digits of `\uXXXX` still to come, and the value so far.
    Hex(u8, u16),
}

/// Where a number is in its grammar: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Num {
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
pub(super) enum Lit {
    Num(Num),
    /// `true`, `false` or `null`, and how many of its bytes matched.
    Word(&'static [u8], u8),
}

/// What the next byte does to a literal.
pub(super) enum LitStep {
    More(Lit),
    /// The byte is not part of the literal, which is complete.
    End,
    /// The literal is malformed (the byte or the end of the input comes too early).
    Bad,
}

impl Lit {
    pub(super) fn start(b: u8) -> Option<Lit> {
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

    pub(super) fn next(self, b: u8) -> LitStep {
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

    pub(super) fn complete(self) -> bool {
        match self {
            Lit::Word(word, matched) => usize::from(matched) == word.len(),
            Lit::Num(n) => matches!(n, Num::Zero | Num::Int | Num::Frac | Num::Exp),
        }
    }
}

/// UTF-8 validation state between bytes (and chunks): continuation bytes still expected and the
/// range the next one must fall in (which excludes overlongs, surrogates and values past U+10FFFF).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Utf8 {
    pub(super) need: u8,
    pub(super) lo: u8,
    pub(super) hi: u8,
}

impl Utf8 {
    pub(super) const READY: Utf8 = Utf8 {
        need: 0,
        lo: 0x80,
        hi: 0xbf,
    };

    /// One byte of string content, or what is wrong with it.
    #[inline]
    pub(super) fn step(&mut self, b: u8) -> Result<(), Bad> {
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
pub(super) enum Bad {
    Control(u8),
    Utf8,
}

impl Bad {
    pub(super) fn message(self) -> String {
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

pub(super) const SPACES: u64 = 0x2020_2020_2020_2020;

/// The bytes of `w` below 0x20 or from 0x80 get their high bit set. The lowest one set marks
/// exactly the first such byte (a borrow only ever spills into higher bytes).
#[inline]
pub(super) fn special_mask(w: u64) -> u64 {
    pub(super) const HIGH: u64 = 0x8080_8080_8080_8080;
    ((w.wrapping_sub(SPACES) & !w) | w) & HIGH
}

/// Checks string content (no quote or backslash in it): no control characters, valid UTF-8.
/// Gives the index of the first bad byte.
#[inline]
pub(super) fn check_text(utf8: &mut Utf8, run: &[u8]) -> Result<(), (usize, Bad)> {
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
pub(super) fn zero_mask(w: u64) -> u64 {
    w.wrapping_sub(0x0101_0101_0101_0101) & !w & 0x8080_8080_8080_8080
}

/// Where a string can stop being plain content: a quote, a backslash, a control character or
/// a non-ASCII byte. The lowest bit set marks exactly the first one.
#[inline]
pub(super) fn stop_mask(w: u64) -> u64 {
    pub(super) const QUOTES: u64 = 0x2222_2222_2222_2222;
    pub(super) const BACKSLASHES: u64 = 0x5c5c_5c5c_5c5c_5c5c;
    special_mask(w) | zero_mask(w ^ QUOTES) | zero_mask(w ^ BACKSLASHES)
}

/// The 8 bytes at `j` as a word; past the end, padded with spaces (which stop nothing).
#[inline]
pub(super) fn word_at(s: &[u8], j: usize) -> u64 {
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
pub(super) fn next_stop(s: &[u8], mut j: usize) -> usize {
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
pub(super) fn next_stop(s: &[u8], j: usize) -> usize {
    next_stop_words(s, j)
}

/// [`next_stop`] a word at a time (anywhere, and for the last bytes on x86_64).
#[inline]
pub(super) fn next_stop_words(s: &[u8], mut j: usize) -> usize {
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
pub(super) fn skip_string(utf8: &mut Utf8, s: &[u8], mut j: usize) -> Result<usize, (usize, Bad)> {
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

pub(super) fn describe(byte: u8) -> String {
    match byte {
        b'!'..=b'~' => format!("'{}'", byte as char),
        b' ' => "a space".to_string(),
        _ => format!("byte 0x{byte:02x}"),
    }
}

#[inline]
pub(super) fn is_simple_escape(b: u8) -> bool {
    matches!(b, b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't')
}
