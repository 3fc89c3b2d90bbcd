//! The MFA API: authenticator-app and text-message setup, sending codes, and
//! verification, for half-signed-in sessions and for signed-in users adding a method.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use portal_core::mfa::recovery::RecoveryCode;
use portal_core::mfa::service::{MfaCompleted, SmsSent};
use portal_core::mfa::{Method, OtpCode};
use serde::Deserialize;
use serde_json::json;

use crate::cookies;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiMfaSession, ApiUser, Client};
use crate::qr;
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/mfa/totp/setup", &["POST"], post(totp_setup)),
        ("/mfa/totp/confirm", &["POST"], post(totp_confirm)),
        ("/mfa/sms/setup", &["POST"], post(sms_setup)),
        ("/mfa/sms/confirm", &["POST"], post(sms_confirm)),
        ("/mfa/sms/send", &["POST"], post(sms_send)),
        ("/mfa/verify", &["POST"], post(verify)),
        ("/mfa/postpone", &["POST"], post(postpone)),
        ("/mfa/remove", &["POST"], post(remove)),
        ("/mfa/recovery-codes", &["POST"], post(recovery_codes)),
    ]
}

fn code_sent(sent: &SmsSent) -> Json<serde_json::Value> {
    Json(
        json!({ "state": "code_sent", "phone_hint": sent.phone_hint, "resend_after_s": sent.resend_after.whole_seconds() }),
    )
}

/// The new, fully signed-in session goes into the cookie.
fn authenticated(state: &AppState, done: &MfaCompleted) -> Response {
    let mut body = json!({ "state": "authenticated" });
    if let Some(left) = done.recovery_codes_left {
        body["recovery_codes_left"] = json!(left);
    }
    ([(header::SET_COOKIE, cookies::set_session(&done.token, &state.web))], Json(body)).into_response()
}

fn parse_code(text: &str) -> Result<OtpCode, ApiError> {
    OtpCode::parse(text).map_err(|e| ApiError::field("code", e.to_string()))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Empty {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct CodeBody {
    code: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhoneBody {
    country: String,
    phone: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct VerifyBody {
    method: String,
    code: String,
    /// "Don't ask for a code on this device" (ignored for staff, or when the operator turned it off).
    #[serde(default)]
    remember_device: bool,
}

async fn totp_setup(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let setup = state.portal.totp_start(&s.session, &s.user, &ctx, true).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(json!({
        "secret": setup.secret.base32(),
        "otpauth_uri": setup.otpauth_uri,
        "qr_svg": qr::svg(&setup.otpauth_uri, "QR code for your authenticator app"),
    })))
}

async fn totp_confirm(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<CodeBody>,
) -> Result<Response, ApiError> {
    let code = parse_code(&body.code)?;
    let done =
        state.portal.totp_confirm(&s.session, &s.user, &code, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(authenticated(&state, &done))
}

async fn sms_setup(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<PhoneBody>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let sent = state
        .portal
        .sms_setup_send(&s.session, &s.user, &body.country, &body.phone, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(code_sent(&sent))
}

async fn sms_confirm(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<CodeBody>,
) -> Result<Response, ApiError> {
    let code = parse_code(&body.code)?;
    let done =
        state.portal.sms_setup_confirm(&s.session, &s.user, &code, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(authenticated(&state, &done))
}

/// A returning user's code; during a text-message setup, a new setup code to the same number.
async fn sms_send(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let sent = state.portal.sms_send_next(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(code_sent(&sent))
}

async fn verify(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Response, ApiError> {
    let done = if body.method == "recovery" {
        let code = RecoveryCode::parse(&body.code).map_err(|e| ApiError::field("code", e.to_string()))?;
        state.portal.mfa_verify_recovery(&s.session, &s.user, &s.second_factor, &code, &ctx).await
    } else {
        let method = Method::parse(&body.method)
            .ok_or_else(|| ApiError::field("method", "method must be \"totp\", \"sms\" or \"recovery\""))?;
        let code = parse_code(&body.code)?;
        state.portal.mfa_verify(&s.session, &s.user, &s.second_factor, method, &code, &ctx).await
    }
    .map_err(|e| ApiError::mfa(&state, e))?;
    let mut response = authenticated(&state, &done);
    if body.remember_device
        && let Some(cookie) = cookies::remember_device(&state, &done.session, &s.user, &ctx).await
    {
        response.headers_mut().append(header::SET_COOKIE, cookie);
    }
    Ok(response)
}

/// A new set of ten recovery codes, shown this once; the old set stops working.
async fn recovery_codes(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<serde_json::Value>, ApiError> {
    let codes =
        state.portal.create_recovery_codes(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(json!({ "codes": codes.iter().map(RecoveryCode::grouped).collect::<Vec<_>>() })))
}

async fn postpone(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Response, ApiError> {
    let done = state.portal.mfa_postpone(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(authenticated(&state, &done))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MethodBody {
    method: String,
}

/// Removes a method of a signed-in user (`204`); the last one stays while MFA is in force.
async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(body): ApiJson<MethodBody>,
) -> Result<StatusCode, ApiError> {
    let method =
        Method::parse(&body.method).ok_or_else(|| ApiError::field("method", "method must be \"totp\" or \"sms\""))?;
    state.portal.remove_method(&s.session, &s.user, method, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}
