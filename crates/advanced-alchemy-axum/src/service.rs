//! [`Service`]: the service layer on the request's session, as an extractor.

use crate::error::ApiError;
use crate::session::DbSession;
use advanced_alchemy::base::Base;
use advanced_alchemy::service::{AsConnection, NoHooks, ServiceHooks};
use axum::extract::FromRequestParts;
use http::request::Parts;
use std::ops::{Deref, DerefMut};

/// The request's [`DbSession`] is a connection a
/// [`Service`](advanced_alchemy::service::Service) can own.
impl AsConnection for DbSession {
    type Connection = DbSession;

    fn as_connection(&self) -> &DbSession {
        self
    }
}

/// [`advanced_alchemy::service::Service<E, DbSession, H>`] on the default database's
/// request session, extracted in a handler: the Python plugins' `provide_service`.
/// It dereferences to the service, so every method is there (`get`, `create`,
/// `update(data, id)`, `paginate`, …); `H` (default [`NoHooks`]) is made with
/// `Default`. For another database, build the service on
/// [`DbSessions::get`](crate::DbSessions::get).
///
/// ```
/// # mod post { use sea_orm::entity::prelude::*;
/// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
/// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
/// #   pub struct Model { pub title: String } }
/// use advanced_alchemy::pagination::OffsetPagination;
/// use advanced_alchemy_axum::{ApiError, Filters, Service};
/// use axum::Json;
///
/// #[derive(serde::Serialize)]
/// struct PostRead { id: i64, title: String }
/// impl From<post::Model> for PostRead {
///     fn from(p: post::Model) -> Self { Self { id: p.id, title: p.title } }
/// }
///
/// async fn list(
///     posts: Service<post::Entity>,
///     filters: Filters<post::Entity>,
/// ) -> Result<Json<OffsetPagination<PostRead>>, ApiError> {
///     Ok(Json(posts.paginate(filters).await?))
/// }
/// ```
pub struct Service<E: Base, H = NoHooks>(pub advanced_alchemy::service::Service<E, DbSession, H>);

impl<E: Base, H> Service<E, H> {
    /// The service itself.
    ///
    /// ```
    /// # mod post { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntAuditBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "post")]
    /// #   pub struct Model { pub title: String } }
    /// async fn handler(posts: advanced_alchemy_axum::Service<post::Entity>) {
    ///     let _service = posts.into_inner();
    /// }
    /// ```
    pub fn into_inner(self) -> advanced_alchemy::service::Service<E, DbSession, H> {
        self.0
    }
}

impl<E: Base, H> Deref for Service<E, H> {
    type Target = advanced_alchemy::service::Service<E, DbSession, H>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl<E: Base, H> DerefMut for Service<E, H> {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl<E, H, S> FromRequestParts<S> for Service<E, H>
where
    E: Base,
    H: ServiceHooks<E> + Default,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let db = DbSession::from_parts(parts, crate::DEFAULT_KEY)?;
        Ok(Service(
            advanced_alchemy::service::Service::<E, DbSession>::new(db).with_hooks(H::default()),
        ))
    }
}
