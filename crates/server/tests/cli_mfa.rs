//! The support side of MFA as an operator uses it: `inventory-portal mfa status|extend|reset|
//! unlock` run as the real binary, each test in a fresh directory with its own SQLite database,
//! MFA switched on the guide's date (2023-01-18), and no other `PORTAL_*` variables. Every
//! action must leave an audit row naming the operator and the reason.

#![allow(clippy::expect_used, clippy::panic, clippy::unwrap_used)] // tests fail loudly

mod common;
use common::{PASSWORD, Run};
use std::path::Path;
use std::process::Command;

use portal_core::clock::{Clock as _, SystemClock};
use time::{Date, Duration};

/// The guide's switch-on date; its 45-day deadline is 2023-03-04.
const SWITCH_ON: &str = "2023-01-18";
const PAT: &str = "pat@example.com";

/// A directory of its own, used as the working directory, data directory and database home.
struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    fn new() -> Sandbox {
        Sandbox { dir: tempfile::tempdir().expect("temporary directory") }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn database(&self) -> std::path::PathBuf {
        self.path().join("portal.db")
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut cmd = common::portal_command(args, self.path());
        cmd.env("PORTAL_DATABASE_URL", format!("sqlite://{}", self.database().display()))
            .env("PORTAL_DATA_DIR", self.path())
            .env("PORTAL_MFA_ENFORCE_FROM", SWITCH_ON);
        cmd
    }

    fn run_with(&self, args: &[&str], stdin: Option<&str>) -> Run {
        common::run_to_end(self.command(args), args, stdin)
    }

    fn run(&self, args: &[&str]) -> Run {
        self.run_with(args, None)
    }

    fn add_user(&self, email: &str, role: &str, created: &str) {
        let args = ["user", "add", "--email", email, "--password-stdin", "--role", role, "--created", created];
        self.run_with(&args, Some(&format!("{PASSWORD}\n"))).assert_success();
    }

    /// A policyholder from before the switch-on, who never set MFA up.
    fn add_pat(&self) {
        self.add_user(PAT, "policyholder", "2022-05-01");
    }

    fn status(&self, email: &str) -> String {
        let run = self.run(&["mfa", "status", "--email", email]);
        run.assert_success();
        run.stdout
    }

    /// `(action, actor, details)` of every support row in the audit log, oldest first.
    fn support_audit(&self) -> Vec<(String, Option<String>, String)> {
        let url = format!("sqlite://{}", self.database().display());
        let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        runtime.block_on(async {
            let pool = sqlx::SqlitePool::connect(&url).await.unwrap_or_else(|e| panic!("open {url}: {e}"));
            let rows: Vec<(String, Option<String>, String)> = sqlx::query_as(
                "SELECT action, actor, details FROM audit_log WHERE action LIKE 'support.%' ORDER BY seq",
            )
            .fetch_all(&pool)
            .await
            .unwrap();
            pool.close().await;
            rows
        })
    }
}

/// Today by the clock the binary uses (the system clock, UTC).
fn today() -> Date {
    SystemClock.now().date()
}

/// `days` from today, as the binary (on the system clock, UTC) computes it; a run that straddles
/// midnight may see either day.
fn days_ahead(days: i64, before: Date, after: Date) -> [String; 2] {
    [(before + Duration::days(days)).to_string(), (after + Duration::days(days)).to_string()]
}

fn assert_mentions_one_of(text: &str, candidates: &[String]) {
    assert!(candidates.iter().any(|c| text.contains(c.as_str())), "none of {candidates:?} in:\n{text}");
}

fn assert_audited(row: &(String, Option<String>, String), action: &str, reason: &str) {
    let (got_action, actor, details) = row;
    assert_eq!(got_action, action, "{row:?}");
    let actor = actor.as_deref().unwrap_or_default();
    assert!(actor.starts_with("cli:") && actor.len() > "cli:".len(), "the operator is named: {row:?}");
    assert!(details.contains(reason), "the reason is kept: {row:?}");
    let details: serde_json::Value = serde_json::from_str(details).unwrap_or_else(|e| panic!("{e}: {details}"));
    assert!(details.is_object(), "{details}");
}

// ---------------------------------------------------------------------------------------------

#[test]
fn status_shows_an_expired_setup_with_the_deadline_from_the_switch_on_date() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    assert!(today() >= time::macros::date!(2023 - 03 - 04), "the test assumes today is past the guide's deadline");
    let status = sandbox.status(PAT);
    assert!(status.contains(PAT), "{status}");
    assert!(status.contains("policyholder"), "{status}");
    assert!(status.contains("methods:   none"), "{status}");
    assert!(status.contains("setup expired"), "{status}");
    assert!(status.contains("last sign-in: never"), "{status}");
    let deadline = status.lines().find(|l| l.starts_with("deadline:")).unwrap_or_else(|| panic!("{status}"));
    assert!(deadline.contains("2023-03-04"), "{deadline}");
    assert!(deadline.contains("switch-on date"), "{deadline}");
    assert!(sandbox.support_audit().is_empty(), "looking is not an action");
}

#[test]
fn extend_gives_the_user_days_from_today_and_is_audited_with_the_reason() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    let before = today();
    let run = sandbox.run(&["mfa", "extend", "--email", PAT, "--days", "7", "--reason", "called in"]);
    let after = today();
    run.assert_success();
    assert!(run.stdout.contains(PAT), "{}", run.stdout);
    let new_deadline = days_ahead(7, before, after);
    assert_mentions_one_of(&run.stdout, &new_deadline);

    let status = sandbox.status(PAT);
    assert!(status.contains("setup pending (7 days left)"), "{status}");
    let deadline = status.lines().find(|l| l.starts_with("deadline:")).unwrap_or_else(|| panic!("{status}"));
    assert!(deadline.contains("set by support"), "{deadline}");
    assert_mentions_one_of(deadline, &new_deadline);

    let rows = sandbox.support_audit();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_audited(&rows[0], "support.mfa.extend_deadline", "called in");
}

#[test]
fn extend_refuses_zero_days_and_more_than_ninety_naming_the_flag() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    for days in ["0", "91"] {
        let run = sandbox.run(&["mfa", "extend", "--email", PAT, "--days", days, "--reason", "called in"]);
        run.assert_failure_naming(&["--days"]);
    }
    assert!(sandbox.status(PAT).contains("setup expired"), "nothing changed");
    assert!(sandbox.support_audit().is_empty());
    // The edges themselves are accepted.
    sandbox.run(&["mfa", "extend", "--email", PAT, "--days", "1"]).assert_success();
    sandbox.run(&["mfa", "extend", "--email", PAT, "--days", "90"]).assert_success();
    assert!(sandbox.status(PAT).contains("setup pending (90 days left)"));
}

#[test]
fn extending_a_staff_account_is_refused() {
    let sandbox = Sandbox::new();
    sandbox.add_user("adam@example.com", "adjuster", "2022-05-01");
    let run = sandbox.run(&["mfa", "extend", "--email", "adam@example.com", "--days", "7", "--reason", "called in"]);
    run.assert_failure_naming(&["adam@example.com", "staff"]);
    assert!(sandbox.support_audit().is_empty(), "nothing was done");
    let status = sandbox.status("adam@example.com");
    assert!(status.contains("deadline:  none"), "staff have no deadline:\n{status}");
}

#[test]
fn reset_ends_sessions_and_gives_seven_days_and_is_audited_with_the_reason() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    let before = today();
    let run = sandbox.run(&["mfa", "reset", "--email", PAT, "--reason", "lost phone"]);
    let after = today();
    run.assert_success();
    assert!(run.stdout.contains("session(s) ended"), "{}", run.stdout);
    let new_deadline = days_ahead(7, before, after);
    assert_mentions_one_of(&run.stdout, &new_deadline);

    let status = sandbox.status(PAT);
    assert!(status.contains("methods:   none"), "{status}");
    assert!(status.contains("setup pending (7 days left)"), "{status}");
    assert!(status.contains("set by support"), "{status}");

    let rows = sandbox.support_audit();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_audited(&rows[0], "support.mfa.reset", "lost phone");
}

#[test]
fn unlock_clears_the_wrong_code_count_and_is_audited_with_the_reason() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    let run = sandbox.run(&["mfa", "unlock", "--email", PAT, "--reason", "verified by phone"]);
    run.assert_success();
    assert!(run.stdout.contains(&format!("Unlocked {PAT}")), "{}", run.stdout);
    assert!(sandbox.status(PAT).contains("wrong codes in a row: 0"));
    let rows = sandbox.support_audit();
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_audited(&rows[0], "support.mfa.unlock", "verified by phone");
}

#[test]
fn every_action_is_audited_in_order_even_without_a_reason() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    sandbox.run(&["mfa", "extend", "--email", PAT, "--days", "7", "--reason", "called in"]).assert_success();
    sandbox.run(&["mfa", "reset", "--email", PAT, "--reason", "lost phone"]).assert_success();
    sandbox.run(&["mfa", "unlock", "--email", PAT]).assert_success();
    let rows = sandbox.support_audit();
    assert_eq!(rows.len(), 3, "{rows:?}");
    assert_audited(&rows[0], "support.mfa.extend_deadline", "called in");
    assert_audited(&rows[1], "support.mfa.reset", "lost phone");
    assert_audited(&rows[2], "support.mfa.unlock", "no reason given");
}

/// Every `mfa` subcommand run on `email` fails naming `word`, and none writes an audit row.
fn every_mfa_command_fails_naming(email: &str, word: &str) {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    for args in [
        vec!["mfa", "status", "--email", email],
        vec!["mfa", "extend", "--email", email, "--days", "7"],
        vec!["mfa", "reset", "--email", email],
        vec!["mfa", "unlock", "--email", email],
    ] {
        sandbox.run(&args).assert_failure_naming(&[word]);
    }
    assert!(sandbox.support_audit().is_empty());
}

#[test]
fn an_unknown_email_fails_naming_it() {
    every_mfa_command_fails_naming("nobody@example.com", "nobody@example.com");
}

#[test]
fn a_malformed_email_fails_naming_the_flag() {
    every_mfa_command_fails_naming("not-an-email", "--email");
}

#[test]
fn remind_lists_then_sends_the_reminders_due_today_once() {
    let sandbox = Sandbox::new();
    sandbox.add_pat();
    sandbox.add_user("staff@example.com", "support", "2022-05-01");
    // Switched on 38 days ago: with 45 grace days, Pat's deadline is 7 days from today.
    let before = today();
    let switch_on = (before - Duration::days(38)).to_string();
    let remind = |args: &[&str]| {
        let mut cmd = sandbox.command(args);
        cmd.env("PORTAL_MFA_ENFORCE_FROM", &switch_on);
        common::run_to_end(cmd, args, None)
    };
    let outbox = sandbox.path().join("mail-outbox.jsonl");
    let reminders = || {
        std::fs::read_to_string(&outbox)
            .unwrap_or_default()
            .lines()
            .filter(|l| l.contains("Set up sign-in verification"))
            .count()
    };

    let dry = remind(&["mfa", "remind", "--dry-run"]);
    dry.assert_success();
    let after = today();
    let deadline = days_ahead(7, before, after);
    assert!(dry.stdout.starts_with("would remind pat@example.com: 7 days before the deadline of "), "{}", dry.stdout);
    assert_mentions_one_of(&dry.stdout, &deadline);
    assert_eq!(dry.stdout.lines().count(), 1, "staff get no reminders: {}", dry.stdout);
    assert_eq!(reminders(), 0, "a dry run sends nothing");

    let sent = remind(&["mfa", "remind"]);
    sent.assert_success();
    assert!(sent.stdout.starts_with("reminded pat@example.com: 7 days before"), "{}", sent.stdout);
    assert_eq!(reminders(), 1);
    let again = remind(&["mfa", "remind"]);
    again.assert_success();
    assert!(again.stdout.starts_with("no reminders due today"), "{}", again.stdout);
    assert_eq!(reminders(), 1, "sent once");
}
