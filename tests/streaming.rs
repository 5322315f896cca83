//! Bounded memory: a HAR far larger than the memory bound streams through the same reader and
//! diagnosis the CLI uses, without being held in memory; a single token far larger than the
//! bound (a 2 GiB number) is refused before it is held.
//!
//! The inputs are synthesised on the fly by `io::Read`ers (never materialised). Peak RSS is read
//! from `/proc/self/status` after resetting it through `/proc/self/clear_refs`; a test that
//! cannot measure it fails rather than passing unmeasured. The memory tests take a lock so that
//! one's peak is not the other's.

use std::io::{self, Read};
use std::sync::Mutex;

use why402::har::stream::{MAX_LITERAL_BYTES, MAX_STRING_BYTES};
use why402::har::HarReader;
use why402::{diagnose, Context};

/// The memory bound the README promises for any input.
const BOUND_MIB: u64 = 64;

static MEMORY_TESTS: Mutex<()> = Mutex::new(());

/// Body size of each big entry (rounded down to whole fillers).
const BIG_BODY: usize = 8 * 1024 * 1024;
/// Big entries in the file: 66 × 8 MiB ≈ 528 MiB; every other one is a 200 (skipped unparsed),
/// the others 503s (copied with the body cut, then parsed).
const BIG_ENTRIES: usize = 66;
/// Small entries after each big one.
const SMALL_PER_BIG: usize = 3;

/// Produces `{"log": {"version": "1.2", "entries": [ … ]}}` piece by piece.
struct SyntheticHar {
    /// The piece being handed out and how far into it we are.
    piece: Vec<u8>,
    at: usize,
    /// Next entry to produce; `None` once the closing bytes were queued.
    next: Option<usize>,
    filler: Vec<u8>,
    /// Bytes of the current big body still to hand out (from `filler`).
    body_left: usize,
    /// What follows the big body (the rest of that entry).
    after_body: Vec<u8>,
    total: u64,
}

fn small_entry(index: usize) -> String {
    format!(
        r#"{{"startedDateTime": "2026-11-25T10:00:00Z", "request": {{"method": "GET", "url": "https://api.example.com/items/{index}", "headers": []}}, "response": {{"status": 402, "statusText": "Payment Required", "headers": [{{"name": "content-type", "value": "application/json"}}], "content": {{"mimeType": "application/json", "text": "{{\"error\": {{\"message\": \"Insufficient credits\", \"n\": {index}}}}}"}}}}}}"#
    )
}

/// The status of the big entry at `index`.
fn big_status(index: usize) -> u16 {
    if index % (2 * (1 + SMALL_PER_BIG)) == 0 {
        200
    } else {
        503
    }
}

impl SyntheticHar {
    fn new() -> SyntheticHar {
        // Printable ASCII plus escapes, so the string scanner's slow path runs too.
        let mut filler = Vec::with_capacity(64 * 1024);
        while filler.len() < 64 * 1024 {
            filler.extend_from_slice(
                b"lorem ipsum dolor sit amet \\\"quoted\\\" \\u00e9 caf\xc3\xa9 ",
            );
        }
        SyntheticHar {
            piece: br#"{"log": {"version": "1.2", "creator": {"name": "synthetic", "version": "1"}, "entries": ["#.to_vec(),
            at: 0,
            next: Some(0),
            filler,
            body_left: 0,
            after_body: Vec::new(),
            total: 0,
        }
    }

    fn entries() -> usize {
        BIG_ENTRIES * (1 + SMALL_PER_BIG)
    }

    /// Queues the next piece of text; false at the end.
    fn refill(&mut self) -> bool {
        self.at = 0;
        self.piece.clear();
        if self.body_left > 0 {
            let n = self.body_left.min(self.filler.len());
            self.piece.extend_from_slice(&self.filler[..n]);
            self.body_left -= n;
            if self.body_left == 0 {
                self.piece
                    .extend_from_slice(&std::mem::take(&mut self.after_body));
            }
            return true;
        }
        let Some(i) = self.next else {
            return false;
        };
        let sep = if i == 0 { "" } else { ",\n" };
        if i == Self::entries() {
            self.piece.extend_from_slice(b"\n]}}\n");
            self.next = None;
            return true;
        }
        self.next = Some(i + 1);
        if i % (1 + SMALL_PER_BIG) == 0 {
            self.piece.extend_from_slice(
                format!(r#"{sep}{{"request": {{"method": "POST", "url": "https://big.example/{i}"}}, "response": {{"status": {}, "content": {{"mimeType": "text/plain", "text": ""#, big_status(i)).as_bytes(),
            );
            // Whole fillers only, so the body never ends inside an escape or a character.
            self.body_left = BIG_BODY / self.filler.len() * self.filler.len();
            self.after_body = br#""}}}"#.to_vec();
        } else {
            self.piece
                .extend_from_slice(format!("{sep}{}", small_entry(i)).as_bytes());
        }
        true
    }
}

impl Read for SyntheticHar {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.at >= self.piece.len() {
            if !self.refill() {
                return Ok(0);
            }
        }
        let n = buf.len().min(self.piece.len() - self.at);
        buf[..n].copy_from_slice(&self.piece[self.at..self.at + n]);
        self.at += n;
        self.total += n as u64;
        Ok(n)
    }
}

/// A field of `/proc/self/status` in KiB. Panics when it cannot be read: an unmeasured memory
/// test must fail, not pass.
fn status_kib(field: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status")
        .unwrap_or_else(|e| panic!("cannot measure RSS: /proc/self/status: {e}"));
    status
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or_else(|| panic!("cannot measure RSS: no {field} in /proc/self/status"))
}

/// How much the peak RSS grew, in MiB, while `work` ran (the peak is reset first).
fn peak_growth_mib(work: impl FnOnce()) -> u64 {
    let _one_at_a_time = MEMORY_TESTS.lock().unwrap_or_else(|e| e.into_inner());
    // "5" resets VmHWM to the current RSS (Linux 4.0+).
    std::fs::write("/proc/self/clear_refs", "5")
        .unwrap_or_else(|e| panic!("cannot measure RSS: cannot reset the peak: {e}"));
    let before = status_kib("VmRSS:");
    work();
    status_kib("VmHWM:").saturating_sub(before) / 1024
}

#[test]
fn half_a_gigabyte_streams_in_bounded_memory() {
    let mut reader = HarReader::new(SyntheticHar::new());
    let ctx = Context {
        now_unix: Some(1_764_064_800),
    };
    let mut given = Vec::new();
    let mut longest_body = 0;
    let growth_mib = peak_growth_mib(|| {
        for item in &mut reader {
            let entry = item.expect("synthetic HAR is valid");
            let ex = &entry.exchange;
            if entry.index % (1 + SMALL_PER_BIG) == 0 {
                assert_eq!(
                    ex.request.url,
                    format!("https://big.example/{}", entry.index)
                );
                assert_eq!(ex.response.status, big_status(entry.index));
                let text = ex.response.content.text.as_deref().unwrap_or("");
                longest_body = longest_body.max(text.len());
            } else {
                assert_eq!(ex.response.status, 402);
                let text = ex.response.content.text.as_deref().unwrap_or("");
                assert!(text.contains(&format!("\"n\": {}", entry.index)), "{text}");
            }
            // What the CLI does with each entry.
            let _ = diagnose(ex, &ctx);
            given.push(entry.index);
        }
    });
    // Every entry was read; the 200s were not given (they cannot be payment failures).
    assert_eq!(reader.entries_read(), SyntheticHar::entries());
    let expected: Vec<usize> = (0..SyntheticHar::entries())
        .filter(|&i| i % (1 + SMALL_PER_BIG) != 0 || big_status(i) != 200)
        .collect();
    assert_eq!(given, expected, "entries arrive in order, 200s skipped");
    assert!(
        reader.bytes_read() >= 512 * 1024 * 1024,
        "only {} bytes",
        reader.bytes_read()
    );
    // Bodies of parsed entries were cut to the string cap, not kept whole.
    assert!(longest_body > 0 && longest_body <= MAX_STRING_BYTES + 16);
    assert!(growth_mib < BOUND_MIB, "peak RSS grew by {growth_mib} MiB");
}

/// `head`, then `len` copies of `fill`, then `tail`, produced as they are read.
struct Repeated {
    head: &'static [u8],
    fill: u8,
    len: u64,
    tail: &'static [u8],
    at: u64,
}

impl Read for Repeated {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let (head, body) = (self.head.len() as u64, self.len);
        let mut n = 0;
        while n < buf.len() {
            let at = self.at;
            let byte = if at < head {
                self.head[at as usize]
            } else if at < head + body {
                self.fill
            } else if let Some(&b) = self.tail.get((at - head - body) as usize) {
                b
            } else {
                break;
            };
            buf[n] = byte;
            n += 1;
            self.at += 1;
        }
        Ok(n)
    }
}

#[test]
fn a_two_gib_number_is_refused_in_bounded_memory() {
    const TWO_GIB: u64 = 2 * 1024 * 1024 * 1024;
    // In an entry that is copied (a 402), one that is skipped (a 200) and outside the entries.
    let cases: [(&[u8], &str); 3] = [
        (
            br#"{"log": {"entries": [{"response": {"status": 402, "n": 1"#,
            "in entry 0",
        ),
        (
            br#"{"log": {"entries": [{"response": {"status": 200}, "n": 1"#,
            "in entry 0",
        ),
        (br#"{"log": {"x": 1"#, ""),
    ];
    for (head, place) in cases {
        let input = Repeated {
            head,
            fill: b'7',
            len: TWO_GIB,
            tail: b"}]}}",
            at: 0,
        };
        let mut reader = HarReader::new(input);
        let mut outcome = None;
        let growth_mib = peak_growth_mib(|| outcome = reader.next());
        let err = outcome
            .expect("an item")
            .expect_err("a 2 GiB number is refused");
        assert!(
            err.message.contains("longer than") && err.message.contains(place),
            "{err}"
        );
        assert_eq!(err.position.line, 1, "{err}");
        assert_eq!(
            err.position.column,
            head.len() as u64 + MAX_LITERAL_BYTES as u64,
            "{err}"
        );
        // Refused as it streamed in, not after reading it all.
        assert!(
            reader.bytes_read() < 4 * 1024 * 1024,
            "{}",
            reader.bytes_read()
        );
        assert!(reader.next().is_none());
        assert!(growth_mib < BOUND_MIB, "peak RSS grew by {growth_mib} MiB");
    }
}
