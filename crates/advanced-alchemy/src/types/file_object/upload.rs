//! [`FileUpload`]: new content on its way into a store, and then into a row.

use super::file::{guess_content_type, object_path};
use super::{FileObject, StorageError, storages};
use crate::Session;
use bytes::Bytes;
use object_store::{Attribute, Attributes, ObjectStoreExt, PutMode, PutOptions, PutPayload};
use serde_json::{Map, Value as Json};
use sha2::{Digest, Sha256};

/// New content for a file column: Python's `FileObject(backend=…, filename=…,
/// content=…)`. [`save`](Self::save) stores the content and returns the
/// [`FileObject`] to put in the row.
///
/// The content is uploaded **before** the row is written, so a committed row never
/// points to content that is not there; `save` also registers the upload with the
/// session, so if the transaction (or savepoint) rolls back the content is deleted
/// again and nothing leaks. (Python uploads after the commit instead, so a failed upload
/// leaves a committed row without content.)
///
/// **Paths.** Unless [`to_filename`](Self::to_filename) says otherwise, the content goes
/// to `<uuid v7>/<file name>`: a new path for every upload. Uploads never overwrite (an
/// existing path is [`StorageError::AlreadyExists`]), because the content at a path may
/// still belong to a committed row that a rollback must be able to keep.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::Session;
/// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
///
/// storages().register(StorageBackend::memory("upload-doc"));
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// let session = Session::begin(&db).await?;
///
/// let file = FileUpload::new("upload-doc", "notes.txt", "hello")
///     .metadata("owner", "alice")
///     .save(&session)
///     .await?;
/// assert_eq!((file.name(), file.content_type(), file.size()), ("notes.txt", "text/plain", Some(5)));
/// assert_eq!(file.checksum(), Some("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"));
///
/// session.rollback().await?;          // the row was never committed …
/// assert!(!file.exists().await?);     // … so its content is gone too
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct FileUpload {
    backend: String,
    filename: String,
    path: Option<String>,
    content_type: Option<String>,
    metadata: Map<String, Json>,
    content: Bytes,
}

impl std::fmt::Debug for FileUpload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FileUpload")
            .field("backend", &self.backend)
            .field("filename", &self.filename)
            .field("path", &self.path)
            .field("content_type", &self.content_type)
            .field("metadata", &self.metadata)
            .field("content", &format_args!("<{} bytes>", self.content.len()))
            .finish()
    }
}

impl FileUpload {
    /// `content` named `filename` (as the user called it; it gives the content type and
    /// the last segment of the path), for the backend registered as `backend`.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::FileUpload;
    ///
    /// let upload = FileUpload::new("documents", "report.pdf", vec![1, 2, 3]);
    /// assert!(format!("{upload:?}").contains("<3 bytes>"));
    /// ```
    pub fn new(
        backend: impl Into<String>,
        filename: impl Into<String>,
        content: impl Into<Bytes>,
    ) -> Self {
        Self {
            backend: backend.into(),
            filename: filename.into(),
            path: None,
            content_type: None,
            metadata: Map::new(),
            content: content.into(),
        }
    }

    /// Stores the content at exactly `path` (Python's `to_filename`) instead of a new
    /// unique path. The upload fails with [`StorageError::AlreadyExists`] if the path is
    /// taken.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{Error, types::file_object::{FileUpload, StorageBackend, StorageError, storages}};
    ///
    /// storages().register(StorageBackend::memory("to-filename-doc"));
    /// let file = FileUpload::new("to-filename-doc", "a.txt", "one")
    ///     .to_filename("fixed/a.txt")
    ///     .save_untracked()
    ///     .await?;
    /// assert_eq!(file.path(), "fixed/a.txt");
    /// let again = FileUpload::new("to-filename-doc", "a.txt", "two").to_filename("fixed/a.txt");
    /// assert!(matches!(again.save_untracked().await, Err(Error::Storage(StorageError::AlreadyExists { .. }))));
    /// # Ok(()) }
    /// ```
    pub fn to_filename(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// The MIME type, instead of the one guessed from the file name.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("content-type-doc"));
    /// let file = FileUpload::new("content-type-doc", "data", "{}")
    ///     .content_type("application/json")
    ///     .save_untracked()
    ///     .await?;
    /// assert_eq!(file.content_type(), "application/json");
    /// # Ok(()) }
    /// ```
    pub fn content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }

    /// Adds an entry to the file's metadata (stored in the row; also set as object
    /// attributes in stores other than the local filesystem, as Python does).
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::FileUpload;
    ///
    /// let upload = FileUpload::new("documents", "a.txt", "x").metadata("tags", serde_json::json!(["a", "b"]));
    /// assert!(format!("{upload:?}").contains("tags"));
    /// ```
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<Json>) -> Self {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// Uploads the content now and registers it with `session`: if the session's
    /// transaction (or the savepoint `session` is) rolls back, the content is deleted
    /// again. Then put the returned [`FileObject`] in the row and save the row on the
    /// same session.
    ///
    /// On an autocommit session ([`Session::new`]) there is nothing to roll back and the
    /// upload is not tracked: if writing the row then fails, delete the content yourself
    /// (or use a transaction).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Session;
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("save-doc"));
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = Session::begin(&db).await?;
    /// let file = FileUpload::new("save-doc", "a.txt", "kept").save(&session).await?;
    /// // … insert the row holding `file` …
    /// session.commit().await?;
    /// assert_eq!(file.get_content().await?, "kept".as_bytes());
    /// # Ok(()) }
    /// ```
    pub async fn save(self, session: &Session) -> crate::Result<FileObject> {
        let file = self.save_untracked().await?;
        let cleanup = file.clone();
        session.after_rollback(async move { cleanup.delete_logged("after rollback").await });
        Ok(file)
    }

    /// Uploads the content now, without a session: nothing deletes it if the row is
    /// never committed. For plain SeaORM connections and transactions, where the caller
    /// deletes the content ([`FileObject::delete`]) when the transaction fails; with a
    /// SeaORM transaction, prefer wrapping it with
    /// [`Session::from_transaction`] and [`save`](Self::save).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::types::file_object::{FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("untracked-doc"));
    /// let file = FileUpload::new("untracked-doc", "a.txt", "x").save_untracked().await?;
    /// assert!(file.exists().await?);
    /// file.delete().await?; // e.g. because the transaction failed
    /// # Ok(()) }
    /// ```
    pub async fn save_untracked(self) -> crate::Result<FileObject> {
        let backend = storages().get(&self.backend)?;
        let location = match &self.path {
            Some(path) => object_path(path)?,
            None => object_path(&unique_path(&self.filename))?,
        };
        let path = location.as_ref().to_owned();
        let content_type = self
            .content_type
            .unwrap_or_else(|| guess_content_type(&self.filename));
        let checksum = sha256_hex(&self.content);
        let size = self.content.len() as u64;

        let mut options = PutOptions {
            mode: PutMode::Create,
            ..PutOptions::default()
        };
        // as Python's obstore backend: the local filesystem cannot keep attributes
        if backend.protocol() != "file" {
            options.attributes = attributes(&content_type, &self.metadata);
        }
        let put = backend
            .store()
            .put_opts(&location, PutPayload::from(self.content), options)
            .await
            .map_err(|e| StorageError::from_store(e, backend.key(), &path, "upload"))?;

        let mut file = FileObject::stored(
            backend.key().to_owned(),
            path,
            content_type,
            size,
            checksum,
            self.metadata,
        );
        // as Python: size, time and etag as the store reports them after the upload; the
        // store's answer is informational, so without one the upload still stands
        match backend.store().head(&location).await {
            Ok(meta) => file.set_store_info(
                Some(meta.last_modified),
                meta.e_tag.or(put.e_tag),
                meta.version.or(put.version),
            ),
            Err(err) => {
                tracing::debug!(error = %err, "no metadata from the store after upload");
                file.set_store_info(Some(chrono::Utc::now()), put.e_tag, put.version);
            }
        }
        Ok(file)
    }
}

/// A fresh `<uuid v7>/<name>` for an upload, `name` being the last segment of what the
/// user called the file, without control characters (`file` if nothing is left).
fn unique_path(filename: &str) -> String {
    let name = filename.rsplit(['/', '\\']).next().unwrap_or(filename);
    let name: String = name.chars().filter(|c| !c.is_control()).collect();
    let name = match name.as_str() {
        "" | "." | ".." => "file",
        other => other,
    };
    format!("{}/{name}", uuid::Uuid::now_v7().simple())
}

/// Object attributes as Python's obstore backend sets them: the content type, and the
/// metadata values as strings (JSON for anything that is not a string).
fn attributes(content_type: &str, metadata: &Map<String, Json>) -> Attributes {
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, content_type.to_owned().into());
    for (key, value) in metadata {
        let value = match value {
            Json::String(s) => s.clone(),
            other => other.to_string(),
        };
        attributes.insert(Attribute::Metadata(key.clone().into()), value.into());
    }
    attributes
}

/// Lowercase hex SHA-256.
pub(crate) fn sha256_hex(content: &[u8]) -> String {
    use std::fmt::Write;
    Sha256::digest(content)
        .iter()
        .fold(String::with_capacity(64), |mut hex, byte| {
            let _ = write!(hex, "{byte:02x}");
            hex
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unique_paths_keep_only_a_safe_name() {
        for (given, name) in [
            ("report.pdf", "report.pdf"),
            ("../../etc/passwd", "passwd"),
            ("C:\\Users\\me\\photo.jpg", "photo.jpg"),
            ("dir/", "file"),
            ("..", "file"),
            ("a\u{0}b\nc", "abc"),
            ("ünïcødé ✓.txt", "ünïcødé ✓.txt"),
        ] {
            let path = unique_path(given);
            let (prefix, last) = path.split_once('/').expect("two segments");
            assert_eq!(prefix.len(), 32, "{path}");
            assert_eq!(last, name, "{given:?}");
            assert!(object_path(&path).is_ok(), "{path}");
        }
        assert_ne!(unique_path("a"), unique_path("a"));
    }

    #[test]
    fn sha256_is_lowercase_hex() {
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }
}
