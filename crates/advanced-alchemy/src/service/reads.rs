//! Reads: the repository's, plus pages and conversion into response types.

use super::{AsConnection, Key, Service, ServiceHooks};
use crate::base::Base;
use crate::error::{Error, Result};
use crate::filters::{Filter, FilterQuery, LimitOffset};
use crate::pagination::OffsetPagination;
use serde::Serialize;
use serde::de::DeserializeOwned;

impl<E, C, H> Service<E, C, H>
where
    E: Base,
    C: AsConnection,
    H: ServiceHooks<E>,
{
    /// How many rows match `filter`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{ActiveValue::Set, ColumnTrait};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// posts.create(post::ActiveModel { title: Set("a".into()), ..Default::default() }).await?;
    /// assert_eq!(posts.count(()).await?, 1);
    /// assert_eq!(posts.count(post::Column::Title.eq("b")).await?, 0);
    /// assert!(posts.exists(post::Column::Title.eq("a")).await?);
    /// # Ok(()) }
    /// ```
    pub async fn count(&self, filter: impl Filter<E>) -> Result<u64> {
        self.repository().count(filter).await
    }

    /// Whether any row matches `filter` (example at [`count`](Self::count)).
    pub async fn exists(&self, filter: impl Filter<E>) -> Result<bool> {
        self.repository().exists(filter).await
    }

    /// The row with primary key `id` (a tuple for a composite key), or
    /// [`Error::NotFound`].
    ///
    /// ```
    /// # mod post_tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post_tag")]
    /// #   pub struct Model {
    /// #     #[sea_orm(primary_key, auto_increment = false)] pub post_id: i64,
    /// #     #[sea_orm(primary_key, auto_increment = false)] pub tag_id: i64 } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Error;
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post_tag::Entity>().create_all(&db).await?;
    /// let links = advanced_alchemy::service::Service::<post_tag::Entity, _>::new(db);
    /// links.create(post_tag::ActiveModel { post_id: Set(1), tag_id: Set(2) }).await?;
    /// assert_eq!(links.get((1, 2)).await?.tag_id, 2);
    /// assert!(matches!(links.get((2, 1)).await, Err(Error::NotFound { .. })));
    /// # Ok(()) }
    /// ```
    pub async fn get(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        self.repository().get(id).await
    }

    /// The one row matching `filter`: [`Error::NotFound`] or
    /// [`Error::MultipleResultsFound`] otherwise.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{ActiveValue::Set, ColumnTrait};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// posts.create(post::ActiveModel { title: Set("a".into()), ..Default::default() }).await?;
    /// assert_eq!(posts.get_one(post::Column::Title.eq("a")).await?.title, "a");
    /// assert!(posts.get_one_or_none(post::Column::Title.eq("z")).await?.is_none());
    /// # Ok(()) }
    /// ```
    pub async fn get_one(&self, filter: impl Filter<E>) -> Result<E::Model> {
        self.repository().get_one(filter).await
    }

    /// The one row matching `filter`, or `None` (example at [`get_one`](Self::get_one)).
    pub async fn get_one_or_none(&self, filter: impl Filter<E>) -> Result<Option<E::Model>> {
        self.repository().get_one_or_none(filter).await
    }

    /// Every row matching `filter` (conditions, ordering, paging).
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
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// posts.create_many(["b", "a", "c"].map(|t| post::ActiveModel { title: Set(t.into()), ..Default::default() })).await?;
    /// let all = posts.get_many(OrderBy::asc(post::Column::Title)).await?;
    /// assert_eq!(all[0].title, "a");
    /// let (page, total) = posts.get_many_and_count((OrderBy::asc(post::Column::Title), LimitOffset::new(2, 2))).await?;
    /// assert_eq!((page.len(), total), (1, 3));
    /// # Ok(()) }
    /// ```
    pub async fn get_many(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.repository().get_many(filter).await
    }

    /// The rows matching `filter` and how many match without its paging (correct for a
    /// page past the end too). Example at [`get_many`](Self::get_many).
    pub async fn get_many_and_count(&self, filter: impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        self.repository().get_many_and_count(filter).await
    }

    /// The old name of [`get_many`](Self::get_many), as in the Python 1.10+ API.
    #[deprecated(note = "use get_many")]
    pub async fn list(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.get_many(filter).await
    }

    /// The old name of [`get_many_and_count`](Self::get_many_and_count).
    #[deprecated(note = "use get_many_and_count")]
    pub async fn list_and_count(&self, filter: impl Filter<E>) -> Result<(Vec<E::Model>, u64)> {
        self.get_many_and_count(filter).await
    }

    /// One page as [`OffsetPagination`] of your response type `S` (`{items, limit, offset,
    /// total}` in JSON). `limit` and `offset` are the filter's
    /// [`LimitOffset`] (without one: every row, `limit` = their number); `total` counts
    /// every matching row, also for a page past the end.
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
    ///
    /// #[derive(serde::Serialize)]
    /// struct Title(String);
    /// impl From<post::Model> for Title {
    ///     fn from(m: post::Model) -> Self { Title(m.title) }
    /// }
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// posts.create_many(["a", "b", "c"].map(|t| post::ActiveModel { title: Set(t.into()), ..Default::default() })).await?;
    /// let page = posts.paginate::<Title>((OrderBy::asc(post::Column::Title), LimitOffset::new(2, 10))).await?;
    /// assert_eq!(serde_json::to_string(&page).unwrap(), r#"{"items":[],"limit":2,"offset":10,"total":3}"#);
    /// # Ok(()) }
    /// ```
    pub async fn paginate<S: From<E::Model>>(
        &self,
        filter: impl Filter<E>,
    ) -> Result<OffsetPagination<S>> {
        let page = self.page_of(&filter);
        let (items, total) = self.get_many_and_count(filter).await?;
        let page = page.unwrap_or(LimitOffset::new(items.len() as u64, 0));
        Ok(OffsetPagination::new(items, total, page).map(S::from))
    }

    /// A row as your response type (the Python `to_schema`), through `From<Model>`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    ///
    /// #[derive(serde::Deserialize)]
    /// struct Summary { title: String }
    /// struct Title(String);
    /// impl From<post::Model> for Title {
    ///     fn from(m: post::Model) -> Self { Title(m.title) }
    /// }
    ///
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let post = posts.create(post::ActiveModel { title: Set("a".into()), ..Default::default() }).await?;
    /// let Title(t) = posts.to_schema(post.clone());
    /// let summary: Summary = posts.to_schema_serde(&post)?; // through serde: fields by name
    /// assert_eq!((t.as_str(), summary.title.as_str()), ("a", "a"));
    /// # Ok(()) }
    /// ```
    pub fn to_schema<S: From<E::Model>>(&self, model: E::Model) -> S {
        S::from(model)
    }

    /// A row as your response type through serde: the model serialised, then `S`
    /// deserialised from it (fields by name; a field `S` needs that the model lacks is
    /// [`Error::InvalidRequest`]). Example at [`to_schema`](Self::to_schema).
    pub fn to_schema_serde<S: DeserializeOwned>(&self, model: &E::Model) -> Result<S>
    where
        E::Model: Serialize,
    {
        serde_json::to_value(model)
            .and_then(serde_json::from_value)
            .map_err(|e| {
                Error::InvalidRequest(format!(
                    "{} cannot be read as {}: {}",
                    self.model_name(),
                    std::any::type_name::<S>(),
                    super::input::redact(&e.to_string())
                ))
            })
    }

    /// Rows and their total as a page of `S` for the given paging (the Python
    /// `to_schema(data, total=…, filters=…)`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::filters::LimitOffset;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let page = LimitOffset::new(20, 0);
    /// let (items, total) = posts.get_many_and_count(page).await?;
    /// let page = posts.to_page::<post::Model>(items, total, page);
    /// assert_eq!((page.total, page.limit), (0, 20));
    /// # Ok(()) }
    /// ```
    pub fn to_page<S: From<E::Model>>(
        &self,
        items: Vec<E::Model>,
        total: u64,
        page: LimitOffset,
    ) -> OffsetPagination<S> {
        OffsetPagination::new(items, total, page).map(S::from)
    }

    /// The `LimitOffset` a filter carries, if any.
    fn page_of(&self, filter: &impl Filter<E>) -> Option<LimitOffset> {
        use sea_orm::ConnectionTrait;
        let backend = self.conn.as_connection().get_database_backend();
        let query = FilterQuery::of(backend, filter);
        query
            .limit()
            .map(|limit| LimitOffset::new(limit, query.offset().unwrap_or(0)))
    }
}
