//! Choosing a language: `?lang=`, the `lang` cookie, `Accept-Language`, the footer's picker and
//! `PATCH /api/v1/me`, and the choice a user keeps with their account, on both databases.

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{TEST_PASSWORD, TestApp, csrf_from, each_backend};
use serde_json::{Value, json};

use crate::common::answer;

fn lang_cookie(response: &portal_testkit::reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|c| c.starts_with("lang="))
}

async fn page(client: &Client, url: String, accept_language: Option<&str>) -> (StatusCode, String) {
    let mut request = client.get(url);
    if let Some(wanted) = accept_language {
        request = request.header(header::ACCEPT_LANGUAGE, wanted);
    }
    let response = request.send().await.unwrap();
    (response.status(), response.text().await.unwrap())
}

async fn my_language(app: &TestApp, client: &Client) -> Value {
    let me: Value = client.get(app.url("/api/v1/me")).send().await.unwrap().json().await.unwrap();
    me["language"].clone()
}

#[tokio::test]
async fn the_browser_language_the_query_and_the_cookie_choose_the_pages_language() {
    let app = TestApp::spawn(portal_testkit::Backend::Sqlite).await;
    // No preference, or one we do not speak: English.
    let (_, html) = page(&Client::new(), app.url("/login"), None).await;
    assert!(html.contains(r#"<html lang="en">"#), "{html}");
    assert!(html.contains(">Language</label>"), "the English footer");
    let (_, html) = page(&Client::new(), app.url("/login"), Some("fr-FR,fr;q=0.9")).await;
    assert!(html.contains(r#"<html lang="en">"#));

    // A Spanish-speaking browser gets Spanish, with Spanish selected in the picker.
    let (_, html) = page(&Client::new(), app.url("/login"), Some("es-MX,es;q=0.9,en;q=0.5")).await;
    assert!(html.contains(r#"<html lang="es">"#), "{html}");
    assert!(html.contains("Idioma") && html.contains("Ayuda para iniciar sesión"), "{html}");
    assert!(html.contains(r#"<option value="es" lang="es" selected>Español</option>"#), "{html}");

    // `?lang=es` beats an English browser, and the cookie it sets keeps the next page Spanish.
    let client = app.client();
    let response = client.get(app.url("/login?lang=es")).header(header::ACCEPT_LANGUAGE, "en").send().await.unwrap();
    let cookie = lang_cookie(&response).expect("?lang= keeps the choice in a cookie");
    assert!(
        cookie.starts_with("lang=es;") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    assert!(cookie.contains("Max-Age="), "kept past the browser's session: {cookie}");
    assert!(response.text().await.unwrap().contains(r#"<html lang="es">"#));
    let (_, html) = page(&client, app.url("/help"), Some("en")).await;
    assert!(html.contains(r#"<html lang="es">"#), "the cookie beats Accept-Language");

    // A language we do not speak in the query changes nothing.
    let response = client.get(app.url("/login?lang=xx")).send().await.unwrap();
    assert!(lang_cookie(&response).is_none());
    assert!(response.text().await.unwrap().contains(r#"<html lang="es">"#));
}

#[tokio::test]
async fn error_pages_speak_the_visitors_language() {
    let app = TestApp::spawn(portal_testkit::Backend::Sqlite).await;
    let (status, html) = page(&Client::new(), app.url("/no/such/page"), Some("es")).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(html.contains(r#"<html lang="es">"#) && html.contains("Ir al portal"), "{html}");
    assert!(html.contains("Página no encontrada"), "{html}");

    // Refusals made before any handler runs speak it too: a form from another site, a form
    // that is not a form.
    let client = Client::new();
    let response = client
        .post(app.url("/language"))
        .header(header::ACCEPT_LANGUAGE, "es")
        .header("sec-fetch-site", "cross-site")
        .form(&[("lang", "en")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let html = response.text().await.unwrap();
    assert!(html.contains("Solicitud rechazada") && html.contains("desde otro sitio web"), "{html}");
    let response = client
        .post(app.url("/language"))
        .header(header::ACCEPT_LANGUAGE, "es")
        .header(header::CONTENT_TYPE, "text/plain")
        .body("lang=en")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    assert!(response.text().await.unwrap().contains("Envíe el formulario desde la página del portal."));
}

#[tokio::test]
async fn the_footer_picker_works_before_sign_in_and_returns_only_to_this_site() {
    let app = TestApp::spawn(portal_testkit::Backend::Sqlite).await;
    let client = app.client();
    let (_, html) = page(&client, app.url("/help"), None).await;
    assert!(html.contains(r#"<form method="post" action="/language""#), "a plain form, no script needed");
    assert!(html.contains(r#"name="next" value="/help""#), "{html}");

    let response = client.post(app.url("/language")).form(&[("lang", "es"), ("next", "/help")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    assert_eq!(response.headers()[header::LOCATION], "/help");
    assert!(lang_cookie(&response).unwrap().starts_with("lang=es;"));
    let (_, html) = page(&client, app.url("/help"), None).await;
    assert!(html.contains(r#"<html lang="es">"#));

    // Somewhere else is never a place to return to.
    for outside in ["https://evil.example/", "//evil.example/x", "/\\evil.example"] {
        let response =
            client.post(app.url("/language")).form(&[("lang", "en"), ("next", outside)]).send().await.unwrap();
        assert_eq!(response.headers()[header::LOCATION], "/", "{outside}");
    }

    // A language we do not speak is refused with a page that says what to choose, in the
    // language being read.
    let response = client.post(app.url("/language")).form(&[("lang", "fr"), ("next", "/")]).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert!(lang_cookie(&response).is_none());
    let html = response.text().await.unwrap();
    assert!(html.contains("English, Español"), "{html}");

    // From another site, refused before it runs.
    let response = client
        .post(app.url("/language"))
        .header("sec-fetch-site", "cross-site")
        .form(&[("lang", "es"), ("next", "/")])
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(lang_cookie(&response).is_none());
}

#[tokio::test]
async fn a_signed_in_users_choice_is_kept_with_their_account_and_follows_them_to_a_new_browser() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        assert_eq!(app.api_login(&client, "ann@example.com", TEST_PASSWORD).await.status(), StatusCode::OK);
        assert_eq!(my_language(&app, &client).await, json!("en"), "signed in reading English");

        // The picker's form carries the session's token; a wrong one changes nothing.
        let (_, html) = page(&client, app.url("/"), None).await;
        let csrf = csrf_from(&html);
        let refused = client
            .post(app.url("/language"))
            .form(&[("lang", "es"), ("next", "/"), ("csrf", "not-the-token")])
            .send()
            .await
            .unwrap();
        assert_eq!(refused.status(), StatusCode::FORBIDDEN);
        assert!(lang_cookie(&refused).is_none());
        assert_eq!(my_language(&app, &client).await, json!("en"));
        // The help page is not drawn for the session, so its picker sends no token: that changes
        // this browser's cookie only, not the account.
        let (_, help) = page(&client, app.url("/help"), None).await;
        assert!(!help.contains(r#"name="csrf""#), "{help}");
        let from_help =
            client.post(app.url("/language")).form(&[("lang", "es"), ("next", "/help")]).send().await.unwrap();
        assert_eq!(from_help.status(), StatusCode::SEE_OTHER);
        assert!(lang_cookie(&from_help).unwrap().starts_with("lang=es;"));
        assert_eq!(my_language(&app, &client).await, json!("en"));
        client.post(app.url("/language")).form(&[("lang", "en"), ("next", "/")]).send().await.unwrap();

        let chosen = client
            .post(app.url("/language"))
            .form(&[("lang", "es"), ("next", "/"), ("csrf", csrf.as_str())])
            .send()
            .await
            .unwrap();
        assert_eq!(chosen.status(), StatusCode::SEE_OTHER);
        assert_eq!(my_language(&app, &client).await, json!("es"));

        // A new browser that asks for English still gets Spanish once Ann has signed in.
        let elsewhere = app.client();
        let signed_in = elsewhere
            .post(app.url("/api/v1/login"))
            .header(header::ACCEPT_LANGUAGE, "en-US")
            .json(&json!({ "email": "ann@example.com", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(lang_cookie(&signed_in).unwrap().starts_with("lang=es;"));
        let (_, html) = page(&elsewhere, app.url("/"), Some("en-US")).await;
        assert!(html.contains(r#"<html lang="es">"#));
        assert_eq!(my_language(&app, &elsewhere).await, json!("es"), "signing in did not undo the choice");
    })
    .await;
}

#[tokio::test]
async fn a_user_who_never_chose_keeps_the_language_they_first_signed_in_with() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        let response = client
            .post(app.url("/api/v1/login"))
            .header(header::ACCEPT_LANGUAGE, "es-US,es;q=0.9")
            .json(&json!({ "email": "ann@example.com", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert_eq!(my_language(&app, &client).await, json!("es"));
        // A later sign-in from an English browser keeps it.
        let english = Client::builder().cookie_store(true).build().unwrap();
        english
            .post(app.url("/api/v1/login"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .json(&json!({ "email": "ann@example.com", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert_eq!(my_language(&app, &english).await, json!("es"));
    })
    .await;
}

#[tokio::test]
async fn a_language_chosen_on_the_sign_in_page_becomes_the_accounts() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        // Ann reads English; her account says so.
        let english = app.client();
        app.api_login(&english, "ann@example.com", TEST_PASSWORD).await;
        assert_eq!(my_language(&app, &english).await, json!("en"));

        // On another browser she picks Español on the sign-in page, then signs in there.
        let client = app.client();
        let (_, login) = page(&client, app.url("/login"), Some("en")).await;
        assert!(login.contains(r#"<html lang="en">"#));
        client.post(app.url("/language")).form(&[("lang", "es"), ("next", "/login")]).send().await.unwrap();
        let (_, login) = page(&client, app.url("/login"), Some("en")).await;
        let csrf = csrf_from(&login);
        let signed_in = client
            .post(app.url("/login"))
            .form(&[("csrf", csrf.as_str()), ("email", "ann@example.com"), ("password", TEST_PASSWORD)])
            .send()
            .await
            .unwrap();
        assert_eq!(signed_in.status(), StatusCode::SEE_OTHER);
        assert!(lang_cookie(&signed_in).unwrap().starts_with("lang=es;"), "the pages after sign-in stay Spanish");
        assert_eq!(my_language(&app, &client).await, json!("es"), "the choice is kept with the account");

        // A browser that only prefers English (no choice made in it) does not undo it.
        let fresh = app.client();
        let response = fresh
            .post(app.url("/api/v1/login"))
            .header(header::ACCEPT_LANGUAGE, "en")
            .json(&json!({ "email": "ann@example.com", "password": TEST_PASSWORD }))
            .send()
            .await
            .unwrap();
        assert!(lang_cookie(&response).unwrap().starts_with("lang=es;"));
        assert_eq!(my_language(&app, &fresh).await, json!("es"));
    })
    .await;
}

#[tokio::test]
async fn the_api_changes_the_language_and_names_the_field_when_it_is_wrong() {
    each_backend(|backend| async move {
        let app = TestApp::spawn(backend).await;
        app.create_user("ann@example.com", Role::Policyholder).await;
        let client = app.client();
        app.api_login(&client, "ann@example.com", TEST_PASSWORD).await;
        for wrong in [json!({ "language": "fr" }), json!({ "language": "ES" }), json!({ "language": 7 }), json!({})] {
            let a = answer(client.patch(app.url("/api/v1/me")).json(&wrong).send().await.unwrap()).await;
            assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{wrong}: {}", a.text);
            if wrong.get("language").is_some_and(Value::is_string) {
                assert_eq!(a.field(), "language", "{wrong}");
            }
        }
        assert_eq!(my_language(&app, &client).await, json!("en"), "nothing changed");
        let response = client.patch(app.url("/api/v1/me")).json(&json!({ "language": "es" })).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(lang_cookie(&response).unwrap().starts_with("lang=es;"));
        let me: Value = response.json().await.unwrap();
        assert_eq!(me["language"], "es");
        assert_eq!(me["email"], "ann@example.com");
        // Signed out, nobody's language changes.
        let a =
            answer(Client::new().patch(app.url("/api/v1/me")).json(&json!({ "language": "en" })).send().await.unwrap())
                .await;
        assert_eq!(a.status, StatusCode::UNAUTHORIZED);
    })
    .await;
}

#[tokio::test]
async fn the_api_explains_in_the_language_asked_for_and_keeps_its_codes() {
    let app = TestApp::spawn(portal_testkit::Backend::Sqlite).await;
    let client = Client::new();
    let login = |accept: &'static str, body: Value| {
        client.post(app.url("/api/v1/login")).header(header::ACCEPT_LANGUAGE, accept).json(&body).send()
    };
    let english = answer(login("en", json!({ "email": "ann@example.com" })).await.unwrap()).await;
    let spanish = answer(login("es", json!({ "email": "ann@example.com" })).await.unwrap()).await;
    assert_eq!(
        (english.status, english.code(), english.field()),
        (StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", "password")
    );
    assert_eq!((spanish.status, spanish.code(), spanish.field()), (english.status, english.code(), english.field()));
    assert_eq!(english.json["error"]["message"], "password: is required");
    assert_eq!(spanish.json["error"]["message"], "password: es obligatorio");

    let wrong = json!({ "email": "nobody@example.com", "password": "not the password" });
    let spanish = answer(login("es-MX", wrong).await.unwrap()).await;
    assert_eq!(spanish.code(), "invalid_credentials");
    assert_eq!(spanish.json["error"]["message"], "el correo electrónico o la contraseña no son correctos");

    let not_signed_in = answer(client.get(app.url("/api/v1/me?lang=es")).send().await.unwrap()).await;
    assert_eq!((not_signed_in.status, not_signed_in.code()), (StatusCode::UNAUTHORIZED, "not_signed_in"));
    assert_eq!(not_signed_in.json["error"]["message"], "inicie sesión primero");
}
