//! [`AsConnection`]: what a [`Service`](super::Service) can own to reach the database.

use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, TransactionTrait};
use std::sync::Arc;

/// A handle a [`Service`](super::Service) owns and reaches the database through: a pool
/// ([`DatabaseConnection`], cheap to clone), a borrowed [`Session`](crate::Session) or
/// transaction (`&session`), an `Arc` of one, or a request-scoped handle of a web layer.
///
/// SeaORM implements its connection traits for the owned types only (not for `&T`), so a
/// service generic over `ConnectionTrait` could not run on a borrowed session; this trait
/// is the one step between. A type of your own that implements SeaORM's traits joins in
/// one line:
///
/// ```
/// use advanced_alchemy::service::AsConnection;
///
/// /// A request-scoped handle (here just a pool).
/// #[derive(Clone)]
/// struct RequestDb(sea_orm::DatabaseConnection);
///
/// impl AsConnection for RequestDb {
///     type Connection = sea_orm::DatabaseConnection;
///     fn as_connection(&self) -> &Self::Connection {
///         &self.0
///     }
/// }
/// ```
pub trait AsConnection {
    /// The SeaORM connection the repository runs on.
    type Connection: ConnectionTrait + TransactionTrait;

    /// The connection itself.
    fn as_connection(&self) -> &Self::Connection;
}

macro_rules! itself {
    ($($ty:ty),*) => {$(
        impl AsConnection for $ty {
            type Connection = Self;
            fn as_connection(&self) -> &Self {
                self
            }
        }
    )*};
}

itself!(DatabaseConnection, DatabaseTransaction, crate::Session);

impl<T: AsConnection + ?Sized> AsConnection for &T {
    type Connection = T::Connection;
    fn as_connection(&self) -> &Self::Connection {
        (**self).as_connection()
    }
}

impl<T: AsConnection + ?Sized> AsConnection for Arc<T> {
    type Connection = T::Connection;
    fn as_connection(&self) -> &Self::Connection {
        (**self).as_connection()
    }
}
