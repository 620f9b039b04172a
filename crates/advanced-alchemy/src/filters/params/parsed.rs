//! [`ParsedFilters`]: what a query string or JSON turns into, and the pieces both
//! parsers build it from.

use super::schema::{Field, FieldOp, FilterSchema};
use super::{clip, invalid, json, query};
use crate::error::Result;
use crate::filters::{
    CollectionFilter, ComparisonFilter, Filter, FilterGroup, FilterQuery, LimitOffset, MatchMode,
    NotInCollectionFilter, NotInSearchFilter, NotNullFilter, NullFilter, NullsOrder, Operator,
    OrderBy, Predicate, SearchFilter, SortOrder,
};
use sea_orm::EntityTrait;
use sea_orm::sea_query::Value;

/// Filters checked against a [`FilterSchema`]: an `AND` group of conditions, an
/// ordering and a page. It is a [`Filter`], so it goes straight into
/// [`Repository::get_many`](crate::repository::Repository::get_many) and friends.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::params::FilterSchema;
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for title in ["Rust", "rusty", "Go"] {
///     posts.add(post::ActiveModel { title: Set(title.into()), ..Default::default() }).await?;
/// }
/// let schema = FilterSchema::<post::Entity>::all_columns();
/// let parsed = schema.parse_query("title__icontains=rust&order_by=-title&limit=1")?;
/// let (page, total) = posts.get_many_and_count(parsed).await?;
/// assert_eq!((page[0].title.as_str(), total), ("rusty", 2));
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ParsedFilters<E: EntityTrait> {
    group: FilterGroup<E>,
    order: Vec<OrderBy<E::Column>>,
    page: Option<LimitOffset>,
}

impl<E: EntityTrait> ParsedFilters<E> {
    /// Parses a raw query string (see [`FilterSchema::parse_query`]).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{FilterSchema, ParsedFilters};
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// let err = ParsedFilters::from_query(&schema, "nope=1").unwrap_err();
    /// assert!(err.to_string().contains("unknown filter field \"nope\""), "{err}");
    /// ```
    pub fn from_query(schema: &FilterSchema<E>, query: &str) -> Result<Self> {
        query::parse(schema, form_urlencoded::parse(query.as_bytes()))
    }

    /// Parses decoded `(name, value)` pairs (see [`FilterSchema::parse_pairs`]).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{FilterSchema, ParsedFilters};
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// let parsed = ParsedFilters::from_pairs(&schema, [("title", "a, b & c")]).unwrap();
    /// assert_eq!(parsed.group().filters.len(), 1);
    /// ```
    pub fn from_pairs<K: AsRef<str>, V: AsRef<str>>(
        schema: &FilterSchema<E>,
        pairs: impl IntoIterator<Item = impl std::borrow::Borrow<(K, V)>>,
    ) -> Result<Self> {
        let pairs: Vec<(String, String)> = pairs
            .into_iter()
            .map(|pair| {
                let (k, v) = pair.borrow();
                (k.as_ref().to_owned(), v.as_ref().to_owned())
            })
            .collect();
        query::parse(schema, pairs.into_iter())
    }

    /// Parses JSON in the Python library's `MultiFilter` shape (see
    /// [`MultiFilter`](crate::filters::MultiFilter)).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{FilterSchema, ParsedFilters};
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// let json = serde_json::json!({"or_": [{"type": "comparison", "field_name": "id", "operator": "lt", "value": 3}]});
    /// assert_eq!(ParsedFilters::from_json(&schema, &json).unwrap().group().filters.len(), 1);
    /// ```
    pub fn from_json(schema: &FilterSchema<E>, json: &serde_json::Value) -> Result<Self> {
        json::parse(schema, json)
    }

    /// Parses JSON text in the `MultiFilter` shape.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::params::{FilterSchema, ParsedFilters};
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// assert!(ParsedFilters::from_json_str(&schema, r#"{"and_": [{"type": "not_null", "field_name": "title"}]}"#).is_ok());
    /// assert!(ParsedFilters::from_json_str(&schema, "{").is_err());
    /// ```
    pub fn from_json_str(schema: &FilterSchema<E>, json: &str) -> Result<Self> {
        let value: serde_json::Value = serde_json::from_str(json)
            .map_err(|e| invalid(format!("filters are not valid JSON: {e}")))?;
        Self::from_json(schema, &value)
    }

    pub(crate) fn new(
        group: FilterGroup<E>,
        order: Vec<OrderBy<E::Column>>,
        page: Option<LimitOffset>,
    ) -> Self {
        Self { group, order, page }
    }

    /// The conditions, an `AND` group.
    pub fn group(&self) -> &FilterGroup<E> {
        &self.group
    }

    /// The conditions alone, to nest or combine further.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterGroup, params::FilterSchema};
    /// let schema = FilterSchema::<post::Entity>::all_columns();
    /// let mine = schema.parse_query("title=a")?.into_group();
    /// let either = FilterGroup::or().with(mine).with(schema.parse_query("id=1")?.into_group());
    /// assert_eq!(either.filters.len(), 2);
    /// # Ok::<(), advanced_alchemy::Error>(())
    /// ```
    pub fn into_group(self) -> FilterGroup<E> {
        self.group
    }

    /// The ordering (the schema's default when the caller gave none).
    pub fn order(&self) -> &[OrderBy<E::Column>] {
        &self.order
    }

    /// The page, if any.
    pub fn page(&self) -> Option<LimitOffset> {
        self.page
    }
}

impl<E: EntityTrait> Filter<E> for ParsedFilters<E> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        // (an empty AND group would add a needless `1 = 1`)
        if !self.group.filters.is_empty() {
            self.group.apply(query);
        }
        for order in &self.order {
            order.apply(query);
        }
        self.page.apply(query);
    }

    fn apply_in_memory(&self, query: &mut crate::filters::MemoryQuery<E>) -> Result<()> {
        if !self.group.filters.is_empty() {
            query.retain(&self.group)?;
        }
        for order in &self.order {
            order.apply_in_memory(query)?;
        }
        self.page.apply_in_memory(query)
    }
}

/// Counts filter terms against the schema's cap.
pub(crate) struct Budget {
    left: usize,
    max: usize,
}

impl Budget {
    pub(crate) fn new(max: usize) -> Self {
        Self { left: max, max }
    }

    pub(crate) fn spend(&mut self) -> Result<()> {
        self.left = self.left.checked_sub(1).ok_or_else(|| {
            invalid(format!(
                "too many filters (at most {} are allowed)",
                self.max
            ))
        })?;
        Ok(())
    }
}

/// `field <op> value` for the comparison operations.
pub(crate) fn comparison<E: EntityTrait>(
    field: &Field<E::Column>,
    op: FieldOp,
    value: Value,
) -> Result<Box<dyn Predicate<E>>> {
    field.check(op)?;
    let operator = match op {
        FieldOp::Eq => Operator::Eq,
        FieldOp::Ne => Operator::Ne,
        FieldOp::Gt => Operator::Gt,
        FieldOp::Ge => Operator::Ge,
        FieldOp::Lt => Operator::Lt,
        FieldOp::Le => Operator::Le,
        other => return Err(invalid(format!("{:?} is not a comparison", other.as_str()))),
    };
    Ok(Box::new(ComparisonFilter::new(
        field.column(),
        operator,
        value,
    )))
}

/// `field [NOT] IN (values…)`.
pub(crate) fn membership<E: EntityTrait>(
    schema: &FilterSchema<E>,
    field: &Field<E::Column>,
    op: FieldOp,
    values: Option<Vec<Value>>,
) -> Result<Box<dyn Predicate<E>>> {
    field.check(op)?;
    if let Some(values) = &values
        && values.len() > schema.max_values
    {
        return Err(invalid(format!(
            "too many values for field {:?} ({}, at most {} are allowed)",
            field.name(),
            values.len(),
            schema.max_values
        )));
    }
    Ok(match op {
        FieldOp::NotIn => Box::new(NotInCollectionFilter::optional(field.column(), values)),
        _ => Box::new(CollectionFilter::optional(field.column(), values)),
    })
}

/// `field IS [NOT] NULL`.
pub(crate) fn nullness<E: EntityTrait>(
    field: &Field<E::Column>,
    is_null: bool,
) -> Result<Box<dyn Predicate<E>>> {
    field.check(FieldOp::IsNull)?;
    Ok(if is_null {
        Box::new(NullFilter::new(field.column()))
    } else {
        Box::new(NotNullFilter::new(field.column()))
    })
}

/// A text match (`contains`, `istartswith`, `not_icontains`, …) over `fields`.
pub(crate) fn text_match<E: EntityTrait>(
    fields: &[&Field<E::Column>],
    op: FieldOp,
    value: String,
) -> Result<Box<dyn Predicate<E>>> {
    for field in fields {
        field.check(op)?;
    }
    let columns = fields.iter().map(|f| f.column());
    let (mode, ignore_case, negated) = match op {
        FieldOp::Contains => (MatchMode::Contains, false, false),
        FieldOp::IContains => (MatchMode::Contains, true, false),
        FieldOp::NotContains => (MatchMode::Contains, false, true),
        FieldOp::NotIContains => (MatchMode::Contains, true, true),
        FieldOp::StartsWith => (MatchMode::StartsWith, false, false),
        FieldOp::IStartsWith => (MatchMode::StartsWith, true, false),
        FieldOp::EndsWith => (MatchMode::EndsWith, false, false),
        FieldOp::IEndsWith => (MatchMode::EndsWith, true, false),
        other => return Err(invalid(format!("{:?} is not a text match", other.as_str()))),
    };
    Ok(if negated {
        Box::new(
            NotInSearchFilter::across(columns, value)
                .ignore_case(ignore_case)
                .mode(mode),
        )
    } else {
        Box::new(
            SearchFilter::across(columns, value)
                .ignore_case(ignore_case)
                .mode(mode),
        )
    })
}

/// The ordering by the field called `name`, if it may be sorted by.
pub(crate) fn order_by<E: EntityTrait>(
    schema: &FilterSchema<E>,
    name: &str,
    sort_order: SortOrder,
    nulls: Option<NullsOrder>,
) -> Result<OrderBy<E::Column>> {
    let field = schema
        .get(name)
        .filter(|f| f.is_sortable())
        .ok_or_else(|| {
            let sortable: Vec<&str> = schema
                .fields
                .iter()
                .filter(|f| f.is_sortable())
                .map(|f| f.name())
                .collect();
            invalid(format!(
                "cannot sort by {:?} (sortable: {})",
                clip(name),
                sortable.join(", ")
            ))
        })?;
    let order = OrderBy::new(field.column(), sort_order);
    Ok(match nulls {
        Some(nulls) => order.nulls(nulls),
        None => order,
    })
}

/// The page for a requested `limit` and `offset`, within the schema's bounds.
pub(crate) fn page<E: EntityTrait>(
    schema: &FilterSchema<E>,
    limit: Option<u64>,
    offset: Option<u64>,
) -> Result<Option<LimitOffset>> {
    if let Some(limit) = limit {
        if limit == 0 {
            return Err(invalid("the page size must be at least 1".to_owned()));
        }
        if limit > schema.max_page_size {
            return Err(invalid(format!(
                "page size {limit} is over the maximum of {}",
                schema.max_page_size
            )));
        }
    }
    if let Some(offset) = offset
        && i64::try_from(offset).is_err()
    {
        return Err(invalid(format!("offset {offset} is too large")));
    }
    let default = schema.default_page_size;
    Ok(match (limit, offset) {
        (None, None) => default.map(|size| LimitOffset::new(size, 0)),
        (limit, offset) => Some(LimitOffset::new(
            limit.or(default).unwrap_or(schema.max_page_size),
            offset.unwrap_or(0),
        )),
    })
}
