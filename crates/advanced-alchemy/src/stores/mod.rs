//! Stores a web application keeps in its database: server-side sessions and a key/value
//! store, in the tables Python's Advanced Alchemy (Litestar integration) uses, so a Python
//! service and a Rust one can share them.
//!
//! * [`SessionStore`] (feature `tower-sessions`): a `tower_sessions_core::SessionStore` on
//!   SeaORM, with expired-session deletion. Python's `SQLAlchemyAsyncSessionBackend`.
//! * [`KeyValueStore`]: `get`, `set` with expiry, `delete`, `delete_all`, `exists`,
//!   `expires_in`, `with_namespace`. Python's `SQLAlchemyStore`.
//!
//! Each works on a table you declare with [`session_model!`](crate::session_model) or
//! [`store_model!`](crate::store_model), under any table name: a model of your crate,
//! created by [`create_all`](crate::registry::create_all) like the others.
//!
//! For an in-memory stand-in of a repository in unit tests, see
//! [`repository::memory`](crate::repository::memory).

mod kv;
mod models;
#[cfg(feature = "tower-sessions")]
mod session;

pub use kv::{DEFAULT_NAMESPACE, KeyValueStore, MAX_KEY_LEN};
pub use models::{SessionModel, StoreModel};
#[cfg(feature = "tower-sessions")]
#[cfg_attr(docsrs, doc(cfg(feature = "tower-sessions")))]
pub use session::SessionStore;
