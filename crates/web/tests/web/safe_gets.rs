//! "GET never changes state": opening a page or reading the API writes no audit row and starts
//! nothing. The authenticator-app setup page shows a pending setup and only a POST starts one;
//! and every GET route of the router (walked from its own route tables) leaves the audit log as
//! it was, for every kind of visitor — on SQLite and (when configured) PostgreSQL. The one write
//! a GET may cause is session bookkeeping (`last_seen_at`, an expired session removed), which is
//! not the user's state and is not audited. The walk also asks for every page in Spanish: each
//! one comes in Spanish, and no message is missing.

use portal_core::RequestContext;
use portal_core::audit::{AuditEvent, AuditFilter, Outcome};
use portal_core::clock::Clock as _;
use portal_core::mfa::factor::Factor;
use portal_core::user::{Role, User};
use portal_testkit::reqwest::{Client, StatusCode, header};
use portal_testkit::{TEST_PASSWORD, TestApp, csrf_from, each_backend};
use serde_json::{Value, json};

use crate::common::mfa_app;

async fn audit_rows(app: &TestApp) -> usize {
    app.portal.store().audit_events(&AuditFilter { limit: 10_000, ..AuditFilter::default() }).await.unwrap().len()
}

async fn pending_factors(app: &TestApp, user: &User) -> Vec<Factor> {
    app.portal.store().factors_of(&user.id).await.unwrap().into_iter().filter(|f| !f.is_confirmed()).collect()
}

async fn get(app: &TestApp, client: &Client, path: &str) -> (StatusCode, Option<String>, String) {
    let r = client.get(app.url(path)).send().await.unwrap();
    let location = r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned());
    (r.status(), location, r.text().await.unwrap())
}

async fn post_form(
    app: &TestApp,
    client: &Client,
    path: &str,
    fields: &[(&str, &str)],
) -> (StatusCode, Option<String>) {
    let r = client.post(app.url(path)).form(fields).send().await.unwrap();
    (r.status(), r.headers().get(header::LOCATION).map(|v| v.to_str().unwrap().to_owned()))
}

async fn post_json(app: &TestApp, client: &Client, path: &str, body: Value) -> Value {
    let r = app.post_json(client, path, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert!(status.is_success(), "{path}: {status} {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// The secret in the "Still having trouble?" box, if the page shows one.
fn shown_secret(html: &str) -> Option<String> {
    let marker = "id=\"totp-secret\" data-copy=\"";
    let start = html.find(marker)? + marker.len();
    Some(html[start..start + html[start..].find('"')?].to_owned())
}

/// Signs in with the password only: the session must set a method up next.
async fn half_signed_in(app: &TestApp, email: &str) -> Client {
    let client = app.client();
    let r = app.api_login(&client, email, TEST_PASSWORD).await;
    assert_eq!(r.status(), StatusCode::OK);
    client
}

/// Signs in with the password only, and returns a client that sends that session cookie on
/// every request whatever the server says (a cookie jar would drop it when a page clears it).
async fn with_fixed_cookie(app: &TestApp, email: &str) -> Client {
    let r = app.api_login(&portal_testkit::reqwest::Client::new(), email, TEST_PASSWORD).await;
    let cookie = r
        .headers()
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().split(';').next().unwrap().to_owned())
        .find(|c| c.contains("session="))
        .expect("a session cookie");
    let mut headers = header::HeaderMap::new();
    headers.insert(header::COOKIE, cookie.parse().unwrap());
    Client::builder()
        .default_headers(headers)
        .redirect(portal_testkit::reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Signs in and sets the authenticator app up over the API: fully signed in, fresh step-up.
async fn signed_in(app: &TestApp, email: &str) -> (Client, String) {
    let client = half_signed_in(app, email).await;
    let setup = post_json(app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let done = post_json(app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) })).await;
    assert_eq!(done["state"], "authenticated");
    (client, secret)
}

#[tokio::test]
async fn opening_the_app_setup_page_writes_nothing_and_only_the_post_starts_a_setup() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let ann = app.create_user("ann@example.com", Role::Policyholder).await;
        let client = half_signed_in(&app, "ann@example.com").await;
        let before = audit_rows(&app).await;

        // Nothing pending: the page offers to start (a form, so it works without JavaScript).
        for _ in 0..2 {
            let (status, _, html) = get(&app, &client, "/mfa/setup/app").await;
            assert_eq!(status, StatusCode::OK, "{html}");
            assert!(shown_secret(&html).is_none() && !html.contains("<svg"), "no secret before a start:\n{html}");
            assert!(html.contains("action=\"/mfa/setup/app/start\""), "{html}");
        }
        assert_eq!(audit_rows(&app).await, before, "a GET writes no audit row");
        assert!(pending_factors(&app, &ann).await.is_empty(), "a GET starts no setup");

        // "Authenticator app" on the choice page is a POST; then the browser GETs the page.
        let (_, _, choose) = get(&app, &client, "/mfa/setup").await;
        let csrf = csrf_from(&choose);
        let started = post_form(&app, &client, "/mfa/setup/app/start", &[("csrf", &csrf)]).await;
        assert_eq!(started, (StatusCode::SEE_OTHER, Some("/mfa/setup/app".to_owned())));
        assert_eq!(pending_factors(&app, &ann).await.len(), 1);
        let after_start = audit_rows(&app).await;
        assert_eq!(after_start, before + 1, "the start is audited once");

        let (_, _, first) = get(&app, &client, "/mfa/setup/app").await;
        let (_, _, second) = get(&app, &client, "/mfa/setup/app").await;
        let secret = shown_secret(&first).expect("the started setup's secret");
        assert_eq!(shown_secret(&second), Some(secret.clone()), "a second GET shows the same secret");
        assert_eq!(audit_rows(&app).await, after_start, "showing a setup writes nothing");
        assert_eq!(pending_factors(&app, &ann).await.len(), 1);

        // Choosing the app again while the setup is fresh keeps it (a double click changes nothing).
        post_form(&app, &client, "/mfa/setup/app/start", &[("csrf", &csrf)]).await;
        let (_, _, again) = get(&app, &client, "/mfa/setup/app").await;
        assert_eq!(shown_secret(&again), Some(secret.clone()));

        // After 15 minutes the page says nothing is pending, and still writes nothing.
        app.clock.advance(time::Duration::minutes(16));
        let rows = audit_rows(&app).await;
        let (status, _, expired) = get(&app, &client, "/mfa/setup/app").await;
        assert_eq!(status, StatusCode::OK);
        assert!(shown_secret(&expired).is_none(), "{expired}");
        assert_eq!(audit_rows(&app).await, rows);
    })
    .await;
}

/// The routes' path parameters, filled in with things that exist.
struct Ids {
    claim: String,
    item: String,
    attachment: String,
    user: String,
}

/// Every GET route with its parameters filled in (console actions: each action's page).
fn get_paths(ids: &Ids) -> Vec<String> {
    let routes = portal_web::all_routes();
    assert!(routes.len() > 40, "the route tables cover the whole router: {routes:?}");
    let mut paths = Vec::new();
    for (route, methods) in routes {
        if !methods.contains(&"GET") {
            continue;
        }
        let id = if route.contains("/users/{id}") { &ids.user } else { &ids.claim };
        let path =
            route.replace("{id}", id).replace("{item_id}", &ids.item).replace("{attachment_id}", &ids.attachment);
        if path.contains("{action}") {
            for action in ["extend-deadline", "reset-mfa", "unlock", "end-sessions"] {
                paths.push(path.replace("{action}", action));
            }
        } else {
            assert!(!path.contains('{'), "a parameter this test does not know: {route}");
            paths.push(path);
        }
    }
    paths.push("/reset-password?token=not-a-real-token".to_owned());
    paths.push("/mfa/verify?next=setup&method=sms".to_owned());
    paths
}

#[tokio::test]
async fn no_get_route_writes_an_audit_row_for_anyone() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let _ = app.create_user("ada@example.com", Role::Adjuster).await;
        let ann = app.create_user("ann@example.com", Role::Policyholder).await;
        app.create_user("sue@example.com", Role::Support).await;
        app.create_user("root@example.com", Role::Admin).await;
        app.create_user("bea@example.com", Role::Policyholder).await;
        let late = app.create_user("late@example.com", Role::Policyholder).await;

        let (ada, _) = signed_in(&app, "ada@example.com").await;
        let (ann_full, _) = signed_in(&app, "ann@example.com").await;
        let (sue, _) = signed_in(&app, "sue@example.com").await;
        let (root, _) = signed_in(&app, "root@example.com").await;
        let claim = post_json(
            &app,
            &ada,
            "/api/v1/claims",
            json!({ "claim_number": "CLM-2001", "loss_date": "2026-02-14", "loss_address": "12 Elm St",
                    "policyholder_email": "ann@example.com", "policyholder_name": "Ann Lee" }),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let item = post_json(
            &app,
            &ann_full,
            &format!("/api/v1/claims/{claim}/items"),
            json!({ "description": "TV", "room": "Living room", "quantity": 1, "replacement_cost_cents": 49_900 }),
        )
        .await["id"]
            .as_str()
            .unwrap()
            .to_owned();
        let pdf = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".to_vec();
        let uploaded = ann_full
            .post(app.url(&format!("/api/v1/claims/{claim}/items/{item}/attachments?file_name=receipt.pdf")))
            .header("content-type", "application/pdf")
            .body(pdf)
            .send()
            .await
            .unwrap();
        assert_eq!(uploaded.status(), StatusCode::CREATED);
        let attachment = uploaded.json::<Value>().await.unwrap()["id"].as_str().unwrap().to_owned();

        // Half signed in: one must set a method up, one must verify, one is past its deadline.
        let setting_up = half_signed_in(&app, "bea@example.com").await;
        let verifying = half_signed_in(&app, "ann@example.com").await;
        // The past-deadline page clears the cookie in a browser; this visitor keeps sending it, so
        // every route is tried with the dead session, not just the first.
        let past_deadline = with_fixed_cookie(&app, "late@example.com").await;
        let ctx = RequestContext::cli();
        let today = app.clock.now().date();
        let audit = AuditEvent::new(app.clock.now(), "test.deadline", Outcome::Success, &ctx);
        app.portal.store().set_mfa_deadline(&late.id, Some(today), &audit).await.unwrap();

        let ids = Ids { claim, item, attachment, user: ann.id.as_str().to_owned() };
        let visitors = [
            ("anonymous", app.client()),
            ("setting up", setting_up),
            ("verifying", verifying),
            ("past the deadline", past_deadline),
            ("policyholder", ann_full),
            ("adjuster", ada),
            ("support", sue),
            ("admin", root),
        ];
        let paths = get_paths(&ids);
        let mut answered = 0;
        for (who, client) in &visitors {
            for path in &paths {
                let before = audit_rows(&app).await;
                let (status, _, body) = get(&app, client, path).await;
                assert!(!status.is_server_error(), "{who} GET {path}: {status}\n{body}");
                assert_ne!(status, StatusCode::METHOD_NOT_ALLOWED, "{who} GET {path}: the table says GET");
                assert_eq!(audit_rows(&app).await, before, "{who} GET {path} ({status}) wrote an audit row");
                answered += usize::from(status.is_success());
                // The same page for a Spanish reader: Spanish, with no message missing.
                // (`?lang=`: a signed-in visitor's cookie says the account's language, which
                // beats the browser's.)
                let in_spanish = format!("{path}{}lang=es", if path.contains('?') { '&' } else { '?' });
                let spanish = client.get(app.url(&in_spanish)).send().await.unwrap();
                let html =
                    spanish.headers().get(header::CONTENT_TYPE).is_some_and(|v| v.as_bytes().starts_with(b"text/html"));
                let body = spanish.text().await.unwrap();
                assert!(!body.contains("Unknown localization"), "{who} GET {path} in Spanish lacks a message:\n{body}");
                if html {
                    assert!(body.contains(r#"<html lang="es">"#), "{who} GET {path} is not in Spanish:\n{body}");
                }
            }
        }
        assert!(answered > paths.len(), "the walk reached real pages, not only refusals ({answered})");
        // Nothing was started for anyone either.
        for user in [&ann, &late] {
            assert!(pending_factors(&app, user).await.is_empty(), "{}", user.email);
        }
    })
    .await;
}
