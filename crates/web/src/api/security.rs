//! A user's own security through the API: remembered devices and open sessions (see
//! `portal_core::account_security`). Changes need a second factor within ten minutes (403
//! `step_up_required` otherwise).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::routing::{delete, get, post};
use serde::Deserialize;
use serde_json::{Value, json};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use crate::error::ApiError;
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
/// id that is not there.
fn hex_id<'a>(id: &'a str, len: usize, what: &'static str) -> Result<&'a str, ApiError> {
    if id.len() == len && id.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
        Ok(id)
    } else {
        Err(ApiError::new(StatusCode::NOT_FOUND, "not_found", format!("{what} not found")))
    }
}

async fn devices(State(state): State<AppState>, ApiUser(s): ApiUser) -> Result<Json<Value>, ApiError> {
    let devices = state.portal.remembered_devices(&s.user).await?;
    let list: Vec<Value> = devices
        .iter()
        .map(|d| {
            json!({
                "id": d.id,
                "user_agent": d.user_agent,
                "created_at": rfc3339(d.created_at),
                "last_used_at": rfc3339(d.last_used_at),
                "expires_at": rfc3339(d.expires_at),
            })
        })
        .collect();
    Ok(Json(json!({ "devices": list })))
}

async fn forget_device(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = hex_id(&id, 32, "remembered device")?;
    state.portal.forget_devices(&s.session, &s.user, Some(id), &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn forget_all_devices(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
) -> Result<StatusCode, ApiError> {
    state.portal.forget_devices(&s.session, &s.user, None, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn sessions(State(state): State<AppState>, ApiUser(s): ApiUser) -> Result<Json<Value>, ApiError> {
    let open = state.portal.open_sessions(&s.session, &s.user).await?;
    let list: Vec<Value> = open
        .iter()
        .map(|o| {
            json!({
                "id": o.id,
                "current": o.current,
                "created_at": rfc3339(o.created_at),
                "last_seen_at": rfc3339(o.last_seen_at),
                "ip": o.ip,
                "user_agent": o.user_agent,
            })
        })
        .collect();
    Ok(Json(json!({ "sessions": list })))
}

async fn end_session(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    let id = hex_id(&id, 24, "session")?;
    state.portal.end_session(&s.session, &s.user, id, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

async fn end_other_sessions(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<Value>, ApiError> {
    let ended =
        state.portal.end_other_sessions(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(json!({ "sessions_ended": ended })))
}
