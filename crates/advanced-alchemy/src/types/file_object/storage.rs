//! [`StorageBackend`]: an object store under the key file objects name it by.

use super::StorageError;
use object_store::ObjectStore;
use std::sync::Arc;

/// An [`object_store`] store registered under a key: Python's `StorageBackend` (its
/// `ObstoreBackend`, which wraps the same Rust crate). The key is what a
/// [`FileObject`](super::FileObject) stores in its `backend` field, so the Python and Rust
/// sides of one database must register their stores under the same keys.
///
/// Built-in constructors: [`memory`](Self::memory), [`local`](Self::local),
/// [`from_url`](Self::from_url), [`s3`](Self::s3) (feature `s3`); [`new`](Self::new)
/// takes any other [`ObjectStore`].
///
/// ```
/// use advanced_alchemy::types::file_object::{StorageBackend, storages};
///
/// storages().register(StorageBackend::memory("avatars"));
/// let backend = storages().get("avatars")?;
/// assert_eq!((backend.key(), backend.protocol()), ("avatars", "memory"));
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
#[derive(Clone)]
pub struct StorageBackend {
    key: String,
    protocol: String,
    store: Arc<dyn ObjectStore>,
}

impl std::fmt::Debug for StorageBackend {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StorageBackend")
            .field("key", &self.key)
            .field("protocol", &self.protocol)
            .field("store", &format_args!("{}", self.store))
            .finish()
    }
}

impl StorageBackend {
    /// Any object store, under `key`. `protocol` is informational (Python's
    /// `backend.protocol`: `"file"`, `"memory"`, `"s3"`, `"gcs"`, …), except that stores
    /// with protocol `"file"` get no object attributes (content type, metadata) on upload,
    /// as in Python, because the local filesystem cannot keep them.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use advanced_alchemy::types::file_object::StorageBackend;
    /// use object_store::{memory::InMemory, prefix::PrefixStore};
    ///
    /// let store = PrefixStore::new(InMemory::new(), "tenant-1");
    /// let backend = StorageBackend::new("tenant-1", "memory", Arc::new(store));
    /// assert_eq!(backend.protocol(), "memory");
    /// ```
    pub fn new(
        key: impl Into<String>,
        protocol: impl Into<String>,
        store: Arc<dyn ObjectStore>,
    ) -> Self {
        Self {
            key: key.into(),
            protocol: protocol.into(),
            store,
        }
    }

    /// A store in memory (object_store's `InMemory`), for tests and examples: its
    /// content lives as long as the backend (and its clones in the registry).
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::StorageBackend;
    /// assert_eq!(StorageBackend::memory("scratch").protocol(), "memory");
    /// ```
    pub fn memory(key: impl Into<String>) -> Self {
        Self::new(
            key,
            "memory",
            Arc::new(object_store::memory::InMemory::new()),
        )
    }

    /// A directory of the local filesystem (object_store's `LocalFileSystem`), created if
    /// missing. Object paths are relative to it and cannot leave it; directories left
    /// empty by a delete are removed.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::StorageBackend;
    ///
    /// let dir = std::env::temp_dir().join("aa-doc-local-backend");
    /// let backend = StorageBackend::local("uploads", &dir)?;
    /// assert_eq!(backend.protocol(), "file");
    /// assert!(dir.is_dir());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn local(key: impl Into<String>, dir: impl AsRef<std::path::Path>) -> crate::Result<Self> {
        let dir = dir.as_ref();
        let invalid = |reason: String| StorageError::InvalidPath {
            path: dir.display().to_string(),
            reason,
        };
        std::fs::create_dir_all(dir).map_err(|e| invalid(e.to_string()))?;
        let store = object_store::local::LocalFileSystem::new_with_prefix(dir)
            .map_err(|e| invalid(e.to_string()))?
            .with_automatic_cleanup(true);
        Ok(Self::new(key, "file", Arc::new(store)))
    }

    /// The store a URL names, as Python's `storages.register_backend("file:///tmp/",
    /// key="documents")` does: `memory:///`, `file:///absolute/dir/` and, with the `s3`
    /// feature, `s3://bucket/prefix` (credentials and region from the usual `AWS_*`
    /// environment variables). A path in the URL becomes a prefix of every object path.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::StorageBackend;
    ///
    /// let backend = StorageBackend::from_url("scratch", "memory:///")?;
    /// assert_eq!(backend.protocol(), "memory");
    /// assert!(StorageBackend::from_url("x", "not a url").is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn from_url(key: impl Into<String>, url: &str) -> crate::Result<Self> {
        let invalid = |reason: String| StorageError::InvalidUrl {
            url: url.to_owned(),
            reason,
        };
        let parsed = url::Url::parse(url).map_err(|e| invalid(e.to_string()))?;
        let options = if parsed.scheme() == "s3" || parsed.scheme() == "s3a" {
            environment_options("AWS_")
        } else {
            Vec::new()
        };
        let (store, prefix) =
            object_store::parse_url_opts(&parsed, options).map_err(|e| invalid(e.to_string()))?;
        let protocol = match parsed.scheme() {
            "s3a" => "s3".to_owned(),
            other => other.to_owned(),
        };
        let store: Arc<dyn ObjectStore> = if prefix.as_ref().is_empty() {
            Arc::from(store)
        } else {
            Arc::new(object_store::prefix::PrefixStore::new(store, prefix))
        };
        Ok(Self::new(key, protocol, store))
    }

    /// An S3 bucket, or any S3-compatible store (MinIO, R2, Ceph), from object_store's
    /// builder (feature `s3`).
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::StorageBackend;
    /// use object_store::aws::AmazonS3Builder;
    ///
    /// let backend = StorageBackend::s3(
    ///     "documents",
    ///     AmazonS3Builder::new()
    ///         .with_bucket_name("documents")
    ///         .with_region("us-east-1")
    ///         .with_endpoint("http://localhost:9000")   // an S3-compatible server
    ///         .with_allow_http(true)
    ///         .with_access_key_id("minio")
    ///         .with_secret_access_key("minio-secret"),
    /// )?;
    /// assert_eq!(backend.protocol(), "s3");
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    #[cfg(feature = "s3")]
    #[cfg_attr(docsrs, doc(cfg(feature = "s3")))]
    pub fn s3(
        key: impl Into<String>,
        builder: object_store::aws::AmazonS3Builder,
    ) -> crate::Result<Self> {
        let key = key.into();
        let store = builder.build().map_err(|e| StorageError::InvalidUrl {
            url: format!("s3 backend `{key}`"),
            reason: e.to_string(),
        })?;
        Ok(Self::new(key, "s3", Arc::new(store)))
    }

    /// The key the backend is registered under (and that rows store).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::StorageBackend;
    /// assert_eq!(StorageBackend::memory("k").key(), "k");
    /// ```
    pub fn key(&self) -> &str {
        &self.key
    }

    /// The kind of store: `"memory"`, `"file"`, `"s3"`, or what [`new`](Self::new) was given.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::StorageBackend;
    /// assert_eq!(StorageBackend::memory("k").protocol(), "memory");
    /// ```
    pub fn protocol(&self) -> &str {
        &self.protocol
    }

    /// The object store itself, for what this crate does not wrap (listing, signed URLs
    /// with object_store's `Signer`, multipart uploads).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::StorageBackend;
    /// let backend = StorageBackend::memory("k");
    /// assert_eq!(backend.store().to_string(), "InMemory");
    /// ```
    pub fn store(&self) -> &Arc<dyn ObjectStore> {
        &self.store
    }
}

/// `AWS_…` variables as object_store configuration keys (`aws_access_key_id`, …).
fn environment_options(prefix: &str) -> Vec<(String, String)> {
    std::env::vars()
        .filter(|(name, _)| name.starts_with(prefix))
        .map(|(name, value)| (name.to_ascii_lowercase(), value))
        .collect()
}
