//! Middleware every response passes: security headers and the first CSRF wall —
//! a state-changing request whose `Sec-Fetch-Site` or `Origin` says it came from another site
//! is refused before any handler runs. Forms add a token on top (see `csrf`).

use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::{ApiError, PageError};
use crate::state::AppState;

const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

pub async fn security_headers(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let is_static = request.uri().path().starts_with("/static/");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    // A handler that set a stricter policy (served attachments: `sandbox`) keeps it.
    if !headers.contains_key(header::CONTENT_SECURITY_POLICY) {
        headers.insert(header::CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    }
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("permissions-policy", HeaderValue::from_static("camera=(), microphone=(), geolocation=()"));
    if !is_static {
        // Pages carry names, CSRF tokens and (during setup) secrets: never cache them.
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if state.web.https {
        headers
            .insert(header::STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000; includeSubDomains"));
    }
    response
}

pub async fn refuse_cross_site_writes(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if matches!(*request.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(request).await;
    }
    let headers = request.headers();
    let fetch_site = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok());
    let origin = headers.get(header::ORIGIN).map(|v| v.to_str().unwrap_or("null"));
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    // Fetch metadata, when the browser sends it, is the authority. Origin is checked only
    // without it, and `Origin: null` is not evidence of anything: browsers send it for our own
    // forms because our Referrer-Policy is no-referrer. The form token is the second wall.
    let cross_site = match fetch_site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        None => origin.is_some_and(|o| o != "null" && !same_origin(o, &state.web.public_origin, host)),
    };
    if !cross_site {
        return next.run(request).await;
    }
    tracing::warn!(origin = ?origin, fetch_site = ?fetch_site, "refused a cross-site state-changing request");
    if request.uri().path().starts_with("/api/") {
        ApiError::said(StatusCode::FORBIDDEN, "cross_site_request", "api-cross-site").into_response()
    } else {
        PageError::said(StatusCode::FORBIDDEN, "error-refused-title", "error-cross-site").into_response()
    }
}

/// Same origin as our public URL, or as the host the browser addressed.
fn same_origin(origin: &str, public_origin: &str, host: Option<&str>) -> bool {
    if origin.eq_ignore_ascii_case(public_origin) {
        return true;
    }
    let Some(host) = host else { return false };
    ["http://", "https://"]
        .iter()
        .any(|scheme| origin.strip_prefix(scheme).is_some_and(|rest| rest.eq_ignore_ascii_case(host)))
}

#[cfg(test)]
mod tests {
    use super::same_origin;

    #[test]
    fn origins_match_the_public_url_or_the_addressed_host() {
        assert!(same_origin("https://portal.example.com", "https://portal.example.com", None));
        assert!(same_origin("http://127.0.0.1:4000", "http://127.0.0.1:8080", Some("127.0.0.1:4000")));
        assert!(!same_origin("https://evil.example", "https://portal.example.com", Some("portal.example.com")));
        assert!(!same_origin("null", "https://portal.example.com", Some("portal.example.com")));
        assert!(!same_origin(
            "https://portal.example.com.evil.example",
            "https://portal.example.com",
            Some("portal.example.com")
        ));
    }
}
