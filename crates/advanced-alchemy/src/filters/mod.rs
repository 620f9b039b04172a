//! Typed, composable filters for [`Repository`](crate::repository::Repository) reads.
//!
//! A filter is anything that implements [`Filter<E>`] for the entity `E`: the filter
//! structs of this module (the Python library's `BeforeAfter`, `CollectionFilter`,
//! `SearchFilter`, `LimitOffset`, `OrderBy`, …), a plain SeaORM condition
//! (`post::Column::Published.eq(true)`), or a tuple, `Vec`, slice or `Option` of
//! filters. Each one adds to a [`FilterQuery`]: a `WHERE` condition (all parts are
//! `AND`ed), an ordering, and a limit/offset. Counting ignores ordering and pagination.
//!
//! ```
//! # mod post {
//! #     use sea_orm::entity::prelude::*;
//! #     #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
//! #     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
//! #     pub struct Model { pub title: String, pub published: bool }
//! # }
//! use advanced_alchemy::filters::{Filter, FilterQuery, LimitOffset};
//! use sea_orm::ColumnTrait;
//!
//! let filters = (post::Column::Published.eq(true), LimitOffset::new(20, 40));
//! let mut query = FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Postgres);
//! filters.apply(&mut query);
//! assert_eq!((query.limit(), query.offset()), (Some(20), Some(40)));
//! ```
//!
//! [`Predicate`]s are the filters that are only a condition; they can be grouped with
//! `and`/`or` in a [`FilterGroup`]. Filters built from query strings or JSON, checked
//! against an allow-list of columns, are in [`params`].
//!
//! ## Text, case and NULLs
//!
//! The same filter selects the same rows on every backend:
//!
//! * **Text equality** ([`ComparisonFilter`] `eq`/`ne`, [`CollectionFilter`],
//!   [`NotInCollectionFilter`]) is exact, byte for byte. On MySQL/MariaDB, whose
//!   default collations ignore case, accents and trailing spaces (and under
//!   `utf8mb4_unicode_ci` tell no two emoji apart), the bytes are compared next to
//!   the plain `=`, which an index can still serve. Ordering (`gt`, `lt`, …) on text
//!   follows the column's collation, which does differ between backends.
//! * **Search** ([`SearchFilter`], [`NotInSearchFilter`]) matches the user's text
//!   literally: `%`, `_` and the escape character `/` are escaped where `LIKE` is
//!   used (`LIKE ? ESCAPE '/'`; not `\`, which MySQL string literals and the
//!   backends' default escape would both claim). Case-sensitive search is exact;
//!   "ignore case" means, per backend:
//!
//!   | backend | case-sensitive | ignoring case |
//!   |---|---|---|
//!   | PostgreSQL | `col LIKE $1 ESCAPE '/'` | `col ILIKE $1 ESCAPE '/'`: folds by the database's `LC_CTYPE` (all of Unicode under a UTF-8 locale, ASCII only under `C`) |
//!   | SQLite | `instr(col, ?)` (SQLite's own `LIKE` ignores ASCII case) | `instr(lower(col), lower(?))`: `lower()` folds **ASCII only** (`É` ≠ `é`) without the ICU extension |
//!   | MySQL/MariaDB | `CAST(col AS BINARY) LIKE CAST(? AS BINARY) ESCAPE '/'` | the same over `LOWER()` of both sides: Unicode case mapping of the collation; accents and trailing spaces still count |
//! * **NULL** follows SQL's three-valued logic, as in the Python library: a NULL
//!   column matches neither a comparison nor its negation (`ne`, `NOT IN`,
//!   [`NotInSearchFilter`], a negated [`FilterGroup`]); use [`NullFilter`] for NULLs.
//! * **NUL** (`\0`): PostgreSQL can neither store nor bind it in text. A text value
//!   containing NUL is never sent there; the condition is rendered as what it means
//!   against text that cannot hold NUL (`eq`, `IN`, contains: no non-NULL row;
//!   `ne`, `NOT IN`, does-not-contain: every non-NULL row), never as an SQL error.
//! * **Empty lists**, as in the Python library: `values: None` is no filter; an
//!   empty `IN` list matches nothing; an empty `NOT IN` list is no filter.

mod collection;
mod compare;
mod exists;
mod group;
mod memory;
mod order;
pub mod params;
mod range;
mod search;
mod text;

pub use collection::{CollectionFilter, NotInCollectionFilter};
pub use compare::{BooleanFilter, ComparisonFilter, NotNullFilter, NullFilter, Operator};
pub use exists::{ExistsFilter, NotExistsFilter};
pub use group::{FilterGroup, Logic};
pub use memory::{MemoryQuery, Truth};
pub(crate) use memory::{is_null as memory_is_null, norm_key as memory_norm};
pub use order::{LimitOffset, NullsOrder, OrderBy, SortOrder};
pub use params::MultiFilter;
pub use range::{BeforeAfter, OnBeforeAfter};
pub use search::{MatchMode, NotInSearchFilter, SearchFilter};

use sea_orm::sea_query::{Condition, Expr, NullOrdering, Order};
use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Select};
use std::fmt;
use std::marker::PhantomData;

/// What the filters of one call add up to: a condition, an ordering and a page.
///
/// [`Filter::apply`] adds to it; the repository turns it into SQL. Your own filters
/// use the same methods:
///
/// ```
/// # mod post {
/// #     use sea_orm::entity::prelude::*;
/// #     #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #     pub struct Model { pub title: String, pub published: bool }
/// # }
/// use advanced_alchemy::filters::{Filter, FilterQuery};
/// use sea_orm::ColumnTrait;
///
/// /// Only published posts, newest first.
/// #[derive(Debug)]
/// struct PublishedFeed;
///
/// impl Filter<post::Entity> for PublishedFeed {
///     fn apply(&self, query: &mut FilterQuery<post::Entity>) {
///         query.and_where(post::Column::Published.eq(true));
///         query.order_by(post::Column::Id, sea_orm::Order::Desc, None);
///     }
/// }
///
/// let mut query = FilterQuery::new(sea_orm::DbBackend::Postgres);
/// PublishedFeed.apply(&mut query);
/// assert_eq!(query.orders().len(), 1);
/// ```
#[derive(Clone)]
pub struct FilterQuery<E> {
    backend: DbBackend,
    condition: Condition,
    orders: Vec<(Expr, Order, Option<NullOrdering>)>,
    limit: Option<u64>,
    offset: Option<u64>,
    include_deleted: bool,
    rejected: Option<String>,
    _entity: PhantomData<fn() -> E>,
}

impl<E> fmt::Debug for FilterQuery<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FilterQuery")
            .field("backend", &self.backend)
            .field("condition", &self.condition)
            .field("orders", &self.orders)
            .field("limit", &self.limit)
            .field("offset", &self.offset)
            .field("include_deleted", &self.include_deleted)
            .field("rejected", &self.rejected)
            .finish()
    }
}

impl<E: EntityTrait> FilterQuery<E> {
    /// An empty query for `backend`: no condition, no order, no page. Filters may
    /// render differently per backend (case-sensitive search, for one).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use sea_orm::DbBackend;
    /// let query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(DbBackend::Sqlite);
    /// assert!(query.condition().is_empty() && query.limit().is_none());
    /// assert_eq!(query.backend(), DbBackend::Sqlite);
    /// ```
    pub fn new(backend: DbBackend) -> Self {
        Self {
            backend,
            condition: Condition::all(),
            orders: Vec::new(),
            limit: None,
            offset: None,
            include_deleted: false,
            rejected: None,
            _entity: PhantomData,
        }
    }

    /// Builds the query of `filter`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{FilterQuery, LimitOffset};
    /// let query = FilterQuery::<post::Entity>::of(sea_orm::DbBackend::Postgres, &LimitOffset::new(5, 0));
    /// assert_eq!(query.limit(), Some(5));
    /// ```
    pub fn of(backend: DbBackend, filter: &(impl Filter<E> + ?Sized)) -> Self {
        let mut query = Self::new(backend);
        filter.apply(&mut query);
        query
    }

    /// `AND`s a condition (or a single expression) into the `WHERE` clause.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use sea_orm::ColumnTrait;
    /// let mut query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Postgres);
    /// query.and_where(post::Column::Title.eq("a"));
    /// assert!(!query.condition().is_empty());
    /// ```
    pub fn and_where(&mut self, condition: impl sea_orm::sea_query::IntoCondition) -> &mut Self {
        let condition = condition.into_condition();
        if !condition.is_empty() {
            self.condition =
                std::mem::replace(&mut self.condition, Condition::all()).add(condition);
        }
        self
    }

    /// Appends an ordering term; `nulls` places NULLs first or last (emulated on MySQL).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let mut query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Postgres);
    /// query.order_by(post::Column::Title, sea_orm::Order::Asc, Some(sea_orm::sea_query::NullOrdering::Last));
    /// assert_eq!(query.orders().len(), 1);
    /// ```
    pub fn order_by(
        &mut self,
        expr: impl sea_orm::IntoSimpleExpr,
        order: Order,
        nulls: Option<NullOrdering>,
    ) -> &mut Self {
        self.orders.push((expr.into_simple_expr(), order, nulls));
        self
    }

    /// Sets the page: at most `limit` rows, skipping `offset`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let mut query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Postgres);
    /// query.limit_offset(10, 30);
    /// assert_eq!((query.limit(), query.offset()), (Some(10), Some(30)));
    /// ```
    pub fn limit_offset(&mut self, limit: u64, offset: u64) -> &mut Self {
        self.limit = Some(limit);
        self.offset = Some(offset);
        self
    }

    /// Refuses the query: a filter that cannot be expressed on this backend (a vector
    /// distance outside PostgreSQL) says so here, and the repository answers
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest) with `reason` before any
    /// SQL runs, rather than silently ignoring the filter. The first reason wins.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let mut query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Sqlite);
    /// query.reject("not on SQLite");
    /// assert_eq!(query.rejection(), Some("not on SQLite"));
    /// ```
    pub fn reject(&mut self, reason: impl Into<String>) -> &mut Self {
        if self.rejected.is_none() {
            self.rejected = Some(reason.into());
        }
        self
    }

    /// Why a filter [refused](Self::reject) the query, if one did.
    pub fn rejection(&self) -> Option<&str> {
        self.rejected.as_deref()
    }

    /// [`of`](Self::of), and [`Error::InvalidRequest`](crate::Error::InvalidRequest) if a
    /// filter [refused](Self::reject) the query.
    pub(crate) fn checked(
        backend: DbBackend,
        filter: &(impl Filter<E> + ?Sized),
    ) -> crate::Result<Self> {
        let query = Self::of(backend, filter);
        match query.rejected {
            Some(reason) => Err(crate::Error::InvalidRequest(reason)),
            None => Ok(query),
        }
    }

    /// Lets soft-deleted rows through (see [`SoftDelete`](crate::mixins::SoftDelete)).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let mut query = advanced_alchemy::filters::FilterQuery::<post::Entity>::new(sea_orm::DbBackend::Postgres);
    /// query.include_deleted();
    /// assert!(query.includes_deleted());
    /// ```
    pub fn include_deleted(&mut self) -> &mut Self {
        self.include_deleted = true;
        self
    }

    /// The backend the query is for.
    pub fn backend(&self) -> DbBackend {
        self.backend
    }

    /// The `WHERE` condition so far.
    pub fn condition(&self) -> &Condition {
        &self.condition
    }

    /// The ordering terms so far.
    pub fn orders(&self) -> &[(Expr, Order, Option<NullOrdering>)] {
        &self.orders
    }

    /// The page size, if set.
    pub fn limit(&self) -> Option<u64> {
        self.limit
    }

    /// The page offset, if set.
    pub fn offset(&self) -> Option<u64> {
        self.offset
    }

    /// Whether soft-deleted rows are included.
    pub fn includes_deleted(&self) -> bool {
        self.include_deleted
    }

    /// Applies the condition only (what `count` and `exists` use).
    pub(crate) fn filter_select(&self, select: Select<E>) -> Select<E> {
        select.filter(self.condition.clone())
    }

    /// Applies condition, ordering and page.
    pub(crate) fn full_select(&self, select: Select<E>) -> Select<E> {
        let mut select = self.filter_select(select);
        select = self.order_select(select);
        if let Some(limit) = self.limit {
            select = select.limit(limit);
        }
        if let Some(offset) = self.offset.filter(|o| *o > 0) {
            select = select.offset(offset);
        }
        select
    }

    /// Applies the ordering only.
    pub(crate) fn order_select(&self, mut select: Select<E>) -> Select<E> {
        for (expr, order, nulls) in &self.orders {
            select = match nulls {
                Some(nulls) => select.order_by_with_nulls(expr.clone(), order.clone(), *nulls),
                None => select.order_by(expr.clone(), order.clone()),
            };
        }
        select
    }
}

/// Something that narrows, orders or pages a read of `E`.
///
/// Implemented by every filter of this module, by SeaORM conditions and expressions,
/// and by tuples (up to 8), `Vec`s, slices, `Option`s, references and boxes of filters,
/// so a call takes exactly the filters it needs: `repo.get_many(())`,
/// `repo.get_many(post::Column::Published.eq(true))`,
/// `repo.get_many((search, OrderBy::desc(post::Column::CreatedAt), LimitOffset::new(20, 0)))`.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::{Filter, FilterQuery};
/// use sea_orm::ColumnTrait;
///
/// let dynamic: Vec<Box<dyn Filter<post::Entity>>> = vec![Box::new(post::Column::Title.eq("a"))];
/// let query = FilterQuery::of(sea_orm::DbBackend::Postgres, &dynamic);
/// assert!(!query.condition().is_empty());
/// ```
pub trait Filter<E: EntityTrait>: Send + Sync + fmt::Debug {
    /// Adds this filter to `query`.
    fn apply(&self, query: &mut FilterQuery<E>);

    /// Adds this filter to an in-memory read (see [`MemoryQuery`]). Every filter of this
    /// module has one, except [`ExistsFilter`]/[`NotExistsFilter`]; the default, which raw
    /// SeaORM conditions and your own filter types get, is
    /// [`Error::UnsupportedFilter`](crate::Error::UnsupportedFilter).
    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        let _ = query;
        Err(memory::unsupported::<Self>(
            "it has no in-memory form (implement `Filter::apply_in_memory` for it)",
        ))
    }
}

/// A filter that is only a condition: it can be negated, grouped and nested in a
/// [`FilterGroup`], and used where ordering or paging would make no sense.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::Predicate;
/// use sea_orm::ColumnTrait;
///
/// let condition = Predicate::<post::Entity>::condition(&post::Column::Title.eq("a"), sea_orm::DbBackend::Sqlite);
/// assert!(!condition.is_empty());
/// ```
pub trait Predicate<E: EntityTrait>: Send + Sync + fmt::Debug {
    /// The condition this predicate stands for on `backend`.
    fn condition(&self, backend: DbBackend) -> Condition;

    /// What the condition says about one model, in SQL's three-valued logic (see
    /// [`MemoryQuery`]). The default is
    /// [`Error::UnsupportedFilter`](crate::Error::UnsupportedFilter).
    fn test(&self, model: &E::Model) -> crate::Result<Truth> {
        let _ = model;
        Err(memory::unsupported::<Self>(
            "it has no in-memory form (implement `Predicate::test` for it)",
        ))
    }
}

/// Implements [`Filter`] for predicate types (their condition is `AND`ed in).
#[allow(unused_macros)]
macro_rules! filter_via_predicate {
    ($($ty:ident),* $(,)?) => {$(
        impl<E> $crate::filters::Filter<E> for $ty<E::Column>
        where
            E: sea_orm::EntityTrait,
            $ty<E::Column>: $crate::filters::Predicate<E>,
        {
            fn apply(&self, query: &mut $crate::filters::FilterQuery<E>) {
                let condition = $crate::filters::Predicate::condition(self, query.backend());
                query.and_where(condition);
            }

            fn apply_in_memory(&self, query: &mut $crate::filters::MemoryQuery<E>) -> $crate::Result<()> {
                query.retain(self)
            }
        }
    )*};
}
#[allow(unused_imports)]
pub(crate) use filter_via_predicate;

/// Why a raw SeaORM condition is not evaluated in memory.
const RAW_SQL: &str = "a SeaORM condition is SQL, which memory does not run: use the filter \
    types of `advanced_alchemy::filters`, or SQLite in memory";

impl<E: EntityTrait> Predicate<E> for Condition {
    fn condition(&self, _backend: DbBackend) -> Condition {
        self.clone()
    }

    fn test(&self, _model: &E::Model) -> crate::Result<Truth> {
        Err(memory::unsupported::<Self>(RAW_SQL))
    }
}

impl<E: EntityTrait> Filter<E> for Condition {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.and_where(self.clone());
    }

    fn apply_in_memory(&self, _query: &mut MemoryQuery<E>) -> crate::Result<()> {
        Err(memory::unsupported::<Self>(RAW_SQL))
    }
}

impl<E: EntityTrait> Predicate<E> for Expr {
    fn condition(&self, _backend: DbBackend) -> Condition {
        Condition::all().add(self.clone())
    }

    fn test(&self, _model: &E::Model) -> crate::Result<Truth> {
        Err(memory::unsupported::<Self>(RAW_SQL))
    }
}

impl<E: EntityTrait> Filter<E> for Expr {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.and_where(self.clone());
    }

    fn apply_in_memory(&self, _query: &mut MemoryQuery<E>) -> crate::Result<()> {
        Err(memory::unsupported::<Self>(RAW_SQL))
    }
}

impl<E: EntityTrait, P: Predicate<E> + ?Sized> Predicate<E> for Box<P> {
    fn condition(&self, backend: DbBackend) -> Condition {
        (**self).condition(backend)
    }

    fn test(&self, model: &E::Model) -> crate::Result<Truth> {
        (**self).test(model)
    }
}

impl<E: EntityTrait, P: Predicate<E> + ?Sized> Predicate<E> for &P {
    fn condition(&self, backend: DbBackend) -> Condition {
        (**self).condition(backend)
    }

    fn test(&self, model: &E::Model) -> crate::Result<Truth> {
        (**self).test(model)
    }
}

impl<E: EntityTrait, F: Filter<E> + ?Sized> Filter<E> for &F {
    fn apply(&self, query: &mut FilterQuery<E>) {
        (**self).apply(query)
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        (**self).apply_in_memory(query)
    }
}

impl<E: EntityTrait, F: Filter<E> + ?Sized> Filter<E> for Box<F> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        (**self).apply(query)
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        (**self).apply_in_memory(query)
    }
}

impl<E: EntityTrait, F: Filter<E>> Filter<E> for [F] {
    fn apply(&self, query: &mut FilterQuery<E>) {
        for filter in self {
            filter.apply(query);
        }
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        self.iter().try_for_each(|f| f.apply_in_memory(query))
    }
}

impl<E: EntityTrait, F: Filter<E>, const N: usize> Filter<E> for [F; N] {
    fn apply(&self, query: &mut FilterQuery<E>) {
        self.as_slice().apply(query)
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        self.as_slice().apply_in_memory(query)
    }
}

impl<E: EntityTrait, F: Filter<E>> Filter<E> for Vec<F> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        self.as_slice().apply(query)
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        self.as_slice().apply_in_memory(query)
    }
}

impl<E: EntityTrait, F: Filter<E>> Filter<E> for Option<F> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        if let Some(filter) = self {
            filter.apply(query);
        }
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        match self {
            Some(filter) => filter.apply_in_memory(query),
            None => Ok(()),
        }
    }
}

impl<E: EntityTrait> Filter<E> for () {
    fn apply(&self, _query: &mut FilterQuery<E>) {}

    fn apply_in_memory(&self, _query: &mut MemoryQuery<E>) -> crate::Result<()> {
        Ok(())
    }
}

macro_rules! tuple_filters {
    ($($name:ident),+) => {
        impl<E: EntityTrait, $($name: Filter<E>),+> Filter<E> for ($($name,)+) {
            #[allow(non_snake_case)]
            fn apply(&self, query: &mut FilterQuery<E>) {
                let ($($name,)+) = self;
                $($name.apply(query);)+
            }

            #[allow(non_snake_case)]
            fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
                let ($($name,)+) = self;
                $($name.apply_in_memory(query)?;)+
                Ok(())
            }
        }
    };
}
tuple_filters!(A);
tuple_filters!(A, B);
tuple_filters!(A, B, C);
tuple_filters!(A, B, C, D);
tuple_filters!(A, B, C, D, F);
tuple_filters!(A, B, C, D, F, G);
tuple_filters!(A, B, C, D, F, G, H);
tuple_filters!(A, B, C, D, F, G, H, I);

/// Lets soft-deleted rows through a read (the `include_deleted` of the soft-delete
/// proposal for the Python library). See [`SoftDelete`](crate::mixins::SoftDelete).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::{FilterQuery, IncludeDeleted};
/// assert!(FilterQuery::<post::Entity>::of(sea_orm::DbBackend::Postgres, &IncludeDeleted).includes_deleted());
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct IncludeDeleted;

impl<E: EntityTrait> Filter<E> for IncludeDeleted {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.include_deleted();
    }

    fn apply_in_memory(&self, query: &mut MemoryQuery<E>) -> crate::Result<()> {
        query.include_deleted();
        Ok(())
    }
}
