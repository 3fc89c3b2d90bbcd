//! Passkeys through the API (`PublicKeyCredential` JSON in and out): adding one, using one as the
//! second step, "Sign in with a passkey", renaming and removing. The ceremony's sealed state
//! rides in the `portal_passkey` cookie between start and finish.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{patch, post};
use portal_core::language::Localized;
use portal_core::mfa::passkey::PasskeyName;
use portal_core::mfa::passkey_service::{PasskeyChallenge, PasskeySummary};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use time::format_description::well_known::Rfc3339;
use utoipa::ToSchema;

use super::mfa::{Authenticated, Empty};
use crate::cookies;
use crate::error::{ApiError, ApiErrorBody};
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

/// A passkey as its owner sees it.
#[derive(Serialize, ToSchema)]
#[schema(as = Passkey)]
pub(crate) struct PasskeyJson {
    id: String,
    name: String,
    #[schema(format = DateTime)]
    created_at: String,
    #[schema(format = DateTime)]
    last_used_at: Option<String>,
}

impl From<&PasskeySummary> for PasskeyJson {
    fn from(p: &PasskeySummary) -> Self {
        Self {
            id: p.id.clone(),
            name: p.name.clone(),
            created_at: p.created_at.format(&Rfc3339).unwrap_or_default(),
            last_used_at: p.last_used_at.and_then(|t| t.format(&Rfc3339).ok()),
        }
    }
}

/// What finishing a passkey registration answers: during setup the sign-in's answer, for a
/// signed-in user adding one the new passkey.
#[derive(Serialize, ToSchema)]
#[serde(untagged)]
pub(crate) enum RegisteredPasskey {
    SignedIn(Authenticated),
    Added(PasskeyJson),
}

/// The browser's options, with the sealed ceremony in its cookie.
fn started(state: &AppState, challenge: PasskeyChallenge) -> Response {
    let cookie = cookies::set_passkey_ceremony(&challenge.sealed, &state.web);
    ([(header::SET_COOKIE, cookie)], Json(challenge.options)).into_response()
}

/// An answer that signs in: the new session's cookie, and the ceremony's cookie cleared.
fn signed_in(state: &AppState, token: &portal_core::session::SessionToken, body: impl Serialize) -> Response {
    let mut response = Json(body).into_response();
    let headers = response.headers_mut();
    headers.append(header::SET_COOKIE, cookies::set_session(token, &state.web));
    headers.append(header::SET_COOKIE, cookies::clear_passkey_ceremony(&state.web));
    response
}

fn parse_name(name: &str) -> Result<PasskeyName, ApiError> {
    PasskeyName::parse(name).map_err(|e| ApiError::field("name", e.message_in(crate::language::current())))
}

/// The credential must be a JSON object; what is inside is webauthn-rs's to judge.
fn object(credential: Value) -> Result<Value, ApiError> {
    if credential.is_object() {
        Ok(credential)
    } else {
        Err(ApiError::field_said("credential", "api-credential-invalid", &[]))
    }
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NameBody {
    /// What the user calls the passkey (e.g. "Work laptop").
    name: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CredentialBody {
    /// The browser's `PublicKeyCredential` as JSON.
    credential: Value,
    /// "Don't ask for a code on this device" (verification only; ignored for staff).
    #[serde(default)]
    remember_device: bool,
}

/// Starts adding a passkey (during setup, or signed in with a fresh second factor).
#[utoipa::path(
    post,
    path = "/api/v1/mfa/passkey/register/start",
    tag = "passkeys",
    request_body = NameBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The options for `navigator.credentials`; the ceremony is sealed into the `portal_passkey` cookie", body = Value),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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

/// Finishes adding a passkey.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/passkey/register/finish",
    tag = "passkeys",
    request_body = CredentialBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The passkey is added: during setup the sign-in's answer, otherwise the passkey", body = RegisteredPasskey),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
        (status = 429, description = "Too many attempts", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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
    let answer = if added.was_setup {
        RegisteredPasskey::SignedIn(Authenticated::new(None))
    } else {
        RegisteredPasskey::Added(PasskeyJson::from(&added.passkey))
    };
    Ok(signed_in(&state, &added.completed.token, answer))
}

/// Starts the second step with a passkey.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/passkey/verify/start",
    tag = "passkeys",
    request_body = Empty,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The options for `navigator.credentials`; the ceremony is sealed into the `portal_passkey` cookie", body = Value),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
        (status = 429, description = "Too many attempts", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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

/// Finishes the second step with a passkey.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/passkey/verify/finish",
    tag = "passkeys",
    request_body = CredentialBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
        (status = 429, description = "Too many attempts", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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
    let mut response = signed_in(&state, &done.token, Authenticated::new(None));
    if body.remember_device
        && let Some(cookie) = cookies::remember_device(&state, &done.session, &s.user, &ctx).await
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// Starts "Sign in with a passkey" (no password, no session needed).
#[utoipa::path(
    post,
    path = "/api/v1/login/passkey/start",
    tag = "passkeys",
    request_body = Empty,
    responses(
        (status = 200, description = "The options for `navigator.credentials`; the ceremony is sealed into the `portal_passkey` cookie", body = Value),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
    ),
)]
async fn login_start(State(state): State<AppState>, ApiJson(Empty {}): ApiJson<Empty>) -> Result<Response, ApiError> {
    let challenge = state.portal.passkey_login_start().map_err(|e| ApiError::mfa(&state, e))?;
    Ok(started(&state, challenge))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PasskeyLoginBody {
    /// The browser's `PublicKeyCredential` as JSON.
    credential: Value,
}

/// Finishes "Sign in with a passkey".
#[utoipa::path(
    post,
    path = "/api/v1/login/passkey/finish",
    tag = "passkeys",
    request_body = PasskeyLoginBody,
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, or a setup deadline passed", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Passkeys are not available on this portal, or not at this step", body = ApiErrorBody),
        (status = 429, description = "Too many attempts", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn login_finish(
    State(state): State<AppState>,
    Client(ctx): Client,
    MaybeSession(current): MaybeSession,
    headers: HeaderMap,
    ApiJson(body): ApiJson<PasskeyLoginBody>,
) -> Result<Response, ApiError> {
    let credential = object(body.credential)?;
    let sealed = cookies::passkey_ceremony(&headers, &state.web);
    let previous = current.as_ref().map(|s| &s.token);
    let done = state
        .portal
        .passkey_login_finish(sealed.as_deref(), credential, previous, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    let mut response = signed_in(&state, &done.token, Authenticated::new(None));
    // The pages that follow speak the language the user keeps with their account.
    let language = done.user.language.unwrap_or_default();
    response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
    Ok(response)
}

/// Renames one of the user's passkeys.
#[utoipa::path(
    patch,
    path = "/api/v1/mfa/passkeys/{id}",
    params(("id" = String, Path, description = "The passkey's id")),
    tag = "passkeys",
    request_body = NameBody,
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Renamed"),
        (status = 400, description = "Not JSON (`malformed_json`), or the ceremony failed (`passkey_expired`, `passkey_refused`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 404, description = "No such passkey of this user", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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

/// Removes one of the user's passkeys (not the last method while MFA is in force).
#[utoipa::path(
    delete,
    path = "/api/v1/mfa/passkeys/{id}",
    params(("id" = String, Path, description = "The passkey's id")),
    tag = "passkeys",
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 404, description = "No such passkey of this user", body = ApiErrorBody),
        (status = 409, description = "It is the last method (`last_method`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    Path(id): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.portal.remove_passkey(&s.session, &s.user, &id, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}
