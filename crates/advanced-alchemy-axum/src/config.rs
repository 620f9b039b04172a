//! When the request's session commits: [`CommitMode`] and [`SessionConfig`], the
//! Python plugins' `commit_mode`, `extra_commit_statuses` and `extra_rollback_statuses`.

use http::StatusCode;
use std::collections::BTreeSet;
use std::fmt;

/// Which responses commit the request's transaction (Python's `commit_mode`).
///
/// Whatever the mode, a handler that panics or whose response is not chosen to commit
/// rolls back.
///
/// ```
/// use advanced_alchemy_axum::{CommitMode, SessionConfig};
/// use http::StatusCode;
///
/// let config = SessionConfig::new(CommitMode::AutocommitIncludeRedirect);
/// assert!(config.commits(StatusCode::SEE_OTHER));
/// assert!(!SessionConfig::new(CommitMode::Autocommit).commits(StatusCode::SEE_OTHER));
/// assert!(!SessionConfig::new(CommitMode::Manual).commits(StatusCode::OK));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CommitMode {
    /// The layer never commits: the handler calls [`DbSession::commit`](crate::DbSession::commit);
    /// what is left uncommitted when the response is ready is rolled back.
    Manual,
    /// Commit on `2xx`, roll back otherwise (the default).
    #[default]
    Autocommit,
    /// Commit on `2xx` and `3xx`, roll back otherwise.
    AutocommitIncludeRedirect,
}

/// How one database's request session ends: a [`CommitMode`] plus extra statuses that
/// commit or roll back regardless of the mode.
///
/// The two extra sets may not overlap: [`SessionLayer`](crate::SessionLayer)'s builder
/// refuses such a configuration at startup with a [`ConfigError`].
///
/// ```
/// use advanced_alchemy_axum::{CommitMode, SessionConfig};
/// use http::StatusCode;
///
/// let config = SessionConfig::new(CommitMode::Autocommit)
///     .extra_commit_statuses([StatusCode::NOT_FOUND])      // record the miss anyway
///     .extra_rollback_statuses([StatusCode::ACCEPTED]);    // a dry run
/// assert!(config.commits(StatusCode::NOT_FOUND));
/// assert!(!config.commits(StatusCode::ACCEPTED));
/// assert!(config.validate().is_ok());
///
/// let clash = SessionConfig::new(CommitMode::Autocommit)
///     .extra_commit_statuses([StatusCode::CONFLICT])
///     .extra_rollback_statuses([StatusCode::CONFLICT]);
/// assert!(clash.validate().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SessionConfig {
    mode: CommitMode,
    extra_commit: BTreeSet<u16>,
    extra_rollback: BTreeSet<u16>,
}

impl SessionConfig {
    /// A configuration with `mode` and no extra statuses.
    ///
    /// ```
    /// use advanced_alchemy_axum::{CommitMode, SessionConfig};
    /// assert_eq!(SessionConfig::new(CommitMode::Manual).mode(), CommitMode::Manual);
    /// ```
    pub fn new(mode: CommitMode) -> Self {
        Self {
            mode,
            ..Self::default()
        }
    }

    /// The commit mode.
    ///
    /// ```
    /// use advanced_alchemy_axum::{CommitMode, SessionConfig};
    /// assert_eq!(SessionConfig::default().mode(), CommitMode::Autocommit);
    /// ```
    pub fn mode(&self) -> CommitMode {
        self.mode
    }

    /// Statuses that commit although the mode would roll back (Python's
    /// `extra_commit_statuses`).
    ///
    /// ```
    /// use advanced_alchemy_axum::{CommitMode, SessionConfig};
    /// use http::StatusCode;
    /// let config = SessionConfig::new(CommitMode::Manual).extra_commit_statuses([StatusCode::CREATED]);
    /// assert!(config.commits(StatusCode::CREATED));
    /// ```
    pub fn extra_commit_statuses(mut self, statuses: impl IntoIterator<Item = StatusCode>) -> Self {
        self.extra_commit
            .extend(statuses.into_iter().map(|s| s.as_u16()));
        self
    }

    /// Statuses that roll back although the mode would commit (Python's
    /// `extra_rollback_statuses`).
    ///
    /// ```
    /// use advanced_alchemy_axum::SessionConfig;
    /// use http::StatusCode;
    /// let config = SessionConfig::default().extra_rollback_statuses([StatusCode::ACCEPTED]);
    /// assert!(!config.commits(StatusCode::ACCEPTED));
    /// ```
    pub fn extra_rollback_statuses(
        mut self,
        statuses: impl IntoIterator<Item = StatusCode>,
    ) -> Self {
        self.extra_rollback
            .extend(statuses.into_iter().map(|s| s.as_u16()));
        self
    }

    /// Whether a response with `status` commits the request's transaction.
    ///
    /// ```
    /// use advanced_alchemy_axum::SessionConfig;
    /// use http::StatusCode;
    /// assert!(SessionConfig::default().commits(StatusCode::CREATED));
    /// assert!(!SessionConfig::default().commits(StatusCode::BAD_REQUEST));
    /// ```
    pub fn commits(&self, status: StatusCode) -> bool {
        let code = status.as_u16();
        if self.extra_rollback.contains(&code) {
            return false;
        }
        if self.extra_commit.contains(&code) {
            return true;
        }
        match self.mode {
            CommitMode::Manual => false,
            CommitMode::Autocommit => status.is_success(),
            CommitMode::AutocommitIncludeRedirect => status.is_success() || status.is_redirection(),
        }
    }

    /// Checks that no status is both an extra commit and an extra rollback status.
    ///
    /// ```
    /// use advanced_alchemy_axum::SessionConfig;
    /// use http::StatusCode;
    /// let err = SessionConfig::default()
    ///     .extra_commit_statuses([StatusCode::OK, StatusCode::CONFLICT])
    ///     .extra_rollback_statuses([StatusCode::CONFLICT])
    ///     .validate()
    ///     .unwrap_err();
    /// assert_eq!(err.to_string(), "status 409 is both an extra commit status and an extra rollback status");
    /// ```
    pub fn validate(&self) -> Result<(), ConfigError> {
        match self.extra_commit.intersection(&self.extra_rollback).next() {
            Some(code) => Err(ConfigError(format!(
                "status {code} is both an extra commit status and an extra rollback status"
            ))),
            None => Ok(()),
        }
    }
}

/// A configuration that cannot work, found when the layer is built (at startup, not
/// on the first request).
///
/// ```
/// use advanced_alchemy_axum::{ConfigError, SessionConfig};
/// use http::StatusCode;
/// let err: ConfigError = SessionConfig::default()
///     .extra_commit_statuses([StatusCode::OK])
///     .extra_rollback_statuses([StatusCode::OK])
///     .validate()
///     .unwrap_err();
/// assert!(err.to_string().contains("200"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub(crate) String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ConfigError {}
