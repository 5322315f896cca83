//! Reading captures: HAR files as a stream of entries in bounded memory ([`stream`], shared by
//! the CLI and the wasm playground), and single raw responses as `curl -si` prints them
//! ([`raw_http`]).

pub mod raw_http;
pub mod stream;

use std::io::{ErrorKind, Read};

use crate::core::exchange::Exchange;
pub use stream::{HarError, Position, RawEntry, Splitter};

/// Parses one entry's bytes. A JSON syntax error is placed exactly in the whole file; an entry
/// of the wrong shape (`"status": "402"`) is placed at the entry's start, its message naming the
/// field (`entry 3: invalid type at response.status: …`).
pub fn parse_entry(raw: &RawEntry) -> Result<Exchange, HarError> {
    let entry_error = |at: Position, message: String| {
        HarError::new(at, format!("entry {}: {message}", raw.index))
    };
    // Text to `Value` to `Exchange`: the one JSON parser the wasm has is the one for `Value`.
    let value = serde_json::from_slice::<serde_json::Value>(&raw.bytes).map_err(|e| {
        // serde counts from the entry's first byte; shift to the file's lines and columns.
        let line = raw.start.line + (e.line() as u64).saturating_sub(1);
        let column = if e.line() <= 1 {
            raw.start.column + (e.column() as u64).saturating_sub(1)
        } else {
            e.column() as u64
        };
        let mut message = e.to_string();
        // serde appends " at line L column C" relative to the entry: drop it, ours is absolute.
        if let Some(cut) = message.rfind(" at line ") {
            message.truncate(cut);
        }
        // serde reports no offset: the entry's first byte is the nearest known one.
        let at = Position {
            offset: raw.start.offset,
            line,
            column,
        };
        entry_error(at, message)
    })?;
    Exchange::from_json(&value).map_err(|e| entry_error(raw.start, e.to_string()))
}

/// One parsed entry and its 0-based index in `log.entries`.
#[derive(Debug, Clone, PartialEq)]
pub struct HarEntry {
    pub index: usize,
    pub exchange: Exchange,
}

/// Reads a HAR file from any reader, one entry at a time. Yields, in order, the entries that can
/// be payment failures (the others are checked and counted, not parsed: see [`stream`]), then
/// at most one error (after which it yields nothing).
pub struct HarReader<R> {
    inner: R,
    splitter: Splitter,
    chunk: Vec<u8>,
    /// The input is exhausted.
    done: bool,
    /// An error was returned: nothing more is yielded.
    stopped: bool,
}

/// Bytes read from the underlying reader per call: few system calls, and small enough that what
/// a read copies in is still in the CPU cache when the scanner goes over it (256 KiB measured a
/// little steadier than 1 MiB).
const CHUNK_BYTES: usize = 256 * 1024;

impl<R: Read> HarReader<R> {
    pub fn new(inner: R) -> HarReader<R> {
        HarReader::with_splitter(inner, Splitter::new())
    }

    /// With a splitter configured by the caller (limits).
    pub fn with_splitter(inner: R, splitter: Splitter) -> HarReader<R> {
        HarReader {
            inner,
            splitter,
            chunk: vec![0; CHUNK_BYTES],
            done: false,
            stopped: false,
        }
    }

    /// Complete entries found so far, parsed or skipped.
    pub fn entries_read(&self) -> usize {
        self.splitter.entries_read()
    }

    pub fn bytes_read(&self) -> u64 {
        self.splitter.bytes_consumed()
    }
}

impl<R: Read> Iterator for HarReader<R> {
    type Item = Result<HarEntry, HarError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.stopped {
            return None;
        }
        loop {
            if let Some(item) = self.splitter.next_entry() {
                let result = item.and_then(|raw| {
                    parse_entry(&raw).map(|exchange| HarEntry {
                        index: raw.index,
                        exchange,
                    })
                });
                self.stopped = result.is_err();
                return Some(result);
            }
            if self.done {
                return None;
            }
            match self.inner.read(&mut self.chunk) {
                Ok(0) => {
                    self.splitter.finish();
                    self.done = true;
                }
                Ok(n) => self.splitter.push(self.chunk.get(..n).unwrap_or_default()),
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(e) => {
                    self.stopped = true;
                    let at = self.splitter.position();
                    return Some(Err(HarError::new(at, format!("read error: {e}"))));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reader_parses_entries_and_places_errors() {
        let har = "{\"log\": {\"entries\": [\n  {\"request\": {\"method\": \"GET\", \"url\": \"https://x.example/\"}, \"response\": {\"status\": 402}},\n  {\"response\": {\"status\": \"x\"}}\n]}}";
        let mut r = HarReader::new(har.as_bytes());
        let first = r.next().expect("one").expect("ok");
        assert_eq!(first.index, 0);
        assert_eq!(first.exchange.response.status, 402);
        let err = r.next().expect("two").expect_err("bad status");
        assert_eq!(err.position.line, 3, "{err}");
        assert_eq!(
            err.message,
            "entry 1: invalid type at response.status: expected an integer from 0 to 65535, \
             found a string"
        );
        assert!(!err.message.contains(" at line "), "{err}");
        assert!(r.next().is_none());
        assert_eq!(r.entries_read(), 2);
    }

    #[test]
    fn read_errors_are_reported() {
        struct Broken;
        impl Read for Broken {
            fn read(&mut self, _: &mut [u8]) -> std::io::Result<usize> {
                Err(std::io::Error::other("disk on fire"))
            }
        }
        let mut r = HarReader::new(Broken);
        let err = r.next().expect("item").expect_err("error");
        assert!(err.message.contains("disk on fire"));
        assert!(r.next().is_none());
    }
}
