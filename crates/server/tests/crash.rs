//! Crash durability: `inventory-portal serve` on SQLite is killed with SIGKILL in the middle of
//! parallel sign-ins with an authenticator app (password, then code). Restarted on the same data
//! directory, it must still know every verification it answered 200 for: the factor's step is
//! recorded (the same code is refused as reused in a new sign-in), the audit log has the success
//! row, and the database passes SQLite's integrity check.
//!
//! Users are created with the CLI and set up their app over HTTP with codes from oathtool, as in
//! scale_out. Each user verifies at most once during the load, so no code is used twice there;
//! the asserts do not depend on how fast anything runs.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // tests fail loudly

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

use serde_json::{Value, json};

mod common;
use common::{PASSWORD, Proc, free_port, now, oathtool_at};

const USERS: usize = 40;
/// Parallel sign-ins during the load (fewer than the 20 password attempts one address may have
/// in flight: every request comes from 127.0.0.1).
const TASKS: usize = 6;
/// The server is killed once this many verifications have been answered 200.
const KILL_AFTER: usize = 12;
const ADMIN: &str = "admin@example.com";

fn user_email(i: usize) -> String {
    format!("user{i}@example.com")
}

/// One data directory, the SQLite database in it, and the fixed key (a restart must decrypt
/// the authenticator secrets the first run stored).
struct Site {
    dir: tempfile::TempDir,
}

impl Site {
    fn database(&self) -> PathBuf {
        self.dir.path().join("portal.db")
    }

    fn command(&self, args: &[&str], port: u16) -> Command {
        use base64::Engine as _;
        let key = base64::engine::general_purpose::STANDARD.encode([42_u8; 32]);
        let mut cmd = common::portal_command(args, self.dir.path());
        cmd.env("PORTAL_DATABASE_URL", format!("sqlite://{}", self.database().display()))
            .env("PORTAL_DATA_DIR", self.dir.path())
            .env("PORTAL_LISTEN", format!("127.0.0.1:{port}"))
            .env("PORTAL_SECRET_KEY", key)
            // The servers' stderr is the test's: warnings only, not a line per request.
            .env("RUST_LOG", "warn");
        cmd
    }

    fn run(&self, args: &[&str], stdin: Option<&str>) {
        common::run_to_end(self.command(args, 0), args, stdin).assert_success();
    }

    fn serve(&self) -> (Proc, u16) {
        let port = free_port();
        let server = Proc::spawn("inventory-portal serve", self.command(&["serve", "--no-demo"], port));
        server.wait_running();
        (server, port)
    }

    /// `PRAGMA integrity_check` on the database file, as sqlx opens it (which also replays the
    /// WAL a killed process left behind).
    fn integrity_check(&self) -> Vec<String> {
        self.query(|pool| async move {
            sqlx::query_scalar::<_, String>("PRAGMA integrity_check").fetch_all(&pool).await.unwrap()
        })
    }

    /// The step the user's authenticator app was last accepted at.
    fn last_step(&self, email: &str) -> Option<i64> {
        let email = email.to_owned();
        self.query(|pool| async move {
            sqlx::query_scalar(
                "SELECT f.last_step FROM mfa_factors f JOIN users u ON u.id = f.user_id \
                 WHERE u.email = $1 AND f.method = 'totp' AND f.confirmed_at IS NOT NULL",
            )
            .bind(email)
            .fetch_one(&pool)
            .await
            .unwrap()
        })
    }

    fn query<T, F>(&self, f: impl FnOnce(sqlx::SqlitePool) -> F) -> T
    where
        F: Future<Output = T>,
    {
        let url = format!("sqlite://{}", self.database().display());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
            let out = f(pool.clone()).await;
            pool.close().await;
            out
        })
    }
}

struct Reply {
    status: u16,
    json: Value,
    session: Option<String>,
}

/// One request on a new connection. `Err` when no complete answer came back (refused, reset,
/// or cut short by the kill): a status line without its whole body does not count as an answer.
fn request(port: u16, method: &str, path: &str, session: Option<&str>, body: Option<Value>) -> Result<Reply, String> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).map_err(|e| format!("connect: {e}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(60))).map_err(|e| e.to_string())?;
    let body = body.map(|b| b.to_string()).unwrap_or_default();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    if let Some(token) = session {
        head.push_str(&format!("Cookie: portal_session={token}\r\n"));
    }
    if method == "POST" {
        head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).map_err(|e| format!("send: {e}"))?;
    stream.write_all(body.as_bytes()).map_err(|e| format!("send: {e}"))?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(|e| format!("read: {e}"))?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let (head, rest) = text.split_once("\r\n\r\n").ok_or_else(|| format!("incomplete answer: {text:?}"))?;
    let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).ok_or("no status")?;
    let (mut length, mut chunked, mut session) = (None, false, None);
    for line in head.lines().skip(1) {
        let Some((name, value)) = line.split_once(':') else { continue };
        match (name.trim().to_ascii_lowercase().as_str(), value.trim()) {
            ("content-length", v) => length = v.parse::<usize>().ok(),
            ("transfer-encoding", v) => chunked = v.contains("chunked"),
            ("set-cookie", v) => {
                if let Some(token) = v.split(';').next().and_then(|p| p.strip_prefix("portal_session=")) {
                    session = Some(token.to_owned()).filter(|t| !t.is_empty());
                }
            }
            _ => {}
        }
    }
    let body = match (length, chunked) {
        (Some(n), _) if rest.len() == n => rest.to_owned(),
        (_, true) if rest.ends_with("0\r\n\r\n") => common::dechunk(rest),
        _ => return Err(format!("answer cut short: {text:?}")),
    };
    Ok(Reply { status, json: serde_json::from_str(&body).unwrap_or(Value::Null), session })
}

fn post(port: u16, path: &str, session: Option<&str>, body: Value) -> Result<Reply, String> {
    request(port, "POST", path, session, Some(body))
}

/// Password sign-in; the half-signed-in session's token.
fn login(port: u16, email: &str) -> Result<(Reply, String), String> {
    let reply = post(port, "/api/v1/login", None, json!({ "email": email, "password": PASSWORD }))?;
    let token = reply.session.clone().unwrap_or_default();
    Ok((reply, token))
}

/// Signs in for the first time and sets up the authenticator app; the base32 secret and the
/// full session's token.
fn enroll(port: u16, email: &str) -> (String, String) {
    let (reply, token) = login(port, email).unwrap();
    assert_eq!(reply.status, 200, "{email}: {}", reply.json);
    assert_eq!(reply.json["state"], "mfa_setup_required", "{email}: {}", reply.json);
    let setup = post(port, "/api/v1/mfa/totp/setup", Some(&token), json!({})).unwrap();
    assert_eq!(setup.status, 200, "{email}: {}", setup.json);
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let confirm =
        post(port, "/api/v1/mfa/totp/confirm", Some(&token), json!({ "code": oathtool_at(&secret, now()) })).unwrap();
    assert_eq!(confirm.status, 200, "{email}: {}", confirm.json);
    (secret, confirm.session.unwrap_or(token))
}

/// A verification the server answered 200 for: the user, the code and the step it was for.
#[derive(Debug, Clone)]
struct Verified {
    email: String,
    code: String,
    step: i64,
}

/// Runs `f(i)` for `0..n` on `threads` threads.
fn in_parallel(n: usize, threads: usize, f: impl Fn(usize) + Sync) {
    let next = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= n {
                        break;
                    }
                    f(i);
                }
            });
        }
    });
}

#[test]
fn verifications_answered_before_a_sigkill_survive_it() {
    let site = Site { dir: tempfile::tempdir().unwrap() };
    site.run(&["migrate"], None);
    let password = format!("{PASSWORD}\n");
    site.run(&["user", "add", "--email", ADMIN, "--role", "admin", "--password-stdin"], Some(&password));
    in_parallel(USERS, 4, |i| {
        site.run(&["user", "add", "--email", &user_email(i), "--password-stdin"], Some(&password));
    });

    let (mut server, port) = site.serve();
    let (_, admin_session) = enroll(port, ADMIN);
    let secrets: Mutex<BTreeMap<usize, String>> = Mutex::new(BTreeMap::new());
    in_parallel(USERS, 4, |i| {
        let (secret, _) = enroll(port, &user_email(i));
        secrets.lock().unwrap().insert(i, secret);
    });
    let secrets = secrets.into_inner().unwrap();

    // ── The load: each task signs the next user in (password, then the app's code), each user
    // once; the server is killed once KILL_AFTER verifications were answered 200. ──
    let next = Arc::new(AtomicUsize::new(0));
    let killed = Arc::new(AtomicBool::new(false));
    let verified = Arc::new(Mutex::new(Vec::<Verified>::new()));
    let (tx, answered) = mpsc::channel::<()>();
    let tasks: Vec<_> = (0..TASKS)
        .map(|_| {
            let (next, killed, verified, tx, secrets) =
                (next.clone(), killed.clone(), verified.clone(), tx.clone(), secrets.clone());
            std::thread::spawn(move || {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= USERS {
                        return;
                    }
                    let email = user_email(i);
                    // The setup used the step of its moment; the next step's code is newer than
                    // that and within the one-step tolerance for the next 30 seconds at least.
                    let at = now() + 30;
                    let (code, step) = (oathtool_at(&secrets[&i], at), at.div_euclid(30));
                    let attempt = login(port, &email).and_then(|(reply, token)| {
                        assert_eq!(reply.status, 200, "{email}: {}", reply.json);
                        assert_eq!(reply.json["state"], "mfa_required", "{email}: {}", reply.json);
                        post(port, "/api/v1/mfa/verify", Some(&token), json!({ "method": "totp", "code": code }))
                    });
                    match attempt {
                        Ok(reply) => {
                            // Every complete answer, before or after the kill, was given by a
                            // running server, so it must be the right one.
                            assert_eq!(reply.status, 200, "{email}: {}", reply.json);
                            verified.lock().unwrap().push(Verified { email, code, step });
                            let _ = tx.send(());
                        }
                        // No complete answer: only the kill may cause that.
                        Err(e) => {
                            assert!(killed.load(Ordering::SeqCst), "{email}: {e} while the server was running");
                            return;
                        }
                    }
                }
            })
        })
        .collect();
    drop(tx);
    for n in 0..KILL_AFTER {
        answered
            .recv_timeout(Duration::from_secs(120))
            .unwrap_or_else(|e| panic!("only {n} verifications answered before the load stopped: {e}"));
    }
    let started = next.load(Ordering::Relaxed).min(USERS);
    killed.store(true, Ordering::SeqCst);
    server.kill();
    for task in tasks {
        task.join().expect("a load task failed (see its panic above)");
    }
    let verified = verified.lock().unwrap().clone();
    assert!(started < USERS, "the kill came after the last sign-in had started: not in the middle of the load");
    assert!(verified.len() >= KILL_AFTER, "{verified:?}");
    eprintln!("killed after {} verifications answered 200; {started} of {USERS} sign-ins had started", verified.len());

    // ── What the killed process left behind is a sound database with every step recorded. ──
    assert_eq!(site.integrity_check(), ["ok"], "right after the kill");
    for v in &verified {
        let last = site.last_step(&v.email);
        assert!(last.is_some_and(|last| last >= v.step), "{}: step {} answered 200, stored {last:?}", v.email, v.step);
    }

    // ── Restarted on the same directory: each code answered 200 is refused as used. ──
    let (mut server, port) = site.serve();
    for v in &verified {
        let (reply, token) = login(port, &v.email).unwrap();
        assert_eq!(reply.status, 200, "{}: {}", v.email, reply.json);
        assert_eq!(reply.json["state"], "mfa_required", "{}: {}", v.email, reply.json);
        let before = now().div_euclid(30);
        let body = json!({ "method": "totp", "code": v.code });
        let replay = post(port, "/api/v1/mfa/verify", Some(&token), body).unwrap();
        let after = now().div_euclid(30);
        assert_eq!(replay.status, 400, "{}: the replay was accepted: {}", v.email, replay.json);
        assert_eq!(replay.json["error"]["code"], "invalid_code", "{}: {}", v.email, replay.json);
        // While the step is still within the tolerance, the answer says why: it was used.
        if before >= v.step - 1 && after <= v.step + 1 {
            let message = replay.json["error"]["message"].as_str().unwrap_or_default();
            assert!(message.contains("already used"), "{}: {}", v.email, replay.json);
        }
    }

    // ── The audit log (through the admin API, with the session from before the kill) has one
    // success row per verification answered 200. ──
    let audit = request(
        port,
        "GET",
        "/api/v1/admin/audit?action=mfa.verify&outcome=success&limit=10000",
        Some(&admin_session),
        None,
    )
    .unwrap();
    assert_eq!(audit.status, 200, "{}", audit.json);
    let events = audit.json["events"].as_array().unwrap();
    for v in &verified {
        let rows: Vec<&Value> = events.iter().filter(|e| e["subject"] == v.email.as_str()).collect();
        assert_eq!(rows.len(), 1, "{}: mfa.verify success rows {rows:?}", v.email);
        assert_eq!(rows[0]["details"]["method"], "totp", "{}: {:?}", v.email, rows[0]);
    }

    server.kill();
    assert_eq!(site.integrity_check(), ["ok"], "after the restarted server");
}
