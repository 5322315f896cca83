//! Bounded memory: a HAR far larger than the memory bound streams through the same reader and
//! diagnosis the CLI uses, without being held in memory.
//!
//! The input is synthesised on the fly by an `io::Read` (never materialised): big entries whose
//! response bodies are several MiB each, with small entries between them.

use std::io::{self, Read};

use why402::har::HarReader;
use why402::{diagnose, Context};

/// Body size of each big entry (rounded down to whole fillers).
const BIG_BODY: usize = 8 * 1024 * 1024;
/// Big entries in the file: 66 × 8 MiB ≈ 528 MiB.
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
                format!(r#"{sep}{{"request": {{"method": "POST", "url": "https://big.example/{i}"}}, "response": {{"status": 200, "content": {{"mimeType": "text/plain", "text": ""#).as_bytes(),
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

#[cfg(target_os = "linux")]
fn peak_rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[test]
fn half_a_gigabyte_streams_in_bounded_memory() {
    #[cfg(target_os = "linux")]
    let before = peak_rss_kib();
    let mut reader = HarReader::new(SyntheticHar::new());
    let ctx = Context {
        now_unix: Some(1_764_064_800),
    };
    let mut seen = 0;
    let mut longest_body = 0;
    for item in &mut reader {
        let entry = item.expect("synthetic HAR is valid");
        assert_eq!(entry.index, seen, "entries arrive in order");
        let ex = &entry.exchange;
        if entry.index % (1 + SMALL_PER_BIG) == 0 {
            assert_eq!(
                ex.request.url,
                format!("https://big.example/{}", entry.index)
            );
            let text = ex.response.content.text.as_deref().unwrap_or("");
            longest_body = longest_body.max(text.len());
        } else {
            assert_eq!(ex.response.status, 402);
            let text = ex.response.content.text.as_deref().unwrap_or("");
            assert!(text.contains(&format!("\"n\": {}", entry.index)), "{text}");
        }
        // What the CLI does with each entry.
        let _ = diagnose(ex, &ctx);
        seen += 1;
    }
    assert_eq!(seen, SyntheticHar::entries());
    assert_eq!(reader.entries_read(), seen);
    assert!(
        reader.bytes_read() >= 512 * 1024 * 1024,
        "only {} bytes",
        reader.bytes_read()
    );
    // Bodies were cut to the string cap, not kept whole.
    assert!(longest_body > 0 && longest_body <= why402::har::stream::MAX_STRING_BYTES + 16);

    #[cfg(target_os = "linux")]
    {
        let growth_mib = peak_rss_kib().saturating_sub(before) / 1024;
        assert!(growth_mib < 64, "peak RSS grew by {growth_mib} MiB");
    }
}
