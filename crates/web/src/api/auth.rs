//! `POST /login`, `GET /me`, `POST /logout`, `POST /password/reset`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use portal_core::auth::{LoginError, LoginNext, ResetError};
use portal_core::email::Email;
use portal_core::mfa::Method;
use portal_core::password::Password;
use serde::Deserialize;
use serde_json::json;

use crate::cookies;
use crate::error::ApiError;
use crate::extract::{ApiJson, ApiUser, Client, MaybeSession};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/login", &["POST"], post(login)),
        ("/me", &["GET"], get(me)),
        ("/logout", &["POST"], post(logout)),
        ("/password/reset", &["POST"], post(reset_password)),
    ]
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginBody {
    email: String,
    password: String,
}

async fn login(
    State(state): State<AppState>,
    Client(ctx): Client,
    MaybeSession(current): MaybeSession,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let email = Email::parse(&body.email).map_err(|e| ApiError::field("email", e.to_string()))?;
    let password = Password::for_login(body.password).map_err(|e| ApiError::field("password", e.to_string()))?;
    let previous = current.as_ref().map(|s| &s.token);
    let device = cookies::device_token(&headers, &state.web);
    match state.portal.login(&email, password, previous, device.as_ref(), &ctx).await {
        Ok(success) => {
            let body = match success.next {
                LoginNext::Authenticated => json!({ "state": "authenticated" }),
                LoginNext::MfaRequired { methods, phone_hint, preferred } => {
                    let mut body = json!({ "state": "mfa_required", "methods": methods });
                    if let Some(hint) = phone_hint {
                        body["phone_hint"] = json!(hint);
                    }
                    if let Some(p) = preferred {
                        body["preferred"] = json!(p);
                    }
                    body
                }
                LoginNext::MfaSetupRequired { deadline, days_left, can_postpone } => json!({
                    "state": "mfa_setup_required",
                    "setup_deadline": deadline.map(|d| d.to_string()),
                    "days_left": days_left,
                    "methods_available": [Method::Totp, Method::Sms],
                    "can_postpone": can_postpone,
                }),
            };
            Ok(([(header::SET_COOKIE, cookies::set_session(&success.token, &state.web))], Json(body)).into_response())
        }
        Err(LoginError::MfaSetupExpired { deadline }) => {
            let mut response = ApiError::setup_expired(&state, deadline).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookies::clear_session(&state.web));
            Ok(response)
        }
        Err(LoginError::InvalidCredentials) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the email or password is not right"))
        }
        Err(LoginError::Throttled { retry_after }) => Err(ApiError::throttled(retry_after)),
        Err(LoginError::Internal(e)) => Err(e.into()),
    }
}

async fn me(State(state): State<AppState>, ApiUser(signed_in): ApiUser) -> Result<Json<serde_json::Value>, ApiError> {
    let user = &signed_in.user;
    let (status, recovery_codes_left) = state.portal.account_methods(user, &signed_in.second_factor);
    Ok(Json(json!({
        "id": user.id,
        "email": user.email,
        "name": user.name,
        "role": user.role,
        "mfa": {
            "methods": status.methods(),
            "phone_hint": status.phone_hint(),
            "passkeys": state.portal.passkeys(user).await?.iter().map(super::passkeys::passkey_json).collect::<Vec<_>>(),
            "recovery_codes_left": recovery_codes_left,
        },
    })))
}

async fn logout(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: axum::http::HeaderMap,
) -> Result<Response, ApiError> {
    // The cookie's token, live or not: a cookie from just before a second-factor check rotated
    // the session still ends the session it became.
    if let Some(token) = cookies::session_token(&headers, &state.web) {
        state.portal.logout(&token, &ctx).await?;
    }
    Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookies::clear_session(&state.web))]).into_response())
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ResetBody {
    token: String,
    password: String,
}

/// The JSON twin of the reset / set-password page: the token from the emailed link and the
/// new password. Ends every session of the account (this client's cookie too); signs no one in.
async fn reset_password(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<Response, ApiError> {
    match state.portal.reset_password(&body.token, body.password, &ctx).await {
        Ok(_) => {
            Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookies::clear_session(&state.web))]).into_response())
        }
        Err(ResetError::Password(e)) => Err(ApiError::field("password", e.to_string())),
        Err(ResetError::InvalidLink) => Err(ApiError {
            field: Some("token".into()),
            ..ApiError::new(
                StatusCode::BAD_REQUEST,
                "invalid_link",
                "this reset link is invalid, used or expired; ask for a new one",
            )
        }),
        Err(ResetError::Internal(e)) => Err(e.into()),
    }
}
