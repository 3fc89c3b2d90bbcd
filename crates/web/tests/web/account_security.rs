//! A user's own security end to end over real HTTP, on SQLite and PostgreSQL: recovery codes
//! (shown once, each signing in once, counted in the throttle, voided by a new set or a support
//! reset), "don't ask for a code on this device" (never for staff, forgotten by a password
//! reset, a removed method or "forget"), one's open sessions, and the security page's forms.

use portal_core::RequestContext;
use portal_core::console::{ConsoleAction, SupportActor};
use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{AppOptions, TestApp, csrf_from};
use serde_json::json;
use time::Duration;
use time::macros::date;

use crate::common::*;

async fn logout(app: &TestApp, client: &Client) {
    let a = post(app, client, "/api/v1/logout", json!({})).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT, "{}", a.text);
}

async fn new_codes(app: &TestApp, client: &Client) -> Vec<String> {
    let v = post(app, client, "/api/v1/mfa/recovery-codes", json!({})).await.ok(StatusCode::OK);
    v["codes"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect()
}

async fn recovery(app: &TestApp, client: &Client, code: &str) -> Answer {
    verify(app, client, "recovery", code).await
}

fn mail_bodies(app: &TestApp) -> Vec<String> {
    app.mails().iter().map(|m| format!("{}\n{}", m["subject"], m["body"])).collect()
}

/// The `portal_device` cookie a response set, with its attributes.
fn device_cookie(response: &portal_testkit::reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("portal_device="))
}

/// Verifies with the authenticator app and "don't ask again on this device"; the device cookie.
async fn verify_remembering(app: &TestApp, client: &Client, code: &str) -> Option<String> {
    let body = json!({ "method": "totp", "code": code, "remember_device": true });
    let response = app.post_json(client, "/api/v1/mfa/verify", body).await;
    assert_eq!(response.status(), StatusCode::OK);
    device_cookie(&response)
}

// ----- Recovery codes ----------------------------------------------------------------------------

#[tokio::test]
async fn ten_recovery_codes_are_shown_once_and_each_signs_in_once() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        enroll_totp(&app, &client, ANN).await;
        assert_eq!(me(&app, &client).await.ok(StatusCode::OK)["mfa"]["recovery_codes_left"], 0);

        let codes = new_codes(&app, &client).await;
        assert_eq!(codes.len(), 10);
        let mut distinct = codes.clone();
        distinct.sort();
        distinct.dedup();
        assert_eq!(distinct.len(), 10, "{codes:?}");
        for code in &codes {
            let (a, b) = code.split_once('-').expect("two groups");
            assert!(a.len() == 5 && b.len() == 5, "{code}");
            assert!(code.chars().all(|c| c == '-' || c.is_ascii_digit() || c.is_ascii_lowercase()), "{code}");
        }
        let me_now = me(&app, &client).await.ok(StatusCode::OK);
        assert_eq!(me_now["mfa"]["recovery_codes_left"], 10);
        assert_eq!(me_now["mfa"]["methods"], json!(["totp"]), "recovery codes are not a method");
        assert!(mail_bodies(&app).iter().any(|m| m.contains("New recovery codes were created")));

        // Typed as a person might: upper case, a space instead of the dash.
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        let typed = codes[0].to_uppercase().replace('-', " ");
        let used = recovery(&app, &client, &typed).await.ok(StatusCode::OK);
        assert_eq!(used, json!({ "state": "authenticated", "recovery_codes_left": 9 }));
        assert_eq!(me(&app, &client).await.ok(StatusCode::OK)["mfa"]["recovery_codes_left"], 9);
        let mails = app.wait_for_mails(3).await;
        let told = mails
            .iter()
            .find(|m| m["subject"].as_str().unwrap().starts_with("A recovery code was used to sign in"))
            .expect("an email");
        assert!(told["body"].as_str().unwrap().contains("You have 9 recovery codes left."), "{told}");

        // The same code never works again; another one does.
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        recovery(&app, &client, &codes[0]).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        assert_eq!(recovery(&app, &client, &codes[1]).await.ok(StatusCode::OK)["recovery_codes_left"], 8);
    })
    .await;
}

#[tokio::test]
async fn a_new_set_voids_the_old_one_and_needs_a_second_factor_in_the_last_ten_minutes() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;
        let first = new_codes(&app, &client).await;

        app.clock.advance(Duration::minutes(11));
        post(&app, &client, "/api/v1/mfa/recovery-codes", json!({}))
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        verify(&app, &client, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        let second = new_codes(&app, &client).await;
        assert!(first.iter().all(|c| !second.contains(c)));

        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        recovery(&app, &client, &first[3]).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        assert_eq!(recovery(&app, &client, &second[3]).await.ok(StatusCode::OK)["recovery_codes_left"], 9);
    })
    .await;
}

#[tokio::test]
async fn wrong_recovery_codes_count_toward_the_pause_like_any_wrong_code() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        enroll_totp(&app, &client, ANN).await;
        let codes = new_codes(&app, &client).await;
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        for _ in 0..5 {
            recovery(&app, &client, "aaaaa-bbbbb").await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        // Paused now: even a right code is refused, and not used up.
        recovery(&app, &client, &codes[0]).await.assert_throttled("too_many_attempts");
        app.clock.advance(Duration::minutes(2));
        assert_eq!(recovery(&app, &client, &codes[0]).await.ok(StatusCode::OK)["recovery_codes_left"], 9);
    })
    .await;
}

#[tokio::test]
async fn malformed_recovery_codes_are_refused_by_field_before_any_comparison() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        enroll_totp(&app, &client, ANN).await;
        let codes = new_codes(&app, &client).await;
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        for bad in ["", "abc", "aaaaa-bbbbb-c", "ááááá-bbbbb", "aaaaa-bbbbu"] {
            recovery(&app, &client, bad).await.assert_field("code");
        }
        let wrong_method = post(&app, &client, "/api/v1/mfa/verify", json!({ "method": "paper", "code": "1" })).await;
        wrong_method.assert_field("method");
        let wrong_type =
            post(&app, &client, "/api/v1/mfa/verify", json!({ "method": "recovery", "code": 12345 })).await;
        assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", wrong_type.text);
        let remember = json!({ "method": "recovery", "code": "aaaaa-bbbbb", "remember_device": "yes" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/verify", remember).await.status, StatusCode::UNPROCESSABLE_ENTITY);
        // None of that counted as a guess: five wrong codes would pause the account.
        assert_eq!(recovery(&app, &client, &codes[0]).await.ok(StatusCode::OK)["recovery_codes_left"], 9);
    })
    .await;
}

#[tokio::test]
async fn recovery_codes_need_a_method_and_a_support_reset_removes_them() {
    each_backend(|backend| async move {
        // Before the switch-on a policyholder may sign in without a method: no codes for them.
        let app = TestApp::spawn(backend).await;
        let client = policyholder(&app, ANN).await;
        post(&app, &client, "/api/v1/mfa/recovery-codes", json!({}))
            .await
            .assert_error(StatusCode::CONFLICT, "no_method");

        add_totp(&app, &client).await;
        let codes = new_codes(&app, &client).await;
        assert_eq!(codes.len(), 10);
        let user = user(&app, ANN).await;
        let operator = SupportActor::Operator { login: "support@example.com" };
        app.portal
            .support_act(operator, &user.id, ConsoleAction::ResetMfa, "lost phone", None, &RequestContext::cli())
            .await
            .unwrap();
        // Signed out by the reset; the codes are gone with the methods.
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        assert!(app.portal.store().recovery_codes(&user.id).await.unwrap().is_empty());
    })
    .await;
}

async fn user(app: &TestApp, email: &str) -> portal_core::user::User {
    let email = portal_core::email::Email::parse(email).unwrap();
    app.portal.store().user_by_email(&email).await.unwrap().expect("the user")
}

// ----- Remembered devices ------------------------------------------------------------------------

#[tokio::test]
async fn a_remembered_device_skips_the_code_until_it_is_forgotten_and_other_devices_still_need_one() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        let cookie = verify_remembering(&app, &client, &next_totp(&app, &secret)).await.expect("a device cookie");
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Max-Age=2592000"), "30 days: {cookie}");
        assert!(mail_bodies(&app).iter().any(|m| m.contains("will not be asked for a verification code for 30 days")));

        logout(&app, &client).await;
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.json, json!({ "state": "authenticated" }), "only the password: {}", a.text);
        let devices = get(&app, &client, "/api/v1/devices").await.ok(StatusCode::OK);
        let list = devices["devices"].as_array().unwrap();
        assert_eq!(list.len(), 1, "{devices}");
        assert!(list[0]["last_used_at"].is_string() && list[0]["created_at"].is_string());

        // Another browser is asked for a code.
        let other = app.client();
        assert_eq!(login(&app, &other, ANN).await.json["state"], "mfa_required");

        // Forgetting needs a fresh second factor: the remembered sign-in had none.
        let id = list[0]["id"].as_str().unwrap().to_owned();
        let path = format!("/api/v1/devices/{id}");
        call(&app, &client, "DELETE", &path, None).await.assert_error(StatusCode::FORBIDDEN, "step_up_required");
        verify(&app, &client, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        assert_eq!(call(&app, &client, "DELETE", &path, None).await.status, StatusCode::NO_CONTENT);
        call(&app, &client, "DELETE", &path, None).await.assert_error(StatusCode::NOT_FOUND, "not_found");
        call(&app, &client, "DELETE", "/api/v1/devices/not-an-id", None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");

        logout(&app, &client).await;
        assert_eq!(login(&app, &client, ANN).await.json["state"], "mfa_required");
    })
    .await;
}

#[tokio::test]
async fn a_remembered_device_expires_and_is_forgotten_by_a_password_reset_or_a_removed_method() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        verify_remembering(&app, &client, &next_totp(&app, &secret)).await.expect("remembered");

        // 30 days later the device is asked again.
        logout(&app, &client).await;
        app.clock.advance(Duration::days(30));
        assert_eq!(login(&app, &client, ANN).await.json["state"], "mfa_required");
        verify_remembering(&app, &client, &next_totp(&app, &secret)).await.expect("remembered again");

        // Removing a method (here after adding text messages) forgets every device.
        post(&app, &client, "/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": "201-555-0143" }))
            .await
            .assert_ok();
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() }))
            .await
            .assert_authenticated();
        let removed = post(&app, &client, "/api/v1/mfa/remove", json!({ "method": "sms" })).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
        logout(&app, &client).await;
        assert_eq!(login(&app, &client, ANN).await.json["state"], "mfa_required");

        // A password reset does too.
        verify_remembering(&app, &client, &next_totp(&app, &secret)).await.expect("remembered again");
        let user = user(&app, ANN).await;
        let link = app.portal.password_link(&user, Duration::hours(1)).await.unwrap();
        let token = link.split("token=").nth(1).unwrap();
        let reset = post(
            &app,
            &app.client(),
            "/api/v1/password/reset",
            json!({ "token": token, "password": "a brand new passphrase 2026" }),
        )
        .await;
        assert!(reset.status.is_success(), "{}", reset.text);
        let a = answer(app.api_login(&client, ANN, "a brand new passphrase 2026").await).await;
        assert_eq!(a.json["state"], "mfa_required", "{}", a.text);
    })
    .await;
}

#[tokio::test]
async fn staff_and_a_portal_with_remembering_off_never_remember_a_device() {
    each_backend(|backend| async move {
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.mfa.remember_device_days = 0;
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user(ANN, Role::Policyholder).await;
        let ann = app.client();
        let secret = enroll_totp(&app, &ann, ANN).await;
        logout(&app, &ann).await;
        login(&app, &ann, ANN).await;
        assert_eq!(verify_remembering(&app, &ann, &next_totp(&app, &secret)).await, None);
        logout(&app, &ann).await;
        assert_eq!(login(&app, &ann, ANN).await.json["state"], "mfa_required");
    })
    .await;
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ADA, Role::Adjuster).await;
        let ada = app.client();
        let secret = enroll_totp(&app, &ada, ADA).await;
        logout(&app, &ada).await;
        login(&app, &ada, ADA).await;
        assert_eq!(verify_remembering(&app, &ada, &next_totp(&app, &secret)).await, None, "never for staff");
        logout(&app, &ada).await;
        assert_eq!(login(&app, &ada, ADA).await.json["state"], "mfa_required");
    })
    .await;
}

// ----- Sessions ----------------------------------------------------------------------------------

#[tokio::test]
async fn a_user_sees_where_they_are_signed_in_and_signs_the_other_devices_out() {
    each_backend(|backend| async move {
        let (app, laptop) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &laptop, ANN).await;
        let phone = app.client();
        login(&app, &phone, ANN).await;
        verify(&app, &phone, "totp", &next_totp(&app, &secret)).await.assert_authenticated();

        let listed = get(&app, &laptop, "/api/v1/sessions").await.ok(StatusCode::OK);
        let sessions = listed["sessions"].as_array().unwrap().clone();
        assert_eq!(sessions.len(), 2, "{listed}");
        assert_eq!(sessions.iter().filter(|s| s["current"] == true).count(), 1);
        assert_eq!(sessions[0]["current"], true, "the current session first");
        assert!(sessions.iter().all(|s| s["ip"] == "127.0.0.1" && s["last_seen_at"].is_string()));
        let phone_id = sessions[1]["id"].as_str().unwrap().to_owned();
        let own_id = sessions[0]["id"].as_str().unwrap().to_owned();

        // Not the current one (that is "sign out"), nor an id that is not theirs.
        call(&app, &laptop, "DELETE", &format!("/api/v1/sessions/{own_id}"), None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        call(&app, &laptop, "DELETE", "/api/v1/sessions/0123456789abcdef01234567", None)
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        let ended = call(&app, &laptop, "DELETE", &format!("/api/v1/sessions/{phone_id}"), None).await;
        assert_eq!(ended.status, StatusCode::NO_CONTENT, "{}", ended.text);
        me(&app, &phone).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        me(&app, &laptop).await.assert_ok();

        // "Sign out everywhere else", which after ten minutes needs a code again.
        login(&app, &phone, ANN).await;
        verify(&app, &phone, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        app.clock.advance(Duration::minutes(11));
        post(&app, &laptop, "/api/v1/sessions/end-others", json!({}))
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        verify(&app, &laptop, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        let ended = post(&app, &laptop, "/api/v1/sessions/end-others", json!({})).await.ok(StatusCode::OK);
        assert_eq!(ended, json!({ "sessions_ended": 1 }));
        me(&app, &phone).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        me(&app, &laptop).await.assert_ok();
        assert!(mail_bodies(&app).iter().any(|m| m.contains("were signed out from your security page")));
    })
    .await;
}

// ----- Pages -------------------------------------------------------------------------------------

#[tokio::test]
async fn the_security_page_shows_everything_and_its_forms_change_it() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;

        // Home offers recovery codes to a user with a method and none yet.
        let home = get(&app, &client, "/").await;
        assert!(home.text.contains("Create my recovery codes"), "{}", home.text);
        let page = get(&app, &client, "/account/security").await;
        page.assert_ok();
        for text in [
            "Authenticator app",
            "You have <strong>0</strong> unused codes",
            "Where you are signed in",
            "(this device)",
            "Recent sign-in activity",
            "Authenticator app set up",
            "No device skips the verification code",
        ] {
            assert!(page.text.contains(text), "{text} in {}", page.text);
        }
        let csrf = csrf_from(&page.text);

        // Codes are shown once, in a page nobody caches, and download as text.
        let response =
            client.post(app.url("/account/recovery-codes")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        assert_eq!(response.headers()[header::CACHE_CONTROL], "no-store");
        let shown = answer(response).await;
        shown.assert_ok();
        let codes: Vec<String> =
            shown.text.split("<code>").skip(1).map(|s| s.split("</code>").next().unwrap().to_owned()).collect();
        assert_eq!(codes.len(), 10, "{}", shown.text);
        let joined = codes.join(" ");
        let response = client
            .post(app.url("/account/recovery-codes/download"))
            .form(&[("csrf", csrf.as_str()), ("codes", joined.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(response.headers()[header::CONTENT_DISPOSITION], "attachment; filename=\"recovery-codes.txt\"");
        let text = response.text().await.unwrap();
        assert!(codes.iter().all(|c| text.contains(c)), "{text}");
        let forged =
            post_form(&app, &client, "/account/recovery-codes/download", &[("csrf", &csrf), ("codes", "<script>")])
                .await;
        assert_eq!(forged.status, StatusCode::UNPROCESSABLE_ENTITY);
        let no_token = post_form(&app, &client, "/account/recovery-codes", &[("csrf", "wrong")]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN);
        assert!(!get(&app, &client, "/").await.text.contains("Create my recovery codes"));

        // Signing in with a recovery code through the verify page lands on the security page.
        logout(&app, &client).await;
        login(&app, &client, ANN).await;
        let verify_page = get(&app, &client, "/mfa/verify").await;
        assert!(verify_page.text.contains("Lost your phone? Use a recovery code"), "{}", verify_page.text);
        assert!(verify_page.text.contains("Don't ask for a code on this device for 30 days"));
        let recovery_page = get(&app, &client, "/mfa/verify?method=recovery").await;
        assert!(recovery_page.text.contains("Recovery code"), "{}", recovery_page.text);
        let csrf = csrf_from(&recovery_page.text);
        let bad = post_form(
            &app,
            &client,
            "/mfa/verify",
            &[("csrf", &csrf), ("method", "recovery"), ("recovery_code", "nope")],
        )
        .await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(bad.text.contains("A recovery code is 10 letters and digits"), "{}", bad.text);
        post_form(
            &app,
            &client,
            "/mfa/verify",
            &[("csrf", &csrf), ("method", "recovery"), ("recovery_code", &codes[0])],
        )
        .await
        .assert_redirect("/account/security?done=recovery");
        let page = get(&app, &client, "/account/security?done=recovery").await;
        assert!(page.text.contains("You signed in with a recovery code"), "{}", page.text);
        assert!(page.text.contains("You have <strong>9</strong> unused codes"), "{}", page.text);
        assert!(page.text.contains("Code (recovery code)"), "{}", page.text);

        // A change with a stale second factor goes through the verify page and back.
        app.clock.advance(Duration::minutes(11));
        let csrf = csrf_from(&page.text);
        post_form(&app, &client, "/account/sessions/end-others", &[("csrf", &csrf)])
            .await
            .assert_redirect("/mfa/verify?next=security");
        let form = [("csrf", csrf.as_str()), ("method", "totp"), ("next", "security")];
        let code = next_totp(&app, &secret);
        let mut fields = form.to_vec();
        fields.push(("code", code.as_str()));
        post_form(&app, &client, "/mfa/verify", &fields).await.assert_redirect("/account/security");
        let page = get(&app, &client, "/account/security").await;
        let csrf = csrf_from(&page.text);
        post_form(&app, &client, "/account/sessions/end-others", &[("csrf", &csrf)])
            .await
            .assert_redirect("/account/security?done=ended");
    })
    .await;
}

// ----- In Spanish --------------------------------------------------------------------------------

#[tokio::test]
async fn home_the_security_page_and_recovery_codes_speak_spanish_and_so_do_the_notices() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        enroll_totp(&app, &client, ANN).await;
        // Ann chooses Spanish in the footer: kept with her account, so her notices follow.
        let csrf = csrf_from(&get(&app, &client, "/").await.text);
        post_form(&app, &client, "/language", &[("lang", "es"), ("next", "/"), ("csrf", &csrf)])
            .await
            .assert_redirect("/");

        let home = get(&app, &client, "/").await;
        home.assert_ok();
        for text in [
            r#"<html lang="es">"#,
            "<h1>Le damos la bienvenida, ann</h1>",
            "Inició sesión como <strong>ann@example.com</strong> (Asegurado).",
            "<strong>Aplicación de autenticación</strong>",
            "Guarde códigos de recuperación",
            ">Crear mis códigos de recuperación</button>",
            ">Agregar mensajes de texto (SMS)</a>",
        ] {
            assert!(home.text.contains(text), "{text} in {}", home.text);
        }

        let page = get(&app, &client, "/account/security").await;
        page.assert_ok();
        for text in [
            "<title>Seguridad del inicio de sesión · ",
            "<h2 id=\"methods-heading\">Métodos de verificación</h2>",
            ">Quitar la aplicación de autenticación</button>",
            ">Agregar mensajes de texto (SMS)</a>",
            "Tiene <strong>0</strong> códigos sin usar.",
            "Ningún dispositivo está exento del código de verificación.",
            "Dónde tiene la sesión iniciada",
            "<strong>(este dispositivo)</strong>",
            r#"aria-label="Sesiones abiertas""#,
            "Actividad reciente de inicio de sesión",
            "<td>Aplicación de autenticación configurada</td><td>Correcto</td>",
        ] {
            assert!(page.text.contains(text), "{text} in {}", page.text);
        }
        let csrf = csrf_from(&page.text);

        // The codes, shown once, and the file they download as.
        let shown = post_form(&app, &client, "/account/recovery-codes", &[("csrf", &csrf)]).await;
        shown.assert_ok();
        assert!(shown.text.contains("Guarde estos códigos ahora: es la única vez que se muestran."), "{}", shown.text);
        assert!(shown.text.contains(r#"aria-label="Sus códigos de recuperación""#), "{}", shown.text);
        let codes: Vec<String> =
            shown.text.split("<code>").skip(1).map(|s| s.split("</code>").next().unwrap().to_owned()).collect();
        let file = post_form(
            &app,
            &client,
            "/account/recovery-codes/download",
            &[("csrf", &csrf), ("codes", &codes.join(" "))],
        )
        .await;
        assert!(file.text.starts_with("Códigos de recuperación de Inventory Portal\r\n\r\n"), "{}", file.text);
        let none =
            post_form(&app, &client, "/account/recovery-codes/download", &[("csrf", &csrf), ("codes", "")]).await;
        assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(
            none.text.contains("No se entendió el formulario") && none.text.contains("No hay códigos para descargar.")
        );

        // The notice of the new set, in Ann's language.
        let mails = app.wait_for_mails(2).await;
        let told = mails
            .iter()
            .find(|m| m["subject"] == "Se crearon códigos de recuperación nuevos — Inventory Portal")
            .unwrap_or_else(|| panic!("a Spanish notice in {mails:#?}"));
        let body = told["body"].as_str().unwrap();
        assert!(body.starts_with("Hola, ann:\n\nSe creó un juego nuevo de códigos de recuperación"), "{body}");
        assert!(body.contains("Si no fue usted, comuníquese de inmediato con soporte"), "{body}");

        let offer = get(&app, &client, "/account/recovery-codes").await;
        assert!(offer.text.contains("Tiene 10 códigos sin usar. Los códigos nuevos los reemplazan"), "{}", offer.text);
        let page = get(&app, &client, "/account/security").await;
        assert!(page.text.contains("Tiene <strong>10</strong> códigos sin usar."), "{}", page.text);
        assert!(page.text.contains(">Crear códigos nuevos (los anteriores dejarán de funcionar)</button>"));

        // A change with a stale second factor: the page says so before; a refused step in Spanish.
        app.clock.advance(Duration::minutes(11));
        let page = get(&app, &client, "/account/security").await;
        assert!(page.text.contains("primero se le pedirá un código de verificación"), "{}", page.text);
        let csrf = csrf_from(&page.text);
        let wrong =
            post_form(&app, &client, "/account/passkeys/rename", &[("csrf", &csrf), ("id", "x"), ("name", "")]).await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(wrong.text.contains("No se cambió el nombre"), "{}", wrong.text);
    })
    .await;
}
