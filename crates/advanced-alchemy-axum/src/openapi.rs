//! The filter parameters and `OffsetPagination<S>` in a utoipa 6 OpenAPI document.
//!
//! * [`FilterConfig::openapi_parameters`]: one query parameter per public filter
//!   parameter, typed from the schema (`ids` as an array of the key's type, dates as
//!   `date-time`, `pageSize` with its maximum, `orderBy` with the sortable fields as its
//!   enum);
//! * [`add_filter_parameters`]: puts them on an operation of a built document;
//! * [`OffsetPagination`]: the core library's page, a utoipa `ToSchema` with this
//!   feature (it turns on `advanced-alchemy/openapi`).
//!
//! ```
//! # mod post { use sea_orm::entity::prelude::*;
//! #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
//! #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
//! #   pub struct Model { pub title: String } }
//! use advanced_alchemy::filters::params::FilterSchema;
//! use advanced_alchemy_axum::{FilterConfig, openapi};
//! use utoipa::openapi::{HttpMethod, OpenApi, PathItem, Paths, path::Operation};
//!
//! let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
//!     .id_filter("id").pagination().sort_field("title").build().unwrap();
//! let mut doc = OpenApi::new(Default::default(),
//!     Paths::builder().path("/posts", PathItem::new(HttpMethod::Get, Operation::new())));
//! openapi::add_filter_parameters(&mut doc, "/posts", HttpMethod::Get, &config);
//! let json = serde_json::to_value(&doc).unwrap();
//! let names: Vec<&str> = json["paths"]["/posts"]["get"]["parameters"].as_array().unwrap()
//!     .iter().map(|p| p["name"].as_str().unwrap()).collect();
//! assert_eq!(names, ["ids", "currentPage", "pageSize", "orderBy", "sortOrder"]);
//! ```

use crate::filters::{FilterConfig, Param};
use advanced_alchemy::filters::SortOrder;
use advanced_alchemy::filters::params::ValueKind;
use sea_orm::EntityTrait;
use utoipa::openapi::path::{Parameter, ParameterBuilder, ParameterIn, ParameterStyle};
use utoipa::openapi::schema::{
    ArrayBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type,
};
use utoipa::openapi::{HttpMethod, OpenApi, Required};

/// The page type: with this feature the core library's
/// [`OffsetPagination`] is a utoipa
/// `ToSchema` (`{items, limit, offset, total}`), for `#[utoipa::path(responses(...))]`.
///
/// ```
/// #[derive(serde::Serialize, utoipa::ToSchema)]
/// struct PostRead { id: i64, title: String }
///
/// #[utoipa::path(get, path = "/posts",
///     responses((status = 200, body = advanced_alchemy_axum::openapi::OffsetPagination<PostRead>)))]
/// async fn list() {}
///
/// #[derive(utoipa::OpenApi)]
/// #[openapi(paths(list))]
/// struct Doc;
/// let json = serde_json::to_value(<Doc as utoipa::OpenApi>::openapi()).unwrap();
/// let page = &json["components"]["schemas"]["OffsetPagination_PostRead"];
/// assert_eq!(page["required"], serde_json::json!(["items", "limit", "offset", "total"]));
/// ```
pub use advanced_alchemy::pagination::OffsetPagination;

fn kind_schema(kind: Option<ValueKind>) -> ObjectBuilder {
    let (ty, format) = match kind {
        Some(ValueKind::Int) => (Type::Integer, Some(KnownFormat::Int64)),
        Some(ValueKind::Float) => (Type::Number, Some(KnownFormat::Double)),
        Some(ValueKind::Bool) => (Type::Boolean, None),
        Some(ValueKind::Uuid) => (Type::String, None),
        Some(ValueKind::DateTimeUtc | ValueKind::DateTime) => {
            (Type::String, Some(KnownFormat::DateTime))
        }
        Some(ValueKind::Date) => (Type::String, Some(KnownFormat::Date)),
        _ => (Type::String, None),
    };
    ObjectBuilder::new()
        .schema_type(ty)
        .format(format.map(SchemaFormat::KnownFormat))
}

impl<E: EntityTrait> FilterConfig<E> {
    /// The query parameters this configuration reads, for an OpenAPI operation.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// use advanced_alchemy_axum::FilterConfig;
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
    ///     .created_at().build().unwrap();
    /// let params = config.openapi_parameters();
    /// assert_eq!(params[0].name, "createdBefore");
    /// ```
    pub fn openapi_parameters(&self) -> Vec<Parameter> {
        let inner = self.inner();
        let field_kind = |name: &str| inner.schema.get(name).and_then(|f| f.kind());
        inner
            .params
            .iter()
            .map(|(name, param)| {
                let (schema, description): (Schema, String) = match param {
                    Param::Ids => (
                        ArrayBuilder::new()
                            .items(kind_schema(field_kind(&inner.id_field)))
                            .into(),
                        format!(
                            "Only rows whose `{}` is one of these (repeat the key)",
                            inner.id_field
                        ),
                    ),
                    Param::CreatedBefore => (
                        kind_schema(Some(ValueKind::DateTimeUtc)).into(),
                        "Created strictly before (RFC 3339)".into(),
                    ),
                    Param::CreatedAfter => (
                        kind_schema(Some(ValueKind::DateTimeUtc)).into(),
                        "Created strictly after (RFC 3339)".into(),
                    ),
                    Param::UpdatedBefore => (
                        kind_schema(Some(ValueKind::DateTimeUtc)).into(),
                        "Updated strictly before (RFC 3339)".into(),
                    ),
                    Param::UpdatedAfter => (
                        kind_schema(Some(ValueKind::DateTimeUtc)).into(),
                        "Updated strictly after (RFC 3339)".into(),
                    ),
                    Param::CurrentPage => (
                        kind_schema(Some(ValueKind::Int))
                            .minimum(Some(1))
                            .default(Some(1.into()))
                            .into(),
                        "Page number, from 1".into(),
                    ),
                    Param::PageSize => (
                        kind_schema(Some(ValueKind::Int))
                            .minimum(Some(1))
                            .maximum(Some(inner.max_page_size as f64))
                            .default(Some(inner.page_size.into()))
                            .into(),
                        "Rows per page".into(),
                    ),
                    Param::SearchString => (
                        kind_schema(None).into(),
                        format!(
                            "Text that one of {} contains",
                            inner.search_fields.join(", ")
                        ),
                    ),
                    Param::SearchIgnoreCase => (
                        kind_schema(Some(ValueKind::Bool))
                            .default(Some(inner.search_ignore_case.into()))
                            .into(),
                        "Whether the search ignores case".into(),
                    ),
                    Param::OrderBy => {
                        let sortable: Vec<String> = inner
                            .schema
                            .fields()
                            .iter()
                            .filter(|f| f.is_sortable())
                            .map(|f| f.name().to_owned())
                            .collect();
                        (
                            kind_schema(None)
                                .enum_values(Some(sortable))
                                .default(inner.sort_field.clone().map(Into::into))
                                .into(),
                            "Field to sort by".into(),
                        )
                    }
                    Param::SortOrder => {
                        let default = match inner.sort_order {
                            SortOrder::Asc => "asc",
                            SortOrder::Desc => "desc",
                        };
                        (
                            kind_schema(None)
                                .enum_values(Some(["asc", "desc"]))
                                .default(Some(default.into()))
                                .into(),
                            "Sort direction".into(),
                        )
                    }
                    Param::In(field) | Param::Choice(field) => (
                        ArrayBuilder::new()
                            .items(kind_schema(field_kind(field)))
                            .into(),
                        format!("Only rows whose `{field}` is one of these (repeat the key)"),
                    ),
                    Param::NotIn(field) => (
                        ArrayBuilder::new()
                            .items(kind_schema(field_kind(field)))
                            .into(),
                        format!("Only rows whose `{field}` is none of these (repeat the key)"),
                    ),
                    Param::Bool(field) => (
                        kind_schema(Some(ValueKind::Bool)).into(),
                        format!("Only rows whose `{field}` is this"),
                    ),
                };
                let repeated = matches!(schema, Schema::Array(_));
                let mut builder = ParameterBuilder::new()
                    .name(name.clone())
                    .parameter_in(ParameterIn::Query)
                    .required(Required::False)
                    .description(Some(description))
                    .schema(Some(schema));
                if repeated {
                    builder = builder
                        .style(Some(ParameterStyle::Form))
                        .explode(Some(true));
                }
                builder.build()
            })
            .collect()
    }
}

/// Adds `config`'s query parameters to the `method` operation of `path` in `doc` (a
/// no-op if the document has no such operation).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::params::FilterSchema;
/// use advanced_alchemy_axum::{FilterConfig, openapi::add_filter_parameters};
/// use utoipa::openapi::{HttpMethod, OpenApi};
/// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns()).pagination().build().unwrap();
/// let mut doc = OpenApi::new(Default::default(), utoipa::openapi::Paths::new());
/// add_filter_parameters(&mut doc, "/missing", HttpMethod::Get, &config); // nothing to do
/// ```
pub fn add_filter_parameters<E: EntityTrait>(
    doc: &mut OpenApi,
    path: &str,
    method: HttpMethod,
    config: &FilterConfig<E>,
) {
    let Some(item) = doc.paths.paths.get_mut(path) else {
        return;
    };
    let operation = match method {
        HttpMethod::Get => item.get.as_mut(),
        HttpMethod::Post => item.post.as_mut(),
        HttpMethod::Put => item.put.as_mut(),
        HttpMethod::Delete => item.delete.as_mut(),
        HttpMethod::Patch => item.patch.as_mut(),
        HttpMethod::Head => item.head.as_mut(),
        HttpMethod::Options => item.options.as_mut(),
        HttpMethod::Trace => item.trace.as_mut(),
    };
    let Some(operation) = operation else {
        return;
    };
    let params = operation.parameters.get_or_insert_with(Vec::new);
    for p in config.openapi_parameters() {
        let exists = params
            .iter()
            .any(|q| matches!(q, utoipa::openapi::RefOr::T(q) if q.name == p.name));
        if !exists {
            params.push(utoipa::openapi::RefOr::T(p));
        }
    }
}
