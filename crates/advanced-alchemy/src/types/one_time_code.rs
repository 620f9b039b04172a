//! [`OneTimeCode`]: a hashed, self-expiring, single-use code in a JSON column (a
//! password-reset or e-mail confirmation code): Python's `OneTimeCode` and
//! `HashedOneTimeCode`.
//!
//! The column holds what Python stores, `{"hash": …, "expires_at": …, "used_at": …,
//! "attempts": …}` as `json.dumps` writes it (times as POSIX seconds, `null` when unset),
//! in a `jsonb`/`JSON`/`TEXT` column like [`JsonB`](super::JsonB); the hash is a
//! [`PasswordHash`] string (argon2 or bcrypt), so either service verifies the other's
//! codes.
//!
//! [`verify`](OneTimeCode::verify), [`redeem`](OneTimeCode::redeem),
//! [`consume`](OneTimeCode::consume) and [`register_failure`](OneTimeCode::register_failure)
//! are Python's: they compute the new state, which you then save. Saving it with a plain
//! update is read-then-write: two requests with the right code both succeed. Use
//! [`redeem_in`](OneTimeCode::redeem_in) instead: it writes the new state with an
//! `UPDATE … WHERE` the stored state is still the one read (same hash, unused, same
//! number of attempts), so of any number of concurrent redeemers exactly one succeeds,
//! and concurrent wrong guesses are all counted.
//!
//! ```
//! mod reset {
//!     use sea_orm::entity::prelude::*;
//!     use advanced_alchemy::types::OneTimeCode;
//!
//!     #[advanced_alchemy::model(BigIntBase)]
//!     #[sea_orm::model]
//!     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
//!     #[sea_orm(table_name = "password_reset")]
//!     pub struct Model {
//!         pub email: String,
//!         pub code: OneTimeCode,       // 3 wrong guesses lock it, as in Python
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> advanced_alchemy::Result<()> {
//! use advanced_alchemy::repository::Repository;
//! use advanced_alchemy::types::{Argon2Hasher, OneTimeCode, generate_one_time_code};
//! use sea_orm::ActiveValue::Set;
//!
//! let db = advanced_alchemy::connect("sqlite::memory:").await?;
//! advanced_alchemy::registry::Registry::new().register::<reset::Entity>().create_all(&db).await?;
//! let resets = Repository::<reset::Entity, _>::new(&db);
//! let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
//!
//! let plain = generate_one_time_code(6, true)?;            // e-mailed to the user
//! let row = resets
//!     .add(reset::ActiveModel {
//!         email: Set("alice@example.com".into()),
//!         code: Set(OneTimeCode::issue(&plain, &hasher)?),
//!         ..Default::default()
//!     })
//!     .await?;
//!
//! assert!(!row.code.redeem_in(&db, &row, reset::Column::Code, "000000x").await?);
//! assert!(row.code.redeem_in(&db, &row, reset::Column::Code, &plain).await?);
//! assert!(!row.code.redeem_in(&db, &row, reset::Column::Code, &plain).await?); // once
//! let row = resets.get(row.id).await?;
//! assert!(row.code.is_used() && row.code.attempts() == 1);
//! # Ok(()) }
//! ```

use super::json::column::{JSONB, describe, jsonb_null, jsonb_value, stored_json};
use super::{HashingBackend, PasswordHash, to_python_json};
use crate::error::{Error, Result, decode_db_err};
use sea_orm::sea_query::{
    ArrayType, ColumnType, Expr, Nullable, OptionEnum, Query, ValueType, ValueTypeErr,
};
use sea_orm::{
    ActiveValue, ColIdx, ColumnTrait, ConnectionTrait, DbBackend, EntityName, EntityTrait,
    Iterable, ModelTrait, PrimaryKeyToColumn, QueryFilter, QueryResult, TryGetError, TryGetable,
    Value,
};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::marker::PhantomData;
use std::time::{SystemTime, UNIX_EPOCH};

/// How the codes of a [`OneTimeCode`] column behave: Python's `OneTimeCode(backend,
/// ttl_seconds=…, max_attempts=…)` (the hashing backend is given to
/// [`OneTimeCode::issue`]). The defaults are Python's: 3 wrong guesses lock a code, no
/// expiry.
///
/// ```
/// use advanced_alchemy::types::OneTimeCodePolicy;
///
/// /// a password-reset code: 15 minutes, 5 guesses
/// struct ResetCode;
/// impl OneTimeCodePolicy for ResetCode {
///     const TTL_SECONDS: Option<u64> = Some(15 * 60);
///     const MAX_ATTEMPTS: Option<u32> = Some(5);
/// }
/// ```
pub trait OneTimeCodePolicy: 'static {
    /// Wrong guesses after which a code is locked; `None`: no lockout (still single-use).
    const MAX_ATTEMPTS: Option<u32> = Some(3);
    /// Lifetime of an issued code in seconds; `None`: it does not expire.
    const TTL_SECONDS: Option<u64> = None;
}

/// Python's defaults: locked after 3 wrong guesses, no expiry.
///
/// ```
/// use advanced_alchemy::types::{OneTimeCodePolicy, PythonOneTimeCode};
/// assert_eq!(PythonOneTimeCode::MAX_ATTEMPTS, Some(3));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PythonOneTimeCode;

impl OneTimeCodePolicy for PythonOneTimeCode {}

/// A random code of `length` characters from the operating system's randomness:
/// digits, or with `digits_only = false` upper-case letters and digits. Python's
/// `generate_one_time_code(length, digits_only=…)`.
///
/// ```
/// use advanced_alchemy::types::generate_one_time_code;
/// let pin = generate_one_time_code(6, true)?;
/// assert!(pin.len() == 6 && pin.bytes().all(|b| b.is_ascii_digit()));
/// let token = generate_one_time_code(10, false)?;
/// assert!(token.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit()));
/// assert!(generate_one_time_code(0, true).is_err());
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub fn generate_one_time_code(length: usize, digits_only: bool) -> Result<String> {
    const ALPHANUMERIC: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    let alphabet = if digits_only {
        &ALPHANUMERIC[26..]
    } else {
        ALPHANUMERIC
    };
    if length == 0 {
        return Err(Error::InvalidRequest(
            "a one-time code needs at least one character".to_owned(),
        ));
    }
    // rejection sampling: every character equally likely, as Python's secrets.choice
    let limit = 256 - 256 % alphabet.len();
    let mut out = String::with_capacity(length);
    let mut buf = [0u8; 64];
    while out.len() < length {
        getrandom::fill(&mut buf).map_err(|e| {
            Error::PasswordHashing(format!("no randomness from the operating system: {e}"))
        })?;
        for &b in &buf {
            if usize::from(b) < limit && out.len() < length {
                out.push(char::from(alphabet[usize::from(b) % alphabet.len()]));
            }
        }
    }
    Ok(out)
}

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

/// The stored JSON, in Python's key order.
#[derive(Serialize, Deserialize)]
struct Stored {
    hash: String,
    #[serde(default)]
    expires_at: Option<f64>,
    #[serde(default)]
    used_at: Option<f64>,
    #[serde(default)]
    attempts: u32,
}

/// A one-time code's hash and state in a JSON column: Python's `HashedOneTimeCode`
/// (read) and `OneTimeCode` (the column type). `P` is the [`OneTimeCodePolicy`]
/// (default Python's). See [the module](self) for an example.
///
/// `Debug` shows the state, never the hash.
///
/// ```
/// use advanced_alchemy::types::{Argon2Hasher, OneTimeCode};
/// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
///
/// let code: OneTimeCode = OneTimeCode::issue("123456", &hasher)?;
/// assert!(code.verify("123456") && !code.verify("654321"));
/// let (ok, code) = code.redeem("654321");          // a wrong guess, counted
/// assert!(!ok && code.attempts() == 1);
/// let (ok, code) = code.redeem("123456");
/// assert!(ok && code.is_used() && !code.is_redeemable());
/// assert!(!code.verify("123456"));                  // single use
/// # Ok::<(), advanced_alchemy::Error>(())
/// ```
pub struct OneTimeCode<P = PythonOneTimeCode> {
    hash: PasswordHash,
    expires_at: Option<f64>,
    used_at: Option<f64>,
    attempts: u32,
    policy: PhantomData<fn() -> P>,
}

impl<P: OneTimeCodePolicy> OneTimeCode<P> {
    /// A new code: `code` hashed with `hasher`, unused, no attempts, expiring
    /// [`TTL_SECONDS`](OneTimeCodePolicy::TTL_SECONDS) from now. Python's
    /// `OneTimeCode` column assigned a plain string.
    ///
    /// Errors as [`PasswordHash::hash`].
    pub fn issue(code: impl AsRef<[u8]>, hasher: &impl HashingBackend) -> Result<Self> {
        Ok(Self {
            hash: PasswordHash::hash(code, hasher)?,
            expires_at: P::TTL_SECONDS.map(|ttl| now() + ttl as f64),
            used_at: None,
            attempts: 0,
            policy: PhantomData,
        })
    }

    /// The hash of the code.
    pub fn hash(&self) -> &PasswordHash {
        &self.hash
    }

    /// When the code expires, in POSIX seconds (what the column holds); `None`: never.
    pub fn expires_at(&self) -> Option<f64> {
        self.expires_at
    }

    /// When the code was redeemed, in POSIX seconds; `None`: not yet.
    pub fn used_at(&self) -> Option<f64> {
        self.used_at
    }

    /// Wrong guesses so far.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The policy's [`MAX_ATTEMPTS`](OneTimeCodePolicy::MAX_ATTEMPTS).
    pub fn max_attempts(&self) -> Option<u32> {
        P::MAX_ATTEMPTS
    }

    /// This code expiring at `expires_at` (POSIX seconds) instead.
    ///
    /// ```
    /// use advanced_alchemy::types::{Argon2Hasher, OneTimeCode};
    /// let hasher = Argon2Hasher::new().with_memory_cost(1024).with_time_cost(1).with_parallelism(1);
    /// let code: OneTimeCode = OneTimeCode::issue("1", &hasher)?.expiring_at(Some(0.0));
    /// assert!(code.is_expired() && !code.verify("1"));
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn expiring_at(mut self, expires_at: Option<f64>) -> Self {
        self.expires_at = expires_at;
        self
    }

    /// Whether the code has an expiry and it has passed.
    pub fn is_expired(&self) -> bool {
        self.expires_at.is_some_and(|at| now() > at)
    }

    /// Whether the code was redeemed.
    pub fn is_used(&self) -> bool {
        self.used_at.is_some()
    }

    /// Whether the wrong guesses reached [`max_attempts`](Self::max_attempts).
    pub fn is_locked(&self) -> bool {
        P::MAX_ATTEMPTS.is_some_and(|max| self.attempts >= max)
    }

    /// Not expired, not used, not locked.
    pub fn is_redeemable(&self) -> bool {
        !(self.is_expired() || self.is_used() || self.is_locked())
    }

    /// Whether `code` is this code and the code is still redeemable; changes nothing.
    pub fn verify(&self, code: impl AsRef<[u8]>) -> bool {
        self.is_redeemable() && self.hash.verify(code)
    }

    /// `(true, used)` when `code` is right and redeemable; `(false, one more attempt)`
    /// when it is wrong; `(false, unchanged)` when the code is not redeemable. The new
    /// state still has to be saved; [`redeem_in`](Self::redeem_in) does both at once,
    /// safely.
    pub fn redeem(&self, code: impl AsRef<[u8]>) -> (bool, Self) {
        if !self.is_redeemable() {
            return (false, self.clone());
        }
        if self.hash.verify(code) {
            (true, self.consume())
        } else {
            (false, self.register_failure())
        }
    }

    /// A copy marked used now.
    pub fn consume(&self) -> Self {
        Self {
            used_at: Some(now()),
            ..self.clone()
        }
    }

    /// A copy with one more wrong guess.
    pub fn register_failure(&self) -> Self {
        Self {
            attempts: self.attempts.saturating_add(1),
            ..self.clone()
        }
    }

    /// [`redeem`](Self::redeem) and save the new state in one conditional `UPDATE` of the
    /// row `model`, whose `column` holds this code: `true` exactly once for the right
    /// code, however many requests race. A wrong guess is counted (and can lock the
    /// code); a code that is used, expired, locked or replaced meanwhile is `false`.
    ///
    /// The model is not changed; the row is. Verifying is deliberately slow (a password
    /// hash): in a server, call it from `tokio::task::spawn_blocking` or keep the hash
    /// cheap.
    ///
    /// Errors: [`Error::InvalidRequest`] when `column` of `model` does not hold this
    /// code; database errors.
    pub async fn redeem_in<C, Db>(
        &self,
        db: &Db,
        model: &<C::EntityName as EntityTrait>::Model,
        column: C,
        code: impl AsRef<[u8]>,
    ) -> Result<bool>
    where
        C: ColumnTrait,
        C::EntityName: EntityTrait<Column = C>,
        Db: ConnectionTrait,
    {
        type E<C> = <C as ColumnTrait>::EntityName;
        let code = code.as_ref();
        match Self::from_value(model.get(column)) {
            Some(stored) if stored.hash == self.hash => {}
            _ => {
                return Err(Error::InvalidRequest(format!(
                    "column `{}` of the model does not hold this one-time code",
                    column.as_str()
                )));
            }
        }
        let backend = db.get_database_backend();
        let mut current = self.clone();
        let mut verified = None;
        // each round either writes or finds that another request wrote meanwhile; the
        // bound only guards against a pathological storm of concurrent wrong guesses
        for _ in 0..1000 {
            if !current.is_redeemable() {
                return Ok(false);
            }
            // the hash never changes between rounds (a replaced code ends the loop)
            let ok = *verified.get_or_insert_with(|| current.hash.verify(code));
            let next = if ok {
                current.consume()
            } else {
                current.register_failure()
            };
            let mut update = Query::update();
            update
                .table(E::<C>::default().table_ref())
                .value(column, Value::from(next))
                .and_where(unchanged(backend, column.as_str(), &current));
            for key in <E<C> as EntityTrait>::PrimaryKey::iter() {
                let key = key.into_column();
                update.and_where(key.eq(model.get(key)));
            }
            if db
                .execute(&update)
                .await
                .map_err(Error::from_db)?
                .rows_affected()
                == 1
            {
                return Ok(ok);
            }
            // another request changed the row: read it again
            let mut find = <E<C> as EntityTrait>::find();
            for key in <E<C> as EntityTrait>::PrimaryKey::iter() {
                let key = key.into_column();
                find = find.filter(key.eq(model.get(key)));
            }
            let Some(row) = find.one(db).await.map_err(Error::from_db)? else {
                return Ok(false);
            };
            match Self::from_value(row.get(column)) {
                Some(stored) if stored.hash == current.hash => current = stored,
                _ => return Ok(false),
            }
        }
        Err(Error::InvalidRequest(
            "one-time code: too many concurrent changes to redeem it".to_owned(),
        ))
    }

    fn from_stored(stored: Stored) -> Self {
        Self {
            hash: PasswordHash::from_trusted(stored.hash),
            expires_at: stored.expires_at,
            used_at: stored.used_at,
            attempts: stored.attempts,
            policy: PhantomData,
        }
    }

    fn from_value(value: Value) -> Option<Self> {
        <Self as ValueType>::try_from(value).ok()
    }

    fn to_stored(&self) -> Stored {
        Stored {
            hash: self.hash.as_phc_str().to_owned(),
            expires_at: self.expires_at,
            used_at: self.used_at,
            attempts: self.attempts,
        }
    }
}

/// `column` still holds `state`: the same hash, unused, the same number of attempts.
/// Read from the JSON in SQL, per backend (a JSON `null` is SQL `NULL` in each).
fn unchanged<P>(backend: DbBackend, column: &str, state: &OneTimeCode<P>) -> Expr {
    let hash = state.hash.as_phc_str().to_owned();
    let attempts = i64::from(state.attempts);
    let sql = match backend {
        DbBackend::Postgres => {
            let c = format!("\"{}\"", column.replace('"', "\"\""));
            format!(
                "({c} ->> 'hash') = $1 AND ({c} ->> 'used_at') IS NULL \
                 AND COALESCE(({c} ->> 'attempts')::bigint, 0) = $2"
            )
        }
        DbBackend::MySql => {
            let c = format!("`{}`", column.replace('`', "``"));
            format!(
                "JSON_VALUE({c}, '$.hash') = ? AND JSON_VALUE({c}, '$.used_at') IS NULL \
                 AND COALESCE(JSON_VALUE({c}, '$.attempts'), 0) = ?"
            )
        }
        _ => {
            let c = format!("\"{}\"", column.replace('"', "\"\""));
            format!(
                "json_extract({c}, '$.hash') = ? AND json_extract({c}, '$.used_at') IS NULL \
                 AND COALESCE(json_extract({c}, '$.attempts'), 0) = ?"
            )
        }
    };
    Expr::cust_with_values(sql, [Value::from(hash), Value::from(attempts)])
}

impl<P> Clone for OneTimeCode<P> {
    fn clone(&self) -> Self {
        Self {
            hash: self.hash.clone(),
            expires_at: self.expires_at,
            used_at: self.used_at,
            attempts: self.attempts,
            policy: PhantomData,
        }
    }
}

impl<P> PartialEq for OneTimeCode<P> {
    fn eq(&self, other: &Self) -> bool {
        self.hash == other.hash
            && self.expires_at == other.expires_at
            && self.used_at == other.used_at
            && self.attempts == other.attempts
    }
}

impl<P> fmt::Debug for OneTimeCode<P> {
    /// The state, never the hash.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OneTimeCode")
            .field("expires_at", &self.expires_at)
            .field("used_at", &self.used_at)
            .field("attempts", &self.attempts)
            .finish_non_exhaustive()
    }
}

impl<P: OneTimeCodePolicy> From<OneTimeCode<P>> for Value {
    /// The JSON Python stores, as `json.dumps` writes it.
    fn from(value: OneTimeCode<P>) -> Value {
        match to_python_json(&value.to_stored()) {
            Ok(text) => jsonb_value(text),
            // a struct of strings, numbers and null always serializes; a non-finite
            // time (not from this crate) cannot be JSON
            Err(e) => {
                tracing::error!(error = %e, "OneTimeCode value bound as NULL");
                jsonb_null()
            }
        }
    }
}

impl<P: OneTimeCodePolicy> ValueType for OneTimeCode<P> {
    fn try_from(v: Value) -> std::result::Result<Self, ValueTypeErr> {
        let parsed: std::result::Result<Stored, _> = match v {
            Value::Enum(OptionEnum::Some(e)) => serde_json::from_str(&e.value),
            Value::String(Some(text)) => serde_json::from_str(&text),
            Value::Json(Some(json)) => serde_json::from_value(*json),
            _ => return Err(ValueTypeErr),
        };
        parsed.map(Self::from_stored).map_err(|_| ValueTypeErr)
    }

    fn type_name() -> String {
        "OneTimeCode".to_owned()
    }

    fn array_type() -> ArrayType {
        ArrayType::Enum(Box::new(JSONB.into()))
    }

    fn column_type() -> ColumnType {
        ColumnType::JsonBinary
    }
}

impl<P: OneTimeCodePolicy> Nullable for OneTimeCode<P> {
    fn null() -> Value {
        jsonb_null()
    }
}

impl<P: OneTimeCodePolicy> sea_orm::IntoActiveValue<OneTimeCode<P>> for OneTimeCode<P> {
    fn into_active_value(self) -> ActiveValue<Self> {
        ActiveValue::Set(self)
    }
}

impl<P: OneTimeCodePolicy> TryGetable for OneTimeCode<P> {
    fn try_get_by<I: ColIdx>(
        res: &QueryResult,
        index: I,
    ) -> std::result::Result<Self, TryGetError> {
        const EXPECTED: &str = "a one-time code {hash, expires_at, used_at, attempts}";
        let Some(text) = stored_json(res, index, EXPECTED)? else {
            return Err(TryGetError::Null(format!("{index:?}")));
        };
        match serde_json::from_str::<Stored>(&text) {
            Ok(stored) => Ok(Self::from_stored(stored)),
            Err(_) if text.trim() == "null" => Err(TryGetError::Null(format!("{index:?}"))),
            Err(e) => Err(TryGetError::DbErr(decode_db_err(
                index.as_str(),
                EXPECTED,
                describe(&e),
            ))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::Argon2Hasher;

    const CHEAP: Argon2Hasher = Argon2Hasher::new()
        .with_memory_cost(64)
        .with_time_cost(1)
        .with_parallelism(1);

    #[test]
    fn stored_as_python_stores_it() {
        let code: OneTimeCode = OneTimeCode::issue("123456", &CHEAP).expect("issue");
        let Value::Enum(OptionEnum::Some(e)) = Value::from(code.clone()) else {
            panic!("a JSON value");
        };
        let expected = format!(
            r#"{{"hash": "{}", "expires_at": null, "used_at": null, "attempts": 0}}"#,
            code.hash().as_phc_str()
        );
        assert_eq!(e.value, expected);
        let used = code.consume().register_failure();
        let Value::Enum(OptionEnum::Some(e)) = Value::from(used.clone()) else {
            panic!("a JSON value");
        };
        assert!(e.value.contains(r#""attempts": 1}"#), "{}", e.value);
        let back: OneTimeCode =
            ValueType::try_from(Value::Enum(OptionEnum::Some(e))).expect("parses");
        assert_eq!(back, used);
    }

    #[test]
    fn times_read_back_exactly() {
        // a time serde_json's default float parser reads one ulp off (…03); the feature
        // `float_roundtrip` makes it exact
        let code: OneTimeCode = OneTimeCode::issue("123456", &CHEAP).expect("issue");
        let text = format!(
            r#"{{"hash": "{}", "expires_at": null, "used_at": 1796354861.0000033, "attempts": 1}}"#,
            code.hash().as_phc_str()
        );
        let back: OneTimeCode = ValueType::try_from(Value::from(text)).expect("parses");
        assert_eq!(back.used_at(), Some(1796354861.0000033));
    }

    #[test]
    fn locks_after_max_attempts() {
        let mut code: OneTimeCode = OneTimeCode::issue("123456", &CHEAP).expect("issue");
        for attempt in 1..=3 {
            let (ok, next) = code.redeem("000000");
            assert!(!ok);
            assert_eq!(next.attempts(), attempt);
            code = next;
        }
        assert!(code.is_locked() && !code.is_redeemable());
        assert!(!code.verify("123456"));
        let (ok, same) = code.redeem("123456");
        assert!(!ok && same == code);
    }

    #[test]
    fn debug_hides_the_hash() {
        let code: OneTimeCode = OneTimeCode::issue("123456", &CHEAP).expect("issue");
        let shown = format!("{code:?}");
        assert!(!shown.contains("argon2"), "{shown}");
    }
}
