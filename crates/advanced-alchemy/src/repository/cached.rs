//! [`Repository::cached`]: `get` and `get_many` through the session's read cache
//! (see [`cache`](crate::cache)).

use super::Repository;
use crate::Session;
use crate::base::Base;
use crate::cache::Cache;
use crate::error::Result;
use crate::filters::{Filter, FilterQuery};
use sea_orm::{PrimaryKeyTrait, QueryTrait};
use serde::Serialize;
use serde::de::DeserializeOwned;

/// Cached reads of a [`Repository`] on a [`Session`] with a cache attached
/// ([`Session::with_cache`]); made by [`Repository::cached`]. Without a cache, or
/// inside a transaction that has written, each call is the repository's own read.
///
/// The model must be `Serialize + DeserializeOwned` (values are stored as JSON, so a
/// shared backend can hold them).
pub struct CachedReads<'r, 'c, E> {
    repo: &'r Repository<'c, E, Session>,
}

impl<'c, E> Repository<'c, E, Session>
where
    E: Base,
    E::Model: Serialize + DeserializeOwned,
{
    /// Reads through the session's read cache. The repository's own methods are the
    /// per-call bypass.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::{Session, cache::Cache, filters::OrderBy, repository::Repository};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let cache = Cache::in_memory(Default::default());
    /// let session = Session::new(&db).with_cache(&cache);
    /// let posts = Repository::<post::Entity, _>::new(&session);
    /// let all = posts.cached().get_many(OrderBy::asc(post::Column::Id)).await?; // stored
    /// let fresh = posts.get_many(OrderBy::asc(post::Column::Id)).await?;       // bypass
    /// assert_eq!(all, fresh);
    /// # Ok(()) }
    /// ```
    pub fn cached(&self) -> CachedReads<'_, 'c, E> {
        CachedReads { repo: self }
    }
}

impl<E> CachedReads<'_, '_, E>
where
    E: Base,
    E::Model: Serialize + DeserializeOwned,
{
    /// The cache to use for this read, or `None` to read the database directly.
    fn cache(&self) -> Option<&Cache> {
        let session = self.repo.connection();
        let cache = session.read_cache()?;
        if session.has_written() {
            cache.note_skipped();
            return None;
        }
        Some(cache)
    }

    /// [`Repository::get`], cached.
    pub async fn get(
        &self,
        id: impl Into<<E::PrimaryKey as PrimaryKeyTrait>::ValueType>,
    ) -> Result<E::Model> {
        let id = id.into();
        let Some(cache) = self.cache() else {
            return self.repo.get(id).await;
        };
        let what = format!("get:{id:?}");
        let group = self.repo.connection().read_group();
        cache
            .read_through(self.repo.model_name(), group, &what, || self.repo.get(id))
            .await
    }

    /// [`Repository::get_many`], cached under the statement it runs (filters, order
    /// and page included).
    pub async fn get_many(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        let Some(cache) = self.cache() else {
            return self.repo.get_many(filter).await;
        };
        let what = {
            let query = FilterQuery::of(self.repo.backend(), &filter);
            let statement = self.repo.page_select(&query).build(self.repo.backend());
            format!(
                "list:{}",
                Cache::digest(&format!("{}|{:?}", statement.sql, statement.values))
            )
        };
        let group = self.repo.connection().read_group();
        cache
            .read_through(self.repo.model_name(), group, &what, || {
                self.repo.get_many(filter)
            })
            .await
    }
}
