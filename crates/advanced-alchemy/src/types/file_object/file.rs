//! [`FileObject`]: the metadata of one stored file, as Python's `FileObject.to_dict()`.

use super::{StorageBackend, StorageError, storages};
use crate::Session;
use bytes::Bytes;
use object_store::ObjectStoreExt;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value as Json};

/// One file: its metadata, kept in a JSON column, and the key of the
/// [`StorageBackend`] that holds its content. Python's `FileObject`, stored as Python's
/// `StoredObject` stores it.
///
/// A `FileObject` comes from a [`FileUpload`](super::FileUpload) (which stores the content
/// first), from a row, or from [`FileObject::existing`] for content already in storage.
/// Use `FileObject` for a `NOT NULL` column, `Option<FileObject>` for a nullable one and
/// [`FileObjectList`](super::FileObjectList) for Python's `StoredObject(multiple=True)`.
///
/// The stored JSON has exactly the keys Python writes, in its order:
/// `{"filename": "<path in the store>", "content_type": "text/plain", "size": 5,
/// "last_modified": 1712345678.123456, "checksum": "<sha256 hex>", "etag": "…",
/// "version_id": null, "metadata": {…}, "backend": "<registry key>"}`. As in Python,
/// `filename` is the object's path in its store (Python's `path`, `to_filename or
/// filename`). Serde (de)serialises the same dictionary, so a `FileObject` can be
/// returned from an API as Python's Pydantic schema returns it. Do not deserialise one
/// from untrusted input into a row: it names any path in any backend, and deleting it
/// later would delete that content. Take uploads as bytes and make them with
/// [`FileUpload`](super::FileUpload).
///
/// ```
/// use advanced_alchemy::types::file_object::FileObject;
///
/// let json = r#"{"filename": "reports/q1.pdf", "content_type": "application/pdf", "size": 5,
///     "last_modified": 1712345678.5, "checksum": null, "etag": "\"abc\"", "version_id": null,
///     "metadata": {"owner": "alice"}, "backend": "documents"}"#;
/// let file: FileObject = serde_json::from_str(json)?;
/// assert_eq!((file.path(), file.name(), file.backend()), ("reports/q1.pdf", "q1.pdf", "documents"));
/// assert_eq!(file.size(), Some(5));
/// assert_eq!(file.metadata()["owner"], "alice");
/// assert_eq!(serde_json::to_value(&file)?, serde_json::from_str::<serde_json::Value>(json)?);
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(from = "PythonFields")]
pub struct FileObject {
    #[serde(rename = "filename")]
    path: String,
    content_type: String,
    size: Option<u64>,
    last_modified: Option<f64>,
    checksum: Option<String>,
    etag: Option<String>,
    version_id: Option<String>,
    metadata: Map<String, Json>,
    backend: String,
}

/// What Python's `FileObject(**stored)` accepts: `filename` and `backend` are required,
/// the rest may be missing or `null`. (Python's constructor also takes `to_filename`; its
/// `to_dict` never writes it, but a row written through Pydantic might have it.)
#[derive(Deserialize)]
struct PythonFields {
    filename: String,
    backend: String,
    #[serde(default)]
    to_filename: Option<String>,
    #[serde(default)]
    content_type: Option<String>,
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    last_modified: Option<f64>,
    #[serde(default)]
    checksum: Option<String>,
    #[serde(default)]
    etag: Option<String>,
    #[serde(default)]
    version_id: Option<String>,
    #[serde(default)]
    metadata: Option<Map<String, Json>>,
}

impl From<PythonFields> for FileObject {
    fn from(f: PythonFields) -> Self {
        // Python guesses a missing content type from the name it was given
        let content_type = f
            .content_type
            .unwrap_or_else(|| guess_content_type(&f.filename));
        FileObject {
            path: f.to_filename.unwrap_or(f.filename),
            content_type,
            size: f.size,
            last_modified: f.last_modified,
            checksum: f.checksum,
            etag: f.etag,
            version_id: f.version_id,
            metadata: f.metadata.unwrap_or_default(),
            backend: f.backend,
        }
    }
}

/// Python's `mimetypes.guess_type(name)[0] or "application/octet-stream"`, from the
/// table Python's `mimetypes` has built in (see [`super::mime_table`]) and the same
/// steps: a URL scheme is dropped (a `data:` URL names its own type), suffixes that
/// stand for two are expanded (`.tgz` is `.tar.gz`), a compression suffix (`.gz`, `.bz2`,
/// …) is set aside, and the remaining extension is looked up in lower case. Written out
/// rather than taken from `mime_guess`, whose table differs from Python's (`a.py` is
/// `text/plain` there, `text/x-python` in Python).
pub(crate) fn guess_content_type(name: &str) -> String {
    python_guess_type(name)
        .unwrap_or("application/octet-stream")
        .to_owned()
}

fn python_guess_type(name: &str) -> Option<&str> {
    use super::mime_table::{ENCODINGS, SUFFIXES, TYPES};
    let mut url = name;
    // urllib's `_splittype`: `scheme:rest`, the scheme without `/` or `:`
    if let Some(colon) = url.find(':')
        && colon > 0
        && !url[..colon].contains('/')
    {
        let (scheme, rest) = (&url[..colon], &url[colon + 1..]);
        if scheme.eq_ignore_ascii_case("data") {
            let comma = rest.find(',')?;
            let head = &rest[..comma];
            let mime = head.split(';').next().unwrap_or(head);
            return Some(if mime.contains('=') || !mime.contains('/') {
                "text/plain"
            } else {
                mime
            });
        }
        url = rest;
    }
    let lookup = |table: &'static [(&'static str, &'static str)], key: &str| {
        table
            .binary_search_by(|(k, _)| (*k).cmp(key))
            .ok()
            .map(|i| table[i].1)
    };
    let mut path = url.to_owned();
    let (mut base, mut ext) = split_ext(&path);
    while let Some(full) = lookup(SUFFIXES, &ext.to_lowercase()) {
        path = format!("{base}{full}");
        (base, ext) = split_ext(&path);
    }
    if ENCODINGS.contains(&ext) {
        (_, ext) = split_ext(base);
    }
    lookup(TYPES, &ext.to_lowercase())
}

/// Python's `posixpath.splitext`: the extension is from the last dot of the last path
/// component, leading dots not counting (`.bashrc` has none).
fn split_ext(path: &str) -> (&str, &str) {
    let sep = path.rfind('/').map_or(0, |i| i + 1);
    match path.rfind('.') {
        Some(dot) if dot > sep && path[sep..dot].bytes().any(|b| b != b'.') => path.split_at(dot),
        _ => (path, ""),
    }
}

impl FileObject {
    /// A file object for content that is **already** in the store under `path`: nothing
    /// is uploaded, and size, checksum and etag are unknown. For rows pointing at
    /// existing objects (a migration, an import); new content goes through
    /// [`FileUpload`](super::FileUpload).
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::FileObject;
    ///
    /// let file = FileObject::existing("archive", "2019/minutes.txt");
    /// assert_eq!(file.content_type(), "text/plain");
    /// assert_eq!(file.size(), None);
    /// ```
    pub fn existing(backend: impl Into<String>, path: impl Into<String>) -> Self {
        let path = path.into();
        FileObject {
            content_type: guess_content_type(&path),
            path,
            size: None,
            last_modified: None,
            checksum: None,
            etag: None,
            version_id: None,
            metadata: Map::new(),
            backend: backend.into(),
        }
    }

    pub(crate) fn stored(
        backend: String,
        path: String,
        content_type: String,
        size: u64,
        checksum: String,
        metadata: Map<String, Json>,
    ) -> Self {
        FileObject {
            path,
            content_type,
            size: Some(size),
            last_modified: None,
            checksum: Some(checksum),
            etag: None,
            version_id: None,
            metadata,
            backend,
        }
    }

    pub(crate) fn set_store_info(
        &mut self,
        last_modified: Option<chrono::DateTime<chrono::Utc>>,
        etag: Option<String>,
        version_id: Option<String>,
    ) {
        // Python: `datetime.timestamp()`, whole microseconds over 10**6
        self.last_modified = last_modified.map(|t| t.timestamp_micros() as f64 / 1_000_000.0);
        self.etag = etag;
        self.version_id = version_id;
    }

    /// Where the content is in its store: the `filename` key of the stored JSON
    /// (Python's `FileObject.path`, which its `filename` property also returns).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "a/b/c.txt").path(), "a/b/c.txt");
    /// ```
    pub fn path(&self) -> &str {
        &self.path
    }

    /// The last segment of the path: the file's name for display.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "0190a1b2/report.pdf").name(), "report.pdf");
    /// ```
    pub fn name(&self) -> &str {
        self.path.rsplit('/').next().unwrap_or(&self.path)
    }

    /// The MIME type: given at upload, or guessed from the file name as Python does.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x.png").content_type(), "image/png");
    /// assert_eq!(FileObject::existing("b", "x.unknown-ext").content_type(), "application/octet-stream");
    /// ```
    pub fn content_type(&self) -> &str {
        &self.content_type
    }

    /// The content's length in bytes, when known (Python rows written before the
    /// content was saved have none).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x").size(), None);
    /// ```
    pub fn size(&self) -> Option<u64> {
        self.size
    }

    /// When the store last modified the content, in seconds since the Unix epoch
    /// (Python's float).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x").last_modified(), None);
    /// ```
    pub fn last_modified(&self) -> Option<f64> {
        self.last_modified
    }

    /// [`last_modified`](Self::last_modified) as a UTC time (to the microsecond).
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::FileObject;
    ///
    /// let file: FileObject = serde_json::from_str(
    ///     r#"{"filename": "x", "backend": "b", "last_modified": 1700000000.25}"#)?;
    /// let at = file.last_modified_at().unwrap();
    /// assert_eq!(at.to_rfc3339(), "2023-11-14T22:13:20.250+00:00");
    /// # Ok::<(), serde_json::Error>(())
    /// ```
    pub fn last_modified_at(&self) -> Option<chrono::DateTime<chrono::Utc>> {
        let seconds = self.last_modified?;
        let micros = (seconds * 1_000_000.0).round();
        if !micros.is_finite() || micros.abs() > i64::MAX as f64 {
            return None;
        }
        chrono::DateTime::from_timestamp_micros(micros as i64)
    }

    /// The lowercase hex SHA-256 of the content, computed at upload. (Python stores
    /// whatever the application set, usually nothing; see [`verify`](Self::verify).)
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x").checksum(), None);
    /// ```
    pub fn checksum(&self) -> Option<&str> {
        self.checksum.as_deref()
    }

    /// The store's entity tag for the content, when it gives one.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x").etag(), None);
    /// ```
    pub fn etag(&self) -> Option<&str> {
        self.etag.as_deref()
    }

    /// The store's version of the content (versioned S3 buckets).
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("b", "x").version_id(), None);
    /// ```
    pub fn version_id(&self) -> Option<&str> {
        self.version_id.as_deref()
    }

    /// The application's metadata (any JSON values), stored in the row.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert!(FileObject::existing("b", "x").metadata().is_empty());
    /// ```
    pub fn metadata(&self) -> &Map<String, Json> {
        &self.metadata
    }

    /// The metadata, to change (Python's `update_metadata`); save the row to keep it.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// let mut file = FileObject::existing("b", "x");
    /// file.metadata_mut().insert("reviewed".into(), true.into());
    /// assert_eq!(file.metadata()["reviewed"], true);
    /// ```
    pub fn metadata_mut(&mut self) -> &mut Map<String, Json> {
        &mut self.metadata
    }

    /// The key of the storage backend holding the content.
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// assert_eq!(FileObject::existing("documents", "x").backend(), "documents");
    /// ```
    pub fn backend(&self) -> &str {
        &self.backend
    }

    /// Whether `other` names the same stored content (same backend and path): Python's
    /// `FileObject.__eq__`. (`==` compares all the metadata.)
    ///
    /// ```
    /// # use advanced_alchemy::types::file_object::FileObject;
    /// let a = FileObject::existing("b", "x.txt");
    /// let mut b = a.clone();
    /// b.metadata_mut().insert("k".into(), 1.into());
    /// assert!(a.same_object(&b) && a != b);
    /// ```
    pub fn same_object(&self, other: &FileObject) -> bool {
        self.backend == other.backend && self.path == other.path
    }

    /// Whether `content` is this file's content by size and checksum: `None` when no
    /// SHA-256 checksum is stored (a Python row, or [`existing`](Self::existing)).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("verify-doc"));
    /// let file = FileUpload::new("verify-doc", "a.txt", "hello").save_untracked().await?;
    /// assert_eq!(file.verify(b"hello"), Some(true));
    /// assert_eq!(file.verify(b"hellO"), Some(false));
    /// # Ok(()) }
    /// ```
    pub fn verify(&self, content: &[u8]) -> Option<bool> {
        let checksum = self.checksum.as_deref()?;
        if checksum.len() != 64 {
            return None;
        }
        let size_ok = self.size.is_none_or(|s| s == content.len() as u64);
        Some(size_ok && super::upload::sha256_hex(content) == checksum)
    }

    /// The registered backend this file names, or [`StorageError::UnknownBackend`].
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::{FileObject, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("lookup-doc"));
    /// assert_eq!(FileObject::existing("lookup-doc", "x").storage()?.protocol(), "memory");
    /// assert!(FileObject::existing("not-registered", "x").storage().is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn storage(&self) -> crate::Result<StorageBackend> {
        storages().get(&self.backend)
    }

    fn location(&self) -> crate::Result<object_store::path::Path> {
        object_path(&self.path)
    }

    /// Reads the content from its store.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("read-doc"));
    /// let file = FileUpload::new("read-doc", "a.txt", "hello").save_untracked().await?;
    /// assert_eq!(file.get_content().await?, "hello".as_bytes());
    /// # Ok(()) }
    /// ```
    pub async fn get_content(&self) -> crate::Result<Bytes> {
        let backend = self.storage()?;
        let location = self.location()?;
        let fail = |e| StorageError::from_store(e, &self.backend, &self.path, "read");
        let result = backend.store().get(&location).await.map_err(fail)?;
        Ok(result.bytes().await.map_err(fail)?)
    }

    /// Whether the content is in its store.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileObject, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("exists-doc"));
    /// assert!(!FileObject::existing("exists-doc", "nothing.txt").exists().await?);
    /// # Ok(()) }
    /// ```
    pub async fn exists(&self) -> crate::Result<bool> {
        let backend = self.storage()?;
        let location = self.location()?;
        match backend.store().head(&location).await {
            Ok(_) => Ok(true),
            Err(object_store::Error::NotFound { .. }) => Ok(false),
            Err(e) => Err(StorageError::from_store(e, &self.backend, &self.path, "inspect").into()),
        }
    }

    /// Deletes the content **now**, whatever the database does (Python's
    /// `delete_async`). Content that is already gone is not an error. To delete the
    /// content of a row you delete or replace, use
    /// [`delete_after_commit`](Self::delete_after_commit), so that a rollback keeps it.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("delete-doc"));
    /// let file = FileUpload::new("delete-doc", "a.txt", "hello").save_untracked().await?;
    /// file.delete().await?;
    /// assert!(!file.exists().await?);
    /// file.delete().await?; // already gone: fine
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self) -> crate::Result<()> {
        let backend = self.storage()?;
        let location = self.location()?;
        match backend.store().delete(&location).await {
            Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
            Err(e) => Err(StorageError::from_store(e, &self.backend, &self.path, "delete").into()),
        }
    }

    /// Deletes the content once `session`'s outermost transaction commits: call it when
    /// the row holding this file is deleted, or when the file is replaced by another.
    /// If the transaction (or the savepoint this is called in) rolls back, the content
    /// stays, as does the row pointing to it. On an autocommit session the row change is
    /// already committed, so the content is deleted now.
    ///
    /// A failure to delete after the commit cannot undo the commit: it is logged
    /// (`tracing` warning) and leaves an orphaned object, never a row without content.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Session;
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("after-commit-doc"));
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let file = FileUpload::new("after-commit-doc", "a.txt", "hi").save_untracked().await?;
    ///
    /// let session = Session::begin(&db).await?;
    /// file.delete_after_commit(&session).await;  // e.g. after deleting its row
    /// session.rollback().await?;
    /// assert!(file.exists().await?);             // rolled back: the content stays
    ///
    /// let session = Session::begin(&db).await?;
    /// file.delete_after_commit(&session).await;
    /// assert!(file.exists().await?);             // not before the commit
    /// session.commit().await?;
    /// assert!(!file.exists().await?);
    /// # Ok(()) }
    /// ```
    pub async fn delete_after_commit(&self, session: &Session) {
        let file = self.clone();
        session
            .after_commit(async move { file.delete_logged("after commit").await })
            .await;
    }

    /// Deletes the content, logging a failure instead of returning it (cleanup after
    /// the transaction's outcome, where nobody is left to handle an error).
    pub(crate) async fn delete_logged(self, when: &'static str) {
        match self.delete().await {
            Ok(()) => {
                tracing::debug!(backend = %self.backend, path = %self.path, when, "file content deleted")
            }
            Err(err) => tracing::warn!(
                backend = %self.backend,
                path = %self.path,
                when,
                error = %err,
                "cannot delete file content; the object is orphaned"
            ),
        }
    }
}

/// `path` as an object store path, or [`StorageError::InvalidPath`].
pub(crate) fn object_path(path: &str) -> crate::Result<object_store::path::Path> {
    object_store::path::Path::parse(path).map_err(|e| {
        StorageError::InvalidPath {
            path: path.to_owned(),
            reason: e.to_string(),
        }
        .into()
    })
}
