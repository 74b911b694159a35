//! One hierarchical timing wheel holds every deadline of the engine.
//!
//! # Level layout
//!
//! Time is counted in ticks of one millisecond. There are [`LEVELS`] = 6
//! levels of [`SLOTS`] = 64 slots each. A slot of level `L` spans `64^L` ticks,
//! so the whole level spans `64^(L+1)`:
//!
//! | level | slot spans | level spans |
//! |-------|------------|-------------|
//! | 0     | 1 ms       | 64 ms       |
//! | 1     | 64 ms      | ~4 s        |
//! | 2     | ~4 s       | ~4.4 min    |
//! | 3     | ~4.4 min   | ~4.7 h      |
//! | 4     | ~4.7 h     | ~12.4 days  |
//! | 5     | ~12.4 days | ~2.2 years  |
//!
//! A timer is filed at the lowest level whose current block (relative to
//! `elapsed`, the wheel's time) also holds its deadline: the level is given by
//! the highest bit in which `elapsed` and the deadline differ. When time
//! reaches the start of an occupied slot above level 0, that slot is
//! *cascaded*: each of its timers is filed again, now at a lower level. A
//! level-0 slot holds timers of one exact millisecond, which fire in arming
//! order (`seq`), as SPEC T3 demands.
//!
//! Each slot is an intrusive doubly-linked list through a slab of entries, so
//! arming and cancelling are O(1) and no timer allocates. `occupied` keeps one
//! bit per slot, and finding the next occupied slot is a rotate and a
//! trailing-zeros count; so [`Wheel::poll`] over a long jump costs
//! O(levels + slots visited + timers fired), never O(ticks elapsed).
//!
//! Moving a deadline *later* ([`Wheel::postpone`]) is lazy, as in tokio: only
//! the entry's deadline changes; when its old slot comes due, the entry is
//! found to be early and filed again. The owner knows its timer's deadline, so
//! postponing does not even read the entry: the participant timer reset by
//! every message costs two stores. Moving a deadline earlier is a cancel and a
//! new arm. Deadlines farther than
//! [`MAX_SPAN`] are filed at the farthest slot and moved on the same way.
//!
//! # Entry layout
//!
//! An entry is 32 bytes with the engine's 8-byte payload (a chat keeps two
//! live, about a fifth of its bytes at 1M chats): the deadline (`u64`), the seq as a
//! `u32` offset, the generation, the payload and the two links. Nothing says
//! which slot an entry is in: the first entry's `prev` and the last one's
//! `next` are `END + slot`, the only places unlinking needs the slot, and
//! `prev` is `FREE` or `DUE` when the entry is in no list. The seq keeps
//! every one of its 64 bits: see `seq.rs` for the window the offsets count
//! from and the side map of timers armed too long ago for it.

use std::num::NonZeroU32;

use crate::dense::DenseVec;
use seq::SeqWindow;

mod seq;

/// Number of levels; see the module doc for the layout.
pub const LEVELS: usize = 6;
/// Slots per level: one bit each in a `u64` occupancy mask.
pub const SLOTS: usize = 64;
const SLOT_BITS: u32 = SLOTS.trailing_zeros();
const SLOT_MASK: u64 = SLOTS as u64 - 1;
/// Farthest ahead a timer is filed (~12.4 days: one slot of the top level);
/// farther deadlines wait there and are filed again when it comes due.
pub const MAX_SPAN: u64 = 1 << (SLOT_BITS * (LEVELS as u32 - 1));
/// No entry: an empty slot's head and tail, the free list's end.
const NIL: u32 = u32::MAX;
/// Highest arming order a snapshot may continue from: far above what any
/// engine reaches (2^62 arms at a billion a second take 146 years), so arming
/// can never overflow the `u64`.
pub const MAX_SEQ: u64 = 1 << 62;
/// In `prev`: the entry is free.
const FREE: u32 = NIL - 1;
/// In `prev`: the entry was taken from its slot and waits in `due`.
const DUE: u32 = NIL - 2;
/// `END + at`, in `prev` of a slot's first entry and in `next` of its last:
/// the list's ends name their slot, so an entry needs no field for it.
const END: u32 = DUE - (LEVELS * SLOTS) as u32;
/// Entry indexes are below every tag above.
const MAX_ENTRIES: u32 = END;

/// Names one armed timer. Stale keys (the timer fired or was cancelled) are
/// recognised by their generation and ignored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimerKey {
    index: u32,
    generation: NonZeroU32,
}

/// One timer: 32 bytes with the engine's 8-byte payload (asserted beside
/// `TimerRef` and in the tests). Where it is (free, filed, due) is told by the tags of `prev`, and a
/// filed entry's slot by its list's ends, so only the links are stored; the
/// arming order is an offset into [`SeqWindow`].
#[derive(Debug, Clone)]
struct Entry<T> {
    deadline: u64,
    /// `seq - base` of the window, or `seq::ANCIENT`.
    seq: u32,
    generation: NonZeroU32,
    payload: T,
    /// The previous entry of the slot list, `END + slot` for the first, or
    /// `FREE` or `DUE`.
    prev: u32,
    /// The next entry of the slot list, `END + slot` for the last; when
    /// free, the next free entry or `NIL`.
    next: u32,
}

impl<T> Entry<T> {
    fn is_free(&self) -> bool {
        self.prev == FREE
    }

    fn is_due(&self) -> bool {
        self.prev == DUE
    }

    fn is_filed(&self) -> bool {
        self.prev != FREE && self.prev != DUE
    }
}

/// Bytes of one entry whose payload is a `T`, for the owner's size check.
pub(crate) const fn entry_bytes<T>() -> usize {
    std::mem::size_of::<Entry<T>>()
}

/// A timer wheel whose timers carry a `T` back to the caller when they fire.
#[derive(Debug, Clone)]
pub struct Wheel<T: Copy> {
    entries: DenseVec<Entry<T>>,
    free: u32,
    heads: Box<[u32; LEVELS * SLOTS]>,
    tails: Box<[u32; LEVELS * SLOTS]>,
    occupied: [u64; LEVELS],
    elapsed: u64,
    next_seq: u64,
    seqs: SeqWindow,
    len: usize,
    /// Timers of the millisecond being fired, as (entry, seq when taken), in
    /// `seq` order; `due_at` is next. A seq that changed since means the timer
    /// was moved while it waited, so it goes after the batch or later.
    due: Vec<(u32, u64)>,
    due_at: usize,
    /// The earliest deadline, kept up to date while that is cheap. Finding it
    /// scans the earliest slots entry by entry, which can be every timer (a
    /// million deadlines minutes away share a level-3 slot), and hosts ask
    /// after every call; most calls leave it be.
    earliest: Earliest,
}

/// What the wheel knows of its earliest deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Earliest {
    /// A timer that was earliest went; `next_deadline` must look.
    Unknown,
    NoTimers,
    /// `timers` timers are due at `deadline`, none earlier. Counting them lets
    /// all but the last of a crowd armed together go without a new search.
    At {
        deadline: u64,
        timers: usize,
    },
}

fn slot_span(level: usize) -> u64 {
    1 << (SLOT_BITS * level as u32)
}

fn level_span(level: usize) -> u64 {
    1 << (SLOT_BITS * (level as u32 + 1))
}

/// The level and slot a deadline `when` files into, seen from time `elapsed`.
fn position(elapsed: u64, when: u64) -> (usize, usize) {
    let differing = (elapsed ^ when) | SLOT_MASK;
    let level = ((63 - differing.leading_zeros()) / SLOT_BITS) as usize;
    let level = level.min(LEVELS - 1);
    (level, ((when >> (SLOT_BITS * level as u32)) & SLOT_MASK) as usize)
}

impl<T: Copy> Wheel<T> {
    /// An empty wheel whose time is `now`.
    pub fn new(now: u64) -> Self {
        Self::with_seq_span(now, seq::SPAN)
    }

    /// A wheel whose entries hold offsets below `span` (tests move the window often).
    fn with_seq_span(now: u64, span: u64) -> Self {
        Wheel {
            entries: DenseVec::default(),
            free: NIL,
            heads: Box::new([NIL; LEVELS * SLOTS]),
            tails: Box::new([NIL; LEVELS * SLOTS]),
            occupied: [0; LEVELS],
            elapsed: now,
            next_seq: 0,
            seqs: SeqWindow::new(span),
            len: 0,
            due: Vec::new(),
            due_at: 0,
            earliest: Earliest::NoTimers,
        }
    }

    /// Number of armed timers.
    pub fn len(&self) -> usize {
        self.len
    }

    /// The wheel's time: nothing due at or before it is left unfired.
    pub fn elapsed(&self) -> u64 {
        self.elapsed
    }

    /// Arms a timer; one due at or before the wheel's time fires at the next `poll`.
    pub fn arm(&mut self, deadline: u64, payload: T) -> TimerKey {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.arm_with_seq(deadline, seq, payload)
    }

    /// Arms a timer keeping a `seq` taken from another wheel (moving conversations).
    pub fn arm_with_seq(&mut self, deadline: u64, seq: u64, payload: T) -> TimerKey {
        self.next_seq = self.next_seq.max(seq + 1);
        // `None` after the window moved: armed before it (restored or copied).
        let offset = self.offset(seq);
        let entry = Entry { deadline, seq: 0, generation: NonZeroU32::MIN, payload, prev: NIL, next: NIL };
        let index = if self.free != NIL {
            let index = self.free;
            let slot = &mut self.entries[index as usize];
            self.free = slot.next;
            *slot = Entry { generation: slot.generation, ..entry };
            index
        } else {
            assert!(self.entries.len() < MAX_ENTRIES as usize, "more than {MAX_ENTRIES} timers");
            self.entries.push(entry);
            (self.entries.len() - 1) as u32
        };
        self.entries[index as usize].seq = offset.unwrap_or_else(|| self.seqs.ancient(index, seq));
        self.len += 1;
        self.added(deadline);
        self.file(index);
        TimerKey { index, generation: self.entries[index as usize].generation }
    }

    /// `seq` as an entry's offset, the window moved up first if `seq` is past
    /// it; `None` for a seq before the window.
    #[inline]
    fn offset(&mut self, seq: u64) -> Option<u32> {
        self.seqs.offset(seq).or_else(|| {
            self.make_room(seq);
            self.seqs.offset(seq)
        })
    }

    /// Moves the seq window up if `seq` is past it.
    #[cold]
    #[inline(never)]
    fn make_room(&mut self, seq: u64) {
        if self.seqs.is_ahead(seq) {
            let live = self.entries.iter_mut().enumerate().filter(|(_, e)| !e.is_free());
            self.seqs.rebase(seq, live.map(|(i, e)| (i as u32, &mut e.seq)));
        }
    }

    /// The full arming order of entry `index`.
    fn seq_of(&self, index: u32) -> u64 {
        self.seqs.full(index, self.entries[index as usize].seq)
    }

    fn live(&self, key: TimerKey) -> Option<&Entry<T>> {
        self.entries.get(key.index as usize).filter(|e| e.generation == key.generation && !e.is_free())
    }

    /// Deadline, arming order and payload of a live timer.
    pub fn get(&self, key: TimerKey) -> Option<(u64, u64, T)> {
        self.live(key).map(|e| (e.deadline, self.seq_of(key.index), e.payload))
    }

    /// Deadline of a live timer.
    pub fn deadline(&self, key: TimerKey) -> Option<u64> {
        self.live(key).map(|e| e.deadline)
    }

    /// Cancels a timer; a stale key is ignored. Returns the payload if it was live.
    pub fn cancel(&mut self, key: TimerKey) -> Option<T> {
        let entry = self.live(key)?;
        let (filed, payload) = (entry.is_filed(), entry.payload);
        self.removed(entry.deadline);
        if filed {
            self.unlink(key.index);
        }
        self.release(key.index);
        Some(payload)
    }

    /// Moves a live timer from its deadline `from` to `to`, no earlier,
    /// without reading its entry: the caller vouches that the key is live and
    /// that `from` is its deadline (both checked in debug builds). The entry stays
    /// where it is filed and is filed again when that slot comes due, so at a
    /// million timers a reset is two stores the CPU need not wait for, where
    /// reading the entry first would wait for a cold cache line.
    #[inline]
    pub(crate) fn postpone(&mut self, key: TimerKey, from: u64, to: u64) {
        debug_assert!(
            self.live(key).is_some_and(|e| e.deadline == from && from <= to),
            "postpone needs a live key, its deadline, and one no earlier"
        );
        self.moved(from, to);
        let seq = self.next_seq;
        self.next_seq += 1;
        // A new seq is never before the window, so it is an offset.
        let offset = self.offset(seq).expect("the window moved to the newest seq");
        let e = &mut self.entries[key.index as usize];
        e.deadline = to;
        e.seq = offset;
    }

    /// Returns the next timer due at or before `now`, in deadline order and
    /// arming order within a millisecond, or `None` once none is left; the
    /// wheel's time is then `now`. The returned timer is gone from the wheel.
    pub fn poll(&mut self, now: u64) -> Option<(u64, T)> {
        loop {
            while let Some(&(index, seq)) = self.due.get(self.due_at) {
                self.due_at += 1;
                let e = &self.entries[index as usize];
                if !e.is_due() {
                    // Cancelled, or moved earlier and filed again.
                    continue;
                }
                if self.seqs.full(index, e.seq) != seq {
                    // Moved later while it waited: after this batch at the soonest.
                    self.file(index);
                    continue;
                }
                let fired = (e.deadline, e.payload);
                self.removed(e.deadline);
                self.release(index);
                return Some(fired);
            }
            self.due.clear();
            self.due_at = 0;
            let Some((level, slot, start)) = self.next_expiration() else {
                self.elapsed = self.elapsed.max(now);
                return None;
            };
            if start > now {
                self.elapsed = self.elapsed.max(now);
                return None;
            }
            self.elapsed = start;
            let mut index = self.take_slot(level * SLOTS + slot);
            while index < END {
                let next = self.entries[index as usize].next;
                let e = &mut self.entries[index as usize];
                if level == 0 && e.deadline <= start {
                    e.prev = DUE;
                    let seq = self.seqs.full(index, e.seq);
                    self.due.push((index, seq));
                } else {
                    self.file(index);
                }
                index = next;
            }
            if !self.due.is_sorted_by_key(|&(_, seq)| seq) {
                self.due.sort_unstable_by_key(|&(_, seq)| seq);
            }
        }
    }

    /// Whether a timer may be due at or before `now`: cheap and conservative
    /// (a slot to cascade, or a slot of stale lazily-reset entries, also says yes).
    pub fn maybe_due(&self, now: u64) -> bool {
        self.due_at < self.due.len() || self.next_expiration().is_some_and(|(_, _, start)| start <= now)
    }

    /// The earliest deadline of any armed timer, exact despite lazy resets.
    pub fn next_deadline(&mut self) -> Option<u64> {
        let earliest = match self.earliest {
            Earliest::Unknown => self.find_earliest(),
            known => {
                debug_assert!(self.check_earliest().is_ok(), "{:?}", self.check_earliest());
                known
            }
        };
        self.earliest = earliest;
        match earliest {
            Earliest::At { deadline, .. } => Some(deadline),
            _ => None,
        }
    }

    /// Whether the kept earliest deadline agrees with a search (invariant checks).
    pub fn check_earliest(&self) -> Result<(), String> {
        match self.earliest {
            Earliest::Unknown => Ok(()),
            kept if kept == self.find_earliest() => Ok(()),
            kept => Err(format!("the wheel kept {kept:?} as its earliest, a search finds {:?}", self.find_earliest())),
        }
    }

    fn added(&mut self, deadline: u64) {
        self.earliest = match self.earliest {
            Earliest::NoTimers => Earliest::At { deadline, timers: 1 },
            Earliest::At { deadline: d, .. } if deadline < d => Earliest::At { deadline, timers: 1 },
            Earliest::At { deadline: d, timers } if deadline == d => Earliest::At { deadline, timers: timers + 1 },
            other => other,
        };
    }

    fn removed(&mut self, deadline: u64) {
        if let Earliest::At { deadline: d, timers } = self.earliest {
            debug_assert!(deadline >= d, "no timer is due before the earliest");
            if deadline == d {
                let left = timers - 1;
                self.earliest = if left == 0 { Earliest::Unknown } else { Earliest::At { deadline, timers: left } };
            }
        }
    }

    fn moved(&mut self, from: u64, to: u64) {
        self.removed(from);
        self.added(to);
    }

    /// The earliest deadline the long way, with how many timers share it:
    /// every entry of every slot that starts no later than it.
    fn find_earliest(&self) -> Earliest {
        let mut best: Option<(u64, usize)> = None;
        let consider = |best: &mut Option<(u64, usize)>, deadline: u64| {
            *best = match *best {
                Some((b, n)) if deadline == b => Some((b, n + 1)),
                Some((b, n)) if deadline > b => Some((b, n)),
                _ => Some((deadline, 1)),
            };
        };
        // Entries of the batch being fired; a postponed one may be due later.
        for &(i, _) in &self.due[self.due_at..] {
            let e = &self.entries[i as usize];
            if e.is_due() {
                consider(&mut best, e.deadline);
            }
        }
        for level in 0..LEVELS {
            let current = self.current_slot(level);
            let mut mask = self.occupied[level].rotate_right(current as u32);
            while mask != 0 {
                let offset = mask.trailing_zeros() as usize;
                mask &= mask - 1;
                let slot = (current + offset) % SLOTS;
                // A timer is filed at or before its deadline's slot (later
                // only through lazy resets), so no later slot holds one due
                // at the best deadline found.
                if best.is_some_and(|(b, _)| self.slot_start(level, slot) > b) {
                    break;
                }
                let mut index = self.heads[level * SLOTS + slot];
                while index < END {
                    let e = &self.entries[index as usize];
                    consider(&mut best, e.deadline);
                    index = e.next;
                }
            }
        }
        best.map_or(Earliest::NoTimers, |(deadline, timers)| Earliest::At { deadline, timers })
    }

    /// Every live timer as (key, deadline, seq, payload), in no particular order.
    pub fn iter(&self) -> impl Iterator<Item = (TimerKey, u64, u64, T)> + '_ {
        self.entries.iter().enumerate().filter(|(_, e)| !e.is_free()).map(|(i, e)| {
            let index = i as u32;
            (TimerKey { index, generation: e.generation }, e.deadline, self.seqs.full(index, e.seq), e.payload)
        })
    }

    /// Makes the next armed timer get at least `seq` (restoring a snapshot).
    pub fn continue_seq_from(&mut self, seq: u64) {
        self.next_seq = self.next_seq.max(seq);
    }

    /// Seq the next armed timer gets.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    fn current_slot(&self, level: usize) -> usize {
        ((self.elapsed >> (SLOT_BITS * level as u32)) & SLOT_MASK) as usize
    }

    /// When `slot` of `level` comes due, seen from `elapsed`. Only the top
    /// level wraps: a slot behind the current one there belongs to the next block.
    fn slot_start(&self, level: usize, slot: usize) -> u64 {
        let block = self.elapsed & !(level_span(level) - 1);
        let start = block + slot as u64 * slot_span(level);
        if slot < self.current_slot(level) {
            start + level_span(level)
        } else {
            start
        }
    }

    /// The first occupied slot of the lowest occupied level: everything in a
    /// lower level comes due before anything in a higher one.
    fn next_expiration(&self) -> Option<(usize, usize, u64)> {
        let level = (0..LEVELS).find(|&l| self.occupied[l] != 0)?;
        let current = self.current_slot(level);
        let offset = self.occupied[level].rotate_right(current as u32).trailing_zeros() as usize;
        let slot = (current + offset) % SLOTS;
        Some((level, slot, self.slot_start(level, slot)))
    }

    fn file(&mut self, index: u32) {
        let deadline = self.entries[index as usize].deadline;
        let when = deadline.clamp(self.elapsed, self.elapsed + (MAX_SPAN - 1));
        let (level, slot) = position(self.elapsed, when);
        let at = level * SLOTS + slot;
        let end = END + at as u32;
        let tail = self.tails[at];
        {
            let e = &mut self.entries[index as usize];
            e.prev = if tail == NIL { end } else { tail };
            e.next = end;
        }
        if tail == NIL {
            self.heads[at] = index;
        } else {
            self.entries[tail as usize].next = index;
        }
        self.tails[at] = index;
        self.occupied[level] |= 1 << slot;
    }

    /// Takes a filed entry out of its slot list; a list's end names the
    /// slot, so the slot is found where its head or tail must change.
    fn unlink(&mut self, index: u32) {
        let (prev, next) = {
            let e = &self.entries[index as usize];
            (e.prev, e.next)
        };
        debug_assert!(prev < DUE && next < DUE, "only a filed entry is unlinked");
        match (prev < END, next < END) {
            (true, true) => {
                self.entries[prev as usize].next = next;
                self.entries[next as usize].prev = prev;
            }
            (true, false) => {
                self.entries[prev as usize].next = next;
                self.tails[(next - END) as usize] = prev;
            }
            (false, true) => {
                self.entries[next as usize].prev = prev;
                self.heads[(prev - END) as usize] = next;
            }
            (false, false) => {
                let at = (prev - END) as usize;
                self.heads[at] = NIL;
                self.tails[at] = NIL;
                self.occupied[at / SLOTS] &= !(1 << (at % SLOTS));
            }
        }
    }

    /// Empties a slot and returns the head of its former list.
    fn take_slot(&mut self, at: usize) -> u32 {
        let head = self.heads[at];
        self.heads[at] = NIL;
        self.tails[at] = NIL;
        self.occupied[at / SLOTS] &= !(1 << (at % SLOTS));
        head
    }

    fn release(&mut self, index: u32) {
        let e = &mut self.entries[index as usize];
        e.prev = FREE;
        e.generation = e.generation.checked_add(1).unwrap_or(NonZeroU32::MIN);
        e.next = self.free;
        self.free = index;
        self.seqs.release(index);
        self.len -= 1;
    }
}

#[cfg(test)]
mod tests;
