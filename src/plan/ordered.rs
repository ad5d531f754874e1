//! [`OrderedMap`]: a small string-keyed map that keeps insertion order.
//!
//! Plans are read by people: `_config` keys and flags keep the order the plan (or plan file)
//! gives them, so an overlay lists `deployment_mode` before the replica counts exactly as the
//! procedure does. `serde_json`'s default map sorts its keys, hence this type.

use std::collections::hash_map::RandomState;
use std::fmt;
use std::hash::BuildHasher;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::{MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A map from `String` keys to values that iterates in insertion order.
///
/// Updating an existing key keeps its position; removing and re-inserting a key moves it to the
/// end. Lookups and inserts hash the key once (an [`IndexMap`]), so a plan file with a hundred
/// thousand keys loads in linear time. `S` is the hasher (std's by default). Two maps are equal
/// when they hold the same entries in the same order.
///
/// Deserializing rejects a key given twice (`duplicate key 'x'`): JSON would otherwise keep
/// the last one silently, and a plan that sets a key twice is a mistake.
#[derive(Clone)]
pub struct OrderedMap<V, S = RandomState> {
    entries: IndexMap<String, V, S>,
}

impl<V, S: Default> Default for OrderedMap<V, S> {
    fn default() -> Self {
        Self {
            entries: IndexMap::default(),
        }
    }
}

impl<V: fmt::Debug, S> fmt::Debug for OrderedMap<V, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.entries.iter()).finish()
    }
}

impl<V: PartialEq, S> PartialEq for OrderedMap<V, S> {
    fn eq(&self, other: &Self) -> bool {
        self.entries.len() == other.entries.len() && self.entries.iter().eq(other.entries.iter())
    }
}

impl<V: Eq, S> Eq for OrderedMap<V, S> {}

impl<V> OrderedMap<V> {
    /// An empty map.
    pub fn new() -> Self {
        Self::default()
    }
}

impl<V, S: BuildHasher> OrderedMap<V, S> {
    /// An empty map hashing with `hasher`.
    pub fn with_hasher(hasher: S) -> Self {
        Self {
            entries: IndexMap::with_hasher(hasher),
        }
    }

    /// Number of entries.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether the map has no entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The value for `key`, if any.
    pub fn get(&self, key: &str) -> Option<&V> {
        self.entries.get(key)
    }

    /// A mutable reference to the value for `key`, if any.
    pub fn get_mut(&mut self, key: &str) -> Option<&mut V> {
        self.entries.get_mut(key)
    }

    /// Whether `key` is present.
    pub fn contains_key(&self, key: &str) -> bool {
        self.entries.contains_key(key)
    }

    /// Set `key` to `value`: updated in place if present, appended otherwise. Returns the old
    /// value.
    pub fn insert(&mut self, key: impl Into<String>, value: V) -> Option<V> {
        self.entries.insert(key.into(), value)
    }

    /// Remove `key`, returning its value (the entries after it move up one place).
    pub fn remove(&mut self, key: &str) -> Option<V> {
        self.entries.shift_remove(key)
    }

    /// Keep only the entries for which `keep` returns true.
    pub fn retain(&mut self, mut keep: impl FnMut(&str, &V) -> bool) {
        self.entries.retain(|k, v| keep(k, v));
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &V)> {
        self.entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The keys in order.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.entries.keys().map(String::as_str)
    }

    /// The values in order.
    pub fn values(&self) -> impl Iterator<Item = &V> {
        self.entries.values()
    }
}

impl<K: Into<String>, V, S: BuildHasher + Default> FromIterator<(K, V)> for OrderedMap<V, S> {
    fn from_iter<T: IntoIterator<Item = (K, V)>>(iter: T) -> Self {
        let mut map = Self::default();
        for (k, v) in iter {
            map.insert(k, v);
        }
        map
    }
}

impl<V: Serialize, S> Serialize for OrderedMap<V, S> {
    fn serialize<Ser: Serializer>(&self, serializer: Ser) -> Result<Ser::Ok, Ser::Error> {
        let mut map = serializer.serialize_map(Some(self.entries.len()))?;
        for (k, v) in &self.entries {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

impl<'de, V: Deserialize<'de>, S: BuildHasher + Default> Deserialize<'de> for OrderedMap<V, S> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct MapVisitor<V, S>(PhantomData<(V, S)>);

        impl<'de, V: Deserialize<'de>, S: BuildHasher + Default> Visitor<'de> for MapVisitor<V, S> {
            type Value = OrderedMap<V, S>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                let mut map = OrderedMap::<V, S>::default();
                while let Some(key) = access.next_key::<String>()? {
                    match map.entries.entry(key) {
                        indexmap::map::Entry::Occupied(e) => {
                            return Err(serde::de::Error::custom(format_args!(
                                "duplicate key '{}'",
                                e.key()
                            )));
                        }
                        indexmap::map::Entry::Vacant(e) => {
                            e.insert(access.next_value::<V>()?);
                        }
                    }
                }
                Ok(map)
            }
        }

        deserializer.deserialize_map(MapVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_insertion_order_and_updates_in_place() {
        let mut map = OrderedMap::new();
        map.insert("b", 1);
        map.insert("a", 2);
        assert_eq!(map.insert("b", 3), Some(1));
        assert_eq!(map.iter().collect::<Vec<_>>(), vec![("b", &3), ("a", &2)]);
        assert_eq!(map.remove("b"), Some(3));
        map.insert("b", 4);
        assert_eq!(map.keys().collect::<Vec<_>>(), vec!["a", "b"]);
    }

    #[test]
    fn serde_round_trip_keeps_order() {
        let map: OrderedMap<i32> = serde_json::from_str(r#"{"z": 1, "a": 2, "m": 3}"#).unwrap();
        assert_eq!(map.keys().collect::<Vec<_>>(), vec!["z", "a", "m"]);
        assert_eq!(
            serde_json::to_string(&map).unwrap(),
            r#"{"z":1,"a":2,"m":3}"#
        );
    }
}
