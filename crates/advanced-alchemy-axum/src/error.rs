//! [`ApiError`]: the library's errors as HTTP responses, in RFC 9457
//! `application/problem+json`.

use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use serde::Serialize;
use std::fmt;

/// The `Content-Type` of every error body.
pub const PROBLEM_JSON: &str = "application/problem+json";

/// An error a handler returns, answered as `application/problem+json` (RFC 9457).
///
#[doc = include_str!("../docs/error.md")]
pub struct ApiError {
    status: StatusCode,
    detail: Option<String>,
    /// What is logged for a 5xx (never sent).
    internal: Option<String>,
}

/// The RFC 9457 body.
#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// Marks a response made from an [`ApiError`], so the layer rolls back even if
/// something later rewrites the status.
#[derive(Clone, Copy)]
pub(crate) struct HandlerFailed;

impl ApiError {
    /// A client error with `status` and a `detail` the client may read.
    ///
    /// ```
    /// use advanced_alchemy_axum::ApiError;
    /// use http::StatusCode;
    /// let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "title must not be empty");
    /// assert_eq!(err.status(), StatusCode::UNPROCESSABLE_ENTITY);
    /// assert_eq!(err.detail(), Some("title must not be empty"));
    /// ```
    pub fn new(status: StatusCode, detail: impl Into<String>) -> Self {
        if status.is_server_error() {
            return Self::internal(detail.into());
        }
        Self {
            status,
            detail: Some(detail.into()),
            internal: None,
        }
    }

    /// A 500 whose `cause` is logged but never sent to the client.
    ///
    /// ```
    /// use advanced_alchemy_axum::ApiError;
    /// let err = ApiError::internal("the payment provider said: key sk_live_… is revoked");
    /// assert_eq!(err.status(), http::StatusCode::INTERNAL_SERVER_ERROR);
    /// assert_eq!(err.detail(), None);
    /// ```
    pub fn internal(cause: impl fmt::Display) -> Self {
        Self {
            status: StatusCode::INTERNAL_SERVER_ERROR,
            detail: None,
            internal: Some(cause.to_string()),
        }
    }

    pub(crate) fn misconfigured(cause: impl fmt::Display) -> Self {
        Self::internal(format!("configuration error: {cause}"))
    }

    /// The response status.
    ///
    /// ```
    /// use advanced_alchemy_axum::ApiError;
    /// let err = ApiError::from(advanced_alchemy::Error::not_found("post"));
    /// assert_eq!(err.status(), http::StatusCode::NOT_FOUND);
    /// ```
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// What the client is told, if anything (a 5xx tells nothing).
    ///
    /// ```
    /// use advanced_alchemy_axum::ApiError;
    /// let err = ApiError::from(advanced_alchemy::Error::InvalidRequest("bad \"pageSize\"".into()));
    /// assert_eq!(err.detail(), Some("invalid request: bad \"pageSize\""));
    /// ```
    pub fn detail(&self) -> Option<&str> {
        self.detail.as_deref()
    }
}

impl fmt::Debug for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("status", &self.status)
            .field("detail", &self.detail)
            .finish_non_exhaustive()
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.detail {
            Some(detail) => write!(f, "{}: {detail}", self.status),
            None => write!(f, "{}", self.status),
        }
    }
}

impl std::error::Error for ApiError {}

/// `NotFound` → 404, `DuplicateKey`/`ForeignKey`/`Integrity` → 409, `InvalidRequest`
/// → 400, everything else → 500 (logged, not shown).
impl From<advanced_alchemy::Error> for ApiError {
    fn from(err: advanced_alchemy::Error) -> Self {
        use advanced_alchemy::Error as E;
        let conflict = |message: &Option<String>, what: &str, constraint: Option<&String>| {
            let detail = match (message, constraint) {
                (Some(message), _) => message.clone(),
                (None, Some(constraint)) => format!("{what}: {constraint}"),
                (None, None) => what.to_owned(),
            };
            Self {
                status: StatusCode::CONFLICT,
                detail: Some(detail),
                internal: None,
            }
        };
        match &err {
            E::NotFound { .. } => Self::new(StatusCode::NOT_FOUND, err.to_string()),
            E::InvalidRequest(_) | E::InvalidField { .. } => {
                Self::new(StatusCode::BAD_REQUEST, err.to_string())
            }
            // the database's own text (values, SQL) stays in the log; the client gets the
            // kind of conflict and the constraint's name, or the repository's message
            E::DuplicateKey {
                message,
                constraint,
                ..
            } => conflict(message, "duplicate key", constraint.as_ref()),
            E::ForeignKey {
                message,
                constraint,
                ..
            } => conflict(message, "foreign key violation", constraint.as_ref()),
            E::Integrity { message, .. } => conflict(message, "integrity error", None),
            _ => Self::internal(err),
        }
    }
}

impl From<sea_orm::DbErr> for ApiError {
    fn from(err: sea_orm::DbErr) -> Self {
        advanced_alchemy::Error::from_db(err).into()
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        if let Some(cause) = &self.internal {
            tracing::error!(status = self.status.as_u16(), error = %cause, "request failed");
        }
        let title = self.status.canonical_reason().unwrap_or("Error");
        let body = Problem {
            kind: "about:blank",
            title,
            status: self.status.as_u16(),
            detail: self.detail.as_deref(),
        };
        let bytes = match serde_json::to_vec(&body) {
            Ok(bytes) => bytes,
            // a struct of strings and a number always serialises; keep a body regardless
            Err(_) => br#"{"type":"about:blank","status":500}"#.to_vec(),
        };
        let mut response = (self.status, bytes).into_response();
        response
            .headers_mut()
            .insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_JSON));
        response.extensions_mut().insert(HandlerFailed);
        response
    }
}
