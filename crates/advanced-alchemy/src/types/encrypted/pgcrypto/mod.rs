//! The pgcrypto backend: what Python's Advanced Alchemy `PGCryptoBackend` stores, written
//! and read on the client.
//!
//! Python's backend encrypts in SQL: it writes `armor(pgp_sym_encrypt(value, passphrase))`
//! and reads `pgp_sym_decrypt(dearmor(column), passphrase)`, with `passphrase` the URL-safe
//! base64 of the key ([`passphrase`]). SeaORM has no per-column SQL to wrap values in, so
//! [`Keyring::pgcrypto`](super::Keyring::pgcrypto) produces and reads the same stored text
//! in Rust: an ASCII-armored OpenPGP message that PostgreSQL's
//! `pgp_sym_decrypt(dearmor(…))` decrypts, and that reads messages PostgreSQL's
//! `armor(pgp_sym_encrypt(…))` wrote. The column stays readable by the Python service, by
//! SQL (see [`decrypt_expr`]) and by this crate on any backend, SQLite and MySQL included
//! (where only the client can decrypt).
//!
//! Written: PostgreSQL's defaults: iterated and salted SHA-1 S2K with a fresh salt and a
//! count in PostgreSQL's range, AES-128, a fresh random prefix, integrity protection
//! (MDC), no compression, a text literal packet (`pgp_sym_decrypt` refuses binary ones).
//!
//! Read: those, and what `pgp_sym_encrypt`'s options change: `cipher-algo` `aes128`,
//! `aes192` and `aes256`; `compress-algo` 0, 1 and 2; `s2k-mode` 0, 1 and 3;
//! `s2k-digest-algo` `md5` and `sha1`; `sess-key=1`; `unicode-mode`; any `s2k-count`.
//! Not read (an [`EncryptionError::Decrypt`](super::EncryptionError::Decrypt)):
//! `cipher-algo` `bf`, `3des` and `cast5`, and `disable-mdc=1` (without integrity
//! protection tampering would go unnoticed). `convert-crlf=1` line ends are not
//! converted back. Public-key messages (`pgp_pub_encrypt`) are not read.
//!
//! Every value costs one S2K derivation (hashing 64 to 248 KiB with SHA-1, as in
//! PostgreSQL) to write, and one per pgcrypto key of the keyring tried to read.

mod armor;
mod cipher;
mod message;
mod packet;
mod s2k;
#[cfg(test)]
mod tests;

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE;
use sea_orm::sea_query::{Expr, Func};
use zeroize::Zeroizing;

pub(super) use armor::is_armored;
pub(super) use message::Message;

/// One pgcrypto passphrase.
#[derive(Clone)]
pub(super) struct PgcryptoKey {
    passphrase: Zeroizing<Vec<u8>>,
}

impl PgcryptoKey {
    pub(super) fn from_passphrase(passphrase: &[u8]) -> Self {
        Self {
            passphrase: Zeroizing::new(passphrase.to_vec()),
        }
    }

    /// `armor(pgp_sym_encrypt(plaintext, passphrase))`.
    pub(super) fn encrypt(&self, plaintext: &[u8]) -> String {
        armor::encode(&message::encrypt(&self.passphrase, plaintext))
    }

    /// `pgp_sym_decrypt(dearmor(message), passphrase)`.
    pub(super) fn decrypt(&self, message: &Message) -> Option<Zeroizing<Vec<u8>>> {
        message.decrypt(&self.passphrase)
    }
}

impl Message {
    /// Parses an armored message.
    pub(crate) fn from_armored(token: &str) -> Option<Self> {
        Message::parse(&armor::decode(token)?)
    }
}

/// The passphrase Python's `PGCryptoBackend` derives from a key, and
/// [`Keyring::pgcrypto`](super::Keyring::pgcrypto) uses: `base64.urlsafe_b64encode(key)`
/// (a `str` key is its UTF-8 bytes). It is what to pass to `pgp_sym_decrypt` in SQL.
///
/// ```
/// use advanced_alchemy::types::encrypted::pgcrypto;
///
/// assert_eq!(pgcrypto::passphrase("secret"), "c2VjcmV0");
/// assert_eq!(pgcrypto::passphrase([0xfb, 0xff]), "-_8="); // URL-safe, padded
/// ```
pub fn passphrase(key: impl AsRef<[u8]>) -> String {
    URL_SAFE.encode(key)
}

/// The SQL `pgp_sym_decrypt(dearmor(<column>), <passphrase>)`, which decrypts a pgcrypto
/// column in PostgreSQL (with the `pgcrypto` extension): for reports, views or SQL of
/// your own. The passphrase is a bound parameter; it is a secret, so keep such
/// statements out of logs.
///
/// ```
/// use advanced_alchemy::types::encrypted::pgcrypto;
/// use sea_orm::sea_query::{Alias, Expr, PostgresQueryBuilder, Query};
///
/// let passphrase = pgcrypto::passphrase("secret");
/// let query = Query::select()
///     .expr_as(pgcrypto::decrypt_expr(Expr::col(Alias::new("api_token")), &passphrase), "plain")
///     .from(Alias::new("account"))
///     .to_string(PostgresQueryBuilder);
/// assert_eq!(
///     query,
///     r#"SELECT pgp_sym_decrypt(dearmor("api_token"), 'c2VjcmV0') AS "plain" FROM "account""#
/// );
/// ```
pub fn decrypt_expr(column: impl Into<Expr>, passphrase: &str) -> Expr {
    Func::cust("pgp_sym_decrypt")
        .arg(Func::cust("dearmor").arg(column))
        .arg(passphrase)
        .into()
}

/// The SQL `armor(pgp_sym_encrypt(<value>, <passphrase>))`, which encrypts in PostgreSQL
/// exactly as Python's `PGCryptoBackend` writes: for bulk updates in SQL (encrypting an
/// existing plaintext column, say). What it stores reads through
/// [`Keyring::pgcrypto`](super::Keyring::pgcrypto) like any value.
///
/// ```
/// use advanced_alchemy::types::encrypted::pgcrypto;
/// use sea_orm::sea_query::{Alias, Expr, PostgresQueryBuilder, Query};
///
/// let query = Query::update()
///     .table(Alias::new("account"))
///     .value(
///         Alias::new("api_token"),
///         pgcrypto::encrypt_expr(Expr::col(Alias::new("legacy_token")), "c2VjcmV0"),
///     )
///     .to_string(PostgresQueryBuilder);
/// assert_eq!(
///     query,
///     r#"UPDATE "account" SET "api_token" = armor(pgp_sym_encrypt("legacy_token", 'c2VjcmV0'))"#
/// );
/// ```
pub fn encrypt_expr(value: impl Into<Expr>, passphrase: &str) -> Expr {
    Func::cust("armor")
        .arg(Func::cust("pgp_sym_encrypt").arg(value).arg(passphrase))
        .into()
}
