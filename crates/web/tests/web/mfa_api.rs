//! The MFA JSON API end to end over real HTTP: setup with an authenticator
//! app and by text message, returning users, the code window and replay rules, text limits,
//! throttling and the 100-failure lock, the setup deadline, concurrency across instances, and
//! the audit trail — on SQLite and (when configured) PostgreSQL.

use portal_core::RequestContext;
use portal_core::audit::{AuditFilter, Outcome, action};
use portal_core::clock::Clock;
use portal_core::console::{ConsoleAction, SupportActor};
use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{AppOptions, TEST_START, TestApp, code_in_call, oathtool_at};
use serde_json::{Value, json};
use time::Duration;
use time::macros::{date, datetime};

use crate::common::*;

const BOB: &str = "bob@example.com";

/// A returning TOTP user signs in with the password only (`mfa_required`).
async fn password_step(app: &TestApp, client: &Client, email: &str) -> Answer {
    let a = login(app, client, email).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.json["state"], "mfa_required", "{}", a.text);
    a
}

/// A six-digit code other than `right`.
fn other_than(right: &str) -> String {
    if right == "000000" { "111111".into() } else { "000000".into() }
}

// ----- 1. First sign-in after switch-on ---------------------------------------------------------

#[tokio::test]
async fn first_login_after_switch_on_without_a_factor_must_set_one_up_and_is_not_signed_in_yet() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        for (key, value) in [
            ("state", json!("mfa_setup_required")),
            ("setup_deadline", json!("2026-04-16")),
            ("days_left", json!(45)),
            ("methods_available", json!(["totp", "sms"])),
        ] {
            assert_eq!(a.json[key], value, "{key} in {}", a.text);
        }
        assert!(a.session.as_deref().is_some_and(|t| !t.is_empty()), "a half-signed-in session cookie");
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
    })
    .await;
}

#[tokio::test]
async fn staff_must_set_a_method_up_at_first_sign_in_even_before_switch_on() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await; // MFA not switched on yet
        app.create_user("sam@example.com", Role::Adjuster).await;
        let client = app.client();
        let a = login(&app, &client, "sam@example.com").await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json["state"], "mfa_setup_required");
        assert_eq!(a.json["setup_deadline"], Value::Null, "staff have no deadline: {}", a.text);
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
    })
    .await;
}

// ----- 2. Authenticator-app enrollment -----------------------------------------------------------

#[tokio::test]
async fn authenticator_app_enrollment_rotates_the_session_and_never_shows_the_secret_again() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let first = login(&app, &client, ANN).await;
        let half_token = first.session.clone().expect("session cookie after the password");

        let setup = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
        let secret = setup.json["secret"].as_str().unwrap().to_owned();
        assert_eq!(secret.len(), 32, "160 bits in base32: {secret}");
        assert!(secret.bytes().all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b)), "{secret}");
        assert_eq!(
            setup.json["otpauth_uri"],
            format!("otpauth://totp/Inventory%20Portal:ann@example.com?secret={secret}&issuer=Inventory%20Portal")
        );
        assert!(setup.json["qr_svg"].as_str().unwrap().starts_with("<svg"), "{}", setup.json["qr_svg"]);

        let done = post(&app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) })).await;
        done.assert_authenticated();
        let full_token = done.session.clone().expect("a new session cookie");
        assert!(!full_token.is_empty() && full_token != half_token, "the session id changes after MFA");

        let mut later = Vec::new();
        let me_now = me(&app, &client).await;
        assert_eq!(me_now.status, StatusCode::OK, "{}", me_now.text);
        assert_eq!(me_now.json["email"], ANN);
        assert_eq!(me_now.json["mfa"]["methods"], json!(["totp"]));
        later.push(me_now.text);

        // The password-step session is gone.
        let old = client_with_token(&half_token);
        me(&app, &old).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        post(&app, &old, "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        let fresh = client_with_token(&full_token);
        assert_eq!(me(&app, &fresh).await.status, StatusCode::OK);

        // Pages after sign-in.
        for path in ["/", "/mfa"] {
            later.push(client.get(app.url(path)).send().await.unwrap().text().await.unwrap());
        }
        // Starting another app setup while fresh shows a new secret, never the confirmed one.
        let again = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
        assert_eq!(again.status, StatusCode::OK, "{}", again.text);
        assert_ne!(again.json["secret"], json!(secret));
        later.push(again.text);

        // Once the second factor is over 10 minutes old, setting up is refused until a step-up.
        app.clock.advance(Duration::minutes(11));
        let stale = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
        stale.assert_error(StatusCode::FORBIDDEN, "step_up_required");
        later.push(stale.text);
        later.push(me(&app, &client).await.text);

        // A new sign-in and verification.
        let again = password_step(&app, &client, ANN).await;
        assert_eq!(again.json["methods"], json!(["totp"]));
        later.push(again.text);
        let v = verify(&app, &client, "totp", &app.oathtool_code(&secret)).await;
        v.assert_authenticated();
        later.push(v.text);
        later.push(me(&app, &client).await.text);

        let lower = secret.to_ascii_lowercase();
        for body in &later {
            assert!(!body.contains(&secret) && !body.contains(&lower), "the secret leaked: {body}");
        }
    })
    .await;
}

#[tokio::test]
async fn an_unconfirmed_app_setup_expires_after_15_minutes() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let setup = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
        let secret = setup.json["secret"].as_str().unwrap().to_owned();
        app.clock.advance(Duration::minutes(15));
        post(&app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "setup_not_started");
        let again = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
        let secret2 = again.json["secret"].as_str().unwrap().to_owned();
        assert_ne!(secret, secret2, "a new setup has a new secret");
        post(&app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret2) }))
            .await
            .assert_authenticated();
    })
    .await;
}

// ----- 3. Returning users and replay -------------------------------------------------------------

#[tokio::test]
async fn a_returning_user_verifies_with_the_app_and_a_code_never_works_twice() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;

        let client = app.client();
        let a = password_step(&app, &client, ANN).await;
        assert_eq!(a.json["methods"], json!(["totp"]));
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        // The code that confirmed the setup is spent too.
        verify(&app, &client, "totp", &app.oathtool_code(&secret))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        // Half signed in, a returning user cannot set up another method instead of using theirs.
        post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await.assert_error(StatusCode::CONFLICT, "wrong_step");
        post(&app, &client, "/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": "(201) 555-0123" }))
            .await
            .assert_error(StatusCode::CONFLICT, "wrong_step");
        assert!(app.texts().is_empty());
        let code = next_totp(&app, &secret);
        verify(&app, &client, "totp", &code).await.assert_authenticated();
        assert_eq!(me(&app, &client).await.status, StatusCode::OK);

        // The same code, same 30-second step, in a new sign-in (another browser).
        let other = app.client();
        password_step(&app, &other, ANN).await;
        verify(&app, &other, "totp", &code).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        me(&app, &other).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        // The next step's code works.
        verify(&app, &other, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
    })
    .await;
}

// ----- 4. The window -----------------------------------------------------------------------------

#[tokio::test]
async fn app_codes_one_step_either_side_are_accepted_and_two_steps_away_are_not() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();

        app.clock.advance(Duration::minutes(5));
        let now = app.clock.now();
        password_step(&app, &client, ANN).await;
        verify(&app, &client, "totp", &oathtool_at(&secret, now - Duration::seconds(30))).await.assert_authenticated();
        password_step(&app, &client, ANN).await;
        verify(&app, &client, "totp", &oathtool_at(&secret, now + Duration::seconds(30))).await.assert_authenticated();

        app.clock.advance(Duration::minutes(5));
        let now = app.clock.now();
        password_step(&app, &client, ANN).await;
        for offset in [-60, 60] {
            let code = oathtool_at(&secret, now + Duration::seconds(offset));
            verify(&app, &client, "totp", &code).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();
    })
    .await;
}

// ----- 5. Text-message enrollment and sign-in ----------------------------------------------------

#[tokio::test]
async fn a_desk_phone_gets_the_code_in_a_call_counted_in_the_text_limits() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let body = json!({ "country": "US", "phone": "(201) 555-0188", "channel": "voice" });
        let sent = post(&app, &client, "/api/v1/mfa/sms/setup", body).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(sent.json["phone_hint"], "•••-•••-0188");
        let calls = app.texts();
        assert_eq!(calls.len(), 1);
        assert_eq!((calls[0]["to"].as_str(), calls[0]["channel"].as_str()), (Some("+12015550188"), Some("voice")));
        let spoken = calls[0]["body"].as_str().unwrap();
        let code = code_in_call(spoken);
        assert_eq!(code.len(), 6, "{spoken}");
        let slowly = code.chars().map(String::from).collect::<Vec<_>>().join(", ");
        assert_eq!(spoken.matches(&slowly).count(), 2, "read twice, digit by digit: {spoken}");

        // A call right after counts like a text: the 30-second wait holds for both.
        let again = post(&app, &client, "/api/v1/mfa/sms/send", json!({ "channel": "voice" })).await;
        again.assert_error(StatusCode::TOO_MANY_REQUESTS, "sms_limit");
        let fax = post(&app, &client, "/api/v1/mfa/sms/send", json!({ "channel": "fax" })).await;
        assert_eq!(fax.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", fax.text);
        assert!(fax.text.contains("channel"), "{}", fax.text);

        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code })).await.assert_authenticated();
        let events = app
            .portal
            .store()
            .audit_events(&AuditFilter {
                action: Some(action::MFA_VOICE_CALLED.into()),
                limit: 10,
                ..AuditFilter::default()
            })
            .await
            .unwrap();
        // A call has its own audit action: the one made, and the one the limit refused.
        let outcomes: Vec<_> = events.iter().map(|e| e.event.outcome).collect();
        assert_eq!(outcomes.len(), 2, "{events:?}");
        assert!(outcomes.contains(&Outcome::Success) && outcomes.contains(&Outcome::Refused), "{outcomes:?}");
        assert!(events.iter().all(|e| e.event.details["phone"] == "•••-•••-0188"));

        // Signing in later, the code can come by call too; a text is the default.
        app.clock.advance(Duration::seconds(31));
        let client = app.client();
        login(&app, &client, ANN).await;
        post(&app, &client, "/api/v1/mfa/sms/send", json!({ "channel": "voice" })).await.assert_ok();
        let last = app.texts().last().cloned().unwrap();
        assert_eq!(last["channel"], "voice");
        let code = code_in_call(last["body"].as_str().unwrap());
        verify(&app, &client, "sms", &code).await.assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn a_text_asked_for_a_landline_becomes_a_call_and_the_answer_says_so() {
    each_backend(|backend| async move {
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.sms_allowed_countries = vec!["US".into(), "GB".into()];
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user(ANN, Role::Policyholder).await;
        let client = app.client();
        login(&app, &client, ANN).await;
        // A London number (Ofcom's drama range): a desk phone by its numbering plan.
        let sent =
            post(&app, &client, "/api/v1/mfa/sms/setup", json!({ "country": "GB", "phone": "020 7946 0018" })).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(sent.json["channel"], "voice", "{}", sent.text);
        let call = app.texts().last().cloned().unwrap();
        assert_eq!((call["channel"].as_str(), call["to"].as_str()), (Some("voice"), Some("+442079460018")));
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code_in_call(call["body"].as_str().unwrap()) }))
            .await
            .assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn text_message_enrollment_and_sign_in_use_the_texted_code() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        assert_eq!(login(&app, &client, ANN).await.json["state"], "mfa_setup_required");

        let sent = post(&app, &client, "/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": "(201) 555-0123" })).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(
            sent.json,
            json!({ "state": "code_sent", "phone_hint": "•••-•••-0123", "resend_after_s": 30, "channel": "sms" })
        );
        let texts = app.texts();
        assert_eq!(texts.len(), 1);
        assert_eq!(texts[0]["to"], "+12015550123");
        let code = app.last_sms_code();
        assert!(code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()), "{code}");
        let port = app.addr.port();
        assert_eq!(
            texts[0]["body"],
            format!("Your Inventory Portal verification code is {code}. It expires in 10 minutes.\n\n@127.0.0.1:{port} #{code}")
        );

        let done = post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code })).await;
        done.assert_authenticated();
        let m = me(&app, &client).await;
        assert_eq!(m.status, StatusCode::OK, "{}", m.text);
        assert_eq!(m.json["mfa"]["methods"], json!(["sms"]));
        assert!(!m.text.contains("2015550123"), "{}", m.text);

        // A returning user.
        app.clock.advance(Duration::seconds(30));
        let client = app.client();
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.json["state"], "mfa_required", "{}", a.text);
        assert_eq!(a.json["methods"], json!(["sms"]));
        assert_eq!(a.json["phone_hint"], "•••-•••-0123");
        let sent = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(sent.json["state"], "code_sent");
        assert_eq!(sent.json["phone_hint"], "•••-•••-0123");
        assert_eq!(app.texts().len(), 2);
        assert_eq!(app.texts()[1]["to"], "+12015550123");
        // The code belongs to this sign-in: another half-signed-in session cannot use it.
        let stranger = app.client();
        password_step(&app, &stranger, ANN).await;
        let stolen = verify(&app, &stranger, "sms", &app.last_sms_code()).await;
        assert_eq!(stolen.status, StatusCode::BAD_REQUEST, "{}", stolen.text);
        me(&app, &stranger).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        verify(&app, &client, "sms", &app.last_sms_code()).await.assert_authenticated();
        assert_eq!(me(&app, &client).await.status, StatusCode::OK);
    })
    .await;
}

// ----- 6. Text-message rules ---------------------------------------------------------------------

#[tokio::test]
async fn a_text_cannot_be_resent_within_30_seconds_from_any_session() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone.clone()).await.status, StatusCode::OK);

        app.clock.advance(Duration::seconds(10));
        let again = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
        assert_eq!(again.assert_throttled("sms_limit"), 20, "{}", again.text);
        // Another session asking for the same number waits too.
        let other = app.client();
        login(&app, &other, ANN).await;
        post(&app, &other, "/api/v1/mfa/sms/setup", phone.clone()).await.assert_throttled("sms_limit");
        assert_eq!(app.texts().len(), 1);

        app.clock.advance(Duration::seconds(20));
        let sent = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(sent.json["resend_after_s"], 30);
        assert_eq!(app.texts().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_newer_text_voids_the_older_code() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone).await.status, StatusCode::OK);
        let first = app.last_sms_code();
        app.clock.advance(Duration::seconds(30));
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        let second = app.last_sms_code();
        if first != second {
            let old = post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": first })).await;
            assert_eq!(old.status, StatusCode::BAD_REQUEST, "{}", old.text);
        }
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": second })).await.assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn a_texted_code_expires_after_ten_minutes() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone).await.status, StatusCode::OK);
        let code = app.last_sms_code();
        app.clock.advance(Duration::minutes(10));
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code }))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "code_expired");

        // A new code is good until the last second of its ten minutes.
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        let code = app.last_sms_code();
        app.clock.advance(Duration::seconds(599));
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code })).await.assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn five_wrong_tries_kill_a_texted_code() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone).await.status, StatusCode::OK);
        let right = app.last_sms_code();
        let wrong = other_than(&right);
        for _ in 0..5 {
            post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": wrong }))
                .await
                .assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        // Five wrong codes also pause the account for a minute.
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": right }))
            .await
            .assert_throttled("too_many_attempts");
        app.clock.advance(Duration::seconds(61));
        let dead = post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": right })).await;
        assert_eq!(dead.status, StatusCode::BAD_REQUEST, "the code is dead: {}", dead.text);

        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() }))
            .await
            .assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn a_number_gets_at_most_five_texts_an_hour() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone.clone()).await.status, StatusCode::OK);
        for _ in 0..4 {
            app.clock.advance(Duration::seconds(30));
            let sent = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
            assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        }
        app.clock.advance(Duration::seconds(30));
        let refused = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
        // The first text went 150 s ago: the limit lifts when it is an hour old, not an hour from now.
        assert_eq!(refused.assert_throttled("sms_limit"), 3600 - 150, "{}", refused.text);
        assert_eq!(
            refused.json["error"]["message"],
            "Too many codes were sent; try again in 58 minutes or use the authenticator app"
        );
        assert_eq!(app.texts().len(), 5);

        // A second before that, in a new sign-in, the number still waits, and is told so.
        app.clock.advance(Duration::seconds(3600 - 150 - 1));
        let client = app.client();
        login(&app, &client, ANN).await;
        let early = post(&app, &client, "/api/v1/mfa/sms/setup", phone.clone()).await;
        assert_eq!(early.assert_throttled("sms_limit"), 1, "{}", early.text);
        // An hour after the first, the number may get a text again.
        app.clock.advance(Duration::seconds(1));
        let sent = post(&app, &client, "/api/v1/mfa/sms/setup", phone).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(app.texts().len(), 6);
    })
    .await;
}

#[tokio::test]
async fn numbers_from_countries_not_allowed_and_bad_numbers_are_refused_naming_the_field() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        login(&app, &client, ANN).await;
        for (country, phone, field) in [
            ("GB", "020 7946 0018", "country"),
            ("US", "+44 20 7946 0018", "country"),
            ("XX", "(201) 555-0123", "country"),
            ("US", "12", "phone"),
            ("US", "not a number", "phone"),
            ("US", "", "phone"),
        ] {
            let a = post(&app, &client, "/api/v1/mfa/sms/setup", json!({ "country": country, "phone": phone })).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{country} {phone}: {}", a.text);
            assert_eq!(a.field(), field, "{country} {phone}: {}", a.text);
        }
        assert!(app.texts().is_empty(), "no text was sent");
    })
    .await;
}

// ----- 7. Second-factor throttle -----------------------------------------------------------------

#[tokio::test]
async fn five_wrong_app_codes_pause_even_the_right_one_for_a_minute_and_success_resets_the_count() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();
        app.clock.advance(Duration::seconds(30));
        password_step(&app, &client, ANN).await;
        let wrong = wrong_totp(&app, &secret);
        for _ in 0..5 {
            verify(&app, &client, "totp", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        let right = app.oathtool_code(&secret);
        let paused = verify(&app, &client, "totp", &right).await;
        assert_eq!(paused.assert_throttled("too_many_attempts"), 60);

        app.clock.advance(Duration::seconds(60));
        verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();

        // The count started again from zero: five more wrong codes pause for one minute, not two.
        app.clock.advance(Duration::seconds(30));
        password_step(&app, &client, ANN).await;
        let wrong = wrong_totp(&app, &secret);
        for _ in 0..4 {
            verify(&app, &client, "totp", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        let fifth = verify(&app, &client, "totp", &wrong).await;
        fifth.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        let paused = verify(&app, &client, "totp", &app.oathtool_code(&secret)).await;
        assert_eq!(paused.assert_throttled("too_many_attempts"), 60);
    })
    .await;
}

#[tokio::test]
async fn asking_for_another_text_does_not_reset_the_wrong_code_count() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        enroll_sms(&app, &app.client(), ANN, "(201) 555-0123").await;
        app.clock.advance(Duration::seconds(30));
        let client = app.client();
        password_step(&app, &client, ANN).await;
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        let wrong = other_than(&app.last_sms_code());
        for _ in 0..3 {
            verify(&app, &client, "sms", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        app.clock.advance(Duration::seconds(30));
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        let right = app.last_sms_code();
        let wrong = other_than(&right);
        for _ in 0..2 {
            verify(&app, &client, "sms", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        }
        verify(&app, &client, "sms", &right).await.assert_throttled("too_many_attempts");
        app.clock.advance(Duration::seconds(60));
        verify(&app, &client, "sms", &right).await.assert_authenticated();
    })
    .await;
}

/// An attacker hammering a paused account: refusals are audited once per account per minute,
/// not once per request (security.md), however many arrive in that minute.
#[tokio::test]
async fn refusals_of_a_paused_account_are_audited_once_a_minute() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let user = app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();
        let throttled_audits = || async {
            let filter = AuditFilter {
                subject_id: Some(user.id.clone()),
                action: Some("mfa.throttled".to_owned()),
                limit: 1000,
                ..AuditFilter::default()
            };
            app.portal.store().audit_events(&filter).await.unwrap().len()
        };
        // Five wrong codes pause for a minute; after it, five more pause for two.
        for round in 0..2 {
            app.clock.advance(Duration::seconds(30));
            password_step(&app, &client, ANN).await;
            let wrong = wrong_totp(&app, &secret);
            for _ in 0..5 {
                verify(&app, &client, "totp", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
            }
            if round == 0 {
                app.clock.advance(Duration::seconds(60));
            }
        }
        assert_eq!(throttled_audits().await, 0, "no refusal yet");

        let wrong = wrong_totp(&app, &secret);
        // The first refusals race each other (two browsers of the attacker at once).
        let other = app.client();
        password_step(&app, &other, ANN).await;
        let (a, b, c, d) = tokio::join!(
            verify(&app, &client, "totp", &wrong),
            verify(&app, &client, "totp", &wrong),
            verify(&app, &other, "totp", &wrong),
            verify(&app, &other, "totp", &wrong),
        );
        for answer in [a, b, c, d] {
            answer.assert_throttled("too_many_attempts");
        }
        for _ in 0..16 {
            verify(&app, &client, "totp", &wrong).await.assert_throttled("too_many_attempts");
        }
        assert_eq!(throttled_audits().await, 1, "twenty refusals in one instant");
        app.clock.advance(Duration::seconds(59));
        for _ in 0..5 {
            verify(&app, &client, "totp", &wrong).await.assert_throttled("too_many_attempts");
        }
        assert_eq!(throttled_audits().await, 1, "still within the minute");
        app.clock.advance(Duration::seconds(1));
        verify(&app, &client, "totp", &wrong).await.assert_throttled("too_many_attempts");
        assert_eq!(throttled_audits().await, 2, "a refusal a minute after the audited one");
    })
    .await;
}

// ----- 8. The 100-failure lock -------------------------------------------------------------------

#[tokio::test]
async fn a_hundred_wrong_codes_lock_the_account_until_support_unlocks_it() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let user = app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();
        let mut failures = 0;
        while failures < 100 {
            // Each round: a new sign-in (earlier pauses outlast the session), five wrong codes.
            app.clock.advance(Duration::seconds(30));
            password_step(&app, &client, ANN).await;
            let wrong = wrong_totp(&app, &secret);
            for _ in 0..5 {
                verify(&app, &client, "totp", &wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
                failures += 1;
            }
            if failures < 100 {
                let paused = verify(&app, &client, "totp", &app.oathtool_code(&secret)).await;
                let wait = paused.assert_throttled("too_many_attempts");
                app.clock.advance(Duration::seconds(i64::try_from(wait).unwrap()));
            }
        }
        let locked = verify(&app, &client, "totp", &app.oathtool_code(&secret)).await;
        locked.assert_throttled("account_locked");

        // Time does not help.
        app.clock.advance(Duration::days(3));
        password_step(&app, &client, ANN).await;
        verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_throttled("account_locked");

        let operator = SupportActor::Operator { login: "support@example.com" };
        app.portal
            .support_act(operator, &user.id, ConsoleAction::Unlock, "verified by phone", None, &RequestContext::cli())
            .await
            .unwrap();
        verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();
    })
    .await;
}

// ----- 9. What a code is -------------------------------------------------------------------------

#[tokio::test]
async fn only_six_ascii_digits_are_a_code_and_anything_else_is_never_a_guess() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();
        password_step(&app, &client, ANN).await;
        let right = next_totp(&app, &secret);
        let arabic_indic: String =
            right.chars().map(|c| char::from_u32(0x0660 + c.to_digit(10).unwrap()).unwrap()).collect();
        let bodies = [
            json!({ "method": "totp", "code": right.parse::<u64>().unwrap() }),
            json!({ "method": "totp", "code": [right.clone()] }),
            json!({ "method": "totp", "code": arabic_indic }),
            json!({ "method": "totp", "code": "١٢٣٤٥٦" }),
            json!({ "method": "totp", "code": format!("{right}7") }),
            json!({ "method": "totp", "code": "12345" }),
            json!({ "method": "totp", "code": "" }),
        ];
        for body in bodies {
            let a = post(&app, &client, "/api/v1/mfa/verify", body.clone()).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {}", a.text);
            assert_eq!(a.field(), "code", "{body}: {}", a.text);
        }
        // Seven refusals, yet no pause: none of them counted, and the right code works first try.
        verify(&app, &client, "totp", &right).await.assert_authenticated();

        // Spaces are ignored.
        password_step(&app, &client, ANN).await;
        let code = next_totp(&app, &secret);
        let spaced = format!("{} {}", &code[..3], &code[3..]);
        verify(&app, &client, "totp", &spaced).await.assert_authenticated();
    })
    .await;
}

// ----- 10. The deadline --------------------------------------------------------------------------

#[tokio::test]
async fn in_new_york_the_deadline_begins_at_midnight_there_not_at_7_pm_the_day_before() {
    each_backend(|backend| async move {
        // Switched on January 18 with 45 days: the deadline is March 4, 2026. At 23:30 on March 3
        // in New York it is 04:30 UTC on March 4, which a UTC portal would already refuse.
        let mut options = AppOptions::mfa_from(date!(2026 - 01 - 18));
        options.settings.mfa.zone = portal_core::zone::PortalZone::parse("America/New_York").unwrap();
        options.start = datetime!(2026-03-04 04:30 UTC);
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2025-06-01 12:00 UTC))).await;
        let client = app.client();
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json["state"], "mfa_setup_required");
        assert_eq!(a.json["setup_deadline"], "2026-03-04");
        assert_eq!(a.json["days_left"], 1, "{}", a.text);

        add_totp(&app, &client).await;
        // What the account page shows is on New York's clock too.
        let page = get(&app, &client, "/account/security").await;
        assert!(page.text.contains("2026-03-03 23:30 EST"), "signed in at 23:30 EST: {}", page.text);

        // Midnight in New York: one who has not set MFA up is refused.
        app.create_user_at("bo@example.com", Role::Policyholder, Some(datetime!(2025-06-01 12:00 UTC))).await;
        app.settle().await;
        app.clock.advance(time::Duration::minutes(30));
        let late = app.client();
        login(&app, &late, "bo@example.com").await.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
    })
    .await;
}

#[tokio::test]
async fn past_the_deadline_sign_in_is_refused_with_the_support_contacts_and_no_session() {
    each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 01 - 10))).await;
        app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2026-01-01 12:00 UTC))).await;
        let client = app.client();
        let a = login(&app, &client, ANN).await;
        a.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        let error = &a.json["error"];
        assert_eq!(error["setup_deadline"], "2026-02-24");
        assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()));
        assert_eq!(error["support"]["email"], "support@example.com");
        assert!(error["support"]["chat_url"].as_str().is_some_and(|u| u.starts_with("https://")), "{}", a.text);
        assert!(a.session.as_deref().is_none_or(str::is_empty), "no session cookie: {:?}", a.session);
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        post(&app, &client, "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        assert_eq!(TEST_START.date(), date!(2026 - 03 - 02));
    })
    .await;
}

#[tokio::test]
async fn with_the_guides_dates_setup_works_until_the_last_second_and_stops_at_midnight() {
    each_backend(|backend| async move {
        let options =
            AppOptions { start: datetime!(2023-03-03 23:59:30 UTC), ..AppOptions::mfa_from(date!(2023 - 01 - 18)) };
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2022-06-01 12:00 UTC))).await;

        // A session opened at 23:59:30.
        let early = app.client();
        let a = login(&app, &early, ANN).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json["state"], "mfa_setup_required");
        assert_eq!(a.json["setup_deadline"], "2023-03-04");
        assert_eq!(a.json["days_left"], 1);

        let returning = app.client();
        let returning_token = login(&app, &returning, ANN).await.session.expect("session cookie");

        // At 23:59:59 setup is still allowed.
        app.clock.set(datetime!(2023-03-03 23:59:59 UTC));
        let last = app.client();
        let a = login(&app, &last, ANN).await;
        assert_eq!(a.json["state"], "mfa_setup_required", "{}", a.text);
        assert_eq!(a.json["days_left"], 1);
        let setup = post(&app, &last, "/api/v1/mfa/totp/setup", json!({})).await;
        assert_eq!(setup.status, StatusCode::OK, "{}", setup.text);
        let secret = setup.json["secret"].as_str().unwrap().to_owned();

        // From 00:00 of the deadline date: refused, and sessions opened before stop working.
        app.clock.set(datetime!(2023-03-04 00:00:00 UTC));
        let late = login(&app, &app.client(), ANN).await;
        late.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        assert_eq!(late.json["error"]["setup_deadline"], "2023-03-04");

        let a = post(&app, &early, "/api/v1/mfa/totp/setup", json!({})).await;
        a.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        assert_eq!(a.json["error"]["setup_deadline"], "2023-03-04");
        post(&app, &early, "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        post(&app, &last, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) }))
            .await
            .assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        me(&app, &last).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");

        // Signing in again at midnight leaves no session behind, not even the one the browser had.
        login(&app, &returning, ANN).await.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        post(&app, &client_with_token(&returning_token), "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
    })
    .await;
}

// ----- 11. Support extension ---------------------------------------------------------------------

#[tokio::test]
async fn a_support_extension_lets_a_past_deadline_user_set_up() {
    each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 01 - 10))).await;
        let user = app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2026-01-01 12:00 UTC))).await;
        let client = app.client();
        login(&app, &client, ANN).await.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");

        let ctx = RequestContext::cli();
        let operator = SupportActor::Operator { login: "support@example.com" };
        let extend = ConsoleAction::ExtendDeadline { days: 7 };
        let done =
            app.portal.support_act(operator, &user.id, extend, "lost phone, called in", None, &ctx).await.unwrap();
        assert!(done.summary.contains("2026-03-09"), "{}", done.summary);
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.text);
        assert_eq!(a.json["state"], "mfa_setup_required");
        assert_eq!(a.json["days_left"], 7);
        assert_eq!(a.json["setup_deadline"], "2026-03-09");
        add_totp(&app, &client).await;
    })
    .await;
}

// ----- 12. Concurrency ---------------------------------------------------------------------------
// One code sent from many sessions at once, on one instance and across two, and every limit
// under a burst: tests/limits.rs.

// ----- 13. Half-signed-in sessions ---------------------------------------------------------------

#[tokio::test]
async fn a_half_signed_in_session_reaches_nothing_but_mfa_and_sign_out() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let a = login(&app, &client, ANN).await;
        assert_eq!(a.json["state"], "mfa_setup_required");
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        let home = client.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), StatusCode::SEE_OTHER);
        assert_eq!(home.headers()[header::LOCATION], "/mfa");

        let out = answer(client.post(app.url("/api/v1/logout")).send().await.unwrap()).await;
        assert_eq!(out.status, StatusCode::NO_CONTENT, "{}", out.text);
        post(&app, &client, "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        // The token itself is dead, not just the browser's cookie.
        let dead = client_with_token(a.session.as_deref().unwrap());
        post(&app, &dead, "/api/v1/mfa/totp/setup", json!({}))
            .await
            .assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
    })
    .await;
}

// ----- 14. A second method -----------------------------------------------------------------------

#[tokio::test]
async fn adding_a_second_method_needs_a_second_factor_from_the_last_ten_minutes() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });

        let sent = post(&app, &client, "/api/v1/mfa/sms/setup", phone.clone()).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        assert_eq!(sent.json["state"], "code_sent");

        app.clock.advance(Duration::minutes(11));
        post(&app, &client, "/api/v1/mfa/sms/setup", phone.clone())
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        assert_eq!(app.texts().len(), 1);

        verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();
        let sent = post(&app, &client, "/api/v1/mfa/sms/setup", phone).await;
        assert_eq!(sent.status, StatusCode::OK, "{}", sent.text);
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() }))
            .await
            .assert_authenticated();
        let m = me(&app, &client).await;
        assert_eq!(m.json["mfa"]["methods"], json!(["totp", "sms"]), "{}", m.text);

        // Signing in again offers both.
        app.clock.advance(Duration::seconds(30));
        let again = password_step(&app, &app.client(), ANN).await;
        assert_eq!(again.json["methods"], json!(["totp", "sms"]), "{}", again.text);
        assert_eq!(again.json["phone_hint"], "•••-•••-0123");
    })
    .await;
}

#[tokio::test]
async fn a_signed_in_user_adding_text_messages_can_ask_for_another_code() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        enroll_totp(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/setup", phone).await.status, StatusCode::OK);
        app.clock.advance(Duration::seconds(30));
        let resent = post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await;
        assert_eq!(resent.status, StatusCode::OK, "{}", resent.text);
        assert_eq!(resent.json["state"], "code_sent");
        assert_eq!(resent.json["phone_hint"], "•••-•••-0123");
        let texts = app.texts();
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[1]["to"], "+12015550123");
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() }))
            .await
            .assert_authenticated();
        assert_eq!(me(&app, &client).await.json["mfa"]["methods"], json!(["totp", "sms"]));
    })
    .await;
}

// ----- 15. Audit ---------------------------------------------------------------------------------

#[tokio::test]
async fn the_audit_log_records_enrollment_without_secrets_codes_or_numbers() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        app.create_user(ANN, Role::Policyholder).await;
        app.create_user(BOB, Role::Policyholder).await;
        enroll_sms(&app, &app.client(), ANN, "(201) 555-0123").await;
        let secret = enroll_totp(&app, &app.client(), BOB).await;
        // A returning text-message sign-in, with one wrong code first.
        app.clock.advance(Duration::seconds(30));
        let client = app.client();
        password_step(&app, &client, ANN).await;
        assert_eq!(post(&app, &client, "/api/v1/mfa/sms/send", json!({})).await.status, StatusCode::OK);
        let right = app.last_sms_code();
        verify(&app, &client, "sms", &other_than(&right)).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        verify(&app, &client, "sms", &right).await.assert_authenticated();

        let events =
            app.portal.store().audit_events(&AuditFilter { limit: 1000, ..AuditFilter::default() }).await.unwrap();
        let actions: Vec<&str> = events.iter().map(|e| e.event.action.as_str()).collect();
        for expected in ["mfa.sms.sent", "mfa.sms.confirmed", "mfa.totp.confirmed", "mfa.verify"] {
            assert!(actions.contains(&expected), "{expected} in {actions:?}");
        }
        let serialized = serde_json::to_string(&events).unwrap();
        assert!(!serialized.contains(&secret), "the TOTP secret is in the audit log");
        assert!(!serialized.contains(&secret.to_ascii_lowercase()), "the TOTP secret is in the audit log");
        let texts = app.texts();
        assert_eq!(texts.len(), 2);
        for text in &texts {
            let code = portal_testkit::code_in(text["body"].as_str().unwrap());
            assert!(!serialized.contains(&code), "an SMS code ({code}) is in the audit log");
        }
        for number in ["2015550123", "201-555-0123", "555-0123", "(201) 555"] {
            assert!(!serialized.contains(number), "the phone number ({number}) is in the audit log");
        }
    })
    .await;
}

#[tokio::test]
async fn stepping_up_keeps_the_sessions_start_so_it_still_ends_twelve_hours_after_the_password() {
    each_backend(|backend| async move {
        let (app, client) = mfa_app_with_ann(backend).await;
        let secret = enroll_totp(&app, &client, ANN).await;
        // A step-up every 20 minutes (inside the idle limit) for 11 h 40 min: each rotates the
        // session id and none makes it younger.
        for _ in 0..35 {
            app.clock.advance(Duration::minutes(20));
            verify(&app, &client, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();
        }
        assert_eq!(me(&app, &client).await.status, StatusCode::OK);
        app.clock.advance(Duration::minutes(21));
        assert_eq!(me(&app, &client).await.status, StatusCode::UNAUTHORIZED, "12 h after the password, it has ended");
    })
    .await;
}

// ----- In Spanish --------------------------------------------------------------------------------

/// A client whose requests ask for Spanish (`Accept-Language: es`).
fn spanish_client() -> Client {
    portal_testkit::browser_client_reading("es")
}

#[tokio::test]
async fn a_spanish_speaker_gets_the_text_and_the_call_in_spanish() {
    each_backend(|backend| async move {
        let (app, _) = mfa_app_with_ann(backend).await;
        let client = spanish_client();
        login(&app, &client, ANN).await;
        let phone = json!({ "country": "US", "phone": "(201) 555-0123" });
        post(&app, &client, "/api/v1/mfa/sms/setup", phone).await.assert_ok();
        let text = app.texts().last().cloned().unwrap();
        assert_eq!(text["channel"], "sms");
        let body = text["body"].as_str().unwrap();
        let texted = body.rsplit('#').next().unwrap();
        assert!(body.starts_with("Su código de verificación de "), "{body}");
        assert!(body.contains(&format!(" es {texted}. Vence en 10 minutos.\n\n@")), "{body}");

        // The call: the code twice, each digit a Spanish word, nothing in English.
        app.clock.advance(Duration::seconds(31));
        post(&app, &client, "/api/v1/mfa/sms/send", json!({ "channel": "voice" })).await.assert_ok();
        let call = app.texts().last().cloned().unwrap();
        assert_eq!(call["channel"], "voice");
        let spoken = call["body"].as_str().unwrap();
        assert!(spoken.starts_with("Esta es una llamada de "), "{spoken}");
        const WORDS: [&str; 10] = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"];
        let start = spoken.find("es: ").unwrap() + "es: ".len();
        let slowly = &spoken[start..start + spoken[start..].find('.').unwrap()];
        assert_eq!(spoken.matches(slowly).count(), 2, "read twice: {spoken}");
        assert!(!spoken.contains("code") && !spoken.chars().any(|c| c.is_ascii_digit()), "{spoken}");
        let code: String =
            slowly.split(", ").map(|w| WORDS.iter().position(|x| *x == w).expect("a digit").to_string()).collect();
        assert_eq!(code.len(), 6, "{spoken}");
        post(&app, &client, "/api/v1/mfa/sms/confirm", json!({ "code": code })).await.assert_authenticated();

        // A request in English (`?lang=en`) gets its text in English: a text speaks the
        // language of the request that sends it.
        app.clock.advance(Duration::seconds(31));
        let client = spanish_client();
        login(&app, &client, ANN).await;
        let sent = client.post(app.url("/api/v1/mfa/sms/send?lang=en")).json(&json!({})).send().await.unwrap();
        assert_eq!(sent.status(), StatusCode::OK);
        assert!(app.texts().last().unwrap()["body"].as_str().unwrap().starts_with("Your "), "{:?}", app.texts());
    })
    .await;
}
