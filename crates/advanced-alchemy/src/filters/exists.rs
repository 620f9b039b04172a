//! Conditions on related rows: [`ExistsFilter`] and [`NotExistsFilter`].
//!
//! The relation comes from SeaORM's [`Related`] (what `#[sea_orm::model]` writes for
//! `belongs_to`, `has_one`, `has_many` and `has_many, via = "…"`), so the join columns
//! are never spelled out by hand:
//!
//! * one hop (`to()`): `EXISTS (SELECT 1 FROM related WHERE related.fk = parent.pk
//!   AND <condition>)` (or `parent.fk = related.pk` for `belongs_to`);
//! * many-to-many (`via()`): `EXISTS (SELECT 1 FROM junction INNER JOIN related ON …
//!   WHERE junction.fk = parent.pk AND <condition>)`.
//!
//! Not supported: relations of a table to itself (the inner table would need an
//! alias that the related condition's columns do not use). The related table's
//! soft-delete scope is not applied; put it in the condition if you need it.

use super::{Filter, FilterQuery, Predicate};
use sea_orm::sea_query::{Condition, Expr, Query, SelectStatement};
use sea_orm::{DbBackend, EntityTrait, Related, RelationDef};
use std::fmt;
use std::marker::PhantomData;

/// `EXISTS` a related `R` row matching a condition: the Python library's
/// `ExistsFilter`, with the relation typed (`E: Related<R>`).
///
/// The join columns come from SeaORM's [`Related`] (`belongs_to`, `has_one`,
/// `has_many`, and `has_many, via = "junction"` for many-to-many):
/// `EXISTS (SELECT 1 FROM related WHERE related.fk = parent.pk AND <condition>)`,
/// through the junction table for many-to-many. Relations of a table to itself are
/// not supported (the inner table would need an alias the condition's columns do
/// not use), and the related table's soft-delete scope is not applied: put it in
/// the condition if you need it.
///
/// ```
/// # mod author { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
/// #   pub struct Model { pub name: String,
/// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
/// # mod book { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
/// #   pub struct Model { pub title: String, pub author_id: i64,
/// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::filters::{ExistsFilter, NotExistsFilter, SearchFilter};
/// use advanced_alchemy::repository::Repository;
/// use sea_orm::ActiveValue::Set;
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<author::Entity>().register::<book::Entity>().create_all(&db).await?;
/// let authors = Repository::<author::Entity, _>::new(&db);
/// let books = Repository::<book::Entity, _>::new(&db);
/// let ann = authors.add(author::ActiveModel { name: Set("Ann".into()), ..Default::default() }).await?;
/// authors.add(author::ActiveModel { name: Set("Bob".into()), ..Default::default() }).await?;
/// books.add(book::ActiveModel { title: Set("Rust in Action".into()), author_id: Set(ann.id), ..Default::default() }).await?;
///
/// let wrote_rust = ExistsFilter::new::<book::Entity>(SearchFilter::new(book::Column::Title, "Rust"));
/// assert_eq!(authors.get_many(wrote_rust).await?[0].name, "Ann");
/// let no_books = NotExistsFilter::any::<book::Entity>();
/// assert_eq!(authors.get_many(no_books).await?[0].name, "Bob");
/// // and the other way round, along belongs_to
/// let by_ann = ExistsFilter::new::<author::Entity>(sea_orm::ColumnTrait::eq(&author::Column::Name, "Ann"));
/// assert_eq!(books.count(by_ann).await?, 1);
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct ExistsFilter<E: EntityTrait> {
    related: RelatedRows,
    _entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> ExistsFilter<E> {
    /// Rows of `E` with at least one related `R` row matching `condition`.
    ///
    /// ```
    /// # mod author { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
    /// #   pub struct Model { pub name: String,
    /// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
    /// # mod book { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
    /// #   pub struct Model { pub title: String, pub author_id: i64,
    /// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
    /// # fn main() {
    /// use advanced_alchemy::filters::{ExistsFilter, FilterQuery, NullFilter};
    /// let f = ExistsFilter::<author::Entity>::new::<book::Entity>(NullFilter::new(book::Column::Title));
    /// let query = FilterQuery::of(sea_orm::DbBackend::Postgres, &f);
    /// assert!(!query.condition().is_empty());
    /// # }
    /// ```
    pub fn new<R>(condition: impl Predicate<R> + 'static) -> Self
    where
        R: EntityTrait,
        E: Related<R>,
    {
        Self {
            related: RelatedRows::new::<E, R>(condition),
            _entity: PhantomData,
        }
    }

    /// Rows of `E` with at least one related `R` row.
    ///
    /// ```
    /// # mod author { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
    /// #   pub struct Model { pub name: String,
    /// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
    /// # mod book { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
    /// #   pub struct Model { pub author_id: i64,
    /// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
    /// # fn main() {
    /// use advanced_alchemy::filters::{ExistsFilter, FilterQuery};
    /// let with_books = ExistsFilter::<author::Entity>::any::<book::Entity>();
    /// let query = FilterQuery::of(sea_orm::DbBackend::Sqlite, &with_books);
    /// assert!(!query.condition().is_empty());
    /// # }
    /// ```
    pub fn any<R>() -> Self
    where
        R: EntityTrait,
        E: Related<R>,
    {
        Self::new::<R>(Condition::all())
    }
}

impl<E: EntityTrait> Predicate<E> for ExistsFilter<E> {
    fn condition(&self, backend: DbBackend) -> Condition {
        Expr::exists(self.related.select(backend)).into()
    }

    fn test(&self, _model: &E::Model) -> crate::Result<super::Truth> {
        Err(super::memory::unsupported::<Self>(RELATED))
    }
}

impl<E: EntityTrait> Filter<E> for ExistsFilter<E> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.and_where(self.condition(query.backend()));
    }

    fn apply_in_memory(&self, _query: &mut super::MemoryQuery<E>) -> crate::Result<()> {
        Err(super::memory::unsupported::<Self>(RELATED))
    }
}

/// `NOT EXISTS` a related `R` row matching a condition: the Python library's
/// `NotExistsFilter`. See [`ExistsFilter`] for a worked example.
///
/// ```
/// # mod author { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
/// #   pub struct Model { pub name: String,
/// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
/// # mod book { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
/// #   pub struct Model { pub title: String, pub author_id: i64,
/// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
/// # fn main() {
/// use advanced_alchemy::filters::{FilterQuery, NotExistsFilter, SearchFilter};
/// use sea_orm::{DbBackend, EntityTrait, QueryFilter, QueryTrait};
///
/// let no_drafts = NotExistsFilter::<author::Entity>::new::<book::Entity>(SearchFilter::new(book::Column::Title, "draft"));
/// let query = FilterQuery::of(DbBackend::Postgres, &no_drafts);
/// let sql = author::Entity::find().filter(query.condition().clone()).build(DbBackend::Postgres).to_string();
/// assert!(sql.contains(r#"NOT EXISTS(SELECT 1 FROM "book" WHERE "author"."id" = "book"."author_id""#), "{sql}");
/// # }
/// ```
#[derive(Debug)]
pub struct NotExistsFilter<E: EntityTrait> {
    related: RelatedRows,
    _entity: PhantomData<fn() -> E>,
}

impl<E: EntityTrait> NotExistsFilter<E> {
    /// Rows of `E` without any related `R` row matching `condition`.
    ///
    /// ```
    /// # mod author { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
    /// #   pub struct Model { pub name: String,
    /// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
    /// # mod book { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
    /// #   pub struct Model { pub title: String, pub author_id: i64,
    /// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
    /// # fn main() {
    /// use advanced_alchemy::filters::{FilterQuery, NotExistsFilter, NullFilter};
    /// let f = NotExistsFilter::<author::Entity>::new::<book::Entity>(NullFilter::new(book::Column::Title));
    /// assert!(!FilterQuery::of(sea_orm::DbBackend::MySql, &f).condition().is_empty());
    /// # }
    /// ```
    pub fn new<R>(condition: impl Predicate<R> + 'static) -> Self
    where
        R: EntityTrait,
        E: Related<R>,
    {
        Self {
            related: RelatedRows::new::<E, R>(condition),
            _entity: PhantomData,
        }
    }

    /// Rows of `E` without any related `R` row.
    ///
    /// ```
    /// # mod author { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "author")]
    /// #   pub struct Model { pub name: String,
    /// #     #[sea_orm(has_many)] pub books: HasMany<super::book::Entity> } }
    /// # mod book { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "book")]
    /// #   pub struct Model { pub author_id: i64,
    /// #     #[sea_orm(belongs_to, from = "author_id", to = "id")] pub author: BelongsTo<super::author::Entity> } }
    /// # fn main() {
    /// use advanced_alchemy::filters::{FilterQuery, NotExistsFilter};
    /// let without_books = NotExistsFilter::<author::Entity>::any::<book::Entity>();
    /// assert!(!FilterQuery::of(sea_orm::DbBackend::Postgres, &without_books).condition().is_empty());
    /// # }
    /// ```
    pub fn any<R>() -> Self
    where
        R: EntityTrait,
        E: Related<R>,
    {
        Self::new::<R>(Condition::all())
    }
}

impl<E: EntityTrait> Predicate<E> for NotExistsFilter<E> {
    fn condition(&self, backend: DbBackend) -> Condition {
        Expr::not_exists(self.related.select(backend)).into()
    }

    fn test(&self, _model: &E::Model) -> crate::Result<super::Truth> {
        Err(super::memory::unsupported::<Self>(RELATED))
    }
}

impl<E: EntityTrait> Filter<E> for NotExistsFilter<E> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.and_where(self.condition(query.backend()));
    }

    fn apply_in_memory(&self, _query: &mut super::MemoryQuery<E>) -> crate::Result<()> {
        Err(super::memory::unsupported::<Self>(RELATED))
    }
}

/// The correlated subquery of both filters, with the related entity's type erased.
#[derive(Debug)]
struct RelatedRows {
    /// Parent (or junction) to related.
    to: RelationDef,
    /// Parent to junction, for many-to-many.
    via: Option<RelationDef>,
    condition: Box<dyn RelatedCondition>,
}

impl RelatedRows {
    fn new<E: EntityTrait + Related<R>, R: EntityTrait>(
        condition: impl Predicate<R> + 'static,
    ) -> Self {
        Self {
            to: E::to(),
            via: E::via(),
            condition: Box::new(Erased::<R>(Box::new(condition))),
        }
    }

    /// `SELECT 1 FROM related … WHERE <correlation> AND <condition>`.
    fn select(&self, backend: DbBackend) -> SelectStatement {
        let mut select = Query::select();
        select.expr(Expr::cust("1"));
        let correlation = match &self.via {
            None => {
                select.from(self.to.to_tbl.clone());
                Condition::from(self.to.clone())
            }
            Some(via) => {
                select
                    .from(via.to_tbl.clone())
                    .inner_join(self.to.to_tbl.clone(), Condition::from(self.to.clone()));
                Condition::from(via.clone())
            }
        };
        let condition = self.condition.condition(backend);
        let mut filter = Condition::all().add(correlation);
        if !condition.is_empty() {
            filter = filter.add(condition);
        }
        select.cond_where(filter);
        select
    }
}

/// A [`Predicate`] on some related entity, whatever it is.
trait RelatedCondition: Send + Sync + fmt::Debug {
    fn condition(&self, backend: DbBackend) -> Condition;
}

#[derive(Debug)]
struct Erased<R: EntityTrait>(Box<dyn Predicate<R>>);

impl<R: EntityTrait> RelatedCondition for Erased<R> {
    fn condition(&self, backend: DbBackend) -> Condition {
        self.0.condition(backend)
    }
}

/// Why the exists filters are not evaluated in memory.
const RELATED: &str = "EXISTS reads a related table, which an in-memory repository does not have: use SQLite in memory for it";
