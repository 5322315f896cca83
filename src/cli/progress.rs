//! A progress line on stderr while a large file is read: plain `\r` redraws, at most a few per
//! second, only when stderr is a terminal.

use std::cell::Cell;
use std::io::{self, Read, Write};
use std::rc::Rc;
use std::time::{Duration, Instant};

/// Files smaller than this read fast enough to need no progress line.
pub const MIN_BYTES: u64 = 16 * 1024 * 1024;
const REDRAW_EVERY: Duration = Duration::from_millis(200);

/// The progress line's state, shared between the reader and whoever writes to the terminal.
pub struct Progress {
    label: String,
    total: u64,
    done: Cell<u64>,
    last_draw: Cell<Option<Instant>>,
    shown: Cell<bool>,
}

const MIB: f64 = 1024.0 * 1024.0;

impl Progress {
    pub fn new(label: &str, total: u64) -> Rc<Progress> {
        Rc::new(Progress {
            label: why402::core::evidence::printable(label),
            total,
            done: Cell::new(0),
            last_draw: Cell::new(None),
            shown: Cell::new(false),
        })
    }

    fn advance(&self, n: usize) {
        self.done.set(self.done.get().saturating_add(n as u64));
        let now = Instant::now();
        if self
            .last_draw
            .get()
            .is_some_and(|t| now.duration_since(t) < REDRAW_EVERY)
        {
            return;
        }
        self.last_draw.set(Some(now));
        let done = self.done.get().min(self.total);
        let percent = done.saturating_mul(100) / self.total.max(1);
        // Progress is a courtesy: a failing stderr must not stop the work.
        let _ = write!(
            io::stderr(),
            "\r\x1b[Kwhy402: reading {} {percent:>3}% ({:.0} of {:.0} MiB)",
            self.label,
            done as f64 / MIB,
            self.total as f64 / MIB
        );
        self.shown.set(true);
    }

    /// Erases the line (before other output, and at the end).
    pub fn clear(&self) {
        if self.shown.replace(false) {
            let _ = write!(io::stderr(), "\r\x1b[K");
        }
    }
}

/// Counts bytes read through it into a [`Progress`].
pub struct ProgressReader<R> {
    inner: R,
    progress: Rc<Progress>,
}

impl<R> ProgressReader<R> {
    pub fn new(inner: R, progress: Rc<Progress>) -> ProgressReader<R> {
        ProgressReader { inner, progress }
    }
}

impl<R: Read> Read for ProgressReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.progress.advance(n);
        Ok(n)
    }
}
