//! OpenAPI schemas (utoipa 6, feature `openapi`) for this crate's types: [`Patch`],
//! [`DateTimeUTC`], [`JsonB`], and [`OffsetPagination`](crate::pagination::OffsetPagination)
//! (derived where it is declared). The `dto` option of [`model`](crate::model) derives
//! `ToSchema` on the structs it generates when this feature is on.
//!
//! utoipa is re-exported as `advanced_alchemy::__private::utoipa` for the generated code,
//! so a crate using the DTOs does not need its own dependency on it (it will want one to
//! build an `OpenApi` document, and gets the same version).
//!
//! ```
//! use advanced_alchemy::{service::Patch, types::DateTimeUTC};
//! use utoipa::PartialSchema;
//!
//! let at = serde_json::to_value(DateTimeUTC::schema()).unwrap();
//! assert_eq!((at["type"].as_str(), at["format"].as_str()), (Some("string"), Some("date-time")));
//! let title = serde_json::to_value(Patch::<String>::schema()).unwrap();
//! assert!(title.to_string().contains("null"), "{title}");
//! ```

use crate::service::Patch;
use crate::types::{DateTimeUTC, JsonB};
use std::borrow::Cow;
use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{
    KnownFormat, ObjectBuilder, OneOfBuilder, Schema, SchemaFormat, Type,
};
use utoipa::{PartialSchema, ToSchema};

/// A PATCH field: the value's schema, or `null`.
impl<T: PartialSchema> PartialSchema for Patch<T> {
    fn schema() -> RefOr<Schema> {
        OneOfBuilder::new()
            .item(ObjectBuilder::new().schema_type(Type::Null))
            .item(T::schema())
            .into()
    }
}

impl<T: ToSchema> ToSchema for Patch<T> {
    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}

/// An RFC 3339 string (`date-time`).
impl PartialSchema for DateTimeUTC {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(KnownFormat::DateTime)))
            .into()
    }
}

impl ToSchema for DateTimeUTC {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed("DateTimeUTC")
    }
}

/// The schema of the value inside.
impl<T: PartialSchema> PartialSchema for JsonB<T> {
    fn schema() -> RefOr<Schema> {
        T::schema()
    }
}

impl<T: ToSchema> ToSchema for JsonB<T> {
    fn name() -> Cow<'static, str> {
        T::name()
    }

    fn schemas(schemas: &mut Vec<(String, RefOr<Schema>)>) {
        T::schemas(schemas);
    }
}
