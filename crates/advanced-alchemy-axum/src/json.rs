//! [`Json`]: axum's JSON body extractor and response, with a client's malformed body
//! answered as `application/problem+json` like every other error of this crate.

use crate::ApiError;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::response::{IntoResponse, Response};
use http::StatusCode;

/// A JSON request body (or response), as [`axum::Json`], whose rejection is an
/// [`ApiError`]: a body that is not JSON, or that does not fit the type (an unknown or
/// missing field, a wrong type), is a 400 naming what is wrong, as Litestar answers and
/// as the service layer's [`InvalidField`](advanced_alchemy::Error::InvalidField) is; a
/// missing `Content-Type: application/json` is a 415 — each as
/// `application/problem+json`, where `axum::Json` answers 422 in plain text.
///
/// ```
/// use advanced_alchemy_axum::{ApiError, Json};
/// use axum::{Router, routing::post};
///
/// #[derive(serde::Deserialize, serde::Serialize)]
/// struct NewTag { name: String }
///
/// async fn create(Json(tag): Json<NewTag>) -> Result<Json<NewTag>, ApiError> {
///     Ok(Json(tag))
/// }
/// let app: Router = Router::new().route("/tags", post(create));
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    axum::Json<T>: FromRequest<S, Rejection = JsonRejection>,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let axum::Json(value) = axum::Json::<T>::from_request(req, state).await?;
        Ok(Self(value))
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// A body axum's JSON extractor refused, with its text, which names what is wrong (the
/// field, the line and column): 415 for a missing JSON content type, 400 for the rest
/// of the client's mistakes (axum says 422 for a body of the wrong shape).
impl From<JsonRejection> for ApiError {
    fn from(rejection: JsonRejection) -> Self {
        let status = match rejection.status() {
            StatusCode::UNPROCESSABLE_ENTITY => StatusCode::BAD_REQUEST,
            other => other,
        };
        ApiError::new(status, rejection.body_text())
    }
}
