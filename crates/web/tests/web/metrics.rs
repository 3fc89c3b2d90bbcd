//! `/metrics`: what an operator's Prometheus scrapes, and who may read it.

use portal_core::user::Role;
use portal_testkit::reqwest::StatusCode;
use portal_testkit::{AppOptions, TestApp, backends};
use time::macros::date;

use crate::common::{ANN, enroll_totp, get, login, next_totp, verify, wrong_totp};

/// The value of the sample `series` (name and labels exactly as exposed), if present.
fn sample(text: &str, series: &str) -> Option<f64> {
    text.lines().find_map(|line| line.strip_prefix(series)?.strip_prefix(' ')?.split(' ').next()?.parse().ok())
}

#[tokio::test]
async fn sign_ins_and_code_checks_are_counted_by_outcome_and_requests_by_route_template() {
    for backend in backends() {
        let app = TestApp::spawn_with(backend, AppOptions::mfa_from(date!(2026 - 03 - 01))).await;
        app.create_user(ANN, Role::Policyholder).await;
        let secret = enroll_totp(&app, &app.client(), ANN).await;
        let client = app.client();
        let signed_in = login(&app, &client, ANN).await;
        signed_in.assert_ok();
        let token = signed_in.session.clone().unwrap();
        verify(&app, &client, "totp", &wrong_totp(&app, &secret)).await;
        let code = next_totp(&app, &secret);
        verify(&app, &client, "totp", &code).await.assert_authenticated();
        // Sent again from a second session: a replay.
        let other = app.client();
        login(&app, &other, ANN).await.assert_ok();
        verify(&app, &other, "totp", &code).await;

        app.wait_for_mails(1).await;
        let scrape = get(&app, &app.client(), "/metrics").await;
        assert_eq!(scrape.status, StatusCode::OK);
        assert!(scrape.content_type.starts_with("application/openmetrics-text"), "{}", scrape.content_type);
        let text = &scrape.text;
        let count = |series: &str| sample(text, series).unwrap_or_else(|| panic!("no {series} in\n{text}"));
        assert_eq!(count(r#"portal_second_factor_checks_total{method="totp",outcome="success"}"#), 1.0);
        assert_eq!(count(r#"portal_second_factor_checks_total{method="totp",outcome="wrong_code"}"#), 1.0);
        assert_eq!(count(r#"portal_second_factor_checks_total{method="totp",outcome="replay"}"#), 1.0);
        assert_eq!(count(r#"portal_sign_ins_total{outcome="second_factor_next"}"#), 3.0);
        assert_eq!(count(r#"portal_http_requests_total{method="POST",route="/api/v1/mfa/verify",status="2xx"}"#), 1.0);
        assert_eq!(count(r#"portal_http_requests_total{method="POST",route="/api/v1/mfa/verify",status="4xx"}"#), 2.0);
        assert!(count(r#"portal_http_request_duration_seconds_count{route="/api/v1/mfa/verify"}"#) >= 3.0);
        assert!(text.contains("portal_argon2_in_use ") && text.contains("portal_database_write_queue "), "{text}");
        // Ann is the one policyholder, and she is enrolled.
        assert_eq!(count(r#"portal_policyholders{state="enrolled"}"#), 1.0);
        assert_eq!(count(r#"portal_policyholders{state="setup_pending"}"#), 0.0);
        // The emails (a method added) went out through the outbox provider, each timed.
        let mails = count(r#"portal_messages_total{channel="email",outcome="sent"}"#);
        assert!(mails >= 1.0);
        assert_eq!(count(r#"portal_message_provider_duration_seconds_count{channel="email"}"#), mails);
        // Nobody is named: no email, no address, no session or user id.
        for secret_thing in [ANN, "127.0.0.1", token.as_str()] {
            assert!(!text.contains(secret_thing), "{secret_thing} in\n{text}");
        }
        let ann = app.portal.store().user_by_email(&portal_core::email::Email::parse(ANN).unwrap()).await.unwrap();
        assert!(!text.contains(ann.unwrap().id.as_str()));
    }
}

#[tokio::test]
async fn only_loopback_reads_metrics_and_a_visitor_through_the_proxy_gets_a_404() {
    let proxy = "127.0.0.1".parse().unwrap();
    let options = AppOptions { trusted_proxies: vec![proxy], ..AppOptions::default() };
    let app = TestApp::spawn_with(portal_testkit::Backend::Sqlite, options).await;
    let direct = app.client().get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(direct.status(), StatusCode::OK, "Prometheus on this machine");
    let visitor = app.client().get(app.url("/metrics")).header("x-forwarded-for", "203.0.113.9").send().await.unwrap();
    assert_eq!(visitor.status(), StatusCode::NOT_FOUND);
    assert!(!visitor.text().await.unwrap().contains("portal_"), "the ordinary not-found page");
}

/// The ```yaml block of docs/deployment.md that contains `marker`.
fn deployment_yaml(marker: &str) -> String {
    let doc = include_str!("../../../../docs/deployment.md");
    doc.split("```yaml\n")
        .skip(1)
        .filter_map(|block| block.split("```").next())
        .find(|block| block.contains(marker))
        .unwrap_or_else(|| panic!("docs/deployment.md has no yaml block with {marker}"))
        .to_owned()
}

/// Debian's Prometheus, run with the scrape config and the alert rules docs/deployment.md gives
/// (the targets replaced by the test portal), scrapes the portal and sees a verification made
/// through it; it also loads the three alert rules, so the documented rules are valid.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prometheus_scrapes_a_verification_with_the_documented_config_and_rules() {
    assert!(
        std::path::Path::new("/usr/bin/prometheus").is_file(),
        "/usr/bin/prometheus is missing: run .ci/run (it installs Debian's prometheus)"
    );
    let app = TestApp::spawn_with(portal_testkit::Backend::Sqlite, AppOptions::mfa_from(date!(2026 - 03 - 01))).await;
    app.create_user(ANN, Role::Policyholder).await;
    let secret = enroll_totp(&app, &app.client(), ANN).await;
    let client = app.client();
    login(&app, &client, ANN).await.assert_ok();
    verify(&app, &client, "totp", &next_totp(&app, &secret)).await.assert_authenticated();

    let dir = tempfile::tempdir().unwrap();
    let rules = dir.path().join("portal-alerts.yml");
    std::fs::write(&rules, deployment_yaml("PortalLockoutsRising")).unwrap();
    let config: String = deployment_yaml("scrape_configs")
        .lines()
        .map(|line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            match line.trim_start() {
                l if l.starts_with("- targets:") => format!("{indent}- targets: ['{}']", app.addr),
                l if l.starts_with("scrape_interval:") => format!("{indent}scrape_interval: 1s"),
                l if l.starts_with("- /etc/prometheus/portal-alerts.yml") => format!("{indent}- {}", rules.display()),
                _ => line.to_owned(),
            }
        })
        .map(|line| line + "\n")
        .collect();
    assert!(config.contains(&app.addr.to_string()), "the documented config has a targets line: {config}");
    let config_file = dir.path().join("prometheus.yml");
    std::fs::write(&config_file, &config).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut prometheus = std::process::Command::new("/usr/bin/prometheus")
        .arg(format!("--config.file={}", config_file.display()))
        .arg(format!("--storage.tsdb.path={}", dir.path().join("data").display()))
        .arg(format!("--web.listen-address=127.0.0.1:{port}"))
        .stdout(std::process::Stdio::null())
        .stderr(std::fs::File::create(dir.path().join("prometheus.log")).unwrap())
        .spawn()
        .expect("start prometheus");
    let api = format!("http://127.0.0.1:{port}/api/v1");
    let query = r#"portal_second_factor_checks_total{method="totp",outcome="success"}"#;
    let http = portal_testkit::reqwest::Client::new();
    let mut seen = None;
    for _ in 0..60 {
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
        let Ok(answer) = http.get(format!("{api}/query")).query(&[("query", query)]).send().await else { continue };
        let body: serde_json::Value = answer.json().await.unwrap_or_default();
        if let Some(value) = body["data"]["result"][0]["value"][1].as_str() {
            seen = Some((value.to_owned(), body["data"]["result"][0]["metric"].clone()));
            break;
        }
    }
    let rules_loaded: serde_json::Value =
        http.get(format!("{api}/rules")).send().await.unwrap().json().await.unwrap_or_default();
    let _ = prometheus.kill();
    let _ = prometheus.wait();
    let log = std::fs::read_to_string(dir.path().join("prometheus.log")).unwrap_or_default();
    let (value, labels) = seen.unwrap_or_else(|| panic!("Prometheus never saw {query}; its log:\n{log}"));
    assert_eq!(value, "1");
    assert_eq!(labels["job"], "portal");
    let names: Vec<&str> = rules_loaded["data"]["groups"][0]["rules"]
        .as_array()
        .map(|r| r.iter().filter_map(|rule| rule["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(names, ["PortalTextMessagesFailing", "PortalLockoutsRising", "PortalSlowAnswers"], "{log}");
}
