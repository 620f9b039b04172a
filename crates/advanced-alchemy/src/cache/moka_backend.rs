//! The in-process [`CacheBackend`]: moka for values (bounded, per-entry TTL), a plain map
//! for version tokens (never evicted).

use super::CacheBackend;
use moka::Expiry;
use sea_orm::prelude::async_trait::async_trait;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The in-process backend of [`Cache::in_memory`](super::Cache::in_memory): values in a
/// moka cache bounded to `max_entries`, each expiring after the TTL it was stored with.
///
/// ```
/// use advanced_alchemy::cache::{Cache, CacheConfig, MokaBackend};
/// let cache = Cache::new(MokaBackend::new(1_000), CacheConfig::default());
/// # let _ = cache;
/// ```
pub struct MokaBackend {
    values: moka::sync::Cache<String, Entry>,
    versions: Mutex<HashMap<String, u64>>,
}

#[derive(Clone)]
struct Entry {
    bytes: Arc<[u8]>,
    ttl: Duration,
}

struct PerEntryTtl;

impl Expiry<String, Entry> for PerEntryTtl {
    fn expire_after_create(&self, _key: &String, value: &Entry, _now: Instant) -> Option<Duration> {
        Some(value.ttl)
    }
}

impl MokaBackend {
    /// At most `max_entries` values.
    pub fn new(max_entries: u64) -> Self {
        Self {
            values: moka::sync::Cache::builder()
                .max_capacity(max_entries)
                .expire_after(PerEntryTtl)
                .build(),
            versions: Mutex::default(),
        }
    }
}

#[async_trait]
impl CacheBackend for MokaBackend {
    async fn get(&self, key: &str) -> Option<Vec<u8>> {
        self.values.get(key).map(|e| e.bytes.to_vec())
    }

    async fn set(&self, key: &str, value: Vec<u8>, ttl: Duration) {
        self.values.insert(
            key.to_owned(),
            Entry {
                bytes: value.into(),
                ttl,
            },
        );
    }

    async fn version(&self, name: &str) -> u64 {
        self.versions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(name)
            .copied()
            .unwrap_or(0)
    }

    async fn bump(&self, name: &str) {
        *self
            .versions
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .entry(name.to_owned())
            .or_default() += 1;
    }
}
