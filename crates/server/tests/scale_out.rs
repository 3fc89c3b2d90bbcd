//! Scale-out as docs/deployment.md describes it: Debian's nginx, round robin without stickiness,
//! in front of two `inventory-portal serve` processes on one PostgreSQL schema, with the same
//! secret key, switch-on date, SMS outbox and `PORTAL_TRUSTED_PROXIES=127.0.0.1`. A user signs
//! in, sets up an authenticator app and SMS, and verifies with requests alternating between the
//! instances; a code used on one is refused on the other; throttles and send limits count across
//! both; killing one instance mid-sign-in loses nothing.
//!
//! A second test moves attachments from an instance's directory into object storage with
//! `attachments migrate`, then serves them from two instances that share no disk.
//!
//! Needs `PORTAL_TEST_POSTGRES_URL` and `nginx`, and for the second test a local S3 server at
//! `PORTAL_TEST_S3_ENDPOINT` (`.ci/run` provides all three). Without them a test says so and
//! passes — except in CI (`CI=true`), where it fails.

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
use common::{Nginx, PASSWORD, Proc, Schema, dechunk, free_port, now, oathtool_at};

fn prerequisites() -> Option<(String, PathBuf)> {
    prerequisites_with(false).map(|(postgres, nginx, _)| (postgres, nginx))
}

/// PostgreSQL, nginx and, when `s3` is asked for, the test object store's endpoint.
fn prerequisites_with(s3: bool) -> Option<(String, PathBuf, String)> {
    let ci = std::env::var("CI").is_ok_and(|v| v == "true");
    let postgres = std::env::var("PORTAL_TEST_POSTGRES_URL").ok().filter(|v| !v.is_empty());
    let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].into_iter().map(PathBuf::from).find(|p| p.exists());
    let endpoint = std::env::var("PORTAL_TEST_S3_ENDPOINT").ok().filter(|v| !v.is_empty());
    let missing: Vec<&str> = [
        (postgres.is_none(), "PORTAL_TEST_POSTGRES_URL"),
        (nginx.is_none(), "nginx"),
        (s3 && endpoint.is_none(), "PORTAL_TEST_S3_ENDPOINT"),
    ]
    .into_iter()
    .filter_map(|(gone, what)| gone.then_some(what))
    .collect();
    if missing.is_empty() {
        return Some((postgres?, nginx?, endpoint.unwrap_or_default()));
    }
    let message = format!(
        "\n!!! scale_out: SKIPPED — missing {}. `bash .ci/run` installs nginx, starts a local S3 \
         server and sets both URLs. !!!\n",
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
        self.add_user_as(email, "policyholder");
    }

    fn add_user_as(&self, email: &str, role: &str) {
        let mut child = self
            .portal(&["user", "add", "--email", email, "--password-stdin", "--role", role], 0, "cli")
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
    body: String,
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
        match body {
            Some(json) => self.send(method, path, "application/json", json.to_string().as_bytes()),
            None => self.send(method, path, "", b""),
        }
    }

    /// Any request; a body goes with its `content_type` (none when that is empty).
    fn send(&mut self, method: &str, path: &str, content_type: &str, body: &[u8]) -> Reply {
        let mut stream = TcpStream::connect(&self.lb).unwrap();
        stream.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        let mut head = format!("{method} {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n", self.lb);
        if !self.cookies.is_empty() {
            let jar: Vec<String> = self.cookies.iter().map(|(k, v)| format!("{k}={v}")).collect();
            head.push_str(&format!("Cookie: {}\r\n", jar.join("; ")));
        }
        if !content_type.is_empty() {
            head.push_str(&format!("Content-Type: {content_type}\r\nContent-Length: {}\r\n", body.len()));
        } else if method == "POST" {
            head.push_str("Content-Length: 0\r\n");
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
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
        Reply { status, upstream, json: serde_json::from_str(&body).unwrap_or(Value::Null), body }
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

/// Debian's nginx on the load balancer's port in front of `upstreams`, once it listens.
fn start_nginx(nginx: &Path, env: &Env, upstreams: &[u16]) -> Nginx {
    let nginx_dir = env.dir.path().join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    std::fs::write(nginx_dir.join("nginx.conf"), nginx_conf(&nginx_dir, env.lb_port, upstreams)).unwrap();
    let command = || {
        let mut cmd = Command::new(nginx);
        cmd.arg("-p").arg(&nginx_dir).arg("-c").arg(nginx_dir.join("nginx.conf"));
        cmd
    };
    let proc = Proc::spawn("nginx", command());
    let mut stop = command();
    stop.args(["-s", "stop"]);
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", env.lb_port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start; see {}", nginx_dir.join("error.log").display());
        std::thread::sleep(Duration::from_millis(50));
    }
    Nginx { proc, stop }
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

    let _nginx = start_nginx(&nginx, &env, &[port_a, port_b]);

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

/// Signed in with an authenticator app set up (MFA is on from today).
fn enrolled(lb_port: u16, email: &str) -> Client {
    let (mut client, reply) = sign_in(lb_port, email, PASSWORD);
    assert_eq!(reply.json["state"], "mfa_setup_required", "{}", reply.json);
    let setup = client.post("/api/v1/mfa/totp/setup", json!({}));
    let secret = setup.json["secret"].as_str().unwrap().to_owned();
    let confirm = client.post("/api/v1/mfa/totp/confirm", json!({ "code": oathtool_at(&secret, now()) }));
    assert_eq!(confirm.status, 200, "{}", confirm.json);
    client
}

/// Creates the test bucket on the local S3 server (which takes anyone's request; a bucket that
/// exists is no error) and returns a place in it of this run's own.
fn fresh_s3_location(endpoint: &str) -> String {
    let host = endpoint.trim_start_matches("http://").trim_end_matches('/');
    let mut stream = TcpStream::connect(host).unwrap();
    write!(stream, "PUT /portal-test HTTP/1.1\r\nHost: {host}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "creating the test bucket: {answer}");
    let stamp = std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos();
    format!("s3://portal-test/scale-out-{}-{stamp}", std::process::id())
}

/// Every file under `dir`, however deep.
fn files_under(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return Vec::new() };
    entries.map(|e| e.unwrap().path()).flat_map(|p| if p.is_dir() { files_under(&p) } else { vec![p] }).collect()
}

const RECEIPT: &[u8] = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n";

#[test]
fn attachments_move_into_object_storage_and_two_instances_share_them_with_no_shared_disk() {
    let Some((postgres, nginx, s3_endpoint)) = prerequisites_with(true) else { return };
    let schema = Schema::create(&postgres, "object_storage");
    let dir = tempfile::tempdir().unwrap();
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 * 5 + 3));
    let env =
        Env { database_url: schema.url(), lb_port: free_port(), key, today: SystemClock.now().date().to_string(), dir };
    env.add_user_as("ada@example.com", "adjuster");
    env.add_user("ann@example.com");
    let bucket = fresh_s3_location(&s3_endpoint);
    let on_s3 = |mut cmd: Command| {
        cmd.env("PORTAL_ATTACHMENTS_URL", &bucket)
            .env("AWS_ENDPOINT_URL", &s3_endpoint)
            .env("AWS_ACCESS_KEY_ID", "portal-test")
            .env("AWS_SECRET_ACCESS_KEY", "portal-test-secret")
            .env("AWS_REGION", "us-east-1");
        cmd
    };

    // ── Before: one instance keeps attachments in its data directory. ──
    let port_a = free_port();
    let mut a = Proc::spawn("instance a on a directory", env.portal(&["serve"], port_a, "a"));
    a.wait_running();
    let lb = start_nginx(&nginx, &env, &[port_a]);
    let mut ada = enrolled(env.lb_port, "ada@example.com");
    let claim = ada.post(
        "/api/v1/claims",
        json!({ "claim_number": "CLM-7", "loss_date": "2026-02-14", "loss_address": "12 Elm St",
                "policyholder_email": "ann@example.com", "policyholder_name": "Ann Lee" }),
    );
    assert_eq!(claim.status, 201, "{}", claim.json);
    let claim = claim.json["id"].as_str().unwrap().to_owned();
    let mut ann = enrolled(env.lb_port, "ann@example.com");
    let item = ann.post(
        &format!("/api/v1/claims/{claim}/items"),
        json!({ "description": "Television", "room": "Living room", "quantity": 1, "replacement_cost_cents": 89_900 }),
    );
    assert_eq!(item.status, 201, "{}", item.json);
    let attachments = format!("/api/v1/claims/{claim}/items/{}/attachments", item.json["id"].as_str().unwrap());
    let old = ann.send("POST", &format!("{attachments}?file_name=tv.pdf"), "application/pdf", RECEIPT);
    assert_eq!(old.status, 201, "{}", old.body);
    let old_url = old.json["url"].as_str().unwrap().to_owned();
    assert_eq!(files_under(&env.dir.path().join("a/attachments")).len(), 1, "kept in instance a's directory");
    a.kill();
    // Stopped for good (its workers too), so no old worker still sends requests to instance a.
    drop(lb);

    // ── The move: copy the directory into the bucket; a second run finds nothing new. ──
    let migrate = || {
        let mut cmd = on_s3(env.portal(&["attachments", "migrate", "--to", &bucket], 0, "a"));
        cmd.env_remove("PORTAL_ATTACHMENTS_URL");
        common::run_to_end(cmd, &["attachments", "migrate"], None)
    };
    let first = migrate();
    first.assert_success();
    assert!(first.stdout.contains("copied 1 file(s)"), "{}", first.stdout);
    let again = migrate();
    again.assert_success();
    assert!(again.stdout.contains("copied 0 file(s) (0 bytes); 1 already there"), "{}", again.stdout);

    // ── After: two instances with data directories of their own, attachments in the bucket. ──
    let (port_b, port_c) = (free_port(), free_port());
    let b = Proc::spawn("instance b on object storage", on_s3(env.portal(&["serve"], port_b, "b")));
    b.wait_running();
    let c = Proc::spawn("instance c on object storage", on_s3(env.portal(&["serve"], port_c, "c")));
    c.wait_running();
    let _lb = start_nginx(&nginx, &env, &[port_b, port_c]);

    // The file uploaded before the move comes from either instance.
    let one = ann.request("GET", &old_url, None);
    assert_eq!((one.status, one.body.as_bytes()), (200, RECEIPT), "{}", one.body);
    ann.next_not_on(&one.upstream);
    let other = ann.request("GET", &old_url, None);
    assert_ne!(other.upstream, one.upstream);
    assert_eq!((other.status, other.body.as_bytes()), (200, RECEIPT));

    // Uploaded through one instance, read and deleted through the other.
    let new = ann.send("POST", &format!("{attachments}?file_name=second.pdf"), "application/pdf", RECEIPT);
    assert_eq!(new.status, 201, "{}", new.body);
    let new_url = new.json["url"].as_str().unwrap().to_owned();
    ann.next_not_on(&new.upstream);
    let read = ada.request("GET", &new_url, None);
    assert_ne!(read.upstream, new.upstream, "read on the other instance");
    assert_eq!((read.status, read.body.as_bytes()), (200, RECEIPT), "the adjuster sees it: {}", read.body);
    let gone = ann.request("DELETE", &new_url, None);
    assert_eq!(gone.status, 204, "{}", gone.body);
    ann.next_not_on(&gone.upstream);
    let after = ann.request("GET", &new_url, None);
    assert_eq!(after.status, 404, "deleted for both instances");

    for data in ["b", "c"] {
        let files = files_under(&env.dir.path().join(data).join("attachments"));
        assert!(files.is_empty(), "instance {data} kept files on its own disk: {files:?}");
    }
    drop((b, c));
}
