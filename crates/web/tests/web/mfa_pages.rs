//! The MFA user guide, followed through the HTML pages with plain form posts (no JavaScript)
//! over real HTTP, against the real portal on SQLite and (when configured) PostgreSQL: the
//! first-login prompt with its deadline, the authenticator app and text-message setups,
//! returning users choosing TEXT or the app, the past-deadline page, throttling, help,
//! "Remind me later", staff, CSRF and the no-pop-up promise.

use portal_core::clock::Clock as _;
use portal_core::user::Role;
use portal_testkit::reqwest::{Client, Response, StatusCode, header};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TEST_START, TestApp, csrf_from, each_backend, oathtool_at};
use time::Duration;
use time::macros::{date, datetime};

const ANN: &str = "ann@example.com";

/// One response as a browser sees it.
#[derive(Debug)]
struct Page {
    status: StatusCode,
    location: Option<String>,
    csp: Option<String>,
    retry_after: Option<String>,
    body: String,
}

impl Page {
    fn location(&self) -> &str {
        self.location.as_deref().unwrap_or_else(|| panic!("no Location ({}):\n{}", self.status, self.body))
    }

    fn assert_redirect(&self, to: &str) {
        assert_eq!(self.status, StatusCode::SEE_OTHER, "expected a redirect to {to}:\n{}", self.body);
        assert_eq!(self.location(), to);
    }

    fn assert_ok(&self) {
        assert_eq!(self.status, StatusCode::OK, "location {:?}:\n{}", self.location, self.body);
    }

    fn csrf(&self) -> String {
        csrf_from(&self.body)
    }
}

async fn page_of(r: Response) -> Page {
    let header_text =
        |name: header::HeaderName| r.headers().get(name).map(|v: &header::HeaderValue| v.to_str().unwrap().to_owned());
    let status = r.status();
    let location = header_text(header::LOCATION);
    let csp = header_text(header::CONTENT_SECURITY_POLICY);
    let retry_after = header_text(header::RETRY_AFTER);
    Page { status, location, csp, retry_after, body: r.text().await.unwrap() }
}

async fn get(app: &TestApp, client: &Client, path: &str) -> Page {
    page_of(client.get(app.url(path)).send().await.unwrap()).await
}

async fn post(app: &TestApp, client: &Client, path: &str, form: &[(&str, &str)]) -> Page {
    page_of(client.post(app.url(path)).form(form).send().await.unwrap()).await
}

/// The sign-in form, filled in and sent.
async fn sign_in(app: &TestApp, client: &Client, email: &str) -> Page {
    let login = get(app, client, "/login").await;
    login.assert_ok();
    post(app, client, "/login", &[("csrf", &login.csrf()), ("email", email), ("password", TEST_PASSWORD)]).await
}

/// Signs out through the header form of any signed-in page.
async fn sign_out(app: &TestApp, client: &Client) {
    let home = get(app, client, "/").await;
    home.assert_ok();
    post(app, client, "/logout", &[("csrf", &home.csrf())]).await.assert_redirect("/login?done=signed-out");
}

/// A policyholder whose portal switched MFA on 2026-03-01 (the day before the tests start).
async fn switched_on_app(backend: Backend) -> TestApp {
    let app = crate::common::mfa_app(backend).await;
    app.create_user(ANN, Role::Policyholder).await;
    app
}

/// The secret in the "Still having trouble?" box: the `data-copy` value of the secret span.
fn shown_secret(html: &str) -> String {
    let marker = "<span class=\"secret\" id=\"totp-secret\" data-copy=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no secret on the page:\n{html}")) + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end].to_owned()
}

/// Where "Open in your authenticator app" leads, with the HTML escaping undone.
fn open_in_app_link(html: &str) -> String {
    let marker = "id=\"open-in-app\" href=\"";
    let start = html.find(marker).unwrap_or_else(|| panic!("no app link on the page:\n{html}")) + marker.len();
    let end = html[start..].find('"').unwrap();
    html[start..start + end]
        .replace("&#x2f;", "/")
        .replace("&#47;", "/")
        .replace("&#x3a;", ":")
        .replace("&#58;", ":")
        .replace("&#x40;", "@")
        .replace("&#64;", "@")
        .replace("&amp;", "&")
        .replace("&#38;", "&")
}

/// The code an authenticator app shows now for a secret as the page shows it.
fn app_code(app: &TestApp, secret: &str) -> String {
    app.oathtool_code(&secret.to_ascii_uppercase())
}

/// A well-formed code that the secret does not produce in the accepted window.
fn wrong_code(app: &TestApp, secret: &str) -> String {
    let now = app.clock.now();
    let near: Vec<String> = [-60, -30, 0, 30, 60]
        .iter()
        .map(|s| oathtool_at(&secret.to_ascii_uppercase(), now + Duration::seconds(*s)))
        .collect();
    ["000000", "111111", "222222", "333333", "444444", "555555", "666666"]
        .into_iter()
        .find(|c| !near.iter().any(|n| n == c))
        .unwrap()
        .to_owned()
}

/// Chooses "Authenticator app" on the choice page (a form POST), then opens the page it leads to.
async fn start_app(app: &TestApp, client: &Client) -> Page {
    let choose = get(app, client, "/mfa/setup").await;
    choose.assert_ok();
    post(app, client, "/mfa/setup/app/start", &[("csrf", &choose.csrf())]).await.assert_redirect("/mfa/setup/app");
    get(app, client, "/mfa/setup/app").await
}

/// Adds an authenticator app through its page; returns the secret.
async fn enroll_app(app: &TestApp, client: &Client) -> String {
    let setup = start_app(app, client).await;
    setup.assert_ok();
    let secret = shown_secret(&setup.body);
    let code = app_code(app, &secret);
    post(app, client, "/mfa/setup/app", &[("csrf", &setup.csrf()), ("code", &code)]).await.assert_redirect("/");
    secret
}

/// Adds a text-message number through its pages (signs the session in fully).
async fn enroll_sms(app: &TestApp, client: &Client) {
    let form = get(app, client, "/mfa/setup/sms").await;
    form.assert_ok();
    post(app, client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "US"), ("phone", "201-555-0123")])
        .await
        .assert_redirect("/mfa/setup/sms/verify");
    let verify = get(app, client, "/mfa/setup/sms/verify").await;
    verify.assert_ok();
    post(app, client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &app.last_sms_code())])
        .await
        .assert_redirect("/");
}

/// The `<input …>` tag of the radio button for `value` on the verify page.
fn radio<'a>(html: &'a str, value: &str) -> &'a str {
    let marker = format!("type=\"radio\" name=\"method\" value=\"{value}\"");
    let at = html.find(&marker).unwrap_or_else(|| panic!("no {value} choice:\n{html}"));
    let start = html[..at].rfind('<').unwrap();
    let end = at + html[at..].find('>').unwrap();
    &html[start..=end]
}

fn is_checked(html: &str, value: &str) -> bool {
    radio(html, value).contains(" checked")
}

// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn the_first_login_after_switch_on_asks_to_add_a_method_by_the_deadline() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        let setup = get(&app, &client, "/mfa/setup").await;
        setup.assert_ok();
        let html = &setup.body;
        assert!(html.contains("Add a verification method"), "{html}");
        // Created 2026-03-02, after the switch-on: 45 days from the account's creation.
        assert!(html.contains("April 16, 2026"), "{html}");
        assert!(html.contains("45 days left"), "{html}");
        assert!(html.contains("href=\"/mfa/setup/sms\"") && html.contains("Text message (SMS)"), "{html}");
        // Starting an app setup makes a secret, so it is a form (POST), not a link.
        assert!(html.contains("action=\"/mfa/setup/app/start\"") && html.contains("Authenticator app"), "{html}");
        assert!(!html.contains("Remind me later"), "postponing is off by default");

        // Half signed in: the portal itself stays closed and points to the next step.
        get(&app, &client, "/").await.assert_redirect("/mfa");
        get(&app, &client, "/mfa").await.assert_redirect("/mfa/setup");
    })
    .await;
}

#[tokio::test]
async fn the_authenticator_app_page_shows_a_qr_code_and_the_secret_then_signs_in() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        let page = start_app(&app, &client).await;
        page.assert_ok();
        let html = &page.body;
        assert!(html.contains("<svg"), "an inline QR code:\n{html}");
        assert!(html.contains("Still having trouble?"), "{html}");
        let secret = shown_secret(html);
        assert!(secret.len() >= 16, "{secret}");
        assert_eq!(secret, secret.to_ascii_lowercase(), "lowercase, as the guide shows it");
        assert!(secret.chars().all(|c| c.is_ascii_alphanumeric()), "{secret}");
        let grouped: Vec<String> =
            secret.as_bytes().chunks(4).map(|c| String::from_utf8(c.to_vec()).unwrap()).collect();
        assert!(html.contains(&format!("data-copy=\"{secret}\">{}</span>", grouped.join(" "))), "{html}");
        assert!(html.contains(ANN), "the account name to type into a desktop app");
        // A phone cannot scan its own screen: the link opens the same account in its app.
        let link = open_in_app_link(html);
        assert!(link.starts_with("otpauth://totp/"), "{link}");
        assert!(link.to_ascii_lowercase().contains(&format!("secret={secret}")), "the shown secret: {link}");
        assert!(link.contains(&format!(":{ANN}?")) && link.contains("&issuer="), "the account and issuer: {link}");
        assert!(html.contains("autocomplete=\"one-time-code\""), "{html}");
        assert!(html.contains("inputmode=\"numeric\""), "{html}");
        assert!(html.contains("<label for=\"code\">"), "{html}");
        assert!(html.contains("id=\"code\""), "{html}");
        assert!(html.contains(">Continue</button>"), "{html}");

        let code = app_code(&app, &secret);
        post(&app, &client, "/mfa/setup/app", &[("csrf", &page.csrf()), ("code", &code)]).await.assert_redirect("/");
        let home = get(&app, &client, "/").await;
        home.assert_ok();
        assert!(home.body.contains("Welcome"), "{}", home.body);

        // Later, the confirmed secret is never shown again: adding needs a fresh second factor.
        app.clock.advance(Duration::minutes(11));
        let again = get(&app, &client, "/mfa/setup/app").await;
        again.assert_redirect("/mfa/verify?next=setup");
        assert!(!again.body.contains(&secret));
        let step_up = get(&app, &client, "/mfa/verify?next=setup").await;
        assert!(!step_up.body.contains(&secret));
    })
    .await;
}

#[tokio::test]
async fn reloading_keeps_the_secret_and_starting_again_replaces_it() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        let first = start_app(&app, &client).await;
        let old = shown_secret(&first.body);
        let reload = get(&app, &client, "/mfa/setup/app").await;
        assert_eq!(shown_secret(&reload.body), old, "a reload shows the same secret");
        assert!(reload.body.contains("Start again with a new code"), "{}", reload.body);

        post(&app, &client, "/mfa/setup/app/restart", &[("csrf", &reload.csrf())])
            .await
            .assert_redirect("/mfa/setup/app");
        let restarted = get(&app, &client, "/mfa/setup/app").await;
        restarted.assert_ok();
        let new = shown_secret(&restarted.body);
        assert_ne!(new, old, "starting again gives a new secret");

        let old_code = app_code(&app, &old);
        let refused = post(&app, &client, "/mfa/setup/app", &[("csrf", &restarted.csrf()), ("code", &old_code)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("id=\"code-error\""), "{}", refused.body);
        get(&app, &client, "/").await.assert_redirect("/mfa");

        let new_code = app_code(&app, &new);
        post(&app, &client, "/mfa/setup/app", &[("csrf", &restarted.csrf()), ("code", &new_code)])
            .await
            .assert_redirect("/");
    })
    .await;
}

#[tokio::test]
async fn text_message_setup_picks_a_country_sends_a_code_and_verifies_it() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        let form = get(&app, &client, "/mfa/setup/sms").await;
        form.assert_ok();
        let html = &form.body;
        let select = &html[html.find("<select").unwrap_or_else(|| panic!("no country picker:\n{html}"))..];
        let select = &select[..select.find("</select>").unwrap()];
        let options: Vec<&str> = select
            .split("<option")
            .skip(1)
            .map(|o| o[o.find('>').unwrap() + 1..o.find("</option>").unwrap()].trim())
            .collect();
        assert_eq!(&options[..2], ["United States (+1)", "Canada (+1)"], "{select}");
        assert!(html.contains("Send verification code"), "the guide's button:\n{html}");

        let sent = post(
            &app,
            &client,
            "/mfa/setup/sms",
            &[("csrf", &form.csrf()), ("country", "US"), ("phone", "201-555-0123")],
        )
        .await;
        sent.assert_redirect("/mfa/setup/sms/verify");
        assert_eq!(app.texts().len(), 1);

        let verify = get(&app, &client, "/mfa/setup/sms/verify").await;
        verify.assert_ok();
        for text in ["•••-•••-0123", "Verify code", "Resend", "Use a different number"] {
            assert!(verify.body.contains(text), "{text}:\n{}", verify.body);
        }
        assert!(!verify.body.contains("555-0123"), "the number is masked");

        let right = app.last_sms_code();
        let wrong = if right == "000000" { "000001" } else { "000000" };
        let refused = post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", wrong)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{}", refused.body);
        assert!(refused.body.contains("aria-invalid=\"true\""), "{}", refused.body);
        assert!(refused.body.contains("aria-describedby=\"code-hint code-error\""), "{}", refused.body);
        assert!(refused.body.contains("id=\"code-error\""), "{}", refused.body);

        post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &right)])
            .await
            .assert_redirect("/");
        get(&app, &client, "/").await.assert_ok();
    })
    .await;
}

#[tokio::test]
async fn call_me_instead_reads_the_code_out_at_setup_and_at_sign_in() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let form = get(&app, &client, "/mfa/setup/sms").await;
        assert!(
            form.body.contains(
                r#"<button type="submit" name="channel" value="voice" class="button">Call me instead</button>"#
            ),
            "{}",
            form.body
        );
        let fields = [
            ("csrf", form.csrf()),
            ("country", "US".into()),
            ("phone", "201-555-0177".into()),
            ("channel", "voice".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&app, &client, "/mfa/setup/sms", &fields).await.assert_redirect("/mfa/setup/sms/verify?called=1");
        let call = app.texts().last().cloned().unwrap();
        assert_eq!((call["channel"].as_str(), call["to"].as_str()), (Some("voice"), Some("+12015550177")));
        let spoken = call["body"].as_str().unwrap();
        let code = portal_testkit::code_in_call(spoken);
        let verify = get(&app, &client, "/mfa/setup/sms/verify?called=1").await;
        assert!(verify.body.contains("We called the number and read the code out twice."), "{}", verify.body);
        post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &code)])
            .await
            .assert_redirect("/");

        // Signing in again: the verify page offers the call too.
        sign_out(&app, &client).await;
        app.settle().await;
        app.clock.advance(Duration::seconds(31));
        sign_in(&app, &client, ANN).await;
        let page = get(&app, &client, "/mfa/verify?method=sms").await;
        assert!(page.body.contains("Call me instead"), "{}", page.body);
        post(&app, &client, "/mfa/verify/send", &[("csrf", &page.csrf()), ("channel", "voice")])
            .await
            .assert_redirect("/mfa/verify?method=sms&sent=1&called=1");
        assert_eq!(app.texts().last().unwrap()["channel"], "voice");
        assert_eq!(app.texts().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_landline_is_called_at_setup_and_offered_the_call_first_at_sign_in_saying_why() {
    each_backend(|backend| async move {
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.sms_allowed_countries = vec!["US".into(), "GB".into()];
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user(ANN, Role::Policyholder).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        // "Send verification code" (a text) for a London desk phone: called instead, and told why.
        let form = get(&app, &client, "/mfa/setup/sms").await;
        post(&app, &client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "GB"), ("phone", "020 7946 0018")])
            .await
            .assert_redirect("/mfa/setup/sms/verify?called=landline");
        let verify = get(&app, &client, "/mfa/setup/sms/verify?called=landline").await;
        assert!(verify.body.contains("looks like a landline, which cannot receive texts, so we called it"), "{}", verify.body);
        let call = app.texts().last().cloned().unwrap();
        assert_eq!(call["channel"], "voice");
        let spoken = call["body"].as_str().unwrap();
        let code = portal_testkit::code_in_call(spoken);
        post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &code)])
            .await
            .assert_redirect("/");

        sign_out(&app, &client).await;
        app.settle().await;
        app.clock.advance(Duration::seconds(31));
        sign_in(&app, &client, ANN).await;
        let page = get(&app, &client, "/mfa/verify?method=sms").await;
        assert!(page.body.contains("looks like a landline, which cannot receive texts, so we call it"), "{}", page.body);
        assert!(
            page.body.contains(r#"<button type="submit" name="channel" value="voice" class="button primary">Call me with a code</button>"#),
            "{}",
            page.body
        );
        assert!(!page.body.contains("Send verification code"), "no text offered to a desk phone: {}", page.body);
    })
    .await;
}

#[tokio::test]
async fn a_bad_phone_number_is_named_next_to_the_field_and_kept() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let form = get(&app, &client, "/mfa/setup/sms").await;
        let r = post(&app, &client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "US"), ("phone", "12345")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        let html = &r.body;
        assert!(html.contains("id=\"phone-error\""), "{html}");
        assert!(html.contains("aria-describedby=\"phone-hint phone-error\""), "{html}");
        let phone_input = &html[html.find("<input id=\"phone\"").unwrap()..];
        let phone_input = &phone_input[..phone_input.find('>').unwrap()];
        assert!(phone_input.contains("aria-invalid=\"true\""), "{phone_input}");
        assert!(phone_input.contains("value=\"12345\""), "what was typed is kept: {phone_input}");
        assert!(html.contains("<option value=\"US\" selected>"), "the country is kept:\n{html}");
        assert!(app.texts().is_empty(), "nothing was sent");
    })
    .await;
}

#[tokio::test]
async fn a_returning_user_with_both_methods_chooses_text_or_the_app_and_the_last_one_is_remembered() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let secret = enroll_app(&app, &client).await;
        // Still fresh from the app's first code: adding a phone needs no new verification.
        let adding = get(&app, &client, "/mfa/setup").await;
        adding.assert_ok();
        enroll_sms(&app, &client).await;
        sign_out(&app, &client).await;

        // Next login: both methods, the last used (text, just confirmed) pre-selected.
        app.clock.advance(Duration::minutes(1));
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        let verify = get(&app, &client, "/mfa/verify").await;
        verify.assert_ok();
        assert!(verify.body.contains("TEXT") && verify.body.contains("Authenticator app"), "{}", verify.body);
        assert!(is_checked(&verify.body, "sms") && !is_checked(&verify.body, "totp"), "{}", verify.body);

        // Choose the app this time.
        let app_choice = get(&app, &client, "/mfa/verify?method=totp").await;
        assert!(is_checked(&app_choice.body, "totp"), "{}", app_choice.body);
        let code = app_code(&app, &secret);
        post(&app, &client, "/mfa/verify", &[("csrf", &app_choice.csrf()), ("method", "totp"), ("code", &code)])
            .await
            .assert_redirect("/");
        sign_out(&app, &client).await;

        // Next login: the app is pre-selected; choose TEXT and send a code.
        app.clock.advance(Duration::minutes(1));
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        let verify = get(&app, &client, "/mfa/verify").await;
        assert!(is_checked(&verify.body, "totp") && !is_checked(&verify.body, "sms"), "{}", verify.body);
        let text = get(&app, &client, "/mfa/verify?method=sms").await;
        text.assert_ok();
        assert!(is_checked(&text.body, "sms"), "{}", text.body);
        assert!(text.body.contains("Send verification code"), "{}", text.body);
        assert!(text.body.contains("•••-•••-0123"), "{}", text.body);
        let texts_before = app.texts().len();
        let sent = post(&app, &client, "/mfa/verify/send", &[("csrf", &text.csrf())]).await;
        assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
        assert!(sent.location().starts_with("/mfa/verify?method=sms"), "{:?}", sent.location);
        assert_eq!(app.texts().len(), texts_before + 1);
        let entry = get(&app, &client, sent.location()).await;
        entry.assert_ok();
        assert!(entry.body.contains("Verify code") && entry.body.contains("id=\"code\""), "{}", entry.body);
        post(
            &app,
            &client,
            "/mfa/verify",
            &[("csrf", &entry.csrf()), ("method", "sms"), ("code", &app.last_sms_code())],
        )
        .await
        .assert_redirect("/");
        get(&app, &client, "/").await.assert_ok();
        sign_out(&app, &client).await;

        // And the login after that pre-selects TEXT.
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        let verify = get(&app, &client, "/mfa/verify").await;
        assert!(is_checked(&verify.body, "sms") && !is_checked(&verify.body, "totp"), "{}", verify.body);
        assert!(verify.body.contains("Send verification code"), "{}", verify.body);
    })
    .await;
}

#[tokio::test]
async fn past_the_deadline_the_login_ends_on_a_contact_support_page() {
    each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
        app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2026-01-01 12:00 UTC))).await;
        assert!(TEST_START.date() > date!(2026 - 02 - 15));
        let client = app.client();
        let r = sign_in(&app, &client, ANN).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
        let html = &r.body;
        assert!(html.contains("Contact support to sign in"), "{html}");
        assert!(html.contains("February 15, 2026"), "{html}");
        let settings = &app.portal.settings();
        assert!(html.contains(&format!("mailto:{}", settings.support_email)), "{html}");
        assert!(html.contains(&format!("href=\"{}\"", settings.support_chat_url)), "{html}");
        assert!(html.contains("href=\"/help"), "{html}");
        get(&app, &client, "/").await.assert_redirect("/login");
        get(&app, &client, "/mfa/setup").await.assert_redirect("/login");
    })
    .await;
}

#[tokio::test]
async fn five_wrong_codes_pause_the_verify_page_even_for_the_right_code() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let secret = enroll_app(&app, &client).await;
        sign_out(&app, &client).await;
        app.clock.advance(Duration::minutes(1));
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");

        let verify = get(&app, &client, "/mfa/verify").await;
        verify.assert_ok();
        let csrf = verify.csrf();
        let wrong = wrong_code(&app, &secret);
        for i in 0..5 {
            let r = post(&app, &client, "/mfa/verify", &[("csrf", &csrf), ("method", "totp"), ("code", &wrong)]).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "wrong code {i}:\n{}", r.body);
            assert!(r.body.contains("id=\"code-error\""), "{}", r.body);
        }
        let right = app_code(&app, &secret);
        let r = post(&app, &client, "/mfa/verify", &[("csrf", &csrf), ("method", "totp"), ("code", &right)]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let retry: u64 = r.retry_after.as_deref().expect("Retry-After").parse().unwrap();
        assert!((1..=60).contains(&retry), "{retry}");
        assert!(r.body.contains("Too many wrong codes"), "{}", r.body);
        get(&app, &client, "/").await.assert_redirect("/mfa");
    })
    .await;
}

/// Every page of a walk, for the checks that apply to all of them.
struct Walk<'a> {
    app: &'a TestApp,
    client: Client,
    seen: Vec<(String, Page)>,
}

impl<'a> Walk<'a> {
    fn new(app: &'a TestApp) -> Self {
        Walk { app, client: app.client(), seen: Vec::new() }
    }

    async fn get(&mut self, path: &str) -> &Page {
        let page = get(self.app, &self.client, path).await;
        self.seen.push((format!("GET {path}"), page));
        &self.seen.last().unwrap().1
    }

    async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> &Page {
        let page = post(self.app, &self.client, path, form).await;
        self.seen.push((format!("POST {path}"), page));
        &self.seen.last().unwrap().1
    }

    /// Follows redirects from the last response, recording each page.
    async fn follow(&mut self) -> &Page {
        while let Some(to) = self.seen.last().unwrap().1.location.clone() {
            self.get(&to).await;
        }
        &self.seen.last().unwrap().1
    }
}

/// No new windows, and no address outside the portal but the support chat.
fn assert_no_popups(app: &TestApp, what: &str, page: &Page) {
    let csp = page.csp.as_deref().unwrap_or_else(|| panic!("{what}: no Content-Security-Policy"));
    assert!(csp.contains("default-src 'self'") && !csp.contains("unsafe-inline"), "{what}: {csp}");
    if let Some(to) = &page.location {
        assert!(to.starts_with('/') || to.starts_with(&app.base_url), "{what}: redirect to {to}");
    }
    let lower = page.body.to_ascii_lowercase();
    assert!(!lower.contains("target=\"_blank\"") && !lower.contains("target=_blank"), "{what}:\n{}", page.body);
    assert!(!lower.contains("window.open"), "{what}:\n{}", page.body);
    let chat = &app.portal.settings().support_chat_url;
    for (at, _) in lower.match_indices("http") {
        let rest = &page.body[at..];
        if !(rest.starts_with("http://") || rest.starts_with("https://")) {
            continue;
        }
        let url: String = rest.chars().take_while(|c| !c.is_whitespace() && !"\"'<>".contains(*c)).collect();
        // An XML namespace in the inline QR code names a vocabulary; nothing is fetched or opened.
        let namespace = page.body[..at].ends_with("xmlns=\"") || page.body[..at].ends_with("xmlns:xlink=\"");
        assert!(
            url.starts_with(&app.base_url) || &url == chat || namespace,
            "{what}: links outside the portal: {url}\n{}",
            page.body
        );
    }
}

#[tokio::test]
async fn no_page_of_the_flows_opens_a_window_or_leaves_the_portal() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let mut walk = Walk::new(&app);
        walk.get("/help").await;
        let csrf = walk.get("/login").await.csrf();
        walk.post("/login", &[("csrf", &csrf), ("email", ANN), ("password", TEST_PASSWORD)]).await;
        let setup = walk.follow().await;
        assert!(setup.body.contains("Add a verification method"), "{}", setup.body);
        let csrf = setup.csrf();
        walk.post("/mfa/setup/app/start", &[("csrf", &csrf)]).await;
        let app_page = walk.follow().await;
        let (secret, csrf) = (shown_secret(&app_page.body), app_page.csrf());
        walk.post("/mfa/setup/app", &[("csrf", &csrf), ("code", "12")]).await;
        let code = app_code(&app, &secret);
        walk.post("/mfa/setup/app", &[("csrf", &csrf), ("code", &code)]).await;
        let home = walk.follow().await;
        assert!(home.body.contains("Welcome"), "{}", home.body);
        let csrf = walk.get("/mfa/setup/sms").await.csrf();
        walk.post("/mfa/setup/sms", &[("csrf", &csrf), ("country", "US"), ("phone", "1")]).await;
        walk.post("/mfa/setup/sms", &[("csrf", &csrf), ("country", "US"), ("phone", "201 555 0123")]).await;
        walk.follow().await;
        walk.post("/mfa/setup/sms/verify", &[("csrf", &csrf), ("code", &app.last_sms_code())]).await;
        let csrf = walk.follow().await.csrf();
        walk.post("/logout", &[("csrf", &csrf)]).await;
        walk.follow().await;
        app.clock.advance(Duration::minutes(1));
        let csrf = walk.get("/login").await.csrf();
        walk.post("/login", &[("csrf", &csrf), ("email", ANN), ("password", TEST_PASSWORD)]).await;
        let csrf = walk.follow().await.csrf();
        walk.get("/mfa/verify?method=totp").await;
        walk.post("/mfa/verify/send", &[("csrf", &csrf)]).await.assert_redirect("/mfa/verify?method=sms&sent=1");
        walk.follow().await;
        walk.post("/mfa/verify", &[("csrf", &csrf), ("method", "sms"), ("code", &app.last_sms_code())]).await;
        walk.follow().await.assert_ok();
        // The past-deadline page, on a portal whose switch-on was long enough ago.
        let late = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 01 - 01))).await;
        late.create_user_at("old@example.com", Role::Policyholder, Some(datetime!(2020-01-01 0:00 UTC))).await;
        let mut expired = Walk::new(&late);
        let csrf = expired.get("/login").await.csrf();
        let page =
            expired.post("/login", &[("csrf", &csrf), ("email", "old@example.com"), ("password", TEST_PASSWORD)]).await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{}", page.body);

        // The script every page loads opens no windows either.
        let script = get(&app, &app.client(), "/static/app.js").await;
        script.assert_ok();
        assert!(!script.body.contains("window.open") && !script.body.contains("_blank"), "{}", script.body);

        let seen: Vec<&(String, Page)> = walk.seen.iter().chain(expired.seen.iter()).collect();
        assert!(seen.len() > 20, "{}", seen.len());
        assert!(seen.iter().any(|(_, p)| p.body.contains("<svg")), "the QR page was checked");
        for (what, page) in &walk.seen {
            assert_no_popups(&app, what, page);
        }
        for (what, page) in &expired.seen {
            assert_no_popups(&late, what, page);
        }
    })
    .await;
}

#[tokio::test]
async fn the_help_page_is_public_and_every_mfa_page_links_to_it() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let help = get(&app, &app.client(), "/help").await;
        help.assert_ok();
        for text in [
            "Authy",
            "Microsoft Authenticator",
            "Still having trouble?",
            "Send verification code",
            "TEXT",
            app.portal.settings().support_email.as_str(),
        ] {
            assert!(help.body.contains(text), "help mentions {text}:\n{}", help.body);
        }

        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let mut pages = Vec::new();
        for path in ["/mfa/setup", "/mfa/setup/sms", "/mfa/setup/app"] {
            pages.push((path.to_owned(), get(&app, &client, path).await));
        }
        let csrf = pages[0].1.csrf();
        post(&app, &client, "/mfa/setup/sms", &[("csrf", &csrf), ("country", "US"), ("phone", "201 555 0123")])
            .await
            .assert_redirect("/mfa/setup/sms/verify");
        pages.push(("/mfa/setup/sms/verify".into(), get(&app, &client, "/mfa/setup/sms/verify").await));
        enroll_app(&app, &client).await;
        sign_out(&app, &client).await;
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        pages.push(("/mfa/verify".into(), get(&app, &client, "/mfa/verify").await));
        for (path, page) in &pages {
            page.assert_ok();
            assert!(page.body.contains("href=\"/help"), "{path} links to help:\n{}", page.body);
        }
    })
    .await;
}

#[tokio::test]
async fn a_forged_form_token_is_refused_and_the_code_stays_usable() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let page = start_app(&app, &client).await;
        let secret = shown_secret(&page.body);
        let code = app_code(&app, &secret);
        let forged = post(&app, &client, "/mfa/setup/app", &[("csrf", "forged-token"), ("code", &code)]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.body);
        get(&app, &client, "/").await.assert_redirect("/mfa");
        // The same code, from the genuine form, still works: it was not used up.
        post(&app, &client, "/mfa/setup/app", &[("csrf", &page.csrf()), ("code", &code)]).await.assert_redirect("/");
        get(&app, &client, "/").await.assert_ok();
    })
    .await;
}

#[tokio::test]
async fn remind_me_later_signs_in_only_when_the_operator_allows_it() {
    each_backend(|backend| async move {
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.mfa.allow_postpone = true;
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user(ANN, Role::Policyholder).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let setup = get(&app, &client, "/mfa/setup").await;
        assert!(setup.body.contains("Remind me later"), "{}", setup.body);
        assert!(setup.body.contains("action=\"/mfa/setup/postpone\""), "{}", setup.body);
        post(&app, &client, "/mfa/setup/postpone", &[("csrf", &setup.csrf())]).await.assert_redirect("/");
        get(&app, &client, "/").await.assert_ok();

        // Off (the default): no button, and posting anyway signs no one in.
        let app = switched_on_app(backend).await;
        let client = app.client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let setup = get(&app, &client, "/mfa/setup").await;
        setup.assert_ok();
        assert!(!setup.body.contains("Remind me later"), "{}", setup.body);
        let r = post(&app, &client, "/mfa/setup/postpone", &[("csrf", &setup.csrf())]).await;
        assert_ne!(r.location.as_deref(), Some("/"), "{r:?}");
        get(&app, &client, "/").await.assert_redirect("/mfa");
    })
    .await;
}

#[tokio::test]
async fn staff_set_up_a_method_at_first_login_without_a_deadline_or_postponing() {
    each_backend(|backend| async move {
        let mut options = AppOptions::default();
        options.settings.mfa.allow_postpone = true;
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user("adam@example.com", Role::Adjuster).await;
        let client = app.client();
        sign_in(&app, &client, "adam@example.com").await.assert_redirect("/mfa/setup");
        let setup = get(&app, &client, "/mfa/setup").await;
        setup.assert_ok();
        let html = &setup.body;
        assert!(html.contains("Add a verification method"), "{html}");
        assert!(!html.contains("Please set this up by") && !html.contains("days left"), "no deadline:\n{html}");
        assert!(!html.contains("Remind me later"), "{html}");
        let r = post(&app, &client, "/mfa/setup/postpone", &[("csrf", &setup.csrf())]).await;
        assert_ne!(r.location.as_deref(), Some("/"), "{r:?}");
        get(&app, &client, "/").await.assert_redirect("/mfa");
    })
    .await;
}

#[tokio::test]

async fn posting_a_texted_code_before_sending_one_says_to_send_a_code_first() {
    let app = switched_on_app(Backend::Sqlite).await;
    let client = app.client();
    sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
    enroll_sms(&app, &client).await;
    sign_out(&app, &client).await;
    app.clock.advance(Duration::minutes(1));
    sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
    let verify = get(&app, &client, "/mfa/verify?method=sms").await;
    assert!(verify.body.contains("Send verification code"), "{}", verify.body);
    // A stale or hand-made form: a code for a sign-in that has had no text yet.
    let r =
        post(&app, &client, "/mfa/verify", &[("csrf", &verify.csrf()), ("method", "sms"), ("code", "123456")]).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert!(r.body.contains("Send a verification code first"), "the refusal is shown:\n{}", r.body);
}

// ----- In Spanish ------------------------------------------------------------------------------

/// A browser whose reader asks for Spanish (`Accept-Language`), as a Spanish-speaking
/// policyholder's does.
fn spanish_client() -> Client {
    portal_testkit::browser_client_reading("es-US,es;q=0.9,en;q=0.5")
}

/// The code in a text: the last line ("@host #123456") carries it in every language.
fn code_in_any_text(body: &str) -> String {
    body.rsplit('#').next().unwrap().trim().to_owned()
}

/// The code a Spanish call read out ("… es: cero, cuatro, dos, nueve, uno, siete. Repito: …").
fn code_in_spanish_call(spoken: &str) -> String {
    const WORDS: [&str; 10] = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"];
    let start = spoken.find("es: ").unwrap_or_else(|| panic!("no code in the call: {spoken}")) + "es: ".len();
    let first = &spoken[start..start + spoken[start..].find('.').unwrap()];
    first
        .split(", ")
        .map(|word| WORDS.iter().position(|w| *w == word).unwrap_or_else(|| panic!("{word:?} in {spoken}")).to_string())
        .collect()
}

#[tokio::test]
async fn a_spanish_reader_sets_up_text_messages_in_spanish_and_the_text_and_the_call_speak_spanish() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = spanish_client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        let choose = get(&app, &client, "/mfa/setup").await;
        choose.assert_ok();
        let html = &choose.body;
        assert!(html.contains(r#"<html lang="es">"#), "{html}");
        assert!(html.contains("<h1>Agregar un método de verificación</h1>"), "{html}");
        assert!(
            html.contains("Configúrelo a más tardar el <strong>16 de abril de 2026</strong> (le quedan 45 días)."),
            "{html}"
        );
        assert!(html.contains("<strong>Mensaje de texto (SMS)</strong>"), "{html}");
        assert!(html.contains("<strong>Aplicación de autenticación</strong>"), "{html}");
        assert!(!html.contains("Add a verification method"), "{html}");

        let form = get(&app, &client, "/mfa/setup/sms").await;
        form.assert_ok();
        let html = &form.body;
        assert!(html.contains("<title>Configurar los mensajes de texto"), "{html}");
        assert!(
            html.contains(r#"<button type="submit" class="button primary">Enviar código de verificación</button>"#)
        );
        assert!(html.contains(r#"value="voice" class="button">Prefiero una llamada</button>"#), "{html}");
        assert!(html.contains(">Estados Unidos (+1)</option>"), "{html}");

        // A number that is no number, told in Spanish next to the field.
        let bad =
            post(&app, &client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "US"), ("phone", "12")]).await;
        assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
        assert!(
            bad.body.contains("Escriba un número de teléfono válido para el país que eligió, con el código de área"),
            "{}",
            bad.body
        );

        // "Enviar código de verificación": the text is in Spanish, its autofill line as ever.
        post(&app, &client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "US"), ("phone", "201-555-0123")])
            .await
            .assert_redirect("/mfa/setup/sms/verify");
        let text = app.texts().last().cloned().unwrap();
        assert_eq!(text["channel"], "sms");
        let body = text["body"].as_str().unwrap();
        let texted = code_in_any_text(body);
        let portal_name = app.portal.settings().portal_name.clone();
        let expected_text =
            format!("Su código de verificación de {portal_name} es {texted}. Vence en 10 minutos.\n\n@");
        assert!(body.starts_with(&expected_text), "{body:?}");

        let verify = get(&app, &client, "/mfa/setup/sms/verify").await;
        verify.assert_ok();
        let html = &verify.body;
        assert!(html.contains("<h1>Verifique su número de teléfono</h1>"), "{html}");
        assert!(
            html.contains("Le enviamos un código de 6 dígitos por mensaje de texto al <strong>•••-•••-0123</strong>."),
            "{html}"
        );
        assert!(html.contains(r#"<label for="code">Código de 6 dígitos</label>"#), "{html}");
        assert!(html.contains("¿No le llegó el código? Puede pedir uno nuevo en 30 segundos."), "{html}");

        // Asking again at once: the wait, in Spanish.
        let resend = post(&app, &client, "/mfa/setup/sms/resend", &[("csrf", &verify.csrf())]).await;
        assert_eq!(resend.status, StatusCode::TOO_MANY_REQUESTS, "{}", resend.body);
        assert!(resend.body.contains("Espere 30 segundos antes de pedir otro código"), "{}", resend.body);
        assert_eq!(resend.retry_after.as_deref(), Some("30"));

        // Codes that are not codes, or not the right one.
        let short = post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", "12345")]).await;
        assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(short.body.contains("Un código tiene exactamente 6 dígitos (0–9)"), "{}", short.body);
        let wrong = if texted == "000000" { "111111" } else { "000000" };
        let wrong = post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", wrong)]).await;
        assert_eq!(wrong.status, StatusCode::BAD_REQUEST);
        assert!(wrong.body.contains("El código no es correcto"), "{}", wrong.body);

        // "Prefiero una llamada": the call reads the code in Spanish, digit by digit, twice.
        app.clock.advance(Duration::seconds(31));
        let fields = [
            ("csrf", form.csrf()),
            ("country", "US".into()),
            ("phone", "201-555-0123".into()),
            ("channel", "voice".into()),
        ];
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        post(&app, &client, "/mfa/setup/sms", &fields).await.assert_redirect("/mfa/setup/sms/verify?called=1");
        let call = app.texts().last().cloned().unwrap();
        assert_eq!((call["channel"].as_str(), call["to"].as_str()), (Some("voice"), Some("+12015550123")));
        let spoken = call["body"].as_str().unwrap();
        assert!(spoken.starts_with("Esta es una llamada de "), "{spoken}");
        assert!(spoken.ends_with(". Adiós."), "{spoken}");
        let called = code_in_spanish_call(spoken);
        assert_eq!(called.len(), 6, "{spoken}");
        assert!(spoken.contains("Repito: "), "{spoken}");
        let verify = get(&app, &client, "/mfa/setup/sms/verify?called=1").await;
        assert!(verify.body.contains("Llamamos al número y leímos el código dos veces."), "{}", verify.body);
        post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &called)])
            .await
            .assert_redirect("/");
        assert_eq!(app.texts().len(), 2);
    })
    .await;
}

#[tokio::test]
async fn a_returning_spanish_reader_verifies_in_spanish_and_is_told_how_long_to_wait() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        let client = spanish_client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");

        // The authenticator app's page, in Spanish.
        let setup = start_app(&app, &client).await;
        setup.assert_ok();
        let html = &setup.body;
        assert!(html.contains("<title>Configurar una aplicación de autenticación"), "{html}");
        assert!(html.contains("<summary>¿Sigue teniendo problemas?</summary>"), "{html}");
        assert!(html.contains(">Abrir en su aplicación de autenticación</a>"), "{html}");
        assert!(html.contains("<title>Código QR para escanear con su aplicación de autenticación</title>"), "{html}");
        assert!(html.contains(&format!("Nombre de la cuenta que debe escribir: <strong>{ANN}</strong>")), "{html}");
        assert!(html.contains(r#"<button type="submit" class="button primary">Continuar</button>"#), "{html}");
        let secret = shown_secret(html);
        let wrong = wrong_code(&app, &secret);
        let refused = post(&app, &client, "/mfa/setup/app", &[("csrf", &setup.csrf()), ("code", &wrong)]).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        assert!(refused.body.contains("El código no es correcto"), "{}", refused.body);
        let code = app_code(&app, &secret);
        post(&app, &client, "/mfa/setup/app", &[("csrf", &setup.csrf()), ("code", &code)]).await.assert_redirect("/");

        sign_out(&app, &client).await;
        app.clock.advance(Duration::minutes(1));
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        let verify = get(&app, &client, "/mfa/verify").await;
        verify.assert_ok();
        let html = &verify.body;
        assert!(html.contains(r#"<html lang="es">"#), "{html}");
        assert!(html.contains("<h1>Verifique que es usted</h1>"), "{html}");
        assert!(html.contains("Abra su aplicación de autenticación y escriba el código que muestra para este portal."));
        assert!(html.contains("No pedir un código en este dispositivo durante 30 días"), "{html}");
        assert!(html.contains("¿Perdió su teléfono? Use un código de recuperación"), "{html}");
        assert!(html.contains(r#"<button type="submit" class="button primary">Verificar código</button>"#), "{html}");

        // Five wrong codes pause sign-in; the pause is said in Spanish, with its length.
        let csrf = verify.csrf();
        for _ in 0..5 {
            let r = post(&app, &client, "/mfa/verify", &[("csrf", &csrf), ("method", "totp"), ("code", &wrong)]).await;
            assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
            assert!(r.body.contains("El código no es correcto"), "{}", r.body);
        }
        let right = app_code(&app, &secret);
        let r = post(&app, &client, "/mfa/verify", &[("csrf", &csrf), ("method", "totp"), ("code", &right)]).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
        let retry = r.retry_after.as_deref().expect("Retry-After");
        assert!(
            r.body.contains(&format!("Demasiados códigos incorrectos. Espere {retry} segundos y vuelva a intentarlo.")),
            "{}",
            r.body
        );

        // The recovery-code form, and a code that is not one.
        let recovery = get(&app, &client, "/mfa/verify?method=recovery").await;
        assert!(recovery.body.contains(r#"<label for="recovery-code">Código de recuperación</label>"#));
        assert!(recovery.body.contains(">Usar código de recuperación</button>"), "{}", recovery.body);
        let r = post(&app, &client, "/mfa/verify", &[("csrf", &csrf), ("method", "recovery"), ("recovery_code", "x")])
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert!(r.body.contains("Un código de recuperación tiene 10 letras y dígitos, como 7k2mq-x9c4d"), "{}", r.body);
    })
    .await;
}

#[tokio::test]
async fn a_returning_spanish_reader_with_a_phone_is_offered_a_spanish_text_and_told_what_was_sent() {
    each_backend(|backend| async move {
        let app = switched_on_app(backend).await;
        // The English setup: the language of each text is that of the request that sends it.
        let english = app.client();
        sign_in(&app, &english, ANN).await.assert_redirect("/mfa/setup");
        enroll_sms(&app, &english).await;
        assert!(app.texts()[0]["body"].as_str().unwrap().starts_with("Your "), "{:?}", app.texts());

        // Signing in again, then switching to Spanish (`?lang=es`, as the footer's picker does
        // without a form): the verify page and the text it sends are in Spanish.
        sign_out(&app, &english).await;
        app.clock.advance(Duration::seconds(31));
        let client = english;
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/verify");
        let page = get(&app, &client, "/mfa/verify?method=sms&lang=es").await;
        page.assert_ok();
        assert!(page.body.contains(r#"<html lang="es">"#), "{}", page.body);
        assert!(
            page.body.contains(
                r#"Le enviaremos un código por mensaje de texto al <strong class="nowrap">•••-•••-0123</strong>."#
            ),
            "{}",
            page.body
        );
        assert!(page.body.contains(">Enviar código de verificación</button>"), "{}", page.body);
        post(&app, &client, "/mfa/verify/send", &[("csrf", &page.csrf())])
            .await
            .assert_redirect("/mfa/verify?method=sms&sent=1");
        let text = app.texts().last().unwrap()["body"].as_str().unwrap().to_owned();
        assert!(text.starts_with("Su código de verificación de "), "{text}");
        let sent = get(&app, &client, "/mfa/verify?method=sms&sent=1").await;
        let html = &sent.body;
        assert!(html.contains("Le enviamos un código. Escríbalo abajo; solo sirve el código más reciente."), "{html}");
        assert!(html.contains(">Enviar un código nuevo</button>"), "{html}");
        assert!(html.contains("El código del mensaje de texto."), "{html}");
        post(
            &app,
            &client,
            "/mfa/verify",
            &[("csrf", &sent.csrf()), ("method", "sms"), ("code", &code_in_any_text(&text))],
        )
        .await
        .assert_redirect("/");
    })
    .await;
}

#[tokio::test]
async fn a_spanish_reader_with_a_desk_phone_is_told_why_in_spanish_and_called_in_spanish() {
    each_backend(|backend| async move {
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.sms_allowed_countries = vec!["US".into(), "GB".into()];
        let app = TestApp::spawn_with(backend, options).await;
        app.create_user(ANN, Role::Policyholder).await;
        let client = spanish_client();
        sign_in(&app, &client, ANN).await.assert_redirect("/mfa/setup");
        let form = get(&app, &client, "/mfa/setup/sms").await;
        // The countries by their Spanish names, the United States first.
        assert!(form.body.contains(">Estados Unidos (+1)</option>") && form.body.contains(">Reino Unido (+44)</option>"));
        post(&app, &client, "/mfa/setup/sms", &[("csrf", &form.csrf()), ("country", "GB"), ("phone", "020 7946 0018")])
            .await
            .assert_redirect("/mfa/setup/sms/verify?called=landline");
        let verify = get(&app, &client, "/mfa/setup/sms/verify?called=landline").await;
        assert!(
            verify.body.contains(
                "Este número parece ser de un teléfono fijo, que no puede recibir mensajes de texto, así que lo llamamos"
            ),
            "{}",
            verify.body
        );
        let call = app.texts().last().cloned().unwrap();
        assert_eq!(call["channel"], "voice");
        let code = code_in_spanish_call(call["body"].as_str().unwrap());
        post(&app, &client, "/mfa/setup/sms/verify", &[("csrf", &verify.csrf()), ("code", &code)])
            .await
            .assert_redirect("/");

        sign_out(&app, &client).await;
        app.clock.advance(Duration::seconds(31));
        sign_in(&app, &client, ANN).await;
        let page = get(&app, &client, "/mfa/verify?method=sms").await;
        assert!(page.body.contains("parece ser de un teléfono fijo, que no puede recibir mensajes de texto"), "{}", page.body);
        assert!(
            page.body.contains(r#"value="voice" class="button primary">Llamarme con un código</button>"#),
            "{}",
            page.body
        );
    })
    .await;
}
