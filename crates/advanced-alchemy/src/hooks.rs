//! Your own save and delete hooks, chained after the ones the [`model`](crate::model)
//! attribute generates.
//!
//! The attribute writes the entity's `ActiveModelBehavior` (SeaORM allows one per entity,
//! and a blanket one is ruled out by the orphan rules). That implementation first fills
//! keys and audit columns, then calls [`ModelHooks`]. By default the attribute also writes
//! an empty `ModelHooks` impl; give the attribute the `hooks` option and write your own.

use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{ActiveModelTrait, ConnectionTrait, DbErr, EntityTrait};

/// Hooks that run inside the generated `ActiveModelBehavior`, after keys and audit
/// columns are filled. Every method has a default that does nothing.
///
/// ```
/// mod post {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntAuditBase, hooks)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "post")]
///     pub struct Model {
///         pub title: String,
///     }
///
///     #[async_trait::async_trait]
///     impl advanced_alchemy::hooks::ModelHooks for ActiveModel {
///         async fn before_save<C: ConnectionTrait>(mut self, _db: &C, _insert: bool) -> Result<Self, DbErr> {
///             if let sea_orm::ActiveValue::Set(title) = &self.title {
///                 self.title = sea_orm::ActiveValue::Set(title.trim().to_owned());
///             }
///             Ok(self)
///         }
///     }
/// }
/// ```
#[async_trait]
pub trait ModelHooks: ActiveModelTrait + Send + Sized {
    /// Runs before `insert`, `update` and `save`, after keys and audit columns are set.
    async fn before_save<C: ConnectionTrait>(self, db: &C, insert: bool) -> Result<Self, DbErr> {
        let _ = (db, insert);
        Ok(self)
    }

    /// Runs after `insert`, `update` and `save`.
    async fn after_save<C: ConnectionTrait>(
        model: <Self::Entity as EntityTrait>::Model,
        db: &C,
        insert: bool,
    ) -> Result<<Self::Entity as EntityTrait>::Model, DbErr> {
        let _ = (db, insert);
        Ok(model)
    }

    /// Runs before `delete`.
    async fn before_delete<C: ConnectionTrait>(self, db: &C) -> Result<Self, DbErr> {
        let _ = db;
        Ok(self)
    }

    /// Runs after `delete`.
    async fn after_delete<C: ConnectionTrait>(self, db: &C) -> Result<Self, DbErr> {
        let _ = db;
        Ok(self)
    }
}
