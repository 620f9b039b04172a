//! The query repository: any SeaORM select, with `get_many_and_count` in one round trip.

use super::count_star;
use crate::error::{Error, Result};
use crate::filters::LimitOffset;
use sea_orm::sea_query::{Alias, Expr, Query, SelectStatement};
use sea_orm::{ConnectionTrait, FromQueryResult, QueryTrait};

/// Runs arbitrary selects — joins, aggregates, partial models — and pages them: the
/// Python `SQLAlchemyAsyncQueryRepository`.
///
/// Give it anything that builds a `SELECT` (a SeaORM `Select<E>`, `Selector`, or a
/// sea-query `SelectStatement`) and the row type to read (any `FromQueryResult`).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published: bool } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::{filters::LimitOffset, repository::{QueryRepository, Repository}};
/// use sea_orm::{ActiveValue::Set, EntityTrait, FromQueryResult, QuerySelect, QueryOrder};
///
/// #[derive(Debug, FromQueryResult)]
/// struct Published { published: bool, n: i64 }
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = Repository::<post::Entity, _>::new(&db);
/// for (t, p) in [("a", true), ("b", true), ("c", false)] {
///     posts.add(post::ActiveModel { title: Set(t.into()), published: Set(p), ..Default::default() }).await?;
/// }
/// let by_state = post::Entity::find()
///     .select_only()
///     .column(post::Column::Published)
///     .column_as(sea_orm::sea_query::Expr::cust("COUNT(*)"), "n")
///     .group_by(post::Column::Published)
///     .order_by_asc(post::Column::Published);
/// let queries = QueryRepository::new(&db);
/// let (rows, total) = queries.get_many_and_count::<Published>(by_state, LimitOffset::new(1, 0)).await?;
/// assert_eq!(total, 2); // two groups
/// assert_eq!((rows[0].published, rows[0].n), (false, 1));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, Copy)]
pub struct QueryRepository<'c, C> {
    conn: &'c C,
}

/// What a [`QueryRepository`] runs: a sea-query `SelectStatement` or a SeaORM
/// `Select`/`SelectTwo` (anything else: call SeaORM's `.into_query()` first).
///
/// ```
/// use advanced_alchemy::repository::IntoSelect;
/// use sea_orm::sea_query::{Expr, Query};
/// let statement = Query::select().expr(Expr::val(1)).to_owned().into_select();
/// # let _ = statement;
/// ```
pub trait IntoSelect {
    /// The statement.
    fn into_select(self) -> SelectStatement;
}

impl IntoSelect for SelectStatement {
    fn into_select(self) -> SelectStatement {
        self
    }
}

impl<E: sea_orm::EntityTrait> IntoSelect for sea_orm::Select<E> {
    fn into_select(self) -> SelectStatement {
        self.into_query()
    }
}

impl<E: sea_orm::EntityTrait, F: sea_orm::EntityTrait> IntoSelect for sea_orm::SelectTwo<E, F> {
    fn into_select(self) -> SelectStatement {
        self.into_query()
    }
}

/// The column that carries the window-function total.
const TOTAL: &str = "aa_total_count";

impl<'c, C: ConnectionTrait> QueryRepository<'c, C> {
    /// A query repository on a pool, transaction or session.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let _queries = advanced_alchemy::repository::QueryRepository::new(&db);
    /// # Ok(()) }
    /// ```
    pub fn new(conn: &'c C) -> Self {
        Self { conn }
    }

    /// Every row of `query`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{FromQueryResult, sea_query::{Expr, Query}};
    /// #[derive(FromQueryResult)]
    /// struct One { one: i32 }
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let q = Query::select().expr_as(Expr::val(1), "one").to_owned();
    /// let rows = advanced_alchemy::repository::QueryRepository::new(&db).get_many::<One>(q).await?;
    /// assert_eq!(rows[0].one, 1);
    /// # Ok(()) }
    /// ```
    pub async fn get_many<M: FromQueryResult>(&self, query: impl IntoSelect) -> Result<Vec<M>> {
        let rows = self.conn.query_all(&query.into_select()).await?;
        rows.iter()
            .map(|row| M::from_query_result(row, "").map_err(Error::from_db))
            .collect()
    }

    /// The one row of `query`, [`Error::NotFound`] when there is none and
    /// [`Error::MultipleResultsFound`] when there are several.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{FromQueryResult, sea_query::{Expr, Query}};
    /// #[derive(FromQueryResult)]
    /// struct One { one: i32 }
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let q = Query::select().expr_as(Expr::val(1), "one").to_owned();
    /// let row = advanced_alchemy::repository::QueryRepository::new(&db).get_one::<One>(q).await?;
    /// assert_eq!(row.one, 1);
    /// # Ok(()) }
    /// ```
    pub async fn get_one<M: FromQueryResult>(&self, query: impl IntoSelect) -> Result<M> {
        self.get_one_or_none(query)
            .await?
            .ok_or_else(|| Error::not_found("query"))
    }

    /// The one row of `query` or `None`; several rows are [`Error::MultipleResultsFound`].
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{FromQueryResult, sea_query::{Expr, ExprTrait, Query}};
    /// #[derive(FromQueryResult)]
    /// struct One { one: i32 }
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let q = Query::select().expr_as(Expr::val(1), "one").and_where(Expr::val(1).eq(2)).to_owned();
    /// let none = advanced_alchemy::repository::QueryRepository::new(&db).get_one_or_none::<One>(q).await?;
    /// assert!(none.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn get_one_or_none<M: FromQueryResult>(
        &self,
        query: impl IntoSelect,
    ) -> Result<Option<M>> {
        let mut statement = query.into_select();
        statement.limit(2);
        let mut rows = self.get_many::<M>(statement).await?;
        match rows.len() {
            0 | 1 => Ok(rows.pop()),
            _ => Err(Error::multiple_results("query")),
        }
    }

    /// The number of rows `query` returns.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::sea_query::{Expr, Query};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let q = Query::select().expr(Expr::val(1)).to_owned();
    /// assert_eq!(advanced_alchemy::repository::QueryRepository::new(&db).count(q).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn count(&self, query: impl IntoSelect) -> Result<u64> {
        let statement = Query::select()
            .expr_as(count_star(), Alias::new(TOTAL))
            .from_subquery(query.into_select(), Alias::new("aa_q"))
            .to_owned();
        let row = self.conn.query_one(&statement).await?;
        let total: i64 = match row {
            Some(row) => row.try_get("", TOTAL)?,
            None => 0,
        };
        Ok(u64::try_from(total).unwrap_or(0))
    }

    /// One page of `query` and the number of rows it returns in all, in one round trip:
    /// `SELECT *, COUNT(*) OVER () FROM (query) LIMIT … OFFSET …` (a count query follows
    /// only when the page is past the end). The query's own limit and offset should be
    /// left unset; `page` replaces them.
    ///
    /// See [`QueryRepository`] for an example.
    pub async fn get_many_and_count<M: FromQueryResult>(
        &self,
        query: impl IntoSelect,
        page: LimitOffset,
    ) -> Result<(Vec<M>, u64)> {
        let inner = query.into_select();
        let mut statement = Query::select()
            .expr(Expr::cust("aa_q.*"))
            .expr_as(Expr::cust("COUNT(*) OVER ()"), Alias::new(TOTAL))
            .from_subquery(inner.clone(), Alias::new("aa_q"))
            .limit(page.limit)
            .to_owned();
        if page.offset > 0 {
            statement.offset(page.offset);
        }
        let rows = self.conn.query_all(&statement).await?;
        let Some(first) = rows.first() else {
            let total = if page.offset > 0 {
                self.count(inner).await?
            } else {
                0
            };
            return Ok((Vec::new(), total));
        };
        let total: i64 = first.try_get("", TOTAL)?;
        let items = rows
            .iter()
            .map(|row| M::from_query_result(row, "").map_err(Error::from_db))
            .collect::<Result<Vec<_>>>()?;
        Ok((items, u64::try_from(total).unwrap_or(0)))
    }
}
