//! [`ServiceHooks`]: the Python service's `to_model_on_create` / `_on_update` /
//! `_on_upsert`, where data is prepared before it is written.

use crate::base::Base;
use crate::error::Result;
use std::future::Future;

/// Code a [`Service`](super::Service) runs on the data of every write, after it became
/// an active model and before the repository writes it: hash a password, compute a slug,
/// fill a column from another. Each method has a default that changes nothing; override
/// the ones you need (`async fn` works in the impl) and give the hooks to the service
/// with [`Service::with_hooks`](super::Service::with_hooks).
///
/// `to_model_on_update` sees only what the caller sent (the columns that are `Set`), so
/// "hash the password if a new one came" is `if let Set(p) = &data.password`.
///
/// ```
/// # mod tag { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntBase, SlugKey)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
/// #   pub struct Model { pub name: String } }
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::service::{Service, ServiceHooks};
/// use advanced_alchemy::utils::text::slugify;
/// use sea_orm::ActiveValue::Set;
///
/// struct TagHooks;
///
/// impl ServiceHooks<tag::Entity> for TagHooks {
///     async fn to_model_on_create(&self, mut data: tag::ActiveModel) -> advanced_alchemy::Result<tag::ActiveModel> {
///         if let (Set(name), true) = (&data.name, data.slug.is_not_set()) {
///             data.slug = Set(slugify(name));
///         }
///         Ok(data)
///     }
/// }
///
/// let db = advanced_alchemy::connect("sqlite::memory:").await?;
/// # advanced_alchemy::registry::Registry::new().register::<tag::Entity>().create_all(&db).await?;
/// let tags = Service::<tag::Entity, _>::new(db).with_hooks(TagHooks);
/// let tag = tags.create(tag::ActiveModel { name: Set("Rust Lang".into()), ..Default::default() }).await?;
/// assert_eq!(tag.slug, "rust-lang");
/// # Ok(()) }
/// ```
pub trait ServiceHooks<E: Base>: Send + Sync {
    /// Runs on the data of [`create`](super::Service::create) and
    /// [`create_many`](super::Service::create_many) (each row).
    fn to_model_on_create(
        &self,
        data: E::ActiveModel,
    ) -> impl Future<Output = Result<E::ActiveModel>> + Send {
        std::future::ready(Ok(data))
    }

    /// Runs on the data of [`update`](super::Service::update),
    /// [`update_many`](super::Service::update_many) and
    /// [`get_and_update`](super::Service::get_and_update): only what the caller sent.
    fn to_model_on_update(
        &self,
        data: E::ActiveModel,
    ) -> impl Future<Output = Result<E::ActiveModel>> + Send {
        std::future::ready(Ok(data))
    }

    /// Runs on the data of [`upsert`](super::Service::upsert),
    /// [`upsert_many`](super::Service::upsert_many) and
    /// [`get_or_upsert`](super::Service::get_or_upsert).
    fn to_model_on_upsert(
        &self,
        data: E::ActiveModel,
    ) -> impl Future<Output = Result<E::ActiveModel>> + Send {
        std::future::ready(Ok(data))
    }
}

/// The hooks of a service that has none: every write goes to the repository as given.
///
/// ```
/// use advanced_alchemy::service::NoHooks;
/// let _ = NoHooks;
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoHooks;

impl<E: Base> ServiceHooks<E> for NoHooks {}
