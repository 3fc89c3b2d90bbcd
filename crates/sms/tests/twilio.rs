//! `TwilioSms` against a real local HTTP server standing in for api.twilio.com: what goes on the
//! wire, and what an operator sees when Twilio refuses, fails, stalls or is unreachable.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use portal_core::language::Language;
use portal_core::sms::{PhoneE164, SmsSender};
use portal_sms::{TwilioConfig, TwilioSms};

const TO: &str = "+12015550123";
const FROM: &str = "+15005550006";
const BODY: &str = "Your Inventory Portal code is 493817. It expires in 10 minutes.";

/// What the fake Twilio saw.
#[derive(Debug, Clone)]
struct Recorded {
    method: Method,
    path: String,
    authorization: Option<String>,
    content_type: Option<String>,
    form: Vec<(String, String)>,
}

struct FakeTwilio {
    base_url: String,
    requests: Arc<Mutex<Vec<Recorded>>>,
}

/// Serves every request with `status` and `body` after `delay`, recording it first.
async fn fake_twilio(status: StatusCode, body: &'static str, delay: Duration) -> FakeTwilio {
    let requests = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&requests);
    let app = Router::new().fallback(async move |method: Method, uri: Uri, headers: HeaderMap, payload: Bytes| {
        let header = |name| headers.get(name).map(|v: &axum::http::HeaderValue| v.to_str().unwrap().to_owned());
        seen.lock().unwrap().push(Recorded {
            method,
            path: uri.path().to_owned(),
            authorization: header(header::AUTHORIZATION),
            content_type: header(header::CONTENT_TYPE),
            form: form_urlencoded::parse(&payload).into_owned().collect(),
        });
        tokio::time::sleep(delay).await;
        (status, [(header::CONTENT_TYPE, "application/json")], body)
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    FakeTwilio { base_url, requests }
}

fn twilio(base_url: &str, timeout: Duration) -> TwilioSms {
    let mut config = TwilioConfig::new("AC123", "secret-token", FROM);
    config.base_url = base_url.to_owned();
    config.timeout = timeout;
    TwilioSms::new(config).unwrap()
}

fn phone() -> PhoneE164 {
    PhoneE164::from_stored(TO.to_owned())
}

/// An error an operator may read: no number, no body (it holds the code), no token.
fn assert_discreet(error: &str) {
    for secret in ["2015550123", "493817", "Your Inventory Portal code", "secret-token"] {
        assert!(!error.contains(secret), "{secret:?} leaked into {error:?}");
    }
}

const CREATED: &str = r#"{"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued", "to": "+12015550123", "from": "+15005550006", "body": "Your Inventory Portal code is 493817. It expires in 10 minutes."}"#;

#[tokio::test]
async fn a_text_is_posted_to_the_messages_api_with_basic_auth_and_form_fields() {
    let server = fake_twilio(StatusCode::CREATED, CREATED, Duration::ZERO).await;
    twilio(&server.base_url, Duration::from_secs(5)).send(&phone(), BODY).await.unwrap();

    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(request.method, Method::POST);
    assert_eq!(request.path, "/2010-04-01/Accounts/AC123/Messages.json");
    // base64("AC123:secret-token")
    assert_eq!(request.authorization.as_deref(), Some("Basic QUMxMjM6c2VjcmV0LXRva2Vu"));
    assert_eq!(request.content_type.as_deref(), Some("application/x-www-form-urlencoded"));
    let field = |name: &str| request.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(field("To"), Some(TO));
    assert_eq!(field("From"), Some(FROM));
    assert_eq!(field("Body"), Some(BODY));
    assert_eq!(request.form.len(), 3);
}

#[tokio::test]
async fn a_call_is_posted_to_the_calls_api_with_twiml_that_says_the_code() {
    let server =
        fake_twilio(StatusCode::CREATED, r#"{"sid": "CA0123456789abcdef0123456789abcdef"}"#, Duration::ZERO).await;
    let spoken = "This is Tom & Jerry's <Portal>. Your verification code is: 4, 9, 3. Again: 4, 9, 3.";
    twilio(&server.base_url, Duration::from_secs(5)).call(&phone(), spoken, Language::English).await.unwrap();

    let requests = server.requests.lock().unwrap().clone();
    assert_eq!(requests.len(), 1);
    let request = &requests[0];
    assert_eq!(
        (request.method.clone(), request.path.as_str()),
        (Method::POST, "/2010-04-01/Accounts/AC123/Calls.json")
    );
    assert_eq!(request.authorization.as_deref(), Some("Basic QUMxMjM6c2VjcmV0LXRva2Vu"));
    let field = |name: &str| request.form.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str());
    assert_eq!(field("To"), Some(TO));
    assert_eq!(field("From"), Some(FROM));
    // The text is escaped for XML, so a portal name cannot break (or inject) TwiML.
    assert_eq!(
        field("Twiml"),
        Some(
            "<Response><Say language=\"en-US\" voice=\"Polly.Joanna\">This is Tom &amp; Jerry&apos;s &lt;Portal&gt;. \
             Your verification code is: 4, 9, 3. Again: 4, 9, 3.</Say></Response>"
        )
    );
    assert_eq!(request.form.len(), 3);

    // A refused call names the status, not the code.
    let refusing =
        fake_twilio(StatusCode::BAD_REQUEST, r#"{"code": 13224, "message": "Invalid phone number"}"#, Duration::ZERO)
            .await;
    let error = twilio(&refusing.base_url, Duration::from_secs(5))
        .call(&phone(), "Your Inventory Portal code is 493817", Language::English)
        .await
        .unwrap_err()
        .to_string();
    assert!(error.contains("400") && error.contains("13224"), "{error}");
    assert_discreet(&error);

    // A Spanish call is read by a voice that speaks US Spanish.
    let spanish =
        fake_twilio(StatusCode::CREATED, r#"{"sid": "CA0123456789abcdef0123456789abcdef"}"#, Duration::ZERO).await;
    twilio(&spanish.base_url, Duration::from_secs(5))
        .call(&phone(), "Su código de verificación es: cuatro, nueve, tres.", Language::Spanish)
        .await
        .unwrap();
    let requests = spanish.requests.lock().unwrap().clone();
    let twiml = requests[0].form.iter().find(|(k, _)| k == "Twiml").map(|(_, v)| v.clone()).unwrap();
    assert_eq!(
        twiml,
        "<Response><Say language=\"es-US\" voice=\"Polly.Lupe\">Su código de verificación es: cuatro, nueve, tres.\
         </Say></Response>"
    );
}

#[tokio::test]
async fn a_refusal_names_the_status_and_twilio_code_but_not_the_number_or_body() {
    let server = fake_twilio(
        StatusCode::BAD_REQUEST,
        r#"{"code": 21211, "message": "The 'To' number is not a valid phone number.", "more_info": "https://www.twilio.com/docs/errors/21211", "status": 400}"#,
        Duration::ZERO,
    )
    .await;
    let error = twilio(&server.base_url, Duration::from_secs(5)).send(&phone(), BODY).await.unwrap_err().to_string();
    assert!(error.contains("400"), "{error}");
    assert!(error.contains("21211"), "{error}");
    assert!(error.contains("is not a valid phone number"), "{error}");
    assert_discreet(&error);
}

#[tokio::test]
async fn a_number_quoted_in_twilios_message_is_scrubbed() {
    let server = fake_twilio(
        StatusCode::BAD_REQUEST,
        r#"{"code": 21211, "message": "The 'To' number +12015550123 is not a valid phone number.", "status": 400}"#,
        Duration::ZERO,
    )
    .await;
    let error = twilio(&server.base_url, Duration::from_secs(5)).send(&phone(), BODY).await.unwrap_err().to_string();
    assert!(error.contains("400") && error.contains("21211"), "{error}");
    assert_discreet(&error);
}

#[tokio::test]
async fn a_server_error_is_an_error() {
    let server = fake_twilio(StatusCode::INTERNAL_SERVER_ERROR, "oops, not JSON", Duration::ZERO).await;
    let error = twilio(&server.base_url, Duration::from_secs(5)).send(&phone(), BODY).await.unwrap_err().to_string();
    assert!(error.contains("500"), "{error}");
    assert!(!error.contains("oops"), "{error}");
    assert_discreet(&error);
}

#[tokio::test]
async fn a_slow_twilio_times_out() {
    let server = fake_twilio(StatusCode::CREATED, CREATED, Duration::from_secs(2)).await;
    let started = std::time::Instant::now();
    let error =
        twilio(&server.base_url, Duration::from_millis(300)).send(&phone(), BODY).await.unwrap_err().to_string();
    assert!(error.contains("timed out"), "{error}");
    assert!(started.elapsed() < Duration::from_millis(1500), "{:?}", started.elapsed());
    assert_discreet(&error);
}

#[tokio::test]
async fn nothing_listening_is_reported_as_unreachable() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let error = twilio(&base_url, Duration::from_secs(5)).send(&phone(), BODY).await.unwrap_err().to_string();
    assert!(error.contains("could not reach"), "{error}");
    assert_discreet(&error);
}
