//! Ordering and offset pagination: [`OrderBy`] and [`LimitOffset`].

use super::{Filter, FilterQuery};
use sea_orm::sea_query::{NullOrdering, Order};
use sea_orm::{ColumnTrait, EntityTrait};
use serde::{Deserialize, Serialize};

/// Sort direction of an [`OrderBy`].
///
/// ```
/// use advanced_alchemy::filters::SortOrder;
/// assert_eq!(serde_json::to_string(&SortOrder::Desc).unwrap(), "\"desc\"");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SortOrder {
    /// Smallest first.
    #[default]
    Asc,
    /// Largest first.
    Desc,
}

impl From<SortOrder> for Order {
    fn from(order: SortOrder) -> Self {
        match order {
            SortOrder::Asc => Order::Asc,
            SortOrder::Desc => Order::Desc,
        }
    }
}

/// Where NULLs go in an [`OrderBy`]. Without it each backend uses its own default
/// (PostgreSQL: NULLs are largest; SQLite and MySQL: smallest).
///
/// ```
/// use advanced_alchemy::filters::NullsOrder;
/// assert_ne!(NullsOrder::First, NullsOrder::Last);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NullsOrder {
    /// NULLs before every value.
    First,
    /// NULLs after every value.
    Last,
}

impl From<NullsOrder> for NullOrdering {
    fn from(nulls: NullsOrder) -> Self {
        match nulls {
            NullsOrder::First => NullOrdering::First,
            NullsOrder::Last => NullOrdering::Last,
        }
    }
}

/// `ORDER BY field asc|desc [NULLS FIRST|LAST]`: the Python library's `OrderBy`.
/// NULL placement works on every backend (MySQL has no `NULLS FIRST`; it is emulated).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String, pub published_at: Option<DateTimeUtc> } }
/// use advanced_alchemy::filters::{FilterQuery, NullsOrder, OrderBy};
///
/// let newest = OrderBy::desc(post::Column::PublishedAt).nulls(NullsOrder::Last);
/// let query = FilterQuery::<post::Entity>::of(sea_orm::DbBackend::Postgres, &(newest, OrderBy::asc(post::Column::Id)));
/// assert_eq!(query.orders().len(), 2);
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct OrderBy<C> {
    /// The column to sort by.
    pub field: C,
    /// The direction.
    pub sort_order: SortOrder,
    /// Where NULLs go, if it matters.
    pub nulls: Option<NullsOrder>,
}

impl<C: ColumnTrait> OrderBy<C> {
    /// Sorts by `field` in `sort_order`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{OrderBy, SortOrder};
    /// let by_title = OrderBy::new(post::Column::Title, SortOrder::Asc);
    /// assert_eq!(by_title.sort_order, SortOrder::Asc);
    /// ```
    pub fn new(field: C, sort_order: SortOrder) -> Self {
        Self {
            field,
            sort_order,
            nulls: None,
        }
    }

    /// Ascending by `field`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let _ = advanced_alchemy::filters::OrderBy::asc(post::Column::Title);
    /// ```
    pub fn asc(field: C) -> Self {
        Self::new(field, SortOrder::Asc)
    }

    /// Descending by `field`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// let _ = advanced_alchemy::filters::OrderBy::desc(post::Column::Id);
    /// ```
    pub fn desc(field: C) -> Self {
        Self::new(field, SortOrder::Desc)
    }

    /// Puts NULLs first or last.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// use advanced_alchemy::filters::{NullsOrder, OrderBy};
    /// let o = OrderBy::asc(post::Column::Title).nulls(NullsOrder::First);
    /// assert_eq!(o.nulls, Some(NullsOrder::First));
    /// ```
    pub fn nulls(mut self, nulls: NullsOrder) -> Self {
        self.nulls = Some(nulls);
        self
    }
}

impl<E: EntityTrait> Filter<E> for OrderBy<E::Column> {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.order_by(
            sea_orm::sea_query::Expr::col((self.field.entity_name(), self.field)),
            self.sort_order.into(),
            self.nulls.map(Into::into),
        );
    }

    fn apply_in_memory(&self, query: &mut super::MemoryQuery<E>) -> crate::Result<()> {
        query.order_by(
            self.field,
            self.sort_order.into(),
            self.nulls.map(Into::into),
        );
        Ok(())
    }
}

/// `LIMIT limit OFFSET offset`: the Python library's `LimitOffset`.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::filters::{FilterQuery, LimitOffset};
/// let query = FilterQuery::<post::Entity>::of(sea_orm::DbBackend::Postgres, &LimitOffset::new(20, 1000));
/// assert_eq!((query.limit(), query.offset()), (Some(20), Some(1000)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitOffset {
    /// Rows per page.
    pub limit: u64,
    /// Rows skipped.
    pub offset: u64,
}

impl LimitOffset {
    /// A page of `limit` rows after `offset` rows.
    ///
    /// ```
    /// let page = advanced_alchemy::filters::LimitOffset::new(10, 0);
    /// assert_eq!(page.limit, 10);
    /// ```
    pub fn new(limit: u64, offset: u64) -> Self {
        Self { limit, offset }
    }
}

impl<E: EntityTrait> Filter<E> for LimitOffset {
    fn apply(&self, query: &mut FilterQuery<E>) {
        query.limit_offset(self.limit, self.offset);
    }

    fn apply_in_memory(&self, query: &mut super::MemoryQuery<E>) -> crate::Result<()> {
        query.limit_offset(self.limit, self.offset);
        Ok(())
    }
}
