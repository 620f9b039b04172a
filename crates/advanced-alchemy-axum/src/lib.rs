#![doc = include_str!("../docs/lib.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod config;
mod error;
pub mod filters;
mod json;
mod layer;
#[cfg(feature = "openapi")]
#[cfg_attr(docsrs, doc(cfg(feature = "openapi")))]
pub mod openapi;
mod service;
mod session;

pub use config::{CommitMode, ConfigError, SessionConfig};
pub use error::{ApiError, PROBLEM_JSON};
pub use filters::{FilterConfig, Filters};
pub use json::Json;
pub use layer::{DEFAULT_KEY, SessionLayer, SessionLayerBuilder, SessionService};
pub use service::Service;
pub use session::{DbSession, DbSessions, SessionRef};
