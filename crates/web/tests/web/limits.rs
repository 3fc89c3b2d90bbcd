//! Every limit under a burst. Each test releases N ≥ 4× the limit requests together (one
//! barrier, each request on a session of its own where sessions matter), on SQLite and on
//! PostgreSQL, once against one instance and once split across two instances on one database
//! (as behind a load balancer). The count of work done is exactly the limit; every other request
//! is a 429 with `Retry-After`. The last part races a second-factor check against each way of
//! ending sessions: the sessions stay ended.

use std::future::Future;

use portal_core::user::Role;
use portal_testkit::reqwest::{Client, StatusCode};
use portal_testkit::{Answered, AppOptions, Backend, TEST_PASSWORD, TestApp, backends, burst, csrf_from};
use serde_json::{Value, json};
use time::Duration;
use time::macros::date;

use crate::common::{client_with_token, enroll_totp};

/// A portal whose MFA was switched on the day before the tests start, served by one or two
/// instances.
struct Layout {
    app: TestApp,
    bases: Vec<String>,
}

impl Layout {
    /// The instance the `i`-th request of a burst goes to (round robin).
    fn url(&self, i: usize, path: &str) -> String {
        format!("{}{path}", self.bases[i % self.bases.len()])
    }
}

/// Runs `test` on every backend, first against one instance, then split across two.
async fn each_layout<F, Fut>(test: F)
where
    F: Fn(Layout) -> Fut,
    Fut: Future<Output = ()>,
{
    each_layout_with(false, test).await;
}

/// [`each_layout`], with "Remind me later" offered or not.
async fn each_layout_with<F, Fut>(allow_postpone: bool, test: F)
where
    F: Fn(Layout) -> Fut,
    Fut: Future<Output = ()>,
{
    for backend in backends() {
        for instances in [1, 2] {
            eprintln!("on {backend:?} with {instances} instance(s)");
            test(layout(backend, instances, allow_postpone).await).await;
        }
    }
}

async fn layout(backend: Backend, instances: usize, allow_postpone: bool) -> Layout {
    let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
    options.settings.mfa.allow_postpone = allow_postpone;
    let app = TestApp::spawn_with(backend, options).await;
    let mut bases = vec![app.base_url.clone()];
    if instances == 2 {
        bases.push(app.second_instance().await.1);
    }
    Layout { app, bases }
}

/// Asserts that exactly `limit` answers are `judged` (the work was done) and every other one
/// is a 429 that says when to come back; returns nothing, panics with every answer otherwise.
#[track_caller]
fn assert_exactly(answers: &[Answered], limit: usize, judged: (StatusCode, Option<&str>)) {
    let (status, error) = judged;
    let done = answers.iter().filter(|a| a.status == status && a.error.as_deref() == error).count();
    let limited = answers.iter().filter(|a| a.is_limited()).count();
    assert_eq!(done, limit, "exactly {limit} of {} are {status} {error:?}: {answers:#?}", answers.len());
    assert_eq!(limited, answers.len() - limit, "all the others are 429 with Retry-After: {answers:#?}");
}

/// The session token a successful sign-in set.
fn session_of(response: &portal_testkit::reqwest::Response) -> String {
    response.cookies().find(|c| c.name() == "portal_session").map(|c| c.value().to_owned()).expect("a session cookie")
}

/// Signs `email` in with the password and returns the new session's token and its state.
async fn password_step(app: &TestApp, email: &str) -> (String, Value) {
    let response = app.api_login(&app.client(), email, TEST_PASSWORD).await;
    assert_eq!(response.status(), StatusCode::OK);
    let token = session_of(&response);
    (token, response.json().await.unwrap())
}

/// Ann, with an authenticator app set up, signs in with her password `n` times at the app's next
/// step: the app's secret and one half-signed-in session token per sign-in.
async fn ann_with_app_and_sessions(l: &Layout, n: usize) -> (String, Vec<String>) {
    l.app.create_user("ann@example.com", Role::Policyholder).await;
    let secret = enroll_totp(&l.app, &l.app.client(), "ann@example.com").await;
    l.app.clock.advance(Duration::seconds(30));
    let mut tokens = Vec::new();
    for _ in 0..n {
        tokens.push(password_step(&l.app, "ann@example.com").await.0);
    }
    (secret, tokens)
}

/// One TOTP `code` sent from every session of `tokens` as one burst, spread over the instances.
async fn totp_burst(l: &Layout, tokens: &[String], code: &str) -> Vec<Answered> {
    burst(tokens.len(), |i| {
        let (client, url) = (client_with_token(&tokens[i]), l.url(i, "/api/v1/mfa/verify"));
        let body = json!({ "method": "totp", "code": code });
        async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
    })
    .await
}

/// A code that is not the app's current one (nor, by the same change, a neighbour's).
fn wrong_code(right: &str) -> String {
    right.chars().map(|c| if c == '0' { '5' } else { '0' }).collect()
}

// ----- Password --------------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn sixty_wrong_passwords_for_one_account_are_judged_five_times() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let answers = burst(60, |i| {
            let (url, body) =
                (l.url(i, "/api/v1/login"), json!({ "email": "ann@example.com", "password": "wrong guess" }));
            async move { Answered::of(Client::new().post(url).json(&body).send().await.unwrap()).await }
        })
        .await;
        assert_exactly(&answers, 5, (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
        let right = l.app.api_login(&l.app.client(), "ann@example.com", TEST_PASSWORD).await;
        assert_eq!(right.status(), StatusCode::TOO_MANY_REQUESTS, "the right password waits out the window too");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eighty_wrong_passwords_from_one_address_are_judged_twenty_times() {
    each_layout(|l| async move {
        let answers = burst(80, |i| {
            let body = json!({ "email": format!("guess{i}@example.com"), "password": "wrong guess" });
            let url = l.url(i, "/api/v1/login");
            async move { Answered::of(Client::new().post(url).json(&body).send().await.unwrap()).await }
        })
        .await;
        assert_exactly(&answers, 20, (StatusCode::UNAUTHORIZED, Some("invalid_credentials")));
    })
    .await;
}

// ----- Second factor ---------------------------------------------------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_wrong_codes_from_forty_sessions_are_judged_five_times() {
    each_layout(|l| async move {
        let (secret, tokens) = ann_with_app_and_sessions(&l, 40).await;
        let wrong = wrong_code(&l.app.oathtool_code(&secret));
        let answers = totp_burst(&l, &tokens, &wrong).await;
        assert_exactly(&answers, 5, (StatusCode::BAD_REQUEST, Some("invalid_code")));
        // The pause holds for the right code too.
        let right = json!({ "method": "totp", "code": l.app.oathtool_code(&secret) });
        let after =
            client_with_token(&tokens[0]).post(l.url(0, "/api/v1/mfa/verify")).json(&right).send().await.unwrap();
        assert!(Answered::of(after).await.is_limited());
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_right_code_sent_from_twenty_sessions_signs_in_exactly_one() {
    each_layout(|l| async move {
        let (secret, tokens) = ann_with_app_and_sessions(&l, 20).await;
        let code = l.app.oathtool_code(&secret);
        let answers = totp_burst(&l, &tokens, &code).await;
        let won = answers.iter().filter(|a| a.status == StatusCode::OK).count();
        assert_eq!(won, 1, "{answers:#?}");
        for a in answers.iter().filter(|a| a.status != StatusCode::OK) {
            // A replay, or refused while enough other checks were in flight; never a 401 (a
            // session lost on the way) and never a pause.
            let replay = a.status == StatusCode::BAD_REQUEST && a.error.as_deref() == Some("invalid_code");
            let busy = a.is_limited() && a.retry_after == Some(1) && a.error.as_deref() == Some("too_many_attempts");
            assert!(replay || busy, "{a:?} in {answers:#?}");
        }
        // The replays were not counted as wrong codes: the next code signs in at once.
        l.app.clock.advance(Duration::seconds(30));
        let next = json!({ "method": "totp", "code": l.app.oathtool_code(&secret) });
        let (token, _) = password_step(&l.app, "ann@example.com").await;
        let again = client_with_token(&token).post(l.url(1, "/api/v1/mfa/verify")).json(&next).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::OK);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn one_recovery_code_sent_from_sixteen_sessions_signs_in_exactly_one() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let client = l.app.client();
        enroll_totp(&l.app, &client, "ann@example.com").await;
        let codes = client.post(l.app.url("/api/v1/mfa/recovery-codes")).json(&json!({})).send().await.unwrap();
        let codes: Value = codes.json().await.unwrap();
        let code = codes["codes"][0].as_str().unwrap().to_owned();
        let mut tokens = Vec::new();
        for _ in 0..16 {
            tokens.push(password_step(&l.app, "ann@example.com").await.0);
        }
        let answers = burst(tokens.len(), |i| {
            let (client, url) = (client_with_token(&tokens[i]), l.url(i, "/api/v1/mfa/verify"));
            let body = json!({ "method": "recovery", "code": code });
            async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
        })
        .await;
        assert_eq!(answers.iter().filter(|a| a.status == StatusCode::OK).count(), 1, "{answers:#?}");
        for a in answers.iter().filter(|a| a.status != StatusCode::OK) {
            let used = a.status == StatusCode::BAD_REQUEST && a.error.as_deref() == Some("invalid_code");
            let busy = a.is_limited() && a.retry_after == Some(1) && a.error.as_deref() == Some("too_many_attempts");
            assert!(used || busy, "{a:?} in {answers:#?}");
        }
        // A used code is no guess: nothing was paused, and the next code signs in at once.
        let next = json!({ "method": "recovery", "code": codes["codes"][1] });
        let (token, _) = password_step(&l.app, "ann@example.com").await;
        let again = client_with_token(&token).post(l.url(1, "/api/v1/mfa/verify")).json(&next).send().await.unwrap();
        assert_eq!(again.status(), StatusCode::OK);
    })
    .await;
}

// ----- Text messages ---------------------------------------------------------------------------

fn phone(n: usize) -> Value {
    json!({ "country": "US", "phone": format!("(201) 555-01{:02}", n % 100) })
}

/// `n` sessions of `email`, each at the setup step.
async fn setup_sessions(app: &TestApp, email: &str, n: usize) -> Vec<String> {
    let mut tokens = Vec::new();
    for _ in 0..n {
        let (token, state) = password_step(app, email).await;
        assert_eq!(state["state"], "mfa_setup_required", "{state}");
        tokens.push(token);
    }
    tokens
}

async fn send_setup_code(l: &Layout, tokens: &[String], numbers: impl Fn(usize) -> Value) -> Vec<Answered> {
    burst(tokens.len(), |i| {
        let (client, url, body) = (client_with_token(&tokens[i]), l.url(i, "/api/v1/mfa/sms/setup"), numbers(i));
        async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_texts_to_one_number_send_one_per_cooldown_and_five_an_hour() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let tokens = setup_sessions(&l.app, "ann@example.com", 20).await;
        for round in 1..=6 {
            let answers = send_setup_code(&l, &tokens, |_| phone(0)).await;
            let expected = if round <= 5 { 1 } else { 0 };
            assert_exactly(&answers, expected, (StatusCode::OK, None));
            assert_eq!(l.app.texts().len(), round.min(5), "round {round}: one text per 30 seconds, five per hour");
            l.app.clock.advance(Duration::seconds(31));
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_texts_from_one_user_to_forty_numbers_send_ten_a_day() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let tokens = setup_sessions(&l.app, "ann@example.com", 40).await;
        let answers = send_setup_code(&l, &tokens, phone).await;
        assert_exactly(&answers, 10, (StatusCode::OK, None));
        assert_eq!(l.app.texts().len(), 10);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn eighty_texts_from_eighty_users_on_one_address_send_twenty_an_hour() {
    each_layout(|l| async move {
        let mut tokens = Vec::new();
        for i in 0..80 {
            let email = format!("user{i}@example.com");
            l.app.create_user(&email, Role::Policyholder).await;
            tokens.extend(setup_sessions(&l.app, &email, 1).await);
        }
        let answers = send_setup_code(&l, &tokens, phone).await;
        assert_exactly(&answers, 20, (StatusCode::OK, None));
        assert_eq!(l.app.texts().len(), 20);
    })
    .await;
}

// ----- Forgotten passwords ---------------------------------------------------------------------

/// One client per request, each with the form's CSRF token, asking for a reset of `email(i)`.
async fn forgot_burst(l: &Layout, n: usize, email: impl Fn(usize) -> String) -> Vec<Answered> {
    let mut forms = Vec::new();
    for i in 0..n {
        let client = l.app.client();
        let page = client.get(l.url(i, "/forgot-password")).send().await.unwrap().text().await.unwrap();
        forms.push((client, csrf_from(&page), email(i)));
    }
    burst(n, |i| {
        let (client, csrf, email) = forms[i].clone();
        let url = l.url(i, "/forgot-password");
        async move { Answered::of(client.post(url).form(&[("csrf", csrf), ("email", email)]).send().await.unwrap()).await }
    })
    .await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twelve_reset_requests_for_one_address_send_three_mails() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let answers = forgot_burst(&l, 12, |_| "ann@example.com".to_owned()).await;
        assert_exactly(&answers, 3, (StatusCode::OK, None));
        l.app.wait_for_mails(4).await;
        assert_eq!(l.app.mails().len(), 3, "three links, no more");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_reset_requests_from_one_address_send_ten_mails() {
    each_layout(|l| async move {
        for i in 0..40 {
            l.app.create_user(&format!("user{i}@example.com"), Role::Policyholder).await;
        }
        let answers = forgot_burst(&l, 40, |i| format!("user{i}@example.com")).await;
        assert_exactly(&answers, 10, (StatusCode::OK, None));
        l.app.wait_for_mails(11).await;
        assert_eq!(l.app.mails().len(), 10);
    })
    .await;
}

// ----- Staff -----------------------------------------------------------------------------------

/// A staff member signed in with a fresh second factor (staff set one up at first sign-in).
async fn staff(app: &TestApp, email: &str, role: Role) -> (Client, String) {
    let user = app.create_user(email, role).await;
    let client = app.client();
    app.api_login(&client, email, TEST_PASSWORD).await;
    let setup: Value = app.post_json(&client, "/api/v1/mfa/totp/setup", json!({})).await.json().await.unwrap();
    let code = app.oathtool_code(setup["secret"].as_str().unwrap());
    assert_eq!(
        app.post_json(&client, "/api/v1/mfa/totp/confirm", json!({ "code": code })).await.status(),
        StatusCode::OK
    );
    (client, user.id.as_str().to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_and_twenty_support_actions_by_one_agent_do_thirty() {
    each_layout(|l| async move {
        let (agent, _) = staff(&l.app, "sam.support@example.com", Role::Support).await;
        let ann = l.app.create_user("ann@example.com", Role::Policyholder).await;
        let path = format!("/api/v1/admin/users/{}/extend-deadline", ann.id.as_str());
        let answers = burst(120, |i| {
            let (client, url) = (agent.clone(), l.url(i, &path));
            let body = json!({ "days": 1 + i % 90, "reason": "called in from the claim phone number" });
            async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
        })
        .await;
        assert_exactly(&answers, 30, (StatusCode::OK, None));
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_hundred_and_twenty_invitations_by_one_adjuster_send_thirty() {
    each_layout(|l| async move {
        let (adjuster, _) = staff(&l.app, "ada.adjuster@example.com", Role::Adjuster).await;
        let answers = burst(120, |i| {
            let (client, url) = (adjuster.clone(), l.url(i, "/api/v1/claims"));
            let body = json!({
                "claim_number": format!("CLM-{}", 2000 + i),
                "loss_date": "2026-02-14",
                "policyholder_email": format!("holder{i}@example.com"),
                "policyholder_name": "Pat Holder",
            });
            async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
        })
        .await;
        assert_exactly(&answers, 30, (StatusCode::CREATED, None));
        l.app.wait_for_mails(31).await;
        let invitations =
            l.app.mails().iter().filter(|m| m["to"].as_str().is_some_and(|t| t.starts_with("holder"))).count();
        assert_eq!(invitations, 30);
    })
    .await;
}

// ----- Ending sessions wins every race ---------------------------------------------------------

/// Runs two different requests released together by one barrier (`burst` for two of a kind).
async fn together<A, B>(a: A, b: B) -> (A::Output, B::Output)
where
    A: Future + Send + 'static,
    B: Future + Send + 'static,
    A::Output: Send + 'static,
    B::Output: Send + 'static,
{
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(2));
    let released = barrier.clone();
    let a = tokio::spawn(async move {
        released.wait().await;
        a.await
    });
    let b = tokio::spawn(async move {
        barrier.wait().await;
        b.await
    });
    let (a, b) = tokio::join!(a, b);
    (a.expect("the first request panicked"), b.expect("the second request panicked"))
}

/// Releases a second-factor check and `end` together, `rounds` times, and asserts that no
/// session of the user is left afterwards, whichever finished first.
async fn verification_races<F, Fut>(l: &Layout, secret: &str, password: &str, rounds: usize, end: F)
where
    F: Fn(String) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    for round in 0..rounds {
        l.app.clock.advance(Duration::seconds(30));
        let browser = l.app.client();
        let login = l.app.api_login(&browser, "ann@example.com", password).await;
        assert_eq!(login.status(), StatusCode::OK, "round {round}: sign-in");
        let old = session_of(&login);
        let code = l.app.oathtool_code(secret);
        let verify_url = l.url(round, "/api/v1/mfa/verify");
        let verify = {
            let browser = browser.clone();
            async move {
                let body = json!({ "method": "totp", "code": code });
                browser.post(verify_url).json(&body).send().await.unwrap().status()
            }
        };
        let ending = end(old.clone());
        let (verified, ()) = together(verify, ending).await;
        // The check won first, or found its session (or, after an MFA reset, its method or
        // its step) gone: a clean answer either way.
        assert!(verified == StatusCode::OK || verified.is_client_error(), "round {round}: {verified}");
        for client in [browser, client_with_token(&old)] {
            let me = client.get(l.url(round + 1, "/api/v1/me")).send().await.unwrap();
            assert_eq!(
                me.status(),
                StatusCode::UNAUTHORIZED,
                "round {round}: a session outlived the race ({verified})"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sign_out_racing_a_second_factor_check_leaves_no_session() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let secret = enroll_totp(&l.app, &l.app.client(), "ann@example.com").await;
        let logout = l.url(1, "/api/v1/logout");
        verification_races(&l, &secret, TEST_PASSWORD, 12, |old| {
            let url = logout.clone();
            async move {
                let status = client_with_token(&old).post(url).send().await.unwrap().status();
                assert!(status.is_success(), "sign-out: {status}");
            }
        })
        .await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn support_ending_sessions_or_resetting_mfa_racing_a_second_factor_check_leaves_no_session() {
    each_layout(|l| async move {
        let (agent, _) = staff(&l.app, "sam.support@example.com", Role::Support).await;
        let ann = l.app.create_user("ann@example.com", Role::Policyholder).await;
        let secret = enroll_totp(&l.app, &l.app.client(), "ann@example.com").await;
        let end_sessions = l.url(1, &format!("/api/v1/admin/users/{}/end-sessions", ann.id.as_str()));
        verification_races(&l, &secret, TEST_PASSWORD, 8, |_| {
            let (agent, url) = (agent.clone(), end_sessions.clone());
            async move {
                let body = json!({ "reason": "lost laptop reported on the phone" });
                let status = agent.post(url).json(&body).send().await.unwrap().status();
                assert_eq!(status, StatusCode::OK, "end sessions");
            }
        })
        .await;

        let reset = l.url(1, &format!("/api/v1/admin/users/{}/reset-mfa", ann.id.as_str()));
        let mut secret = secret;
        for _ in 0..3 {
            verification_races(&l, &secret, TEST_PASSWORD, 1, |_| {
                let (agent, url) = (agent.clone(), reset.clone());
                async move {
                    let body = json!({ "reason": "new phone, identity checked on the phone" });
                    let status = agent.post(url).json(&body).send().await.unwrap().status();
                    assert_eq!(status, StatusCode::OK, "reset MFA");
                }
            })
            .await;
            secret = enroll_totp(&l.app, &l.app.client(), "ann@example.com").await;
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_password_reset_racing_a_second_factor_check_leaves_no_session() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let secret = enroll_totp(&l.app, &l.app.client(), "ann@example.com").await;
        let mut password = TEST_PASSWORD.to_owned();
        for round in 0..3 {
            // The link is asked for and its form opened before the race; only the submit races.
            let mails_before = l.app.mails().len();
            let asker = l.app.client();
            let page = asker.get(l.url(0, "/forgot-password")).send().await.unwrap().text().await.unwrap();
            let form = [("csrf", csrf_from(&page)), ("email", "ann@example.com".to_owned())];
            assert_eq!(
                asker.post(l.url(0, "/forgot-password")).form(&form).send().await.unwrap().status(),
                StatusCode::OK
            );
            let mails = l.app.wait_for_mails(mails_before + 1).await;
            let body = mails.last().unwrap()["body"].as_str().unwrap().to_owned();
            let start = body.find("token=").expect("a reset link") + "token=".len();
            let token: String =
                body[start..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
            let resetter = l.app.client();
            let page = resetter.get(l.url(1, &format!("/reset-password?token={token}"))).send().await.unwrap();
            let csrf = csrf_from(&page.text().await.unwrap());
            let new_password = format!("violet meadow lantern {round}");
            let submit = l.url(1, "/reset-password");
            verification_races(&l, &secret, &password, 1, |_| {
                let (client, url) = (resetter.clone(), submit.clone());
                let form = [
                    ("csrf", csrf.clone()),
                    ("token", token.clone()),
                    ("password", new_password.clone()),
                    ("confirm", new_password.clone()),
                ];
                async move {
                    let status = client.post(url).form(&form).send().await.unwrap().status();
                    assert!(status.is_success() || status.is_redirection(), "reset: {status}");
                }
            })
            .await;
            password = new_password;
        }
    })
    .await;
}

// ----- Found in review: races outside the second-factor check -----------------------------------

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_parallel_remind_me_laters_with_one_cookie_sign_in_once() {
    each_layout_with(true, |l| async move {
        let ann = l.app.create_user("ann@example.com", Role::Policyholder).await;
        let (token, state) = password_step(&l.app, "ann@example.com").await;
        assert_eq!(state["can_postpone"], true, "{state}");
        let answers = burst(20, |i| {
            let (client, url) = (client_with_token(&token), l.url(i, "/api/v1/mfa/postpone"));
            async move { Answered::of(client.post(url).json(&json!({})).send().await.unwrap()).await }
        })
        .await;
        let won = answers.iter().filter(|a| a.status == StatusCode::OK).count();
        assert_eq!(won, 1, "{answers:#?}");
        assert!(
            answers.iter().all(|a| a.status == StatusCode::OK || a.status == StatusCode::UNAUTHORIZED),
            "{answers:#?}"
        );
        assert_eq!(l.app.portal.store().sessions_of(&ann.id).await.unwrap().len(), 1, "one session, not twenty");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_sign_out_racing_remind_me_later_leaves_no_session() {
    each_layout_with(true, |l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        for round in 0..10 {
            let browser = l.app.client();
            let login = l.app.api_login(&browser, "ann@example.com", TEST_PASSWORD).await;
            let old = session_of(&login);
            let postpone = {
                let (browser, url) = (browser.clone(), l.url(round, "/api/v1/mfa/postpone"));
                async move { browser.post(url).json(&json!({})).send().await.unwrap().status() }
            };
            let logout = {
                let (client, url) = (client_with_token(&old), l.url(round + 1, "/api/v1/logout"));
                async move { client.post(url).send().await.unwrap().status() }
            };
            let (postponed, signed_out) = together(postpone, logout).await;
            assert!(postponed == StatusCode::OK || postponed == StatusCode::UNAUTHORIZED, "round {round}: {postponed}");
            assert!(signed_out.is_success());
            for client in [browser, client_with_token(&old)] {
                let me = client.get(l.url(round, "/api/v1/me")).send().await.unwrap();
                assert_eq!(me.status(), StatusCode::UNAUTHORIZED, "round {round}: a session outlived the sign-out");
            }
        }
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn refused_texts_are_audited_once_a_minute_per_user() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let tokens = setup_sessions(&l.app, "ann@example.com", 20).await;
        let answers = send_setup_code(&l, &tokens, |_| phone(0)).await;
        assert_exactly(&answers, 1, (StatusCode::OK, None));
        let filter = portal_core::audit::AuditFilter {
            outcome: Some(portal_core::audit::Outcome::Refused),
            limit: 100,
            ..Default::default()
        };
        let refused = l.app.portal.store().audit_events(&filter).await.unwrap();
        assert_eq!(refused.len(), 1, "nineteen refusals, one row: {refused:#?}");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_right_and_a_wrong_texted_code_sent_together_get_clean_answers() {
    each_layout(|l| async move {
        l.app.create_user("ann@example.com", Role::Policyholder).await;
        let (token, _) = password_step(&l.app, "ann@example.com").await;
        let client = client_with_token(&token);
        let sent = client.post(l.url(0, "/api/v1/mfa/sms/setup")).json(&phone(7)).send().await.unwrap();
        assert_eq!(sent.status(), StatusCode::OK);
        let code = l.app.last_sms_code();
        let confirm = client.post(l.url(0, "/api/v1/mfa/sms/confirm")).json(&json!({ "code": code })).send().await;
        assert_eq!(confirm.unwrap().status(), StatusCode::OK);
        // Thirteen minutes apart: within the limits of five texts an hour and ten a day.
        for round in 0..8 {
            l.app.clock.advance(Duration::minutes(13));
            let (token, _) = password_step(&l.app, "ann@example.com").await;
            let client = client_with_token(&token);
            let sent = client.post(l.url(round, "/api/v1/mfa/sms/send")).json(&json!({})).send().await.unwrap();
            assert_eq!(sent.status(), StatusCode::OK, "round {round}");
            let right = l.app.last_sms_code();
            let codes = [right.clone(), wrong_code(&right)];
            let answers = burst(2, |i| {
                let (client, url) = (client.clone(), l.url(i, "/api/v1/mfa/verify"));
                let body = json!({ "method": "sms", "code": codes[i] });
                async move { Answered::of(client.post(url).json(&body).send().await.unwrap()).await }
            })
            .await;
            assert!(answers.iter().all(|a| !a.status.is_server_error()), "round {round}: {answers:#?}");
        }
    })
    .await;
}

// ----- The write queue -------------------------------------------------------------------------

/// SQLite's hot writes wait in a bounded queue for the one writer. When the writer cannot keep
/// up (here: another process holds the database's write lock), requests beyond the queue are
/// refused at once with 503 and `Retry-After`, while those already queued wait and then finish;
/// nothing is lost or done twice, and a refused client that retries gets in.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_full_write_queue_answers_503_at_once_and_loses_nothing() {
    const QUEUE: usize = 2;
    const REQUESTS: usize = 16;
    let options = AppOptions { write_queue_capacity: Some(QUEUE), ..AppOptions::mfa_from(date!(2026 - 03 - 01)) };
    let app = TestApp::spawn_with(Backend::Sqlite, options).await;
    let l = Layout { bases: vec![app.base_url.clone()], app };
    let (secret, tokens) = ann_with_app_and_sessions(&l, REQUESTS).await;
    let code = l.app.oathtool_code(&secret);

    // Another process takes the write lock and keeps it while the burst arrives.
    let path = l.app.db.dir.path().join("portal.db");
    let lock = rusqlite::Connection::open(&path).unwrap();
    lock.execute_batch("BEGIN IMMEDIATE").unwrap();

    let (tell, mut answers) = tokio::sync::mpsc::unbounded_channel();
    for (i, token) in tokens.iter().enumerate() {
        let (client, url, tell) = (client_with_token(token), l.url(i, "/api/v1/mfa/verify"), tell.clone());
        let body = json!({ "method": "totp", "code": code });
        tokio::spawn(async move {
            let answered = Answered::of(client.post(url).json(&body).send().await.unwrap()).await;
            let _ = tell.send((i, answered));
        });
    }
    // The writer holds at most one batch (no more than the queue held) and the queue refills:
    // at most 2 × QUEUE requests wait; every other one is answered while the lock is still held.
    let refused_now = REQUESTS - 2 * QUEUE;
    let mut answered = Vec::new();
    while answered.len() < refused_now {
        let (i, a) = tokio::time::timeout(std::time::Duration::from_secs(5), answers.recv())
            .await
            .expect("refused requests are answered without waiting for the writer")
            .unwrap();
        assert_eq!(a.status, StatusCode::SERVICE_UNAVAILABLE, "{a:?}");
        assert_eq!((a.retry_after, a.error.as_deref()), (Some(1), Some("busy")), "{a:?}");
        answered.push((i, a));
    }
    drop(lock);
    drop(tell);
    while let Some(one) = answers.recv().await {
        answered.push(one);
    }
    assert_eq!(answered.len(), REQUESTS);
    let won: Vec<_> = answered.iter().filter(|(_, a)| a.status == StatusCode::OK).collect();
    assert_eq!(won.len(), 1, "the code worked exactly once: {answered:#?}");
    for (_, a) in &answered {
        let busy = a.status == StatusCode::SERVICE_UNAVAILABLE && a.error.as_deref() == Some("busy");
        let replayed = a.status == StatusCode::BAD_REQUEST && a.error.as_deref() == Some("invalid_code");
        assert!(busy || replayed || a.status == StatusCode::OK, "{a:?}");
    }

    // A refused session did not change; retried with the app's next code, it gets in.
    let (refused, _) = answered.iter().find(|(_, a)| a.status == StatusCode::SERVICE_UNAVAILABLE).unwrap();
    l.app.clock.advance(Duration::seconds(30));
    let retry = client_with_token(&tokens[*refused])
        .post(l.url(0, "/api/v1/mfa/verify"))
        .json(&json!({ "method": "totp", "code": l.app.oathtool_code(&secret) }))
        .send()
        .await
        .unwrap();
    assert_eq!(retry.status(), StatusCode::OK);
}
