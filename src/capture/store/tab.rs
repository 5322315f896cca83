//! One tab's records and the indexes over them, with the page captures and webRequest
//! sightings still waiting for their other half.

use std::collections::{HashMap, VecDeque};

use super::PENDING_MS;

use crate::capture::merge::{within_window, Key, MAX_BODY_BYTES_PER_TAB, MAX_RECORDS_PER_TAB};
use crate::capture::Record;
use crate::core::exchange::Exchange;

/// Page captures waiting per tab, and their body bytes; the oldest go first.
pub(super) const MAX_PENDING: usize = 128;
pub(super) const MAX_PENDING_BYTES: usize = 2 * 1024 * 1024;
/// Candidate responses webRequest saw that gave no diagnosis on their headers alone (a 400
/// whose body may say "credit balance too low"), kept per tab for their body to arrive.
pub(super) const MAX_SIGHTINGS: usize = 256;

pub(super) struct Slot {
    pub(super) key: Key,
    pub(super) record: Record,
}

/// A candidate response webRequest saw whose headers alone show no payment problem.
pub(super) struct Sighting {
    pub(super) key: Key,
    pub(super) time_ms: u64,
    pub(super) request_id: String,
    pub(super) entry: Exchange,
}

/// A page capture waiting for its sighting.
pub(super) struct Capture {
    pub(super) key: Key,
    pub(super) arrived_ms: u64,
    pub(super) entry: Exchange,
}

#[derive(Default)]
pub(super) struct Tab {
    /// Newest last; the slot at position `i` has sequence number `first_seq + i`.
    pub(super) slots: VecDeque<Slot>,
    pub(super) first_seq: u64,
    pub(super) by_key: HashMap<Key, Vec<u64>>,
    pub(super) by_request: HashMap<String, u64>,
    pub(super) body_bytes: usize,
    pub(super) sightings: VecDeque<Sighting>,
    pub(super) pending: VecDeque<Capture>,
    /// Some record was pushed out by newer ones: the list holds only the newest.
    pub(super) pushed_out: bool,
}

pub(super) fn body_bytes(r: &Record) -> usize {
    entry_body_bytes(&r.entry)
}

fn entry_body_bytes(e: &Exchange) -> usize {
    e.response.content.text.as_ref().map_or(0, String::len)
}

impl Capture {
    pub(super) fn body_bytes(&self) -> usize {
        entry_body_bytes(&self.entry)
    }
}

impl Tab {
    pub(super) fn record_mut(&mut self, seq: u64) -> Option<&mut Record> {
        let i = usize::try_from(seq.checked_sub(self.first_seq)?).ok()?;
        self.slots.get_mut(i).map(|s| &mut s.record)
    }

    /// The oldest record of `key` within the merge window of `time_ms` that `want` accepts.
    pub(super) fn find(
        &self,
        key: &Key,
        time_ms: u64,
        want: impl Fn(&Record) -> bool,
    ) -> Option<u64> {
        self.by_key.get(key)?.iter().copied().find(|&seq| {
            let i = seq
                .checked_sub(self.first_seq)
                .and_then(|i| usize::try_from(i).ok())
                .unwrap_or(usize::MAX);
            self.slots
                .get(i)
                .is_some_and(|s| within_window(s.record.time_ms, time_ms) && want(&s.record))
        })
    }

    pub(super) fn push(&mut self, key: Key, record: Record) {
        let seq = self.first_seq + self.slots.len() as u64;
        self.by_key.entry(key.clone()).or_default().push(seq);
        if let Some(id) = &record.request_id {
            self.by_request.insert(id.clone(), seq);
        }
        self.body_bytes += body_bytes(&record);
        self.slots.push_back(Slot { key, record });
        // The newest record always stays.
        while self.slots.len() > MAX_RECORDS_PER_TAB
            || (self.body_bytes > MAX_BODY_BYTES_PER_TAB && self.slots.len() > 1)
        {
            self.pop_oldest();
        }
    }

    pub(super) fn pop_oldest(&mut self) {
        let Some(slot) = self.slots.pop_front() else {
            return;
        };
        let seq = self.first_seq;
        self.first_seq += 1;
        self.body_bytes -= body_bytes(&slot.record);
        self.pushed_out = true;
        if let Some(seqs) = self.by_key.get_mut(&slot.key) {
            seqs.retain(|&s| s != seq);
            if seqs.is_empty() {
                self.by_key.remove(&slot.key);
            }
        }
        if let Some(id) = &slot.record.request_id {
            if self.by_request.get(id) == Some(&seq) {
                self.by_request.remove(id);
            }
        }
    }

    /// Replaces the record at `seq` with a better-informed one (same response).
    pub(super) fn replace(&mut self, seq: u64, record: Record) {
        let added = body_bytes(&record);
        if let Some(old) = self.record_mut(seq) {
            let removed = body_bytes(old);
            *old = record;
            self.body_bytes = self.body_bytes + added - removed;
        }
        while self.body_bytes > MAX_BODY_BYTES_PER_TAB && self.slots.len() > 1 {
            self.pop_oldest();
        }
    }

    /// Indexes rebuilt after records left from the middle (a navigation): rare, so O(n) is fine.
    pub(super) fn reindex(&mut self) {
        let slots = std::mem::take(&mut self.slots);
        let (sightings, pending) = (
            std::mem::take(&mut self.sightings),
            std::mem::take(&mut self.pending),
        );
        *self = Tab {
            first_seq: self.first_seq,
            sightings,
            pending,
            pushed_out: self.pushed_out,
            ..Tab::default()
        };
        for s in slots {
            self.push(s.key, s.record);
        }
    }

    pub(super) fn prune(&mut self, now_ms: u64) {
        while self
            .pending
            .front()
            .is_some_and(|c| c.arrived_ms.saturating_add(PENDING_MS) < now_ms)
        {
            self.pending.pop_front();
        }
        while self
            .sightings
            .front()
            .is_some_and(|s| !within_window(s.time_ms, now_ms))
        {
            self.sightings.pop_front();
        }
    }

    /// Whether a record of `time_ms` would not be among the newest kept: the list holds only
    /// the newest (it is full, or pushed some out) and its oldest is newer than that.
    pub(super) fn older_than_kept(&self, time_ms: u64) -> bool {
        (self.pushed_out || self.slots.len() >= MAX_RECORDS_PER_TAB)
            && self
                .slots
                .front()
                .is_some_and(|s| s.record.time_ms > time_ms)
    }

    /// Queues a page capture to wait for its sighting, dropping the oldest to stay within
    /// [`MAX_PENDING`] captures and [`MAX_PENDING_BYTES`] of bodies.
    pub(super) fn hold(&mut self, capture: Capture) {
        let mut held: usize = self.pending.iter().map(Capture::body_bytes).sum();
        held += capture.body_bytes();
        while self.pending.len() >= MAX_PENDING
            || (held > MAX_PENDING_BYTES && !self.pending.is_empty())
        {
            held -= self.pending.front().map_or(0, Capture::body_bytes);
            self.pending.pop_front();
        }
        self.pending.push_back(capture);
    }

    pub(super) fn take_pending(&mut self, key: &Key) -> Option<Capture> {
        let i = self.pending.iter().position(|c| &c.key == key)?;
        self.pending.remove(i)
    }

    pub(super) fn take_sighting(&mut self, key: &Key, time_ms: u64) -> Option<Sighting> {
        let i = self
            .sightings
            .iter()
            .position(|s| &s.key == key && within_window(s.time_ms, time_ms))?;
        self.sightings.remove(i)
    }
}
