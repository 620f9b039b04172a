//! [`Filters`]: the list endpoint's filters from the query string, configured like
//! Python's `FilterConfig` ([`FilterConfig`]), checked against the
//! [`FilterSchema`] allow-list.

use crate::config::ConfigError;
use crate::error::ApiError;
use advanced_alchemy::filters::params::{FieldOp, FilterSchema, ParsedFilters};
use advanced_alchemy::filters::{Filter, FilterQuery, LimitOffset, SortOrder};
use axum::extract::{FromRef, FromRequestParts};
use http::request::Parts;
use sea_orm::EntityTrait;
use std::sync::Arc;

/// How the public parameter names are spelt (Python 1.12's `alias_generator` presets).
///
/// ```
/// use advanced_alchemy_axum::filters::AliasGenerator;
/// assert_eq!(AliasGenerator::CamelCase.alias("created_before"), "createdBefore");
/// assert_eq!(AliasGenerator::SnakeCase.alias("created_before"), "created_before");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum AliasGenerator {
    /// `createdBefore`, `pageSize`, `publishedAtIn` (the default, as in Python).
    #[default]
    CamelCase,
    /// `created_before`, `page_size`, `published_at_in`.
    SnakeCase,
}

impl AliasGenerator {
    /// The public name of `snake_name`.
    ///
    /// ```
    /// use advanced_alchemy_axum::filters::AliasGenerator;
    /// assert_eq!(AliasGenerator::CamelCase.alias("tag_id_not_in"), "tagIdNotIn");
    /// ```
    pub fn alias(self, snake_name: &str) -> String {
        match self {
            AliasGenerator::SnakeCase => snake_name.to_owned(),
            AliasGenerator::CamelCase => {
                let mut out = String::with_capacity(snake_name.len());
                let mut upper = false;
                for c in snake_name.chars() {
                    if c == '_' {
                        upper = !out.is_empty();
                    } else if upper {
                        out.extend(c.to_uppercase());
                        upper = false;
                    } else {
                        out.push(c);
                    }
                }
                out
            }
        }
    }
}

/// What one public parameter means.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Param {
    Ids,
    CreatedBefore,
    CreatedAfter,
    UpdatedBefore,
    UpdatedAfter,
    CurrentPage,
    PageSize,
    SearchString,
    SearchIgnoreCase,
    OrderBy,
    SortOrder,
    In(String),
    NotIn(String),
    Bool(String),
    Choice(String),
}

impl Param {
    fn snake_name(&self) -> String {
        match self {
            Param::Ids => "ids".into(),
            Param::CreatedBefore => "created_before".into(),
            Param::CreatedAfter => "created_after".into(),
            Param::UpdatedBefore => "updated_before".into(),
            Param::UpdatedAfter => "updated_after".into(),
            Param::CurrentPage => "current_page".into(),
            Param::PageSize => "page_size".into(),
            Param::SearchString => "search_string".into(),
            Param::SearchIgnoreCase => "search_ignore_case".into(),
            Param::OrderBy => "order_by".into(),
            Param::SortOrder => "sort_order".into(),
            Param::In(f) => format!("{f}_in"),
            Param::NotIn(f) => format!("{f}_not_in"),
            Param::Bool(f) | Param::Choice(f) => f.clone(),
        }
    }

    /// Whether the parameter may repeat (`ids=1&ids=2`).
    fn repeats(&self) -> bool {
        matches!(
            self,
            Param::Ids | Param::In(_) | Param::NotIn(_) | Param::Choice(_)
        )
    }
}

/// The list endpoint's filters, as Python's `FilterConfig` declares them: which
/// parameters exist, their defaults, and the [`FilterSchema`] they are checked against.
///
#[doc = include_str!("../docs/filters.md")]
pub struct FilterConfig<E: EntityTrait> {
    inner: Arc<Inner<E>>,
}

impl<E: EntityTrait> Clone for FilterConfig<E> {
    fn clone(&self) -> Self {
        Self {
            inner: Arc::clone(&self.inner),
        }
    }
}

impl<E: EntityTrait> std::fmt::Debug for FilterConfig<E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FilterConfig")
            .field("parameters", &self.parameter_names())
            .finish()
    }
}

pub(crate) struct Inner<E: EntityTrait> {
    pub(crate) schema: FilterSchema<E>,
    pub(crate) id_field: String,
    pub(crate) page_size: u64,
    pub(crate) max_page_size: u64,
    pub(crate) search_fields: Vec<String>,
    pub(crate) search_ignore_case: bool,
    pub(crate) sort_field: Option<String>,
    pub(crate) sort_order: SortOrder,
    /// Public name → meaning, in declaration order.
    pub(crate) params: Vec<(String, Param)>,
    pub(crate) ignored: Vec<String>,
}

/// Builds a [`FilterConfig`]: each method switches on one of Python's
/// `FilterConfig` keys; [`build`](Self::build) checks them against the schema.
pub struct FilterConfigBuilder<E: EntityTrait> {
    schema: FilterSchema<E>,
    id_field: Option<String>,
    created_at: bool,
    updated_at: bool,
    pagination: bool,
    page_size: u64,
    max_page_size: u64,
    search_fields: Vec<String>,
    search_ignore_case: bool,
    sort_field: Option<String>,
    sort_order: SortOrder,
    in_fields: Vec<String>,
    not_in_fields: Vec<String>,
    boolean_fields: Vec<String>,
    choice_fields: Vec<String>,
    alias: AliasGenerator,
    ignored: Vec<String>,
}

/// The default `pageSize` (Python's `DEFAULT_PAGINATION_SIZE`).
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The default maximum `pageSize` (Python has none).
pub const DEFAULT_MAX_PAGE_SIZE: u64 = 100;

impl<E: EntityTrait> FilterConfig<E> {
    /// Starts a configuration whose fields are checked against `schema` (which
    /// fields exist, which sort). No parameter is on until switched on.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// use advanced_alchemy_axum::filters::FilterConfig;
    ///
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
    ///     .id_filter("id")
    ///     .pagination()
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.parameter_names(), ["ids", "currentPage", "pageSize"]);
    /// ```
    pub fn builder(schema: FilterSchema<E>) -> FilterConfigBuilder<E> {
        FilterConfigBuilder {
            schema,
            id_field: None,
            created_at: false,
            updated_at: false,
            pagination: false,
            page_size: DEFAULT_PAGE_SIZE,
            max_page_size: DEFAULT_MAX_PAGE_SIZE,
            search_fields: Vec::new(),
            search_ignore_case: false,
            sort_field: None,
            sort_order: SortOrder::Desc,
            in_fields: Vec::new(),
            not_in_fields: Vec::new(),
            boolean_fields: Vec::new(),
            choice_fields: Vec::new(),
            alias: AliasGenerator::CamelCase,
            ignored: Vec::new(),
        }
    }

    /// The public parameter names, in the order they were switched on.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// use advanced_alchemy_axum::filters::{AliasGenerator, FilterConfig};
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
    ///     .created_at()
    ///     .alias_generator(AliasGenerator::SnakeCase)
    ///     .build()
    ///     .unwrap();
    /// assert_eq!(config.parameter_names(), ["created_before", "created_after"]);
    /// ```
    pub fn parameter_names(&self) -> Vec<&str> {
        self.inner.params.iter().map(|(n, _)| n.as_str()).collect()
    }

    #[cfg(feature = "openapi")]
    pub(crate) fn inner(&self) -> &Inner<E> {
        &self.inner
    }

    /// Reads the filters from decoded query pairs (what the [`Filters`] extractor does).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::LimitOffset;
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// use advanced_alchemy_axum::filters::FilterConfig;
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
    ///     .id_filter("id")
    ///     .pagination()
    ///     .sort_field("title")
    ///     .build()
    ///     .unwrap();
    /// let filters = config.parse([("ids", "1"), ("ids", "2"), ("currentPage", "3")]).unwrap();
    /// assert_eq!(filters.page(), Some(LimitOffset::new(20, 40)));
    /// let err = config.parse([("orderBy", "secret")]).unwrap_err();
    /// assert!(err.detail().unwrap().contains("\"orderBy\""), "{err}");
    /// ```
    pub fn parse<K: AsRef<str>, V: AsRef<str>>(
        &self,
        pairs: impl IntoIterator<Item = (K, V)>,
    ) -> Result<Filters<E>, ApiError> {
        parse(&self.inner, pairs).map_err(ApiError::from)
    }
}

impl<E: EntityTrait> FilterConfigBuilder<E> {
    /// `ids` (repeated key): rows whose `field` is one of the values (Python's `id_filter`
    /// with `id_field`).
    pub fn id_filter(mut self, field: impl Into<String>) -> Self {
        self.id_field = Some(field.into());
        self
    }

    /// `createdBefore`/`createdAfter`: strict bounds on `created_at`.
    pub fn created_at(mut self) -> Self {
        self.created_at = true;
        self
    }

    /// `updatedBefore`/`updatedAfter`: strict bounds on `updated_at`.
    pub fn updated_at(mut self) -> Self {
        self.updated_at = true;
        self
    }

    /// `currentPage` (from 1, default 1) and `pageSize` (default [`DEFAULT_PAGE_SIZE`]):
    /// Python's `pagination_type="limit_offset"`.
    pub fn pagination(mut self) -> Self {
        self.pagination = true;
        self
    }

    /// The default `pageSize` (Python's `pagination_size`).
    pub fn page_size(mut self, size: u64) -> Self {
        self.page_size = size;
        self
    }

    /// The largest `pageSize` a client may ask for (default [`DEFAULT_MAX_PAGE_SIZE`]);
    /// more is a 400.
    pub fn max_page_size(mut self, max: u64) -> Self {
        self.max_page_size = max;
        self
    }

    /// `searchString`/`searchIgnoreCase` over `fields` (Python's `search`).
    pub fn search<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.search_fields = fields.into_iter().map(Into::into).collect();
        self
    }

    /// The default of `searchIgnoreCase` (Python's `search_ignore_case`, default `false`).
    pub fn search_ignore_case(mut self, ignore_case: bool) -> Self {
        self.search_ignore_case = ignore_case;
        self
    }

    /// `orderBy` (default `field`) and `sortOrder` (default `desc`): Python's
    /// `sort_field`. `orderBy` accepts only the schema's sortable fields.
    pub fn sort_field(mut self, field: impl Into<String>) -> Self {
        self.sort_field = Some(field.into());
        self
    }

    /// The default of `sortOrder` (Python's `sort_order`).
    pub fn sort_order(mut self, order: SortOrder) -> Self {
        self.sort_order = order;
        self
    }

    /// `<field>In` (repeated key) for each of `fields` (Python's `in_fields`).
    pub fn in_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.in_fields.extend(fields.into_iter().map(Into::into));
        self
    }

    /// `<field>NotIn` (repeated key) for each of `fields` (Python's `not_in_fields`).
    pub fn not_in_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.not_in_fields
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// `<field>=true|false` for each of `fields` (Python's `boolean_fields`).
    pub fn boolean_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.boolean_fields
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// `<field>=a&<field>=b`: one of the given choices, for each of `fields`
    /// (Python's `choice_fields`).
    pub fn choice_fields<S: Into<String>>(mut self, fields: impl IntoIterator<Item = S>) -> Self {
        self.choice_fields
            .extend(fields.into_iter().map(Into::into));
        self
    }

    /// How public names are spelt (Python's `alias_generator`; default camel case).
    pub fn alias_generator(mut self, alias: AliasGenerator) -> Self {
        self.alias = alias;
        self
    }

    /// A query parameter the handler reads itself, which the extractor should skip
    /// instead of rejecting as unknown.
    pub fn ignore_param(mut self, name: impl Into<String>) -> Self {
        self.ignored.push(name.into());
        self
    }

    /// The configuration, or what is wrong with it: a field the schema lacks or that
    /// does not allow the operation, a sort field that does not sort, two parameters
    /// with the same public name, a default page size over the maximum.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::FilterSchema;
    /// use advanced_alchemy_axum::filters::FilterConfig;
    /// let err = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns())
    ///     .in_fields(["nope"])
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "filter field \"nope\" is not in the schema");
    /// ```
    pub fn build(self) -> Result<FilterConfig<E>, ConfigError> {
        let schema = self.schema.max_page_size(self.max_page_size);
        let need = |name: &str, op: Option<FieldOp>| -> Result<(), ConfigError> {
            let field = schema.get(name).ok_or_else(|| {
                ConfigError(format!("filter field {name:?} is not in the schema"))
            })?;
            if let Some(op) = op
                && !field.allows(op)
            {
                return Err(ConfigError(format!(
                    "filter field {name:?} does not allow {:?}",
                    op.as_str()
                )));
            }
            Ok(())
        };
        let mut params: Vec<Param> = Vec::new();
        if let Some(id) = &self.id_field {
            need(id, Some(FieldOp::In))?;
            params.push(Param::Ids);
        }
        if self.created_at {
            need("created_at", Some(FieldOp::Lt))?;
            params.extend([Param::CreatedBefore, Param::CreatedAfter]);
        }
        if self.updated_at {
            need("updated_at", Some(FieldOp::Lt))?;
            params.extend([Param::UpdatedBefore, Param::UpdatedAfter]);
        }
        if self.pagination {
            if self.page_size == 0 || self.page_size > self.max_page_size {
                return Err(ConfigError(format!(
                    "default page size {} is not between 1 and the maximum {}",
                    self.page_size, self.max_page_size
                )));
            }
            params.extend([Param::CurrentPage, Param::PageSize]);
        }
        if !self.search_fields.is_empty() {
            for f in &self.search_fields {
                need(f, Some(FieldOp::Contains))?;
            }
            params.extend([Param::SearchString, Param::SearchIgnoreCase]);
        }
        if let Some(sort) = &self.sort_field {
            need(sort, None)?;
            if !schema.get(sort).is_some_and(|f| f.is_sortable()) {
                return Err(ConfigError(format!("sort field {sort:?} does not sort")));
            }
            params.extend([Param::OrderBy, Param::SortOrder]);
        }
        for f in &self.not_in_fields {
            need(f, Some(FieldOp::NotIn))?;
            params.push(Param::NotIn(f.clone()));
        }
        for f in &self.in_fields {
            need(f, Some(FieldOp::In))?;
            params.push(Param::In(f.clone()));
        }
        for f in &self.boolean_fields {
            need(f, Some(FieldOp::Eq))?;
            params.push(Param::Bool(f.clone()));
        }
        for f in &self.choice_fields {
            need(f, Some(FieldOp::In))?;
            params.push(Param::Choice(f.clone()));
        }
        let mut named: Vec<(String, Param)> = Vec::with_capacity(params.len());
        for param in params {
            let alias = self.alias.alias(&param.snake_name());
            if named.iter().any(|(n, _)| *n == alias) {
                return Err(ConfigError(format!(
                    "two filter parameters are both called {alias:?}"
                )));
            }
            named.push((alias, param));
        }
        Ok(FilterConfig {
            inner: Arc::new(Inner {
                schema,
                id_field: self.id_field.unwrap_or_else(|| "id".to_owned()),
                page_size: self.page_size,
                max_page_size: self.max_page_size,
                search_fields: self.search_fields,
                search_ignore_case: self.search_ignore_case,
                sort_field: self.sort_field,
                sort_order: self.sort_order,
                params: named,
                ignored: self.ignored,
            }),
        })
    }
}

/// The filters of one request: conditions, order and page, ready for the
/// repository or service (`get_many_and_count(filters)`).
///
/// Extracted when the router's state gives a [`FilterConfig<E>`] (through
/// [`FromRef`]); a bad parameter is a 400 `application/problem+json` naming it.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::repository::Repository;
/// use advanced_alchemy_axum::{ApiError, DbSession, filters::Filters};
///
/// async fn list(db: DbSession, filters: Filters<post::Entity>) -> Result<String, ApiError> {
///     let (rows, total) = Repository::<post::Entity, _>::new(&db).get_many_and_count(filters).await?;
///     Ok(format!("{} of {total}", rows.len()))
/// }
/// ```
#[derive(Debug)]
pub struct Filters<E: EntityTrait> {
    parsed: ParsedFilters<E>,
}

impl<E: EntityTrait> Filters<E> {
    /// The page asked for (`None` when the configuration has no pagination), for
    /// [`OffsetPagination::new`](advanced_alchemy::pagination::OffsetPagination::new).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # use advanced_alchemy::filters::{LimitOffset, params::FilterSchema};
    /// # use advanced_alchemy_axum::filters::FilterConfig;
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns()).pagination().build().unwrap();
    /// let filters = config.parse([("pageSize", "5"), ("currentPage", "2")]).unwrap();
    /// assert_eq!(filters.page(), Some(LimitOffset::new(5, 5)));
    /// ```
    pub fn page(&self) -> Option<LimitOffset> {
        self.parsed.page()
    }

    /// The checked filters underneath.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # use advanced_alchemy::filters::params::FilterSchema;
    /// # use advanced_alchemy_axum::filters::FilterConfig;
    /// let config = FilterConfig::builder(FilterSchema::<post::Entity>::all_columns()).build().unwrap();
    /// let filters = config.parse(std::iter::empty::<(&str, &str)>()).unwrap();
    /// assert!(filters.into_parsed().group().filters.is_empty());
    /// ```
    pub fn into_parsed(self) -> ParsedFilters<E> {
        self.parsed
    }
}

impl<E: EntityTrait> Filter<E> for Filters<E> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        self.parsed.apply(query);
    }
}

impl<E, S> FromRequestParts<S> for Filters<E>
where
    E: EntityTrait,
    FilterConfig<E>: FromRef<S>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let config = FilterConfig::<E>::from_ref(state);
        let axum_extra::extract::Query(pairs) =
            axum_extra::extract::Query::<Vec<(String, String)>>::from_request_parts(parts, state)
                .await
                .map_err(|err| {
                    ApiError::new(
                        http::StatusCode::BAD_REQUEST,
                        format!("invalid query string: {}", err.body_text()),
                    )
                })?;
        config.parse(pairs)
    }
}

fn bad(param: &str, message: impl std::fmt::Display) -> advanced_alchemy::Error {
    advanced_alchemy::Error::InvalidRequest(format!("query parameter {param:?}: {message}"))
}

fn parse_bool(raw: &str) -> Option<bool> {
    match raw.trim().to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// Escapes one list item for the schema's comma-separated list syntax.
fn escape_item(out: &mut String, item: &str) {
    if !out.is_empty() {
        out.push(',');
    }
    for c in item.chars() {
        if matches!(c, ',' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
}

/// The public parameters turned into the schema's own query pairs, each tagged with
/// the public name it came from.
fn parse<E: EntityTrait, K: AsRef<str>, V: AsRef<str>>(
    config: &Inner<E>,
    pairs: impl IntoIterator<Item = (K, V)>,
) -> advanced_alchemy::Result<Filters<E>> {
    // per parameter (index into config.params): the values given
    let mut given: Vec<Vec<String>> = vec![Vec::new(); config.params.len()];
    for (key, value) in pairs {
        let (key, value) = (key.as_ref(), value.as_ref());
        let Some(at) = config.params.iter().position(|(name, _)| name == key) else {
            if config.ignored.iter().any(|n| n == key) {
                continue;
            }
            let known = config.parameter_list();
            return Err(advanced_alchemy::Error::InvalidRequest(format!(
                "unknown query parameter {:?} (known: {known})",
                clip(key)
            )));
        };
        let param = &config.params[at].1;
        if !param.repeats() && !given[at].is_empty() {
            return Err(bad(key, "given more than once"));
        }
        given[at].push(value.to_owned());
    }

    let mut internal: Vec<(usize, String, String)> = Vec::new();
    let mut page = (1u64, config.page_size);
    let mut search: Option<String> = None;
    let mut ignore_case = config.search_ignore_case;
    let mut order_by = config.sort_field.clone();
    let mut sort_order = config.sort_order;
    for (at, ((name, param), values)) in config.params.iter().zip(&given).enumerate() {
        let Some(first) = values.first() else {
            continue;
        };
        let list = || {
            let mut out = String::new();
            for v in values {
                escape_item(&mut out, v);
            }
            out
        };
        match param {
            Param::Ids => internal.push((at, format!("{}__in", config.id_field), list())),
            Param::CreatedBefore => internal.push((at, "created_at__lt".into(), first.clone())),
            Param::CreatedAfter => internal.push((at, "created_at__gt".into(), first.clone())),
            Param::UpdatedBefore => internal.push((at, "updated_at__lt".into(), first.clone())),
            Param::UpdatedAfter => internal.push((at, "updated_at__gt".into(), first.clone())),
            Param::CurrentPage => {
                page.0 = first
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        bad(
                            name,
                            format_args!("expected a whole number from 1, got {:?}", clip(first)),
                        )
                    })?;
            }
            Param::PageSize => {
                let size = first
                    .trim()
                    .parse::<u64>()
                    .ok()
                    .filter(|n| *n >= 1)
                    .ok_or_else(|| {
                        bad(
                            name,
                            format_args!("expected a whole number from 1, got {:?}", clip(first)),
                        )
                    })?;
                if size > config.max_page_size {
                    return Err(bad(
                        name,
                        format_args!("{size} is over the maximum of {}", config.max_page_size),
                    ));
                }
                page.1 = size;
            }
            Param::SearchString => search = Some(first.clone()),
            Param::SearchIgnoreCase => {
                ignore_case = parse_bool(first).ok_or_else(|| {
                    bad(
                        name,
                        format_args!("expected true or false, got {:?}", clip(first)),
                    )
                })?;
            }
            Param::OrderBy => order_by = Some(first.trim().to_owned()),
            Param::SortOrder => {
                sort_order = match first.trim().to_ascii_lowercase().as_str() {
                    "asc" => SortOrder::Asc,
                    "desc" => SortOrder::Desc,
                    _ => {
                        return Err(bad(
                            name,
                            format_args!("expected asc or desc, got {:?}", clip(first)),
                        ));
                    }
                };
            }
            Param::In(field) | Param::Choice(field) => {
                internal.push((at, format!("{field}__in"), list()))
            }
            Param::NotIn(field) => internal.push((at, format!("{field}__not_in"), list())),
            Param::Bool(field) => {
                let value = parse_bool(first).ok_or_else(|| {
                    bad(
                        name,
                        format_args!("expected true or false, got {:?}", clip(first)),
                    )
                })?;
                internal.push((at, field.clone(), value.to_string()))
            }
        }
    }
    let position = |p: &Param| config.params.iter().position(|(_, q)| q == p);
    if let Some(search) = search.filter(|s| !s.is_empty())
        && let Some(at) = position(&Param::SearchString)
    {
        let mut fields = String::new();
        for f in &config.search_fields {
            escape_item(&mut fields, f);
        }
        internal.push((at, "searchString".into(), search));
        internal.push((at, "searchField".into(), fields));
        internal.push((at, "searchIgnoreCase".into(), ignore_case.to_string()));
    }
    if let (Some(field), Some(at)) = (order_by, position(&Param::OrderBy)) {
        internal.push((at, "orderBy".into(), field));
        let direction = match sort_order {
            SortOrder::Asc => "asc",
            SortOrder::Desc => "desc",
        };
        internal.push((at, "sortOrder".into(), direction.into()));
    }
    if let Some(at) = position(&Param::CurrentPage) {
        internal.push((at, "pageSize".into(), page.1.to_string()));
        internal.push((at, "currentPage".into(), page.0.to_string()));
    }
    let all = || internal.iter().map(|(_, k, v)| (k.as_str(), v.as_str()));
    match config.schema.parse_pairs(all().collect::<Vec<_>>()) {
        Ok(parsed) => Ok(Filters { parsed }),
        // name the public parameter: find the one whose pairs fail on their own
        Err(err) => {
            for (at, (name, _)) in config.params.iter().enumerate() {
                let own: Vec<(&str, &str)> = internal
                    .iter()
                    .filter(|(i, ..)| *i == at)
                    .map(|(_, k, v)| (k.as_str(), v.as_str()))
                    .collect();
                if own.is_empty() {
                    continue;
                }
                if let Err(own_err) = config.schema.parse_pairs(own) {
                    return Err(bad(name, inner_message(own_err)));
                }
            }
            Err(err)
        }
    }
}

fn inner_message(err: advanced_alchemy::Error) -> String {
    match err {
        advanced_alchemy::Error::InvalidRequest(message) => message,
        other => other.to_string(),
    }
}

fn clip(s: &str) -> &str {
    match s.char_indices().nth(64) {
        Some((at, _)) => &s[..at],
        None => s,
    }
}

impl<E: EntityTrait> Inner<E> {
    fn parameter_list(&self) -> String {
        if self.params.is_empty() {
            return "none".to_owned();
        }
        self.params
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}
