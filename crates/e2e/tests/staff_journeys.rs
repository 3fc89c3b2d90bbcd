//! Staff journeys in a real browser (headless Chromium over WebDriver), against the real portal
//! on a random 127.0.0.1 port, with the same page checks as the MFA journeys (screenshots at
//! desktop and mobile size under `target/screenshots/<journey>/`, axe-core, no sideways scroll,
//! requests and windows inside the portal; see `portal_e2e::Browser::page`):
//!
//! 1. a support agent finds a policyholder past the setup deadline in the support console and
//!    extends it by 7 days; the policyholder then signs in and may set up a method again;
//! 2. a policyholder whose adjuster opened a claim adds two items in two rooms, sees the room
//!    and claim totals, submits the inventory and finds it read-only.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_core::user::Role;
use portal_e2e::{Browser, Js};
use portal_testkit::reqwest::StatusCode;
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp};
use serde_json::{Value, json};
use time::macros::{date, datetime};

const ANN: &str = "ann@example.com";
const SAM: &str = "sam.support@example.com";
const ADA: &str = "ada.adjuster@example.com";

/// The sign-in page: email, password, "Sign in".
async fn sign_in(b: &mut Browser, name: &str, email: &str) {
    b.page(name, "Sign in").await;
    b.fill("#email", email).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose("Sign in").await;
}

/// From "Add a verification method": the authenticator app, its secret (from "Still having
/// trouble?"), the code oathtool computes, "Continue" → home.
async fn enroll_app(app: &TestApp, b: &mut Browser) {
    b.choose("Authenticator app").await;
    b.page("authenticator-app", "Authenticator app").await;
    b.choose("Still having trouble?").await;
    let secret = b.find("#totp-secret").await.attr("data-copy").await.unwrap().expect("data-copy on #totp-secret");
    b.same_page("authenticator-app-secret", "#totp-secret").await;
    b.fill("#code", &app.oathtool_code(&secret.to_ascii_uppercase())).await;
    b.choose("Continue").await;
    b.page("home", "Welcome").await;
}

// ---------------------------------------------------------------------------------------------
// 1. A support agent extends the deadline of a past-deadline policyholder, who then signs in.

#[tokio::test]
async fn support_agent_extends_a_deadline_then_the_policyholder_signs_in() {
    // MFA switched on at New Year for an account from last June: the deadline was February 15.
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
    app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2025-06-01 12:00 UTC))).await;
    app.create_user(SAM, Role::Support).await;
    let mut b = Browser::start(&app.base_url, "11-support-extends-deadline", Js::Enabled).await;

    // The agent signs in and must set up a method (staff always do).
    b.goto("/login").await;
    sign_in(&mut b, "agent-sign-in", SAM).await;
    b.page("agent-add-a-method", "Add a verification method").await;
    enroll_app(&app, &mut b).await;

    // Support console → search → the user.
    b.choose("Support console").await;
    b.page("console-users", "Users").await;
    b.fill("#q", ANN).await;
    b.choose("Search").await;
    b.page("console-search", "Users").await;
    let found = b.text().await;
    assert!(found.contains("1 user matching") && found.contains(ANN), "{found}");
    b.choose("ann").await;
    b.page("console-user", "ann").await;
    let user = b.text().await;
    assert!(user.contains(ANN) && user.contains("February 15, 2026"), "{user}");

    // Extend deadline: 7 days and a reason, confirmed.
    b.choose("Extend deadline").await;
    b.page("extend-deadline", "Extend the setup deadline").await;
    b.fill("#days", "7").await;
    b.fill("#reason", "Called in, identity checked by phone").await;
    b.choose("Extend deadline").await;
    b.page("deadline-extended", "ann").await;
    let done = b.text().await;
    assert!(done.contains("The deadline was extended"), "{done}");
    assert!(done.contains("March 9, 2026"), "the new deadline is not shown:\n{done}");

    // The policyholder signs in in the same browser after the agent signs out.
    b.choose("Sign out").await;
    sign_in(&mut b, "policyholder-sign-in", ANN).await;
    b.page("policyholder-add-a-method", "Add a verification method").await;
    let text = b.text().await;
    assert!(text.contains("7 days left"), "{text}");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 2. A policyholder adds items in two rooms and submits the inventory.

async fn api(
    app: &TestApp,
    c: &portal_testkit::reqwest::Client,
    path: &str,
    body: Value,
    expected: StatusCode,
) -> Value {
    let r = app.post_json(c, path, body).await;
    let status = r.status();
    let text = r.text().await.unwrap();
    assert_eq!(status, expected, "POST {path}: {text}");
    serde_json::from_str(&text).unwrap_or(Value::Null)
}

/// An adjuster signed in through the API (staff always set up MFA) opens claim `number` for Ann.
async fn adjuster_opens_a_claim(app: &TestApp, number: &str) {
    app.create_user(ADA, Role::Adjuster).await;
    let c = app.client();
    let login = app.api_login(&c, ADA, TEST_PASSWORD).await.text().await.unwrap();
    assert!(login.contains("mfa_setup_required"), "{login}");
    let setup = api(app, &c, "/api/v1/mfa/totp/setup", json!({}), StatusCode::OK).await;
    let code = app.oathtool_code(setup["secret"].as_str().unwrap());
    let done = api(app, &c, "/api/v1/mfa/totp/confirm", json!({ "code": code }), StatusCode::OK).await;
    assert_eq!(done["state"], "authenticated", "{done}");
    let claim = json!({
        "claim_number": number,
        "loss_date": "2026-02-14",
        "loss_address": "12 Elm St",
        "policyholder_email": ANN,
        "policyholder_name": "Ann Lee",
    });
    let opened = api(app, &c, "/api/v1/claims", claim, StatusCode::CREATED).await;
    assert_eq!(opened["new_account"], false, "the claim did not link to Ann's account: {opened}");
}

/// The item form on the claim page: description, room, quantity, cost each, "Add item".
async fn add_item(b: &mut Browser, name: &str, heading: &str, item: (&str, &str, &str, &str)) {
    let (description, room, quantity, cost) = item;
    b.fill("#description", description).await;
    b.fill("#room", room).await;
    b.fill("#quantity", quantity).await;
    b.fill("#replacement_cost", cost).await;
    b.choose("Add item").await;
    b.page(name, heading).await;
    let text = b.text().await;
    assert!(text.contains("The item was added.") && text.contains(description), "{text}");
}

#[tokio::test]
async fn policyholder_adds_items_in_two_rooms_and_submits_the_inventory() {
    // MFA not switched on yet: the policyholder signs in with the password alone.
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::default()).await;
    app.create_user(ANN, Role::Policyholder).await;
    adjuster_opens_a_claim(&app, "CL-2026-0042").await;
    let mut b = Browser::start(&app.base_url, "12-policyholder-submits-inventory", Js::Enabled).await;

    b.goto("/login").await;
    sign_in(&mut b, "sign-in", ANN).await;
    b.page("home", "Welcome").await;
    b.goto("/claims").await;
    b.page("claims", "Your claims").await;
    b.choose("CL-2026-0042").await;
    let heading = "Claim CL-2026-0042";
    b.page("claim", heading).await;
    assert!(b.text().await.contains("No items yet."), "{}", b.text().await);

    add_item(&mut b, "first-item", heading, ("Television", "Living room", "1", "899.99")).await;
    add_item(&mut b, "second-item", heading, ("Dining chair", "Kitchen", "4", "75.50")).await;

    let rooms = b
        .script("return Array.from(document.querySelectorAll('.room-head'), h => h.innerText.replace(/\\s+/g, ' ').trim());")
        .await;
    let mut rooms: Vec<String> = rooms.as_array().unwrap().iter().map(|r| r.as_str().unwrap().to_owned()).collect();
    rooms.sort();
    assert_eq!(rooms, ["Kitchen $302.00", "Living room $899.99"], "room totals");
    let total = b.find(".claim-total").await.text().await.unwrap();
    assert!(total.contains("$1,201.99"), "{total}");

    b.choose("Submit inventory for review").await;
    b.page("submitted", heading).await;
    let text = b.text().await;
    assert!(text.contains("The inventory was submitted"), "{text}");
    assert!(text.contains("read-only"), "{text}");
    let editable = b
        .script(
            "return document.querySelectorAll('#description, form[action$=\"/items\"], .item-actions').length \
             + Array.from(document.querySelectorAll('button')).filter(x => /Submit inventory/.test(x.textContent)).length;",
        )
        .await;
    assert_eq!(editable, 0, "the submitted inventory can still be changed:\n{text}");
    assert!(text.contains("$1,201.99") && text.contains("Television") && text.contains("Dining chair"), "{text}");
    b.finish().await;
}
