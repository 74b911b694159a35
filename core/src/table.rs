//! Every conversation the engine remembers: a slab addressed by `u32` slot
//! numbers (what timers and agents hold), and the index from id to slot.
//!
//! The index stores slot numbers only. Hashing and comparing go through the
//! record's own id, so an id is stored once, and the compare of a lookup reads
//! the record that the caller reads next anyway: at a million conversations a
//! message costs the index's cache lines and the record's, nothing else.

use std::hash::BuildHasher;

use hashbrown::HashTable;

use crate::conversation::Conversation;
use crate::dense::DenseVec;
use crate::id::IdHasher;

#[derive(Debug, Default, Clone)]
pub struct ConversationTable {
    slots: DenseVec<Option<Conversation>>,
    free: Vec<u32>,
    index: HashTable<u32>,
    hasher: IdHasher,
}

impl ConversationTable {
    /// Number of conversations held.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    /// The slot of the conversation with this id.
    pub fn find(&self, id: &str) -> Option<u32> {
        let hash = self.hasher.hash_one(id);
        self.index.find(hash, |&slot| self.get(slot).id == id).copied()
    }

    /// Starts loading the record of this id into the cache and returns
    /// without waiting for it (only the index is read). See `Engine::prefetch`.
    pub fn prefetch(&self, id: &str) {
        let hash = self.hasher.hash_one(id);
        // A candidate whose hash tag matches is prefetched without comparing
        // ids, which would wait; a wrong guess (1 in 128) costs a wasted load.
        self.index.find(hash, |&slot| {
            prefetch_bytes(self.slots.as_ptr().wrapping_add(slot as usize).cast(), size_of::<Conversation>());
            true
        });
    }

    pub fn contains(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// The conversation in a slot that holds one; an empty slot is a bug of the caller.
    pub fn get(&self, slot: u32) -> &Conversation {
        self.slots[slot as usize].as_ref().expect("a live slot")
    }

    pub fn get_mut(&mut self, slot: u32) -> &mut Conversation {
        self.slots[slot as usize].as_mut().expect("a live slot")
    }

    /// Adds a conversation whose id is not held yet; returns its slot.
    pub fn insert(&mut self, conversation: Conversation) -> u32 {
        debug_assert!(!self.contains(&conversation.id), "ids are checked for duplicates before insert");
        let hash = self.hasher.hash_one(conversation.id.as_str());
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(conversation);
                slot
            }
            None => {
                assert!(self.slots.len() < u32::MAX as usize, "more than 2^32 - 1 conversations");
                self.slots.push(Some(conversation));
                (self.slots.len() - 1) as u32
            }
        };
        let (slots, hasher) = (&self.slots, &self.hasher);
        let rehash =
            |&s: &u32| hasher.hash_one(slots[s as usize].as_ref().expect("indexed slots are live").id.as_str());
        self.index.insert_unique(hash, slot, rehash);
        slot
    }

    /// Takes the conversation out of its slot, which a later insert reuses.
    pub fn remove(&mut self, slot: u32) -> Conversation {
        let hash = self.hasher.hash_one(self.get(slot).id.as_str());
        match self.index.find_entry(hash, |&s| s == slot) {
            Ok(entry) => {
                entry.remove();
            }
            Err(_) => unreachable!("every live slot is indexed"),
        }
        self.free.push(slot);
        self.slots[slot as usize].take().expect("a live slot")
    }

    /// Every conversation with its slot, in slot order.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Conversation)> {
        self.slots.iter().enumerate().filter_map(|(slot, c)| c.as_ref().map(|c| (slot as u32, c)))
    }
}

/// Asks the CPU to start loading `bytes` bytes at `start` into the cache; a
/// hint only, with no effect on what the program computes.
#[inline]
fn prefetch_bytes(start: *const u8, bytes: usize) {
    #[cfg(target_arch = "x86_64")]
    for line in (0..bytes).step_by(64) {
        use core::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: PREFETCHT0 never faults and changes no architectural state,
        // whatever the address; `wrapping_add` computes it without any claim
        // that it stays inside an allocation. SSE is part of every x86_64 CPU.
        unsafe { _mm_prefetch::<_MM_HINT_T0>(start.wrapping_add(line).cast()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = (start, bytes);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::conversation::Participant;
    use crate::vocab::{Role, State};

    fn conversation(id: &str) -> Conversation {
        let customer = Participant::new(format!("{id}-customer").into(), Role::Customer, None);
        Conversation::new(id.into(), 0, customer, None, Default::default())
    }

    #[test]
    fn finds_reuses_slots_and_forgets() {
        let mut table = ConversationTable::default();
        let long = "x".repeat(200);
        let a = table.insert(conversation("a"));
        let b = table.insert(conversation(&long));
        assert_eq!((table.find("a"), table.find(&long), table.find("c")), (Some(a), Some(b), None));
        assert_eq!(table.remove(a).id, "a");
        assert_eq!(table.find("a"), None);
        let c = table.insert(conversation("c"));
        assert_eq!(c, a, "a freed slot is reused");
        assert_eq!(table.get(c).state, State::Open);
        assert_eq!(table.iter().map(|(s, c)| (s, c.id.to_string())).collect::<Vec<_>>(), [(c, "c".into()), (b, long)]);
        assert_eq!(table.len(), 2);
    }

    #[test]
    fn survives_growth() {
        let mut table = ConversationTable::default();
        let slots: Vec<u32> = (0..10_000).map(|i| table.insert(conversation(&format!("conv-{i}")))).collect();
        for (i, &slot) in slots.iter().enumerate().step_by(3) {
            assert_eq!(table.remove(slot).id, format!("conv-{i}"));
        }
        for (i, &slot) in slots.iter().enumerate() {
            let expected = (i % 3 != 0).then_some(slot);
            assert_eq!(table.find(&format!("conv-{i}")), expected, "conv-{i}");
        }
    }
}
