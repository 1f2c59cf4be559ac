//! Entity sets stored once per distinct value: events whose entities are equal share one
//! [`Arc`], wherever they sit in the file.
//!
//! A file of 100k events typically holds a few hundred distinct sets (the same component, host
//! or request path over and over, not only on neighbouring lines), so one record per event cost
//! more memory than the events themselves. Two sets are the same value when every field is equal
//! and every duration has the same bits, so sharing never changes what a reader sees.

use super::Entities;
use crate::hash::{FxHashSet, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::Arc;

/// The distinct entity sets seen so far.
#[derive(Default)]
pub(crate) struct Sets {
    seen: FxHashSet<Key>,
}

impl Sets {
    /// The stored set equal to `e`, storing `e` when it is the first of its value.
    pub(crate) fn share(&mut self, e: Arc<Entities>) -> Arc<Entities> {
        let key = Key(e);
        match self.seen.get(&key) {
            Some(found) => Arc::clone(&found.0),
            None => {
                let e = Arc::clone(&key.0);
                self.seen.insert(key);
                e
            }
        }
    }
}

/// A set compared and hashed by value.
#[derive(Clone)]
struct Key(Arc<Entities>);

impl PartialEq for Key {
    fn eq(&self, other: &Key) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || same(&self.0, &other.0)
    }
}

impl Eq for Key {}

impl Hash for Key {
    fn hash<H: Hasher>(&self, h: &mut H) {
        let mut fx = FxHasher::default();
        write(&self.0, &mut fx);
        h.write_u64(fx.finish());
    }
}

/// Every field equal, durations by their bits (so `0.0` and `-0.0` stay apart, and the relation
/// is an equivalence even for a NaN).
pub(crate) fn same(a: &Entities, b: &Entities) -> bool {
    a.texts() == b.texts()
        && a.http_status == b.http_status
        && a.durations_ms.len() == b.durations_ms.len()
        && a.durations_ms
            .iter()
            .zip(&b.durations_ms)
            .all(|(x, y)| x.to_bits() == y.to_bits())
        && a.mentions == b.mentions
}

/// Feeds every field to `h`, consistent with [`same`].
fn write(e: &Entities, h: &mut FxHasher) {
    e.texts().hash(h);
    e.http_status.hash(h);
    h.write_usize(e.durations_ms.len());
    for d in &e.durations_ms {
        h.write_u64(d.to_bits());
    }
    e.mentions.hash(h);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(component: &str, ms: &[f64]) -> Entities {
        Entities {
            component: Some(component.into()),
            durations_ms: ms.to_vec(),
            ..Entities::default()
        }
    }

    #[test]
    fn equal_sets_share_one_record_wherever_they_come() {
        let mut sets = Sets::default();
        let a = sets.share(Arc::new(set("db", &[1.5])));
        let b = sets.share(Arc::new(set("web", &[])));
        let c = sets.share(Arc::new(set("db", &[1.5])));
        assert!(Arc::ptr_eq(&a, &c));
        assert!(!Arc::ptr_eq(&a, &b));
        assert_eq!(*c, set("db", &[1.5]));
    }

    #[test]
    fn sets_differing_in_one_field_or_a_durations_bits_stay_apart() {
        let mut sets = Sets::default();
        let a = sets.share(Arc::new(set("db", &[0.0])));
        let b = sets.share(Arc::new(set("db", &[-0.0])));
        assert!(!Arc::ptr_eq(&a, &b));
        let mut other = set("db", &[0.0]);
        other.mentions.push("cache".into());
        let c = sets.share(Arc::new(other));
        assert!(!Arc::ptr_eq(&a, &c));
        let mut status = set("db", &[0.0]);
        status.http_status = Some(503);
        assert!(!same(&status, &a));
        assert!(same(&a, &set("db", &[0.0])));
    }
}
