//! The MFA API: authenticator-app and text-message setup, sending codes, and
//! verification, for half-signed-in sessions and for signed-in users adding a method.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use portal_core::language::Localized;
use portal_core::mfa::recovery::RecoveryCode;
use portal_core::mfa::service::{MfaCompleted, SmsSent};
use portal_core::mfa::{Method, OtpCode};
use portal_core::sms::DeliveryChannel;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cookies;
use crate::error::{ApiError, ApiErrorBody};
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

/// A text message with a code went out.
#[derive(Serialize, ToSchema)]
pub(crate) struct CodeSent {
    /// Always `code_sent`.
    #[schema(pattern = "^code_sent$")]
    state: &'static str,
    /// The masked number the code went to.
    phone_hint: String,
    /// Seconds before another code may be asked for.
    resend_after_s: i64,
    /// How the code went: `voice` also when a text was asked for but the number is a landline.
    channel: DeliveryChannel,
}

fn code_sent(sent: &SmsSent) -> Json<CodeSent> {
    Json(CodeSent {
        state: "code_sent",
        phone_hint: sent.phone_hint.clone(),
        resend_after_s: sent.resend_after.whole_seconds(),
        channel: sent.channel,
    })
}

/// Fully signed in.
#[derive(Serialize, ToSchema)]
pub(crate) struct Authenticated {
    /// Always `authenticated`.
    #[schema(pattern = "^authenticated$")]
    state: &'static str,
    /// After a recovery code: how many unused codes are left.
    #[serde(skip_serializing_if = "Option::is_none")]
    recovery_codes_left: Option<usize>,
}

impl Authenticated {
    pub(crate) fn new(recovery_codes_left: Option<usize>) -> Self {
        Self { state: "authenticated", recovery_codes_left }
    }
}

/// The new, fully signed-in session goes into the cookie.
fn authenticated(state: &AppState, done: &MfaCompleted) -> Response {
    let body = Authenticated::new(done.recovery_codes_left);
    ([(header::SET_COOKIE, cookies::set_session(&done.token, &state.web))], Json(body)).into_response()
}

fn parse_code(text: &str) -> Result<OtpCode, ApiError> {
    OtpCode::parse(text).map_err(|e| ApiError::field("code", e.message_in(crate::language::current())))
}

/// An empty JSON object: the body of actions that take no input.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Empty {}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CodeBody {
    /// The six-digit code.
    code: String,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PhoneBody {
    /// ISO 3166 country code, e.g. `US`.
    country: String,
    phone: String,
    /// `voice` reads the code out in a call instead of texting it (for a desk phone).
    #[serde(default)]
    channel: DeliveryChannel,
}

/// Which way to send the next code.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SendBody {
    /// `voice` reads the code out in a call instead of texting it.
    #[serde(default)]
    channel: DeliveryChannel,
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyBody {
    /// `totp`, `sms` or `recovery`.
    method: String,
    /// A six-digit code, or a recovery code.
    code: String,
    /// "Don't ask for a code on this device" (ignored for staff, or when the operator turned it off).
    #[serde(default)]
    remember_device: bool,
}

/// Starts setting up an authenticator app (during setup, or signed in with a fresh second factor).
#[utoipa::path(
    post,
    path = "/api/v1/mfa/totp/setup",
    tag = "mfa",
    request_body = Empty,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The pending secret", body = TotpSetup),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn totp_setup(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<TotpSetup>, ApiError> {
    let setup = state.portal.totp_start(&s.session, &s.user, &ctx, true).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(TotpSetup {
        secret: setup.secret.base32(),
        qr_svg: qr::svg(&setup.otpauth_uri, "QR code for your authenticator app"),
        otpauth_uri: setup.otpauth_uri,
    }))
}

/// A new authenticator-app secret, pending until confirmed with a code.
#[derive(Serialize, ToSchema)]
pub(crate) struct TotpSetup {
    /// The secret in base32, to type in.
    secret: String,
    otpauth_uri: String,
    /// The `otpauth_uri` as an SVG QR code.
    qr_svg: String,
}

/// Confirms the pending authenticator app with a code from it.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/totp/confirm",
    tag = "mfa",
    request_body = CodeBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated, headers(("Set-Cookie" = String))),
        (status = 400, description = "Not JSON (`malformed_json`), or the code is wrong, used or expired", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts, locked, or the text-message limit", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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

/// Starts setting up text messages: sends a code to the number.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/sms/setup",
    tag = "mfa",
    request_body = PhoneBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "A code was sent", body = CodeSent),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts, locked, or the text-message limit", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 502, description = "The text message or call could not be made (`sms_failed`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn sms_setup(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<PhoneBody>,
) -> Result<Json<CodeSent>, ApiError> {
    let sent = state
        .portal
        .sms_setup_send(&s.session, &s.user, &body.country, &body.phone, body.channel, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(code_sent(&sent))
}

/// Confirms the number with the texted code.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/sms/confirm",
    tag = "mfa",
    request_body = CodeBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated, headers(("Set-Cookie" = String))),
        (status = 400, description = "Not JSON (`malformed_json`), or the code is wrong, used or expired", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts, locked, or the text-message limit", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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
#[utoipa::path(
    post,
    path = "/api/v1/mfa/sms/send",
    tag = "mfa",
    request_body = SendBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "A code was sent", body = CodeSent),
        (status = 400, description = "Not JSON (`malformed_json`), or no setup is pending", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts, locked, or the text-message limit", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 502, description = "The text message or call could not be made (`sms_failed`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn sms_send(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<SendBody>,
) -> Result<Json<CodeSent>, ApiError> {
    let sent = state
        .portal
        .sms_send_next(&s.session, &s.user, body.channel, &ctx)
        .await
        .map_err(|e| ApiError::mfa(&state, e))?;
    Ok(code_sent(&sent))
}

/// The second step of signing in (or a fresh second factor for a signed-in user).
#[utoipa::path(
    post,
    path = "/api/v1/mfa/verify",
    tag = "mfa",
    request_body = VerifyBody,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated, headers(("Set-Cookie" = String))),
        (status = 400, description = "Not JSON (`malformed_json`), the code is wrong, used or expired, or the method is not set up (`method_not_enrolled`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 429, description = "Too many attempts, locked, or the text-message limit", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn verify(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(body): ApiJson<VerifyBody>,
) -> Result<Response, ApiError> {
    let done = if body.method == "recovery" {
        let code = RecoveryCode::parse(&body.code)
            .map_err(|e| ApiError::field("code", e.message_in(crate::language::current())))?;
        state.portal.mfa_verify_recovery(&s.session, &s.user, &s.second_factor, &code, &ctx).await
    } else {
        let method = Method::parse(&body.method)
            .ok_or_else(|| ApiError::field_said("method", "api-verify-method-invalid", &[]))?;
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
#[utoipa::path(
    post,
    path = "/api/v1/mfa/recovery-codes",
    tag = "mfa",
    request_body = Empty,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The new codes", body = RecoveryCodes),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn recovery_codes(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Json<RecoveryCodes>, ApiError> {
    let codes =
        state.portal.create_recovery_codes(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(Json(RecoveryCodes { codes: codes.iter().map(RecoveryCode::grouped).collect() }))
}

/// Ten recovery codes, shown this once.
#[derive(Serialize, ToSchema)]
pub(crate) struct RecoveryCodes {
    codes: Vec<String>,
}

/// Puts the setup off (while the grace period allows) and signs in fully.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/postpone",
    tag = "mfa",
    request_body = Empty,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "Fully signed in; the new session cookie is set", body = Authenticated, headers(("Set-Cookie" = String))),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "No session (`not_signed_in`), or it ended (`session_ended`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn postpone(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiMfaSession(s): ApiMfaSession,
    ApiJson(Empty {}): ApiJson<Empty>,
) -> Result<Response, ApiError> {
    let done = state.portal.mfa_postpone(&s.session, &s.user, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(authenticated(&state, &done))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MethodBody {
    /// `totp` or `sms`.
    method: String,
}

/// Removes a method of a signed-in user (`204`); the last one stays while MFA is in force.
#[utoipa::path(
    post,
    path = "/api/v1/mfa/remove",
    tag = "mfa",
    request_body = MethodBody,
    security(("cookie" = [])),
    responses(
        (status = 204, description = "Removed"),
        (status = 400, description = "Not JSON (`malformed_json`), or the method is not set up (`method_not_enrolled`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request, a stale second factor (`step_up_required`) or a setup deadline passed (`mfa_setup_expired`)", body = ApiErrorBody),
        (status = 404, description = "Not found", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 409, description = "Not possible at this step (`wrong_step`, `no_method`, `last_method`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn remove(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiUser(s): ApiUser,
    ApiJson(body): ApiJson<MethodBody>,
) -> Result<StatusCode, ApiError> {
    let method =
        Method::parse(&body.method).ok_or_else(|| ApiError::field_said("method", "api-method-invalid", &[]))?;
    state.portal.remove_method(&s.session, &s.user, method, &ctx).await.map_err(|e| ApiError::mfa(&state, e))?;
    Ok(StatusCode::NO_CONTENT)
}
