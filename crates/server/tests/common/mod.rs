//! Helpers shared by the CLI test binaries: one finished run of the real binary and the
//! assertions on it. Each binary uses a subset.
#![allow(dead_code)]

use std::io::{BufRead as _, BufReader, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use portal_core::clock::{Clock as _, SystemClock};

/// The binary under test, built by cargo for this package's integration tests.
pub const BIN: &str = env!("CARGO_BIN_EXE_inventory-portal");
pub const PASSWORD: &str = "correct horse battery staple";

/// The binary with `args`, run in `dir`, with none of the caller's `PORTAL_*` variables nor
/// `RUST_LOG`: each test sets exactly the configuration it means.
pub fn portal_command(args: &[&str], dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args).current_dir(dir);
    for (name, _) in std::env::vars() {
        if name.starts_with("PORTAL_") {
            cmd.env_remove(name);
        }
    }
    cmd.env_remove("RUST_LOG");
    cmd
}

/// Runs `cmd` to completion, with `stdin` (if any) as standard input.
pub fn run_to_end(mut cmd: Command, args: &[&str], stdin: Option<&str>) -> Run {
    let mut child = cmd
        .stdin(if stdin.is_some() { Stdio::piped() } else { Stdio::null() })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start inventory-portal");
    if let Some(text) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        // A command that refuses early may exit before reading: a broken pipe is fine.
        let _ = pipe.write_all(text.as_bytes());
    }
    Run::from(child.wait_with_output().expect("wait for inventory-portal"), args)
}

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

/// A child process killed when dropped.
pub struct Proc {
    pub child: Child,
    pub name: &'static str,
    pub stdout: mpsc::Receiver<String>,
}

impl Proc {
    pub fn spawn(name: &'static str, mut cmd: Command) -> Proc {
        let mut child = cmd
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("start {name}: {e}"));
        let out = child.stdout.take().unwrap();
        let (tx, stdout) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc { child, name, stdout }
    }

    /// The address `serve` printed ("… is running at http://127.0.0.1:PORT").
    pub fn wait_running(&self) {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self.stdout.recv_timeout(left).unwrap_or_else(|e| panic!("{} did not start: {e}", self.name));
            if line.contains("is running at") {
                return;
            }
        }
    }

    /// SIGKILL (`Child::kill` on Unix), then reaps the process.
    pub fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.kill();
    }
}

/// nginx, stopped as nginx wants when dropped (`stop` is its `-s stop` command): a SIGKILL to
/// the master would leave its workers running, still holding the port.
pub struct Nginx {
    pub proc: Proc,
    pub stop: Command,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        if self.stop.status().is_ok_and(|s| s.success()) {
            let _ = self.proc.child.wait();
        }
    }
}

/// The code an authenticator app shows at `unix` for the base32 `secret`, from oathtool.
pub fn oathtool_at(secret: &str, unix: i64) -> String {
    let out = Command::new("oathtool")
        .args(["--totp", "-b", "-N", &format!("@{unix}"), secret])
        .output()
        .expect("oathtool is installed (.ci/run installs it)");
    assert!(out.status.success(), "oathtool: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

pub fn now() -> i64 {
    SystemClock.now().unix_timestamp()
}

/// The body of a `Transfer-Encoding: chunked` HTTP response, from the text after the headers.
pub fn dechunk(mut rest: &str) -> String {
    let mut body = String::new();
    while let Some((size, after)) = rest.split_once("\r\n") {
        let size = usize::from_str_radix(size.split(';').next().unwrap_or("0").trim(), 16).unwrap_or(0);
        if size == 0 {
            break;
        }
        body.push_str(&after[..size]);
        rest = after[size..].trim_start_matches("\r\n");
    }
    body
}

/// The PostgreSQL server the tests may use (`.ci/run` sets it); `None` runs SQLite only.
pub fn postgres_url() -> Option<String> {
    std::env::var("PORTAL_TEST_POSTGRES_URL").ok().filter(|v| !v.is_empty())
}

/// A fresh schema on the test server, dropped afterwards; the binary reaches it through
/// `options=-c search_path=…` in its database URL.
pub struct Schema {
    base_url: String,
    name: String,
    rt: tokio::runtime::Runtime,
}

impl Schema {
    pub fn create(base_url: &str, prefix: &str) -> Schema {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let stamp = std::time::UNIX_EPOCH.elapsed().map(|d| d.as_nanos()).unwrap_or_default();
        let name = format!("{prefix}_{}_{}_{stamp}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed));
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(base_url).await.expect("connect to PORTAL_TEST_POSTGRES_URL");
            sqlx::query(&format!("CREATE SCHEMA \"{name}\"")).execute(&pool).await.unwrap();
            pool.close().await;
        });
        Schema { base_url: base_url.to_owned(), name, rt }
    }

    pub fn url(&self) -> String {
        let sep = if self.base_url.contains('?') { '&' } else { '?' };
        format!("{}{sep}options=-c%20search_path%3D{}", self.base_url, self.name)
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        let (url, name) = (self.base_url.clone(), self.name.clone());
        self.rt.block_on(async move {
            if let Ok(pool) = sqlx::PgPool::connect(&url).await {
                let _ = sqlx::query(&format!("DROP SCHEMA IF EXISTS \"{name}\" CASCADE")).execute(&pool).await;
                pool.close().await;
            }
        });
    }
}

pub struct Run {
    pub what: String,
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn from(output: Output, args: &[&str]) -> Run {
        Run {
            what: args.join(" "),
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    pub fn assert_success(&self) {
        assert_eq!(self.code, Some(0), "`{}` failed\nstdout:\n{}\nstderr:\n{}", self.what, self.stdout, self.stderr);
    }

    /// Fails with a non-zero exit and says, on stderr, something containing every one of `words`.
    pub fn assert_failure_naming(&self, words: &[&str]) {
        assert!(
            self.code.is_some_and(|c| c != 0),
            "`{}` should have failed but exited {:?}\nstdout:\n{}",
            self.what,
            self.code,
            self.stdout
        );
        for word in words {
            assert!(self.stderr.contains(word), "`{}`: stderr does not mention {word:?}:\n{}", self.what, self.stderr);
        }
    }

    pub fn assert_config_error_naming(&self, words: &[&str]) {
        self.assert_failure_naming(words);
        assert_eq!(self.code, Some(2), "`{}`: configuration errors exit with 2\nstderr:\n{}", self.what, self.stderr);
        assert!(self.stderr.contains("configuration"), "{}", self.stderr);
    }
}
