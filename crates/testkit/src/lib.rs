//! Test support shared by every crate's integration tests: a fresh database per test on
//! SQLite or PostgreSQL, the real portal served on a random 127.0.0.1 port, a clock the test
//! moves, a browser-like HTTP client, and readers for the mail outbox.
//!
//! PostgreSQL runs when `PORTAL_TEST_POSTGRES_URL` is set (`.ci/run` sets it); then it must
//! work, and a connection failure fails the test loudly instead of skipping. Attachments go to
//! a directory, and also to S3-compatible object storage when `PORTAL_TEST_S3_ENDPOINT` names
//! one (`.ci/run` starts a local one).

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test support: fail the test loudly

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use portal_core::auth::NewAccount;
use portal_core::clock::{Clock, ManualClock};
use portal_core::email::Email;
use portal_core::files::FileStore;
use portal_core::password::{NewPassword, PasswordHasher};
use portal_core::random::OsRandom;
use portal_core::secret::SecretKey;
use portal_core::store::Store;
use portal_core::user::{DisplayName, Role, User};
use portal_core::{Portal, PortalParts, PortalSettings, RequestContext};
use portal_mail::OutboxMailer;
use portal_sms::OutboxSms;
use portal_store::{ConnectOptions, FileLocation, PostgresStore, S3Access};
use portal_web::{AppState, WebSettings};
use time::OffsetDateTime;
use time::macros::datetime;

pub use reqwest;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const POSTGRES_ENV: &str = "PORTAL_TEST_POSTGRES_URL";

/// Whether the suite runs in CI (`CI=true`, as `.ci/run` sets it). There nothing may be
/// skipped: a missing database or tool fails the test that needs it.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// SQLite always; PostgreSQL too when `PORTAL_TEST_POSTGRES_URL` is set, which CI requires.
pub fn backends() -> Vec<Backend> {
    if std::env::var(POSTGRES_ENV).is_ok_and(|v| !v.is_empty()) {
        vec![Backend::Sqlite, Backend::Postgres]
    } else {
        assert!(!in_ci(), "CI=true but {POSTGRES_ENV} is not set: the PostgreSQL half of the suite would be skipped");
        eprintln!("note: {POSTGRES_ENV} is not set; running on SQLite only");
        vec![Backend::Sqlite]
    }
}

/// Runs `test` once on every backend of [`backends`], one after the other, saying on stderr
/// which one a failure belongs to.
pub async fn each_backend<F, Fut>(test: F)
where
    F: Fn(Backend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        eprintln!("on {backend:?}");
        test(backend).await;
    }
}

pub const S3_ENV: &str = "PORTAL_TEST_S3_ENDPOINT";
/// The bucket the tests use on the local object store; each app has a prefix of its own in it.
pub const S3_BUCKET: &str = "portal-test";

/// Where a test app keeps attachments.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileBackend {
    /// A directory under the test's temporary directory (the default).
    Directory,
    /// S3-compatible object storage at `PORTAL_TEST_S3_ENDPOINT`.
    S3,
}

/// A directory always; object storage too when `PORTAL_TEST_S3_ENDPOINT` is set, which CI requires.
pub fn file_backends() -> Vec<FileBackend> {
    if s3_endpoint().is_some() {
        vec![FileBackend::Directory, FileBackend::S3]
    } else {
        assert!(
            !in_ci(),
            "CI=true but {S3_ENV} is not set: the object-storage half of the attachment tests would be skipped"
        );
        eprintln!("note: {S3_ENV} is not set; attachments on a directory only");
        vec![FileBackend::Directory]
    }
}

pub fn s3_endpoint() -> Option<String> {
    std::env::var(S3_ENV).ok().filter(|v| !v.is_empty())
}

/// What the portal reads from `AWS_*` to reach the test object store (which takes any key).
pub fn s3_test_access() -> S3Access {
    S3Access {
        endpoint: Some(s3_endpoint().expect("PORTAL_TEST_S3_ENDPOINT")),
        region: Some("us-east-1".into()),
        access_key_id: Some("portal-test".into()),
        secret_access_key: Some("portal-test-secret".into()),
        session_token: None,
    }
}

/// A fresh, empty place in the test bucket (created if missing): `s3://portal-test/<random>`.
pub async fn s3_test_location() -> FileLocation {
    let endpoint = s3_endpoint().expect("PORTAL_TEST_S3_ENDPOINT");
    // The local test server creates buckets for anyone who asks; a second ask is no error.
    let created = reqwest::Client::new()
        .put(format!("{}/{S3_BUCKET}", endpoint.trim_end_matches('/')))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{S3_ENV} is set but the object store at {endpoint} failed: {e}"));
    assert!(created.status().is_success(), "creating the test bucket: {}", created.status());
    let prefix = format!("t{}-{}", std::process::id(), SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed)) + &hex_suffix();
    FileLocation::S3 { bucket: S3_BUCKET.into(), prefix }
}

/// Runs `test` on every database of [`backends`] with every file store of [`file_backends`].
pub async fn each_store<F, Fut>(test: F)
where
    F: Fn(Backend, FileBackend) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    for backend in backends() {
        for files in file_backends() {
            eprintln!("on {backend:?} with files on {files:?}");
            test(backend, files).await;
        }
    }
}

/// Runs `n` requests released together: every task is spawned and waits at one barrier before
/// its future is first polled, so the requests reach the server as one burst. A limit that
/// reads before it writes is caught walking past; one that reserves first is not.
pub async fn burst<T, F, Fut>(n: usize, request: F) -> Vec<T>
where
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
    T: Send + 'static,
{
    let barrier = Arc::new(tokio::sync::Barrier::new(n));
    let tasks: Vec<_> = (0..n)
        .map(|i| {
            let (barrier, request) = (barrier.clone(), request(i));
            tokio::spawn(async move {
                barrier.wait().await;
                request.await
            })
        })
        .collect();
    let mut outcomes = Vec::with_capacity(n);
    for task in tasks {
        outcomes.push(task.await.expect("a burst request panicked"));
    }
    outcomes
}

/// What a client sees of one answer: the status, the `Retry-After` seconds and the JSON
/// `error` code, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answered {
    pub status: reqwest::StatusCode,
    pub retry_after: Option<u64>,
    pub error: Option<String>,
}

impl Answered {
    pub async fn of(response: reqwest::Response) -> Answered {
        let status = response.status();
        let retry_after =
            response.headers().get(reqwest::header::RETRY_AFTER).and_then(|v| v.to_str().ok()?.parse().ok());
        let text = response.text().await.unwrap_or_default();
        let error = serde_json::from_str::<serde_json::Value>(&text)
            .ok()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_owned));
        Answered { status, retry_after, error }
    }

    /// Refused by a limit, saying when to come back.
    pub fn is_limited(&self) -> bool {
        self.status == reqwest::StatusCode::TOO_MANY_REQUESTS && self.retry_after.is_some_and(|s| s > 0)
    }
}

/// A database that lives as long as the test: a temporary SQLite file, or a PostgreSQL schema
/// of its own that is dropped afterwards.
pub struct TestDb {
    pub store: Arc<dyn Store>,
    pub backend: Backend,
    /// `sqlite://…` or the PostgreSQL URL, with `schema` for the latter.
    pub url: String,
    pub schema: Option<String>,
    pub dir: tempfile::TempDir,
}

static SCHEMA_COUNTER: AtomicU64 = AtomicU64::new(0);

impl TestDb {
    pub async fn new(backend: Backend) -> TestDb {
        Self::with_write_queue(backend, ConnectOptions::default().write_queue_capacity).await
    }

    /// As `new`, with room for `capacity` waiting hot writes (SQLite's group-commit writer).
    pub async fn with_write_queue(backend: Backend, capacity: usize) -> TestDb {
        let dir = tempfile::tempdir().expect("temporary directory");
        match backend {
            Backend::Sqlite => {
                let url = format!("sqlite://{}", dir.path().join("portal.db").display());
                let options = ConnectOptions { write_queue_capacity: capacity, ..ConnectOptions::default() };
                let store = portal_store::connect(&url, &options).await.expect("open SQLite");
                TestDb { store, backend, url, schema: None, dir }
            }
            Backend::Postgres => {
                let url = std::env::var(POSTGRES_ENV).expect("PORTAL_TEST_POSTGRES_URL");
                let schema = format!(
                    "test_{}_{}_{}",
                    std::process::id(),
                    SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed),
                    hex_suffix()
                );
                Self::postgres_with_schema(url, schema, dir).await
            }
        }
    }

    /// Another connection pool onto the same database (a second server instance).
    pub async fn reopen(&self) -> Arc<dyn Store> {
        let options = ConnectOptions { postgres_schema: self.schema.clone(), ..ConnectOptions::default() };
        portal_store::connect(&self.url, &options).await.expect("reopen the test database")
    }

    async fn postgres_with_schema(url: String, schema: String, dir: tempfile::TempDir) -> TestDb {
        let options = ConnectOptions { postgres_schema: Some(schema.clone()), ..ConnectOptions::default() };
        let store = portal_store::connect(&url, &options)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is set but PostgreSQL at {url} failed: {e}"));
        TestDb { store, backend: Backend::Postgres, url, schema: Some(schema), dir }
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(schema) = self.schema.take() {
            let url = self.url.clone();
            // Drop runs inside the test's runtime; clean up on a thread with its own.
            let _ = std::thread::spawn(move || {
                if let Ok(rt) = tokio::runtime::Builder::new_current_thread().enable_all().build() {
                    let _ = rt.block_on(PostgresStore::drop_schema(&url, &schema));
                }
            })
            .join();
        }
    }
}

fn hex_suffix() -> String {
    portal_core::random::bytes::<4>(&OsRandom).iter().map(|b| format!("{b:02x}")).collect()
}

/// The moment every test starts at unless it says otherwise.
pub const TEST_START: OffsetDateTime = datetime!(2026-03-02 09:00 UTC);

pub const TEST_PASSWORD: &str = "correct horse battery staple";

/// A portal served over real HTTP on 127.0.0.1 with a random port.
pub struct TestApp {
    pub addr: SocketAddr,
    /// Where attachments are kept, and the store itself.
    pub file_location: FileLocation,
    pub files: Arc<dyn FileStore>,
    pub base_url: String,
    pub clock: ManualClock,
    pub portal: Portal,
    pub mail_outbox: PathBuf,
    pub sms_outbox: PathBuf,
    pub db: TestDb,
}

pub struct AppOptions {
    pub start: OffsetDateTime,
    pub settings: PortalSettings,
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// The public URL the portal believes it has (default: the test server's own address).
    pub public_url: Option<String>,
    /// Serve as `http://localhost:PORT` rather than `http://127.0.0.1:PORT` (still bound to
    /// 127.0.0.1): browsers accept only a host name as a passkey's relying party.
    pub localhost: bool,
    /// Room for this many waiting hot writes on SQLite (default: the store's own bound).
    pub write_queue_capacity: Option<usize>,
    pub files: FileBackend,
}

/// The switch-on date of a portal whose MFA is not on yet (the default for tests that are
/// about something else).
pub const MFA_NOT_YET: time::Date = time::macros::date!(2100 - 01 - 01);

impl Default for AppOptions {
    fn default() -> Self {
        let mut settings = PortalSettings::default();
        settings.mfa.enforce_from = MFA_NOT_YET;
        Self {
            start: TEST_START,
            settings,
            trusted_proxies: Vec::new(),
            public_url: None,
            localhost: false,
            write_queue_capacity: None,
            files: FileBackend::Directory,
        }
    }
}

impl AppOptions {
    /// MFA switched on at `enforce_from`, with the guide's 45 grace days.
    pub fn mfa_from(enforce_from: time::Date) -> Self {
        let mut options = Self::default();
        options.settings.mfa.enforce_from = enforce_from;
        options
    }
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        Self::spawn_with(backend, AppOptions::default()).await
    }

    pub async fn spawn_with(backend: Backend, options: AppOptions) -> TestApp {
        let db = match options.write_queue_capacity {
            Some(capacity) => TestDb::with_write_queue(backend, capacity).await,
            None => TestDb::new(backend).await,
        };
        let store = db.store.clone();
        Self::serve(db, store, options, None).await
    }

    /// A second instance on the same database (and the same key and clock), as behind a
    /// load balancer.
    pub async fn second_instance(&self) -> (SocketAddr, String) {
        let store = self.db.reopen().await;
        let portal = self.portal.with_store(store);
        let (addr, url) = serve_router(portal, Vec::new()).await;
        (addr, url)
    }

    async fn serve(db: TestDb, store: Arc<dyn Store>, options: AppOptions, key: Option<SecretKey>) -> TestApp {
        let clock = ManualClock::new(options.start);
        let mail_outbox = db.dir.path().join("mail-outbox.jsonl");
        let sms_outbox = db.dir.path().join("sms-outbox.jsonl");
        let (file_location, access) = match options.files {
            FileBackend::Directory => (FileLocation::Directory(db.dir.path().join("attachments")), S3Access::default()),
            FileBackend::S3 => (s3_test_location().await, s3_test_access()),
        };
        let files = file_location.open(&access).expect("open the file store");
        let rng = Arc::new(OsRandom);
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a test port");
        let addr = listener.local_addr().expect("local address");
        let base_url =
            if options.localhost { format!("http://localhost:{}", addr.port()) } else { format!("http://{addr}") };
        let settings =
            PortalSettings { public_url: options.public_url.unwrap_or_else(|| base_url.clone()), ..options.settings };
        let portal = Portal::new(PortalParts {
            store,
            clock: Arc::new(clock.clone()),
            rng: rng.clone(),
            hasher: PasswordHasher::new(2, rng.clone()).expect("password hasher"),
            mailer: Arc::new(OutboxMailer::new(mail_outbox.clone(), Arc::new(clock.clone()))),
            sms: Arc::new(OutboxSms::new(sms_outbox.clone(), Arc::new(clock.clone()))),
            files: files.clone(),
            secret_key: key.unwrap_or_else(|| SecretKey::generate(rng.as_ref())),
            settings,
        });
        spawn_server(listener, portal.clone(), options.trusted_proxies);
        TestApp { addr, file_location, files, base_url, clock, portal, mail_outbox, sms_outbox, db }
    }

    /// Waits for the writes the portal queued rather than waited for (session touches), as the
    /// seconds between a person's clicks would: call it before moving the test clock on.
    pub async fn settle(&self) {
        self.portal.store().flush_touches().await.expect("queued writes are written");
    }

    /// Where this app's file store keeps attachments, when that is a directory.
    pub fn attachments_dir(&self) -> PathBuf {
        match &self.file_location {
            FileLocation::Directory(dir) => dir.clone(),
            FileLocation::S3 { .. } => panic!("this app keeps attachments in object storage"),
        }
    }

    /// Every file the app's store holds, as keys (`<claim>/<name>`), sorted. In a directory
    /// this includes what an interrupted write left, which the port does not list.
    pub async fn stored_files(&self) -> Vec<String> {
        let mut out = match &self.file_location {
            FileLocation::Directory(root) => {
                let mut out = Vec::new();
                if let Ok(dirs) = std::fs::read_dir(root) {
                    for dir in dirs {
                        let dir = dir.unwrap().path();
                        for f in std::fs::read_dir(&dir).unwrap() {
                            out.push(f.unwrap().path().strip_prefix(root).unwrap().display().to_string());
                        }
                    }
                }
                out
            }
            FileLocation::S3 { .. } => {
                let every_file = datetime!(9999-12-31 00:00 UTC);
                self.files.keys_written_before(every_file).await.expect("list the object store")
            }
        };
        out.sort();
        out
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// A browser-like client: keeps cookies, does not follow redirects (tests look at them).
    pub fn client(&self) -> reqwest::Client {
        browser_client()
    }

    pub async fn create_user(&self, email: &str, role: Role) -> User {
        self.create_user_at(email, role, None).await
    }

    pub async fn create_user_at(&self, email: &str, role: Role, created_at: Option<OffsetDateTime>) -> User {
        let email = Email::parse(email).expect("test email");
        let name = DisplayName::parse(email.as_str().split('@').next().unwrap_or("user")).expect("test name");
        let password =
            NewPassword::check(TEST_PASSWORD, &self.portal.password_context(&email, &name)).expect("test password");
        self.portal
            .create_account(
                NewAccount { email, name, role, password, created_at, demo: false },
                "test",
                &RequestContext::cli(),
            )
            .await
            .expect("create test user")
    }

    /// Every message in the mail outbox, oldest first.
    pub fn mails(&self) -> Vec<serde_json::Value> {
        read_json_lines(&self.mail_outbox)
    }

    /// Waits (briefly, in real time) until the outbox holds at least `n` messages; mail is sent
    /// after the response, so a test reading right after the request may be early.
    pub async fn wait_for_mails(&self, n: usize) -> Vec<serde_json::Value> {
        for _ in 0..200 {
            let mails = self.mails();
            if mails.len() >= n {
                return mails;
            }
            tokio::time::sleep(std::time::Duration::from_millis(10)).await;
        }
        self.mails()
    }
}

impl TestApp {
    /// Every text in the SMS outbox, oldest first.
    pub fn texts(&self) -> Vec<serde_json::Value> {
        read_json_lines(&self.sms_outbox)
    }

    /// The 6-digit code in the newest text.
    pub fn last_sms_code(&self) -> String {
        let texts = self.texts();
        let body = texts.last().expect("a text was sent")["body"].as_str().expect("text body").to_owned();
        code_in(&body)
    }

    /// The code an authenticator app shows now (by the test clock), computed by `oathtool`.
    pub fn oathtool_code(&self, secret_base32: &str) -> String {
        oathtool_at(secret_base32, self.clock.now())
    }

    /// Signs in with the API and returns the JSON answer.
    pub async fn api_login(&self, client: &reqwest::Client, email: &str, password: &str) -> reqwest::Response {
        client
            .post(self.url("/api/v1/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login request")
    }

    /// POSTs JSON to an API path.
    pub async fn post_json(&self, client: &reqwest::Client, path: &str, body: serde_json::Value) -> reqwest::Response {
        client.post(self.url(path)).json(&body).send().await.expect("API request")
    }
}

/// The code in a text: the six digits after the `#` of its last line.
pub fn code_in(body: &str) -> String {
    // Every language's text ends with the `@host #code` line that browsers read the code from.
    let start = body.rfind('#').expect("a code in the text") + 1;
    body[start..start + 6].to_owned()
}

/// The code a call read out ("… code is: 0, 4, 2, 9, 1, 7. Again: …", or in Spanish "… es:
/// cero, cuatro, dos, …. Repito: …"): the digits of its first reading.
pub fn code_in_call(spoken: &str) -> String {
    const SPANISH: [&str; 10] = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"];
    let start = spoken.find(": ").expect("a code in the call") + 2;
    spoken[start..]
        .split('.')
        .next()
        .unwrap_or_default()
        .split(',')
        .map(str::trim)
        .map(|said| match SPANISH.iter().position(|w| *w == said) {
            Some(digit) => char::from(b'0' + u8::try_from(digit).expect("a digit")),
            None => said.chars().next().filter(char::is_ascii_digit).expect("a digit, said as a numeral or a word"),
        })
        .collect()
}

/// `oathtool --totp -b -N @<unix> SECRET`: the reference TOTP client.
pub fn oathtool_at(secret_base32: &str, at: OffsetDateTime) -> String {
    let out = std::process::Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{}", at.unix_timestamp()), secret_base32])
        .output()
        .expect("oathtool is installed (Debian package oathtool; .ci/run installs it)");
    assert!(out.status.success(), "oathtool failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("oathtool prints ASCII").trim().to_owned()
}

pub fn browser_client() -> reqwest::Client {
    browser().build().expect("HTTP client")
}

/// `browser_client` whose reader asks for `accept_language` (`Accept-Language`) on every request.
pub fn browser_client_reading(accept_language: &'static str) -> reqwest::Client {
    let headers = [(reqwest::header::ACCEPT_LANGUAGE, reqwest::header::HeaderValue::from_static(accept_language))];
    browser().default_headers(headers.into_iter().collect()).build().expect("HTTP client")
}

fn browser() -> reqwest::ClientBuilder {
    reqwest::Client::builder().cookie_store(true).redirect(reqwest::redirect::Policy::none())
}

fn spawn_server(listener: tokio::net::TcpListener, portal: Portal, trusted_proxies: Vec<std::net::IpAddr>) {
    let web = WebSettings::from_public_url(&portal.settings().public_url, trusted_proxies);
    let router = portal_web::router(AppState::new(portal, web));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
}

async fn serve_router(portal: Portal, trusted_proxies: Vec<std::net::IpAddr>) -> (SocketAddr, String) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind a test port");
    let addr = listener.local_addr().expect("local address");
    spawn_server(listener, portal, trusted_proxies);
    (addr, format!("http://{addr}"))
}

pub fn read_json_lines(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_default()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("outbox lines are JSON"))
        .collect()
}

/// The value of a hidden `name="csrf"` input in an HTML page.
pub fn csrf_from(html: &str) -> String {
    hidden_input(html, "csrf").expect("the page has a CSRF token")
}

pub fn hidden_input(html: &str, name: &str) -> Option<String> {
    let marker = format!("name=\"{name}\" value=\"");
    let start = html.find(&marker)? + marker.len();
    let end = html[start..].find('"')?;
    Some(html[start..start + end].to_owned())
}

/// Replays the fuzz seed corpus of one cargo-fuzz target (`fuzz/corpus/<target>/`) through
/// `body`, the same function the target runs, so every seed and every past finding is checked
/// by `cargo test` on stable, without nightly or libFuzzer. Fails naming every file that panics.
pub fn replay_corpus(target: &str, body: fn(&[u8])) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus").join(target);
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 3, "{target}: the corpus needs a few seeds, found {}", files.len());
    let failed: Vec<String> = files
        .iter()
        .filter(|file| {
            let data = std::fs::read(file).unwrap();
            std::panic::catch_unwind(|| body(&data)).is_err()
        })
        .map(|file| file.display().to_string())
        .collect();
    assert!(failed.is_empty(), "{target} fails on {failed:#?}");
}

/// One `#[test]` per fuzz target, named as given, each replaying that target's corpus through
/// its body with [`replay_corpus`]: `corpus_tests! { email_corpus => "email", fuzzing::email; }`.
#[macro_export]
macro_rules! corpus_tests {
    ($($name:ident => $target:literal, $body:path;)+) => {
        $(
            #[test]
            fn $name() {
                $crate::replay_corpus($target, $body);
            }
        )+
    };
}
