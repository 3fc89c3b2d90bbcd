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

/// An administrator signed in completely, as a person would: the password, then an
/// authenticator app set up and confirmed with the code oathtool computes. Returns the client
/// and its session token.
async fn signed_in_admin(app: &portal_testkit::TestApp, email: &str) -> (portal_testkit::reqwest::Client, String) {
    app.create_user(email, Role::Admin).await;
    let client = app.client();
    login(app, &client, email).await.assert_ok();
    let setup = post(app, &client, "/api/v1/mfa/totp/setup", json!({})).await;
    setup.assert_ok();
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let confirmed = post(app, &client, "/api/v1/mfa/totp/confirm", json!({ "code": app.oathtool_code(&secret) })).await;
    confirmed.assert_authenticated();
    let token = confirmed.session.clone().expect("the confirmation sets the session cookie");
    (client, token)
}

/// These would end the session or lock the account of whoever runs them: signing out; ending a
/// session by id (the stateful phase finds the current one in `GET /sessions`); and the code
/// checks, whose wrong codes count towards the lock-out. They get a run, and a session, of
/// their own, after the rest.
const SESSION_ENDING: [&str; 5] = [
    "/api/v1/logout",
    "/api/v1/sessions/{id}",
    "/api/v1/mfa/verify",
    "/api/v1/mfa/totp/confirm",
    "/api/v1/mfa/sms/confirm",
];

/// schemathesis on the served document with `token` as the session; `None` when it is not
/// installed (outside CI).
async fn schemathesis(app: &portal_testkit::TestApp, token: &str, paths: &[String]) -> Option<String> {
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
        .args(paths)
        .env("PORTAL_SESSION", token)
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
            return None;
        }
        Err(e) => panic!("start schemathesis: {e}"),
    };
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(run.status.success(), "schemathesis failed:\n{stdout}\n{}", String::from_utf8_lossy(&run.stderr));
    Some(stdout)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_every_answer_as_documented() {
    let app = mfa_app(Backend::Sqlite).await;
    let (client, token) = signed_in_admin(&app, ADMIN).await;
    let excluded: Vec<String> =
        SESSION_ENDING.iter().flat_map(|p| ["--exclude-path".to_owned(), (*p).to_owned()]).collect();
    let Some(stdout) = schemathesis(&app, &token, &excluded).await else { return };
    assert!(stdout.contains("Tested: 43"), "every operation but the session-ending five was tested:\n{stdout}");
    // The session lived through the run, so the operations were tested signed in.
    get(&app, &client, "/api/v1/me").await.assert_ok();

    // Then the five, signed in as someone else, whose session may end or lock on the way.
    let (_, other) = signed_in_admin(&app, "second.admin@example.com").await;
    let included: Vec<String> =
        SESSION_ENDING.iter().flat_map(|p| ["--include-path".to_owned(), (*p).to_owned()]).collect();
    let stdout = schemathesis(&app, &other, &included).await.expect("schemathesis ran a moment ago");
    assert!(stdout.contains("Tested: 5"), "the five session-ending operations were tested:\n{stdout}");
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
