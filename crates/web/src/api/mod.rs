//! The JSON API (DESIGN §7). It shares the cookie session with the pages and calls the same
//! `Portal` use-cases; only the presentation differs.

pub mod admin;
pub(crate) mod attachments;
pub(crate) mod auth;
pub(crate) mod claims;
pub(crate) mod mfa;

use axum::Router;

use crate::state::AppState;

pub fn routes() -> Router<AppState> {
    Router::new()
        .merge(auth::routes())
        .merge(mfa::routes())
        .merge(admin::routes())
        .merge(claims::routes())
        .merge(attachments::routes())
}
