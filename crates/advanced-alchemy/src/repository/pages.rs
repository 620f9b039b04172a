//! Paged reads: [`OffsetPagination`] and keyset pages with signed cursors.

use super::Repository;
use crate::base::Base;
use crate::error::Result;
use crate::filters::{Filter, FilterQuery, LimitOffset, SortOrder};
use crate::pagination::{CursorPage, Keyset, OffsetPagination};
use sea_orm::sea_query::{Condition, Order};
use sea_orm::{
    ColumnTrait, ConnectionTrait, ModelTrait, QueryFilter, QueryOrder, QuerySelect,
    TransactionTrait,
};

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// [`get_many_and_count`](Self::get_many_and_count) for one page, as the
    /// serialisable [`OffsetPagination`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::filters::{LimitOffset, OrderBy};
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// for t in ["a", "b", "c"] {
    ///     posts.add(post::ActiveModel { title: Set(t.into()), ..Default::default() }).await?;
    /// }
    /// let page = posts.get_offset_page(OrderBy::asc(post::Column::Title), LimitOffset::new(2, 2)).await?;
    /// assert_eq!((page.items.len(), page.total, page.offset), (1, 3, 2));
    /// # Ok(()) }
    /// ```
    pub async fn get_offset_page(
        &self,
        filter: impl Filter<E>,
        page: LimitOffset,
    ) -> Result<OffsetPagination<E::Model>> {
        let (items, total) = self.get_many_and_count((filter, page)).await?;
        Ok(OffsetPagination::new(items, total, page))
    }

    /// Up to `limit` rows matching `filter` in `keyset` order, starting after the row
    /// `after` points to (the first page when `None`), and the cursor of the next page.
    /// One query per page; the filter's own ordering and paging are ignored. A cursor
    /// that was tampered with or made for another keyset is
    /// [`Error::InvalidRequest`](crate::Error::InvalidRequest).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::pagination::{CursorKey, Keyset};
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// for t in ["a", "b", "c"] {
    ///     posts.add(post::ActiveModel { title: Set(t.into()), ..Default::default() }).await?;
    /// }
    /// let keyset = Keyset::<post::Entity>::new(CursorKey::new([42u8; 32])?).asc(post::Column::Title);
    /// let first = posts.get_cursor_page((), &keyset, 2, None).await?;
    /// assert_eq!(first.items.len(), 2);
    /// let second = posts.get_cursor_page((), &keyset, 2, first.next_cursor.as_deref()).await?;
    /// assert_eq!(second.items[0].title, "c");
    /// assert!(second.next_cursor.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn get_cursor_page(
        &self,
        filter: impl Filter<E>,
        keyset: &Keyset<E>,
        limit: u64,
        after: Option<&str>,
    ) -> Result<CursorPage<E::Model>> {
        keyset.validate()?;
        let query = FilterQuery::checked(self.backend(), &filter)?;
        let mut select = E::find()
            .filter(query.condition().clone())
            .filter(self.live_condition(&query));
        if let Some(cursor) = after {
            let backend = self.backend();
            let values = keyset
                .decode(cursor)?
                .into_iter()
                .map(|v| crate::types::datetime::bind_for(v, backend))
                .collect();
            select = select.filter(after_condition(keyset.columns(), values));
        }
        for (col, order) in keyset.columns() {
            let order = match order {
                SortOrder::Asc => Order::Asc,
                SortOrder::Desc => Order::Desc,
            };
            select = select.order_by(*col, order);
        }
        let limit = limit.max(1);
        let mut items = select
            .limit(limit.saturating_add(1))
            .all(self.conn)
            .await
            .map_err(|e| self.db_err(e))?;
        let next_cursor = if items.len() as u64 > limit {
            items.truncate(limit as usize);
            match items.last() {
                Some(last) => Some(
                    keyset.encode(keyset.columns().iter().map(|(c, _)| last.get(*c)).collect())?,
                ),
                None => None,
            }
        } else {
            None
        };
        Ok(CursorPage { items, next_cursor })
    }
}

/// `(a > va) OR (a = va AND b < vb) OR …`: the rows after a key in keyset order.
fn after_condition<Col: ColumnTrait>(
    columns: &[(Col, SortOrder)],
    values: Vec<sea_orm::Value>,
) -> Condition {
    let mut any = Condition::any();
    for i in 0..columns.len() {
        let mut all = Condition::all();
        for (j, (col, order)) in columns.iter().enumerate().take(i + 1) {
            let value = values[j].clone();
            all = all.add(if j < i {
                col.eq(value)
            } else if *order == SortOrder::Asc {
                col.gt(value)
            } else {
                col.lt(value)
            });
        }
        any = any.add(all);
    }
    any
}
