//! Reads: `get`, `get_one`, `get_one_or_none`, `get_many`, `get_many_and_count`,
//! `count`, `exists`, eager loading and `check_health`.

use super::{CountMode, Repository, count_star, key_tuple, pk_eq};
use crate::base::Base;
use crate::error::Result;
use crate::filters::{Filter, FilterQuery};
use sea_orm::sea_query::{Alias, Expr};
use sea_orm::{
    ConnectionTrait, EntityTrait, FromQueryResult, LoaderTrait, PrimaryKeyTrait, QueryFilter,
    QuerySelect, QueryTrait, Related, Select, Statement, TransactionTrait,
};

/// The column that carries the window-function total.
const TOTAL: &str = "aa_total_count";

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// `SELECT … WHERE` the filter's condition and the soft-delete scope.
    fn scoped(&self, query: &FilterQuery<E>) -> Select<E> {
        query
            .filter_select(E::find())
            .filter(self.live_condition(query))
    }

    /// The row with primary key `id`, or [`Error::NotFound`](crate::Error::NotFound).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{Error, repository::Repository};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = Repository::<post::Entity, _>::new(&db);
    /// assert!(matches!(posts.get(1).await, Err(Error::NotFound { .. })));
    /// # Ok(()) }
    /// ```
    pub async fn get(
        &self,
        id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
    ) -> Result<E::Model> {
        self.get_one(pk_eq::<E>(key_tuple::<E>(id))).await
    }

    /// The one row matching `filter`: [`Error::NotFound`](crate::Error::NotFound) when
    /// there is none, [`Error::MultipleResultsFound`](crate::Error::MultipleResultsFound)
    /// when there are several.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::repository::Repository;
    /// use sea_orm::{ActiveValue::Set, ColumnTrait};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = Repository::<post::Entity, _>::new(&db);
    /// posts.add(post::ActiveModel { title: Set("a".into()), ..Default::default() }).await?;
    /// assert_eq!(posts.get_one(post::Column::Title.eq("a")).await?.title, "a");
    /// # Ok(()) }
    /// ```
    pub async fn get_one(&self, filter: impl Filter<E>) -> Result<E::Model> {
        self.get_one_or_none(filter)
            .await?
            .ok_or_else(|| self.not_found())
    }

    /// The one row matching `filter`, or `None`; several rows are
    /// [`Error::MultipleResultsFound`](crate::Error::MultipleResultsFound).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ColumnTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert!(posts.get_one_or_none(post::Column::Title.eq("nope")).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn get_one_or_none(&self, filter: impl Filter<E>) -> Result<Option<E::Model>> {
        let query = FilterQuery::checked(self.backend(), &filter)?;
        let mut rows = query
            .order_select(self.scoped(&query))
            .limit(2)
            .all(self.conn)
            .await
            .map_err(|e| self.db_err(e))?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            _ => Err(self.err(crate::Error::multiple_results(self.model_name()))),
        }
    }

    /// Every row matching `filter`, in its order and page (the Python `list`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::filters::OrderBy;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert!(posts.get_many(OrderBy::asc(post::Column::Title)).await?.is_empty());
    /// assert!(posts.get_many(()).await?.is_empty()); // no filter at all
    /// # Ok(()) }
    /// ```
    pub async fn get_many(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        let query = FilterQuery::checked(self.backend(), &filter)?;
        self.page_select(&query)
            .all(self.conn)
            .await
            .map_err(|e| self.db_err(e))
    }

    /// The page of rows matching `filter` and the total number of matching rows,
    /// ignoring the page: by default in one round trip (`COUNT(*) OVER ()`); see
    /// [`count_mode`](Self::count_mode).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::filters::LimitOffset;
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// for title in ["a", "b", "c"] {
    ///     posts.add(post::ActiveModel { title: Set(title.into()), ..Default::default() }).await?;
    /// }
    /// let (page, total) = posts.get_many_and_count(LimitOffset::new(2, 0)).await?;
    /// assert_eq!((page.len(), total), (2, 3));
    /// # Ok(()) }
    /// ```
    pub async fn get_many_and_count(&self, filter: impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        let query = FilterQuery::checked(self.backend(), &filter)?;
        if self.count_mode == CountMode::Separate {
            let items = self
                .page_select(&query)
                .all(self.conn)
                .await
                .map_err(|e| self.db_err(e))?;
            let total = self.count_query(&query).await?;
            return Ok((items, total));
        }
        let mut statement = self.page_select(&query).into_query();
        statement.expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL));
        let rows = self
            .conn
            .query_all(&statement)
            .await
            .map_err(|e| self.db_err(e))?;
        let Some(first) = rows.first() else {
            // past the end (or nothing matches): no row carries the total
            let total = match query.offset() {
                Some(offset) if offset > 0 => self.count_query(&query).await?,
                _ => 0,
            };
            return Ok((Vec::new(), total));
        };
        let total: i64 = first.try_get("", TOTAL).map_err(|e| self.db_err(e))?;
        let items = rows
            .iter()
            .map(|row| E::Model::from_query_result(row, ""))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.db_err(e))?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }

    /// The number of rows matching `filter` (ordering and page are ignored).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert_eq!(posts.count(()).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn count(&self, filter: impl Filter<E>) -> Result<u64> {
        self.count_query(&FilterQuery::checked(self.backend(), &filter)?)
            .await
    }

    /// Whether any row matches `filter` (`SELECT 1 … LIMIT 1`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ColumnTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert!(!posts.exists(post::Column::Title.eq("x")).await?);
    /// # Ok(()) }
    /// ```
    pub async fn exists(&self, filter: impl Filter<E>) -> Result<bool> {
        let query = FilterQuery::checked(self.backend(), &filter)?;
        let statement = self
            .scoped(&query)
            .select_only()
            .expr(Expr::cust("1"))
            .limit(1)
            .into_query();
        let row = self
            .conn
            .query_one(&statement)
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(row.is_some())
    }

    /// [`get_many`](Self::get_many) plus, for each row, its related `R` rows, loaded
    /// selectin-style: one extra `… WHERE key IN (…)` query for the whole page, never
    /// one per row. Works for has-many, belongs-to and many-to-many (`via`) relations.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String,
    /// #     #[sea_orm(has_many)] pub comments: HasMany<super::comment::Entity> } }
    /// mod comment {
    ///     use sea_orm::entity::prelude::*;
    ///     #[advanced_alchemy::model(BigIntBase)]
    ///     #[sea_orm::model]
    ///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
    ///     #[sea_orm(table_name = "comment")]
    ///     pub struct Model {
    ///         pub post_id: i64,
    ///         pub body: String,
    ///         #[sea_orm(belongs_to, from = "post_id", to = "id")]
    ///         pub post: BelongsTo<super::post::Entity>,
    ///     }
    /// }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::repository::Repository;
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().register::<comment::Entity>().create_all(&db).await?;
    /// let post = Repository::<post::Entity, _>::new(&db)
    ///     .add(post::ActiveModel { title: Set("p".into()), ..Default::default() }).await?;
    /// Repository::<comment::Entity, _>::new(&db)
    ///     .add(comment::ActiveModel { post_id: Set(post.id), body: Set("hi".into()), ..Default::default() }).await?;
    ///
    /// let posts = Repository::<post::Entity, _>::new(&db).get_many_with((), comment::Entity).await?;
    /// assert_eq!(posts[0].1[0].body, "hi");
    /// # Ok(()) }
    /// ```
    pub async fn get_many_with<R>(
        &self,
        filter: impl Filter<E>,
        related: R,
    ) -> Result<Vec<(E::Model, Vec<R::Model>)>>
    where
        R: EntityTrait,
        R::Model: Send + Sync,
        E: Related<R>,
        E::Model: Sync,
    {
        let rows = self.get_many(filter).await?;
        let loaded = rows
            .load_many(related, self.conn)
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(rows.into_iter().zip(loaded).collect())
    }

    /// The Python 1.x name of [`get_many`](Self::get_many).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// #[allow(deprecated)]
    /// let all = posts.list(()).await?;
    /// # assert!(all.is_empty());
    /// # Ok(()) }
    /// ```
    #[deprecated(
        since = "0.1.0",
        note = "renamed to `get_many`, as in Advanced Alchemy 1.10"
    )]
    pub async fn list(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.get_many(filter).await
    }

    /// The Python 1.x name of [`get_many_and_count`](Self::get_many_and_count).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// #[allow(deprecated)]
    /// let (_, total) = posts.list_and_count(()).await?;
    /// # assert_eq!(total, 0);
    /// # Ok(()) }
    /// ```
    #[deprecated(
        since = "0.1.0",
        note = "renamed to `get_many_and_count`, as in Advanced Alchemy 1.10"
    )]
    pub async fn list_and_count(&self, filter: impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        self.get_many_and_count(filter).await
    }

    /// `Some(row)` as the row, `None` as this repository's
    /// [`Error::NotFound`](crate::Error::NotFound) (the Python `check_not_found`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::repository::{ErrorMessages, Repository};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = Repository::<post::Entity, _>::new(&db)
    ///     .error_messages(ErrorMessages::new().not_found("no such post"));
    /// let err = posts.check_not_found(None).unwrap_err();
    /// assert_eq!(err.to_string(), "no such post");
    /// # Ok(()) }
    /// ```
    pub fn check_not_found(&self, row: Option<E::Model>) -> Result<E::Model> {
        row.ok_or_else(|| self.not_found())
    }

    /// Whether the database answers `SELECT 1` (the Python `check_health`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert!(posts.check_health().await?);
    /// # Ok(()) }
    /// ```
    pub async fn check_health(&self) -> Result<bool> {
        let row = self
            .conn
            .query_one_raw(Statement::from_string(self.backend(), "SELECT 1"))
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(row.is_some())
    }

    /// The filtered, ordered, paged select of a read.
    pub(crate) fn page_select(&self, query: &FilterQuery<E>) -> Select<E> {
        query
            .full_select(E::find())
            .filter(self.live_condition(query))
    }

    async fn count_query(&self, query: &FilterQuery<E>) -> Result<u64> {
        let total: Option<i64> = self
            .scoped(query)
            .select_only()
            .expr(count_star())
            .into_tuple()
            .one(self.conn)
            .await
            .map_err(|e| self.db_err(e))?;
        Ok(total.and_then(|t| u64::try_from(t).ok()).unwrap_or(0))
    }
}
