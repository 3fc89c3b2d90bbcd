//! Scale-out as docs/deployment.md describes it: Debian's nginx, round robin without stickiness,
//! in front of two `inventory-portal serve` processes on one PostgreSQL schema, with the same
//! secret key, switch-on date, SMS outbox and `PORTAL_TRUSTED_PROXIES=127.0.0.1`. A user signs
//! in, sets up an authenticator app and SMS, and verifies with requests alternating between the
//! instances; a code used on one is refused on the other; throttles and send limits count across
//! both; killing one instance mid-sign-in loses nothing.
//!
//! Needs `PORTAL_TEST_POSTGRES_URL` and `nginx` (`.ci/run` provides both). Without them the test
//! says so and passes — except in CI (`CI=true`), where it fails.

// Tests fail loudly; the one sleep waits for a real process (nginx) to listen.
#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use portal_core::clock::{Clock as _, SystemClock};
use serde_json::{Value, json};

mod common;
use common::{PASSWORD, Proc, Schema, dechunk, free_port, now, oathtool_at};

fn prerequisites() -> Option<(String, PathBuf)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let postgres = std::env::var("PORTAL_TEST_POSTGRES_URL").ok().filter(|v| !v.is_empty());
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().map(PathBuf::from).find(|p| p.exists());
    let missing: Vec<&str> = [(postgres.is_none(), "PORTAL_TEST_POSTGRES_URL"), (nginx.is_none(), "nginx")]
        .into_iter()
        .filter_map(|(gone, what)| gone.then_some(what))
        .collect();
    if missing.is_empty() {
        return Some((postgres?, nginx?));
    }
    let message = format!(
        "\n!!! scale_out: SKIPPED — missing {}. `bash .ci/run` installs nginx and sets the \
         PostgreSQL URL. !!!\n",
        missing.join(" and ")
    );
    assert!(!ci, "{message}(CI=true: this test must run in CI)");
    eprintln!("{message}");
    None
}

struct Env {
    dir: tempfile::TempDir,
    database_url: String,
    lb_port: u16,
    key: String,
    today: String,
}

impl Env {
    fn sms_outbox(&self) -> PathBuf {
        self.dir.path().join("sms-outbox.jsonl")
    }

    fn portal(&self, args: &[&str], listen_port: u16, data: &str) -> Command {
        let mut cmd = common::portal_command(args, self.dir.path());
        let data_dir = self.dir.path().join(data);
        cmd.env("PORTAL_DATABASE_URL", &self.database_url)
            .env("PORTAL_DATABASE_MAX_CONNECTIONS", "4")
            .env("PORTAL_LISTEN", format!("127.0.0.1:{listen_port}"))
            .env("PORTAL_PUBLIC_URL", format!("http://127.0.0.1:{}", self.lb_port))
            .env("PORTAL_TRUSTED_PROXIES", "127.0.0.1")
            .env("PORTAL_SECRET_KEY", &self.key)
            .env("PORTAL_MFA_ENFORCE_FROM", &self.today)
            .env("PORTAL_DATA_DIR", &data_dir)
            .env("PORTAL_SMS_OUTBOX", self.sms_outbox())
            .env("PORTAL_MAIL_OUTBOX", self.dir.path().join("mail-outbox.jsonl"))
            .env("PORTAL_LOG_FORMAT", "json");
        cmd
    }

    fn add_user(&self, email: &str) {
        let mut child = self
            .portal(&["user", "add", "--email", email, "--password-stdin"], 0, "cli")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(PASSWORD.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "user add failed: {}", String::from_utf8_lossy(&out.stderr));
    }

    fn texts(&self) -> Vec<Value> {
        std::fs::read_to_string(self.sms_outbox())
            .unwrap_or_default()
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str(l).unwrap())
            .collect()
    }

    fn last_sms_code(&self) -> String {
        let texts = self.texts();
        let body = texts.last().expect("a text was sent")["body"].as_str().unwrap().to_owned();
        let start = body.find("code is ").expect("a code in the text") + "code is ".len();
        body[start..start + 6].to_owned()
    }
}

fn nginx_conf(dir: &Path, lb_port: u16, upstreams: &[u16]) -> String {
    let servers: String =
        upstreams.iter().map(|p| format!("        server 127.0.0.1:{p} max_fails=1 fail_timeout=30s;\n")).collect();
    let d = dir.display();
    format!(
        "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
         events {{ worker_connections 256; }}\n\
         http {{\n    access_log off;\n    client_body_temp_path {d}/tmp_body;\n    proxy_temp_path {d}/tmp_proxy;\n\
         \x20   fastcgi_temp_path {d}/tmp_fcgi;\n    uwsgi_temp_path {d}/tmp_uwsgi;\n    scgi_temp_path {d}/tmp_scgi;\n\
         \x20   upstream portal {{\n{servers}    }}\n\
         \x20   server {{\n        listen 127.0.0.1:{lb_port};\n        location / {{\n\
         \x20           proxy_pass http://portal;\n            proxy_http_version 1.1;\n\
         \x20           proxy_set_header Connection \"\";\n            proxy_set_header Host $host;\n\
         \x20           proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;\n\
         \x20           proxy_next_upstream error timeout http_502;\n            proxy_connect_timeout 2s;\n\
         \x20           add_header X-Upstream $upstream_addr always;\n        }}\n    }}\n}}\n"
    )
}

/// A browser-ish client through the load balancer: one cookie jar, a new connection per request.
struct Client {
    lb: String,
    cookies: BTreeMap<String, String>,
    /// The upstream that answered the previous request (nginx's `$upstream_addr`).
    last_upstream: String,
    /// Which upstreams answered, in order.
    upstreams: Vec<String>,
}

struct Reply {
    status: u16,
    upstream: String,
    json: Value,
}

impl Client {
    fn new(lb_port: u16) -> Client {
        Client {
            lb: format!("127.0.0.1:{lb_port}"),
            cookies: BTreeMap::new(),
            last_upstream: String::new(),
            upstreams: Vec::new(),
        }
    }

    fn request(&mut self, method: &str, path: &str, body: Option<Value>) -> Reply {
        let mut stream = TcpStream::connect(&self.lb).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.lb);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        let body = body.map(|b| b.to_string()).unwrap_or_default();
        if method == "POST" {
            head.push_str(&format!("Content-Type: application/json\r\nContent-Length: {}\r\n", body.len()));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body.as_bytes()).unwrap();
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).unwrap();
        let text = String::from_utf8_lossy(&raw).into_owned();
        let (head, rest) = text.split_once("\r\n\r\n").unwrap_or_else(|| panic!("not HTTP: {text:?}"));
        let status = head.split_whitespace().nth(1).and_then(|s| s.parse().ok()).unwrap();
        let mut chunked = false;
        let mut upstream = String::new();
        for line in head.lines().skip(1) {
            let Some((name, value)) = line.split_once(':') else { continue };
            let (name, value) = (name.trim().to_ascii_lowercase(), value.trim());
            match name.as_str() {
                "set-cookie" => {
                    let pair = value.split(';').next().unwrap_or("");
                    if let Some((k, v)) = pair.split_once('=') {
                        if v.is_empty() {
                            self.cookies.remove(k);
                        } else {
                            self.cookies.insert(k.to_owned(), v.to_owned());
                        }
                    }
                }
                "transfer-encoding" => chunked = value.contains("chunked"),
                // After a failed try nginx lists every upstream it tried: "a, b".
                "x-upstream" => upstream = value.rsplit(", ").next().unwrap_or(value).to_owned(),
                _ => {}
            }
        }
        let body = if chunked { dechunk(rest) } else { rest.to_owned() };
        self.last_upstream = upstream.clone();
        self.upstreams.push(upstream.clone());
        Reply { status, upstream, json: serde_json::from_str(&body).unwrap_or(Value::Null) }
    }

    fn post(&mut self, path: &str, body: Value) -> Reply {
        self.request("POST", path, Some(body))
    }

    /// Makes sure the next request lands on the other instance than `than` (strict round robin
    /// with one nginx worker: a cheap `/healthz` moves the turn on).
    fn next_not_on(&mut self, than: &str) {
        if self.last_upstream != than {
            self.request("GET", "/healthz", None);
        }
        assert_eq!(self.last_upstream, than, "round robin alternates");
    }
}

fn sign_in(lb_port: u16, email: &str, password: &str) -> (Client, Reply) {
    let mut client = Client::new(lb_port);
    let reply = client.post("/api/v1/login", json!({ "email": email, "password": password }));
    (client, reply)
}

#[test]
fn two_instances_behind_nginx_share_every_piece_of_state() {
    let Some((postgres, nginx)) = prerequisites() else { return };
    let schema = Schema::create(&postgres, "scale_out");
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b", "cli", "nginx"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 * 7 + 1));
    let env =
        Env { database_url: schema.url(), lb_port: free_port(), key, today: SystemClock.now().date().to_string(), dir };
    env.add_user("alex@example.com");
    env.add_user("sam@example.com");

    let (port_a, port_b) = (free_port(), free_port());
    let mut a = Proc::spawn("instance a", env.portal(&["serve"], port_a, "a"));
    a.wait_running();
    let b = Proc::spawn("instance b", env.portal(&["serve"], port_b, "b"));
    b.wait_running();
    let (addr_a, addr_b) = (format!("127.0.0.1:{port_a}"), format!("127.0.0.1:{port_b}"));

    let nginx_dir = env.dir.path().join("nginx");
    std::fs::write(nginx_dir.join("nginx.conf"), nginx_conf(&nginx_dir, env.lb_port, &[port_a, port_b])).unwrap();
    let mut cmd = Command::new(&nginx);
    cmd.arg("-p").arg(&nginx_dir).arg("-c").arg(nginx_dir.join("nginx.conf"));
    let _nginx = Proc::spawn("nginx", cmd);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", env.lb_port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start; see {}", nginx_dir.join("error.log").display());
        std::thread::sleep(Duration::from_millis(50));
    }

    // ── Sign in and set up the authenticator app, alternating instances. ──
    let (mut alex, reply) = sign_in(env.lb_port, "alex@example.com", PASSWORD);
    assert_eq!(reply.status, 200, "{}", reply.json);
    assert_eq!(reply.json["state"], "mfa_setup_required", "{}", reply.json);
    let setup = alex.post("/api/v1/mfa/totp/setup", json!({}));
    assert_eq!(setup.status, 200, "{}", setup.json);
    assert_ne!(setup.upstream, reply.upstream, "round robin: the next request went to the other instance");
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let confirm = alex.post("/api/v1/mfa/totp/confirm", json!({ "code": oathtool_at(&secret, now()) }));
    assert_eq!(confirm.status, 200, "{}", confirm.json);
    assert_ne!(confirm.upstream, setup.upstream);

    // ── SMS setup: the code is texted by one instance and confirmed on the other. ──
    let sms = alex.post("/api/v1/mfa/sms/setup", json!({ "country": "US", "phone": "(201) 555-0123" }));
    assert_eq!(sms.status, 200, "{}", sms.json);
    alex.next_not_on(&sms.upstream);
    let sms_confirm = alex.post("/api/v1/mfa/sms/confirm", json!({ "code": env.last_sms_code() }));
    assert_eq!(sms_confirm.status, 200, "{}", sms_confirm.json);
    assert_ne!(sms_confirm.upstream, sms.upstream);
    let me = alex.request("GET", "/api/v1/me", None);
    assert_eq!(me.status, 200, "{}", me.json);

    // ── A TOTP code used on one instance is refused on the other. ──
    // The setup used this step; the next step's code is within the ±1 window.
    let code = oathtool_at(&secret, now() + 30);
    let (mut first, reply) = sign_in(env.lb_port, "alex@example.com", PASSWORD);
    assert_eq!(reply.json["state"], "mfa_required", "{}", reply.json);
    let ok = first.post("/api/v1/mfa/verify", json!({ "method": "totp", "code": code }));
    assert_eq!(ok.status, 200, "{}", ok.json);
    let (mut second, reply) = sign_in(env.lb_port, "alex@example.com", PASSWORD);
    assert_eq!(reply.status, 200);
    second.next_not_on(&ok.upstream);
    let replay = second.post("/api/v1/mfa/verify", json!({ "method": "totp", "code": code }));
    assert_ne!(replay.upstream, ok.upstream, "the replay went to the other instance");
    assert_eq!(replay.status, 400, "{}", replay.json);
    assert_eq!(replay.json["error"]["code"], "invalid_code");

    // ── SMS send limits count across both instances. ──
    // The setup text went to this number moments ago through one instance; the other knows.
    second.next_not_on(&sms.upstream);
    let early = second.post("/api/v1/mfa/sms/send", json!({}));
    assert_ne!(early.upstream, sms.upstream);
    assert_eq!(early.status, 429, "{}", early.json);
    assert_eq!(early.json["error"]["code"], "sms_limit");
    std::thread::sleep(Duration::from_secs(31)); // the 30-second resend cooldown, in real time
    let send = second.post("/api/v1/mfa/sms/send", json!({}));
    assert_eq!(send.status, 200, "{}", send.json);
    second.next_not_on(&send.upstream);
    let again = second.post("/api/v1/mfa/sms/send", json!({}));
    assert_ne!(again.upstream, send.upstream);
    assert_eq!(again.status, 429, "{}", again.json);
    assert_eq!(again.json["error"]["code"], "sms_limit");
    let texted = env.last_sms_code();

    // ── Second-factor throttle across both: 5 wrong codes, alternating, pause the account. ──
    let (mut sam, reply) = sign_in(env.lb_port, "sam@example.com", PASSWORD);
    assert_eq!(reply.status, 200);
    let sam_setup = sam.post("/api/v1/mfa/totp/setup", json!({}));
    let sam_secret = sam_setup.json["secret"].as_str().unwrap().to_owned();
    let c = sam.post("/api/v1/mfa/totp/confirm", json!({ "code": oathtool_at(&sam_secret, now()) }));
    assert_eq!(c.status, 200, "{}", c.json);
    let (mut attacker, _) = sign_in(env.lb_port, "sam@example.com", PASSWORD);
    let mut seen = std::collections::BTreeSet::new();
    for _ in 0..5 {
        let wrong = attacker.post("/api/v1/mfa/verify", json!({ "method": "totp", "code": "000000" }));
        assert_eq!(wrong.status, 400, "{}", wrong.json);
        seen.insert(wrong.upstream);
    }
    assert_eq!(seen.len(), 2, "the wrong codes went to both instances");
    let right =
        attacker.post("/api/v1/mfa/verify", json!({ "method": "totp", "code": oathtool_at(&sam_secret, now() + 30) }));
    assert_eq!(right.status, 429, "the pause holds on both instances: {}", right.json);

    // ── Password throttle across both: 5 wrong passwords for one account, then even the right one waits. ──
    let mut guesser = Client::new(env.lb_port);
    for _ in 0..5 {
        let r = guesser.post("/api/v1/login", json!({ "email": "sam@example.com", "password": "wrong password 123" }));
        assert_eq!(r.status, 401, "{}", r.json);
    }
    let r = guesser.post("/api/v1/login", json!({ "email": "sam@example.com", "password": PASSWORD }));
    assert_eq!(r.status, 429, "{}", r.json);

    // ── Kill one instance mid-sign-in: the other continues the same session. ──
    a.kill();
    let done = second.post("/api/v1/mfa/verify", json!({ "method": "sms", "code": texted }));
    assert_eq!(done.status, 200, "{}", done.json);
    assert_eq!(done.upstream, addr_b, "only instance b is left");
    let me = second.request("GET", "/api/v1/me", None);
    assert_eq!(me.status, 200, "{}", me.json);
    let me = alex.request("GET", "/api/v1/me", None);
    assert_eq!(me.status, 200, "the first session survives too: {}", me.json);
    let upstreams: std::collections::BTreeSet<_> = alex.upstreams.iter().chain(&second.upstreams).collect();
    assert!(upstreams.contains(&addr_a) && upstreams.contains(&addr_b), "{upstreams:?}");
    drop(b);
}
