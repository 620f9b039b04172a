//! Single-row writes: `add` and `update`.

use super::rows::{Key, am_key, key_in, model_key};
use super::{Repository, atomic, pk_columns};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ActiveValue, ColumnTrait, ConnectionTrait, DbBackend,
    DbErr, EntityTrait, IdenStatic, IntoActiveModel, Iterable, ModelTrait, QueryFilter,
    QuerySelect, TransactionTrait,
};

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// Inserts one row and returns it as stored (keys, defaults and audit columns
    /// filled). The model's save hooks run, as for SeaORM's `ActiveModel::insert`.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(UUIDv7AuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::ActiveValue::Set;
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let post = posts.add(post::ActiveModel { title: Set("Hello".into()), ..Default::default() }).await?;
    /// assert_eq!(post.id.get_version_num(), 7);
    /// assert_eq!(post.created_at, post.updated_at);
    /// # Ok(()) }
    /// ```
    pub async fn add(&self, data: impl IntoActiveModel<E::ActiveModel>) -> Result<E::Model> {
        let am = data.into_active_model();
        atomic!(self, false, |conn| async {
            am.insert(conn).await.map_err(|e| self.db_err(e))
        })
    }

    /// Updates the row whose primary key `data` carries, writing the columns that are
    /// `Set`, and returns the row as stored. `updated_at` moves when a column is `Set`
    /// (SeaORM's `Set` does not remember the value it replaced; use
    /// `ActiveValue::set_if_not_equals` on an `ActiveModel` made from a `Model` to keep
    /// an equal value `Unchanged`). A row that does not exist (or is soft-deleted) is
    /// [`Error::NotFound`].
    ///
    /// A whole `Model` (or an `ActiveModel` with every column `Unchanged`) means "store
    /// this row": the stored row is read (locked `FOR UPDATE` on PostgreSQL and MySQL),
    /// the columns whose values differ are written, and `updated_at` moves only if one
    /// did. When none differs nothing is written and the stored row is returned. The
    /// audit columns of the given model are not compared: `created_at` stays and
    /// `updated_at` follows the rule above, so a model read before someone else's update
    /// cannot set it back.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> advanced_alchemy::Result<()> {
    /// use sea_orm::{ActiveValue::Set, IntoActiveModel};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// # advanced_alchemy::registry::Registry::new().register::<post::Entity>().create_all(&db).await?;
    /// let posts = advanced_alchemy::repository::Repository::<post::Entity, _>::new(&db);
    /// let post = posts.add(post::ActiveModel { title: Set("draft".into()), ..Default::default() }).await?;
    ///
    /// let mut change = post.clone().into_active_model();
    /// change.title = Set("final".into());
    /// let updated = posts.update(change).await?;
    /// assert_eq!(updated.title, "final");
    /// assert!(updated.updated_at >= post.updated_at);
    /// # Ok(()) }
    /// ```
    pub async fn update(&self, data: impl IntoActiveModel<E::ActiveModel>) -> Result<E::Model> {
        let am = data.into_active_model();
        if is_whole_row::<E>(&am) {
            return atomic!(self, true, |conn| async {
                let key = am_key::<E>(&am, &pk_columns::<E>()).ok_or_else(|| {
                    Error::InvalidRequest(format!(
                        "update of {} needs the primary key set",
                        self.model_name()
                    ))
                })?;
                let stored = self.stored_rows(conn, vec![key]).await?;
                let Some(stored) = stored.into_iter().next() else {
                    return Err(self.not_found());
                };
                match changes_from::<E>(am, &stored) {
                    Some(am) => self.update_on(conn, am).await,
                    None => Ok(stored),
                }
            });
        }
        atomic!(self, false, |conn| self.update_on(conn, am))
    }

    /// The rows stored under `keys` (visible ones unless
    /// [`include_deleted`](Self::include_deleted)), locked for update on the servers.
    pub(crate) async fn stored_rows<X: ConnectionTrait>(
        &self,
        conn: &X,
        keys: Vec<Key>,
    ) -> Result<Vec<E::Model>> {
        let pk = pk_columns::<E>();
        let mut find = E::find().filter(key_in::<E>(self.backend(), &pk, keys));
        if let Some(col) = E::soft_delete_column()
            && !self.include_deleted
        {
            find = find.filter(col.is_null());
        }
        if self.backend() != DbBackend::Sqlite {
            find = find.lock_exclusive();
        }
        find.all(conn).await.map_err(|e| self.db_err(e))
    }

    /// [`update`](Self::update) on a given connection (shared with the bulk path).
    pub(crate) async fn update_on<X: ConnectionTrait>(
        &self,
        conn: &X,
        am: E::ActiveModel,
    ) -> Result<E::Model> {
        let am = am
            .before_save(conn, false)
            .await
            .map_err(|e| self.db_err(e))?;
        let mut update = E::update(am).validate().map_err(|e| match e {
            DbErr::PrimaryKeyNotSet { .. } => Error::InvalidRequest(format!(
                "update of {} needs the primary key set",
                self.model_name()
            )),
            e => self.db_err(e),
        })?;
        if let Some(col) = E::soft_delete_column()
            && !self.include_deleted
        {
            update = update.filter(col.is_null());
        }
        let model = update.exec(conn).await.map_err(|e| self.db_err(e))?;
        <E::ActiveModel as ActiveModelBehavior>::after_save(model, conn, false)
            .await
            .map_err(|e| self.db_err(e))
    }
}

/// Whether `am` is a whole row: every column `Unchanged`, as `Model::into_active_model`
/// makes it. [`Repository::update`] then stores the row as given.
pub(crate) fn is_whole_row<E: EntityTrait>(am: &E::ActiveModel) -> bool {
    E::Column::iter().all(|c| matches!(am.get(c), ActiveValue::Unchanged(_)))
}

/// `am` (a whole row) with the columns whose values differ from `stored` set, or `None`
/// when it equals the stored row.
pub(crate) fn changes_from<E: Base>(
    mut am: E::ActiveModel,
    stored: &E::Model,
) -> Option<E::ActiveModel> {
    let mut changed = false;
    let audit = <E as Base>::audit_columns();
    for col in E::Column::iter() {
        if audit.is_some_and(|(c, u)| c.as_str() == col.as_str() || u.as_str() == col.as_str()) {
            continue;
        }
        if let ActiveValue::Unchanged(value) = am.get(col)
            && value != stored.get(col)
        {
            am.set(col, value);
            changed = true;
        }
    }
    changed.then_some(am)
}

impl<E, C> Repository<'_, E, C>
where
    E: Base,
    C: ConnectionTrait + TransactionTrait,
{
    /// `rows` with each whole row (see [`is_whole_row`]) turned into the changes from its
    /// stored row, for `update_many`: a row equal to the stored one sets its
    /// `updated_at` (or, without audit columns, another column) to the stored value, so
    /// it is returned and nothing moves; a whole row whose key has no visible row is
    /// dropped (`update_many` skips missing keys).
    pub(crate) async fn resolve_whole_rows<X: ConnectionTrait>(
        &self,
        conn: &X,
        rows: Vec<E::ActiveModel>,
    ) -> Result<Vec<E::ActiveModel>> {
        let pk = pk_columns::<E>();
        let keys: Vec<Key> = rows
            .iter()
            .filter(|am| is_whole_row::<E>(am))
            .filter_map(|am| am_key::<E>(am, &pk))
            .collect();
        if keys.is_empty() {
            return Ok(rows);
        }
        let mut stored: std::collections::HashMap<Key, E::Model> = std::collections::HashMap::new();
        for chunk in keys.chunks(self.rows_per_chunk(pk.len())) {
            for model in self.stored_rows(conn, chunk.to_vec()).await? {
                stored.insert(model_key::<E>(&model, &pk), model);
            }
        }
        let keep = E::audit_columns()
            .map(|(_, updated)| updated)
            .or_else(|| E::Column::iter().find(|c| !super::rows::has(&pk, *c)));
        let mut out = Vec::with_capacity(rows.len());
        for am in rows {
            if !is_whole_row::<E>(&am) {
                out.push(am);
                continue;
            }
            let Some(found) = am_key::<E>(&am, &pk).and_then(|k| stored.get(&k)) else {
                continue;
            };
            match changes_from::<E>(am.clone(), found) {
                Some(changes) => out.push(changes),
                None => {
                    let mut same = am;
                    if let Some(col) = keep {
                        same.set(col, found.get(col));
                    }
                    out.push(same);
                }
            }
        }
        Ok(out)
    }
}
