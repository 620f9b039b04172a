//! Deletes — soft for [`SoftDelete`](crate::mixins::SoftDelete) models, hard otherwise —
//! plus `restore` and the explicit hard deletes.
//!
//! PostgreSQL and SQLite delete (or soft-delete) with `… RETURNING *`: one statement per
//! chunk. MySQL has no `RETURNING`, so there the rows are read with `FOR UPDATE` first,
//! then removed by primary key, inside one transaction.

use super::{Repository, atomic, key_tuple, pk_columns, pk_condition, pk_eq};
use crate::base::Base;
use crate::error::{Error, Result};
use crate::filters::{Filter, FilterQuery};
use crate::types::DateTimeUTC;
use sea_orm::sea_query::{Condition, Expr, IntoCondition, ValueTuple};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DbBackend, EntityTrait, ModelTrait, PrimaryKeyTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};

/// What a removal does to the matched rows.
#[derive(Clone, Copy, PartialEq)]
enum Removal {
    /// Set `deleted_at` (soft-delete models) or delete (others).
    Delete,
    /// Always delete.
    Hard,
    /// Clear `deleted_at`.
    Restore,
}

type Key<E> = <<E as EntityTrait>::PrimaryKey as PrimaryKeyTrait>::ValueType;

/// What [`Repository::delete_many`] and [`Repository::hard_delete_many`] accept for each
/// row: its primary key (`i64`, `Uuid`, a tuple for a composite key, anything `Into`
/// it) or the row itself (a `Model` or `&Model`), as the Python library's
/// `delete_many` takes ids or instances. `How` is a marker the compiler infers
/// ([`ByKey`], [`ByModel`], [`ByModelRef`]); you never name it.
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use sea_orm::ActiveValue::Set;
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
/// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
/// let rows = posts.add_many(["a", "b", "c"].map(|t| post::ActiveModel { title: Set(t.into()), ..Default::default() })).await?;
/// assert_eq!(posts.delete_many(&rows[..2]).await?.len(), 2); // models by reference
/// assert_eq!(posts.delete_many([rows[2].id]).await?.len(), 1); // keys
/// # Ok(()) }
/// ```
pub trait DeleteKey<E: EntityTrait, How> {
    /// The primary key of the row, as a value tuple.
    fn into_key_tuple(self) -> ValueTuple;
}

/// [`DeleteKey`] marker: a primary key value.
#[derive(Debug)]
pub enum ByKey {}
/// [`DeleteKey`] marker: a model.
#[derive(Debug)]
pub enum ByModel {}
/// [`DeleteKey`] marker: a model by reference.
#[derive(Debug)]
pub enum ByModelRef {}

impl<E: EntityTrait, K: Into<Key<E>>> DeleteKey<E, ByKey> for K {
    fn into_key_tuple(self) -> ValueTuple {
        key_tuple::<E>(self)
    }
}

impl<E: EntityTrait, M: ModelTrait<Entity = E>> DeleteKey<E, ByModel> for M {
    fn into_key_tuple(self) -> ValueTuple {
        self.get_primary_key_value()
    }
}

impl<E: EntityTrait, M: ModelTrait<Entity = E>> DeleteKey<E, ByModelRef> for &M {
    fn into_key_tuple(self) -> ValueTuple {
        self.get_primary_key_value()
    }
}

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// Deletes the row with primary key `id` and returns it; soft-deletes it (returning
    /// it with `deleted_at` set) when the model has [`SoftDelete`](crate::mixins::SoftDelete).
    /// No such row is [`Error::NotFound`]. Delete hooks do not
    /// run (as with SeaORM's `Entity::delete_many`).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let post = posts.add(post::ActiveModel { title: Set("bye".into()), ..Default::default() }).await?;
    /// assert_eq!(posts.delete(post.id).await?.title, "bye");
    /// assert_eq!(posts.count(()).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn delete(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        self.remove_one(key_tuple::<E>(id), Removal::Delete).await
    }

    /// Deletes (or soft-deletes) the rows with these primary keys and returns them.
    /// Keys go in chunks under the backend's bind-parameter limit (or the
    /// [`chunk_size`](Self::chunk_size)); several chunks run in one transaction, so a
    /// failure deletes nothing. Keys without a row are ignored. Each item is a key or a
    /// model (see [`DeleteKey`]).
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let a = posts.add(post::ActiveModel { title: Set("a".into()), ..Default::default() }).await?;
    /// let b = posts.add(post::ActiveModel { title: Set("b".into()), ..Default::default() }).await?;
    /// assert_eq!(posts.delete_many([a.id, b.id, 999]).await?.len(), 2);
    /// # Ok(()) }
    /// ```
    pub async fn delete_many<K: DeleteKey<E, How>, How>(
        &self,
        ids: impl IntoIterator<Item = K>,
    ) -> Result<Vec<E::Model>> {
        self.remove_many(ids, Removal::Delete).await
    }

    /// Deletes (or soft-deletes) every row matching `filter` and returns them. Only the
    /// filter's condition is used.
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
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// posts.add(post::ActiveModel { title: Set("spam".into()), ..Default::default() }).await?;
    /// let gone = posts.delete_where(post::Column::Title.eq("spam")).await?;
    /// assert_eq!(gone.len(), 1);
    /// # Ok(()) }
    /// ```
    pub async fn delete_where(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.remove_where(filter, Removal::Delete).await
    }

    /// Clears `deleted_at` of a soft-deleted row and returns it; a row that does not
    /// exist or is not deleted is [`Error::NotFound`]. A model
    /// without [`SoftDelete`](crate::mixins::SoftDelete) gets
    /// [`Error::InvalidRequest`].
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let post = posts.add(post::ActiveModel { title: Set("oops".into()), ..Default::default() }).await?;
    /// assert!(posts.delete(post.id).await?.deleted_at.is_some());
    /// assert_eq!(posts.count(()).await?, 0);
    /// assert!(posts.restore(post.id).await?.deleted_at.is_none());
    /// assert_eq!(posts.count(()).await?, 1);
    /// # Ok(()) }
    /// ```
    pub async fn restore(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        self.remove_one(key_tuple::<E>(id), Removal::Restore).await
    }

    /// Removes the row for real, soft-delete model or not, and returns it.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let post = posts.add(post::ActiveModel { title: Set("gdpr".into()), ..Default::default() }).await?;
    /// posts.hard_delete(post.id).await?;
    /// assert_eq!(posts.clone().include_deleted().count(()).await?, 0);
    /// # Ok(()) }
    /// ```
    pub async fn hard_delete(&self, id: impl Into<Key<E>>) -> Result<E::Model> {
        self.remove_one(key_tuple::<E>(id), Removal::Hard).await
    }

    /// [`delete_many`](Self::delete_many) that always removes rows for real.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// assert!(posts.hard_delete_many([1, 2]).await?.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn hard_delete_many<K: DeleteKey<E, How>, How>(
        &self,
        ids: impl IntoIterator<Item = K>,
    ) -> Result<Vec<E::Model>> {
        self.remove_many(ids, Removal::Hard).await
    }

    /// [`delete_where`](Self::delete_where) that always removes rows for real, including
    /// rows that were already soft-deleted.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase, SoftDelete)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ColumnTrait;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let purged = posts.hard_delete_where(post::Column::DeletedAt.is_not_null()).await?;
    /// # assert!(purged.is_empty());
    /// # Ok(()) }
    /// ```
    pub async fn hard_delete_where(&self, filter: impl Filter<E>) -> Result<Vec<E::Model>> {
        self.remove_where(filter, Removal::Hard).await
    }

    async fn remove_one(&self, id: ValueTuple, how: Removal) -> Result<E::Model> {
        let condition = pk_eq::<E>(id);
        let multi = self.backend() == DbBackend::MySql;
        let mut rows = atomic!(self, multi, |conn| self.remove_on(conn, condition, how))?;
        match rows.len() {
            1 => Ok(rows.remove(0)),
            0 => Err(self.not_found()),
            _ => Err(self.err(Error::multiple_results(self.model_name()))),
        }
    }

    async fn remove_many<K: DeleteKey<E, How>, How>(
        &self,
        ids: impl IntoIterator<Item = K>,
        how: Removal,
    ) -> Result<Vec<E::Model>> {
        let ids: Vec<ValueTuple> = ids.into_iter().map(K::into_key_tuple).collect();
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let per_chunk = self.rows_per_chunk(pk_columns::<E>().len());
        let multi = ids.len() > per_chunk || self.backend() == DbBackend::MySql;
        atomic!(self, multi, |conn| async {
            let mut removed = Vec::with_capacity(ids.len());
            for chunk in ids.chunks(per_chunk) {
                let condition = match pk_columns::<E>().as_slice() {
                    // one `IN (…)` rather than a chain of ORs
                    [col] => col.is_in(chunk.iter().cloned().flatten()).into_condition(),
                    _ => chunk
                        .iter()
                        .cloned()
                        .fold(Condition::any(), |any, id| any.add(pk_eq::<E>(id))),
                };
                removed.extend(self.remove_on(conn, condition, how).await?);
            }
            Ok(removed)
        })
    }

    async fn remove_where(&self, filter: impl Filter<E>, how: Removal) -> Result<Vec<E::Model>> {
        let query = FilterQuery::of(self.backend(), &filter);
        let condition = query.condition().clone();
        let multi = self.backend() == DbBackend::MySql;
        atomic!(self, multi, |conn| self.remove_on(conn, condition, how))
    }

    /// One removal statement (two or three on MySQL) over the rows matching `condition`.
    async fn remove_on<X: ConnectionTrait>(
        &self,
        conn: &X,
        condition: Condition,
        how: Removal,
    ) -> Result<Vec<E::Model>> {
        let soft = E::soft_delete_column();
        let (condition, stamp) = match (how, soft) {
            (Removal::Restore, None) => {
                return Err(Error::InvalidRequest(format!(
                    "{} has no SoftDelete column to restore",
                    self.model_name()
                )));
            }
            (Removal::Restore, Some(col)) => (condition.add(col.is_not_null()), Some(None)),
            (Removal::Delete, Some(col)) => {
                let now = DateTimeUTC::now().for_backend(conn.get_database_backend());
                (condition.add(col.is_null()), Some(Some(now)))
            }
            (Removal::Delete, None) | (Removal::Hard, _) => (condition, None),
        };
        let returning = conn.support_returning();
        match stamp {
            None if returning => E::delete_many()
                .filter(condition)
                .exec_with_returning(conn)
                .await
                .map_err(|e| self.db_err(e)),
            None => {
                let rows = self.lock_rows(conn, condition).await?;
                for chunk in rows.chunks(self.rows_per_chunk(pk_columns::<E>().len())) {
                    let result = E::delete_many()
                        .filter(pk_condition::<E>(chunk))
                        .exec(conn)
                        .await
                        .map_err(|e| self.db_err(e))?;
                    if result.rows_affected != chunk.len() as u64 {
                        return Err(self.err(Error::InvalidRequest(format!(
                            "deleted {} {} rows where {} were locked",
                            result.rows_affected,
                            self.model_name(),
                            chunk.len()
                        ))));
                    }
                }
                Ok(rows)
            }
            Some(deleted_at) => {
                let Some(col) = soft else {
                    unreachable!("a stamp is only chosen for soft-delete models")
                };
                let mut update = E::update_many().col_expr(col, Expr::value(deleted_at));
                if let Some((_, updated)) = E::audit_columns() {
                    let now = DateTimeUTC::now().for_backend(conn.get_database_backend());
                    update = update.col_expr(updated, Expr::value(now));
                }
                if returning {
                    return update
                        .filter(condition)
                        .exec_with_returning(conn)
                        .await
                        .map_err(|e| self.db_err(e));
                }
                let rows = self.lock_rows(conn, condition).await?;
                let mut changed = Vec::with_capacity(rows.len());
                for chunk in rows.chunks(self.rows_per_chunk(pk_columns::<E>().len())) {
                    let keys = pk_condition::<E>(chunk);
                    update
                        .clone()
                        .filter(keys.clone())
                        .exec(conn)
                        .await
                        .map_err(|e| self.db_err(e))?;
                    changed.extend(
                        E::find()
                            .filter(keys)
                            .all(conn)
                            .await
                            .map_err(|e| self.db_err(e))?,
                    );
                }
                Ok(changed)
            }
        }
    }

    /// `SELECT … WHERE condition FOR UPDATE` (the MySQL path, which has no RETURNING).
    async fn lock_rows<X: ConnectionTrait>(
        &self,
        conn: &X,
        condition: Condition,
    ) -> Result<Vec<E::Model>> {
        E::find()
            .filter(condition)
            .lock_exclusive()
            .all(conn)
            .await
            .map_err(|e| self.db_err(e))
    }
}
