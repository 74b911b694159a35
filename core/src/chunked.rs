//! A growable array in fixed chunks, for the slabs of records and timers.
//!
//! A `Vec` doubles: at 10M records it holds 2^24 slots (1.7x what is used)
//! and, while it grows, the old buffer and the new one at once. Chunks of
//! [`CHUNK`] elements never move and waste at most one chunk; an element
//! costs one more load (its chunk's address, from a table small enough to
//! stay in cache).

use std::ops::{Index, IndexMut};

const CHUNK_BITS: u32 = 12;
/// Elements per chunk.
pub const CHUNK: usize = 1 << CHUNK_BITS;

#[derive(Debug, Clone)]
pub struct ChunkedVec<T> {
    chunks: Vec<Vec<T>>,
    len: usize,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec { chunks: Vec::new(), len: 0 }
    }
}

impl<T> ChunkedVec<T> {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn push(&mut self, value: T) {
        if self.len.is_multiple_of(CHUNK) {
            self.chunks.push(Vec::with_capacity(CHUNK));
        }
        self.chunks.last_mut().expect("a chunk with room").push(value);
        self.len += 1;
    }

    pub fn get(&self, index: usize) -> Option<&T> {
        self.chunks.get(index >> CHUNK_BITS).and_then(|c| c.get(index & (CHUNK - 1)))
    }

    /// Where element `index` lives, or would, without reading it (prefetching).
    pub fn address(&self, index: usize) -> *const T {
        match self.chunks.get(index >> CHUNK_BITS) {
            Some(chunk) => chunk.as_ptr().wrapping_add(index & (CHUNK - 1)),
            None => std::ptr::null(),
        }
    }

    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.chunks.iter().flatten()
    }
}

impl<T> Index<usize> for ChunkedVec<T> {
    type Output = T;

    #[inline]
    fn index(&self, index: usize) -> &T {
        assert!(index < self.len, "index {index} out of {}", self.len);
        // SAFETY: every chunk but the last holds CHUNK elements and the last
        // holds the rest, so `index < len` names a live element. One check
        // instead of two: records are reached many times per command.
        unsafe { self.chunks.get_unchecked(index >> CHUNK_BITS).get_unchecked(index & (CHUNK - 1)) }
    }
}

impl<T> IndexMut<usize> for ChunkedVec<T> {
    #[inline]
    fn index_mut(&mut self, index: usize) -> &mut T {
        assert!(index < self.len, "index {index} out of {}", self.len);
        // SAFETY: as in `index`.
        unsafe { self.chunks.get_unchecked_mut(index >> CHUNK_BITS).get_unchecked_mut(index & (CHUNK - 1)) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_across_chunks() {
        let mut v = ChunkedVec::default();
        for i in 0..3 * CHUNK + 5 {
            v.push(i);
        }
        assert_eq!(v.len(), 3 * CHUNK + 5);
        assert_eq!((v[0], v[CHUNK - 1], v[CHUNK], v[3 * CHUNK + 4]), (0, CHUNK - 1, CHUNK, 3 * CHUNK + 4));
        v[CHUNK] = 7;
        assert_eq!(v.get(CHUNK), Some(&7));
        assert_eq!(v.get(3 * CHUNK + 5), None);
        assert!(v.iter().copied().eq((0..3 * CHUNK + 5).map(|i| if i == CHUNK { 7 } else { i })));
        assert!(v.address(4 * CHUNK).is_null());
    }
}
