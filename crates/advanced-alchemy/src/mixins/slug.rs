use crate::base::Base;

/// A model with a URL-friendly `slug` column: `VARCHAR(100) NOT NULL` with a unique
/// constraint named `uq_<table>_slug`, as the Python library's `SlugKey` mixin declares it.
/// Fill it with [`slugify`](crate::utils::text::slugify).
///
/// ```
/// mod tag {
///     use sea_orm::entity::prelude::*;
///
///     #[advanced_alchemy::model(BigIntAuditBase, SlugKey)]
///     #[sea_orm::model]
///     #[derive(Clone, Debug, PartialEq, DeriveEntityModel)]
///     #[sea_orm(table_name = "tag")]
///     pub struct Model {
///         pub name: String,
///     }
/// }
///
/// use advanced_alchemy::mixins::SlugKey;
/// use sea_orm::{ActiveValue::Set, IdenStatic};
///
/// assert_eq!(tag::Entity::slug_column().as_str(), "slug");
/// let tag = tag::ActiveModel {
///     name: Set("Crème Brûlée".into()),
///     slug: Set(advanced_alchemy::utils::text::slugify("Crème Brûlée")),
///     ..Default::default()
/// };
/// assert_eq!(tag.slug.as_ref(), "creme-brulee");
/// ```
pub trait SlugKey: Base {
    /// The `slug` column.
    fn slug_column() -> Self::Column;
}
