//! The API's OpenAPI 3.1 document, built from the handlers' `#[utoipa::path]` annotations and the
//! request and response types, so it says what the code does. Served at `GET /api/v1/openapi.json`.

use axum::Json;
use axum::extract::State;
use axum::routing::get;
use utoipa::OpenApi;
use utoipa::openapi::security::{ApiKey, ApiKeyValue, SecurityScheme};

use super::{admin, attachments, auth, claims, mfa, passkeys, security};
use crate::cookies;
use crate::error::ApiErrorBody;
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![("/openapi.json", &["GET"], get(document))]
}

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Inventory Portal API",
        description = "The portal's JSON API. Every failure answers `{\"error\": {\"code\", \"message\", \"field\"?}}` \
                       (the `ApiError` schema); 429 and 503 come with `Retry-After`. State-changing requests \
                       send `Content-Type: application/json` (or the file's type for uploads and imports) and \
                       are refused from other sites.",
    ),
    paths(
        document,
        auth::login,
        auth::me,
        auth::update_me,
        auth::logout,
        auth::reset_password,
        mfa::totp_setup,
        mfa::totp_confirm,
        mfa::sms_setup,
        mfa::sms_confirm,
        mfa::sms_send,
        mfa::verify,
        mfa::postpone,
        mfa::remove,
        mfa::recovery_codes,
        passkeys::register_start,
        passkeys::register_finish,
        passkeys::verify_start,
        passkeys::verify_finish,
        passkeys::login_start,
        passkeys::login_finish,
        passkeys::rename,
        passkeys::remove,
        security::devices,
        security::forget_all_devices,
        security::forget_device,
        security::sessions,
        security::end_session,
        security::end_other_sessions,
        claims::list,
        claims::create,
        claims::show,
        claims::add_item,
        claims::edit_item,
        claims::delete_item,
        claims::comment_item,
        claims::export,
        claims::import,
        claims::reopen,
        claims::change_status,
        attachments::upload,
        attachments::download,
        attachments::remove,
        admin::users,
        admin::user,
        admin::act,
        admin::report,
        admin::audit,
        admin::create_staff,
    ),
    components(schemas(ApiErrorBody))
)]
pub struct ApiDoc;

/// The document as this portal serves it: the session cookie's name depends on whether the
/// public URL is https.
pub fn document_for(state: &AppState) -> utoipa::openapi::OpenApi {
    let mut doc = ApiDoc::openapi();
    let components = doc.components.get_or_insert_with(Default::default);
    components.add_security_scheme(
        "cookie",
        SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::with_description(
            cookies::session_name(&state.web),
            "The session, set by signing in",
        ))),
    );
    doc
}

/// This document.
#[utoipa::path(
    get,
    path = "/api/v1/openapi.json",
    tag = "meta",
    responses((status = 200, description = "The OpenAPI 3.1 document of this API", body = serde_json::Value)),
)]
async fn document(State(state): State<AppState>) -> Json<utoipa::openapi::OpenApi> {
    Json(document_for(&state))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    use super::*;

    /// Every (path, method) the router serves under `/api/v1` is in the document, and the
    /// document has nothing the router does not serve: a route added without its annotation, or
    /// an annotation left behind by a removed route, fails here.
    #[test]
    fn the_document_describes_exactly_the_routes_the_router_serves() {
        let served: BTreeSet<(String, String)> = super::super::route_tables()
            .into_iter()
            .flat_map(|(path, methods, _)| {
                methods.iter().map(move |m| (format!("/api/v1{path}"), m.to_ascii_lowercase()))
            })
            .collect();
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        let documented: BTreeSet<(String, String)> = doc["paths"]
            .as_object()
            .unwrap()
            .iter()
            .flat_map(|(path, item)| {
                item.as_object().unwrap().keys().filter(|k| *k != "parameters").map(|m| (path.clone(), m.clone()))
            })
            .collect();
        let undocumented: Vec<_> = served.difference(&documented).collect();
        let not_served: Vec<_> = documented.difference(&served).collect();
        assert!(undocumented.is_empty(), "routes without an operation in the document: {undocumented:?}");
        assert!(not_served.is_empty(), "operations in the document that no route serves: {not_served:?}");
        assert!(served.len() > 40, "the API's routes were found: {served:?}");
    }

    #[test]
    fn the_document_is_openapi_3_1_with_the_error_schema_and_the_cookie_session() {
        let doc = serde_json::to_value(ApiDoc::openapi()).unwrap();
        assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc["openapi"]);
        assert_eq!(doc["info"]["title"], "Inventory Portal API");
        assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
        assert!(doc["components"]["schemas"]["ApiError"].is_object(), "the ApiError schema is named ApiError");
        // Every operation that needs a session says so; signing in and this document do not.
        let me = &doc["paths"]["/api/v1/me"]["get"];
        assert_eq!(me["security"], serde_json::json!([{ "cookie": [] }]));
        for (path, method) in [("/api/v1/login", "post"), ("/api/v1/openapi.json", "get")] {
            assert!(doc["paths"][path][method]["security"].is_null(), "{path} needs no session");
        }
    }
}
