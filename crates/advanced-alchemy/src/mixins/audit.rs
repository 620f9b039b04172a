use crate::base::Base;

/// A model with `created_at` and `updated_at` columns (`DateTime<Utc>`, `timestamptz` on
/// PostgreSQL). Given by every `…AuditBase`, or by the `AuditColumns` option of the
/// [`model`](crate::model) attribute on any other base.
///
/// Both are set on insert; `updated_at` moves on every update that changes another column;
/// a value you assign yourself is kept (see [`prepare_save`](crate::base::prepare_save)).
/// The field type is `DateTime<Utc>`, so a naive timestamp cannot be stored.
///
/// ```
/// mod author {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(NanoidBase, AuditColumns)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "author")]
///     pub struct Model {
///         pub name: String,
///     }
/// }
///
/// use advanced_alchemy::mixins::AuditColumns;
/// use sea_orm::IdenStatic;
///
/// assert_eq!(author::Entity::created_at_column().as_str(), "created_at");
/// assert_eq!(author::Entity::updated_at_column().as_str(), "updated_at");
/// ```
pub trait AuditColumns: Base {
    /// The `created_at` column.
    fn created_at_column() -> Self::Column;
    /// The `updated_at` column.
    fn updated_at_column() -> Self::Column;
}
