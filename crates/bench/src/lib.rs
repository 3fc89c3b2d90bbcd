//! The load benchmark. The real portal (`portal_web::router` over a `Portal` wired like
//! the binary wires it, with `SystemClock`) is served in-process on 127.0.0.1, seeded straight
//! into its database, and driven over real HTTP/1.1 keep-alive connections.
//!
//! Two tokio runtimes keep the halves apart: the server runs on threads named `portal-server`
//! (plus the SQLite writer's, sqlx's SQLite worker threads and the `portal-argon2` threads), the load generator on
//! threads named `bench-client`. Server CPU is the process's CPU (`/proc/self/stat`) minus the
//! CPU of the `bench-client` threads (`/proc/self/task/*/stat`), measured around each scenario.
//! Peak RSS (`VmHWM`) is reset before each scenario by writing 5 to `/proc/self/clear_refs`; it is
//! the whole process, so it includes the load generator's (small) share.
//!
//! `--scaling` runs the server alone in a child process instead: the bench re-executes itself
//! with `--serve-only` ([`serve_only`]) once the database is seeded, and reads that process's
//! CPU time and `VmHWM` from `/proc/<pid>/`, so the server's peak RSS holds neither the load
//! generator nor what seeding left in this process's heap.

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::str::FromStr as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use hyper::header::{CONTENT_TYPE, COOKIE, HOST, SET_COOKIE};
use portal_core::clock::{SharedClock, SystemClock};
use portal_core::email::Email;
use portal_core::mfa::totp::{TotpSecret, step_at};
use portal_core::password::{NewPassword, Password, PasswordHasher, hash_blocking, verify_blocking};
use portal_core::password_policy::PasswordContext;
use portal_core::random::{OsRandom, SharedRandom};
use portal_core::secret::SecretKey;
use portal_core::session::{AuthLevel, Session};
use portal_core::user::{DisplayName, UserId};
use portal_core::{Portal, PortalParts, PortalSettings, RequestContext};
use portal_store::ConnectOptions;
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Every scenario of the main run, in the order they run.
pub const SCENARIOS: [&str; 6] =
    ["ceiling", "mfa-verify", "signed-in-page", "throttled-attacker", "full-login", "mixed"];

/// The password every seeded user has.
pub const BENCH_PASSWORD: &str = "bench: correct horse battery staple";

/// The user agent of the seeded sessions. The load sends none, so a session rotated by a
/// verification no longer carries it.
const SEEDED_AGENT: &str = "portal-bench";

#[derive(Debug, Clone)]
pub struct Options {
    /// `None`: SQLite in a temporary directory. `Some(url)`: PostgreSQL, in a schema of its own
    /// (`bench_<pid>_<n>`) that is dropped afterwards.
    pub postgres: Option<String>,
    pub users: u64,
    pub connections: usize,
    pub seconds: f64,
    /// The portal's database pool size (`PORTAL_DATABASE_MAX_CONNECTIONS`, default 16).
    pub pool: u32,
    /// Print progress to stderr.
    pub verbose: bool,
    /// The bench binary `--scaling` starts with `--serve-only` for the server; `None`: this
    /// executable (tests, whose executable is the test harness, name the bench binary).
    pub server_exe: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            postgres: None,
            users: 100_000,
            connections: 32,
            seconds: 10.0,
            pool: 16,
            verbose: true,
            server_exe: None,
        }
    }
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScenarioResult {
    /// Requests per second (full-login: completed logins per second, two requests each;
    /// mixed: HTTP requests per second, a login counting as its two requests).
    pub rps: f64,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub errors: u64,
    pub requests: u64,
    /// Server CPU seconds (user + system) per 1 000 requests.
    pub server_cpu_s_per_1000: f64,
    /// Load-generator CPU seconds per 1 000 requests (for reference).
    pub client_cpu_s_per_1000: f64,
    /// `VmHWM` of this process (with the server in-process, the server and the load generator).
    pub peak_rss_kib: u64,
    /// `VmHWM` of the server alone, when it runs in a child process (`--scaling`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub server_peak_rss_kib: Option<u64>,
    /// The pre-seeded work ran out before the time was up (the rate covers the time it ran).
    pub exhausted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ratio: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub argon2id_raw_per_s: Option<f64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub first_error: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub backend: String,
    pub users: u64,
    pub connections: usize,
    pub seconds: f64,
    pub seed_seconds: f64,
    pub cores: usize,
    pub rss_reset_per_scenario: bool,
    pub scenarios: BTreeMap<String, ScenarioResult>,
}

impl Report {
    /// `{"scenario": {"rps", "p50_ms", "p99_ms", "errors", "peak_rss_kib", …}}`.
    pub fn results_json(&self) -> serde_json::Value {
        serde_json::to_value(&self.scenarios).unwrap_or_default()
    }

    pub fn table(&self) -> String {
        let mut out = format!(
            "backend {} · {} users · {} connections · {} s per scenario · {} cores · seeded in {:.1} s\n",
            self.backend, self.users, self.connections, self.seconds, self.cores, self.seed_seconds
        );
        out.push_str(&format!(
            "{:<19} {:>9} {:>8} {:>8} {:>8} {:>7} {:>11} {:>9}  {}\n",
            "scenario", "req/s", "p50 ms", "p95 ms", "p99 ms", "errors", "srv CPU s/k", "RSS MiB", "notes"
        ));
        for name in SCENARIOS {
            let Some(r) = self.scenarios.get(name) else { continue };
            let mut notes = Vec::new();
            if let (Some(ratio), Some(target)) = (r.ratio, &r.target) {
                notes.push(format!("{:.0}% ({target})", ratio * 100.0));
            }
            if let Some(raw) = r.argon2id_raw_per_s {
                notes.push(format!("argon2id raw {raw:.1}/s; rate = logins/s"));
            }
            if name == "mixed" {
                notes.push("80% pages, 15% verify, 5% logins; rate = requests/s".to_owned());
            }
            if r.exhausted {
                notes.push("seeded work ran out".to_owned());
            }
            out.push_str(&format!(
                "{:<19} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>11.3} {:>9.1}  {}\n",
                name,
                r.rps,
                r.p50_ms,
                r.p95_ms,
                r.p99_ms,
                r.errors,
                r.server_cpu_s_per_1000,
                r.peak_rss_kib as f64 / 1024.0,
                notes.join("; ")
            ));
        }
        out
    }
}

/// One row of `--scaling`: mfa-verify with `users` users in the database.
#[derive(Debug, Clone, Serialize)]
pub struct ScalingRow {
    pub users: u64,
    pub seed_seconds: f64,
    pub database_kib: Option<u64>,
    /// `VmHWM` of the server process during the verifications (reset when they start).
    pub server_peak_rss_kib: u64,
    /// `verify.peak_rss_kib` is the bench process: the load generator, the seeded tokens and
    /// what seeding left in its heap; `verify.server_cpu_s_per_1000` is the server process's.
    pub verify: ScenarioResult,
}

fn log(opts: &Options, msg: impl AsRef<str>) {
    if opts.verbose {
        eprintln!("[bench] {}", msg.as_ref());
    }
}

// ───────────────────────────── runtimes and the whole run ─────────────────────────────

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, std::num::NonZero::get)
}

fn server_runtime() -> std::io::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name("portal-server")
        .enable_all()
        .build()
}

fn runtimes() -> anyhow::Result<(tokio::runtime::Runtime, tokio::runtime::Runtime)> {
    let server = server_runtime()?;
    let client = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores())
        .thread_name("bench-client")
        .enable_all()
        .build()?;
    Ok((server, client))
}

/// The main run: seed, then every scenario in [`SCENARIOS`]. Blocking (it owns its runtimes);
/// from async code call it in `spawn_blocking`.
pub fn run(opts: &Options) -> anyhow::Result<Report> {
    let (server_rt, client_rt) = runtimes()?;
    let started = Instant::now();
    let bench = server_rt.block_on(Bench::start(opts, opts.users, true, &ServerMode::InProcess))?;
    let seed_seconds = started.elapsed().as_secs_f64();
    log(opts, format!("seeded {} users in {seed_seconds:.1} s", opts.users));
    let bench = Arc::new(bench);
    let rss_reset = reset_peak_rss(Path::new("/proc/self"));
    let mut scenarios = BTreeMap::new();
    for name in SCENARIOS {
        let kind = Kind::from_name(name)?;
        let argon2_raw = if kind == Kind::Login {
            log(opts, "argon2id raw rate");
            Some(argon2_raw_rate(&bench.password_hash, Duration::from_secs_f64(opts.seconds.min(5.0)))?)
        } else {
            None
        };
        server_rt.block_on(bench.refresh_sessions(opts))?;
        let mut result = measure(opts, &client_rt, &bench, kind)?;
        if let Some(raw) = argon2_raw {
            result.argon2id_raw_per_s = Some(raw);
            result.ratio = Some(result.rps / raw.max(f64::MIN_POSITIVE));
            result.target = Some("target ≥ 85% of raw argon2id".to_owned());
        }
        if let Some(ceiling) = scenarios.get("ceiling").map(|c: &ScenarioResult| c.rps) {
            let target = match kind {
                Kind::Verify => Some(format!("target ≥ 30% of ceiling, p99 < 10 ms: p99 {:.1} ms", result.p99_ms)),
                Kind::Page => Some("target ≥ 40% of ceiling".to_owned()),
                _ => None,
            };
            if target.is_some() {
                result.ratio = Some(result.rps / ceiling.max(f64::MIN_POSITIVE));
                result.target = target;
            }
        }
        scenarios.insert(name.to_owned(), result);
    }
    let backend = bench.backend.clone();
    server_rt.block_on(bench.cleanup());
    client_rt.shutdown_background();
    server_rt.shutdown_background();
    Ok(Report {
        backend,
        users: opts.users,
        connections: opts.connections,
        seconds: opts.seconds,
        seed_seconds,
        cores: cores(),
        rss_reset_per_scenario: rss_reset,
        scenarios,
    })
}

/// `--scaling`: a fresh database per size, mfa-verify for `opts.seconds` at each, the server in
/// a child process of its own.
pub fn run_scaling(opts: &Options, sizes: &[u64]) -> anyhow::Result<Vec<ScalingRow>> {
    let exe = match &opts.server_exe {
        Some(exe) => exe.clone(),
        None => std::env::current_exe().context("finding the bench executable to start the server")?,
    };
    let mut rows = Vec::new();
    for &users in sizes {
        let (server_rt, client_rt) = runtimes()?;
        let started = Instant::now();
        log(opts, format!("scaling: seeding {users} users"));
        let bench = Arc::new(server_rt.block_on(Bench::start(opts, users, false, &ServerMode::Child(exe.clone())))?);
        let seed_seconds = started.elapsed().as_secs_f64();
        let database_kib = bench.sqlite_file.as_deref().map(|p| {
            let wal = p.with_extension("db-wal");
            let size = |p: &Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
            (size(p) + size(&wal)) / 1024
        });
        server_rt.block_on(bench.refresh_sessions(opts))?;
        let verify = measure(opts, &client_rt, &bench, Kind::Verify)?;
        server_rt.block_on(bench.cleanup());
        drop(bench);
        client_rt.shutdown_background();
        server_rt.shutdown_background();
        let server_peak_rss_kib = verify.server_peak_rss_kib.unwrap_or(0);
        rows.push(ScalingRow { users, seed_seconds, database_kib, server_peak_rss_kib, verify });
    }
    Ok(rows)
}

pub fn scaling_table(rows: &[ScalingRow]) -> String {
    let mut out = format!(
        "{:>9} {:>9} {:>9} {:>8} {:>8} {:>8} {:>7} {:>11} {:>11} {:>13} {:>10}\n",
        "users",
        "seed s",
        "req/s",
        "p50 ms",
        "p95 ms",
        "p99 ms",
        "errors",
        "srv CPU s/k",
        "srv RSS MiB",
        "bench RSS MiB",
        "db MiB"
    );
    for r in rows {
        out.push_str(&format!(
            "{:>9} {:>9.1} {:>9.0} {:>8.2} {:>8.2} {:>8.2} {:>7} {:>11.3} {:>11.1} {:>13.1} {:>10}{}\n",
            r.users,
            r.seed_seconds,
            r.verify.rps,
            r.verify.p50_ms,
            r.verify.p95_ms,
            r.verify.p99_ms,
            r.verify.errors,
            r.verify.server_cpu_s_per_1000,
            r.server_peak_rss_kib as f64 / 1024.0,
            r.verify.peak_rss_kib as f64 / 1024.0,
            r.database_kib.map_or_else(|| "-".to_owned(), |k| format!("{:.1}", k as f64 / 1024.0)),
            if r.verify.exhausted { "  (seeded work ran out)" } else { "" },
        ));
    }
    out
}

/// Where results go: `$CARGO_TARGET_DIR/bench` or the workspace's `target/bench`.
/// As `serve` reads it: `PORTAL_DATABASE_SYNC=normal` trades an OS crash's last batch for speed.
fn full_sync_from_env() -> bool {
    std::env::var("PORTAL_DATABASE_SYNC").map_or(true, |v| v.trim() != "normal")
}

pub fn default_out_dir() -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target"));
    target.join("bench")
}

// ───────────────────────────── the portal under test and its data ─────────────────────────────

/// Who is seeded where. Users `0..verify_sessions` have a password-verified session each:
/// mfa-verify uses those in `verify_range`, mixed those in `mixed_verify_range`, so no user
/// verifies twice in one run (a step is accepted once per user). The first `page` users also
/// have a full session (signed-in page and mixed's pages, round robin). The next `login` users
/// have no session: full-login and mixed sign them in, each from a range of its own. The last
/// `locked` users are locked and have a password-verified session each (throttled attacker).
#[derive(Debug, Clone, Copy)]
struct Layout {
    verify: u64,
    verify_sessions: u64,
    mixed_verify_start: u64,
    page: u64,
    login: u64,
    mixed_login_start: u64,
    locked: u64,
}

impl Layout {
    /// `mixed`: set aside a quarter of the verification sessions and half of the login users
    /// for the mixed scenario (at 100 000 users that is several times what 10 s of it uses).
    fn new(users: u64, mixed: bool) -> anyhow::Result<Self> {
        if users < 10 {
            bail!("--users must be at least 10");
        }
        let locked = (users / 100).clamp(1, 1_000);
        let login = (users / 10).clamp(1, 20_000);
        let verify = users - locked - login;
        let verify_sessions = verify.min(200_000);
        let (mixed_verify, mixed_login) = if mixed { (verify_sessions / 4, login / 2) } else { (0, 0) };
        Ok(Self {
            verify,
            verify_sessions,
            mixed_verify_start: verify_sessions - mixed_verify,
            page: verify.min(1_000),
            login,
            mixed_login_start: verify + login - mixed_login,
            locked,
        })
    }
    fn verify_range(&self) -> Range<u64> {
        0..self.mixed_verify_start
    }
    fn mixed_verify_range(&self) -> Range<u64> {
        self.mixed_verify_start..self.verify_sessions
    }
    fn login_range(&self) -> Range<u64> {
        self.verify..self.mixed_login_start
    }
    fn mixed_login_range(&self) -> Range<u64> {
        self.mixed_login_start..self.verify + self.login
    }
    fn locked_start(&self) -> u64 {
        self.verify + self.login
    }
}

fn user_id(i: u64) -> UserId {
    // Deterministic but spread like random ids, so nothing about the order helps the indexes.
    UserId::from_stored(hex::encode(&Sha256::digest(format!("bench-user-{i}"))[..16]))
}

fn factor_id(i: u64) -> String {
    hex::encode(&Sha256::digest(format!("bench-factor-{i}"))[..16])
}

fn email(i: u64) -> String {
    format!("user{i}@bench.example")
}

/// User `i`'s authenticator secret: 20 known bytes.
fn totp_secret(i: u64) -> TotpSecret {
    TotpSecret::from_bytes(format!("benchsecret{i:09}").into_bytes())
}

enum RawDb {
    Sqlite(sqlx::SqlitePool),
    Postgres(sqlx::PgPool),
}

impl RawDb {
    async fn exec_tx(&self, sql: &str) -> anyhow::Result<()> {
        match self {
            RawDb::Sqlite(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                tx.commit().await?;
            }
            RawDb::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::raw_sql(sql).execute(&mut *tx).await?;
                tx.commit().await?;
            }
        }
        Ok(())
    }

    fn blob(&self, bytes: &[u8]) -> String {
        match self {
            RawDb::Sqlite(_) => format!("X'{}'", hex::encode(bytes)),
            RawDb::Postgres(_) => format!("'\\x{}'::bytea", hex::encode(bytes)),
        }
    }

    async fn close(&self) {
        match self {
            RawDb::Sqlite(pool) => pool.close().await,
            RawDb::Postgres(pool) => pool.close().await,
        }
    }
}

struct Bench {
    addr: SocketAddr,
    backend: String,
    layout: Layout,
    password_hash: portal_core::password::PasswordHashString,
    clock: SharedClock,
    /// Tokens (cookie values) of the seeded sessions.
    verify_tokens: Vec<String>,
    page_tokens: Vec<String>,
    locked_tokens: Vec<String>,
    raw: RawDb,
    postgres: Option<(String, String)>,
    sqlite_file: Option<PathBuf>,
    /// The server process when it is not this one; stopped by `cleanup`.
    child: std::sync::Mutex<Option<ChildServer>>,
    server_pid: Option<u32>,
    _dir: tempfile::TempDir,
}

/// Where the portal under test runs.
enum ServerMode {
    /// On this process's `portal-server` runtime.
    InProcess,
    /// In a child process: this bench binary with `--serve-only`.
    Child(PathBuf),
}

/// What a `--serve-only` process needs to serve the seeded database, sent on its standard
/// input (the key is a secret: not in its arguments or environment).
#[derive(Serialize, Deserialize)]
struct ServeSpec {
    database_url: String,
    postgres_schema: Option<String>,
    pool: u32,
    /// Outboxes and attachments go here.
    dir: PathBuf,
    /// The portal key, hex: the seeded authenticator secrets are encrypted with it.
    secret_key: String,
}

/// The portal as `inventory-portal serve` wires it: `SystemClock`, `OsRandom`, one argon2id run
/// per core at a time, outbox mail and SMS.
fn portal_under_test(
    store: Arc<dyn portal_core::store::Store>,
    dir: &Path,
    key: SecretKey,
    public_url: &str,
) -> anyhow::Result<Portal> {
    let rng: SharedRandom = Arc::new(OsRandom);
    let clock: SharedClock = Arc::new(SystemClock);
    Ok(Portal::new(PortalParts {
        store,
        clock: clock.clone(),
        rng: rng.clone(),
        hasher: PasswordHasher::new(cores(), rng)?,
        mailer: Arc::new(portal_mail::OutboxMailer::new(dir.join("mail-outbox.jsonl"), clock.clone())),
        sms: Arc::new(portal_sms::OutboxSms::new(dir.join("sms-outbox.jsonl"), clock)),
        files: Arc::new(portal_store::DirFileStore::new(dir.join("attachments"))),
        secret_key: key,
        settings: PortalSettings { public_url: public_url.to_owned(), ..PortalSettings::default() },
    }))
}

/// Serves `portal` on `listener` until the runtime stops.
fn serve(listener: tokio::net::TcpListener, portal: Portal, public_url: &str) {
    // The bench stands where a deployment's load balancer stands: it is the one trusted proxy
    // and names each connection's client in X-Forwarded-For (see `client_address`).
    let web = portal_web::WebSettings::from_public_url(public_url, vec![IpAddr::V4(Ipv4Addr::LOCALHOST)]);
    let router = portal_web::router(portal_web::AppState::new(portal, web));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>()).await;
    });
}

/// `portal-bench --serve-only`: reads a [`ServeSpec`] line from standard input, opens the
/// database it names, serves it on 127.0.0.1, prints the address it listens on as one line,
/// and serves until its standard input closes (the bench is done, or gone).
pub fn serve_only() -> anyhow::Result<()> {
    use std::io::{BufRead as _, Read as _, Write as _};
    let mut stdin = std::io::stdin().lock();
    let mut line = String::new();
    stdin.read_line(&mut line).context("reading the serve spec")?;
    let spec: ServeSpec = serde_json::from_str(&line).context("parsing the serve spec")?;
    let key_bytes: [u8; 32] = hex::decode(&spec.secret_key)
        .ok()
        .and_then(|b| b.try_into().ok())
        .context("the serve spec's key is not 32 bytes of hex")?;
    let runtime = server_runtime()?;
    let addr = runtime.block_on(async {
        let connect = ConnectOptions {
            max_connections: spec.pool,
            postgres_schema: spec.postgres_schema.clone(),
            sqlite_full_sync: full_sync_from_env(),
            ..ConnectOptions::default()
        };
        let store = portal_store::connect(&spec.database_url, &connect).await?;
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let public_url = format!("http://{addr}");
        let portal = portal_under_test(store, &spec.dir, SecretKey::from_bytes(key_bytes), &public_url)?;
        serve(listener, portal, &public_url);
        anyhow::Ok(addr)
    })?;
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "{addr}")?;
    stdout.flush()?;
    std::io::copy(&mut stdin.by_ref(), &mut std::io::sink())?;
    runtime.shutdown_background();
    Ok(())
}

/// A `--serve-only` child process; killed if dropped before [`ChildServer::stop`].
struct ChildServer {
    child: std::process::Child,
    stdin: Option<std::process::ChildStdin>,
}

impl ChildServer {
    fn spawn(exe: &Path, spec: &ServeSpec) -> anyhow::Result<(ChildServer, SocketAddr)> {
        use std::io::{BufRead as _, Write as _};
        use std::process::Stdio;
        let mut child = std::process::Command::new(exe)
            .arg("--serve-only")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} --serve-only", exe.display()))?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        // Owned from here on, so that an error below kills the process.
        let mut server = ChildServer { child, stdin };
        let (Some(stdin), Some(stdout)) = (server.stdin.as_mut(), stdout) else {
            bail!("the server process has no pipes");
        };
        writeln!(stdin, "{}", serde_json::to_string(spec)?)?;
        stdin.flush()?;
        let mut line = String::new();
        std::io::BufReader::new(stdout).read_line(&mut line)?;
        let addr =
            line.trim().parse().with_context(|| format!("the server process printed {line:?}, not its address"))?;
        Ok((server, addr))
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Closes its standard input, which ends it, and waits for it.
    fn stop(mut self) {
        drop(self.stdin.take());
        if let Err(e) = self.child.wait() {
            eprintln!("[bench] waiting for the server process: {e}");
        }
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        if matches!(self.child.try_wait(), Ok(None)) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

static SCHEMA_COUNTER: AtomicUsize = AtomicUsize::new(0);

impl Bench {
    /// `mixed`: set users aside for the mixed scenario (not needed by `--scaling`).
    async fn start(opts: &Options, users: u64, mixed: bool, mode: &ServerMode) -> anyhow::Result<Bench> {
        let layout = Layout::new(users, mixed)?;
        let dir = tempfile::tempdir()?;
        let connect = ConnectOptions {
            max_connections: opts.pool,
            postgres_schema: None,
            sqlite_full_sync: full_sync_from_env(),
            ..ConnectOptions::default()
        };
        let (store, raw, database_url, postgres, sqlite_file) = match &opts.postgres {
            None => {
                let file = dir.path().join("portal.db");
                let url = format!("sqlite://{}", file.display());
                let store = portal_store::connect(&url, &connect).await?;
                let raw_options = sqlx::sqlite::SqliteConnectOptions::from_str(&url)?
                    .busy_timeout(Duration::from_secs(30))
                    .synchronous(sqlx::sqlite::SqliteSynchronous::Off);
                let raw = sqlx::sqlite::SqlitePoolOptions::new().max_connections(1).connect_with(raw_options).await?;
                (store, RawDb::Sqlite(raw), url, None, Some(file))
            }
            Some(url) => {
                let schema = format!("bench_{}_{}", std::process::id(), SCHEMA_COUNTER.fetch_add(1, Ordering::Relaxed));
                let options = ConnectOptions { postgres_schema: Some(schema.clone()), ..connect };
                let store =
                    portal_store::connect(url, &options).await.with_context(|| format!("PostgreSQL at {url}"))?;
                let raw_options =
                    sqlx::postgres::PgConnectOptions::from_str(url)?.options([("search_path", schema.as_str())]);
                let raw = sqlx::postgres::PgPoolOptions::new().max_connections(1).connect_with(raw_options).await?;
                (store, RawDb::Postgres(raw), url.clone(), Some((url.clone(), schema)), None)
            }
        };
        let backend = store.backend().to_owned();

        let rng: SharedRandom = Arc::new(OsRandom);
        let clock: SharedClock = Arc::new(SystemClock);
        let key = SecretKey::generate(rng.as_ref());
        // One argon2id hash, reused for every user: seeding must not take hours.
        let (address, name) = (Email::parse(&email(0))?, DisplayName::parse("Bench User")?);
        let context = PasswordContext { email: &address, name: name.as_str(), portal_name: "Inventory Portal" };
        let password = NewPassword::check(BENCH_PASSWORD, &context)?;
        let password_hash = tokio::task::spawn_blocking(move || hash_blocking(&password, &OsRandom)).await??;

        let mut bench = Bench {
            addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            backend,
            layout,
            password_hash,
            clock,
            verify_tokens: Vec::new(),
            page_tokens: Vec::new(),
            locked_tokens: Vec::new(),
            raw,
            postgres,
            sqlite_file,
            child: std::sync::Mutex::new(None),
            server_pid: None,
            _dir: dir,
        };
        match mode {
            ServerMode::InProcess => {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
                bench.addr = listener.local_addr()?;
                let public_url = format!("http://{}", bench.addr);
                let portal = portal_under_test(store, bench._dir.path(), key.clone(), &public_url)?;
                bench.seed(opts, users, &key, rng.as_ref()).await?;
                serve(listener, portal, &public_url);
            }
            ServerMode::Child(exe) => {
                // The child opens the seeded database as `serve` opens an existing one.
                drop(store);
                bench.seed(opts, users, &key, rng.as_ref()).await?;
                let spec = ServeSpec {
                    database_url,
                    postgres_schema: bench.postgres.as_ref().map(|(_, schema)| schema.clone()),
                    pool: opts.pool,
                    dir: bench._dir.path().to_owned(),
                    secret_key: hex::encode(key.to_bytes()),
                };
                let (child, addr) = ChildServer::spawn(exe, &spec)?;
                bench.addr = addr;
                bench.server_pid = Some(child.pid());
                bench.child = std::sync::Mutex::new(Some(child));
            }
        }
        Ok(bench)
    }

    /// Raw SQL, many rows per statement and many statements per transaction: the `Store` port
    /// has no bulk insert, and one transaction per user would take minutes at 1 000 000.
    async fn seed(
        &mut self,
        opts: &Options,
        users: u64,
        key: &SecretKey,
        rng: &dyn portal_core::random::SecureRandom,
    ) -> anyhow::Result<()> {
        const ROWS: u64 = 1_000;
        const STATEMENTS_PER_TX: u64 = 10;
        let now = self.clock.now();
        let created = (now - time::Duration::days(400)).unix_timestamp();
        let hash = self.password_hash.0.clone();
        let mut start = 0;
        while start < users {
            let mut sql = String::new();
            for _ in 0..STATEMENTS_PER_TX {
                if start >= users {
                    break;
                }
                let end = (start + ROWS).min(users);
                let mut u = String::from(
                    "INSERT INTO users (id, email, name, role, password_hash, created_at, mfa_preferred) VALUES ",
                );
                let mut f = String::from(
                    "INSERT INTO mfa_factors (id, user_id, method, secret_enc, created_at, confirmed_at) VALUES ",
                );
                for i in start..end {
                    let sep = if i == start { "" } else { "," };
                    let uid = user_id(i);
                    let fid = factor_id(i);
                    let sealed = key.encrypt(totp_secret(i).bytes(), fid.as_bytes(), rng);
                    u.push_str(&format!(
                        "{sep}('{}','{}','Bench User {i}','policyholder','{hash}',{created},'totp')",
                        uid.as_str(),
                        email(i)
                    ));
                    f.push_str(&format!(
                        "{sep}('{fid}','{}','totp',{},{created},{created})",
                        uid.as_str(),
                        self.raw.blob(&sealed)
                    ));
                }
                sql.push_str(&u);
                sql.push_str(";\n");
                sql.push_str(&f);
                sql.push_str(";\n");
                start = end;
            }
            self.raw.exec_tx(&sql).await.context("seeding users")?;
            if start % 100_000 == 0 {
                log(opts, format!("  {start} users"));
            }
        }

        let layout = self.layout;
        let now_s = now.unix_timestamp();
        let ctx = RequestContext::new(Some("127.0.0.1".to_owned()), Some(SEEDED_AGENT));
        let sessions = |users: &mut dyn Iterator<Item = u64>, level: AuthLevel| -> (Vec<String>, Vec<String>) {
            let mut tokens = Vec::new();
            let mut rows = Vec::new();
            for i in users {
                let (token, s) = Session::start(user_id(i), level, now, &ctx, rng);
                let verified = if level == AuthLevel::Full { now_s.to_string() } else { "NULL".to_owned() };
                rows.push(format!(
                    "('{}','{}','{}','{}','{}',{now_s},{now_s},{verified},'127.0.0.1','{SEEDED_AGENT}')",
                    s.id.key(),
                    s.id.secret_hash(),
                    s.user_id.as_str(),
                    level.as_str(),
                    s.csrf_token
                ));
                tokens.push(token.expose().to_owned());
            }
            (tokens, rows)
        };
        let (verify_tokens, mut rows) = sessions(&mut (0..layout.verify_sessions), AuthLevel::PasswordVerified);
        let (page_tokens, page_rows) = sessions(&mut (0..layout.page), AuthLevel::Full);
        let locked = layout.locked_start()..layout.locked_start() + layout.locked;
        let (locked_tokens, locked_rows) = sessions(&mut locked.clone(), AuthLevel::PasswordVerified);
        rows.extend(page_rows);
        rows.extend(locked_rows);
        for chunk in rows.chunks((ROWS * STATEMENTS_PER_TX) as usize) {
            let mut sql = String::new();
            for part in chunk.chunks(ROWS as usize) {
                sql.push_str(
                    "INSERT INTO sessions (session_key, secret_hash, user_id, auth_level, csrf_token, created_at, \
                     last_seen_at, mfa_verified_at, ip, user_agent) VALUES ",
                );
                sql.push_str(&part.join(","));
                sql.push_str(";\n");
            }
            self.raw.exec_tx(&sql).await.context("seeding sessions")?;
        }
        let throttles: Vec<String> =
            locked.map(|i| format!("('{}',100,NULL,1)", user_id(i).as_str())).collect::<Vec<_>>();
        for part in throttles.chunks(ROWS as usize) {
            let sql = format!(
                "INSERT INTO mfa_throttles (user_id, failures, paused_until, locked) VALUES {}",
                part.join(",")
            );
            self.raw.exec_tx(&sql).await.context("seeding locks")?;
        }
        // Planner statistics, as a database that grew to this size would have (autovacuum).
        match &self.raw {
            RawDb::Sqlite(pool) => {
                sqlx::raw_sql("ANALYZE; PRAGMA wal_checkpoint(TRUNCATE);").execute(pool).await?;
            }
            RawDb::Postgres(pool) => {
                sqlx::raw_sql("ANALYZE").execute(pool).await?;
            }
        }
        self.verify_tokens = verify_tokens;
        self.page_tokens = page_tokens;
        self.locked_tokens = locked_tokens;
        Ok(())
    }

    /// Marks the seeded sessions that no verification has rotated yet as seen now, right
    /// before a scenario. The portal writes `last_seen_at` on a session's first
    /// request once it is a minute old (`SessionPolicy::touch_interval`), and a large seed or
    /// the earlier scenarios age the seeded sessions past that: each would cost one extra write
    /// on first use. In real life a verification comes seconds after its password step and a
    /// signed-in page less than a minute after the previous one, so neither pays that write.
    async fn refresh_sessions(&self, opts: &Options) -> anyhow::Result<()> {
        let started = Instant::now();
        let now = self.clock.now().unix_timestamp();
        self.raw
            .exec_tx(&format!("UPDATE sessions SET last_seen_at = {now} WHERE user_agent = '{SEEDED_AGENT}'"))
            .await
            .context("refreshing the seeded sessions")?;
        if let RawDb::Sqlite(pool) = &self.raw {
            // The update rewrote most of the sessions table into the WAL; readers should not
            // have to look through it during the scenario.
            sqlx::raw_sql("PRAGMA wal_checkpoint(TRUNCATE)").execute(pool).await?;
        }
        log(opts, format!("seeded sessions marked as seen now in {:.2} s", started.elapsed().as_secs_f64()));
        Ok(())
    }

    async fn cleanup(&self) {
        let child = self.child.lock().ok().and_then(|mut c| c.take());
        if let Some(child) = child {
            child.stop();
        }
        self.raw.close().await;
        if let Some((url, schema)) = &self.postgres
            && let Err(e) = portal_store::PostgresStore::drop_schema(url, schema).await
        {
            eprintln!("[bench] could not drop schema {schema}: {e}");
        }
    }
}

// ───────────────────────────── load generation ─────────────────────────────

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Ceiling,
    Verify,
    Login,
    Page,
    Attacker,
    Mixed,
}

impl Kind {
    fn from_name(name: &str) -> anyhow::Result<Kind> {
        Ok(match name {
            "ceiling" => Kind::Ceiling,
            "mfa-verify" => Kind::Verify,
            "full-login" => Kind::Login,
            "signed-in-page" => Kind::Page,
            "throttled-attacker" => Kind::Attacker,
            "mixed" => Kind::Mixed,
            other => bail!("unknown scenario {other}"),
        })
    }
}

/// What the mixed scenario sends next.
#[derive(Debug, Clone, Copy)]
enum Pick {
    Page,
    Verify,
    Login,
}

/// One cycle of the mixed scenario: 16 signed-in pages, 3 verifications and 1 full login
/// (80 / 15 / 5 %), spread out so that no kind comes in a run.
const MIX: [Pick; 20] = {
    use Pick::{Login as L, Page as P, Verify as V};
    [P, P, P, V, P, P, P, P, P, P, V, P, P, P, P, P, P, V, P, L]
};

/// Where connection `index` starts in [`MIX`]: 7 is prime to its length, so the first 20
/// connections start at 20 different places and their logins do not come together.
fn mix_offset(index: usize) -> u64 {
    (index as u64).wrapping_mul(7)
}

/// The client address connection `index` stands for, in 198.18.0.0/15 (the block set aside
/// for network benchmarks).
///
/// Every password attempt takes a slot under its client address (20 per 15 minutes, given back
/// when the password is right), so 32 connections signing in from 127.0.0.1 hold more slots at
/// once than one address may and most logins were refused with 429. In production the users
/// sign in from their own addresses through a load balancer the portal trusts; the bench plays
/// that balancer instead of loosening the portal's limit.
fn client_address(index: usize) -> IpAddr {
    let base = u32::from(Ipv4Addr::new(198, 18, 0, 1));
    IpAddr::V4(Ipv4Addr::from(base.wrapping_add(u32::try_from(index).unwrap_or(u32::MAX) % (1 << 17))))
}

/// One HTTP/1.1 keep-alive connection.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
    host: String,
    /// What the load balancer would put in X-Forwarded-For for this connection's client.
    forwarded_for: String,
}

struct Answer {
    status: u16,
    session: Option<String>,
}

impl Conn {
    async fn open(addr: SocketAddr, client: IpAddr) -> anyhow::Result<Conn> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await?;
        tokio::spawn(async move {
            let _ = connection.await;
        });
        Ok(Conn { sender, host: addr.to_string(), forwarded_for: client.to_string() })
    }

    async fn send(
        &mut self,
        method: hyper::Method,
        path: &str,
        session: Option<&str>,
        json: Option<String>,
    ) -> anyhow::Result<Answer> {
        self.sender.ready().await?;
        let mut request = hyper::Request::builder()
            .method(method)
            .uri(path)
            .header(HOST, &self.host)
            .header("x-forwarded-for", &self.forwarded_for);
        if let Some(token) = session {
            request = request.header(COOKIE, format!("portal_session={token}"));
        }
        let request = match json {
            Some(body) => request.header(CONTENT_TYPE, "application/json").body(Full::new(Bytes::from(body)))?,
            None => request.body(Full::new(Bytes::new()))?,
        };
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let session = response
            .headers()
            .get_all(SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .find_map(|v| v.strip_prefix("portal_session="))
            .and_then(|v| v.split(';').next())
            .filter(|v| !v.is_empty())
            .map(str::to_owned);
        // Read the whole body: the connection is reused.
        response.into_body().collect().await?;
        Ok(Answer { status, session })
    }
}

enum Fail {
    Exhausted,
    Wrong(String),
    Transport(String),
}

struct Work {
    bench: Arc<Bench>,
    kind: Kind,
    /// Round robin over the sessions that can be used again (signed-in pages, the attacker).
    cursor: AtomicUsize,
    /// The users whose password-verified session verifies next, and the users who sign in
    /// next: ranges of the layout that only this scenario uses, each user once.
    verify_users: Range<u64>,
    verified: AtomicU64,
    login_users: Range<u64>,
    logged_in: AtomicU64,
}

fn micros(d: Duration) -> u32 {
    u32::try_from(d.as_micros()).unwrap_or(u32::MAX)
}

/// Whether a full login records one latency for both of its requests (the full-login
/// scenario's rate is logins) or one per request (mixed counts requests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LoginSamples {
    Whole,
    PerRequest,
}

impl Work {
    fn new(bench: Arc<Bench>, kind: Kind) -> Work {
        let layout = bench.layout;
        let (verify_users, login_users) = match kind {
            Kind::Mixed => (layout.mixed_verify_range(), layout.mixed_login_range()),
            _ => (layout.verify_range(), layout.login_range()),
        };
        Work {
            bench,
            kind,
            cursor: AtomicUsize::new(0),
            verify_users,
            verified: AtomicU64::new(0),
            login_users,
            logged_in: AtomicU64::new(0),
        }
    }

    fn code_now(&self, user: u64) -> String {
        totp_secret(user).code_at_step(step_at(self.bench.clock.now()))
    }

    /// The next unused user of `range`, or `Exhausted`.
    fn take(range: &Range<u64>, taken: &AtomicU64) -> Result<u64, Fail> {
        let user = range.start.saturating_add(taken.fetch_add(1, Ordering::Relaxed));
        if user < range.end { Ok(user) } else { Err(Fail::Exhausted) }
    }

    async fn verify(&self, conn: &mut Conn, token: &str, code: &str, expect: u16) -> Result<Answer, Fail> {
        let body = format!(r#"{{"method":"totp","code":"{code}"}}"#);
        let answer = conn
            .send(hyper::Method::POST, "/api/v1/mfa/verify", Some(token), Some(body))
            .await
            .map_err(|e| Fail::Transport(e.to_string()))?;
        if answer.status == expect {
            Ok(answer)
        } else {
            Err(Fail::Wrong(format!("mfa verify answered {} (expected {expect})", answer.status)))
        }
    }

    /// One request or login; its latency goes to `samples` when it succeeds. `pick` counts
    /// this connection's calls (from its place in [`MIX`]).
    async fn one(&self, conn: &mut Conn, pick: u64, samples: &mut Vec<u32>) -> Result<(), Fail> {
        let started = Instant::now();
        let timed =
            |samples: &mut Vec<u32>, done: Result<(), Fail>| done.map(|()| samples.push(micros(started.elapsed())));
        match self.kind {
            Kind::Ceiling => {
                let a = conn
                    .send(hyper::Method::GET, "/healthz", None, None)
                    .await
                    .map_err(|e| Fail::Transport(e.to_string()))?;
                timed(samples, expect(a.status, 200, "GET /healthz"))
            }
            Kind::Verify => timed(samples, self.verify_next(conn).await),
            Kind::Page => timed(samples, self.page(conn).await),
            Kind::Attacker => {
                let b = &self.bench;
                let token =
                    &b.locked_tokens[self.cursor.fetch_add(1, Ordering::Relaxed) % b.locked_tokens.len().max(1)];
                timed(samples, self.verify(conn, token, "000000", 429).await.map(|_| ()))
            }
            Kind::Login => self.login(conn, samples, LoginSamples::Whole).await,
            Kind::Mixed => match MIX[(pick % MIX.len() as u64) as usize] {
                Pick::Page => timed(samples, self.page(conn).await),
                Pick::Verify => timed(samples, self.verify_next(conn).await),
                Pick::Login => self.login(conn, samples, LoginSamples::PerRequest).await,
            },
        }
    }

    async fn page(&self, conn: &mut Conn) -> Result<(), Fail> {
        let b = &self.bench;
        let token = &b.page_tokens[self.cursor.fetch_add(1, Ordering::Relaxed) % b.page_tokens.len().max(1)];
        let a =
            conn.send(hyper::Method::GET, "/", Some(token), None).await.map_err(|e| Fail::Transport(e.to_string()))?;
        expect(a.status, 200, "GET /")
    }

    /// A seeded password-verified session verifies with its user's current code; each user
    /// once, as once per 30-second step in real life.
    async fn verify_next(&self, conn: &mut Conn) -> Result<(), Fail> {
        let user = Self::take(&self.verify_users, &self.verified)?;
        let token = usize::try_from(user).ok().and_then(|i| self.bench.verify_tokens.get(i)).ok_or(Fail::Exhausted)?;
        let code = self.code_now(user);
        self.verify(conn, token, &code, 200).await.map(|_| ())
    }

    /// Password, then the authenticator code, for a user who has not signed in yet.
    async fn login(&self, conn: &mut Conn, samples: &mut Vec<u32>, each: LoginSamples) -> Result<(), Fail> {
        let user = Self::take(&self.login_users, &self.logged_in)?;
        let started = Instant::now();
        let body = serde_json::json!({ "email": email(user), "password": BENCH_PASSWORD }).to_string();
        let a = conn
            .send(hyper::Method::POST, "/api/v1/login", None, Some(body))
            .await
            .map_err(|e| Fail::Transport(e.to_string()))?;
        expect(a.status, 200, "POST /api/v1/login")?;
        let token = a.session.ok_or_else(|| Fail::Wrong("login set no session cookie".to_owned()))?;
        let second = Instant::now();
        if each == LoginSamples::PerRequest {
            samples.push(micros(second - started));
        }
        let code = self.code_now(user);
        self.verify(conn, &token, &code, 200).await?;
        let from = if each == LoginSamples::PerRequest { second } else { started };
        samples.push(micros(from.elapsed()));
        Ok(())
    }
}

fn expect(status: u16, want: u16, what: &str) -> Result<(), Fail> {
    if status == want { Ok(()) } else { Err(Fail::Wrong(format!("{what} answered {status} (expected {want})"))) }
}

#[derive(Default)]
struct WorkerTally {
    latencies_us: Vec<u32>,
    errors: u64,
    first_error: Option<String>,
    exhausted: bool,
    busy_until: Option<Instant>,
}

async fn worker(work: Arc<Work>, index: usize, start: Instant, deadline: Instant) -> WorkerTally {
    let mut tally = WorkerTally::default();
    let addr = work.bench.addr;
    let client = client_address(index);
    let mut conn = match Conn::open(addr, client).await {
        Ok(c) => c,
        Err(e) => {
            tally.errors += 1;
            tally.first_error = Some(format!("connect: {e}"));
            return tally;
        }
    };
    tokio::time::sleep_until(start.into()).await;
    let mut pick = mix_offset(index);
    while Instant::now() < deadline {
        let done = work.one(&mut conn, pick, &mut tally.latencies_us).await;
        pick = pick.wrapping_add(1);
        match done {
            Ok(()) => {}
            Err(Fail::Exhausted) => {
                tally.exhausted = true;
                break;
            }
            Err(Fail::Wrong(e)) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(e);
            }
            Err(Fail::Transport(e)) => {
                tally.errors += 1;
                tally.first_error.get_or_insert(e);
                match Conn::open(addr, client).await {
                    Ok(c) => conn = c,
                    Err(_) => break,
                }
            }
        }
    }
    tally.busy_until = Some(Instant::now());
    tally
}

fn measure(
    opts: &Options,
    client_rt: &tokio::runtime::Runtime,
    bench: &Arc<Bench>,
    kind: Kind,
) -> anyhow::Result<ScenarioResult> {
    log(opts, format!("scenario {kind:?}: {} connections for {} s", opts.connections, opts.seconds));
    let work = Arc::new(Work::new(bench.clone(), kind));
    let duration = Duration::from_secs_f64(opts.seconds);
    let server_proc = bench.server_pid.map(|pid| PathBuf::from(format!("/proc/{pid}")));
    reset_peak_rss(Path::new("/proc/self"));
    if let Some(server) = &server_proc {
        reset_peak_rss(server);
    }
    // Connections open during the half second before the clock starts.
    let start = Instant::now() + Duration::from_millis(500);
    let deadline = start + duration;
    let handles: Vec<_> =
        (0..opts.connections.max(1)).map(|i| client_rt.spawn(worker(work.clone(), i, start, deadline))).collect();
    let wait_start = async {
        tokio::time::sleep_until(start.into()).await;
    };
    client_rt.block_on(wait_start);
    let cpu_before = CpuSample::take(server_proc.as_deref());
    let tallies = client_rt.block_on(async {
        let mut all = Vec::new();
        for h in handles {
            all.push(h.await);
        }
        all
    });
    let cpu_after = CpuSample::take(server_proc.as_deref());
    let mut latencies = Vec::new();
    let mut result = ScenarioResult::default();
    let mut end = start;
    for t in tallies {
        let t = t.context("load worker panicked")?;
        latencies.extend(t.latencies_us);
        result.errors += t.errors;
        result.exhausted |= t.exhausted;
        if result.first_error.is_none() {
            result.first_error = t.first_error;
        }
        end = end.max(t.busy_until.unwrap_or(end));
    }
    let elapsed = end.saturating_duration_since(start).as_secs_f64().max(1e-6);
    latencies.sort_unstable();
    result.requests = latencies.len() as u64;
    result.rps = latencies.len() as f64 / elapsed;
    result.p50_ms = percentile(&latencies, 0.50);
    result.p95_ms = percentile(&latencies, 0.95);
    result.p99_ms = percentile(&latencies, 0.99);
    let done = (result.requests + result.errors).max(1) as f64;
    result.server_cpu_s_per_1000 = (cpu_after.server - cpu_before.server) / done * 1000.0;
    result.client_cpu_s_per_1000 = (cpu_after.client - cpu_before.client) / done * 1000.0;
    result.peak_rss_kib = peak_rss_kib(Path::new("/proc/self"));
    result.server_peak_rss_kib = server_proc.as_deref().map(peak_rss_kib);
    if let Some(e) = &result.first_error {
        log(opts, format!("  {} errors, first: {e}", result.errors));
    }
    Ok(result)
}

fn percentile(sorted_us: &[u32], p: f64) -> f64 {
    if sorted_us.is_empty() {
        return 0.0;
    }
    let index = ((sorted_us.len() as f64 * p).ceil() as usize).clamp(1, sorted_us.len()) - 1;
    f64::from(sorted_us[index]) / 1000.0
}

/// Raw argon2id verifications per second with one thread per core, at the portal's parameters.
pub fn argon2_raw_rate(hash: &portal_core::password::PasswordHashString, duration: Duration) -> anyhow::Result<f64> {
    let stop = Arc::new(AtomicBool::new(false));
    let started = Instant::now();
    let threads: Vec<_> = (0..cores())
        .map(|_| {
            let hash = hash.clone();
            let stop = stop.clone();
            std::thread::spawn(move || {
                let mut n = 0_u64;
                while !stop.load(Ordering::Relaxed) {
                    let password = Password::for_login(BENCH_PASSWORD.to_owned());
                    if let Ok(p) = password {
                        verify_blocking(&p, &hash);
                    }
                    n += 1;
                }
                n
            })
        })
        .collect();
    while started.elapsed() < duration {
        std::thread::park_timeout(duration.saturating_sub(started.elapsed()));
    }
    stop.store(true, Ordering::Relaxed);
    let mut total = 0;
    for t in threads {
        total += t.join().map_err(|_| anyhow::anyhow!("argon2 thread panicked"))?;
    }
    Ok(total as f64 / started.elapsed().as_secs_f64())
}

// ───────────────────────────── /proc measurements ─────────────────────────────

struct CpuSample {
    server: f64,
    client: f64,
}

impl CpuSample {
    /// `server`: the server's `/proc/<pid>` when it is another process; `None` when it is this
    /// one, whose CPU minus the load generator's threads is then the server's.
    fn take(server: Option<&Path>) -> CpuSample {
        let tck = clock_ticks();
        let total = stat_cpu_ticks(Path::new("/proc/self/stat")).unwrap_or(0);
        let mut client = 0;
        if let Ok(tasks) = std::fs::read_dir("/proc/self/task") {
            for task in tasks.flatten() {
                let comm = std::fs::read_to_string(task.path().join("comm")).unwrap_or_default();
                if comm.starts_with("bench-client") {
                    client += stat_cpu_ticks(&task.path().join("stat")).unwrap_or(0);
                }
            }
        }
        let server = match server {
            Some(proc) => stat_cpu_ticks(&proc.join("stat")).unwrap_or(0),
            None => total.saturating_sub(client),
        };
        CpuSample { server: server as f64 / tck, client: client as f64 / tck }
    }
}

/// utime + stime of a `/proc/.../stat` file, in clock ticks.
fn stat_cpu_ticks(path: &Path) -> Option<u64> {
    let text = std::fs::read_to_string(path).ok()?;
    let after = &text[text.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // Field 3 (state) is fields[0]; utime is field 14, stime field 15.
    Some(fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?)
}

fn clock_ticks() -> f64 {
    static TCK: std::sync::OnceLock<f64> = std::sync::OnceLock::new();
    *TCK.get_or_init(|| {
        std::process::Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

/// Resets `VmHWM` of the process at `proc` (`/proc/self`, `/proc/<pid>`) to its current RSS
/// (Linux ≥ 4.0); `false` if the kernel refused.
fn reset_peak_rss(proc: &Path) -> bool {
    std::fs::write(proc.join("clear_refs"), "5").is_ok()
}

fn peak_rss_kib(proc: &Path) -> u64 {
    std::fs::read_to_string(proc.join("status"))
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        })
        .unwrap_or(0)
}
