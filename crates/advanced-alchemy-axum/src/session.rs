//! [`DbSession`]: the request's [`Session`], begun on first use, ended by the layer.

use crate::layer::RequestSessions;
use advanced_alchemy::Session;
use axum::extract::FromRequestParts;
use http::request::Parts;
use sea_orm::prelude::async_trait::async_trait;
use sea_orm::{
    AccessMode, ConnectionTrait, DatabaseConnection, DbBackend, DbErr, ExecResult, IsolationLevel,
    QueryResult, Statement, TransactionError, TransactionOptions, TransactionSession,
    TransactionTrait,
};
use std::future::Future;
use std::ops::Deref;
use std::pin::Pin;
use std::sync::Arc;
use tokio::sync::{RwLock, RwLockReadGuard};

/// Where one database's request session is.
enum State {
    /// Nothing has touched the database yet: no connection is held.
    Idle,
    /// A transaction is open.
    Active(Session),
    /// The layer has ended the session; the response is on its way.
    Ended,
}

/// One database's session for one request.
pub(crate) struct Slot {
    pub(crate) key: Arc<str>,
    db: DatabaseConnection,
    backend: DbBackend,
    state: RwLock<State>,
}

/// What the layer did with a session at the end of the request.
pub(crate) enum Ending {
    /// Nothing was begun.
    Untouched,
    Committed,
    RolledBack,
}

impl Slot {
    pub(crate) fn new(key: Arc<str>, db: DatabaseConnection) -> Self {
        let backend = db.get_database_backend();
        Self {
            key,
            db,
            backend,
            state: RwLock::new(State::Idle),
        }
    }

    /// Commits (`commit == true`) or rolls back whatever is open and closes the slot.
    /// Waits for statements still running in the handler's clones to finish.
    pub(crate) async fn end(&self, commit: bool) -> advanced_alchemy::Result<Ending> {
        let state = std::mem::replace(&mut *self.state.write().await, State::Ended);
        match state {
            State::Idle | State::Ended => Ok(Ending::Untouched),
            State::Active(session) if commit => session.commit().await.map(|()| Ending::Committed),
            State::Active(session) => session.rollback().await.map(|()| Ending::RolledBack),
        }
    }
}

/// The request's [`Session`] on one database: a SeaORM connection
/// ([`ConnectionTrait`] + [`TransactionTrait`]) whose transaction is begun on first use
/// and ended by the [`SessionLayer`](crate::SessionLayer) once the response is known.
///
#[doc = include_str!("../docs/session.md")]
#[derive(Clone)]
pub struct DbSession {
    slot: Arc<Slot>,
}

impl std::fmt::Debug for DbSession {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DbSession")
            .field("key", &self.slot.key)
            .field("backend", &self.slot.backend)
            .finish()
    }
}

/// A borrowed view of the open [`Session`], for the APIs that want `&Session`
/// (such as [`UniqueMixin::as_unique`](advanced_alchemy::mixins::UniqueMixin::as_unique)).
///
/// It holds a shared lock on the request's session: drop it before calling
/// [`DbSession::commit`] or [`DbSession::rollback`], which wait for it.
pub struct SessionRef<'a>(RwLockReadGuard<'a, Session>);

impl Deref for SessionRef<'_> {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

fn ended() -> DbErr {
    DbErr::Custom(
        "the request's database session has ended (it is used after the response was produced)"
            .to_owned(),
    )
}

impl DbSession {
    pub(crate) fn from_slot(slot: Arc<Slot>) -> Self {
        Self { slot }
    }

    /// The database key this session belongs to ([`DEFAULT_KEY`](crate::DEFAULT_KEY) for the
    /// default database).
    ///
    /// ```
    /// # use advanced_alchemy_axum::DbSession;
    /// async fn handler(db: DbSession) -> String { db.key().to_owned() }
    /// ```
    pub fn key(&self) -> &str {
        &self.slot.key
    }

    /// The open session, beginning the transaction if this is the first use.
    ///
    /// ```
    /// # mod models { pub mod tag { use sea_orm::entity::prelude::*;
    /// #   #[advanced_alchemy::model(BigIntBase)] #[sea_orm::model]
    /// #   #[derive(Clone, Debug, PartialEq, DeriveEntityModel)] #[sea_orm(table_name = "tag")]
    /// #   pub struct Model { pub name: String } } }
    /// use advanced_alchemy_axum::{ApiError, DbSession};
    /// use sea_orm::{ActiveModelTrait, ActiveValue::Set};
    ///
    /// async fn create(db: DbSession) -> Result<String, ApiError> {
    ///     let session = db.session().await?; // a `&Session`, e.g. for `as_unique`
    ///     let tag = models::tag::ActiveModel { name: Set("rust".into()), ..Default::default() }
    ///         .insert(&*session)
    ///         .await?;
    ///     Ok(tag.name)
    /// }
    /// ```
    pub async fn session(&self) -> Result<SessionRef<'_>, DbErr> {
        {
            let guard = self.slot.state.read().await;
            match RwLockReadGuard::try_map(guard, |state| match state {
                State::Active(session) => Some(session),
                _ => None,
            }) {
                Ok(session) => return Ok(SessionRef(session)),
                Err(guard) => {
                    if matches!(*guard, State::Ended) {
                        return Err(ended());
                    }
                }
            }
        }
        let mut guard = self.slot.state.write().await;
        match &*guard {
            State::Ended => return Err(ended()),
            State::Active(_) => {}
            State::Idle => {
                let session = Session::begin(&self.slot.db).await.map_err(into_db_err)?;
                *guard = State::Active(session);
            }
        }
        let guard = guard.downgrade();
        RwLockReadGuard::try_map(guard, |state| match state {
            State::Active(session) => Some(session),
            _ => None,
        })
        .map(SessionRef)
        // just set to `Active` under the same lock, so this is unreachable
        .map_err(|_| ended())
    }

    /// Commits what the request has done so far (for [`CommitMode::Manual`](crate::CommitMode::Manual),
    /// or to make part of the work durable early). The next use begins a new transaction.
    ///
    /// Drop every [`SessionRef`] first: this waits for them.
    ///
    /// ```
    /// use advanced_alchemy_axum::{ApiError, DbSession};
    /// use sea_orm::ConnectionTrait;
    ///
    /// async fn handler(db: DbSession) -> Result<(), ApiError> {
    ///     db.execute_unprepared("UPDATE counter SET n = n + 1").await?;
    ///     db.commit().await?;
    ///     Ok(())
    /// }
    /// ```
    pub async fn commit(&self) -> advanced_alchemy::Result<()> {
        self.finish(true).await
    }

    /// Rolls back what the request has done so far. The next use begins a new
    /// transaction.
    ///
    /// ```
    /// use advanced_alchemy_axum::{ApiError, DbSession};
    /// async fn handler(db: DbSession) -> Result<(), ApiError> {
    ///     db.rollback().await?;
    ///     Ok(())
    /// }
    /// ```
    pub async fn rollback(&self) -> advanced_alchemy::Result<()> {
        self.finish(false).await
    }

    async fn finish(&self, commit: bool) -> advanced_alchemy::Result<()> {
        let mut guard = self.slot.state.write().await;
        match std::mem::replace(&mut *guard, State::Idle) {
            State::Active(session) if commit => session.commit().await,
            State::Active(session) => session.rollback().await,
            State::Idle => Ok(()),
            State::Ended => {
                *guard = State::Ended;
                Err(advanced_alchemy::Error::Database(ended()))
            }
        }
    }

    /// The pool behind this session, for work that must not be part of the request's
    /// transaction (an audit record that stays even when the request rolls back).
    ///
    /// ```
    /// use advanced_alchemy_axum::DbSession;
    /// async fn handler(db: DbSession) { let _pool = db.connection(); }
    /// ```
    pub fn connection(&self) -> &DatabaseConnection {
        &self.slot.db
    }

    /// The session for database `key` from the request, as the extractor does for
    /// the default database. For a [`Service`](crate::Service) or custom extractor.
    pub(crate) fn from_parts(parts: &Parts, key: &str) -> Result<Self, crate::ApiError> {
        let sessions = parts.extensions.get::<RequestSessions>().ok_or_else(|| {
            crate::ApiError::misconfigured(
                "DbSession used on a route without SessionLayer (add .layer(session_layer))",
            )
        })?;
        sessions.get(key).ok_or_else(|| {
            crate::ApiError::misconfigured(format!(
                "no database bound to key {key:?} in SessionLayer"
            ))
        })
    }
}

/// The default database's session.
impl<S: Send + Sync> FromRequestParts<S> for DbSession {
    type Rejection = crate::ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        DbSession::from_parts(parts, crate::DEFAULT_KEY)
    }
}

/// Every database's session for the request, by key (Python's `bind_key`).
///
/// ```
/// use advanced_alchemy_axum::{ApiError, DbSessions};
/// use sea_orm::ConnectionTrait;
///
/// async fn handler(sessions: DbSessions) -> Result<(), ApiError> {
///     let analytics = sessions.get("analytics")?;
///     analytics.execute_unprepared("INSERT INTO hit (path) VALUES ('/')").await?;
///     Ok(())
/// }
/// ```
#[derive(Clone)]
pub struct DbSessions(RequestSessions);

impl DbSessions {
    /// The session of the database bound to `key`; an [`ApiError`](crate::ApiError) (a 500
    /// that names no key to the client, and is logged) when no database has that key.
    pub fn get(&self, key: &str) -> Result<DbSession, crate::ApiError> {
        self.0.get(key).ok_or_else(|| {
            crate::ApiError::misconfigured(format!(
                "no database bound to key {key:?} in SessionLayer"
            ))
        })
    }
}

impl<S: Send + Sync> FromRequestParts<S> for DbSessions {
    type Rejection = crate::ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestSessions>()
            .cloned()
            .map(DbSessions)
            .ok_or_else(|| {
                crate::ApiError::misconfigured(
                    "DbSessions used on a route without SessionLayer (add .layer(session_layer))",
                )
            })
    }
}

#[async_trait]
impl ConnectionTrait for DbSession {
    fn get_database_backend(&self) -> DbBackend {
        self.slot.backend
    }

    async fn execute_raw(&self, stmt: Statement) -> Result<ExecResult, DbErr> {
        self.session().await?.execute_raw(stmt).await
    }

    async fn execute_unprepared(&self, sql: &str) -> Result<ExecResult, DbErr> {
        self.session().await?.execute_unprepared(sql).await
    }

    async fn query_one_raw(&self, stmt: Statement) -> Result<Option<QueryResult>, DbErr> {
        self.session().await?.query_one_raw(stmt).await
    }

    async fn query_all_raw(&self, stmt: Statement) -> Result<Vec<QueryResult>, DbErr> {
        self.session().await?.query_all_raw(stmt).await
    }

    fn support_returning(&self) -> bool {
        self.slot.db.support_returning()
    }

    fn is_mock_connection(&self) -> bool {
        self.slot.db.is_mock_connection()
    }
}

/// SeaORM code that opens its own transaction on a `DbSession` (saving an
/// `ActiveModelEx` with relations, `transaction(|tx| …)`) gets a savepoint inside the
/// request's transaction: a [`Session`], whose own transaction type is itself, as
/// SeaORM 2.0.1+ requires.
#[async_trait]
impl TransactionTrait for DbSession {
    type Transaction = Session;

    async fn begin(&self) -> Result<Session, DbErr> {
        TransactionTrait::begin(&*self.session().await?).await
    }

    async fn begin_with_config(
        &self,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<Session, DbErr> {
        self.session()
            .await?
            .begin_with_config(isolation_level, access_mode)
            .await
    }

    async fn begin_with_options(&self, options: TransactionOptions) -> Result<Session, DbErr> {
        self.session().await?.begin_with_options(options).await
    }

    async fn transaction<F, T, E>(&self, callback: F) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let child = TransactionTrait::begin(self)
            .await
            .map_err(TransactionError::Connection)?;
        run(child, callback).await
    }

    async fn transaction_with_config<F, T, E>(
        &self,
        callback: F,
        isolation_level: Option<IsolationLevel>,
        access_mode: Option<AccessMode>,
    ) -> Result<T, TransactionError<E>>
    where
        F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
            + Send,
        T: Send,
        E: std::fmt::Display + std::fmt::Debug + Send,
    {
        let child = self
            .begin_with_config(isolation_level, access_mode)
            .await
            .map_err(TransactionError::Connection)?;
        run(child, callback).await
    }
}

async fn run<F, T, E>(child: Session, callback: F) -> Result<T, TransactionError<E>>
where
    F: for<'c> FnOnce(&'c Session) -> Pin<Box<dyn Future<Output = Result<T, E>> + Send + 'c>>
        + Send,
    T: Send,
    E: std::fmt::Display + std::fmt::Debug + Send,
{
    match callback(&child).await {
        Ok(value) => {
            TransactionSession::commit(child)
                .await
                .map_err(TransactionError::Connection)?;
            Ok(value)
        }
        Err(err) => {
            TransactionSession::rollback(child)
                .await
                .map_err(TransactionError::Connection)?;
            Err(TransactionError::Transaction(err))
        }
    }
}

fn into_db_err(err: advanced_alchemy::Error) -> DbErr {
    match err {
        advanced_alchemy::Error::Database(err) => err,
        other => DbErr::Custom(other.to_string()),
    }
}
