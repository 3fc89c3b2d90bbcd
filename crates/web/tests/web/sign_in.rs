//! Sign-in, sessions, CSRF, throttling, password reset and bad input, over real HTTP against
//! the real portal on SQLite and (when configured) PostgreSQL.

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, Response, StatusCode, header};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp, browser_client, csrf_from, each_backend};
use serde_json::{Value, json};
use time::Duration;

use crate::common::{reset_token_in, submit_reset};

async fn api_login(app: &TestApp, client: &Client, email: &str, password: &str) -> Response {
    client.post(app.url("/api/v1/login")).json(&json!({ "email": email, "password": password })).send().await.unwrap()
}

fn set_cookies(response: &Response) -> Vec<String> {
    response.headers().get_all(header::SET_COOKIE).iter().map(|v| v.to_str().unwrap().to_owned()).collect()
}

fn session_cookie(response: &Response) -> Option<String> {
    set_cookies(response)
        .into_iter()
        .find(|c| c.starts_with("portal_session=") || c.starts_with("__Host-portal_session="))
        .map(|c| c.split(';').next().unwrap().split_once('=').unwrap().1.to_owned())
}

/// `GET /api/v1/me` with exactly this session token and no other cookie.
async fn me_with_token(app: &TestApp, token: &str) -> StatusCode {
    Client::new()
        .get(app.url("/api/v1/me"))
        .header(header::COOKIE, format!("portal_session={token}"))
        .send()
        .await
        .unwrap()
        .status()
}

#[tokio::test]
async fn a_right_password_signs_in_with_a_locked_down_session_cookie() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        let response = api_login(&app, &client, "  Ann@Example.com ", TEST_PASSWORD).await;
        assert_eq!(response.status(), StatusCode::OK);
        let cookie =
            set_cookies(&response).into_iter().find(|c| c.starts_with("portal_session=")).expect("session cookie");
        assert!(cookie.contains("HttpOnly"), "{cookie}");
        assert!(cookie.contains("SameSite=Lax"), "{cookie}");
        assert!(cookie.contains("Path=/"), "{cookie}");
        assert!(!cookie.contains("Secure"), "plain-http portal: {cookie}");
        assert_eq!(response.json::<Value>().await.unwrap(), json!({ "state": "authenticated" }));
        let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
        assert_eq!(me["email"], "ann@example.com");
        assert_eq!(me["role"], "policyholder");
        assert_eq!(me["mfa"]["methods"], json!([]));
    })
    .await;
}

#[tokio::test]
async fn an_https_portal_sets_secure_host_prefixed_cookies_and_hsts() {
    let app = TestApp::spawn_with(
        Backend::Sqlite,
        AppOptions { public_url: Some("https://portal.example.com".into()), ..AppOptions::default() },
    )
    .await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    let response = api_login(&app, &Client::new(), "ann@example.com", TEST_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert!(response.headers()[header::STRICT_TRANSPORT_SECURITY].to_str().unwrap().contains("max-age="));
    let cookie =
        set_cookies(&response).into_iter().find(|c| c.starts_with("__Host-portal_session=")).expect("__Host- cookie");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly") && cookie.contains("Path=/"), "{cookie}");
    assert!(!cookie.contains("Domain"), "{cookie}");
}

#[tokio::test]
async fn unknown_email_and_wrong_password_get_the_same_answer() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let wrong = api_login(&app, &app.client(), "ann@example.com", "not the password at all").await;
        let unknown = api_login(&app, &app.client(), "nobody@example.com", "not the password at all").await;
        assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
        assert!(session_cookie(&wrong).is_none() && session_cookie(&unknown).is_none());
        let (wrong, unknown) = (wrong.text().await.unwrap(), unknown.text().await.unwrap());
        assert_eq!(wrong, unknown);
        assert!(wrong.contains("invalid_credentials"));

        // The HTML form too.
        let mut pages = Vec::new();
        for email in ["ann@example.com", "nobody@example.com"] {
            let client = app.client();
            let csrf = csrf_from(&client.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
            let r = client
                .post(app.url("/login"))
                .form(&[("csrf", csrf.as_str()), ("email", email), ("password", "not the password at all")])
                .send()
                .await
                .unwrap();
            pages.push((r.status(), r.text().await.unwrap().replace(email, "EMAIL").replace(&csrf, "CSRF")));
        }
        assert_eq!(pages[0].0, StatusCode::UNAUTHORIZED);
        assert_eq!(pages[0], pages[1]);
    })
    .await;
}

#[tokio::test]
async fn signing_in_through_the_form_reaches_the_home_page_and_signing_out_ends_it() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        let home = client.get(app.url("/")).send().await.unwrap();
        assert_eq!(home.status(), StatusCode::SEE_OTHER);
        assert_eq!(home.headers()[header::LOCATION], "/login");

        let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<label for=\"email\">") && page.contains("<label for=\"password\">"));
        let r = client
            .post(app.url("/login"))
            .form(&[("csrf", csrf_from(&page).as_str()), ("email", "ann@example.com"), ("password", TEST_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Welcome, ann"), "{home}");

        let token = csrf_from(&home);
        let r = client.post(app.url("/logout")).form(&[("csrf", token.as_str())]).send().await.unwrap();
        assert_eq!(r.headers()[header::LOCATION], "/login?done=signed-out");
        let after = client.get(app.url("/")).send().await.unwrap();
        assert_eq!(after.headers()[header::LOCATION], "/login");
    })
    .await;
}

#[tokio::test]
async fn signing_out_needs_the_session_form_token() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    let client = app.client();
    api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await;
    let r = client.post(app.url("/logout")).form(&[("csrf", "forged")]).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(client.get(app.url("/api/v1/me")).send().await.unwrap().status(), StatusCode::OK, "still signed in");
}

#[tokio::test]
async fn the_session_id_changes_at_login_and_the_old_one_is_dead() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        let first = session_cookie(&api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await).unwrap();
        let second = session_cookie(&api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await).unwrap();
        assert_ne!(first, second);
        assert_eq!(me_with_token(&app, &first).await, StatusCode::UNAUTHORIZED);
        assert_eq!(me_with_token(&app, &second).await, StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn after_logout_the_old_session_id_no_longer_works() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        let token = session_cookie(&api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await).unwrap();
        let out = client.post(app.url("/api/v1/logout")).send().await.unwrap();
        assert_eq!(out.status(), StatusCode::NO_CONTENT);
        assert!(set_cookies(&out).iter().any(|c| c.starts_with("portal_session=;") && c.contains("Max-Age=0")));
        assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_session_ends_after_30_idle_minutes() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let token = session_cookie(&api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await).unwrap();
        app.clock.advance(Duration::minutes(29));
        assert_eq!(me_with_token(&app, &token).await, StatusCode::OK);
        app.settle().await;
        app.clock.advance(Duration::minutes(29));
        assert_eq!(me_with_token(&app, &token).await, StatusCode::OK, "activity restarted the idle timer");
        app.settle().await;
        app.clock.advance(Duration::minutes(30));
        assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn a_busy_session_still_ends_after_12_hours() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let token = session_cookie(&api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await).unwrap();
        for _ in 0..(12 * 3 - 1) {
            app.clock.advance(Duration::minutes(20));
            assert_eq!(me_with_token(&app, &token).await, StatusCode::OK);
            app.settle().await;
        }
        app.clock.advance(Duration::minutes(20));
        assert_eq!(me_with_token(&app, &token).await, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn cross_site_posts_are_refused() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    let client = app.client();
    let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
    let csrf = csrf_from(&page);
    let form = [("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", TEST_PASSWORD)];

    // A form on another site posting into the portal, even with a valid token.
    let r = client.post(app.url("/login")).header("origin", "https://evil.example").form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client.post(app.url("/login")).header("sec-fetch-site", "cross-site").form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    // A same-site form without the token.
    let r = client
        .post(app.url("/login"))
        .form(&[("email", "ann@example.com"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&r).is_none());
    // A JSON call from another origin.
    let r = client
        .post(app.url("/api/v1/login"))
        .header("origin", "https://evil.example")
        .json(&json!({ "email": "ann@example.com", "password": TEST_PASSWORD }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "cross_site_request");
    // A browser's own form under Referrer-Policy: no-referrer says `Origin: null`; its fetch
    // metadata decides.
    let r = client
        .post(app.url("/login"))
        .header("origin", "null")
        .header("sec-fetch-site", "cross-site")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
    let r = client
        .post(app.url("/login"))
        .header("origin", "null")
        .header("sec-fetch-site", "same-origin")
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER, "the portal's own form, as Chromium sends it");
    // The genuine form, from our own origin, works.
    let r = client.post(app.url("/login")).header("origin", app.base_url.as_str()).form(&form).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn json_endpoints_require_a_json_content_type() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app
        .client()
        .post(app.url("/api/v1/login"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(r#"{"email":"a@example.com","password":"x"}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
}

#[tokio::test]
async fn five_wrong_passwords_pause_the_account_even_for_the_right_one() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        for _ in 0..5 {
            assert_eq!(
                api_login(&app, &client, "ann@example.com", "wrong password!!").await.status(),
                StatusCode::UNAUTHORIZED
            );
        }
        let r = api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        let retry: u64 = r.headers()[header::RETRY_AFTER].to_str().unwrap().parse().unwrap();
        assert!((1..=900).contains(&retry), "{retry}");
        assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "too_many_attempts");

        app.clock.advance(Duration::minutes(15));
        assert_eq!(api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test]
async fn an_unknown_email_is_throttled_exactly_like_a_real_one() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.client();
    for _ in 0..5 {
        api_login(&app, &client, "nobody@example.com", "wrong password!!").await;
    }
    let r = api_login(&app, &client, "nobody@example.com", "wrong password!!").await;
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn twenty_failures_from_one_address_pause_every_account_from_it() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        for i in 0..20 {
            let r = api_login(&app, &client, &format!("guess{i}@example.com"), "wrong password!!").await;
            assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
        }
        let r = api_login(&app, &client, "ann@example.com", TEST_PASSWORD).await;
        assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
        assert!(r.headers().contains_key(header::RETRY_AFTER));
    })
    .await;
}

#[tokio::test]
async fn the_sign_in_form_shows_the_wait_when_throttled() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    let client = app.client();
    for _ in 0..5 {
        api_login(&app, &client, "ann@example.com", "wrong password!!").await;
    }
    let csrf = csrf_from(&client.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
    let r = client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(r.headers().contains_key(header::RETRY_AFTER));
    assert!(r.text().await.unwrap().contains("Too many sign-in attempts. Please wait 15 minutes"));
}

async fn ask_for_reset(app: &TestApp, email: &str) -> (StatusCode, String) {
    let client = app.client();
    let csrf = csrf_from(&client.get(app.url("/forgot-password")).send().await.unwrap().text().await.unwrap());
    let r = client
        .post(app.url("/forgot-password"))
        .form(&[("csrf", csrf.as_str()), ("email", email)])
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.text().await.unwrap().replace(&csrf, "CSRF"))
}

#[tokio::test]
async fn forgot_password_answers_the_same_and_mails_only_real_accounts() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let known = ask_for_reset(&app, "ann@example.com").await;
        let unknown = ask_for_reset(&app, "nobody@example.com").await;
        assert_eq!(known.0, StatusCode::OK);
        assert_eq!(known, unknown);
        assert!(known.1.contains("If an account exists for that address"));
        let mails = app.wait_for_mails(1).await;
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        let mails_after = app.mails();
        assert_eq!(mails.len(), 1);
        assert_eq!(mails_after.len(), 1, "nothing is sent for an unknown address");
        assert_eq!(mails[0]["to"], "ann@example.com");
        assert!(mails[0]["body"].as_str().unwrap().contains(&format!("{}/reset-password?token=", app.base_url)));
    })
    .await;
}

#[tokio::test]
async fn a_reset_link_works_once_ends_sessions_and_signs_no_one_in() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let old_session = app.client();
        api_login(&app, &old_session, "ann@example.com", TEST_PASSWORD).await;

        ask_for_reset(&app, "ann@example.com").await;
        let token = reset_token_in(&app.wait_for_mails(1).await[0]);
        let browser = app.client();
        let r = submit_reset(&app, &browser, &token, "a brand new passphrase").await;
        assert_eq!(r.status(), StatusCode::SEE_OTHER);
        assert_eq!(r.headers()[header::LOCATION], "/login?done=password-changed");
        // The owner is told, without the link or anything else that would let a reader in.
        let mails = app.wait_for_mails(2).await;
        assert_eq!(mails.len(), 2, "the link, then the notice: {mails:#?}");
        let notice = &mails[1];
        assert_eq!(notice["to"], "ann@example.com");
        assert!(notice["subject"].as_str().unwrap().starts_with("Your password was changed"), "{notice}");
        let body = notice["body"].as_str().unwrap();
        assert!(body.contains("changed with a reset link") && body.contains("signed out"), "{body}");
        assert!(body.contains(&app.portal.settings().support_email), "{body}");
        assert!(!body.contains(&token) && !body.contains("token=") && !body.contains("passphrase"), "{body}");
        assert_eq!(
            browser.get(app.url("/api/v1/me")).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "not signed in"
        );
        assert_eq!(
            old_session.get(app.url("/api/v1/me")).send().await.unwrap().status(),
            StatusCode::UNAUTHORIZED,
            "old session ended"
        );

        let again = submit_reset(&app, &app.client(), &token, "another new passphrase").await;
        assert_eq!(again.status(), StatusCode::BAD_REQUEST);
        assert!(again.text().await.unwrap().contains("already used, or has expired"));

        assert_eq!(
            api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await.status(),
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            api_login(&app, &app.client(), "ann@example.com", "a brand new passphrase").await.status(),
            StatusCode::OK
        );
    })
    .await;
}

#[tokio::test]
async fn a_reset_link_expires_after_30_minutes() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    ask_for_reset(&app, "ann@example.com").await;
    let token = reset_token_in(&app.wait_for_mails(1).await[0]);
    app.clock.advance(Duration::minutes(30));
    let r = submit_reset(&app, &app.client(), &token, "a brand new passphrase").await;
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert_eq!(api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn a_reset_refuses_a_short_password_or_a_mismatch_and_keeps_the_link() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    ask_for_reset(&app, "ann@example.com").await;
    let token = reset_token_in(&app.wait_for_mails(1).await[0]);
    let r = submit_reset(&app, &app.client(), &token, "too short").await;
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("A password needs at least 12 characters"));
    let client = app.client();
    let csrf = csrf_from(&client.get(app.url("/reset-password?token=x")).send().await.unwrap().text().await.unwrap());
    let r = client
        .post(app.url("/reset-password"))
        .form(&[
            ("csrf", csrf.as_str()),
            ("token", token.as_str()),
            ("password", "long enough password"),
            ("confirm", "different password!"),
        ])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().await.unwrap().contains("The two passwords are not the same"));
    assert_eq!(
        submit_reset(&app, &app.client(), &token, "a brand new passphrase").await.status(),
        StatusCode::SEE_OTHER
    );
}

async fn raw_login(app: &TestApp, content_type: &str, body: Vec<u8>) -> (StatusCode, Value) {
    let r = browser_client()
        .post(app.url("/api/v1/login"))
        .header(header::CONTENT_TYPE, content_type)
        .body(body)
        .send()
        .await
        .unwrap();
    let status = r.status();
    (status, r.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn bad_json_gets_a_clear_4xx_naming_the_problem() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let json = "application/json";
    let cases: Vec<(Vec<u8>, StatusCode, &str, Option<&str>)> = vec![
        (b"{\"email\": ".to_vec(), StatusCode::BAD_REQUEST, "malformed_json", None),
        (
            b"{\"email\":\"a\xff@example.com\",\"password\":\"x\"}".to_vec(),
            StatusCode::BAD_REQUEST,
            "malformed_json",
            None,
        ),
        (b"[1,2]".to_vec(), StatusCode::UNPROCESSABLE_ENTITY, "invalid_body", None),
        (
            br#"{"email":"ann@example.com","password":12345678901234}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("password"),
        ),
        (
            br#"{"email":["ann@example.com"],"password":"x"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("email"),
        ),
        (
            br#"{"password":"correct horse battery"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("email"),
        ),
        (
            br#"{"email":"ann@example.com","password":"x","admin":true}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("admin"),
        ),
        (
            br#"{"email":"not-an-email","password":"correct horse battery"}"#.to_vec(),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some("email"),
        ),
    ];
    for (body, status, code, field) in cases {
        let shown = String::from_utf8_lossy(&body).into_owned();
        let (got, value) = raw_login(&app, json, body).await;
        assert_eq!(got, status, "{shown}: {value}");
        assert_eq!(value["error"]["code"], code, "{shown}: {value}");
        assert!(value["error"]["message"].as_str().is_some_and(|m| !m.is_empty()));
        if let Some(field) = field {
            assert_eq!(value["error"]["field"], field, "{shown}: {value}");
        }
    }
}

#[tokio::test]
async fn an_over_long_password_is_refused_before_hashing() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let body = serde_json::to_vec(&json!({ "email": "ann@example.com", "password": "x".repeat(257) })).unwrap();
    let (status, value) = raw_login(&app, "application/json", body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(value["error"]["field"], "password");
    assert!(value["error"]["message"].as_str().unwrap().contains("256"));
}

#[tokio::test]
async fn bodies_over_one_mebibyte_are_refused_with_413() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let body = serde_json::to_vec(&json!({ "email": "ann@example.com", "password": "x".repeat(1024 * 1024) })).unwrap();
    let (status, value) = raw_login(&app, "application/json", body).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(value["error"]["code"], "body_too_large");
    let r = app
        .client()
        .post(app.url("/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(format!("email=a&password={}", "x".repeat(1024 * 1024)))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_form_with_broken_utf8_is_refused_with_a_page() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app
        .client()
        .post(app.url("/login"))
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body("email=%ff%fe&password=x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
    assert!(r.text().await.unwrap().contains("not valid UTF-8"));
}

#[tokio::test]
async fn a_malformed_email_in_the_form_is_named_next_to_the_field() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = app.client();
    let csrf = csrf_from(&client.get(app.url("/login")).send().await.unwrap().text().await.unwrap());
    let r = client
        .post(app.url("/login"))
        .form(&[("csrf", csrf.as_str()), ("email", "ann-at-example"), ("password", TEST_PASSWORD)])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let page = r.text().await.unwrap();
    assert!(page.contains("id=\"email-error\""), "{page}");
    assert!(page.contains("aria-invalid=\"true\" aria-describedby=\"email-error\""));
    assert!(page.contains("value=\"ann-at-example\""), "what was typed is kept");
}

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    for path in ["/login", "/api/v1/me", "/healthz", "/no-such-page", "/static/style.css"] {
        let r = app.client().get(app.url(path)).send().await.unwrap();
        let h = r.headers();
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("default-src 'self'")
                && csp.contains("frame-ancestors 'none'")
                && !csp.contains("unsafe-inline"),
            "{path}"
        );
        assert_eq!(h[header::REFERRER_POLICY], "no-referrer", "{path}");
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{path}");
        assert!(h.contains_key("x-request-id"), "{path}");
        if path != "/static/style.css" {
            assert_eq!(h[header::CACHE_CONTROL], "no-store", "{path}");
        }
        assert!(!h.contains_key(header::STRICT_TRANSPORT_SECURITY), "plain http: {path}");
    }
}

#[tokio::test]
async fn health_and_readiness_answer() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        assert_eq!(app.client().get(app.url("/healthz")).send().await.unwrap().status(), StatusCode::OK);
        let ready = app.client().get(app.url("/readyz")).send().await.unwrap();
        assert_eq!(ready.status(), StatusCode::OK);
        let expected = if backend == Backend::Sqlite { "sqlite" } else { "postgres" };
        assert_eq!(ready.json::<Value>().await.unwrap()["database"], expected);
    })
    .await;
}

#[tokio::test]
async fn the_api_says_401_when_not_signed_in_and_404_in_json_for_unknown_routes() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let r = app.client().get(app.url("/api/v1/me")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_signed_in");
    let r = app.client().get(app.url("/api/v1/nothing")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::NOT_FOUND);
    assert_eq!(r.json::<Value>().await.unwrap()["error"]["code"], "not_found");
}

#[tokio::test]
async fn sign_in_steps_are_audited_without_the_password() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    api_login(&app, &app.client(), "ann@example.com", "wrong password!!").await;
    api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await;
    let events = app
        .portal
        .store()
        .audit_events(&portal_core::audit::AuditFilter { limit: 100, ..Default::default() })
        .await
        .unwrap();
    let logins: Vec<_> = events.iter().filter(|e| e.event.action == "login.password").collect();
    assert_eq!(logins.len(), 2);
    assert_eq!(logins[0].event.outcome, portal_core::audit::Outcome::Success);
    assert_eq!(logins[1].event.outcome, portal_core::audit::Outcome::Failure);
    assert_eq!(logins[0].event.ip.as_deref(), Some("127.0.0.1"));
    let all = serde_json::to_string(&events).unwrap();
    assert!(!all.contains(TEST_PASSWORD) && !all.contains("wrong password"));
}

// ----- In Spanish --------------------------------------------------------------------------------

/// A browser that asks for Spanish (`Accept-Language: es`), with a cookie store and no redirects.
fn spanish_browser() -> Client {
    portal_testkit::browser_client_reading("es-US,es;q=0.9")
}

/// Opens the page at `path` and submits its form with `fields` and the page's CSRF token.
async fn submit_page_form(app: &TestApp, client: &Client, path: &str, fields: &[(&str, &str)]) -> (StatusCode, String) {
    let csrf = csrf_from(&client.get(app.url(path)).send().await.unwrap().text().await.unwrap());
    let r = client.post(app.url(path)).form(&[&[("csrf", csrf.as_str())], fields].concat()).send().await.unwrap();
    (r.status(), r.text().await.unwrap())
}

async fn sign_in_form(app: &TestApp, client: &Client, email: &str, password: &str) -> (StatusCode, String) {
    submit_page_form(app, client, "/login", &[("email", email), ("password", password)]).await
}

#[tokio::test]
async fn the_sign_in_page_and_its_errors_speak_spanish_to_a_spanish_reader() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = spanish_browser();
        let page = client.get(app.url("/login")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<html lang="es">"#), "{page}");
        assert!(page.contains("<title>Iniciar sesión · ") && page.contains("<h1>Iniciar sesión</h1>"), "{page}");
        assert!(page.contains(r#"<label for="email">Correo electrónico</label>"#), "{page}");
        assert!(page.contains(r#"<label for="password">Contraseña</label>"#), "{page}");
        assert!(page.contains(">¿Olvidó su contraseña?</a>"), "{page}");

        let (status, page) = sign_in_form(&app, &client, "ann@example.com", "not the password at all").await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert!(
            page.contains("El correo electrónico o la contraseña no son correctos. Revíselos e inténtelo de nuevo."),
            "{page}"
        );
        let (status, page) = sign_in_form(&app, &client, "ann-at-example", TEST_PASSWORD).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Ingrese una dirección de correo electrónico como nombre@ejemplo.com"), "{page}");
        let (status, page) = sign_in_form(&app, &client, "ann@example.com", "").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains(">Ingrese su contraseña</p>"), "{page}");

        // Signed in, then out: the notice on the sign-in page is Spanish too.
        let (status, _) = sign_in_form(&app, &client, "ann@example.com", TEST_PASSWORD).await;
        assert_eq!(status, StatusCode::SEE_OTHER);
        let home = client.get(app.url("/")).send().await.unwrap().text().await.unwrap();
        assert!(home.contains("Le damos la bienvenida, ann"), "{home}");
        let csrf = csrf_from(&home);
        client.post(app.url("/logout")).form(&[("csrf", csrf.as_str())]).send().await.unwrap();
        let page = client.get(app.url("/login?done=signed-out")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<p class="notice" role="status">Cerró sesión.</p>"#), "{page}");
    })
    .await;
}

#[tokio::test]
async fn too_many_sign_in_attempts_are_explained_in_spanish() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    app.create_user("ann@example.com", Role::Policyholder).await;
    let client = spanish_browser();
    for _ in 0..5 {
        api_login(&app, &client, "ann@example.com", "wrong password!!").await;
    }
    let (status, page) = sign_in_form(&app, &client, "ann@example.com", TEST_PASSWORD).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.contains("Demasiados intentos de inicio de sesión. Espere 15 minutos e inténtelo de nuevo."),
        "{page}"
    );
}

async fn ask_for_reset_with(app: &TestApp, client: &Client, email: &str) -> (StatusCode, String) {
    submit_page_form(app, client, "/forgot-password", &[("email", email)]).await
}

#[tokio::test]
async fn a_spanish_reader_resets_their_password_in_spanish_and_the_link_comes_in_spanish() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = spanish_browser();
        let page = client.get(app.url("/forgot-password")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains(r#"<html lang="es">"#) && page.contains("<h1>¿Olvidó su contraseña?</h1>"), "{page}");
        assert!(page.contains(">Enviar el enlace</button>"), "{page}");
        let (status, page) = ask_for_reset_with(&app, &client, "not an address").await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(page.contains("Ingrese una dirección de correo electrónico como nombre@ejemplo.com"), "{page}");
        let (status, page) = ask_for_reset_with(&app, &client, "ann@example.com").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("<h1>Revise su correo electrónico</h1>"), "{page}");

        // Ann never chose a language: the email is in the one she asked in.
        let mail = &app.wait_for_mails(1).await[0];
        assert_eq!(mail["to"], "ann@example.com");
        assert_eq!(mail["subject"], "Restablezca su contraseña de Inventory Portal");
        let body = mail["body"].as_str().unwrap();
        assert!(body.starts_with("Hola, ann:\n\n"), "{body}");
        assert!(body.contains("Abra este enlace en los próximos 30 minutos"), "{body}");
        assert!(body.contains(&format!("\n\n{}/reset-password?token=", app.base_url)), "{body}");
        let token = reset_token_in(mail);

        // The reset page and its errors.
        let page =
            client.get(app.url(&format!("/reset-password?token={token}"))).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("<h1>Elija una contraseña nueva</h1>") && page.contains("Escríbala otra vez"), "{page}");
        let r = submit_reset(&app, &client, &token, "too short").await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("La contraseña debe tener al menos 12 caracteres"));
        let csrf = csrf_from(&page);
        let r = client
            .post(app.url("/reset-password"))
            .form(&[
                ("csrf", csrf.as_str()),
                ("token", token.as_str()),
                ("password", "long enough password"),
                ("confirm", "different password!"),
            ])
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.text().await.unwrap().contains("Las dos contraseñas no coinciden"));

        let r = submit_reset(&app, &client, &token, "una contraseña nueva y larga").await;
        assert_eq!(r.headers()[header::LOCATION], "/login?done=password-changed");
        let page = client.get(app.url("/login?done=password-changed")).send().await.unwrap().text().await.unwrap();
        assert!(page.contains("Se cambió su contraseña. Inicie sesión con la contraseña nueva."), "{page}");
        let notice = &app.wait_for_mails(2).await[1];
        assert_eq!(notice["subject"], "Se cambió su contraseña — Inventory Portal");
        assert!(notice["body"].as_str().unwrap().contains("se cambió con un enlace para restablecerla"), "{notice}");

        // A used link: the error page in Spanish.
        let r = submit_reset(&app, &client, &token, "otra contraseña nueva y larga").await;
        assert_eq!(r.status(), StatusCode::BAD_REQUEST);
        let page = r.text().await.unwrap();
        assert!(page.contains(r#"<html lang="es">"#) && page.contains("Este enlace no se puede usar"), "{page}");
        assert!(page.contains("no es válido, ya se usó o venció"), "{page}");
    })
    .await;
}

#[tokio::test]
async fn the_reset_link_comes_in_the_language_the_account_keeps_whatever_the_browser_asks() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        // Ann first signed in reading English, so English is kept with her account.
        assert_eq!(api_login(&app, &app.client(), "ann@example.com", TEST_PASSWORD).await.status(), StatusCode::OK);
        let (_, page) = ask_for_reset_with(&app, &spanish_browser(), "ann@example.com").await;
        assert!(page.contains("Revise su correo electrónico"), "the page is in the reader's language");
        let mail = &app.wait_for_mails(1).await[0];
        assert_eq!(mail["subject"], "Reset your Inventory Portal password");
        assert!(mail["body"].as_str().unwrap().starts_with("Hello ann,"), "{mail}");
    })
    .await;
}

#[tokio::test]
async fn too_many_reset_requests_are_explained_in_spanish() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = spanish_browser();
    for _ in 0..3 {
        assert_eq!(ask_for_reset_with(&app, &client, "nobody@example.com").await.0, StatusCode::OK);
    }
    let (status, page) = ask_for_reset_with(&app, &client, "nobody@example.com").await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.contains("Demasiadas solicitudes para restablecer la contraseña; inténtelo de nuevo en 60 minutos."),
        "{page}"
    );
}

#[tokio::test]
async fn the_help_page_is_the_guides_help_in_spanish() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let client = spanish_browser();
    let r = client.get(app.url("/help")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let page = r.text().await.unwrap();
    assert!(page.contains(r#"<html lang="es">"#), "{page}");
    assert!(page.contains("<h1>Ayuda para iniciar sesión</h1>"), "{page}");
    assert!(page.contains("Inventory Portal protege su reclamo con dos pasos"), "{page}");
    assert!(page.contains("Tiene 45 días para hacerlo"), "{page}");
    assert!(page.contains("elija <strong>Prefiero una llamada</strong>"), "{page}");
    assert!(page.contains("<h2>Aplicación de autenticación en su computadora</h2>"), "{page}");
    assert!(page.contains(r#"Escríbanos a <a href="mailto:support@example.com">support@example.com</a>"#), "{page}");
    assert!(page.contains(">Chatear con soporte</a>"), "{page}");
    // Nothing English is left of the guide's text.
    for english in ["Help with signing in", "Call me instead", "Still having trouble?", "Contact support"] {
        assert!(!page.contains(english), "{english} in {page}");
    }
}
