//! What the claims tests share: an API caller, signed-in policyholders and adjusters, a claim.

#![allow(dead_code, clippy::unwrap_used, clippy::expect_used, clippy::panic)] // not every test file uses all of it

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode};
use portal_testkit::{Backend, TEST_PASSWORD, TestApp, backends};
use serde_json::{Value, json};

pub const ANN: &str = "ann@example.com";
pub const ADA: &str = "ada.adjuster@example.com";

pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("on {backend:?}");
        test(backend).await;
    }
}

#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub text: String,
    pub json: Value,
}

pub async fn answer(r: portal_testkit::reqwest::Response) -> Answer {
    let status = r.status();
    let text = r.text().await.unwrap();
    let json = serde_json::from_str(&text).unwrap_or(Value::Null);
    Answer { status, text, json }
}

impl Answer {
    pub fn ok(self, expected: StatusCode) -> Value {
        assert_eq!(self.status, expected, "{}", self.text);
        self.json
    }

    pub fn error(&self, status: StatusCode, code: &str) {
        assert_eq!(self.status, status, "{}", self.text);
        assert_eq!(self.json["error"]["code"], code, "{}", self.text);
    }
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
    let a = answer(app.api_login(&c, email, TEST_PASSWORD).await).await;
    assert_eq!(a.json["state"], "mfa_setup_required", "{}", a.text);
    let setup = call(app, &c, "POST", "/api/v1/mfa/totp/setup", Some(json!({}))).await.ok(StatusCode::OK);
    let code = app.oathtool_code(setup["secret"].as_str().unwrap());
    let done = call(app, &c, "POST", "/api/v1/mfa/totp/confirm", Some(json!({ "code": code }))).await;
    assert_eq!(done.json["state"], "authenticated", "{}", done.text);
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
