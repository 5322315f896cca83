//! Reading the input on a second thread while the scanner works on what came before (#14).
//!
//! Copying a file out of the page cache is about a sixth of a `diagnose` run on a large HAR; on
//! its own thread it overlaps with the scan instead of adding to it. Memory stays bounded: a few
//! buffers go round between the two threads and are reused.

use std::io::{self, Read};
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::thread;

/// Bytes per read: the scanner's chunk size (see `har::HarReader`), so each buffer is still in
/// the CPU cache when it is scanned.
const BUFFER_BYTES: usize = 256 * 1024;
/// Buffers filled ahead of the scanner: enough to cover a slow read, few enough to stay small.
const AHEAD: usize = 3;

type Filled = io::Result<Vec<u8>>;

pub struct ReadAhead {
    filled: Receiver<Filled>,
    /// Buffers handed back to the reading thread once read from.
    empty: SyncSender<Vec<u8>>,
    current: Vec<u8>,
    at: usize,
    /// The end of the input, or an error, was passed on: nothing more will come.
    done: bool,
}

impl ReadAhead {
    pub fn new<R: Read + Send + 'static>(mut inner: R) -> ReadAhead {
        let (fill, filled) = mpsc::sync_channel::<Filled>(AHEAD);
        let (empty, recycled) = mpsc::sync_channel::<Vec<u8>>(AHEAD + 1);
        thread::spawn(move || loop {
            let mut buf = recycled
                .try_recv()
                .unwrap_or_else(|_| Vec::with_capacity(BUFFER_BYTES));
            buf.resize(BUFFER_BYTES, 0);
            let sent = match read_some(&mut inner, &mut buf) {
                Ok(0) => {
                    let _ = fill.send(Ok(Vec::new()));
                    return;
                }
                Ok(n) => {
                    buf.truncate(n);
                    fill.send(Ok(buf))
                }
                Err(e) => {
                    let _ = fill.send(Err(e));
                    return;
                }
            };
            // The reader was dropped (an error downstream, or `| head`): stop reading.
            if sent.is_err() {
                return;
            }
        });
        ReadAhead {
            filled,
            empty,
            current: Vec::new(),
            at: 0,
            done: false,
        }
    }
}

/// One read, retried when interrupted by a signal.
fn read_some<R: Read>(inner: &mut R, buf: &mut [u8]) -> io::Result<usize> {
    loop {
        match inner.read(buf) {
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            other => return other,
        }
    }
}

impl Read for ReadAhead {
    fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
        while self.at == self.current.len() {
            if self.done {
                return Ok(0);
            }
            let next = self.filled.recv().unwrap_or_else(|_| Ok(Vec::new()))?;
            if next.is_empty() {
                self.done = true;
                return Ok(0);
            }
            let used = std::mem::replace(&mut self.current, next);
            self.at = 0;
            // Full when the reader is ahead: the buffer is then simply dropped.
            let _ = self.empty.try_send(used);
        }
        let rest = self.current.get(self.at..).unwrap_or_default();
        let n = rest.len().min(out.len());
        out[..n].copy_from_slice(&rest[..n]);
        self.at += n;
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives `data` in pieces of `step` bytes, then fails with `error` if one is set.
    struct Pieces {
        data: Vec<u8>,
        at: usize,
        step: usize,
        error: Option<io::ErrorKind>,
    }

    impl Read for Pieces {
        fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
            if self.at == self.data.len() {
                return match self.error {
                    Some(kind) => Err(io::Error::new(kind, "disk on fire")),
                    None => Ok(0),
                };
            }
            let n = self.step.min(out.len()).min(self.data.len() - self.at);
            out[..n].copy_from_slice(&self.data[self.at..self.at + n]);
            self.at += n;
            Ok(n)
        }
    }

    fn data(len: usize) -> Vec<u8> {
        (0..len).map(|i| (i * 7 % 251) as u8).collect()
    }

    #[test]
    fn passes_every_byte_through_in_order() {
        // More than AHEAD buffers, in uneven pieces, read out in other uneven pieces.
        let want = data(BUFFER_BYTES * (AHEAD + 3) + 12_345);
        let mut ahead = ReadAhead::new(Pieces {
            data: want.clone(),
            at: 0,
            step: 100_003,
            error: None,
        });
        let mut got = Vec::new();
        let mut out = vec![0; 77_777];
        loop {
            let n = ahead.read(&mut out).unwrap();
            if n == 0 {
                break;
            }
            got.extend_from_slice(&out[..n]);
        }
        assert_eq!(got.len(), want.len());
        assert!(got == want);
        assert_eq!(ahead.read(&mut out).unwrap(), 0, "the end stays the end");
    }

    #[test]
    fn a_read_error_arrives_after_the_bytes_before_it() {
        let want = data(BUFFER_BYTES + 10);
        let mut ahead = ReadAhead::new(Pieces {
            data: want.clone(),
            at: 0,
            step: BUFFER_BYTES,
            error: Some(io::ErrorKind::Other),
        });
        let mut got = Vec::new();
        let err = ahead.read_to_end(&mut got).unwrap_err();
        assert_eq!(err.to_string(), "disk on fire");
        assert!(got == want);
    }
}
