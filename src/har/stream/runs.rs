//! Crossing many bytes at once: runs of plain structure, and string contents (kept up to the
//! cap, or skipped when the entry is not worth keeping).

use memchr::memchr2;

use super::scan::{check_text, skip_string};
use super::{Lex, Splitter, KEY_CAP, LONE_SURROGATE};

impl Splitter {
    /// Whitespace, then one structural byte.
    #[inline]
    pub(super) fn normal_run(&mut self, chunk: &[u8], base: u64, mut i: usize) -> usize {
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
    pub(super) fn string_run(&mut self, chunk: &[u8], base: u64, mut i: usize) -> usize {
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
    pub(super) fn copy_string_run(&mut self, chunk: &[u8], base: u64, i: usize) -> usize {
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
    pub(super) fn string_content(&mut self, run: &[u8]) {
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
    pub(super) fn keep_prefix(&self, run: &[u8]) -> usize {
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
}
