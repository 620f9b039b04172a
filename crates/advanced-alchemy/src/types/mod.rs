//! Column types: values with more meaning than their SQL type, usable as fields of a
//! SeaORM model like any `String` or `i64`.
//!
//! * [`DateTimeUTC`]: an always-UTC timestamp to the microsecond, stored as Python's
//!   `DateTimeUTC` stores it (`timestamptz`; SQLAlchemy's UTC text on SQLite); the audit
//!   and soft-delete columns use it.
//! * [`PasswordHash`]: an Argon2 password hash, stored as its PHC string in a
//!   `VARCHAR(255)` column like the Python library's `PasswordHash(backend=Argon2Hasher())`,
//!   and read by the same Python code; [`Argon2Hasher`] holds the cost parameters.
//!   [`BcryptHasher`] writes bcrypt (`$2b$…`) instead, as Python's passlib and pwdlib
//!   backends do; [`PasswordHash::verify`] reads either ([`HashingBackend`]).
//! * [`encrypted`]: [`EncryptedString`] and [`EncryptedText`], encrypted on the client
//!   with a [`Keyring`] (Fernet or pgcrypto, compatible with Python's Advanced Alchemy,
//!   or XChaCha20-Poly1305), with key rotation, at runtime through a [`KeyringCell`].
//! * [`JsonB<T>`]: any serde type in a JSON column (`jsonb` on PostgreSQL, `JSON` on
//!   MySQL/MariaDB, `TEXT` on SQLite), written as the text Python's `json.dumps` writes
//!   ([`to_python_json`]); a stored value that does not fit `T` is
//!   [`Error::Decode`](crate::Error::Decode) naming the column.
//! * [`GUID`]: [`uuid::Uuid`], stored as Python's `GUID` stores it: native `uuid` on
//!   PostgreSQL, 16 raw bytes (`BINARY(16)`) on MySQL/MariaDB and SQLite.
//! * [`file_object`]: [`FileObject`] and [`FileObjectList`], file metadata in a JSON
//!   column as Python's `StoredObject` stores it, content in an object store; uploads and
//!   deletions follow the [`Session`](crate::Session)'s commit or rollback.
//!
//! * [`TOTPSecret`]: a TOTP secret stored encrypted, a code provider on read
//!   (Python's `TOTPSecret`), with [`TotpReplayGuard`] accepting each code once.
//! * [`OneTimeCode`]: a hashed, expiring, single-use code in a JSON column as Python
//!   stores it; [`OneTimeCode::redeem_in`] redeems exactly once under concurrency.
//! * [`Vector`]: pgvector's `vector(D)` on PostgreSQL, a JSON array elsewhere, with
//!   [`VectorDistance`] filters and orderings.
//!
//! Python's `Bool`, `BigIntIdentity` and `MutableList` need no type here: SeaORM's
//! `bool` and `i64` are stored as Python stores them (`BIGINT`, `INTEGER` on SQLite),
//! and a [`JsonB<Vec<T>>`](JsonB) changed in place is saved by `Set` (SeaORM has no
//! hidden change tracking to notify); for lists of files,
//! [`FileObjectList::delete_removed_after_commit`] does what `MutableList`'s removed-item
//! bookkeeping is for.
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
mod bcrypt_hasher;
pub mod datetime;
pub mod encrypted;
pub mod file_object;
mod guid;
mod hashing;
mod json;
pub mod one_time_code;
mod password_hash;
pub mod totp;
pub mod vector;

pub use argon2_hasher::{Argon2Hasher, Argon2Variant};
pub use bcrypt_hasher::BcryptHasher;
pub use datetime::DateTimeUTC;
pub use encrypted::{
    EncryptedString, EncryptedText, EncryptionError, EncryptionKey, Keyring, KeyringCell,
};
pub use file_object::{FileObject, FileObjectList, FileUpload, StorageBackend, storages};
pub use guid::GUID;
pub use hashing::HashingBackend;
pub use json::{JsonB, to_python_json};
pub use one_time_code::{
    OneTimeCode, OneTimeCodePolicy, PythonOneTimeCode, generate_one_time_code,
};
pub use password_hash::PasswordHash;
pub use totp::{
    PythonTotp, TOTPSecret, TotpAlgorithm, TotpConfig, TotpReplayGuard, generate_totp_secret,
};
pub use vector::{Vector, VectorDistance, VectorMetric, VectorWithin};
