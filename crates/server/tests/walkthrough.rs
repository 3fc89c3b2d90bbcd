//! docs/deployment.md's walk-through ("two instances on one Debian machine"), followed as far as
//! a test can: its systemd unit passes `systemd-analyze verify`; its environment file (with the
//! test's database, key and bucket in place of the operator's) starts two real instances on the
//! ports the unit gives them; its first-administrator command creates the administrator; its
//! nginx site passes `nginx -t` and, with a self-signed certificate, carries a whole sign-in over
//! TLS to both instances, and on after one is killed; its Prometheus files pass `promtool`.
//! `apt-get`, `systemctl` and creating the PostgreSQL role are left to Debian.
//!
//! Needs PostgreSQL (through its local socket, as the walk-through connects), nginx, openssl,
//! systemd-analyze, promtool, curl and the local S3 server; `.ci/run` provides them all. Without
//! one the test says so and passes — except in CI (`CI=true`), where it fails.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used, clippy::disallowed_methods)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

mod common;
use common::{BIN, Nginx, PASSWORD, Proc, Schema, free_port, now, oathtool_at, portal_command, run_to_end};

const DOC: &str = include_str!("../../../docs/deployment.md");

/// The fenced block of the doc whose first line is `# <path>`, without that line.
fn file_block(path: &str) -> String {
    let marker = format!("# {path}\n");
    DOC.split("```")
        .skip(1)
        .step_by(2)
        .filter_map(|block| block.split_once('\n').map(|(_, body)| body))
        .find_map(|body| body.strip_prefix(marker.as_str()))
        .unwrap_or_else(|| panic!("docs/deployment.md has no block that starts with {marker:?}"))
        .to_owned()
}

/// The ```yaml block of the doc that contains `needle`.
fn yaml_block(needle: &str) -> String {
    DOC.split("```yaml\n")
        .skip(1)
        .filter_map(|rest| rest.split_once("```").map(|(body, _)| body))
        .find(|body| body.contains(needle))
        .unwrap_or_else(|| panic!("docs/deployment.md has no yaml block with {needle:?}"))
        .to_owned()
}

/// `KEY=value` lines as systemd's `EnvironmentFile=` reads them (comments and blank lines
/// skipped, one pair of surrounding double quotes removed).
fn environment_file(text: &str) -> BTreeMap<String, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|line| {
            let (key, value) = line.split_once('=').unwrap_or_else(|| panic!("not KEY=value: {line:?}"));
            let value = value.strip_prefix('"').and_then(|v| v.strip_suffix('"')).unwrap_or(value);
            (key.to_owned(), value.to_owned())
        })
        .collect()
}

fn tool(names: &[&str]) -> Option<PathBuf> {
    names.iter().map(PathBuf::from).find(|p| p.exists())
}

struct Tools {
    postgres: String,
    s3_endpoint: String,
    nginx: PathBuf,
    openssl: PathBuf,
    systemd_analyze: PathBuf,
    promtool: PathBuf,
}

fn prerequisites() -> Option<Tools> {
    let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
    let postgres = var("PORTAL_TEST_POSTGRES_URL");
    let s3_endpoint = var("PORTAL_TEST_S3_ENDPOINT");
    let nginx = tool(&["/usr/sbin/nginx", "/usr/bin/nginx"]);
    let openssl = tool(&["/usr/bin/openssl"]);
    let systemd_analyze = tool(&["/usr/bin/systemd-analyze", "/bin/systemd-analyze"]);
    let promtool = tool(&["/usr/bin/promtool"]);
    let curl = tool(&["/usr/bin/curl"]);
    let missing: Vec<&str> = [
        (postgres.is_none(), "PORTAL_TEST_POSTGRES_URL"),
        (s3_endpoint.is_none(), "PORTAL_TEST_S3_ENDPOINT"),
        (nginx.is_none(), "nginx"),
        (openssl.is_none(), "openssl"),
        (systemd_analyze.is_none(), "systemd-analyze"),
        (promtool.is_none(), "promtool"),
        (curl.is_none(), "curl"),
    ]
    .into_iter()
    .filter_map(|(gone, what)| gone.then_some(what))
    .collect();
    if missing.is_empty() {
        return Some(Tools {
            postgres: postgres?,
            s3_endpoint: s3_endpoint?,
            nginx: nginx?,
            openssl: openssl?,
            systemd_analyze: systemd_analyze?,
            promtool: promtool?,
        });
    }
    let message =
        format!("\n!!! walkthrough: SKIPPED — missing {}. `bash .ci/run` provides them. !!!\n", missing.join(", "));
    assert!(!std::env::var("CI").is_ok_and(|v| v == "true"), "{message}(CI=true: this test must run in CI)");
    eprintln!("{message}");
    None
}

fn run(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    let text = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    (out.status.success(), text)
}

/// A browser's view of the portal through nginx over TLS: curl with a cookie jar, the public
/// host name resolved to the load balancer's port on loopback.
struct Browser {
    jar: PathBuf,
    resolve: String,
    base: String,
}

impl Browser {
    fn new(dir: &Path, name: &str, lb_port: u16) -> Browser {
        Browser {
            jar: dir.join(format!("{name}.cookies")),
            resolve: format!("portal.example.com:{lb_port}:127.0.0.1"),
            base: format!("https://portal.example.com:{lb_port}"),
        }
    }

    fn call(&self, method: &str, path: &str, body: Option<Value>) -> (u16, Value) {
        let mut cmd = Command::new("curl");
        cmd.args(["-sS", "--insecure", "--max-time", "20", "-X", method, "--resolve", &self.resolve])
            .arg("--cookie")
            .arg(&self.jar)
            .arg("--cookie-jar")
            .arg(&self.jar)
            .args(["-w", "\n%{http_code}"]);
        if let Some(body) = body {
            cmd.args(["-H", "Content-Type: application/json", "--data-binary", &body.to_string()]);
        }
        cmd.arg(format!("{}{path}", self.base));
        let (ok, text) = run(&mut cmd);
        assert!(ok, "curl {method} {path}: {text}");
        let (body, status) = text.rsplit_once('\n').unwrap();
        (status.trim().parse().unwrap(), serde_json::from_str(body).unwrap_or(Value::String(body.to_owned())))
    }
}

#[test]
fn the_walkthrough_runs_two_instances_behind_nginx_over_tls() {
    let Some(tools) = prerequisites() else { return };
    let dir = tempfile::tempdir().unwrap();
    let tmp = dir.path();

    // ── The environment file, with the test's own database, key, data directory and bucket. ──
    let mut env = environment_file(&file_block("/etc/inventory-portal/portal.env"));
    let documented_url = env["PORTAL_DATABASE_URL"].clone();
    assert_eq!(documented_url, "postgres:///portal?host=/var/run/postgresql", "the walk-through's socket URL");
    let schema = Schema::create(&tools.postgres, "walkthrough");
    // The same form (local socket, the OS user as the role), on the test database and schema.
    let schema_option = schema.url().rsplit_once("options=").unwrap().1.to_owned();
    env.insert(
        "PORTAL_DATABASE_URL".into(),
        format!("postgres:///test?host=/var/run/postgresql&options={schema_option}"),
    );
    use base64::Engine as _;
    let key = base64::engine::general_purpose::STANDARD.encode(std::array::from_fn::<u8, 32, _>(|i| i as u8 * 3 + 11));
    env.insert("PORTAL_SECRET_KEY".into(), key);
    env.insert("PORTAL_DATA_DIR".into(), tmp.join("var-lib").display().to_string());
    let stamp = std::time::UNIX_EPOCH.elapsed().unwrap().as_nanos();
    let created = Command::new("curl")
        .args(["-fsS", "-X", "PUT", "-o", "/dev/null", &format!("{}/portal-test", tools.s3_endpoint)])
        .status()
        .unwrap();
    assert!(created.success(), "creating the test bucket");
    env.insert("PORTAL_ATTACHMENTS_URL".into(), format!("s3://portal-test/walkthrough-{stamp}"));
    env.insert("AWS_ENDPOINT_URL".into(), tools.s3_endpoint.clone());
    // Only placeholders the portal accepts as they are (mail and text providers are contacted
    // on first use, never at startup) may remain.
    for (name, value) in &env {
        if value.contains("CHANGE-ME") {
            assert!(
                ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "PORTAL_MAIL_SMTP_URL", "PORTAL_SMS_TWILIO_AUTH_TOKEN"]
                    .contains(&name.as_str()),
                "{name} is still CHANGE-ME"
            );
        }
    }
    std::fs::write(tmp.join("portal.env"), env.iter().map(|(k, v)| format!("{k}={v}\n")).collect::<String>()).unwrap();
    let portal = |args: &[&str]| {
        let mut cmd = portal_command(args, tmp);
        cmd.envs(&env);
        cmd
    };

    // ── The unit: systemd accepts it as written (binary and file paths made local). ──
    let unit = file_block("/etc/systemd/system/inventory-portal@.service");
    assert!(unit.contains("Environment=PORTAL_LISTEN=127.0.0.1:808%i\n"), "{unit}");
    let unit_dir = tmp.join("systemd");
    std::fs::create_dir_all(&unit_dir).unwrap();
    let local_unit = unit
        .replace("ExecStart=/usr/local/bin/inventory-portal", &format!("ExecStart={BIN}"))
        .replace("/etc/inventory-portal/portal.env", &tmp.join("portal.env").display().to_string());
    std::fs::write(unit_dir.join("inventory-portal@.service"), local_unit).unwrap();
    let (ok, said) = run(Command::new(&tools.systemd_analyze)
        .args(["verify", "--man=no"])
        .arg(unit_dir.join("inventory-portal@1.service")));
    assert!(ok && said.trim().is_empty(), "systemd-analyze verify: {said}");

    // ── Step 5: migrate, the first administrator, two instances. ──
    run_to_end(portal(&["migrate"]), &["migrate"], None).assert_success();
    let add_admin = "user add --role admin --email you@example.com --name \"Your Name\" --password-stdin";
    assert!(DOC.contains(add_admin), "the walk-through's first-administrator command");
    let admin_args =
        ["user", "add", "--role", "admin", "--email", "you@example.com", "--name", "Your Name", "--password-stdin"];
    run_to_end(portal(&admin_args), &admin_args, Some(PASSWORD)).assert_success();
    let ports = [free_port(), free_port()];
    let mut instances: Vec<Proc> = ports
        .iter()
        .map(|port| {
            let mut cmd = portal(&["serve"]);
            cmd.env("PORTAL_LISTEN", format!("127.0.0.1:{port}"));
            let instance = Proc::spawn("a walk-through instance", cmd);
            instance.wait_running();
            instance
        })
        .collect();

    // ── Step 6: the nginx site, on the test's ports, with a self-signed certificate. ──
    let site = file_block("/etc/nginx/sites-available/inventory-portal");
    let lb_port = free_port();
    for documented in ["server 127.0.0.1:8081 ", "server 127.0.0.1:8082 ", "listen 443 ssl;"] {
        assert!(site.contains(documented), "{documented:?} in the site file");
    }
    let nginx_dir = tmp.join("nginx");
    std::fs::create_dir_all(&nginx_dir).unwrap();
    let (ok, said) = run(Command::new(&tools.openssl)
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=portal.example.com"])
        .arg("-keyout")
        .arg(nginx_dir.join("privkey.pem"))
        .arg("-out")
        .arg(nginx_dir.join("fullchain.pem")));
    assert!(ok, "openssl: {said}");
    let site = site
        .replace("server 127.0.0.1:8081 ", &format!("server 127.0.0.1:{} ", ports[0]))
        .replace("server 127.0.0.1:8082 ", &format!("server 127.0.0.1:{} ", ports[1]))
        .replace("listen 443 ssl;", &format!("listen 127.0.0.1:{lb_port} ssl;"))
        .replace("/etc/ssl/inventory-portal", &nginx_dir.display().to_string());
    std::fs::write(nginx_dir.join("site.conf"), site).unwrap();
    let d = nginx_dir.display();
    // What Debian's /etc/nginx/nginx.conf gives a site, minus what needs root.
    std::fs::write(
        nginx_dir.join("nginx.conf"),
        format!(
            "daemon off;\nworker_processes 1;\npid {d}/nginx.pid;\nerror_log {d}/error.log warn;\n\
             events {{ worker_connections 64; }}\n\
             http {{\n    access_log off;\n    client_body_temp_path {d}/tmp_body;\n    proxy_temp_path {d}/tmp_proxy;\n\
             \x20   fastcgi_temp_path {d}/tmp_fcgi;\n    uwsgi_temp_path {d}/tmp_uwsgi;\n    scgi_temp_path {d}/tmp_scgi;\n\
             \x20   include {d}/site.conf;\n}}\n"
        ),
    )
    .unwrap();
    let nginx = |extra: &[&str]| {
        let mut cmd = Command::new(&tools.nginx);
        cmd.arg("-p").arg(&nginx_dir).arg("-c").arg(nginx_dir.join("nginx.conf")).args(extra);
        cmd
    };
    let (ok, said) = run(&mut nginx(&["-t"]));
    assert!(ok, "nginx -t: {said}");
    let _nginx = Nginx { proc: Proc::spawn("nginx", nginx(&[])), stop: nginx(&["-s", "stop"]) };
    let deadline = Instant::now() + Duration::from_secs(20);
    while std::net::TcpStream::connect(("127.0.0.1", lb_port)).is_err() {
        assert!(Instant::now() < deadline, "nginx did not start; see {d}/error.log");
        std::thread::sleep(Duration::from_millis(50));
    }

    // ── Sign in as the administrator through nginx, over TLS, and set up an authenticator. ──
    let admin = Browser::new(tmp, "admin", lb_port);
    assert_eq!(admin.call("GET", "/readyz", None).0, 200);
    let (status, reply) =
        admin.call("POST", "/api/v1/login", Some(json!({ "email": "you@example.com", "password": PASSWORD })));
    assert_eq!((status, reply["state"].as_str()), (200, Some("mfa_setup_required")), "{reply}");
    let jar = std::fs::read_to_string(&admin.jar).unwrap();
    assert!(jar.contains("__Host-portal_session"), "an https public URL gives __Host- cookies: {jar}");
    let (status, setup) = admin.call("POST", "/api/v1/mfa/totp/setup", Some(json!({})));
    assert_eq!(status, 200, "{setup}");
    let secret = setup["secret"].as_str().unwrap().to_owned();
    let (status, reply) =
        admin.call("POST", "/api/v1/mfa/totp/confirm", Some(json!({ "code": oathtool_at(&secret, now()) })));
    assert_eq!(status, 200, "{reply}");
    for _ in 0..4 {
        let (status, me) = admin.call("GET", "/api/v1/me", None);
        assert_eq!((status, me["email"].as_str()), (200, Some("you@example.com")), "{me}");
    }

    // ── One instance goes away: nginx carries on with the other, the session with it. ──
    instances[0].kill();
    for _ in 0..4 {
        let (status, me) = admin.call("GET", "/api/v1/me", None);
        assert_eq!(status, 200, "{me}");
    }
    drop(instances);

    // ── Step 7: the Metrics section's Prometheus files with the walk-through's targets. ──
    let rules = tmp.join("portal-alerts.yml");
    std::fs::write(&rules, yaml_block("PortalLockoutsRising")).unwrap();
    let config = yaml_block("scrape_configs");
    let documented_targets = config.lines().find(|l| l.contains("targets:")).expect("a targets line").trim().to_owned();
    let config = config
        .replace(&documented_targets, "- targets: ['127.0.0.1:8081', '127.0.0.1:8082']")
        .replace("/etc/prometheus/portal-alerts.yml", &rules.display().to_string());
    assert!(DOC.contains("targets: ['127.0.0.1:8081', '127.0.0.1:8082']"), "the walk-through names these targets");
    std::fs::write(tmp.join("prometheus.yml"), config).unwrap();
    let (ok, said) = run(Command::new(&tools.promtool).args(["check", "config"]).arg(tmp.join("prometheus.yml")));
    assert!(ok, "promtool check config: {said}");
    assert!(said.contains("3 rules found"), "{said}");
}
