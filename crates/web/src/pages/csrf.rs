//! Form tokens. Signed-in forms carry the session's own token (synchronizer pattern); the
//! sign-in and password forms, used before any session exists, carry a random token that must
//! match an HttpOnly cookie (double submit). Both compare in constant time. Cross-site posts
//! are already refused by `security::refuse_cross_site_writes`; this is the second wall.

use axum::http::{HeaderMap, HeaderValue};
use base64::Engine as _;
use subtle::ConstantTimeEq;

use crate::cookies;
use crate::state::AppState;

pub fn tokens_match(expected: &str, given: &str) -> bool {
    !expected.is_empty() && bool::from(expected.as_bytes().ct_eq(given.as_bytes()))
}

/// The anonymous form token, and the cookie to set when the browser has none yet.
pub fn anonymous_token(headers: &HeaderMap, state: &AppState) -> (String, Option<HeaderValue>) {
    match cookies::csrf_cookie(headers, &state.web) {
        Some(existing) => (existing, None),
        None => {
            let fresh = base64::engine::general_purpose::URL_SAFE_NO_PAD
                .encode(portal_core::random::bytes::<32>(state.portal.rng.as_ref()));
            let cookie = cookies::set_csrf(&fresh, &state.web);
            (fresh, Some(cookie))
        }
    }
}

pub fn anonymous_token_valid(headers: &HeaderMap, state: &AppState, given: &str) -> bool {
    cookies::csrf_cookie(headers, &state.web).is_some_and(|expected| tokens_match(&expected, given))
}
