//! [`TOTPSecret`]: a TOTP shared secret stored encrypted, read back as a code provider
//! (Python's `TOTPSecret` and `TOTPProvider`), with replay protection through
//! [`TotpReplayGuard`].
//!
//! The column is an [`EncryptedString`] (the same keyrings, the same tokens: a Python
//! service with `TOTPSecret(key=…)` reads and writes the same column); the value is the
//! base32 secret an authenticator app is enrolled with. Codes are RFC 6238 TOTP
//! ([totp-rs](https://docs.rs/totp-rs)), with pyotp's defaults: 6 digits, 30-second steps,
//! HMAC-SHA-1 ([`TotpConfig`] changes them per column type).
//!
//! Python's `verify` accepts a code as often as it is presented while it is valid (up to
//! 90 seconds with the default window); RFC 6238 §5.2 says a code must be accepted only
//! once. [`TotpReplayGuard`] does that: it keeps the last accepted time step in a column
//! of the row (`BIGINT NULL`) and accepts a code only if an `UPDATE … WHERE last_step IS
//! NULL OR last_step < step` changes the row, so two requests with one code, even at the
//! same moment on two servers, log in once.
//!
//! ```
//! use std::sync::Arc;
//! use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
//!
//! struct AppKey;
//! impl EncryptionKey for AppKey {
//!     fn keyring() -> Arc<Keyring> {
//!         static KEYS: KeyringCell = KeyringCell::new(|| Keyring::fernet("secret"));
//!         KEYS.load()
//!     }
//! }
//!
//! mod account {
//!     use sea_orm::entity::prelude::*;
//!     use advanced_alchemy::types::TOTPSecret;
//!
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "account")]
//!     pub struct Model {
//!         pub email: String,
//!         pub totp_secret: Option<TOTPSecret<super::AppKey>>, // encrypted, as in Python
//!         pub totp_last_step: Option<i64>,                    // for TotpReplayGuard
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::{repository::Repository, types::TotpReplayGuard};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! advanced_alchemy::registry::Registry::new().register::<account::Entity>().create_all(&db).await?;
//! let accounts = Repository::<account::Entity, _>::new(&db);
//!
//! // enrolment: a new secret, shown to the user as a QR code of this URI
//! let secret = TOTPSecret::<AppKey>::generate()?;
//! let uri = secret.provisioning_uri("alice@example.com", Some("Example"))?;
//! assert!(uri.starts_with("otpauth://totp/Example:alice%40example.com?secret="));
//! let alice = accounts
//!     .add(account::ActiveModel {
//!         email: Set("alice@example.com".into()),
//!         totp_secret: Set(Some(secret)),
//!         totp_last_step: Set(None),
//!         ..Default::default()
//!     })
//!     .await?;
//!
//! // login: the code from the app is accepted once
//! let guard = TotpReplayGuard::new(account::Column::TotpLastStep);
//! let secret = alice.totp_secret.as_ref().expect("enrolled");
//! let code = secret.now()?;
//! assert!(guard.verify(&db, &alice, secret, &code, 1).await?);
//! assert!(!guard.verify(&db, &alice, secret, &code, 1).await?); // replayed
//! # Ok(()) }
//! ```

use super::encrypted::{EncryptedString, EncryptionKey};
use crate::error::{Error, Result};
use sea_orm::sea_query::{
    ArrayType, ColumnType, Condition, Nullable, Query, ValueType, ValueTypeErr,
};
use sea_orm::{
    ActiveValue, ColIdx, ColumnTrait, ConnectionTrait, EntityName, EntityTrait, Iterable,
    ModelTrait, PrimaryKeyToColumn, QueryResult, TryGetError, TryGetable, Value,
};
use std::fmt;
use std::marker::PhantomData;
use std::time::{SystemTime, UNIX_EPOCH};

/// The HMAC of a TOTP code: pyotp's `digest`.
///
/// ```
/// use advanced_alchemy::types::TotpAlgorithm;
/// assert_eq!(TotpAlgorithm::default(), TotpAlgorithm::Sha1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum TotpAlgorithm {
    /// HMAC-SHA-1, the default and what every authenticator app supports.
    #[default]
    Sha1,
    /// HMAC-SHA-256.
    Sha256,
    /// HMAC-SHA-512.
    Sha512,
}

impl TotpAlgorithm {
    fn totp_rs(self) -> totp_rs::Algorithm {
        match self {
            TotpAlgorithm::Sha1 => totp_rs::Algorithm::SHA1,
            TotpAlgorithm::Sha256 => totp_rs::Algorithm::SHA256,
            TotpAlgorithm::Sha512 => totp_rs::Algorithm::SHA512,
        }
    }
}

/// How the codes of a [`TOTPSecret`] column are made: Python's `TOTPSecret(digits=…,
/// interval=…, digest=…, issuer=…)`. Every constant has pyotp's default; implement it
/// on a unit type for another configuration.
///
/// ```
/// use advanced_alchemy::types::{TotpAlgorithm, TotpConfig};
///
/// struct EightDigits;
/// impl TotpConfig for EightDigits {
///     const DIGITS: u8 = 8;
///     const ALGORITHM: TotpAlgorithm = TotpAlgorithm::Sha256;
///     const ISSUER: Option<&'static str> = Some("Example");
/// }
/// assert_eq!(EightDigits::INTERVAL, 30);
/// ```
pub trait TotpConfig: 'static {
    /// Digits of a code, 6 to 8 (pyotp: `digits`, default 6).
    const DIGITS: u8 = 6;
    /// Seconds of a time step (pyotp: `interval`, default 30).
    const INTERVAL: u64 = 30;
    /// The HMAC (pyotp: `digest`, default SHA-1).
    const ALGORITHM: TotpAlgorithm = TotpAlgorithm::Sha1;
    /// The issuer named in provisioning URIs when the call names none.
    const ISSUER: Option<&'static str> = None;
}

/// pyotp's defaults: 6 digits, 30 seconds, SHA-1, no issuer.
///
/// ```
/// use advanced_alchemy::types::{PythonTotp, TotpConfig};
/// assert_eq!((PythonTotp::DIGITS, PythonTotp::INTERVAL), (6, 30));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PythonTotp;

impl TotpConfig for PythonTotp {}

/// A new random base32 secret of `length` characters (`length × 5` bits): Python's
/// `generate_totp_secret` (pyotp's `random_base32`). 32 characters (160 bits, RFC 4226's
/// recommendation) is the default of [`TOTPSecret::generate`]; fewer than 26 (128 bits)
/// is refused.
///
/// ```
/// let secret = advanced_alchemy::types::generate_totp_secret(32)?;
/// assert_eq!(secret.len(), 32);
/// assert!(secret.bytes().all(|b| b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567".contains(&b)));
/// assert!(advanced_alchemy::types::generate_totp_secret(16).is_err());
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub fn generate_totp_secret(length: usize) -> Result<String> {
    const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    if length < 26 {
        return Err(Error::InvalidRequest(format!(
            "a TOTP secret of {length} base32 characters has fewer than 128 bits"
        )));
    }
    let mut bytes = vec![0u8; length];
    getrandom::fill(&mut bytes).map_err(|e| {
        Error::PasswordHashing(format!("no randomness from the operating system: {e}"))
    })?;
    // 256 is a multiple of 32: every character is equally likely
    Ok(bytes
        .iter()
        .map(|b| char::from(ALPHABET[usize::from(b % 32)]))
        .collect())
}

/// The secret's bytes: base32 as pyotp reads it (case-insensitive, padding optional).
fn decode_base32(secret: &str) -> Option<Vec<u8>> {
    let normalized = secret.trim_end_matches('=').to_ascii_uppercase();
    if normalized.is_empty() {
        return None;
    }
    totp_rs::Secret::try_from_base32(&normalized)
        .ok()
        .map(|s| s.as_bytes().to_vec())
}

fn unix_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0)
}

/// A TOTP shared secret in a column, stored encrypted with `K`'s keyring exactly as an
/// [`EncryptedString<K>`] (Python's `TOTPSecret` is an `EncryptedString` too), and a code
/// provider on read (Python's `TOTPProvider`): [`now`](Self::now),
/// [`verify`](Self::verify), [`provisioning_uri`](Self::provisioning_uri). `C` sets
/// digits, step, HMAC and issuer ([`TotpConfig`]; default pyotp's).
///
/// For logins use [`TotpReplayGuard::verify`], which accepts each code once; plain
/// [`verify`](Self::verify) is Python's and accepts a code again until it expires.
///
/// `Debug` shows no secret. See [the module](self) for a whole example.
///
/// ```
/// use std::sync::Arc;
/// use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
/// # struct Key;
/// # impl EncryptionKey for Key {
/// #     fn keyring() -> Arc<Keyring> {
/// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
/// #         K.load()
/// #     }
/// # }
///
/// // RFC 6238's SHA-1 test secret, "12345678901234567890" in base32
/// let secret = TOTPSecret::<Key>::new("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")?;
/// assert_eq!(secret.at(59)?, "287082");
/// assert!(secret.verify_at("287082", 1, 59 + 30)); // one step late: in the window
/// assert!(!secret.verify_at("287082", 1, 59 + 60));
/// assert_eq!(format!("{secret:?}"), "TOTPSecret(***)");
/// assert!(TOTPSecret::<Key>::new("not base32!").is_err());
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub struct TOTPSecret<K, C = PythonTotp> {
    secret: EncryptedString<K>,
    config: PhantomData<fn() -> C>,
}

impl<K: EncryptionKey, C: TotpConfig> TOTPSecret<K, C> {
    /// The secret `base32` (as an authenticator app shows it; case and `=` padding do
    /// not matter), checked: [`Error::InvalidRequest`] when it is not base32 or longer
    /// than `K`'s [`MAX_LEN`](EncryptionKey::MAX_LEN).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    /// assert!(TOTPSecret::<Key>::new("jbswy3dpehpk3pxp").is_ok());
    /// assert!(TOTPSecret::<Key>::new("").is_err());
    /// ```
    pub fn new(base32: impl Into<String>) -> Result<Self> {
        let base32 = base32.into();
        if decode_base32(&base32).is_none() {
            return Err(Error::InvalidRequest(
                "a TOTP secret must be base32 (A–Z, 2–7)".to_owned(),
            ));
        }
        Ok(Self {
            secret: EncryptedString::new(base32)?,
            config: PhantomData,
        })
    }

    /// A new random secret of 32 base32 characters ([`generate_totp_secret`]).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    /// let a = TOTPSecret::<Key>::generate()?;
    /// assert_eq!(a.secret().len(), 32);
    /// assert_ne!(a.secret(), TOTPSecret::<Key>::generate()?.secret());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn generate() -> Result<Self> {
        Self::new(generate_totp_secret(32)?)
    }

    /// The base32 secret, for showing it once at enrolment. Treat it as a password.
    pub fn secret(&self) -> &str {
        self.secret.expose()
    }

    fn totp(
        &self,
        skew: u16,
        account: Option<&str>,
        issuer: Option<&str>,
    ) -> Result<totp_rs::Totp> {
        if !(6..=8).contains(&C::DIGITS) {
            return Err(Error::InvalidRequest(format!(
                "TotpConfig::DIGITS must be 6 to 8, not {}",
                C::DIGITS
            )));
        }
        if C::INTERVAL == 0 {
            return Err(Error::InvalidRequest(
                "TotpConfig::INTERVAL must be at least 1 second".to_owned(),
            ));
        }
        // a row written elsewhere may hold anything: refuse it here, as pyotp does on use
        let bytes = decode_base32(self.secret()).ok_or_else(|| {
            Error::InvalidRequest("the stored TOTP secret is not base32".to_owned())
        })?;
        let mut builder = totp_rs::Builder::new()
            .with_algorithm(C::ALGORITHM.totp_rs())
            .with_digits(C::DIGITS)
            .with_step_duration(C::INTERVAL)
            .with_skew(skew)
            .with_secret(bytes);
        if let Some(account) = account {
            builder = builder.with_account_name(account);
        }
        builder = builder.with_issuer(issuer);
        // noncompliant: pyotp also accepts secrets shorter than 128 bits (16 base32
        // characters were common), so a Python service's rows must work here too; the
        // digits and the step are checked above
        Ok(builder.build_noncompliant())
    }

    /// The code of the current time step (pyotp's `now()`).
    ///
    /// Errors: [`Error::InvalidRequest`] when the stored secret is not base32 or the
    /// [`TotpConfig`] is out of range.
    pub fn now(&self) -> Result<String> {
        self.at(unix_now())
    }

    /// The code at `unix_time` (seconds since 1970; pyotp's `at`).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    /// let secret = TOTPSecret::<Key>::new("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")?;
    /// assert_eq!(secret.at(1_111_111_109)?, "081804");
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn at(&self, unix_time: u64) -> Result<String> {
        Ok(self.totp(0, None, None)?.generate(unix_time).to_string())
    }

    /// Whether `code` is the code of the current step or of `valid_window` steps before
    /// or after it (clock drift): pyotp's `verify(code, valid_window)`, compared in
    /// constant time. `false` for a malformed code or a stored secret that is not base32.
    ///
    /// This accepts the same code again and again while it is in the window, as Python
    /// does; [`TotpReplayGuard::verify`] accepts it once.
    pub fn verify(&self, code: &str, valid_window: u16) -> bool {
        self.verify_at(code, valid_window, unix_now())
    }

    /// [`verify`](Self::verify) at `unix_time`.
    pub fn verify_at(&self, code: &str, valid_window: u16, unix_time: u64) -> bool {
        self.matching_step(code, valid_window, unix_time).is_some()
    }

    /// The time step (`unix_time / INTERVAL`) whose code `code` is, within
    /// `valid_window` steps of `unix_time`'s; the latest when several match.
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    /// let secret = TOTPSecret::<Key>::new("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ")?;
    /// assert_eq!(secret.matching_step("287082", 1, 59), Some(1));
    /// assert_eq!(secret.matching_step("287082", 1, 100), None);
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn matching_step(&self, code: &str, valid_window: u16, unix_time: u64) -> Option<u64> {
        let code = code.trim();
        if code.len() != usize::from(C::DIGITS) || !code.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let totp = self.totp(0, None, None).ok()?;
        let origin = unix_time / C::INTERVAL;
        let window = u64::from(valid_window);
        let mut found = None;
        // every step of the window is computed, so the time taken does not say which matched
        for step in origin.saturating_sub(window)..=origin.saturating_add(window) {
            let candidate = totp.generate(step.saturating_mul(C::INTERVAL)).to_string();
            if constant_time_eq(candidate.as_bytes(), code.as_bytes()) {
                found = Some(step);
            }
        }
        found
    }

    /// The `otpauth://totp/…` URI an authenticator app enrols from (usually shown as a
    /// QR code): pyotp's `provisioning_uri(name, issuer_name)`; `issuer` falls back to
    /// [`TotpConfig::ISSUER`].
    ///
    /// Errors: [`Error::InvalidRequest`] when `name` is empty or `name` or the issuer
    /// contains `:` (the label separator), or as [`now`](Self::now).
    ///
    /// ```
    /// # use std::sync::Arc;
    /// # use advanced_alchemy::types::{EncryptionKey, Keyring, KeyringCell, TOTPSecret};
    /// # struct Key;
    /// # impl EncryptionKey for Key {
    /// #     fn keyring() -> Arc<Keyring> {
    /// #         static K: KeyringCell = KeyringCell::new(|| Keyring::fernet("k"));
    /// #         K.load()
    /// #     }
    /// # }
    /// let secret = TOTPSecret::<Key>::new("JBSWY3DPEHPK3PXP")?;
    /// assert_eq!(
    ///     secret.provisioning_uri("alice@example.com", Some("ACME Co"))?,
    ///     "otpauth://totp/ACME%20Co:alice%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=ACME%20Co"
    /// );
    /// assert!(secret.provisioning_uri("a:b", None).is_err());
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn provisioning_uri(&self, name: &str, issuer: Option<&str>) -> Result<String> {
        let issuer = issuer.or(C::ISSUER);
        let invalid = |what: &str| {
            Error::InvalidRequest(format!(
                "a provisioning URI needs {what} without ':' (the label separator)"
            ))
        };
        if name.is_empty() || name.contains(':') {
            return Err(invalid("an account name"));
        }
        if issuer.is_some_and(|i| i.contains(':')) {
            return Err(invalid("an issuer"));
        }
        self.totp(0, Some(name), issuer)?
            .to_url()
            .map_err(|e| Error::InvalidRequest(format!("provisioning URI: {e}")))
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

impl<K, C> Clone for TOTPSecret<K, C> {
    fn clone(&self) -> Self {
        Self {
            secret: self.secret.clone(),
            config: PhantomData,
        }
    }
}

impl<K, C> PartialEq for TOTPSecret<K, C> {
    /// Compares the secrets.
    fn eq(&self, other: &Self) -> bool {
        self.secret == other.secret
    }
}

impl<K, C> Eq for TOTPSecret<K, C> {}

impl<K, C> fmt::Debug for TOTPSecret<K, C> {
    /// Never shows the secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TOTPSecret(***)")
    }
}

impl<K: EncryptionKey, C: TotpConfig> From<TOTPSecret<K, C>> for Value {
    /// Encrypts, as [`EncryptedString`] does.
    fn from(value: TOTPSecret<K, C>) -> Value {
        Value::from(value.secret)
    }
}

impl<K: EncryptionKey, C: TotpConfig> ValueType for TOTPSecret<K, C> {
    fn try_from(v: Value) -> std::result::Result<Self, ValueTypeErr> {
        <EncryptedString<K> as ValueType>::try_from(v).map(|secret| Self {
            secret,
            config: PhantomData,
        })
    }

    fn type_name() -> String {
        "TOTPSecret".to_owned()
    }

    fn array_type() -> ArrayType {
        <EncryptedString<K> as ValueType>::array_type()
    }

    fn column_type() -> ColumnType {
        <EncryptedString<K> as ValueType>::column_type()
    }
}

impl<K: EncryptionKey, C: TotpConfig> Nullable for TOTPSecret<K, C> {
    fn null() -> Value {
        <EncryptedString<K> as Nullable>::null()
    }
}

impl<K: EncryptionKey, C: TotpConfig> sea_orm::IntoActiveValue<TOTPSecret<K, C>>
    for TOTPSecret<K, C>
{
    fn into_active_value(self) -> ActiveValue<Self> {
        ActiveValue::Set(self)
    }
}

impl<K: EncryptionKey, C: TotpConfig> TryGetable for TOTPSecret<K, C> {
    fn try_get_by<I: ColIdx>(
        res: &QueryResult,
        index: I,
    ) -> std::result::Result<Self, TryGetError> {
        EncryptedString::<K>::try_get_by(res, index).map(|secret| Self {
            secret,
            config: PhantomData,
        })
    }
}

/// Accepts each TOTP code once: RFC 6238 §5.2's replay protection, which Python's
/// `TOTPProvider.verify` does not have.
///
/// It keeps the last accepted time step in a nullable integer column of the row
/// (`Option<i64>`, e.g. `totp_last_step`) and accepts a code only if one conditional
/// `UPDATE … SET last_step = step WHERE <primary key> AND (last_step IS NULL OR
/// last_step < step)` changes the row. The database decides, so a code presented twice
/// — again later, or twice at once to two servers — is accepted once, and a code older
/// than one already accepted is refused. The guard is made from the column itself, so it
/// cannot point at another table.
///
/// The model passed in is not changed (its `last_step` field keeps the value read); the
/// row is. See [the module](self) for an example.
#[derive(Debug, Clone, Copy)]
pub struct TotpReplayGuard<C> {
    last_step: C,
}

type ModelOf<C> = <<C as ColumnTrait>::EntityName as EntityTrait>::Model;

impl<C> TotpReplayGuard<C>
where
    C: ColumnTrait,
    C::EntityName: EntityTrait<Column = C>,
{
    /// A guard keeping the last accepted step in `last_step` (a nullable `BIGINT`,
    /// `Option<i64>` in the model).
    pub fn new(last_step: C) -> Self {
        Self { last_step }
    }

    /// Whether `code` is valid for `secret` now (within `valid_window` steps, as
    /// [`TOTPSecret::verify`]) and newer than every code accepted before for the row
    /// `model`; if so, the row records it and later calls refuse it.
    ///
    /// Errors: a database error from the `UPDATE`.
    pub async fn verify<Db, K, P>(
        &self,
        db: &Db,
        model: &ModelOf<C>,
        secret: &TOTPSecret<K, P>,
        code: &str,
        valid_window: u16,
    ) -> Result<bool>
    where
        Db: ConnectionTrait,
        K: EncryptionKey,
        P: TotpConfig,
    {
        self.verify_at(db, model, secret, code, valid_window, unix_now())
            .await
    }

    /// [`verify`](Self::verify) at `unix_time`.
    pub async fn verify_at<Db, K, P>(
        &self,
        db: &Db,
        model: &ModelOf<C>,
        secret: &TOTPSecret<K, P>,
        code: &str,
        valid_window: u16,
        unix_time: u64,
    ) -> Result<bool>
    where
        Db: ConnectionTrait,
        K: EncryptionKey,
        P: TotpConfig,
    {
        let Some(step) = secret.matching_step(code, valid_window, unix_time) else {
            return Ok(false);
        };
        let step = <i64 as TryFrom<u64>>::try_from(step)
            .map_err(|_| Error::InvalidRequest("TOTP time step out of range".to_owned()))?;
        let mut update = Query::update();
        update
            .table(C::EntityName::default().table_ref())
            .value(self.last_step, step)
            .cond_where(
                Condition::any()
                    .add(self.last_step.is_null())
                    .add(self.last_step.lt(step)),
            );
        for key in <C::EntityName as EntityTrait>::PrimaryKey::iter() {
            let column = key.into_column();
            update.and_where(column.eq(model.get(column)));
        }
        let result = db.execute(&update).await.map_err(Error::from_db)?;
        Ok(result.rows_affected() == 1)
    }
}
