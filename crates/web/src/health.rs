//! `/healthz`: the process answers. `/readyz`: the database answers too (load balancers use it).

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::{Value, json};

use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![("/healthz", &["GET"], get(healthz)), ("/readyz", &["GET"], get(readyz))]
}

pub fn routes() -> Router<AppState> {
    crate::routing::router_of(route_table())
}

async fn healthz() -> Json<Value> {
    Json(json!({ "status": "ok" }))
}

async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    match state.portal.ping_store().await {
        Ok(()) => (StatusCode::OK, Json(json!({ "status": "ready", "database": state.portal.backend() }))),
        Err(e) => {
            tracing::error!(error = %e, "readiness check failed");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({ "status": "unavailable", "database": state.portal.backend() })),
            )
        }
    }
}
