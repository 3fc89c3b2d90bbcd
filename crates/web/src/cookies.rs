//! Cookie names and attributes: HttpOnly, SameSite=Lax, and on https the `Secure`
//! flag with the `__Host-` prefix, which also forbids a Domain attribute and pins Path=/.

use axum::http::{HeaderMap, HeaderValue, header};
use cookie::{Cookie, SameSite};
use portal_core::device::DeviceToken;
use portal_core::session::SessionToken;

use crate::state::WebSettings;

pub fn session_name(web: &WebSettings) -> &'static str {
    if web.https { "__Host-portal_session" } else { "portal_session" }
}

fn csrf_name(web: &WebSettings) -> &'static str {
    if web.https { "__Host-portal_csrf" } else { "portal_csrf" }
}

fn passkey_name(web: &WebSettings) -> &'static str {
    if web.https { "__Host-portal_passkey" } else { "portal_passkey" }
}

/// The sealed state of the passkey ceremony this browser started, if any.
pub fn passkey_ceremony(headers: &HeaderMap, web: &WebSettings) -> Option<String> {
    find(headers, passkey_name(web)).filter(|v| !v.is_empty())
}

/// A started passkey ceremony, for as long as it may be finished. The value is sealed
/// base64url, valid header bytes.
pub fn set_passkey_ceremony(sealed: &str, web: &WebSettings) -> HeaderValue {
    let lifetime = portal_core::mfa::passkey::CEREMONY_LIFETIME;
    build(passkey_name(web), sealed.to_owned(), web, Some(lifetime))
}

pub fn clear_passkey_ceremony(web: &WebSettings) -> HeaderValue {
    build(passkey_name(web), String::new(), web, Some(time::Duration::ZERO))
}

fn device_name(web: &WebSettings) -> &'static str {
    if web.https { "__Host-portal_device" } else { "portal_device" }
}

fn find(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| Cookie::split_parse(v.to_owned()).filter_map(Result::ok).collect::<Vec<_>>())
        .find(|c| c.name() == name)
        .map(|c| c.value().to_owned())
}

pub fn session_token(headers: &HeaderMap, web: &WebSettings) -> Option<SessionToken> {
    find(headers, session_name(web)).and_then(|v| SessionToken::from_cookie(&v))
}

/// The remembered-device token, if the browser has one of our shape.
pub fn device_token(headers: &HeaderMap, web: &WebSettings) -> Option<DeviceToken> {
    find(headers, device_name(web)).and_then(|v| DeviceToken::from_cookie(&v))
}

/// The remembered-device cookie: its own cookie, outliving sessions, for `days`.
pub fn set_device(token: &DeviceToken, days: u16, web: &WebSettings) -> HeaderValue {
    build(device_name(web), token.expose().to_owned(), web, Some(time::Duration::days(i64::from(days))))
}

/// After a second factor with "Don't ask for a code on this device" ticked: the device cookie,
/// when the portal remembers devices for this user. The sign-in stands if remembering fails;
/// the next one asks for a code again.
pub async fn remember_device(
    state: &crate::state::AppState,
    session: &portal_core::session::Session,
    user: &portal_core::user::User,
    ctx: &portal_core::RequestContext,
) -> Option<HeaderValue> {
    match state.portal.remember_device(session, user, ctx).await {
        Ok(Some(token)) => Some(set_device(&token, state.portal.remember_days_for(user).unwrap_or(0), &state.web)),
        Ok(None) => None,
        Err(e) => {
            tracing::warn!(error = %e, "could not remember a device");
            None
        }
    }
}

/// The anonymous double-submit CSRF cookie used by the sign-in and password forms.
pub fn csrf_cookie(headers: &HeaderMap, web: &WebSettings) -> Option<String> {
    find(headers, csrf_name(web)).filter(|v| v.len() == 43)
}

fn build(name: &'static str, value: String, web: &WebSettings, max_age: Option<time::Duration>) -> HeaderValue {
    let mut c = Cookie::build((name, value)).http_only(true).same_site(SameSite::Lax).path("/").secure(web.https);
    if let Some(age) = max_age {
        c = c.max_age(age);
    }
    // Cookie values are base64url, always valid header bytes.
    HeaderValue::from_str(&c.build().to_string()).unwrap_or_else(|_| HeaderValue::from_static(""))
}

/// A session cookie without Max-Age: it ends with the browser, and the server ends it sooner.
pub fn set_session(token: &SessionToken, web: &WebSettings) -> HeaderValue {
    build(session_name(web), token.expose().to_owned(), web, None)
}

pub fn clear_session(web: &WebSettings) -> HeaderValue {
    build(session_name(web), String::new(), web, Some(time::Duration::ZERO))
}

/// The language a visitor chose (`lang`, as the contract names it): `en` or `es`. Anything else
/// is ignored as if absent.
pub fn language(headers: &HeaderMap) -> Option<portal_core::language::Language> {
    find(headers, LANGUAGE).and_then(|v| portal_core::language::Language::from_code(&v))
}

/// Kept for a year: a language is chosen once.
pub fn set_language(language: portal_core::language::Language, web: &WebSettings) -> HeaderValue {
    build(LANGUAGE, language.code().to_owned(), web, Some(time::Duration::days(365)))
}

const LANGUAGE: &str = "lang";

pub fn set_csrf(value: &str, web: &WebSettings) -> HeaderValue {
    build(csrf_name(web), value.to_owned(), web, None)
}
