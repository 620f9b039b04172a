//! Writes: input → active model → hooks → repository.

use super::{AsConnection, Key, ModelInput, Service, ServiceHooks};
use crate::base::Base;
use crate::error::{Error, Result};
use crate::filters::Filter;
use crate::repository::pk_columns;
use sea_orm::{ActiveModelTrait, ActiveValue, IdenStatic, IntoActiveModel, Iterable};

impl<E, C, H> Service<E, C, H>
where
    E: Base,
    C: AsConnection,
    H: ServiceHooks<E>,
{
    /// Inserts one row from any [`ModelInput`] after
    /// [`to_model_on_create`](ServiceHooks::to_model_on_create), and returns it as stored.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String, pub views: i32 } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use advanced_alchemy::Error;
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let post = posts.create(json!({"title": "Hi", "views": 0})).await?;
    /// assert_eq!(post.created_at, post.updated_at);
    /// let err = posts.create(json!({"title": "Hi", "views": "none"})).await.unwrap_err();
    /// assert!(matches!(err, Error::InvalidField { field, .. } if field == "views"));
    /// # Ok(()) }
    /// ```
    pub async fn create(&self, data: impl ModelInput<E>) -> Result<E::Model> {
        let am = self.hooks.to_model_on_create(data.into_active()?).await?;
        self.repository().add(am).await
    }

    /// Inserts many rows (each through `to_model_on_create`), in one transaction, and
    /// returns them in input order.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let rows = posts.create_many([json!({"title": "a"}), json!({"title": "b"})]).await?;
    /// assert_eq!(rows[1].title, "b");
    /// // one bad row: nothing is written
    /// assert!(posts.create_many([json!({"title": "c"}), json!({"title": 1})]).await.is_err());
    /// assert_eq!(posts.count(()).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn create_many(
        &self,
        data: impl IntoIterator<Item = impl ModelInput<E>>,
    ) -> Result<Vec<E::Model>> {
        let mut rows = Vec::new();
        for item in data {
            rows.push(self.hooks.to_model_on_create(item.into_active()?).await?);
        }
        self.repository().add_many(rows).await
    }

    /// Changes the row with key `item_id`: fetches it ([`Error::NotFound`] if it does
    /// not exist) and writes only the columns `data` sets, after
    /// [`to_model_on_update`](ServiceHooks::to_model_on_update). The primary key, the
    /// audit columns (`created_at`, `updated_at`) and `deleted_at` are never taken from
    /// `data`; `updated_at` moves. Relationships are not touched (a model's relation
    /// fields are not columns). When `data` sets nothing, the stored row is returned
    /// unchanged.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Serialize, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String, pub subtitle: Option<String> } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let post = posts.create(json!({"title": "Hi", "subtitle": "there"})).await?;
    ///
    /// let updated = posts.update(json!({"subtitle": null}), post.id).await?;
    /// assert_eq!((updated.title.as_str(), updated.subtitle), ("Hi", None));
    /// assert_eq!(updated.created_at, post.created_at);
    /// // the key and audit columns in the data are ignored
    /// let again = posts.update(json!({"id": 99, "created_at": "2000-01-01T00:00:00Z", "title": "Yo"}), post.id).await?;
    /// assert_eq!((again.id, again.created_at, again.title.as_str()), (post.id, post.created_at, "Yo"));
    /// # Ok(()) }
    /// ```
    pub async fn update(
        &self,
        data: impl ModelInput<E>,
        item_id: impl Into<Key<E>>,
    ) -> Result<E::Model> {
        let data = self.hooks.to_model_on_update(data.into_active()?).await?;
        let repo = self.repository();
        let stored = repo.get(item_id).await?;
        let mut am = stored.clone().into_active_model();
        let mut changed = false;
        for col in E::Column::iter() {
            if self.is_protected(col, true) {
                continue;
            }
            if let ActiveValue::Set(value) = data.get(col) {
                am.try_set(col, value).map_err(Error::from_db)?;
                changed = true;
            }
        }
        if !changed {
            return Ok(stored);
        }
        repo.update(am).await
    }

    /// Updates many rows, each of which carries its primary key, writing the columns each
    /// sets (after `to_model_on_update`; never `created_at`, `updated_at` or
    /// `deleted_at`), in one transaction. Rows whose key does not exist are skipped.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::service::Service::<post::Entity, _>::new(db);
    /// let [a, b] = <[post::Model; 2]>::try_from(posts.create_many([json!({"title": "a"}), json!({"title": "b"})]).await?).unwrap();
    /// let rows = posts.update_many([json!({"id": a.id, "title": "A"}), json!({"id": b.id, "title": "B"})]).await?;
    /// assert_eq!((rows[0].title.as_str(), rows[1].title.as_str()), ("A", "B"));
    /// # Ok(()) }
    /// ```
    pub async fn update_many(
        &self,
        data: impl IntoIterator<Item = impl ModelInput<E>>,
    ) -> Result<Vec<E::Model>> {
        let mut rows = Vec::new();
        for item in data {
            let mut am = self.hooks.to_model_on_update(item.into_active()?).await?;
            for col in E::Column::iter() {
                if self.is_protected(col, false) {
                    am.not_set(col);
                }
            }
            rows.push(am);
        }
        self.repository().update_many(rows).await
    }

    /// Inserts the row, or updates the one with the same `match_fields` (default: the
    /// primary key), after [`to_model_on_upsert`](ServiceHooks::to_model_on_upsert); see
    /// [`Repository::upsert_many`](crate::repository::Repository::upsert_many).
    ///
    /// ```
    /// # mod user { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "user_account")]
    /// #   pub struct Model { #[sea_orm(unique)] pub email: String, pub name: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<user::Entity>().create_all(&db).await?;
    /// let users = advanced_alchemy::service::Service::<user::Entity, _>::new(db);
    /// let by_email = Some(&[user::Column::Email][..]);
    /// let a = users.upsert(json!({"email": "a@example.com", "name": "A"}), by_email).await?;
    /// let b = users.upsert(json!({"email": "a@example.com", "name": "Ada"}), by_email).await?;
    /// assert_eq!((a.id, b.name.as_str()), (b.id, "Ada"));
    /// let rows = users.upsert_many([json!({"email": "b@example.com", "name": "B"})], by_email).await?;
    /// assert_eq!(rows.len(), 1);
    /// assert_eq!(users.count(()).await?, 2);
    /// # Ok(()) }
    /// ```
    pub async fn upsert(
        &self,
        data: impl ModelInput<E>,
        match_fields: Option<&[E::Column]>,
    ) -> Result<E::Model> {
        let am = self.hooks.to_model_on_upsert(data.into_active()?).await?;
        self.repository().upsert(am, match_fields).await
    }

    /// [`upsert`](Self::upsert) for many rows, in one transaction, in input order.
    pub async fn upsert_many(
        &self,
        data: impl IntoIterator<Item = impl ModelInput<E>>,
        match_fields: Option<&[E::Column]>,
    ) -> Result<Vec<E::Model>> {
        let mut rows = Vec::new();
        for item in data {
            rows.push(self.hooks.to_model_on_upsert(item.into_active()?).await?);
        }
        self.repository().upsert_many(rows, match_fields).await
    }

    /// The row whose `match_fields` equal those of `data`, created when there is none
    /// (`true` then); with `upsert`, an existing row gets the other columns of `data`.
    /// Runs `to_model_on_upsert`; see
    /// [`Repository::get_or_upsert`](crate::repository::Repository::get_or_upsert).
    ///
    /// ```
    /// # mod tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel, serde::Deserialize)]
    /// #   #[sea_orm(table_name = "tag")]
    /// #   pub struct Model { #[sea_orm(unique)] pub name: String, pub uses: i32 } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use serde_json::json;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
    /// let tags = advanced_alchemy::service::Service::<tag::Entity, _>::new(db);
    /// let by_name = [tag::Column::Name];
    /// let (rust, created) = tags.get_or_upsert(json!({"name": "rust", "uses": 1}), &by_name, false).await?;
    /// assert!(created);
    /// let (same, created) = tags.get_or_upsert(json!({"name": "rust", "uses": 5}), &by_name, false).await?;
    /// assert_eq!((same.id, same.uses, created), (rust.id, 1, false));
    /// let (row, updated) = tags.get_and_update(json!({"name": "rust", "uses": 2}), &by_name).await?;
    /// assert_eq!((row.uses, updated), (2, true));
    /// # Ok(()) }
    /// ```
    pub async fn get_or_upsert(
        &self,
        data: impl ModelInput<E>,
        match_fields: &[E::Column],
        upsert: bool,
    ) -> Result<(E::Model, bool)> {
        let am = self.hooks.to_model_on_upsert(data.into_active()?).await?;
        self.repository()
            .get_or_upsert(am, match_fields, upsert)
            .await
    }

    /// Finds the row whose `match_fields` equal those of `data` ([`Error::NotFound`]
    /// without one) and writes the other columns `data` sets where they differ; `true`
    /// when something was written. Runs `to_model_on_update`. Example at
    /// [`get_or_upsert`](Self::get_or_upsert).
    pub async fn get_and_update(
        &self,
        data: impl ModelInput<E>,
        match_fields: &[E::Column],
    ) -> Result<(E::Model, bool)> {
        let am = self.hooks.to_model_on_update(data.into_active()?).await?;
        self.repository().get_and_update(am, match_fields).await
    }

    /// Deletes (or soft-deletes) the row with key `id` and returns it;
    /// [`Error::NotFound`] if there is none.
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
    /// let rows = posts.create_many(["a", "b", "c", "d"].map(|t| post::ActiveModel { title: Set(t.into()), ..Default::default() })).await?;
    /// assert_eq!(posts.delete(rows[0].id).await?.title, "a");
    /// assert_eq!(posts.delete_many([rows[1].id, rows[2].id]).await?.len(), 2);
    /// assert_eq!(posts.delete_where(post::Column::Title.eq("d")).await?.len(), 1);
    /// assert_eq!(posts.count(()).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        self.repository().delete(id).await
    }

    /// Deletes the rows with these keys and returns those that existed. Example at
    /// [`delete`](Self::delete).
    pub async fn delete_many<K: Into<Key<E>>>(
        &self,
        ids: impl IntoIterator<Item = K>,
    ) -> Result<Vec<E::Model>> {
        self.repository().delete_many(ids).await
    }

    /// Deletes every row matching `filter` and returns them. Example at
    /// [`delete`](Self::delete).
    pub async fn delete_where(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.repository().delete_where(filter).await
    }

    /// Whether an update never takes `col` from the caller's data: the audit columns and
    /// `deleted_at`, and (when `with_key`) the primary key.
    fn is_protected(&self, col: E::Column, with_key: bool) -> bool {
        let name = col.as_str();
        let same = |c: Option<E::Column>| c.is_some_and(|c| c.as_str() == name);
        (with_key && pk_columns::<E>().iter().any(|k| k.as_str() == name))
            || E::audit_columns()
                .is_some_and(|(created, updated)| same(Some(created)) || same(Some(updated)))
            || same(E::soft_delete_column())
    }
}
