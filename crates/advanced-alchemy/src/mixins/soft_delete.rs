use crate::base::Base;

/// A model whose rows are hidden rather than removed: a nullable `deleted_at`
/// timestamp (timezone-aware UTC), added by the `SoftDelete` option of the
/// [`model`](crate::model) attribute.
///
/// The Python library only has this as a proposal (its PR #337). Here the
/// [`Repository`](crate::repository::Repository) knows about it:
///
/// * every read skips rows whose `deleted_at` is set, unless the call passes the
///   [`IncludeDeleted`](crate::filters::IncludeDeleted) filter or the repository was made
///   with [`include_deleted`](crate::repository::Repository::include_deleted);
/// * `delete`, `delete_many` and `delete_where` set `deleted_at` (and `updated_at`)
///   instead of removing the row;
/// * [`restore`](crate::repository::Repository::restore) clears it again;
/// * [`hard_delete`](crate::repository::Repository::hard_delete) and friends remove rows
///   for real.
///
/// ```
/// mod document {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(UUIDv7AuditBase, SoftDelete)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "document")]
///     pub struct Model {
///         pub title: String,
///     }
/// }
///
/// use advanced_alchemy::mixins::SoftDelete;
/// use sea_orm::IdenStatic;
///
/// assert_eq!(document::Entity::deleted_at_column().as_str(), "deleted_at");
/// let live = document::Model {
///     id: uuid::Uuid::now_v7(),
///     title: "draft".into(),
///     created_at: advanced_alchemy::types::DateTimeUTC::now(),
///     updated_at: advanced_alchemy::types::DateTimeUTC::now(),
///     deleted_at: None,
/// };
/// assert!(live.deleted_at.is_none());
/// ```
pub trait SoftDelete: Base {
    /// The `deleted_at` column.
    fn deleted_at_column() -> Self::Column;
}
