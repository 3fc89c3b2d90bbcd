//! The JSON API. It shares the cookie session with the pages and calls the same
//! `Portal` use-cases; only the presentation differs.

pub mod admin;
pub(crate) mod attachments;
pub(crate) mod auth;
pub(crate) mod claims;
mod ids;
pub(crate) mod mfa;
pub(crate) mod openapi;
pub(crate) mod passkeys;
pub(crate) mod security;

/// Every API route (paths without the `/api/v1` prefix), from the modules' tables.
pub fn route_tables() -> crate::routing::RouteTable {
    [
        auth::route_table(),
        mfa::route_table(),
        admin::route_table(),
        claims::route_table(),
        attachments::route_table(),
        security::route_table(),
        passkeys::route_table(),
        openapi::route_table(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
