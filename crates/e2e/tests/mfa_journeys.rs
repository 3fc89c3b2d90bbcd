//! The MFA journeys of the user guide in a real browser (headless Chromium over WebDriver),
//! against the real portal on a random 127.0.0.1 port: first login with an authenticator app or
//! a text message, a returning user choosing TEXT and then the app, the past-deadline page,
//! throttled code entry and signing out; the first two again with JavaScript switched off.
//!
//! Every page is screenshotted (desktop and mobile) under `target/screenshots/<journey>/` and
//! checked with axe-core, at 375 px, and for requests or windows outside the portal (see
//! `portal_e2e::Browser::page`).
//!
//! The portal's clock is a ManualClock standing still at 2026-03-02 09:00 UTC; authenticator
//! codes are computed by `oathtool` for that time, and the clock moves on by a 30-second step
//! where a second code from the same app is needed (each step's code works once).
//!
//! TODO(e2e-console): when the support console lands, a journey where a support agent finds a
//! past-deadline policyholder and extends the deadline, then that policyholder signs in.
//! TODO(e2e-inventory): when the inventory pages land, a journey where a policyholder adds items
//! and submits the inventory (desktop and mobile, with and without JavaScript).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use portal_core::clock::Clock;
use portal_core::user::Role;
use portal_e2e::fantoccini::Locator;
use portal_e2e::{Browser, Js};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp, oathtool_at};
use time::Duration;
use time::macros::{date, datetime};

const ANN: &str = "ann@example.com";

/// A portal whose MFA switched on the day before the tests' clock, with one policyholder.
async fn switched_on_app() -> TestApp {
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 03 - 01))).await;
    app.create_user(ANN, Role::Policyholder).await;
    app
}

fn journey_name(name: &str, js: Js) -> String {
    match js {
        Js::Enabled => name.to_owned(),
        Js::Disabled => format!("{name}-no-js"),
    }
}

/// The sign-in page: email, password, "Sign in".
async fn sign_in(b: &mut Browser, name: &str) {
    b.goto("/login").await;
    b.page(name, "Sign in").await;
    submit_sign_in(b).await;
}

/// Fills the sign-in form on screen with Ann's email and password and submits it.
async fn submit_sign_in(b: &mut Browser) {
    b.fill("#email", ANN).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose("Sign in").await;
}

/// Ann's first sign-in on a [`switched_on_app`], in a browser recording `journey`: it ends on
/// "Add a verification method".
async fn first_sign_in(journey: &str, js: Js) -> (TestApp, Browser) {
    let app = switched_on_app().await;
    let mut b = Browser::start(&app.base_url, journey, js).await;
    sign_in(&mut b, "sign-in").await;
    b.page("add-a-method", "Add a verification method").await;
    (app, b)
}

/// From "Add a verification method": chooses the authenticator app and waits for its page.
async fn open_app_setup(b: &mut Browser) {
    b.choose("Authenticator app").await;
    b.page("authenticator-app", "Authenticator app").await;
}

/// Opens "Still having trouble?" on the authenticator app page and reads the secret there.
async fn secret_from_trouble_box(b: &mut Browser) -> String {
    let secret = b.find("#totp-secret").await;
    assert!(!secret.is_displayed().await.unwrap(), "the secret shows before 'Still having trouble?' is opened");
    b.choose("Still having trouble?").await;
    assert!(secret.is_displayed().await.unwrap(), "'Still having trouble?' did not show the secret");
    b.same_page("authenticator-app-secret", "#totp-secret").await;
    // Proof that the page's own script ran, or did not: it unhides the copy button.
    let copy_hidden = b.script("return document.querySelector('[data-copy-target=totp-secret]').hidden;").await;
    assert_eq!(copy_hidden, b.js() == Js::Disabled, "the page's script ran (false) or not (true)");
    let plain = secret.attr("data-copy").await.unwrap().expect("data-copy on #totp-secret");
    assert!(plain.len() >= 16 && plain.chars().all(|c| c.is_ascii_alphanumeric()), "{plain:?}");
    if b.js() == Js::Enabled {
        // The copy button is an enhancement that the page's script shows (see the test below
        // for the page without JavaScript).
        let copy = b.find("[data-copy-target=totp-secret]").await;
        assert!(copy.is_displayed().await.unwrap(), "the copy button is not shown");
    }
    plain.to_ascii_uppercase()
}

/// From the "Add a verification method" page: the app, its secret, the code, "Continue" → home.
/// Returns the secret (upper-case base32, as oathtool takes it).
async fn enroll_app(app: &TestApp, b: &mut Browser) -> String {
    open_app_setup(b).await;
    b.find(".qr svg").await;
    let secret = secret_from_trouble_box(b).await;
    b.fill("#code", &app.oathtool_code(&secret)).await;
    b.choose("Continue").await;
    b.page("home", "Welcome").await;
    secret
}

/// A well-formed code that `secret` does not produce near the app's clock.
fn wrong_code(app: &TestApp, secret: &str) -> String {
    let now = app.clock.now();
    let near: Vec<String> =
        [-90, -60, -30, 0, 30, 60, 90].iter().map(|s| oathtool_at(secret, now + Duration::seconds(*s))).collect();
    ["000000", "111111", "222222", "333333", "444444", "555555", "666666", "777777", "888888"]
        .into_iter()
        .find(|c| !near.iter().any(|n| n == c))
        .unwrap()
        .to_owned()
}

// ---------------------------------------------------------------------------------------------
// 1. First login → authenticator app, the code typed by keyboard alone.

async fn authenticator_app_journey(js: Js) {
    let (app, mut b) = first_sign_in(&journey_name("01-first-login-app", js), js).await;
    assert!(b.text().await.contains("Please set this up by"), "{}", b.text().await);

    open_app_setup(&mut b).await;
    b.find(".qr svg").await;
    let secret = secret_from_trouble_box(&mut b).await;

    // Keyboard only: Tab to the code field, type the code oathtool computes, press Enter.
    let code = app.oathtool_code(&secret);
    let presses = b.tab_to("#code", 40).await;
    eprintln!("the code field is {presses} presses of Tab after 'Still having trouble?'");
    b.type_into_focus(&code, true).await;

    b.page("home", "Welcome").await;
    let home = b.text().await;
    assert!(home.contains("Welcome, ann") && home.contains("Authenticator app"), "{home}");
    assert_eq!(b.path().await, "/");
    b.finish().await;
}

#[tokio::test]
async fn first_login_with_an_authenticator_app_found_by_still_having_trouble() {
    authenticator_app_journey(Js::Enabled).await;
}

#[tokio::test]
async fn first_login_with_an_authenticator_app_without_javascript() {
    authenticator_app_journey(Js::Disabled).await;
}

/// Without JavaScript the "Copy secret" button could not copy anything, so it must stay hidden.
#[tokio::test]
async fn without_javascript_the_copy_secret_button_stays_hidden() {
    let (_app, mut b) = first_sign_in("01-copy-button-no-js", Js::Disabled).await;
    open_app_setup(&mut b).await;
    secret_from_trouble_box(&mut b).await;
    let copy = b.find("[data-copy-target=totp-secret]").await;
    assert!(!copy.is_displayed().await.unwrap(), "a 'Copy secret' button that cannot work is shown without JavaScript");
    b.finish().await;
}

/// A wrong code is announced to a screen reader: the error sits in a live region or alert, or
/// (with JavaScript) the field that it describes gets the focus.
#[tokio::test]
async fn without_javascript_a_wrong_code_is_announced() {
    let (app, mut b) = first_sign_in("01-wrong-code-no-js", Js::Disabled).await;
    open_app_setup(&mut b).await;
    let secret = secret_from_trouble_box(&mut b).await;
    b.fill("#code", &wrong_code(&app, &secret)).await;
    b.choose("Continue").await;
    b.page("wrong-code", "Authenticator app").await;
    let announced = b
        .script(
            "const e = document.getElementById('code-error');
             return !!e && (!!e.closest('[aria-live], [role=alert], [role=status]')
               || document.activeElement === document.getElementById('code'));",
        )
        .await;
    assert_eq!(announced, true, "the code error is not announced:\n{}", b.text().await);
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 2. First login → text message: country, a number with dashes, the texted code.

async fn text_message_journey(js: Js, number: &str) {
    let (app, mut b) = first_sign_in(&journey_name("02-first-login-sms", js), js).await;

    b.choose("Text message (SMS)").await;
    b.page("text-message", "Text message (SMS)").await;
    let country = b.find("select#country").await;
    let us = country
        .find(Locator::XPath("./option[starts-with(normalize-space(), 'United States')]"))
        .await
        .expect("United States in the country list");
    us.click().await.unwrap();
    assert_eq!(country.prop("value").await.unwrap().as_deref(), Some("US"));
    b.fill("#phone", number).await;
    b.choose("Send verification code").await;

    b.page("verify-phone", "Verify your phone number").await;
    assert!(b.text().await.contains("•••-•••-0123"), "{}", b.text().await);
    let texts = app.texts();
    assert_eq!(texts.len(), 1, "{texts:?}");
    assert_eq!(texts[0]["to"], "+12015550123");
    b.fill("#code", &app.last_sms_code()).await;
    b.choose("Verify code").await;

    b.page("home", "Welcome").await;
    let home = b.text().await;
    assert!(home.contains("Text message (SMS)") && home.contains("0123"), "{home}");
    b.finish().await;
}

#[tokio::test]
async fn first_login_with_a_text_message() {
    text_message_journey(Js::Enabled, "201-555-0123").await;
}

#[tokio::test]
async fn first_login_with_a_text_message_without_javascript() {
    text_message_journey(Js::Disabled, "201 555-0123").await;
}

/// A desk phone cannot receive texts: "Call me instead" on the same page has the code read out
/// (the outbox records the call), with plain forms only.
#[tokio::test]
async fn first_login_with_a_desk_phone_gets_the_code_in_a_call() {
    let (app, mut b) = first_sign_in(&journey_name("02-first-login-call", Js::Disabled), Js::Disabled).await;
    b.choose("Text message (SMS)").await;
    b.page("text-message", "Text message (SMS)").await;
    b.fill("#phone", "201-555-0144").await;
    b.choose("Call me instead").await;

    b.page("verify-phone-called", "Verify your phone number").await;
    assert!(b.text().await.contains("We called the number and read the code out twice."), "{}", b.text().await);
    let call = app.texts().last().cloned().expect("a call in the outbox");
    assert_eq!((call["channel"].as_str(), call["to"].as_str()), (Some("voice"), Some("+12015550144")));
    let spoken = call["body"].as_str().unwrap();
    let code = portal_testkit::code_in_call(spoken);
    b.fill("#code", &code).await;
    b.choose("Verify code").await;
    b.page("home", "Welcome").await;
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 3. A returning user with both methods chooses TEXT, then the authenticator app.

#[tokio::test]
async fn returning_user_chooses_text_then_the_authenticator_app() {
    let (app, mut b) = first_sign_in("03-returning-user", Js::Enabled).await;
    let secret = enroll_app(&app, &mut b).await;

    // Adding a phone from home needs a fresh second factor: the app's code just gave one.
    b.choose("Add text message (SMS)").await;
    b.page("add-text-message", "Text message (SMS)").await;
    b.fill("#phone", "201-555-0123").await;
    b.choose("Send verification code").await;
    b.page("verify-phone", "Verify your phone number").await;
    b.fill("#code", &app.last_sms_code()).await;
    b.choose("Verify code").await;
    b.page("home-both-methods", "Welcome").await;
    let home = b.text().await;
    assert!(home.contains("Text message (SMS)") && home.contains("Authenticator app"), "{home}");

    // Sign out, sign in a minute later (texts to one number are spaced), choose TEXT.
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    app.clock.advance(Duration::minutes(1));
    submit_sign_in(&mut b).await;
    b.page("verify", "Verify it is you").await;
    b.find("input[name=method][value=sms]").await.click().await.unwrap();
    b.choose("Use this method").await;
    b.page("verify-text", "Verify it is you").await;
    let texts_before = app.texts().len();
    b.choose("Send verification code").await;
    b.page("verify-text-sent", "Verify it is you").await;
    let sent = b.text().await;
    assert!(sent.contains("We sent a code"), "{sent}");
    assert_eq!(app.texts().len(), texts_before + 1);
    b.fill("#code", &app.last_sms_code()).await;
    b.choose("Verify code").await;
    b.page("home-after-text", "Welcome").await;

    // Sign out, sign in, choose the authenticator app (a new 30-second step: a code works once).
    b.choose("Sign out").await;
    b.page("signed-out-again", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("verify-again", "Verify it is you").await;
    b.find("input[name=method][value=totp]").await.click().await.unwrap();
    b.choose("Use this method").await;
    b.page("verify-app", "Verify it is you").await;
    app.clock.advance(Duration::seconds(30));
    b.fill("#code", &app.oathtool_code(&secret)).await;
    b.choose("Verify code").await;
    b.page("home-after-app", "Welcome").await;
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 4. Past the deadline: the sign-in ends on "Contact support to sign in".

#[tokio::test]
async fn past_the_deadline_the_sign_in_ends_on_contact_support() {
    let app = TestApp::spawn_with(Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
    app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2025-06-01 12:00 UTC))).await;
    let mut b = Browser::start(&app.base_url, "04-past-deadline", Js::Enabled).await;
    sign_in(&mut b, "sign-in").await;
    b.page("contact-support", "Contact support to sign in").await;
    let text = b.text().await;
    assert!(text.contains("February 15, 2026"), "{text}");
    let support = &app.portal.settings().support_email;
    b.find(&format!("a[href='mailto:{support}']")).await;
    b.choose("Back to sign in").await;
    b.page("sign-in-again", "Sign in").await;
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 5. Five wrong codes pause the verify page, even for the right code next.

#[tokio::test]
async fn five_wrong_codes_pause_code_entry() {
    let (app, mut b) = first_sign_in("05-throttled", Js::Enabled).await;
    let secret = enroll_app(&app, &mut b).await;
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    app.clock.advance(Duration::minutes(1));
    submit_sign_in(&mut b).await;
    b.page("verify", "Verify it is you").await;

    let wrong = wrong_code(&app, &secret);
    for n in 1..=5 {
        b.fill("#code", &wrong).await;
        b.choose("Verify code").await;
        b.page(&format!("wrong-code-{n}"), "Verify it is you").await;
        // The error is tied to the field, and the page's script puts the cursor there.
        let field = b.find("#code").await;
        assert_eq!(field.attr("aria-invalid").await.unwrap().as_deref(), Some("true"));
        let described = field.attr("aria-describedby").await.unwrap().unwrap_or_default();
        assert!(described.split(' ').any(|id| id == "code-error"), "{described}");
        let error = b.find("#code-error").await.text().await.unwrap();
        assert!(!error.is_empty());
        let focused = b.client.active_element().await.unwrap().attr("id").await.unwrap();
        assert_eq!(focused.as_deref(), Some("code"), "focus after a wrong code");
    }
    b.fill("#code", &app.oathtool_code(&secret)).await;
    b.choose("Verify code").await;
    b.page("too-many-wrong-codes", "Verify it is you").await;
    let text = b.text().await;
    assert!(text.contains("Too many wrong codes"), "{text}");
    assert_eq!(b.path().await, "/mfa/verify");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// 6. Sign out: back on the sign-in page, and the account's pages are closed.

#[tokio::test]
async fn sign_out_ends_the_session() {
    let (app, mut b) = first_sign_in("06-sign-out", Js::Enabled).await;
    enroll_app(&app, &mut b).await;
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    assert!(b.text().await.contains("You have signed out."), "{}", b.text().await);
    assert_eq!(b.path().await, "/login?done=signed-out");
    b.goto("/").await;
    b.page("home-after-sign-out", "Sign in").await;
    assert_eq!(b.path().await, "/login");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// The checks themselves: a page broken on purpose must trip each of them.

#[tokio::test]
async fn the_page_checks_catch_what_they_look_for() {
    let app = switched_on_app().await;
    let (_, elsewhere) = app.second_instance().await;
    let mut b = Browser::start(&app.base_url, "00-checks-self-test", Js::Enabled).await;
    b.goto("/login").await;
    b.page("sign-in", "Sign in").await;
    assert!(b.take_problems().is_empty());

    // An unlabelled field, a too-wide box, a link to a new window, a request to another origin.
    let other = format!("{elsewhere}/static/style.css");
    // (Styles go through the CSSOM: the portal's CSP refuses style attributes in markup.)
    b.script(&format!(
        "document.querySelector('label[for=email]').remove();
         const wide = document.createElement('div'); wide.textContent = 'wide'; wide.style.width = '600px';
         const blank = document.createElement('a'); blank.href = '/help'; blank.target = '_blank'; blank.textContent = 'help';
         document.querySelector('main').append(wide, blank);
         const img = new Image(); img.alt = ''; img.src = {}; document.body.append(img);",
        serde_json::json!(other)
    ))
    .await;
    let started = std::time::Instant::now();
    let seen =
        format!("return performance.getEntriesByType('resource').some(e => e.name === {});", serde_json::json!(other));
    while b.script(&seen).await != true {
        assert!(started.elapsed() < std::time::Duration::from_secs(10), "the other origin's request did not happen");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    b.same_page("broken-on-purpose", "main").await;
    let problems = b.take_problems().join("\n");
    for expected in ["axe critical \"label\"", "scrolls sideways", "opens another window", &other] {
        assert!(problems.contains(expected), "{expected:?} not among the problems found:\n{problems}");
    }

    b.goto("/login").await;
    b.page("sign-in-again", "Sign in").await;
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// Recovery codes and the security page: codes offered on the home page after the first method,
// one of them signs in when the phone is gone, and "Don't ask for a code on this device".

async fn recovery_code_journey(js: Js) {
    let (app, mut b) = first_sign_in(&journey_name("08-recovery-codes", js), js).await;
    enroll_app(&app, &mut b).await;
    assert!(b.text().await.contains("Save recovery codes"), "{}", b.text().await);
    b.choose("Create my recovery codes").await;
    b.page("recovery-codes", "Recovery codes").await;
    let codes =
        b.script("return [...document.querySelectorAll('.recovery-codes code')].map(c => c.textContent);").await;
    let codes: Vec<String> = codes.as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect();
    assert_eq!(codes.len(), 10, "{codes:?}");
    b.choose("I have saved them").await;
    b.page("security", "Sign-in security").await;
    assert!(b.text().await.contains("You have 10 unused codes."), "{}", b.text().await);

    // The phone is gone: sign in with a recovery code, and have this device remembered.
    b.choose("Sign out").await;
    b.page("signed-out", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("verify", "Verify it is you").await;
    b.choose("Lost your phone? Use a recovery code").await;
    b.page("verify-recovery", "Verify it is you").await;
    b.fill("#recovery-code", &codes[4].to_uppercase()).await;
    b.find("input[name=remember_device]").await.click().await.unwrap();
    b.choose("Use recovery code").await;
    b.page("security-after-recovery", "Sign-in security").await;
    let page = b.text().await;
    assert!(page.contains("You signed in with a recovery code") && page.contains("You have 9 unused codes."), "{page}");
    assert!(page.contains("Remembered devices") && page.contains("Forget all devices"), "{page}");

    // This browser is remembered: the password alone signs in.
    b.choose("Sign out").await;
    b.page("signed-out-again", "Sign in").await;
    submit_sign_in(&mut b).await;
    b.page("home-remembered", "Welcome").await;
    b.finish().await;
}

#[tokio::test]
async fn a_recovery_code_signs_in_when_the_phone_is_gone_and_the_device_is_remembered() {
    recovery_code_journey(Js::Enabled).await;
}

#[tokio::test]
async fn recovery_codes_and_the_security_page_work_without_javascript() {
    recovery_code_journey(Js::Disabled).await;
}

// ---------------------------------------------------------------------------------------------
// A phone cannot scan its own screen: at 375 px "Open in your authenticator app" comes before the
// QR code, and opens the very URI the QR code holds.

#[tokio::test]
async fn on_a_phone_the_app_link_comes_first_and_holds_what_the_qr_code_shows() {
    let (_app, mut b) = first_sign_in("01-open-in-app-375", Js::Enabled).await;
    open_app_setup(&mut b).await;
    b.set_viewport(portal_e2e::MOBILE).await;
    let link = b.find("#open-in-app").await;
    let href = link.attr("href").await.unwrap().expect("an href on the app link");
    assert!(href.starts_with("otpauth://totp/"), "{href}");
    assert!(link.is_displayed().await.unwrap());
    let tops = b
        .script(
            "return [document.querySelector('#open-in-app').getBoundingClientRect().top, \
             document.querySelector('.qr svg').getBoundingClientRect().top];",
        )
        .await;
    assert!(tops[0].as_f64().unwrap() < tops[1].as_f64().unwrap(), "the link is above the QR code: {tops}");

    // The code as the phone's screen shows it: scrolled into view, with its white margin.
    b.script("document.querySelector('.qr').scrollIntoView({block: 'center'}); return null;").await;
    let png = b.find(".qr").await.screenshot().await.expect("a screenshot of the QR code");
    let image = image::load_from_memory(&png).expect("a PNG").to_luma8();
    let (w, h) = image.dimensions();
    let mut prepared = rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
        image.get_pixel(x as u32, y as u32).0[0]
    });
    let grids = prepared.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the screenshot");
    let (_, decoded) = grids[0].decode().expect("the QR code decodes");
    assert_eq!(decoded, href, "the link opens what the QR code shows");
    b.finish().await;
}

// ---------------------------------------------------------------------------------------------
// In Spanish: a policyholder switches the sign-in page to Spanish with the footer's picker, and
// the whole first sign-in (authenticator app, found through "Still having trouble?") and the
// next one are in Spanish, with and without JavaScript. The words are read from the Spanish
// message files, so the journey follows the translation wherever it is worded.

fn es(id: &str) -> String {
    portal_core::language::Language::Spanish.text(id)
}

async fn page_language(b: &Browser) -> String {
    b.script("return document.documentElement.lang;").await.as_str().unwrap_or_default().to_owned()
}

async fn spanish_journey(js: Js) {
    let app = switched_on_app().await;
    let mut b = Browser::start(&app.base_url, &journey_name("07-spanish-first-login-app", js), js).await;
    b.goto("/login").await;
    b.page("sign-in-english", "Sign in").await;

    // The footer's picker: a plain form, so it works with the script switched off too.
    b.find("#footer-language option[value=es]").await.click().await.unwrap();
    b.choose("Change language").await;
    b.page("sign-in", &es("login-title")).await;
    assert_eq!(page_language(&b).await, "es");
    assert_eq!(b.path().await, "/login", "the picker came back to the page it was on");

    b.fill("#email", ANN).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose(&es("login-submit")).await;
    b.page("add-a-method", &es("mfa-choose-title")).await;
    let text = b.text().await;
    assert!(text.contains("16 de abril de 2026"), "the deadline, as Spanish writes a date:\n{text}");

    b.choose(&es("mfa-method-label-totp")).await;
    b.page("authenticator-app", &es("mfa-method-label-totp")).await;
    b.find(".qr svg").await;
    let secret = b.find("#totp-secret").await;
    b.choose(&es("mfa-app-trouble")).await;
    assert!(secret.is_displayed().await.unwrap(), "the secret shows under '¿Sigue teniendo problemas?'");
    b.same_page("authenticator-app-secret", "#totp-secret").await;
    let plain = secret.attr("data-copy").await.unwrap().expect("data-copy on #totp-secret").to_ascii_uppercase();
    b.fill("#code", &wrong_code(&app, &plain)).await;
    b.choose(&es("mfa-app-continue")).await;
    b.page("authenticator-app-wrong-code", &es("mfa-method-label-totp")).await;
    let wrong = b.text().await;
    assert!(wrong.contains(&es("mfa-error-invalid-code")), "the wrong code is explained in Spanish:\n{wrong}");
    b.fill("#code", &app.oathtool_code(&plain)).await;
    b.choose(&es("mfa-app-continue")).await;
    let welcome = portal_core::language::Language::Spanish.text_with("home-welcome", &[("name", "ann".into())]);
    b.page("home", &welcome).await;
    assert_eq!(page_language(&b).await, "es");

    // The next sign-in, on the same browser, is in Spanish from the first page: the choice is
    // kept with the account and in the cookie.
    b.choose(&es("layout-sign-out")).await;
    b.page("signed-out", &es("login-title")).await;
    assert!(b.text().await.contains(&es("login-signed-out")), "{}", b.text().await);
    b.fill("#email", ANN).await;
    b.fill("#password", TEST_PASSWORD).await;
    b.choose(&es("login-submit")).await;
    b.page("verify", &es("mfa-verify-title")).await;
    app.clock.advance(Duration::seconds(30));
    b.fill("#code", &app.oathtool_code(&plain)).await;
    b.choose(&es("mfa-verify-code")).await;
    b.page("home-again", &welcome).await;
    b.finish().await;
}

#[tokio::test]
async fn a_spanish_reader_chooses_spanish_and_sets_up_an_authenticator_app() {
    spanish_journey(Js::Enabled).await;
}

#[tokio::test]
async fn a_spanish_reader_sets_up_an_authenticator_app_without_javascript() {
    spanish_journey(Js::Disabled).await;
}
