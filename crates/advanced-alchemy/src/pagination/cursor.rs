//! Keyset (cursor) pagination: pages that stay correct and fast however deep they go,
//! because the next page starts *after the last row seen* (`WHERE (created_at, id) > …`)
//! instead of skipping `OFFSET` rows.
//!
//! The cursor handed to clients is opaque and tamper-evident: the last row's sort-key
//! values, bound to the table and ordering they belong to, signed with HMAC-SHA256 under
//! a [`CursorKey`] only the server knows. A cursor that was edited, forged, or made for
//! another ordering is rejected with [`Error::InvalidRequest`].
//! The values are signed, not encrypted: do not sort by secrets.
//!
//! Use it through [`Repository::get_cursor_page`](crate::repository::Repository::get_cursor_page).

use crate::error::{Error, Result};
use crate::filters::SortOrder;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, NaiveDate, NaiveDateTime, Utc};
use hmac::{Hmac, KeyInit, Mac};
use sea_orm::{ColumnTrait, EntityTrait, IdenStatic, Iterable, PrimaryKeyToColumn, Value};
use serde::{Deserialize, Serialize};
use sha2::Sha256;
use std::fmt;
use std::sync::Arc;

/// The secret that signs cursors. Keep it stable across restarts (or cursors in flight
/// become invalid) and at least 32 random bytes.
///
/// ```
/// use advanced_alchemy::pagination::CursorKey;
/// let key = CursorKey::new(b"0123456789abcdef0123456789abcdef").unwrap();
/// assert_eq!(format!("{key:?}"), "CursorKey(..)"); // never printed
/// assert!(CursorKey::new(b"short").is_err());
/// ```
#[derive(Clone)]
pub struct CursorKey(Arc<[u8]>);

impl fmt::Debug for CursorKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CursorKey(..)")
    }
}

impl CursorKey {
    /// A key from secret bytes; fewer than 16 is an error.
    ///
    /// ```
    /// assert!(advanced_alchemy::pagination::CursorKey::new([7u8; 32]).is_ok());
    /// ```
    pub fn new(secret: impl AsRef<[u8]>) -> Result<Self> {
        let secret = secret.as_ref();
        if secret.len() < 16 {
            return Err(Error::InvalidRequest(format!(
                "a cursor key needs at least 16 bytes, got {}",
                secret.len()
            )));
        }
        Ok(Self(secret.into()))
    }

    /// A key from the environment variable `var`.
    ///
    /// ```
    /// let err = advanced_alchemy::pagination::CursorKey::from_env("AA_DOC_NO_SUCH_VAR").unwrap_err();
    /// assert!(err.to_string().contains("AA_DOC_NO_SUCH_VAR"));
    /// ```
    pub fn from_env(var: &str) -> Result<Self> {
        let value = std::env::var(var)
            .map_err(|_| Error::InvalidRequest(format!("cursor key variable {var} is not set")))?;
        Self::new(value.as_bytes())
    }

    fn mac(&self) -> Hmac<Sha256> {
        // HMAC takes keys of any length; `new` guarantees a non-trivial one
        <Hmac<Sha256> as KeyInit>::new_from_slice(&self.0)
            .unwrap_or_else(|_| unreachable!("HMAC accepts every key length"))
    }
}

/// The sort order of a keyset page: columns with directions, made unique by the
/// primary key, which is appended (ascending) when not listed. Keyset columns must be
/// `NOT NULL`.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::pagination::{CursorKey, Keyset};
/// let key = CursorKey::new([1u8; 32]).unwrap();
/// let newest_first = Keyset::<post::Entity>::new(key).desc(post::Column::CreatedAt);
/// assert_eq!(newest_first.columns().len(), 2); // created_at desc, id asc
/// ```
#[derive(Clone)]
pub struct Keyset<E: EntityTrait> {
    key: CursorKey,
    columns: Vec<(E::Column, SortOrder)>,
}

impl<E: EntityTrait> fmt::Debug for Keyset<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let columns: Vec<_> = self.columns.iter().map(|(c, o)| (c.as_str(), *o)).collect();
        f.debug_struct("Keyset")
            .field("columns", &columns)
            .finish_non_exhaustive()
    }
}

impl<E: EntityTrait> Keyset<E> {
    /// Ordered by the primary key alone, until columns are added.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::pagination::{CursorKey, Keyset};
    /// let by_id = Keyset::<post::Entity>::new(CursorKey::new([1u8; 32]).unwrap());
    /// assert_eq!(by_id.columns().len(), 1);
    /// ```
    pub fn new(key: CursorKey) -> Self {
        let mut keyset = Self {
            key,
            columns: Vec::new(),
        };
        keyset.append_primary_key();
        keyset
    }

    /// Adds `column`, ascending, before the primary key.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::pagination::{CursorKey, Keyset};
    /// let by_title = Keyset::<post::Entity>::new(CursorKey::new([1u8; 32]).unwrap()).asc(post::Column::Title);
    /// use sea_orm::IdenStatic;
    /// assert_eq!(by_title.columns()[0].0.as_str(), "title");
    /// ```
    pub fn asc(self, column: E::Column) -> Self {
        self.push(column, SortOrder::Asc)
    }

    /// Adds `column`, descending, before the primary key.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::{filters::SortOrder, pagination::{CursorKey, Keyset}};
    /// let k = Keyset::<post::Entity>::new(CursorKey::new([1u8; 32]).unwrap()).desc(post::Column::Title);
    /// assert_eq!(k.columns()[0].1, SortOrder::Desc);
    /// ```
    pub fn desc(self, column: E::Column) -> Self {
        self.push(column, SortOrder::Desc)
    }

    /// The sort columns, primary key last.
    pub fn columns(&self) -> &[(E::Column, SortOrder)] {
        &self.columns
    }

    fn push(mut self, column: E::Column, order: SortOrder) -> Self {
        // user columns go before the trailing primary key; a listed key column moves
        self.columns.retain(|(c, _)| c.as_str() != column.as_str());
        let at = self
            .columns
            .iter()
            .position(|(c, _)| is_pk::<E>(c))
            .unwrap_or(self.columns.len());
        self.columns.insert(at, (column, order));
        self.append_primary_key();
        self
    }

    fn append_primary_key(&mut self) {
        for key in E::PrimaryKey::iter() {
            let col = key.into_column();
            if !self.columns.iter().any(|(c, _)| c.as_str() == col.as_str()) {
                self.columns.push((col, SortOrder::Asc));
            }
        }
    }

    /// What a cursor is bound to: table, columns and directions.
    fn fingerprint(&self) -> String {
        let mut print = E::default().table_name().to_owned();
        for (c, order) in &self.columns {
            print.push(if *order == SortOrder::Asc { '+' } else { '-' });
            print.push_str(c.as_str());
        }
        print
    }

    /// Checks that every keyset column is `NOT NULL`.
    pub(crate) fn validate(&self) -> Result<()> {
        match self.columns.iter().find(|(c, _)| c.def().is_null()) {
            Some((c, _)) => Err(Error::InvalidRequest(format!(
                "keyset column {} is nullable; keyset pagination needs NOT NULL columns",
                c.as_str()
            ))),
            None => Ok(()),
        }
    }

    /// The opaque cursor that points after a row with these key values.
    pub(crate) fn encode(&self, values: Vec<Value>) -> Result<String> {
        let values = values
            .into_iter()
            .zip(&self.columns)
            .map(|(v, (c, _))| KeyValue::from_value(v, c.as_str()))
            .collect::<Result<Vec<_>>>()?;
        let payload = serde_json::to_vec(&Payload {
            k: self.fingerprint(),
            v: values,
        })
        .map_err(|e| Error::InvalidRequest(format!("cannot encode cursor: {e}")))?;
        let mut mac = self.key.mac();
        mac.update(&payload);
        let signature = mac.finalize().into_bytes();
        Ok(format!(
            "{}.{}",
            URL_SAFE_NO_PAD.encode(&payload),
            URL_SAFE_NO_PAD.encode(signature)
        ))
    }

    /// The key values a cursor carries, after checking its signature and ordering.
    pub(crate) fn decode(&self, cursor: &str) -> Result<Vec<Value>> {
        let invalid = |why: &str| Error::InvalidRequest(format!("invalid cursor: {why}"));
        let (payload, signature) = cursor.split_once('.').ok_or_else(|| invalid("malformed"))?;
        let payload = URL_SAFE_NO_PAD
            .decode(payload)
            .map_err(|_| invalid("malformed"))?;
        let signature = URL_SAFE_NO_PAD
            .decode(signature)
            .map_err(|_| invalid("malformed"))?;
        let mut mac = self.key.mac();
        mac.update(&payload);
        mac.verify_slice(&signature)
            .map_err(|_| invalid("signature does not match"))?;
        let payload: Payload =
            serde_json::from_slice(&payload).map_err(|_| invalid("malformed"))?;
        if payload.k != self.fingerprint() || payload.v.len() != self.columns.len() {
            return Err(invalid("it belongs to another ordering"));
        }
        Ok(payload.v.into_iter().map(KeyValue::into_value).collect())
    }
}

fn is_pk<E: EntityTrait>(col: &E::Column) -> bool {
    E::PrimaryKey::iter().any(|k| k.into_column().as_str() == col.as_str())
}

/// One page of a keyset read and the cursor of the next one.
///
/// ```
/// use advanced_alchemy::pagination::CursorPage;
/// let page = CursorPage { items: vec![1, 2], next_cursor: None };
/// assert!(!page.has_next());
/// assert_eq!(serde_json::to_string(&page).unwrap(), r#"{"items":[1,2],"next_cursor":null}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CursorPage<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// Pass this to get the next page; `None` on the last page.
    pub next_cursor: Option<String>,
}

impl<T> CursorPage<T> {
    /// Whether another page follows.
    ///
    /// ```
    /// use advanced_alchemy::pagination::CursorPage;
    /// let page = CursorPage { items: vec!["a"], next_cursor: Some("opaque".to_owned()) };
    /// assert!(page.has_next());
    /// ```
    pub fn has_next(&self) -> bool {
        self.next_cursor.is_some()
    }
}

#[derive(Serialize, Deserialize)]
struct Payload {
    k: String,
    v: Vec<KeyValue>,
}

/// A sort-key value as it travels inside a cursor.
#[derive(Serialize, Deserialize)]
enum KeyValue {
    I(i64),
    U(u64),
    F(f64),
    B(bool),
    S(String),
    Id(uuid::Uuid),
    T(DateTime<Utc>),
    /// A [`DateTimeUTC`](crate::types::DateTimeUTC).
    Tz(DateTime<Utc>),
    Dt(NaiveDateTime),
    D(NaiveDate),
}

impl KeyValue {
    fn from_value(value: Value, column: &str) -> Result<Self> {
        Ok(match value {
            Value::TinyInt(Some(v)) => Self::I(v.into()),
            Value::SmallInt(Some(v)) => Self::I(v.into()),
            Value::Int(Some(v)) => Self::I(v.into()),
            Value::BigInt(Some(v)) => Self::I(v),
            Value::TinyUnsigned(Some(v)) => Self::U(v.into()),
            Value::SmallUnsigned(Some(v)) => Self::U(v.into()),
            Value::Unsigned(Some(v)) => Self::U(v.into()),
            Value::BigUnsigned(Some(v)) => Self::U(v),
            Value::Float(Some(v)) => Self::F(v.into()),
            Value::Double(Some(v)) => Self::F(v),
            Value::Bool(Some(v)) => Self::B(v),
            Value::String(Some(v)) => Self::S(v),
            Value::Char(Some(v)) => Self::S(v.to_string()),
            Value::Uuid(Some(v)) => Self::Id(v),
            Value::ChronoDateTimeUtc(Some(v)) => Self::T(v),
            Value::ChronoDateTime(Some(v)) => Self::Dt(v),
            Value::Enum(e) if e.is_some() => {
                match <crate::types::DateTimeUTC as sea_orm::sea_query::ValueType>::try_from(
                    Value::Enum(e),
                ) {
                    Ok(v) => Self::Tz(v.into_inner()),
                    Err(_) => {
                        return Err(Error::InvalidRequest(format!(
                            "keyset column {column} holds a value that cannot be paginated by"
                        )));
                    }
                }
            }
            Value::ChronoDate(Some(v)) => Self::D(v),
            other => {
                return Err(Error::InvalidRequest(format!(
                    "keyset column {column} holds {other:?}, which cannot be paginated by"
                )));
            }
        })
    }

    fn into_value(self) -> Value {
        match self {
            Self::I(v) => v.into(),
            Self::U(v) => v.into(),
            Self::F(v) => v.into(),
            Self::B(v) => v.into(),
            Self::S(v) => v.into(),
            Self::Id(v) => v.into(),
            Self::T(v) => v.into(),
            Self::Tz(v) => crate::types::DateTimeUTC::from(v).into(),
            Self::Dt(v) => v.into(),
            Self::D(v) => v.into(),
        }
    }
}
