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

    /// Makes room for a new index `i` (`i ≤ len`): the set grows by one, the
    /// members at `i` or beyond move up by one, and `i` is not a member.
    pub fn open_at(&mut self, i: usize) {
        let i = i.min(self.len);
        self.len += 1;
        if self.words.len() < self.len.div_ceil(64) {
            self.words.push(0);
        }
        let (w, b) = (i / 64, i % 64);
        for k in (w + 1..self.words.len()).rev() {
            self.words[k] = (self.words[k] << 1) | (self.words[k - 1] >> 63);
        }
        let below = below(b);
        let word = self.words[w];
        self.words[w] = (word & below) | ((word & !below) << 1);
    }

    /// Takes index `i` out (`i < len`): the set shrinks by one, and the
    /// members beyond `i` move down by one.
    pub fn close_at(&mut self, i: usize) {
        if i >= self.len {
            return;
        }
        let (w, b) = (i / 64, i % 64);
        let word = self.words[w];
        let above = word & !below(b + 1);
        self.words[w] = (word & below(b)) | (above >> 1);
        for k in w..self.words.len() {
            let carry = self.words.get(k + 1).map_or(0, |next| next & 1);
            if k > w {
                self.words[k] >>= 1;
            }
            self.words[k] |= carry << 63;
        }
        self.len -= 1;
        self.words.truncate(self.len.div_ceil(64));
        self.trim();
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

/// The bits below bit `b` of a word (all of them from 64 on).
fn below(b: usize) -> u64 {
    if b >= 64 { u64::MAX } else { (1_u64 << b) - 1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn opening_and_closing_an_index_moves_the_members_after_it(
            members in proptest::collection::vec(any::<bool>(), 0..200),
            at in 0_usize..201,
            open in any::<bool>(),
        ) {
            let mut set = Bitset::empty(members.len());
            for (i, _) in members.iter().enumerate().filter(|(_, m)| **m) {
                set.insert(i);
            }
            let mut model = members.clone();
            if open {
                let at = at.min(model.len());
                model.insert(at, false);
                set.open_at(at);
            } else if at < model.len() {
                model.remove(at);
                set.close_at(at);
            }
            let mut expected = Bitset::empty(model.len());
            for (i, _) in model.iter().enumerate().filter(|(_, m)| **m) {
                expected.insert(i);
            }
            prop_assert_eq!(set, expected);
        }
    }

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
