//! The rules for a new password (blocklist, the account's own words, NFKC) as a user meets them
//! on the reset / set-password page and the JSON API, and the migration of hashes made before
//! normalisation, over real HTTP on SQLite and (when configured) PostgreSQL.

use argon2::password_hash::{PasswordHasher as _, SaltString};
use portal_core::email::Email;
use portal_core::password::PasswordHashString;
use portal_core::user::Role;
use portal_testkit::reqwest::{Response, StatusCode};
use portal_testkit::{TEST_PASSWORD, TestApp, backends, csrf_from};
use serde_json::{Value, json};

use crate::common::{reset_token_in, submit_reset};

async fn api_login(app: &TestApp, email: &str, password: &str) -> StatusCode {
    let body = json!({ "email": email, "password": password });
    app.client().post(app.url("/api/v1/login")).json(&body).send().await.unwrap().status()
}

/// Asks for a reset link for `email` and returns its token from the mail.
async fn reset_token(app: &TestApp, email: &str, mails_before: usize) -> String {
    let client = app.client();
    let csrf = csrf_from(&client.get(app.url("/forgot-password")).send().await.unwrap().text().await.unwrap());
    client.post(app.url("/forgot-password")).form(&[("csrf", csrf.as_str()), ("email", email)]).send().await.unwrap();
    let mails = app.wait_for_mails(mails_before + 1).await;
    reset_token_in(&mails[mails_before])
}

async fn page_reset(app: &TestApp, token: &str, password: &str) -> Response {
    submit_reset(app, &app.client(), token, password).await
}

async fn api_reset(app: &TestApp, token: &str, password: &str) -> (StatusCode, Value) {
    let r = app
        .client()
        .post(app.url("/api/v1/password/reset"))
        .json(&json!({ "token": token, "password": password }))
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

/// The text of the error shown under the password field, if any.
fn password_field_error(html: &str) -> Option<String> {
    let start = html.find(r#"id="password-error""#)?;
    let text = &html[start..];
    let text = &text[text.find('>')? + 1..];
    Some(text[..text.find('<')?].to_owned())
}

#[tokio::test]
async fn a_common_or_personal_password_is_refused_naming_the_field_and_changes_nothing() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.create_user("dana.demo@example.com", Role::Policyholder).await;
        let token = reset_token(&app, "dana.demo@example.com", 0).await;

        // The page: 422, the reason next to the password field.
        let r = page_reset(&app, &token, "Password1234").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error = password_field_error(&r.text().await.unwrap()).expect("an error under the password field");
        assert!(error.contains("list of common or breached passwords"), "{error}");
        let r = page_reset(&app, &token, "Dana.Demo@example.com!").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        let error = password_field_error(&r.text().await.unwrap()).expect("an error under the password field");
        assert!(error.contains("must not be made of your email address, your name"), "{error}");

        // The JSON API: 422 naming `password`, with the reason.
        let (status, body) = api_reset(&app, &token, "qwertyuiop123").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "password");
        assert_eq!(body["error"]["code"], "invalid_field");
        assert!(body["error"]["message"].as_str().unwrap().contains("common or breached"), "{body}");
        let (status, body) = api_reset(&app, &token, "inventory portal 2026").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert_eq!(body["error"]["field"], "password");
        assert!(body["error"]["message"].as_str().unwrap().contains("portal's name"), "{body}");

        // Nothing changed: the old password still signs in, the refused ones do not.
        assert_eq!(api_login(&app, "dana.demo@example.com", TEST_PASSWORD).await, StatusCode::OK);
        assert_eq!(api_login(&app, "dana.demo@example.com", "Password1234").await, StatusCode::UNAUTHORIZED);

        // The link was not used up: a good password still goes through it.
        let (status, body) = api_reset(&app, &token, "a brand new passphrase").await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body}");
        assert_eq!(api_login(&app, "dana.demo@example.com", "a brand new passphrase").await, StatusCode::OK);
        assert_eq!(api_login(&app, "dana.demo@example.com", TEST_PASSWORD).await, StatusCode::UNAUTHORIZED);
        let (status, body) = api_reset(&app, &token, "yet another passphrase").await;
        assert_eq!((status, body["error"]["field"].clone()), (StatusCode::BAD_REQUEST, json!("token")), "used link");
    }
}

#[tokio::test]
async fn a_password_chosen_in_one_unicode_form_signs_in_typed_in_another() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let token = reset_token(&app, "ann@example.com", 0).await;
        // Chosen with decomposed accents (e + U+0300 …), as some keyboards and systems send them.
        let decomposed = "cre\u{300}me bru\u{302}le\u{301}e au cafe\u{301}";
        let r = page_reset(&app, &token, decomposed).await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(api_login(&app, "ann@example.com", "crème brûlée au café").await, StatusCode::OK, "composed");
        assert_eq!(api_login(&app, "ann@example.com", decomposed).await, StatusCode::OK, "as chosen");
        assert_eq!(
            api_login(&app, "ann@example.com", "ｃｒèｍｅ ｂｒûｌéｅ ａｕ ｃａｆé").await,
            StatusCode::OK,
            "full-width"
        );
        assert_eq!(api_login(&app, "ann@example.com", "creme brulee au cafe").await, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_hash_made_before_normalisation_still_signs_in_and_is_upgraded_on_success() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        let ann = app.create_user("ann@example.com", Role::Policyholder).await;
        // What an earlier release stored: argon2id of the text exactly as typed, decomposed.
        let decomposed = "cre\u{300}me bru\u{302}le\u{301}e au cafe\u{301}";
        let salt = SaltString::encode_b64(&[5u8; 16]).unwrap();
        let legacy = argon2::Argon2::default().hash_password(decomposed.as_bytes(), &salt).unwrap().to_string();
        let legacy = PasswordHashString(legacy);
        assert!(app.portal.store().replace_password_hash(&ann.id, &ann.password_hash, &legacy).await.unwrap());

        // Typed composed, it cannot match a hash of the decomposed text (yet).
        assert_eq!(api_login(&app, "ann@example.com", "crème brûlée au café").await, StatusCode::UNAUTHORIZED);
        // Typed as before, it signs in, and the stored hash is replaced by one of the NFKC form…
        assert_eq!(api_login(&app, "ann@example.com", decomposed).await, StatusCode::OK);
        let email = Email::parse("ann@example.com").unwrap();
        let stored = app.portal.store().user_by_email(&email).await.unwrap().unwrap().password_hash;
        assert_ne!(stored, legacy, "the hash was upgraded");
        // …so from now on every way of typing it signs in.
        assert_eq!(api_login(&app, "ann@example.com", "crème brûlée au café").await, StatusCode::OK);
        assert_eq!(api_login(&app, "ann@example.com", decomposed).await, StatusCode::OK);
        let again = app.portal.store().user_by_email(&email).await.unwrap().unwrap().password_hash;
        assert_eq!(again, stored, "an up-to-date hash is left alone");
    }
}

#[tokio::test]
async fn the_rules_are_explained_in_spanish_to_a_spanish_reader() {
    for backend in backends() {
        let app = TestApp::spawn(backend).await;
        app.create_user("dana.demo@example.com", Role::Policyholder).await;
        let token = reset_token(&app, "dana.demo@example.com", 0).await;
        let spanish = portal_testkit::browser_client();
        // `?lang=es` once; the cookie it leaves keeps the next pages Spanish.
        let page = spanish.get(app.url("/reset-password?lang=es")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<html lang="es">"#) && page.contains("Use al menos 12 caracteres."), "{page}");

        for (password, reason) in [
            ("Password1234", "Esta contraseña figura en una lista de contraseñas comunes o filtradas; elija otra"),
            (
                "Dana.Demo@example.com!",
                "La contraseña no puede estar formada por su dirección de correo electrónico, su nombre ni el nombre del portal",
            ),
            ("corta", "La contraseña debe tener al menos 12 caracteres"),
        ] {
            let r = submit_reset(&app, &spanish, &token, password).await;
            assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
            let error = password_field_error(&r.text().await.unwrap()).expect("an error under the password field");
            assert_eq!(error, reason);
        }
        // The JSON API keeps its English messages (machine-facing).
        let (status, body) = api_reset(&app, &token, "qwertyuiop123").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(body["error"]["message"].as_str().unwrap().contains("common or breached"), "{body}");
    }
}
