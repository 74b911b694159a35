//! Arming order in 32 bits per entry, without losing a bit of it.
//!
//! A timer's `seq` is a `u64` (snapshots save it and it never wraps), but an
//! entry keeps only `seq - base` in a `u32`. Nearly every live timer was armed
//! or moved within the last 2^32 arms; the few that were not (a forget timer
//! that waits for weeks while billions of messages reset their timers) are
//! *ancient*: their entry holds [`ANCIENT`] and the full seq sits in a side
//! map. So comparisons and snapshots see the exact `u64`, and T3's order
//! never depends on how a wrap is guessed.
//!
//! When a new seq no longer fits above `base`, the window moves up
//! ([`SeqWindow::rebase`]): one pass over the entries, once every
//! `span - span / 2` arms (2^31 with the real span), so amortized nothing.

use std::collections::HashMap;

/// An entry's offset that says "look in the side map".
pub(super) const ANCIENT: u32 = u32::MAX;
/// Offsets an entry can hold: `0..ANCIENT`.
pub(super) const SPAN: u64 = ANCIENT as u64;

/// The base of the offsets, the ancient seqs, and the span (smaller in tests,
/// so that windows move within a few hundred arms).
#[derive(Debug, Clone)]
pub(super) struct SeqWindow {
    base: u64,
    span: u64,
    /// Full seqs of entries whose offset is `ANCIENT`. It may also hold stale
    /// rows of entries moved since (`postpone` writes the offset without
    /// looking); those are never read, and go when the entry is released or
    /// the window moves.
    ancient: HashMap<u32, u64>,
}

impl SeqWindow {
    pub(super) fn new(span: u64) -> Self {
        debug_assert!((2..=SPAN).contains(&span), "offsets must fit below ANCIENT");
        SeqWindow { base: 0, span, ancient: HashMap::new() }
    }

    /// The full seq of entry `index` whose offset is `offset`.
    #[inline]
    pub(super) fn full(&self, index: u32, offset: u32) -> u64 {
        if offset == ANCIENT {
            self.ancient[&index]
        } else {
            self.base + offset as u64
        }
    }

    /// The offset that stands for `seq`, if it is in the window: one
    /// subtraction and one compare, as every arm and reset pays it.
    #[inline]
    pub(super) fn offset(&self, seq: u64) -> Option<u32> {
        let offset = seq.wrapping_sub(self.base);
        (offset < self.span).then_some(offset as u32)
    }

    /// Whether `seq` is past the window, which must move before it is stored.
    pub(super) fn is_ahead(&self, seq: u64) -> bool {
        seq >= self.base && self.offset(seq).is_none()
    }

    /// Keeps the seq of entry `index`, armed before the window, in the side
    /// map; returns the offset that says so.
    #[cold]
    pub(super) fn ancient(&mut self, index: u32, seq: u64) -> u32 {
        debug_assert!(seq < self.base);
        self.ancient.insert(index, seq);
        ANCIENT
    }

    /// Entry `index` is free again.
    #[inline]
    pub(super) fn release(&mut self, index: u32) {
        if !self.ancient.is_empty() {
            self.ancient.remove(&index);
        }
    }

    /// Moves the base so that `seq` fits, keeping the newer half of the span
    /// below it: entries armed since stay offsets, older ones become ancient.
    /// `live` is every live entry as (index, its offset).
    #[cold]
    #[inline(never)]
    pub(super) fn rebase<'a>(&mut self, seq: u64, live: impl Iterator<Item = (u32, &'a mut u32)>) {
        let base = seq - self.span / 2;
        let mut ancient = HashMap::new();
        for (index, offset) in live {
            let full = self.full(index, *offset);
            *offset = if full < base {
                ancient.insert(index, full);
                ANCIENT
            } else {
                (full - base) as u32
            };
        }
        self.base = base;
        self.ancient = ancient;
    }

    /// How many live entries keep their seq in the side map (tests).
    #[cfg(test)]
    pub(super) fn ancient_count(&self) -> usize {
        self.ancient.len()
    }
}
