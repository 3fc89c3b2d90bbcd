//! Passkeys through the API (`PublicKeyCredential` JSON in and out): adding one, using one as the
//! second step, "Sign in with a passkey", renaming and removing. The ceremony's sealed state
//! rides in the `portal_passkey` cookie between start and finish.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use portal_core::mfa::passkey::PasskeyName;
use portal_core::mfa::passkey_service::{PasskeyChallenge, PasskeySummary};
use serde::Deserialize;
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;

use crate::cookies;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiMfaSession, ApiUser, Client, MaybeSession};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/mfa/passkey/register/start", &["POST"], post(register_start)),
        ("/mfa/passkey/register/finish", &["POST"], post(register_finish)),
        ("/mfa/passkey/verify/start", &["POST"], post(verify_start)),
        ("/mfa/passkey/verify/finish", &["POST"], post(verify_finish)),
        ("/login/passkey/start", &["POST"], post(login_start)),
        ("/login/passkey/finish", &["POST"], post(login_finish)),
        ("/mfa/passkeys/{id}", &["PATCH", "DELETE"], patch(rename).delete(remove)),
    ]
}

pub(crate) fn passkey_json(p: &PasskeySummary) -> Value {
    json!({
        "id": p.id,
        "name": p.name,
        "created_at": p.created_at.format(&Rfc3339).unwrap_or_default(),
        "last_used_at": p.last_used_at.and_then(|t| t.format(&Rfc3339).ok()),
    })
}

/// The browser's options, with the sealed ceremony in its cookie.
fn started(state: &AppState, challenge: PasskeyChallenge) -> Response {
    let cookie = cookies::set_passkey_ceremony(&challenge.sealed, &state.web);
    ([(header::SET_COOKIE, cookie)], Json(challenge.options)).into_response()
}

/// An answer that signs in: the new session's cookie, and the ceremony's cookie cleared.
fn signed_in(state: &AppState, token: &portal_core::session::SessionToken, body: Value) -> Response {
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, cookies::set_session(token, &state.web));
    headers.append(header::SET_COOKIE, cookies::clear_passkey_ceremony(&state.web));
    response
}

fn parse_name(name: &str) -> Result<PasskeyName, ApiError> {
    PasskeyName::parse(name).map_err(|e| ApiError::field("name", e.to_string()))
}

/// The credential must be a JSON object; what is inside is webauthn-rs's to judge.
fn object(credential: Value) -> Result<Value, ApiError> {
    if credential.is_object() {
        Ok(credential)
    } else {
        Err(ApiError::field("credential", "credential must be the browser's PublicKeyCredential as a JSON object"))
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct NameBody {
    name: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CredentialBody {
    credential: Value,
    #[serde(default)]
    remember_device: bool,
}

async fn register_start(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<NameBody>,
) -> Result<Response, ApiError> {
    let name = parse_name(&body.name)?;
    let challenge = state
        .portal
        .passkey_register_start(&s.session, &s.user, &name, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(started(&state, challenge))
}

async fn register_finish(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CredentialBody>,
) -> Result<Response, ApiError> {
    let credential = object(body.credential)?;
    let sealed = cookies::passkey_ceremony(&headers, &state.web);
    let added = state
        .portal
        .passkey_register_finish(&s.session, &s.user, sealed.as_deref(), credential, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    // During setup the answer is the sign-in's; a signed-in user adding one gets the passkey.
    let answer = if added.was_setup { json!({ "state": "authenticated" }) } else { passkey_json(&added.passkey) };
    Ok(signed_in(&state, &added.completed.token, answer))
}

async fn verify_start(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Response, ApiError> {
    let challenge = state
        .portal
        .passkey_verify_start(&s.session, &s.user, &s.second_factor, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(started(&state, challenge))
}

async fn verify_finish(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    headers: HeaderMap,
    ApiJson(body): ApiJson<CredentialBody>,
) -> Result<Response, ApiError> {
    let credential = object(body.credential)?;
    let sealed = cookies::passkey_ceremony(&headers, &state.web);
    let done = state
        .portal
        .passkey_verify_finish(&s.session, &s.user, &s.second_factor, sealed.as_deref(), credential, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    let mut response = signed_in(&state, &done.token, json!({ "state": "authenticated" }));
    if body.remember_device
        && let Some(cookie) = cookies::remember_device(&state, &done.session, &s.user, &ctx).await
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

async fn login_start(State(state): State<AppState>, ApiJson(Empty {}): ApiJson<Empty>) -> Result<Response, ApiError> {
    let challenge = state.portal.passkey_login_start().map_err(|e| ApiError::mfa(&state, e))?;
    Ok(started(&state, challenge))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct LoginBody {
    credential: Value,
}

async fn login_finish(
    State(state): State<AppState>,
    Client(ctx): Client,
    MaybeSession(current): MaybeSession,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let credential = object(body.credential)?;
    let sealed = cookies::passkey_ceremony(&headers, &state.web);
    let previous = current.as_ref().map(|s| &s.token);
    let done = state
        .portal
        .passkey_login_finish(sealed.as_deref(), credential, previous, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(signed_in(&state, &done.token, json!({ "state": "authenticated" })))
}

async fn rename(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<NameBody>,
) -> Result<StatusCode, ApiError> {
    let name = parse_name(&body.name)?;
    state.portal.rename_passkey(&s.session, &s.user, &id, &name, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}

async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.portal.remove_passkey(&s.session, &s.user, &id, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}
