//! Column types: values with more meaning than their SQL type, usable as fields of a
//! SeaORM model like any `String` or `i64`.
//!
//! * [`PasswordHash`]: an Argon2 password hash, stored as its PHC string in a
//!   `VARCHAR(255)` column like the Python library's `PasswordHash(backend=Argon2Hasher())`,
//!   and read by the same Python code; [`Argon2Hasher`] holds the cost parameters.
//! * [`encrypted`]: [`EncryptedString`] and [`EncryptedText`], encrypted on the client
//!   with a [`Keyring`] (Fernet, compatible with Python's Advanced Alchemy, or
//!   XChaCha20-Poly1305), with key rotation.
//! * [`file_object`]: [`FileObject`] and [`FileObjectList`], file metadata in a JSON
//!   column as Python's `StoredObject` stores it, content in an object store; uploads and
//!   deletions follow the [`Session`](crate::Session)'s commit or rollback.
//!
//! More of the Python library's column types will follow here.
//!
//! ```
//! use advanced_alchemy::types::{Argon2Hasher, PasswordHash};
//!
//! let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
//! let stored = PasswordHash::hash("hunter2", &hasher)?;
//! assert!(stored.verify("hunter2"));
//! # Ok::<(), advanced_alchemy::Error>(())
//! ```

mod argon2_hasher;
pub mod encrypted;
pub mod file_object;
mod password_hash;

pub use argon2_hasher::{Argon2Hasher, Argon2Variant};
pub use encrypted::{EncryptedString, EncryptedText, EncryptionError, EncryptionKey, Keyring};
pub use file_object::{FileObject, FileObjectList, FileUpload, StorageBackend, storages};
pub use password_hash::PasswordHash;
