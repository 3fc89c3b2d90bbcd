//! The served OpenAPI document against the running portal: schemathesis (from PyPI, pinned in
//! `.ci/run`) generates requests for every operation from the document, with the session of a
//! fully signed-in administrator, and checks every answer: no 5xx, status, headers, content
//! type and body as documented, schema-violating input refused, no operation that ignores the
//! missing session. Without schemathesis the test says so loudly and passes, except in CI
//! (`CI=true`), where it fails.

use portal_core::user::Role;
use portal_testkit::Backend;
use portal_testkit::reqwest::StatusCode;
use serde_json::json;

use crate::common::{answer, get, login, mfa_app, post};

const ADMIN: &str = "root.admin@example.com";

#[tokio::test]
async fn the_served_document_is_openapi_3_1_and_needs_no_session() {
    let app = mfa_app(Backend::Sqlite).await;
    let doc = answer(app.client().get(app.url("/api/v1/openapi.json")).send().await.unwrap()).await;
    assert_eq!(doc.status, StatusCode::OK, "{}", doc.text);
    assert!(doc.json["openapi"].as_str().unwrap().starts_with("3.1"), "{}", doc.text);
    let scheme = &doc.json["components"]["securitySchemes"]["cookie"];
    assert_eq!(scheme["type"], "apiKey");
    assert_eq!(scheme["in"], "cookie");
    assert_eq!(scheme["name"], "portal_session", "plain http: the cookie has no __Host- prefix");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_every_answer_as_documented() {
    let app = mfa_app(Backend::Sqlite).await;
    app.create_user(ADMIN, Role::Admin).await;
    // Signed in completely, as a person would: the password, then an authenticator app set up
    // and confirmed with the code oathtool computes.
    let client = app.client();
    login(&app, &client, ADMIN).await.assert_ok();
    let setup = post(&app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
    setup.assert_ok();
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let confirmed =
        post(&app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) })).await;
    confirmed.assert_authenticated();
    let token = confirmed.session.clone().expect("the confirmation sets the session cookie");

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("schemathesis.toml");
    std::fs::write(&config, SCHEMATHESIS_CONFIG).unwrap();
    let run = tokio::process::Command::new("schemathesis")
        .arg("--config-file")
        .arg(&config)
        .arg("run")
        .arg(app.url("/api/v1/openapi.json"))
        .args(["--checks", "all", "--max-examples", "20", "--seed", "1", "--no-color"])
        .args(["--generation-database", "none", "--workers", "2"])
        // These would end the test's session or lock its account, after which every other
        // operation would only be tested signed out: signing out; ending a session by id (the
        // stateful phase finds the current one in `GET /sessions`); and the code checks, whose
        // wrong codes count towards the account's lock-out. Their refusals are covered by the
        // sign-in and MFA tests.
        .args(["--exclude-path", "/api/v1/logout", "--exclude-path", "/api/v1/sessions/{id}"])
        .args(["--exclude-path", "/api/v1/mfa/verify", "--exclude-path", "/api/v1/mfa/totp/confirm"])
        .args(["--exclude-path", "/api/v1/mfa/sms/confirm"])
        .env("PORTAL_SESSION", &token)
        .current_dir(dir.path())
        .output()
        .await;
    let run = match run {
        Ok(run) => run,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let message = "\n!!! openapi: schemathesis SKIPPED — it is not installed. `bash .ci/run` installs it \
                           (python3 -m pip install schemathesis). !!!\n";
            assert!(!portal_testkit::in_ci(), "{message}(CI=true: this test must run in CI)");
            eprintln!("{message}");
            return;
        }
        Err(e) => panic!("start schemathesis: {e}"),
    };
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "schemathesis failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    assert!(stdout.contains("Tested: 42"), "every operation but the excluded five was tested:\n{stdout}");
    // The session lived through the run, so the operations were tested signed in.
    get(&app, &client, "/api/v1/me").await.assert_ok();
}

/// The session goes in as the document's `cookie` security scheme, so schemathesis also tries
/// each operation without it. A request that fits the schema may still be refused for what JSON
/// Schema cannot say (a wrong code, an unknown id, an empty required text, a password rule), so
/// 400, 404, 409 and 422 count as accepting valid input too.
const SCHEMATHESIS_CONFIG: &str = r#"
[auth.openapi.cookie]
api_key = "${PORTAL_SESSION}"

[checks.positive_data_acceptance]
expected-statuses = ["2xx", "400", "401", "403", "404", "409", "422", "429"]
"#;
