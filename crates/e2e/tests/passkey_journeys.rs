//! Passkeys in a real browser: headless Chromium with its WebDriver virtual authenticator
//! (CTAP2, built in, discoverable credentials, user verification), against the portal served as
//! `http://localhost:PORT` (browsers refuse an IP address as a relying party). A policyholder
//! adds a passkey at first-login setup, uses it as the second step after the password, then signs
//! in with it alone ("Sign in with a passkey"); a failed user verification and a cloned
//! authenticator (its counter gone back) are refused, the clone audited. Without JavaScript the
//! pages say that passkeys need it and offer the other methods.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_core::audit::AuditFilter;
use portal_core::email::Email;
use portal_core::user::Role;
use portal_e2e::{Browser, Js};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp};
use serde_json::json;
use time::macros::date;

const ANN: &str = "ann@example.com";

async fn localhost_app() -> TestApp {
    let options = AppOptions { localhost: true, ..AppOptions::mfa_from(date!(2026 - 03 - 01)) };
    let app = TestApp::spawn_with(Backend::Sqlite, options).await;
    app.create_user(ANN, Role::Policyholder).await;
    app
}

async fn submit_sign_in(b: &mut Browser) {
    b.fill("#email", ANN).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose("Sign in").await;
}

async fn audited(app: &TestApp, action: &str) -> usize {
    let filter = AuditFilter { action: Some(action.to_owned()), limit: 100, ..AuditFilter::default() };
    app.portal.store().audit_events(&filter).await.unwrap().len()
}

#[tokio::test]
async fn a_passkey_added_at_setup_is_the_second_step_and_then_signs_in_on_its_own() {
    let app = localhost_app().await;
    assert!(app.base_url.starts_with("http://localhost:"), "{}", app.base_url);
    let mut b = Browser::start(&app.base_url, "09-passkey", Js::Enabled).await;
    let authenticator = b.add_virtual_authenticator().await;

    // First sign-in: the third choice is a passkey.
    b.goto("/login").await;
    b.page("sign-in", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("add-a-method", "Add a verification method").await;
    b.choose("Passkey").await;
    b.page("passkey", "Passkey").await;
    b.fill("#passkey-name", "My laptop").await;
    b.choose("Create a passkey").await;
    b.page("home", "Welcome").await;
    let home = b.text().await;
    assert!(home.contains("Passkey") && home.contains("1 passkey"), "{home}");
    let credentials = b.virtual_credentials(&authenticator).await;
    assert_eq!(credentials.len(), 1, "{credentials:?}");
    assert_eq!(credentials[0]["isResidentCredential"], true, "a discoverable passkey: {credentials:?}");
    assert_eq!(credentials[0]["rpId"], "localhost");
    assert!(app.mails().iter().any(|m| m["subject"].as_str().unwrap().starts_with("A passkey was added")));

    // The second step after the password: the passkey, the method used last, is offered first.
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("verify", "Verify it is you").await;
    b.choose("Use your passkey").await;
    b.page("home-after-passkey", "Welcome").await;

    // Without a password: "Sign in with a passkey" on the sign-in page.
    b.choose("Sign out").await;
    b.page("signed-out-again", "Sign in").await;
    b.choose("Sign in with a passkey").await;
    b.page("home-passwordless", "Welcome").await;
    assert_eq!(audited(&app, "login.passkey").await, 1);

    // The security page lists it; renaming needs no new code within ten minutes of the passkey.
    b.goto("/account/security").await;
    b.page("security", "Sign-in security").await;
    assert!(b.text().await.contains("My laptop"), "{}", b.text().await);
    b.fill("form[action='/account/passkeys/rename'] input[name=name]", "Work laptop").await;
    b.choose("Rename").await;
    b.page("security-renamed", "Sign-in security").await;
    let page = b.text().await;
    assert!(page.contains("The passkey was renamed.") && page.contains("Work laptop"), "{page}");
    assert!(page.contains("Passkey, without a password"), "the sign-in history names it: {page}");
    // The only method stays while MFA is in force.
    b.choose("Remove Work laptop").await;
    b.page("last-method", "Not possible").await;
    assert!(b.text().await.contains("only verification method"), "{}", b.text().await);
    assert_eq!(b.virtual_credentials(&authenticator).await.len(), 1);
    b.goto("/account/security").await;
    b.page("security-kept", "Sign-in security").await;
    assert!(b.text().await.contains("Work laptop"));

    // A failed screen lock (user verification) signs nobody in, and says so.
    b.choose("Sign out").await;
    b.page("signed-out-third", "Sign in").await;
    b.set_user_verified(&authenticator, false).await;
    b.choose("Sign in with a passkey").await;
    b.wait_for_text("[data-passkey-status]", "not used").await;
    assert!(b.path().await.starts_with("/login"), "still on the sign-in page");
    b.set_user_verified(&authenticator, true).await;
    b.finish().await;
}

#[tokio::test]
async fn a_cloned_authenticator_whose_counter_went_back_is_refused_and_audited() {
    let app = localhost_app().await;
    let mut b = Browser::start(&app.base_url, "09-passkey-clone", Js::Enabled).await;
    let authenticator = b.add_virtual_authenticator().await;
    b.goto("/login").await;
    b.page("sign-in", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("add-a-method", "Add a verification method").await;
    b.choose("Passkey").await;
    b.page("passkey", "Passkey").await;
    b.fill("#passkey-name", "Phone").await;
    b.choose("Create a passkey").await;
    b.page("home", "Welcome").await;
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    b.choose("Sign in with a passkey").await;
    b.page("home-passwordless", "Welcome").await;

    // The same key with its counter back at zero: what a copied authenticator would send.
    let original = b.virtual_credentials(&authenticator).await.remove(0);
    assert!(original["signCount"].as_u64().unwrap() >= 2, "{original}");
    b.remove_virtual_credentials(&authenticator).await;
    let mut clone = original.clone();
    clone["signCount"] = json!(0);
    b.add_virtual_credential(&authenticator, &clone).await;

    b.choose("Sign out").await;
    b.page("signed-out-again", "Sign in").await;
    b.choose("Sign in with a passkey").await;
    b.wait_for_text("[data-passkey-status]", "not accepted").await;
    assert!(b.path().await.starts_with("/login"), "still on the sign-in page");
    assert_eq!(audited(&app, "mfa.passkey.clone_suspected").await, 1);
    let user = app.portal.store().user_by_email(&Email::parse(ANN).unwrap()).await.unwrap().unwrap();
    let stored = app.portal.store().passkeys_of(&user.id).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert!(stored[0].counter >= 2, "the stored counter did not go back: {}", stored[0].counter);
    b.finish().await;
}

#[tokio::test]
async fn without_javascript_the_pages_say_passkeys_need_it_and_offer_the_other_methods() {
    let app = localhost_app().await;
    let mut b = Browser::start(&app.base_url, "09-passkey-no-js", Js::Disabled).await;
    b.goto("/login").await;
    b.page("sign-in", "Sign in").await;
    assert!(!b.text().await.contains("Sign in with a passkey"), "no dead button without JavaScript");
    submit_sign_in(&mut b).await;
    b.page("add-a-method", "Add a verification method").await;
    b.choose("Passkey").await;
    b.page("passkey", "Passkey").await;
    let page = b.text().await;
    assert!(page.contains("Passkeys need JavaScript"), "{page}");
    assert!(!page.contains("Create a passkey"), "the form stays hidden: {page}");
    b.choose("Choose text message or authenticator app instead").await;
    b.page("add-a-method-again", "Add a verification method").await;
    b.finish().await;
}
