//! A fixed-length bitset over volunteer indices: the gates become word-wide ANDs and ORs.

/// A set of indices `0..len`, 64 per word.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitset {
    words: Vec<u64>,
    len: usize,
}

impl Bitset {
    /// The empty set over `0..len`.
    pub fn empty(len: usize) -> Self {
        Self {
            words: vec![0; len.div_ceil(64)],
            len,
        }
    }

    /// The full set `0..len`.
    pub fn full(len: usize) -> Self {
        let mut set = Self {
            words: vec![u64::MAX; len.div_ceil(64)],
            len,
        };
        set.trim();
        set
    }

    /// Clears the bits past `len` in the last word.
    fn trim(&mut self) {
        let rest = self.len % 64;
        if rest != 0
            && let Some(last) = self.words.last_mut()
        {
            *last &= (1_u64 << rest) - 1;
        }
    }

    /// Adds `i` (ignored when out of range).
    pub fn insert(&mut self, i: usize) {
        if let Some(w) = self.words.get_mut(i / 64) {
            *w |= 1 << (i % 64);
        }
    }

    /// Removes `i`; returns whether it was present.
    pub fn remove(&mut self, i: usize) -> bool {
        match self.words.get_mut(i / 64) {
            Some(w) => {
                let bit = 1 << (i % 64);
                let was = *w & bit != 0;
                *w &= !bit;
                was
            }
            None => false,
        }
    }

    /// Whether `i` is in the set.
    #[inline]
    pub fn contains(&self, i: usize) -> bool {
        self.words.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
    }

    /// Number of members.
    pub fn count(&self) -> usize {
        self.words.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// `self ∩= other`; returns the number of members left.
    pub fn and_with(&mut self, other: &Self) -> usize {
        let mut n = 0;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= b;
            n += a.count_ones() as usize;
        }
        n
    }

    /// `self ∖= other`; returns the number of members left.
    pub fn and_not_with(&mut self, other: &Self) -> usize {
        let mut n = 0;
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a &= !b;
            n += a.count_ones() as usize;
        }
        n
    }

    /// `self ∪= other`.
    pub fn or_with(&mut self, other: &Self) {
        for (a, b) in self.words.iter_mut().zip(&other.words) {
            *a |= b;
        }
    }

    /// Makes this the empty set.
    pub fn clear(&mut self) {
        self.words.fill(0);
    }

    /// The members in increasing order.
    pub fn iter(&self) -> impl Iterator<Item = usize> + '_ {
        self.words.iter().enumerate().flat_map(|(i, &w)| {
            let mut word = w;
            std::iter::from_fn(move || {
                if word == 0 {
                    return None;
                }
                let bit = word.trailing_zeros() as usize;
                word &= word - 1;
                Some(i * 64 + bit)
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_operations_match_their_definitions() {
        let mut a = Bitset::full(130);
        assert_eq!(a.count(), 130);
        let mut b = Bitset::empty(130);
        for i in [0, 63, 64, 129, 500] {
            b.insert(i);
        }
        assert_eq!(b.iter().collect::<Vec<_>>(), vec![0, 63, 64, 129]);
        assert_eq!(a.and_not_with(&b), 126);
        assert!(!a.contains(64) && a.contains(65));
        assert_eq!(a.and_with(&b), 0);
        a.or_with(&b);
        assert_eq!(a.count(), 4);
        assert!(a.remove(63) && !a.remove(63));
        a.clear();
        assert_eq!(a.count(), 0);
        assert_eq!(Bitset::full(0).count(), 0);
        assert_eq!(Bitset::full(64).count(), 64);
    }
}
