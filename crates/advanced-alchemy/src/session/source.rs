//! What a [`Session`](super::Session) can be opened on: a pool or a routing connection.

use super::Conn;
use crate::routing::RoutingConnection;
use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    DatabaseConnection, DatabaseTransaction, DbErr, TransactionOptions, TransactionTrait,
};

/// A connection a [`Session`](super::Session) can be opened on:
/// [`DatabaseConnection`] (a pool) or
/// [`RoutingConnection`] (a primary and its replicas). Sealed: a SeaORM transaction is
/// not one, because a session made from it would run its after-commit actions before
/// the enclosing transaction commits (use [`Session::from_transaction`](super::Session::from_transaction)
/// for a transaction you began yourself).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> advanced_alchemy::Result<()> {
/// use advanced_alchemy::routing::{RoutingConfig, RoutingConnection};
/// use advanced_alchemy::Session;
/// let pool = advanced_alchemy::connect("sqlite::memory:").await?;
/// let on_pool = Session::new(&pool);
/// let routed = RoutingConnection::new(pool.clone(), [], RoutingConfig::default());
/// let on_routing = Session::begin(&routed).await?; // a transaction on the primary
/// # let _ = (on_pool, on_routing);
/// # Ok(()) }
/// ```
#[async_trait]
pub trait SessionSource: sealed::Sealed + sea_orm::ConnectionTrait + Sync {
    #[doc(hidden)]
    async fn begin_transaction(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr>;
}

/// An autocommit connection for a session (opaque).
#[doc(hidden)]
pub struct AutocommitConn(pub(super) Conn);

pub(crate) mod sealed {
    pub trait Sealed {
        fn autocommit(&self) -> super::AutocommitConn;
    }
}

impl sealed::Sealed for DatabaseConnection {
    fn autocommit(&self) -> AutocommitConn {
        AutocommitConn(Conn::Pool(self.clone()))
    }
}

#[async_trait]
impl SessionSource for DatabaseConnection {
    async fn begin_transaction(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(options).await
    }
}

impl sealed::Sealed for RoutingConnection {
    fn autocommit(&self) -> AutocommitConn {
        // each session is its own routing scope: sticky after its own writes only
        AutocommitConn(Conn::Routed(self.scope()))
    }
}

#[async_trait]
impl SessionSource for RoutingConnection {
    async fn begin_transaction(
        &self,
        options: TransactionOptions,
    ) -> Result<DatabaseTransaction, DbErr> {
        self.begin_with_options(options).await
    }
}
