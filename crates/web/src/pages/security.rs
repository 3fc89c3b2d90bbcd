//! The security page of one's own (`/account/security`): methods, recovery codes, remembered
//! devices, open sessions and recent sign-ins, and the recovery-code pages. Every change is a
//! plain form; one without a recent second factor goes through the verify page and back.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use portal_core::audit::{Outcome, action};
use portal_core::language::Language;
use portal_core::language::Localized;
use portal_core::mfa::Method;
use portal_core::mfa::recovery::RecoveryCode;
use portal_core::mfa::service::MfaError;
use serde::Deserialize;

use crate::csrf::{CsrfForm, NoFields};
use crate::error::{MfaFailure, PageError, mfa_failure};
use crate::extract::{Client, PageUser};
use crate::render::{Layout, date_time, render};
use crate::routing::RouteTable;
use crate::state::AppState;

/// Every route here with the methods it answers; the router is built from this table, and
/// `portal_web::all_routes()` lists it for the tests that walk every route.
pub fn route_table() -> RouteTable {
    vec![
        ("/account/security", &["GET"], get(security_page)),
        ("/account/recovery-codes", &["GET", "POST"], get(recovery_offer).post(recovery_create)),
        ("/account/recovery-codes/download", &["POST"], post(recovery_download)),
        ("/account/devices/forget", &["POST"], post(forget_devices)),
        ("/account/sessions/end", &["POST"], post(end_session)),
        ("/account/sessions/end-others", &["POST"], post(end_other_sessions)),
        ("/account/passkeys/rename", &["POST"], post(rename_passkey)),
        ("/account/passkeys/remove", &["POST"], post(remove_passkey)),
    ]
}

/// A change that needs a fresh second factor goes to the verify page, which comes back here.
fn failure(state: &AppState, e: MfaError) -> Response {
    if matches!(e, MfaError::StepUpRequired) {
        return Redirect::to("/mfa/verify?next=security").into_response();
    }
    match mfa_failure(state, e) {
        MfaFailure::Respond(r) => r,
        MfaFailure::Show { status, message, .. } => {
            PageError::new(status, crate::language::current().text("security-not-possible"), message).into_response()
        }
    }
}

struct MethodRow {
    value: &'static str,
    label: String,
    detail: String,
    /// The remove button: "Remove Authenticator app".
    remove: String,
}

/// A method's name, and its add and remove buttons, as this page says them.
fn method_texts(method: Method, lang: Language) -> (String, String, String) {
    match method {
        Method::Sms => (Method::Sms.label_in(lang), lang.text("security-add-sms"), lang.text("security-remove-sms")),
        Method::Totp => {
            (Method::Totp.label_in(lang), lang.text("security-add-totp"), lang.text("security-remove-totp"))
        }
        Method::Passkey => (
            Method::Passkey.label_in(lang),
            lang.text("security-add-passkey"),
            lang.text("security-remove-passkey-method"),
        ),
    }
}

struct PasskeyRow {
    id: String,
    name: String,
    created_at: String,
    last_used_at: String,
}

struct DeviceRow {
    id: String,
    user_agent: String,
    created_at: String,
    last_used_at: String,
    expires_at: String,
}

struct SessionRow {
    id: String,
    current: bool,
    device: String,
    ip: String,
    created_at: String,
    last_seen_at: String,
}

struct EventRow {
    at: String,
    what: String,
    outcome: String,
    ip: String,
    device: String,
}

#[derive(Template)]
#[template(path = "account_security.html")]
struct SecurityPage {
    layout: Layout,
    csrf: String,
    notice: Option<String>,
    methods: Vec<MethodRow>,
    /// The add buttons: their text and where they go.
    can_add: Vec<(String, &'static str)>,
    passkeys: Vec<PasskeyRow>,
    /// Whether this portal offers passkeys at all.
    passkeys_offered: bool,
    recovery_left: usize,
    /// "You have <strong>9</strong> unused codes." (a number is all it carries).
    recovery_left_html: String,
    devices: Vec<DeviceRow>,
    sessions: Vec<SessionRow>,
    events: Vec<EventRow>,
    /// Whether changes can be made without verifying again first.
    fresh: bool,
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct SecurityQuery {
    done: String,
}

fn describe_event(action: &str, details: &serde_json::Value, lang: Language) -> String {
    let method = details.get("method").and_then(|m| m.as_str()).unwrap_or("");
    let method = match method {
        "totp" => lang.text("security-event-method-totp"),
        "sms" => lang.text("security-event-method-sms"),
        "recovery" => lang.text("security-event-method-recovery"),
        "passkey" => lang.text("security-event-method-passkey"),
        other => other.to_owned(),
    };
    match action {
        action::LOGIN_PASSWORD => lang.text("security-event-password"),
        action::LOGIN_REMEMBERED_DEVICE => lang.text("security-event-remembered-device"),
        action::LOGIN_PASSKEY => lang.text("security-event-passkey-sign-in"),
        action::MFA_PASSKEY_ADDED => lang.text("security-event-passkey-added"),
        action::MFA_PASSKEY_CLONE_SUSPECTED => lang.text("security-event-passkey-cloned"),
        action::LOGIN_MFA_SETUP_EXPIRED => lang.text("security-event-setup-expired"),
        action::MFA_VERIFY => lang.text_with("security-event-code", &[("method", method.into())]),
        action::MFA_TOTP_CONFIRMED => lang.text("security-event-totp-set-up"),
        action::MFA_SMS_CONFIRMED => lang.text("security-event-sms-set-up"),
        action::MFA_THROTTLED => lang.text("security-event-throttled"),
        action::LOGOUT => lang.text("security-event-signed-out"),
        other => other.to_owned(),
    }
}

fn device_label(user_agent: Option<&str>, lang: Language) -> String {
    match user_agent.filter(|ua| !ua.is_empty()) {
        Some(ua) => ua.to_owned(),
        None => lang.text("security-unknown-device"),
    }
}

async fn security_page(
    State(state): State<AppState>,
    PageUser(s): PageUser,
    Query(q): Query<SecurityQuery>,
) -> Result<Response, PageError> {
    let portal = &state.portal;
    let lang = crate::language::current();
    let status = portal.mfa_status(&s.user).await?;
    let methods: Vec<MethodRow> = status
        .confirmed
        .iter()
        .filter(|f| f.method != Method::Passkey)
        .map(|f| {
            let (label, _, remove) = method_texts(f.method, lang);
            MethodRow {
                value: f.method.as_str(),
                label,
                detail: f.phone.as_ref().map(|p| p.masked()).unwrap_or_default(),
                remove,
            }
        })
        .collect();
    let can_add = [(Method::Sms, "/mfa/setup/sms"), (Method::Totp, "/mfa/setup/app")]
        .into_iter()
        .filter(|(m, _)| !status.confirmed.iter().any(|f| f.method == *m))
        .map(|(m, href)| (method_texts(m, lang).1, href))
        .collect();
    let passkeys = portal
        .passkeys(&s.user)
        .await?
        .into_iter()
        .map(|p| PasskeyRow {
            created_at: date_time(portal, p.created_at),
            last_used_at: p.last_used_at.map(|t| date_time(portal, t)).unwrap_or_else(|| lang.text("security-never")),
            id: p.id,
            name: p.name,
        })
        .collect();
    let devices = portal
        .remembered_devices(&s.user)
        .await?
        .into_iter()
        .map(|d| DeviceRow {
            user_agent: device_label(d.user_agent.as_deref(), lang),
            created_at: date_time(portal, d.created_at),
            last_used_at: date_time(portal, d.last_used_at),
            expires_at: date_time(portal, d.expires_at),
            id: d.id,
        })
        .collect();
    let sessions = portal
        .open_sessions(&s.session, &s.user)
        .await?
        .into_iter()
        .map(|o| SessionRow {
            device: device_label(o.user_agent.as_deref(), lang),
            ip: o.ip.unwrap_or_default(),
            created_at: date_time(portal, o.created_at),
            last_seen_at: date_time(portal, o.last_seen_at),
            current: o.current,
            id: o.id,
        })
        .collect();
    let events = portal
        .sign_in_history(&s.user)
        .await?
        .into_iter()
        .map(|r| EventRow {
            at: date_time(portal, r.event.at),
            what: describe_event(&r.event.action, &r.event.details, lang),
            outcome: match r.event.outcome {
                Outcome::Success => lang.text("security-outcome-succeeded"),
                Outcome::Failure => lang.text("security-outcome-failed"),
                Outcome::Refused => lang.text("security-outcome-refused"),
            },
            ip: r.event.ip.clone().unwrap_or_default(),
            device: device_label(r.event.user_agent.as_deref(), lang),
        })
        .collect();
    let notice = match q.done.as_str() {
        "forgotten" => Some(lang.text("security-done-forgotten")),
        "ended" => Some(lang.text("security-done-ended")),
        "renamed" => Some(lang.text("security-done-renamed")),
        "removed" => Some(lang.text("security-done-removed")),
        "recovery" => Some(lang.text("security-done-recovery")),
        _ => None,
    };
    let fresh = portal.has_recent_second_factor(&s.session);
    let recovery_left = portal.recovery_codes_left(&s.user).await?;
    Ok(render(
        StatusCode::OK,
        &SecurityPage {
            layout: Layout::new(&state, Some(&s)),
            csrf: s.session.csrf_token.clone(),
            notice,
            methods,
            can_add,
            passkeys,
            passkeys_offered: portal.passkeys_offered(),
            recovery_left,
            recovery_left_html: lang.text_with("security-recovery-left-html", &[("count", recovery_left.into())]),
            devices,
            sessions,
            events,
            fresh,
        },
    ))
}

#[derive(Template)]
#[template(path = "recovery_codes.html")]
struct RecoveryPage {
    layout: Layout,
    csrf: String,
    /// The codes, shown this once; empty on the offer.
    codes: Vec<String>,
    left: i64,
}

async fn recovery_offer(State(state): State<AppState>, PageUser(s): PageUser) -> Result<Response, PageError> {
    let left = state.portal.recovery_codes_left(&s.user).await?;
    Ok(render(
        StatusCode::OK,
        &RecoveryPage {
            layout: Layout::new(&state, Some(&s)),
            csrf: s.session.csrf_token.clone(),
            codes: Vec::new(),
            left: i64::try_from(left).unwrap_or(i64::MAX),
        },
    ))
}

async fn recovery_create(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    match state.portal.create_recovery_codes(&s.session, &s.user, &ctx).await {
        Ok(codes) => {
            let mut response = render(
                StatusCode::OK,
                &RecoveryPage {
                    layout: Layout::new(&state, Some(&s)),
                    csrf: s.session.csrf_token.clone(),
                    codes: codes.iter().map(RecoveryCode::grouped).collect(),
                    left: i64::try_from(codes.len()).unwrap_or(i64::MAX),
                },
            );
            // Shown once: no cache, no back button, keeps a copy.
            response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
            response
        }
        Err(e) => failure(&state, e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct DownloadForm {
    /// The codes as the page showed them, separated by spaces.
    codes: String,
}

/// The codes just shown, as a text file: the form sends back what the page showed (the server
/// keeps no copy to send), and only well-formed codes are written out.
async fn recovery_download(
    State(state): State<AppState>,
    PageUser(_s): PageUser,
    CsrfForm(form): CsrfForm<DownloadForm>,
) -> Result<Response, PageError> {
    let lang = crate::language::current();
    let codes: Vec<String> = form
        .codes
        .split_whitespace()
        .take(portal_core::mfa::recovery::SET_SIZE)
        .map(|c| RecoveryCode::parse(c).map(|c| c.grouped()))
        .collect::<Result<_, _>>()
        .map_err(|e| {
            PageError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                lang.text("security-form-not-understood"),
                e.message_in(lang),
            )
        })?;
    if codes.is_empty() {
        return Err(PageError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            lang.text("security-form-not-understood"),
            lang.text("recovery-codes-none-to-download"),
        ));
    }
    let portal = &state.portal.settings().portal_name;
    let body = format!(
        "{}\r\n\r\n{}\r\n{}\r\n\r\n{}\r\n",
        lang.text_with("recovery-codes-file-title", &[("portal", portal.into())]),
        lang.text("recovery-codes-file-each-once"),
        lang.text("recovery-codes-file-keep-safe"),
        codes.join("\r\n")
    );
    Ok((
        [
            (header::CONTENT_TYPE, HeaderValue::from_static("text/plain; charset=utf-8")),
            (header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"recovery-codes.txt\"")),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        body,
    )
        .into_response())
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct WhichForm {
    id: String,
    all: String,
}

async fn forget_devices(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<WhichForm>,
) -> Response {
    let only = (form.all != "1").then_some(form.id.as_str());
    match state.portal.forget_devices(&s.session, &s.user, only, &ctx).await {
        Ok(_) => Redirect::to("/account/security?done=forgotten").into_response(),
        Err(e) => failure(&state, e),
    }
}

async fn end_session(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<WhichForm>,
) -> Response {
    match state.portal.end_session(&s.session, &s.user, &form.id, &ctx).await {
        Ok(()) => Redirect::to("/account/security?done=ended").into_response(),
        Err(e) => failure(&state, e),
    }
}

async fn end_other_sessions(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(NoFields {}): CsrfForm<NoFields>,
) -> Response {
    match state.portal.end_other_sessions(&s.session, &s.user, &ctx).await {
        Ok(_) => Redirect::to("/account/security?done=ended").into_response(),
        Err(e) => failure(&state, e),
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
struct PasskeyForm {
    id: String,
    name: String,
}

async fn rename_passkey(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<PasskeyForm>,
) -> Response {
    let name = match portal_core::mfa::passkey::PasskeyName::parse(&form.name) {
        Ok(name) => name,
        Err(e) => {
            let message = e.message_in(crate::language::current());
            let title = crate::language::current().text("security-name-not-changed");
            return PageError::new(StatusCode::UNPROCESSABLE_ENTITY, title, message).into_response();
        }
    };
    match state.portal.rename_passkey(&s.session, &s.user, &form.id, &name, &ctx).await {
        Ok(()) => Redirect::to("/account/security?done=renamed").into_response(),
        Err(e) => failure(&state, e),
    }
}

async fn remove_passkey(
    State(state): State<AppState>,
    Client(ctx): Client,
    PageUser(s): PageUser,
    CsrfForm(form): CsrfForm<PasskeyForm>,
) -> Response {
    match state.portal.remove_passkey(&s.session, &s.user, &form.id, &ctx).await {
        Ok(()) => Redirect::to("/account/security?done=removed").into_response(),
        Err(e) => failure(&state, e),
    }
}
