//! Fuzz target bodies for what the web layer reads from requests before any use-case sees it:
//! cookies, form bodies and JSON bodies. Each takes raw bytes, drives the real extractor or
//! parser, and checks properties of the outcome. The cargo-fuzz targets in `fuzz/` and the
//! stable test that replays `fuzz/corpus/` both call these, so there is one copy of each body.
//!
//! A broken property panics: that is how libFuzzer learns an input is a finding.
#![allow(clippy::panic, clippy::unwrap_used, clippy::expect_used)]

use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};

use axum::body::Body;
use axum::extract::{FromRequest, Request};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use serde::de::DeserializeOwned;

use crate::cookies;
use crate::error::ApiError;
use crate::extract::{ApiJson, PageForm, decode_form};
use crate::state::WebSettings;

/// The content types a client might send; the first byte of an input picks one.
const CONTENT_TYPES: [Option<&str>; 7] = [
    Some("application/json"),
    Some("application/json; charset=utf-8"),
    Some("application/x-www-form-urlencoded"),
    Some("Application/X-WWW-Form-Urlencoded ; charset=UTF-8"),
    Some("text/plain"),
    Some("multipart/form-data; boundary=x"),
    None,
];

fn settings(https: bool) -> WebSettings {
    WebSettings::from_public_url(if https { "https://portal.example" } else { "http://127.0.0.1:8080" }, Vec::new())
}

/// Extractors here read a body that is already in memory, so their futures finish on the first
/// poll; one that waited would be a finding in itself.
fn now<F: Future>(future: F) -> F::Output {
    match pin!(future).poll(&mut Context::from_waker(Waker::noop())) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("an extractor waited on a body that is already in memory"),
    }
}

fn request(data: &[u8]) -> Option<Request> {
    let (&pick, body) = data.split_first()?;
    let mut builder = Request::builder().method("POST").uri("/");
    if let Some(content_type) = CONTENT_TYPES[usize::from(pick) % CONTENT_TYPES.len()] {
        builder = builder.header(header::CONTENT_TYPE, content_type);
    }
    builder.body(Body::from(body.to_vec())).ok()
}

/// The session and CSRF cookies: whatever the `Cookie` headers hold, a token found is one the
/// portal could have issued, and what the portal sets is read back as set.
pub fn cookies(data: &[u8]) {
    let mut headers = HeaderMap::new();
    for line in data.split(|&b| b == b'\n') {
        if let Ok(value) = HeaderValue::from_bytes(line) {
            headers.append(header::COOKIE, value);
        }
    }
    let base64url = |b: &u8| b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"[usize::from(*b % 64)];
    let encode = |bytes: &[u8]| -> String { bytes.iter().map(|b| char::from(base64url(b))).collect() };
    let is_base64url = |part: &str| part.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    // A session token is `<16 characters>.<43 characters>`; a CSRF token is 43 characters.
    let token_candidate: Option<String> =
        data.get(..59).map(|bytes| format!("{}.{}", encode(&bytes[..16]), encode(&bytes[16..])));
    let candidate: Option<String> = data.get(..43).map(encode);
    for https in [false, true] {
        let web = settings(https);
        if let Some(token) = cookies::session_token(&headers, &web) {
            let (key, secret) = token.expose().split_once('.').unwrap_or_default();
            assert!(key.len() == 16 && secret.len() == 43 && is_base64url(key) && is_base64url(secret));
        }
        if let Some(csrf) = cookies::csrf_cookie(&headers, &web) {
            assert_eq!(csrf.len(), 43);
        }
        // What the portal sets comes back, through a browser's `Cookie: name=value`.
        let returned = |set: HeaderValue| {
            let text = set.to_str().unwrap().to_owned();
            let pair = text.split(';').next().unwrap_or_default().to_owned();
            let mut back = HeaderMap::new();
            back.insert(header::COOKIE, HeaderValue::from_str(&pair).unwrap());
            back
        };
        assert!(cookies::session_token(&returned(cookies::clear_session(&web)), &web).is_none());
        if let Some(candidate) = &token_candidate {
            let token = portal_core::session::SessionToken::from_cookie(candidate).unwrap();
            let back = returned(cookies::set_session(&token, &web));
            assert_eq!(cookies::session_token(&back, &web).as_ref().map(|t| t.expose()), Some(candidate.as_str()));
        }
        if let Some(candidate) = &candidate {
            let back = returned(cookies::set_csrf(candidate, &web));
            assert_eq!(cookies::csrf_cookie(&back, &web).as_deref(), Some(candidate.as_str()));
        }
    }
}

/// Form bodies: the first byte picks the content type, the rest is the body. Each real form
/// type either reads or is refused with a 4xx; the decoder agrees with the `form_urlencoded`
/// crate wherever the body is UTF-8, and what it decodes survives encoding and decoding again.
pub fn form_body(data: &[u8]) {
    fn check<T: DeserializeOwned>(data: &[u8]) {
        let Some(req) = request(data) else { return };
        if let Err(e) = now(PageForm::<T>::from_request(req, &())) {
            assert!(
                matches!(
                    e.status,
                    StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE
                ),
                "a form body got {}: {}",
                e.status,
                e.message
            );
        }
    }
    check::<crate::pages::auth::LoginForm>(data);
    check::<crate::pages::claims::ItemForm>(data);

    let body = data.get(1..).unwrap_or_default();
    if let Some(pairs) = decode_form(body) {
        let by_crate: Vec<(String, String)> =
            form_urlencoded::parse(body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
        assert_eq!(pairs, by_crate, "decoding differs from form_urlencoded");
        let encoded = form_urlencoded::Serializer::new(String::new()).extend_pairs(&pairs).finish();
        assert_eq!(decode_form(encoded.as_bytes()), Some(pairs), "encode then decode changed the form: {encoded}");
    }
}

/// JSON bodies: the first byte picks the content type, the rest is the body. Each real body
/// type either reads or is refused with a 4xx; a 422 names a field, and the field it names is
/// the one the body got wrong (a key it sent, or a required key it left out).
pub fn json_body(data: &[u8]) {
    fn check<T: DeserializeOwned>(data: &[u8]) {
        let Some(req) = request(data) else { return };
        let Err(e) = now(ApiJson::<T>::from_request(req, &())) else { return };
        let e: ApiError = e;
        match e.status {
            StatusCode::BAD_REQUEST | StatusCode::PAYLOAD_TOO_LARGE | StatusCode::UNSUPPORTED_MEDIA_TYPE => {}
            StatusCode::UNPROCESSABLE_ENTITY if e.code == "invalid_body" => {}
            StatusCode::UNPROCESSABLE_ENTITY => {
                let field = e.field.as_deref().unwrap_or_else(|| panic!("422 without a field: {}", e.message));
                let object: serde_json::Map<String, serde_json::Value> = serde_json::from_slice(&data[1..])
                    .unwrap_or_else(|_| panic!("422 for a body that is not an object"));
                let sent = object.contains_key(field);
                if e.message.ends_with("is required") {
                    assert!(!sent, "{field:?} called missing but it was sent");
                } else {
                    assert!(sent, "the error names {field:?}, which the body does not have: {}", e.message);
                }
            }
            other => panic!("a JSON body got {other}: {}", e.message),
        }
    }
    check::<crate::api::auth::LoginBody>(data);
    check::<crate::api::claims::ItemBody>(data);
    check::<crate::api::claims::CreateBody>(data);
}
