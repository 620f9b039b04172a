//! [`SessionLayer`]: gives each request its sessions and ends them once the response
//! is known — commit or roll back by status, rollback on a handler error or a panic,
//! and a 500 when a commit fails.

use crate::config::{ConfigError, SessionConfig};
use crate::error::{ApiError, HandlerFailed};
use crate::session::{DbSession, Ending, Slot};
use axum::response::{IntoResponse, Response};
use futures_util::FutureExt;
use futures_util::future::BoxFuture;
use http::Request;
use sea_orm::DatabaseConnection;
use std::panic::AssertUnwindSafe;
use std::sync::Arc;
use std::task::{Context, Poll};
use tower_layer::Layer;
use tower_service::Service;

/// The key of the database given to [`SessionLayerBuilder::database`], which
/// [`DbSession`] extracts.
pub const DEFAULT_KEY: &str = "default";

struct Bind {
    key: Arc<str>,
    db: DatabaseConnection,
    config: SessionConfig,
}

/// A tower layer that opens a request-scoped session per database and ends it after
/// the handler: Python Advanced Alchemy's plugin `before_send_handler`, except that a
/// failed commit is answered with a 500 instead of being swallowed.
///
#[doc = include_str!("../docs/layer.md")]
#[derive(Clone)]
pub struct SessionLayer {
    binds: Arc<[Bind]>,
}

impl std::fmt::Debug for SessionLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.binds.iter().map(|b| (&*b.key, &b.config)))
            .finish()
    }
}

impl SessionLayer {
    /// One database under [`DEFAULT_KEY`], with `config`.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use advanced_alchemy_axum::{CommitMode, SessionConfig, SessionLayer};
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let layer = SessionLayer::new(db, SessionConfig::new(CommitMode::Autocommit))?;
    /// # let _ = layer; Ok(()) }
    /// ```
    pub fn new(db: DatabaseConnection, config: SessionConfig) -> Result<Self, ConfigError> {
        Self::builder().database(db, config).build()
    }

    /// A builder for several databases.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use advanced_alchemy_axum::{CommitMode, SessionConfig, SessionLayer};
    /// let main = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let analytics = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let layer = SessionLayer::builder()
    ///     .database(main, SessionConfig::default())
    ///     .bind("analytics", analytics, SessionConfig::new(CommitMode::AutocommitIncludeRedirect))
    ///     .build()?;
    /// # let _ = layer; Ok(()) }
    /// ```
    pub fn builder() -> SessionLayerBuilder {
        SessionLayerBuilder { binds: Vec::new() }
    }
}

/// Builds a [`SessionLayer`]; [`build`](Self::build) checks the configuration.
pub struct SessionLayerBuilder {
    binds: Vec<Bind>,
}

impl SessionLayerBuilder {
    /// The default database (extracted by [`DbSession`]).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let layer = advanced_alchemy_axum::SessionLayer::builder()
    ///     .database(db, Default::default())
    ///     .build()?;
    /// # let _ = layer; Ok(()) }
    /// ```
    pub fn database(self, db: DatabaseConnection, config: SessionConfig) -> Self {
        self.bind(DEFAULT_KEY, db, config)
    }

    /// Another database under `key` (Python's `bind_key`), reached through
    /// [`DbSessions::get`](crate::DbSessions::get).
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// let db = advanced_alchemy::connect("sqlite::memory:").await?;
    /// let err = advanced_alchemy_axum::SessionLayer::builder()
    ///     .bind("a", db.clone(), Default::default())
    ///     .bind("a", db, Default::default())
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "database key \"a\" is bound twice");
    /// # Ok(()) }
    /// ```
    pub fn bind(
        mut self,
        key: impl Into<String>,
        db: DatabaseConnection,
        config: SessionConfig,
    ) -> Self {
        self.binds.push(Bind {
            key: Arc::from(key.into()),
            db,
            config,
        });
        self
    }

    /// The layer, or the first configuration error: overlapping extra commit and
    /// rollback statuses, a key bound twice, no database at all.
    ///
    /// ```
    /// let err = advanced_alchemy_axum::SessionLayer::builder().build().unwrap_err();
    /// assert_eq!(err.to_string(), "SessionLayer has no database");
    /// ```
    pub fn build(self) -> Result<SessionLayer, ConfigError> {
        if self.binds.is_empty() {
            return Err(ConfigError("SessionLayer has no database".to_owned()));
        }
        for (i, bind) in self.binds.iter().enumerate() {
            bind.config
                .validate()
                .map_err(|err| ConfigError(format!("database {:?}: {err}", &*bind.key)))?;
            if self.binds[..i].iter().any(|b| b.key == bind.key) {
                return Err(ConfigError(format!(
                    "database key {:?} is bound twice",
                    &*bind.key
                )));
            }
        }
        Ok(SessionLayer {
            binds: self.binds.into(),
        })
    }
}

impl<S> Layer<S> for SessionLayer {
    type Service = SessionService<S>;

    fn layer(&self, inner: S) -> SessionService<S> {
        SessionService {
            inner,
            binds: Arc::clone(&self.binds),
        }
    }
}

/// The sessions of one request, in the request's extensions.
#[derive(Clone)]
pub(crate) struct RequestSessions(Arc<[Arc<Slot>]>);

impl RequestSessions {
    pub(crate) fn get(&self, key: &str) -> Option<DbSession> {
        self.0
            .iter()
            .find(|slot| &*slot.key == key)
            .map(|slot| DbSession::from_slot(Arc::clone(slot)))
    }
}

/// The service [`SessionLayer`] wraps around the router.
#[derive(Clone)]
pub struct SessionService<S> {
    inner: S,
    binds: Arc<[Bind]>,
}

impl<S, B> Service<Request<B>> for SessionService<S>
where
    S: Service<Request<B>, Response = Response> + Clone + Send + 'static,
    S::Future: Send + 'static,
    S::Error: Send,
    B: Send + 'static,
{
    type Response = Response;
    type Error = S::Error;
    type Future = BoxFuture<'static, Result<Response, S::Error>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, mut req: Request<B>) -> Self::Future {
        let slots: Arc<[Arc<Slot>]> = self
            .binds
            .iter()
            .map(|b| Arc::new(Slot::new(Arc::clone(&b.key), b.db.clone())))
            .collect();
        req.extensions_mut()
            .insert(RequestSessions(Arc::clone(&slots)));
        // the clone is the one that was not polled ready; call the ready one
        let clone = self.inner.clone();
        let mut inner = std::mem::replace(&mut self.inner, clone);
        let binds = Arc::clone(&self.binds);
        Box::pin(async move {
            let outcome = AssertUnwindSafe(inner.call(req)).catch_unwind().await;
            match outcome {
                Err(panic) => {
                    let what = panic_message(&panic);
                    end_all(&slots, &binds, None).await;
                    Ok(ApiError::internal(format!("handler panicked: {what}")).into_response())
                }
                Ok(Err(err)) => {
                    end_all(&slots, &binds, None).await;
                    Err(err)
                }
                Ok(Ok(response)) => {
                    let failed = response.extensions().get::<HandlerFailed>().is_some();
                    let status = (!failed).then(|| response.status());
                    if end_all(&slots, &binds, status).await {
                        Ok(response)
                    } else {
                        Ok(ApiError::internal("the transaction could not be committed")
                            .into_response())
                    }
                }
            }
        })
    }
}

/// Ends every session: commits those whose config commits `status` (none when
/// `status` is `None`), rolls back the rest. `false` when a commit failed (the
/// sessions after it roll back).
async fn end_all(slots: &[Arc<Slot>], binds: &[Bind], status: Option<http::StatusCode>) -> bool {
    let mut committed_all = true;
    for (slot, bind) in slots.iter().zip(binds) {
        let commit = committed_all && status.is_some_and(|s| bind.config.commits(s));
        match slot.end(commit).await {
            Ok(Ending::Committed) => {
                tracing::debug!(key = &*slot.key, "request session committed")
            }
            Ok(Ending::RolledBack) => {
                tracing::debug!(key = &*slot.key, "request session rolled back")
            }
            Ok(Ending::Untouched) => {}
            Err(err) if commit => {
                tracing::error!(key = &*slot.key, error = %err, "commit of the request session failed");
                committed_all = false;
            }
            Err(err) => {
                tracing::warn!(key = &*slot.key, error = %err, "rollback of the request session failed");
            }
        }
    }
    committed_all
}

fn panic_message(panic: &(dyn std::any::Any + Send)) -> &str {
    panic
        .downcast_ref::<&str>()
        .copied()
        .or_else(|| panic.downcast_ref::<String>().map(String::as_str))
        .unwrap_or("(no message)")
}
