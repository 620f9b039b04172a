//! [`FileObjectList`]: several files in one column, as Python's `StoredObject(multiple=True)`.

use super::FileObject;
use crate::Session;
use serde::{Deserialize, Serialize};

/// Several files in one JSON column: Python's `FileObjectList` in a
/// `StoredObject(multiple=True)` column, stored as a JSON array of the
/// [`FileObject`] dictionaries. A single dictionary (which Python also accepts) reads as
/// a list of one.
///
/// It dereferences to `Vec<FileObject>`. Add files with [`FileUpload::save`](super::FileUpload::save)
/// and `push`; when files leave the list, or the row is deleted, schedule their content
/// for deletion with [`delete_removed_after_commit`](Self::delete_removed_after_commit)
/// or [`delete_after_commit`](Self::delete_after_commit).
///
/// ```
/// use advanced_alchemy::types::file_object::{FileObject, FileObjectList};
///
/// let mut images = FileObjectList::new();
/// images.push(FileObject::existing("images", "a.png"));
/// images.push(FileObject::existing("images", "b.png"));
/// assert_eq!(images.len(), 2);
/// let json = serde_json::to_value(&images)?;
/// assert_eq!(json[1]["filename"], "b.png");
///
/// // one dictionary reads as a list of one
/// let one: FileObjectList = serde_json::from_str(r#"{"filename": "c.png", "backend": "images"}"#)?;
/// assert_eq!(one[0].path(), "c.png");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct FileObjectList(Vec<FileObject>);

impl<'de> Deserialize<'de> for FileObjectList {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            Many(Vec<FileObject>),
            One(FileObject),
        }
        Ok(match OneOrMany::deserialize(deserializer)? {
            OneOrMany::Many(files) => FileObjectList(files),
            OneOrMany::One(file) => FileObjectList(vec![file]),
        })
    }
}

impl FileObjectList {
    /// An empty list.
    ///
    /// ```
    /// assert!(advanced_alchemy::types::file_object::FileObjectList::new().is_empty());
    /// ```
    pub fn new() -> Self {
        Self::default()
    }

    /// The files, as a `Vec`.
    ///
    /// ```
    /// use advanced_alchemy::types::file_object::{FileObject, FileObjectList};
    /// let list = FileObjectList::from(vec![FileObject::existing("b", "x")]);
    /// assert_eq!(list.into_vec().len(), 1);
    /// ```
    pub fn into_vec(self) -> Vec<FileObject> {
        self.0
    }

    /// Deletes the content of every file once `session`'s outermost transaction commits
    /// (the row is being deleted); see [`FileObject::delete_after_commit`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Session;
    /// use advanced_alchemy::types::file_object::{FileObjectList, FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("list-delete-doc"));
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = Session::begin(&db).await?;
    /// let list = FileObjectList::from(vec![
    ///     FileUpload::new("list-delete-doc", "a.txt", "a").save(&session).await?,
    ///     FileUpload::new("list-delete-doc", "b.txt", "b").save(&session).await?,
    /// ]);
    /// session.commit().await?;
    ///
    /// let session = Session::begin(&db).await?;
    /// list.delete_after_commit(&session).await;
    /// session.commit().await?;
    /// assert!(!list[0].exists().await? && !list[1].exists().await?);
    /// # Ok(()) }
    /// ```
    pub async fn delete_after_commit(&self, session: &Session) {
        for file in &self.0 {
            file.delete_after_commit(session).await;
        }
    }

    /// Deletes, once `session`'s outermost transaction commits, the content of the files
    /// of `self` (the list the row had) that are not in `kept` (the list it has now),
    /// comparing backend and path as Python does. A file in both lists is never deleted.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Session;
    /// use advanced_alchemy::types::file_object::{FileObjectList, FileUpload, StorageBackend, storages};
    ///
    /// storages().register(StorageBackend::memory("list-diff-doc"));
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let session = Session::begin(&db).await?;
    /// let a = FileUpload::new("list-diff-doc", "a.txt", "a").save(&session).await?;
    /// let b = FileUpload::new("list-diff-doc", "b.txt", "b").save(&session).await?;
    /// session.commit().await?;
    ///
    /// let before = FileObjectList::from(vec![a.clone(), b.clone()]);
    /// let after = FileObjectList::from(vec![b.clone()]);   // `a` removed from the row
    /// let session = Session::begin(&db).await?;
    /// // … update the row to `after` …
    /// before.delete_removed_after_commit(&after, &session).await;
    /// session.commit().await?;
    /// assert!(!a.exists().await? && b.exists().await?);
    /// # Ok(()) }
    /// ```
    pub async fn delete_removed_after_commit(&self, kept: &FileObjectList, session: &Session) {
        for file in &self.0 {
            if !kept.iter().any(|k| k.same_object(file)) {
                file.delete_after_commit(session).await;
            }
        }
    }
}

impl std::ops::Deref for FileObjectList {
    type Target = Vec<FileObject>;
    fn deref(&self) -> &Vec<FileObject> {
        &self.0
    }
}

impl std::ops::DerefMut for FileObjectList {
    fn deref_mut(&mut self) -> &mut Vec<FileObject> {
        &mut self.0
    }
}

impl From<Vec<FileObject>> for FileObjectList {
    fn from(files: Vec<FileObject>) -> Self {
        FileObjectList(files)
    }
}

impl FromIterator<FileObject> for FileObjectList {
    fn from_iter<I: IntoIterator<Item = FileObject>>(iter: I) -> Self {
        FileObjectList(iter.into_iter().collect())
    }
}

impl IntoIterator for FileObjectList {
    type Item = FileObject;
    type IntoIter = std::vec::IntoIter<FileObject>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a FileObjectList {
    type Item = &'a FileObject;
    type IntoIter = std::slice::Iter<'a, FileObject>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
