//! [`ModelInput`]: everything a [`Service`](super::Service) accepts as a row to write.

use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::{ActiveModelTrait, ActiveValue, ColumnTrait, EntityTrait, IntoActiveModel, Iterable};
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// Data for a row of `E`, as the service's write methods take it: the entity's
/// `ActiveModel` (only its `Set` columns are written) and `Model` (every column), a JSON
/// object ([`serde_json::Value`] or [`Map`]), the `Create` / `Update` structs the
/// [`model`](crate::model) attribute's `dto` option generates, and your own structs.
///
/// The `model` attribute implements it for the entity's `ActiveModel` and `Model`. For a
/// struct of your own, convert into the active model (a struct with SeaORM's
/// `DeriveIntoActiveModel` does it in one line):
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub views: i32 } }
/// use advanced_alchemy::service::ModelInput;
/// use sea_orm::{ActiveValue::Set, IntoActiveModel};
///
/// #[derive(sea_orm::DeriveIntoActiveModel)]
/// #[sea_orm(active_model = "post::ActiveModel")]
/// struct NewPost {
///     title: String,
/// }
///
/// impl ModelInput<post::Entity> for NewPost {
///     fn into_active(self) -> advanced_alchemy::Result<post::ActiveModel> {
///         Ok(self.into_active_model())
///     }
/// }
///
/// let am = NewPost { title: "Hello".into() }.into_active().unwrap();
/// assert_eq!(am.title, Set("Hello".to_owned()));
/// assert!(am.views.is_not_set());
/// ```
///
/// JSON input is read through the model's serde `Deserialize` (so the model must derive
/// it): keys are the model's serde field names; a key that is no column, or a value of
/// the wrong type, is [`Error::InvalidField`] naming it (never a panic, and never quoting
/// the value); columns the object leaves out are not set; `null` sets NULL.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
/// #   #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub views: i32 } }
/// use advanced_alchemy::{Error, service::ModelInput};
/// use serde_json::json;
///
/// let am = ModelInput::<post::Entity>::into_active(json!({"title": "Hi"})).unwrap();
/// assert!(am.views.is_not_set());
///
/// let err = ModelInput::<post::Entity>::into_active(json!({"title": "Hi", "views": "many"})).unwrap_err();
/// assert!(matches!(&err, Error::InvalidField { field, .. } if field == "views"), "{err}");
/// let err = ModelInput::<post::Entity>::into_active(json!({"colour": "red"})).unwrap_err();
/// assert_eq!(err.to_string(), "invalid field `colour` of post: unknown field");
/// ```
pub trait ModelInput<E: EntityTrait> {
    /// The active model to write: the columns to write are `Set`, the others `NotSet`.
    fn into_active(self) -> Result<E::ActiveModel>;
}

impl<E> ModelInput<E> for Value
where
    E: Base,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    fn into_active(self) -> Result<E::ActiveModel> {
        match self {
            Value::Object(map) => from_json_object::<E>(map),
            other => Err(Error::InvalidRequest(format!(
                "input for {} must be a JSON object, not {}",
                E::default().table_name(),
                json_kind(&other)
            ))),
        }
    }
}

impl<E> ModelInput<E> for Map<String, Value>
where
    E: Base,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    fn into_active(self) -> Result<E::ActiveModel> {
        from_json_object::<E>(self)
    }
}

/// A model as input: every column `Set` (the conversion the `model` attribute implements
/// [`ModelInput`] with for `Model`).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use sea_orm::ActiveValue::Set;
/// let am = advanced_alchemy::service::model_to_active::<post::Entity>(post::Model { id: 1, title: "a".into() });
/// assert_eq!((am.id, am.title), (Set(1), Set("a".to_owned())));
/// ```
pub fn model_to_active<E>(model: E::Model) -> E::ActiveModel
where
    E: EntityTrait,
    E::Model: IntoActiveModel<E::ActiveModel>,
{
    model.into_active_model().reset_all()
}

/// JSON object → active model, through the model's `Deserialize` with placeholder values
/// for the columns the object leaves out (which then become `NotSet` again).
fn from_json_object<E>(mut input: Map<String, Value>) -> Result<E::ActiveModel>
where
    E: Base,
    E::Model: DeserializeOwned + IntoActiveModel<E::ActiveModel>,
{
    let model_name = E::default().table_name();
    if let Some(unknown) = input
        .keys()
        .find(|k| !E::Column::iter().any(|c| c.json_key() == k.as_str()))
    {
        return Err(Error::invalid_field(
            model_name,
            unknown.clone(),
            "unknown field",
        ));
    }
    let placeholders = <E::ActiveModel as ActiveModelTrait>::default_values();
    let mut given = Vec::new();
    let mut merged = Map::with_capacity(input.len());
    for col in E::Column::iter() {
        let key = col.json_key();
        let present = input.contains_key(key);
        given.push((col, present));
        if !present {
            let placeholder = match placeholders.get(col) {
                ActiveValue::Set(v) | ActiveValue::Unchanged(v) => {
                    sea_orm::sea_query::sea_value_to_json_value(&v)
                }
                ActiveValue::NotSet => placeholder_for(&col.def()),
            };
            merged.insert(key.to_owned(), placeholder);
        }
    }
    merged.append(&mut input);
    let model: E::Model = serde_path_to_error::deserialize(Value::Object(merged)).map_err(|e| {
        let field = e.path().to_string();
        let reason = redact(&e.inner().to_string());
        let absent = given
            .iter()
            .any(|(col, present)| !present && col.json_key() == field);
        if absent {
            // the placeholder of a column the input left out did not fit its type
            Error::InvalidRequest(format!(
                "{model_name} cannot be read from JSON without `{field}` ({reason}); send it, or use a DTO"
            ))
        } else {
            Error::invalid_field(model_name, field, reason)
        }
    })?;
    let mut am = model.into_active_model();
    for (col, present) in given {
        match (present, am.get(col)) {
            (true, ActiveValue::Set(v) | ActiveValue::Unchanged(v)) => am.set(col, v),
            _ => am.not_set(col),
        }
    }
    Ok(am)
}

/// A JSON value that deserialises into a column of this definition, for a column SeaORM
/// has no placeholder for (custom value types such as
/// [`DateTimeUTC`](crate::types::DateTimeUTC)); it is never written.
fn placeholder_for(def: &sea_orm::ColumnDef) -> Value {
    use sea_orm::sea_query::ColumnType as T;
    if def.is_null() {
        return Value::Null;
    }
    match def.get_column_type() {
        T::TimestampWithTimeZone => "1970-01-01T00:00:00Z".into(),
        T::Timestamp | T::DateTime => "1970-01-01T00:00:00".into(),
        T::Date => "1970-01-01".into(),
        T::Time => "00:00:00".into(),
        T::Uuid => uuid::Uuid::nil().to_string().into(),
        T::Boolean => false.into(),
        T::TinyInteger
        | T::SmallInteger
        | T::Integer
        | T::BigInteger
        | T::TinyUnsigned
        | T::SmallUnsigned
        | T::Unsigned
        | T::BigUnsigned => 0.into(),
        T::Float | T::Double | T::Decimal(_) | T::Money(_) => 0.0.into(),
        T::Json | T::JsonBinary => Value::Null,
        _ => "".into(),
    }
}

/// A serde message without the value it quotes (`invalid type: string "hunter2",
/// expected i32` → `invalid type: string, expected i32`): input may hold secrets.
pub(crate) fn redact(message: &str) -> String {
    for prefix in [
        "invalid type: ",
        "invalid value: ",
        "invalid length ",
        "unknown variant ",
    ] {
        if let Some(rest) = message.strip_prefix(prefix)
            && let Some(at) = rest.find(", expected")
        {
            // the kind of value (`string`, `integer` …) but not the value; a variant name
            // is the value itself
            let kept = match prefix {
                "unknown variant " => String::new(),
                _ => format!(
                    " {}",
                    rest[..at].split_whitespace().next().unwrap_or_default()
                ),
            };
            return format!("{}{kept}{}", prefix.trim_end(), &rest[at..]);
        }
    }
    // serde's other messages (missing field, unknown variant …) name the schema, not the data
    match message.find(" at line ") {
        Some(at) => message[..at].to_owned(),
        None => message.to_owned(),
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn redact_drops_the_value() {
        assert_eq!(
            redact(r#"invalid type: string "hunter2", expected i32"#),
            "invalid type: string, expected i32"
        );
        assert_eq!(
            redact("invalid value: integer `-1`, expected u8"),
            "invalid value: integer, expected u8"
        );
        assert_eq!(
            redact("unknown variant `s3cret`, expected `a` or `b`"),
            "unknown variant, expected `a` or `b`"
        );
        assert_eq!(
            redact("invalid length 3, expected 2 elements"),
            "invalid length 3, expected 2 elements"
        );
        assert_eq!(redact("missing field `title`"), "missing field `title`");
    }
}
