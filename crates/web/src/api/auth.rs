//! `POST /login`, `GET /me`, `POST /logout`, `POST /password/reset`.

use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use portal_core::auth::{LoginError, LoginNext, ResetError};
use portal_core::email::Email;
use portal_core::language::Language;
use portal_core::language::Localized;
use portal_core::mfa::Method;
use portal_core::password::Password;
use portal_core::user::{DisplayName, Role, UserId};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::cookies;
use crate::error::{ApiError, ApiErrorBody};
use crate::extract::{ApiJson, ApiUser, Client, MaybeSession};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/login", &["POST"], post(login)),
        ("/me", &["GET", "PATCH"], get(me).patch(update_me)),
        ("/logout", &["POST"], post(logout)),
        ("/password/reset", &["POST"], post(reset_password)),
    ]
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct LoginBody {
    email: String,
    password: String,
}

/// Where a password sign-in leaves the session.
#[derive(Serialize, ToSchema)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum LoginAnswer {
    /// Fully signed in.
    Authenticated,
    /// Half signed in: verify with one of `methods` (`POST /mfa/verify`, or a passkey).
    MfaRequired {
        methods: Vec<Method>,
        #[serde(skip_serializing_if = "Option::is_none")]
        phone_hint: Option<String>,
        #[serde(skip_serializing_if = "Option::is_none")]
        preferred: Option<Method>,
    },
    /// Half signed in: set a method up now (or postpone, while `can_postpone`).
    MfaSetupRequired {
        /// `YYYY-MM-DD`; null for staff, who have no grace period.
        setup_deadline: Option<String>,
        days_left: Option<i64>,
        methods_available: Vec<Method>,
        can_postpone: bool,
    },
}

/// Signs in with email and password; the session cookie is set on every 200.
#[utoipa::path(
    post,
    path = "/api/v1/login",
    tag = "auth",
    request_body = LoginBody,
    responses(
        (status = 200, description = "Signed in, fully or half (see `state`)", body = LoginAnswer,
            headers(("Set-Cookie" = String, description = "The session cookie"))),
        (status = 400, description = "The body is not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Wrong email or password (`invalid_credentials`)", body = ApiErrorBody),
        (status = 403, description = "The setup deadline has passed (`mfa_setup_expired`), or a cross-site request", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 429, description = "Too many attempts", body = ApiErrorBody, headers(("Retry-After" = u64))),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn login(
    State(state): State<AppState>,
    Client(ctx): Client,
    MaybeSession(current): MaybeSession,
    headers: axum::http::HeaderMap,
    ApiJson(body): ApiJson<LoginBody>,
) -> Result<Response, ApiError> {
    let email =
        Email::parse(&body.email).map_err(|e| ApiError::field("email", e.message_in(crate::language::current())))?;
    let password = Password::for_login(body.password)
        .map_err(|e| ApiError::field("password", e.message_in(crate::language::current())))?;
    let previous = current.as_ref().map(|s| &s.token);
    let device = cookies::device_token(&headers, &state.web);
    match state.portal.login(&email, password, previous, device.as_ref(), &ctx).await {
        Ok(success) => {
            let body = match success.next {
                LoginNext::Authenticated => LoginAnswer::Authenticated,
                LoginNext::MfaRequired { methods, phone_hint, preferred } => {
                    LoginAnswer::MfaRequired { methods, phone_hint, preferred }
                }
                LoginNext::MfaSetupRequired { deadline, days_left, can_postpone } => LoginAnswer::MfaSetupRequired {
                    setup_deadline: deadline.map(|d| d.to_string()),
                    days_left,
                    methods_available: vec![Method::Totp, Method::Sms],
                    can_postpone,
                },
            };
            let mut response = Json(body).into_response();
            let headers = response.headers_mut();
            headers.append(header::SET_COOKIE, cookies::set_session(&success.token, &state.web));
            // The pages that follow speak the language the user keeps with their account.
            headers.append(
                header::SET_COOKIE,
                cookies::set_language(success.user.language.unwrap_or_default(), &state.web),
            );
            Ok(response)
        }
        Err(LoginError::MfaSetupExpired { deadline }) => {
            let mut response = ApiError::setup_expired(&state, deadline).into_response();
            response.headers_mut().insert(header::SET_COOKIE, cookies::clear_session(&state.web));
            Ok(response)
        }
        Err(LoginError::InvalidCredentials) => {
            Err(ApiError::said(StatusCode::UNAUTHORIZED, "invalid_credentials", "api-invalid-credentials"))
        }
        Err(LoginError::Throttled { retry_after }) => Err(ApiError::throttled(retry_after)),
        Err(LoginError::Internal(e)) => Err(e.into()),
    }
}

/// The signed-in user.
#[derive(Serialize, ToSchema)]
pub(crate) struct Me {
    id: UserId,
    email: Email,
    name: DisplayName,
    role: Role,
    mfa: MyMfa,
    /// The language the portal speaks to the user in (pages after sign-in, emails, texts).
    language: Language,
}

#[derive(Serialize, ToSchema)]
pub(crate) struct MyMfa {
    methods: Vec<Method>,
    /// The masked phone number of the text-message method, if there is one.
    phone_hint: Option<String>,
    passkeys: Vec<super::passkeys::PasskeyJson>,
    recovery_codes_left: usize,
}

/// The signed-in user, with their verification methods.
#[utoipa::path(
    get,
    path = "/api/v1/me",
    tag = "auth",
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The signed-in user", body = Me),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn me(State(state): State<AppState>, ApiUser(signed_in): ApiUser) -> Result<Json<Me>, ApiError> {
    me_answer(&state, &signed_in).await.map(Json)
}

async fn me_answer(state: &AppState, signed_in: &crate::session::SignedIn) -> Result<Me, ApiError> {
    let user = &signed_in.user;
    let (status, recovery_codes_left) = state.portal.account_methods(user, &signed_in.second_factor);
    let passkeys = state.portal.passkeys(user).await?.iter().map(super::passkeys::PasskeyJson::from).collect();
    Ok(Me {
        id: user.id.clone(),
        email: user.email.clone(),
        name: user.name.clone(),
        role: user.role,
        mfa: MyMfa { methods: status.methods(), phone_hint: status.phone_hint(), passkeys, recovery_codes_left },
        language: user.language.unwrap_or_default(),
    })
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MeChanges {
    /// `en` or `es`.
    #[schema(value_type = String, example = "es")]
    language: String,
}

/// Changes the signed-in user's own settings: their language.
#[utoipa::path(
    patch,
    path = "/api/v1/me",
    tag = "auth",
    request_body = MeChanges,
    security(("cookie" = [])),
    responses(
        (status = 200, description = "The user, changed; the `lang` cookie is set to match", body = Me,
            headers(("Set-Cookie" = String, description = "The `lang` cookie"))),
        (status = 400, description = "Not JSON (`malformed_json`)", body = ApiErrorBody),
        (status = 401, description = "Not fully signed in (`not_signed_in`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request (`cross_site_request`)", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing, unknown or invalid", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn update_me(
    State(state): State<AppState>,
    ApiUser(mut signed_in): ApiUser,
    ApiJson(changes): ApiJson<MeChanges>,
) -> Result<Response, ApiError> {
    let language = Language::from_code(&changes.language)
        .filter(|l| l.code() == changes.language)
        .ok_or_else(|| ApiError::field_said("language", "api-language-invalid", &[]))?;
    state.portal.choose_language(&signed_in.user.id, language).await?;
    signed_in.user.language = Some(language);
    let me = me_answer(&state, &signed_in).await?;
    Ok(([(header::SET_COOKIE, cookies::set_language(language, &state.web))], Json(me)).into_response())
}

/// Ends the session the cookie names (live or not) and clears the cookie.
#[utoipa::path(
    post,
    path = "/api/v1/logout",
    tag = "auth",
    responses(
        (status = 204, description = "Signed out; the cookie is cleared",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        (status = 403, description = "A cross-site request (`cross_site_request`)", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
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

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ResetBody {
    /// The token from the emailed link.
    token: String,
    password: String,
}

/// The JSON twin of the reset / set-password page: the token from the emailed link and the
/// new password. Ends every session of the account (this client's cookie too); signs no one in.
#[utoipa::path(
    post,
    path = "/api/v1/password/reset",
    tag = "auth",
    request_body = ResetBody,
    responses(
        (status = 204, description = "The password is set and every session of the account ended",
            headers(("Set-Cookie" = String, description = "Clears the session cookie"))),
        (status = 400, description = "Not JSON (`malformed_json`), or the link is invalid, used or expired (`invalid_link`)", body = ApiErrorBody),
        (status = 403, description = "A cross-site request", body = ApiErrorBody),
        (status = 413, description = "The body is over 1 MiB", body = ApiErrorBody),
        (status = 415, description = "The body is not `application/json`", body = ApiErrorBody),
        (status = 422, description = "A field is missing or unknown, or the password breaks the rules", body = ApiErrorBody),
        (status = 503, description = "The portal is busy", body = ApiErrorBody, headers(("Retry-After" = u64))),
    ),
)]
async fn reset_password(
    State(state): State<AppState>,
    Client(ctx): Client,
    ApiJson(body): ApiJson<ResetBody>,
) -> Result<Response, ApiError> {
    match state.portal.reset_password(&body.token, body.password, &ctx).await {
        Ok(_) => {
            Ok((StatusCode::NO_CONTENT, [(header::SET_COOKIE, cookies::clear_session(&state.web))]).into_response())
        }
        Err(ResetError::Password(e)) => Err(ApiError::field("password", e.message_in(crate::language::current()))),
        Err(ResetError::InvalidLink) => Err(ApiError {
            field: Some("token".into()),
            ..ApiError::said(StatusCode::BAD_REQUEST, "invalid_link", "api-invalid-link")
        }),
        Err(ResetError::Internal(e)) => Err(e.into()),
    }
}
