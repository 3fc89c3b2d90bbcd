//! Errors become responses here and nowhere else. The API answers
//! `{"error": {"code", "message", "field"?}}` (DESIGN §7); pages answer with an HTML page.
//! Internal detail is logged with the request's span, never shown.
//!
//! A `PageError` can be raised where there is no state (extractor rejections, the fallback), so
//! it renders with the default layout and records what it showed; `error_pages_with_settings`,
//! a layer around the whole router, renders it again with the configured portal name.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use portal_core::InternalError;
use serde_json::{Value, json};
use time::Duration;

use crate::render::{self, Layout};
use crate::state::AppState;

#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub field: Option<String>,
    pub retry_after: Option<u64>,
    /// Extra members of the error object (e.g. `setup_deadline`, `support`).
    pub extra: Option<serde_json::Map<String, Value>>,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self { status, code, message: message.into(), field: None, retry_after: None, extra: None }
    }

    /// 422 naming the field that is wrong.
    pub fn field(field: &str, message: impl Into<String>) -> Self {
        Self { field: Some(field.to_owned()), ..Self::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", message) }
    }

    pub fn unauthorized() -> Self {
        Self::new(StatusCode::UNAUTHORIZED, "not_signed_in", "sign in first")
    }

    pub fn throttled(retry_after: Duration) -> Self {
        Self {
            retry_after: Some(portal_core::throttle::retry_after_secs(retry_after)),
            ..Self::new(StatusCode::TOO_MANY_REQUESTS, "too_many_attempts", "too many attempts; wait and try again")
        }
    }

    pub fn internal(e: &dyn std::error::Error) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "internal_error", "something went wrong on our side; try again")
    }
}

impl From<InternalError> for ApiError {
    fn from(e: InternalError) -> Self {
        Self::internal(&e)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let mut error = serde_json::Map::new();
        error.insert("code".into(), json!(self.code));
        error.insert("message".into(), json!(self.message));
        if let Some(field) = self.field {
            error.insert("field".into(), json!(field));
        }
        if let Some(extra) = self.extra {
            error.extend(extra);
        }
        let mut response = (self.status, Json(json!({ "error": error }))).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// A failure while serving an HTML page.
#[derive(Debug, Clone)]
pub struct PageError {
    pub status: StatusCode,
    pub title: &'static str,
    pub message: String,
}

impl PageError {
    pub fn new(status: StatusCode, title: &'static str, message: impl Into<String>) -> Self {
        Self { status, title, message: message.into() }
    }

    pub fn internal(e: &dyn std::error::Error) -> Self {
        tracing::error!(error = %e, "internal error");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "Something went wrong",
            "Something went wrong on our side. Please try again in a moment.",
        )
    }
}

impl From<InternalError> for PageError {
    fn from(e: InternalError) -> Self {
        Self::internal(&e)
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let mut response = render::error_page(Layout::plain(), self.status, self.title, &self.message);
        response.extensions_mut().insert(self);
        response
    }
}

/// Renders every error page again in the configured layout (portal name, support address),
/// keeping the status and the headers the handler set (`Set-Cookie`, `Retry-After`).
pub async fn error_pages_with_settings(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let Some(error) = response.extensions_mut().remove::<PageError>() else { return response };
    let fresh = render::error_page(Layout::new(&state, None), error.status, error.title, &error.message);
    if fresh.status() != error.status {
        // The template failed (and was logged); the first rendering stands.
        return response;
    }
    let (mut parts, _) = response.into_parts();
    let (fresh_parts, body) = fresh.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    if let Some(content_type) = fresh_parts.headers.get(header::CONTENT_TYPE) {
        parts.headers.insert(header::CONTENT_TYPE, content_type.clone());
    }
    Response::from_parts(parts, body)
}

pub async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such endpoint").into_response()
    } else {
        PageError::new(StatusCode::NOT_FOUND, "Page not found", "There is no page at this address.").into_response()
    }
}
