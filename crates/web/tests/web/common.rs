//! What the tests share: reading an answer in full, the API calls and sign-in steps most tests
//! take, a portal with MFA switched on, signed-in policyholders and adjusters, and a claim.

use portal_core::clock::Clock as _;
use portal_core::user::Role;
use portal_testkit::reqwest::{Client, Response, StatusCode, header};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp, csrf_from, oathtool_at};
use serde_json::{Value, json};
use time::Duration;
use time::macros::date;

pub use portal_testkit::each_backend;

pub const ANN: &str = "ann@example.com";
pub const ADA: &str = "ada.adjuster@example.com";

/// MFA switched on 2026-03-01, the day before the tests start: a policyholder created at
/// `TEST_START` (2026-03-02) has until 2026-04-16, and everyone sets a method up at sign-in.
pub async fn mfa_app(backend: Backend) -> TestApp {
    TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 03 - 01))).await
}

/// [`mfa_app`] with Ann, a policyholder created at `TEST_START`, and a client of her own.
pub async fn mfa_app_with_ann(backend: Backend) -> (TestApp, Client) {
    let app = mfa_app(backend).await;
    app.create_user(ANN, Role::Policyholder).await;
    let client = app.client();
    (app, client)
}

// ----- Reading answers ---------------------------------------------------------------------------

/// A response read in full.
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub retry_after: Option<u64>,
    /// The session token a `Set-Cookie` gave (empty when it cleared the cookie).
    pub session: Option<String>,
    pub location: Option<String>,
    pub content_type: String,
    pub text: String,
    pub json: Value,
}

pub async fn answer(response: Response) -> Answer {
    let status = response.status();
    let headers = response.headers();
    let retry_after =
        headers.get(header::RETRY_AFTER).map(|v| v.to_str().unwrap().parse::<u64>().expect("Retry-After in seconds"));
    let session = headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_session="))
        .map(|c| c.split(';').next().unwrap().split_once('=').unwrap().1.to_owned());
    let location = headers.get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    let content_type = headers.get(header::CONTENT_TYPE).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default();
    let text = response.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, retry_after, session, location, content_type, text, json }
}

impl Answer {
    pub fn code(&self) -> &str {
        self.json["error"]["code"].as_str().unwrap_or_default()
    }

    pub fn field(&self) -> &str {
        self.json["error"]["field"].as_str().unwrap_or_default()
    }

    pub fn is_redirect_to(&self, target: &str) -> bool {
        matches!(self.status, StatusCode::SEE_OTHER | StatusCode::TEMPORARY_REDIRECT)
            && self.location.as_deref() == Some(target)
    }

    /// The JSON body of an answer that must have `expected` as its status.
    #[track_caller]
    pub fn ok(self, expected: StatusCode) -> Value {
        assert_eq!(self.status, expected, "{}", self.text);
        self.json
    }

    #[track_caller]
    pub fn assert_ok(&self) {
        assert_eq!(self.status, StatusCode::OK, "{}", self.text);
    }

    #[track_caller]
    pub fn assert_authenticated(&self) {
        self.assert_ok();
        assert_eq!(self.json, json!({ "state": "authenticated" }));
    }

    #[track_caller]
    pub fn assert_error(&self, status: StatusCode, code: &str) {
        assert_eq!((self.status, self.code()), (status, code), "{}", self.text);
    }

    #[track_caller]
    pub fn assert_field(&self, field: &str) {
        assert_eq!((self.status, self.field()), (StatusCode::UNPROCESSABLE_ENTITY, field), "{}", self.text);
    }

    #[track_caller]
    pub fn assert_redirect(&self, target: &str) {
        assert!(self.is_redirect_to(target), "expected a redirect to {target}: {} {:?}", self.status, self.location);
    }

    /// 429 with a `Retry-After` of at least one second.
    #[track_caller]
    pub fn assert_throttled(&self, code: &str) -> u64 {
        self.assert_error(StatusCode::TOO_MANY_REQUESTS, code);
        let secs = self.retry_after.expect("429 carries Retry-After");
        assert!(secs >= 1, "Retry-After {secs}");
        secs
    }

    pub fn events(&self) -> Vec<Value> {
        self.json["events"].as_array().unwrap_or_else(|| panic!("events in {}", self.text)).clone()
    }
}

// ----- Calling the portal ------------------------------------------------------------------------

pub async fn get(app: &TestApp, client: &Client, path: &str) -> Answer {
    answer(client.get(app.url(path)).send().await.unwrap()).await
}

pub async fn post(app: &TestApp, client: &Client, path: &str, body: Value) -> Answer {
    answer(app.post_json(client, path, body).await).await
}

pub async fn post_form(app: &TestApp, client: &Client, path: &str, fields: &[(&str, &str)]) -> Answer {
    answer(client.post(app.url(path)).form(fields).send().await.unwrap()).await
}

pub async fn call(app: &TestApp, c: &Client, method: &str, path: &str, body: Option<Value>) -> Answer {
    let mut req = c.request(method.parse().unwrap(), app.url(path));
    if let Some(b) = body {
        req = req.json(&b);
    }
    answer(req.send().await.unwrap()).await
}

pub async fn csv_call(app: &TestApp, c: &Client, path: &str, body: Vec<u8>) -> Answer {
    answer(c.post(app.url(path)).header("content-type", "text/csv").body(body).send().await.unwrap()).await
}

// ----- Claims ------------------------------------------------------------------------------------

/// A policyholder signed in (MFA not switched on yet for policyholders in the default options).
pub async fn policyholder(app: &TestApp, email: &str) -> Client {
    app.create_user(email, Role::Policyholder).await;
    let c = app.client();
    let a = answer(app.api_login(&c, email, TEST_PASSWORD).await).await;
    assert_eq!(a.json["state"], "authenticated", "{}", a.text);
    c
}

/// An adjuster fully signed in: staff always set up and pass MFA.
pub async fn adjuster(app: &TestApp, email: &str) -> Client {
    app.create_user(email, Role::Adjuster).await;
    let c = app.client();
    enroll_totp(app, &c, email).await;
    c
}

pub async fn open_claim(app: &TestApp, adj: &Client, number: &str, email: &str) -> String {
    let body = json!({
        "claim_number": number,
        "loss_date": "2026-02-14",
        "loss_address": "12 Elm St",
        "policyholder_email": email,
        "policyholder_name": "Ann Lee",
    });
    let v = call(app, adj, "POST", "/api/v1/claims", Some(body)).await.ok(StatusCode::CREATED);
    v["id"].as_str().unwrap().to_owned()
}

pub fn item(description: &str, room: &str, quantity: i64, cost: i64) -> Value {
    json!({ "description": description, "room": room, "quantity": quantity, "replacement_cost_cents": cost })
}

pub async fn add(app: &TestApp, c: &Client, claim: &str, body: Value) -> Value {
    call(app, c, "POST", &format!("/api/v1/claims/{claim}/items"), Some(body)).await.ok(StatusCode::CREATED)
}

pub async fn get_claim(app: &TestApp, c: &Client, claim: &str) -> Value {
    call(app, c, "GET", &format!("/api/v1/claims/{claim}"), None).await.ok(StatusCode::OK)
}

/// Ann's claim with Ada as adjuster.
pub async fn setup(app: &TestApp) -> (Client, Client, String) {
    let ann = policyholder(app, ANN).await;
    let ada = adjuster(app, ADA).await;
    let claim = open_claim(app, &ada, "CLM-1001", ANN).await;
    (ann, ada, claim)
}

// ----- Signing in --------------------------------------------------------------------------------

/// A client that sends exactly this session token and keeps no cookies of its own.
pub fn client_with_token(token: &str) -> Client {
    let mut headers = header::HeaderMap::new();
    headers.insert(header::COOKIE, header::HeaderValue::from_str(&format!("portal_session={token}")).unwrap());
    Client::builder().default_headers(headers).build().unwrap()
}

pub async fn login(app: &TestApp, client: &Client, email: &str) -> Answer {
    answer(app.api_login(client, email, TEST_PASSWORD).await).await
}

pub async fn me(app: &TestApp, client: &Client) -> Answer {
    get(app, client, "/api/v1/me").await
}

pub async fn verify(app: &TestApp, client: &Client, method: &str, code: &str) -> Answer {
    post(app, client, "/api/v1/mfa/verify", json!({ "method": method, "code": code })).await
}

/// Signs in with the password, sets the authenticator app up and confirms it: the client is then
/// fully signed in with a fresh second factor. Returns the secret.
pub async fn enroll_totp(app: &TestApp, client: &Client, email: &str) -> String {
    let first = login(app, client, email).await;
    first.assert_ok();
    assert_eq!(first.json["state"], "mfa_setup_required", "{}", first.text);
    add_totp(app, client).await
}

/// Sets an authenticator app up on a session that may do so (setting up, or fully signed in with
/// a fresh second factor) and confirms it: the session is then fully signed in. Returns the secret.
pub async fn add_totp(app: &TestApp, client: &Client) -> String {
    let setup = post(app, client, "/api/v1/mfa/totp/setup", json!({})).await;
    setup.assert_ok();
    let secret = setup.json["secret"].as_str().expect("secret").to_owned();
    post(app, client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) }))
        .await
        .assert_authenticated();
    secret
}

/// Signs in with the password and sets text messages up on `phone` (US).
pub async fn enroll_sms(app: &TestApp, client: &Client, email: &str, phone: &str) {
    let first = login(app, client, email).await;
    assert_eq!(first.json["state"], "mfa_setup_required", "{}", first.text);
    let sent = post(app, client, "/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": phone })).await;
    sent.assert_ok();
    post(app, client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() })).await.assert_authenticated();
}

/// The clock moves to the next 30-second step and the app shows its code.
pub fn next_totp(app: &TestApp, secret: &str) -> String {
    app.clock.advance(Duration::seconds(30));
    app.oathtool_code(secret)
}

/// A six-digit code that matches none of the steps t−1, t, t+1.
pub fn wrong_totp(app: &TestApp, secret: &str) -> String {
    let now = app.clock.now();
    let near: Vec<String> = [-30, 0, 30].iter().map(|s| oathtool_at(secret, now + Duration::seconds(*s))).collect();
    (0..10).map(|d| d.to_string().repeat(6)).find(|c| !near.contains(c)).unwrap()
}

// ----- Password resets ---------------------------------------------------------------------------

/// The token of the reset link in a mail.
pub fn reset_token_in(mail: &Value) -> String {
    let body = mail["body"].as_str().unwrap();
    let start = body.find("token=").unwrap() + "token=".len();
    body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect()
}

/// Opens the reset page of `token` and submits `password` (twice) with the page's CSRF token.
pub async fn submit_reset(app: &TestApp, client: &Client, token: &str, password: &str) -> Response {
    let page =
        client.get(app.url(&format!("/reset-password?token={token}"))).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page);
    client
        .post(app.url("/reset-password"))
        .form(&[("csrf", csrf.as_str()), ("token", token), ("password", password), ("confirm", password)])
        .send()
        .await
        .unwrap()
}
