//! Form tokens. Signed-in forms carry the session's own token (synchronizer pattern), checked
//! by the `CsrfForm` extractor; the sign-in and password forms, used before any session
//! exists, carry a random token that must match an HttpOnly cookie (double submit). Both
//! compare in constant time. Cross-site posts are already refused by
//! `security::refuse_cross_site_writes`; this is the second wall.

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use base64::Engine as _;
use serde::Deserialize;
use serde::de::DeserializeOwned;
use subtle::ConstantTimeEq;

use crate::cookies;
use crate::error::PageError;
use crate::extract::{MaybeSession, form_pairs, form_value};
use crate::session::SignedIn;
use crate::state::AppState;

/// The refusal of a signed-in form whose token is not the session's: most often a page left
/// open across a sign-out, so it says the page expired.
pub fn expired() -> PageError {
    PageError::said(StatusCode::FORBIDDEN, "error-refused-title", "error-page-expired")
}

/// The session's token against the one a form sent (for forms `CsrfForm` cannot read:
/// multipart uploads, and sign-out, which also works without a session).
pub fn check(signed_in: &SignedIn, given: &str) -> Result<(), PageError> {
    if tokens_match(&signed_in.session.csrf_token, given) { Ok(()) } else { Err(expired()) }
}

/// A signed-in page's form (`application/x-www-form-urlencoded`, read like `PageForm`) whose
/// `csrf` field matches the session's token; a mismatch is the 403 "page had expired" page.
/// Handlers take their session extractor first, so who may post is settled before this runs.
pub struct CsrfForm<T>(pub T);

/// The fields of a form that carries nothing but its token.
#[derive(Deserialize, Default)]
pub struct NoFields {}

impl<T: DeserializeOwned> FromRequest<AppState> for CsrfForm<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &AppState) -> Result<Self, PageError> {
        let (mut parts, body) = req.into_parts();
        let session =
            MaybeSession::from_request_parts(&mut parts, state).await.map_err(PageError::from_session_failure)?.0;
        let pairs = form_pairs(Request::from_parts(parts, body)).await?;
        let given = pairs.iter().find(|(name, _)| name == "csrf").map_or(String::new(), |(_, v)| v.clone());
        let form = form_value(pairs)?;
        match session {
            Some(s) => check(&s, &given).map(|()| CsrfForm(form)),
            None => Err(expired()),
        }
    }
}

pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The anonymous form token, and the cookie to set when the browser has none yet.
pub fn anonymous_token(headers: &HeaderMap, state: &AppState) -> (String, Option<HeaderValue>) {
    match cookies::csrf_cookie(headers, &state.web) {
        Some(existing) => (existing, None),
        None => {
            let fresh = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(portal_core::random::bytes::<32>(state.portal.rng()));
            let cookie = cookies::set_csrf(&fresh, &state.web);
            (fresh, Some(cookie))
        }
    }
}

pub fn anonymous_token_valid(headers: &HeaderMap, state: &AppState, given: &str) -> bool {
    cookies::csrf_cookie(headers, &state.web).is_some_and(|expected| tokens_match(&expected, given))
}
