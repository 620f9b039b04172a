//! Single-row writes: `add` and `update`.

use super::{Repository, atomic};
use crate::base::Base;
use crate::error::{Error, Result};
use sea_orm::{
    ActiveModelBehavior, ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, IntoActiveModel,
    QueryFilter, TransactionTrait,
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
    /// `Set`, and returns the row as stored. `updated_at` moves; a row that does not
    /// exist (or is soft-deleted) is [`Error::NotFound`].
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
        atomic!(self, false, |conn| self.update_on(conn, am))
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
