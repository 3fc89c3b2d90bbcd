//! The MFA pages the guide walks through: add a verification method (text message or
//! authenticator app), verify as a returning user, the past-deadline page, and help. Plain
//! forms, POST → redirect → GET; no window is ever opened.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portal_core::language::Localized;
use portal_core::mfa::factor::ChallengePurpose;
use portal_core::mfa::recovery::RecoveryCode;
use portal_core::mfa::service::{MfaCompleted, MfaError, MfaStatus, SmsSent};
use portal_core::mfa::{Method, MfaRequirement, OtpCode};
use portal_core::session::AuthLevel;
use portal_core::sms::DeliveryChannel;
use portal_core::sms::{self, PhoneError};
use serde::Deserialize;

use crate::cookies;
use crate::csrf::{CsrfForm, NoFields};
use crate::error::{MfaFailure, PageError, mfa_failure};
use crate::extract::{Client, PageMfaSession, PageUser, SignedIn};
use crate::language::current;
use crate::qr;
use crate::render::{Layout, render};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/mfa", &["GET"], get(next_step)),
        ("/mfa/setup", &["GET"], get(choose_page)),
        ("/mfa/setup/postpone", &["POST"], post(postpone)),
        ("/mfa/setup/sms", &["GET", "POST"], get(sms_page).post(sms_send)),
        ("/mfa/setup/sms/verify", &["GET", "POST"], get(sms_verify_page).post(sms_verify)),
        ("/mfa/setup/sms/resend", &["POST"], post(sms_resend)),
        ("/mfa/setup/app", &["GET", "POST"], get(app_page).post(app_confirm)),
        ("/mfa/setup/app/start", &["POST"], post(app_start)),
        ("/mfa/setup/app/restart", &["POST"], post(app_restart)),
        ("/mfa/setup/passkey", &["GET"], get(passkey_page)),
        ("/mfa/verify", &["GET", "POST"], get(verify_page).post(verify)),
        ("/mfa/verify/send", &["POST"], post(verify_send)),
        ("/account/methods/remove", &["POST"], post(remove_method)),
        ("/help", &["GET"], get(help)),
    ]
}

/// A failure with no form to show it on: its own page.
fn failure_page(state: &AppState, e: MfaError) -> Response {
    match mfa_failure(state, e) {
        MfaFailure::Respond(r) => r,
        MfaFailure::Show { status, message, .. } => {
            PageError::new(status, current().text("mfa-page-not-possible"), message).into_response()
        }
    }
}

fn with_retry_after(mut response: Response, retry_after: Option<u64>) -> Response {
    if let Some(secs) = retry_after {
        response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
    }
    response
}

/// Signed in fully: the new session goes into the cookie, then on to `next`.
fn signed_in(state: &AppState, done: &MfaCompleted, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    response.headers_mut().append(header::SET_COOKIE, cookies::set_session(&done.token, &state.web));
    response
}

/// The session's MFA status for a page: read only, as every GET must be (a passed deadline shows
/// the past-deadline page, which clears the cookie).
async fn status_or_response(state: &AppState, s: &SignedIn) -> Result<MfaStatus, Response> {
    state.portal.mfa_session_view(&s.session, &s.user).await.map_err(|e| match mfa_failure(state, e) {
        MfaFailure::Respond(r) => r,
        MfaFailure::Show { status, message, .. } => {
            PageError::new(status, current().text("mfa-page-went-wrong"), message).into_response()
        }
    })
}

async fn next_step(State(state): State<AppState>, PageMfaSession(s): PageMfaSession) -> Response {
    let status = match status_or_response(&state, &s).await {
        Ok(status) => status,
        Err(r) => return r,
    };
    let to = match (s.session.auth_level, &status.requirement) {
        (AuthLevel::Full, _) => "/",
        (_, MfaRequirement::Setup { .. }) => "/mfa/setup",
        (_, MfaRequirement::Verify { .. }) => "/mfa/verify",
        // The rules changed since the password step (say MFA was switched off again).
        _ => "/login",
    };
    Redirect::to(to).into_response()
}

#[derive(Template)]
#[template(path = "mfa_setup_choose.html")]
struct ChoosePage {
    layout: Layout,
    csrf: String,
    adding: bool,
    /// "Please set this up by <strong>April 16, 2026</strong> — 45 days left. …" (HTML).
    deadline_notice: Option<String>,
    can_postpone: bool,
    /// Passkeys are offered (the portal's public URL has a host name).
    passkeys: bool,
}

async fn choose_page(State(state): State<AppState>, PageMfaSession(s): PageMfaSession) -> Response {
    let status = match status_or_response(&state, &s).await {
        Ok(status) => status,
        Err(r) => return r,
    };
    let (deadline, days_left, can_postpone) = match status.requirement {
        MfaRequirement::Setup { deadline, days_left, can_postpone } => (deadline, days_left, can_postpone),
        MfaRequirement::Verify { .. } if s.session.auth_level == AuthLevel::PasswordVerified => {
            return Redirect::to("/mfa/verify").into_response();
        }
        _ => (None, None, false),
    };
    let lang = current();
    // Every text argument of a sentence with markup is escaped, ours included.
    let deadline_notice = deadline.map(|d| {
        lang.text_with(
            "mfa-choose-deadline-html",
            &[
                ("deadline", crate::render::escape_html(&lang.long_date(d)).into()),
                ("days", days_left.unwrap_or_default().into()),
            ],
        )
    });
    render(
        StatusCode::OK,
        &ChoosePage {
            layout: Layout::new(&state, Some(&s)),
            csrf: s.session.csrf_token.clone(),
            adding: s.session.auth_level == AuthLevel::Full,
            deadline_notice,
            can_postpone,
            passkeys: state.portal.passkeys_offered(),
        },
    )
}

#[derive(Template)]
#[template(path = "mfa_setup_passkey.html")]
struct PasskeySetupPage {
    layout: Layout,
    adding: bool,
}

/// Adding a passkey: a name, then the browser's own dialog (the page's script drives the JSON
/// API; without JavaScript the page says so and links back to the other methods).
async fn passkey_page(State(state): State<AppState>, PageMfaSession(s): PageMfaSession) -> Response {
    if let Err(r) = status_or_response(&state, &s).await {
        return r;
    }
    if !state.portal.passkeys_offered() {
        return Redirect::to("/mfa/setup").into_response();
    }
    render(
        StatusCode::OK,
        &PasskeySetupPage { layout: Layout::new(&state, Some(&s)), adding: s.session.auth_level == AuthLevel::Full },
    )
}

async fn postpone(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    _: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    match state.portal.mfa_postpone(&s.session, &s.user, &ctx).await {
        Ok(done) => Ok(signed_in(&state, &done, "/")),
        Err(e) => Ok(failure_page(&state, e)),
    }
}

struct CountryOption {
    code: &'static str,
    label: String,
}

#[derive(Template, Default)]
#[template(path = "mfa_setup_sms.html")]
struct SmsPage {
    layout: Layout,
    csrf: String,
    countries: Vec<CountryOption>,
    country: String,
    phone: String,
    error: Option<String>,
    country_error: Option<String>,
    phone_error: Option<String>,
}

fn sms_form(state: &AppState, s: &SignedIn, status: StatusCode, page: SmsPage) -> Response {
    let countries = sms::picker_countries_in(&state.portal.settings().sms_allowed_countries, current())
        .into_iter()
        .map(|(c, name)| CountryOption {
            code: c.code,
            label: match sms::calling_code(c) {
                Some(cc) => format!("{name} (+{cc})"),
                None => name,
            },
        })
        .collect();
    let country = if page.country.is_empty() { "US".to_owned() } else { page.country.clone() };
    render(
        status,
        &SmsPage {
            layout: Layout::new(state, Some(s)),
            csrf: s.session.csrf_token.clone(),
            countries,
            country,
            ..page
        },
    )
}

async fn sms_page(State(state): State<AppState>, PageMfaSession(s): PageMfaSession) -> Response {
    if let Err(r) = status_or_response(&state, &s).await {
        return r;
    }
    sms_form(&state, &s, StatusCode::OK, SmsPage::default())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PhoneForm {
    country: String,
    phone: String,
    /// The button pressed: "voice" for "Call me instead", else a text.
    channel: String,
}

/// "Call me instead" (`channel=voice`) or the usual text.
fn channel_chosen(channel: &str) -> DeliveryChannel {
    if channel == "voice" { DeliveryChannel::Voice } else { DeliveryChannel::Sms }
}

async fn sms_send(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    CsrfForm(form): CsrfForm<PhoneForm>,
) -> Result<Response, PageError> {
    match state
        .portal
        .sms_setup_send(&s.session, &s.user, &form.country, &form.phone, channel_chosen(&form.channel), &ctx)
        .await
    {
        Ok(sent) => Ok(Redirect::to(&format!("/mfa/setup/sms/verify{}", called(&sent, "?"))).into_response()),
        Err(MfaError::Phone(p)) => {
            let message = Some(p.message_in(current()));
            let (country_error, phone_error) = match p {
                PhoneError::UnknownCountry | PhoneError::CountryNotAllowed => (message, None),
                PhoneError::Empty | PhoneError::Invalid => (None, message),
            };
            let page =
                SmsPage { country: form.country, phone: form.phone, country_error, phone_error, ..SmsPage::default() };
            Ok(sms_form(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, page))
        }
        Err(e) => Ok(match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, retry_after } => {
                let page =
                    SmsPage { country: form.country, phone: form.phone, error: Some(message), ..SmsPage::default() };
                with_retry_after(sms_form(&state, &s, status, page), retry_after)
            }
        }),
    }
}

#[derive(Template, Default)]
#[template(path = "mfa_setup_sms_verify.html")]
struct SmsVerifyPage {
    layout: Layout,
    csrf: String,
    phone_hint: String,
    resend_wait: i64,
    code_hint: String,
    notice: Option<String>,
    error: Option<String>,
    code_error: Option<String>,
}

async fn sms_verify_form(state: &AppState, s: &SignedIn, status: StatusCode, page: SmsVerifyPage) -> Response {
    let hint = match state.portal.sms_setup_phone_hint(&s.session).await {
        Ok(Some(hint)) => hint,
        Ok(None) => return Redirect::to("/mfa/setup/sms").into_response(),
        Err(e) => return PageError::from(e).into_response(),
    };
    let resend_wait =
        state.portal.sms_resend_wait(&s.session, ChallengePurpose::Setup).await.ok().flatten().unwrap_or(0);
    render(
        status,
        &SmsVerifyPage {
            layout: Layout::new(state, Some(s)),
            csrf: s.session.csrf_token.clone(),
            phone_hint: hint,
            resend_wait,
            code_hint: current().text("mfa-code-hint-sms-setup"),
            ..page
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct NoticeQuery {
    sent: String,
    called: String,
}

/// The query that tells the next page a call was made, and why (`called=landline` when a text
/// was asked for a desk phone); empty for a text.
fn called(sent: &SmsSent, separator: &str) -> String {
    match (sent.channel, sent.landline) {
        (DeliveryChannel::Sms, _) => String::new(),
        (DeliveryChannel::Voice, true) => format!("{separator}called=landline"),
        (DeliveryChannel::Voice, false) => format!("{separator}called=1"),
    }
}

/// What the page says after a call.
fn call_notice(called: &str) -> Option<String> {
    match called {
        "landline" => Some(current().text("mfa-notice-called-landline")),
        "1" => Some(current().text("mfa-notice-called")),
        _ => None,
    }
}

async fn sms_verify_page(
    State(state): State<AppState>,
    PageMfaSession(s): PageMfaSession,
    Query(q): Query<NoticeQuery>,
) -> Response {
    if let Err(r) = status_or_response(&state, &s).await {
        return r;
    }
    let notice =
        call_notice(&q.called).or_else(|| (q.sent == "again").then(|| current().text("mfa-notice-sent-again")));
    sms_verify_form(&state, &s, StatusCode::OK, SmsVerifyPage { notice, ..SmsVerifyPage::default() }).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct CodeForm {
    code: String,
    method: String,
    next: String,
    /// "Don't ask for a code on this device" ("1" when ticked).
    remember_device: String,
    /// A recovery code (its own field: it is not a 6-digit code and takes letters).
    recovery_code: String,
    /// "voice" when "Call me instead" sent the form.
    channel: String,
}

/// After MFA: back to adding a method when that is what the user was doing, else home.
/// Only known destinations are carried through the verify page (no open redirect).
fn next_target(next: &str) -> &'static str {
    match next {
        "setup" => "setup",
        "console" => "console",
        "security" => "security",
        "passkey" => "passkey",
        _ => "",
    }
}

fn after_mfa(next: &str) -> &'static str {
    match next {
        "setup" => "/mfa/setup",
        "console" => "/console/users",
        "security" => "/account/security",
        "passkey" => "/mfa/setup/passkey",
        _ => "/",
    }
}

async fn sms_verify(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let (status, message, retry_after) = match OtpCode::parse(&form.code) {
        Err(e) => (StatusCode::UNPROCESSABLE_ENTITY, e.message_in(current()), None),
        Ok(code) => match state.portal.sms_setup_confirm(&s.session, &s.user, &code, &ctx).await {
            Ok(done) => return Ok(signed_in(&state, &done, "/")),
            Err(e) => match mfa_failure(&state, e) {
                MfaFailure::Respond(r) => return Ok(r),
                MfaFailure::Show { status, message, retry_after } => (status, message, retry_after),
            },
        },
    };
    let page = SmsVerifyPage { code_error: Some(message), ..SmsVerifyPage::default() };
    Ok(with_retry_after(sms_verify_form(&state, &s, status, page).await, retry_after))
}

async fn sms_resend(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    _: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    match state.portal.sms_resend(&s.session, &s.user, ChallengePurpose::Setup, DeliveryChannel::Sms, &ctx).await {
        Ok(_) => Ok(Redirect::to("/mfa/setup/sms/verify?sent=again").into_response()),
        Err(MfaError::NoCodeSent) => Ok(Redirect::to("/mfa/setup/sms").into_response()),
        Err(e) => Ok(match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, retry_after } => {
                let page = SmsVerifyPage { error: Some(message), ..SmsVerifyPage::default() };
                with_retry_after(sms_verify_form(&state, &s, status, page).await, retry_after)
            }
        }),
    }
}

/// The pending setup as the page shows it.
struct ShownSetup {
    qr_svg: String,
    /// What the QR code holds, as a link: a phone cannot scan its own screen, but its
    /// authenticator app opens `otpauth://` links.
    otpauth_uri: String,
    secret_display: String,
    secret_plain: String,
    /// "Account name to enter: <strong>ann@example.com</strong> (issuer: …). …" (HTML).
    account_line: String,
}

#[derive(Template)]
#[template(path = "mfa_setup_app.html")]
struct AppPage {
    layout: Layout,
    csrf: String,
    /// None: no setup pending (never started, or expired); the page offers to start one.
    setup: Option<ShownSetup>,
    code_hint: String,
    error: Option<String>,
    code_error: Option<String>,
}

/// The setup page, from what is pending: it reads and never starts a setup (GET never changes
/// state); starting is `POST /mfa/setup/app/start`.
async fn app_form(state: &AppState, s: &SignedIn, status: StatusCode, code_error: Option<String>) -> Response {
    let pending = match state.portal.totp_pending(&s.session, &s.user).await {
        Ok(pending) => pending,
        Err(e) => return failure_page(state, e),
    };
    let lang = current();
    let (setup, error) = match pending {
        Some(setup) => (
            Some(ShownSetup {
                qr_svg: qr::svg(&setup.otpauth_uri, &lang.text("mfa-app-qr-title")),
                otpauth_uri: setup.otpauth_uri.clone(),
                secret_display: setup.secret.for_display(),
                secret_plain: setup.secret.base32().to_ascii_lowercase(),
                account_line: lang.text_with(
                    "mfa-app-account-html",
                    &[
                        ("account", crate::render::escape_html(&setup.account).into()),
                        ("issuer", crate::render::escape_html(&state.portal.settings().portal_name).into()),
                    ],
                ),
            }),
            None,
        ),
        // A code typed after the setup expired: say so above the start button.
        None => (None, code_error.clone()),
    };
    render(
        status,
        &AppPage {
            layout: Layout::new(state, Some(s)),
            csrf: s.session.csrf_token.clone(),
            code_error: if setup.is_some() { code_error } else { None },
            setup,
            code_hint: lang.text("mfa-code-hint-app-setup"),
            error,
        },
    )
}

async fn app_page(State(state): State<AppState>, PageMfaSession(s): PageMfaSession) -> Response {
    app_form(&state, &s, StatusCode::OK, None).await
}

/// "Authenticator app" on the choice page: starts a setup (or keeps the fresh pending one),
/// then the browser GETs the page that shows it.
async fn app_start(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    _: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    Ok(match state.portal.totp_start(&s.session, &s.user, &ctx, false).await {
        Ok(_) => Redirect::to("/mfa/setup/app").into_response(),
        Err(e) => failure_page(&state, e),
    })
}

async fn app_restart(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    _: CsrfForm<NoFields>,
) -> Result<Response, PageError> {
    // Starting again replaces the pending secret; GET then shows the new one.
    Ok(match state.portal.totp_start(&s.session, &s.user, &ctx, true).await {
        Ok(_) => Redirect::to("/mfa/setup/app").into_response(),
        Err(e) => failure_page(&state, e),
    })
}

async fn app_confirm(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let code = match OtpCode::parse(&form.code) {
        Ok(code) => code,
        Err(e) => {
            return Ok(app_form(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, Some(e.message_in(current()))).await);
        }
    };
    match state.portal.totp_confirm(&s.session, &s.user, &code, &ctx).await {
        Ok(done) => Ok(signed_in(&state, &done, "/")),
        Err(e) => Ok(match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, retry_after } => {
                with_retry_after(app_form(&state, &s, status, Some(message)).await, retry_after)
            }
        }),
    }
}

struct MethodOption {
    value: &'static str,
    label: String,
    detail: String,
}

#[derive(Template, Default)]
#[template(path = "mfa_verify.html")]
struct VerifyPage {
    layout: Layout,
    csrf: String,
    methods: Vec<MethodOption>,
    selected: String,
    phone_hint: String,
    /// The number is a landline: the page offers the call first and says why.
    landline: bool,
    sms_sent: bool,
    /// Where to go after verifying: "setup" (adding a method), "console" (staff step-up) or
    /// "security" (a change on the security page).
    next: &'static str,
    /// Where the passkey form goes once the passkey signed in (`after_mfa(next)`).
    after: &'static str,
    /// Days "Don't ask for a code on this device" lasts; 0 when it is not offered.
    remember_days: u16,
    code_hint: String,
    notice: Option<String>,
    error: Option<String>,
    code_error: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct VerifyQuery {
    method: String,
    next: String,
    sent: String,
    called: String,
}

async fn verify_form(state: &AppState, s: &SignedIn, status: StatusCode, chosen: &str, page: VerifyPage) -> Response {
    let mfa = match status_or_response(state, s).await {
        Ok(m) => m,
        Err(r) => return r,
    };
    let methods = mfa.methods();
    if methods.is_empty() {
        return Redirect::to("/mfa").into_response();
    }
    // Offered at sign-in, not on a step-up of a session that is already signed in.
    let remember_days = match s.session.auth_level {
        AuthLevel::PasswordVerified => state.portal.remember_days_for(&s.user).unwrap_or(0),
        AuthLevel::Full => 0,
    };
    let selected = Method::parse(chosen)
        .filter(|m| methods.contains(m))
        .or(mfa.preferred.filter(|m| methods.contains(m)))
        .unwrap_or(methods[0]);
    let phone_hint = mfa.phone_hint().unwrap_or_default();
    let landline = mfa.phone_is_landline();
    let lang = current();
    let options = methods
        .iter()
        .map(|m| match m {
            Method::Sms => MethodOption {
                value: "sms",
                label: lang.text("mfa-verify-method-sms"),
                detail: lang.text_with("mfa-verify-method-sms-detail", &[("phone", phone_hint.as_str().into())]),
            },
            Method::Totp => MethodOption {
                value: "totp",
                label: Method::Totp.label_in(lang),
                detail: lang.text("mfa-verify-method-totp-detail"),
            },
            Method::Passkey => MethodOption {
                value: "passkey",
                label: Method::Passkey.label_in(lang),
                detail: lang.text("mfa-verify-method-passkey-detail"),
            },
        })
        .collect();
    let sms_sent = selected == Method::Sms
        && state.portal.sms_resend_wait(&s.session, ChallengePurpose::Login).await.ok().flatten().is_some();
    let code_hint = match selected {
        Method::Sms if landline => lang.text("mfa-code-hint-call"),
        Method::Sms => lang.text("mfa-code-hint-sms"),
        Method::Totp => lang.text("mfa-code-hint-app"),
        Method::Passkey => String::new(),
    };
    let selected = if chosen == "recovery" { "recovery" } else { selected.as_str() };
    render(
        status,
        &VerifyPage {
            layout: Layout::new(state, Some(s)),
            csrf: s.session.csrf_token.clone(),
            methods: options,
            after: after_mfa(page.next),
            remember_days,
            selected: selected.to_owned(),
            phone_hint,
            landline,
            sms_sent,
            code_hint,
            ..page
        },
    )
}

async fn verify_page(
    State(state): State<AppState>,
    PageMfaSession(s): PageMfaSession,
    Query(q): Query<VerifyQuery>,
) -> Response {
    let notice = call_notice(&q.called).or_else(|| (q.sent == "1").then(|| current().text("mfa-notice-sent")));
    let page = VerifyPage { next: next_target(&q.next), notice, ..VerifyPage::default() };
    verify_form(&state, &s, StatusCode::OK, &q.method, page).await
}

async fn verify_send(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let next = match next_target(&form.next) {
        "" => String::new(),
        target => format!("&next={target}"),
    };
    match state.portal.sms_login_send(&s.session, &s.user, channel_chosen(&form.channel), &ctx).await {
        Ok(sent) => {
            Ok(Redirect::to(&format!("/mfa/verify?method=sms&sent=1{}{next}", called(&sent, "&"))).into_response())
        }
        Err(e) => Ok(match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, retry_after } => {
                let page = VerifyPage { next: next_target(&form.next), error: Some(message), ..VerifyPage::default() };
                with_retry_after(verify_form(&state, &s, status, "sms", page).await, retry_after)
            }
        }),
    }
}

async fn verify(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageMfaSession(s): PageMfaSession,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, PageError> {
    let next = next_target(&form.next);
    let again = |code_error: String| VerifyPage { next, code_error: Some(code_error), ..VerifyPage::default() };
    let chosen = if form.method == "recovery" { "recovery" } else { form.method.as_str() };
    let verified = if chosen == "recovery" {
        let code = match RecoveryCode::parse(&form.recovery_code) {
            Ok(code) => code,
            Err(e) => {
                let page = again(e.message_in(current()));
                return Ok(verify_form(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, chosen, page).await);
            }
        };
        state.portal.mfa_verify_recovery(&s.session, &s.user, &s.second_factor, &code, &ctx).await
    } else {
        let Some(method) = Method::parse(chosen) else {
            let page = again(current().text("mfa-verify-choose-method-error"));
            return Ok(verify_form(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, "", page).await);
        };
        let code = match OtpCode::parse(&form.code) {
            Ok(code) => code,
            Err(e) => {
                let page = again(e.message_in(current()));
                return Ok(verify_form(&state, &s, StatusCode::UNPROCESSABLE_ENTITY, chosen, page).await);
            }
        };
        state.portal.mfa_verify(&s.session, &s.user, &s.second_factor, method, &code, &ctx).await
    };
    match verified {
        Ok(done) => {
            // After a recovery code, the security page: how many are left, and where to add a
            // new method if the phone is gone.
            let to = if done.recovery_codes_left.is_some() && next.is_empty() {
                "/account/security?done=recovery"
            } else {
                after_mfa(&form.next)
            };
            let mut response = signed_in(&state, &done, to);
            if form.remember_device == "1"
                && let Some(cookie) = cookies::remember_device(&state, &done.session, &s.user, &ctx).await
            {
                response.headers_mut().append(header::SET_COOKIE, cookie);
            }
            Ok(response)
        }
        Err(e) => Ok(match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, retry_after } => {
                with_retry_after(verify_form(&state, &s, status, chosen, again(message)).await, retry_after)
            }
        }),
    }
}

#[derive(Template)]
#[template(path = "help.html")]
struct HelpPage {
    layout: Layout,
    grace_days: u16,
    countries: String,
    chat_url: String,
}

async fn help(State(state): State<AppState>) -> Response {
    let settings = &state.portal.settings();
    let countries = sms::picker_countries_in(&settings.sms_allowed_countries, current())
        .into_iter()
        .map(|(_, name)| name)
        .collect::<Vec<_>>()
        .join(", ");
    render(
        StatusCode::OK,
        &HelpPage {
            layout: Layout::new(&state, None),
            grace_days: settings.mfa.grace_days,
            countries,
            chat_url: settings.support_chat_url.clone(),
        },
    )
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct RemoveForm {
    method: String,
}

async fn remove_method(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<RemoveForm>,
) -> Result<Response, PageError> {
    let Some(method) = Method::parse(&form.method) else {
        let lang = current();
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.text("mfa-form-not-understood"),
            lang.text("mfa-choose-method-to-remove"),
        ));
    };
    Ok(match state.portal.remove_method(&s.session, &s.user, method, &ctx).await {
        Ok(()) => Redirect::to("/?done=removed").into_response(),
        Err(e) => match mfa_failure(&state, e) {
            MfaFailure::Respond(r) => r,
            MfaFailure::Show { status, message, .. } => {
                super::auth::home_page(&state, &s, status, None, Some(message)).await
            }
        },
    })
}
