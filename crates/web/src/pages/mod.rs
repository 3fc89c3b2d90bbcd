//! Server-rendered pages: plain HTML forms that work without JavaScript (POST → redirect → GET),
//! askama templates (compile-time checked, auto-escaped), one shared layout.

mod assets;
mod attachments;
pub(crate) mod auth;
mod claim_import;
pub(crate) mod claims;
pub mod console;
pub(crate) mod language;
pub(crate) mod mfa;
mod security;

/// Every page route, from the modules' tables.
pub fn route_tables() -> crate::routing::RouteTable {
    [
        auth::route_table(),
        mfa::route_table(),
        security::route_table(),
        console::route_table(),
        claims::route_table(),
        attachments::route_table(),
        claim_import::route_table(),
        assets::route_table(),
        language::route_table(),
    ]
    .into_iter()
    .flatten()
    .collect()
}
