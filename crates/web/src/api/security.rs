//! A user's own security through the API: remembered devices and open sessions (see
//! `portal_core::account_security`). Changes need a second factor within ten minutes (403
//! `step_up_required` otherwise).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Serialize;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use super::mfa::Empty;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiJson, ApiUser, Client};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/devices", &["GET", "DELETE"], get(devices).delete(forget_all_devices)),
        ("/devices/{id}", &["DELETE"], delete(forget_device)),
        ("/sessions", &["GET"], get(sessions)),
        ("/sessions/{id}", &["DELETE"], delete(end_session)),
        ("/sessions/end-others", &["POST"], post(end_other_sessions)),
    ]
}

fn rfc3339(t: OffsetDateTime) -> String {
    t.format(&Rfc3339).unwrap_or_default()
}

/// Ids are 32 (devices) or 24 (sessions) lower-case hex digits; anything else is 404 like an
/// id that is not there (`not_found` is the message saying so).
fn hex_id<'a>(id: &'a str, len: usize, not_found: &'static str) -> Result<&'a str, ApiError> {
    if id.len() == len && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(id)
    } else {
        Err(ApiError::said(StatusCode::NOT_FOUND, "not_found", not_found))
    }
}

#[derive(Serialize, ToSchema)]
pub(crate) struct RememberedDevices {
    devices: Vec<RememberedDevice>,
}

/// A browser that may skip the second step until `expires_at`.
#[derive(Serialize, ToSchema)]
pub(crate) struct RememberedDevice {
    /// 32 lower-case hex digits.
    id: String,
    user_agent: Option<String>,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    last_used_at: String,
    #[schema(format = DateTime)]
    expires_at: String,
}

/// The user's remembered devices.
#[utoipa::path(
    get,
    path = "/api/v1/devices",
    tag = "account security",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Every remembered device", body = RememberedDevices),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn devices(State(state): State<AppState>, ApiUser(s): ApiUser) -> Result<Json<RememberedDevices>, ApiError> {
    let devices = state.portal.remembered_devices(&s.user).await?;
    let devices = devices
        .iter()
        .map(|d| RememberedDevice {
            id: d.id.clone(),
            user_agent: d.user_agent.clone(),
            created_at: rfc3339(d.created_at),
            last_used_at: rfc3339(d.last_used_at),
            expires_at: rfc3339(d.expires_at),
        })
        .collect();
    Ok(Json(RememberedDevices { devices }))
}

/// Forgets one remembered device.
#[utoipa::path(
    delete,
    path = "/api/v1/devices/{id}",
    tag = "account security",
    params(("id" = String, Path, description = "The device's id (32 hex digits)")),
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, or no second factor in the last ten minutes (`step_up_required`)", body = ApiErrorBody),
        (status = 404, description = "No such device of this user", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn forget_device(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = hex_id(&id, 32, "api-device-not-found")?;
    state.portal.forget_devices(&s.session, &s.user, Some(id), &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Forgets every remembered device.
#[utoipa::path(
    delete,
    path = "/api/v1/devices",
    tag = "account security",
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Forgotten"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, or no second factor in the last ten minutes (`step_up_required`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn forget_all_devices(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
) -> Result<StatusCode, ApiError> {
    state.portal.forget_devices(&s.session, &s.user, None, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OpenSessions {
    sessions: Vec<OpenSession>,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OpenSession {
    /// 24 lower-case hex digits.
    id: String,
    /// This is the session asking.
    current: bool,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    last_seen_at: String,
    ip: Option<String>,
    user_agent: Option<String>,
}

/// The user's open sessions.
#[utoipa::path(
    get,
    path = "/api/v1/sessions",
    tag = "account security",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Every open session", body = OpenSessions),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn sessions(State(state): State<AppState>, ApiUser(s): ApiUser) -> Result<Json<OpenSessions>, ApiError> {
    let open = state.portal.open_sessions(&s.session, &s.user).await?;
    let sessions = open
        .iter()
        .map(|o| OpenSession {
            id: o.id.clone(),
            current: o.current,
            created_at: rfc3339(o.created_at),
            last_seen_at: rfc3339(o.last_seen_at),
            ip: o.ip.clone(),
            user_agent: o.user_agent.clone(),
        })
        .collect();
    Ok(Json(OpenSessions { sessions }))
}

/// Ends one of the user's sessions (the current one too, if named).
#[utoipa::path(
    delete,
    path = "/api/v1/sessions/{id}",
    tag = "account security",
    params(("id" = String, Path, description = "The session's id (24 hex digits)")),
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Ended"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, or no second factor in the last ten minutes (`step_up_required`)", body = ApiErrorBody),
        (status = 404, description = "No such session of this user", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn end_session(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = hex_id(&id, 24, "api-session-not-found")?;
    state.portal.end_session(&s.session, &s.user, id, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ends every session of the user but this one.
#[utoipa::path(
    post,
    path = "/api/v1/sessions/end-others",
    tag = "account security",
    request_body = Empty,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "How many sessions ended", body = OthersEnded),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, or no second factor in the last ten minutes (`step_up_required`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "The body is not an empty object", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn end_other_sessions(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<OthersEnded>, ApiError> {
    let ended =
        state.portal.end_other_sessions(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(OthersEnded { sessions_ended: ended }))
}

#[derive(Serialize, ToSchema)]
pub(crate) struct OthersEnded {
    sessions_ended: u64,
}
