//! A person's browser for the end-to-end tests: headless Chromium driven through chromedriver
//! (WebDriver, via fantoccini) against the real portal on a random 127.0.0.1 port.
//!
//! Every page a journey visits goes through [`Browser::page`]: a screenshot at desktop
//! (1280×800) and mobile (375×667) size under `target/screenshots/<journey>/`, axe-core at both
//! sizes (serious and critical violations fail), no sideways scroll and tappable controls at
//! 375 px, code fields marked for one-time codes, and no request, form or link target that leaves
//! the portal or opens a window. Problems are printed as they are found and fail the journey in
//! [`Browser::finish`], so one run reports all of them.
//!
//! Nothing is skipped: a missing Chromium, chromedriver or axe-core fails the test and says to
//! run `.ci/run`, which installs them.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // test support: fail the test loudly

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::wd::Capabilities;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};

pub use fantoccini;

/// Debian's Chromium (package `chromium`).
pub const CHROMIUM: &str = "/usr/bin/chromium";
/// The viewport of the desktop screenshots and of the journeys' clicking and typing.
pub const DESKTOP: (u32, u32) = (1280, 800);
/// A small phone's viewport.
pub const MOBILE: (u32, u32) = (375, 667);

const WAIT: Duration = Duration::from_secs(15);
const POLL: Duration = Duration::from_millis(50);

/// The workspace root (`crates/e2e/../..`).
pub fn workspace_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    dir.canonicalize().unwrap_or(dir)
}

/// Where `.ci/run` installs axe-core (`npm install --prefix target/e2e-node axe-core@4`).
pub fn axe_path() -> PathBuf {
    workspace_dir().join("target/e2e-node/node_modules/axe-core/axe.min.js")
}

/// `target/screenshots/<journey>/`.
pub fn screenshots_dir(journey: &str) -> PathBuf {
    workspace_dir().join("target/screenshots").join(journey)
}

/// JavaScript on, or off as a user or an administrator may have it (the Chrome content
/// setting, so pages' own scripts never run; WebDriver's scripts still do).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Js {
    Enabled,
    Disabled,
}

fn on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|dir| dir.join(program)).find(|p| p.is_file())
}

/// The tools every journey needs; a missing one fails the test with what to do about it.
fn prerequisites() -> (PathBuf, String) {
    assert!(
        Path::new(CHROMIUM).is_file(),
        "{CHROMIUM} is missing: run .ci/run (it installs Debian's chromium and chromium-driver)"
    );
    let driver = on_path("chromedriver")
        .expect("chromedriver is not on PATH: run .ci/run (it installs Debian's chromium-driver)");
    let axe = std::fs::read_to_string(axe_path()).unwrap_or_else(|e| {
        panic!(
            "axe-core is missing at {} ({e}): run .ci/run (it runs `npm install --prefix target/e2e-node axe-core@4`)",
            axe_path().display()
        )
    });
    (driver, axe)
}

/// A chromedriver child in a process group of its own; dropping it ends the group (chromedriver
/// and the Chromium it started) by its id.
struct Driver {
    child: Child,
}

impl Drop for Driver {
    fn drop(&mut self) {
        let group = format!("-{}", self.child.id());
        let _ = Command::new("kill").args(["-KILL", "--", &group]).stderr(Stdio::null()).status();
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).expect("a free local port").port()
}

async fn start_driver(program: &Path) -> (Driver, u16) {
    use std::os::unix::process::CommandExt;
    let port = free_port();
    let child = Command::new(program)
        .arg(format!("--port={port}"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0)
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", program.display()));
    let driver = Driver { child };
    let started = Instant::now();
    while tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_err() {
        assert!(started.elapsed() < WAIT, "chromedriver did not listen on port {port} within {WAIT:?}");
        tokio::time::sleep(POLL).await;
    }
    (driver, port)
}

fn capabilities(profile: &Path, js: Js) -> Capabilities {
    let mut options = json!({
        "binary": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            format!("--user-data-dir={}", profile.display()),
            format!("--window-size={},{}", DESKTOP.0, DESKTOP.1),
        ],
    });
    if js == Js::Disabled {
        options["prefs"] = json!({ "profile.managed_default_content_settings.javascript": 2 });
    }
    let caps = json!({ "browserName": "chrome", "pageLoadStrategy": "normal", "goog:chromeOptions": options });
    match caps {
        Value::Object(map) => map,
        _ => unreachable!("a JSON object"),
    }
}

/// An XPath string literal for text without double quotes.
fn xpath_literal(text: &str) -> String {
    assert!(!text.contains('"'), "labels with double quotes are not supported: {text}");
    format!("\"{text}\"")
}

/// One browser session for one journey.
pub struct Browser {
    pub client: Client,
    base_url: String,
    journey: String,
    js: Js,
    axe: String,
    shots: PathBuf,
    page_no: u32,
    /// Window size minus viewport size (headless Chromium still has a window frame).
    frame: Option<(i64, i64)>,
    problems: Vec<String>,
    report: Vec<Value>,
    started: Instant,
    // Declared last: the driver (and its Chromium) ends before the profile is removed.
    _driver: Driver,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Starts chromedriver and a fresh headless Chromium for `journey`, whose screenshots go to
    /// `target/screenshots/<journey>/` (emptied first).
    pub async fn start(base_url: &str, journey: &str, js: Js) -> Browser {
        let started = Instant::now();
        let (program, axe) = prerequisites();
        let shots = screenshots_dir(journey);
        let _ = std::fs::remove_dir_all(&shots);
        std::fs::create_dir_all(&shots).expect("create the screenshot directory");
        let profile = tempfile::Builder::new().prefix("e2e-chromium-").tempdir().expect("a profile directory");
        // The port is chosen free and then handed to chromedriver, so another process can take
        // it in between, and a loaded machine can drop the first request: start afresh a few
        // times before calling it a failure.
        let mut attempt = 1;
        let (client, driver) = loop {
            let (driver, port) = start_driver(&program).await;
            let connector = hyper_util::client::legacy::connect::HttpConnector::new();
            match ClientBuilder::new(connector)
                .capabilities(capabilities(profile.path(), js))
                .connect(&format!("http://127.0.0.1:{port}"))
                .await
            {
                Ok(client) => break (client, driver),
                Err(e) if attempt < 3 => {
                    eprintln!("chromedriver attempt {attempt} failed ({e}); starting it again");
                    drop(driver);
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(500)).await;
                }
                Err(e) => panic!("chromedriver could not start {CHROMIUM}: {e}"),
            }
        };
        let mut browser = Browser {
            client,
            base_url: base_url.trim_end_matches('/').to_owned(),
            journey: journey.to_owned(),
            js,
            axe,
            shots,
            page_no: 0,
            frame: None,
            problems: Vec::new(),
            report: Vec::new(),
            started,
            _driver: driver,
            _profile: profile,
        };
        browser.set_viewport(DESKTOP).await;
        browser
    }

    pub fn js(&self) -> Js {
        self.js
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base_url)
    }

    /// Types an address into the address bar, as it were.
    pub async fn goto(&self, path: &str) {
        self.client.goto(&self.url(path)).await.unwrap_or_else(|e| panic!("open {path}: {e}"));
    }

    /// Runs a script in the page and returns its JSON result.
    pub async fn script(&self, js: &str) -> Value {
        self.client.execute(js, Vec::new()).await.unwrap_or_else(|e| panic!("script failed: {e}\n{js}"))
    }

    /// The path (and query) of the page the browser shows.
    pub async fn path(&self) -> String {
        let url = self.client.current_url().await.expect("current URL");
        match url.query() {
            Some(q) => format!("{}?{q}", url.path()),
            None => url.path().to_owned(),
        }
    }

    /// The text a person reads on the page.
    pub async fn text(&self) -> String {
        self.script("return document.body ? document.body.innerText : '';")
            .await
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(WAIT).every(POLL).for_element(Locator::Css(css)).await {
            Ok(e) => e,
            Err(e) => panic!("no {css} on {} ({e}):\n{}", self.path().await, self.text().await),
        }
    }

    /// Clears a field and types into it.
    pub async fn fill(&self, css: &str, text: &str) {
        let field = self.find(css).await;
        field.clear().await.unwrap_or_else(|e| panic!("clear {css}: {e}"));
        field.send_keys(text).await.unwrap_or_else(|e| panic!("type into {css}: {e}"));
    }

    /// The button, link or disclosure a person would choose by its words: a `<button>`, an
    /// `<a>` or a `<summary>` whose text is `label`, or a card link or card button whose heading
    /// is `label`.
    pub async fn choose(&self, label: &str) {
        let l = xpath_literal(label);
        let xpath = format!(
            "(//button[normalize-space()={l}] | //a[normalize-space()={l}] | //summary[normalize-space()={l}] \
             | //a[.//strong[normalize-space()={l}]] | //button[.//strong[normalize-space()={l}]])[1]"
        );
        let element = match self.client.wait().at_most(WAIT).every(POLL).for_element(Locator::XPath(&xpath)).await {
            Ok(e) => e,
            Err(e) => panic!("nothing labelled {label:?} on {} ({e}):\n{}", self.path().await, self.text().await),
        };
        element.click().await.unwrap_or_else(|e| panic!("click {label:?}: {e}"));
    }

    /// Presses and releases a key on whatever has the focus.
    pub async fn key(&self, key: Key) {
        let k: char = key.into();
        let keys =
            KeyActions::new("keyboard".into()).then(KeyAction::Down { value: k }).then(KeyAction::Up { value: k });
        self.client.perform_actions(keys).await.expect("keyboard input");
    }

    /// Presses Tab until the focus is on `css` (at most `max` times), as a keyboard user does;
    /// returns the number of presses.
    pub async fn tab_to(&self, css: &str, max: usize) -> usize {
        let check = format!("return !!document.activeElement && document.activeElement.matches({});", json!(css));
        for n in 1..=max {
            self.key(Key::Tab).await;
            if self.script(&check).await == Value::Bool(true) {
                return n;
            }
        }
        panic!("{css} was not reached with {max} presses of Tab on {}", self.path().await);
    }

    /// Types into the focused element (then Enter, if `enter`), as a keyboard user does.
    pub async fn type_into_focus(&self, text: &str, enter: bool) {
        let mut keys = text.to_owned();
        if enter {
            keys.push(char::from(Key::Enter));
        }
        let focused = self.client.active_element().await.expect("the focused element");
        focused.send_keys(&keys).await.expect("type into the focused element");
    }

    /// Records a problem (printed now, failing the journey in [`Browser::finish`]).
    pub fn problem(&mut self, what: String) {
        eprintln!("PROBLEM [{}] {what}", self.journey);
        self.problems.push(what);
    }

    /// The problems found so far, taken away (for the harness's own test, which makes some on
    /// purpose).
    pub fn take_problems(&mut self) -> Vec<String> {
        std::mem::take(&mut self.problems)
    }

    /// Sets the window's inner size, e.g. [`MOBILE`], for a check at that width (the page checks
    /// set their own sizes and leave the desktop size behind).
    pub async fn set_viewport(&mut self, (width, height): (u32, u32)) {
        let mut seen = (0, 0);
        for _ in 0..3 {
            let (fw, fh) = self.frame.unwrap_or((0, 0));
            let (w, h) = (i64::from(width) + fw, i64::from(height) + fh);
            self.client.set_window_size(w as u32, h as u32).await.expect("resize the window");
            let inner = self.script("return [window.innerWidth, window.innerHeight];").await;
            seen = (inner[0].as_i64().unwrap_or(0), inner[1].as_i64().unwrap_or(0));
            if seen == (i64::from(width), i64::from(height)) {
                return;
            }
            self.frame = Some((w - seen.0, h - seen.1));
        }
        panic!("the viewport is {}×{}, not {width}×{height}", seen.0, seen.1);
    }

    /// Waits for a page other than the ones already checked whose main heading contains
    /// `heading`, then checks it and takes its screenshots as `NN-name`.
    pub async fn page(&mut self, name: &str, heading: &str) {
        self.wait_for_page(heading).await;
        self.check(name, None).await;
    }

    /// Checks the current page again after a change within it (say a disclosure was opened);
    /// the screenshots show `css` (scrolled to the middle of the window).
    pub async fn same_page(&mut self, name: &str, css: &str) {
        self.check(name, Some(css)).await;
    }

    async fn wait_for_page(&self, heading: &str) {
        let probe = "return [document.readyState, window.__e2eChecked === true, \
                     (document.querySelector('h1') || {textContent: ''}).textContent.trim()];";
        let started = Instant::now();
        loop {
            // A navigation in progress can make a script fail for a moment; try again.
            if let Ok(v) = self.client.execute(probe, Vec::new()).await {
                let ready = v[0] == "complete" && v[1] == false;
                if ready && v[2].as_str().is_some_and(|h| h.contains(heading)) {
                    return;
                }
                if started.elapsed() > WAIT {
                    panic!(
                        "expected a new page headed {heading:?}; after {WAIT:?} the browser shows {} headed {:?}:\n{}",
                        self.path().await,
                        v[2],
                        self.text().await
                    );
                }
            }
            tokio::time::sleep(POLL).await;
        }
    }

    async fn check(&mut self, name: &str, show: Option<&str>) {
        let scroll = match show {
            Some(css) => format!("document.querySelector({}).scrollIntoView({{ block: 'center' }});", json!(css)),
            None => "window.scrollTo(0, 0);".to_owned(),
        };
        self.page_no += 1;
        let stem = format!("{:02}-{name}", self.page_no);
        let path = self.path().await;
        let mut entry = json!({ "page": stem, "path": path });

        self.check_origin_and_windows(&stem).await;
        self.check_code_fields(&stem).await;

        self.set_viewport(DESKTOP).await;
        self.script(&scroll).await;
        self.screenshot(&format!("{stem}-desktop.png")).await;
        self.check_overflow(&stem, "desktop").await;
        entry["axe_desktop"] = self.axe(&stem, "desktop").await;

        self.set_viewport(MOBILE).await;
        self.script(&scroll).await;
        self.screenshot(&format!("{stem}-mobile.png")).await;
        self.check_overflow(&stem, "mobile").await;
        self.check_tap_targets(&stem).await;
        entry["axe_mobile"] = self.axe(&stem, "mobile").await;

        self.set_viewport(DESKTOP).await;
        self.script("window.scrollTo(0, 0); window.__e2eChecked = true;").await;
        self.report.push(entry);
    }

    async fn screenshot(&self, file: &str) {
        let png = self.client.screenshot().await.expect("a screenshot");
        std::fs::write(self.shots.join(file), png).expect("save the screenshot");
    }

    /// Every request the page made (Performance API), every form's target and every link's
    /// window target stay in the portal; the browser has one window.
    async fn check_origin_and_windows(&mut self, stem: &str) {
        let seen = self
            .script(
                "return {
                   requests: performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                     .map(e => e.name),
                   forms: Array.from(document.forms, f => f.action),
                   targets: Array.from(document.querySelectorAll('[target]'))
                     .filter(e => e.getAttribute('target') !== '_self').map(e => e.outerHTML),
                 };",
            )
            .await;
        let inside = |url: &str| url == self.base_url || url.starts_with(&format!("{}/", self.base_url));
        let mut found = Vec::new();
        for url in seen["requests"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !inside(url) {
                found.push(format!("{stem}: request outside the portal: {url}"));
            }
        }
        for url in seen["forms"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !inside(url) {
                found.push(format!("{stem}: form posts outside the portal: {url}"));
            }
        }
        for html in seen["targets"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            found.push(format!("{stem}: element opens another window or frame: {html}"));
        }
        let windows = self.client.windows().await.expect("window handles").len();
        if windows != 1 {
            found.push(format!("{stem}: {windows} windows are open (pop-up?)"));
        }
        for p in found {
            self.problem(p);
        }
    }

    /// Code fields ask for one-time codes with a numeric keypad and have a label.
    async fn check_code_fields(&mut self, stem: &str) {
        let fields = self
            .script(
                "return Array.from(document.querySelectorAll('input[name=code]'), i => ({
                   id: i.id, autocomplete: i.getAttribute('autocomplete'), inputmode: i.getAttribute('inputmode'),
                   labels: i.labels ? i.labels.length : 0 }));",
            )
            .await;
        for f in fields.as_array().into_iter().flatten() {
            if f["autocomplete"] != "one-time-code" || f["inputmode"] != "numeric" || f["labels"] == 0 {
                self.problem(format!("{stem}: code field without one-time-code/numeric/label: {f}"));
            }
        }
    }

    async fn check_overflow(&mut self, stem: &str, size: &str) {
        let v = self.script("return [document.documentElement.scrollWidth, window.innerWidth];").await;
        let (scroll, inner) = (v[0].as_i64().unwrap_or(0), v[1].as_i64().unwrap_or(0));
        if scroll > inner {
            let wide = self
                .script(
                    "return Array.from(document.querySelectorAll('body *'))
                       .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
                       .slice(0, 5).map(e => e.outerHTML.slice(0, 160));",
                )
                .await;
            self.problem(format!(
                "{stem} ({size}): scrolls sideways: scrollWidth {scroll} > innerWidth {inner}; {wide}"
            ));
        }
    }

    /// At 375 px every control is inside the viewport and not covered by something else where
    /// a finger lands (its middle; for a link that wraps, the middle of its first line). Sizes
    /// are axe-core's `target-size` rule (WCAG 2.5.8, with its spacing and inline exceptions).
    async fn check_tap_targets(&mut self, stem: &str) {
        let bad = self
            .script(
                "const out = [];
                 const vw = window.innerWidth;
                 for (const el of document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')) {
                   const cs = getComputedStyle(el);
                   if (el.hidden || cs.display === 'none' || cs.visibility === 'hidden' || el.getClientRects().length === 0) continue;
                   if (el.tagName !== 'SUMMARY' && el.closest('details:not([open])')) continue;
                   let r = el.getBoundingClientRect();
                   // Off-screen until focused (the skip link).
                   if (cs.position === 'absolute' && (r.right <= 0 || r.bottom <= 0)) continue;
                   el.scrollIntoView({ block: 'center', inline: 'nearest' });
                   r = el.getBoundingClientRect();
                   const what = el.outerHTML.slice(0, 120);
                   if (r.left < -0.5 || r.right > vw + 0.5)
                     out.push(`outside the ${vw} px viewport (${Math.round(r.left)}..${Math.round(r.right)}): ${what}`);
                   const first = el.getClientRects()[0];
                   const x = Math.min(Math.max(first.left + first.width / 2, 1), vw - 1), y = first.top + first.height / 2;
                   const hit = document.elementFromPoint(x, y);
                   const labels = Array.from(el.labels || []);
                   if (!hit || !(el.contains(hit) || labels.some(l => l.contains(hit))))
                     out.push(`covered by ${hit ? hit.outerHTML.slice(0, 80) : 'nothing'}: ${what}`);
                 }
                 window.scrollTo(0, 0);
                 return out;",
            )
            .await;
        for b in bad.as_array().into_iter().flatten().filter_map(Value::as_str) {
            self.problem(format!("{stem} (mobile): cannot be tapped: {b}"));
        }
    }

    /// Runs axe-core (injected through WebDriver, which the page's CSP does not govern);
    /// serious and critical violations are problems, the rest are printed. Returns all of them.
    async fn axe(&mut self, stem: &str, size: &str) -> Value {
        if self.script("return typeof window.axe;").await != "object" {
            let injected = self.script(&format!("{}\n;return typeof window.axe;", self.axe)).await;
            assert_eq!(injected, "object", "axe-core did not load into the page");
        }
        // With JavaScript switched off, Chromium still runs WebDriver's scripts and their promise
        // callbacks, but no timers: for the run, axe-core's short timers (it yields with 0 ms)
        // become promise callbacks, and its long ones (guards against hung frames and
        // downloads) never fire.
        let result = self
            .client
            .execute_async(
                "const done = arguments[arguments.length - 1];
                 const noJs = arguments[0];
                 const [realSet, realClear] = [window.setTimeout, window.clearTimeout];
                 if (noJs) {
                   let next = 1;
                   const live = new Set();
                   window.setTimeout = (f, ms, ...args) => {
                     const id = next++;
                     if (!(ms > 100)) {
                       live.add(id);
                       Promise.resolve().then(() => { if (live.delete(id)) f(...args); });
                     }
                     return id;
                   };
                   window.clearTimeout = id => { live.delete(id); };
                 }
                 const finish = value => {
                   window.setTimeout = realSet;
                   window.clearTimeout = realClear;
                   done(value);
                 };
                 axe.run(document, { resultTypes: ['violations'], rules: { 'target-size': { enabled: true } } })
                   .then(r => finish(r.violations.map(v => ({
                      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                      nodes: v.nodes.map(n => ({ target: n.target.join(' '), html: n.html, summary: n.failureSummary })),
                   }))))
                   .catch(e => finish({ error: String(e) }));",
                vec![Value::Bool(self.js == Js::Disabled)],
            )
            .await
            .unwrap_or_else(|e| panic!("axe-core failed on {stem}: {e}"));
        if let Some(err) = result.get("error") {
            panic!("axe-core failed on {stem}: {err}");
        }
        for v in result.as_array().into_iter().flatten() {
            let impact = v["impact"].as_str().unwrap_or("unknown");
            let nodes: Vec<String> = v["nodes"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|n| format!("\n      {} {}\n      {}", n["target"], n["html"], n["summary"]))
                .collect();
            let line = format!(
                "{stem} ({size}): axe {impact} {}: {} ({}){}",
                v["id"],
                v["help"],
                v["helpUrl"],
                nodes.concat()
            );
            if matches!(impact, "serious" | "critical") {
                self.problem(line);
            } else {
                eprintln!("note [{}] {line}", self.journey);
            }
        }
        result
    }

    /// Ends the journey: one window, nothing that opens another; writes
    /// `target/screenshots/<journey>/report.json`, closes the browser, and fails with every
    /// problem found on the way.
    pub async fn finish(mut self) {
        let windows = self.client.windows().await.expect("window handles").len();
        if windows != 1 {
            self.problem(format!("end of journey: {windows} windows are open"));
        }
        let blank = self.script("return document.querySelectorAll('[target=_blank]').length;").await;
        if blank != 0 {
            self.problem(format!("end of journey: {blank} elements with target=_blank"));
        }
        let report = json!({
            "journey": self.journey,
            "javascript": self.js == Js::Enabled,
            "seconds": self.started.elapsed().as_secs_f64(),
            "pages": self.report,
            "problems": self.problems,
        });
        let text = serde_json::to_string_pretty(&report).expect("report JSON");
        std::fs::write(self.shots.join("report.json"), text).expect("write the report");
        let _ = self.client.clone().close().await;
        eprintln!(
            "journey {} ({} pages, {:.1} s): screenshots in {}",
            self.journey,
            self.page_no,
            self.started.elapsed().as_secs_f64(),
            self.shots.display()
        );
        assert!(
            self.problems.is_empty(),
            "journey {} found {} problem(s):\n- {}",
            self.journey,
            self.problems.len(),
            self.problems.join("\n- ")
        );
    }
}

/// A command of the W3C WebAuthn WebDriver extension (`/session/{id}/webauthn/…`), which
/// fantoccini has no method for.
#[derive(Debug)]
struct WebAuthnCommand {
    method: http::Method,
    path: String,
    body: Option<Value>,
}

impl fantoccini::wd::WebDriverCompatibleCommand for WebAuthnCommand {
    fn endpoint(&self, base: &url::Url, session: Option<&str>) -> Result<url::Url, url::ParseError> {
        base.join(&format!("session/{}/webauthn/{}", session.unwrap_or_default(), self.path))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (self.method.clone(), self.body.as_ref().map(Value::to_string))
    }
}

impl Browser {
    async fn webauthn(&self, method: http::Method, path: String, body: Option<Value>) -> Value {
        let what = format!("{method} webauthn/{path}");
        self.client.issue_cmd(WebAuthnCommand { method, path, body }).await.unwrap_or_else(|e| panic!("{what}: {e}"))
    }

    /// A virtual platform authenticator, as a phone or laptop has: CTAP2, built in, keeping
    /// discoverable credentials, with user verification that succeeds. Returns its id.
    pub async fn add_virtual_authenticator(&self) -> String {
        let body = json!({
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": true,
            "hasUserVerification": true,
            "isUserVerified": true,
            "isUserConsenting": true,
        });
        let id = self.webauthn(http::Method::POST, "authenticator".into(), Some(body)).await;
        id.as_str().expect("an authenticator id").to_owned()
    }

    /// The credentials the virtual authenticator `id` holds.
    pub async fn virtual_credentials(&self, id: &str) -> Vec<Value> {
        let found = self.webauthn(http::Method::GET, format!("authenticator/{id}/credentials"), None).await;
        found.as_array().cloned().unwrap_or_default()
    }

    /// Removes every credential of the virtual authenticator `id`.
    pub async fn remove_virtual_credentials(&self, id: &str) {
        self.webauthn(http::Method::DELETE, format!("authenticator/{id}/credentials"), None).await;
    }

    /// Puts `credential` (as `virtual_credentials` lists one: id, key, user handle, counter)
    /// into the virtual authenticator `id`.
    pub async fn add_virtual_credential(&self, id: &str, credential: &Value) {
        let mut body = json!({});
        for field in ["credentialId", "isResidentCredential", "rpId", "privateKey", "userHandle", "signCount"] {
            body[field] = credential[field].clone();
        }
        self.webauthn(http::Method::POST, format!("authenticator/{id}/credential"), Some(body)).await;
    }

    /// Waits until the element `css` shows text containing `text` (a message a script writes).
    pub async fn wait_for_text(&self, css: &str, text: &str) {
        let started = Instant::now();
        loop {
            let shown = self
                .client
                .execute(
                    "const e = document.querySelector(arguments[0]); return e ? e.textContent : '';",
                    vec![json!(css)],
                )
                .await
                .unwrap_or_default();
            if shown.as_str().is_some_and(|t| t.contains(text)) {
                return;
            }
            if started.elapsed() > WAIT {
                panic!("{css} never said {text:?}; it says {shown}; the page:\n{}", self.text().await);
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Whether the authenticator's user verification (screen lock, fingerprint) succeeds.
    pub async fn set_user_verified(&self, id: &str, verified: bool) {
        let body = json!({ "isUserVerified": verified });
        self.webauthn(http::Method::POST, format!("authenticator/{id}/uv"), Some(body)).await;
    }
}
