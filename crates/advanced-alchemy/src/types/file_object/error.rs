//! [`StorageError`]: what can go wrong between a file object and its storage.

/// A failure of file storage: an unknown backend, a bad path, or the object store's own
/// error, always naming the backend key and the path.
///
/// It reaches callers as [`Error::Storage`](crate::Error::Storage).
///
/// ```
/// use advanced_alchemy::types::file_object::StorageError;
///
/// let err = StorageError::UnknownBackend { key: "documents".into() };
/// assert_eq!(err.to_string(), "no storage backend registered with key `documents`");
/// let err: advanced_alchemy::Error = err.into();
/// assert!(matches!(err, advanced_alchemy::Error::Storage(StorageError::UnknownBackend { .. })));
/// ```
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StorageError {
    /// No backend is registered under the key a file object names (Python's
    /// `ImproperConfigurationError`): register it at startup with
    /// [`storages().register(..)`](super::StorageRegistry::register).
    #[error("no storage backend registered with key `{key}`")]
    UnknownBackend {
        /// The key looked up.
        key: String,
    },
    /// The path is not a valid object path (an empty segment, `.` or `..`, a control
    /// character).
    #[error("invalid storage path `{path}`: {reason}")]
    InvalidPath {
        /// The path given.
        path: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An upload would have replaced content already stored at the path. Uploads never
    /// overwrite: the replaced content may still belong to a committed row, and a
    /// rollback could not bring it back.
    #[error(
        "`{path}` already exists in storage backend `{backend}` (uploads never overwrite content)"
    )]
    AlreadyExists {
        /// The backend key.
        backend: String,
        /// The path.
        path: String,
    },
    /// There is no content at the path.
    #[error("`{path}` not found in storage backend `{backend}`")]
    NotFound {
        /// The backend key.
        backend: String,
        /// The path.
        path: String,
    },
    /// The object store failed.
    #[error("cannot {operation} `{path}` in storage backend `{backend}`: {source}")]
    Backend {
        /// The backend key.
        backend: String,
        /// The path.
        path: String,
        /// What was being done: `upload`, `read`, `inspect` or `delete`.
        operation: &'static str,
        /// The object store's error.
        #[source]
        source: Box<object_store::Error>,
    },
    /// A storage URL that cannot be parsed or names a store this build does not support.
    #[error("invalid storage URL `{url}`: {reason}")]
    InvalidUrl {
        /// The URL (as given).
        url: String,
        /// What is wrong with it.
        reason: String,
    },
}

impl StorageError {
    /// Sorts an object store error about `path` in `backend`.
    pub(crate) fn from_store(
        err: object_store::Error,
        backend: &str,
        path: &str,
        operation: &'static str,
    ) -> Self {
        let (backend, path) = (backend.to_owned(), path.to_owned());
        match err {
            object_store::Error::NotFound { .. } => StorageError::NotFound { backend, path },
            object_store::Error::AlreadyExists { .. } => {
                StorageError::AlreadyExists { backend, path }
            }
            source => StorageError::Backend {
                backend,
                path,
                operation,
                source: Box::new(source),
            },
        }
    }
}
