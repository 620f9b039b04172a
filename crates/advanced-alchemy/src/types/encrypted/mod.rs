//! Encrypted string columns: [`EncryptedString`] and [`EncryptedText`].
//!
//! The value is encrypted on the client when it is written and decrypted when it is
//! read, as Python's Advanced Alchemy `EncryptedString`/`EncryptedText` do; the database
//! only ever sees tokens. Which keys to use is a type parameter: a unit type of yours
//! implementing [`EncryptionKey`], whose [`keyring`](EncryptionKey::keyring) is typically
//! a [`KeyringCell`] the application fills at startup (from configuration, an environment
//! variable or a secret store) and may replace while running to rotate keys.
//!
//! ```
//! use std::sync::Arc;
//! use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
//!
//! // in an application: Keyring::from_env("APP_SECRET"), loaded once at startup
//! static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("secret"));
//!
//! struct AppKey;
//! impl EncryptionKey for AppKey {
//!     fn keyring() -> Arc<Keyring> {
//!         KEYS.load()
//!     }
//!     const MAX_LEN: Option<usize> = Some(64);
//! }
//!
//! mod account {
//!     use sea_orm::entity::prelude::*;
//!     use advanced_alchemy::types::{EncryptedString, EncryptedText};
//!
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "account")]
//!     pub struct Model {
//!         pub api_token: EncryptedString<super::AppKey>,
//!         pub recovery_code: Option<EncryptedString<super::AppKey>>,
//!         pub notes: EncryptedText<super::AppKey>,
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::{repository::Repository, types::EncryptedText};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! advanced_alchemy::registry::Registry::new().register::<account::Entity>().create_all(&db).await?;
//! let accounts = Repository::<account::Entity, _>::new(&db);
//!
//! let token = EncryptedString::<AppKey>::new("tok_123")?;
//! assert_eq!(format!("{token:?}"), "EncryptedString(***)");
//! let added = accounts
//!     .add(account::ActiveModel {
//!         api_token: Set(token),
//!         recovery_code: Set(None),
//!         notes: Set(EncryptedText::new("call back on Monday")?),
//!         ..Default::default()
//!     })
//!     .await?;
//! let read = accounts.get(added.id).await?;
//! assert_eq!(read.api_token.expose(), "tok_123");
//! assert_eq!(read.notes.expose(), "call back on Monday");
//!
//! assert!(EncryptedString::<AppKey>::new("x".repeat(65)).is_err()); // over MAX_LEN
//! # Ok(()) }
//! ```
//!
//! ## Backends and formats
//! * Fernet ([`Keyring::fernet`], the default as in Python): tokens are the Fernet token
//!   text, with the key derived from the passphrase as Python does, so a column can be
//!   shared with a Python application.
//! * XChaCha20-Poly1305 ([`Keyring::aead`]): `v1.<key id>.<payload>` tokens.
//! * pgcrypto ([`Keyring::pgcrypto`]): ASCII-armored OpenPGP messages, what Python's
//!   `PGCryptoBackend` stores with `armor(pgp_sym_encrypt(value, passphrase))`, made and
//!   read on the client; PostgreSQL's `pgp_sym_decrypt(dearmor(column), passphrase)`
//!   decrypts them in SQL ([`pgcrypto::decrypt_expr`]).
//!
//! ## Rotating keys
//! A keyring has one current key, which encrypts, and old keys, which only decrypt
//! ([`Keyring::with_old_keys`], across backends too). Rows keep the token they were
//! written with until they are saved again. Put the keyring in a [`KeyringCell`] and
//! [`store`](KeyringCell::store) the new one to rotate without a restart: first the new
//! key with the previous one as an old key, and once every row is re-saved (and every
//! other process writes with the new key), the new key alone.
//!
//! ## Columns
//! As in Python: [`EncryptedText`] is `TEXT` everywhere; [`EncryptedString`] is an
//! unbounded `varchar` on PostgreSQL and SQLite and `TEXT` on MySQL (its column type is
//! `String(StringLen::Max)`, which [`create_all`](crate::registry::create_all) writes as
//! `TEXT` on MySQL; with SeaORM's own `Schema` on MySQL, declare
//! `#[sea_orm(column_type = "Text")]`). The length limit of Python's
//! `EncryptedString(length=…)` is [`EncryptionKey::MAX_LEN`], checked on the plaintext by
//! [`EncryptedString::new`] before anything reaches the database; the token is longer.
//!
//! ## Querying
//! Every write uses a fresh IV/nonce, so equal plaintexts give different tokens: an
//! encrypted column cannot be filtered, compared, ordered, indexed usefully or used as a
//! unique or upsert match field (as in Python). Look rows up by another column.
//!
//! ## Errors
//! A value that does not decrypt (another key, a tampered or garbage token) or does not
//! decrypt to UTF-8 is an error when the row is read, never a panic or a garbled string:
//! SeaORM reports it as `DbErr::Type`, and [`Error::from_db`](crate::Error::from_db)
//! (which every repository uses) turns it into [`Error::Encryption`](crate::Error::Encryption)
//! naming the column.

mod aead;
mod cell;
mod fernet;
mod keyring;
pub mod pgcrypto;

pub use cell::KeyringCell;
pub use keyring::Keyring;

use sea_orm::sea_query::{ArrayType, ColumnType, Nullable, StringLen, ValueType, ValueTypeErr};
use sea_orm::{
    ActiveValue, ColIdx, DbErr, IntoActiveValue, QueryResult, TryGetError, TryGetable, Value,
};
use std::marker::PhantomData;
use std::sync::Arc;

/// The keys of a family of encrypted columns, named by a type of yours.
///
/// [`keyring`](Self::keyring) returns the [`Keyring`] every value of
/// `EncryptedString<Self>`/`EncryptedText<Self>` is encrypted and decrypted with. It is
/// called for every value written or read, so a key replaced while the program runs
/// takes effect at once: return [`KeyringCell::load`] of a `static` cell the application
/// fills at startup from configuration, an environment variable or a secret store, and
/// [`store`](KeyringCell::store)s a new keyring into to rotate. Load it once at startup
/// so a missing key stops the program there, not at the first query.
///
/// ```
/// use std::sync::Arc;
/// use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
///
/// static KEYS: KeyringCell = KeyringCell::new(|| Keyring::aead([42; 32]));
///
/// struct CustomerKey;
/// impl EncryptionKey for CustomerKey {
///     fn keyring() -> Arc<Keyring> {
///         KEYS.load()
///     }
///     const MAX_LEN: Option<usize> = Some(3);
/// }
///
/// // at startup, from configuration:
/// KEYS.store(Keyring::aead([9; 32]));
/// assert!(EncryptedString::<CustomerKey>::new("abc").is_ok());
/// assert!(EncryptedString::<CustomerKey>::new("abcd").is_err());
/// ```
pub trait EncryptionKey: 'static {
    /// The keys now: the current one encrypts, all of them decrypt. Called for every
    /// value, so make it cheap: hand out a stored keyring (as [`KeyringCell::load`] does),
    /// don't build one per call.
    ///
    /// ```
    /// use std::sync::{Arc, LazyLock};
    /// use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell};
    ///
    /// // a keyring fixed for the life of the program can also be a plain static
    /// static KEYS: LazyLock<Arc<Keyring>> = LazyLock::new(|| Arc::new(Keyring::fernet("k")));
    ///
    /// struct Key;
    /// impl EncryptionKey for Key {
    ///     fn keyring() -> Arc<Keyring> {
    ///         Arc::clone(&KEYS)
    ///     }
    /// }
    /// let token = Key::keyring().encrypt("x");
    /// assert_eq!(Key::keyring().decrypt(&token)?, "x");
    /// # Ok::<(), advanced_alchemy::types::EncryptionError>(())
    /// ```
    fn keyring() -> Arc<Keyring>;

    /// The longest plaintext accepted, in characters (Python's `len(str)`); `None`: no
    /// limit. Python's `EncryptedString(length=…)`. The limit belongs to the key type: give
    /// columns that need another limit a type of their own returning the same keyring.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    ///
    /// struct Pin; // the same keys, at most 4 characters
    /// impl EncryptionKey for Pin {
    ///     fn keyring() -> Arc<Keyring> {
    ///         Key::keyring()
    ///     }
    ///     const MAX_LEN: Option<usize> = Some(4);
    /// }
    /// assert_eq!(Key::MAX_LEN, None);
    /// assert!(EncryptedString::<Pin>::new("12345").is_err());
    /// assert!(EncryptedString::<Key>::new("12345").is_ok());
    /// ```
    const MAX_LEN: Option<usize> = None;
}

/// What can go wrong with an encrypted column.
///
/// ```
/// use advanced_alchemy::types::EncryptionError;
///
/// let err = EncryptionError::Decrypt { column: Some("api_token".into()) };
/// assert_eq!(
///     err.to_string(),
///     "cannot decrypt column `api_token` (wrong key or tampered ciphertext)"
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncryptionError {
    /// The plaintext is longer than [`EncryptionKey::MAX_LEN`].
    #[error("unencrypted value is {len} characters long, more than the maximum of {max}")]
    TooLong {
        /// The plaintext's length in characters.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// No key of the keyring authenticates the stored token.
    #[error("cannot decrypt {} (wrong key or tampered ciphertext)", what(column))]
    Decrypt {
        /// The column read, when known.
        column: Option<String>,
    },
    /// The token decrypted, but not to UTF-8 text.
    #[error("cannot decrypt {} (the plaintext is not UTF-8)", what(column))]
    NotUtf8 {
        /// The column read, when known.
        column: Option<String>,
    },
    /// A key that cannot be used (malformed, missing from the environment).
    #[error("invalid encryption key: {0}")]
    InvalidKey(String),
}

fn what(column: &Option<String>) -> String {
    match column {
        Some(c) => format!("column `{c}`"),
        None => "value".to_owned(),
    }
}

impl EncryptionError {
    fn with_column(self, column: Option<&str>) -> Self {
        let column = column.map(str::to_owned);
        match self {
            EncryptionError::Decrypt { .. } => EncryptionError::Decrypt { column },
            EncryptionError::NotUtf8 { .. } => EncryptionError::NotUtf8 { column },
            other => other,
        }
    }

    /// Recognises the message of a decryption error SeaORM carried as `DbErr::Type`.
    pub(crate) fn from_type_message(message: &str) -> Option<Self> {
        let rest = message.strip_prefix("cannot decrypt ")?;
        let (what, reason) = rest.split_once(" (")?;
        let column = what
            .strip_prefix("column `")
            .and_then(|c| c.strip_suffix('`'))
            .map(str::to_owned);
        if column.is_none() && what != "value" {
            return None;
        }
        match reason {
            "wrong key or tampered ciphertext)" => Some(EncryptionError::Decrypt { column }),
            "the plaintext is not UTF-8)" => Some(EncryptionError::NotUtf8 { column }),
            _ => None,
        }
    }
}

fn check_len<K: EncryptionKey>(plaintext: &str) -> crate::Result<()> {
    if let Some(max) = K::MAX_LEN {
        let len = plaintext.chars().count();
        if len > max {
            return Err(EncryptionError::TooLong { len, max }.into());
        }
    }
    Ok(())
}

macro_rules! encrypted_type {
    ($(#[$doc:meta])* $name:ident, $label:literal, $column_type:expr) => {
        $(#[$doc])*
        pub struct $name<K> {
            plaintext: String,
            key: PhantomData<fn() -> K>,
        }

        impl<K: EncryptionKey> $name<K> {
            /// The value `plaintext`, checked against [`EncryptionKey::MAX_LEN`] (in
            /// characters): [`EncryptionError::TooLong`] when it is longer.
            ///
            /// ```
            /// # use std::sync::Arc;
            /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell};
            /// # struct Key;
            /// # impl EncryptionKey for Key {
            /// #     fn keyring() -> Arc<Keyring> {
            /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
            /// #         K.load()
            /// #     }
            /// #     const MAX_LEN: Option<usize> = Some(4);
            /// # }
            #[doc = concat!("use advanced_alchemy::types::", stringify!($name), ";")]
            ///
            #[doc = concat!("assert!(", stringify!($name), "::<Key>::new(\"ñžüé\").is_ok()); // 4 characters")]
            #[doc = concat!("assert!(", stringify!($name), "::<Key>::new(\"12345\").is_err());")]
            /// ```
            pub fn new(plaintext: impl Into<String>) -> crate::Result<Self> {
                let plaintext = plaintext.into();
                check_len::<K>(&plaintext)?;
                Ok(Self {
                    plaintext,
                    key: PhantomData,
                })
            }

            /// The plaintext, for when it is really needed.
            ///
            /// ```
            /// # use std::sync::Arc;
            /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell};
            /// # struct Key;
            /// # impl EncryptionKey for Key {
            /// #     fn keyring() -> Arc<Keyring> {
            /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
            /// #         K.load()
            /// #     }
            /// # }
            #[doc = concat!("let value = advanced_alchemy::types::", stringify!($name), "::<Key>::new(\"s3cret\")?;")]
            /// assert_eq!(value.expose(), "s3cret");
            /// # Ok::<(), advanced_alchemy::Error>(())
            /// ```
            pub fn expose(&self) -> &str {
                &self.plaintext
            }

            /// The plaintext; the same as [`expose`](Self::expose).
            ///
            /// ```
            /// # use std::sync::Arc;
            /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell};
            /// # struct Key;
            /// # impl EncryptionKey for Key {
            /// #     fn keyring() -> Arc<Keyring> {
            /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
            /// #         K.load()
            /// #     }
            /// # }
            #[doc = concat!("let value = advanced_alchemy::types::", stringify!($name), "::<Key>::new(\"s3cret\")?;")]
            /// assert_eq!(value.as_str(), "s3cret");
            /// # Ok::<(), advanced_alchemy::Error>(())
            /// ```
            pub fn as_str(&self) -> &str {
                &self.plaintext
            }

            /// The plaintext, taken out.
            ///
            /// ```
            /// # use std::sync::Arc;
            /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell};
            /// # struct Key;
            /// # impl EncryptionKey for Key {
            /// #     fn keyring() -> Arc<Keyring> {
            /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
            /// #         K.load()
            /// #     }
            /// # }
            #[doc = concat!("let value = advanced_alchemy::types::", stringify!($name), "::<Key>::new(\"s3cret\")?;")]
            /// assert_eq!(value.into_inner(), "s3cret");
            /// # Ok::<(), advanced_alchemy::Error>(())
            /// ```
            pub fn into_inner(mut self) -> String {
                std::mem::take(&mut self.plaintext)
            }

            fn decrypted(token: &str) -> Result<Self, EncryptionError> {
                K::keyring().decrypt(token).map(|plaintext| Self {
                    plaintext,
                    key: PhantomData,
                })
            }
        }

        impl<K> Drop for $name<K> {
            fn drop(&mut self) {
                zeroize::Zeroize::zeroize(&mut self.plaintext);
            }
        }

        impl<K> Clone for $name<K> {
            fn clone(&self) -> Self {
                Self {
                    plaintext: self.plaintext.clone(),
                    key: PhantomData,
                }
            }
        }

        impl<K> PartialEq for $name<K> {
            /// Compares the plaintexts.
            fn eq(&self, other: &Self) -> bool {
                self.plaintext == other.plaintext
            }
        }

        impl<K> Eq for $name<K> {}

        impl<K> std::fmt::Debug for $name<K> {
            /// Never shows the plaintext.
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!($label, "(***)"))
            }
        }

        impl<K: EncryptionKey> From<$name<K>> for Value {
            /// Encrypts with the current key of `K`'s keyring (fresh IV/nonce).
            fn from(value: $name<K>) -> Value {
                Value::String(Some(K::keyring().encrypt(&value.plaintext)))
            }
        }

        impl<K: EncryptionKey> ValueType for $name<K> {
            fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
                match v {
                    Value::String(Some(token)) => Self::decrypted(&token).map_err(|_| ValueTypeErr),
                    _ => Err(ValueTypeErr),
                }
            }

            fn type_name() -> String {
                $label.to_owned()
            }

            fn array_type() -> ArrayType {
                ArrayType::String
            }

            fn column_type() -> ColumnType {
                $column_type
            }
        }

        impl<K: EncryptionKey> IntoActiveValue<$name<K>> for $name<K> {
            /// `Set(self)`, for `DeriveIntoActiveModel` structs.
            fn into_active_value(self) -> ActiveValue<Self> {
                ActiveValue::Set(self)
            }
        }

        impl<K: EncryptionKey> Nullable for $name<K> {
            fn null() -> Value {
                Value::String(None)
            }
        }

        impl<K: EncryptionKey> TryGetable for $name<K> {
            fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
                let token = String::try_get_by(res, index)?;
                Self::decrypted(&token).map_err(|e| {
                    TryGetError::DbErr(DbErr::Type(e.with_column(index.as_str()).to_string()))
                })
            }
        }
    };
}

encrypted_type! {
    /// A string stored encrypted: Python's `EncryptedString`. Holds the **plaintext** in
    /// memory (wiped on drop); the database column (`varchar`, `TEXT` on MySQL: see
    /// [the module docs](self#columns)) holds a token encrypted with
    /// `K`'s [`Keyring`], written with a fresh IV/nonce every time. Use
    /// `Option<EncryptedString<K>>` for a nullable column.
    ///
    /// There is no `Display`, and `Debug` prints `EncryptedString(***)`, so the value does
    /// not end up in logs by accident; [`expose`](Self::expose) reads it.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use advanced_alchemy::types::{EncryptedString, EncryptionKey, Keyring, KeyringCell};
    /// use sea_orm::Value;
    ///
    /// struct Key;
    /// impl EncryptionKey for Key {
    ///     fn keyring() -> Arc<Keyring> {
    ///         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("secret"));
    ///         K.load()
    ///     }
    /// }
    ///
    /// let value = EncryptedString::<Key>::new("4111 1111 1111 1111")?;
    /// assert_eq!(format!("{value:?}"), "EncryptedString(***)");
    /// let Value::String(Some(stored)) = Value::from(value) else { unreachable!() };
    /// assert!(!stored.contains("4111"));
    /// assert_eq!(Key::keyring().decrypt(&stored)?, "4111 1111 1111 1111");
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    EncryptedString,
    "EncryptedString",
    ColumnType::String(StringLen::Max)
}

encrypted_type! {
    /// Long text stored encrypted: Python's `EncryptedText`. The same as
    /// [`EncryptedString`] in a `TEXT` column, for values meant to be long.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use advanced_alchemy::types::{EncryptedText, EncryptionKey, Keyring, KeyringCell};
    ///
    /// struct Key;
    /// impl EncryptionKey for Key {
    ///     fn keyring() -> Arc<Keyring> {
    ///         static K: KeyringCell = KeyringCell::new(|| Keyring::aead([3; 32]));
    ///         K.load()
    ///     }
    /// }
    ///
    /// let notes = EncryptedText::<Key>::new("a long story ".repeat(100))?;
    /// assert_eq!(format!("{notes:?}"), "EncryptedText(***)");
    /// assert_eq!(notes.expose().len(), 1300);
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    EncryptedText,
    "EncryptedText",
    ColumnType::Text
}

#[cfg(test)]
mod tests;
