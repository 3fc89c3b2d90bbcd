//! Extractors that turn raw requests into checked values, and refuse the rest in our format:
//! JSON and form bodies (size, UTF-8, syntax, types, field names), the client's address,
//! and the signed-in session at the level a route needs.

use std::net::{IpAddr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use portal_core::RequestContext;
use portal_core::session::AuthLevel;
use serde::de::DeserializeOwned;

use crate::cookies;
use crate::error::{ApiError, PageError};
pub use crate::session::SignedIn;
use crate::state::AppState;

/// Request bodies above this are refused with 413.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

fn content_type_is(headers: &HeaderMap, expected: &str) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case(expected))
}

enum BodyError {
    TooLarge,
}

async fn read_body(req: Request) -> Result<axum::body::Bytes, BodyError> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > MAX_BODY_BYTES as u64) {
        return Err(BodyError::TooLarge);
    }
    // The only failures here are the limit and a client that hung up mid-body.
    axum::body::to_bytes(req.into_body(), MAX_BODY_BYTES).await.map_err(|_| BodyError::TooLarge)
}

/// A JSON body: requires `Content-Type: application/json` (415), at most 1 MiB (413), UTF-8
/// and valid JSON (400 `malformed_json`), and the right shape (422 naming the field).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, ApiError> {
        if !content_type_is(req.headers(), "application/json") {
            return Err(ApiError::said(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", "api-send-json"));
        }
        let bytes = read_body(req).await.map_err(|BodyError::TooLarge| too_large())?;
        let text = std::str::from_utf8(&bytes)
            .map_err(|_| ApiError::said(StatusCode::BAD_REQUEST, "malformed_json", "api-body-not-utf8"))?;
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            ApiError::said_with(
                StatusCode::BAD_REQUEST,
                "malformed_json",
                "api-body-not-json",
                &[("reason", e.to_string().into())],
            )
        })?;
        if !value.is_object() {
            return Err(ApiError::said(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", "api-body-not-object"));
        }
        serde_path_to_error::deserialize(value).map(ApiJson).map_err(|e| field_error(&e))
    }
}

/// A query string: one that does not fit the handler's type is 400 `invalid_query` in the API's
/// error format (axum's own rejection is plain text).
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        axum::extract::Query::try_from_uri(&parts.uri).map(|q| ApiQuery(q.0)).map_err(|e| {
            ApiError::said_with(
                StatusCode::BAD_REQUEST,
                "invalid_query",
                "api-query-invalid",
                &[("reason", e.body_text().into())],
            )
        })
    }
}

fn too_large() -> ApiError {
    ApiError::said_with(
        StatusCode::PAYLOAD_TOO_LARGE,
        "body_too_large",
        "api-body-too-large",
        &[("bytes", MAX_BODY_BYTES.to_string().into())],
    )
}

/// Names the field a deserialization error is about, including missing and unknown fields,
/// which serde reports at the parent's path.
fn field_error(e: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let message = e.inner().to_string();
    let path = e.path().to_string();
    let quoted = message.split('`').nth(1).map(str::to_owned);
    if message.starts_with("missing field") {
        let field = quoted.unwrap_or(path);
        ApiError::field_said(&field, "api-field-required", &[("field", field.as_str().into())])
    } else if let Some(rest) = message.strip_prefix("unknown field `") {
        // The unknown key is the client's and may itself contain backticks, so it ends where
        // serde's list of expected fields (ours, without backticks) begins.
        let key = rest.rsplit_once("`, expected ").or_else(|| rest.rsplit_once("`, there are no fields"));
        let field = key.map_or(path, |(key, _)| key.to_owned());
        ApiError::field_said(&field, "api-field-unknown", &[("field", field.as_str().into())])
    } else {
        let reason = message.split(" at line ").next().unwrap_or(&message).to_owned();
        ApiError::field_said(&path, "api-field-invalid", &[("field", path.as_str().into()), ("reason", reason.into())])
    }
}

/// A form body (`application/x-www-form-urlencoded`) with strict UTF-8: a browser never sends
/// broken UTF-8, so a body that has it is refused instead of silently "repaired".
pub struct PageForm<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for PageForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, _: &S) -> Result<Self, PageError> {
        form_value(form_pairs(req).await?).map(PageForm)
    }
}

/// A form body's name/value pairs, in order: the part of `PageForm` that `csrf::CsrfForm`
/// shares, so both refuse the same bodies with the same pages.
pub(crate) async fn form_pairs(req: Request) -> Result<Vec<(String, String)>, PageError> {
    if !content_type_is(req.headers(), "application/x-www-form-urlencoded") {
        return Err(PageError::said(StatusCode::UNSUPPORTED_MEDIA_TYPE, "error-form-title", "error-form-from-page"));
    }
    let bytes = read_body(req).await.map_err(|BodyError::TooLarge| {
        PageError::said(StatusCode::PAYLOAD_TOO_LARGE, "error-form-too-much-title", "error-form-too-much")
    })?;
    decode_form(&bytes)
        .ok_or_else(|| PageError::said(StatusCode::BAD_REQUEST, "error-form-title", "error-form-not-utf8"))
}

/// The form's pairs as the handler's type.
pub(crate) fn form_value<T: DeserializeOwned>(pairs: Vec<(String, String)>) -> Result<T, PageError> {
    let de = serde::de::value::MapDeserializer::<_, serde::de::value::Error>::new(pairs.into_iter());
    T::deserialize(de).map_err(|e| {
        let language = crate::language::current();
        PageError::new(
            StatusCode::BAD_REQUEST,
            language.text("error-form-title"),
            language.text_with("error-form-unreadable", &[("reason", e.to_string().into())]),
        )
    })
}

pub(crate) fn decode_form(bytes: &[u8]) -> Option<Vec<(String, String)>> {
    let decode = |s: &[u8]| -> Option<String> {
        let plus_as_space: Vec<u8> = s.iter().map(|&b| if b == b'+' { b' ' } else { b }).collect();
        percent_encoding::percent_decode(&plus_as_space).decode_utf8().ok().map(|c| c.into_owned())
    };
    bytes
        .split(|&b| b == b'&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let mut it = pair.splitn(2, |&b| b == b'=');
            let key = decode(it.next().unwrap_or_default())?;
            let value = decode(it.next().unwrap_or_default())?;
            Some((key, value))
        })
        .collect()
}

/// Who is asking: the peer address (or, from a trusted proxy, the client it forwarded), the
/// user agent and the language they read.
pub struct Client(pub RequestContext);

impl FromRequestParts<AppState> for Client {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let ip = peer.map(|peer| client_ip(peer, &parts.headers, &state.web.trusted_proxies));
        let ua = parts.headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok());
        let asked = parts
            .extensions
            .get::<crate::language::RequestLanguage>()
            .copied()
            .unwrap_or(crate::language::RequestLanguage { language: crate::language::current(), chosen: false });
        Ok(Client(RequestContext::new(ip.map(|ip| ip.to_string()), ua).with_language(asked.language, asked.chosen)))
    }
}

/// The rightmost `X-Forwarded-For` hop that is not one of our proxies, when the peer is one of
/// them; otherwise the peer itself, so a forged header from anywhere else changes nothing.
pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted: &[IpAddr]) -> IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    let hops: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|hop| hop.trim().parse().ok())
        .collect();
    hops.into_iter().rev().find(|hop| !trusted.contains(hop)).unwrap_or(peer)
}

/// The browser's session, if it has a live one. Never rejects.
pub struct MaybeSession(pub Option<SignedIn>);

impl FromRequestParts<AppState> for MaybeSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        if let Some(found) = parts.extensions.get::<SignedIn>() {
            return Ok(MaybeSession(Some(found.clone())));
        }
        let Some(token) = cookies::session_token(&parts.headers, &state.web) else {
            return Ok(MaybeSession(None));
        };
        let resolved = state.portal.resolve_session(&token).await?;
        let signed_in =
            resolved.map(|v| SignedIn { token, session: v.session, user: v.user, second_factor: v.second_factor });
        if let Some(s) = &signed_in {
            parts.extensions.insert(s.clone());
        }
        Ok(MaybeSession(signed_in))
    }
}

/// A fully signed-in user, for API routes: anything less is 401.
pub struct ApiUser(pub SignedIn);

impl FromRequestParts<AppState> for ApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        match MaybeSession::from_request_parts(parts, state).await?.0 {
            Some(s) if s.session.auth_level == AuthLevel::Full => Ok(ApiUser(s)),
            _ => Err(ApiError::unauthorized()),
        }
    }
}

/// A session at either level, for the MFA API: half-signed-in sessions reach only this
/// (and sign-out). No session is 401.
pub struct ApiMfaSession(pub SignedIn);

impl FromRequestParts<AppState> for ApiMfaSession {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        MaybeSession::from_request_parts(parts, state).await?.0.map(ApiMfaSession).ok_or_else(ApiError::unauthorized)
    }
}

/// A session at either level, for the MFA pages; no session is sent to sign in.
pub struct PageMfaSession(pub SignedIn);

impl FromRequestParts<AppState> for PageMfaSession {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageRejection> {
        let found = MaybeSession::from_request_parts(parts, state)
            .await
            .map_err(|e| PageRejection::Error(PageError::from_session_failure(e)))?;
        found.0.map(PageMfaSession).ok_or(PageRejection::SignIn)
    }
}

/// A fully signed-in user, for pages: anything less is sent to sign in.
pub struct PageUser(pub SignedIn);

pub enum PageRejection {
    SignIn,
    /// Half signed in: finish the second step first.
    FinishMfa,
    Error(PageError),
}

impl IntoResponse for PageRejection {
    fn into_response(self) -> Response {
        match self {
            PageRejection::SignIn => Redirect::to("/login").into_response(),
            PageRejection::FinishMfa => Redirect::to("/mfa").into_response(),
            PageRejection::Error(e) => e.into_response(),
        }
    }
}

impl FromRequestParts<AppState> for PageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageRejection> {
        let found = MaybeSession::from_request_parts(parts, state)
            .await
            .map_err(|e| PageRejection::Error(PageError::from_session_failure(e)))?;
        match found.0 {
            Some(s) if s.session.auth_level == AuthLevel::Full => Ok(PageUser(s)),
            Some(_) => Err(PageRejection::FinishMfa),
            None => Err(PageRejection::SignIn),
        }
    }
}

/// A support agent or administrator with a fully signed-in session, for console pages.
/// Anyone else signed in gets 403; nobody signed in is sent to sign in.
pub struct ConsolePageUser(pub SignedIn);

impl FromRequestParts<AppState> for ConsolePageUser {
    type Rejection = PageRejection;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, PageRejection> {
        let PageUser(s) = PageUser::from_request_parts(parts, state).await?;
        if portal_core::console::ensure_console_user(&s.user).is_err() {
            return Err(PageRejection::Error(PageError::said(
                StatusCode::FORBIDDEN,
                "error-console-only-title",
                "error-console-only",
            )));
        }
        Ok(ConsolePageUser(s))
    }
}

/// The same for the admin API: not signed in 401, anyone else 403.
pub struct ConsoleApiUser(pub SignedIn);

impl FromRequestParts<AppState> for ConsoleApiUser {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let ApiUser(s) = ApiUser::from_request_parts(parts, state).await?;
        if portal_core::console::ensure_console_user(&s.user).is_err() {
            return Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "the support console is for support agents and administrators",
            ));
        }
        Ok(ConsoleApiUser(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_decode_plus_and_percent_and_refuse_broken_utf8() {
        let pairs = decode_form(b"email=ann%40example.com&password=a+b%2Bc").unwrap();
        assert_eq!(pairs, vec![("email".into(), "ann@example.com".into()), ("password".into(), "a b+c".into())]);
        assert!(decode_form(b"email=%ff%fe").is_none());
    }

    #[test]
    fn an_unknown_field_is_named_whole_even_with_backticks_in_it() {
        #[derive(Debug, serde::Deserialize)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct Body {
            email: String,
        }
        for key in ["emailo`rd", "a`, expected `email`", "`"] {
            let value = serde_json::json!({ key: "x" });
            let e = serde_path_to_error::deserialize::<_, Body>(value).unwrap_err();
            assert_eq!(field_error(&e).field.as_deref(), Some(key));
        }
    }

    #[test]
    fn forwarded_addresses_count_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "203.0.113.9, 198.51.100.7".parse().unwrap());
        let stranger: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(client_ip(stranger, &headers, &[proxy]), stranger);
        assert_eq!(client_ip(proxy, &headers, &[proxy]), "198.51.100.7".parse::<IpAddr>().unwrap());
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
