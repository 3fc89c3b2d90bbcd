//! The shape every front end's routes take, kept below them so that no module needs the crate
//! root (which assembles the router from them).

use axum::Router;
use axum::routing::MethodRouter;

use crate::state::AppState;

/// A module's routes: path, the methods it answers (for the tests), and the handlers.
pub type RouteTable = Vec<(&'static str, &'static [&'static str], MethodRouter<AppState>)>;

/// The router of one route table.
pub fn router_of(table: RouteTable) -> Router<AppState> {
    table.into_iter().fold(Router::new(), |router, (path, _, handler)| router.route(path, handler))
}
