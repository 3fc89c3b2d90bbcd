//! The passkey API's own rules over real HTTP, on SQLite and PostgreSQL: a portal reached by IP
//! address offers no passkeys; the options a ceremony starts with (a discoverable credential,
//! user verification required, the relying party from the public URL); and every way a finish
//! can be wrong (no ceremony, an expired, tampered or foreign one, a credential that is not one)
//! is a clear 4xx that changes nothing. The ceremonies themselves, with a real authenticator, are
//! in `crates/e2e/tests/passkey_journeys.rs`.

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{AppOptions, Backend, TestApp};
use serde_json::json;
use time::Duration;
use time::macros::date;

use crate::common::*;

async fn localhost_app(backend: Backend) -> TestApp {
    let options = AppOptions { localhost: true, ..AppOptions::mfa_from(date!(2026 - 03 - 01)) };
    let app = TestApp::spawn_with(backend, options).await;
    app.create_user(ANN, Role::Policyholder).await;
    app
}

/// The `portal_passkey` cookie a response set.
fn ceremony_cookie(response: &portal_testkit::reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_passkey="))
}

async fn start(app: &TestApp, client: &Client, path: &str, body: serde_json::Value) -> (serde_json::Value, String) {
    let response = app.post_json(client, path, body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = ceremony_cookie(&response).expect("the ceremony's cookie");
    (response.json().await.unwrap(), cookie)
}

#[tokio::test]
async fn a_portal_reached_by_ip_address_offers_no_passkeys() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        post(&app, &client, "/api/v1/login/passkey/start", json!({}))
            .await
            .assert_error(StatusCode::CONFLICT, "passkeys_unavailable");
        assert!(!get(&app, &client, "/login").await.text.contains("Sign in with a passkey"));
        login(&app, &client, ANN).await;
        assert!(!get(&app, &client, "/mfa/setup").await.text.contains("/mfa/setup/passkey"));
        post(&app, &client, "/api/v1/mfa/passkey/register/start", json!({ "name": "Phone" }))
            .await
            .assert_error(StatusCode::CONFLICT, "passkeys_unavailable");
    })
    .await;
}

#[tokio::test]
async fn ceremonies_start_with_a_discoverable_credential_and_user_verification_required() {
    each_backend(|backend| async move {
        let app = localhost_app(backend).await;
        let client = app.client();
        assert!(get(&app, &client, "/login").await.text.contains("Sign in with a passkey"));

        let (options, cookie) = start(&app, &client, "/api/v1/login/passkey/start", json!({})).await;
        let pk = &options["publicKey"];
        assert_eq!(pk["rpId"], "localhost", "{options}");
        assert_eq!(pk["userVerification"], "required");
        assert!(pk["challenge"].as_str().is_some_and(|c| c.len() >= 43), "{options}");
        assert!(options.get("mediation").is_none(), "a button asks at once: {options}");
        assert!(cookie.contains("HttpOnly") && cookie.contains("Max-Age=300"), "{cookie}");

        // At first-login setup: the passkey is named, and must be discoverable and verified.
        login(&app, &client, ANN).await;
        assert!(get(&app, &client, "/mfa/setup").await.text.contains("/mfa/setup/passkey"));
        // Empty, blank, too long, a control character.
        for name in ["", "  ", &"x".repeat(61), "a\u{0}b"] {
            post(&app, &client, "/api/v1/mfa/passkey/register/start", json!({ "name": name }))
                .await
                .assert_field("name");
        }
        let (options, _) =
            start(&app, &client, "/api/v1/mfa/passkey/register/start", json!({ "name": "My phone" })).await;
        let pk = &options["publicKey"];
        assert_eq!(pk["rp"]["id"], "localhost", "{options}");
        assert_eq!(pk["authenticatorSelection"]["residentKey"], "required", "{options}");
        assert_eq!(pk["authenticatorSelection"]["userVerification"], "required", "{options}");
        assert_eq!(pk["user"]["name"], ANN);
        // The user handle is the account's random id, not the email.
        assert_eq!(pk["user"]["id"].as_str().unwrap().len(), 22, "16 bytes, base64url: {options}");
    })
    .await;
}

#[tokio::test]
async fn a_finish_without_its_ceremony_or_with_a_foreign_or_broken_one_is_refused_and_changes_nothing() {
    each_backend(|backend| async move {
        let app = localhost_app(backend).await;
        let finish = "/api/v1/login/passkey/finish";
        let cred = json!({ "id": "AAAA", "rawId": "AAAA", "type": "public-key",
            "response": { "clientDataJSON": "e30", "authenticatorData": "AAAA", "signature": "AAAA" } });

        // No ceremony started in this browser.
        let fresh = app.client();
        post(&app, &fresh, finish, json!({ "credential": cred }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "passkey_expired");

        // A credential that is not an object, or no credential at all.
        let client = app.client();
        start(&app, &client, "/api/v1/login/passkey/start", json!({})).await;
        post(&app, &client, finish, json!({ "credential": "not a credential" })).await.assert_field("credential");
        let missing = post(&app, &client, finish, json!({})).await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", missing.text);
        post(&app, &client, "/api/v1/login/passkey/start", json!({ "extra": 1 })).await.assert_field("extra");

        // A credential of no passkey the portal knows: refused without telling whose.
        post(&app, &client, finish, json!({ "credential": cred }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "passkey_refused");

        // Tampered with, or expired after five minutes.
        let (_, cookie) = start(&app, &client, "/api/v1/login/passkey/start", json!({})).await;
        let value = cookie.split(';').next().unwrap().split_once('=').unwrap().1.to_owned();
        let mut bytes = value.into_bytes();
        bytes[20] = if bytes[20] == b'A' { b'B' } else { b'A' };
        let tampered = Client::builder()
            .default_headers(
                [(header::COOKIE, format!("portal_passkey={}", String::from_utf8(bytes).unwrap()).parse().unwrap())]
                    .into_iter()
                    .collect(),
            )
            .build()
            .unwrap();
        post(&app, &tampered, finish, json!({ "credential": cred }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "passkey_expired");
        app.clock.advance(Duration::minutes(5));
        post(&app, &client, finish, json!({ "credential": cred }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "passkey_expired");

        // A registration started by one session cannot be finished by another.
        let ann = app.client();
        login(&app, &ann, ANN).await;
        let (_, cookie) = start(&app, &ann, "/api/v1/mfa/passkey/register/start", json!({ "name": "Phone" })).await;
        app.create_user("bob@example.com", Role::Policyholder).await;
        let bob = app.client();
        let bob_session = login(&app, &bob, "bob@example.com").await.session.expect("Bob's session");
        let stolen = cookie.split(';').next().unwrap().to_owned();
        let response = Client::new()
            .post(app.url("/api/v1/mfa/passkey/register/finish"))
            .header(header::COOKIE, format!("portal_session={bob_session}; {stolen}"))
            .json(&json!({ "credential": cred }))
            .send()
            .await
            .unwrap();
        answer(response).await.assert_error(StatusCode::BAD_REQUEST, "passkey_expired");

        // Nothing was stored, nobody was signed in.
        me(&app, &fresh).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        me(&app, &bob).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
    })
    .await;
}

#[tokio::test]
async fn passkey_steps_need_the_right_session_and_method() {
    each_backend(|backend| async move {
        let app = localhost_app(backend).await;
        let client = app.client();
        // Not signed in at all.
        post(&app, &client, "/api/v1/mfa/passkey/verify/start", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        call(&app, &client, "DELETE", "/api/v1/mfa/passkeys/0123", None)
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        // A user with an app and no passkey cannot start a passkey step.
        let secret = enroll_totp(&app, &client, ANN).await;
        post(&app, &client, "/api/v1/logout", json!({})).await;
        login(&app, &client, ANN).await;
        post(&app, &client, "/api/v1/mfa/passkey/verify/start", json!({}))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "method_not_enrolled");
        verify(&app, &client, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        assert_eq!(me(&app, &client).await.ok(StatusCode::OK)["mfa"]["passkeys"], json!([]));
        call(&app, &client, "DELETE", "/api/v1/mfa/passkeys/0123", None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        let rename = call(&app, &client, "PATCH", "/api/v1/mfa/passkeys/0123", Some(json!({ "name": "" }))).await;
        rename.assert_field("name");
        // "passkey" is no code method.
        verify(&app, &client, "passkey", "123456").await.assert_error(StatusCode::CONFLICT, "wrong_step");
    })
    .await;
}

#[tokio::test]
async fn the_passkey_setup_page_speaks_spanish_to_a_spanish_reader() {
    each_backend(|backend| async move {
        let app = localhost_app(backend).await;
        let client = app.client();
        // `?lang=es` on the first page keeps Spanish in a cookie for the rest of the visit.
        let first = get(&app, &client, "/login?lang=es").await;
        assert!(first.text.contains(r#"<html lang="es">"#), "{}", first.text);
        login(&app, &client, ANN).await;
        let choose = get(&app, &client, "/mfa/setup").await;
        assert!(choose.text.contains("<strong>Llave de acceso</strong>"), "{}", choose.text);
        assert!(choose.text.contains("sin escribir ningún código. Requiere JavaScript."), "{}", choose.text);
        let page = get(&app, &client, "/mfa/setup/passkey").await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.text);
        let html = &page.text;
        assert!(html.contains(r#"<html lang="es">"#), "{html}");
        assert!(html.contains("<h1>Llave de acceso</h1>"), "{html}");
        assert!(html.contains(r#"<label for="passkey-name">Nombre de esta llave de acceso</label>"#), "{html}");
        assert!(html.contains(r#"<button type="submit" class="button primary">Crear una llave de acceso</button>"#));
        assert!(html.contains("Las llaves de acceso necesitan JavaScript, que está desactivado en este navegador."));
        assert!(!html.contains("Create a passkey"), "{html}");
    })
    .await;
}
