//! File columns: [`FileObject`] (Python's `FileObject` in a `StoredObject` column) and
//! [`FileObjectList`] (`StoredObject(multiple=True)`).
//!
//! The row holds the file's metadata in a JSON column — exactly the dictionary Python's
//! Advanced Alchemy stores, so rows written by either language read on the other — and
//! the content lives in an [`object_store`] store, registered by key in [`storages`]
//! (Python's `storages` registry): the local filesystem and memory out of the box, S3 and
//! S3-compatible stores with the `s3` feature, any `ObjectStore` through
//! [`StorageBackend::new`].
//!
//! ```
//! mod document {
//!     use sea_orm::entity::prelude::*;
//!     use advanced_alchemy::types::file_object::{FileObject, FileObjectList};
//!
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "document")]
//!     pub struct Model {
//!         pub title: String,
//!         pub attachment: Option<FileObject>,   // JSON, NULL allowed
//!         pub images: FileObjectList,           // a JSON array
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::Session;
//! use advanced_alchemy::types::file_object::{FileObjectList, FileUpload, StorageBackend, storages};
//! use sea_orm::{ActiveModelTrait, ActiveValue::Set, IntoActiveModel, ModelTrait};
//!
//! // at startup: the key is what rows store (StorageBackend::local for a directory)
//! storages().register(StorageBackend::memory("documents"));
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! advanced_alchemy::registry::Registry::new().register::<document::Entity>().create_all(&db).await?;
//!
//! // add: upload, then write the row, in one transaction
//! let session = Session::begin(&db).await?;
//! let v1 = FileUpload::new("documents", "report.txt", "first draft").save(&session).await?;
//! let doc = document::ActiveModel {
//!     title: Set("Report".into()),
//!     attachment: Set(Some(v1.clone())),
//!     images: Set(FileObjectList::new()),
//!     ..Default::default()
//! }
//! .insert(&session)
//! .await?;
//! session.commit().await?;
//!
//! // replace: the old content goes only once the new row is committed
//! let session = Session::begin(&db).await?;
//! let v2 = FileUpload::new("documents", "report.txt", "final").save(&session).await?;
//! let mut change = doc.into_active_model();
//! change.attachment = Set(Some(v2.clone()));
//! let doc = change.update(&session).await?;
//! v1.delete_after_commit(&session).await;
//! assert!(v1.exists().await?);               // still there until the commit
//! session.commit().await?;
//! assert!(!v1.exists().await?);
//! assert_eq!(doc.attachment.as_ref().unwrap().get_content().await?, "final".as_bytes());
//!
//! // delete: the content goes with the committed delete
//! let session = Session::begin(&db).await?;
//! doc.clone().delete(&session).await?;
//! if let Some(file) = &doc.attachment {
//!     file.delete_after_commit(&session).await;
//! }
//! session.rollback().await?;                 // changed our mind: row and content stay
//! assert!(v2.exists().await?);
//! # Ok(()) }
//! ```
//!
//! ## Transactions
//! The content must never disappear under a committed row, and a rolled-back row must
//! not leave content behind. So, with a [`Session`](crate::Session):
//!
//! * [`FileUpload::save`] uploads **before** the row is written (a committed row always
//!   has its content) and registers an after-rollback action: if the transaction, or the
//!   savepoint the upload was made in, rolls back, the new content is deleted.
//! * [`FileObject::delete_after_commit`] (and the [`FileObjectList`] methods) register
//!   the deletion of content a row no longer references, to run only after the outermost
//!   transaction commits. A rollback — of the transaction or of the savepoint it was
//!   registered in — keeps the content.
//! * Savepoints ([`Session::begin_nested`](crate::Session::begin_nested)): a rolled-back
//!   savepoint deletes its own uploads and drops its own deletions; a released one hands
//!   both to the enclosing transaction.
//! * Dropping a session without committing rolls it back, and its uploads are deleted in
//!   a task spawned on the tokio runtime (call `rollback()` to wait for it).
//! * A failure to delete after the commit (the store is down) cannot undo the commit: it
//!   is logged with `tracing` and leaves an orphaned object, never a row without content.
//!
//! Python does the same from SQLAlchemy session events, which SeaORM does not have: a
//! SeaORM active model does not remember a column's previous value, so replacing and
//! deleting say explicitly which file goes ([`FileObject::delete_after_commit`]). What
//! cannot be forgotten is the upload side: a [`FileObject`] with new content only comes
//! out of [`FileUpload::save`], which tracks it.
//!
//! **Plain SeaORM connections and transactions** have no hooks: wrap a SeaORM transaction
//! with [`Session::from_transaction`](crate::Session::from_transaction), or upload with
//! [`FileUpload::save_untracked`] and delete ([`FileObject::delete`]) yourself: new
//! content when the transaction fails, replaced content after it commits.
//!
//! ## Stored format
//! A JSON dictionary with Python's keys in Python's order (see [`FileObject`]), written
//! as Python's `json.dumps` writes it; a [`FileObjectList`] is a JSON array of them.
//! `jsonb` on PostgreSQL, `json` on MySQL, text on SQLite, as Python's `JsonB`. Rust fills
//! `size`, `last_modified`, `etag` (as the store reports them) and `checksum` (SHA-256,
//! hex) at upload; Python writes its rows before uploading, so they usually have `null`
//! there. Python writes JSON `null` for a `None` file, this crate SQL `NULL`; both read as
//! `None` on both sides. Metadata keys are written in sorted order.
//!
//! ## Paths
//! Each upload gets a new path, `<uuid v7>/<file name>`, unless
//! [`FileUpload::to_filename`] names one (Python's `to_filename`, whose default is the
//! bare file name). Uploads never overwrite: content at an existing path may belong to a
//! committed row that a rollback must keep. (Python overwrites, and replacing a file by
//! one of the same name can then delete the new content.)
//!
//! Not here: signed URLs (use [`StorageBackend::store`] with object_store's `Signer`),
//! streaming and multipart uploads, and Python's `fsspec` backend.

mod column;
mod error;
mod file;
mod list;
mod mime_table;
mod registry;
mod storage;
mod upload;

pub use error::StorageError;
pub use file::FileObject;
pub use list::FileObjectList;
pub use registry::{StorageRegistry, storages};
pub use storage::StorageBackend;
pub use upload::FileUpload;
