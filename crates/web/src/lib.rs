//! The HTTP face of the portal: HTML pages (askama, plain forms, no JavaScript needed), the
//! JSON API under `/api/v1`, health checks, and the middleware every response passes through.
//! Handlers are thin: they parse input into core types, call a `Portal` use-case, and present.
//!
//! Modules depend only on those listed before them (within a line, on none of each other), so
//! there is no cycle and pages and API never reach into each other:
//!
//! 1. `state`, `session`, `qr`, `enrollment_svg`, `downloads` — what a request can reach; the
//!    signed-in session; pictures drawn on the server; files to hand out
//! 2. `cookies`, `routing`, `console_input` — cookie names, route tables, console input parsing
//! 3. `render` — the layout, templates, the error page
//! 4. `error` — `ApiError`, `PageError`, and the one mapping of each core error per front end
//! 5. `extract`, `security` — checked request input and sessions; the middleware
//! 6. `csrf` — form tokens and the `CsrfForm` extractor
//! 7. `pages`, `api`, `health` — the front ends, siblings (inside `pages`: `claims` ←
//!    `attachments` ← `claim_import`, `auth` ← `mfa`; inside `api`: `ids` ← `attachments` ←
//!    `claims`, `mfa` ← `passkeys` ← `auth` and `security`, and `openapi`, which gathers
//!    every other API module's annotations)
//! 8. the crate root (the router) and `fuzzing`, which see everything

mod api;
mod console_input;
mod cookies;
mod csrf;
mod downloads;
mod enrollment_svg;
mod error;
mod extract;
#[doc(hidden)]
pub mod fuzzing;
mod health;
pub mod language;
pub mod metrics;
mod pages;
mod qr;
mod render;
mod routing;
mod scrape;
mod security;
mod session;
mod state;

use axum::Router;
use axum::http::HeaderName;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::trace::TraceLayer;

pub use extract::MAX_BODY_BYTES;
use routing::router_of;
pub use state::{AppState, WebSettings};

/// Every support-console route as `(path, methods)`: the pages under `/console` and the JSON
/// API under `/api/v1/admin`. The routers are built from the same tables, so authorization
/// tests that walk this list cover every console route there is.
pub fn console_routes() -> Vec<(String, &'static [&'static str])> {
    let pages = pages::console::route_table().into_iter().map(|(path, methods, _)| (path.to_owned(), methods));
    let api = api::admin::route_table().into_iter().map(|(path, methods, _)| (format!("/api/v1{path}"), methods));
    pages.chain(api).collect()
}

/// Every route of the application as `(path, methods)`, from the same tables the routers are
/// built from: tests walk it (every GET changes nothing; every console route needs staff).
pub fn all_routes() -> Vec<(String, &'static [&'static str])> {
    let pages = pages::route_tables().into_iter().map(|(path, methods, _)| (path.to_owned(), methods));
    let api = api::route_tables().into_iter().map(|(path, methods, _)| (format!("/api/v1{path}"), methods));
    let health = health::route_table().into_iter().map(|(path, methods, _)| (path.to_owned(), methods));
    let metrics = scrape::route_table().into_iter().map(|(path, methods, _)| (path.to_owned(), methods));
    pages.chain(api).chain(health).chain(metrics).collect()
}

static REQUEST_ID: HeaderName = HeaderName::from_static("x-request-id");

/// The whole application; `server` serves it, tests drive it on a random port.
pub fn router(state: AppState) -> Router {
    Router::new()
        .merge(router_of(pages::route_tables()))
        .nest("/api/v1", router_of(api::route_tables()))
        .merge(health::routes())
        .merge(router_of(scrape::route_table()))
        .fallback(error::not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), scrape::record_requests))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::refuse_cross_site_writes))
        // Outside the cross-site wall, so its refusal page gets the portal's name too.
        .layer(axum::middleware::from_fn_with_state(state.clone(), error::error_pages_with_settings))
        // Outside the error pages, so they speak the request's language too.
        .layer(axum::middleware::from_fn_with_state(state.clone(), language::choose))
        .layer(axum::middleware::from_fn_with_state(state.clone(), security::security_headers))
        .layer(PropagateRequestIdLayer::new(REQUEST_ID.clone()))
        .layer(TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
            let id = request.headers().get(&REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
            // The path only: query strings can carry reset tokens.
            tracing::info_span!("request", id = %id, method = %request.method(), path = %request.uri().path())
        }))
        .layer(SetRequestIdLayer::new(REQUEST_ID.clone(), MakeRequestUuid))
        .with_state(state)
}
