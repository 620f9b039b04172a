//! [`Patch`]: one field of a PATCH body, absent, `null` or a value.

use crate::error::{Error, Result};
use sea_orm::ActiveValue;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// One field of a partial update: left out of the body ([`Patch::Absent`], the column
/// keeps its value), sent as `null` ([`Patch::Null`], the column is set to NULL) or sent
/// with a value ([`Patch::Value`]).
///
/// `Option<Option<T>>` says the same with less clarity; serde cannot tell absent from
/// `null` for a plain `Option<T>`. Put `#[serde(default)]` on the field (absent →
/// [`Patch::Absent`]) and `skip_serializing_if = "Patch::is_absent"` to write it back:
///
/// ```
/// use advanced_alchemy::service::Patch;
/// use serde::{Deserialize, Serialize};
///
/// #[derive(Deserialize, Serialize)]
/// struct PostUpdate {
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     title: Patch<String>,
///     #[serde(default, skip_serializing_if = "Patch::is_absent")]
///     published_at: Patch<String>,
/// }
///
/// let body: PostUpdate = serde_json::from_str(r#"{"published_at": null}"#).unwrap();
/// assert_eq!(body.title, Patch::Absent);
/// assert_eq!(body.published_at, Patch::Null);
/// assert_eq!(serde_json::to_string(&body).unwrap(), r#"{"published_at":null}"#);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Patch<T> {
    /// Not sent: the stored value stays.
    #[default]
    Absent,
    /// Sent as `null`: the column becomes NULL.
    Null,
    /// Sent with a value.
    Value(T),
}

impl<T> Patch<T> {
    /// Whether the field was left out.
    ///
    /// ```
    /// assert!(advanced_alchemy::service::Patch::<i32>::Absent.is_absent());
    /// ```
    pub fn is_absent(&self) -> bool {
        matches!(self, Patch::Absent)
    }

    /// The value, if one was sent.
    ///
    /// ```
    /// use advanced_alchemy::service::Patch;
    /// assert_eq!(Patch::Value(3).value(), Some(&3));
    /// assert_eq!(Patch::<i32>::Null.value(), None);
    /// ```
    pub fn value(&self) -> Option<&T> {
        match self {
            Patch::Value(v) => Some(v),
            _ => None,
        }
    }

    /// `None` when absent, else what to store (`Some(None)` for `null`).
    ///
    /// ```
    /// use advanced_alchemy::service::Patch;
    /// assert_eq!(Patch::<i32>::Absent.into_option(), None);
    /// assert_eq!(Patch::<i32>::Null.into_option(), Some(None));
    /// assert_eq!(Patch::Value(1).into_option(), Some(Some(1)));
    /// ```
    pub fn into_option(self) -> Option<Option<T>> {
        match self {
            Patch::Absent => None,
            Patch::Null => Some(None),
            Patch::Value(v) => Some(Some(v)),
        }
    }

    /// The active value of a nullable column (`Option<T>` in the model): absent is
    /// `NotSet`, `null` is `Set(None)`.
    ///
    /// ```
    /// use advanced_alchemy::service::Patch;
    /// use sea_orm::ActiveValue::{NotSet, Set};
    /// assert_eq!(Patch::<i32>::Null.into_nullable(), Set(None));
    /// assert_eq!(Patch::<i32>::Absent.into_nullable(), NotSet);
    /// ```
    pub fn into_nullable(self) -> ActiveValue<Option<T>>
    where
        Option<T>: Into<sea_orm::Value>,
    {
        match self.into_option() {
            None => ActiveValue::NotSet,
            Some(v) => ActiveValue::Set(v),
        }
    }

    /// The active value of a NOT NULL column: `null` is [`Error::InvalidField`] naming
    /// `field` of `model`.
    ///
    /// ```
    /// use advanced_alchemy::service::Patch;
    /// use sea_orm::ActiveValue::Set;
    /// assert_eq!(Patch::Value(2).into_required("post", "views").unwrap(), Set(2));
    /// let err = Patch::<i32>::Null.into_required("post", "views").unwrap_err();
    /// assert_eq!(err.to_string(), "invalid field `views` of post: must not be null");
    /// ```
    pub fn into_required(self, model: &str, field: &str) -> Result<ActiveValue<T>>
    where
        T: Into<sea_orm::Value>,
    {
        match self {
            Patch::Absent => Ok(ActiveValue::NotSet),
            Patch::Null => Err(Error::invalid_field(model, field, "must not be null")),
            Patch::Value(v) => Ok(ActiveValue::Set(v)),
        }
    }
}

impl<T> From<Option<T>> for Patch<T> {
    /// `None` is `null` (not absent).
    fn from(value: Option<T>) -> Self {
        value.map_or(Patch::Null, Patch::Value)
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Patch<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        Option::<T>::deserialize(deserializer).map(Into::into)
    }
}

impl<T: Serialize> Serialize for Patch<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Patch::Value(v) => serializer.serialize_some(v),
            // absent fields are skipped by `skip_serializing_if`; written, they are null
            Patch::Absent | Patch::Null => serializer.serialize_none(),
        }
    }
}
