//! The stylesheet and the enhancement script, compiled into the binary: no CDN, no extra files
//! to deploy.

use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;

use crate::routing::RouteTable;

const STYLE: &str = include_str!("../../assets/style.css");
const SCRIPT: &str = include_str!("../../assets/app.js");

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![("/static/style.css", &["GET"], get(style)), ("/static/app.js", &["GET"], get(script))]
}

async fn style() -> impl IntoResponse {
    ([(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")], STYLE)
}

async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        SCRIPT,
    )
}
