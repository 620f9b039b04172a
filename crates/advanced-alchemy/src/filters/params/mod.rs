//! Filters from the outside: query strings and JSON, checked against an allow-list.
//!
//! A [`FilterSchema`] lists the fields a caller may use, each a typed column with a
//! [`ValueKind`] and a set of [`FieldOp`]s, plus which fields sort and how large a
//! page may be. Parsing gives [`ParsedFilters`], a [`Filter`](super::Filter) for the
//! repository. Nothing from the request reaches SQL but bound values: field names
//! only select columns from the allow-list, operators only select filters.
//!
//! ## Query strings
//!
//! | parameter | meaning |
//! |---|---|
//! | `title=Rust` | `eq` (exact, also for text on MySQL) |
//! | `title__icontains=rust` | `field__op=value`; ops: `eq ne gt gte lt lte in not_in isnull contains icontains not_contains not_icontains startswith istartswith endswith iendswith` |
//! | `id__in=1,2,3` | comma-separated list; `\,` is a comma inside a value, `\\` a backslash; `id__in=` is the empty list, which matches nothing (`not_in=` filters nothing) |
//! | `deleted_at__isnull=true` | `IS NULL` (`false`: `IS NOT NULL`) |
//! | `order_by=-created_at,title:nulls_last` | sort: `-` for descending, `:nulls_first`/`:nulls_last` for NULLs |
//! | `limit=20&offset=40` | page (at most the schema's maximum page size) |
//!
//! The Litestar provider's names work too: `orderBy`/`sortOrder`,
//! `currentPage`/`pageSize` (1-based), `searchString`/`searchIgnoreCase`/`searchField`
//! (comma-separated fields; default: the schema's
//! [`search_fields`](FilterSchema::search_fields)), `createdBefore`/`createdAfter`/
//! `updatedBefore`/`updatedAfter` (strict bounds on `created_at`/`updated_at`) and
//! `ids` (`id` in a list). Those names, and `order_by`, `limit`, `offset`, `search`,
//! `search_fields`, `search_ignore_case`, `sort_order`, are parameters rather than
//! fields (a field of that name is still reachable as `limit__eq=…`).
//!
//! Every other parameter must be a field of the schema (or be skipped with
//! [`ignore_param`](FilterSchema::ignore_param)). All conditions are `AND`ed. An
//! unknown field, an operator the field does not allow, a value of the wrong type,
//! a field that does not sort, a page too large, too many values or terms: each is
//! an [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming the parameter
//! and the offending value (cut to 64 characters).
//!
//! Values by kind: integers, numbers (no NaN), booleans (`true`/`false`, `1`/`0`,
//! `yes`/`no`, `on`/`off`), UUIDs, date-times in RFC 3339 (`2024-01-01T00:00:00Z`; a
//! `+hh:mm` offset whose `+` became a space in the query string is understood), a
//! bare date (midnight UTC), dates, times; text is taken as is.
//!
//! ```
//! # mod post { use sea_orm::entity::prelude::*;
//! #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
//! #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
//! #   pub struct Model { pub title: String, pub published: bool, pub deleted_at: Option<DateTimeUtc> } }
//! use advanced_alchemy::filters::LimitOffset;
//! use advanced_alchemy::filters::params::FilterSchema;
//!
//! let schema = FilterSchema::<post::Entity>::all_columns().max_page_size(50);
//! let parsed = schema.parse_query(
//!     "title__icontains=foo&created_at__gte=2024-01-01T00:00:00Z&id__in=1,2,3\
//!      &published=true&deleted_at__isnull=true&order_by=-created_at&limit=20&offset=40",
//! )?;
//! assert_eq!(parsed.group().filters.len(), 5);
//! assert_eq!(parsed.page(), Some(LimitOffset::new(20, 40)));
//!
//! let err = schema.parse_query("id__contains=1").unwrap_err();
//! assert_eq!(err.to_string(), r#"invalid request: operator "contains" is not allowed for field "id""#);
//! assert!(schema.parse_query("limit=51").is_err());
//! # Ok::<(), advanced_alchemy::Error>(())
//! ```
//!
//! ## JSON
//!
//! [`MultiFilter`] reads the Python library's `MultiFilter` shape through the same
//! allow-list.

mod json;
mod parsed;
mod query;
mod schema;
mod value;

#[cfg(test)]
mod tests;

pub use parsed::ParsedFilters;
pub use schema::{Field, FieldOp, FilterSchema, ValueKind};

/// Filters from JSON in the Python library's `MultiFilter` shape, checked against a
/// [`FilterSchema`]: the same [`ParsedFilters`] as query strings give.
///
/// The top level holds `"and_"` and/or `"or_"` lists (`AND`ed together), or is one
/// typed filter. A list holds typed filters and nested `{"and_": […]}`/`{"or_": […]}`
/// objects, at most 10 levels deep. Typed filters, by `"type"`:
///
/// | type | keys |
/// |---|---|
/// | `before_after` | `field_name`, `before`, `after` (strict) |
/// | `on_before_after` | `field_name`, `on_or_before`, `on_or_after` |
/// | `boolean` | `field_name`, `value` (`null`: no filter) |
/// | `collection`, `choices` | `field_name`, `values` (`null`: no filter; `[]`: nothing) |
/// | `not_in_collection` | `field_name`, `values` (`null` or `[]`: no filter) |
/// | `null`, `not_null` | `field_name` |
/// | `search`, `not_in_search` | `field_name` (a name or a list), `value`, `ignore_case`; wildcards are always escaped (`escape_wildcards` is accepted and ignored) |
/// | `comparison` | `field_name`, `operator` (`eq ne gt ge lt le in notin between startswith istartswith endswith iendswith`, plus `contains`/`icontains`), `value` |
/// | `order_by` | `field_name`, `sort_order` (`asc`/`desc`), `nulls` (`first`/`last`) |
/// | `limit_offset` | `limit`, `offset` |
/// | `filter_group` | `logical_operator` (`and`/`or`), `filters` |
///
/// Stricter than the Python library, which skips what it cannot build: an unknown
/// type or key, a field outside the schema or a value of the wrong type is an
/// [`Error::InvalidRequest`](crate::Error::InvalidRequest). As there, a list with no
/// condition in it filters nothing; `exists`/`not_exists` (which carry SQL) and the
/// `like`/`ilike`/`dateeq` operators are refused.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub views: i64 } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{MultiFilter, params::FilterSchema};
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for (title, views) in [("Rust", 10), ("Go", 1000), ("Zig", 1)] {
///     posts.add(post::ActiveModel { title: Set(title.into()), views: Set(views), ..Default::default() }).await?;
/// }
/// let json = serde_json::json!({"or_": [
///     {"type": "search", "field_name": "title", "value": "ru", "ignore_case": true},
///     {"type": "comparison", "field_name": "views", "operator": "gt", "value": 100},
/// ], "and_": [{"type": "order_by", "field_name": "views", "sort_order": "desc"}]});
/// let schema = FilterSchema::<post::Entity>::all_columns();
/// let titles: Vec<String> = posts
///     .get_many(MultiFilter::from_json(&schema, &json)?)
///     .await?
///     .into_iter()
///     .map(|p| p.title)
///     .collect();
/// assert_eq!(titles, ["Go", "Rust"]);
/// let typo = serde_json::json!({"and_": [{"type": "null", "feild_name": "title"}]});
/// assert!(MultiFilter::from_json(&schema, &typo).is_err());
/// # Ok(()) }
/// ```
pub type MultiFilter<E> = ParsedFilters<E>;

pub(crate) use super::text::clip;

/// An [`Error::InvalidRequest`](crate::Error::InvalidRequest) with `message`.
pub(crate) fn invalid(message: String) -> crate::Error {
    crate::Error::InvalidRequest(message)
}
