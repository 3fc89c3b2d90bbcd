//! The real `inventory-portal` binary as an operator runs it: each test in a fresh directory
//! with its own SQLite database, and no `PORTAL_*` variables but the ones it sets.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // tests fail loudly

mod common;
use common::{PASSWORD, Run, Schema, dechunk};
use std::io::{BufRead as _, BufReader, Read as _, Write as _};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// A directory of its own, used as the working directory and data directory, with a database
/// of its own: a SQLite file in the directory, or a fresh PostgreSQL schema.
struct Sandbox {
    dir: tempfile::TempDir,
    database_url: String,
    /// Dropped (with everything in it) after the test.
    _schema: Option<Schema>,
}

impl Sandbox {
    fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temporary directory");
        let database_url = format!("sqlite://{}", dir.path().join("portal.db").display());
        Sandbox { dir, database_url, _schema: None }
    }

    /// A SQLite sandbox, and a PostgreSQL one when `PORTAL_TEST_POSTGRES_URL` is set.
    fn each_backend() -> Vec<Sandbox> {
        let mut all = vec![Sandbox::new()];
        if let Some(base) = common::postgres_url() {
            let schema = Schema::create(&base, "cli");
            all.push(Sandbox { database_url: schema.url(), _schema: Some(schema), ..Sandbox::new() });
        } else {
            assert!(
                !std::env::var("CI").is_ok_and(|v| v == "true"),
                "CI=true but PORTAL_TEST_POSTGRES_URL is not set: the PostgreSQL half would be skipped"
            );
            eprintln!("note: PORTAL_TEST_POSTGRES_URL is not set; running on SQLite only");
        }
        all
    }

    fn backend(&self) -> &'static str {
        if self._schema.is_some() { "postgres" } else { "sqlite" }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn command(&self, args: &[&str], env: &[(&str, &str)]) -> Command {
        let mut cmd = common::portal_command(args, self.path());
        cmd.env("PORTAL_DATABASE_URL", &self.database_url).env("PORTAL_DATA_DIR", self.path());
        for (name, value) in env {
            cmd.env(name, value);
        }
        cmd
    }

    /// Runs to completion, with `stdin` (if any) as standard input.
    fn run_with(&self, args: &[&str], env: &[(&str, &str)], stdin: Option<&str>) -> Run {
        common::run_to_end(self.command(args, env), args, stdin)
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, &[], None)
    }

    fn run_env(&self, args: &[&str], env: &[(&str, &str)]) -> Run {
        self.run_with(args, env, None)
    }

    fn add_user(&self, args: &[&str], password: &str) -> Run {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(args);
        self.run_with(&all, &[], Some(&format!("{password}\n")))
    }

    fn add_ann(&self) -> Run {
        self.add_user(ANN, PASSWORD)
    }

    /// `user add` with `args` and `password` fails naming every one of `words`, and adds nobody.
    fn assert_user_add_refused(&self, args: &[&str], password: &str, words: &[&str]) {
        self.add_user(args, password).assert_failure_naming(words);
        assert!(self.listed_json().is_empty());
    }

    fn listed_json(&self) -> Vec<serde_json::Value> {
        let run = self.run(&["user", "list", "--json"]);
        run.assert_success();
        run.stdout
            .lines()
            .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l:?} is not JSON: {e}")))
            .collect()
    }
}

const ANN: &[&str] = &[
    "--email",
    "a@example.com",
    "--password-stdin",
    "--role",
    "adjuster",
    "--name",
    "Ann Lee",
    "--created",
    "2023-01-02",
];

// ---------------------------------------------------------------------------------------------
// user add / user list

#[test]
fn user_add_reads_the_password_from_stdin_and_creates_the_account() {
    let sandbox = Sandbox::new();
    let run = sandbox.add_ann();
    run.assert_success();
    assert!(run.stdout.contains("created a@example.com (adjuster)"), "{}", run.stdout);
    assert!(!run.stdout.contains(PASSWORD) && !run.stderr.contains(PASSWORD), "the password is never echoed");
    assert!(sandbox.path().join("portal.db").exists(), "the database lives where PORTAL_DATABASE_URL says");
}

#[test]
fn user_list_shows_the_added_account_with_its_role_and_creation_date() {
    let sandbox = Sandbox::new();
    sandbox.add_ann().assert_success();

    let table = sandbox.run(&["user", "list"]);
    table.assert_success();
    let row = table
        .stdout
        .lines()
        .find(|l| l.contains("a@example.com"))
        .unwrap_or_else(|| panic!("no row:\n{}", table.stdout));
    let cells: Vec<&str> = row.split_whitespace().collect();
    assert_eq!(cells, ["a@example.com", "adjuster", "2023-01-02", "Ann", "Lee"], "row: {row:?}");
    assert!(table.stdout.lines().next().unwrap().contains("EMAIL"), "a header line first:\n{}", table.stdout);

    let json = sandbox.listed_json();
    assert_eq!(json.len(), 1, "{json:?}");
    let ann = &json[0];
    assert_eq!(ann["email"], "a@example.com");
    assert_eq!(ann["role"], "adjuster");
    assert_eq!(ann["name"], "Ann Lee");
    assert!(ann["created_at"].as_str().unwrap().starts_with("2023-01-02"), "{ann}");
    assert_eq!(ann["id"].as_str().unwrap().len(), 32, "{ann}");
    assert!(ann.get("password_hash").is_none(), "hashes are never listed: {ann}");
}

#[test]
fn adding_the_same_email_twice_fails_and_names_the_email() {
    let sandbox = Sandbox::new();
    sandbox.add_ann().assert_success();

    let again = sandbox.add_user(&["--email", "A@Example.com", "--password-stdin", "--role", "admin"], PASSWORD);
    again.assert_failure_naming(&["a@example.com", "already exists"]);

    let json = sandbox.listed_json();
    assert_eq!(json.len(), 1);
    assert_eq!(json[0]["role"], "adjuster", "the first account is unchanged");
}

#[test]
fn user_add_refuses_a_malformed_email_and_names_the_flag() {
    let sandbox = Sandbox::new();
    sandbox.assert_user_add_refused(&["--email", "not-an-email", "--password-stdin"], PASSWORD, &["--email"]);
}

#[test]
fn user_add_refuses_an_unknown_role_and_names_the_flag() {
    let sandbox = Sandbox::new();
    sandbox.assert_user_add_refused(
        &["--email", "a@example.com", "--password-stdin", "--role", "root"],
        PASSWORD,
        &["--role", "root"],
    );
}

#[test]
fn user_add_refuses_a_password_shorter_than_12_characters() {
    let sandbox = Sandbox::new();
    sandbox.assert_user_add_refused(
        &["--email", "a@example.com", "--password-stdin"],
        "elevenchars",
        &["password", "12"],
    );

    let exactly_twelve = sandbox.add_user(&["--email", "a@example.com", "--password-stdin"], "twelve chars");
    exactly_twelve.assert_success();
}

#[test]
fn user_add_refuses_a_common_password_or_one_made_of_the_accounts_words() {
    for sandbox in Sandbox::each_backend() {
        let backend = sandbox.backend();
        let args = ["--email", "ann.lee@example.com", "--password-stdin", "--name", "Ann Lee"];
        let common = sandbox.add_user(&args, "Password1234");
        common.assert_failure_naming(&["password", "common or breached"]);
        let personal = sandbox.add_user(&args, "ann.lee@example.com");
        personal.assert_failure_naming(&["password", "email address, your name"]);
        let name = sandbox.add_user(&args, "Ann Lee 2024!!!");
        name.assert_failure_naming(&["password", "your name"]);
        assert!(sandbox.listed_json().is_empty(), "{backend}: no account was created");
        assert!(!common.stderr.contains("Password1234"), "the password is never echoed");
        sandbox.add_user(&args, PASSWORD).assert_success();
    }
}

#[test]
fn user_add_refuses_to_run_without_password_stdin() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_with(&["user", "add", "--email", "a@example.com"], &[], Some(&format!("{PASSWORD}\n")));
    run.assert_failure_naming(&["--password-stdin"]);
    assert!(sandbox.listed_json().is_empty());
}

#[test]
fn user_add_refuses_a_created_date_that_is_not_iso() {
    let sandbox = Sandbox::new();
    sandbox.assert_user_add_refused(
        &["--email", "a@example.com", "--password-stdin", "--created", "01/02/2023"],
        PASSWORD,
        &["--created", "01/02/2023"],
    );
}

#[test]
fn migrate_creates_the_database_and_succeeds() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["migrate"]);
    run.assert_success();
    assert!(run.stdout.contains("up to date"), "{}", run.stdout);
    assert!(sandbox.path().join("portal.db").exists());
    sandbox.run(&["migrate"]).assert_success();
}

// ---------------------------------------------------------------------------------------------
// Configuration errors

#[test]
fn an_unparseable_listen_address_stops_startup_naming_the_variable() {
    let sandbox = Sandbox::new();
    sandbox
        .run_env(&["migrate"], &[("PORTAL_LISTEN", "nowhere")])
        .assert_config_error_naming(&["PORTAL_LISTEN", "nowhere"]);
}

#[test]
fn a_short_secret_key_stops_startup_naming_the_variable() {
    let sandbox = Sandbox::new();
    sandbox.run_env(&["migrate"], &[("PORTAL_SECRET_KEY", "short")]).assert_config_error_naming(&["PORTAL_SECRET_KEY"]);
    // Valid base64 that is not 32 bytes is refused too.
    sandbox
        .run_env(&["migrate"], &[("PORTAL_SECRET_KEY", "c2hvcnQ=")])
        .assert_config_error_naming(&["PORTAL_SECRET_KEY", "32 bytes"]);
}

#[test]
fn an_unsupported_database_url_stops_startup_naming_the_variable() {
    let sandbox = Sandbox::new();
    sandbox
        .run_env(&["migrate"], &[("PORTAL_DATABASE_URL", "mysql://x")])
        .assert_config_error_naming(&["PORTAL_DATABASE_URL"]);
}

#[test]
fn a_wrong_attachments_location_stops_startup_and_a_migration_to_nowhere_copies_nothing() {
    let sandbox = Sandbox::new();
    sandbox
        .run_env(&["migrate"], &[("PORTAL_ATTACHMENTS_URL", "s3://user:secret@claims/p")])
        .assert_config_error_naming(&["PORTAL_ATTACHMENTS_URL", "credentials come from AWS_"]);
    sandbox
        .run_env(&["migrate"], &[("PORTAL_ATTACHMENTS_URL", "file:///srv/a"), ("PORTAL_ATTACHMENTS_DIR", "/srv/b")])
        .assert_config_error_naming(&["not both"]);
    sandbox
        .run(&["attachments", "migrate", "--to", "gs://bucket/p"])
        .assert_failure_naming(&["--to", "gs:// is not supported"]);
    let here = format!("file://{}", sandbox.path().join("attachments").display());
    sandbox
        .run(&["attachments", "migrate", "--to", &here])
        .assert_failure_naming(&["--to", "where attachments are already"]);
}

#[test]
fn a_missing_config_file_is_named_in_the_error() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["--config", "missing.toml", "migrate"]);
    run.assert_config_error_naming(&["missing.toml"]);
    assert!(!sandbox.path().join("portal.db").exists(), "nothing ran");
}

#[test]
fn an_unknown_key_in_the_config_file_is_an_error() {
    let sandbox = Sandbox::new();
    std::fs::write(sandbox.path().join("portal.toml"), "listen = \"127.0.0.1:0\"\ncolour = \"blue\"\n").unwrap();
    let run = sandbox.run(&["--config", "portal.toml", "migrate"]);
    run.assert_config_error_naming(&["portal.toml", "colour"]);
}

// ---------------------------------------------------------------------------------------------
// serve

/// A running `serve`; killed when dropped, even if the test fails first.
struct Server {
    child: Child,
    stdout: mpsc::Receiver<String>,
    stderr: Arc<Mutex<String>>,
    /// A message for every chunk appended to `stderr`.
    stderr_grew: mpsc::Receiver<()>,
}

impl Server {
    fn start(sandbox: &Sandbox, env: &[(&str, &str)]) -> Server {
        Server::start_args(sandbox, &["serve"], env)
    }

    fn start_args(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Server {
        let mut child = sandbox
            .command(args, env)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start inventory-portal serve");
        let (tx, stdout) = mpsc::channel();
        let out = child.stdout.take().expect("stdout pipe");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stderr = Arc::new(Mutex::new(String::new()));
        let mut err = child.stderr.take().expect("stderr pipe");
        let sink = stderr.clone();
        let (grew, stderr_grew) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 4096];
            while let Ok(n) = err.read(&mut buf) {
                if n == 0 {
                    break;
                }
                sink.lock().unwrap().push_str(&String::from_utf8_lossy(&buf[..n]));
                let _ = grew.send(());
            }
        });
        Server { child, stdout, stderr, stderr_grew }
    }

    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().clone()
    }

    /// Stdout lines up to and including the first one `done` accepts.
    fn read_stdout_until(&self, mut done: impl FnMut(&[String]) -> bool) -> Vec<String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let mut lines = Vec::new();
        while !done(&lines) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.stdout.recv_timeout(left) {
                Ok(line) => lines.push(line),
                Err(e) => panic!(
                    "serve did not print what was expected ({e}); stdout so far:\n{}\nstderr:\n{}",
                    lines.join("\n"),
                    self.stderr()
                ),
            }
        }
        lines
    }

    fn wait_for_stderr(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let stderr = self.stderr();
            let left = deadline.saturating_duration_since(Instant::now());
            if stderr.contains(text) || self.stderr_grew.recv_timeout(left).is_err() {
                return self.stderr();
            }
        }
    }

    /// Stdout lines printed until the output has been quiet for half a second.
    fn drain_stdout(&self) -> Vec<String> {
        let mut lines = Vec::new();
        while let Ok(line) = self.stdout.recv_timeout(Duration::from_millis(500)) {
            lines.push(line);
        }
        lines
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// `host:port` from the "is running at http://…" line (the configured public URL may differ;
/// this is the address bound).
fn bound_address(server: &Server) -> String {
    let lines = server.read_stdout_until(|lines| lines.iter().any(|l| l.contains("is running at http")));
    let running = lines.iter().find(|l| l.contains("is running at")).unwrap();
    let after = running.split("listening on ").nth(1).unwrap_or_else(|| panic!("no bound address: {running:?}"));
    after.split([',', ' ', ')']).next().unwrap().to_owned()
}

struct HttpResponse {
    status: u16,
    headers: String,
    body: String,
}

/// One HTTP/1.1 exchange over a plain socket.
fn http(addr: &str, method: &str, path: &str, json_body: Option<&str>) -> HttpResponse {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect to {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut request =
        format!("{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAccept: application/json\r\n");
    if let Some(body) = json_body {
        request.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}", body.len()));
    } else {
        request.push_str("\r\n");
    }
    stream.write_all(request.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("not an HTTP response: {text:?}"));
    let status =
        head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| panic!("status line: {head:?}"));
    let headers = head.to_ascii_lowercase();
    let body = if headers.contains("transfer-encoding: chunked") { dechunk(rest) } else { rest.to_owned() };
    HttpResponse { status, headers, body }
}

#[test]
fn serve_prints_its_url_and_demo_logins_warns_about_unknown_variables_and_answers_http() {
    let sandbox = Sandbox::new();
    let server = Server::start(&sandbox, &[("PORTAL_LISTEN", "127.0.0.1:0"), ("PORTAL_FOO", "bar")]);

    let lines = server.read_stdout_until(|lines| {
        lines.iter().any(|l| l.contains("is running at http://"))
            && lines.iter().filter(|l| l.contains("password:")).count() >= 3
            && lines.iter().any(|l| l.contains("Demo claim"))
    });
    let output = lines.join("\n");
    let running = lines.iter().find(|l| l.contains("is running at http://")).unwrap();
    let url = running.split_whitespace().find(|w| w.starts_with("http://")).unwrap();
    let addr = url.trim_start_matches("http://").trim_end_matches('/').to_owned();
    assert!(addr.starts_with("127.0.0.1:") && !addr.ends_with(":0"), "the bound port is printed, not 0: {running:?}");
    assert!(output.contains("Demo logins"), "{output}");

    // Demo lines read "  <Role label>  <email>  password: <password>".
    let login_of = |role: &str| {
        let line = lines
            .iter()
            .find(|l| l.contains(role) && l.contains("password:"))
            .unwrap_or_else(|| panic!("no {role} login:\n{output}"));
        let email = line.split_whitespace().find(|w| w.contains('@')).unwrap().to_owned();
        let password = line.split("password:").nth(1).unwrap().trim().to_owned();
        (email, password)
    };
    let (email, password) = login_of("Policyholder");
    assert!(password.len() >= 12, "demo passwords meet the length rule: {password:?}");
    let (adjuster, _) = login_of("Adjuster");
    assert_eq!(adjuster, "adjuster@example.com");
    assert!(output.contains("Demo claim CLM-DEMO-0001"), "{output}");

    let stderr = server.wait_for_stderr("PORTAL_FOO");
    assert!(stderr.contains("PORTAL_FOO"), "the unknown variable is warned about:\n{stderr}");

    let health = http(&addr, "GET", "/healthz", None);
    assert_eq!(health.status, 200, "{}", health.body);

    let body = serde_json::json!({ "email": email, "password": password }).to_string();
    let login = http(&addr, "POST", "/api/v1/login", Some(&body));
    assert_eq!(login.status, 200, "signing in with the printed demo login: {}", login.body);
    let json: serde_json::Value = serde_json::from_str(&login.body).unwrap_or_else(|e| panic!("{e}: {:?}", login.body));
    // MFA is on from the day the database was created, so the demo user is asked to set it up.
    assert_eq!(json["state"], "mfa_setup_required", "{json}");
    assert_eq!(json["days_left"], 45, "{json}");
    assert!(login.headers.contains("set-cookie:"), "a session cookie is set:\n{}", login.headers);

    let wrong = serde_json::json!({ "email": email, "password": "not the printed password" }).to_string();
    assert_eq!(http(&addr, "POST", "/api/v1/login", Some(&wrong)).status, 401);
    drop(server);

    // The demo claim is the adjuster's, for the demo policyholder, a draft with its items.
    let url = format!("sqlite://{}", sandbox.path().join("portal.db").display());
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let (owner, assigned, status, items, rooms, total): (String, String, String, i64, i64, i64) =
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
            let row = sqlx::query_as(
                "SELECT p.email, a.email, c.status, COUNT(i.id), COUNT(DISTINCT i.room), \
                 SUM(i.quantity * i.cost_cents) \
                 FROM claims c JOIN users p ON p.id = c.policyholder_id JOIN users a ON a.id = c.adjuster_id \
                 JOIN claim_items i ON i.claim_id = c.id WHERE c.claim_number = 'CLM-DEMO-0001' \
                 GROUP BY p.email, a.email, c.status",
            )
            .fetch_one(&pool)
            .await
            .unwrap();
            pool.close().await;
            row
        });
    assert_eq!((owner.as_str(), assigned.as_str(), status.as_str()), (email.as_str(), "adjuster@example.com", "draft"));
    assert_eq!((items, rooms), (8, 3));
    assert_eq!(total, 79_999 + 89_900 + 24_950 + 42_999 + 12 * 899 + 219_900 + 2 * 22_900 + 119_900);

    // A second start finds the accounts and prints no new demo passwords.
    let again = Server::start(&sandbox, &[("PORTAL_LISTEN", "127.0.0.1:0")]);
    let mut more = again.read_stdout_until(|lines| lines.iter().any(|l| l.contains("is running at http://")));
    more.extend(again.drain_stdout());
    assert!(!more.iter().any(|l| l.contains("password:")), "demo logins are shown only once:\n{}", more.join("\n"));
}

// ---------------------------------------------------------------------------------------------
// First start: demo accounts only for a local trial

/// Starts `serve` with `env` on a fresh database and returns what it printed on stdout.
fn first_start(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> String {
    let mut cmd_args = vec!["serve"];
    cmd_args.extend_from_slice(args);
    let server = Server::start_args(sandbox, &cmd_args, env);
    let mut lines = server.read_stdout_until(|lines| lines.iter().any(|l| l.contains("is running at http")));
    lines.extend(server.drain_stdout());
    lines.join("\n")
}

/// The first start printed no password and said how to create the first administrator; the
/// database has no account.
fn assert_no_accounts_and_bootstrap_hint(sandbox: &Sandbox, output: &str) {
    assert!(!output.contains("password:") && !output.contains("Demo"), "no demo logins:\n{output}");
    assert!(output.contains("no accounts yet"), "{output}");
    assert!(output.contains("user add --role admin") && output.contains("--password-stdin"), "{output}");
    assert!(sandbox.listed_json().is_empty(), "no account was created on {}", sandbox.backend());
}

#[test]
fn the_first_start_of_a_local_trial_creates_demo_accounts_marked_as_demo() {
    for sandbox in Sandbox::each_backend() {
        let output = first_start(&sandbox, &[], &[("PORTAL_LISTEN", "127.0.0.1:0")]);
        assert_eq!(output.matches("password:").count(), 3, "{}: {output}", sandbox.backend());
        assert!(output.contains("user remove-demo"), "says how to remove them:\n{output}");
        let users = sandbox.listed_json();
        assert_eq!(users.len(), 3, "{users:?}");
        assert!(users.iter().all(|u| u["demo"] == true), "every seeded account is marked demo: {users:?}");
        let table = sandbox.run(&["user", "list"]);
        assert_eq!(table.stdout.matches("[demo]").count(), 3, "{}", table.stdout);
    }
}

#[test]
fn a_public_https_url_gets_no_demo_accounts_and_the_first_administrator_must_set_up_mfa() {
    for sandbox in Sandbox::each_backend() {
        let env = [("PORTAL_LISTEN", "127.0.0.1:0"), ("PORTAL_PUBLIC_URL", "https://portal.example.com")];
        let output = first_start(&sandbox, &[], &env);
        assert_no_accounts_and_bootstrap_hint(&sandbox, &output);

        // The documented bootstrap: `user add --role admin`, then the admin signs in and is
        // asked to set up MFA like all staff.
        let admin = ["--email", "root@example.com", "--password-stdin", "--role", "admin"];
        sandbox.add_user(&admin, PASSWORD).assert_success();
        let users = sandbox.listed_json();
        assert_eq!(
            (users.len(), &users[0]["role"], &users[0]["demo"]),
            (1, &serde_json::json!("admin"), &false.into())
        );
        let server = Server::start(&sandbox, &env);
        let addr = bound_address(&server);
        let body = serde_json::json!({ "email": "root@example.com", "password": PASSWORD }).to_string();
        let login = http(&addr, "POST", "/api/v1/login", Some(&body));
        assert_eq!(login.status, 200, "{}", login.body);
        let json: serde_json::Value = serde_json::from_str(&login.body).unwrap();
        assert_eq!(json["state"], "mfa_setup_required", "{json}");
        assert_eq!(json["days_left"], serde_json::Value::Null, "staff have no grace period: {json}");
    }
}

#[test]
fn portal_demo_false_and_no_demo_turn_the_demo_off_for_a_local_trial() {
    for sandbox in Sandbox::each_backend() {
        let output = first_start(&sandbox, &[], &[("PORTAL_LISTEN", "127.0.0.1:0"), ("PORTAL_DEMO", "false")]);
        assert_no_accounts_and_bootstrap_hint(&sandbox, &output);
    }
    let sandbox = Sandbox::new();
    let output = first_start(&sandbox, &["--no-demo"], &[("PORTAL_LISTEN", "127.0.0.1:0")]);
    assert_no_accounts_and_bootstrap_hint(&sandbox, &output);
    let bad = sandbox.run_env(&["migrate"], &[("PORTAL_DEMO", "maybe")]);
    bad.assert_config_error_naming(&["PORTAL_DEMO"]);
}

#[test]
fn a_listener_on_every_address_gets_no_demo_accounts() {
    for sandbox in Sandbox::each_backend() {
        let output = first_start(&sandbox, &[], &[("PORTAL_LISTEN", "0.0.0.0:0")]);
        assert_no_accounts_and_bootstrap_hint(&sandbox, &output);
        // A loopback public URL does not make an open listener a trial either.
        let output = first_start(
            &sandbox,
            &[],
            &[("PORTAL_LISTEN", "0.0.0.0:0"), ("PORTAL_PUBLIC_URL", "http://localhost:8080")],
        );
        assert_no_accounts_and_bootstrap_hint(&sandbox, &output);
    }
}

#[test]
fn remove_demo_deletes_the_demo_accounts_and_their_claim_and_keeps_real_accounts() {
    for sandbox in Sandbox::each_backend() {
        first_start(&sandbox, &[], &[("PORTAL_LISTEN", "127.0.0.1:0")]);
        sandbox.add_ann().assert_success();
        assert_eq!(sandbox.listed_json().len(), 4);

        let run = sandbox.run(&["user", "remove-demo"]);
        run.assert_success();
        assert!(run.stdout.contains("removed 3 demo account(s)"), "{}", run.stdout);
        assert!(run.stdout.contains("demo@example.com") && run.stdout.contains("1 claim(s)"), "{}", run.stdout);
        let users = sandbox.listed_json();
        assert_eq!(users.len(), 1, "{users:?}");
        assert_eq!(users[0]["email"], "a@example.com", "the real account stays");

        let again = sandbox.run(&["user", "remove-demo"]);
        again.assert_success();
        assert!(again.stdout.contains("no demo accounts"), "{}", again.stdout);

        // The database stays usable and still has no demo: a restart seeds nothing.
        let output = first_start(&sandbox, &[], &[("PORTAL_LISTEN", "127.0.0.1:0")]);
        assert!(!output.contains("password:") && !output.contains("no accounts yet"), "{output}");
    }
}
