//! [`StorageRegistry`] and [`storages`]: backends by key, as Python's `storages`.

use super::{StorageBackend, StorageError};
use std::collections::HashMap;
use std::sync::{LazyLock, RwLock, RwLockReadGuard, RwLockWriteGuard};

/// The process-wide storage registry: Python's `advanced_alchemy.types.file_object.storages`.
///
/// Register every backend at startup, under the key the rows store; a file object finds
/// its backend here by that key whenever it reads, uploads or deletes content.
///
/// ```
/// use advanced_alchemy::types::file_object::{StorageBackend, storages};
///
/// storages().register(StorageBackend::memory("registry-doc"));
/// assert!(storages().is_registered("registry-doc"));
/// assert!(storages().registered_backends().contains(&"registry-doc".to_owned()));
/// ```
pub fn storages() -> &'static StorageRegistry {
    static REGISTRY: LazyLock<StorageRegistry> = LazyLock::new(|| StorageRegistry {
        backends: RwLock::new(HashMap::new()),
    });
    &REGISTRY
}

/// Storage backends by key (see [`storages`]). Cheap to read from many tasks at once.
pub struct StorageRegistry {
    backends: RwLock<HashMap<String, StorageBackend>>,
}

impl std::fmt::Debug for StorageRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageRegistry")
            .field("backends", &self.registered_backends())
            .finish()
    }
}

impl StorageRegistry {
    /// Registers `backend` under its key, replacing (and returning) any backend
    /// registered under that key before.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::{StorageBackend, storages};
    ///
    /// assert!(storages().register(StorageBackend::memory("replaced-doc")).is_none());
    /// assert!(storages().register(StorageBackend::memory("replaced-doc")).is_some());
    /// ```
    pub fn register(&self, backend: StorageBackend) -> Option<StorageBackend> {
        self.write().insert(backend.key().to_owned(), backend)
    }

    /// Registers the store `url` names under `key` (see [`StorageBackend::from_url`]):
    /// Python's `storages.register_backend("file:///tmp/", key="documents")`.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::storages;
    ///
    /// storages().register_url("url-doc", "memory:///")?;
    /// assert_eq!(storages().get("url-doc")?.protocol(), "memory");
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn register_url(&self, key: impl Into<String>, url: &str) -> crate::Result<()> {
        self.register(StorageBackend::from_url(key, url)?);
        Ok(())
    }

    /// The backend registered under `key`, or [`StorageError::UnknownBackend`].
    ///
    /// ```
    /// use advanced_alchemy::{Error, types::file_object::{StorageError, storages}};
    ///
    /// let err = storages().get("never-registered").unwrap_err();
    /// assert!(matches!(err, Error::Storage(StorageError::UnknownBackend { key }) if key == "never-registered"));
    /// ```
    pub fn get(&self, key: &str) -> crate::Result<StorageBackend> {
        self.read().get(key).cloned().ok_or_else(|| {
            StorageError::UnknownBackend {
                key: key.to_owned(),
            }
            .into()
        })
    }

    /// Whether a backend is registered under `key`.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::storages;
    /// assert!(!storages().is_registered("nothing-here"));
    /// ```
    pub fn is_registered(&self, key: &str) -> bool {
        self.read().contains_key(key)
    }

    /// Removes the backend registered under `key` and returns it. Rows naming it can no
    /// longer reach their content until a backend is registered under the key again.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::{StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("temporary-doc"));
    /// assert!(storages().unregister("temporary-doc").is_some());
    /// assert!(!storages().is_registered("temporary-doc"));
    /// ```
    pub fn unregister(&self, key: &str) -> Option<StorageBackend> {
        self.write().remove(key)
    }

    /// The registered keys, sorted.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::{StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("listed-doc"));
    /// let keys = storages().registered_backends();
    /// assert!(keys.windows(2).all(|w| w[0] <= w[1]));
    /// ```
    pub fn registered_backends(&self) -> Vec<String> {
        let mut keys: Vec<String> = self.read().keys().cloned().collect();
        keys.sort();
        keys
    }

    // A poisoned lock means a panic while inserting or removing one entry: the map is
    // still consistent, so recover it.
    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, StorageBackend>> {
        self.backends
            .read()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, StorageBackend>> {
        self.backends
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}
