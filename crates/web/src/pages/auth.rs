//! Sign-in, sign-out, forgot/reset password and the signed-in home page.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portal_core::auth::{LoginError, LoginNext, ResetError};
use portal_core::email::Email;
use portal_core::language::{Language, Localized};
use portal_core::mfa::{Method, MfaRequirement};
use portal_core::password::Password;
use portal_core::session::AuthLevel;
use serde::Deserialize;

use crate::cookies;
use crate::csrf;
use crate::error::PageError;
use crate::extract::{Client, MaybeSession, PageForm, PageUser};
use crate::render::{self, Layout, render};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/", &["GET"], get(home)),
        ("/login", &["GET", "POST"], get(login_page).post(login_submit)),
        ("/logout", &["POST"], post(logout)),
        ("/forgot-password", &["GET", "POST"], get(forgot_page).post(forgot_submit)),
        ("/reset-password", &["GET", "POST"], get(reset_page).post(reset_submit)),
    ]
}

pub(crate) struct MethodRow {
    pub value: &'static str,
    pub label: String,
    pub detail: String,
}

#[derive(Template)]
#[template(path = "home.html")]
pub(crate) struct HomePage {
    pub layout: Layout,
    pub csrf: String,
    pub name: String,
    /// "You are signed in as <strong>ann@example.com</strong> (Policyholder).", its address
    /// escaped.
    pub signed_in_as_html: String,
    pub methods: Vec<MethodRow>,
    pub has_sms: bool,
    pub has_totp: bool,
    /// The last method cannot be removed while MFA is in force.
    pub can_remove: bool,
    /// Unused recovery codes: with a method and none left, the page offers a set.
    pub recovery_left: usize,
    pub notice: Option<String>,
    pub error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct HomeQuery {
    done: String,
}

async fn home(State(state): State<AppState>, PageUser(signed_in): PageUser, Query(q): Query<HomeQuery>) -> Response {
    let notice = match q.done.as_str() {
        "removed" => Some(crate::language::current().text("home-method-removed")),
        _ => None,
    };
    home_page(&state, &signed_in, StatusCode::OK, notice, None).await
}

pub(crate) async fn home_page(
    state: &AppState,
    signed_in: &crate::extract::SignedIn,
    status: StatusCode,
    notice: Option<String>,
    error: Option<String>,
) -> Response {
    let user = &signed_in.user;
    let lang = crate::language::current();
    let (mfa, recovery_left) = state.portal.account_methods(user, &signed_in.second_factor);
    let passkeys = mfa.confirmed.iter().filter(|f| f.method == Method::Passkey).count();
    let mut methods: Vec<MethodRow> = mfa
        .confirmed
        .iter()
        .filter_map(|f| match f.method {
            Method::Sms => Some(MethodRow {
                value: "sms",
                label: Method::Sms.label_in(lang),
                detail: f
                    .phone
                    .as_ref()
                    .map(|p| lang.text_with("home-sms-to", &[("phone", p.masked().into())]))
                    .unwrap_or_default(),
            }),
            Method::Totp => {
                Some(MethodRow { value: "totp", label: Method::Totp.label_in(lang), detail: String::new() })
            }
            // Listed once below, however many; each is managed on the security page.
            Method::Passkey => None,
        })
        .collect();
    if passkeys > 0 {
        let detail = lang.text_with("home-passkeys", &[("count", passkeys.into())]);
        methods.push(MethodRow { value: "passkey", label: Method::Passkey.label_in(lang), detail });
    }
    let in_force = !matches!(
        state.portal.settings().mfa.requirement(user.role, user.created_at, user.mfa_deadline, &[], state.portal.now()),
        MfaRequirement::NotRequired
    );
    render(
        status,
        &HomePage {
            layout: Layout::new(state, Some(signed_in)),
            csrf: signed_in.session.csrf_token.clone(),
            name: user.name.as_str().to_owned(),
            signed_in_as_html: lang.text_with(
                "home-signed-in-as-html",
                &[
                    ("email", crate::render::escape_html(user.email.as_str()).into()),
                    ("role", crate::render::escape_html(&user.role.label_in(lang)).into()),
                ],
            ),
            has_sms: methods.iter().any(|m| m.value == "sms"),
            has_totp: methods.iter().any(|m| m.value == "totp"),
            can_remove: methods.len() > 1 || !in_force,
            recovery_left,
            methods,
            notice,
            error,
        },
    )
}

#[derive(Template, Default)]
#[template(path = "login.html")]
struct LoginPage {
    layout: Layout,
    csrf: String,
    email: String,
    notice: Option<String>,
    error: Option<String>,
    email_error: Option<String>,
    password_error: Option<String>,
    /// "Sign in with a passkey" is offered (the portal's public URL has a host name).
    passkeys: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct LoginNotice {
    done: String,
}

/// Sends a response that also sets the anonymous CSRF cookie when one was minted.
fn with_cookie(mut response: Response, cookie: Option<HeaderValue>) -> Response {
    if let Some(c) = cookie {
        response.headers_mut().append(header::SET_COOKIE, c);
    }
    response
}

fn login_form(state: &AppState, headers: &HeaderMap, status: StatusCode, page: LoginPage) -> Response {
    let (token, cookie) = csrf::anonymous_token(headers, state);
    let page =
        LoginPage { layout: Layout::new(state, None), csrf: token, passkeys: state.portal.passkeys_offered(), ..page };
    with_cookie(render(status, &page), cookie)
}

async fn login_page(
    State(state): State<AppState>,
    headers: HeaderMap,
    MaybeSession(current): MaybeSession,
    Query(notice): Query<LoginNotice>,
) -> Response {
    if current.is_some_and(|s| s.session.auth_level == AuthLevel::Full) {
        return Redirect::to("/").into_response();
    }
    let lang = crate::language::current();
    let notice = match notice.done.as_str() {
        "signed-out" => Some(lang.text("login-signed-out")),
        "password-changed" => Some(lang.text("login-password-changed")),
        "expired" => Some(lang.text("login-session-ended")),
        _ => None,
    };
    login_form(&state, &headers, StatusCode::OK, LoginPage { notice, ..LoginPage::default() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub(crate) struct LoginForm {
    csrf: String,
    email: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Client(ctx): Client,
    MaybeSession(current): MaybeSession,
    PageForm(form): PageForm<LoginForm>,
) -> Response {
    let lang = crate::language::current();
    let retry =
        |status, page: LoginPage| login_form(&state, &headers, status, LoginPage { email: form.email.clone(), ..page });
    if !csrf::anonymous_token_valid(&headers, &state, &form.csrf) {
        return retry(
            StatusCode::FORBIDDEN,
            LoginPage { error: Some(lang.text("login-page-expired")), ..LoginPage::default() },
        );
    }
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            return retry(
                StatusCode::UNPROCESSABLE_ENTITY,
                LoginPage { email_error: Some(e.message_in(lang)), ..LoginPage::default() },
            );
        }
    };
    if form.password.is_empty() {
        return retry(
            StatusCode::UNPROCESSABLE_ENTITY,
            LoginPage { password_error: Some(lang.text("login-enter-password")), ..LoginPage::default() },
        );
    }
    let password = match Password::for_login(form.password) {
        Ok(p) => p,
        Err(e) => {
            return retry(
                StatusCode::UNPROCESSABLE_ENTITY,
                LoginPage { password_error: Some(e.message_in(lang)), ..LoginPage::default() },
            );
        }
    };
    let device = cookies::device_token(&headers, &state.web);
    match state.portal.login(&email, password, current.as_ref().map(|s| &s.token), device.as_ref(), &ctx).await {
        Ok(success) => {
            let next = match success.next {
                LoginNext::Authenticated => "/",
                LoginNext::MfaRequired { .. } => "/mfa/verify",
                LoginNext::MfaSetupRequired { .. } => "/mfa/setup",
            };
            let mut response = Redirect::to(next).into_response();
            response.headers_mut().append(header::SET_COOKIE, cookies::set_session(&success.token, &state.web));
            // The pages that follow speak the language the user keeps with their account.
            let language = success.user.language.unwrap_or_default();
            response.headers_mut().append(header::SET_COOKIE, cookies::set_language(language, &state.web));
            response
        }
        Err(LoginError::MfaSetupExpired { deadline }) => render::expired_page(&state, deadline),
        Err(e @ LoginError::InvalidCredentials) => {
            retry(StatusCode::UNAUTHORIZED, LoginPage { error: Some(e.message_in(lang)), ..LoginPage::default() })
        }
        Err(e @ LoginError::Throttled { retry_after }) => {
            let secs = portal_core::throttle::retry_after_secs(retry_after);
            let mut response = retry(
                StatusCode::TOO_MANY_REQUESTS,
                LoginPage { error: Some(e.message_in(lang)), ..LoginPage::default() },
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
            response
        }
        Err(LoginError::Internal(e)) => PageError::from(e).into_response(),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CsrfOnly {
    csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    Client(ctx): Client,
    headers: HeaderMap,
    MaybeSession(current): MaybeSession,
    PageForm(form): PageForm<CsrfOnly>,
) -> Result<Response, PageError> {
    let Some(signed_in) = current else {
        // No live session behind the cookie, but perhaps one it was rotated into a moment ago
        // (a second-factor check in another tab): end that too. The cookie is SameSite=Lax,
        // so another site cannot send it with a POST.
        if let Some(token) = cookies::session_token(&headers, &state.web) {
            state.portal.logout(&token, &ctx).await?;
        }
        let mut response = Redirect::to("/login").into_response();
        response.headers_mut().append(header::SET_COOKIE, cookies::clear_session(&state.web));
        return Ok(response);
    };
    csrf::check(&signed_in, &form.csrf)?;
    state.portal.logout(&signed_in.token, &ctx).await?;
    let mut response = Redirect::to("/login?done=signed-out").into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::clear_session(&state.web));
    Ok(response)
}

#[derive(Template, Default)]
#[template(path = "forgot.html")]
struct ForgotPage {
    layout: Layout,
    csrf: String,
    email: String,
    sent: bool,
    error: Option<String>,
    email_error: Option<String>,
}

fn forgot_form(state: &AppState, headers: &HeaderMap, status: StatusCode, page: ForgotPage) -> Response {
    let (token, cookie) = csrf::anonymous_token(headers, state);
    with_cookie(render(status, &ForgotPage { layout: Layout::new(state, None), csrf: token, ..page }), cookie)
}

async fn forgot_page(State(state): State<AppState>, headers: HeaderMap) -> Response {
    forgot_form(&state, &headers, StatusCode::OK, ForgotPage::default())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ForgotForm {
    csrf: String,
    email: String,
}

async fn forgot_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Client(ctx): Client,
    PageForm(form): PageForm<ForgotForm>,
) -> Response {
    let lang = crate::language::current();
    if !csrf::anonymous_token_valid(&headers, &state, &form.csrf) {
        let page = ForgotPage {
            email: form.email,
            error: Some(lang.text("auth-page-expired-retry")),
            ..ForgotPage::default()
        };
        return forgot_form(&state, &headers, StatusCode::FORBIDDEN, page);
    }
    let email = match Email::parse(&form.email) {
        Ok(e) => e,
        Err(e) => {
            let page = ForgotPage { email: form.email, email_error: Some(e.message_in(lang)), ..ForgotPage::default() };
            return forgot_form(&state, &headers, StatusCode::UNPROCESSABLE_ENTITY, page);
        }
    };
    // Over the limit for this address or this client: say so (it reveals nothing about the
    // account) and send nothing.
    match state.portal.reserve_password_reset(&email, &ctx).await {
        Ok(Ok(())) => {}
        Ok(Err(retry_after)) => {
            let page = ForgotPage {
                email: form.email,
                error: Some(too_many_resets(lang, retry_after)),
                ..ForgotPage::default()
            };
            let mut response = forgot_form(&state, &headers, StatusCode::TOO_MANY_REQUESTS, page);
            let secs = portal_core::throttle::retry_after_secs(retry_after);
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from(secs));
            return response;
        }
        Err(e) => return crate::error::PageError::from(e).into_response(),
    }
    // The answer and its timing are the same whether or not the account exists: the work
    // (lookup, token, email) happens after the response is on its way.
    let portal = state.portal.clone();
    tokio::spawn(async move {
        if let Err(e) = portal.send_password_reset(&email, &ctx).await {
            tracing::error!(error = %e, "password reset request failed");
        }
    });
    forgot_form(&state, &headers, StatusCode::OK, ForgotPage { sent: true, ..ForgotPage::default() })
}

/// "Too many reset requests; try again in 58 minutes.": the wait rounded up as
/// `throttle::wait_in_words` rounds it ("a minute", minutes below two hours, then hours).
fn too_many_resets(lang: Language, retry_after: time::Duration) -> String {
    let secs = portal_core::throttle::retry_after_secs(retry_after);
    if secs < 7_200 {
        lang.text_with("forgot-too-many-minutes", &[("minutes", secs.div_ceil(60).into())])
    } else {
        lang.text_with("forgot-too-many-hours", &[("hours", secs.div_ceil(3_600).into())])
    }
}

#[derive(Template, Default)]
#[template(path = "reset.html")]
struct ResetPage {
    layout: Layout,
    csrf: String,
    token: String,
    error: Option<String>,
    password_error: Option<String>,
    confirm_error: Option<String>,
}

fn reset_form(state: &AppState, headers: &HeaderMap, status: StatusCode, page: ResetPage) -> Response {
    let (csrf_token, cookie) = csrf::anonymous_token(headers, state);
    with_cookie(render(status, &ResetPage { layout: Layout::new(state, None), csrf: csrf_token, ..page }), cookie)
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetQuery {
    token: String,
}

async fn reset_page(State(state): State<AppState>, headers: HeaderMap, Query(query): Query<ResetQuery>) -> Response {
    reset_form(&state, &headers, StatusCode::OK, ResetPage { token: query.token, ..ResetPage::default() })
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct ResetForm {
    csrf: String,
    token: String,
    password: String,
    confirm: String,
}

async fn reset_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    Client(ctx): Client,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    let lang = crate::language::current();
    let again =
        |status, page: ResetPage| reset_form(&state, &headers, status, ResetPage { token: form.token.clone(), ..page });
    if !csrf::anonymous_token_valid(&headers, &state, &form.csrf) {
        return again(
            StatusCode::FORBIDDEN,
            ResetPage { error: Some(lang.text("auth-page-expired-retry")), ..ResetPage::default() },
        );
    }
    if form.password != form.confirm {
        return again(
            StatusCode::UNPROCESSABLE_ENTITY,
            ResetPage { confirm_error: Some(lang.text("reset-mismatch")), ..ResetPage::default() },
        );
    }
    match state.portal.reset_password(&form.token, form.password.clone(), &ctx).await {
        Ok(_) => {
            let mut response = Redirect::to("/login?done=password-changed").into_response();
            // The reset ended every session of the account, including any in this browser.
            response.headers_mut().append(header::SET_COOKIE, cookies::clear_session(&state.web));
            response
        }
        Err(ResetError::Password(e)) => again(
            StatusCode::UNPROCESSABLE_ENTITY,
            ResetPage { password_error: Some(e.message_in(lang)), ..ResetPage::default() },
        ),
        Err(e @ ResetError::InvalidLink) => {
            PageError::new(StatusCode::BAD_REQUEST, lang.text("reset-link-unusable"), e.message_in(lang))
                .into_response()
        }
        Err(ResetError::Internal(e)) => PageError::from(e).into_response(),
    }
}
